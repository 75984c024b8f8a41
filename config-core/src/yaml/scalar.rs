//! YAML 1.1 scalar typing, exactly as OmegaConf 2.3's loader does it: PyYAML
//! `SafeLoader`'s implicit resolvers (yes/no/on/off booleans, `~` null, `0b`,
//! `0x`, `010` octal, sexagesimal `1:30`), plus OmegaConf's extra float
//! resolver (so `1e-3` is a float), minus the timestamp resolver (dates stay
//! strings). Also the explicit core tags (`!!str`, `!!int`, ...).
//!
//! Used by the loader ([`super::load`]) to type scalars and by the emitter
//! ([`super::emit`]) to decide which strings need quotes so that a YAML 1.1
//! reader (PyYAML, and our own loader) reads them back as strings.

use crate::node::Value;

/// What an untagged plain scalar resolves to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Plain {
    Null,
    Bool(bool),
    Int(i64),
    /// An int outside `i64` (Python has no limit): `Value::BigInt`.
    BigInt,
    Float(f64),
    /// Matches the float pattern but has no digits (`._`): PyYAML fails.
    BadFloat,
    Str,
    /// `<<`: the merge key.
    Merge,
    /// `=`: PyYAML's "value" tag, which `SafeLoader` cannot construct.
    ValueTag,
}

/// Resolves a plain (unquoted, untagged) scalar.
///
/// Rust's `f64` parser is used for the digits only after the YAML 1.1
/// pattern matched, so the accepted forms are PyYAML's, not Rust's.
pub(crate) fn resolve_plain(s: &str) -> Plain {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return Plain::Null;
    };
    match first {
        b'-' | b'+' | b'.' | b'0'..=b'9' => {
            if is_float(b) {
                return match to_float(s) {
                    Some(f) => Plain::Float(f),
                    None => Plain::BadFloat,
                };
            }
            if is_int(b) {
                return match to_int(s) {
                    Some(Num::Int(i)) => Plain::Int(i),
                    Some(Num::Big) => Plain::BigInt,
                    None => Plain::Str,
                };
            }
            Plain::Str
        }
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' => {
            if let Some(v) = bool_word(s) {
                return Plain::Bool(v);
            }
            if is_null_word(s) {
                return Plain::Null;
            }
            Plain::Str
        }
        b'~' if s.len() == 1 => Plain::Null,
        b'<' if s == "<<" => Plain::Merge,
        b'=' if s.len() == 1 => Plain::ValueTag,
        _ => Plain::Str,
    }
}

/// The YAML 1.1 booleans PyYAML accepts (these exact casings).
pub(crate) fn bool_word(s: &str) -> Option<bool> {
    match s {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Some(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

fn is_null_word(s: &str) -> bool {
    matches!(s, "~" | "null" | "Null" | "NULL" | "")
}

/// Bytes of `[0-9_]*` from the start of `b`.
fn digits_us(b: &[u8]) -> usize {
    b.iter()
        .take_while(|c| c.is_ascii_digit() || **c == b'_')
        .count()
}

/// `[eE][-+][0-9]+` (PyYAML) or, with `sign_optional`, `[eE][-+]?[0-9]+`.
fn is_exponent(b: &[u8], sign_optional: bool) -> bool {
    let Some((e, rest)) = b.split_first() else {
        return false;
    };
    if !matches!(e, b'e' | b'E') {
        return false;
    }
    let rest = match rest.first() {
        Some(b'-' | b'+') => &rest[1..],
        _ if sign_optional => rest,
        _ => return false,
    };
    !rest.is_empty() && rest.iter().all(u8::is_ascii_digit)
}

/// `(?::[0-5]?[0-9])+` from the start of `b`; bytes matched (0 if none).
fn sexagesimal_tail(b: &[u8]) -> usize {
    let mut i = 0;
    while b.get(i) == Some(&b':') {
        let n = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        let ok = n == 1 || (n == 2 && b[i + 1] <= b'5');
        if !ok {
            break;
        }
        i += 1 + n;
    }
    i
}

fn strip_sign(b: &[u8]) -> (bool, &[u8]) {
    match b.first() {
        Some(b'-' | b'+') => (true, &b[1..]),
        _ => (false, b),
    }
}

/// The loader's float pattern: OmegaConf's resolver, a superset of PyYAML's
/// (`[-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+]?[0-9]+)?`, `[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+`,
/// `\.[0-9_]+([eE][-+][0-9]+)?`, sexagesimal, `[-+]?\.inf`, `\.nan`).
pub(crate) fn is_float(b: &[u8]) -> bool {
    let (signed, rest) = strip_sign(b);
    let Some(&first) = rest.first() else {
        return false;
    };
    if first == b'.' {
        let t = &rest[1..];
        if matches!(t, b"inf" | b"Inf" | b"INF") {
            return true;
        }
        if signed {
            return false;
        }
        if matches!(t, b"nan" | b"NaN" | b"NAN") {
            return true;
        }
        let n = digits_us(t);
        return n > 0 && (n == t.len() || is_exponent(&t[n..], false));
    }
    if !first.is_ascii_digit() {
        return false;
    }
    let i = 1 + digits_us(&rest[1..]);
    let after = &rest[i..];
    match after.first() {
        Some(b'.') => {
            let n = digits_us(&after[1..]);
            let tail = &after[1 + n..];
            tail.is_empty() || is_exponent(tail, true)
        }
        Some(b'e' | b'E') => is_exponent(after, true),
        Some(b':') => {
            let n = sexagesimal_tail(after);
            let tail = &after[n..];
            n > 0 && tail.first() == Some(&b'.') && digits_us(&tail[1..]) == tail.len() - 1
        }
        _ => false,
    }
}

/// PyYAML's int pattern: `0b[01_]+`, `0[0-7_]+`, `0`, `[1-9][0-9_]*`,
/// `0x[0-9a-fA-F_]+`, sexagesimal `[1-9][0-9_]*(:[0-5]?[0-9])+`, all signed.
pub(crate) fn is_int(b: &[u8]) -> bool {
    let (_, rest) = strip_sign(b);
    match rest {
        [b'0'] => true,
        [b'0', b'b', t @ ..] => !t.is_empty() && t.iter().all(|c| matches!(c, b'0' | b'1' | b'_')),
        [b'0', b'x', t @ ..] => {
            !t.is_empty() && t.iter().all(|c| c.is_ascii_hexdigit() || *c == b'_')
        }
        [b'0', t @ ..] => t.iter().all(|c| matches!(c, b'0'..=b'7' | b'_')),
        [b'1'..=b'9', t @ ..] => {
            let n = digits_us(t);
            n == t.len() || {
                let m = sexagesimal_tail(&t[n..]);
                m > 0 && n + m == t.len()
            }
        }
        _ => false,
    }
}

/// Python's default limit on converting between an int and its decimal
/// text (`sys.int_info.default_max_str_digits`, 4300 since CPython 3.11):
/// PyYAML fails to load a longer decimal int, and Python cannot print a
/// bigger int in decimal. [`Value::BigInt`] holds decimal digits, so the
/// loader refuses both; the bound also keeps converting other bases (a
/// quadratic step) fast.
pub(super) const MAX_INT_DIGITS: usize = 4300;

enum Num {
    Int(i64),
    /// Beyond `i64`: its digits are only computed for the loader
    /// ([`big_int`]), never to decide a scalar's type.
    Big,
}

/// PyYAML's `construct_yaml_int` (digits already known to fit the pattern,
/// or any text under `!!int`). `None` when Python's `int()` would fail.
fn to_int(s: &str) -> Option<Num> {
    let unsigned = s.trim_start_matches(['-', '+']);
    if !unsigned.starts_with('0') || unsigned == "0" {
        // Plain decimal (no underscores, no octal zero): the common case.
        if let Ok(i) = s.parse::<i64>() {
            return Some(Num::Int(i));
        }
    }
    let clean = without_underscores(s);
    let (neg, body) = split_sign(&clean);
    let magnitude: Option<i128> = if body == "0" {
        Some(0)
    } else if let Some(d) = body.strip_prefix("0b") {
        parse_radix(d, 2)?
    } else if let Some(d) = body.strip_prefix("0x") {
        parse_radix(d, 16)?
    } else if body.len() > 1 && body.starts_with('0') {
        parse_radix(body, 8)?
    } else if body.contains(':') {
        let mut total: Option<i128> = Some(0);
        for part in body.split(':') {
            let d = parse_radix(part, 10)?;
            total = total
                .zip(d)
                .and_then(|(t, d)| t.checked_mul(60)?.checked_add(d));
        }
        total
    } else {
        parse_radix(body, 10)?
    };
    let Some(m) = magnitude else {
        return Some(Num::Big);
    };
    let v = if neg { -m } else { m };
    Some(i64::try_from(v).map_or(Num::Big, Num::Int))
}

/// The sign and the trimmed body of an int's text (underscores removed).
fn split_sign(clean: &str) -> (bool, &str) {
    let (neg, body) = match clean.as_bytes().first() {
        Some(b'-') => (true, &clean[1..]),
        Some(b'+') => (false, &clean[1..]),
        _ => (false, clean),
    };
    (neg, body.trim())
}

/// The decimal digits (with a leading `-`) of an int that needs
/// [`Value::BigInt`], or why there are too many (see [`MAX_INT_DIGITS`]).
pub(crate) fn big_int(text: &str) -> Result<String, String> {
    let clean = without_underscores(text);
    let (neg, body) = split_sign(&clean);
    let decimal = body.bytes().all(|c| c.is_ascii_digit()) && !body.starts_with('0');
    if decimal && body.len() > MAX_INT_DIGITS {
        // As Python's `int()`, which PyYAML calls on it.
        return Err(format!(
            "this int has {} digits, more than the {MAX_INT_DIGITS} that Python converts \
             from text (sys.int_info.default_max_str_digits): PyYAML cannot load it; \
             quote it to keep it as a string",
            body.len()
        ));
    }
    let digits = if decimal {
        body.to_string()
    } else {
        big_decimal(body).ok_or_else(|| {
            format!(
                "this int has more than {MAX_INT_DIGITS} decimal digits, more than Python \
                 converts to text (sys.int_info.default_max_str_digits): it could not be \
                 printed; quote it to keep it as a string"
            )
        })?
    };
    Ok(if neg { format!("-{digits}") } else { digits })
}

/// The decimal digits of an unsigned YAML 1.1 int body that was already
/// validated (binary, hex, octal or sexagesimal), or `None` beyond
/// [`MAX_INT_DIGITS`]. Quadratic in the digits, hence the bound: the value
/// only grows digit by digit (leading zeros aside), so the work stops soon
/// after the bound is passed.
fn big_decimal(body: &str) -> Option<String> {
    let (digits, radix) = if let Some(d) = body.strip_prefix("0b") {
        (d, 2)
    } else if let Some(d) = body.strip_prefix("0x") {
        (d, 16)
    } else if body.len() > 1 && body.starts_with('0') && !body.contains(':') {
        (body, 8)
    } else {
        (body, 10)
    };
    let mut parts = digits.split(':');
    let mut total = Limbs::from_digits(parts.next().unwrap_or_default(), radix)?;
    // Sexagesimal: `a:b:c` is `(a*60 + b)*60 + c`, as PyYAML computes it.
    // Under `!!int` a part after the first can be any decimal (`1:99999...`),
    // not only `0..59`, so each part is a big number too.
    for part in parts {
        total.mul_add(60, 0)?;
        total.add(&Limbs::from_digits(part, 10)?)?;
    }
    let out = total.to_decimal();
    (out.len() <= MAX_INT_DIGITS).then_some(out)
}

/// An unsigned big integer for [`big_decimal`]: little-endian limbs in base
/// 10^9. Every operation fails (`None`) once the value has more limbs than
/// [`MAX_INT_DIGITS`] needs, which bounds the quadratic work.
struct Limbs(Vec<u64>);

impl Limbs {
    const BASE: u64 = 1_000_000_000;
    const MAX: usize = MAX_INT_DIGITS / 9 + 1;

    /// The value of `digits` (already validated) in `radix` (2 to 16).
    fn from_digits(digits: &str, radix: u64) -> Option<Limbs> {
        let mut n = Limbs(vec![0]);
        for c in digits.chars() {
            n.mul_add(radix, u64::from(c.to_digit(radix as u32)?))?;
        }
        Some(n)
    }

    /// `self = self * mul + add`, for `mul` and `add` below 2^32 (no limb
    /// product can overflow `u64`).
    fn mul_add(&mut self, mul: u64, add: u64) -> Option<()> {
        let mut carry = add;
        for limb in self.0.iter_mut() {
            let v = *limb * mul + carry;
            *limb = v % Self::BASE;
            carry = v / Self::BASE;
        }
        self.push_carry(carry)
    }

    /// `self = self + other`.
    fn add(&mut self, other: &Limbs) -> Option<()> {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        let mut carry = 0;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let v = *limb + other.0.get(i).copied().unwrap_or(0) + carry;
            *limb = v % Self::BASE;
            carry = v / Self::BASE;
        }
        self.push_carry(carry)
    }

    fn push_carry(&mut self, carry: u64) -> Option<()> {
        if carry > 0 {
            self.0.push(carry);
        }
        (self.0.len() <= Self::MAX).then_some(())
    }

    fn to_decimal(&self) -> String {
        let mut limbs = self.0.iter().rev().skip_while(|l| **l == 0);
        let Some(first) = limbs.next() else {
            return "0".to_string();
        };
        let mut out = first.to_string();
        for limb in limbs {
            out.push_str(&format!("{limb:09}"));
        }
        out
    }
}

fn without_underscores(s: &str) -> String {
    s.chars().filter(|c| *c != '_').collect()
}

/// Digits in `radix`: `None` if not a number, `Some(None)` if too big.
fn parse_radix(d: &str, radix: u32) -> Option<Option<i128>> {
    if d.is_empty() || !d.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    Some(i128::from_str_radix(d, radix).ok())
}

/// PyYAML's `construct_yaml_float`.
fn to_float(s: &str) -> Option<f64> {
    if s.bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'-' | b'+'))
    {
        // Digits, point and exponent only: Rust reads these as Python does.
        if let Ok(f) = s.parse::<f64>() {
            return Some(f);
        }
    }
    let clean = without_underscores(s).to_ascii_lowercase();
    let (sign, body) = match clean.as_bytes().first() {
        Some(b'-') => (-1.0, &clean[1..]),
        Some(b'+') => (1.0, &clean[1..]),
        _ => (1.0, clean.as_str()),
    };
    let body = body.trim();
    if body == ".inf" {
        return Some(sign * f64::INFINITY);
    }
    if body == ".nan" {
        return Some(f64::NAN);
    }
    if body.contains(':') {
        let mut total = 0.0;
        for part in body.split(':') {
            total = total * 60.0 + py_float(part)?;
        }
        return Some(sign * total);
    }
    py_float(body).map(|f| sign * f)
}

/// Python's `float()` on text already stripped of underscores.
fn py_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    // Rust also accepts "inf"/"nan"/"infinity" like Python; it rejects
    // nothing Python accepts here except surrounding whitespace.
    if b.is_empty() || !b.iter().any(u8::is_ascii_digit) && !b.iter().any(u8::is_ascii_alphabetic) {
        return None;
    }
    s.trim().parse::<f64>().ok()
}

/// The value of a scalar under an explicit core-schema tag (`!!str 3.14`,
/// `!!int "12"`), as PyYAML's `SafeConstructor` builds it.
pub(crate) fn tagged(suffix: &str, text: &str) -> Result<Value, String> {
    match suffix {
        "str" => Ok(string_value(text)),
        "null" => Ok(Value::Null),
        "bool" => match text.to_ascii_lowercase().as_str() {
            "yes" | "true" | "on" => Ok(Value::Bool(true)),
            "no" | "false" | "off" => Ok(Value::Bool(false)),
            _ => Err(format!(
                "cannot read '{text}' as a bool (!!bool takes yes/no, true/false, on/off)"
            )),
        },
        "int" => match to_int(text) {
            Some(Num::Int(i)) => Ok(Value::Int(i)),
            Some(Num::Big) => big_int(text).map(|d| Value::BigInt(d.into())),
            None => Err(format!("cannot read '{text}' as an int (!!int)")),
        },
        "float" => to_float(text)
            .map(Value::Float)
            .ok_or_else(|| format!("cannot read '{text}' as a float (!!float)")),
        _ => Err(format!("unsupported tag '!!{suffix}' on a scalar")),
    }
}

/// A string scalar as a value: `???` is the missing marker, `${` makes an
/// interpolation.
pub(crate) fn string_value(text: &str) -> Value {
    if text == "???" {
        Value::Missing
    } else {
        Value::string(text)
    }
}

/// True when a YAML 1.1 reader would not read `s`, written plain, back as
/// the same string: our loader's rules, PyYAML's default resolver (which
/// also types timestamps), and OmegaConf's dumper, which quotes whatever
/// Python's `int()`/`float()` accept and the `y`/`n` booleans.
pub(crate) fn is_ambiguous(s: &str) -> bool {
    if !matches!(resolve_plain(s), Plain::Str) {
        return true;
    }
    matches!(s, "y" | "Y" | "n" | "N") || looks_like_timestamp(s) || python_number(s)
}

/// PyYAML's timestamp resolver starts with `YYYY-M`; quoting every string
/// that starts this way is simpler and safe.
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 6 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[5].is_ascii_digit()
}

/// Python's `int()` or `float()` would accept `s` (approximately, erring on
/// the side of yes: any numeric character counts as a digit).
fn python_number(s: &str) -> bool {
    // Most strings start with a letter that begins no number: no trimming.
    if let Some(c) = s.as_bytes().first() {
        if c.is_ascii_alphabetic() && !matches!(c, b'i' | b'I' | b'n' | b'N') {
            return false;
        }
    }
    let t = s.trim();
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    // Most strings fail on their first character: no allocation for them.
    match t.chars().next() {
        Some(c) if c.is_numeric() || c == '.' => {}
        Some('i' | 'I' | 'n' | 'N') => {
            return ["inf", "infinity", "nan"]
                .iter()
                .any(|w| t.eq_ignore_ascii_case(w));
        }
        _ => return false,
    }
    let chars: Vec<char> = t.chars().collect();
    let mut i = 0;
    let int_digits = digit_part(&chars, &mut i);
    let mut frac_digits = 0;
    if chars.get(i) == Some(&'.') {
        i += 1;
        frac_digits = digit_part(&chars, &mut i);
    }
    if int_digits + frac_digits == 0 {
        return false;
    }
    if matches!(chars.get(i), Some('e' | 'E')) {
        i += 1;
        if matches!(chars.get(i), Some('+' | '-')) {
            i += 1;
        }
        if digit_part(&chars, &mut i) == 0 {
            return false;
        }
    }
    i == chars.len()
}

/// `digit ('_'? digit)*` at `*i`; returns the digits consumed.
fn digit_part(chars: &[char], i: &mut usize) -> usize {
    let mut n = 0;
    while let Some(c) = chars.get(*i) {
        if c.is_numeric() {
            n += 1;
            *i += 1;
        } else if *c == '_' && n > 0 && chars.get(*i + 1).is_some_and(|c| c.is_numeric()) {
            *i += 1;
        } else {
            break;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Plain {
        resolve_plain(s)
    }

    #[test]
    fn booleans_in_pyyaml_casings() {
        for t in [
            "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
        ] {
            assert_eq!(r(t), Plain::Bool(true), "{t}");
        }
        for f in [
            "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
        ] {
            assert_eq!(r(f), Plain::Bool(false), "{f}");
        }
        for s in ["y", "n", "yEs", "tRUE", "oN", "Y", "N"] {
            assert_eq!(r(s), Plain::Str, "{s}");
        }
    }

    #[test]
    fn nulls() {
        for n in ["~", "null", "Null", "NULL", ""] {
            assert_eq!(r(n), Plain::Null, "{n}");
        }
        assert_eq!(r("nUll"), Plain::Str);
        assert_eq!(r("~~"), Plain::Str);
    }

    #[test]
    fn ints() {
        let cases = [
            ("0", 0),
            ("-0", 0),
            ("+42", 42),
            ("1_000", 1000),
            ("010", 8),
            ("0_10", 8),
            ("1__", 1),
            ("0b1010", 10),
            ("-0b11", -3),
            ("0x1F", 31),
            ("0x_ff", 255),
            ("1:30", 90),
            ("3:25:45", 12345),
            ("-1:00", -60),
            ("9223372036854775807", i64::MAX),
        ];
        for (s, v) in cases {
            assert_eq!(r(s), Plain::Int(v), "{s}");
        }
        for s in ["0XFF", "0o17", "08", "1:60", "0:30", "_1", "0b", "0x", "1a"] {
            assert!(!matches!(r(s), Plain::Int(_)), "{s}: {:?}", r(s));
        }
        assert_eq!(r("12345678901234567890"), Plain::BigInt);
        let big = |s| big_int(s).unwrap();
        assert_eq!(big("12345678901234567890"), "12345678901234567890");
        assert_eq!(big("-0x1_0000_0000_0000_0000"), "-18446744073709551616");
        assert_eq!(big("1:0:0:0:0:0:0:0:0:0:0:0"), "36279705600000000000");
        assert_eq!(
            big("0b1000000000000000000000000000000000000000000000000000000000000000"),
            "9223372036854775808"
        );
        assert_eq!(big("01000000000000000000000"), "9223372036854775808");
        // Under `!!int` a sexagesimal part is any decimal, as Python's int()
        // (fuzz finding Y4: the big part was dropped, or overflowed).
        assert_eq!(big("377:77777733337773333777"), "77777733337773356397");
        assert_eq!(big("1:18446744073709551615"), "18446744073709551675");
        assert_eq!(big("1:99999999999999999999"), "100000000000000000059");
    }

    #[test]
    fn tagged_sexagesimal_with_big_parts_round_trips() {
        for (text, digits) in [
            ("- !!int 377:77777733337773333777", "77777733337773356397"),
            ("- !!int 1:18446744073709551615", "18446744073709551675"),
        ] {
            let node = crate::Node::from_yaml_str(text).unwrap();
            let emitted = node.to_yaml();
            assert_eq!(emitted, format!("- {digits}\n"), "{text}");
            let again = crate::Node::from_yaml_str(&emitted).unwrap();
            assert_eq!(again.to_yaml(), emitted, "{text}");
        }
    }

    /// Python's 4300-digit limit, for every base; each case well under 1 s.
    #[test]
    fn huge_ints_are_bounded_and_fast() {
        let start = std::time::Instant::now();
        let at_limit = "7".repeat(MAX_INT_DIGITS);
        assert_eq!(big_int(&at_limit).unwrap(), at_limit);
        let e = big_int(&"7".repeat(MAX_INT_DIGITS + 1)).unwrap_err();
        assert!(e.contains("4301 digits") && e.contains("4300"), "{e}");
        assert!(big_int(&"7".repeat(200_000)).is_err());
        // 3571 hex digits have 4300 decimal digits; more do not fit.
        let hex = format!("0x{}", "f".repeat(3571));
        assert_eq!(big_int(&hex).unwrap().len(), 4300);
        assert!(big_int(&format!("0x{}", "f".repeat(3572))).is_err());
        assert!(big_int(&format!("0x{}", "f".repeat(200_000))).is_err());
        assert!(big_int(&format!("0b1{}", "0".repeat(200_000))).is_err());
        assert!(big_int(&format!("1{}", ":59".repeat(100_000))).is_err());
        // Leading zeros cost nothing.
        let zeros = format!("0x{}{}", "0".repeat(200_000), "f".repeat(20));
        assert_eq!(big_int(&zeros).unwrap(), "1208925819614629174706175");
        // Typing a scalar, as the emitter does for every string, converts nothing.
        assert_eq!(r(&"7".repeat(400_000)), Plain::BigInt);
        assert!(is_ambiguous(&"7".repeat(400_000)));
        assert!(tagged("int", &"7".repeat(5000)).is_err());
        assert!(start.elapsed().as_millis() < 1000, "{:?}", start.elapsed());
    }

    #[test]
    fn floats() {
        let cases = [
            ("1e-3", 0.001),
            ("1.5E3", 1500.0),
            ("2e+2", 200.0),
            ("1e3", 1000.0),
            ("1.0e-06", 1e-6),
            ("1_000.5", 1000.5),
            ("0.0", 0.0),
            (".25", 0.25),
            ("3.", 3.0),
            ("1.e5", 1e5),
            ("01.5", 1.5),
            ("1:30.5", 90.5),
            ("-1:30.5", -90.5),
            ("1.5e3", 1500.0),
        ];
        for (s, v) in cases {
            assert_eq!(r(s), Plain::Float(v), "{s}");
        }
        assert_eq!(r(".inf"), Plain::Float(f64::INFINITY));
        assert_eq!(r("-.INF"), Plain::Float(f64::NEG_INFINITY));
        assert_eq!(r("+.Inf"), Plain::Float(f64::INFINITY));
        assert!(matches!(r(".NaN"), Plain::Float(f) if f.is_nan()));
        for s in [
            "-.125", "-.nan", ".iNf", "1.2.3", "1e", "e3", ".", "1:30", "inf", "nan", ".e3",
            "1.5e", "1:3:",
        ] {
            assert!(!matches!(r(s), Plain::Float(_)), "{s}: {:?}", r(s));
        }
        assert_eq!(r("._"), Plain::BadFloat);
    }

    #[test]
    fn dates_and_others_are_strings() {
        for s in [
            "2023-07-04",
            "2023-07-04T12:30:00",
            "20230704",
            "1.2.3",
            "abc",
            "a: b",
            "==",
        ] {
            assert!(matches!(r(s), Plain::Str | Plain::Int(_)), "{s}");
        }
        assert_eq!(r("20230704"), Plain::Int(20230704));
        assert_eq!(r("2023-07-04"), Plain::Str);
        assert_eq!(r("<<"), Plain::Merge);
        assert_eq!(r("="), Plain::ValueTag);
    }

    #[test]
    fn explicit_tags() {
        assert_eq!(tagged("str", "3.14"), Ok(Value::Str("3.14".into())));
        assert_eq!(tagged("int", "12"), Ok(Value::Int(12)));
        assert_eq!(tagged("int", "0x10"), Ok(Value::Int(16)));
        assert_eq!(tagged("float", "2"), Ok(Value::Float(2.0)));
        assert_eq!(tagged("bool", "off"), Ok(Value::Bool(false)));
        assert_eq!(tagged("null", ""), Ok(Value::Null));
        assert!(tagged("int", "abc").is_err());
        assert!(tagged("bool", "maybe").is_err());
        assert!(tagged("binary", "AAAA").is_err());
    }

    #[test]
    fn ambiguity_for_the_emitter() {
        for s in [
            "yes",
            "on",
            "OFF",
            "y",
            "N",
            "010",
            "1:30",
            "null",
            "~",
            "",
            "1e3",
            "2023-07-04",
            "0x10",
            "1_000",
            "inf",
            "-.125",
            "nan",
            "Infinity",
            "<<",
            "=",
            "12345678901234567890",
            "1__0e5",
            "._",
        ] {
            assert!(is_ambiguous(s), "{s}");
        }
        for s in [
            "yEs", "abc", "1.2.3", "nUll", "0o17", "0XFF", "v1", "e3", "1.0.0",
        ] {
            assert!(!is_ambiguous(s), "{s}");
        }
    }
}
