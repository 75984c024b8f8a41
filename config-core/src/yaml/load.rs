//! YAML text → [`Node`] tree, the first step of the flow (load → compose →
//! resolve → type → freeze).
//!
//! `saphyr-parser` turns the text into events; this module builds the tree
//! from them with an explicit stack (never the Rust stack), so input depth
//! cannot overflow it. It follows OmegaConf 2.3's loader (PyYAML's
//! `SafeLoader` plus OmegaConf's tweaks):
//!
//! - plain scalars are typed with YAML 1.1 rules ([`super::scalar`]);
//! - anchors and aliases copy nodes, charged to the alias [`Budget`];
//! - `<<` merge keys follow PyYAML's `flatten_mapping`: merged pairs first
//!   (a list of mappings is applied last-to-first), then the explicit pairs,
//!   each key keeping its first position and its last value;
//! - an explicit string key given twice is an error; a key that came in
//!   through `<<` may be overridden; repeated non-string keys keep the last
//!   value, as a Python dict does (where `1`, `1.0` and `true` are one key);
//! - a null key is an error, as in OmegaConf; containers cannot be keys;
//! - the document must be one mapping or list; an empty document (or `null`)
//!   is `{}` and a lone string `s` is `{s: null}` (OmegaConf re-reads it).

use super::fast;
use super::limits::{Budget, Cost, Exceeded, Limits, NODE_BYTES};
use super::reader;
use super::scalar::{self, Plain};
use crate::error::{Error, ErrorKind};
use crate::map::Entry;
use crate::node::{Key, Map, Node, Value};
use crate::origin::{Name, Origin};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Span, Tag};
use std::borrow::Cow;

/// The handle saphyr gives `!!` tags.
const CORE: &str = "tag:yaml.org,2002:";

const RAISE: &str = "pass your own `yaml::Limits` to `yaml::load_str`/`load_file` to raise it, if this document is trusted";

/// Loads one YAML document as OmegaConf does (see the module docs).
pub(crate) fn load(text: &str, source: &str, limits: &Limits) -> Result<Node, Error> {
    let root = load_data(text, source, limits)?;
    // OmegaConf refuses a malformed interpolation when it creates the node.
    if text.contains("${") {
        crate::interp::creation::check_tree(&root)?;
    }
    Ok(root)
}

/// [`load`] without the check of interpolations: YAML read as data.
pub(crate) fn load_data(text: &str, source: &str, limits: &Limits) -> Result<Node, Error> {
    let path = Name::new(source);
    if text.len() > limits.max_size {
        return Err(Error::new(
            ErrorKind::Limit,
            format!(
                "YAML document is {} bytes, more than the {} bytes allowed (Limits::max_size)",
                text.len(),
                limits.max_size
            ),
        )
        .with_origin(Origin::File {
            path,
            line: 1,
            col: 1,
        })
        .with_hint(format!("raise `Limits::max_size`: {RAISE}")));
    }
    top_level(parse_document(text, &path, limits)?, &path, limits)
}

/// The root node of the only document in `text`, or `None` for no document.
fn parse_document(text: &str, path: &Name, limits: &Limits) -> Result<Option<Node>, Error> {
    if let Some(root) = parse_fast(text, path, limits) {
        return root;
    }
    parse_saphyr(text, path, limits)
}

/// The tree through the fast path, or `None` when it gave up (an error
/// there is one saphyr reports the same way, or an earlier one). A limit
/// the fast path hit is final, though: the document is refused either way,
/// and saphyr would only take as long again to say so.
pub(super) fn parse_fast(
    text: &str,
    path: &Name,
    limits: &Limits,
) -> Option<Result<Option<Node>, Error>> {
    if let Some(root) = super::split::load(text, path, limits) {
        return Some(Ok(Some(root)));
    }
    match fast::load(text, path, limits) {
        Ok(root) => Some(Ok(Some(root))),
        Err(fast::Stop::Limit(e)) => Some(Err(*e)),
        Err(fast::Stop::Bail) => None,
    }
}

/// The tree through saphyr's full parser, after the checks PyYAML's reader
/// makes and saphyr does not ([`reader`]).
pub(super) fn parse_saphyr(
    text: &str,
    path: &Name,
    limits: &Limits,
) -> Result<Option<Node>, Error> {
    check_stream(text, path)?;
    let first = saphyr_pass(text, path, limits, &|m| m);
    match &first {
        Err(e) if e.message().starts_with(INDENT_ERROR) => retry_shifted(text, path, limits, first),
        Err(e) if e.message().starts_with(DASH_ERROR) => retry_patched(text, path, limits, first),
        _ => first,
    }
}

const INDENT_ERROR: &str = "YAML syntax error: invalid indentation";
const DASH_ERROR: &str = "YAML syntax error: plain scalar cannot start with '-'";

/// saphyr 0.3.4 rejects some multi-line flow collections PyYAML reads:
/// retry them re-indented (see `flow_indent`); else report the first error.
fn retry_shifted(
    text: &str,
    path: &Name,
    limits: &Limits,
    first: Result<Option<Node>, Error>,
) -> Result<Option<Node>, Error> {
    let Some(s) = super::flow_indent::shift_flow_lines(text) else {
        return first;
    };
    let mut opened = Vec::new();
    let shifted =
        saphyr_pass_collecting(&s.text, path, limits, &|m| s.unshift(m), Some(&mut opened));
    // Only a parse that opened a collection wherever the scan saw one is
    // the document re-indented; otherwise the shift changed its meaning
    // (`- a\n[x\n- b` would become one multi-line scalar).
    match shifted {
        Ok(root) if s.openers.iter().all(|o| opened.contains(o)) => Ok(root),
        _ => first,
    }
}

/// saphyr 0.3.4 rejects `[1 -]` and `[-]`, which PyYAML reads: patch the
/// text where saphyr stopped and retry, a bounded number of times (see
/// `flow_dash`); past the bound, saphyr's error stands.
fn retry_patched(
    text: &str,
    path: &Name,
    limits: &Limits,
    first: Result<Option<Node>, Error>,
) -> Result<Option<Node>, Error> {
    let mut patches = super::flow_dash::Patches::default();
    let mut result = first;
    loop {
        let at = match &result {
            Err(e) if patches.can_retry(e.message(), text.len()) => match &e.origin() {
                Some(Origin::File { line, col, .. }) => (*line as usize, *col as usize),
                _ => return result,
            },
            _ => return result,
        };
        if !patches.add(text, at.0, at.1) {
            return result;
        }
        let patched = patches.apply(text);
        result = saphyr_pass(&patched, path, limits, &|m| patches.unshift(m));
    }
}

/// Refuses what PyYAML's reader refuses before any parsing: unprintable
/// characters and a `%YAML` directive for another major version.
fn check_stream(text: &str, path: &Name) -> Result<(), Error> {
    let at = |line: usize, col: usize| Origin::File {
        path: path.clone(),
        line: u32::try_from(line).unwrap_or(u32::MAX),
        col: u32::try_from(col).unwrap_or(u32::MAX),
    };
    if let Some((c, line, col)) = reader::first_unprintable(text) {
        let code = c as u32;
        return Err(Error::new(
            ErrorKind::Yaml,
            format!(
                "unacceptable character #x{code:04x}: special characters are not allowed in YAML"
            ),
        )
        .with_origin(at(line, col))
        .with_hint(format!(
            "remove it; a string can hold it as an escape in double quotes, e.g. \"\\u{code:04x}\""
        )));
    }
    if let Some((line, version)) = reader::incompatible_version(text) {
        return Err(Error::new(
            ErrorKind::Yaml,
            format!("found incompatible YAML document (version 1.* is required): %YAML {version}"),
        )
        .with_origin(at(line, 1))
        .with_hint("write `%YAML 1.1` (the version PyYAML reads), or remove the directive"));
    }
    Ok(())
}

/// One saphyr parse; `fix` maps its positions back to the original text.
fn saphyr_pass(
    text: &str,
    path: &Name,
    limits: &Limits,
    fix: &dyn Fn(Marker) -> Marker,
) -> Result<Option<Node>, Error> {
    saphyr_pass_collecting(text, path, limits, fix, None)
}

/// [`saphyr_pass`], also noting (when asked) where each collection opened (1-based
/// line, 0-based column, in the original text).
fn saphyr_pass_collecting(
    text: &str,
    path: &Name,
    limits: &Limits,
    fix: &dyn Fn(Marker) -> Marker,
    mut opened: Option<&mut Vec<(usize, usize)>>,
) -> Result<Option<Node>, Error> {
    let mut builder = Builder::new(path.clone(), limits, text.len());
    let swapped = reader::bom_stand_in(text);
    let text = match &swapped {
        Some((swapped, stand_in)) => {
            builder.bom_stand_in = Some(*stand_in);
            swapped.as_str()
        }
        None => text,
    };
    let mut parser = Parser::new_from_str(text);
    let mut at = CharCursor::new(text);
    // Where the previous event opened a collection: a block collection
    // whose first item is a flow one starts at that item's `[` or `{`.
    let mut opened_at = None;
    while let Some(item) = parser.next_event() {
        let (event, span) = item.map_err(|e| {
            let e = ScanError::new_str(fix(*e.marker()), e.info());
            builder.syntax_error(&e)
        })?;
        let start = fix(span.start);
        if let Some(opened) = opened.as_deref_mut() {
            if matches!(event, Event::SequenceStart(..) | Event::MappingStart(..)) {
                opened.push((start.line(), start.col()));
            }
        }
        // Whether a collection opens with a flow indicator (saphyr's events
        // do not say): PyYAML's flow context rules apply inside.
        let opens = matches!(event, Event::SequenceStart(..) | Event::MappingStart(..));
        let flow = opens && text[at.byte(span.start.index())..].starts_with(['[', '{']);
        if opens && opened_at == Some(span.start.index()) {
            builder.top_is_block();
        }
        opened_at = opens.then(|| span.start.index());
        builder.event(event, Span::new(start, fix(span.end)), flow)?;
    }
    Ok(builder.root)
}

/// Byte offsets of the character indices saphyr's markers give, found
/// moving forward (events come in text order).
struct CharCursor<'t> {
    text: &'t str,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'t> CharCursor<'t> {
    fn new(text: &'t str) -> Self {
        CharCursor {
            text,
            ascii: text.is_ascii(),
            chars: 0,
            bytes: 0,
        }
    }

    /// The byte offset of character `index` (the text's end past it).
    fn byte(&mut self, index: usize) -> usize {
        if self.ascii {
            return index.min(self.text.len());
        }
        if index < self.chars {
            (self.chars, self.bytes) = (0, 0);
        }
        while self.chars < index && self.bytes < self.text.len() {
            let c = self.text[self.bytes..]
                .chars()
                .next()
                .expect("not at the end");
            self.bytes += c.len_utf8();
            self.chars += 1;
        }
        self.bytes
    }
}

/// OmegaConf's treatment of the top level: `OmegaConf.load` accepts a
/// mapping, a list, nothing (→ `{}`), or a string, which `OmegaConf.create`
/// parses again as YAML (`just a string` becomes `{just a string: null}`).
fn top_level(root: Option<Node>, path: &Name, limits: &Limits) -> Result<Node, Error> {
    let Some(node) = root else {
        return Ok(Node::with_origin(
            Value::Map(Map::new()),
            Origin::File {
                path: path.clone(),
                line: 1,
                col: 1,
            },
        ));
    };
    let text = match &node.value {
        Value::Map(_) | Value::List(_) => return Ok(node),
        Value::Null => return Ok(Node::with_origin(Value::Map(Map::new()), node.origin)),
        Value::Str(s) | Value::Interp(s) => s.as_str(),
        Value::Missing => "???",
        other => {
            return Err(Error::new(
                ErrorKind::Yaml,
                format!(
                    "Invalid loaded object type: {}: a config document must be a mapping or a list",
                    other.type_name()
                ),
            )
            .with_origin(node.origin.clone()))
        }
    };
    let inner = parse_document(text, path, limits)?;
    let origin = node.origin.clone();
    match inner.map(|n| n.value) {
        None | Some(Value::Null) => Ok(Node::with_origin(Value::Map(Map::new()), origin)),
        Some(v @ (Value::Map(_) | Value::List(_))) => {
            let mut n = Node::with_origin(v, Origin::Unknown);
            n.stamp_origin(&origin);
            Ok(n)
        }
        Some(Value::Str(s) | Value::Interp(s)) => Ok(single_key_map(Key::from(s), origin)),
        Some(Value::Missing) => Ok(single_key_map(Key::Str("???".into()), origin)),
        Some(other) => Err(Error::new(
            ErrorKind::Yaml,
            format!(
                "Invalid config type ({}): the document is a quoted string that reads as a {0}",
                other.type_name()
            ),
        )
        .with_origin(origin)),
    }
}

fn single_key_map(key: Key, origin: Origin) -> Node {
    let mut map = Map::new();
    map.insert(key, Node::with_origin(Value::Null, origin.clone()));
    Node::with_origin(Value::Map(map), origin)
}

/// A container being built.
struct Frame {
    kind: FrameKind,
    origin: Origin,
    /// Anchor id (0: none).
    anchor: usize,
    /// In flow context: the frame or one around it opened with `[` or `{`.
    flow: bool,
}

/// Children are collected on shared stacks ([`Builder::items`],
/// [`Builder::pairs`]) and moved into a container of the exact size when it
/// closes: no reallocation as containers grow.
enum FrameKind {
    /// Items from this index of `Builder::items`.
    List(usize),
    Map(MapFrame),
}

struct MapFrame {
    /// The explicit pairs, from this index of `Builder::pairs`.
    start: usize,
    /// The key whose value comes next.
    key: Option<PendingKey>,
    /// Mappings brought in by `<<`, in the order PyYAML applies them.
    merges: Vec<Map>,
}

enum PendingKey {
    /// A key and where it starts.
    Key(Key, Marker),
    Merge(Origin),
}

/// A scalar after typing: a value, or one of the two special plain scalars.
enum Scalar {
    Value(Value),
    /// `<<`
    Merge,
    /// `=` (PyYAML's value tag)
    Equals,
}

/// An anchored node, kept for its aliases.
struct Anchored {
    node: Node,
    cost: Cost,
}

struct Builder<'l> {
    path: Name,
    limits: &'l Limits,
    stack: Vec<Frame>,
    /// Items of the open lists (see [`FrameKind`]).
    items: Vec<Node>,
    /// Explicit pairs of the open mappings, with each key's origin.
    pairs: Vec<(Key, Node, KeyPos)>,
    /// Indexed by saphyr's anchor id (ids start at 1 and are never reused).
    anchors: Vec<Option<Anchored>>,
    /// Frames on the stack that carry an anchor.
    anchored_open: usize,
    budget: Budget,
    root: Option<Node>,
    documents: usize,
    /// The character that stands for U+FEFF in the text saphyr reads
    /// ([`reader::bom_stand_in`]).
    bom_stand_in: Option<char>,
}

impl<'l> Builder<'l> {
    /// A builder for a document of `size` bytes.
    fn new(path: Name, limits: &'l Limits, size: usize) -> Self {
        // Room for the children of the open containers up front: growing
        // these per document showed up as allocator time on small files.
        let guess = (size / 32).clamp(8, 1024);
        Builder {
            path,
            limits,
            stack: Vec::new(),
            items: Vec::with_capacity(guess / 4),
            pairs: Vec::with_capacity(guess),
            anchors: Vec::new(),
            anchored_open: 0,
            budget: Budget::default(),
            root: None,
            documents: 0,
            bom_stand_in: None,
        }
    }

    fn origin(&self, mark: Marker) -> Origin {
        Origin::File {
            path: self.path.clone(),
            line: u32::try_from(mark.line()).unwrap_or(u32::MAX),
            col: u32::try_from(mark.col() + 1).unwrap_or(u32::MAX),
        }
    }

    fn error(&self, kind: ErrorKind, message: impl Into<String>, mark: Marker) -> Error {
        Error::new(kind, message).with_origin(self.origin(mark))
    }

    fn syntax_error(&self, e: &ScanError) -> Error {
        if e.info() == "recursion limit exceeded" {
            // saphyr's scanner caps flow nesting at 255 and scans ahead of
            // our own depth check, so deep `[[[...` ends here.
            return self
                .error(
                    ErrorKind::Limit,
                    format!(
                        "YAML nesting is too deep: flow collections nest at most 255 levels in the parser \
                         (and Limits::max_depth is {})",
                        self.limits.max_depth
                    ),
                    *e.marker(),
                )
                .with_hint("flatten the document; the parser's flow limit cannot be raised");
        }
        self.error(ErrorKind::Yaml, format!("YAML syntax error: {}", e.info()), *e.marker())
            .with_hint("check the indentation, and quote values that contain ': ', ' #' or start with a YAML indicator")
    }

    /// `flow`: a collection that starts opens with `[` or `{`.
    fn event(&mut self, event: Event<'_>, span: Span, flow: bool) -> Result<(), Error> {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(self.error(
                        ErrorKind::Yaml,
                        "expected a single document in the stream, but found another document",
                        span.start,
                    )
                    .with_hint("a config file holds one YAML document: remove the second `---` and what follows, or split the file"));
                }
                Ok(())
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(text, style, anchor, tag.as_deref(), span.start)
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(true, anchor, tag.as_deref(), span.start, flow)
            }
            Event::MappingStart(anchor, tag) => {
                self.open(false, anchor, tag.as_deref(), span.start, flow)
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Alias(id) => self.alias(id, span.start),
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => Ok(()),
        }
    }

    /// The open collection is a block one (see [`saphyr_pass_collecting`]):
    /// in flow context only inside a flow collection.
    fn top_is_block(&mut self) {
        let n = self.stack.len();
        let outer = n >= 2 && self.stack[n - 2].flow;
        if let Some(top) = self.stack.last_mut() {
            top.flow = outer;
        }
    }

    /// A plain scalar starting with `?` or `:` in flow context. PyYAML's
    /// scanner reads them there as the key and value indicators, whatever
    /// follows (YAML 1.2, and saphyr, let them start a plain scalar): `?x`
    /// is the key `x` (a list item `[?x]` is `{x: null}`), and `[???]` or
    /// `[:x]` is an error.
    fn flow_indicator(
        &mut self,
        text: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        mark: Marker,
    ) -> Result<(), Error> {
        let key = text
            .strip_prefix('?')
            .filter(|rest| !rest.is_empty() && !rest.starts_with(['?', ':']));
        if let Some(key) = key {
            let key = Cow::Owned(key.to_string());
            if self.expecting_key() {
                return self.scalar(key, style, anchor, tag, mark);
            }
            let in_list = matches!(
                self.stack.last(),
                Some(Frame {
                    kind: FrameKind::List(_),
                    ..
                })
            );
            if in_list && anchor == 0 && tag.is_none() {
                self.open(false, 0, None, mark, true)?;
                self.scalar(key, style, 0, None, mark)?;
                self.scalar(Cow::Borrowed(""), style, 0, None, mark)?;
                return self.close();
            }
        }
        let c = if text.starts_with('?') { '?' } else { ':' };
        Err(self
            .error(
                ErrorKind::Yaml,
                format!(
                    "YAML syntax error: while parsing a flow node, expected the node content, but found '{c}'"
                ),
                mark,
            )
            .with_hint(format!(
                "inside [...] or {{...}} a value cannot start with '{c}': quote it ('{text}')"
            )))
    }

    fn expecting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                kind: FrameKind::Map(MapFrame { key: None, .. }),
                ..
            })
        )
    }

    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        mark: Marker,
    ) -> Result<(), Error> {
        let text = match self.bom_stand_in {
            Some(c) if text.contains(c) => Cow::Owned(text.replace(c, "\u{feff}")),
            _ => text,
        };
        let in_flow = self.stack.last().is_some_and(|f| f.flow);
        if style == ScalarStyle::Plain && in_flow && text.starts_with(['?', ':']) {
            return self.flow_indicator(&text, style, anchor, tag, mark);
        }
        let scalar =
            classify(text, style, tag).map_err(|m| self.error(ErrorKind::Yaml, m, mark))?;
        let as_key = self.expecting_key();
        let value = match scalar {
            Scalar::Value(v) => v,
            Scalar::Merge if as_key => return self.set_key(PendingKey::Merge(self.origin(mark))),
            Scalar::Equals if as_key => Value::Str("=".into()),
            Scalar::Merge | Scalar::Equals => {
                let (tag, text) = if matches!(scalar, Scalar::Merge) {
                    ("merge", "<<")
                } else {
                    ("value", "=")
                };
                return Err(self
                    .error(
                        ErrorKind::Yaml,
                        format!("could not determine a constructor for the tag 'tag:yaml.org,2002:{tag}' (the plain scalar '{text}')"),
                        mark,
                    )
                    .with_hint(format!("quote it to make it a string: '{text}'")));
            }
        };
        if as_key && anchor == 0 {
            // The common key: no node to build, only its text to charge
            // (its entry is charged with its value).
            let key = key_of(value).map_err(|e| e.with_origin(self.origin(mark)))?;
            self.charge_tree(key.as_str().map_or(0, str::len), mark)?;
            return self.set_key(PendingKey::Key(key, mark));
        }
        self.charge_tree(NODE_BYTES + text_bytes(&value), mark)?;
        let node = Node::with_origin(value, self.origin(mark));
        if anchor != 0 {
            self.store_anchor(anchor, &node, mark)?;
        }
        self.push(node)
    }

    fn open(
        &mut self,
        list: bool,
        anchor: usize,
        tag: Option<&Tag>,
        mark: Marker,
        flow_start: bool,
    ) -> Result<(), Error> {
        if self.expecting_key() {
            return Err(self
                .error(
                    ErrorKind::KeyType,
                    "found unhashable key: a mapping key cannot be a mapping or a list",
                    mark,
                )
                .with_hint("mapping keys must be strings, ints, floats or bools"));
        }
        if let Some(tag) = tag {
            let expected = if list { "seq" } else { "map" };
            let ok = core_suffix(tag) == Some(expected) || is_non_specific(tag);
            if !ok {
                return Err(self.error(
                    ErrorKind::Yaml,
                    unsupported_tag(tag, if list { "list" } else { "mapping" }),
                    mark,
                ));
            }
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.depth_error(mark));
        }
        self.charge_tree(NODE_BYTES, mark)?;
        let kind = if list {
            FrameKind::List(self.items.len())
        } else {
            FrameKind::Map(MapFrame {
                start: self.pairs.len(),
                key: None,
                merges: Vec::new(),
            })
        };
        if anchor != 0 {
            self.anchored_open += 1;
        }
        // A mapping or list inside a flow collection is in flow context
        // too (`[a: 1]` opens an implicit mapping at its key).
        let flow = flow_start || self.stack.last().is_some_and(|f| f.flow);
        self.stack.push(Frame {
            kind,
            origin: self.origin(mark),
            anchor,
            flow,
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), Error> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let value = match frame.kind {
            FrameKind::List(start) => Value::List(self.items.drain(start..).collect()),
            FrameKind::Map(m) => {
                let explicit = build_map(self.pairs.drain(m.start..), &self.path)?;
                if m.merges.is_empty() {
                    Value::Map(explicit)
                } else {
                    Value::Map(flatten(m.merges, explicit))
                }
            }
        };
        let node = Node::with_origin(value, frame.origin);
        if frame.anchor != 0 {
            self.anchored_open -= 1;
            let mark = origin_mark(&node.origin);
            self.store_anchor(frame.anchor, &node, mark)?;
        }
        self.push(node)
    }

    fn alias(&mut self, id: usize, mark: Marker) -> Result<(), Error> {
        let Some(Some(anchored)) = self.anchors.get(id) else {
            return Err(self
                .error(
                    ErrorKind::Yaml,
                    "found a recursive alias: it refers to a node that contains it",
                    mark,
                )
                .with_hint("an alias can only refer to a node that is complete before it"));
        };
        let cost = anchored.cost;
        if self.stack.len() + cost.height > self.limits.max_depth {
            return Err(self.depth_error(mark));
        }
        self.budget
            .charge(cost, self.limits)
            .map_err(|e| self.budget_error(e, mark))?;
        let mut node = anchored.node.clone();
        if self.expecting_key() {
            // The key's position is the alias's.
            node.origin = self.origin(mark);
        }
        self.push(node)
    }

    fn store_anchor(&mut self, id: usize, node: &Node, mark: Marker) -> Result<(), Error> {
        let cost = measure(node);
        // Outermost anchors copy disjoint parts of the document; an anchor
        // inside another one is copied again with it, so it is charged. The
        // copy kept here takes memory either way.
        let charged = if self.anchored_open > 0 {
            self.budget.charge(cost, self.limits)
        } else {
            self.budget.charge_tree(cost.tree_bytes(), self.limits)
        };
        charged.map_err(|e| self.budget_error(e, mark))?;
        if self.anchors.len() <= id {
            self.anchors.resize_with(id + 1, || None);
        }
        self.anchors[id] = Some(Anchored {
            node: node.clone(),
            cost,
        });
        Ok(())
    }

    fn set_key(&mut self, key: PendingKey) -> Result<(), Error> {
        if let Some(Frame {
            kind: FrameKind::Map(m),
            ..
        }) = self.stack.last_mut()
        {
            m.key = Some(key);
        }
        Ok(())
    }

    /// Adds a finished node to its parent (or makes it the root).
    fn push(&mut self, node: Node) -> Result<(), Error> {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match &mut frame.kind {
            FrameKind::List(_) => {
                self.items.push(node);
                Ok(())
            }
            FrameKind::Map(m) => match m.key.take() {
                None => {
                    let mark = origin_mark(&node.origin);
                    let key = key_of(node.value).map_err(|e| e.with_origin(node.origin))?;
                    m.key = Some(PendingKey::Key(key, mark));
                    Ok(())
                }
                Some(PendingKey::Key(key, mark)) => {
                    self.pairs.push((key, node, KeyPos::from(mark)));
                    Ok(())
                }
                Some(PendingKey::Merge(origin)) => add_merge(m, node, origin),
            },
        }
    }

    fn depth_error(&self, mark: Marker) -> Error {
        depth_error(self.limits, self.origin(mark))
    }

    /// Charges `bytes` of tree built at `mark` (see `Limits::max_tree_bytes`).
    fn charge_tree(&mut self, bytes: usize, mark: Marker) -> Result<(), Error> {
        self.budget
            .charge_tree(bytes, self.limits)
            .map_err(|e| self.budget_error(e, mark))
    }

    fn budget_error(&self, e: Exceeded, mark: Marker) -> Error {
        let (what, field, limit) = match e {
            Exceeded::Nodes => ("nodes", "max_alias_nodes", self.limits.max_alias_nodes),
            Exceeded::Bytes => (
                "string bytes",
                "max_alias_bytes",
                self.limits.max_alias_bytes,
            ),
            Exceeded::Tree => return self.tree_error(mark),
        };
        self.error(
            ErrorKind::Limit,
            format!("alias expansion creates more than {limit} {what} (Limits::{field})"),
            mark,
        )
        .with_hint(format!(
            "every alias (*name) and `<<` merge copies its anchor's content; raise `Limits::{field}`: {RAISE}"
        ))
    }

    fn tree_error(&self, mark: Marker) -> Error {
        tree_error(self.limits, self.origin(mark))
    }
}

/// A container opened at `origin` would nest deeper than `Limits::max_depth`.
pub(super) fn depth_error(limits: &Limits, origin: Origin) -> Error {
    Error::new(
        ErrorKind::Limit,
        format!(
            "YAML nesting is deeper than {} levels (Limits::max_depth)",
            limits.max_depth
        ),
    )
    .with_origin(origin)
    .with_hint(format!("raise `Limits::max_depth`: {RAISE}"))
}

/// The value at `origin` would take the tree past `Limits::max_tree_bytes`.
pub(super) fn tree_error(limits: &Limits, origin: Origin) -> Error {
    let limit = limits.max_tree_bytes;
    Error::new(
        ErrorKind::Limit,
        format!(
            "the loaded tree would take more than {} of memory (Limits::max_tree_bytes): \
             every value takes about {NODE_BYTES} bytes in memory, whatever its length in the file",
            in_mib(limit)
        ),
    )
    .with_origin(origin)
    .with_hint(format!(
        "split the data out of the config (a large list of numbers belongs in a data file), or raise `Limits::max_tree_bytes`: {RAISE}"
    ))
}

/// `bytes` for a message: `128 MiB`, or `1000 bytes` below a MiB.
fn in_mib(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// The position of a file origin as a saphyr marker (for errors about a node
/// already built).
fn origin_mark(origin: &Origin) -> Marker {
    match origin {
        Origin::File { line, col, .. } => {
            Marker::new(0, *line as usize, (*col as usize).saturating_sub(1))
        }
        _ => Marker::new(0, 1, 0),
    }
}

/// Types a scalar event: plain scalars by YAML 1.1 rules, quoted and block
/// scalars as strings, explicit tags by their constructor.
fn classify(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Result<Scalar, String> {
    let plain = match tag {
        None => style == ScalarStyle::Plain,
        // The non-specific tag `!`: PyYAML resolves it like a plain scalar.
        Some(t) if is_non_specific(t) => true,
        Some(t) => {
            return match core_suffix(t) {
                Some("merge") => Ok(Scalar::Merge),
                Some(suffix) => scalar::tagged(suffix, &text).map(Scalar::Value),
                None => Err(unsupported_tag(t, "scalar")),
            };
        }
    };
    if !plain {
        return Ok(Scalar::Value(owned_string_value(text)));
    }
    Ok(Scalar::Value(match scalar::resolve_plain(&text) {
        Plain::Null => Value::Null,
        Plain::Bool(b) => Value::Bool(b),
        Plain::Int(i) => Value::Int(i),
        Plain::Float(f) => Value::Float(f),
        // Beyond i64: decimal digits, up to Python's limit (`MAX_INT_DIGITS`).
        Plain::BigInt => Value::BigInt(scalar::big_int(&text)?.into()),
        Plain::Str => owned_string_value(text),
        Plain::BadFloat => return Err(format!("could not convert string to float: '{text}'")),
        Plain::Merge => return Ok(Scalar::Merge),
        Plain::ValueTag => return Ok(Scalar::Equals),
    }))
}

/// The bytes a scalar value holds outside its node (see
/// `Limits::max_tree_bytes`).
fn text_bytes(value: &Value) -> usize {
    match value {
        Value::Str(s) | Value::Interp(s) => s.len(),
        Value::BigInt(d) => d.len(),
        _ => 0,
    }
}

/// [`scalar::string_value`] without copying a string saphyr already owns.
fn owned_string_value(text: Cow<'_, str>) -> Value {
    if text == "???" {
        Value::Missing
    } else {
        Value::string(text.into_owned())
    }
}

/// The name of a core-schema tag (`str` for `!!str`), written as a
/// shorthand or verbatim (`!<tag:yaml.org,2002:str>`, which saphyr hands
/// over with an empty handle), as PyYAML reads both.
fn core_suffix(tag: &Tag) -> Option<&str> {
    if tag.handle == CORE {
        return Some(&tag.suffix);
    }
    tag.handle
        .is_empty()
        .then(|| tag.suffix.strip_prefix(CORE))
        .flatten()
}

/// The non-specific tag `!`.
fn is_non_specific(tag: &Tag) -> bool {
    tag.handle.is_empty() && tag.suffix == "!"
}

fn unsupported_tag(tag: &Tag, on: &str) -> String {
    let name = match core_suffix(tag) {
        Some(suffix) => format!("!!{suffix}"),
        None => tag.to_string(),
    };
    format!(
        "could not determine a constructor for the tag '{name}' on a {on}: OmegaConf's loader (PyYAML SafeLoader) \
         accepts only !!str, !!int, !!float, !!bool, !!null (scalars), !!seq and !!map"
    )
}

/// A scalar value as a mapping key; a null or a container, which cannot
/// be one, comes back as the error (see [`key_of`]). Cheap to call: the
/// fast path converts every key with it.
#[inline]
pub(super) fn as_key(value: Value) -> Result<Key, Value> {
    Ok(match value {
        Value::Str(s) | Value::Interp(s) => Key::from(s),
        Value::Missing => Key::Str("???".into()),
        Value::Int(i) => Key::Int(i),
        Value::BigInt(digits) => Key::Str(digits.into()),
        Value::Float(f) => Key::Float(f),
        Value::Bool(b) => Key::Bool(b),
        other @ (Value::Null | Value::Map(_) | Value::List(_)) => return Err(other),
    })
}

/// A scalar value as a mapping key (the error gets its origin from the
/// caller).
pub(super) fn key_of(value: Value) -> Result<Key, Error> {
    let key = match as_key(value) {
        Ok(key) => key,
        Err(Value::Null) => {
            return Err(Error::new(ErrorKind::KeyType, "Incompatible key type 'NoneType': this mapping key is null")
                .with_hint("`~`, `null` and an empty key read as null; quote the key to make it a string, e.g. 'null':"))
        }
        Err(_) => {
            return Err(Error::new(
                ErrorKind::KeyType,
                "found unhashable key: a mapping key cannot be a mapping or a list",
            )
            .with_hint("mapping keys must be strings, ints, floats or bools"))
        }
    };
    Ok(key)
}

/// Where a key starts (1-based line, 0-based column: saphyr's marker
/// without its byte index), kept with each pair until its mapping closes
/// for a duplicate-key error: half the size of a [`Marker`].
#[derive(Clone, Copy, Debug)]
pub(super) struct KeyPos {
    pub line: u32,
    pub col: u32,
}

impl From<Marker> for KeyPos {
    fn from(m: Marker) -> KeyPos {
        KeyPos {
            line: u32::try_from(m.line()).unwrap_or(u32::MAX),
            col: u32::try_from(m.col()).unwrap_or(u32::MAX),
        }
    }
}

/// The explicit pairs of a mapping, in order (see [`insert_explicit`]).
pub(super) fn build_map(
    pairs: impl ExactSizeIterator<Item = (Key, Node, KeyPos)>,
    path: &Name,
) -> Result<Map, Error> {
    let mut map = Map::with_capacity(pairs.len());
    for (key, value, mark) in pairs {
        insert_explicit(&mut map, key, value, mark, path)?;
    }
    Ok(map)
}

/// Inserts an explicit pair. A string key given twice is an error
/// (OmegaConf's check); other keys overwrite, as in a Python dict.
fn insert_explicit(
    map: &mut Map,
    key: Key,
    value: Node,
    at: KeyPos,
    path: &Name,
) -> Result<(), Error> {
    if !matches!(key, Key::Str(_)) {
        py_insert(map, key, value);
        return Ok(());
    }
    match map.entry(key) {
        Entry::Vacant(e) => {
            e.insert(value);
            Ok(())
        }
        Entry::Occupied(e) => {
            let first = e.get().origin.clone();
            Err(Error::new(ErrorKind::DuplicateKey, format!("found duplicate key '{}'", e.key()))
                .with_origin(Origin::File {
                    path: path.clone(),
                    line: at.line,
                    col: at.col.saturating_add(1),
                })
                .with_hint(format!(
                    "the first '{}' has its value at {first}; a mapping holds each key once (use a `<<` merge key to override inherited values)",
                    e.key()
                )))
        }
    }
}

/// Python dict assignment: an existing equal key keeps its place and gets
/// the new value. Python's `1 == 1.0 == True`, so those are one key.
fn py_insert(map: &mut Map, key: Key, value: Node) {
    let slot = map
        .get_index_of(&key)
        .or_else(|| py_twins(&key).iter().find_map(|k| map.get_index_of(k)));
    match slot {
        Some(i) => map[i] = value,
        None => {
            map.insert(key, value);
        }
    }
}

/// The keys of other types that Python considers equal to `key`.
fn py_twins(key: &Key) -> Vec<Key> {
    let as_int = match key {
        Key::Str(_) => return Vec::new(),
        Key::Int(i) => Some(*i),
        Key::Bool(b) => Some(i64::from(*b)),
        Key::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
        Key::Float(_) => None,
    };
    let Some(i) = as_int else { return Vec::new() };
    let mut twins = vec![Key::Int(i), Key::Float(i as f64)];
    if i == 0 || i == 1 {
        twins.push(Key::Bool(i == 1));
    }
    twins.retain(|k| k != key);
    twins
}

/// Records the value of a `<<` key: a mapping, or a list of mappings that
/// PyYAML applies last-to-first (so the first one listed wins).
fn add_merge(m: &mut MapFrame, node: Node, key_origin: Origin) -> Result<(), Error> {
    match node.value {
        Value::Map(map) => {
            m.merges.push(map);
            Ok(())
        }
        Value::List(items) => {
            let start = m.merges.len();
            for item in items {
                match item.value {
                    Value::Map(map) => m.merges.push(map),
                    other => return Err(Error::new(
                        ErrorKind::Yaml,
                        format!(
                            "expected a mapping for merging, but found a value of type {}",
                            other.type_name()
                        ),
                    )
                    .with_origin(item.origin)
                    .with_hint(
                        "every item of a `<<` list must be a mapping, usually an alias like *base",
                    )),
                }
            }
            m.merges[start..].reverse();
            Ok(())
        }
        other => Err(Error::new(
            ErrorKind::Yaml,
            format!(
                "expected a mapping or list of mappings for merging, but found a value of type {}",
                other.type_name()
            ),
        )
        .with_origin(if node.origin.is_unknown() {
            key_origin
        } else {
            node.origin
        })
        .with_hint("write `<<: *anchor` or `<<: [*a, *b]` with anchors on mappings")),
    }
}

/// PyYAML's `flatten_mapping` then dict construction: the merged pairs, then
/// the explicit ones; each key keeps its first position and last value.
fn flatten(merges: Vec<Map>, explicit: Map) -> Map {
    let mut out =
        Map::with_capacity(explicit.len() + merges.iter().map(|m| m.len()).sum::<usize>());
    for (k, v) in merges.into_iter().flatten().chain(explicit) {
        py_insert(&mut out, k, v);
    }
    out
}

/// Nodes, string bytes and height of a subtree (recursion is bounded by the
/// depth limit, which every tree the loader builds respects).
fn measure(node: &Node) -> Cost {
    match &node.value {
        Value::Str(s) | Value::Interp(s) => Cost {
            nodes: 1,
            bytes: s.len(),
            height: 0,
        },
        Value::List(items) => items.iter().fold(
            Cost {
                nodes: 1,
                bytes: 0,
                height: 1,
            },
            |acc, n| {
                let c = measure(n);
                Cost {
                    nodes: acc.nodes + c.nodes,
                    bytes: acc.bytes + c.bytes,
                    height: acc.height.max(c.height + 1),
                }
            },
        ),
        Value::Map(map) => map.iter().fold(
            Cost {
                nodes: 1,
                bytes: 0,
                height: 1,
            },
            |acc, (k, n)| {
                let c = measure(n);
                let kb = k.as_str().map_or(0, str::len);
                Cost {
                    nodes: acc.nodes + c.nodes,
                    bytes: acc.bytes + c.bytes + kb,
                    height: acc.height.max(c.height + 1),
                }
            },
        ),
        _ => Cost {
            nodes: 1,
            bytes: 0,
            height: 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_ok(text: &str) -> Node {
        load(text, "t.yaml", &Limits::default()).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    fn load_err(text: &str) -> Error {
        match load(text, "t.yaml", &Limits::default()) {
            Ok(n) => panic!("{text:?} loaded: {n:?}"),
            Err(e) => e,
        }
    }

    fn keys(node: &Node) -> Vec<String> {
        node.as_map()
            .unwrap()
            .keys()
            .map(|k| format!("{k:?}"))
            .collect()
    }

    fn at(text: &str, path: &str) -> Value {
        load_ok(text).select(path).unwrap().unwrap().value.clone()
    }

    #[test]
    fn origins_are_one_based_and_share_the_path() {
        let n = load_ok("a:\n  b: [1, x]\nc: 'q'\n");
        let b = n.select("a.b").unwrap().unwrap();
        assert_eq!(b.origin, Origin::file("t.yaml", 2, 6));
        assert_eq!(
            n.select("a.b[1]").unwrap().unwrap().origin,
            Origin::file("t.yaml", 2, 10)
        );
        assert_eq!(n.get("c").unwrap().origin, Origin::file("t.yaml", 3, 4));
        let (Origin::File { path: p1, .. }, Origin::File { path: p2, .. }) =
            (&b.origin, &n.get("c").unwrap().origin)
        else {
            panic!()
        };
        assert_eq!(p1, p2);
    }

    #[test]
    fn columns_count_characters() {
        let n = load_ok("ключ: 1\nk: {é: ü}\n");
        assert_eq!(n.get("ключ").unwrap().origin, Origin::file("t.yaml", 1, 7));
        assert_eq!(
            n.select("k.é").unwrap().unwrap().origin,
            Origin::file("t.yaml", 2, 8)
        );
    }

    #[test]
    fn quoted_and_block_scalars_are_strings() {
        assert_eq!(at("a: 'yes'", "a"), Value::Str("yes".into()));
        assert_eq!(at("a: \"1\"", "a"), Value::Str("1".into()));
        assert_eq!(at("a: |\n  10\n", "a"), Value::Str("10\n".into()));
        assert_eq!(at("a: ~", "a"), Value::Null);
        assert_eq!(at("a:", "a"), Value::Null);
        assert_eq!(at("a: ???", "a"), Value::Missing);
        assert_eq!(at("a: '???'", "a"), Value::Missing);
        assert_eq!(at("a: ${b}", "a"), Value::Interp("${b}".into()));
        assert_eq!(at("a: 2023-07-04", "a"), Value::Str("2023-07-04".into()));
        assert_eq!(
            at("a: 12345678901234567890", "a"),
            Value::BigInt("12345678901234567890".into())
        );
    }

    #[test]
    fn explicit_tags() {
        let n = load_ok("a: !!str 3.14\nb: !!int \"12\"\nc: !!float \"2\"\nd: !!null \"\"\ne: !!bool \"off\"\nf: ! 12\ng: !!seq [1]\nh: !!map {x: 1}\n");
        assert_eq!(n.get("a").unwrap().value, Value::Str("3.14".into()));
        assert_eq!(n.get("b").unwrap().value, Value::Int(12));
        assert_eq!(n.get("c").unwrap().value, Value::Float(2.0));
        assert_eq!(n.get("d").unwrap().value, Value::Null);
        assert_eq!(n.get("e").unwrap().value, Value::Bool(false));
        assert_eq!(n.get("f").unwrap().value, Value::Int(12));
        for bad in [
            "a: !!timestamp 2020-01-01",
            "a: !custom x",
            "a: !!binary AAAA",
            "a: !!set {x}",
            "a: !!str [1]",
            "a: !!int x",
        ] {
            let e = load_err(bad);
            assert_eq!(e.kind(), ErrorKind::Yaml, "{bad}");
            assert!(e.origin().is_some(), "{bad}");
        }
    }

    #[test]
    fn plain_merge_and_value_scalars_cannot_be_values() {
        assert!(load_err("a: <<")
            .message()
            .contains("tag:yaml.org,2002:merge"));
        assert!(load_err("a: =")
            .message()
            .contains("tag:yaml.org,2002:value"));
        assert_eq!(keys(&load_ok("=: 1")), vec!["Str(\"=\")"]);
        assert_eq!(at("a: '<<'", "a"), Value::Str("<<".into()));
    }

    #[test]
    fn keys_keep_their_types() {
        let n = load_ok("1: a\n2.5: b\nfalse: c\nx: d\n'1': e\n");
        assert_eq!(
            keys(&n),
            vec![
                "Int(1)",
                "Float(2.5)",
                "Bool(false)",
                "Str(\"x\")",
                "Str(\"1\")"
            ]
        );
        let e = load_err("~: nothing\nok: 1\n");
        assert_eq!(e.kind(), ErrorKind::KeyType);
        assert!(e.message().contains("Incompatible key type 'NoneType'"));
        assert_eq!(e.origin(), Some(&Origin::file("t.yaml", 1, 1)));
        assert_eq!(load_err("? [a]\n: 1\n").kind(), ErrorKind::KeyType);
        assert_eq!(load_err("{a: 1}: 1").kind(), ErrorKind::KeyType);
        assert_eq!(load_err("x: &l [1]\n*l : 2\n").kind(), ErrorKind::KeyType);
        assert_eq!(
            keys(&load_ok("x: &k kk\n*k : 2\n")),
            vec!["Str(\"x\")", "Str(\"kk\")"]
        );
    }

    #[test]
    fn duplicate_string_keys_are_errors() {
        let e = load_err("outer:\n  k: 1\n  k: 2\n");
        assert_eq!(e.kind(), ErrorKind::DuplicateKey);
        assert_eq!(e.message(), "found duplicate key 'k'");
        assert_eq!(e.origin(), Some(&Origin::file("t.yaml", 3, 3)));
        assert_eq!(load_err("{a: 1, 'a': 2}").kind(), ErrorKind::DuplicateKey);
        // Non-string keys behave as a Python dict: first place, last value.
        let n = load_ok("1: a\nb: x\n0x1: c\ntrue: d\n");
        assert_eq!(keys(&n), vec!["Int(1)", "Str(\"b\")"]);
        assert_eq!(n.as_map().unwrap()[0].value, Value::Str("d".into()));
    }

    #[test]
    fn merge_keys_follow_pyyaml_order() {
        let text = "base: &base {color: red, size: 1}\nextra: &extra {size: 2, shape: round}\n\
                    one: {<<: *base, size: 10}\ntwo: {<<: [*base, *extra]}\n\
                    three:\n  <<: [*extra, *base]\n  color: blue\nfour:\n  size: 0\n  <<: *base\n";
        let n = load_ok(text);
        let show = |p: &str| to_pairs(n.select(p).unwrap().unwrap());
        assert_eq!(show("one"), "color=red size=10");
        assert_eq!(show("two"), "size=1 shape=round color=red");
        assert_eq!(show("three"), "color=blue size=2 shape=round");
        assert_eq!(show("four"), "color=red size=0");
        // Merged keys may be overridden, explicit ones may not repeat.
        assert_eq!(
            to_pairs(
                &load_ok("b: &b {k: 1}\nn:\n  <<: *b\n  k: 2\n")
                    .get("n")
                    .unwrap()
                    .clone()
            ),
            "k=2"
        );
        assert_eq!(
            load_err("b: &b {k: 1}\nn:\n  <<: *b\n  k: 2\n  k: 3\n").kind(),
            ErrorKind::DuplicateKey
        );
        // Inline mappings, several << keys, nested merges.
        let n = load_ok(
            "a: {<<: {x: 1, y: 1}, <<: {y: 2}}\nb: &b {<<: {p: 0}, q: 1}\nc: {<<: *b, p: 5}\n",
        );
        assert_eq!(to_pairs(n.get("a").unwrap()), "x=1 y=2");
        assert_eq!(to_pairs(n.get("c").unwrap()), "p=5 q=1");
        assert!(load_err("a: {<<: 1}")
            .message()
            .contains("expected a mapping or list of mappings"));
        assert!(load_err("a: &x 1\nb: {<<: [*x]}")
            .message()
            .contains("expected a mapping for merging"));
    }

    fn to_pairs(n: &Node) -> String {
        n.as_map()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={}", to_scalar(&v.value)))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn to_scalar(v: &Value) -> String {
        match v {
            Value::Str(s) => s.to_string(),
            Value::Int(i) => i.to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn aliases_copy_with_their_origins() {
        let n = load_ok("a: &v 99\nb: *v\nl: &l [x, y]\nm: *l\n");
        assert_eq!(n.get("b").unwrap().value, Value::Int(99));
        assert_eq!(n.get("b").unwrap().origin, Origin::file("t.yaml", 1, 4));
        assert_eq!(n.get("m").unwrap(), n.get("l").unwrap());
        assert_eq!(load_err("a: &a [1, *a]").kind(), ErrorKind::Yaml);
        assert_eq!(load_err("a: *nope").kind(), ErrorKind::Yaml);
    }

    /// PyYAML's flow context: `?` and `:` are indicators wherever a value
    /// starts (each checked against PyYAML through omegaconf 2.3.1).
    #[test]
    fn question_mark_and_colon_in_flow_context() {
        for (text, want) in [
            ("a: [?x]", "a: [{x: null}]"),
            ("a: [?1, ?x y]", "a: [{1: null}, {x y: null}]"),
            ("a: {?x: 1, ?y}", "a: {x: 1, y: null}"),
            ("a: [?x: 1]", "a: [{x: 1}]"),
            ("a: [{b: [?c]}]", "a: [{b: [{c: null}]}]"),
            ("a: ?x\nb: [a:b]", "a: '?x'\nb: ['a:b']"),
            ("a:\n- ???\n- ?x", "a: ['???', '?x']"),
        ] {
            assert_eq!(load_ok(text), load_ok(want), "{text}");
        }
        for text in [
            "a: [???]",
            "b: {c: ???}",
            "a: [:x]",
            "a: {b: ?x}",
            "a: [x, ??]",
        ] {
            let e = load_err(text);
            assert_eq!(e.kind(), ErrorKind::Yaml, "{text}");
            assert!(
                e.message().contains("expected the node content"),
                "{text}: {e}"
            );
        }
    }

    #[test]
    fn top_level_forms() {
        assert_eq!(load_ok("# nothing\n").value, Value::Map(Map::new()));
        assert_eq!(load_ok("").value, Value::Map(Map::new()));
        assert_eq!(load_ok("---\n").value, Value::Map(Map::new()));
        assert_eq!(load_ok("null").value, Value::Map(Map::new()));
        assert_eq!(
            keys(&load_ok("just a string\n")),
            vec!["Str(\"just a string\")"]
        );
        assert_eq!(keys(&load_ok("'a: 1'\n")), vec!["Str(\"a\")"]);
        assert!(matches!(load_ok("- a\n- b\n").value, Value::List(_)));
        assert_eq!(load_err("5\n").kind(), ErrorKind::Yaml);
        assert_eq!(load_err("'5'\n").kind(), ErrorKind::Yaml);
        let e = load_err("a: 1\n---\nb: 2\n");
        assert!(e.message().contains("single document"), "{e}");
        assert_eq!(e.origin(), Some(&Origin::file("t.yaml", 2, 1)));
    }

    /// PyYAML reads U+FEFF after the start as an ordinary character; saphyr
    /// refuses it (fuzz finding Y1: the fast path and saphyr disagreed).
    #[test]
    fn byte_order_mark_inside_a_document_is_a_character() {
        let n = load_ok("#\u{feff}\nd: \"x\"\n");
        assert_eq!(at_str(&n, "d"), "x");
        let n = load_ok("a: x\u{feff}y\nb: 'q'\n");
        assert_eq!(at_str(&n, "a"), "x\u{feff}y");
        let n = load_ok("\u{feff}a: '\u{feff}'\n\u{feff}b: 1 # \u{feff}\n");
        assert_eq!(at_str(&n, "a"), "\u{feff}");
        assert_eq!(keys(&n).len(), 2);
        let b = &n.select("\u{feff}b").unwrap().unwrap().value;
        assert!(matches!(b, Value::Int(1)), "{b:?}");
        // Positions are those of the original text.
        let e = load_err("a: '\u{feff}'\nb: [\n");
        let Some(Origin::File { line, .. }) = e.origin() else {
            panic!("{e:?}")
        };
        assert_eq!(*line, 3, "{e:?}");
    }

    /// The re-indenting retry must not turn an invalid document into a
    /// different valid one (fuzz finding: the scan took the `[` of a
    /// continuation line for a flow collection, and the shifted lines
    /// became one multi-line plain scalar). PyYAML refuses both.
    #[test]
    fn re_indenting_keeps_the_meaning_or_the_error() {
        for text in [
            "- 1\n- -0. 1\n- -8.0\th- [ere \u{e9}\n[\"\n2",
            "- 1\n- -0. 1\n- -8.0\th- [ere \u{e9}\n[\"\n2\n- 'q'\n",
        ] {
            let e = load_err(text);
            assert!(e.message().contains("YAML syntax error"), "{text:?}: {e}");
        }
        let n = load_ok("keys: [\n  'a',\n  'b'\n]\n");
        assert_eq!(n.to_yaml(), "keys:\n- a\n- b\n");
        // A quote on a continuation line of a plain scalar inside a flow
        // list is part of the scalar (fuzz finding: the scan opened a quote
        // there and shifted the lines after the list, `zz` among them).
        // A quote inside a plain scalar opens nothing, in a flow list or a
        // block value (`c:<<<:- '`, `x - 'y`).
        for (text, key, want) in [
            (
                "b:\n  c: [2.5,\n  c:<<<:- ']\nzz: 'q'\n",
                "b.c",
                "- 2.5\n- c:<<<:- '\n",
            ),
            ("a: x - 'y\nb: [1,\n2]\nc: 'q'\n", "b", "- 1\n- 2\n"),
        ] {
            let n = load_ok(text);
            assert_eq!(n.select(key).unwrap().unwrap().to_yaml(), want, "{text:?}");
        }
        for tail in ["", "zz: 'q'\n"] {
            let text = format!("b:\n  c: [1 x\n- -6\n'p, d,\n0b,e: ~\n]\n{tail}");
            let n = load_ok(&text);
            let c = n.select("b.c").unwrap().unwrap().to_yaml();
            assert_eq!(c, "- 1 x - -6 'p\n- d\n- 0b\n- e: null\n", "{text:?}");
        }
    }

    fn at_str(node: &Node, path: &str) -> String {
        match &node.select(path).unwrap().unwrap().value {
            Value::Str(s) => s.to_string(),
            v => panic!("{path}: {v:?}"),
        }
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = load_err("a: 1\nb: [1, 2\n");
        assert_eq!(e.kind(), ErrorKind::Yaml);
        assert!(e.message().starts_with("YAML syntax error"), "{e}");
        assert!(matches!(e.origin(), Some(&Origin::File { .. })));
        let e = load_err("a:\n  b: 1\n c: 2\n");
        assert_eq!(e.kind(), ErrorKind::Yaml);
    }

    fn limited(text: &str, limits: Limits) -> Error {
        load(text, "t.yaml", &limits).expect_err("limit should trip")
    }

    #[test]
    fn depth_limit_block_flow_and_alias() {
        let limits = Limits {
            max_depth: 10,
            ..Limits::default()
        };
        let ok = "[".repeat(10) + &"]".repeat(10);
        assert!(load(&ok, "t", &limits).is_ok());
        let e = limited(&("[".repeat(11) + &"]".repeat(11)), limits);
        assert_eq!(e.kind(), ErrorKind::Limit);
        assert!(e.message().contains("Limits::max_depth"), "{e}");
        assert_eq!(e.origin(), Some(&Origin::file("t.yaml", 1, 11)));
        let block: String = (0..11).map(|i| format!("{}k:\n", "  ".repeat(i))).collect();
        assert_eq!(limited(&block, limits).kind(), ErrorKind::Limit);
        let compact = "- ".repeat(11) + "x";
        assert_eq!(limited(&compact, limits).kind(), ErrorKind::Limit);
        // An alias adds the depth of what it copies.
        let aliased = format!("a: &a {}{}\nb: [[[[*a]]]]\n", "[".repeat(6), "]".repeat(6));
        assert_eq!(limited(&aliased, limits).kind(), ErrorKind::Limit);
    }

    #[test]
    fn hostile_nesting_fails_cleanly() {
        let e = load_err(&("- ".repeat(200_000) + "x"));
        assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
        let e = load_err(&"[".repeat(100_000));
        assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
        let e = load_err(&"{a: ".repeat(100_000));
        assert_eq!(e.kind(), ErrorKind::Limit);
    }

    #[test]
    fn alias_node_budget() {
        // Billion laughs: 9 levels of 9 aliases.
        let mut text = String::from("a0: &a0 [x]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let e = load_err(&text);
        assert_eq!(e.kind(), ErrorKind::Limit);
        assert!(e.message().contains("Limits::max_alias_nodes"), "{e}");
        assert!(matches!(e.origin(), Some(&Origin::File { .. })));
        let small = Limits {
            max_alias_nodes: 3,
            ..Limits::default()
        };
        assert!(load("a: &a [1]\nb: *a\n", "t", &small).is_ok());
        assert_eq!(
            limited("a: &a [1]\nb: *a\nc: *a\n", small).kind(),
            ErrorKind::Limit
        );
        // Merge keys copy too.
        assert_eq!(
            limited("a: &a {x: 1}\nb: {<<: *a}\nc: {<<: *a}\n", small).kind(),
            ErrorKind::Limit
        );
    }

    #[test]
    fn alias_byte_budget_stops_fat_aliases_fast() {
        let mut text = format!("big: &b {}\nrefs: [", "x".repeat(1 << 20));
        text.push_str(&vec!["*b"; 10_000].join(", "));
        text.push_str("]\n");
        let start = std::time::Instant::now();
        let e = load_err(&text);
        assert_eq!(e.kind(), ErrorKind::Limit);
        assert!(e.message().contains("Limits::max_alias_bytes"), "{e}");
        assert!(start.elapsed().as_secs() < 10);
        let small = Limits {
            max_alias_bytes: 10,
            ..Limits::default()
        };
        assert!(load("a: &a abcde\nb: *a\n", "t", &small).is_ok());
        assert_eq!(
            limited("a: &a abcde\nb: *a\nc: *a\nd: *a\n", small).kind(),
            ErrorKind::Limit
        );
    }

    #[test]
    fn nested_anchors_are_charged() {
        let small = Limits {
            max_alias_nodes: 5,
            ..Limits::default()
        };
        assert!(load("a: &a [1, 2, 3]\n", "t", &small).is_ok());
        let nested = "a: &a [&b [&c [&d [&e [&f [1]]]]]]\n";
        assert_eq!(limited(nested, small).kind(), ErrorKind::Limit);
    }

    #[test]
    fn size_limit() {
        let limits = Limits {
            max_size: 10,
            ..Limits::default()
        };
        assert!(load("a: 1", "t", &limits).is_ok());
        let e = limited("a: 12345678901", limits);
        assert_eq!(e.kind(), ErrorKind::Limit);
        assert!(e.message().contains("Limits::max_size"), "{e}");
        assert_eq!(e.origin(), Some(&Origin::file("t.yaml", 1, 1)));
    }
}

#[cfg(test)]
mod hardening {
    use super::*;
    use std::time::Instant;

    fn load_err(text: &str) -> Error {
        load(text, "t.yaml", &Limits::default()).expect_err("should fail")
    }

    fn load_ok(text: &str) -> Node {
        load(text, "t.yaml", &Limits::default()).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    /// 64 MiB of `[1,1,...]` used to build a 4 GB tree in 40 s; the tree
    /// budget stops it (the fast path and saphyr alike): 0.3 s for the
    /// `config` tool with the default 128 MiB. A debug build is many times
    /// slower, so the test scales both down: 16 MiB of text, 8 MiB of tree.
    #[test]
    fn a_huge_flow_list_hits_the_tree_budget_fast() {
        assert_eq!(Limits::default().max_tree_bytes, 128 << 20);
        let limits = Limits {
            max_tree_bytes: 8 << 20,
            ..Limits::default()
        };
        let mut text = String::with_capacity(16 << 20);
        text.push_str("a: [");
        text.push_str(&"1,".repeat(8 << 20));
        text.push_str("1]\n");
        let start = Instant::now();
        let e = load(&text, "t.yaml", &limits).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
        assert!(
            e.message()
                .contains("8 MiB of memory (Limits::max_tree_bytes)"),
            "{e}"
        );
        let col = (8 << 20) / NODE_BYTES * 2;
        assert!(
            matches!(e.origin(), Some(&Origin::File { line: 1, col: c, .. }) if (c as usize).abs_diff(col) < 10),
            "{e}"
        );
        // Through saphyr too (a quoted value sends the document there).
        text.replace_range(text.len() - 3.., "'x']\n");
        let e = load(&text, "t.yaml", &limits).unwrap_err();
        assert!(e.message().contains("Limits::max_tree_bytes"), "{e}");
        let ms = start.elapsed().as_millis();
        assert!(ms < 3000, "{ms} ms");
    }

    #[test]
    fn tree_budget_counts_nodes_strings_and_aliases() {
        let limits = |n: usize| Limits {
            max_tree_bytes: n,
            ..Limits::default()
        };
        let text = "a: [1, 2, 3]\n";
        // The root, `a`'s list and three items; the key's one byte.
        let need = 5 * NODE_BYTES + 1;
        assert!(load(text, "t", &limits(need)).is_ok());
        assert_eq!(
            load(text, "t", &limits(need - 1)).unwrap_err().kind(),
            ErrorKind::Limit
        );
        let long = format!("a: {}\n", "x".repeat(1000));
        assert!(load(&long, "t", &limits(2 * NODE_BYTES + 1000)).is_err());
        assert!(load(&long, "t", &limits(2 * NODE_BYTES + 1001)).is_ok());
        // An alias costs its copy; the anchor's kept copy costs too.
        let aliased = "a: &x [1, 2]\nb: *x\n";
        let tree = 1 + 3 + 3; // root, a's list and items, b's copy
        let budget = (tree + 3) * NODE_BYTES + 2;
        assert!(load(aliased, "t", &limits(budget)).is_ok());
        assert!(load(aliased, "t", &limits(budget - 1)).is_err());
    }

    #[test]
    fn unprintable_characters_are_refused_as_pyyaml_does() {
        for (text, line, col) in [
            ("a: x\u{1}y\n", 1, 5),
            ("a: 1\nb: 'x\u{1b}[31m'\n", 2, 6),
            ("a: \"\u{7f}\"\n", 1, 5),
            ("# \u{0}\na: 1\n", 1, 3),
            ("a: 1 # é\u{9b}\n", 1, 9),
            ("a: [x, \"\u{fffe}\"]\n", 1, 9),
        ] {
            let e = load_err(text);
            assert_eq!(e.kind(), ErrorKind::Yaml, "{text:?}");
            assert!(e.message().starts_with("unacceptable character #x"), "{e}");
            assert_eq!(
                e.origin(),
                Some(&Origin::file("t.yaml", line, col)),
                "{text:?}"
            );
        }
        // Escapes in double quotes are fine, as are tabs, CR and NEL.
        let n = load_ok("a: \"\\x1b[1m\"\nb: 'x\ty'\r\nc: 1 # \u{85}\n");
        assert_eq!(n.get("a").unwrap().value, Value::Str("\u{1b}[1m".into()));
        assert_eq!(n.get("b").unwrap().value, Value::Str("x\ty".into()));
    }

    #[test]
    fn verbatim_core_tags_work_as_shorthands() {
        let n = load_ok("a: !<tag:yaml.org,2002:str> 12\nb: !<tag:yaml.org,2002:int> '7'\nc: !<tag:yaml.org,2002:seq> [1]\n");
        assert_eq!(n.get("a").unwrap().value, Value::Str("12".into()));
        assert_eq!(n.get("b").unwrap().value, Value::Int(7));
        assert!(matches!(n.get("c").unwrap().value, Value::List(_)));
        assert_eq!(keys_of(&load_ok("!<tag:yaml.org,2002:str> a\n")), ["a"]);
        let e = load_err("a: !<tag:yaml.org,2002:timestamp> 2020-01-01\n");
        assert!(e.message().contains("'!!timestamp'"), "{e}");
        let e = load_err("a: !<tag:example.com,2000:x> 1\n");
        assert!(
            e.message().contains("could not determine a constructor"),
            "{e}"
        );
    }

    fn keys_of(n: &Node) -> Vec<String> {
        n.as_map().unwrap().keys().map(|k| k.to_string()).collect()
    }

    #[test]
    fn yaml_directives_need_major_version_one() {
        for v in ["9.9", "2.0", "0.9"] {
            let e = load_err(&format!("%YAML {v}\n---\na: 1\n"));
            assert!(e.message().contains("version 1.* is required"), "{e}");
            assert_eq!(e.origin(), Some(&Origin::file("t.yaml", 1, 1)));
        }
        for v in ["1.1", "1.2", "1.3"] {
            let n = load_ok(&format!("%YAML {v}\n---\na: 1\n"));
            assert_eq!(n.get("a").unwrap().value, Value::Int(1));
        }
    }

    /// PyYAML's answers (`yaml.safe_load`), through the fast path and
    /// through saphyr (a quoted value sends the document there).
    #[test]
    fn dashes_before_flow_indicators_load_as_pyyaml() {
        let cases: [(&str, &[&str]); 7] = [
            ("[1 -]", &["1 -"]),
            ("[1 -, z]", &["1 -", "z"]),
            ("[1 - 2]", &["1 - 2"]),
            ("[-]", &["-"]),
            ("[a, -, b -]", &["a", "-", "b -"]),
            ("[a -b]", &["a -b"]),
            ("[x,\n  y -\n  ]", &["x", "y -"]),
        ];
        for (flow, want) in cases {
            for text in [format!("a: {flow}\n"), format!("q: 'x'\na: {flow}\n")] {
                let n = load_ok(&text);
                let got: Vec<&str> = n
                    .get("a")
                    .unwrap()
                    .as_list()
                    .unwrap()
                    .iter()
                    .map(|i| i.as_str().unwrap())
                    .collect();
                assert_eq!(got, want, "{text:?}");
            }
        }
        let n = load_ok("a: {k: v -, j: -}\nb: 'x'\n");
        assert_eq!(
            n.select("a.k").unwrap().unwrap().value,
            Value::Str("v -".into())
        );
        assert_eq!(
            n.select("a.j").unwrap().unwrap().value,
            Value::Str("-".into())
        );
        // Positions are the original text's.
        let n = load_ok("q: 'x'\na: [-, 1 -, b]\n");
        let items = n.get("a").unwrap().as_list().unwrap();
        let cols: Vec<Origin> = items.iter().map(|i| i.origin.clone()).collect();
        assert_eq!(
            cols,
            [
                Origin::file("t.yaml", 2, 5),
                Origin::file("t.yaml", 2, 8),
                Origin::file("t.yaml", 2, 13)
            ]
        );
        let e = load_err("q: 'x'\na: [-, 1 -, b]\nc: [\n");
        assert_eq!(e.kind(), ErrorKind::Yaml);
        assert!(
            matches!(e.origin(), Some(&Origin::File { line: 3 | 4, .. })),
            "{e}"
        );
        // `[- 1]` is an error for PyYAML too.
        assert_eq!(load_err("a: [- 1]\n").kind(), ErrorKind::Yaml);
    }

    #[test]
    fn dash_retries_are_bounded() {
        let many = vec!["x -"; 40].join(", ");
        let text = format!("q: 'x'\na: [{many}]\n");
        let e = load_err(&text);
        assert!(e.message().contains("cannot start with '-'"), "{e}");
        let few = vec!["x -"; super::super::flow_dash::MAX_PATCHES].join(", ");
        assert!(load(&format!("q: 'x'\na: [{few}]\n"), "t", &Limits::default()).is_ok());
        // The fast path leaves these to saphyr, so it agrees.
        assert!(load(&format!("a: [{many}]\n"), "t", &Limits::default()).is_err());
    }

    /// A 200 KB int took 11-21 s to load.
    #[test]
    fn huge_ints_fail_fast_with_pythons_limit() {
        let start = Instant::now();
        let e = load_err(&format!("a: {}\n", "7".repeat(200_000)));
        assert!(
            e.message().contains("200000 digits") && e.message().contains("4300"),
            "{e}"
        );
        assert_eq!(e.origin(), Some(&Origin::file("t.yaml", 1, 4)));
        assert!(load_err(&format!("a: 0x{}\n", "f".repeat(200_000)))
            .message()
            .contains("4300"));
        assert!(load_err(&format!("a: !!int '{}'\n", "7".repeat(200_000)))
            .message()
            .contains("4300"));
        let ok = load_ok(&format!("a: {}\n", "7".repeat(4300)));
        assert!(matches!(&ok.get("a").unwrap().value, Value::BigInt(d) if d.len() == 4300));
        assert!(start.elapsed().as_millis() < 1000, "{:?}", start.elapsed());
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(crate::proptest_cases::cases(500))]

        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = load(&text, "t", &Limits::default());
        }

        #[test]
        fn never_panics_on_strings(text in any::<String>()) {
            let _ = load(&text, "t", &Limits::default());
        }

        #[test]
        fn never_panics_on_yamlish_text(text in "([-:?,\\[\\]{}#&*!|>'\"%@` \n\t.~<=]|[a-c]|[0-2]|<< |&a |\\*a|!!str |!!int |--- ){0,48}") {
            let small = Limits { max_depth: 6, max_alias_nodes: 20, max_alias_bytes: 40, max_size: 1 << 20, max_tree_bytes: 4096 };
            let _ = load(&text, "t", &small);
            let _ = load(&text, "t", &Limits::default());
        }
    }
}
