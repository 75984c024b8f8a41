//! The founding scenarios end to end, against Hydra 1.3.8's own outputs.
//!
//! `reference/<scenario>/cases.txt` holds command lines; for each,
//! `reference/make_reference.py` stored what Hydra made of the same config
//! dir (`conf/<scenario>`): the job dirs, each job's `.hydra/config.yaml`
//! and `overrides.yaml`, and the resolved config. Here the example binary
//! runs the same command line in a fresh directory, and every output must
//! match. Then the parts Hydra has no equivalent for: the `state` run's
//! saved config and the `--explain changed` table.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// A fresh working directory, removed when dropped.
struct Cwd(PathBuf);

impl Cwd {
    fn new(label: &str) -> Cwd {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "scenario-{label}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Cwd(dir)
    }

    fn run(&self, bin: &str, args: &[&str]) -> Output {
        let out = Command::new(bin)
            .args(args)
            .current_dir(&self.0)
            .env("NO_COLOR", "1")
            .output()
            .expect("run the example");
        assert!(
            out.status.success(),
            "{bin} {args:?}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// The job dirs (those holding `.hydra/`), relative, sorted.
    fn job_dirs(&self) -> Vec<String> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if !p.is_dir() {
                    continue;
                }
                if p.file_name().is_some_and(|n| n == ".hydra") {
                    out.push(
                        dir.strip_prefix(root)
                            .unwrap()
                            .to_string_lossy()
                            .into_owned(),
                    );
                } else {
                    walk(root, &p, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.0, &self.0, &mut out);
        out.sort();
        out
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.0.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

impl Drop for Cwd {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `outputs/2026-12-01/13-36-29` → `outputs/DATE/TIME`, as the reference
/// stores timestamped dirs.
fn shape(dir: &str) -> String {
    let parts: Vec<&str> = dir.split('/').collect();
    let stamp = |p: &str, sep: char, lens: &[usize]| {
        let bits: Vec<&str> = p.split(sep).collect();
        bits.len() == lens.len()
            && bits
                .iter()
                .zip(lens)
                .all(|(b, n)| b.len() == *n && b.bytes().all(|c| c.is_ascii_digit()))
    };
    let mut out = Vec::new();
    for p in parts {
        out.push(if stamp(p, '-', &[4, 2, 2]) {
            "DATE"
        } else if stamp(p, '-', &[2, 2, 2]) {
            "TIME"
        } else {
            p
        });
    }
    out.join("/")
}

/// `13-36-29` anywhere → `HH-MM-SS`, as the reference masks `${now:}`.
fn mask_times(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            line.split(' ')
                .map(|w| {
                    let b = w.as_bytes();
                    let is_time = b.len() == 8
                        && b[2] == b'-'
                        && b[5] == b'-'
                        && [0, 1, 3, 4, 6, 7].iter().all(|i| b[*i].is_ascii_digit());
                    if is_time {
                        "HH-MM-SS"
                    } else {
                        w
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn reference(scenario: &str, case: usize, file: &str) -> String {
    let path = format!("{MANIFEST}/reference/{scenario}/{case}/{file}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn cases(scenario: &str) -> Vec<Vec<String>> {
    let text =
        std::fs::read_to_string(format!("{MANIFEST}/reference/{scenario}/cases.txt")).unwrap();
    text.strip_suffix('\n')
        .unwrap_or(&text)
        .split('\n')
        .map(|l| l.split_whitespace().map(String::from).collect())
        .collect()
}

/// Runs every case of `scenario` with `bin` and compares each job's
/// outputs with Hydra's; returns each case's working dir and stdout.
fn check_against_hydra(scenario: &str, bin: &str) -> Vec<(Cwd, String)> {
    let mut runs = Vec::new();
    for (i, args) in cases(scenario).iter().enumerate() {
        let case = i + 1;
        let cwd = Cwd::new(scenario);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = cwd.run(bin, &args);
        let jobs = cwd.job_dirs();
        let shapes: String = jobs.iter().map(|d| shape(d) + "\n").collect();
        assert_eq!(
            shapes,
            reference(scenario, case, "run_dirs.txt"),
            "{scenario} {args:?}: job dirs"
        );
        for (k, dir) in jobs.iter().enumerate() {
            for (ours, theirs) in [("config.yaml", "job"), ("overrides.yaml", "overrides")] {
                assert_eq!(
                    cwd.read(&format!("{dir}/.hydra/{ours}")),
                    reference(scenario, case, &format!("{theirs}{k}.yaml")),
                    "{scenario} {args:?}: {dir}/.hydra/{ours}"
                );
            }
        }
        runs.push((cwd, String::from_utf8_lossy(&out.stdout).into_owned()));
    }
    runs
}

#[test]
fn tutorial_matches_hydra() {
    let bin = env!("CARGO_BIN_EXE_tutorial");
    let runs = check_against_hydra("tutorial", bin);
    for (i, (_, stdout)) in runs.iter().enumerate() {
        let case = i + 1;
        let theirs = reference("tutorial", case, "resolved0.yaml");
        if std::path::Path::new(&format!(
            "{MANIFEST}/reference/tutorial/{case}/resolved1.yaml"
        ))
        .exists()
        {
            // A sweep: every job's resolved config is printed, in order.
            let k = 2;
            let all: Vec<String> = (0..k)
                .map(|j| reference("tutorial", case, &format!("resolved{j}.yaml")))
                .collect();
            for doc in &all {
                assert!(
                    mask_times(stdout).contains(doc.as_str()),
                    "case {case}: {stdout}"
                );
            }
            assert!(
                stdout.contains(&format!("Launching {k} jobs locally")),
                "{stdout}"
            );
        } else {
            assert_eq!(mask_times(stdout), theirs, "case {case}");
        }
    }
    // The specialised pair has 5 layers; the others keep 7.
    assert!(runs[3].1.contains("num_layers: 5"), "{}", runs[3].1);
    assert!(runs[4].1.contains("num_layers: 7") && runs[5].1.contains("num_layers: 7"));
    // `${hydra:job.name}` is the program's name.
    assert!(runs[0].1.contains("job: tutorial"), "{}", runs[0].1);
}

#[test]
fn state_matches_hydra_and_saves_its_config() {
    let bin = env!("CARGO_BIN_EXE_state");
    let runs = check_against_hydra("state", bin);
    let (cwd, stdout) = &runs[0];
    // Through `hydra.run.dir: ${output_dir}/${name}`.
    assert_eq!(cwd.job_dirs(), ["competition/first_run"]);
    assert_eq!(
        cwd.read("competition/first_run/config.yaml"),
        reference("state", 1, "job0.yaml"),
        "the saved config is what Hydra composes"
    );
    assert!(
        stdout.contains("# training first_run (state on cuda, backbone llama) for 40000 steps"),
        "{stdout}"
    );
    assert!(stdout.contains("tags [\"first_run\"]"), "{stdout}");
}

#[test]
fn state_explains_what_the_command_line_changed() {
    let bin = env!("CARGO_BIN_EXE_state");
    let args = cases("state").remove(0);
    let mut argv = vec!["--explain", "changed"];
    argv.extend(args.iter().map(String::as_str));
    let cwd = Cwd::new("state-explain");
    let table = String::from_utf8(cwd.run(bin, &argv).stdout).unwrap();
    let rows: Vec<Vec<&str>> = table
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows[0],
        ["parameter", "original", "final", "cmdline", "source"]
    );
    // One row per override: the group change is one row, not 58 leaves.
    assert_eq!(rows.len(), 1 + 13, "{table}");
    assert_eq!(
        rows[1][..4],
        ["model", "pertsets", "state_sm", "yes"],
        "{table}"
    );
    let tags = rows.iter().find(|r| r[0] == "wandb.tags").unwrap();
    assert_eq!(
        tags[1..4],
        ["[]", "[first_run]", "yes"],
        "lists keep their original value"
    );
    let workers = rows
        .iter()
        .find(|r| r[0] == "data.kwargs.num_workers")
        .unwrap();
    assert_eq!(
        workers[1..6],
        ["12", "4", "yes", "command-line", "argument"],
        "{table}"
    );
    // Nothing ran.
    assert!(cwd.job_dirs().is_empty());

    argv.splice(0..2, ["--explain", "changed", "--explain-format", "json"]);
    let json = String::from_utf8(cwd.run(bin, &argv).stdout).unwrap();
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows[0]["parameter"], "model");
    assert_eq!(rows[0]["kind"], "group");
    let tags = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["parameter"] == "wandb.tags")
        .unwrap();
    assert_eq!(
        (tags["original"].as_str(), tags["final"].as_str()),
        (Some("[]"), Some("[first_run]"))
    );
}

#[test]
fn tutorial_explains_an_experiment_and_a_specialisation() {
    let bin = env!("CARGO_BIN_EXE_tutorial");
    let cwd = Cwd::new("tutorial-explain");
    let table = String::from_utf8(
        cwd.run(bin, &["--explain", "changed", "+experiment=aplite"])
            .stdout,
    )
    .unwrap();
    let rows: Vec<Vec<&str>> = table
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    let summary: Vec<String> = rows.iter().map(|r| r[..4].join(" ")).collect();
    // The experiment's group changes are rows; the keys it sets outside
    // its groups too (it is `_global_`); the db option's own keys are not.
    assert_eq!(
        summary,
        [
            "db mysql sqlite no",
            "experiment - aplite yes",
            "server.port 80 8080 no"
        ],
        "{table}"
    );
    assert!(
        rows[0][4].ends_with("experiment/aplite.yaml:3:19"),
        "{table}"
    );
    let table = String::from_utf8(
        cwd.run(bin, &["--explain", "changed", "dataset=cifar10"])
            .stdout,
    )
    .unwrap();
    assert!(
        table.contains("dataset_model     imagenet_alexnet  cifar10_alexnet  no"),
        "{table}"
    );
    assert!(
        table.contains("model.num_layers  7                 5                no"),
        "{table}"
    );
}

#[test]
fn state_checks_the_yaml_against_its_schema() {
    let bin = env!("CARGO_BIN_EXE_state");
    let cwd = Cwd::new("state-errors");
    let fails = |args: &[&str]| {
        let out = Command::new(bin)
            .args(args)
            .current_dir(&cwd.0)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let e = fails(&["data.kwargs.num_worker=3"]);
    assert!(e.contains("did you mean data.kwargs.num_workers?"), "{e}");
    let e = fails(&["training.lr=abc"]);
    assert!(
        e.contains("expected a float, got 'abc'\n    full_key: training.lr\n"),
        "{e}"
    );
    let e = fails(&["training.strategy=dp"]);
    assert!(
        e.contains(
            "must be one of [auto, ddp, fsdp], got 'dp'\n    full_key: training.strategy\n    at command-line argument 1"
        ),
        "{e}"
    );
    // model.kwargs is open: any key goes.
    let cwd = Cwd::new("state-open");
    cwd.run(bin, &["+model.kwargs.new_knob=1", "training.max_steps=1"]);
    assert_eq!(cwd.job_dirs(), ["debugging/debug"]);
}
