//! The defaults-list overrides: command-line group choices, appends and
//! deletions, plus the `override` entries found in configs. Hydra's
//! `Overrides` class: the command line registers first and so always wins; a
//! config's `override` entry counts only if its key is still free.

use super::entry::{Choice, Entry};
use crate::error::{did_you_mean, Error, ErrorKind};
use crate::origin::Origin;
use foldhash::HashMap;
use std::collections::BTreeSet;

/// A map by override key, in insertion order, hashed with foldhash (the
/// builder consults these for every entry of every config).
pub(crate) type KeyMap<V> = indexmap::IndexMap<String, V, foldhash::fast::RandomState>;

/// The group-level part of the command line, handed to the defaults builder.
#[derive(Clone, Debug, Default)]
pub(crate) struct GroupOverrides {
    /// `group[@pkg]=option`: (override key, choice, origin).
    pub choices: Vec<(String, Choice, Origin)>,
    /// `+group[@pkg]=option`: entries appended to the primary config.
    pub appends: Vec<Entry>,
    /// `~group[@pkg][=option]`: (override key, option, origin).
    pub deletions: Vec<(String, Option<String>, Origin)>,
}

#[derive(Debug)]
struct Meta {
    external: bool,
    containing_config_path: Option<String>,
    used: bool,
    origin: Origin,
}

#[derive(Debug)]
struct Deletion {
    name: Option<String>,
    used: bool,
    origin: Origin,
}

/// The registry the tree builder consults while it walks.
#[derive(Debug, Default)]
pub(crate) struct Overrides {
    choices: KeyMap<Choice>,
    meta: KeyMap<Meta>,
    pub(crate) appends: Vec<Entry>,
    deletions: KeyMap<Deletion>,
    /// The choice seen for each override key, in visiting order.
    pub(crate) known_choices: KeyMap<Option<String>>,
    /// Where each known choice was first seen.
    known_origins: HashMap<String, Origin>,
    known_per_group: HashMap<String, BTreeSet<String>>,
}

impl Overrides {
    pub(crate) fn new(input: &GroupOverrides) -> Overrides {
        let mut ov = Overrides {
            appends: input.appends.clone(),
            ..Overrides::default()
        };
        for (key, choice, origin) in &input.choices {
            ov.choices.insert(key.clone(), choice.clone());
            ov.meta.insert(
                key.clone(),
                Meta {
                    external: true,
                    containing_config_path: None,
                    used: false,
                    origin: origin.clone(),
                },
            );
        }
        for (key, name, origin) in &input.deletions {
            ov.deletions.insert(
                key.clone(),
                Deletion {
                    name: name.clone(),
                    used: false,
                    origin: origin.clone(),
                },
            );
        }
        ov
    }

    /// Registers a config's `override` entry unless the key is taken.
    pub(crate) fn add_override(&mut self, parent_config_path: &str, entry: &Entry) {
        let key = entry.override_key();
        if !self.choices.contains_key(&key) {
            if let Some(choice) = entry.choice() {
                self.choices.insert(key.clone(), choice.clone());
                self.meta.insert(
                    key,
                    Meta {
                        external: false,
                        containing_config_path: Some(parent_config_path.to_string()),
                        used: false,
                        origin: entry.origin.clone(),
                    },
                );
            }
        }
    }

    /// Applies a registered override to `entry`, if one matches.
    pub(crate) fn apply(&mut self, entry: &mut Entry) {
        if !entry.is_group() || self.choices.is_empty() {
            return;
        }
        let key = entry.override_key();
        if let Some(choice) = self.choices.get(&key) {
            entry.set_choice(choice.clone());
            if let Some(meta) = self.meta.get_mut(&key) {
                meta.used = true;
                entry.choice_origin = Some(meta.origin.clone());
            }
        }
    }

    pub(crate) fn is_deleted(&self, entry: &Entry) -> bool {
        // Most compositions delete nothing: skip building the key.
        if !entry.is_group() || self.deletions.is_empty() {
            return false;
        }
        match self.deletions.get(&entry.override_key()) {
            Some(Deletion { name: None, .. }) => true,
            Some(Deletion { name: Some(n), .. }) => Some(n.as_str()) == entry.name(),
            None => false,
        }
    }

    pub(crate) fn delete(&mut self, entry: &mut Entry) {
        entry.deleted = true;
        if let Some(d) = self.deletions.get_mut(&entry.override_key()) {
            d.used = true;
        }
    }

    /// Records the choice of a group entry; the same key with two different
    /// choices is an error.
    pub(crate) fn set_known_choice(&mut self, entry: &Entry) -> Result<(), Error> {
        if !entry.is_group() {
            return Ok(());
        }
        let key = entry.override_key();
        let name = entry.name().map(str::to_string);
        match self.known_choices.get(&key) {
            None => {
                self.known_choices.insert(key.clone(), name);
                let origin = entry
                    .choice_origin
                    .clone()
                    .unwrap_or_else(|| entry.origin.clone());
                self.known_origins.insert(key.clone(), origin);
            }
            Some(prev) if *prev != name => {
                let prev = prev.clone().unwrap_or_else(|| "null".into());
                let here = entry
                    .choice_origin
                    .clone()
                    .unwrap_or_else(|| entry.origin.clone());
                let first = self.known_origins.get(&key).cloned().unwrap_or_default();
                // Point at the entry the user wrote, not at Hydra's own
                // `hydra/config`, which the user cannot edit.
                let (at, other) = if is_builtin(&here) && !first.is_unknown() {
                    (first, here)
                } else {
                    (here, first)
                };
                let mut err = Error::new(
                    ErrorKind::DefaultsList,
                    format!("Multiple values for {key}. To override a value use 'override {key}: {prev}'"),
                )
                .with_origin(at);
                if !other.is_unknown() {
                    err = err.with_hint(format!("'{key}' is also selected at {other}"));
                }
                if entry.external_append || self.appends.iter().any(|a| a.override_key() == key) {
                    err = err.with_hint(format!(
                        "the defaults list already has a '{key}' entry: select it without the '+', \
                         e.g. `{key}={prev}`"
                    ));
                } else {
                    err = err.with_hint(format!(
                        "list '{key}' once, and change it later with `- override {key}: OPTION`"
                    ));
                }
                return Err(err);
            }
            Some(_) => {}
        }
        self.known_per_group
            .entry(entry.group_path())
            .or_default()
            .insert(key);
        Ok(())
    }

    /// Fails on an override that matched no entry.
    pub(crate) fn ensure_used(&self) -> Result<(), Error> {
        for (key, meta) in &self.meta {
            if meta.used {
                continue;
            }
            let group = key.split('@').next().unwrap_or(key);
            let known: Vec<&String> = self
                .known_per_group
                .get(group)
                .map(|s| s.iter().collect())
                .unwrap_or_default();
            let mut msg = match known.len() {
                0 => format!("Could not override '{key}'. No match in the defaults list."),
                1 => format!(
                    "Could not override '{key}'.\nDid you mean to override {}?",
                    known[0]
                ),
                _ => format!(
                    "Could not override '{key}'.\nDid you mean to override one of {}?",
                    known
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            if let Some(path) = &meta.containing_config_path {
                msg = format!("In '{path}': {msg}");
            }
            let choice = display_choice(&self.choices[key]);
            let mut err =
                Error::new(ErrorKind::DefaultsList, msg.clone()).with_origin(meta.origin.clone());
            if meta.external {
                err = err.with_hint(format!(
                    "to append to your default list use +{key}={choice}"
                ));
                let suffix = format!("/{group}");
                let nested: Vec<&String> = self
                    .known_choices
                    .keys()
                    .filter(|k| k.split('@').next().is_some_and(|g| g.ends_with(&suffix)))
                    .collect();
                if let Some(k) = known.first() {
                    err = err.with_hint(format!("this command line would work: `{k}={choice}`"));
                } else if let Some(k) = nested.first() {
                    err = err.with_hint(format!(
                        "'{group}' is selected as '{k}' in the defaults list: `{k}={choice}`"
                    ));
                } else {
                    err = err.with_hint(format!("this command line would work: `+{key}={choice}`"));
                }
            } else {
                let candidates: Vec<&str> = self.known_choices.keys().map(String::as_str).collect();
                if let Some(best) = did_you_mean(group, candidates).first() {
                    err = err.with_hint(format!("did you mean '{best}'? Use an absolute path: `- override /{best}: {choice}`"));
                } else {
                    err = err.with_hint(format!(
                        "`override` changes an entry listed earlier; to add the group use `- /{group}: {choice}`"
                    ));
                }
            }
            return Err(err);
        }
        Ok(())
    }

    /// Fails on a deletion that matched no entry.
    pub(crate) fn ensure_deletions_used(&self) -> Result<(), Error> {
        for (key, d) in &self.deletions {
            if d.used {
                continue;
            }
            let desc = match &d.name {
                Some(n) => format!("{key}={n}"),
                None => key.clone(),
            };
            let mut err = Error::new(
                ErrorKind::DefaultsList,
                format!("Could not delete '{desc}'. No match in the defaults list"),
            )
            .with_origin(d.origin.clone());
            match self.known_choices.get(key) {
                Some(Some(current)) => {
                    err = err.with_hint(format!(
                        "'{key}' is currently '{current}': use `~{key}` or `~{key}={current}`"
                    ))
                }
                _ => {
                    let candidates: Vec<&str> =
                        self.known_choices.keys().map(String::as_str).collect();
                    if let Some(best) = did_you_mean(key, candidates).first() {
                        err = err.with_hint(format!("did you mean `~{best}`?"));
                    }
                }
            }
            return Err(err);
        }
        Ok(())
    }
}

/// A choice as command-line text: `mysql`, `[a,b]`, `null`.
pub(crate) fn display_choice(choice: &Choice) -> String {
    match choice {
        Choice::Null => "null".into(),
        Choice::Name(n) => n.to_string(),
        Choice::Options(o) => format!("[{}]", o.join(",")),
    }
}

/// True for an origin in Hydra's built-in configs (`hydra/config`, ...).
fn is_builtin(origin: &Origin) -> bool {
    matches!(origin, Origin::Store { group, .. } if group.as_ref() == "hydra" || crate::hydra::is_hydra_key(group))
}
