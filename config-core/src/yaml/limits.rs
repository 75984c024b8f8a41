//! Loader limits: the guard rails that keep hostile YAML (deep nesting,
//! "billion laughs" aliases, fat aliased scalars, huge files) from
//! exhausting the stack, memory or time while [`super::load`] builds a tree.
//!
//! [`Limits`] is the public knob; [`Budget`] is the loader's running count of
//! what alias expansion has created so far.

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
    /// Largest document accepted, in bytes.
    pub max_size: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 128,
            max_alias_nodes: 250_000,
            max_alias_bytes: 64 << 20,
            max_size: 256 << 20,
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

/// Which budget ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exceeded {
    Nodes,
    Bytes,
}

/// What alias expansion has created so far in one document.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    nodes: usize,
    bytes: usize,
}

impl Budget {
    /// Charges one expansion of a subtree of size `cost`.
    pub fn charge(&mut self, cost: Cost, limits: &Limits) -> Result<(), Exceeded> {
        self.nodes = self.nodes.saturating_add(cost.nodes);
        self.bytes = self.bytes.saturating_add(cost.bytes);
        if self.nodes > limits.max_alias_nodes {
            return Err(Exceeded::Nodes);
        }
        if self.bytes > limits.max_alias_bytes {
            return Err(Exceeded::Bytes);
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
}
