//! Rebuilding after a change: the whole site, or only what the change touches.
//!
//! [`Builder`] keeps the last loaded [`Site`] and its compiled theme. A change
//! set is classified by [`Builder::plan`]:
//!
//! - every changed file is an existing page whose front matter block is
//!   byte-identical to before (only the body changed) → re-render those pages'
//!   Markdown and HTML through [`Site::page_markdown`] and [`Site::render_bodies`]
//!   (the same code `build` runs, so the bytes are the same) and lay them over
//!   the previous generation;
//! - an existing asset changed → re-read its bytes;
//! - anything else (a new, deleted or renamed file, a front-matter edit, an
//!   `_index.md`, the theme or the configuration) → full rebuild, in parallel.
//!
//! Why front matter decides: titles, weights, topics, kinds, drafts and aliases
//! feed navigation, listings and URLs of other pages; a body feeds only its own
//! page. A page whose edit breaks it is remembered in `broken` and the previous
//! generation keeps being served until every broken page is fixed.
//! This module does not serve, watch or print.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::content::library::Target;
use crate::content::{self, PageId, CONTENT_DIR};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{MemorySink, Sink};
use crate::render::Renderer;
use crate::site::{Options, Site};

use super::generation::Generation;

/// What a successful rebuild did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuilt {
    /// Everything; the number of pages and sections.
    All(usize),
    /// Only these pages (site paths) and copied files (output paths).
    Only { pages: Vec<String>, files: Vec<String> },
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
    /// Pages whose current text has errors, with them.
    broken: BTreeMap<PageId, Diagnostics>,
    /// Pages whose text changed since the generation being served.
    stale: BTreeSet<PageId>,
    /// Every page's current Markdown (the print page and the search index read them all).
    md: Vec<crate::markdown::Rendered>,
}

/// One step of a fast rebuild.
enum Step {
    Body(PageId, String),
    Asset(String, Vec<u8>),
}

pub struct Builder {
    opts: Options,
    live: Option<Live>,
    builds: u64,
}

impl Builder {
    pub fn new(opts: Options) -> Builder {
        Builder { opts, live: None, builds: 0 }
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    /// Loads and renders everything.
    pub fn full(&mut self) -> Result<Success, Diagnostics> {
        let started = Instant::now();
        self.live = None;
        let (site, load_warnings) = Site::load(&self.opts)?;
        let sink = MemorySink::new();
        let mut report = site.render(&sink).map_err(|mut d| {
            d.extend(load_warnings.clone());
            d
        })?;
        report.warnings.extend(load_warnings);
        let renderer = site.renderer()?;
        let md = site.rendered_pages();
        self.builds += 1;
        let generation = Generation::new(self.builds, sink.into_files(), site.config.base_path());
        self.live = Some(Live { site, renderer, broken: BTreeMap::new(), stale: BTreeSet::new(), md });
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

    /// The fast steps for `changed`, or `None` when only a full rebuild is right.
    fn plan(&self, changed: &BTreeSet<PathBuf>) -> Option<Vec<Step>> {
        let live = self.live.as_ref()?;
        let lib = &live.site.lib;
        let mut steps = Vec::new();
        for path in changed {
            let rel = path.strip_prefix(CONTENT_DIR).ok()?.to_str()?.replace('\\', "/");
            if !self.opts.root.join(path).is_file() {
                return None;
            }
            if lib.is_asset(&rel) {
                // Nothing remembers an asset across a failed fast rebuild: let the full path carry it.
                if !live.broken.is_empty() {
                    return None;
                }
                let bytes = std::fs::read(self.opts.root.join(path)).ok()?;
                steps.push(Step::Asset(rel, bytes));
                continue;
            }
            let Some(Target::Page(id)) = lib.by_source.get(&rel) else { return None };
            let page = lib.page(*id);
            let text = content::read_text(&page.source).ok()?;
            // Same front matter block, byte for byte: the parse would give the same front
            // matter and the same body offset, so nothing outside this page can change.
            if text.get(..page.body_offset)? != page.text.get(..page.body_offset)? {
                return None;
            }
            steps.push(Step::Body(*id, text));
        }
        Some(steps)
    }

    fn fast(&mut self, steps: Vec<Step>, current: &Generation) -> Result<Success, Diagnostics> {
        let Some(live) = self.live.as_mut() else { return self.full() };
        let sink = MemorySink::new();
        let mut files = Vec::new();
        for step in steps {
            match step {
                Step::Body(id, text) => {
                    live.site.lib.pages[id.0].text = text;
                    live.stale.insert(id);
                }
                Step::Asset(rel, bytes) => {
                    sink.write(&rel, &bytes).map_err(|e| write_error(&rel, &e))?;
                    files.push(rel);
                }
            }
        }
        let rendered: Vec<(PageId, crate::markdown::Rendered)> = live.stale.iter().map(|id| (*id, live.site.page_markdown(*id))).collect();
        let mut warnings = Diagnostics::new();
        for (id, md) in &rendered {
            if md.diagnostics.has_errors() {
                live.broken.insert(*id, md.diagnostics.clone());
            } else {
                live.broken.remove(id);
                warnings.extend(md.diagnostics.clone());
            }
        }
        if !live.broken.is_empty() {
            return Err(live.broken.values().cloned().fold(Diagnostics::new(), |mut all, d| {
                all.extend(d);
                all
            }));
        }
        let changed: Vec<PageId> = rendered.iter().map(|(id, _)| *id).collect();
        for (id, md) in rendered {
            live.md[id.0] = md;
        }
        live.site.render_bodies(&live.renderer, &live.md, &changed, &sink)?;
        let paths: Vec<String> = live.stale.iter().map(|id| live.site.lib.page(*id).path.clone()).collect();
        live.stale.clear();
        self.builds += 1;
        let generation = current.with_changes(self.builds, sink.into_files());
        let report = BuildReport { rebuilt: Rebuilt::Only { pages: paths, files }, warnings, elapsed: Duration::ZERO };
        Ok(Success { generation, report })
    }
}

fn write_error(rel: &str, e: &std::io::Error) -> Diagnostics {
    Diagnostic::error(format!("{CONTENT_DIR}/{rel}"), 0, 0, format!("tiedostoa ei voitu ottaa mukaan ({})", crate::fsutil::io_reason(e)))
        .into()
}
