//! Fuzzes resolution: a small YAML document is loaded, every interpolation
//! resolved with the built-in resolvers, and the result emitted. Errors are
//! fine; panics, aborts, timeouts and running out of memory are findings.
//! A resolved tree must emit text that loads again.
#![no_main]

use config_core::interp::{resolve, Resolvers};
use config_core::yaml::{load_data_str, Limits};
use config_core::Node;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use std::time::{Duration, UNIX_EPOCH};

mod budget;

fuzz_target!(|data: &[u8]| {
    budget::start();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut node) = Node::from_yaml_str(text) else {
        return;
    };
    let resolvers = resolvers();
    resolvers.clear_cache();
    if resolve(&mut node, resolvers).is_ok() {
        let emitted = node.to_yaml();
        // As data: a resolved `\${x` is the text `${x`, which no config may
        // hold (OmegaConf refuses it too).
        if let Err(e) = load_data_str(&emitted, "<emitted>", &Limits::default()) {
            panic!("{text:?} resolves and emits as {emitted:?}, which fails to load: {e}");
        }
    } else {
        let _ = node.to_yaml();
    }
    let _ = resolvers.take_warnings();
});

/// The built-ins, with a fixed clock for `${now:}` (reproducible runs).
fn resolvers() -> &'static Resolvers {
    static R: OnceLock<Resolvers> = OnceLock::new();
    R.get_or_init(|| {
        let mut r = Resolvers::default();
        r.set_now(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        r
    })
}
