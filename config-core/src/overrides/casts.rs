//! The casts `int()`, `float()`, `str()` and `bool()` of the override
//! grammar: of a value, of each item of a list or dict, of a choice, range
//! or interval; with the messages of Python's own conversions.

use super::element::Element;
use super::functions::{err, simple_choice, FnError, Res, Val};
use super::sweep::{ChoiceSweep, IntervalSweep, Number, RangeSweep, Sweep};
use crate::node::float_repr;
use crate::python;

/// The four casts.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Cast {
    Int,
    Float,
    Str,
    Bool,
}

pub(crate) fn normalize_cast(args: Vec<Val>, value: Option<Val>) -> Res<Val> {
    let value = value.filter(|v| !matches!(v, Val::Element(Element::Null)));
    if !args.is_empty() && value.is_some() {
        return err("TypeError", "cannot use both position and named arguments");
    }
    if let Some(v) = value {
        return Ok(v);
    }
    match args.len() {
        0 => err("TypeError", "No positional args or value specified"),
        1 => Ok(args
            .into_iter()
            .next()
            .unwrap_or(Val::Element(Element::Null))),
        _ => Ok(Val::Sweep(Sweep::Choice(simple_choice(args)?))),
    }
}

pub(crate) fn cast_value(kind: Cast, v: Val) -> Res<Val> {
    match v {
        Val::Element(e) => cast_element(kind, &e).map(Val::Element),
        Val::Sweep(Sweep::Choice(c)) => {
            let items = c
                .items
                .iter()
                .map(|e| match cast_element(kind, e)? {
                    Element::Null => err("AssertionError", ""),
                    ok => Ok(ok),
                })
                .collect::<Res<Vec<_>>>()?;
            Ok(Val::Sweep(Sweep::Choice(ChoiceSweep {
                items,
                simple: c.simple,
                ..ChoiceSweep::default()
            })))
        }
        Val::Sweep(Sweep::Range(r)) => {
            if !matches!(kind, Cast::Int | Cast::Float) {
                return err("ValueError", "Range can only be cast to int or float");
            }
            let f = |n: Number| cast_number(kind, n);
            Ok(Val::Sweep(Sweep::Range(RangeSweep {
                start: f(r.start)?,
                stop: f(r.stop)?,
                step: f(r.step)?,
                shuffle: false,
                tags: vec![],
            })))
        }
        Val::Sweep(Sweep::Interval(i)) => match kind {
            Cast::Str => err("ValueError", "Intervals cannot be cast to str"),
            Cast::Bool => err("ValueError", "Intervals cannot be cast to bool"),
            _ => Ok(Val::Sweep(Sweep::Interval(IntervalSweep {
                start: cast_number(kind, i.start)?,
                end: cast_number(kind, i.end)?,
                tags: i.tags,
            }))),
        },
        Val::Sweep(Sweep::Glob(_)) => err("TypeError", "a glob() cannot be cast"),
    }
}

fn cast_number(kind: Cast, n: Number) -> Res<Number> {
    match cast_element(kind, &n.to_element())? {
        Element::Int(i) => Ok(Number::Int(i)),
        Element::Float(x) => Ok(Number::Float(x)),
        _ => err("OverflowError", "integer too large for a range"),
    }
}

fn cast_element(kind: Cast, e: &Element) -> Res<Element> {
    match e {
        Element::List(items) => {
            return items
                .iter()
                .map(|x| cast_element(kind, x))
                .collect::<Res<_>>()
                .map(Element::List)
        }
        Element::Dict(pairs) => {
            return pairs
                .iter()
                .map(|(k, v)| Ok((k.clone(), cast_element(kind, v)?)))
                .collect::<Res<_>>()
                .map(Element::Dict)
        }
        _ => {}
    }
    match kind {
        Cast::Int => to_int(e),
        Cast::Float => to_float(e),
        Cast::Str => to_str(e),
        Cast::Bool => to_bool(e),
    }
}

fn to_int(e: &Element) -> Res<Element> {
    match e {
        Element::Null => err("AssertionError", ""),
        Element::Bool(b) => Ok(Element::Int(i64::from(*b))),
        Element::Int(_) | Element::BigInt(_) => Ok(e.clone()),
        Element::Float(x) if x.is_nan() => err("ValueError", "cannot convert float NaN to integer"),
        Element::Float(x) if x.is_infinite() => {
            err("OverflowError", "cannot convert float infinity to integer")
        }
        Element::Float(x) => Ok(float_to_int(*x)),
        Element::Str { text, .. } => match python::parse_int(text) {
            Some(digits) => Ok(digits
                .parse::<i64>()
                .map_or(Element::BigInt(digits), Element::Int)),
            None => err(
                "ValueError",
                format!(
                    "invalid literal for int() with base 10: {}",
                    python::repr_str(text)
                ),
            ),
        },
        Element::List(_) | Element::Dict(_) => err("AssertionError", ""),
    }
}

/// `int(x)` for a finite float: truncation, exact even beyond 64 bits.
fn float_to_int(x: f64) -> Element {
    let t = x.trunc();
    if t.abs() < 9.2e18 {
        return Element::Int(t as i64);
    }
    // Exact digits of the integral float.
    let d = crate::overrides::decimal::Decimal::from_f64(t);
    match d {
        crate::overrides::decimal::Decimal::Finite { neg, digits, exp } => {
            let mut s = String::new();
            if neg {
                s.push('-');
            }
            s.extend(digits.iter().map(|d| char::from(b'0' + d)));
            s.extend(std::iter::repeat_n('0', exp.max(0) as usize));
            Element::BigInt(s)
        }
        _ => Element::Int(0),
    }
}

fn to_float(e: &Element) -> Res<Element> {
    match e {
        Element::Null => err("AssertionError", ""),
        Element::Bool(b) => Ok(Element::Float(f64::from(u8::from(*b)))),
        Element::Int(i) => Ok(Element::Float(*i as f64)),
        Element::BigInt(d) => match d.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Element::Float(x)),
            _ => err("OverflowError", "int too large to convert to float"),
        },
        Element::Float(_) => Ok(e.clone()),
        Element::Str { text, .. } => {
            python::parse_float(text)
                .map(Element::Float)
                .ok_or_else(|| FnError {
                    exc: "ValueError",
                    message: format!(
                        "could not convert string to float: {}",
                        python::repr_str(text)
                    ),
                })
        }
        Element::List(_) | Element::Dict(_) => err("AssertionError", ""),
    }
}

fn to_str(e: &Element) -> Res<Element> {
    Ok(Element::str(match e {
        Element::Null | Element::List(_) | Element::Dict(_) => return err("AssertionError", ""),
        Element::Bool(b) => b.to_string(),
        Element::Int(i) => i.to_string(),
        Element::BigInt(d) => d.clone(),
        Element::Float(x) => float_repr(*x),
        Element::Str { text, .. } => text.clone(),
    }))
}

fn to_bool(e: &Element) -> Res<Element> {
    Ok(Element::Bool(match e {
        Element::Null => false,
        Element::Bool(b) => *b,
        Element::Int(i) => *i != 0,
        Element::BigInt(_) => true,
        Element::Float(x) => *x != 0.0,
        Element::Str { text, .. } if text.eq_ignore_ascii_case("true") => true,
        Element::Str { text, .. } if text.eq_ignore_ascii_case("false") => false,
        Element::Str { text, .. } => {
            return err(
                "ValueError",
                format!("Cannot cast {} to bool", python::repr_str(text)),
            )
        }
        Element::List(_) | Element::Dict(_) => return err("AssertionError", ""),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_follow_python() {
        assert_eq!(
            float_to_int(1e20),
            Element::BigInt("100000000000000000000".into())
        );
        assert_eq!(to_int(&Element::str(" 007 ")), Ok(Element::Int(7)));
        assert_eq!(
            to_int(&Element::str("9".repeat(20))),
            Ok(Element::BigInt("9".repeat(20)))
        );
        let e = to_int(&Element::str("it's")).unwrap_err();
        assert_eq!(
            e.message,
            "invalid literal for int() with base 10: \"it's\""
        );
    }
}
