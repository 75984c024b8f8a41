//! Tests of the typed flow end to end: provenance in the typed result.

use crate::typed::Config;
use config_derive::Config;
use std::path::PathBuf;

#[derive(Config, Clone, Debug, PartialEq)]
#[config(crate = "crate")]
pub(super) struct Training {
    /// How gradients are synchronised.
    #[config(default = "auto", validate(one_of("auto", "ddp", "fsdp")))]
    pub strategy: String,
    /// Iterations.
    #[config(default = 1000, validate(range(min = 1)))]
    pub max_iter: u64,
}

#[derive(Config, Clone, Debug, PartialEq)]
#[config(crate = "crate", defaults = ["_self_", { training = "default" }])]
pub(super) struct Job {
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

/// One failing value: its message, key and origin, each shown once.
#[test]
fn a_validation_error_shows_its_origin_once() {
    let dir = conf_dir(
        "origin-once",
        &[(
            "training/default.yaml",
            "max_iter: 100
strategy: dp
",
        )],
    );
    let err = Job::make().with_dir(&dir).build(["train"]).unwrap_err();
    let text = err.render().replace(&dir.display().to_string(), "[DIR]");
    assert_eq!(text.matches("training.strategy").count(), 1, "{text}");
    assert_eq!(text.matches("default.yaml").count(), 1, "{text}");
    insta::assert_snapshot!("validation_error", text);
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
        err.message(),
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
    assert!(bare.explain("training").unwrap_err().hints()[0].contains("build(args)"));
}

mod typed_lazy {
    use super::conf_dir;
    use crate::typed::{Config, LazyDict, Registry, Store};
    use crate::{dict, lazy, ErrorKind};
    use config_derive::Config;

    /// The arguments of the `Adam` constructor.
    #[derive(Config, Clone, Debug, PartialEq)]
    #[config(crate = "crate")]
    pub(super) struct AdamArgs {
        /// Learning rate.
        #[config(default = 1e-3, validate(range(min = 0.0)))]
        pub lr: f64,
        /// Coefficients of the running averages.
        #[config(default = [0.9, 0.999])]
        pub betas: Vec<f64>,
    }

    #[derive(Config, Clone, Debug, PartialEq)]
    #[config(crate = "crate", defaults = ["_self_", { optimizer = "adam" }], register = groups)]
    pub(super) struct Train {
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
    pub(super) struct SgdArgs {
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
            (
                err.message(),
                err.key(),
                err.origin().map(|o| o.to_string())
            ),
            (
                "expected a float, got 'abc'",
                Some("optimizer.lr"),
                Some("command-line argument 1 (`optimizer.lr=abc`)".to_string())
            )
        );
        assert_eq!(err.key(), Some("optimizer.lr"));
        assert_eq!(
            err.hints(),
            ["'lr' is an argument of the typed targets Adam, SGD"]
        );
        // Without the registry, the arguments are untyped, as before.
        let err = Train::make()
            .build(["train", "optimizer.lr=abc", "+no_such_group=x"])
            .unwrap_err();
        assert_ne!(err.kind(), ErrorKind::Type);
        // With an untyped constructor registered, the check waits for the
        // composed target, and still comes before the typed value exists.
        let err = Train::make()
            .with_registry(&mixed())
            .build(["train", "optimizer.lr=abc"])
            .unwrap_err();
        assert_eq!(
            (
                err.message(),
                err.key(),
                err.origin().map(|o| o.to_string())
            ),
            (
                "expected a float, got 'abc'",
                Some("optimizer.lr"),
                Some("command-line argument 1 (`optimizer.lr=abc`)".to_string())
            )
        );
        // A target named on the command line is the one checked, before
        // composing: the untyped SGD takes anything ...
        let cfg = Train::make()
            .with_registry(&mixed())
            .build(["train", "optimizer._target_=SGD", "optimizer.lr=abc"])
            .unwrap();
        assert_eq!(cfg.optimizer.as_ref().unwrap().target(), "SGD");
        // ... and the typed Adam does not, even with an untyped one registered.
        let err = Train::make()
            .with_registry(&mixed())
            .build([
                "train",
                "optimizer._target_=Adam",
                "optimizer.lr=abc",
                "+no_such_group=x",
            ])
            .unwrap_err();
        assert_eq!(
            (
                err.message(),
                err.key(),
                err.origin().map(|o| o.to_string())
            ),
            (
                "expected a float, got 'abc'",
                Some("optimizer.lr"),
                Some("command-line argument 2 (`optimizer.lr=abc`)".to_string())
            )
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
        assert_eq!(err.message(), "expected a float, got 'quick'");
        assert_eq!(
            err.origin(),
            Some(&crate::Origin::file(file.display().to_string(), 4, 7))
        );
        // An unknown argument of a typed target gets a did-you-mean.
        let err = Train::make()
            .with_registry(&reg)
            .build(["train", "+optimizer.lrr=1"])
            .unwrap_err();
        assert_eq!(err.hints(), ["did you mean optimizer.lr?"]);
        // Validators of the argument struct run too.
        let err = Train::make()
            .with_registry(&reg)
            .build(["train", "optimizer.lr=-1"])
            .unwrap_err();
        assert_eq!(err.message(), "must be at least 0, got -1", "{err}");
        assert_eq!(err.key(), Some("optimizer.lr"));
        assert!(
            matches!(err.origin(), Some(crate::Origin::Override { index: 1, .. })),
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
        assert_eq!(err.key(), Some("optimizer.lr"));
        let cfg = Train::make()
            .with_registry(&reg)
            .build(["train", "optimizer=sgd", "optimizer.lr=0.2"])
            .unwrap();
        let sgd = reg
            .instantiate_as::<Sgd>(cfg.optimizer.as_ref().unwrap())
            .unwrap();
        assert_eq!(sgd.lr, 0.2);
    }

    // The schema's JSON text needs `typed::to_json` (the `serde` feature).
    #[cfg(feature = "serde")]
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

mod yaml_primary {
    use super::conf_dir;
    use crate::typed::{Config, LazyDict};
    use config_derive::Config;

    #[derive(Config, Clone, Debug, PartialEq)]
    #[config(crate = "crate")]
    pub(super) struct Trainer {
        #[config(default = 1000, validate(range(min = 1)))]
        pub max_iter: u64,
        #[config(default = ["log"], merge = "append")]
        pub callbacks: Vec<String>,
    }

    #[derive(Config, Clone, Debug, PartialEq)]
    #[config(crate = "crate")]
    pub(super) struct App {
        pub trainer: Trainer,
        pub optimizer: Option<LazyDict>,
        #[config(default = "run")]
        pub name: String,
        #[config(mandatory)]
        pub data: String,
    }

    /// `conf/config.yaml` with groups, `_self_` last, as Hydra users write it.
    fn layout(name: &str) -> std::path::PathBuf {
        conf_dir(
            name,
            &[
                (
                    "config.yaml",
                    "defaults:\n  - optimizer: adam\n  - trainer: short\n  - _self_\n\nname: from-file\ndata: /data/${name}\n",
                ),
                (
                    "optimizer/adam.yaml",
                    "# @package optimizer\n_target_: Adam\nlr: 0.001\n",
                ),
                ("optimizer/sgd.yaml", "_target_: SGD\nlr: 0.1\n"),
                (
                    "trainer/short.yaml",
                    "max_iter: 10\ncallbacks: [ema]\n",
                ),
            ],
        )
    }

    #[test]
    fn the_file_is_the_primary_and_the_struct_its_schema() {
        let dir = layout("primary");
        let cfg = App::make()
            .with_primary(&dir, "config")
            .build(["app", "optimizer=sgd", "trainer.max_iter=20"])
            .unwrap();
        assert_eq!(cfg.name, "from-file");
        assert_eq!(cfg.data, "/data/from-file");
        assert_eq!(cfg.trainer.max_iter, 20);
        // The struct's defaults come first: the group's list is appended.
        assert_eq!(cfg.trainer.callbacks, ["log", "ema"]);
        assert_eq!(cfg.optimizer.as_ref().unwrap().target(), "SGD");
        let text = cfg.explain("trainer.max_iter").unwrap();
        assert!(text.contains("overriding 10 from "), "{text}");
        assert!(
            text.ends_with("overriding 1000 from default in Trainer\n"),
            "{text}"
        );
        // Checked against the struct before composing...
        let err = App::make()
            .with_primary(&dir, "config")
            .build(["app", "trainer.max_itr=5"])
            .unwrap_err();
        assert_eq!(err.hints(), ["did you mean trainer.max_iter?"]);
        // ... and the struct's validators run.
        let err = App::make()
            .with_primary(&dir, "config")
            .build(["app", "trainer.max_iter=0"])
            .unwrap_err();
        assert_eq!(err.message(), "must be at least 1, got 0", "{err}");
        assert_eq!(err.key(), Some("trainer.max_iter"));
        assert!(
            matches!(err.origin(), Some(crate::Origin::Override { index: 1, .. })),
            "{err}"
        );
        // No layout warning: the file is used.
        assert!(App::make()
            .with_primary(&dir, "config")
            .warnings()
            .is_empty());
    }

    #[test]
    fn a_bad_file_value_is_a_typed_error_with_its_position() {
        let dir = conf_dir(
            "primary-bad",
            &[(
                "config.yaml",
                "name: x\ndata: y\ntrainer:\n  max_iter: many\n",
            )],
        );
        let err = App::make()
            .with_primary(&dir, "config")
            .build(["app"])
            .unwrap_err();
        let file = dir.join("config.yaml");
        assert_eq!(err.message(), "expected an unsigned integer, got 'many'");
        assert_eq!(
            err.origin(),
            Some(&crate::Origin::file(file.display().to_string(), 4, 13)),
            "{err}"
        );
        let err = App::make()
            .with_primary(&dir, "main")
            .build(["app"])
            .unwrap_err();
        assert!(err.message().ends_with("main.yaml does not exist"), "{err}");
    }

    #[test]
    fn an_ignored_config_yaml_is_a_warning_with_the_fix() {
        let dir = layout("primary-ignored");
        let warnings = App::make().with_dir(&dir).warnings();
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].ends_with(&format!(
                "config.yaml is not loaded: the primary config is App (its defaults in code); to make the file the primary, with App as its schema and defaults, use App::make().with_primary(\"{}\", \"config\")",
                dir.display()
            )),
            "{}",
            warnings[0]
        );
    }

    #[derive(Config, Clone, Debug, PartialEq)]
    #[config(crate = "crate", defaults = [{ trainer = "short" }, "_self_"])]
    pub(super) struct SelfLast {
        pub trainer: Trainer,
    }

    #[test]
    fn struct_defaults_after_groups_are_a_warning_with_the_fix() {
        let dir = conf_dir("self-last", &[("trainer/short.yaml", "max_iter: 10\n")]);
        let maker = SelfLast::make().with_dir(&dir);
        assert_eq!(
            maker.warnings(),
            ["SelfLast's defaults list puts \"_self_\" after the group trainer: SelfLast's own defaults \
              (a value for every field) are merged last and override everything it set; put \"_self_\" \
              first in #[config(defaults = [\"_self_\", ...])], or keep a YAML primary's order with \
              SelfLast::make().with_primary(dir, name)"]
        );
        // Which is what happens: the group's max_iter is shadowed.
        let cfg = maker.build(["app"]).unwrap();
        assert_eq!(cfg.trainer.max_iter, 1000);
    }
}

#[cfg(feature = "cli")]
#[test]
fn a_typed_app_runs_a_yaml_primary_and_explains_it() {
    use std::sync::Mutex;
    let dir = conf_dir(
        "app-primary",
        &[
            (
                "conf/config.yaml",
                "defaults:\n  - training: default\n  - _self_\n",
            ),
            ("conf/training/default.yaml", "max_iter: 100\n"),
        ],
    );
    let warnings = Job::make()
        .with_primary(dir.join("conf"), "config")
        .warnings();
    assert!(
        warnings[0]
            .starts_with("Job's #[config(defaults = [...])] is not used: the primary config is "),
        "{warnings:?}"
    );
    let seen = Mutex::new(None);
    let code = Job::app()
        .with_primary(dir.join("conf"), "config")
        .run_from(
            [
                "train".to_string(),
                format!("hydra.run.dir={}", dir.join("run").display()),
                "training.strategy=fsdp".to_string(),
            ],
            |job| {
                let cfg = job.cfg();
                let how = cfg.explain("training.max_iter")?;
                *seen.lock().unwrap() = Some((cfg.training.clone(), how));
                Ok(())
            },
        );
    assert_eq!(code, std::process::ExitCode::SUCCESS);
    let (training, how) = seen.into_inner().unwrap().unwrap();
    assert_eq!(
        (training.max_iter, training.strategy.as_str()),
        (100, "fsdp")
    );
    assert!(
        how.starts_with("training.max_iter = 100\n  set by "),
        "{how}"
    );
    assert!(how.contains("training/default.yaml:1:11"), "{how}");
}

#[cfg(feature = "serde")]
mod serde_fields {
    use crate::typed::Config;
    use config_derive::Config;
    use serde::{Deserialize, Serialize};
    use std::time::Duration;

    /// A serde adapter: durations written `30s`, `500ms`, `2m`, `1h`.
    mod human {
        use serde::{de, Deserialize, Deserializer, Serializer};
        use std::time::Duration;

        pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
            match d.subsec_millis() {
                0 => s.serialize_str(&format!("{}s", d.as_secs())),
                _ => s.serialize_str(&format!("{}ms", d.as_millis())),
            }
        }

        pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
            let text = String::deserialize(d)?;
            let split = text
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(text.len());
            let (n, unit) = text.split_at(split);
            let n: u64 = n.parse().map_err(|_| bad(&text))?;
            match unit {
                "ms" => Ok(Duration::from_millis(n)),
                "s" => Ok(Duration::from_secs(n)),
                "m" => Ok(Duration::from_secs(n * 60)),
                "h" => Ok(Duration::from_secs(n * 3600)),
                _ => Err(bad(&text)),
            }
        }

        fn bad<E: de::Error>(text: &str) -> E {
            E::custom(format!(
                "invalid duration '{text}': write a whole number and a unit (ms, s, m, h), e.g. 30s"
            ))
        }
    }

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    pub(super) struct Timeout(#[serde(with = "human")] pub Duration);

    /// A third-party struct.
    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    pub(super) struct Endpoint {
        pub host: String,
        pub port: u16,
    }

    #[derive(Config, Clone, Debug, PartialEq)]
    #[config(crate = "crate")]
    pub(super) struct Service {
        /// How long a request may take.
        #[config(serde, default = Timeout(Duration::from_secs(30)))]
        pub timeout: Timeout,
        #[config(serde, default = Endpoint { host: "localhost".into(), port: 8080 })]
        pub endpoint: Endpoint,
        #[config(serde)]
        pub retry_after: Option<Timeout>,
        #[config(default = 3)]
        pub retries: u32,
    }

    #[test]
    fn a_serde_field_takes_command_line_overrides() {
        let cfg = Service::make()
            .build([
                "svc",
                "timeout=500ms",
                "endpoint.port=9000",
                "retry_after=2m",
            ])
            .unwrap();
        assert_eq!(cfg.timeout, Timeout(Duration::from_millis(500)));
        assert_eq!(cfg.endpoint.port, 9000);
        assert_eq!(cfg.retry_after, Some(Timeout(Duration::from_secs(120))));
        assert_eq!(
            cfg.to_dict().to_yaml(),
            "timeout: 500ms\nendpoint:\n  host: localhost\n  port: 9000\nretry_after: 120s\nretries: 3\n"
        );
    }

    #[test]
    fn a_bad_serde_value_is_refused_before_composing_with_the_fix() {
        let err = Service::make()
            .build(["svc", "timeout=soon", "+no_such_group=x"])
            .unwrap_err();
        insta::assert_snapshot!("serde_field_bad_override", err.to_string());
        let err = Service::make()
            .build(["svc", "endpoint.port=http"])
            .unwrap_err();
        assert_eq!(err.message(), "invalid type: string \"http\", expected u16");
        assert_eq!(err.key(), Some("endpoint.port"));
    }

    #[test]
    fn help_and_schema_say_serde_value() {
        let help = Service::help();
        assert!(
            help.starts_with(
                "timeout: Timeout (serde value) = \"30s\"  # How long a request may take.\n"
            ),
            "{help}"
        );
        let schema = Service::json_schema();
        assert_eq!(
            schema
                .select("properties.timeout.description")
                .unwrap()
                .unwrap()
                .as_str(),
            Some("How long a request may take.")
        );
        assert_eq!(
            crate::serde::to_json(schema.select("properties.endpoint").unwrap().unwrap()),
            r#"{"description":"serde value (Endpoint)"}"#
        );
    }

    proptest::proptest! {
        #[test]
        fn derived_configs_round_trip_through_serde_values(ms in 0u64..10_000_000, port: u16, retries: u32) {
            let v = Service {
                timeout: Timeout(Duration::from_millis(ms)),
                endpoint: Endpoint { host: "h".into(), port },
                retry_after: None,
                retries,
            };
            let back = Service::from_dict(&v.to_dict()).unwrap();
            proptest::prop_assert_eq!(back, v);
        }
    }
}

mod typed_lookup {
    use crate::typed::{Config, LazyDict, Lookup};
    use config_derive::Config;
    use std::collections::BTreeMap;

    #[derive(Config, Clone, Debug, PartialEq)]
    #[config(crate = "crate")]
    pub(crate) struct Inner {
        pub n: u64,
        pub xs: Vec<u32>,
    }

    #[derive(Config, Clone, Debug, PartialEq)]
    #[config(crate = "crate")]
    pub(crate) struct Outer {
        pub inner: Inner,
        pub maybe: Option<Inner>,
        pub list: Vec<Inner>,
        pub map: BTreeMap<String, Inner>,
        pub opt: Option<LazyDict>,
        pub s: String,
    }

    /// The merge hook's allocation-free walk agrees with `lookup`.
    #[test]
    fn typed_agrees_with_lookup() {
        let paths = [
            "s",
            "inner",
            "inner.n",
            "inner.xs",
            "inner.xs.0",
            "inner.xs.x",
            "inner.nope",
            "maybe.n",
            "maybe.xs.3",
            "list",
            "list.0",
            "list.0.n",
            "list.a.n",
            "list[0].n",
            "map",
            "map.k",
            "map.k.n",
            "map.k.xs.1",
            "map..n",
            "opt",
            "opt.lr",
            "s.x",
            "nope",
            ".s",
            "s.",
            "inner..n",
            "map['a.b'].n",
            "",
        ];
        for p in paths {
            let want = match Outer::SCHEMA.lookup(p) {
                Ok(Lookup::Typed(ty, f)) => Some((format!("{ty:?}"), f.map(|f| f.name))),
                _ => None,
            };
            let got = Outer::SCHEMA
                .typed(p)
                .map(|(ty, f)| (format!("{ty:?}"), f.map(|f| f.name)));
            assert_eq!(got, want, "{p}");
        }
    }
}
