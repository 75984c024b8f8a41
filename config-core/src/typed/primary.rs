//! Where a typed program's primary config comes from, and the layout
//! mistakes the typed flow warns about.
//!
//! Place in the flow: **make**. By default the struct is the primary config
//! (its defaults, its `#[config(defaults = [...])]` list). With
//! [`Maker::with_primary`](crate::typed::Maker::with_primary) a YAML file
//! is the primary: the common `conf/config.yaml` plus groups layout. The
//! struct is then its schema (every value is checked against it), its
//! defaults (merged first, under everything the file and its groups set)
//! and its checks (`validate`).
//!
//! Three mistakes are reported as warnings, each with its fix:
//! - a search directory holds a `config.yaml` that is never loaded, as the
//!   struct is the primary;
//! - the struct's defaults list puts `_self_` after group entries, so the
//!   struct's own defaults (a value for every field) override everything
//!   those groups set;
//! - with a YAML primary, the struct declares a defaults list, which is not
//!   used (the file's list is).

use crate::error::{Error, ErrorKind};
use crate::node::{Key, Node, Value};
use std::path::{Path, PathBuf};

/// The name under which a YAML primary's struct defaults are stored: the
/// first entry of the file's defaults list.
pub(crate) fn defaults_entry_name(type_name: &str) -> String {
    format!("{type_name}_defaults")
}

/// The primary config of a YAML-primary layout: `dir/name.yaml`, its
/// defaults list led by the struct's defaults entry (so the struct's values
/// are merged first), `_self_` added last when the file has no list.
pub(crate) fn yaml_primary(type_name: &str, dir: &Path, name: &str) -> Result<Node, Error> {
    let path = dir.join(format!("{}.yaml", name.trim_end_matches(".yaml")));
    if !path.is_file() {
        return Err(Error::new(
            ErrorKind::MissingConfig,
            format!("the primary config {} does not exist", path.display()),
        )
        .with_hint(format!(
            "with_primary(dir, name) reads dir/name.yaml; to use {type_name}'s defaults as the primary, use with_dir(dir) instead"
        )));
    }
    let mut node = Node::from_yaml_file(&path)?;
    if matches!(node.value, Value::Null) {
        node = Node::empty_map();
    }
    let Some(map) = node.as_map_mut_raw() else {
        return Err(Error::new(
            ErrorKind::Type,
            format!("the primary config {} is not a mapping", path.display()),
        ));
    };
    let first = Node::from(defaults_entry_name(type_name));
    match map.get_mut(&Key::from("defaults")).map(|d| &mut d.value) {
        Some(Value::List(entries)) => entries.insert(0, first),
        Some(_) => {
            return Err(Error::new(
                ErrorKind::Type,
                format!("the defaults list of {} is not a list", path.display()),
            ))
        }
        None => {
            let list = Value::List(vec![first, Node::from("_self_")]);
            map.shift_insert(0, Key::from("defaults"), Node::new(list));
        }
    }
    Ok(node)
}

/// The warning for a `config.yaml` in a search directory that the flow
/// never loads (the struct is the primary), if there is one.
pub(crate) fn unused_primary_warning(type_name: &str, dirs: &[PathBuf]) -> Option<String> {
    let dir = dirs.iter().find(|d| d.join("config.yaml").is_file())?;
    let shown = dir.display();
    Some(format!(
        "{shown}/config.yaml is not loaded: the primary config is {type_name} (its defaults in code); \
         to make the file the primary, with {type_name} as its schema and defaults, use \
         {type_name}::make().with_primary(\"{shown}\", \"config\")"
    ))
}

/// The warning for a struct defaults list that a YAML primary makes unused.
pub(crate) fn unused_list_warning(
    type_name: &str,
    defaults: &Node,
    dir: &Path,
    file: &str,
) -> Option<String> {
    defaults.as_list().filter(|l| !l.is_empty())?;
    Some(format!(
        "{type_name}'s #[config(defaults = [...])] is not used: the primary config is {}/{file}.yaml,          whose defaults list is the one composed; move the entries into the file's `defaults:` and          drop the attribute",
        dir.display()
    ))
}

/// The warning for a struct defaults list with `_self_` after group
/// entries, if that is the case.
pub(crate) fn self_last_warning(type_name: &str, defaults: &Node) -> Option<String> {
    let entries = defaults.as_list()?;
    let self_at = entries.iter().position(|e| e.as_str() == Some("_self_"))?;
    let groups: Vec<String> = entries[..self_at]
        .iter()
        .filter_map(|e| {
            let (group, option) = e.as_map()?.iter().next()?;
            (!matches!(option.value, Value::Null)).then(|| group.to_string())
        })
        .collect();
    if groups.is_empty() {
        return None;
    }
    Some(format!(
        "{type_name}'s defaults list puts \"_self_\" after the group{} {}: {type_name}'s own defaults \
         (a value for every field) are merged last and override everything {} set; put \"_self_\" \
         first in #[config(defaults = [\"_self_\", ...])], or keep a YAML primary's order with \
         {type_name}::make().with_primary(dir, name)",
        if groups.len() == 1 { "" } else { "s" },
        groups.join(", "),
        if groups.len() == 1 { "it" } else { "they" },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_last_is_reported_with_the_groups() {
        let list = Node::from_yaml_str("[{optimizer: adam}, {experiment: null}, _self_]").unwrap();
        let w = self_last_warning("Train", &list).unwrap();
        assert!(w.starts_with("Train's defaults list puts \"_self_\" after the group optimizer: "));
        let first = Node::from_yaml_str("[_self_, {optimizer: adam}]").unwrap();
        assert_eq!(self_last_warning("Train", &first), None);
    }
}
