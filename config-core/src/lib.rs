//! # config-core
//!
//! Typed, composable configuration for machine-learning training runs, with
//! Hydra 1.3 and OmegaConf 2.3 semantics.
//!
//! The flow, one way: **load** ([`yaml`]) → **compose** ([`compose`], driven
//! by [`overrides`] and the defaults list over a [`ConfigStore`] and search
//! path) → **resolve** ([`interp`]) → **type** (the `#[derive(Config)]`
//! layer) → **freeze**.
//!
//! ```
//! use config_core::{merge, Node};
//! let mut cfg = Node::from_yaml_str("trainer: {max_iter: 1000, lr: 1e-3}").unwrap();
//! merge(&mut cfg, Node::from_yaml_str("trainer: {max_iter: 10}").unwrap()).unwrap();
//! assert_eq!(cfg.to_yaml(), "trainer:\n  max_iter: 10\n  lr: 0.001\n");
//! ```

// The modules follow the flow; most are private, and what a user needs is
// re-exported below or lives in one of the public namespaces (`typed`,
// `compose`, `overrides`, `interp`, `yaml`, `app`, `serde`), as Figment and
// toml_edit do: the presentation can change without breaking users.
mod access;
#[cfg(feature = "cli")]
pub mod app;
pub mod compose;
mod defaults;
mod error;
mod grammar;
mod hydra;
pub mod interp;
pub mod map;
mod merge;
mod node;
mod origin;
pub mod overrides;
mod path;
#[cfg(test)]
mod proptest_cases;
mod python;
mod repository;
#[cfg(feature = "serde")]
pub mod serde;
mod store;
mod suggest;
pub mod typed;
pub mod yaml;

/// The `config` tool's implementation, for its binary and the tests; not a
/// stable API.
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;

pub use access::UpdateMode;
/// `#[derive(Config)]`, re-exported so a program depends on one crate
/// (feature `derive`, on by default): `use config_core::Config;` names the
/// derive macro (the trait is [`typed::Config`], in another namespace).
#[cfg(feature = "derive")]
pub use config_derive::Config;
pub use error::{Error, ErrorKind};
pub use merge::{merge, merge_hooked, merge_with, ListMerge, MergeHook};
pub use node::{float_repr, CompactString, Flags, Key, Map, Node, Value};
pub use origin::{Name, Origin};
pub use path::parse_path;
pub use store::{ConfigStore, StoreEntry};

/// What a typed program imports: `use config_core::prelude::*;`.
///
/// The derive macro `Config` (with the `derive` feature, on by default)
/// and the `Config` trait's methods, the trait imported as `_`: so a root
/// config may itself be named `Config`, as Cosmos names it, with no clash
/// (rustc's E0255) between the struct, the trait and the derive.
///
/// ```
/// use config_core::prelude::*;
///
/// /// The whole training config.
/// #[derive(Config, Debug, Clone, PartialEq)]
/// pub struct Config {
///     /// Iterations to train for.
///     #[config(default = 100)]
///     pub max_iter: u64,
/// }
///
/// let cfg = Config::make().override_with(["train", "max_iter=10"]).unwrap();
/// assert_eq!(cfg.max_iter, 10);
/// ```
pub mod prelude {
    pub use crate::typed::Config as _;
    pub use crate::typed::{DictConfig, Frozen, LazyDict};
    #[cfg(feature = "derive")]
    pub use config_derive::Config;
}
