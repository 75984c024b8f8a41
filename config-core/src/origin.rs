//! Provenance: where a node's value came from.
//!
//! Every [`Node`](crate::Node) carries an [`Origin`]. The loader stamps file
//! positions, the override applier stamps command-line arguments, the store
//! stamps its entries and the typed layer stamps defaults written in code.
//! Merge keeps origins, and remembers the value a leaf replaced, so that
//! `--explain` can print the whole chain for one key.

use std::fmt;
use std::sync::Arc;

/// Where a value came from.
///
/// ```
/// use config_core::Origin;
/// let o = Origin::file("conf/config.yaml", 9, 3);
/// assert_eq!(o.to_string(), "conf/config.yaml:9:3");
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
        path: Arc<str>,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        col: u32,
    },
    /// A command-line override: its 1-based argument index and its text.
    Override {
        /// 1-based position on the command line.
        index: usize,
        /// The override as written, e.g. `trainer.max_iter=10`.
        text: Arc<str>,
    },
    /// An entry registered in a [`ConfigStore`](crate::store) from code.
    Store {
        /// Group path, empty for a primary config.
        group: Arc<str>,
        /// Option name.
        name: Arc<str>,
    },
    /// A default written in code, e.g. by `#[derive(Config)]`.
    Code {
        /// The Rust type that declared the default.
        type_name: Arc<str>,
    },
    /// A container produced by merging several sources.
    Merge,
}

impl Origin {
    /// A file position (1-based line and column).
    pub fn file(path: impl Into<Arc<str>>, line: u32, col: u32) -> Origin {
        Origin::File {
            path: path.into(),
            line,
            col,
        }
    }

    /// A command-line override at 1-based `index`.
    pub fn arg(index: usize, text: impl Into<Arc<str>>) -> Origin {
        Origin::Override {
            index,
            text: text.into(),
        }
    }

    /// True for [`Origin::Unknown`].
    pub fn is_unknown(&self) -> bool {
        matches!(self, Origin::Unknown)
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
