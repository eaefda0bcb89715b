//! Entry points for fuzz targets and property tests: one page through the
//! whole page pipeline in memory, without a site on disk.

use crate::config;
use crate::content::front_matter::{parse, PageKind, ParseInput};
use crate::content::Library;
use crate::markdown::links::LinkResolver;
use crate::markdown::{render, RenderOptions, Source};

/// Renders `text` as a model-card page of an otherwise empty site; returns
/// the HTML, or the rendered diagnostics when the page is invalid.
pub fn render_page(text: &str) -> Result<String, Vec<String>> {
    let config = config::parse("title: T\nbase_url: https://example.org/\n")
        .map_err(|d| d.sorted().iter().map(|x| x.render()).collect::<Vec<_>>())?;
    let input = ParseInput { path: "content/a.md", text, phases: &config.phases, inherited_kind: Some(PageKind::Model) };
    let parsed = parse(&input).map_err(|d| d.sorted().iter().map(|x| x.render()).collect::<Vec<_>>())?;
    let (lib, _) = Library::new(Vec::new(), &config, false);
    let resolver = LinkResolver::new(&lib, "");
    let src = Source { display: "content/a.md", rel: "a.md", file_text: text, body_offset: parsed.body_offset };
    let out = render(&src, &resolver, RenderOptions { table_label: "Taulukko", heading_offset: 1, trusted_html: false });
    if out.diagnostics.has_errors() {
        return Err(out.diagnostics.sorted().iter().map(|x| x.render()).collect());
    }
    Ok(out.html)
}
