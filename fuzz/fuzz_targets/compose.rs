//! Fuzzes composition: a fixed small config directory (groups, nested
//! groups, a package header, a specialized default, experiments that
//! override groups, interpolations) is written once into a temp dir; each
//! input is split into lines, one override per line, and composed as the
//! command line would be. The result is then resolved and emitted. Errors
//! are fine; panics, aborts, timeouts and running out of memory are
//! findings. A composed tree must emit text that loads again.
#![no_main]

use config_core::compose::Composer;
use config_core::interp::{resolve, Resolvers};
use config_core::Node;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, UNIX_EPOCH};

mod budget;
mod compose_tree;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(compose_tree::write_tree)
}

fn composer() -> &'static Composer {
    static C: OnceLock<Composer> = OnceLock::new();
    C.get_or_init(|| Composer::builder().dir(dir()).build().unwrap())
}

/// `CONFIG_FUZZ_DEBUG=1`: print each composition (to check the seeds).
fn debug() -> bool {
    static D: OnceLock<bool> = OnceLock::new();
    *D.get_or_init(|| std::env::var_os("CONFIG_FUZZ_DEBUG").is_some())
}

fn resolvers() -> &'static Resolvers {
    static R: OnceLock<Resolvers> = OnceLock::new();
    R.get_or_init(|| {
        let mut r = Resolvers::default();
        r.set_now(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        r
    })
}

fuzz_target!(|data: &[u8]| {
    budget::start();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let overrides: Vec<&str> = text.lines().take(32).collect();
    let mut cfg = match composer().compose("config", &overrides) {
        Ok(cfg) => cfg,
        Err(e) => {
            if debug() {
                eprintln!("compose {overrides:?}: {e}");
            }
            return;
        }
    };
    let emitted = cfg.to_yaml();
    if let Err(e) = Node::from_yaml_str(&emitted) {
        panic!("{overrides:?} composes and emits as {emitted:?}, which fails to load: {e}");
    }
    let resolvers = resolvers();
    resolvers.clear_cache();
    let resolved = resolve(&mut cfg, resolvers);
    if debug() {
        eprintln!("{overrides:?}: {resolved:?}\n{}", cfg.to_yaml());
    }
    let _ = cfg.to_yaml();
    let _ = resolvers.take_warnings();
});
