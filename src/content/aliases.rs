//! Aliases: the old URLs of a page (`aliases:` in front matter), which become
//! lines of Netlify's `_redirects` and small redirect pages in the output.
//!
//! Both are written verbatim, so an alias must be a clean URL path: anything
//! else could add a rule to `_redirects` (a newline), break one (a space),
//! name a query or fragment as a folder, or smuggle markup. Nothing is
//! percent-encoded or repaired silently; a bad alias is refused with a reason.
//! [`collisions`] then makes sure no alias, and no file copied from
//! `content/`, takes an output file that something else writes (a page, a
//! theme file, the generator's own files), naming both.
//! Writing the redirects stays with the site.

use std::collections::BTreeMap;

use super::front_matter;
use super::library::{Library, RESERVED_PATHS};
use super::yaml::Seg;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Files the generator writes at the top of the output besides pages (`index.html` is the home page's).
pub const GENERATED_FILES: &[&str] = &["404.html", "sitemap.xml", "robots.txt", "atom.xml", "_redirects"];

/// Why `alias` is not a clean URL path, or `None` when it is one.
/// Clean: `/`, then lower-case letters `a–z`, digits and `- . ~ /`, with no
/// empty, `.` or `..` part and no part beginning with a dot.
pub fn problem(alias: &str) -> Option<&'static str> {
    if !alias.starts_with('/') {
        return Some("osoitteen pitää alkaa kauttaviivalla `/`");
    }
    if alias.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("osoitteessa on välilyönti, sarkain tai rivinvaihto");
    }
    if alias.contains(['?', '#']) {
        return Some("osoitteessa on kysely- (`?`) tai ankkuriosa (`#`); vanha osoite on pelkkä polku");
    }
    if alias.contains('%') {
        return Some("osoitteessa on prosenttikoodattu merkki (`%`)");
    }
    if alias.chars().any(|c| c.is_ascii_uppercase()) {
        return Some("osoitteessa on isoja kirjaimia");
    }
    if !alias.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.~/".contains(c)) {
        return Some("osoitteessa on merkkejä, joita osoitteen polussa ei voi käyttää sellaisenaan");
    }
    let inner = &alias[1..];
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    if alias.len() > 1 && (inner.is_empty() || inner.split('/').any(|part| part.is_empty() || part.starts_with('.'))) {
        return Some("osoitteessa on tyhjä osa (`//`) tai pisteellä alkava osa (`.`, `..`, `.piilo`)");
    }
    None
}

/// The help line for a refused alias.
pub const HELP: &str =
    "kirjoita vanha osoite pelkkänä polkuna pienin kirjaimin a–z, numeroin ja merkein - . ~ /, esim. `/vanha/osoite/` (ä→a, ö→o)";

/// `/vanha/osoite` → `/vanha/osoite/`, the form URLs take on this site; a
/// last part with a dot (`/vanha.html`) stays a file.
pub fn normalise(alias: &str) -> String {
    let mut a = alias.trim().to_string();
    if !a.ends_with('/') && !a.rsplit('/').next().is_some_and(|last| last.contains('.')) {
        a.push('/');
    }
    a
}

/// The output file a normalised alias is written to: `/a/` → `a/index.html`, `/a.html` → `a.html`.
pub fn output_file(norm: &str) -> String {
    if norm.ends_with('/') {
        format!("{}index.html", norm.trim_start_matches('/'))
    } else {
        norm.trim_start_matches('/').to_string()
    }
}

/// Output files already taken, each with who takes it (for messages).
struct Taken(BTreeMap<String, String>);

impl Taken {
    /// Who already writes `file`, or a file that would have to be a folder
    /// for `file` (or the other way round): `style.css` blocks `style.css/index.html`.
    fn conflict(&self, file: &str) -> Option<(&str, &str)> {
        if let Some((k, who)) = self.0.get_key_value(file) {
            return Some((k, who));
        }
        let mut dir = file;
        while let Some(i) = dir.rfind('/') {
            dir = &dir[..i];
            if let Some((k, who)) = self.0.get_key_value(dir) {
                return Some((k, who));
            }
        }
        let below = format!("{file}/");
        self.0.range(below.clone()..).next().filter(|(k, _)| k.starts_with(&below)).map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

fn index_of(path: &str) -> String {
    format!("{}index.html", path.trim_start_matches('/'))
}

/// Output files of pages, sections and the generator's own files, with who writes them.
fn generated(lib: &Library) -> Taken {
    let mut taken = Taken(BTreeMap::new());
    for f in GENERATED_FILES {
        taken.0.insert(f.to_string(), "sivuston oma tiedosto".into());
    }
    for s in &lib.sections {
        let who = match &s.source {
            Some(src) => format!("osion sivu `{}`", src.display()),
            None if s.dir.is_empty() => "etusivu".into(),
            None => format!("osion `content/{}/` sivu", s.dir),
        };
        taken.0.entry(index_of(&s.path)).or_insert(who);
    }
    for p in &lib.pages {
        taken.0.entry(index_of(&p.path)).or_insert_with(|| format!("sivu `{}`", p.source.display()));
    }
    taken
}

/// Every output file written twice, found before anything is rendered and
/// named with both of its sources: a content file (copied as it is) or an
/// alias against the generator's own files, a page, a section, a file of
/// the theme (`theme_statics`: output path, shown path) or an earlier alias,
/// and content files and aliases in the generator's own folders
/// ([`RESERVED_PATHS`]), which it fills while it writes the rest.
/// A content file may replace a theme file of the same name on purpose.
/// Aliases are reported at their own line.
pub fn collisions(lib: &Library, theme_statics: &[(&str, String)]) -> Diagnostics {
    let mut taken = generated(lib);
    let mut diags = Diagnostics::new();
    for (rel, shown) in theme_statics.iter().filter(|(rel, _)| !lib.is_asset(rel)) {
        taken.0.entry(rel.to_string()).or_insert_with(|| format!("teeman tiedosto `{shown}`"));
    }
    for a in &lib.assets {
        let reserved = RESERVED_PATHS.iter().find(|r| format!("/{}", a.rel).starts_with(**r));
        let message = match reserved {
            Some(r) => Some(format!("tiedosto `{}` on sivuston omien sivujen kansiossa `{r}`", a.display())),
            None => clash(&taken, &format!("tiedosto `{}`", a.display()), &a.rel),
        };
        if let Some(m) = message {
            diags.push(Diagnostic::error(a.display(), 0, 0, m).with_help("nimeä tiedosto uudelleen tai siirrä se toiseen kansioon"));
        } else {
            taken.0.insert(a.rel.clone(), format!("tiedosto `{}`", a.display()));
        }
    }
    for p in &lib.pages {
        for (i, alias) in p.front.aliases.iter().enumerate() {
            let norm = normalise(alias);
            let file = output_file(&norm);
            let message = match RESERVED_PATHS.iter().find(|r| norm.starts_with(**r)) {
                Some(r) => Some(format!("vanha osoite `{alias}` on sivuston omien sivujen osoitteessa `{r}`")),
                None => clash(&taken, &format!("vanha osoite `{alias}`"), &file),
            };
            match message {
                Some(m) => {
                    let (line, col) = front_matter::position(&p.text.get(), &[Seg::Key("aliases".into()), Seg::Index(i)]);
                    diags.push(
                        Diagnostic::error(p.source.display(), line, col, m)
                            .with_help("poista osoite `aliases`-listasta tai valitse toinen")
                            .with_source(&p.text.get()),
                    );
                }
                None => {
                    taken.0.insert(file, format!("vanha osoite `{alias}` sivulla `{}`", p.source.display()));
                }
            }
        }
    }
    diags
}

/// The message when `what`, written to `file`, meets something already taken.
fn clash(taken: &Taken, what: &str, file: &str) -> Option<String> {
    let (other, who) = taken.conflict(file)?;
    Some(if other == file {
        format!("{what} kirjoittaisi tulostiedoston `{file}`, joka on jo käytössä: {who}")
    } else {
        format!("{what} (tulostiedosto `{file}`) ei mahdu samaan paikkaan kuin `{other}`: {who}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_clean_paths_are_aliases() {
        for good in ["/", "/vanha/", "/vanha/osoite", "/a-b/c.d~e/", "/vanha.html", "/2019/kevat/"] {
            assert_eq!(problem(good), None, "{good}");
        }
        for bad in [
            "vanha/",
            "/y\n/* https://evil.example/ 302!\n/z",
            "/a b/",
            "/q?x=1",
            "/z#frag",
            "/%2e%2e/",
            "/<script>/",
            "/Vanha/",
            "/äiti/",
            "/a//b/",
            "/../x/",
            "/a/./b",
            "/.well-known/",
            "/_headers",
            "//evil.example/",
        ] {
            assert!(problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn files_and_folders_block_each_other() {
        let taken = Taken([("style.css".to_string(), "teema".to_string()), ("a/index.html".into(), "sivu".into())].into());
        assert_eq!(taken.conflict("style.css"), Some(("style.css", "teema")));
        assert_eq!(taken.conflict("style.css/index.html"), Some(("style.css", "teema")));
        assert_eq!(taken.conflict("a/index.html/index.html"), Some(("a/index.html", "sivu")));
        assert_eq!(taken.conflict("a"), Some(("a/index.html", "sivu")));
        assert_eq!(taken.conflict("b/index.html"), None);
        assert_eq!(taken.conflict("a/b/index.html"), None);
    }
}
