//! Content: finding the source files of a site and turning them into a
//! [`Library`] of validated pages and sections.
//!
//! `discover` only lists files (sorted, hidden and editor temp files skipped,
//! symlinks never followed out of `content/`); `front_matter` parses one file;
//! `library` assembles the tree, URLs and orderings. Nothing here renders.

pub mod addresses;
pub mod aliases;
pub mod date;
pub mod front_matter;
pub mod library;
pub mod schema;
pub mod yaml;
pub mod yaml_errors;

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};

pub use library::{Library, Page, PageId, Section, SectionId};

pub const CONTENT_DIR: &str = "content";

/// What a file under `content/` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// `_index.md`: a section's title, intro and settings.
    SectionIndex,
    /// Any other `.md` file.
    Page,
    /// Any other file (images, attachments), copied as it is.
    Asset,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to `content/`, `/`-separated.
    pub rel: String,
    pub abs: PathBuf,
    pub kind: SourceKind,
}

impl SourceFile {
    /// Relative to the site root, for messages.
    pub fn display(&self) -> String {
        format!("{CONTENT_DIR}/{}", self.rel)
    }
}

/// Editor swap, backup and temp files that must never become pages or trigger rebuilds.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"
}

/// Lists `<root>/content/**` in sorted order.
pub fn discover(root: &Path) -> (Vec<SourceFile>, Diagnostics) {
    let dir = root.join(CONTENT_DIR);
    let mut files = Vec::new();
    let mut diags = Diagnostics::new();
    if !dir.is_dir() {
        diags.push(
            Diagnostic::error(CONTENT_DIR, 0, 0, "sisältökansiota `content/` ei löydy")
                .with_help("luo sivuston juureen kansio `content/` tai anna oikea kansio valitsimella --root"),
        );
        return (files, diags);
    }
    let canonical_dir = dir.canonicalize().unwrap_or_else(|_| dir.clone());
    let mut walker = WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e.path().map(|p| crate::diagnostics::display_path(root, p)).unwrap_or_else(|| CONTENT_DIR.into());
                diags.push(
                    Diagnostic::warning(p, 0, 0, "kansiota ei voitu lukea, ja se ohitettiin").with_help("tarkista kansion käyttöoikeudet"),
                );
                continue;
            }
        };
        let rel_path = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let rel = rel_path.to_string_lossy().replace('\\', "/");
        if entry.depth() > 0 && entry.file_name().to_str().is_none() {
            // Lossy conversion would quietly turn `\xe4iti.md` into the page `/iti/`.
            let is_dir = entry.file_type().is_dir();
            diags.push(non_utf8_name(&rel, is_dir));
            if is_dir {
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.path_is_symlink() {
            let inside = entry.path().canonicalize().ok().filter(|t| t.starts_with(&canonical_dir) && t.is_file());
            if inside.is_none() {
                diags.push(
                    Diagnostic::warning(
                        format!("{CONTENT_DIR}/{rel}"),
                        0,
                        0,
                        "symbolinen linkki ohitettiin: se osoittaa kansion `content/` ulkopuolelle, kansioon tai ei minnekään",
                    )
                    .with_help("kopioi tiedosto kansioon `content/` linkin sijaan"),
                );
                continue;
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        let kind = if name == "_index.md" {
            SourceKind::SectionIndex
        } else if name.ends_with(".md") {
            SourceKind::Page
        } else {
            SourceKind::Asset
        };
        files.push(SourceFile { rel, abs: entry.path().to_path_buf(), kind });
    }
    (files, diags)
}

/// A file or folder whose name is not UTF-8 (e.g. saved as Latin-1 by an old tool).
fn non_utf8_name(rel: &str, is_dir: bool) -> Diagnostic {
    let (what, which) = if is_dir { ("kansion", "kansio ja sen sisältö ohitettiin") } else { ("tiedoston", "tiedosto ohitettiin") };
    Diagnostic::error(
        format!("{CONTENT_DIR}/{rel}"),
        1,
        1,
        format!("{what} nimi ei ole UTF-8-muotoista tekstiä ({which}; merkki � on nimessä kohta, jota ei voitu lukea)"),
    )
    .with_help(format!(
        "nimeä {} uudelleen: nimi on todennäköisesti tallennettu vanhalla merkistöllä (esim. Latin-1), ja ä- tai ö-kirjain on rikki",
        if is_dir { "kansio" } else { "tiedosto" }
    ))
}

/// Reads a Markdown file as text: BOM removed, CRLF kept (the parsers accept it).
pub fn read_text(file: &SourceFile) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(&file.abs).map_err(|e| {
        Diagnostic::error(file.display(), 0, 0, format!("tiedostoa ei voitu lukea ({})", crate::fsutil::io_reason(&e)))
            .with_help("tarkista tiedoston käyttöoikeudet")
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let (line, col) = crate::diagnostics::line_col(std::str::from_utf8(&e.as_bytes()[..valid]).unwrap_or(""), valid);
        Diagnostic::error(file.display(), line, col, "tiedosto ei ole UTF-8-muotoista tekstiä")
            .with_help("tallenna tiedosto tekstieditorissa UTF-8-merkistöllä (esim. Muistio: Tallenna nimellä → Koodaus: UTF-8)")
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    })
}
