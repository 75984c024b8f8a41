//! Launchers: how the jobs of a sweep run. The sweeper makes the jobs and
//! composes each one first (a job that cannot be composed stops the sweep
//! before anything runs); a [`Launcher`] runs one batch of them and reports
//! one [`JobOutcome`] per job, in order.
//!
//! - `basic` ([`BasicLauncher`]): sequential and in-process, Hydra's default.
//! - `local` ([`LocalLauncher`](super::LocalLauncher)): `n_jobs` subprocesses
//!   at a time, each re-running the program for one job.
//!
//! A launcher that runs jobs elsewhere (a process pool, a cluster) re-runs
//! the same program for each job with [`SweepContext::command`]: the
//! program's own flags, the job's overrides and the job's number. Nothing is
//! pickled: a job is its command line.

use super::job::JobOutcome;
use super::logging::Logging;
use super::runner::{Prepared, Runner};
use crate::error::Error;
use crate::node::Node;
use std::path::{Path, PathBuf};

/// One job of a sweep, composed and ready to launch.
pub struct JobSpec {
    pub(crate) prepared: Prepared,
}

impl JobSpec {
    /// The job's number in the sweep (`hydra.job.num`).
    pub fn num(&self) -> usize {
        self.prepared.num.unwrap_or(0)
    }

    /// The job's task overrides (`db=mysql`), as re-rendered by the sweeper.
    pub fn overrides(&self) -> &[String] {
        &self.prepared.task_overrides
    }

    /// The job's output directory (absolute).
    pub fn output_dir(&self) -> &Path {
        &self.prepared.output_dir
    }

    /// The job's composed `hydra` node.
    pub fn hydra(&self) -> &Node {
        &self.prepared.hydra
    }
}

/// What a launcher is given besides the jobs.
pub struct SweepContext<'a> {
    pub(crate) runner: &'a Runner<'a>,
    pub(crate) sweep_dir: PathBuf,
    pub(crate) logging: &'a Logging,
    pub(crate) launcher: Node,
}

impl SweepContext<'_> {
    /// The `hydra.launcher` node: the launcher's own settings (`n_jobs`).
    pub fn config(&self) -> &Node {
        &self.launcher
    }

    /// The sweep directory (absolute), where `multirun.yaml` is.
    pub fn sweep_dir(&self) -> &Path {
        &self.sweep_dir
    }

    /// Writes one of Hydra's own log records (`hydra/hydra_logging`).
    pub fn log(&self, message: &str) {
        self.logging.info(message);
    }

    /// Runs one job here, in this process (what `basic` does).
    pub fn run_in_process(&self, job: &JobSpec) -> JobOutcome {
        self.runner.execute(job.prepared.clone())
    }

    /// The command that runs `job` in another process: this program, its
    /// own flags, and the job's overrides and number. Its exit status is 0
    /// when the job completed.
    pub fn command(&self, job: &JobSpec) -> std::process::Command {
        self.runner.job_command(&job.prepared)
    }

    /// [`SweepContext::command`] as words, for a launcher that writes a
    /// script (a batch file for a scheduler): the program first.
    pub fn command_line(&self, job: &JobSpec) -> Vec<std::ffi::OsString> {
        let cmd = self.command(job);
        std::iter::once(cmd.get_program().to_os_string())
            .chain(cmd.get_args().map(|a| a.to_os_string()))
            .collect()
    }

    /// The directory the sweep was launched from (jobs start there).
    pub fn launch_dir(&self) -> &Path {
        &self.runner.cwd
    }
}

/// Runs the jobs of a sweep.
pub trait Launcher: Send + Sync {
    /// Runs `jobs` (one batch) and returns one outcome per job, in order.
    /// A failed job does not stop the others of its batch.
    fn launch(&self, ctx: &SweepContext<'_>, jobs: &[JobSpec]) -> Result<Vec<JobOutcome>, Error>;

    /// True when a single run (no `-m`) also goes through this launcher, as
    /// one job (a cluster launcher). Hydra's launchers run only sweeps.
    fn runs_single_jobs(&self) -> bool {
        false
    }
}

/// Hydra's `BasicLauncher`: one job after the other, in this process.
#[derive(Clone, Copy, Debug, Default)]
pub struct BasicLauncher;

impl Launcher for BasicLauncher {
    fn launch(&self, ctx: &SweepContext<'_>, jobs: &[JobSpec]) -> Result<Vec<JobOutcome>, Error> {
        ctx.log(&format!("Launching {} jobs locally", jobs.len()));
        let mut out = Vec::with_capacity(jobs.len());
        for job in jobs {
            ctx.log(&format!("\t#{} : {}", job.num(), job.overrides().join(" ")));
            out.push(ctx.run_in_process(job));
        }
        Ok(out)
    }
}
