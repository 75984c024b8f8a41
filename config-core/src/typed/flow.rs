//! The typed flow: `T::make().override_with(args)`.
//!
//! Place in the flow: the driver. It runs, in order:
//!
//! 1. **make**: the typed defaults ([`Config::default_dict`], with `???` for
//!    mandatory fields) and the type's defaults list become the primary
//!    config of a [`ConfigStore`], which the type's `register` function fills
//!    with group options and experiments (lazily built ones included);
//! 2. **check**: each command-line override that is not a group choice is
//!    checked against the schema before anything is composed (unknown keys
//!    get a did-you-mean, values must convert to the field's type);
//! 3. **compose** (groups, experiments, value overrides), **resolve**
//!    (interpolations), then **type** ([`Config::from_dict`]: coercions, and
//!    an error for any `???` left, saying how to set it);
//! 4. with [`Maker::build`]: **validate** (each failure located in the
//!    composed tree) and **freeze**, keeping the tree for
//!    [`Frozen::explain`].
//!
//! Arguments are argv-style. The rule for the program path: the first
//! argument is dropped when it contains no `=` and does not start with `~`
//! (no override looks like that, every program path does). A `--` right
//! after it (or first) is dropped too, as the Python `override()` expects.
//! Errors name an override by its position in the arguments as given, so
//! with `std::env::args()` "command-line argument 2" is `argv[2]`.

use crate::compose::override_arg::{self, CliOverride};
use crate::compose::Composer;
use crate::error::Error;
use crate::interp::Resolvers;
use crate::node::Node;
use crate::node::{Key, Value};
use crate::overrides::OverrideKind;
use crate::store::ConfigStore;
use crate::typed::primary;
use crate::typed::{Config, Frozen, Lookup, Registry, SchemaHook, TypeDesc, TypedTargets};
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::Arc;

/// The typed defaults plus a config store (the defaults are its primary
/// config, named after the type), ready to take overrides.
/// Built by [`Config::make`].
pub struct Maker<T: Config> {
    store: ConfigStore,
    dirs: Vec<PathBuf>,
    /// A YAML primary (`with_primary`): its directory and name.
    primary: Option<(PathBuf, String)>,
    resolvers: Resolvers,
    targets: TypedTargets,
    /// The warning that `T`'s defaults list puts `_self_` after groups,
    /// found once (the list is fixed by `T`; building it again for
    /// [`Maker::warnings`] was a fortieth of the flow).
    self_last: Option<String>,
    _type: PhantomData<fn() -> T>,
}

impl<T: Config> Maker<T> {
    /// The store filled by `T::register`, plus `T`'s primary config.
    pub fn new() -> Maker<T> {
        let mut store = ConfigStore::new();
        let self_last = primary::self_last_warning(T::SCHEMA.name, &T::defaults_list());
        // Lazy, like every entry a one-shot flow reads: built for the
        // composition, not built, stored and copied.
        store.add_lazy("", T::SCHEMA.name, primary_node::<T>);
        T::register(&mut store);
        Maker {
            store,
            dirs: Vec::new(),
            primary: None,
            resolvers: Resolvers::default(),
            targets: TypedTargets::default(),
            self_last,
            _type: PhantomData,
        }
    }

    /// The primary config's `hydra:` section, as a YAML primary would hold
    /// it: Hydra's settings for this program (`run.dir`, `job.chdir`,
    /// `sweep.dir`), below the `hydra.*` overrides of the command line.
    ///
    /// ```
    /// use config_core::prelude::*;
    /// #[derive(Config, Debug, Clone, PartialEq)]
    /// pub struct Train {
    ///     #[config(default = "runs")]
    ///     pub out: String,
    /// }
    /// let maker = Train::make().with_hydra(config_core::dict!({ run: { dir: "${out}/now" } }));
    /// let composer = maker.into_composer().unwrap();
    /// let comp = composer.compose_full("Train", &[] as &[&str]).unwrap();
    /// assert_eq!(comp.hydra.select("run.dir").unwrap().unwrap().as_str(), Some("${out}/now"));
    /// ```
    pub fn with_hydra(mut self, hydra: Node) -> Maker<T> {
        if let Some(entry) = self.store.get(T::SCHEMA.name) {
            let mut primary = Node::clone(&entry.node());
            if let Some(m) = primary.as_map_mut_raw() {
                m.insert(Key::from("hydra"), hydra);
            }
            self.store.add("", T::SCHEMA.name, primary);
        }
        self
    }

    /// The store, to register more options or experiments.
    pub fn store_mut(&mut self) -> &mut ConfigStore {
        &mut self.store
    }

    /// Uses these resolvers (custom ones registered) for interpolations.
    pub fn with_resolvers(mut self, resolvers: Resolvers) -> Maker<T> {
        self.resolvers = resolvers;
        self
    }

    /// Checks lazy objects whose `_target_` is one of `registry`'s typed
    /// constructors ([`Registry::register_typed`]): their overrides before
    /// composing (see [`TypedTargets`]), their arguments after resolving.
    ///
    /// ```
    /// use config_core::typed::{Config, LazyDict, Registry, Store};
    /// use config_core::{dict, lazy};
    /// use config_derive::Config;
    ///
    /// #[derive(Config, Clone, Debug)]
    /// pub struct AdamArgs {
    ///     #[config(default = 1e-3, validate(range(min = 0.0)))]
    ///     pub lr: f64,
    /// }
    ///
    /// #[derive(Config, Clone, Debug)]
    /// #[config(defaults = ["_self_", { optimizer = "adam" }], register = groups)]
    /// pub struct Train {
    ///     pub optimizer: Option<LazyDict>,
    /// }
    /// fn groups(store: &mut Store) {
    ///     store.add("optimizer", "adam", dict!({ optimizer: lazy!("Adam", lr = 1e-3).to_node() }))
    ///         .package("_global_");
    /// }
    ///
    /// let mut reg = Registry::new();
    /// reg.register_typed("Adam", |a: AdamArgs, _| Ok(a.lr));
    /// let err = Train::make().with_registry(&reg).build(["train", "optimizer.lr=abc"]).unwrap_err();
    /// assert_eq!((err.message(), err.key()), ("expected a float, got 'abc'", Some("optimizer.lr")));
    /// let err = Train::make().with_registry(&reg).build(["train", "optimizer.lr=-1"]).unwrap_err();
    /// assert_eq!((err.message(), err.key()), ("must be at least 0, got -1", Some("optimizer.lr")));
    /// let cfg = Train::make().with_registry(&reg).build(["train", "optimizer.lr=0.5"]).unwrap();
    /// let lr = reg.instantiate_as::<f64>(cfg.optimizer.as_ref().unwrap()).unwrap();
    /// assert_eq!(*lr, 0.5);
    /// ```
    pub fn with_registry(mut self, registry: &Registry) -> Maker<T> {
        self.targets = registry.typed_targets().clone();
        self
    }

    /// The typed targets this maker checks.
    pub fn targets(&self) -> &TypedTargets {
        &self.targets
    }

    /// `T`'s `--help` lines ([`Config::help`]) and then the typed
    /// targets' arguments.
    pub fn help(&self) -> String {
        format!("{}{}", T::help(), self.targets.help())
    }

    /// `T`'s JSON Schema with the typed targets' argument schemas
    /// ([`json_schema_with`](crate::typed::json_schema_with)).
    pub fn json_schema(&self) -> Node {
        crate::typed::json_schema_with(&T::SCHEMA, &T::default_dict(), &self.targets)
    }

    /// Makes the YAML file `dir/name.yaml` the primary config, with `T` as
    /// its schema, its defaults and its checks: the `conf/config.yaml` plus
    /// groups layout. `dir` joins the search path (after the store). `T`'s
    /// defaults are merged first (the file's defaults list is led by them),
    /// then the file's entries in its own order, `_self_` included; every
    /// value is checked against `T`, and the result is typed as `T`.
    ///
    /// ```
    /// use config_core::typed::Config;
    /// use config_derive::Config;
    /// # let dir = std::env::temp_dir().join(format!("primary-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(dir.join("optimizer")).unwrap();
    /// # std::fs::write(dir.join("config.yaml"), "defaults:\n  - optimizer: adam\n  - _self_\nlr: 0.5\n").unwrap();
    /// # std::fs::write(dir.join("optimizer/adam.yaml"), "# @package _global_\nlr: 0.1\nname: adam\n").unwrap();
    ///
    /// #[derive(Config, Clone, Debug)]
    /// pub struct Train {
    ///     #[config(default = 1e-3)]
    ///     pub lr: f64,
    ///     #[config(default = "sgd")]
    ///     pub name: String,
    ///     #[config(default = 10)]
    ///     pub steps: u64,
    /// }
    ///
    /// // conf/config.yaml: `defaults: [{optimizer: adam}, _self_]` and `lr: 0.5`;
    /// // conf/optimizer/adam.yaml: `# @package _global_`, `lr: 0.1` and `name: adam`.
    /// let cfg = Train::make().with_primary(&dir, "config").build(["train", "steps=20"]).unwrap();
    /// assert_eq!((cfg.lr, cfg.name.as_str(), cfg.steps), (0.5, "adam", 20));
    /// let err = Train::make().with_primary(&dir, "config").build(["train", "lr=fast"]).unwrap_err();
    /// assert_eq!((err.message(), err.key()), ("expected a float, got 'fast'", Some("lr")));
    /// ```
    pub fn with_primary(mut self, dir: impl Into<PathBuf>, name: &str) -> Maker<T> {
        let dir = dir.into();
        self.dirs.push(dir.clone());
        self.primary = Some((dir, name.to_string()));
        self
    }

    /// The layout mistakes this maker would run into, each with its fix: a
    /// `config.yaml` in a search directory that is never loaded (the struct
    /// is the primary), or a struct defaults list with `_self_` after group
    /// entries (the struct's defaults then override the groups), or, with
    /// a YAML primary, a struct defaults list that is not used.
    /// [`Maker::override_with`] and [`Maker::build`] print them to stderr,
    /// once, as `warning: ...`.
    pub fn warnings(&self) -> Vec<String> {
        let name = T::SCHEMA.name;
        match &self.primary {
            None => primary::unused_primary_warning(name, &self.dirs)
                .into_iter()
                .chain(self.self_last.clone())
                .collect(),
            Some((dir, file)) => primary::unused_list_warning(name, &T::defaults_list(), dir, file)
                .into_iter()
                .collect(),
        }
    }

    /// Prints [`Maker::warnings`] to stderr.
    fn print_warnings(&self) {
        for w in self.warnings() {
            eprintln!("warning: {w}");
        }
    }

    /// With a YAML primary, stores it (under `T`'s name, the primary the
    /// flow composes) and `T`'s defaults as the entry it starts with.
    fn install_primary(&mut self) -> Result<(), Error> {
        let Some((dir, name)) = &self.primary else {
            return Ok(());
        };
        let type_name = T::SCHEMA.name;
        let node = primary::yaml_primary(type_name, dir, name)?;
        // The struct's values only: the file's defaults list is the one used.
        self.store.add(
            "",
            &primary::defaults_entry_name(type_name),
            T::default_dict(),
        );
        self.store.add("", type_name, node);
        Ok(())
    }

    /// Adds a directory of YAML configs to the search path, after the store.
    pub fn with_dir(mut self, dir: impl Into<PathBuf>) -> Maker<T> {
        self.dirs.push(dir.into());
        self
    }

    /// The store, the directories and the typed targets, for the
    /// application layer.
    #[cfg(feature = "cli")]
    pub(crate) fn into_sources(
        mut self,
    ) -> Result<(ConfigStore, Vec<PathBuf>, TypedTargets), Error> {
        self.install_primary()?;
        Ok((self.store, self.dirs, self.targets))
    }

    /// A composer over the store and directories; build it once and reuse
    /// it with [`compose_with`] to compose many times.
    pub fn into_composer(mut self) -> Result<Composer, Error> {
        self.install_primary()?;
        let hook = Arc::new(SchemaHook::new(T::SCHEMA));
        let mut b = Composer::builder().store(self.store).merge_hook(hook);
        for d in self.dirs {
            b = b.dir(d);
        }
        b.build()
    }

    /// Runs the whole flow on argv-style arguments (see the module docs for
    /// the program-path rule) and returns the typed config.
    pub fn override_with<I, S>(self, args: I) -> Result<T, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let (tree, targets) = self.composed(args)?;
        type_tree(&tree, &targets)
    }

    /// The whole flow, then [`Config::validate_in`] and freeze: a
    /// [`Frozen`] config that keeps its composed tree (origins and history)
    /// for [`Frozen::explain`]. Validation failures are an
    /// [`ErrorKind::Validation`](crate::ErrorKind::Validation) error whose
    /// lines say where each failing value came from.
    ///
    /// ```
    /// use config_core::typed::Config;
    /// use config_derive::Config;
    ///
    /// #[derive(Config, Clone, Debug)]
    /// pub struct Train {
    ///     #[config(default = 1000, validate(range(min = 1)))]
    ///     pub max_iter: u64,
    /// }
    ///
    /// let cfg = Train::make().build(["train", "max_iter=10"]).unwrap();
    /// assert_eq!(cfg.max_iter, 10);
    /// assert_eq!(cfg.origin("max_iter").unwrap().to_string(), "command-line argument 1 (`max_iter=10`)");
    /// let err = Train::make().build(["train", "max_iter=0"]).unwrap_err();
    /// assert_eq!(err.message(), "must be at least 1, got 0");
    /// assert_eq!(err.key(), Some("max_iter"));
    /// assert_eq!(err.origin().unwrap().to_string(), "command-line argument 1 (`max_iter=0`)");
    /// ```
    pub fn build<I, S>(self, args: I) -> Result<Frozen<T>, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let (tree, targets) = self.composed(args)?;
        freeze_tree(tree, &targets)
    }
}

/// `T`'s primary config: its typed defaults, led by its defaults list.
fn primary_node<T: Config>() -> Node {
    let mut primary = T::default_dict();
    let defaults = T::defaults_list();
    if defaults.as_list().is_some_and(|l| !l.is_empty()) {
        if let Some(m) = primary.as_map_mut_raw() {
            m.shift_insert(0, Key::from("defaults"), defaults);
        }
    }
    primary
}

impl<T: Config> Maker<T> {
    /// The flow up to the resolved tree, shared by
    /// [`Maker::override_with`] and [`Maker::build`]: warnings, compose,
    /// resolve and the typed-lazy checks.
    fn composed<I, S>(mut self, args: I) -> Result<(Node, TypedTargets), Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.print_warnings();
        // `empty`, not `take`: the default set would be built just to drop.
        let resolvers = std::mem::replace(&mut self.resolvers, Resolvers::empty());
        let targets = std::mem::take(&mut self.targets);
        // The composer composes once and is dropped.
        self.store.set_single_use();
        let composer = self.into_composer()?;
        let tree = compose_tree::<T, _, _>(&composer, &resolvers, &targets, args)?;
        Ok((tree, targets))
    }
}

/// Type, then check the typed lazy objects in `tree`.
fn type_tree<T: Config>(tree: &Node, targets: &TypedTargets) -> Result<T, Error> {
    let value = T::from_dict(tree)?;
    targets.check_tree(tree, "")?;
    Ok(value)
}

/// Type → check typed lazy objects → validate (located in `tree`) →
/// freeze, keeping `tree`.
pub(crate) fn freeze_tree<T: Config>(
    tree: Node,
    targets: &TypedTargets,
) -> Result<Frozen<T>, Error> {
    let value = type_tree::<T>(&tree, targets)?;
    value.validate_in(&tree)?;
    Ok(Frozen::with_tree(value, Arc::new(tree)))
}

impl<T: Config> Default for Maker<T> {
    fn default() -> Self {
        Maker::new()
    }
}

/// The overrides in argv-style `args`, each with its position in `args`.
pub fn split_args<I, S>(args: I) -> Vec<(usize, String)>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let all: Vec<String> = args.into_iter().map(|s| s.as_ref().to_string()).collect();
    let mut start = 0;
    let mut offset = 1;
    if let Some(first) = all.first() {
        if !first.contains('=') && !first.starts_with('~') && first != "--" {
            start = 1;
            offset = 0;
        }
    }
    if all.get(start).is_some_and(|a| a == "--") {
        start += 1;
    }
    all.into_iter()
        .enumerate()
        .skip(start)
        .map(|(i, a)| (i + offset, a))
        .collect()
}

/// Steps 2 and 3 of the flow with an existing composer and the default
/// resolvers.
pub fn compose_with<T, I, S>(composer: &Composer, args: I) -> Result<T, Error>
where
    T: Config,
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    compose_resolve::<T, _, _>(composer, &Resolvers::default(), args)
}

/// Steps 2 and 3 of the flow with an existing composer and resolvers.
pub fn compose_resolve<T, I, S>(
    composer: &Composer,
    resolvers: &Resolvers,
    args: I,
) -> Result<T, Error>
where
    T: Config,
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let targets = TypedTargets::default();
    T::from_dict(&compose_tree::<T, _, _>(
        composer, resolvers, &targets, args,
    )?)
}

/// Check, compose and resolve: the tree `T` is typed from (without its
/// `defaults` list).
fn compose_tree<T, I, S>(
    composer: &Composer,
    resolvers: &Resolvers,
    targets: &TypedTargets,
    args: I,
) -> Result<Node, Error>
where
    T: Config,
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let parsed = split_args(args)
        .into_iter()
        .map(|(i, text)| override_arg::parse(i, &text))
        .collect::<Result<Vec<_>, _>>()?;
    let chosen = targets.with_command_line(&parsed);
    for o in &parsed {
        check_override::<T>(composer, &chosen, o)?;
    }
    let mut cfg = composer.compose_task(T::SCHEMA.name, &parsed)?.config;
    crate::interp::resolve(&mut cfg, resolvers)?;
    if let Some(m) = cfg.as_map_mut_raw() {
        m.shift_remove(&Key::from("defaults"));
    }
    Ok(cfg)
}

/// Checks one override against `T`'s schema; group choices are left to
/// composition (which lists the options of a group).
pub(crate) fn check_override<T: Config>(
    composer: &Composer,
    targets: &TypedTargets,
    o: &CliOverride,
) -> Result<(), Error> {
    let is_dict = matches!(o.value.as_ref().map(|v| &v.value), Some(Value::Map(_)));
    let group = !is_dict && composer.repository().group_exists(&o.key);
    if group
        || o.package.is_some()
        || o.key == "hydra"
        || crate::hydra::is_hydra_key(&o.key)
        || o.sweep.is_some()
    {
        return Ok(());
    }
    let origin = o.origin();
    match (&o.kind, &o.value) {
        (OverrideKind::Delete, _) | (_, None) => match T::SCHEMA.lookup(&o.key) {
            Ok(_) => Ok(()),
            Err(e) => Err(e.with_origin(origin)),
        },
        (_, Some(v)) => check_value::<T>(targets, &o.key, v).map_err(|e| e.with_origin(origin)),
    }
}

/// A value about to be written at `key`: its type in `T`'s schema, and,
/// inside or at a lazy object, the typed targets' argument types.
fn check_value<T: Config>(targets: &TypedTargets, key: &str, v: &Node) -> Result<(), Error> {
    match T::SCHEMA
        .lookup(key)
        .map_err(|e| e.with_origin(v.origin.clone()))?
    {
        Lookup::Lazy { key, rest } => targets.check_override(&key, &rest, v),
        Lookup::Typed(ty, _) => {
            crate::typed::coerce::check(ty, v, key)?;
            match ty.inner() {
                TypeDesc::Lazy if v.as_map().is_some() => targets.check_description(v, key),
                _ => Ok(()),
            }
        }
        Lookup::Open => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_path_and_dashes() {
        let got = split_args(["target/debug/train", "--", "a=1", "~b"]);
        assert_eq!(got, vec![(2, "a=1".to_string()), (3, "~b".to_string())]);
        let got = split_args(["a=1", "b=2"]);
        assert_eq!(got, vec![(1, "a=1".to_string()), (2, "b=2".to_string())]);
        let got = split_args(["--", "a=1"]);
        assert_eq!(got, vec![(2, "a=1".to_string())]);
        assert!(split_args(["train"]).is_empty());
    }
}
