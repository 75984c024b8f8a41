//! The built-in resolvers: OmegaConf's `oc.env`, `oc.decode`, `oc.create`,
//! `oc.select`, `oc.deprecated`, `oc.dict.keys`, `oc.dict.values`, and
//! Hydra's `now`, each with the reference's argument checks and messages
//! (Python's `TypeError` wording for a wrong argument count).
//! [`super::Resolvers::default`] registers them.

use super::grammar;
use super::resolve::{Lookup, Pos};
use super::resolvers::{raised, Call, Found};
use crate::error::{Error, ErrorKind};
use crate::interp::creation::created_string;
use crate::node::{Key, Node, Value};
use crate::python::{python_str, python_type};
use std::time::SystemTime;

impl Call<'_, '_> {
    /// Checks the argument count against the parameters of `func`
    /// (`required` of `params` are mandatory), worded as Python's TypeError.
    fn arg_count(&self, func: &str, params: &[&str], required: usize) -> Result<(), Error> {
        let n = self.args.len();
        let max = params.len();
        if n >= required && n <= max {
            return Ok(());
        }
        let message = if n < required {
            let missing: Vec<String> = params[n..required]
                .iter()
                .map(|p| format!("'{p}'"))
                .collect();
            let list = match missing.as_slice() {
                [one] => one.clone(),
                [init @ .., last] => format!("{} and {last}", init.join(", ")),
                [] => String::new(),
            };
            let s = if missing.len() == 1 { "" } else { "s" };
            format!(
                "{func}() missing {} required positional argument{s}: {list}",
                missing.len()
            )
        } else if required == max {
            let s = if max == 1 { "" } else { "s" };
            let verb = if n == 1 { "was" } else { "were" };
            format!("{func}() takes {max} positional argument{s} but {n} {verb} given")
        } else {
            format!(
                "{func}() takes from {required} to {max} positional arguments but {n} were given"
            )
        };
        Err(raised("TypeError", &message))
    }

    fn string_arg(&self, i: usize, what: impl Fn(&Value) -> String) -> Result<String, Error> {
        match &self.args[i].value {
            Value::Str(s) => Ok(s.to_string()),
            other => Err(raised("TypeError", &what(other))),
        }
    }
}

fn shown(v: &Value) -> String {
    python_str(v)
}

/// `oc.env:NAME[,default]`: always a string; a null default gives null.
pub(crate) fn oc_env(call: &mut Call<'_, '_>) -> Result<Node, Error> {
    call.arg_count("env", &["key", "default"], 1)?;
    let name = call.string_arg(0, |v| format!("str expected, not {}", python_type(v)))?;
    if let Ok(value) = std::env::var(&name) {
        return Ok(Node::new(Value::Str(value.into())));
    }
    match call.args.get(1) {
        Some(d) if matches!(d.value, Value::Null) => Ok(Node::new(Value::Null)),
        Some(d) => Ok(Node::new(Value::Str(python_str(&d.value).into()))),
        None => Err(raised(
            "KeyError",
            &format!("\"Environment variable '{name}' not found\""),
        )
        .with_hint(format!(
            "set {name} in the environment, or give a default: ${{oc.env:{name},default}}"
        ))),
    }
}

/// `oc.decode:text`: parses a string as a grammar element (int, float,
/// bool, null, list, dict, or string); null gives null.
pub(crate) fn oc_decode(call: &mut Call<'_, '_>) -> Result<Node, Error> {
    call.arg_count("decode", &["expr"], 1)?;
    let text = match &call.args[0].value {
        Value::Null => return Ok(Node::new(Value::Null)),
        Value::Str(s) => s.clone(),
        other => {
            return Err(raised(
                "TypeError",
                &format!(
                    "`oc.decode` can only take strings or None as input, but `{}` is of type {}",
                    shown(other),
                    python_type(other)
                ),
            ))
        }
    };
    let element = grammar::parse_element(&text).map_err(|g| {
        raised(
            "GrammarParseError",
            &format!("cannot parse '{text}': {}", g.message),
        )
        .with_hint("oc.decode reads one value: a number, bool, null, string, [list] or {dict}")
    })?;
    let base = call.base.clone();
    call.engine.eval_element(&element, &text, &base)
}

/// `oc.create:obj`: a mapping or list becomes a config node (its own
/// interpolations then resolve where it is placed); a string is read as YAML.
pub(crate) fn oc_create(call: &mut Call<'_, '_>) -> Result<Node, Error> {
    call.arg_count("create", &["obj"], 1)?;
    // Taken, not copied: the argument is already a copy, charged as one.
    let mut arg = std::mem::replace(&mut call.args[0], Node::new(Value::Null));
    match arg.value {
        Value::Map(_) | Value::List(_) => {
            as_created(&mut arg)?;
            Ok(arg)
        }
        Value::Null => Ok(Node::new(Value::Null)),
        Value::Str(s) => {
            let loaded = crate::yaml::load_str(&s, "<oc.create>", &crate::yaml::Limits::default())?;
            Ok(match loaded.value {
                Value::Null => Node::new(Value::Map(Default::default())),
                Value::Str(text) | Value::Interp(text) => {
                    let mut m = crate::node::Map::new();
                    m.insert(Key::from(text), Node::new(Value::Null));
                    Node::new(Value::Map(m))
                }
                Value::Map(_) | Value::List(_) => loaded,
                other => {
                    return Err(raised(
                        "ValidationError",
                        &format!("Object of unsupported type: '{}'", python_type(&other)),
                    ))
                }
            })
        }
        other => Err(raised(
            "ValidationError",
            &format!("Object of unsupported type: '{}'", python_type(&other)),
        )),
    }
}

/// `oc.select:key[,default]`: like `${key}`, but a missing key or a `???`
/// value gives the default (or null).
pub(crate) fn oc_select(call: &mut Call<'_, '_>) -> Result<Node, Error> {
    call.arg_count("select", &["key", "default"], 1)?;
    let key = call.string_arg(0, |v| {
        format!(
            "`oc.select` requires a string key, but got `{}` of type {}",
            shown(v),
            python_type(v)
        )
    })?;
    let default = call
        .args
        .get(1)
        .cloned()
        .unwrap_or_else(|| Node::new(Value::Null));
    match call.find(&key)? {
        Found::Node(p) => {
            // An interpolation whose result is `???` (`oc.decode:'???'`) is
            // missing too (OmegaConf's `_is_missing` dereferences it).
            if matches!(call.engine.node(&p).value, Value::Interp(_)) {
                call.engine.drive(&p)?;
            }
            match &call.engine.node(&p).value {
                Value::Missing => return Ok(default),
                Value::Str(s) if s == "???" => return Ok(default),
                _ => {}
            }
            call.result_ref = Some(p);
            Ok(Node::new(Value::Null))
        }
        Found::Missing(_) | Found::None => Ok(default),
    }
}

/// `oc.deprecated:new_key[,message]`: warns, then returns the new key's value.
pub(crate) fn oc_deprecated(call: &mut Call<'_, '_>) -> Result<Node, Error> {
    call.arg_count("deprecated", &["key", "message"], 1)?;
    let key = call.string_arg(0, |v| {
        format!(
            "oc.deprecated: interpolation key type is not a string ({})",
            python_type(v)
        )
    })?;
    let message = match call.args.get(1) {
        None => {
            "'$OLD_KEY' is deprecated. Change your code and config to use '$NEW_KEY'".to_string()
        }
        Some(_) => call.string_arg(1, |v| {
            format!(
                "oc.deprecated: interpolation message type is not a string ({})",
                python_type(v)
            )
        })?,
    };
    let old_key = call.key();
    // A `???` value is a node: the interpolation gives `???` (OmegaConf's
    // `_select_impl` with `throw_on_missing=False`).
    let (Found::Node(p) | Found::Missing(p)) = call.find(&key)? else {
        return Err(raised(
            "ConfigKeyError",
            &format!("In oc.deprecated resolver at '{old_key}': Key not found: '{key}'"),
        ));
    };
    let new_key = call.engine.full_key(&p);
    let text = message
        .replace("${OLD_KEY}", &old_key)
        .replace("${NEW_KEY}", &new_key)
        .replace("$OLD_KEY", &old_key)
        .replace("$NEW_KEY", &new_key);
    call.warn(text);
    call.result_ref = Some(p);
    Ok(Node::new(Value::Null))
}

fn dict_input(call: &mut Call<'_, '_>, func: &str) -> Result<Pos, Error> {
    call.arg_count(func, &["key"], 1)?;
    let key = call.string_arg(0, |v| {
        format!(
            "`oc.dict.{func}` requires a string as input, but obtained `{}` of type: {}",
            shown(v),
            python_type(v)
        )
    })?;
    let base = call.base.clone();
    let p = match call.engine.lookup(&key, &base, true)? {
        Lookup::Found(p) => p,
        Lookup::Missing(p) => {
            let full = call.engine.full_key(&p);
            return Err(Error::new(
                ErrorKind::InterpolationToMissing,
                format!("MissingMandatoryValue while resolving interpolation: Missing mandatory value: {full}"),
            ));
        }
        _ => return Err(raised("ConfigKeyError", &format!("Key not found: '{key}'"))),
    };
    let value = &call.engine.node(&p).value;
    if !matches!(value, Value::Map(_)) {
        return Err(raised(
            "TypeError",
            &format!(
                "`oc.dict.{func}` cannot be applied to objects of type: {}",
                python_type(value)
            ),
        ));
    }
    Ok(p)
}

/// `oc.dict.keys:path`: the keys of a mapping, as a list.
pub(crate) fn oc_dict_keys(call: &mut Call<'_, '_>) -> Result<Node, Error> {
    let p = dict_input(call, "keys")?;
    let Value::Map(m) = &call.engine.node(&p).value else {
        unreachable!("checked by dict_input")
    };
    let bytes = m.keys().map(crate::interp::limits::key_bytes).sum();
    call.engine.check_room(m.len() + 1, bytes)?;
    let keys = m
        .keys()
        .map(|k| {
            Ok(Node::new(match k {
                Key::Str(s) => created_string(s.clone())?,
                Key::Int(i) => Value::Int(*i),
                Key::Float(f) => Value::Float(*f),
                Key::Bool(b) => Value::Bool(*b),
            }))
        })
        .collect::<Result<_, Error>>()?;
    Ok(Node::new(Value::List(keys)))
}

/// The values of a mapping or list that a resolver turns into a new config
/// node (`oc.create`): its strings with `${` become interpolations, read
/// again from the new node, as OmegaConf does (an escaped `\${x}` resolved
/// to the text `${x}` is then `${x}` again).
fn as_created(node: &mut Node) -> Result<(), Error> {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if let Value::Str(s) = &mut n.value {
            if s.contains("${") {
                let s = std::mem::take(s);
                n.value = created_string(s)?;
            }
            continue;
        }
        match &mut n.value {
            Value::Map(m) => stack.extend(m.values_mut()),
            Value::List(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
    Ok(())
}

/// `oc.dict.values:path`: the values of a mapping, as a list of
/// interpolations to them (`${path.key}`), which resolve once the list is
/// placed in the config. A relative path gets one more dot, for the list's
/// own level.
pub(crate) fn oc_dict_values(call: &mut Call<'_, '_>) -> Result<Node, Error> {
    let p = dict_input(call, "values")?;
    let mut key = match &call.args[0].value {
        Value::Str(s) => s.clone(),
        _ => unreachable!("checked by dict_input"),
    };
    if key.starts_with('.') {
        key.insert(0, '.');
    }
    let Value::Map(m) = &call.engine.node(&p).value else {
        unreachable!("checked by dict_input")
    };
    // Each item is `${key.k}`: checked before they are built, as the key
    // may be long and the mapping large.
    let bytes = m
        .keys()
        .map(|k| k.to_string().len().saturating_add(key.len() + 4))
        .fold(0usize, usize::saturating_add);
    call.engine.check_room(m.len() + 1, bytes)?;
    // OmegaConf builds a list of these strings, so each must be a valid
    // interpolation (a key with a space is not).
    let refs = m
        .keys()
        .map(|k| created_string(format!("${{{key}.{k}}}")).map(Node::new))
        .collect::<Result<_, _>>()?;
    Ok(Node::new(Value::List(refs)))
}

/// `now:pattern`: the run's start time formatted with strftime, in local
/// time, as Hydra's `datetime.now().strftime(pattern)`: the zone is the
/// system's (`TZ`, else `/etc/localtime`), and the time is naive, so `%z`
/// and `%Z` are empty.
pub(crate) fn now(call: &mut Call<'_, '_>) -> Result<Node, Error> {
    call.arg_count("<lambda>", &["pattern"], 1)?;
    let pattern = match &call.args[0].value {
        Value::Str(s) => s.clone(),
        other => python_str(other).into(),
    };
    let t = call.engine.resolvers.now_time();
    Ok(Node::new(Value::Str(
        format_now(t, &jiff::tz::TimeZone::system(), &pattern)?.into(),
    )))
}

/// `t` formatted in `tz`; an error, as Python's `datetime` raises one, for
/// a time outside the years 1 to 9999.
pub(crate) fn format_now(
    t: SystemTime,
    tz: &jiff::tz::TimeZone,
    pattern: &str,
) -> Result<String, Error> {
    let out_of_range = || {
        Error::new(
            ErrorKind::Resolver,
            "now: the time is out of range (years 1 to 9999)",
        )
    };
    let ts = jiff::Timestamp::try_from(t).map_err(|_| out_of_range())?;
    if tz.to_datetime(ts).year() < 1 {
        return Err(out_of_range());
    }
    Ok(super::strftime::format(ts, tz, pattern))
}
