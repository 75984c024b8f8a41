//! Unit tests of composition over in-memory stores and temp directories.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

fn y(s: &str) -> Node {
    Node::from_yaml_str(s).unwrap()
}

/// A Cosmos-like store: primary with `_self_` first and an experiment slot.
fn store() -> ConfigStore {
    let mut s = ConfigStore::new();
    s.add(
        "",
        "config",
        y(
            "defaults:\n  - _self_\n  - optimizer: adam\n  - db@src: mysql\n  - experiment: null\n\
           trainer:\n  max_iter: 400000\n  seed: 0\n",
        ),
    );
    s.add("optimizer", "adam", y("lr: 0.001\nbetas: [0.9, 0.99]"));
    s.add("optimizer", "sgd", y("lr: 0.1"));
    s.add("db", "mysql", y("port: 3306"));
    s.add("db", "sqlite", y("file: x.db"));
    s.add(
        "experiment",
        "base",
        y("defaults:\n  - override /optimizer: sgd\n  - _self_\ntrainer:\n  max_iter: 1000\n"),
    )
    .package("_global_");
    s.add(
        "experiment",
        "exp_7",
        y("defaults:\n  - /experiment/base\n  - _self_\ntrainer:\n  seed: 7\n"),
    )
    .package("_global_");
    s
}

fn composer() -> Composer {
    Composer::builder().store(store()).build().unwrap()
}

#[test]
fn experiment_slot_and_value_overrides() {
    let cfg = composer()
        .compose("config", &["experiment=exp_7", "trainer.max_iter=10"])
        .unwrap();
    assert_eq!(
        cfg.to_yaml(),
        "trainer:\n  max_iter: 10\n  seed: 7\noptimizer:\n  lr: 0.1\nsrc:\n  port: 3306\n"
    );
}

#[test]
fn plus_against_a_slot_says_what_works() {
    let err = composer()
        .compose("config", &["+experiment=exp_7"])
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("Multiple values for experiment"), "{text}");
    assert!(text.contains("`experiment=exp_7`"), "{text}");
}

#[test]
fn group_at_package_needs_its_key() {
    let err = composer().compose("config", &["db=sqlite"]).unwrap_err();
    assert!(
        err.message().contains("Did you mean to override db@src?"),
        "{err}"
    );
    assert!(err.to_string().contains("`db@src=sqlite`"), "{err}");
    let cfg = composer().compose("config", &["db@src=sqlite"]).unwrap();
    assert_eq!(cfg.get("src").unwrap().to_yaml(), "file: x.db\n");
}

#[test]
fn value_override_rules() {
    let c = composer();
    let err = c.compose("config", &["trainer.max_itr=1"]).unwrap_err();
    assert!(
        err.message()
            .starts_with("Could not override 'trainer.max_itr'."),
        "{err}"
    );
    assert!(
        err.to_string().contains("did you mean 'trainer.max_iter'?"),
        "{err}"
    );
    let err = c.compose("config", &["+trainer.seed=1"]).unwrap_err();
    assert!(err.message().contains("'++trainer.seed=1'"), "{err}");
    let cfg = c
        .compose(
            "config",
            &["++trainer.seed=1", "+trainer.new=2", "~optimizer.betas"],
        )
        .unwrap();
    assert_eq!(cfg.to_yaml(), "trainer:\n  max_iter: 400000\n  seed: 1\n  new: 2\noptimizer:\n  lr: 0.001\nsrc:\n  port: 3306\n");
    let err = c.compose("config", &["~trainer.seed=3"]).unwrap_err();
    assert!(
        err.message()
            .contains("The value of 'trainer.seed' is 0 and not 3."),
        "{err}"
    );
    let err = c.compose("config", &["trainer.seed=1,2"]).unwrap_err();
    assert!(
        err.message()
            .contains("3. To sweep over it, add --multirun"),
        "{err}"
    );
}

#[test]
fn missing_option_lists_options() {
    let err = composer()
        .compose("config", &["optimizer=sdg"])
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("Could not find 'optimizer/sdg'"), "{text}");
    assert!(text.contains("\tadam\n\tsgd"), "{text}");
    assert!(text.contains("did you mean optimizer=sgd?"), "{text}");
    assert!(
        text.contains("command-line argument 1 (`optimizer=sdg`)"),
        "{text}"
    );
}

#[test]
fn provenance_and_explain() {
    let cfg = composer()
        .compose("config", &["experiment=exp_7", "trainer.max_iter=10"])
        .unwrap();
    let text = explain(&cfg, "trainer.max_iter").unwrap();
    assert_eq!(
        text,
        "trainer.max_iter = 10\n  set by command-line argument 2 (`trainer.max_iter=10`)\n  \
         overriding 1000 from store entry 'experiment/base'\n  overriding 400000 from store entry 'config'\n"
    );
}

#[test]
fn info_snapshots() {
    let c = composer()
        .compose_full("config", &["experiment=exp_7"])
        .unwrap();
    insta::assert_snapshot!("defaults_tree", c.defaults.tree.render());
    insta::assert_snapshot!("defaults_list", c.defaults.render());
}

#[test]
fn lazy_store_builds_only_the_selected_entry() {
    let built = Arc::new(AtomicUsize::new(0));
    let mut s = store();
    for i in 0..10_000 {
        let built = built.clone();
        s.add_lazy("experiment", &format!("lazy_{i}"), move || {
            built.fetch_add(1, Ordering::SeqCst);
            Node::from_yaml_str("trainer: {seed: 42}").unwrap()
        })
        .package("_global_");
    }
    let c = Composer::builder().store(s).build().unwrap();
    let cfg = c.compose("config", &["experiment=lazy_17"]).unwrap();
    assert_eq!(
        cfg.select("trainer.seed").unwrap().unwrap().value,
        Value::Int(42)
    );
    c.compose("config", &["experiment=lazy_17"]).unwrap();
    assert_eq!(built.load(Ordering::SeqCst), 1);
}

#[test]
fn composes_from_several_threads() {
    let c = Arc::new(composer());
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let c = c.clone();
            std::thread::spawn(move || {
                let o = format!("trainer.seed={i}");
                c.compose("config", &[o.as_str()])
                    .unwrap()
                    .select("trainer.seed")
                    .unwrap()
                    .unwrap()
                    .value
                    .clone()
            })
        })
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        assert_eq!(h.join().unwrap(), Value::Int(i as i64));
    }
}

#[test]
fn directories_cannot_be_escaped() {
    let base = std::env::temp_dir().join(format!("compose-escape-{}", std::process::id()));
    let conf = base.join("conf");
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(conf.join("db")).unwrap();
    std::fs::write(base.join("secret.yaml"), "x: 1\n").unwrap();
    std::fs::write(conf.join("config.yaml"), "defaults:\n  - db: mysql\n").unwrap();
    std::fs::write(conf.join("db/mysql.yaml"), "port: 1\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(base.join("secret.yaml"), conf.join("db/evil.yaml")).unwrap();
    let c = Composer::builder().dir(&conf).build().unwrap();
    assert!(c.compose("config", &[] as &[&str]).is_ok());
    let err = c.compose("../secret", &[] as &[&str]).unwrap_err();
    assert!(
        err.message()
            .contains("'..' would leave the config directory"),
        "{err}"
    );
    #[cfg(unix)]
    {
        let err = c.compose("config", &["db=evil"]).unwrap_err();
        assert!(
            err.message().contains("outside the config directory"),
            "{err}"
        );
    }
    std::fs::remove_dir_all(&base).unwrap();
}

fn fixture() -> Composer {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/compose/fixtures/explain");
    // Relative to the crate, so snapshots do not depend on the checkout path.
    let rel = std::path::Path::new(dir)
        .strip_prefix(std::env::current_dir().unwrap())
        .map(|p| p.to_path_buf())
        .unwrap_or_else(|_| dir.into());
    Composer::builder().dir(rel).build().unwrap()
}

#[test]
fn explain_snapshot_from_files() {
    let args = ["experiment=exp_7", "trainer.max_iter=10"];
    let cfg = fixture().compose("config", &args).unwrap();
    insta::assert_snapshot!(
        "explain_max_iter",
        explain(&cfg, "trainer.max_iter").unwrap()
    );
    insta::assert_snapshot!("explain_optimizer", explain(&cfg, "optimizer").unwrap());
}

#[test]
fn info_snapshots_from_files() {
    let c = fixture()
        .compose_full("config", &["experiment=exp_7", "trainer.max_iter=10"])
        .unwrap();
    insta::assert_snapshot!("files_defaults_tree", c.defaults.tree.render());
    insta::assert_snapshot!("files_defaults_list", c.defaults.render());
}

#[test]
fn a_primary_without_self_gets_hydras_warning() {
    let mut s = ConfigStore::new();
    s.add("", "config", y("defaults:\n  - optimizer: adam\nlr: 1\n"));
    s.add(
        "",
        "with_self",
        y("defaults:\n  - optimizer: adam\n  - _self_\nlr: 1\n"),
    );
    s.add("optimizer", "adam", y("lr: 0.001"));
    let composer = Composer::builder().store(s).build().unwrap();
    let c = composer.compose_full("config", &[] as &[&str]).unwrap();
    assert_eq!(c.defaults.warnings.len(), 1);
    assert!(c.defaults.warnings[0].starts_with("In 'config': Defaults list is missing `_self_`"));
    let c = composer.compose_full("with_self", &[] as &[&str]).unwrap();
    assert!(c.defaults.warnings.is_empty());
}

#[test]
fn keys_past_the_part_limit_are_errors_not_stack_overflows() {
    use crate::overrides::MAX_KEY_SEGMENTS;
    let key = |n: usize| vec!["a"; n].join(".");
    // 200,000 parts overflowed the stack.
    let text = format!("+{}=1", key(200_000));
    let err = composer().compose("config", &[text.as_str()]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!(
            "Invalid override '+a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a... \
             (400002 characters)': its key has 200000 parts, more than the limit of {MAX_KEY_SEGMENTS}"
        )),
        "{msg}"
    );
    assert!(
        msg.contains("at command-line argument 1 (`+a.a.a."),
        "{msg}"
    );
    assert!(
        msg.len() < 1_000,
        "the message names the argument shortened"
    );
    // The same bound on a package, and on overrides built in code.
    let text = format!("+db@{}=mysql", key(MAX_KEY_SEGMENTS + 1));
    let err = composer().compose("config", &[text.as_str()]).unwrap_err();
    assert!(
        err.to_string().contains("its package has 129 parts"),
        "{err}"
    );
    let mut built = override_arg::parse(1, "+x=1").unwrap();
    built.key = key(200_000);
    let err = composer().compose_parsed("config", &[built]).unwrap_err();
    assert!(
        err.to_string().contains("its key has 200000 parts"),
        "{err}"
    );
    // At the limit, the key is set.
    let text = format!("+{}=1", key(MAX_KEY_SEGMENTS));
    let cfg = composer().compose("config", &[text.as_str()]).unwrap();
    assert_eq!(
        cfg.select(&key(MAX_KEY_SEGMENTS)).unwrap().unwrap().value,
        Value::Int(1)
    );
}
