//! Fuzzes YAML loading and emission: any bytes must load or fail cleanly;
//! a tree that loads must emit (`to_yaml`) text that loads again, to an
//! equal tree (values, types and key order; origins are not compared), and
//! emitting that tree again must give the same text.
//!
//! Not checked, as documented by the yaml module: nothing. (Origins differ
//! by construction; integers beyond i64 are `BigInt` on both sides.)
#![no_main]

use config_core::Node;
use libfuzzer_sys::fuzz_target;

mod budget;

fuzz_target!(|data: &[u8]| {
    budget::start();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if known(text) {
        return;
    }
    let Ok(first) = Node::from_yaml_str(text) else {
        return;
    };
    let emitted = first.to_yaml();
    let second = Node::from_yaml_str(&emitted).unwrap_or_else(|e| {
        panic!("{text:?} loads, emits as {emitted:?}, which fails to load: {e}")
    });
    assert!(
        first == second,
        "{text:?} emits as {emitted:?}, which loads as a different tree:\n{first:?}\nvs\n{second:?}"
    );
    let again = second.to_yaml();
    assert_eq!(again, emitted, "{text:?}: emission is not stable");
});

/// With `FUZZ_SKIP_KNOWN=1`, inputs that hit a finding already reported in
/// fuzz/findings/yaml_roundtrip/ are skipped, so that a run can look for
/// others. Off by default: the findings must keep failing until fixed.
fn known(text: &str) -> bool {
    static SKIP: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SKIP.get_or_init(|| std::env::var_os("FUZZ_SKIP_KNOWN").is_some())
        // sexagesimal-int-*: `!!int a:b` with a huge `b` (yaml/scalar.rs big_decimal).
        && text.contains("!!int")
}
