//! The `config` command-line tool: `resolve`, `merge`, `parse-override` and
//! `compose`. Errors go to standard error with a non-zero exit status.

use crate::error::{Error, ErrorKind};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

mod compose;
mod load;
mod parse_override;
mod run;

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
    /// Run a config directory as a Hydra app: run dirs, --cfg, -m sweeps,
    /// launchers; `--exec CMD` runs any program as the job.
    /// See `config run --help`.
    Run {
        /// Hydra's flags, overrides and `--exec`.
        #[arg(allow_hyphen_values = true, trailing_var_arg = true)]
        args: Vec<String>,
    },
    /// Report the state of a sweep (or run) submitted to SLURM, from its
    /// dir: each job's state, exit code, time and log. Exits 1 if a job
    /// failed.
    Status {
        /// The sweep dir (hydra.sweep.dir) or run dir of the submission.
        dir: PathBuf,
    },
}

/// Runs the tool on `args` (the program name first): prints the result to
/// standard output, or the error to standard error with a non-zero status.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    // `config run` has Hydra's own flags (`-m`, `--cfg`, `-cp`): the app
    // layer parses them, with usage errors of its own.
    if args.get(1).is_some_and(|a| a == "run") {
        return run::run(args);
    }
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
    if let Command::Status { dir } = &cli.command {
        return match crate::app::slurm::status_report(dir) {
            Ok((text, failed)) => {
                crate::app::write_stdout(&text);
                if failed {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) => {
                crate::app::print_error(&e);
                ExitCode::FAILURE
            }
        };
    }
    if let Command::Compose(args) = &cli.command {
        // The trees are not freed: the process ends here.
        return match compose::compose(args) {
            Ok((out, trees)) => {
                crate::app::write_stdout(&out);
                std::mem::forget(trees);
                ExitCode::SUCCESS
            }
            Err(e) => {
                crate::app::print_error(&e);
                ExitCode::FAILURE
            }
        };
    }
    match dispatch(cli) {
        Ok(out) => {
            crate::app::write_stdout(&out);
            ExitCode::SUCCESS
        }
        Err(e) => {
            crate::app::print_error(&e);
            ExitCode::FAILURE
        }
    }
}

/// Runs the tool on `args` and returns what it would print: standard output
/// on success, the error on failure (its [`Error::render`] is what the tool
/// prints after `error: `; a command line clap refuses is an
/// [`ErrorKind::Usage`] error). Tests drive the tool through this.
///
/// ```
/// use config_core::{cli, ErrorKind};
/// let e = cli::execute(["config", "parse-override", "--", "a=[1"]).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::OverrideParse);
/// assert_eq!(e.context(), ["in override 1 of 1"]);
/// let e = cli::execute(["config", "no-such-command"]).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::Usage);
/// ```
pub fn execute<I, T>(args: I) -> Result<String, Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = Cli::try_parse_from(args)
        .map_err(|e| Error::new(ErrorKind::Usage, e.to_string().trim_end()))?;
    dispatch(cli)
}

fn dispatch(cli: Cli) -> Result<String, Error> {
    match cli.command {
        Command::Resolve { file } => load::resolve(&file),
        Command::Merge { files } => load::merge_files(&files),
        Command::ParseOverride { overrides } => parse_override::run(&overrides),
        Command::Compose(args) => compose::run(&args),
        Command::Run { .. } => Err(Error::new(
            ErrorKind::Usage,
            "`config run` runs through `config_core::cli::run`",
        )),
        Command::Status { dir } => crate::app::slurm::status_report(&dir).map(|(text, _)| text),
    }
}
