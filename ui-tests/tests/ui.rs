//! Compile-fail tests for bad `#[config(...)]` attributes, and a
//! compile-pass test for `crate = "..."`. The `.stderr` files are pinned to
//! the rustc this workspace is built with; regenerate with
//! `TRYBUILD=overwrite cargo test -p ui-tests --test ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
