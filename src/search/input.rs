//! What search indexes: every published page and every section page with a
//! body of its own (the home page, a section's introduction), each with what
//! a result shows (`PageMeta`), its metadata words and its text by section.
//! Drafts are in the library only in `--drafts` builds, so they are indexed
//! only then.

use rayon::prelude::*;

use crate::content::front_matter::PageKind;
use crate::content::library::{Page, ROOT};
use crate::content::{Library, PageId};
use crate::markdown::{Rendered, TextSection};

/// What a result shows about its page, and the values it can be filtered by.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PageMeta {
    pub title: String,
    pub url: String,
    /// Title of the section the page is in (empty for the home page).
    pub section: String,
    pub description: Option<String>,
    pub phase: Option<String>,
    pub topics: Vec<String>,
    pub funder: Option<String>,
    pub region: Option<String>,
}

/// One page to index.
pub struct Input<'a> {
    /// The page it is, or `None` for a section page.
    pub page: Option<PageId>,
    pub meta: PageMeta,
    /// Words of the metadata field: description, topics, authors, funder,
    /// places, contact, partners.
    pub meta_text: String,
    pub sections: &'a [TextSection],
}

/// The metadata words of a page.
fn meta_text(page: &Page) -> String {
    let m = &page.front.model;
    let partners = m.partners.iter().flat_map(|g| std::iter::once(&g.group).chain(&g.members));
    let mut words: Vec<&str> = Vec::new();
    words.extend(page.front.description.as_deref());
    words.extend(page.front.topics.iter().map(String::as_str));
    words.extend(m.authors.iter().map(String::as_str));
    words.extend([&m.funder, &m.location, &m.region, &m.contact].into_iter().filter_map(|f| f.as_deref()));
    words.extend(partners.map(String::as_str));
    words.join(" ")
}

/// Pages first (in library order), then section pages that have text.
pub fn inputs<'a>(
    lib: &'a Library,
    pages_md: &'a [Rendered],
    sections_md: &'a [Rendered],
    url: &(dyn Fn(&str) -> String + Sync),
    phase_label: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Vec<Input<'a>> {
    let mut out: Vec<Input> = lib
        .pages
        .par_iter()
        .map(|p| {
            let m = &p.front.model;
            Input {
                page: Some(p.id),
                meta: PageMeta {
                    title: p.front.title.clone(),
                    url: url(&p.path),
                    section: lib.section(p.section).front.title.clone(),
                    description: p.front.description.clone(),
                    phase: if p.kind == PageKind::Model { m.phase.as_deref().and_then(phase_label) } else { None },
                    topics: p.front.topics.clone(),
                    funder: m.funder.clone(),
                    region: m.region.clone(),
                },
                meta_text: meta_text(p),
                sections: &pages_md[p.id.0].sections,
            }
        })
        .collect();
    for s in &lib.sections {
        let Some(md) = sections_md.get(s.id.0).filter(|md| !md.sections.is_empty()) else { continue };
        let parent = s.parent.filter(|p| *p != ROOT || s.id != ROOT).map(|p| lib.section(p).front.title.clone()).unwrap_or_default();
        out.push(Input {
            page: None,
            meta: PageMeta {
                title: s.front.title.clone(),
                url: url(&s.path),
                section: parent,
                description: s.front.description.clone(),
                phase: None,
                topics: s.front.topics.clone(),
                funder: None,
                region: None,
            },
            meta_text: [s.front.description.as_deref().unwrap_or_default(), &s.front.topics.join(" ")].join(" "),
            sections: &md.sections,
        });
    }
    out
}
