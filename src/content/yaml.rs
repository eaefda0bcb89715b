//! YAML front matter: splitting it from the body, validating a parsed value
//! against a schema table, and locating keys in the source text.
//!
//! serde_yaml gives positions only for syntax errors, so after parsing into a
//! `serde_yaml::Value` the validator walks the value and the schema together and
//! asks [`locate`] for the line and column of every key it complains about. The
//! locator understands the block style editors write (one key per line, `- `
//! list items); for flow style it falls back to the nearest enclosing key. The
//! validator also normalises scalars (a number given for a text key becomes text)
//! so that the typed structs deserialize without surprises.

use serde_yaml::{Mapping, Value};

use super::schema::{self, Field, Scope, Ty};
use crate::diagnostics::{line_col, nearest, Diagnostic, Diagnostics};

/// A file split into its front matter and body.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line number of the first YAML line in the file.
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line number of the first body line in the file.
    pub body_line: usize,
}

/// Why a file could not be split.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not begin with a `---` line.
    NoFrontMatter,
    /// The opening `---` has no closing `---`.
    Unclosed,
}

/// Splits `---\n yaml \n---\n body`. `text` has already had its BOM removed; CRLF is fine.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(SplitError::NoFrontMatter);
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut pos = yaml_start;
    let mut line = 2;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..end].trim_end() == "---" {
            let body_start = (end + 1).min(text.len());
            return Ok(Split { yaml: &text[yaml_start..pos], yaml_line: 2, body: &text[body_start..], body_line: line + 1 });
        }
        pos = end + 1;
        line += 1;
    }
    Err(SplitError::Unclosed)
}

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A line of the YAML text, seen from a column onwards.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry<'a> {
    pub(super) line: usize,
    pub(super) col: usize,
    pub(super) text: &'a str,
}

pub(super) fn entries(yaml: &str) -> Vec<Entry<'_>> {
    yaml.lines()
        .enumerate()
        .filter_map(|(line, raw)| {
            let raw = raw.trim_end_matches('\r');
            let text = raw.trim_start_matches(' ');
            if text.trim().is_empty() || text.starts_with('#') {
                return None;
            }
            Some(Entry { line, col: raw.len() - text.len(), text })
        })
        .collect()
}

pub(super) fn key_of(text: &str) -> Option<&str> {
    let colon = text.find(':')?;
    let after = &text[colon + 1..];
    if !(after.is_empty() || after.starts_with(' ') || after.starts_with('\t')) {
        return None;
    }
    Some(text[..colon].trim().trim_matches(|c| c == '"' || c == '\''))
}

pub(super) fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// 0-based (line, col) of the node at `path` in `yaml`; falls back to the
/// deepest enclosing node it can find (or 0,0).
pub fn locate(yaml: &str, path: &[Seg]) -> (usize, usize) {
    let all = entries(yaml);
    let mut scope: Vec<Entry> = all;
    let mut found = (0, 0);
    for seg in path {
        let Some(child_col) = scope.iter().map(|e| e.col).min() else { break };
        let hit = match seg {
            Seg::Key(k) => scope.iter().position(|e| e.col == child_col && key_of(e.text) == Some(k.as_str())),
            Seg::Index(i) => scope.iter().enumerate().filter(|(_, e)| e.col == child_col && is_item(e.text)).nth(*i).map(|(p, _)| p),
        };
        let Some(p) = hit else { break };
        let e = scope[p];
        found = (e.line, e.col);
        let mut next = Vec::new();
        if let Seg::Index(_) = seg {
            // The item's own line continues after "- " as part of the item.
            let rest = e.text[1..].trim_start_matches(' ');
            if !rest.is_empty() {
                next.push(Entry { line: e.line, col: e.col + (e.text.len() - rest.len()), text: rest });
            }
        }
        for f in &scope[p + 1..] {
            let belongs = f.col > child_col || (matches!(seg, Seg::Key(_)) && f.col == child_col && is_item(f.text));
            if !belongs {
                break;
            }
            next.push(*f);
        }
        scope = next;
    }
    found
}

/// Everything the validator needs to know besides the value.
pub struct Ctx<'a> {
    pub path: &'a str,
    pub file_text: &'a str,
    pub split: Split<'a>,
    /// Allowed phase ids with their display labels.
    pub phases: &'a [(String, String)],
    /// Whether model-only keys are expected here.
    pub is_model: bool,
}

impl Ctx<'_> {
    pub fn at(&self, path: &[Seg]) -> (usize, usize) {
        let (l, c) = locate(self.split.yaml, path);
        (self.split.yaml_line + l, c + 1)
    }

    fn error(&self, path: &[Seg], message: String, help: String) -> Diagnostic {
        let (line, col) = self.at(path);
        Diagnostic::error(self.path, line, col, message).with_help(help).with_source(self.file_text)
    }

    fn warning(&self, path: &[Seg], message: String, help: String) -> Diagnostic {
        let (line, col) = self.at(path);
        Diagnostic::warning(self.path, line, col, message).with_help(help).with_source(self.file_text)
    }
}

/// Parses the YAML text; a syntax error becomes a diagnostic at its position.
pub fn parse(ctx: &Ctx) -> Result<Value, Diagnostic> {
    if let Some(pos) = ctx.split.yaml.lines().position(|l| l.starts_with('\t') || l.trim_start_matches(' ').starts_with('\t')) {
        let line = ctx.split.yaml_line + pos;
        return Err(Diagnostic::error(ctx.path, line, 1, "alkutiedoissa on sarkainmerkki (tab) sisennyksenä")
            .with_help("YAML sallii sisennykseen vain välilyönnit: korvaa sarkaimet kahdella välilyönnillä")
            .with_source(ctx.file_text));
    }
    if ctx.split.yaml.trim().is_empty() {
        return Ok(Value::Mapping(Mapping::new()));
    }
    serde_yaml::from_str::<Value>(ctx.split.yaml).map_err(|e| {
        let (line0, col) = e.location().map_or((0, 1), |l| (l.line() - 1, l.column()));
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or(&what);
        let doc = if ctx.path == crate::config::CONFIG_FILE { "asetusten" } else { "alkutietojen" };
        let explained = super::yaml_errors::explain(what, doc);
        // serde_yaml points at the start of the mapping; the editor needs the second key.
        let (line0, col) = explained
            .duplicate
            .as_deref()
            .and_then(|k| super::yaml_errors::second_occurrence(ctx.split.yaml, k, line0, col.saturating_sub(1)))
            .map_or((line0, col), |(l, c)| (l, c + 1));
        Diagnostic::error(ctx.path, ctx.split.yaml_line + line0, col, explained.message)
            .with_help(explained.help)
            .with_source(ctx.file_text)
    })
}

/// Validates `value` against `fields`, normalising it in place; returns all problems.
pub fn validate(value: &mut Value, fields: &'static [Field], ctx: &Ctx) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if value.is_null() {
        *value = Value::Mapping(Mapping::new());
    }
    check_map(value, fields, &mut Vec::new(), ctx, &mut diags, true);
    diags
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "tyhjä",
        Value::Bool(_) => "totuusarvo",
        Value::Number(_) => "numero",
        Value::String(_) => "teksti",
        Value::Sequence(_) => "lista",
        Value::Mapping(_) => "kenttäryhmä",
        Value::Tagged(_) => "merkitty arvo",
    }
}

fn check_map(value: &mut Value, fields: &'static [Field], path: &mut Vec<Seg>, ctx: &Ctx, diags: &mut Diagnostics, top: bool) {
    let Value::Mapping(map) = value else {
        diags.push(ctx.error(
            path,
            format!("{} pitää olla kenttäryhmä (avain: arvo -rivejä), nyt se on {}", describe(path), type_name(value)),
            "kirjoita jokainen kenttä omalle rivilleen sisennettynä, esim. `alt: Kuvaus`".into(),
        ));
        return;
    };
    let keys: Vec<Value> = map.keys().cloned().collect();
    for key in keys {
        let name = match &key {
            Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other).unwrap_or_default().trim().to_string(),
        };
        path.push(Seg::Key(name.clone()));
        match schema::find(fields, &name) {
            None => {
                let allowed: Vec<&str> = schema::names(fields).collect();
                let help = match nearest(&name, allowed.iter().copied()) {
                    Some(n) => format!("tarkoititko `{n}`? Sallitut kentät: {}", allowed.join(", ")),
                    None => format!("sallitut kentät: {}", allowed.join(", ")),
                };
                diags.push(ctx.error(path, format!("tuntematon kenttä `{name}`"), help));
            }
            Some(f) => {
                if top && f.scope == Scope::Model && !ctx.is_model {
                    diags.push(ctx.warning(
                        path,
                        format!("kenttä `{name}` kuuluu toimintamallikortteihin, eikä sitä näytetä luvussa"),
                        "lisää `page_kind: model`, jos sivu on toimintamalli, tai poista kenttä".into(),
                    ));
                }
                if let Some(v) = map.get_mut(&key) {
                    check_value(v, &f.ty, f.name, path, ctx, diags);
                }
            }
        }
        path.pop();
    }
    for f in fields.iter().filter(|f| f.required) {
        if !map.contains_key(f.name) {
            let (message, help) = if path.is_empty() {
                (format!("pakollinen kenttä `{}` puuttuu", f.name), format!("lisää alkutietoihin rivi `{}: {}`", f.name, f.example))
            } else {
                (
                    format!("kentästä {} puuttuu pakollinen `{}` ({})", describe(path), f.name, f.doc),
                    format!("lisää sisennetty rivi `{}: {}`", f.name, f.example),
                )
            };
            let mut d = ctx.error(path, message, help);
            if path.is_empty() {
                d.line = 1;
                d.col = 1;
                d = d.with_source(ctx.file_text);
            }
            diags.push(d);
        }
    }
}

fn describe(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{}]", i + 1)),
        }
    }
    if s.is_empty() {
        "alkutiedot".into()
    } else {
        format!("`{s}`")
    }
}

fn check_value(v: &mut Value, ty: &'static Ty, name: &str, path: &mut Vec<Seg>, ctx: &Ctx, diags: &mut Diagnostics) {
    let wrong = |expected: &str, example: String, v: &Value, diags: &mut Diagnostics| {
        diags.push(ctx.error(
            path,
            format!("kentän {} arvon pitää olla {expected}, nyt se on {}", describe(path), type_name(v)),
            format!("kirjoita esimerkiksi `{name}: {example}`"),
        ));
    };
    match ty {
        Ty::Str => match v {
            Value::String(_) => {}
            Value::Number(n) => *v = Value::String(n.to_string()),
            Value::Bool(b) => *v = Value::String(b.to_string()),
            other => wrong("teksti", "Teksti".into(), other, diags),
        },
        Ty::Int => match v {
            Value::Number(n) if n.as_i64().is_some_and(|n| (-1_000_000_000..=1_000_000_000).contains(&n)) => {}
            Value::Number(n) if n.is_i64() || n.is_u64() => diags.push(ctx.error(
                path,
                format!("kentän {} arvo {n} on sallitun välin ulkopuolella", describe(path)),
                format!("kirjoita kokonaisluku väliltä {}, esimerkiksi `{name}: 10`", super::yaml_errors::INT_RANGE),
            )),
            other => wrong("kokonaisluku", "10".into(), other, diags),
        },
        Ty::Bool => {
            if !v.is_bool() {
                wrong("totuusarvo (true tai false)", "true".into(), v, diags)
            }
        }
        Ty::Date => match v.as_str() {
            Some(s) if crate::content::date::Date::parse(s).is_some() => {}
            Some(s) => diags.push(ctx.error(
                path,
                format!("päivämäärä `{s}` ei kelpaa"),
                "kirjoita päivämäärä muodossa VVVV-KK-PP, esimerkiksi `2023-12-30`".into(),
            )),
            None => wrong("päivämäärä", "2023-12-30".into(), v, diags),
        },
        Ty::UrlPath => match v.as_str() {
            Some(s) => {
                if let Some(why) = super::aliases::problem(s) {
                    let shown = shown_value(s);
                    diags.push(ctx.error(path, format!("osoite `{shown}` ei kelpaa: {why}"), super::aliases::HELP.into()));
                }
            }
            None => wrong("teksti", "/vanha/osoite/".into(), v, diags),
        },
        Ty::OneOf(allowed) => check_choice(v, allowed.iter().map(|a| (a.to_string(), String::new())).collect(), path, ctx, diags),
        Ty::Phase => check_choice(v, ctx.phases.to_vec(), path, ctx, diags),
        Ty::StrOrList => {
            if v.is_sequence() {
                check_value(v, &Ty::List(&Ty::Str), name, path, ctx, diags)
            } else {
                check_value(v, &Ty::Str, name, path, ctx, diags)
            }
        }
        Ty::List(inner) => match v {
            Value::Sequence(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    path.push(Seg::Index(i));
                    check_value(item, inner, name, path, ctx, diags);
                    path.pop();
                }
            }
            Value::Null => *v = Value::Sequence(Vec::new()),
            other => wrong("lista", "[Ensimmäinen, Toinen]".into(), other, diags),
        },
        Ty::Map(fields) => check_map(v, fields, path, ctx, diags, false),
    }
}

/// A value for a message: control characters (a newline in a quoted value)
/// shown as `\n` so the message stays on one line; long values shortened.
pub fn shown_value(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().take(60) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

fn check_choice(v: &Value, allowed: Vec<(String, String)>, path: &[Seg], ctx: &Ctx, diags: &mut Diagnostics) {
    let shown = allowed
        .iter()
        .map(|(id, label)| if label.is_empty() { format!("`{id}`") } else { format!("`{id}` ({label})") })
        .collect::<Vec<_>>()
        .join(", ");
    let given = match v {
        Value::String(s) => s.clone(),
        other => {
            diags.push(ctx.error(
                path,
                format!("kentän {} arvon pitää olla yksi sallituista, nyt se on {}", describe(path), type_name(other)),
                format!("sallitut arvot: {shown}"),
            ));
            return;
        }
    };
    if allowed.iter().any(|(id, _)| *id == given) {
        return;
    }
    let by_label = allowed.iter().find(|(_, label)| label.eq_ignore_ascii_case(&given)).map(|(id, _)| id.as_str());
    let near = by_label.or_else(|| nearest(&given, allowed.iter().map(|(id, _)| id.as_str())));
    let help = match near {
        Some(n) => format!("tarkoititko `{n}`? Sallitut arvot: {shown}"),
        None => format!("sallitut arvot: {shown}"),
    };
    diags.push(ctx.error(path, format!("arvo `{given}` ei kelpaa kenttään {}", describe(path)), help));
}

/// Position helper for callers that only have a byte offset into the body.
pub fn body_position(split: &Split, offset: usize) -> (usize, usize) {
    let (l, c) = line_col(split.body, offset);
    (split.body_line + l - 1, c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_handles_crlf_and_empty_body() {
        let s = split("---\r\ntitle: x\r\n---\r\n").unwrap();
        assert_eq!(s.yaml, "title: x\r\n");
        assert_eq!(s.body, "");
        assert_eq!(s.body_line, 4);
        assert!(matches!(split("title: x\n"), Err(SplitError::NoFrontMatter)));
        assert!(matches!(split("---\ntitle: x\n"), Err(SplitError::Unclosed)));
    }

    #[test]
    fn locates_nested_keys_and_items() {
        let y =
            "title: A\ncover:\n  image: a.svg\n  alt: x\nmeetings:\n  - date: 2020-01-01\n    title: T\n  - date: bad\ntopics:\n- a\n- b\n";
        let k = |s: &str| Seg::Key(s.into());
        assert_eq!(locate(y, &[k("cover"), k("alt")]), (3, 2));
        assert_eq!(locate(y, &[k("meetings"), Seg::Index(1), k("date")]), (7, 4));
        assert_eq!(locate(y, &[k("meetings"), Seg::Index(0), k("title")]), (6, 4));
        assert_eq!(locate(y, &[k("topics"), Seg::Index(1)]), (10, 0));
        assert_eq!(locate(y, &[k("title")]), (0, 0));
        assert_eq!(locate(y, &[k("nope")]), (0, 0));
    }
}
