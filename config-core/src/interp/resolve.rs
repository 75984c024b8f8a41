//! Resolution: evaluates every interpolation of a tree in place. The
//! result is what OmegaConf 2.3's `to_yaml(cfg, resolve=True)` prints
//! (checked against the reference on the conformance corpus and on
//! thousands of generated configs).
//!
//! Place in the flow: after composition (or after loading one file), before
//! the typed layer. First every interpolation is parsed (OmegaConf rejects
//! bad syntax when a config is created); then the tree is walked in
//! document order. References are followed on demand; every node is
//! evaluated at most once and cycles are caught on the way (`a -> b -> a`).
//!
//! - `${a}` alone takes the value *and type* of `a`; when `a` is a mapping or
//!   a list it is resolved where it stands, then copied.
//! - Anything else (`x_${a}`) gives a string, values printed as Python does
//!   (`True`, `None`, `1e-06`); a mapping or list prints as written, its
//!   own interpolations unresolved (`{'k': '${x}'}`), as in OmegaConf.
//! - Relative keys start from the mapping or list that holds the node:
//!   `${.x}` is a sibling, each further dot goes one level up.
//! - Errors carry the OmegaConf class (as [`ErrorKind`]) and message, the
//!   full key of the innermost node being resolved, the origin of the
//!   interpolation that failed, and hints (the cycle, "did you mean").
//!
//! Resolution runs on the caller's thread and bounds its stack use: an
//! evaluation that goes deep (a long chain) is suspended at its innermost
//! interpolation, which is resolved on its own first, then the evaluation
//! runs again (`Engine::drive`); nesting within one interpolation stops at
//! [`super::limits::MAX_STACK_USE`].
//!
//! Deliberate differences: `${oc.decode:' '}` gives `' '` where the
//! reference fails an internal assertion; reference cycles through copies
//! that make Python overflow its stack are reported as cycles; errors met
//! while copying a container name the node in its new place.

use super::grammar::{
    self, ArgValue, GrammarError, Interp, KeyPart, NodeRef, Part, Piece, ResolverCall, Text,
};
use super::limits::{
    self, charged_clone, stack_addr, Budget, Exceeded, MAX_CALL_DEPTH, MAX_COPY_BYTES,
    MAX_COPY_NODES, MAX_STACK_USE, MAX_TREE_DEPTH, SUSPEND_STACK_USE,
};
use super::resolvers::{Call, Resolvers};
use crate::error::{did_you_mean, Error, ErrorKind};
use crate::grammar::primitive::type_primitive;
use crate::node::{CompactString, Key, Map, Node, StrKey, Value};
use crate::path::{child_key, index_key, parse_path};
use crate::python::{python_repr, python_repr_key, python_str, python_type, Number};
use std::collections::HashMap;

pub(crate) use super::limits::{MAX_CHAIN, MAX_STRING_BYTES};

/// Resolves every interpolation in `root`, in place.
///
/// On error the tree is left partly resolved. Flags (readonly, struct) do
/// not stop resolution: it is not a user write.
///
/// ```
/// use config_core::interp::{resolve, Resolvers};
/// use config_core::{Node, Value};
/// let mut cfg = Node::from_yaml_str("port: 80\nurl: http://host:${port}/\ncopy: ${port}\n").unwrap();
/// resolve(&mut cfg, &Resolvers::default()).unwrap();
/// assert_eq!(cfg.get("url").unwrap().value, Value::Str("http://host:80/".into()));
/// assert_eq!(cfg.get("copy").unwrap().value, Value::Int(80));
/// ```
pub fn resolve(root: &mut Node, resolvers: &Resolvers) -> Result<(), Error> {
    with_engine(root, resolvers, |engine| engine.walk(Vec::new()))
}

/// Runs `f` on an engine over `root`, after checking the grammar of every
/// interpolation, on the caller's thread. Resolution bounds its own stack
/// use (see [`Engine::deeper`]), so any caller's stack will do.
fn with_engine<T>(
    root: &mut Node,
    resolvers: &Resolvers,
    f: impl FnOnce(&mut Engine<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut engine = Engine::new(root, resolvers);
    engine.check_grammar()?;
    f(&mut engine)
}

/// The fully resolved value at `path` (`a.b`, `a[0]`, `a.0`), leaving
/// `root` unchanged. A `???` value is returned as is.
///
/// This works on a copy of the tree; to read many values, [`resolve`] a
/// copy once instead.
///
/// ```
/// use config_core::interp::{resolve_path, Resolvers};
/// use config_core::{Node, Value};
/// let cfg = Node::from_yaml_str("a: {b: 1}\nc: ${a}\n").unwrap();
/// let c = resolve_path(&cfg, "c", &Resolvers::default()).unwrap();
/// assert_eq!(c.get("b").unwrap().value, Value::Int(1));
/// assert!(resolve_path(&cfg, "zz", &Resolvers::default()).is_err());
/// ```
pub fn resolve_path(root: &Node, path: &str, resolvers: &Resolvers) -> Result<Node, Error> {
    let mut copy = root.clone();
    with_engine(&mut copy, resolvers, |engine| {
        let target = engine.locate(path)?;
        engine.walk(target.clone())?;
        Ok(engine.node(&target).clone())
    })
}

/// The container that the interpolation at `path` (mapping keys from the
/// root) refers to, as written: what OmegaConf's merge puts in place of an
/// interpolation before merging a mapping into it
/// (`_maybe_dereference_node`). The interpolation is followed as
/// resolution follows it (chains, relative keys, `oc.select`), on a copy of
/// `root`. `None` when it is not one, does not name a node of the tree,
/// fails, or names a scalar.
pub(crate) fn referenced_container<'k>(
    root: &Node,
    path: impl IntoIterator<Item = &'k Key>,
) -> Option<Node> {
    let mut pos = Vec::new();
    let mut node = root;
    for k in path {
        let (i, _, child) = node.as_map()?.get_full(k)?;
        pos.push(i);
        node = child;
    }
    if !matches!(node.value, Value::Interp(_)) {
        return None;
    }
    let mut copy = root.clone();
    let resolvers = Resolvers::default();
    let mut engine = Engine::new(&mut copy, &resolvers);
    let target = engine.drive_follow(pos.clone()).ok()?;
    let found = engine.node(&target);
    (target != pos && found.value.is_container()).then(|| found.clone())
}

/// A node position: child indices from the root (mapping entries by their
/// index, list items by position). Resolution never adds or removes keys
/// above a node, so positions stay valid while it runs.
pub(crate) type Pos = Vec<usize>;

/// The result of evaluating one interpolation: a node of the tree (kept by
/// position, so that a string can print it without copying) or a new value.
pub(crate) enum Ev {
    Ref(Pos),
    Val(Node),
}

/// The outcome of looking a key up, before it becomes an error or a default.
pub(crate) enum Lookup {
    Found(Pos),
    /// A `???` value at this position.
    Missing(Pos),
    /// No such key; `container` is where the last lookup failed.
    NotFound {
        rel: String,
        container: Pos,
        seg: String,
    },
    /// A relative key climbs above the root.
    BeyondRoot,
    /// A scalar (or null) stands where a container is needed.
    NotContainer {
        rel: String,
        parent: String,
        child: String,
    },
}

pub(crate) struct Engine<'e> {
    root: &'e mut Node,
    pub(crate) resolvers: &'e Resolvers,
    /// Positions of the interpolations being evaluated, outermost first.
    stack: Vec<Pos>,
    /// For each entry of `stack`: how it is evaluated, and the resolver
    /// calls in progress when it started.
    entered: Vec<Entered>,
    /// The entries of `stack` and `materializing` of suspended evaluations
    /// (see [`Engine::drive`]), outermost first: still in progress, for the
    /// cycle and chain checks.
    pending_stack: Vec<Pos>,
    pending_materializing: Vec<Pos>,
    /// Set when the evaluation went past [`SUSPEND_STACK_USE`] and was
    /// suspended at its innermost interpolation.
    suspended: Option<Suspension>,
    /// Positions whose `resolve_tree` is resolving them (errors below take
    /// the innermost one's key), with the length of `stack` then.
    walking: Vec<(Pos, usize)>,
    /// For each entry of `materializing`: the length of `stack` then.
    materializing_at: Vec<usize>,
    /// Positions resolved by this run; for `${ref}` alone, the position it
    /// referred to. Strings print containers as they were written (as
    /// OmegaConf's `to_container(resolve=True)` does), so the original
    /// interpolations are looked up through this.
    resolved: HashMap<Pos, Option<Pos>>,
    /// Positions whose `${ref}` container is being resolved and copied.
    materializing: Vec<Pos>,
    /// Where each followed `${ref}` led, so that chains are walked once.
    followed: HashMap<Pos, Pos>,
    /// True while evaluating the arguments of `oc.create`, which receives
    /// referenced containers as written (OmegaConf passes the node itself).
    raw_args: bool,
    /// Bytes of string built by interpolation so far: doubling chains
    /// (`b: ${a}${a}`, `c: ${b}${b}`, ...) grow exponentially, so the total
    /// is capped like the YAML loader's alias budget.
    produced: usize,
    /// Nodes and bytes copied or created so far ([`limits::MAX_COPY_NODES`]).
    budget: Budget,
    /// Resolver calls in progress, outermost included ([`MAX_CALL_DEPTH`]).
    calls: usize,
    /// Where resolution started on the caller's stack.
    stack_base: usize,
}

/// How an interpolation on the evaluation stack is being evaluated.
#[derive(Clone, Copy)]
struct Entered {
    /// Followed (`follow`: evaluated, not copied) rather than resolved in
    /// place (`resolve_node`).
    follow: bool,
    /// Resolver calls in progress when its evaluation started.
    calls: usize,
}

/// An evaluation stopped at its innermost interpolation `pos` (past
/// [`SUSPEND_STACK_USE`]): `pos` is resolved on its own, then the
/// evaluation runs again and finds it done.
struct Suspension {
    pos: Pos,
    how: Entered,
    /// The stopped evaluation's entries outside `pos`, outermost first.
    stack: Vec<Pos>,
    materializing: Vec<Pos>,
    /// What the stopped frames outside `pos` would add to an error raised
    /// within it: the innermost walk position's key, and the innermost
    /// known origin.
    key: Option<Pos>,
    origin: Option<crate::origin::Origin>,
}

/// One node the driver resolves or follows, with what it restores after.
struct Work {
    pos: Pos,
    how: Entered,
    /// Lengths of the pending entries before this work's were added.
    pending: (usize, usize),
    key: Option<Pos>,
    origin: Option<crate::origin::Origin>,
}

impl<'e> Engine<'e> {
    fn new(root: &'e mut Node, resolvers: &'e Resolvers) -> Engine<'e> {
        Engine {
            root,
            resolvers,
            stack: Vec::new(),
            entered: Vec::new(),
            pending_stack: Vec::new(),
            pending_materializing: Vec::new(),
            suspended: None,
            walking: Vec::new(),
            materializing_at: Vec::new(),
            resolved: HashMap::new(),
            materializing: Vec::new(),
            followed: HashMap::new(),
            raw_args: false,
            produced: 0,
            budget: Budget::default(),
            calls: 0,
            stack_base: stack_addr(),
        }
    }

    /// Charges `len` bytes of built string against [`MAX_STRING_BYTES`].
    fn charge(&mut self, len: usize, src: &str) -> Result<(), Error> {
        self.produced = self.produced.saturating_add(len);
        self.string_room(0, src)
    }

    /// Fails when a string of `len` more bytes would outgrow
    /// [`MAX_STRING_BYTES`]: checked before a piece is appended, so that
    /// the string is never built past the limit.
    fn string_room(&self, len: usize, src: &str) -> Result<(), Error> {
        if self.produced.saturating_add(len) <= MAX_STRING_BYTES {
            return Ok(());
        }
        let shown: String = src.chars().take(60).collect();
        Err(Error::new(
            ErrorKind::Interpolation,
            format!(
                "String interpolation built more than {} MiB while resolving '{shown}'",
                MAX_STRING_BYTES >> 20
            ),
        )
        .with_hint("interpolations that repeat each other grow exponentially; reference the value instead of concatenating it"))
    }

    /// A copy of the node at `pos`, charged against the copy budget
    /// ([`MAX_COPY_NODES`]) while it is made.
    fn copy_of(&mut self, pos: &[usize]) -> Result<Node, Error> {
        let mut budget = std::mem::take(&mut self.budget);
        let out = charged_clone(self.node(pos), &mut budget);
        self.budget = budget;
        out.map_err(|x| self.budget_error(x))
    }

    /// Charges a value a resolver made against the copy budget.
    fn charge_made(&mut self, n: &Node) -> Result<(), Error> {
        self.budget.charge_tree(n).map_err(|x| self.budget_error(x))
    }

    /// Fails when `nodes` nodes holding `bytes` string bytes would not fit
    /// the copy budget: for resolvers to check before building a value.
    pub(crate) fn check_room(&self, nodes: usize, bytes: usize) -> Result<(), Error> {
        self.budget
            .check(nodes, bytes)
            .map_err(|x| self.budget_error(x))
    }

    fn budget_error(&self, which: Exceeded) -> Error {
        let what = match which {
            Exceeded::Nodes => format!("{MAX_COPY_NODES} nodes"),
            Exceeded::Bytes => format!("{} MiB of strings", MAX_COPY_BYTES >> 20),
        };
        Error::new(
            ErrorKind::Interpolation,
            format!("Interpolation copied or created more than {what}"),
        )
        .with_hint(format!(
            "{}values that copy each other twice (b: [${{a}}, ${{a}}], c: [${{b}}, ${{b}}], ...) double at each step; copy the part that is needed, or select it where it is used",
            self.while_resolving()
        ))
    }

    /// "while resolving 'a.b': " for the innermost interpolation being
    /// evaluated or copied, if any.
    fn while_resolving(&self) -> String {
        match self.current().or(self.materializing.last()) {
            Some(p) => format!("while resolving '{}': ", self.full_key(p)),
            None => String::new(),
        }
    }

    /// Runs `f` one level deeper in the evaluation's recursion, on the
    /// caller's stack. Past [`SUSPEND_STACK_USE`] the evaluation is
    /// suspended at its innermost interpolation, unless that is the one the
    /// evaluation started from (see [`Engine::drive`]); past
    /// [`MAX_STACK_USE`] it fails instead of overflowing the stack.
    fn deeper<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, Error>) -> Result<T, Error> {
        self.check_suspended()?;
        let used = stack_addr().abs_diff(self.stack_base);
        if used > SUSPEND_STACK_USE && self.suspend() {
            return Err(suspended_error());
        }
        if used > MAX_STACK_USE {
            return Err(Error::new(
                ErrorKind::Interpolation,
                format!(
                    "Interpolation nested too deep: more than {} MiB of stack",
                    MAX_STACK_USE >> 20
                ),
            )
            .with_hint(format!(
                "{}chains of references, resolver calls and nested lists or dicts go too deep together; flatten the config",
                self.while_resolving()
            )));
        }
        f(self)
    }

    /// Fails once the evaluation is suspended: nothing more is evaluated
    /// or written until the driver takes over (a resolver may have
    /// swallowed the error that said so).
    fn check_suspended(&self) -> Result<(), Error> {
        match self.suspended {
            Some(_) => Err(suspended_error()),
            None => Ok(()),
        }
    }

    /// Suspends the evaluation at its innermost interpolation, if that is
    /// not the one the current work started from; true when it did.
    fn suspend(&mut self) -> bool {
        let (Some(pos), Some(how)) = (self.stack.last(), self.entered.last()) else {
            return false;
        };
        if self.stack.len() + self.materializing.len() < 2 {
            return false;
        }
        // What was entered before `pos` (with a shorter stack) is outside it.
        let inner = self.stack.len();
        let outer = &self.stack[..inner - 1];
        let materializing: Vec<Pos> = self
            .materializing
            .iter()
            .zip(&self.materializing_at)
            .filter(|(_, at)| **at < inner)
            .map(|(p, _)| p.clone())
            .collect();
        let origin = outer
            .iter()
            .chain(&materializing)
            .rev()
            .map(|p| self.node(p).origin.clone())
            .find(|o| !o.is_unknown());
        let key = self.walking.iter().rev().find(|(_, at)| *at < inner);
        self.suspended = Some(Suspension {
            pos: pos.clone(),
            how: *how,
            stack: outer.to_vec(),
            materializing,
            key: key.map(|(p, _)| p.clone()),
            origin,
        });
        true
    }

    /// Resolves the node at `pos` in place on the caller's stack, however
    /// long the chain of interpolations it needs: when an evaluation is
    /// suspended (it went past [`SUSPEND_STACK_USE`]), the interpolation it
    /// stopped at is done first, on its own, and the evaluation runs again.
    /// The stopped evaluation's entries stay pending meanwhile, so cycles and
    /// the chain limit are seen as in one evaluation; errors get what the
    /// stopped frames would have added.
    pub(crate) fn drive(&mut self, pos: &[usize]) -> Result<(), Error> {
        self.drive_as(pos.to_vec(), false)
    }

    /// [`Engine::follow`] under the driver: the position `pos` leads to.
    fn drive_follow(&mut self, pos: Pos) -> Result<Pos, Error> {
        self.drive_as(pos.clone(), true)?;
        self.follow(pos)
    }

    fn drive_as(&mut self, pos: Pos, follow: bool) -> Result<(), Error> {
        let how = Entered {
            follow,
            calls: self.calls,
        };
        let pending = (self.pending_stack.len(), self.pending_materializing.len());
        let mut work = vec![Work {
            pos,
            how,
            pending,
            key: None,
            origin: None,
        }];
        while let Some(top) = work.last() {
            self.calls = top.how.calls;
            let pos = top.pos.clone();
            let result = if top.how.follow {
                self.follow(pos).map(|_| ())
            } else {
                self.resolve_node(&pos)
            };
            if let Some(s) = self.suspended.take() {
                work.push(self.take_over(s));
                continue;
            }
            let done = work.pop().expect("the loop holds an item");
            self.pending_stack.truncate(done.pending.0);
            self.pending_materializing.truncate(done.pending.1);
            if let Err(mut e) = result {
                e = decorate(self, e, &done);
                for w in work.iter().rev() {
                    e = decorate(self, e, w);
                }
                self.calls = how.calls;
                self.pending_stack.truncate(pending.0);
                self.pending_materializing.truncate(pending.1);
                return Err(e);
            }
        }
        self.calls = how.calls;
        Ok(())
    }

    /// The work of a suspension: its entries become pending.
    fn take_over(&mut self, s: Suspension) -> Work {
        let pending = (self.pending_stack.len(), self.pending_materializing.len());
        self.pending_stack.extend(s.stack);
        self.pending_materializing.extend(s.materializing);
        Work {
            pos: s.pos,
            how: s.how,
            pending,
            key: s.key,
            origin: s.origin,
        }
    }

    pub(crate) fn node(&self, pos: &[usize]) -> &Node {
        let mut n: &Node = self.root;
        for &i in pos {
            n = match &n.value {
                Value::Map(m) => &m[i],
                Value::List(l) => &l[i],
                _ => unreachable!("positions always name existing children"),
            };
        }
        n
    }

    fn node_mut(&mut self, pos: &[usize]) -> &mut Node {
        let mut n: &mut Node = self.root;
        for &i in pos {
            n = match &mut n.value {
                Value::Map(m) => &mut m[i],
                Value::List(l) => &mut l[i],
                _ => unreachable!("positions always name existing children"),
            };
        }
        n
    }

    /// OmegaConf's full key of a position: `a.b[0].c`.
    pub(crate) fn full_key(&self, pos: &[usize]) -> String {
        let mut key = String::new();
        let mut n: &Node = self.root;
        for &i in pos {
            n = match &n.value {
                Value::Map(m) => {
                    let (k, child) = m.get_index(i).expect("valid position");
                    key = child_key(&key, k);
                    child
                }
                Value::List(l) => {
                    key = index_key(&key, i);
                    &l[i]
                }
                _ => unreachable!("positions always name existing children"),
            };
        }
        key
    }

    /// The position of the node being evaluated (innermost), if any.
    pub(crate) fn current(&self) -> Option<&Pos> {
        self.stack.last()
    }

    /// Parses every interpolation below `pos` first: OmegaConf rejects bad
    /// syntax when a config is created, before anything is resolved.
    fn check_grammar(&self) -> Result<(), Error> {
        // Depth first, in document order: a stack of (node, next child),
        // and the position of the node on top, read only for an error.
        let check = |n: &Node, pos: &[usize]| match &n.value {
            Value::Interp(text) => grammar::parse(text).map(drop).map_err(|g| {
                grammar_error(text, &g)
                    .with_key(self.full_key(pos))
                    .with_origin(n.origin.clone())
            }),
            _ => Ok(()),
        };
        let mut pos: Pos = Vec::new();
        check(self.root, &pos)?;
        let mut stack: Vec<(&Node, usize)> = vec![(self.root, 0)];
        while let Some((node, next)) = stack.last_mut() {
            let i = *next;
            let child = match &node.value {
                Value::Map(m) => m.get_index(i).map(|(_, c)| c),
                Value::List(l) => l.get(i),
                _ => None,
            };
            let Some(child) = child else {
                stack.pop();
                pos.pop();
                continue;
            };
            *next += 1;
            pos.push(i);
            check(child, &pos)?;
            stack.push((child, 0));
        }
        Ok(())
    }

    /// Resolves the node at `pos` and everything below it; an error names
    /// the innermost node this walk was resolving (`full_key`).
    pub(crate) fn resolve_tree(&mut self, pos: &mut Pos) -> Result<(), Error> {
        self.walking.push((pos.clone(), self.stack.len()));
        let resolved = self.resolve_node(pos);
        self.walking.pop();
        if let Err(e) = resolved {
            // The innermost node the walk (or a copy) was resolving, as
            // OmegaConf's `to_container` reports it.
            return Err(e.with_key(self.full_key(pos)));
        }
        let n = match &self.node(pos).value {
            Value::Map(m) => m.len(),
            Value::List(l) => l.len(),
            _ => 0,
        };
        for i in 0..n {
            pos.push(i);
            let r = self.deeper(|e| e.resolve_tree(pos));
            pos.pop();
            r?;
        }
        Ok(())
    }

    /// Resolves the node at `from` and everything below it, in document
    /// order, each node under the driver ([`Engine::drive`]); an error
    /// names the node the walk was at. The walk keeps its own stack of
    /// positions, so a deep tree costs no recursion.
    ///
    /// One position is kept, pushed into a child and popped back out, and
    /// only interpolations go to the driver (on any other node it does
    /// nothing): a copy of the position per node, plus the driver's own,
    /// were most of resolving a tree without interpolations.
    pub(crate) fn walk(&mut self, from: Pos) -> Result<(), Error> {
        let mut pos = from;
        // The index of the next child to visit, one per level of `pos`
        // from `from` down.
        let mut next: Vec<usize> = Vec::new();
        self.visit(&pos)?;
        next.push(0);
        while let Some(i) = next.last_mut() {
            let len = match &self.node(&pos).value {
                Value::Map(m) => m.len(),
                Value::List(l) => l.len(),
                _ => 0,
            };
            if *i == len {
                // Back to the parent (past `from` only when the walk ends).
                next.pop();
                pos.pop();
                continue;
            }
            pos.push(*i);
            *i += 1;
            self.visit(&pos)?;
            next.push(0);
        }
        Ok(())
    }

    /// One node of [`Engine::walk`]: resolved under the driver if it is an
    /// interpolation.
    fn visit(&mut self, pos: &[usize]) -> Result<(), Error> {
        if !matches!(self.node(pos).value, Value::Interp(_)) {
            return Ok(());
        }
        self.drive(pos).map_err(|e| e.with_key(self.full_key(pos)))
    }

    /// Resolves the node at `pos` in place if it is an interpolation.
    ///
    /// Two phases: evaluating the text (its position is on `stack`, so a
    /// reference back to it is a cycle), then, for `${ref}` to a container,
    /// resolving that container where it stands and copying it (the position
    /// is on `materializing`). Only the first phase is part of resolving a
    /// reference, so strings can print a container that is being copied.
    pub(crate) fn resolve_node(&mut self, pos: &[usize]) -> Result<(), Error> {
        let text = match &self.node(pos).value {
            Value::Interp(t) => t.clone(),
            _ => return Ok(()),
        };
        self.enter_check(pos, true)?;
        let ev = match self.followed.get(pos) {
            Some(target) => Ev::Ref(target.clone()),
            None => self.eval_at(&text, pos, false)?,
        };
        let target = match &ev {
            Ev::Ref(p) => Some(p.clone()),
            Ev::Val(_) => None,
        };
        self.materializing.push(pos.to_vec());
        self.materializing_at.push(self.stack.len());
        let made = self.materialize(ev);
        self.materializing.pop();
        self.materializing_at.pop();
        let origin = self.node(pos).origin.clone();
        let out = made.map_err(|e| e.with_origin(origin))?;
        self.place(pos, out, target)
    }

    /// Evaluates the text of the interpolation at `pos` with `pos` on the
    /// stack; `follow` says how it is evaluated (see [`Entered`]).
    fn eval_at(&mut self, text: &str, pos: &[usize], follow: bool) -> Result<Ev, Error> {
        self.check_suspended()?;
        self.stack.push(pos.to_vec());
        self.entered.push(Entered {
            follow,
            calls: self.calls,
        });
        let result = self.evaluate(text, pos);
        self.stack.pop();
        self.entered.pop();
        self.check_suspended()?;
        let origin = self.node(pos).origin.clone();
        result.map_err(|e| e.with_origin(origin))
    }

    /// Writes a resolved value over the interpolation at `pos`, keeping the
    /// interpolation as the value it replaced. A mapping or list made by a
    /// resolver keeps its own interpolations: they resolve later, where it
    /// now stands (OmegaConf gives it this parent), when the walk or a copy
    /// reaches them.
    fn place(&mut self, pos: &[usize], mut out: Node, target: Option<Pos>) -> Result<(), Error> {
        self.check_suspended()?;
        if out.value.is_container() {
            self.check_depth(pos, &out)?;
        }
        self.resolved.insert(pos.to_vec(), target);
        if let Value::Interp(s) = out.value {
            // A resolver's string result is final, even if it holds `${`.
            out.value = Value::Str(s);
        }
        let slot = self.node_mut(pos);
        out.origin = slot.origin.clone();
        let old = std::mem::replace(slot, out);
        slot.set_replaced(Some(old));
        Ok(())
    }

    /// Fails when placing the container `out` at `pos` would make the tree
    /// deeper than [`MAX_TREE_DEPTH`].
    fn check_depth(&self, pos: &[usize], out: &Node) -> Result<(), Error> {
        let height = limits::height(out);
        if pos.len() + height <= MAX_TREE_DEPTH {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::Interpolation,
            format!("Interpolation would make the config deeper than {MAX_TREE_DEPTH} levels"),
        )
        .with_hint(format!(
            "the value placed at depth {} is {height} levels high: values that nest copies of each other, or a value that creates itself (oc.create of a string that holds the same oc.create), grow the tree without end",
            pos.len()
        )))
    }

    /// Fails when `pos` is already being evaluated or copied (a cycle), or
    /// when the chain of interpolations is too long.
    fn enter_check(&self, pos: &[usize], copying: bool) -> Result<(), Error> {
        let stack: Vec<&Pos> = self.pending_stack.iter().chain(&self.stack).collect();
        if let Some(i) = stack.iter().position(|p| p.as_slice() == pos) {
            return Err(self.cycle_error(&stack[i..], pos));
        }
        let materializing: Vec<&Pos> = self
            .pending_materializing
            .iter()
            .chain(&self.materializing)
            .collect();
        if copying {
            if let Some(i) = materializing.iter().position(|p| p.as_slice() == pos) {
                return Err(self.cycle_error(&materializing[i..], pos));
            }
        }
        if stack.len() + materializing.len() >= MAX_CHAIN {
            return Err(Error::new(
                ErrorKind::Interpolation,
                format!("Interpolation chain longer than {MAX_CHAIN} links"),
            )
            .with_hint(format!("while resolving '{}'", self.full_key(pos))));
        }
        Ok(())
    }

    /// The node a lookup lands on. An interpolation whose value is a node
    /// of the tree (`${x}`, `${oc.select:x}`) is followed without rewriting
    /// it: OmegaConf hands back that node itself, so a string prints it as
    /// written. Other interpolations are resolved in place.
    pub(crate) fn follow(&mut self, pos: Pos) -> Result<Pos, Error> {
        let text = match &self.node(&pos).value {
            Value::Interp(t) => t.clone(),
            // Already replaced by a copy of what `${ref}` named: go to the
            // node itself, as OmegaConf would.
            _ => return Ok(self.original_target(pos)),
        };
        if let Some(target) = self.followed.get(&pos) {
            return Ok(target.clone());
        }
        // Following never copies, so only evaluation can loop here.
        self.enter_check(&pos, false)?;
        match self.eval_at(&text, &pos, true)? {
            Ev::Ref(target) => {
                self.followed.insert(pos, target.clone());
                Ok(target)
            }
            Ev::Val(out) => {
                self.place(&pos, out, None)?;
                Ok(pos)
            }
        }
    }

    fn cycle_error(&self, frames: &[&Pos], pos: &[usize]) -> Error {
        let mut chain: Vec<String> = frames.iter().map(|p| self.full_key(p)).collect();
        chain.push(self.full_key(pos));
        Error::new(ErrorKind::Cycle, "Recursive interpolation detected").with_hint(format!(
            "the interpolations form a cycle: {}",
            chain.join(" -> ")
        ))
    }

    /// Evaluates the interpolation string of the node at `pos`.
    fn evaluate(&mut self, text: &str, pos: &[usize]) -> Result<Ev, Error> {
        let ast = grammar::parse(text).map_err(|g| grammar_error(text, &g))?;
        let base = parent(pos);
        if let Some(single) = ast.single() {
            return self.eval_interp(single, text, &base);
        }
        let s = self.render_text(&ast, text, &base)?;
        Ok(Ev::Val(Node::new(Value::Str(s.into()))))
    }

    /// Concatenates a text's pieces, printing each interpolation's value.
    pub(crate) fn render_text(
        &mut self,
        t: &Text,
        src: &str,
        base: &[usize],
    ) -> Result<String, Error> {
        let mut out = String::new();
        for part in &t.parts {
            match part {
                Part::Lit(s) => {
                    out.push_str(s);
                    self.string_room(out.len(), src)?;
                }
                Part::Interp(i) => {
                    let ev = self.eval_interp(i, src, base)?;
                    self.append(&mut out, &ev, src)?;
                }
            }
        }
        self.charge(out.len(), src)?;
        Ok(out)
    }

    /// Appends how `ev` prints to `out`. The string budget is checked
    /// before a string is appended, and a container's text stops being
    /// written once over it: a string is never built past the limit.
    fn append(&self, out: &mut String, ev: &Ev, src: &str) -> Result<(), Error> {
        let value = match ev {
            Ev::Ref(p) if self.node(p).value.is_container() => {
                // `${e}` where `e: ${d}` prints `d` as written.
                let mut p = self.original_target(p.clone());
                let room = MAX_STRING_BYTES.saturating_sub(self.produced);
                self.write_raw(&mut p, true, out, room);
                return self.string_room(out.len(), src);
            }
            Ev::Ref(p) => &self.node(p).value,
            Ev::Val(n) => &n.value,
        };
        match value {
            Value::Str(s) | Value::Interp(s) => {
                self.string_room(out.len().saturating_add(s.len()), src)?;
                out.push_str(s);
            }
            other => out.push_str(&python_str(other)),
        }
        self.string_room(out.len(), src)
    }

    /// Where a position that this run resolved from `${ref}` pointed to
    /// (through chains); other positions map to themselves.
    fn original_target(&self, mut pos: Pos) -> Pos {
        for _ in 0..MAX_CHAIN {
            match self.resolved.get(&pos) {
                Some(Some(target)) => pos = target.clone(),
                _ => break,
            }
        }
        pos
    }

    /// A copy of the subtree at `pos` as it was written: interpolations this
    /// run already resolved below it are put back. Charged against the copy
    /// budget as it is made.
    fn raw_copy(&mut self, pos: &mut Pos) -> Result<Node, Error> {
        let mut budget = std::mem::take(&mut self.budget);
        let out = self.raw_clone(pos, true, &mut budget);
        self.budget = budget;
        out.map_err(|x| self.budget_error(x))
    }

    fn raw_clone(&self, pos: &mut Pos, top: bool, budget: &mut Budget) -> Result<Node, Exceeded> {
        let node = self.node(pos);
        if !top && self.resolved.contains_key(pos.as_slice()) {
            if let Some(original) = node.replaced() {
                let mut n = charged_clone(original, budget)?;
                n.set_replaced(None);
                return Ok(n);
            }
        }
        budget.charge(1, limits::value_bytes(&node.value))?;
        let value = match &node.value {
            Value::Map(m) => {
                let mut out = Map::with_capacity(m.len());
                for (i, k) in m.keys().enumerate() {
                    budget.charge(0, limits::key_bytes(k))?;
                    pos.push(i);
                    let item = self.raw_clone(pos, false, budget);
                    pos.pop();
                    out.insert(k.clone(), item?);
                }
                Value::Map(out)
            }
            Value::List(l) => {
                let mut out = Vec::with_capacity(l.len());
                for i in 0..l.len() {
                    pos.push(i);
                    let item = self.raw_clone(pos, false, budget);
                    pos.pop();
                    out.push(item?);
                }
                Value::List(out)
            }
            other => other.clone(),
        };
        Ok(Node::with_origin(value, node.origin.clone()).with_flags(node.flags()))
    }

    /// Python's repr of the container at `pos` as it was before this run
    /// resolved anything in it. Stops writing once `out` is longer than
    /// `limit` (the caller then fails on the string budget).
    fn write_raw(&self, pos: &mut Pos, top: bool, out: &mut String, limit: usize) {
        if out.len() > limit {
            return;
        }
        let node = self.node(pos);
        if !top && self.resolved.contains_key(pos.as_slice()) {
            if let Some(original) = node.replaced() {
                out.push_str(&python_repr(&original.value));
                return;
            }
        }
        match &node.value {
            Value::Map(m) => {
                out.push('{');
                for (i, k) in m.keys().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&python_repr_key(k));
                    out.push_str(": ");
                    pos.push(i);
                    self.write_raw(pos, false, out, limit);
                    pos.pop();
                }
                out.push('}');
            }
            Value::List(l) => {
                out.push('[');
                for i in 0..l.len() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    pos.push(i);
                    self.write_raw(pos, false, out, limit);
                    pos.pop();
                }
                out.push(']');
            }
            other => out.push_str(&python_repr(other)),
        }
    }

    /// The value of an evaluation as a new node: a referenced container is
    /// resolved where it stands, then copied.
    pub(crate) fn materialize(&mut self, ev: Ev) -> Result<Node, Error> {
        match ev {
            Ev::Val(n) => Ok(n),
            Ev::Ref(mut p) => {
                if self.node(&p).value.is_container() {
                    self.resolve_tree(&mut p)?;
                }
                self.copy_of(&p)
            }
        }
    }

    fn eval_interp(&mut self, i: &Interp, src: &str, base: &[usize]) -> Result<Ev, Error> {
        self.deeper(|e| match i {
            Interp::Node(n) => {
                let key = e.node_key(n, src, base)?;
                e.deref(&key, base).map(Ev::Ref)
            }
            Interp::Resolver(r) => e.call(r, src, base),
        })
    }

    /// The key text of a node reference, nested interpolations evaluated:
    /// `..a.b[c]` (OmegaConf joins the pieces, then splits the result).
    fn node_key(&mut self, n: &NodeRef, src: &str, base: &[usize]) -> Result<String, Error> {
        let mut key = ".".repeat(n.dots);
        for (i, seg) in n.segs.iter().enumerate() {
            let part = self.key_part(&seg.key, src, base, KeyUse::Key)?;
            if seg.bracket {
                key.push('[');
                key.push_str(&part);
                key.push(']');
            } else {
                if i > 0 {
                    key.push('.');
                }
                key.push_str(&part);
            }
        }
        Ok(key)
    }

    fn key_part(
        &mut self,
        k: &KeyPart,
        src: &str,
        base: &[usize],
        what: KeyUse,
    ) -> Result<String, Error> {
        let inner = match k {
            KeyPart::Name(n) => return Ok(n.clone()),
            KeyPart::Interp(i) => i,
        };
        let ev = self.eval_interp(inner, src, base)?;
        let value = match &ev {
            Ev::Ref(p) => &self.node(p).value,
            Ev::Val(n) => &n.value,
        };
        match value {
            Value::Str(s) => {
                // Keys are built strings too: `${${s}.${s}...}` repeats `s`.
                self.string_room(s.len(), src)?;
                let s = s.clone();
                self.charge(s.len(), src)?;
                Ok(s.to_string())
            }
            other => {
                let text = &src[span(inner)];
                let shown = python_str(other);
                let ty = python_type(other);
                let message = match what {
                    KeyUse::Key => format!(
                        "The following interpolation is used to denote a config key and thus should return a string, but instead returned `{shown}` of type `<class '{ty}'>`: {text}"
                    ),
                    KeyUse::ResolverName => format!(
                        "The name of a resolver must be a string, but the interpolation {text} resolved to `{shown}` which is of type <class '{ty}'>"
                    ),
                };
                Err(Error::new(ErrorKind::Interpolation, message))
            }
        }
    }

    /// Follows a node interpolation key (`_resolve_node_interpolation`):
    /// the position of the target, resolved in place.
    fn deref(&mut self, key: &str, base: &[usize]) -> Result<Pos, Error> {
        match self.lookup(key, base, true)? {
            Lookup::Found(p) => {
                // A container made by a resolver is not the parent of its
                // children in OmegaConf (it hangs off the node's parent).
                let made = matches!(self.resolved.get(&p), Some(None))
                    && self.node(&p).value.is_container();
                if let (Some(cur), false) = (self.current(), made) {
                    if cur.len() > p.len() && cur.starts_with(&p) {
                        return Err(Error::new(ErrorKind::Interpolation, "Interpolation to parent node detected")
                            .with_hint(format!("'{}' contains the node that refers to it", self.full_key(&p))));
                    }
                }
                Ok(p)
            }
            Lookup::BeyondRoot => Err(Error::new(
                ErrorKind::InterpolationKey,
                format!("ConfigKeyError while resolving interpolation: Error resolving key '{key}'"),
            )
            .with_hint("the relative key climbs above the root of the config: use fewer dots")),
            Lookup::Missing(p) => {
                let full = self.full_key(&p);
                Err(Error::new(
                    ErrorKind::InterpolationToMissing,
                    format!("MissingMandatoryValue while resolving interpolation: Missing mandatory value: {full}"),
                )
                .with_hint(format!("'{full}' is ??? (mandatory): give it a value, e.g. with the override {full}=...")))
            }
            Lookup::NotFound { rel, container, seg } => {
                let mut e = Error::new(ErrorKind::InterpolationKey, format!("Interpolation key '{rel}' not found"));
                if let Some(hint) = self.suggest(&container, &seg) {
                    e = e.with_hint(hint);
                }
                Err(e)
            }
            Lookup::NotContainer { rel, parent, child } => Err(Error::new(
                ErrorKind::Interpolation,
                format!(
                    "ConfigTypeError raised while resolving interpolation: Error trying to access {rel}: node `{parent}` is not a container and thus cannot contain `{child}`"
                ),
            )),
        }
    }

    /// "did you mean" for a key missing from the mapping at `container`.
    fn suggest(&self, container: &[usize], seg: &str) -> Option<String> {
        if seg.chars().count() < 3 {
            return None; // any short key would be "close"
        }
        let Value::Map(m) = &self.node(container).value else {
            return None;
        };
        let keys: Vec<String> = m.keys().map(|k| k.to_string()).collect();
        let best = did_you_mean(seg, keys.iter().map(String::as_str))
            .into_iter()
            .next()?;
        let full = child_key(&self.full_key(container), &Key::from(best.to_string()));
        Some(format!("did you mean '{full}'?"))
    }

    /// Looks `key` up as OmegaConf's `_resolve_key_and_root` + `_select_impl`
    /// do: leading dots climb from `base` (the container of the node being
    /// resolved), other keys start at the root. Nodes on the way are resolved.
    pub(crate) fn lookup(
        &mut self,
        key: &str,
        base: &[usize],
        throw_on_missing: bool,
    ) -> Result<Lookup, Error> {
        let dots = key.len() - key.trim_start_matches('.').len();
        let mut cur: Pos = if dots > 0 { base.to_vec() } else { Vec::new() };
        for _ in 1..dots.max(1) {
            if cur.pop().is_none() {
                return Ok(Lookup::BeyondRoot);
            }
        }
        let rel = &key[dots..];
        if rel.is_empty() {
            return Ok(Lookup::Found(cur));
        }
        let split = split_key(rel);
        let last = split.len() - 1;
        for (i, seg) in split.iter().enumerate() {
            let Some(idx) = self.select_one(&cur, seg)? else {
                return Ok(Lookup::NotFound {
                    rel: rel.to_string(),
                    container: cur,
                    seg: seg.clone(),
                });
            };
            cur.push(idx);
            if self.node(&cur).is_missing() {
                if i == last || throw_on_missing {
                    return Ok(Lookup::Missing(cur));
                }
            } else {
                cur = self.follow(cur)?;
            }
            if i < last && !self.node(&cur).value.is_container() {
                return Ok(Lookup::NotContainer {
                    rel: rel.to_string(),
                    parent: split[..=i].join("."),
                    child: split[i + 1].clone(),
                });
            }
        }
        Ok(Lookup::Found(cur))
    }

    /// One step of a lookup (`_select_one`): a mapping by string key, a list
    /// by integer index.
    fn select_one(&self, pos: &[usize], seg: &str) -> Result<Option<usize>, Error> {
        match &self.node(pos).value {
            Value::Map(m) => Ok(m.get_index_of(&StrKey(seg))),
            Value::List(l) => {
                let Some(i) = parse_index(seg) else {
                    return Err(Error::new(
                        ErrorKind::Interpolation,
                        format!("TypeError raised while resolving interpolation: Index '{seg}' (str) is not an int"),
                    ));
                };
                // Negative indices find nothing (OmegaConf does not wrap them).
                Ok(usize::try_from(i).ok().filter(|i| *i < l.len()))
            }
            _ => Ok(None),
        }
    }

    /// Evaluates a resolver call, counting it against [`MAX_CALL_DEPTH`]:
    /// the grammar bounds nesting within one text, but `oc.decode` reads a
    /// new text at each level.
    fn call(&mut self, r: &ResolverCall, src: &str, base: &[usize]) -> Result<Ev, Error> {
        if self.calls >= MAX_CALL_DEPTH {
            return Err(Error::new(
                ErrorKind::Interpolation,
                format!("Resolver calls nested more than {MAX_CALL_DEPTH} deep"),
            )
            .with_hint(format!(
                "{}a resolver's argument (or the text oc.decode reads) calls a resolver again and again, e.g. oc.decode of a string that decodes itself",
                self.while_resolving()
            )));
        }
        self.calls += 1;
        let out = self.call_unchecked(r, src, base);
        self.calls -= 1;
        out
    }

    fn call_unchecked(&mut self, r: &ResolverCall, src: &str, base: &[usize]) -> Result<Ev, Error> {
        let mut name = String::new();
        for (i, part) in r.name.iter().enumerate() {
            if i > 0 {
                name.push('.');
            }
            name.push_str(&self.key_part(part, src, base, KeyUse::ResolverName)?);
        }
        let mut args = Vec::with_capacity(r.args.len());
        let mut texts = Vec::with_capacity(r.args.len());
        let saved = std::mem::replace(&mut self.raw_args, name == "oc.create");
        for a in &r.args {
            match self.eval_element(&a.element, src, base) {
                Ok(v) => args.push(v),
                Err(e) => {
                    self.raw_args = saved;
                    return Err(e);
                }
            }
            texts.push(src[a.span.clone()].to_string());
        }
        self.raw_args = saved;
        self.invoke(&name, args, texts, base)
    }

    fn invoke(
        &mut self,
        name: &str,
        args: Vec<Node>,
        texts: Vec<String>,
        base: &[usize],
    ) -> Result<Ev, Error> {
        let resolvers = self.resolvers;
        let Some(entry) = resolvers.entry(name) else {
            let mut e = Error::new(
                ErrorKind::Resolver,
                format!("Unsupported interpolation type {name}"),
            );
            let names = resolvers.names();
            if let Some(best) = did_you_mean(name, names.iter().copied()).first() {
                e = e.with_hint(format!("did you mean '{best}'?"));
            } else {
                e = e.with_hint(format!("registered resolvers: {}", names.join(", ")));
            }
            return Err(e);
        };
        if entry.use_cache {
            if let Some(hit) = resolvers.cached(name, &texts) {
                self.charge_made(&hit)?;
                return Ok(Ev::Val(hit));
            }
        }
        let mut call = Call {
            engine: self,
            name,
            args,
            texts,
            base: base.to_vec(),
            result_ref: None,
        };
        let out = (entry.f)(&mut call).map_err(|e| wrap_resolver_error(name, e));
        call.engine.check_suspended()?;
        let out = out?;
        let (result_ref, texts) = (call.result_ref.take(), std::mem::take(&mut call.texts));
        if let Some(p) = result_ref {
            // The resolver handed back a node of the tree (oc.select,
            // oc.deprecated): it behaves like `${key}`.
            return Ok(Ev::Ref(p));
        }
        // What a resolver made counts like a copy: `oc.dict.keys` of a big
        // mapping, called many times, would otherwise grow without bound.
        self.charge_made(&out)?;
        if entry.use_cache {
            resolvers.store(name, texts, out.clone());
        }
        Ok(Ev::Val(out))
    }

    /// Evaluates a resolver argument, list item or dict value.
    pub(crate) fn eval_element(
        &mut self,
        e: &ArgValue,
        src: &str,
        base: &[usize],
    ) -> Result<Node, Error> {
        self.deeper(|engine| engine.eval_element_here(e, src, base))
    }

    fn eval_element_here(
        &mut self,
        e: &ArgValue,
        src: &str,
        base: &[usize],
    ) -> Result<Node, Error> {
        Ok(match e {
            ArgValue::Empty => {
                self.resolvers.warn(format!(
                    "In the interpolation `{}` some elements are missing: please replace them with empty quoted strings. See https://github.com/omry/omegaconf/issues/572 for details.",
                    truncate(src)
                ));
                Node::new(Value::Str(CompactString::default()))
            }
            ArgValue::Primitive(pieces) => match pieces.as_slice() {
                [Piece::Text(t)] => {
                    Node::new(type_primitive(t).unwrap_or_else(|| Value::Str(t.as_str().into())))
                }
                [Piece::Interp(i)] => {
                    let ev = self.eval_interp(i, src, base)?;
                    match ev {
                        Ev::Ref(p) if self.raw_args && self.node(&p).value.is_container() => {
                            let mut p = self.original_target(p);
                            self.raw_copy(&mut p)?
                        }
                        ev => self.materialize(ev)?,
                    }
                }
                _ => {
                    let mut s = String::new();
                    for p in pieces {
                        match p {
                            Piece::Text(t) | Piece::Esc(t) => {
                                s.push_str(t);
                                self.string_room(s.len(), src)?;
                            }
                            Piece::Interp(i) => {
                                let ev = self.eval_interp(i, src, base)?;
                                self.append(&mut s, &ev, src)?;
                            }
                        }
                    }
                    self.charge(s.len(), src)?;
                    Node::new(Value::Str(s.into()))
                }
            },
            ArgValue::Quoted(t) => Node::new(Value::Str(self.render_text(t, src, base)?.into())),
            ArgValue::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval_element(&item.element, src, base)?);
                }
                Node::new(Value::List(out))
            }
            ArgValue::Dict(pairs) => {
                let mut m = Map::with_capacity(pairs.len());
                for (k, v) in pairs {
                    let key = dict_key(k)?;
                    let value = self.eval_element(v, src, base)?;
                    // Python's dict: `1`, `1.0` and `true` are one key; the
                    // first spelling stays, the last value wins.
                    match m.keys().position(|existing| py_key_eq(existing, &key)) {
                        Some(i) => m[i] = value,
                        None => {
                            m.insert(key, value);
                        }
                    }
                }
                Node::new(Value::Map(m))
            }
        })
    }

    /// Finds the node a user path names (for [`resolve_path`]), resolving
    /// the nodes on the way.
    fn locate(&mut self, path: &str) -> Result<Pos, Error> {
        let mut cur = Vec::new();
        let mut key = String::new();
        for seg in parse_path(path)? {
            self.resolve_tree_node(&cur)?;
            let idx = match &self.node(&cur).value {
                Value::Map(m) => {
                    let found = crate::access::find_key(m, &seg);
                    key = child_key(&key, &Key::from(seg.clone()));
                    found
                }
                Value::List(l) => {
                    key = format!("{key}[{seg}]");
                    seg.parse::<usize>().ok().filter(|i| *i < l.len())
                }
                _ => None,
            };
            let Some(idx) = idx else {
                let mut e = Error::new(ErrorKind::KeyNotFound, format!("Key '{seg}' not found"))
                    .with_key(key);
                if let Some(h) = self.suggest(&cur, &seg) {
                    e = e.with_hint(h);
                }
                return Err(e);
            };
            cur.push(idx);
        }
        Ok(cur)
    }

    /// [`Engine::drive`] with the full key attached on error.
    fn resolve_tree_node(&mut self, pos: &[usize]) -> Result<(), Error> {
        self.drive(pos).map_err(|e| e.with_key(self.full_key(pos)))
    }
}

#[derive(Clone, Copy)]
enum KeyUse {
    Key,
    ResolverName,
}

/// The error that unwinds a suspended evaluation; the driver never lets
/// it out.
fn suspended_error() -> Error {
    Error::new(
        ErrorKind::Interpolation,
        "Interpolation evaluation suspended",
    )
}

/// An error raised within the work `w`, with what the frames it stopped
/// would have added: their key and origin, where the error has none.
fn decorate(engine: &Engine<'_>, mut e: Error, w: &Work) -> Error {
    if let Some(p) = &w.key {
        e = e.with_key(engine.full_key(p));
    }
    if let Some(o) = &w.origin {
        e = e.with_origin(o.clone());
    }
    e
}

fn span(i: &Interp) -> std::ops::Range<usize> {
    match i {
        Interp::Node(n) => n.span.clone(),
        Interp::Resolver(r) => r.span.clone(),
    }
}

fn parent(pos: &[usize]) -> Pos {
    pos[..pos.len().saturating_sub(1)].to_vec()
}

/// Python's equality of dict keys: numbers and bools compare by value.
fn py_key_eq(a: &Key, b: &Key) -> bool {
    a.loose_eq(b).unwrap_or(a == b)
}

/// A typed dict key of a resolver argument (`{1: a, b: 2}`).
fn dict_key(pieces: &[Piece]) -> Result<Key, Error> {
    let text: String = pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) | Piece::Esc(t) => t.as_str(),
            Piece::Interp(_) => "",
        })
        .collect();
    let typed = match pieces {
        [Piece::Text(t)] => type_primitive(t),
        _ => None,
    };
    Ok(match typed {
        Some(Value::Int(i)) => Key::Int(i),
        Some(Value::Float(f)) => Key::Float(f),
        Some(Value::Bool(b)) => Key::Bool(b),
        Some(Value::Null) => {
            return Err(Error::new(
                ErrorKind::Interpolation,
                "KeyValidationError raised while resolving interpolation: Incompatible key type 'NoneType'",
            ))
        }
        _ => Key::from(text),
    })
}

/// Python's `int(s)` for list indices: optional sign, digits, single `_`
/// between digits, surrounding whitespace ignored.
fn parse_index(s: &str) -> Option<i64> {
    let t = s.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    if !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return None;
    }
    let v: i64 = digits.replace('_', "").parse().ok()?;
    Some(if neg { -v } else { v })
}

/// OmegaConf's `split_key`: `a.b[c].d` gives `a`, `b`, `c`, `d`; brackets
/// may hold dots (`a[b.c]` gives `a`, `b.c`). `key` has no leading dots.
pub(crate) fn split_key(key: &str) -> Vec<String> {
    let head_end = key.find(['.', '[']).unwrap_or(key.len());
    let mut tokens = vec![key[..head_end].to_string()];
    if head_end == key.len() {
        return tokens;
    }
    if key.as_bytes()[head_end] == b'[' && tokens[0].is_empty() {
        tokens.pop();
    }
    let rest = &key[head_end..];
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'.' => {
                let end = rest[i + 1..]
                    .find(['.', '['])
                    .map_or(rest.len(), |e| e + i + 1);
                tokens.push(rest[i + 1..end].to_string());
                i = end;
            }
            b'[' => match rest[i + 1..].find(']') {
                Some(e) => {
                    tokens.push(rest[i + 1..i + 1 + e].to_string());
                    i = i + 2 + e;
                }
                None => i += 1,
            },
            _ => i += rest[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    tokens
}

fn truncate(s: &str) -> String {
    const MAX: usize = 160;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

pub(crate) fn grammar_error(text: &str, g: &GrammarError) -> Error {
    let e = Error::new(
        ErrorKind::Grammar,
        format!("Invalid interpolation '{}': {}", truncate(text), g.message),
    );
    e.with_snippet(text, g.offset)
}

/// Resolver errors keep interpolation errors as they are; anything else is
/// reported as raised by the resolver.
fn wrap_resolver_error(name: &str, e: Error) -> Error {
    use ErrorKind::*;
    if matches!(
        e.kind(),
        Grammar | InterpolationKey | InterpolationToMissing | Cycle | Resolver | Interpolation
    ) {
        return e;
    }
    let mut out = Error::new(
        ErrorKind::Resolver,
        format!(
            "Resolver '{name}' failed while resolving interpolation: {}",
            e.message()
        ),
    );
    *out.hints_mut() = e.hints().to_vec();
    out.set_origin(e.origin().cloned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::Map;

    fn map(entries: Vec<(&str, Node)>) -> Node {
        let mut m = Map::new();
        for (k, v) in entries {
            m.insert(Key::from(k), v);
        }
        Node::new(Value::Map(m))
    }

    fn list(items: Vec<Node>) -> Node {
        Node::new(Value::List(items))
    }

    fn s(x: &str) -> Node {
        Node::from(x)
    }

    fn resolved(mut n: Node) -> Node {
        resolve(&mut n, &Resolvers::default()).unwrap();
        n
    }

    fn err(mut n: Node) -> Error {
        resolve(&mut n, &Resolvers::default()).unwrap_err()
    }

    fn v<'a>(n: &'a Node, path: &str) -> &'a Value {
        &n.select(path).unwrap().unwrap().value
    }

    #[test]
    fn absolute_relative_and_types() {
        let n = resolved(map(vec![
            (
                "a",
                map(vec![
                    ("b", Node::from(1)),
                    ("c", s("${.b}")),
                    ("d", s("${..top}")),
                ]),
            ),
            ("top", Node::from(2.5)),
            ("f", s("${a.b}")),
            ("g", s("x_${a.b}_${top}_${t}_${z}")),
            ("t", Node::from(true)),
            ("z", Node::new(Value::Null)),
            ("l", list(vec![s("${.1}"), Node::from(7), s("${l[1]}")])),
        ]));
        assert_eq!(v(&n, "a.c"), &Value::Int(1));
        assert_eq!(v(&n, "a.d"), &Value::Float(2.5));
        assert_eq!(v(&n, "f"), &Value::Int(1));
        assert_eq!(v(&n, "g"), &Value::Str("x_1_2.5_True_None".into()));
        assert_eq!(v(&n, "l[0]"), &Value::Int(7));
        assert_eq!(v(&n, "l[2]"), &Value::Int(7));
    }

    #[test]
    fn containers_copy_resolved_and_render_like_python() {
        let n = resolved(map(vec![
            ("src", map(vec![("x", Node::from(1)), ("y", s("${.x}"))])),
            ("copy", s("${src}")),
            ("text", s("v=${src}")),
            ("thru", s("${copy.y}")),
        ]));
        assert_eq!(n.get("copy").unwrap(), n.get("src").unwrap());
        assert_eq!(v(&n, "copy.y"), &Value::Int(1));
        assert_eq!(
            v(&n, "text"),
            &Value::Str("v={'x': 1, 'y': '${.x}'}".into())
        );
        assert_eq!(v(&n, "thru"), &Value::Int(1));
    }

    #[test]
    fn nested_keys_and_escapes() {
        let n = resolved(map(vec![
            ("mode", s("b")),
            ("d", map(vec![("b", Node::from(3))])),
            ("x", s("${d.${mode}}")),
            ("y", s("${d[${mode}]}")),
            ("e", s(r"\${mode}")),
            ("bs", s(r"C:\\${mode}")),
        ]));
        assert_eq!(v(&n, "x"), &Value::Int(3));
        assert_eq!(v(&n, "y"), &Value::Int(3));
        assert_eq!(v(&n, "e"), &Value::Str("${mode}".into()));
        assert_eq!(v(&n, "bs"), &Value::Str(r"C:\b".into()));
    }

    #[test]
    fn cycles_report_the_chain() {
        let e = err(map(vec![
            ("x", s("${y}")),
            ("y", s("${z}")),
            ("z", s("${x}")),
        ]));
        assert_eq!(e.kind(), ErrorKind::Cycle);
        assert_eq!(e.message(), "Recursive interpolation detected");
        assert_eq!(e.key(), Some("x"));
        assert!(e.to_string().contains("x -> y -> z -> x"), "{e}");
        let e = err(map(vec![("a", map(vec![("b", s("${a}"))]))]));
        assert_eq!(e.kind(), ErrorKind::Interpolation);
        let e = err(map(vec![
            ("x", map(vec![("p", s("${y}"))])),
            ("y", s("${x}")),
        ]));
        assert_eq!(e.message(), "Interpolation to parent node detected");
        let e = err(map(vec![
            ("a", map(vec![("x", s("${b}"))])),
            ("b", map(vec![("y", s("${a}"))])),
        ]));
        assert_eq!(e.kind(), ErrorKind::Cycle);
        assert!(e.to_string().contains("a.x -> b.y -> a.x"), "{e}");
    }

    #[test]
    fn error_classes_and_messages() {
        let e = err(map(vec![
            ("present", Node::from(1)),
            ("ref", s("${presnt}")),
        ]));
        assert_eq!(
            (e.kind(), e.message()),
            (
                ErrorKind::InterpolationKey,
                "Interpolation key 'presnt' not found"
            )
        );
        assert!(e.to_string().contains("did you mean 'present'?"), "{e}");
        let e = err(map(vec![("a", map(vec![("b", s("${...x}"))]))]));
        assert_eq!(
            e.message(),
            "ConfigKeyError while resolving interpolation: Error resolving key '...x'"
        );
        assert_eq!(e.key(), Some("a.b"));
        let e = err(map(vec![
            ("t", Node::new(Value::Missing)),
            ("h", s("B ${t}")),
        ]));
        assert_eq!(e.kind(), ErrorKind::InterpolationToMissing);
        assert_eq!(
            e.message(),
            "MissingMandatoryValue while resolving interpolation: Missing mandatory value: t"
        );
        let e = err(map(vec![
            ("leaf", Node::from(5)),
            ("r", s("${leaf.child}")),
        ]));
        assert!(e
            .message()
            .ends_with("node `leaf` is not a container and thus cannot contain `child`"));
        let e = err(map(vec![
            ("l", list(vec![Node::from(1)])),
            ("r", s("${l.x}")),
        ]));
        assert_eq!(
            e.message(),
            "TypeError raised while resolving interpolation: Index 'x' (str) is not an int"
        );
        let e = err(map(vec![("r", s("${nope:1}"))]));
        assert_eq!(
            (e.kind(), e.message()),
            (ErrorKind::Resolver, "Unsupported interpolation type nope")
        );
        let e = err(map(vec![("r", s("${a"))]));
        assert_eq!(e.kind(), ErrorKind::Grammar);
        let e = err(map(vec![("i", Node::from(1)), ("r", s("${d.${i}}"))]));
        assert!(
            e.message().contains("should return a string"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn missing_stays_when_unreferenced_and_paths() {
        let n = resolved(map(vec![("m", Node::new(Value::Missing)), ("o", s("ok"))]));
        assert!(n.get("m").unwrap().is_missing());
        let root = map(vec![
            ("a", map(vec![("b", s("${c}"))])),
            ("c", Node::from(4)),
        ]);
        let got = resolve_path(&root, "a.b", &Resolvers::default()).unwrap();
        assert_eq!(got.value, Value::Int(4));
        let e = resolve_path(&root, "a.x", &Resolvers::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::KeyNotFound);
    }

    #[test]
    fn long_chains_are_errors_not_crashes() {
        let names: Vec<String> = (0..2000).map(|i| format!("k{i}")).collect();
        let mut entries = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let next = if i + 1 < names.len() {
                format!("${{k{}}}", i + 1)
            } else {
                "end".into()
            };
            entries.push((name.as_str(), s(&next)));
        }
        let e = err(map(entries));
        assert_eq!(e.kind(), ErrorKind::Interpolation);
        // A chain within the limit resolves.
        let mut entries = Vec::new();
        for (i, name) in names.iter().enumerate().take(900) {
            let next = if i + 1 < 900 {
                format!("${{k{}}}", i + 1)
            } else {
                "end".into()
            };
            entries.push((name.as_str(), s(&next)));
        }
        let n = resolved(map(entries));
        assert_eq!(v(&n, "k0"), &Value::Str("end".into()));
    }

    #[test]
    fn a_reference_to_an_ancestor_through_a_resolver_is_an_error() {
        let e = err(map(vec![(
            "k",
            map(vec![("a", s("x_${k.c}")), ("c", s("${oc.select:k,d}"))]),
        )]));
        assert!(
            matches!(e.kind(), ErrorKind::Cycle | ErrorKind::Interpolation),
            "{e}"
        );
    }

    #[test]
    fn arbitrary_strings_never_panic() {
        // A small deterministic generator (no extra dependency): strings made
        // of the grammar's special pieces, resolved in a tree that has
        // containers, lists, missing values and references to all of them.
        let atoms = [
            "${",
            "}",
            "a",
            "b",
            "l",
            ".",
            "..",
            "[",
            "]",
            ":",
            ",",
            " ",
            "'",
            "\"",
            "\\",
            "$",
            "{",
            "0",
            "1",
            "-",
            "oc.select",
            "oc.decode",
            "oc.create",
            "oc.dict.values",
            "oc.env",
            "${a}",
            "${l[0]}",
            "${.b}",
            "\\${",
            "null",
            "1.5",
            "é",
            "=",
            "???",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..3000 {
            let len = 1 + next(10);
            let text: String = (0..len).map(|_| atoms[next(atoms.len())]).collect();
            let _ = grammar::parse(&text);
            let _ = grammar::parse_element(&text);
            let mut tree = map(vec![
                (
                    "a",
                    map(vec![("b", Node::from(1)), ("m", Node::new(Value::Missing))]),
                ),
                ("l", list(vec![Node::from("x"), s("${a}")])),
                ("v", Node::new(Value::Interp(text.as_str().into()))),
                ("w", s("${v}")),
            ]);
            let _ = resolve(&mut tree, &Resolvers::default());
        }
    }

    #[test]
    fn split_key_matches_omegaconf() {
        assert_eq!(split_key("a.b[c].d"), vec!["a", "b", "c", "d"]);
        assert_eq!(split_key("[a].b"), vec!["a", "b"]);
        assert_eq!(split_key("a[b.c]"), vec!["a", "b.c"]);
        assert_eq!(split_key("a"), vec!["a"]);
    }
}

#[cfg(test)]
mod small_stack_tests {
    use super::*;

    /// Chains as long as the chain limit allows, of references, of strings
    /// and of resolver calls, resolve on a test thread's 2 MiB stack, in a
    /// debug build (each link takes 10 to 20 KiB there).
    #[test]
    fn chains_to_the_limit_resolve_on_a_small_stack() {
        for (before, after) in [("${", "}"), ("x${", "}"), ("${oc.select:", "}")] {
            let mut text = String::from("k0: 1\n");
            for i in 1..MAX_CHAIN - 1 {
                text.push_str(&format!("k{i}: {before}k{}{after}\n", i - 1));
            }
            let mut cfg = Node::from_yaml_str(&text).unwrap();
            let last = format!("k{}", MAX_CHAIN - 2);
            let got = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || {
                    resolve(&mut cfg, &Resolvers::default()).unwrap();
                    cfg.get(&last).unwrap().value.clone()
                })
                .unwrap()
                .join()
                .unwrap();
            let ok =
                matches!(&got, Value::Int(1)) || matches!(&got, Value::Str(s) if s.ends_with('1'));
            assert!(ok, "{before}: {got:?}");
        }
    }
}

#[cfg(test)]
mod budget_tests {
    use super::*;

    #[test]
    fn doubling_strings_hit_the_budget() {
        let mut text = String::from("k0: xxxxxxxx\n");
        for i in 1..40 {
            text.push_str(&format!("k{i}: ${{k{}}}${{oc.select:k{}}}\n", i - 1, i - 1));
        }
        let mut cfg = Node::from_yaml_str(&text).unwrap();
        let err = resolve(&mut cfg, &Resolvers::default()).unwrap_err();
        assert!(err.message().contains("MiB"), "{err}");
    }
}
