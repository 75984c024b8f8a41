//! A fast path for the plain block YAML that configs are mostly made of.
//!
//! Part of loading ([`super::load`]): `saphyr-parser` is complete but scans
//! character by character, which caps loading well below the compose
//! engine's budget. Most config files use only block mappings and lists,
//! plain one-line scalars, one-line flow lists of plain scalars, `{}`/`[]`
//! and comments. This module reads exactly that subset, line by line, and
//! builds the tree directly: the same nodes, with the same positions, that
//! saphyr's events give through [`super::load`]'s builder. On anything else
//! (quotes, anchors, tags, block scalars, multi-line scalars, flow mappings,
//! `<<` and `=` keys, tabs and other control characters, directives,
//! non-ASCII text, odd indentation, `[1 -]`, errors such as a duplicate
//! key) it gives up and the caller parses the whole document with saphyr
//! instead; so this path only has to be right on what it accepts, and the
//! differential tests check that it is. A limit hit here is final on either
//! path, with the same error.

use super::limits::{Budget, Limits, NODE_BYTES};
use super::load::{build_map, depth_error, tree_error, KeyPos};
use super::scalar::{self, Plain};
use crate::error::Error;
use crate::node::{Key, Node, Value};
use crate::origin::{Name, Origin};

/// Why the fast path stopped.
#[derive(Debug)]
pub(super) enum Stop {
    /// Outside the subset, or an error saphyr's path reports: parse with saphyr.
    Bail,
    /// A limit: the document is refused. (Boxed: every step of the fast
    /// path returns a `Result<_, Stop>`, which stays two words this way.)
    Limit(Box<Error>),
}

/// Where a node starts: 1-based line, 0-based column (saphyr's convention).
type Pos = (usize, usize);

/// The root of `text` (a mapping or a list), or why the fast path stopped.
pub(super) fn load(text: &str, path: &Name, limits: &Limits) -> Result<Node, Stop> {
    load_part(text, 1, path, limits).map(|(root, _)| root)
}

/// [`load`] for `text` that starts on line `first_line` of its file (a part
/// of a document, see [`super::split`]), with the tree bytes it charged to
/// `Limits::max_tree_bytes`.
pub(super) fn load_part(
    text: &str,
    first_line: usize,
    path: &Name,
    limits: &Limits,
) -> Result<(Node, usize), Stop> {
    let guess = (text.len() / 32).clamp(8, 1024);
    let mut fast = Fast {
        path,
        limits,
        budget: Budget::default(),
        stack: Vec::new(),
        items: Vec::with_capacity(guess / 4),
        pairs: Vec::with_capacity(guess),
        root: None,
        pending: None,
        scalar_indent: None,
        started: false,
    };
    let bytes = text.as_bytes();
    let (mut start, mut ln) = (0, first_line);
    loop {
        // One scan finds the line's end and whether it is the common line,
        // printable ASCII only.
        let mut end = start;
        while end < bytes.len() && (0x20..0x7f).contains(&bytes[end]) {
            end += 1;
        }
        let printable = end == bytes.len() || bytes[end] == b'\n';
        if !printable {
            end += bytes[end..]
                .iter()
                .position(|b| *b == b'\n')
                .unwrap_or(bytes.len() - end);
        }
        fast.line(ln, &text[start..end], printable)?;
        if end == bytes.len() {
            break;
        }
        (start, ln) = (end + 1, ln + 1);
    }
    fast.finish()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
    /// A list at its parent mapping's indent (`a:\n- 1`).
    IndentlessSeq,
}

/// An open container: its children are on [`Fast::items`] or
/// [`Fast::pairs`] from `start`, moved into a container of the exact size
/// when it closes.
struct Level {
    indent: usize,
    kind: Kind,
    origin: Origin,
    start: usize,
    /// A mapping's key whose value comes next, and where the key starts.
    key: Option<(Key, KeyPos)>,
}

/// A `key:` whose value is on later lines (or is empty).
#[derive(Clone, Copy)]
struct Pending {
    /// Position of the `:`, where saphyr puts an empty value.
    colon: Pos,
    /// Indent of the key.
    indent: usize,
}

struct Fast<'a> {
    path: &'a Name,
    limits: &'a Limits,
    budget: Budget,
    stack: Vec<Level>,
    /// Items of the open lists.
    items: Vec<Node>,
    /// Pairs of the open mappings, with each key's position.
    pairs: Vec<(Key, Node, KeyPos)>,
    root: Option<Node>,
    pending: Option<Pending>,
    /// After a one-line value owned by a node at this indent, a more indented
    /// line would continue it (or be an error): give up then.
    scalar_indent: Option<usize>,
    started: bool,
}

impl Fast<'_> {
    fn origin(&self, (line, col): Pos) -> Origin {
        Origin::File {
            path: self.path.clone(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            col: u32::try_from(col + 1).unwrap_or(u32::MAX),
        }
    }

    /// Charges `bytes` of tree built at `pos` (`Limits::max_tree_bytes`).
    fn charge(&mut self, bytes: usize, pos: Pos) -> Result<(), Stop> {
        match self.budget.charge_tree(bytes, self.limits) {
            Ok(()) => Ok(()),
            Err(_) => Err(Stop::Limit(Box::new(tree_error(
                self.limits,
                self.origin(pos),
            )))),
        }
    }

    /// A plain scalar: the key a mapping waits for, or a value.
    fn scalar(&mut self, text: &str, pos: Pos, interp: bool) -> Result<(), Stop> {
        let expecting_key =
            matches!(self.stack.last(), Some(l) if l.kind == Kind::Map && l.key.is_none());
        if expecting_key {
            let key = key_of(text, interp)?;
            self.charge(key.as_str().map_or(0, str::len), pos)?;
            if let Some(top) = self.stack.last_mut() {
                let at = KeyPos {
                    line: u32::try_from(pos.0).unwrap_or(u32::MAX),
                    col: u32::try_from(pos.1).unwrap_or(u32::MAX),
                };
                top.key = Some((key, at));
            }
            return Ok(());
        }
        let value = plain(text, interp)?;
        let bytes = match &value {
            Value::Str(s) | Value::Interp(s) => s.len(),
            Value::BigInt(d) => d.len(),
            _ => 0,
        };
        self.charge(NODE_BYTES + bytes, pos)?;
        let node = Node::with_origin(value, self.origin(pos));
        self.push(node)
    }

    /// Opens a container at `pos`.
    fn open(&mut self, kind: Kind, indent: usize, pos: Pos) -> Result<(), Stop> {
        if matches!(self.stack.last(), Some(l) if l.kind == Kind::Map && l.key.is_none()) {
            return Err(Stop::Bail); // a container as a key
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(Stop::Limit(Box::new(depth_error(
                self.limits,
                self.origin(pos),
            ))));
        }
        self.charge(NODE_BYTES, pos)?;
        let start = if kind == Kind::Map {
            self.pairs.len()
        } else {
            self.items.len()
        };
        let origin = self.origin(pos);
        self.stack.push(Level {
            indent,
            kind,
            origin,
            start,
            key: None,
        });
        Ok(())
    }

    /// Closes the innermost container and adds it to its parent.
    fn close(&mut self) -> Result<(), Stop> {
        let Some(level) = self.stack.pop() else {
            return Ok(());
        };
        let value = if level.kind == Kind::Map {
            let pairs = self.pairs.drain(level.start..);
            Value::Map(build_map(pairs, self.path).map_err(|_| Stop::Bail)?)
        } else {
            Value::List(self.items.drain(level.start..).collect())
        };
        self.push(Node::with_origin(value, level.origin))
    }

    /// Adds a finished node to its parent (or makes it the root).
    fn push(&mut self, node: Node) -> Result<(), Stop> {
        let Some(top) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        if top.kind != Kind::Map {
            self.items.push(node);
            return Ok(());
        }
        match top.key.take() {
            Some((key, mark)) => {
                self.pairs.push((key, node, mark));
                Ok(())
            }
            None => Err(Stop::Bail),
        }
    }

    /// Line `ln` (without its `\n`); `printable`: only printable ASCII.
    fn line(&mut self, ln: usize, line: &str, printable: bool) -> Result<(), Stop> {
        let line = if !printable {
            if line.bytes().any(|b| b < 0x20 || b == 0x7f) {
                return Err(Stop::Bail); // tabs, \r and other controls, comments included
            }
            ascii_part(line)?
        } else {
            line
        };
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|b| **b == b' ').count();
        let rest = &line[indent..];
        if rest.is_empty() || rest.starts_with('#') {
            return Ok(());
        }
        if indent == 0
            && (rest.starts_with("---") || rest.starts_with("...") || rest.starts_with('%'))
        {
            return Err(Stop::Bail);
        }
        if self.scalar_indent.take().is_some_and(|si| indent > si) {
            return Err(Stop::Bail);
        }
        let dash = rest == "-" || rest.starts_with("- ");
        if let Some(p) = self.pending.take() {
            self.resolve_pending(p, ln, indent, rest, dash)?;
        }
        while let Some(top) = self.stack.last() {
            let closes = top.indent > indent
                || (top.kind == Kind::IndentlessSeq && top.indent == indent && !dash);
            if !closes {
                break;
            }
            self.close()?;
        }
        match self.stack.last() {
            Some(top) if top.indent == indent && top.kind == Kind::Map && !dash => {
                self.key_line(ln, indent, rest)
            }
            Some(top) if top.indent == indent && top.kind != Kind::Map && dash => {
                self.item(ln, indent, rest)
            }
            None if !self.started && indent == 0 => {
                self.started = true;
                if dash {
                    self.open(Kind::Seq, 0, (ln, 0))?;
                    self.item(ln, 0, rest)
                } else {
                    self.open(Kind::Map, 0, (ln, 0))?;
                    self.key_line(ln, 0, rest)
                }
            }
            _ => Err(Stop::Bail),
        }
    }

    /// The line after `key:` decides what its value is.
    fn resolve_pending(
        &mut self,
        p: Pending,
        ln: usize,
        indent: usize,
        rest: &str,
        dash: bool,
    ) -> Result<(), Stop> {
        if indent > p.indent {
            let kind = if dash { Kind::Seq } else { Kind::Map };
            return self.open(kind, indent, (ln, indent));
        }
        let parent_is_map = self
            .stack
            .last()
            .is_some_and(|t| t.indent == p.indent && t.kind == Kind::Map);
        if indent == p.indent && dash && parent_is_map {
            // saphyr starts an indentless list at its first item's content.
            let content = rest[1..].bytes().take_while(|b| *b == b' ').count() + 1;
            if content >= rest.len() || rest[content..].starts_with('#') {
                return Err(Stop::Bail);
            }
            return self.open(Kind::IndentlessSeq, indent, (ln, indent + content));
        }
        self.scalar("", p.colon, false)
    }

    /// `key: value`, `key:` (value below) in a mapping at `indent`.
    fn key_line(&mut self, ln: usize, indent: usize, rest: &str) -> Result<(), Stop> {
        let colon = plain_key_colon(rest).ok_or(Stop::Bail)?;
        let key = &rest[..colon];
        if !plain_key(key) {
            return Err(Stop::Bail);
        }
        self.scalar(key, (ln, indent), false)?;
        let after = &rest[colon + 1..];
        let pending = Pending {
            colon: (ln, indent + colon),
            indent,
        };
        self.value(ln, indent + colon + 1, after, pending)
    }

    /// The inline value after a key's `:` (starting at column `col`).
    fn value(&mut self, ln: usize, col: usize, s: &str, pending: Pending) -> Result<(), Stop> {
        let skipped = s.bytes().take_while(|b| *b == b' ').count();
        let v = &s[skipped..];
        let col = col + skipped;
        if v.is_empty() || (skipped > 0 && v.starts_with('#')) {
            self.pending = Some(pending);
            return Ok(());
        }
        self.scalar_indent = Some(pending.indent);
        self.inline(ln, col, v)
    }

    /// A one-line node: `[a, b]`, `{}`, `[]` or a plain scalar.
    fn inline(&mut self, ln: usize, col: usize, v: &str) -> Result<(), Stop> {
        match v.as_bytes()[0] {
            b'[' => self.flow_list(ln, col, v),
            b'{' => {
                let inner = v[1..].trim_start_matches(' ');
                if !inner.starts_with('}') || !only_comment(&inner[1..]) {
                    return Err(Stop::Bail);
                }
                self.open(Kind::Map, usize::MAX, (ln, col))?;
                self.close()
            }
            _ => {
                let (text, interp) = plain_value(v).ok_or(Stop::Bail)?;
                self.scalar(text, (ln, col), interp)
            }
        }
    }

    /// `- value` or `- key: value` in a list at `indent`.
    fn item(&mut self, ln: usize, indent: usize, rest: &str) -> Result<(), Stop> {
        let after = rest.get(2..).ok_or(Stop::Bail)?;
        let skipped = after.bytes().take_while(|b| *b == b' ').count();
        let v = &after[skipped..];
        let col = indent + 2 + skipped;
        if v.is_empty() || v.starts_with('#') || v == "-" || v.starts_with("- ") {
            return Err(Stop::Bail);
        }
        if !matches!(v.as_bytes()[0], b'[' | b'{') && key_colon(v).is_some() {
            // A compact mapping: `- key: value` opens a mapping at the key.
            self.open(Kind::Map, col, (ln, col))?;
            return self.key_line(ln, col, v);
        }
        self.scalar_indent = Some(indent);
        self.inline(ln, col, v)
    }

    /// A one-line flow list of plain scalars.
    fn flow_list(&mut self, ln: usize, col: usize, v: &str) -> Result<(), Stop> {
        let close = v.bytes().position(|b| b == b']').ok_or(Stop::Bail)?;
        if !only_comment(&v[close + 1..]) {
            return Err(Stop::Bail);
        }
        self.open(Kind::Seq, usize::MAX, (ln, col))?;
        let inner = &v[1..close];
        if !inner.trim_matches(' ').is_empty() {
            let b = inner.as_bytes();
            let mut start = 0;
            loop {
                let end = b[start..]
                    .iter()
                    .position(|c| *c == b',')
                    .map_or(b.len(), |i| start + i);
                let part = &inner[start..end];
                let lead = part.bytes().take_while(|b| *b == b' ').count();
                let item = part.trim_matches(' ');
                // `[1 -]`: saphyr needs a retry for it (see `flow_dash`).
                if part.ends_with(" -") {
                    return Err(Stop::Bail);
                }
                let interp = plain_flow_item(item).ok_or(Stop::Bail)?;
                self.scalar(item, (ln, col + 1 + start + lead), interp)?;
                if end == b.len() {
                    break;
                }
                start = end + 1;
            }
        }
        self.close()
    }

    fn finish(mut self) -> Result<(Node, usize), Stop> {
        if !self.started {
            return Err(Stop::Bail);
        }
        if let Some(p) = self.pending.take() {
            self.scalar("", p.colon, false)?;
        }
        while !self.stack.is_empty() {
            self.close()?;
        }
        let tree = self.budget.tree_bytes();
        self.root.map(|root| (root, tree)).ok_or(Stop::Bail)
    }
}

/// The value of a plain scalar, typed by YAML 1.1 rules; `interp` says
/// whether it contains `${` (found by the scan that delimited it).
fn plain(text: &str, interp: bool) -> Result<Value, Stop> {
    Ok(match scalar::resolve_plain(text) {
        Plain::Null => Value::Null,
        Plain::Bool(b) => Value::Bool(b),
        Plain::Int(i) => Value::Int(i),
        Plain::Float(f) => Value::Float(f),
        Plain::BigInt => Value::BigInt(scalar::big_int(text).map_err(|_| Stop::Bail)?.into()),
        Plain::Str if interp => Value::Interp(text.into()),
        Plain::Str if text == "???" => Value::Missing,
        Plain::Str => Value::Str(text.into()),
        Plain::BadFloat | Plain::Merge | Plain::ValueTag => return Err(Stop::Bail),
    })
}

/// The key of a plain scalar. A string key is built from the text itself,
/// inline when short (see [`Key::Str`]), with no `String` on the way: keys
/// are most of a config's scalars. Other keys are typed as values are, then
/// converted as the saphyr path converts them; a key that path refuses
/// (null) is its to report.
fn key_of(text: &str, interp: bool) -> Result<Key, Stop> {
    match scalar::resolve_plain(text) {
        // `???` and `${..}` keys are string keys too.
        Plain::Str => Ok(Key::from(text)),
        _ => super::load::as_key(plain(text, interp)?).map_err(|_| Stop::Bail),
    }
}

/// The line itself, or its part before a comment that holds non-ASCII text
/// (columns count characters, so non-ASCII content before a position would
/// need counting; that case goes to saphyr).
fn ascii_part(line: &str) -> Result<&str, Stop> {
    let Some(first) = line.bytes().position(|b| !b.is_ascii()) else {
        return Ok(line);
    };
    if line[first..].chars().any(super::reader::is_unprintable) {
        return Err(Stop::Bail); // saphyr's path refuses it, as PyYAML does
    }
    let head = &line[..first];
    let start = head.trim_start_matches(' ');
    if start.starts_with('#') {
        return Ok(""); // a comment line
    }
    match head.find(" #") {
        Some(c) => Ok(&line[..c]),
        None => Err(Stop::Bail),
    }
}

/// The `:` that ends a key: the first one followed by a space or the end.
fn key_colon(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let i = b.iter().position(|c| *c == b':')?;
    (i + 1 == b.len() || b[i + 1] == b' ').then_some(i)
}

/// [`key_colon`] for a `key: value` line, in the same scan refusing a `#`
/// in the key (a comment, or a key the subset leaves to saphyr).
fn plain_key_colon(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let i = b.iter().position(|c| matches!(c, b':' | b'#'))?;
    (b[i] == b':' && (i + 1 == b.len() || b[i + 1] == b' ')).then_some(i)
}

/// Nothing but spaces and maybe a comment.
fn only_comment(s: &str) -> bool {
    let t = s.trim_start_matches(' ');
    t.is_empty() || (t.starts_with('#') && t.len() < s.len())
}

/// A first character that cannot start anything but a plain scalar.
fn plain_start(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        Some(b'-') => b.get(1).is_some_and(|c| *c != b' '),
        Some(c) => PLAIN_START[usize::from(*c)],
        None => false,
    }
}

/// The bytes [`plain_start`] accepts (but `-`), as a table: it runs for
/// every key and value.
const PLAIN_START: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'_' | b'.'
                    | b'/'
                    | b'$'
                    | b'~'
                    | b'+'
                    | b'('
                    | b')'
                    | b'='
                    | b'<'
                    | b'^'
                    | b';'
                    | b'\\'
            );
        c += 1;
    }
    t
};

/// A block-context plain scalar on one line, maybe followed by a comment.
///
/// Returns the scalar without its trailing comment and spaces, and whether
/// it contains `${`, in one pass.
fn plain_value(v: &str) -> Option<(&str, bool)> {
    if !plain_start(v) {
        return None;
    }
    let b = v.as_bytes();
    let mut end = b.len();
    let mut interp = false;
    for i in 1..b.len() {
        match b[i] {
            b'#' if b[i - 1] == b' ' => {
                end = i - 1;
                break;
            }
            b':' if b.get(i + 1).is_none_or(|c| *c == b' ') => return None,
            b'{' if b[i - 1] == b'$' => interp = true,
            _ => {}
        }
    }
    let text = v[..end].trim_end_matches(' ');
    (!text.ends_with(':')).then_some((text, interp))
}

/// A key (before the `:` that [`plain_key_colon`] found, so without `:`
/// or `#`): a plain scalar not ending in a space.
fn plain_key(k: &str) -> bool {
    plain_start(k) && k.len() < 1000 && !k.ends_with(' ')
}

/// An item of a one-line flow list: whether it contains `${` (found in
/// the scan that checks it), or `None` outside the subset.
fn plain_flow_item(s: &str) -> Option<bool> {
    if !plain_start(s) {
        return None;
    }
    let b = s.as_bytes();
    let mut interp = false;
    for (i, c) in b.iter().enumerate() {
        match c {
            b'[' | b']' | b'{' | b'}' | b',' | b':' | b'#' | b'?' => return None,
            b'$' if b.get(i + 1) == Some(&b'{') => interp = true,
            _ => {}
        }
    }
    Some(interp)
}

#[cfg(test)]
pub(super) mod tests {
    use crate::node::{Node, Value};
    use crate::origin::Name;
    use crate::yaml::load::{parse_fast, parse_saphyr};
    use crate::yaml::Limits;
    use proptest::prelude::*;
    use std::path::Path;

    /// Values, key order and every origin agree.
    pub(crate) fn same(a: &Node, b: &Node) -> Result<(), String> {
        if a.origin != b.origin {
            return Err(format!("origin {} vs {}", a.origin, b.origin));
        }
        match (&a.value, &b.value) {
            (Value::Map(x), Value::Map(y)) => {
                if !x.keys().eq(y.keys()) {
                    return Err(format!(
                        "keys {:?} vs {:?}",
                        x.keys().collect::<Vec<_>>(),
                        y.keys().collect::<Vec<_>>()
                    ));
                }
                x.values().zip(y.values()).try_for_each(|(p, q)| same(p, q))
            }
            (Value::List(x), Value::List(y)) if x.len() == y.len() => {
                x.iter().zip(y).try_for_each(|(p, q)| same(p, q))
            }
            (x, y) if x == y && !x.is_container() => Ok(()),
            (x, y) => Err(format!("{x:?} vs {y:?}")),
        }
    }

    /// When the fast path accepts `text`, saphyr builds the same tree.
    fn check(text: &str) -> Result<bool, String> {
        let path = Name::new("t.yaml");
        let limits = Limits::default();
        let Some(Ok(fast)) = parse_fast(text, &path, &limits) else {
            return Ok(false);
        };
        let slow = parse_saphyr(text, &path, &limits)
            .map_err(|e| format!("fast accepted, saphyr failed: {e}"))?;
        match (fast, slow) {
            (Some(f), Some(s)) => same(&f, &s).map(|()| true),
            (f, s) => Err(format!("roots differ: {f:?} vs {s:?}")),
        }
    }

    pub(crate) fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                yaml_files(&p, out);
            } else if p.extension().is_some_and(|e| e == "yaml") {
                out.push(p);
            }
        }
    }

    #[test]
    fn agrees_with_saphyr_on_corpus_and_bench_files() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let mut files = Vec::new();
        yaml_files(&root.join("tests/conformance"), &mut files);
        yaml_files(&root.join("target/bench-tree"), &mut files);
        let mut fast = 0;
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            match check(&text) {
                Ok(true) => fast += 1,
                Ok(false) => {}
                Err(e) => panic!("{}: {e}", f.display()),
            }
        }
        assert!(files.is_empty() || fast > 0);
    }

    #[test]
    fn agrees_on_samples() {
        let samples = [
            "a: 1\nb:\nc:\n  d: x # c\n  e: [1, 2]\n  f: {}\nl:\n- 1\n- k: v\n  k2: v2\n- [a]\nm:\n  - x\nz:",
            "defaults:\n  - _self_\n  - db: mysql\n  - override hydra/launcher: basic\nx: ${a.b}\n",
            "- a\n- b: 1\n  c: [x , y ]\n-   d: 2\n",
            "a:\n- k: 1\n  j: 2\n- 3\nb: 4\n",
            "a:\n  b:\n    c:\n  d: 1\ne: ~\n",
            "a: 1 # x\n# comment\n\n  # indented comment\nb: yes\n",
            "a: b\n  c\n",
            "a: [1, [2]]\n",
            "a: 1\na: 2\n",
            "<<: {}\n",
            "a: -1\nb: -x\nc: http://x:80/y\nd: a[0]\ne: x #\n",
            "a:\n-   x\n-   y\n",
            "a:\n  - x\n  -   y\n",
            "# заметка\na: 1 # ключ\nb: [1] # é\nc: x#é\nd: é\n",
            "a: 1 # \u{85} nel\nb: 2 # \u{2028}\nc: 3\n",
            "  # ü\na: 1\n",
            "\u{feff}a: 1\n",
            "a: [1 -]\n",
            "a: [1 -, x - ,y -z]\n",
            "a: 1 # é\u{9b}\n",
            "a: x\u{1}\n",
            "a: 77777777777777777777777\n",
        ];
        for s in samples {
            check(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        }
        assert!(check(samples[0]).unwrap());
    }

    proptest! {
        #![proptest_config(crate::proptest_cases::cases(300))]

        #[test]
        fn agrees_on_blockish_text(text in "((  |- |a|b|1|: |:|#|\n|\\[|\\]|, |\\{\\}|x: |-1|~|\\$\\{a\\}| #c|\\.|é| #é|\u{85}|\u{2028}|\r|\t|---|<<: |'|\\?)){0,40}") {
            check(&text).map_err(TestCaseError::fail)?;
        }
    }

    proptest! {
        #![proptest_config(crate::proptest_cases::cases(150))]

        /// The hardening cases: ` -` before `,`/`]` (saphyr needs a retry),
        /// control characters (refused, also in comments), `%YAML`
        /// directives, verbatim tags and ints past Python's digit limit.
        #[test]
        fn agrees_on_hostile_text(text in "((  |- |a|1|: |#|\n|\\[|\\]|, | -|-|\u{1}|\u{1b}|\u{7f}| #\u{9b}| #é\u{9f}|%YAML 2.0\n|%YAML 1.1\n|!<tag:yaml.org,2002:str> |7{30}|7{4301}|0x1f{3600}|'q')){0,24}") {
            check(&text).map_err(TestCaseError::fail)?;
            let path = Name::new("t.yaml");
            if let Some(Ok(_)) = parse_fast(&text, &path, &Limits::default()) {
                // Whatever the fast path accepts, PyYAML's reader accepts.
                prop_assert!(crate::yaml::reader::first_unprintable(&text).is_none());
                prop_assert!(crate::yaml::reader::incompatible_version(&text).is_none());
            }
        }
    }
}
