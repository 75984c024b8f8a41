//! Helpers shared by the conformance harnesses (`conformance.rs`,
//! `conformance_app.rs`): the corpus in `tests/conformance` and its YAML files.

use config_core::yaml::Limits;
use config_core::Node;
use std::path::{Path, PathBuf};

/// The case folders of one kind, sorted by name: the shared corpus
/// (`tests/conformance`, a copy of `../shared/conformance`) and then the
/// project's own cases in the same format (`tests/cases`, their expected
/// outputs also made by the reference: `tools/difftest/make_compose_case.py`).
pub(crate) fn corpus(kind: &str) -> Vec<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases = Vec::new();
    for root in ["conformance", "cases"] {
        let dir = here.join(root).join(kind);
        if root == "cases" && !dir.exists() {
            continue;
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        found.sort();
        cases.extend(found);
    }
    cases
}

/// A YAML file of the corpus; a file that does not load is a broken corpus.
/// Read as data, as the reference's harness reads it (PyYAML): expected
/// outputs hold override strings such as `v=${}` that no config may hold.
pub(crate) fn load(path: &Path) -> Node {
    config_core::yaml::load_data_file(path, &Limits::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// YAML printed by the tool under test, read as data (see [`load`]).
pub(crate) fn parse(text: &str) -> Result<Node, config_core::Error> {
    config_core::yaml::load_data_str(text, "<output>", &Limits::default())
}

/// A case's `case.yaml`, or an empty mapping when it has none.
pub(crate) fn case_yaml(dir: &Path) -> Node {
    let p = dir.join("case.yaml");
    if p.exists() {
        load(&p)
    } else {
        Node::empty_map()
    }
}
