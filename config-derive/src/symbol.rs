//! The attribute names the derive reads, in one place (serde's
//! `symbol.rs`): parsing matches against these, and messages list them.

/// The attribute itself: `#[config(...)]`.
pub const CONFIG: &str = "config";
/// Container: the runtime crate's path.
pub const CRATE: &str = "crate";
/// Container: a struct-level check; field: a custom check or `validate(...)`.
pub const VALIDATE: &str = "validate";
/// Container: the store-filling function.
pub const REGISTER: &str = "register";
/// Container: the defaults list of a primary config.
pub const DEFAULTS: &str = "defaults";
/// Field: the default value.
pub const DEFAULT: &str = "default";
/// Field: `???` until composition sets it.
pub const MANDATORY: &str = "mandatory";
/// Field or variant: the key as written in configs.
pub const RENAME: &str = "rename";
/// Field: the list merge policy.
pub const MERGE: &str = "merge";
/// Field: read and written through serde.
pub const SERDE: &str = "serde";
/// Validator: inclusive bounds.
pub const RANGE: &str = "range";
/// `range` bound.
pub const MIN: &str = "min";
/// `range` bound.
pub const MAX: &str = "max";
/// Validator: not empty.
pub const NON_EMPTY: &str = "non_empty";
/// Validator: one of the given strings.
pub const ONE_OF: &str = "one_of";
/// Validator: a custom function.
pub const CUSTOM: &str = "custom";
/// Doc comments (`#[doc = "..."]`).
pub const DOC: &str = "doc";
