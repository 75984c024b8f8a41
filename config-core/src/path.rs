//! Key paths: `a.b`, `a[0]`, `a.0`, `a['key.with.dots']`, and the OmegaConf
//! spelling of a node's full key (`a.b[0].c`) used in every error.

use crate::error::{Error, ErrorKind};
use crate::node::Key;

/// Splits a path into its segments.
///
/// ```
/// use config_core::parse_path;
/// assert_eq!(parse_path("a.b[0]['x.y']").unwrap(), vec!["a", "b", "0", "x.y"]);
/// assert!(parse_path("").unwrap().is_empty());
/// ```
pub fn parse_path(path: &str) -> Result<Vec<String>, Error> {
    let mut segs = Vec::new();
    let bytes = path.as_bytes();
    let mut i = 0;
    let mut cur = String::new();
    let bad = |msg: &str| {
        Error::new(
            ErrorKind::KeyNotFound,
            format!("Invalid key path '{path}': {msg}"),
        )
    };
    while i < bytes.len() {
        match bytes[i] {
            b'.' => {
                if cur.is_empty()
                    && (segs.is_empty() || bytes.get(i.wrapping_sub(1)) != Some(&b']'))
                {
                    return Err(bad("empty key between dots"));
                }
                if !cur.is_empty() {
                    segs.push(std::mem::take(&mut cur));
                }
                i += 1;
            }
            b'[' => {
                if !cur.is_empty() {
                    segs.push(std::mem::take(&mut cur));
                }
                let close = path[i..].find(']').ok_or_else(|| bad("unclosed '['"))? + i;
                let inner = path[i + 1..close].trim();
                let inner = strip_quotes(inner);
                segs.push(inner.to_string());
                i = close + 1;
            }
            _ => {
                let ch = path[i..].chars().next().unwrap_or_default();
                cur.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    if !cur.is_empty() {
        segs.push(cur);
    } else if path.ends_with('.') {
        return Err(bad("trailing dot"));
    }
    Ok(segs)
}

fn strip_quotes(s: &str) -> &str {
    for q in ['\'', '"'] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return &s[1..s.len() - 1];
        }
    }
    s
}

/// Appends a mapping key to a full key: `a` + `b` = `a.b`.
pub(crate) fn child_key(parent: &str, key: &Key) -> String {
    join_key(parent, key)
}

/// Appends a name to a full key: `a` + `b` = `a.b`, and at the root (an
/// empty key) the name alone. The one rule for joining keys.
pub(crate) fn join_key(parent: &str, name: impl std::fmt::Display) -> String {
    use std::fmt::Write;
    if parent.is_empty() {
        return name.to_string();
    }
    // One allocation, usually of the right size (keys are joined for every
    // value typed and merged; `format!` would reallocate).
    let mut key = String::with_capacity(parent.len() + 16);
    key.push_str(parent);
    key.push('.');
    let _ = write!(key, "{name}");
    key
}

/// Appends a list index to a full key: `a` + `0` = `a[0]`.
pub(crate) fn index_key(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse_path("a.0.b").unwrap(), vec!["a", "0", "b"]);
        assert_eq!(parse_path("a[1][2]").unwrap(), vec!["a", "1", "2"]);
        assert_eq!(parse_path("['k.d'].x").unwrap(), vec!["k.d", "x"]);
        assert!(parse_path("a..b").is_err());
        assert!(parse_path("a[0").is_err());
    }
}

#[cfg(test)]
mod doc_examples {
    #[test]
    fn join_key_example() {
        use crate::path::join_key;
        assert_eq!(join_key("trainer", "lr"), "trainer.lr");
        assert_eq!(join_key("", "lr"), "lr");
    }
}
