//! "Muutokset tässä ehdotuksessa": what a pull request changes, for reviewers
//! who never read a diff. Turns a Markdown file (page or section) into the
//! text a reader sees — visible front-matter fields as labelled lines, then
//! the body without markup — and renders a word-level redline of two such
//! texts with `<ins>` and `<del>`. [`ChangeSet`] is the result for a whole
//! site; which files to compare is `preview`'s job.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Parser, TagEnd};
use serde_yaml::Value;
use similar::{ChangeTag, TextDiff};

use crate::config::Config;
use crate::content::date::Date;
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

/// How front-matter fields read on the changes page: the labels the page
/// templates use (in the site's language) and the configured phase names.
pub struct FieldNames<'a> {
    t: BTreeMap<&'static str, &'static str>,
    phases: &'a [(String, String)],
}

impl<'a> FieldNames<'a> {
    pub fn new(config: &'a Config) -> FieldNames<'a> {
        FieldNames { t: crate::i18n::strings(&config.language), phases: &config.phases }
    }

    fn label(&self, key: &str) -> &str {
        self.t.get(key).copied().unwrap_or("")
    }
}

/// A YAML scalar as text (numbers and booleans too); `None` for anything else.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Sequence(items)) => items.iter().filter_map(scalar).collect(),
        Some(other) => scalar(other).into_iter().collect(),
        None => Vec::new(),
    }
}

fn finnish_date(v: Option<&Value>) -> Option<String> {
    let s = scalar(v?)?;
    Some(Date::parse(&s).map_or(s, |d| d.finnish()))
}

/// The front-matter fields a reader sees on the page, one line each, in the
/// order the templates show them (`Kehittämisen vaihe: Kehitetty`). Read
/// leniently from YAML, as an old revision need not match today's schema;
/// fields that never show (weight, aliases, template …) are left out.
fn readable_fields(front: &Value, names: &FieldNames) -> String {
    let get = |k: &str| front.get(k);
    let mut lines: Vec<String> = Vec::new();
    if get("draft").and_then(Value::as_bool) == Some(true) {
        lines.push(names.label("draft").to_string());
    }
    if let Some(d) = get("description").and_then(scalar) {
        lines.push(d);
    }
    let mut line = |label: &str, value: String| {
        if !value.is_empty() {
            lines.push(format!("{label}: {value}"));
        }
    };
    for (key, label) in [("location", "location"), ("region", "region"), ("funder", "funder")] {
        line(names.label(label), get(key).and_then(scalar).unwrap_or_default());
    }
    line(names.label("authors"), strings(get("author")).join(", "));
    line(names.label("contact"), get("contact").and_then(scalar).unwrap_or_default());
    line(names.label("created"), finnish_date(get("created")).unwrap_or_default());
    line(names.label("updated"), finnish_date(get("updated")).unwrap_or_default());
    for l in get("links").and_then(Value::as_sequence).into_iter().flatten() {
        let title = l.get("title").and_then(scalar).unwrap_or_default();
        let target = l.get("url").or_else(|| l.get("file")).and_then(scalar).unwrap_or_default();
        line(names.label("links"), format!("{title} ({target})"));
    }
    if let Some(id) = get("phase").and_then(scalar) {
        let label = names.phases.iter().find(|(p, _)| *p == id).map_or(id.clone(), |(_, l)| l.clone());
        line(names.label("phase"), label);
    }
    line(names.label("topics"), strings(get("topics")).join(", "));
    if let Some(c) = get("cover") {
        let parts: Vec<String> = ["alt", "caption", "credit"].iter().filter_map(|k| c.get(*k).and_then(scalar)).collect();
        line(names.label("cover"), parts.join(" – "));
    }
    for g in get("partners").and_then(Value::as_sequence).into_iter().flatten() {
        let group = g.get("group").and_then(scalar).unwrap_or_default();
        line(names.label("partners"), format!("{group}: {}", strings(g.get("members")).join(", ")));
    }
    for m in get("meetings").and_then(Value::as_sequence).into_iter().flatten() {
        let date = finnish_date(m.get("date")).unwrap_or_default();
        let title = m.get("title").and_then(scalar).unwrap_or_default();
        let memo = m.get("memo").and_then(scalar).map(|u| format!(" ({u})")).unwrap_or_default();
        line(names.label("meetings"), format!("{date} – {title}{memo}"));
    }
    lines.into_iter().map(|l| l.replace('\n', " ") + "\n").collect()
}

/// What a deploy preview changes. Derefs to the changed pages.
#[derive(Debug, Clone, Default)]
pub struct ChangeSet {
    pub pages: Vec<PageChange>,
    /// Why the changes could not be worked out (no base branch, no
    /// repository): the page then says so instead of "no changes".
    pub unknown: Option<String>,
}

impl ChangeSet {
    /// The count for the preview banner: `?` when unknown.
    pub fn count(&self) -> serde_json::Value {
        match self.unknown {
            Some(_) => "?".into(),
            None => self.pages.len().into(),
        }
    }
}

impl std::ops::Deref for ChangeSet {
    type Target = [PageChange];

    fn deref(&self) -> &[PageChange] {
        &self.pages
    }
}

/// Title and readable text of a Markdown file: the visible front-matter
/// fields (see [`readable_fields`]), then the body without its markup.
pub fn readable(text: &str, names: &FieldNames) -> (String, String) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (front, body) = match yaml::split(text) {
        Ok(s) => (serde_yaml::from_str::<Value>(s.yaml).unwrap_or(Value::Null), s.body),
        Err(_) => (Value::Null, text),
    };
    let title = front.get("title").and_then(scalar).unwrap_or_default();
    let mut out = readable_fields(&front, names);
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
    let (old, new) = (words(old), words(new));
    let diff = TextDiff::from_slices(&old, &new);
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

/// Tokens for the diff: runs of letters and digits (words), runs of
/// whitespace, and each other character alone, so that `Perhekeskus,` and
/// `Perhekeskus` share their word and only the comma differs.
fn words(text: &str) -> Vec<&str> {
    let class = |c: char| {
        if c.is_alphanumeric() {
            0
        } else if c.is_whitespace() {
            1
        } else {
            2
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<u8> = None;
    for (i, c) in text.char_indices() {
        let k = class(c);
        if prev.is_some_and(|p| p != k || k == 2) {
            out.push(&text[start..i]);
            start = i;
        }
        prev = Some(k);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
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
    fn punctuation_is_a_token_of_its_own() {
        assert_eq!(words("Kunnat: Tampere,  Nokia.\n"), ["Kunnat", ":", " ", "Tampere", ",", "  ", "Nokia", ".", "\n"]);
        assert_eq!(
            redline("Aihealueet: Perhekeskus\n", "Aihealueet: Perhekeskus, Verkostot\n"),
            "<p>Aihealueet: Perhekeskus<ins>, Verkostot</ins></p>"
        );
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
        assert_eq!(html, "<p>Tiimi <del>tapaa joka viikko</del><ins>kokoontuu kuukausittain</ins>.</p>");
    }

    #[test]
    fn an_added_paragraph_keeps_its_neighbours_apart() {
        let html = redline("Eka.\nKolmas.\n", "Eka.\nToka uusi.\nKolmas.\n");
        assert_eq!(html, "<p>Eka.</p>\n<p><ins>Toka uusi.</ins></p>\n<p>Kolmas.</p>");
    }

    fn config() -> Config {
        crate::config::parse("title: T\nbase_url: https://example.org/\n").expect("test configuration")
    }

    #[test]
    fn readable_drops_markup_and_keeps_visible_fields_only() {
        let config = config();
        let names = FieldNames::new(&config);
        let (title, text) = readable("---\ntitle: Otsikko\nweight: 3\n---\n## Väli\n\nTekstiä **lihava** ja [linkki](a.md).\n", &names);
        assert_eq!(title, "Otsikko");
        assert_eq!(text, "Väli\nTekstiä lihava ja linkki.\n");
    }

    #[test]
    fn front_matter_reads_as_on_the_model_card() {
        let config = config();
        let names = FieldNames::new(&config);
        let file = "---\ntitle: Malli\ndescription: Lyhyesti.\nphase: kehitetty\nfunder: STM\nauthor: [A, B]\n\
                    topics: [Perhekeskus, Verkostot]\ncreated: 2023-10-20\n\
                    links:\n  - title: Muistio\n    file: liitteet/m.pdf\n\
                    partners:\n  - group: Kunnat\n    members: [Tampere, Nokia]\n\
                    meetings:\n  - date: 2023-11-13\n    title: Aloitus\n---\nTeksti.\n";
        let (_, text) = readable(file, &names);
        assert_eq!(
            text,
            "Lyhyesti.\nToimintamallin rahoittaja: STM\nTekijä: A, B\nLuotu: 20.10.2023\n\
             Liitteet ja linkit: Muistio (liitteet/m.pdf)\nKehittämisen vaihe: Kehitetty\nAihealueet: Perhekeskus, Verkostot\n\
             Kumppanit: Kunnat: Tampere, Nokia\nTapaamiset: 13.11.2023 – Aloitus\nTeksti.\n"
        );
    }
}
