//! Link resolution: what a link written in a Markdown file (or a front-matter
//! `file:`) points to, and the URL it becomes on the site.
//!
//! Relative links are resolved against the source file's folder: `.md` files
//! become their page's URL (`#fragment` kept), other files their copied asset's
//! URL. Site-absolute links (`/x/`) are read from the site root, looked up in
//! the site's URL map ([`UrlMap`]: pages, sections, aliases, generated pages,
//! assets and theme files) and get the base path; external URLs, `mailto:`
//! and pure `#anchors` are left alone. Checking anchors belongs to `check`.
//!
//! The URL map is built here, lazily, on the first site-absolute link: the
//! library maps source files, not URLs, and most sites link by file.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::content::library::{normalise_alias, Target};
use crate::content::Library;
use crate::diagnostics::nearest;

/// Why a link could not be resolved, with the closest existing target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// A relative target as resolved against the source folder (relative to
    /// `content/`), or a site-absolute path as written (decoded, without `#…`).
    pub wanted: String,
    pub closest: Option<String>,
    /// `wanted` is a site path (`/a/b/`), not a file under `content/`.
    pub absolute: bool,
    /// The site's base path, when the link seems to repeat it (`/kasikirja/a/`).
    pub repeats_base: Option<String>,
}

impl Unresolved {
    /// `linkin kohdetta `content/a.md` ei löydy`, with `what` naming the kind of target.
    pub fn message(&self, what: &str) -> String {
        if self.absolute {
            format!("{what} `{}` ei löydy sivustolta", self.wanted)
        } else {
            format!("{what} `content/{}` ei löydy", self.wanted)
        }
    }

    /// The `help:` line: the closest existing target and how the path is read.
    pub fn help(&self) -> String {
        match (&self.closest, self.absolute) {
            (Some(c), false) => format!("tarkoititko `content/{c}`? Polku luetaan tämän tiedoston kansiosta"),
            (None, false) => "tarkista tiedoston nimi ja polku; polku luetaan tämän tiedoston kansiosta".to_string(),
            (Some(c), true) => match &self.repeats_base {
                Some(base) => format!("tarkoititko `{c}`? Sivuston polku `{base}` lisätään osoitteeseen itse: jätä se pois"),
                None => format!("tarkoititko `{c}`? Kauttaviivalla alkava osoite luetaan sivuston juuresta"),
            },
            (None, true) => {
                "kauttaviivalla alkava osoite luetaan sivuston juuresta; toiseen sivuun voi linkittää myös sen tiedostolla, esim. `luku.md`"
                    .to_string()
            }
        }
    }
}

/// Every path the site publishes (without the base path): pages, sections,
/// aliases, generated pages, content assets and theme files; for pages and
/// sections (and aliases, which lead to their page) also the target, so that
/// a `#fragment` can be checked against its headings.
pub struct UrlMap {
    paths: BTreeMap<String, Option<Target>>,
}

/// Pages and files the generator writes itself (besides `/aihealueet/<aihe>/`).
/// `/muutokset/` exists only in deploy previews, so content cannot link to it.
const GENERATED: &[&str] =
    &["/haku/", "/aihealueet/", "/tulosta/", "/saavutettavuusseloste/", "/atom.xml", "/sitemap.xml", "/robots.txt", "/404.html"];

impl UrlMap {
    pub fn new<'s>(lib: &Library, statics: impl IntoIterator<Item = &'s str>) -> UrlMap {
        let mut paths: BTreeMap<String, Option<Target>> = BTreeMap::new();
        paths.extend(GENERATED.iter().map(|p| (p.to_string(), None)));
        paths.extend(lib.topics.values().map(|t| (format!("/aihealueet/{}/", t.slug), None)));
        paths.extend(lib.assets.iter().map(|a| (format!("/{}", a.rel), None)));
        paths.extend(statics.into_iter().map(|s| (format!("/{s}"), None)));
        for p in &lib.pages {
            paths.extend(p.front.aliases.iter().map(|a| (normalise_alias(a), Some(Target::Page(p.id)))));
        }
        paths.extend(lib.sections.iter().map(|s| (s.path.clone(), Some(Target::Section(s.id)))));
        paths.extend(lib.pages.iter().map(|p| (p.path.clone(), Some(Target::Page(p.id)))));
        UrlMap { paths }
    }

    /// The published path `path` means (a missing trailing `/` added), and its page.
    pub fn get(&self, path: &str) -> Option<(&str, Option<Target>)> {
        let found = self.paths.get_key_value(path).or_else(|| {
            let last = path.rsplit('/').next().unwrap_or("");
            (!path.ends_with('/') && !last.contains('.')).then(|| self.paths.get_key_value(&format!("{path}/"))).flatten()
        });
        found.map(|(k, t)| (k.as_str(), *t))
    }

    fn closest(&self, path: &str) -> Option<String> {
        nearest(path, self.paths.keys().map(String::as_str)).map(str::to_string)
    }
}

/// Resolves links for one site.
pub struct LinkResolver<'a> {
    pub lib: &'a Library,
    /// Path part of the base URL, without trailing slash.
    pub base_path: &'a str,
    /// Theme files published at the site root (`style.css` …).
    statics: Vec<&'a str>,
    urls: OnceLock<UrlMap>,
}

/// `true` for URLs whose scheme runs code or smuggles a document when
/// followed: `javascript:`, `vbscript:`, `data:` (browsers ignore tabs,
/// newlines and case in the scheme, so this does too).
pub fn is_dangerous(href: &str) -> bool {
    let cleaned: String = href.chars().filter(|c| !c.is_whitespace() && !c.is_control()).take(16).collect::<String>().to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"].iter().any(|s| cleaned.starts_with(s))
}

/// `true` for `https:`, `mailto:`, `tel:` … (a scheme before any `/`).
pub fn is_external(href: &str) -> bool {
    match href.find(':') {
        Some(i) => {
            let scheme = &href[..i];
            !scheme.is_empty() && !scheme.contains('/') && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        }
        None => href.starts_with("//"),
    }
}

/// Joins `rel` to the folder `dir` (both relative to `content/`), folding `.` and `..`.
/// `None` when the path climbs out of `content/`.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = if dir.is_empty() { Vec::new() } else { dir.split('/').collect() };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// `href` split before its `#fragment` or `?query`.
fn split_suffix(href: &str) -> (&str, &str) {
    match href.find(['#', '?']) {
        Some(i) => (&href[..i], &href[i..]),
        None => (href, ""),
    }
}

impl<'a> LinkResolver<'a> {
    pub fn new(lib: &'a Library, base_path: &'a str) -> LinkResolver<'a> {
        LinkResolver { lib, base_path, statics: Vec::new(), urls: OnceLock::new() }
    }

    /// Also accepts site-absolute links to these theme files (paths under `static/`).
    pub fn with_statics(mut self, statics: impl IntoIterator<Item = &'a str>) -> LinkResolver<'a> {
        self.statics = statics.into_iter().collect();
        self
    }

    fn urls(&self) -> &UrlMap {
        self.urls.get_or_init(|| UrlMap::new(self.lib, self.statics.iter().copied()))
    }

    /// A site-absolute `href` (`/a/b/#x`): its URL with the base path, or why not.
    fn resolve_absolute(&self, href: &str) -> Result<String, Unresolved> {
        let (path_part, suffix) = split_suffix(href);
        let wanted = percent_decode(path_part);
        if let Some((path, _)) = self.urls().get(&wanted) {
            // Keep the author's spelling (percent-escapes) unless a `/` was added.
            let path = if path.len() == wanted.len() { path_part } else { path };
            return Ok(format!("{}{path}{suffix}", self.base_path));
        }
        let without_base = wanted.strip_prefix(self.base_path).filter(|r| !self.base_path.is_empty() && r.starts_with('/'));
        if let Some((path, _)) = without_base.and_then(|r| self.urls().get(r)) {
            let closest = Some(path.to_string());
            return Err(Unresolved { wanted, closest, absolute: true, repeats_base: Some(self.base_path.to_string()) });
        }
        let closest = self.urls().closest(&wanted);
        Err(Unresolved { wanted, closest, absolute: true, repeats_base: None })
    }

    /// The URL `href`, written in the file `from` (relative to `content/`), becomes.
    pub fn resolve(&self, from: &str, href: &str) -> Result<String, Unresolved> {
        if href.is_empty() || href.starts_with('#') || is_external(href) {
            return Ok(href.to_string());
        }
        if href.starts_with('/') {
            return self.resolve_absolute(href);
        }
        let (path_part, frag) = split_suffix(href);
        let dir = from.rfind('/').map_or("", |i| &from[..i]);
        let decoded = percent_decode(path_part);
        let wanted = join(dir, &decoded).ok_or_else(|| Unresolved {
            wanted: decoded.clone(),
            closest: None,
            absolute: false,
            repeats_base: None,
        })?;
        let target = self.lib.by_source.get(&wanted).copied().or_else(|| {
            // A link to a folder means its section.
            let idx = if wanted.is_empty() { "_index.md".to_string() } else { format!("{}/_index.md", wanted.trim_end_matches('/')) };
            self.lib.by_source.get(&idx).copied().filter(|_| !wanted.ends_with(".md"))
        });
        if let Some(t) = target {
            return Ok(format!("{}{}{frag}", self.base_path, self.lib.target_path(t)));
        }
        if self.lib.is_asset(&wanted) {
            return Ok(format!("{}/{}{frag}", self.base_path, wanted));
        }
        let candidates = self.lib.by_source.keys().map(String::as_str).chain(self.lib.assets.iter().map(|a| a.rel.as_str()));
        let closest = nearest(&wanted, candidates).map(str::to_string);
        Err(Unresolved { wanted, closest, absolute: false, repeats_base: None })
    }

    /// Like `resolve`, and also tells whether the link points at a page or
    /// section (whose anchors `check` then knows).
    pub fn target(&self, from: &str, href: &str) -> Option<Target> {
        let path_part = href.split(['#', '?']).next().unwrap_or("");
        if path_part.starts_with('/') && !is_external(href) {
            return self.urls().get(&percent_decode(path_part))?.1;
        }
        let dir = from.rfind('/').map_or("", |i| &from[..i]);
        self.lib.by_source.get(&join(dir, &percent_decode(path_part))?).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_detects_schemes() {
        assert_eq!(join("a/b", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(join("a", "./k/x.svg").as_deref(), Some("a/k/x.svg"));
        assert_eq!(join("", "../x.md"), None);
        assert!(is_external("https://stm.fi/"));
        assert!(is_external("mailto:x@y.fi"));
        assert!(!is_external("luku.md"));
        assert!(!is_external("kuvat/a:b.svg"));
        assert!(is_dangerous(" JaVa\tScRiPt:alert(1)") && is_dangerous("data:text/html,x") && !is_dangerous("https://e.org/javascript:"));
        assert_eq!(percent_decode("a%20b.md"), "a b.md");
    }
}
