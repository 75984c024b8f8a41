//! Directory listings that spare a composition one `lstat` per config read.
//!
//! A deep experiment chain reads hundreds of configs of one directory, each
//! found with an `lstat` (is it there, is it a symlink, is it a regular
//! file?). Listing the directory once answers all of those from the file
//! types of its entries (`d_type`, which does not follow symlinks, as
//! `lstat`): about 0.6 µs per entry against 1.6 µs per `lstat`. A
//! composition that reads only a few configs of a directory (the common
//! case: one option per group) would pay for the whole listing and save
//! little, so a directory is listed only at its [`LIST_AFTER`]th read.
//!
//! A listing answers only the cases that are plain: a regular file or a
//! directory of exactly that name. Anything else (a symlink, a FIFO, a
//! device) is [`Listed::Unknown`] and takes the `lstat` path as before, and
//! so does a name that is not listed: on a case-insensitive file system
//! `lstat` finds `Exp.yaml` as `exp.yaml`, which a listing does not.
//! Listings live in the composition's [`super::ReadCache`] and are dropped
//! with it.

use std::ffi::{OsStr, OsString};
use std::path::Path;

/// How many reads of one directory in one composition before it is listed.
/// Past this, the composition is most likely a chain through the directory.
const LIST_AFTER: u32 = 32;

/// What the listing of a directory says about one of its names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Listed {
    /// A regular file, not a symlink.
    File,
    /// A directory, not a symlink.
    Dir,
    /// Not listed, or something else: ask the file system.
    Unknown,
}

/// The state of one directory: reads so far, then its listing.
#[derive(Debug)]
enum DirState {
    /// Read this many times, not listed yet.
    Reads(u32),
    /// Listed: each name's kind (only regular files and directories).
    Listed(foldhash::HashMap<OsString, Listed>),
    /// The listing failed: reads take the `lstat` path.
    Unlisted,
}

/// The listings of the directories one composition reads often, by
/// directory path (compared as bytes, as in [`super::ReadCache`]).
#[derive(Debug, Default)]
pub(super) struct Listings {
    dirs: foldhash::HashMap<OsString, DirState>,
}

impl Listings {
    /// What `dir`'s listing says about `name`, counting this as a read of
    /// `dir` (which lists it at its [`LIST_AFTER`]th read). The caller has
    /// checked that `dir` is below its root without symlinks.
    pub(super) fn lookup(&mut self, dir: &Path, name: &OsStr) -> Listed {
        let state = match self.dirs.get_mut(dir.as_os_str()) {
            Some(state) => state,
            None => {
                let key = dir.as_os_str().to_owned();
                self.dirs.entry(key).or_insert(DirState::Reads(0))
            }
        };
        if let DirState::Reads(n) = state {
            *n += 1;
            if *n < LIST_AFTER {
                return Listed::Unknown;
            }
            *state = list(dir);
        }
        match state {
            DirState::Listed(names) => names.get(name).copied().unwrap_or(Listed::Unknown),
            _ => Listed::Unknown,
        }
    }
}

/// Lists `dir`: each name with its kind, [`Listed::Unknown`] for what is
/// neither a regular file nor a directory.
fn list(dir: &Path) -> DirState {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return DirState::Unlisted;
    };
    let mut names = foldhash::HashMap::default();
    for entry in entries {
        let Ok(entry) = entry else {
            return DirState::Unlisted;
        };
        // `file_type` is the entry's own type (`d_type`, else an `lstat`).
        let kind = match entry.file_type() {
            Ok(t) if t.is_file() => Listed::File,
            Ok(t) if t.is_dir() => Listed::Dir,
            _ => Listed::Unknown,
        };
        names.insert(entry.file_name(), kind);
    }
    DirState::Listed(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_listed_at_its_nth_read_and_answers_by_kind() {
        let dir = std::env::temp_dir().join(format!("listing-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("a.yaml"), "a: 1\n").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("a.yaml", dir.join("link.yaml")).unwrap();
        let mut listings = Listings::default();
        for _ in 1..LIST_AFTER {
            assert_eq!(listings.lookup(&dir, "a.yaml".as_ref()), Listed::Unknown);
        }
        assert_eq!(listings.lookup(&dir, "a.yaml".as_ref()), Listed::File);
        assert_eq!(listings.lookup(&dir, "sub".as_ref()), Listed::Dir);
        assert_eq!(listings.lookup(&dir, "none.yaml".as_ref()), Listed::Unknown);
        #[cfg(unix)]
        assert_eq!(listings.lookup(&dir, "link.yaml".as_ref()), Listed::Unknown);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_directory_that_cannot_be_listed_is_asked_name_by_name() {
        let dir = std::env::temp_dir().join(format!("listing-none-{}", std::process::id()));
        let mut listings = Listings::default();
        for _ in 0..2 * LIST_AFTER {
            assert_eq!(listings.lookup(&dir, "a.yaml".as_ref()), Listed::Unknown);
        }
    }
}
