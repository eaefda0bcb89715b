//! Small file-system helpers shared by the steps: reading text with a clear
//! reason on failure, Finnish wording for I/O errors, and removing a large
//! output folder.

use std::io;
use std::path::Path;

/// A Finnish reason for an I/O error, never `{:?}`.
pub fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        // Refusals made by `output` itself carry their Finnish explanation.
        io::ErrorKind::AlreadyExists | io::ErrorKind::InvalidInput | io::ErrorKind::ResourceBusy if e.get_ref().is_some() => e.to_string(),
        io::ErrorKind::NotFound => "tiedostoa tai kansiota ei ole".into(),
        io::ErrorKind::PermissionDenied => "ei käyttöoikeutta".into(),
        io::ErrorKind::InvalidData => "sisältö ei ole UTF-8-muotoista tekstiä".into(),
        _ => format!("käyttöjärjestelmän virhe: {e}"),
    }
}

/// CPU time this process has used so far, all threads, user and system, in
/// seconds (`/proc/self/stat`), where the system tells it.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces:
    // state is field 3, utime and stime fields 14 and 15.
    let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
    let user: u64 = fields.nth(11)?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / clock_ticks())
}

#[cfg(target_os = "linux")]
fn clock_ticks() -> f64 {
    rustix::param::clock_ticks_per_second() as f64
}

#[cfg(not(target_os = "linux"))]
fn clock_ticks() -> f64 {
    100.0
}

/// Peak resident memory of this process in bytes (`VmHWM`), where the system tells it.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Removes `dir` and everything in it, as `fs::remove_dir_all` does, but
/// on Linux several files at a time. On a disk, freeing a file's blocks can
/// wait for the device (with online discard, for every file); one file at a
/// time, a 10,000-page site's 17,000 files took 2.4-3.3 s to remove on this
/// project's machines. A link, also in `dir`'s place, is removed and never
/// followed: below `dir` everything is opened relative to its folder's open
/// descriptor with `O_NOFOLLOW`, as the standard library does since
/// CVE-2022-21658. On any failure the rest is left to `fs::remove_dir_all`,
/// whose error is returned.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    match remove_tree_in_parallel(dir) {
        Ok(()) => Ok(()),
        Err(_) if std::fs::symlink_metadata(dir).is_ok() => std::fs::remove_dir_all(dir),
        Err(e) => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn remove_tree_in_parallel(dir: &Path) -> io::Result<()> {
    std::fs::remove_dir_all(dir)
}

#[cfg(target_os = "linux")]
use removal::remove_tree_in_parallel;

#[cfg(target_os = "linux")]
mod removal {
    use std::ffi::{CStr, CString};
    use std::io;
    use std::os::fd::OwnedFd;
    use std::path::Path;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use rustix::fs::{openat, unlinkat, AtFlags, Mode, OFlags, CWD};
    use rustix::io::Errno;

    /// Threads that remove files at once. The work waits on the device, not
    /// the processor, so more threads than cores pay off.
    const REMOVERS: usize = 8;

    /// A folder directly in the removed folder with more entries than this
    /// (a search index keeps thousands of files in one) is shared out entry
    /// by entry; a smaller one is one task.
    const SPLIT_ABOVE: usize = 64;

    /// At most this many shared-out folders, each holding a file descriptor
    /// until its entries are gone; any further ones are one task each.
    const SPLIT_FOLDERS: usize = 256;

    /// The parallel part of [`super::remove_tree`]: the entries directly in
    /// `dir`, and those of its large folders, are shared among [`REMOVERS`]
    /// threads, each removing its entry's whole subtree; then those folders
    /// and `dir`. Anything already gone counts as removed.
    pub(super) fn remove_tree_in_parallel(dir: &Path) -> io::Result<()> {
        remove_split(dir, SPLIT_ABOVE, SPLIT_FOLDERS)
    }

    /// [`remove_tree_in_parallel`] with its limits as arguments (for tests).
    pub(super) fn remove_split(dir: &Path, split_above: usize, split_folders: usize) -> io::Result<()> {
        if !std::fs::symlink_metadata(dir)?.is_dir() {
            return std::fs::remove_file(dir);
        }
        let root = Arc::new(openat(CWD, dir, dir_flags(), Mode::empty())?);
        let mut tasks: Vec<(Arc<OwnedFd>, CString)> = Vec::new();
        let mut split: Vec<CString> = Vec::new();
        for (name, is_dir) in entries(&root)? {
            if is_dir && split.len() < split_folders {
                let folder = match openat(&*root, name.as_c_str(), dir_flags(), Mode::empty()) {
                    Ok(f) => Arc::new(f),
                    Err(Errno::NOENT) => continue,
                    Err(e) => return Err(e.into()),
                };
                let inside = entries(&folder)?;
                if inside.len() > split_above {
                    tasks.extend(inside.into_iter().map(|(n, _)| (folder.clone(), n)));
                    split.push(name);
                    continue;
                }
            }
            tasks.push((root.clone(), name));
        }
        in_parallel(&tasks, |(parent, name)| remove_at(parent, name))?;
        drop(tasks);
        in_parallel(&split, |name| gone(unlinkat(&*root, name.as_c_str(), AtFlags::REMOVEDIR)))?;
        drop(root);
        match std::fs::remove_dir(dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    /// `result`, with "no such file" counting as done.
    fn gone(result: rustix::io::Result<()>) -> io::Result<()> {
        match result {
            Ok(()) | Err(Errno::NOENT) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    fn dir_flags() -> OFlags {
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC
    }

    /// Names in the open folder `dir` (not `.` and `..`), and whether each is
    /// known to be a folder (a link is not).
    fn entries(dir: &OwnedFd) -> io::Result<Vec<(CString, bool)>> {
        let mut out = Vec::new();
        for entry in rustix::fs::Dir::read_from(dir)? {
            let entry = entry?;
            let name = entry.file_name();
            if name.to_bytes() != b"." && name.to_bytes() != b".." {
                out.push((name.to_owned(), entry.file_type() == rustix::fs::FileType::Directory));
            }
        }
        Ok(out)
    }

    /// Removes `name` in the open folder `parent`: a file or link at once, a
    /// folder after its contents.
    fn remove_at(parent: &OwnedFd, name: &CStr) -> io::Result<()> {
        let refused = match unlinkat(parent, name, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => return Ok(()),
            // What Linux says of a folder.
            Err(Errno::ISDIR) => None,
            // A folder elsewhere; on Linux an immutable file or a sticky folder.
            Err(e @ Errno::PERM) => Some(e),
            Err(e) => return Err(e.into()),
        };
        let folder = match openat(parent, name, dir_flags(), Mode::empty()) {
            Ok(f) => f,
            Err(Errno::NOENT) => return Ok(()),
            // Not a folder after all: the refusal above is the real reason.
            Err(e @ Errno::NOTDIR) => return Err(refused.unwrap_or(e).into()),
            Err(e) => return Err(e.into()),
        };
        for (child, _) in entries(&folder)? {
            remove_at(&folder, &child)?;
        }
        drop(folder);
        gone(unlinkat(parent, name, AtFlags::REMOVEDIR))
    }

    /// Runs `remove` on every item with up to [`REMOVERS`] threads. Stops at
    /// the first error and returns it.
    fn in_parallel<T: Sync>(items: &[T], remove: impl Fn(&T) -> io::Result<()> + Sync) -> io::Result<()> {
        let next = AtomicUsize::new(0);
        let failed: Mutex<Option<io::Error>> = Mutex::new(None);
        let work = || loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            if let Err(e) = remove(item) {
                failed.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
                next.store(items.len(), Ordering::Relaxed);
            }
        };
        let threads = REMOVERS.min(items.len() / 16 + 1);
        std::thread::scope(|s| {
            for _ in 1..threads {
                // A thread the system refuses only means fewer at work.
                let _ = std::thread::Builder::new().spawn_scoped(s, work);
            }
            work();
        });
        failed.into_inner().unwrap_or_else(|p| p.into_inner()).map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    #[test]
    fn cpu_time_grows_with_work() {
        // Busy until the counter has moved 50 ms (10 s at most, for a loaded machine).
        let before = super::cpu_seconds().expect("Linux tells the CPU time");
        let started = std::time::Instant::now();
        let mut x = 0u64;
        let mut now = before;
        while now < before + 0.05 && started.elapsed().as_secs() < 10 {
            for _ in 0..100_000 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
            now = super::cpu_seconds().expect("Linux tells the CPU time");
        }
        assert!(now >= before + 0.05, "{before} → {now} in {:?}", started.elapsed());
    }

    fn tree(root: &std::path::Path) {
        for d in 0..12 {
            let dir = root.join(format!("osa-{d}")).join("sivu");
            std::fs::create_dir_all(&dir).unwrap();
            for f in 0..30 {
                std::fs::write(dir.join(format!("{f}.html")), "x".repeat(f * 100)).unwrap();
            }
            std::fs::write(root.join(format!("osa-{d}")).join("index.html"), "i").unwrap();
        }
    }

    /// A folder next to the output holding `tärkeä.txt`, which must survive.
    #[cfg(unix)]
    fn outside(root: &std::path::Path) -> std::path::PathBuf {
        let keep = root.join("muualla");
        std::fs::create_dir(&keep).unwrap();
        std::fs::write(keep.join("tärkeä.txt"), "pysyy").unwrap();
        keep
    }

    #[test]
    fn remove_tree_removes_every_file_and_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        tree(&out);
        std::fs::create_dir_all(out.join("tyhjä/syvä/kansio")).unwrap();
        assert_eq!(walkdir::WalkDir::new(&out).into_iter().count(), 1 + 12 * 2 + 12 * 31 + 3);
        // The parallel part on its own: `remove_tree` would hide its failure behind the fallback.
        super::remove_tree_in_parallel(&out).unwrap();
        assert!(!out.exists());
        assert!(tmp.path().exists(), "only the folder itself goes");
    }

    #[cfg(unix)]
    #[test]
    fn remove_tree_removes_links_without_following_them() {
        let tmp = tempfile::tempdir().unwrap();
        let keep = outside(tmp.path());
        let out = tmp.path().join("public");
        tree(&out);
        std::os::unix::fs::symlink(&keep, out.join("osa-3/linkki-kansioon")).unwrap();
        std::os::unix::fs::symlink(keep.join("tärkeä.txt"), out.join("linkki-tiedostoon")).unwrap();
        std::os::unix::fs::symlink(&keep, out.join("juurilinkki")).unwrap();
        super::remove_tree_in_parallel(&out).unwrap();
        assert!(!out.exists());
        assert_eq!(std::fs::read_to_string(keep.join("tärkeä.txt")).unwrap(), "pysyy");
    }

    #[cfg(unix)]
    #[test]
    fn remove_tree_on_a_link_removes_only_the_link() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("www");
        tree(&site);
        let out = tmp.path().join("public");
        std::os::unix::fs::symlink(&site, &out).unwrap();
        super::remove_tree_in_parallel(&out).unwrap();
        assert!(std::fs::symlink_metadata(&out).is_err(), "the link is gone");
        assert_eq!(walkdir::WalkDir::new(&site).into_iter().count(), 1 + 12 * 2 + 12 * 31, "what it pointed to is whole");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn remove_tree_removes_split_and_whole_folders_without_following_links() {
        let tmp = tempfile::tempdir().unwrap();
        let keep = outside(tmp.path());
        let out = tmp.path().join("public");
        // Folders 0-5 have more than 3 entries, 6-7 fewer; at most 4 are split.
        for d in 0..8 {
            let dir = out.join(format!("{d}/a/b"));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("index.html"), "x").unwrap();
            for f in 0..if d < 6 { 5 } else { 1 } {
                std::fs::write(out.join(format!("{d}/{f}.html")), "y").unwrap();
            }
            std::os::unix::fs::symlink(&keep, out.join(format!("{d}/linkki"))).unwrap();
        }
        super::removal::remove_split(&out, 3, 4).unwrap();
        assert!(!out.exists());
        assert_eq!(std::fs::read_to_string(keep.join("tärkeä.txt")).unwrap(), "pysyy");
    }

    #[test]
    fn remove_tree_reports_a_missing_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let err = super::remove_tree(&tmp.path().join("ei-ole")).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    }
}
