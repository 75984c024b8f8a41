//! The config store: configs registered from code, by group and option name.
//!
//! Part of the **compose** stage. A [`ConfigStore`] is a plain value (there is
//! no global instance) that holds entries keyed by group path and option
//! name, each with an optional package and a node. A node may be given
//! eagerly or as a closure that builds it: the closure runs once, the first
//! time a composition selects the entry, and its result is shared (behind an
//! `Arc`) by every later composition. Registering ten thousand experiments
//! therefore costs ten thousand small allocations and nothing more, and a
//! composition never copies the store: it clones only the nodes it selects.
//! A store composed from once (the typed flow's `make().override_with()`
//! builds one per call) is marked single-use: a lazy entry is then built
//! for the composition that selects it and handed over, not kept, so not
//! copied either.
//! Options that exist by rule (generated experiments) are one family
//! ([`ConfigStore::add_generated`]): registering it costs nothing per option.
//!
//! A store becomes part of a search path through
//! [`Repository::with_store`](crate::repository::Repository::with_store) or
//! [`ComposerBuilder::store`](crate::compose::ComposerBuilder::store).
//!
//! ```
//! use config_core::ConfigStore;
//! use config_core::Node;
//!
//! let mut store = ConfigStore::new();
//! // A primary config (empty group) with a defaults list, written in code.
//! store.add("", "config", Node::from_yaml_str("defaults: [{db: mysql}, _self_]\nseed: 1").unwrap());
//! store.add("db", "mysql", Node::from_yaml_str("port: 3306").unwrap());
//! // Built only if `experiment=exp_7` is ever selected.
//! store.add_lazy("experiment", "exp_7", || Node::from_yaml_str("seed: 7").unwrap()).package("_global_");
//! assert_eq!(store.options("db"), vec!["mysql"]);
//! assert!(store.group_exists("experiment"));
//! ```

use crate::node::Node;
use crate::origin::Origin;
use indexmap::IndexMap;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

/// The hasher of the store's tables: foldhash, as the tree's mappings use
/// (a typed flow builds a store per composition, and SipHash on its group
/// and option names was a fiftieth of it). Seeded at random per table.
type Hasher = foldhash::fast::RandomState;

type Builder = Box<dyn Fn() -> Node + Send + Sync>;

/// A node that is built on first use and then shared.
struct LazyNode {
    cell: OnceLock<Arc<Node>>,
    build: Option<Builder>,
}

impl LazyNode {
    fn get(&self, origin: &Origin) -> Arc<Node> {
        self.cell
            .get_or_init(|| Arc::new(self.build(origin)))
            .clone()
    }

    /// A fresh tree from the builder, stamped with the entry's origin.
    fn build(&self, origin: &Origin) -> Node {
        let mut node = match &self.build {
            Some(build) => build(),
            None => Node::empty_map(),
        };
        restamp(&mut node, origin);
        node
    }

    /// The node as an owned tree. In a single-use store a lazy entry that
    /// is not built yet is built for this caller alone: nothing keeps it,
    /// so it need not be copied. Otherwise a copy of the shared node.
    fn owned(&self, origin: &Origin, single_use: bool) -> Node {
        if single_use && self.build.is_some() && self.cell.get().is_none() {
            return self.build(origin);
        }
        Node::clone(&self.get(origin))
    }
}

/// One registered config: its package and its (possibly lazy) node.
/// Cloning it (each lookup does) only counts references.
#[derive(Clone)]
pub struct StoreEntry {
    package: Option<Arc<str>>,
    node: Arc<LazyNode>,
    origin: Origin,
    /// Set on the handles a single-use store gives out (see
    /// [`ConfigStore::set_single_use`]).
    single_use: bool,
}

impl StoreEntry {
    /// Sets the package of this entry, like `ConfigStore.store(package=...)`
    /// in Hydra: absolute, `_global_` being the root.
    pub fn package(&mut self, package: &str) -> &mut StoreEntry {
        self.package = Some(package.into());
        self
    }

    /// The package given at registration, if any.
    pub fn get_package(&self) -> Option<&str> {
        self.package.as_deref()
    }

    /// The node, built now if it was registered lazily. Every node below
    /// carries an [`Origin::Store`] unless the builder set another origin.
    pub fn node(&self) -> Arc<Node> {
        self.node.get(&self.origin)
    }

    /// The node as a tree of its own, for a composition to merge: a copy
    /// of [`StoreEntry::node`], except that a single-use store builds a
    /// lazy entry afresh for each load and keeps nothing (its builder may
    /// then run once per load rather than once in all).
    pub(crate) fn node_owned(&self) -> Node {
        self.node.owned(&self.origin, self.single_use)
    }
}

impl fmt::Debug for StoreEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreEntry")
            .field("package", &self.package)
            .field("origin", &self.origin)
            .field("built", &self.node.cell.get().is_some())
            .finish()
    }
}

/// A group's options, by name.
type Options = IndexMap<String, StoreEntry, Hasher>;

type Names = Box<dyn Fn() -> Vec<String> + Send + Sync>;
type Build = Box<dyn Fn(&str) -> Option<Node> + Send + Sync>;

/// A family of options that exist by rule and are built from their name
/// ([`ConfigStore::add_generated`]).
struct Generated {
    names: Names,
    build: Build,
    package: Option<Arc<str>>,
    /// The options built so far, each once.
    built: Mutex<HashMap<String, StoreEntry>>,
}

impl fmt::Debug for Generated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Generated")
            .field("package", &self.package)
            .finish_non_exhaustive()
    }
}

/// Configs registered from code: groups of named options.
///
/// The group path uses `/` (`server/db`); the empty group holds primary
/// configs and group-less configs. Registering a name twice replaces the
/// earlier entry, as in Hydra.
#[derive(Clone, Default, Debug)]
pub struct ConfigStore {
    /// Each group's place in `tables`. A name and an index per group keep
    /// this table small: holding the tables themselves, it passed 1 KB at
    /// eight groups, and growing it then made `malloc` consolidate every
    /// chunk freed so far (a twentieth of a typed flow's `make()` and
    /// compose).
    groups: HashMap<String, usize, Hasher>,
    /// The options of each group, by name, in registration order.
    tables: Vec<Options>,
    /// Option families, by group: looked up after the group's entries.
    generated: HashMap<String, Arc<Generated>>,
    /// Every group path and every parent of one (`a/b` gives `a` and `a/b`).
    group_paths: HashSet<String, Hasher>,
    /// Composed from once: lazy entries are built per load, not kept.
    single_use: bool,
}

impl ConfigStore {
    /// An empty store.
    pub fn new() -> ConfigStore {
        ConfigStore::default()
    }

    /// Registers `node` as option `name` of `group` (`""` for a primary or
    /// group-less config). A `defaults` key at the top of the node is its
    /// defaults list, exactly as in a YAML file.
    pub fn add(&mut self, group: &str, name: &str, node: Node) -> &mut StoreEntry {
        let cell = OnceLock::new();
        let origin = store_origin(group, name);
        let mut node = node;
        restamp(&mut node, &origin);
        let _ = cell.set(Arc::new(node));
        self.insert(group, name, LazyNode { cell, build: None }, origin)
    }

    /// Registers a primary config (empty group) from a body and a defaults
    /// list written as entry strings, as they would appear in YAML:
    /// `"_self_"`, `"db: mysql"`, `"optional combo: ${a}_${b}"`,
    /// `"override /db: sqlite"`, `"experiment: null"`, `"hooks: [a, b]"`,
    /// `"dataset: ???"` or a fixed config path such as `"/base/common"`.
    ///
    /// ```
    /// use config_core::ConfigStore;
    /// use config_core::Node;
    /// let mut store = ConfigStore::new();
    /// store.add_primary("config", &["_self_", "db: mysql", "experiment: null"],
    ///                   Node::from_yaml_str("seed: 0").unwrap());
    /// let node = store.get("config").unwrap().node();
    /// assert_eq!(node.to_yaml(), "seed: 0\ndefaults:\n- _self_\n- db: mysql\n- experiment: null\n");
    /// ```
    pub fn add_primary(&mut self, name: &str, defaults: &[&str], body: Node) -> &mut StoreEntry {
        self.add("", name, with_defaults(body, defaults))
    }

    /// Registers an option whose node is built by `build` the first time a
    /// composition selects it (once; the result is shared afterwards).
    pub fn add_lazy<F>(&mut self, group: &str, name: &str, build: F) -> &mut StoreEntry
    where
        F: Fn() -> Node + Send + Sync + 'static,
    {
        let origin = store_origin(group, name);
        self.insert(
            group,
            name,
            LazyNode {
                cell: OnceLock::new(),
                build: Some(Box::new(build)),
            },
            origin,
        )
    }

    /// Registers a family of options in `group` that exist by rule, as
    /// thousands of generated experiments do: `build(name)` makes the
    /// option `name`, or says there is none (`None`); `names()` lists them,
    /// and is called only to list a group's options (`--help`, a
    /// did-you-mean, `glob()`). Registering costs the same for ten options
    /// or a million, and a composition builds only those it selects (each
    /// once, then shared). Entries added with [`ConfigStore::add`] take
    /// precedence.
    ///
    /// ```
    /// use config_core::ConfigStore;
    /// use config_core::Node;
    /// let mut store = ConfigStore::new();
    /// store.add_generated("experiment", Some("_global_"),
    ///     || (0..1_000_000).map(|i| format!("lr_{i}")).collect(),
    ///     |name| {
    ///         let i: u64 = name.strip_prefix("lr_")?.parse().ok().filter(|i| *i < 1_000_000)?;
    ///         Some(Node::from_yaml_str(&format!("lr: {}", i as f64 * 1e-6)).unwrap())
    ///     });
    /// let e = store.get("experiment/lr_42").unwrap();
    /// assert_eq!(e.get_package(), Some("_global_"));
    /// assert_eq!(e.node().to_yaml(), "lr: 4.2e-05\n");
    /// assert!(store.get("experiment/lr_x").is_none());
    /// assert!(store.group_exists("experiment"));
    /// ```
    pub fn add_generated<N, B>(&mut self, group: &str, package: Option<&str>, names: N, build: B)
    where
        N: Fn() -> Vec<String> + Send + Sync + 'static,
        B: Fn(&str) -> Option<Node> + Send + Sync + 'static,
    {
        let group = group.trim_matches('/').to_string();
        self.add_group_path(&group);
        let family = Generated {
            names: Box::new(names),
            build: Box::new(build),
            package: package.map(Arc::from),
            built: Mutex::new(HashMap::new()),
        };
        self.generated.insert(group, Arc::new(family));
    }

    /// Marks the store as composed from once, by a composer that is then
    /// dropped (the typed flow's `make().override_with()`): each load of a
    /// lazy entry builds it for that load and keeps nothing, which spares
    /// copying every selected tree out of the store.
    pub(crate) fn set_single_use(&mut self) {
        self.single_use = true;
    }

    /// Records `group` and its parents as group paths.
    fn add_group_path(&mut self, group: &str) {
        if group.is_empty() || self.group_paths.contains(group) {
            return;
        }
        let mut end = 0;
        for part in group.split('/') {
            end += part.len();
            self.group_paths.insert(group[..end].to_string());
            end += 1;
        }
    }

    fn insert(
        &mut self,
        group: &str,
        name: &str,
        node: LazyNode,
        origin: Origin,
    ) -> &mut StoreEntry {
        let group = group.trim_matches('/');
        let name = name.strip_suffix(".yaml").unwrap_or(name).to_string();
        self.add_group_path(group);
        let entry = StoreEntry {
            package: None,
            node: Arc::new(node),
            origin,
            single_use: false,
        };
        // The group's name is copied once, when its first option comes.
        let table = match self.groups.get(group) {
            Some(&i) => i,
            None => {
                self.groups.insert(group.to_string(), self.tables.len());
                self.tables.push(Options::default());
                self.tables.len() - 1
            }
        };
        let options = &mut self.tables[table];
        let index = options.insert_full(name, entry).0;
        &mut options[index]
    }

    /// The entry for a config path such as `db/mysql` or `config` (a
    /// handle: cloning it shares the node).
    pub fn get(&self, config_path: &str) -> Option<StoreEntry> {
        let config_path = config_path.strip_suffix(".yaml").unwrap_or(config_path);
        let (group, name) = match config_path.rfind('/') {
            Some(i) => (&config_path[..i], &config_path[i + 1..]),
            None => ("", config_path),
        };
        if let Some(e) = self.table(group).and_then(|g| g.get(name)) {
            return Some(StoreEntry {
                single_use: self.single_use,
                ..e.clone()
            });
        }
        self.generated_entry(group, name)
    }

    /// The options registered in `group` (a family's aside).
    fn table(&self, group: &str) -> Option<&Options> {
        self.groups.get(group).map(|&i| &self.tables[i])
    }

    /// Option `name` of `group`'s family, built on first use.
    fn generated_entry(&self, group: &str, name: &str) -> Option<StoreEntry> {
        let family = self.generated.get(group)?;
        let mut built = family.built.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = built.get(name) {
            return Some(e.clone());
        }
        let mut node = (family.build)(name)?;
        let origin = store_origin(group, name);
        restamp(&mut node, &origin);
        let cell = OnceLock::new();
        let _ = cell.set(Arc::new(node));
        let entry = StoreEntry {
            package: family.package.clone(),
            node: Arc::new(LazyNode { cell, build: None }),
            origin,
            single_use: false,
        };
        built.insert(name.to_string(), entry.clone());
        Some(entry)
    }

    /// True when `group` (or a group below it) has entries.
    pub fn group_exists(&self, group: &str) -> bool {
        self.group_paths.contains(group.trim_matches('/'))
    }

    /// The option names of `group`, sorted (a family's included).
    pub fn options(&self, group: &str) -> Vec<String> {
        let group = group.trim_matches('/');
        let mut names: Vec<String> = self
            .table(group)
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        if let Some(family) = self.generated.get(group) {
            names.extend((family.names)());
            names.sort();
            names.dedup();
        } else {
            names.sort();
        }
        names
    }

    /// The direct sub-groups of `group`, sorted.
    pub fn subgroups(&self, group: &str) -> Vec<String> {
        let prefix = if group.is_empty() {
            String::new()
        } else {
            format!("{}/", group.trim_matches('/'))
        };
        let mut out: Vec<String> = self
            .group_paths
            .iter()
            .filter_map(|p| p.strip_prefix(prefix.as_str()))
            .filter(|rest| !rest.is_empty() && !rest.contains('/'))
            .map(str::to_string)
            .collect();
        out.sort();
        out
    }

    /// The number of registered entries (a family's options counted).
    pub fn len(&self) -> usize {
        let families: usize = self.generated.values().map(|f| (f.names)().len()).sum();
        self.tables.iter().map(IndexMap::len).sum::<usize>() + families
    }

    /// True when nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.tables.iter().all(IndexMap::is_empty) && self.generated.is_empty()
    }
}

/// `body` with a `defaults` list built from entry strings (see
/// [`ConfigStore::add_primary`]); useful for any config registered from code.
pub(crate) fn with_defaults(body: Node, defaults: &[&str]) -> Node {
    use crate::node::{Key, Map, Value};
    let text = |s: &str| Node::new(Value::string(s.trim()));
    let choice = |v: &str| -> Node {
        let v = v.trim();
        match v {
            "null" | "~" => Node::new(Value::Null),
            "???" => Node::new(Value::Missing),
            _ => match v.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                Some(inner) => Node::new(Value::List(
                    inner
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(text)
                        .collect(),
                )),
                None => text(v),
            },
        }
    };
    let items: Vec<Node> = defaults
        .iter()
        .map(|d| match d.split_once(": ") {
            Some((k, v)) => {
                let mut m = Map::new();
                m.insert(Key::from(k.trim()), choice(v));
                Node::new(Value::Map(m))
            }
            None => text(d),
        })
        .collect();
    let mut body = body;
    if let Value::Null = body.value {
        body.value = Value::Map(Map::new());
    }
    if let Some(m) = body.as_map_mut_raw() {
        m.insert(Key::from("defaults"), Node::new(Value::List(items)));
    }
    body
}

/// Gives every node the entry's origin, unless it already has a real one:
/// a file position (not a `<string>` label), code, or a command-line argument.
fn restamp(node: &mut Node, origin: &Origin) {
    let replace = match &node.origin {
        Origin::Unknown | Origin::Merge => true,
        Origin::File { path, .. } => path.starts_with('<'),
        _ => false,
    };
    if replace {
        node.origin = origin.clone();
    }
    match &mut node.value {
        crate::node::Value::Map(m) => m.values_mut().for_each(|n| restamp(n, origin)),
        crate::node::Value::List(l) => l.iter_mut().for_each(|n| restamp(n, origin)),
        _ => {}
    }
}

fn store_origin(group: &str, name: &str) -> Origin {
    Origin::Store {
        group: group.trim_matches('/').into(),
        name: name.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::Value;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A store whose lazy entry `experiment/a` counts its builds.
    fn counted_store() -> (ConfigStore, Arc<AtomicUsize>) {
        let count = Arc::new(AtomicUsize::new(0));
        let mut store = ConfigStore::new();
        let c = count.clone();
        store.add_lazy("experiment", "a", move || {
            c.fetch_add(1, Ordering::SeqCst);
            Node::from(1)
        });
        (store, count)
    }

    #[test]
    fn lazy_entries_build_once() {
        static_assertions();
        let (store, count) = counted_store();
        assert_eq!(count.load(Ordering::SeqCst), 0);
        let e = store.get("experiment/a").unwrap();
        assert_eq!(e.node().value, Value::Int(1));
        assert_eq!(e.node().origin, store_origin("experiment", "a"));
        let _ = store.get("experiment/a").unwrap().node();
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn single_use_stores_build_per_load_and_keep_nothing() {
        let (mut store, count) = counted_store();
        store.add("db", "mysql", Node::from(2));
        store.set_single_use();
        let e = store.get("experiment/a").unwrap();
        let owned = e.node_owned();
        assert_eq!(owned.value, Value::Int(1));
        assert_eq!(owned.origin, store_origin("experiment", "a"));
        assert!(e.node.cell.get().is_none(), "nothing kept");
        let _ = e.node_owned();
        assert_eq!(count.load(Ordering::SeqCst), 2);
        // Eager entries, and lazy ones already built, are copied.
        assert_eq!(
            store.get("db/mysql").unwrap().node_owned().value,
            Value::Int(2)
        );
        let _ = e.node();
        let _ = e.node_owned();
        assert_eq!(count.load(Ordering::SeqCst), 3);
    }

    fn static_assertions() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<ConfigStore>();
    }

    #[test]
    fn registering_is_cheap() {
        let start = std::time::Instant::now();
        let mut store = ConfigStore::new();
        for i in 0..10_000 {
            store
                .add_lazy("experiment", &format!("exp_{i}"), Node::empty_map)
                .package("_global_");
        }
        // Generous bound for debug builds on a loaded machine; about 2 ms in release.
        assert!(
            start.elapsed() < std::time::Duration::from_millis(500),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn groups_and_options() {
        let mut store = ConfigStore::new();
        for i in 0..10_000 {
            store.add_lazy("experiment", &format!("exp_{i}"), Node::empty_map);
        }
        store
            .add("server/db", "mysql", Node::empty_map())
            .package("_global_");
        assert_eq!(store.len(), 10_001);
        assert!(store.group_exists("server") && store.group_exists("server/db"));
        assert!(!store.group_exists("db"));
        assert_eq!(store.subgroups(""), vec!["experiment", "server"]);
        assert_eq!(
            store.get("server/db/mysql").unwrap().get_package(),
            Some("_global_")
        );
    }
}
