//! `T::app()`: the application layer ([`crate::app`]) for a typed config.
//!
//! The typed program's flow per job: compose (the type's defaults and
//! `register`ed groups as the primary config, overrides checked against the
//! schema first) → resolve (with `${hydra:...}`) → type
//! ([`Config::from_dict`]) → [`Config::validate`] → [`Config::freeze`] →
//! the task. `--help` adds every field with its type, default and doc.
//!
//! ```no_run
//! # use config_core::typed::{Config, Store};
//! # #[derive(Default, Clone, Debug)] struct TrainConfig;
//! # fn train(_: &TrainConfig, _: &std::path::Path) -> Result<(), config_core::Error> { Ok(()) }
//! # fn demo<T: Config>() -> std::process::ExitCode {
//! T::app().run(|job| {
//!     // job.cfg(): &Frozen<T>; job.output_dir(), job.num(), job.overrides(), job.choices()
//!     Ok(())
//! })
//! # }
//! ```

use super::flow::{check_override, freeze_tree};
use super::{Config, Frozen, Maker, Registry, SchemaHook, TypedTargets};
use crate::app::{App, Job, TaskError};
use crate::interp::Resolvers;
use crate::node::{Key, Node};
use crate::store::ConfigStore;
use clap::{Args, FromArgMatches};
use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// A typed application: `T`'s store and schema plus an [`App`].
pub struct TypedApp<T: Config> {
    maker: Maker<T>,
    app: App,
}

/// What a typed task gets: the frozen config and the job.
pub struct TypedJob<'j, T> {
    cfg: Frozen<T>,
    job: &'j Job,
}

impl<T> TypedJob<'_, T> {
    /// The job's typed, validated, frozen config.
    pub fn cfg(&self) -> &Frozen<T> {
        &self.cfg
    }

    /// The job's output directory (absolute).
    pub fn output_dir(&self) -> &Path {
        self.job.output_dir()
    }

    /// The job's number in its sweep; `None` in a single run.
    pub fn num(&self) -> Option<usize> {
        self.job.num()
    }

    /// The job's task overrides.
    pub fn overrides(&self) -> &[String] {
        self.job.overrides()
    }

    /// The final choice of each config group.
    pub fn choices(&self) -> &[(String, Option<String>)] {
        self.job.choices()
    }

    /// True once the job has been asked to save its state and stop (SLURM's
    /// `SIGUSR1` before the time limit); see [`Job::checkpoint_requested`].
    pub fn checkpoint_requested(&self) -> bool {
        self.job.checkpoint_requested()
    }

    /// How often the job was requeued (0 on its first start).
    pub fn restarts(&self) -> u32 {
        self.job.restarts()
    }

    /// This process's rank in a multi-process job.
    pub fn rank(&self) -> &crate::app::ranks::Rank {
        self.job.rank()
    }

    /// The untyped job: its unresolved config, `hydra` node, resolvers.
    pub fn job(&self) -> &Job {
        self.job
    }
}

impl<T: Config> Default for TypedApp<T> {
    fn default() -> Self {
        TypedApp::new()
    }
}

impl<T: Config> TypedApp<T> {
    /// The app of `T`, named after this program's file (`hydra.job.name`).
    pub fn new() -> TypedApp<T> {
        TypedApp {
            maker: Maker::new(),
            app: App::from_program_name(),
        }
    }

    /// Changes the underlying [`App`]: a config dir, a job name, launchers.
    pub fn with(mut self, f: impl FnOnce(App) -> App) -> TypedApp<T> {
        self.app = f(self.app);
        self
    }

    /// The store, to register more options or experiments.
    pub fn store_mut(&mut self) -> &mut ConfigStore {
        self.maker.store_mut()
    }

    /// Checks lazy objects whose `_target_` is one of `registry`'s typed
    /// constructors, and lists their arguments in `--help`
    /// ([`Maker::with_registry`]).
    pub fn with_registry(mut self, registry: &Registry) -> TypedApp<T> {
        self.maker = self.maker.with_registry(registry);
        self
    }

    /// The primary config's `hydra:` section ([`Maker::with_hydra`]): this
    /// program's defaults for Hydra's settings, such as its run dir.
    pub fn with_hydra(mut self, hydra: Node) -> TypedApp<T> {
        self.maker = self.maker.with_hydra(hydra);
        self
    }

    /// Makes the YAML file `dir/name.yaml` the primary config, with `T` as
    /// its schema, defaults and checks ([`Maker::with_primary`]).
    pub fn with_primary(mut self, dir: impl Into<std::path::PathBuf>, name: &str) -> TypedApp<T> {
        self.maker = self.maker.with_primary(dir, name);
        self
    }

    /// How each job's resolvers are made (custom resolvers registered).
    pub fn resolvers(
        mut self,
        make: impl Fn() -> Resolvers + Send + Sync + 'static,
    ) -> TypedApp<T> {
        self.app = self.app.resolvers(make);
        self
    }

    /// Runs the app on this process's arguments.
    pub fn run<F>(self, task: F) -> ExitCode
    where
        F: Fn(&TypedJob<'_, T>) -> Result<(), TaskError> + Send + Sync,
    {
        self.run_from(std::env::args_os(), task)
    }

    /// Runs the app on `args` (the program first).
    pub fn run_from<I, S, F>(self, args: I, task: F) -> ExitCode
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
        F: Fn(&TypedJob<'_, T>) -> Result<(), TaskError> + Send + Sync,
    {
        self.run_with_args::<NoFlags, _, _, _>(args, move |job, _| task(job))
    }

    /// Like [`TypedApp::run_from`], with the program's own flags `A` (a
    /// clap `Args` struct: `--dryrun`, `--smoke`) beside Hydra's.
    pub fn run_with_args<A, I, S, F>(self, args: I, task: F) -> ExitCode
    where
        A: Args + FromArgMatches + Send + Sync,
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
        F: Fn(&TypedJob<'_, T>, &A) -> Result<(), TaskError> + Send + Sync,
    {
        let help = self.maker.help();
        for w in self.maker.warnings() {
            eprintln!("warning: {w}");
        }
        let (store, dirs, targets) = match self.maker.into_sources() {
            Ok(sources) => sources,
            Err(e) => {
                eprintln!("error: {}", e.render());
                return ExitCode::FAILURE;
            }
        };
        let targets = Arc::new(targets);
        let checked = Arc::clone(&targets);
        let mut app = self
            .app
            .config_name(T::SCHEMA.name)
            .store(Arc::new(store))
            .merge_hook(Arc::new(SchemaHook::new(T::SCHEMA)))
            .check_override(move |composer, o| check_override::<T>(composer, &checked, o))
            .fields_help(help);
        for d in dirs {
            app = app.dir(d);
        }
        app.run_with_args::<A, _, _, _>(args, move |job, flags| {
            let cfg = typed_config::<T>(job, &targets)?;
            task(&TypedJob { cfg, job }, flags)
        })
    }
}

/// Resolve → type → validate → freeze (keeping the tree, for
/// [`Frozen::explain`]).
fn typed_config<T: Config>(job: &Job, targets: &TypedTargets) -> Result<Frozen<T>, TaskError> {
    let mut cfg = job.resolved().map_err(|e| e.render())?;
    if let Some(m) = cfg.as_map_mut_raw() {
        m.shift_remove(&Key::from("defaults"));
    }
    Ok(freeze_tree::<T>(cfg, targets).map_err(|e| e.render())?)
}

/// No program flags.
#[derive(clap::Args, Debug, Clone, Copy, Default)]
struct NoFlags;
