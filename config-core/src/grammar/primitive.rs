//! Typing of unquoted primitives, shared by the override parser and the
//! interpolation grammar (Hydra's `OverrideLexer.g4` and OmegaConf's
//! `OmegaConfGrammarLexer.g4` define the same INT, FLOAT, BOOL and NULL
//! tokens). A primitive that is exactly one such token gets that type;
//! anything else (several tokens, `010`, `yes`) stays a string.

use crate::node::Value;

/// The typed value of an unquoted primitive whose surrounding whitespace is
/// already trimmed, or `None` when it is a plain string.
///
/// ```
/// use config_core::grammar::primitive::type_primitive;
/// use config_core::Value;
/// assert_eq!(type_primitive("1_000"), Some(Value::Int(1000)));
/// assert_eq!(type_primitive("-INF"), Some(Value::Float(f64::NEG_INFINITY)));
/// assert_eq!(type_primitive("True"), Some(Value::Bool(true)));
/// assert_eq!(type_primitive("NULL"), Some(Value::Null));
/// assert_eq!(type_primitive("010"), None);
/// assert_eq!(type_primitive("yes"), None);
/// ```
pub fn type_primitive(text: &str) -> Option<Value> {
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

fn strip_sign(s: &str) -> &str {
    s.strip_prefix(['+', '-']).unwrap_or(s)
}

/// `DIGIT ('_'? DIGIT)*`; returns the number of bytes matched.
fn digits(s: &[u8]) -> usize {
    let mut i = 0;
    if s.first().is_none_or(|c| !c.is_ascii_digit()) {
        return 0;
    }
    i += 1;
    loop {
        match s.get(i) {
            Some(c) if c.is_ascii_digit() => i += 1,
            Some(b'_') if s.get(i + 1).is_some_and(u8::is_ascii_digit) => i += 2,
            _ => return i,
        }
    }
}

/// INT: `[+-]? ('0' | [1-9] ('_'? DIGIT)*)`.
pub fn is_int(text: &str) -> bool {
    let s = strip_sign(text).as_bytes();
    match s.first() {
        Some(b'0') => s.len() == 1,
        Some(b'1'..=b'9') => digits(s) == s.len(),
        _ => false,
    }
}

/// FLOAT: `[+-]? (POINT_FLOAT | EXPONENT_FLOAT | inf | nan)`, Python style.
pub fn is_float(text: &str) -> bool {
    let s = strip_sign(text);
    if s.eq_ignore_ascii_case("inf") || s.eq_ignore_ascii_case("nan") {
        return true;
    }
    let b = s.as_bytes();
    // The integer part is INT_UNSIGNED: no leading zeros (`010.5` is a string).
    let int_len = match b.first() {
        Some(b'0') => 1,
        _ => digits(b),
    };
    let mut i = int_len;
    let mut has_point = false;
    if b.get(i) == Some(&b'.') {
        let frac = digits(&b[i + 1..]);
        if int_len == 0 && frac == 0 {
            return false;
        }
        has_point = true;
        i += 1 + frac;
    } else if int_len == 0 {
        return false;
    }
    if i == b.len() {
        return has_point;
    }
    if matches!(b[i], b'e' | b'E') {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp = digits(&b[j..]);
        return exp > 0 && j + exp == b.len();
    }
    false
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
