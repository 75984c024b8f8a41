//! One defaults-list entry and its package arithmetic, as Hydra 1.3's
//! `default_element.py` defines them.
//!
//! An entry is either a fixed config (`- db/mysql`, `- /abs/cfg@pkg`), a
//! group choice (`- db: mysql`, `- optional db@src: [a, b]`, `- override
//! /db: x`) or `_self_`. Its group path, config path, final package and
//! override key depend on the config that contains it (its parent's group
//! and final package), which [`Entry::set_parent`] records.

use crate::error::{Error, ErrorKind};
use crate::node::{Node, Value};
use crate::origin::Origin;
use std::borrow::Cow;
use std::sync::Arc;

/// What a group entry selects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Choice {
    /// `null`: nothing (a placeholder that an override may fill).
    Null,
    /// One option (`???` included, which means "must be chosen").
    Name(Arc<str>),
    /// Several options merged into the same package.
    Options(Vec<String>),
}

/// The kind of an entry. Its strings are shared (`Arc<str>`): the tree
/// builder copies a config's entries each time it expands the config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EntryKind {
    /// `_self_`: the containing config's own content.
    SelfRef,
    /// A fixed config path, possibly absolute (`/x/y`).
    Config {
        /// The path as written (`db/mysql`, `/abs/cfg`).
        path: Arc<str>,
    },
    /// A group choice.
    Group {
        /// The group as written (`db`, `/server/db`).
        group: Arc<str>,
        /// The selected option(s).
        value: Choice,
    },
}

/// A defaults-list entry with the state the tree builder attaches to it.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// Config, group or `_self_`.
    pub kind: EntryKind,
    /// The `@pkg` of the entry (relative to the parent's package).
    pub package: Option<String>,
    /// The group path of the containing config (shared by its entries).
    pub parent_base_dir: Option<Arc<str>>,
    /// The final package of the containing config (shared by its entries).
    pub parent_package: Option<Arc<str>>,
    /// The `# @package` header of the loaded config, made absolute.
    pub package_header: Option<String>,
    /// True for the primary config.
    pub primary: bool,
    /// `optional`: a missing config is skipped.
    pub optional: bool,
    /// `override`: changes an earlier entry's choice.
    pub is_override: bool,
    /// Dropped by a deletion or a missing optional config.
    pub deleted: bool,
    /// Added from the command line with `+group=option`.
    pub external_append: bool,
    /// Where the entry is written (defaults list position or argument).
    pub origin: Origin,
    /// Where the current choice came from when it was overridden.
    pub choice_origin: Option<Origin>,
}

impl Entry {
    fn new(kind: EntryKind, package: Option<String>, origin: Origin) -> Entry {
        // `@_here_` means the containing config's own package.
        let package = match package {
            Some(p) if p == "_here_" => Some(String::new()),
            p => p,
        };
        Entry {
            kind,
            package,
            parent_base_dir: None,
            parent_package: None,
            package_header: None,
            primary: false,
            optional: false,
            is_override: false,
            deleted: false,
            external_append: false,
            origin,
            choice_origin: None,
        }
    }

    /// The primary config entry for `config_name`.
    pub(crate) fn primary(config_name: &str) -> Entry {
        let mut e = Entry::new(
            EntryKind::Config {
                path: config_name.into(),
            },
            None,
            Origin::Unknown,
        );
        e.primary = true;
        e
    }

    /// A fixed config entry.
    pub(crate) fn config(path: &str, package: Option<String>, origin: Origin) -> Entry {
        Entry::new(EntryKind::Config { path: path.into() }, package, origin)
    }

    /// A group entry.
    pub(crate) fn group(
        group: &str,
        value: Choice,
        package: Option<String>,
        origin: Origin,
    ) -> Entry {
        Entry::new(
            EntryKind::Group {
                group: group.into(),
                value,
            },
            package,
            origin,
        )
    }

    /// `_self_`.
    pub(crate) fn self_ref() -> Entry {
        Entry::new(EntryKind::SelfRef, None, Origin::Unknown)
    }

    /// True for `_self_`.
    pub(crate) fn is_self(&self) -> bool {
        matches!(self.kind, EntryKind::SelfRef)
    }

    /// True for a group entry.
    pub(crate) fn is_group(&self) -> bool {
        matches!(self.kind, EntryKind::Group { .. })
    }

    /// Records the containing config's group path and final package.
    pub(crate) fn set_parent(&mut self, base_dir: &str, package: &str) {
        self.set_parent_shared(&Arc::from(base_dir), &Arc::from(package));
    }

    /// [`Entry::set_parent`] with the strings the containing config's
    /// entries share (a copy of each per entry cost a chain ~2% of its
    /// instructions).
    pub(crate) fn set_parent_shared(&mut self, base_dir: &Arc<str>, package: &Arc<str>) {
        // The tree builder sets the same parent twice; keep the strings.
        if self.parent_base_dir.as_deref() != Some(&**base_dir) {
            self.parent_base_dir = Some(base_dir.clone());
        }
        if self.parent_package.as_deref() != Some(&**package) {
            self.parent_package = Some(package.clone());
        }
        if let Some(p) = &self.package {
            if p.contains("_group_") {
                let resolved = p.replace("_group_", &self.default_package());
                self.package = Some(format!("_global_.{resolved}"));
            }
        }
    }

    /// Records the loaded config's `# @package` header (always absolute).
    pub(crate) fn set_package_header(&mut self, header: Option<&str>) {
        let Some(h) = header else { return };
        let h = if h == "_global_" || h.starts_with("_global_.") {
            h.to_string()
        } else if h.is_empty() {
            "_global_".to_string()
        } else {
            format!("_global_.{h}")
        };
        self.package_header = Some(h);
    }

    fn base_dir(&self) -> &str {
        self.parent_base_dir.as_deref().unwrap_or("")
    }

    /// The group path: `server/db` for `db` inside `server/...`, `db` for `/db`.
    pub(crate) fn group_path(&self) -> String {
        match &self.kind {
            EntryKind::Group { group, .. } => match group.strip_prefix('/') {
                Some(abs) => abs.to_string(),
                None if self.base_dir().is_empty() => group.to_string(),
                None => format!("{}/{group}", self.base_dir()),
            },
            EntryKind::Config { path } => {
                let (abs, p) = match path.strip_prefix('/') {
                    Some(p) => (true, p),
                    None => (false, &**path),
                };
                let group = p.rfind('/').map(|i| &p[..i]).unwrap_or("");
                if abs || self.base_dir().is_empty() {
                    group.to_string()
                } else if group.is_empty() {
                    self.base_dir().to_string()
                } else {
                    format!("{}/{group}", self.base_dir())
                }
            }
            EntryKind::SelfRef => self.base_dir().to_string(),
        }
    }

    /// The option name (`mysql`), `None` for a null choice or a list.
    pub(crate) fn name(&self) -> Option<&str> {
        match &self.kind {
            EntryKind::Group {
                value: Choice::Name(n),
                ..
            } => Some(n),
            EntryKind::Group { .. } => None,
            EntryKind::Config { path } => Some(path.rsplit('/').next().unwrap_or(path)),
            EntryKind::SelfRef => Some("_self_"),
        }
    }

    /// The choice of a group entry.
    pub(crate) fn choice(&self) -> Option<&Choice> {
        match &self.kind {
            EntryKind::Group { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Replaces the choice of a group entry.
    pub(crate) fn set_choice(&mut self, choice: Choice) {
        if let EntryKind::Group { value, .. } = &mut self.kind {
            *value = choice;
        }
    }

    /// The config path: `db/mysql`.
    pub(crate) fn config_path(&self) -> String {
        match &self.kind {
            EntryKind::Group { .. } => {
                format!("{}/{}", self.group_path(), self.name().unwrap_or("null"))
            }
            EntryKind::Config { path } => match path.strip_prefix('/') {
                Some(abs) => abs.to_string(),
                None if self.base_dir().is_empty() => path.to_string(),
                None => format!("{}/{path}", self.base_dir()),
            },
            EntryKind::SelfRef => "_self_".into(),
        }
    }

    /// The package a config of this group gets by default: `server.db`.
    pub(crate) fn default_package(&self) -> String {
        self.group_path().replace('/', ".")
    }

    fn relative_group_path(&self) -> &str {
        match &self.kind {
            EntryKind::Group { group, .. } => group.trim_start_matches('/'),
            EntryKind::Config { path } => {
                let p = path.trim_start_matches('/');
                p.rfind('/').map(|i| &p[..i]).unwrap_or_default()
            }
            EntryKind::SelfRef => "",
        }
    }

    fn own_package(&self, default_to_header: bool) -> Option<&str> {
        match (&self.package, default_to_header) {
            (None, true) => self.package_header.as_deref(),
            (p, _) => p.as_deref(),
        }
    }

    /// The package the config lands in, relative to the root (`""` is the root).
    pub(crate) fn final_package(&self) -> String {
        self.final_package_with(true).into_owned()
    }

    fn final_package_with(&self, default_to_header: bool) -> Cow<'_, str> {
        // Borrowed where it can be: the tree builder asks for packages and
        // override keys of every entry, several times.
        let parent = self.parent_package.as_deref().unwrap_or("");
        let package = match self.own_package(default_to_header) {
            Some(p) => Cow::Borrowed(p),
            None => match self.relative_group_path() {
                g if g.contains('/') => Cow::Owned(g.replace('/', ".")),
                g => Cow::Borrowed(g),
            },
        };
        let joined = if parent.is_empty() {
            package
        } else if package.is_empty() {
            Cow::Borrowed(parent)
        } else {
            Cow::Owned(format!("{parent}.{package}"))
        };
        match rfind_global(&joined) {
            None => joined,
            Some(i) => Cow::Owned(
                joined
                    .get(i + "_global_".len() + 1..)
                    .unwrap_or("")
                    .to_string(),
            ),
        }
    }

    /// The key that command-line overrides use for this entry: `db`, or
    /// `db@src` when the entry lands outside its default package.
    pub(crate) fn override_key(&self) -> String {
        let key = self.group_path();
        let final_pkg = self.final_package_with(false);
        if is_default_package(&key, &final_pkg) {
            return key;
        }
        let pkg = if final_pkg.is_empty() {
            "_global_"
        } else {
            &final_pkg
        };
        format!("{key}@{pkg}")
    }

    /// True when the choice is `???`.
    pub(crate) fn is_missing(&self) -> bool {
        matches!(&self.kind, EntryKind::Group { value: Choice::Name(n), .. } if &**n == "???")
    }

    /// True when the choice (or config path) contains an interpolation.
    pub(crate) fn is_interpolation(&self) -> bool {
        match &self.kind {
            EntryKind::Group {
                value: Choice::Name(n),
                ..
            } => n.contains("${"),
            EntryKind::Config { path } => path.contains("${"),
            _ => false,
        }
    }
}

/// True when `package` is the default package of `group` (its path with
/// dots for slashes, [`Entry::default_package`]), compared without building it.
fn is_default_package(group: &str, package: &str) -> bool {
    group.len() == package.len()
        && group
            .bytes()
            .zip(package.bytes())
            .all(|(g, p)| p == if g == b'/' { b'.' } else { g })
}

/// Where the last `_global_` in `s` starts: `str::rfind` with a string
/// pattern first sets up a two-way searcher, most of the cost of a final
/// package on texts this short.
fn rfind_global(s: &str) -> Option<usize> {
    const GLOBAL: &[u8] = b"_global_";
    let bytes = s.as_bytes();
    let last = bytes.len().checked_sub(GLOBAL.len())?;
    (0..=last).rev().find(|&i| bytes[i..].starts_with(GLOBAL))
}

/// Parses the `defaults` value of the config at `config_path` into entries,
/// with Hydra's validation rules.
pub(super) fn parse_defaults(config_path: &str, defaults: &Node) -> Result<Vec<Entry>, Error> {
    let items = match &defaults.value {
        Value::List(items) => items,
        other => {
            let got = if matches!(other, Value::Map(_)) {
                "mapping"
            } else {
                other.type_name()
            };
            return Err(Error::new(
                ErrorKind::DefaultsList,
                format!(
                    "Invalid defaults list in '{config_path}', defaults must be a list (got {got})"
                ),
            )
            .with_origin(defaults.origin.clone())
            .with_hint(
                "write the defaults as a YAML list: `defaults:\\n  - db: mysql\\n  - _self_`",
            ));
        }
    };
    items
        .iter()
        .map(|item| parse_item(config_path, item))
        .collect()
}

fn parse_item(config_path: &str, item: &Node) -> Result<Entry, Error> {
    let origin = item.origin.clone();
    match &item.value {
        Value::Str(s) | Value::Interp(s) => {
            let (path, package) = split_package(s);
            if path == "_self_" {
                if package.is_some() {
                    return Err(Error::new(
                        ErrorKind::DefaultsList,
                        "_self_@PACKAGE is not supported",
                    )
                    .with_origin(origin)
                    .with_hint("write `_self_` without a package"));
                }
                let mut e = Entry::self_ref();
                e.origin = origin;
                return Ok(e);
            }
            Ok(Entry::config(path, package, origin))
        }
        Value::Map(m) => {
            if m.len() != 1 {
                let what = if m.is_empty() {
                    "Missing group name in"
                } else {
                    "Too many keys in default item"
                };
                return Err(Error::new(
                    ErrorKind::DefaultsList,
                    format!(
                        "In {config_path}: {what} {}",
                        crate::python::python_repr(&item.value)
                    ),
                )
                .with_origin(origin)
                .with_hint("each entry is one `group: option` pair, e.g. `- db: mysql`"));
            }
            let (key, value) = m.iter().next().expect("one entry");
            // A string key as is; other keys (`1: x`) as they print.
            let key = match key.as_str() {
                Some(k) => std::borrow::Cow::Borrowed(k),
                None => std::borrow::Cow::Owned(key.to_string()),
            };
            let (group_words, package) = split_package(&key);
            // The group is the last word; `optional` and `override` lead.
            let (keywords, group) = match group_words.rsplit_once(' ') {
                Some((keywords, group)) => (Some(keywords), group),
                None => (None, group_words),
            };
            let mut optional = false;
            let mut is_override = false;
            for w in keywords.into_iter().flat_map(|k| k.split(' ')) {
                match w {
                    "optional" => optional = true,
                    "override" => is_override = true,
                    _ => break,
                }
            }
            let choice = parse_choice(config_path, value)?;
            let mut e = Entry::group(group, choice, package, value.origin.clone());
            e.optional = optional;
            e.is_override = is_override;
            if e.origin.is_unknown() {
                e.origin = origin;
            }
            Ok(e)
        }
        other => Err(Error::new(
            ErrorKind::DefaultsList,
            format!(
                "In {config_path}: Unsupported type in defaults : {}",
                other.type_name()
            ),
        )
        .with_origin(origin)
        .with_hint("entries are `- config_name`, `- group: option` or `- _self_`")),
    }
}

fn parse_choice(config_path: &str, value: &Node) -> Result<Choice, Error> {
    match &value.value {
        Value::Null => Ok(Choice::Null),
        Value::Missing => Ok(Choice::Name("???".into())),
        Value::Str(s) | Value::Interp(s) => Ok(Choice::Name(s.as_str().into())),
        Value::List(items) => items
            .iter()
            .map(|i| match &i.value {
                Value::Str(s) | Value::Interp(s) => Ok(s.to_string()),
                other => Err(Error::new(
                    ErrorKind::DefaultsList,
                    format!(
                        "In {config_path}: Unsupported item value in defaults : {}, nested list items must be strings",
                        other.type_name()
                    ),
                )
                .with_origin(i.origin.clone())),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Choice::Options),
        other => Err(Error::new(
            ErrorKind::DefaultsList,
            format!(
                "In {config_path}: Unsupported item value in defaults : {}. Supported: string or list",
                other.type_name()
            ),
        )
        .with_origin(value.origin.clone())
        .with_hint("quote the option name if it looks like a number or a boolean")),
    }
}

/// `group@pkg` → (`group`, `pkg`); a `pkg1:pkg2` rename keeps `pkg1`.
/// Borrowed: the entry built from them copies what it keeps.
fn split_package(text: &str) -> (&str, Option<String>) {
    match text.find('@') {
        None => (text, None),
        Some(i) => {
            let pkg = &text[i + 1..];
            let pkg = pkg.split(':').next().unwrap_or(pkg);
            (&text[..i], Some(pkg.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(g: &str, v: &str, pkg: Option<&str>) -> Entry {
        Entry::group(
            g,
            Choice::Name(v.into()),
            pkg.map(String::from),
            Origin::Unknown,
        )
    }

    #[test]
    fn a_default_package_is_the_group_with_dots() {
        for (g, p) in [
            ("db", "db"),
            ("a/b", "a.b"),
            ("a/b", "a/b"),
            ("a/b", "a.c"),
            ("", ""),
            ("ab", "a"),
        ] {
            assert_eq!(
                is_default_package(g, p),
                g.replace('/', ".") == p,
                "{g} {p}"
            );
        }
    }

    #[test]
    fn the_last_global_is_found_as_rfind_finds_it() {
        for s in [
            "",
            "_global_",
            "a._global_.b",
            "_global_global_",
            "x_global",
            "__global__",
        ] {
            assert_eq!(rfind_global(s), s.rfind("_global_"), "{s}");
        }
    }

    #[test]
    fn packages() {
        let mut e = group("db", "mysql", None);
        e.set_parent("", "");
        assert_eq!(
            (e.final_package(), e.override_key()),
            ("db".into(), "db".into())
        );
        let mut e = group("db", "mysql", Some("src"));
        e.set_parent("", "");
        assert_eq!(
            (e.final_package(), e.override_key()),
            ("src".into(), "db@src".into())
        );
        let mut e = group("/region", "eu", None);
        e.set_parent("profiles", "profiles");
        assert_eq!(e.override_key(), "region@profiles.region");
        assert_eq!(e.config_path(), "region/eu");
        let mut e = group("reader", "csv", Some("_here_"));
        e.set_parent("pipeline", "pipeline");
        assert_eq!(e.final_package(), "pipeline");
        let mut e = group("db", "mysql", Some("_global_"));
        e.set_parent("", "");
        assert_eq!(
            (e.final_package(), e.override_key()),
            ("".into(), "db@_global_".into())
        );
        let mut e = group("db", "mysql", None);
        e.set_package_header(Some("_global_"));
        e.set_parent("", "");
        assert_eq!(
            (e.final_package(), e.override_key()),
            ("".into(), "db".into())
        );
        let mut e = group("db", "mysql", None);
        e.set_package_header(Some("a.b"));
        e.set_parent("server", "server");
        assert_eq!(e.final_package(), "a.b");
        assert_eq!(e.group_path(), "server/db");
    }

    #[test]
    fn config_paths() {
        let mut e = Entry::config("base", None, Origin::Unknown);
        e.set_parent("experiment", "");
        assert_eq!(e.config_path(), "experiment/base");
        let mut e = Entry::primary("profiles/prod");
        e.set_parent("", "");
        assert_eq!(e.final_package(), "profiles");
        assert_eq!(e.group_path(), "profiles");
    }
}
