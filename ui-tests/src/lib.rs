//! The derive's UI tests live in `tests/ui.rs`: compile-fail cases for bad
//! `#[config(...)]` attributes and field types, and a compile-pass case
//! for `crate = "..."`. This crate holds nothing else.
