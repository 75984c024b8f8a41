//! `TrainConfig::make().override_with(args)` on the `train` example: the
//! whole typed flow (store registration, schema checks, compose with an
//! inheriting experiment, typed conversion), and its parts; and `build`,
//! which adds the typed lazy checks, validation and freezing with the tree.

// `criterion_main!` defines an undocumented `pub fn main`.
#![allow(missing_docs)]

// CPU time per call beside criterion's wall times (the figure to compare
// on a busy machine): the helper of config-core's benches.
#[path = "../../config-core/benches/common/mod.rs"]
mod common;

use config_core::typed::{compose_with, Config};
use config_examples::TrainConfig;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

const ARGS: [&str; 4] = [
    "train",
    "--",
    "experiment=finetune_2b",
    "trainer.max_iter=10",
];

fn bench(c: &mut Criterion) {
    c.bench_function(
        "make().override_with(experiment=finetune_2b trainer.max_iter=10)",
        |b| b.iter(|| TrainConfig::make().override_with(black_box(ARGS)).unwrap()),
    );
    common::report_cpu("make().override_with", None, || {
        drop(TrainConfig::make().override_with(black_box(ARGS)).unwrap())
    });
    let reg = config_examples::registry();
    c.bench_function(
        "make().with_registry().build(...): + typed lazy checks, validate, freeze with tree",
        |b| {
            b.iter(|| {
                TrainConfig::make()
                    .with_registry(&reg)
                    .build(black_box(ARGS))
                    .unwrap()
            })
        },
    );
    let composer = TrainConfig::make().into_composer().unwrap();
    c.bench_function("compose_with(reused composer)", |b| {
        b.iter(|| compose_with::<TrainConfig, _, _>(&composer, black_box(ARGS)).unwrap())
    });
    common::report_cpu("compose_with(reused composer)", None, || {
        drop(compose_with::<TrainConfig, _, _>(&composer, black_box(ARGS)).unwrap())
    });
    c.bench_function("make() only", |b| b.iter(|| black_box(TrainConfig::make())));
    let cfg = TrainConfig::make().override_with(ARGS).unwrap();
    let tree = cfg.to_dict();
    c.bench_function("to_dict", |b| b.iter(|| black_box(&cfg).to_dict()));
    c.bench_function("from_dict", |b| {
        b.iter(|| TrainConfig::from_dict(black_box(&tree)).unwrap())
    });
    c.bench_function("validate", |b| {
        b.iter(|| black_box(&cfg).validate().unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
