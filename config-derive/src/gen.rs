//! Code generation from the model: `Default`, `ConfigValue`, `Config` (with
//! the static schema table) for structs; `ConfigValue` and `Display` for
//! unit enums. Everything is wrapped in `const _: () = { ... };` and refers
//! to the runtime through the `crate` path. Both also implement the seal of
//! `ConfigValue` (`__private::DeeplyImmutable`): a struct's fields are all
//! `ConfigValue`s, so the struct has no interior mutability either.

use crate::ir::{Body, DefaultsEntry, Field, FieldValidator, Input, MergePolicy, Struct, Variant};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, Lit};

pub fn expand(input: &Input) -> TokenStream {
    let body = match &input.body {
        Body::Struct(s) => expand_struct(input, s),
        Body::Enum(vs) => expand_enum(input, vs),
    };
    quote! {
        #[allow(non_upper_case_globals, unused_qualifications, clippy::all)]
        const _: () = { #body };
    }
}

/// The field's default value, typed as the field: literals as they are
/// (so `400_000` infers `u64`), strings through `Into` (for `String` and
/// `PathBuf`), arrays collected (so `["a"]` makes a `Vec<String>`).
fn default_value(f: &Field) -> TokenStream {
    let ty = &f.ty;
    match &f.default {
        None => quote_spanned!(ty.span()=> <#ty as ::core::default::Default>::default()),
        Some(Expr::Lit(l)) if matches!(l.lit, Lit::Str(_)) => {
            quote_spanned!(l.span()=> { let __v: #ty = ::core::convert::Into::into(#l); __v })
        }
        Some(Expr::Array(a)) => {
            let elems = a.elems.iter();
            quote_spanned!(a.span()=> {
                let __v: #ty = [#(::core::convert::Into::into(#elems)),*].into_iter().collect();
                __v
            })
        }
        Some(e) => quote_spanned!(e.span()=> { let __v: #ty = #e; __v }),
    }
}

fn expand_struct(input: &Input, s: &Struct) -> TokenStream {
    let krate = &input.krate;
    let t = quote!(#krate::typed);
    let p = quote!(#krate::typed::__private);
    let ident = &input.ident;
    let type_name = ident.to_string();
    let doc = &input.doc;
    let n = s.fields.len();

    let defaults = s.fields.iter().map(|f| {
        let id = &f.ident;
        let v = default_value(f);
        quote!(#id: #v)
    });

    let to_node = s.fields.iter().map(|f| {
        let (id, name, ty) = (&f.ident, &f.name, &f.ty);
        quote_spanned! {ty.span()=>
            __m.insert(#p::Key::Str(::std::string::String::from(#name)), <#ty as #t::ConfigValue>::to_node(&self.#id, &__o));
        }
    });

    let default_node = s.fields.iter().map(|f| {
        let (id, name, ty) = (&f.ident, &f.name, &f.ty);
        let value = if f.mandatory.is_some() {
            quote!(#p::Node::with_origin(#p::Value::Missing, __o.clone()))
        } else if f.default.is_some() {
            quote_spanned!(ty.span()=> <#ty as #t::ConfigValue>::to_node(&__d.#id, &__o))
        } else {
            quote_spanned!(ty.span()=> <#ty as #t::ConfigValue>::default_node()
                .unwrap_or_else(|| <#ty as #t::ConfigValue>::to_node(&__d.#id, &__o)))
        };
        quote!(__m.insert(#p::Key::Str(::std::string::String::from(#name)), #value);)
    });

    let from_node = s.fields.iter().map(|f| {
        let (id, name, ty) = (&f.ident, &f.name, &f.ty);
        let absent = if f.mandatory.is_some() {
            quote!(return ::core::result::Result::Err(#p::missing_error(&#p::child(__key, #name), __node)))
        } else {
            default_value(f)
        };
        quote_spanned! {ty.span()=>
            #id: match __node.get(#name) {
                ::core::option::Option::Some(__n) => <#ty as #t::ConfigValue>::from_node(__n, &#p::child(__key, #name))?,
                ::core::option::Option::None => #absent,
            }
        }
    });

    let validate = s.fields.iter().map(|f| {
        let (id, name, ty) = (&f.ident, &f.name, &f.ty);
        let checks = f.validators.iter().map(|v| match v {
            FieldValidator::Range { min, max } => {
                let min = opt_f64(min.as_deref());
                let max = opt_f64(max.as_deref());
                quote!(#p::range(&self.#id, #min, #max, &__k, __errors);)
            }
            FieldValidator::NonEmpty => quote!(#p::non_empty(&self.#id, &__k, __errors);),
            FieldValidator::OneOf(opts) => {
                quote!(#p::one_of(&self.#id, &[#(#opts),*], &__k, __errors);)
            }
            FieldValidator::Custom(path) => {
                quote_spanned!(path.span()=> __errors.check(&__k, #path(&self.#id));)
            }
        });
        quote_spanned! {ty.span()=> {
            let __k = #p::child(__key, #name);
            #(#checks)*
            <#ty as #t::ConfigValue>::validate_into(&self.#id, &__k, __errors);
        }}
    });
    let struct_check = s
        .validate
        .as_ref()
        .map(|path| quote_spanned!(path.span()=> __errors.check(__key, #path(self));));

    let field_schemas = s.fields.iter().map(|f| field_schema(input, f));
    let validator_name = match &s.validate {
        Some(p) => {
            let text = path_text(p);
            quote!(::core::option::Option::Some(#text))
        }
        None => quote!(::core::option::Option::None),
    };
    let defaults_list = s.defaults.as_ref().map(|entries| {
        let items = entries.iter().map(|e| match e {
            DefaultsEntry::Name(n) => quote!(#p::Node::with_origin(#p::Value::string(#n), __o.clone())),
            DefaultsEntry::Group(g, v) => {
                let v = match v {
                    Some(v) => quote!(#p::Value::string(#v)),
                    None => quote!(#p::Value::Null),
                };
                quote!({
                    let mut __m = #p::Map::new();
                    __m.insert(#p::Key::Str(::std::string::String::from(#g)), #p::Node::with_origin(#v, __o.clone()));
                    #p::Node::with_origin(#p::Value::Map(__m), __o.clone())
                })
            }
        });
        quote! {
            fn defaults_list() -> #p::Node {
                let __o = #p::Origin::Code { type_name: #p::Arc::from(#type_name) };
                #p::Node::with_origin(#p::Value::List(::std::vec![#(#items),*]), __o.clone())
            }
        }
    });
    let register = s.register.as_ref().map(|path| {
        quote_spanned! {path.span()=>
            fn register(__store: &mut #t::Store) {
                #path(__store)
            }
        }
    });

    quote! {
        #[automatically_derived]
        impl ::core::default::Default for #ident {
            fn default() -> Self {
                #ident { #(#defaults),* }
            }
        }

        // The seal of `ConfigValue`: sound because every field's type is used
        // through `ConfigValue` below (to_node, from_node, the schema), whose
        // supertrait this is, so each field is deeply immutable itself.
        #[automatically_derived]
        impl #p::DeeplyImmutable for #ident {}

        #[automatically_derived]
        impl #t::ConfigValue for #ident {
            const TYPE: #t::TypeDesc = #t::TypeDesc::Nested(&<#ident as #t::Config>::SCHEMA);

            fn to_node(&self, _origin: &#p::Origin) -> #p::Node {
                let __o = #p::Origin::Code { type_name: #p::Arc::from(#type_name) };
                let mut __m = #p::Map::with_capacity(#n);
                #(#to_node)*
                #p::Node::with_origin(#p::Value::Map(__m), __o)
            }

            fn from_node(__node: &#p::Node, __key: &str) -> ::core::result::Result<Self, #p::Error> {
                #p::struct_map(__node, __key, &<#ident as #t::Config>::SCHEMA)?;
                ::core::result::Result::Ok(#ident { #(#from_node),* })
            }

            fn default_node() -> ::core::option::Option<#p::Node> {
                let __o = #p::Origin::Code { type_name: #p::Arc::from(#type_name) };
                let __d = <#ident as ::core::default::Default>::default();
                let mut __m = #p::Map::with_capacity(#n);
                #(#default_node)*
                ::core::option::Option::Some(#p::Node::with_origin(#p::Value::Map(__m), __o))
            }

            fn validate_into(&self, __key: &str, __errors: &mut #t::Errors) {
                #(#validate)*
                #struct_check
            }
        }

        #[automatically_derived]
        impl #t::Config for #ident {
            const SCHEMA: #t::Schema = #t::Schema {
                name: #type_name,
                doc: #doc,
                fields: &[#(#field_schemas),*],
                validator: #validator_name,
            };
            #defaults_list
            #register
        }
    }
}

fn opt_f64(e: Option<&Expr>) -> TokenStream {
    match e {
        Some(e) => quote_spanned!(e.span()=> ::core::option::Option::Some((#e) as f64)),
        None => quote!(::core::option::Option::None),
    }
}

fn path_text(p: &syn::Path) -> String {
    p.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

fn field_schema(input: &Input, f: &Field) -> TokenStream {
    let krate = &input.krate;
    let t = quote!(#krate::typed);
    let p = quote!(#krate::typed::__private);
    let (name, ty, doc) = (&f.name, &f.ty, &f.doc);
    let default = match &f.default {
        Some(e) => {
            let text = quote!(#e).to_string();
            quote!(::core::option::Option::Some(#text))
        }
        None => quote!(::core::option::Option::None),
    };
    let mandatory = f.mandatory.is_some();
    let validators = f.validators.iter().map(|v| match v {
        FieldValidator::Range { min, max } => {
            let (min, max) = (opt_f64(min.as_deref()), opt_f64(max.as_deref()));
            quote!(#t::Validator::Range { min: #min, max: #max })
        }
        FieldValidator::NonEmpty => quote!(#t::Validator::NonEmpty),
        FieldValidator::OneOf(opts) => quote!(#t::Validator::OneOf(&[#(#opts),*])),
        FieldValidator::Custom(path) => {
            let text = path_text(path);
            quote!(#t::Validator::Custom(#text))
        }
    });
    let merge = match f.merge.map(|m| m.0).unwrap_or(MergePolicy::Replace) {
        MergePolicy::Replace => quote!(#p::ListMerge::Replace),
        MergePolicy::Append => quote!(#p::ListMerge::Append),
        MergePolicy::Prepend => quote!(#p::ListMerge::Prepend),
        MergePolicy::Unique => quote!(#p::ListMerge::Unique),
    };
    quote_spanned! {ty.span()=>
        #t::FieldSchema {
            name: #name,
            ty: <#ty as #t::ConfigValue>::TYPE,
            doc: #doc,
            default: #default,
            mandatory: #mandatory,
            validators: &[#(#validators),*],
            merge: #merge,
        }
    }
}

fn expand_enum(input: &Input, vs: &[Variant]) -> TokenStream {
    let krate = &input.krate;
    let t = quote!(#krate::typed);
    let p = quote!(#krate::typed::__private);
    let ident = &input.ident;
    let type_name = ident.to_string();
    let names: Vec<&String> = vs.iter().map(|v| &v.name).collect();
    let idents: Vec<&syn::Ident> = vs.iter().map(|v| &v.ident).collect();
    let indices = 0..vs.len();
    quote! {
        // A unit enum holds no data.
        #[automatically_derived]
        impl #p::DeeplyImmutable for #ident {}

        #[automatically_derived]
        impl #t::ConfigValue for #ident {
            const TYPE: #t::TypeDesc = #t::TypeDesc::Enum { name: #type_name, variants: &[#(#names),*] };

            fn to_node(&self, __origin: &#p::Origin) -> #p::Node {
                #p::Node::with_origin(#p::Value::Str(::std::string::String::from(self.config_name())), __origin.clone())
            }

            fn from_node(__node: &#p::Node, __key: &str) -> ::core::result::Result<Self, #p::Error> {
                match #t::coerce::to_variant(__node, __key, &<Self as #t::ConfigValue>::TYPE)? {
                    #(#indices => ::core::result::Result::Ok(#ident::#idents),)*
                    _ => ::core::result::Result::Err(#p::type_error(__key, "a variant name", __node)),
                }
            }
        }

        #[automatically_derived]
        impl #ident {
            /// The name of this variant as written in configs.
            pub fn config_name(&self) -> &'static str {
                match self {
                    #(#ident::#idents => #names,)*
                }
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.config_name())
            }
        }
    }
}
