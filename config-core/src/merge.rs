//! Merging trees, as `OmegaConf.merge` does, with origins kept.
//!
//! Composition merges configs in defaults-list order with [`merge`]. The
//! rules are one `match` in [`merge_with`]: mappings merge deeply, lists are
//! replaced (unless a [`MergeHook`] asks for another [`ListMerge`] policy),
//! `???` never erases a value, null and scalars replace subtrees, and a list
//! and a mapping cannot merge into each other.
//!
//! Readonly is honoured, as OmegaConf's `merge_with`: a merge that would
//! write a readonly node (add a key below it, replace it or a subtree that
//! holds one, merge a list into it) fails with [`ErrorKind::Readonly`]
//! naming the key, and it fails before changing anything. Explicit flags of
//! the source are copied onto the destination once its content is merged.

use crate::access::{any_readonly, check_writable, readonly_error};
use crate::error::{Error, ErrorKind};
use crate::interp::resolve::referenced_container;
use crate::node::{Key, Node, Value};
use crate::path::child_key;
use crate::python::python_type;

/// How two lists combine. OmegaConf only replaces; the typed layer declares
/// other policies per field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListMerge {
    /// The source list replaces the destination (OmegaConf's rule).
    #[default]
    Replace,
    /// Destination items, then source items.
    Append,
    /// Source items, then destination items.
    Prepend,
    /// Destination items, then source items not already present.
    Unique,
}

/// The schema's say in a merge: the typed layer checks and coerces values,
/// and chooses list policies, through this hook. Without one ([`merge`]) it
/// is plain OmegaConf.
pub trait MergeHook {
    /// The list policy for the node at `key`.
    fn list_policy(&self, _key: &str) -> ListMerge {
        ListMerge::Replace
    }

    /// Checks (and may coerce) a value about to be written at `key`.
    fn check(&self, _key: &str, _value: &mut Node) -> Result<(), Error> {
        Ok(())
    }
}

/// The hook of an untyped merge.
pub(crate) struct NoHook;
impl MergeHook for NoHook {}

/// Merges `src` into `dest` with OmegaConf's rules.
///
/// ```
/// use config_core::{merge, Node};
/// let mut a = Node::from_yaml_str("db: {host: x, port: 1}\nl: [1, 2]\nm: 5").unwrap();
/// let b = Node::from_yaml_str("db: {port: 2}\nl: [3]\nm: ???").unwrap();
/// merge(&mut a, b).unwrap();
/// assert_eq!(a, Node::from_yaml_str("db: {host: x, port: 2}\nl: [3]\nm: 5").unwrap());
/// ```
pub fn merge(dest: &mut Node, src: Node) -> Result<(), Error> {
    merge_hooked(dest, src, &NoHook)
}

/// [`merge`] at the root, consulting `hook` for checks and list policies:
/// the whole-tree merge that composition runs for each config of the
/// defaults list.
pub fn merge_hooked(dest: &mut Node, src: Node, hook: &dyn MergeHook) -> Result<(), Error> {
    merge_at_hooked(dest, src, hook, "")
}

/// [`merge_hooked`] into a `dest` that holds no readonly node (nothing at
/// or below it has a readonly flag set): the readonly pre-check could not
/// fail there, so it is skipped. Composition merges hundreds of configs
/// into one growing tree and tracks this itself; the result is the same as
/// [`merge_hooked`]'s.
pub(crate) fn merge_into_writable(
    dest: &mut Node,
    src: Node,
    hook: &dyn MergeHook,
) -> Result<(), Error> {
    merge_in_steps(dest, src, hook, "")
}

/// [`merge`] of a subtree at full key `key` (the key errors name).
pub(crate) fn merge_at(dest: &mut Node, src: Node, key: &str) -> Result<(), Error> {
    merge_at_hooked(dest, src, &NoHook, key)
}

fn merge_at_hooked(
    dest: &mut Node,
    src: Node,
    hook: &dyn MergeHook,
    key: &str,
) -> Result<(), Error> {
    check_merge(Some(dest), dest, &src, key, &mut Vec::new(), hook, false)?;
    merge_in_steps(dest, src, hook, key)
}

/// Fails, before anything changes, when merging `src` into `dest` would
/// write a readonly node. `dest` is at `path` below the merge's root, whose
/// full key is `prefix`; `inherited`: whether `dest`'s parent is readonly.
/// Mirrors [`merge_node`]'s writes, and, when `root` is given,
/// [`merge_in_steps`]'s: a slot holding an interpolation to a
/// container is replaced by a copy of its target, then merged into. Keys
/// are spelled out only for an error (this runs before every merge).
fn check_merge<'s>(
    root: Option<&Node>,
    dest: &Node,
    src: &'s Node,
    prefix: &str,
    path: &mut Vec<&'s Key>,
    hook: &dyn MergeHook,
    inherited: bool,
) -> Result<(), Error> {
    let ro = dest.flags().readonly.unwrap_or(inherited);
    let key = |path: &[&Key]| {
        path.iter()
            .fold(prefix.to_string(), |k, c| child_key(&k, c))
    };
    // A source cannot clear readonly (its flags are copied onto `dest`).
    if ro && src.flags().readonly == Some(false) {
        return Err(readonly_error(&key(path)));
    }
    match (&dest.value, &src.value) {
        (_, Value::Missing) if !dest.is_missing() => Ok(()),
        (Value::Map(d), Value::Map(s)) => {
            for (k, sv) in s {
                path.push(k);
                let Some(dv) = same_key(d, k).map(|i| &d[i]) else {
                    if ro {
                        return Err(readonly_error(&key(path)));
                    }
                    path.pop();
                    continue;
                };
                let target = match (root, &dv.value) {
                    (Some(root), Value::Interp(_)) if sv.as_map().is_some() => {
                        referenced_container(root, path.iter().copied())
                    }
                    _ => None,
                };
                match target {
                    Some(_) if dv.flags().readonly.unwrap_or(ro) => {
                        return Err(readonly_error(&key(path)))
                    }
                    Some(target) => check_merge(root, &target, sv, prefix, path, hook, ro)?,
                    None => check_merge(root, dv, sv, prefix, path, hook, ro)?,
                }
                path.pop();
            }
            Ok(())
        }
        // A type error, which the merge reports.
        (Value::Map(_), Value::List(_)) | (Value::List(_), Value::Map(_)) => Ok(()),
        _ if ro => Err(readonly_error(&key(path))),
        // Nothing readonly to lose.
        _ if !any_readonly(dest) => Ok(()),
        // Appending keeps the old items.
        (Value::List(_), Value::List(_)) if hook.list_policy(&key(path)) != ListMerge::Replace => {
            Ok(())
        }
        // A replacement: the old subtree, with a readonly node, goes.
        _ => check_writable(dest, false, &key(path)),
    }
}

/// OmegaConf's merge, on reaching a key whose destination is an
/// interpolation to a container, first replaces it by a copy of its target
/// (`_map_merge`'s `_maybe_dereference_node`), looked up in the tree as
/// merged so far, then merges the source's value into the copy: a mapping
/// merges, `???` keeps the copy, a list cannot merge into a mapping.
///
/// To look the target up in the tree as merged so far, the merge runs in
/// steps: what precedes such a key in the source (depth first, in order) is
/// merged, then the key is dereferenced, then the merge goes on from it.
/// Without such a key (the common case) it is one merge. A readonly slot is
/// left alone (the merge proper then reports it).
fn merge_in_steps(
    dest: &mut Node,
    mut src: Node,
    hook: &dyn MergeHook,
    key: &str,
) -> Result<(), Error> {
    let mut done: Option<Vec<Key>> = None;
    loop {
        let ro = dest.flags().readonly.unwrap_or(false);
        let mut path = Vec::new();
        if !next_deref_slot(dest, &src, done.as_deref(), &mut path, ro) {
            return merge_node(dest, src, hook, key, false);
        }
        let path: Vec<Key> = path.into_iter().cloned().collect();
        if let Some(before) = split_before(&mut src, &path) {
            merge_node(dest, before, hook, key, false)?;
        }
        if let Some(target) = referenced_container(dest, &path) {
            if let Some(slot) = node_at_mut(dest, &path) {
                // The copy keeps the target's flags and the slot's origin.
                let origin = std::mem::take(&mut slot.origin);
                *slot = target;
                slot.origin = origin;
            }
        }
        // A failed lookup leaves the interpolation, which the source's
        // value then replaces: never look at it again.
        done = Some(path);
    }
}

/// Finds, depth first in `src`'s order, the first key below `dest` whose
/// destination is a writable interpolation and whose source value is a
/// mapping, a list or `???` (any other value replaces it anyway), other
/// than `done`. Leaves its path in `path` and returns true.
fn next_deref_slot<'s>(
    dest: &Node,
    src: &'s Node,
    done: Option<&[Key]>,
    path: &mut Vec<&'s Key>,
    ro: bool,
) -> bool {
    let (Some(d), Some(s)) = (dest.as_map(), src.as_map()) else {
        return false;
    };
    for (k, sv) in s {
        let Some(dv) = same_key(d, k).map(|i| &d[i]) else {
            continue;
        };
        let dv_ro = dv.flags().readonly.unwrap_or(ro);
        path.push(k);
        let wanted = matches!(sv.value, Value::Map(_) | Value::List(_) | Value::Missing);
        if let Value::Interp(_) = &dv.value {
            let is_done = done.is_some_and(|p| p.iter().eq(path.iter().copied()));
            if wanted && !dv_ro && !is_done {
                return true;
            }
        } else if next_deref_slot(dv, sv, done, path, dv_ro) {
            return true;
        }
        path.pop();
    }
    false
}

/// Takes out of `src` what precedes `path` depth first: at each level along
/// the path, the entries before the path's key. `None` when nothing does.
/// The part's mappings keep their origins and struct flags, but not a
/// readonly flag, which applies once the whole source is in.
fn split_before(src: &mut Node, path: &[Key]) -> Option<Node> {
    let (k, rest) = path.split_first()?;
    let origin = src.origin.clone();
    let mut flags = src.flags();
    flags.readonly = None;
    let map = src.as_map_mut_raw()?;
    let at = map.get_index_of(k)?;
    let mut before = map.split_off(at);
    std::mem::swap(map, &mut before);
    if let Some(deeper) = map.first_mut().and_then(|(_, v)| split_before(v, rest)) {
        before.insert(k.clone(), deeper);
    }
    (!before.is_empty()).then(|| Node::with_origin(Value::Map(before), origin).with_flags(flags))
}

fn node_at_mut<'a>(root: &'a mut Node, path: &[Key]) -> Option<&'a mut Node> {
    path.iter()
        .try_fold(root, |n, k| n.as_map_mut_raw()?.get_mut(k))
}

/// Merges `src` into `dest` at full key `key`, consulting `hook`. Fails
/// before changing anything when it would write a readonly node (`dest`'s
/// own flag counts; it has no parent here).
pub fn merge_with(
    dest: &mut Node,
    src: Node,
    hook: &dyn MergeHook,
    key: &str,
) -> Result<(), Error> {
    check_merge(None, dest, &src, key, &mut Vec::new(), hook, false)?;
    merge_node(dest, src, hook, key, false)
}

/// The merge proper; `inherited`: whether `dest`'s parent is readonly.
/// [`check_merge`] has run, so the readonly checks here only guard what a
/// hook's coercion might change.
fn merge_node(
    dest: &mut Node,
    mut src: Node,
    hook: &dyn MergeHook,
    key: &str,
    inherited: bool,
) -> Result<(), Error> {
    hook.check(key, &mut src)?;
    let ro = dest.flags().readonly.unwrap_or(inherited);
    // The source's readonly flag applies once its content is in (as
    // OmegaConf), so a readonly source still merges into a writable tree.
    let src_readonly = src.flags().readonly;
    if ro && src_readonly == Some(false) {
        return Err(readonly_error(key));
    }
    if src.flags().struct_mode.is_some() {
        dest.flags_mut().struct_mode = src.flags().struct_mode;
    }
    let dest_missing = dest.is_missing();
    let res = merge_value(dest, src, hook, key, ro, dest_missing);
    if res.is_ok() && src_readonly.is_some() {
        dest.flags_mut().readonly = src_readonly;
    }
    res
}

fn merge_value(
    dest: &mut Node,
    src: Node,
    hook: &dyn MergeHook,
    key: &str,
    ro: bool,
    dest_missing: bool,
) -> Result<(), Error> {
    let strict = dest.flags().struct_mode == Some(true);
    match (&mut dest.value, src.value) {
        // `???` never erases a value.
        (_, Value::Missing) if !dest_missing => Ok(()),
        (Value::Map(d), Value::Map(s)) => {
            let mut ck = String::new();
            for (k, v) in s {
                set_child_key(&mut ck, key, &k);
                match same_key(d, &k)
                    .and_then(|i| d.get_index_mut(i))
                    .map(|(_, v)| v)
                {
                    Some(existing) => merge_node(existing, v, hook, &ck, ro)?,
                    None if ro => return Err(readonly_error(&ck)),
                    None if strict => return Err(not_in_struct(&k, &ck)),
                    None => {
                        let mut v = v;
                        hook.check(&ck, &mut v)?;
                        d.insert(k, v);
                    }
                }
            }
            Ok(())
        }
        (Value::List(d), Value::List(s)) if !ro => {
            merge_lists(d, s, hook.list_policy(key));
            dest.origin = src.origin;
            Ok(())
        }
        (Value::Map(_), s @ Value::List(_)) | (Value::List(_), s @ Value::Map(_)) => {
            Err(Error::new(
                ErrorKind::Type,
                format!(
                    "Cannot merge {} with {}",
                    python_type(&dest.value),
                    python_type(&s)
                ),
            )
            .with_key(key)
            .with_origin(src.origin))
        }
        _ if ro => Err(readonly_error(key)),
        (_, value) => {
            let flags = dest.flags();
            let old =
                std::mem::replace(dest, Node::with_origin(value, src.origin).with_flags(flags));
            if !old.value.is_container() {
                dest.set_replaced(Some(old));
            }
            Ok(())
        }
    }
}

/// [`child_key`]`(parent, k)` written into `buf`: one buffer for the keys
/// of a mapping, instead of a new string for every key merged.
fn set_child_key(buf: &mut String, parent: &str, k: &Key) {
    buf.clear();
    if !parent.is_empty() {
        buf.push_str(parent);
        buf.push('.');
    }
    match k.as_str() {
        Some(name) => buf.push_str(name),
        None => {
            use std::fmt::Write;
            let _ = write!(buf, "{k}");
        }
    }
}

/// The position of the destination's key that Python takes for `k`: the
/// same key, or for a bool or number one that compares equal (`True == 1 ==
/// 1.0`): the destination keeps its own spelling, as a Python dict does.
fn same_key(d: &crate::node::Map, k: &Key) -> Option<usize> {
    use crate::python::Number;
    d.get_index_of(k).or_else(|| {
        // The other spellings of the number, each one lookup (no scan of
        // the mapping for every new int key).
        let x = k.number()?;
        let int = (x.fract() == 0.0 && x.abs() < 9.0e18).then(|| Key::Int(x as i64));
        let bool = (x == 0.0 || x == 1.0).then(|| Key::Bool(x == 1.0));
        [int, Some(Key::Float(x)), bool]
            .into_iter()
            .flatten()
            .find_map(|alt| d.get_index_of(&alt))
    })
}

fn merge_lists(dest: &mut Vec<Node>, src: Vec<Node>, policy: ListMerge) {
    match policy {
        ListMerge::Replace => *dest = src,
        ListMerge::Append => dest.extend(src),
        ListMerge::Prepend => {
            let tail = std::mem::replace(dest, src);
            dest.extend(tail);
        }
        ListMerge::Unique => {
            for item in src {
                if !dest.contains(&item) {
                    dest.push(item);
                }
            }
        }
    }
}

fn not_in_struct(k: &Key, full: &str) -> Error {
    Error::new(ErrorKind::Struct, format!("Key '{k}' is not in struct")).with_key(full)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::Origin;

    fn y(s: &str) -> Node {
        Node::from_yaml_str(s).unwrap()
    }

    #[test]
    fn child_keys_in_a_buffer_are_child_key() {
        let mut buf = String::from("stale");
        for k in [
            Key::from("b"),
            Key::Int(3),
            Key::Float(2.5),
            Key::Bool(true),
        ] {
            for parent in ["", "a", "a.b"] {
                set_child_key(&mut buf, parent, &k);
                assert_eq!(buf, child_key(parent, &k));
            }
        }
    }

    #[test]
    fn rules() {
        let mut a = y("a: {x: 1}\nb: 1\nc: {z: 1}\nn: ~");
        merge(&mut a, y("a: ~\nb: {y: 2}\nc: 5\nn: {q: 1}\nnew: 3")).unwrap();
        assert_eq!(a, y("a: ~\nb: {y: 2}\nc: 5\nn: {q: 1}\nnew: 3"));
        let mut l = y("a: [1]");
        assert_eq!(
            merge(&mut l, y("a: {x: 1}")).unwrap_err().kind(),
            ErrorKind::Type
        );
    }

    #[test]
    fn mapping_over_interpolation_merges_into_its_target() {
        let mut a = y("template: {a: 1}\nnode: ${template}\nsub:\n  rel: ${.x}\n  x: {q: 1}");
        merge(&mut a, y("node: {b: 2}\nsub: {rel: {r: 2}}")).unwrap();
        assert_eq!(
            a,
            y("template: {a: 1}\nnode: {a: 1, b: 2}\nsub: {rel: {q: 1, r: 2}, x: {q: 1}}")
        );
        // Chains are followed as resolution follows them; a string or a
        // scalar is not a container to merge into.
        let mut a = y("t: {a: 1}\nu: ${t}\nnode: ${u}\ns: x_${t}\nn: 1\nk: ${n}");
        merge(&mut a, y("node: {b: 2}")).unwrap();
        assert_eq!(a.select("node.a").unwrap().unwrap().value, Value::Int(1));
        assert_eq!(a.select("node.b").unwrap().unwrap().value, Value::Int(2));
        merge(&mut a, y("s: {b: 2}\nk: {b: 2}")).unwrap();
        assert_eq!(a.select("s").unwrap().unwrap().value, y("b: 2").value);
        assert_eq!(a.select("t"), y("t: {a: 1}").select("t"));
    }

    /// As OmegaConf's `_map_merge` (each checked against omegaconf 2.3.1):
    /// the copy is made for `???` and lists too, and its target is looked up
    /// in the tree as merged so far.
    #[test]
    fn interpolation_to_a_container_is_copied_when_the_merge_reaches_it() {
        let merged = |a: &str, b: &str| {
            let mut a = y(a);
            merge(&mut a, y(b)).map(|()| a)
        };
        // `???` keeps the copy.
        let m = merged("a: {c: 1}\nc: ${a}", "c: ???").unwrap();
        assert_eq!(m, y("a: {c: 1}\nc: {c: 1}"));
        // A list cannot merge into the copied mapping.
        let e = merged("c: {b: 2}\na: ${c}", "a: [1]").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Type);
        assert_eq!(e.key(), Some("a"));
        // A key merged earlier in the same step is seen; a later one is not.
        let m = merged("c: ${b}", "b: {x: 1}\nc: {y: 2}").unwrap();
        assert_eq!(m, y("c: {x: 1, y: 2}\nb: {x: 1}"));
        let m = merged("c: ${b}", "c: {y: 2}\nb: {x: 1}").unwrap();
        assert_eq!(m, y("c: {y: 2}\nb: {x: 1}"));
        // Nested, with a failed lookup before a good one, and the parts'
        // key order kept.
        let m = merged(
            "s:\n  p: ${nope}\n  q: ${t}\n  r: 0\nt: {a: 1}",
            "s: {r: 1, p: {z: 1}, q: {b: 2}}",
        )
        .unwrap();
        assert_eq!(m, y("s: {p: {z: 1}, q: {a: 1, b: 2}, r: 1}\nt: {a: 1}"));
        assert_eq!(
            m.to_yaml(),
            y("s: {p: {z: 1}, q: {a: 1, b: 2}, r: 1}\nt: {a: 1}").to_yaml()
        );
    }

    /// Python's dict: `True == 1 == 1.0`, and the destination's key stays.
    #[test]
    fn keys_that_python_takes_for_the_same() {
        let mut a = y("true: a\n0: a\nx: {1: c}\ns: 1");
        merge(&mut a, y("1: b\nfalse: z\nx: {true: d}\n'1': q")).unwrap();
        assert_eq!(a.to_yaml(), "true: b\n0: z\nx:\n  1: d\ns: 1\n'1': q\n");
    }

    #[test]
    fn keeps_history() {
        let mut a = y("a: 1");
        a.get_mut_raw("a").unwrap().origin = Origin::file("x.yaml", 1, 4);
        let mut b = y("a: 2");
        b.get_mut_raw("a").unwrap().origin = Origin::arg(1, "a=2");
        merge(&mut a, b).unwrap();
        let n = a.get("a").unwrap();
        assert_eq!(n.replaced().unwrap().origin, Origin::file("x.yaml", 1, 4));
    }

    #[test]
    fn policies() {
        struct Append;
        impl MergeHook for Append {
            fn list_policy(&self, _: &str) -> ListMerge {
                ListMerge::Unique
            }
        }
        let mut a = y("l: [1, 2]");
        merge_with(&mut a, y("l: [2, 3]"), &Append, "").unwrap();
        assert_eq!(a, y("l: [1, 2, 3]"));
    }

    mod props {
        use super::*;
        use crate::yaml::emit_tests::arb_tree;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(crate::proptest_cases::cases(256))]

            #[test]
            fn merging_an_empty_mapping_changes_nothing(tree in arb_tree()) {
                let mut merged = tree.clone();
                merge(&mut merged, Node::empty_map()).unwrap();
                prop_assert_eq!(&merged, &tree);
            }

            #[test]
            fn merging_into_an_empty_mapping_gives_the_tree(tree in arb_tree()) {
                let mut merged = Node::empty_map();
                merge(&mut merged, tree.clone()).unwrap();
                prop_assert_eq!(&merged, &tree);
            }
        }
    }
}
