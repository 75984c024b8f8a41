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

mod typed_lazy {
    use super::conf_dir;
    use crate::typed::{Config, LazyDict, Registry, Store};
    use crate::{dict, lazy, ErrorKind};
    use config_derive::Config;

    /// The arguments of the `Adam` constructor.
    #[derive(Config, Clone, Debug, PartialEq)]
    #[config(crate = "crate")]
    pub struct AdamArgs {
        /// Learning rate.
        #[config(default = 1e-3, validate(range(min = 0.0)))]
        pub lr: f64,
        /// Coefficients of the running averages.
        #[config(default = [0.9, 0.999])]
        pub betas: Vec<f64>,
    }

    #[derive(Config, Clone, Debug, PartialEq)]
    #[config(crate = "crate", defaults = ["_self_", { optimizer = "adam" }], register = groups)]
    pub struct Train {
        pub optimizer: Option<LazyDict>,
    }

    fn groups(store: &mut Store) {
        store
            .add(
                "optimizer",
                "adam",
                dict!({ optimizer: lazy!("Adam", lr = 1e-3).to_node() }),
            )
            .package("_global_");
        store
            .add(
                "optimizer",
                "sgd",
                dict!({ optimizer: lazy!("SGD", lr = 0.1).to_node() }),
            )
            .package("_global_");
    }

    #[derive(Debug)]
    struct Adam {
        lr: f64,
        betas: Vec<f64>,
    }
    struct Sgd {
        lr: f64,
    }

    /// The arguments of the `SGD` constructor.
    #[derive(Config, Clone, Debug, PartialEq)]
    #[config(crate = "crate")]
    pub struct SgdArgs {
        #[config(mandatory)]
        pub lr: f64,
    }

    fn with_adam() -> Registry {
        let mut r = Registry::new();
        r.register_typed("Adam", |a: AdamArgs, _| {
            Ok(Adam {
                lr: a.lr,
                betas: a.betas,
            })
        });
        r
    }

    /// Every constructor typed.
    fn registry() -> Registry {
        let mut r = with_adam();
        r.register_typed("SGD", |a: SgdArgs, _| Ok(Sgd { lr: a.lr }));
        r
    }

    /// `SGD` untyped.
    fn mixed() -> Registry {
        let mut r = with_adam();
        r.register("SGD", |a| Ok(Sgd { lr: a.get("lr")? }));
        r
    }

    #[test]
    fn a_bad_argument_of_a_typed_target_fails_before_composing() {
        let reg = registry();
        // The second override would fail composition: the first one's
        // error comes from the check before composing.
        let err = Train::make()
            .with_registry(&reg)
            .build(["train", "optimizer.lr=abc", "+no_such_group=x"])
            .unwrap_err();
        assert_eq!(
            err.message,
            "optimizer.lr expects a float, got 'abc' (command-line argument 1)"
        );
        assert_eq!(err.key.as_deref(), Some("optimizer.lr"));
        assert_eq!(
            err.hints,
            ["'lr' is an argument of the typed targets Adam, SGD"]
        );
        // Without the registry, the arguments are untyped, as before.
        let err = Train::make()
            .build(["train", "optimizer.lr=abc", "+no_such_group=x"])
            .unwrap_err();
        assert_ne!(err.kind, ErrorKind::Type);
        // With an untyped constructor registered, the check waits for the
        // composed target, and still comes before the typed value exists.
        let err = Train::make()
            .with_registry(&mixed())
            .build(["train", "optimizer.lr=abc"])
            .unwrap_err();
        assert_eq!(
            err.message,
            "optimizer.lr expects a float, got 'abc' (command-line argument 1)"
        );
    }

    #[test]
    fn typed_arguments_are_checked_after_composing_with_file_origins() {
        let dir = conf_dir(
            "lazy-after",
            &[(
                "optimizer/fast.yaml",
                "# @package _global_\noptimizer:\n  _target_: Adam\n  lr: quick\n",
            )],
        );
        let reg = registry();
        let err = Train::make()
            .with_registry(&reg)
            .with_dir(&dir)
            .build(["train", "optimizer=fast"])
            .unwrap_err();
        let file = dir.join("optimizer/fast.yaml");
        assert_eq!(
            err.message,
            format!(
                "optimizer.lr expects a float, got 'quick' ({}:4:7)",
                file.display()
            )
        );
        // An unknown argument of a typed target gets a did-you-mean.
        let err = Train::make()
            .with_registry(&reg)
            .build(["train", "+optimizer.lrr=1"])
            .unwrap_err();
        assert_eq!(err.hints, ["did you mean optimizer.lr?"]);
        // Validators of the argument struct run too.
        let err = Train::make()
            .with_registry(&reg)
            .build(["train", "optimizer.lr=-1"])
            .unwrap_err();
        assert!(
            err.message.ends_with(
                "optimizer.lr: must be at least 0, got -1 (set by command-line argument 1)"
            ),
            "{err}"
        );
    }

    #[test]
    fn typed_and_untyped_targets_instantiate_with_full_keys() {
        let reg = mixed();
        let cfg = Train::make()
            .with_registry(&reg)
            .build(["train", "optimizer.lr=0.5"])
            .unwrap();
        let adam = reg
            .instantiate_as::<Adam>(cfg.optimizer.as_ref().unwrap())
            .unwrap();
        assert_eq!((adam.lr, adam.betas.as_slice()), (0.5, &[0.9, 0.999][..]));
        // Untyped targets keep working, unchecked until instantiate, whose
        // errors name the full key.
        let cfg = Train::make()
            .with_registry(&reg)
            .build(["train", "optimizer=sgd", "optimizer.lr=abc"])
            .unwrap();
        let err = reg
            .instantiate_as::<Sgd>(cfg.optimizer.as_ref().unwrap())
            .err()
            .unwrap();
        assert_eq!(err.key.as_deref(), Some("optimizer.lr"));
        let cfg = Train::make()
            .with_registry(&reg)
            .build(["train", "optimizer=sgd", "optimizer.lr=0.2"])
            .unwrap();
        let sgd = reg
            .instantiate_as::<Sgd>(cfg.optimizer.as_ref().unwrap())
            .unwrap();
        assert_eq!(sgd.lr, 0.2);
    }

    #[test]
    fn help_and_json_schema_cover_typed_targets() {
        let reg = registry();
        let maker = Train::make().with_registry(&reg);
        let help = maker.help();
        assert!(
            help.contains("  _target_: Adam (AdamArgs)\n    lr: f64 = 0.001  # Learning rate.\n"),
            "{help}"
        );
        let schema = maker.json_schema();
        let any = schema
            .select("properties.optimizer.anyOf[0].anyOf")
            .unwrap()
            .unwrap();
        let adam = &any.as_list().unwrap()[0];
        assert_eq!(
            crate::typed::to_json(adam.get("properties").unwrap().get("_target_").unwrap()),
            r#"{"const":"Adam"}"#
        );
        let other = &any.as_list().unwrap()[2];
        assert_eq!(
            crate::typed::to_json(other),
            r#"{"type":"object","required":["_target_"],"properties":{"_target_":{"not":{"enum":["Adam","SGD"]}}}}"#
        );
        let _ = Train::json_schema();
    }
}
