//! The repository carries a copy of the shared conformance corpus. When the
//! shared corpus is present next to the repository, the copy must match it;
//! `scripts/sync-conformance.sh` re-syncs it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_none_or(|e| e != "pyc") {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

#[test]
fn copy_matches_shared_corpus() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = here.join("../../shared/conformance");
    if !shared.is_dir() {
        eprintln!(
            "shared corpus not present at {}; skipping",
            shared.display()
        );
        return;
    }
    let (ours, theirs) = (files(&here.join("conformance")), files(&shared));
    let differ: Vec<_> = theirs
        .keys()
        .chain(ours.keys())
        .filter(|k| ours.get(*k) != theirs.get(*k))
        .collect();
    assert!(
        differ.is_empty(),
        "tests/conformance is stale; run scripts/sync-conformance.sh. Differs: {differ:?}"
    );
}
