//! Writing rendered files: [`Writer`] renders a template with the navigation
//! (rendered once per state, not once per page) and writes the result to the
//! [`Sink`], turning every failure into a diagnostic.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::output::Sink;
use crate::render::views::Views;
use crate::render::Renderer;

/// Output path of a site path: `/a/b/` → `a/b/index.html`.
pub fn index_file(path: &str) -> String {
    format!("{}index.html", path.trim_start_matches('/'))
}

pub(super) struct Writer<'a> {
    pub(super) sink: &'a dyn Sink,
    pub(super) renderer: &'a Renderer,
    /// The main navigation as rendered by `nav.html`, by (current URL, current
    /// section): on a large site every page would otherwise run the same loop
    /// over every section; here it runs once per distinct state.
    nav: Mutex<HashMap<(String, String), Arc<str>>>,
    /// URLs the navigation links to: only these make `current_url` matter to it.
    nav_urls: HashSet<String>,
}

/// Stands in for a page's HTML in the template context; the real HTML is
/// spliced into the rendered template, so it is never copied into Tera's
/// context (which would serialise and copy every page's body).
pub(super) const CONTENT_MARKER: &str = "<!--handbook:sisalto-->";

impl<'a> Writer<'a> {
    pub(super) fn new(sink: &'a dyn Sink, renderer: &'a Renderer, views: &Views) -> Writer<'a> {
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
    pub(super) fn shell(&self, template: &str, ctx: &mut Context, path: &str) -> Result<String, Diagnostic> {
        ctx.insert("nav_html", &*self.nav_html(ctx)?);
        self.renderer.render(template, ctx, path)
    }

    /// Renders `template`, whose `page.content` is [`CONTENT_MARKER`], and writes it with `content` in its place.
    pub(super) fn html_around(&self, template: &str, ctx: &mut Context, path: &str, content: &str) -> Result<(), Diagnostic> {
        let shell = self.shell(template, ctx, path)?;
        let chunks: Vec<&[u8]> = match shell.split_once(CONTENT_MARKER) {
            Some((head, tail)) => vec![head.as_bytes(), content.as_bytes(), tail.as_bytes()],
            None => vec![shell.as_bytes()],
        };
        self.sink.write_chunks(&index_file(path), &chunks).map_err(|e| {
            Diagnostic::error(index_file(path), 0, 0, format!("tulostetta ei voitu kirjoittaa ({})", crate::fsutil::io_reason(&e)))
        })
    }

    pub(super) fn html(&self, template: &str, ctx: &mut Context, path: &str) -> Result<(), Diagnostic> {
        let html = self.shell(template, ctx, path)?;
        self.file(&index_file(path), html.as_bytes())
    }

    pub(super) fn file(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.sink.write(rel, bytes).map_err(|e| {
            Diagnostic::error(rel, 0, 0, format!("tulostetta ei voitu kirjoittaa ({})", crate::fsutil::io_reason(&e)))
                .with_help("tarkista tulostekansion käyttöoikeudet ja vapaa levytila")
        })
    }
}
