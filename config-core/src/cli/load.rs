//! `config resolve FILE` and `config merge FILE...`.

use crate::{merge, Node};
use std::path::{Path, PathBuf};

pub fn resolve(file: &Path) -> Result<String, String> {
    let _node = Node::from_yaml_file(file).map_err(|e| e.render())?;
    Err("resolve: not implemented yet".into())
}

pub fn merge_files(files: &[PathBuf]) -> Result<String, String> {
    let mut iter = files.iter();
    let first = iter.next().ok_or("merge needs at least one file")?;
    let mut acc = Node::from_yaml_file(first).map_err(|e| e.render())?;
    for f in iter {
        let next = Node::from_yaml_file(f).map_err(|e| e.render())?;
        merge(&mut acc, next).map_err(|e| e.render())?;
    }
    Ok(acc.to_yaml())
}
