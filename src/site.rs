//! The site: sequences the steps — configuration, discovery, library, Markdown,
//! templates, output — and contains no parsing or rendering of its own.
//!
//! [`Site::load`] validates everything that can be validated before rendering;
//! [`Site::render`] renders into any [`Sink`]; [`build`] and [`check`] are the
//! two entry points the command line uses.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;
use tera::Context;

use crate::changes::ChangeSet;
use crate::config::{self, Config};
use crate::content::front_matter::LinkTarget;
use crate::content::library::{normalise_alias, ROOT};
use crate::content::{self, Library, PageId};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::git::Repo;
use crate::markdown::links::LinkResolver;
use crate::markdown::{self, RenderOptions, Rendered, Source};
use crate::output::{NullSink, Sink, Staging};
use crate::preview::Preview;
use crate::render::views::Views;
use crate::render::Renderer;
use crate::theme::Theme;

/// What the command line asks for.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub drafts: bool,
    pub base_url: Option<String>,
    /// Set for pull-request deploy previews (see `preview::Preview::from_env`).
    pub preview: Option<Preview>,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Options {
        Options { root: root.into(), drafts: false, base_url: None, preview: None }
    }
}

/// A loaded, validated site.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub theme: Theme,
    pub lib: Library,
    /// The Git repository holding the site, if any.
    pub repo: Option<Repo>,
    pub preview: Option<Preview>,
    pub drafts: bool,
}

/// What a successful run did.
#[derive(Debug, Default)]
pub struct Report {
    pub pages: usize,
    pub files: usize,
    pub warnings: Diagnostics,
    pub seconds: f64,
    /// Each step in order (for `HANDBOOK_TIMINGS=1` and benchmarks).
    pub phases: Vec<Phase>,
}

/// The output of [`Site::prepare`], input of [`Site::write`].
pub struct Prepared {
    pages_md: Vec<Rendered>,
    sections_md: Vec<Rendered>,
    changes: ChangeSet,
    renderer: Renderer,
    warnings: Diagnostics,
    clock: Clock,
}

/// One step of a run: its wall time and the process's peak memory after it.
#[derive(Debug, Clone, Copy)]
pub struct Phase {
    pub name: &'static str,
    pub seconds: f64,
    /// Peak resident memory so far, in bytes (Linux only).
    pub peak_bytes: Option<u64>,
}

impl Phase {
    fn now(name: &'static str, seconds: f64) -> Phase {
        Phase { name, seconds, peak_bytes: crate::fsutil::peak_memory() }
    }
}

/// Output path of a site path: `/a/b/` → `a/b/index.html`.
pub fn index_file(path: &str) -> String {
    format!("{}index.html", path.trim_start_matches('/'))
}

impl Site {
    /// Loads and validates configuration, theme and content; all errors together.
    pub fn load(opts: &Options) -> Result<(Site, Diagnostics), Diagnostics> {
        let mut config = config::load(&opts.root)?;
        if let Some(url) = &opts.base_url {
            config.set_base_url(url);
        }
        let (files, mut diags) = content::discover(&opts.root);
        let theme = Theme::load(&opts.root, &config.theme);
        let repo = Repo::open(&opts.root);
        let history = match &repo {
            Some(r) if r.is_shallow() => {
                diags.push(
                    Diagnostic::warning(
                        content::CONTENT_DIR,
                        0,
                        0,
                        "Git-klooni on matala (shallow), joten sivujen päivämääriä ei luettu historiasta",
                    )
                    .with_help("hae koko historia komennolla `git fetch --unshallow`; alkutietojen `created`/`updated` näytetään silti"),
                );
                Default::default()
            }
            Some(r) => r.file_dates(content::CONTENT_DIR),
            None => Default::default(),
        };
        let (lib, lib_diags) = Library::with_history(files, &config, opts.drafts, &history);
        diags.extend(lib_diags);
        let theme = match theme {
            Ok(t) => t,
            Err(d) => {
                diags.extend(d);
                Theme::default()
            }
        };
        diags.extend(statement_warnings(&config));
        if diags.has_errors() {
            return Err(diags);
        }
        let preview = opts.preview.as_ref().map(|p| p.for_site(&config));
        Ok((Site { root: opts.root.clone(), config, theme, lib, repo, preview, drafts: opts.drafts }, diags))
    }

    fn resolver(&self) -> LinkResolver<'_> {
        LinkResolver::new(&self.lib, self.config.base_path()).with_statics(self.theme.statics().map(|(rel, _)| rel))
    }

    /// Renders the Markdown of every page and section, in parallel.
    fn markdown(&self, table_label: &str) -> (Vec<Rendered>, Vec<Rendered>) {
        let opts = RenderOptions { table_label, heading_offset: 0, trusted_html: self.config.trusted_html };
        let resolver = self.resolver();
        let pages = self
            .lib
            .pages
            .par_iter()
            .map(|p| {
                let display = p.source.display();
                let offset = u8::from(p.kind == content::front_matter::PageKind::Model);
                markdown::render(
                    &Source { display: &display, rel: &p.source.rel, file_text: &p.text, body_offset: p.body_offset },
                    &resolver,
                    RenderOptions { heading_offset: offset, ..opts },
                )
            })
            .collect();
        (pages, self.markdown_sections(table_label))
    }

    /// Renders the Markdown of every section's `_index.md`.
    fn markdown_sections(&self, table_label: &str) -> Vec<Rendered> {
        let opts = RenderOptions { table_label, heading_offset: 0, trusted_html: self.config.trusted_html };
        let resolver = self.resolver();
        self.lib
            .sections
            .par_iter()
            .map(|s| match &s.source {
                Some(src) => {
                    let display = src.display();
                    markdown::render(
                        &Source { display: &display, rel: &src.rel, file_text: &s.text, body_offset: s.body_offset },
                        &resolver,
                        opts,
                    )
                }
                None => Rendered::default(),
            })
            .collect()
    }

    /// Front-matter references (cover images, `file:` links, memos) must resolve.
    fn check_front_links(&self) -> Diagnostics {
        let resolver = self.resolver();
        let mut diags = Diagnostics::new();
        for p in &self.lib.pages {
            let m = &p.front.model;
            let mut refs: Vec<(&str, usize)> = Vec::new();
            if let Some(c) = &m.cover {
                refs.push((&c.image, c.line));
            }
            for l in &m.links {
                if let LinkTarget::File(f) = &l.target {
                    refs.push((f, l.line));
                }
            }
            for (href, line) in refs {
                if let Err(un) = resolver.resolve(&p.source.rel, href) {
                    diags.push(
                        Diagnostic::error(p.source.display(), line, 1, un.message("tiedostoa")).with_help(un.help()).with_source(&p.text),
                    );
                }
            }
        }
        diags
    }

    /// Renders the whole site into `sink`.
    pub fn render(&self, sink: &dyn Sink) -> Result<Report, Diagnostics> {
        let prepared = self.prepare()?;
        self.write(prepared, sink)
    }

    /// Renders every page's and section's Markdown, checks links, anchors and
    /// front-matter references, and compiles the theme: everything that can
    /// fail before a file is written.
    pub fn prepare(&self) -> Result<Prepared, Diagnostics> {
        let mut clock = Clock::new();
        let (pages_md, sections_md) = self.markdown(table_label(&self.config));
        clock.lap("markdown");
        let mut diags: Diagnostics = pages_md.iter().chain(&sections_md).flat_map(|r| r.diagnostics.iter().cloned()).collect();
        diags.extend(self.check_front_links());
        diags.extend(crate::check::anchors(&self.lib, &pages_md, &sections_md));
        let (changes, change_diags) = self.changes();
        diags.extend(change_diags);
        let renderer = Renderer::new(&self.theme, &self.config, &self.shared(&self.views(&changes), &changes));
        let renderer = match renderer {
            Ok(r) if !diags.has_errors() => r,
            Ok(_) => return Err(diags),
            Err(d) => {
                diags.extend(d);
                return Err(diags);
            }
        };
        clock.lap("checks+templates");
        Ok(Prepared { pages_md, sections_md, changes, renderer, warnings: diags, clock })
    }

    /// Writes every file of the site into `sink`. Reads no page source: after
    /// [`Site::prepare`], a build may release them (see `Library::release_sources`).
    pub fn write(&self, prepared: Prepared, sink: &dyn Sink) -> Result<Report, Diagnostics> {
        let Prepared { mut pages_md, sections_md, changes, renderer, warnings: mut diags, mut clock } = prepared;
        let views = self.views(&changes);
        let writer = Writer::new(sink, &renderer, &views);
        // One context per worker, refilled for each page: the shared values
        // (site, strings, navigation) are not copied for every page.
        let mut results: Vec<Result<(), Diagnostic>> = self
            .lib
            .pages
            .par_iter()
            .map_init(|| renderer.context(), |ctx, p| self.page_html(&views, &writer, ctx, p.id, &pages_md[p.id.0]))
            .collect();
        clock.lap("pages");
        for s in &self.lib.sections {
            let view = views.section(s.id, &sections_md[s.id.0]);
            let template = s.front.template.clone().unwrap_or_else(|| {
                if s.id == ROOT {
                    "home.html"
                } else if view.is_models {
                    "catalogue.html"
                } else {
                    "section.html"
                }
                .into()
            });
            let mut ctx = renderer.context();
            ctx.insert("current_url", &view.url);
            ctx.insert("current_section", &self.top_section_url(&views, s.id));
            ctx.insert("section", &view);
            if s.id == ROOT {
                let chapters: Vec<_> = self.lib.reading_order.iter().map(|p| views.summary(*p)).collect();
                let models: Vec<_> = self.lib.models.iter().map(|p| views.summary(*p)).collect();
                ctx.insert("chapters", &chapters);
                ctx.insert("models", &models);
            }
            results.push(writer.html(&template, &mut ctx, &s.path));
        }
        clock.lap("sections");
        results.extend(self.render_topics(&views, &writer));
        clock.lap("topics");
        results.push(self.render_extras(&views, &writer));
        clock.lap("extras");
        results.push(self.render_statement_and_print(&writer, &pages_md));
        clock.lap("print");
        // Every page's HTML is written: free it before the search index grows.
        for md in &mut pages_md {
            md.html = String::new();
        }
        if self.preview.is_some() {
            let mut ctx = renderer.context();
            let list: Vec<_> = changes.iter().map(|c| serde_json::json!({ "kind": c.kind, "source": c.source, "title": c.title, "url": c.url.as_deref().map(|u| views.url(u)), "anchor": c.anchor, "redline": c.redline })).collect();
            ctx.insert("changes", &list);
            ctx.insert("unknown", &changes.unknown);
            results.push(writer.html("changes.html", &mut ctx, "/muutokset/"));
        }
        results.push(self.copy_files(sink));
        clock.lap("static");
        results.push(self.write_search(&views, &writer, &pages_md, &sections_md));
        clock.lap("search");
        diags.extend(results.into_iter().filter_map(Result::err).collect());
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Report { pages: self.lib.pages.len() + self.lib.sections.len(), files: 0, warnings: diags, seconds: 0.0, phases: clock.laps })
    }

    /// What search indexes: pages and section pages, from their rendered Markdown.
    pub fn search_inputs<'a>(&'a self, pages_md: &'a [Rendered], sections_md: &'a [Rendered]) -> Vec<crate::search::input::Input<'a>> {
        let url = |p: &str| format!("{}{}", self.config.base_path(), p);
        let phase = |id: &str| self.config.phase_label(id).map(str::to_string);
        crate::search::input::inputs(&self.lib, pages_md, sections_md, &url, &phase)
    }

    /// The tantivy index of `inputs`, as built for the site.
    pub fn search_index(
        &self,
        inputs: &[crate::search::input::Input],
        keep: crate::search::engine::KeepText,
    ) -> Result<crate::search::SearchIndex, Diagnostic> {
        crate::search::SearchIndex::build(inputs, keep).map_err(|e| {
            Diagnostic::error(content::CONTENT_DIR, 0, 0, format!("hakemistoa ei voitu rakentaa: {e}"))
                .with_help("ilmoita tästä ohjelman kehittäjille")
        })
    }

    /// Renders the Markdown of every page (for `serve`).
    pub fn rendered_pages(&self) -> Vec<Rendered> {
        self.markdown(table_label(&self.config)).0
    }

    /// Renders the Markdown of every page and section (for `handbook search`).
    pub fn rendered(&self) -> (Vec<Rendered>, Vec<Rendered>) {
        self.markdown(table_label(&self.config))
    }

    /// The search page and the static index under `haku/`, entry file last.
    fn write_search(&self, views: &Views, writer: &Writer, pages_md: &[Rendered], sections_md: &[Rendered]) -> Result<(), Diagnostic> {
        let inputs = self.search_inputs(pages_md, sections_md);
        // The export reads the texts from `inputs`: the index need not copy them.
        let index = self.search_index(&inputs, crate::search::engine::KeepText::Nothing)?;
        crate::search::export::write(&index, &inputs, writer.sink)
            .map_err(|e| Diagnostic::error("haku", 0, 0, format!("hakemistoa ei voitu kirjoittaa ({})", crate::fsutil::io_reason(&e))))?;
        let mut ctx = writer.renderer.context();
        ctx.insert("index_url", &views.url("/haku/hakemisto.json"));
        writer.html("search.html", &mut ctx, "/haku/")
    }

    /// URL of the top-level section holding `s` (for the navigation's current marker).
    fn top_section_url(&self, views: &Views, s: crate::content::SectionId) -> String {
        self.lib.ancestors(s).get(1).map(|t| views.url(&self.lib.section(*t).path)).unwrap_or_default()
    }

    /// Every external URL with the places it is used (Markdown and front matter).
    fn external_uses(&self) -> std::collections::BTreeMap<String, crate::external::Uses<'_>> {
        let (pages_md, sections_md) = self.markdown(table_label(&self.config));
        let mut uses: std::collections::BTreeMap<String, crate::external::Uses> = Default::default();
        let pages = self.lib.pages.iter().zip(&pages_md).map(|(p, r)| (p.source.display(), p.text.as_str(), r));
        let sections =
            self.lib.sections.iter().zip(&sections_md).filter_map(|(s, r)| Some((s.source.as_ref()?.display(), s.text.as_str(), r)));
        for (display, text, r) in pages.chain(sections) {
            for l in &r.external {
                uses.entry(l.href.clone()).or_default().push((display.clone(), l.line, l.col, text));
            }
        }
        for p in &self.lib.pages {
            let m = &p.front.model;
            let urls = m.links.iter().filter_map(|l| match &l.target {
                LinkTarget::Url(u) => Some((u.as_str(), l.line)),
                LinkTarget::File(_) => None,
            });
            let memos = m.meetings.iter().filter_map(|x| x.memo.as_deref().map(|u| (u, 1)));
            for (url, line) in urls.chain(memos).filter(|(u, _)| u.starts_with("http://") || u.starts_with("https://")) {
                uses.entry(url.to_string()).or_default().push((p.source.display(), line, 1, p.text.as_str()));
            }
        }
        uses
    }

    fn views<'a>(&'a self, changes: &'a ChangeSet) -> Views<'a> {
        Views {
            lib: &self.lib,
            config: &self.config,
            resolver: self.resolver(),
            repo_prefix: self.repo.as_ref().map_or("", |r| r.prefix.as_str()),
            changes: changes.iter().map(|c| (c.source.as_str(), c)).collect(),
            edit_branch: self.preview.as_ref().and_then(|p| p.head.as_deref()),
        }
    }

    /// Values every template sees besides `site` and `t`.
    fn shared(&self, views: &Views, changes: &ChangeSet) -> Vec<(&'static str, serde_json::Value)> {
        let preview = self.preview.as_ref().map(|p| {
            serde_json::json!({ "id": p.review_id, "pull_url": p.pull_url, "changes_url": views.url("/muutokset/"), "count": changes.count() })
        });
        vec![
            ("nav", serde_json::to_value(views.nav()).unwrap_or_default()),
            ("preview", serde_json::to_value(preview).unwrap_or_default()),
            ("noindex", serde_json::Value::Bool(self.preview.is_some())),
            ("feed_url", serde_json::Value::String(views.url("/atom.xml"))),
        ]
    }

    /// The compiled theme with the context every page shares, as [`Site::render`] uses it.
    pub fn renderer(&self) -> Result<Renderer, Diagnostics> {
        let (changes, _) = self.changes();
        Renderer::new(&self.theme, &self.config, &self.shared(&self.views(&changes), &changes))
    }

    /// The Markdown of one page exactly as [`Site::render`] makes it (for `serve`).
    pub fn page_markdown(&self, id: PageId) -> Rendered {
        let p = self.lib.page(id);
        let display = p.source.display();
        let opts = RenderOptions {
            table_label: table_label(&self.config),
            heading_offset: u8::from(p.kind == content::front_matter::PageKind::Model),
            trusted_html: self.config.trusted_html,
        };
        markdown::render(
            &Source { display: &display, rel: &p.source.rel, file_text: &p.text, body_offset: p.body_offset },
            &self.resolver(),
            opts,
        )
    }

    /// For `serve` after edits that changed only page bodies (front matter
    /// byte-identical): re-checks anchors, re-renders the `changed` pages and
    /// everything that reads other pages' bodies — the print page and the
    /// search index. `all` holds every page's current Markdown.
    pub fn render_bodies(&self, renderer: &Renderer, all: &[Rendered], changed: &[PageId], sink: &dyn Sink) -> Result<(), Diagnostics> {
        let empty = vec![Rendered::default(); self.lib.sections.len()];
        let mut diags = crate::check::anchors(&self.lib, all, &empty);
        let (changes, _) = self.changes();
        let views = self.views(&changes);
        let writer = Writer::new(sink, renderer, &views);
        let mut results: Vec<Result<(), Diagnostic>> =
            changed.par_iter().map_init(|| renderer.context(), |ctx, id| self.page_html(&views, &writer, ctx, *id, &all[id.0])).collect();
        results.push(self.render_statement_and_print(&writer, all));
        results.push(self.write_search(&views, &writer, all, &self.markdown_sections(table_label(&self.config))));
        diags.extend(results.into_iter().filter_map(Result::err).collect());
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(())
    }

    /// One page's HTML; its body is spliced in past Tera (see `Writer::html_around`).
    fn page_html(&self, views: &Views, writer: &Writer, ctx: &mut Context, id: PageId, md: &Rendered) -> Result<(), Diagnostic> {
        let p = self.lib.page(id);
        let view = views.page(id, CONTENT_MARKER, &md.toc);
        let template = p.front.template.clone().unwrap_or_else(|| match p.kind {
            content::front_matter::PageKind::Chapter => "chapter.html".into(),
            content::front_matter::PageKind::Model => "model.html".into(),
        });
        ctx.insert("current_url", &view.url);
        ctx.insert("current_section", &self.top_section_url(views, p.section));
        ctx.insert("page", &view);
        writer.html_around(&template, ctx, &p.path, &md.html)
    }

    /// The accessibility statement and the whole handbook on one printable page.
    fn render_statement_and_print(&self, writer: &Writer, pages_md: &[Rendered]) -> Result<(), Diagnostic> {
        let mut ctx = writer.renderer.context();
        let a11y = self.config.accessibility.as_ref().map(|a| {
            serde_json::json!({
                "status": a.status,
                "prepared": crate::render::views::DateView::from(a.prepared),
                "reviewed": crate::render::views::DateView::from(a.reviewed),
                "assessed": a.assessed,
                "shortcomings": a.shortcomings,
                "feedback": a.feedback,
                "authority": a.authority,
            })
        });
        ctx.insert("a11y", &a11y);
        writer.html("accessibility.html", &mut ctx, "/saavutettavuusseloste/")?;
        // The chapters' HTML does not pass through Tera (it would be copied into
        // the context and the output); the template gets a marker per chapter
        // and the adapted HTML is spliced in while assembling the page.
        let marker = |i: usize| format!("<!--hb:luku:{i}-->");
        let chapters: Vec<_> = self
            .lib
            .reading_order
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let p = self.lib.page(*id);
                serde_json::json!({
                    "title": p.front.title,
                    "description": p.front.description,
                    "anchor": crate::render::print::anchor(&p.path),
                    "content": marker(i),
                })
            })
            .collect();
        let mut ctx = writer.renderer.context();
        ctx.insert("chapters", &chapters);
        let shell = writer.shell("print.html", &mut ctx, "/tulosta/")?;
        let on_page = crate::render::print::Chapters::new(
            self.config.base_path(),
            self.lib.reading_order.iter().map(|id| self.lib.page(*id).path.as_str()),
        );
        writer
            .sink
            .write_stream(&index_file("/tulosta/"), &mut |out| {
                let mut rest = shell.as_str();
                let mut buf = String::new();
                for (i, id) in self.lib.reading_order.iter().enumerate() {
                    let m = marker(i);
                    let Some(at) = rest.find(&m) else { break };
                    out.write_all(&rest.as_bytes()[..at])?;
                    let anchor = crate::render::print::anchor(&self.lib.page(*id).path);
                    buf.clear();
                    crate::render::print::adapt_into(&pages_md[id.0].html, &anchor, &on_page, &mut buf);
                    out.write_all(buf.as_bytes())?;
                    rest = &rest[at + m.len()..];
                }
                out.write_all(rest.as_bytes())
            })
            .map_err(|e| {
                Diagnostic::error(
                    index_file("/tulosta/"),
                    0,
                    0,
                    format!("tulostetta ei voitu kirjoittaa ({})", crate::fsutil::io_reason(&e)),
                )
            })
    }

    /// What a deploy preview changes (empty outside previews).
    fn changes(&self) -> (ChangeSet, Diagnostics) {
        crate::preview::changes(&self.lib, &self.config, self.preview.as_ref(), self.repo.as_ref())
    }

    fn render_topics(&self, views: &Views, writer: &Writer) -> Vec<Result<(), Diagnostic>> {
        let mut out = Vec::new();
        let topics: Vec<serde_json::Value> = self
            .lib
            .topics
            .values()
            .map(|t| serde_json::json!({ "name": t.name, "url": views.url(&format!("/aihealueet/{}/", t.slug)), "count": t.pages.len() }))
            .collect();
        let mut ctx = writer.renderer.context();
        ctx.insert("topics", &topics);
        ctx.insert("url", &views.url("/aihealueet/"));
        out.push(writer.html("topics.html", &mut ctx, "/aihealueet/"));
        for t in self.lib.topics.values() {
            let path = format!("/aihealueet/{}/", t.slug);
            let pages: Vec<_> = t.pages.iter().map(|p| views.summary(*p)).collect();
            let mut ctx = writer.renderer.context();
            ctx.insert("topic", &serde_json::json!({ "name": t.name, "url": views.url(&path) }));
            ctx.insert("pages", &pages);
            out.push(writer.html("topic.html", &mut ctx, &path));
        }
        out
    }

    /// 404, sitemap, robots.txt and redirects for `aliases`.
    fn render_extras(&self, views: &Views, writer: &Writer) -> Result<(), Diagnostic> {
        let mut ctx = writer.renderer.context();
        let html = writer.shell("404.html", &mut ctx, "404")?;
        writer.file("404.html", html.as_bytes())?;
        let mut sitemap =
            String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        let mut entries: Vec<(String, Option<String>)> =
            self.lib.sections.iter().map(|s| (s.path.clone(), s.front.updated.or(s.front.created).map(|d| d.to_string()))).collect();
        entries.extend(self.lib.pages.iter().map(|p| (p.path.clone(), p.updated.or(p.created).map(|d| d.to_string()))));
        entries.push(("/aihealueet/".into(), None));
        entries.extend(self.lib.topics.values().map(|t| (format!("/aihealueet/{}/", t.slug), None)));
        entries.sort();
        for (path, lastmod) in entries {
            sitemap.push_str(&format!("  <url><loc>{}</loc>", markdown::highlight::escape(&views.permalink(&path))));
            if let Some(d) = lastmod {
                sitemap.push_str(&format!("<lastmod>{d}</lastmod>"));
            }
            sitemap.push_str("</url>\n");
        }
        sitemap.push_str("</urlset>\n");
        writer.file("sitemap.xml", sitemap.as_bytes())?;
        let robots = if self.preview.is_some() {
            // Previews are public but must never be indexed.
            "User-agent: *\nDisallow: /\n".to_string()
        } else {
            format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", views.permalink("/sitemap.xml"))
        };
        writer.file(
            "atom.xml",
            crate::feed::atom(&self.lib, &self.config.title, &self.config.language, &|p| views.permalink(p)).as_bytes(),
        )?;
        writer.file("robots.txt", robots.as_bytes())?;
        let mut redirects = String::new();
        for p in &self.lib.pages {
            let to = views.url(&p.path);
            for alias in &p.front.aliases {
                let from = normalise_alias(alias);
                redirects.push_str(&format!("{}{from} {to} 301\n", self.config.base_path()));
                let esc = markdown::highlight::escape(&to);
                let page = format!("<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><link rel=\"canonical\" href=\"{esc}\"><meta http-equiv=\"refresh\" content=\"0; url={esc}\"></head><body><p><a href=\"{esc}\">{}</a></p></body></html>\n", self.config.language, markdown::highlight::escape(&p.front.title), markdown::highlight::escape(&p.front.title));
                let file = if from.ends_with('/') { index_file(&from) } else { from.trim_start_matches('/').to_string() };
                writer.file(&file, page.as_bytes())?;
            }
        }
        if !redirects.is_empty() {
            writer.file("_redirects", redirects.as_bytes())?;
        }
        Ok(())
    }

    /// Theme static files, then content assets (which may override them).
    fn copy_files(&self, sink: &dyn Sink) -> Result<(), Diagnostic> {
        for (rel, bytes) in self.theme.statics() {
            // A stylesheet that prints internal links as full URLs gets the site's address.
            let bytes =
                if rel.ends_with(".css") { crate::render::print::with_site_url(bytes, &self.config.base_url) } else { bytes.into() };
            sink.write(rel, &bytes).map_err(|e| {
                Diagnostic::error(
                    format!("themes/{}/static/{rel}", self.config.theme),
                    0,
                    0,
                    format!("tiedostoa ei voitu kirjoittaa ({})", crate::fsutil::io_reason(&e)),
                )
            })?;
        }
        for a in &self.lib.assets {
            let bytes = std::fs::read(&a.abs).map_err(|e| {
                Diagnostic::error(a.display(), 0, 0, format!("tiedostoa ei voitu lukea ({})", crate::fsutil::io_reason(&e)))
            })?;
            sink.write(&a.rel, &bytes).map_err(|e| {
                Diagnostic::error(a.display(), 0, 0, format!("tiedostoa ei voitu kirjoittaa ({})", crate::fsutil::io_reason(&e)))
            })?;
        }
        Ok(())
    }
}

fn table_label(config: &Config) -> &'static str {
    crate::i18n::strings(&config.language).get("table").copied().unwrap_or("Taulukko")
}

/// Lap times of one run.
struct Clock {
    last: Instant,
    laps: Vec<Phase>,
}

impl Clock {
    fn new() -> Clock {
        Clock { last: Instant::now(), laps: Vec::new() }
    }

    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.laps.push(Phase::now(name, (now - self.last).as_secs_f64()));
        self.last = now;
    }
}

struct Writer<'a> {
    sink: &'a dyn Sink,
    renderer: &'a Renderer,
    /// The main navigation as rendered by `nav.html`, by (current URL, current
    /// section): on a large site every page would otherwise run the same loop
    /// over every section; here it runs once per distinct state.
    nav: Mutex<HashMap<(String, String), Arc<str>>>,
    /// URLs the navigation links to: only these make `current_url` matter to it.
    nav_urls: std::collections::HashSet<String>,
}

/// Stands in for a page's HTML in the template context; the real HTML is
/// spliced into the rendered template, so it is never copied into Tera's
/// context (which would serialise and copy every page's body).
const CONTENT_MARKER: &str = "<!--handbook:sisalto-->";

impl<'a> Writer<'a> {
    fn new(sink: &'a dyn Sink, renderer: &'a Renderer, views: &Views) -> Writer<'a> {
        let nav_urls = views.nav().into_iter().map(|l| l.url).collect();
        Writer { sink, renderer, nav: Mutex::default(), nav_urls }
    }

    /// The navigation HTML for `ctx`'s `current_url` and `current_section`.
    fn nav_html(&self, ctx: &Context) -> Result<Arc<str>, Diagnostic> {
        let get = |k: &str| ctx.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let mut key = (get("current_url"), get("current_section"));
        if !self.nav_urls.contains(&key.0) {
            key.0.clear();
        }
        if let Some(html) = self.nav.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(html.clone());
        }
        let mut nav_ctx = self.renderer.context();
        nav_ctx.insert("current_url", &key.0);
        nav_ctx.insert("current_section", &key.1);
        let html: Arc<str> = self.renderer.render("nav.html", &nav_ctx, &key.0)?.into();
        self.nav.lock().unwrap_or_else(|e| e.into_inner()).insert(key, html.clone());
        Ok(html)
    }

    /// Renders `template` with the navigation added to `ctx`.
    fn shell(&self, template: &str, ctx: &mut Context, path: &str) -> Result<String, Diagnostic> {
        ctx.insert("nav_html", &*self.nav_html(ctx)?);
        self.renderer.render(template, ctx, path)
    }

    /// Renders `template`, whose `page.content` is [`CONTENT_MARKER`], and writes it with `content` in its place.
    fn html_around(&self, template: &str, ctx: &mut Context, path: &str, content: &str) -> Result<(), Diagnostic> {
        let shell = self.shell(template, ctx, path)?;
        let chunks: Vec<&[u8]> = match shell.split_once(CONTENT_MARKER) {
            Some((head, tail)) => vec![head.as_bytes(), content.as_bytes(), tail.as_bytes()],
            None => vec![shell.as_bytes()],
        };
        self.sink.write_chunks(&index_file(path), &chunks).map_err(|e| {
            Diagnostic::error(index_file(path), 0, 0, format!("tulostetta ei voitu kirjoittaa ({})", crate::fsutil::io_reason(&e)))
        })
    }

    fn html(&self, template: &str, ctx: &mut Context, path: &str) -> Result<(), Diagnostic> {
        let html = self.shell(template, ctx, path)?;
        self.file(&index_file(path), html.as_bytes())
    }

    fn file(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.sink.write(rel, bytes).map_err(|e| {
            Diagnostic::error(rel, 0, 0, format!("tulostetta ei voitu kirjoittaa ({})", crate::fsutil::io_reason(&e)))
                .with_help("tarkista tulostekansion käyttöoikeudet ja vapaa levytila")
        })
    }
}

/// The statement must exist and be reviewed at least yearly (306/2019).
fn statement_warnings(config: &Config) -> Diagnostics {
    let mut diags = Diagnostics::new();
    match &config.accessibility {
        None => diags.push(
            Diagnostic::warning(config::CONFIG_FILE, 1, 1, "saavutettavuusseloste puuttuu asetuksista")
                .with_help("lisää `accessibility`-kohta (status, prepared, reviewed, assessed, feedback, authority); ks. README"),
        ),
        Some(a) if a.reviewed.plus_months(12) < crate::content::date::Date::today() => diags.push(
            Diagnostic::warning(
                config::CONFIG_FILE,
                a.reviewed_line,
                3,
                format!("saavutettavuusseloste on tarkistettu viimeksi {}, yli 12 kuukautta sitten", a.reviewed.finnish()),
            )
            .with_help("tarkista seloste ja päivitä `accessibility.reviewed`-päivämäärä"),
        ),
        Some(_) => {}
    }
    diags
}

/// Refuses output folders whose replacement would destroy the sources.
fn check_out_dir(root: &Path, out: &Path) -> Result<(), Diagnostics> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, out_abs) = (abs(root), abs(out));
    let bad = root.starts_with(&out_abs)
        || [content::CONTENT_DIR, "themes"].iter().any(|d| out_abs.starts_with(root.join(d)))
        || out_abs == root.join(config::CONFIG_FILE);
    if bad {
        return Err(Diagnostic::error(
            out.display().to_string(),
            0,
            0,
            "tulostekansioksi ei voi valita sivuston juurta, sen yläkansiota eikä kansiota `content/` tai `themes/`",
        )
        .with_help("valitse erillinen kansio, esim. `--out public`")
        .into());
    }
    Ok(())
}

/// Builds the site into `out` atomically: on any error `out` is left untouched.
pub fn build(opts: &Options, out: &Path) -> Result<Report, Diagnostics> {
    let started = Instant::now();
    check_out_dir(&opts.root, out)?;
    let (mut site, load_warnings) = Site::load(opts)?;
    let load_phase = Phase::now("load", started.elapsed().as_secs_f64());
    let io_err = |e: std::io::Error| {
        Diagnostics::from(Diagnostic::error(
            out.display().to_string(),
            0,
            0,
            format!("tulostekansiota ei voitu valmistella ({})", crate::fsutil::io_reason(&e)),
        ))
    };
    let with_load_warnings = |mut d: Diagnostics| {
        d.extend(load_warnings.clone());
        d
    };
    let prepared = site.prepare().map_err(with_load_warnings)?;
    // Everything is parsed and checked: a large site need not hold its sources while writing.
    site.lib.release_sources();
    let staging = Staging::new(out).map_err(io_err)?;
    let mut report = site.write(prepared, &staging).map_err(with_load_warnings)?;
    let before_publish = Instant::now();
    staging.publish().map_err(io_err)?;
    report.phases.insert(0, load_phase);
    report.phases.push(Phase::now("publish", before_publish.elapsed().as_secs_f64()));
    report.warnings.extend(load_warnings);
    report.files = count_files(out);
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

fn count_files(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()).count()
}

/// `check`, then every external link (see `external`); also returns how many URLs were checked.
pub fn check_external(opts: &Options, limits: crate::external::Limits) -> Result<(Report, usize), Diagnostics> {
    let report = check(opts)?;
    let (site, _) = Site::load(opts)?;
    let (count, diags) = crate::external::check(site.external_uses(), limits);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((report, count))
}

/// Validates everything `build` validates, writing nothing.
pub fn check(opts: &Options) -> Result<Report, Diagnostics> {
    let started = Instant::now();
    let (site, load_warnings) = Site::load(opts)?;
    let mut report = site.render(&NullSink).map_err(|mut d| {
        d.extend(load_warnings.clone());
        d
    })?;
    report.warnings.extend(load_warnings);
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
