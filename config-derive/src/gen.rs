//! Code generation from the model: `Default`, `ConfigValue`, `Config` (with
//! the static schema table) for structs; `ConfigValue` and `Display` for
//! unit enums. Everything is wrapped in `const _: () = { ... };` and refers
//! to the runtime through the `crate` path ([`Paths`]). Both also implement
//! the seal of `ConfigValue` (`__private_v0_1::DeeplyImmutable`): a struct's
//! fields are all `ConfigValue`s (or `#[config(serde)]` values, which opt
//! out of the check), so the struct has no interior mutability either.

use crate::ir::{Body, DefaultsEntry, Field, FieldValidator, Input, MergePolicy, Struct, Variant};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, Lit};

/// The runtime paths the generated code names, built in one place:
/// `typed` (the public trait layer) and `typed::__private_v0_1` (the helpers).
pub(crate) struct Paths {
    /// `<crate>::typed`.
    pub t: TokenStream,
    /// `<crate>::typed::__private_v0_1`.
    pub p: TokenStream,
}

impl Paths {
    pub(crate) fn new(krate: &syn::Path) -> Paths {
        Paths {
            t: quote!(#krate::typed),
            p: quote!(#krate::typed::__private_v0_1),
        }
    }
}

pub(crate) fn expand(input: &Input) -> TokenStream {
    let paths = Paths::new(&input.krate);
    let body = match &input.body {
        Body::Struct(s) => expand_struct(input, s, &paths),
        Body::Enum(vs) => expand_enum(input, vs, &paths),
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

/// How one field's value is typed, written and read: through its
/// `ConfigValue` impl, or through serde for `#[config(serde)]` fields.
struct Codec<'a> {
    f: &'a Field,
    paths: &'a Paths,
}

impl Codec<'_> {
    /// The field's `TypeDesc`.
    fn type_desc(&self) -> TokenStream {
        let (Paths { t, p }, ty) = (self.paths, &self.f.ty);
        if self.f.serde.is_some() {
            let name = quote!(#ty).to_string().replace(' ', "");
            quote_spanned!(ty.span()=> #t::TypeDesc::Serde { name: #name, check: #p::serde_check::<#ty> })
        } else {
            quote_spanned!(ty.span()=> <#ty as #t::ConfigValue>::TYPE)
        }
    }

    /// `value` (a `&FieldType`) as a node stamped with `origin`.
    fn write(&self, value: TokenStream, origin: TokenStream) -> TokenStream {
        let (Paths { t, p }, ty) = (self.paths, &self.f.ty);
        if self.f.serde.is_some() {
            quote_spanned!(ty.span()=> #p::serde_to_node::<#ty>(#value, #origin))
        } else {
            quote_spanned!(ty.span()=> <#ty as #t::ConfigValue>::to_node(#value, #origin))
        }
    }

    /// The field read from `node` at full key `key`, `?` applied.
    fn read(&self, node: TokenStream, key: TokenStream) -> TokenStream {
        let (Paths { t, p }, ty) = (self.paths, &self.f.ty);
        if self.f.serde.is_some() {
            quote_spanned!(ty.span()=> #p::serde_from_node::<#ty>(#node, #key)?)
        } else {
            quote_spanned!(ty.span()=> <#ty as #t::ConfigValue>::from_node(#node, #key)?)
        }
    }

    /// The node of the field's declared default (`???` when mandatory).
    fn default_node(&self) -> TokenStream {
        let (Paths { t, p }, f, ty) = (self.paths, self.f, &self.f.ty);
        let id = &f.ident;
        let declared = self.write(quote!(&__d.#id), quote!(&__o));
        if f.mandatory.is_some() {
            quote!(#p::Node::with_origin(#p::Value::Missing, __o.clone()))
        } else if f.default.is_some() || f.serde.is_some() {
            declared
        } else {
            quote_spanned!(ty.span()=> <#ty as #t::ConfigValue>::default_node()
                .unwrap_or_else(|| #declared))
        }
    }

    /// Runs the validators of nested configs below the field.
    fn validate_nested(&self) -> TokenStream {
        let (Paths { t, .. }, ty, id) = (self.paths, &self.f.ty, &self.f.ident);
        if self.f.serde.is_some() {
            TokenStream::new()
        } else {
            quote_spanned!(ty.span()=> <#ty as #t::ConfigValue>::validate_into(&self.#id, &__k, __errors);)
        }
    }
}

fn codecs<'a>(s: &'a Struct, paths: &'a Paths) -> impl Iterator<Item = Codec<'a>> {
    s.fields.iter().map(move |f| Codec { f, paths })
}

/// `impl Default`: each field's declared default.
fn default_impl(input: &Input, s: &Struct) -> TokenStream {
    let ident = &input.ident;
    let fields = s.fields.iter().map(|f| {
        let id = &f.ident;
        let v = default_value(f);
        quote!(#id: #v)
    });
    quote! {
        #[automatically_derived]
        impl ::core::default::Default for #ident {
            fn default() -> Self {
                #ident { #(#fields),* }
            }
        }
    }
}

/// The statements inserting each field into `__m`, values from `value`.
fn insert_fields<'a>(
    s: &'a Struct,
    paths: &'a Paths,
    value: impl Fn(&Codec<'a>) -> TokenStream + 'a,
) -> impl Iterator<Item = TokenStream> + 'a {
    let p = &paths.p;
    codecs(s, paths).map(move |c| {
        let name = &c.f.name;
        let v = value(&c);
        quote!(__m.insert(#p::Key::from(#name), #v);)
    })
}

/// `to_node` and `default_node`: the struct as a mapping.
fn node_fns(input: &Input, s: &Struct, paths: &Paths) -> TokenStream {
    let p = &paths.p;
    let type_name = input.ident.to_string();
    let n = s.fields.len();
    let origin = quote!(let __o = #p::Origin::code(#type_name););
    let to_node = insert_fields(s, paths, |c| {
        let id = &c.f.ident;
        c.write(quote!(&self.#id), quote!(&__o))
    });
    let default_node = insert_fields(s, paths, Codec::default_node);
    quote! {
        fn to_node(&self, _origin: &#p::Origin) -> #p::Node {
            #origin
            let mut __m = #p::Map::with_capacity(#n);
            #(#to_node)*
            #p::Node::with_origin(#p::Value::Map(__m), __o)
        }

        fn default_node() -> ::core::option::Option<#p::Node> {
            #origin
            let __d = <Self as ::core::default::Default>::default();
            let mut __m = #p::Map::with_capacity(#n);
            #(#default_node)*
            ::core::option::Option::Some(#p::Node::with_origin(#p::Value::Map(__m), __o))
        }
    }
}

/// `from_node`: each field read at its full key, or its default when absent.
fn from_node_fn(input: &Input, s: &Struct, paths: &Paths) -> TokenStream {
    let (Paths { t, p }, ident) = (paths, &input.ident);
    let fields = codecs(s, paths).map(|c| {
        let (id, name, ty) = (&c.f.ident, &c.f.name, &c.f.ty);
        let absent = if c.f.mandatory.is_some() {
            quote!(return ::core::result::Result::Err(#p::missing_error(&#p::child(__key, #name), __node)))
        } else {
            default_value(c.f)
        };
        let read = c.read(quote!(__n), quote!(&#p::child(__key, #name)));
        quote_spanned! {ty.span()=>
            #id: match __node.get(#name) {
                ::core::option::Option::Some(__n) => #read,
                ::core::option::Option::None => #absent,
            }
        }
    });
    quote! {
        fn from_node(__node: &#p::Node, __key: &str) -> ::core::result::Result<Self, #p::Error> {
            #p::struct_map(__node, __key, &<#ident as #t::Config>::SCHEMA)?;
            ::core::result::Result::Ok(#ident { #(#fields),* })
        }
    }
}

/// `validate_into`: field validators, nested configs, the struct check.
fn validate_fn(s: &Struct, paths: &Paths) -> TokenStream {
    let Paths { t, p } = paths;
    let fields = codecs(s, paths).map(|c| {
        let (id, name, ty) = (&c.f.ident, &c.f.name, &c.f.ty);
        let checks = c.f.validators.iter().map(|v| match v {
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
        let nested = c.validate_nested();
        quote_spanned! {ty.span()=> {
            let __k = #p::child(__key, #name);
            #(#checks)*
            #nested
        }}
    });
    let struct_check = s
        .validate
        .as_ref()
        .map(|path| quote_spanned!(path.span()=> __errors.check(__key, #path(self));));
    quote! {
        fn validate_into(&self, __key: &str, __errors: &mut #t::Errors) {
            #(#fields)*
            #struct_check
        }
    }
}

/// `defaults_list()`, when the struct declares one.
fn defaults_list_fn(input: &Input, s: &Struct, paths: &Paths) -> Option<TokenStream> {
    let p = &paths.p;
    let type_name = input.ident.to_string();
    let entries = s.defaults.as_ref()?;
    let items = entries.iter().map(|e| match e {
        DefaultsEntry::Name(n) => quote!(#p::Node::with_origin(#p::Value::string(#n), __o.clone())),
        DefaultsEntry::Group(g, v) => {
            let v = match v {
                Some(v) => quote!(#p::Value::string(#v)),
                None => quote!(#p::Value::Null),
            };
            quote!({
                let mut __m = #p::Map::new();
                __m.insert(#p::Key::from(#g), #p::Node::with_origin(#v, __o.clone()));
                #p::Node::with_origin(#p::Value::Map(__m), __o.clone())
            })
        }
    });
    Some(quote! {
        fn defaults_list() -> #p::Node {
            let __o = #p::Origin::code(#type_name);
            #p::Node::with_origin(#p::Value::List(::std::vec![#(#items),*]), __o.clone())
        }
    })
}

/// `impl Config`: the schema table, the defaults list, the register hook.
fn config_impl(input: &Input, s: &Struct, paths: &Paths) -> TokenStream {
    let t = &paths.t;
    let ident = &input.ident;
    let (type_name, doc) = (ident.to_string(), &input.doc);
    let field_schemas = codecs(s, paths).map(|c| field_schema(&c));
    let validator_name = match &s.validate {
        Some(p) => {
            let text = path_text(p);
            quote!(::core::option::Option::Some(#text))
        }
        None => quote!(::core::option::Option::None),
    };
    let defaults_list = defaults_list_fn(input, s, paths);
    let register = s.register.as_ref().map(|path| {
        quote_spanned! {path.span()=>
            fn register(__store: &mut #t::Store) {
                #path(__store)
            }
        }
    });
    quote! {
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

fn expand_struct(input: &Input, s: &Struct, paths: &Paths) -> TokenStream {
    let Paths { t, p } = paths;
    let ident = &input.ident;
    let default = default_impl(input, s);
    let nodes = node_fns(input, s, paths);
    let from_node = from_node_fn(input, s, paths);
    let validate = validate_fn(s, paths);
    let config = config_impl(input, s, paths);
    quote! {
        #default

        // The seal of `ConfigValue`: sound because every field's type is used
        // through `ConfigValue` (to_node, from_node, the schema), whose
        // supertrait this is, so each field is deeply immutable itself;
        // `#[config(serde)]` fields are the declared exception.
        #[automatically_derived]
        impl #p::DeeplyImmutable for #ident {}

        #[automatically_derived]
        impl #t::ConfigValue for #ident {
            const TYPE: #t::TypeDesc = #t::TypeDesc::Nested(&<#ident as #t::Config>::SCHEMA);
            #nodes
            #from_node
            #validate
        }

        #config
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

fn field_schema(c: &Codec<'_>) -> TokenStream {
    let (Paths { t, p }, f) = (c.paths, c.f);
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
    let type_desc = c.type_desc();
    quote_spanned! {ty.span()=>
        #t::FieldSchema {
            name: #name,
            ty: #type_desc,
            doc: #doc,
            default: #default,
            mandatory: #mandatory,
            validators: &[#(#validators),*],
            merge: #merge,
        }
    }
}

fn expand_enum(input: &Input, vs: &[Variant], paths: &Paths) -> TokenStream {
    let Paths { t, p } = paths;
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
                #p::Node::with_origin(#p::Value::Str(#p::CompactString::from(self.config_name())), __origin.clone())
            }

            fn from_node(__node: &#p::Node, __key: &str) -> ::core::result::Result<Self, #p::Error> {
                match #p::to_variant(__node, __key, &<Self as #t::ConfigValue>::TYPE)? {
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
