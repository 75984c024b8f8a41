//! Tests of the serde bridge: round trips (tree → T → tree, T → tree → T)
//! and the error texts.

use crate::node::{Key, Map, Node, Value};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
enum Schedule {
    Constant,
    Linear { warmup: u32, end: f64 },
    Steps(Vec<u32>),
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Run {
    small: u8,
    signed: i64,
    ratio: f64,
    name: String,
    sizes: Vec<u32>,
    flag: Option<bool>,
    extra: BTreeMap<String, i32>,
    schedule: Schedule,
    pair: (u16, String),
}

fn schedule() -> impl Strategy<Value = Schedule> {
    prop_oneof![
        Just(Schedule::Constant),
        (any::<u32>(), -1e9f64..1e9).prop_map(|(warmup, end)| Schedule::Linear { warmup, end }),
        prop::collection::vec(any::<u32>(), 0..4).prop_map(Schedule::Steps),
    ]
}

fn text() -> impl Strategy<Value = String> {
    // `${` makes an interpolation: not a plain string any more.
    "[a-z0-9 _.:/-]{0,12}"
}

fn run() -> impl Strategy<Value = Run> {
    (
        any::<u8>(),
        any::<i64>(),
        -1e12f64..1e12,
        text(),
        prop::collection::vec(any::<u32>(), 0..5),
        any::<Option<bool>>(),
        prop::collection::btree_map(text(), any::<i32>(), 0..4),
        schedule(),
        (any::<u16>(), text()),
    )
        .prop_map(
            |(small, signed, ratio, name, sizes, flag, extra, schedule, pair)| Run {
                small,
                signed,
                ratio,
                name,
                sizes,
                flag,
                extra,
                schedule,
                pair,
            },
        )
}

/// Trees of what a resolved config holds: scalars, lists, string-keyed
/// mappings (finite floats, no `???`, no interpolations).
fn tree() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        (-1e15f64..1e15).prop_map(Value::Float),
        text().prop_map(Value::string),
    ]
    .prop_map(Node::new);
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|l| Node::new(Value::List(l))),
            prop::collection::vec((text(), inner), 0..5).prop_map(|kv| {
                let m: Map = kv.into_iter().map(|(k, v)| (Key::from(k), v)).collect();
                Node::new(Value::Map(m))
            }),
        ]
    })
}

proptest! {
    #[test]
    fn typed_values_round_trip_through_the_tree(v in run()) {
        let node = Node::from_serialize(&v).unwrap();
        let back: Run = node.extract().unwrap();
        prop_assert_eq!(&back, &v);
        // And through YAML text: what a run dir's config.yaml holds.
        let again: Run = Node::from_yaml_str(&node.to_yaml()).unwrap().extract().unwrap();
        prop_assert_eq!(again, v);
    }

    #[test]
    fn trees_round_trip_through_a_serde_type(n in tree()) {
        let v: serde_json::Value = n.extract().unwrap();
        let back = Node::from_serialize(&v).unwrap();
        prop_assert_eq!(back, n);
    }
}

#[test]
fn json_keeps_key_order_and_marks() {
    let n =
        Node::from_yaml_str("z: 1\na: [true, null]\nm: ???\nbig: 18446744073709551615\n").unwrap();
    assert_eq!(
        n.to_json(),
        r#"{"z":1,"a":[true,null],"m":"???","big":18446744073709551615}"#
    );
    assert_eq!(
        crate::serde::to_json_pretty(&Node::from_yaml_str("a: {b: 1}").unwrap()),
        "{\n  \"a\": {\n    \"b\": 1\n  }\n}\n"
    );
}

fn extract_err<T: serde::de::DeserializeOwned + std::fmt::Debug>(yaml: &str, key: &str) -> String {
    let n = Node::from_yaml_str(yaml).unwrap();
    n.extract_at::<T>(key).unwrap_err().to_string()
}

#[test]
fn errors_name_the_full_key_and_origin() {
    insta::assert_snapshot!(
        "wrong_type_in_a_list",
        extract_err::<Run>(
            "small: 1\nsigned: 2\nratio: 0.5\nname: x\nsizes: [1, two]\nflag: null\nextra: {}\nschedule: Constant\npair: [1, a]\n",
            "run"
        )
    );
    insta::assert_snapshot!("missing_field", extract_err::<Run>("small: 1\n", "run"));
    insta::assert_snapshot!(
        "unknown_variant",
        extract_err::<Schedule>("Cosine: {}\n", "sched")
    );
    insta::assert_snapshot!(
        "out_of_range",
        extract_err::<BTreeMap<String, u8>>("a: 300\n", "sizes")
    );
    insta::assert_snapshot!(
        "missing_mandatory",
        extract_err::<BTreeMap<String, u8>>("a: ???\n", "sizes")
    );
}

#[test]
fn skipped_keys_are_not_read() {
    #[derive(Deserialize, Debug)]
    struct Only {
        lr: f64,
    }
    let n = Node::from_yaml_str("lr: 0.1\nlater: ???\nother: ${lr}\n").unwrap();
    assert_eq!(n.extract::<Only>().unwrap().lr, 0.1);
}
