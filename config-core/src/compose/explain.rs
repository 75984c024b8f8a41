//! `--explain KEY`: the final value of one key and every source that set
//! it, newest first, read from the provenance that loading, merging and
//! overriding leave on each node.

use crate::error::{Error, ErrorKind};
use crate::node::{Node, Value};
use crate::python::python_str as py_str;

/// The history of `key` in a composed `cfg`, one line per source.
///
/// ```
/// use config_core::compose::explain;
/// use config_core::{merge, Node, Origin};
/// let mut cfg = Node::from_yaml_str("trainer: {max_iter: 1000}").unwrap();
/// let mut later = Node::from_yaml_str("trainer: {max_iter: 10}").unwrap();
/// later.select_mut("trainer.max_iter").unwrap().unwrap().origin = Origin::arg(2, "trainer.max_iter=10");
/// merge(&mut cfg, later).unwrap();
/// let text = explain(&cfg, "trainer.max_iter").unwrap();
/// assert!(text.starts_with("trainer.max_iter = 10\n  set by command-line argument 2 (`trainer.max_iter=10`)"));
/// assert!(text.contains("overriding 1000 from <string>:1:21"));
/// ```
pub fn explain(cfg: &Node, key: &str) -> Result<String, Error> {
    let Some(node) = cfg.select(key)? else {
        let mut err = Error::new(
            ErrorKind::KeyNotFound,
            format!("Key '{key}' is not in the composed config"),
        );
        if let Some(h) = super::apply::nearest_keys(cfg, key) {
            err = err.with_hint(h);
        }
        return Err(err);
    };
    let mut out = String::new();
    if node.value.is_container() && !node.leaves().is_empty() && !is_empty_container(node) {
        out.push_str(&format!(
            "{key} is a {}; its values:\n",
            if node.as_map().is_some() {
                "mapping"
            } else {
                "list"
            }
        ));
        for (sub, leaf) in node.leaves() {
            let full = if sub.starts_with('[') {
                format!("{key}{sub}")
            } else {
                crate::path::join_key(key, &sub)
            };
            out.push_str(&chain(&full, leaf));
        }
        return Ok(out);
    }
    Ok(chain(key, node))
}

fn is_empty_container(n: &Node) -> bool {
    match &n.value {
        Value::Map(m) => m.is_empty(),
        Value::List(l) => l.is_empty(),
        _ => false,
    }
}

fn chain(key: &str, node: &Node) -> String {
    let mut out = format!("{key} = {}\n  set by {}\n", show(&node.value), node.origin);
    let mut prev = node.replaced();
    while let Some(p) = prev {
        out.push_str(&format!(
            "  overriding {} from {}\n",
            show(&p.value),
            p.origin
        ));
        prev = p.replaced();
    }
    out
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) if s.is_empty() => "''".into(),
        Value::Map(m) if m.is_empty() => "{}".into(),
        Value::List(l) if l.is_empty() => "[]".into(),
        other => py_str(other),
    }
}
