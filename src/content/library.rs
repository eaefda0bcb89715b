//! The library: every published page and section in arenas, referred to by id,
//! with the section tree, URLs, reading order and topics derived once.
//!
//! Built from the discovered files in three passes: section indexes first (a
//! section's `page_kind` decides how its pages are validated), then pages in
//! parallel, then the derived structure. Duplicate URLs are reported here.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rayon::prelude::*;

use super::date::Date;
use super::front_matter::{self, FrontMatter, PageKind, ParseInput};
use super::{read_text, SourceFile, SourceKind};
use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::slug::slugify;

pub use super::aliases::normalise as normalise_alias;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageId(pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectionId(pub usize);

/// A page's source file text. A build drops each page's text as soon as the
/// page is rendered, unless a later check may still quote it
/// ([`SourceText::release`]), so a large site never holds all its Markdown
/// at once. Shared access goes through a
/// lock, held only while the text is read.
#[derive(Debug, Default)]
pub struct SourceText(Mutex<String>);

impl SourceText {
    pub fn new(text: String) -> Self {
        SourceText(Mutex::new(text))
    }

    /// The text (empty once released). A panic elsewhere cannot make it unreadable.
    pub fn get(&self) -> MutexGuard<'_, String> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Frees the text; later readers see an empty string.
    pub fn release(&self) {
        drop(std::mem::take(&mut *self.get()));
    }
}

/// A published page (chapter or model card).
#[derive(Debug)]
pub struct Page {
    pub id: PageId,
    pub source: SourceFile,
    pub text: SourceText,
    pub body_offset: usize,
    pub body_line: usize,
    pub front: FrontMatter,
    pub kind: PageKind,
    pub section: SectionId,
    /// Site-relative path, `/kasikirja/luku/` (without the base path).
    pub path: String,
    /// Effective dates: front matter wins, else the Git history.
    pub created: Option<Date>,
    pub updated: Option<Date>,
}

/// A folder of `content/`; the root section is the home page.
#[derive(Debug)]
pub struct Section {
    pub id: SectionId,
    /// Folder relative to `content/` (`""` for the root).
    pub dir: String,
    pub source: Option<SourceFile>,
    pub text: String,
    pub body_offset: usize,
    pub body_line: usize,
    pub front: FrontMatter,
    /// Kind of the pages in it (inherited from the parent when not set).
    pub page_kind: PageKind,
    pub parent: Option<SectionId>,
    pub pages: Vec<PageId>,
    pub subsections: Vec<SectionId>,
    pub path: String,
    /// Effective dates of its `_index.md`, as for pages: front matter wins, else the Git history.
    pub created: Option<Date>,
    pub updated: Option<Date>,
}

impl Section {
    /// The Markdown after the front matter (empty once sources are released).
    pub fn body(&self) -> &str {
        self.text.get(self.body_offset..).unwrap_or_default()
    }
}

/// Something a URL or a source path leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Page(PageId),
    Section(SectionId),
}

/// A topic and the pages that list it.
#[derive(Debug)]
pub struct Topic {
    pub name: String,
    pub slug: String,
    pub pages: Vec<PageId>,
}

#[derive(Debug)]
pub struct Library {
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    /// Source path relative to `content/` → target.
    pub by_source: HashMap<String, Target>,
    /// Assets relative to `content/`.
    pub assets: Vec<SourceFile>,
    /// Chapters in reading order (depth first, by weight).
    pub reading_order: Vec<PageId>,
    /// Model cards sorted by title.
    pub models: Vec<PageId>,
    /// The section whose page is the catalogue of all model cards: the first
    /// model section in reading order (other model sections list their own).
    pub catalogue: Option<SectionId>,
    /// By slug.
    pub topics: BTreeMap<String, Topic>,
}

pub const ROOT: SectionId = SectionId(0);

/// Paths the generator itself uses; content may not take them.
pub const RESERVED_PATHS: &[&str] = &["/aihealueet/", "/haku/", "/muutokset/", "/saavutettavuusseloste/", "/tulosta/"];

fn parent_dir(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

fn dir_path(dir: &str) -> String {
    if dir.is_empty() {
        return "/".into();
    }
    let mut p = String::from("/");
    for part in dir.split('/') {
        p.push_str(&slugify(part));
        p.push('/');
    }
    p
}

/// A loaded page with its address and its (created, updated) dates from history.
type LoadedPage = (String, Option<(Date, Date)>, Loaded);

fn page_path(rel: &str) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    let (dir, name) = stem.rsplit_once('/').unwrap_or(("", stem));
    format!("{}{}/", dir_path(dir), slugify(name))
}

/// An implicit section's title from its folder name: `perheiden-tuki` → `Perheiden tuki`.
fn title_from_dir(dir: &str) -> String {
    let name = dir.rsplit('/').next().unwrap_or(dir).replace(['-', '_'], " ");
    let mut c = name.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

fn implicit_front(title: String) -> FrontMatter {
    FrontMatter {
        title,
        description: None,
        weight: 0,
        draft: false,
        created: None,
        updated: None,
        topics: Vec::new(),
        aliases: Vec::new(),
        page_kind: None,
        template: None,
        model: Default::default(),
    }
}

struct Loaded {
    source: SourceFile,
    text: String,
    parsed: front_matter::Parsed,
}

fn load_one(file: &SourceFile, config: &Config, inherited: Option<PageKind>) -> Result<Loaded, Diagnostics> {
    let text = read_text(file).map_err(Diagnostics::from)?;
    let path = file.display();
    let input = ParseInput { path: &path, text: &text, phases: &config.phases, inherited_kind: inherited };
    let parsed = front_matter::parse(&input)?;
    Ok(Loaded { source: file.clone(), text, parsed })
}

impl Library {
    /// Builds the library; `drafts` keeps pages marked `draft: true`.
    pub fn new(files: Vec<SourceFile>, config: &Config, drafts: bool) -> (Library, Diagnostics) {
        Self::with_history(files, config, drafts, &HashMap::new())
    }

    /// Like [`Library::new`], with (created, updated) dates from version control,
    /// keyed by path relative to the site root (`content/a.md`).
    pub fn with_history(
        files: Vec<SourceFile>,
        config: &Config,
        drafts: bool,
        history: &HashMap<String, (Date, Date)>,
    ) -> (Library, Diagnostics) {
        let mut diags = Diagnostics::new();
        let mut lib = Library {
            pages: Vec::new(),
            sections: Vec::new(),
            by_source: HashMap::new(),
            assets: Vec::new(),
            reading_order: Vec::new(),
            models: Vec::new(),
            catalogue: None,
            topics: BTreeMap::new(),
        };
        let (indexes, rest): (Vec<_>, Vec<_>) = files.into_iter().partition(|f| f.kind == SourceKind::SectionIndex);
        let (pages, assets): (Vec<_>, Vec<_>) = rest.into_iter().partition(|f| f.kind == SourceKind::Page);
        lib.assets = assets;
        // `is_asset` searches by `rel`; the walk's order is not string order (`a-b.png` < `a/x.png`).
        lib.assets.sort_by(|a, b| a.rel.cmp(&b.rel));

        // Every folder holding a page, an index or an asset, and all their ancestors, is a section.
        let mut dirs: Vec<String> = vec![String::new()];
        for f in indexes.iter().chain(&pages) {
            let mut d = parent_dir(&f.rel);
            while !d.is_empty() {
                dirs.push(d.to_string());
                d = parent_dir(d);
            }
        }
        dirs.sort();
        dirs.dedup();
        let index_of: HashMap<&str, &SourceFile> = indexes.iter().map(|f| (parent_dir(&f.rel), f)).collect();
        let mut section_of_dir: HashMap<String, SectionId> = HashMap::new();
        let mut hidden_dirs: Vec<String> = Vec::new();
        // Sorted, so parents come before children.
        for dir in &dirs {
            if hidden_dirs.iter().any(|h| dir.starts_with(&format!("{h}/"))) {
                continue;
            }
            let parent = if dir.is_empty() { None } else { section_of_dir.get(parent_dir(dir)).copied() };
            if !dir.is_empty() && parent.is_none() {
                continue;
            }
            if let Some(d) = super::addresses::empty_slug(dir, true).filter(|_| !dir.is_empty()) {
                // Skipped with everything in it: its pages would have no address.
                diags.push(d);
                continue;
            }
            let inherited = parent.map(|p| lib.sections[p.0].page_kind);
            let (source, text, front, body_offset, body_line) = match index_of.get(dir.as_str()) {
                Some(f) => match load_one(f, config, inherited) {
                    Ok(l) => {
                        diags.extend(l.parsed.warnings);
                        (Some(l.source), l.text, l.parsed.front, l.parsed.body_offset, l.parsed.body_line)
                    }
                    Err(d) => {
                        diags.extend(d);
                        (Some((*f).clone()), String::new(), implicit_front(title_from_dir(dir)), 0, 1)
                    }
                },
                None => {
                    (None, String::new(), implicit_front(if dir.is_empty() { config.title.clone() } else { title_from_dir(dir) }), 0, 1)
                }
            };
            if front.draft && !drafts {
                hidden_dirs.push(dir.clone());
                continue;
            }
            let id = SectionId(lib.sections.len());
            let page_kind = front.page_kind.or(inherited).unwrap_or(PageKind::Chapter);
            if let Some(s) = &source {
                lib.by_source.insert(s.rel.clone(), Target::Section(id));
            }
            let known = source.as_ref().and_then(|s| history.get(&s.display()));
            let (created, updated) = (front.created.or(known.map(|d| d.0)), front.updated.or(known.map(|d| d.1)));
            lib.sections.push(Section {
                id,
                dir: dir.clone(),
                source,
                text,
                body_offset,
                body_line,
                front,
                page_kind,
                parent,
                pages: Vec::new(),
                subsections: Vec::new(),
                path: dir_path(dir),
                created,
                updated,
            });
            if let Some(p) = parent {
                lib.sections[p.0].subsections.push(id);
            }
            section_of_dir.insert(dir.clone(), id);
        }

        let pages: Vec<SourceFile> = pages
            .into_iter()
            .filter(|f| section_of_dir.contains_key(parent_dir(&f.rel)))
            .filter(|f| match super::addresses::empty_slug(&f.rel, false) {
                Some(d) => {
                    diags.push(d);
                    false
                }
                None => true,
            })
            .collect();
        // Each page's address and its dates from history are worked out in
        // parallel too: only the numbering below is sequential.
        let loaded: Vec<(SectionId, Result<LoadedPage, Diagnostics>)> = pages
            .par_iter()
            .filter_map(|f| {
                let sec = *section_of_dir.get(parent_dir(&f.rel))?;
                let loaded = load_one(f, config, Some(lib.sections[sec.0].page_kind)).map(|l| {
                    let known = if history.is_empty() { None } else { history.get(&l.source.display()).copied() };
                    (page_path(&l.source.rel), known, l)
                });
                Some((sec, loaded))
            })
            .collect();
        lib.pages.reserve(loaded.len());
        for (sec, result) in loaded {
            // A hidden draft's problems are reported too, as its errors are: it is being written.
            let result = result.map(|(path, known, mut l)| {
                diags.extend(std::mem::take(&mut l.parsed.warnings));
                (path, known, l)
            });
            match result {
                Err(d) => diags.extend(d),
                Ok((_, _, l)) if l.parsed.front.draft && !drafts => {}
                Ok((path, known, l)) => {
                    let id = PageId(lib.pages.len());
                    let kind = l.parsed.front.page_kind.unwrap_or(lib.sections[sec.0].page_kind);
                    lib.by_source.insert(l.source.rel.clone(), Target::Page(id));
                    let created = l.parsed.front.created.or(known.map(|d| d.0));
                    let updated = l.parsed.front.updated.or(known.map(|d| d.1));
                    lib.pages.push(Page {
                        id,
                        path,
                        created,
                        updated,
                        text: SourceText::new(l.text),
                        body_offset: l.parsed.body_offset,
                        body_line: l.parsed.body_line,
                        front: l.parsed.front,
                        kind,
                        section: sec,
                        source: l.source,
                    });
                    lib.sections[sec.0].pages.push(id);
                }
            }
        }
        let (urls, topics) = rayon::join(|| super::addresses::urls(&lib), || super::addresses::topics(&lib));
        diags.extend(urls);
        diags.extend(topics);
        lib.order();
        (lib, diags)
    }

    fn order(&mut self) {
        // Titles are compared lower-cased: each is lower-cased once, not at every comparison.
        let page_titles: Vec<String> = self.pages.par_iter().map(|p| p.front.title.to_lowercase()).collect();
        let section_titles: Vec<String> = self.sections.iter().map(|s| s.front.title.to_lowercase()).collect();
        let page_key = |p: &PageId| (self.pages[p.0].front.weight, &page_titles[p.0], &self.pages[p.0].source.rel);
        let section_key = |s: &SectionId| (self.sections[s.0].front.weight, &section_titles[s.0], &self.sections[s.0].dir);
        let sorted: Vec<(Vec<PageId>, Vec<SectionId>)> = self
            .sections
            .iter()
            .map(|s| {
                let mut pages = s.pages.clone();
                pages.sort_by(|a, b| page_key(a).cmp(&page_key(b)));
                let mut subs = s.subsections.clone();
                subs.sort_by(|a, b| section_key(a).cmp(&section_key(b)));
                (pages, subs)
            })
            .collect();
        for (s, (pages, subs)) in self.sections.iter_mut().zip(sorted) {
            s.pages = pages;
            s.subsections = subs;
        }
        let mut order = Vec::new();
        if !self.sections.is_empty() {
            self.walk_chapters(ROOT, &mut order);
        }
        self.reading_order = order;
        self.catalogue = self.first_model_section(ROOT);
        let by_title = |a: &PageId, b: &PageId| {
            (&page_titles[a.0], &self.pages[a.0].source.rel).cmp(&(&page_titles[b.0], &self.pages[b.0].source.rel))
        };
        let mut models: Vec<PageId> = self.pages.iter().filter(|p| p.kind == PageKind::Model).map(|p| p.id).collect();
        models.sort_by(by_title);
        self.models = models;
        // A topic is named on many pages: each distinct name is slugified once.
        let mut slugs: HashMap<&str, String> = HashMap::new();
        for p in &self.pages {
            for t in &p.front.topics {
                let slug = slugs.entry(t).or_insert_with(|| slugify(t));
                if slug.is_empty() {
                    continue;
                }
                let topic =
                    self.topics.entry(slug.clone()).or_insert_with(|| Topic { name: t.clone(), slug: slug.clone(), pages: Vec::new() });
                // Pages come in id order: a page already listed is the last one.
                if topic.pages.last() != Some(&p.id) {
                    topic.pages.push(p.id);
                }
            }
        }
        for t in self.topics.values_mut() {
            t.pages.sort_by(|a, b| (&page_titles[a.0], a.0).cmp(&(&page_titles[b.0], b.0)));
        }
    }

    fn first_model_section(&self, s: SectionId) -> Option<SectionId> {
        let sec = self.sections.get(s.0)?;
        if sec.parent.is_some() && sec.page_kind == PageKind::Model {
            return Some(s);
        }
        sec.subsections.iter().find_map(|sub| self.first_model_section(*sub))
    }

    fn walk_chapters(&self, s: SectionId, out: &mut Vec<PageId>) {
        let sec = &self.sections[s.0];
        out.extend(sec.pages.iter().filter(|p| self.pages[p.0].kind == PageKind::Chapter));
        for sub in &sec.subsections {
            self.walk_chapters(*sub, out);
        }
    }

    /// Every page's text, locked, in page order: for the checks and
    /// comparisons that read them all. While they are held, nothing may read
    /// a page's text through [`Page::text`] (rendering does): it would wait forever.
    pub fn page_texts(&self) -> Vec<MutexGuard<'_, String>> {
        self.pages.iter().map(|p| p.text.get()).collect()
    }

    pub fn page(&self, id: PageId) -> &Page {
        &self.pages[id.0]
    }

    /// Frees every page's and section's source text: for a build, once
    /// everything has been rendered and checked (the text is then never read).
    pub fn release_sources(&mut self) {
        self.pages.par_iter().for_each(|p| p.text.release());
        for s in &mut self.sections {
            s.text = String::new();
        }
    }

    pub fn section(&self, id: SectionId) -> &Section {
        &self.sections[id.0]
    }

    /// Ancestors of a section from the root down, the section itself included.
    pub fn ancestors(&self, id: SectionId) -> Vec<SectionId> {
        let mut chain = vec![id];
        let mut cur = id;
        while let Some(p) = self.sections[cur.0].parent {
            chain.push(p);
            cur = p;
        }
        chain.reverse();
        chain
    }

    /// Previous and next chapter in reading order.
    pub fn neighbours(&self, id: PageId) -> (Option<PageId>, Option<PageId>) {
        match self.reading_order.iter().position(|p| *p == id) {
            None => (None, None),
            Some(i) => (i.checked_sub(1).map(|j| self.reading_order[j]), self.reading_order.get(i + 1).copied()),
        }
    }

    /// Site-relative path of a target.
    pub fn target_path(&self, t: Target) -> &str {
        match t {
            Target::Page(p) => &self.pages[p.0].path,
            Target::Section(s) => &self.sections[s.0].path,
        }
    }

    pub fn is_asset(&self, rel: &str) -> bool {
        self.assets.binary_search_by(|a| a.rel.as_str().cmp(rel)).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_from_files() {
        assert_eq!(page_path("toimintamallit/verkostojohtaminen.md"), "/toimintamallit/verkostojohtaminen/");
        assert_eq!(page_path("Äiti ja lapsi.md"), "/aiti-ja-lapsi/");
        assert_eq!(dir_path("käsikirja/osa 1"), "/kasikirja/osa-1/");
        assert_eq!(title_from_dir("a/perheiden-tuki"), "Perheiden tuki");
    }
}
