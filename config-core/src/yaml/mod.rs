//! YAML in and out, with OmegaConf 2.3's loader rules (YAML 1.1 scalars,
//! merge keys, duplicate keys rejected) and spans on every node.
//!
//! First stage of the flow (load → compose → resolve → type → freeze): files
//! become [`Node`] trees here, and trees become YAML text again at the end.
//!
//! - [`load_str`] / [`load_file`]: text → tree, every node stamped with
//!   `Origin::File { path, line, col }` (1-based), bounded by [`Limits`].
//! - [`to_yaml`]: tree → text in `OmegaConf.to_yaml`'s style, quoting every
//!   string a YAML 1.1 reader such as PyYAML would read as another type.
//!
//! ```
//! use config_core::{Node, Value};
//! let cfg = Node::from_yaml_str("lr: 1e-3\nflag: yes\nver: '010'\nwhen: 2023-07-04\n").unwrap();
//! assert_eq!(cfg.get("lr").unwrap().value, Value::Float(0.001));
//! assert_eq!(cfg.get("flag").unwrap().value, Value::Bool(true));
//! assert_eq!(cfg.to_yaml(), "lr: 0.001\nflag: true\nver: '010'\nwhen: '2023-07-04'\n");
//! ```
//!
//! Tags: `!!str`, `!!int`, `!!float`, `!!bool` and `!!null` on scalars and
//! `!!seq`/`!!map` on containers work as in PyYAML, written as shorthands
//! or verbatim (`!<tag:yaml.org,2002:str>`); the non-specific `!` types a
//! scalar as if it were plain. Every other tag (`!!timestamp`, `!!binary`,
//! `!!set`, `!custom`, ...) is an error, since OmegaConf cannot hold what
//! PyYAML would build for it.
//!
//! As PyYAML's reader, the loader refuses non-printable characters anywhere
//! in a document (C0 controls but tab, CR and LF; DEL; C1 controls but NEL;
//! `U+FFFE`/`U+FFFF`) and a `%YAML` directive whose major version is not 1.
//!
//! Known differences from PyYAML: an anchor may be redefined (YAML 1.2; the
//! latest definition wins) where PyYAML rejects the second one; integers
//! beyond `i64` are kept as their decimal digits ([`crate::Value::BigInt`]),
//! at most 4,300 of them (Python's `sys.int_info.default_max_str_digits`):
//! a longer decimal int fails in PyYAML too, but a hex, octal, binary or
//! sexagesimal int with more decimal digits, which Python loads (and cannot
//! print), is refused here. A `-` before `,`, `]` or `}` in a flow
//! collection (`[1 -]`, `[-]`) needs a retry of saphyr's parse (see
//! `flow_dash`): past 16 of them in one document it is an error (quote the
//! values).

mod emit;
#[cfg(test)]
pub(crate) use emit::tests as emit_tests;
mod fast;
mod file;
mod flow_dash;
mod flow_indent;
mod limits;
pub(crate) mod load;
mod reader;
mod scalar;
mod split;

pub(crate) use file::read_text;
pub use limits::{Limits, NODE_BYTES};

use crate::error::{Error, ErrorKind};
use crate::node::Node;
use std::path::Path;

/// Loads a YAML document as OmegaConf 2.3's loader does. `source` labels the
/// origins (a file path, or `<string>`). As `OmegaConf.create`, it refuses
/// a string value that holds a malformed interpolation (`a: ${`), even one
/// that is never resolved; [`load_data_str`] reads YAML that is data, not
/// config.
///
/// ```
/// use config_core::yaml::{load_str, Limits};
/// use config_core::{ErrorKind, Origin};
/// let cfg = load_str("a:\n  b: 1\n", "conf.yaml", &Limits::default()).unwrap();
/// assert_eq!(cfg.select("a.b").unwrap().unwrap().origin, Origin::file("conf.yaml", 2, 6));
/// let err = load_str("a: 1\na: 2\n", "conf.yaml", &Limits::default()).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::DuplicateKey);
/// assert_eq!(err.origin(), Some(&Origin::file("conf.yaml", 2, 1)));
/// ```
pub fn load_str(text: &str, source: &str, limits: &Limits) -> Result<Node, Error> {
    load::load(text, source, limits)
}

/// [`load_str`] for YAML that is data rather than config (a list of
/// override strings, a test's expected output): the same tree, without the
/// check that its `${...}` strings are valid interpolations.
///
/// ```
/// use config_core::yaml::{load_data_str, load_str, Limits};
/// assert!(load_str("- v=${}\n", "o.yaml", &Limits::default()).is_err());
/// let data = load_data_str("- v=${}\n", "o.yaml", &Limits::default()).unwrap();
/// assert_eq!(data.to_yaml(), "- v=${}\n");
/// ```
pub fn load_data_str(text: &str, source: &str, limits: &Limits) -> Result<Node, Error> {
    load::load_data(text, source, limits)
}

/// Loads a YAML file (see [`load_str`]); origins name `path` as given.
/// Only a regular file (symlinks followed) is read, and at most
/// `limits.max_size` bytes of it: a FIFO, a device or a bigger file is an
/// error at once.
pub fn load_file(path: &Path, limits: &Limits) -> Result<Node, Error> {
    let (text, label) = read_file(path, limits)?;
    load_str(&text, &label, limits)
}

/// [`load_file`] for a file of data (see [`load_data_str`]).
pub fn load_data_file(path: &Path, limits: &Limits) -> Result<Node, Error> {
    let (text, label) = read_file(path, limits)?;
    load_data_str(&text, &label, limits)
}

/// The text of the file at `path` and its label, read as [`load_file`] says.
fn read_file(path: &Path, limits: &Limits) -> Result<(String, String), Error> {
    let label = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        Error::new(ErrorKind::Io, format!("cannot read config file '{label}'"))
            .with_source(e)
            .with_hint("check the path and its permissions")
    })?;
    let text = file::read_text(path, &meta, &label, limits)?;
    Ok((text, label))
}

/// Emits a tree as YAML, in `OmegaConf.to_yaml`'s style (see the module docs).
///
/// ```
/// use config_core::Node;
/// let cfg = Node::from_yaml_str("a: {b: [1, 2], c: 'yes', d: 1.0e-6}").unwrap();
/// assert_eq!(cfg.to_yaml(), "a:\n  b:\n  - 1\n  - 2\n  c: 'yes'\n  d: 1.0e-06\n");
/// ```
pub fn to_yaml(node: &Node) -> String {
    emit::to_yaml(node)
}

impl Node {
    /// Parses a YAML string with the default [`Limits`].
    pub fn from_yaml_str(text: &str) -> Result<Node, Error> {
        load_str(text, "<string>", &Limits::default())
    }

    /// Parses a YAML file with the default [`Limits`].
    pub fn from_yaml_file(path: impl AsRef<Path>) -> Result<Node, Error> {
        load_file(path.as_ref(), &Limits::default())
    }

    /// This tree as YAML, in `OmegaConf.to_yaml`'s style.
    pub fn to_yaml(&self) -> String {
        to_yaml(self)
    }
}
