//! The state of a submitted sweep, from its files and `squeue` alone (no
//! `sacct`: many small clusters run without accounting storage). Each job's
//! wrapper writes `job_status.yaml` in the job's dir; `slurm/submission.yaml`
//! in the sweep dir lists the jobs.

use crate::app::rundir::write_atomic;
use crate::error::{Error, ErrorKind};
use crate::node::{Key, Map, Node, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One job of a submission.
#[derive(Clone, Debug, PartialEq)]
pub struct Submitted {
    /// Its number in the sweep.
    pub num: usize,
    /// Its output dir.
    pub dir: PathBuf,
    /// Its task overrides.
    pub overrides: Vec<String>,
}

/// What `slurm/submission.yaml` records.
#[derive(Clone, Debug, PartialEq)]
pub struct Submission {
    /// SLURM's job id (of the array, for a sweep).
    pub job_id: String,
    /// True for a job array.
    pub array: bool,
    /// The jobs, in array order.
    pub jobs: Vec<Submitted>,
}

impl Submission {
    /// Writes `dir/submission.yaml`.
    pub fn save(&self, slurm_dir: &Path) -> Result<(), Error> {
        let mut m = Map::new();
        m.insert(Key::from("job_id"), Node::from(self.job_id.as_str()));
        m.insert(Key::from("array"), Node::from(self.array));
        let jobs = self
            .jobs
            .iter()
            .map(|j| {
                let mut e = Map::new();
                e.insert(Key::from("num"), Node::from(j.num as i64));
                e.insert(
                    Key::from("dir"),
                    Node::from(j.dir.to_string_lossy().as_ref()),
                );
                let ov = j.overrides.iter().map(|o| Node::from(o.as_str())).collect();
                e.insert(Key::from("overrides"), Node::new(Value::List(ov)));
                Node::new(Value::Map(e))
            })
            .collect();
        m.insert(Key::from("jobs"), Node::new(Value::List(jobs)));
        write_atomic(
            &slurm_dir.join("submission.yaml"),
            Node::new(Value::Map(m)).to_yaml().as_bytes(),
        )
    }

    /// Reads `SWEEP_DIR/slurm/submission.yaml`.
    pub fn load(sweep_dir: &Path) -> Result<Submission, Error> {
        let path = sweep_dir.join("slurm").join("submission.yaml");
        if !path.exists() {
            return Err(Error::new(
                ErrorKind::Io,
                format!(
                    "{} has no SLURM submission ({} is missing)",
                    sweep_dir.display(),
                    path.display()
                ),
            )
            .with_hint(
                "give the sweep dir (or run dir) of a run launched with hydra/launcher=slurm",
            ));
        }
        let node = Node::from_yaml_file(&path)?;
        let text = |n: Option<&Node>| {
            n.map(|n| crate::python::python_str(&n.value))
                .unwrap_or_default()
        };
        let jobs = node
            .get("jobs")
            .and_then(Node::as_list)
            .map(|l| {
                l.iter()
                    .map(|j| Submitted {
                        num: text(j.get("num")).parse().unwrap_or(0),
                        dir: PathBuf::from(text(j.get("dir"))),
                        overrides: j
                            .get("overrides")
                            .and_then(Node::as_list)
                            .map(|o| o.iter().map(|n| text(Some(n))).collect())
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Submission {
            job_id: text(node.get("job_id")),
            array: node
                .get("array")
                .is_some_and(|n| n.value == Value::Bool(true)),
            jobs,
        })
    }

    /// The SLURM id of array task `i` (`12_3`), or the job's (`12`).
    pub fn task_id(&self, i: usize) -> String {
        if self.array {
            format!("{}_{i}", self.job_id)
        } else {
            self.job_id.clone()
        }
    }
}

/// A job's state, from its status file and the queue.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum State {
    /// Waiting in the queue.
    Pending,
    /// Started (or requeued, and starting again).
    Running,
    /// Exited 0.
    Completed,
    /// Exited non-zero, hit its time limit, or vanished: the reason.
    Failed(String),
}

impl State {
    /// True once the job will not change any more.
    pub fn is_final(&self) -> bool {
        matches!(self, State::Completed | State::Failed(_))
    }

    /// The word a report prints.
    pub fn word(&self) -> &'static str {
        match self {
            State::Pending => "PENDING",
            State::Running => "RUNNING",
            State::Completed => "COMPLETED",
            State::Failed(_) => "FAILED",
        }
    }
}

/// What `job_status.yaml` says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    /// RUNNING, REQUEUED, COMPLETED, FAILED, TIMEOUT.
    pub state: String,
    /// The program's exit code, once it exited.
    pub exit_code: Option<i64>,
    /// Start and end, seconds since the epoch.
    pub start: Option<f64>,
    /// End time.
    pub end: Option<f64>,
    /// How often the job was requeued before this start.
    pub restarts: u64,
}

impl Record {
    /// Reads `dir/job_status.yaml`, if the job got that far.
    pub fn read(dir: &Path) -> Option<Record> {
        let node = Node::from_yaml_file(dir.join("job_status.yaml")).ok()?;
        let num = |k: &str| match node.get(k).map(|n| &n.value) {
            Some(Value::Int(i)) => Some(*i as f64),
            Some(Value::Float(f)) => Some(*f),
            Some(Value::Str(s)) => s.parse().ok(),
            _ => None,
        };
        Some(Record {
            state: node
                .get("state")
                .and_then(Node::as_str)
                .unwrap_or("")
                .to_string(),
            exit_code: num("exit_code").map(|f| f as i64),
            start: num("start"),
            end: num("end"),
            restarts: num("restarts").unwrap_or(0.0) as u64,
        })
    }

    /// Seconds from start to end.
    pub fn elapsed(&self) -> Option<f64> {
        Some(self.end? - self.start?)
    }
}

/// The queue's state of each task of `job_id` still in it, by task index
/// (0 for a plain job): `squeue -h -r -j ID -o %i|%T|%r`. A pending task's
/// state carries its reason: `PENDING BeginTime`.
pub fn squeue(job_id: &str) -> Result<HashMap<usize, String>, Error> {
    let out = Command::new("squeue")
        .args(["-h", "-r", "-j", job_id, "-o", "%i|%T|%r"])
        .output()
        .map_err(|e| super::missing_command("squeue", e))?;
    // squeue exits 1 both for an id it has forgotten (the job is done) and
    // for a controller that did not answer: only the first means "gone".
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && !stderr.contains("Invalid job id") {
        return Err(Error::new(
            ErrorKind::Io,
            format!("squeue failed for job {job_id}: {}", stderr.trim()),
        )
        .with_hint("the controller may be busy; `config status DIR` asks again later"));
    }
    let mut states = HashMap::new();
    let text = String::from_utf8_lossy(&out.stdout);
    for line in text.lines() {
        let mut parts = line.split('|');
        let (Some(id), Some(state)) = (parts.next(), parts.next()) else {
            continue;
        };
        let index = id
            .split_once('_')
            .and_then(|(_, t)| t.parse().ok())
            .unwrap_or(0);
        let state = match (state.trim(), parts.next().map(str::trim)) {
            ("PENDING", Some(reason)) if !reason.is_empty() => format!("PENDING {reason}"),
            (s, _) => s.to_string(),
        };
        states.insert(index, state);
    }
    // A finished job is no longer listed; squeue exits 1 for an id it has
    // already forgotten, which means the same.
    Ok(states)
}

/// The state of job `i` of `sub`, given the queue.
pub fn state_of(sub: &Submission, i: usize, queue: &HashMap<usize, String>) -> State {
    let record = Record::read(&sub.jobs[i].dir);
    let queued = queue.get(&i);
    match (record, queued) {
        (_, Some(q)) if q.starts_with("PENDING") || q == "REQUEUE_HOLD" || q == "REQUEUED" => {
            State::Pending
        }
        (Some(r), Some(_)) if r.state == "COMPLETED" => State::Completed,
        (_, Some(_)) => State::Running,
        (Some(r), None) => match r.state.as_str() {
            "COMPLETED" => State::Completed,
            "FAILED" => State::Failed(format!("exited with {}", r.exit_code.unwrap_or(-1))),
            "TIMEOUT" => State::Failed(format!(
                "hit its time limit after {} requeues (exit {})",
                r.restarts,
                r.exit_code.unwrap_or(-1)
            )),
            // Requeued a moment ago: it is about to show up as pending.
            "REQUEUED" => State::Pending,
            _ => State::Failed(
                "ended without recording its exit (killed at its time limit, or cancelled)".into(),
            ),
        },
        (None, None) => State::Failed("left the queue without starting (cancelled?)".into()),
    }
}
