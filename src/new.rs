//! `handbook new`: writes a new chapter or model card with every front-matter
//! key present (optional ones commented out, with their meaning in Finnish), so
//! an editor starts from a file that already passes `handbook check`.

use std::path::{Path, PathBuf};

use crate::content::date::Date;
use crate::content::front_matter::PageKind;
use crate::content::schema::{Scope, FRONT_MATTER};
use crate::content::{self, Library, CONTENT_DIR};
use crate::diagnostics::Diagnostic;
use crate::slug::slugify;

const MODEL_BODY: &str = "\n## Ratkaisun perusidea\n\nMihin tarpeeseen toimintamalli vastaa ja mitä sillä tavoitellaan?\n\n## Toimintaympäristö\n\nMissä ja kenen kanssa mallia käytetään?\n\n## Toimivuuden ja käyttöönoton ehdot\n\nMitä mallin käyttöönotto edellyttää?\n\n## Arvioinnin tulokset tiivistettynä\n\nMitä mallista on opittu? Poista tämä osio, jos arviointia ei vielä ole.\n";
const CHAPTER_BODY: &str = "\nKirjoita luvun johdanto tähän.\n\n## Ensimmäinen väliotsikko\n\nTekstiä.\n";

/// The text of a new file.
pub fn template(kind: PageKind, title: &str) -> String {
    let mut s = String::from("---\n");
    let quoted = serde_yaml::to_string(title).unwrap_or_else(|_| format!("{title:?}\n"));
    for f in FRONT_MATTER.iter() {
        if kind == PageKind::Chapter && f.scope == Scope::Model {
            continue;
        }
        let sep = if f.example.starts_with('\n') { ":" } else { ": " };
        s.push_str(&format!("# {}\n", f.doc));
        match f.name {
            "title" => s.push_str(&format!("title: {quoted}")),
            "created" | "updated" => s.push_str(&format!("{}: {}\n", f.name, Date::today())),
            _ => {
                let example = f.example.replace('\n', "\n# ");
                s.push_str(&format!("# {}{sep}{example}\n", f.name));
            }
        }
    }
    s.push_str("---\n");
    s.push_str(if kind == PageKind::Model { MODEL_BODY } else { CHAPTER_BODY });
    s
}

/// Creates the file; returns its path. Never overwrites.
pub fn create(root: &Path, kind: PageKind, title: &str, section: Option<&str>) -> Result<PathBuf, Diagnostic> {
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(Diagnostic::error(CONTENT_DIR, 0, 0, format!("otsikosta `{title}` ei saa tiedostonimeä"))
            .with_help("käytä otsikossa kirjaimia tai numeroita"));
    }
    let dir = match section {
        Some(s) => s.trim_matches('/').to_string(),
        None => default_section(root, kind),
    };
    if dir.split('/').any(|p| p == "..") {
        return Err(Diagnostic::error(CONTENT_DIR, 0, 0, format!("osio `{dir}` ei ole kansion `content/` sisällä"))
            .with_help("anna osion kansio suhteessa kansioon `content/`, esim. `--section kasikirja`"));
    }
    let folder = root.join(CONTENT_DIR).join(&dir);
    let path = folder.join(format!("{slug}.md"));
    let shown = crate::diagnostics::display_path(root, &path);
    if path.exists() {
        return Err(Diagnostic::error(&shown, 0, 0, "tiedosto on jo olemassa, eikä sitä korvata")
            .with_help("valitse toinen otsikko tai muokkaa olemassa olevaa tiedostoa"));
    }
    let io = |e: std::io::Error| Diagnostic::error(&shown, 0, 0, format!("tiedostoa ei voitu luoda ({})", crate::fsutil::io_reason(&e)));
    std::fs::create_dir_all(&folder).map_err(io)?;
    std::fs::write(&path, template(kind, title)).map_err(io)?;
    Ok(path)
}

/// The first section (by order) whose pages are of `kind`; else a conventional folder.
fn default_section(root: &Path, kind: PageKind) -> String {
    let fallback = if kind == PageKind::Model { "toimintamallit" } else { "kasikirja" };
    let Ok(config) = crate::config::load(root) else { return fallback.into() };
    let (files, _) = content::discover(root);
    let (lib, _) = Library::new(files, &config, true);
    let mut candidates: Vec<_> = lib.sections.iter().filter(|s| s.parent.is_some() && s.page_kind == kind).collect();
    candidates.sort_by_key(|s| (s.front.weight, s.dir.clone()));
    candidates.first().map_or(fallback.into(), |s| s.dir.clone())
}
