//! The compose target's config tree, shared with `examples/probe.rs`.

use std::path::PathBuf;

/// The config tree: (path, text).
pub const FILES: &[(&str, &str)] = &[
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

/// Writes the tree into a new temp dir and returns it.
pub fn write_tree() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "config-fuzz-compose-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    for (path, text) in FILES {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}
