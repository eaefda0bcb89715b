//! A generation: one complete build of the site held in memory, immutable once
//! made. The server answers every request from one generation (an `Arc` it
//! cloned), so a request during a rebuild sees the whole old site or the whole
//! new one, never a mix.
//!
//! [`Generation::lookup`] maps an already validated URL path (see `http`) to a
//! file; it never touches the file system, so nothing outside the build can be
//! served whatever the path says.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The files of one build, by output path (`a/b/index.html`).
pub struct Generation {
    /// Counts successful builds since `serve` started; 0 is the placeholder.
    pub number: u64,
    files: HashMap<String, Arc<[u8]>>,
    /// `""` or `/prefix` (from `base_url`), the folder the site lives in.
    base_path: String,
}

/// What a URL path leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// Output path and bytes.
    File(String, Arc<[u8]>),
    /// A folder asked for without its trailing `/`, or the server root when the site lives in a sub-folder.
    Redirect(String),
    NotFound,
}

/// Shown before any build has succeeded: the overlay (added by the reload script) tells why.
const PLACEHOLDER: &str =
    "<!DOCTYPE html>\n<html lang=\"fi\"><head><meta charset=\"utf-8\"><title>Sivustoa ei voitu rakentaa</title></head>\
<body><main><h1>Sivustoa ei voitu rakentaa</h1><p>Korjaa terminaalissa ja tässä ikkunassa näkyvät virheet ja tallenna: \
sivu päivittyy itsestään.</p></main></body></html>\n";

impl Generation {
    pub fn new(number: u64, files: BTreeMap<String, Vec<u8>>, base_path: &str) -> Generation {
        let files = files.into_iter().map(|(k, v)| (k, Arc::from(v))).collect();
        Generation { number, files, base_path: base_path.trim_end_matches('/').to_string() }
    }

    /// A stand-in for a site that has not built yet: every page is the placeholder.
    pub fn placeholder() -> Generation {
        let page: Arc<[u8]> = Arc::from(PLACEHOLDER.as_bytes());
        let files = ["index.html", "404.html"].into_iter().map(|k| (k.to_string(), page.clone())).collect();
        Generation { number: 0, files, base_path: String::new() }
    }

    /// A new generation: this one's files with `changed` written over them.
    pub fn with_changes(&self, number: u64, changed: BTreeMap<String, Vec<u8>>) -> Generation {
        let mut files = self.files.clone();
        files.extend(changed.into_iter().map(|(k, v)| (k, Arc::from(v))));
        Generation { number, files, base_path: self.base_path.clone() }
    }

    /// This generation without the files `removed`.
    pub fn without(mut self, removed: &[String]) -> Generation {
        for rel in removed {
            self.files.remove(rel);
        }
        self
    }

    /// Every output path, in no particular order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    pub fn file(&self, rel: &str) -> Option<Arc<[u8]>> {
        self.files.get(rel).cloned()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// `path` is decoded and validated (starts with `/`, no `..`, no empty segments).
    pub fn lookup(&self, path: &str) -> Found {
        let rest = if self.base_path.is_empty() {
            path
        } else if path == "/" || path == self.base_path {
            return Found::Redirect(format!("{}/", self.base_path));
        } else {
            match path.strip_prefix(self.base_path.as_str()).filter(|r| r.starts_with('/')) {
                Some(r) => r,
                None => return Found::NotFound,
            }
        };
        let rel = rest.trim_start_matches('/');
        if rel.is_empty() || rel.ends_with('/') {
            let key = format!("{rel}index.html");
            return self.files.get(&key).map_or(Found::NotFound, |b| Found::File(key, b.clone()));
        }
        if let Some(b) = self.files.get(rel) {
            return Found::File(rel.to_string(), b.clone());
        }
        if self.files.contains_key(&format!("{rel}/index.html")) {
            return Found::Redirect(format!("{path}/"));
        }
        Found::NotFound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gen(base: &str) -> Generation {
        let files =
            ["index.html", "a/index.html", "style.css", "kuvat/k 1.svg"].into_iter().map(|k| (k.to_string(), k.as_bytes().to_vec()));
        Generation::new(1, files.collect(), base)
    }

    fn rel(f: Found) -> String {
        match f {
            Found::File(r, _) => r,
            Found::Redirect(to) => format!("-> {to}"),
            Found::NotFound => "404".into(),
        }
    }

    #[test]
    fn maps_folders_files_and_redirects() {
        let g = gen("");
        assert_eq!(rel(g.lookup("/")), "index.html");
        assert_eq!(rel(g.lookup("/a/")), "a/index.html");
        assert_eq!(rel(g.lookup("/a")), "-> /a/");
        assert_eq!(rel(g.lookup("/style.css")), "style.css");
        assert_eq!(rel(g.lookup("/kuvat/k 1.svg")), "kuvat/k 1.svg");
        assert_eq!(rel(g.lookup("/b/")), "404");
        assert_eq!(rel(g.lookup("/style.css/")), "404");
    }

    #[test]
    fn a_base_path_is_served_below_its_prefix_only() {
        let g = gen("/kasikirja/");
        assert_eq!(rel(g.lookup("/")), "-> /kasikirja/");
        assert_eq!(rel(g.lookup("/kasikirja")), "-> /kasikirja/");
        assert_eq!(rel(g.lookup("/kasikirja/a/")), "a/index.html");
        assert_eq!(rel(g.lookup("/kasikirjaX/a/")), "404");
        assert_eq!(rel(g.lookup("/a/")), "404");
    }

    #[test]
    fn changes_replace_files_in_a_new_generation() {
        let g = gen("");
        let next = g.with_changes(2, [("a/index.html".to_string(), b"uusi".to_vec())].into_iter().collect());
        assert_eq!(&*next.file("a/index.html").unwrap(), b"uusi");
        assert_eq!(&*g.file("a/index.html").unwrap(), b"a/index.html");
        assert_eq!(next.len(), g.len());
        let fewer = next.without(&["style.css".to_string()]);
        assert_eq!((fewer.file("style.css"), fewer.len()), (None, g.len() - 1));
    }
}
