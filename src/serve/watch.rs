//! Watching the sources: `content/`, `themes/` and the configuration file,
//! never the output or anything else in the site root.
//!
//! [`Watcher::next_batch`] blocks until a relevant file changes (and
//! [`Watcher::try_batch`] looks without waiting), then keeps
//! collecting until the events pause for [`QUIET`] (at most [`LONGEST`]), so an
//! editor's save — often a temp file, a rename and a metadata change within a
//! millisecond or two — becomes one rebuild. Editor swap, backup and temp files
//! (the same rules as `content::is_ignored_name`, plus a few editors' own) and
//! pure read/metadata events are dropped: the rebuild itself reads every file,
//! and inotify reports those opens. Paths come back relative to the site root.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::config::CONFIG_FILE;
use crate::content::{is_ignored_name, CONTENT_DIR};

/// Silence that ends a burst of events.
pub const QUIET: Duration = Duration::from_millis(10);
/// A burst never delays a rebuild longer than this.
pub const LONGEST: Duration = Duration::from_millis(300);

const THEMES_DIR: &str = "themes";

/// A problem with watching (Finnish, for the terminal); `fatal` when watching has stopped.
#[derive(Debug)]
pub struct WatchError {
    pub message: String,
    pub fatal: bool,
}

fn problem(message: String) -> WatchError {
    WatchError { message, fatal: false }
}

pub struct Watcher {
    inner: RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    watched: BTreeSet<&'static str>,
    /// A problem met after a batch was collected, returned by the next call.
    pending: Option<WatchError>,
}

/// Names some editors write next to the file they save, beyond `is_ignored_name`.
fn is_editor_temp(name: &str) -> bool {
    is_ignored_name(name)
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name.ends_with(".crswap")
        || name.ends_with(".kate-swp")
        || name.ends_with(".part")
}

/// `path` relative to `root` if a change there can change the site.
pub fn relevant(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = rel.components();
    let first = match parts.next()? {
        Component::Normal(c) => c.to_str()?,
        _ => return None,
    };
    let wanted = match first {
        CONTENT_DIR | THEMES_DIR => true,
        CONFIG_FILE => parts.next().is_none(),
        _ => false,
    };
    let clean = rel.components().all(|c| matches!(c, Component::Normal(n) if !is_editor_temp(&n.to_string_lossy())));
    (wanted && clean).then(|| rel.to_path_buf())
}

fn is_change(kind: &EventKind) -> bool {
    !matches!(kind, EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)))
}

impl Watcher {
    /// Watches `root` (canonical) itself, and its `content/` and `themes/` when they exist.
    pub fn new(root: &Path) -> Result<Watcher, WatchError> {
        let (tx, rx) = mpsc::channel();
        let mut inner = notify::recommended_watcher(tx).map_err(|e| problem(format!("muutosten seurantaa ei voitu aloittaa ({e})")))?;
        inner
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| problem(format!("kansiota {} ei voitu seurata ({e})", root.display())))?;
        let mut w = Watcher { inner, rx, root: root.to_path_buf(), watched: BTreeSet::new(), pending: None };
        w.ensure_watches(&BTreeSet::new())?;
        Ok(w)
    }

    /// (Re)starts watching `content/` and `themes/` when they appear or were replaced.
    fn ensure_watches(&mut self, changed: &BTreeSet<PathBuf>) -> Result<(), WatchError> {
        for dir in [CONTENT_DIR, THEMES_DIR] {
            let abs = self.root.join(dir);
            if changed.contains(Path::new(dir)) && self.watched.remove(dir) {
                let _ = self.inner.unwatch(&abs);
            }
            if abs.is_dir() && !self.watched.contains(dir) {
                self.inner.watch(&abs, RecursiveMode::Recursive).map_err(|e| {
                    problem(format!("kansiota {dir}/ ei voitu seurata ({e}); tarkista inotify-rajat (fs.inotify.max_user_watches)"))
                })?;
                self.watched.insert(dir);
            }
        }
        Ok(())
    }

    /// The relevant paths of one event, or a watch error.
    fn take(&self, event: notify::Result<notify::Event>, into: &mut BTreeSet<PathBuf>) -> Result<bool, WatchError> {
        let event = event.map_err(|e| problem(format!("muutosten seuranta ilmoitti virheestä ({e})")))?;
        if !is_change(&event.kind) {
            return Ok(false);
        }
        let before = into.len();
        into.extend(event.paths.iter().filter_map(|p| relevant(&self.root, p)));
        Ok(into.len() > before)
    }

    /// Blocks until something relevant changed; returns the changed paths of the whole burst.
    /// A watch error is returned as it happens; the watcher stays usable.
    pub fn next_batch(&mut self) -> Result<BTreeSet<PathBuf>, WatchError> {
        if let Some(p) = self.pending.take() {
            return Err(p);
        }
        let mut changed = BTreeSet::new();
        loop {
            let event = self.rx.recv().map_err(|_| stopped())?;
            if self.take(event, &mut changed)? {
                break;
            }
        }
        self.rest_of_burst(changed)
    }

    /// Like [`Watcher::next_batch`] but without waiting: `None` when nothing
    /// relevant has happened since the last batch.
    pub fn try_batch(&mut self) -> Result<Option<BTreeSet<PathBuf>>, WatchError> {
        if let Some(p) = self.pending.take() {
            return Err(p);
        }
        let mut changed = BTreeSet::new();
        loop {
            match self.rx.try_recv() {
                Ok(event) => {
                    if self.take(event, &mut changed)? {
                        return self.rest_of_burst(changed).map(Some);
                    }
                }
                Err(TryRecvError::Empty) => return Ok(None),
                Err(TryRecvError::Disconnected) => return Err(stopped()),
            }
        }
    }

    /// Collects the burst that began with `changed` until it pauses.
    fn rest_of_burst(&mut self, mut changed: BTreeSet<PathBuf>) -> Result<BTreeSet<PathBuf>, WatchError> {
        let started = Instant::now();
        let mut last = started;
        loop {
            let wait = QUIET.saturating_sub(last.elapsed()).min(LONGEST.saturating_sub(started.elapsed()));
            match self.rx.recv_timeout(wait) {
                Ok(event) => {
                    if self.take(event, &mut changed).unwrap_or(false) {
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        self.pending = self.ensure_watches(&changed).err();
        Ok(changed)
    }
}

fn stopped() -> WatchError {
    WatchError { message: "muutosten seuranta pysähtyi".into(), fatal: true }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count_and_editor_files_never() {
        let root = Path::new("/s");
        let yes = ["content/a.md", "content/k/kuva.png", "themes/oma/templates/base.html", "handbook.yaml", "content"];
        for p in yes {
            assert_eq!(relevant(root, &root.join(p)).as_deref(), Some(Path::new(p)), "{p}");
        }
        let no = [
            "public/index.html",
            ".public.staging/a/index.html",
            "target/debug/x",
            ".git/index",
            "handbook.yaml~",
            "content/.a.md.swp",
            "content/a.md~",
            "content/#a.md#",
            "content/.#a.md",
            "content/4913",
            "content/a.md.tmp",
            "content/a.md___jb_tmp___",
            "content/.piilo/a.md",
            "themes/oma/templates/.base.html.swx",
            "README.md",
        ];
        for p in no {
            assert_eq!(relevant(root, &root.join(p)), None, "{p}");
        }
        assert_eq!(relevant(root, Path::new("/muu/content/a.md")), None);
    }

    #[test]
    fn a_burst_of_writes_is_one_batch() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("content")).unwrap();
        let mut w = Watcher::new(&root).unwrap();
        let writer = {
            let root = root.clone();
            std::thread::spawn(move || {
                std::fs::write(root.join("content/.a.md.swp"), "x").unwrap();
                std::fs::write(root.join("content/a.md"), "1").unwrap();
                std::fs::write(root.join("content/a.md"), "2").unwrap();
                std::fs::write(root.join("content/b.md"), "3").unwrap();
                std::fs::write(root.join("public.md"), "ei").unwrap();
            })
        };
        writer.join().unwrap();
        let batch = w.next_batch().unwrap();
        let want: BTreeSet<PathBuf> = ["content/a.md", "content/b.md"].iter().map(PathBuf::from).collect();
        assert_eq!(batch, want);
        assert_eq!(w.try_batch().unwrap(), None);
        std::fs::write(root.join("content/c.md"), "4").unwrap();
        let end = Instant::now() + Duration::from_secs(5);
        let batch = loop {
            if let Some(b) = w.try_batch().unwrap() {
                break b;
            }
            assert!(Instant::now() < end, "no batch");
            std::thread::sleep(Duration::from_millis(5));
        };
        assert_eq!(batch, [PathBuf::from("content/c.md")].into_iter().collect());
    }
}
