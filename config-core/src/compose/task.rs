//! Composing the task config alone, for callers that drop the `hydra`
//! node (the typed flow's `make().override_with()`).
//!
//! A full composition merges Hydra's own configs too (`hydra/config` and
//! its eight group options, a few hundred nodes), only for the caller to
//! throw the `hydra` node away: on a small typed config that was about half
//! of the work. [`Composer::compose_task`] first composes without them,
//! with the primary config as the root of the defaults tree. Hydra's
//! configs cannot change the task config unless something names Hydra: an
//! override, a defaults entry of a loaded config, or a `hydra` key in the
//! result. When anything does, or when that composition fails, it composes
//! in full instead, so results and errors are exactly those of
//! [`Composer::compose_parsed`].

use super::override_arg::CliOverride;
use super::{split_overrides, Composer};
use crate::defaults::{self, Choice, DefaultsList, Entry, EntryKind};
use crate::error::Error;
use crate::node::{Key, Node, Value};
use crate::repository::RawConfig;

/// A task config, and the warnings its defaults list gave (Hydra's
/// "missing `_self_`", a dotted package): those of the full composition.
#[derive(Debug)]
pub(crate) struct Task {
    pub(crate) config: Node,
    #[cfg_attr(
        not(feature = "cli"),
        allow(dead_code, reason = "printed by `config compose`")
    )]
    pub(crate) warnings: Vec<String>,
}

impl Composer {
    /// The task config of `config_name` with `overrides`, without its
    /// `hydra` node: [`Composer::compose_parsed`]'s `config`, composing
    /// Hydra's own configs only when something could involve them.
    pub(crate) fn compose_task(
        &self,
        config_name: &str,
        overrides: &[CliOverride],
    ) -> Result<Task, Error> {
        if !overrides.iter().any(names_hydra) {
            if let Ok(Some(task)) = self.compose_without_hydra(config_name, overrides) {
                return Ok(task);
            }
        }
        let full = self.compose_parsed(config_name, overrides)?;
        Ok(Task {
            config: full.config,
            warnings: full.defaults.warnings,
        })
    }

    /// [`Composer::compose_mode`] in [`RunMode::Run`](super::RunMode::Run)
    /// without Hydra's configs; `None` when a loaded config names Hydra or
    /// the result has a `hydra` key (the full composition decides then).
    fn compose_without_hydra(
        &self,
        config_name: &str,
        overrides: &[CliOverride],
    ) -> Result<Option<Task>, Error> {
        super::check_key_depths(overrides)?;
        super::reject_sweeps(overrides)?;
        let mut preloaded = defaults::Preloaded::default();
        let repo = self.searchpath_repo(Some(config_name), overrides, &mut preloaded)?;
        // Most configs that involve Hydra say so in the primary: decided
        // before any other config is read, so that the full composition
        // that follows is the only one.
        if preloaded
            .primary
            .as_ref()
            .is_some_and(|(_, raw)| primary_names_hydra(raw))
        {
            return Ok(None);
        }
        let (groups, values) = split_overrides(&repo, overrides)?;
        let mut list = defaults::build_task_preloaded(&repo, config_name, &groups, preloaded)?;
        if loaded_names_hydra(&list) {
            return Ok(None);
        }
        // No value override names Hydra (`names_hydra`), so a `hydra` key
        // can only come from the merged configs.
        let config = self.task_config(&mut list, values)?;
        if config
            .as_map()
            .is_some_and(|m| m.contains_key(&Key::from("hydra")))
        {
            return Ok(None);
        }
        Ok(Some(Task {
            config,
            warnings: std::mem::take(&mut list.warnings),
        }))
    }
}

/// True when an override could touch Hydra's node or groups (by name, so
/// conservatively: `hydra` anywhere in its key or package).
fn names_hydra(o: &CliOverride) -> bool {
    o.key.contains("hydra") || o.package.as_deref().is_some_and(|p| p.contains("hydra"))
}

/// True when a loaded config's defaults list mentions `hydra` anywhere: in
/// a group, a config path, a package or a choice (an interpolated choice
/// may read Hydra's groups' choices).
fn loaded_names_hydra(list: &DefaultsList) -> bool {
    list.loaded
        .values()
        .any(|c| c.entries.iter().any(entry_names_hydra))
}

/// True when the primary config has a `hydra` key, or its unparsed
/// defaults list says `hydra` anywhere (conservative, as
/// [`loaded_names_hydra`], which decides the rest).
fn primary_names_hydra(raw: &RawConfig) -> bool {
    raw.node.get("hydra").is_some() || raw.defaults.as_ref().is_some_and(says_hydra)
}

/// True when a string or key at or below `n` contains `hydra`.
fn says_hydra(n: &Node) -> bool {
    match &n.value {
        Value::Str(s) | Value::Interp(s) => s.contains("hydra"),
        Value::Map(m) => m
            .iter()
            .any(|(k, v)| k.as_str().is_some_and(|k| k.contains("hydra")) || says_hydra(v)),
        Value::List(l) => l.iter().any(says_hydra),
        _ => false,
    }
}

fn entry_names_hydra(e: &Entry) -> bool {
    let has = |s: &str| s.contains("hydra");
    let named = match &e.kind {
        EntryKind::SelfRef => false,
        EntryKind::Config { path } => has(path),
        EntryKind::Group { group, value } => {
            has(group)
                || match value {
                    Choice::Null => false,
                    Choice::Name(n) => has(n),
                    Choice::Options(names) => names.iter().any(|n| has(n)),
                }
        }
    };
    named || e.package.as_deref().is_some_and(has)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ConfigStore;

    fn y(s: &str) -> Node {
        Node::from_yaml_str(s).unwrap()
    }

    /// A primary with groups, plus experiments that involve Hydra's
    /// configs in each way one can.
    fn composer() -> Composer {
        let mut s = ConfigStore::new();
        s.add(
            "",
            "config",
            y("defaults:\n  - _self_\n  - db: mysql\n  - experiment: null\nseed: 0\n"),
        );
        s.add("db", "mysql", y("port: 3306"));
        s.add("db", "sqlite", y("file: x.db"));
        let global = [
            (
                "plain",
                "defaults:\n  - override /db: sqlite\n  - _self_\nseed: 7\n",
            ),
            ("hydra_key", "hydra:\n  job:\n    name: x\nseed: 1\n"),
            ("hydra_bad_key", "hydra:\n  nope: 1\n"),
            (
                "hydra_group",
                "defaults:\n  - override /hydra/job_logging: disabled\n  - _self_\nseed: 2\n",
            ),
            (
                "hydra_no_option",
                "defaults:\n  - override /hydra/launcher: nope\n  - _self_\n",
            ),
        ];
        for (name, body) in global {
            s.add("experiment", name, y(body)).package("_global_");
        }
        Composer::builder().store(s).build().unwrap()
    }

    /// `compose_task` gives exactly `compose_parsed`'s config, warnings or
    /// error.
    fn same(args: &[&str]) {
        let c = composer();
        let parsed: Vec<CliOverride> = args
            .iter()
            .enumerate()
            .map(|(i, a)| super::super::override_arg::parse(i + 1, a).unwrap())
            .collect();
        let task = c
            .compose_task("config", &parsed)
            .map(|t| (t.config, t.warnings));
        let full = c
            .compose_parsed("config", &parsed)
            .map(|c| (c.config, c.defaults.warnings));
        match (task, full) {
            (Ok(t), Ok(f)) => assert_eq!(format!("{t:?}"), format!("{f:?}"), "{args:?}"),
            (Err(t), Err(f)) => assert_eq!(t.to_string(), f.to_string(), "{args:?}"),
            (t, f) => panic!("{args:?}: {t:?} against {f:?}"),
        }
    }

    #[test]
    fn the_task_config_is_the_full_compositions() {
        same(&[]);
        same(&["db=sqlite", "seed=3", "+extra=1"]);
        for exp in [
            "plain",
            "hydra_key",
            "hydra_bad_key",
            "hydra_group",
            "hydra_no_option",
        ] {
            same(&[&format!("experiment={exp}")]);
        }
    }

    #[test]
    fn a_primary_that_names_hydra_is_composed_in_full() {
        for primary in [
            "defaults:\n  - override hydra/job_logging: disabled\n  - _self_\nseed: 0\n",
            "hydra:\n  job:\n    name: x\nseed: 0\n",
        ] {
            let mut s = ConfigStore::new();
            s.add("", "config", y(primary));
            let c = Composer::builder().store(s).build().unwrap();
            assert!(matches!(c.compose_without_hydra("config", &[]), Ok(None)));
            let task = c.compose_task("config", &[]).unwrap();
            let full = c.compose_parsed("config", &[]).unwrap();
            assert_eq!(format!("{:?}", task.config), format!("{:?}", full.config));
        }
    }

    #[test]
    fn warnings_are_the_full_compositions() {
        let mut s = ConfigStore::new();
        // No `_self_`: Hydra's warning, from the task-only composition too.
        s.add("", "config", y("defaults:\n  - db: mysql\nseed: 0\n"));
        s.add("db", "mysql", y("port: 3306"));
        let c = Composer::builder().store(s).build().unwrap();
        let task = c.compose_task("config", &[]).unwrap();
        let full = c.compose_parsed("config", &[]).unwrap();
        assert_eq!(task.warnings.len(), 1);
        assert_eq!(task.warnings, full.defaults.warnings);
        assert_eq!(format!("{:?}", task.config), format!("{:?}", full.config));
        assert!(matches!(
            c.compose_without_hydra("config", &[]),
            Ok(Some(_))
        ));
    }

    #[test]
    fn errors_and_hydra_overrides_are_the_full_compositions() {
        same(&["db=nope"]);
        same(&["sed=1"]);
        same(&["hydr=1"]);
        same(&["hydra.job.name=x", "seed=2"]);
        same(&["hydra.job.nope=x"]);
        same(&["hydra/launcher=basic"]);
        same(&["hydra/launcher=nope"]);
        same(&["seed=1,2"]);
    }

    #[test]
    fn only_compositions_without_hydra_skip_its_configs() {
        let c = composer();
        let fast = |exp: &str| {
            let o = super::super::override_arg::parse(1, &format!("experiment={exp}")).unwrap();
            matches!(c.compose_without_hydra("config", &[o]), Ok(Some(_)))
        };
        assert!(fast("plain"));
        for exp in [
            "hydra_key",
            "hydra_bad_key",
            "hydra_group",
            "hydra_no_option",
        ] {
            assert!(!fast(exp), "{exp}");
        }
    }

    #[test]
    fn hydra_is_noticed_by_name() {
        let parsed = super::super::override_arg::parse(1, "hydra.run.dir=x").unwrap();
        assert!(names_hydra(&parsed));
        let parsed = super::super::override_arg::parse(1, "db=sqlite").unwrap();
        assert!(!names_hydra(&parsed));
    }
}
