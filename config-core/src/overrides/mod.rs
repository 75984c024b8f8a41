//! Command-line overrides: Hydra 1.3's override grammar, parsed into typed
//! values. In the flow (load → **compose** → resolve → type → freeze), the
//! compose step takes the overrides parsed here and applies them: group
//! overrides change the defaults list, value overrides change the config.
//!
//! # A user's guide to the grammar
//!
//! An override is `KEY=VALUE`, with an optional prefix:
//!
//! | Form | Kind | Meaning |
//! |---|---|---|
//! | `trainer.max_iter=1000` | [`Change`](OverrideKind::Change) | set an existing key |
//! | `msg=` | `Change` | set it to the empty string |
//! | `+trainer.seed=1` | [`Add`](OverrideKind::Add) | add a key that does not exist yet |
//! | `++trainer.seed=1` | [`ForceAdd`](OverrideKind::ForceAdd) | add or override |
//! | `~callbacks.wandb` | [`Delete`](OverrideKind::Delete) | remove a key (or a defaults entry) |
//! | `~db=mysql` | `Delete` | remove it only if its value is `mysql` |
//! | `optimizer=adamw`, `hydra/launcher=basic` | `Change` | pick a config group option |
//! | `db@backup=mysql`, `+server@web=nginx` | | a group option at a package |
//!
//! **Keys** are names (`[A-Za-z_][A-Za-z0-9_-]*`, `$` allowed), dotted
//! paths whose parts may be list indices (`layers.0.width`), or group paths
//! separated by `/`. Keys contain no whitespace.
//!
//! **Values** ([`Element`]):
//! - primitives, typed as Hydra types them: `10` and `1_000` are ints,
//!   `3.14`, `1e-3`, `inf`, `nan` floats, `true`/`False` bools, `null`
//!   null; anything else is a string (`010`, `yes`, `1.2.3`, `/a/b.txt`).
//!   Whitespace around a value is dropped, inside it is kept
//!   (`msg=hello world`).
//! - escapes in unquoted strings: `\,` `\=` `\:` `\ ` `\(` `\)` `\[` `\]`
//!   `\{` `\}` `\\` and `\<tab>` stand for the character itself.
//! - quoted strings, `'...'` or `"..."`: never typed (`'5'` is a string),
//!   specials allowed inside; only the enclosing quote is escaped (`\'`).
//! - interpolations `${a.b}`, kept verbatim; a nested one (`${a.${b}}`)
//!   must be quoted.
//! - lists `[1, a, [2]]` and dicts `{a: 1, b: {c: 2}}`, nested at will;
//!   dict keys are unquoted primitives.
//!
//! **Sweeps** ([`Sweep`]) make a multirun run once per value: `a,b,c`,
//! `choice(a,b)`, `range(1,10,2)`, `range(0,1,0.25)`, `interval(0,1)`,
//! `glob(*,exclude=tmp*)`, plus `tag(t, sweep)`, `sort(...)`,
//! `shuffle(...)`. The casts `int()`, `float()`, `str()` and `bool()`
//! convert elements, lists (each item), dicts (each value) and sweeps.
//! Functions take positional arguments, then named ones (`range(1,
//! stop=4)`).
//!
//! ```
//! use config_core::overrides::{parse_override, Element, OverrideKind};
//! let o = parse_override("+db@backup=mysql").unwrap();
//! assert_eq!((o.key_or_group(), o.package()), ("db", Some("backup")));
//! assert_eq!(o.kind, OverrideKind::Add);
//! assert_eq!(o.option_name(), Some("mysql"));
//!
//! let o = parse_override("trainer.lr=1e-3").unwrap();
//! assert_eq!(o.element(), Some(&Element::Float(0.001)));
//!
//! let o = parse_override("seed=1,2,3").unwrap();
//! assert!(o.is_sweep());
//!
//! let err = parse_override("x=${a.${b}}").unwrap_err();
//! assert!(err.to_string().contains("nested interpolations must be quoted"));
//! ```

mod casts;
mod decimal;
mod element;
mod functions;
mod lexer;
mod ordering;
mod parser;
mod signature;
mod sweep;

pub use element::{Element, Quote};
pub use functions::FUNCTIONS;
pub(crate) use parser::{check_key_depth, shorten};
pub use parser::{MAX_KEY_SEGMENTS, MAX_OVERRIDE_NESTING};
pub use sweep::{
    fnmatch, ChoiceSweep, GlobSweep, IntervalSweep, Number, RangeSweep, Sweep, SweepRng,
    MAX_SWEEP_VALUES,
};

use crate::node::Node;
use crate::origin::Origin;
use crate::Error;

/// What an override does: the prefix before the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OverrideKind {
    /// `key=value`: change an existing key or group option.
    Change,
    /// `+key=value`: add a key or defaults entry that is not there yet.
    Add,
    /// `++key=value`: add, or change if it exists.
    ForceAdd,
    /// `~key` or `~key=value`: delete.
    Delete,
}

impl OverrideKind {
    /// The name the conformance corpus uses: `change`, `add`, `force_add`,
    /// `delete`.
    pub fn name(self) -> &'static str {
        match self {
            OverrideKind::Change => "change",
            OverrideKind::Add => "add",
            OverrideKind::ForceAdd => "force_add",
            OverrideKind::Delete => "delete",
        }
    }

    /// The prefix written before the key: ``, `+`, `++` or `~`.
    pub fn prefix(self) -> &'static str {
        match self {
            OverrideKind::Change => "",
            OverrideKind::Add => "+",
            OverrideKind::ForceAdd => "++",
            OverrideKind::Delete => "~",
        }
    }
}

/// The part after `=`: one element, or a sweep over several.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum OverrideValue {
    /// A single value.
    Element(Element),
    /// Several values (multirun).
    Sweep(Sweep),
}

/// One parsed command-line override.
///
/// ```
/// use config_core::overrides::{parse_override, OverrideKind};
/// let o = parse_override("~trainer.seed").unwrap();
/// assert!(o.is_delete());
/// assert_eq!(o.key_or_group(), "trainer.seed");
/// assert!(o.value.is_none());
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Override {
    /// The override as written.
    pub input: String,
    /// The config key (`a.b.c`) or group path (`db`, `hydra/launcher`).
    pub key_or_group: String,
    /// The package after `@`, if any (`Some("")` for `db@=x`).
    pub package: Option<String>,
    /// Change, add, force-add or delete.
    pub kind: OverrideKind,
    /// The value; `None` only for a delete without `=` (`~key`). `key=`
    /// gives the empty string.
    pub value: Option<OverrideValue>,
}

impl Override {
    /// The config key or group path.
    pub fn key_or_group(&self) -> &str {
        &self.key_or_group
    }

    /// The package after `@`, if any.
    pub fn package(&self) -> Option<&str> {
        self.package.as_deref()
    }

    /// True for `~key` and `~key=value`.
    pub fn is_delete(&self) -> bool {
        self.kind == OverrideKind::Delete
    }

    /// True when the value is a sweep (any kind, intervals included).
    pub fn is_sweep(&self) -> bool {
        matches!(self.value, Some(OverrideValue::Sweep(_)))
    }

    /// The element value, when the value is not a sweep.
    pub fn element(&self) -> Option<&Element> {
        match &self.value {
            Some(OverrideValue::Element(e)) => Some(e),
            _ => None,
        }
    }

    /// The sweep, when the value is one.
    pub fn sweep(&self) -> Option<&Sweep> {
        match &self.value {
            Some(OverrideValue::Sweep(s)) => Some(s),
            _ => None,
        }
    }

    /// The corpus name of the value's type: `element`, `choice_sweep`,
    /// `simple_choice_sweep`, `range_sweep`, `interval_sweep`,
    /// `glob_choice_sweep`; `None` for a bare delete.
    pub fn value_type(&self) -> Option<&'static str> {
        match &self.value {
            None => None,
            Some(OverrideValue::Element(_)) => Some("element"),
            Some(OverrideValue::Sweep(s)) => Some(s.value_type()),
        }
    }

    /// The element value re-rendered as override text (Hydra's
    /// `get_value_element_as_str`); `None` for sweeps and bare deletes.
    pub fn value_str(&self) -> Option<String> {
        self.element().map(Element::value_str)
    }

    /// The element value as a [`Node`] stamped with `origin`.
    pub fn to_node(&self, origin: &Origin) -> Option<Node> {
        self.element().map(|e| e.to_node(origin))
    }

    /// The config group option this override selects, when the value is a
    /// string (`db=mysql` → `mysql`).
    pub fn option_name(&self) -> Option<&str> {
        self.element().and_then(Element::as_str)
    }

    /// The options of a multi-select (`db=[mysql,sqlite]`), or the single
    /// option as a one-item list; `None` when the value is not made of
    /// strings.
    pub fn option_names(&self) -> Option<Vec<&str>> {
        match self.element()? {
            Element::List(items) => items.iter().map(Element::as_str).collect(),
            e => e.as_str().map(|s| vec![s]),
        }
    }

    /// The sweep's values (see [`Sweep::expand`]); `None` when the value is
    /// not a sweep.
    pub fn sweep_values(
        &self,
        group_options: Option<&[String]>,
        rng: &mut SweepRng,
    ) -> Option<Result<Vec<Element>, Error>> {
        self.sweep().map(|s| s.expand(group_options, rng))
    }

    /// The key as written, with its prefix and package: `+db@backup`.
    pub fn key_element(&self) -> String {
        match &self.package {
            Some(p) => format!("{}{}@{p}", self.kind.prefix(), self.key_or_group),
            None => format!("{}{}", self.kind.prefix(), self.key_or_group),
        }
    }
}

/// Parses one override. Functions are evaluated; `shuffle([...])` of a list
/// uses a fixed seed (use [`OverrideParser`] to choose it).
///
/// ```
/// use config_core::overrides::parse_override;
/// let o = parse_override("model.layers=[64, 64, 32]").unwrap();
/// assert_eq!(o.value_str().unwrap(), "[64,64,32]");
/// let e = parse_override("a b=1").unwrap_err();
/// assert!(e.to_string().contains(" | a b=1\n |  ^"), "{e}");
/// ```
pub fn parse_override(text: &str) -> Result<Override, Error> {
    OverrideParser::new(0).parse(text)
}

/// A parser with its own random generator, for `shuffle()` of a list.
#[derive(Clone, Debug)]
pub struct OverrideParser {
    rng: SweepRng,
}

impl OverrideParser {
    /// A parser whose `shuffle()` order is determined by `seed`.
    pub fn new(seed: u64) -> OverrideParser {
        OverrideParser {
            rng: SweepRng::new(seed),
        }
    }

    /// Parses one override.
    pub fn parse(&mut self, text: &str) -> Result<Override, Error> {
        parser::parse(text, &mut self.rng)
    }
}

#[cfg(test)]
mod tests;
