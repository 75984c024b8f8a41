//! Stub impls emitted next to the compile errors (thiserror's
//! `fallback.rs`, clap's `dummies.rs`), so that code using the type sees
//! the attribute error and not a cascade of "trait not implemented".

use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn expand(input: &syn::DeriveInput, krate: &syn::Path) -> TokenStream {
    if !input.generics.params.is_empty() {
        // Generic types are refused; stubs would only add bound errors.
        return TokenStream::new();
    }
    let ident = &input.ident;
    let name = ident.to_string();
    let crate::gen::Paths { t, p } = crate::gen::Paths::new(krate);
    let (imp, ty, wh) = input.generics.split_for_impl();
    let common = quote! {
        #[automatically_derived]
        impl #imp #p::DeeplyImmutable for #ident #ty #wh {}
        #[automatically_derived]
        impl #imp #t::ConfigValue for #ident #ty #wh {
            const TYPE: #t::TypeDesc = #t::TypeDesc::Dict;
            fn to_node(&self, _: &#p::Origin) -> #p::Node {
                ::core::unreachable!()
            }
            fn from_node(_: &#p::Node, _: &str) -> ::core::result::Result<Self, #p::Error> {
                ::core::unreachable!()
            }
        }
    };
    match &input.data {
        syn::Data::Struct(_) => quote! {
            #common
            #[automatically_derived]
            impl #imp ::core::default::Default for #ident #ty #wh {
                fn default() -> Self {
                    ::core::unreachable!()
                }
            }
            #[automatically_derived]
            impl #imp #t::Config for #ident #ty #wh {
                const SCHEMA: #t::Schema = #t::Schema { name: #name, doc: "", fields: &[], validator: ::core::option::Option::None };
            }
        },
        syn::Data::Enum(_) => quote! {
            #common
            #[automatically_derived]
            impl #imp ::core::fmt::Display for #ident #ty #wh {
                fn fmt(&self, _: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    ::core::unreachable!()
                }
            }
        },
        syn::Data::Union(_) => TokenStream::new(),
    }
}
