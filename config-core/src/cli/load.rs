//! `config resolve FILE` and `config merge FILE...`.

use crate::interp::{resolve as resolve_tree, Resolvers};
use crate::{merge, Node};
use std::path::{Path, PathBuf};

/// `config resolve FILE`: loads the file as `OmegaConf.load` does (the
/// loader gives the top level its OmegaConf form), resolves every
/// interpolation with the default resolvers, prints YAML. Resolver warnings
/// (e.g. `oc.deprecated`) go to standard error.
pub fn resolve(file: &Path) -> Result<String, String> {
    let mut node = Node::from_yaml_file(file).map_err(|e| e.render())?;
    let resolvers = Resolvers::default();
    let result = resolve_tree(&mut node, &resolvers);
    for w in resolvers.take_warnings() {
        eprintln!("warning: {w}");
    }
    result.map_err(|e| e.render())?;
    Ok(node.to_yaml())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `config resolve /dev/zero` used to read until memory ran out (its
    /// metadata says 0 bytes).
    #[cfg(unix)]
    #[test]
    fn devices_are_refused_at_once() {
        let start = std::time::Instant::now();
        for dev in ["/dev/zero", "/dev/urandom"] {
            let e = resolve(Path::new(dev)).unwrap_err();
            assert!(
                e.contains("is not a regular file: it is a character device"),
                "{e}"
            );
            let e = merge_files(&[PathBuf::from(dev)]).unwrap_err();
            assert!(e.contains("not a regular file"), "{e}");
        }
        assert!(start.elapsed().as_millis() < 1000);
    }
}
