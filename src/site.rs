//! The site: sequences the steps — configuration, discovery, library, Markdown,
//! templates, output — and contains no parsing or rendering of its own.
//!
//! [`Site::load`] validates everything that can be validated before rendering;
//! [`Site::render`] renders into any [`Sink`]; [`build`] and [`check`] are the
//! two entry points the command line uses. `serve` re-renders single pages
//! through [`Site::page_markdown`] and [`Site::render_bodies`], which `render`
//! itself uses, so a page rendered alone is byte-identical to a full render.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use tera::Context;

use crate::config::{self, Config};
use crate::content::front_matter::LinkTarget;
use crate::content::library::{normalise_alias, ROOT};
use crate::content::{self, Library, PageId};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::links::LinkResolver;
use crate::markdown::{self, Rendered, Source};
use crate::output::{NullSink, Sink, Staging};
use crate::render::views::Views;
use crate::render::Renderer;
use crate::theme::Theme;

/// What the command line asks for.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub drafts: bool,
    pub base_url: Option<String>,
}

/// A loaded, validated site.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub theme: Theme,
    pub lib: Library,
}

/// What a successful run did.
#[derive(Debug, Default)]
pub struct Report {
    pub pages: usize,
    pub files: usize,
    pub warnings: Diagnostics,
    pub seconds: f64,
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
        let (lib, lib_diags) = Library::new(files, &config, opts.drafts);
        diags.extend(lib_diags);
        let theme = match theme {
            Ok(t) => t,
            Err(d) => {
                diags.extend(d);
                Theme::default()
            }
        };
        if diags.has_errors() {
            return Err(diags);
        }
        Ok((Site { root: opts.root.clone(), config, theme, lib }, diags))
    }

    fn resolver(&self) -> LinkResolver<'_> {
        LinkResolver { lib: &self.lib, base_path: self.config.base_path() }
    }

    /// Renders the Markdown of every page and section, in parallel.
    fn markdown(&self, table_label: &str) -> (Vec<Rendered>, Vec<Rendered>) {
        let resolver = self.resolver();
        let pages = self.lib.pages.par_iter().map(|p| self.page_markdown_with(p.id, &resolver, table_label)).collect();
        let sections = self
            .lib
            .sections
            .iter()
            .map(|s| match &s.source {
                Some(src) => {
                    let display = src.display();
                    markdown::render(
                        &Source { display: &display, rel: &src.rel, file_text: &s.text, body_offset: s.body_offset },
                        &resolver,
                        table_label,
                        0,
                    )
                }
                None => Rendered::default(),
            })
            .collect();
        (pages, sections)
    }

    fn page_markdown_with(&self, id: PageId, resolver: &LinkResolver, table_label: &str) -> Rendered {
        let p = self.lib.page(id);
        let display = p.source.display();
        let offset = u8::from(p.kind == content::front_matter::PageKind::Model);
        markdown::render(
            &Source { display: &display, rel: &p.source.rel, file_text: &p.text, body_offset: p.body_offset },
            resolver,
            table_label,
            offset,
        )
    }

    /// The Markdown of one page exactly as [`Site::render`] makes it (for `serve`,
    /// which re-renders only the page whose body was edited).
    pub fn page_markdown(&self, id: PageId) -> Rendered {
        self.page_markdown_with(id, &self.resolver(), table_label(&self.config))
    }

    fn views(&self) -> Views<'_> {
        Views { lib: &self.lib, config: &self.config, resolver: self.resolver() }
    }

    /// The compiled theme with the context every page shares, as [`Site::render`] uses it.
    pub fn renderer(&self) -> Result<Renderer, Diagnostics> {
        let nav = serde_json::to_value(self.views().nav()).unwrap_or_default();
        Renderer::new(&self.theme, &self.config, nav)
    }

    /// Renders what depends on the Markdown body of `pages` and nothing else —
    /// today only each page's own HTML — for `serve` after an edit that changed
    /// only these bodies (front matter byte-identical). A step that starts reading
    /// other pages' bodies (a print page, a search index) must be rendered here too.
    pub fn render_bodies(&self, renderer: &Renderer, pages: &[(PageId, &Rendered)], sink: &dyn Sink) -> Result<(), Diagnostics> {
        let views = self.views();
        let writer = Writer { sink, renderer };
        let results: Vec<Result<(), Diagnostic>> = pages.par_iter().map(|(id, md)| self.page_html(&views, &writer, *id, md)).collect();
        let diags: Diagnostics = results.into_iter().filter_map(Result::err).collect();
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(())
    }

    fn page_html(&self, views: &Views, writer: &Writer, id: PageId, md: &Rendered) -> Result<(), Diagnostic> {
        let p = self.lib.page(id);
        let view = views.page(id, md);
        let template = p.front.template.clone().unwrap_or_else(|| match p.kind {
            content::front_matter::PageKind::Chapter => "chapter.html".into(),
            content::front_matter::PageKind::Model => "model.html".into(),
        });
        let mut ctx = writer.renderer.context();
        ctx.insert("page", &view);
        writer.html(&template, &ctx, &p.path)
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
                    let help = un.closest.map_or("tarkista polku: se luetaan tämän tiedoston kansiosta".to_string(), |c| {
                        format!("tarkoititko `content/{c}`?")
                    });
                    diags.push(
                        Diagnostic::error(p.source.display(), line, 1, format!("tiedostoa `content/{}` ei löydy", un.wanted))
                            .with_help(help)
                            .with_source(&p.text),
                    );
                }
            }
        }
        diags
    }

    /// Renders the whole site into `sink`.
    pub fn render(&self, sink: &dyn Sink) -> Result<Report, Diagnostics> {
        let (pages_md, sections_md) = self.markdown(table_label(&self.config));
        let mut diags: Diagnostics = pages_md.iter().chain(&sections_md).flat_map(|r| r.diagnostics.iter().cloned()).collect();
        diags.extend(self.check_front_links());
        let views = self.views();
        let renderer = match self.renderer() {
            Ok(r) => Some(r),
            Err(d) => {
                diags.extend(d);
                None
            }
        };
        let Some(renderer) = renderer.filter(|_| !diags.has_errors()) else { return Err(diags) };
        let writer = Writer { sink, renderer: &renderer };
        let mut results: Vec<Result<(), Diagnostic>> =
            self.lib.pages.par_iter().map(|p| self.page_html(&views, &writer, p.id, &pages_md[p.id.0])).collect();
        for s in &self.lib.sections {
            let view = views.section(s.id, &sections_md[s.id.0]);
            let template = s.front.template.clone().unwrap_or_else(|| {
                if s.id == ROOT {
                    "home.html"
                } else if view.is_catalogue {
                    "catalogue.html"
                } else {
                    "section.html"
                }
                .into()
            });
            let mut ctx = renderer.context();
            ctx.insert("section", &view);
            if s.id == ROOT {
                let chapters: Vec<_> = self.lib.reading_order.iter().map(|p| views.summary(*p)).collect();
                let models: Vec<_> = self.lib.models.iter().map(|p| views.summary(*p)).collect();
                ctx.insert("chapters", &chapters);
                ctx.insert("models", &models);
            }
            results.push(writer.html(&template, &ctx, &s.path));
        }
        results.extend(self.render_topics(&views, &writer));
        results.push(self.render_extras(&views, &writer));
        results.push(self.copy_files(sink));
        diags.extend(results.into_iter().filter_map(Result::err).collect());
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Report { pages: self.lib.pages.len() + self.lib.sections.len(), files: 0, warnings: diags, seconds: 0.0 })
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
        out.push(writer.html("topics.html", &ctx, "/aihealueet/"));
        for t in self.lib.topics.values() {
            let path = format!("/aihealueet/{}/", t.slug);
            let pages: Vec<_> = t.pages.iter().map(|p| views.summary(*p)).collect();
            let mut ctx = writer.renderer.context();
            ctx.insert("topic", &serde_json::json!({ "name": t.name, "url": views.url(&path) }));
            ctx.insert("pages", &pages);
            out.push(writer.html("topic.html", &ctx, &path));
        }
        out
    }

    /// 404, sitemap, robots.txt and redirects for `aliases`.
    fn render_extras(&self, views: &Views, writer: &Writer) -> Result<(), Diagnostic> {
        let ctx = writer.renderer.context();
        let html = writer.renderer.render("404.html", &ctx, "404")?;
        writer.file("404.html", html.as_bytes())?;
        let mut sitemap =
            String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        let mut entries: Vec<(String, Option<String>)> =
            self.lib.sections.iter().map(|s| (s.path.clone(), s.front.updated.or(s.front.created).map(|d| d.to_string()))).collect();
        entries.extend(self.lib.pages.iter().map(|p| (p.path.clone(), p.front.updated.or(p.front.created).map(|d| d.to_string()))));
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
        let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", views.permalink("/sitemap.xml"));
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
            sink.write(rel, bytes).map_err(|e| {
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

struct Writer<'a> {
    sink: &'a dyn Sink,
    renderer: &'a Renderer,
}

impl Writer<'_> {
    fn html(&self, template: &str, ctx: &Context, path: &str) -> Result<(), Diagnostic> {
        let html = self.renderer.render(template, ctx, path)?;
        self.file(&index_file(path), html.as_bytes())
    }

    fn file(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.sink.write(rel, bytes).map_err(|e| {
            Diagnostic::error(rel, 0, 0, format!("tulostetta ei voitu kirjoittaa ({})", crate::fsutil::io_reason(&e)))
                .with_help("tarkista tulostekansion käyttöoikeudet ja vapaa levytila")
        })
    }
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
    let (site, load_warnings) = Site::load(opts)?;
    let io_err = |e: std::io::Error| {
        Diagnostics::from(Diagnostic::error(
            out.display().to_string(),
            0,
            0,
            format!("tulostekansiota ei voitu valmistella ({})", crate::fsutil::io_reason(&e)),
        ))
    };
    let staging = Staging::new(out).map_err(io_err)?;
    let mut report = site.render(&staging).map_err(|mut d| {
        d.extend(load_warnings.clone());
        d
    })?;
    staging.publish().map_err(io_err)?;
    report.warnings.extend(load_warnings);
    report.files = count_files(out);
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

fn count_files(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()).count()
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
