//! Attribute parsing: `#[config(...)]` on the container, its fields and
//! variants, into the [IR](crate::ir). Every problem is recorded in the
//! [`Ctxt`] with its span and parsing goes on, so all are reported at once.

use crate::ctxt::Ctxt;
use crate::ir::{Body, DefaultsEntry, Field, FieldValidator, Input, MergePolicy, Struct, Variant};
use crate::symbol::*;
use proc_macro2::Span;
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitStr, Path, Token};

const CONTAINER_KEYS: &str = "`crate`, `validate`, `register`, `defaults`";
const FIELD_KEYS: &str = "`default`, `mandatory`, `validate(...)`, `merge`, `rename`, `serde`";
const VALIDATORS: &str =
    "`range(min = .., max = ..)`, `non_empty`, `one_of(\"a\", ..)`, `custom = path`";

impl Input {
    pub(crate) fn from_ast(cx: &Ctxt, input: &syn::DeriveInput) -> Option<Input> {
        let mut krate: Option<Path> = None;
        let mut validate = None;
        let mut register = None;
        let mut defaults = None;
        for attr in config_attrs(&input.attrs) {
            let res = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident(CRATE) {
                    let lit: LitStr = meta.value()?.parse()?;
                    set_once(cx, &mut krate, lit.parse()?, &meta.path, "crate");
                } else if meta.path.is_ident(VALIDATE) {
                    let p: Path = meta.value()?.parse()?;
                    set_once(cx, &mut validate, p, &meta.path, "validate");
                } else if meta.path.is_ident(REGISTER) {
                    let p: Path = meta.value()?.parse()?;
                    set_once(cx, &mut register, p, &meta.path, "register");
                } else if meta.path.is_ident(DEFAULTS) {
                    let list = parse_defaults(meta.value()?)?;
                    set_once(cx, &mut defaults, list, &meta.path, "defaults");
                } else {
                    unknown(cx, &meta, &format!("expected one of {CONTAINER_KEYS}"))?;
                }
                Ok(())
            });
            if let Err(e) = res {
                cx.syn_error(e);
            }
        }
        let krate = krate.unwrap_or_else(|| syn::parse_quote!(::config_core));
        if !input.generics.params.is_empty() {
            cx.error_spanned_by(
                &input.generics,
                "#[derive(Config)] does not support generic types",
            );
        }
        let doc = doc_of(&input.attrs);
        let body = match &input.data {
            syn::Data::Struct(s) => match &s.fields {
                syn::Fields::Named(named) => {
                    let fields = named
                        .named
                        .iter()
                        .filter_map(|f| Field::from_ast(cx, f))
                        .collect();
                    Body::Struct(Struct {
                        fields,
                        validate,
                        register,
                        defaults,
                    })
                }
                _ => {
                    cx.error_spanned_by(
                        &input.ident,
                        "#[derive(Config)] needs a struct with named fields",
                    );
                    return None;
                }
            },
            syn::Data::Enum(e) => {
                for (what, present) in [
                    ("validate", validate.is_some()),
                    ("register", register.is_some()),
                    ("defaults", defaults.is_some()),
                ] {
                    if present {
                        cx.error_spanned_by(
                            &input.ident,
                            format!("`{what}` applies to structs, not enums"),
                        );
                    }
                }
                Body::Enum(
                    e.variants
                        .iter()
                        .filter_map(|v| Variant::from_ast(cx, v))
                        .collect(),
                )
            }
            syn::Data::Union(_) => {
                cx.error_spanned_by(&input.ident, "#[derive(Config)] does not support unions");
                return None;
            }
        };
        Some(Input {
            ident: input.ident.clone(),
            doc,
            krate,
            body,
        })
    }
}

impl Field {
    fn from_ast(cx: &Ctxt, field: &syn::Field) -> Option<Field> {
        let ident = field.ident.clone()?;
        let mut f = Field {
            name: ident.to_string().trim_start_matches("r#").to_string(),
            ident,
            ty: field.ty.clone(),
            doc: doc_of(&field.attrs),
            default: None,
            mandatory: None,
            validators: Vec::new(),
            merge: None,
            serde: None,
        };
        let mut rename: Option<String> = None;
        for attr in config_attrs(&field.attrs) {
            let res = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident(DEFAULT) {
                    let e: Expr = meta.value()?.parse()?;
                    set_once(cx, &mut f.default, e, &meta.path, "default");
                } else if meta.path.is_ident(MANDATORY) {
                    set_once(cx, &mut f.mandatory, span_of(&meta.path), &meta.path, "mandatory");
                } else if meta.path.is_ident(SERDE) {
                    set_once(cx, &mut f.serde, span_of(&meta.path), &meta.path, "serde");
                } else if meta.path.is_ident(RENAME) {
                    let lit: LitStr = meta.value()?.parse()?;
                    check_key_name(cx, &lit);
                    set_once(cx, &mut rename, lit.value(), &meta.path, "rename");
                } else if meta.path.is_ident(MERGE) {
                    let lit: LitStr = meta.value()?.parse()?;
                    let policy = match lit.value().as_str() {
                        "replace" => Some(MergePolicy::Replace),
                        "append" => Some(MergePolicy::Append),
                        "prepend" => Some(MergePolicy::Prepend),
                        "unique" => Some(MergePolicy::Unique),
                        other => {
                            cx.error_spanned_by(
                                &lit,
                                format!("unknown merge policy \"{other}\": expected \"replace\", \"append\", \"prepend\" or \"unique\""),
                            );
                            None
                        }
                    };
                    if let Some(p) = policy {
                        set_once(cx, &mut f.merge, (p, lit.span()), &meta.path, "merge");
                    }
                } else if meta.path.is_ident(VALIDATE) && meta.input.peek(Token![=]) {
                    // `validate = fn` on a field: shorthand for `validate(custom = fn)`.
                    let p: Path = meta.value()?.parse()?;
                    f.validators.push(FieldValidator::Custom(p));
                } else if meta.path.is_ident(VALIDATE) {
                    meta.parse_nested_meta(|v| parse_validator(cx, &v, &mut f.validators))?;
                } else {
                    unknown(cx, &meta, &format!("expected one of {FIELD_KEYS}"))?;
                }
                Ok(())
            });
            if let Err(e) = res {
                cx.syn_error(e);
            }
        }
        if let Some(r) = rename {
            f.name = r;
        }
        Some(f)
    }
}

fn parse_validator(
    cx: &Ctxt,
    v: &syn::meta::ParseNestedMeta,
    out: &mut Vec<FieldValidator>,
) -> syn::Result<()> {
    if v.path.is_ident(RANGE) {
        let (mut min, mut max) = (None, None);
        v.parse_nested_meta(|b| {
            if b.path.is_ident(MIN) {
                let e: Expr = b.value()?.parse()?;
                set_once(cx, &mut min, e, &b.path, "min");
            } else if b.path.is_ident(MAX) {
                let e: Expr = b.value()?.parse()?;
                set_once(cx, &mut max, e, &b.path, "max");
            } else {
                unknown(cx, &b, "expected `min` or `max`")?;
            }
            Ok(())
        })?;
        if min.is_none() && max.is_none() {
            cx.error_spanned_by(&v.path, "`range` needs `min`, `max` or both");
        }
        out.push(FieldValidator::Range {
            min: min.map(Box::new),
            max: max.map(Box::new),
        });
    } else if v.path.is_ident(NON_EMPTY) {
        out.push(FieldValidator::NonEmpty);
    } else if v.path.is_ident(ONE_OF) {
        let content;
        syn::parenthesized!(content in v.input);
        let opts: Punctuated<LitStr, Token![,]> = Punctuated::parse_terminated(&content)?;
        if opts.is_empty() {
            cx.error_spanned_by(&v.path, "`one_of` needs at least one option");
        }
        out.push(FieldValidator::OneOf(opts.into_iter().collect()));
    } else if v.path.is_ident(CUSTOM) {
        let p: Path = v.value()?.parse()?;
        out.push(FieldValidator::Custom(p));
    } else {
        unknown(
            cx,
            v,
            &format!("unknown validator; expected one of {VALIDATORS}"),
        )?;
    }
    Ok(())
}

impl Variant {
    fn from_ast(cx: &Ctxt, v: &syn::Variant) -> Option<Variant> {
        if !matches!(v.fields, syn::Fields::Unit) {
            cx.error_spanned_by(
                &v.fields,
                "#[derive(Config)] enums must have unit variants only (written as names)",
            );
        }
        let mut name: Option<String> = None;
        for attr in config_attrs(&v.attrs) {
            let res = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident(RENAME) {
                    let lit: LitStr = meta.value()?.parse()?;
                    check_key_name(cx, &lit);
                    set_once(cx, &mut name, lit.value(), &meta.path, "rename");
                } else {
                    unknown(cx, &meta, "expected `rename`")?;
                }
                Ok(())
            });
            if let Err(e) = res {
                cx.syn_error(e);
            }
        }
        let name = name.unwrap_or_else(|| snake_case(&v.ident.to_string()));
        Some(Variant {
            ident: v.ident.clone(),
            name,
        })
    }
}

fn parse_defaults(input: ParseStream) -> syn::Result<Vec<DefaultsEntry>> {
    let content;
    syn::bracketed!(content in input);
    let mut out = Vec::new();
    while !content.is_empty() {
        if content.peek(LitStr) {
            let s: LitStr = content.parse()?;
            out.push(DefaultsEntry::Name(s.value()));
        } else if content.peek(syn::token::Brace) {
            let inner;
            syn::braced!(inner in content);
            let key = if inner.peek(LitStr) {
                inner.parse::<LitStr>()?.value()
            } else {
                inner.call(Ident::parse_any_ident)?.to_string()
            };
            inner.parse::<Token![=]>()?;
            let value = if inner.peek(LitStr) {
                Some(inner.parse::<LitStr>()?.value())
            } else {
                let id: Ident = inner.call(Ident::parse_any_ident)?;
                if id != "null" {
                    return Err(syn::Error::new(
                        id.span(),
                        "expected a string option name or `null`",
                    ));
                }
                None
            };
            if !inner.is_empty() {
                return Err(inner.error("one `group = \"option\"` entry per braces"));
            }
            out.push(DefaultsEntry::Group(key, value));
        } else {
            return Err(content.error("expected \"name\" or { group = \"option\" }"));
        }
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(out)
}

trait AnyIdent {
    fn parse_any_ident(input: ParseStream) -> syn::Result<Ident>;
}
impl AnyIdent for Ident {
    fn parse_any_ident(input: ParseStream) -> syn::Result<Ident> {
        use syn::ext::IdentExt;
        Ident::parse_any(input)
    }
}

fn config_attrs(attrs: &[syn::Attribute]) -> impl Iterator<Item = &syn::Attribute> {
    attrs.iter().filter(|a| a.path().is_ident(CONFIG))
}

fn set_once<T>(cx: &Ctxt, slot: &mut Option<T>, value: T, path: &Path, name: &str) {
    if slot.is_some() {
        cx.error_spanned_by(path, format!("duplicate config attribute `{name}`"));
    } else {
        *slot = Some(value);
    }
}

fn span_of(p: &Path) -> Span {
    p.segments
        .first()
        .map(|s| s.ident.span())
        .unwrap_or_else(Span::call_site)
}

/// Records an unknown key and skips its value, so parsing goes on.
fn unknown(cx: &Ctxt, meta: &syn::meta::ParseNestedMeta, expected: &str) -> syn::Result<()> {
    let name: Vec<String> = meta
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    cx.error_spanned_by(
        &meta.path,
        format!("unknown config attribute `{}`: {expected}", name.join("::")),
    );
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<proc_macro2::TokenStream>()?;
    }
    Ok(())
}

fn check_key_name(cx: &Ctxt, lit: &LitStr) {
    let v = lit.value();
    if v.is_empty() || v.contains(['.', '[', ']']) {
        cx.error_spanned_by(
            lit,
            "a key name must be non-empty and contain no `.`, `[` or `]`",
        );
    }
}

/// The doc comment: lines trimmed, joined by newlines.
fn doc_of(attrs: &[syn::Attribute]) -> String {
    let mut lines = Vec::new();
    for a in attrs {
        if let syn::Meta::NameValue(nv) = &a.meta {
            if nv.path.is_ident(DOC) {
                if let Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &nv.value
                {
                    lines.push(s.value().trim().to_string());
                }
            }
        }
    }
    lines.join("\n").trim().to_string()
}

/// `FusedAdamW` → `fused_adam_w`; `Ddp` → `ddp`.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
