//! Rendering: compiles the theme's Tera templates once and renders views into
//! HTML. Template errors are reported with the template's name, its origin
//! (embedded or the site's own file) and the line of the failing expression
//! (see `errors`), never a panic.
//!
//! `Renderer` holds the compiled templates and the parts of the context shared
//! by every page (site, strings); per-page data arrives as borrowed views.

pub mod errors;
pub mod print;
pub mod views;

use serde::Serialize;
use tera::{Context, Tera};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::theme::{Origin, Theme};

/// Templates every theme must provide (the default theme has them all).
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "base.html",
    "home.html",
    "section.html",
    "chapter.html",
    "model.html",
    "catalogue.html",
    "topic.html",
    "topics.html",
    "404.html",
    "changes.html",
    "nav.html",
];

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    base_url: &'a str,
    base_path: &'a str,
    lang: &'a str,
    /// The content's language; templates mark content with it where it differs from `lang`.
    content_lang: &'a str,
    repository: Option<&'a str>,
}

pub struct Renderer {
    tera: Tera,
    base: Context,
    origins: std::collections::BTreeMap<String, Origin>,
    /// Template sources, to find the line of a render error.
    sources: std::collections::BTreeMap<String, String>,
}

fn origin_path(origin: Option<&Origin>, name: &str) -> String {
    match origin {
        Some(Origin::Site(p)) => p.clone(),
        _ => format!("themes/default/templates/{name}"),
    }
}

/// The diagnostic of a located Tera error: `what` failed, at the template's
/// own file (the site's or the default theme's), with the line shown.
fn diagnostic(
    origins: &std::collections::BTreeMap<String, Origin>,
    sources: &std::collections::BTreeMap<String, String>,
    at: errors::Located,
    what: &str,
) -> Diagnostic {
    let d = Diagnostic::error(origin_path(origins.get(&at.template), &at.template), at.line, at.col, format!("{what}: {}", at.message))
        .with_help(at.help);
    match sources.get(&at.template).filter(|_| at.line > 1 || at.col > 1) {
        Some(src) => d.with_source(src),
        None => d,
    }
}

impl Renderer {
    /// Compiles the theme; `shared` values (navigation, preview state …) join
    /// the context of every page.
    pub fn new(theme: &Theme, config: &Config, shared: &[(&str, serde_json::Value)]) -> Result<Renderer, Diagnostics> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Same entities as Tera 2's default, but unescaped text is written in runs, not byte by byte.
        tera.set_escape_fn(crate::markdown::highlight::escape_to);
        let mut origins = std::collections::BTreeMap::new();
        let mut diags = Diagnostics::new();
        let mut sources = Vec::new();
        for (name, file) in theme.templates() {
            origins.insert(name.to_string(), file.origin.clone());
            match std::str::from_utf8(&file.bytes) {
                Ok(s) => sources.push((name.to_string(), s.to_string())),
                Err(_) => diags.push(
                    Diagnostic::error(origin_path(Some(&file.origin), name), 1, 1, "sivupohja ei ole UTF-8-tekstiä")
                        .with_help("tallenna tiedosto UTF-8-merkistöllä"),
                ),
            }
        }
        let texts: std::collections::BTreeMap<String, String> = sources.iter().cloned().collect();
        if let Err(e) = tera.add_raw_templates(sources) {
            let at = errors::locate(&e, "", |name| texts.get(name).map(String::as_str));
            diags.push(diagnostic(&origins, &texts, at, "sivupohjaa ei voitu kääntää"));
        }
        for req in REQUIRED_TEMPLATES {
            if !origins.contains_key(*req) {
                diags.push(
                    Diagnostic::error(
                        format!("themes/{}/templates/{req}", config.theme),
                        0,
                        0,
                        format!("teemasta puuttuu sivupohja `{req}`"),
                    )
                    .with_help("lisää sivupohja tai poista teeman ohitus"),
                );
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let mut base = Context::new();
        base.insert(
            "site",
            &SiteView {
                title: &config.title,
                description: config.description.as_deref(),
                base_url: &config.base_url,
                base_path: config.base_path(),
                lang: &config.language,
                content_lang: &config.content_language,
                repository: config.repository.as_ref().map(|r| r.url.as_str()),
            },
        );
        for (k, v) in shared {
            base.insert(k.to_string(), v);
        }
        base.insert("t", &crate::i18n::strings(&config.language));
        Ok(Renderer { tera, base, origins, sources: texts })
    }

    /// A fresh context holding the shared values (site, nav, strings).
    pub fn context(&self) -> Context {
        self.base.clone()
    }

    /// One of the shared values (`site`, `t`, …), without copying the rest.
    pub fn shared(&self, key: &str) -> Option<&tera::Value> {
        self.base.get(key)
    }

    /// Renders `template`; `for_path` names the page in messages. An error is
    /// reported at the failing expression's line where it can be found.
    pub fn render(&self, template: &str, ctx: &Context, for_path: &str) -> Result<String, Diagnostic> {
        self.tera.render(template, ctx).map_err(|e| self.error(&e, template, for_path))
    }

    /// As [`Renderer::render`], appending the bytes to `out`: for files
    /// written as they are, with no check that the text is UTF-8 (Tera only
    /// writes strings) and no growing buffer of Tera's own.
    pub fn render_to(&self, template: &str, ctx: &Context, for_path: &str, out: &mut Vec<u8>) -> Result<(), Diagnostic> {
        self.tera.render_to(template, ctx, out).map_err(|e| self.error(&e, template, for_path))
    }

    /// The diagnostic of a failed rendering.
    fn error(&self, e: &tera::Error, template: &str, for_path: &str) -> Diagnostic {
        let at = errors::locate(e, template, |name| self.sources.get(name).map(String::as_str));
        let what = format!("sivun {for_path} piirtäminen sivupohjalla `{template}` epäonnistui");
        diagnostic(&self.origins, &self.sources, at, &what)
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.origins.contains_key(name)
    }
}
