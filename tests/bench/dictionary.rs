//! Benchmark of the search dictionary (`Dictionary::with_counts`), the
//! largest step of our own code in a build: on the 10,000-page corpus it
//! cuts, numbers and counts about 10 million words, some 14 % of the whole
//! build's CPU time (BENCHMARKS.md). A build measures it only among
//! everything else; this measures it alone, as the median of several runs
//! over the same texts, so that a change to it shows through the noise.
//!
//! The texts are the corpus's page bodies cut at their `## ` headings, each
//! with its heading line as a text of its own, as the search index has a
//! section's heading and text (here with their Markdown marks, which the
//! dictionary skips as it skips any punctuation).
//!
//! `cargo run --release --example dictionary -- SITE_DIR [RUNS=7]`

use std::time::Instant;

use handbook::search::analyze::Dictionary;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(site) = args.get(1) else {
        eprintln!("käyttö: dictionary SIVUSTO [AJOJA=7]");
        std::process::exit(2);
    };
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(7).max(1);
    let mut owned: Vec<String> = Vec::new();
    for entry in walkdir::WalkDir::new(std::path::Path::new(site).join("content")).sort_by_file_name().into_iter().filter_map(Result::ok) {
        if entry.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        let body = text.splitn(3, "---\n").nth(2).unwrap_or_default();
        for section in body.split("\n## ") {
            owned.push(section.lines().next().unwrap_or_default().to_string());
            owned.push(section.to_string());
        }
    }
    if owned.is_empty() {
        eprintln!("{site}/content: ei Markdown-tiedostoja; tee aineisto ensin: cargo run --release --example gen_corpus -- 10000 {site}");
        std::process::exit(2);
    }
    let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let mut ms: Vec<f64> = Vec::with_capacity(runs);
    let (mut terms, mut words) = (0, 0);
    for _ in 0..runs {
        let started = Instant::now();
        let (dict, counted) = Dictionary::with_counts(&texts);
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
        terms = dict.terms.len();
        words = counted.iter().map(|c| c.len as usize).sum();
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "{} tekstiä, {:.1} Mt, {} sanaa, {} termiä; with_counts mediaani {:.1} ms ({:.1}–{:.1} ms, {} ajoa, {} säiettä)",
        texts.len(),
        bytes as f64 / 1e6,
        words,
        terms,
        ms[ms.len() / 2],
        ms[0],
        ms[ms.len() - 1],
        runs,
        rayon::current_num_threads()
    );
}
