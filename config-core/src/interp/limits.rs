//! Resolution limits: the guard rails that keep hostile interpolations
//! (`oc.decode` of its own result, `oc.create` of a string that creates
//! itself, references that copy each other, strings that repeat each other)
//! from exhausting the stack, memory or time while [`super::resolve()`] runs.
//!
//! Every limit is a constant; the error that enforces it names the limit and
//! the key being resolved. `Budget` is the running count of what one
//! resolution has copied or created, in the style of the YAML loader's alias
//! budget (`crate::yaml::Limits`).
//!
//! ```
//! use config_core::interp::{resolve, Resolvers};
//! use config_core::Node;
//! // `oc.decode` of its own result: each level decodes the same text again,
//! // within one interpolation, until the stack limit stops it.
//! let mut cfg = Node::from_yaml_str("b: '\\${oc.decode:\\${b}}'\na: ${oc.decode:${b}}\n").unwrap();
//! let e = resolve(&mut cfg, &Resolvers::default()).unwrap_err();
//! assert_eq!(e.message(), "Interpolation nested too deep: more than 1 MiB of stack");
//! assert_eq!(e.key(), Some("a"));
//! ```

use crate::node::{Key, Map, Node, Value};

/// Deepest nesting of interpolations, lists and dicts inside one string
/// (`${a:${b:[1, {k: ${c}}]}}`), checked by the parser.
pub const MAX_INTERPOLATION_NESTING: usize = 200;

/// Longest chain of interpolations followed at once (`a -> b -> ...`):
/// deeper chains are reported instead of exhausting the stack.
pub const MAX_CHAIN: usize = 1000;

/// Deepest nesting of resolver calls inside one another: a call in another
/// call's arguments, in the text `oc.decode` reads, or in the node a
/// resolver selects (`oc.select`). The grammar caps nesting within one text;
/// `oc.decode` reads a new text at each level, so `b: '\${oc.decode:\${b}}'`
/// would nest without end. As deep as [`MAX_CHAIN`], so that a chain whose
/// links are resolver calls stops at the chain limit first. Calls nested
/// within one interpolation (as `oc.decode`'s are) take stack that cannot
/// be suspended, so [`MAX_STACK_USE`] stops those first.
pub const MAX_CALL_DEPTH: usize = 1000;

/// Deepest a value that resolution places may reach (the root's children
/// are at depth 1). `oc.create` of a string that holds itself
/// (`s: 'x: \${oc.create:\${s}}'`) grows the tree one level per call.
/// Twice the YAML loader's default depth, so a copy of any loaded subtree
/// fits under any loaded node; much deeper trees overflow whatever walks
/// them next (cloning or dropping a node takes about 2 KiB of stack per
/// level in a debug build, and threads may have 2 MiB).
pub const MAX_TREE_DEPTH: usize = 256;

/// Nodes that one resolution may copy or create: the copy `${ref}` makes of
/// a value, arguments copied for resolvers and the values resolvers return.
/// Every node counts, containers and scalars, and a copied node's history
/// (`Node::replaced`) too. References that copy each other
/// (`b: [${a}, ${a}]`, `c: [${b}, ${b}]`, ...) double at each step.
pub const MAX_COPY_NODES: usize = 500_000;

/// String bytes (values and keys) in the nodes counted by [`MAX_COPY_NODES`].
pub const MAX_COPY_BYTES: usize = 64 << 20;

/// Most bytes of interpolated strings (and keys built from interpolations)
/// one resolution may build. Checked while a string is built, before its
/// pieces are appended.
pub const MAX_STRING_BYTES: usize = 64 << 20;

/// Stack that resolution may use on the caller's thread before it reports
/// nesting too deep instead of overflowing. A last resort: the limits above
/// stop every known shape long before, and long chains are suspended at
/// [`SUSPEND_STACK_USE`] and resolved piece by piece; this catches nesting
/// within one interpolation (a resolver argument of lists nested 190 deep,
/// each holding the next link). Small enough for a 2 MiB thread, with room
/// for the caller's own frames.
pub const MAX_STACK_USE: usize = 1 << 20;

/// Stack one evaluation may use before it is suspended at its innermost
/// interpolation, which is then resolved on its own (and the evaluation
/// run again): how chains of any length up to [`MAX_CHAIN`] resolve on the
/// caller's stack. A chain link takes 10 to 20 KiB of stack in a debug
/// build, so this is a few dozen links.
pub const SUSPEND_STACK_USE: usize = 256 << 10;

/// Which part of the copy budget ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exceeded {
    Nodes,
    Bytes,
}

/// What one resolution has copied or created so far.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    nodes: usize,
    bytes: usize,
}

impl Budget {
    /// Charges `nodes` nodes holding `bytes` string bytes.
    pub(crate) fn charge(&mut self, nodes: usize, bytes: usize) -> Result<(), Exceeded> {
        self.nodes = self.nodes.saturating_add(nodes);
        self.bytes = self.bytes.saturating_add(bytes);
        self.check(0, 0)
    }

    /// Fails when charging `nodes` and `bytes` more would exceed the budget:
    /// for a resolver to check before it builds a large value.
    pub(crate) fn check(&self, nodes: usize, bytes: usize) -> Result<(), Exceeded> {
        if self.nodes.saturating_add(nodes) > MAX_COPY_NODES {
            return Err(Exceeded::Nodes);
        }
        if self.bytes.saturating_add(bytes) > MAX_COPY_BYTES {
            return Err(Exceeded::Bytes);
        }
        Ok(())
    }

    /// Charges a value that already exists (a resolver's result) for all
    /// its nodes; stops walking once the budget is exceeded.
    pub(crate) fn charge_tree(&mut self, n: &Node) -> Result<(), Exceeded> {
        self.charge(1, value_bytes(&n.value))?;
        if let Some(old) = n.replaced() {
            self.charge_tree(old)?;
        }
        match &n.value {
            Value::Map(m) => m.iter().try_for_each(|(k, v)| {
                self.charge(0, key_bytes(k))?;
                self.charge_tree(v)
            }),
            Value::List(l) => l.iter().try_for_each(|v| self.charge_tree(v)),
            _ => Ok(()),
        }
    }
}

/// A copy of `n`, charged node by node: a copy over budget stops where the
/// budget ran out instead of being built whole first.
pub(crate) fn charged_clone(n: &Node, budget: &mut Budget) -> Result<Node, Exceeded> {
    budget.charge(1, value_bytes(&n.value))?;
    let replaced = match n.replaced() {
        Some(old) => Some(charged_clone(old, budget)?),
        None => None,
    };
    let value = match &n.value {
        Value::Map(m) => {
            let mut out = Map::with_capacity(m.len());
            for (k, v) in m {
                budget.charge(0, key_bytes(k))?;
                out.insert(k.clone(), charged_clone(v, budget)?);
            }
            Value::Map(out)
        }
        Value::List(l) => {
            // Not `collect`: a `Result` iterator cannot size the vector.
            let mut out = Vec::with_capacity(l.len());
            for v in l {
                out.push(charged_clone(v, budget)?);
            }
            Value::List(out)
        }
        other => other.clone(),
    };
    let mut copy = Node::with_origin(value, n.origin.clone()).with_flags(n.flags());
    copy.set_replaced(replaced);
    Ok(copy)
}

/// String bytes a value holds itself (not its children).
pub(crate) fn value_bytes(v: &Value) -> usize {
    match v {
        Value::Str(s) | Value::Interp(s) => s.len(),
        Value::BigInt(s) => s.len(),
        _ => 0,
    }
}

pub(crate) fn key_bytes(k: &Key) -> usize {
    match k {
        Key::Str(s) => s.len(),
        _ => 0,
    }
}

/// Container levels of a value: 0 for a scalar, 1 for `[a]`, 2 for `[[a]]`.
pub(crate) fn height(n: &Node) -> usize {
    let below = match &n.value {
        Value::Map(m) => m.values().map(height).max(),
        Value::List(l) => l.iter().map(height).max(),
        _ => return 0,
    };
    1 + below.unwrap_or(0)
}

/// An address on the current thread's stack: how far two calls are apart
/// tells how much stack lies between them.
#[inline(never)]
pub(crate) fn stack_addr() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_counts_nodes_and_bytes() {
        let mut b = Budget::default();
        assert!(b.charge(MAX_COPY_NODES, 0).is_ok());
        assert_eq!(b.check(1, 0), Err(Exceeded::Nodes));
        assert_eq!(b.charge(1, 0), Err(Exceeded::Nodes));
        let mut b = Budget::default();
        assert_eq!(b.charge(1, MAX_COPY_BYTES + 1), Err(Exceeded::Bytes));
    }

    #[test]
    fn charged_clone_copies_exactly_and_counts_everything() {
        let mut cfg = Node::from_yaml_str("a: {bb: [x, 1, {c: yy}]}\n").unwrap();
        cfg.get_mut("a")
            .unwrap()
            .unwrap()
            .set_replaced(Some(Node::from("${z}")));
        let mut b = Budget::default();
        let copy = charged_clone(&cfg, &mut b).unwrap();
        assert_eq!(copy, cfg);
        assert!(copy.get("a").unwrap().replaced().is_some());
        // root, a, its history, bb, x, 1, {c}, yy
        assert_eq!((b.nodes, b.bytes), (8, 1 + 4 + 2 + 1 + 1 + 2));
        let mut again = Budget::default();
        again.charge_tree(&cfg).unwrap();
        assert_eq!((again.nodes, again.bytes), (b.nodes, b.bytes));
        assert_eq!(height(&cfg), 4);
        assert_eq!(height(&Node::from(1)), 0);
    }

    #[test]
    fn stack_addresses_grow_apart_with_recursion() {
        #[inline(never)]
        fn down(n: usize, base: usize) -> usize {
            let pad = std::hint::black_box([0u8; 256]);
            if n == 0 {
                return stack_addr().abs_diff(base) + usize::from(pad[0]);
            }
            down(n - 1, base)
        }
        let base = stack_addr();
        assert!(down(100, base) >= 100 * 256);
    }
}
