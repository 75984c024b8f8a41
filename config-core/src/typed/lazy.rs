//! Lazy objects: [`LazyDict`], the `lazy!` macro, and
//! [`Registry::instantiate`] (Hydra's `instantiate`, the Python
//! `LazyCall`), with constructors that take untyped [`Args`] or a typed
//! argument struct ([`Registry::register_typed`]).
//!
//! Place in the flow: a `LazyDict` is plain data through compose, resolve,
//! type and freeze (so it merges, takes overrides and serialises like any
//! mapping); objects are built from it afterwards, by the training program,
//! through an explicit registry of named constructors.

use crate::error::{Error, ErrorKind};
use crate::node::{Key, Map, Node, Value};
use crate::origin::Origin;
use crate::typed::coerce::{missing_error, type_error};
use crate::typed::schema::TypeDesc;
use crate::typed::targets::{arguments, parse_args, TypedTargets};
use crate::typed::value::{ConfigValue, IntoNode};
use crate::typed::Config;
use indexmap::IndexMap;
use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// The description of an object to build later: `_target_` plus arguments
/// (`_args_`, `_recursive_`, `_partial_` are honoured by
/// [`Registry::instantiate`]).
///
/// ```
/// use config_core::{lazy, dict};
/// let opt = lazy!("torch.optim.AdamW", lr = 1e-4, betas = dict!([0.9, 0.999]));
/// assert_eq!(opt.target(), "torch.optim.AdamW");
/// assert_eq!(opt.to_node().to_yaml(), "_target_: torch.optim.AdamW\nlr: 0.0001\nbetas:\n- 0.9\n- 0.999\n");
/// ```
#[derive(Clone, Debug)]
pub struct LazyDict {
    node: Node,
    /// The full key it was read from, for errors (`optimizer.lr`).
    key: String,
}

impl PartialEq for LazyDict {
    /// Compares the descriptions only, not where they were read from.
    fn eq(&self, other: &LazyDict) -> bool {
        self.node == other.node
    }
}

const TARGET: &str = "_target_";

impl LazyDict {
    /// An object description with no arguments yet.
    pub fn new(target: &str) -> LazyDict {
        let mut m = Map::new();
        m.insert(Key::from(TARGET), Node::from(target));
        LazyDict {
            node: Node::new(Value::Map(m)),
            key: String::new(),
        }
    }

    /// The full key this description was read from (`optimizer`), empty
    /// for one built in code; [`Registry::instantiate`] names argument
    /// errors below it (`optimizer.lr`).
    ///
    /// ```
    /// use config_core::lazy;
    /// use config_core::typed::{ConfigValue, LazyDict};
    /// let l = LazyDict::from_node(&lazy!("Adam", lr = 0.1).to_node(), "optimizer").unwrap();
    /// assert_eq!(l.key(), "optimizer");
    /// ```
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Adds (or replaces) a keyword argument.
    pub fn arg(mut self, name: &str, value: impl IntoNode) -> LazyDict {
        self.set(name, value.into_node());
        self
    }

    /// Sets a keyword argument.
    pub fn set(&mut self, name: &str, value: Node) {
        if let Some(m) = self.node.as_map_mut_raw() {
            m.insert(Key::from(name), value);
        }
    }

    /// The target name.
    pub fn target(&self) -> &str {
        self.node
            .get(TARGET)
            .and_then(Node::as_str)
            .unwrap_or_default()
    }

    /// A keyword argument.
    pub fn get(&self, name: &str) -> Option<&Node> {
        self.node.get(name)
    }

    /// The description as a node (a mapping with `_target_`).
    pub fn to_node(&self) -> Node {
        self.node.clone()
    }

    /// The description as a node, by value: [`LazyDict::to_node`] without
    /// the copy, for a description built only to be stored.
    ///
    /// ```
    /// use config_core::lazy;
    /// let n = lazy!("Adam", lr = 0.1).into_node();
    /// assert_eq!(n.to_yaml(), "_target_: Adam\nlr: 0.1\n");
    /// ```
    pub fn into_node(self) -> Node {
        self.node
    }

    /// The description as a borrowed node.
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// Wraps a node, which must be a mapping with a string `_target_`.
    pub fn from_node_at(node: &Node, key: &str) -> Result<LazyDict, Error> {
        match &node.value {
            Value::Map(m) if m.get(&Key::from(TARGET)).and_then(Node::as_str).is_some() => {
                Ok(LazyDict {
                    node: node.clone(),
                    key: key.to_string(),
                })
            }
            Value::Missing => Err(missing_error(key, node)),
            _ => Err(type_error(key, &TypeDesc::Lazy.expectation(), node)),
        }
    }
}

impl crate::typed::value::sealed::DeeplyImmutable for LazyDict {}

impl ConfigValue for LazyDict {
    const TYPE: TypeDesc = TypeDesc::Lazy;
    fn to_node(&self, origin: &Origin) -> Node {
        let mut n = self.node.clone();
        n.stamp_origin(origin);
        n
    }
    fn from_node(node: &Node, key: &str) -> Result<Self, Error> {
        LazyDict::from_node_at(node, key)
    }
}

/// Builds a [`LazyDict`]: `lazy!("target", arg = value, ...)`; values are
/// `dict!` literals or expressions.
#[macro_export]
macro_rules! lazy {
    ($target:expr $(, $($rest:tt)*)?) => {{
        #[allow(unused_mut)]
        let mut l = $crate::typed::LazyDict::new($target);
        $( $crate::lazy!(@args l $($rest)*); )?
        l
    }};
    (@args $l:ident) => {};
    (@args $l:ident $k:ident = [ $($i:tt)* ] $(, $($rest:tt)*)?) => {
        $l.set(stringify!($k), $crate::dict!([ $($i)* ])); $( $crate::lazy!(@args $l $($rest)*); )?
    };
    (@args $l:ident $k:ident = { $($i:tt)* } $(, $($rest:tt)*)?) => {
        $l.set(stringify!($k), $crate::dict!({ $($i)* })); $( $crate::lazy!(@args $l $($rest)*); )?
    };
    (@args $l:ident $k:ident = ??? $(, $($rest:tt)*)?) => {
        $l.set(stringify!($k), $crate::dict!(???)); $( $crate::lazy!(@args $l $($rest)*); )?
    };
    (@args $l:ident $k:ident = null $(, $($rest:tt)*)?) => {
        $l.set(stringify!($k), $crate::dict!(null)); $( $crate::lazy!(@args $l $($rest)*); )?
    };
    (@args $l:ident $k:ident = $e:expr $(, $($rest:tt)*)?) => {
        $l.set(stringify!($k), $crate::dict!($e)); $( $crate::lazy!(@args $l $($rest)*); )?
    };
}

/// A built object, shared.
pub type Object = Arc<dyn Any + Send + Sync>;

/// What a constructor receives: keyword arguments (objects already built
/// when `_recursive_`), and positional `_args_`.
pub struct Args {
    /// The description's full key, for errors.
    pub key: String,
    /// Keyword arguments as nodes (built objects are not in here).
    pub kwargs: Node,
    /// Keyword arguments that were lazy objects, built.
    pub objects: IndexMap<String, Object>,
    /// Positional arguments (`_args_`).
    pub positional: Vec<Node>,
    /// The constructor arguments as written (nested descriptions
    /// unbuilt), what a typed constructor's argument struct is read from.
    description: Node,
}

impl Args {
    /// A keyword argument converted to `T`.
    pub fn get<T: ConfigValue>(&self, name: &str) -> Result<T, Error> {
        let key = crate::path::child_key(&self.key, &Key::from(name));
        match self.kwargs.get(name) {
            Some(n) => T::from_node(n, &key),
            None => Err(
                Error::new(ErrorKind::KeyNotFound, format!("missing argument '{name}'"))
                    .with_key(key),
            ),
        }
    }

    /// A keyword argument converted to `T`, or `default` when absent.
    pub fn get_or<T: ConfigValue>(&self, name: &str, default: T) -> Result<T, Error> {
        match self.kwargs.get(name) {
            Some(_) => self.get(name),
            None => Ok(default),
        }
    }

    /// Every keyword argument at once, as a typed config (unknown keys are errors).
    pub fn parse<T: ConfigValue>(&self) -> Result<T, Error> {
        T::from_node(&self.kwargs, &self.key)
    }

    /// The arguments as written (nested lazy objects as descriptions, not
    /// built) converted to the typed config `A` and validated: what a
    /// [`Registry::register_typed`] constructor receives.
    pub fn typed<A: Config>(&self) -> Result<A, Error> {
        parse_args::<A>(&self.description, &self.key)
    }

    /// A positional argument converted to `T`.
    pub fn positional<T: ConfigValue>(&self, i: usize) -> Result<T, Error> {
        let key = crate::path::index_key(&format!("{}._args_", self.key), i);
        match self.positional.get(i) {
            Some(n) => T::from_node(n, &key),
            None => Err(Error::new(
                ErrorKind::KeyNotFound,
                format!("missing positional argument {i}"),
            )
            .with_key(key)),
        }
    }

    /// The lazy objects built from the items of list argument `name`
    /// (`name[0]`, `name[1]`, ...), in order, as `T`. Items that were not
    /// lazy objects are skipped; use [`Args::get`] for those.
    pub fn objects_in<T: Any + Send + Sync>(&self, name: &str) -> Result<Vec<Arc<T>>, Error> {
        let prefix = format!("{name}[");
        let paths: Vec<String> = self
            .objects
            .keys()
            .filter(|p| p.starts_with(&prefix) && !p[prefix.len()..].contains(['.', '[']))
            .cloned()
            .collect();
        paths.iter().map(|p| self.object::<T>(p)).collect()
    }

    /// A keyword argument that was a lazy object, built, as `T`. Objects
    /// nested in lists and mappings are found by their path relative to the
    /// arguments (`callbacks[0]`, `opt.inner`, `_args_[1]`).
    pub fn object<T: Any + Send + Sync>(&self, name: &str) -> Result<Arc<T>, Error> {
        let key = crate::path::child_key(&self.key, &Key::from(name));
        let obj = self.objects.get(name).ok_or_else(|| {
            Error::new(
                ErrorKind::KeyNotFound,
                format!("missing object argument '{name}'"),
            )
            .with_key(key.clone())
            .with_hint(
                "give it as a lazy object (a mapping with _target_), with _recursive_ left true",
            )
        })?;
        Arc::clone(obj).downcast::<T>().map_err(|_| {
            Error::new(
                ErrorKind::Type,
                format!(
                    "argument '{name}' was built as another type than {}",
                    std::any::type_name::<T>()
                ),
            )
            .with_key(key)
        })
    }
}

type Ctor = Arc<dyn Fn(&Args) -> Result<Object, Error> + Send + Sync>;

/// The result of [`Registry::instantiate`].
pub enum Built {
    /// The object.
    Object(Object),
    /// `_partial_: true`: a constructor waiting for more keyword arguments.
    Partial(Box<Partial>),
}

impl fmt::Debug for Built {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Built::Object(_) => f.write_str("Built::Object(..)"),
            Built::Partial(_) => f.write_str("Built::Partial(..)"),
        }
    }
}

impl Built {
    /// The object as `T` (an error for a partial, or another type).
    pub fn into_object<T: Any + Send + Sync>(self) -> Result<Arc<T>, Error> {
        match self {
            Built::Object(o) => o.downcast::<T>().map_err(|_| {
                Error::new(
                    ErrorKind::Type,
                    format!("the object is not a {}", std::any::type_name::<T>()),
                )
            }),
            Built::Partial(_) => Err(Error::new(
                ErrorKind::Type,
                "the description is _partial_; call it first",
            )),
        }
    }

    /// The closure of a `_partial_` description.
    pub fn into_partial(self) -> Result<Box<Partial>, Error> {
        match self {
            Built::Partial(p) => Ok(p),
            Built::Object(_) => Err(Error::new(
                ErrorKind::Type,
                "the description is not _partial_",
            )),
        }
    }
}

/// A constructor with some arguments bound (`functools.partial`).
pub struct Partial {
    ctor: Ctor,
    args: Args,
}

impl Partial {
    /// Builds the object, with `kwargs` (a mapping) added to the bound ones.
    pub fn call(&self, kwargs: Node) -> Result<Object, Error> {
        let mut merged = self.args.kwargs.clone();
        crate::merge::merge(&mut merged, kwargs.clone())?;
        let mut description = self.args.description.clone();
        crate::merge::merge(&mut description, kwargs)?;
        let args = Args {
            key: self.args.key.clone(),
            kwargs: merged,
            objects: self.args.objects.clone(),
            positional: self.args.positional.clone(),
            description,
        };
        (self.ctor)(&args)
    }

    /// The partial as a plain closure (`functools.partial` style).
    pub fn into_fn(self) -> impl Fn(Node) -> Result<Object, Error> + Send + Sync {
        move |kwargs| self.call(kwargs)
    }
}

/// An explicit registry of named constructors (no global state: build one
/// and pass it where objects are made).
///
/// ```
/// use config_core::{lazy, typed::Registry};
/// struct Sgd { lr: f64 }
/// let mut reg = Registry::new();
/// reg.register("sgd", |a| Ok(Sgd { lr: a.get("lr")? }));
/// let sgd = reg.instantiate(&lazy!("sgd", lr = 0.1)).unwrap().into_object::<Sgd>().unwrap();
/// assert_eq!(sgd.lr, 0.1);
/// let err = reg.instantiate(&lazy!("adam")).unwrap_err();
/// assert!(err.hints()[0].contains("sgd"));
/// ```
#[derive(Default)]
pub struct Registry {
    ctors: IndexMap<String, Ctor>,
    typed: TypedTargets,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Registers a constructor under a target name.
    pub fn register<T, F>(&mut self, target: &str, ctor: F) -> &mut Registry
    where
        T: Any + Send + Sync,
        F: Fn(&Args) -> Result<T, Error> + Send + Sync + 'static,
    {
        self.typed.insert_untyped(target);
        self.ctors.insert(
            target.to_string(),
            Arc::new(move |a: &Args| ctor(a).map(|t| Arc::new(t) as Object)),
        );
        self
    }

    /// Registers a constructor whose arguments are the typed config `A`
    /// (a `#[derive(Config)]` struct): it receives them converted and
    /// validated, plus the [`Args`] for objects built from nested lazy
    /// descriptions. Give the registry to
    /// [`Maker::with_registry`](crate::typed::Maker::with_registry) and a
    /// lazy object naming `target` is checked before composing and after,
    /// `--help` lists `A`'s fields and the JSON Schema covers it.
    ///
    /// ```
    /// use config_core::typed::{Config, Registry};
    /// use config_core::lazy;
    /// use config_derive::Config;
    ///
    /// #[derive(Config, Clone, Debug)]
    /// pub struct SgdArgs {
    ///     #[config(validate(range(min = 0.0)))]
    ///     pub lr: f64,
    ///     #[config(default = 0.9)]
    ///     pub momentum: f64,
    /// }
    /// struct Sgd { lr: f64, momentum: f64 }
    ///
    /// let mut reg = Registry::new();
    /// reg.register_typed("SGD", |a: SgdArgs, _| Ok(Sgd { lr: a.lr, momentum: a.momentum }));
    /// let sgd = reg.instantiate_as::<Sgd>(&lazy!("SGD", lr = 0.1)).unwrap();
    /// assert_eq!((sgd.lr, sgd.momentum), (0.1, 0.9));
    /// let err = reg.instantiate(&lazy!("SGD", lr = "fast")).unwrap_err();
    /// assert_eq!((err.message(), err.key()), ("expected a float, got 'fast'", Some("lr")), "{err}");
    /// ```
    pub fn register_typed<A, T, F>(&mut self, target: &str, ctor: F) -> &mut Registry
    where
        A: Config,
        T: Any + Send + Sync,
        F: Fn(A, &Args) -> Result<T, Error> + Send + Sync + 'static,
    {
        self.typed.insert::<A>(target);
        self.ctors.insert(
            target.to_string(),
            Arc::new(move |a: &Args| ctor(a.typed::<A>()?, a).map(|t| Arc::new(t) as Object)),
        );
        self
    }

    /// The argument types of the constructors registered with
    /// [`Registry::register_typed`].
    pub fn typed_targets(&self) -> &TypedTargets {
        &self.typed
    }

    /// The registered target names.
    pub fn targets(&self) -> impl Iterator<Item = &str> {
        self.ctors.keys().map(String::as_str)
    }

    /// Builds the object a lazy description names; errors name keys
    /// below the key the description was read from ([`LazyDict::key`]).
    pub fn instantiate(&self, lazy: &LazyDict) -> Result<Built, Error> {
        self.build(lazy.node(), lazy.key())
    }

    /// Builds the object a description at full key `key` names (errors then
    /// name keys below it, e.g. `optimizer.lr`).
    pub fn instantiate_at(&self, lazy: &LazyDict, key: &str) -> Result<Built, Error> {
        self.build(lazy.node(), key)
    }

    /// Builds and downcasts in one step.
    pub fn instantiate_as<T: Any + Send + Sync>(&self, lazy: &LazyDict) -> Result<Arc<T>, Error> {
        self.instantiate(lazy)?.into_object::<T>()
    }

    fn build(&self, node: &Node, key: &str) -> Result<Built, Error> {
        let map = node
            .as_map()
            .ok_or_else(|| type_error(key, &TypeDesc::Lazy.expectation(), node))?;
        let target = node.get(TARGET).and_then(Node::as_str).unwrap_or_default();
        let target_key = crate::path::child_key(key, &Key::from(TARGET));
        let ctor = self
            .ctors
            .get(target)
            .ok_or_else(|| self.unknown_target(target, &target_key, node))?;
        let recursive = flag(node, "_recursive_", true, key)?;
        let partial = flag(node, "_partial_", false, key)?;
        let mut args = Args {
            key: key.to_string(),
            kwargs: Node::empty_map(),
            objects: IndexMap::new(),
            positional: Vec::new(),
            description: arguments(node),
        };
        for (k, v) in map {
            let name = k.to_string();
            let ck = crate::path::child_key(key, k);
            match name.as_str() {
                TARGET | "_recursive_" | "_partial_" | "_convert_" => {}
                "_args_" => {
                    args.positional = v
                        .as_list()
                        .cloned()
                        .ok_or_else(|| type_error(&ck, "a list", v))?;
                    if recursive {
                        self.build_nested(v, "_args_", &ck, &mut args.objects)?;
                    }
                }
                _ if recursive && is_lazy(v) => {
                    args.objects.insert(name, self.build_object(v, &ck)?);
                }
                // Hydra: a partial skips `???` arguments (given at call time).
                _ if partial && v.is_missing() => {}
                _ => {
                    if recursive {
                        self.build_nested(v, &name, &ck, &mut args.objects)?;
                    }
                    if let Some(m) = args.kwargs.as_map_mut_raw() {
                        m.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        if partial {
            return Ok(Built::Partial(Box::new(Partial {
                ctor: Arc::clone(ctor),
                args,
            })));
        }
        ctor(&args).map(Built::Object).map_err(|e| {
            e.with_context(format!("in the call to target '{target}'"))
                .with_key(key.to_string())
                .with_origin(node.origin.clone())
        })
    }

    fn build_object(&self, node: &Node, key: &str) -> Result<Object, Error> {
        Ok(match self.build(node, key)? {
            Built::Object(o) => o,
            Built::Partial(p) => Arc::new(*p) as Object,
        })
    }

    /// Builds the lazy objects nested in lists and plain mappings below an
    /// argument (Hydra's recursive instantiation visits them too), keyed by
    /// their path relative to the arguments: `callbacks[0]`, `opt.inner`.
    fn build_nested(
        &self,
        node: &Node,
        rel: &str,
        key: &str,
        out: &mut IndexMap<String, Object>,
    ) -> Result<(), Error> {
        let mut visit = |child: &Node, child_rel: String, child_key: String| {
            if is_lazy(child) {
                let built = self.build_object(child, &child_key)?;
                out.insert(child_rel, built);
                Ok(())
            } else {
                self.build_nested(child, &child_rel, &child_key, out)
            }
        };
        match &node.value {
            Value::List(items) => items.iter().enumerate().try_for_each(|(i, item)| {
                visit(item, format!("{rel}[{i}]"), crate::path::index_key(key, i))
            }),
            Value::Map(m) => m.iter().try_for_each(|(k, v)| {
                visit(v, format!("{rel}.{k}"), crate::path::child_key(key, k))
            }),
            _ => Ok(()),
        }
    }

    fn unknown_target(&self, target: &str, key: &str, node: &Node) -> Error {
        let mut e = Error::new(
            ErrorKind::KeyNotFound,
            format!("Error locating target '{target}': it is not registered"),
        )
        .with_key(key.to_string())
        .with_origin(
            node.get(TARGET)
                .map(|n| n.origin.clone())
                .unwrap_or_default(),
        );
        if let Some(best) = crate::error::did_you_mean(target, self.targets()).first() {
            e = e.with_hint(format!("did you mean '{best}'?"));
        }
        let all: Vec<&str> = self.targets().collect();
        e.with_hint(format!("registered targets: {}", all.join(", ")))
    }
}

fn is_lazy(n: &Node) -> bool {
    n.get(TARGET).is_some()
}

fn flag(node: &Node, name: &str, default: bool, key: &str) -> Result<bool, Error> {
    match node.get(name) {
        None => Ok(default),
        Some(n) => match n.value {
            Value::Bool(b) => Ok(b),
            _ => Err(type_error(
                &crate::path::child_key(key, &Key::from(name)),
                "a bool",
                n,
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict;

    struct Net {
        width: u32,
    }
    struct Model {
        net: Arc<Net>,
        lr: f64,
        tag: String,
    }

    fn registry() -> Registry {
        let mut r = Registry::new();
        r.register("net", |a| {
            Ok(Net {
                width: a.get("width")?,
            })
        });
        r.register("model", |a| {
            Ok(Model {
                net: a.object::<Net>("net")?,
                lr: a.get_or("lr", 0.5)?,
                tag: a.positional(0)?,
            })
        });
        r
    }

    #[test]
    fn recursive_partial_and_args() {
        let r = registry();
        let l = lazy!(
            "model",
            net = lazy!("net", width = 8).to_node(),
            _args_ = ["first"],
            lr = 0.1
        );
        let m = r.instantiate_as::<Model>(&l).unwrap();
        assert_eq!((m.net.width, m.lr, m.tag.as_str()), (8, 0.1, "first"));

        let p = lazy!(
            "model",
            net = lazy!("net", width = 2).to_node(),
            _args_ = ["x"],
            _partial_ = true
        );
        let f = r.instantiate(&p).unwrap().into_partial().unwrap();
        let m = f
            .call(dict!({ lr: 0.25 }))
            .unwrap()
            .downcast::<Model>()
            .ok()
            .unwrap();
        assert_eq!(m.lr, 0.25);
    }

    #[test]
    fn nested_objects_in_lists_mappings_and_args_are_built() {
        let r = registry();
        let mut l = lazy!("model", lr = 0.1, _args_ = ["t"]);
        let nets = Node::new(Value::List(vec![
            lazy!("net", width = 1).to_node(),
            Node::from(5),
            lazy!("net", width = 3).to_node(),
        ]));
        l.set("extra_nets", nets);
        l.set("net", lazy!("net", width = 2).to_node());
        l.set("opts", dict!({ inner: { _target_: "net", width: 4 } }));
        // The model constructor ignores the extras; build the args directly.
        let mut seen = IndexMap::new();
        r.build_nested(
            l.node().get("extra_nets").unwrap(),
            "extra_nets",
            "m.extra_nets",
            &mut seen,
        )
        .unwrap();
        r.build_nested(l.node().get("opts").unwrap(), "opts", "m.opts", &mut seen)
            .unwrap();
        let keys: Vec<&String> = seen.keys().collect();
        assert_eq!(keys, ["extra_nets[0]", "extra_nets[2]", "opts.inner"]);
        let args = Args {
            key: "m".into(),
            kwargs: Node::empty_map(),
            objects: seen,
            positional: vec![],
            description: Node::empty_map(),
        };
        let widths: Vec<u32> = args
            .objects_in::<Net>("extra_nets")
            .unwrap()
            .iter()
            .map(|n| n.width)
            .collect();
        assert_eq!(widths, [1, 3]);
        assert_eq!(args.object::<Net>("opts.inner").unwrap().width, 4);
        // And through instantiate: the model still builds.
        assert_eq!(r.instantiate_as::<Model>(&l).unwrap().net.width, 2);
    }

    #[test]
    fn non_recursive_keeps_nested_descriptions_as_data() {
        let mut r = registry();
        r.register("holder", |a| Ok(a.kwargs.get("net").cloned()));
        let l = lazy!(
            "holder",
            net = lazy!("net", width = 1).to_node(),
            _recursive_ = false
        );
        let kept = r.instantiate_as::<Option<Node>>(&l).unwrap();
        assert_eq!(
            kept.as_ref()
                .as_ref()
                .unwrap()
                .get("_target_")
                .unwrap()
                .as_str(),
            Some("net")
        );
        let f = r
            .instantiate(&lazy!("net", _partial_ = true, width = ???))
            .unwrap()
            .into_partial()
            .unwrap()
            .into_fn();
        let net = f(dict!({ width: 3 }))
            .unwrap()
            .downcast::<Net>()
            .ok()
            .unwrap();
        assert_eq!(net.width, 3);
    }

    #[test]
    fn unknown_target_lists_registered() {
        let e = registry().instantiate(&lazy!("mdoel")).unwrap_err();
        assert!(
            e.hints().iter().any(|h| h == "did you mean 'model'?"),
            "{e}"
        );
        assert!(e.hints().iter().any(|h| h.contains("net, model")), "{e}");
    }
}
