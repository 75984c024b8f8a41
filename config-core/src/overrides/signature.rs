//! Binding a function call's arguments to its signature, as Python's
//! `Signature.bind` does, then Hydra's type checks of each argument against
//! the parameter's annotation. The signatures of the grammar's functions
//! are here too.

use super::element::Element;
use super::functions::{err, Res, Val};
use super::sweep::Sweep;

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

pub(crate) struct Param {
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

pub(crate) const CAST: &[Param] = &[
    p("args", Var, false, A::CastType),
    p("value", KwOnly, false, A::CastType),
];
pub(crate) const CHOICE: &[Param] = &[p("args", Var, false, A::ChoiceArg)];
pub(crate) const RANGE: &[Param] = &[
    p("start", Plain, true, A::Number),
    p("stop", Plain, false, A::OptNumber),
    p("step", Plain, false, A::Number),
];
pub(crate) const INTERVAL: &[Param] = &[
    p("start", Plain, true, A::Number),
    p("end", Plain, true, A::Number),
];
pub(crate) const TAG: &[Param] = &[
    p("args", Var, false, A::TagArg),
    p("sweep", KwOnly, false, A::OptSweep),
];
pub(crate) const SHUFFLE: &[Param] = &[
    p("args", Var, false, A::OrderArg),
    p("sweep", KwOnly, false, A::OptOrderSweep),
    p("list", KwOnly, false, A::OptList),
];
pub(crate) const SORT: &[Param] = &[
    p("args", Var, false, A::OrderArg),
    p("sweep", KwOnly, false, A::OptOrderSweep),
    p("list", KwOnly, false, A::OptList),
    p("reverse", KwOnly, false, A::Bool),
];
pub(crate) const GLOB: &[Param] = &[
    p("include", Plain, true, A::Patterns),
    p("exclude", Plain, false, A::OptPatterns),
];

/// The arguments bound to a signature: `*args` and the named parameters.
pub(crate) struct Bound {
    pub(crate) var: Vec<Val>,
    named: Vec<(&'static str, Val)>,
}

impl Bound {
    pub(crate) fn take(&mut self, name: &str) -> Option<Val> {
        let i = self.named.iter().position(|(n, _)| *n == name)?;
        Some(self.named.remove(i).1)
    }
}

/// Python's `Signature.bind` followed by Hydra's type checks.
pub(crate) fn bind(params: &[Param], args: Vec<Val>, kwargs: Vec<(String, Val)>) -> Res<Bound> {
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

pub(crate) fn val_type(v: &Val) -> &'static str {
    match v {
        Val::Element(e) => e.type_name(),
        Val::Sweep(Sweep::Choice(_)) => "ChoiceSweep",
        Val::Sweep(Sweep::Range(_)) => "RangeSweep",
        Val::Sweep(Sweep::Interval(_)) => "IntervalSweep",
        Val::Sweep(Sweep::Glob(_)) => "Glob",
    }
}
