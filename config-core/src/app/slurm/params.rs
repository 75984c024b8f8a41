//! `hydra.launcher.*` of the SLURM launcher, with submitit's parameter
//! names, and the `#SBATCH` lines they become.

use crate::error::{Error, ErrorKind};
use crate::node::{Node, Value};

/// The launcher's settings.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Params {
    /// `partition`, `qos`, `account`, `comment`, `constraint`, `exclude`.
    pub partition: Option<String>,
    /// Quality of service.
    pub qos: Option<String>,
    /// Account to charge.
    pub account: Option<String>,
    /// Nodes per job.
    pub nodes: u64,
    /// Tasks (ranks) per node.
    pub tasks_per_node: u64,
    /// GPUs per node.
    pub gpus_per_node: Option<u64>,
    /// CPUs per task.
    pub cpus_per_task: Option<u64>,
    /// Memory per node, in GB.
    pub mem_gb: Option<f64>,
    /// Time limit, in minutes.
    pub timeout_min: u64,
    /// How long before the time limit the job gets `SIGUSR1`.
    pub signal_delay_s: u64,
    /// How often a job is requeued after a time limit.
    pub max_num_timeout: u64,
    /// Array tasks running at once.
    pub array_parallelism: u64,
    /// The job name.
    pub name: String,
    /// A comment.
    pub comment: Option<String>,
    /// Node features required.
    pub constraint: Option<String>,
    /// Nodes to avoid.
    pub exclude: Option<String>,
    /// More `#SBATCH --key=value` lines.
    pub additional_parameters: Vec<(String, String)>,
    /// Shell lines run before the job.
    pub setup: Vec<String>,
    /// Extra `srun` arguments for multi-task jobs.
    pub srun_args: Vec<String>,
    /// Wait for the jobs (the default) or return after submitting.
    pub wait: bool,
    /// Longest pause between two `squeue` polls, in seconds.
    pub max_poll_s: f64,
}

/// Every key the launcher reads (plus `_target_`), for did-you-mean.
pub(super) const KEYS: &[&str] = &[
    "_target_",
    "partition",
    "qos",
    "account",
    "nodes",
    "tasks_per_node",
    "gpus_per_node",
    "cpus_per_task",
    "mem_gb",
    "timeout_min",
    "signal_delay_s",
    "max_num_timeout",
    "array_parallelism",
    "name",
    "comment",
    "constraint",
    "exclude",
    "additional_parameters",
    "setup",
    "srun_args",
    "wait",
    "max_poll_s",
];

impl Params {
    /// Reads the resolved `hydra.launcher` node.
    pub fn from_node(node: &Node) -> Result<Params, Error> {
        for (k, v) in node.entries() {
            let k = k.to_string();
            if !KEYS.contains(&k.as_str()) {
                let mut e = Error::new(
                    ErrorKind::Validation,
                    format!("hydra.launcher.{k} is not a setting of the SLURM launcher"),
                )
                .with_origin(v.origin.clone());
                e = match crate::error::did_you_mean(&k, KEYS.iter().copied()).first() {
                    Some(best) => e.with_hint(format!("did you mean hydra.launcher.{best}?")),
                    None => e.with_hint(format!("its settings: {}", KEYS[1..].join(", "))),
                };
                return Err(e);
            }
        }
        let r = Reader(node);
        Ok(Params {
            partition: r.opt_str("partition")?,
            qos: r.opt_str("qos")?,
            account: r.opt_str("account")?,
            nodes: r.int("nodes", 1)?.max(1),
            tasks_per_node: r.int("tasks_per_node", 1)?.max(1),
            gpus_per_node: r.opt_int("gpus_per_node")?,
            cpus_per_task: r.opt_int("cpus_per_task")?,
            mem_gb: r.opt_float("mem_gb")?,
            timeout_min: r.int("timeout_min", 60)?.max(1),
            signal_delay_s: r.int("signal_delay_s", 120)?,
            max_num_timeout: r.int("max_num_timeout", 0)?,
            array_parallelism: r.int("array_parallelism", 256)?.max(1),
            name: r.opt_str("name")?.unwrap_or_else(|| "config-run".into()),
            comment: r.opt_str("comment")?,
            constraint: r.opt_str("constraint")?,
            exclude: r.opt_str("exclude")?,
            additional_parameters: r.pairs("additional_parameters")?,
            setup: r.strings("setup")?,
            srun_args: r.strings("srun_args")?,
            wait: r.bool("wait", true)?,
            max_poll_s: r.opt_float("max_poll_s")?.unwrap_or(5.0).max(0.05),
        })
    }

    /// Ranks per job.
    pub fn ntasks(&self) -> u64 {
        self.nodes * self.tasks_per_node
    }

    /// The `#SBATCH` options, without the array and output ones.
    pub fn sbatch_lines(&self) -> Vec<String> {
        let mut out = vec![
            format!("--job-name={}", self.name),
            format!("--time={}", self.timeout_min),
            format!("--signal=B:USR1@{}", self.signal_delay_s),
            "--requeue".into(),
            "--open-mode=append".into(),
            format!("--nodes={}", self.nodes),
            format!("--ntasks-per-node={}", self.tasks_per_node),
        ];
        let mut opt = |flag: &str, v: &Option<String>| {
            if let Some(v) = v {
                out.push(format!("--{flag}={v}"));
            }
        };
        opt("partition", &self.partition);
        opt("qos", &self.qos);
        opt("account", &self.account);
        opt("comment", &self.comment);
        opt("constraint", &self.constraint);
        opt("exclude", &self.exclude);
        if let Some(n) = self.cpus_per_task {
            out.push(format!("--cpus-per-task={n}"));
        }
        if let Some(n) = self.gpus_per_node {
            out.push(format!("--gpus-per-node={n}"));
        }
        if let Some(gb) = self.mem_gb {
            out.push(format!("--mem={}M", (gb * 1024.0).ceil() as u64));
        }
        for (k, v) in &self.additional_parameters {
            out.push(format!("--{}={v}", k.replace('_', "-")));
        }
        out
    }
}

/// Typed reads of `hydra.launcher.<key>`, with errors that name the key.
struct Reader<'n>(&'n Node);

impl Reader<'_> {
    fn get(&self, key: &str) -> Option<&Node> {
        self.0
            .get(key)
            .filter(|n| !matches!(n.value, Value::Null | Value::Missing))
    }

    fn bad(&self, key: &str, want: &str) -> Error {
        let node = self.0.get(key);
        let shown = node
            .map(|n| crate::python::python_str(&n.value))
            .unwrap_or_default();
        let mut e = Error::new(
            ErrorKind::Validation,
            format!("hydra.launcher.{key} must be {want}, got '{shown}'"),
        )
        .with_hint(format!("set it with hydra.launcher.{key}=..."));
        if let Some(n) = node {
            e = e.with_origin(n.origin.clone());
        }
        e.set_key(Some(format!("hydra.launcher.{key}")));
        e
    }

    fn opt_str(&self, key: &str) -> Result<Option<String>, Error> {
        match self.get(key).map(|n| &n.value) {
            None => Ok(None),
            Some(Value::Map(_) | Value::List(_)) => Err(self.bad(key, "a string")),
            Some(v) => Ok(Some(crate::python::python_str(v))),
        }
    }

    fn opt_int(&self, key: &str) -> Result<Option<u64>, Error> {
        match self.get(key).map(|n| &n.value) {
            None => Ok(None),
            Some(Value::Int(i)) if *i >= 0 => Ok(Some(*i as u64)),
            Some(Value::Str(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| self.bad(key, "a whole number")),
            Some(_) => Err(self.bad(key, "a whole number")),
        }
    }

    fn int(&self, key: &str, default: u64) -> Result<u64, Error> {
        Ok(self.opt_int(key)?.unwrap_or(default))
    }

    fn opt_float(&self, key: &str) -> Result<Option<f64>, Error> {
        match self.get(key).map(|n| &n.value) {
            None => Ok(None),
            Some(Value::Int(i)) => Ok(Some(*i as f64)),
            Some(Value::Float(f)) if *f >= 0.0 => Ok(Some(*f)),
            _ => Err(self.bad(key, "a number")),
        }
    }

    fn bool(&self, key: &str, default: bool) -> Result<bool, Error> {
        match self.get(key).map(|n| &n.value) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            _ => Err(self.bad(key, "true or false")),
        }
    }

    fn strings(&self, key: &str) -> Result<Vec<String>, Error> {
        match self.get(key).map(|n| &n.value) {
            None => Ok(Vec::new()),
            Some(Value::List(items)) => Ok(items
                .iter()
                .map(|n| crate::python::python_str(&n.value))
                .collect()),
            Some(Value::Str(s)) => Ok(vec![s.to_string()]),
            _ => Err(self.bad(key, "a list of strings")),
        }
    }

    fn pairs(&self, key: &str) -> Result<Vec<(String, String)>, Error> {
        match self.get(key).map(|n| &n.value) {
            None => Ok(Vec::new()),
            Some(Value::Map(m)) => Ok(m
                .iter()
                .map(|(k, v)| (k.to_string(), crate::python::python_str(&v.value)))
                .collect()),
            _ => Err(self.bad(key, "a mapping of sbatch options")),
        }
    }
}
