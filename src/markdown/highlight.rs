//! Code highlighting with syntect into CSS classes (`hl-…`), styled by the
//! theme's `syntax.css`. The syntax set is loaded once, lazily: sites without
//! code blocks never pay for it. Uses syntect's pure-Rust regex engine
//! (`default-fancy`), so no C library is needed.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// HTML-escapes text for element content and attribute values. Called for
/// every template value, so text without special characters is copied whole
/// and other text in runs between the special bytes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    escape_runs(s, |run| out.push_str(run));
    out
}

/// [`escape`] written to `w` (Tera's escape function).
pub fn escape_to(s: &str, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut result = Ok(());
    escape_runs(s, |run| {
        if result.is_ok() {
            result = w.write_all(run.as_bytes());
        }
    });
    result
}

/// Hands `s` to `out` in runs: unescaped text whole, each special byte as its entity.
fn escape_runs<'s>(s: &'s str, mut out: impl FnMut(&'s str)) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out(&s[last..i]);
        out(rep);
        last = i + 1;
    }
    out(&s[last..]);
}

/// A complete `<pre>` block for `code` in language `lang` (may be empty).
pub fn code_block(code: &str, lang: &str) -> String {
    let lang = lang.split([' ', ',', '{']).next().unwrap_or("").trim();
    let body = if lang.is_empty() { None } else { highlight(code, lang) };
    let body = body.unwrap_or_else(|| escape(code));
    let lang_attr = if lang.is_empty() { String::new() } else { format!(" data-lang=\"{}\"", escape(lang)) };
    // tabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1).
    format!("<pre class=\"code\" tabindex=\"0\"{lang_attr}><code>{body}</code></pre>\n")
}

fn highlight(code: &str, lang: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(lang)?;
    let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, set, ClassStyle::SpacedPrefixed { prefix: "hl-" });
    for line in LinesWithEndings::from(code) {
        gen.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(gen.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_and_escapes_unknown() {
        let html = code_block("fn main() {}\n", "rust");
        assert!(html.contains("hl-keyword") || html.contains("hl-storage"), "{html}");
        let plain = code_block("<b>\n", "nosuchlang");
        assert!(plain.contains("&lt;b&gt;"), "{plain}");
        assert_eq!(escape("a<b>&\"c'ä"), "a&lt;b&gt;&amp;&quot;c&#39;ä");
        assert_eq!(escape("tavallinen teksti"), "tavallinen teksti");
    }
}
