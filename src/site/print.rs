//! The "Tulosta koko käsikirja" page: every chapter in reading order on one
//! page. The chapters' HTML never passes through Tera (it would be copied into
//! the context and the output): the template gets a marker per chapter, and
//! [`PrintShell`] holds the template's text between the markers, so the page
//! can be written chapter by chapter while the chapters are rendered
//! (`render::print` adapts each chapter's HTML to the combined page).

use std::io;

use super::writer::{index_file, Writer};
use super::Site;
use crate::content::PageId;
use crate::diagnostics::Diagnostic;
use crate::output::Stream;
use crate::render::print::Chapters;

/// Where the print page is published.
pub const PRINT_PATH: &str = "/tulosta/";

/// The rendered print template, cut at each chapter's marker.
pub struct PrintShell {
    /// Text before each chapter; `None` when the template does not place it.
    before: Vec<Option<String>>,
    tail: String,
}

fn marker(i: usize) -> String {
    format!("<!--hb:luku:{i}-->")
}

/// The id of a chapter's heading on the print page (its ids get the same prefix).
pub fn chapter_anchor(site: &Site, id: PageId) -> String {
    crate::render::print::anchor(&site.lib.page(id).path)
}

/// The chapters on the print page, whose links between each other become in-page links.
pub fn chapters(site: &Site) -> Chapters {
    Chapters::new(site.config.base_path(), site.lib.reading_order.iter().map(|id| site.lib.page(*id).path.as_str()))
}

impl PrintShell {
    /// Writes the template's text before chapter `i` and the chapter's adapted HTML.
    pub fn chapter(&self, out: &mut Stream<'_>, i: usize, adapted: &str) -> io::Result<()> {
        if let Some(Some(before)) = self.before.get(i) {
            out.write_all(before.as_bytes())?;
            out.write_all(adapted.as_bytes())?;
        }
        Ok(())
    }

    /// Writes what follows the last chapter.
    pub fn finish(&self, out: &mut Stream<'_>) -> io::Result<()> {
        out.write_all(self.tail.as_bytes())
    }
}

impl Site {
    /// Renders `print.html` with a marker in place of each chapter.
    pub(super) fn print_shell(&self, writer: &Writer) -> Result<PrintShell, Diagnostic> {
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
                    "anchor": chapter_anchor(self, *id),
                    "content": marker(i),
                })
            })
            .collect();
        let mut ctx = writer.renderer.context();
        ctx.insert("chapters", &chapters);
        let shell = writer.shell("print.html", &mut ctx, PRINT_PATH)?;
        let mut rest = shell.as_str();
        let mut before = Vec::with_capacity(chapters.len());
        for i in 0..chapters.len() {
            let m = marker(i);
            match rest.find(&m) {
                Some(at) => {
                    before.push(Some(rest[..at].to_string()));
                    rest = &rest[at + m.len()..];
                }
                None => before.push(None),
            }
        }
        Ok(PrintShell { before, tail: rest.to_string() })
    }

    /// Writes the print page from every chapter's rendered HTML (for `serve`,
    /// which keeps it; a build writes the page during its pass over the pages).
    pub(super) fn render_print<'a>(&self, writer: &Writer, html_of: &dyn Fn(PageId) -> &'a str) -> Result<(), Diagnostic> {
        let shell = self.print_shell(writer)?;
        let on_page = chapters(self);
        let mut buf = String::new();
        writer
            .sink
            .write_stream(&index_file(PRINT_PATH), &mut |out| {
                for (i, id) in self.lib.reading_order.iter().enumerate() {
                    buf.clear();
                    crate::render::print::adapt_into(html_of(*id), &chapter_anchor(self, *id), &on_page, &mut buf);
                    shell.chapter(out, i, &buf)?;
                }
                shell.finish(out)
            })
            .map_err(|e| print_error(&e))
    }
}

pub fn print_error(e: &io::Error) -> Diagnostic {
    Diagnostic::error(index_file(PRINT_PATH), 0, 0, format!("tulostetta ei voitu kirjoittaa ({})", crate::fsutil::io_reason(e)))
}
