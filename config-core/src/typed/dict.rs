//! Open subtrees: [`DictConfig`], a field that holds any mapping, and the
//! `dict!` macro that writes a [`Node`] as a JSON-like literal.
//!
//! Place in the flow: plain data through compose, resolve, type and freeze.

use crate::error::Error;
use crate::node::{Node, Value};
use crate::origin::Origin;
use crate::typed::coerce::{missing_error, type_error};
use crate::typed::schema::TypeDesc;
use crate::typed::value::ConfigValue;

/// An open, untyped config subtree (a mapping of anything).
#[derive(Clone, Debug, PartialEq)]
pub struct DictConfig(pub Node);

impl Default for DictConfig {
    fn default() -> Self {
        DictConfig(Node::empty_map())
    }
}

impl DictConfig {
    /// The mapping's entry at `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.0.get(key)
    }
}

// Plain tree data: a `Node` has no interior mutability.
impl crate::typed::value::sealed::DeeplyImmutable for DictConfig {}

impl ConfigValue for DictConfig {
    const TYPE: TypeDesc = TypeDesc::Dict;
    fn to_node(&self, origin: &Origin) -> Node {
        let mut n = self.0.clone();
        if n.as_map().is_none() {
            n = Node::empty_map();
        }
        n.stamp_origin(origin);
        n
    }
    fn from_node(node: &Node, key: &str) -> Result<Self, Error> {
        match &node.value {
            Value::Map(_) => Ok(DictConfig(node.clone())),
            Value::Missing => Err(missing_error(key, node)),
            _ => Err(type_error(key, &Self::TYPE.expectation(), node)),
        }
    }
}

/// An empty list for `dict!` to fill.
pub fn new_list() -> Vec<Node> {
    Vec::new()
}

/// The text of a `dict!` key: an identifier, or a string literal.
pub fn key_text(tokens: &str) -> String {
    let t = tokens.trim();
    match t.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) => inner.to_string(),
        None => t.to_string(),
    }
}

/// Builds a [`Node`] from a JSON-like literal, as `serde_json::json!`:
/// `{key: value, "other key": value}`, `[a, b]`, `null`, `???` and any
/// Rust expression whose type is a config value.
///
/// ```
/// use config_core::dict;
/// let n = dict!({ lr: 1e-3, betas: [0.9, 0.999], name: "adamw", extra: null, root: ??? });
/// assert_eq!(n.to_yaml(), "lr: 0.001\nbetas:\n- 0.9\n- 0.999\nname: adamw\nextra: null\nroot: ???\n");
/// ```
#[macro_export]
macro_rules! dict {
    (@list $v:ident) => {};
    (@list $v:ident null $(, $($rest:tt)*)?) => {
        $v.push($crate::dict!(null)); $( $crate::dict!(@list $v $($rest)*); )?
    };
    (@list $v:ident ??? $(, $($rest:tt)*)?) => {
        $v.push($crate::dict!(???)); $( $crate::dict!(@list $v $($rest)*); )?
    };
    (@list $v:ident [ $($i:tt)* ] $(, $($rest:tt)*)?) => {
        $v.push($crate::dict!([ $($i)* ])); $( $crate::dict!(@list $v $($rest)*); )?
    };
    (@list $v:ident { $($i:tt)* } $(, $($rest:tt)*)?) => {
        $v.push($crate::dict!({ $($i)* })); $( $crate::dict!(@list $v $($rest)*); )?
    };
    (@list $v:ident $e:expr $(, $($rest:tt)*)?) => {
        $v.push($crate::dict!($e)); $( $crate::dict!(@list $v $($rest)*); )?
    };
    (@map $m:ident) => {};
    (@map $m:ident $k:tt : null $(, $($rest:tt)*)?) => {
        $crate::dict!(@put $m $k $crate::dict!(null)); $( $crate::dict!(@map $m $($rest)*); )?
    };
    (@map $m:ident $k:tt : ??? $(, $($rest:tt)*)?) => {
        $crate::dict!(@put $m $k $crate::dict!(???)); $( $crate::dict!(@map $m $($rest)*); )?
    };
    (@map $m:ident $k:tt : [ $($i:tt)* ] $(, $($rest:tt)*)?) => {
        $crate::dict!(@put $m $k $crate::dict!([ $($i)* ])); $( $crate::dict!(@map $m $($rest)*); )?
    };
    (@map $m:ident $k:tt : { $($i:tt)* } $(, $($rest:tt)*)?) => {
        $crate::dict!(@put $m $k $crate::dict!({ $($i)* })); $( $crate::dict!(@map $m $($rest)*); )?
    };
    (@map $m:ident $k:tt : $e:expr $(, $($rest:tt)*)?) => {
        $crate::dict!(@put $m $k $crate::dict!($e)); $( $crate::dict!(@map $m $($rest)*); )?
    };
    (@put $m:ident $k:tt $v:expr) => {
        $m.insert($crate::Key::from($crate::typed::__private_v0_1::key_text(stringify!($k))), $v);
    };
    (null) => { $crate::Node::new($crate::Value::Null) };
    (???) => { $crate::Node::new($crate::Value::Missing) };
    ([]) => { $crate::Node::new($crate::Value::List(::std::vec::Vec::new())) };
    ([ $($tt:tt)+ ]) => {{
        let mut v = $crate::typed::__private_v0_1::new_list();
        $crate::dict!(@list v $($tt)+);
        $crate::Node::new($crate::Value::List(v))
    }};
    ({}) => { $crate::Node::empty_map() };
    ({ $($tt:tt)+ }) => {{
        let mut m = $crate::Map::new();
        $crate::dict!(@map m $($tt)+);
        $crate::Node::new($crate::Value::Map(m))
    }};
    ($e:expr) => { $crate::typed::IntoNode::into_node($e) };
}
