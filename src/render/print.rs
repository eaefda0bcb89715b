//! The "Tulosta koko käsikirja" page puts every chapter on one page. Each
//! chapter's already rendered HTML is adapted for that: headings move one level
//! down (the chapter title becomes the H2), ids and same-page links get a
//! per-chapter prefix so they stay unique on the combined page, and links to
//! other chapters that are on the page become in-page links to them
//! (`/kasikirja/viestinta/#teams` → `#luku-kasikirja-viestinta-teams`), so the
//! combined page (and a PDF made of it) works on its own (issue 8).
//!
//! The HTML is our own renderer's output, where text never contains a raw
//! `<h2`, `id="` or `href="` (they are escaped), and where links to pages are
//! site-absolute (`{base_path}/polku/#ankkuri`, see `markdown::links`), so a
//! plain scan is exact here. One pass, no regexes: on a large site this page
//! holds every chapter.
//!
//! Also here: [`with_site_url`], which gives a stylesheet that asks for it the
//! site's address, so that printed internal links show absolute URLs.

use std::borrow::Cow;
use std::collections::HashMap;

/// The id of a chapter's title on the print page (`/kasikirja/viestinta/` →
/// `luku-kasikirja-viestinta`); its headings' ids get it as a prefix.
pub fn anchor(path: &str) -> String {
    format!("luku-{}", crate::slug::slugify(path))
}

/// The chapters on the print page: their site paths (as links spell them,
/// base path included) and their anchors there.
#[derive(Debug, Default)]
pub struct Chapters {
    base_path: String,
    anchors: HashMap<String, String>,
}

impl Chapters {
    /// `base_path` as in `Config::base_path` (`""` or `/polku`); `paths` are
    /// site paths of the chapters (`/kasikirja/viestinta/`).
    pub fn new<'a>(base_path: &str, paths: impl IntoIterator<Item = &'a str>) -> Chapters {
        Chapters { base_path: base_path.to_string(), anchors: paths.into_iter().map(|p| (p.to_string(), anchor(p))).collect() }
    }

    /// The in-page target for a link to a chapter on the page, if `href` is one.
    fn in_page(&self, href: &str) -> Option<String> {
        let path_and_frag = href.strip_prefix(self.base_path.as_str()).filter(|r| r.starts_with('/'))?;
        let (path, frag) = path_and_frag.split_once('#').unwrap_or((path_and_frag, ""));
        let anchor = self.anchors.get(path)?;
        Some(if frag.is_empty() { anchor.clone() } else { format!("{anchor}-{frag}") })
    }
}

/// Appends one chapter's HTML, adapted for the combined print page, to `out`.
/// `prefix` is the chapter's own [`anchor`].
///
/// Text between tags is copied without looking at it (rewrites happen only
/// inside tags); inside a tag, quoted attribute values are skipped whole, so a
/// `>` in one does not end the tag.
pub fn adapt_into(html: &str, prefix: &str, chapters: &Chapters, out: &mut String) {
    // Room for the HTML and its ids' prefixes at once, rather than growing (and copying) it as it is written.
    out.reserve(html.len() + html.len() / 16);
    let b = html.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while let Some(lt) = html[i..].find('<') {
        i += lt;
        if let Some((pos, d)) = heading_digit(&b[i..]) {
            // `<h2` → `<h3`: keep up to the digit, write the new one.
            out.push_str(&html[last..i + pos]);
            out.push(((d + 1).min(b'6')) as char);
            i += pos + 1;
            last = i;
        } else {
            i += 1;
        }
        // The rest of the tag.
        while i < b.len() && b[i] != b'>' {
            let rest = &b[i..];
            let value_start = if let Some(attr) = [" id=\"", " href=\"#"].into_iter().find(|a| rest.starts_with(a.as_bytes())) {
                // An id, or a link to one on the same page: both get the chapter's prefix.
                out.push_str(&html[last..i]);
                out.push_str(attr);
                out.push_str(prefix);
                out.push('-');
                i += attr.len();
                last = i;
                Some(i)
            } else if let Some((target, len)) = rest.strip_prefix(b" href=\"").and_then(|_| chapter_link(&html[i + 7..], chapters)) {
                out.push_str(&html[last..i]);
                out.push_str(" href=\"#");
                out.push_str(&target);
                i += 7 + len;
                last = i;
                Some(i)
            } else if b[i] == b'"' {
                Some(i + 1)
            } else {
                // On to the next space (where an attribute may start), quote or end of the tag.
                i += 1;
                while i < b.len() && !matches!(b[i], b' ' | b'"' | b'>') {
                    i += 1;
                }
                None
            };
            // Inside a quoted value: on past its closing quote.
            if let Some(v) = value_start {
                i = html[v..].find('"').map_or(b.len(), |q| v + q + 1);
            }
        }
    }
    out.push_str(&html[last..]);
}

/// For an attribute value starting at `value` (up to its closing quote): the
/// in-page target and the value's length when it links to a chapter on the page.
fn chapter_link(value: &str, chapters: &Chapters) -> Option<(String, usize)> {
    let end = value.find('"')?;
    chapters.in_page(&value[..end]).map(|t| (t, end))
}

/// For `<hN` or `</hN` followed by a space or `>`: (offset of N, N) when 2 ≤ N ≤ 5.
fn heading_digit(rest: &[u8]) -> Option<(usize, u8)> {
    if !(rest.starts_with(b"<h") || rest.starts_with(b"</h")) {
        return None;
    }
    let pos = if rest.starts_with(b"</h") { 3 } else { 2 };
    let d = *rest.get(pos)?;
    let after = *rest.get(pos + 1)?;
    ((b'2'..=b'5').contains(&d) && (after == b' ' || after == b'>')).then_some((pos, d))
}

/// Convenience for tests and small pages.
pub fn adapt(html: &str, prefix: &str, chapters: &Chapters) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    adapt_into(html, prefix, chapters, &mut out);
    out
}

/// A theme stylesheet that uses `var(--site-url)` gets the site's address
/// appended as that custom property (scheme and host of `base_url`, as a CSS
/// string); any other file is left as it is. Links in the HTML are
/// site-absolute (`/polku/`), and a stylesheet cannot know the host, so the
/// print rule `content: " (" var(--site-url) attr(href) ")"` needs it to show a
/// printed internal link as a full, typeable URL. A property rather than
/// inline style: the Content-Security-Policy forbids those.
pub fn with_site_url<'a>(css: &'a [u8], base_url: &str) -> Cow<'a, [u8]> {
    const USE: &[u8] = b"var(--site-url";
    if !css.windows(USE.len()).any(|w| w == USE) {
        return Cow::Borrowed(css);
    }
    let origin = base_url.find("://").map_or(base_url, |i| base_url[i + 3..].find('/').map_or(base_url, |j| &base_url[..i + 3 + j]));
    let quoted: String = origin
        .chars()
        .filter(|c| !c.is_control())
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            _ => vec![c],
        })
        .collect();
    let mut out = css.to_vec();
    out.extend_from_slice(
        format!("\n/* Added by handbook: the site's address, for printed link URLs. */\n:root {{ --site-url: \"{quoted}\"; }}\n")
            .as_bytes(),
    );
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demotes_and_prefixes() {
        let html = "<h2 id=\"a\">A</h2><h3 id=\"b\">B</h3><h6>x</h6><p><a href=\"#a\">x</a> <a href=\"/y/#a\">y</a> id=&quot;q&quot; <hr><header></p>";
        assert_eq!(
            adapt(html, "luku", &Chapters::default()),
            "<h3 id=\"luku-a\">A</h3><h4 id=\"luku-b\">B</h4><h6>x</h6><p><a href=\"#luku-a\">x</a> <a href=\"/y/#a\">y</a> id=&quot;q&quot; <hr><header></p>"
        );
    }

    #[test]
    fn only_tags_are_rewritten_and_quoted_values_are_skipped() {
        // Text (as a sanitiser may leave it) and attribute values are not rewritten;
        // a `>` inside a value does not end its tag.
        let html = "<p>x id=\"t\" <h2>y</p><a title=\"a > b id=&quot;\" id=\"c\" href=\"#c\">z</a><img alt=\" id=\"><i id=\"d\">";
        assert_eq!(
            adapt(html, "l", &Chapters::default()),
            "<p>x id=\"t\" <h3>y</p><a title=\"a > b id=&quot;\" id=\"l-c\" href=\"#l-c\">z</a><img alt=\" id=\"><i id=\"l-d\">"
        );
        // Unclosed tags and quotes end with the text.
        assert_eq!(adapt("<a id=\"x", "l", &Chapters::default()), "<a id=\"l-x");
        assert_eq!(adapt("<a title=\"x", "l", &Chapters::default()), "<a title=\"x");
        assert_eq!(adapt("a <", "l", &Chapters::default()), "a <");
    }

    #[test]
    fn links_to_chapters_on_the_page_become_in_page_links() {
        let chapters = Chapters::new("", ["/kasikirja/viestinta/", "/kasikirja/a/"]);
        let html = "<p><a href=\"/kasikirja/viestinta/#teams-tyotila\">T</a> <a href=\"/kasikirja/viestinta/\">V</a> \
                    <a href=\"/toimintamallit/m/\">M</a> <a href=\"/kasikirja/viestinta/liite.pdf\">L</a> \
                    <a href=\"https://example.org/kasikirja/viestinta/\">E</a></p>";
        assert_eq!(
            adapt(html, "luku-kasikirja-a", &chapters),
            "<p><a href=\"#luku-kasikirja-viestinta-teams-tyotila\">T</a> <a href=\"#luku-kasikirja-viestinta\">V</a> \
             <a href=\"/toimintamallit/m/\">M</a> <a href=\"/kasikirja/viestinta/liite.pdf\">L</a> \
             <a href=\"https://example.org/kasikirja/viestinta/\">E</a></p>"
        );
    }

    #[test]
    fn chapter_links_under_a_base_path() {
        let chapters = Chapters::new("/kk", ["/kasikirja/a/"]);
        let html = "<a href=\"/kk/kasikirja/a/#x\">a</a> <a href=\"/kasikirja/a/\">b</a> <a href=\"/kkk/kasikirja/a/\">c</a>";
        assert_eq!(
            adapt(html, "luku-b", &chapters),
            "<a href=\"#luku-kasikirja-a-x\">a</a> <a href=\"/kasikirja/a/\">b</a> <a href=\"/kkk/kasikirja/a/\">c</a>"
        );
    }

    #[test]
    fn a_stylesheet_that_asks_learns_the_sites_address() {
        const CSS: &[u8] = b"a::after{content:var(--site-url)}";
        let with = |base: &str| String::from_utf8(with_site_url(CSS, base).into_owned()).unwrap();
        let css = with("https://example.org/kasikirja/");
        assert!(css.starts_with("a::after{content:var(--site-url)}\n"), "{css}");
        assert!(css.ends_with(":root { --site-url: \"https://example.org\"; }\n"), "{css}");
        assert!(with("http://127.0.0.1:8080/").contains("--site-url: \"http://127.0.0.1:8080\";"));
        assert!(with("https://e.org/\"x\\/").contains("--site-url: \"https://e.org\";"));
        assert!(with("https://e\"x\\.org/").contains("--site-url: \"https://e\\\"x\\\\.org\";"));
        // A stylesheet that does not use it is published byte for byte.
        assert!(matches!(with_site_url(b"body{color:black}", "https://e.org/"), Cow::Borrowed(b"body{color:black}")));
    }
}
