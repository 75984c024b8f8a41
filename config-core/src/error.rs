//! One error type for every stage of the flow.
//!
//! An [`Error`] says what is wrong (its [`ErrorKind`] and message), where
//! (the full key path, and the [`Origin`] of the offending value: file
//! position or command-line argument), and how to fix it (hints such as the
//! valid options and a "did you mean").

use crate::origin::Origin;
use annotate_snippets::renderer::Style;
use std::fmt;
use std::sync::Arc;

/// What kind of failure an [`Error`] is. Mirrors OmegaConf's and Hydra's
/// exception classes, so users of the reference recognise them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading a file failed.
    Io,
    /// The YAML is malformed.
    Yaml,
    /// A loader limit (depth, alias budget, size) was exceeded.
    Limit,
    /// A mapping has the same key twice.
    DuplicateKey,
    /// A key of an unsupported type (e.g. null).
    KeyType,
    /// A path names no node.
    KeyNotFound,
    /// A value is the missing marker `???`.
    MissingValue,
    /// Two nodes cannot be merged, or a value has the wrong type.
    Type,
    /// Write to a readonly node.
    Readonly,
    /// New key in a struct (closed) mapping.
    Struct,
    /// Bad interpolation syntax.
    Grammar,
    /// An interpolation names a key that does not exist.
    InterpolationKey,
    /// An interpolation points at a `???` value.
    InterpolationToMissing,
    /// Interpolations that refer to each other.
    Cycle,
    /// An unknown resolver, or a resolver that failed.
    Resolver,
    /// Other interpolation failures.
    Interpolation,
    /// A command-line override that does not parse.
    OverrideParse,
    /// A well-formed override that cannot be applied.
    Override,
    /// A config, group or option that cannot be found.
    MissingConfig,
    /// A defaults list that is invalid.
    DefaultsList,
    /// Other composition failures.
    Compose,
    /// A value that fails validation.
    Validation,
    /// A command line the tool does not accept (a usage error: exit 2).
    Usage,
}

/// An error with what, where and how to fix it.
///
/// ```
/// use config_core::{Error, ErrorKind, Origin};
/// let e = Error::new(ErrorKind::KeyNotFound, "Key 'lrr' not found")
///     .with_key("optimizer.lrr")
///     .with_origin(Origin::arg(2, "optimizer.lrr=1"))
///     .with_hint("did you mean 'optimizer.lr'?");
/// assert_eq!(
///     e.to_string(),
///     "Key 'lrr' not found\n    full_key: optimizer.lrr\n    at command-line argument 2 (`optimizer.lrr=1`)\n  help: did you mean 'optimizer.lr'?"
/// );
/// ```
///
/// The rendering, each piece once and in this order: the message; the
/// full key (`full_key: a.b`); where (`at conf/a.yaml:3:5`, `at
/// command-line argument 2`); a snippet of the source line with a caret
/// under the column, drawn by `annotate-snippets`; the context lines, innermost
/// first ([`context`](Error::context)); the chain of causes (`caused by:
/// ...`, [`source`](std::error::Error::source)); the hints (`help: ...`).
/// `Display` does no I/O: it shows the snippets of text the error carries (an
/// override, an interpolation) but not of files. [`render`](Error::render)
/// reads the file line too, and escapes control characters.
///
/// `Debug` prints [`render`](Error::render), so `fn main() ->
/// Result<(), config_core::Error>` shows what a user can act on; `{:#?}`
/// prints the fields.
///
/// ```
/// use config_core::{Error, ErrorKind};
/// let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
/// let e = Error::from(io);
/// assert_eq!(e.kind(), ErrorKind::Io);
/// assert_eq!(format!("{e:?}"), e.render());
/// ```
///
/// The fields are private (read them with [`kind`](Error::kind),
/// [`message`](Error::message), [`key`](Error::key),
/// [`origin`](Error::origin), [`hints`](Error::hints) and
/// [`context`](Error::context)), so the presentation can change without
/// breaking users; the error is one pointer wide, so `Result<T, Error>`
/// stays small.
#[derive(Clone, PartialEq)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Clone, PartialEq)]
struct Inner {
    kind: ErrorKind,
    message: String,
    key: Option<String>,
    origin: Option<Origin>,
    hints: Vec<String>,
    context: Vec<String>,
    source: Option<Source>,
    snippet: Option<Line>,
}

/// A foreign error kept as the cause: shared, so [`Error`] stays `Clone`;
/// two are equal when they read the same.
#[derive(Clone)]
struct Source(Arc<dyn std::error::Error + Send + Sync>);

impl PartialEq for Source {
    fn eq(&self, other: &Source) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return f.write_str(&self.render());
        }
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("message", &self.inner.message)
            .field("key", &self.inner.key)
            .field("origin", &self.inner.origin)
            .field("hints", &self.inner.hints)
            .field("context", &self.inner.context)
            .field("source", &self.inner.source.as_ref().map(|s| &s.0))
            .finish()
    }
}

impl From<std::io::Error> for Error {
    /// An [`ErrorKind::Io`] error saying what `e` says, with `e` as its
    /// [`source`](std::error::Error::source).
    fn from(e: std::io::Error) -> Error {
        Error::new(ErrorKind::Io, e.to_string()).with_source(e)
    }
}

impl Error {
    /// A new error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                key: None,
                origin: None,
                hints: Vec::new(),
                context: Vec::new(),
                source: None,
                snippet: None,
            }),
        }
    }

    /// What kind of failure this is.
    ///
    /// ```
    /// use config_core::{Error, ErrorKind};
    /// let e = Error::new(ErrorKind::MissingValue, "Missing mandatory value: lr");
    /// assert_eq!(e.kind(), ErrorKind::MissingValue);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// What is wrong, in one sentence: without the key, the origin, the
    /// context, the cause or the hints, which have their own accessors.
    ///
    /// ```
    /// use config_core::{Error, ErrorKind};
    /// let e = Error::new(ErrorKind::Type, "expected a float, got 'abc'").with_key("lr");
    /// assert_eq!(e.message(), "expected a float, got 'abc'");
    /// ```
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The full key path (`a.b[0].c`) of the node the error concerns.
    ///
    /// ```
    /// use config_core::{Error, ErrorKind};
    /// let e = Error::new(ErrorKind::KeyNotFound, "no such key").with_key("model.depth");
    /// assert_eq!(e.key(), Some("model.depth"));
    /// assert_eq!(Error::new(ErrorKind::Io, "x").key(), None);
    /// ```
    pub fn key(&self) -> Option<&str> {
        self.inner.key.as_deref()
    }

    /// Where the offending value came from: a file position or a
    /// command-line argument.
    ///
    /// ```
    /// use config_core::{Error, ErrorKind, Origin};
    /// let e = Error::new(ErrorKind::Yaml, "bad").with_origin(Origin::file("a.yaml", 3, 7));
    /// assert_eq!(e.origin(), Some(&Origin::file("a.yaml", 3, 7)));
    /// ```
    pub fn origin(&self) -> Option<&Origin> {
        self.inner.origin.as_ref()
    }

    /// How to fix it: valid options, did-you-mean, the command that works.
    ///
    /// ```
    /// use config_core::{Error, ErrorKind};
    /// let e = Error::new(ErrorKind::KeyNotFound, "no such key 'lrr'")
    ///     .with_hint("did you mean 'lr'?");
    /// assert_eq!(e.hints(), ["did you mean 'lr'?"]);
    /// ```
    pub fn hints(&self) -> &[String] {
        &self.inner.hints
    }

    /// What was being done when the error happened, innermost first (as
    /// Figment's and anyhow's chains): `while merging override
    /// 'db=mysql'`, `in config 'db/mysql'`. Each line is added by
    /// [`with_context`](Error::with_context) on the way out.
    ///
    /// ```
    /// use config_core::{Error, ErrorKind};
    /// let e = Error::new(ErrorKind::Type, "cannot merge a list into a mapping")
    ///     .with_context("while merging override 'db=[1]'")
    ///     .with_context("in config 'train'");
    /// assert_eq!(e.message(), "cannot merge a list into a mapping");
    /// assert_eq!(e.context(), ["while merging override 'db=[1]'", "in config 'train'"]);
    /// ```
    pub fn context(&self) -> &[String] {
        &self.inner.context
    }

    /// Sets the full key, if not set yet.
    pub fn with_key(mut self, key: impl Into<String>) -> Error {
        if self.inner.key.is_none() {
            self.inner.key = Some(key.into());
        }
        self
    }

    /// Sets the origin, if not set yet and the given one is known.
    pub fn with_origin(mut self, origin: Origin) -> Error {
        if self.inner.origin.is_none() && !origin.is_unknown() {
            self.inner.origin = Some(origin);
        }
        self
    }

    /// Adds a hint line.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.inner.hints.push(hint.into());
        self
    }

    /// Adds a line of context (what was being done), after those already
    /// there: the message stays what went wrong.
    pub fn with_context(mut self, context: impl Into<String>) -> Error {
        self.inner.context.push(context.into());
        self
    }

    /// Keeps `source` as the cause: [`source`](std::error::Error::source)
    /// returns it, and the rendering shows it as `caused by: ...` (with its
    /// own causes), so the message need not repeat it.
    ///
    /// ```
    /// use config_core::{Error, ErrorKind};
    /// use std::error::Error as _;
    /// let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied");
    /// let e = Error::new(ErrorKind::Io, "cannot read config file 'conf/a.yaml'").with_source(io);
    /// assert_eq!(e.source().unwrap().to_string(), "permission denied");
    /// assert_eq!(e.to_string(), "cannot read config file 'conf/a.yaml'\n    caused by: permission denied");
    /// ```
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Error {
        self.inner.source = Some(Source(Arc::new(source)));
        self
    }

    /// Shows `text` (an override, an interpolation: text the error does not
    /// read from a file) with a caret under the character at byte `at`.
    pub(crate) fn with_snippet(mut self, text: &str, at: usize) -> Error {
        let mut at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..start].matches('\n').count() as u32 + 1;
        let col = text[start..at].chars().count() as u32 + 1;
        let mut window = Window::around(col);
        text[start..].bytes().all(|b| window.push(b));
        let mut shown = window.line(line);
        shown.numbered = text.contains('\n');
        self.inner.snippet = Some(shown);
        self
    }

    /// Replaces the message (crate-internal: context belongs on the chain).
    pub(crate) fn set_message(&mut self, message: impl Into<String>) {
        self.inner.message = message.into();
    }

    /// Replaces the key, set or not.
    pub(crate) fn set_key(&mut self, key: Option<String>) {
        self.inner.key = key;
    }

    /// Replaces the origin, set or not.
    pub(crate) fn set_origin(&mut self, origin: Option<Origin>) {
        self.inner.origin = origin;
    }

    /// The hints, to add or reorder.
    pub(crate) fn hints_mut(&mut self) -> &mut Vec<String> {
        &mut self.inner.hints
    }

    /// The whole error as plain text, for a log or a file: what `Display`
    /// shows plus, for a file origin, a snippet of the source line with a
    /// caret under the column (the line is read again from the file; best
    /// effort; never a pseudo-origin such as `<string>`, never anything but
    /// a regular file, never more than the window around the column).
    /// Control characters are escaped (`\x1b`), so text from a file cannot
    /// drive the terminal.
    ///
    /// ```
    /// use config_core::{Error, ErrorKind, Origin};
    /// let e = Error::new(ErrorKind::Yaml, "bad").with_origin(Origin::file("<string>", 1, 2));
    /// assert_eq!(e.render(), "bad\n    at <string>:1:2");
    /// ```
    pub fn render(&self) -> String {
        self.report(true, false)
    }

    /// [`render`](Error::render) with colour (ANSI escapes) when `color`,
    /// for a terminal. The library never decides this by itself: a
    /// program asks, e.g. `std::io::stderr().is_terminal()` and `NO_COLOR`
    /// unset (the `config` tool and the app layer do).
    ///
    /// ```
    /// use config_core::{Error, ErrorKind, Origin};
    /// let e = Error::new(ErrorKind::Yaml, "bad").with_hint("fix it");
    /// assert_eq!(e.render_for_terminal(false), e.render());
    /// assert!(e.render_for_terminal(true).contains('\u{1b}'));
    /// ```
    pub fn render_for_terminal(&self, color: bool) -> String {
        self.report(true, color)
    }

    /// The rendering: `read_files` adds file snippets and escapes control
    /// characters; `color` styles it for a terminal.
    fn report(&self, read_files: bool, color: bool) -> String {
        use fmt::Write;
        let text = |s: &str| -> String {
            if read_files {
                escape_controls(s)
            } else {
                s.to_string()
            }
        };
        let paint = |style: Style, s: &str| -> String {
            if color {
                format!("{style}{s}{style:#}")
            } else {
                s.to_string()
            }
        };
        let inner = &self.inner;
        let mut out = paint(BOLD, &text(&inner.message));
        if let Some(key) = &inner.key {
            let _ = write!(out, "\n    full_key: {}", text(key));
        }
        if let Some(origin) = &inner.origin {
            let _ = write!(out, "\n    at {}", text(&origin.to_string()));
        }
        // The file's line; for a bad `${...}` in a value read from a file,
        // with the caret moved into the value, when the value is written
        // there as it is (plain, on one line).
        let file_line = match &inner.origin {
            Some(Origin::File { path, line, col }) if read_files => {
                line_from_file(path, *line, *col).and_then(|l| match &inner.snippet {
                    Some(value) => l.pointing_into(value),
                    None => Some(l),
                })
            }
            _ => None,
        };
        if let Some(line) = file_line.as_ref().or(inner.snippet.as_ref()) {
            out.push('\n');
            out.push_str(&line.draw(color));
        }
        for context in &inner.context {
            let _ = write!(out, "\n    {}", text(context));
        }
        let mut cause = inner
            .source
            .as_ref()
            .map(|s| &*s.0 as &(dyn std::error::Error + 'static));
        while let Some(c) = cause {
            let _ = write!(out, "\n    caused by: {}", text(&c.to_string()));
            cause = c.source();
        }
        for hint in &inner.hints {
            let _ = write!(out, "\n  {}: {}", paint(HELP, "help"), text(hint));
        }
        out
    }
}

const BOLD: Style = Style::new().effects(annotate_snippets::renderer::Effects::BOLD);
const HELP: Style = annotate_snippets::renderer::DEFAULT_HELP_STYLE;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report(false, false))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|s| &*s.0 as &(dyn std::error::Error + 'static))
    }
}

/// `line | text` plus a caret line, for a 1-based line and column of `text`.
/// A long line shows [`SNIPPET_WIDTH`] characters around the column;
/// control characters are escaped.
#[cfg(test)]
fn snippet(text: &str, line: u32, col: u32) -> Option<String> {
    let src = text.split('\n').nth(line.checked_sub(1)? as usize)?;
    let mut window = Window::around(col);
    src.bytes().all(|b| window.push(b));
    Some(window.line(line).draw(false))
}

/// One source line as a snippet shows it: escaped, windowed, and where the
/// caret goes.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    /// The 1-based line number.
    number: u32,
    /// Whether the number is shown (not for a one-line text).
    numbered: bool,
    /// The shown text: escaped, `…` where the window cuts it.
    text: String,
    /// The caret's byte offset in `text`.
    caret: usize,
}

impl Line {
    /// This file line with its caret moved to `value`'s caret, when the
    /// one-line `value` is what the line holds at this line's caret.
    fn pointing_into(mut self, value: &Line) -> Option<Line> {
        if value.numbered || !self.text[self.caret..].starts_with(&value.text) {
            return None;
        }
        self.caret += value.caret;
        Some(self)
    }

    /// The snippet, by the one renderer (rustc's, annotate-snippets).
    fn draw(&self, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
        let end = self.text[self.caret..]
            .chars()
            .next()
            .map_or(self.caret, |c| self.caret + c.len_utf8());
        let group = Group::with_level(Level::ERROR).element(
            Snippet::source(&self.text)
                .line_start(self.number as usize)
                .line_numbering(self.numbered)
                .annotation(AnnotationKind::Primary.span(self.caret..end)),
        );
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&[group])
    }
}

/// Widest part of a source line a snippet shows, in characters.
pub(crate) const SNIPPET_WIDTH: usize = 120;

/// Most bytes read from a file to find a snippet's line.
const SNIPPET_SCAN: u64 = 1 << 30;

/// The snippet of `line` of the file at `path`, reading up to that line and
/// at most [`SNIPPET_WIDTH`] characters of it: never the whole file. Not
/// for pseudo-origins such as `<string>` (no file), nor for anything but a
/// regular file (a FIFO would block, a device never end).
fn line_from_file(path: &str, line: u32, col: u32) -> Option<Line> {
    use std::io::BufRead;
    if is_label(path) || !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut reader = std::io::BufReader::new(std::io::Read::take(file, SNIPPET_SCAN));
    let mut skip = line.checked_sub(1)?;
    let mut window = Window::around(col);
    loop {
        let buf = reader.fill_buf().ok()?;
        if buf.is_empty() {
            // The end of the file ends the last line.
            return (skip == 0).then(|| window.line(line));
        }
        let mut used = 0;
        while skip > 0 && used < buf.len() {
            match buf[used..].iter().position(|b| *b == b'\n') {
                Some(i) => {
                    used += i + 1;
                    skip -= 1;
                }
                None => used = buf.len(),
            }
        }
        let done = skip == 0 && !buf[used..].iter().all(|b| window.push(*b));
        let len = buf.len();
        reader.consume(len);
        if done {
            return Some(window.line(line));
        }
    }
}

/// True for a pseudo-origin (`<string>`, `<oc.create>`): a label, not a file.
fn is_label(path: &str) -> bool {
    path.starts_with('<') && path.ends_with('>')
}

/// The part of one source line a snippet shows, collected byte by byte.
struct Window {
    /// First character shown (0-based).
    start: usize,
    /// The caret's character (0-based).
    caret: usize,
    /// Characters seen so far.
    seen: usize,
    bytes: Vec<u8>,
    /// More characters follow the window.
    cut: bool,
}

impl Window {
    fn around(col: u32) -> Window {
        let caret = col.saturating_sub(1) as usize;
        let start = if caret < SNIPPET_WIDTH - 10 {
            0
        } else {
            caret - SNIPPET_WIDTH / 2
        };
        Window {
            start,
            caret,
            seen: 0,
            bytes: Vec::new(),
            cut: false,
        }
    }

    /// Takes the next byte of the line; false at its end or once full.
    fn push(&mut self, b: u8) -> bool {
        if b == b'\n' {
            return false;
        }
        let starts_char = b & 0xc0 != 0x80;
        if starts_char {
            self.seen += 1;
        }
        let index = self.seen.saturating_sub(1);
        if index >= self.start + SNIPPET_WIDTH {
            self.cut = true;
            return false;
        }
        if index >= self.start {
            self.bytes.push(b);
        }
        true
    }

    /// The line as a snippet shows it, numbered.
    fn line(&self, number: u32) -> Line {
        let text = String::from_utf8_lossy(&self.bytes);
        let text = text.strip_suffix('\r').unwrap_or(&text);
        let mut shown = String::from(if self.start > 0 { "…" } else { "" });
        // Past the end of the line, the caret stays just after it.
        let mut caret = shown.len();
        for (i, c) in text.chars().enumerate() {
            if self.start + i == self.caret {
                caret = shown.len();
            }
            push_escaped(&mut shown, c);
            if self.start + i < self.caret {
                caret = shown.len();
            }
        }
        if self.cut {
            shown.push('…');
        }
        Line {
            number,
            numbered: true,
            text: shown,
            caret,
        }
    }
}

/// True for a control or bidirectional-formatting character: one that
/// could drive the terminal (ESC, CSI) or reorder the line shown.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `c`, or its escape (`\t`, `\x1b`, `\u{202e}`) when [`needs_escape`].
fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write;
    match c {
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if !needs_escape(c) => out.push(c),
        c if (c as u32) < 0x100 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// `text` with [`needs_escape`] characters escaped, line feeds and tabs
/// (which messages use for layout) aside.
fn escape_controls(text: &str) -> String {
    let escape = |c: char| needs_escape(c) && c != '\n' && c != '\t';
    if !text.chars().any(escape) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

pub(crate) use crate::suggest::did_you_mean;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_points_at_column() {
        let s = snippet("a: 1\nbb: [\n", 2, 5).unwrap();
        assert!(s.ends_with("  |     ^"), "{s}");
        let s = snippet("a: 1\r\nb: 2\r\n", 1, 9).unwrap();
        assert_eq!(s, "  |\n1 | a: 1\n  |     ^");
    }

    fn temp_file(name: &str, bytes: &[u8]) -> String {
        let dir = std::env::temp_dir().join(format!("error-rs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }

    fn file_error(path: &str, line: u32, col: u32) -> String {
        Error::new(ErrorKind::Yaml, "bad")
            .with_origin(Origin::file(path, line, col))
            .render()
    }

    #[test]
    fn snippets_escape_control_characters() {
        let path = temp_file("esc.yaml", b"a: 1\nk: \x1b[2J\x1b]0;owned\x07 \tx\n");
        let text = file_error(&path, 2, 20);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(
            text.contains("2 | k: \\x1b[2J\\x1b]0;owned\\x07 \\tx"),
            "{text}"
        );
        // The caret stays under the column it names (`x`, after the escapes).
        assert!(
            text.ends_with(&format!("  | {}^", " ".repeat(29))),
            "{text}"
        );
        let msg = Error::new(ErrorKind::Yaml, "key '\u{1b}[31m' \u{9b} \u{202e}x\n\tok").render();
        assert_eq!(msg, "key '\\x1b[31m' \\x9b \\u{202e}x\n\tok");
    }

    /// Removes a file when dropped, even if the test fails.
    struct Remove(&'static str);

    impl Drop for Remove {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(self.0);
        }
    }

    #[test]
    fn pseudo_origins_are_never_opened() {
        // A file named like the label, in the working directory: the old
        // renderer printed a line of it.
        std::fs::write("<string>", "secret: 1\n").unwrap();
        let _guard = Remove("<string>");
        assert!(!file_error("<string>", 1, 1).contains("secret"));
        assert!(!file_error("<oc.create>", 1, 1).contains(" | "));
        // A path that merely starts with a bracket is a file.
        let path = temp_file("<x.yaml", b"a: 1\n");
        assert!(file_error(&path, 1, 1).contains("1 | a: 1"));
    }

    /// A FIFO named as the origin is never opened (opening it would block
    /// until a writer came).
    #[cfg(unix)]
    #[test]
    fn fifos_are_never_opened() {
        let path = temp_file("pipe.yaml", b"");
        std::fs::remove_file(&path).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here
        }
        let text = file_error(&path, 1, 1);
        assert!(!text.contains(" | "), "{text}");
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn long_lines_show_a_window_around_the_column() {
        let line = format!("{}X{}", "a".repeat(59_999), "b".repeat(100_000));
        let path = temp_file("long.yaml", format!("k: 1\n{line}\n").as_bytes());
        let text = file_error(&path, 2, 60_000);
        let shown = text.lines().nth(3).unwrap();
        assert!(
            shown.starts_with("2 | …") && shown.ends_with('…'),
            "{shown}"
        );
        assert!(shown.chars().count() <= SNIPPET_WIDTH + 8, "{shown}");
        let caret = text.lines().nth(4).unwrap().find('^').unwrap();
        assert_eq!(shown.chars().nth(caret), Some('X'), "{text}");
        // A short line is shown whole, as before.
        assert!(file_error(&path, 1, 4).ends_with("1 | k: 1\n  |    ^"));
        assert!(!file_error(&path, 9, 1).contains(" | "));
    }

    /// A 300 MB file whose error is on its first line: the snippet reads a
    /// window of that line, not the file (which used to cost 600 MB).
    #[test]
    fn snippets_of_huge_files_read_one_window() {
        let path = temp_file("huge.yaml", b"");
        let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.set_len(300 << 20).unwrap(); // sparse: zeros, no disk
        let start = std::time::Instant::now();
        let text = file_error(&path, 1, 1);
        assert!(start.elapsed().as_millis() < 500, "{:?}", start.elapsed());
        assert!(text.contains("1 | \\x00\\x00"), "{}", &text[..80]);
        std::fs::remove_file(&path).unwrap();
    }
}

/// The first `max` of `items`, comma-separated, and how many more there
/// are: a hint's list is cut with a count, never silently.
pub(crate) fn some_of(items: &[String], max: usize) -> String {
    let shown = items[..items.len().min(max)].join(", ");
    match items.len().saturating_sub(max) {
        0 => shown,
        more => format!("{shown}, ... and {more} more"),
    }
}

#[cfg(test)]
mod some_of_tests {
    #[test]
    fn lists_are_cut_with_a_count() {
        let items: Vec<String> = (1..=5).map(|i| i.to_string()).collect();
        assert_eq!(super::some_of(&items, 12), "1, 2, 3, 4, 5");
        assert_eq!(super::some_of(&items, 3), "1, 2, 3, ... and 2 more");
    }
}

/// Snapshots of the rendering: each piece of information once.
#[cfg(test)]
mod render_tests {
    use crate::overrides::parse_override;
    use crate::Node;

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("error-render-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_yaml_error_shows_its_line_with_a_caret() {
        let dir = temp_dir("yaml");
        let path = dir.join("model.yaml");
        std::fs::write(&path, "model:\n  depth: 12\n  width: [64, 128]]\n").unwrap();
        let e = Node::from_yaml_file(&path).unwrap_err();
        let text = e.render().replace(&dir.display().to_string(), "[DIR]");
        insta::assert_snapshot!("yaml_error", text);
    }

    #[test]
    fn an_override_error_points_at_its_column() {
        let e = parse_override("trainer.devices=[0,1").unwrap_err();
        insta::assert_snapshot!("override_error", e.render());
    }

    #[test]
    fn an_interpolation_error_points_at_its_column() {
        // OmegaConf refuses it when the node is created: at load.
        let e = Node::from_yaml_str("a: 1\nb: x_${a.${}}\n").unwrap_err();
        insta::assert_snapshot!("interpolation_error", e.render());
    }

    /// A bad `${...}` in a value read from a file: the file's own line,
    /// numbered, with the caret at the column inside the value; a quoted
    /// value (not written as it is) shows the value.
    #[test]
    fn an_interpolation_error_in_a_file_points_into_its_line() {
        let dir = temp_dir("interp");
        let load = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            Node::from_yaml_file(&path).unwrap_err().render()
        };
        let plain = load("plain.yaml", "a: 1\nb: x_${a.${}}\n");
        assert!(
            plain.ends_with("2 | b: x_${a.${}}\n  |            ^"),
            "{plain}"
        );
        let quoted = load("quoted.yaml", "a: 1\nb: \"y_${a.${}}\"\n");
        assert!(quoted.ends_with(" | y_${a.${}}\n |         ^"), "{quoted}");
    }

    #[test]
    fn an_io_error_keeps_its_cause() {
        let dir = temp_dir("io");
        let e = Node::from_yaml_file(dir.join("missing.yaml")).unwrap_err();
        let source = std::error::Error::source(&e).expect("the io::Error is the source");
        assert_eq!(
            source.downcast_ref::<std::io::Error>().map(|e| e.kind()),
            Some(std::io::ErrorKind::NotFound)
        );
        assert!(!e.message().contains("os error"), "{}", e.message());
        let text = e.render().replace(&dir.display().to_string(), "[DIR]");
        insta::assert_snapshot!("io_error", text);
    }

    /// One pointer: `Result<T, Error>` stays small in users' crates
    /// (clippy's `result_large_err`).
    #[test]
    fn an_error_is_one_pointer_wide() {
        assert_eq!(
            std::mem::size_of::<super::Error>(),
            std::mem::size_of::<usize>()
        );
        assert_eq!(
            std::mem::size_of::<Result<(), super::Error>>(),
            std::mem::size_of::<usize>()
        );
        // And it crosses threads, into `Box<dyn Error + Send + Sync>` (a
        // task's error) with `?`.
        fn send_sync<T: Send + Sync + std::error::Error + 'static>() {}
        send_sync::<super::Error>();
    }

    #[test]
    fn context_and_causes_are_a_chain_not_a_message() {
        use super::{Error, ErrorKind};
        use std::error::Error as _;
        let io = std::io::Error::other("disk on fire");
        let e = Error::new(ErrorKind::Io, "cannot write the run dir")
            .with_source(io)
            .with_context("while saving the config")
            .with_hint("check the permissions");
        assert_eq!(e.message(), "cannot write the run dir");
        assert_eq!(e.source().unwrap().to_string(), "disk on fire");
        assert_eq!(
            e.to_string(),
            "cannot write the run dir\n    while saving the config\n    caused by: disk on fire\n  help: check the permissions"
        );
        // Clones compare equal, sources by their text.
        assert_eq!(e.clone(), e);
    }

    #[test]
    fn colour_only_when_asked() {
        let e = parse_override("x=[1").unwrap_err();
        assert!(!e.render().contains('\u{1b}'));
        assert!(!e.to_string().contains('\u{1b}'));
        assert!(e.render_for_terminal(true).contains('\u{1b}'));
    }
}
