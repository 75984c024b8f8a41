//! `config compose --config-dir DIR [--config-name NAME] [--resolve] -- OVERRIDE...`

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
    /// The overrides, after `--`.
    #[arg(last = true)]
    pub overrides: Vec<String>,
}

pub fn run(_args: &ComposeArgs) -> Result<String, String> {
    Err("compose: not implemented yet".into())
}
