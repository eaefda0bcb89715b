//! The Atom feed of new and updated pages (`/atom.xml`), e.g. for the monthly
//! newsletter. Entries are the pages with a date, newest first; everything is
//! escaped for XML, and dates come from content, never the clock.

use crate::content::Library;
use crate::markdown::highlight::escape;

/// How many entries the feed keeps.
pub const FEED_LEN: usize = 50;

/// The feed document in the site's `language`; `permalink` turns a site path into an absolute URL.
pub fn atom(lib: &Library, title: &str, language: &str, permalink: &dyn Fn(&str) -> String) -> String {
    let mut pages: Vec<_> = lib.pages.iter().filter_map(|p| Some((p.updated.or(p.created)?, p))).collect();
    pages.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.path.cmp(&b.1.path)));
    pages.truncate(FEED_LEN);
    let newest = pages.first().map_or_else(|| "2000-01-01".to_string(), |(d, _)| d.to_string());
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <id>{}</id>\n  <link rel=\"self\" href=\"{}\"/>\n  <link href=\"{}\"/>\n  <updated>{newest}T00:00:00Z</updated>\n",
        escape(language),
        escape(title),
        escape(&permalink("/")),
        escape(&permalink("/atom.xml")),
        escape(&permalink("/")),
    );
    for (date, p) in pages {
        let url = escape(&permalink(&p.path));
        xml.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{url}</id>\n    <link href=\"{url}\"/>\n    <updated>{date}T00:00:00Z</updated>\n",
            escape(&p.front.title)
        ));
        if let Some(c) = p.created {
            xml.push_str(&format!("    <published>{c}T00:00:00Z</published>\n"));
        }
        if let Some(d) = &p.front.description {
            xml.push_str(&format!("    <summary>{}</summary>\n", escape(d)));
        }
        xml.push_str(&format!(
            "    <author><name>{}</name></author>\n  </entry>\n",
            escape(if p.front.model.authors.is_empty() { title } else { &p.front.model.authors[0] })
        ));
    }
    xml.push_str("</feed>\n");
    xml
}
