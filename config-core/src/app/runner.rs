//! One invocation of an application: Hydra's `_run_hydra`, `Hydra.run`,
//! `Hydra.multirun`, `show_cfg`, `app_help` and `run_job`. The flow: parse
//! the flags → compose (with the `hydra` node) → complete the node → then
//! show the config, or run one job, or sweep.

use super::flags::HydraFlags;
use super::job::{hydra_root, with_hydra, Job, JobOutcome, JobStatus, TaskError};
use super::launcher::{JobSpec, SweepContext};
use super::logging::Logging;
use super::ranks::{torchrun_env, Rank};
use super::rundir::{absolute, create_output_dir, write_atomic};
use super::{sweeper, App};
use crate::compose::override_arg;
use crate::compose::{Composer, Composition, RunMode};
use crate::error::{Error, ErrorKind};
use crate::hydra::{complete, register_resolver, set_leaf, strings, RunContext};
use crate::interp::{resolve, resolve_path, Resolvers};
use crate::node::{Node, Value};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// The task: called once per job.
pub(super) type TaskFn<'t> = dyn Fn(&Job) -> Result<(), TaskError> + Send + Sync + 't;

/// A job, composed and completed, with its output directory chosen.
#[derive(Clone)]
pub(crate) struct Prepared {
    pub(crate) cfg: Node,
    pub(crate) hydra: Node,
    pub(crate) num: Option<usize>,
    pub(crate) output_dir: PathBuf,
    /// The directory is this run's own (its pattern has a timestamp).
    pub(crate) fresh: bool,
    pub(crate) task_overrides: Vec<String>,
    pub(crate) choices: Vec<(String, Option<String>)>,
    /// The overrides the job was composed with (Hydra's and the task's).
    pub(crate) compose_overrides: Vec<String>,
}

/// The state of one invocation.
pub(crate) struct Runner<'a> {
    pub(crate) app: &'a App,
    pub(crate) flags: &'a HydraFlags,
    pub(crate) composer: Composer,
    pub(crate) start: SystemTime,
    pub(crate) cwd: PathBuf,
    pub(crate) task: &'a TaskFn<'a>,
    /// This program and its flags, without overrides and `-m`: how a
    /// process launcher re-runs one job.
    pub(crate) reexec: Vec<OsString>,
}

/// How an invocation ends.
pub(crate) enum Exit {
    Ok,
    Failed(Error),
}

impl<'a> Runner<'a> {
    fn config_name(&self) -> Option<&str> {
        self.flags
            .config_name
            .as_deref()
            .or(self.app.config_name.as_deref())
    }

    /// Parses and composes `overrides` in `mode`, then completes the
    /// `hydra` node for the run.
    pub(crate) fn compose(
        &self,
        overrides: &[String],
        mode: RunMode,
    ) -> Result<(Composition, Node), Error> {
        let parsed = override_arg::parse_all(overrides)?;
        if let Some(check) = &self.app.check_override {
            for o in &parsed {
                check(&self.composer, o)?;
            }
        }
        let mut comp = self
            .composer
            .compose_mode(self.config_name(), &parsed, mode)
            .map_err(|e| self.hint_config_name(e))?;
        let mut hydra = std::mem::replace(&mut comp.hydra, Node::empty_map());
        let run = RunContext {
            config_name: self.config_name(),
            job_name: &self.app.job_name,
            cwd: &self.cwd.to_string_lossy(),
            config_sources: sources(&comp),
        };
        complete(&mut hydra, &parsed, &comp.defaults.choices, &run)?;
        Ok((comp, hydra))
    }

    /// Without `--config-name` there is no primary config (as with
    /// `@hydra.main(config_name=None)`): say so when composing fails.
    fn hint_config_name(&self, e: Error) -> Error {
        if self.config_name().is_some() {
            return e;
        }
        let names: Vec<String> = self
            .composer
            .repository()
            .options("")
            .into_iter()
            .filter(|n| !n.starts_with('_'))
            .collect();
        match names.first() {
            Some(first) => e.with_hint(format!(
                "no --config-name was given, so no primary config was composed; this search path has: {} (e.g. --config-name {first})",
                names.join(", ")
            )),
            None => e,
        }
    }

    /// The resolvers of a job: the app's, `now` pinned to the run's start,
    /// and `${hydra:...}` reading `hydra`.
    pub(crate) fn resolvers(&self, hydra: &Node) -> Resolvers {
        let mut r = (self.app.resolvers)();
        r.set_now(self.start);
        register_resolver(&mut r, hydra, Some(self.start));
        r
    }

    /// `hydra.mode` as the config sets it, found by composing without
    /// checking sweeps (Hydra's `get_mode`); `None` when that fails.
    fn probe_mode(&self) -> Option<String> {
        let (_, hydra) = self.compose(&self.flags.overrides, RunMode::Probe).ok()?;
        hydra.get("mode").and_then(Node::as_str).map(str::to_string)
    }

    /// `_run_app`: picks the mode, then runs or sweeps.
    pub(crate) fn run_or_sweep(&self) -> Exit {
        let mut overrides = self.flags.overrides.clone();
        let mode = match self.probe_mode() {
            None if self.flags.multirun => {
                overrides.push("hydra.mode=MULTIRUN".into());
                "MULTIRUN".to_string()
            }
            None => {
                overrides.push("hydra.mode=RUN".into());
                "RUN".to_string()
            }
            Some(m) if m == "RUN" && self.flags.multirun => {
                eprintln!("warning: Running Hydra app with --multirun, overriding with `hydra.mode=MULTIRUN`.");
                overrides.push("hydra.mode=MULTIRUN".into());
                "MULTIRUN".to_string()
            }
            Some(m) => m,
        };
        let result = if mode == "MULTIRUN" {
            self.multirun(&overrides)
        } else {
            self.single_run(&overrides)
        };
        match result {
            Ok(()) => Exit::Ok,
            Err(e) => Exit::Failed(e),
        }
    }

    fn single_run(&self, overrides: &[String]) -> Result<(), Error> {
        let (comp, mut hydra) = self.compose(overrides, RunMode::Run)?;
        if hydra.get("mode").is_none_or(|m| m.value == Value::Null) {
            set_leaf(&mut hydra, "mode", Value::Str("RUN".into()));
        }
        let launcher = self.app.launcher_for(&hydra)?;
        let mut prepared = self.prepare(comp, hydra, None, None, overrides)?;
        let outcome = if launcher.runs_single_jobs() {
            // The run dir is claimed here: the launcher writes its script
            // there, and the job runs there wherever it runs.
            let dir = create_output_dir(&prepared.output_dir, prepared.fresh)?;
            set_leaf(
                &mut prepared.hydra,
                "runtime.output_dir",
                Value::Str(dir.to_string_lossy().into()),
            );
            prepared.output_dir = dir.clone();
            prepared.fresh = false;
            let root = with_hydra(&prepared.cfg, &prepared.hydra);
            let resolvers = self.resolvers(&prepared.hydra);
            let logging = Logging::from_config(&root, "hydra_logging", &resolvers, &self.cwd)?;
            let ctx = SweepContext {
                runner: self,
                sweep_dir: dir,
                logging: &logging,
                launcher: launcher_config(&root, &resolvers)?,
            };
            let mut outcomes = launcher.launch(&ctx, &[JobSpec { prepared }])?;
            outcomes
                .pop()
                .ok_or_else(|| Error::new(ErrorKind::Compose, "the launcher reported no job"))?
        } else {
            self.execute(prepared)
        };
        match outcome.status {
            JobStatus::Failed(e) => Err(Error::new(ErrorKind::Compose, e)),
            _ => Ok(()),
        }
    }

    /// One job of a sweep, run by this process for a process launcher.
    pub(crate) fn launched_job(&self, num: Option<usize>, output_dir: &Path) -> Exit {
        let result =
            self.compose(&self.flags.overrides, RunMode::Run)
                .and_then(|(comp, mut hydra)| {
                    if num.is_none() && hydra.get("mode").is_none_or(|m| m.value == Value::Null) {
                        set_leaf(&mut hydra, "mode", Value::Str("RUN".into()));
                    }
                    let mut p = self.prepare(comp, hydra, num, None, &self.flags.overrides)?;
                    // The launcher chose (and claimed) the directory.
                    p.output_dir = output_dir.to_path_buf();
                    p.fresh = false;
                    Ok(p)
                });
        match result.map(|p| self.execute(p)) {
            Ok(o) if o.ok() => Exit::Ok,
            Ok(o) => {
                let text = match o.status {
                    JobStatus::Failed(text) => text,
                    _ => String::new(),
                };
                Exit::Failed(Error::new(ErrorKind::Compose, text))
            }
            Err(e) => Exit::Failed(e),
        }
    }

    /// Hydra's `multirun` with the basic sweeper.
    fn multirun(&self, overrides: &[String]) -> Result<(), Error> {
        let (comp, hydra) = self.compose(overrides, RunMode::Multirun)?;
        let root = with_hydra(&comp.config, &hydra);
        let resolvers = self.resolvers(&hydra);
        let task = strings(&hydra, "overrides.task");
        let hydra_overrides = strings(&hydra, "overrides.hydra");
        let empty = Node::empty_map();
        let sweeper_cfg = hydra.get("sweeper").unwrap_or(&empty);
        let batches = sweeper::batches(sweeper_cfg, &task, self.composer.repository())?;
        let sweep_dir = self.resolve_dir(&root, "hydra.sweep.dir", &resolvers)?;
        let fresh = raw_has_now(&hydra, "sweep.dir");
        let sweep_dir = create_output_dir(&absolute(&sweep_dir, &self.cwd), fresh)?;
        write_atomic(&sweep_dir.join("multirun.yaml"), root.to_yaml().as_bytes())?;
        let logging = Logging::from_config(&root, "hydra_logging", &resolvers, &self.cwd)?;
        let launcher = self.app.launcher_for(&hydra)?;
        let ctx = SweepContext {
            runner: self,
            sweep_dir: sweep_dir.clone(),
            logging: &logging,
            launcher: launcher_config(&root, &resolvers)?,
        };
        let mut first = 0;
        for batch in batches {
            // Every job of the batch is composed before any runs, so a job
            // that cannot be composed stops the sweep cleanly.
            let mut jobs = Vec::with_capacity(batch.len());
            for (i, job_overrides) in batch.iter().enumerate() {
                let mut all = hydra_overrides.clone();
                all.extend(job_overrides.iter().cloned());
                let (comp, hydra) = self.compose(&all, RunMode::Run)?;
                let prepared =
                    self.prepare(comp, hydra, Some(first + i), Some(&sweep_dir), &all)?;
                jobs.push(JobSpec { prepared });
            }
            first += jobs.len();
            let outcomes = launcher.launch(&ctx, &jobs)?;
            if let Some(failed) = outcomes
                .iter()
                .find(|o| matches!(o.status, JobStatus::Failed(_)))
            {
                let JobStatus::Failed(e) = &failed.status else {
                    unreachable!()
                };
                return Err(Error::new(ErrorKind::Compose, e.clone()).with_hint(format!(
                    "job #{} ({}) failed; the other jobs of its batch ran",
                    failed.num,
                    failed.overrides.join(" ")
                )));
            }
        }
        Ok(())
    }

    /// Chooses the job's output directory: `hydra.run.dir`, or for job
    /// `num` of a sweep, the sweep dir joined with `hydra.sweep.subdir`.
    fn prepare(
        &self,
        comp: Composition,
        mut hydra: Node,
        num: Option<usize>,
        sweep_dir: Option<&Path>,
        compose_overrides: &[String],
    ) -> Result<Prepared, Error> {
        if let Some(n) = num {
            set_leaf(&mut hydra, "job.id", Value::Str(n.to_string().into()));
            set_leaf(&mut hydra, "job.num", Value::Int(n as i64));
        }
        let root = with_hydra(&comp.config, &hydra);
        let resolvers = self.resolvers(&hydra);
        let (dir, fresh) = match (num, sweep_dir) {
            (Some(_), Some(sweep)) => (
                sweep.join(self.resolve_dir(&root, "hydra.sweep.subdir", &resolvers)?),
                false,
            ),
            (Some(_), None) => {
                let sweep = self.resolve_dir(&root, "hydra.sweep.dir", &resolvers)?;
                (
                    sweep.join(self.resolve_dir(&root, "hydra.sweep.subdir", &resolvers)?),
                    false,
                )
            }
            _ => (
                self.resolve_dir(&root, "hydra.run.dir", &resolvers)?,
                raw_has_now(&hydra, "run.dir"),
            ),
        };
        let output_dir = absolute(&dir, &self.cwd);
        set_leaf(
            &mut hydra,
            "runtime.output_dir",
            Value::Str(output_dir.to_string_lossy().into()),
        );
        let choices = comp
            .defaults
            .choices
            .iter()
            .filter(|(g, _)| !crate::hydra::is_hydra_key(g))
            .cloned()
            .collect();
        Ok(Prepared {
            cfg: comp.config,
            task_overrides: strings(&hydra, "overrides.task"),
            hydra,
            num,
            output_dir,
            fresh,
            choices,
            compose_overrides: compose_overrides.to_vec(),
        })
    }

    fn resolve_dir(&self, root: &Node, key: &str, resolvers: &Resolvers) -> Result<PathBuf, Error> {
        let v = resolve_path(root, key, resolvers)?;
        Ok(PathBuf::from(crate::python::python_str(&v.value)))
    }

    /// `run_job`: creates the output dir, changes into it with
    /// `hydra.job.chdir`, starts the job log, saves `.hydra/`, sets
    /// `hydra.job.env_set`, and runs the task.
    pub(crate) fn execute(&self, p: Prepared) -> JobOutcome {
        let t0 = Instant::now();
        let mut outcome = JobOutcome {
            num: p.num.unwrap_or(0),
            overrides: p.task_overrides.clone(),
            status: JobStatus::Completed,
            output_dir: None,
            elapsed: Duration::ZERO,
        };
        let result = self.execute_inner(p, &mut outcome);
        if let Err(e) = result {
            outcome.status = JobStatus::Failed(e);
        }
        outcome.elapsed = t0.elapsed();
        outcome
    }

    fn execute_inner(&self, mut p: Prepared, outcome: &mut JobOutcome) -> Result<(), String> {
        let render = |e: Error| e.render();
        let rank = Rank::current();
        // Every rank of a run shares rank 0's directory.
        let fresh = p.fresh && rank.world_size == 1;
        let dir = create_output_dir(&p.output_dir, fresh).map_err(render)?;
        set_leaf(
            &mut p.hydra,
            "runtime.output_dir",
            Value::Str(dir.to_string_lossy().into()),
        );
        outcome.output_dir = Some(dir.clone());
        let resolvers = Arc::new(self.resolvers(&p.hydra));
        let chdir = p
            .hydra
            .select("job.chdir")
            .ok()
            .flatten()
            .is_some_and(|n| n.value == Value::Bool(true));
        let working_dir = if chdir { dir.clone() } else { self.cwd.clone() };
        let _cwd = CwdGuard::enter(chdir.then_some(&dir)).map_err(render)?;
        let root = with_hydra(&p.cfg, &p.hydra);
        let logging = Logging::for_rank(&root, "job_logging", &resolvers, &working_dir, rank.rank)
            .map_err(render)?;
        // Only rank 0 writes the run's files.
        let output_subdir = p
            .hydra
            .get("output_subdir")
            .filter(|n| n.value != Value::Null);
        if let Some(sub) = output_subdir.filter(|_| rank.is_main()) {
            let sub = dir.join(crate::python::python_str(&sub.value));
            self.save(&sub, &p).map_err(render)?;
        }
        let mut env = env_set(&p.hydra, &resolvers).map_err(render)?;
        env.extend(torchrun_env(|k| std::env::var(k).ok()));
        let _env = EnvGuard::set(&env);
        let checkpoint = super::signal::checkpoint_flag();
        let job = Job {
            cfg: p.cfg,
            hydra: p.hydra,
            num: p.num,
            output_dir: dir,
            working_dir,
            overrides: p.task_overrides,
            choices: p.choices,
            resolvers,
            rank,
            restarts: restarts(),
            checkpoint,
        };
        let task = self.task;
        let result =
            logging.scope(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| task(&job))));
        match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(panic) => Err(format!("the task panicked: {}", panic_text(&panic))),
        }
    }

    /// `.hydra/config.yaml` (the task config, unresolved), `hydra.yaml`
    /// and `overrides.yaml`, each written atomically.
    fn save(&self, dir: &Path, p: &Prepared) -> Result<(), Error> {
        write_atomic(&dir.join("config.yaml"), p.cfg.to_yaml().as_bytes())?;
        write_atomic(
            &dir.join("hydra.yaml"),
            hydra_root(&p.hydra).to_yaml().as_bytes(),
        )?;
        let list = p
            .hydra
            .select("overrides.task")
            .ok()
            .flatten()
            .cloned()
            .unwrap_or_else(|| Node::new(Value::List(Vec::new())));
        write_atomic(&dir.join("overrides.yaml"), list.to_yaml().as_bytes())
    }

    /// The command that re-runs this program for one job of a sweep.
    pub(crate) fn job_command(&self, p: &Prepared) -> std::process::Command {
        // The job's flags and overrides come before the program's own
        // flags, which may end with one that takes the rest of the line
        // (`--exec CMD...`).
        let mut cmd = std::process::Command::new(&self.reexec[0]);
        cmd.args(&self.app.reexec_prefix);
        let nanos = self
            .start
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        if let Some(n) = p.num {
            cmd.arg("--launcher-job").arg(n.to_string());
        }
        cmd.arg("--launcher-start").arg(nanos.to_string());
        cmd.arg("--launcher-output-dir").arg(&p.output_dir);
        cmd.args(&p.compose_overrides);
        cmd.args(&self.reexec[1..]);
        cmd.current_dir(&self.cwd);
        cmd
    }

    /// `--explain KEY|changed [--explain-format text|json]`: where values
    /// came from, or the table of what the command line changed.
    pub(crate) fn explain(&self, keys: &[String]) -> Result<String, Error> {
        let overrides = &self.flags.overrides;
        let (comp, _) = self.compose(overrides, RunMode::Run)?;
        let mut out = String::new();
        for key in keys {
            if key != "changed" {
                out.push_str(&crate::compose::explain(&comp.config, key)?);
                continue;
            }
            let before = self.compose(&[], RunMode::Run).ok().map(|(c, _)| c);
            let rows = crate::compose::changes_between(before.as_ref(), &comp, overrides);
            if self.flags.explain_format == "json" {
                out.push_str(&crate::compose::changes_json(&rows));
                out.push('\n');
            } else {
                out.push_str(&crate::compose::render_changes(&rows));
            }
        }
        Ok(out)
    }

    /// `--cfg job|hydra|all [--package P] [--resolve]`.
    pub(crate) fn show_cfg(&self, cfg_type: &str) -> Result<String, Error> {
        let (comp, mut hydra) = self.compose(&self.flags.overrides, RunMode::Run)?;
        let resolvers = self.resolvers(&hydra);
        let mut root = match cfg_type {
            "job" => comp.config,
            "hydra" => {
                if let Some(m) = hydra.as_map_mut_raw() {
                    m.shift_remove(&crate::Key::from("hydra_help"));
                    m.shift_remove(&crate::Key::from("help"));
                }
                hydra_root(&hydra)
            }
            _ => with_hydra(&comp.config, &hydra),
        };
        let package = self
            .flags
            .package
            .as_deref()
            .filter(|p| !p.is_empty() && *p != "_global_");
        let Some(package) = package else {
            if self.flags.resolve {
                resolve_in_place(&mut root, &resolvers)?;
            }
            return Ok(self.render(&root, None));
        };
        let not_found = || {
            Error::new(
                ErrorKind::KeyNotFound,
                format!("package '{package}' not found in config"),
            )
            .with_hint(format!(
                "the top-level keys are: {}",
                root.entries()
                    .map(|(k, _)| k.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        };
        let selected = root
            .select(package)
            .ok()
            .flatten()
            .cloned()
            .ok_or_else(not_found)?;
        if !selected.value.is_container() {
            let v = resolve_path(&root, package, &resolvers)?;
            return Ok(format!("{}\n", crate::python::python_str(&v.value)));
        }
        let mut out = selected;
        if self.flags.resolve {
            resolve_in_place(&mut root, &resolvers)?;
            out = root.select(package).ok().flatten().cloned().unwrap_or(out);
        }
        Ok(self.render(&out, Some(package)))
    }

    /// A config as `--format` asks: YAML (a package's under its
    /// `# @package` line) or indented JSON.
    fn render(&self, node: &Node, package: Option<&str>) -> String {
        match (self.flags.format.as_str(), package) {
            ("json", _) => crate::serde::to_json_pretty(node),
            (_, Some(p)) => format!("# @package {p}\n{}", node.to_yaml()),
            (_, None) => node.to_yaml(),
        }
    }

    /// `--help`: the app's help template with its groups and config.
    pub(crate) fn help(&self) -> Result<String, Error> {
        let (comp, hydra) = self.compose(&self.flags.overrides, RunMode::Run)?;
        let resolvers = self.resolvers(&hydra);
        let root = with_hydra(&comp.config, &hydra);
        let template = resolve_path(&root, "hydra.help.template", &resolvers)?;
        let template = crate::python::python_str(&template.value);
        let mut cfg = comp.config.clone();
        if self.flags.resolve {
            resolve(&mut cfg, &resolvers)?;
        }
        let groups = super::help::config_groups(&comp.repository);
        let app_groups: Vec<&(String, Vec<String>)> = groups
            .iter()
            .filter(|(g, _)| g != "hydra" && !g.starts_with("hydra/"))
            .collect();
        let hydra_groups: Vec<&(String, Vec<String>)> = groups
            .iter()
            .filter(|(g, _)| g.starts_with("hydra/"))
            .collect();
        let mut text = super::help::substitute(
            &template,
            &[
                (
                    "FLAGS_HELP",
                    super::flags::flags_help() + &self.app.extra_flags_help,
                ),
                ("APP_CONFIG_GROUPS", super::help::group_lines(&app_groups)),
                (
                    "HYDRA_CONFIG_GROUPS",
                    super::help::group_lines(&hydra_groups),
                ),
                ("CONFIG", cfg.to_yaml()),
            ],
        );
        text.push('\n');
        // A typed program also lists its flags (Hydra's and its own) and
        // every field; Hydra's default template has neither.
        if let Some(fields) = &self.app.fields_help {
            text.push_str("\n== Flags ==\n");
            text.push_str(&super::flags::flags_help());
            text.push_str(&self.app.extra_flags_help);
            text.push_str("\n== Fields ==\n");
            text.push_str(fields);
        }
        Ok(text)
    }

    /// `--info [all|config|defaults|defaults-tree|searchpath|plugins]`.
    pub(crate) fn info(&self, what: &str) -> Result<String, Error> {
        let (comp, _) = self.compose(&self.flags.overrides, RunMode::Run)?;
        let mut out = String::new();
        let all = what == "all";
        if all || what == "searchpath" {
            out.push_str("Config search path\n******************\n");
            out.push_str(&comp.repository.describe());
            out.push_str("\n\n");
        }
        if all || what == "plugins" {
            out.push_str("Launchers: basic, local");
            for name in self.app.launchers.keys() {
                out.push_str(&format!(", {name}"));
            }
            out.push_str("\nSweepers: basic\n\n");
        }
        if all || what == "defaults-tree" {
            out.push_str(&comp.defaults.tree.render());
            out.push('\n');
        }
        if all || what == "defaults" {
            out.push_str(&comp.defaults.render());
            out.push('\n');
        }
        if all || what == "config" {
            out.push_str("Config\n******\n");
            out.push_str(&comp.config.to_yaml());
        }
        Ok(out)
    }
}

fn sources(comp: &Composition) -> Vec<(String, String, String)> {
    comp.repository
        .sources()
        .iter()
        .map(|s| {
            let d = s.describe();
            let field = |name: &str| {
                d.split(", ")
                    .find_map(|p| p.strip_prefix(name))
                    .map(|v| v.split(' ').next().unwrap_or(v).to_string())
                    .unwrap_or_default()
            };
            let path = field("path=");
            let schema = path.split("://").next().unwrap_or("").to_string();
            (field("provider="), path, schema)
        })
        .collect()
}

/// `OmegaConf.resolve`: like [`resolve`], except that an interpolation
/// whose target is `???` becomes `???` itself instead of an error.
fn resolve_in_place(root: &mut Node, resolvers: &Resolvers) -> Result<(), Error> {
    // Each round fixes one interpolation; a tree has finitely many.
    for _ in 0..100_000 {
        match resolve(root, resolvers) {
            Err(e) if e.kind() == ErrorKind::InterpolationToMissing => {
                let node = e.key().and_then(|k| root.select_mut_raw(k).ok().flatten());
                match node {
                    Some(n) if matches!(n.value, Value::Interp(_)) => n.value = Value::Missing,
                    _ => return Err(e),
                }
            }
            other => return other,
        }
    }
    Ok(())
}

/// True when the unresolved directory pattern at `path` holds `${now:`.
fn raw_has_now(hydra: &Node, path: &str) -> bool {
    hydra
        .select(path)
        .ok()
        .flatten()
        .and_then(Node::as_str)
        .is_some_and(|s| s.contains("${now:"))
}

/// `hydra.launcher`, resolved (`name: ${hydra.job.name}`).
fn launcher_config(root: &Node, resolvers: &Resolvers) -> Result<Node, Error> {
    match root.select("hydra.launcher").ok().flatten() {
        Some(_) => resolve_path(root, "hydra.launcher", resolvers),
        None => Ok(Node::empty_map()),
    }
}

/// How often SLURM requeued this job (`SLURM_RESTART_COUNT`).
fn restarts() -> u32 {
    std::env::var("SLURM_RESTART_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// `hydra.job.env_set`, each value resolved against the `hydra` node alone.
fn env_set(hydra: &Node, resolvers: &Resolvers) -> Result<Vec<(String, String)>, Error> {
    let root = hydra_root(hydra);
    let keys: Vec<String> = hydra
        .select("job.env_set")
        .ok()
        .flatten()
        .map(|m| m.entries().map(|(k, _)| k.to_string()).collect())
        .unwrap_or_default();
    keys.into_iter()
        .map(|k| {
            let v = resolve_path(&root, &format!("hydra.job.env_set.{k}"), resolvers)?;
            Ok((k, crate::python::python_str(&v.value)))
        })
        .collect()
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// Changes the working directory for a job and changes it back after.
struct CwdGuard(Option<PathBuf>);

impl CwdGuard {
    fn enter(dir: Option<&PathBuf>) -> Result<CwdGuard, Error> {
        let Some(dir) = dir else {
            return Ok(CwdGuard(None));
        };
        let old = std::env::current_dir().map_err(|e| {
            Error::new(ErrorKind::Io, "cannot read the working directory").with_source(e)
        })?;
        std::env::set_current_dir(dir).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("cannot change into {}", dir.display()),
            )
            .with_source(e)
        })?;
        Ok(CwdGuard(Some(old)))
    }
}

impl Drop for CwdGuard {
    fn drop(&mut self) {
        if let Some(old) = &self.0 {
            let _ = std::env::set_current_dir(old);
        }
    }
}

/// Sets environment variables for the task and restores them after.
struct EnvGuard(Vec<(String, Option<OsString>)>);

impl EnvGuard {
    fn set(vars: &[(String, String)]) -> EnvGuard {
        let saved = vars
            .iter()
            .map(|(k, v)| {
                let old = std::env::var_os(k);
                std::env::set_var(k, v);
                (k.clone(), old)
            })
            .collect();
        EnvGuard(saved)
    }
}

impl Drop for EnvGuard {
    fn drop(&mut self) {
        for (k, old) in self.0.drain(..) {
            match old {
                Some(v) => std::env::set_var(&k, v),
                None => std::env::remove_var(&k),
            }
        }
    }
}
