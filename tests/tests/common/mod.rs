//! Helpers shared by the conformance harnesses (`conformance.rs`,
//! `conformance_app.rs`): the corpus in `tests/conformance` and its YAML files.

use config_core::Node;
use std::path::{Path, PathBuf};

/// The case folders of one kind of the corpus, sorted by name.
pub fn corpus(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("conformance")
        .join(kind);
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// A YAML file of the corpus; a file that does not load is a broken corpus.
pub fn load(path: &Path) -> Node {
    Node::from_yaml_file(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A case's `case.yaml`, or an empty mapping when it has none.
pub fn case_yaml(dir: &Path) -> Node {
    let p = dir.join("case.yaml");
    if p.exists() {
        load(&p)
    } else {
        Node::empty_map()
    }
}
