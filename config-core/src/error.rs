//! One error type for every stage of the flow.
//!
//! An [`Error`] says what is wrong (its [`ErrorKind`] and message), where
//! (the full key path, and the [`Origin`] of the offending value: file
//! position or command-line argument), and how to fix it (hints such as the
//! valid options and a "did you mean").

use crate::origin::Origin;
use std::fmt;

/// What kind of failure an [`Error`] is. Mirrors OmegaConf's and Hydra's
/// exception classes, so users of the reference recognise them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading a file failed.
    Io,
    /// The YAML is malformed.
    Yaml,
    /// A loader limit (depth, alias budget, size) was exceeded.
    Limit,
    /// A mapping has the same key twice.
    DuplicateKey,
    /// A key of an unsupported type (e.g. null).
    KeyType,
    /// A path names no node.
    KeyNotFound,
    /// A value is the missing marker `???`.
    MissingValue,
    /// Two nodes cannot be merged, or a value has the wrong type.
    Type,
    /// Write to a readonly node.
    Readonly,
    /// New key in a struct (closed) mapping.
    Struct,
    /// Bad interpolation syntax.
    Grammar,
    /// An interpolation names a key that does not exist.
    InterpolationKey,
    /// An interpolation points at a `???` value.
    InterpolationToMissing,
    /// Interpolations that refer to each other.
    Cycle,
    /// An unknown resolver, or a resolver that failed.
    Resolver,
    /// Other interpolation failures.
    Interpolation,
    /// A command-line override that does not parse.
    OverrideParse,
    /// A well-formed override that cannot be applied.
    Override,
    /// A config, group or option that cannot be found.
    MissingConfig,
    /// A defaults list that is invalid.
    DefaultsList,
    /// Other composition failures.
    Compose,
    /// A value that fails validation.
    Validation,
}

/// An error with what, where and how to fix it.
///
/// ```
/// use config_core::{Error, ErrorKind, Origin};
/// let e = Error::new(ErrorKind::KeyNotFound, "Key 'lrr' not found")
///     .with_key("optimizer.lrr")
///     .with_origin(Origin::arg(2, "optimizer.lrr=1"))
///     .with_hint("did you mean 'optimizer.lr'?");
/// let text = e.to_string();
/// assert!(text.contains("full_key: optimizer.lrr"));
/// assert!(text.contains("command-line argument 2"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    /// The kind of failure.
    pub kind: ErrorKind,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The full key path (`a.b[0].c`), when the error concerns a node.
    pub key: Option<String>,
    /// Where the offending value came from.
    pub origin: Option<Origin>,
    /// How to fix it: valid options, did-you-mean, the command that works.
    pub hints: Vec<String>,
}

impl Error {
    /// A new error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            key: None,
            origin: None,
            hints: Vec::new(),
        }
    }

    /// Sets the full key, if not set yet.
    pub fn with_key(mut self, key: impl Into<String>) -> Error {
        if self.key.is_none() {
            self.key = Some(key.into());
        }
        self
    }

    /// Sets the origin, if not set yet and the given one is known.
    pub fn with_origin(mut self, origin: Origin) -> Error {
        if self.origin.is_none() && !origin.is_unknown() {
            self.origin = Some(origin);
        }
        self
    }

    /// Adds a hint line.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.hints.push(hint.into());
        self
    }

    /// The message plus, for a file origin, a snippet of the source line
    /// with a caret under the column (the file is re-read; best effort).
    pub fn render(&self) -> String {
        let mut out = self.to_string();
        if let Some(Origin::File { path, line, col }) = &self.origin {
            if let Some(snippet) = snippet_from_file(path, *line, *col) {
                out.push('\n');
                out.push_str(&snippet);
            }
        }
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(key) = &self.key {
            write!(f, "\n    full_key: {key}")?;
        }
        if let Some(origin) = &self.origin {
            write!(f, "\n    at {origin}")?;
        }
        for hint in &self.hints {
            write!(f, "\n  help: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// `line | text` plus a caret line, for a 1-based line and column of `text`.
pub fn snippet(text: &str, line: u32, col: u32) -> Option<String> {
    let src = text.lines().nth(line.checked_sub(1)? as usize)?;
    let num = line.to_string();
    let pad = " ".repeat(num.len());
    let caret_at: usize = src.chars().take(col.saturating_sub(1) as usize).count();
    Some(format!(
        "{pad} |\n{num} | {src}\n{pad} | {}^",
        " ".repeat(caret_at)
    ))
}

fn snippet_from_file(path: &str, line: u32, col: u32) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    snippet(&text, line, col)
}

/// The candidates closest to `word` (Damerau-free Levenshtein), best first:
/// the "did you mean" of every error that lists options. A candidate that
/// extends `word` at a word boundary (`env` → `env_set`) counts as close.
///
/// ```
/// use config_core::error::did_you_mean;
/// assert_eq!(did_you_mean("max_itr", ["max_iter", "seed"]), ["max_iter"]);
/// assert_eq!(did_you_mean("env", ["name", "env_set", "env_copy"]), ["env_set", "env_copy"]);
/// ```
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let max = (word.chars().count() / 3).max(1) + 1;
    let extends = |c: &str| {
        word.chars().count() >= 3
            && c.strip_prefix(word)
                .is_some_and(|rest| rest.starts_with(['_', '-', '.', '/']))
    };
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| {
            let d = edit_distance(word, c);
            (if d > max && extends(c) { max } else { d }, c)
        })
        .filter(|(d, _)| *d <= max)
        .collect();
    // Stable: among equally close candidates, the first listed wins.
    scored.sort_by_key(|(d, _)| *d);
    scored.into_iter().map(|(_, c)| c).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_rank_closest_first() {
        let got = did_you_mean("max_itr", ["max_iter", "logging_iter", "name"]);
        assert_eq!(got, vec!["max_iter"]);
    }

    #[test]
    fn snippet_points_at_column() {
        let s = snippet("a: 1\nbb: [\n", 2, 5).unwrap();
        assert!(s.ends_with("  |     ^"), "{s}");
    }
}
