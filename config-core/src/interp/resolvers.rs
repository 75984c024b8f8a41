//! The resolver registry: a value, not a global. [`Resolvers::default`]
//! holds OmegaConf's built-ins (`oc.env`, `oc.decode`, `oc.create`,
//! `oc.select`, `oc.deprecated`, `oc.dict.keys`, `oc.dict.values`) and
//! Hydra's `now`, written in `interp/builtins.rs`; users add closures with
//! [`Resolvers::register`]. A resolver sees its call as a [`Call`].
//!
//! Place in the flow: passed to [`super::resolve()`] by whoever resolves
//! (the `config` tool, composition, the typed layer). Cached resolvers keep
//! their results inside the registry (keyed by the argument text, as
//! OmegaConf does), so one registry value gives stable results for a run;
//! a fresh registry starts with an empty cache.
//!
//! Warnings (`oc.deprecated`, empty arguments) are collected in the registry;
//! read them with [`Resolvers::take_warnings`]. The `config` tool prints them
//! to standard error.

use super::builtins::{
    now, oc_create, oc_decode, oc_deprecated, oc_dict_keys, oc_dict_values, oc_env, oc_select,
};
use super::grammar;
use super::resolve::{Engine, Ev, Lookup, Pos};
use crate::error::{Error, ErrorKind};
use crate::node::{Node, Value};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

/// A resolver: receives the call (arguments, access to the config) and
/// returns the value. Errors are reported with the key being resolved.
pub type ResolverFn = dyn Fn(&mut Call<'_, '_>) -> Result<Node, Error> + Send + Sync;

pub(crate) struct Entry {
    pub(crate) f: Arc<ResolverFn>,
    pub(crate) use_cache: bool,
}

/// A set of named resolvers, their cache, and the warnings they emitted.
///
/// ```
/// use config_core::interp::{resolve, Resolvers};
/// use config_core::{Error, ErrorKind, Node, Value};
/// let mut r = Resolvers::default();
/// r.register("plus", |call| {
///     let mut sum = 0;
///     for a in call.args() {
///         match a.value {
///             Value::Int(i) => sum += i,
///             _ => return Err(Error::new(ErrorKind::Validation, "plus takes integers")),
///         }
///     }
///     Ok(Node::from(sum))
/// }, false).unwrap();
/// assert!(r.register("plus", |_| Ok(Node::from(0)), false).is_err());
/// let mut cfg = Node::from_yaml_str("a: 2\nb: ${plus:${a}, 3}\n").unwrap();
/// resolve(&mut cfg, &r).unwrap();
/// assert_eq!(cfg.get("b").unwrap().value, Value::Int(5));
/// ```
pub struct Resolvers {
    entries: BTreeMap<String, Entry>,
    cache: Mutex<HashMap<(String, Vec<String>), Node>>,
    warnings: Mutex<Vec<String>>,
    clock: OnceLock<SystemTime>,
}

impl Default for Resolvers {
    /// The built-ins: `oc.env`, `oc.decode`, `oc.create`, `oc.select`,
    /// `oc.deprecated`, `oc.dict.keys`, `oc.dict.values`, `now`.
    fn default() -> Resolvers {
        let mut r = Resolvers::empty();
        r.put("oc.env", Arc::new(oc_env), false);
        r.put("oc.decode", Arc::new(oc_decode), false);
        r.put("oc.create", Arc::new(oc_create), false);
        r.put("oc.select", Arc::new(oc_select), false);
        r.put("oc.deprecated", Arc::new(oc_deprecated), false);
        r.put("oc.dict.keys", Arc::new(oc_dict_keys), false);
        r.put("oc.dict.values", Arc::new(oc_dict_values), false);
        r.put("now", Arc::new(now), true);
        r
    }
}

impl Clone for Resolvers {
    /// Copies the resolvers and the cache (as Hydra copies the cache into
    /// each job of a sweep); warnings are not copied.
    fn clone(&self) -> Resolvers {
        let entries = self
            .entries
            .iter()
            .map(|(k, e)| {
                (
                    k.clone(),
                    Entry {
                        f: e.f.clone(),
                        use_cache: e.use_cache,
                    },
                )
            })
            .collect();
        let clock = OnceLock::new();
        if let Some(t) = self.clock.get() {
            let _ = clock.set(*t);
        }
        Resolvers {
            entries,
            cache: Mutex::new(lock(&self.cache).clone()),
            warnings: Mutex::new(Vec::new()),
            clock,
        }
    }
}

impl fmt::Debug for Resolvers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolvers")
            .field("names", &self.names())
            .finish()
    }
}

/// Locks a mutex, recovering the data if a resolver panicked while holding it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Resolvers {
    /// A registry with no resolvers at all.
    pub fn empty() -> Resolvers {
        Resolvers {
            entries: BTreeMap::new(),
            cache: Mutex::new(HashMap::new()),
            warnings: Mutex::new(Vec::new()),
            clock: OnceLock::new(),
        }
    }

    fn put(&mut self, name: &str, f: Arc<ResolverFn>, use_cache: bool) {
        lock(&self.cache).retain(|(n, _), _| n != name);
        self.entries
            .insert(name.to_string(), Entry { f, use_cache });
    }

    /// Registers `f` as `name` (dotted names such as `mylib.plus` are fine).
    /// With `use_cache`, results are kept per argument text for the life of
    /// this registry. Fails when `name` is taken: see [`Resolvers::replace`].
    pub fn register<F>(&mut self, name: &str, f: F, use_cache: bool) -> Result<(), Error>
    where
        F: Fn(&mut Call<'_, '_>) -> Result<Node, Error> + Send + Sync + 'static,
    {
        check_name(name)?;
        if self.entries.contains_key(name) {
            return Err(Error::new(
                ErrorKind::Resolver,
                format!("resolver '{name}' is already registered"),
            )
            .with_hint("use Resolvers::replace to replace it"));
        }
        self.put(name, Arc::new(f), use_cache);
        Ok(())
    }

    /// Registers `f` as `name`, replacing any resolver of that name (and
    /// dropping its cached results).
    pub fn replace<F>(&mut self, name: &str, f: F, use_cache: bool) -> Result<(), Error>
    where
        F: Fn(&mut Call<'_, '_>) -> Result<Node, Error> + Send + Sync + 'static,
    {
        check_name(name)?;
        self.put(name, Arc::new(f), use_cache);
        Ok(())
    }

    /// True when `name` is registered.
    pub fn has(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// Removes `name`; true when it was registered.
    pub fn remove(&mut self, name: &str) -> bool {
        lock(&self.cache).retain(|(n, _), _| n != name);
        self.entries.remove(name).is_some()
    }

    /// The registered names, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.entries.keys().map(String::as_str).collect()
    }

    /// Forgets every cached result.
    pub fn clear_cache(&self) {
        lock(&self.cache).clear();
    }

    /// Fixes the time `now` reports. By default it is taken at its first use
    /// and then stays the same for this registry, so every `${now:...}` of a
    /// run agrees; a launcher can pass one start time to all ranks.
    pub fn set_now(&mut self, t: SystemTime) {
        self.clock = OnceLock::new();
        let _ = self.clock.set(t);
        lock(&self.cache).retain(|(n, _), _| n != "now");
    }

    /// Returns and clears the warnings emitted so far (e.g. by `oc.deprecated`).
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.warnings))
    }

    pub(crate) fn warn(&self, message: String) {
        lock(&self.warnings).push(message);
    }

    pub(crate) fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries.get(name)
    }

    pub(crate) fn cached(&self, name: &str, texts: &[String]) -> Option<Node> {
        lock(&self.cache)
            .get(&(name.to_string(), texts.to_vec()))
            .cloned()
    }

    pub(crate) fn store(&self, name: &str, texts: Vec<String>, value: Node) {
        lock(&self.cache).insert((name.to_string(), texts), value);
    }

    pub(crate) fn now_time(&self) -> SystemTime {
        *self.clock.get_or_init(SystemTime::now)
    }
}

fn check_name(name: &str) -> Result<(), Error> {
    if name.split('.').all(grammar::is_id) {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::Resolver, format!("invalid resolver name '{name}'"))
            .with_hint("a name is dot-separated parts of letters, digits, '_' and '-', each starting with a letter or '_'"))
    }
}

/// One resolver call: its arguments and a view of the config being resolved.
pub struct Call<'c, 'e> {
    pub(crate) engine: &'c mut Engine<'e>,
    pub(crate) name: &'c str,
    pub(crate) args: Vec<Node>,
    pub(crate) texts: Vec<String>,
    /// The container of the node being resolved (OmegaConf's `_parent_`).
    pub(crate) base: Pos,
    /// Set by built-ins that return a node of the tree itself.
    pub(crate) result_ref: Option<Pos>,
}

impl Call<'_, '_> {
    /// The resolver name as called (`oc.env`).
    pub fn name(&self) -> &str {
        self.name
    }

    /// The evaluated arguments: typed primitives, strings, lists, mappings,
    /// and the values of nested interpolations.
    pub fn args(&self) -> &[Node] {
        &self.args
    }

    /// The full key of the node being resolved (`a.b[0]`).
    pub fn key(&self) -> String {
        self.engine
            .current()
            .map(|p| self.engine.full_key(p))
            .unwrap_or_default()
    }

    /// The value at `key`, resolved, as OmegaConf's `select`: keys starting
    /// with `.` are relative to the container of the node being resolved,
    /// others start at the root. `None` when there is no such node; a `???`
    /// value comes back as [`Value::Missing`].
    ///
    /// Pass its errors on (`?`): when a long chain makes resolution suspend
    /// the evaluation (to bound its stack use), the error says so, and the
    /// call is made again once the chain's far end is resolved.
    pub fn select(&mut self, key: &str) -> Result<Option<Node>, Error> {
        match self.find(key)? {
            Found::Node(p) => self.engine.materialize(Ev::Ref(p)).map(Some),
            Found::Missing(_) => Ok(Some(Node::new(Value::Missing))),
            Found::None => Ok(None),
        }
    }

    /// Records a warning in the registry (see [`Resolvers::take_warnings`]).
    pub fn warn(&self, message: impl Into<String>) {
        self.engine.resolvers.warn(message.into());
    }

    pub(crate) fn find(&mut self, key: &str) -> Result<Found, Error> {
        let base = self.base.clone();
        Ok(match self.engine.lookup(key, &base, false)? {
            Lookup::Found(p) => Found::Node(p),
            Lookup::Missing(p) => Found::Missing(p),
            Lookup::BeyondRoot => {
                return Err(
                    raised("ConfigKeyError", &format!("Error resolving key '{key}'")).with_hint(
                        "the relative key climbs above the root of the config: use fewer dots",
                    ),
                )
            }
            Lookup::NotFound { .. } | Lookup::NotContainer { .. } => Found::None,
        })
    }
}

pub(crate) enum Found {
    Node(Pos),
    /// A `???` value, at this position.
    Missing(Pos),
    None,
}

/// An error raised inside a resolver, worded as OmegaConf wraps it.
pub(crate) fn raised(python_class: &str, message: &str) -> Error {
    Error::new(
        ErrorKind::Resolver,
        format!("{python_class} raised while resolving interpolation: {message}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::builtins::format_now;
    use crate::interp::resolve;
    use crate::node::Key;
    use crate::node::Map;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::UNIX_EPOCH;

    fn cfg(entries: &[(&str, Node)]) -> Node {
        let mut m = Map::new();
        for (k, v) in entries {
            m.insert(Key::from(*k), v.clone());
        }
        Node::new(Value::Map(m))
    }

    fn get(n: &Node, k: &str) -> Value {
        n.get(k).unwrap().value.clone()
    }

    /// As omegaconf 2.3.1 resolves them: a resolver's `???` result is
    /// missing to `oc.select`, and `oc.deprecated` follows a key to `???`.
    #[test]
    fn missing_results_and_targets() {
        let mut n = Node::from_yaml_str(
            "x: ${oc.decode:'???'}\nc: ${oc.select:x,d}\ne: ${oc.select:x}\n\
             y: ${x}\nz: ${oc.select:y,q}\nm: ???\nd: ${oc.deprecated:m}\n\
             s: x_${oc.deprecated:m}\n",
        )
        .unwrap();
        let r = Resolvers::default();
        resolve(&mut n, &r).unwrap();
        assert_eq!(get(&n, "c"), Value::Str("d".into()));
        assert_eq!(get(&n, "e"), Value::Null);
        assert_eq!(get(&n, "z"), Value::Str("q".into()));
        assert_eq!(get(&n, "d"), Value::Missing);
        assert_eq!(get(&n, "s"), Value::Str("x_???".into()));
        assert_eq!(r.take_warnings().len(), 2);
    }

    #[test]
    fn register_replace_and_names() {
        let mut r = Resolvers::default();
        assert!(r.has("oc.env") && r.has("now"));
        r.register(
            "my.plus1",
            |c| Ok(Node::from(c.args().len() as i64 + 1)),
            false,
        )
        .unwrap();
        let e = r
            .register("my.plus1", |_| Ok(Node::from(0)), false)
            .unwrap_err();
        assert_eq!(e.message(), "resolver 'my.plus1' is already registered");
        r.replace("my.plus1", |_| Ok(Node::from(7)), false).unwrap();
        assert!(r
            .register("bad name", |_| Ok(Node::from(0)), false)
            .is_err());
        let mut n = cfg(&[("a", Node::from("${my.plus1:}"))]);
        resolve(&mut n, &r).unwrap();
        assert_eq!(get(&n, "a"), Value::Int(7));
        assert!(r.remove("my.plus1") && !r.has("my.plus1"));
    }

    #[test]
    fn cache_is_keyed_by_argument_text() {
        let calls = Arc::new(AtomicUsize::new(0));
        let mut r = Resolvers::empty();
        let counter = calls.clone();
        r.register(
            "count",
            move |_| Ok(Node::from(counter.fetch_add(1, Ordering::SeqCst) as i64)),
            true,
        )
        .unwrap();
        let mut n = cfg(&[
            ("a", Node::from("${count:0,10000}")),
            ("b", Node::from("${count:0, 10000}")),
            ("c", Node::from("${count:1}")),
        ]);
        resolve(&mut n, &r).unwrap();
        assert_eq!((get(&n, "a"), get(&n, "b")), (Value::Int(0), Value::Int(0)));
        assert_eq!(get(&n, "c"), Value::Int(1));
        r.clear_cache();
        let mut again = cfg(&[("a", Node::from("${count:0,10000}"))]);
        resolve(&mut again, &r).unwrap();
        assert_eq!(get(&again, "a"), Value::Int(2));
    }

    #[test]
    fn user_resolvers_see_the_config_and_errors_are_wrapped() {
        let mut r = Resolvers::default();
        r.register(
            "double",
            |c| {
                let key = match c.args().first().map(|a| &a.value) {
                    Some(Value::Str(s)) => s.clone(),
                    _ => return Err(Error::new(ErrorKind::Validation, "double takes a key")),
                };
                match c.select(&key)?.map(|n| n.value) {
                    Some(Value::Int(i)) => Ok(Node::from(2 * i)),
                    _ => Err(Error::new(
                        ErrorKind::Validation,
                        format!("no int at {key}"),
                    )),
                }
            },
            false,
        )
        .unwrap();
        let mut n = cfg(&[
            ("x", Node::from(21)),
            ("sub", cfg(&[("y", Node::from("${double:..x}"))])),
        ]);
        resolve(&mut n, &r).unwrap();
        assert_eq!(n.select("sub.y").unwrap().unwrap().value, Value::Int(42));
        let mut bad = cfg(&[("z", Node::from("${double:nope}"))]);
        let e = resolve(&mut bad, &r).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Resolver);
        assert_eq!(
            e.message(),
            "Resolver 'double' failed while resolving interpolation: no int at nope"
        );
        assert_eq!(e.key(), Some("z"));
    }

    #[test]
    fn env_values_are_strings() {
        std::env::set_var("CONFIG_CORE_INTERP_T_NUM", "5");
        let mut n = cfg(&[
            ("a", Node::from("${oc.env:CONFIG_CORE_INTERP_T_NUM}")),
            ("b", Node::from("${oc.env:CONFIG_CORE_INTERP_T_UNSET,1.5}")),
            ("c", Node::from("${oc.env:CONFIG_CORE_INTERP_T_UNSET,null}")),
            (
                "d",
                Node::from("${oc.decode:${oc.env:CONFIG_CORE_INTERP_T_NUM}}"),
            ),
        ]);
        resolve(&mut n, &Resolvers::default()).unwrap();
        assert_eq!(get(&n, "a"), Value::Str("5".into()));
        assert_eq!(get(&n, "b"), Value::Str("1.5".into()));
        assert_eq!(get(&n, "c"), Value::Null);
        assert_eq!(get(&n, "d"), Value::Int(5));
        let mut bad = cfg(&[("h", Node::from("${oc.env:CONFIG_CORE_INTERP_T_UNSET}"))]);
        let e = resolve(&mut bad, &Resolvers::default()).unwrap_err();
        assert_eq!(
            e.message(),
            "KeyError raised while resolving interpolation: \"Environment variable 'CONFIG_CORE_INTERP_T_UNSET' not found\""
        );
    }

    #[test]
    fn select_decode_keys_values_deprecated() {
        let r = Resolvers::default();
        let mut n = cfg(&[
            (
                "m",
                cfg(&[("k", Node::from(1)), ("j", Node::from("${m.k}"))]),
            ),
            ("miss", Node::new(Value::Missing)),
            ("s1", Node::from("${oc.select:m.k,0}")),
            ("s2", Node::from("${oc.select:m.zz,8}")),
            ("s3", Node::from("${oc.select:miss,9}")),
            ("d", Node::from("${oc.decode:'{a: [1, x]}'}")),
            ("ks", Node::from("${oc.dict.keys:m}")),
            ("vs", Node::from("${oc.dict.values:m}")),
            ("old", Node::from("${oc.deprecated:m.k}")),
        ]);
        resolve(&mut n, &r).unwrap();
        assert_eq!(get(&n, "s1"), Value::Int(1));
        assert_eq!(get(&n, "s2"), Value::Int(8));
        assert_eq!(get(&n, "s3"), Value::Int(9));
        assert_eq!(
            n.select("d.a[1]").unwrap().unwrap().value,
            Value::Str("x".into())
        );
        assert_eq!(
            get(&n, "ks"),
            Value::List(vec![Node::from("k"), Node::from("j")])
        );
        assert_eq!(
            get(&n, "vs"),
            Value::List(vec![Node::from(1), Node::from(1)])
        );
        assert_eq!(get(&n, "old"), Value::Int(1));
        assert_eq!(
            r.take_warnings(),
            vec!["'old' is deprecated. Change your code and config to use 'm.k'".to_string()]
        );
        assert!(r.take_warnings().is_empty());
    }

    #[test]
    fn now_is_stable_and_settable() {
        let mut r = Resolvers::default();
        let t = UNIX_EPOCH + std::time::Duration::from_secs(86_400);
        r.set_now(t);
        let mut n = cfg(&[
            ("a", Node::from("${now:%Y-%m-%d}")),
            ("b", Node::from("run_${now:%H-%M-%S}")),
            ("c", Node::from("${now:%Y-%m-%d}")),
        ]);
        resolve(&mut n, &r).unwrap();
        // Local time: the machine's zone, so compare with formatting there.
        let sys = jiff::tz::TimeZone::system();
        let day = format_now(t, &sys, "%Y-%m-%d").unwrap();
        assert_eq!(get(&n, "a"), Value::Str(day.as_str().into()));
        assert_eq!(get(&n, "c"), Value::Str(day.into()));
        let hms = format_now(t, &sys, "%H-%M-%S").unwrap();
        assert_eq!(get(&n, "b"), Value::Str(format!("run_{hms}").into()));
        // Pinned: the same in a later resolution with this registry.
        let mut m = cfg(&[("a", Node::from("${now:%Y-%m-%d %H:%M:%S.%f}"))]);
        resolve(&mut m, &r).unwrap();
        let full = format_now(t, &sys, "%Y-%m-%d %H:%M:%S.%f").unwrap();
        assert_eq!(get(&m, "a"), Value::Str(full.into()));
        // Unpinned, the clock is read once, at the first use.
        let r = Resolvers::default();
        let mut n = cfg(&[("a", Node::from("${now:%f}"))]);
        resolve(&mut n, &r).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let mut m = cfg(&[("a", Node::from("${now:%S.%f}"))]);
        resolve(&mut m, &r).unwrap();
        let (Value::Str(f), Value::Str(sf)) = (get(&n, "a"), get(&m, "a")) else {
            panic!("now gives strings")
        };
        assert!(sf.ends_with(&format!(".{f}")), "{f} vs {sf}");
    }

    #[test]
    fn now_is_local_time() {
        let t = UNIX_EPOCH + std::time::Duration::from_micros(1_700_000_000_000_005);
        let utc = jiff::tz::TimeZone::UTC;
        let pattern = "%Y-%m-%d_%H-%M-%S.%f|%z|%Z";
        assert_eq!(
            format_now(t, &utc, pattern).unwrap(),
            "2023-11-14_22-13-20.000005||"
        );
        let plus_nine = jiff::tz::TimeZone::fixed(jiff::tz::offset(9));
        assert_eq!(
            format_now(t, &plus_nine, pattern).unwrap(),
            "2023-11-15_07-13-20.000005||"
        );
        // The resolver uses the system zone (TZ, else /etc/localtime).
        let mut r = Resolvers::default();
        r.set_now(t);
        let mut n = cfg(&[("a", Node::from(format!("${{now:{pattern}}}")))]);
        resolve(&mut n, &r).unwrap();
        let want = format_now(t, &jiff::tz::TimeZone::system(), pattern).unwrap();
        assert_eq!(get(&n, "a"), Value::Str(want.into()));
        // Python's datetime stops at year 9999.
        let far = UNIX_EPOCH + std::time::Duration::from_secs(300_000_000_000);
        let e = format_now(far, &utc, "%Y").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Resolver);
    }

    #[test]
    fn resolving_a_long_interpolation_is_fast() {
        // Hydra #1480's shape, 100 KB long.
        let long = "x".repeat(50_000);
        let mut r = Resolvers::empty();
        r.register("join", |c| Ok(Node::from(c.args().len() as i64)), false)
            .unwrap();
        let mut n = cfg(&[
            (&format!("{long}1"), Node::from("a")),
            ("a_key", Node::from(1)),
            (
                "v",
                Node::from(format!("${{{long}1}}_${{join:${{a_key}},{long}}}")),
            ),
        ]);
        resolve(&mut n, &r).unwrap();
        assert_eq!(get(&n, "v"), Value::Str("a_2".into()));
    }
}
