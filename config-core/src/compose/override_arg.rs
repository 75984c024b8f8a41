//! Command-line overrides as composition sees them: the parsed override
//! (from [`crate::overrides`]) reduced to what the defaults list and the
//! value-override pass need, with its 1-based argument index and text.

use crate::error::{Error, ErrorKind};
use crate::node::Node;
use crate::origin::Origin;
use crate::overrides::{shorten, OverrideKind};

/// A sweep found on the command line (an error outside multirun).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepKind {
    /// `a,b` — the ambiguous form.
    SimpleChoice,
    /// `choice(...)`, `range(...)`, `glob(...)`, `interval(...)`.
    Other,
}

/// One parsed command-line override.
#[derive(Clone, Debug)]
pub struct CliOverride {
    /// 1-based position among the overrides.
    pub index: usize,
    /// The text as given.
    pub text: String,
    /// Change, add, force-add or delete.
    pub kind: OverrideKind,
    /// The key or group (`db`, `trainer.max_iter`, `server/db`).
    pub key: String,
    /// The `@pkg` part, if any.
    pub package: Option<String>,
    /// The value as a tree (origin: this argument); `None` for a bare `~key`.
    pub value: Option<Node>,
    /// Set when the value is a sweep.
    pub sweep: Option<SweepKind>,
}

impl CliOverride {
    /// The origin stamped on values from this override.
    pub fn origin(&self) -> Origin {
        Origin::arg(self.index, self.text.as_str())
    }

    /// `key@pkg` or `key`.
    pub fn key_with_package(&self) -> String {
        match &self.package {
            Some(p) => format!("{}@{p}", self.key),
            None => self.key.clone(),
        }
    }
}

/// Parses a command line's overrides, each at its 1-based position.
pub(crate) fn parse_all<S: AsRef<str>>(overrides: &[S]) -> Result<Vec<CliOverride>, Error> {
    overrides
        .iter()
        .enumerate()
        .map(|(i, o)| parse(i + 1, o.as_ref()))
        .collect()
}

/// Parses override `text`, the `index`-th (1-based) on the command line.
pub(crate) fn parse(index: usize, text: &str) -> Result<CliOverride, Error> {
    use crate::overrides::parse_override;
    let origin = Origin::arg(index, text);
    let o = parse_override(text).map_err(|e| {
        // A limit error is about a huge argument: name it shortened.
        if e.kind() == ErrorKind::Limit {
            e.with_origin(Origin::arg(index, shorten(text)))
        } else {
            e.with_origin(origin.clone())
        }
    })?;
    let sweep = match o.value_type() {
        Some("simple_choice_sweep") => Some(SweepKind::SimpleChoice),
        _ if o.is_sweep() => Some(SweepKind::Other),
        _ => None,
    };
    let value = match o.element() {
        Some(e) => Some(
            e.try_to_node(&origin)
                .map_err(|e| e.with_origin(origin.clone()))?,
        ),
        None => None,
    };
    Ok(CliOverride {
        index,
        text: text.to_string(),
        kind: o.kind,
        key: o.key_or_group().to_string(),
        package: o.package().map(str::to_string),
        value,
        sweep,
    })
}
