//! The search path: where composition finds configs by name.
//!
//! Part of the **compose** stage, between the sources (config directories and
//! [`ConfigStore`]s) and the defaults-list builder. A [`Repository`] is an
//! ordered list of [`ConfigSource`]s; the first source that has a config wins,
//! groups exist if any source has them, and the options of a group are the
//! union over all sources.
//!
//! Lookups are by name: loading `db/mysql` stats `db/mysql.yaml` in each
//! directory. Directories are listed to build the "available options" of
//! an error message, and when one composition reads many configs of one
//! directory (a chain: see [`listing`]). Config and group names
//! that would leave their directory (`..`, absolute paths, symlinks pointing
//! outside) are refused with an error.
//!
//! ```
//! # let dir = std::env::temp_dir().join(format!("repo-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(dir.join("db")).unwrap();
//! # std::fs::write(dir.join("db/mysql.yaml"), "port: 3306\n").unwrap();
//! use config_core::compose::Repository;
//! let repo = Repository::new().with_dir(&dir).unwrap();
//! assert!(repo.group_exists("db"));
//! assert_eq!(repo.options("db"), vec!["mysql"]);
//! let cfg = repo.load("db/mysql").unwrap().unwrap();
//! assert_eq!(cfg.node.to_yaml(), "port: 3306\n");
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use crate::error::{Error, ErrorKind};
use crate::node::{Node, Value};
use crate::origin::Origin;
use crate::store::ConfigStore;
use crate::yaml::{self, Limits};
use std::ffi::OsString;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

mod listing;

/// A config as a source returns it: its body without the `defaults` key,
/// the raw defaults list, and its `# @package` header.
#[derive(Clone, Debug)]
pub struct RawConfig {
    /// The config path that was loaded (`db/mysql`).
    pub config_path: String,
    /// The config's own content (the top-level `defaults` key removed).
    pub node: Node,
    /// The top-level `defaults` value, unparsed, if the config has one.
    pub defaults: Option<Node>,
    /// The package from a `# @package` header or from the store entry.
    pub header_package: Option<String>,
    /// Where the config lives: a file path, or `store entry 'db/mysql'`.
    pub location: String,
}

/// A place configs come from: a directory, a [`ConfigStore`], or anything
/// that can find a config by path.
pub trait ConfigSource: Send + Sync {
    /// A one-line description for error messages (`provider=main, path=file://conf`).
    fn describe(&self) -> String;
    /// Loads `config_path` (without `.yaml`), or `Ok(None)` when absent.
    fn load(&self, config_path: &str) -> Result<Option<RawConfig>, Error>;
    /// [`ConfigSource::load`] within one composition, which keeps what it
    /// has learned about the file system in `cache` (a directory reads
    /// hundreds of configs of a chain). The same result as `load`.
    fn load_cached(
        &self,
        config_path: &str,
        cache: &mut ReadCache,
    ) -> Result<Option<RawConfig>, Error> {
        let _ = cache;
        self.load(config_path)
    }
    /// True when no config this source loads has a readonly node:
    /// composition then need not look for one before merging it (see
    /// `compose::merge_defaults`). The default, `false`, is always correct.
    fn loads_readonly_free(&self) -> bool {
        false
    }
    /// True when `config_path` exists here (cheap: a stat or a map lookup).
    fn exists(&self, config_path: &str) -> bool;
    /// True when `group` exists here.
    fn group_exists(&self, group: &str) -> bool;
    /// The config names of `group`, sorted (lists a directory).
    fn options(&self, group: &str) -> Vec<String>;
    /// The sub-groups directly below `group` (`""` for the top level).
    fn groups(&self, group: &str) -> Vec<String>;
}

/// What one composition has learned about its config directories while
/// reading them: the directories checked to have no symlink between their
/// source's root and them, by root (a directory plain below one root may
/// not be below another: `conf/sub/x` is plain below the root `conf/sub`
/// even when `conf/sub` is a symlink out of `conf`). Owned by the
/// composition and dropped with it: nothing is kept between compositions
/// (files may change in between).
///
/// Also the listings of the directories it reads often ([`listing`]).
///
/// Paths are compared as bytes (hashing a `Path` walks its components, on
/// every read): a directory spelled two ways is merely checked twice.
#[derive(Debug, Default)]
pub struct ReadCache {
    plain_dirs: foldhash::HashMap<OsString, foldhash::HashSet<OsString>>,
    listings: listing::Listings,
}

/// What [`DirSource::probe`] found for a config file.
enum Probe {
    /// The file's entry, which is not a symlink, in a directory without
    /// symlinks: its `lstat` is its `stat`, and it is inside the root.
    Plain(std::fs::Metadata),
    /// The directory's listing has a regular file of that name, which is
    /// not a symlink, in a directory without symlinks: no `lstat` needed.
    Listed,
    /// No such file, or a directory, in a directory without symlinks.
    Absent,
    /// Anything else (a symlink, an error): the general path decides.
    General,
}

/// A directory of YAML files: groups are sub-directories.
pub struct DirSource {
    root: PathBuf,
    canonical: PathBuf,
    limits: Limits,
}

impl DirSource {
    /// The sorted names `pick` takes from the entries of a group's
    /// directory: listed only when options are needed (errors, globs), never
    /// on the compose path.
    fn list(
        &self,
        group: &str,
        pick: impl Fn(&std::fs::DirEntry) -> Option<String>,
    ) -> Vec<String> {
        let dir = match group.trim_matches('/') {
            "" => self.root.clone(),
            g => match checked_relative(g) {
                Ok(rel) => self.root.join(rel),
                Err(_) => return Vec::new(),
            },
        };
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|rd| rd.filter_map(Result::ok).filter_map(|e| pick(&e)).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    /// A source reading `root`, which must be an existing directory.
    pub fn new(root: impl Into<PathBuf>) -> Result<DirSource, Error> {
        let root = root.into();
        let canonical = root.canonicalize().map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("Config directory '{}' cannot be read", root.display()),
            )
            .with_source(e)
            .with_hint("pass an existing directory with --config-dir")
        })?;
        if !canonical.is_dir() {
            return Err(Error::new(
                ErrorKind::Io,
                format!("'{}' is not a directory", root.display()),
            ));
        }
        Ok(DirSource {
            root,
            canonical,
            limits: Limits::default(),
        })
    }

    /// The file for `config_path`, refusing paths that leave the directory.
    fn file(&self, config_path: &str) -> Result<PathBuf, Error> {
        let rel = checked_relative(config_path)?;
        if config_path.ends_with(".yaml") {
            return Ok(self.root.join(rel));
        }
        // `root.join("{config_path}.yaml")` in one allocation, without
        // formatting (a chain reads a thousand of these).
        let mut file = PathBuf::with_capacity(self.root.as_os_str().len() + config_path.len() + 6);
        file.push(&self.root);
        file.push(rel);
        file.as_mut_os_string().push(".yaml");
        Ok(file)
    }

    /// Refuses a file whose real path (symlinks followed) is outside the root.
    fn check_inside(&self, file: &Path, config_path: &str) -> Result<(), Error> {
        // Fast path: no component below the root is a symlink (one lstat
        // per component, instead of resolving the whole path from `/`).
        if !self.has_symlink(file) {
            return Ok(());
        }
        match file.canonicalize() {
            Ok(real) if real.starts_with(&self.canonical) => Ok(()),
            Ok(real) => Err(Error::new(
                ErrorKind::MissingConfig,
                format!(
                    "Config '{config_path}' resolves to '{}', outside the config directory '{}'",
                    real.display(),
                    self.root.display()
                ),
            )
            .with_hint(
                "configs must live inside their config directory; replace the symlink by a copy",
            )),
            Err(e) => Err(
                Error::new(ErrorKind::Io, format!("Cannot read '{}'", file.display()))
                    .with_source(e),
            ),
        }
    }
}

impl DirSource {
    /// The common case in one `lstat`: a plain file in a directory this
    /// composition has already found free of symlinks (one `lstat` per
    /// directory component, the first time).
    fn probe(&self, file: &Path, cache: &mut ReadCache) -> Probe {
        let Some(dir) = file.parent() else {
            return Probe::General;
        };
        let known = cache
            .plain_dirs
            .get(self.root.as_os_str())
            .is_some_and(|dirs| dirs.contains(dir.as_os_str()));
        if !known {
            if self.has_symlink(dir) {
                return Probe::General;
            }
            let root = self.root.as_os_str().to_owned();
            let dirs = cache.plain_dirs.entry(root).or_default();
            dirs.insert(dir.as_os_str().to_owned());
        }
        if let Some(name) = file.file_name() {
            match cache.listings.lookup(dir, name) {
                listing::Listed::File => return Probe::Listed,
                listing::Listed::Dir => return Probe::Absent,
                listing::Listed::Unknown => {}
            }
        }
        match std::fs::symlink_metadata(file) {
            Ok(m) if m.file_type().is_symlink() => Probe::General,
            Ok(m) => Probe::Plain(m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Probe::Absent,
            Err(_) => Probe::General,
        }
    }

    /// Reads and loads `file`, whose metadata is `meta` (a regular file,
    /// checked to be inside the root).
    fn read(
        &self,
        config_path: &str,
        file: &Path,
        meta: &std::fs::Metadata,
    ) -> Result<Option<RawConfig>, Error> {
        let label = path_label(file);
        let text = yaml::read_text(file, meta, &label, &self.limits)?;
        self.parse(config_path, text, label)
    }

    /// The text of `file`, listed as a regular file inside the root, when
    /// reading it goes without a hitch: still a regular file once open
    /// (checked on the open file, as `yaml::read_text` does), within the
    /// size limit (the read is bounded as there), UTF-8. `None` otherwise,
    /// and the caller takes the general path, which reads the file again
    /// and reports the error exactly as for any file.
    fn read_listed(&self, file: &Path) -> Option<String> {
        use std::io::Read;
        let max = self.limits.max_size;
        let mut f = std::fs::File::open(file).ok()?;
        let meta = f.metadata().ok()?;
        if !meta.is_file() || meta.len() > max as u64 {
            return None;
        }
        let mut bytes = Vec::with_capacity((meta.len() as usize).min(max) + 1);
        (&mut f).take(max as u64 + 1).read_to_end(&mut bytes).ok()?;
        if bytes.len() > max {
            return None;
        }
        String::from_utf8(bytes).ok()
    }

    /// Parses the text of `config_path`'s file, named `label`.
    fn parse(
        &self,
        config_path: &str,
        text: String,
        label: String,
    ) -> Result<Option<RawConfig>, Error> {
        let header = package_header(&text).map_err(|m| {
            Error::new(ErrorKind::Compose, format!("In '{config_path}': {m}"))
                .with_origin(Origin::file(label.as_str(), 1, 1))
        })?;
        let node = yaml::load_str(&text, &label, &self.limits)?;
        debug_assert!(
            !crate::access::any_readonly(&node),
            "YAML sets no flags (DirSource::loads_readonly_free)"
        );
        Ok(Some(split_defaults(config_path, node, header, label)?))
    }

    /// True when `file` or a directory between the root and it is a symlink.
    fn has_symlink(&self, file: &Path) -> bool {
        let Ok(rel) = file.strip_prefix(&self.root) else {
            return true;
        };
        let mut path = self.root.clone();
        for c in rel.components() {
            path.push(c);
            match std::fs::symlink_metadata(&path) {
                Ok(m) if !m.file_type().is_symlink() => {}
                _ => return true,
            }
        }
        false
    }
}

/// `file` as error messages and origins name it: its `display` form,
/// without the formatting machinery when it is UTF-8 (the common case).
fn path_label(file: &Path) -> String {
    match file.to_str() {
        Some(s) => s.to_string(),
        None => file.display().to_string(),
    }
}

/// Resolves the `..` and `.` segments of a config path or group
/// (`eval/metrics/../../data/x` is `data/x`), as a file system does. A path
/// that would climb above the root of the config source is the same error
/// as before: the traversal guard is exactly as strict.
pub(crate) fn normalize(config_path: &str) -> Result<std::borrow::Cow<'_, str>, Error> {
    let has_dots = config_path.split('/').any(|seg| seg == ".." || seg == ".");
    if !has_dots {
        return Ok(std::borrow::Cow::Borrowed(config_path));
    }
    let mut out: Vec<&str> = Vec::new();
    for seg in config_path.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                if out.pop().is_none() {
                    return Err(Error::new(
                        ErrorKind::MissingConfig,
                        format!("Invalid config name '{config_path}': '..' would leave the config directory"),
                    )
                    .with_hint("'..' may climb only as far as the config directory's root: count the levels from the containing config's group"));
                }
            }
            s => out.push(s),
        }
    }
    Ok(std::borrow::Cow::Owned(out.join("/")))
}

/// `config_path` as a relative path, or an error if it could escape.
fn checked_relative(config_path: &str) -> Result<&Path, Error> {
    let bad = |why: &str| {
        Error::new(
            ErrorKind::MissingConfig,
            format!("Invalid config name '{config_path}': {why}"),
        )
        .with_hint("config names are paths inside the config directory, such as 'db/mysql'")
    };
    if config_path.is_empty() || config_path.contains('\0') || config_path.contains('\\') {
        return Err(bad("it is empty or has forbidden characters"));
    }
    let path = Path::new(config_path);
    for c in path.components() {
        match c {
            Component::Normal(_) => {}
            Component::ParentDir => return Err(bad("'..' would leave the config directory")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(bad("absolute paths are not allowed"))
            }
            Component::CurDir => return Err(bad("'.' is not allowed in a config name")),
        }
    }
    Ok(path)
}

impl ConfigSource for DirSource {
    fn describe(&self) -> String {
        format!("provider=main, path=file://{}", self.root.display())
    }

    fn load(&self, config_path: &str) -> Result<Option<RawConfig>, Error> {
        self.load_cached(config_path, &mut ReadCache::default())
    }

    /// Stats the file first: a missing file or a directory is no config
    /// (`Ok(None)`); a symlink out of the directory is refused before
    /// anything is read; then `yaml::read_text` refuses FIFOs, devices and
    /// files over the size limit, and reads with a bound. A plain file in
    /// a directory without symlinks (the common case) takes one `lstat`
    /// for all of that (`DirSource::probe`).
    fn load_cached(
        &self,
        config_path: &str,
        cache: &mut ReadCache,
    ) -> Result<Option<RawConfig>, Error> {
        let file = self.file(config_path)?;
        match self.probe(&file, cache) {
            Probe::Plain(m) if m.is_dir() => return Ok(None),
            Probe::Plain(m) => return self.read(config_path, &file, &m),
            Probe::Listed => {
                if let Some(text) = self.read_listed(&file) {
                    return self.parse(config_path, text, path_label(&file));
                }
            }
            Probe::Absent => return Ok(None),
            Probe::General => {}
        }
        let meta = match std::fs::metadata(&file) {
            Ok(m) if m.is_dir() => return Ok(None),
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(
                    Error::new(ErrorKind::Io, format!("Cannot read '{}'", file.display()))
                        .with_source(e),
                )
            }
        };
        self.check_inside(&file, config_path)?;
        self.read(config_path, &file, &meta)
    }

    /// YAML text carries no node flags: the loader sets none.
    fn loads_readonly_free(&self) -> bool {
        true
    }

    fn exists(&self, config_path: &str) -> bool {
        self.file(config_path).map(|f| f.is_file()).unwrap_or(false)
    }

    fn group_exists(&self, group: &str) -> bool {
        match checked_relative(group.trim_matches('/')) {
            Ok(rel) => self.root.join(rel).is_dir(),
            Err(_) => false,
        }
    }

    fn options(&self, group: &str) -> Vec<String> {
        self.list(group, |e| {
            let is_file = e.path().is_file();
            let name = e.file_name().to_str()?.strip_suffix(".yaml")?.to_string();
            is_file.then_some(name)
        })
    }

    fn groups(&self, group: &str) -> Vec<String> {
        self.list(group, |e| {
            let is_dir = e.path().is_dir();
            let name = e.file_name().to_str()?.to_string();
            is_dir.then_some(name)
        })
    }
}

/// A [`ConfigStore`] as a source (Hydra's `structured://`).
pub struct StoreSource {
    store: Arc<ConfigStore>,
}

impl StoreSource {
    /// Wraps a shared store.
    pub fn new(store: Arc<ConfigStore>) -> StoreSource {
        StoreSource { store }
    }
}

impl ConfigSource for StoreSource {
    fn describe(&self) -> String {
        "provider=schema, path=structured://".into()
    }

    fn load(&self, config_path: &str) -> Result<Option<RawConfig>, Error> {
        let Some(entry) = self.store.get(config_path) else {
            return Ok(None);
        };
        // The one copy a composition makes: the selected entry's tree
        // (none for a lazy entry of a single-use store).
        let node = entry.node_owned();
        let location = node.origin.to_string();
        let header = entry.get_package().map(str::to_string);
        Ok(Some(split_defaults(config_path, node, header, location)?))
    }

    fn exists(&self, config_path: &str) -> bool {
        self.store.get(config_path).is_some()
    }

    fn group_exists(&self, group: &str) -> bool {
        self.store.group_exists(group)
    }

    fn options(&self, group: &str) -> Vec<String> {
        self.store.options(group)
    }

    fn groups(&self, group: &str) -> Vec<String> {
        self.store.subgroups(group)
    }
}

/// Separates the top-level `defaults` key from a config's content.
fn split_defaults(
    config_path: &str,
    mut node: Node,
    header: Option<String>,
    location: String,
) -> Result<RawConfig, Error> {
    match node.value {
        // An empty file is an empty mapping, as in OmegaConf.
        Value::Null => {
            let origin = node.origin.clone();
            node = Node::with_origin(Value::Map(Default::default()), origin);
        }
        Value::Map(_) | Value::List(_) => {}
        ref other => {
            return Err(Error::new(
                ErrorKind::Compose,
                format!(
                    "Config '{config_path}' must be a mapping or a list, got {}",
                    other.type_name()
                ),
            )
            .with_origin(node.origin.clone())
            .with_hint("a config file holds a YAML mapping (`key: value` lines) or a list"))
        }
    }
    let defaults = node
        .as_map_mut_raw()
        .and_then(|m| m.shift_remove(&crate::node::Key::from("defaults")));
    Ok(RawConfig {
        config_path: config_path.to_string(),
        node,
        defaults,
        header_package: header,
        location,
    })
}

/// The `# @package` value of a YAML text: read from the leading comment
/// lines, stopping at the first line that is neither blank nor a `# @` line.
pub(crate) fn package_header(text: &str) -> Result<Option<String>, String> {
    let mut package = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some(rest) = line.strip_prefix('#') else {
            break;
        };
        let rest = rest.trim_start();
        if !rest.starts_with('@') {
            break;
        }
        let parts: Vec<&str> = rest.split(' ').filter(|p| !p.is_empty()).collect();
        if parts.len() < 2 {
            return Err(format!("Expected header format: KEY VALUE, got '{rest}'"));
        }
        if parts.len() > 2 {
            return Err(format!("Too many components in '{rest}'"));
        }
        if parts[0] == "@package" {
            package = Some(parts[1].to_string());
        }
    }
    Ok(package)
}

/// An ordered search path of sources. Cheap to clone (sources are shared).
#[derive(Clone, Default)]
pub struct Repository {
    sources: Vec<Arc<dyn ConfigSource>>,
}

impl fmt::Debug for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.sources.iter().map(|s| s.describe()))
            .finish()
    }
}

impl Repository {
    /// An empty search path.
    pub fn new() -> Repository {
        Repository::default()
    }

    /// Appends a config directory (lower priority than those before it).
    pub fn with_dir(mut self, dir: impl Into<PathBuf>) -> Result<Repository, Error> {
        self.sources.push(Arc::new(DirSource::new(dir)?));
        Ok(self)
    }

    /// Appends a store.
    pub fn with_store(mut self, store: Arc<ConfigStore>) -> Repository {
        self.sources.push(Arc::new(StoreSource::new(store)));
        self
    }

    /// Appends any source.
    pub fn with_source(mut self, source: Arc<dyn ConfigSource>) -> Repository {
        self.sources.push(source);
        self
    }

    /// Puts Hydra's own configs (the `hydra` module's `HydraSource`) first, as
    /// `pkg://hydra.conf` is first in Hydra's search path; a no-op when they
    /// are there already.
    pub fn with_hydra(mut self) -> Repository {
        let has = self
            .sources
            .first()
            .is_some_and(|s| s.describe().starts_with("provider=hydra"));
        if !has {
            self.sources
                .insert(0, Arc::new(crate::hydra::HydraSource::new()));
        }
        self
    }

    /// The sources, in priority order.
    pub fn sources(&self) -> &[Arc<dyn ConfigSource>] {
        &self.sources
    }

    /// Loads a config from the first source that has it. `..` segments
    /// are resolved first (`db/../common/base` is `common/base`, as Hydra
    /// reads it from a config dir); a path that climbs above the root is an
    /// error.
    pub fn load(&self, config_path: &str) -> Result<Option<RawConfig>, Error> {
        self.load_cached(config_path, &mut ReadCache::default())
    }

    /// [`Repository::load`] within one composition, whose `cache` spares
    /// the sources repeated file-system checks.
    pub fn load_cached(
        &self,
        config_path: &str,
        cache: &mut ReadCache,
    ) -> Result<Option<RawConfig>, Error> {
        Ok(self.load_noting_source(config_path, cache)?.map(|(c, _)| c))
    }

    /// [`Repository::load_cached`], plus whether the source that had the
    /// config [`loads_readonly_free`](ConfigSource::loads_readonly_free).
    pub(crate) fn load_noting_source(
        &self,
        config_path: &str,
        cache: &mut ReadCache,
    ) -> Result<Option<(RawConfig, bool)>, Error> {
        let path = normalize(config_path)?;
        for s in &self.sources {
            if let Some(c) = s.load_cached(&path, cache)? {
                return Ok(Some((c, s.loads_readonly_free())));
            }
        }
        Ok(None)
    }

    /// True when some source has `config_path`.
    pub fn exists(&self, config_path: &str) -> bool {
        let Ok(path) = normalize(config_path) else {
            return false;
        };
        self.sources.iter().any(|s| s.exists(&path))
    }

    /// True when some source has `group`.
    pub fn group_exists(&self, group: &str) -> bool {
        let Ok(group) = normalize(group) else {
            return false;
        };
        !group.is_empty() && self.sources.iter().any(|s| s.group_exists(&group))
    }

    /// The options of `group`, merged over all sources, sorted, unique.
    pub fn options(&self, group: &str) -> Vec<String> {
        let Ok(group) = normalize(group) else {
            return Vec::new();
        };
        let group = group.as_ref();
        let mut all: Vec<String> = self.sources.iter().flat_map(|s| s.options(group)).collect();
        all.sort();
        all.dedup();
        all
    }

    /// The sub-groups below `group`, merged over all sources.
    pub fn groups(&self, group: &str) -> Vec<String> {
        let Ok(group) = normalize(group) else {
            return Vec::new();
        };
        let group = group.as_ref();
        let mut all: Vec<String> = self.sources.iter().flat_map(|s| s.groups(group)).collect();
        all.sort();
        all.dedup();
        all
    }

    /// The search path as the lines of an error message.
    pub fn describe(&self) -> String {
        let mut out = String::from("Config search path:");
        for s in &self.sources {
            out.push_str("\n\t");
            out.push_str(&s.describe());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escapes() {
        assert!(checked_relative("../x").is_err());
        assert!(checked_relative("/etc/passwd").is_err());
        assert!(checked_relative("a/../../b").is_err());
        assert!(checked_relative("db/mysql").is_ok());
    }

    #[test]
    fn header_rules() {
        assert_eq!(
            package_header("\n# @package a.b\n").unwrap().as_deref(),
            Some("a.b")
        );
        assert!(package_header("# @package a b").is_err());
        assert_eq!(package_header("a: 1\n# @package x").unwrap(), None);
    }

    /// A fresh config directory with a `db` group holding `ok.yaml`.
    fn conf_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("repo-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("db")).unwrap();
        std::fs::write(dir.join("db/ok.yaml"), "port: 1\n").unwrap();
        dir
    }

    #[test]
    fn a_config_file_is_its_path_with_yaml_appended() {
        let dir = conf_dir("file-names");
        let source = DirSource::new(&dir).unwrap();
        for name in ["db/ok", "ok", "db/", "a.b/c.v2", "db/ok.yaml"] {
            let expected = if name.ends_with(".yaml") {
                dir.join(name)
            } else {
                dir.join(format!("{name}.yaml"))
            };
            assert_eq!(source.file(name).unwrap(), expected, "{name}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Group options that are not regular files used to hang (a FIFO) or
    /// eat memory (`/dev/zero`); each is now an error at once.
    #[cfg(unix)]
    #[test]
    fn options_that_are_not_regular_files_are_refused_at_once() {
        let dir = conf_dir("special");
        let start = std::time::Instant::now();
        std::os::unix::fs::symlink("/dev/zero", dir.join("db/zero.yaml")).unwrap();
        std::os::unix::fs::symlink("/dev/urandom", dir.join("db/random.yaml")).unwrap();
        let repo = Repository::new().with_dir(&dir).unwrap();
        for name in ["db/zero", "db/random"] {
            let e = repo.load(name).unwrap_err();
            assert!(e.message().contains("outside the config directory"), "{e}");
        }
        // Inside the directory, a device or a FIFO is named for what it is.
        let source = DirSource {
            root: dir.clone(),
            canonical: "/".into(),
            limits: Limits::default(),
        };
        std::fs::create_dir_all(dir.join("dev")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.join("dev/zero.yaml")).unwrap();
        let e = source.load("dev/zero").unwrap_err();
        assert!(
            e.message()
                .contains("not a regular file: it is a character device"),
            "{e}"
        );
        let fifo = dir.join("db/pipe.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let e = repo.load("db/pipe").unwrap_err();
            assert!(e.message().contains("a FIFO"), "{e}");
            assert_eq!(repo.options("db"), vec!["ok"]);
        }
        assert!(repo.load("db/ok").unwrap().is_some());
        assert!(repo.load("db/none").unwrap().is_none());
        assert!(repo.load("db").unwrap().is_none()); // a directory
        assert!(start.elapsed().as_millis() < 1000);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A 2 GiB option file used to abort on a 4 GiB allocation.
    #[test]
    fn a_huge_option_is_refused_before_reading() {
        let dir = conf_dir("huge");
        let f = std::fs::File::create(dir.join("db/huge.yaml")).unwrap();
        f.set_len(2 << 30).unwrap(); // sparse
        let repo = Repository::new().with_dir(&dir).unwrap();
        let start = std::time::Instant::now();
        let e = repo.load("db/huge").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
        assert!(e.message().contains("2147483648 bytes"), "{e}");
        assert!(start.elapsed().as_millis() < 1000);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// One composition reads a directory through two sources, the second
    /// rooted at a symlink inside the first: what the second found plain
    /// does not let the first read through the symlink.
    #[cfg(unix)]
    #[test]
    fn a_directory_plain_below_one_root_is_checked_again_below_another() {
        let dir = conf_dir("nested");
        let outside = dir.with_extension("outside");
        let _ = std::fs::remove_dir_all(&outside);
        std::fs::create_dir_all(outside.join("x")).unwrap();
        std::fs::write(outside.join("x/c.yaml"), "a: 1\n").unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("sub")).unwrap();
        let outer = DirSource::new(&dir).unwrap();
        let inner = DirSource::new(dir.join("sub")).unwrap();
        let mut cache = ReadCache::default();
        assert!(inner.load_cached("x/c", &mut cache).unwrap().is_some());
        let e = outer.load_cached("sub/x/c", &mut cache).unwrap_err();
        assert!(e.message().contains("outside the config directory"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_dir_all(&outside).unwrap();
    }

    /// Once a composition has read enough configs of a directory to list
    /// it, every kind of name still loads as it did before the listing.
    #[cfg(unix)]
    #[test]
    fn a_listed_directory_loads_every_kind_of_name_as_before() {
        let dir = conf_dir("listed");
        for i in 0..100 {
            std::fs::write(dir.join(format!("db/c{i}.yaml")), format!("i: {i}\n")).unwrap();
        }
        std::fs::create_dir_all(dir.join("db/sub")).unwrap();
        std::fs::write(dir.join("db/bad.yaml"), b"a: \xff\n").unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.join("db/zero.yaml")).unwrap();
        std::os::unix::fs::symlink("ok.yaml", dir.join("db/link.yaml")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(dir.join("db/pipe.yaml"))
            .status()
            .is_ok_and(|s| s.success());
        let source = DirSource::new(&dir).unwrap();
        let mut cache = ReadCache::default();
        for i in 0..100 {
            let c = source.load_cached(&format!("db/c{i}"), &mut cache);
            assert_eq!(c.unwrap().unwrap().node.to_yaml(), format!("i: {i}\n"));
        }
        let mut load = |name: &str| source.load_cached(name, &mut cache);
        assert_eq!(
            load("db/link").unwrap().unwrap().node.to_yaml(),
            "port: 1\n"
        );
        assert!(load("db/sub").unwrap().is_none());
        assert!(load("db/none").unwrap().is_none());
        let e = load("db/zero").unwrap_err();
        assert!(e.message().contains("outside the config directory"), "{e}");
        let e = load("db/bad").unwrap_err();
        assert!(e.message().contains("not valid UTF-8"), "{e}");
        if made {
            let e = load("db/pipe").unwrap_err();
            assert!(e.message().contains("a FIFO"), "{e}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn store_source_lists_and_loads() {
        let mut store = ConfigStore::new();
        store
            .add("db", "mysql", Node::empty_map())
            .package("_global_");
        let repo = Repository::new().with_store(Arc::new(store));
        assert!(repo.group_exists("db"));
        assert_eq!(repo.options("db"), vec!["mysql"]);
        let c = repo.load("db/mysql").unwrap().unwrap();
        assert_eq!(c.header_package.as_deref(), Some("_global_"));
        assert!(repo.load("db/pg").unwrap().is_none());
    }
}

#[cfg(test)]
mod doc_examples {
    #[test]
    fn normalize_example() {
        use crate::repository::normalize;
        assert_eq!(normalize("db/../common/base").unwrap(), "common/base");
        assert_eq!(normalize("db/mysql").unwrap(), "db/mysql");
        assert!(normalize("db/../../etc/passwd").is_err());
    }
    #[test]
    fn package_header_example() {
        use crate::repository::package_header;
        assert_eq!(
            package_header("# @package _global_\na: 1")
                .unwrap()
                .as_deref(),
            Some("_global_")
        );
        assert_eq!(package_header("# note\n# @package x\na: 1").unwrap(), None);
    }
}
