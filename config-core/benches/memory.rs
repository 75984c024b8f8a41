//! Issue 13's memory figure: the peak heap of one compose (plus `to_yaml`)
//! of `shared/bench/make_tree.py`'s 12,000-key tree (`--experiments 20
//! --keys 12000`), against the bytes of YAML that compose reads. The
//! target is a peak of at most 3 times those bytes.
//!
//! A counting global allocator records the live heap and its peak (the
//! heap only: the binary, the stack and the allocator's own slack are not
//! in it; `tools/bench-process/ab.py` reports the whole process's peak
//! RSS). Also printed: the sizes of the tree's types, the peak of loading
//! the files alone, and the CPU time of the compose on the calling thread
//! (a big file loads on two: `report_cpu` in the speed bench counts both).
//!
//! Run: `cargo bench -p config-core --bench memory` (the tree is built
//! under `$COMPOSE_BENCH_DIR`, or the temp dir, as the speed bench does).

mod common;

use common::{files_read, overrides, thread_cpu_ns, tree};
use config_core::compose::Composer;
use config_core::yaml::{load_str, Limits};
use config_core::{Key, Node, Origin, Value};
use peak_alloc::PeakAlloc;

// The system allocator, counting live bytes and their peak (a crate: no
// hand-written `unsafe` allocator; the workspace forbids `unsafe`).
#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

/// The heap's peak above its level when `f` starts.
fn measure<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = ALLOC.current_usage();
    ALLOC.reset_peak_usage();
    let out = f();
    (out, ALLOC.peak_usage() - base)
}

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list`
    }
    println!(
        "sizes: Node {} B, Value {} B, Origin {} B, Key {} B, map entry {} B",
        std::mem::size_of::<Node>(),
        std::mem::size_of::<Value>(),
        std::mem::size_of::<Origin>(),
        std::mem::size_of::<Key>(),
        std::mem::size_of::<(Key, Node)>(),
    );
    let dir = tree("keys-12000", &["--experiments", "20", "--keys", "12000"]);
    let ov = overrides(&dir);
    let composer = Composer::builder().dir(&dir).build().unwrap();
    // Warm-up, and the files this compose reads.
    let composition = composer.compose_full("config", &ov).unwrap();
    let files = files_read(&dir, &composition);
    drop(composition);
    let yaml: usize = files.iter().map(|(_, t)| t.len()).sum();
    println!(
        "compose reads {} files, {} bytes of YAML",
        files.len(),
        yaml
    );

    let (trees, load_peak) = measure(|| {
        files
            .iter()
            .map(|(p, t)| load_str(t, p, &Limits::default()).unwrap())
            .collect::<Vec<_>>()
    });
    drop(trees);
    println!(
        "load the files (all trees alive): peak heap {} ({:.2}x the YAML)",
        mib(load_peak),
        load_peak as f64 / yaml as f64
    );

    let base = ALLOC.current_usage();
    let cpu = thread_cpu_ns();
    let (cfg, peak) = measure(|| composer.compose("config", &ov).unwrap());
    let cpu = thread_cpu_ns().zip(cpu).map(|(b, a)| b - a);
    let tree = ALLOC.current_usage() - base;
    let (out, emit_peak) = measure(|| cfg.to_yaml());
    println!(
        "compose: peak heap {} ({:.2}x the YAML), result {}{}",
        mib(peak),
        peak as f64 / yaml as f64,
        mib(tree),
        cpu.map_or(String::new(), |ns| format!(
            ", {:.1} ms CPU on the calling thread",
            ns as f64 / 1e6
        ))
    );
    let whole = peak.max(tree + emit_peak);
    println!(
        "compose + to_yaml ({} bytes): peak heap {} ({:.2}x the YAML)",
        out.len(),
        mib(whole),
        whole as f64 / yaml as f64
    );
    let cpu = thread_cpu_ns();
    drop(cfg);
    if let Some(ns) = thread_cpu_ns().zip(cpu).map(|(b, a)| b - a) {
        println!("freeing the composed tree: {:.1} ms CPU", ns as f64 / 1e6);
    }
}
