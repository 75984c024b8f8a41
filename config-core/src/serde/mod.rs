//! serde, both ways: a [`Node`] is `Serialize`, a node reads into any
//! `DeserializeOwned` type ([`Node::extract`]), and any `Serialize` value
//! becomes a node ([`Node::from_serialize`]). Behind the `serde` feature
//! (on by default).
//!
//! Place in the flow: beside **type**. The `#[derive(Config)]` layer uses it
//! for `#[config(serde)]` fields (`url::Url`, a `Duration` through an
//! adapter, a third-party struct), and the tools for JSON output.
//!
//! Deserialization errors name the full key and where the value came from,
//! like every other error here:
//!
//! ```
//! use config_core::Node;
//! #[derive(serde::Deserialize, Debug)]
//! struct Optim { lr: f64, betas: Vec<f64> }
//!
//! let cfg = Node::from_yaml_str("optim:\n  lr: 0.1\n  betas: [0.9, fast]\n").unwrap();
//! let err = cfg.get("optim").unwrap().extract_at::<Optim>("optim").unwrap_err();
//! assert_eq!(err.message(), "invalid type: string \"fast\", expected f64");
//! assert_eq!(err.origin().unwrap().to_string(), "<string>:3:16");
//! assert_eq!(err.key(), Some("optim.betas[1]"));
//! ```

mod de;
mod ser;
mod to_node;

pub use de::NodeDeserializer;
pub use ser::{to_json, to_json_pretty};

use crate::error::Error;
use crate::node::Node;

impl Node {
    /// Builds any serde type from this (sub)tree. Errors name the key
    /// relative to this node and the value's origin; use
    /// [`Node::extract_at`] to name full keys.
    ///
    /// ```
    /// use config_core::Node;
    /// let n = Node::from_yaml_str("{lr: 0.1, steps: 10}").unwrap();
    /// let m: std::collections::BTreeMap<String, f64> = n.extract().unwrap();
    /// assert_eq!(m["steps"], 10.0);
    /// ```
    pub fn extract<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        self.extract_at("")
    }

    /// [`Node::extract`] for a node found at full key `key`, which errors
    /// name (`optimizer.lr`).
    pub fn extract_at<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<T, Error> {
        T::deserialize(NodeDeserializer::new(self, key)).map_err(de::DeError::into_error)
    }

    /// A tree from any `Serialize` value: structs and maps become mappings
    /// (in field order), sequences and tuples lists, `None` and `()` null,
    /// unit enum variants their name, other variants `{Variant: content}`.
    ///
    /// ```
    /// use config_core::Node;
    /// #[derive(serde::Serialize)]
    /// struct Optim { lr: f64, betas: (f64, f64), name: Option<String> }
    /// let n = Node::from_serialize(&Optim { lr: 0.1, betas: (0.9, 0.99), name: None }).unwrap();
    /// assert_eq!(n.to_yaml(), "lr: 0.1\nbetas:\n- 0.9\n- 0.99\nname: null\n");
    /// ```
    pub fn from_serialize<T: serde::Serialize + ?Sized>(value: &T) -> Result<Node, Error> {
        value
            .serialize(to_node::NodeSerializer)
            .map_err(to_node::SerError::into_error)
    }

    /// This tree as compact JSON, keys in order (see [`to_json`]).
    pub fn to_json(&self) -> String {
        to_json(self)
    }
}

#[cfg(test)]
mod tests;
