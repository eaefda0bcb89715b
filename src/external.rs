//! `check --external`: are the external links still alive? Each distinct URL
//! is requested once (HEAD, falling back to GET where servers refuse HEAD),
//! with a bounded number of parallel requests and a time limit per request.
//! Never part of a normal build: the network is slow, flaky and not ours.

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
        Err(ureq::Error::Timeout(_)) => Some("palvelin ei vastannut ajoissa".into()),
        Err(e) => Some(format!("yhteys epäonnistui ({e})")),
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
