//! The `config` tool, built inside the `tests` package so that its integration
//! tests can run it as a subprocess (`CARGO_BIN_EXE_config-under-test`); the
//! `config` binary itself belongs to `config-core`. Same entry point as
//! `config-core/src/bin/config.rs`.

fn main() -> std::process::ExitCode {
    config_core::cli::run(std::env::args_os())
}
