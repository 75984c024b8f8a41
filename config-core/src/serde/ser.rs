//! `Node: Serialize`, and JSON text through `serde_json`.

use crate::node::{float_repr, Key, Node, Value};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

impl Serialize for Node {
    /// Values as they are; `???` and unresolved interpolations as their
    /// text; integers beyond 64 bits as `i128`/`u128` when they fit, their
    /// digits otherwise; non-finite floats as `inf`, `-inf`, `nan` strings
    /// (JSON has no such numbers).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.value {
            Value::Null => s.serialize_unit(),
            Value::Missing => s.serialize_str("???"),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::BigInt(digits) => match (digits.parse::<i128>(), digits.parse::<u128>()) {
                (Ok(i), _) => s.serialize_i128(i),
                (_, Ok(u)) => s.serialize_u128(u),
                _ => s.serialize_str(digits),
            },
            Value::Float(f) if f.is_finite() => s.serialize_f64(*f),
            Value::Float(f) => s.serialize_str(&float_repr(*f)),
            Value::Str(t) | Value::Interp(t) => s.serialize_str(t),
            Value::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Map(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(&KeyText(k), v)?;
                }
                map.end()
            }
        }
    }
}

/// A mapping key as its text (JSON keys are strings).
struct KeyText<'a>(&'a Key);

impl Serialize for KeyText<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Key::Str(t) => s.serialize_str(t),
            other => s.collect_str(other),
        }
    }
}

/// A tree as compact JSON, keys in order; `???` and interpolations as
/// strings.
///
/// ```
/// use config_core::{serde::to_json, Node};
/// let n = Node::from_yaml_str("a: [1, 2.5, x]\nb: {c: null, d: '???'}\ne: .inf\n").unwrap();
/// assert_eq!(to_json(&n), r#"{"a":[1,2.5,"x"],"b":{"c":null,"d":"???"},"e":"inf"}"#);
/// ```
pub fn to_json(node: &Node) -> String {
    // Writing a `Node` into a `String` cannot fail: its keys are strings and
    // it has no non-string map keys or failing `Serialize` impls.
    serde_json::to_string(node).unwrap_or_default()
}

/// A tree as indented JSON (two spaces), keys in order, with a final
/// newline: what `--format json` prints.
pub fn to_json_pretty(node: &Node) -> String {
    let mut out = serde_json::to_string_pretty(node).unwrap_or_default();
    out.push('\n');
    out
}
