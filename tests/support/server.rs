//! A static file server for browser tests: serves a built `public/` on
//! 127.0.0.1 (random port) with the headers `netlify.toml` sets for `/*`, so
//! pages are tested under the production Content-Security-Policy.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub struct StaticServer {
    pub base: String,
    addr: SocketAddr,
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
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("address");
        let stop = Arc::new(AtomicBool::new(false));
        let (root, flag) = (Arc::new(root.to_path_buf()), stop.clone());
        let headers = Arc::new(headers);
        // One thread per connection and one request per connection (`Connection:
        // close`), as simple as a server can be: the browser opens as many as it needs.
        let handle = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (root, headers) = (root.clone(), headers.clone());
                std::thread::spawn(move || answer(stream, &root, &headers));
            }
        });
        StaticServer { base: format!("http://{addr}"), addr, stop, handle: Some(handle) }
    }
}

/// Reads one GET request's head and answers it with the file it names (or `404.html`).
fn answer(mut stream: TcpStream, root: &Path, headers: &[(String, String)]) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut parts = head.lines().next().unwrap_or_default().split(' ');
    let (method, url) = (parts.next().unwrap_or_default(), parts.next().unwrap_or("/"));
    let (status, file) = match resolve(root, url) {
        Some(p) => ("200 OK", p),
        None => ("404 Not Found", root.join("404.html")),
    };
    let body = std::fs::read(&file).unwrap_or_default();
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n", mime(&file), body.len());
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if method != "HEAD" {
        bytes.extend_from_slice(&body);
    }
    let _ = stream.write_all(&bytes);
    let _ = stream.shutdown(Shutdown::Write);
    // Wait for the browser to close its side, so that nothing it sent resets the connection.
    let _ = stream.read(&mut buf);
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop.
        let _ = TcpStream::connect(self.addr);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
