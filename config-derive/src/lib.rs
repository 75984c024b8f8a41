//! `#[derive(Config)]` for `config-core`.
//!
//! The pipeline is parse → model → checks → codegen (modules `parse`, `ir`, `check`,
//! `gen`). Every attribute error is gathered with its span (`ctxt`) and
//! reported at once; the macro never panics; on error it also emits stub
//! impls (`fallback`) so that the user sees the attribute errors only.
//!
//! Attributes (the whole reference, with the flow and the lazy-object
//! registry, is in the workspace's `config-examples/README.md` and the
//! rustdoc of `config_core::typed`):
//!
//! - container: `#[config(crate = "path", validate = fn, register = fn,
//!   defaults = ["_self_", { group = "option" }, { other = null }])]`
//! - field: `#[config(default = expr, mandatory, rename = "key",
//!   merge = "append" | "prepend" | "unique" | "replace",
//!   validate(range(min = 1, max = 10), non_empty, one_of("a", "b"), custom = fn))]`;
//!   `validate = fn` is short for `validate(custom = fn)`. Custom field checks are
//!   `fn(&FieldType) -> Result<(), impl Display>`; struct-level ones take `&Self`.
//! - field: `#[config(serde)]`: the field's type is any `Serialize +
//!   DeserializeOwned` type (`url::Url`, a `Duration` through a serde
//!   adapter, a third-party struct), read and written through serde (feature
//!   `serde` of `config-core`), its schema entry a "serde value", its
//!   overrides checked by deserializing them. It is marked rather than
//!   detected: a proc macro sees only the type's name, not its traits, and
//!   the mark is where the field opts out of the `ConfigValue` seal (the
//!   derive cannot check a serde type for interior mutability, so keeping
//!   `freeze()` deep is the author's word for that field).
//! - enum variant: `#[config(rename = "name")]` (default: the snake_case name).
//!
//! For a struct the derive generates `Default` (from the attributes: do not
//! derive it too), `ConfigValue` (to/from nodes, default tree with `???`
//! for mandatory fields, validation) and `Config` (the static `SCHEMA`
//! table, the defaults list, the registration hook). For a unit enum it
//! generates `ConfigValue`, `Display` and `config_name()`. Both get the
//! seal of `ConfigValue` (`__private_v0_1::DeeplyImmutable`): `ConfigValue`
//! cannot be implemented by hand, and every field type must be one, so a
//! field with interior mutability (`Cell`, `Mutex`, `Arc<AtomicU64>`, ...)
//! does not compile and `freeze()` is deep.
//!
//! ```
//! use config_core::typed::Config;
//! use config_derive::Config;
//!
//! /// The training loop.
//! #[derive(Config, Debug, Clone, PartialEq)]
//! pub struct Trainer {
//!     /// Iterations to train for.
//!     #[config(default = 1000, validate(range(min = 1)))]
//!     pub max_iter: u64,
//!     /// Where the data lives; `???` until set.
//!     #[config(mandatory)]
//!     pub data: String,
//!     #[config(default = ["log"], merge = "append")]
//!     pub callbacks: Vec<String>,
//! }
//!
//! let cfg = Trainer::make().build(["train", "data=/datasets/a", "callbacks=[ema]"]).unwrap();
//! assert_eq!((cfg.max_iter, cfg.data.as_str()), (1000, "/datasets/a"));
//! assert_eq!(cfg.callbacks, ["ema"]);
//! let err = Trainer::make().build(["train"]).unwrap_err();
//! assert_eq!((err.message(), err.key()), ("missing mandatory value", Some("data")));
//! assert_eq!(Trainer::SCHEMA.fields[0].doc, "Iterations to train for.");
//! ```

mod check;
mod ctxt;
mod fallback;
mod gen;
mod ir;
mod parse;
mod symbol;

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
