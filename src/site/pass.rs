//! The rendering pass. [`Site::render_pages`] sweeps over the pages once:
//! each page's Markdown is rendered, put through its template, written, and
//! adapted into the print page in reading order, a batch at a time, so no
//! page's HTML outlives its batch, nor a chapter's print HTML the next one
//! (a 10,000-page site never holds them all). Each batch's search texts
//! are counted for the index as soon as the batch is rendered, and a build
//! then frees them, as it frees each page's Markdown once the page is
//! written ([`Sources::Release`]).
//! Front-matter references are checked before the pass; anchors, which
//! need every page, after it.
//! [`Site::render_rest`] then writes everything that lists pages (sections,
//! topics, feeds, the statement) and the search index. `serve` renders single
//! pages through the entry points at the end.

use std::borrow::Cow;

use rayon::prelude::*;
use tera::Context;

use super::print::{chapter_anchor, chapters, print_error, PRINT_PATH};
use super::writer::{index_file, Writer, CONTENT_MARKER};
use super::{table_label, Clock, Report, Site};
use crate::changes::ChangeSet;
use crate::content::front_matter::{LinkTarget, PageKind};
use crate::content::library::ROOT;
use crate::content::PageId;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::links::LinkResolver;
use crate::markdown::{self, RenderOptions, Rendered, Source, TextSection};
use crate::output::{Sink, Stream};
use crate::render::print::Chapters;
use crate::render::views::{Summaries, Views};
use crate::render::Renderer;
use crate::search::analyze::{Counter, Pending};
use crate::search::engine::{count_sections, Counts};

/// Pages rendered per batch of the pass: enough to keep every core busy,
/// few enough that their HTML is a small part of the memory.
const BATCH: usize = 256;

/// What every page of the pass is rendered with.
struct PassTools<'a> {
    views: &'a Views<'a>,
    writer: &'a Writer<'a>,
    resolver: &'a LinkResolver<'a>,
    /// The chapters on the print page (links between them become in-page links).
    on_page: Chapters,
    sources: Sources,
}

/// What the pass does with a page's source text once the page is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sources {
    /// Kept, with the pages' search texts: `serve` renders the same library
    /// again after an edit, and indexes the texts again.
    Keep,
    /// Freed, unless the page has a link to a heading (`…#ankkuri`: the
    /// anchor check after the pass may quote the link's line), and its search
    /// texts once counted: a build renders each page once.
    Release,
}

/// What [`Site::render_pages`] leaves for [`Site::render_rest`]: every page's
/// and section's Markdown without its HTML (tables of contents, anchors,
/// section texts for search), the proposal's changes and the compiled theme.
pub struct PagesDone {
    pages_md: Vec<Rendered>,
    sections_md: Vec<Rendered>,
    /// The pages' search texts, counted: `counts.inputs` by page id.
    counts: Counts,
    changes: ChangeSet,
    renderer: Renderer,
    warnings: Diagnostics,
    clock: Clock,
}

/// One page of a batch of the pass (see [`Site::page_batch`]).
struct PageDone {
    /// Its Markdown, without the HTML (written).
    md: Rendered,
    /// Whether it was written.
    result: Result<(), Diagnostic>,
    /// For a chapter, its HTML as the print page shows it.
    print: String,
    /// Its search texts, counted.
    counted: Vec<Pending>,
}

impl Site {
    /// Renders the whole site into `sink`; with [`Sources::Release`], only once.
    pub fn render(&self, sink: &dyn Sink, sources: Sources) -> Result<Report, Diagnostics> {
        let done = self.render_pages(sink, sources)?;
        self.render_rest(done, sink)
    }

    /// Renders and writes every page and the print page, then checks links,
    /// anchors and front-matter references. Nothing after this reads a page's
    /// source (so a build may release them: `Library::release_sources`).
    pub fn render_pages(&self, sink: &dyn Sink, sources: Sources) -> Result<PagesDone, Diagnostics> {
        let mut clock = Clock::new();
        let (changes, mut diags) = self.changes();
        // Before the pass, which may release the texts these messages quote.
        let front_links = self.check_front_links();
        let renderer = match Renderer::new(&self.theme, &self.config, &self.shared(&self.views(&changes), &changes)) {
            Ok(r) => r,
            Err(d) => {
                // The theme's problems and the content's, reported together.
                diags.extend(d);
                let (pages_md, sections_md) = self.markdown(table_label(&self.config));
                diags.extend(self.checks(&pages_md, &sections_md, front_links));
                return Err(diags);
            }
        };
        let resolver = self.resolver();
        let sections_md = self.markdown_sections(table_label(&self.config));
        let mut pages_md = vec![Rendered::default(); self.lib.pages.len()];
        let mut counts = Counts { counter: Counter::default(), inputs: Vec::new() };
        counts.inputs.resize_with(self.lib.pages.len(), Vec::new);
        let mut results: Vec<Result<(), Diagnostic>> = Vec::new();
        {
            let views = self.views(&changes);
            let writer = Writer::new(sink, &renderer, &views);
            // Chapters in reading order first (they make up the print page), then the rest.
            let chapter_count = self.lib.reading_order.len();
            let mut order = self.lib.reading_order.clone();
            let mut in_order = vec![false; self.lib.pages.len()];
            order.iter().for_each(|id| in_order[id.0] = true);
            order.extend(self.lib.pages.iter().map(|p| p.id).filter(|id| !in_order[id.0]));
            let tools = PassTools { views: &views, writer: &writer, resolver: &resolver, on_page: chapters(self), sources };
            let batches: Vec<&[PageId]> = order.chunks(BATCH).collect();
            // The print page's template (which lists every chapter) is rendered with the first batch.
            let counter = &mut counts.counter;
            let (shell, mut first) = rayon::join(
                || self.print_shell(&writer),
                || batches.first().map(|batch| self.page_batch(&tools, batch, 0, chapter_count, counter)),
            );
            match shell {
                Ok(shell) => {
                    let written = writer.sink.write_stream(&index_file(PRINT_PATH), &mut |out| {
                        // A batch's chapters go onto the print page (one file,
                        // one thread) while the next batch is rendered.
                        let mut chapters: Vec<(usize, String)> = Vec::new();
                        let write = |out: &mut Stream, chapters: Vec<(usize, String)>| {
                            chapters.iter().try_for_each(|(i, print)| shell.chapter(out, *i, print))
                        };
                        for (b, batch) in batches.iter().enumerate() {
                            let previous = std::mem::take(&mut chapters);
                            let (done, wrote) = match first.take() {
                                Some(done) => (done, Ok(())),
                                None => rayon::join(
                                    || self.page_batch(&tools, batch, b * BATCH, chapter_count, counter),
                                    || write(&mut *out, previous),
                                ),
                            };
                            wrote?;
                            for (k, (id, PageDone { md, result, print, counted })) in batch.iter().zip(done).enumerate() {
                                if b * BATCH + k < chapter_count {
                                    chapters.push((b * BATCH + k, print));
                                }
                                pages_md[id.0] = md;
                                counts.inputs[id.0] = counted;
                                results.push(result);
                            }
                        }
                        write(&mut *out, chapters)?;
                        shell.finish(out)
                    });
                    results.push(written.map_err(|e| print_error(&e)));
                }
                Err(d) => results.push(Err(d)),
            }
        }
        clock.lap("pages");
        diags.extend(results.into_iter().filter_map(Result::err).collect());
        diags.extend(self.checks(&pages_md, &sections_md, front_links));
        clock.lap("checks");
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(PagesDone { pages_md, sections_md, counts, changes, renderer, warnings: diags, clock })
    }

    /// One batch of the pass: each page's Markdown (its HTML dropped once
    /// written), the result of writing it, for a chapter its HTML as the
    /// print page shows it, and its search texts counted by `counter` (see
    /// [`Counts`]). `first` is the batch's place in `order`.
    fn page_batch(&self, tools: &PassTools, batch: &[PageId], first: usize, chapter_count: usize, counter: &mut Counter) -> Vec<PageDone> {
        let PassTools { views, writer, resolver, on_page, sources } = tools;
        // One template context per worker, refilled for each page: the shared
        // values (site, strings, navigation) are not copied for every page.
        let mut done: Vec<(Rendered, Result<(), Diagnostic>, String)> = batch
            .par_iter()
            .enumerate()
            .map_init(
                || writer.page_context(),
                |ctx, (k, id)| {
                    let mut md = self.page_markdown_with(resolver, *id);
                    let result = self.page_html(views, writer, ctx, *id, &md);
                    let mut print = String::new();
                    if first + k < chapter_count {
                        crate::render::print::adapt_into(&md.html, &chapter_anchor(self, *id), on_page, &mut print);
                    }
                    md.html = String::new();
                    if *sources == Sources::Release && md.links.is_empty() {
                        self.lib.page(*id).text.release();
                    }
                    (md, result, print)
                },
            )
            .collect();
        // The search texts are counted a batch at a time (a task's table of
        // words serves many pages); a build then frees them, as it freed the
        // Markdown: nothing but the count reads a page's search text.
        let sections: Vec<&[TextSection]> = done.iter().map(|(md, ..)| md.sections.as_slice()).collect();
        let counted = count_sections(counter, &sections);
        if *sources == Sources::Release {
            done.iter_mut().flat_map(|(md, ..)| &mut md.sections).for_each(|s| s.text = String::new());
        }
        done.into_iter().zip(counted).map(|((md, result, print), counted)| PageDone { md, result, print, counted }).collect()
    }

    /// Everything rendered Markdown is checked for once every page is rendered.
    fn checks(&self, pages_md: &[Rendered], sections_md: &[Rendered], front_links: Diagnostics) -> Diagnostics {
        let mut diags: Diagnostics = pages_md.iter().chain(sections_md).flat_map(|r| r.diagnostics.iter().cloned()).collect();
        diags.extend(front_links);
        diags.extend(crate::check::anchors(&self.lib, pages_md, sections_md));
        diags
    }

    /// Section pages, topics, feeds and redirects, the statement, the changes
    /// page of a preview, static files, and search: what lists other pages.
    pub fn render_rest(&self, done: PagesDone, sink: &dyn Sink) -> Result<Report, Diagnostics> {
        let PagesDone { pages_md, sections_md, counts, changes, renderer, warnings: mut diags, mut clock } = done;
        let views = self.views(&changes);
        let writer = Writer::new(sink, &renderer, &views);
        // Static files first, before the two sides below write at once. Content
        // files in the generator's own folders are refused at load; a theme's
        // static file could still claim a path a listing or the search export
        // writes, and the refusal must always fall on the same writer.
        let copied = self.copy_files(sink);
        // The listings and the search index read the same finished pages and
        // write different files: each keeps a core busy while the other waits
        // on its own serial steps (the index's writer, the export's shards).
        let (mut results, searched) = rayon::join(
            || self.render_listings(&views, &writer, &sections_md, &changes),
            || self.write_search(&views, &writer, Cow::Owned(pages_md), &sections_md, counts),
        );
        results.extend([copied, searched]);
        clock.lap("lists+search");
        diags.extend(results.into_iter().filter_map(Result::err).collect());
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Report { pages: self.lib.pages.len() + self.lib.sections.len(), files: 0, warnings: diags, seconds: 0.0, phases: clock.laps })
    }

    /// Everything that lists pages except search: sections, topics, feeds and
    /// redirects, the statement, the changes page of a preview.
    fn render_listings(
        &self,
        views: &Views,
        writer: &Writer,
        sections_md: &[Rendered],
        changes: &ChangeSet,
    ) -> Vec<Result<(), Diagnostic>> {
        let summaries = views.summaries();
        let mut results = self.render_section_pages(views, &summaries, writer, sections_md);
        results.extend(self.render_topics(views, &summaries, writer));
        results.push(self.render_extras(views, writer));
        results.push(self.render_statement(writer));
        if self.preview.is_some() {
            let mut ctx = writer.renderer.context();
            let list: Vec<_> = changes.iter().map(|c| serde_json::json!({ "kind": c.kind, "source": c.source, "title": c.title, "url": c.url.as_deref().map(|u| views.url(u)), "anchor": c.anchor, "redline": c.redline })).collect();
            ctx.insert("changes", &list);
            ctx.insert("unknown", &changes.unknown);
            results.push(writer.html("changes.html", &mut ctx, "/muutokset/"));
        }
        results
    }

    /// Every section's page: the home page, chapter sections, the catalogue.
    fn render_section_pages(
        &self,
        views: &Views,
        summaries: &Summaries,
        writer: &Writer,
        sections_md: &[Rendered],
    ) -> Vec<Result<(), Diagnostic>> {
        self.lib
            .sections
            .par_iter()
            // A context per job, not per section: the shared values include
            // every top-level section, so a copy for each would cost
            // sections × sections.
            .map_init(
                || writer.renderer.context(),
                |ctx, s| {
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
                    ctx.insert("current_url", &view.url);
                    ctx.insert("current_section", &self.top_section_url(views, s.id));
                    ctx.insert_value("section", view.value(summaries));
                    if s.id == ROOT {
                        // Only the home page has these: on a copy, so that no other section sees them.
                        let mut ctx = ctx.clone();
                        ctx.insert_value("chapters", summaries.list(&self.lib.reading_order));
                        ctx.insert_value("models", summaries.list(&self.lib.models));
                        return writer.html(&template, &mut ctx, &s.path);
                    }
                    writer.html(&template, ctx, &s.path)
                },
            )
            .collect()
    }

    /// Renders the Markdown of every page and section, in parallel.
    pub(super) fn markdown(&self, table_label: &str) -> (Vec<Rendered>, Vec<Rendered>) {
        let opts = RenderOptions { table_label, heading_offset: 0, trusted_html: self.config.trusted_html };
        let resolver = self.resolver();
        let pages = self
            .lib
            .pages
            .par_iter()
            .map(|p| {
                let display = p.source.display();
                let offset = u8::from(p.kind == PageKind::Model);
                markdown::render(
                    &Source { display: &display, rel: &p.source.rel, file_text: &p.text.get(), body_offset: p.body_offset },
                    &resolver,
                    RenderOptions { heading_offset: offset, ..opts },
                )
            })
            .collect();
        (pages, self.markdown_sections(table_label))
    }

    /// Renders the Markdown of every section's `_index.md`.
    pub(super) fn markdown_sections(&self, table_label: &str) -> Vec<Rendered> {
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
    /// A memo is a URL or, like `links[].file`, a file or page next to the card.
    pub(super) fn check_front_links(&self) -> Diagnostics {
        let resolver = self.resolver();
        let mut diags = Diagnostics::new();
        for p in &self.lib.pages {
            let m = &p.front.model;
            let mut refs: Vec<(&str, usize, usize)> = Vec::new();
            if let Some(c) = &m.cover {
                refs.push((&c.image, c.line, c.col));
            }
            for l in &m.links {
                if let LinkTarget::File(f) = &l.target {
                    refs.push((f, l.value_line, l.value_col));
                }
            }
            refs.extend(m.meetings.iter().filter_map(|x| Some((x.memo.as_deref()?, x.memo_line, x.memo_col))));
            for (href, line, col) in refs {
                if let Err(un) = resolver.resolve(&p.source.rel, href) {
                    let dir = p.source.rel.rsplit_once('/').map_or("", |(d, _)| d);
                    if crate::markdown::links::join(dir, href).is_none() {
                        diags.push(
                            Diagnostic::error(
                                p.source.display(),
                                line,
                                col,
                                format!("polku `{href}` johtaa kansion `content/` ulkopuolelle"),
                            )
                            .with_help("viittaa tiedostoon tai sivuun kansiossa `content/`, esim. `liitteet/muistio.pdf` tai `../luku.md`")
                            .with_source(&p.text.get()),
                        );
                        continue;
                    }
                    diags.push(
                        Diagnostic::error(p.source.display(), line, col, un.message("tiedostoa"))
                            .with_help(un.help())
                            .with_source(&p.text.get()),
                    );
                }
            }
        }
        diags
    }

    /// The Markdown of one page, rendered with `resolver`.
    fn page_markdown_with(&self, resolver: &LinkResolver, id: PageId) -> Rendered {
        let p = self.lib.page(id);
        let display = p.source.display();
        let opts = RenderOptions {
            table_label: table_label(&self.config),
            heading_offset: u8::from(p.kind == PageKind::Model),
            trusted_html: self.config.trusted_html,
        };
        markdown::render(
            &Source { display: &display, rel: &p.source.rel, file_text: &p.text.get(), body_offset: p.body_offset },
            resolver,
            opts,
        )
    }

    /// One page's HTML; its body is spliced in past Tera (see `Writer::html_around`).
    pub(super) fn page_html(&self, views: &Views, writer: &Writer, ctx: &mut Context, id: PageId, md: &Rendered) -> Result<(), Diagnostic> {
        let p = self.lib.page(id);
        let view = views.page(id, CONTENT_MARKER, &md.toc);
        let template = p.front.template.clone().unwrap_or_else(|| match p.kind {
            PageKind::Chapter => "chapter.html".into(),
            PageKind::Model => "model.html".into(),
        });
        ctx.insert("current_url", &view.url);
        ctx.insert("current_section", &self.top_section_url(views, p.section));
        ctx.insert("page", &view);
        writer.html_around(&template, ctx, &p.path, &md.html)
    }

    /// The compiled theme with the context every page shares, as [`Site::render`] uses it.
    pub fn renderer(&self) -> Result<Renderer, Diagnostics> {
        let (changes, _) = self.changes();
        Renderer::new(&self.theme, &self.config, &self.shared(&self.views(&changes), &changes))
    }

    /// The Markdown of one page exactly as [`Site::render`] makes it (for `serve`).
    pub fn page_markdown(&self, id: PageId) -> Rendered {
        self.page_markdown_with(&self.resolver(), id)
    }

    /// For `serve` after edits that changed only page bodies (front matter
    /// byte-identical): re-checks every anchor, as [`Site::render`] does, and
    /// re-renders the `changed` pages. `pages` and `sections` hold every page's
    /// and section's current Markdown. What reads every body — the print page
    /// and the search index — is left to [`Site::render_print_and_search`].
    pub fn render_bodies(
        &self,
        renderer: &Renderer,
        pages: &[Rendered],
        sections: &[Rendered],
        changed: &[PageId],
        sink: &dyn Sink,
    ) -> Result<(), Diagnostics> {
        let mut diags = crate::check::anchors(&self.lib, pages, sections);
        if diags.has_errors() {
            return Err(diags);
        }
        let (changes, _) = self.changes();
        let views = self.views(&changes);
        let writer = Writer::new(sink, renderer, &views);
        let results: Vec<Result<(), Diagnostic>> = changed
            .par_iter()
            .map_init(|| writer.page_context(), |ctx, id| self.page_html(&views, &writer, ctx, *id, &pages[id.0]))
            .collect();
        diags.extend(results.into_iter().filter_map(Result::err).collect());
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(())
    }

    /// For `serve`, after [`Site::render_bodies`]: the files that read every
    /// page's body — the accessibility statement and print page, the search
    /// page and its index — exactly as [`Site::render`] writes them.
    pub fn render_print_and_search(
        &self,
        renderer: &Renderer,
        pages: &[Rendered],
        sections: &[Rendered],
        sink: &dyn Sink,
    ) -> Result<(), Diagnostics> {
        let (changes, _) = self.changes();
        let views = self.views(&changes);
        let writer = Writer::new(sink, renderer, &views);
        let results = [
            self.render_statement(&writer).and_then(|()| self.render_print(&writer, &|id| pages[id.0].html.as_str())),
            self.write_search(&views, &writer, Cow::Borrowed(pages), sections, Counts::default()),
        ];
        let diags: Diagnostics = results.into_iter().filter_map(Result::err).collect();
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(())
    }
}
