//! Hydra 1.3's command-line flags (`hydra/_internal/utils.py::get_args_parser`),
//! as a clap [`Args`](clap::Args) struct that any program flattens next to
//! its own flags, so both appear in one `--help` and one usage error.
//!
//! Two-letter short flags (`-cp`, `-cn`, `-cd`) are Python argparse
//! spellings that clap cannot declare; [`normalize`] rewrites them to their
//! long forms before parsing.

use clap::{ArgAction, Args};
use std::path::PathBuf;

/// Hydra's flags. Overrides are the positional arguments; an optional
/// leading `--` is accepted, as Cosmos's `override()` expects.
#[derive(Args, Debug, Clone, Default)]
#[non_exhaustive]
pub struct HydraFlags {
    /// Show the application's help: its config groups and config, then exit.
    #[arg(short = 'h', long = "help", action = ArgAction::SetTrue)]
    pub help: bool,
    /// Show Hydra's own help (its groups and flags), then exit.
    #[arg(long = "hydra-help", action = ArgAction::SetTrue)]
    pub hydra_help: bool,
    /// Show the version, then exit.
    #[arg(long = "version", action = ArgAction::SetTrue)]
    pub version: bool,
    /// Show the config instead of running: job (the task's), hydra, or all.
    #[arg(short = 'c', long = "cfg", value_name = "CFG_TYPE",
          value_parser = ["job", "hydra", "all"])]
    pub cfg: Option<String>,
    /// With --cfg or --help: resolve interpolations before printing.
    #[arg(long = "resolve", action = ArgAction::SetTrue)]
    pub resolve: bool,
    /// With --cfg: print only this package of the config (e.g. `db`).
    #[arg(short = 'p', long = "package", value_name = "PACKAGE")]
    pub package: Option<String>,
    /// Print where a key's value came from instead of running (repeat for
    /// more keys); `changed`: the table of every group and key the
    /// overrides changed, with source, original and final value.
    #[arg(long = "explain", value_name = "KEY|changed")]
    pub explain: Vec<String>,
    /// With --explain changed: `text` (an aligned table) or `json`.
    #[arg(long = "explain-format", value_name = "FORMAT", default_value = "text",
          value_parser = ["text", "json"])]
    pub explain_format: String,
    /// Run a single job (the default).
    #[arg(short = 'r', long = "run", action = ArgAction::SetTrue)]
    pub run: bool,
    /// Run several jobs: the sweeps of the overrides (`lr=0.1,0.01`).
    #[arg(short = 'm', long = "multirun", action = ArgAction::SetTrue)]
    pub multirun: bool,
    /// Overrides the config directory of the primary config.
    #[arg(long = "config-path", value_name = "DIR")]
    pub config_path: Option<PathBuf>,
    /// Overrides the primary config's name.
    #[arg(long = "config-name", value_name = "NAME")]
    pub config_name: Option<String>,
    /// Adds a directory to the config search path.
    #[arg(long = "config-dir", value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Print diagnostics instead of running: all, config, defaults,
    /// defaults-tree or searchpath.
    #[arg(short = 'i', long = "info", value_name = "INFO", num_args = 0..=1,
          default_missing_value = "all",
          value_parser = ["all", "config", "defaults", "defaults-tree", "plugins", "searchpath"])]
    pub info: Option<String>,
    /// Internal: run one job of a sweep (set by process launchers).
    #[arg(long = "launcher-job", value_name = "NUM", hide = true)]
    pub launcher_job: Option<usize>,
    /// Internal: the sweep's start time, nanoseconds since the Unix epoch.
    #[arg(long = "launcher-start", value_name = "NANOS", hide = true)]
    pub launcher_start: Option<u128>,
    /// Internal: the job's output directory, as the launcher resolved it.
    #[arg(long = "launcher-output-dir", value_name = "DIR", hide = true)]
    pub launcher_output_dir: Option<PathBuf>,
    /// Config overrides: `key=value`, `group=option`, `+key=value`, `~key`.
    #[arg(value_name = "OVERRIDES", allow_hyphen_values = false)]
    pub overrides: Vec<String>,
}

/// Rewrites argparse's two-letter short flags (`-cp DIR`, `-cn=NAME`) to
/// their long forms; everything after a `--` is left alone.
pub fn normalize<I, S>(args: I) -> Vec<std::ffi::OsString>
where
    I: IntoIterator<Item = S>,
    S: Into<std::ffi::OsString>,
{
    const SHORTS: [(&str, &str); 3] = [
        ("-cp", "--config-path"),
        ("-cn", "--config-name"),
        ("-cd", "--config-dir"),
    ];
    let mut out = Vec::new();
    let mut rest = false;
    for a in args {
        let a: std::ffi::OsString = a.into();
        if rest {
            out.push(a);
            continue;
        }
        let text = a.to_string_lossy().into_owned();
        if text == "--" {
            rest = true;
            out.push(a);
            continue;
        }
        let replaced = SHORTS.iter().find_map(|(short, long)| {
            if text == *short {
                Some(long.to_string())
            } else {
                text.strip_prefix(short)
                    .and_then(|v| v.strip_prefix('='))
                    .map(|v| format!("{long}={v}"))
            }
        });
        out.push(replaced.map(Into::into).unwrap_or(a));
    }
    out
}

/// The text of Hydra's flags for `$FLAGS_HELP`.
pub fn flags_help() -> String {
    args_help::<HydraFlags>()
}

/// One line per flag of `A`: `--name,-n : help`.
pub fn args_help<A: Args>() -> String {
    let cmd = A::augment_args(clap::Command::new("app").disable_help_flag(true));
    let mut out = String::new();
    for arg in cmd.get_arguments() {
        if arg.is_hide_set() || arg.is_positional() {
            continue;
        }
        let mut names = Vec::new();
        if let Some(l) = arg.get_long() {
            names.push(format!("--{l}"));
        }
        if let Some(s) = arg.get_short() {
            names.push(format!("-{s}"));
        }
        match arg.get_long() {
            Some("config-path") => names.push("-cp".into()),
            Some("config-name") => names.push("-cn".into()),
            Some("config-dir") => names.push("-cd".into()),
            _ => {}
        }
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        out.push_str(&format!("{:<30}: {help}\n", names.join(",")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_letter_shorts_become_long_flags() {
        let got = normalize(["app", "-cp", "conf", "-cn=x", "--", "-cd"]);
        let got: Vec<String> = got.into_iter().map(|s| s.into_string().unwrap()).collect();
        assert_eq!(
            got,
            [
                "app",
                "--config-path",
                "conf",
                "--config-name=x",
                "--",
                "-cd"
            ]
        );
    }
}
