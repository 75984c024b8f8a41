//! Typing of unquoted primitives, shared by the override parser and the
//! interpolation grammar (Hydra's `OverrideLexer.g4` and OmegaConf's
//! `OmegaConfGrammarLexer.g4` define the same INT, FLOAT, BOOL and NULL
//! tokens). A primitive that is exactly one such token gets that type;
//! anything else (several tokens, `010`, `yes`) stays a string.
//!
//! The token rules are written once, as "the longest INT (FLOAT) at the
//! start of the text": the override lexer picks tokens with them, and
//! [`is_int`] and [`is_float`] are them matching the whole text.

use crate::node::Value;

/// The typed value of an unquoted primitive whose surrounding whitespace is
/// already trimmed, or `None` when it is a plain string.
pub(crate) fn type_primitive(text: &str) -> Option<Value> {
    if is_int(text) {
        let digits: String = text.chars().filter(|c| *c != '_').collect();
        return digits.parse::<i64>().ok().map(Value::Int);
    }
    if is_float(text) {
        let digits: String = text.chars().filter(|c| *c != '_').collect();
        return digits.parse::<f64>().ok().map(Value::Float);
    }
    if text.eq_ignore_ascii_case("true") {
        return Some(Value::Bool(true));
    }
    if text.eq_ignore_ascii_case("false") {
        return Some(Value::Bool(false));
    }
    if text.eq_ignore_ascii_case("null") {
        return Some(Value::Null);
    }
    None
}

/// INT: `[+-]? ('0' | [1-9] ('_'? DIGIT)*)`.
pub(crate) fn is_int(text: &str) -> bool {
    whole(text, int_len)
}

/// FLOAT: `[+-]? (POINT_FLOAT | EXPONENT_FLOAT | inf | nan)`, Python style.
pub(crate) fn is_float(text: &str) -> bool {
    whole(text, float_len)
}

/// True when the longest token `len` finds at the start is all of `text`.
fn whole(text: &str, len: fn(&[u8]) -> usize) -> bool {
    !text.is_empty() && len(text.as_bytes()) == text.len()
}

/// `DIGIT ('_'? DIGIT)*`.
fn digits_len(s: &[u8]) -> usize {
    if !s.first().is_some_and(u8::is_ascii_digit) {
        return 0;
    }
    let mut i = 1;
    loop {
        match s.get(i) {
            Some(c) if c.is_ascii_digit() => i += 1,
            Some(b'_') if s.get(i + 1).is_some_and(u8::is_ascii_digit) => i += 2,
            _ => return i,
        }
    }
}

/// `'0' | [1-9] ('_'? DIGIT)*`.
pub(crate) fn int_unsigned_len(s: &[u8]) -> usize {
    match s.first() {
        Some(b'0') => 1,
        Some(b'1'..=b'9') => digits_len(s),
        _ => 0,
    }
}

fn sign_len(s: &[u8]) -> usize {
    usize::from(matches!(s.first(), Some(b'+' | b'-')))
}

/// Longest INT token at the start of `s`.
pub(crate) fn int_len(s: &[u8]) -> usize {
    let sign = sign_len(s);
    let n = int_unsigned_len(&s[sign..]);
    if n == 0 {
        0
    } else {
        sign + n
    }
}

/// Longest FLOAT token at the start of `s` (0 when none).
pub(crate) fn float_len(s: &[u8]) -> usize {
    let sign = sign_len(s);
    let b = &s[sign..];
    let word = |w: &[u8]| b.len() >= 3 && b[..3].eq_ignore_ascii_case(w);
    if word(b"inf") || word(b"nan") {
        return sign + 3;
    }
    // POINT_FLOAT: INT_UNSIGNED '.' | INT_UNSIGNED? '.' DIGIT ('_'? DIGIT)*
    let int = int_unsigned_len(b);
    let mut best = 0;
    let mut mantissa = int; // length of a valid mantissa for EXPONENT_FLOAT (0: none)
    if b.get(int) == Some(&b'.') {
        let frac = digits_len(&b[int + 1..]);
        if int > 0 || frac > 0 {
            best = int + 1 + frac;
            mantissa = best;
        }
    }
    if mantissa > 0 && matches!(b.get(mantissa), Some(b'e' | b'E')) {
        let mut j = mantissa + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp = digits_len(&b[j..]);
        if exp > 0 {
            best = j + exp;
        }
    }
    if best == 0 {
        0
    } else {
        sign + best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints() {
        for ok in ["10", "-20", "+5", "-0", "1_000", "0"] {
            assert!(is_int(ok), "{ok}");
        }
        for bad in ["010", "00", "1_", "1__0", "0x10", "1e", "", "+"] {
            assert!(!is_int(bad), "{bad}");
        }
    }

    #[test]
    fn floats() {
        for ok in [
            "3.14", "5.", ".5", "1e3", "1E5", "10.0e-2", "+0.0", "inf", "-INF", "NaN", "0.5",
            "1_0.5", "0e5",
        ] {
            assert!(is_float(ok), "{ok}");
        }
        for bad in [
            ".", "e5", "1e", "1.2.3", "1.e", "infinity", "5", "._5", "010.5", "00e5", "0101e3",
            "00.5",
        ] {
            assert!(!is_float(bad), "{bad}");
        }
        assert_eq!(type_primitive("5."), Some(Value::Float(5.0)));
    }
}

#[cfg(test)]
mod doc_examples {
    #[test]
    fn type_primitive_example() {
        use crate::grammar::primitive::type_primitive;
        use crate::Value;
        assert_eq!(type_primitive("1_000"), Some(Value::Int(1000)));
        assert_eq!(
            type_primitive("-INF"),
            Some(Value::Float(f64::NEG_INFINITY))
        );
        assert_eq!(type_primitive("True"), Some(Value::Bool(true)));
        assert_eq!(type_primitive("NULL"), Some(Value::Null));
        assert_eq!(type_primitive("010"), None);
        assert_eq!(type_primitive("yes"), None);
    }
}
