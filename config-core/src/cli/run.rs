//! `config run --config-path DIR [--config-name NAME] [FLAGS] [OVERRIDES...]
//! [--exec CMD ARGS...]`: the application layer over a directory of YAML.
//!
//! Without `--exec`, each job's task prints its resolved config as one YAML
//! document (`---` first), creates the empty file named by a top-level
//! string `touch` (relative to the job's working directory), and fails when
//! the config has `fail: true`: the contract of the conformance corpus's
//! `app` kind (a Hydra app named `app`).
//!
//! With `--exec CMD ARGS...` any program becomes the job: for each job the
//! tool composes the config, writes the run dir, writes the resolved config
//! to `config.resolved.yaml` in the output dir, and runs `CMD` in the job's
//! working directory with `CONFIG_FILE` set to that file (an argument
//! `{config}` is replaced by its path, `{output_dir}` by the output dir).
//! The command's output goes to the terminal and to `exec.stdout.log` and
//! `exec.stderr.log`; its exit status and time to `exec.yaml`.

use crate::app::{write_atomic, App, Job, TaskError};
use crate::node::{Key, Map, Node, Value};
use std::io::{Read, Write};
use std::process::{ExitCode, Stdio};
use std::time::Instant;

/// The flags `config run` adds to Hydra's.
#[derive(clap::Args, Debug, Clone, Default)]
pub(super) struct RunArgs {
    /// Run CMD ARGS... as each job, with CONFIG_FILE set to the job's
    /// resolved config (must come last: everything after it is the command).
    #[arg(long = "exec", value_name = "CMD", num_args = 1.., allow_hyphen_values = true)]
    pub exec: Vec<String>,
}

/// Runs `config run` on `args` (the program first, `run` second).
pub(super) fn run(args: Vec<std::ffi::OsString>) -> ExitCode {
    let mut argv = args;
    if argv.len() > 1 {
        argv.remove(1); // `run`
    }
    App::new("app")
        .reexec_prefix(["run"])
        .about("Compose a config directory and run its jobs (Hydra's @hydra.main)")
        .run_with_args::<RunArgs, _, _, _>(argv, |job, args| {
            if args.exec.is_empty() {
                print_job(job)
            } else {
                exec_job(job, &args.exec)
            }
        })
}

/// The contract's task: print the resolved config, `touch`, `fail`.
fn print_job(job: &Job) -> Result<(), TaskError> {
    let cfg = job.resolved().map_err(|e| e.render())?;
    let mut out = std::io::stdout().lock();
    write!(out, "---\n{}", cfg.to_yaml())?;
    out.flush()?;
    if let Some(path) = cfg.get("touch").and_then(Node::as_str) {
        std::fs::File::create(path).map_err(|e| format!("touch {path}: {e}"))?;
    }
    if cfg
        .get("fail")
        .is_some_and(|f| f.value == Value::Bool(true))
    {
        return Err("the task failed: the job config has fail: true".into());
    }
    Ok(())
}

/// `--exec`: runs the command as the job.
fn exec_job(job: &Job, command: &[String]) -> Result<(), TaskError> {
    let cfg = job.resolved().map_err(|e| e.render())?;
    let dir = job.output_dir();
    let config_file = dir.join("config.resolved.yaml");
    write_atomic(&config_file, cfg.to_yaml().as_bytes())?;
    let subst = |a: &String| {
        a.replace("{config}", &config_file.to_string_lossy())
            .replace("{output_dir}", &dir.to_string_lossy())
    };
    let t0 = Instant::now();
    let mut child = std::process::Command::new(subst(&command[0]))
        .args(command[1..].iter().map(subst))
        .current_dir(job.working_dir())
        .env("CONFIG_FILE", &config_file)
        .env("CONFIG_OUTPUT_DIR", dir)
        .env(
            "CONFIG_JOB_NUM",
            job.num().map(|n| n.to_string()).unwrap_or_default(),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `{}`: {e}", command[0]))?;
    let out = child
        .stdout
        .take()
        .map(|s| tee(s, dir.join("exec.stdout.log"), false));
    let err = child
        .stderr
        .take()
        .map(|s| tee(s, dir.join("exec.stderr.log"), true));
    let status = child.wait()?;
    for t in [out, err].into_iter().flatten() {
        let _ = t.join();
    }
    let mut record = Map::new();
    record.insert(
        Key::from("command"),
        Node::new(Value::List(
            command.iter().map(|a| Node::from(subst(a))).collect(),
        )),
    );
    record.insert(
        Key::from("exit"),
        status
            .code()
            .map(|c| Node::from(c as i64))
            .unwrap_or_else(|| Node::new(Value::Null)),
    );
    record.insert(
        Key::from("elapsed_s"),
        Node::from(t0.elapsed().as_secs_f64()),
    );
    write_atomic(
        &dir.join("exec.yaml"),
        Node::new(Value::Map(record)).to_yaml().as_bytes(),
    )?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{}` exited with {status} (output in {})",
            command.join(" "),
            dir.join("exec.stderr.log").display()
        )
        .into())
    }
}

/// Copies a child's stream to ours and to a file, on a thread.
fn tee(
    mut from: impl Read + Send + 'static,
    file: std::path::PathBuf,
    stderr: bool,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut f = std::fs::File::create(&file).ok();
        let mut buf = [0u8; 8192];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            if let Some(f) = f.as_mut() {
                let _ = f.write_all(&buf[..n]);
            }
            let _ = if stderr {
                std::io::stderr().lock().write_all(&buf[..n])
            } else {
                std::io::stdout().lock().write_all(&buf[..n])
            };
        }
    })
}
