//! Tokens of the override language: the first step of parsing an override
//! (lex → parse → evaluate functions → [`Override`](super::Override)).
//!
//! Hydra's lexer has two modes. The key mode reads everything up to the
//! first `=`; the value mode reads the rest. Both pick the longest token at
//! each position, and on a tie the rule listed first wins (so `inf` is a
//! float, not a name). A token that cannot be extended falls back to the
//! longest prefix that was a complete token, as ANTLR does: `1e` is the int
//! `1` followed by the name `e`. Every token is found in time proportional
//! to its length, so lexing is linear in the input. The INT and FLOAT
//! rules are [`crate::grammar::primitive`]'s.

use crate::grammar::primitive::{float_len, int_len, int_unsigned_len};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    // Key mode.
    Tilde,
    Plus,
    At,
    Slash,
    /// `[A-Za-z_][A-Za-z0-9_-]*` (both modes).
    Id,
    /// An id that also uses `$`.
    KeySpecial,
    /// Dotted path: `a.b`, `list.0`.
    DotPath,
    /// `=` and the whitespace after it (both modes; in the value mode also
    /// the whitespace before it).
    Equal,
    /// `:` (both modes; in the value mode with the whitespace around it).
    Colon,
    // Value mode.
    POpen,
    Comma,
    PClose,
    BracketOpen,
    BracketClose,
    BraceOpen,
    BraceClose,
    Float,
    Int,
    Bool,
    Null,
    /// One of `/ - \ + . $ % * @ ? |`.
    UnquotedChar,
    /// Backslash escapes: `\\ \( \) \[ \] \{ \} \: \= \, \<space> \<tab>`.
    Esc,
    Ws,
    Quoted,
    Interpolation,
}

impl Tok {
    /// How the token is named in "expected ..." messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Tok::Tilde => "'~'",
            Tok::Plus => "'+'",
            Tok::At => "'@'",
            Tok::Slash => "'/'",
            Tok::Id => "a name",
            Tok::KeySpecial => "a name",
            Tok::DotPath => "a dotted key",
            Tok::Equal => "'='",
            Tok::Colon => "':'",
            Tok::POpen => "'('",
            Tok::Comma => "','",
            Tok::PClose => "')'",
            Tok::BracketOpen => "'['",
            Tok::BracketClose => "']'",
            Tok::BraceOpen => "'{'",
            Tok::BraceClose => "'}'",
            Tok::Float => "a float",
            Tok::Int => "an int",
            Tok::Bool => "a bool",
            Tok::Null => "null",
            Tok::UnquotedChar => "a character",
            Tok::Esc => "an escape",
            Tok::Ws => "whitespace",
            Tok::Quoted => "a quoted string",
            Tok::Interpolation => "an interpolation",
        }
    }
}

/// A token: its kind and its byte range in the override text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Tok,
    pub start: usize,
    pub end: usize,
}

/// A character no token can start with, at byte offset `at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LexError {
    pub at: usize,
    /// True when the failure is an unterminated quoted string.
    pub open_quote: bool,
}

fn is_alpha(c: u8) -> bool {
    c.is_ascii_alphabetic()
}

fn is_ws(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// Length of `[A-Za-z_][A-Za-z0-9_-]*` (with `$` too when `dollar`).
fn ident_len(s: &[u8], dollar: bool) -> usize {
    let first = match s.first() {
        Some(&c) => c,
        None => return 0,
    };
    if !(is_alpha(first) || first == b'_' || (dollar && first == b'$')) {
        return 0;
    }
    let mut i = 1;
    while let Some(&c) = s.get(i) {
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || (dollar && c == b'$') {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// `(\\\\ | \\( | ... | \\<tab>)+`.
fn esc_len(s: &[u8]) -> usize {
    let mut i = 0;
    while s.get(i) == Some(&b'\\')
        && matches!(
            s.get(i + 1),
            Some(
                b'\\' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b':' | b'=' | b',' | b' ' | b'\t'
            )
        )
    {
        i += 2;
    }
    i
}

/// The key-mode tokens of `text`, ending with the `=` token (which switches
/// to the value mode) when there is one. Returns the tokens and the offset
/// where the value starts.
pub(crate) fn lex_key(text: &str) -> Result<(Vec<Token>, Option<usize>), LexError> {
    let s = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let (kind, len) = match rest[0] {
            b'=' => {
                let mut n = 1;
                while rest.get(n).copied().is_some_and(is_ws) {
                    n += 1;
                }
                out.push(Token {
                    kind: Tok::Equal,
                    start: i,
                    end: i + n,
                });
                return Ok((out, Some(i + n)));
            }
            b'~' => (Tok::Tilde, 1),
            b'+' => (Tok::Plus, 1),
            b'@' => (Tok::At, 1),
            b':' => (Tok::Colon, 1),
            b'/' => (Tok::Slash, 1),
            _ => key_word(rest).ok_or(LexError {
                at: i,
                open_quote: false,
            })?,
        };
        out.push(Token {
            kind,
            start: i,
            end: i + len,
        });
        i += len;
    }
    Ok((out, None))
}

/// ID, KEY_SPECIAL or DOT_PATH at the start of `s`: the longest wins, and
/// ID beats KEY_SPECIAL on a tie.
fn key_word(s: &[u8]) -> Option<(Tok, usize)> {
    let id = ident_len(s, false);
    let special = ident_len(s, true);
    let segment = |t: &[u8]| ident_len(t, true).max(int_unsigned_len(t));
    let mut path = 0;
    let first = segment(s);
    if first > 0 {
        let mut end = first;
        while s.get(end) == Some(&b'.') {
            let seg = segment(&s[end + 1..]);
            if seg == 0 {
                break;
            }
            end += 1 + seg;
            path = end;
        }
    }
    if path > special.max(id) {
        Some((Tok::DotPath, path))
    } else if special > id {
        Some((Tok::KeySpecial, special))
    } else if id > 0 {
        Some((Tok::Id, id))
    } else {
        None
    }
}

/// The value-mode tokens of `text[from..]` (offsets stay relative to `text`).
pub(crate) fn lex_value(text: &str, from: usize) -> Result<Vec<Token>, LexError> {
    let s = text.as_bytes();
    // Where the last `}` is: an interpolation that starts after it cannot
    // close, which keeps `${${${...` without braces linear.
    let last_brace = s.iter().rposition(|&c| c == b'}');
    let mut out = Vec::with_capacity((s.len() - from) / 2 + 1);
    let mut i = from;
    while i < s.len() {
        let (kind, len) = value_token(s, i, last_brace)?;
        out.push(Token {
            kind,
            start: i,
            end: i + len,
        });
        i += len;
    }
    Ok(out)
}

fn value_token(s: &[u8], i: usize, last_brace: Option<usize>) -> Result<(Tok, usize), LexError> {
    let rest = &s[i..];
    let ws = rest.iter().take_while(|&&c| is_ws(c)).count();
    // Punctuation that swallows the whitespace around it.
    if let Some(&c) = rest.get(ws) {
        let trailing = |n: usize| rest[n..].iter().take_while(|&&c| is_ws(c)).count();
        let punct = match c {
            b'(' => Some((Tok::POpen, ws + 1 + trailing(ws + 1))),
            b',' => Some((Tok::Comma, ws + 1 + trailing(ws + 1))),
            b')' => Some((Tok::PClose, ws + 1)),
            b']' => Some((Tok::BracketClose, ws + 1)),
            b'}' => Some((Tok::BraceClose, ws + 1)),
            b':' => Some((Tok::Colon, ws + 1 + trailing(ws + 1))),
            b'=' => Some((Tok::Equal, ws + 1 + trailing(ws + 1))),
            b'[' if ws == 0 => Some((Tok::BracketOpen, 1 + trailing(1))),
            b'{' if ws == 0 => Some((Tok::BraceOpen, 1 + trailing(1))),
            _ => None,
        };
        if let Some(p) = punct {
            return Ok(p);
        }
    }
    if ws > 0 {
        return Ok((Tok::Ws, ws));
    }
    let c = rest[0];
    if c == b'\'' || c == b'"' {
        return quoted_len(rest, c)
            .map(|n| (Tok::Quoted, n))
            .ok_or(LexError {
                at: i,
                open_quote: true,
            });
    }
    // Candidates in rule order; the longest wins, the first on a tie.
    let mut best = (Tok::Float, float_len(rest));
    let mut consider = |kind: Tok, len: usize| {
        if len > best.1 {
            best = (kind, len);
        }
    };
    consider(Tok::Int, int_len(rest));
    let word = |w: &[u8]| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w);
    if word(b"true") {
        consider(Tok::Bool, 4);
    } else if word(b"false") {
        consider(Tok::Bool, 5);
    } else if word(b"null") {
        consider(Tok::Null, 4);
    }
    if matches!(
        c,
        b'/' | b'-' | b'\\' | b'+' | b'.' | b'$' | b'%' | b'*' | b'@' | b'?' | b'|'
    ) {
        consider(Tok::UnquotedChar, 1);
    }
    consider(Tok::Id, ident_len(rest, false));
    consider(Tok::Esc, esc_len(rest));
    if c == b'$' && rest.get(1) == Some(&b'{') && last_brace.is_some_and(|b| b > i + 2) {
        // '${' ~'}'+ '}': up to the first '}', with at least one char inside.
        if let Some(close) = rest[2..].iter().position(|&c| c == b'}') {
            if close > 0 {
                consider(Tok::Interpolation, close + 3);
            }
        }
    }
    if best.1 == 0 {
        return Err(LexError {
            at: i,
            open_quote: false,
        });
    }
    Ok(best)
}

/// Length of a quoted value starting with quote `q` at `s[0]`: it closes at
/// the first `q` preceded by an even number of backslashes.
fn quoted_len(s: &[u8], q: u8) -> Option<usize> {
    let mut backslashes = 0usize;
    for (j, &c) in s.iter().enumerate().skip(1) {
        if c == q && backslashes.is_multiple_of(2) {
            return Some(j + 1);
        }
        if c == b'\\' {
            backslashes += 1;
        } else {
            backslashes = 0;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Tok, &str)> {
        lex_value(text, 0)
            .unwrap()
            .iter()
            .map(|t| (t.kind, &text[t.start..t.end]))
            .collect()
    }

    #[test]
    fn numbers_fall_back_to_the_longest_token() {
        assert_eq!(kinds("1e"), vec![(Tok::Int, "1"), (Tok::Id, "e")]);
        assert_eq!(
            kinds("007"),
            vec![(Tok::Int, "0"), (Tok::Int, "0"), (Tok::Int, "7")]
        );
        assert_eq!(kinds("1e1_0"), vec![(Tok::Float, "1e1_0")]);
        assert_eq!(kinds("inf"), vec![(Tok::Float, "inf")]);
        assert_eq!(kinds("infinity"), vec![(Tok::Id, "infinity")]);
        assert_eq!(kinds("010.5"), vec![(Tok::Int, "0"), (Tok::Float, "10.5")]);
        assert_eq!(kinds("-.5"), vec![(Tok::Float, "-.5")]);
        assert_eq!(kinds("."), vec![(Tok::UnquotedChar, ".")]);
    }

    #[test]
    fn punctuation_swallows_whitespace() {
        assert_eq!(
            kinds("a , b"),
            vec![(Tok::Id, "a"), (Tok::Comma, " , "), (Tok::Id, "b")]
        );
        assert_eq!(
            kinds("[ 1 ]"),
            vec![
                (Tok::BracketOpen, "[ "),
                (Tok::Int, "1"),
                (Tok::BracketClose, " ]")
            ]
        );
        assert_eq!(
            kinds("a b"),
            vec![(Tok::Id, "a"), (Tok::Ws, " "), (Tok::Id, "b")]
        );
    }

    #[test]
    fn quotes_and_interpolations() {
        assert_eq!(kinds(r"'it\'s'"), vec![(Tok::Quoted, r"'it\'s'")]);
        assert_eq!(kinds(r"'\\'"), vec![(Tok::Quoted, r"'\\'")]);
        assert_eq!(kinds("${a.${b}"), vec![(Tok::Interpolation, "${a.${b}")]);
        assert_eq!(
            kinds("${}"),
            vec![
                (Tok::UnquotedChar, "$"),
                (Tok::BraceOpen, "{"),
                (Tok::BraceClose, "}")
            ]
        );
        assert!(lex_value("'open", 0).is_err());
        assert!(lex_value("a#b", 0).is_err());
    }

    #[test]
    fn key_words() {
        let (toks, value) = lex_key("a.b-c.$d=1").unwrap();
        assert_eq!(toks[0].kind, Tok::DotPath);
        assert_eq!(value, Some(9));
        assert!(lex_key("1key=1").is_err());
        assert!(lex_key("a..b=1").is_err());
        let (toks, _) = lex_key("$x").unwrap();
        assert_eq!(toks[0].kind, Tok::KeySpecial);
    }
}
