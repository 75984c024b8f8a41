//! Provenance: where a node's value came from.
//!
//! Every [`Node`](crate::Node) carries an [`Origin`]. The loader stamps file
//! positions, the override applier stamps command-line arguments, the store
//! stamps its entries and the typed layer stamps defaults written in code.
//! Merge keeps origins, and remembers the value a leaf replaced, so that
//! `--explain` can print the whole chain for one key.
//!
//! An origin is 16 bytes, and copying one touches no reference count: a
//! loaded tree has one per value, so its size is a good part of a tree's
//! memory, and the loader creates one per value. File paths, store entry
//! names and type names are [`Name`]s (interned: a 4-byte id), and an
//! override's text is one shared pointer ([`ArgText`]).

use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock, RwLock};

/// Where a value came from.
///
/// ```
/// use config_core::Origin;
/// let o = Origin::file("conf/config.yaml", 9, 3);
/// assert_eq!(o.to_string(), "conf/config.yaml:9:3");
/// assert_eq!((o.path(), o.line(), o.col()), (Some("conf/config.yaml"), Some(9), Some(3)));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Origin {
    /// Not recorded (values built by hand in tests, for instance).
    #[default]
    Unknown,
    /// A position in a YAML file or string: 1-based line and column.
    File {
        /// Path of the file, or a label such as `<string>`.
        path: Name,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        col: u32,
    },
    /// A command-line override: its 1-based argument index and its text.
    Override {
        /// 1-based position on the command line.
        index: u32,
        /// The override as written, e.g. `trainer.max_iter=10`.
        text: ArgText,
    },
    /// An entry registered in a [`ConfigStore`](crate::store) from code.
    Store {
        /// Group path, empty for a primary config.
        group: Name,
        /// Option name.
        name: Name,
    },
    /// A default written in code, e.g. by `#[derive(Config)]`.
    Code {
        /// The Rust type that declared the default.
        type_name: Name,
    },
    /// A container produced by merging several sources.
    Merge,
}

impl Origin {
    /// A file position (1-based line and column).
    pub fn file(path: impl AsRef<str>, line: u32, col: u32) -> Origin {
        Origin::File {
            path: Name::new(path.as_ref()),
            line,
            col,
        }
    }

    /// A command-line override at 1-based `index`.
    pub fn arg(index: usize, text: impl AsRef<str>) -> Origin {
        Origin::Override {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            text: ArgText::new(text.as_ref()),
        }
    }

    /// An entry of the [`ConfigStore`](crate::store): `group` (empty for a
    /// primary config) and option `name`.
    pub fn store(group: &str, name: &str) -> Origin {
        Origin::Store {
            group: Name::new(group),
            name: Name::new(name),
        }
    }

    /// A default declared in code by the type `type_name`.
    pub fn code(type_name: &str) -> Origin {
        Origin::Code {
            type_name: Name::new(type_name),
        }
    }

    /// True for [`Origin::Unknown`].
    pub fn is_unknown(&self) -> bool {
        matches!(self, Origin::Unknown)
    }

    /// The file path (or label) of a [`Origin::File`].
    pub fn path(&self) -> Option<&'static str> {
        match self {
            Origin::File { path, .. } => Some(path.as_str()),
            _ => None,
        }
    }

    /// The 1-based line of a [`Origin::File`].
    pub fn line(&self) -> Option<u32> {
        match self {
            Origin::File { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// The 1-based column of a [`Origin::File`].
    pub fn col(&self) -> Option<u32> {
        match self {
            Origin::File { col, .. } => Some(*col),
            _ => None,
        }
    }

    /// The 1-based command-line position of an [`Origin::Override`].
    pub fn arg_index(&self) -> Option<usize> {
        match self {
            Origin::Override { index, .. } => Some(*index as usize),
            _ => None,
        }
    }

    /// The text of an [`Origin::Override`], as written.
    pub fn arg_text(&self) -> Option<&str> {
        match self {
            Origin::Override { text, .. } => Some(text),
            _ => None,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Unknown => f.write_str("<unknown>"),
            Origin::File { path, line, col } => write!(f, "{path}:{line}:{col}"),
            Origin::Override { index, text } => {
                write!(f, "command-line argument {index} (`{text}`)")
            }
            Origin::Store { group, name } if group.is_empty() => write!(f, "store entry '{name}'"),
            Origin::Store { group, name } => write!(f, "store entry '{group}/{name}'"),
            Origin::Code { type_name } => write!(f, "default in {type_name}"),
            Origin::Merge => f.write_str("<merge>"),
        }
    }
}

/// An interned string: a file path or label, a store group or option name,
/// a type name. It derefs to `&str`; equal strings are equal names.
///
/// A name is a 4-byte id into a process-wide table, so origins copy it
/// without reference counting. Each distinct string is kept for the life
/// of the process (configs name a bounded set of files, entries and types;
/// command-line text is an [`ArgText`] instead, never kept past its use).
///
/// ```
/// use config_core::origin::Name;
/// let a = Name::new("conf/config.yaml");
/// assert_eq!(a, Name::new("conf/config.yaml"));
/// assert_eq!(a.as_str(), "conf/config.yaml");
/// assert!(a.ends_with(".yaml"));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Name(u32);

/// The table behind [`Name`]: strings by id, and ids by string.
#[derive(Default)]
struct Names {
    strings: Vec<&'static str>,
    ids: HashMap<&'static str, u32>,
}

fn names() -> &'static RwLock<Names> {
    static NAMES: OnceLock<RwLock<Names>> = OnceLock::new();
    NAMES.get_or_init(Default::default)
}

impl Name {
    /// The name of `s` (interned on first use).
    pub fn new(s: &str) -> Name {
        let table = names();
        if let Some(id) = table.read().unwrap_or_else(|e| e.into_inner()).ids.get(s) {
            return Name(*id);
        }
        let mut t = table.write().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = t.ids.get(s) {
            return Name(*id);
        }
        let id = u32::try_from(t.strings.len()).expect("fewer than 2^32 distinct names");
        let s: &'static str = Box::leak(s.into());
        t.strings.push(s);
        t.ids.insert(s, id);
        Name(id)
    }

    /// The string.
    pub fn as_str(&self) -> &'static str {
        names().read().unwrap_or_else(|e| e.into_inner()).strings[self.0 as usize]
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name::new(s)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// The text of a command-line override, shared by the nodes it sets (one
/// pointer, so that an [`Origin`] stays 16 bytes). Derefs to `&str`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ArgText(Arc<Box<str>>);

impl ArgText {
    /// The text `s`.
    pub fn new(s: &str) -> ArgText {
        ArgText(Arc::new(s.into()))
    }
}

impl Deref for ArgText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for ArgText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for ArgText {
    fn from(s: &str) -> ArgText {
        ArgText::new(s)
    }
}

impl fmt::Display for ArgText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ArgText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_is_small() {
        assert_eq!(std::mem::size_of::<Origin>(), 16);
    }

    #[test]
    fn names_intern() {
        let a = Name::new("x/y.yaml");
        assert_eq!(a, Name::from("x/y.yaml"));
        assert_ne!(a, Name::new("x/z.yaml"));
        assert_eq!(format!("{a} {a:?}"), "x/y.yaml \"x/y.yaml\"");
        assert_eq!(
            Origin::store("db", "mysql").to_string(),
            "store entry 'db/mysql'"
        );
        assert_eq!(Origin::arg(2, "a=1").arg_text(), Some("a=1"));
    }
}
