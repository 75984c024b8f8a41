//! `--explain changed`: what a command line changed, as one table.
//!
//! Part of the compose stage, beside [`super::explain`] (the history of
//! one key). The run's config is composed twice, with and without the
//! command line, and the two are compared:
//!
//! - a config group whose choice differs is one row (`model: pertsets ->
//!   state_sm`), not one row per key the new option brings;
//! - every other key whose value differs, or that the command line set, is
//!   one row with its source (file:line:col or command-line argument), its
//!   original value and its final value. Lists and other values are
//!   compared whole, so `wandb.tags: [] -> [first_run]` keeps the original.
//!
//! This is the tracking table researchers keep by hand: which parameter,
//! from which file, from what to what, and whether the command line did it.

use super::{Composer, Composition};
use crate::defaults::ResultDefault;
use crate::error::Error;
use crate::node::{Key, Node, Value};
use crate::origin::Origin;
use std::collections::BTreeMap;

/// What a row describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChangeKind {
    /// A config group's choice (`model`, `db@backup`).
    Group,
    /// A value at a key of the config.
    Value,
}

/// One row of the table of changes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Change {
    /// The group (`model`) or the key (`training.max_steps`).
    pub key: String,
    /// A group choice or a value.
    pub kind: ChangeKind,
    /// The value without the command line; `None` when absent.
    pub before: Option<String>,
    /// The final value; `None` when the command line removed it.
    pub after: Option<String>,
    /// Where the final value came from: `model/state_sm.yaml`,
    /// `conf/training/default.yaml:3:12`, `command-line argument 9 (...)`.
    pub source: String,
    /// True when a command-line argument set it.
    pub command_line: bool,
}

/// The changes that `overrides` make to the config `config_name` composes
/// to without them.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("changes-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(dir.join("db")).unwrap();
/// # std::fs::write(dir.join("config.yaml"), "defaults:\n  - db: mysql\n  - _self_\nseed: 1\ntags: []\n").unwrap();
/// # std::fs::write(dir.join("db/mysql.yaml"), "port: 3306\n").unwrap();
/// # std::fs::write(dir.join("db/sqlite.yaml"), "file: x.db\n").unwrap();
/// use config_core::compose::{changes, Composer};
/// let composer = Composer::builder().dir(&dir).build().unwrap();
/// let rows = changes(&composer, "config", &["db=sqlite", "tags=[a]"]).unwrap();
/// let table: Vec<_> = rows.iter()
///     .map(|c| format!("{}: {} -> {}", c.key, c.before.as_deref().unwrap_or("-"), c.after.as_deref().unwrap_or("-")))
///     .collect();
/// assert_eq!(table, ["db: mysql -> sqlite", "tags: [] -> [a]"]);
/// assert!(rows[1].command_line && rows[1].source.contains("argument 2"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn changes<S: AsRef<str>>(
    composer: &Composer,
    config_name: &str,
    overrides: &[S],
) -> Result<Vec<Change>, Error> {
    let after = composer.compose_full(config_name, overrides)?;
    let none: [&str; 0] = [];
    // Without the command line the config may not compose (a `???` group
    // the command line fills): then every key is new.
    let before = composer.compose_full(config_name, &none).ok();
    Ok(changes_between(before.as_ref(), &after, overrides))
}

/// The table of changes from `before` (the composition without the command
/// line; `None` if there is none) to `after`, composed with `overrides`.
pub fn changes_between<S: AsRef<str>>(
    before: Option<&Composition>,
    after: &Composition,
    overrides: &[S],
) -> Vec<Change> {
    let group_args = group_arguments(overrides);
    let before_choices = before
        .map(|b| task_choices(&b.defaults.choices))
        .unwrap_or_default();
    let after_choices = task_choices(&after.defaults.choices);
    let mut rows = Vec::new();
    let mut changed_options = Vec::new();
    for (group, now) in &after_choices {
        let was = before_choices.get(group).cloned().flatten();
        if was == *now {
            continue;
        }
        // `db@backup` is the group `db` at another package.
        let path = group.split('@').next().unwrap_or(group);
        changed_options.extend(was.iter().chain(now).map(|o| format!("{path}/{o}")));
        rows.push(Change {
            key: group.clone(),
            kind: ChangeKind::Group,
            source: choice_source(&after.defaults.defaults, group),
            command_line: group_args.iter().any(|g| g == group),
            before: was,
            after: now.clone(),
        });
    }
    let mut covered = Vec::new();
    for list in before.iter().map(|b| &b.defaults).chain([&after.defaults]) {
        covered.extend(options_of(&list.defaults, &changed_options));
    }
    let empty = Node::new(Value::Map(Default::default()));
    let old = before.map_or(&empty, |b| &b.config);
    diff(old, &after.config, "", &covered, &mut rows);
    rows
}

/// A config that a changed group choice brought or took away, with the
/// package it was merged at.
struct Covered {
    config_path: String,
    package: String,
}

/// The configs of the `options` (`db/mysql`) in a defaults list, and the
/// configs their own defaults lists pulled in (`db/mysql` extends
/// `db/base_mysql`), each with the package it was merged at.
fn options_of(defaults: &[ResultDefault], options: &[String]) -> Vec<Covered> {
    let mut paths: Vec<&str> = options.iter().map(String::as_str).collect();
    // A `_self_` entry comes after its children: repeat until nothing new.
    loop {
        let before = paths.len();
        for d in defaults {
            let child = d.parent.as_deref().is_some_and(|p| paths.contains(&p));
            if child && !paths.contains(&d.config_path.as_str()) {
                paths.push(&d.config_path);
            }
        }
        if paths.len() == before {
            break;
        }
    }
    defaults
        .iter()
        .filter(|d| paths.contains(&d.config_path.as_str()))
        .map(|d| Covered {
            config_path: d.config_path.clone(),
            package: d.package.clone(),
        })
        .collect()
}

/// Where a group's choice was made: the command-line argument, or the
/// defaults list entry (file:line:col) that chose the option.
fn choice_source(defaults: &[ResultDefault], group: &str) -> String {
    defaults
        .iter()
        .find(|d| d.override_key.as_deref() == Some(group))
        .map_or_else(|| "(no option)".into(), |d| d.origin.to_string())
}

/// The task's group choices (Hydra's own groups left out), by group.
fn task_choices(choices: &[(String, Option<String>)]) -> BTreeMap<String, Option<String>> {
    choices
        .iter()
        .filter(|(g, _)| !crate::hydra::is_hydra_key(g))
        .cloned()
        .collect()
}

/// The groups the command line names (`model=x`, `+experiment=y`, `~db`),
/// as the override parser reads them (no `+`, `~` or `@package`).
fn group_arguments<S: AsRef<str>>(overrides: &[S]) -> Vec<String> {
    overrides
        .iter()
        .enumerate()
        .filter_map(|(i, o)| super::override_arg::parse(i + 1, o.as_ref()).ok())
        .map(|o| o.key)
        .collect()
}

/// Rows for the keys under `prefix` whose value differs between `old` and
/// `new`, or that the command line set. Mappings are walked; anything else
/// is one value.
fn diff(old: &Node, new: &Node, prefix: &str, covered: &[Covered], out: &mut Vec<Change>) {
    let (Some(old_map), Some(new_map)) = (old.as_map(), new.as_map()) else {
        value_row(Some(old), Some(new), prefix, covered, out);
        return;
    };
    for (key, child) in new_map {
        let path = join(prefix, key);
        match old_map.get(key) {
            Some(before) => diff(before, child, &path, covered, out),
            None => added(child, &path, covered, out),
        }
    }
    for (key, child) in old_map {
        if !new_map.contains_key(key) {
            value_row(Some(child), None, &join(prefix, key), covered, out);
        }
    }
}

/// Rows for a subtree that only the new config has: one per value.
fn added(new: &Node, path: &str, covered: &[Covered], out: &mut Vec<Change>) {
    match new.as_map() {
        Some(map) if !map.is_empty() => {
            for (key, child) in map {
                added(child, &join(path, key), covered, out);
            }
        }
        _ => value_row(None, Some(new), path, covered, out),
    }
}

fn value_row(
    old: Option<&Node>,
    new: Option<&Node>,
    path: &str,
    covered: &[Covered],
    out: &mut Vec<Change>,
) {
    let before = old.map(|n| inline(&n.value));
    let after = new.map(|n| inline(&n.value));
    let command_line = new.is_some_and(set_by_command_line);
    if before == after && !command_line {
        return;
    }
    // The keys in a changed group option's own package are that group's
    // row, unless the command line set them too. An option merged at the
    // root (`_global_`, as experiments are) patches other groups' keys:
    // those keep their own rows.
    let shown = new.or(old).map(|n| &n.origin);
    if !command_line && shown.is_some_and(|o| covered_at(o, path, covered)) {
        return;
    }
    out.push(Change {
        key: path.to_string(),
        kind: ChangeKind::Value,
        before,
        after,
        source: shown.map_or_else(String::new, |o| o.to_string()),
        command_line,
    });
}

/// Whether a command-line argument set `node`, or a value inside it.
fn set_by_command_line(node: &Node) -> bool {
    matches!(node.origin, Origin::Override { .. })
        || match &node.value {
            Value::Map(m) => m.values().any(set_by_command_line),
            Value::List(l) => l.iter().any(set_by_command_line),
            _ => false,
        }
}

/// Whether the value at `path`, from `origin`, belongs to a changed group
/// option: it came from that option's file or store entry, and `path` is
/// inside the option's (non-root) package.
fn covered_at(origin: &Origin, path: &str, covered: &[Covered]) -> bool {
    covered.iter().any(|c| {
        let inside = !c.package.is_empty()
            && (path == c.package || path.starts_with(&format!("{}.", c.package)));
        inside && from_config(origin, &c.config_path)
    })
}

/// Whether `origin` is in the file or store entry of `config_path`
/// (`model/state_sm`).
fn from_config(origin: &Origin, config_path: &str) -> bool {
    match origin {
        Origin::File { path, .. } => {
            let file = path.strip_suffix(".yaml").unwrap_or(path);
            file == config_path || file.ends_with(&format!("/{config_path}"))
        }
        Origin::Store { group, name } => format!("{group}/{name}") == config_path,
        _ => false,
    }
}

fn join(prefix: &str, key: &Key) -> String {
    crate::path::child_key(prefix, key)
}

/// A value on one line, as it would be written in an override:
/// `3`, `first_run`, `''`, `[first_run]`, `{a: 1}`, `null`, `???`.
pub(crate) fn inline(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Missing => "???".into(),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) if s.is_empty() => "''".into(),
        Value::Str(s) | Value::Interp(s) => s.to_string(),
        Value::List(items) => {
            let items: Vec<String> = items.iter().map(|n| inline(&n.value)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Map(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, n)| format!("{k}: {}", inline(&n.value)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        other => crate::python::python_str(other),
    }
}

/// The table as text: one row per change, columns aligned.
///
/// ```
/// use config_core::compose::{render_changes, Change};
/// assert_eq!(render_changes(&[]), "no changes\n");
/// ```
pub fn render_changes(rows: &[Change]) -> String {
    if rows.is_empty() {
        return "no changes\n".into();
    }
    let header = ["parameter", "original", "final", "cmdline", "source"];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|c| {
            [
                c.key.clone(),
                c.before.clone().unwrap_or_else(|| "-".into()),
                c.after.clone().unwrap_or_else(|| "(removed)".into()),
                if c.command_line { "yes" } else { "no" }.into(),
                c.source.clone(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cols: [&str; 5]| {
        let mut text = String::new();
        for (i, (cell, w)) in cols.iter().zip(widths).enumerate() {
            if i + 1 == cols.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<w$}  "));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header);
    for row in &cells {
        line(row.each_ref().map(String::as_str));
    }
    out
}

/// The table as JSON: an array of objects with `parameter`, `kind`
/// (`group` or `value`), `original`, `final` (`null` when absent),
/// `command_line` and `source`.
///
/// ```
/// use config_core::compose::changes_json;
/// assert_eq!(changes_json(&[]), "[]");
/// ```
#[cfg(feature = "serde")]
pub fn changes_json(rows: &[Change]) -> String {
    let rows: Vec<serde_json::Value> = rows
        .iter()
        .map(|c| {
            serde_json::json!({
                "parameter": c.key,
                "kind": match c.kind { ChangeKind::Group => "group", ChangeKind::Value => "value" },
                "original": c.before,
                "final": c.after,
                "command_line": c.command_line,
                "source": c.source,
            })
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into())
}
