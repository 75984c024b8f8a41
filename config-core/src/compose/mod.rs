//! Composition: Hydra's `compose`, rebuilt.
//!
//! The **compose** stage of the flow (load → compose → resolve → type →
//! freeze). A [`Composer`] owns a search path ([`Repository`]) of config
//! directories and [`ConfigStore`]s. [`Composer::compose`] takes a primary
//! config name and command-line overrides and:
//!
//! 1. parses the overrides and rejects sweeps (this is not multirun);
//! 2. splits them into group overrides (`db=mysql`, `+experiment=x`, `~db`)
//!    and value overrides (`trainer.max_iter=10`), as Hydra does: an
//!    override names a group when the group exists and the value is not a dict;
//! 3. builds the defaults list (the private `defaults` module);
//! 4. merges the selected configs in order, each at its package;
//! 5. closes the result (struct mode) and applies the value overrides left
//!    to right with the reference's rules.
//!
//! Every value in the result remembers where it came from ([`Origin`]):
//! the file position, the store entry, or the command-line argument, plus
//! the values it replaced, which [`explain`] prints.
//!
//! # Composing from a directory
//!
//! ```
//! # let dir = std::env::temp_dir().join(format!("compose-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(dir.join("db")).unwrap();
//! # std::fs::write(dir.join("config.yaml"), "defaults:\n  - db: mysql\n  - _self_\nseed: 1\n").unwrap();
//! # std::fs::write(dir.join("db/mysql.yaml"), "port: 3306\n").unwrap();
//! # std::fs::write(dir.join("db/sqlite.yaml"), "file: x.db\n").unwrap();
//! use config_core::compose::Composer;
//! let composer = Composer::builder().dir(&dir).build().unwrap();
//! let cfg = composer.compose("config", &["db=sqlite", "seed=2"]).unwrap();
//! assert_eq!(cfg.to_yaml(), "db:\n  file: x.db\nseed: 2\n");
//! // Errors say what, where and how to fix it.
//! let err = composer.compose("config", &["db=sqlit"]).unwrap_err();
//! assert!(err.to_string().contains("did you mean db=sqlite?"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```
//!
//! # Composing from code
//!
//! A primary config with a defaults list, and groups, all registered in a
//! [`ConfigStore`]; directories can be added to the same search path.
//!
//! ```
//! use config_core::compose::Composer;
//! use config_core::ConfigStore;
//! use config_core::Node;
//!
//! let mut store = ConfigStore::new();
//! store.add("", "config", Node::from_yaml_str(
//!     "defaults: [_self_, {optimizer: adam}, {experiment: null}]\ntrainer: {max_iter: 1000}").unwrap());
//! store.add("optimizer", "adam", Node::from_yaml_str("lr: 0.001").unwrap());
//! store.add("optimizer", "sgd", Node::from_yaml_str("lr: 0.1").unwrap());
//! store.add_lazy("experiment", "fast", || Node::from_yaml_str(
//!     "defaults: [{override /optimizer: sgd}, _self_]\ntrainer: {max_iter: 10}").unwrap())
//!     .package("_global_");
//! let composer = Composer::builder().store(store).build().unwrap();
//! let cfg = composer.compose("config", &["experiment=fast"]).unwrap();
//! assert_eq!(cfg.to_yaml(), "trainer:\n  max_iter: 10\noptimizer:\n  lr: 0.1\n");
//! ```
//!
//! # Explaining a value
//!
//! [`explain`] prints the chain of sources for one key, newest first; the
//! command line's `config compose --explain KEY` prints the same text.
//!
//! ```
//! # use config_core::compose::{explain, Composer};
//! # use config_core::ConfigStore;
//! # use config_core::Node;
//! # let mut store = ConfigStore::new();
//! # store.add_primary("config", &["_self_", "experiment: null"],
//! #     Node::from_yaml_str("trainer: {max_iter: 400000}").unwrap());
//! # store.add("experiment", "exp_7", Node::from_yaml_str("trainer: {max_iter: 1000}").unwrap())
//! #     .package("_global_");
//! # let composer = Composer::builder().store(store).build().unwrap();
//! let cfg = composer.compose("config", &["experiment=exp_7", "trainer.max_iter=10"]).unwrap();
//! assert_eq!(
//!     explain(&cfg, "trainer.max_iter").unwrap(),
//!     "trainer.max_iter = 10\n  set by command-line argument 2 (`trainer.max_iter=10`)\n  \
//!      overriding 1000 from store entry 'experiment/exp_7'\n  \
//!      overriding 400000 from store entry 'config'\n"
//! );
//! ```
//!
//! # Inspecting the defaults list
//!
//! [`Composer::compose_full`] also returns the [`DefaultsList`]: the ordered
//! configs with their packages, the tree they came from, and the final
//! choice of every group. [`DefaultsList::render`] and
//! [`DefaultsList::render_tree`] give the text of `--info defaults` and
//! `--info defaults-tree`.
//!
//! ```
//! # use config_core::compose::Composer;
//! # use config_core::ConfigStore;
//! # use config_core::Node;
//! # let mut store = ConfigStore::new();
//! # store.add_primary("config", &["_self_", "db@src: mysql"], Node::empty_map());
//! # store.add("db", "mysql", Node::from_yaml_str("port: 1").unwrap());
//! # let composer = Composer::builder().store(store).build().unwrap();
//! let c = composer.compose_full("config", &[] as &[&str]).unwrap();
//! // Hydra's own groups are chosen too (`hydra/launcher: basic`, ...).
//! let mine: Vec<_> = c.defaults.choices.iter().filter(|(g, _)| !g.starts_with("hydra/")).collect();
//! assert_eq!(mine, [&("db@src".to_string(), Some("mysql".to_string()))]);
//! assert!(c.defaults.render_tree().ends_with("  config:\n    _self_\n    db@src: mysql\n"));
//! ```
//!
//! # Threads
//!
//! A `Composer` is `Send + Sync`: share it (e.g. in an `Arc`) and compose
//! from several threads at once. Nothing is cached between compositions
//! and nothing global is touched; lazily built store entries are built once.

mod apply;
mod changes;
mod explain;
pub(crate) mod override_arg;
mod task;
#[cfg(feature = "cli")]
pub(crate) use task::Task;

pub use crate::defaults::{DefaultsList, ResultDefault, MAX_DEFAULTS_DEPTH, MAX_DEFAULTS_NODES};
pub use crate::overrides::OverrideKind;
pub use crate::repository::{ConfigSource, DirSource, RawConfig, Repository, StoreSource};
#[cfg(feature = "serde")]
pub use changes::changes_json;
pub use changes::{changes, changes_between, render_changes, Change, ChangeKind};
pub use explain::explain;
pub use override_arg::{CliOverride, SweepKind};

use crate::defaults::{self, Choice, Entry, GroupOverrides, LoadedConfig};
use crate::error::{did_you_mean, Error, ErrorKind};
use crate::merge::{merge_hooked, merge_into_writable, MergeHook, NoHook};
use crate::node::{Key, Map, Node, Value};
use crate::origin::Origin;
use crate::store::ConfigStore;
use std::path::PathBuf;
use std::sync::Arc;

/// Composes configs from a search path. Cheap to clone; `Send + Sync`.
#[derive(Clone, Debug)]
pub struct Composer {
    repo: Repository,
    hook: Hook,
}

/// The merge hook composition consults: the typed layer's schema checks and
/// per-field list policies. Plain OmegaConf merging without one.
#[derive(Clone)]
struct Hook(Option<Arc<dyn MergeHook + Send + Sync>>);

impl std::fmt::Debug for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Hook(custom)"
        } else {
            "Hook(none)"
        })
    }
}

impl Hook {
    fn get(&self) -> &dyn MergeHook {
        match &self.0 {
            Some(h) => h.as_ref(),
            None => &NoHook,
        }
    }
}

/// Builds a [`Composer`]: sources are searched in the order they are added.
#[derive(Default)]
pub struct ComposerBuilder {
    sources: Vec<SourceSpec>,
    hook: Option<Arc<dyn MergeHook + Send + Sync>>,
}

enum SourceSpec {
    Dir(PathBuf),
    Store(Arc<ConfigStore>),
    Custom(Arc<dyn ConfigSource>),
}

impl ComposerBuilder {
    /// Adds a config directory.
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> ComposerBuilder {
        self.sources.push(SourceSpec::Dir(dir.into()));
        self
    }

    /// Adds a store (taken by value).
    pub fn store(self, store: ConfigStore) -> ComposerBuilder {
        self.shared_store(Arc::new(store))
    }

    /// Adds a store shared with other composers.
    pub fn shared_store(mut self, store: Arc<ConfigStore>) -> ComposerBuilder {
        self.sources.push(SourceSpec::Store(store));
        self
    }

    /// Adds any [`ConfigSource`].
    pub fn source(mut self, source: Arc<dyn ConfigSource>) -> ComposerBuilder {
        self.sources.push(SourceSpec::Custom(source));
        self
    }

    /// Merges the configs of the defaults list through `hook`: the typed
    /// layer passes its schema here, so values are checked as they merge and
    /// lists follow their fields' merge policies (append, prepend, unique).
    /// Command-line overrides still set values; they are not layers.
    pub fn merge_hook(mut self, hook: Arc<dyn MergeHook + Send + Sync>) -> ComposerBuilder {
        self.hook = Some(hook);
        self
    }

    /// The composer; fails if a directory cannot be read.
    pub fn build(self) -> Result<Composer, Error> {
        let mut repo = Repository::new();
        for s in self.sources {
            repo = match s {
                SourceSpec::Dir(d) => repo.with_dir(d)?,
                SourceSpec::Store(st) => repo.with_store(st),
                SourceSpec::Custom(c) => repo.with_source(c),
            };
        }
        Ok(Composer {
            repo: repo.with_hydra(),
            hook: Hook(self.hook),
        })
    }
}

/// A composed config plus the defaults list that produced it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Composition {
    /// The composed task config, unresolved, with provenance; no `hydra` key.
    pub config: Node,
    /// The `hydra` node, composed but not completed for a run.
    pub hydra: Node,
    /// The defaults list (tree, ordered list, choices).
    pub defaults: DefaultsList,
    /// The search path this composition used (the composer's, plus
    /// `hydra.searchpath`).
    pub repository: Repository,
}

/// How an application run composes (Hydra's `RunMode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunMode {
    /// A single run: sweeps are errors.
    Run,
    /// The master config of a multirun: sweeps are left to the sweeper.
    Multirun,
    /// Finding `hydra.mode` before the run: sweeps are not checked.
    Probe,
}

/// The typed layer's hook does not know Hydra's node: merges below `hydra`
/// are plain OmegaConf merges (the node is checked by its own schema).
struct SkipHydra<'h>(&'h dyn MergeHook);

impl MergeHook for SkipHydra<'_> {
    fn list_policy(&self, key: &str) -> crate::merge::ListMerge {
        if is_hydra_node(key) {
            crate::merge::ListMerge::Replace
        } else {
            self.0.list_policy(key)
        }
    }

    fn check(&self, key: &str, value: &mut Node) -> Result<(), Error> {
        if is_hydra_node(key) {
            Ok(())
        } else {
            self.0.check(key, value)
        }
    }
}

fn is_hydra_node(key: &str) -> bool {
    key == "hydra" || crate::hydra::is_hydra_key(key)
}

impl Composer {
    /// A builder for a search path.
    pub fn builder() -> ComposerBuilder {
        ComposerBuilder::default()
    }

    /// A composer over an existing search path.
    pub fn new(repo: Repository) -> Composer {
        Composer {
            repo: repo.with_hydra(),
            hook: Hook(None),
        }
    }

    /// The search path.
    pub fn repository(&self) -> &Repository {
        &self.repo
    }

    /// Composes `config_name` with command-line `overrides`: the tree, in
    /// struct mode, unresolved, every node carrying its [`Origin`].
    pub fn compose<S: AsRef<str>>(
        &self,
        config_name: &str,
        overrides: &[S],
    ) -> Result<Node, Error> {
        Ok(self.compose_full(config_name, overrides)?.config)
    }

    /// Like [`Composer::compose`], also returning the defaults list (for
    /// `--info`).
    pub fn compose_full<S: AsRef<str>>(
        &self,
        config_name: &str,
        overrides: &[S],
    ) -> Result<Composition, Error> {
        let parsed = override_arg::parse_all(overrides)?;
        self.compose_parsed(config_name, &parsed)
    }

    /// Composes with overrides that are already parsed.
    pub fn compose_parsed(
        &self,
        config_name: &str,
        overrides: &[CliOverride],
    ) -> Result<Composition, Error> {
        self.compose_mode(Some(config_name), overrides, RunMode::Run)
    }

    /// Composes as an application run in `mode` does (Hydra's
    /// `load_configuration`): in [`RunMode::Run`] sweeps are errors; in
    /// [`RunMode::Multirun`] (the master config of a sweep) sweeps are
    /// skipped, as are group choices left `???`, and sweeping Hydra's own
    /// keys is an error. `config_name: None` composes without a primary
    /// config. The `hydra` node is returned beside the task config; it is
    /// not completed with what only a run knows (the [`app`](crate::app) layer
    /// does that).
    pub fn compose_mode(
        &self,
        config_name: Option<&str>,
        overrides: &[CliOverride],
        mode: RunMode,
    ) -> Result<Composition, Error> {
        check_key_depths(overrides)?;
        match mode {
            RunMode::Run => reject_sweeps(overrides)?,
            RunMode::Multirun => reject_hydra_sweeps(overrides)?,
            RunMode::Probe => {}
        }
        let mut preloaded = defaults::Preloaded::default();
        let repo = self.searchpath_repo(config_name, overrides, &mut preloaded)?;
        let (groups, values) = split_overrides(&repo, overrides)?;
        let name = config_name.unwrap_or("_dummy_empty_config_");
        let skip_missing = mode != RunMode::Run;
        let mut list =
            defaults::build_with_hydra_preloaded(&repo, name, &groups, skip_missing, preloaded)?;
        let mut config = self.task_config(&mut list, values)?;
        let mut hydra = config
            .as_map_mut_raw()
            .and_then(|m| m.shift_remove(&Key::from("hydra")))
            .unwrap_or_else(Node::empty_map);
        crate::hydra::check(&mut hydra)?;
        Ok(Composition {
            config,
            hydra,
            defaults: list,
            repository: repo,
        })
    }

    /// The configs of `list` merged in order, closed to new keys (struct
    /// mode), then the command line's `values` applied.
    fn task_config(
        &self,
        list: &mut DefaultsList,
        values: Vec<&CliOverride>,
    ) -> Result<Node, Error> {
        let hook = SkipHydra(self.hook.get());
        let mut config = merge_defaults(list, &hook, self.hook.0.is_none())?;
        config.set_struct(true);
        for o in values {
            apply::apply(&mut config, o)?;
        }
        Ok(config)
    }

    /// The search path of one composition: this composer's, plus the
    /// directories of `hydra.searchpath` (the command line's, or else the
    /// primary config's), as Hydra's `_process_config_searchpath` adds them.
    /// The primary config read here goes into `preloaded`: the directories
    /// added come after this composer's, so it is the config the defaults
    /// list starts from.
    fn searchpath_repo(
        &self,
        config_name: Option<&str>,
        overrides: &[CliOverride],
        preloaded: &mut defaults::Preloaded,
    ) -> Result<Repository, Error> {
        let from_cli = overrides
            .iter()
            .find(|o| o.key == "hydra.searchpath" && o.kind == OverrideKind::Change)
            .map(|o| {
                (
                    o.value.clone().unwrap_or_else(|| Node::new(Value::Null)),
                    o.origin(),
                )
            });
        let entries = match from_cli {
            Some(found) => Some(found),
            None => match config_name {
                Some(name) => {
                    let raw = self.repo.load_cached(name, &mut preloaded.read_cache)?;
                    let found = raw.as_ref().and_then(|raw| {
                        let n = raw.node.select("hydra.searchpath").ok().flatten().cloned();
                        n.map(|n| {
                            let o = n.origin.clone();
                            (n, o)
                        })
                    });
                    preloaded.primary = raw.map(|raw| (name.to_string(), raw));
                    found
                }
                None => None,
            },
        };
        let Some((list, origin)) = entries else {
            return Ok(self.repo.clone());
        };
        let bad = || {
            Error::new(
                ErrorKind::Compose,
                format!(
                    "hydra.searchpath must be a list of strings. Got: {}",
                    crate::python::python_str(&list.value)
                ),
            )
            .with_origin(origin.clone())
            .with_hint("write hydra.searchpath=[file:///abs/dir,relative/dir]")
        };
        let items = match &list.value {
            Value::Null => return Ok(self.repo.clone()),
            Value::List(items) => items,
            _ => return Err(bad()),
        };
        let mut repo = self.repo.clone();
        for item in items {
            let Some(text) = item.as_str() else {
                return Err(bad());
            };
            repo = match text.strip_prefix("pkg://") {
                Some(_) => {
                    return Err(Error::new(
                        ErrorKind::Compose,
                        format!(
                            "hydra.searchpath entry '{text}': pkg:// sources are Python packages"
                        ),
                    )
                    .with_origin(origin.clone())
                    .with_hint("point at the package's config directory with file://DIR"))
                }
                None => {
                    let dir = text.strip_prefix("file://").unwrap_or(text);
                    match repo.clone().with_dir(dir) {
                        Ok(r) => r,
                        // Hydra warns that an unavailable source is skipped.
                        Err(_) => repo,
                    }
                }
            };
        }
        Ok(repo)
    }
}

/// Hydra's `Overrides.__init__`: group overrides vs value overrides. Sweeps
/// are neither: the sweeper expands them into jobs.
fn split_overrides<'o>(
    repo: &Repository,
    overrides: &'o [CliOverride],
) -> Result<(GroupOverrides, Vec<&'o CliOverride>), Error> {
    let mut groups = GroupOverrides::default();
    let mut values = Vec::new();
    for o in overrides {
        if o.sweep.is_some() {
            continue;
        }
        let is_dict = matches!(o.value.as_ref().map(|v| &v.value), Some(Value::Map(_)));
        if is_dict || !repo.group_exists(&o.key) {
            if o.package.is_some() {
                return Err(not_a_group(repo, o));
            }
            values.push(o);
            continue;
        }
        let origin = o.origin();
        match o.kind {
            OverrideKind::ForceAdd => {
                let bare = o.text.strip_prefix("++").unwrap_or(&o.text);
                return Err(Error::new(
                    ErrorKind::Override,
                    format!("force-add of config groups is not supported: '{}'", o.text),
                )
                .with_origin(origin)
                .with_hint(format!(
                    "use `{}` to change the selected option, or `+{}` to add the group",
                    bare, bare
                )));
            }
            OverrideKind::Delete => {
                let name = match o.value.as_ref().map(|v| &v.value) {
                    None | Some(Value::Null) => None,
                    Some(Value::Str(s)) | Some(Value::Interp(s)) => Some(s.to_string()),
                    Some(other) => {
                        return Err(Error::new(
                            ErrorKind::Override,
                            format!(
                                "Config group override deletion value must be a string : {}",
                                o.text
                            ),
                        )
                        .with_origin(origin)
                        .with_hint(format!(
                            "got a {}; write `~{}` or `~{}=OPTION`",
                            other.type_name(),
                            o.key,
                            o.key
                        )))
                    }
                };
                groups.deletions.push((o.key_with_package(), name, origin));
            }
            _ => {
                let choice = group_choice(o)?;
                if o.kind == OverrideKind::Add {
                    let mut e = Entry::group(&o.key, choice, o.package.clone(), origin.clone());
                    e.external_append = true;
                    e.choice_origin = Some(origin);
                    groups.appends.push(e);
                } else {
                    groups.choices.push((o.key_with_package(), choice, origin));
                }
            }
        }
    }
    Ok((groups, values))
}

fn not_a_group(repo: &Repository, o: &CliOverride) -> Error {
    let groups: Vec<String> = repo
        .groups("")
        .into_iter()
        .filter(|g| g != "hydra")
        .collect();
    let mut err = Error::new(
        ErrorKind::Override,
        format!(
            "Override {} looks like a config group override, but config group '{}' does not exist.",
            o.text, o.key
        ),
    )
    .with_origin(o.origin());
    if let Some(best) = did_you_mean(&o.key, groups.iter().map(String::as_str)).first() {
        err = err.with_hint(format!("did you mean the group '{best}'?"));
    } else if !groups.is_empty() {
        err = err.with_hint(format!("config groups: {}", groups.join(", ")));
    }
    err
}

/// The group choice an override asks for: a name or a list of names.
fn group_choice(o: &CliOverride) -> Result<Choice, Error> {
    let v = o.value.as_ref().map(|v| &v.value).unwrap_or(&Value::Null);
    match v {
        Value::Str(s) | Value::Interp(s) => Ok(Choice::Name(s.as_str().into())),
        Value::List(items) => Ok(Choice::Options(items.iter().map(|n| crate::python::python_str(&n.value)).collect())),
        other => Err(Error::new(
            ErrorKind::Override,
            format!("Config group override must be a string or a list. Got {}", crate::python::type_name(other)),
        )
        .with_origin(o.origin())
        .with_hint(format!(
            "to remove the group use `~{}`; to select an option named like a value, quote it: {}='{}'",
            o.key_with_package(),
            o.key_with_package(),
            crate::python::python_str(other)
        ))),
    }
}

/// Overrides built in code skip the parser's bound on key parts
/// ([`crate::overrides::MAX_KEY_SEGMENTS`]); check it here, before a key of
/// 200,000 parts reaches the recursive tree updates.
fn check_key_depths(overrides: &[CliOverride]) -> Result<(), Error> {
    for o in overrides {
        crate::overrides::check_key_depth(&o.text, &o.key, o.package.as_deref())
            .map_err(|e| e.with_origin(Origin::arg(o.index, crate::overrides::shorten(&o.text))))?;
    }
    Ok(())
}

/// `validate_sweep_overrides_legal` in multirun: Hydra's own config cannot
/// be swept.
fn reject_hydra_sweeps(overrides: &[CliOverride]) -> Result<(), Error> {
    match overrides
        .iter()
        .find(|o| o.sweep.is_some() && crate::hydra::is_hydra_key(&o.key))
    {
        Some(o) => Err(Error::new(
            ErrorKind::Override,
            format!(
                "Sweeping over Hydra's configuration is not supported : '{}'",
                o.text
            ),
        )
        .with_origin(o.origin())
        .with_hint("sweep over task keys; set Hydra's keys to one value")),
        None => Ok(()),
    }
}

/// Rejects sweeps: composing is a single run.
fn reject_sweeps(overrides: &[CliOverride]) -> Result<(), Error> {
    for o in overrides {
        match o.sweep {
            Some(SweepKind::SimpleChoice) => {
                return Err(Error::new(
                    ErrorKind::Override,
                    format!(
                        "Ambiguous value for argument '{}'\n\
                         1. To use it as a list, use key=[value1,value2]\n\
                         2. To use it as string, quote the value: key='value1,value2'\n\
                         3. To sweep over it, add --multirun to your command line",
                        o.text
                    ),
                )
                .with_origin(o.origin()))
            }
            Some(SweepKind::Other) => {
                return Err(Error::new(
                    ErrorKind::Override,
                    format!("Sweep parameters '{}' requires --multirun", o.text),
                )
                .with_origin(o.origin())
                .with_hint("compose one value at a time, or run the sweep with --multirun"))
            }
            None => {}
        }
    }
    Ok(())
}

/// Merges the configs of a defaults list in order, each at its package.
/// A config merged once is moved into the result; only a config selected
/// twice (at two packages) is copied.
///
/// `plain`: the hook is OmegaConf's (it changes no value). Then, as long as
/// no config merged so far had a readonly node (known from loading, see
/// [`LoadedConfig::writable`]), the result has none either, and each merge
/// skips its readonly pre-check, a walk of the result along the config (a
/// chain of 1,000 experiments merges 1,000 times). A schema hook may change
/// the values it checks, so with one every merge checks.
fn merge_defaults(
    list: &mut DefaultsList,
    hook: &dyn MergeHook,
    plain: bool,
) -> Result<Node, Error> {
    let DefaultsList {
        defaults, loaded, ..
    } = list;
    let mut uses: foldhash::HashMap<&str, usize> =
        foldhash::HashMap::with_capacity_and_hasher(defaults.len(), Default::default());
    for d in defaults.iter() {
        *uses.entry(d.config_path.as_str()).or_default() += 1;
    }
    let mut cfg = Node::with_origin(Value::Map(Map::new()), Origin::Merge);
    // True while `cfg` holds no readonly node.
    let mut writable = true;
    for d in defaults.iter() {
        let left = uses.get_mut(d.config_path.as_str()).expect("counted");
        *left -= 1;
        let Some((node, config_writable)) = config_body(loaded, &d.config_path, *left == 0) else {
            return Err(Error::new(
                ErrorKind::MissingConfig,
                format!("Could not load '{}'", d.config_path),
            ));
        };
        let node = embed(node, &d.package);
        writable = writable && plain && config_writable;
        let merged = if writable {
            merge_into_writable(&mut cfg, node, hook)
        } else {
            merge_hooked(&mut cfg, node, hook)
        };
        merged.map_err(|e| {
            e.with_context(format!("in config '{}'", d.config_path))
                .with_origin(d.origin.clone())
        })?;
    }
    Ok(cfg)
}

/// The body of the loaded config `path` to merge, and whether it has no
/// readonly node: moved out of `loaded` at its `last` use, else copied.
fn config_body(
    loaded: &mut foldhash::HashMap<String, Arc<LoadedConfig>>,
    path: &str,
    last: bool,
) -> Option<(Node, bool)> {
    if !last {
        return loaded.get(path).map(|a| (a.raw.node.clone(), a.writable));
    }
    let config = loaded.remove(path)?;
    let writable = config.writable;
    let node = match Arc::try_unwrap(config) {
        Ok(owned) => owned.raw.node,
        Err(shared) => shared.raw.node.clone(),
    };
    Some((node, writable))
}

/// Places `node` at dotted `package` below an otherwise empty root.
fn embed(node: Node, package: &str) -> Node {
    if package.is_empty() {
        return node;
    }
    let mut out = node;
    for part in package.rsplit('.') {
        let origin = out.origin.clone();
        let mut m = Map::new();
        m.insert(Key::from(part), out);
        out = Node::with_origin(Value::Map(m), origin);
    }
    out
}

#[cfg(test)]
mod tests;
