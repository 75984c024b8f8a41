//! The `train` binary, as a user runs it: a run (with its run dir), the
//! typed errors, `--cfg job`, `--help`, and `-m` sweeps over optimizers and
//! learning rates with the basic and the local launcher; exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh working directory, removed when dropped.
struct Cwd(PathBuf);

impl Cwd {
    fn new() -> Cwd {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "train-bin-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Cwd(dir)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_train"))
            .args(args)
            .current_dir(&self.0)
            .output()
            .expect("run train")
    }

    /// Every file below the directory, relative, sorted.
    fn files(&self) -> Vec<String> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(root, &p, out);
                } else {
                    out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.0, &self.0, &mut out);
        out.sort();
        out
    }
}

impl Drop for Cwd {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn train(args: &[&str]) -> Output {
    Cwd::new().run(args)
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[test]
fn runs_an_experiment_for_the_given_iterations() {
    let out = train(&["experiment=finetune_2b", "trainer.max_iter=10"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("trainer:\n  max_iter: 10\n"), "{stdout}");
    assert!(stdout.contains("name: finetune_2b"), "{stdout}");
    assert!(stdout.contains("# done: 10 iterations"), "{stdout}");
}

#[test]
fn leading_double_dash_is_accepted() {
    let out = train(&["--", "experiment=base_2b", "trainer.max_iter=3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("# done: 3 iterations"));
}

#[test]
fn typed_error_exits_non_zero() {
    let out = train(&["experiment=base_2b", "trainer.max_iter=abc"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "expected an unsigned integer, got 'abc'\n    full_key: trainer.max_iter\n    at command-line argument 2"
        ),
        "{err}"
    );
}

#[test]
fn unknown_key_exits_with_did_you_mean() {
    let out = train(&["trainer.max_itr=10"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("no such key in TrainerConfig\n    full_key: trainer.max_itr")
            && err.contains("did you mean trainer.max_iter?"),
        "{err}"
    );
}

#[test]
fn unknown_option_exits_with_the_list() {
    let out = train(&["optimizer=adamww"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("Available options in 'optimizer'") && err.contains("fusedadamw"),
        "{err}"
    );
}

#[test]
fn validation_failures_exit_non_zero_one_line_each() {
    let out = train(&[
        "experiment=base_2b",
        "checkpoint.save_iter=0",
        "job.wandb_mode=loud",
    ]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("2 validation errors:"), "{err}");
    assert!(
        err.contains("\njob.wandb_mode: must be one of [online, offline, disabled], got 'loud'"),
        "{err}"
    );
    assert!(
        err.contains(
            "\ncheckpoint.save_iter: must be at least 1, got 0 (set by command-line argument 2)"
        ),
        "{err}"
    );
}

#[test]
fn a_typed_optimizer_argument_fails_before_the_run() {
    let out = train(&["experiment=base_2b", "optimizer.lr=abc", "--cfg", "job"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "expected a float, got 'abc'\n    full_key: optimizer.lr\n    at command-line argument 2"
        ),
        "{err}"
    );
    let out = train(&["--help"]);
    let help = text(&out.stdout);
    assert!(
        help.contains("  _target_: FusedAdamW (AdamWArgs)\n    lr: f64 (mandatory)"),
        "{help}"
    );
}

#[test]
fn a_run_writes_its_run_dir() {
    let cwd = Cwd::new();
    let out = cwd.run(&[
        "experiment=base_2b",
        "trainer.max_iter=20",
        "checkpoint.save_iter=10",
        "hydra.run.dir=run",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let files = cwd.files();
    for f in [
        "run/.hydra/config.yaml",
        "run/.hydra/hydra.yaml",
        "run/.hydra/overrides.yaml",
        "run/train.log",
        "run/checkpoints/iter_000000010.txt",
    ] {
        assert!(files.contains(&f.to_string()), "{f} not in {files:?}");
    }
    let overrides = std::fs::read_to_string(cwd.0.join("run/.hydra/overrides.yaml")).unwrap();
    assert_eq!(
        overrides,
        "- experiment=base_2b\n- trainer.max_iter=20\n- checkpoint.save_iter=10\n"
    );
    // The job log got the loop's records through `tracing`.
    let log = std::fs::read_to_string(cwd.0.join("run/train.log")).unwrap();
    assert!(log.contains("[train][INFO] - iter     20"), "{log}");
    let hydra = std::fs::read_to_string(cwd.0.join("run/.hydra/hydra.yaml")).unwrap();
    assert!(hydra.contains("    name: train\n"), "{hydra}");
}

#[test]
fn cfg_job_shows_the_config_and_runs_nothing() {
    let cwd = Cwd::new();
    let out = cwd.run(&["--cfg", "job", "experiment=base_2b", "trainer.max_iter=7"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("job:\n"), "{stdout}");
    assert!(stdout.contains("trainer:\n  max_iter: 7\n"), "{stdout}");
    assert!(!stdout.contains("# done"), "{stdout}");
    assert!(cwd.files().is_empty());
}

#[test]
fn cfg_job_prints_json_on_request() {
    let cwd = Cwd::new();
    let out = cwd.run(&[
        "--cfg",
        "job",
        "--format",
        "json",
        "experiment=base_2b",
        "trainer.max_iter=7",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("{\n  \"job\": {\n"), "{stdout}");
    assert!(stdout.contains("\"max_iter\": 7,"), "{stdout}");
    // JSON is YAML: the same tree reads back.
    let back = config_core::Node::from_yaml_str(&stdout).unwrap();
    assert_eq!(
        back.select("trainer.max_iter").unwrap().unwrap().value,
        config_core::Value::Int(7)
    );
    let out = cwd.run(&["--cfg", "job", "--format", "toml"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("[possible values: yaml, json]"),
        "{}",
        text(&out.stderr)
    );
    assert!(cwd.files().is_empty());
}

#[test]
fn help_lists_groups_config_fields_and_flags() {
    let out = train(&["--help"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("== Configuration groups =="), "{stdout}");
    assert!(stdout.contains("optimizer: adamw, fusedadamw"), "{stdout}");
    assert!(stdout.contains("== Config =="), "{stdout}");
    assert!(
        stdout.contains("trainer.max_iter: u64 = 400000"),
        "{stdout}"
    );
    assert!(stdout.contains("--dryrun"), "{stdout}");
    assert!(stdout.contains("--multirun"), "{stdout}");
}

/// `-m` over two optimizers and two learning rates: four jobs, the last
/// key varying fastest, each in its own dir with its own overrides.
fn sweep(launcher: &str) {
    let cwd = Cwd::new();
    let out = cwd.run(&[
        "-m",
        launcher,
        "hydra.sweep.dir=sweep",
        "experiment=base_2b",
        "trainer.max_iter=5",
        "optimizer=adamw,fusedadamw",
        "optimizer.lr=1e-4,2e-4",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout.matches("# done: 5 iterations").count(),
        4,
        "{stdout}"
    );
    let expected = [
        ("0", "adamw", "0.0001"),
        ("1", "adamw", "0.0002"),
        ("2", "fusedadamw", "0.0001"),
        ("3", "fusedadamw", "0.0002"),
    ];
    for (num, opt, lr) in expected {
        let ov = std::fs::read_to_string(cwd.0.join(format!("sweep/{num}/.hydra/overrides.yaml")))
            .unwrap();
        assert!(
            ov.contains(&format!("- optimizer={opt}\n- optimizer.lr={lr}\n")),
            "{num}: {ov}"
        );
    }
    assert!(cwd.files().contains(&"sweep/multirun.yaml".to_string()));
}

#[test]
fn sweep_with_the_basic_launcher() {
    sweep("hydra/launcher=basic");
}

#[test]
fn sweep_with_the_local_launcher() {
    sweep("hydra/launcher=local");
}

#[test]
fn unknown_program_flag_is_a_usage_error() {
    let out = train(&["--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--dry-run"));
}
