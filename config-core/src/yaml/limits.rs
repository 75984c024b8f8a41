//! Loader limits: the guard rails that keep hostile YAML (deep nesting,
//! "billion laughs" aliases, fat aliased scalars, huge files, huge trees)
//! from exhausting the stack, memory or time while [`super::load`] builds a
//! tree.
//!
//! [`Limits`] is the public knob; [`Budget`] is the loader's running count of
//! what alias expansion, and the tree as a whole, have cost so far.

use crate::node::{Key, Node};

/// Limits that keep hostile YAML from exhausting memory or stack.
///
/// The defaults accept any sane configuration file. Raise them only for
/// trusted input:
///
/// ```
/// use config_core::yaml::{load_str, Limits};
/// let deep = "[".repeat(300) + &"]".repeat(300);
/// assert!(load_str(&deep, "<string>", &Limits::default()).is_err());
/// let limits = Limits { max_depth: 400, ..Limits::default() };
/// // saphyr's own flow-nesting cap (255) still applies above ours.
/// assert!(load_str(&deep, "<string>", &limits).is_err());
/// let ok = "[".repeat(200) + &"]".repeat(200);
/// assert!(load_str(&ok, "<string>", &limits).is_ok());
/// // The tree's memory: 1,000 values of `[1,1,...]` are 2 KB of text but
/// // about 104 KB of tree.
/// let list = format!("a: [{}1]", "1,".repeat(999));
/// let small = Limits { max_tree_bytes: 100 << 10, ..Limits::default() };
/// assert!(load_str(&list, "<string>", &small).is_err());
/// assert!(load_str(&list, "<string>", &Limits::default()).is_ok());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of mappings and lists, block and flow alike. Aliases
    /// count with the depth of the node they copy. The tree is later walked
    /// recursively, so keep this well below what the stack can take.
    pub max_depth: usize,
    /// Nodes that alias expansion (aliases and `<<` merge keys) may create in
    /// one document. Anchors nested inside other anchors count too, since
    /// storing them copies their content.
    pub max_alias_nodes: usize,
    /// String bytes (scalars and keys) that alias expansion may create in one
    /// document, counted like `max_alias_nodes`.
    pub max_alias_bytes: usize,
    /// Largest document accepted, in bytes. Files are read with this bound
    /// (not trusting their metadata), so it is also the most a file read
    /// takes.
    pub max_size: usize,
    /// Memory the loaded tree may take, in bytes, aliases and anchors
    /// included: a tree is far bigger than its text (`[1,1,1]` is 2 bytes
    /// of text per value, a value in memory is [`NODE_BYTES`]), so
    /// `max_size` alone would admit trees of many gigabytes. Each value
    /// counts [`NODE_BYTES`] plus the bytes of its strings (keys included).
    pub max_tree_bytes: usize,
}

/// What one value of a loaded tree counts against
/// [`Limits::max_tree_bytes`]: a [`Node`] plus, as if every value were a
/// mapping entry, a [`Key`] and 16 bytes of hash and index slot (an estimate
/// from the types' sizes: list items count a little more than they take).
pub const NODE_BYTES: usize = std::mem::size_of::<Node>() + std::mem::size_of::<Key>() + 16;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 128,
            max_alias_nodes: 250_000,
            max_alias_bytes: 64 << 20,
            max_size: 256 << 20,
            max_tree_bytes: 128 << 20,
        }
    }
}

/// The size of a subtree, as alias expansion is charged for it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Cost {
    /// Nodes (every value, container or scalar).
    pub nodes: usize,
    /// String bytes of scalars and keys.
    pub bytes: usize,
    /// Container levels: 0 for a scalar, 1 for `[a]`, 2 for `[[a]]`.
    pub height: usize,
}

impl Cost {
    /// The subtree's charge against [`Limits::max_tree_bytes`].
    pub(super) fn tree_bytes(&self) -> usize {
        self.nodes
            .saturating_mul(NODE_BYTES)
            .saturating_add(self.bytes)
    }
}

/// Which budget ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exceeded {
    Nodes,
    Bytes,
    Tree,
}

/// What alias expansion has created so far in one document, and what the
/// whole tree is estimated to take.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    nodes: usize,
    bytes: usize,
    tree: usize,
}

impl Budget {
    /// Charges one expansion of a subtree of size `cost`.
    pub(super) fn charge(&mut self, cost: Cost, limits: &Limits) -> Result<(), Exceeded> {
        self.nodes = self.nodes.saturating_add(cost.nodes);
        self.bytes = self.bytes.saturating_add(cost.bytes);
        if self.nodes > limits.max_alias_nodes {
            return Err(Exceeded::Nodes);
        }
        if self.bytes > limits.max_alias_bytes {
            return Err(Exceeded::Bytes);
        }
        self.charge_tree(cost.tree_bytes(), limits)
    }

    /// The tree bytes charged so far.
    pub(super) fn tree_bytes(&self) -> usize {
        self.tree
    }

    /// Charges `bytes` of tree (see [`Limits::max_tree_bytes`]).
    pub(super) fn charge_tree(&mut self, bytes: usize, limits: &Limits) -> Result<(), Exceeded> {
        self.tree = self.tree.saturating_add(bytes);
        if self.tree > limits.max_tree_bytes {
            return Err(Exceeded::Tree);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(nodes: usize, bytes: usize) -> Cost {
        Cost {
            nodes,
            bytes,
            height: 0,
        }
    }

    #[test]
    fn budget_counts_nodes_and_bytes() {
        let limits = Limits {
            max_alias_nodes: 10,
            max_alias_bytes: 100,
            ..Limits::default()
        };
        let mut b = Budget::default();
        assert!(b.charge(cost(5, 50), &limits).is_ok());
        assert!(b.charge(cost(5, 50), &limits).is_ok());
        assert_eq!(b.charge(cost(1, 0), &limits), Err(Exceeded::Nodes));
        let mut b = Budget::default();
        assert_eq!(b.charge(cost(1, 101), &limits), Err(Exceeded::Bytes));
    }

    #[test]
    fn tree_budget_counts_alias_copies_too() {
        let limits = Limits {
            max_tree_bytes: 3 * NODE_BYTES + 10,
            ..Limits::default()
        };
        let mut b = Budget::default();
        assert!(b.charge_tree(2 * NODE_BYTES, &limits).is_ok());
        assert!(b.charge(cost(1, 10), &limits).is_ok());
        assert_eq!(b.charge_tree(1, &limits), Err(Exceeded::Tree));
    }
}
