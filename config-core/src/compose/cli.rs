//! Command-line overrides as composition sees them: the parsed override
//! (from [`crate::overrides`]) reduced to what the defaults list and the
//! value-override pass need, with its 1-based argument index and text.

use crate::error::{Error, ErrorKind};
use crate::node::{Node, Value};
use crate::origin::Origin;

/// What an override does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverrideKind {
    /// `key=value`
    Change,
    /// `+key=value`
    Add,
    /// `++key=value`
    ForceAdd,
    /// `~key[=value]`
    Delete,
}

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

/// Parses override `text`, the `index`-th (1-based) on the command line.
pub fn parse(index: usize, text: &str) -> Result<CliOverride, Error> {
    fallback::parse(index, text)
}

/// A small override reader used until the full grammar is wired in.
mod fallback {
    use super::*;
    use crate::grammar::primitive::type_primitive;
    use crate::node::{Key, Map};

    pub(super) fn parse(index: usize, text: &str) -> Result<CliOverride, Error> {
        let origin = Origin::arg(index, text);
        let (kind, rest) = if let Some(r) = text.strip_prefix("++") {
            (OverrideKind::ForceAdd, r)
        } else if let Some(r) = text.strip_prefix('+') {
            (OverrideKind::Add, r)
        } else if let Some(r) = text.strip_prefix('~') {
            (OverrideKind::Delete, r)
        } else {
            (OverrideKind::Change, text)
        };
        let (key_part, value_text) = match rest.find('=') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None if kind == OverrideKind::Delete => (rest, None),
            None => return Err(parse_error(text, index, "missing EQUAL")),
        };
        let (key, package) = match key_part.find('@') {
            Some(i) => (
                key_part[..i].to_string(),
                Some(key_part[i + 1..].to_string()),
            ),
            None => (key_part.to_string(), None),
        };
        let mut sweep = None;
        let value = match value_text {
            None => None,
            Some(v) => {
                let v = v.trim();
                if v.contains('(')
                    && v.ends_with(')')
                    && !v.starts_with('\'')
                    && !v.starts_with('"')
                {
                    let name = &v[..v.find('(').unwrap_or(0)];
                    if ["choice", "range", "glob", "interval", "sort", "shuffle"].contains(&name) {
                        sweep = Some(SweepKind::Other);
                        None
                    } else if ["int", "float", "str", "bool", "tag"].contains(&name) {
                        Some(elem(v, &origin))
                    } else {
                        return Err(parse_error(
                            text,
                            index,
                            &format!("Unknown function '{name}'"),
                        ));
                    }
                } else if split_top(v).len() > 1 {
                    sweep = Some(SweepKind::SimpleChoice);
                    None
                } else {
                    Some(elem(v, &origin))
                }
            }
        };
        Ok(CliOverride {
            index,
            text: text.to_string(),
            kind,
            key,
            package,
            value,
            sweep,
        })
    }

    fn split_top(v: &str) -> Vec<&str> {
        let mut depth = 0i32;
        let mut quote: Option<char> = None;
        let mut parts = Vec::new();
        let mut start = 0;
        for (i, c) in v.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '[' | '{' | '(') => depth += 1,
                (None, ']' | '}' | ')') => depth -= 1,
                (None, ',') if depth == 0 => {
                    parts.push(&v[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(&v[start..]);
        parts
    }

    fn elem(v: &str, origin: &Origin) -> Node {
        let v = v.trim();
        let node = |value| Node::with_origin(value, origin.clone());
        if let Some(inner) = v.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            if inner.trim().is_empty() {
                return node(Value::List(Vec::new()));
            }
            return node(Value::List(
                split_top(inner)
                    .into_iter()
                    .map(|p| elem(p, origin))
                    .collect(),
            ));
        }
        if let Some(inner) = v.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
            let mut m = Map::new();
            if !inner.trim().is_empty() {
                for p in split_top(inner) {
                    let (k, val) = p.split_once(':').unwrap_or((p, ""));
                    m.insert(Key::from(k.trim()), elem(val, origin));
                }
            }
            return node(Value::Map(m));
        }
        for q in ['\'', '"'] {
            if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
                return node(Value::string(&v[1..v.len() - 1]));
            }
        }
        match type_primitive(v) {
            Some(p) => node(p),
            None => node(Value::string(v.replace("\\ ", " "))),
        }
    }
}

/// The Python type name of a value, as the reference's messages spell it.
pub(crate) fn py_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "NoneType",
        Value::Missing | Value::Str(_) | Value::Interp(_) => "str",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Map(_) => "dict",
        Value::List(_) => "list",
    }
}

/// The value as Python's `str()` would print it in a message.
pub(crate) fn py_str(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Missing => "???".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => crate::node::float_repr(*f),
        Value::Str(s) | Value::Interp(s) => s.clone(),
        Value::Map(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, n)| format!("'{k}': {}", py_repr(&n.value)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::List(l) => format!(
            "[{}]",
            l.iter()
                .map(|n| py_repr(&n.value))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn py_repr(v: &Value) -> String {
    match v {
        Value::Str(s) | Value::Interp(s) => format!("'{s}'"),
        other => py_str(other),
    }
}

/// An override that could not be parsed at all.
pub(crate) fn parse_error(text: &str, index: usize, why: &str) -> Error {
    Error::new(
        ErrorKind::OverrideParse,
        format!("Error parsing override '{text}'\n{why}"),
    )
    .with_origin(Origin::arg(index, text))
}
