//! Hydra's own config: the `hydra` node of an application run.
//!
//! Part of the **compose** stage for applications. Composition puts Hydra's
//! built-in configs ([`builtin_store`]) first on the search path and
//! `hydra/config` first in the defaults tree, so the node is built exactly
//! as Hydra builds it: Hydra's defaults, then the primary config's `hydra:`
//! section, then `hydra.*` and `hydra/...` overrides. [`complete`] then
//! fills in what only the run knows (the overrides, the group choices, the
//! job's name, the override dirname), [`check`] holds it to Hydra's schema,
//! and [`register_resolver`] makes `${hydra:KEY}` read it.

// Completing the node and `${hydra:}` serve the application layer only.
mod builtin;
#[cfg(feature = "cli")]
mod complete;
#[cfg(feature = "cli")]
mod resolver;
mod schema;

pub(crate) use builtin::HydraSource;
#[cfg(feature = "cli")]
pub(crate) use complete::{complete, set_leaf, strings, RunContext};
#[cfg(feature = "cli")]
pub(crate) use resolver::register_resolver;
pub(crate) use schema::check;

/// True for an override or key of Hydra's own config: `hydra.run.dir`,
/// `hydra/launcher`. The one definition of the rule (Hydra's
/// `Override.is_hydra_override`): such overrides are recorded in
/// `hydra.overrides.hydra`, the others in `hydra.overrides.task`.
pub(crate) fn is_hydra_key(key: &str) -> bool {
    key.starts_with("hydra.") || key.starts_with("hydra/")
}

/// Hydra's version whose semantics this layer implements.
#[cfg(feature = "cli")]
pub(crate) const HYDRA_VERSION: &str = "1.3.8";

#[cfg(test)]
mod doc_examples {
    #[test]
    fn hydra_module_example() {
        use crate::compose::Composer;
        let dir = std::env::temp_dir().join(format!("hydra-doc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("config.yaml"),
            "lr: 0.1\nhydra:\n  job:\n    chdir: true\n",
        )
        .unwrap();
        let composer = Composer::builder().dir(&dir).build().unwrap();
        let c = composer
            .compose_full("config", &["hydra.run.dir=out", "lr=0.2"])
            .unwrap();
        assert_eq!(c.config.to_yaml(), "lr: 0.2\n"); // the task config has no `hydra` key
        assert_eq!(
            c.hydra.select("run.dir").unwrap().unwrap().as_str(),
            Some("out")
        );
        assert_eq!(
            c.hydra.select("job.chdir").unwrap().unwrap().value,
            crate::Value::Bool(true)
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
    #[test]
    fn is_hydra_key_example() {
        use crate::hydra::is_hydra_key;
        assert!(is_hydra_key("hydra.job.chdir") && is_hydra_key("hydra/launcher"));
        assert!(!is_hydra_key("hydra_cfg.x") && !is_hydra_key("db"));
    }
}
