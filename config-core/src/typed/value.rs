//! Conversions between Rust field values and [`Node`]s: the per-type half
//! of `to_dict` / `from_dict`.
//!
//! Place in the flow: the **type** step. The derive calls
//! [`ConfigValue::to_node`] and [`ConfigValue::from_node`] for every field;
//! this module implements them for the supported field types (bool,
//! integers, floats, `String`, `PathBuf`, `Option`, `Vec`, string-keyed
//! maps); derived configs and enums implement it themselves.
//!
//! [`ConfigValue`] is sealed: its supertrait `DeeplyImmutable` is
//! implemented here for those types (and [`DictConfig`](crate::typed::DictConfig),
//! [`LazyDict`](crate::typed::LazyDict)) and by `#[derive(Config)]` for
//! derived types, never by hand. None of them can change through a shared
//! reference (no `Cell`, `RefCell`, `Mutex`, atomics, at any depth), which is
//! what makes [`Config::freeze`](crate::typed::Config::freeze) deep and
//! [`Frozen::thaw`](crate::typed::Frozen::thaw) an independent copy.

use crate::error::Error;
use crate::node::{Key, Map, Node, Value};
use crate::origin::Origin;
use crate::path::{child_key, index_key};
use crate::typed::coerce::{self, type_error};
use crate::typed::schema::TypeDesc;
use crate::typed::validate::Errors;
use indexmap::IndexMap;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, BuildHasherDefault, RandomState};
use std::path::PathBuf;

pub(crate) mod sealed {
    /// The seal of [`ConfigValue`](super::ConfigValue): types whose values
    /// cannot change through a shared reference, at any depth. Implemented
    /// in `typed::value` for the supported field types and by
    /// `#[derive(Config)]` (through `typed::__private_v0_1`) for derived types,
    /// whose fields are all `ConfigValue`s themselves. Not to be implemented
    /// by hand: that would reopen the hole `freeze()` closes.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a sealed config value: `ConfigValue` is implemented only by the built-in field types and by `#[derive(Config)]`",
        label = "not known to be deeply immutable",
        note = "the seal keeps `freeze()` deep: interior mutability (Cell, RefCell, Mutex, RwLock, atomics, OnceLock, an Arc of one) would let a store through `&Frozen<T>` change what every clone sees, and `thaw()` would share it with the frozen original",
        note = "derive `Config` for the type (a struct with named fields, or a unit enum) and keep runtime state (counters, caches, locks) outside the config; a map's hasher must be std's `RandomState` or a `BuildHasherDefault`"
    )]
    pub trait DeeplyImmutable {}
}
use sealed::DeeplyImmutable;

/// A type that can be a config field.
///
/// Sealed: implemented for `bool`, the integers, `f32`, `f64`, `String`,
/// `PathBuf`, `Option<T>`, `Vec<T>`, string-keyed `IndexMap`, `HashMap` and
/// `BTreeMap`, [`DictConfig`](crate::typed::DictConfig),
/// [`LazyDict`](crate::typed::LazyDict), and by `#[derive(Config)]`. None can
/// change through `&self`, so a [`Frozen`](crate::typed::Frozen) config is
/// immutable all the way down.
///
/// ```compile_fail,E0277
/// use config_derive::Config;
/// use std::sync::{atomic::AtomicU64, Arc};
///
/// #[derive(Config, Clone)]
/// pub struct Train {
///     pub steps: Arc<AtomicU64>, // `Arc<AtomicU64>` is not a config field type
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a config field type",
    label = "not a config field type",
    note = "config fields are bool, integers, f32, f64, String, PathBuf, Option<T>, Vec<T>, string-keyed HashMap, BTreeMap and IndexMap, DictConfig, LazyDict, and types with #[derive(Config)]",
    note = "interior mutability (Cell, RefCell, Mutex, RwLock, atomics, OnceLock, an Arc of one) is refused: it would break freeze(), as a store through `&Frozen<T>` would change what every clone sees and `thaw()` would share it with the frozen original"
)]
pub trait ConfigValue: DeeplyImmutable + Sized {
    /// The type, as schema data.
    const TYPE: TypeDesc;

    /// This value as a node, every node stamped with `origin`.
    fn to_node(&self, origin: &Origin) -> Node;

    /// Converts a node at full key `key` (OmegaConf's coercions apply).
    fn from_node(node: &Node, key: &str) -> Result<Self, Error>;

    /// The node for this type's declared default, with `???` for mandatory
    /// fields; `None` for types whose default is simply `Default::default()`.
    fn default_node() -> Option<Node> {
        None
    }

    /// Runs the validators of nested configs below `key`.
    fn validate_into(&self, _key: &str, _errors: &mut Errors) {}
}

fn scalar(value: Value, origin: &Origin) -> Node {
    Node::with_origin(value, origin.clone())
}

fn null_error(key: &str, node: &Node, ty: &TypeDesc) -> Error {
    type_error(key, &ty.expectation(), node)
        .with_hint("the field is not an Option, so it cannot be null")
}

// The seal: only types with no interior mutability, at any depth.
impl DeeplyImmutable for bool {}
impl DeeplyImmutable for f32 {}
impl DeeplyImmutable for f64 {}
impl DeeplyImmutable for String {}
impl DeeplyImmutable for PathBuf {}
impl<T: DeeplyImmutable> DeeplyImmutable for Option<T> {}
impl<T: DeeplyImmutable> DeeplyImmutable for Vec<T> {}
impl<T: DeeplyImmutable, S: DeeplyImmutable> DeeplyImmutable for IndexMap<String, T, S> {}
impl<T: DeeplyImmutable, S: DeeplyImmutable> DeeplyImmutable for HashMap<String, T, S> {}
impl<T: DeeplyImmutable> DeeplyImmutable for BTreeMap<String, T> {}
// A map's hasher is reachable through `&map` (`hasher()`): std's are stateless
// after construction.
impl DeeplyImmutable for RandomState {}
impl<H> DeeplyImmutable for BuildHasherDefault<H> {}

impl ConfigValue for bool {
    const TYPE: TypeDesc = TypeDesc::Bool;
    fn to_node(&self, origin: &Origin) -> Node {
        scalar(Value::Bool(*self), origin)
    }
    fn from_node(node: &Node, key: &str) -> Result<Self, Error> {
        coerce::to_bool(node, key)
    }
}

macro_rules! int_impl {
    ($($t:ty),*) => {$(
        impl DeeplyImmutable for $t {}
        impl ConfigValue for $t {
            const TYPE: TypeDesc = TypeDesc::Int { name: stringify!($t), min: <$t>::MIN as i128, max: <$t>::MAX as i128 };
            fn to_node(&self, origin: &Origin) -> Node {
                // Values beyond i64 (large u64) are kept as their digits.
                match i64::try_from(*self) {
                    Ok(i) => scalar(Value::Int(i), origin),
                    Err(_) => scalar(Value::Str(self.to_string().into()), origin),
                }
            }
            fn from_node(node: &Node, key: &str) -> Result<Self, Error> {
                let v = coerce::to_int(node, key, &Self::TYPE)?;
                <$t>::try_from(v).map_err(|_| type_error(key, &Self::TYPE.expectation(), node))
            }
        }
    )*};
}
int_impl!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl ConfigValue for f64 {
    const TYPE: TypeDesc = TypeDesc::Float { name: "f64" };
    fn to_node(&self, origin: &Origin) -> Node {
        scalar(Value::Float(*self), origin)
    }
    fn from_node(node: &Node, key: &str) -> Result<Self, Error> {
        coerce::to_float(node, key, &Self::TYPE)
    }
}

impl ConfigValue for f32 {
    const TYPE: TypeDesc = TypeDesc::Float { name: "f32" };
    fn to_node(&self, origin: &Origin) -> Node {
        // Through the shortest decimal form, so 0.1f32 is written 0.1.
        let wide = self.to_string().parse::<f64>().unwrap_or(f64::from(*self));
        scalar(Value::Float(wide), origin)
    }
    fn from_node(node: &Node, key: &str) -> Result<Self, Error> {
        coerce::to_float(node, key, &Self::TYPE).map(|f| f as f32)
    }
}

impl ConfigValue for String {
    const TYPE: TypeDesc = TypeDesc::Str;
    fn to_node(&self, origin: &Origin) -> Node {
        scalar(Value::string(self.clone()), origin)
    }
    fn from_node(node: &Node, key: &str) -> Result<Self, Error> {
        if matches!(node.value, Value::Null) {
            return Err(null_error(key, node, &Self::TYPE));
        }
        coerce::to_string(node, key, &Self::TYPE)
    }
}

impl ConfigValue for PathBuf {
    const TYPE: TypeDesc = TypeDesc::Path;
    fn to_node(&self, origin: &Origin) -> Node {
        scalar(Value::string(self.to_string_lossy().into_owned()), origin)
    }
    fn from_node(node: &Node, key: &str) -> Result<Self, Error> {
        if matches!(node.value, Value::Null) {
            return Err(null_error(key, node, &Self::TYPE));
        }
        coerce::to_string(node, key, &Self::TYPE).map(PathBuf::from)
    }
}

impl<T: ConfigValue> ConfigValue for Option<T> {
    const TYPE: TypeDesc = TypeDesc::Option(&T::TYPE);
    fn to_node(&self, origin: &Origin) -> Node {
        match self {
            Some(v) => v.to_node(origin),
            None => scalar(Value::Null, origin),
        }
    }
    fn from_node(node: &Node, key: &str) -> Result<Self, Error> {
        match node.value {
            Value::Null => Ok(None),
            _ => T::from_node(node, key).map(Some),
        }
    }
    fn validate_into(&self, key: &str, errors: &mut Errors) {
        if let Some(v) = self {
            v.validate_into(key, errors);
        }
    }
}

fn list_items<'a>(node: &'a Node, key: &str, ty: &TypeDesc) -> Result<&'a [Node], Error> {
    match &node.value {
        Value::List(items) => Ok(items),
        Value::Missing => Err(coerce::missing_error(key, node)),
        _ => Err(type_error(key, &ty.expectation(), node)),
    }
}

impl<T: ConfigValue> ConfigValue for Vec<T> {
    const TYPE: TypeDesc = TypeDesc::List(&T::TYPE);
    fn to_node(&self, origin: &Origin) -> Node {
        scalar(
            Value::List(self.iter().map(|v| v.to_node(origin)).collect()),
            origin,
        )
    }
    fn from_node(node: &Node, key: &str) -> Result<Self, Error> {
        let items = list_items(node, key, &Self::TYPE)?;
        items
            .iter()
            .enumerate()
            .map(|(i, n)| T::from_node(n, &index_key(key, i)))
            .collect()
    }
    fn validate_into(&self, key: &str, errors: &mut Errors) {
        for (i, v) in self.iter().enumerate() {
            v.validate_into(&index_key(key, i), errors);
        }
    }
}

fn map_entries<'a>(node: &'a Node, key: &str, ty: &TypeDesc) -> Result<&'a Map, Error> {
    match &node.value {
        Value::Map(m) => Ok(m),
        Value::Missing => Err(coerce::missing_error(key, node)),
        _ => Err(type_error(key, &ty.expectation(), node)),
    }
}

fn map_to_node<'a, T: ConfigValue + 'a>(
    entries: impl Iterator<Item = (&'a String, &'a T)>,
    origin: &Origin,
) -> Node {
    let m: Map = entries
        .map(|(k, v)| (Key::from(k.clone()), v.to_node(origin)))
        .collect();
    scalar(Value::Map(m), origin)
}

fn map_from_node<T: ConfigValue, C: FromIterator<(String, T)>>(
    node: &Node,
    key: &str,
    ty: &TypeDesc,
) -> Result<C, Error> {
    let m = map_entries(node, key, ty)?;
    m.iter()
        .map(|(k, v)| Ok((k.to_string(), T::from_node(v, &child_key(key, k))?)))
        .collect()
}

macro_rules! map_impl {
    ($map:ident [$($gen:tt)*] [$($args:tt)*]) => {
        impl<T: ConfigValue $($gen)*> ConfigValue for $map<String, T $($args)*>
        where
            $map<String, T $($args)*>: DeeplyImmutable,
        {
            const TYPE: TypeDesc = TypeDesc::Map(&T::TYPE);
            fn to_node(&self, origin: &Origin) -> Node {
                map_to_node(self.iter(), origin)
            }
            fn from_node(node: &Node, key: &str) -> Result<Self, Error> {
                map_from_node(node, key, &Self::TYPE)
            }
            fn validate_into(&self, key: &str, errors: &mut Errors) {
                for (k, v) in self.iter() {
                    v.validate_into(&child_key(key, &Key::from(k.clone())), errors);
                }
            }
        }
    };
}
map_impl!(IndexMap [, S: BuildHasher + Default] [, S]);
map_impl!(HashMap [, S: BuildHasher + Default] [, S]);
map_impl!(BTreeMap [] []);

/// Anything that `dict!` and `lazy!` accept as a value.
pub trait IntoNode {
    /// The value as a node.
    fn into_node(self) -> Node;
}

impl<T: ConfigValue> IntoNode for T {
    fn into_node(self) -> Node {
        self.to_node(&Origin::Unknown)
    }
}
impl IntoNode for Node {
    fn into_node(self) -> Node {
        self
    }
}
impl IntoNode for &str {
    fn into_node(self) -> Node {
        Node::from(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_coerces() {
        let o = Origin::Unknown;
        let v: Vec<Option<u8>> = vec![Some(1), None];
        assert_eq!(
            Vec::<Option<u8>>::from_node(&v.to_node(&o), "l").unwrap(),
            v
        );
        let n = Node::new(Value::List(vec![Node::from("10"), Node::from(300)]));
        let e = Vec::<u8>::from_node(&n, "l").unwrap_err();
        assert_eq!(e.key(), Some("l[1]"));
        assert_eq!(
            u64::from_node(&u64::MAX.to_node(&o), "k").unwrap(),
            u64::MAX
        );
        assert_eq!(f32::from_node(&0.1f32.to_node(&o), "k").unwrap(), 0.1f32);
    }
}
