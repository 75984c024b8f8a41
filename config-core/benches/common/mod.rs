//! CPU-time figures next to criterion's wall times: on the shared 2-core
//! machine other work stretches wall times, much less the CPU time this
//! thread runs (Linux's schedstat). Also the trees of
//! `shared/bench/make_tree.py` the benches share.

// Each bench uses some of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// CPU time this thread has run, in ns, from `/proc/thread-self/schedstat`:
/// exact, but blind to other threads (a big document loads on two).
pub(crate) fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// CPU time this process has run, all its threads (finished ones too),
/// in ns: user plus system time from `/proc/self/stat`, counted in clock
/// ticks (`USER_HZ`, 100 a second on Linux), so only sums over many calls
/// are precise.
pub(crate) fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses: state is the
    // first, utime the 12th, stime the 13th.
    let mut fields = s.get(s.rfind(')')? + 1..)?.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) * 10_000_000)
}

/// Runs `f` for about 3 s of wall time (at least 3 times) after a warm-up
/// and prints its CPU time per call, and MB/s of CPU time when it processes
/// `bytes` per call. Skipped under `--profile-time`, and where schedstat is
/// missing.
pub(crate) fn report_cpu(what: &str, bytes: Option<u64>, mut f: impl FnMut()) {
    if std::env::args().any(|a| a == "--profile-time") {
        return;
    }
    f();
    let (Some(start), wall) = (cpu_ns(), std::time::Instant::now()) else {
        return;
    };
    let mut rounds = 0u64;
    while wall.elapsed().as_secs_f64() < 3.0 || rounds < 3 {
        f();
        rounds += 1;
    }
    let Some(end) = cpu_ns() else { return };
    let secs = (end - start) as f64 / 1e9;
    let per = secs / rounds as f64;
    match bytes {
        Some(b) => println!(
            "{what}: {:.1} MB/s of CPU time ({rounds} rounds, {:.3} ms CPU each)",
            (b * rounds) as f64 / 1e6 / secs,
            per * 1e3
        ),
        None => println!("{what}: {:.3} ms CPU each ({rounds} rounds)", per * 1e3),
    }
}

/// Where the bench trees are built: `$COMPOSE_BENCH_DIR`, else the temp dir.
pub(crate) fn base_dir() -> PathBuf {
    std::env::var_os("COMPOSE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
}

/// A tree of make_tree.py with `args`, named after them.
pub(crate) fn tree(name: &str, args: &[&str]) -> PathBuf {
    make_tree(&format!("speed-bench-{name}"), args)
}

/// The tree of make_tree.py with `args` in `dir_name` under [`base_dir`],
/// built once (kept between bench runs).
pub(crate) fn make_tree(dir_name: &str, args: &[&str]) -> PathBuf {
    let dir = base_dir().join(dir_name);
    if !dir.join("overrides.txt").exists() {
        let script = Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .map(|a| a.join("shared/bench/make_tree.py"))
            .find(|p| p.exists())
            .unwrap_or_else(|| PathBuf::from("/work/shared/bench/make_tree.py"));
        let status = Command::new("python3")
            .arg(&script)
            .arg(&dir)
            .args(args)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("python3 runs make_tree.py");
        assert!(status.success(), "make_tree.py failed");
    }
    dir
}

/// The overrides of a tree's `overrides.txt`, one per line.
pub(crate) fn overrides(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("overrides.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// The files of `dir` that a composition read, with their text: Hydra's
/// own configs are built in, not files of the tree.
pub(crate) fn files_read(
    dir: &Path,
    composition: &config_core::compose::Composition,
) -> Vec<(String, String)> {
    composition
        .defaults
        .loaded_paths
        .iter()
        .map(|p| dir.join(format!("{p}.yaml")))
        .filter(|path| path.exists())
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path.display().to_string(), text)
        })
        .collect()
}
