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

/// HTML-escapes text for element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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
    }
}
