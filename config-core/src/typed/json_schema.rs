//! The JSON Schema (draft 2020-12) of a config type: field types, docs,
//! defaults, bounds and `enum`s from the validators, and the argument
//! schemas of typed lazy objects. Write it as JSON with
//! [`to_json`](crate::serde::to_json) (feature `serde`) or as YAML.

use crate::node::{Key, Node, Value};
use crate::typed::schema::{Schema, TypeDesc, Validator};
use crate::typed::TypedTargets;

/// A JSON Schema (draft 2020-12) of a config type, as a [`Node`] tree
/// (emit it with `to_yaml`, or as JSON with
/// [`to_json`](crate::serde::to_json)).
pub fn json_schema(schema: &Schema, defaults: &Node) -> Node {
    json_schema_with(schema, defaults, &TypedTargets::default())
}

/// [`json_schema`], with each lazy object described by the argument
/// schemas of the typed targets (`anyOf`: one object per typed target, its
/// `_target_` a `const`, plus any other target, untyped).
///
/// ```
/// use config_core::typed::{json_schema_with, Config, LazyDict, Registry};
/// use config_derive::Config;
///
/// #[derive(Config, Clone, Debug)]
/// pub struct AdamArgs {
///     #[config(default = 1e-3)]
///     pub lr: f64,
/// }
/// #[derive(Config, Clone, Debug)]
/// pub struct Train {
///     pub optimizer: Option<LazyDict>,
/// }
///
/// let mut reg = Registry::new();
/// reg.register_typed("Adam", |a: AdamArgs, _| Ok(a.lr));
/// let s = json_schema_with(&Train::SCHEMA, &Train::default_dict(), reg.typed_targets());
/// let adam = s.select("properties.optimizer.anyOf[0].anyOf[0]").unwrap().unwrap();
/// assert_eq!(adam.select("properties._target_.const").unwrap().unwrap().as_str(), Some("Adam"));
/// assert_eq!(adam.select("properties.lr.type").unwrap().unwrap().as_str(), Some("number"));
/// ```
pub fn json_schema_with(schema: &Schema, defaults: &Node, targets: &TypedTargets) -> Node {
    let mut root = object_schema(schema, Some(defaults), targets);
    if let Some(m) = root.as_map_mut_raw() {
        m.shift_insert(
            0,
            "$schema".into(),
            Node::from("https://json-schema.org/draft/2020-12/schema"),
        );
        m.shift_insert(1, "title".into(), Node::from(schema.name));
    }
    root
}

fn object_schema(schema: &Schema, defaults: Option<&Node>, targets: &TypedTargets) -> Node {
    let mut props = crate::node::Map::new();
    let mut required = Vec::new();
    for f in schema.fields {
        let mut p = type_schema(&f.ty, defaults.and_then(|d| d.get(f.name)), targets);
        if let Some(m) = p.as_map_mut_raw() {
            if !f.doc.is_empty() {
                m.insert("description".into(), Node::from(f.doc));
            }
            if let Some(d) = defaults.and_then(|d| d.get(f.name)) {
                if !d.is_missing() && !d.value.is_container() {
                    m.insert("default".into(), d.clone());
                }
            }
            for v in f.validators {
                match v {
                    Validator::Range { min, max } => {
                        if let Some(x) = min {
                            m.insert("minimum".into(), Node::from(*x));
                        }
                        if let Some(x) = max {
                            m.insert("maximum".into(), Node::from(*x));
                        }
                    }
                    Validator::NonEmpty => {
                        let k = if matches!(f.ty.inner(), TypeDesc::List(_)) {
                            "minItems"
                        } else {
                            "minLength"
                        };
                        m.insert(k.into(), Node::from(1));
                    }
                    Validator::OneOf(opts) => {
                        let l = opts.iter().map(|o| Node::from(*o)).collect();
                        m.insert("enum".into(), Node::new(Value::List(l)));
                    }
                    Validator::Custom(_) => {}
                }
            }
        }
        if f.mandatory {
            required.push(Node::from(f.name));
        }
        props.insert(f.name.into(), p);
    }
    let mut m = crate::node::Map::new();
    m.insert("type".into(), Node::from("object"));
    if !schema.doc.is_empty() {
        m.insert("description".into(), Node::from(schema.doc));
    }
    m.insert("properties".into(), Node::new(Value::Map(props)));
    if !required.is_empty() {
        m.insert("required".into(), Node::new(Value::List(required)));
    }
    m.insert("additionalProperties".into(), Node::from(false));
    Node::new(Value::Map(m))
}

fn type_schema(ty: &TypeDesc, defaults: Option<&Node>, targets: &TypedTargets) -> Node {
    let mut m = crate::node::Map::new();
    let mut put = |k: &str, v: Node| {
        m.insert(k.into(), v);
    };
    match ty {
        TypeDesc::Bool => put("type", "boolean".into()),
        TypeDesc::Int { min, max, .. } => {
            put("type", "integer".into());
            put("minimum", Node::from(clamp_i64(*min)));
            put("maximum", Node::from(clamp_i64(*max)));
        }
        TypeDesc::Float { .. } => put("type", "number".into()),
        TypeDesc::Str | TypeDesc::Path => put("type", "string".into()),
        TypeDesc::Enum { variants, .. } => put(
            "enum",
            Node::new(Value::List(
                variants.iter().map(|v| Node::from(*v)).collect(),
            )),
        ),
        TypeDesc::Option(t) => {
            let inner = type_schema(t, defaults, targets);
            put(
                "anyOf",
                Node::new(Value::List(vec![inner, object_of("type", "null")])),
            );
        }
        TypeDesc::List(t) => {
            put("type", "array".into());
            put("items", type_schema(t, None, targets));
        }
        TypeDesc::Map(t) => {
            put("type", "object".into());
            put("additionalProperties", type_schema(t, None, targets));
        }
        TypeDesc::Nested(s) => {
            return object_schema(s, defaults.filter(|d| d.as_map().is_some()), targets)
        }
        TypeDesc::Lazy if !targets.is_empty() => return lazy_schema(targets),
        TypeDesc::Dict => put("type", "object".into()),
        TypeDesc::Lazy => {
            put("type", "object".into());
            put(
                "required",
                Node::new(Value::List(vec![Node::from("_target_")])),
            );
        }
    }
    Node::new(Value::Map(m))
}

/// A lazy object: one of the typed targets, or any other (untyped) target.
fn lazy_schema(targets: &TypedTargets) -> Node {
    let mut any = Vec::new();
    let mut names = Vec::new();
    for (name, t) in targets.iter() {
        let mut obj = object_schema(t.schema, Some(&t.defaults), targets);
        if let Some(m) = obj.as_map_mut_raw() {
            if let Some(props) = m
                .get_mut(&Key::from("properties"))
                .and_then(Node::as_map_mut_raw)
            {
                props.shift_insert(0, "_target_".into(), object_of("const", name));
            }
            m.insert("required".into(), list_of(&["_target_"]));
            // Hydra's reserved keys are allowed beside the arguments.
            m.shift_remove(&Key::from("additionalProperties"));
        }
        any.push(obj);
        names.push(name);
    }
    let mut other = crate::node::Map::new();
    other.insert("type".into(), Node::from("object"));
    other.insert("required".into(), list_of(&["_target_"]));
    let mut not = crate::node::Map::new();
    not.insert("not".into(), object_with("enum", list_of(&names)));
    let mut props = crate::node::Map::new();
    props.insert("_target_".into(), Node::new(Value::Map(not)));
    other.insert("properties".into(), Node::new(Value::Map(props)));
    any.push(Node::new(Value::Map(other)));
    object_with("anyOf", Node::new(Value::List(any)))
}

fn list_of(items: &[&str]) -> Node {
    Node::new(Value::List(items.iter().map(|s| Node::from(*s)).collect()))
}

fn object_with(k: &str, v: Node) -> Node {
    let mut m = crate::node::Map::new();
    m.insert(k.into(), v);
    Node::new(Value::Map(m))
}

fn object_of(k: &str, v: &str) -> Node {
    let mut m = crate::node::Map::new();
    m.insert(k.into(), Node::from(v));
    Node::new(Value::Map(m))
}

fn clamp_i64(x: i128) -> i64 {
    x.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}
