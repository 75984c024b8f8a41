//! The SLURM launcher (`hydra/launcher=slurm`): a sweep is one job array,
//! a single run one job, and no Python is involved. Configured under
//! `hydra.launcher.*` with submitit's parameter names ([`Params`]).
//!
//! Submission writes `slurm/submit.sh` (plain bash, kept: `sbatch` it again
//! to reproduce the run) and `slurm/submission.yaml` into the sweep dir (the
//! run dir for a single run), then runs `sbatch`. By default the launcher
//! then waits: it polls `squeue` with backoff, shows the jobs pending,
//! running, done and failed, and ends with each job's state, exit code,
//! time and log. `hydra.launcher.wait=false` returns after submitting;
//! `config status DIR` reports on the sweep later.

mod params;
mod script;
mod status;

pub use params::Params;
pub use status::{squeue, state_of, Record, State, Submission, Submitted};

use super::job::{JobOutcome, JobStatus};
use super::launcher::{JobSpec, Launcher, SweepContext};
use crate::error::{Error, ErrorKind};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Submits jobs to SLURM with `sbatch`.
#[derive(Clone, Copy, Debug, Default)]
pub struct SlurmLauncher;

impl Launcher for SlurmLauncher {
    fn runs_single_jobs(&self) -> bool {
        true
    }

    fn launch(&self, ctx: &SweepContext<'_>, jobs: &[JobSpec]) -> Result<Vec<JobOutcome>, Error> {
        let params = Params::from_node(ctx.config())?;
        let array = jobs.iter().any(|j| j.prepared.num.is_some());
        let slurm_dir = ctx.sweep_dir().join("slurm");
        std::fs::create_dir_all(slurm_dir.join("logs")).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("cannot create {}", slurm_dir.display()),
            )
            .with_source(e)
        })?;
        let tasks: Vec<script::Task> = jobs
            .iter()
            .map(|j| script::Task {
                dir: j.output_dir().to_path_buf(),
                command: ctx.command_line(j),
            })
            .collect();
        let text = script::render(&params, &slurm_dir, &tasks, array)
            .map_err(|e| Error::new(ErrorKind::Compose, e))?;
        let script_path = slurm_dir.join("submit.sh");
        super::rundir::write_atomic(&script_path, text.as_bytes())?;
        let t0 = Instant::now();
        let job_id = sbatch(&script_path, ctx.launch_dir())?;
        let submitted = t0.elapsed();
        let sub = Submission {
            job_id: job_id.clone(),
            array,
            jobs: jobs
                .iter()
                .enumerate()
                .map(|(i, j)| Submitted {
                    num: j.prepared.num.unwrap_or(i),
                    dir: j.output_dir().to_path_buf(),
                    overrides: j.overrides().to_vec(),
                })
                .collect(),
        };
        sub.save(&slurm_dir)?;
        ctx.log(&format!(
            "Submitted {} to SLURM as job {job_id} in {:.0} ms (script: {})",
            if array {
                format!("{} jobs", jobs.len())
            } else {
                "1 job".to_string()
            },
            submitted.as_secs_f64() * 1000.0,
            script_path.display()
        ));
        if !params.wait {
            println!("{job_id}");
            eprintln!(
                "submitted job {job_id}; `config status {}` reports its state",
                ctx.sweep_dir().display()
            );
            return Ok(jobs
                .iter()
                .map(|j| outcome(j, JobStatus::Submitted, Duration::ZERO))
                .collect());
        }
        let states = wait(&sub, params.max_poll_s)?;
        let outcomes: Vec<JobOutcome> = jobs
            .iter()
            .zip(&states)
            .enumerate()
            .map(|(i, (j, s))| {
                let elapsed = Record::read(j.output_dir())
                    .and_then(|r| r.elapsed())
                    .unwrap_or(0.0);
                let status = match s {
                    State::Completed => JobStatus::Completed,
                    State::Failed(why) => JobStatus::Failed(format!(
                        "SLURM job {} {why}{}; see {}",
                        sub.task_id(i),
                        last_error(&j.output_dir().join("stderr.log")),
                        j.output_dir().join("stderr.log").display()
                    )),
                    _ => JobStatus::Failed("still in the queue".into()),
                };
                outcome(j, status, Duration::from_secs_f64(elapsed.max(0.0)))
            })
            .collect();
        print!("{}", report(&sub, &states));
        Ok(outcomes)
    }
}

fn outcome(job: &JobSpec, status: JobStatus, elapsed: Duration) -> JobOutcome {
    JobOutcome {
        num: job.num(),
        overrides: job.overrides().to_vec(),
        status,
        output_dir: Some(job.output_dir().to_path_buf()),
        elapsed,
    }
}

/// `: <the last error line of the job's stderr>`, or nothing.
/// The last error the job printed (from its last `error:` line on, a few
/// lines at most), or its last line.
fn last_error(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().rposition(|l| l.starts_with("error:"));
    let picked: Vec<&str> = match start {
        Some(i) => lines[i..]
            .iter()
            .take(6)
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect(),
        None => lines
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .into_iter()
            .copied()
            .collect(),
    };
    if picked.is_empty() {
        return String::new();
    }
    format!(": {}", picked.join(" ").trim_start_matches("error: "))
}

/// An error for a SLURM command that is not on `PATH`.
pub(crate) fn missing_command(name: &str, e: std::io::Error) -> Error {
    Error::new(ErrorKind::Io, format!("cannot run `{name}`")).with_source(e).with_hint(format!(
        "the SLURM launcher needs SLURM's client commands (`{name}`) on PATH: run on a login node of the cluster, \
         or install them (Debian: slurm-client); hydra/launcher=basic or local run the jobs here"
    ))
}

/// `sbatch --parsable SCRIPT`: the job id, or SLURM's refusal quoted.
fn sbatch(script: &Path, cwd: &Path) -> Result<String, Error> {
    let out = Command::new("sbatch")
        .arg("--parsable")
        .arg(script)
        .current_dir(cwd)
        .output()
        .map_err(|e| missing_command("sbatch", e))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let said = stderr.trim();
        let mut err = Error::new(
            ErrorKind::Compose,
            format!("SLURM refused the submission: {said}"),
        )
        .with_hint(format!(
            "`sbatch {}` reproduces it; its #SBATCH lines come from hydra.launcher.*",
            script.display()
        ));
        for (word, key) in [
            ("partition", "partition"),
            ("account", "account"),
            ("qos", "qos"),
            ("time limit", "timeout_min"),
            ("memory", "mem_gb"),
            ("gres", "gpus_per_node"),
            ("node count", "nodes"),
            ("feature", "constraint"),
        ] {
            if said.to_ascii_lowercase().contains(word) {
                err = err.with_hint(format!("check hydra.launcher.{key}"));
            }
        }
        if said.to_ascii_lowercase().contains("partition") {
            if let Ok(p) = Command::new("sinfo").args(["-h", "-o", "%P"]).output() {
                let names = String::from_utf8_lossy(&p.stdout)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(", ");
                err = err.with_hint(format!("partitions here: {names}"));
            }
        }
        return Err(err);
    }
    // `--parsable` prints `ID` or `ID;cluster`.
    let id = stdout.trim().split(';').next().unwrap_or("").to_string();
    if id.is_empty() {
        return Err(Error::new(
            ErrorKind::Compose,
            format!("sbatch printed no job id: {}", stderr.trim()),
        ));
    }
    Ok(id)
}

/// Polls until every job is final, with backoff, showing progress.
fn wait(sub: &Submission, max_poll_s: f64) -> Result<Vec<State>, Error> {
    let t0 = Instant::now();
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(sub.jobs.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "[{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let mut pause = 0.2f64;
    let mut last = String::new();
    let mut requeued = Requeued::default();
    let mut failures = 0u32;
    loop {
        // A controller that does not answer once is not a failed sweep:
        // ask again, and give up only after many failures in a row.
        let queue = match squeue(&sub.job_id) {
            Ok(q) => {
                failures = 0;
                q
            }
            Err(e) => {
                failures += 1;
                if failures > 30 {
                    return Err(e);
                }
                eprintln!("warning: {} (retrying)", e.message());
                std::thread::sleep(Duration::from_secs_f64(pause));
                pause = (pause * 1.5).min(max_poll_s);
                continue;
            }
        };
        let runs = requeued_runs(sub);
        requeued.release(sub, &queue, &runs);
        let mut states: Vec<State> = (0..sub.jobs.len())
            .map(|i| state_of(sub, i, &queue))
            .collect();
        requeued.fail_vanished(&runs, &queue, &mut states, Instant::now());
        // Just after submission the queue may not list the jobs yet.
        if t0.elapsed() < Duration::from_secs(10) {
            for (i, s) in states.iter_mut().enumerate() {
                if matches!(s, State::Failed(_)) && Record::read(&sub.jobs[i].dir).is_none() {
                    *s = State::Pending;
                }
            }
        }
        let count = |w: &str| states.iter().filter(|s| s.word() == w).count();
        let line = format!(
            "pending {}, running {}, done {}, failed {}",
            count("PENDING"),
            count("RUNNING"),
            count("COMPLETED"),
            count("FAILED")
        );
        let finished = states.iter().filter(|s| s.is_final()).count();
        match &bar {
            Some(bar) => {
                bar.set_position(finished as u64);
                bar.set_message(line.clone());
            }
            None if line != last => eprintln!(
                "[{:>7.1}s] job {}: {line}",
                t0.elapsed().as_secs_f64(),
                sub.job_id
            ),
            None => {}
        }
        last = line;
        if finished == states.len() {
            if let Some(bar) = &bar {
                bar.finish_and_clear();
            }
            return Ok(states);
        }
        std::thread::sleep(Duration::from_secs_f64(pause));
        pause = (pause * 1.5).min(max_poll_s);
    }
}

/// How long a requeued job waits, pending, before the launcher lets it
/// start. Started at once, it can reach the node before slurmd has
/// finished with its previous run, and SLURM then kills it ("Job
/// credential revoked") instead of starting it.
const REQUEUE_SETTLE: Duration = Duration::from_secs(5);

/// How long a job recorded as requeued may be missing from the queue
/// before it counts as failed. Just after `scontrol requeue` it is briefly
/// unlisted; one SLURM refused to start again never comes back.
const REQUEUE_VANISH: Duration = Duration::from_secs(30);

/// The jobs whose record says they saved their state and were requeued,
/// with their restart count: read once per poll.
fn requeued_runs(sub: &Submission) -> Vec<(usize, u64)> {
    sub.jobs
        .iter()
        .enumerate()
        .filter_map(|(i, job)| {
            Record::read(&job.dir)
                .filter(|r| r.state == "REQUEUED")
                .map(|r| (i, r.restarts))
        })
        .collect()
}

/// The launcher's view of the jobs that saved their state on the
/// time-limit signal and were requeued.
#[derive(Default)]
struct Requeued {
    /// When each (job, restart) was first seen waiting for its begin time.
    waiting: HashMap<(usize, u64), Instant>,
    /// The (job, restart)s already released.
    released: Vec<(usize, u64)>,
    /// When each job recorded as requeued was first seen missing from the
    /// queue.
    missing: HashMap<(usize, u64), Instant>,
}

impl Requeued {
    /// A requeued job waits for SLURM's requeue delay (its begin time,
    /// about two minutes). Nothing is gained by waiting that long: the
    /// launcher lets it start once it has settled ([`REQUEUE_SETTLE`]).
    fn release(&mut self, sub: &Submission, queue: &HashMap<usize, String>, runs: &[(usize, u64)]) {
        for &run in runs {
            let i = run.0;
            if queue.get(&i).is_none_or(|q| q != "PENDING BeginTime")
                || self.released.contains(&run)
            {
                continue;
            }
            let since = *self.waiting.entry(run).or_insert_with(Instant::now);
            if since.elapsed() >= REQUEUE_SETTLE {
                let id = sub.task_id(i);
                let _ = Command::new("scontrol")
                    .args(["update", &format!("JobId={id}"), "StartTime=now"])
                    .output();
                self.released.push(run);
            }
        }
    }

    /// A job recorded as requeued that stays out of the queue did not come
    /// back (SLURM killed it before its script ran, which then records
    /// nothing): it failed, rather than being waited for forever.
    fn fail_vanished(
        &mut self,
        runs: &[(usize, u64)],
        queue: &HashMap<usize, String>,
        states: &mut [State],
        now: Instant,
    ) {
        for &(i, restarts) in runs {
            if queue.contains_key(&i) {
                self.missing.remove(&(i, restarts));
                continue;
            }
            let since = *self.missing.entry((i, restarts)).or_insert(now);
            if now.duration_since(since) >= REQUEUE_VANISH {
                states[i] = State::Failed(format!(
                    "requeued after {restarts} restart(s), then left the queue without running again \
                     (SLURM refused to start it: see slurmctld's log)"
                ));
            }
        }
    }
}

/// One line per job: state, exit code, elapsed time, log.
pub fn report(sub: &Submission, states: &[State]) -> String {
    let mut out = String::new();
    let failed = states
        .iter()
        .filter(|s| matches!(s, State::Failed(_)))
        .count();
    let done = states.iter().filter(|s| **s == State::Completed).count();
    out.push_str(&format!(
        "SLURM job {}: {} jobs, {done} completed, {failed} failed, {} not finished\n",
        sub.job_id,
        states.len(),
        states.len() - done - failed
    ));
    for (i, (job, state)) in sub.jobs.iter().zip(states).enumerate() {
        let record = Record::read(&job.dir);
        let exit = record
            .as_ref()
            .and_then(|r| r.exit_code)
            .map(|c| c.to_string())
            .unwrap_or_else(|| "-".into());
        let elapsed = record
            .as_ref()
            .and_then(Record::elapsed)
            .map(|e| format!("{e:.1}s"))
            .unwrap_or_else(|| "-".into());
        let restarts = record.as_ref().map(|r| r.restarts).unwrap_or(0);
        let _ = write!(
            out,
            "  #{:<4} {:<10} {:<9} exit {:<4} {:>8}  {}",
            job.num,
            sub.task_id(i),
            state.word(),
            exit,
            elapsed,
            job.dir.join("stdout.log").display()
        );
        if restarts > 0 {
            let _ = write!(out, "  (requeued {restarts}x)");
        }
        if let State::Failed(why) = state {
            let _ = write!(
                out,
                "\n         {why}; stderr: {}",
                job.dir.join("stderr.log").display()
            );
        }
        out.push('\n');
    }
    out
}

/// `config status DIR`: the report of a submitted sweep, and whether any
/// job failed.
pub fn status_report(sweep_dir: &Path) -> Result<(String, bool), Error> {
    let sub = Submission::load(sweep_dir)?;
    let queue = squeue(&sub.job_id)?;
    let states: Vec<State> = (0..sub.jobs.len())
        .map(|i| state_of(&sub, i, &queue))
        .collect();
    let failed = states.iter().any(|s| matches!(s, State::Failed(_)));
    Ok((report(&sub, &states), failed))
}

#[cfg(test)]
mod requeue_tests {
    use super::*;

    /// A job that recorded `REQUEUED` and never came back to the queue
    /// fails after [`REQUEUE_VANISH`]; one back in the queue is not.
    #[test]
    fn a_requeued_job_missing_from_the_queue_fails_after_a_while() {
        let dir = std::env::temp_dir().join(format!("requeue-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("job_status.yaml"),
            "state: REQUEUED\nrestarts: 1\n",
        )
        .unwrap();
        let job = Submitted {
            num: 0,
            dir: dir.clone(),
            overrides: vec![],
        };
        let sub = Submission {
            job_id: "7".into(),
            array: false,
            jobs: vec![job],
        };
        let mut requeued = Requeued::default();
        let runs = requeued_runs(&sub);
        let t0 = Instant::now();
        let empty = HashMap::new();
        let mut states = vec![state_of(&sub, 0, &empty)];
        assert_eq!(states[0], State::Pending);
        requeued.fail_vanished(&runs, &empty, &mut states, t0);
        requeued.fail_vanished(&runs, &empty, &mut states, t0 + REQUEUE_VANISH / 2);
        assert_eq!(states[0], State::Pending);
        // Back in the queue: the clock starts again.
        let queued = HashMap::from([(0, "PENDING BeginTime".to_string())]);
        requeued.fail_vanished(&runs, &queued, &mut states, t0 + REQUEUE_VANISH);
        requeued.fail_vanished(&runs, &empty, &mut states, t0 + REQUEUE_VANISH * 3 / 2);
        assert_eq!(states[0], State::Pending);
        requeued.fail_vanished(&runs, &empty, &mut states, t0 + REQUEUE_VANISH * 5 / 2);
        assert!(
            matches!(&states[0], State::Failed(m) if m.contains("left the queue")),
            "{:?}",
            states[0]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
