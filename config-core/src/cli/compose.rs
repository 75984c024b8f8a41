//! `config compose --config-dir DIR [--config-name NAME] [--resolve]
//! [--format yaml|json] [--explain KEY] [--info defaults|defaults-tree|searchpath]
//! -- OVERRIDE...`
//!
//! Prints the composed config as YAML (the contract of `check.py --kind
//! compose`) or JSON, or the history of one key, or the defaults list.

use crate::compose::{explain, Composer};
use std::path::PathBuf;

/// Arguments of `config compose`.
#[derive(clap::Args, Debug)]
pub struct ComposeArgs {
    /// The config directory.
    #[arg(long = "config-dir")]
    pub config_dir: PathBuf,
    /// The primary config's name (without `.yaml`).
    #[arg(long = "config-name", default_value = "config")]
    pub config_name: String,
    /// Resolve interpolations before printing.
    #[arg(long)]
    pub resolve: bool,
    /// Print the config as YAML (the default) or JSON.
    #[arg(long, value_name = "FORMAT", value_parser = ["yaml", "json"], default_value = "yaml")]
    pub format: String,
    /// Print the final value of KEY and every source that set it, in order.
    #[arg(long, value_name = "KEY")]
    pub explain: Option<String>,
    /// Print the defaults list (`defaults`), the defaults tree
    /// (`defaults-tree`) or the config search path (`searchpath`).
    #[arg(long, value_name = "WHAT", value_parser = ["defaults", "defaults-tree", "searchpath"])]
    pub info: Option<String>,
    /// The overrides, after `--`.
    #[arg(last = true)]
    pub overrides: Vec<String>,
}

/// Runs `config compose`: the output text, or the error text.
pub fn run(args: &ComposeArgs) -> Result<String, String> {
    let composer = Composer::builder()
        .dir(&args.config_dir)
        .build()
        .map_err(|e| e.render())?;
    let composition = composer
        .compose_full(&args.config_name, &args.overrides)
        .map_err(|e| e.render())?;
    for warning in &composition.defaults.warnings {
        eprintln!("warning: {warning}");
    }
    let mut cfg = composition.config;
    if args.resolve {
        crate::interp::resolve(&mut cfg, &crate::interp::Resolvers::default())
            .map_err(|e| e.render())?;
    }
    let mut out = String::new();
    match args.info.as_deref() {
        Some("defaults") => out.push_str(&composition.defaults.render()),
        Some("searchpath") => {
            out.push_str(&composer.repository().describe());
            out.push('\n');
        }
        Some(_) => out.push_str(&composition.defaults.tree.render()),
        None => {}
    }
    if let Some(key) = &args.explain {
        out.push_str(&explain(&cfg, key).map_err(|e| e.render())?);
    }
    if out.is_empty() {
        out = match args.format.as_str() {
            "json" => crate::serde::to_json_pretty(&cfg),
            _ => cfg.to_yaml(),
        };
    }
    Ok(out)
}
