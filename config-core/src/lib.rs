//! # config-core
//!
//! Typed, composable configuration for machine-learning training runs, with
//! Hydra 1.3 and OmegaConf 2.3 semantics.
//!
//! The flow, one way: **load** ([`yaml`]) → **compose** ([`compose`], driven
//! by [`overrides`] and the [`defaults`] list over a [`store`] and search
//! path) → **resolve** ([`interp`]) → **type** (the `#[derive(Config)]`
//! layer) → **freeze**.
//!
//! ```
//! use config_core::{merge, Node};
//! let mut cfg = Node::from_yaml_str("trainer: {max_iter: 1000, lr: 1e-3}").unwrap();
//! merge(&mut cfg, Node::from_yaml_str("trainer: {max_iter: 10}").unwrap()).unwrap();
//! assert_eq!(cfg.to_yaml(), "trainer:\n  max_iter: 10\n  lr: 0.001\n");
//! ```

pub mod access;
#[cfg(feature = "cli")]
pub mod app;
pub mod compose;
pub mod defaults;
pub mod error;
pub mod grammar;
pub mod hydra;
pub mod interp;
pub mod merge;
pub mod node;
pub mod origin;
pub mod overrides;
pub mod path;
#[cfg(test)]
mod proptest_cases;
pub mod python;
pub mod repository;
#[cfg(feature = "serde")]
pub mod serde;
pub mod store;
mod suggest;
pub mod typed;
pub mod yaml;

pub use access::UpdateMode;
pub use error::{Error, ErrorKind};
pub use merge::{merge, merge_hooked, merge_with, ListMerge, MergeHook};
pub use node::{Flags, Key, Map, Node, Value};
pub use origin::Origin;

#[cfg(feature = "cli")]
pub mod cli;

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
