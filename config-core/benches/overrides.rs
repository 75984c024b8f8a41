//! Parsing 10,000 command-line overrides of every kind (the target is well
//! under 10 ms for the batch).

// `criterion_main!` defines an undocumented `pub fn main`.
#![allow(missing_docs)]

use config_core::overrides::parse_override;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

/// A realistic mix: dotted keys, group options, containers, quoting,
/// interpolations, sweeps and function calls.
const KINDS: &[&str] = &[
    "trainer.max_iter=1000",
    "optimizer=adamw",
    "+experiment=fast",
    "~callbacks.wandb",
    "model.lr=3e-4",
    "data.path=/datasets/imagenet/train",
    "model.layers=[64, 128, 256]",
    "model.opts={dropout: 0.1, act: gelu, norm: [layer, 1e-5]}",
    "job.name='run 7, seed=3'",
    "log.dir=${hydra:runtime.cwd}/logs",
    "seed=1,2,3,4",
    "lr=range(1e-4,1e-3,step=2e-4)",
    "db@backup=mysql",
    "++trainer.precision=bf16",
    "batch=choice(16,32,64)",
    "wd=interval(0.0,0.1)",
    "n=int(3.7)",
    "name=hello world",
    "flag=true",
    "path=C:\\Users\\me",
];

fn overrides(n: usize) -> Vec<String> {
    (0..n).map(|i| KINDS[i % KINDS.len()].to_string()).collect()
}

fn bench(c: &mut Criterion) {
    let batch = overrides(10_000);
    c.bench_function("parse 10,000 overrides", |b| {
        b.iter(|| {
            for o in &batch {
                black_box(parse_override(black_box(o)).ok());
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
