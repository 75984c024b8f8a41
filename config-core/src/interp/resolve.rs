//! Resolution: evaluates every interpolation of a tree in place, with
//! `OmegaConf.resolve` semantics.
//!
//! Place in the flow: after composition (or after loading one file), before
//! the typed layer. The engine walks the tree in document order. Each string
//! holding `${` is parsed ([`super::grammar`]) and evaluated; references are
//! followed on demand and resolved in place first, so every node is
//! evaluated at most once and cycles are caught on the way (`a -> b -> a`).
//!
//! - `${a}` alone takes the value *and type* of `a`; when `a` is a mapping or
//!   a list it is resolved where it stands, then copied.
//! - Anything else (`x_${a}`) gives a string, values printed as Python does
//!   (`True`, `None`, `1e-06`, `{'k': 1}`).
//! - Relative keys start from the mapping or list that holds the node:
//!   `${.x}` is a sibling, each further dot goes one level up.
//! - Errors carry the OmegaConf class (as [`ErrorKind`]) and message, the
//!   full key of the node being resolved and the origin of the interpolation
//!   that failed.

use super::grammar::{
    self, Element, GrammarError, Interp, KeyPart, NodeRef, Part, Piece, ResolverCall, Text,
};
use super::render::{python_repr, python_repr_key, python_str, python_type};
use super::resolvers::{Call, Resolvers};
use crate::error::{did_you_mean, Error, ErrorKind};
use crate::grammar::primitive::type_primitive;
use crate::node::{Key, Map, Node, StrKey, Value};
use crate::path::{child_key, index_key, parse_path};
use std::collections::HashMap;

/// Longest chain of interpolations followed at once (`a -> b -> ...`):
/// deeper chains are reported instead of exhausting the stack.
pub const MAX_CHAIN: usize = 1000;

/// Stack size of the thread that resolution runs on: deep trees and long
/// chains recurse, and the caller's stack may be small (test threads have 2 MiB).
const STACK_SIZE: usize = 256 << 20;

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
    with_big_stack(move || {
        let mut engine = Engine::new(root, resolvers);
        engine.resolve_tree(&mut Vec::new())
    })
}

/// Runs `f` on a scoped thread with [`STACK_SIZE`] of stack (only touched
/// pages cost memory). A panic in a user resolver is passed on as is.
fn with_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    let slot = std::sync::Mutex::new(Some(f));
    let take = || slot.lock().unwrap_or_else(|p| p.into_inner()).take();
    std::thread::scope(|s| {
        let spawned = std::thread::Builder::new()
            .name("config-resolve".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(s, || take().map(|f| f()));
        let result = match spawned {
            Ok(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            Err(_) => None,
        };
        // No thread could be started: run on the caller's stack instead.
        result
            .or_else(|| take().map(|f| f()))
            .expect("the closure runs exactly once")
    })
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
    with_big_stack(|| {
        let mut engine = Engine::new(&mut copy, resolvers);
        let mut target = engine.locate(path)?;
        engine.resolve_tree(&mut target)?;
        Ok(engine.node(&target).clone())
    })
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
    /// Positions resolved by this run; for `${ref}` alone, the position it
    /// referred to. Strings print containers as they were written (as
    /// OmegaConf's `to_container(resolve=True)` does), so the original
    /// interpolations are looked up through this.
    resolved: HashMap<Pos, Option<Pos>>,
    /// Positions whose `${ref}` container is being resolved and copied.
    materializing: Vec<Pos>,
    /// Where each followed `${ref}` led, so that chains are walked once.
    followed: HashMap<Pos, Pos>,
}

impl<'e> Engine<'e> {
    fn new(root: &'e mut Node, resolvers: &'e Resolvers) -> Engine<'e> {
        Engine {
            root,
            resolvers,
            stack: Vec::new(),
            resolved: HashMap::new(),
            materializing: Vec::new(),
            followed: HashMap::new(),
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

    /// Resolves the node at `pos` and everything below it. The outermost
    /// call names the failing node in the error (`full_key`).
    pub(crate) fn resolve_tree(&mut self, pos: &mut Pos) -> Result<(), Error> {
        if let Err(e) = self.resolve_node(pos) {
            return Err(if self.stack.is_empty() && self.materializing.is_empty() {
                e.with_key(self.full_key(pos))
            } else {
                e
            });
        }
        let n = match &self.node(pos).value {
            Value::Map(m) => m.len(),
            Value::List(l) => l.len(),
            _ => 0,
        };
        for i in 0..n {
            pos.push(i);
            let r = self.resolve_tree(pos);
            pos.pop();
            r?;
        }
        Ok(())
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
        self.enter_check(pos)?;
        self.stack.push(pos.to_vec());
        let result = self.evaluate(&text, pos);
        self.stack.pop();
        let origin = self.node(pos).origin.clone();
        let ev = result.map_err(|e| e.with_origin(origin.clone()))?;
        let target = match &ev {
            Ev::Ref(p) => Some(p.clone()),
            Ev::Val(_) => None,
        };
        self.materializing.push(pos.to_vec());
        let made = self.materialize(ev);
        self.materializing.pop();
        let mut out = made.map_err(|e| e.with_origin(origin.clone()))?;
        self.resolved.insert(pos.to_vec(), target.clone());
        let from_resolver = out.value.is_container() && target.is_none();
        if let Value::Interp(s) = out.value {
            // A resolver's string result is final, even if it holds `${`.
            out.value = Value::Str(s);
        }
        let slot = self.node_mut(pos);
        out.origin = origin;
        let old = std::mem::replace(slot, out);
        slot.replaced = Some(Box::new(old));
        if from_resolver {
            // A mapping or list made by a resolver: its own interpolations
            // resolve from where it now stands (OmegaConf gives it this parent).
            self.materializing.push(pos.to_vec());
            let r = self.resolve_children(pos);
            self.materializing.pop();
            r?;
        }
        Ok(())
    }

    /// Fails when `pos` is already being evaluated or copied (a cycle), or
    /// when the chain of interpolations is too long.
    fn enter_check(&self, pos: &[usize]) -> Result<(), Error> {
        if let Some(i) = self.stack.iter().position(|p| p.as_slice() == pos) {
            return Err(self.cycle_error(&self.stack[i..], pos));
        }
        if let Some(i) = self.materializing.iter().position(|p| p.as_slice() == pos) {
            return Err(self.cycle_error(&self.materializing[i..], pos));
        }
        if self.stack.len() + self.materializing.len() >= MAX_CHAIN {
            return Err(Error::new(
                ErrorKind::Interpolation,
                format!("Interpolation chain longer than {MAX_CHAIN} links"),
            )
            .with_hint(format!("while resolving '{}'", self.full_key(pos))));
        }
        Ok(())
    }

    /// The node a lookup lands on: an interpolation that is one node
    /// reference (`${x}`) is followed without rewriting it (OmegaConf hands
    /// back the referenced node itself); any other interpolation is resolved
    /// in place.
    pub(crate) fn follow(&mut self, pos: Pos) -> Result<Pos, Error> {
        let text = match &self.node(&pos).value {
            Value::Interp(t) => t.clone(),
            _ => return Ok(pos),
        };
        if let Some(target) = self.followed.get(&pos) {
            return Ok(target.clone());
        }
        let ast = grammar::parse(&text).map_err(|g| grammar_error(&text, &g))?;
        let Some(Interp::Node(n)) = ast.single() else {
            self.resolve_node(&pos)?;
            return Ok(pos);
        };
        self.enter_check(&pos)?;
        self.stack.push(pos.clone());
        let base = parent(&pos);
        let result = self
            .node_key(n, &text, &base)
            .and_then(|key| self.deref(&key, &base));
        self.stack.pop();
        let origin = self.node(&pos).origin.clone();
        let target = result.map_err(|e| e.with_origin(origin))?;
        self.followed.insert(pos, target.clone());
        Ok(target)
    }

    fn resolve_children(&mut self, pos: &[usize]) -> Result<(), Error> {
        let mut p = pos.to_vec();
        let n = match &self.node(pos).value {
            Value::Map(m) => m.len(),
            Value::List(l) => l.len(),
            _ => 0,
        };
        for i in 0..n {
            p.push(i);
            let r = self.resolve_tree(&mut p);
            p.pop();
            r?;
        }
        Ok(())
    }

    fn cycle_error(&self, frames: &[Pos], pos: &[usize]) -> Error {
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
        Ok(Ev::Val(Node::new(Value::Str(s))))
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
                Part::Lit(s) => out.push_str(s),
                Part::Interp(i) => {
                    let ev = self.eval_interp(i, src, base)?;
                    out.push_str(&self.render(&ev));
                }
            }
        }
        Ok(out)
    }

    fn render(&self, ev: &Ev) -> String {
        match ev {
            Ev::Ref(p) if self.node(p).value.is_container() => {
                let mut p = p.clone();
                // `${e}` where `e: ${d}` prints `d` as written.
                for _ in 0..MAX_CHAIN {
                    match self.resolved.get(&p) {
                        Some(Some(target)) => p = target.clone(),
                        _ => break,
                    }
                }
                let mut out = String::new();
                self.write_raw(&mut p, true, &mut out);
                out
            }
            Ev::Ref(p) => python_str(self.node(p)),
            Ev::Val(n) => python_str(n),
        }
    }

    /// Python's repr of the container at `pos` as it was before this run
    /// resolved anything in it.
    fn write_raw(&self, pos: &mut Pos, top: bool, out: &mut String) {
        let node = self.node(pos);
        if !top && self.resolved.contains_key(pos.as_slice()) {
            if let Some(original) = &node.replaced {
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
                    self.write_raw(pos, false, out);
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
                    self.write_raw(pos, false, out);
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
                Ok(self.node(&p).clone())
            }
        }
    }

    fn eval_interp(&mut self, i: &Interp, src: &str, base: &[usize]) -> Result<Ev, Error> {
        match i {
            Interp::Node(n) => {
                let key = self.node_key(n, src, base)?;
                self.deref(&key, base).map(Ev::Ref)
            }
            Interp::Resolver(r) => self.call(r, src, base).map(Ev::Val),
        }
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
            Ev::Ref(p) => self.node(p).value.clone(),
            Ev::Val(n) => n.value.clone(),
        };
        match value {
            Value::Str(s) => Ok(s),
            other => {
                let text = &src[span(inner)];
                let shown = python_str(&Node::new(other.clone()));
                let ty = python_type(&other);
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
                if let Some(cur) = self.current() {
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
        let full = child_key(&self.full_key(container), &Key::Str(best.to_string()));
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

    fn call(&mut self, r: &ResolverCall, src: &str, base: &[usize]) -> Result<Node, Error> {
        let mut name = String::new();
        for (i, part) in r.name.iter().enumerate() {
            if i > 0 {
                name.push('.');
            }
            name.push_str(&self.key_part(part, src, base, KeyUse::ResolverName)?);
        }
        let mut args = Vec::with_capacity(r.args.len());
        let mut texts = Vec::with_capacity(r.args.len());
        for a in &r.args {
            args.push(self.eval_element(&a.element, src, base)?);
            texts.push(src[a.span.clone()].to_string());
        }
        self.invoke(&name, args, texts, base)
    }

    fn invoke(
        &mut self,
        name: &str,
        args: Vec<Node>,
        texts: Vec<String>,
        base: &[usize],
    ) -> Result<Node, Error> {
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
                return Ok(hit);
            }
        }
        let mut call = Call {
            engine: self,
            name,
            args,
            texts,
            base: base.to_vec(),
        };
        let out = (entry.f)(&mut call).map_err(|e| wrap_resolver_error(name, e))?;
        if entry.use_cache {
            resolvers.store(name, call.texts, out.clone());
        }
        Ok(out)
    }

    /// Evaluates a resolver argument, list item or dict value.
    pub(crate) fn eval_element(
        &mut self,
        e: &Element,
        src: &str,
        base: &[usize],
    ) -> Result<Node, Error> {
        Ok(match e {
            Element::Empty => {
                self.resolvers.warn(format!(
                    "In the interpolation `{}` some elements are missing: please replace them with empty quoted strings. See https://github.com/omry/omegaconf/issues/572 for details.",
                    truncate(src)
                ));
                Node::new(Value::Str(String::new()))
            }
            Element::Primitive(pieces) => match pieces.as_slice() {
                [Piece::Text(t)] => {
                    Node::new(type_primitive(t).unwrap_or_else(|| Value::Str(t.clone())))
                }
                [Piece::Interp(i)] => {
                    let ev = self.eval_interp(i, src, base)?;
                    self.materialize(ev)?
                }
                _ => {
                    let mut s = String::new();
                    for p in pieces {
                        match p {
                            Piece::Text(t) | Piece::Esc(t) => s.push_str(t),
                            Piece::Interp(i) => {
                                let ev = self.eval_interp(i, src, base)?;
                                s.push_str(&self.render(&ev));
                            }
                        }
                    }
                    Node::new(Value::Str(s))
                }
            },
            Element::Quoted(t) => Node::new(Value::Str(self.render_text(t, src, base)?)),
            Element::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval_element(&item.element, src, base)?);
                }
                Node::new(Value::List(out))
            }
            Element::Dict(pairs) => {
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
                    key = child_key(&key, &Key::Str(seg.clone()));
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

    /// [`Engine::resolve_node`] with the full key attached on error.
    fn resolve_tree_node(&mut self, pos: &[usize]) -> Result<(), Error> {
        self.resolve_node(pos)
            .map_err(|e| e.with_key(self.full_key(pos)))
    }
}

#[derive(Clone, Copy)]
enum KeyUse {
    Key,
    ResolverName,
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
    fn num(k: &Key) -> Option<f64> {
        match k {
            Key::Int(i) => Some(*i as f64),
            Key::Float(f) => Some(*f),
            Key::Bool(b) => Some(f64::from(u8::from(*b))),
            Key::Str(_) => None,
        }
    }
    match (num(a), num(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
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
        _ => Key::Str(text),
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

fn grammar_error(text: &str, g: &GrammarError) -> Error {
    let mut e = Error::new(
        ErrorKind::Grammar,
        format!("Invalid interpolation '{}': {}", truncate(text), g.message),
    );
    if text.len() <= 160 && !text.contains('\n') {
        let col = text[..g.offset.min(text.len())].chars().count();
        e = e.with_hint(format!("here:\n      {text}\n      {}^", " ".repeat(col)));
    }
    e
}

/// Resolver errors keep interpolation errors as they are; anything else is
/// reported as raised by the resolver.
fn wrap_resolver_error(name: &str, e: Error) -> Error {
    use ErrorKind::*;
    if matches!(
        e.kind,
        Grammar | InterpolationKey | InterpolationToMissing | Cycle | Resolver | Interpolation
    ) {
        return e;
    }
    let mut out = Error::new(
        ErrorKind::Resolver,
        format!(
            "Resolver '{name}' failed while resolving interpolation: {}",
            e.message
        ),
    );
    out.hints = e.hints;
    out.origin = e.origin;
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
        assert_eq!(e.kind, ErrorKind::Cycle);
        assert_eq!(e.message, "Recursive interpolation detected");
        assert_eq!(e.key.as_deref(), Some("x"));
        assert!(e.to_string().contains("x -> y -> z -> x"), "{e}");
        let e = err(map(vec![("a", map(vec![("b", s("${a}"))]))]));
        assert_eq!(e.kind, ErrorKind::Interpolation);
        let e = err(map(vec![
            ("x", map(vec![("p", s("${y}"))])),
            ("y", s("${x}")),
        ]));
        assert_eq!(e.message, "Interpolation to parent node detected");
        let e = err(map(vec![
            ("a", map(vec![("x", s("${b}"))])),
            ("b", map(vec![("y", s("${a}"))])),
        ]));
        assert_eq!(e.kind, ErrorKind::Cycle);
        assert!(e.to_string().contains("a.x -> b.y -> a.x"), "{e}");
    }

    #[test]
    fn error_classes_and_messages() {
        let e = err(map(vec![
            ("present", Node::from(1)),
            ("ref", s("${presnt}")),
        ]));
        assert_eq!(
            (e.kind, e.message.as_str()),
            (
                ErrorKind::InterpolationKey,
                "Interpolation key 'presnt' not found"
            )
        );
        assert!(e.to_string().contains("did you mean 'present'?"), "{e}");
        let e = err(map(vec![("a", map(vec![("b", s("${...x}"))]))]));
        assert_eq!(
            e.message,
            "ConfigKeyError while resolving interpolation: Error resolving key '...x'"
        );
        assert_eq!(e.key.as_deref(), Some("a.b"));
        let e = err(map(vec![
            ("t", Node::new(Value::Missing)),
            ("h", s("B ${t}")),
        ]));
        assert_eq!(e.kind, ErrorKind::InterpolationToMissing);
        assert_eq!(
            e.message,
            "MissingMandatoryValue while resolving interpolation: Missing mandatory value: t"
        );
        let e = err(map(vec![
            ("leaf", Node::from(5)),
            ("r", s("${leaf.child}")),
        ]));
        assert!(e
            .message
            .ends_with("node `leaf` is not a container and thus cannot contain `child`"));
        let e = err(map(vec![
            ("l", list(vec![Node::from(1)])),
            ("r", s("${l.x}")),
        ]));
        assert_eq!(
            e.message,
            "TypeError raised while resolving interpolation: Index 'x' (str) is not an int"
        );
        let e = err(map(vec![("r", s("${nope:1}"))]));
        assert_eq!(
            (e.kind, e.message.as_str()),
            (ErrorKind::Resolver, "Unsupported interpolation type nope")
        );
        let e = err(map(vec![("r", s("${a"))]));
        assert_eq!(e.kind, ErrorKind::Grammar);
        let e = err(map(vec![("i", Node::from(1)), ("r", s("${d.${i}}"))]));
        assert!(
            e.message.contains("should return a string"),
            "{}",
            e.message
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
        assert_eq!(e.kind, ErrorKind::KeyNotFound);
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
        assert_eq!(e.kind, ErrorKind::Interpolation);
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
    fn split_key_matches_omegaconf() {
        assert_eq!(split_key("a.b[c].d"), vec!["a", "b", "c", "d"]);
        assert_eq!(split_key("[a].b"), vec!["a", "b"]);
        assert_eq!(split_key("a[b.c]"), vec!["a", "b.c"]);
        assert_eq!(split_key("a"), vec!["a"]);
    }
}
