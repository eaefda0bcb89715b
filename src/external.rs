//! `check --external`: are the external links still alive? Each distinct URL
//! is requested once (HEAD, falling back to GET where servers refuse HEAD),
//! with a bounded number of parallel requests and a time limit per request.
//! Never part of a normal build: the network is slow, flaky and not ours.
//! Failures are explained in Finnish; the HTTP library's own (English) words
//! appear only as a marked technical reason.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Where a URL is used: (path, line, col, source text for the excerpt).
pub type Uses<'a> = Vec<(String, usize, usize, &'a str)>;

/// Limits for one run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub parallel: usize,
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { parallel: 8, timeout: Duration::from_secs(10) }
    }
}

/// Why a URL failed, in Finnish; `None` when it answered 2xx/3xx.
fn probe(agent: &ureq::Agent, url: &str) -> Option<String> {
    let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| r.map(|resp| resp.status().as_u16());
    let first = status(agent.head(url).call());
    let result = match first {
        // Some servers refuse or mishandle HEAD: ask again with GET.
        Ok(405 | 403 | 501) => status(agent.get(url).call()),
        other => other,
    };
    match result {
        Ok(code) if code < 400 => None,
        Ok(code) => Some(format!("palvelin vastasi HTTP {code}")),
        Err(e) => Some(reason(&e)),
    }
}

/// A Finnish reason for a failed request. Where the Finnish does not say it
/// all, the library's or operating system's own words follow as the
/// technical reason (`tekninen syy: …`), for whoever digs deeper.
fn reason(e: &ureq::Error) -> String {
    use std::io::ErrorKind;
    let detailed = |fi: &str, detail: &dyn std::fmt::Display| format!("{fi} (tekninen syy: {detail})");
    match e {
        ureq::Error::Timeout(_) => "palvelin ei vastannut ajoissa".into(),
        ureq::Error::TooManyRedirects => "liian monta uudelleenohjausta (osoite ohjaa kehässä tai liian monen osoitteen kautta)".into(),
        ureq::Error::RedirectFailed => "uudelleenohjausta ei voitu seurata".into(),
        ureq::Error::HostNotFound => "palvelimen nimeä ei löydy (tarkista osoitteen verkkotunnus)".into(),
        ureq::Error::ConnectionFailed => "palvelimeen ei saatu yhteyttä".into(),
        ureq::Error::Io(io) => {
            let fi = match io.kind() {
                ErrorKind::ConnectionRefused => "palvelin ei ottanut yhteyttä vastaan",
                ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => "palvelin katkaisi yhteyden",
                ErrorKind::TimedOut => "palvelin ei vastannut ajoissa",
                ErrorKind::UnexpectedEof => "yhteys katkesi kesken vastauksen",
                _ => "yhteys epäonnistui",
            };
            detailed(fi, io)
        }
        ureq::Error::BadUri(uri) => detailed("osoite ei kelpaa", uri),
        ureq::Error::Tls(_) | ureq::Error::Pem(_) | ureq::Error::Rustls(_) | ureq::Error::TlsRequired => {
            detailed("suojattua yhteyttä (TLS) ei voitu muodostaa", e)
        }
        ureq::Error::Protocol(_) | ureq::Error::Http(_) => detailed("palvelimen vastaus ei ollut kelvollista HTTP:tä", e),
        ureq::Error::BodyExceedsLimit(_) | ureq::Error::LargeResponseHeader(..) => "palvelimen vastaus oli liian suuri".into(),
        other => detailed("yhteys epäonnistui", other),
    }
}

/// Checks every URL in `uses`; returns one error per failing use.
pub fn check(uses: BTreeMap<String, Uses>, limits: Limits) -> (usize, Diagnostics) {
    let agent: ureq::Agent =
        ureq::Agent::config_builder().timeout_global(Some(limits.timeout)).http_status_as_error(false).max_redirects(5).build().into();
    let urls: Vec<&String> = uses.keys().collect();
    let next = Mutex::new(0usize);
    let failures: Mutex<BTreeMap<&str, String>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..limits.parallel.clamp(1, 32).min(urls.len().max(1)) {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap_or_else(|e| e.into_inner());
                    let i = *n;
                    *n += 1;
                    i
                };
                let Some(url) = urls.get(i) else { break };
                if let Some(why) = probe(&agent, url) {
                    failures.lock().unwrap_or_else(|e| e.into_inner()).insert(url.as_str(), why);
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut diags = Diagnostics::new();
    for (url, why) in &failures {
        for (path, line, col, text) in &uses[*url] {
            diags.push(
                Diagnostic::error(path, *line, *col, format!("ulkoinen linkki `{url}` ei toimi: {why}"))
                    .with_help("korjaa osoite, vaihda se toimivaan tai poista linkki")
                    .with_source(text),
            );
        }
    }
    (urls.len(), diags)
}
