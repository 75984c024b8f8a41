//! Provenance: where a node's value came from.
//!
//! Every [`Node`](crate::Node) carries an [`Origin`]. The loader stamps file
//! positions, the override applier stamps command-line arguments, the store
//! stamps its entries and the typed layer stamps defaults written in code.
//! Merge keeps origins, and remembers the value a leaf replaced, so that
//! `--explain` can print the whole chain for one key.
//!
//! An origin is 24 bytes: a loaded tree has one per value, so its size is
//! a good part of a tree's memory. File paths, store entry names, type
//! names and an override's text are [`Name`]s, one shared pointer each,
//! made once per file or argument and shared by every node that comes
//! from it. There is no global table of names: a name lives as long as
//! the origins holding it.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

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
        text: Name,
    },
    /// An entry registered in a [`ConfigStore`](crate::ConfigStore) from code.
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
            text: Name::new(text.as_ref()),
        }
    }

    /// An entry of the [`ConfigStore`](crate::ConfigStore): `group` (empty for a
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
    pub fn path(&self) -> Option<&str> {
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

/// A shared string: a file path or label, a store group or option name, a
/// type name. It derefs to `&str`.
///
/// One pointer wide (a thin `Arc`), so that an [`Origin`] is 24 bytes: a
/// loaded tree has one origin per value, and the loader makes one name per
/// file, which every node of the file shares. No table behind it: a name
/// lives as long as the origins that hold it (nothing global, nothing
/// kept after use).
///
/// ```
/// use config_core::Name;
/// let a = Name::new("conf/config.yaml");
/// assert_eq!(a, Name::new("conf/config.yaml"));
/// assert_eq!(a.as_str(), "conf/config.yaml");
/// assert!(a.ends_with(".yaml"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Name(Arc<Box<str>>);

impl Name {
    /// The name `s`.
    pub fn new(s: &str) -> Name {
        Name(Arc::new(s.into()))
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        &self.0
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_is_small() {
        assert_eq!(std::mem::size_of::<Origin>(), 24);
    }

    #[test]
    fn names_compare_by_text() {
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
