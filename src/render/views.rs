//! Template views: small serialisable structs that borrow from the library and
//! the rendered Markdown. Templates see only these, never the library itself;
//! listings carry titles and URLs, not copies of other pages' content.

use rayon::prelude::*;
use serde::Serialize;

use crate::changes::{ChangeKind, PageChange};
use crate::config::Config;
use crate::content::date::Date;
use crate::content::front_matter::{LinkTarget, PageKind};
use crate::content::library::{Library, PageId, SectionId};
use crate::markdown::links::{is_external, LinkResolver};
use crate::markdown::{Rendered, TocEntry};
use std::collections::HashMap;

/// How many top-level sections the main menu lists (templates see it as
/// `nav_limit`). The menu is on every page, so listing every section would
/// make the output grow with pages × sections: on a site of 10,000 pages in
/// 200 sections, 10 kB of menu on each page, and a header no reader can use
/// on a phone. Past the limit the menu shows the first sections, the
/// reader's own section and a link to the full list on the home page.
pub const NAV_LIMIT: usize = 12;

#[derive(Serialize)]
pub struct DateView {
    pub iso: String,
    pub fi: String,
}

impl From<Date> for DateView {
    fn from(d: Date) -> Self {
        DateView { iso: d.to_string(), fi: d.finnish() }
    }
}

#[derive(Serialize)]
pub struct LinkView<'a> {
    pub title: &'a str,
    pub url: String,
}

#[derive(Serialize)]
pub struct PhaseView<'a> {
    pub id: &'a str,
    pub label: &'a str,
}

#[derive(Serialize)]
pub struct TopicLink<'a> {
    pub name: &'a str,
    pub url: String,
}

#[derive(Serialize)]
pub struct CoverView<'a> {
    pub url: String,
    pub alt: &'a str,
    pub caption: Option<&'a str>,
    pub credit: Option<&'a str>,
}

#[derive(Serialize)]
pub struct ExternalLinkView<'a> {
    pub title: &'a str,
    pub url: String,
    pub external: bool,
}

#[derive(Serialize)]
pub struct PartnerView<'a> {
    pub group: &'a str,
    pub members: &'a [String],
}

#[derive(Serialize)]
pub struct MeetingView<'a> {
    pub date: DateView,
    pub title: &'a str,
    pub memo: Option<String>,
}

#[derive(Serialize)]
pub struct ModelView<'a> {
    pub phase: Option<PhaseView<'a>>,
    pub authors: &'a [String],
    pub funder: Option<&'a str>,
    pub location: Option<&'a str>,
    pub region: Option<&'a str>,
    pub cover: Option<CoverView<'a>>,
    pub links: Vec<ExternalLinkView<'a>>,
    pub partners: Vec<PartnerView<'a>>,
    pub contact: Option<&'a str>,
    pub meetings: Vec<MeetingView<'a>>,
}

#[derive(Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: String,
    pub permalink: String,
    pub kind: PageKind,
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub breadcrumbs: Vec<LinkView<'a>>,
    pub prev: Option<LinkView<'a>>,
    pub next: Option<LinkView<'a>>,
    pub created: Option<DateView>,
    pub updated: Option<DateView>,
    pub topics: Vec<TopicLink<'a>>,
    pub model: Option<ModelView<'a>>,
    pub draft: bool,
    /// Source path relative to the site root.
    pub source: String,
    pub repo: Option<RepoLinks>,
    pub change: Option<ChangeMarker>,
}

/// One line of a listing (section pages, catalogue, topics).
#[derive(Serialize)]
pub struct Summary<'a> {
    pub title: &'a str,
    pub url: String,
    pub description: Option<&'a str>,
    pub kind: PageKind,
    pub phase: Option<PhaseView<'a>>,
    pub funder: Option<&'a str>,
    pub region: Option<&'a str>,
    pub topics: Vec<TopicLink<'a>>,
}

#[derive(Serialize)]
pub struct SectionView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: String,
    pub permalink: String,
    pub content: &'a str,
    pub breadcrumbs: Vec<LinkView<'a>>,
    /// The section's pages, as [`Summaries::list`] gives them: filled in by
    /// [`SectionView::value`], not serialised one by one.
    #[serde(skip)]
    pub pages: &'a [PageId],
    pub subsections: Vec<LinkView<'a>>,
    /// This section's page lists every model card of the site.
    pub is_catalogue: bool,
    /// Its pages are model cards.
    pub is_models: bool,
    /// From its `_index.md` (none for a folder without one).
    pub created: Option<DateView>,
    pub updated: Option<DateView>,
    pub repo: Option<RepoLinks>,
    pub change: Option<ChangeMarker>,
}

impl SectionView<'_> {
    /// The view as templates see it, `pages` included.
    pub fn value(&self, summaries: &Summaries) -> tera::Value {
        let mut map = tera::Value::from_serializable(self).into_map().unwrap_or_default();
        map.insert("pages".into(), summaries.list(self.pages));
        tera::Value::from(map)
    }
}

/// Every page's [`Summary`] as a template value, made once for all listings:
/// a page is listed in its section, under each of its topics and on the home
/// page, and a listing of values shares them rather than copying them (so a
/// page with many topics is not serialised again on each topic's page).
pub struct Summaries(Vec<tera::Value>);

impl Summaries {
    /// The summaries of `ids`, in order, as a template list.
    pub fn list(&self, ids: &[PageId]) -> tera::Value {
        tera::Value::from(ids.iter().map(|id| self.0[id.0].clone()).collect::<Vec<_>>())
    }
}

/// Builds views for one site.
pub struct Views<'a> {
    pub lib: &'a Library,
    pub config: &'a Config,
    pub resolver: LinkResolver<'a>,
    /// The site root inside its Git repository (`""` or `docs/`), for edit links.
    pub repo_prefix: &'a str,
    /// Pages this deploy preview changes, by source path.
    pub changes: HashMap<&'a str, &'a PageChange>,
    /// Branch for edit and history links when not the configured one (the
    /// pull request's own branch in a deploy preview).
    pub edit_branch: Option<&'a str>,
}

/// A page's marker in a deploy preview.
#[derive(Serialize)]
pub struct ChangeMarker {
    pub kind: ChangeKind,
    pub url: String,
}

/// Links to the page's source in the repository.
#[derive(Serialize)]
pub struct RepoLinks {
    pub edit: String,
    pub history: String,
    pub feedback: String,
}

/// Minimal percent-encoding for query values.
fn query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl<'a> Views<'a> {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.config.base_path(), path)
    }

    pub fn permalink(&self, path: &str) -> String {
        // base_url ends with '/', site paths begin with one.
        format!("{}{}", self.config.base_url, path.trim_start_matches('/'))
    }

    fn page_link(&self, id: PageId) -> LinkView<'a> {
        let p = self.lib.page(id);
        LinkView { title: &p.front.title, url: self.url(&p.path) }
    }

    pub fn breadcrumbs(&self, section: SectionId, include_self: bool) -> Vec<LinkView<'a>> {
        let chain = self.lib.ancestors(section);
        let take = if include_self { chain.len() } else { chain.len().saturating_sub(1) };
        chain[..take]
            .iter()
            .map(|s| {
                let s = self.lib.section(*s);
                LinkView { title: &s.front.title, url: self.url(&s.path) }
            })
            .collect()
    }

    pub fn topics(&self, names: &'a [String]) -> Vec<TopicLink<'a>> {
        names.iter().map(|t| TopicLink { name: t, url: self.url(&format!("/aihealueet/{}/", crate::slug::slugify(t))) }).collect()
    }

    fn phase(&self, id: Option<&'a str>) -> Option<PhaseView<'a>> {
        let id = id?;
        self.config.phases.iter().find(|(p, _)| p == id).map(|(p, l)| PhaseView { id: p, label: l })
    }

    fn resolve(&self, from: &str, href: &str) -> String {
        self.resolver.resolve(from, href).unwrap_or_else(|_| href.to_string())
    }

    fn model(&self, id: PageId) -> ModelView<'a> {
        let p = self.lib.page(id);
        let m = &p.front.model;
        let from = p.source.rel.as_str();
        ModelView {
            phase: self.phase(m.phase.as_deref()),
            authors: &m.authors,
            funder: m.funder.as_deref(),
            location: m.location.as_deref(),
            region: m.region.as_deref(),
            cover: m.cover.as_ref().map(|c| CoverView {
                url: self.resolve(from, &c.image),
                alt: &c.alt,
                caption: c.caption.as_deref(),
                credit: c.credit.as_deref(),
            }),
            links: m
                .links
                .iter()
                .map(|l| match &l.target {
                    LinkTarget::Url(u) => ExternalLinkView { title: &l.title, url: self.resolve(from, u), external: is_external(u) },
                    LinkTarget::File(f) => ExternalLinkView { title: &l.title, url: self.resolve(from, f), external: false },
                })
                .collect(),
            partners: m.partners.iter().map(|g| PartnerView { group: &g.group, members: &g.members }).collect(),
            contact: m.contact.as_deref(),
            meetings: m
                .meetings
                .iter()
                .map(|x| MeetingView { date: x.date.into(), title: &x.title, memo: x.memo.as_deref().map(|u| self.resolve(from, u)) })
                .collect(),
        }
    }

    /// `content` is the page's HTML (or a marker to splice it in later).
    pub fn page(&self, id: PageId, content: &'a str, toc: &'a [TocEntry]) -> PageView<'a> {
        let p = self.lib.page(id);
        let (prev, next) = if p.kind == PageKind::Chapter { self.lib.neighbours(id) } else { (None, None) };
        PageView {
            title: &p.front.title,
            description: p.front.description.as_deref(),
            url: self.url(&p.path),
            permalink: self.permalink(&p.path),
            kind: p.kind,
            content,
            toc,
            breadcrumbs: self.breadcrumbs(p.section, true),
            prev: prev.map(|i| self.page_link(i)),
            next: next.map(|i| self.page_link(i)),
            created: p.created.map(Into::into),
            updated: p.updated.map(Into::into),
            topics: self.topics(&p.front.topics),
            model: (p.kind == PageKind::Model).then(|| self.model(id)),
            draft: p.front.draft,
            source: p.source.display(),
            repo: self.repo_links(&p.source.display(), &p.front.title, &p.path),
            change: self.change_marker(&p.source.display()),
        }
    }

    fn change_marker(&self, source: &str) -> Option<ChangeMarker> {
        self.changes.get(source).map(|c| ChangeMarker { kind: c.kind, url: self.url(&format!("/muutokset/#{}", c.anchor)) })
    }

    fn repo_links(&self, source: &str, title: &str, path: &str) -> Option<RepoLinks> {
        let r = self.config.repository.as_ref()?;
        let file = format!("{}{source}", self.repo_prefix);
        let body = format!("Sivu: {}\n\nPalaute:\n", self.permalink(path));
        let branch = self.edit_branch.unwrap_or(&r.branch);
        Some(RepoLinks {
            edit: format!("{}/edit/{branch}/{file}", r.url),
            history: format!("{}/commits/{branch}/{file}", r.url),
            feedback: format!("{}/issues/new?title={}&body={}", r.url, query_escape(&format!("Palaute: {title}")), query_escape(&body)),
        })
    }

    pub fn summary(&self, id: PageId) -> Summary<'a> {
        let p = self.lib.page(id);
        Summary {
            title: &p.front.title,
            url: self.url(&p.path),
            description: p.front.description.as_deref(),
            kind: p.kind,
            phase: self.phase(p.front.model.phase.as_deref()),
            funder: p.front.model.funder.as_deref(),
            region: p.front.model.region.as_deref(),
            topics: self.topics(&p.front.topics),
        }
    }

    /// Every page's summary, in parallel (see [`Summaries`]).
    pub fn summaries(&self) -> Summaries {
        Summaries(self.lib.pages.par_iter().map(|p| tera::Value::from_serializable(&self.summary(p.id))).collect())
    }

    pub fn section(&self, id: SectionId, rendered: &'a Rendered) -> SectionView<'a> {
        let s = self.lib.section(id);
        let is_catalogue = self.lib.catalogue == Some(id);
        let pages = if is_catalogue { &self.lib.models } else { &s.pages };
        SectionView {
            title: &s.front.title,
            description: s.front.description.as_deref(),
            url: self.url(&s.path),
            permalink: self.permalink(&s.path),
            content: &rendered.html,
            breadcrumbs: self.breadcrumbs(id, false),
            pages,
            subsections: s
                .subsections
                .iter()
                .map(|c| {
                    let c = self.lib.section(*c);
                    LinkView { title: &c.front.title, url: self.url(&c.path) }
                })
                .collect(),
            is_catalogue,
            is_models: s.page_kind == PageKind::Model,
            created: s.created.map(Into::into),
            updated: s.updated.map(Into::into),
            repo: s.source.as_ref().and_then(|src| self.repo_links(&src.display(), &s.front.title, &s.path)),
            change: s.source.as_ref().and_then(|src| self.change_marker(&src.display())),
        }
    }

    /// Top-level sections, for the main navigation (the site title links home).
    /// Past [`NAV_LIMIT`] of them the menu shows the first ones and the
    /// reader's own (see there), and the home page lists them all.
    pub fn nav(&self) -> Vec<LinkView<'a>> {
        self.lib
            .section(crate::content::library::ROOT)
            .subsections
            .iter()
            .map(|s| {
                let s = self.lib.section(*s);
                LinkView { title: &s.front.title, url: self.url(&s.path) }
            })
            .collect()
    }
}
