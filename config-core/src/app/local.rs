//! The `local` launcher: `hydra.launcher.n_jobs` jobs at a time, each a
//! subprocess that re-runs this program for that job
//! ([`SweepContext::command`]). Each job's stdout and stderr go to
//! `stdout.log` and `stderr.log` in its output dir, and its stdout is also
//! printed when it ends. On a terminal a live display shows the jobs done,
//! failed and running and the elapsed time; otherwise one plain line per
//! finished job. A summary of every job ends the batch.

use super::job::{JobOutcome, JobStatus};
use super::launcher::{JobSpec, Launcher, SweepContext};
use crate::error::{Error, ErrorKind};
use crate::node::{Node, Value};
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Runs the jobs of a batch as parallel subprocesses.
#[derive(Clone, Copy, Debug, Default)]
pub struct LocalLauncher;

impl LocalLauncher {
    /// `n_jobs`: jobs at a time; `-1` or absent is one per CPU.
    fn n_jobs(cfg: &Node) -> usize {
        match cfg.get("n_jobs").map(|n| &n.value) {
            Some(Value::Int(n)) if *n > 0 => *n as usize,
            _ => std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
        }
    }
}

impl Launcher for LocalLauncher {
    fn launch(&self, ctx: &SweepContext<'_>, jobs: &[JobSpec]) -> Result<Vec<JobOutcome>, Error> {
        let n_jobs = Self::n_jobs(ctx.config()).min(jobs.len().max(1));
        ctx.log(&format!(
            "Launching {} jobs locally, {n_jobs} at a time",
            jobs.len()
        ));
        let progress = Progress::new(jobs.len());
        let next = AtomicUsize::new(0);
        let results: Vec<Mutex<Option<JobOutcome>>> =
            jobs.iter().map(|_| Mutex::new(None)).collect();
        std::thread::scope(|s| {
            for _ in 0..n_jobs {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(job) = jobs.get(i) else { break };
                    progress.started();
                    let outcome = run_one(ctx, job);
                    progress.finished(&outcome);
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(outcome);
                    }
                });
            }
        });
        progress.clear();
        let outcomes: Vec<JobOutcome> = results
            .into_iter()
            .map(|m| m.into_inner().ok().flatten())
            .collect::<Option<_>>()
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Compose,
                    "a launcher thread stopped before reporting its job",
                )
            })?;
        print_summary(&outcomes);
        Ok(outcomes)
    }
}

/// Runs one job's subprocess, its output captured into its output dir.
fn run_one(ctx: &SweepContext<'_>, job: &JobSpec) -> JobOutcome {
    let t0 = Instant::now();
    let dir = job.output_dir().to_path_buf();
    let mut outcome = JobOutcome {
        num: job.num(),
        overrides: job.overrides().to_vec(),
        status: JobStatus::Completed,
        output_dir: Some(dir.clone()),
        elapsed: Duration::ZERO,
    };
    let result = (|| -> Result<(), String> {
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let out = ctx
            .command(job)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| format!("cannot start the job: {e}"))?;
        let _ = super::rundir::write_atomic(&dir.join("stdout.log"), &out.stdout);
        let _ = super::rundir::write_atomic(&dir.join("stderr.log"), &out.stderr);
        if !out.stdout.is_empty() {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(&out.stdout);
            let _ = stdout.flush();
        }
        if out.status.success() {
            Ok(())
        } else {
            let err = String::from_utf8_lossy(&out.stderr);
            let line = err
                .lines()
                .rev()
                .find(|l| l.starts_with("error:"))
                .or_else(|| err.lines().find(|l| !l.trim().is_empty()));
            Err(line
                .unwrap_or("the job failed")
                .trim_start_matches("error: ")
                .to_string()
                + &format!(
                    " (exit {}; see {})",
                    out.status
                        .code()
                        .map(|c| c.to_string())
                        .unwrap_or_else(|| "signal".into()),
                    dir.join("stderr.log").display()
                ))
        }
    })();
    if let Err(e) = result {
        outcome.status = JobStatus::Failed(e);
    }
    outcome.elapsed = t0.elapsed();
    outcome
}

/// The live display: an indicatif bar on a terminal, plain lines otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    done: AtomicUsize,
    failed: AtomicUsize,
    running: AtomicUsize,
    total: usize,
    t0: Instant,
}

impl Progress {
    fn new(total: usize) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "[{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
            ) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            done: 0.into(),
            failed: 0.into(),
            running: 0.into(),
            total,
            t0: Instant::now(),
        }
    }

    fn message(&self) -> String {
        format!(
            "done {}, failed {}, running {}",
            self.done.load(Ordering::SeqCst),
            self.failed.load(Ordering::SeqCst),
            self.running.load(Ordering::SeqCst)
        )
    }

    fn started(&self) {
        self.running.fetch_add(1, Ordering::SeqCst);
        if let Some(bar) = &self.bar {
            bar.set_message(self.message());
        }
    }

    fn finished(&self, o: &JobOutcome) {
        self.running.fetch_sub(1, Ordering::SeqCst);
        if o.ok() {
            self.done.fetch_add(1, Ordering::SeqCst);
        } else {
            self.failed.fetch_add(1, Ordering::SeqCst);
        }
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                bar.set_message(self.message());
            }
            None => eprintln!(
                "[{:>7.1}s] job #{} {} in {:.1}s ({}/{} finished: {})",
                self.t0.elapsed().as_secs_f64(),
                o.num,
                if o.ok() { "completed" } else { "FAILED" },
                o.elapsed.as_secs_f64(),
                self.done.load(Ordering::SeqCst) + self.failed.load(Ordering::SeqCst),
                self.total,
                self.message()
            ),
        }
    }

    fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// One line per job: status, time, output dir, and the first error line.
fn print_summary(outcomes: &[JobOutcome]) {
    let mut err = std::io::stderr().lock();
    let failed = outcomes.iter().filter(|o| !o.ok()).count();
    let _ = writeln!(
        err,
        "{} jobs: {} completed, {failed} failed",
        outcomes.len(),
        outcomes.len() - failed
    );
    for o in outcomes {
        let dir = o
            .output_dir
            .as_ref()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        let status = if o.ok() { "completed" } else { "FAILED   " };
        let _ = write!(
            err,
            "  #{:<4} {status} {:>8.2}s  {dir}  {}",
            o.num,
            o.elapsed.as_secs_f64(),
            o.overrides.join(" ")
        );
        match o.first_error_line() {
            Some(line) => {
                let _ = writeln!(err, "\n         {line}");
            }
            None => {
                let _ = writeln!(err);
            }
        }
    }
}
