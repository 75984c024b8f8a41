//! Property tests: `from_dict(to_dict(x)) == x` for every supported field
//! type, one property per type, plus a derived struct holding all of them.

// Test fixtures, not an API.
#![allow(missing_docs)]

use config_core::typed::{Config, ConfigValue, DictConfig, LazyDict};
use config_core::{dict, lazy, Origin};
use config_derive::Config;
use indexmap::IndexMap;
use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::path::PathBuf;

fn round_trip<T: ConfigValue + PartialEq + Debug>(v: &T) {
    let node = v.to_node(&Origin::Unknown);
    let back = T::from_node(&node, "k").unwrap_or_else(|e| panic!("{v:?}: {e}"));
    assert_eq!(&back, v);
}

#[derive(Config, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Ddp,
    FullyShardedDp,
    #[config(rename = "tp")]
    Tensor,
}

#[derive(Config, Debug, Clone, PartialEq)]
pub struct Leaf {
    pub n: i32,
    pub s: String,
}

#[derive(Config, Debug, Clone, PartialEq)]
pub struct All {
    pub b: bool,
    pub u8_: u8,
    pub i64_: i64,
    pub u64_: u64,
    pub f32_: f32,
    pub f64_: f64,
    pub s: String,
    pub p: PathBuf,
    pub o: Option<u16>,
    pub v: Vec<i8>,
    pub im: IndexMap<String, u32>,
    pub bm: BTreeMap<String, bool>,
    pub hm: HashMap<String, String>,
    pub leaf: Leaf,
    pub opt_leaf: Option<Leaf>,
    pub leaves: Vec<Leaf>,
    pub leaf_map: IndexMap<String, Leaf>,
    pub mode: Mode,
    pub dict: DictConfig,
    pub lazy: Option<LazyDict>,
}

fn finite_f64() -> impl Strategy<Value = f64> {
    prop::num::f64::NORMAL
        | prop::num::f64::ZERO
        | prop::num::f64::SUBNORMAL
        | prop::num::f64::INFINITE
}
fn finite_f32() -> impl Strategy<Value = f32> {
    prop::num::f32::NORMAL
        | prop::num::f32::ZERO
        | prop::num::f32::SUBNORMAL
        | prop::num::f32::INFINITE
}
fn key() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,8}"
}
fn leaf() -> impl Strategy<Value = Leaf> {
    (any::<i32>(), any::<String>()).prop_map(|(n, s)| Leaf { n, s })
}
fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![
        Just(Mode::Ddp),
        Just(Mode::FullyShardedDp),
        Just(Mode::Tensor)
    ]
}
fn dict_config() -> impl Strategy<Value = DictConfig> {
    (key(), any::<i64>(), any::<String>()).prop_map(|(k, i, s)| {
        let mut n = dict!({ nested: { list: [1, 2.5, null, true] } });
        n.as_map_mut()
            .unwrap()
            .unwrap()
            .insert(k.as_str().into(), dict!([i, s]));
        DictConfig(n)
    })
}
fn lazy_dict() -> impl Strategy<Value = Option<LazyDict>> {
    proptest::option::of(
        (key(), finite_f64()).prop_map(|(t, lr)| lazy!(t.as_str(), lr = lr, betas = [0.9, 0.99])),
    )
}

macro_rules! prop_rt {
    ($($name:ident: $ty:ty = $strat:expr;)*) => {
        proptest! {
            $(
                #[test]
                fn $name(v in $strat) {
                    round_trip::<$ty>(&v);
                }
            )*
        }
    };
}

prop_rt! {
    bool_: bool = any::<bool>();
    u8_: u8 = any::<u8>();
    u16_: u16 = any::<u16>();
    u32_: u32 = any::<u32>();
    u64_: u64 = any::<u64>();
    usize_: usize = any::<usize>();
    i8_: i8 = any::<i8>();
    i16_: i16 = any::<i16>();
    i32_: i32 = any::<i32>();
    i64_: i64 = any::<i64>();
    isize_: isize = any::<isize>();
    f32_: f32 = finite_f32();
    f64_: f64 = finite_f64();
    string: String = any::<String>();
    path: PathBuf = "[a-zA-Z0-9_./-]{0,20}".prop_map(PathBuf::from);
    option: Option<u64> = proptest::option::of(any::<u64>());
    vec: Vec<String> = proptest::collection::vec(any::<String>(), 0..5);
    index_map: IndexMap<String, i64> = proptest::collection::vec((key(), any::<i64>()), 0..5).prop_map(|v| v.into_iter().collect());
    btree_map: BTreeMap<String, f64> = proptest::collection::btree_map(key(), finite_f64(), 0..5);
    hash_map: HashMap<String, bool> = proptest::collection::hash_map(key(), any::<bool>(), 0..5);
    nested: Leaf = leaf();
    option_nested: Option<Leaf> = proptest::option::of(leaf());
    vec_nested: Vec<Leaf> = proptest::collection::vec(leaf(), 0..4);
    map_nested: BTreeMap<String, Leaf> = proptest::collection::btree_map(key(), leaf(), 0..4);
    unit_enum: Mode = mode();
    dict_config_: DictConfig = dict_config();
    lazy_dict_: Option<LazyDict> = lazy_dict();
}

fn all() -> impl Strategy<Value = All> {
    let scalars = (
        any::<bool>(),
        any::<u8>(),
        any::<i64>(),
        any::<u64>(),
        finite_f32(),
        finite_f64(),
        any::<String>(),
    );
    let containers = (
        proptest::option::of(any::<u16>()),
        proptest::collection::vec(any::<i8>(), 0..4),
        proptest::collection::vec((key(), any::<u32>()), 0..3),
        proptest::collection::btree_map(key(), any::<bool>(), 0..3),
        proptest::collection::hash_map(key(), any::<String>(), 0..3),
    );
    let nested = (
        leaf(),
        proptest::option::of(leaf()),
        proptest::collection::vec(leaf(), 0..3),
        mode(),
        dict_config(),
        lazy_dict(),
    );
    (scalars, containers, nested).prop_map(
        |(
            (b, u8_, i64_, u64_, f32_, f64_, s),
            (o, v, im, bm, hm),
            (leaf, opt_leaf, leaves, mode, dict, lazy),
        )| All {
            b,
            u8_,
            i64_,
            u64_,
            f32_,
            f64_,
            p: PathBuf::from(&s.replace('\0', "")),
            s,
            o,
            v,
            im: im.into_iter().collect(),
            bm,
            hm,
            leaf_map: leaves
                .iter()
                .enumerate()
                .map(|(i, l)| (format!("k{i}"), l.clone()))
                .collect(),
            leaf,
            opt_leaf,
            leaves,
            mode,
            dict,
            lazy,
        },
    )
}

proptest! {
    #[test]
    fn derived_struct_round_trips(x in all()) {
        let back = All::from_dict(&x.to_dict()).unwrap();
        prop_assert_eq!(back, x);
    }
}
