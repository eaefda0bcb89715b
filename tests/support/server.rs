//! A static file server for browser tests: serves a built `public/` on
//! 127.0.0.1 (random port) with the headers `netlify.toml` sets for `/*`, so
//! pages are tested under the production Content-Security-Policy.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub struct StaticServer {
    pub base: String,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

/// The `[[headers]]` values for `/*` in netlify.toml.
pub fn netlify_headers() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/netlify.toml")).expect("netlify.toml");
    let doc: toml::Table = text.parse().expect("valid TOML");
    let Some(headers) = doc.get("headers").and_then(|h| h.as_array()) else { return Vec::new() };
    headers
        .iter()
        .filter(|h| h.get("for").and_then(|f| f.as_str()) == Some("/*"))
        .flat_map(|h| h["values"].as_table().cloned().unwrap_or_default())
        .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
        .collect()
}

fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path.contains("..") {
        return None;
    }
    let mut p = root.join(path.trim_start_matches('/'));
    if path.ends_with('/') {
        p = p.join("index.html");
    }
    p.is_file().then_some(p)
}

impl StaticServer {
    /// With the production headers from netlify.toml.
    pub fn start(root: &Path) -> StaticServer {
        Self::start_with(root, netlify_headers())
    }

    /// Without any security headers (to test escaping on its own).
    pub fn start_without_headers(root: &Path) -> StaticServer {
        Self::start_with(root, Vec::new())
    }

    fn start_with(root: &Path, headers: Vec<(String, String)>) -> StaticServer {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1");
        let base = format!("http://{}", server.server_addr().to_ip().expect("ip address"));
        let stop = Arc::new(AtomicBool::new(false));
        let (root, flag) = (root.to_path_buf(), stop.clone());
        let handle = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                let Ok(Some(req)) = server.recv_timeout(Duration::from_millis(100)) else { continue };
                let (status, file) = match resolve(&root, req.url()) {
                    Some(p) => (200, p),
                    None => (404, root.join("404.html")),
                };
                let body = std::fs::read(&file).unwrap_or_default();
                let mut resp = tiny_http::Response::from_data(body).with_status_code(status);
                let ct = tiny_http::Header::from_bytes("Content-Type", mime(&file)).expect("header");
                resp.add_header(ct);
                for (k, v) in &headers {
                    if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
                        resp.add_header(h);
                    }
                }
                let _ = req.respond(resp);
            }
        });
        StaticServer { base, stop, handle: Some(handle) }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
