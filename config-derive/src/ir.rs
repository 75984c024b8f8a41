//! The model the derive works on: a small IR, data only, separate from
//! syn (confique's `ir.rs` pattern). [`parse`](crate::parse) fills it from
//! the attributes and records problems in the [`Ctxt`](crate::ctxt::Ctxt);
//! [`check`](crate::check) and [`gen`](crate::gen) read it.

use proc_macro2::Span;
use syn::{Expr, Ident, LitStr, Path, Type};

/// The derive input.
pub(crate) struct Input {
    pub ident: Ident,
    pub doc: String,
    /// Path of the runtime crate (`::config_core`, or `crate = "..."`).
    pub krate: Path,
    pub body: Body,
}

pub(crate) enum Body {
    Struct(Struct),
    Enum(Vec<Variant>),
}

pub(crate) struct Struct {
    pub fields: Vec<Field>,
    /// Struct-level validator.
    pub validate: Option<Path>,
    /// Fills the config store (`register = fn`).
    pub register: Option<Path>,
    /// The defaults list of a primary config.
    pub defaults: Option<Vec<DefaultsEntry>>,
}

pub(crate) struct Field {
    pub ident: Ident,
    /// The key in the tree.
    pub name: String,
    pub ty: Type,
    pub doc: String,
    pub default: Option<Expr>,
    pub mandatory: Option<Span>,
    pub validators: Vec<FieldValidator>,
    pub merge: Option<(MergePolicy, Span)>,
    /// `#[config(serde)]`: any `Serialize + DeserializeOwned` type, read
    /// and written through serde instead of `ConfigValue`.
    pub serde: Option<Span>,
}

pub(crate) enum FieldValidator {
    Range {
        min: Option<Box<Expr>>,
        max: Option<Box<Expr>>,
    },
    NonEmpty,
    OneOf(Vec<LitStr>),
    Custom(Path),
}

#[derive(Clone, Copy)]
pub(crate) enum MergePolicy {
    Replace,
    Append,
    Prepend,
    Unique,
}

pub(crate) struct Variant {
    pub ident: Ident,
    pub name: String,
}

/// One defaults-list entry: `"_self_"`, or `{ group = "option" | null }`.
pub(crate) enum DefaultsEntry {
    Name(String),
    Group(String, Option<String>),
}
