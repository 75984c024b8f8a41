//! A workaround for saphyr-parser 0.3.4, which rejects a `-` followed by a
//! flow indicator (`,[]{}`) wherever a word of a plain scalar starts inside
//! a flow collection:
//!
//! ```yaml
//! a: [1 -]      # PyYAML: {a: ['1 -']}
//! b: [-, x]     # PyYAML: {b: ['-', 'x']}
//! c: {k: v -}   # PyYAML: {c: {k: 'v -'}}
//! ```
//!
//! saphyr says "plain scalar cannot start with '-' followed by ,[]{}" at
//! the `-`. When it fails that way, the loader patches the text at that
//! very position and parses again, mapping every position back to the
//! original text. The patches leave the value as PyYAML reads it: a `-`
//! that continues a scalar gets a space after it (a plain scalar's trailing
//! spaces are not part of it: `1 - ` is `1 -`); a `-` that is a whole
//! scalar is quoted (`'-'` is the same string as the plain `-`).
//!
//! Every retry parses the whole document again, so they are bounded: at
//! most [`MAX_PATCHES`], and at most [`RETRY_BYTES`] of text parsed again in
//! all. A document needing more is refused with saphyr's error (quoting
//! such values avoids it). The fast path ([`super::fast`]) leaves every such
//! document to saphyr, so both paths agree.

use saphyr_parser::Marker;

/// Most patches (so parses) one document gets.
pub(super) const MAX_PATCHES: usize = 16;

/// Most text parsed again for patches, in bytes, over all retries.
pub(super) const RETRY_BYTES: usize = 16 << 20;

/// saphyr's message for the case this module handles.
const MESSAGE: &str = "plain scalar cannot start with '-' followed by ,[]{}";

/// Text inserted at a position of the original text.
#[derive(Clone, Copy, Debug)]
struct Insert {
    /// Byte offset in the original text.
    offset: usize,
    /// 1-based line, 0-based column (characters) and character index.
    line: usize,
    col: usize,
    index: usize,
    text: &'static str,
}

/// The patches made to a document so far.
#[derive(Default, Debug)]
pub(super) struct Patches {
    inserts: Vec<Insert>,
    count: usize,
}

impl Patches {
    /// True when `info` (a saphyr error) is the one this module patches
    /// and the budget allows another retry on a text of `len` bytes.
    pub(super) fn can_retry(&self, info: &str, len: usize) -> bool {
        info.contains(MESSAGE)
            && self.count < MAX_PATCHES
            && (self.count + 1).saturating_mul(len) <= RETRY_BYTES
    }

    /// Patches the `-` at 1-based `line` and 1-based `col` (characters) of
    /// `original`; false when no `-` followed by a flow indicator is there.
    pub(super) fn add(&mut self, original: &str, line: usize, col: usize) -> bool {
        let Some(offset) = byte_offset(original, line, col) else {
            return false;
        };
        let rest = &original.as_bytes()[offset..];
        if !matches!(rest, [b'-', b',' | b'[' | b']' | b'{' | b'}', ..]) {
            return false;
        }
        let index = original[..offset].chars().count();
        let at = |delta: usize, text| Insert {
            offset: offset + delta,
            line,
            col: col - 1 + delta,
            index: index + delta,
            text,
        };
        if starts_scalar(&original[..offset]) {
            self.inserts.push(at(0, "'"));
            self.inserts.push(at(1, "'"));
        } else {
            self.inserts.push(at(1, " "));
        }
        self.inserts.sort_by_key(|i| i.offset);
        self.count += 1;
        true
    }

    /// `original` with every patch applied.
    pub(super) fn apply(&self, original: &str) -> String {
        let mut out = String::with_capacity(original.len() + 2 * self.inserts.len());
        let mut from = 0;
        for i in &self.inserts {
            out.push_str(&original[from..i.offset]);
            out.push_str(i.text);
            from = i.offset;
        }
        out.push_str(&original[from..]);
        out
    }

    /// The position in the original text of `m`, a position in the
    /// patched text (inserted characters map to where they were inserted).
    pub(super) fn unshift(&self, m: Marker) -> Marker {
        let (mut col_delta, mut index_delta) = (0, 0);
        let mut col = None;
        for i in &self.inserts {
            let len = i.text.len();
            if i.line == m.line() && col.is_none() {
                let start = i.col + col_delta;
                if m.col() >= start + len {
                    col_delta += len;
                } else if m.col() >= start {
                    col = Some(i.col);
                }
            }
            if m.index() >= i.index + index_delta + len {
                index_delta += len;
            }
        }
        let col = col.unwrap_or(m.col().saturating_sub(col_delta));
        Marker::new(m.index().saturating_sub(index_delta), m.line(), col)
    }
}

/// True when a `-` after `before` would start a scalar rather than continue
/// one: the last thing before it (blanks and line breaks aside) is a flow
/// indicator, a `:` (after a key) or `?` indicator, or a tag or anchor.
fn starts_scalar(before: &str) -> bool {
    let head = before.trim_end_matches([' ', '\t', '\r', '\n']);
    if head.len() == before.len() {
        return true; // `-` right after `[`, `,` or a quote: nothing to continue
    }
    let word = head
        .rsplit([' ', '\t', '\r', '\n', '[', '{', ','])
        .next()
        .unwrap_or("");
    word.is_empty() || word.ends_with(':') || word == "?" || word.starts_with(['!', '&'])
}

/// The byte offset of 1-based `line` and `col` (characters) in `text`.
fn byte_offset(text: &str, line: usize, col: usize) -> Option<usize> {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let within = text[start..]
        .char_indices()
        .nth(col.checked_sub(1)?)
        .map(|(i, _)| i)?;
    Some(start + within)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patched(text: &str, line: usize, col: usize) -> (String, Patches) {
        let mut p = Patches::default();
        assert!(p.add(text, line, col), "{text:?} at {line}:{col}");
        (p.apply(text), p)
    }

    #[test]
    fn continuing_dashes_get_a_space_whole_ones_quotes() {
        assert_eq!(patched("a: [1 -]", 1, 7).0, "a: [1 - ]");
        assert_eq!(patched("a: [x,\n  y -,z]", 2, 5).0, "a: [x,\n  y - ,z]");
        assert_eq!(patched("a: [-]", 1, 5).0, "a: ['-']");
        assert_eq!(patched("a: [x, -]", 1, 8).0, "a: [x, '-']");
        assert_eq!(patched("a: {k: -}", 1, 8).0, "a: {k: '-'}");
        assert_eq!(patched("a: [!!str -]", 1, 11).0, "a: [!!str '-']");
        assert_eq!(patched("é: [ü -]", 1, 7).0, "é: [ü - ]");
        let mut p = Patches::default();
        assert!(!p.add("a: [1 x]", 1, 7));
        assert!(!p.add("a: [1 -]", 9, 1));
    }

    #[test]
    fn positions_map_back() {
        let (_, p) = patched("a: [-, b]", 1, 5);
        // `'-'` opens at the `-`; `b` moved right by the two quotes.
        let m = p.unshift(Marker::new(4, 1, 4));
        assert_eq!((m.index(), m.col()), (4, 4));
        let m = p.unshift(Marker::new(9, 1, 9));
        assert_eq!((m.index(), m.col()), (7, 7));
        // Other lines do not move their columns, only their index.
        let (_, p) = patched("a: [1 -]\nb: 1\n", 1, 7);
        let m = p.unshift(Marker::new(13, 2, 3));
        assert_eq!((m.index(), m.line(), m.col()), (12, 2, 3));
    }

    use proptest::prelude::*;

    /// Items whose value PyYAML gives as their text: dashes before `,` and
    /// `]`, alone or continuing a scalar, and dashes saphyr takes as is.
    const ITEMS: [&str; 8] = ["a", "x y", "-", "a -", "b - c", "-b", "a -b -", "c-"];

    proptest! {
        /// A flow list of such items loads as PyYAML reads it, through the
        /// fast path or through saphyr (`quoted` sends it there), on one
        /// line or several.
        #[test]
        fn dash_items_load_as_pyyaml(
            picks in proptest::collection::vec(0..ITEMS.len(), 1..6),
            quoted in any::<bool>(),
            multi_line in any::<bool>(),
        ) {
            let items: Vec<&str> = picks.iter().map(|i| ITEMS[*i]).collect();
            let sep = if multi_line { ",\n  " } else { ", " };
            let mut text = format!("k: [{}]\n", items.join(sep));
            if quoted {
                text.push_str("q: 'x'\n");
            }
            let node = crate::Node::from_yaml_str(&text)
                .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            let got: Vec<&str> = node
                .get("k")
                .and_then(crate::Node::as_list)
                .map(|l| l.iter().map(|n| n.as_str().unwrap_or("?")).collect())
                .unwrap_or_default();
            prop_assert_eq!(got, items, "{}", text);
        }
    }

    #[test]
    fn retries_are_bounded() {
        let mut p = Patches::default();
        assert!(p.can_retry(MESSAGE, 100));
        assert!(!p.can_retry("invalid indentation", 100));
        assert!(!p.can_retry(MESSAGE, RETRY_BYTES + 1));
        for _ in 0..MAX_PATCHES {
            assert!(p.add("[1 -]", 1, 4));
        }
        assert!(!p.can_retry(MESSAGE, 100));
    }
}
