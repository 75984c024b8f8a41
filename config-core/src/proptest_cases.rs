//! How many cases the property tests run. The quick run (`cargo test`, and
//! CI) runs each test's own count, chosen to keep the suite fast; the long
//! run sets `PROPTEST_CASES` (`PROPTEST_CASES=3000 cargo test -p
//! config-core --lib`) and every property test runs that many.

use proptest::test_runner::Config;

/// The configuration of a property test: `quick` cases, or
/// `PROPTEST_CASES` when that is set.
pub(crate) fn cases(quick: u32) -> Config {
    // `Config::default()` reads the PROPTEST_* environment.
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = quick;
    }
    config
}
