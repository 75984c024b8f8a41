//! The grammar's functions, evaluated while parsing (as Hydra does):
//! `int`, `float`, `str`, `bool`, `choice`, `range`, `interval`, `tag`,
//! `sort`, `shuffle` and `glob`. Arguments are bound and type-checked the
//! way Python binds them to the reference's signatures ([`super::signature`]),
//! and failures are reported as `<ExcType> while evaluating '<call>':
//! <message>`. The casts are in [`super::casts`], Python's ordering in
//! [`super::ordering`].

use super::casts::{cast_value, normalize_cast, Cast};
use super::element::Element;
use super::ordering::sorted;
use super::signature::{bind, val_type, CAST, CHOICE, GLOB, INTERVAL, RANGE, SHUFFLE, SORT, TAG};
use super::sweep::{ChoiceSweep, GlobSweep, IntervalSweep, Number, RangeSweep, Sweep, SweepRng};
use super::OverrideValue;

/// The registered function names.
pub const FUNCTIONS: &[&str] = &[
    "bool", "choice", "float", "glob", "int", "interval", "range", "shuffle", "sort", "str", "tag",
];

/// A failure inside a function: Python's exception type and message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FnError {
    pub exc: &'static str,
    pub message: String,
}

pub(crate) fn err<T>(exc: &'static str, message: impl Into<String>) -> Result<T, FnError> {
    Err(FnError {
        exc,
        message: message.into(),
    })
}

pub(crate) type Res<T> = Result<T, FnError>;
pub(crate) type Val = OverrideValue;

/// Top-level quoted strings become plain strings before a call, as in
/// Hydra's `Functions.eval`.
fn unquote_top(v: Val) -> Val {
    match v {
        Val::Element(Element::Str { text, .. }) => Val::Element(Element::str(text)),
        other => other,
    }
}

/// Calls function `name`.
pub(crate) fn call(
    name: &str,
    args: Vec<Val>,
    kwargs: Vec<(String, Val)>,
    rng: &mut SweepRng,
) -> Res<Val> {
    let args: Vec<Val> = args.into_iter().map(unquote_top).collect();
    let kwargs: Vec<(String, Val)> = kwargs
        .into_iter()
        .map(|(k, v)| (k, unquote_top(v)))
        .collect();
    match name {
        "int" | "float" | "str" | "bool" => {
            let kind = match name {
                "int" => Cast::Int,
                "float" => Cast::Float,
                "str" => Cast::Str,
                _ => Cast::Bool,
            };
            let mut b = bind(CAST, args, kwargs)?;
            let value = b.take("value");
            cast_value(kind, normalize_cast(b.var, value)?)
        }
        "choice" => choice(bind(CHOICE, args, kwargs)?.var),
        "range" => {
            let mut b = bind(RANGE, args, kwargs)?;
            let start = b
                .take("start")
                .map(number)
                .transpose()?
                .unwrap_or(Number::Int(0));
            let stop = match b.take("stop") {
                None | Some(Val::Element(Element::Null)) => None,
                Some(v) => Some(number(v)?),
            };
            let step = b
                .take("step")
                .map(number)
                .transpose()?
                .unwrap_or(Number::Int(1));
            let (start, stop) = match stop {
                Some(stop) => (start, stop),
                None => (Number::Int(0), start),
            };
            Ok(Val::Sweep(Sweep::Range(RangeSweep {
                start,
                stop,
                step,
                shuffle: false,
                tags: vec![],
            })))
        }
        "interval" => {
            let mut b = bind(INTERVAL, args, kwargs)?;
            let mut f = |n: &str| -> Res<Number> {
                let v = b.take(n).map(number).transpose()?.unwrap_or(Number::Int(0));
                Ok(Number::Float(num_f64(v)))
            };
            let (start, end) = (f("start")?, f("end")?);
            Ok(Val::Sweep(Sweep::Interval(IntervalSweep {
                start,
                end,
                tags: vec![],
            })))
        }
        "tag" => {
            let mut b = bind(TAG, args, kwargs)?;
            let sweep = b.take("sweep");
            tag(b.var, sweep)
        }
        "shuffle" => {
            let mut b = bind(SHUFFLE, args, kwargs)?;
            let (sweep, list) = (b.take("sweep"), b.take("list"));
            shuffle(b.var, sweep, list, rng)
        }
        "sort" => {
            let mut b = bind(SORT, args, kwargs)?;
            let reverse = matches!(b.take("reverse"), Some(Val::Element(Element::Bool(true))));
            let (sweep, list) = (b.take("sweep"), b.take("list"));
            sort(b.var, sweep, list, reverse)
        }
        "glob" => {
            let mut b = bind(GLOB, args, kwargs)?;
            let include = patterns(b.take("include"))?;
            let exclude = patterns(b.take("exclude"))?;
            Ok(Val::Sweep(Sweep::Glob(GlobSweep { include, exclude })))
        }
        _ => err("HydraException", format!("Unknown function '{name}'")),
    }
}

fn number(v: Val) -> Res<Number> {
    match v {
        Val::Element(Element::Int(i)) => Ok(Number::Int(i)),
        Val::Element(Element::Bool(b)) => Ok(Number::Int(i64::from(b))),
        Val::Element(Element::Float(x)) => Ok(Number::Float(x)),
        Val::Element(Element::BigInt(d)) => err(
            "OverflowError",
            format!("integer {d} is too large for a range"),
        ),
        other => err(
            "TypeError",
            format!("expected a number, got {}", val_type(&other)),
        ),
    }
}

fn num_f64(n: Number) -> f64 {
    match n {
        Number::Int(i) => i as f64,
        Number::Float(x) => x,
    }
}

/// Glob patterns: a string, or a list (kept as given, as Hydra keeps it;
/// a pattern that is not a string fails at expansion).
fn patterns(v: Option<Val>) -> Res<Vec<Element>> {
    match v {
        None | Some(Val::Element(Element::Null)) => Ok(Vec::new()),
        Some(Val::Element(Element::Str { text, .. })) => Ok(vec![Element::str(text)]),
        Some(Val::Element(Element::List(items))) => Ok(items),
        Some(other) => err(
            "TypeError",
            format!("glob patterns must be strings, got {}", val_type(&other)),
        ),
    }
}

/// A simple choice sweep of `args` (`str(1,2,3)`, `sort(c,a,b)`).
pub(crate) fn simple_choice(args: Vec<Val>) -> Res<ChoiceSweep> {
    let items = args
        .into_iter()
        .map(|a| match a {
            Val::Element(e) => Ok(e),
            Val::Sweep(_) => err("AssertionError", ""),
        })
        .collect::<Res<Vec<_>>>()?;
    Ok(ChoiceSweep {
        items,
        simple: true,
        ..ChoiceSweep::default()
    })
}

fn choice(args: Vec<Val>) -> Res<Val> {
    if args.is_empty() {
        return err("ValueError", "empty choice is not legal");
    }
    if args.len() == 1 {
        if let Val::Sweep(Sweep::Choice(c)) = &args[0] {
            if c.simple {
                let mut c = c.clone();
                c.simple = false;
                return Ok(Val::Sweep(Sweep::Choice(c)));
            }
        }
    }
    let items = args
        .into_iter()
        .map(|a| match a {
            Val::Element(e) => Ok(e),
            Val::Sweep(_) => err("ValueError", "nesting choices is not supported"),
        })
        .collect::<Res<Vec<_>>>()?;
    Ok(Val::Sweep(Sweep::Choice(ChoiceSweep {
        items,
        ..ChoiceSweep::default()
    })))
}

fn tag(mut args: Vec<Val>, sweep: Option<Val>) -> Res<Val> {
    if args.is_empty() {
        return err(
            "ValueError",
            "Not enough arguments to tag, must take at least a sweep",
        );
    }
    if let Some(s) = sweep.filter(|s| !matches!(s, Val::Element(Element::Null))) {
        args.push(s);
    }
    let last = args.pop().unwrap_or(Val::Element(Element::Null));
    let Val::Sweep(mut sweep) = last else {
        return err(
            "ValueError",
            "Last argument to tag() must be a choice(), range() or interval(), got NoneType",
        );
    };
    let mut tags = Vec::new();
    for a in args {
        match a {
            Val::Element(Element::Str { text, .. }) => tags.push(text),
            other => {
                return err(
                    "ValueError",
                    format!(
                        "tag arguments type must be string, got {}",
                        val_type(&other)
                    ),
                )
            }
        }
    }
    tags.sort();
    tags.dedup();
    match &mut sweep {
        Sweep::Choice(c) => c.tags = tags,
        Sweep::Range(r) => r.tags = tags,
        Sweep::Interval(i) => i.tags = tags,
        Sweep::Glob(_) => {}
    }
    Ok(Val::Sweep(sweep))
}

fn shuffle(args: Vec<Val>, sweep: Option<Val>, list: Option<Val>, rng: &mut SweepRng) -> Res<Val> {
    if let Some(l) = list.filter(|v| !matches!(v, Val::Element(Element::Null))) {
        return shuffle(vec![l], None, None, rng);
    }
    if let Some(s) = sweep.filter(|v| !matches!(v, Val::Element(Element::Null))) {
        return shuffle(vec![s], None, None, rng);
    }
    if args.len() == 1 {
        let arg = args
            .into_iter()
            .next()
            .unwrap_or(Val::Element(Element::Null));
        return Ok(match arg {
            Val::Sweep(Sweep::Choice(mut c)) => {
                c.shuffle = true;
                Val::Sweep(Sweep::Choice(c))
            }
            Val::Sweep(Sweep::Range(mut r)) => {
                r.shuffle = true;
                Val::Sweep(Sweep::Range(r))
            }
            Val::Element(Element::List(mut items)) => {
                rng.shuffle(&mut items);
                Val::Element(Element::List(items))
            }
            Val::Element(e) => Val::Element(Element::List(vec![e])),
            Val::Sweep(other) => {
                return err(
                    "TypeError",
                    format!("Invalid arguments: {}", other.value_type()),
                )
            }
        });
    }
    let mut c = simple_choice(args)?;
    c.shuffle = true;
    Ok(Val::Sweep(Sweep::Choice(c)))
}

fn sort(args: Vec<Val>, sweep: Option<Val>, list: Option<Val>, reverse: bool) -> Res<Val> {
    if let Some(l) = list.filter(|v| !matches!(v, Val::Element(Element::Null))) {
        return sort(vec![l], None, None, reverse);
    }
    if let Some(s) = sweep.filter(|v| !matches!(v, Val::Element(Element::Null))) {
        return match s {
            Val::Sweep(s) => sort_sweep(s, reverse).map(Val::Sweep),
            other => Ok(other),
        };
    }
    if args.len() == 1 {
        let arg = args
            .into_iter()
            .next()
            .unwrap_or(Val::Element(Element::Null));
        return match arg {
            Val::Sweep(s @ (Sweep::Choice(_) | Sweep::Range(_))) => {
                sort_sweep(s, reverse).map(Val::Sweep)
            }
            Val::Element(Element::List(items)) => {
                Ok(Val::Element(Element::List(sorted(items, reverse)?)))
            }
            Val::Element(e) => Ok(Val::Element(e)),
            Val::Sweep(other) => err(
                "TypeError",
                format!("Invalid arguments: {}", other.value_type()),
            ),
        };
    }
    for a in &args {
        if !matches!(
            a,
            Val::Element(
                Element::Int(_)
                    | Element::BigInt(_)
                    | Element::Float(_)
                    | Element::Bool(_)
                    | Element::Str { .. }
            )
        ) {
            return err(
                "TypeError",
                format!(
                    "Invalid arguments: sort() takes primitives, got {}",
                    val_type(a)
                ),
            );
        }
    }
    if args.is_empty() {
        return err("ValueError", "empty sort input");
    }
    sort_sweep(Sweep::Choice(simple_choice(args)?), reverse).map(Val::Sweep)
}

/// Hydra 1.3's `_sort_sweep`, including its arithmetic on ranges (which
/// gives surprising values for `sort(range(0,5,2), reverse=true)`; kept
/// for fidelity).
fn sort_sweep(sweep: Sweep, reverse: bool) -> Res<Sweep> {
    match sweep {
        Sweep::Choice(mut c) => {
            c.items = sorted(std::mem::take(&mut c.items), reverse)?;
            Ok(Sweep::Choice(c))
        }
        Sweep::Range(mut r) => {
            let abs_step = num_abs(r.step)?;
            let flip = if reverse {
                num_lt(r.start, r.stop)
            } else {
                num_lt(r.stop, r.start)
            };
            if flip {
                let (start, stop) = if reverse {
                    (num_sub(r.stop, abs_step)?, num_sub(r.start, abs_step)?)
                } else {
                    (num_add(r.stop, abs_step)?, num_add(r.start, abs_step)?)
                };
                r.start = start;
                r.stop = stop;
                r.step = num_neg(r.step)?;
            }
            Ok(Sweep::Range(r))
        }
        other => Ok(other),
    }
}

fn overflow() -> FnError {
    FnError {
        exc: "OverflowError",
        message: "integer overflow in range arithmetic".into(),
    }
}

fn num_lt(a: Number, b: Number) -> bool {
    match (a, b) {
        (Number::Int(x), Number::Int(y)) => x < y,
        _ => num_f64(a) < num_f64(b),
    }
}

fn num_add(a: Number, b: Number) -> Res<Number> {
    match (a, b) {
        (Number::Int(x), Number::Int(y)) => x.checked_add(y).map(Number::Int).ok_or_else(overflow),
        _ => Ok(Number::Float(num_f64(a) + num_f64(b))),
    }
}

fn num_sub(a: Number, b: Number) -> Res<Number> {
    match (a, b) {
        (Number::Int(x), Number::Int(y)) => x.checked_sub(y).map(Number::Int).ok_or_else(overflow),
        _ => Ok(Number::Float(num_f64(a) - num_f64(b))),
    }
}

fn num_abs(a: Number) -> Res<Number> {
    match a {
        Number::Int(x) => x.checked_abs().map(Number::Int).ok_or_else(overflow),
        Number::Float(x) => Ok(Number::Float(x.abs())),
    }
}

fn num_neg(a: Number) -> Res<Number> {
    match a {
        Number::Int(x) => x.checked_neg().map(Number::Int).ok_or_else(overflow),
        Number::Float(x) => Ok(Number::Float(-x)),
    }
}
