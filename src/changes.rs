//! "Muutokset tässä ehdotuksessa": what a pull request changes, for reviewers
//! who never read a diff. Compares every Markdown page of the working tree
//! with the same file at the merge base, and renders a word-level redline of
//! the readable text (not the Markdown source) with `<ins>` and `<del>`.

use pulldown_cmark::{Event, Parser, TagEnd};
use similar::{ChangeTag, TextDiff};

use crate::content::yaml;
use crate::markdown::highlight::escape;

/// What happened to a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Changed,
    Removed,
}

/// One changed page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PageChange {
    pub kind: ChangeKind,
    /// Source path relative to the site root.
    pub source: String,
    pub title: String,
    /// Site URL of the page now (none when removed).
    pub url: Option<String>,
    /// Anchor id on the changes page.
    pub anchor: String,
    /// Paragraphs of redline HTML.
    pub redline: String,
}

/// Title and readable text of a Markdown file (front matter removed).
pub fn readable(text: &str) -> (String, String) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (title, body) = match yaml::split(text) {
        Ok(s) => {
            let title = serde_yaml::from_str::<serde_yaml::Value>(s.yaml)
                .ok()
                .and_then(|v| v.get("title").and_then(|t| t.as_str()).map(str::to_string))
                .unwrap_or_default();
            (title, s.body)
        }
        Err(_) => (String::new(), text),
    };
    let mut out = String::new();
    for e in Parser::new_ext(body, crate::markdown::options()) {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableRow | TagEnd::CodeBlock) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push_str(" | "),
            _ => {}
        }
    }
    (title, out)
}

/// Word-level redline of `old` → `new` as `<p>` paragraphs with `<ins>`/`<del>`.
pub fn redline(old: &str, new: &str) -> String {
    let diff = TextDiff::from_words(old, new);
    let mut html = String::from("<p>");
    for change in diff.iter_all_changes() {
        let value = change.value();
        let (open, close) = match change.tag() {
            ChangeTag::Equal => ("", ""),
            ChangeTag::Delete => ("<del>", "</del>"),
            ChangeTag::Insert => ("<ins>", "</ins>"),
        };
        // Paragraph breaks close the marks so that the HTML stays well formed.
        for (i, part) in value.split('\n').enumerate() {
            if i > 0 {
                html.push_str("</p>\n<p>");
            }
            if !part.is_empty() {
                html.push_str(open);
                html.push_str(&escape(part));
                html.push_str(close);
            }
        }
    }
    html.push_str("</p>");
    html.replace("<p></p>", "").replace("\n\n", "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redline_marks_words() {
        let html = redline("Verkosto kokoontuu kerran vuodessa.\n", "Verkosto kokoontuu kaksi kertaa vuodessa.\n");
        assert!(html.contains("<del>kerran</del>"), "{html}");
        assert!(html.contains("<ins>kaksi</ins>"), "{html}");
        assert!(html.contains("<ins>kertaa</ins>"), "{html}");
        assert!(html.starts_with("<p>Verkosto kokoontuu "), "{html}");
    }

    #[test]
    fn readable_drops_markup_and_front_matter() {
        let (title, text) = readable("---\ntitle: Otsikko\n---\n## Väli\n\nTekstiä **lihava** ja [linkki](a.md).\n");
        assert_eq!(title, "Otsikko");
        assert_eq!(text, "Väli\nTekstiä lihava ja linkki.\n");
    }
}
