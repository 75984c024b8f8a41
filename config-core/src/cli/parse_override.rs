//! `config parse-override -- OVERRIDE...`: prints each parsed override as a
//! mapping in a YAML list (the `overrides/` conformance format): `input`,
//! `key`, `package`, `type`, `value_type`, then `value` and `value_str`,
//! or `sweep`, `interval` or `glob`.
//!
//! The YAML is written here, in flow style for values, so that PyYAML reads
//! it back with the same types. As in the corpus, non-finite floats are
//! written as the strings `.inf`, `-.inf` and `.nan`, and dict keys as
//! strings.

use crate::node::float_repr;
use crate::overrides::{Element, OverrideParser, OverrideValue, Sweep, SweepRng};
use crate::Error;
use std::fmt::Write;

/// Parses every override and renders the YAML list; the first invalid
/// override is the error.
pub(super) fn run(overrides: &[String]) -> Result<String, Error> {
    let mut parser = OverrideParser::new(0);
    let mut rng = SweepRng::new(0);
    let mut out = String::new();
    if overrides.is_empty() {
        return Ok("[]\n".into());
    }
    for (i, text) in overrides.iter().enumerate() {
        let o = parser
            .parse(text)
            .map_err(|e| e.with_context(format!("in override {} of {}", i + 1, overrides.len())))?;
        let _ = writeln!(out, "- input: {}", quote(&o.input));
        let _ = writeln!(out, "  key: {}", quote(&o.key_or_group));
        let _ = writeln!(
            out,
            "  package: {}",
            o.package.as_deref().map_or("null".into(), quote)
        );
        let _ = writeln!(out, "  type: {}", o.kind.name());
        let _ = writeln!(out, "  value_type: {}", o.value_type().unwrap_or("null"));
        match &o.value {
            None => {}
            Some(OverrideValue::Element(e)) => {
                let _ = writeln!(out, "  value: {}", yaml(&e.unquoted()));
                let _ = writeln!(out, "  value_str: {}", quote(&e.value_str()));
            }
            Some(OverrideValue::Sweep(Sweep::Interval(iv))) => {
                let items = [iv.start.to_element(), iv.end.to_element()];
                let _ = writeln!(out, "  interval: {}", yaml(&Element::List(items.to_vec())));
            }
            Some(OverrideValue::Sweep(Sweep::Glob(g))) => {
                let list =
                    |v: &[Element]| yaml(&Element::List(v.iter().map(Element::unquoted).collect()));
                let _ = writeln!(
                    out,
                    "  glob: {{include: {}, exclude: {}}}",
                    list(&g.include),
                    list(&g.exclude)
                );
            }
            Some(OverrideValue::Sweep(s)) => {
                let values = s
                    .expand(None, &mut rng)
                    .map_err(|e| e.with_context(format!("in override {}: {text}", i + 1)))?;
                let _ = writeln!(out, "  sweep: {}", yaml(&Element::List(values)));
            }
        }
    }
    Ok(out)
}

/// An element in YAML flow style.
fn yaml(e: &Element) -> String {
    let mut s = String::new();
    write_yaml(e, &mut s);
    s
}

fn write_yaml(e: &Element, out: &mut String) {
    match e {
        Element::Null => out.push_str("null"),
        Element::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Element::Int(i) => out.push_str(&i.to_string()),
        Element::BigInt(d) => out.push_str(d),
        Element::Float(x) => out.push_str(&yaml_float(*x)),
        Element::Str { text, .. } => out.push_str(&quote(text)),
        Element::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_yaml(item, out);
            }
            out.push(']');
        }
        Element::Dict(pairs) => {
            out.push('{');
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&quote(&key_string(k)));
                out.push_str(": ");
                write_yaml(v, out);
            }
            out.push('}');
        }
    }
}

/// A dict key as the corpus writes it (JSON's spelling of non-string keys).
fn key_string(k: &Element) -> String {
    match k {
        Element::Null => "null".into(),
        Element::Bool(b) => b.to_string(),
        Element::Float(x) if x.is_nan() => "NaN".into(),
        Element::Float(x) if x.is_infinite() => {
            if *x > 0.0 { "Infinity" } else { "-Infinity" }.into()
        }
        Element::Float(x) => float_repr(*x),
        Element::Str { text, .. } => text.clone(),
        other => other.value_str(),
    }
}

/// A float PyYAML reads back as the same float: Python's repr with a `.0`
/// before an exponent that lacks a point; non-finite floats as the corpus's
/// strings.
fn yaml_float(x: f64) -> String {
    if x.is_nan() {
        return "'.nan'".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "'.inf'".into()
        } else {
            "'-.inf'".into()
        };
    }
    let r = float_repr(x);
    match r.find('e') {
        Some(i) if !r[..i].contains('.') => format!("{}.0{}", &r[..i], &r[i..]),
        _ => r,
    }
}

/// A double-quoted YAML string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if matches!(c as u32, 0x80..=0x9f | 0x2028 | 0x2029 | 0xfeff) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_corpus_format() {
        let out = run(&["x=[1, 1e-5, inf]".to_string(), "~a".to_string()]).unwrap();
        assert!(out.contains("  value: [1, 1.0e-05, '.inf']\n"), "{out}");
        assert!(out.contains("  value_str: \"[1,1e-05,inf]\"\n"), "{out}");
        assert!(
            out.contains("  type: delete\n  value_type: null\n"),
            "{out}"
        );
        assert!(run(&["a b=1".to_string()]).is_err());
    }
}
