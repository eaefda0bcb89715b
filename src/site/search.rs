//! Search as the site builds it: what is indexed (pages and section pages,
//! from their rendered Markdown), the tantivy index, and its static export
//! with the search page.

use std::borrow::Cow;

use rayon::prelude::*;

use super::{table_label, writer::Writer, Site};
use crate::content;
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;
use crate::render::views::Views;
use crate::search::engine::{Counts, Purpose};
use crate::search::input::Input;
use crate::search::SearchIndex;

impl Site {
    /// What search indexes: pages and section pages, from their rendered Markdown.
    pub fn search_inputs<'a>(&'a self, pages_md: &'a [Rendered], sections_md: &'a [Rendered]) -> Vec<Input<'a>> {
        let url = |p: &str| format!("{}{}", self.config.base_path(), p);
        let phase = |id: &str| self.config.phase_label(id).map(str::to_string);
        crate::search::input::inputs(&self.lib, pages_md, sections_md, &url, &phase)
    }

    /// The search index of `inputs`, as built for the site, for `purpose`.
    pub fn search_index(&self, inputs: &[Input], purpose: Purpose) -> Result<SearchIndex, Diagnostic> {
        self.search_index_counted(inputs, Counts::default(), purpose)
    }

    /// As [`Site::search_index`], with the sections `counts` has counted already.
    fn search_index_counted(&self, inputs: &[Input], counts: Counts, purpose: Purpose) -> Result<SearchIndex, Diagnostic> {
        SearchIndex::build(inputs, counts, purpose).map_err(|e| {
            Diagnostic::error(content::CONTENT_DIR, 0, 0, format!("hakemistoa ei voitu rakentaa: {e}"))
                .with_help("ilmoita tästä ohjelman kehittäjille")
        })
    }

    /// Renders the Markdown of every page and section (for `handbook search`,
    /// and for `serve`, which keeps both to re-check anchors after an edit).
    pub fn rendered(&self) -> (Vec<Rendered>, Vec<Rendered>) {
        self.markdown(table_label(&self.config))
    }

    /// The search page and the static index under `haku/`, entry file last.
    pub(super) fn write_search(
        &self,
        views: &Views,
        writer: &Writer,
        pages_md: Cow<'_, [Rendered]>,
        sections_md: &[Rendered],
        counts: Counts,
    ) -> Result<(), Diagnostic> {
        let write_error = |e: std::io::Error| {
            Diagnostic::error("haku", 0, 0, format!("hakemistoa ei voitu kirjoittaa ({})", crate::fsutil::io_reason(&e)))
        };
        let (index, results) = {
            let inputs = self.search_inputs(&pages_md, sections_md);
            // The pass's counts are by page: here by input, each page's to its own.
            let Counts { counter, inputs: mut by_page } = counts;
            let ahead =
                inputs.iter().map(|i| i.page.and_then(|id| by_page.get_mut(id.0)).map(std::mem::take).unwrap_or_default()).collect();
            let counts = Counts { counter, inputs: ahead };
            // The export reads each result's title, address and headings from
            // `inputs` and writes them while the index is built: both keep the cores busy.
            rayon::join(
                || self.search_index_counted(&inputs, counts, Purpose::Export),
                || crate::search::export::result_chunks(&inputs, writer.sink),
            )
        };
        let (index, results) = (index?, results.map_err(write_error)?);
        // Nothing reads the pages' Markdown any more: when it is the build's
        // own, its many small pieces are freed while the rest of the index is written.
        let (written, ()) = rayon::join(
            || crate::search::export::write(&index, results, writer.sink),
            move || {
                if let Cow::Owned(pages_md) = pages_md {
                    pages_md.into_par_iter().for_each(drop);
                }
            },
        );
        written.map_err(write_error)?;
        let mut ctx = writer.renderer.context();
        ctx.insert("index_url", &views.url("/haku/hakemisto.json"));
        writer.html("search.html", &mut ctx, "/haku/")
    }
}
