//! `config parse-override -- OVERRIDE...`: prints each parsed override as a
//! mapping in a YAML list (the `overrides/` conformance format).

pub fn run(_overrides: &[String]) -> Result<String, String> {
    Err("parse-override: not implemented yet".into())
}
