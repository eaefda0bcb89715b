//! Live reload: the server-sent-events hub, the reload script and how it is
//! added to HTML responses.
//!
//! [`Hub`] remembers the current state (the number of the last generation every
//! tab had to reload for, the pages later quiet generations changed and, if the
//! last rebuild failed, its errors as JSON) and fans events out to connected
//! browsers: `reload` (every tab reloads), `update` (a quiet generation: only
//! tabs showing one of its pages reload), `build-error`, and `hello` with the
//! state for a tab that just connected. Each browser's stream gets its own small thread
//! and a bounded queue, so a slow or vanished browser never holds up the
//! request workers or the other browsers: a failed write, a full queue or a
//! heartbeat that cannot be written drops it. Diagnostics travel as JSON and
//! the script builds the overlay with DOM APIs (they may contain editor text).
//! The script is a separate file, never inline, so a strict CSP keeps working.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::diagnostics::{Diagnostics, Severity};

/// Where the reload script and the event stream are served.
pub const SCRIPT_PATH: &str = "/__handbook/reload.js";
pub const EVENTS_PATH: &str = "/__handbook/events";
pub const SCRIPT: &str = include_str!("reload.js");

/// Browsers beyond this many get 503 (each stream holds a thread).
pub const MAX_CLIENTS: usize = 64;
const HEARTBEAT: Duration = Duration::from_secs(10);
const QUEUE: usize = 16;

struct Client {
    tx: SyncSender<Arc<str>>,
    alive: Arc<AtomicBool>,
}

#[derive(Default)]
struct State {
    /// The last generation every tab had to reload for.
    build: u64,
    /// The generation served now (`build` or a later quiet one).
    latest: u64,
    /// URL paths the quiet generations after `build` changed, with the last of them that did.
    updated: BTreeMap<String, u64>,
    /// The `build-error` event of the failing rebuild, if the last one failed.
    error: Option<Arc<str>>,
    clients: Vec<Client>,
}

/// Connected browsers and what they should know when they connect.
#[derive(Default)]
pub struct Hub {
    state: Mutex<State>,
}

/// The stream's own response head: written by hand because the body never ends.
const HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\n\
X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 1000\n\n";

fn event(name: &str, data: &str) -> Arc<str> {
    Arc::from(format!("event: {name}\ndata: {data}\n\n"))
}

impl Hub {
    pub fn new() -> Hub {
        Hub::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked: every update is one assignment.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Browsers currently connected (those that went away are pruned first).
    pub fn client_count(&self) -> usize {
        let mut st = self.lock();
        st.clients.retain(|c| c.alive.load(Ordering::Acquire));
        st.clients.len()
    }

    /// Streams events to `writer` on a thread of its own; `false` when full.
    pub fn subscribe<W: Write + Send + 'static>(&self, writer: W) -> bool {
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let alive = Arc::new(AtomicBool::new(true));
        let mut st = self.lock();
        st.clients.retain(|c| c.alive.load(Ordering::Acquire));
        if st.clients.len() >= MAX_CLIENTS {
            return false;
        }
        let mut first = vec![event("hello", &hello_json(&st))];
        first.extend(st.error.clone());
        let flag = alive.clone();
        let spawned = std::thread::Builder::new().name("sse".into()).spawn(move || {
            pump(writer, &first, &rx);
            flag.store(false, Ordering::Release);
        });
        if spawned.is_err() {
            return false;
        }
        st.clients.push(Client { tx, alive });
        true
    }

    /// A new generation is being served: every browser reloads.
    pub fn reload(&self, build: u64) {
        let mut st = self.lock();
        st.build = build;
        st.latest = build;
        st.updated.clear();
        st.error = None;
        broadcast(&mut st, event("reload", &format!("{{\"build\":{build}}}")));
    }

    /// A quiet generation is being served: only tabs showing one of `paths`
    /// (URL paths as a browser's `location.pathname` has them) reload.
    pub fn update(&self, build: u64, paths: &[String]) {
        let mut st = self.lock();
        st.latest = build;
        for p in paths {
            st.updated.insert(p.clone(), build);
        }
        let data = serde_json::json!({ "build": build, "paths": paths });
        broadcast(&mut st, event("update", &data.to_string()));
    }

    /// The last rebuild failed: every browser shows the errors over the old page.
    pub fn error(&self, diags: &Diagnostics) {
        let msg = event("build-error", &error_json(diags));
        let mut st = self.lock();
        st.error = Some(msg.clone());
        broadcast(&mut st, msg);
    }
}

/// `{"build":R}`, or with quiet generations since `R`:
/// `{"build":R,"latest":G,"paths":{"/tulosta/":G}}`. A tab whose page came from
/// generation `g` reloads when `g` is older than `build` or than its path's entry
/// (it missed a reload), or newer than `latest` (the server was restarted).
fn hello_json(st: &State) -> String {
    if st.latest == st.build && st.updated.is_empty() {
        return format!("{{\"build\":{}}}", st.build);
    }
    serde_json::json!({ "build": st.build, "latest": st.latest, "paths": st.updated }).to_string()
}

fn broadcast(st: &mut State, msg: Arc<str>) {
    st.clients.retain(|c| match c.tx.try_send(msg.clone()) {
        Ok(()) => true,
        // A browser that cannot keep up reconnects and gets the current state anyway.
        Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => false,
    });
}

/// Writes the head and events until a write fails or the hub lets go.
fn pump<W: Write>(mut w: W, first: &[Arc<str>], rx: &Receiver<Arc<str>>) {
    let mut send = |bytes: &[u8]| w.write_all(bytes).and_then(|()| w.flush()).is_ok();
    if !send(HEAD.as_bytes()) || !first.iter().all(|m| send(m.as_bytes())) {
        return;
    }
    loop {
        let ok = match rx.recv_timeout(HEARTBEAT) {
            Ok(msg) => send(msg.as_bytes()),
            Err(RecvTimeoutError::Timeout) => send(b": \n\n"),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if !ok {
            return;
        }
    }
}

/// The errors of a failed build for the overlay: `{"errors":[{path,line,col,message,help}]}`.
pub fn error_json(diags: &Diagnostics) -> String {
    let errors: Vec<serde_json::Value> = diags
        .clone()
        .sorted()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            serde_json::json!({
                "path": d.path,
                "line": d.line.max(1),
                "col": d.col.max(1),
                "message": d.message,
                "help": d.help,
                "source": d.source_line,
            })
        })
        .collect();
    serde_json::json!({ "errors": errors }).to_string()
}

/// The tag added to HTML responses; `build` lets a page notice it missed a reload.
pub fn script_tag(build: u64) -> String {
    format!("<script src=\"{SCRIPT_PATH}\" data-build=\"{build}\" defer></script>")
}

/// `html` with the script tag before its last `</body>` (or at the end).
pub fn inject(html: &[u8], build: u64) -> Vec<u8> {
    let tag = script_tag(build);
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostic;

    #[test]
    fn injects_before_the_last_body_end_tag() {
        let out = String::from_utf8(inject(b"<html><body><p>&lt;/body&gt;</p></BODY></html>", 3)).unwrap();
        assert_eq!(out, format!("<html><body><p>&lt;/body&gt;</p>{}</BODY></html>", script_tag(3)));
        let out = String::from_utf8(inject(b"<p>ei runkoa", 1)).unwrap();
        assert!(out.ends_with("defer></script>"), "{out}");
    }

    #[test]
    fn errors_become_json_with_positions_and_no_markup_interpretation() {
        let d = Diagnostic::error("content/a.md", 3, 2, "<script>alert(1)</script>").with_help("korjaa");
        let json: serde_json::Value = serde_json::from_str(&error_json(&d.into())).unwrap();
        assert_eq!(json["errors"][0]["path"], "content/a.md");
        assert_eq!(json["errors"][0]["line"], 3);
        assert_eq!(json["errors"][0]["message"], "<script>alert(1)</script>");
    }

    /// A writer standing in for a browser: records what it got, or fails.
    #[derive(Clone, Default)]
    struct Browser(Arc<Mutex<Vec<u8>>>, bool);

    impl Write for Browser {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.1 {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn wait_for(mut cond: impl FnMut() -> bool) {
        let end = std::time::Instant::now() + Duration::from_secs(5);
        while !cond() {
            assert!(std::time::Instant::now() < end, "timed out");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn browsers_get_state_and_events_and_gone_ones_are_dropped() {
        let hub = Hub::new();
        hub.error(&Diagnostic::error("content/a.md", 1, 1, "rikki").into());
        let ok = Browser::default();
        assert!(hub.subscribe(ok.clone()));
        assert!(hub.subscribe(Browser(Default::default(), true)));
        wait_for(|| hub.client_count() == 1);
        hub.reload(2);
        let got = || String::from_utf8(ok.0.lock().unwrap().clone()).unwrap();
        wait_for(|| got().contains("event: reload\ndata: {\"build\":2}"));
        let text = got();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream"), "{text}");
        assert!(text.contains("event: hello\ndata: {\"build\":0}\n\nevent: build-error\ndata: {\"errors\":[{"), "{text}");
    }

    #[test]
    fn quiet_generations_reach_only_their_pages_and_late_tabs_learn_of_them() {
        let hub = Hub::new();
        hub.reload(4);
        let early = Browser::default();
        assert!(hub.subscribe(early.clone()));
        hub.update(5, &["/haku/".into(), "/tulosta/".into()]);
        let got = || String::from_utf8(early.0.lock().unwrap().clone()).unwrap();
        wait_for(|| got().contains("event: update\ndata: {\"build\":5,\"paths\":[\"/haku/\",\"/tulosta/\"]}"));
        assert!(!got().contains("event: reload"), "{}", got());
        let late = Browser::default();
        assert!(hub.subscribe(late.clone()));
        let hello = r#"event: hello
data: {"build":4,"latest":5,"paths":{"/haku/":5,"/tulosta/":5}}"#;
        wait_for(|| String::from_utf8(late.0.lock().unwrap().clone()).unwrap().contains(hello));
        hub.reload(6);
        let again = Browser::default();
        assert!(hub.subscribe(again.clone()));
        wait_for(|| String::from_utf8(again.0.lock().unwrap().clone()).unwrap().contains("event: hello\ndata: {\"build\":6}\n"));
    }
}
