//! Semantic checks on the model, apart from parsing (serde's `check.rs`):
//! each rule is one function with a spanned message.

use crate::ctxt::Ctxt;
use crate::ir::{Body, DefaultsEntry, Field, Input};
use std::collections::HashSet;

pub(crate) fn check(cx: &Ctxt, input: &Input) {
    match &input.body {
        Body::Struct(s) => {
            for f in &s.fields {
                mandatory_has_no_default(cx, f);
                merge_only_on_lists(cx, f);
            }
            unique_keys(cx, s.fields.iter().map(|f| (&f.name, &f.ident)));
            if let Some(d) = &s.defaults {
                self_at_most_once(cx, &input.ident, d);
            }
        }
        Body::Enum(vs) => {
            if vs.is_empty() {
                cx.error_spanned_by(&input.ident, "a config enum needs at least one variant");
            }
            unique_keys(cx, vs.iter().map(|v| (&v.name, &v.ident)));
        }
    }
}

/// A mandatory field is `???` until composition sets it: a default would
/// never be seen.
fn mandatory_has_no_default(cx: &Ctxt, f: &Field) {
    if let (Some(_), Some(d)) = (f.mandatory, &f.default) {
        cx.error_spanned_by(
            d,
            "a `mandatory` field cannot have a `default`; remove one of them",
        );
    }
}

/// List merge policies only mean something for `Vec` fields.
fn merge_only_on_lists(cx: &Ctxt, f: &Field) {
    if let Some((_, span)) = f.merge {
        if !is_vec(&f.ty) {
            cx.syn_error(syn::Error::new(
                span,
                "`merge` applies to list fields (`Vec<T>` or `Option<Vec<T>>`)",
            ));
        }
    }
}

fn is_vec(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    if last.ident == "Vec" {
        return true;
    }
    if last.ident == "Option" {
        if let syn::PathArguments::AngleBracketed(a) = &last.arguments {
            if let Some(syn::GenericArgument::Type(inner)) = a.args.first() {
                return is_vec(inner);
            }
        }
    }
    false
}

/// Two fields (or variants) may not be written the same way.
fn unique_keys<'a>(cx: &Ctxt, items: impl Iterator<Item = (&'a String, &'a syn::Ident)>) {
    let mut seen = HashSet::new();
    for (name, ident) in items {
        if !seen.insert(name.clone()) {
            cx.error_spanned_by(
                ident,
                format!("the key `{name}` is used twice; use `rename` to tell them apart"),
            );
        }
    }
}

/// Hydra: `_self_` may appear once in a defaults list.
fn self_at_most_once(cx: &Ctxt, ident: &syn::Ident, entries: &[DefaultsEntry]) {
    let n = entries
        .iter()
        .filter(|e| matches!(e, DefaultsEntry::Name(n) if n == "_self_"))
        .count();
    if n > 1 {
        cx.error_spanned_by(ident, "`_self_` appears more than once in `defaults`");
    }
}
