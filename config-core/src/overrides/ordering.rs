//! Python's ordering and equality of override values, for `sort()` and
//! `shuffle()`: `sorted()` compares with `<` only and fails where Python
//! raises `TypeError`; `==` holds across bools and numbers (`1 == 1.0 ==
//! True`).

use super::element::Element;
use super::functions::{err, Res};
use crate::python::Number;

/// Python's `sorted(items, reverse=...)`: stable, comparing with `<`
/// only, failing where Python raises `TypeError`.
pub(crate) fn sorted(mut items: Vec<Element>, reverse: bool) -> Res<Vec<Element>> {
    if reverse {
        items.reverse();
    }
    let mut items = merge_sort(items)?;
    if reverse {
        items.reverse();
    }
    Ok(items)
}

fn merge_sort(items: Vec<Element>) -> Res<Vec<Element>> {
    if items.len() <= 1 {
        return Ok(items);
    }
    let mut left = items;
    let right = left.split_off(left.len() / 2);
    let (left, right) = (merge_sort(left)?, merge_sort(right)?);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut l = left.into_iter().peekable();
    let mut r = right.into_iter().peekable();
    while let (Some(a), Some(b)) = (l.peek(), r.peek()) {
        // Take from the right only when it is strictly smaller (stability).
        if py_lt(b, a)? {
            out.extend(r.next());
        } else {
            out.extend(l.next());
        }
    }
    out.extend(l);
    out.extend(r);
    Ok(out)
}

/// Bools and numbers; a big int by its nearest float.
impl Number for Element {
    fn number(&self) -> Option<f64> {
        match self {
            Element::Bool(b) => Some(f64::from(u8::from(*b))),
            Element::Int(i) => Some(*i as f64),
            Element::BigInt(d) => d.parse().ok(),
            Element::Float(x) => Some(*x),
            _ => None,
        }
    }
}

fn cmp_type_name(e: &Element) -> &'static str {
    match e {
        Element::Str { quote: Some(_), .. } => "QuotedString",
        other => other.type_name(),
    }
}

/// Python's `a < b` for parsed values.
fn py_lt(a: &Element, b: &Element) -> Res<bool> {
    match (a, b) {
        (Element::Int(x), Element::Int(y)) => Ok(x < y),
        (
            Element::Str {
                text: x,
                quote: None,
            },
            Element::Str {
                text: y,
                quote: None,
            },
        ) => Ok(x < y),
        (Element::List(x), Element::List(y)) => {
            for (p, q) in x.iter().zip(y) {
                if !py_eq(p, q) {
                    return py_lt(p, q);
                }
            }
            Ok(x.len() < y.len())
        }
        _ => match (a.number(), b.number()) {
            (Some(x), Some(y)) => Ok(x < y),
            _ => err(
                "TypeError",
                format!(
                    "'<' not supported between instances of '{}' and '{}'",
                    cmp_type_name(a),
                    cmp_type_name(b)
                ),
            ),
        },
    }
}

/// Python's `a == b` for parsed values (1 == 1.0 == True).
pub(crate) fn py_eq(a: &Element, b: &Element) -> bool {
    match (a, b) {
        (Element::Int(x), Element::Int(y)) => x == y,
        (Element::Null, Element::Null) => true,
        (Element::Str { text: x, quote: qx }, Element::Str { text: y, quote: qy }) => {
            x == y && qx.is_some() == qy.is_some()
        }
        (Element::List(x), Element::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q))
        }
        (Element::Dict(x), Element::Dict(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| py_eq(k, k2) && py_eq(v, v2)))
        }
        (Element::BigInt(x), Element::BigInt(y)) => x == y,
        _ => a.loose_eq(b).unwrap_or(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_follows_python() {
        let s = |v: Vec<Element>| sorted(v, false);
        assert_eq!(
            s(vec![
                Element::Int(3),
                Element::Float(1.5),
                Element::Bool(true)
            ])
            .unwrap()[0],
            Element::Bool(true)
        );
        assert!(s(vec![Element::Int(1), Element::str("a")]).is_err());
        assert!(s(vec![Element::Null, Element::Null]).is_err());
        assert!(py_eq(&Element::Int(1), &Element::Float(1.0)));
    }
}
