//! The application layer: Hydra's `@hydra.main`, for every program.
//!
//! The **run** stage of the flow (load → compose → resolve → type → freeze
//! → run). An [`App`] is a value: its config sources, its job name, its
//! resolvers and launchers. [`App::run`] parses Hydra's flags
//! ([`HydraFlags`]) and the overrides, composes the config with its `hydra`
//! node, and then:
//!
//! - `--cfg job|hydra|all`, `--help`, `--info`: prints and exits;
//! - a run: one job in `hydra.run.dir`, with `.hydra/config.yaml`,
//!   `hydra.yaml`, `overrides.yaml` and the job log `<job.name>.log`;
//! - `-m`: the basic sweeper's jobs, each in `hydra.sweep.dir/subdir`,
//!   launched by `hydra/launcher` (`basic` in-process, `local` as
//!   subprocesses).
//!
//! Exit status: 0 on success, 1 on any failure (composition, a failed
//! job), 2 for a command-line usage error.
//!
//! ```no_run
//! use config_core::app::App;
//! fn main() -> std::process::ExitCode {
//!     App::new("train")
//!         .config_path("conf")
//!         .config_name("config")
//!         .run(|job| {
//!             let cfg = job.resolved()?;
//!             tracing::info!("training in {}", job.output_dir().display());
//!             println!("{}", cfg.to_yaml());
//!             Ok(())
//!         })
//! }
//! ```

mod flags;
mod help;
mod job;
mod launcher;
mod local;
mod logging;
pub mod ranks;
mod rundir;
mod runner;
mod signal;
pub mod slurm;
mod sweeper;

pub use flags::{args_help, flags_help, normalize, HydraFlags};
pub use job::{Job, JobOutcome, JobStatus, TaskError};
pub use launcher::{BasicLauncher, JobSpec, Launcher, SweepContext};
pub use local::LocalLauncher;
pub use logging::Logging;
pub use rundir::{absolute, create_output_dir, write_atomic};
pub use slurm::SlurmLauncher;
pub use sweeper::{batches, Batches, MAX_JOBS};

use crate::compose::{CliOverride, Composer};
use crate::error::{Error, ErrorKind};
use crate::interp::Resolvers;
use crate::merge::MergeHook;
use crate::node::Node;
use crate::store::ConfigStore;
use clap::{Args, FromArgMatches};
use runner::{Exit, Runner};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

type OverrideCheck = dyn Fn(&Composer, &CliOverride) -> Result<(), Error> + Send + Sync;

/// An application: where its configs come from and how its jobs run.
#[derive(Clone)]
pub struct App {
    pub(crate) job_name: String,
    pub(crate) config_name: Option<String>,
    config_path: Option<PathBuf>,
    dirs: Vec<PathBuf>,
    stores: Vec<Arc<ConfigStore>>,
    hook: Option<Arc<dyn MergeHook + Send + Sync>>,
    pub(crate) resolvers: Arc<dyn Fn() -> Resolvers + Send + Sync>,
    pub(crate) check_override: Option<Arc<OverrideCheck>>,
    pub(crate) fields_help: Option<String>,
    pub(crate) extra_flags_help: String,
    pub(crate) launchers: BTreeMap<String, Arc<dyn Launcher>>,
    pub(crate) reexec_prefix: Vec<OsString>,
    about: Option<String>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("job_name", &self.job_name)
            .field("config_name", &self.config_name)
            .field("config_path", &self.config_path)
            .finish_non_exhaustive()
    }
}

impl App {
    /// An app whose jobs are named `job_name` (`hydra.job.name`; Hydra uses
    /// the script's file name). See [`App::from_program_name`].
    pub fn new(job_name: impl Into<String>) -> App {
        App {
            job_name: job_name.into(),
            config_name: None,
            config_path: None,
            dirs: Vec::new(),
            stores: Vec::new(),
            hook: None,
            resolvers: Arc::new(Resolvers::default),
            check_override: None,
            fields_help: None,
            extra_flags_help: String::new(),
            launchers: BTreeMap::new(),
            reexec_prefix: Vec::new(),
            about: None,
        }
    }

    /// An app named after this program's file (without extension), as
    /// Hydra names the job after `sys.argv[0]`.
    pub fn from_program_name() -> App {
        let name = std::env::args_os()
            .next()
            .map(PathBuf::from)
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "app".into());
        App::new(name)
    }

    /// The primary config's directory (`--config-path` replaces it).
    pub fn config_path(mut self, dir: impl Into<PathBuf>) -> App {
        self.config_path = Some(dir.into());
        self
    }

    /// The primary config's name (`--config-name` replaces it).
    pub fn config_name(mut self, name: impl Into<String>) -> App {
        self.config_name = Some(name.into());
        self
    }

    /// Adds a config directory after the primary one.
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> App {
        self.dirs.push(dir.into());
        self
    }

    /// Adds a store of configs registered in code (after the directories,
    /// as Hydra's `structured://` source).
    pub fn store(mut self, store: Arc<ConfigStore>) -> App {
        self.stores.push(store);
        self
    }

    /// The merge hook of composition (the typed layer's schema).
    pub fn merge_hook(mut self, hook: Arc<dyn MergeHook + Send + Sync>) -> App {
        self.hook = Some(hook);
        self
    }

    /// How each job's resolvers are made (custom resolvers registered);
    /// `now` and `hydra` are added to them.
    pub fn resolvers(mut self, make: impl Fn() -> Resolvers + Send + Sync + 'static) -> App {
        self.resolvers = Arc::new(make);
        self
    }

    /// A check each override passes before composing (the typed layer
    /// checks keys and values against its schema).
    pub fn check_override(
        mut self,
        check: impl Fn(&Composer, &CliOverride) -> Result<(), Error> + Send + Sync + 'static,
    ) -> App {
        self.check_override = Some(Arc::new(check));
        self
    }

    /// Text `--help` adds after the config: each field with its type,
    /// default and doc (the typed layer's `T::help()`).
    pub fn fields_help(mut self, text: impl Into<String>) -> App {
        self.fields_help = Some(text.into());
        self
    }

    /// Arguments that come right after the program when a process launcher
    /// re-runs it for one job (a subcommand: `config` passes `run`).
    pub fn reexec_prefix<S: Into<OsString>>(mut self, args: impl IntoIterator<Item = S>) -> App {
        self.reexec_prefix = args.into_iter().map(Into::into).collect();
        self
    }

    /// One line of description for the usage text.
    pub fn about(mut self, text: impl Into<String>) -> App {
        self.about = Some(text.into());
        self
    }

    /// Registers a launcher, chosen with `hydra/launcher=NAME` when a
    /// `hydra/launcher/NAME` config exists (add it to a store or a config
    /// dir) or when the launcher config's `_target_` is `NAME`.
    pub fn launcher(mut self, name: impl Into<String>, launcher: Arc<dyn Launcher>) -> App {
        self.launchers.insert(name.into(), launcher);
        self
    }

    /// Runs the app on this process's arguments; see [`App::run_from`].
    pub fn run<F>(self, task: F) -> ExitCode
    where
        F: Fn(&Job) -> Result<(), TaskError> + Send + Sync,
    {
        self.run_from(std::env::args_os(), task)
    }

    /// Runs the app on `args` (the program first): the exit status is 0 on
    /// success, 1 on failure, 2 on a usage error.
    pub fn run_from<I, T, F>(self, args: I, task: F) -> ExitCode
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
        F: Fn(&Job) -> Result<(), TaskError> + Send + Sync,
    {
        self.run_with_args::<NoArgs, _, _, _>(args, move |job, _| task(job))
    }

    /// Like [`App::run_from`], with the program's own flags `A` (a clap
    /// `Args` struct) parsed beside Hydra's and given to the task.
    pub fn run_with_args<A, I, T, F>(self, args: I, task: F) -> ExitCode
    where
        A: Args + FromArgMatches + Send + Sync,
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
        F: Fn(&Job, &A) -> Result<(), TaskError> + Send + Sync,
    {
        let argv = normalize(args);
        let cmd = self.command::<A>();
        let matches = match cmd.clone().try_get_matches_from(&argv) {
            Ok(m) => m,
            Err(e) => return usage_error(e),
        };
        let parsed = HydraFlags::from_arg_matches(&matches)
            .and_then(|f| Ok((f, A::from_arg_matches(&matches)?)));
        let (flags, program_args) = match parsed {
            Ok(p) => p,
            Err(e) => return usage_error(e.with_cmd(&cmd)),
        };
        let reexec = reexec_args(&argv, &matches);
        let task = |job: &Job| task(job, &program_args);
        let mut app = self;
        app.extra_flags_help = flags::args_help::<A>();
        match app.dispatch(&flags, &task, reexec) {
            Ok(out) => {
                write_stdout(&out);
                ExitCode::SUCCESS
            }
            Err(e) => {
                print_error(&e);
                ExitCode::FAILURE
            }
        }
    }

    fn command<A: Args>(&self) -> clap::Command {
        let mut cmd = clap::Command::new(self.job_name.clone())
            .disable_help_flag(true)
            .disable_version_flag(true)
            .override_usage(format!("{} [FLAGS] [OVERRIDES]...", self.job_name));
        if let Some(about) = &self.about {
            cmd = cmd.about(about.clone());
        }
        A::augment_args(HydraFlags::augment_args(cmd))
    }

    /// The composer for these flags: Hydra's configs, the primary config
    /// dir, `--config-dir`, the app's dirs, then its stores.
    fn composer(&self, flags: &HydraFlags) -> Result<Composer, Error> {
        let mut b = Composer::builder();
        if let Some(dir) = flags.config_path.as_ref().or(self.config_path.as_ref()) {
            if !dir.is_dir() {
                return Err(Error::new(
                    ErrorKind::MissingConfig,
                    format!("Primary config directory not found: {}", dir.display()),
                )
                .with_hint("check --config-path (relative paths start at the working directory)"));
            }
            b = b.dir(dir);
        }
        if let Some(dir) = &flags.config_dir {
            if !dir.is_dir() {
                return Err(Error::new(
                    ErrorKind::MissingConfig,
                    format!(
                        "Additional config directory '{}' not found",
                        absolute(dir, &cwd()?).display()
                    ),
                )
                .with_hint("--config-dir must name an existing directory"));
            }
            b = b.dir(dir);
        }
        for d in &self.dirs {
            b = b.dir(d);
        }
        for s in &self.stores {
            b = b.shared_store(s.clone());
        }
        if let Some(h) = &self.hook {
            b = b.merge_hook(h.clone());
        }
        b.build()
    }

    /// `_run_hydra`: what the flags ask for. Returns what to print.
    fn dispatch(
        &self,
        flags: &HydraFlags,
        task: &runner::TaskFn<'_>,
        reexec: Vec<OsString>,
    ) -> Result<String, Error> {
        if flags.launcher_output_dir.is_some() {
            // A job a launcher started: take SLURM's SIGUSR1 ("checkpoint
            // now") from the first moment, not only once the task runs.
            let _ = signal::checkpoint_flag();
        }
        if flags.version {
            return Ok(format!(
                "{} (config-core {}, Hydra {} semantics)\n",
                self.job_name,
                env!("CARGO_PKG_VERSION"),
                crate::hydra::HYDRA_VERSION
            ));
        }
        let start = match flags.launcher_start {
            Some(n) => {
                SystemTime::UNIX_EPOCH + Duration::from_nanos(n.min(u64::MAX as u128) as u64)
            }
            // Ranks of one run agree on `${now:...}` through the environment.
            None => ranks::run_start(|k| std::env::var(k).ok()).unwrap_or_else(SystemTime::now),
        };
        let runner = Runner {
            app: self,
            flags,
            composer: self.composer(flags)?,
            start,
            cwd: cwd()?,
            task,
            reexec,
        };
        if flags.help {
            return runner.help();
        }
        let show_cfg = flags.cfg.is_some();
        if flags.resolve && !show_cfg {
            return Err(Error::new(
                ErrorKind::Compose,
                "The --resolve flag can only be used in conjunction with --cfg or --help",
            )
            .with_hint("add --cfg job (or --help), or drop --resolve"));
        }
        if flags.hydra_help {
            return runner.hydra_help();
        }
        let commands = [
            flags.run,
            show_cfg,
            flags.multirun,
            flags.info.is_some(),
            !flags.explain.is_empty(),
        ];
        if commands.iter().filter(|c| **c).count() > 1 {
            return Err(Error::new(ErrorKind::Compose, "Only one of --run, --multirun, --cfg, --info, --explain and --shell_completion can be specified")
                .with_hint("--cfg shows a run's config: drop -m (a sweep's jobs each have their own)"));
        }
        if let Some(dir) = &flags.launcher_output_dir {
            return match runner.launched_job(flags.launcher_job, dir) {
                Exit::Ok => Ok(String::new()),
                Exit::Failed(e) => Err(e),
            };
        }
        if let Some(cfg_type) = &flags.cfg {
            return runner.show_cfg(cfg_type);
        }
        if let Some(what) = &flags.info {
            return runner.info(what);
        }
        if !flags.explain.is_empty() {
            return runner.explain(&flags.explain);
        }
        match runner.run_or_sweep() {
            Exit::Ok => Ok(String::new()),
            Exit::Failed(e) => Err(e),
        }
    }

    /// The launcher for a sweep: by the launcher config's `_target_`, then
    /// by the `hydra/launcher` choice.
    pub(crate) fn launcher_for(&self, hydra: &Node) -> Result<Arc<dyn Launcher>, Error> {
        let target = hydra
            .select("launcher._target_")
            .ok()
            .flatten()
            .and_then(Node::as_str)
            .unwrap_or("");
        let choice = hydra
            .select("runtime.choices")
            .ok()
            .flatten()
            .and_then(|c| c.as_map())
            .and_then(|m| m.get(&crate::Key::from("hydra/launcher")))
            .and_then(Node::as_str)
            .unwrap_or("basic")
            .to_string();
        match target {
            "hydra._internal.core_plugins.basic_launcher.BasicLauncher" => {
                return Ok(Arc::new(BasicLauncher))
            }
            "config_core.app.LocalLauncher" => return Ok(Arc::new(LocalLauncher)),
            "config_core.app.SlurmLauncher" => return Ok(Arc::new(SlurmLauncher)),
            _ => {}
        }
        if let Some(l) = self
            .launchers
            .get(target)
            .or_else(|| self.launchers.get(&choice))
        {
            return Ok(l.clone());
        }
        let mut known: Vec<String> = vec!["basic".into(), "local".into(), "slurm".into()];
        known.extend(self.launchers.keys().cloned());
        Err(Error::new(
            ErrorKind::Compose,
            format!(
                "hydra/launcher={choice} (_target_: {target}) is not a launcher this program has"
            ),
        )
        .with_hint(format!("launchers: {}", known.join(", "))))
    }
}

impl Runner<'_> {
    /// `--hydra-help`: Hydra's own groups and flags.
    fn hydra_help(&self) -> Result<String, Error> {
        let (comp, _) = self.compose(&self.flags.overrides, crate::compose::RunMode::Run)?;
        let groups = help::config_groups(&comp.repository);
        let hydra_groups: Vec<&(String, Vec<String>)> = groups
            .iter()
            .filter(|(g, _)| g.starts_with("hydra/"))
            .collect();
        Ok(format!(
            "Hydra's application layer (config-core {}, Hydra {} semantics)\n\n== Flags ==\n{}{}\n== Configuration groups ==\n\
             Compose your configuration from those groups (for example, append hydra/job_logging=disabled to the command line)\n\n{}\n\
             Use '--cfg hydra' to show the Hydra config.\n",
            env!("CARGO_PKG_VERSION"),
            crate::hydra::HYDRA_VERSION,
            flags_help(),
            self.app.extra_flags_help,
            help::group_lines(&hydra_groups)
        ))
    }
}

/// No program flags.
#[derive(clap::Args, Debug, Clone, Copy, Default)]
struct NoArgs;

/// Prints `text` to stdout; a reader that went away (`| head`) is not an
/// error worth a panic.
/// Prints `e` to standard error after `error: `: coloured when standard
/// error is a terminal and `NO_COLOR` is unset or empty (<https://no-color.org>),
/// plain otherwise. The one place the tool and the app layer decide colour;
/// the library's own renderings never look at the environment.
pub(crate) fn print_error(e: &Error) {
    use std::io::IsTerminal;
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let style = annotate_snippets::renderer::DEFAULT_ERROR_STYLE;
    let label = if color {
        format!("{style}error{style:#}")
    } else {
        "error".to_string()
    };
    eprintln!("{label}: {}", e.render_for_terminal(color));
}

pub(crate) fn write_stdout(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn cwd() -> Result<PathBuf, Error> {
    std::env::current_dir()
        .map_err(|e| Error::new(ErrorKind::Io, "cannot read the working directory").with_source(e))
}

/// A usage error: clap's message (which names the argument), exit 2; or
/// a help text clap itself prints, exit 0.
fn usage_error(e: clap::Error) -> ExitCode {
    let _ = e.print();
    if e.use_stderr() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// The arguments that re-run this program for one job: the program and
/// its flags, without the overrides, `-m` and `--`.
fn reexec_args(argv: &[OsString], matches: &clap::ArgMatches) -> Vec<OsString> {
    let mut drop: Vec<usize> = Vec::new();
    for id in [
        "overrides",
        "multirun",
        "launcher_job",
        "launcher_start",
        "launcher_output_dir",
    ] {
        if let Some(ix) = matches.indices_of(id) {
            drop.extend(ix);
        }
    }
    let mut out = vec![std::env::current_exe()
        .map(OsString::from)
        .unwrap_or_else(|_| argv[0].clone())];
    for (i, a) in argv.iter().enumerate().skip(1) {
        if drop.contains(&i) || a == "--" {
            continue;
        }
        // A flag whose value was dropped goes with it.
        let text = a.to_string_lossy();
        if [
            "--launcher-job",
            "--launcher-start",
            "--launcher-output-dir",
            "-m",
            "--multirun",
        ]
        .contains(&text.as_ref())
        {
            continue;
        }
        out.push(a.clone());
    }
    out
}
