//! Run directories: where a job writes, and how. Every file is written
//! atomically (a temporary file in the same directory, then a rename), so a
//! crash never leaves a half-written `config.yaml`. A timestamped directory
//! (`outputs/${now:...}`) that another run already holds is never shared:
//! the later run takes `<dir>_1`, `<dir>_2`, ... (Hydra #1607, #2925).

use crate::error::{Error, ErrorKind};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Python's `os.path.abspath`: `path` made absolute against `cwd` and
/// normalised lexically (`.` and `..` removed, symlinks untouched).
pub fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Creates the job's output directory. With `fresh` (the directory's
/// pattern holds a timestamp, so it is meant to be this run's own), an
/// existing directory is not reused: the first free `<dir>_N` is claimed
/// instead, atomically (`mkdir` fails if another run got there first).
/// Returns the directory used.
pub fn create_output_dir(dir: &Path, fresh: bool) -> Result<PathBuf, Error> {
    if !fresh {
        std::fs::create_dir_all(dir)
            .map_err(|e| io_error(dir, "create the output directory", e))?;
        return Ok(dir.to_path_buf());
    }
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| io_error(parent, "create the output directory", e))?;
    }
    for n in 0..10_000u32 {
        let candidate = if n == 0 {
            dir.to_path_buf()
        } else {
            let mut name = dir.file_name().unwrap_or_default().to_os_string();
            name.push(format!("_{n}"));
            dir.with_file_name(name)
        };
        match std::fs::create_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_error(&candidate, "create the output directory", e)),
        }
    }
    Err(Error::new(
        ErrorKind::Io,
        format!(
            "{}: 10,000 runs already hold this directory and its numbered variants",
            dir.display()
        ),
    ))
}

/// Writes `contents` to `path` atomically: a temporary file beside it, then
/// a rename over it. Parent directories are created.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let parent = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io_error(parent, "create", e))?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = parent.join(format!(".{name}.tmp.{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(path, "write", e)
    })
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> Error {
    Error::new(ErrorKind::Io, format!("cannot {what} {}", path.display()))
        .with_source(e)
        .with_hint(
            "check that the directory is writable (hydra.run.dir / hydra.sweep.dir choose it)",
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abspath_normalises() {
        let cwd = Path::new("/work/x");
        assert_eq!(
            absolute(Path::new("out/./a/../b"), cwd),
            Path::new("/work/x/out/b")
        );
        assert_eq!(absolute(Path::new("/tmp/../etc"), cwd), Path::new("/etc"));
    }

    #[test]
    fn a_held_timestamped_dir_is_not_shared() {
        let base = std::env::temp_dir().join(format!("rundir-test-{}", std::process::id()));
        let dir = base.join("10-00-00");
        assert_eq!(create_output_dir(&dir, true).unwrap(), dir);
        assert_eq!(
            create_output_dir(&dir, true).unwrap(),
            base.join("10-00-00_1")
        );
        assert_eq!(create_output_dir(&dir, false).unwrap(), dir);
        write_atomic(&dir.join(".hydra/config.yaml"), b"a: 1\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join(".hydra/config.yaml")).unwrap(),
            "a: 1\n"
        );
        std::fs::remove_dir_all(&base).unwrap();
    }
}
