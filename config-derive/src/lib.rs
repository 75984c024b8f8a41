//! `#[derive(Config)]` for `config-core`.
//!
//! The pipeline is parse → model → checks → codegen ([`ir`], [`check`],
//! [`gen`]). Every attribute error is gathered with its span ([`ctxt`]) and
//! reported at once; the macro never panics; on error it also emits stub
//! impls ([`fallback`]) so that the user sees the attribute errors only.
//!
//! Attributes (see the `config-core` README for the whole story):
//!
//! - container: `#[config(crate = "path", validate = fn, register = fn,
//!   defaults = ["_self_", { group = "option" }, { other = null }])]`
//! - field: `#[config(default = expr, mandatory, rename = "key",
//!   merge = "append" | "prepend" | "unique" | "replace",
//!   validate(range(min = 1, max = 10), non_empty, one_of("a", "b"), custom = fn))]`;
//!   `validate = fn` is short for `validate(custom = fn)`. Custom field checks are
//!   `fn(&FieldType) -> Result<(), impl Display>`; struct-level ones take `&Self`.
//! - enum variant: `#[config(rename = "name")]` (default: the snake_case name).
//!
//! For a struct the derive generates `Default` (from the attributes: do not
//! derive it too), `ConfigValue` (to/from nodes, default tree with `???`
//! for mandatory fields, validation) and `Config` (the static `SCHEMA`
//! table, the defaults list, the registration hook). For a unit enum it
//! generates `ConfigValue`, `Display` and `config_name()`. Both get the
//! seal of `ConfigValue` (`__private::DeeplyImmutable`): `ConfigValue`
//! cannot be implemented by hand, and every field type must be one, so a
//! field with interior mutability (`Cell`, `Mutex`, `Arc<AtomicU64>`, ...)
//! does not compile and `freeze()` is deep.

mod check;
mod ctxt;
mod fallback;
mod gen;
mod ir;

use proc_macro::TokenStream;

/// Derives `Default`, `ConfigValue` and `Config` (with its static schema
/// table) for a struct with named fields, or `ConfigValue` and `Display`
/// for a unit enum.
#[proc_macro_derive(Config, attributes(config))]
pub fn derive_config(input: TokenStream) -> TokenStream {
    let input = match syn::parse::<syn::DeriveInput>(input) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error().into(),
    };
    derive(&input).into()
}

fn derive(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    let cx = ctxt::Ctxt::default();
    let model = ir::Input::from_ast(&cx, input);
    if let Some(m) = &model {
        check::check(&cx, m);
    }
    match (cx.check(), model) {
        (Ok(()), Some(m)) => gen::expand(&m),
        (res, model) => {
            let krate = model
                .map(|m| m.krate)
                .unwrap_or_else(|| syn::parse_quote!(::config_core));
            let errors = res.err().map(|e| e.to_compile_error()).unwrap_or_default();
            let stubs = fallback::expand(input, &krate);
            quote::quote!(#errors #stubs)
        }
    }
}
