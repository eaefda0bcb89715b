//! Site configuration: `handbook.yaml` at the site root, validated as strictly as
//! front matter (same validator, same messages), then turned into [`Config`].

use std::path::Path;

use serde::Deserialize;

use crate::content::date::Date;
use crate::content::schema::{Field, Scope, Ty};
use crate::content::yaml::{self, Ctx, Split};
use crate::diagnostics::{Diagnostic, Diagnostics};

pub const CONFIG_FILE: &str = "handbook.yaml";

pub const LANGUAGES: &[&str] = &["fi", "sv", "en"];

static PHASE: [Field; 2] = [
    Field {
        name: "id",
        ty: Ty::Str,
        required: true,
        scope: Scope::All,
        example: "kehitteilla",
        doc: "tunniste, jota alkutiedoissa käytetään",
    },
    Field { name: "label", ty: Ty::Str, required: true, scope: Scope::All, example: "Kehitteillä", doc: "lukijalle näkyvä nimi" },
];
static PHASE_TY: Ty = Ty::Map(&PHASE);

static REPOSITORY: [Field; 2] = [
    Field {
        name: "url",
        ty: Ty::Str,
        required: true,
        scope: Scope::All,
        example: "https://github.com/org/repo",
        doc: "lähdekoodivaraston osoite",
    },
    Field { name: "branch", ty: Ty::Str, required: false, scope: Scope::All, example: "main", doc: "päähaara" },
];

pub const A11Y_STATUS: &[&str] = &["fully", "partially", "not"];

static SHORTCOMING: [Field; 3] = [
    Field { name: "what", ty: Ty::Str, required: true, scope: Scope::All, example: "PDF-liitteet", doc: "mikä ei ole saavutettavaa" },
    Field { name: "reason", ty: Ty::Str, required: true, scope: Scope::All, example: "Liitteet on tuotettu ennen sivustoa", doc: "miksi" },
    Field { name: "criterion", ty: Ty::Str, required: false, scope: Scope::All, example: "WCAG 2.1 1.1.1", doc: "rikottu WCAG-kriteeri" },
];
static SHORTCOMING_TY: Ty = Ty::Map(&SHORTCOMING);

static CONTACT: [Field; 4] = [
    Field { name: "name", ty: Ty::Str, required: true, scope: Scope::All, example: "Pirkanmaan hyvinvointialue", doc: "nimi" },
    Field { name: "email", ty: Ty::Str, required: false, scope: Scope::All, example: "saavutettavuus@example.fi", doc: "sähköposti" },
    Field { name: "url", ty: Ty::Str, required: false, scope: Scope::All, example: "https://example.fi/palaute", doc: "verkko-osoite" },
    Field {
        name: "phone",
        ty: Ty::Str,
        required: false,
        scope: Scope::All,
        example: "0295 000 000",
        doc: "puhelin (vaihde, ei henkilön numero)",
    },
];

static ACCESSIBILITY: [Field; 7] = [
    Field {
        name: "status",
        ty: Ty::OneOf(A11Y_STATUS),
        required: true,
        scope: Scope::All,
        example: "partially",
        doc: "vaatimustenmukaisuus",
    },
    Field { name: "prepared", ty: Ty::Date, required: true, scope: Scope::All, example: "2026-11-22", doc: "seloste laadittu" },
    Field { name: "reviewed", ty: Ty::Date, required: true, scope: Scope::All, example: "2026-11-22", doc: "seloste viimeksi tarkistettu" },
    Field {
        name: "assessed",
        ty: Ty::Str,
        required: true,
        scope: Scope::All,
        example: "Itsearviointi ja automaattiset testit",
        doc: "miten arvioitu",
    },
    Field {
        name: "shortcomings",
        ty: Ty::List(&SHORTCOMING_TY),
        required: false,
        scope: Scope::All,
        example: "[]",
        doc: "tunnetut puutteet",
    },
    Field {
        name: "feedback",
        ty: Ty::Map(&CONTACT),
        required: true,
        scope: Scope::All,
        example: "\n    name: Ylläpitäjä",
        doc: "palautekanava",
    },
    Field {
        name: "authority",
        ty: Ty::Map(&CONTACT),
        required: true,
        scope: Scope::All,
        example: "\n    name: Valvova viranomainen",
        doc: "valvontaviranomainen",
    },
];

/// Keys of `handbook.yaml`.
pub static CONFIG_FIELDS: [Field; 10] = [
    Field { name: "title", ty: Ty::Str, required: true, scope: Scope::All, example: "Sivuston nimi", doc: "sivuston nimi" },
    Field { name: "description", ty: Ty::Str, required: false, scope: Scope::All, example: "Kuvaus", doc: "sivuston kuvaus hakukoneille" },
    Field {
        name: "base_url",
        ty: Ty::Str,
        required: true,
        scope: Scope::All,
        example: "https://example.org/",
        doc: "julkaistun sivuston osoite",
    },
    Field {
        name: "language", ty: Ty::OneOf(LANGUAGES), required: false, scope: Scope::All, example: "fi", doc: "käyttöliittymän kieli"
    },
    Field {
        name: "content_language",
        ty: Ty::OneOf(LANGUAGES),
        required: false,
        scope: Scope::All,
        example: "fi",
        doc: "sisällön (lukujen ja toimintamallien) kieli; oletus on `language`",
    },
    Field { name: "theme", ty: Ty::Str, required: false, scope: Scope::All, example: "default", doc: "teeman nimi kansiossa themes/" },
    Field {
        name: "repository",
        ty: Ty::Map(&REPOSITORY),
        required: false,
        scope: Scope::All,
        example: "\n  url: https://github.com/org/repo",
        doc: "lähdevarasto",
    },
    Field {
        name: "phases",
        ty: Ty::List(&PHASE_TY),
        required: false,
        scope: Scope::All,
        example: "\n  - id: kehitteilla\n    label: Kehitteillä",
        doc: "kehittämisen vaiheet",
    },
    Field {
        name: "trusted_html",
        ty: Ty::Bool,
        required: false,
        scope: Scope::All,
        example: "false",
        doc: "päästää Markdownin seassa olevan HTML:n läpi puhdistamatta (vain luotetulle sisällölle)",
    },
    Field {
        name: "accessibility",
        ty: Ty::Map(&ACCESSIBILITY),
        required: false,
        scope: Scope::All,
        example: "\n  status: partially",
        doc: "saavutettavuusseloste (laki 306/2019)",
    },
];

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Shortcoming {
    pub what: String,
    pub reason: String,
    pub criterion: Option<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub email: Option<String>,
    pub url: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccessibility {
    status: String,
    prepared: String,
    reviewed: String,
    assessed: String,
    shortcomings: Option<Vec<Shortcoming>>,
    feedback: Contact,
    authority: Contact,
}

/// The accessibility statement's facts (Laki digitaalisten palvelujen tarjoamisesta 306/2019, 15 §).
#[derive(Debug, Clone)]
pub struct Accessibility {
    /// `fully`, `partially` or `not`.
    pub status: String,
    pub prepared: Date,
    pub reviewed: Date,
    pub assessed: String,
    pub shortcomings: Vec<Shortcoming>,
    pub feedback: Contact,
    pub authority: Contact,
    /// 1-based line of `reviewed:` in the configuration, for the staleness warning.
    pub reviewed_line: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhase {
    id: String,
    label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRepository {
    url: String,
    branch: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    description: Option<String>,
    base_url: String,
    language: Option<String>,
    content_language: Option<String>,
    theme: Option<String>,
    repository: Option<RawRepository>,
    phases: Option<Vec<RawPhase>>,
    trusted_html: Option<bool>,
    accessibility: Option<RawAccessibility>,
}

#[derive(Debug, Clone)]
pub struct Repository {
    pub url: String,
    pub branch: String,
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: Option<String>,
    /// Always ends with `/`.
    pub base_url: String,
    /// The interface language (`fi`, `sv` or `en`): `t.*` strings and `<html lang>`.
    pub language: String,
    /// The language the content is written in; defaults to `language`. When
    /// they differ, templates mark the content regions with it (WCAG 3.1.2).
    pub content_language: String,
    pub theme: String,
    pub repository: Option<Repository>,
    /// (id, label) in configured order.
    pub phases: Vec<(String, String)>,
    /// Raw HTML in Markdown is not sanitised.
    pub trusted_html: bool,
    pub accessibility: Option<Accessibility>,
}

impl Config {
    /// The path part of `base_url` without its trailing slash (`""` at a domain root).
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or(self.base_url.as_str(), |(_, r)| r);
        after_scheme.find('/').map_or("", |i| &after_scheme[i..]).trim_end_matches('/')
    }

    pub fn phase_label(&self, id: &str) -> Option<&str> {
        self.phases.iter().find(|(p, _)| p == id).map(|(_, l)| l.as_str())
    }

    /// Replaces the base URL (from `--base-url`), keeping the invariant of a trailing slash.
    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = normalise_base(url);
    }
}

/// Help for a refused `base_url` or `--base-url`.
pub const BASE_URL_HELP: &str = "kirjoita osoite kokonaan, esim. `https://perhekeskus.example.fi/` tai `https://example.org/kasikirja/`";

/// Why `url` cannot be the site's address, or `None`. It lands verbatim in
/// canonical links, the sitemap, the feed and `_redirects`, so it must be a
/// plain `http(s)://host/path/`: no query, fragment, credentials, spaces or
/// characters that would need escaping.
pub fn base_url_problem(url: &str) -> Option<&'static str> {
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else {
        return Some("osoitteen pitää alkaa `https://` tai `http://`");
    };
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if host.is_empty() || !host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)) || host.starts_with(['.', '-', ':']) {
        return Some("palvelimen nimi puuttuu tai siinä on merkkejä, joita nimessä ei voi olla");
    }
    if path.chars().any(|c| c.is_whitespace() || c.is_control() || "\"'<>`{}|\\^?#%".contains(c)) {
        return Some("polussa on välilyönti, kysely- tai ankkuriosa tai merkki, jota ei voi käyttää sellaisenaan");
    }
    None
}

fn normalise_base(url: &str) -> String {
    let mut u = url.trim().to_string();
    if !u.ends_with('/') {
        u.push('/');
    }
    u
}

/// One folder name: no separators, no `.`/`..`, nothing hidden. A theme's
/// files are published, so `theme: ../../..` must not reach outside `themes/`.
fn is_folder_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && !name.chars().any(|c| matches!(c, '/' | '\\' | ':') || c.is_control())
}

fn default_phases() -> Vec<(String, String)> {
    [("kehitteilla", "Kehitteillä"), ("kehitetty", "Kehitetty"), ("arvioitu", "Arvioitu")]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Reads and validates `<root>/handbook.yaml`.
pub fn load(root: &Path) -> Result<Config, Diagnostics> {
    let path = root.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Diagnostic::error(CONFIG_FILE, 0, 0, format!("sivuston asetustiedostoa ei voitu lukea ({})", crate::fsutil::io_reason(&e)))
            .with_help(format!("luo sivuston juureen tiedosto `{CONFIG_FILE}`, jossa on ainakin `title:` ja `base_url:` tai anna oikea kansio valitsimella --root"))
    })?;
    parse(&text)
}

/// Validates configuration text.
pub fn parse(text: &str) -> Result<Config, Diagnostics> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let split = Split { yaml: text, yaml_line: 1, body: "", body_line: 1 };
    let ctx = Ctx { path: CONFIG_FILE, file_text: text, split, phases: &[], is_model: false };
    let mut value = yaml::parse(&ctx).map_err(Diagnostics::from)?;
    let mut diags = yaml::validate(&mut value, &CONFIG_FIELDS, &ctx);
    if diags.has_errors() {
        return Err(diags);
    }
    let raw: RawConfig = serde_yaml::from_value(value)
        .map_err(|e| Diagnostics::from(Diagnostic::error(CONFIG_FILE, 1, 1, format!("asetuksia ei voitu lukea: {e}"))))?;
    if let Some(why) = base_url_problem(&raw.base_url) {
        let (l, c) = yaml::locate(text, &[yaml::Seg::Key("base_url".into())]);
        diags.push(
            Diagnostic::error(
                CONFIG_FILE,
                l + 1,
                c + 1,
                format!("osoite `{}` ei kelpaa sivuston osoitteeksi: {why}", yaml::shown_value(&raw.base_url)),
            )
            .with_help(BASE_URL_HELP)
            .with_source(text),
        );
    }
    if let Some(theme) = raw.theme.as_deref().filter(|t| !is_folder_name(t)) {
        let (l, c) = yaml::locate(text, &[yaml::Seg::Key("theme".into())]);
        diags.push(
            Diagnostic::error(
                CONFIG_FILE,
                l + 1,
                c + 1,
                format!("teeman nimi `{theme}` ei kelpaa: teema on yksi kansio kansiossa `themes/`"),
            )
            .with_help(
                "kirjoita pelkkä kansion nimi, esim. `theme: oma` (kansio `themes/oma/`), tai poista rivi, jolloin käytetään oletusteemaa",
            )
            .with_source(text),
        );
    }
    let phases = match raw.phases {
        Some(p) if !p.is_empty() => p.into_iter().map(|p| (p.id, p.label)).collect(),
        _ => default_phases(),
    };
    if diags.has_errors() {
        return Err(diags);
    }
    let language = raw.language.unwrap_or_else(|| "fi".into());
    Ok(Config {
        title: raw.title,
        description: raw.description,
        base_url: normalise_base(&raw.base_url),
        content_language: raw.content_language.unwrap_or_else(|| language.clone()),
        language,
        theme: raw.theme.unwrap_or_else(|| "default".into()),
        repository: raw
            .repository
            .map(|r| Repository { url: r.url.trim_end_matches('/').to_string(), branch: r.branch.unwrap_or_else(|| "main".into()) }),
        phases,
        trusted_html: raw.trusted_html.unwrap_or(false),
        accessibility: raw.accessibility.and_then(|a| {
            let reviewed_line = yaml::locate(text, &[yaml::Seg::Key("accessibility".into()), yaml::Seg::Key("reviewed".into())]).0 + 1;
            Some(Accessibility {
                status: a.status,
                prepared: Date::parse(&a.prepared)?,
                reviewed: Date::parse(&a.reviewed)?,
                assessed: a.assessed,
                shortcomings: a.shortcomings.unwrap_or_default(),
                feedback: a.feedback,
                authority: a.authority,
                reviewed_line,
            })
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_base_path() {
        let c = parse("title: T\nbase_url: https://example.org/kasikirja\n").unwrap();
        assert_eq!(c.base_url, "https://example.org/kasikirja/");
        assert_eq!(c.base_path(), "/kasikirja");
        assert_eq!(c.phase_label("arvioitu"), Some("Arvioitu"));
        assert_eq!(parse("title: T\nbase_url: https://example.org\n").unwrap().base_path(), "");
    }

    #[test]
    fn base_url_is_a_plain_web_address() {
        for good in [
            "https://example.org",
            "https://example.org/kasikirja/",
            "http://127.0.0.1:1111/",
            "https://deploy-preview-12--site.netlify.app",
        ] {
            assert_eq!(base_url_problem(good), None, "{good}");
        }
        for bad in [
            "not a url",
            "javascript:alert(1)//",
            "https://",
            "https:///x",
            "https://e.org/a b/",
            "https://e.org/?q=1",
            "https://e.org/#x",
            "https://u@e.org/",
            "https://e.org/\"><script>",
            "ftp://e.org/",
        ] {
            assert!(base_url_problem(bad).is_some(), "{bad}");
        }
        let d = parse("title: T\nbase_url: javascript:alert(1)//\n").unwrap_err().sorted();
        assert_eq!(
            (d[0].line, d[0].col, d[0].message.as_str()),
            (2, 1, "osoite `javascript:alert(1)//` ei kelpaa sivuston osoitteeksi: osoitteen pitää alkaa `https://` tai `http://`")
        );
    }

    #[test]
    fn theme_is_one_folder_under_themes() {
        for bad in ["../../../evil", "a/b", "..", ".piilo", "", "C:\\x", "/etc"] {
            let d = parse(&format!("title: T\nbase_url: https://e.org/\ntheme: '{bad}'\n")).unwrap_err().sorted();
            assert_eq!((d[0].line, d[0].col), (3, 1), "{bad}");
            assert_eq!(d[0].message, format!("teeman nimi `{bad}` ei kelpaa: teema on yksi kansio kansiossa `themes/`"));
        }
        assert_eq!(parse("title: T\nbase_url: https://e.org/\ntheme: oma-teema\n").unwrap().theme, "oma-teema");
    }

    #[test]
    fn unknown_key_is_located_and_suggested() {
        let d = parse("title: T\nbase_url: https://e.org/\nteme: x\n").unwrap_err().sorted();
        assert_eq!((d[0].line, d[0].col), (3, 1));
        assert!(d[0].help.as_deref().unwrap().starts_with("tarkoititko `theme`?"));
    }

    #[test]
    fn content_language_defaults_to_the_interface_language_and_is_checked() {
        let c = parse("title: T\nbase_url: https://e.org/\nlanguage: sv\n").unwrap();
        assert_eq!((c.language.as_str(), c.content_language.as_str()), ("sv", "sv"));
        let c = parse("title: T\nbase_url: https://e.org/\nlanguage: sv\ncontent_language: fi\n").unwrap();
        assert_eq!((c.language.as_str(), c.content_language.as_str()), ("sv", "fi"));
        let d = parse("title: T\nbase_url: https://e.org/\ncontent_language: suomi\n").unwrap_err().sorted();
        assert_eq!((d[0].line, d[0].col), (3, 1));
        assert_eq!(d[0].message, "arvo `suomi` ei kelpaa kenttään `content_language`");
        assert_eq!(d[0].help.as_deref(), Some("sallitut arvot: `fi`, `sv`, `en`"));
    }
}
