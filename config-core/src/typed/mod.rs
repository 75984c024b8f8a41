//! The typed layer: Rust structs as configs.
//!
//! Place in the flow: **type** and **freeze**, plus the driver of the
//! whole flow for typed programs. `#[derive(Config)]` (crate
//! `config-derive`) implements [`Config`] and [`ConfigValue`] for a struct:
//! defaults, `to_dict` / `from_dict` with OmegaConf's coercions, `validate`
//! and a static [`Schema`] table. From there:
//!
//! - [`Config::make`] starts from the typed defaults and a config store
//!   filled by the type's registration function, and
//!   [`Maker::override_with`] checks command-line overrides against the
//!   schema, composes, resolves and converts back to the typed value;
//! - [`Config::validate`] runs every validator and reports every failure;
//! - [`Config::freeze`] returns a [`Frozen`] value to share with the
//!   training loop;
//! - [`Maker::build`] does all of it and returns a [`Frozen`] value that
//!   keeps the composed tree: [`Frozen::explain`] says where a value came
//!   from, and validation failures say where the failing value was set;
//! - [`LazyDict`] and [`Registry`] describe and build objects
//!   (`_target_`, `_args_`, `_recursive_`, `_partial_`); constructors with
//!   a typed argument struct ([`Registry::register_typed`],
//!   [`Maker::with_registry`]) are checked before composing and after;
//! - [`Maker::with_primary`] makes a YAML file the primary config, with the
//!   struct as its schema, defaults and checks;
//! - `#[config(serde)]` fields hold any serde type (feature `serde`).
//!
//! ```
//! use config_core::typed::{Config, LazyDict, Store};
//! use config_core::{dict, lazy};
//! use config_derive::Config;
//!
//! #[derive(Config, Debug, Clone, PartialEq)]
//! pub struct Trainer {
//!     /// Iterations to train for.
//!     #[config(default = 1000, validate(range(min = 1)))]
//!     pub max_iter: u64,
//!     #[config(default = ["log"], merge = "append")]
//!     pub callbacks: Vec<String>,
//! }
//!
//! #[derive(Config, Debug, Clone, PartialEq)]
//! #[config(defaults = ["_self_", { optimizer = "adam" }, { experiment = null }], register = groups)]
//! pub struct Train {
//!     pub trainer: Trainer,
//!     pub optimizer: Option<LazyDict>,
//! }
//!
//! fn groups(store: &mut Store) {
//!     store.add("optimizer", "adam", dict!({ optimizer: lazy!("Adam", lr = 1e-3).to_node() }))
//!         .package("_global_");
//!     store.add("optimizer", "sgd", dict!({ optimizer: lazy!("SGD", lr = 0.1).to_node() }))
//!         .package("_global_");
//!     store.add_lazy("experiment", "quick", || dict!({
//!         defaults: [{ "override /optimizer": "sgd" }, "_self_"],
//!         trainer: { max_iter: 10 },
//!     })).package("_global_");
//! }
//!
//! let cfg = Train::make().override_with(["prog", "experiment=quick", "trainer.max_iter='20'"]).unwrap();
//! assert_eq!(cfg.trainer.max_iter, 20);
//! assert_eq!(cfg.optimizer.as_ref().unwrap().target(), "SGD");
//! cfg.validate().unwrap();
//! let frozen = cfg.freeze();
//! assert_eq!(frozen.trainer.callbacks, vec!["log"]);
//!
//! let err = Train::make().override_with(["prog", "trainer.max_iter=abc"]).unwrap_err();
//! assert_eq!(err.message(), "expected an unsigned integer, got 'abc'");
//! assert_eq!(err.key(), Some("trainer.max_iter"));
//! assert_eq!(err.origin().unwrap().to_string(), "command-line argument 1 (`trainer.max_iter=abc`)");
//! let err = Train::make().override_with(["prog", "trainer.max_itr=5"]).unwrap_err();
//! assert_eq!(err.hints(), ["did you mean trainer.max_iter?"]);
//! ```
//!
//! Modules (private; their items are re-exported here): `value` (field
//! conversions, [`ConfigValue`]), `coerce` (OmegaConf's typed coercions and
//! their errors), `schema` (the table, override checks, the merge hook,
//! `--help`: [`Schema`], [`SchemaHook`]), `jsonschema` ([`json_schema`]),
//! `validate` ([`Errors`]), `frozen` ([`Frozen`]), `dict` (open subtrees,
//! [`DictConfig`]), `lazy` (object descriptions and the [`Registry`]),
//! `targets` (typed constructors' argument schemas, [`TypedTargets`]).

#[cfg(feature = "cli")]
mod app;
pub(crate) mod coerce;
pub(crate) mod dict;
mod flow;
mod frozen;
mod jsonschema;
mod lazy;
mod primary;
pub(crate) mod schema;
mod targets;
#[cfg(test)]
mod tests;
mod validate;
pub(crate) mod value;

#[cfg(feature = "serde")]
pub use crate::serde::to_json;
#[cfg(feature = "cli")]
pub use app::{TypedApp, TypedJob};
pub use dict::DictConfig;
pub use flow::{compose_resolve, compose_with, split_args, Maker};
pub use frozen::Frozen;
pub use jsonschema::{json_schema, json_schema_with};
pub use lazy::{Args, Built, LazyDict, Object, Partial, Registry};
pub use schema::{help_text, FieldSchema, Lookup, Schema, SchemaHook, TypeDesc, Validator};
pub use targets::{TypedTarget, TypedTargets};
pub use validate::{Errors, ValidationError};
pub use value::{ConfigValue, IntoNode};

use crate::error::Error;

/// The config store a type's `register` function fills.
pub type Store = crate::store::ConfigStore;
use crate::node::Node;
use crate::origin::Origin;

/// A typed config: what `#[derive(Config)]` implements for a struct.
pub trait Config: ConfigValue + Default + Clone + Send + Sync + 'static {
    /// The static schema table.
    const SCHEMA: Schema;

    /// The defaults list of a primary config (`defaults = [...]`), as a
    /// YAML list node; empty when not declared.
    fn defaults_list() -> Node {
        Node::new(crate::node::Value::List(Vec::new()))
    }

    /// Fills the config store with group options and experiments
    /// (`register = fn`); nothing by default.
    fn register(_store: &mut Store) {}

    /// The typed defaults and a filled store, ready for
    /// [`Maker::override_with`].
    fn make() -> Maker<Self> {
        Maker::new()
    }

    /// This value as a tree, every node marked as a default in code.
    fn to_dict(&self) -> Node {
        self.to_node(&Origin::Code {
            type_name: Self::SCHEMA.name.into(),
        })
    }

    /// Converts a resolved tree, with OmegaConf's coercions; every error
    /// names the full key and where the value came from.
    fn from_dict(node: &Node) -> Result<Self, Error> {
        Self::from_node(node, "")
    }

    /// The declared defaults as a tree, with `???` for mandatory fields:
    /// the base layer of composition.
    fn default_dict() -> Node {
        Self::default_node().unwrap_or_else(|| Self::default().to_dict())
    }

    /// Runs every validator (fields first, then struct-level checks) and
    /// reports every failure, one line per key path.
    fn validate(&self) -> Result<(), Errors> {
        let mut errors = Errors::default();
        self.validate_into("", &mut errors);
        errors.into_result()
    }

    /// [`Config::validate`], each failure located in the composed `tree`
    /// this value was typed from: the lines end with where the failing
    /// value was set (`(set by command-line argument 3)`,
    /// `(training/default.yaml:12:11)`).
    ///
    /// ```
    /// use config_core::typed::Config;
    /// use config_derive::Config;
    ///
    /// #[derive(Config, Clone, Debug)]
    /// pub struct Train {
    ///     #[config(default = "ddp", validate(one_of("auto", "ddp", "fsdp")))]
    ///     pub strategy: String,
    /// }
    ///
    /// let err = Train::make().build(["train", "strategy=dp"]).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "must be one of [auto, ddp, fsdp], got 'dp'\n    full_key: strategy\n    at command-line argument 1 (`strategy=dp`)"
    /// );
    /// ```
    fn validate_in(&self, tree: &Node) -> Result<(), Errors> {
        self.validate().map_err(|mut e| {
            e.locate(tree);
            e
        })
    }

    /// The application layer for this config: Hydra's flags, run dirs,
    /// `--cfg`, `-m` sweeps and launchers around a task.
    #[cfg(feature = "cli")]
    fn app() -> TypedApp<Self> {
        TypedApp::new()
    }

    /// Freezes the value for sharing. Deep by construction: every field
    /// type is a sealed [`ConfigValue`], none of which can change through a
    /// shared reference, so no holder of the [`Frozen`] can change what
    /// another sees, and [`Frozen::thaw`] is an independent copy.
    ///
    /// ```
    /// use config_core::typed::Config;
    /// use config_derive::Config;
    ///
    /// #[derive(Config, Clone, Debug, PartialEq)]
    /// pub struct Train {
    ///     #[config(default = 10)]
    ///     pub steps: u64,
    ///     pub tags: Vec<String>,
    /// }
    ///
    /// let frozen = Train::default().freeze();
    /// let shared = frozen.clone();
    /// let mut mine = frozen.thaw();
    /// mine.steps = 20;
    /// mine.tags.push("ablation".into());
    /// assert_eq!((shared.steps, shared.tags.len()), (10, 0));
    /// ```
    fn freeze(self) -> Frozen<Self> {
        Frozen::new(self)
    }

    /// One line per field (`trainer.max_iter: u64 = 400000  # doc`), for `--help`.
    fn help() -> String {
        help_text(&Self::SCHEMA, &Self::default_dict())
    }

    /// A JSON Schema of this type, defaults included.
    fn json_schema() -> Node {
        json_schema(&Self::SCHEMA, &Self::default_dict())
    }
}

/// What the derive's generated code and the `dict!` macro use; not a
/// stable API. The name carries the version, so code generated by one
/// release of `config-derive` fails to build (rather than misbehaving)
/// against another release of `config-core`.
#[doc(hidden)]
pub mod __private_v0_1 {
    pub use crate::error::{Error, ErrorKind};
    pub use crate::merge::ListMerge;
    pub use crate::node::{CompactString, Key, Map, Node, Value};
    pub use crate::origin::Origin;
    pub use crate::typed::coerce::{missing_error, to_variant, type_error};
    pub use crate::typed::dict::{key_text, new_list};
    pub use crate::typed::validate::{non_empty, one_of, range};
    /// The seal of `ConfigValue`, for the derive's impls only: every field
    /// of a derived type is a `ConfigValue`, hence deeply immutable.
    pub use crate::typed::value::sealed::DeeplyImmutable;
    pub use std::sync::Arc;

    /// A `#[config(serde)]` field's value as a node stamped with `origin`
    /// (null when its `Serialize` fails, which a value read from a tree
    /// does not).
    #[cfg(feature = "serde")]
    pub fn serde_to_node<T: ::serde::Serialize>(value: &T, origin: &Origin) -> Node {
        let mut n = Node::from_serialize(value).unwrap_or_else(|_| Node::new(Value::Null));
        n.stamp_origin(origin);
        n
    }

    /// A `#[config(serde)]` field read from the node at full key `key`.
    #[cfg(feature = "serde")]
    pub fn serde_from_node<T: ::serde::de::DeserializeOwned>(
        node: &Node,
        key: &str,
    ) -> Result<T, Error> {
        node.extract_at(key)
    }

    /// The check of a `#[config(serde)]` field's values (overrides,
    /// merges): they must deserialize.
    #[cfg(feature = "serde")]
    pub fn serde_check<T: ::serde::de::DeserializeOwned>(
        node: &Node,
        key: &str,
    ) -> Result<(), Error> {
        node.extract_at::<T>(key).map(drop)
    }

    /// The key of a child field.
    pub fn child(parent: &str, name: &str) -> String {
        // A string key displays as itself: `child_key`'s rule, without
        // building the key.
        crate::path::join_key(parent, name)
    }

    /// Checks that a struct's node is a mapping with only known keys.
    pub fn struct_map<'a>(
        node: &'a Node,
        key: &str,
        schema: &'static crate::typed::Schema,
    ) -> Result<&'a crate::node::Map, Error> {
        use crate::node::Value;
        let ty = crate::typed::TypeDesc::Nested(schema);
        let map = match &node.value {
            Value::Map(m) => m,
            Value::Missing => return Err(missing_error(key, node)),
            _ => return Err(type_error(key, &ty.expectation(), node)),
        };
        for (k, v) in map {
            let known = match k.as_str() {
                Some(name) => schema.field(name).is_some(),
                None => schema.field(&k.to_string()).is_some(),
            };
            if !known {
                return Err(
                    crate::typed::schema::no_such_key(schema, key, &k.to_string())
                        .with_origin(v.origin.clone()),
                );
            }
        }
        Ok(map)
    }
}
