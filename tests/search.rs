//! Search (issue 3): relevance of Finnish queries through the CLI and the
//! browser client (which must agree on the top 3), agreement of the browser's
//! stemmer with tantivy's over the built site's whole vocabulary, and the
//! interactive search in headless Chromium.

mod support;

#[path = "support/server.rs"]
mod server;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use support::SiteTest;

/// (query, expected page in the top 3): inflections, compound parts, typos,
/// no-umlaut spellings and multi-word queries over the bundled handbook.
const QUERIES: &[(&str, &str)] = &[
    ("perhekeskus", "/kasikirja/mika-perhekeskus-on/"),
    ("perhekeskuksen", "/toimintamallit/pirkanmaan-perhekeskuksen-kasikirja/"),
    ("perhekeskuksessa", "/kasikirja/mika-perhekeskus-on/"),
    ("kotoutuminen", "/kasikirja/kotoutumisen-tuen-verkoston-kaynnistys/"),
    ("kotoutumisen", "/toimintamallit/perheiden-kotoutumisen-tuen-verkosto/"),
    ("kotoutumista", "/kasikirja/kotoutumisen-tuen-verkoston-kaynnistys/"),
    ("verkosto", "/kasikirja/viestinta/"),
    ("verkostojohtaminen", "/toimintamallit/verkostojohtaminen/"),
    ("johtaminen", "/kasikirja/verkostojohtaminen/"),
    ("toiminta", "/kasikirja/kotoutumisen-tuen-verkoston-kaynnistys/"),
    ("kotoutumsen", "/kasikirja/kotoutumisen-tuen-verkoston-kaynnistys/"),
    ("verkostojohtamnen", "/toimintamallit/verkostojohtaminen/"),
    ("kasikirja", "/toimintamallit/pirkanmaan-perhekeskuksen-kasikirja/"),
    ("tyopaja", "/kasikirja/kotoutumisen-tuen-verkoston-kaynnistys/"),
    ("kaytanto", "/toimintamallit/perheiden-kotoutumisen-tuen-verkosto/"),
    ("ohjausryhmä", "/kasikirja/verkostojohtaminen/"),
    ("ohjausryhmat", "/kasikirja/verkostojohtaminen/"),
    ("kommenttikierros", "/kasikirja/kasikirjan-tekeminen/"),
    ("kommenttikierroksella", "/kasikirja/kasikirjan-tekeminen/"),
    ("uutiskirje", "/kasikirja/viestinta/"),
    ("teams työtila", "/kasikirja/viestinta/"),
    ("kysely 64", "/kasikirja/kotoutumisen-tuen-verkoston-kaynnistys/"),
    ("alaverkostot", "/kasikirja/kotoutumisen-tuen-verkoston-kaynnistys/"),
    ("koordinaatioryhmä", "/kasikirja/verkostojohtaminen/"),
    ("setlementti tampere", "/toimintamallit/maahanmuuttajapalvelut-2017/"),
    ("vastaanottokeskuksesta kuntaan", "/kasikirja/maahanmuuttajaperheiden-palvelut/"),
    ("maahanmuuttajaperheiden palvelut", "/kasikirja/maahanmuuttajaperheiden-palvelut/"),
    ("pohjoinen alue", "/kasikirja/verkostojohtaminen/"),
];

fn tools() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn cli_top3(site: &SiteTest, q: &str) -> Vec<String> {
    let run = site.run(&["search", q, "--json", "--limit", "3"]).expect_ok();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    v.as_array().unwrap().iter().map(|r| r["url"].as_str().unwrap().to_string()).collect()
}

fn page_of(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

#[test]
fn cli_finds_finnish_forms_parts_typos_and_plain_letters() {
    let site = SiteTest::bundled();
    let mut failures = Vec::new();
    for (q, want) in QUERIES {
        let top = cli_top3(&site, q);
        if !top.iter().any(|u| page_of(u) == *want) {
            failures.push(format!("{q:?}: expected {want} in {top:?}"));
        }
    }
    assert!(QUERIES.len() >= 25);
    assert!(failures.is_empty(), "{} of {} queries failed:\n{}", failures.len(), QUERIES.len(), failures.join("\n"));
}

#[test]
fn cli_json_and_drafts() {
    let site = SiteTest::new()
        .file("content/a.md", "---\ntitle: Perhekeskusverkosto\n---\nVerkosto kokoontuu.\n")
        .file("content/b.md", "---\ntitle: Luonnos\ndraft: true\n---\nSalainen verkostosuunnitelma.\n");
    let run = site.run(&["search", "verkosto", "--json"]).expect_ok();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let first = &v[0];
    assert_eq!(first["title"], "Perhekeskusverkosto");
    assert!(first["score"].as_f64().unwrap() > 0.0 && first["excerpt"].as_str().unwrap().contains("[Verkosto]"), "{first}");
    assert_eq!(v.as_array().unwrap().len(), 1, "drafts are not searched: {v}");
    let with = site.run(&["search", "verkosto", "--json", "--drafts"]).expect_ok();
    assert!(with.stdout.contains("Luonnos"));
    assert!(site.run(&["search", "xyzzyq"]).expect_ok().stdout.contains("Ei hakutuloksia"));
}

#[test]
fn export_is_lazy_hashed_and_entry_last() {
    let site = SiteTest::bundled();
    site.build().expect_ok();
    let haku = site.out_path().join("haku");
    let entry: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(haku.join("hakemisto.json")).unwrap()).unwrap();
    let shards = entry["shards"].as_object().unwrap();
    assert!(shards.len() > 20, "the index is split into shards");
    let total: u64 = std::fs::read_dir(&haku).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    // A one-word query needs the entry, one shard and one chunk: a small part of the whole.
    let shard = haku.join(shards["kot"].as_str().unwrap());
    let chunk = haku.join(entry["docs"][0].as_str().unwrap());
    let first_query = std::fs::metadata(haku.join("hakemisto.json")).unwrap().len()
        + std::fs::metadata(&shard).unwrap().len()
        + std::fs::metadata(&chunk).unwrap().len();
    assert!(first_query * 2 < total, "first query fetches {first_query} of {total} bytes");
    for name in shards.values() {
        let name = name.as_str().unwrap();
        let body = std::fs::read(haku.join(name)).unwrap();
        assert!(name.contains(&handbook::search::export::hash(&body)), "{name} is content-hashed");
    }
}

#[test]
fn browser_stemmer_agrees_with_tantivy_on_the_whole_vocabulary() {
    let site = SiteTest::bundled();
    let (s, _) = handbook::site::Site::load(&handbook::site::Options::new(site.root())).unwrap();
    let index = s.search_index(&s.rendered_pages(), handbook::search::engine::KeepText::All).unwrap();
    let mut analyzer = handbook::search::analyze::analyzer();
    let mut vocab: BTreeMap<String, String> = BTreeMap::new();
    for d in &index.docs {
        let p = &index.pages[d.page];
        for text in [&d.text, &d.heading, &p.title] {
            for (w, stem) in handbook::search::analyze::words(&mut analyzer, text) {
                vocab.insert(w, stem);
            }
        }
    }
    assert!(vocab.len() > 800, "{}", vocab.len());
    let file = site.root().join("vocab.json");
    std::fs::write(&file, serde_json::to_vec(&vocab.into_iter().collect::<Vec<_>>()).unwrap()).unwrap();
    let stemmer = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/haku-stem.js");
    let out = Command::new("node").arg(tools().join("stems.mjs")).arg(&stemmer).arg(&file).output().expect("node");
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}");
    assert!(out.status.success() && text.contains(" 0 failed"), "{text}");
}

fn require_browser() {
    assert!(Path::new("/usr/bin/chromium").exists(), "Chromium missing: apt-get install chromium (see .ci/run)");
    assert!(tools().join("node_modules/playwright-core").is_dir(), "run `npm ci --prefix tests/browser --ignore-scripts`");
}

#[test]
fn browser_and_cli_agree_on_the_top_three() {
    require_browser();
    let site = SiteTest::bundled();
    site.build().expect_ok();
    let server = server::StaticServer::start(&site.out_path());
    let mut args = vec![tools().join("search.mjs").to_string_lossy().into_owned(), server.base.clone(), "queries".into()];
    args.extend(QUERIES.iter().map(|(q, _)| q.to_string()));
    let out = Command::new("node").args(&args).output().expect("node");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    let browser: BTreeMap<String, Vec<String>> = serde_json::from_str(text.trim()).expect("JSON from search.mjs");
    let mut failures = Vec::new();
    for (q, want) in QUERIES {
        let cli = cli_top3(&site, q);
        let web = &browser[*q];
        if !web.iter().any(|u| page_of(u) == *want) {
            failures.push(format!("{q:?}: browser misses {want}: {web:?}"));
        }
        let pages = |v: &[String]| v.iter().map(|u| page_of(u).to_string()).collect::<Vec<_>>();
        if pages(web) != pages(&cli) {
            failures.push(format!("{q:?}: browser {web:?} ≠ CLI {cli:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn searching_from_the_header_box_with_filter_and_keyboard() {
    require_browser();
    let site = SiteTest::bundled();
    site.build().expect_ok();
    let server = server::StaticServer::start(&site.out_path());
    let out = Command::new("node").arg(tools().join("search.mjs")).arg(&server.base).arg("interact").output().expect("node");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("{text}");
    assert!(out.status.success() && text.contains("search: ") && text.contains(" 0 failed"), "{text}");
}
