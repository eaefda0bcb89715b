//! The "Tulosta koko käsikirja" page puts every chapter on one page. Each
//! chapter's already rendered HTML is adapted for that: headings move one level
//! down (the chapter title becomes the H2), and ids and same-page links get a
//! per-chapter prefix so they stay unique on the combined page. The HTML is our
//! own renderer's output, where text never contains a raw `<h2` or `id="`
//! (they are escaped), so a plain scan is exact here. One pass, no regexes:
//! on a large site this page holds every chapter.

/// Appends one chapter's HTML, adapted for the combined print page, to `out`.
pub fn adapt_into(html: &str, prefix: &str, out: &mut String) {
    let b = html.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        // Only `<` and ` ` can start a rewrite: skip everything else quickly.
        if b[i] != b'<' && b[i] != b' ' {
            i += 1;
            continue;
        }
        let rest = &b[i..];
        let (skip, insert): (usize, Option<String>) =
            if (rest.starts_with(b"<h") || rest.starts_with(b"</h")) && heading_digit(rest).is_some() {
                let (pos, d) = heading_digit(rest).unwrap_or((0, b'1'));
                (pos, Some(((d + 1).min(b'6') as char).to_string()))
            } else if rest.starts_with(b" id=\"") {
                (5, Some(format!(" id=\"{prefix}-")))
            } else if rest.starts_with(b" href=\"#") {
                (8, Some(format!(" href=\"#{prefix}-")))
            } else {
                (0, None)
            };
        match insert {
            Some(text) => {
                let keep = if text.len() == 1 { skip } else { 0 };
                out.push_str(&html[last..i + keep]);
                out.push_str(&text);
                i += if text.len() == 1 { skip + 1 } else { skip };
                last = i;
            }
            None => i += 1,
        }
    }
    out.push_str(&html[last..]);
}

/// For `<hN` or `</hN` followed by a space or `>`: (offset of N, N) when 2 ≤ N ≤ 5.
fn heading_digit(rest: &[u8]) -> Option<(usize, u8)> {
    let pos = if rest.starts_with(b"</h") { 3 } else { 2 };
    let d = *rest.get(pos)?;
    let after = *rest.get(pos + 1)?;
    ((b'2'..=b'5').contains(&d) && (after == b' ' || after == b'>')).then_some((pos, d))
}

/// Convenience for tests and small pages.
pub fn adapt(html: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    adapt_into(html, prefix, &mut out);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn demotes_and_prefixes() {
        let html = "<h2 id=\"a\">A</h2><h3 id=\"b\">B</h3><h6>x</h6><p><a href=\"#a\">x</a> <a href=\"/y/#a\">y</a> id=&quot;q&quot; <hr><header></p>";
        assert_eq!(
            super::adapt(html, "luku"),
            "<h3 id=\"luku-a\">A</h3><h4 id=\"luku-b\">B</h4><h6>x</h6><p><a href=\"#luku-a\">x</a> <a href=\"/y/#a\">y</a> id=&quot;q&quot; <hr><header></p>"
        );
    }
}
