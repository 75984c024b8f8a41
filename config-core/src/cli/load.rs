//! `config resolve FILE` and `config merge FILE...`.

use crate::interp::{resolve as resolve_tree, Resolvers};
use crate::{merge, Error, ErrorKind, Node};
use std::path::{Path, PathBuf};

/// `config resolve FILE`: loads the file as `OmegaConf.load` does (the
/// loader gives the top level its OmegaConf form), resolves every
/// interpolation with the default resolvers, prints YAML. Resolver warnings
/// (e.g. `oc.deprecated`) go to standard error.
pub(super) fn resolve(file: &Path) -> Result<String, Error> {
    let mut node = Node::from_yaml_file(file)?;
    let resolvers = Resolvers::default();
    let result = resolve_tree(&mut node, &resolvers);
    for w in resolvers.take_warnings() {
        eprintln!("warning: {w}");
    }
    result?;
    Ok(node.to_yaml())
}

/// `config merge FILE...`: merges the files left to right, prints YAML.
pub(super) fn merge_files(files: &[PathBuf]) -> Result<String, Error> {
    let mut iter = files.iter();
    let first = iter
        .next()
        .ok_or_else(|| Error::new(ErrorKind::Usage, "merge needs at least one file"))?;
    let mut acc = Node::from_yaml_file(first)?;
    for f in iter {
        let next = Node::from_yaml_file(f)?;
        merge(&mut acc, next)?;
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
            let e = resolve(Path::new(dev)).unwrap_err().to_string();
            assert!(
                e.contains("is not a regular file: it is a character device"),
                "{e}"
            );
            let e = merge_files(&[PathBuf::from(dev)]).unwrap_err().to_string();
            assert!(e.contains("not a regular file"), "{e}");
        }
        assert!(start.elapsed().as_millis() < 1000);
    }
}
