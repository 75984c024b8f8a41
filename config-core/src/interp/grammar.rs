//! The interpolation language of OmegaConf 2.3 (`OmegaConfGrammarLexer.g4`
//! and `OmegaConfGrammarParser.g4`), parsed by hand in one left-to-right
//! pass: every byte is looked at a bounded number of times, so parsing is
//! linear in the input (Hydra once spent 27 s on one long interpolation in
//! the ANTLR grammar). Nesting is capped at [`MAX_INTERPOLATION_NESTING`] so hostile input
//! cannot exhaust the stack.
//!
//! Place in the flow: the resolver ([`super::resolve()`]) parses each string
//! that contains `${` with [`parse`] and evaluates the tree; `oc.decode`
//! parses its argument with [`parse_element`].
//!
//! The lexer modes of the reference are mirrored by the parse functions:
//! top-level text ([`parse`]), quoted strings, interpolations (`${a.b}`,
//! `${name:args}`) and resolver arguments (the VALUE mode: primitives,
//! quoted strings, lists and dicts). Whitespace is absorbed next to `,`
//! `:` `[` `]` `{` `}` exactly where the reference's tokens absorb it.

use std::fmt;
use std::ops::Range;

use super::limits::MAX_INTERPOLATION_NESTING;

/// A string that may contain interpolations: a config value, or the content
/// of a quoted resolver argument.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// Literal pieces (escapes already applied) and interpolations, in order.
    pub parts: Vec<Part>,
}

impl Text {
    /// The interpolation when the text is exactly one interpolation and
    /// nothing else (`${a}`): its result keeps the referenced type.
    pub fn single(&self) -> Option<&Interp> {
        match self.parts.as_slice() {
            [Part::Interp(i)] => Some(i),
            _ => None,
        }
    }
}

/// One piece of a [`Text`].
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// Literal text, unescaped.
    Lit(String),
    /// An interpolation.
    Interp(Interp),
}

/// `${...}`: a node reference or a resolver call.
#[derive(Clone, Debug, PartialEq)]
pub enum Interp {
    /// `${a.b}`, `${..x}`, `${l[0]}`, `${a.${b}}`.
    Node(NodeRef),
    /// `${name:arg, ...}`.
    Resolver(ResolverCall),
}

/// A node reference: leading dots (relative levels) and key segments.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeRef {
    /// Number of leading dots: 0 is absolute, 1 the containing node, 2 its parent...
    pub dots: usize,
    /// The key segments, in order.
    pub segs: Vec<Seg>,
    /// Byte range of the whole `${...}` in the parsed string.
    pub span: Range<usize>,
}

/// One segment of a node reference.
#[derive(Clone, Debug, PartialEq)]
pub struct Seg {
    /// Written in brackets (`[k]`) rather than after a dot.
    pub bracket: bool,
    /// The key.
    pub key: KeyPart,
}

/// A key (or a resolver name part): literal, or a nested interpolation
/// whose result must be a string.
#[derive(Clone, Debug, PartialEq)]
pub enum KeyPart {
    /// A literal key such as `a`, `$x`, `0`, `my-key`.
    Name(String),
    /// A nested interpolation such as `${b}` in `${a.${b}}`.
    Interp(Box<Interp>),
}

/// A resolver call `${name:args}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolverCall {
    /// Dotted name parts (`oc`, `env`), each literal or interpolated.
    pub name: Vec<KeyPart>,
    /// The arguments, in order.
    pub args: Vec<Arg>,
    /// Byte range of the whole `${...}` in the parsed string.
    pub span: Range<usize>,
}

/// A resolver argument and the byte range of its source text (the cache
/// key of cached resolvers is built from these texts).
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// The parsed argument.
    pub element: ArgValue,
    /// Where its text is in the parsed string.
    pub span: Range<usize>,
}

/// An element of the VALUE mode: a resolver argument, a list item, a dict value.
#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue {
    /// An empty slot (`a,,b`): the empty string, deprecated (omegaconf #572).
    Empty,
    /// Unquoted text, possibly with interpolations and escapes.
    Primitive(Vec<Piece>),
    /// A quoted string: always a string.
    Quoted(Text),
    /// `[a, b]`.
    List(Vec<Arg>),
    /// `{k: v}`: keys are typed primitives without interpolations.
    Dict(Vec<(Vec<Piece>, ArgValue)>),
}

/// A piece of an unquoted primitive.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// Raw text (identifiers, numbers, `/-+.$%*@?|:`, inner whitespace).
    Text(String),
    /// An escape sequence, already unescaped (`\,` gives `,`).
    Esc(String),
    /// An interpolation.
    Interp(Interp),
}

/// A syntax error: what is wrong and the byte offset where it was noticed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrammarError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the parsed string.
    pub offset: usize,
}

impl fmt::Display for GrammarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at offset {})", self.message, self.offset)
    }
}

impl std::error::Error for GrammarError {}

/// Parses a config value (`configValue` rule: text with interpolations).
///
/// ```
/// use config_core::interp::grammar::{parse, Part};
/// let t = parse("http://${host}:${port}/").unwrap();
/// assert_eq!(t.parts.len(), 5);
/// assert!(parse("${a.b}").unwrap().single().is_some());
/// assert!(parse("${unclosed").is_err());
/// ```
pub fn parse(text: &str) -> Result<Text, GrammarError> {
    let mut p = Parser::new(text);
    p.text(None)
}

/// Parses one element in VALUE mode (`singleElement` rule), as `oc.decode` does.
///
/// ```
/// use config_core::interp::grammar::{parse_element, ArgValue};
/// assert!(matches!(parse_element("[1, 2]").unwrap(), ArgValue::List(_)));
/// assert!(parse_element("[1, 2").is_err());
/// ```
pub fn parse_element(text: &str) -> Result<ArgValue, GrammarError> {
    let mut p = Parser::new(text);
    if p.at_end() {
        return Err(p.err("empty input: expected a value"));
    }
    let e = p.element(false)?;
    if !p.at_end() {
        return Err(p.err(&format!("unexpected {} after the value", p.describe())));
    }
    Ok(e)
}

/// True for the bytes of an `ID` token after its first character.
fn is_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// True when `s` is an `ID` token: a letter or `_`, then letters, digits, `_`, `-`.
pub fn is_id(s: &str) -> bool {
    let b = s.as_bytes();
    matches!(b.first(), Some(c) if c.is_ascii_alphabetic() || *c == b'_')
        && b.iter().all(|c| is_id_byte(*c))
}

/// Bytes an `INTER_KEY` token cannot contain.
fn ends_key(b: u8) -> bool {
    matches!(
        b,
        b'\\' | b'{' | b'}' | b'(' | b')' | b'[' | b']' | b':' | b'.' | b' ' | b'\t' | b'\'' | b'"'
    )
}

/// Bytes allowed in an unquoted primitive besides escapes and interpolations
/// (`ID`, `INT`, `FLOAT`, `UNQUOTED_CHAR`, `COLON`, `WS`).
fn is_unquoted_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'_' | b'-'
                | b'/'
                | b'\\'
                | b'+'
                | b'.'
                | b'$'
                | b'%'
                | b'*'
                | b'@'
                | b'?'
                | b'|'
                | b':'
                | b' '
                | b'\t'
        )
}

/// Characters that `\` escapes in VALUE mode (the `ESC` token).
fn is_escapable(b: u8) -> bool {
    matches!(
        b,
        b'\\' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b':' | b'=' | b',' | b' ' | b'\t'
    )
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(s: &'a str) -> Parser<'a> {
        Parser {
            s,
            b: s.as_bytes(),
            pos: 0,
            depth: 0,
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.b.len()
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn starts_interp(&self, at: usize) -> bool {
        self.b.get(at) == Some(&b'$') && self.b.get(at + 1) == Some(&b'{')
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn describe(&self) -> String {
        match self.s[self.pos.min(self.s.len())..].chars().next() {
            None => "end of input".into(),
            Some(c) => format!("'{c}'"),
        }
    }

    fn err(&self, message: &str) -> GrammarError {
        GrammarError {
            message: message.to_string(),
            offset: self.pos,
        }
    }

    fn enter(&mut self) -> Result<(), GrammarError> {
        self.depth += 1;
        if self.depth > MAX_INTERPOLATION_NESTING {
            return Err(self.err(&format!(
                "nesting deeper than {MAX_INTERPOLATION_NESTING} levels"
            )));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Top-level text (`quote` is None) or the inside of a quoted string
    /// (after its opening quote; consumes the closing one).
    fn text(&mut self, quote: Option<u8>) -> Result<Text, GrammarError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        loop {
            let Some(c) = self.peek() else {
                if quote.is_some() {
                    return Err(self.err("unterminated quoted string"));
                }
                break;
            };
            if Some(c) == quote {
                self.pos += 1;
                break;
            }
            if c == b'\\' {
                self.backslashes(quote, &mut lit);
                continue;
            }
            if self.starts_interp(self.pos) {
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                parts.push(Part::Interp(self.interp()?));
                continue;
            }
            // A run of plain text up to the next byte that matters.
            let start = self.pos;
            self.pos += 1;
            while let Some(c) = self.peek() {
                if c == b'\\' || c == b'$' || Some(c) == quote {
                    break;
                }
                self.pos += 1;
            }
            lit.push_str(&self.s[start..self.pos]);
        }
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        Ok(Text { parts })
    }

    /// A run of backslashes in text: before `${` (or a quote, or the end of
    /// a quoted string) pairs are unescaped and an odd one escapes what
    /// follows; anywhere else backslashes are literal.
    fn backslashes(&mut self, quote: Option<u8>, lit: &mut String) {
        let start = self.pos;
        while self.peek() == Some(b'\\') {
            self.pos += 1;
        }
        let n = self.pos - start;
        let halves = "\\".repeat(n / 2);
        if self.starts_interp(self.pos) {
            lit.push_str(&halves);
            if n % 2 == 1 {
                lit.push_str("${");
                self.pos += 2;
            }
        } else if quote.is_some() && self.peek() == quote {
            lit.push_str(&halves);
            if n % 2 == 1 {
                lit.push(char::from(quote.unwrap_or(b'\'')));
                self.pos += 1;
            }
        } else if quote.is_some() && self.at_end() {
            // Unterminated anyway; keep the text for the error path.
            lit.push_str(&self.s[start..self.pos]);
        } else {
            lit.push_str(&self.s[start..self.pos]);
        }
    }

    /// `${...}` starting at `self.pos`.
    fn interp(&mut self) -> Result<Interp, GrammarError> {
        let start = self.pos;
        self.pos += 2;
        self.enter()?;
        self.skip_ws();
        let mut dots = 0;
        while self.peek() == Some(b'.') {
            dots += 1;
            self.pos += 1;
        }
        let mut segs = vec![self.segment(true)?];
        loop {
            match self.peek() {
                Some(b'.') => {
                    self.pos += 1;
                    segs.push(self.segment(false)?);
                }
                Some(b'[') => segs.push(self.segment(true)?),
                _ => {
                    self.skip_ws();
                    match self.peek() {
                        Some(b'}') => {
                            self.pos += 1;
                            self.leave();
                            return Ok(Interp::Node(NodeRef {
                                dots,
                                segs,
                                span: start..self.pos,
                            }));
                        }
                        Some(b':') => {
                            let colon = self.pos;
                            self.pos += 1;
                            let name = resolver_name(dots, segs).map_err(|m| GrammarError {
                                message: m,
                                offset: colon,
                            })?;
                            self.skip_ws();
                            let args = self.sequence(b'}')?;
                            self.leave();
                            return Ok(Interp::Resolver(ResolverCall {
                                name,
                                args,
                                span: start..self.pos,
                            }));
                        }
                        None => return Err(self.err("missing '}' at the end of the interpolation")),
                        Some(_) => {
                            return Err(self.err(&format!(
                                "unexpected {} in an interpolation key",
                                self.describe()
                            )))
                        }
                    }
                }
            }
        }
    }

    /// One key segment: `[key]` when `allow_bracket` and the next byte is
    /// `[`, else a bare key.
    fn segment(&mut self, allow_bracket: bool) -> Result<Seg, GrammarError> {
        if allow_bracket && self.peek() == Some(b'[') {
            self.pos += 1;
            let key = self.config_key()?;
            if self.peek() != Some(b']') {
                return Err(self.err(&format!("expected ']' but found {}", self.describe())));
            }
            self.pos += 1;
            return Ok(Seg { bracket: true, key });
        }
        Ok(Seg {
            bracket: false,
            key: self.config_key()?,
        })
    }

    /// `configKey: interpolation | ID | INTER_KEY`.
    fn config_key(&mut self) -> Result<KeyPart, GrammarError> {
        if self.starts_interp(self.pos) {
            return Ok(KeyPart::Interp(Box::new(self.interp()?)));
        }
        let start = self.pos;
        while let Some(c) = self.peek() {
            if ends_key(c) {
                break;
            }
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.err(&format!("expected a key but found {}", self.describe())));
        }
        Ok(KeyPart::Name(self.s[start..self.pos].to_string()))
    }

    /// `sequence? close`: comma-separated slots, empty ones included; the
    /// opening token (and the whitespace after it) is already consumed.
    fn sequence(&mut self, close: u8) -> Result<Vec<Arg>, GrammarError> {
        let mut args = Vec::new();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(args);
        }
        loop {
            let start = self.pos;
            let element = match self.peek() {
                Some(b',') => ArgValue::Empty,
                Some(c) if c == close => ArgValue::Empty,
                None => return Err(self.err(&format!("missing '{}'", char::from(close)))),
                Some(_) => self.element(true)?,
            };
            let mut end = self.pos;
            while end > start && matches!(self.b[end - 1], b' ' | b'\t') {
                end -= 1;
            }
            args.push(Arg {
                element,
                span: start..end,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                }
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok(args);
                }
                None => return Err(self.err(&format!("missing '{}'", char::from(close)))),
                Some(_) => {
                    return Err(self.err(&format!(
                        "expected ',' or '{}' but found {}",
                        char::from(close),
                        self.describe()
                    )))
                }
            }
        }
    }

    /// One element. `delimited` is true inside a sequence or dict, where the
    /// whitespace before `,` `]` `}` belongs to that delimiter.
    fn element(&mut self, delimited: bool) -> Result<ArgValue, GrammarError> {
        match self.peek() {
            Some(q @ (b'\'' | b'"')) => {
                self.pos += 1;
                self.enter()?;
                let t = self.text(Some(q))?;
                self.leave();
                Ok(ArgValue::Quoted(t))
            }
            Some(b'[') => {
                self.pos += 1;
                self.enter()?;
                self.skip_ws();
                let items = self.sequence(b']')?;
                self.leave();
                Ok(ArgValue::List(items))
            }
            Some(b'{') => {
                self.pos += 1;
                self.enter()?;
                self.skip_ws();
                let d = self.dict()?;
                self.leave();
                Ok(ArgValue::Dict(d))
            }
            _ => self.primitive(delimited),
        }
    }

    /// The inside of `{...}` after the brace; consumes the closing brace.
    fn dict(&mut self) -> Result<Vec<(Vec<Piece>, ArgValue)>, GrammarError> {
        let mut pairs = Vec::new();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(pairs);
        }
        loop {
            let key = self.dict_key()?;
            self.pos += 1; // the ':'
            self.skip_ws();
            if matches!(self.peek(), Some(b',' | b'}') | None) {
                return Err(self.err("expected a value after ':'"));
            }
            let value = self.element(true)?;
            pairs.push((key, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(pairs);
                }
                None => return Err(self.err("missing '}' at the end of the dict")),
                Some(_) => {
                    return Err(self.err(&format!(
                        "expected ',' or '}}' but found {}",
                        self.describe()
                    )))
                }
            }
        }
    }

    /// A dict key, up to (not including) its ':'.
    fn dict_key(&mut self) -> Result<Vec<Piece>, GrammarError> {
        let mut pieces = Vec::new();
        loop {
            match self.peek() {
                Some(b':') => break,
                None => return Err(self.err("expected ':' after a dict key")),
                Some(b'$') if self.starts_interp(self.pos) => {
                    return Err(self.err("interpolations are not allowed in dict keys"))
                }
                Some(b'\\') if self.b.get(self.pos + 1).is_some_and(|c| is_escapable(*c)) => {
                    self.escape(&mut pieces);
                }
                Some(c) if is_unquoted_byte(c) => self.plain(&mut pieces, true),
                Some(_) => {
                    return Err(self.err(&format!("unexpected {} in a dict key", self.describe())))
                }
            }
        }
        trim_end(&mut pieces, false);
        if pieces.is_empty() {
            return Err(self.err("empty dict key"));
        }
        Ok(pieces)
    }

    /// An unquoted primitive: text, escapes and interpolations.
    fn primitive(&mut self, delimited: bool) -> Result<ArgValue, GrammarError> {
        let mut pieces = Vec::new();
        loop {
            match self.peek() {
                None => break,
                Some(b',' | b']' | b'}') if delimited => break,
                Some(b'$') if self.starts_interp(self.pos) => {
                    pieces.push(Piece::Interp(self.interp()?))
                }
                Some(b'\\') if self.b.get(self.pos + 1).is_some_and(|c| is_escapable(*c)) => {
                    self.escape(&mut pieces);
                }
                Some(c) if is_unquoted_byte(c) => self.plain(&mut pieces, false),
                Some(_) => {
                    return Err(self.err(&format!(
                        "unexpected {} in an unquoted value (quote the value)",
                        self.describe()
                    )))
                }
            }
        }
        if delimited {
            trim_end(&mut pieces, true);
        }
        if pieces.is_empty() {
            return Err(self.err(&format!("expected a value but found {}", self.describe())));
        }
        Ok(ArgValue::Primitive(pieces))
    }

    /// A run of escapes `\x`, appended as one [`Piece::Esc`].
    fn escape(&mut self, pieces: &mut Vec<Piece>) {
        let mut out = String::new();
        while self.peek() == Some(b'\\')
            && self.b.get(self.pos + 1).is_some_and(|c| is_escapable(*c))
        {
            out.push(char::from(self.b[self.pos + 1]));
            self.pos += 2;
        }
        pieces.push(Piece::Esc(out));
    }

    /// A run of plain unquoted bytes (no `:` in dict keys), merged into the
    /// last text piece.
    fn plain(&mut self, pieces: &mut Vec<Piece>, in_key: bool) {
        let start = self.pos;
        while let Some(c) = self.peek() {
            let stop = !is_unquoted_byte(c)
                || (c == b'$' && self.starts_interp(self.pos))
                || (c == b'\\' && self.b.get(self.pos + 1).is_some_and(|n| is_escapable(*n)))
                || (in_key && c == b':');
            if stop {
                break;
            }
            self.pos += 1;
        }
        let text = &self.s[start..self.pos];
        if let Some(Piece::Text(t)) = pieces.last_mut() {
            t.push_str(text);
        } else {
            pieces.push(Piece::Text(text.to_string()));
        }
    }
}

/// Drops the whitespace that the next delimiter absorbs. After a `:`
/// whitespace belongs to the colon token and stays (when `keep_after_colon`).
fn trim_end(pieces: &mut Vec<Piece>, keep_after_colon: bool) {
    if let Some(Piece::Text(t)) = pieces.last_mut() {
        let trimmed = t.trim_end_matches([' ', '\t']);
        if trimmed.len() != t.len() && !(keep_after_colon && trimmed.ends_with(':')) {
            t.truncate(trimmed.len());
        }
        if t.is_empty() {
            pieces.pop();
        }
    }
}

/// Validates a node reference followed by `:` as a resolver name:
/// `(interpolation | ID) (DOT (interpolation | ID))*`.
fn resolver_name(dots: usize, segs: Vec<Seg>) -> Result<Vec<KeyPart>, String> {
    if dots > 0 {
        return Err("a resolver name cannot start with '.'".into());
    }
    let mut name = Vec::with_capacity(segs.len());
    for seg in segs {
        if seg.bracket {
            return Err("a resolver name cannot contain '['".into());
        }
        if let KeyPart::Name(n) = &seg.key {
            if !is_id(n) {
                return Err(format!(
                    "invalid resolver name part '{n}' (letters, digits, '_' and '-', not starting with a digit)"
                ));
            }
        }
        name.push(seg.key);
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(s: &str) -> NodeRef {
        match parse(s).unwrap().single().cloned() {
            Some(Interp::Node(n)) => n,
            other => panic!("{other:?}"),
        }
    }

    fn call(s: &str) -> ResolverCall {
        match parse(s).unwrap().single().cloned() {
            Some(Interp::Resolver(r)) => r,
            other => panic!("{other:?}"),
        }
    }

    fn name(k: &KeyPart) -> &str {
        match k {
            KeyPart::Name(n) => n,
            KeyPart::Interp(_) => "<interp>",
        }
    }

    #[test]
    fn node_forms() {
        let n = node("${a.b}");
        assert_eq!((n.dots, n.segs.len()), (0, 2));
        let n = node("${..x}");
        assert_eq!(n.dots, 2);
        let n = node("${db[primary].host}");
        assert!(n.segs[1].bracket && !n.segs[2].bracket);
        assert_eq!(name(&n.segs[1].key), "primary");
        let n = node("${l.0}");
        assert_eq!(name(&n.segs[1].key), "0");
        let n = node("${a.${b}}");
        assert!(matches!(n.segs[1].key, KeyPart::Interp(_)));
        let n = node("${ a }");
        assert_eq!(name(&n.segs[0].key), "a");
        for k in ["$dollar", "my-key", "ключ", "123abc", "a$b"] {
            let n = node(&format!("${{{k}}}"));
            assert_eq!(name(&n.segs[0].key), k);
        }
        let n = node("${[a][0]}");
        assert!(n.segs[0].bracket);
    }

    #[test]
    fn node_errors() {
        for bad in [
            "${unclosed",
            "${}",
            "${a..b}",
            "${a b}",
            "${foo${bar}}",
            "${a.}",
            "${.}",
            "${a['b']}",
            "${a[b}",
            "${.a:x}",
            "${1a:x}",
            "${a[0]:x}",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn text_and_escapes() {
        let t = parse("x_${a}_y").unwrap();
        assert_eq!(t.parts.len(), 3);
        assert_eq!(
            parse(r"\${a}").unwrap().parts,
            vec![Part::Lit("${a}".into())]
        );
        let t = parse(r"C:\\${a}").unwrap();
        assert_eq!(t.parts[0], Part::Lit(r"C:\".into()));
        assert!(matches!(t.parts[1], Part::Interp(_)));
        assert_eq!(
            parse(r"\\\${a}").unwrap().parts,
            vec![Part::Lit(r"\${a}".into())]
        );
        assert_eq!(
            parse(r"a\b\\c $ {").unwrap().parts,
            vec![Part::Lit(r"a\b\\c $ {".into())]
        );
    }

    #[test]
    fn resolver_args() {
        let r = call("${oc.env:HOME, 'a, b: c' , [1, x], {k: 1}}");
        assert_eq!(r.name.len(), 2);
        assert_eq!(r.args.len(), 4);
        assert!(matches!(r.args[1].element, ArgValue::Quoted(_)));
        assert!(matches!(r.args[2].element, ArgValue::List(ref l) if l.len() == 2));
        assert!(matches!(r.args[3].element, ArgValue::Dict(ref d) if d.len() == 1));
        let src = "${f:a , b}";
        let r = call(src);
        assert_eq!(&src[r.args[0].span.clone()], "a");
        assert_eq!(
            r.args[1].element,
            ArgValue::Primitive(vec![Piece::Text("b".into())])
        );
        assert!(call("${f:}").args.is_empty());
        assert!(call("${f: }").args.is_empty());
        let r = call("${f:a,,}");
        assert_eq!(r.args.len(), 3);
        assert_eq!(r.args[1].element, ArgValue::Empty);
        let r = call(r"${f:a\,b}");
        assert_eq!(
            r.args[0].element,
            ArgValue::Primitive(vec![
                Piece::Text("a".into()),
                Piece::Esc(",".into()),
                Piece::Text("b".into())
            ])
        );
        let r = call(r"${f:'it\'s'}");
        assert_eq!(
            r.args[0].element,
            ArgValue::Quoted(Text {
                parts: vec![Part::Lit("it's".into())]
            })
        );
        let r = call("${ns.${x}:3}");
        assert!(matches!(r.name[1], KeyPart::Interp(_)));
        let r = call("${f:a: b }");
        assert_eq!(
            r.args[0].element,
            ArgValue::Primitive(vec![Piece::Text("a: b".into())])
        );
    }

    #[test]
    fn resolver_arg_errors() {
        for bad in [
            "${f:a b'c'}",
            "${f:(x)}",
            "${f:é}",
            "${f:[1}",
            "${f:{a}}",
            "${f:{${x}: 1}}",
            "${f:'x}",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn single_element() {
        assert!(matches!(
            parse_element("{a: 1, b: [x]}").unwrap(),
            ArgValue::Dict(_)
        ));
        assert_eq!(
            parse_element(" 42").unwrap(),
            ArgValue::Primitive(vec![Piece::Text(" 42".into())])
        );
        assert!(parse_element("[1] ").is_err());
        assert!(parse_element("").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "${a.".repeat(10_000) + &"}".repeat(10_000);
        assert!(parse(&deep).is_err());
        let deep = "${f:".to_string() + &"[".repeat(10_000);
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn long_inputs_parse_in_linear_time() {
        // Hydra #1480: `${long_string1xxx}_${long_string2xxx:${a_key}}` took 27 s
        // in the ANTLR grammar. This parser makes one pass, so 100 KB is instant.
        let long = "x".repeat(50_000);
        let s = format!("${{{long}1}}_${{{long}2:${{a_key}}}}");
        assert!(s.len() > 100_000);
        let t = parse(&s).unwrap();
        assert_eq!(t.parts.len(), 3);
        let many = "${a}_".repeat(20_000);
        assert_eq!(parse(&many).unwrap().parts.len(), 40_000);
        let args = format!("${{f:{}}}", "a,".repeat(50_000));
        assert!(
            matches!(parse(&args).unwrap().single(), Some(Interp::Resolver(r)) if r.args.len() == 50_001)
        );
    }
}
