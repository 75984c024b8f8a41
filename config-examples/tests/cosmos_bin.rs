//! The `cosmos` binary end to end, as a Cosmos user runs it: `--dryrun`,
//! `--smoke`, experiments that inherit experiments, typed lazy arguments
//! refused before composing, sweeps, and the lazily registered
//! experiments.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NEMO_2B: &str = "predict2_video2world_training_2b_cosmos_nemo_assets";

/// A fresh directory that is both the working dir and the output root.
struct Run(PathBuf);

impl Run {
    fn new() -> Run {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "cosmos-bin-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Run(dir)
    }

    fn cosmos(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cosmos"));
        cmd.args(args)
            .current_dir(&self.0)
            .env("IMAGINAIRE_OUTPUT_ROOT", self.0.join("out"));
        cmd.env_remove("COSMOS_EXPERIMENTS")
            .env_remove("COSMOS_GENERATED_EXPERIMENTS");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("run cosmos")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.cosmos(args, &[]);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn job_dir(&self, group: &str, name: &str) -> PathBuf {
        self.0
            .join("out/cosmos_predict_v2p5")
            .join(group)
            .join(name)
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn dryrun_writes_the_final_config_to_the_job_dir_and_stops() {
    let run = Run::new();
    let out = run.ok(&[
        "--config=cosmos_predict2/_src/predict2/configs/video2world/config.py",
        "--dryrun",
        "--",
        &format!("experiment={NEMO_2B}"),
        "trainer.max_iter=10",
    ]);
    assert!(out.contains("# dry run"), "{out}");
    assert!(!out.contains("# training"), "{out}");
    let dir = run.job_dir("video2world", "2b_cosmos_nemo_assets");
    let cfg = read(&dir.join("config.yaml"));
    // The experiment, its parent and the command line, in that order.
    assert!(cfg.contains("  max_iter: 10\n"), "{cfg}");
    assert!(
        cfg.contains("  lr: 4.31e-05\n") || cfg.contains("  lr: 0.0000431\n"),
        "{cfg}"
    );
    assert!(cfg.contains("  name: 2b_cosmos_nemo_assets\n"), "{cfg}");
    assert!(
        cfg.contains("    _target_: MiniTrainDIT\n      max_img_h: 240")
            || cfg.contains("_target_: MiniTrainDIT"),
        "{cfg}"
    );
    // Groups at their packages: callbacks under trainer.callbacks, the
    // checkpointer under checkpoint.type, the net under model.config.net.
    assert!(cfg.contains("  callbacks:\n    iter_speed:\n"), "{cfg}");
    assert!(
        cfg.contains("  type:\n    _target_: DummyCheckpointer\n"),
        "{cfg}"
    );
    assert!(cfg.contains("path_local: "), "{cfg}");
    assert!(dir.join(".hydra/config.yaml").is_file());
}

#[test]
fn smoke_appends_one_iteration_and_no_uploads() {
    let run = Run::new();
    let out = run.ok(&["--smoke", "--", &format!("experiment={NEMO_2B}")]);
    assert!(
        out.contains("for 1 iterations") && out.contains("# done: 1 iterations"),
        "{out}"
    );
    let cfg = read(
        &run.job_dir("video2world", "2b_cosmos_nemo_assets")
            .join("config.yaml"),
    );
    assert!(
        cfg.contains("wandb_mode: disabled") && cfg.contains("run_validation: false"),
        "{cfg}"
    );
}

#[test]
fn experiments_inherit_experiments() {
    let run = Run::new();
    let out = run.ok(&[
        "--",
        "experiment=predict2_video2world_training_14b_cosmos_nemo_assets",
        "trainer.max_iter=3",
    ]);
    assert!(
        out.contains("video2world/14b_cosmos_nemo_assets for 3 iterations"),
        "{out}"
    );
    assert!(out.contains("MiniTrainDIT (36x5120), Fsdp"), "{out}");
    let cfg = read(
        &run.job_dir("video2world", "14b_cosmos_nemo_assets")
            .join("config.yaml"),
    );
    assert!(cfg.contains("context_parallel_size: 2"), "{cfg}");
    // From the 2B parent: the mock data and its checkpoint settings.
    assert!(
        cfg.contains("save_iter: 200") && cfg.contains("_target_: MockVideoDataLoader"),
        "{cfg}"
    );
}

#[test]
fn typed_lazy_arguments_fail_before_composing() {
    for (arg, want, before_composing) in [
        (
            "optimizer.lr=abc",
            "expected a float, got 'abc'\n    full_key: optimizer.lr\n    at command-line argument 2",
            true,
        ),
        (
            "trainer.max_iter=abc",
            "got 'abc'\n    full_key: trainer.max_iter\n",
            true,
        ),
        // A lazy object inside a typed argument is checked once resolved.
        (
            "model.config.net.num_blocks=abc",
            "got 'abc'\n    full_key: model.config.net.num_blocks\n",
            false,
        ),
    ] {
        let run = Run::new();
        let out = run.cosmos(&["--", &format!("experiment={NEMO_2B}"), arg], &[]);
        assert_eq!(out.status.code(), Some(1), "{arg}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{arg}: {err}");
        if before_composing {
            assert!(!run.0.join("out").exists(), "{arg}: no job ran");
        }
    }
    let run = Run::new();
    let out = run.cosmos(&["--config=cosmos/config.py"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the configs this program builds"));
}

#[test]
fn sweeps_run_one_job_per_experiment() {
    let run = Run::new();
    let out = run.ok(&["-m", "experiment=gen_00001,gen_00002", "trainer.max_iter=2"]);
    assert_eq!(out.matches("# done: 2 iterations").count(), 2, "{out}");
    for name in ["gen_00001", "gen_00002"] {
        assert!(
            out.contains(&format!("video2world/{name} for 2 iterations")),
            "{out}"
        );
    }
}

#[test]
fn only_the_experiments_you_use_are_registered_when_asked() {
    let run = Run::new();
    let help = |env: &[(&str, &str)]| {
        let out = run.cosmos(&["--help"], env);
        let text = String::from_utf8(out.stdout).unwrap();
        text.lines()
            .find(|l| l.starts_with("experiment: "))
            .unwrap()
            .to_string()
    };
    let all = help(&[]);
    assert!(
        all.ends_with("... and 9963 more (experiment=glob(...) selects by pattern)"),
        "{all}"
    );
    let only = help(&[("COSMOS_EXPERIMENTS", "gen_00042")]);
    assert_eq!(only, "experiment: gen_00042, predict2_video2world_training_2b_cosmos_nemo_assets, video2world_2b_base");
    let out = run.cosmos(
        &["trainer.max_iter=1", "experiment=gen_00042"],
        &[("COSMOS_EXPERIMENTS", "gen_00042")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
