//! Python compatibility: how the reference names, prints, compares and
//! reads values, so that messages and results match Hydra's and OmegaConf's
//! to the letter.
//!
//! - type names: `type_name` (Python's `type(x).__name__` of a plain
//!   value) and [`python_type`] (OmegaConf's, where containers are
//!   `DictConfig`/`ListConfig`);
//! - `str()` and `repr()`: [`python_str`], [`python_repr`],
//!   [`python_repr_key`], and `repr_str` for a string alone (one escaping
//!   for every message);
//! - loose equality of numbers (`True == 1 == 1.0`): the `Number` trait;
//! - Python's `int(text)` and `float(text)`: `parse_int`, `parse_float`.
//!
//! The INT/FLOAT tokens of the override and interpolation grammars are not
//! Python's literals; they live in [`crate::grammar::primitive`].

use crate::node::{float_repr, Key, Value};

/// Python's type of a plain value, as a name: `NoneType`, `bool`, `int`,
/// `float`, `str`, `dict`, `list`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PyType {
    NoneType,
    Bool,
    Int,
    Float,
    Str,
    Dict,
    List,
}

impl PyType {
    /// The type's name as Python prints it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            PyType::NoneType => "NoneType",
            PyType::Bool => "bool",
            PyType::Int => "int",
            PyType::Float => "float",
            PyType::Str => "str",
            PyType::Dict => "dict",
            PyType::List => "list",
        }
    }

    /// The type of a value; `???` is the string OmegaConf stores.
    pub(crate) fn of(value: &Value) -> PyType {
        match value {
            Value::Null => PyType::NoneType,
            Value::Missing | Value::Str(_) | Value::Interp(_) => PyType::Str,
            Value::Bool(_) => PyType::Bool,
            Value::Int(_) | Value::BigInt(_) => PyType::Int,
            Value::Float(_) => PyType::Float,
            Value::Map(_) => PyType::Dict,
            Value::List(_) => PyType::List,
        }
    }
}

/// Python's name for the type of a plain value (`dict`, `list` for
/// containers), as Hydra's messages spell it.
pub(crate) fn type_name(value: &Value) -> &'static str {
    PyType::of(value).name()
}

/// OmegaConf's name for the type of a node's value, for messages such as
/// `` `5` is of type int ``: containers are `DictConfig` and `ListConfig`.
pub(crate) fn python_type(value: &Value) -> &'static str {
    match value {
        Value::Map(_) => "DictConfig",
        Value::List(_) => "ListConfig",
        other => type_name(other),
    }
}

/// Python's `str()` of a value: strings as they are, containers as their
/// Python `repr`. Messages of every stage print values this way, so they
/// read like the reference's.
pub(crate) fn python_str(value: &Value) -> String {
    let mut out = String::new();
    write_str(value, &mut out);
    out
}

fn write_str(value: &Value, out: &mut String) {
    match value {
        Value::Str(s) | Value::Interp(s) => out.push_str(s),
        Value::Missing => out.push_str("???"),
        other => write_repr(other, out),
    }
}

/// Python's `repr()` of a value (strings quoted, containers recursive).
pub(crate) fn python_repr(value: &Value) -> String {
    let mut out = String::new();
    write_repr(value, &mut out);
    out
}

fn write_repr(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Missing => out.push_str("'???'"),
        Value::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::BigInt(i) => out.push_str(i),
        Value::Float(f) => out.push_str(&float_repr(*f)),
        Value::Str(s) | Value::Interp(s) => write_repr_str(s, out),
        Value::Map(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr_key(k, out);
                out.push_str(": ");
                write_repr(&v.value, out);
            }
            out.push('}');
        }
        Value::List(l) => {
            out.push('[');
            for (i, v) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(&v.value, out);
            }
            out.push(']');
        }
    }
}

/// Python's `repr()` of a mapping key.
pub(crate) fn python_repr_key(key: &Key) -> String {
    let mut out = String::new();
    write_repr_key(key, &mut out);
    out
}

fn write_repr_key(key: &Key, out: &mut String) {
    match key {
        Key::Str(s) => write_repr_str(s, out),
        other => out.push_str(&other.to_string()),
    }
}

/// Python's `repr()` of a string: single quotes unless the text has a
/// single quote and no double quote; backslash escapes for the backslash,
/// the quote and control characters.
pub(crate) fn repr_str(s: &str) -> String {
    let mut out = String::new();
    write_repr_str(s, &mut out);
    out
}

fn write_repr_str(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// A value that Python compares as a number when it is a bool or a number:
/// `True == 1 == 1.0` (and a dict cannot hold both `1` and `1.0` as keys).
pub(crate) trait Number {
    /// The value as a float when Python treats it as a number.
    fn number(&self) -> Option<f64>;

    /// Python's `a == b` when both are numbers; `None` when either is not.
    fn loose_eq(&self, other: &Self) -> Option<bool> {
        Some(self.number()? == other.number()?)
    }
}

/// Bools, ints and floats; a big int compares as written.
impl Number for Value {
    fn number(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            Value::Bool(b) => Some(f64::from(u8::from(*b))),
            _ => None,
        }
    }
}

impl Number for Key {
    fn number(&self) -> Option<f64> {
        match self {
            Key::Int(i) => Some(*i as f64),
            Key::Float(f) => Some(*f),
            Key::Bool(b) => Some(f64::from(u8::from(*b))),
            Key::Str(_) => None,
        }
    }
}

/// Python's `int(text)` in base 10, as digits: whitespace around, a sign,
/// digits with single underscores, leading zeros allowed. The result is
/// canonical (`-7`, `0`), for callers to parse into the size they hold.
pub(crate) fn parse_int(text: &str) -> Option<String> {
    let (neg, body) = split_sign(text.trim());
    let digits = digit_groups(body)?;
    let digits = digits.trim_start_matches('0');
    Some(if digits.is_empty() {
        "0".to_string()
    } else if neg {
        format!("-{digits}")
    } else {
        digits.to_string()
    })
}

/// Python's `float(text)`: whitespace around, a sign, `inf`/`infinity`/
/// `nan` in any case, or a decimal literal with single underscores.
pub(crate) fn parse_float(text: &str) -> Option<f64> {
    let (neg, body) = split_sign(text.trim());
    let magnitude = if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
        f64::INFINITY
    } else if body.eq_ignore_ascii_case("nan") {
        f64::NAN
    } else {
        float_literal(body)?.parse::<f64>().ok()?
    };
    Some(if neg { -magnitude } else { magnitude })
}

/// A decimal float literal (`1_0.5e-3`, `.5`, `5.`) rewritten for Rust's
/// parser (`10.5e-3`, `0.5`, `5.`), or `None` when Python refuses it.
fn float_literal(body: &str) -> Option<String> {
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], Some(&mantissa[i + 1..])),
        None => (mantissa, None),
    };
    let int = if int.is_empty() {
        String::new()
    } else {
        digit_groups(int)?
    };
    let frac = match frac {
        None => None,
        Some("") => Some(String::new()),
        Some(f) => Some(digit_groups(f)?),
    };
    if int.is_empty() && frac.as_deref().is_none_or(str::is_empty) {
        return None;
    }
    let mut lit = format!("{int}.{}", frac.unwrap_or_default());
    if lit.starts_with('.') {
        lit.insert(0, '0');
    }
    if let Some(exp) = exp {
        let (neg, digits) = split_sign(exp);
        lit.push('e');
        if neg {
            lit.push('-');
        }
        lit.push_str(&digit_groups(digits)?);
    }
    Some(lit)
}

/// A leading `-` or `+` taken off: (negative, the rest).
fn split_sign(s: &str) -> (bool, &str) {
    match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    }
}

/// `digit ('_'? digit)*`, the digit groups of Python number literals,
/// underscores removed.
fn digit_groups(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.is_empty()
        || !b[0].is_ascii_digit()
        || !b[b.len() - 1].is_ascii_digit()
        || s.contains("__")
    {
        return None;
    }
    if !b.iter().all(|c| c.is_ascii_digit() || *c == b'_') {
        return None;
    }
    Some(s.replace('_', ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::{Map, Node};

    #[test]
    fn containers_print_like_python() {
        let mut m = Map::new();
        m.insert(Key::from("a"), Node::from(1));
        m.insert(Key::Int(2), Node::from("it's"));
        m.insert(
            Key::Bool(true),
            Node::new(Value::List(vec![Node::from(1.5), Node::new(Value::Null)])),
        );
        assert_eq!(
            python_str(&Value::Map(m)),
            "{'a': 1, 2: \"it's\", True: [1.5, None]}"
        );
        assert_eq!(python_repr(&Value::Str("a\\b\n".into())), "'a\\\\b\\n'");
        assert_eq!(python_str(&Value::Float(f64::INFINITY)), "inf");
    }

    #[test]
    fn python_number_parsing() {
        assert_eq!(parse_int(" 007 ").as_deref(), Some("7"));
        assert_eq!(parse_int("1_000").as_deref(), Some("1000"));
        assert_eq!(parse_int("-0").as_deref(), Some("0"));
        assert_eq!(parse_int("0x10"), None);
        assert_eq!(parse_int("1__0"), None);
        assert_eq!(parse_float("1_0.5"), Some(10.5));
        assert_eq!(parse_float("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_float("5."), Some(5.0));
        assert_eq!(parse_float(".5e1"), Some(5.0));
        assert_eq!(parse_float("1e+2"), Some(100.0));
        assert_eq!(parse_float("1e-2"), Some(0.01));
        assert_eq!(parse_float("."), None);
        assert_eq!(parse_float("1e"), None);
    }

    #[test]
    fn names_and_string_reprs() {
        assert_eq!(type_name(&Value::Null), "NoneType");
        assert_eq!(type_name(&Value::List(vec![])), "list");
        assert_eq!(python_type(&Value::List(vec![])), "ListConfig");
        assert_eq!(repr_str("a\\b"), r"'a\\b'");
        assert_eq!(repr_str("it's"), "\"it's\"");
        assert_eq!(repr_str("it's\\"), r#""it's\\""#);
        assert_eq!(repr_str("'\""), r#"'\'"'"#);
    }

    #[test]
    fn numbers_compare_loosely() {
        assert_eq!(Value::Bool(true).loose_eq(&Value::Float(1.0)), Some(true));
        assert_eq!(Value::Int(1).loose_eq(&Value::Str("1".into())), None);
        assert_eq!(Key::Bool(true).loose_eq(&Key::Int(1)), Some(true));
        assert_eq!(Key::Float(2.0).loose_eq(&Key::Int(2)), Some(true));
        assert_eq!(Key::Int(2).loose_eq(&Key::Str("2".into())), None);
        assert_eq!(
            Value::BigInt("1".repeat(30).into()).loose_eq(&Value::Int(1)),
            None
        );
    }
}

#[cfg(test)]
mod doc_examples {
    #[test]
    fn python_type_example() {
        use crate::{python::python_type, Value};
        assert_eq!(python_type(&Value::Int(5)), "int");
        assert_eq!(python_type(&Value::List(vec![])), "ListConfig");
    }
    #[test]
    fn python_str_example() {
        use crate::{python::python_str, Value};
        assert_eq!(python_str(&Value::Bool(true)), "True");
        assert_eq!(python_str(&Value::Null), "None");
        assert_eq!(python_str(&Value::Float(1e-6)), "1e-06");
    }
    #[test]
    fn python_repr_example() {
        use crate::{python::python_repr, Value};
        assert_eq!(python_repr(&Value::Str("it's".into())), "\"it's\"");
    }
}
