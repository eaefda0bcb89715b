//! Writing rendered files: [`Writer`] renders a template with the navigation
//! (rendered once per state, not once per page) and writes the result to the
//! [`Sink`], turning every failure into a diagnostic.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::output::Sink;
use crate::render::views::{Views, NAV_LIMIT};
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
    /// The top-level sections, in order: the navigation's links.
    nav_items: Vec<(String, String)>,
    /// Each of their URLs' place in `nav_items`: only these make
    /// `current_url` matter to the navigation.
    nav_index: HashMap<String, usize>,
    /// Template contexts for pages, handed from one parallel job to the next
    /// (see [`Writer::page_context`]).
    page_contexts: Mutex<Vec<Context>>,
}

/// A page's template context, back to its writer's pool when dropped.
pub(super) struct PageContext<'w> {
    ctx: Context,
    pool: &'w Mutex<Vec<Context>>,
}

impl std::ops::Deref for PageContext<'_> {
    type Target = Context;
    fn deref(&self) -> &Context {
        &self.ctx
    }
}

impl std::ops::DerefMut for PageContext<'_> {
    fn deref_mut(&mut self) -> &mut Context {
        &mut self.ctx
    }
}

impl Drop for PageContext<'_> {
    fn drop(&mut self) {
        let ctx = std::mem::take(&mut self.ctx);
        self.pool.lock().unwrap_or_else(|e| e.into_inner()).push(ctx);
    }
}

/// Stands in for a page's HTML in the template context; the real HTML is
/// spliced into the rendered template, so it is never copied into Tera's
/// context (which would serialise and copy every page's body).
pub(super) const CONTENT_MARKER: &str = "<!--handbook:sisalto-->";

/// Stands in for the navigation in the template context (see `Writer::shell_parts`).
const NAV_MARKER: &str = "<!--handbook:valikko-->";

/// The pieces of a rendered `shell` with `nav` in place of every
/// [`NAV_MARKER`] and, when given, `content` in place of every [`CONTENT_MARKER`].
fn pieces<'s>(shell: &'s [u8], nav: &'s [u8], content: Option<&'s [u8]>) -> Vec<&'s [u8]> {
    let mut out = Vec::with_capacity(5);
    let mut rest = shell;
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&rest[from..], b"<!--handbook:").map(|i| from + i) {
        let tail = &rest[i..];
        let (marker, with) = if tail.starts_with(NAV_MARKER.as_bytes()) {
            (NAV_MARKER, nav)
        } else if let Some(content) = content.filter(|_| tail.starts_with(CONTENT_MARKER.as_bytes())) {
            (CONTENT_MARKER, content)
        } else {
            from = i + 1;
            continue;
        };
        out.push(&rest[..i]);
        out.push(with);
        rest = &tail[marker.len()..];
        from = 0;
    }
    out.push(rest);
    out
}

/// Room for a rendered page around its content, so that the buffer seldom
/// grows: a chapter of the bundled theme on a site of 10,000 pages has about
/// 4 KB around its text.
const SHELL_BYTES: usize = 16 * 1024;

impl<'a> Writer<'a> {
    pub(super) fn new(sink: &'a dyn Sink, renderer: &'a Renderer, views: &Views) -> Writer<'a> {
        let nav_items: Vec<(String, String)> = views.nav().into_iter().map(|l| (l.url, l.title.to_string())).collect();
        let nav_index = nav_items.iter().enumerate().map(|(i, (url, _))| (url.clone(), i)).collect();
        Writer { sink, renderer, nav: Mutex::default(), nav_items, nav_index, page_contexts: Mutex::default() }
    }

    /// A template context for rendering pages: the shared values (site,
    /// strings, navigation) and whatever the previous page set. Every page
    /// sets the same keys (`Site::page_html`), so a context serves any number
    /// of pages; rayon starts many jobs, and each would otherwise copy the
    /// shared values anew.
    pub(super) fn page_context(&self) -> PageContext<'_> {
        let pooled = self.page_contexts.lock().unwrap_or_else(|e| e.into_inner()).pop();
        PageContext { ctx: pooled.unwrap_or_else(|| self.renderer.context()), pool: &self.page_contexts }
    }

    /// The navigation HTML for `ctx`'s `current_url` and `current_section`.
    fn nav_html(&self, ctx: &Context) -> Result<Arc<str>, Diagnostic> {
        let get = |k: &str| ctx.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let mut key = (get("current_url"), get("current_section"));
        if !self.nav_index.contains_key(&key.0) {
            key.0.clear();
        }
        if let Some(html) = self.nav.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(html.clone());
        }
        // Its own small context, not a copy of the shared one (which holds
        // every section): each state's rendering costs the same on any site.
        let mut nav_ctx = Context::new();
        for shared in ["site", "t"] {
            if let Some(v) = self.renderer.shared(shared) {
                nav_ctx.insert(shared, v);
            }
        }
        let shown: Vec<serde_json::Value> = shown_in_nav(self.nav_items.len(), [&key.0, &key.1].map(|u| self.nav_index.get(u).copied()))
            .map(|i| serde_json::json!({ "url": self.nav_items[i].0, "title": self.nav_items[i].1 }))
            .collect();
        nav_ctx.insert("nav", &shown);
        nav_ctx.insert("nav_count", &self.nav_items.len());
        nav_ctx.insert("nav_limit", &NAV_LIMIT);
        nav_ctx.insert("current_url", &key.0);
        nav_ctx.insert("current_section", &key.1);
        let html: Arc<str> = self.renderer.render("nav.html", &nav_ctx, &key.0)?.into();
        self.nav.lock().unwrap_or_else(|e| e.into_inner()).insert(key, html.clone());
        Ok(html)
    }

    /// Renders `template` with [`NAV_MARKER`] as `nav_html`; returns the
    /// result and the navigation HTML that goes in the marker's place. Tera
    /// never copies the navigation (on a site with many sections, several
    /// kilobytes on every page); it is spliced in when the file is written.
    fn shell_parts(&self, template: &str, ctx: &mut Context, path: &str) -> Result<(Vec<u8>, Arc<str>), Diagnostic> {
        let nav = self.nav_html(ctx)?;
        ctx.insert("nav_html", NAV_MARKER);
        let mut shell = Vec::with_capacity(SHELL_BYTES);
        self.renderer.render_to(template, ctx, path, &mut shell)?;
        Ok((shell, nav))
    }

    /// Renders `template` with the navigation in place.
    pub(super) fn shell(&self, template: &str, ctx: &mut Context, path: &str) -> Result<String, Diagnostic> {
        let (shell, nav) = self.shell_parts(template, ctx, path)?;
        // Tera writes only strings, and the pieces are cut at ASCII markers.
        String::from_utf8(pieces(&shell, nav.as_bytes(), None).concat())
            .map_err(|e| Diagnostic::error(path, 0, 0, format!("sivupohja `{template}` tuotti virheellistä UTF-8:aa ({e})")))
    }

    /// Renders `template`, whose `page.content` is [`CONTENT_MARKER`], and writes it with `content` in its place.
    pub(super) fn html_around(&self, template: &str, ctx: &mut Context, path: &str, content: &str) -> Result<(), Diagnostic> {
        let (shell, nav) = self.shell_parts(template, ctx, path)?;
        self.chunks(&index_file(path), &pieces(&shell, nav.as_bytes(), Some(content.as_bytes())))
    }

    pub(super) fn html(&self, template: &str, ctx: &mut Context, path: &str) -> Result<(), Diagnostic> {
        let (shell, nav) = self.shell_parts(template, ctx, path)?;
        self.chunks(&index_file(path), &pieces(&shell, nav.as_bytes(), None))
    }

    fn chunks(&self, rel: &str, pieces: &[&[u8]]) -> Result<(), Diagnostic> {
        self.sink.write_chunks(rel, pieces).map_err(|e| write_error(rel, &e))
    }

    pub(super) fn file(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.sink.write(rel, bytes).map_err(|e| write_error(rel, &e))
    }
}

/// Which of `count` top-level sections the main menu lists, in order: the
/// first [`NAV_LIMIT`], and past them the reader's own (`current`: the
/// places of the current page and of its top-level section, when they are
/// sections).
fn shown_in_nav(count: usize, current: [Option<usize>; 2]) -> impl Iterator<Item = usize> {
    let mut beyond: Vec<usize> = current.into_iter().flatten().filter(|i| *i >= NAV_LIMIT && *i < count).collect();
    beyond.sort_unstable();
    beyond.dedup();
    (0..count.min(NAV_LIMIT)).chain(beyond)
}

/// The diagnostic of an output file that could not be written.
fn write_error(rel: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(rel, 0, 0, format!("tulostetta ei voitu kirjoittaa ({})", crate::fsutil::io_reason(e)))
        .with_help("tarkista tulostekansion käyttöoikeudet ja vapaa levytila")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_lists_the_first_sections_and_the_readers_own() {
        let shown = |count, current| shown_in_nav(count, current).collect::<Vec<_>>();
        let first: Vec<usize> = (0..NAV_LIMIT).collect();
        assert_eq!(shown(5, [None, Some(3)]), vec![0, 1, 2, 3, 4]);
        assert_eq!(shown(NAV_LIMIT + 8, [None, Some(3)]), first);
        assert_eq!(shown(NAV_LIMIT + 8, [None, None]), first);
        let own = NAV_LIMIT + 3;
        assert_eq!(shown(NAV_LIMIT + 8, [Some(own), Some(own)]), [first.clone(), vec![own]].concat());
        // A top-level section's page and its section are one; otherwise both, in order, once.
        assert_eq!(shown(NAV_LIMIT + 8, [Some(own + 2), Some(own)]), [first.clone(), vec![own, own + 2]].concat());
        assert_eq!(shown(NAV_LIMIT + 8, [Some(NAV_LIMIT + 8), None]), first);
    }

    #[test]
    fn navigation_and_content_are_spliced_at_every_marker_and_nothing_else() {
        let spliced = |shell: &str, content: Option<&str>| -> String {
            String::from_utf8(pieces(shell.as_bytes(), b"N", content.map(str::as_bytes)).concat()).unwrap()
        };
        let shell = format!("a{NAV_MARKER}b<!--handbook:muu-->{CONTENT_MARKER}c{NAV_MARKER}");
        assert_eq!(spliced(&shell, Some("C")), "aNb<!--handbook:muu-->CcN");
        // Without content (pages other than a page's own), its marker stays as it is.
        assert_eq!(spliced(&shell, None), format!("aNb<!--handbook:muu-->{CONTENT_MARKER}cN"));
        assert_eq!(pieces("ei merkkejä".as_bytes(), b"N", Some(b"C")), vec!["ei merkkejä".as_bytes()]);
        assert_eq!(pieces(b"", b"N", None), vec![b"" as &[u8]]);
    }
}
