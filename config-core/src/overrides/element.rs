//! Element values: what an override assigns (after parsing, before
//! composition turns them into [`Node`]s).
//!
//! An [`Element`] is a primitive, a list or a dict, exactly as Hydra's
//! parser produces it: quoted strings remember their quotes (so that they
//! re-render the same way), interpolations stay verbatim strings, and dict
//! keys keep the type the grammar gave them. [`Element::value_str`]
//! re-renders an element as override text, character for character as
//! Hydra's `Override.get_value_element_as_str` does.

use crate::node::{float_repr, Key, Node, Value};
use crate::origin::Origin;
use crate::python::PyType;
use crate::{Error, ErrorKind};

/// Which quote a quoted string was written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quote {
    /// `'text'`
    Single,
    /// `"text"`
    Double,
}

impl Quote {
    /// The quote character.
    pub fn char(self) -> char {
        match self {
            Quote::Single => '\'',
            Quote::Double => '"',
        }
    }
}

/// A parsed value: the part after `=` when it is not a sweep.
///
/// | Written | Element |
/// |---|---|
/// | `null`, `NULL` | [`Element::Null`] |
/// | `true`, `False` | [`Element::Bool`] |
/// | `10`, `-2`, `1_000` | [`Element::Int`] (beyond 64 bits: [`Element::BigInt`]) |
/// | `3.14`, `1e-3`, `inf`, `nan` | [`Element::Float`] |
/// | `abc`, `010`, `yes`, `a\,b`, `${x}` | [`Element::Str`] with `quote: None` |
/// | `'5'`, `"a,b"` | [`Element::Str`] with the quote (never typed) |
/// | `[1,a]` | [`Element::List`] |
/// | `{a:1, 2:b}` | [`Element::Dict`] (keys are primitives) |
///
/// ```
/// use config_core::overrides::{parse_override, Element};
/// let o = parse_override("x=[1, 'a', {k: null}]").unwrap();
/// let e = o.element().unwrap();
/// assert_eq!(e.value_str(), "[1,'a',{k:null}]");
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Element {
    /// `null` (any case).
    Null,
    /// `true` / `false` (any case). `yes`, `on` stay strings.
    Bool(bool),
    /// An integer that fits 64 bits.
    Int(i64),
    /// An integer beyond 64 bits, as canonical decimal digits (`-` sign,
    /// no underscores). Python's ints have no limit; this keeps them exact.
    BigInt(String),
    /// A float, `inf` and `nan` included.
    Float(f64),
    /// A string: unquoted (escapes removed, interpolations verbatim) or
    /// quoted (`quote` says which quote; the text is unescaped).
    Str {
        /// The text.
        text: String,
        /// The quote it was written with, `None` for an unquoted string.
        quote: Option<Quote>,
    },
    /// `[a, b]`
    List(Vec<Element>),
    /// `{k: v}`: pairs in order; a repeated key keeps its first position
    /// and its last value.
    Dict(Vec<(Element, Element)>),
}

impl PartialEq for Element {
    /// Data equality: same type and value (NaN equals NaN, quotes matter).
    fn eq(&self, other: &Element) -> bool {
        match (self, other) {
            (Element::Null, Element::Null) => true,
            (Element::Bool(a), Element::Bool(b)) => a == b,
            (Element::Int(a), Element::Int(b)) => a == b,
            (Element::BigInt(a), Element::BigInt(b)) => a == b,
            (Element::Float(a), Element::Float(b)) => {
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
            }
            (Element::Str { text: a, quote: qa }, Element::Str { text: b, quote: qb }) => {
                a == b && qa == qb
            }
            (Element::List(a), Element::List(b)) => a == b,
            (Element::Dict(a), Element::Dict(b)) => a == b,
            _ => false,
        }
    }
}

impl Element {
    /// An unquoted string.
    pub fn str(text: impl Into<String>) -> Element {
        Element::Str {
            text: text.into(),
            quote: None,
        }
    }

    /// The text of a string element (quoted or not).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Element::Str { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Python's name for the element's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        let ty = match self {
            Element::Null => PyType::NoneType,
            Element::Bool(_) => PyType::Bool,
            Element::Int(_) | Element::BigInt(_) => PyType::Int,
            Element::Float(_) => PyType::Float,
            Element::Str { .. } => PyType::Str,
            Element::List(_) => PyType::List,
            Element::Dict(_) => PyType::Dict,
        };
        ty.name()
    }

    /// The same element with quoted strings turned into plain strings,
    /// everywhere inside (Hydra's `Override.value()`).
    pub fn unquoted(&self) -> Element {
        match self {
            Element::Str { text, .. } => Element::str(text.clone()),
            Element::List(items) => Element::List(items.iter().map(Element::unquoted).collect()),
            Element::Dict(pairs) => Element::Dict(
                pairs
                    .iter()
                    .map(|(k, v)| (k.unquoted(), v.unquoted()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Re-renders the element as override text: `[1,a\ b,'q']`. Strings are
    /// escaped (`\ `, `\,`, `\:` ...), quoted strings keep their quotes,
    /// bools render as `True`/`False` and floats as Python writes them.
    ///
    /// ```
    /// use config_core::overrides::parse_override;
    /// let o = parse_override("x={a: hello world, b: [true, 1e-5]}").unwrap();
    /// assert_eq!(o.element().unwrap().value_str(), r"{a:hello\ world,b:[True,1e-05]}");
    /// ```
    pub fn value_str(&self) -> String {
        let mut out = String::new();
        self.render(&mut out);
        out
    }

    fn render(&self, out: &mut String) {
        match self {
            Element::Null => out.push_str("null"),
            Element::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
            Element::Int(i) => out.push_str(&i.to_string()),
            Element::BigInt(digits) => out.push_str(digits),
            Element::Float(x) => out.push_str(&float_repr(*x)),
            Element::Str { text, quote: None } => escape_special(text, out),
            Element::Str {
                text,
                quote: Some(q),
            } => with_quotes(text, *q, out),
            Element::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.render(out);
                }
                out.push(']');
            }
            Element::Dict(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    k.render(out);
                    out.push(':');
                    v.render(out);
                }
                out.push('}');
            }
        }
    }

    /// The element as a config [`Node`], every node stamped with `origin`.
    /// Strings become [`Value::string`] (so `${...}` is an interpolation,
    /// quoted or not, as in OmegaConf), dict keys keep their types as
    /// [`Key`] variants, ints beyond 64 bits become [`Value::BigInt`].
    /// OmegaConf rejects a `null` key and a big-int key:
    /// [`try_to_node`](Self::try_to_node) reports those; this method keeps
    /// them as the strings `null` and the digits.
    ///
    /// ```
    /// use config_core::overrides::parse_override;
    /// use config_core::{Origin, Value};
    /// let o = parse_override("x={lr: 1e-3, ref: ${a}}").unwrap();
    /// let node = o.element().unwrap().to_node(&Origin::arg(1, "x=..."));
    /// assert_eq!(node.get("lr").unwrap().value, Value::Float(0.001));
    /// assert!(matches!(node.get("ref").unwrap().value, Value::Interp(_)));
    /// ```
    pub fn to_node(&self, origin: &Origin) -> Node {
        self.build_node(origin, false)
            .unwrap_or_else(|_| Node::with_origin(Value::Null, origin.clone()))
    }

    /// Like [`to_node`](Self::to_node), but fails on what OmegaConf rejects
    /// (a `null` dict key, a malformed interpolation such as the quoted
    /// `'${x'`) and on dict keys beyond 64 bits.
    pub fn try_to_node(&self, origin: &Origin) -> Result<Node, Error> {
        self.build_node(origin, true)
    }

    fn build_node(&self, origin: &Origin, strict: bool) -> Result<Node, Error> {
        let value = match self {
            Element::Null => Value::Null,
            Element::Bool(b) => Value::Bool(*b),
            Element::Int(i) => Value::Int(*i),
            Element::BigInt(digits) => Value::BigInt(digits.as_str().into()),
            Element::Float(x) => Value::Float(*x),
            // OmegaConf refuses to create a node of a malformed
            // interpolation (Hydra: "Error merging override").
            Element::Str { text, .. } if strict => {
                crate::interp::creation::created_string(text.clone())
                    .map_err(|e| e.with_origin(origin.clone()))?
            }
            Element::Str { text, .. } => Value::string(text.clone()),
            Element::List(items) => Value::List(
                items
                    .iter()
                    .map(|e| e.build_node(origin, strict))
                    .collect::<Result<_, _>>()?,
            ),
            Element::Dict(pairs) => {
                let mut map = crate::node::Map::with_capacity(pairs.len());
                for (k, v) in pairs {
                    map.insert(k.to_key(strict, origin)?, v.build_node(origin, strict)?);
                }
                Value::Map(map)
            }
        };
        Ok(Node::with_origin(value, origin.clone()))
    }

    fn to_key(&self, strict: bool, origin: &Origin) -> Result<Key, Error> {
        Ok(match self {
            Element::Int(i) => Key::Int(*i),
            Element::Float(x) => Key::Float(*x),
            Element::Bool(b) => Key::Bool(*b),
            Element::Str { text, .. } => Key::from(text.clone()),
            Element::BigInt(d) if !strict => Key::from(d.clone()),
            Element::Null if !strict => Key::Str("null".into()),
            other => {
                return Err(Error::new(
                    ErrorKind::KeyType,
                    format!("Incompatible key type '{}'", other.type_name()),
                )
                .with_origin(origin.clone()))
            }
        })
    }
}

/// Characters that an unquoted string must escape (Hydra's ESC token).
pub(crate) const SPECIAL: &[char] = &['\\', '(', ')', '[', ']', '{', '}', ':', '=', ',', ' ', '\t'];

/// Puts a backslash before each special character.
pub(crate) fn escape_special(text: &str, out: &mut String) {
    for c in text.chars() {
        if SPECIAL.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Writes `text` in quotes `q`: quotes inside are escaped, and a run of
/// backslashes before a quote (or before the closing quote) is doubled.
pub(crate) fn with_quotes(text: &str, q: Quote, out: &mut String) {
    let qc = q.char();
    out.push(qc);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let mut run = 1;
            while chars.peek() == Some(&'\\') {
                chars.next();
                run += 1;
            }
            let before_quote = chars.peek().is_none_or(|&n| n == qc);
            let n = if before_quote { run * 2 } else { run };
            out.extend(std::iter::repeat_n('\\', n));
        } else if c == qc {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out.push(qc);
}

/// The text of a quoted token (quotes included), unescaped: a run of `n`
/// backslashes before a quote becomes `n / 2` backslashes (and the escaped
/// quote itself when it is inside).
pub(crate) fn unescape_quoted(token: &str) -> String {
    let q = token.chars().next().unwrap_or('\'');
    let inner = &token[q.len_utf8()..token.len() - q.len_utf8()];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let mut run = 1;
        while chars.peek() == Some(&'\\') {
            chars.next();
            run += 1;
        }
        match chars.peek() {
            None => out.extend(std::iter::repeat_n('\\', run / 2)),
            Some(&n) if n == q => {
                out.extend(std::iter::repeat_n('\\', run / 2));
                out.push(q);
                chars.next();
            }
            Some(_) => out.extend(std::iter::repeat_n('\\', run)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_round_trips() {
        for (token, text) in [
            (r"'it\'s'", "it's"),
            (r"'\\'", "\\"),
            (r#""\\\\""#, "\\\\"),
            (r"'a\b'", "a\\b"),
            (r#""abc\\\"def""#, "abc\\\"def"),
        ] {
            assert_eq!(unescape_quoted(token), text, "{token}");
            let q = if token.starts_with('\'') {
                Quote::Single
            } else {
                Quote::Double
            };
            let mut out = String::new();
            with_quotes(text, q, &mut out);
            assert_eq!(out, token);
        }
    }

    #[test]
    fn escapes_specials() {
        let mut out = String::new();
        escape_special(r"C:\Users a,b", &mut out);
        assert_eq!(out, r"C\:\\Users\ a\,b");
    }
}
