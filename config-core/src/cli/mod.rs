//! The `config` command-line tool: `resolve`, `merge`, `parse-override` and
//! `compose`. Errors go to standard error with a non-zero exit status.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

mod compose;
mod load;
mod parse_override;

/// Typed, composable configuration: Hydra/OmegaConf semantics, in Rust.
#[derive(Parser, Debug)]
#[command(name = "config", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Load a YAML file, resolve every interpolation, print YAML.
    Resolve {
        /// The YAML file.
        file: PathBuf,
    },
    /// Merge YAML files left to right (later wins), print YAML unresolved.
    Merge {
        /// The YAML files, in merge order.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Parse command-line overrides and print them as a YAML list.
    ParseOverride {
        /// The overrides, after `--`.
        #[arg(last = true)]
        overrides: Vec<String>,
    },
    /// Compose a config from a config directory and overrides, print YAML.
    Compose(compose::ComposeArgs),
}

/// Runs the tool on `args` (the program name first).
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Resolve { file } => load::resolve(&file),
        Command::Merge { files } => load::merge_files(&files),
        Command::ParseOverride { overrides } => parse_override::run(&overrides),
        Command::Compose(args) => compose::run(&args),
    };
    match result {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
