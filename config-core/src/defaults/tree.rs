//! Building the defaults tree and flattening it into the ordered list of
//! configs to merge: a port of Hydra 1.3's `defaults_list.py`.
//!
//! Each config's defaults are visited in reverse order, so an `override`
//! entry in a later sibling (an experiment appended last) is registered
//! before the earlier siblings it changes are expanded. Interpolated entries
//! wait until their siblings are done, then resolve against the choices seen
//! so far. A depth-first walk of the finished tree gives the merge order.

use super::entry::{Choice, Entry, EntryKind};
use super::overrides::{GroupOverrides, KeyMap, Overrides};
use crate::error::{did_you_mean, Error, ErrorKind};
use crate::node::{Node, Value};
use crate::origin::Origin;
use crate::overrides::MAX_KEY_SEGMENTS;
use crate::repository::{RawConfig, ReadCache, Repository};
use std::sync::Arc;

// The builder's maps are keyed by config paths and hashed with foldhash, as
// the tree's mappings are (`node::Map`): SipHash on every lookup was a
// visible share of a 1,000-deep chain's defaults logic.
use foldhash::{HashMap, HashSet};

/// How many configs deep a defaults chain may nest below the primary config
/// (`c0` including `c1` including `c2`...). Real trees are a few levels
/// deep; generated experiment chains of 1,000 are in use. Hydra has no
/// limit and overflows its stack; the bound turns a runaway chain into an
/// error, and keeps `--info defaults-tree` (indented per level) small.
pub const MAX_DEFAULTS_DEPTH: usize = 2_000;

/// How many entries the defaults tree may hold. A config that includes
/// another twice (`c2@a`, `c2@b`) at each of 24 levels makes 2^24 nodes:
/// Hydra hangs on it for minutes and gigabytes; this stops it in well under
/// a second. Real trees have tens to hundreds of entries, and a chain
/// [`MAX_DEFAULTS_DEPTH`] deep about 4,000.
pub const MAX_DEFAULTS_NODES: usize = 100_000;

/// A loaded config with its parsed defaults list.
#[derive(Debug)]
pub(crate) struct LoadedConfig {
    /// The config as the source returned it, less its `defaults` (parsed
    /// into `entries`).
    pub raw: RawConfig,
    /// Its defaults entries, parsed.
    pub entries: Vec<Entry>,
    /// No node of its body is readonly: its source says so
    /// ([`ConfigSource::loads_readonly_free`], YAML files), or a walk of the
    /// freshly loaded tree, while it is in cache. Composition then merges it
    /// without the readonly pre-check (see `compose::merge_defaults`).
    ///
    /// [`ConfigSource::loads_readonly_free`]: crate::repository::ConfigSource::loads_readonly_free
    pub writable: bool,
}

/// One node of the defaults tree.
#[derive(Clone, Debug)]
pub(crate) struct TreeNode {
    /// The entry.
    pub entry: Entry,
    /// Its expanded defaults (`None` for a leaf).
    pub children: Option<Vec<usize>>,
    /// The containing node.
    pub parent: Option<usize>,
}

/// The defaults tree, as an arena of nodes; node 0 is the primary config.
#[derive(Clone, Debug, Default)]
pub(crate) struct DefaultsTree {
    /// All nodes.
    pub nodes: Vec<TreeNode>,
}

/// One config to merge, in order: where it comes from and where it goes.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ResultDefault {
    /// The config path (`db/mysql`).
    pub config_path: String,
    /// The final package (`""` is the root).
    pub package: String,
    /// The config path of the config whose defaults list selected this one.
    pub parent: Option<String>,
    /// True for a `_self_` entry (the content of a config that has defaults).
    pub is_self: bool,
    /// True for the primary config.
    pub primary: bool,
    /// The override key, for group entries (`db`, `db@src`).
    pub override_key: Option<String>,
    /// Where the entry was written, or the override that chose it.
    pub origin: Origin,
}

/// The outcome of the defaults stage.
#[derive(Debug)]
#[non_exhaustive]
pub struct DefaultsList {
    /// Configs to merge, in order.
    pub defaults: Vec<ResultDefault>,
    /// The tree they came from (for `--info defaults-tree`).
    pub(crate) tree: DefaultsTree,
    /// The final choice of each group (Hydra's `hydra.runtime.choices`).
    pub choices: Vec<(String, Option<String>)>,
    /// Every config path loaded while building (the files composition read).
    pub loaded_paths: Vec<String>,
    /// Warnings for the user, such as Hydra's missing-`_self_` warning.
    pub warnings: Vec<String>,
    /// The loaded configs, by config path; composition moves their bodies
    /// out as it merges them.
    pub(crate) loaded: HashMap<String, Arc<LoadedConfig>>,
}

/// Builds the defaults list of `config_name` over `repo` with the
/// command line's group overrides.
#[cfg(test)]
pub(crate) fn build(
    repo: &Repository,
    config_name: &str,
    input: &GroupOverrides,
) -> Result<DefaultsList, Error> {
    build_impl(repo, config_name, input, false, false, Preloaded::default())
}

/// Like [`build`], with Hydra's own config first, as an application run
/// composes it (`create_defaults_list(prepend_hydra=True)`): a virtual root
/// whose children are `hydra/config` and then the primary config. The
/// primary's `override hydra/...` entries and the command line's `hydra/...`
/// overrides then select Hydra's own group options like any other group's.
/// `repo` must provide `hydra/config` (see [`crate::hydra::builtin_store`]).
///
/// With `skip_missing` (the master config of a multirun), a group whose
/// choice is `???` is skipped instead of being an error. `preloaded` is
/// what the composition has already read (see [`Preloaded`]).
pub(crate) fn build_with_hydra_preloaded(
    repo: &Repository,
    config_name: &str,
    input: &GroupOverrides,
    skip_missing: bool,
    preloaded: Preloaded,
) -> Result<DefaultsList, Error> {
    build_impl(repo, config_name, input, true, skip_missing, preloaded)
}

/// Like [`build_with_hydra_preloaded`] without Hydra's own config: the
/// primary config is the root, as [`build`] makes it, for a composition
/// whose `hydra` node is not used (`Composer::compose_task`).
pub(crate) fn build_task_preloaded(
    repo: &Repository,
    config_name: &str,
    input: &GroupOverrides,
    preloaded: Preloaded,
) -> Result<DefaultsList, Error> {
    build_impl(repo, config_name, input, false, false, preloaded)
}

/// What a composition has read before building its defaults list: the
/// primary config (read for its `hydra.searchpath`), which is then not
/// read again, and what it learned about the directories.
#[derive(Default)]
pub(crate) struct Preloaded {
    /// The primary config, as `Repository::load` returned it for its name.
    pub primary: Option<(String, RawConfig)>,
    pub read_cache: ReadCache,
}

/// The name of the virtual root of a tree built [`build_with_hydra_preloaded`].
pub(super) const VIRTUAL_ROOT: &str = "<root>";

fn build_impl(
    repo: &Repository,
    config_name: &str,
    input: &GroupOverrides,
    hydra: bool,
    skip_missing: bool,
    preloaded: Preloaded,
) -> Result<DefaultsList, Error> {
    let mut b = Builder {
        repo,
        ov: Overrides::new(input),
        cache: HashMap::default(),
        read_cache: preloaded.read_cache,
        primary: preloaded.primary,
        tree: DefaultsTree::default(),
        on_path: HashSet::default(),
        warnings: Vec::new(),
        hydra,
        skip_missing,
    };
    if hydra {
        b.expand_virtual_root(config_name)?;
    } else {
        b.tree.nodes.push(TreeNode {
            entry: Entry::primary(config_name),
            children: None,
            parent: None,
        });
        b.expand(0, true, false)?;
    }
    let defaults = b.to_list();
    ensure_no_duplicates(&defaults)?;
    b.ov.ensure_used()?;
    b.ov.ensure_deletions_used()?;
    let loaded: HashMap<String, Arc<LoadedConfig>> = b
        .cache
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
    let mut loaded_paths: Vec<String> = loaded.keys().cloned().collect();
    loaded_paths.sort_unstable();
    let choices = b.ov.known_choices.into_iter().collect();
    Ok(DefaultsList {
        defaults,
        tree: b.tree,
        choices,
        loaded_paths,
        warnings: b.warnings,
        loaded,
    })
}

/// A config whose defaults list is being expanded: the explicit stack frame
/// of [`Builder::expand`].
struct Frame {
    /// Its node.
    idx: usize,
    /// True below an interpolated entry (overrides are not allowed there).
    interpolated: bool,
    /// Its config path.
    path: String,
    /// Its group path and final package, the parent of its entries (who
    /// share them).
    parent_dir: Arc<str>,
    parent_pkg: Arc<str>,
    /// The entries still to visit; popped, so the last comes first, as
    /// Hydra visits them.
    defaults: Vec<Entry>,
    /// A multi-select entry whose options are still to add (popped, so the
    /// last option comes first).
    options: Option<(Entry, Vec<String>)>,
    /// Its children so far, last entry first.
    children: Vec<usize>,
    /// Interpolated children, resolved once their siblings are expanded.
    deferred: Vec<usize>,
    /// The choices interpolated children see, taken before the first.
    choices: Option<KeyMap<Option<String>>>,
}

/// A node being opened, as the parent of its entries: its group path,
/// final package and config path.
#[derive(Clone, Copy)]
struct Parent<'p> {
    dir: &'p Arc<str>,
    pkg: &'p Arc<str>,
    path: &'p str,
}

struct Builder<'a> {
    repo: &'a Repository,
    ov: Overrides,
    cache: HashMap<String, Option<Arc<LoadedConfig>>>,
    /// What this build learned about the config directories it read.
    read_cache: ReadCache,
    /// The primary config, read already (taken on its first load).
    primary: Option<(String, RawConfig)>,
    tree: DefaultsTree,
    /// The config paths of the nodes being expanded: the chain from the
    /// root to the current node, for the cycle check.
    on_path: HashSet<String>,
    warnings: Vec<String>,
    /// Hydra's own config is part of the tree (its groups are real groups).
    hydra: bool,
    /// `???` choices are skipped (multirun), not errors.
    skip_missing: bool,
}

impl Builder<'_> {
    /// `_expand_virtual_root`: the children are expanded last to first, so
    /// the primary config's `override hydra/...` entries are registered
    /// before `hydra/config` expands its defaults.
    fn expand_virtual_root(&mut self, config_name: &str) -> Result<(), Error> {
        let mut root = Entry::config(VIRTUAL_ROOT, None, Origin::Unknown);
        root.set_parent("", "");
        self.tree.nodes.push(TreeNode {
            entry: root,
            children: Some(vec![1, 2]),
            parent: None,
        });
        let mut hydra = Entry::config("hydra/config", None, Origin::Unknown);
        hydra.set_parent("", "");
        self.push(hydra, 0)?;
        self.push(Entry::primary(config_name), 0)?;
        self.expand(2, true, false)?;
        self.expand(1, false, false)
    }

    fn load(&mut self, config_path: &str) -> Result<Option<Arc<LoadedConfig>>, Error> {
        if let Some(c) = self.cache.get(config_path) {
            return Ok(c.clone());
        }
        let preloaded = self
            .primary
            .take_if(|(name, _)| name == config_path)
            .map(|(_, raw)| raw);
        // The primary config was read without noting its source: looked at.
        let raw = match preloaded {
            Some(raw) => Some((raw, false)),
            None => self
                .repo
                .load_noting_source(config_path, &mut self.read_cache)?,
        };
        let loaded = match raw {
            Some((mut raw, readonly_free)) => {
                // Parsed into `entries`, the list's nodes are freed here,
                // while they are in cache, not when composition merges.
                let entries = match raw.defaults.take() {
                    Some(d) => super::entry::parse_defaults(config_path, &d)?,
                    None => Vec::new(),
                };
                let writable = readonly_free || !crate::access::any_readonly(&raw.node);
                Some(Arc::new(LoadedConfig {
                    raw,
                    entries,
                    writable,
                }))
            }
            None => None,
        };
        self.cache.insert(config_path.to_string(), loaded.clone());
        Ok(loaded)
    }

    /// [`Builder::load`] for node `idx`: errors say which config's
    /// defaults list named the path, and where.
    fn load_at(&mut self, idx: usize, path: &str) -> Result<Option<Arc<LoadedConfig>>, Error> {
        self.load(path).map_err(|e| {
            let mut e = e.with_origin(self.origin_of(idx));
            if let Some(parent) = self.tree.nodes[idx].parent {
                let p = self.entry(parent).config_path();
                if p != VIRTUAL_ROOT && !e.message().starts_with("In '") && e.context().is_empty() {
                    e = e.with_context(format!("in config '{p}'"));
                }
            }
            e
        })
    }

    fn entry(&self, idx: usize) -> &Entry {
        &self.tree.nodes[idx].entry
    }

    /// Adds `entry` below `parent`; fails past [`MAX_DEFAULTS_NODES`] nodes,
    /// so a tree that doubles at each level (Hydra hangs on those) stops
    /// early with an error.
    fn push(&mut self, entry: Entry, parent: usize) -> Result<usize, Error> {
        if self.tree.nodes.len() >= MAX_DEFAULTS_NODES {
            return Err(self.too_many_nodes(parent));
        }
        self.tree.nodes.push(TreeNode {
            entry,
            children: None,
            parent: Some(parent),
        });
        Ok(self.tree.nodes.len() - 1)
    }

    /// `_create_defaults_tree_impl`: expands node `idx` and everything below
    /// it, in Hydra's order. Hydra recurses; this walk keeps its own stack
    /// of [`Frame`]s, so a deep chain costs heap instead of thread stack (the
    /// recursive version overflowed a 2 MiB thread under 200 levels deep in
    /// a debug build), and [`MAX_DEFAULTS_DEPTH`] bounds it with an error.
    fn expand(&mut self, idx: usize, is_root: bool, interpolated: bool) -> Result<(), Error> {
        let mut stack: Vec<Frame> = Vec::new();
        if let Some(frame) = self.open(idx, is_root, interpolated)? {
            self.on_path.insert(frame.path.clone());
            stack.push(frame);
        }
        while let Some(top) = stack.last_mut() {
            match self.next_child(top)? {
                Some((child, interpolated)) => {
                    if stack.len() > MAX_DEFAULTS_DEPTH {
                        return Err(self.too_deep(child));
                    }
                    if let Some(frame) = self.open(child, false, interpolated)? {
                        self.on_path.insert(frame.path.clone());
                        stack.push(frame);
                    }
                }
                None => {
                    let frame = stack.pop().expect("a frame is open");
                    self.close(frame);
                }
            }
        }
        Ok(())
    }

    /// The first half of expanding node `idx` (`_create_defaults_tree_impl`
    /// up to its loop over the defaults): `None` when the node stays a leaf
    /// (deleted, null, skipped `???`, missing optional); otherwise the frame
    /// whose defaults are still to visit.
    fn open(
        &mut self,
        idx: usize,
        is_root: bool,
        interpolated: bool,
    ) -> Result<Option<Frame>, Error> {
        let Some(path) = self.enter(idx, is_root)? else {
            return Ok(None);
        };
        self.check_cycle(idx, &path)?;
        // The node's group and package are final now (its header is set):
        // computed once, for its own checks and as its entries' parent.
        let parent_dir: Arc<str> = self.entry(idx).group_path().into();
        let parent_pkg: Arc<str> = self.entry(idx).final_package().into();
        self.check_package(idx, &parent_pkg)?;
        let parent = Parent {
            dir: &parent_dir,
            pkg: &parent_pkg,
            path: &path,
        };
        let Some(defaults) = self.defaults_of(idx, parent, is_root, interpolated)? else {
            return Ok(None);
        };
        Ok(Some(Frame {
            idx,
            interpolated,
            parent_dir,
            parent_pkg,
            path,
            defaults,
            options: None,
            children: Vec::new(),
            deferred: Vec::new(),
            choices: None,
        }))
    }

    /// Hydra's steps before loading node `idx`: the root's existence, the
    /// package header (`update_package_header`), deletion, the known
    /// choice, a null choice and `_check_not_missing`. `None` when the node
    /// stays a leaf, else its config path.
    fn enter(&mut self, idx: usize, is_root: bool) -> Result<Option<String>, Error> {
        if is_root {
            self.tree.nodes[idx].entry.set_parent("", "");
        }
        // The header set below changes the package, not the path.
        let path = self.entry(idx).config_path();
        if is_root && self.load(&path)?.is_none() {
            return Err(self.not_found(idx));
        }
        if !self.entry(idx).is_missing() && self.entry(idx).name().is_some() {
            if let Some(loaded) = self.load_at(idx, &path)? {
                self.tree.nodes[idx]
                    .entry
                    .set_package_header(loaded.raw.header_package.as_deref());
            }
        }
        if self.ov.is_deleted(self.entry(idx)) {
            let mut e = self.tree.nodes[idx].entry.clone();
            self.ov.delete(&mut e);
            self.tree.nodes[idx].entry = e;
            return Ok(None);
        }
        self.ov.set_known_choice(&self.tree.nodes[idx].entry)?;
        if self.entry(idx).name().is_none() {
            return Ok(None);
        }
        if self.entry(idx).is_missing() {
            if self.skip_missing {
                return Ok(None);
            }
            return Err(self.missing_choice(idx));
        }
        Ok(Some(path))
    }

    /// Loads node `idx`'s config (`path`) and returns its defaults list as
    /// Hydra prepares it before the loop: a copy, `_validate_self`, the
    /// command line's appends at the root, `_update_overrides`. `None` for
    /// a missing optional config (which becomes a deleted leaf).
    fn defaults_of(
        &mut self,
        idx: usize,
        parent: Parent<'_>,
        is_root: bool,
        interpolated: bool,
    ) -> Result<Option<Vec<Entry>>, Error> {
        let path = parent.path;
        let loaded = self.load_at(idx, path)?;
        self.warn_dotted_package(idx, parent.pkg);
        let Some(loaded) = loaded else {
            if self.entry(idx).optional {
                self.tree.nodes[idx].entry.deleted = true;
                return Ok(None);
            }
            return Err(self.not_found(idx));
        };
        if is_root {
            if let Value::List(_) = loaded.raw.node.value {
                return Err(Error::new(
                    ErrorKind::Compose,
                    format!("primary config '{path}' must be a DictConfig, got ListConfig"),
                )
                .with_origin(loaded.raw.node.origin.clone())
                .with_hint("the primary config must be a mapping at its top level"));
            }
        }
        let mut defaults = loaded.entries.clone();
        let mut self_added = false;
        if !defaults.is_empty() || (is_root && !self.ov.appends.is_empty()) {
            self_added = validate_self(path, &mut defaults, &loaded.raw.node)?;
        }
        if is_root && self_added {
            self.warn_missing_self(path, &loaded);
        }
        if is_root {
            defaults.extend(self.ov.appends.iter().cloned());
        }
        self.update_overrides(&mut defaults, parent, interpolated)?;
        Ok(Some(defaults))
    }

    /// The next child of `f` to expand, with its `interpolated` flag;
    /// `None` once every entry is visited. Leaves (`_self_`) and skipped
    /// entries are handled on the way.
    fn next_child(&mut self, f: &mut Frame) -> Result<Option<(usize, bool)>, Error> {
        loop {
            if let Some(child) = self.next_option(f)? {
                return Ok(Some((child, f.interpolated)));
            }
            let Some(d) = f.defaults.pop() else {
                return self.next_deferred(f);
            };
            if let Some(child) = self.visit(f, d)? {
                return Ok(Some((child, f.interpolated)));
            }
        }
    }

    /// One entry of `f`'s defaults list: the child to expand, or `None` for
    /// a `_self_` leaf, an entry that is skipped, a multi-select (its
    /// options come next) or an interpolation (deferred).
    fn visit(&mut self, f: &mut Frame, mut d: Entry) -> Result<Option<usize>, Error> {
        let idx = f.idx;
        if d.is_self() {
            let e = self.entry(idx);
            let base = e.parent_base_dir.clone().unwrap_or_else(|| "".into());
            let pkg = e.package.as_deref().or(e.package_header.as_deref());
            d.set_parent_shared(&base, &pkg.unwrap_or_default().into());
            let child = self.push(d, idx)?;
            f.children.push(child);
            return Ok(None);
        }
        if d.is_override {
            return Ok(None);
        }
        d.set_parent_shared(&f.parent_dir, &f.parent_pkg);
        if !self.hydra && is_hydra_group(&d) {
            // Hydra's own groups configure the `hydra` node, which a
            // composed config does not contain.
            return Ok(None);
        }
        self.ov.apply(&mut d);
        if let Some(Choice::Options(options)) = d.choice() {
            let options = options.clone();
            f.options = Some((d, options));
            return Ok(None);
        }
        if d.is_interpolation() {
            let child = self.push(d, idx)?;
            f.children.push(child);
            f.deferred.push(child);
            return Ok(None);
        }
        self.add_child(f, d).map(Some)
    }

    /// Hydra's `add_child`: a new tree node for `entry` below `f`'s node,
    /// recorded as its child. Where Hydra then recurses into it, the caller
    /// returns it for [`Builder::expand`] to open next.
    fn add_child(&mut self, f: &mut Frame, entry: Entry) -> Result<usize, Error> {
        let child = self.push(entry, f.idx)?;
        f.children.push(child);
        Ok(child)
    }

    /// The next option of a multi-select entry of `f` (last first), as a
    /// config node of its own.
    fn next_option(&mut self, f: &mut Frame) -> Result<Option<usize>, Error> {
        let Some((d, items)) = f.options.as_mut() else {
            return Ok(None);
        };
        let Some(item) = items.pop() else {
            f.options = None;
            return Ok(None);
        };
        if item.contains("${") {
            return Err(Error::new(
                ErrorKind::DefaultsList,
                format!(
                    "In '{}': Defaults List interpolation is not supported in options list items",
                    f.path
                ),
            )
            .with_origin(d.origin.clone())
            .with_hint("use a single interpolated option, e.g. `- combo: ${a}_${b}`"));
        }
        let EntryKind::Group { group, .. } = &d.kind else {
            unreachable!("only group entries have options")
        };
        let mut node = Entry::config(
            &format!("{group}/{item}"),
            d.package.clone(),
            d.origin.clone(),
        );
        node.optional = d.optional;
        node.choice_origin = d.choice_origin.clone();
        node.set_parent_shared(&f.parent_dir, &f.parent_pkg);
        self.add_child(f, node).map(Some)
    }

    /// The next interpolated child of `f`, resolved. Interpolated entries
    /// see every sibling's choice: Hydra's `_create_interpolation_map`, the
    /// choices as they are before any interpolated sibling resolves (one
    /// cannot name another).
    fn next_deferred(&mut self, f: &mut Frame) -> Result<Option<(usize, bool)>, Error> {
        if f.deferred.is_empty() {
            return Ok(None);
        }
        if f.choices.is_none() {
            f.choices = Some(self.ov.known_choices.clone());
            f.deferred.reverse();
        }
        let child = f.deferred.pop().expect("not empty");
        let choices = f.choices.as_ref().expect("taken above");
        let resolved = self.resolve_interpolation(child, choices)?;
        let e = &mut self.tree.nodes[child].entry;
        match &mut e.kind {
            EntryKind::Group { value, .. } => *value = Choice::Name(resolved.into()),
            EntryKind::Config { path } => *path = resolved.into(),
            EntryKind::SelfRef => {}
        }
        Ok(Some((child, true)))
    }

    /// The second half of expanding a node: its children, in list order.
    fn close(&mut self, f: Frame) {
        self.on_path.remove(&f.path);
        let mut children = f.children;
        if !children.is_empty() {
            children.reverse();
            self.tree.nodes[f.idx].children = Some(children);
        }
    }

    /// A config that includes itself, directly or through others, would
    /// never finish (Hydra overflows its stack); say which chain loops. The
    /// configs being expanded are in `on_path`, so the check is one lookup;
    /// the chain is walked only for the error.
    fn check_cycle(&self, idx: usize, path: &str) -> Result<(), Error> {
        if !self.on_path.contains(path) {
            return Ok(());
        }
        let mut chain = vec![path.to_string()];
        let mut cur = self.tree.nodes[idx].parent;
        while let Some(p) = cur {
            let node = &self.tree.nodes[p];
            let pp = node.entry.config_path();
            chain.push(pp.clone());
            if pp == path {
                break;
            }
            cur = node.parent;
        }
        chain.reverse();
        Err(Error::new(
            ErrorKind::DefaultsList,
            format!(
                "The defaults list includes '{path}' inside itself: {}",
                chain.join(" -> ")
            ),
        )
        .with_origin(self.origin_of(idx))
        .with_hint("remove one of the entries of this chain"))
    }

    /// The error for a chain deeper than [`MAX_DEFAULTS_DEPTH`], naming the
    /// config that went past it and the chain from the primary config.
    fn too_deep(&self, child: usize) -> Error {
        let mut chain = Vec::new();
        let mut cur = Some(child);
        while let Some(i) = cur {
            let path = self.entry(i).config_path();
            if path != VIRTUAL_ROOT {
                chain.push(path);
            }
            cur = self.tree.nodes[i].parent;
        }
        chain.reverse();
        let (parent, path) = (&chain[chain.len() - 2], &chain[chain.len() - 1]);
        Error::new(
            ErrorKind::Limit,
            format!(
                "The defaults list nests configs more than {MAX_DEFAULTS_DEPTH} deep: '{parent}' \
                 includes '{path}' at depth {} ({})",
                chain.len() - 1,
                abbreviate_chain(&chain)
            ),
        )
        .with_origin(self.origin_of(child))
        .with_hint(format!(
            "a chain this deep is usually a generated mistake; if it is meant, flatten it: \
             list several configs in one defaults list instead of each including the next \
             (the limit is {MAX_DEFAULTS_DEPTH} levels below the primary config)"
        ))
    }

    /// The error for a tree of more than [`MAX_DEFAULTS_NODES`] entries,
    /// naming the primary config, the config being expanded and the config
    /// repeated most (where the tree multiplies).
    fn too_many_nodes(&self, parent: usize) -> Error {
        let mut counts: HashMap<String, usize> = HashMap::default();
        for n in &self.tree.nodes {
            if !n.entry.is_self() {
                *counts.entry(n.entry.config_path()).or_default() += 1;
            }
        }
        let (worst, times) = counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .unwrap_or_default();
        let primary = self
            .tree
            .nodes
            .iter()
            .find(|n| n.entry.primary)
            .map(|n| n.entry.config_path())
            .unwrap_or_default();
        Error::new(
            ErrorKind::Limit,
            format!(
                "The defaults tree of '{primary}' has more than {MAX_DEFAULTS_NODES} entries \
                 (while expanding '{}'; '{worst}' alone is in it {times} times)",
                self.entry(parent).config_path()
            ),
        )
        .with_origin(self.origin_of(parent))
        .with_hint(
            "a config that includes another several times (e.g. `- c2@a` and `- c2@b`), \
             level after level, multiplies the tree at each level; include each config once \
             per level, or break the chain",
        )
    }

    /// A package deeper than [`MAX_KEY_SEGMENTS`] keys (`@a.a.a...` or a
    /// `# @package` header) would nest the config past what the YAML loader
    /// reads back, and deep enough to exhaust the stack when it merges.
    fn check_package(&self, idx: usize, package: &str) -> Result<(), Error> {
        let depth = package.split('.').count();
        if package.is_empty() || depth <= MAX_KEY_SEGMENTS {
            return Ok(());
        }
        let shown: String = package.chars().take(60).collect();
        Err(Error::new(
            ErrorKind::Limit,
            format!(
                "'{}' is placed at a package of {depth} keys ('{shown}...'), more than the limit of {MAX_KEY_SEGMENTS}",
                self.entry(idx).config_path()
            ),
        )
        .with_origin(self.origin_of(idx))
        .with_hint("give the entry a shorter package (`@pkg`), or fix the `# @package` header"))
    }

    /// `_update_overrides`: checks that overrides come last and registers them.
    fn update_overrides(
        &mut self,
        defaults: &mut [Entry],
        parent: Parent<'_>,
        interpolated: bool,
    ) -> Result<(), Error> {
        let parent_path = parent.path;
        let mut last_override: Option<usize> = None;
        for i in 0..defaults.len() {
            if defaults[i].is_self() {
                continue;
            }
            defaults[i].set_parent_shared(parent.dir, parent.pkg);
            let d = &defaults[i];
            if let Some(last) = last_override {
                if !(d.is_override || d.external_append) {
                    let o = &defaults[last];
                    return Err(Error::new(
                        ErrorKind::DefaultsList,
                        format!(
                            "In {parent_path}: Override '{} : {}' is defined before '{}: {}'.\n\
                             Overrides must be at the end of the defaults list",
                            o.override_key(),
                            o.name().unwrap_or("null"),
                            entry_key(d),
                            d.name().unwrap_or("null")
                        ),
                    )
                    .with_origin(o.origin.clone())
                    .with_hint(format!(
                        "move `override {}` below `{}`",
                        o.override_key(),
                        entry_key(d)
                    )));
                }
            }
            if d.is_group() && d.is_override {
                last_override = Some(i);
                if interpolated {
                    return Err(Error::new(
                        ErrorKind::DefaultsList,
                        format!(
                            "{parent_path}: Default List Overrides are not allowed in the subtree\n\
                             of an in interpolated config group (override {}={}).",
                            d.override_key(),
                            d.name().unwrap_or("null")
                        ),
                    )
                    .with_origin(d.origin.clone()));
                }
                if self.hydra || !is_hydra_group(d) {
                    self.ov.add_override(parent_path, d);
                }
            }
        }
        Ok(())
    }

    fn resolve_interpolation(
        &self,
        child: usize,
        known: &KeyMap<Option<String>>,
    ) -> Result<String, Error> {
        let e = self.entry(child);
        let text = match &e.kind {
            EntryKind::Group {
                value: Choice::Name(n),
                ..
            } => n.to_string(),
            EntryKind::Config { .. } => e.config_path(),
            _ => return Ok(String::new()),
        };
        // Hydra resolves the entry with OmegaConf, its parent the choices
        // made so far: `${db}`, `${a}_${b}`, and resolvers (`${oc.env:X}`).
        let mut choices = crate::node::Map::new();
        for (k, v) in known {
            let value = v
                .as_deref()
                .map(|s| Value::Str(s.into()))
                .unwrap_or(Value::Null);
            choices.insert(crate::node::Key::from(k.as_str()), Node::new(value));
        }
        choices.insert(crate::node::Key::from("_dummy_"), Node::from(text.as_str()));
        let root = Node::new(Value::Map(choices));
        let resolved =
            crate::interp::resolve_path(&root, "_dummy_", &crate::interp::Resolvers::default());
        match resolved {
            Ok(n) => match n.value {
                Value::Str(s) => return Ok(s.to_string()),
                other => {
                    return Err(Error::new(
                        ErrorKind::DefaultsList,
                        format!(
                            "Defaults list interpolation '{text}' gave {} '{}', not the name of a config",
                            other.type_name(),
                            crate::python::python_str(&other)
                        ),
                    )
                    .with_origin(e.origin.clone())
                    .with_hint("a defaults entry must resolve to a string: an option name or a config path"))
                }
            },
            Err(err) if err.kind() != ErrorKind::InterpolationKey => {
                return Err(Error::new(
                    ErrorKind::DefaultsList,
                    format!("Error resolving interpolation '{text}': {}", err.message()),
                )
                .with_origin(e.origin.clone()))
            }
            Err(_) => {}
        }
        // A key that is not a group choice: config values are not visible
        // here, in Hydra either.
        let keys: Vec<&str> = known.keys().map(String::as_str).collect();
        let mut msg = format!("Error resolving interpolation '{text}'");
        if !keys.is_empty() {
            msg.push_str(&format!(
                ", possible interpolation keys: {}",
                keys.join(", ")
            ));
        }
        Err(Error::new(ErrorKind::DefaultsList, msg)
            .with_origin(e.origin.clone())
            .with_hint("defaults-list interpolations see only the group choices made so far (e.g. ${db}) and resolvers, not config values"))
    }

    /// `_tree_to_list`: the depth-first order of the tree, walked with a
    /// stack of its own (trees are as deep as [`MAX_DEFAULTS_DEPTH`]).
    fn to_list(&self) -> Vec<ResultDefault> {
        let mut out = Vec::new();
        let mut stack = vec![0];
        while let Some(idx) = stack.pop() {
            match &self.tree.nodes[idx].children {
                Some(children) if !children.is_empty() => stack.extend(children.iter().rev()),
                _ => out.extend(self.result_default(idx)),
            }
        }
        out
    }

    fn result_default(&self, idx: usize) -> Option<ResultDefault> {
        let node = &self.tree.nodes[idx];
        let e = &node.entry;
        if e.deleted || e.is_missing() || e.name().is_none() {
            return None;
        }
        if e.is_self() {
            let containing = node.parent?;
            let c = &self.tree.nodes[containing];
            return Some(ResultDefault {
                config_path: c.entry.config_path(),
                package: c.entry.final_package(),
                parent: c.parent.map(|p| self.tree.nodes[p].entry.config_path()),
                is_self: true,
                primary: c.entry.primary,
                override_key: None,
                origin: match (&c.entry.choice_origin, &c.entry.origin) {
                    (Some(o), _) => o.clone(),
                    (None, o) if !o.is_unknown() => o.clone(),
                    _ => e.origin.clone(),
                },
            });
        }
        Some(ResultDefault {
            config_path: e.config_path(),
            package: e.final_package(),
            parent: node.parent.map(|p| self.tree.nodes[p].entry.config_path()),
            is_self: false,
            primary: e.primary,
            override_key: e.is_group().then(|| e.override_key()),
            origin: e.choice_origin.clone().unwrap_or_else(|| e.origin.clone()),
        })
    }

    fn origin_of(&self, idx: usize) -> Origin {
        let e = self.entry(idx);
        e.choice_origin.clone().unwrap_or_else(|| e.origin.clone())
    }

    /// `config_not_found_error`, with the options and a "did you mean".
    fn not_found(&self, idx: usize) -> Error {
        let node = &self.tree.nodes[idx];
        let e = &node.entry;
        let path = e.config_path();
        if e.primary {
            let names = self.repo.options(e.group_path().as_str());
            let mut err = Error::new(
                ErrorKind::MissingConfig,
                format!(
                    "Cannot find primary config '{path}'. Check that it's in your config search path.\n\n{}",
                    self.repo.describe()
                ),
            );
            let prefix = match e.group_path().as_str() {
                "" => String::new(),
                g => format!("{g}/"),
            };
            let last = path.rsplit('/').next().unwrap_or(&path);
            if let Some(best) = did_you_mean(last, names.iter().map(String::as_str)).first() {
                err = err.with_hint(format!("did you mean --config-name {prefix}{best}?"));
            } else if !names.is_empty() {
                err = err.with_hint(format!("configs available there: {}", names.join(", ")));
            }
            return err;
        }
        let parent = node.parent.map(|p| self.tree.nodes[p].entry.config_path());
        let mut hints = Vec::new();
        let mut msg = if e.is_group() {
            let group = e.group_path();
            let options = self.repo.options(&group);
            let mut m = format!("Could not find '{path}'\n");
            if !options.is_empty() {
                m.push_str(&format!("\nAvailable options in '{group}':\n"));
                m.push_str(&option_lines(&options));
                let name = e.name().unwrap_or("");
                if let Some(best) = did_you_mean(name, options.iter().map(String::as_str)).first() {
                    // As the user wrote it (`+experiment=`, `db@backup=`), so
                    // the suggested override works as is.
                    let key = match self.origin_of(idx) {
                        Origin::Override { text, .. } => {
                            text.split_once('=').map(|(k, _)| k.to_string())
                        }
                        _ => None,
                    };
                    let key = key.unwrap_or_else(|| e.override_key());
                    hints.push(format!("did you mean {key}={best}?"));
                }
            } else if !self.repo.group_exists(&group) {
                hints.push(format!(
                    "there is no config group '{group}' in the search path"
                ));
            }
            m
        } else {
            let group = e.group_path();
            let options = self.repo.options(&group);
            let name = e.name().unwrap_or("");
            if let Some(best) = did_you_mean(name, options.iter().map(String::as_str)).first() {
                let full = if group.is_empty() {
                    best.to_string()
                } else {
                    format!("{group}/{best}")
                };
                hints.push(format!("did you mean '{full}'?"));
            }
            if name.starts_with("optional ") || name.starts_with("override ") {
                hints.push("`optional` and `override` only apply to group entries (`- optional group: option`)".into());
            }
            format!("Could not load '{path}'.\n")
        };
        if let Some(p) = parent {
            msg = format!("In '{p}': {msg}");
        }
        msg.push('\n');
        msg.push_str(&self.repo.describe());
        let mut err = Error::new(ErrorKind::MissingConfig, msg).with_origin(self.origin_of(idx));
        *err.hints_mut() = hints;
        err
    }

    fn missing_choice(&self, idx: usize) -> Error {
        let e = self.entry(idx);
        let key = e.override_key();
        let options = self.repo.options(&e.group_path());
        let mut err = Error::new(
            ErrorKind::MissingConfig,
            format!(
                "You must specify '{key}', e.g, {key}=<OPTION>\nAvailable options:\n{}",
                option_lines(&options)
            ),
        )
        .with_origin(self.origin_of(idx));
        if let Some(first) = options.first() {
            err = err.with_hint(format!("add `{key}={first}` to the command line"));
        }
        err
    }
}

/// Most options an error lists: a group of 20,000 experiments should not
/// print 20,000 lines (Hydra does); the did-you-mean hint names the closest.
pub(crate) const MAX_LISTED_OPTIONS: usize = 40;

/// The options of a group, one per tab-indented line, as Hydra lists them,
/// cut after [`MAX_LISTED_OPTIONS`] with a count of the rest.
fn option_lines(options: &[String]) -> String {
    let mut lines: Vec<String> = options
        .iter()
        .take(MAX_LISTED_OPTIONS)
        .map(|o| format!("\t{o}"))
        .collect();
    if options.len() > MAX_LISTED_OPTIONS {
        lines.push(format!(
            "\t... and {} more",
            options.len() - MAX_LISTED_OPTIONS
        ));
    }
    lines.join("\n")
}

/// `first -> second -> third -> ... -> last three`: a chain of thousands
/// of configs, shortened for an error message.
fn abbreviate_chain(chain: &[String]) -> String {
    if chain.len() <= 7 {
        return chain.join(" -> ");
    }
    let (head, tail) = (&chain[..3], &chain[chain.len() - 3..]);
    format!("{} -> ... -> {}", head.join(" -> "), tail.join(" -> "))
}

/// True for entries of Hydra's own groups (`hydra/job_logging`, ...).
fn is_hydra_group(e: &Entry) -> bool {
    e.is_group() && {
        let g = e.group_path();
        g == "hydra" || crate::hydra::is_hydra_key(&g)
    }
}

fn entry_key(e: &Entry) -> String {
    if e.is_group() {
        e.override_key()
    } else {
        e.config_path()
    }
}

impl Builder<'_> {
    /// A package derived from a path with `..` (`db/../common` gives
    /// `db....common`): Hydra 1.3 derives it from the path as written, so
    /// the config lands under empty keys. We do the same, and say so.
    /// `package` is the node's final package.
    fn warn_dotted_package(&mut self, idx: usize, package: &str) {
        let e = self.entry(idx);
        if e.package.is_none() && package.split('.').any(str::is_empty) && !package.is_empty() {
            let path = e.config_path();
            let name = path.rsplit('/').nth(1).unwrap_or("name");
            self.warnings.push(format!(
                "'{path}' is placed at package '{package}', which has empty keys: Hydra 1.3 derives the \
                 package from the path as written, '..' included\n  help: give the entry a package, \
                 e.g. `@{name}` after its group (`../{name}@{name}: OPTION`)"
            ));
        }
    }

    /// Hydra's warning for a primary config with own content and defaults
    /// but no `_self_`: its values then override its defaults (Hydra 1.1+),
    /// the opposite of Hydra 1.0, and a common silent mistake.
    fn warn_missing_self(&mut self, path: &str, loaded: &LoadedConfig) {
        let has_content = loaded.raw.node.as_map().is_some_and(|m| !m.is_empty());
        let has_default = loaded
            .entries
            .iter()
            .any(|e| !e.is_override && !e.is_self());
        if has_content && has_default {
            self.warnings.push(format!(
                "In '{path}': Defaults list is missing `_self_`. See \
                 https://hydra.cc/docs/1.2/upgrades/1.0_to_1.1/default_composition_order \
                 for more information\n  help: add `- _self_` to the defaults list of \
                 '{path}': last to let its values win (the current behaviour), first to let \
                 its defaults win; `config compose --explain KEY` shows which source set a key"
            ));
        }
    }
}

/// `_validate_self`: one `_self_` at most; appended when absent. Returns
/// true when it was added.
fn validate_self(
    config_path: &str,
    defaults: &mut Vec<Entry>,
    _body: &Node,
) -> Result<bool, Error> {
    let mut has_self = false;
    let mut has_non_override = false;
    for d in defaults.iter() {
        if !d.is_override {
            has_non_override = true;
        }
        if d.is_self() {
            if has_self {
                return Err(Error::new(
                    ErrorKind::DefaultsList,
                    format!("Duplicate _self_ defined in {config_path}"),
                )
                .with_origin(d.origin.clone())
                .with_hint("keep one `_self_` entry"));
            }
            has_self = true;
        }
    }
    if (!has_self && has_non_override) || defaults.is_empty() {
        defaults.push(Entry::self_ref());
    }
    Ok(!has_self)
}

fn ensure_no_duplicates(list: &[ResultDefault]) -> Result<(), Error> {
    let mut seen = std::collections::HashSet::new();
    for r in list {
        if r.is_self {
            continue;
        }
        if let Some(k) = &r.override_key {
            if !seen.insert(k.as_str()) {
                return Err(Error::new(
                    ErrorKind::DefaultsList,
                    format!("{k} appears more than once in the final defaults list"),
                )
                .with_origin(r.origin.clone())
                .with_hint(format!(
                    "select '{k}' once, or place the second one elsewhere with '{k}@other_package'"
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ConfigStore;

    /// A repository of `c0..c{n-1}` whose defaults come from `defaults(i)`
    /// (the last config has none), under a primary `config: [c0]`.
    fn repo(n: usize, defaults: impl Fn(usize) -> String) -> Repository {
        let mut store = ConfigStore::new();
        let node = |s: &str| Node::from_yaml_str(s).unwrap();
        store.add("", "config", node("defaults: [c0, _self_]"));
        for i in 0..n {
            let text = if i + 1 < n {
                format!("defaults: [{}, _self_]\nv{i}: {i}", defaults(i + 1))
            } else {
                format!("v{i}: {i}")
            };
            store.add("", &format!("c{i}"), node(&text));
        }
        Repository::new().with_store(Arc::new(store))
    }

    fn chain(n: usize) -> Repository {
        repo(n, |next| format!("c{next}"))
    }

    #[test]
    fn chains_as_deep_as_the_limit_compose_on_a_small_stack() {
        // The recursive walk overflowed a 2 MiB thread at ~170 levels in a
        // debug build and the process at ~8,000; the stack is now the heap's.
        let list = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(|| {
                build(
                    &chain(MAX_DEFAULTS_DEPTH),
                    "config",
                    &GroupOverrides::default(),
                )
            })
            .unwrap()
            .join()
            .unwrap()
            .unwrap();
        assert_eq!(list.defaults.len(), MAX_DEFAULTS_DEPTH + 1);
        assert_eq!(
            list.defaults[0].config_path,
            format!("c{}", MAX_DEFAULTS_DEPTH - 1)
        );
        assert_eq!(list.defaults.last().unwrap().config_path, "config");
        let tree = list.tree.render();
        // The header, then each config and its `_self_`; the last has no defaults.
        assert_eq!(tree.lines().count(), 2 + 2 * MAX_DEFAULTS_DEPTH + 1);
    }

    #[test]
    fn a_chain_past_the_limit_is_an_error_naming_it() {
        for n in [MAX_DEFAULTS_DEPTH + 1, 10_000] {
            let err = build(&chain(n), "config", &GroupOverrides::default()).unwrap_err();
            let text = err.to_string();
            assert_eq!(err.kind(), ErrorKind::Limit);
            assert!(
                text.starts_with(&format!(
                    "The defaults list nests configs more than {MAX_DEFAULTS_DEPTH} deep: \
                     'c1999' includes 'c2000' at depth 2001 \
                     (config -> c0 -> c1 -> ... -> c1998 -> c1999 -> c2000)"
                )),
                "{text}"
            );
            assert!(text.contains("store entry 'c1999'"), "{text}");
        }
    }

    #[test]
    fn a_tree_that_doubles_at_each_level_stops_at_the_node_limit() {
        // 2^24 nodes: Hydra hangs for minutes and gigabytes.
        let repo = repo(24, |next| format!("c{next}@a, c{next}@b"));
        let err = build(&repo, "config", &GroupOverrides::default()).unwrap_err();
        let text = err.to_string();
        assert_eq!(err.kind(), ErrorKind::Limit);
        assert!(
            text.starts_with(&format!(
                "The defaults tree of 'config' has more than {MAX_DEFAULTS_NODES} entries \
                 (while expanding 'c"
            )),
            "{text}"
        );
        assert!(text.contains("'c23' alone is in it"), "{text}");
        // The same tree 10 levels deep is 2,000-odd nodes, and fine.
        let list = build(
            &self::repo(10, |next| format!("c{next}@a, c{next}@b")),
            "config",
            &GroupOverrides::default(),
        )
        .unwrap();
        assert_eq!(list.defaults.len(), (1 << 10) - 1 + 1);
    }

    #[test]
    fn a_cycle_names_its_chain() {
        let repo = repo(4, |next| format!("c{}", next % 3));
        let err = build(&repo, "config", &GroupOverrides::default()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("The defaults list includes 'c0' inside itself: c0 -> c1 -> c2 -> c0"),
            "{err}"
        );
    }

    #[test]
    fn a_package_past_the_key_limit_is_an_error() {
        let deep = vec!["p"; MAX_KEY_SEGMENTS + 1].join(".");
        let repo = repo(2, |next| format!("c{next}@{deep}"));
        let err = build(&repo, "config", &GroupOverrides::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Limit);
        assert!(
            err.to_string()
                .starts_with("'c1' is placed at a package of 129 keys ('p.p.p."),
            "{err}"
        );
        let ok = vec!["p"; MAX_KEY_SEGMENTS].join(".");
        let repo = self::repo(2, |next| format!("c{next}@{ok}"));
        assert!(build(&repo, "config", &GroupOverrides::default()).is_ok());
    }

    #[test]
    fn long_option_lists_are_cut_with_a_count() {
        let many: Vec<String> = (0..100).map(|i| format!("exp_{i}")).collect();
        let text = option_lines(&many);
        assert_eq!(text.lines().count(), MAX_LISTED_OPTIONS + 1);
        assert!(text.ends_with("\t... and 60 more"), "{text}");
        assert_eq!(option_lines(&many[..2]), "\texp_0\n\texp_1");
    }
}
