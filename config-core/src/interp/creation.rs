//! The check OmegaConf makes when it creates a node: a string value holding
//! `${` must be a valid interpolation, whether or not it is ever resolved.
//!
//! Place in the flow: **load** (the YAML loader calls [`check_tree`] on
//! every document with `${` in its text) → compose → resolve. So a config
//! with `a: ${` fails when it is loaded, as `OmegaConf.create` and Hydra's
//! compose fail, even when a later config or override replaces the value.
//!
//! OmegaConf (`_utils.get_value_kind` with strict validation) first tries a
//! cheap regular expression for common interpolations and parses with the
//! grammar only when it does not match. The expression accepts a few texts
//! the grammar rejects (`${:x}`), which then fail only when resolved; so a
//! text the grammar rejects is refused here only when the expression does
//! not match it either ([`simple_interpolation`]).

use super::grammar;
use super::resolve::grammar_error;
use crate::error::Error;
use crate::node::{CompactString, Node, Value};
use crate::path::{child_key, index_key};

/// Fails on the first string value (keys are not checked, as OmegaConf
/// does not) that OmegaConf would refuse to create, naming its key and
/// where it was written.
pub(crate) fn check_tree(root: &Node) -> Result<(), Error> {
    // Iterative: loaded trees may be as deep as the loader allows. The key
    // of a node is built only for an error.
    let mut stack: Vec<(&Node, usize)> = vec![(root, usize::MAX)];
    let mut parents: Vec<(usize, KeyStep)> = Vec::new();
    while let Some((node, parent)) = stack.pop() {
        match &node.value {
            Value::Interp(s) => {
                if let Err(e) = check(s) {
                    let key = key_of(&parents, parent);
                    return Err(e.with_key(key).with_origin(node.origin.clone()));
                }
            }
            Value::Map(m) => {
                for (k, child) in m.iter().rev() {
                    if child.value.is_container() || matches!(child.value, Value::Interp(_)) {
                        parents.push((parent, KeyStep::Key(k.clone())));
                        stack.push((child, parents.len() - 1));
                    }
                }
            }
            Value::List(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    if child.value.is_container() || matches!(child.value, Value::Interp(_)) {
                        parents.push((parent, KeyStep::Index(i)));
                        stack.push((child, parents.len() - 1));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether OmegaConf creates a node holding the string `s` (which holds
/// `${`): the grammar's error when it would not.
pub(crate) fn check(s: &str) -> Result<(), Error> {
    match grammar::parse(s) {
        Err(_) if simple_interpolation(s) => Ok(()),
        Err(g) => Err(grammar_error(s, &g)),
        Ok(_) => Ok(()),
    }
}

/// [`Value::string`] as OmegaConf creates a node of `s` (from an override,
/// or in a node a resolver creates): an interpolation must be valid.
pub(crate) fn created_string(s: impl Into<CompactString>) -> Result<Value, Error> {
    match Value::string(s) {
        Value::Interp(s) => check(&s).map(|()| Value::Interp(s)),
        v => Ok(v),
    }
}

/// One step of a key path.
enum KeyStep {
    Key(crate::node::Key),
    Index(usize),
}

/// The full key of the node whose step is `parents[at]`.
fn key_of(parents: &[(usize, KeyStep)], mut at: usize) -> String {
    let mut steps = Vec::new();
    while at != usize::MAX {
        let (up, step) = &parents[at];
        steps.push(step);
        at = *up;
    }
    steps
        .iter()
        .rev()
        .fold(String::new(), |key, step| match step {
            KeyStep::Key(k) => child_key(&key, k),
            KeyStep::Index(i) => index_key(&key, *i),
        })
}

/// Whether `s` matches OmegaConf's `SIMPLE_INTERPOLATION_PATTERN`: text
/// without `${`, then one or more simple interpolations each followed by
/// such text. A simple interpolation is a dotted reference
/// (`${ ..a.b[c] }`, names of word characters and `$`) or a resolver call
/// with plain arguments (`${name.sub: a, b/c}`). Neither holds `{` or `}`,
/// so each ends at the first `}` after its `${`.
fn simple_interpolation(s: &str) -> bool {
    let Some(first) = s.find("${") else {
        return false;
    };
    let mut rest = &s[first..];
    while let Some(body) = rest.strip_prefix("${") {
        let Some(end) = body.find('}') else {
            return false;
        };
        let inner = &body[..end];
        if inner.contains("${") || !(simple_reference(inner) || simple_call(inner)) {
            return false;
        }
        rest = &body[end + 1..];
        // The text after it, up to the next `${` (the pattern's `$(?!{)`).
        rest = match rest.find("${") {
            Some(next) => &rest[next..],
            None => return true,
        };
    }
    false
}

/// Python's `\w` in a `str` pattern: alphanumeric or `_`.
fn word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `\s*(\.)*([$\w]+|\[[$\w]+\])(\.[$\w]+|\[[$\w]+\])*\s*`
fn simple_reference(inner: &str) -> bool {
    let key = |c: char| word(c) || c == '$';
    let mut s = inner
        .trim_matches(char::is_whitespace)
        .trim_start_matches('.');
    let mut first = true;
    while !s.is_empty() {
        if let Some(r) = s.strip_prefix('[') {
            let Some(close) = r.find(']') else {
                return false;
            };
            if close == 0 || !r[..close].chars().all(key) {
                return false;
            }
            s = &r[close + 1..];
        } else {
            if !first {
                let Some(r) = s.strip_prefix('.') else {
                    return false;
                };
                s = r;
            }
            let len = s.find(|c: char| !key(c)).unwrap_or(s.len());
            if len == 0 {
                return false;
            }
            s = &s[len..];
        }
        first = false;
    }
    !first
}

/// `\s*([a-zA-Z_][\w\-]*(\.[a-zA-Z_][\w\-]*)*)?\s*:\s*ARG(\s*,\s*ARG)*?\s*`
/// with `ARG = [a-zA-Z_0-9/\-\+.$%*@?|]+`.
fn simple_call(inner: &str) -> bool {
    let Some((name, args)) = inner.split_once(':') else {
        return false;
    };
    let name = name.trim_matches(char::is_whitespace);
    let name_ok = name.is_empty()
        || name.split('.').all(|part| {
            let mut cs = part.chars();
            cs.next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && cs.all(|c| word(c) || c == '-')
        });
    let arg_char = |c: char| c.is_ascii_alphanumeric() || "_/-+.$%*@?|".contains(c);
    name_ok
        && args.split(',').all(|a| {
            let a = a.trim_matches(char::is_whitespace);
            !a.is_empty() && a.chars().all(arg_char)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simple_pattern_as_omegaconf_matches_it() {
        // Each checked with Python's `SIMPLE_INTERPOLATION_PATTERN.match`.
        for s in [
            "${a$b}",
            "${$}",
            "${[$a]}",
            "${..a}",
            "${a.$b}",
            "${ a }",
            "${a:b}",
            "${a-b:c}",
            "${:x}",
            "${ : x}",
            "${a:|}",
            "${a:?,*}",
            "${a.b-c:d}",
            "${a:b,c}",
            "${a:b ,  c}",
            "x$y${a}",
            "${a}$",
            "${a:$}",
            "${é}",
            "p ${a} q ${b.c[0]} r",
        ] {
            assert!(simple_interpolation(s), "{s}");
        }
        for s in [
            "${a:é}",
            "${",
            "x${}",
            "${.}",
            "${a.}",
            "${a b}",
            "${a:}",
            "${a:b,}",
            "${a}${",
            "${${a}}",
            "${a:{b}}",
            "no interpolation",
            "${[a}",
            "${a[]}",
            "${1a:b}",
        ] {
            assert!(!simple_interpolation(s), "{s}");
        }
    }

    #[test]
    fn a_malformed_value_fails_with_its_key_and_position() {
        let e = Node::from_yaml_str("a:\n  b: [1, 'x ${y']\nk: ${ok}\n").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Grammar);
        assert_eq!(e.key(), Some("a.b[1]"));
        let origin = e.origin().unwrap().to_string();
        assert!(origin.ends_with(":2:10"), "{origin}");
        // Keys are not checked, escapes are text, and the grammar's own
        // failures that the simple pattern accepts are left to resolution.
        for ok in [
            "'${k': 1",
            "a: \\${",
            "a: ${:x}",
            "a: ${oc.env:}",
            "a: x ${b} y",
        ] {
            Node::from_yaml_str(ok).unwrap();
        }
    }

    /// An override's value is checked as OmegaConf checks it when Hydra
    /// merges the override ("Error merging override").
    #[test]
    fn a_malformed_override_value_fails_at_its_argument() {
        use crate::overrides::parse_override;
        use crate::Origin;
        let origin = Origin::arg(1, "a='${x'");
        let o = parse_override("a='${x'").unwrap();
        let e = o.element().unwrap().try_to_node(&origin).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Grammar);
        assert_eq!(e.origin(), Some(&origin));
        for ok in ["a='${x}'", "a='\\${x'", "a='${:x}'"] {
            let o = parse_override(ok).unwrap();
            o.element().unwrap().try_to_node(&origin).unwrap();
        }
    }
}
