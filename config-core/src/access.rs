//! Reading and writing the tree by path, honouring the readonly and struct
//! flags: `select`, `select_mut`, `set`, `update`, `delete`, `missing_keys`,
//! `leaves`.
//!
//! Readonly, as OmegaConf: a node's own flag, else its parent's. A write
//! fails when it would change a readonly node: setting or adding a key
//! below one, replacing or deleting one, or replacing or deleting a subtree
//! that holds one. The errors are [`ErrorKind::Readonly`] and name the key.

use crate::error::{Error, ErrorKind};
use crate::merge::merge_at;
use crate::node::{Key, Map, Node, StrKey, Value};
use crate::path::{child_key, index_key, parse_path};

/// How [`Node::update`] treats an existing value and missing parents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UpdateMode {
    /// Merge a mapping value into an existing mapping instead of replacing it.
    pub merge: bool,
    /// Create the key (and its parents) even in struct mode.
    pub force_add: bool,
}

impl Default for UpdateMode {
    fn default() -> Self {
        UpdateMode {
            merge: true,
            force_add: false,
        }
    }
}

/// Finds the key of `map` that a path segment names: a string key first,
/// then an int, float or bool key spelled the same way.
pub(crate) fn find_key(map: &Map, seg: &str) -> Option<usize> {
    if let Some(i) = map.get_index_of(&StrKey(seg)) {
        return Some(i);
    }
    let alt = if let Ok(i) = seg.parse::<i64>() {
        Key::Int(i)
    } else if let Ok(f) = seg.parse::<f64>() {
        Key::Float(f)
    } else {
        match seg {
            "true" | "True" => Key::Bool(true),
            "false" | "False" => Key::Bool(false),
            _ => return None,
        }
    };
    map.get_index_of(&alt)
}

fn child<'a>(node: &'a Node, seg: &str) -> Option<&'a Node> {
    match &node.value {
        Value::Map(m) => find_key(m, seg).map(|i| &m[i]),
        Value::List(l) => seg.parse::<usize>().ok().and_then(|i| l.get(i)),
        _ => None,
    }
}

fn child_mut<'a>(node: &'a mut Node, seg: &str) -> Option<&'a mut Node> {
    match &mut node.value {
        Value::Map(m) => find_key(m, seg).map(move |i| &mut m[i]),
        Value::List(l) => seg.parse::<usize>().ok().and_then(move |i| l.get_mut(i)),
        _ => None,
    }
}

fn full_key(parent: &str, parent_node: &Node, seg: &str) -> String {
    match (&parent_node.value, seg.parse::<usize>()) {
        (Value::List(_), Ok(i)) => index_key(parent, i),
        _ => child_key(parent, &Key::from(seg.to_string())),
    }
}

impl Node {
    /// The node at `path`, or `None` when nothing is there.
    ///
    /// ```
    /// use config_core::{Node, Value};
    /// let cfg = Node::from_yaml_str("a: {b: [10, 20]}\n'k.d': 1\n").unwrap();
    /// assert_eq!(cfg.select("a.b[1]").unwrap().unwrap().value, Value::Int(20));
    /// assert_eq!(cfg.select("a.b.0").unwrap().unwrap().value, Value::Int(10));
    /// assert_eq!(cfg.select("['k.d']").unwrap().unwrap().value, Value::Int(1));
    /// assert!(cfg.select("a.zz").unwrap().is_none());
    /// ```
    pub fn select(&self, path: &str) -> Result<Option<&Node>, Error> {
        let mut node = self;
        for seg in parse_path(path)? {
            match child(node, &seg) {
                Some(c) => node = c,
                None => return Ok(None),
            }
        }
        Ok(Some(node))
    }

    /// The node at `path`, mutably, or `None` when nothing is there. A
    /// `&mut Node` can change anything below it, so this fails
    /// ([`ErrorKind::Readonly`]) when the node or any node below it is
    /// readonly (its own flag, or inherited from the path above it); the
    /// error names the first such key.
    ///
    /// ```
    /// use config_core::{ErrorKind, Node, Value};
    /// let mut cfg = Node::from_yaml_str("a: {b: 1}\nc: 2").unwrap();
    /// cfg.select_mut("a.b").unwrap().unwrap().value = Value::Int(5);
    /// cfg.get_mut("a").unwrap().unwrap().set_readonly(true);
    /// let err = cfg.select_mut("a.b").unwrap_err();
    /// assert_eq!((err.kind(), err.key()), (ErrorKind::Readonly, Some("a.b")));
    /// assert!(cfg.select_mut("c").is_ok());
    /// ```
    pub fn select_mut(&mut self, path: &str) -> Result<Option<&mut Node>, Error> {
        let segs = parse_path(path)?;
        let mut node: &Node = self;
        let mut inherited = false;
        let mut key = String::new();
        for seg in &segs {
            let next_key = full_key(&key, node, seg);
            match child(node, seg) {
                Some(c) => {
                    inherited = node.flags().readonly.unwrap_or(inherited);
                    node = c;
                    key = next_key;
                }
                None => return Ok(None),
            }
        }
        check_writable(node, inherited, &key)?;
        Ok(self.walk_mut(&segs))
    }

    /// [`Node::select_mut`] ignoring flags: for the engine's own writes
    /// (composition, the hydra node), which are not user writes.
    pub(crate) fn select_mut_raw(&mut self, path: &str) -> Result<Option<&mut Node>, Error> {
        Ok(self.walk_mut(&parse_path(path)?))
    }

    fn walk_mut(&mut self, segs: &[String]) -> Option<&mut Node> {
        let mut node = self;
        for seg in segs {
            node = child_mut(node, seg)?;
        }
        Some(node)
    }

    /// Sets the value at `path`. The parent must exist; a new key fails in a
    /// struct mapping, and any write fails below a readonly node.
    ///
    /// ```
    /// use config_core::Node;
    /// let mut cfg = Node::from_yaml_str("a: {b: 1}").unwrap();
    /// cfg.set_struct(true);
    /// assert!(cfg.set("a.b", Node::from(2)).is_ok());
    /// let err = cfg.set("a.c", Node::from(3)).unwrap_err();
    /// assert!(err.to_string().contains("full_key: a.c"));
    /// ```
    pub fn set(&mut self, path: &str, value: Node) -> Result<(), Error> {
        self.write(
            path,
            value,
            UpdateMode {
                merge: false,
                force_add: false,
            },
            false,
        )
    }

    /// OmegaConf's `update`: sets the value at `path`, creating missing
    /// parents. With `merge`, a mapping merges into an existing mapping.
    /// With `force_add`, keys are created even in struct mode.
    pub fn update(&mut self, path: &str, value: Node, mode: UpdateMode) -> Result<(), Error> {
        self.write(path, value, mode, true)
    }

    fn write(
        &mut self,
        path: &str,
        value: Node,
        mode: UpdateMode,
        create: bool,
    ) -> Result<(), Error> {
        let segs = parse_path(path)?;
        let Some((last, parents)) = segs.split_last() else {
            return Err(Error::new(
                ErrorKind::KeyNotFound,
                "Cannot set the root of a config",
            ));
        };
        let mut node = self;
        let mut key = String::new();
        let mut readonly = node.flags().readonly.unwrap_or(false);
        let mut strict = node.flags().struct_mode.unwrap_or(false);
        for seg in parents {
            let next_key = full_key(&key, node, seg);
            if child(node, seg).is_none() {
                if !create {
                    return Err(Error::new(
                        ErrorKind::KeyNotFound,
                        format!("Key '{seg}' not found"),
                    )
                    .with_key(next_key));
                }
                check_add(node, seg, &next_key, readonly, strict && !mode.force_add)?;
                add_child(node, seg, Node::empty_map());
            }
            node = child_mut(node, seg).expect("child exists");
            key = next_key;
            readonly = node.flags().readonly.unwrap_or(readonly);
            strict = node.flags().struct_mode.unwrap_or(strict);
        }
        let full = full_key(&key, node, last);
        if readonly {
            return Err(readonly_error(&full));
        }
        match child_mut(node, last) {
            Some(existing) => {
                if mode.merge && existing.as_map().is_some() && value.as_map().is_some() {
                    // The merge checks every node it would write.
                    if existing.flags().readonly == Some(true) {
                        return Err(readonly_error(&full));
                    }
                    merge_at(existing, value, &full)
                } else {
                    // Replacing drops the whole subtree.
                    check_writable(existing, false, &full)?;
                    let old = std::mem::replace(existing, value);
                    if !old.value.is_container() {
                        existing.set_replaced(Some(old));
                    }
                    Ok(())
                }
            }
            None => {
                check_add(node, last, &full, readonly, strict && !mode.force_add)?;
                add_child(node, last, value);
                Ok(())
            }
        }
    }

    /// Removes and returns the node at `path`. Fails below a readonly node,
    /// and when the node or any node below it is readonly.
    ///
    /// ```
    /// use config_core::{ErrorKind, Node};
    /// let mut cfg = Node::from_yaml_str("a: {b: 1}\nc: 2").unwrap();
    /// cfg.get_mut("a").unwrap().unwrap().set_readonly(true);
    /// let err = cfg.delete("a").unwrap_err();
    /// assert_eq!((err.kind(), err.key()), (ErrorKind::Readonly, Some("a")));
    /// assert!(cfg.delete("c").is_ok());
    /// ```
    pub fn delete(&mut self, path: &str) -> Result<Node, Error> {
        let segs = parse_path(path)?;
        let Some((last, parents)) = segs.split_last() else {
            return Err(Error::new(
                ErrorKind::KeyNotFound,
                "Cannot delete the root of a config",
            ));
        };
        let mut node = self;
        let mut key = String::new();
        let mut readonly = node.flags().readonly.unwrap_or(false);
        for seg in parents {
            key = full_key(&key, node, seg);
            node = child_mut(node, seg).ok_or_else(|| {
                Error::new(ErrorKind::KeyNotFound, format!("Key '{path}' not found"))
            })?;
            readonly = node.flags().readonly.unwrap_or(readonly);
        }
        let full = full_key(&key, node, last);
        if readonly {
            return Err(readonly_error(&full));
        }
        if let Some(target) = child(node, last) {
            check_writable(target, false, &full)?;
        }
        let not_found = || Error::new(ErrorKind::KeyNotFound, format!("Key '{path}' not found"));
        match &mut node.value {
            Value::Map(m) => {
                let i = find_key(m, last).ok_or_else(not_found)?;
                Ok(m.shift_remove_index(i)
                    .map(|(_, n)| n)
                    .ok_or_else(not_found)?)
            }
            Value::List(l) => match last.parse::<usize>() {
                Ok(i) if i < l.len() => Ok(l.remove(i)),
                _ => Err(not_found()),
            },
            _ => Err(not_found()),
        }
    }

    /// The full keys of every `???` value, in document order
    /// (`a`, `b.c`, `l[1]`), as OmegaConf's `missing_keys`.
    ///
    /// ```
    /// use config_core::Node;
    /// let cfg = Node::from_yaml_str("a: ???\nb: {c: '???'}\nl: [1, '???']").unwrap();
    /// assert_eq!(cfg.missing_keys(), vec!["a", "b.c", "l[1]"]);
    /// ```
    pub fn missing_keys(&self) -> Vec<String> {
        self.leaves()
            .into_iter()
            .filter(|(_, n)| n.is_missing())
            .map(|(k, _)| k)
            .collect()
    }

    /// Every leaf (non-container node, or empty container) with its full key,
    /// in document order.
    pub fn leaves(&self) -> Vec<(String, &Node)> {
        let mut out = Vec::new();
        collect_leaves(self, String::new(), &mut out);
        out
    }

    /// Sets or clears the readonly flag on this node (inherited below it).
    pub fn set_readonly(&mut self, on: bool) {
        self.flags_mut().readonly = Some(on);
    }

    /// Sets or clears struct mode on this node (inherited below it).
    pub fn set_struct(&mut self, on: bool) {
        self.flags_mut().struct_mode = Some(on);
    }

    /// Iterates over the entries of a mapping (empty for anything else).
    pub fn entries(&self) -> impl Iterator<Item = (&Key, &Node)> {
        self.as_map().into_iter().flat_map(|m| m.iter())
    }
}

fn collect_leaves<'a>(node: &'a Node, key: String, out: &mut Vec<(String, &'a Node)>) {
    match &node.value {
        Value::Map(m) if !m.is_empty() => {
            for (k, v) in m {
                collect_leaves(v, child_key(&key, k), out);
            }
        }
        Value::List(l) if !l.is_empty() => {
            for (i, v) in l.iter().enumerate() {
                collect_leaves(v, index_key(&key, i), out);
            }
        }
        _ => out.push((key, node)),
    }
}

/// The error of a write to the readonly node at full key `key` (no key for
/// the node written through itself).
pub(crate) fn readonly_error(key: &str) -> Error {
    let err = Error::new(
        ErrorKind::Readonly,
        "Cannot change read-only config container",
    );
    if key.is_empty() {
        err
    } else {
        err.with_key(key)
    }
}

/// The key of the first node at or below `node` (at full key `key`) that is
/// readonly, its own flag or, for `node`, `inherited` from its parent; in
/// document order. Below a writable node only an explicit flag counts.
pub(crate) fn first_readonly(node: &Node, inherited: bool, key: &str) -> Option<String> {
    if node.flags().readonly.unwrap_or(inherited) {
        return Some(key.to_string());
    }
    // Keys are built only along the path to a hit.
    match &node.value {
        Value::Map(m) => m
            .iter()
            .find(|(_, v)| any_readonly(v))
            .and_then(|(k, v)| first_readonly(v, false, &child_key(key, k))),
        Value::List(l) => l
            .iter()
            .position(any_readonly)
            .and_then(|i| first_readonly(&l[i], false, &index_key(key, i))),
        _ => None,
    }
}

/// True when a node at or below `node` has its readonly flag set.
pub(crate) fn any_readonly(node: &Node) -> bool {
    node.flags().readonly == Some(true)
        || match &node.value {
            Value::Map(m) => m.values().any(any_readonly),
            Value::List(l) => l.iter().any(any_readonly),
            _ => false,
        }
}

/// Fails with the readonly error of [`first_readonly`], if there is one:
/// the check before handing out `&mut` to, replacing or deleting a subtree.
pub(crate) fn check_writable(node: &Node, inherited: bool, key: &str) -> Result<(), Error> {
    match first_readonly(node, inherited, key) {
        Some(k) => Err(readonly_error(&k)),
        None => Ok(()),
    }
}

fn check_add(
    parent: &Node,
    seg: &str,
    full: &str,
    readonly: bool,
    strict: bool,
) -> Result<(), Error> {
    if readonly {
        return Err(readonly_error(full));
    }
    match &parent.value {
        Value::Map(m) if strict => {
            let keys: Vec<String> = m.keys().map(|k| k.to_string()).collect();
            let mut err = Error::new(ErrorKind::Struct, format!("Key '{seg}' is not in struct"))
                .with_key(full);
            if let Some(best) =
                crate::error::did_you_mean(seg, keys.iter().map(String::as_str)).first()
            {
                err = err.with_hint(format!("did you mean '{best}'?"));
            }
            Err(err)
        }
        Value::Map(_) => Ok(()),
        Value::List(_) => Err(Error::new(
            ErrorKind::KeyNotFound,
            format!("Index '{seg}' out of range"),
        )
        .with_key(full)),
        other => Err(Error::new(
            ErrorKind::Type,
            format!(
                "Cannot set key '{seg}' inside a {} value",
                Value::type_name(other)
            ),
        )
        .with_key(full)),
    }
}

fn add_child(parent: &mut Node, seg: &str, value: Node) {
    if let Value::Map(m) = &mut parent.value {
        m.insert(Key::from(seg.to_string()), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::{merge, merge_with, MergeHook};

    fn y(s: &str) -> Node {
        Node::from_yaml_str(s).unwrap()
    }

    /// `a.b` readonly under a writable root and a writable `a`.
    fn tree() -> Node {
        let mut t = y("a: {b: {x: 1}, c: 2}\nd: 3\nl: [1, {m: 1}]");
        t.get_mut_raw("a")
            .unwrap()
            .get_mut_raw("b")
            .unwrap()
            .set_readonly(true);
        t
    }

    fn assert_readonly<T: std::fmt::Debug>(r: Result<T, Error>, key: Option<&str>) {
        let e = r.unwrap_err();
        assert_eq!((e.kind(), e.key()), (ErrorKind::Readonly, key), "{e}");
    }

    #[test]
    fn flags_are_read_through_the_accessor() {
        let t = tree();
        assert_eq!(t.flags(), crate::node::Flags::default());
        let b = t.select("a.b").unwrap().unwrap();
        assert_eq!(b.flags().readonly, Some(true));
        assert_eq!(b.flags().struct_mode, None);
    }

    #[test]
    fn set_and_update_honour_readonly() {
        let mut t = tree();
        assert_readonly(t.set("a.b.x", Node::from(5)), Some("a.b.x"));
        assert_readonly(t.set("a.b", Node::from(5)), Some("a.b"));
        // Replacing a subtree that holds a readonly node.
        assert_readonly(t.set("a", Node::from(5)), Some("a.b"));
        assert_readonly(
            t.update("a.b.new", Node::from(1), UpdateMode::default()),
            Some("a.b.new"),
        );
        // A merging update names the full key of the readonly node it hits.
        assert_readonly(
            t.update("a", y("b: {x: 9}"), UpdateMode::default()),
            Some("a.b.x"),
        );
        assert_readonly(
            t.update(
                "a",
                y("b: 7"),
                UpdateMode {
                    merge: false,
                    force_add: false,
                },
            ),
            Some("a.b"),
        );
        assert_eq!(t, tree());
        // The writable parts stay writable.
        t.update("a", y("c: 9"), UpdateMode::default()).unwrap();
        t.set("d", Node::from(4)).unwrap();
        assert_eq!(t.select("a.c").unwrap().unwrap().value, Value::Int(9));
    }

    #[test]
    fn delete_honours_readonly() {
        let mut t = tree();
        // A readonly child under a writable parent.
        assert_readonly(t.delete("a.b"), Some("a.b"));
        // A subtree that holds one.
        assert_readonly(t.delete("a"), Some("a.b"));
        // Below one.
        assert_readonly(t.delete("a.b.x"), Some("a.b.x"));
        assert_eq!(t, tree());
        t.delete("a.c").unwrap();
        t.delete("d").unwrap();
        let mut ro = y("l: [1, 2]");
        ro.set_readonly(true);
        assert_readonly(ro.delete("l[0]"), Some("l[0]"));
    }

    #[test]
    fn mutable_accessors_honour_readonly() {
        let mut t = tree();
        assert_readonly(t.select_mut("a.b"), Some("a.b"));
        assert_readonly(t.select_mut("a.b.x"), Some("a.b.x"));
        assert_readonly(t.select_mut("a"), Some("a.b"));
        assert_readonly(t.select_mut(""), Some("a.b"));
        assert_readonly(t.get_mut("a"), Some("a.b"));
        assert_readonly(t.as_map_mut(), Some("a.b"));
        let a = t.select("a").unwrap().unwrap().clone();
        let mut a = a;
        assert_readonly(a.get_mut("b"), Some("b"));
        assert!(a.get_mut("c").unwrap().is_some());
        assert!(t.select_mut("a.c").unwrap().is_some());
        assert!(t.select_mut("l[1].m").unwrap().is_some());
        assert!(t.select_mut("zz").unwrap().is_none());
        assert!(t.get_mut("zz").unwrap().is_none());
        // The node itself: no key to name.
        let b = t.select_mut_raw("a.b").unwrap().unwrap();
        assert_readonly(b.as_map_mut(), None);
        // Readonly is inherited; a child's own `false` wins.
        let mut r = y("a: {b: 1}\nc: {d: 1}");
        r.set_readonly(true);
        r.get_mut_raw("c").unwrap().set_readonly(false);
        assert_readonly(r.get_mut("a"), Some("a"));
        assert_readonly(r.select_mut("a.b"), Some("a.b"));
        assert!(r.select_mut("c.d").unwrap().is_some());
        assert!(r.get_mut("c").unwrap().is_some());
        // A scalar has no mapping to hand out.
        let mut s = Node::from(1);
        s.set_readonly(true);
        assert!(s.as_map_mut().unwrap().is_none());
    }

    #[test]
    fn merge_honours_readonly_and_changes_nothing_on_error() {
        let mut ro = y("a: 1\nb: {c: 2}\nl: [1]");
        ro.set_readonly(true);
        let before = ro.clone();
        assert_readonly(merge(&mut ro, y("a: 5")), Some("a"));
        assert_readonly(merge(&mut ro, y("new: 1")), Some("new"));
        assert_readonly(merge(&mut ro, y("b: {c: 3}")), Some("b.c"));
        assert_readonly(merge(&mut ro, y("l: [2]")), Some("l"));
        assert_readonly(merge(&mut ro, y("b: 5")), Some("b"));
        assert_readonly(merge(&mut ro, Node::from(3)), None);
        assert_eq!(ro, before);
        // Nothing to write: `???` and an empty mapping.
        merge(&mut ro, y("a: ???\nb: {}")).unwrap();

        // A readonly node deep in a writable tree; the writable key merged
        // first is not changed either.
        let mut t = tree();
        assert_readonly(merge(&mut t, y("d: 9\na: {b: {x: 2}}")), Some("a.b.x"));
        assert_readonly(merge(&mut t, y("d: 9\na: 5")), Some("a.b"));
        assert_eq!(t, tree());
        merge(&mut t, y("d: 9\na: {c: 5}")).unwrap();
        assert_eq!(t.select("d").unwrap().unwrap().value, Value::Int(9));

        // A source cannot clear readonly, not even with nothing to write.
        let mut src = y("b: {}");
        src.get_mut_raw("b").unwrap().set_readonly(false);
        assert_readonly(merge(&mut ro, src), Some("b"));
        let mut src = y("a: ???");
        src.get_mut_raw("a").unwrap().set_readonly(false);
        assert_readonly(merge(&mut ro, src), Some("a"));
        assert_eq!(ro.select("a").unwrap().unwrap().flags().readonly, None);

        // merge_with at a key, and a list policy that keeps the items.
        struct Append;
        impl MergeHook for Append {
            fn list_policy(&self, _: &str) -> crate::merge::ListMerge {
                crate::merge::ListMerge::Append
            }
        }
        assert_readonly(
            merge_with(&mut ro, y("l: [2]"), &Append, "top"),
            Some("top.l"),
        );
        let mut w = y("l: [{a: 1}]");
        w.select_mut_raw("l[0]")
            .unwrap()
            .unwrap()
            .set_readonly(true);
        merge_with(&mut w, y("l: [2]"), &Append, "").unwrap();
        assert_readonly(merge(&mut w, y("l: [3]")), Some("l[0]"));
    }

    #[test]
    fn merge_of_a_readonly_source_makes_the_result_readonly() {
        let mut src = y("a: {x: 1}");
        src.get_mut_raw("a").unwrap().set_readonly(true);
        let mut dest = y("a: {y: 2}");
        merge(&mut dest, src).unwrap();
        assert_eq!(dest, y("a: {y: 2, x: 1}"));
        assert_readonly(dest.set("a.x", Node::from(3)), Some("a.x"));
        assert_readonly(merge(&mut dest, y("a: {x: 3}")), Some("a.x"));
    }

    #[test]
    fn merge_into_an_interpolation_slot_honours_readonly() {
        // Merging a mapping over `${template}` replaces the slot with a copy
        // of the target first: a readonly slot refuses, a readonly target's
        // copy too.
        let mut t = y("template: {a: 1}\nnode: ${template}");
        t.get_mut_raw("node").unwrap().set_readonly(true);
        let before = t.clone();
        assert_readonly(merge(&mut t, y("node: {b: 2}")), Some("node"));
        assert_eq!(t, before);

        let mut t = y("template: {a: 1}\nnode: ${template}");
        t.get_mut_raw("template").unwrap().set_readonly(true);
        assert_readonly(merge(&mut t, y("node: {b: 2}")), Some("node.b"));
        assert_eq!(t, y("template: {a: 1}\nnode: ${template}"));
    }
}
