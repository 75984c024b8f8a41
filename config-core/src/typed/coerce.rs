//! OmegaConf's coercions for typed fields: what a node may hold when the
//! field is an integer, float, bool, string, path or enum.
//!
//! Place in the flow: the **type** step. Used by `from_dict` (conversion)
//! and by the schema checks of overrides and merges, so both phrase their
//! errors the same way: `expected an unsigned integer, got 'abc'`, with the
//! full key and the origin set on the error (each shown once).

use crate::error::{Error, ErrorKind};
use crate::grammar::primitive::type_primitive;
use crate::node::{float_repr, Node, Value};
use crate::typed::schema::TypeDesc;

/// The error for a value that does not fit its field.
pub fn type_error(key: &str, expected: &str, node: &Node) -> Error {
    let got = match &node.value {
        Value::Str(s) | Value::Interp(s) => format!("'{s}'"),
        Value::Map(_) => "a mapping".into(),
        Value::List(_) => "a list".into(),
        Value::Float(f) => float_repr(*f),
        Value::Bool(b) => if *b { "true" } else { "false" }.into(),
        Value::Int(i) => i.to_string(),
        Value::BigInt(i) => i.to_string(),
        Value::Null => "null".into(),
        Value::Missing => "???".into(),
    };
    // The key and the origin have their own lines: not repeated here.
    Error::new(ErrorKind::Type, format!("expected {expected}, got {got}"))
        .with_key(key)
        .with_origin(node.origin.clone())
}

/// The error for `???` left in a field after composition.
pub fn missing_error(key: &str, node: &Node) -> Error {
    Error::new(ErrorKind::MissingValue, "missing mandatory value")
        .with_key(key)
        .with_origin(node.origin.clone())
        .with_hint(format!(
            "set it on the command line with `{key}=<value>`, or in a config file or experiment"
        ))
}

fn unresolved(key: &str, node: &Node) -> Option<Error> {
    match &node.value {
        Value::Missing => Some(missing_error(key, node)),
        Value::Interp(s) => Some(
            Error::new(
                ErrorKind::Interpolation,
                format!("holds the unresolved interpolation '{s}'"),
            )
            .with_key(key)
            .with_origin(node.origin.clone())
            .with_hint("resolve the config before converting it to a typed value"),
        ),
        _ => None,
    }
}

/// An integer within `min..=max` (OmegaConf: ints, and strings holding an int).
pub(crate) fn to_int(node: &Node, key: &str, ty: &TypeDesc) -> Result<i128, Error> {
    if let Some(e) = unresolved(key, node) {
        return Err(e);
    }
    let (min, max) = match ty {
        TypeDesc::Int { min, max, .. } => (*min, *max),
        _ => (i64::MIN as i128, i64::MAX as i128),
    };
    let v: Option<i128> = match &node.value {
        Value::Int(i) => Some(*i as i128),
        Value::BigInt(digits) => digits.parse::<i128>().ok(),
        Value::Str(s) => match type_primitive(s.trim()) {
            Some(Value::Int(i)) => Some(i as i128),
            // Beyond i64: u64 fields can still hold it.
            _ => s
                .trim()
                .replace('_', "")
                .parse::<u128>()
                .ok()
                .and_then(|u| i128::try_from(u).ok()),
        },
        _ => None,
    };
    match v {
        Some(v) if v >= min && v <= max => Ok(v),
        _ => Err(type_error(key, &ty.expectation(), node)),
    }
}

/// A float (OmegaConf: floats, ints, numeric strings).
pub(crate) fn to_float(node: &Node, key: &str, ty: &TypeDesc) -> Result<f64, Error> {
    if let Some(e) = unresolved(key, node) {
        return Err(e);
    }
    match &node.value {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Str(s) => match type_primitive(s.trim()) {
            Some(Value::Float(f)) => Ok(f),
            Some(Value::Int(i)) => Ok(i as f64),
            _ => Err(type_error(key, &ty.expectation(), node)),
        },
        _ => Err(type_error(key, &ty.expectation(), node)),
    }
}

/// A bool (OmegaConf: bools, ints (non-zero is true), numeric strings,
/// `yes/y/on/true` and `no/n/off/false` in any case).
pub(crate) fn to_bool(node: &Node, key: &str) -> Result<bool, Error> {
    if let Some(e) = unresolved(key, node) {
        return Err(e);
    }
    let err = || type_error(key, "a bool", node);
    match &node.value {
        Value::Bool(b) => Ok(*b),
        Value::Int(i) => Ok(*i != 0),
        Value::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
            "yes" | "y" | "on" | "true" => Ok(true),
            "no" | "n" | "off" | "false" => Ok(false),
            t => match type_primitive(t) {
                Some(Value::Int(i)) => Ok(i != 0),
                _ => Err(err()),
            },
        },
        _ => Err(err()),
    }
}

/// A string (OmegaConf: any scalar, as Python's `str()` writes it).
pub(crate) fn to_string(node: &Node, key: &str, ty: &TypeDesc) -> Result<String, Error> {
    match &node.value {
        Value::Str(s) => Ok(s.to_string()),
        // A string field may keep an interpolation text (resolved later).
        Value::Interp(s) => Ok(s.to_string()),
        Value::Int(i) => Ok(i.to_string()),
        Value::Float(f) => Ok(float_repr(*f)),
        Value::Bool(b) => Ok(if *b { "True" } else { "False" }.into()),
        Value::Missing => Err(missing_error(key, node)),
        _ => Err(type_error(key, &ty.expectation(), node)),
    }
}

/// The index of an enum variant (by its YAML name, or `Type.Name`).
pub fn to_variant(node: &Node, key: &str, ty: &TypeDesc) -> Result<usize, Error> {
    if let Some(e) = unresolved(key, node) {
        return Err(e);
    }
    let TypeDesc::Enum { name, variants } = ty else {
        return Err(type_error(key, &ty.expectation(), node));
    };
    let text = node.as_str().map(str::trim).unwrap_or_default();
    let text = text
        .strip_prefix(name)
        .and_then(|t| t.strip_prefix('.'))
        .unwrap_or(text);
    match variants.iter().position(|v| *v == text) {
        Some(i) => Ok(i),
        None => {
            let mut e = type_error(key, &ty.expectation(), node);
            if let Some(best) = crate::error::did_you_mean(text, variants.iter().copied()).first() {
                e = e.with_hint(format!("did you mean '{best}'?"));
            }
            Err(e)
        }
    }
}

/// Checks that `node` converts to `ty`, without building the value: the
/// check run on overrides before composing and on values being merged.
/// Interpolations and `???` pass (they are resolved or reported later).
pub(crate) fn check(ty: &TypeDesc, node: &Node, key: &str) -> Result<(), Error> {
    if matches!(node.value, Value::Interp(_) | Value::Missing) {
        return Ok(());
    }
    match ty {
        TypeDesc::Option(_) if matches!(node.value, Value::Null) => Ok(()),
        TypeDesc::Option(t) => check(t, node, key),
        TypeDesc::Bool => to_bool(node, key).map(drop),
        TypeDesc::Int { .. } => to_int(node, key, ty).map(drop),
        TypeDesc::Float { .. } => to_float(node, key, ty).map(drop),
        TypeDesc::Str | TypeDesc::Path => to_string(node, key, ty).map(drop),
        TypeDesc::Enum { .. } => to_variant(node, key, ty).map(drop),
        TypeDesc::List(t) => match &node.value {
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    check(t, item, &format!("{key}[{i}]"))?;
                }
                Ok(())
            }
            _ => Err(type_error(key, &ty.expectation(), node)),
        },
        TypeDesc::Map(t) => match &node.value {
            Value::Map(m) => {
                for (k, v) in m {
                    check(t, v, &crate::path::child_key(key, k))?;
                }
                Ok(())
            }
            _ => Err(type_error(key, &ty.expectation(), node)),
        },
        TypeDesc::Nested(s) => match &node.value {
            Value::Map(m) => {
                for (k, v) in m {
                    let name = k.to_string();
                    let Some(f) = s.field(&name) else {
                        let prefix = key.to_string();
                        return Err(crate::typed::schema::no_such_key(s, &prefix, &name)
                            .with_origin(v.origin.clone()));
                    };
                    check(&f.ty, v, &crate::path::child_key(key, k))?;
                }
                Ok(())
            }
            _ => Err(type_error(key, &ty.expectation(), node)),
        },
        TypeDesc::Dict => match &node.value {
            Value::Map(_) => Ok(()),
            _ => Err(type_error(key, &ty.expectation(), node)),
        },
        TypeDesc::Serde { check, .. } => check(node, key),
        TypeDesc::Lazy => match &node.value {
            Value::Map(m) if m.contains_key(&crate::node::Key::from("_target_")) => Ok(()),
            _ => Err(type_error(key, &ty.expectation(), node)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::Origin;

    const U8: TypeDesc = TypeDesc::Int {
        name: "u8",
        min: 0,
        max: 255,
    };
    const U64: TypeDesc = TypeDesc::Int {
        name: "u64",
        min: 0,
        max: u64::MAX as i128,
    };

    fn s(x: &str) -> Node {
        Node::new(Value::Str(x.into()))
    }

    #[test]
    fn ints() {
        assert_eq!(to_int(&s(" 10 "), "k", &U64).unwrap(), 10);
        assert_eq!(to_int(&s("1_000"), "k", &U64).unwrap(), 1000);
        assert!(to_int(&Node::from(300), "k", &U8).is_err());
        assert!(to_int(&Node::from(3.0), "k", &U64).is_err());
        assert!(to_int(&Node::from(true), "k", &U64).is_err());
        let mut n = s("abc");
        n.origin = Origin::arg(2, "trainer.max_iter=abc");
        let e = to_int(&n, "trainer.max_iter", &U64).unwrap_err();
        assert_eq!(e.message(), "expected an unsigned integer, got 'abc'");
        assert_eq!(e.key(), Some("trainer.max_iter"));
        assert_eq!(e.origin(), Some(&n.origin));
    }

    #[test]
    fn bools_floats_strings() {
        for (t, want) in [
            ("yes", true),
            ("Off", false),
            ("y", true),
            ("1", true),
            ("0", false),
        ] {
            assert_eq!(to_bool(&s(t), "k").unwrap(), want, "{t}");
        }
        assert!(to_bool(&s("maybe"), "k").is_err());
        assert!(to_bool(&Node::from(1.0), "k").is_err());
        assert_eq!(
            to_float(&s("1e-3"), "k", &TypeDesc::Float { name: "f64" }).unwrap(),
            1e-3
        );
        assert!(to_float(&Node::from(true), "k", &TypeDesc::Float { name: "f64" }).is_err());
        assert_eq!(
            to_string(&Node::from(10.5), "k", &TypeDesc::Str).unwrap(),
            "10.5"
        );
        assert_eq!(
            to_string(&Node::from(true), "k", &TypeDesc::Str).unwrap(),
            "True"
        );
    }
}
