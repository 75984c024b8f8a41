//! A workaround for saphyr-parser 0.3.4, which rejects a multi-line flow
//! collection whose last item before a line break is quoted when the next
//! line starts at or left of the collection's block indentation:
//!
//! ```yaml
//! keys: [
//!   'a',
//!   'b'
//! ]
//! ```
//!
//! PyYAML (and so OmegaConf) loads `keys: [a, b]`; saphyr says "invalid
//! indentation". Inside a flow collection, indentation carries no meaning
//! (leading blanks of a continuation line are folded away even inside a
//! quoted scalar), so when saphyr fails that way the loader retries with
//! such lines indented one column past the collection's block indentation,
//! and maps every position back to the original text. Nothing changes for
//! documents saphyr accepts.

use saphyr_parser::Marker;

/// The text with the lines inside flow collections indented, and how.
pub(super) struct Shifted {
    /// The re-indented text.
    pub text: String,
    /// Blanks inserted at the start of each line (index: 1-based line).
    shift: Vec<usize>,
    /// Bytes inserted before each line (index: 1-based line).
    before: Vec<usize>,
    /// Where each outermost collection the scan saw opens (1-based line,
    /// 0-based column), in the original text. The scan cannot tell every
    /// `[` of a plain scalar from a flow collection (`- a\n[x`): a retry
    /// is only right if the parser opened a collection at each of these.
    pub openers: Vec<(usize, usize)>,
}

impl Shifted {
    /// The position in the original text of `m`, a position in [`Shifted::text`].
    pub(super) fn unshift(&self, m: Marker) -> Marker {
        let line = m.line();
        let shift = self.shift.get(line).copied().unwrap_or(0);
        let before = self.before.get(line).copied().unwrap_or(0);
        let col = m.col().saturating_sub(shift);
        let index = m.index().saturating_sub(before + m.col().min(shift));
        Marker::new(index, line, col)
    }
}

/// Re-indents the lines that start inside a flow collection at or left of
/// the indentation of the line that opened it. `None` when no line needs it.
pub(super) fn shift_flow_lines(text: &str) -> Option<Shifted> {
    let mut out = String::with_capacity(text.len() + 64);
    let (mut shift, mut before) = (vec![0usize], vec![0usize]);
    let mut scan = Scan::default();
    let mut inserted = 0usize;
    let mut changed = false;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        scan.line_no = n + 1;
        let indent = line.len() - line.trim_start_matches(' ').len();
        let blank = line.trim().is_empty();
        let mut add = 0;
        if scan.depth > 0 && !blank && indent <= scan.base {
            add = scan.base + 1 - indent;
            changed = true;
        }
        before.push(inserted);
        shift.push(add);
        out.extend(std::iter::repeat_n(' ', add));
        out.push_str(line);
        inserted += add;
        scan.line(line, indent);
    }
    changed.then_some(Shifted {
        text: out,
        shift,
        before,
        openers: scan.openers,
    })
}

/// Flow nesting across lines, outside quotes and comments.
#[derive(Default)]
struct Scan {
    depth: usize,
    /// Indentation of the line where the outermost collection opened.
    base: usize,
    quote: Option<char>,
    /// The 1-based line being scanned.
    line_no: usize,
    /// Where each outermost collection opened (see [`Shifted::openers`]).
    openers: Vec<(usize, usize)>,
    /// A plain scalar is open inside a flow collection.
    in_plain: bool,
}

impl Scan {
    fn line(&mut self, line: &str, indent: usize) {
        if self.depth == 0 {
            // In block context a new line starts with no plain scalar open.
            self.in_plain = false;
        }
        let mut prev = ' ';
        // The last non-blank character before this one on the line, `None`
        // at its start: whether a token may start here.
        let mut last: Option<char> = None;
        let mut chars = line.chars().peekable();
        let mut col = 0;
        while let Some(c) = chars.next() {
            // Inside a plain scalar nothing starts (`x - 'y`, `c:<<<:- '`):
            // in a flow collection it goes on across lines, so a quote at
            // the start of its next line is part of it too.
            let starts_token = (matches!(prev, ' ' | '\t') && self.token_boundary(last)
                || self.depth > 0 && matches!(prev, '[' | '{' | ','))
                && !self.in_plain;
            if self.quote.is_none() {
                self.track_plain(c, chars.peek().copied(), prev);
            }
            match (self.quote, c) {
                (Some('\''), '\'') if chars.peek() == Some(&'\'') => {
                    chars.next();
                    col += 1;
                }
                (Some(q), c) if c == q => self.quote = None,
                (Some('"'), '\\') => {
                    chars.next();
                    col += 1;
                }
                (Some(_), _) => {}
                (None, '#') if prev == ' ' || prev == '\t' => return,
                (None, '\'' | '"') if starts_token => {
                    self.quote = Some(c);
                    self.in_plain = false;
                }
                // In block context a bracket opens a collection only where a
                // value starts (`a: x{` is the plain scalar `x{`).
                (None, '[' | '{') if self.depth > 0 || starts_token => {
                    if self.depth == 0 {
                        self.base = indent;
                        self.openers.push((self.line_no, col));
                    }
                    self.depth += 1;
                }
                (None, ']' | '}') if self.depth > 0 => {
                    self.depth -= 1;
                    self.in_plain = self.in_plain && self.depth > 0;
                }
                _ => {}
            }
            if !matches!(c, ' ' | '\t') {
                last = Some(c);
            }
            prev = c;
            col += 1;
        }
    }

    /// Whether a plain scalar is open after `c` (outside quotes):
    /// indicators, flow punctuation (in flow context) and comments end one
    /// or start none; anything else starts or continues one.
    fn track_plain(&mut self, c: char, next: Option<char>, prev: char) {
        let blank_next = next.is_none_or(|n| matches!(n, ' ' | '\t' | '\n' | '\r'));
        self.in_plain = match c {
            ' ' | '\t' | '\n' | '\r' => self.in_plain,
            '[' | '{' | ']' | '}' | ',' if self.depth > 0 => false,
            ':' if blank_next => false,
            '#' if matches!(prev, ' ' | '\t') => false,
            // An opening quote, a block indicator, a flow collection.
            '\'' | '"' | '[' | '{' if !self.in_plain => false,
            '-' | '?' if !self.in_plain && blank_next => false,
            _ => true,
        };
    }

    /// True when, after `last`, a new token may start: at the line start,
    /// after a block indicator (`- `, `? `, `: `), or inside a collection
    /// after `[`, `{`, `,`.
    fn token_boundary(&self, last: Option<char>) -> bool {
        match last {
            None | Some('-' | '?' | ':') => true,
            Some('[' | '{' | ',') => self.depth > 0,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lines_inside_flow_at_or_left_of_the_base_move() {
        let s = shift_flow_lines("keys: [\n  'a',\n  'b'\n]\nz: 1\n").unwrap();
        assert_eq!(s.text, "keys: [\n  'a',\n  'b'\n ]\nz: 1\n");
        let m = s.unshift(Marker::new(21, 4, 1));
        assert_eq!((m.line(), m.col()), (4, 0));
        assert!(shift_flow_lines("keys: [a, b]\nx: '[' # [\n").is_none());
        // Brackets and quotes inside plain scalars open nothing (fuzz finds).
        assert!(shift_flow_lines("a: x{\nb: [1,\n2]\n")
            .is_some_and(|s| s.text == "a: x{\nb: [1,\n 2]\n"));
        assert!(shift_flow_lines("- a{\n- [\n- b\n").is_some_and(|s| s.text == "- a{\n- [\n - b\n"));
        assert!(
            shift_flow_lines("a[: [\n]\nzz: q\n").is_some_and(|s| s.text == "a[: [\n ]\nzz: q\n")
        );
        let s = shift_flow_lines("a:\n  k: [\n'x', \"y]\"\n  ]\n").unwrap();
        assert_eq!(s.text, "a:\n  k: [\n   'x', \"y]\"\n   ]\n");
    }

    use proptest::prelude::*;

    /// An item of a flow list: its text in the document and its value.
    fn item() -> impl Strategy<Value = (String, String)> {
        // `w` first: never a YAML 1.1 bool or null (`no`, `on`, `y`).
        ("w[a-z0-9_]{0,6}", 0..3u8).prop_map(|(word, quote)| match quote {
            0 => (format!("'{word}'"), word),
            1 => (format!("\"{word}\""), word),
            _ => (word.clone(), word),
        })
    }

    proptest! {
        /// A flow list over several lines, any mix of quoting, item and
        /// closing-bracket indentation (column 0 included), comments after
        /// items and a trailing comma, loads as the list a YAML 1.1 reader
        /// (PyYAML) gives: the items, in order.
        #[test]
        fn multi_line_flow_lists_load(
            items in proptest::collection::vec((item(), 0..5usize, any::<bool>()), 1..6),
            close_indent in 0..4usize,
            trailing_comma in any::<bool>(),
            nested in any::<bool>(),
        ) {
            let base = if nested { 2 } else { 0 };
            let mut text = if nested { String::from("outer:\n  keys: [\n") } else { String::from("keys: [\n") };
            for (i, ((src, _), indent, comment)) in items.iter().enumerate() {
                text.push_str(&" ".repeat(*indent));
                text.push_str(src);
                if i + 1 < items.len() || trailing_comma {
                    text.push(',');
                }
                if *comment {
                    text.push_str(" # note");
                }
                text.push('\n');
            }
            text.push_str(&" ".repeat(close_indent + if close_indent > 0 { base } else { 0 }));
            text.push_str("]\nafter: 1\n");
            let node = crate::Node::from_yaml_str(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            let list = if nested { node.get("outer").and_then(|o| o.get("keys")) } else { node.get("keys") };
            let got: Vec<String> = list
                .and_then(crate::Node::as_list)
                .map(|l| l.iter().map(|n| n.as_str().unwrap_or("?").to_string()).collect())
                .unwrap_or_default();
            let want: Vec<String> = items.iter().map(|((_, v), _, _)| v.clone()).collect();
            prop_assert_eq!(got, want, "{}", text);
        }
    }
}
