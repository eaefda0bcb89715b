//! Addresses: every page, folder and topic gets one, and no two share it.
//! Checks over the library's paths and topic names, run once it is built;
//! they report, the library itself decides nothing here.

use std::collections::{BTreeMap, HashSet};

use super::front_matter;
use super::library::{Library, RESERVED_PATHS};
use super::yaml::Seg;
use super::SourceFile;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::slug::slugify;

/// An error when the last part of `rel` (a folder, or a page file less its
/// `.md`) has no letter or digit to make an address of: `Дом.md` or `???/`
/// would get `//`, the home page's neighbour, and overwrite it.
pub(super) fn empty_slug(rel: &str, is_dir: bool) -> Option<Diagnostic> {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    let name = if is_dir { file } else { file.strip_suffix(".md").unwrap_or(file) };
    if !slugify(name).is_empty() {
        return None;
    }
    let (what, shown, example) =
        if is_dir { ("kansion", name.to_string(), "`perheet`") } else { ("tiedoston", file.to_string(), "`perheet.md`") };
    Some(
        Diagnostic::error(
            format!("{}/{rel}", super::CONTENT_DIR),
            1,
            1,
            format!("{what} nimestä `{shown}` ei saa osoitetta: siinä ei ole kirjaimia a–z eikä numeroita"),
        )
        .with_help(format!(
            "nimeä {} uudelleen niin, että nimessä on kirjaimia a–z (myös ä, ö, å) tai numeroita, esim. {example}",
            if is_dir { "kansio" } else { "tiedosto" }
        )),
    )
}

/// Two pages, folders or generator pages with one address.
pub(super) fn urls(lib: &Library) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut seen: BTreeMap<&str, String> = BTreeMap::new();
    for r in RESERVED_PATHS {
        seen.insert(r, "(sivuston oma sivu)".into());
    }
    // Folders without `_index.md` get a page too, so they take part (`Äiti/` and `aiti/`).
    let entries = lib
        .sections
        .iter()
        .map(|s| (s.path.as_str(), s.source.as_ref().map_or_else(|| format!("{}/{}", super::CONTENT_DIR, s.dir), SourceFile::display)))
        .chain(lib.pages.iter().map(|p| (p.path.as_str(), p.source.display())));
    for (path, src) in entries {
        if let Some(other) = seen.get(path) {
            diags.push(Diagnostic::error(&src, 1, 1, format!("sivu saa saman osoitteen `{path}` kuin {other}")).with_help(
                "nimeä toinen tiedosto tai kansio uudelleen: osoite muodostetaan nimestä (ä→a, ö→o, välilyönnit ja välimerkit → -)",
            ));
        } else {
            seen.insert(path, src);
        }
    }
    diags
}

/// Every topic needs an address (`???` or `/` has none), and spellings
/// that share one (`Äiti`, `aiti`, `AITI`) are shown under the first.
pub(super) fn topics(lib: &Library) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut first: BTreeMap<String, (&str, String)> = BTreeMap::new();
    let mut warned: HashSet<(String, &str)> = HashSet::new();
    for p in &lib.pages {
        for (i, t) in p.front.topics.iter().enumerate() {
            let slug = slugify(t);
            let at = || front_matter::position(&p.text.get(), &[Seg::Key("topics".into()), Seg::Index(i)]);
            if slug.is_empty() {
                let (line, col) = at();
                diags.push(
                    Diagnostic::error(
                        p.source.display(),
                        line,
                        col,
                        format!("aihealueesta `{t}` ei saa osoitetta: siinä ei ole kirjaimia a–z eikä numeroita"),
                    )
                    .with_help("kirjoita aihealueen nimi sanoin, esim. `Perhekeskus`, tai poista se `topics`-listasta")
                    .with_source(&p.text.get()),
                );
                continue;
            }
            match first.get(&slug) {
                None => {
                    first.insert(slug, (t.as_str(), p.source.display()));
                }
                Some((name, src)) if name != t && warned.insert((slug.clone(), t.as_str())) => {
                    let (line, col) = at();
                    diags.push(
                        Diagnostic::warning(
                            p.source.display(),
                            line,
                            col,
                            format!("aihealue `{t}` yhdistyy aihealueeseen `{name}` ({src}): molemmat ovat sivulla `/aihealueet/{slug}/` nimellä `{name}`"),
                        )
                        .with_help(format!("kirjoita aihealue kaikilla sivuilla samalla tavalla, esim. `{name}`"))
                        .with_source(&p.text.get()),
                    );
                }
                Some(_) => {}
            }
        }
    }
    diags
}
