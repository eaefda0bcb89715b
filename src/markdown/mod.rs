//! Markdown to HTML: pulldown-cmark events, transformed in passes, then
//! serialised by pulldown-cmark's own HTML writer.
//!
//! Passes (each a function over the event list): heading ids and the table of
//! contents; link and image rewriting (with diagnostics at the link's line and
//! column); code blocks through syntect; tables wrapped for narrow screens;
//! plain text extraction for search. Raw HTML is passed through here;
//! sanitising it is the job of a later pass, not of this module.

pub mod highlight;
pub mod links;
pub mod sanitize;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, Diagnostics, Lines, SourceLines};
use crate::slug::slugify;
use links::LinkResolver;

/// One entry of a page's table of contents.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// The plain text of one part of a body: before the first H2/H3 (empty
/// anchor and heading), or under one H2/H3 heading up to the next.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextSection {
    pub anchor: String,
    pub heading: String,
    pub text: String,
}

/// A link in the body that points inside the site, for anchor checks.
#[derive(Debug, Clone)]
pub struct LinkRef {
    /// The page or section it leads to; `None` for the same page.
    pub target: Option<crate::content::library::Target>,
    /// The `#fragment`, without `#`.
    pub fragment: String,
    pub href: String,
    pub line: usize,
    pub col: usize,
}

/// How to render: per-site and per-page choices.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    /// `aria-label` of the scrollable table wrapper.
    pub table_label: &'a str,
    /// Levels to demote headings by (see [`render`]).
    pub heading_offset: u8,
    /// Raw HTML passes unsanitised (site setting `trusted_html`).
    pub trusted_html: bool,
}

/// The output of rendering one Markdown body.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Every heading id, for anchor checks.
    pub anchors: Vec<String>,
    /// Plain text split at H2 and H3, for search.
    pub sections: Vec<TextSection>,
    /// Internal links with a fragment, checked once every page is rendered.
    pub links: Vec<LinkRef>,
    /// External `http(s)` links, for `check --external`.
    pub external: Vec<LinkRef>,
    pub diagnostics: Diagnostics,
}

/// Where a body comes from, for link resolution and messages.
pub struct Source<'a> {
    /// Relative to the site root (`content/x.md`).
    pub display: &'a str,
    /// Relative to `content/`.
    pub rel: &'a str,
    pub file_text: &'a str,
    pub body_offset: usize,
}

type Ev<'a> = (Event<'a>, Range<usize>);

/// Bytes of Markdown per event, for sizing a body's event list: the bundled
/// handbook has 23 on average and 15 on its densest page, the benchmark's
/// generated pages 78. The list lives only while its page is rendered.
const EVENT_BYTES: usize = 16;

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders a body; problems go into `Rendered::diagnostics`, never a panic.
/// `heading_offset` demotes headings (a model card's body sits under the
/// card's own "Toimintamallin kuvaus" H2, so its `##` become H3).
pub fn render(src: &Source, resolver: &LinkResolver, opts: RenderOptions) -> Rendered {
    let body = &src.file_text[src.body_offset..];
    // Sized up front: grown from empty, the list of a long page is copied
    // over a dozen times (see [`EVENT_BYTES`]).
    let mut events: Vec<Ev> = Vec::with_capacity(body.len() / EVENT_BYTES + 16);
    events.extend(Parser::new_ext(body, options()).into_offset_iter());
    let mut out = Rendered::default();
    headings(&mut events, src, &mut out);
    rewrite_links(&mut events, src, resolver, &mut out);
    out.sections = text_sections(&events);
    demote(&mut events, opts.heading_offset);
    let has_raw_html = events.iter().any(|(e, _)| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    let events = code_and_tables(events, opts.table_label);
    out.html.reserve(body.len() + body.len() / 4);
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    if has_raw_html && !opts.trusted_html {
        out.html = sanitize::clean(&out.html);
    }
    // A site's pages are all held at once: no spare capacity.
    out.html.shrink_to_fit();
    out
}

fn level_num(l: HeadingLevel) -> u8 {
    l as u8
}

/// Gives every heading a unique id (its own `{#id}` or a slug of its text) and
/// collects H2–H3 into the TOC; warns when a level is skipped. Of the other
/// heading attributes only safe class names are kept.
fn headings(events: &mut [Ev], src: &Source, out: &mut Rendered) {
    // The templates' own ids (`#sisalto`, `#perustiedot` …) are taken: a body
    // heading "Sisältö" becomes `sisalto-2`, so every id on a page stays unique.
    let mut used: HashSet<String> = crate::check::TEMPLATE_ANCHORS.iter().map(|a| a.to_string()).collect();
    // By base id: the next number to try for a repeat of it (see below).
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    let mut prev_level = 1u8;
    // Positions and source lines of the warnings, without rescanning the page for each.
    let (mut lines, source) = (Lines::new(src.file_text), SourceLines::new(src.file_text));
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::Heading { level, .. }) = &events[i].0 else {
            i += 1;
            continue;
        };
        let level = level_num(*level);
        let end = (i..events.len()).find(|&j| matches!(events[j].0, Event::End(TagEnd::Heading(_)))).unwrap_or(events.len());
        let title: String = events[i + 1..end]
            .iter()
            .filter_map(|(e, _)| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        if level == 1 {
            let (l, c) = lines.line_col(src.body_offset + events[i].1.start);
            out.diagnostics.push(
                Diagnostic::warning(src.display, l, c, "sivun tekstissä on pääotsikko (H1)")
                    .with_help("sivun otsikko tulee alkutietojen `title`-kentästä: aloita tekstin otsikot tasolta `##`")
                    .with_line_of(&source),
            );
        } else if level > prev_level + 1 {
            let (l, c) = lines.line_col(src.body_offset + events[i].1.start);
            out.diagnostics.push(
                Diagnostic::warning(src.display, l, c, format!("otsikkotaso hyppää tasolta {prev_level} tasolle {level}"))
                    .with_help(format!(
                        "käytä tasoa {} (`{}`), jotta ruudunlukijan otsikkorakenne pysyy ehjänä",
                        prev_level + 1,
                        "#".repeat(usize::from(prev_level) + 1)
                    ))
                    .with_line_of(&source),
            );
        }
        prev_level = level;
        let Event::Start(Tag::Heading { id, classes, attrs, .. }) = &mut events[i].0 else { unreachable!("matched above") };
        // `{#id .class key=value}` is for anchors and styling hooks only: any
        // other attribute (`onmouseover=…`, `style=…`) would reach the reader
        // unsanitised, since sanitising runs only on raw HTML.
        attrs.clear();
        classes.retain(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'));
        let base = id.as_ref().map(|s| s.to_string()).unwrap_or_else(|| slugify(&title));
        let base = if base.is_empty() { "otsikko".to_string() } else { base };
        // The first of `base`, `base-2`, `base-3` … not yet used; the search
        // for a repeated heading goes on where the previous one of the same
        // base stopped (those before it are all used), so a page with
        // thousands of equal headings is not quadratic.
        let mut unique = base.clone();
        if !used.insert(base.clone()) {
            let n = next_suffix.entry(base.clone()).or_insert(2);
            loop {
                unique = format!("{base}-{n}");
                *n += 1;
                if used.insert(unique.clone()) {
                    break;
                }
            }
        }
        *id = Some(CowStr::from(unique.clone()));
        if (2..=3).contains(&level) {
            out.toc.push(TocEntry { level, id: unique.clone(), title: title.trim().to_string() });
        }
        out.anchors.push(unique);
        i = end;
    }
}

fn rewrite_links(events: &mut [Ev], src: &Source, resolver: &LinkResolver, out: &mut Rendered) {
    let diags = &mut out.diagnostics;
    let mut lines = Lines::new(src.file_text);
    let source = SourceLines::new(src.file_text);
    for i in 0..events.len() {
        let (is_image, dest) = match &events[i].0 {
            Event::Start(Tag::Link { dest_url, .. }) => (false, dest_url.to_string()),
            Event::Start(Tag::Image { dest_url, .. }) => (true, dest_url.to_string()),
            _ => continue,
        };
        let (line, col) = lines.line_col(src.body_offset + events[i].1.start);
        if is_image {
            let alt_empty = events[i + 1..]
                .iter()
                .take_while(|(e, _)| !matches!(e, Event::End(TagEnd::Image)))
                .all(|(e, _)| !matches!(e, Event::Text(t) if !t.trim().is_empty()));
            if alt_empty {
                diags.push(
                    Diagnostic::error(src.display, line, col, format!("kuvalta `{dest}` puuttuu vaihtoehtoinen teksti"))
                        .with_help("kirjoita hakasulkeisiin, mitä kuvassa on: `![Kuvaus kuvasta](kuva.svg)`")
                        .with_line_of(&source),
                );
            }
        }
        if links::is_dangerous(&dest) {
            diags.push(
                Diagnostic::error(
                    src.display,
                    line,
                    col,
                    format!(
                        "osoite `{}` ei ole sallittu: se voisi ajaa koodia lukijan selaimessa",
                        dest.chars().take(40).collect::<String>()
                    ),
                )
                .with_help("käytä verkko-osoitetta (https://…) tai linkkiä toiseen sivuun (`toinen-luku.md`)")
                .with_line_of(&source),
            );
            continue;
        }
        if !is_image && (dest.trim().is_empty() || dest == "#") {
            diags.push(
                Diagnostic::error(src.display, line, col, "linkillä ei ole kohdetta (paikkamerkki `#` tai tyhjä)")
                    .with_help("kirjoita linkin kohde sulkeisiin, esim. `[teksti](toinen-luku.md)`, tai poista linkki")
                    .with_line_of(&source),
            );
            continue;
        }
        if dest.starts_with("http://") || dest.starts_with("https://") {
            out.external.push(LinkRef { target: None, fragment: String::new(), href: dest.clone(), line, col });
        }
        if let Some((_, frag)) = dest.split_once('#').filter(|_| !links::is_external(&dest)) {
            let same_page = dest.starts_with('#');
            let target = if same_page { None } else { resolver.target(src.rel, &dest) };
            if same_page || target.is_some() {
                out.links.push(LinkRef { target, fragment: frag.to_string(), href: dest.clone(), line, col });
            }
        }
        let new_url = match resolver.resolve(src.rel, &dest) {
            Ok(u) => u,
            Err(un) => {
                let what = if is_image { "kuvaa" } else { "linkin kohdetta" };
                diags.push(Diagnostic::error(src.display, line, col, un.message(what)).with_help(un.help()).with_line_of(&source));
                dest.clone()
            }
        };
        match &mut events[i].0 {
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => *dest_url = CowStr::from(new_url),
            _ => {}
        }
    }
}

fn demote(events: &mut [Ev], by: u8) {
    if by == 0 {
        return;
    }
    let shift = |l: HeadingLevel| HeadingLevel::try_from(usize::from(level_num(l) + by).min(6)).unwrap_or(HeadingLevel::H6);
    for (e, _) in events.iter_mut() {
        match e {
            Event::Start(Tag::Heading { level, .. }) => *level = shift(*level),
            Event::End(TagEnd::Heading(level)) => *level = shift(*level),
            _ => {}
        }
    }
}

/// Code blocks become highlighted HTML; tables get a scrollable, labelled wrapper.
fn code_and_tables<'a>(events: Vec<Ev<'a>>, table_label: &str) -> Vec<Event<'a>> {
    // A table gains two events (its wrapper's start and end).
    let tables = events.iter().filter(|(e, _)| matches!(e, Event::Start(Tag::Table(_)))).count();
    let mut out = Vec::with_capacity(events.len() + 2 * tables);
    let mut code: Option<(String, String)> = None;
    for (e, _) in events {
        match e {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => l.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Text(t) if code.is_some() => {
                if let Some((_, buf)) = code.as_mut() {
                    buf.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, buf)) = code.take() {
                    out.push(Event::Html(CowStr::from(highlight::code_block(&buf, &lang))));
                }
            }
            Event::Start(Tag::Table(a)) => {
                let label = highlight::escape(table_label);
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{label}\">\n"
                ))));
                out.push(Event::Start(Tag::Table(a)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html(CowStr::from("</div>\n")));
            }
            other => out.push(other),
        }
    }
    out
}

/// Plain text by H2/H3 section (source levels, before demotion; ids as assigned
/// by [`headings`]). Lower headings stay in their section's text.
fn text_sections(events: &[Ev]) -> Vec<TextSection> {
    // The text gathers in one buffer and each section gets an exact copy:
    // grown in place, every section's text would be copied several times over.
    let mut out = vec![TextSection::default()];
    let mut buf = String::new();
    let close = |out: &mut Vec<TextSection>, buf: &mut String| {
        out.last_mut().expect("never empty").text = buf.as_str().into();
        buf.clear();
    };
    let mut heading: Option<(u8, String, String)> = None;
    for (e, _) in events {
        match e {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((level_num(*level), id.as_deref().unwrap_or("").to_string(), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => match heading.take() {
                Some((2 | 3, anchor, title)) => {
                    close(&mut out, &mut buf);
                    out.push(TextSection { anchor, heading: title.trim().to_string(), text: String::new() });
                }
                Some((_, _, title)) => {
                    buf.push_str(&title);
                    buf.push('\n');
                }
                None => {}
            },
            Event::Text(t) | Event::Code(t) => match heading.as_mut() {
                Some((_, _, title)) => title.push_str(t),
                None => buf.push_str(t),
            },
            Event::SoftBreak | Event::HardBreak => buf.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock | TagEnd::BlockQuote(_)) => buf.push('\n'),
            _ => {}
        }
    }
    close(&mut out, &mut buf);
    out.retain(|s| !(s.anchor.is_empty() && s.heading.is_empty() && s.text.trim().is_empty()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ids [`headings`] gives the headings of `body`.
    fn ids(body: &str) -> Vec<String> {
        let src = Source { display: "content/x.md", rel: "x.md", file_text: body, body_offset: 0 };
        let mut events: Vec<Ev> = Parser::new_ext(body, options()).into_offset_iter().collect();
        let mut out = Rendered::default();
        headings(&mut events, &src, &mut out);
        out.anchors
    }

    #[test]
    fn repeated_headings_get_the_first_free_number() {
        let titles = ["Sama", "Sama", "Sama 3", "Sama", "Sama", "Sama 2", "Sisältö", "Sisältö", "Sama", "Sama 7", "Sama"];
        let body: String = titles.iter().map(|t| format!("## {t}\n\n")).collect();
        // The rule: the smallest free `base-n`, n ≥ 2, searched from 2 for every heading.
        let mut used: HashSet<String> = crate::check::TEMPLATE_ANCHORS.iter().map(|a| a.to_string()).collect();
        let expected: Vec<String> = titles
            .iter()
            .map(|t| {
                let base = crate::slug::slugify(t);
                let (mut id, mut n) = (base.clone(), 2);
                while !used.insert(id.clone()) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                id
            })
            .collect();
        assert_eq!(ids(&body), expected);
        assert_eq!(
            expected,
            ["sama", "sama-2", "sama-3", "sama-4", "sama-5", "sama-2-2", "sisalto-2", "sisalto-3", "sama-6", "sama-7", "sama-8"]
        );
    }
}
