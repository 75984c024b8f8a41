//! The grammar's functions, evaluated while parsing (as Hydra does):
//! `int`, `float`, `str`, `bool`, `choice`, `range`, `interval`, `tag`,
//! `sort`, `shuffle` and `glob`. Arguments are bound and type-checked the
//! way Python binds them to the reference's signatures, and failures are
//! reported as `<ExcType> while evaluating '<call>': <message>`.

use super::element::Element;
use super::sweep::{ChoiceSweep, GlobSweep, IntervalSweep, Number, RangeSweep, Sweep, SweepRng};
use super::OverrideValue;
use crate::node::float_repr;

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

fn err<T>(exc: &'static str, message: impl Into<String>) -> Result<T, FnError> {
    Err(FnError {
        exc,
        message: message.into(),
    })
}

type Res<T> = Result<T, FnError>;
type Val = OverrideValue;

/// How a parameter is passed.
#[derive(Clone, Copy, PartialEq)]
enum ParamKind {
    /// Positional or keyword.
    Plain,
    /// `*args`.
    Var,
    /// Keyword only.
    KwOnly,
}

struct Param {
    name: &'static str,
    kind: ParamKind,
    required: bool,
    accepts: Accepts,
}

/// A parameter's type annotation.
#[derive(Clone, Copy)]
enum Accepts {
    /// Union[ParsedElementType, Sweep]: anything but a glob.
    CastType,
    /// str | int | float | bool | dict | list | ChoiceSweep.
    ChoiceArg,
    /// int | float.
    Number,
    /// Optional[int | float].
    OptNumber,
    /// str | Sweep.
    TagArg,
    /// Optional[Sweep].
    OptSweep,
    /// ElementType | ChoiceSweep | RangeSweep.
    OrderArg,
    /// Optional[ChoiceSweep | RangeSweep].
    OptOrderSweep,
    /// Optional[list].
    OptList,
    /// bool, exactly.
    Bool,
    /// list | str.
    Patterns,
    /// Optional[list | str].
    OptPatterns,
}

impl Accepts {
    fn matches(self, v: &Val) -> bool {
        use Element as E;
        let e = match v {
            Val::Element(e) => Some(e),
            Val::Sweep(_) => None,
        };
        let sweep = match v {
            Val::Sweep(s) => Some(s),
            Val::Element(_) => None,
        };
        let is_null = matches!(e, Some(E::Null));
        let is_number = matches!(e, Some(E::Int(_) | E::BigInt(_) | E::Float(_) | E::Bool(_)));
        let order_sweep = matches!(sweep, Some(Sweep::Choice(_) | Sweep::Range(_)));
        match self {
            Accepts::CastType => !matches!(sweep, Some(Sweep::Glob(_))),
            Accepts::ChoiceArg => {
                (e.is_some() && !is_null) || matches!(sweep, Some(Sweep::Choice(_)))
            }
            Accepts::Number => is_number,
            Accepts::OptNumber => is_number || is_null,
            Accepts::TagArg => matches!(e, Some(E::Str { .. })) || is_tag_sweep(sweep),
            Accepts::OptSweep => is_null || is_tag_sweep(sweep),
            Accepts::OrderArg => (e.is_some() && !is_null) || order_sweep,
            Accepts::OptOrderSweep => is_null || order_sweep,
            Accepts::OptList => is_null || matches!(e, Some(E::List(_))),
            Accepts::Bool => matches!(e, Some(E::Bool(_))),
            Accepts::Patterns => matches!(e, Some(E::List(_) | E::Str { .. })),
            Accepts::OptPatterns => is_null || matches!(e, Some(E::List(_) | E::Str { .. })),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Accepts::CastType => "Union[ParsedElementType, Sweep]",
            Accepts::ChoiceArg => {
                "Union[str, int, float, bool, Dict[Any, Any], List[Any], ChoiceSweep]"
            }
            Accepts::Number => "Union[int, float]",
            Accepts::OptNumber => "Optional[Union[int, float]]",
            Accepts::TagArg => "Union[str, Sweep]",
            Accepts::OptSweep => "Optional[Sweep]",
            Accepts::OrderArg => {
                "Union[str, int, bool, float, list, dict, ChoiceSweep, RangeSweep]"
            }
            Accepts::OptOrderSweep => "Optional[Union[ChoiceSweep, RangeSweep]]",
            Accepts::OptList => "Optional[List[Any]]",
            Accepts::Bool => "bool",
            Accepts::Patterns => "Union[List[str], str]",
            Accepts::OptPatterns => "Optional[Union[List[str], str]]",
        }
    }
}

fn is_tag_sweep(s: Option<&Sweep>) -> bool {
    matches!(
        s,
        Some(Sweep::Choice(_) | Sweep::Range(_) | Sweep::Interval(_))
    )
}

const fn p(name: &'static str, kind: ParamKind, required: bool, accepts: Accepts) -> Param {
    Param {
        name,
        kind,
        required,
        accepts,
    }
}

use Accepts as A;
use ParamKind::{KwOnly, Plain, Var};

const CAST: &[Param] = &[
    p("args", Var, false, A::CastType),
    p("value", KwOnly, false, A::CastType),
];
const CHOICE: &[Param] = &[p("args", Var, false, A::ChoiceArg)];
const RANGE: &[Param] = &[
    p("start", Plain, true, A::Number),
    p("stop", Plain, false, A::OptNumber),
    p("step", Plain, false, A::Number),
];
const INTERVAL: &[Param] = &[
    p("start", Plain, true, A::Number),
    p("end", Plain, true, A::Number),
];
const TAG: &[Param] = &[
    p("args", Var, false, A::TagArg),
    p("sweep", KwOnly, false, A::OptSweep),
];
const SHUFFLE: &[Param] = &[
    p("args", Var, false, A::OrderArg),
    p("sweep", KwOnly, false, A::OptOrderSweep),
    p("list", KwOnly, false, A::OptList),
];
const SORT: &[Param] = &[
    p("args", Var, false, A::OrderArg),
    p("sweep", KwOnly, false, A::OptOrderSweep),
    p("list", KwOnly, false, A::OptList),
    p("reverse", KwOnly, false, A::Bool),
];
const GLOB: &[Param] = &[
    p("include", Plain, true, A::Patterns),
    p("exclude", Plain, false, A::OptPatterns),
];

/// The arguments bound to a signature: `*args` and the named parameters.
struct Bound {
    var: Vec<Val>,
    named: Vec<(&'static str, Val)>,
}

impl Bound {
    fn take(&mut self, name: &str) -> Option<Val> {
        let i = self.named.iter().position(|(n, _)| *n == name)?;
        Some(self.named.remove(i).1)
    }
}

/// Python's `Signature.bind` followed by Hydra's type checks.
fn bind(params: &[Param], args: Vec<Val>, kwargs: Vec<(String, Val)>) -> Res<Bound> {
    let mut bound = Bound {
        var: Vec::new(),
        named: Vec::new(),
    };
    let mut args = args.into_iter();
    for param in params {
        match param.kind {
            Var => bound.var.extend(args.by_ref()),
            Plain => {
                if let Some(a) = args.next() {
                    bound.named.push((param.name, a));
                }
            }
            KwOnly => {}
        }
    }
    if args.next().is_some() {
        return err("TypeError", "too many positional arguments");
    }
    for (name, value) in kwargs {
        let Some(param) = params.iter().find(|p| p.name == name && p.kind != Var) else {
            return err(
                "TypeError",
                format!("got an unexpected keyword argument '{name}'"),
            );
        };
        if bound.named.iter().any(|(n, _)| *n == param.name) {
            return err(
                "TypeError",
                format!("multiple values for argument '{name}'"),
            );
        }
        bound.named.push((param.name, value));
    }
    for param in params {
        if param.required && !bound.named.iter().any(|(n, _)| *n == param.name) {
            return err(
                "TypeError",
                format!("missing a required argument: '{}'", param.name),
            );
        }
    }
    for param in params {
        if param.kind == Var {
            for (i, v) in bound.var.iter().enumerate() {
                if !param.accepts.matches(v) {
                    return mismatch(&format!("{}[{i}]", param.name), v, param.accepts);
                }
            }
        } else if let Some((_, v)) = bound.named.iter().find(|(n, _)| *n == param.name) {
            if !param.accepts.matches(v) {
                return mismatch(param.name, v, param.accepts);
            }
        }
    }
    Ok(bound)
}

fn mismatch<T>(name: &str, v: &Val, accepts: Accepts) -> Res<T> {
    err(
        "TypeError",
        format!(
            "mismatch type argument {name}: {} is incompatible with {}",
            val_type(v),
            accepts.describe()
        ),
    )
}

fn val_type(v: &Val) -> &'static str {
    match v {
        Val::Element(e) => e.type_name(),
        Val::Sweep(Sweep::Choice(_)) => "ChoiceSweep",
        Val::Sweep(Sweep::Range(_)) => "RangeSweep",
        Val::Sweep(Sweep::Interval(_)) => "IntervalSweep",
        Val::Sweep(Sweep::Glob(_)) => "Glob",
    }
}

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
fn simple_choice(args: Vec<Val>) -> Res<ChoiceSweep> {
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

fn num_value(e: &Element) -> Option<f64> {
    match e {
        Element::Bool(b) => Some(f64::from(u8::from(*b))),
        Element::Int(i) => Some(*i as f64),
        Element::BigInt(d) => d.parse().ok(),
        Element::Float(x) => Some(*x),
        _ => None,
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
        _ => match (num_value(a), num_value(b)) {
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
        _ => match (num_value(a), num_value(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// The four casts.
#[derive(Clone, Copy, PartialEq)]
enum Cast {
    Int,
    Float,
    Str,
    Bool,
}

fn normalize_cast(args: Vec<Val>, value: Option<Val>) -> Res<Val> {
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

fn cast_value(kind: Cast, v: Val) -> Res<Val> {
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
        Element::Str { text, .. } => python_int(text).ok_or_else(|| FnError {
            exc: "ValueError",
            message: format!("invalid literal for int() with base 10: {}", py_repr(text)),
        }),
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
    let d = super::decimal::Decimal::from_f64(t);
    match d {
        super::decimal::Decimal::Finite { neg, digits, exp } => {
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
            python_float(text)
                .map(Element::Float)
                .ok_or_else(|| FnError {
                    exc: "ValueError",
                    message: format!("could not convert string to float: {}", py_repr(text)),
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
                format!("Cannot cast {} to bool", py_repr(text)),
            )
        }
        Element::List(_) | Element::Dict(_) => return err("AssertionError", ""),
    }))
}

/// A string as Python's `repr` quotes it (enough for messages).
fn py_repr(s: &str) -> String {
    if s.contains('\'') && !s.contains('"') {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

/// `digit ('_'? digit)*`, the digit groups of Python number literals.
fn py_digits(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.is_empty()
        || !b[0].is_ascii_digit()
        || !b[b.len() - 1].is_ascii_digit()
        || s.contains("__")
    {
        return None;
    }
    if !b.iter().all(|c| c.is_ascii_digit() || *c == b'_') {
        return None;
    }
    Some(s.replace('_', ""))
}

/// Python's `int(text)` in base 10: whitespace around, a sign, digits
/// with single underscores; leading zeros allowed.
pub(crate) fn python_int(text: &str) -> Option<Element> {
    let t = text.trim();
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let digits = py_digits(body)?;
    let digits = digits.trim_start_matches('0');
    let canonical = if digits.is_empty() {
        "0".to_string()
    } else if neg {
        format!("-{digits}")
    } else {
        digits.to_string()
    };
    Some(match canonical.parse::<i64>() {
        Ok(i) => Element::Int(i),
        Err(_) => Element::BigInt(canonical),
    })
}

/// Python's `float(text)`: whitespace around, a sign, `inf`/`infinity`/
/// `nan` in any case, or a decimal literal with single underscores.
pub(crate) fn python_float(text: &str) -> Option<f64> {
    let t = text.trim();
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let special = if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
        Some(f64::INFINITY)
    } else if body.eq_ignore_ascii_case("nan") {
        Some(f64::NAN)
    } else {
        None
    };
    let magnitude = match special {
        Some(x) => x,
        None => {
            let (mantissa, exp) = match body.find(['e', 'E']) {
                Some(i) => (&body[..i], Some(&body[i + 1..])),
                None => (body, None),
            };
            let (int, frac) = match mantissa.find('.') {
                Some(i) => (&mantissa[..i], Some(&mantissa[i + 1..])),
                None => (mantissa, None),
            };
            let int = if int.is_empty() {
                Some(String::new())
            } else {
                py_digits(int)
            }?;
            let frac = match frac {
                None => None,
                Some("") => Some(String::new()),
                Some(f) => Some(py_digits(f)?),
            };
            if int.is_empty() && frac.as_deref().is_none_or(str::is_empty) {
                return None;
            }
            let mut lit = format!("{int}.{}", frac.unwrap_or_default());
            if lit.starts_with('.') {
                lit.insert(0, '0');
            }
            if let Some(exp) = exp {
                let (sign, digits) = match exp.as_bytes().first() {
                    Some(b'-') => ("-", &exp[1..]),
                    Some(b'+') => ("", &exp[1..]),
                    _ => ("", exp),
                };
                lit.push('e');
                lit.push_str(sign);
                lit.push_str(&py_digits(digits)?);
            }
            lit.parse::<f64>().ok()?
        }
    };
    Some(if neg { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_number_parsing() {
        assert_eq!(python_int(" 007 "), Some(Element::Int(7)));
        assert_eq!(python_int("1_000"), Some(Element::Int(1000)));
        assert_eq!(python_int("0x10"), None);
        assert_eq!(python_int("1__0"), None);
        assert_eq!(python_float("1_0.5"), Some(10.5));
        assert_eq!(python_float("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(python_float("5."), Some(5.0));
        assert_eq!(python_float(".5e1"), Some(5.0));
        assert_eq!(python_float("."), None);
        assert_eq!(python_float("1e"), None);
        assert_eq!(
            float_to_int(1e20),
            Element::BigInt("100000000000000000000".into())
        );
    }

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
    }
}
