//! `handbook serve`: builds the site into memory, serves it over HTTP, watches
//! the sources and rebuilds on every change, reloading open browser tabs.
//!
//! The parts: [`rebuild`] (full or page-level rebuilds into a [`Generation`]),
//! [`http`] (requests, path safety, content types), [`reload`] (server-sent
//! events, the reload script, the error overlay's data) and [`watch`] (notify,
//! ignore rules, debouncing). [`run`] sequences them on the calling thread and
//! reports what happens through [`Event`]s; it prints nothing itself and writes
//! nothing to disk: the output folder is neither written nor read.
//!
//! A body edit is published in two generations: first the edited page (the
//! browsers reload at once), then, when no further change is waiting, the print
//! page and search index that read every body (a quiet `update` event reloads
//! only tabs showing those). The follow-up runs on this same thread, so the
//! site state is never shared; a save during it waits for it to finish.

pub mod generation;
pub mod http;
pub mod rebuild;
pub mod reload;
pub mod watch;

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostics::Diagnostics;
use crate::site::Options;
pub use generation::Generation;
pub use rebuild::{BuildReport, Rebuilt, Success};

/// What the command line asks for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub drafts: bool,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
}

/// What happens, for the terminal.
pub enum Event<'a> {
    /// Serving at `url`.
    Started {
        url: &'a str,
    },
    Built(&'a BuildReport),
    /// The build failed; the last good site (or a placeholder) keeps being served.
    Failed(&'a Diagnostics),
    /// Watching hit a problem; serving goes on.
    WatchProblem(&'a str),
}

/// Why serving could not start (Finnish, for the terminal).
#[derive(Debug)]
pub struct ServeError(pub String);

/// `http://host:port/base/` for the bound address.
pub fn url(addr: SocketAddr, base_path: &str) -> String {
    let ip = match addr.ip() {
        // Bound to every address: the local one is the one to click.
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let host = match ip {
        IpAddr::V6(v6) => format!("[{v6}]"),
        IpAddr::V4(v4) => v4.to_string(),
    };
    format!("http://{host}:{}{base_path}/", addr.port())
}

/// Builds, serves and rebuilds until the process ends.
pub fn run(opts: &ServeOptions, report: &mut dyn FnMut(Event)) -> Result<(), ServeError> {
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| ServeError(format!("kansiota {} ei voitu avata ({})", opts.root.display(), crate::fsutil::io_reason(&e))))?;
    let addr = SocketAddr::new(opts.bind, opts.port);
    // Bound before the first build: a busy port fails at once, and browsers that
    // connect during the build wait in the backlog instead of seeing a placeholder.
    let listener = std::net::TcpListener::bind(addr).map_err(|e| ServeError(bind_error(addr, &e)))?;
    let addr = listener.local_addr().map_err(|e| ServeError(bind_error(addr, &e)))?;
    // Watching starts before the first build, so an edit made during it is not missed.
    let mut watcher = watch::Watcher::new(&root).map_err(|e| ServeError(e.message))?;
    let mut builder = rebuild::Builder::new(Options { root: root.clone(), drafts: opts.drafts, base_url: None, preview: None });
    let shared = Arc::new(http::Shared::new(Generation::placeholder()));
    let mut base_path = String::new();
    if let Some(g) = rebuild_into(&mut builder, None, &shared, report) {
        base_path = g.base_path().to_string();
    }
    http::start(listener, shared.clone()).map_err(|e| ServeError(bind_error(addr, &e)))?;
    let url = url(addr, &base_path);
    report(Event::Started { url: &url });
    if opts.open {
        open_browser(&url);
    }
    loop {
        let batch = if builder.has_follow_up() { watcher.try_batch() } else { watcher.next_batch().map(Some) };
        match batch {
            Ok(Some(changed)) => {
                rebuild_into(&mut builder, Some(&changed), &shared, report);
            }
            Ok(None) => follow_up(&mut builder, &shared, report),
            Err(e) if e.fatal => return Err(ServeError(e.message)),
            Err(e) => report(Event::WatchProblem(&e.message)),
        }
    }
}

fn bind_error(addr: SocketAddr, e: &std::io::Error) -> String {
    let help = match e.kind() {
        std::io::ErrorKind::AddrInUse => {
            "portti on jo käytössä (onko toinen `handbook serve` auki?): valitse toinen, esim. `--port 1112`, tai `--port 0`"
        }
        std::io::ErrorKind::AddrNotAvailable => "osoite ei kuulu tälle koneelle: käytä `--bind 127.0.0.1`",
        std::io::ErrorKind::PermissionDenied => "alle 1024:n portit vaativat pääkäyttäjän oikeudet: valitse suurempi portti",
        _ => "valitse toinen portti valitsimella `--port`",
    };
    format!("palvelinta ei voitu käynnistää osoitteeseen {addr} ({})\n  = help: {help}", crate::fsutil::io_reason(e))
}

/// Rebuilds (fully when `changed` is `None`), then publishes and reloads or reports the errors.
/// Returns the generation now served when the rebuild succeeded.
fn rebuild_into(
    builder: &mut rebuild::Builder,
    changed: Option<&BTreeSet<PathBuf>>,
    shared: &http::Shared,
    report: &mut dyn FnMut(Event),
) -> Option<Arc<Generation>> {
    let result = match changed {
        None => builder.full(),
        Some(c) => builder.update(c, &shared.current()),
    };
    match result {
        Ok(Success { generation, report: done }) => {
            let number = generation.number;
            shared.publish(generation);
            shared.hub.reload(number);
            report(Event::Built(&done));
            Some(shared.current())
        }
        Err(d) => {
            shared.hub.error(&d);
            report(Event::Failed(&d));
            None
        }
    }
}

/// The work a rebuild left for later; a new generation it makes is published
/// quietly: only tabs showing a page it changed reload.
fn follow_up(builder: &mut rebuild::Builder, shared: &http::Shared, report: &mut dyn FnMut(Event)) {
    match builder.follow_up(&shared.current()) {
        None => {}
        Some(Ok(Success { generation, report: done })) => {
            let number = generation.number;
            let pages: Vec<String> = match &done.rebuilt {
                Rebuilt::SearchAndPrint { pages } => {
                    pages.iter().map(|p| http::encode_path(&format!("{}{p}", generation.base_path()))).collect()
                }
                _ => Vec::new(),
            };
            shared.publish(generation);
            shared.hub.update(number, &pages);
            report(Event::Built(&done));
        }
        Some(Err(d)) => {
            shared.hub.error(&d);
            report(Event::Failed(&d));
        }
    }
}

/// Tries the desktop's opener; a missing one is not an error worth stopping for.
fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(cmd)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
