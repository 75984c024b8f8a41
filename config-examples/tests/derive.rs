//! The derive's generated code: defaults, round trips, coercions, errors,
//! validation, schema.

// Test fixtures: which fields carry doc comments is part of what is tested (`--help`).
#![allow(missing_docs)]

use config_core::typed::{Config, ConfigValue, DictConfig, LazyDict, TypeDesc};
use config_core::{dict, lazy, ErrorKind, Node, Origin, Value};
use config_derive::Config;
use indexmap::IndexMap;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// Parallelism strategy.
#[derive(Config, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Parallelism {
    #[default]
    Ddp,
    Fsdp,
    #[config(rename = "tp")]
    TensorParallel,
}

#[derive(Config, Debug, Clone, PartialEq)]
pub struct Inner {
    #[config(default = 3)]
    pub k: u8,
    pub tags: Vec<String>,
}

fn check_outer(o: &Outer) -> Result<(), String> {
    if o.max_val_iter.is_some_and(|v| v > o.max_iter) {
        return Err(format!(
            "max_val_iter must not exceed max_iter ({})",
            o.max_iter
        ));
    }
    Ok(())
}

fn even(v: &u32) -> Result<(), String> {
    if v.is_multiple_of(2) {
        Ok(())
    } else {
        Err(format!("must be even, got {v}"))
    }
}

/// The outer config.
#[derive(Config, Debug, Clone, PartialEq)]
#[config(validate = check_outer)]
pub struct Outer {
    /// Total iterations.
    #[config(default = 400_000, validate(range(min = 1)))]
    pub max_iter: u64,
    #[config(default = None)]
    pub max_val_iter: Option<u64>,
    #[config(default = Parallelism::Ddp)]
    pub parallelism: Parallelism,
    pub inner: Inner,
    #[config(mandatory)]
    pub data_root: PathBuf,
    #[config(default = ["a", "b"], merge = "append")]
    pub callbacks: Vec<String>,
    #[config(default = "run_${now:%H}", validate(non_empty))]
    pub name: String,
    #[config(default = 0.5, validate(range(min = 0.0, max = 1.0)))]
    pub ratio: f32,
    #[config(default = 2, validate = even)]
    pub width: u32,
    #[config(default = "adamw", validate(one_of("adamw", "sgd")))]
    pub opt_name: String,
    pub flag: bool,
    pub neg: i8,
    pub maybe_inner: Option<Inner>,
    pub inners: Vec<Inner>,
    pub by_name: IndexMap<String, Inner>,
    pub sorted: BTreeMap<String, i32>,
    pub hashed: HashMap<String, f64>,
    pub extra: DictConfig,
    pub optimizer: Option<LazyDict>,
    #[config(rename = "type")]
    pub kind: String,
}

#[test]
fn defaults_and_default_dict() {
    let o = Outer::default();
    assert_eq!(o.max_iter, 400_000);
    assert_eq!(o.callbacks, vec!["a", "b"]);
    assert_eq!(o.inner.k, 3);
    let d = Outer::default_dict();
    assert!(d.get("data_root").unwrap().is_missing());
    assert!(matches!(d.get("name").unwrap().value, Value::Interp(_)));
    assert_eq!(d.get("parallelism").unwrap().as_str(), Some("ddp"));
    assert_eq!(
        d.get("max_iter").unwrap().origin,
        Origin::Code {
            type_name: "Outer".into()
        }
    );
    let names: Vec<&str> = Outer::SCHEMA.fields.iter().map(|f| f.name).collect();
    assert!(names.contains(&"type"));
    assert_eq!(
        Outer::SCHEMA.field("max_iter").unwrap().doc,
        "Total iterations."
    );
}

#[test]
fn round_trip_and_missing() {
    let mut o = Outer {
        data_root: "/data".into(),
        ..Outer::default()
    };
    o.maybe_inner = Some(Inner {
        k: 1,
        tags: vec!["x".into()],
    });
    o.inners.push(Inner::default());
    o.by_name.insert("a".into(), Inner::default());
    o.optimizer = Some(lazy!("torch.optim.AdamW", lr = 1e-4));
    o.extra = DictConfig(dict!({ anything: [1, 2] }));
    let back = Outer::from_dict(&o.to_dict()).unwrap();
    assert_eq!(back, o);

    let err = Outer::from_dict(&Outer::default_dict()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingValue);
    assert_eq!(err.key(), Some("data_root"));
    assert!(err.hints()[0].contains("data_root=<value>"), "{err}");
}

#[test]
fn coercions_and_errors() {
    let mut d = Outer::default().to_dict();
    let m = d.as_map_mut().unwrap().unwrap();
    m.insert("max_iter".into(), Node::from("10"));
    m.insert("flag".into(), Node::from("yes"));
    m.insert("parallelism".into(), Node::from("fsdp"));
    let o = Outer::from_dict(&d).unwrap();
    assert_eq!(
        (o.max_iter, o.flag, o.parallelism),
        (10, true, Parallelism::Fsdp)
    );

    let inner = d.get_mut("inner").unwrap().unwrap();
    inner.as_map_mut().unwrap().unwrap().insert(
        "k".into(),
        Node::with_origin(Value::Int(300), Origin::file("x.yaml", 4, 6)),
    );
    let e = Outer::from_dict(&d).unwrap_err();
    assert_eq!(e.key(), Some("inner.k"));
    assert_eq!(
        e.message(),
        "expected an unsigned integer (u8, 0..=255), got 300"
    );
    assert_eq!(e.origin(), Some(&Origin::file("x.yaml", 4, 6)));

    let mut d = Outer::default().to_dict();
    d.as_map_mut()
        .unwrap()
        .unwrap()
        .insert("max_itr".into(), Node::from(5));
    let e = Outer::from_dict(&d).unwrap_err();
    assert_eq!(e.hints(), vec!["did you mean max_iter?"]);
}

#[test]
fn validation_gathers_everything() {
    let o = Outer {
        max_iter: 0,
        max_val_iter: Some(5),
        name: String::new(),
        ratio: 2.0,
        width: 3,
        opt_name: "adam".into(),
        ..Outer::default()
    };
    let e = o.validate().unwrap_err();
    assert_eq!(
        e.to_string(),
        "max_iter: must be at least 1, got 0\n\
         name: must not be empty\n\
         ratio: must be in 0..=1, got 2\n\
         width: must be even, got 3\n\
         opt_name: must be one of [adamw, sgd], got 'adam'\n\
         <root>: max_val_iter must not exceed max_iter (0)"
    );
}

#[test]
fn schema_checks_overrides() {
    let s = &Outer::SCHEMA;
    let mut v = Node::from("abc");
    v.origin = Origin::arg(2, "max_iter=abc");
    let e = s.check_value("max_iter", &v).unwrap_err();
    assert_eq!(e.message(), "expected an unsigned integer, got 'abc'");
    assert_eq!((e.key(), e.origin()), (Some("max_iter"), Some(&v.origin)));
    assert!(s.check_value("inner.k", &Node::from(7)).is_ok());
    assert!(s.check_value("extra.whatever.deep", &Node::from(7)).is_ok());
    assert!(s.check_value("inners[0].k", &Node::from("x")).is_err());
    let e = s.check_value("inner.kk", &Node::from(1)).unwrap_err();
    assert_eq!(e.hints(), vec!["did you mean inner.k?"]);
    assert!(matches!(
        <Parallelism as ConfigValue>::TYPE,
        TypeDesc::Enum {
            variants: ["ddp", "fsdp", "tp"],
            ..
        }
    ));
    assert_eq!(s.list_policy("callbacks"), config_core::ListMerge::Append);
}

#[test]
fn schema_hook_applies_list_policies_and_types() {
    use config_core::typed::SchemaHook;
    let hook = SchemaHook::new(Outer::SCHEMA);
    let mut base = Outer::default().to_dict();
    config_core::merge_with(
        &mut base,
        dict!({ callbacks: ["c"], tags_unused: 1 }),
        &hook,
        "",
    )
    .unwrap();
    assert_eq!(base.get("callbacks").unwrap(), &dict!(["a", "b", "c"]));
    let err =
        config_core::merge_with(&mut base, dict!({ inner: { k: "many" } }), &hook, "").unwrap_err();
    assert_eq!(err.key(), Some("inner.k"));
}

#[test]
fn json_schema_export() {
    let s = config_core::typed::to_json(&Inner::json_schema());
    assert_eq!(
        s,
        r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"Inner","type":"object","properties":{"k":{"type":"integer","minimum":0,"maximum":255,"default":3},"tags":{"type":"array","items":{"type":"string"}}},"additionalProperties":false}"#
    );
    let outer = config_core::typed::to_json(&Outer::json_schema());
    assert!(outer.contains(r#""required":["data_root"]"#), "{outer}");
    assert!(
        outer.contains(r#""max_iter":{"type":"integer","minimum":1.0"#)
            || outer.contains(r#""minimum":1"#),
        "{outer}"
    );
    assert!(
        outer.contains(r#""description":"Total iterations.""#),
        "{outer}"
    );
}

#[test]
fn dict_and_lazy_macros_take_expressions() {
    let width = 7u32;
    let n = dict!({ a: -1, b: 1 + 2, c: width, "d e": [-0.5, "x", null, ???, { f: [] }], g: {} });
    assert_eq!(
        n,
        Node::from_yaml_str("a: -1\nb: 3\nc: 7\nd e: [-0.5, x, null, '???', {f: []}]\ng: {}\n")
            .unwrap()
    );
    let l = lazy!("Net", width = width * 2, dims = [1, 2], opts = { dropout: 0.1 }, extra = null);
    assert_eq!(l.get("width").unwrap().value, Value::Int(14));
    assert_eq!(l.get("opts").unwrap(), &dict!({ dropout: 0.1 }));
    assert_eq!(lazy!("Bare").node(), &dict!({ _target_: "Bare" }));
}
