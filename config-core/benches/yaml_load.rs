//! Loading speed of the YAML loader, and merge speed of what it loads, over
//! the tree that `shared/bench/make_tree.py` writes (about 2,200 files,
//! 9 MB). The compose engine parses about 80 KB per compose with a budget
//! of about 1 ms, so the loader must stay well above 60 MB/s.
//!
//! The tree goes to `$CONFIG_BENCH_TREE`, or `target/bench-tree` under the
//! workspace; it is generated once with `python3 shared/bench/make_tree.py`,
//! found by walking up from this crate. Without python3 or the script, the
//! benchmark says so and exits.
//!
//! Run: `cargo bench -p config-core --bench yaml_load`.

// `criterion_main!` defines an undocumented `pub fn main`.
#![allow(missing_docs)]

mod common;

use common::report_cpu;
use config_core::yaml::{load_str, to_yaml, Limits};
use config_core::{merge, Node};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `(path, text)` of every YAML file of the benchmark tree, sorted.
fn tree_files() -> Option<Vec<(PathBuf, String)>> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = match std::env::var_os("CONFIG_BENCH_TREE") {
        Some(d) => PathBuf::from(d),
        None => manifest.parent()?.join("target").join("bench-tree"),
    };
    if !dir.join("config.yaml").exists() {
        let script = manifest
            .ancestors()
            .map(|a| a.join("shared/bench/make_tree.py"))
            .find(|p| p.exists());
        let Some(script) = script else {
            eprintln!(
                "yaml_load: shared/bench/make_tree.py not found above {}; skipping",
                manifest.display()
            );
            return None;
        };
        let status = Command::new("python3").arg(&script).arg(&dir).status();
        if !matches!(status, Ok(s) if s.success()) {
            eprintln!(
                "yaml_load: `python3 {} {}` failed; skipping",
                script.display(),
                dir.display()
            );
            return None;
        }
    }
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    Some(
        files
            .into_iter()
            .filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
            .collect(),
    )
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

fn bytes(files: &[(PathBuf, String)]) -> u64 {
    files.iter().map(|(_, t)| t.len() as u64).sum()
}

fn load_all(files: &[(PathBuf, String)], limits: &Limits) -> Vec<Node> {
    files
        .iter()
        .map(|(p, t)| load_str(t, &p.to_string_lossy(), limits).expect("benchmark tree loads"))
        .collect()
}

fn benches(c: &mut Criterion) {
    let Some(files) = tree_files() else { return };
    let limits = Limits::default();
    let total = bytes(&files);
    // Option files of the groups (not experiments, not the primary config).
    let options: Vec<_> = files
        .iter()
        .filter(|(p, _)| {
            p.parent()
                .and_then(Path::file_name)
                .is_some_and(|n| n.to_string_lossy().starts_with("group_"))
        })
        .cloned()
        .collect();
    let compose_sized: Vec<_> = {
        // About what one compose reads: the primary config, one option per
        // group and a few experiments (~80 KB).
        let mut picked = Vec::new();
        let mut size = 0;
        for f in files.iter().step_by(97) {
            if size > 80_000 {
                break;
            }
            size += f.1.len();
            picked.push(f.clone());
        }
        picked
    };

    let mut g = c.benchmark_group("yaml_load");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(total));
    g.bench_function(format!("all_{}_files", files.len()), |b| {
        b.iter(|| load_all(&files, &limits))
    });
    // The parser alone, for comparison: the floor under the loader.
    g.bench_function("saphyr_events_only", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for (_, t) in &files {
                n += saphyr_parser::Parser::new_from_str(t).count();
            }
            n
        })
    });
    g.throughput(Throughput::Bytes(bytes(&compose_sized)));
    g.bench_function("compose_sized_80k", |b| {
        b.iter(|| load_all(&compose_sized, &limits))
    });
    g.finish();

    report_cpu("load all files", Some(total), || {
        drop(load_all(&files, &limits))
    });
    report_cpu("saphyr events only", Some(total), || {
        for (_, t) in &files {
            std::hint::black_box(saphyr_parser::Parser::new_from_str(t).count());
        }
    });

    let loaded = load_all(&options, &limits);
    let mut g = c.benchmark_group("yaml_merge");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(bytes(&options)));
    g.bench_function(format!("merge_{}_option_files", options.len()), |b| {
        b.iter_batched(
            || loaded.clone(),
            |trees| {
                let mut acc = Node::empty_map();
                for t in trees {
                    merge(&mut acc, t).expect("option files merge");
                }
                acc
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();

    let all = load_all(&files, &limits);
    let mut g = c.benchmark_group("yaml_emit");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(total));
    g.bench_function("to_yaml_all_files", |b| {
        b.iter(|| all.iter().map(|n| to_yaml(n).len()).sum::<usize>())
    });
    g.finish();
}

criterion_group!(yaml, benches);
criterion_main!(yaml);
