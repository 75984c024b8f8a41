//! A fast path for the plain block YAML that configs are mostly made of.
//!
//! Part of loading ([`super::load`]): `saphyr-parser` is complete but scans
//! character by character, which caps loading well below the compose
//! engine's budget. Most config files use only block mappings and lists,
//! plain one-line scalars, one-line flow lists of plain scalars, `{}`/`[]`
//! and comments. This module reads exactly that subset, line by line, and
//! emits the same events (with the same positions) that saphyr would, into
//! the same tree builder. On anything else (quotes, anchors, tags, block
//! scalars, multi-line scalars, flow mappings, tabs and other control
//! characters, directives, non-ASCII text, odd indentation, `[1 -]`,
//! errors) it gives up and the caller parses the whole document with saphyr
//! instead; so this path only has to be right on what it accepts, and the
//! differential tests check that it is. A limit the tree builder hits is
//! final on either path.

use saphyr_parser::{Event, ScalarStyle};
use std::borrow::Cow;

/// The fast path gave up: parse with saphyr.
#[derive(Debug)]
pub(super) struct Bail;

/// Where an event starts: 1-based line, 0-based column (saphyr's convention).
pub(super) type Pos = (usize, usize);

/// Receives events; returns false to stop (the builder rejected the tree).
pub(super) type Emit<'e, 't> = &'e mut dyn FnMut(Event<'t>, Pos) -> bool;

/// Emits the events of `text`, or gives up.
pub(super) fn events<'t>(text: &'t str, emit: Emit<'_, 't>) -> Result<(), Bail> {
    let mut fast = Fast {
        emit,
        stack: Vec::new(),
        pending: None,
        scalar_indent: None,
        started: false,
    };
    for (i, line) in text.split('\n').enumerate() {
        fast.line(i + 1, line)?;
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

struct Level {
    indent: usize,
    kind: Kind,
}

/// A `key:` whose value is on later lines (or is empty).
#[derive(Clone, Copy)]
struct Pending {
    /// Position of the `:`, where saphyr puts an empty value.
    colon: Pos,
    /// Indent of the key.
    indent: usize,
}

struct Fast<'e, 't> {
    emit: Emit<'e, 't>,
    stack: Vec<Level>,
    pending: Option<Pending>,
    /// After a one-line value owned by a node at this indent, a more indented
    /// line would continue it (or be an error): give up then.
    scalar_indent: Option<usize>,
    started: bool,
}

impl<'t> Fast<'_, 't> {
    fn send(&mut self, event: Event<'t>, pos: Pos) -> Result<(), Bail> {
        if (self.emit)(event, pos) {
            Ok(())
        } else {
            Err(Bail)
        }
    }

    fn scalar(&mut self, text: &'t str, pos: Pos) -> Result<(), Bail> {
        self.send(
            Event::Scalar(Cow::Borrowed(text), ScalarStyle::Plain, 0, None),
            pos,
        )
    }

    fn line(&mut self, ln: usize, line: &'t str) -> Result<(), Bail> {
        if line.bytes().any(|b| b < 0x20 || b == 0x7f) {
            return Err(Bail); // tabs, \r and other controls, comments included
        }
        let line = ascii_part(line)?;
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|b| **b == b' ').count();
        let rest = &line[indent..];
        if rest.is_empty() || rest.starts_with('#') {
            return Ok(());
        }
        if indent == 0
            && (rest.starts_with("---") || rest.starts_with("...") || rest.starts_with('%'))
        {
            return Err(Bail);
        }
        if self.scalar_indent.take().is_some_and(|si| indent > si) {
            return Err(Bail);
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
            let end = if top.kind == Kind::Map {
                Event::MappingEnd
            } else {
                Event::SequenceEnd
            };
            self.stack.pop();
            self.send(end, (ln, indent))?;
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
            _ => Err(Bail),
        }
    }

    fn open(&mut self, kind: Kind, indent: usize, pos: Pos) -> Result<(), Bail> {
        let event = if kind == Kind::Map {
            Event::MappingStart(0, None)
        } else {
            Event::SequenceStart(0, None)
        };
        self.send(event, pos)?;
        self.stack.push(Level { indent, kind });
        Ok(())
    }

    /// The line after `key:` decides what its value is.
    fn resolve_pending(
        &mut self,
        p: Pending,
        ln: usize,
        indent: usize,
        rest: &str,
        dash: bool,
    ) -> Result<(), Bail> {
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
                return Err(Bail);
            }
            return self.open(Kind::IndentlessSeq, indent, (ln, indent + content));
        }
        self.scalar("", p.colon)
    }

    /// `key: value`, `key:` (value below) in a mapping at `indent`.
    fn key_line(&mut self, ln: usize, indent: usize, rest: &'t str) -> Result<(), Bail> {
        let colon = key_colon(rest).ok_or(Bail)?;
        let key = &rest[..colon];
        if !plain_key(key) {
            return Err(Bail);
        }
        self.scalar(key, (ln, indent))?;
        let after = &rest[colon + 1..];
        let pending = Pending {
            colon: (ln, indent + colon),
            indent,
        };
        self.value(ln, indent + colon + 1, after, pending)
    }

    /// The inline value after a key's `:` (starting at column `col`).
    fn value(&mut self, ln: usize, col: usize, s: &'t str, pending: Pending) -> Result<(), Bail> {
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
    fn inline(&mut self, ln: usize, col: usize, v: &'t str) -> Result<(), Bail> {
        match v.as_bytes()[0] {
            b'[' => self.flow_list(ln, col, v),
            b'{' => {
                let inner = v[1..].trim_start_matches(' ');
                if !inner.starts_with('}') || !only_comment(&inner[1..]) {
                    return Err(Bail);
                }
                self.send(Event::MappingStart(0, None), (ln, col))?;
                self.send(Event::MappingEnd, (ln, col))
            }
            _ => {
                let text = plain_value(v).ok_or(Bail)?;
                self.scalar(text, (ln, col))
            }
        }
    }

    /// `- value` or `- key: value` in a list at `indent`.
    fn item(&mut self, ln: usize, indent: usize, rest: &'t str) -> Result<(), Bail> {
        let after = rest.get(2..).ok_or(Bail)?;
        let skipped = after.bytes().take_while(|b| *b == b' ').count();
        let v = &after[skipped..];
        let col = indent + 2 + skipped;
        if v.is_empty() || v.starts_with('#') || v == "-" || v.starts_with("- ") {
            return Err(Bail);
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
    fn flow_list(&mut self, ln: usize, col: usize, v: &'t str) -> Result<(), Bail> {
        let close = v.find(']').ok_or(Bail)?;
        if !only_comment(&v[close + 1..]) {
            return Err(Bail);
        }
        self.send(Event::SequenceStart(0, None), (ln, col))?;
        let inner = &v[1..close];
        if !inner.trim_matches(' ').is_empty() {
            let mut offset = 1;
            for part in inner.split(',') {
                let lead = part.bytes().take_while(|b| *b == b' ').count();
                let item = part.trim_matches(' ');
                // `[1 -]`: saphyr needs a retry for it (see `flow_dash`).
                if !plain_flow_item(item) || part.ends_with(" -") {
                    return Err(Bail);
                }
                self.scalar(item, (ln, col + offset + lead))?;
                offset += part.len() + 1;
            }
        }
        self.send(Event::SequenceEnd, (ln, col + close))
    }

    fn finish(&mut self) -> Result<(), Bail> {
        if !self.started {
            return Err(Bail);
        }
        if let Some(p) = self.pending.take() {
            self.scalar("", p.colon)?;
        }
        while let Some(top) = self.stack.pop() {
            let end = if top.kind == Kind::Map {
                Event::MappingEnd
            } else {
                Event::SequenceEnd
            };
            self.send(end, (0, 0))?;
        }
        Ok(())
    }
}

/// The line itself, or its part before a comment that holds non-ASCII text
/// (columns count characters, so non-ASCII content before a position would
/// need counting; that case goes to saphyr).
fn ascii_part(line: &str) -> Result<&str, Bail> {
    let Some(first) = line.bytes().position(|b| !b.is_ascii()) else {
        return Ok(line);
    };
    if line[first..].chars().any(super::reader::is_unprintable) {
        return Err(Bail); // saphyr's path refuses it, as PyYAML does
    }
    let head = &line[..first];
    let start = head.trim_start_matches(' ');
    if start.starts_with('#') {
        return Ok(""); // a comment line
    }
    match head.find(" #") {
        Some(c) => Ok(&line[..c]),
        None => Err(Bail),
    }
}

/// The `:` that ends a key: the first one followed by a space or the end.
fn key_colon(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let i = b.iter().position(|c| *c == b':')?;
    (i + 1 == b.len() || b[i + 1] == b' ').then_some(i)
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
        Some(c) if c.is_ascii_alphanumeric() => true,
        Some(
            b'_' | b'.' | b'/' | b'$' | b'~' | b'+' | b'(' | b')' | b'=' | b'<' | b'^' | b';'
            | b'\\',
        ) => true,
        Some(b'-') => b.get(1).is_some_and(|c| *c != b' '),
        _ => false,
    }
}

/// A block-context plain scalar on one line, maybe followed by a comment.
///
/// Returns the scalar without its trailing comment and spaces, in one pass.
fn plain_value(v: &str) -> Option<&str> {
    if !plain_start(v) {
        return None;
    }
    let b = v.as_bytes();
    let mut end = b.len();
    for i in 1..b.len() {
        match b[i] {
            b'#' if b[i - 1] == b' ' => {
                end = i - 1;
                break;
            }
            b':' if b.get(i + 1).is_none_or(|c| *c == b' ') => return None,
            _ => {}
        }
    }
    let text = v[..end].trim_end_matches(' ');
    (!text.ends_with(':')).then_some(text)
}

/// A key: a plain scalar without `:` or `#`, not ending in a space.
fn plain_key(k: &str) -> bool {
    plain_start(k) && k.len() < 1000 && !k.ends_with(' ') && !k.contains(':') && !k.contains('#')
}

/// An item of a one-line flow list.
fn plain_flow_item(s: &str) -> bool {
    plain_start(s)
        && !s
            .bytes()
            .any(|c| matches!(c, b'[' | b']' | b'{' | b'}' | b',' | b':' | b'#' | b'?'))
}

#[cfg(test)]
mod tests {
    use crate::node::{Node, Value};
    use crate::yaml::load::{parse_fast, parse_saphyr};
    use crate::yaml::Limits;
    use proptest::prelude::*;
    use std::path::Path;
    use std::sync::Arc;

    /// Values, key order and every origin agree.
    fn same(a: &Node, b: &Node) -> Result<(), String> {
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
        let path: Arc<str> = Arc::from("t.yaml");
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

    fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
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
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn agrees_on_blockish_text(text in "((  |- |a|b|1|: |:|#|\n|\\[|\\]|, |\\{\\}|x: |-1|~|\\$\\{a\\}| #c|\\.|é| #é|\u{85}|\u{2028}|\r|\t|---|<<: |'|\\?)){0,40}") {
            check(&text).map_err(TestCaseError::fail)?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        /// The hardening cases: ` -` before `,`/`]` (saphyr needs a retry),
        /// control characters (refused, also in comments), `%YAML`
        /// directives, verbatim tags and ints past Python's digit limit.
        #[test]
        fn agrees_on_hostile_text(text in "((  |- |a|1|: |#|\n|\\[|\\]|, | -|-|\u{1}|\u{1b}|\u{7f}| #\u{9b}| #é\u{9f}|%YAML 2.0\n|%YAML 1.1\n|!<tag:yaml.org,2002:str> |7{30}|7{4301}|0x1f{3600}|'q')){0,24}") {
            check(&text).map_err(TestCaseError::fail)?;
            let path: Arc<str> = Arc::from("t.yaml");
            if let Some(Ok(_)) = parse_fast(&text, &path, &Limits::default()) {
                // Whatever the fast path accepts, PyYAML's reader accepts.
                prop_assert!(crate::yaml::reader::first_unprintable(&text).is_none());
                prop_assert!(crate::yaml::reader::incompatible_version(&text).is_none());
            }
        }
    }
}
