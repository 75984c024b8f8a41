//! How values print when an interpolation embeds them in a string: Python's
//! `str()` of the value OmegaConf holds (`True`, `None`, `1e-06`, `{'a': 1}`),
//! so that `"v=${x}"` gives the same text as the reference.

use crate::node::{float_repr, Key, Value};

/// Python's `str()` of a value: strings as they are, containers as their
/// Python `repr`. Messages of every stage print values this way, so they
/// read like the reference's.
///
/// ```
/// use config_core::{interp::render::python_str, Value};
/// assert_eq!(python_str(&Value::Bool(true)), "True");
/// assert_eq!(python_str(&Value::Null), "None");
/// assert_eq!(python_str(&Value::Float(1e-6)), "1e-06");
/// ```
pub fn python_str(value: &Value) -> String {
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
pub fn python_repr(value: &Value) -> String {
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
        Value::Str(s) | Value::Interp(s) => repr_string(s, out),
        Value::Map(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                repr_key(k, out);
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
pub fn python_repr_key(key: &Key) -> String {
    let mut out = String::new();
    repr_key(key, &mut out);
    out
}

fn repr_key(key: &Key, out: &mut String) {
    match key {
        Key::Str(s) => repr_string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

/// Python's string repr: single quotes unless the text has a single quote
/// and no double quote; backslash escapes for control characters.
fn repr_string(s: &str, out: &mut String) {
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

/// Python's name for the type of a value, for messages such as
/// `` `5` is of type int ``.
pub fn python_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Missing | Value::Str(_) | Value::Interp(_) => "str",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::BigInt(_) => "int",
        Value::Float(_) => "float",
        Value::Map(_) => "DictConfig",
        Value::List(_) => "ListConfig",
    }
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
}
