//! Rebuilding after a change: the whole site, or only what the change touches.
//!
//! [`Builder`] keeps the last loaded [`Site`], its compiled theme and every
//! page's and section's rendered Markdown. A change set is classified by
//! [`Builder::plan`]:
//!
//! - every changed file is an existing page whose front matter block is
//!   byte-identical to before (only the body changed) → re-render those pages'
//!   Markdown, re-check every anchor (sections' links included) and re-render
//!   their HTML through [`Site::page_markdown`] and [`Site::render_bodies`] (the
//!   same code `build` runs, so the bytes are the same), laid over the previous
//!   generation;
//! - an existing asset changed → re-read its bytes;
//! - anything else (a new, deleted or renamed file, a front-matter edit, an
//!   `_index.md`, the theme or the configuration) → full rebuild, in parallel.
//!
//! Why front matter decides: titles, weights, topics, kinds, drafts and aliases
//! feed navigation, listings and URLs of other pages; a body feeds only its own
//! page, the anchor checks, and the two things that read every body: the print
//! page and the search index. Those two take most of a body edit's time, so they
//! are a separate step, [`Builder::follow_up`], run once the edited page has been
//! published (and the browsers told to reload) and no further change is waiting.
//! Until it lands, the served print page and search index are the previous ones;
//! after it, the served site is again byte-identical to `build`.
//!
//! Only regular files are read here, never through a symbolic link: a symlink,
//! a file with several names (hard links), or a file another source links to
//! goes the full way, where `content::discover` applies the build's rules (a
//! symlink leading out of `content/` is skipped with a warning).
//!
//! After any failed rebuild the next one is full: nothing a failed fast rebuild
//! read or rendered (an asset saved meanwhile, say) can be lost that way.
//! This module does not serve, watch or print.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::content::library::Target;
use crate::content::{PageId, CONTENT_DIR};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::Rendered;
use crate::output::{MemorySink, Sink};
use crate::render::Renderer;
use crate::site::Sources;
use crate::site::{Options, Site};

use super::generation::Generation;

/// What a successful rebuild did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuilt {
    /// Everything; the number of pages and sections.
    All(usize),
    /// Only these pages (site paths) and copied files (output paths).
    Only { pages: Vec<String>, files: Vec<String> },
    /// The follow-up of a body edit: the search page and index, the print page
    /// and the accessibility statement. `pages` are the site paths of the pages
    /// whose output changed (`/haku/` also when only its index did).
    SearchAndPrint { pages: Vec<String> },
}

/// What a successful rebuild did, for the terminal.
#[derive(Debug)]
pub struct BuildReport {
    pub rebuilt: Rebuilt,
    pub warnings: Diagnostics,
    pub elapsed: Duration,
}

pub struct Success {
    pub generation: Generation,
    pub report: BuildReport,
}

/// The state a fast rebuild needs: only kept while the site is loaded and valid.
struct Live {
    site: Site,
    renderer: Renderer,
    /// Every page's and section's current Markdown (anchors, the print page and the
    /// search index read them all), made on first need after a full rebuild.
    markdown: Option<(Vec<Rendered>, Vec<Rendered>)>,
    /// Canonical paths of the files that sources under `content/` are symbolic
    /// links to: an edit there changes more than one source.
    linked: BTreeSet<PathBuf>,
}

/// One step of a fast rebuild.
enum Step {
    Body(PageId, String),
    Asset(String, Vec<u8>),
}

/// Work left once a generation is published, done while no change is waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Nothing,
    /// Render every page's Markdown for the next fast rebuild (after a full one).
    Markdown,
    /// Rebuild the print page and the search index (after a body edit).
    SearchAndPrint,
}

pub struct Builder {
    opts: Options,
    live: Option<Live>,
    builds: u64,
    pending: Pending,
}

impl Builder {
    pub fn new(opts: Options) -> Builder {
        Builder { opts, live: None, builds: 0, pending: Pending::Nothing }
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    /// Loads and renders everything.
    pub fn full(&mut self) -> Result<Success, Diagnostics> {
        let started = Instant::now();
        self.live = None;
        self.pending = Pending::Nothing;
        let (site, load_warnings) = Site::load(&self.opts)?;
        let sink = MemorySink::new();
        let mut report = site.render(&sink, Sources::Keep).map_err(|mut d| {
            d.extend(load_warnings.clone());
            d
        })?;
        report.warnings.extend(load_warnings);
        let renderer = site.renderer()?;
        self.builds += 1;
        let generation = Generation::new(self.builds, sink.into_files(), site.config.base_path());
        let linked = linked_targets(&site);
        self.live = Some(Live { site, renderer, markdown: None, linked });
        self.pending = Pending::Markdown;
        let report = BuildReport { rebuilt: Rebuilt::All(report.pages), warnings: report.warnings, elapsed: started.elapsed() };
        Ok(Success { generation, report })
    }

    /// Rebuilds after `changed` (paths relative to the site root), on top of `current`.
    pub fn update(&mut self, changed: &BTreeSet<PathBuf>, current: &Generation) -> Result<Success, Diagnostics> {
        let started = Instant::now();
        match self.plan(changed) {
            Some(steps) => self.fast(steps, current).map(|mut s| {
                s.report.elapsed = started.elapsed();
                s
            }),
            None => self.full(),
        }
    }

    /// Whether [`Builder::follow_up`] has work to do.
    pub fn has_follow_up(&self) -> bool {
        self.pending != Pending::Nothing
    }

    /// Does the work left after the last rebuild: a new generation when it
    /// changes what is served, `None` when there was nothing to publish.
    pub fn follow_up(&mut self, current: &Generation) -> Option<Result<Success, Diagnostics>> {
        let pending = std::mem::replace(&mut self.pending, Pending::Nothing);
        let live = self.live.as_mut()?;
        match pending {
            Pending::Nothing => None,
            Pending::Markdown => {
                markdown_of(&mut live.markdown, &live.site);
                None
            }
            Pending::SearchAndPrint => {
                let result = live.search_and_print(current, self.builds + 1);
                match result {
                    Ok(_) => self.builds += 1,
                    Err(_) => self.live = None,
                }
                Some(result)
            }
        }
    }

    /// The fast steps for `changed`, or `None` when only a full rebuild is right.
    fn plan(&self, changed: &BTreeSet<PathBuf>) -> Option<Vec<Step>> {
        let live = self.live.as_ref()?;
        let lib = &live.site.lib;
        let mut steps = Vec::new();
        for path in changed {
            let rel = path.strip_prefix(CONTENT_DIR).ok()?.to_str()?.replace('\\', "/");
            let abs = self.opts.root.join(path);
            if live.linked.contains(&abs) {
                return None;
            }
            let bytes = read_regular(&abs)?;
            if lib.is_asset(&rel) {
                steps.push(Step::Asset(rel, bytes));
                continue;
            }
            let Some(Target::Page(id)) = lib.by_source.get(&rel) else { return None };
            let page = lib.page(*id);
            // As `content::read_text` reads it; anything it would refuse goes the full way.
            let text = String::from_utf8(bytes).ok()?;
            let text = match text.strip_prefix('\u{feff}') {
                Some(t) => t.to_string(),
                None => text,
            };
            // Same front matter block, byte for byte: the parse would give the same front
            // matter and the same body offset, so nothing outside this page can change.
            if text.get(..page.body_offset)? != page.text.get().get(..page.body_offset)? {
                return None;
            }
            steps.push(Step::Body(*id, text));
        }
        Some(steps)
    }

    fn fast(&mut self, steps: Vec<Step>, current: &Generation) -> Result<Success, Diagnostics> {
        let Some(live) = self.live.as_mut() else { return self.full() };
        let sink = MemorySink::new();
        let (pages, files, warnings) = match live.apply(steps, &sink) {
            Ok(done) => done,
            Err(d) => {
                // What this rebuild read is not kept anywhere: the next one starts afresh.
                self.live = None;
                self.pending = Pending::Nothing;
                return Err(d);
            }
        };
        if !pages.is_empty() {
            self.pending = Pending::SearchAndPrint;
        }
        self.builds += 1;
        let generation = current.with_changes(self.builds, sink.into_files());
        let report = BuildReport { rebuilt: Rebuilt::Only { pages, files }, warnings, elapsed: Duration::ZERO };
        Ok(Success { generation, report })
    }
}

/// Every page's and section's current Markdown, rendered now if not yet.
fn markdown_of<'a>(slot: &'a mut Option<(Vec<Rendered>, Vec<Rendered>)>, site: &Site) -> &'a mut (Vec<Rendered>, Vec<Rendered>) {
    slot.get_or_insert_with(|| site.rendered())
}

impl Live {
    /// Generation `number`: the print page and the search index from every
    /// page's current Markdown, over `current`.
    fn search_and_print(&mut self, current: &Generation, number: u64) -> Result<Success, Diagnostics> {
        let started = Instant::now();
        let sink = MemorySink::new();
        let (pages_md, sections_md) = markdown_of(&mut self.markdown, &self.site);
        self.site.render_print_and_search(&self.renderer, pages_md, sections_md, &sink)?;
        let files = sink.into_files();
        // The index's file names carry a hash of their content (see `search::export`):
        // the previous index's files that the new one no longer has must go.
        let lib = &self.site.lib;
        let removed: Vec<String> =
            current.paths().filter(|k| is_search_export(k) && !files.contains_key(*k) && !lib.is_asset(k)).map(str::to_string).collect();
        let pages = changed_pages(current, &files, &removed);
        let generation = current.with_changes(number, files).without(&removed);
        let report = BuildReport { rebuilt: Rebuilt::SearchAndPrint { pages }, warnings: Diagnostics::new(), elapsed: started.elapsed() };
        Ok(Success { generation, report })
    }

    /// Applies the steps into `sink`: the changed pages (site paths), files
    /// (output paths) and the warnings, or every error.
    fn apply(&mut self, steps: Vec<Step>, sink: &dyn Sink) -> Result<(Vec<String>, Vec<String>, Diagnostics), Diagnostics> {
        let mut changed = Vec::new();
        let mut files = Vec::new();
        for step in steps {
            match step {
                Step::Body(id, text) => {
                    self.site.lib.pages[id.0].text = crate::content::library::SourceText::new(text);
                    changed.push(id);
                }
                Step::Asset(rel, bytes) => {
                    sink.write(&rel, &bytes).map_err(|e| write_error(&rel, &e))?;
                    files.push(rel);
                }
            }
        }
        let rendered: Vec<Rendered> = changed.iter().map(|id| self.site.page_markdown(*id)).collect();
        let (pages_md, sections_md) = markdown_of(&mut self.markdown, &self.site);
        let mut diags = Diagnostics::new();
        for (id, md) in changed.iter().zip(rendered) {
            diags.extend(md.diagnostics.clone());
            pages_md[id.0] = md;
        }
        if diags.has_errors() {
            return Err(diags);
        }
        self.site.render_bodies(&self.renderer, pages_md, sections_md, &changed, sink)?;
        let paths = changed.iter().map(|id| self.site.lib.page(*id).path.clone()).collect();
        Ok((paths, files, diags))
    }
}

/// The bytes of `abs` if it is a regular file reached through no symbolic link
/// and with no other name; `None` for anything else (and when it cannot be read).
fn read_regular(abs: &Path) -> Option<Vec<u8>> {
    let before = std::fs::symlink_metadata(abs).ok()?;
    if !before.file_type().is_file() || several_names(&before) {
        return None;
    }
    // No symlinked folder on the way either (the root is canonical).
    if abs.canonicalize().ok()? != abs {
        return None;
    }
    let mut file = std::fs::File::open(abs).ok()?;
    // Still the file checked above, not a symlink swapped in meanwhile.
    if !same_file(&before, &file.metadata().ok()?) {
        return None;
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

#[cfg(unix)]
fn several_names(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() > 1
}

#[cfg(not(unix))]
fn several_names(_: &std::fs::Metadata) -> bool {
    false
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    b.file_type().is_file()
}

/// Canonical targets of the sources that are symbolic links (the build accepts
/// those that stay inside `content/`).
fn linked_targets(site: &Site) -> BTreeSet<PathBuf> {
    let lib = &site.lib;
    let sources = lib.pages.iter().map(|p| &p.source).chain(lib.sections.iter().filter_map(|s| s.source.as_ref())).chain(&lib.assets);
    sources
        .filter(|s| std::fs::symlink_metadata(&s.abs).is_ok_and(|m| m.file_type().is_symlink()))
        .filter_map(|s| s.abs.canonicalize().ok())
        .collect()
}

/// A file of the search index's static export (`haku/*.json`).
fn is_search_export(rel: &str) -> bool {
    rel.strip_prefix("haku/").is_some_and(|name| !name.contains('/') && (name.ends_with(".json") || name.ends_with(".bin")))
}

/// Site paths of the pages whose own folder holds a file that `files` change or
/// `removed` removes (the root page only when `index.html` itself changes).
fn changed_pages(current: &Generation, files: &BTreeMap<String, Vec<u8>>, removed: &[String]) -> Vec<String> {
    let changed = files.iter().filter(|(k, v)| current.file(k).is_none_or(|old| *old != ***v)).map(|(k, _)| k);
    let mut pages = BTreeSet::new();
    for rel in changed.chain(removed) {
        let page = match rel.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/index.html"),
            None if rel == "index.html" => rel.clone(),
            None => continue,
        };
        if files.contains_key(&page) || current.file(&page).is_some() {
            pages.insert(format!("/{}", page.trim_end_matches("index.html")));
        }
    }
    pages.into_iter().collect()
}

fn write_error(rel: &str, e: &std::io::Error) -> Diagnostics {
    Diagnostic::error(format!("{CONTENT_DIR}/{rel}"), 0, 0, format!("tiedostoa ei voitu ottaa mukaan ({})", crate::fsutil::io_reason(e)))
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_of_changed_files_are_their_folders_pages() {
        let files = |pairs: &[(&str, &str)]| -> BTreeMap<String, Vec<u8>> {
            pairs.iter().map(|(k, v)| (k.to_string(), v.as_bytes().to_vec())).collect()
        };
        let current = Generation::new(
            1,
            files(&[("index.html", "koti"), ("tulosta/index.html", "vanha"), ("haku/index.html", "haku"), ("haku/t-0-a.json", "a")]),
            "",
        );
        let next = files(&[("tulosta/index.html", "uusi"), ("haku/index.html", "haku"), ("haku/t-0-b.json", "b")]);
        assert_eq!(changed_pages(&current, &next, &["haku/t-0-a.json".into()]), ["/haku/", "/tulosta/"]);
        let same = files(&[("tulosta/index.html", "vanha"), ("haku/index.html", "haku")]);
        assert_eq!(changed_pages(&current, &same, &[]), Vec::<String>::new());
        assert!(is_search_export("haku/hakemisto.json") && is_search_export("haku/d-0-ff.json"));
        assert!(!is_search_export("haku/index.html") && !is_search_export("haku/x/y.json") && !is_search_export("hakux/a.json"));
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_read_never_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("a.md"), "a").unwrap();
        std::fs::write(root.join("ulkona.txt"), "SALAINEN").unwrap();
        std::os::unix::fs::symlink(root.join("ulkona.txt"), root.join("linkki.md")).unwrap();
        std::fs::create_dir(root.join("k")).unwrap();
        std::os::unix::fs::symlink(root.join("k"), root.join("kansiolinkki")).unwrap();
        std::fs::write(root.join("k/b.md"), "b").unwrap();
        std::fs::hard_link(root.join("a.md"), root.join("toinen-nimi.md")).unwrap();
        std::fs::write(root.join("c.md"), "c").unwrap();
        assert_eq!(read_regular(&root.join("c.md")).as_deref(), Some(&b"c"[..]));
        assert_eq!(read_regular(&root.join("k/b.md")).as_deref(), Some(&b"b"[..]));
        for refused in ["linkki.md", "kansiolinkki/b.md", "a.md", "toinen-nimi.md", "k", "puuttuu.md"] {
            assert_eq!(read_regular(&root.join(refused)), None, "{refused}");
        }
    }
}
