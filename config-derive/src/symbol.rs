//! The attribute names the derive reads, in one place (serde's
//! `symbol.rs`): parsing matches against these, and messages list them.

/// The attribute itself: `#[config(...)]`.
pub(crate) const CONFIG: &str = "config";
/// Container: the runtime crate's path.
pub(crate) const CRATE: &str = "crate";
/// Container: a struct-level check; field: a custom check or `validate(...)`.
pub(crate) const VALIDATE: &str = "validate";
/// Container: the store-filling function.
pub(crate) const REGISTER: &str = "register";
/// Container: the defaults list of a primary config.
pub(crate) const DEFAULTS: &str = "defaults";
/// Field: the default value.
pub(crate) const DEFAULT: &str = "default";
/// Field: `???` until composition sets it.
pub(crate) const MANDATORY: &str = "mandatory";
/// Field or variant: the key as written in configs.
pub(crate) const RENAME: &str = "rename";
/// Field: the list merge policy.
pub(crate) const MERGE: &str = "merge";
/// Field: read and written through serde.
pub(crate) const SERDE: &str = "serde";
/// Validator: inclusive bounds.
pub(crate) const RANGE: &str = "range";
/// `range` bound.
pub(crate) const MIN: &str = "min";
/// `range` bound.
pub(crate) const MAX: &str = "max";
/// Validator: not empty.
pub(crate) const NON_EMPTY: &str = "non_empty";
/// Validator: one of the given strings.
pub(crate) const ONE_OF: &str = "one_of";
/// Validator: a custom function.
pub(crate) const CUSTOM: &str = "custom";
/// Doc comments (`#[doc = "..."]`).
pub(crate) const DOC: &str = "doc";
