//! `config compose --config-dir DIR [--config-name NAME] [--resolve]
//! [--explain KEY|changed]... [--format text|json]
//! [--info defaults|defaults-tree|searchpath] -- OVERRIDE...`
//!
//! Prints the composed config as YAML (the contract of `check.py --kind
//! compose`) or JSON, or the history of some keys, or the table of what
//! the command line changed, or the defaults list.

use crate::compose::{changes, changes_json, explain, render_changes, Composer, Composition};
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
    _hydra: Node,
    _defaults: DefaultsList,
    _repository: Repository,
}

/// [`run`], with the trees the output came from.
pub(crate) fn compose(args: &ComposeArgs) -> Result<(String, Trees), Error> {
    let composer = Composer::builder().dir(&args.config_dir).build()?;
    let Composition {
        config: mut cfg,
        hydra,
        defaults,
        repository,
    } = composer.compose_full(&args.config_name, &args.overrides)?;
    for warning in &defaults.warnings {
        eprintln!("warning: {warning}");
    }
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
        out = match args.format.as_str() {
            "json" => crate::serde::to_json_pretty(&cfg),
            _ => cfg.to_yaml(),
        };
    }
    let trees = Trees {
        _composer: composer,
        _config: cfg,
        _hydra: hydra,
        _defaults: defaults,
        _repository: repository,
    };
    Ok((out, trees))
}
