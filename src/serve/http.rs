//! HTTP: answering requests from the current [`Generation`] over tiny_http.
//!
//! tiny_http reads each connection on a thread of its own (its pool grows with
//! the connections), so an idle, slow or malformed connection holds up only
//! itself; malformed request lines and headers get its 400. A fixed pool of
//! [`WORKERS`] threads answers the parsed requests from memory; the event
//! stream is handed to the [`Hub`] at once, so browsers never occupy a worker.
//! tiny_http 0.12 offers no way to set socket timeouts (and a receive timeout on
//! the listening socket would also end its accept loop), so an idle connection
//! lasts until its client closes it; the server binds to 127.0.0.1 by default.
//!
//! Only GET and HEAD; every path is percent-decoded once and refused (404) if
//! it could mean anything but a file of the build: `..`/`.` segments, empty
//! segments, encoded `/` or `\`, backslashes, NUL and control characters. The
//! build lives in memory, so no path, however spelled, reaches the disk.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use super::generation::{Found, Generation};
use super::reload::{self, Hub};

/// Threads answering requests (all answers come from memory, so a few suffice).
pub const WORKERS: usize = 8;

/// What the workers share with the rebuild loop.
pub struct Shared {
    generation: Mutex<Arc<Generation>>,
    pub hub: Hub,
}

impl Shared {
    pub fn new(generation: Generation) -> Shared {
        Shared { generation: Mutex::new(Arc::new(generation)), hub: Hub::new() }
    }

    /// The generation being served now.
    pub fn current(&self) -> Arc<Generation> {
        self.generation.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Serves `next` from now on; requests already running finish with the old one.
    pub fn publish(&self, next: Generation) {
        *self.generation.lock().unwrap_or_else(|e| e.into_inner()) = Arc::new(next);
    }
}

/// Serves `listener` (bound by the caller, so a busy port fails before any
/// build and keeps its error kind) with [`WORKERS`] threads.
pub fn start(listener: TcpListener, shared: Arc<Shared>) -> std::io::Result<()> {
    let server = Arc::new(Server::from_listener(listener, None).map_err(std::io::Error::other)?);
    for i in 0..WORKERS {
        let (server, shared) = (server.clone(), shared.clone());
        std::thread::Builder::new().name(format!("http-{i}")).spawn(move || {
            // `recv` fails only when the accept loop has ended; nothing is left to serve then.
            while let Ok(rq) = server.recv() {
                handle(rq, &shared);
            }
        })?;
    }
    Ok(())
}

fn respond(rq: Request, status: u16, content_type: &str, body: Vec<u8>, extra: &[(&str, &str)]) {
    // Always a Content-Length (the body is in memory), never chunked: simpler for every client.
    let mut resp = Response::from_data(body).with_status_code(StatusCode(status)).with_chunked_threshold(usize::MAX);
    let fixed = [("Content-Type", content_type), ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")];
    for (k, v) in fixed.iter().chain(extra) {
        // Every value here is ASCII (paths are percent-encoded), so this never skips one.
        if let Ok(h) = Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            resp.add_header(h);
        }
    }
    // The browser may have gone; nothing to do about it.
    let _ = rq.respond(resp);
}

/// A decoded path as it may appear in a `Location` header.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn handle(rq: Request, shared: &Shared) {
    if !matches!(rq.method(), Method::Get | Method::Head) {
        return respond(rq, 405, "text/plain; charset=utf-8", "Vain GET ja HEAD ovat sallittuja.\n".into(), &[("Allow", "GET, HEAD")]);
    }
    let target = rq.url().split(['?', '#']).next().unwrap_or("").to_string();
    if target == reload::SCRIPT_PATH {
        return respond(rq, 200, "text/javascript; charset=utf-8", reload::SCRIPT.into(), &[]);
    }
    if target == reload::EVENTS_PATH {
        if *rq.method() == Method::Head {
            return respond(rq, 200, "text/event-stream; charset=utf-8", Vec::new(), &[]);
        }
        if shared.hub.client_count() >= reload::MAX_CLIENTS {
            return respond(rq, 503, "text/plain; charset=utf-8", "Liian monta avointa välilehteä.\n".into(), &[]);
        }
        // `subscribe` refuses only when the limit was reached meanwhile; the browser retries.
        shared.hub.subscribe(rq.into_writer());
        return;
    }
    let generation = shared.current();
    match clean_path(&target).map(|p| generation.lookup(&p)).unwrap_or(Found::NotFound) {
        Found::File(rel, bytes) => {
            let mime = mime_type(&rel);
            let body = if is_html(mime) { reload::inject(&bytes, generation.number) } else { bytes.to_vec() };
            respond(rq, 200, mime, body, &[])
        }
        Found::Redirect(to) => respond(rq, 301, "text/plain; charset=utf-8", Vec::new(), &[("Location", &encode_path(&to))]),
        Found::NotFound => {
            let body = generation.file("404.html").map_or_else(|| b"404\n".to_vec(), |b| reload::inject(&b, generation.number));
            respond(rq, 404, "text/html; charset=utf-8", body, &[])
        }
    }
}

fn is_html(mime: &str) -> bool {
    mime.starts_with("text/html")
}

/// The decoded path of a request target, or `None` if it must not be served.
pub fn clean_path(target: &str) -> Option<String> {
    if !target.starts_with('/') {
        return None; // absolute-form (`http://…`), `*` or nothing
    }
    let raw = target.as_bytes();
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = if raw[i] == b'%' {
            let hex = std::str::from_utf8(raw.get(i + 1..i + 3)?).ok()?;
            i += 3;
            match u8::from_str_radix(hex, 16).ok()? {
                // An encoded separator would change how the path splits.
                b'/' | b'\\' => return None,
                d => d,
            }
        } else {
            i += 1;
            raw[i - 1]
        };
        if b == b'\\' || b.is_ascii_control() {
            return None;
        }
        bytes.push(b);
    }
    let path = String::from_utf8(bytes).ok()?;
    let segments: Vec<&str> = path[1..].split('/').collect();
    let (_, dirs) = segments.split_last()?;
    if dirs.iter().any(|s| s.is_empty()) || segments.iter().any(|s| *s == "." || *s == "..") {
        return None;
    }
    Some(path)
}

/// The Content-Type for an output path, by extension.
pub fn mime_type(rel: &str) -> &'static str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wasm" => "application/wasm",
        "zip" => "application/zip",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        // `_redirects`, `robots.txt`-like files without an extension are text.
        "" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_every_spelling_of_traversal() {
        for bad in [
            "/../Cargo.toml",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/x",
            "/..%2f..%2fetc/passwd",
            "/..%2F..%2Fetc/passwd",
            "/..\\..\\etc\\passwd",
            "/..%5c..%5cetc%5cpasswd",
            "/%00",
            "/a%00.html",
            "//etc/passwd",
            "/a//b",
            "/./a",
            "/a/.",
            "/a/..",
            "http://example.org/",
            "*",
            "",
            "/%",
            "/%zz",
            "/%c3",
            "/a\tb",
        ] {
            assert_eq!(clean_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn decodes_ordinary_paths() {
        assert_eq!(clean_path("/").as_deref(), Some("/"));
        assert_eq!(clean_path("/a/b/").as_deref(), Some("/a/b/"));
        assert_eq!(clean_path("/kuvat/k%201.svg").as_deref(), Some("/kuvat/k 1.svg"));
        assert_eq!(clean_path("/%C3%A4iti/").as_deref(), Some("/äiti/"));
        assert_eq!(clean_path("/a..b/").as_deref(), Some("/a..b/"));
        assert_eq!(encode_path("/äiti ja lapsi/"), "/%C3%A4iti%20ja%20lapsi/");
    }

    #[test]
    fn content_types() {
        assert_eq!(mime_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(mime_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(mime_type("kuvat/KANSI.SVG"), "image/svg+xml");
        assert_eq!(mime_type("sitemap.xml"), "application/xml; charset=utf-8");
        assert_eq!(mime_type("_redirects"), "text/plain; charset=utf-8");
        assert_eq!(mime_type("x.bin"), "application/octet-stream");
    }
}
