//! Interpolation: OmegaConf 2.3's `${...}` language and its resolution.
//!
//! Place in the flow: load → compose → **resolve** → type → freeze. After
//! composition, [`resolve()`] rewrites every interpolation of the tree in
//! place; [`resolve_path`] gives one resolved value without touching the tree.
//!
//! - [`resolve()`] and [`resolve_path`]: the evaluator (references,
//!   relative keys, cycles, errors), over a hand-written, linear-time parser
//!   of the `${...}` language.
//! - [`Resolvers`]: the resolver registry, a value holding the built-ins and
//!   user closures, with its cache and warnings.
//! - [`limits`]: the guard rails against hostile interpolations (nesting,
//!   chains, copies, string sizes), each a constant.
//!
//! Values print inside strings as Python's `str` does, and `${now:...}`
//! formats with Python's strftime in local time (jiff reads the zone).
//!
//! Semantics follow OmegaConf 2.3 as `to_yaml(cfg, resolve=True)` shows them;
//! the registry is a value (no global state), `now` is pinned per registry,
//! and warnings (`oc.deprecated`) are collected in the registry
//! ([`Resolvers::take_warnings`]); `config resolve` prints them to stderr.
//!
//! ```
//! use config_core::interp::{resolve, Resolvers};
//! use config_core::{Node, Value};
//! let mut cfg = Node::from_yaml_str(
//!     "server: {host: example.org, port: 443}\nurl: https://${server.host}:${server.port}/\n",
//! )
//! .unwrap();
//! resolve(&mut cfg, &Resolvers::default()).unwrap();
//! assert_eq!(cfg.get("url").unwrap().value, Value::Str("https://example.org:443/".into()));
//! ```

mod builtins;
pub(crate) mod creation;
#[doc(hidden)]
pub mod grammar;
pub mod limits;
pub(crate) mod resolve;
mod resolvers;
pub(crate) mod strftime;

pub use resolve::{resolve, resolve_path};
pub use resolvers::{Call, ResolverFn, Resolvers};

#[cfg(test)]
mod hostile_tests;
