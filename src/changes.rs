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
///
/// Each run of changes inside a paragraph becomes at most one `<del>` (all
/// the old words of the run) followed by one `<ins>` (all the new ones), the
/// spaces between the words included: a screen reader, with the stylesheet's
/// hidden "[lisätty: …]" text, then reads "lisätty: kaksi kertaa" once
/// instead of word by word, and a rewritten sentence reads as old then new.
pub fn redline(old: &str, new: &str) -> String {
    let diff = TextDiff::from_words(old, new);
    let mut out = Redline::default();
    let mut run = Run::default();
    let changes: Vec<_> = diff.iter_all_changes().collect();
    for (i, change) in changes.iter().enumerate() {
        let value = change.value();
        match change.tag() {
            ChangeTag::Delete => run.old.push_str(value),
            ChangeTag::Insert => run.new.push_str(value),
            // Spaces (not paragraph breaks) between two changes belong to the run.
            ChangeTag::Equal
                if !run.is_empty()
                    && value.trim().is_empty()
                    && !value.contains('\n')
                    && changes.get(i + 1).is_some_and(|c| c.tag() != ChangeTag::Equal) =>
            {
                run.old.push_str(value);
                run.new.push_str(value);
            }
            ChangeTag::Equal => {
                out.run(std::mem::take(&mut run));
                out.text(value, None);
            }
        }
    }
    out.run(run);
    out.finish()
}

/// The old and new text of consecutive changes.
#[derive(Default)]
struct Run {
    old: String,
    new: String,
}

impl Run {
    fn is_empty(&self) -> bool {
        self.old.is_empty() && self.new.is_empty()
    }
}

/// Redline HTML under construction; a paragraph opens at its first text.
#[derive(Default)]
struct Redline {
    html: String,
    open: bool,
}

impl Redline {
    /// Writes `text`, wrapped in `tag` when given; `\n` starts a new paragraph
    /// (closing and reopening the mark, so the HTML stays well formed).
    fn text(&mut self, text: &str, tag: Option<&str>) {
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 && self.open {
                self.html.push_str("</p>\n");
                self.open = false;
            }
            if part.is_empty() || (!self.open && part.trim().is_empty()) {
                continue;
            }
            if !self.open {
                self.html.push_str("<p>");
                self.open = true;
            }
            match tag {
                Some(t) => self.html.push_str(&format!("<{t}>{}</{t}>", escape(part))),
                None => self.html.push_str(&escape(part)),
            }
        }
    }

    /// One run: old words struck, then new words, whitespace at the run's
    /// edges left outside the marks (once, as the new text has it).
    fn run(&mut self, run: Run) {
        if run.is_empty() {
            return;
        }
        let edges = |s: &str| {
            let core = s.trim();
            let lead = &s[..s.len() - s.trim_start().len()];
            let trail = &s[s.trim_end().len()..];
            (lead.to_string(), core.to_string(), trail.to_string())
        };
        let (old_lead, old_core, old_trail) = edges(&run.old);
        let (new_lead, new_core, new_trail) = edges(&run.new);
        let pick = |new: String, old: String| if new.is_empty() { old } else { new };
        self.text(&pick(new_lead, old_lead), None);
        if !old_core.is_empty() {
            self.text(&old_core, Some("del"));
        }
        if !new_core.is_empty() {
            self.text(&new_core, Some("ins"));
        }
        self.text(&pick(new_trail, old_trail), None);
    }

    fn finish(mut self) -> String {
        if self.open {
            self.html.push_str("</p>");
        }
        self.html.trim_end().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_word_is_one_deletion_then_one_insertion() {
        let html = redline("Verkosto kokoontuu kerran vuodessa.\n", "Verkosto kokoontuu kaksi kertaa vuodessa.\n");
        assert_eq!(html, "<p>Verkosto kokoontuu <del>kerran</del><ins>kaksi kertaa</ins> vuodessa.</p>");
    }

    #[test]
    fn a_new_page_is_one_insertion_per_paragraph() {
        assert_eq!(
            redline("", "Aivan uutta.\n\nToinen kappale <b>.\n"),
            "<p><ins>Aivan uutta.</ins></p>\n<p><ins>Toinen kappale &lt;b&gt;.</ins></p>"
        );
        assert_eq!(redline("Vanha teksti.\n", ""), "<p><del>Vanha teksti.</del></p>");
    }

    #[test]
    fn a_rewritten_sentence_reads_old_then_new() {
        let html = redline("Tiimi tapaa joka viikko.\n", "Tiimi kokoontuu kuukausittain.\n");
        assert_eq!(html, "<p>Tiimi <del>tapaa joka viikko.</del><ins>kokoontuu kuukausittain.</ins></p>");
    }

    #[test]
    fn an_added_paragraph_keeps_its_neighbours_apart() {
        let html = redline("Eka.\nKolmas.\n", "Eka.\nToka uusi.\nKolmas.\n");
        assert_eq!(html, "<p>Eka.</p>\n<p><ins>Toka uusi.</ins></p>\n<p>Kolmas.</p>");
    }

    #[test]
    fn readable_drops_markup_and_front_matter() {
        let (title, text) = readable("---\ntitle: Otsikko\n---\n## Väli\n\nTekstiä **lihava** ja [linkki](a.md).\n");
        assert_eq!(title, "Otsikko");
        assert_eq!(text, "Väli\nTekstiä lihava ja linkki.\n");
    }
}
