//! A job: one run of the task with its composed config, output directory
//! and place in a sweep. The **run** stage of the flow.

use super::ranks::Rank;
use crate::error::Error;
use crate::interp::Resolvers;
use crate::node::{Key, Map, Node, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What a task gets: the job's config and everything Hydra's `HydraConfig`
/// tells a Python task.
///
/// ```no_run
/// # use config_core::app::{App, Job};
/// fn main() -> std::process::ExitCode {
///     App::new("train").config_path("conf").run(|job: &Job| {
///         let cfg = job.resolved()?;                  // interpolations resolved
///         println!("job {:?} writes to {}", job.num(), job.output_dir().display());
///         println!("{}", cfg.to_yaml());
///         Ok(())
///     })
/// }
/// ```
pub struct Job {
    pub(crate) cfg: Node,
    pub(crate) hydra: Node,
    pub(crate) num: Option<usize>,
    pub(crate) output_dir: PathBuf,
    pub(crate) working_dir: PathBuf,
    pub(crate) overrides: Vec<String>,
    pub(crate) choices: Vec<(String, Option<String>)>,
    pub(crate) resolvers: Arc<Resolvers>,
    pub(crate) rank: Rank,
    pub(crate) restarts: u32,
    pub(crate) checkpoint: Arc<AtomicBool>,
}

impl Job {
    /// The task config, unresolved (as saved in `.hydra/config.yaml`).
    pub fn cfg(&self) -> &Node {
        &self.cfg
    }

    /// The task config with every interpolation resolved, `${hydra:...}`
    /// included.
    pub fn resolved(&self) -> Result<Node, Error> {
        let mut cfg = self.cfg.clone();
        crate::interp::resolve(&mut cfg, &self.resolvers)?;
        Ok(cfg)
    }

    /// The job's `hydra` node (as saved in `.hydra/hydra.yaml`).
    pub fn hydra(&self) -> &Node {
        &self.hydra
    }

    /// The absolute output directory (`hydra.runtime.output_dir`).
    pub fn output_dir(&self) -> &Path {
        &self.output_dir
    }

    /// The directory the job runs in: the output dir with
    /// `hydra.job.chdir=true`, else the launch directory.
    pub fn working_dir(&self) -> &Path {
        &self.working_dir
    }

    /// The job's number in its sweep (`hydra.job.num`); `None` in a single run.
    pub fn num(&self) -> Option<usize> {
        self.num
    }

    /// The job's task overrides (`hydra.overrides.task`).
    pub fn overrides(&self) -> &[String] {
        &self.overrides
    }

    /// The final choice of every config group, Hydra's own left out
    /// (`hydra.runtime.choices`).
    pub fn choices(&self) -> &[(String, Option<String>)] {
        &self.choices
    }

    /// The resolvers of this job (`${hydra:...}` reads this job's node).
    pub fn resolvers(&self) -> &Resolvers {
        &self.resolvers
    }

    /// This process's rank in a multi-process job (rank 0 of 1 otherwise).
    pub fn rank(&self) -> &Rank {
        &self.rank
    }

    /// How often the job was requeued after a time limit or a preemption:
    /// 0 on the first start. A restarted job has the same run dir and
    /// config, so a trainer resumes from its last checkpoint.
    pub fn restarts(&self) -> u32 {
        self.restarts
    }

    /// True once the job has been asked to save its state and stop: SLURM
    /// sends `SIGUSR1` `signal_delay_s` before the time limit (any
    /// `SIGUSR1` counts). Check it between steps; after the task returns,
    /// the SLURM launcher's wrapper requeues the job (up to
    /// `max_num_timeout` times).
    pub fn checkpoint_requested(&self) -> bool {
        self.checkpoint.load(Ordering::SeqCst)
    }

    /// The job's name (`hydra.job.name`).
    pub fn name(&self) -> String {
        self.hydra
            .select("job.name")
            .ok()
            .flatten()
            .and_then(Node::as_str)
            .unwrap_or("app")
            .to_string()
    }
}

/// The error a task returns.
pub type TaskError = Box<dyn std::error::Error + Send + Sync>;

/// How a job ended.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum JobStatus {
    /// The task returned `Ok`.
    Completed,
    /// The task failed (or could not start): the error text.
    Failed(String),
    /// Handed to a scheduler that runs it later (`hydra.launcher.wait=false`).
    Submitted,
}

/// What a launcher reports for one job.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct JobOutcome {
    /// The job's number in the sweep (0 for a single run).
    pub num: usize,
    /// The job's task overrides.
    pub overrides: Vec<String>,
    /// Completed or failed.
    pub status: JobStatus,
    /// The job's output directory, when it got that far.
    pub output_dir: Option<PathBuf>,
    /// Wall time of the job.
    pub elapsed: Duration,
}

impl JobOutcome {
    /// True when the job completed.
    pub fn ok(&self) -> bool {
        self.status == JobStatus::Completed
    }

    /// The first line of the error, for summaries.
    pub fn first_error_line(&self) -> Option<&str> {
        match &self.status {
            JobStatus::Failed(e) => e.lines().find(|l| !l.trim().is_empty()),
            JobStatus::Completed | JobStatus::Submitted => None,
        }
    }
}

/// The config with the `hydra` node first, as Hydra holds it during a run:
/// the root that `hydra.run.dir: ${name}` and `.hydra/hydra.yaml` see.
pub(crate) fn with_hydra(cfg: &Node, hydra: &Node) -> Node {
    let mut m = Map::new();
    m.insert(Key::from("hydra"), hydra.clone());
    if let Some(task) = cfg.as_map() {
        for (k, v) in task {
            m.insert(k.clone(), v.clone());
        }
    }
    Node::new(Value::Map(m))
}

/// `{hydra: node}` alone.
pub(crate) fn hydra_root(hydra: &Node) -> Node {
    with_hydra(&Node::empty_map(), hydra)
}
