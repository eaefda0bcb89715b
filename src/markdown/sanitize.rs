//! Raw-HTML sanitising. Editors may write HTML inside Markdown, and pull
//! requests come from outside, so by default any page containing raw HTML has
//! its rendered HTML cleaned with ammonia: a safe subset of elements and
//! attributes, no scripts, event handlers, `javascript:` URLs, iframes or
//! `style` attributes (which could overlay the page). Pages without raw HTML
//! skip this pass entirely (it is the costly one). The site setting
//! `trusted_html: true` turns the pass off.

use std::sync::OnceLock;

fn builder() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        // Everything the Markdown renderer itself emits must survive.
        b.add_tags(["details", "summary", "figure", "figcaption", "mark", "input", "section", "abbr", "time", "kbd", "sup", "sub"]);
        b.add_generic_attributes(["id", "class", "lang", "title", "aria-label", "aria-hidden", "role"]);
        const TAG_ATTRS: &[(&str, &[&str])] = &[
            ("details", &["open"]),
            ("input", &["type", "checked", "disabled"]),
            ("pre", &["tabindex", "data-lang"]),
            ("div", &["tabindex"]),
            ("time", &["datetime"]),
            ("ol", &["start"]),
            ("th", &["style", "align"]),
            ("td", &["style", "align"]),
            ("img", &["width", "height", "loading"]),
        ];
        for (tag, attrs) in TAG_ATTRS {
            b.add_tag_attributes(tag, attrs.iter().copied());
        }
        // Table alignment from Markdown arrives as `style="text-align: …"`: keep only that.
        b.attribute_filter(|element, attribute, value| match (element, attribute) {
            ("th" | "td", "style") => {
                let ok = ["text-align: left", "text-align: center", "text-align: right"].contains(&value.trim());
                ok.then(|| value.into())
            }
            _ => Some(value.into()),
        });
        b.link_rel(None);
        b.url_schemes(["http", "https", "mailto", "tel"].into_iter().collect());
        b.strip_comments(true);
        b
    })
}

/// Cleans rendered HTML that contains editor-written raw HTML.
pub fn clean(html: &str) -> String {
    builder().clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_scripts_handlers_and_javascript_urls_but_keeps_our_markup() {
        let dirty = r#"<h2 id="a">A</h2><script>alert(1)</script><img src=x onerror="alert(2)" alt="k"><a href="javascript:alert(3)">x</a><div style="position:fixed">y</div><iframe src="https://e.org"></iframe><details open><summary>S</summary>t</details><pre class="code" tabindex="0" data-lang="rust"><code><span class="hl-keyword">fn</span></code></pre>"#;
        let clean = clean(dirty);
        for bad in ["<script", "onerror", "javascript:", "position:fixed", "<iframe"] {
            assert!(!clean.contains(bad), "{bad} survived: {clean}");
        }
        for good in [
            r#"<h2 id="a">"#,
            "<details open",
            "<summary>S</summary>",
            r#"<pre class="code" tabindex="0" data-lang="rust">"#,
            r#"<span class="hl-keyword">"#,
        ] {
            assert!(clean.contains(good), "{good} lost: {clean}");
        }
    }
}
