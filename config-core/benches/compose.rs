//! Compose speed on the synthetic tree of `shared/bench/make_tree.py`.
//!
//! Builds trees with 200, 2,000 and 20,000 experiments (in a temp dir, or
//! under `$COMPOSE_BENCH_DIR`), then measures, for each:
//! - `compose/<n>`: a warm in-process compose with the overrides of the
//!   tree's `overrides.txt`, YAML parsing included (nothing is cached
//!   between composes);
//! - `process/<n>`: the whole `config compose` process (target: 20 ms);
//! - `floor/<n>`: reading and parsing just the YAML files that composition
//!   needs: the cost compose is compared with (target: at most 1.5x).
//!
//! Measured on the shared 2-core VM (load average 3-8 from other builds, so
//! wall times are noisy; CPU times from `/proc/self/stat` over 1,000 runs):
//! - compose: 1.6-1.8 ms wall (criterion), 1.0-1.3 ms CPU; Hydra ~800 ms;
//! - whole process (`process/<n>`): 4.6-6.5 ms;
//! - floor: 1.1-1.3 ms wall, 0.76-0.95 ms CPU; compose/floor 1.24-1.30 in CPU;
//! - 200 vs 20,000 experiment files in the same tree: 1.170 vs 1.165 ms CPU
//!   (configs are found by name; directories are listed only for errors);
//!   `scale/<n>` measures exactly that.

// `criterion_main!` defines an undocumented `pub fn main`.
#![allow(missing_docs)]

mod common;

use config_core::compose::Composer;
use config_core::yaml::{load_str, Limits};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The tree with `experiments` experiments (the directory `app.rs` uses too).
fn tree(experiments: usize) -> PathBuf {
    let n = experiments.to_string();
    common::make_tree(
        &format!("compose-bench-tree-{experiments}"),
        &["--experiments", &n],
    )
}

fn bench(c: &mut Criterion) {
    for n in [200usize, 2_000, 20_000] {
        let dir = tree(n);
        let overrides = common::overrides(&dir);
        let composer = Composer::builder().dir(&dir).build().unwrap();
        let composition = composer.compose_full("config", &overrides).unwrap();
        let files: Vec<PathBuf> = composition
            .defaults
            .loaded_paths
            .iter()
            .map(|p| dir.join(format!("{p}.yaml")))
            // Hydra's own configs are built in, not files of the tree.
            .filter(|p| p.exists())
            .collect();
        c.bench_function(&format!("compose/{n}"), |b| {
            b.iter(|| composer.compose("config", &overrides).unwrap())
        });
        let mut args = vec![
            "compose".to_string(),
            "--config-dir".into(),
            dir.display().to_string(),
            "--".into(),
        ];
        args.extend(overrides.iter().cloned());
        c.bench_function(&format!("process/{n}"), |b| {
            b.iter(|| {
                let out = Command::new(env!("CARGO_BIN_EXE_config"))
                    .args(&args)
                    .output()
                    .unwrap();
                assert!(out.status.success());
            })
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

/// The same composition over two directories that differ only in how many
/// experiment files sit next to the selected one: 20,000, and the 200 last
/// (the selected experiment's chain included). Compose must not scan them,
/// so the two times should agree within noise (target: 10%).
fn scaling(c: &mut Criterion) {
    let full = tree(20_000);
    let pruned = full.with_file_name("compose-bench-tree-20000-pruned-200");
    if !pruned.join("overrides.txt").exists() {
        copy_pruned(&full, &pruned, 20_000 - 200).expect("copy the pruned tree");
    }
    let overrides = common::overrides(&full);
    for (label, dir) in [("200", &pruned), ("20000", &full)] {
        let composer = Composer::builder().dir(dir).build().unwrap();
        c.bench_function(&format!("scale/{label}"), |b| {
            b.iter(|| composer.compose("config", &overrides).unwrap())
        });
    }
}

/// Copies `src` to `dst`, keeping only experiments numbered `keep_from` and up.
fn copy_pruned(src: &Path, dst: &Path, keep_from: usize) -> std::io::Result<()> {
    for entry in std::fs::read_dir(src)? {
        let path = entry?.path();
        let target = dst.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&target)?;
            for f in std::fs::read_dir(&path)? {
                let f = f?.path();
                let name = f.file_name().unwrap().to_string_lossy().into_owned();
                let number = name
                    .strip_prefix("exp_")
                    .and_then(|n| n.strip_suffix(".yaml"));
                if number
                    .and_then(|n| n.parse::<usize>().ok())
                    .is_some_and(|n| n < keep_from)
                {
                    continue;
                }
                std::fs::copy(&f, target.join(f.file_name().unwrap()))?;
            }
        } else {
            std::fs::create_dir_all(dst)?;
            std::fs::copy(&path, &target)?;
        }
    }
    Ok(())
}

criterion_group!(benches, bench, scaling);
criterion_main!(benches);
