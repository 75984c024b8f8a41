//! Typed lazy objects: the argument schemas of the constructors registered
//! with [`Registry::register_typed`](crate::typed::Registry::register_typed).
//!
//! Place in the flow: a [`TypedTargets`] table (taken from a registry with
//! [`Maker::with_registry`](crate::typed::Maker::with_registry)) is
//! consulted **before composing**, to check command-line overrides of a
//! lazy object's arguments, and **after resolving**, to check every lazy
//! object in the tree whose `_target_` names a typed constructor: the same
//! conversion and validators the constructor will run, with full keys
//! (`optimizer.lr`) and origins. It also feeds `--help` and the JSON Schema.
//!
//! Before composing, the `_target_` a lazy field will have is not known yet
//! (a group option or an experiment may choose it). When every constructor
//! of the registry is typed, an override `optimizer.lr=abc` is refused
//! there if every typed target that has an argument `lr` refuses the value
//! (any other target is not registered, so it could not be built). With
//! untyped constructors registered too, an untyped one might take
//! `lr=abc`, so the check waits until after composing, where the target is
//! known and the check is exact; either way the error comes before
//! validation, `--cfg`, `--dryrun` or any job.

use crate::error::Error;
use crate::node::{Key, Map, Node, Value};
use crate::path::{child_key, index_key};
use crate::typed::coerce;
use crate::typed::schema::{help_text, Lookup, Schema};
use crate::typed::validate::Errors;
use crate::typed::Config;
use indexmap::IndexMap;

/// The keys of a lazy description that are not constructor arguments.
pub(crate) const RESERVED: [&str; 5] = [
    "_target_",
    "_recursive_",
    "_partial_",
    "_convert_",
    "_args_",
];

/// One typed constructor's argument type, as data.
#[derive(Clone, Debug)]
pub struct TypedTarget {
    /// The schema of the argument struct.
    pub schema: &'static Schema,
    /// Its defaults, with `???` for mandatory fields.
    pub defaults: Node,
    check: fn(&Node, &str) -> Result<(), Error>,
}

/// The typed constructors of a registry, by target name.
///
/// ```
/// use config_core::typed::{Config, Registry};
/// use config_derive::Config;
///
/// #[derive(Config, Clone, Debug)]
/// pub struct AdamArgs {
///     #[config(default = 1e-3)]
///     pub lr: f64,
/// }
///
/// let mut reg = Registry::new();
/// reg.register_typed("Adam", |a: AdamArgs, _| Ok(a.lr));
/// let targets = reg.typed_targets();
/// assert_eq!(targets.get("Adam").unwrap().schema.name, "AdamArgs");
/// assert!(targets.help().contains("lr: f64 = 0.001"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct TypedTargets {
    items: IndexMap<String, TypedTarget>,
    /// An untyped constructor is registered too.
    untyped: bool,
}

impl TypedTargets {
    /// Notes that an untyped constructor is registered (or replaces a
    /// typed one named `target`).
    pub(crate) fn insert_untyped(&mut self, target: &str) {
        self.items.shift_remove(target);
        self.untyped = true;
    }

    /// Records `A` as the argument type of `target`.
    pub(crate) fn insert<A: Config>(&mut self, target: &str) {
        let item = TypedTarget {
            schema: const { &A::SCHEMA },
            defaults: A::default_dict(),
            check: |args, key| parse_args::<A>(args, key).map(drop),
        };
        self.items.insert(target.to_string(), item);
    }

    /// The typed constructor named `target`.
    pub fn get(&self, target: &str) -> Option<&TypedTarget> {
        self.items.get(target)
    }

    /// True when no constructor is typed.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Target names and their argument types, in registration order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &TypedTarget)> {
        self.items.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The `--help` section: each typed target's arguments, one per line.
    pub fn help(&self) -> String {
        let mut out = String::new();
        if self.is_empty() {
            return out;
        }
        out.push_str("Typed targets (the arguments of a lazy object with this _target_):\n");
        for (name, t) in self.iter() {
            out.push_str(&format!("  _target_: {name} ({})\n", t.schema.name));
            for line in help_text(t.schema, &t.defaults).lines() {
                out.push_str(&format!("    {line}\n"));
            }
        }
        out
    }

    /// Checks an override of `rest` (`lr`, `betas[0]`) below the lazy
    /// object at `key` (`optimizer`), before composing: an error when every
    /// typed target with that argument refuses the value.
    pub(crate) fn check_override(&self, key: &str, rest: &str, value: &Node) -> Result<(), Error> {
        let segs = crate::path::parse_path(rest)?;
        let Some(arg) = segs.first().filter(|a| !RESERVED.contains(&a.as_str())) else {
            return Ok(());
        };
        if self.untyped {
            return Ok(());
        }
        let full = if rest.starts_with('[') {
            format!("{key}{rest}")
        } else {
            format!("{key}.{rest}")
        };
        let candidates: Vec<(&str, &TypedTarget)> = self
            .iter()
            .filter(|(_, t)| t.schema.field(arg).is_some())
            .collect();
        let mut first = None;
        for (_, t) in &candidates {
            let outcome = match t.schema.lookup(rest) {
                Ok(Lookup::Typed(ty, _)) => coerce::check(ty, value, &full),
                _ => Ok(()),
            };
            match outcome {
                Ok(()) => return Ok(()),
                Err(e) => first = first.or(Some(e)),
            }
        }
        match first {
            None => Ok(()),
            Some(e) => {
                let names: Vec<&str> = candidates.iter().map(|(n, _)| *n).collect();
                Err(e.with_hint(format!(
                    "'{arg}' is an argument of the typed target{} {}",
                    if names.len() == 1 { "" } else { "s" },
                    names.join(", ")
                )))
            }
        }
    }

    /// Checks a lazy description (a mapping with `_target_`) at `key`, when
    /// its target is typed: its arguments must convert and validate.
    pub(crate) fn check_description(&self, node: &Node, key: &str) -> Result<(), Error> {
        let target = node.get("_target_").and_then(Node::as_str);
        match target.and_then(|t| self.get(t)) {
            Some(t) => (t.check)(&arguments(node), key),
            None => Ok(()),
        }
    }

    /// Checks every lazy description in a composed, resolved tree.
    pub(crate) fn check_tree(&self, node: &Node, key: &str) -> Result<(), Error> {
        if self.is_empty() {
            return Ok(());
        }
        match &node.value {
            Value::Map(m) => {
                self.check_description(node, key)?;
                m.iter()
                    .try_for_each(|(k, v)| self.check_tree(v, &child_key(key, k)))
            }
            Value::List(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| self.check_tree(v, &index_key(key, i))),
            _ => Ok(()),
        }
    }
}

/// A description's constructor arguments: the mapping without the reserved
/// keys (and, for a `_partial_` one, without the `???` given at call time).
pub(crate) fn arguments(desc: &Node) -> Node {
    let partial = matches!(
        desc.get("_partial_").map(|n| &n.value),
        Some(Value::Bool(true))
    );
    let Some(m) = desc.as_map() else {
        return Node::empty_map();
    };
    let kept: Map = m
        .iter()
        .filter(|(k, v)| {
            let reserved = k.as_str().is_some_and(|k| RESERVED.contains(&k));
            !(reserved || partial && v.is_missing())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Node::with_origin(Value::Map(kept), desc.origin.clone())
}

/// Converts and validates the arguments of a typed constructor at `key`;
/// validation failures are located in `args`.
pub(crate) fn parse_args<A: Config>(args: &Node, key: &str) -> Result<A, Error> {
    let value = A::from_node(args, key)?;
    let mut errors = Errors::default();
    value.validate_into("", &mut errors);
    errors.locate(args);
    for item in &mut errors.items {
        item.key = match item.key.as_str() {
            "<root>" => key.to_string(),
            rel => child_key(key, &Key::from(rel)),
        };
    }
    match errors.into_result() {
        Ok(()) => Ok(value),
        Err(e) => Err(Error::from(e).with_key(key)),
    }
}
