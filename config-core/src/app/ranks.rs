//! Many ranks, one run. A job that spans several processes (`srun` with
//! several tasks, or `torchrun`) is one run: every rank composes the same
//! config, sees the same run dir and the same `${now:...}`, and only rank 0
//! writes `.hydra/`. Nothing is broadcast: the start time travels through
//! the environment or the command line.
//!
//! Each rank gets torchrun's variables (`RANK`, `LOCAL_RANK`, `WORLD_SIZE`,
//! `MASTER_ADDR`, `MASTER_PORT`), derived from SLURM's (`SLURM_PROCID`,
//! `SLURM_LOCALID`, `SLURM_NTASKS`, `SLURM_JOB_NODELIST`, `SLURM_JOB_ID`)
//! when torchrun did not set them.

use std::time::{Duration, SystemTime};

/// The environment variable that carries a run's start time (nanoseconds
/// since the Unix epoch) to every rank. Process launchers set it; set it
/// yourself when starting ranks by hand.
pub const RUN_START_VAR: &str = "CONFIG_RUN_START";

/// This process's place in a multi-process run.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rank {
    /// Global rank (`RANK`), 0 in a single process.
    pub rank: usize,
    /// Rank on this node (`LOCAL_RANK`).
    pub local_rank: usize,
    /// Number of ranks (`WORLD_SIZE`).
    pub world_size: usize,
}

impl Rank {
    /// Reads the rank from torchrun's variables, else SLURM's, else the
    /// single-process default. `env` looks a variable up.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Rank {
        let num = |torch: &str, slurm: &str| {
            env(torch)
                .or_else(|| env(slurm))
                .and_then(|v| v.trim().parse::<usize>().ok())
        };
        Rank {
            rank: num("RANK", "SLURM_PROCID").unwrap_or(0),
            local_rank: num("LOCAL_RANK", "SLURM_LOCALID").unwrap_or(0),
            world_size: num("WORLD_SIZE", "SLURM_NTASKS").unwrap_or(1).max(1),
        }
    }

    /// This process's rank.
    pub fn current() -> Rank {
        Rank::from_env(|k| std::env::var(k).ok())
    }

    /// True for the rank that writes the run's files.
    pub fn is_main(&self) -> bool {
        self.rank == 0
    }

    /// The job log's name: `<job>.log` on rank 0, `<job>_rank<N>.log` on
    /// the others, in the same dir.
    pub fn log_name(&self, job_name: &str) -> String {
        if self.is_main() {
            format!("{job_name}.log")
        } else {
            format!("{job_name}_rank{}.log", self.rank)
        }
    }
}

/// torchrun's variables that SLURM did not set for this task, derived
/// from SLURM's: `(name, value)` pairs to export before the task runs.
pub fn torchrun_env(env: impl Fn(&str) -> Option<String>) -> Vec<(String, String)> {
    if env("SLURM_PROCID").is_none() {
        return Vec::new();
    }
    let r = Rank::from_env(&env);
    let mut out = Vec::new();
    let mut put = |k: &str, v: String| {
        if env(k).is_none() {
            out.push((k.to_string(), v));
        }
    };
    put("RANK", r.rank.to_string());
    put("LOCAL_RANK", r.local_rank.to_string());
    put("WORLD_SIZE", r.world_size.to_string());
    if let Some(nodes) = env("SLURM_JOB_NODELIST").or_else(|| env("SLURM_NODELIST")) {
        put("MASTER_ADDR", first_host(&nodes));
    }
    if let Some(id) = env("SLURM_JOB_ID").and_then(|j| j.parse::<u64>().ok()) {
        // A port per job, so two jobs on one node do not collide.
        put("MASTER_PORT", (20_000 + id % 20_000).to_string());
    }
    out
}

/// The first host of a SLURM node list: `node[01-04,07]` → `node01`,
/// `a,b` → `a`.
pub fn first_host(list: &str) -> String {
    let first = split_top(list).into_iter().next().unwrap_or_default();
    match (first.find('['), first.find(']')) {
        (Some(open), Some(close)) if open < close => {
            let range = &first[open + 1..close];
            let lo = range.split([',', '-']).next().unwrap_or("");
            format!("{}{lo}{}", &first[..open], &first[close + 1..])
        }
        _ => first.to_string(),
    }
}

/// Splits a node list at the commas outside brackets.
fn split_top(list: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in list.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&list[start..]);
    out
}

/// The run's start time, when the environment carries one:
/// [`RUN_START_VAR`], or for a multi-rank SLURM job without it, the job's
/// start time from `scontrol` (the same for every rank, to the second).
pub fn run_start(env: impl Fn(&str) -> Option<String>) -> Option<SystemTime> {
    if let Some(n) = env(RUN_START_VAR).and_then(|v| v.trim().parse::<u64>().ok()) {
        return Some(SystemTime::UNIX_EPOCH + Duration::from_nanos(n));
    }
    let ranks = Rank::from_env(&env);
    let job = env("SLURM_JOB_ID")?;
    if ranks.world_size < 2 {
        return None;
    }
    slurm_job_start(&job)
}

/// `StartTime=` of `scontrol show job -o ID`, in the system time zone.
fn slurm_job_start(job: &str) -> Option<SystemTime> {
    let out = std::process::Command::new("scontrol")
        .args(["show", "job", "-o", job])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let start = text
        .split_whitespace()
        .find_map(|w| w.strip_prefix("StartTime="))?;
    let civil: jiff::civil::DateTime = start.parse().ok()?;
    let ts = jiff::tz::TimeZone::system().to_timestamp(civil).ok()?;
    SystemTime::try_from(ts).ok()
}

/// Nanoseconds since the Unix epoch, for [`RUN_START_VAR`].
pub fn nanos(t: SystemTime) -> u128 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn ranks_from_torchrun_then_slurm() {
        assert_eq!(
            Rank::from_env(env(&[])),
            Rank {
                rank: 0,
                local_rank: 0,
                world_size: 1
            }
        );
        let r = Rank::from_env(env(&[
            ("SLURM_PROCID", "3"),
            ("SLURM_LOCALID", "1"),
            ("SLURM_NTASKS", "4"),
        ]));
        assert_eq!((r.rank, r.local_rank, r.world_size), (3, 1, 4));
        let r = Rank::from_env(env(&[
            ("RANK", "1"),
            ("SLURM_PROCID", "3"),
            ("WORLD_SIZE", "2"),
        ]));
        assert_eq!((r.rank, r.world_size), (1, 2));
        assert_eq!(r.log_name("train"), "train_rank1.log");
    }

    #[test]
    fn torchrun_variables_from_slurm() {
        let vars = torchrun_env(env(&[
            ("SLURM_PROCID", "1"),
            ("SLURM_LOCALID", "1"),
            ("SLURM_NTASKS", "2"),
            ("SLURM_JOB_NODELIST", "gpu[07-09,12],cpu1"),
            ("SLURM_JOB_ID", "123"),
            ("MASTER_PORT", "29500"),
        ]));
        let get = |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("RANK"), Some("1"));
        assert_eq!(get("WORLD_SIZE"), Some("2"));
        assert_eq!(get("MASTER_ADDR"), Some("gpu07"));
        assert_eq!(get("MASTER_PORT"), None, "set by the user: kept");
        assert!(torchrun_env(env(&[("RANK", "0")])).is_empty());
    }

    #[test]
    fn start_time_from_the_environment() {
        let t = run_start(env(&[(RUN_START_VAR, "1000000000")])).unwrap();
        assert_eq!(nanos(t), 1_000_000_000);
        assert!(run_start(env(&[])).is_none());
    }
}
