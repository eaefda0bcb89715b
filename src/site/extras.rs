//! The pages and files that list or point at other pages: topics, 404,
//! sitemap, robots.txt, the Atom feed, redirects for old addresses, the
//! accessibility statement, and the theme's and content's static files.

use rayon::prelude::*;

use super::{writer::Writer, Site};
use crate::content;
use crate::content::library::normalise_alias;
use crate::diagnostics::Diagnostic;
use crate::markdown;
use crate::output::Sink;
use crate::render::views::{Summaries, Views};

impl Site {
    pub(super) fn render_topics(&self, views: &Views, summaries: &Summaries, writer: &Writer) -> Vec<Result<(), Diagnostic>> {
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
        let each: Vec<_> = self.lib.topics.values().collect();
        // A context per job, not per topic (the shared values hold every top-level section).
        out.par_extend(each.par_iter().map_init(
            || writer.renderer.context(),
            |ctx, t| {
                let path = format!("/aihealueet/{}/", t.slug);
                ctx.insert("topic", &serde_json::json!({ "name": t.name, "url": views.url(&path) }));
                ctx.insert_value("pages", summaries.list(&t.pages));
                writer.html("topic.html", ctx, &path)
            },
        ));
        out
    }

    /// 404, sitemap, robots.txt and redirects for `aliases`.
    pub(super) fn render_extras(&self, views: &Views, writer: &Writer) -> Result<(), Diagnostic> {
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
                let canonical = markdown::highlight::escape(&views.permalink(&p.path));
                let page = format!("<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><link rel=\"canonical\" href=\"{canonical}\"><meta http-equiv=\"refresh\" content=\"0; url={esc}\"></head><body><p><a href=\"{esc}\">{}</a></p></body></html>\n", self.config.language, markdown::highlight::escape(&p.front.title), markdown::highlight::escape(&p.front.title));
                let file = content::aliases::output_file(&from);
                writer.file(&file, page.as_bytes())?;
            }
        }
        if !redirects.is_empty() {
            writer.file("_redirects", redirects.as_bytes())?;
        }
        Ok(())
    }

    /// Theme static files, then content assets (which may override them).
    pub(super) fn copy_files(&self, sink: &dyn Sink) -> Result<(), Diagnostic> {
        // A content asset at the same path replaces the theme's file (each output path is written once).
        for (rel, bytes) in self.theme.statics().filter(|(rel, _)| !self.lib.is_asset(rel)) {
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

    /// The accessibility statement (laki digitaalisten palvelujen tarjoamisesta 306/2019).
    pub(super) fn render_statement(&self, writer: &Writer) -> Result<(), Diagnostic> {
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
        writer.html("accessibility.html", &mut ctx, "/saavutettavuusseloste/")
    }
}
