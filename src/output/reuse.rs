//! Overwriting an earlier output in place (Linux): the folder a build's output
//! replaced is kept beside it as `.public.previous`, and the next build takes
//! it as its staging folder. Every file written again keeps its inode, and only
//! what the build no longer writes is removed. Creating and removing some
//! 17,000 files per build is what costs on a disk; on ext4 without a journal,
//! as on this project's machines, creating files right after removing as many
//! is several times slower still (see `tests/bench/build.sh`).
//!
//! Nothing here follows a link: links and special files in the reused folder
//! are removed before anything is written, files are opened with `O_NOFOLLOW`,
//! and a file with other hard links is replaced, never emptied.

use std::collections::{BTreeSet, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use rustix::fs::OFlags;

use crate::fsutil::remove_tree;

/// Suffix of the kept previous output (`.public.previous` beside `public`).
pub(super) const PREVIOUS: &str = "previous";

fn is_real_dir(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// Makes `dir` (the staging folder) an earlier output ready to overwrite:
/// `previous`, the output the last build replaced, moved there, or else what
/// an interrupted build left in `dir`. Returns what it holds (see
/// [`inventory`]); `None` when there is nothing to reuse, or it could not be
/// made ready: the caller then starts from an empty folder.
pub(super) fn prepare(dir: &Path, previous: &Path) -> Option<Vec<String>> {
    if is_real_dir(previous) {
        if fs::symlink_metadata(dir).is_ok() && remove_tree(dir).is_err() {
            return None;
        }
        fs::rename(previous, dir).ok()?;
    } else if !is_real_dir(dir) {
        return None;
    }
    inventory(dir).ok()
}

/// The files and folders below `dir` as `/`-separated paths relative to it,
/// each folder before what it holds; on the way every link, special file and
/// name that is not UTF-8 (which no build writes) is removed, so nothing
/// written later follows a link.
fn inventory(dir: &Path) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut walk = walkdir::WalkDir::new(dir).min_depth(1).into_iter();
    while let Some(entry) = walk.next() {
        let entry = entry?;
        let kind = entry.file_type();
        let rel = entry.path().strip_prefix(dir).ok().and_then(Path::to_str);
        match rel {
            Some(rel) if kind.is_file() || kind.is_dir() => found.push(rel.to_string()),
            _ if kind.is_dir() => {
                walk.skip_current_dir();
                remove_tree(entry.path())?;
            }
            _ => fs::remove_file(entry.path())?,
        }
    }
    Ok(found)
}

/// Opens `path` to write it from the start: the file there when it is a
/// regular file with no other hard link (its old bytes are overwritten, and
/// [`finish`] cuts off any beyond the new end: emptying it first would free
/// its blocks and allocate them again, which on a disk mounted with `discard`
/// costs more than writing the file anew); otherwise a new file in place of
/// whatever is there (a folder, a link, a file linked elsewhere).
pub(super) fn overwrite(path: &Path) -> io::Result<File> {
    let existing = OpenOptions::new().write(true).create(true).custom_flags(OFlags::NOFOLLOW.bits() as i32).open(path);
    if let Ok(file) = existing {
        let meta = file.metadata()?;
        if meta.is_file() && meta.nlink() == 1 {
            return Ok(file);
        }
    }
    clear(path)?;
    OpenOptions::new().write(true).create_new(true).open(path)
}

/// Ends a file [`overwrite`] opened, `len` bytes written from its start.
pub(super) fn finish(file: &File, len: u64) -> io::Result<()> {
    file.set_len(len)
}

/// Removes whatever is at `path`, a folder with its contents; nothing there
/// (also when a folder on the way is a file now) counts as removed.
fn clear(path: &Path) -> io::Result<()> {
    match remove_tree(path) {
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => Ok(()),
        other => other,
    }
}

/// Makes the folder `path` below `root`, replacing any file in the way.
pub(super) fn make_dirs(root: &Path, path: &Path) -> io::Result<()> {
    if fs::create_dir_all(path).is_ok() {
        return Ok(());
    }
    let mut at = root.to_path_buf();
    for part in path.strip_prefix(root).map_err(io::Error::other)?.components() {
        at.push(part);
        if !is_real_dir(&at) {
            clear(&at)?;
            fs::create_dir(&at)?;
        }
    }
    Ok(())
}

/// Removes from `dir` what `earlier` (its [`inventory`] before the build
/// overwrote it) has and the build did not write: every file whose path is
/// not in `files`, and every folder that holds none of them.
pub(super) fn prune(dir: &Path, earlier: &[String], files: &BTreeSet<String>) -> io::Result<()> {
    let mut folders: HashSet<&str> = HashSet::new();
    for file in files {
        let mut at = file.as_str();
        while let Some(i) = at.rfind('/') {
            at = &at[..i];
            if !folders.insert(at) {
                // Its parents are in already.
                break;
            }
        }
    }
    // What follows a removed entry in `earlier` and lies in it is gone with it.
    let mut removed: Option<&str> = None;
    for rel in earlier {
        if removed.is_some_and(|r| rel.strip_prefix(r).is_some_and(|rest| rest.starts_with('/'))) {
            continue;
        }
        if files.contains(rel) || folders.contains(rel.as_str()) {
            continue;
        }
        clear(&dir.join(rel))?;
        removed = Some(rel);
    }
    Ok(())
}
