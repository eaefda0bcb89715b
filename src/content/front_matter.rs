//! Front matter: from a file's text to a validated [`FrontMatter`].
//!
//! Steps: split the `---` block off, parse it as YAML, validate it against the
//! schema table (all problems at once, with positions), deserialize the
//! normalised value into the `Raw*` structs, and turn those into domain types
//! with parsed dates and the cross-field rules (a cover needs alt text, a link
//! needs exactly one target). Derived data such as URLs is not here: that is the
//! library's job.

use serde::Deserialize;
use serde_yaml::Value;

use super::date::Date;
use super::schema::{self, FRONT_MATTER};
use super::yaml::{self, Ctx, Seg, Split, SplitError};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The two kinds of page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Chapter,
    Model,
}

impl PageKind {
    pub fn parse(s: &str) -> Option<PageKind> {
        match s {
            "chapter" => Some(PageKind::Chapter),
            "model" => Some(PageKind::Model),
            _ => None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCover {
    image: String,
    alt: Option<String>,
    caption: Option<String>,
    credit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLink {
    title: String,
    url: Option<String>,
    file: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPartner {
    group: String,
    members: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeeting {
    date: String,
    title: String,
    memo: Option<String>,
}

/// Exactly the keys of `schema::FRONT_MATTER`; a test keeps the two in step.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Option<String>,
    description: Option<String>,
    weight: Option<i64>,
    draft: Option<bool>,
    created: Option<String>,
    updated: Option<String>,
    topics: Option<Vec<String>>,
    aliases: Option<Vec<String>>,
    page_kind: Option<String>,
    author: Option<OneOrMany>,
    funder: Option<String>,
    phase: Option<String>,
    location: Option<String>,
    region: Option<String>,
    cover: Option<RawCover>,
    links: Option<Vec<RawLink>>,
    partners: Option<Vec<RawPartner>>,
    contact: Option<String>,
    meetings: Option<Vec<RawMeeting>>,
    template: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Cover {
    /// As written, relative to the Markdown file.
    pub image: String,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// 1-based line and column of the `image:` value in the file, for link diagnostics.
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    Url(String),
    /// Relative to the Markdown file.
    File(String),
}

#[derive(Debug, Clone)]
pub struct Link {
    pub title: String,
    pub target: LinkTarget,
    /// 1-based line and column of the `url:` or `file:` value (where its
    /// problems are reported: an unsafe or dead URL, a missing file).
    pub value_line: usize,
    pub value_col: usize,
}

#[derive(Debug, Clone)]
pub struct PartnerGroup {
    pub group: String,
    pub members: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Meeting {
    pub date: Date,
    pub title: String,
    /// A URL, or a file or page relative to the Markdown file (like `links[].file`).
    pub memo: Option<String>,
    /// 1-based line and column of the `memo:` value (0 without a memo).
    pub memo_line: usize,
    pub memo_col: usize,
}

/// Model-card metadata; empty for chapters.
#[derive(Debug, Clone, Default)]
pub struct ModelMeta {
    pub authors: Vec<String>,
    pub funder: Option<String>,
    pub phase: Option<String>,
    pub location: Option<String>,
    pub region: Option<String>,
    pub cover: Option<Cover>,
    pub links: Vec<Link>,
    pub partners: Vec<PartnerGroup>,
    pub contact: Option<String>,
    pub meetings: Vec<Meeting>,
}

/// Validated front matter of a page or section.
#[derive(Debug, Clone)]
pub struct FrontMatter {
    pub title: String,
    pub description: Option<String>,
    pub weight: i64,
    pub draft: bool,
    pub created: Option<Date>,
    pub updated: Option<Date>,
    pub topics: Vec<String>,
    pub aliases: Vec<String>,
    pub page_kind: Option<PageKind>,
    pub template: Option<String>,
    pub model: ModelMeta,
}

/// What the caller knows about the file before parsing it.
pub struct ParseInput<'a> {
    /// Path relative to the site root, for messages.
    pub path: &'a str,
    /// The whole file, BOM removed.
    pub text: &'a str,
    pub phases: &'a [(String, String)],
    /// The page kind its section gives, if any.
    pub inherited_kind: Option<PageKind>,
}

/// A parsed file: front matter plus where the body starts.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub front: FrontMatter,
    /// Byte offset of the body in the file text.
    pub body_offset: usize,
    /// 1-based line of the body's first line.
    pub body_line: usize,
    /// What validation warned about (a model card's field in a chapter, …).
    pub warnings: Diagnostics,
}

/// Parses and validates a file's front matter; every problem is reported.
pub fn parse(input: &ParseInput) -> Result<Parsed, Diagnostics> {
    let split = split_or_report(input)?;
    let ctx_for = |is_model: bool| Ctx { path: input.path, file_text: input.text, split, phases: input.phases, is_model };
    let mut value = yaml::parse(&ctx_for(false)).map_err(Diagnostics::from)?;
    let own_kind = value.get("page_kind").and_then(Value::as_str).and_then(PageKind::parse);
    let is_model = own_kind.or(input.inherited_kind) == Some(PageKind::Model);
    let ctx = ctx_for(is_model);
    let mut diags = yaml::validate(&mut value, &FRONT_MATTER, &ctx);
    if diags.has_errors() {
        return Err(diags);
    }
    let raw: RawFrontMatter = match serde_yaml::from_value(value) {
        Ok(raw) => raw,
        Err(e) => {
            // The schema table and the struct disagree: a bug, reported rather than panicking.
            diags.push(
                Diagnostic::error(input.path, 1, 1, format!("alkutietoja ei voitu lukea: {e}"))
                    .with_help("ilmoita tästä ohjelman kehittäjille"),
            );
            return Err(diags);
        }
    };
    let front = into_domain(raw, &ctx, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    let body_offset = input.text.len() - split.body.len();
    Ok(Parsed { front, body_offset, body_line: split.body_line, warnings: diags })
}

fn split_or_report<'a>(input: &ParseInput<'a>) -> Result<Split<'a>, Diagnostics> {
    yaml::split(input.text).map_err(|e| {
        let d = match e {
            SplitError::NoFrontMatter => Diagnostic::error(input.path, 1, 1, "tiedoston alusta puuttuvat alkutiedot").with_help(
                "aloita tiedosto rivillä `---`, kirjoita sen alle ainakin `title: Otsikko` ja sulje alkutiedot toisella `---`-rivillä",
            ),
            SplitError::Unclosed => Diagnostic::error(input.path, 1, 1, "alkutietoja ei ole suljettu")
                .with_help("lisää alkutietojen loppuun rivi, jolla on pelkkä `---`"),
        };
        Diagnostics::from(d.with_source(input.text))
    })
}

/// 1-based (line, column) of the value of the key at `path`: in
/// `  image: kuva.svg` the `k`. Falls back to the nearest enclosing key.
fn value_at(ctx: &Ctx, path: &[Seg]) -> (usize, usize) {
    let (l, c) = yaml::locate(ctx.split.yaml, path);
    let text = ctx.split.yaml.lines().nth(l).unwrap_or("");
    let value = text.get(c..).and_then(|rest| rest.find(':')).map(|colon| {
        let after = c + colon + 1;
        after + (text.len() - after - text[after..].trim_start().len())
    });
    (ctx.split.yaml_line + l, value.map_or(c, |v| text[..v].chars().count()) + 1)
}

fn into_domain(raw: RawFrontMatter, ctx: &Ctx, diags: &mut Diagnostics) -> FrontMatter {
    let k = |s: &str| Seg::Key(s.to_string());
    let date = |s: Option<String>| s.as_deref().and_then(Date::parse);
    let cover = raw.cover.and_then(|c| {
        let (line, col) = value_at(ctx, &[k("cover"), k("image")]);
        match c.alt.filter(|a| !a.trim().is_empty()) {
            Some(alt) => Some(Cover { image: c.image, alt, caption: c.caption, credit: c.credit, line, col }),
            None => {
                let (l, col) = yaml::locate(ctx.split.yaml, &[k("cover")]);
                diags.push(
                    Diagnostic::error(
                        ctx.path,
                        ctx.split.yaml_line + l,
                        col + 1,
                        "kansikuvalta puuttuu vaihtoehtoinen teksti (`cover.alt`)",
                    )
                    .with_help(
                        "lisää `cover`-kohtaan rivi `alt: …`, joka kertoo lyhyesti, mitä kuvassa on, ruudunlukijaa käyttävälle lukijalle",
                    )
                    .with_source(ctx.file_text),
                );
                None
            }
        }
    });
    let mut links = Vec::new();
    for (i, l) in raw.links.unwrap_or_default().into_iter().enumerate() {
        let path = [k("links"), Seg::Index(i)];
        let (value_line, value_col) = value_at(ctx, &[k("links"), Seg::Index(i), k(if l.url.is_some() { "url" } else { "file" })]);
        let target = match (l.url, l.file) {
            (Some(u), None) => LinkTarget::Url(u),
            (None, Some(f)) => LinkTarget::File(f),
            _ => {
                let (ln, col) = yaml::locate(ctx.split.yaml, &path);
                diags.push(
                    Diagnostic::error(
                        ctx.path,
                        ctx.split.yaml_line + ln,
                        col + 1,
                        format!("linkillä `{}` pitää olla joko `url` tai `file`, ei molempia eikä kumpaakaan", l.title),
                    )
                    .with_help("anna verkko-osoite riville `url: https://…` tai tiedosto riville `file: liite.pdf`")
                    .with_source(ctx.file_text),
                );
                continue;
            }
        };
        let (LinkTarget::Url(u) | LinkTarget::File(u)) = &target;
        if crate::markdown::links::is_dangerous(u) {
            diags.push(unsafe_url(ctx, (value_line, value_col), u));
            continue;
        }
        links.push(Link { title: l.title, target, value_line, value_col });
    }
    let meetings: Vec<RawMeeting> = raw.meetings.unwrap_or_default();
    for (i, m) in meetings.iter().enumerate() {
        if let Some(memo) = m.memo.as_deref().filter(|u| crate::markdown::links::is_dangerous(u)) {
            diags.push(unsafe_url(ctx, value_at(ctx, &[k("meetings"), Seg::Index(i), k("memo")]), memo));
        }
    }
    if let Some(c) = cover.as_ref().filter(|c| crate::markdown::links::is_dangerous(&c.image)) {
        diags.push(unsafe_url(ctx, (c.line, c.col), &c.image));
    }
    if raw.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
        let (line, col) = ctx.at(&[k("title")]);
        diags.push(
            Diagnostic::error(ctx.path, line, col, "otsikko (`title`) on tyhjä")
                .with_help("kirjoita sivulle otsikko, esim. `title: Perhekeskuksen toiminta`")
                .with_source(ctx.file_text),
        );
    }
    let authors = match raw.author {
        None => Vec::new(),
        Some(OneOrMany::One(a)) => vec![a],
        Some(OneOrMany::Many(v)) => v,
    };
    FrontMatter {
        title: raw.title.unwrap_or_default(),
        description: raw.description.filter(|d| !d.trim().is_empty()),
        weight: raw.weight.unwrap_or(0),
        draft: raw.draft.unwrap_or(false),
        created: date(raw.created),
        updated: date(raw.updated),
        topics: raw.topics.unwrap_or_default(),
        aliases: raw.aliases.unwrap_or_default(),
        page_kind: raw.page_kind.as_deref().and_then(PageKind::parse),
        template: raw.template,
        model: ModelMeta {
            authors,
            funder: raw.funder,
            phase: raw.phase,
            location: raw.location,
            region: raw.region,
            cover,
            links,
            partners: raw.partners.unwrap_or_default().into_iter().map(|p| PartnerGroup { group: p.group, members: p.members }).collect(),
            contact: raw.contact,
            meetings: meetings
                .into_iter()
                .enumerate()
                .filter_map(|(i, m)| {
                    let (memo_line, memo_col) =
                        if m.memo.is_some() { value_at(ctx, &[k("meetings"), Seg::Index(i), k("memo")]) } else { (0, 0) };
                    Some(Meeting { date: Date::parse(&m.date)?, title: m.title, memo: m.memo, memo_line, memo_col })
                })
                .collect(),
        },
    }
}

/// A script URL at (`line`, `col`): where its value starts (see [`value_at`]).
fn unsafe_url(ctx: &Ctx, (line, col): (usize, usize), url: &str) -> Diagnostic {
    Diagnostic::error(
        ctx.path,
        line,
        col,
        format!("osoite `{}` ei ole sallittu: se voisi ajaa koodia lukijan selaimessa", url.chars().take(40).collect::<String>()),
    )
    .with_help("käytä verkko-osoitetta (https://…) tai tiedostoa tämän tiedoston kansiosta")
    .with_source(ctx.file_text)
}

/// 1-based (line, column) of the node at `path` in the front matter of a
/// file's `text`; 1:1 when the file has no front matter. For messages about
/// values found wrong after parsing (aliases, topics, templates).
pub fn position(text: &str, path: &[Seg]) -> (usize, usize) {
    match yaml::split(text) {
        Ok(split) => {
            let (l, c) = yaml::locate(split.yaml, path);
            (split.yaml_line + l, c + 1)
        }
        Err(_) => (1, 1),
    }
}

/// The example value of every schema key as one YAML document (for tests and `new`).
pub fn example_yaml() -> String {
    let mut s = String::new();
    for f in schema::FRONT_MATTER.iter() {
        let sep = if f.example.starts_with('\n') { ":" } else { ": " };
        s.push_str(f.name);
        s.push_str(sep);
        s.push_str(f.example);
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phases() -> Vec<(String, String)> {
        vec![("kehitteilla".into(), "Kehitteillä".into()), ("kehitetty".into(), "Kehitetty".into())]
    }

    fn run(text: &str) -> Result<Parsed, Diagnostics> {
        let phases = phases();
        parse(&ParseInput { path: "content/a.md", text, phases: &phases, inherited_kind: Some(PageKind::Model) })
    }

    #[test]
    fn schema_and_struct_agree() {
        let text = format!("---\n{}---\nbody\n", example_yaml().replace("/vanha/osoite/", "/vanha/"));
        let parsed = run(&text).unwrap_or_else(|d| panic!("{:#?}", d.sorted()));
        assert_eq!(parsed.front.title, "Otsikko");
        assert_eq!(parsed.front.model.meetings.len(), 1);
        assert_eq!(parsed.front.model.cover.as_ref().unwrap().alt, "Kuvaus kuvasta");
    }

    #[test]
    fn reports_every_problem_with_positions() {
        let text = "---\ntitle: A\nfundr: STM\nphase: valmis\ncreated: 2023-02-30\ncover:\n  image: a.svg\n---\n";
        // All four problems of one file come back together.
        let diags = run(text).unwrap_err().sorted();
        let lines: Vec<String> = diags.iter().map(|d| format!("{}:{}: {}", d.line, d.col, d.message)).collect();
        assert_eq!(
            lines,
            vec![
                "3:1: tuntematon kenttä `fundr`".to_string(),
                "4:1: arvo `valmis` ei kelpaa kenttään `phase`".into(),
                "5:1: päivämäärä `2023-02-30` ei kelpaa".into(),
                "6:1: kentästä `cover` puuttuu pakollinen `alt` (vaihtoehtoinen teksti, joka kertoo ruudunlukijaa käyttävälle, mitä kuvassa on)".into(),
            ]
        );
        assert_eq!(diags[0].help.as_deref().map(|h| h.starts_with("tarkoititko `funder`?")), Some(true));
    }

    #[test]
    fn cover_with_empty_alt_is_an_error() {
        let diags = run("---\ntitle: A\ncover:\n  image: a.svg\n  alt: \"\"\n---\n").unwrap_err().sorted();
        assert_eq!(diags.len(), 1);
        assert_eq!((diags[0].line, diags[0].col), (3, 1));
        assert!(diags[0].message.contains("cover.alt"));
    }
}
