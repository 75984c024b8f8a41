//! Tests of the typed flow end to end: provenance in the typed result.

use crate::typed::Config;
use config_derive::Config;
use std::path::PathBuf;

#[derive(Config, Clone, Debug, PartialEq)]
#[config(crate = "crate")]
pub struct Training {
    /// How gradients are synchronised.
    #[config(default = "auto", validate(one_of("auto", "ddp", "fsdp")))]
    pub strategy: String,
    /// Iterations.
    #[config(default = 1000, validate(range(min = 1)))]
    pub max_iter: u64,
}

#[derive(Config, Clone, Debug, PartialEq)]
#[config(crate = "crate", defaults = ["_self_", { training = "default" }])]
pub struct Job {
    pub training: Training,
}

/// A fresh directory with `files` (path, text) written in it.
pub(crate) fn conf_dir(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("typed-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

#[test]
fn validation_errors_carry_file_and_argument_origins() {
    let dir = conf_dir(
        "origins",
        &[(
            "training/default.yaml",
            "# the default training\nmax_iter: 100\nstrategy: dp\n",
        )],
    );
    let err = Job::make()
        .with_dir(&dir)
        .build(["train", "training.max_iter=0"])
        .unwrap_err();
    let file = dir.join("training/default.yaml");
    assert_eq!(
        err.message,
        format!(
            "2 validation errors:\n\
             training.strategy: must be one of [auto, ddp, fsdp], got 'dp' ({}:3:11)\n\
             training.max_iter: must be at least 1, got 0 (set by command-line argument 1)",
            file.display()
        )
    );
}

#[test]
fn frozen_config_explains_its_values() {
    let dir = conf_dir(
        "explain",
        &[("training/default.yaml", "max_iter: 100\nstrategy: ddp\n")],
    );
    let cfg = Job::make()
        .with_dir(&dir)
        .build(["train", "training.max_iter=20"])
        .unwrap();
    assert_eq!(cfg.training.max_iter, 20);
    let text = cfg.explain("training.max_iter").unwrap();
    let file = dir.join("training/default.yaml");
    assert_eq!(
        text,
        format!(
            "training.max_iter = 20\n  set by command-line argument 1 (`training.max_iter=20`)\n  \
             overriding 100 from {}:1:11\n  overriding 1000 from default in Training\n",
            file.display()
        )
    );
    // Shared, not copied: clones hold the same tree.
    let other = cfg.clone();
    assert!(std::ptr::eq(cfg.tree().unwrap(), other.tree().unwrap()));
    // Unknown keys get the composer's hint.
    assert!(cfg.explain("training.max_itr").is_err());
    // A value frozen by hand has no tree, and says how to get one.
    let bare = Job::default().freeze();
    assert!(bare.explain("training").unwrap_err().hints[0].contains("build(args)"));
}
