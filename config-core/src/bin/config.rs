//! The `config` command-line tool. See `config --help`.

fn main() -> std::process::ExitCode {
    config_core::cli::run(std::env::args_os())
}
