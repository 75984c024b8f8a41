//! The figures of issue 13 ("speed to the floor"), on trees of
//! `shared/bench/make_tree.py` (built once under `$COMPOSE_BENCH_DIR`, or
//! the temp dir):
//! - `speed_load/compose_files`: loading the files one compose of the
//!   2,000-experiment tree reads (MB/s of YAML);
//! - `speed_emit/composed`: `to_yaml` of that composed config (MB/s of YAML
//!   written);
//! - `speed_chain/<n>`: a compose whose experiment chain is `n` configs deep
//!   (`--experiments n --chain n`): each level should cost the same;
//! - `speed_keys/12000`: a compose of the tree with 12,000 keys per option
//!   (`--keys 12000`, about 3.9 MB of YAML read), output included.
//!
//! Run: `cargo bench -p config-core --bench speed`. Peak memory and whole
//! process times are measured outside criterion: `tools/bench-process/ab.py`.

// `criterion_main!` defines an undocumented `pub fn main`.
#![allow(missing_docs)]

mod common;

use common::{files_read, overrides, report_cpu, tree};
use config_core::compose::Composer;
use config_core::yaml::{load_str, Limits};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn load_and_emit(c: &mut Criterion) {
    let dir = tree("default", &[]);
    let ov = overrides(&dir);
    let composer = Composer::builder().dir(&dir).build().unwrap();
    let composition = composer.compose_full("config", &ov).unwrap();
    let files = files_read(&dir, &composition);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let mut g = c.benchmark_group("speed_load");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("compose_files", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(p, t)| load_str(t, p, &Limits::default()).unwrap())
                .collect::<Vec<_>>()
        })
    });
    g.finish();
    report_cpu("load: compose files", Some(bytes as u64), || {
        for (p, t) in &files {
            drop(load_str(t, p, &Limits::default()).unwrap());
        }
    });
    let yaml = composition.config.to_yaml();
    let mut g = c.benchmark_group("speed_emit");
    g.throughput(Throughput::Bytes(yaml.len() as u64));
    g.bench_function("composed", |b| b.iter(|| composition.config.to_yaml()));
    g.finish();
    report_cpu("emit: composed", Some(yaml.len() as u64), || {
        drop(composition.config.to_yaml())
    });
}

fn chains(c: &mut Criterion) {
    let mut g = c.benchmark_group("speed_chain");
    g.sample_size(20);
    for n in [100usize, 1_000] {
        let n_s = n.to_string();
        let dir = tree(
            &format!("chain-{n}"),
            &["--experiments", &n_s, "--chain", &n_s],
        );
        let ov = overrides(&dir);
        let composer = Composer::builder().dir(&dir).build().unwrap();
        g.bench_function(&n_s, |b| {
            b.iter(|| composer.compose("config", &ov).unwrap())
        });
        report_cpu(&format!("chain: {n}"), None, || {
            drop(composer.compose("config", &ov).unwrap())
        });
    }
    g.finish();
}

fn big_keys(c: &mut Criterion) {
    let dir = tree("keys-12000", &["--experiments", "20", "--keys", "12000"]);
    let ov = overrides(&dir);
    let composer = Composer::builder().dir(&dir).build().unwrap();
    let mut g = c.benchmark_group("speed_keys");
    g.sample_size(10);
    g.bench_function("12000", |b| {
        b.iter(|| composer.compose("config", &ov).unwrap().to_yaml().len())
    });
    g.finish();
    report_cpu("keys: 12000", None, || {
        drop(composer.compose("config", &ov).unwrap().to_yaml())
    });
}

criterion_group!(benches, load_and_emit, chains, big_keys);
criterion_main!(benches);
