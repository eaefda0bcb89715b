//! `handbook search`: loads the site as `check` does, builds the same tantivy
//! index the build exports, and answers a query with tantivy's ranking.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::site::{Options, Site};

use super::excerpt;

/// One result line (also the `--json` shape).
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchResult {
    pub title: String,
    pub url: String,
    pub score: f32,
    pub excerpt: String,
}

pub fn run(opts: &Options, query: &str, limit: usize) -> Result<Vec<SearchResult>, Diagnostics> {
    let (site, _) = Site::load(opts)?;
    let (pages_md, sections_md) = site.rendered();
    let inputs = site.search_inputs(&pages_md, &sections_md);
    let index = site.search_index(&inputs, super::engine::Purpose::Queries).map_err(Diagnostics::from)?;
    let hits =
        index.search(query, limit).map_err(|e| Diagnostics::from(Diagnostic::error("haku", 0, 0, format!("haku epäonnistui: {e}"))))?;
    let marked = index.marked_terms(query);
    Ok(hits
        .into_iter()
        .map(|h| {
            let page = &index.pages[h.page];
            let doc = &index.docs[h.doc];
            let url = if doc.anchor.is_empty() { page.url.clone() } else { format!("{}#{}", page.url, doc.anchor) };
            SearchResult {
                title: page.title.clone(),
                url,
                score: (h.score * 10_000.0).round() / 10_000.0,
                excerpt: excerpt::plain(&excerpt::excerpt(&doc.text, &marked)),
            }
        })
        .collect())
}
