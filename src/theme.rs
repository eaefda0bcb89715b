//! Themes: the default theme embedded at compile time (see `build.rs`) and a
//! site's own `themes/<name>/`, which overrides it file by file.
//!
//! [`Theme::load`] yields every template and static file with its final bytes;
//! it does not compile templates (that is `render`'s job).

use std::collections::BTreeMap;
use std::path::Path;

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Where a theme file came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Embedded,
    /// Path relative to the site root.
    Site(String),
}

#[derive(Debug, Clone)]
pub struct ThemeFile {
    pub bytes: Vec<u8>,
    pub origin: Origin,
}

/// All files of the effective theme, keyed by path inside the theme (`templates/base.html`).
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub files: BTreeMap<String, ThemeFile>,
}

impl Theme {
    /// The embedded default theme, overridden by `<root>/themes/<name>/` when it exists.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostics> {
        let mut files: BTreeMap<String, ThemeFile> =
            DEFAULT_THEME.iter().map(|(p, b)| (p.to_string(), ThemeFile { bytes: b.to_vec(), origin: Origin::Embedded })).collect();
        let dir = root.join("themes").join(name);
        if !dir.is_dir() {
            if name != "default" {
                return Err(Diagnostic::error(
                    crate::config::CONFIG_FILE,
                    1,
                    1,
                    format!("teemaa `{name}` ei löydy kansiosta `themes/{name}/`"),
                )
                .with_help("luo kansio tai poista `theme`-asetus, jolloin käytetään oletusteemaa")
                .into());
            }
            return Ok(Theme { files });
        }
        let mut diags = Diagnostics::new();
        for entry in WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !crate::content::is_ignored_name(&e.file_name().to_string_lossy()) || e.depth() == 0)
        {
            let Ok(entry) = entry else { continue };
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            let shown = crate::diagnostics::display_path(root, entry.path());
            match std::fs::read(entry.path()) {
                Ok(bytes) => {
                    files.insert(rel, ThemeFile { bytes, origin: Origin::Site(shown) });
                }
                Err(e) => {
                    diags.push(Diagnostic::error(shown, 0, 0, format!("teematiedostoa ei voitu lukea ({})", crate::fsutil::io_reason(&e))))
                }
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Theme { files })
    }

    /// Every page or section whose `template:` names a template the theme
    /// does not have, reported at that front-matter line with the choices.
    pub fn unknown_page_templates(&self, lib: &crate::content::Library) -> Diagnostics {
        let names: Vec<&str> = self.templates().map(|(n, _)| n).collect();
        let texts = lib.page_texts();
        let pages = lib.pages.iter().zip(&texts).map(|(p, text)| (p.front.template.as_deref(), p.source.display(), text.as_str()));
        let sections =
            lib.sections.iter().filter_map(|s| Some((s.front.template.as_deref(), s.source.as_ref()?.display(), s.text.as_str())));
        let mut diags = Diagnostics::new();
        for (template, path, text) in pages.chain(sections) {
            let Some(t) = template.filter(|t| !names.contains(t)) else { continue };
            let (line, col) = crate::content::front_matter::position(text, &[crate::content::yaml::Seg::Key("template".into())]);
            let list = format!("sivupohjat: {}; oman sivupohjan voi lisätä kansioon `themes/<teema>/templates/`", names.join(", "));
            let help = match crate::diagnostics::nearest(t, names.iter().copied()) {
                Some(n) => format!("tarkoititko `{n}`? Teeman {list}"),
                None => format!("teeman {list}"),
            };
            diags.push(Diagnostic::error(path, line, col, format!("sivupohjaa `{t}` ei ole teemassa")).with_help(help).with_source(text));
        }
        diags
    }

    /// Templates as (name without `templates/`, source text, origin).
    pub fn templates(&self) -> impl Iterator<Item = (&str, &ThemeFile)> {
        self.files.iter().filter_map(|(k, v)| k.strip_prefix("templates/").map(|n| (n, v)))
    }

    /// Static files as (output path, where it comes from), for messages.
    pub fn static_origins(&self) -> Vec<(&str, String)> {
        self.files
            .iter()
            .filter_map(|(k, v)| {
                let rel = k.strip_prefix("static/")?;
                Some((
                    rel,
                    match &v.origin {
                        Origin::Site(p) => p.clone(),
                        Origin::Embedded => format!("themes/default/{k}"),
                    },
                ))
            })
            .collect()
    }

    /// Static files as (output path, bytes).
    pub fn statics(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().filter_map(|(k, v)| k.strip_prefix("static/").map(|n| (n, v.bytes.as_slice())))
    }
}
