//! Hydra's schema for its node (`HydraConf` and the basic sweeper's
//! `BasicSweeperConf`): which mappings are closed and what type each leaf
//! has. Hydra enforces it as a structured config; [`check`] enforces it
//! once the node is composed, converting values as OmegaConf does (`1` for
//! a string field becomes `'1'`, `true` for `Optional[bool]` stays `true`).

use crate::error::{did_you_mean, Error, ErrorKind};
use crate::node::{Node, Value};

/// The type of a leaf.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ty {
    Str,
    OptStr,
    OptBool,
    Int,
    OptInt,
    Mode,
    StrList,
    StrDict,
    OptStrDict,
    Any,
}

/// The fields of a closed mapping: each key with its type, `None` for a
/// nested closed mapping (listed separately).
type Fields = &'static [(&'static str, Option<Ty>)];

/// Closed mappings, by path below `hydra`, with their fields.
const CLOSED: &[(&str, Fields)] = &[
    (
        "",
        &[
            ("mode", Some(Ty::Mode)),
            ("searchpath", Some(Ty::StrList)),
            ("run", None),
            ("sweep", None),
            ("hydra_logging", Some(Ty::Any)),
            ("job_logging", Some(Ty::Any)),
            ("sweeper", Some(Ty::Any)),
            ("launcher", Some(Ty::Any)),
            ("callbacks", Some(Ty::Any)),
            ("help", None),
            ("hydra_help", None),
            ("output_subdir", Some(Ty::OptStr)),
            ("overrides", None),
            ("job", None),
            ("runtime", None),
            ("verbose", Some(Ty::Any)),
            ("env", Some(Ty::Any)),
        ],
    ),
    ("run", &[("dir", Some(Ty::Str))]),
    (
        "sweep",
        &[("dir", Some(Ty::Str)), ("subdir", Some(Ty::Str))],
    ),
    (
        "help",
        &[
            ("app_name", Some(Ty::Str)),
            ("header", Some(Ty::Str)),
            ("footer", Some(Ty::Str)),
            ("template", Some(Ty::Str)),
        ],
    ),
    (
        "hydra_help",
        &[("hydra_help", Some(Ty::Str)), ("template", Some(Ty::Str))],
    ),
    (
        "overrides",
        &[("hydra", Some(Ty::StrList)), ("task", Some(Ty::StrList))],
    ),
    (
        "job",
        &[
            ("name", Some(Ty::Str)),
            ("chdir", Some(Ty::OptBool)),
            ("override_dirname", Some(Ty::Str)),
            ("id", Some(Ty::Str)),
            ("num", Some(Ty::Int)),
            ("config_name", Some(Ty::OptStr)),
            ("env_set", Some(Ty::StrDict)),
            ("env_copy", Some(Ty::StrList)),
            ("config", None),
        ],
    ),
    ("job.config", &[("override_dirname", None)]),
    (
        "job.config.override_dirname",
        &[
            ("kv_sep", Some(Ty::Str)),
            ("item_sep", Some(Ty::Str)),
            ("exclude_keys", Some(Ty::StrList)),
        ],
    ),
    (
        "runtime",
        &[
            ("version", Some(Ty::Str)),
            ("version_base", Some(Ty::Str)),
            ("cwd", Some(Ty::Str)),
            ("config_sources", Some(Ty::Any)),
            ("output_dir", Some(Ty::Str)),
            ("choices", Some(Ty::Any)),
        ],
    ),
];

/// Typed leaves inside open mappings (the basic sweeper's fields).
const TYPED: &[(&str, Ty)] = &[
    ("sweeper.max_batch_size", Ty::OptInt),
    ("sweeper.params", Ty::OptStrDict),
];

/// Holds the composed `hydra` node to Hydra's schema: no unknown keys in its
/// closed mappings, and every typed leaf converted to its type.
pub(crate) fn check(hydra: &mut Node) -> Result<(), Error> {
    for (path, fields) in CLOSED {
        let node = if path.is_empty() {
            Some(&mut *hydra)
        } else {
            hydra.select_mut_raw(path).ok().flatten()
        };
        let Some(node) = node else { continue };
        check_closed(path, fields, node)?;
    }
    for (path, ty) in TYPED {
        if let Some(n) = hydra.select_mut_raw(path).ok().flatten() {
            convert(&format!("hydra.{path}"), *ty, n)?;
        }
    }
    Ok(())
}

fn check_closed(path: &str, fields: &[(&str, Option<Ty>)], node: &mut Node) -> Result<(), Error> {
    let full = |k: &str| {
        if path.is_empty() {
            format!("hydra.{k}")
        } else {
            format!("hydra.{path}.{k}")
        }
    };
    if matches!(node.value, Value::Missing | Value::Interp(_)) {
        return Ok(());
    }
    let origin = node.origin.clone();
    let Some(map) = node.as_map_mut_raw() else {
        let at = if path.is_empty() {
            "hydra".to_string()
        } else {
            format!("hydra.{path}")
        };
        return Err(
            Error::new(ErrorKind::Type, format!("{at} must be a mapping")).with_origin(origin),
        );
    };
    for (key, child) in map.iter_mut() {
        let name = key.to_string();
        match fields.iter().find(|(k, _)| *k == name) {
            None => {
                let mut err = Error::new(
                    ErrorKind::Struct,
                    format!("Key '{name}' not in '{}'", schema_name(path)),
                )
                .with_origin(child.origin.clone());
                err.set_key(Some(full(&name)));
                let names = fields.iter().map(|(k, _)| *k);
                err = match did_you_mean(&name, names.clone()).first() {
                    Some(best) => err.with_hint(format!("did you mean {}?", full(best))),
                    None => err.with_hint(format!(
                        "the keys of {} are: {}",
                        full("").trim_end_matches('.'),
                        names.collect::<Vec<_>>().join(", ")
                    )),
                };
                return Err(err);
            }
            Some((_, Some(ty))) => convert(&full(&name), *ty, child)?,
            Some((_, None)) => {}
        }
    }
    Ok(())
}

fn schema_name(path: &str) -> &'static str {
    match path {
        "" => "HydraConf",
        "run" => "RunDir",
        "sweep" => "SweepDir",
        "help" => "HelpConf",
        "hydra_help" => "HydraHelpConf",
        "overrides" => "OverridesConf",
        "job" => "JobConf",
        "job.config" => "JobConfig",
        "job.config.override_dirname" => "OverrideDirname",
        _ => "RuntimeConf",
    }
}

/// Converts `node` to `ty` in place, as OmegaConf's value nodes do.
fn convert(key: &str, ty: Ty, node: &mut Node) -> Result<(), Error> {
    if matches!(node.value, Value::Missing | Value::Interp(_)) || ty == Ty::Any {
        return Ok(());
    }
    let optional = matches!(
        ty,
        Ty::OptStr | Ty::OptBool | Ty::OptInt | Ty::OptStrDict | Ty::Mode
    );
    if node.value == Value::Null {
        return if optional {
            Ok(())
        } else {
            Err(bad(key, ty, node, "is not Optional"))
        };
    }
    let converted = match (ty, &node.value) {
        (Ty::Str | Ty::OptStr, v) => to_str(v),
        (Ty::OptBool, v) => to_bool(v).map(Value::Bool),
        (Ty::Int | Ty::OptInt, Value::Int(i)) => Some(Value::Int(*i)),
        (Ty::Int | Ty::OptInt, Value::Str(s)) => s.trim().parse::<i64>().ok().map(Value::Int),
        (Ty::Mode, Value::Str(s)) if s == "RUN" || s == "MULTIRUN" => Some(node.value.clone()),
        (Ty::Mode, Value::Int(1)) => Some(Value::Str("RUN".into())),
        (Ty::Mode, Value::Int(2)) => Some(Value::Str("MULTIRUN".into())),
        (Ty::StrList, Value::List(items)) => {
            let mut out = items.clone();
            for (i, item) in out.iter_mut().enumerate() {
                convert(&crate::path::index_key(key, i), Ty::Str, item)?;
            }
            Some(Value::List(out))
        }
        (Ty::StrDict | Ty::OptStrDict, Value::Map(_)) => {
            if let Some(m) = node.as_map_mut_raw() {
                for (k, v) in m.iter_mut() {
                    convert(&crate::path::child_key(key, k), Ty::Str, v)?;
                }
            }
            return Ok(());
        }
        _ => None,
    };
    match converted {
        Some(v) => {
            node.value = v;
            Ok(())
        }
        None => Err(bad(key, ty, node, "could not be converted")),
    }
}

fn to_str(v: &Value) -> Option<Value> {
    match v {
        Value::Str(_) => Some(v.clone()),
        Value::Int(_) | Value::BigInt(_) | Value::Float(_) | Value::Bool(_) => {
            Some(Value::Str(crate::python::python_str(v).into()))
        }
        _ => None,
    }
}

/// OmegaConf's `BooleanNode` conversion.
fn to_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Int(0) => Some(false),
        Value::Int(1) => Some(true),
        Value::Str(s) => match s.to_ascii_lowercase().as_str() {
            "y" | "yes" | "on" | "true" | "1" => Some(true),
            "n" | "no" | "off" | "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn type_text(ty: Ty) -> &'static str {
    match ty {
        Ty::Str => "str",
        Ty::OptStr => "Optional[str]",
        Ty::OptBool => "Optional[bool]",
        Ty::Int => "int",
        Ty::OptInt => "Optional[int]",
        Ty::Mode => "Optional[RunMode] (RUN or MULTIRUN)",
        Ty::StrList => "List[str]",
        Ty::StrDict => "Dict[str, str]",
        Ty::OptStrDict => "Optional[Dict[str, str]]",
        Ty::Any => "Any",
    }
}

fn bad(key: &str, ty: Ty, node: &Node, what: &str) -> Error {
    let shown = crate::python::python_str(&node.value);
    let mut err = Error::new(
        ErrorKind::Validation,
        format!(
            "Value '{shown}' of type '{}' {what} to {}",
            crate::python::type_name(&node.value),
            type_text(ty)
        ),
    )
    .with_origin(node.origin.clone());
    err.set_key(Some(key.to_string()));
    if what == "is not Optional" {
        err.set_message(format!("field '{key}' is not Optional"));
    }
    err.with_hint(format!("{key} takes a value of type {}", type_text(ty)))
}
