//! Reading a config file into memory, before [`super::load`] parses it.
//!
//! Only regular files are configs: a FIFO would block the reader forever,
//! `/dev/zero` or `/dev/urandom` would never end. And the size in a file's
//! metadata is not a bound (`/proc` files say 0; a file can grow between
//! the check and the read), so the read itself is bounded: at most
//! [`Limits::max_size`] plus one byte, which tells "too big" from "just
//! fits" without reading more.

use super::Limits;
use crate::error::{Error, ErrorKind};
use crate::origin::Origin;
use std::fs::{File, FileType, Metadata};
use std::io::Read;
use std::path::Path;

/// The text of the config file at `path`, whose metadata (symlinks
/// followed) is `meta`; `label` names it in errors.
///
/// Between the caller's `stat` and the `open`, the file could be replaced
/// by a FIFO, and opening a FIFO waits for a writer: the file is checked
/// again once open, but that one wait is not prevented (it needs write
/// access to the config directory).
pub(crate) fn read_text(
    path: &Path,
    meta: &Metadata,
    label: &str,
    limits: &Limits,
) -> Result<String, Error> {
    regular(meta.file_type(), label)?;
    if meta.len() > limits.max_size as u64 {
        // Refuse before reading it.
        return Err(too_big(label, Some(meta.len()), limits));
    }
    let io_error = |e: std::io::Error| {
        Error::new(ErrorKind::Io, format!("cannot read config file '{label}'"))
            .with_source(e)
            .with_hint("check the path and its permissions")
    };
    let file = File::open(path).map_err(io_error)?;
    regular(file.metadata().map_err(io_error)?.file_type(), label)?;
    let cap = (meta.len() as usize).min(limits.max_size) + 1;
    let mut bytes = Vec::with_capacity(cap);
    file.take(limits.max_size as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() > limits.max_size {
        return Err(too_big(label, None, limits));
    }
    utf8(bytes, label)
}

/// Refuses anything but a regular file, saying what it is.
fn regular(kind: FileType, label: &str) -> Result<(), Error> {
    if kind.is_file() {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Io,
        format!(
            "config file '{label}' is not a regular file: it is {}",
            describe(kind)
        ),
    )
    .with_hint(
        "a config is a regular YAML file (a symlink to one is fine): point to the file itself",
    ))
}

/// What a non-regular file is, for an error message.
fn describe(kind: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

fn too_big(label: &str, size: Option<u64>, limits: &Limits) -> Error {
    let size = size.map_or_else(String::new, |s| format!("{s} bytes, "));
    Error::new(
        ErrorKind::Limit,
        format!(
            "YAML file is {size}more than the {} bytes allowed (Limits::max_size)",
            limits.max_size
        ),
    )
    .with_origin(Origin::file(label, 1, 1))
    .with_hint("raise `Limits::max_size` (pass your own `yaml::Limits`), if this file is trusted")
}

/// The bytes as text, or where the first byte that is not UTF-8 is.
fn utf8(bytes: Vec<u8>, label: &str) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // The text before the bad byte is valid UTF-8 by definition.
        let before = std::str::from_utf8(valid).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Error::new(
            ErrorKind::Yaml,
            format!("config file '{label}' is not valid UTF-8"),
        )
        .with_origin(Origin::file(label, line as u32, col as u32))
        .with_hint("save the file as UTF-8")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn dir() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("yaml-file-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn read(path: &Path, limits: &Limits) -> Result<String, Error> {
        let meta = std::fs::metadata(path).unwrap();
        read_text(path, &meta, &path.display().to_string(), limits)
    }

    #[test]
    fn devices_are_refused_at_once() {
        let start = Instant::now();
        for dev in ["/dev/zero", "/dev/urandom", "/dev/null"] {
            let path = Path::new(dev);
            if !path.exists() {
                continue;
            }
            let e = read(path, &Limits::default()).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Io, "{e}");
            assert!(
                e.message()
                    .contains("not a regular file: it is a character device"),
                "{e}"
            );
        }
        #[cfg(unix)]
        {
            let link = dir().join("zero.yaml");
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
            let e = read(&link, &Limits::default()).unwrap_err();
            assert!(e.message().contains("character device"), "{e}");
        }
        assert!(start.elapsed().as_millis() < 1000);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn fifos_are_refused_without_blocking() {
        let fifo = dir().join("pipe.yaml");
        let _ = std::fs::remove_file(&fifo);
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here
        }
        let e = read(&fifo, &Limits::default()).unwrap_err();
        assert!(e.message().contains("a FIFO"), "{e}");
        let e = read(&dir(), &Limits::default()).unwrap_err();
        assert!(e.message().contains("a directory"), "{e}");
    }

    #[test]
    fn the_read_is_bounded_whatever_the_metadata_says() {
        let small = Limits {
            max_size: 8,
            ..Limits::default()
        };
        let path = dir().join("nine.yaml");
        std::fs::write(&path, "a: 123456").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        let e = read_text(&path, &meta, "nine.yaml", &small).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit);
        assert!(e.message().contains("9 bytes"), "{e}");
        // The file grew after its metadata was read (as /proc files, which
        // report 0 bytes): the read stops one byte past the limit.
        std::fs::write(&path, "a: 1").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        std::fs::write(&path, "a: 1234567890").unwrap();
        let e = read_text(&path, &meta, "nine.yaml", &small).unwrap_err();
        assert!(
            e.message()
                .starts_with("YAML file is more than the 8 bytes allowed"),
            "{e}"
        );
        std::fs::write(&path, "a: 12345").unwrap();
        assert_eq!(read(&path, &small).unwrap(), "a: 12345");
        #[cfg(target_os = "linux")]
        {
            // 0 bytes by its metadata, more in fact (cargo sets variables).
            let e = read(Path::new("/proc/self/environ"), &small).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
        }
    }

    /// A 2 GiB option file (sparse) used to abort on a 4 GiB allocation.
    #[test]
    fn a_huge_file_is_refused_before_reading() {
        let path = dir().join("huge.yaml");
        let f = File::create(&path).unwrap();
        f.set_len(2 << 30).unwrap();
        let start = Instant::now();
        let e = read(&path, &Limits::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit);
        assert!(e.message().contains("2147483648 bytes"), "{e}");
        let rendered = e.render();
        assert!(start.elapsed().as_millis() < 1000, "{:?}", start.elapsed());
        assert!(rendered.lines().count() < 8, "{rendered}");
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn bad_utf8_has_a_position() {
        let path = dir().join("latin1.yaml");
        std::fs::write(&path, b"a: 1\nb: caf\xe9\n").unwrap();
        let e = read(&path, &Limits::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Yaml);
        assert!(
            matches!(
                e.origin(),
                Some(Origin::File {
                    line: 2,
                    col: 7,
                    ..
                })
            ),
            "{e}"
        );
    }
}
