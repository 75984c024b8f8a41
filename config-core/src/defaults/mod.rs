//! The defaults list: which configs a composition merges, in which order,
//! and at which package. Part of the **compose** stage: the
//! [`Composer`](crate::compose::Composer) calls [`build`] with the command
//! line's group overrides, then merges the resulting [`ResultDefault`]s.
//!
//! The semantics are Hydra 1.3's, entry for entry: `_self_` placement,
//! reverse-order visiting, command-line overrides winning over config
//! `override` entries, `optional`, `null` and `???` choices, multi-select
//! lists, interpolated entries, relative and absolute groups, `@pkg`,
//! `@_here_`, `@_global_`, and `# @package` headers.

mod entry;
mod overrides;
mod tree;

pub(crate) use entry::{Choice, Entry, EntryKind};
pub(crate) use overrides::{display_choice, GroupOverrides};
#[cfg(test)]
pub(crate) use tree::build;
#[cfg(feature = "cli")]
pub(crate) use tree::MAX_LISTED_OPTIONS;
pub(crate) use tree::{
    build_task_preloaded, build_with_hydra_preloaded, DefaultsTree, LoadedConfig, Preloaded,
};
pub use tree::{DefaultsList, ResultDefault, MAX_DEFAULTS_DEPTH, MAX_DEFAULTS_NODES};

impl DefaultsTree {
    /// The tree as Hydra's `--info defaults-tree` prints it. The walk keeps
    /// its own stack: trees nest up to [`MAX_DEFAULTS_DEPTH`] levels.
    pub(crate) fn render(&self) -> String {
        let mut out = String::from("Defaults Tree\n*************\n");
        let mut stack = if self.nodes.is_empty() {
            Vec::new()
        } else {
            vec![(0, 0)]
        };
        while let Some((idx, indent)) = stack.pop() {
            self.render_node(idx, indent, &mut out);
            if let Some(children) = &self.nodes[idx].children {
                stack.extend(children.iter().rev().map(|&c| (c, indent + 1)));
            }
        }
        out
    }

    /// One line of [`DefaultsTree::render`].
    fn render_node(&self, idx: usize, indent: usize, out: &mut String) {
        let node = &self.nodes[idx];
        let e = &node.entry;
        let mut text = match &e.kind {
            EntryKind::Group { value, .. } => {
                let choice = match value {
                    Choice::Null => "null".to_string(),
                    other => display_choice(other),
                };
                format!("{}: {choice}", e.override_key())
            }
            EntryKind::SelfRef => "_self_".into(),
            EntryKind::Config { .. } => e.config_path(),
        };
        if e.deleted {
            text.push_str(" (deleted)");
        }
        out.push_str(&"  ".repeat(indent));
        out.push_str(&text);
        match &node.children {
            Some(children) if !children.is_empty() => out.push_str(":\n"),
            _ => out.push('\n'),
        }
    }
}

impl DefaultsList {
    /// The tree the list came from, as Hydra's `--info defaults-tree`
    /// prints it.
    pub fn render_tree(&self) -> String {
        self.tree.render()
    }

    /// The final list as Hydra's `--info defaults` prints it: config path,
    /// package, `_self_` and parent, one row per merged config, plus where
    /// each entry was written (or the override that chose it).
    pub fn render(&self) -> String {
        let mut rows: Vec<[String; 5]> = vec![[
            "Config path".into(),
            "Package".into(),
            "_self_".into(),
            "Parent".into(),
            "Selected at".into(),
        ]];
        for d in &self.defaults {
            rows.push([
                d.config_path.clone(),
                d.package.clone(),
                if d.is_self { "True" } else { "False" }.into(),
                d.parent.clone().unwrap_or_else(|| "None".into()),
                if d.origin.is_unknown() {
                    String::new()
                } else {
                    d.origin.to_string()
                },
            ]);
        }
        let mut widths = [0usize; 5];
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r.iter()) {
                *w = (*w).max(c.chars().count());
            }
        }
        let mut out = String::from("Defaults List\n*************\n");
        let sep: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        for (i, r) in rows.iter().enumerate() {
            let cells: Vec<String> = r
                .iter()
                .zip(widths.iter())
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            out.push_str(&format!("| {} |", cells.join(" | ")).replace(" \n", "\n"));
            out.push('\n');
            if i == 0 {
                out.push_str(&format!("|-{}-|\n", sep.join("-|-")));
            }
        }
        out
    }
}

#[cfg(test)]
mod doc_examples {
    #[test]
    fn defaults_module_example() {
        use crate::defaults::{build, GroupOverrides};
        use crate::repository::Repository;
        use crate::ConfigStore;
        use crate::Node;
        use std::sync::Arc;

        let mut store = ConfigStore::new();
        store.add(
            "",
            "config",
            Node::from_yaml_str("defaults: [{db: mysql}, _self_]\nseed: 1").unwrap(),
        );
        store.add("db", "mysql", Node::from_yaml_str("port: 3306").unwrap());
        let repo = Repository::new().with_store(Arc::new(store));
        let list = build(&repo, "config", &GroupOverrides::default()).unwrap();
        let order: Vec<_> = list
            .defaults
            .iter()
            .map(|d| (d.config_path.as_str(), d.package.as_str()))
            .collect();
        assert_eq!(order, vec![("db/mysql", "db"), ("config", "")]);
    }
}
