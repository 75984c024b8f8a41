//! The recursive-descent parser of Hydra 1.3's `OverrideParser.g4`, with
//! function calls evaluated as they are parsed. Input: the tokens from
//! [`lexer`](super::lexer); output: an [`Override`]. Each token is looked at
//! a bounded number of times, so parsing is linear; nesting is limited to
//! [`MAX_OVERRIDE_NESTING`] so that no input can exhaust the stack.

use super::element::{unescape_quoted, Element, Quote};
use super::functions::{self, FnError, FUNCTIONS};
use super::lexer::{lex_key, lex_value, LexError, Tok, Token};
use super::sweep::{ChoiceSweep, Sweep, SweepRng};
use super::{Override, OverrideKind, OverrideValue};
use crate::error::did_you_mean;
use crate::grammar::primitive::{is_int, type_primitive};
use crate::node::Value;
use crate::{Error, ErrorKind};
use std::collections::HashMap;

/// How deeply lists, dicts and function calls may nest.
pub const MAX_OVERRIDE_NESTING: usize = 128;

/// How many parts a key (`a.b.c`, `group/sub`) or a package (`@a.b`) may
/// have. Each part is one level of the config: the YAML loader reads 128
/// levels, so a deeper key would make a config that cannot be read back,
/// and keys of 200,000 parts exhausted the stack where the override is
/// applied (and made the printed YAML, indented per level, quadratic).
pub const MAX_KEY_SEGMENTS: usize = 128;

/// A parse failure: where (byte offset), what, and a possible fix.
struct Failure {
    at: usize,
    message: String,
    hint: Option<String>,
}

type Res<T> = Result<T, Failure>;

fn fail<T>(at: usize, message: impl Into<String>) -> Res<T> {
    Err(Failure {
        at,
        message: message.into(),
        hint: None,
    })
}

/// Parses one override; `rng` orders `shuffle([...])` of a list.
pub(crate) fn parse(text: &str, rng: &mut SweepRng) -> Result<Override, Error> {
    let o = parse_inner(text, rng).map_err(|f| to_error(text, f))?;
    check_key_depth(text, &o.key_or_group, o.package.as_deref())?;
    Ok(o)
}

/// The number of parts of a key, package or group path: `a.b/c` has 3.
pub(crate) fn key_segments(key: &str) -> usize {
    1 + key.bytes().filter(|b| matches!(b, b'.' | b'/')).count()
}

/// Refuses a key or package of more than [`MAX_KEY_SEGMENTS`] parts;
/// `text` is the override as written, shortened in the message.
pub(crate) fn check_key_depth(text: &str, key: &str, package: Option<&str>) -> Result<(), Error> {
    let (what, parts) = match package.map(key_segments) {
        Some(n) if n > MAX_KEY_SEGMENTS => ("package", n),
        _ => ("key", key_segments(key)),
    };
    if parts <= MAX_KEY_SEGMENTS {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Limit,
        format!(
            "Invalid override '{}': its {what} has {parts} parts, more than the limit of {MAX_KEY_SEGMENTS}",
            shorten(text)
        ),
    )
    .with_hint(format!(
        "each part of a {what} is one level of the config; write one of at most {MAX_KEY_SEGMENTS} parts"
    )))
}

/// `text` for a message: long overrides (a generated key of 400 KB) are
/// cut to their start and their length.
pub(crate) fn shorten(text: &str) -> String {
    const SHOWN: usize = 60;
    if text.chars().count() <= SHOWN + 20 {
        return text.to_string();
    }
    let head: String = text.chars().take(SHOWN).collect();
    format!("{head}... ({} characters)", text.len())
}

fn to_error(text: &str, f: Failure) -> Error {
    let mut e = Error::new(
        ErrorKind::OverrideParse,
        format!("Invalid override '{}': {}", shorten(text), f.message),
    )
    .with_snippet(text, f.at);
    if let Some(h) = f.hint {
        e = e.with_hint(h);
    }
    e.with_hint("the override grammar: https://hydra.cc/docs/1.3/advanced/override_grammar/basic")
}

fn lex_failure(text: &str, e: LexError) -> Failure {
    let c = text[e.at..].chars().next().unwrap_or(' ');
    if e.open_quote {
        return Failure {
            at: e.at,
            message: format!("the quoted string starting here has no closing {c}"),
            hint: Some(format!(
                "close the quote; a {c} inside the string is written \\{c}"
            )),
        };
    }
    Failure {
        at: e.at,
        message: format!("unexpected character {c:?}"),
        hint: Some(
            "quote the value ('...' or \"...\") to use characters outside the grammar, or escape them with \\"
                .into(),
        ),
    }
}

fn parse_inner(text: &str, rng: &mut SweepRng) -> Res<Override> {
    let (key_toks, value_start) = lex_key(text).map_err(|e| key_lex_failure(text, e))?;
    let mut k = KeyParser {
        toks: &key_toks,
        pos: 0,
        text,
    };
    let kind = k.prefix()?;
    let (key_or_group, package) = k.key()?;
    let has_equal = match k.peek() {
        Some(t) if t.kind == Tok::Equal => true,
        None if kind == OverrideKind::Delete => false,
        Some(t) => {
            let hint = match t.kind {
                Tok::Colon => "Hydra 1.3 has no `group@pkg1:pkg2` form; use `group@pkg2=option`",
                Tok::At => "a key has at most one @package",
                _ => "write the key, then '=' and the value",
            };
            return Err(Failure {
                at: t.start,
                message: format!("expected '=' after the key, found {}", t.kind.describe()),
                hint: Some(hint.into()),
            });
        }
        None if key_or_group.is_empty() && package.is_none() => {
            return Err(Failure {
                at: text.len(),
                message: match kind.prefix() {
                    "" => "expected an override, KEY=VALUE".to_string(),
                    prefix => format!("expected a key after '{prefix}'"),
                },
                hint: Some("write the key, then '=' and the value: +trainer.seed=1".into()),
            })
        }
        None => {
            return Err(Failure {
                at: text.len(),
                message: "expected '=' after the key".into(),
                hint: Some(format!(
                    "write `{text}=VALUE`; only a delete (~key) may omit the value"
                )),
            })
        }
    };
    let value = match (has_equal, value_start) {
        (true, Some(start)) => {
            let toks = lex_value(text, start).map_err(|e| lex_failure(text, e))?;
            let mut v = ValueParser {
                toks: &toks,
                pos: 0,
                text,
                depth: 0,
                rng,
            };
            Some(v.value()?)
        }
        _ => None,
    };
    Ok(Override {
        input: text.to_string(),
        key_or_group,
        package,
        kind,
        value,
    })
}

fn key_lex_failure(text: &str, e: LexError) -> Failure {
    let c = text[e.at..].chars().next().unwrap_or(' ');
    let hint = match c {
        ' ' | '\t' => "keys cannot contain whitespace (only the value may be surrounded by spaces)",
        '.' => "each part of a dotted key must be a name or a list index: a.b.0",
        '0'..='9' => {
            "a key cannot start with a digit, except list indices inside a dotted path (a.0)"
        }
        _ => "keys are names ([A-Za-z_][A-Za-z0-9_-]*, `$` allowed), dotted paths, or group/paths",
    };
    Failure {
        at: e.at,
        message: format!("unexpected character {c:?} in the key"),
        hint: Some(hint.into()),
    }
}

struct KeyParser<'a> {
    toks: &'a [Token],
    pos: usize,
    text: &'a str,
}

impl KeyParser<'_> {
    fn peek(&self) -> Option<Token> {
        self.toks.get(self.pos).copied()
    }

    fn prefix(&mut self) -> Res<OverrideKind> {
        match self.peek().map(|t| t.kind) {
            Some(Tok::Tilde) => {
                self.pos += 1;
                Ok(OverrideKind::Delete)
            }
            Some(Tok::Plus) => {
                self.pos += 1;
                if self.peek().map(|t| t.kind) == Some(Tok::Plus) {
                    self.pos += 1;
                    return Ok(OverrideKind::ForceAdd);
                }
                Ok(OverrideKind::Add)
            }
            _ => Ok(OverrideKind::Change),
        }
    }

    fn word(&self, t: Token) -> &str {
        &self.text[t.start..t.end]
    }

    /// `packageOrGroup ('@' package)?`
    fn key(&mut self) -> Res<(String, Option<String>)> {
        let mut key = String::new();
        if let Some(t) = self.peek() {
            let is_group = t.kind == Tok::Id
                && self.toks.get(self.pos + 1).map(|n| n.kind) == Some(Tok::Slash);
            if is_group {
                key.push_str(self.word(t));
                self.pos += 1;
                while self.peek().map(|t| t.kind) == Some(Tok::Slash) {
                    let slash = self.peek().map(|t| t.start).unwrap_or(0);
                    self.pos += 1;
                    match self.peek() {
                        Some(seg) if seg.kind == Tok::Id => {
                            key.push('/');
                            key.push_str(self.word(seg));
                            self.pos += 1;
                        }
                        other => {
                            return Err(Failure {
                                at: other.map_or(self.text.len(), |t| t.start).max(slash + 1),
                                message: "expected a group name after '/'".into(),
                                hint: Some(
                                    "group paths are names separated by '/': hydra/launcher".into(),
                                ),
                            })
                        }
                    }
                }
            } else if let Some(pkg) = self.package() {
                key = pkg;
            }
        }
        let mut package = None;
        if self.peek().map(|t| t.kind) == Some(Tok::At) {
            self.pos += 1;
            package = Some(self.package().unwrap_or_default());
        }
        if let Some(t) = self.peek() {
            if matches!(t.kind, Tok::Tilde | Tok::Plus | Tok::Slash) {
                return Err(Failure {
                    at: t.start,
                    message: format!("unexpected {} in the key", t.kind.describe()),
                    hint: Some("the prefix is one of `+`, `++` or `~`, before the key".into()),
                });
            }
        }
        Ok((key, package))
    }

    /// `ID | KEY_SPECIAL | DOT_PATH`, or nothing.
    fn package(&mut self) -> Option<String> {
        let t = self.peek()?;
        if matches!(t.kind, Tok::Id | Tok::KeySpecial | Tok::DotPath) {
            self.pos += 1;
            return Some(self.word(t).to_string());
        }
        None
    }
}

struct ValueParser<'a, 'r> {
    toks: &'a [Token],
    pos: usize,
    text: &'a str,
    depth: usize,
    rng: &'r mut SweepRng,
}

/// Tokens that may form an unquoted primitive.
fn primitive_tok(k: Tok) -> bool {
    matches!(
        k,
        Tok::Id
            | Tok::Null
            | Tok::Int
            | Tok::Float
            | Tok::Bool
            | Tok::Interpolation
            | Tok::UnquotedChar
            | Tok::Colon
            | Tok::Esc
            | Tok::Ws
    )
}

/// Tokens that may form a dict key (no `:`, no interpolation).
fn dict_key_tok(k: Tok) -> bool {
    primitive_tok(k) && !matches!(k, Tok::Colon | Tok::Interpolation)
}

impl ValueParser<'_, '_> {
    fn peek(&self) -> Option<Token> {
        self.toks.get(self.pos).copied()
    }

    fn peek_kind(&self) -> Option<Tok> {
        self.peek().map(|t| t.kind)
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.text.len(), |t| t.start)
    }

    fn tok_text(&self, t: Token) -> &str {
        &self.text[t.start..t.end]
    }

    /// `element | element (',' element)+`, then the end of the input.
    fn value(&mut self) -> Res<OverrideValue> {
        if self.peek().is_none() {
            return Ok(OverrideValue::Element(Element::str("")));
        }
        let first_at = self.here();
        let first = self.element()?;
        if self.peek_kind() != Some(Tok::Comma) {
            self.expect_end()?;
            return Ok(first);
        }
        let mut items = vec![self.plain(first, first_at)?];
        while self.peek_kind() == Some(Tok::Comma) {
            self.pos += 1;
            let at = self.here();
            if self.peek().is_none() {
                return Err(Failure {
                    at,
                    message: "expected a value after ','".into(),
                    hint: Some(
                        "remove the trailing ',', or escape it (\\,) or quote the value to keep it"
                            .into(),
                    ),
                });
            }
            let item = self.element()?;
            items.push(self.plain(item, at)?);
        }
        self.expect_end()?;
        Ok(OverrideValue::Sweep(Sweep::Choice(ChoiceSweep {
            items,
            simple: true,
            ..ChoiceSweep::default()
        })))
    }

    /// An element where a sweep is not allowed (inside a list, a dict or a
    /// simple sweep).
    fn plain(&self, v: OverrideValue, at: usize) -> Res<Element> {
        match v {
            OverrideValue::Element(e) => Ok(e),
            OverrideValue::Sweep(s) => Err(Failure {
                at,
                message: format!(
                    "a {} cannot be nested inside another value",
                    s.value_type().replace('_', " ")
                ),
                hint: Some("a sweep must be the whole value: key=choice(a,b)".into()),
            }),
        }
    }

    fn expect_end(&self) -> Res<()> {
        let Some(t) = self.peek() else { return Ok(()) };
        let found = self.tok_text(t).trim();
        let mut f = Failure {
            at: t.start,
            message: format!("unexpected '{found}' after the value"),
            hint: None,
        };
        f.hint = Some(match t.kind {
            Tok::BraceClose
                if self.toks[..self.pos]
                    .iter()
                    .any(|p| p.kind == Tok::Interpolation) =>
            {
                "nested interpolations must be quoted: key='${a.${b}}'".into()
            }
            Tok::BraceOpen if self.pos > 0 && self.tok_text(self.toks[self.pos - 1]) == "$" => {
                "an interpolation needs a closing '}': ${key}".into()
            }
            Tok::Equal => "quote the value (key='a=b') or escape the '=' (a\\=b)".into(),
            Tok::Ws => {
                "one value per override; to sweep, separate values with ',', or quote the value"
                    .into()
            }
            Tok::Quoted => "a quoted string must be the whole value: key='a b'".into(),
            Tok::BracketClose | Tok::BraceClose | Tok::PClose => {
                format!("this '{found}' closes nothing; remove it, or escape it (\\{found}) or quote the value")
            }
            _ => "quote the value to use these characters literally".into(),
        });
        Err(f)
    }

    fn enter(&mut self) -> Res<()> {
        self.depth += 1;
        if self.depth > MAX_OVERRIDE_NESTING {
            return fail(
                self.here(),
                format!("values nest more than {MAX_OVERRIDE_NESTING} levels deep"),
            );
        }
        Ok(())
    }

    /// `primitive | list | dict | function`.
    fn element(&mut self) -> Res<OverrideValue> {
        let Some(t) = self.peek() else {
            return Err(Failure {
                at: self.text.len(),
                message: "expected a value, found the end of the input".into(),
                hint: None,
            });
        };
        match t.kind {
            Tok::BracketOpen => self.list().map(OverrideValue::Element),
            Tok::BraceOpen => self.dict().map(OverrideValue::Element),
            Tok::Quoted => {
                self.pos += 1;
                let token = self.tok_text(t);
                let quote = if token.starts_with('\'') {
                    Quote::Single
                } else {
                    Quote::Double
                };
                Ok(OverrideValue::Element(Element::Str {
                    text: unescape_quoted(token),
                    quote: Some(quote),
                }))
            }
            Tok::Id if self.toks.get(self.pos + 1).map(|n| n.kind) == Some(Tok::POpen) => {
                self.function()
            }
            k if primitive_tok(k) => self.primitive(primitive_tok).map(OverrideValue::Element),
            _ => Err(self.unexpected("a value")),
        }
    }

    fn unexpected(&self, expected: &str) -> Failure {
        match self.peek() {
            None => Failure {
                at: self.text.len(),
                message: format!("expected {expected}, found the end of the input"),
                hint: None,
            },
            Some(t) => {
                let found = self.tok_text(t).trim();
                let hint = match t.kind {
                    Tok::Equal => {
                        Some("quote the value (key='a=b') or escape the '=' (a\\=b)".to_string())
                    }
                    Tok::Comma => {
                        Some("remove the extra ',' (empty items are not allowed)".to_string())
                    }
                    Tok::POpen => Some("quote the value or escape the '(' (\\()".to_string()),
                    _ => None,
                };
                Failure {
                    at: t.start,
                    message: format!("expected {expected}, found '{found}'"),
                    hint,
                }
            }
        }
    }

    /// `'[' (element (',' element)*)? ']'`
    fn list(&mut self) -> Res<Element> {
        self.enter()?;
        let open = self.here();
        self.pos += 1;
        let mut items = Vec::new();
        if self.peek_kind() == Some(Tok::BracketClose) {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Element::List(items));
        }
        loop {
            let at = self.here();
            let item = self.element()?;
            items.push(self.plain(item, at)?);
            match self.peek_kind() {
                Some(Tok::Comma) => self.pos += 1,
                Some(Tok::BracketClose) => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Element::List(items));
                }
                _ => return Err(self.unclosed(open, "','  or ']'", ']')),
            }
        }
    }

    fn unclosed(&self, open: usize, expected: &str, close: char) -> Failure {
        let mut f = self.unexpected(expected);
        if self.peek().is_none() {
            f.message = format!(
                "the '{}' opened here is never closed",
                &self.text[open..open + 1]
            );
            f.at = open;
            f.hint = Some(format!("add the closing '{close}'"));
        }
        f
    }

    /// `'{' (key ':' element (',' key ':' element)*)? '}'`
    fn dict(&mut self) -> Res<Element> {
        self.enter()?;
        let open = self.here();
        self.pos += 1;
        // Values stay unchecked until the end: a later duplicate key may
        // replace a sweep, as in Python's dict.
        let mut pairs: Vec<(Element, OverrideValue, usize)> = Vec::new();
        // Small dicts look keys up by scanning; large ones through a map,
        // which keeps parsing linear.
        let mut index: Option<HashMap<KeyId, usize>> = None;
        if self.peek_kind() == Some(Tok::BraceClose) {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Element::Dict(Vec::new()));
        }
        loop {
            if !self.peek_kind().is_some_and(dict_key_tok) {
                let mut f = self.unexpected("a dict key");
                if matches!(self.peek_kind(), Some(Tok::Quoted | Tok::Interpolation)) {
                    f.hint =
                        Some("dict keys cannot be quoted or interpolated: {key: value}".into());
                }
                if self.peek().is_none() {
                    return Err(self.unclosed(open, "a dict key", '}'));
                }
                return Err(f);
            }
            let key = self.primitive(dict_key_tok)?;
            if self.peek_kind() != Some(Tok::Colon) {
                let mut f = self.unexpected("':' after the dict key");
                f.hint = Some("dict entries are written key: value".into());
                return Err(f);
            }
            self.pos += 1;
            let at = self.here();
            let value = self.element()?;
            let id = KeyId::of(&key);
            let found = match &index {
                Some(map) => map.get(&id).copied(),
                None => pairs.iter().position(|(k, _, _)| KeyId::of(k) == id),
            };
            match found {
                Some(i) => (pairs[i].1, pairs[i].2) = (value, at),
                None => {
                    if let Some(map) = &mut index {
                        map.insert(id, pairs.len());
                    } else if pairs.len() >= 16 {
                        let mut map: HashMap<KeyId, usize> = pairs
                            .iter()
                            .enumerate()
                            .map(|(i, (k, _, _))| (KeyId::of(k), i))
                            .collect();
                        map.insert(id, pairs.len());
                        index = Some(map);
                    }
                    pairs.push((key, value, at));
                }
            }
            match self.peek_kind() {
                Some(Tok::Comma) => self.pos += 1,
                Some(Tok::BraceClose) => {
                    self.pos += 1;
                    self.depth -= 1;
                    let pairs = pairs
                        .into_iter()
                        .map(|(k, v, at)| Ok((k, self.plain(v, at)?)))
                        .collect::<Res<Vec<_>>>()?;
                    return Ok(Element::Dict(pairs));
                }
                _ => return Err(self.unclosed(open, "',' or '}'", '}')),
            }
        }
    }

    /// A run of primitive tokens: one typed token, or a string made of
    /// several (escapes removed, the outer whitespace trimmed).
    fn primitive(&mut self, allowed: fn(Tok) -> bool) -> Res<Element> {
        let start = self.pos;
        while self.peek_kind().is_some_and(allowed) {
            self.pos += 1;
        }
        let mut toks = &self.toks[start..self.pos];
        if toks.first().is_some_and(|t| t.kind == Tok::Ws) {
            toks = &toks[1..];
        }
        if toks.last().is_some_and(|t| t.kind == Tok::Ws) {
            toks = &toks[..toks.len() - 1];
        }
        match toks {
            [] => fail(self.toks[start].start, "a value cannot be only whitespace"),
            [t] => Ok(self.single(*t)),
            _ => {
                let mut s = String::new();
                for t in toks {
                    let text = self.tok_text(*t);
                    if t.kind == Tok::Esc {
                        s.extend(text.chars().skip(1).step_by(2));
                    } else {
                        s.push_str(text);
                    }
                }
                Ok(Element::str(s))
            }
        }
    }

    /// The value of a primitive made of one token.
    fn single(&self, t: Token) -> Element {
        let text = self.tok_text(t);
        match t.kind {
            Tok::Int | Tok::Float | Tok::Bool | Tok::Null => match type_primitive(text) {
                Some(Value::Int(i)) => Element::Int(i),
                Some(Value::Float(x)) => Element::Float(x),
                Some(Value::Bool(b)) => Element::Bool(b),
                Some(Value::Null) => Element::Null,
                _ if is_int(text) => big_int(text),
                _ => Element::str(text),
            },
            Tok::Esc => Element::str(text.chars().skip(1).step_by(2).collect::<String>()),
            _ => Element::str(text),
        }
    }

    /// `ID '(' (argName? element (',' argName? element)*)? ')'`, evaluated.
    fn function(&mut self) -> Res<OverrideValue> {
        self.enter()?;
        let name_tok = self.toks[self.pos];
        let name = self.tok_text(name_tok).to_string();
        self.pos += 2;
        let mut args = Vec::new();
        let mut kwargs: Vec<(String, OverrideValue)> = Vec::new();
        if self.peek_kind() != Some(Tok::PClose) {
            loop {
                let is_named = self.peek_kind() == Some(Tok::Id)
                    && self.toks.get(self.pos + 1).map(|n| n.kind) == Some(Tok::Equal);
                if is_named {
                    let arg = self.tok_text(self.toks[self.pos]).to_string();
                    self.pos += 2;
                    let v = self.element()?;
                    match kwargs.iter_mut().find(|(k, _)| *k == arg) {
                        Some(slot) => slot.1 = v,
                        None => kwargs.push((arg, v)),
                    }
                } else {
                    if !kwargs.is_empty() {
                        let mut f = self.unexpected("a named argument");
                        f.message = "positional argument follows keyword argument".into();
                        f.hint =
                            Some("put positional arguments first: range(1, 10, step=2)".into());
                        return Err(f);
                    }
                    args.push(self.element()?);
                }
                match self.peek_kind() {
                    Some(Tok::Comma) => self.pos += 1,
                    Some(Tok::PClose) => break,
                    _ => {
                        let mut f = self.unclosed(name_tok.end, "',' or ')'", ')');
                        if self.peek().is_none() {
                            f.message = format!("the call to {name}() is never closed");
                        }
                        return Err(f);
                    }
                }
            }
        }
        let end = self.toks[self.pos].end;
        self.pos += 1;
        self.depth -= 1;
        let call_text = &self.text[name_tok.start..end];
        functions::call(&name, args, kwargs, self.rng)
            .map_err(|e| fn_failure(name_tok.start, call_text, &name, e))
    }
}

fn fn_failure(at: usize, call_text: &str, name: &str, e: FnError) -> Failure {
    let sep = if e.message.is_empty() { "" } else { " " };
    let mut f = Failure {
        at,
        message: format!(
            "{} while evaluating '{call_text}':{sep}{}",
            e.exc, e.message
        ),
        hint: None,
    };
    if e.exc == "HydraException" {
        let close = did_you_mean(name, FUNCTIONS.iter().copied());
        f.hint = Some(match close.first() {
            Some(c) => format!("did you mean {c}()? Available functions: {}", FUNCTIONS.join(", ")),
            None => format!(
                "available functions: {}; to use the text literally, quote the value or escape the '(' (\\()",
                FUNCTIONS.join(", ")
            ),
        });
    }
    f
}

/// An integer token beyond 64 bits, kept exact.
fn big_int(text: &str) -> Element {
    let digits: String = text.chars().filter(|c| *c != '_' && *c != '+').collect();
    Element::BigInt(digits)
}

/// Identity of a dict key as Python hashes it (1, 1.0 and True collide).
#[derive(Hash, PartialEq, Eq)]
enum KeyId {
    Null,
    Int(i64),
    Float(u64),
    Str(String),
    Other(String),
}

impl KeyId {
    fn of(e: &Element) -> KeyId {
        match e {
            Element::Null => KeyId::Null,
            Element::Bool(b) => KeyId::Int(i64::from(*b)),
            Element::Int(i) => KeyId::Int(*i),
            Element::Float(x) if x.fract() == 0.0 && x.abs() < 9.0e18 => KeyId::Int(*x as i64),
            Element::Float(x) => KeyId::Float(if *x == 0.0 { 0 } else { x.to_bits() }),
            Element::Str { text, .. } => KeyId::Str(text.clone()),
            other => KeyId::Other(other.value_str()),
        }
    }
}
