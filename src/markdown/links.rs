//! Link resolution: what a link written in a Markdown file (or a front-matter
//! `file:`) points to, and the URL it becomes on the site.
//!
//! Relative links are resolved against the source file's folder: `.md` files
//! become their page's URL (`#fragment` kept), other files their copied asset's
//! URL. Site-absolute links (`/x/`) get the base path; external URLs, `mailto:`
//! and pure `#anchors` are left alone. Checking anchors belongs to `check`.

use crate::content::library::Target;
use crate::content::Library;
use crate::diagnostics::nearest;

/// Why a link could not be resolved, with the closest existing file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// The target as resolved against the source folder (relative to `content/`).
    pub wanted: String,
    pub closest: Option<String>,
}

/// Resolves links for one site.
pub struct LinkResolver<'a> {
    pub lib: &'a Library,
    /// Path part of the base URL, without trailing slash.
    pub base_path: &'a str,
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

impl LinkResolver<'_> {
    /// The URL `href`, written in the file `from` (relative to `content/`), becomes.
    pub fn resolve(&self, from: &str, href: &str) -> Result<String, Unresolved> {
        if href.is_empty() || href.starts_with('#') || is_external(href) {
            return Ok(href.to_string());
        }
        if href.starts_with('/') {
            return Ok(format!("{}{href}", self.base_path));
        }
        let (path_part, frag) = match href.find(['#', '?']) {
            Some(i) => (&href[..i], &href[i..]),
            None => (href, ""),
        };
        let dir = from.rfind('/').map_or("", |i| &from[..i]);
        let decoded = percent_decode(path_part);
        let wanted = join(dir, &decoded).ok_or_else(|| Unresolved { wanted: decoded.clone(), closest: None })?;
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
        Err(Unresolved { wanted, closest })
    }

    /// Like `resolve`, and also tells whether the link points at a page.
    pub fn target(&self, from: &str, href: &str) -> Option<Target> {
        let path_part = href.split(['#', '?']).next().unwrap_or("");
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
