//! Output: every file of a build goes into a staging folder beside the output
//! folder; only a build that finished without errors swaps it into place. A
//! failed or interrupted build therefore never touches the previous output.
//!
//! [`Sink`] is what the site writes to: [`Staging`] for `build`, [`NullSink`]
//! for `check`, [`MemorySink`] for `serve`. Paths are validated so nothing is
//! ever written outside.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

#[cfg(target_os = "linux")]
mod reuse;

/// What [`Sink::write_stream`] fills: `Send`, so that one thread can write
/// a file while others render what comes next.
pub type Stream<'a> = dyn io::Write + Send + 'a;

/// Where rendered files go. Shared across threads.
pub trait Sink: Sync {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;

    /// Writes a file given in pieces (large pages are assembled without a copy).
    fn write_chunks(&self, rel: &str, chunks: &[&[u8]]) -> io::Result<()> {
        self.write(rel, &chunks.concat())
    }

    /// Writes a file produced piece by piece by `fill` (the print page, which
    /// holds every chapter, is never assembled in memory when the sink is a folder).
    fn write_stream(&self, rel: &str, fill: &mut dyn FnMut(&mut Stream<'_>) -> io::Result<()>) -> io::Result<()> {
        let mut buf = Vec::new();
        fill(&mut buf)?;
        self.write(rel, &buf)
    }
}

/// The output paths written so far in one run. A second write to a path, or
/// a path that needs an earlier file to be a folder (or the other way round),
/// is refused: two generated files never silently replace each other, and
/// `check` finds the same collisions `build` would.
#[derive(Default)]
struct Claims(Mutex<BTreeSet<String>>);

impl Claims {
    fn count(&self) -> usize {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    fn claim(&self, key: &str) -> io::Result<()> {
        // A poisoned lock only means a writer panicked mid-insert; the set itself is intact.
        let mut set = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let clash = |other: &str| {
            io::Error::new(
                io::ErrorKind::AlreadyExists,
                if other == key {
                    format!("tiedosto `{key}` kirjoitettaisiin kahteen kertaan: kaksi sivua, tiedostoa tai vanhaa osoitetta osuu samaan paikkaan")
                } else {
                    format!("tiedosto `{key}` ei mahdu samaan paikkaan kuin `{other}`: toinen niistä olisi sekä tiedosto että kansio")
                },
            )
        };
        if set.contains(key) {
            return Err(clash(key));
        }
        let mut dir = key;
        while let Some(i) = dir.rfind('/') {
            dir = &dir[..i];
            if set.contains(dir) {
                return Err(clash(dir));
            }
        }
        let below = format!("{key}/");
        if let Some(other) = set.range(below.clone()..).next().filter(|k| k.starts_with(&below)) {
            return Err(clash(other));
        }
        set.insert(key.to_string());
        Ok(())
    }
}

/// `rel` checked ([`safe_rel`]) and claimed ([`Claims`]); its `/`-separated key.
fn claim(claims: &Claims, rel: &str) -> io::Result<PathBuf> {
    let p = safe_rel(rel)?;
    claims.claim(&p.to_string_lossy().replace('\\', "/"))?;
    Ok(p)
}

/// Discards everything (for `check`), but still rejects unsafe paths and
/// second writes to one path.
#[derive(Default)]
pub struct NullSink {
    claims: Claims,
}

impl NullSink {
    pub fn new() -> NullSink {
        NullSink::default()
    }
}

impl Sink for NullSink {
    fn write(&self, rel: &str, _bytes: &[u8]) -> io::Result<()> {
        claim(&self.claims, rel).map(|_| ())
    }

    fn write_chunks(&self, rel: &str, _chunks: &[&[u8]]) -> io::Result<()> {
        claim(&self.claims, rel).map(|_| ())
    }

    fn write_stream(&self, rel: &str, fill: &mut dyn FnMut(&mut Stream<'_>) -> io::Result<()>) -> io::Result<()> {
        claim(&self.claims, rel)?;
        fill(&mut io::sink())
    }
}

/// Keeps every file in memory, keyed by its `/`-separated relative path
/// (for `serve`, which answers requests from a finished in-memory build).
#[derive(Default)]
pub struct MemorySink {
    claims: Claims,
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    pub fn new() -> MemorySink {
        MemorySink::default()
    }

    /// Everything written (each path at most once).
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        // A poisoned lock only means a writer panicked mid-insert; the map itself is intact.
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let key = claim(&self.claims, rel)?.to_string_lossy().replace('\\', "/");
        self.files.lock().unwrap_or_else(|e| e.into_inner()).insert(key, bytes.to_vec());
        Ok(())
    }
}

/// A relative output path with no `..`, root or prefix components.
fn safe_rel(rel: &str) -> io::Result<PathBuf> {
    let p = Path::new(rel.trim_start_matches('/'));
    if rel.contains('\0') || p.as_os_str().is_empty() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("kelvoton tulostepolku `{rel}`")));
    }
    // Rebuilt from its parts: `a//b` and `a/./b` are the one file `a/b`.
    Ok(p.components().collect())
}

/// `path` made absolute with every symlink and `..` resolved, also where its
/// tail does not exist yet (an output folder about to be created): the
/// longest existing prefix is canonicalised, the rest normalised by hand.
/// (`std::path::absolute` keeps `..`, so `a/../b` and `b` would compare unequal.)
pub fn resolve_fully(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    let mut exists = true;
    for c in abs.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => out.push(c),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if exists {
                    match out.canonicalize() {
                        Ok(real) => out = real,
                        Err(_) => exists = false,
                    }
                }
            }
        }
    }
    out
}

/// A staging folder that becomes the output folder on [`Staging::publish`].
pub struct Staging {
    claims: Claims,
    /// Folders made so far: a file in an existing folder needs no `mkdir`.
    made: Mutex<std::collections::HashSet<PathBuf>>,
    out: PathBuf,
    dir: PathBuf,
    published: bool,
    /// When `dir` holds an earlier output, overwritten in place (see
    /// `reuse`): what it had, to remove what this build does not write again.
    earlier: Option<Vec<String>>,
    /// Held until the build is published or given up (see [`lock`]).
    _lock: Option<fs::File>,
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.{suffix}"))
}

impl Staging {
    /// Creates the staging folder next to `out`: on Linux the output before
    /// the current one, to be overwritten in place (see `reuse`), when there
    /// is one; otherwise an empty folder (removing a stale one).
    pub fn new(out: &Path) -> io::Result<Staging> {
        let dir = sibling(out, "staging");
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        let lock = lock(out)?;
        let earlier = reuse_earlier(&dir, out);
        if earlier.is_none() {
            if fs::symlink_metadata(&dir).is_ok() {
                crate::fsutil::remove_tree(&dir)?;
            }
            fs::create_dir(&dir)?;
        }
        Ok(Staging {
            claims: Claims::default(),
            made: Mutex::default(),
            out: out.to_path_buf(),
            dir,
            published: false,
            earlier,
            _lock: lock,
        })
    }

    /// Whether the staging folder is an earlier output being overwritten.
    pub fn reused(&self) -> bool {
        self.earlier.is_some()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Files written so far.
    pub fn files(&self) -> usize {
        self.claims.count()
    }

    /// Makes `path`'s folder, unless an earlier file already did.
    fn make_parent(&self, path: &Path) -> io::Result<()> {
        let Some(parent) = path.parent() else { return Ok(()) };
        if self.made.lock().unwrap_or_else(|e| e.into_inner()).contains(parent) {
            return Ok(());
        }
        if self.reused() {
            #[cfg(target_os = "linux")]
            reuse::make_dirs(&self.dir, parent)?;
        } else {
            fs::create_dir_all(parent)?;
        }
        self.made.lock().unwrap_or_else(|e| e.into_inner()).insert(parent.to_path_buf());
        Ok(())
    }

    /// A new file at `path` in the staging folder, or the earlier output's
    /// file there, to be overwritten from the start and ended with [`Staging::finish`].
    fn create(&self, path: &Path) -> io::Result<fs::File> {
        #[cfg(target_os = "linux")]
        if self.reused() {
            return reuse::overwrite(path);
        }
        fs::File::create(path)
    }

    /// Ends a file [`Staging::create`] opened, `len` bytes written: an earlier
    /// output's file may have had more.
    fn finish(&self, file: &fs::File, len: u64) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        if self.reused() {
            return reuse::finish(file, len);
        }
        let _ = (file, len);
        Ok(())
    }

    /// Moves the finished staging folder into place. On Linux the two folders
    /// are exchanged in one atomic `renameat2(RENAME_EXCHANGE)`, so even a
    /// kill at that instant leaves either the old or the new output; the old
    /// one is then kept for the next build to overwrite (elsewhere removed).
    pub fn publish(mut self) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        if let Some(earlier) = &self.earlier {
            // What the earlier output had and this build did not write.
            reuse::prune(&self.dir, earlier, &self.claims.0.lock().unwrap_or_else(|e| e.into_inner()))?;
        }
        #[cfg(target_os = "linux")]
        if self.out.is_dir() {
            use rustix::fs::{renameat_with, RenameFlags, CWD};
            if renameat_with(CWD, &self.dir, CWD, &self.out, RenameFlags::EXCHANGE).is_ok() {
                self.published = true;
                // `dir` now holds the previous output.
                return keep_for_reuse(&self.dir, &self.out);
            }
        }
        self.publish_by_rename()
    }

    /// Portable fallback: two renames, restoring the old output on failure.
    fn publish_by_rename(&mut self) -> io::Result<()> {
        let old = sibling(&self.out, "old");
        if old.exists() {
            crate::fsutil::remove_tree(&old)?;
        }
        let had_old = self.out.exists();
        if had_old {
            fs::rename(&self.out, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.out) {
            if had_old {
                // Put the previous output back before reporting.
                let _ = fs::rename(&old, &self.out);
            }
            return Err(e);
        }
        self.published = true;
        if had_old {
            keep_for_reuse(&old, &self.out)?;
        }
        Ok(())
    }
}

/// An exclusive lock on `.public.lock` beside `out` (Linux): two builds into
/// one output folder at once would write into the same staging folder, and
/// one could publish it while the other is still writing. The second one
/// stops with an error instead. Released when the file is closed, also when
/// the process is killed.
fn lock(out: &Path) -> io::Result<Option<fs::File>> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{flock, FlockOperation};
        let file = fs::OpenOptions::new().write(true).create(true).truncate(false).open(sibling(out, "lock"))?;
        match flock(&file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(Some(file)),
            Err(rustix::io::Errno::WOULDBLOCK) => Err(io::Error::new(
                io::ErrorKind::ResourceBusy,
                "toinen rakennus kirjoittaa parhaillaan samaan tulostekansioon; odota sen valmistumista ja yritä uudelleen",
            )),
            Err(e) => Err(e.into()),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = out;
        Ok(None)
    }
}

/// Makes the staging folder `dir` next to `out` an earlier output to
/// overwrite, when there is one (Linux only; see `reuse`); what it holds.
fn reuse_earlier(dir: &Path, out: &Path) -> Option<Vec<String>> {
    #[cfg(target_os = "linux")]
    return reuse::prepare(dir, &sibling(out, reuse::PREVIOUS));
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (dir, out);
        None
    }
}

/// Keeps `dir`, an output no longer published, for the next build to
/// overwrite (Linux, see `reuse`); removes it when that is not possible.
fn keep_for_reuse(dir: &Path, out: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    if fs::rename(dir, sibling(out, reuse::PREVIOUS)).is_ok() {
        return Ok(());
    }
    let _ = out;
    crate::fsutil::remove_tree(dir)
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_chunks(rel, &[bytes])
    }

    fn write_chunks(&self, rel: &str, chunks: &[&[u8]]) -> io::Result<()> {
        use std::io::Write as _;
        let path = self.dir.join(claim(&self.claims, rel)?);
        self.make_parent(&path)?;
        let mut f = self.create(&path)?;
        let len: usize = chunks.iter().map(|c| c.len()).sum();
        // One system call for all the pieces (a page is five: navigation and body spliced in).
        let mut slices: Vec<io::IoSlice> = chunks.iter().filter(|c| !c.is_empty()).map(|c| io::IoSlice::new(c)).collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            match f.write_vectored(rest) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => io::IoSlice::advance_slices(&mut rest, n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.finish(&f, len as u64)
    }

    fn write_stream(&self, rel: &str, fill: &mut dyn FnMut(&mut Stream<'_>) -> io::Result<()>) -> io::Result<()> {
        let path = self.dir.join(claim(&self.claims, rel)?);
        self.make_parent(&path)?;
        let mut f = io::BufWriter::with_capacity(1 << 16, self.create(&path)?);
        fill(&mut f)?;
        let mut f = f.into_inner().map_err(io::IntoInnerError::into_error)?;
        let len = io::Seek::stream_position(&mut f)?;
        self.finish(&f, len)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            // A failed build's files: overwritten by the next build, as any earlier output.
            let _ = keep_for_reuse(&self.dir, &self.out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_escaping_paths() {
        for bad in ["../x", "a/../../x", "", "a\0b"] {
            assert!(safe_rel(bad).is_err(), "{bad:?}");
        }
        assert_eq!(safe_rel("/a/b/index.html").unwrap(), PathBuf::from("a/b/index.html"));
    }

    #[test]
    fn resolves_dot_dot_and_missing_tails() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir_all(site.join("content")).unwrap();
        let real = resolve_fully(&site);
        assert_eq!(resolve_fully(&site.join("content/../../site")), real);
        assert_eq!(resolve_fully(&site.join("uusi/../.")), real);
        assert_eq!(resolve_fully(&site.join("uusi/kansio")), real.join("uusi/kansio"));
        assert_eq!(resolve_fully(&site.join("uusi/../content")), real.join("content"));
    }

    #[cfg(unix)]
    #[test]
    fn resolves_symlinks_before_dot_dot() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("a/b"), dir.path().join("linkki")).unwrap();
        // `linkki/..` is `a`, as the operating system sees it, not the temp dir.
        assert_eq!(resolve_fully(&dir.path().join("linkki/..")), resolve_fully(&dir.path().join("a")));
    }

    #[test]
    fn every_sink_writes_a_path_once_and_refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(&dir.path().join("public")).unwrap();
        let (null, memory) = (NullSink::new(), MemorySink::new());
        for sink in [&staging as &dyn Sink, &null, &memory] {
            sink.write("/a/index.html", b"1").unwrap();
            let again = sink.write("a/index.html", b"2").unwrap_err();
            assert_eq!(again.kind(), io::ErrorKind::AlreadyExists);
            assert!(again.to_string().starts_with("tiedosto `a/index.html` kirjoitettaisiin kahteen kertaan"), "{again}");
            sink.write("style.css", b"x").unwrap();
            let under = sink.write("style.css/index.html", b"y").unwrap_err();
            assert_eq!(
                under.to_string(),
                "tiedosto `style.css/index.html` ei mahdu samaan paikkaan kuin `style.css`: toinen niistä olisi sekä tiedosto että kansio"
            );
            assert!(sink.write("a", b"z").unwrap_err().to_string().contains("`a/index.html`"));
            assert!(sink.write("../x", b"3").is_err());
            sink.write("a/b/index.html", b"4").unwrap();
        }
        let files = memory.into_files();
        assert_eq!(files.keys().collect::<Vec<_>>(), ["a/b/index.html", "a/index.html", "style.css"]);
        assert_eq!(files["a/index.html"], b"1");
        assert_eq!(std::fs::read(staging.dir().join("a/index.html")).unwrap(), b"1");
    }

    #[test]
    fn one_file_has_one_key_however_its_path_is_written() {
        let sink = NullSink::new();
        sink.write("a/b.html", b"1").unwrap();
        for same in ["a//b.html", "/a/./b.html", "a/b.html/"] {
            assert_eq!(sink.write(same, b"2").unwrap_err().kind(), io::ErrorKind::AlreadyExists, "{same}");
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod reuse_tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Every entry below `dir`: a file's text, a link's target, a folder as `/`.
    fn entries(dir: &Path) -> BTreeMap<String, String> {
        walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| {
                let e = e.unwrap();
                let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                let what = if e.path_is_symlink() {
                    format!("-> {}", fs::read_link(e.path()).unwrap().display())
                } else if e.file_type().is_dir() {
                    "/".to_string()
                } else {
                    fs::read_to_string(e.path()).unwrap()
                };
                (rel, what)
            })
            .collect()
    }

    fn build(out: &Path, files: &[(&str, &str)]) -> bool {
        let staging = Staging::new(out).unwrap();
        for (rel, text) in files {
            staging.write(rel, text.as_bytes()).unwrap();
        }
        let reused = staging.reused();
        staging.publish().unwrap();
        reused
    }

    #[test]
    fn a_build_overwrites_the_output_before_last_never_following_links_and_removes_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let (out, previous) = (dir.path().join("public"), dir.path().join(".public.previous"));
        let first = [
            ("a/index.html", "1"),
            ("b", "1"),
            ("c/d/index.html", "1"),
            ("pois/index.html", "1"),
            ("e.html", "1"),
            ("f/index.html", "1"),
            ("g.html", "pitkä vanha teksti"),
        ];
        assert!(!build(&out, &first));
        assert!(!previous.exists(), "the first build has no earlier output to keep");
        assert!(!build(&out, &[("z.html", "2")]));
        assert_eq!(entries(&previous).len(), 12, "the first output is kept: {:?}", entries(&previous));

        // Things in the kept output a careless overwrite would write through.
        let outside = dir.path().join("ulkona");
        fs::create_dir_all(outside.join("kansio")).unwrap();
        for name in ["linkattu.txt", "kova.txt", "kansio/index.html"] {
            fs::write(outside.join(name), "ulkopuolinen").unwrap();
        }
        fs::remove_file(previous.join("a/index.html")).unwrap();
        std::os::unix::fs::symlink(outside.join("linkattu.txt"), previous.join("a/index.html")).unwrap();
        fs::remove_file(previous.join("e.html")).unwrap();
        fs::hard_link(outside.join("kova.txt"), previous.join("e.html")).unwrap();
        fs::remove_dir_all(previous.join("f")).unwrap();
        std::os::unix::fs::symlink(outside.join("kansio"), previous.join("f")).unwrap();
        let before_outside = entries(&outside);
        // A name no build writes (not UTF-8), in a folder that stays.
        fs::write(previous.join("a").join(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"\xffnimi.html")), "x").unwrap();

        // Files become folders and folders files; some are gone.
        let third = [("a/index.html", "3"), ("b/index.html", "3"), ("c", "3"), ("e.html", "3"), ("f/index.html", "3"), ("g.html", "3")];
        assert!(build(&out, &third));
        let expected: BTreeMap<String, String> = [
            ("a", "/"),
            ("a/index.html", "3"),
            ("b", "/"),
            ("b/index.html", "3"),
            ("c", "3"),
            ("e.html", "3"),
            ("f", "/"),
            ("f/index.html", "3"),
            ("g.html", "3"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(entries(&out), expected);
        assert_eq!(entries(&outside), before_outside, "a write went through a link");
        assert_eq!(entries(&previous), BTreeMap::from([("z.html".to_string(), "2".to_string())]));
        assert!(!dir.path().join(".public.staging").exists());
    }

    #[test]
    fn a_failed_build_leaves_its_files_for_the_next_one_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("a.html", "1")]);
        build(&out, &[("b.html", "2")]);
        let failed = Staging::new(&out).unwrap();
        assert!(failed.reused());
        failed.write("c.html", b"kesken").unwrap();
        drop(failed);
        assert_eq!(entries(&out), BTreeMap::from([("b.html".to_string(), "2".to_string())]), "the output is untouched");
        assert!(!dir.path().join(".public.staging").exists());
        assert!(build(&out, &[("d.html", "4")]));
        assert_eq!(entries(&out), BTreeMap::from([("d.html".to_string(), "4".to_string())]));
    }

    #[test]
    fn a_second_build_into_the_same_output_at_once_stops_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::new(&out).unwrap();
        first.write("a.html", b"1").unwrap();
        let second = Staging::new(&out).err().expect("a second build started while the first runs");
        assert_eq!(second.kind(), io::ErrorKind::ResourceBusy);
        assert!(crate::fsutil::io_reason(&second).starts_with("toinen rakennus kirjoittaa parhaillaan"), "{second}");
        first.publish().unwrap();
        assert_eq!(entries(&out), BTreeMap::from([("a.html".to_string(), "1".to_string())]));
        // Free again once the first is published.
        build(&out, &[("b.html", "2")]);
        assert_eq!(entries(&out), BTreeMap::from([("b.html".to_string(), "2".to_string())]));
    }
}
