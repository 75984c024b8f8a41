//! Value overrides (`key=v`, `+key=v`, `++key=v`, `~key[=v]`), applied left
//! to right to the composed tree after it was put in struct mode, with the
//! rules of Hydra 1.3's `_apply_overrides_to_config`.

use super::CliOverride;
use crate::access::UpdateMode;
use crate::error::{did_you_mean, Error, ErrorKind};
use crate::node::{Node, Value};
use crate::overrides::OverrideKind;
use crate::path::{join_key, parse_path};
use crate::python::{python_str as py_str, python_type, Number};

/// Applies one value override to `cfg`.
pub(super) fn apply(cfg: &mut Node, o: &CliOverride) -> Result<(), Error> {
    let origin = o.origin();
    let key = o.key.as_str();
    let value = o
        .value
        .clone()
        .unwrap_or_else(|| Node::with_origin(Value::Null, origin.clone()));
    // OmegaConf stores the string `???` as the missing marker.
    let mut value = value;
    if matches!(&value.value, Value::Str(s) if s == "???") {
        value.value = Value::Missing;
    }
    let wrap = |e: Error| -> Error {
        if matches!(e.kind(), ErrorKind::Struct | ErrorKind::KeyNotFound) {
            e
        } else {
            e.with_context(format!("while merging override '{}'", o.text))
                .with_origin(origin.clone())
        }
    };
    if o.kind != OverrideKind::Delete {
        check_container_kinds(cfg, o, &value)?;
    }
    match o.kind {
        OverrideKind::Delete => delete(cfg, o),
        OverrideKind::Add => {
            let current = cfg.select(key).map_err(wrap)?;
            let absent = current.is_none_or(|n| matches!(n.value, Value::Null | Value::Missing));
            if absent || value.value.is_container() {
                force_add(cfg, key, value).map_err(wrap)
            } else {
                Err(Error::new(
                    ErrorKind::Override,
                    format!(
                        "Could not append to config. An item is already at '{key}'.\n\
                         Either remove + prefix: '{}'\n\
                         Or add a second + to add or override '{key}': '+{}'",
                        o.text.strip_prefix('+').unwrap_or(&o.text),
                        o.text
                    ),
                )
                .with_origin(origin.clone())
                .with_hint(format!(
                    "'{key}' is currently {} (from {})",
                    show(current),
                    where_from(current)
                )))
            }
        }
        OverrideKind::ForceAdd => force_add(cfg, key, value).map_err(wrap),
        OverrideKind::Change => {
            let fail = |cfg: &Node| -> Error {
                let mut err = Error::new(
                    ErrorKind::Override,
                    format!(
                        "Could not override '{key}'.\nTo append to your config use +{}",
                        o.text
                    ),
                )
                .with_origin(origin.clone());
                if let Some(hint) = nearest_keys(cfg, key) {
                    err = err.with_hint(hint);
                }
                err
            };
            let existing = cfg.select(key).map_err(wrap)?;
            match existing {
                None => return Err(fail(cfg)),
                Some(n) => {
                    if let (Some(dst), Some(src)) = (n.as_map(), value.as_map()) {
                        if let Some(bad) = first_new_key(dst, src, key) {
                            return Err(fail(cfg).with_key(bad));
                        }
                    }
                }
            }
            cfg.update(
                key,
                value,
                UpdateMode {
                    merge: true,
                    force_add: false,
                },
            )
            .map_err(|e| {
                if matches!(e.kind(), ErrorKind::Struct | ErrorKind::KeyNotFound) {
                    fail(cfg)
                } else {
                    wrap(e)
                }
            })
        }
    }
}

/// `~key[=value]`: the key must exist and hold a value (not null, not
/// `???`, as in 1.3), and match `value` when one is given.
fn delete(cfg: &mut Node, o: &CliOverride) -> Result<(), Error> {
    let key = o.key.as_str();
    let origin = o.origin();
    let current = cfg.select(key)?;
    let Some(current) = current.filter(|n| !matches!(n.value, Value::Null | Value::Missing)) else {
        let mut err = Error::new(
            ErrorKind::Override,
            format!("Could not delete from config. '{key}' does not exist."),
        )
        .with_origin(origin);
        if let Some(n) = cfg.select(key)? {
            err = err.with_hint(format!(
                "'{key}' is {} (from {}); Hydra 1.3 cannot delete a null or ??? value: set it instead, e.g. `{key}=VALUE`",
                show(Some(n)),
                where_from(Some(n))
            ));
        } else if let Some(h) = nearest_keys(cfg, key) {
            err = err.with_hint(h);
        }
        return Err(err);
    };
    // `~key=null` deletes whatever the value is, as a bare `~key` does.
    if let Some(want) = o.value.as_ref().filter(|v| !matches!(v.value, Value::Null)) {
        if !loose_eq(&want.value, &current.value) {
            return Err(Error::new(
                ErrorKind::Override,
                format!(
                    "Could not delete from config. The value of '{key}' is {} and not {}.",
                    py_str(&current.value),
                    py_str(&want.value)
                ),
            )
            .with_origin(origin)
            .with_hint(format!("use `~{key}` to delete whatever the value is")));
        }
    }
    let segs = parse_path(key)?;
    if segs.len() > 1 {
        let parent_path = &key[..key.rfind('.').unwrap_or(0)];
        if let Some(parent) = cfg.select(parent_path)? {
            if parent.as_list().is_some() {
                return Err(Error::new(
                    ErrorKind::Override,
                    format!("Could not delete '{key}': list indices must be integers or slices, not str"),
                )
                .with_origin(origin)
                .with_hint(format!("Hydra 1.3 cannot delete a list element; set the whole list: `{parent_path}=[...]`")));
            }
        }
    }
    cfg.delete(key).map(|_| ())
}

/// The first key of `src` that `dst` lacks (struct mode forbids adding it).
fn first_new_key(dst: &crate::node::Map, src: &crate::node::Map, at: &str) -> Option<String> {
    for (k, v) in src {
        let full = join_key(at, k);
        match dst.get(k) {
            None => return Some(full),
            Some(d) => {
                if let (Some(dm), Some(sm)) = (d.as_map(), v.as_map()) {
                    if let Some(bad) = first_new_key(dm, sm, &full) {
                        return Some(bad);
                    }
                }
            }
        }
    }
    None
}

/// Python-style equality for `~key=value`: `1 == 1.0`, `True == 1`.
fn loose_eq(a: &Value, b: &Value) -> bool {
    a.loose_eq(b).unwrap_or_else(|| match (a, b) {
        (Value::Str(x) | Value::Interp(x), Value::Str(y) | Value::Interp(y)) => x == y,
        _ => a == b,
    })
}

fn show(n: Option<&Node>) -> String {
    match n {
        None => "absent".into(),
        Some(n) => match &n.value {
            Value::Map(_) => "a mapping".into(),
            Value::List(_) => "a list".into(),
            Value::Null => "null".into(),
            v => format!("'{}'", py_str(v)),
        },
    }
}

fn where_from(n: Option<&Node>) -> String {
    n.map(|n| n.origin.to_string()).unwrap_or_default()
}

/// "did you mean" for a key that does not exist: the closest keys next to
/// where it would be.
pub(super) fn nearest_keys(cfg: &Node, key: &str) -> Option<String> {
    let segs = parse_path(key).ok()?;
    let mut node = cfg;
    let mut prefix = String::new();
    for seg in &segs {
        match node.get(seg) {
            Some(child) if child.as_map().is_some() => {
                node = child;
                prefix = join_key(&prefix, seg);
            }
            Some(_) => return None,
            None => {
                let names: Vec<String> = node.entries().map(|(k, _)| k.to_string()).collect();
                let best = did_you_mean(seg, names.iter().map(String::as_str));
                let full = |b: &str| join_key(&prefix, b);
                return match best.first() {
                    Some(b) => Some(format!("did you mean '{}'?", full(b))),
                    None if names.is_empty() => None,
                    None => Some(format!(
                        "keys at '{}': {}",
                        if prefix.is_empty() {
                            "<root>"
                        } else {
                            prefix.as_str()
                        },
                        crate::error::some_of(&names, 12)
                    )),
                };
            }
        }
    }
    None
}

/// OmegaConf's `update` with `force_add` turns a scalar standing where a
/// parent mapping is needed into an empty mapping (`+a.b=1` when `a: 5`).
fn clear_scalar_parents(cfg: &mut Node, key: &str) -> Result<(), Error> {
    let segs = parse_path(key)?;
    let mut node = cfg;
    for seg in &segs[..segs.len().saturating_sub(1)] {
        let next = match &mut node.value {
            Value::Map(m) => match m.get_index_of(&crate::node::Key::from(seg.as_str())) {
                Some(i) => &mut m[i],
                None => return Ok(()),
            },
            Value::List(l) => match seg.parse::<usize>().ok().and_then(|i| l.get_mut(i)) {
                Some(n) => n,
                None => return Ok(()),
            },
            _ => return Ok(()),
        };
        if !next.value.is_container() {
            next.value = Value::Map(crate::node::Map::new());
        }
        node = next;
    }
    Ok(())
}

/// A mapping and a list cannot merge into each other: OmegaConf's `update`
/// merges a container value into an existing container and fails there.
fn check_container_kinds(cfg: &Node, o: &CliOverride, value: &Node) -> Result<(), Error> {
    let Ok(Some(existing)) = cfg.select(&o.key) else {
        return Ok(());
    };
    let mismatch = matches!(
        (&existing.value, &value.value),
        (Value::Map(_), Value::List(_)) | (Value::List(_), Value::Map(_))
    );
    if !mismatch {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Override,
        format!(
            "Error merging override {}\nCannot merge {} with {}",
            o.text,
            python_type(&existing.value),
            python_type(&value.value)
        ),
    )
    .with_key(o.key.clone())
    .with_origin(o.origin())
    .with_hint(format!(
        "'{}' is a {} (from {}); give a value of the same kind, or delete it first with `~{}`",
        o.key,
        if matches!(existing.value, Value::Map(_)) {
            "mapping"
        } else {
            "list"
        },
        existing.origin,
        o.key
    )))
}

/// `++key=value`, and `+key=value` where adding is allowed: creates the key
/// and its parents even in struct mode, merging a mapping into a mapping.
fn force_add(cfg: &mut Node, key: &str, value: Node) -> Result<(), Error> {
    clear_scalar_parents(cfg, key)?;
    cfg.update(
        key,
        value,
        UpdateMode {
            merge: true,
            force_add: true,
        },
    )
}
