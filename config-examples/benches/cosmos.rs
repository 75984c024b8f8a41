//! The two ways Cosmos projects register experiments, measured: all of
//! them (10,000 generated experiments registered lazily) or only the ones
//! a run uses (`COSMOS_EXPERIMENTS`). Python's imaginaire spends 3 to 12 s
//! importing experiment modules; here registering one is storing a closure,
//! and a composition builds only the experiments it selects.
//!
//! `cargo bench -p config-examples --bench cosmos`

// `criterion_main!` defines an undocumented `pub fn main`.
#![allow(missing_docs)]

use config_core::typed::Store;
use config_core::typed::{compose_with, Config as _};
use config_examples::cosmos::experiments::{self, Selection, NEMO_2B};
use config_examples::cosmos::{groups, make_config, Config};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let args = [
        "cosmos",
        "--",
        "experiment=gen_04242",
        "trainer.max_iter=10",
    ];
    for (label, generated) in [("0", 0usize), ("10k", 10_000)] {
        c.bench_function(
            &format!("register groups + {label} generated experiments"),
            |b| {
                b.iter(|| {
                    let mut store = Store::new();
                    groups::register(&mut store);
                    experiments::register(&mut store, &Selection::all(black_box(generated)));
                    store
                })
            },
        );
    }
    let only = Selection {
        only: Some(vec!["gen_04242".into()]),
        generated: 10_000,
    };
    c.bench_function("register groups + only gen_04242 (of 10k)", |b| {
        b.iter(|| {
            let mut store = Store::new();
            groups::register(&mut store);
            experiments::register(&mut store, black_box(&only));
            store
        })
    });
    // The whole flow, as `cosmos` runs it, with every experiment registered
    // (the default) and with only the one used.
    for (label, env) in [
        ("10k registered", None),
        ("only the one used", Some("gen_04242")),
    ] {
        match env {
            // SAFETY-free: edition 2021, one thread here.
            Some(v) => std::env::set_var("COSMOS_EXPERIMENTS", v),
            None => std::env::remove_var("COSMOS_EXPERIMENTS"),
        }
        c.bench_function(&format!("make_config() [{label}]"), |b| b.iter(make_config));
        c.bench_function(
            &format!("make_config().override_with(experiment=gen_04242) [{label}]"),
            |b| b.iter(|| make_config().override_with(black_box(args)).unwrap()),
        );
        let composer = Config::make().into_composer().unwrap();
        c.bench_function(
            &format!("compose experiment=gen_04242, reused composer [{label}]"),
            |b| b.iter(|| compose_with::<Config, _, _>(&composer, black_box(args)).unwrap()),
        );
    }
    std::env::remove_var("COSMOS_EXPERIMENTS");
    let nemo = ["cosmos", "--", &format!("experiment={NEMO_2B}")];
    let composer = Config::make().into_composer().unwrap();
    c.bench_function(
        "compose experiment=predict2_..._2b_cosmos_nemo_assets",
        |b| b.iter(|| compose_with::<Config, _, _>(&composer, black_box(nemo)).unwrap()),
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
