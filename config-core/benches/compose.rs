//! Compose speed on the synthetic tree of `shared/bench/make_tree.py`.
//!
//! Builds trees with 200, 2,000 and 20,000 experiments (in a temp dir, or
//! under `$COMPOSE_BENCH_DIR`), then measures, for each:
//! - `compose/<n>`: a warm in-process compose with the overrides of the
//!   tree's `overrides.txt`, YAML parsing included (nothing is cached
//!   between composes);
//! - `floor/<n>`: reading and parsing just the YAML files that composition
//!   needs: the cost compose is compared with (target: at most 1.5x).

use config_core::compose::Composer;
use config_core::yaml::{load_str, Limits};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::{Path, PathBuf};
use std::process::Command;

fn tree(experiments: usize) -> PathBuf {
    let base = std::env::var_os("COMPOSE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("compose-bench-tree-{experiments}"));
    if !dir.join("overrides.txt").exists() {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench/make_tree.py");
        let script = if script.exists() {
            script
        } else {
            PathBuf::from("/work/shared/bench/make_tree.py")
        };
        let status = Command::new("python3")
            .arg(&script)
            .arg(&dir)
            .args(["--experiments", &experiments.to_string()])
            .stdout(std::process::Stdio::null())
            .status()
            .expect("python3 runs make_tree.py");
        assert!(status.success(), "make_tree.py failed");
    }
    dir
}

fn bench(c: &mut Criterion) {
    for n in [200usize, 2_000, 20_000] {
        let dir = tree(n);
        let overrides: Vec<String> = std::fs::read_to_string(dir.join("overrides.txt"))
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect();
        let composer = Composer::builder().dir(&dir).build().unwrap();
        let composition = composer.compose_full("config", &overrides).unwrap();
        let files: Vec<PathBuf> = composition
            .defaults
            .loaded_paths
            .iter()
            .map(|p| dir.join(format!("{p}.yaml")))
            .collect();
        c.bench_function(&format!("compose/{n}"), |b| {
            b.iter(|| composer.compose("config", &overrides).unwrap())
        });
        c.bench_function(&format!("floor/{n}"), |b| {
            b.iter(|| {
                for f in &files {
                    let text = std::fs::read_to_string(f).unwrap();
                    std::hint::black_box(load_str(&text, "x", &Limits::default()).unwrap());
                }
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
