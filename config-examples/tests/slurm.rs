//! The SLURM launcher (`hydra/launcher=slurm`) against a real cluster: the
//! `train` binary is run as a user runs it, in a fresh working dir per test,
//! and its jobs go through `sbatch`, `squeue` and `scontrol` of the local
//! one-node cluster (`shared/slurm/start-local-slurm.sh`: partition `debug`,
//! 2 CPUs). Nothing of the scheduler is mocked.
//!
//! - a 6-job sweep is one job array; every job dir holds its run files, its
//!   output and `job_status.yaml`; the report lists every job;
//! - a job that fails inside SLURM fails the sweep (exit 1) and is named,
//!   the other job completes;
//! - at its time limit SLURM signals the job, which checkpoints, is requeued,
//!   resumes from its checkpoint and completes;
//! - the ranks of a 2-task job (and of 2 processes started by hand, no
//!   SLURM) share one run dir; only rank 0 writes `.hydra/`;
//! - `hydra.launcher.wait=false` returns at once; `config status DIR`
//!   follows the jobs to the end.
//!
//! Without SLURM the tests fail when `CI` is set, and are skipped (with a
//! message) otherwise when `sbatch` is missing. As root, a cluster that is
//! installed but down is started with the script. Every wait is bounded;
//! a failure prints the commands run, their output, the job files and the
//! queue, and keeps the test's dir; jobs still queued are cancelled.
//!
//! The cluster has 2 CPUs and other tests' jobs queue beside a test's own:
//! the waits allow for that.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

const TRAIN: &str = env!("CARGO_BIN_EXE_train");

/// The cluster's start script: `shared/` lies beside the repository.
const START_SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/slurm/start-local-slurm.sh"
);

/// Variables that would make a test's processes ranks of some other run.
const RANK_VARS: &[&str] = &[
    "RANK",
    "LOCAL_RANK",
    "WORLD_SIZE",
    "MASTER_ADDR",
    "MASTER_PORT",
    "CONFIG_RUN_START",
    "SLURM_JOB_ID",
    "SLURM_JOBID",
    "SLURM_PROCID",
    "SLURM_LOCALID",
    "SLURM_NTASKS",
    "SLURM_NPROCS",
    "SLURM_ARRAY_JOB_ID",
    "SLURM_ARRAY_TASK_ID",
    "SLURM_RESTART_COUNT",
    "SLURM_JOB_NODELIST",
    "SLURM_NODELIST",
];

// ---------------------------------------------------------------------------
// Is there a cluster?

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn runs(program: &str, args: &[&str]) -> Option<std::process::Output> {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()
}

fn have_sbatch() -> bool {
    runs("sbatch", &["--version"]).is_some()
}

/// `sinfo` answers and a partition is up.
fn cluster_up() -> bool {
    runs("sinfo", &["-h", "-o", "%a"])
        .is_some_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("up"))
}

fn is_root() -> bool {
    runs("id", &["-u"]).is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// True when the cluster answers (started once per test binary, as root,
/// when it is installed but down). Without one: fails under CI, else
/// prints why the test is skipped and returns false.
fn slurm() -> bool {
    static STATE: OnceLock<Result<(), String>> = OnceLock::new();
    let state = STATE.get_or_init(|| {
        if cluster_up() {
            return Ok(());
        }
        let mut why = if have_sbatch() {
            "sbatch is installed but `sinfo` does not answer (is slurmctld running?)".to_string()
        } else {
            "`sbatch` is not on PATH".to_string()
        };
        // Installing SLURM is .ci/run's job (the script does it); here the
        // script only starts a cluster that is installed, or runs under CI.
        if is_root() && Path::new(START_SCRIPT).exists() && (have_sbatch() || ci()) {
            match Command::new("bash")
                .arg(START_SCRIPT)
                .stdin(Stdio::null())
                .output()
            {
                Ok(o) if cluster_up() => {
                    eprintln!(
                        "started the local SLURM cluster:\n{}",
                        String::from_utf8_lossy(&o.stdout)
                    );
                    return Ok(());
                }
                Ok(o) => {
                    why.push_str(&format!(
                        "; {START_SCRIPT} exited with {}: {}{}",
                        o.status,
                        String::from_utf8_lossy(&o.stdout),
                        String::from_utf8_lossy(&o.stderr)
                    ));
                }
                Err(e) => why.push_str(&format!("; cannot run {START_SCRIPT}: {e}")),
            }
        }
        Err(why)
    });
    match state {
        Ok(()) => true,
        Err(why) if ci() => panic!(
            "CI is set and SLURM is not available: {why}\n.ci/run starts the cluster with \
             shared/slurm/start-local-slurm.sh before the tests"
        ),
        Err(_) if !have_sbatch() => {
            say("skipped: no SLURM (run ../shared/slurm/start-local-slurm.sh)");
            false
        }
        Err(why) => panic!("{why}; start it with `bash {START_SCRIPT}` (as root)"),
    }
}

/// Prints past libtest's capture (which takes only `print!`/`eprint!`), so
/// the line shows in a passing run too, with the test's name.
fn say(message: &str) {
    use std::io::Write;
    let name = std::thread::current().name().unwrap_or("slurm").to_string();
    let _ = writeln!(std::io::stderr().lock(), "{name}: {message}");
}

// ---------------------------------------------------------------------------
// A test's working dir, its commands, and what a failure prints.

/// One finished command.
#[derive(Clone)]
struct Run {
    line: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// A started command.
struct Started {
    child: Child,
    line: String,
    out: PathBuf,
    err: PathBuf,
    t0: Instant,
}

/// A fresh dir per test: `work/` is the programs' working dir, the captured
/// output sits beside it. Removed when the test passes; kept (and its jobs
/// cancelled) when it fails.
struct Sandbox {
    root: PathBuf,
    work: PathBuf,
    runs: RefCell<Vec<Run>>,
    started: std::cell::Cell<usize>,
}

impl Sandbox {
    fn new(name: &str) -> Sandbox {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "slurm-test-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&root);
        let work = root.join("work");
        std::fs::create_dir_all(&work).unwrap();
        Sandbox {
            root,
            work,
            runs: RefCell::new(Vec::new()),
            started: std::cell::Cell::new(0),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.work.join(rel)
    }

    /// Starts `train ARGS` in `work/` with `envs` set.
    fn start(&self, args: &[&str], envs: &[(&str, &str)]) -> Started {
        let n = self.started.replace(self.started.get() + 1);
        let out = self.root.join(format!("cmd{n}.stdout"));
        let err = self.root.join(format!("cmd{n}.stderr"));
        let mut cmd = Command::new(TRAIN);
        cmd.args(args)
            .current_dir(&self.work)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(std::fs::File::create(&err).unwrap());
        for v in RANK_VARS {
            cmd.env_remove(v);
        }
        cmd.envs(envs.iter().copied());
        let env_text: String = envs.iter().map(|(k, v)| format!("{k}={v} ")).collect();
        let line = format!(
            "{env_text}train {}",
            args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ")
        );
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {TRAIN}: {e}"));
        Started {
            child,
            line,
            out,
            err,
            t0: Instant::now(),
        }
    }

    /// Waits for a started command, at most `timeout`: past it the command
    /// is killed, its jobs cancelled, and the test fails.
    fn finish(&self, mut s: Started, timeout: Duration) -> Run {
        let code = loop {
            match s.child.try_wait() {
                Ok(Some(status)) => break Some(status.code().unwrap_or(-1)),
                Ok(None) if s.t0.elapsed() > timeout => {
                    let _ = s.child.kill();
                    let _ = s.child.wait();
                    break None;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                Err(e) => panic!("waiting for `{}`: {e}", s.line),
            }
        };
        let run = Run {
            line: s.line,
            code,
            stdout: std::fs::read_to_string(&s.out).unwrap_or_default(),
            stderr: std::fs::read_to_string(&s.err).unwrap_or_default(),
            elapsed: s.t0.elapsed(),
        };
        self.runs.borrow_mut().push(run.clone());
        if code.is_none() {
            self.fail(&format!("`{}` did not finish within {timeout:?}", run.line));
        }
        run
    }

    fn run(&self, args: &[&str], timeout: Duration) -> Run {
        let started = self.start(args, &[]);
        self.finish(started, timeout)
    }

    /// A file of the working dir; the test fails when it is missing.
    fn read(&self, rel: &str) -> String {
        match std::fs::read_to_string(self.path(rel)) {
            Ok(text) => text,
            Err(e) => self.fail(&format!("cannot read {rel}: {e}")),
        }
    }

    /// Every file and dir below `work/`, relative, sorted (dirs end in `/`).
    fn files(&self) -> Vec<String> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let p = e.path();
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                if p.is_dir() {
                    out.push(format!("{rel}/"));
                    walk(root, &p, out);
                } else {
                    out.push(rel);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.work, &self.work, &mut out);
        out.sort();
        out
    }

    /// The SLURM job ids of every submission made in this dir.
    fn job_ids(&self) -> Vec<String> {
        self.files()
            .iter()
            .filter(|f| f.ends_with("slurm/submission.yaml"))
            .filter_map(|f| {
                let text = std::fs::read_to_string(self.path(f)).ok()?;
                text.lines()
                    .find_map(|l| l.strip_prefix("job_id: "))
                    .map(|id| {
                        id.trim()
                            .trim_matches(|c| c == '\'' || c == '"')
                            .to_string()
                    })
            })
            .collect()
    }

    /// What a failure prints: the commands and their output, the files, the
    /// job files' last lines, the queue.
    fn dump(&self) -> String {
        let mut s = format!("\n===== test dir (kept): {}\n", self.root.display());
        for r in self.runs.borrow().iter() {
            s.push_str(&format!(
                "----- $ {}\n  exit {:?} after {:.1}s\n  stdout:\n{}\n  stderr:\n{}\n",
                r.line,
                r.code,
                r.elapsed.as_secs_f64(),
                tail(&r.stdout, 40),
                tail(&r.stderr, 40)
            ));
        }
        let files = self.files();
        s.push_str(&format!("----- files:\n  {}\n", files.join("\n  ")));
        for f in &files {
            let shown = [
                "stdout.log",
                "stderr.log",
                "job_status.yaml",
                ".out",
                ".log",
            ]
            .iter()
            .any(|end| f.ends_with(end))
                || f.ends_with("overrides.yaml")
                || f.ends_with("submission.yaml");
            if shown {
                let text = std::fs::read_to_string(self.path(f)).unwrap_or_default();
                s.push_str(&format!("----- {f}:\n{}\n", tail(&text, 25)));
            }
        }
        for (what, program, args) in [
            ("squeue", "squeue", vec!["-a", "-o", "%i %j %T %r %M %l"]),
            ("sinfo", "sinfo", vec![]),
        ] {
            let out = runs(program, &args)
                .map(|o| {
                    String::from_utf8_lossy(&o.stdout).into_owned()
                        + &String::from_utf8_lossy(&o.stderr)
                })
                .unwrap_or_else(|| format!("cannot run {program}"));
            s.push_str(&format!("----- {what}:\n{out}\n"));
        }
        let ctl =
            Path::new(&std::env::var("SLURM_TMP").unwrap_or_else(|_| "/tmp/local-slurm".into()))
                .join("log/slurmctld.log");
        if let Ok(log) = std::fs::read_to_string(&ctl) {
            s.push_str(&format!("----- {}:\n{}\n", ctl.display(), tail(&log, 30)));
        }
        s
    }

    fn fail(&self, message: &str) -> ! {
        panic!("{message}{}", self.dump())
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // Leave no job queued to hold the cluster's CPUs from other tests.
            for id in self.job_ids() {
                let _ = runs("scancel", &[&id]);
            }
            eprintln!("kept {}", self.root.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

/// `word` as a shell would need it, for the commands a failure prints.
fn quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_=.,/:+%@".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The words of the report's line for SLURM task `task` (`12_3`).
fn report_line<'r>(report: &'r str, task: &str) -> Option<Vec<&'r str>> {
    report
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|w| w.get(1) == Some(&task))
}

/// The last `n` lines of `text`, indented.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let skip = lines.len().saturating_sub(n);
    let mut out = String::new();
    if skip > 0 {
        out.push_str(&format!("    ({skip} lines before)\n"));
    }
    for l in &lines[skip..] {
        out.push_str("    ");
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// Fails the test with the sandbox's dump unless `cond` holds.
macro_rules! check {
    ($sb:expr, $cond:expr, $($fmt:tt)+) => {
        if !$cond {
            $sb.fail(&format!($($fmt)+));
        }
    };
}

/// `key: value` of a flat YAML file such as `job_status.yaml`.
fn field<'t>(yaml: &'t str, key: &str) -> Option<&'t str> {
    yaml.lines().find_map(|l| {
        l.strip_prefix(key)
            .and_then(|r| r.strip_prefix(": "))
            .map(|v| v.trim().trim_matches('"'))
    })
}

/// The job id from the launcher's "Submitted ... as job ID" line.
fn submitted_id(sb: &Sandbox, run: &Run) -> String {
    let id = run
        .stdout
        .lines()
        .chain(run.stderr.lines())
        .find_map(|l| l.split(" to SLURM as job ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_string);
    match id {
        Some(id) if id.chars().all(|c| c.is_ascii_digit()) => id,
        _ => sb.fail("the launcher printed no 'Submitted ... to SLURM as job ID' line"),
    }
}

const SWEEP_TIMEOUT: Duration = Duration::from_secs(300);

// ---------------------------------------------------------------------------
// The tests. libtest starts them in name order, as many at once as there
// are CPUs (two here). The 2-task job needs both of the cluster's CPUs, so
// it goes first (t1) while the other thread runs the test without SLURM
// (t2); the long time-limit test (t3) then holds one CPU and the short
// sweeps (t4-t6) run beside it on the other.

/// A 2-task job under `srun` is one run: both ranks run in the run dir the
/// launcher claimed (its name has `${now:...}`), rank 0 writes `.hydra/` and
/// `train.log`, rank 1 `train_rank1.log`, and both outputs reach
/// `stdout.log`.
#[test]
fn t1_two_task_job_is_one_run_in_one_dir() {
    if !slurm() {
        return;
    }
    let sb = Sandbox::new("ranks");
    let run = sb.run(
        &[
            "hydra/launcher=slurm",
            "hydra.launcher.tasks_per_node=2",
            "hydra.run.dir=ranks/${now:%H-%M-%S}",
            "experiment=base_2b",
            "trainer.max_iter=5",
        ],
        SWEEP_TIMEOUT,
    );
    check!(sb, run.code == Some(0), "the 2-task job failed");
    let dirs: Vec<String> = sb
        .files()
        .into_iter()
        .filter(|f| f.starts_with("ranks/") && f.ends_with('/') && f.matches('/').count() == 2)
        .collect();
    check!(
        sb,
        dirs.len() == 1,
        "one run dir under ranks/, got {dirs:?}"
    );
    let dir = dirs[0].trim_end_matches('/').to_string();
    let hydra_dirs: Vec<String> = sb
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".hydra/"))
        .collect();
    check!(
        sb,
        hydra_dirs == vec![format!("{dir}/.hydra/")],
        ".hydra/ once, in the run dir: {hydra_dirs:?}"
    );
    for f in ["config.yaml", "hydra.yaml", "overrides.yaml"] {
        check!(
            sb,
            sb.path(&format!("{dir}/.hydra/{f}")).is_file(),
            "{dir}/.hydra/{f} missing"
        );
    }
    check!(
        sb,
        sb.read(&format!("{dir}/slurm/submit.sh"))
            .contains("\nntasks=2\n"),
        "the script runs 2 tasks"
    );
    let status = sb.read(&format!("{dir}/job_status.yaml"));
    check!(
        sb,
        field(&status, "state") == Some("COMPLETED") && field(&status, "exit_code") == Some("0"),
        "job_status.yaml: {status}"
    );
    let stdout = sb.read(&format!("{dir}/stdout.log"));
    check!(
        sb,
        stdout.matches("# training base_2b").count() == 2
            && stdout.matches("# done: 5 iterations").count() == 2,
        "two trainings in stdout.log"
    );
    for log in ["train.log", "train_rank1.log"] {
        let text = sb.read(&format!("{dir}/{log}"));
        check!(
            sb,
            text.contains("[train][INFO] - iter      5"),
            "{dir}/{log} has the loop's records"
        );
    }
    check!(
        sb,
        !sb.files().iter().any(|f| f.ends_with("train_rank0.log")),
        "rank 0 logs to train.log"
    );
}

/// SLURM signals the job before its time limit (`--signal=B:USR1@N`); the
/// wrapper forwards the signal, `train` checkpoints and returns, the
/// wrapper requeues the job, the launcher lets it start at once, and the
/// job resumes from its checkpoint until it completes.
///
/// slurmctld looks at time limits once every 30 s (PERIODIC_TIMEOUT) and
/// sends the signal at the first look where `now + signal_delay + 30 >=
/// end`: with a 60 s limit and a 25 s delay, 5 to ~36 s after the job
/// starts (never during start-up, before the program handles the signal).
/// The training takes ~44 s (400 iterations of 110 ms), so the first run is
/// always signalled; a resumed run is signalled again 30 s after the
/// previous signal if it still runs, so the job may be requeued once or
/// twice: the test checks every checkpoint/resume pair, whatever their
/// number.
#[test]
fn t3_time_limit_checkpoints_requeues_and_resumes() {
    if !slurm() {
        return;
    }
    let sb = Sandbox::new("tl");
    let run = sb.run(
        &[
            "hydra/launcher=slurm",
            "hydra.run.dir=tl",
            "experiment=base_2b",
            "trainer.max_iter=400",
            "trainer.logging_iter=100",
            "checkpoint.save_iter=1000",
            "hydra.launcher.timeout_min=1",
            "hydra.launcher.signal_delay_s=25",
            "hydra.launcher.max_num_timeout=8",
            "hydra.launcher.max_poll_s=1",
            "--iter-sleep-ms",
            "110",
        ],
        Duration::from_secs(420),
    );
    check!(sb, run.code == Some(0), "the requeued job failed");
    let stdout = sb.read("tl/stdout.log");
    // The events of the loop, in order.
    #[derive(Debug, PartialEq)]
    enum Ev {
        Checkpoint(u64),
        Resumed(u64, u64),
        Done(u64),
    }
    let num = |s: &str| s.trim().parse::<u64>().ok();
    let events: Vec<Ev> = stdout
        .lines()
        .filter_map(|l| {
            if let Some(r) = l.strip_prefix("# time limit near: checkpoint at iteration ") {
                return Some(Ev::Checkpoint(num(r.split(';').next()?)?));
            }
            if let Some(r) = l.strip_prefix("# resumed from iteration ") {
                let (iter, rest) = r.split_once(" (restart ")?;
                return Some(Ev::Resumed(num(iter)?, num(rest.strip_suffix(')')?)?));
            }
            let r = l.strip_prefix("# done: ")?;
            Some(Ev::Done(num(r.split(' ').next()?)?))
        })
        .collect();
    check!(
        sb,
        events.len() >= 3 && events.len() % 2 == 1,
        "expected checkpoint/resume pairs then done, got {events:?}"
    );
    let restarts = (events.len() - 1) / 2;
    let mut last = 0;
    for (k, pair) in events[..events.len() - 1].chunks(2).enumerate() {
        let Ev::Checkpoint(n) = pair[0] else {
            sb.fail(&format!(
                "event {} should be a checkpoint: {events:?}",
                2 * k
            ))
        };
        check!(
            sb,
            pair[1] == Ev::Resumed(n, k as u64 + 1),
            "after the checkpoint at {n}: resumed from iteration {n} (restart {}), got {events:?}",
            k + 1
        );
        check!(
            sb,
            n > last && n <= 400,
            "checkpoints move forward: {events:?}"
        );
        let ckpt = sb.read(&format!("tl/checkpoints/iter_{n:09}.txt"));
        check!(
            sb,
            ckpt.starts_with(&format!("iteration {n} loss ")),
            "checkpoint {n}: {ckpt}"
        );
        last = n;
    }
    check!(
        sb,
        events.last() == Some(&Ev::Done(400)),
        "the last run completes: {events:?}"
    );
    check!(sb, stdout.contains("# done: 400 iterations"), "done line");
    check!(
        sb,
        stdout.matches("# training base_2b").count() == restarts + 1,
        "one start per run"
    );
    let status = sb.read("tl/job_status.yaml");
    check!(
        sb,
        field(&status, "state") == Some("COMPLETED")
            && field(&status, "exit_code") == Some("0")
            && field(&status, "restarts") == Some(restarts.to_string().as_str()),
        "job_status.yaml after {restarts} requeues: {status}"
    );
    check!(
        sb,
        run.stdout.contains(&format!("(requeued {restarts}x)")) && run.stdout.contains("COMPLETED"),
        "the report shows the requeues"
    );
    say(&format!(
        "{restarts} requeue(s), checkpoints at {:?}, {:.1}s in all",
        events
            .iter()
            .filter_map(|e| match e {
                Ev::Checkpoint(n) => Some(*n),
                _ => None,
            })
            .collect::<Vec<_>>(),
        run.elapsed.as_secs_f64()
    ));
}

/// A 6-job sweep is one job array: exit 0, every job dir has its run files
/// with its own overrides (the last key varying fastest), its output and a
/// COMPLETED status; the batch script and the report cover the 6 jobs.
#[test]
fn t4_sweep_of_six_jobs_is_one_array() {
    if !slurm() {
        return;
    }
    let sb = Sandbox::new("sweep");
    let run = sb.run(
        &[
            "-m",
            "hydra/launcher=slurm",
            "experiment=base_2b",
            "trainer.max_iter=5",
            "optimizer=adamw,fusedadamw",
            "optimizer.lr=1e-4,2e-4,3e-4",
            "hydra.sweep.dir=sw",
        ],
        SWEEP_TIMEOUT,
    );
    check!(sb, run.code == Some(0), "the sweep failed");
    let id = submitted_id(&sb, &run);
    check!(
        sb,
        sb.read("sw/slurm/submit.sh")
            .contains("#SBATCH --array=0-5"),
        "one array of 6 tasks"
    );
    check!(
        sb,
        sb.path("sw/multirun.yaml").is_file(),
        "sw/multirun.yaml"
    );
    let optimizers = ["adamw", "fusedadamw"];
    let lrs = ["0.0001", "0.0002", "0.0003"];
    for num in 0..6 {
        let d = format!("sw/{num}");
        for f in [
            ".hydra/config.yaml",
            ".hydra/hydra.yaml",
            ".hydra/overrides.yaml",
            "train.log",
            "stdout.log",
            "stderr.log",
            "job_status.yaml",
        ] {
            check!(
                sb,
                sb.path(&format!("{d}/{f}")).is_file(),
                "{d}/{f} missing"
            );
        }
        let (opt, lr) = (optimizers[num / 3], lrs[num % 3]);
        let overrides = sb.read(&format!("{d}/.hydra/overrides.yaml"));
        check!(
            sb,
            overrides
                == format!(
                    "- experiment=base_2b\n- trainer.max_iter=5\n- optimizer={opt}\n- optimizer.lr={lr}\n"
                ),
            "{d}/.hydra/overrides.yaml: {overrides}"
        );
        check!(
            sb,
            sb.read(&format!("{d}/.hydra/config.yaml"))
                .contains(&format!("  lr: {lr}\n")),
            "{d}/.hydra/config.yaml has lr {lr}"
        );
        let status = sb.read(&format!("{d}/job_status.yaml"));
        check!(
            sb,
            field(&status, "state") == Some("COMPLETED")
                && field(&status, "exit_code") == Some("0")
                && field(&status, "slurm_job_id") == Some(format!("{id}_{num}").as_str()),
            "{d}/job_status.yaml: {status}"
        );
        check!(
            sb,
            sb.read(&format!("{d}/stdout.log"))
                .contains("# done: 5 iterations"),
            "{d}/stdout.log has the training"
        );
        check!(
            sb,
            sb.read(&format!("{d}/train.log"))
                .contains("[train][INFO] - iter      5"),
            "{d}/train.log"
        );
    }
    check!(
        sb,
        run.stdout.contains(&format!(
            "SLURM job {id}: 6 jobs, 6 completed, 0 failed, 0 not finished"
        )),
        "report header"
    );
    let completed = run
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with('#') && l.contains(" COMPLETED "))
        .count();
    check!(sb, completed == 6, "6 COMPLETED lines in the report");
}

/// Runs a 2-job sweep whose job 0 fails inside SLURM: `checkpoint.save_iter=0`
/// composes, is submitted, and fails validation in the job.
fn failing_sweep(sb: &Sandbox) -> Run {
    sb.run(
        &[
            "-m",
            "hydra/launcher=slurm",
            "experiment=base_2b",
            "trainer.max_iter=5",
            "checkpoint.save_iter=0,10",
            "hydra.sweep.dir=sw",
        ],
        SWEEP_TIMEOUT,
    )
}

/// A job that fails in SLURM fails the sweep: exit 1, its status FAILED with
/// its exit code, the other job COMPLETED, and the error names the job.
#[test]
fn t5_failed_job_fails_the_sweep() {
    if !slurm() {
        return;
    }
    let sb = Sandbox::new("failed");
    let run = failing_sweep(&sb);
    check!(sb, run.code == Some(1), "a failed job: exit 1");
    let id = submitted_id(&sb, &run);
    check!(
        sb,
        sb.path("sw/slurm/submission.yaml").is_file(),
        "the sweep was submitted (the failure is inside the job)"
    );
    let failed = sb.read("sw/0/job_status.yaml");
    check!(
        sb,
        field(&failed, "state") == Some("FAILED")
            && field(&failed, "exit_code").is_some_and(|c| c != "0" && c != "null"),
        "sw/0/job_status.yaml: {failed}"
    );
    let ok = sb.read("sw/1/job_status.yaml");
    check!(
        sb,
        field(&ok, "state") == Some("COMPLETED") && field(&ok, "exit_code") == Some("0"),
        "sw/1/job_status.yaml: {ok}"
    );
    check!(
        sb,
        sb.read("sw/1/stdout.log").contains("# done: 5 iterations"),
        "job 1 trained"
    );
    check!(
        sb,
        sb.read("sw/0/stderr.log")
            .contains("full_key: checkpoint.save_iter"),
        "job 0's stderr.log has its error"
    );
    check!(
        sb,
        run.stdout.contains(&format!(
            "SLURM job {id}: 2 jobs, 1 completed, 1 failed, 0 not finished"
        )),
        "report header"
    );
    check!(
        sb,
        run.stderr
            .contains(&format!("SLURM job {id}_0 exited with 1"))
            && run.stderr.contains("must be at least 1, got 0")
            && run.stderr.contains(
                "job #0 (experiment=base_2b trainer.max_iter=5 checkpoint.save_iter=0) failed"
            ),
        "stderr names the failed job and its error"
    );
}

/// The failed job's error in full: which value is wrong, as a direct run
/// prints it (`error: must be at least 1, got 0` then `full_key:
/// checkpoint.save_iter`), in the job's `stderr.log` and the sweep's error.
#[test]
fn t5_failed_job_error_names_the_wrong_value() {
    if !slurm() {
        return;
    }
    let sb = Sandbox::new("failed-detail");
    let run = failing_sweep(&sb);
    check!(sb, run.code == Some(1), "a failed job: exit 1");
    let wanted = "must be at least 1, got 0\n    full_key: checkpoint.save_iter";
    check!(
        sb,
        sb.read("sw/0/stderr.log").contains(wanted),
        "sw/0/stderr.log should say {wanted:?}"
    );
    check!(
        sb,
        run.stderr.contains("must be at least 1, got 0")
            && run.stderr.contains("full_key: checkpoint.save_iter"),
        "the sweep's error should say {wanted:?}"
    );
}

/// `hydra.launcher.wait=false` submits and returns at once with the job id
/// on stdout; `config status DIR` then follows the jobs until they are all
/// COMPLETED.
#[test]
fn t6_no_wait_returns_the_job_id_then_config_status_follows() {
    if !slurm() {
        return;
    }
    let sb = Sandbox::new("nowait");
    let run = sb.run(
        &[
            "-m",
            "hydra/launcher=slurm",
            "hydra.launcher.wait=false",
            "hydra.sweep.dir=nw",
            "experiment=base_2b",
            "trainer.max_iter=5",
            "optimizer=adamw,fusedadamw",
        ],
        Duration::from_secs(60),
    );
    check!(sb, run.code == Some(0), "submitting failed");
    check!(
        sb,
        run.elapsed < Duration::from_secs(10),
        "returned after {:?}, not at once",
        run.elapsed
    );
    let id = submitted_id(&sb, &run);
    check!(
        sb,
        run.stdout.lines().last() == Some(id.as_str()),
        "the job id is stdout's last line"
    );
    check!(
        sb,
        run.stderr.contains("config status"),
        "stderr says how to follow the jobs"
    );
    let dir = sb.path("nw");
    // The jobs run on a shared 2-CPU cluster: allow for a queue.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = Vec::new();
    let report = loop {
        let report = match config_core::cli::execute(["config", "status", dir.to_str().unwrap()]) {
            Ok(r) => r,
            Err(e) => sb.fail(&format!("config status failed: {e}")),
        };
        check!(
            sb,
            !report.contains("FAILED"),
            "no job fails on the way: {report}"
        );
        if seen.last() != Some(&report) {
            seen.push(report.clone());
        }
        if report.contains("2 jobs, 2 completed") {
            break report;
        }
        if Instant::now() > deadline {
            sb.fail(&format!(
                "jobs not COMPLETED within 120 s; reports seen:\n{}",
                seen.join("\n")
            ));
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    check!(
        sb,
        report.starts_with(&format!(
            "SLURM job {id}: 2 jobs, 2 completed, 0 failed, 0 not finished\n"
        )),
        "report: {report}"
    );
    for num in 0..2 {
        let words = report_line(&report, &format!("{id}_{num}"));
        check!(
            sb,
            words.as_ref().is_some_and(|w| w[0] == format!("#{num}")
                && w[2..5] == ["COMPLETED", "exit", "0"]),
            "job {num} in the report: {report}"
        );
        let status = sb.read(&format!("nw/{num}/job_status.yaml"));
        check!(
            sb,
            field(&status, "state") == Some("COMPLETED"),
            "nw/{num}/job_status.yaml: {status}"
        );
        check!(
            sb,
            report.contains(
                &sb.path(&format!("nw/{num}/stdout.log"))
                    .display()
                    .to_string()
            ),
            "the report names job {num}'s log"
        );
    }
}

/// Without SLURM: two `train` processes started by hand as ranks 0 and 1 of
/// one run (`RANK`, `WORLD_SIZE`, the same `CONFIG_RUN_START`) and a run dir
/// named by `${now:...}` share that dir; rank 1 writes no `.hydra/` and
/// logs to `train_rank1.log`.
#[test]
fn t2_ranks_started_by_hand_share_one_run_dir() {
    let sb = Sandbox::new("byhand");
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        .to_string();
    let args = |base: &str| {
        vec![
            "experiment=base_2b".to_string(),
            "trainer.max_iter=5".to_string(),
            format!("hydra.run.dir={base}/${{now:%H-%M-%S}}"),
        ]
    };
    let rank = |r: &'static str, base: &str| {
        let a = args(base);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        sb.start(
            &a,
            &[
                ("RANK", r),
                ("WORLD_SIZE", "2"),
                ("CONFIG_RUN_START", nanos.as_str()),
            ],
        )
    };
    let limit = Duration::from_secs(60);
    let dirs = |base: &str| -> Vec<String> {
        sb.files()
            .into_iter()
            .filter(|f| {
                f.starts_with(&format!("{base}/"))
                    && f.ends_with('/')
                    && f.matches('/').count() == 2
            })
            .collect()
    };

    // Rank 1 alone: the run dir, its own log, no .hydra/.
    let r1 = sb.finish(rank("1", "seq"), limit);
    check!(sb, r1.code == Some(0), "rank 1 failed");
    let d = dirs("seq");
    check!(sb, d.len() == 1, "one run dir: {d:?}");
    let run_dir = d[0].clone();
    let inside: Vec<String> = sb
        .files()
        .into_iter()
        .filter_map(|f| f.strip_prefix(&run_dir).map(str::to_string))
        .filter(|f| !f.is_empty())
        .collect();
    check!(
        sb,
        inside == vec!["train_rank1.log".to_string()],
        "rank 1 writes only train_rank1.log: {inside:?}"
    );
    // Rank 0 of the same run: the same dir, now with .hydra/ and train.log.
    let r0 = sb.finish(rank("0", "seq"), limit);
    check!(sb, r0.code == Some(0), "rank 0 failed");
    check!(
        sb,
        dirs("seq") == vec![run_dir.clone()],
        "rank 0 uses rank 1's dir: {:?}",
        dirs("seq")
    );
    for f in [".hydra/config.yaml", ".hydra/overrides.yaml", "train.log"] {
        check!(
            sb,
            sb.path(&format!("{run_dir}{f}")).is_file(),
            "{run_dir}{f} missing"
        );
    }
    for (log, out) in [("train.log", &r0), ("train_rank1.log", &r1)] {
        check!(
            sb,
            sb.read(&format!("{run_dir}{log}"))
                .contains("[train][INFO] - iter      5")
                && out.stdout.contains("# done: 5 iterations"),
            "{log}"
        );
    }

    // Both at once, as a launcher starts them.
    let (a, b) = (rank("0", "both"), rank("1", "both"));
    let (a, b) = (sb.finish(a, limit), sb.finish(b, limit));
    check!(sb, a.code == Some(0) && b.code == Some(0), "a rank failed");
    let d = dirs("both");
    check!(sb, d.len() == 1, "one run dir: {d:?}");
    let hydra: Vec<String> = sb
        .files()
        .into_iter()
        .filter(|f| f.starts_with("both/") && f.ends_with(".hydra/"))
        .collect();
    check!(
        sb,
        hydra == vec![format!("{}.hydra/", d[0])],
        ".hydra/ once: {hydra:?}"
    );
    for log in ["train.log", "train_rank1.log"] {
        check!(
            sb,
            sb.path(&format!("{}{log}", d[0])).is_file(),
            "{}{log} missing",
            d[0]
        );
    }
}

/// The `cosmos` example on the cluster: Cosmos's command line, two
/// generated experiments as one SLURM array, each job's output in its dir.
#[test]
fn t9_cosmos_experiments_sweep_on_slurm() {
    if !slurm() {
        return;
    }
    let sb = Sandbox::new("cosmos");
    let out = Command::new(env!("CARGO_BIN_EXE_cosmos"))
        .args([
            "-m",
            "hydra/launcher=slurm",
            "hydra.sweep.dir=sw",
            "experiment=gen_00001,gen_00002",
            "trainer.max_iter=3",
        ])
        .current_dir(&sb.work)
        .env("IMAGINAIRE_OUTPUT_ROOT", sb.path("out"))
        .env_remove("COSMOS_EXPERIMENTS")
        .stdin(Stdio::null())
        .output()
        .expect("run cosmos");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    check!(
        sb,
        out.status.success(),
        "cosmos on SLURM: exit 0\n{stdout}\n{stderr}"
    );
    for (k, name) in [(0, "gen_00001"), (1, "gen_00002")] {
        let log = sb.read(&format!("sw/{k}/stdout.log"));
        check!(
            sb,
            log.contains(&format!("video2world/{name} for 3 iterations"))
                && log.contains("# done: 3 iterations"),
            "sw/{k}/stdout.log should show {name} trained: {log}"
        );
    }
}
