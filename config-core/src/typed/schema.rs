//! The static schema table the derive emits for each config type: field
//! names, types, docs, defaults, validators and merge policies.
//!
//! Place in the flow: it is consulted **before composing** (to check
//! command-line overrides against the types), **during merging** (per-field
//! list policies through [`SchemaHook`]), and for docs ([`help_text`]; the
//! JSON Schema is in [`jsonschema`](crate::typed::jsonschema)).

use crate::error::{did_you_mean, Error, ErrorKind};
use crate::merge::{ListMerge, MergeHook};
use crate::node::Node;
use crate::path::parse_path;
use crate::typed::coerce;

/// The type of a field, as data.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum TypeDesc {
    /// `bool`.
    Bool,
    /// An integer type with its Rust name and inclusive bounds.
    Int {
        /// `u8`, `i64`, ...
        name: &'static str,
        /// Smallest value.
        min: i128,
        /// Largest value.
        max: i128,
    },
    /// `f32` or `f64`.
    Float {
        /// `f32` or `f64`.
        name: &'static str,
    },
    /// `String`.
    Str,
    /// `PathBuf`.
    Path,
    /// A unit enum, written as one of its variant names.
    Enum {
        /// The Rust type name.
        name: &'static str,
        /// The names as written in YAML.
        variants: &'static [&'static str],
    },
    /// `Option<T>`: also accepts null.
    Option(&'static TypeDesc),
    /// `Vec<T>`.
    List(&'static TypeDesc),
    /// A map with string keys.
    Map(&'static TypeDesc),
    /// A nested config.
    Nested(&'static Schema),
    /// An open, untyped subtree (`DictConfig`).
    Dict,
    /// An object description with `_target_` (`LazyDict`).
    Lazy,
    /// A `#[config(serde)]` field: any `Serialize + DeserializeOwned`
    /// type, a "serde value"; values are checked by deserializing them.
    Serde {
        /// The Rust type as written in the struct.
        name: &'static str,
        /// Deserializes a node at a full key, for the checks.
        check: fn(&Node, &str) -> Result<(), Error>,
    },
}

impl TypeDesc {
    /// The type as the errors phrase it: "an unsigned integer", "a bool", ...
    pub fn expectation(&self) -> String {
        match self {
            TypeDesc::Bool => "a bool".into(),
            TypeDesc::Int { name, min, max } => {
                let kind = if *min == 0 {
                    "an unsigned integer"
                } else {
                    "an integer"
                };
                if matches!(*name, "u64" | "i64" | "usize" | "isize" | "u128" | "i128") {
                    kind.into()
                } else {
                    format!("{kind} ({name}, {min}..={max})")
                }
            }
            TypeDesc::Float { .. } => "a float".into(),
            TypeDesc::Str => "a string".into(),
            TypeDesc::Path => "a path".into(),
            TypeDesc::Enum { variants, .. } => format!("one of [{}]", variants.join(", ")),
            TypeDesc::Option(t) => format!("{} or null", t.expectation()),
            TypeDesc::List(_) => "a list".into(),
            TypeDesc::Map(_) => "a mapping".into(),
            TypeDesc::Nested(s) => format!("a mapping ({})", s.name),
            TypeDesc::Dict => "a mapping".into(),
            TypeDesc::Lazy => "an object description (a mapping with _target_)".into(),
            TypeDesc::Serde { name, .. } => format!("a {name} (serde value)"),
        }
    }

    /// The Rust spelling, for docs and `--help`.
    pub fn rust_name(&self) -> String {
        match self {
            TypeDesc::Bool => "bool".into(),
            TypeDesc::Int { name, .. } | TypeDesc::Float { name } | TypeDesc::Enum { name, .. } => {
                (*name).into()
            }
            TypeDesc::Str => "String".into(),
            TypeDesc::Path => "PathBuf".into(),
            TypeDesc::Option(t) => format!("Option<{}>", t.rust_name()),
            TypeDesc::List(t) => format!("Vec<{}>", t.rust_name()),
            TypeDesc::Map(t) => format!("Map<String, {}>", t.rust_name()),
            TypeDesc::Nested(s) => s.name.into(),
            TypeDesc::Dict => "DictConfig".into(),
            TypeDesc::Lazy => "LazyDict".into(),
            TypeDesc::Serde { name, .. } => format!("{name} (serde value)"),
        }
    }

    /// Strips `Option` layers.
    pub fn inner(&self) -> &TypeDesc {
        match self {
            TypeDesc::Option(t) => t.inner(),
            t => t,
        }
    }
}

/// A built-in or custom field validator, as data.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Validator {
    /// `range(min = .., max = ..)`, inclusive.
    Range {
        /// Lower bound.
        min: Option<f64>,
        /// Upper bound.
        max: Option<f64>,
    },
    /// `non_empty`: strings, paths, lists and maps.
    NonEmpty,
    /// `one_of("a", "b")`.
    OneOf(&'static [&'static str]),
    /// `custom = path::to::fn`.
    Custom(&'static str),
}

/// One field of a config type.
#[derive(Clone, Copy, Debug)]
pub struct FieldSchema {
    /// The key (the field name, or its `rename`).
    pub name: &'static str,
    /// The type.
    pub ty: TypeDesc,
    /// The doc comment, trimmed.
    pub doc: &'static str,
    /// The default expression as written, if any.
    pub default: Option<&'static str>,
    /// `???` until composition sets it.
    pub mandatory: bool,
    /// Validators, in declaration order.
    pub validators: &'static [Validator],
    /// How lists merge at this field.
    pub merge: ListMerge,
}

/// The schema of one config type.
#[derive(Clone, Copy, Debug)]
pub struct Schema {
    /// The Rust type name.
    pub name: &'static str,
    /// The type's doc comment.
    pub doc: &'static str,
    /// The fields, in declaration order.
    pub fields: &'static [FieldSchema],
    /// The name of the struct-level validator, if any.
    pub validator: Option<&'static str>,
}

/// What a key path names in the schema.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Lookup<'a> {
    /// A typed value (field, list item or map value).
    Typed(&'a TypeDesc, Option<&'a FieldSchema>),
    /// A key inside an open subtree (`DictConfig`): anything goes.
    Open,
    /// A key inside a lazy object (`LazyDict`): its arguments are typed
    /// only when its `_target_` is a typed constructor
    /// ([`TypedTargets`](crate::typed::TypedTargets)).
    Lazy {
        /// The full key of the lazy object (`optimizer`).
        key: String,
        /// The path below it (`lr`, `betas.0`).
        rest: String,
    },
}

impl Schema {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&FieldSchema> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Finds the type at a dotted key path (`trainer.max_iter`,
    /// `callbacks[0]`), or an error with a did-you-mean.
    ///
    /// ```
    /// use config_core::typed::{Schema, FieldSchema, TypeDesc};
    /// use config_core::ListMerge;
    /// static S: Schema = Schema { name: "T", doc: "", validator: None, fields: &[FieldSchema {
    ///     name: "max_iter", ty: TypeDesc::Int { name: "u64", min: 0, max: u64::MAX as i128 },
    ///     doc: "", default: None, mandatory: false, validators: &[], merge: ListMerge::Replace }] };
    /// let err = S.lookup("max_itr").unwrap_err();
    /// assert_eq!(err.hints(), vec!["did you mean max_iter?"]);
    /// ```
    pub fn lookup(&self, path: &str) -> Result<Lookup<'_>, Error> {
        let segs = parse_path(path)?;
        let mut schema = self;
        let mut prefix = String::new();
        let mut i = 0;
        while i < segs.len() {
            let seg = &segs[i];
            let Some(field) = schema.field(seg) else {
                return Err(no_such_key(schema, &prefix, seg));
            };
            prefix = join(&prefix, seg);
            i += 1;
            let mut ty = &field.ty;
            // Walk through containers until the next struct or the end.
            loop {
                if i == segs.len() {
                    return Ok(Lookup::Typed(ty, Some(field)));
                }
                match ty {
                    TypeDesc::Option(t) => ty = t,
                    TypeDesc::List(t) => {
                        if segs[i].parse::<usize>().is_err() {
                            return Err(Error::new(
                                ErrorKind::KeyNotFound,
                                format!("{prefix} is a list; '{}' is not an index", segs[i]),
                            )
                            .with_key(path.to_string()));
                        }
                        prefix = format!("{prefix}[{}]", segs[i]);
                        i += 1;
                        ty = t;
                        if i == segs.len() {
                            return Ok(Lookup::Typed(ty, None));
                        }
                    }
                    TypeDesc::Map(t) => {
                        prefix = join(&prefix, &segs[i]);
                        i += 1;
                        ty = t;
                        if i == segs.len() {
                            return Ok(Lookup::Typed(ty, None));
                        }
                    }
                    TypeDesc::Nested(s) => {
                        schema = s;
                        break;
                    }
                    // Inside a serde value: its type decides, when converted.
                    TypeDesc::Dict | TypeDesc::Serde { .. } => return Ok(Lookup::Open),
                    TypeDesc::Lazy => {
                        return Ok(Lookup::Lazy {
                            key: prefix,
                            rest: segs[i..].join("."),
                        })
                    }
                    _ => {
                        return Err(Error::new(
                            ErrorKind::KeyNotFound,
                            format!(
                                "{prefix} is {}, it has no key '{}'",
                                ty.expectation(),
                                segs[i]
                            ),
                        )
                        .with_key(path.to_string()))
                    }
                }
            }
        }
        Err(Error::new(
            ErrorKind::KeyNotFound,
            "an empty key path names no field",
        ))
    }

    /// Checks a value about to be written at `path` (an override, say):
    /// the key must exist and the value must convert to its type.
    ///
    /// The error reads `expected an unsigned integer, got 'abc'`, with the
    /// key (`trainer.max_iter`) and the origin (`command-line argument 2`)
    /// as its own.
    pub fn check_value(&self, path: &str, value: &Node) -> Result<(), Error> {
        match self
            .lookup(path)
            .map_err(|e| e.with_origin(value.origin.clone()))?
        {
            Lookup::Open | Lookup::Lazy { .. } => Ok(()),
            Lookup::Typed(ty, _) => coerce::check(ty, value, path),
        }
    }

    /// The list merge policy at a full key, `Replace` when the key is not a
    /// typed list.
    pub fn list_policy(&self, path: &str) -> ListMerge {
        match self.typed(path) {
            Some((_, Some(f))) => f.merge,
            _ => ListMerge::Replace,
        }
    }

    /// [`Schema::lookup`] when it finds a typed value: its type and, at a
    /// field, the field. The merge hook asks this for every value merged,
    /// so a plain dotted path (no brackets, no empty segment) is walked
    /// without allocating; any other path takes `lookup`.
    pub(crate) fn typed(&self, path: &str) -> Option<(&TypeDesc, Option<&FieldSchema>)> {
        let plain = !path.contains('[') && !path.split('.').any(str::is_empty);
        if !plain {
            return match self.lookup(path) {
                Ok(Lookup::Typed(ty, field)) => Some((ty, field)),
                _ => None,
            };
        }
        let mut segs = path.split('.').peekable();
        let mut schema = self;
        while let Some(seg) = segs.next() {
            let field = schema.field(seg)?;
            let mut ty = &field.ty;
            // The same walk as `lookup`'s, through containers.
            loop {
                let Some(next) = segs.peek() else {
                    return Some((ty, Some(field)));
                };
                match ty {
                    TypeDesc::Option(t) => ty = t,
                    TypeDesc::List(t) | TypeDesc::Map(t) => {
                        if matches!(ty, TypeDesc::List(_)) && next.parse::<usize>().is_err() {
                            return None;
                        }
                        segs.next();
                        ty = t;
                        if segs.peek().is_none() {
                            return Some((ty, None));
                        }
                    }
                    TypeDesc::Nested(s) => {
                        schema = s;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        None
    }
}

/// The one key-joining rule ([`crate::path::child_key`]).
fn join(prefix: &str, seg: &str) -> String {
    crate::path::child_key(prefix, &crate::node::Key::from(seg))
}

/// One line per leaf field: `key: type = default  doc`, nested configs
/// flattened (`trainer.ddp.static_graph`); the text of a `--help`.
pub fn help_text(schema: &Schema, defaults: &Node) -> String {
    let mut out = String::new();
    help_lines(schema, Some(defaults), "", &mut out);
    out
}

fn help_lines(schema: &Schema, defaults: Option<&Node>, prefix: &str, out: &mut String) {
    for f in schema.fields {
        let key = join(prefix, f.name);
        let d = defaults.and_then(|d| d.get(f.name));
        if let TypeDesc::Nested(s) = f.ty {
            help_lines(s, d, &key, out);
            continue;
        }
        out.push_str(&format!("{key}: {}", f.ty.rust_name()));
        match d {
            Some(n) if n.is_missing() => out.push_str(" (mandatory)"),
            Some(n) if n.as_map().is_none() => out.push_str(&format!(" = {}", default_text(n))),
            _ => {}
        }
        if !f.doc.is_empty() {
            out.push_str(&format!("  # {}", f.doc.lines().next().unwrap_or_default()));
        }
        out.push('\n');
    }
}

/// A default as `--help` shows it: JSON with the `serde` feature, Python's
/// `repr` without it.
fn default_text(n: &Node) -> String {
    #[cfg(feature = "serde")]
    return crate::serde::to_json(n);
    #[cfg(not(feature = "serde"))]
    return crate::python::python_repr(&n.value);
}

/// "no such key" with the closest field names as a did-you-mean.
pub(crate) fn no_such_key(schema: &Schema, prefix: &str, seg: &str) -> Error {
    let full = join(prefix, seg);
    let names = schema.fields.iter().map(|f| f.name);
    // The key has its own line (`full_key:`): not repeated here.
    let mut err = Error::new(ErrorKind::Struct, format!("no such key in {}", schema.name))
        .with_key(full.clone());
    match did_you_mean(seg, names).first() {
        Some(best) => err = err.with_hint(format!("did you mean {}?", join(prefix, best))),
        None => {
            let all: Vec<&str> = schema.fields.iter().map(|f| f.name).collect();
            err = err.with_hint(format!("{} has the keys: {}", schema.name, all.join(", ")));
        }
    }
    err
}

/// The [`MergeHook`] of a typed config: per-field list policies, and type
/// checks of values as they are merged in.
///
/// ```
/// use config_core::typed::{FieldSchema, Schema, SchemaHook, TypeDesc};
/// use config_core::{dict, merge_with, ListMerge};
/// const S: Schema = Schema { name: "T", doc: "", validator: None, fields: &[FieldSchema {
///     name: "callbacks", ty: TypeDesc::List(&TypeDesc::Str), doc: "", default: None,
///     mandatory: false, validators: &[], merge: ListMerge::Append }] };
/// let mut base = dict!({ callbacks: ["a"] });
/// merge_with(&mut base, dict!({ callbacks: ["b"] }), &SchemaHook::new(S), "").unwrap();
/// assert_eq!(base, dict!({ callbacks: ["a", "b"] }));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SchemaHook {
    /// The schema of the root.
    pub schema: Schema,
}

impl SchemaHook {
    /// The hook of a root schema (`SchemaHook::new(T::SCHEMA)`).
    pub fn new(schema: Schema) -> SchemaHook {
        SchemaHook { schema }
    }
}

impl MergeHook for SchemaHook {
    fn list_policy(&self, key: &str) -> ListMerge {
        self.schema.list_policy(key)
    }

    fn check(&self, key: &str, value: &mut Node) -> Result<(), Error> {
        if key.is_empty() || value.value.is_container() {
            return Ok(());
        }
        // Keys outside the schema are left to the typed conversion, which
        // reports them with a did-you-mean once composition is done.
        match self.schema.typed(key) {
            Some((ty, _)) => coerce::check(ty, value, key),
            None => Ok(()),
        }
    }
}
