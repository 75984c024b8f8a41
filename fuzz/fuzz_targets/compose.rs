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

/// The config tree: (path, text).
const FILES: &[(&str, &str)] = &[
    (
        "config.yaml",
        "defaults:\n  - db: mysql\n  - optimizer: adam\n  - model: small\n  - optional extra: none\n  - dataset@data.train: cifar\n  - dataset@data.val: mnist\n  - experiment: null\n  - _self_\n\nseed: 1\nname: run_${seed}\ntrainer:\n  max_iter: 1000\n  lr: ${optimizer.lr}\n  devices: [0, 1]\n  tags: {a: 1, b: [x, y]}\nmissing: ???\npaths:\n  out: /tmp/${name}\n  decoded: ${oc.decode:'[1, 2]'}\n  keys: ${oc.dict.keys:trainer}\n",
    ),
    ("db/mysql.yaml", "host: localhost\nport: 3306\nuser: ${oc.env:USER,root}\n"),
    ("db/sqlite.yaml", "# @package db\nfile: ${oc.env:PWD,.}/x.db\n"),
    ("optimizer/adam.yaml", "lr: 0.001\nbetas: [0.9, 0.999]\n"),
    ("optimizer/sgd.yaml", "lr: 0.1\nmomentum: 0.9\n"),
    (
        "model/small.yaml",
        "defaults:\n  - encoder: conv\n  - _self_\nwidth: 64\nlayers: 2\n",
    ),
    (
        "model/large.yaml",
        "defaults:\n  - encoder: ${oc.env:FUZZ_ENCODER,transformer}\n  - _self_\nwidth: 1024\nlayers: ${oc.select:model.depth,24}\n",
    ),
    ("model/encoder/conv.yaml", "kernel: 3\n"),
    ("model/encoder/transformer.yaml", "heads: 8\ndim: ${..width}\n"),
    ("extra/none.yaml", "{}\n"),
    ("extra/logging.yaml", "# @package _global_\nlogging:\n  level: info\n"),
    ("dataset/cifar.yaml", "name: cifar10\nsize: 32\n"),
    ("dataset/mnist.yaml", "name: mnist\nsize: 28\n"),
    (
        "experiment/fast.yaml",
        "# @package _global_\ndefaults:\n  - override /optimizer: sgd\n  - override /db: sqlite\n  - _self_\ntrainer:\n  max_iter: 10\nseed: 2\n",
    ),
    (
        "experiment/big.yaml",
        "# @package _global_\ndefaults:\n  - fast\n  - override /model: large\n  - _self_\ntrainer:\n  max_iter: 100000\nbase: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n",
    ),
];

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("config-fuzz-compose-{}", std::process::id()));
        for (path, text) in FILES {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    })
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
