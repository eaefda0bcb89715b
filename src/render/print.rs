//! The "Tulosta koko käsikirja" page puts every chapter on one page. Each
//! chapter's already rendered HTML is adapted for that: headings move one level
//! down (the chapter title becomes the H2), and ids and same-page links get a
//! per-chapter prefix so they stay unique on the combined page. The HTML is our
//! own renderer's output, where text never contains a raw `<h2` or `id="`
//! (they are escaped), so plain string rewriting is exact here.

/// Adapts one chapter's HTML for the combined print page.
pub fn adapt(html: &str, prefix: &str) -> String {
    let mut out = html.to_string();
    for level in (2..=5).rev() {
        let (from, to) = (level, level + 1);
        out = out.replace(&format!("<h{from}"), &format!("<h{to}")).replace(&format!("</h{from}>"), &format!("</h{to}>"));
    }
    out.replace(" id=\"", &format!(" id=\"{prefix}-")).replace(" href=\"#", &format!(" href=\"#{prefix}-"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn demotes_and_prefixes() {
        let html = "<h2 id=\"a\">A</h2><h3 id=\"b\">B</h3><p><a href=\"#a\">x</a> <a href=\"/y/#a\">y</a> id=&quot;q&quot;</p>";
        assert_eq!(
            super::adapt(html, "luku"),
            "<h3 id=\"luku-a\">A</h3><h4 id=\"luku-b\">B</h4><p><a href=\"#luku-a\">x</a> <a href=\"/y/#a\">y</a> id=&quot;q&quot;</p>"
        );
    }
}
