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
    // Typing errors in the first letters (under another prefix).
    ("eprhekeskus", "/kasikirja/mika-perhekeskus-on/"),
    ("vrkostojohtaminen", "/kasikirja/verkostojohtaminen/"),
    ("tyoapja", "/kasikirja/kotoutumisen-tuen-verkoston-kaynnistys/"),
    ("uutiskirej", "/kasikirja/viestinta/"),
    ("ohjasuryhmä", "/kasikirja/verkostojohtaminen/"),
    // A compound's last part.
    ("kierros", "/kasikirja/kasikirjan-tekeminen/"),
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
    let size = |name: &str| std::fs::metadata(haku.join(name)).unwrap().len();
    let mut total = 0;
    let mut names = Vec::new();
    for e in std::fs::read_dir(&haku).unwrap() {
        let e = e.unwrap();
        total += e.metadata().unwrap().len();
        names.push(e.file_name().to_string_lossy().into_owned());
    }
    // Every shard and the facets file are named by their own content's hash.
    for kind in ["terms", "tails", "keys"] {
        for row in entry[kind].as_array().unwrap() {
            let name = row[1].as_str().unwrap();
            assert!(name.contains(&handbook::search::export::hash(&std::fs::read(haku.join(name)).unwrap())), "{name}");
        }
    }
    let facets = entry["facets"].as_str().unwrap();
    assert!(facets.contains(&handbook::search::export::hash(&std::fs::read(haku.join(facets)).unwrap())));
    // Result chunks carry the hash of them all: every one the entry implies exists.
    let results = entry["results"]["hash"].as_str().unwrap();
    assert!(names.iter().any(|n| n == &format!("x-0-{results}.json")), "{names:?}");
    // Result chunks hold each section's anchor and heading, not its text: the
    // browser takes the excerpt from the page itself.
    for name in names.iter().filter(|n| n.starts_with("x-")) {
        let chunk: serde_json::Value = serde_json::from_slice(&std::fs::read(haku.join(name)).unwrap()).unwrap();
        let rows = chunk["d"].as_array().unwrap();
        assert!(!rows.is_empty() && rows.iter().all(|r| r.as_array().unwrap().len() == 2), "{name}: {chunk}");
    }
    // A one-word query needs the entry, one term shard, the facets and one result chunk.
    let terms = entry["terms"].as_array().unwrap();
    let first_query = size("hakemisto.json") + size(terms[0][1].as_str().unwrap()) + size(facets) + size(&format!("x-0-{results}.json"));
    assert!(first_query * 2 < total, "first query fetches {first_query} of {total} bytes");
    assert_eq!(entry["pages"], 13, "ten pages and three section pages with text");
}

#[test]
fn the_entry_file_is_written_after_everything_it_names() {
    // The staging sink records the order of writes through the file times: the
    // entry is the newest file of `haku/`.
    let site = SiteTest::bundled();
    site.build().expect_ok();
    let haku = site.out_path().join("haku");
    let mut files: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(&haku)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.metadata().unwrap().modified().unwrap(), e.file_name().to_string_lossy().into_owned())
        })
        .collect();
    files.sort();
    let entry_time = files.iter().find(|(_, n)| n == "hakemisto.json").unwrap().0;
    assert!(files.iter().filter(|(_, n)| n.ends_with(".bin")).all(|(t, _)| *t <= entry_time), "{files:?}");
}

#[test]
fn browser_stemmer_agrees_with_tantivy_on_the_whole_vocabulary() {
    let site = SiteTest::bundled();
    let (s, _) = handbook::site::Site::load(&handbook::site::Options::new(site.root())).unwrap();
    let (pages_md, sections_md) = s.rendered();
    let inputs = s.search_inputs(&pages_md, &sections_md);
    let index = s.search_index(&inputs, handbook::search::engine::Purpose::Queries).unwrap();
    let mut analyzer = handbook::search::analyze::analyzer();
    let mut vocab: BTreeMap<String, String> = BTreeMap::new();
    for d in &index.docs {
        let p = &index.pages[d.page];
        for text in [&d.text, &d.heading, &p.title, &inputs[d.page].meta_text] {
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

/// A site whose compounds' parts never occur on their own, a section page with
/// a word of its own, a long section, and enough model cards for paging and
/// filters. Returns the site and the number of pages with "yhteinen".
fn fixture_site() -> (SiteTest, usize) {
    let mut site = SiteTest::new()
        .file("content/_index.md", "---\ntitle: Etusivu\n---\nTervetuloa. Kotiseutumuseo mainitaan vain etusivulla.\n")
        .file("content/luvut/_index.md", "---\ntitle: Luvut\n---\n")
        .file("content/luvut/a.md", "---\ntitle: Perhekeskusverkosto\nweight: 1\n---\nPerhekeskusverkosto kokoontuu.\n")
        .file("content/luvut/b.md", "---\ntitle: Verkostojohtaminen\nweight: 2\n---\nVerkostojohtamisen malli.\n")
        .file("content/luvut/c.md", "---\ntitle: Perhekeskustoiminta\nweight: 3\n---\nPerhekeskustoimintaa kehitetään.\n")
        .file(
            "content/luvut/pitka.md",
            &format!(
                "---\ntitle: Pitkä luku\nweight: 4\n---\nJohdanto.\n\n## Osio\n\n{}\n\nLopussa on harvinaissana.\n\n## Toinen osio\n\nEri aihe.\n",
                "Tavallista tekstiä. ".repeat(200)
            ),
        )
        .file("content/mallit/_index.md", "---\ntitle: Mallit\npage_kind: model\n---\n");
    let mut yhteinen = 0;
    for i in 0..25 {
        let topics = ["[Alfa]", "[Beta]", "[Alfa, Beta]"][i % 3];
        let phase = ["kehitetty", "arvioitu"][i % 2];
        site = site.file(
            &format!("content/mallit/m{i:02}.md"),
            &format!("---\ntitle: Malli {i}\nphase: {phase}\ntopics: {topics}\n---\nYhteinen asia numero {i}.\n"),
        );
        yhteinen += 1;
    }
    (site, yhteinen)
}

#[test]
fn cli_finds_compound_parts_section_pages_and_long_sections() {
    let (site, _) = fixture_site();
    for (q, want) in [
        ("verkosto", vec!["/luvut/a/", "/luvut/b/"]),
        ("johtaminen", vec!["/luvut/b/"]),
        ("toiminta", vec!["/luvut/c/"]),
        ("perhekeskus", vec!["/luvut/a/", "/luvut/c/"]),
        ("kotiseutumuseo", vec!["/"]),
        ("harvinaissana", vec!["/luvut/pitka/#osio"]),
    ] {
        let top = cli_top3(&site, q);
        for w in want {
            assert!(top.iter().any(|u| u == w), "{q}: {w} not in {top:?}");
        }
    }
    let run = site.run(&["search", "harvinaissana"]).expect_ok();
    assert!(run.stdout.contains("[harvinaissana]"), "excerpt around a late match: {}", run.stdout);
}

#[test]
fn browser_finds_compound_parts_long_excerpts_pages_more_results_and_combines_filters() {
    require_browser();
    let (site, yhteinen) = fixture_site();
    site.build().expect_ok();
    let server = server::StaticServer::start(&site.out_path());
    let out = Command::new("node")
        .arg(tools().join("search.mjs"))
        .arg(&server.base)
        .arg("fixture")
        .arg(yhteinen.to_string())
        .output()
        .expect("node");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("{text}");
    assert!(out.status.success() && text.contains(" 0 failed"), "{text}");
}
