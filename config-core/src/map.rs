//! The ordered mapping of a DictConfig, [`Map`], and its iterators.
//!
//! Part of the tree ([`crate::Node`]), which every stage of the flow
//! builds and reads. A tree has one map per mapping of its configs, most of
//! them small (a handful of keys), and a map entry for every key: so a
//! `Map` is a vector of entries in insertion order, searched from end to
//! end while it is small, with a hash index of entry positions built only
//! once it holds more than 8 entries. Small maps then cost one allocation
//! for their entries and no hashing; big maps look keys up in constant
//! time as before.
//!
//! The methods are those of `indexmap::IndexMap` that a config tree uses,
//! with the same names and meaning (`shift_remove` keeps the order, as
//! there), so code written against the former `Deref` to `IndexMap` reads
//! the same.

use crate::node::{Key, Node};
use foldhash::fast::RandomState;
use hashbrown::HashTable;
use indexmap::Equivalent;
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::ops::RangeBounds;

/// Past this many entries, a map keeps a hash index. Below it a lookup
/// compares at most this many keys, which costs about what hashing the key
/// and probing do (and loading a mapping checks each key against those
/// before it: past 8 keys, that costs more than hashing them).
pub(crate) const INDEX_AT: usize = 8;

/// The ordered mapping of a DictConfig: [`Key`] to [`Node`], in insertion
/// order.
///
/// It is 32 bytes, the size of a [`Value`](crate::Value) (whose tag fits in
/// the entries' capacity): most values of a tree are scalars, and every one
/// of them pays for the largest variant. An empty map allocates nothing, a
/// small one allocates its entries only. Equality ignores the order, as a Python dict's (and
/// `IndexMap`'s).
///
/// ```
/// use config_core::{Key, Map, Node};
/// let mut m = Map::new();
/// m.insert(Key::from("a"), Node::from(1));
/// m.insert(Key::from("b"), Node::from(2));
/// assert_eq!(m.get(&Key::from("a")), Some(&Node::from(1)));
/// assert_eq!(m.get_index_of(&Key::from("b")), Some(1));
/// assert_eq!(m.keys().map(|k| k.to_string()).collect::<Vec<_>>(), ["a", "b"]);
/// assert_eq!(m.into_iter().count(), 2);
/// ```
#[derive(Clone, Default)]
pub struct Map(Inner);

#[derive(Clone, Default)]
struct Inner {
    entries: Vec<(Key, Node)>,
    /// Positions in `entries`, by key hash; only past [`INDEX_AT`] entries.
    index: Option<Box<Index>>,
}

#[derive(Clone)]
struct Index {
    /// Positions as `u32`: half the size, and a map holds far fewer
    /// entries than that (`Limits::max_tree_bytes`).
    table: HashTable<u32>,
    /// Seeded at random per map, so that keys chosen to collide cannot
    /// make a document slow to load.
    hasher: RandomState,
}

impl Index {
    /// The index of `entries`, with room for `capacity` of them; `None`
    /// past `u32::MAX` (lookups are then linear: slow, but right).
    fn build(entries: &[(Key, Node)], capacity: usize) -> Option<Box<Index>> {
        u32::try_from(capacity.max(entries.len())).ok()?;
        let mut ix = Box::new(Index {
            table: HashTable::with_capacity(capacity),
            hasher: RandomState::default(),
        });
        for (i, (k, _)) in entries.iter().enumerate() {
            let hash = ix.hasher.hash_one(k);
            ix.add(entries, i, hash);
        }
        Some(ix)
    }

    /// Indexes `entries[i]`, a key not in the index, whose hash is `hash`;
    /// false past `u32::MAX`.
    fn add(&mut self, entries: &[(Key, Node)], i: usize, hash: u64) -> bool {
        let Ok(pos) = u32::try_from(i) else {
            return false;
        };
        let hasher = &self.hasher;
        self.table
            .insert_unique(hash, pos, |&j| hasher.hash_one(&entries[j as usize].0));
        true
    }
}

impl Map {
    /// An empty map.
    pub fn new() -> Map {
        Map::default()
    }

    /// An empty map with room for `n` entries.
    pub fn with_capacity(n: usize) -> Map {
        let entries = Vec::with_capacity(n);
        // A map built to hold more than `INDEX_AT` starts with its index.
        let index = if n > INDEX_AT {
            Index::build(&entries, n)
        } else {
            None
        };
        Map(Inner { entries, index })
    }

    /// The map as an `IndexMap`, in the same order.
    pub fn into_inner(self) -> indexmap::IndexMap<Key, Node, RandomState> {
        self.into_iter().collect()
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.0.entries.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.entries.is_empty()
    }

    /// The entries, in order.
    pub fn as_slice(&self) -> &[(Key, Node)] {
        &self.0.entries
    }

    /// Room for `n` more entries.
    pub fn reserve(&mut self, n: usize) {
        self.0.entries.reserve(n);
    }

    /// Room for exactly `n` more entries.
    pub fn reserve_exact(&mut self, n: usize) {
        self.0.entries.reserve_exact(n);
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.0.entries.clear();
        self.0.index = None;
    }

    /// The position of `key`.
    pub fn get_index_of<Q: ?Sized + Hash + Equivalent<Key>>(&self, key: &Q) -> Option<usize> {
        self.find(key).0
    }

    /// The value of `key`.
    pub fn get<Q: ?Sized + Hash + Equivalent<Key>>(&self, key: &Q) -> Option<&Node> {
        self.get_index_of(key).map(|i| &self.0.entries[i].1)
    }

    /// The value of `key`, mutably.
    pub fn get_mut<Q: ?Sized + Hash + Equivalent<Key>>(&mut self, key: &Q) -> Option<&mut Node> {
        let i = self.get_index_of(key)?;
        Some(&mut self.0.entries[i].1)
    }

    /// The stored key and the value of `key`.
    pub fn get_key_value<Q: ?Sized + Hash + Equivalent<Key>>(
        &self,
        key: &Q,
    ) -> Option<(&Key, &Node)> {
        self.get_index_of(key).map(|i| pair(&self.0.entries[i]))
    }

    /// The position, stored key and value of `key`.
    pub fn get_full<Q: ?Sized + Hash + Equivalent<Key>>(
        &self,
        key: &Q,
    ) -> Option<(usize, &Key, &Node)> {
        let i = self.get_index_of(key)?;
        let (k, v) = pair(&self.0.entries[i]);
        Some((i, k, v))
    }

    /// True when `key` is in the map.
    pub fn contains_key<Q: ?Sized + Hash + Equivalent<Key>>(&self, key: &Q) -> bool {
        self.get_index_of(key).is_some()
    }

    /// The entry at position `i`.
    pub fn get_index(&self, i: usize) -> Option<(&Key, &Node)> {
        self.0.entries.get(i).map(pair)
    }

    /// The entry at position `i`, its value mutably.
    pub fn get_index_mut(&mut self, i: usize) -> Option<(&Key, &mut Node)> {
        self.0.entries.get_mut(i).map(pair_mut)
    }

    /// The first entry.
    pub fn first(&self) -> Option<(&Key, &Node)> {
        self.0.entries.first().map(pair)
    }

    /// The last entry.
    pub fn last(&self) -> Option<(&Key, &Node)> {
        self.0.entries.last().map(pair)
    }

    /// The first entry, its value mutably.
    pub fn first_mut(&mut self) -> Option<(&Key, &mut Node)> {
        self.0.entries.first_mut().map(pair_mut)
    }

    /// The last entry, its value mutably.
    pub fn last_mut(&mut self) -> Option<(&Key, &mut Node)> {
        self.0.entries.last_mut().map(pair_mut)
    }

    /// Sets `key` to `value`: an existing key keeps its position and gives
    /// back its old value; a new one goes last.
    pub fn insert(&mut self, key: Key, value: Node) -> Option<Node> {
        self.insert_full(key, value).1
    }

    /// [`Map::insert`], with the key's position.
    pub fn insert_full(&mut self, key: Key, value: Node) -> (usize, Option<Node>) {
        match self.find(&key) {
            (Some(i), _) => (i, Some(std::mem::replace(&mut self.0.entries[i].1, value))),
            (None, hash) => (self.push(key, value, hash), None),
        }
    }

    /// Sets `key` to `value` at position `i` (a new key), or moves an
    /// existing key there, giving back its old value.
    pub fn shift_insert(&mut self, i: usize, key: Key, value: Node) -> Option<Node> {
        let found = self.find(&key).0;
        let entries = &mut self.0.entries;
        let old = found.map(|j| entries.remove(j).1);
        let at = i.min(entries.len());
        entries.insert(at, (key, value));
        // One rebuild for both moves.
        self.reindex();
        old
    }

    /// Removes `key`, keeping the order of the others.
    pub fn shift_remove<Q: ?Sized + Hash + Equivalent<Key>>(&mut self, key: &Q) -> Option<Node> {
        self.shift_remove_entry(key).map(|(_, v)| v)
    }

    /// [`Map::shift_remove`], with the stored key.
    pub fn shift_remove_entry<Q: ?Sized + Hash + Equivalent<Key>>(
        &mut self,
        key: &Q,
    ) -> Option<(Key, Node)> {
        let i = self.get_index_of(key)?;
        self.shift_remove_index(i)
    }

    /// Removes the entry at position `i`, keeping the order of the others.
    pub fn shift_remove_index(&mut self, i: usize) -> Option<(Key, Node)> {
        self.remove_index(i, false)
    }

    /// Removes `key`, moving the last entry into its place (as
    /// `IndexMap::swap_remove`; here it costs what `shift_remove` does).
    pub fn swap_remove<Q: ?Sized + Hash + Equivalent<Key>>(&mut self, key: &Q) -> Option<Node> {
        self.swap_remove_entry(key).map(|(_, v)| v)
    }

    /// [`Map::swap_remove`], with the stored key.
    pub fn swap_remove_entry<Q: ?Sized + Hash + Equivalent<Key>>(
        &mut self,
        key: &Q,
    ) -> Option<(Key, Node)> {
        let i = self.get_index_of(key)?;
        self.swap_remove_index(i)
    }

    /// Removes the entry at position `i`, moving the last entry into its
    /// place.
    pub fn swap_remove_index(&mut self, i: usize) -> Option<(Key, Node)> {
        self.remove_index(i, true)
    }

    /// Moves the entry at position `from` to position `to`, shifting the
    /// ones between; nothing when either is past the end.
    pub fn move_index(&mut self, from: usize, to: usize) {
        let n = self.len();
        if from >= n || to >= n || from == to {
            return;
        }
        let entries = &mut self.0.entries;
        if from < to {
            entries[from..=to].rotate_left(1);
        } else {
            entries[to..=from].rotate_right(1);
        }
        self.reindex();
    }

    /// Removes the last entry.
    pub fn pop(&mut self) -> Option<(Key, Node)> {
        let inner = &mut self.0;
        let i = inner.entries.len().checked_sub(1)?;
        // The other positions stay: only the last one leaves the index.
        if let Some(ix) = &mut inner.index {
            let hash = ix.hasher.hash_one(&inner.entries[i].0);
            if let Ok(slot) = ix.table.find_entry(hash, |&j| j as usize == i) {
                slot.remove();
            }
        }
        inner.entries.pop()
    }

    /// Keeps the entries for which `keep` is true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&Key, &mut Node) -> bool) {
        self.0.entries.retain_mut(|(k, v)| keep(k, v));
        self.reindex();
    }

    /// Keeps the first `n` entries.
    pub fn truncate(&mut self, n: usize) {
        self.0.entries.truncate(n);
        self.reindex();
    }

    /// Removes the entries in `range` and gives them back, in order.
    pub fn drain(&mut self, range: impl RangeBounds<usize>) -> IntoIter {
        let drained: Vec<(Key, Node)> = self.0.entries.drain(range).collect();
        self.reindex();
        IntoIter(drained.into_iter())
    }

    /// Splits off the entries from position `at` on.
    pub fn split_off(&mut self, at: usize) -> Map {
        let tail = self.0.entries.split_off(at);
        self.reindex();
        tail.into_iter().collect()
    }

    /// Sorts the entries with `cmp` (stable).
    pub fn sort_by(&mut self, mut cmp: impl FnMut(&Key, &Node, &Key, &Node) -> std::cmp::Ordering) {
        self.0.entries.sort_by(|a, b| cmp(&a.0, &a.1, &b.0, &b.1));
        self.reindex();
    }

    /// The entry of `key`, to read or fill in place.
    pub fn entry(&mut self, key: Key) -> Entry<'_> {
        match self.find(&key) {
            (Some(index), _) => Entry::Occupied(OccupiedEntry { map: self, index }),
            (None, hash) => Entry::Vacant(VacantEntry {
                map: self,
                key,
                hash,
            }),
        }
    }

    /// The entries, in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.0.entries.iter())
    }

    /// The entries, in order, their values mutably.
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        IterMut(self.0.entries.iter_mut())
    }

    /// The keys, in order.
    pub fn keys(&self) -> Keys<'_> {
        Keys(self.0.entries.iter())
    }

    /// The values, in order.
    pub fn values(&self) -> Values<'_> {
        Values(self.0.entries.iter())
    }

    /// The values, in order, mutably.
    pub fn values_mut(&mut self) -> ValuesMut<'_> {
        ValuesMut(self.0.entries.iter_mut())
    }

    /// The values, in order, by value.
    pub fn into_values(self) -> IntoValues {
        IntoValues(self.0.entries.into_iter())
    }

    /// The keys, in order, by value.
    pub fn into_keys(self) -> IntoKeys {
        IntoKeys(self.0.entries.into_iter())
    }

    /// Appends a key known to be new; its position.
    /// `hash`: the key's hash in the index, when [`Map::find`] computed it.
    fn push(&mut self, key: Key, value: Node, hash: Option<u64>) -> usize {
        let inner = &mut self.0;
        let i = inner.entries.len();
        inner.entries.push((key, value));
        match &mut inner.index {
            Some(ix) => {
                let hash = hash.unwrap_or_else(|| ix.hasher.hash_one(&inner.entries[i].0));
                if !ix.add(&inner.entries, i, hash) {
                    inner.index = None;
                }
            }
            None if i >= INDEX_AT => inner.index = Index::build(&inner.entries, i + 1),
            None => {}
        }
        i
    }

    /// The position of `key`, else (with an index) its hash there: a new
    /// key is then indexed without hashing it again.
    fn find<Q: ?Sized + Hash + Equivalent<Key>>(&self, key: &Q) -> (Option<usize>, Option<u64>) {
        let entries = &self.0.entries;
        match &self.0.index {
            None => (entries.iter().position(|(k, _)| key.equivalent(k)), None),
            Some(ix) => {
                let hash = ix.hasher.hash_one(key);
                let found = ix
                    .table
                    .find(hash, |&i| key.equivalent(&entries[i as usize].0));
                (found.map(|&i| i as usize), Some(hash))
            }
        }
    }

    /// Removes the entry at position `i`: keeping the others' order, or
    /// moving the last entry into its place (`swap`).
    fn remove_index(&mut self, i: usize, swap: bool) -> Option<(Key, Node)> {
        if i >= self.len() {
            return None;
        }
        if i + 1 == self.len() {
            return self.pop();
        }
        let entries = &mut self.0.entries;
        let removed = if swap {
            entries.swap_remove(i)
        } else {
            entries.remove(i)
        };
        self.reindex();
        Some(removed)
    }

    /// The index again after entries moved: positions changed.
    fn reindex(&mut self) {
        let inner = &mut self.0;
        inner.index = if inner.entries.len() > INDEX_AT {
            Index::build(&inner.entries, inner.entries.len())
        } else {
            None
        };
    }
}

fn pair((k, v): &(Key, Node)) -> (&Key, &Node) {
    (k, v)
}

fn pair_mut((k, v): &mut (Key, Node)) -> (&Key, &mut Node) {
    (k, v)
}

/// An entry of a [`Map`] (see [`Map::entry`]).
pub enum Entry<'a> {
    /// The key is in the map.
    Occupied(OccupiedEntry<'a>),
    /// It is not.
    Vacant(VacantEntry<'a>),
}

/// A key that is in its [`Map`].
pub struct OccupiedEntry<'a> {
    map: &'a mut Map,
    index: usize,
}

/// A key that is not in its [`Map`].
pub struct VacantEntry<'a> {
    map: &'a mut Map,
    key: Key,
    hash: Option<u64>,
}

impl<'a> Entry<'a> {
    /// The value, inserting `default` first if the key is new.
    pub fn or_insert(self, default: Node) -> &'a mut Node {
        self.or_insert_with(|| default)
    }

    /// The value, inserting `make()` first if the key is new.
    pub fn or_insert_with(self, make: impl FnOnce() -> Node) -> &'a mut Node {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(make()),
        }
    }

    /// The key.
    pub fn key(&self) -> &Key {
        match self {
            Entry::Occupied(e) => e.key(),
            Entry::Vacant(e) => e.key(),
        }
    }
}

impl<'a> OccupiedEntry<'a> {
    /// The stored key.
    pub fn key(&self) -> &Key {
        &self.map.0.entries[self.index].0
    }

    /// The value.
    pub fn get(&self) -> &Node {
        &self.map.0.entries[self.index].1
    }

    /// The value, mutably.
    pub fn get_mut(&mut self) -> &mut Node {
        &mut self.map.0.entries[self.index].1
    }

    /// The value, mutably, for as long as the map is borrowed.
    pub fn into_mut(self) -> &'a mut Node {
        &mut self.map.0.entries[self.index].1
    }

    /// The key's position.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Sets the value; the old one.
    pub fn insert(&mut self, value: Node) -> Node {
        std::mem::replace(self.get_mut(), value)
    }

    /// Removes the entry, keeping the order of the others; its value.
    pub fn shift_remove(self) -> Node {
        let i = self.index;
        let node = self.map.0.entries.remove(i).1;
        self.map.reindex();
        node
    }
}

impl<'a> VacantEntry<'a> {
    /// The key.
    pub fn key(&self) -> &Key {
        &self.key
    }

    /// The key, back.
    pub fn into_key(self) -> Key {
        self.key
    }

    /// Inserts `value` last; the value in place.
    pub fn insert(self, value: Node) -> &'a mut Node {
        let i = self.map.push(self.key, value, self.hash);
        &mut self.map.0.entries[i].1
    }
}

impl PartialEq for Map {
    /// The same keys with equal values, in any order (as Python dicts).
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(k, v)| other.get(k).is_some_and(|w| v == w))
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl std::ops::Index<usize> for Map {
    type Output = Node;
    /// The value at position `i`; panics past the end, as a slice does.
    fn index(&self, i: usize) -> &Node {
        &self.0.entries[i].1
    }
}

impl std::ops::IndexMut<usize> for Map {
    fn index_mut(&mut self, i: usize) -> &mut Node {
        &mut self.0.entries[i].1
    }
}

impl<Q: ?Sized + Hash + Equivalent<Key>> std::ops::Index<&Q> for Map {
    type Output = Node;
    /// The value of `key`; panics when it is absent, as `IndexMap` does.
    fn index(&self, key: &Q) -> &Node {
        self.get(key).expect("Map: key not found")
    }
}

impl FromIterator<(Key, Node)> for Map {
    fn from_iter<I: IntoIterator<Item = (Key, Node)>>(iter: I) -> Map {
        let iter = iter.into_iter();
        let mut map = Map::with_capacity(iter.size_hint().0);
        map.extend(iter);
        map
    }
}

impl Extend<(Key, Node)> for Map {
    fn extend<I: IntoIterator<Item = (Key, Node)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

/// An iterator over a [`Map`]'s entries: `$name` wraps a slice or vec
/// iterator of the entries and maps each with `$f`.
macro_rules! entry_iter {
    ($(#[$doc:meta])* $name:ident $(<$a:lifetime>)?, $inner:ty, $item:ty, $f:expr) => {
        $(#[$doc])*
        pub struct $name$(<$a>)?($inner);

        impl$(<$a>)? Iterator for $name$(<$a>)? {
            type Item = $item;
            fn next(&mut self) -> Option<$item> {
                self.0.next().map($f)
            }
            fn size_hint(&self) -> (usize, Option<usize>) {
                self.0.size_hint()
            }
        }

        impl$(<$a>)? DoubleEndedIterator for $name$(<$a>)? {
            fn next_back(&mut self) -> Option<$item> {
                self.0.next_back().map($f)
            }
        }

        impl$(<$a>)? ExactSizeIterator for $name$(<$a>)? {}
    };
}

entry_iter!(
    /// The entries of a [`Map`], by reference ([`Map::iter`]).
    Iter<'a>, std::slice::Iter<'a, (Key, Node)>, (&'a Key, &'a Node), pair
);
entry_iter!(
    /// The entries of a [`Map`], values mutably ([`Map::iter_mut`]).
    IterMut<'a>, std::slice::IterMut<'a, (Key, Node)>, (&'a Key, &'a mut Node), pair_mut
);
entry_iter!(
    /// The entries of a [`Map`], by value.
    IntoIter, std::vec::IntoIter<(Key, Node)>, (Key, Node), std::convert::identity
);
entry_iter!(
    /// The keys of a [`Map`] ([`Map::keys`]).
    Keys<'a>, std::slice::Iter<'a, (Key, Node)>, &'a Key, |(k, _): &'a (Key, Node)| k
);
entry_iter!(
    /// The values of a [`Map`] ([`Map::values`]).
    Values<'a>, std::slice::Iter<'a, (Key, Node)>, &'a Node, |(_, v): &'a (Key, Node)| v
);
entry_iter!(
    /// The values of a [`Map`], mutably ([`Map::values_mut`]).
    ValuesMut<'a>, std::slice::IterMut<'a, (Key, Node)>, &'a mut Node, |(_, v): &'a mut (Key, Node)| v
);
entry_iter!(
    /// The values of a [`Map`], by value ([`Map::into_values`]).
    IntoValues, std::vec::IntoIter<(Key, Node)>, Node, |(_, v): (Key, Node)| v
);
entry_iter!(
    /// The keys of a [`Map`], by value ([`Map::into_keys`]).
    IntoKeys, std::vec::IntoIter<(Key, Node)>, Key, |(k, _): (Key, Node)| k
);

impl Clone for Iter<'_> {
    fn clone(&self) -> Self {
        Iter(self.0.clone())
    }
}

impl Clone for Keys<'_> {
    fn clone(&self) -> Self {
        Keys(self.0.clone())
    }
}

impl Clone for Values<'_> {
    fn clone(&self) -> Self {
        Values(self.0.clone())
    }
}

impl IntoIterator for Map {
    type Item = (Key, Node);
    type IntoIter = IntoIter;
    fn into_iter(self) -> IntoIter {
        IntoIter(self.0.entries.into_iter())
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a Key, &'a Node);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map {
    type Item = (&'a Key, &'a mut Node);
    type IntoIter = IterMut<'a>;
    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: usize) -> Key {
        Key::from(format!("k{i}").as_str())
    }

    /// Every operation, on maps below and past [`INDEX_AT`], against a
    /// plain vector of pairs searched from end to end.
    #[test]
    fn agrees_with_a_vector_of_pairs() {
        for n in [0, 3, INDEX_AT, INDEX_AT + 1, 3 * INDEX_AT] {
            let mut m = Map::new();
            let mut v: Vec<(Key, Node)> = Vec::new();
            for i in 0..n {
                assert_eq!(m.insert(key(i), Node::from(i as i64)), None);
                v.push((key(i), Node::from(i as i64)));
            }
            // Re-inserting keeps the position.
            if n > 1 {
                assert!(m.insert(key(1), Node::from(-1)).is_some());
                v[1].1 = Node::from(-1);
            }
            let check = |m: &Map, v: &[(Key, Node)]| {
                assert_eq!(m.len(), v.len());
                for (i, (k, node)) in v.iter().enumerate() {
                    assert_eq!(m.get_index_of(k), Some(i));
                    assert_eq!(m.get(k), Some(node));
                    assert_eq!(m.get_index(i), Some((k, node)));
                }
                assert!(m.get(&Key::from("absent")).is_none());
                assert!(m.iter().map(|(k, _)| k).eq(v.iter().map(|(k, _)| k)));
            };
            check(&m, &v);
            if n > 2 {
                assert_eq!(m.shift_remove(&key(0)), Some(Node::from(0)));
                v.remove(0);
                check(&m, &v);
                m.shift_insert(1, key(0), Node::from(7));
                v.insert(1, (key(0), Node::from(7)));
                check(&m, &v);
                m.retain(|k, _| k != &key(2));
                v.retain(|(k, _)| k != &key(2));
                check(&m, &v);
                let tail = m.split_off(1);
                let vt = v.split_off(1);
                check(&m, &v);
                check(&tail, &vt);
            }
        }
    }

    #[test]
    fn string_keys_are_found_by_str() {
        let mut m = Map::new();
        for i in 0..40 {
            m.insert(key(i), Node::from(i as i64));
            let s = format!("k{i}");
            assert_eq!(m.get(&crate::node::StrKey(&s)), Some(&Node::from(i as i64)));
        }
    }

    #[test]
    fn equality_ignores_order() {
        let a: Map = [(key(1), Node::from(1)), (key(2), Node::from(2))]
            .into_iter()
            .collect();
        let b: Map = [(key(2), Node::from(2)), (key(1), Node::from(1))]
            .into_iter()
            .collect();
        assert_eq!(a, b);
        let c: Map = [(key(2), Node::from(3)), (key(1), Node::from(1))]
            .into_iter()
            .collect();
        assert_ne!(a, c);
    }

    #[test]
    fn entries_fill_in_place() {
        let mut m = Map::new();
        for i in 0..(2 * INDEX_AT) {
            match m.entry(key(i % INDEX_AT)) {
                Entry::Vacant(e) => {
                    e.insert(Node::from(1));
                }
                Entry::Occupied(mut e) => {
                    e.insert(Node::from(2));
                }
            }
        }
        assert_eq!(m.len(), INDEX_AT);
        assert!(m.values().all(|v| v == &Node::from(2)));
    }

    /// One step of [`agrees_with_indexmap`].
    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, i64),
        ShiftRemove(u8),
        ShiftInsert(usize, u8, i64),
        Entry(u8, i64),
        Pop,
        Truncate(usize),
        Retain(u8),
        Drain(usize, usize),
        SplitOff(usize),
        Sort,
        SwapRemove(u8),
        Move(usize, usize),
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        // Keys from a small pool, so that inserts hit existing keys and maps
        // cross the index threshold both ways.
        let k = 0u8..24;
        prop_oneof![
            6 => (k.clone(), any::<i64>()).prop_map(|(k, v)| Op::Insert(k, v)),
            2 => k.clone().prop_map(Op::ShiftRemove),
            1 => (0usize..30, k.clone(), any::<i64>()).prop_map(|(i, k, v)| Op::ShiftInsert(i, k, v)),
            2 => (k.clone(), any::<i64>()).prop_map(|(k, v)| Op::Entry(k, v)),
            1 => Just(Op::Pop),
            1 => (0usize..30).prop_map(Op::Truncate),
            1 => k.prop_map(Op::Retain),
            1 => (0usize..30, 0usize..30).prop_map(|(a, b)| Op::Drain(a, b)),
            1 => (0usize..30).prop_map(Op::SplitOff),
            1 => Just(Op::Sort),
            1 => (0u8..24).prop_map(Op::SwapRemove),
            1 => (0usize..30, 0usize..30).prop_map(|(a, b)| Op::Move(a, b)),
        ]
    }

    proptest::proptest! {
        #![proptest_config(crate::proptest_cases::cases(200))]

        /// Any sequence of operations leaves the same entries, in the same
        /// order, as on an `IndexMap`, and every key is found where it is.
        #[test]
        fn agrees_with_indexmap(ops in proptest::collection::vec(op(), 0..80)) {
            let mut m = Map::new();
            let mut model: indexmap::IndexMap<Key, Node> = indexmap::IndexMap::new();
            for op in ops {
                match op {
                    Op::Insert(k, v) => {
                        proptest::prop_assert_eq!(
                            m.insert_full(key(k.into()), Node::from(v)),
                            model.insert_full(key(k.into()), Node::from(v))
                        );
                    }
                    Op::ShiftRemove(k) => {
                        proptest::prop_assert_eq!(
                            m.shift_remove(&key(k.into())),
                            model.shift_remove(&key(k.into()))
                        );
                    }
                    Op::ShiftInsert(i, k, v) => {
                        // IndexMap panics past the end (one past, for a new key).
                        let limit = if model.contains_key(&key(k.into())) {
                            model.len().saturating_sub(1)
                        } else {
                            model.len()
                        };
                        if i <= limit {
                            proptest::prop_assert_eq!(
                                m.shift_insert(i, key(k.into()), Node::from(v)),
                                model.shift_insert(i, key(k.into()), Node::from(v))
                            );
                        }
                    }
                    Op::Entry(k, v) => {
                        let ours = match m.entry(key(k.into())) {
                            Entry::Occupied(mut e) => Some(e.insert(Node::from(v))),
                            Entry::Vacant(e) => {
                                e.insert(Node::from(v));
                                None
                            }
                        };
                        proptest::prop_assert_eq!(ours, model.insert(key(k.into()), Node::from(v)));
                    }
                    Op::Pop => proptest::prop_assert_eq!(m.pop(), model.pop()),
                    Op::Truncate(n) => {
                        m.truncate(n);
                        model.truncate(n);
                    }
                    Op::Retain(k) => {
                        m.retain(|key, _| key.as_str().is_some_and(|s| s.len() % 2 == usize::from(k % 2)));
                        model.retain(|key, _| key.as_str().is_some_and(|s| s.len() % 2 == usize::from(k % 2)));
                    }
                    Op::Drain(a, b) => {
                        let (a, b) = (a.min(b).min(model.len()), a.max(b).min(model.len()));
                        proptest::prop_assert!(m.drain(a..b).eq(model.drain(a..b)));
                    }
                    Op::SplitOff(at) => {
                        if at <= model.len() {
                            let ours: Vec<_> = m.split_off(at).into_iter().collect();
                            let theirs: Vec<_> = model.split_off(at).into_iter().collect();
                            proptest::prop_assert_eq!(ours, theirs);
                        }
                    }
                    Op::SwapRemove(k) => {
                        proptest::prop_assert_eq!(
                            m.swap_remove(&key(k.into())),
                            model.swap_remove(&key(k.into()))
                        );
                    }
                    Op::Move(a, b) => {
                        // IndexMap panics past the end.
                        if a < model.len() && b < model.len() {
                            m.move_index(a, b);
                            model.move_index(a, b);
                        }
                    }
                    Op::Sort => {
                        m.sort_by(|a, _, b, _| a.to_string().cmp(&b.to_string()));
                        model.sort_by(|a, _, b, _| a.to_string().cmp(&b.to_string()));
                    }
                }
                proptest::prop_assert!(m.iter().eq(model.iter()));
                for (i, k) in model.keys().enumerate() {
                    proptest::prop_assert_eq!(m.get_index_of(k), Some(i));
                }
                proptest::prop_assert_eq!(m.get_index_of(&key(99)), None);
            }
        }
    }
}
