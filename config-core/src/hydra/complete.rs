//! Completing the composed `hydra` node with what only the run knows: the
//! end of Hydra's `ConfigLoaderImpl._load_configuration_impl`.

use super::is_hydra_key;
use crate::compose::CliOverride;
use crate::error::{Error, ErrorKind};
use crate::node::{Key, Map, Node, Value};

/// What the run contributes to the `hydra` node.
#[derive(Clone, Debug)]
pub(crate) struct RunContext<'a> {
    /// The primary config's name (`None`: no `--config-name`).
    pub config_name: Option<&'a str>,
    /// The job's name, unless the config sets `hydra.job.name` (Hydra: the
    /// program's file name without extension).
    pub job_name: &'a str,
    /// The launch directory (`hydra.runtime.cwd`).
    pub cwd: &'a str,
    /// The search path, one `(provider, path, schema)` per source.
    pub config_sources: Vec<(String, String, String)>,
}

/// Fills `hydra.overrides`, `hydra.runtime.choices`, `hydra.job.env_set`
/// (from `env_copy`), `hydra.runtime.{version,cwd,config_sources}`,
/// `hydra.job.{name,override_dirname,config_name}`.
pub(crate) fn complete(
    hydra: &mut Node,
    overrides: &[CliOverride],
    choices: &[(String, Option<String>)],
    run: &RunContext<'_>,
) -> Result<(), Error> {
    let (hydra_ov, task_ov): (Vec<&CliOverride>, Vec<&CliOverride>) =
        overrides.iter().partition(|o| is_hydra_key(&o.key));
    push_strings(
        hydra,
        "overrides.hydra",
        hydra_ov.iter().map(|o| o.text.clone()),
    )?;
    push_strings(
        hydra,
        "overrides.task",
        task_ov.iter().map(|o| o.text.clone()),
    )?;
    if let Some(m) = map_at(hydra, "runtime.choices") {
        for (group, choice) in choices {
            let v = choice
                .as_deref()
                .map(|s| Value::Str(s.into()))
                .unwrap_or(Value::Null);
            m.insert(Key::from(group.as_str()), Node::new(v));
        }
    }
    copy_env(hydra)?;
    set_leaf(
        hydra,
        "runtime.version",
        Value::Str(super::HYDRA_VERSION.into()),
    );
    set_leaf(hydra, "runtime.version_base", Value::Str("1.3".into()));
    set_leaf(hydra, "runtime.cwd", Value::Str(run.cwd.into()));
    set_leaf(hydra, "runtime.config_sources", Value::List(sources(run)));
    if hydra
        .select("job.name")
        .ok()
        .flatten()
        .is_none_or(Node::is_missing)
    {
        set_leaf(hydra, "job.name", Value::Str(run.job_name.into()));
    }
    let dirname = override_dirname(hydra, &task_ov)?;
    set_leaf(hydra, "job.override_dirname", Value::Str(dirname.into()));
    let name = run
        .config_name
        .map(|n| Value::Str(n.into()))
        .unwrap_or(Value::Null);
    set_leaf(hydra, "job.config_name", name);
    Ok(())
}

/// `get_overrides_dirname`: the task overrides' texts, without those whose
/// key is in `exclude_keys`, sorted, joined with `item_sep`, and every `=`
/// replaced by `kv_sep`.
pub(super) fn override_dirname(hydra: &Node, task: &[&CliOverride]) -> Result<String, Error> {
    let sep = |key: &str, default: &str| -> String {
        hydra
            .select(&format!("job.config.override_dirname.{key}"))
            .ok()
            .flatten()
            .map(|n| crate::python::python_str(&n.value))
            .unwrap_or_else(|| default.to_string())
    };
    let (kv_sep, item_sep) = (sep("kv_sep", "="), sep("item_sep", ","));
    let exclude = strings(hydra, "job.config.override_dirname.exclude_keys");
    let mut lines: Vec<&str> = task
        .iter()
        .filter(|o| !exclude.contains(&o.key))
        .map(|o| o.text.as_str())
        .collect();
    lines.sort_unstable();
    Ok(lines.join(&item_sep).replace('=', &kv_sep))
}

/// The items of the list at dotted `path` below `hydra`, as Python's
/// `str` prints them; empty when there is no such list.
pub(crate) fn strings(hydra: &Node, path: &str) -> Vec<String> {
    hydra
        .select(path)
        .ok()
        .flatten()
        .and_then(Node::as_list)
        .map(|l| {
            l.iter()
                .map(|n| crate::python::python_str(&n.value))
                .collect()
        })
        .unwrap_or_default()
}

/// `for key in env_copy: env_set[key] = os.environ[key]`.
fn copy_env(hydra: &mut Node) -> Result<(), Error> {
    let keys = strings(hydra, "job.env_copy");
    for key in keys {
        let value = std::env::var(&key).map_err(|_| {
            Error::new(
                ErrorKind::Compose,
                format!("hydra.job.env_copy names '{key}', which is not set in the environment"),
            )
            .with_hint(format!(
                "set {key} before the run, or remove it from hydra.job.env_copy"
            ))
        })?;
        if let Some(m) = map_at(hydra, "job.env_set") {
            m.insert(Key::from(key.as_str()), Node::new(Value::Str(value.into())));
        }
    }
    Ok(())
}

fn sources(run: &RunContext<'_>) -> Vec<Node> {
    run.config_sources
        .iter()
        .map(|(provider, path, schema)| {
            let mut m = Map::new();
            m.insert(
                Key::from("path"),
                Node::new(Value::Str(path.as_str().into())),
            );
            m.insert(
                Key::from("schema"),
                Node::new(Value::Str(schema.as_str().into())),
            );
            m.insert(
                Key::from("provider"),
                Node::new(Value::Str(provider.as_str().into())),
            );
            Node::new(Value::Map(m))
        })
        .collect()
}

/// The mapping at dotted `path` below `hydra`, if there is one.
fn map_at<'n>(hydra: &'n mut Node, path: &str) -> Option<&'n mut Map> {
    hydra
        .select_mut_raw(path)
        .ok()
        .flatten()
        .and_then(Node::as_map_mut_raw)
}

/// Sets a leaf of the node (its parents exist: the schema has them),
/// keeping the node's flags.
pub(crate) fn set_leaf(hydra: &mut Node, path: &str, value: Value) {
    let (parent, key) = match path.rfind('.') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    };
    let target = if parent.is_empty() {
        Some(hydra)
    } else {
        hydra.select_mut_raw(parent).ok().flatten()
    };
    if let Some(m) = target.and_then(Node::as_map_mut_raw) {
        m.insert(Key::from(key), Node::new(value));
    }
}

fn push_strings(
    hydra: &mut Node,
    path: &str,
    items: impl Iterator<Item = String>,
) -> Result<(), Error> {
    let Some(node) = hydra.select_mut_raw(path).ok().flatten() else {
        return Ok(());
    };
    match &mut node.value {
        Value::List(l) => l.extend(items.map(|s| Node::new(Value::Str(s.into())))),
        _ => {
            return Err(Error::new(
                ErrorKind::Type,
                format!("hydra.{path} must be a list of strings"),
            )
            .with_origin(node.origin.clone()))
        }
    }
    Ok(())
}
