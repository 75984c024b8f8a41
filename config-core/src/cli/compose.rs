//! `config compose --config-dir DIR [--config-name NAME] [--resolve]
//! [--explain KEY|changed]... [--format text|json]
//! [--info defaults|defaults-tree|searchpath] -- OVERRIDE...`
//!
//! Prints the composed config as YAML (the contract of `check.py --kind
//! compose`) or JSON, or the history of some keys, or the table of what
//! the command line changed, or the defaults list.

use crate::compose::override_arg;
use crate::compose::{changes, changes_json, explain, render_changes, Composer, Composition, Task};
use crate::defaults::DefaultsList;
use crate::error::Error;
use crate::node::Node;
use crate::repository::Repository;
use std::path::PathBuf;

/// Arguments of `config compose`.
#[derive(clap::Args, Debug)]
pub(super) struct ComposeArgs {
    /// The config directory.
    #[arg(long = "config-dir")]
    pub config_dir: PathBuf,
    /// The primary config's name (without `.yaml`).
    #[arg(long = "config-name", default_value = "config")]
    pub config_name: String,
    /// Resolve interpolations before printing.
    #[arg(long)]
    pub resolve: bool,
    /// Print the final value of KEY and every source that set it, newest
    /// first (repeat for more keys); `changed`: the table of every key and
    /// group the overrides changed, with source, original and final value.
    #[arg(long, value_name = "KEY|changed")]
    pub explain: Vec<String>,
    /// The output format: `text` (the config as YAML, `--explain changed`
    /// as an aligned table) or `json` (both as JSON).
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Print the defaults list (`defaults`), the defaults tree
    /// (`defaults-tree`) or the config search path (`searchpath`).
    #[arg(long, value_name = "WHAT", value_parser = ["defaults", "defaults-tree", "searchpath"])]
    pub info: Option<String>,
    /// The overrides, after `--`.
    #[arg(last = true)]
    pub overrides: Vec<String>,
}

/// Runs `config compose`: the output text, or the error text.
pub(super) fn run(args: &ComposeArgs) -> Result<String, Error> {
    compose(args).map(|(out, _trees)| out)
}

/// What a compose built: the tool leaves it unfreed, as the process exits
/// right after printing (freeing a 12,000-key config took 13 ms).
pub(crate) struct Trees {
    _composer: Composer,
    _config: Node,
    /// The `hydra` node, defaults list and repository of a full composition.
    _full: Option<(Node, DefaultsList, Repository)>,
}

/// [`run`], with the trees the output came from.
pub(crate) fn compose(args: &ComposeArgs) -> Result<(String, Trees), Error> {
    let composer = Composer::builder().dir(&args.config_dir).build()?;
    if args.info.is_none() && args.explain.is_empty() {
        return print_task(args, composer);
    }
    let Composition {
        config: mut cfg,
        hydra,
        defaults,
        repository,
    } = composer.compose_full(&args.config_name, &args.overrides)?;
    warn(&defaults.warnings);
    if args.resolve {
        crate::interp::resolve(&mut cfg, &crate::interp::Resolvers::default())?;
    }
    let mut out = String::new();
    match args.info.as_deref() {
        Some("defaults") => out.push_str(&defaults.render()),
        Some("searchpath") => {
            out.push_str(&composer.repository().describe());
            out.push('\n');
        }
        Some(_) => out.push_str(&defaults.tree.render()),
        None => {}
    }
    for key in &args.explain {
        if key == "changed" {
            let rows = changes(&composer, &args.config_name, &args.overrides)?;
            match args.format.as_str() {
                "json" => {
                    out.push_str(&changes_json(&rows));
                    out.push('\n');
                }
                _ => out.push_str(&render_changes(&rows)),
            }
        } else {
            out.push_str(&explain(&cfg, key)?);
        }
    }
    if out.is_empty() {
        out = render(args, &cfg);
    }
    let trees = Trees {
        _composer: composer,
        _config: cfg,
        _full: Some((hydra, defaults, repository)),
    };
    Ok((out, trees))
}

/// The plain `config compose`: the config alone, which needs no `hydra`
/// node, so Hydra's own configs are composed only when something names
/// Hydra (`Composer::compose_task`; same config, warnings and errors).
fn print_task(args: &ComposeArgs, composer: Composer) -> Result<(String, Trees), Error> {
    let parsed = override_arg::parse_all(&args.overrides)?;
    let Task {
        config: mut cfg,
        warnings,
    } = composer.compose_task(&args.config_name, &parsed)?;
    warn(&warnings);
    if args.resolve {
        crate::interp::resolve(&mut cfg, &crate::interp::Resolvers::default())?;
    }
    let out = render(args, &cfg);
    let trees = Trees {
        _composer: composer,
        _config: cfg,
        _full: None,
    };
    Ok((out, trees))
}

/// The defaults list's warnings, on stderr.
fn warn(warnings: &[String]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}

/// The config as `--format` asks.
fn render(args: &ComposeArgs, cfg: &Node) -> String {
    match args.format.as_str() {
        "json" => crate::serde::to_json_pretty(cfg),
        _ => cfg.to_yaml(),
    }
}
