//! Integration tests of `handbook serve` over real sockets on 127.0.0.1: path
//! safety, methods and content types, byte-identity with `build`, live reload,
//! failed rebuilds with the error overlay's data, and many connections at once.

mod support;

use std::io::{BufReader, Write};
use std::time::{Duration, Instant};

use support::serve::{read_response, strip_reload_tag};
use support::{snapshot, SiteTest};

const RELOAD: Duration = Duration::from_secs(2);
const QUIET: Duration = Duration::from_millis(700);

fn small_site() -> SiteTest {
    SiteTest::new()
        .file("content/luvut/_index.md", "---\ntitle: Luvut\n---\nLukujen johdanto.\n")
        .file("content/luvut/a.md", "---\ntitle: Ensimmäinen\nweight: 1\ntopics: [Perhekeskus]\n---\n## Alku\n\nVanha teksti.\n")
        .file("content/luvut/b.md", "---\ntitle: Toinen\nweight: 2\naliases: [/vanha-b/]\n---\nKatso [ensimmäinen](a.md#alku).\n")
        .file("content/luvut/kuvat/kuva.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        .file("content/mallit/_index.md", "---\ntitle: Toimintamallit\npage_kind: model\n---\n")
        .file("content/mallit/malli.md", "---\ntitle: Malli\nphase: kehitetty\n---\n## Ratkaisun perusidea\n\nTeksti.\n")
}

fn write(site: &SiteTest, rel: &str, text: &str) {
    let p = site.root().join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn traversal_in_every_spelling_is_404_and_only_get_and_head_are_allowed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("salaisuus.txt"), "SALAINEN").unwrap();
    let site = small_site();
    std::fs::create_dir_all(site.root().join("public")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(outside.path().join("salaisuus.txt"), site.root().join("content/vuoto.txt")).unwrap();
        symlink(outside.path(), site.root().join("content/linkki")).unwrap();
        symlink(outside.path().join("salaisuus.txt"), site.root().join("public/vuoto.txt")).unwrap();
    }
    let server = site.serve();
    let secret_abs = outside.path().join("salaisuus.txt").display().to_string();
    let table = [
        "/../Cargo.toml",
        "/../../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2f..%2fetc/passwd",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/..\\..\\etc\\passwd",
        "/..%5c..%5cetc%5cpasswd",
        "/%00",
        "/luvut/a/%00",
        "//etc/passwd",
        "/luvut//a/",
        "/./luvut/a/",
        "/luvut/a/../../handbook.yaml",
        "/luvut/%2e%2e/handbook.yaml",
        "/handbook.yaml",
        "/content/luvut/a.md",
        "/vuoto.txt",
        "/linkki/salaisuus.txt",
        "/public/vuoto.txt",
        &secret_abs,
        "http://127.0.0.1/../etc/passwd",
    ];
    for target in table {
        let r = server.get(target);
        assert_eq!(r.status, 404, "{target}: {}", r.text());
        assert!(!r.text().contains("SALAINEN") && !r.text().contains("root:"), "{target} leaked");
    }
    let raw_nul = server.raw(b"GET /\0 HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert_ne!(raw_nul.status, 200);

    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let r = server.request(method, "/");
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("Allow"), Some("GET, HEAD"));
    }
    let get = server.get("/luvut/a/");
    let head = server.request("HEAD", "/luvut/a/");
    assert_eq!((get.status, head.status), (200, 200));
    assert!(head.body.is_empty());
    assert_eq!(head.header("Content-Length"), Some(get.body.len().to_string().as_str()));

    for (target, mime) in [
        ("/", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/luvut/kuvat/kuva.svg", "image/svg+xml"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/__handbook/reload.js", "text/javascript; charset=utf-8"),
    ] {
        let r = server.get(target);
        assert_eq!((r.status, r.header("Content-Type")), (200, Some(mime)), "{target}");
        assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    }
    let redirect = server.get("/luvut/a?x=1");
    assert_eq!((redirect.status, redirect.header("Location")), (301, Some("/luvut/a/")));
    let missing = server.get("/ei-ole/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Sivua ei löytynyt") && missing.text().contains("/__handbook/reload.js"));
    assert!(server.url.starts_with("http://127.0.0.1:"), "binds 127.0.0.1 by default: {}", server.url);
}

#[test]
fn serves_byte_for_byte_what_build_writes_also_after_edits() {
    let site = small_site();
    let server = site.serve();
    let previous = std::cell::RefCell::new(std::collections::BTreeMap::new());
    let compare = |when: &str| {
        site.build().expect_ok();
        let files = snapshot(&site.out_path());
        assert!(files.len() > 10, "{when}: {files:?}");
        // Files an earlier build wrote and this one does not (the search index's
        // names carry a hash of their content) are not served either.
        for gone in previous.borrow().keys().filter(|k| !files.contains_key(*k)) {
            assert_eq!(server.get(&format!("/{gone}")).status, 404, "{when}: {gone} is still served");
        }
        previous.replace(files.clone());
        for (rel, bytes) in &files {
            let r = server.get(&format!("/{rel}"));
            assert_eq!(r.status, 200, "{when}: {rel}");
            if rel.ends_with(".html") {
                let tags = r.text().matches("<script src=\"/__handbook/reload.js\"").count();
                assert_eq!(tags, 1, "{when}: {rel} has {tags} reload tags");
                assert!(r.text().contains("defer></script></body>"), "{when}: {rel}");
            } else {
                assert!(!r.text().contains("__handbook"), "{when}: {rel} got a script");
            }
            assert!(strip_reload_tag(&r.body) == *bytes, "{when}: {rel} differs from build:\n{}", r.text());
        }
        assert!(!String::from_utf8_lossy(&std::fs::read(site.out_path().join("index.html")).unwrap()).contains("__handbook"));
    };
    compare("first build");

    // A body edit takes the page-only path; a title edit the full one.
    let mut events = server.events();
    events.expect("hello", RELOAD);
    write(
        &site,
        "content/luvut/a.md",
        "---\ntitle: Ensimmäinen\nweight: 1\ntopics: [Perhekeskus]\n---\n## Alku\n\nUusi teksti.\n\n## Loppu\n",
    );
    events.expect("reload", RELOAD);
    // The search index and the print page follow in a generation of their own.
    events.expect("update", RELOAD);
    compare("after a body edit");
    write(&site, "content/luvut/a.md", "---\ntitle: Ensimmäinen luku\nweight: 1\ntopics: [Perhekeskus]\n---\n## Alku\n\nUusi teksti.\n");
    events.expect("reload", RELOAD);
    compare("after a title edit");
    write(&site, "content/luvut/kuvat/kuva.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>uusi</title></svg>");
    events.expect("reload", RELOAD);
    compare("after an asset edit");
    let out = server.output();
    assert!(out.contains("1 sivu: /luvut/a/"), "{out}");
    assert!(out.contains("+ haku, tulostussivu"), "{out}");
    assert!(out.contains("koko sivusto"), "{out}");
    assert!(out.contains("1 tiedosto: luvut/kuvat/kuva.svg"), "{out}");
}

#[test]
fn an_edit_reloads_within_two_seconds_and_editor_files_do_not() {
    let site = small_site();
    let mut server = site.serve();
    let mut events = server.events();
    let hello = events.expect("hello", RELOAD);
    assert_eq!(hello, "{\"build\":1}");

    let saved = Instant::now();
    // (The `## Alku` heading stays: b.md links to it, and a broken anchor is an error.)
    write(&site, "content/luvut/a.md", "---\ntitle: Ensimmäinen\nweight: 1\n---\n## Alku\n\nTallennettu muutos.\n");
    assert_eq!(events.expect("reload", RELOAD), "{\"build\":2}");
    assert!(saved.elapsed() < RELOAD, "{:?}", saved.elapsed());
    assert!(server.get("/luvut/a/").text().contains("Tallennettu muutos."));
    assert!(server.get("/luvut/a/").text().contains("data-build=\"2\""));
    server.wait_output("rakennettu", RELOAD);

    // Swap, backup and temp files, and anything outside the sources, are not changes.
    for rel in
        ["content/luvut/.a.md.swp", "content/luvut/a.md~", "content/luvut/4913", "content/.#a.md", "public/index.html", "muistiinpanot.md"]
    {
        write(&site, rel, "x");
    }
    assert_eq!(events.next(QUIET), None, "an ignored file caused a rebuild");

    // Theme, configuration, new and removed pages all rebuild.
    write(&site, "themes/default/static/style.css", "body { color: #123456 }\n");
    events.expect("reload", RELOAD);
    assert!(server.get("/style.css").text().contains("#123456"));
    write(&site, "handbook.yaml", "title: Uusi nimi\nbase_url: https://example.org/\n");
    events.expect("reload", RELOAD);
    assert!(server.get("/").text().contains("Uusi nimi"));
    write(&site, "content/luvut/uusi.md", "---\ntitle: Uusi luku\n---\nUusi.\n");
    events.expect("reload", RELOAD);
    assert_eq!(server.get("/luvut/uusi/").status, 200);
    std::fs::remove_file(site.root().join("content/luvut/uusi.md")).unwrap();
    events.expect("reload", RELOAD);
    assert_eq!(server.get("/luvut/uusi/").status, 404);
    assert!(!site.root().join("public/luvut").exists(), "serve wrote files");
}

#[test]
fn a_broken_edit_shows_errors_and_keeps_the_old_site_until_fixed() {
    let site = small_site();
    let mut server = site.serve();
    let mut events = server.events();
    events.expect("hello", RELOAD);

    // A front-matter error: the full path.
    write(&site, "content/luvut/a.md", "---\ntitle: Ensimmäinen\nweight: kymmenen\n---\nRikki.\n");
    let data = events.expect("build-error", RELOAD);
    let json: serde_json::Value = serde_json::from_str(&data).unwrap();
    let first = &json["errors"][0];
    assert_eq!((first["path"].as_str(), first["line"].as_u64(), first["col"].as_u64()), (Some("content/luvut/a.md"), Some(3), Some(1)));
    assert!(first["message"].as_str().unwrap().contains("`weight`"), "{data}");
    server.wait_output("content/luvut/a.md:3:1: virhe:", RELOAD);
    server.wait_output("rakentaminen epäonnistui", RELOAD);
    let page = server.get("/luvut/a/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Vanha teksti.") && page.text().contains("data-build=\"1\""));
    // A tab opened now learns about the errors at once.
    let mut late = server.events();
    late.expect("hello", RELOAD);
    late.expect("build-error", RELOAD);

    write(&site, "content/luvut/a.md", "---\ntitle: Ensimmäinen\nweight: 1\n---\n## Alku\n\nKorjattu.\n");
    events.expect("reload", RELOAD);
    assert!(server.get("/luvut/a/").text().contains("Korjattu."));
    let mut fresh = server.events();
    fresh.expect("hello", RELOAD);
    assert_eq!(fresh.next(QUIET), None, "errors of a fixed build are still sent");

    // A broken link in the body only: the page-only path fails the same way.
    write(&site, "content/luvut/a.md", "---\ntitle: Ensimmäinen\nweight: 1\n---\n## Alku\n\nKorjattu.\n\n[rikki](puuttuu.md)\n");
    let data = events.expect("build-error", RELOAD);
    let json: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!((json["errors"][0]["path"].as_str(), json["errors"][0]["line"].as_u64()), (Some("content/luvut/a.md"), Some(9)), "{data}");
    assert!(server.get("/luvut/a/").text().contains("Korjattu.") && !server.get("/luvut/a/").text().contains("rikki"));
    // An asset saved while the page is broken still arrives with the fix.
    write(&site, "content/luvut/kuvat/kuva.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>uusi</title></svg>");
    events.expect("build-error", RELOAD);
    write(&site, "content/luvut/a.md", "---\ntitle: Ensimmäinen\nweight: 1\n---\n## Alku\n\nKorjattu taas.\n\n[ehjä](b.md)\n");
    events.expect("reload", RELOAD);
    assert!(server.get("/luvut/a/").text().contains("Korjattu taas."));
    assert!(server.get("/luvut/kuvat/kuva.svg").text().contains("uusi"));
}

#[test]
fn the_first_build_may_fail_and_the_server_still_starts() {
    let site = SiteTest::new().file("content/a.md", "---\ntitle: A\nfundr: x\n---\n");
    let server = site.serve();
    let mut events = server.events();
    events.expect("hello", RELOAD);
    assert!(events.expect("build-error", RELOAD).contains("fundr"));
    let page = server.get("/");
    assert!(page.text().contains("Sivustoa ei voitu rakentaa") && page.text().contains("/__handbook/reload.js"));
    write(&site, "content/a.md", "---\ntitle: A\n---\n");
    events.expect("reload", RELOAD);
    assert!(server.get("/a/").status == 200);
}

#[test]
fn many_connections_at_once_and_stuck_ones_block_nothing() {
    let site = small_site();
    let server = site.serve();
    // Connections that never finish a request, or send nonsense, or just listen.
    let mut idle = server.connect();
    let mut half = server.connect();
    half.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    let mut garbage = server.connect();
    garbage.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0xff, 0xfe, b'x', b'y']).unwrap();
    let bad = server.raw(b"NONSENSE\r\n\r\n");
    assert_eq!(bad.status, 400);
    let listeners: Vec<_> = (0..10).map(|_| server.events()).collect();
    let mut events = server.events();
    events.expect("hello", RELOAD);

    // Rebuilds during the load: every answer is a whole page, old or new.
    let editor = {
        let root = site.root().to_path_buf();
        std::thread::spawn(move || {
            for i in 0..10 {
                std::thread::sleep(Duration::from_millis(50));
                let text = format!("---\ntitle: Ensimmäinen\nweight: 1\n---\n## Alku\n\nVersio {i}.\n");
                std::fs::write(root.join("content/luvut/a.md"), text).unwrap();
            }
        })
    };
    let started = Instant::now();
    let workers: Vec<_> = (0..40)
        .map(|t| {
            let addr = server.addr;
            std::thread::spawn(move || {
                let stream = std::net::TcpStream::connect(addr).unwrap();
                stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
                let mut w = stream.try_clone().unwrap();
                let mut r = BufReader::new(stream);
                let mut errors = Vec::new();
                for i in 0..10 {
                    let (target, want) = [("/luvut/a/", 200), ("/style.css", 200), ("/", 200), ("/ei-ole/", 404)][(t + i) % 4];
                    let close = if i == 9 { "Connection: close\r\n" } else { "" };
                    write!(w, "GET {target} HTTP/1.1\r\nHost: {addr}\r\n{close}\r\n").unwrap();
                    match read_response(&mut r, false) {
                        Ok(resp) if resp.status == want => {
                            let text = resp.text();
                            if target.ends_with('/') && !text.trim_end().ends_with("</html>") {
                                errors.push(format!("{target}: cut short"));
                            }
                            if target == "/luvut/a/" && !(text.contains("Vanha teksti.") || text.contains("Versio ")) {
                                errors.push(format!("{target}: neither old nor new"));
                            }
                        }
                        Ok(resp) => errors.push(format!("{target}: {}", resp.status)),
                        Err(e) => errors.push(format!("{target}: {e}")),
                    }
                }
                errors
            })
        })
        .collect();
    let errors: Vec<String> = workers.into_iter().flat_map(|w| w.join().unwrap()).collect();
    editor.join().unwrap();
    assert_eq!(errors, Vec::<String>::new());
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    events.expect("reload", RELOAD);
    while events.next(QUIET).is_some() {}

    // Browsers that went away are dropped; the stuck connections are still harmless.
    drop(listeners);
    write(&site, "content/luvut/a.md", "---\ntitle: Ensimmäinen\nweight: 1\n---\n## Alku\n\nLopuksi.\n");
    events.expect("reload", RELOAD);
    assert!(server.get("/luvut/a/").text().contains("Lopuksi."));
    let _ = (idle.flush(), half.flush(), garbage.flush());
}

#[test]
fn the_readme_starts_with_serve_and_its_options_parse() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme.split("## Kaksi komentoa").nth(1).and_then(|s| s.split("```sh\n").nth(1)).unwrap();
    let first = block.lines().find(|l| !l.starts_with('#') && !l.trim().is_empty()).unwrap();
    assert_eq!(first, "cargo run --release -- serve");
    assert!(readme.contains("tests/bench/serve-reload.sh"));
    let site = SiteTest::new();
    let help = site.run(&["serve", "--help"]).expect_ok();
    for flag in ["--root", "--port", "--bind", "--drafts", "--open"] {
        assert!(help.stdout.contains(flag), "{flag} missing:\n{}", help.stdout);
    }
    assert_eq!(site.run(&["serve", "--port", "ei-numero"]).code, 2);
    assert_eq!(site.run(&["serve", "--bind", "ei-osoite"]).code, 2);
}

#[test]
fn the_reload_script_builds_an_accessible_overlay_from_json() {
    // tests/browser/reload_overlay.cjs runs the script against a stand-in DOM; it needs
    // Node.js (installed by .ci/run). A missing Node fails the test: never a silent skip.
    let dir = env!("CARGO_MANIFEST_DIR");
    let out = std::process::Command::new("node")
        .arg(format!("{dir}/tests/browser/reload_overlay.cjs"))
        .arg(format!("{dir}/src/serve/reload.js"))
        .output()
        .expect("Node.js is needed for this test (see .ci/run)");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let run = SiteTest::new().run(&["serve", "--port", &port]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("palvelinta ei voitu käynnistää osoitteeseen 127.0.0.1:"), "{}", run.stderr);
    assert!(run.stderr.contains("portti on jo käytössä"), "{}", run.stderr);
}

#[test]
fn a_site_in_a_subfolder_is_served_below_it() {
    let site = small_site().file("handbook.yaml", "title: Alikansio\nbase_url: https://example.org/kasikirja/\n");
    let server = site.serve();
    assert!(server.url.ends_with("/kasikirja/"), "{}", server.url);
    let home = server.get("/kasikirja/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("href=\"/kasikirja/style.css\""));
    assert_eq!(server.get("/kasikirja/style.css").status, 200);
    assert_eq!(server.get("/kasikirja/luvut/a/").status, 200);
    let root = server.get("/");
    assert_eq!((root.status, root.header("Location")), (301, Some("/kasikirja/")));
    assert_eq!(server.get("/luvut/a/").status, 404);
    assert_eq!(server.get("/__handbook/reload.js").status, 200);
    // The pages a quiet update names are the paths a browser shows.
    let mut events = server.events();
    events.expect("hello", RELOAD);
    write(&site, "content/luvut/b.md", "---\ntitle: Toinen\nweight: 2\naliases: [/vanha-b/]\n---\nKatso [alku](a.md#alku).\n");
    events.expect("reload", RELOAD);
    assert_eq!(events.expect("update", RELOAD), "{\"build\":3,\"paths\":[\"/kasikirja/haku/\",\"/kasikirja/tulosta/\"]}");
}

#[test]
fn a_body_edit_reloads_with_the_page_first_then_updates_search_and_print_quietly() {
    let site = small_site();
    let mut server = site.serve();
    let mut events = server.events();
    events.expect("hello", RELOAD);
    write(&site, "content/luvut/a.md", "---\ntitle: Ensimmäinen\nweight: 1\ntopics: [Perhekeskus]\n---\n## Alku\n\nTuore lause.\n");
    // The page itself first: every tab reloads.
    assert_eq!(events.next(RELOAD), Some(("reload".into(), "{\"build\":2}".into())));
    // Then what reads every body, quietly: only tabs showing those pages reload.
    let update = events.next(RELOAD);
    assert_eq!(update, Some(("update".into(), "{\"build\":3,\"paths\":[\"/haku/\",\"/tulosta/\"]}".into())));
    let print = server.get("/tulosta/");
    assert!(print.text().contains("Tuore lause.") && print.text().contains("data-build=\"3\""), "{}", print.text());
    let page = server.get("/luvut/a/");
    assert!(page.text().contains("Tuore lause.") && page.text().contains("data-build=\"3\""));
    // A tab that connects now learns which pages changed after the last reload.
    let mut late = server.events();
    assert_eq!(late.expect("hello", RELOAD), "{\"build\":2,\"latest\":3,\"paths\":{\"/haku/\":3,\"/tulosta/\":3}}");
    server.wait_output("+ haku, tulostussivu", RELOAD);
    let out = server.output();
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("rakennettu")).collect();
    assert!(lines.len() >= 3 && lines[1].ends_with("1 sivu: /luvut/a/") && lines[2].ends_with(": + haku, tulostussivu"), "{out}");
    // A title edit rebuilds everything at once: one reload, no update.
    write(&site, "content/luvut/a.md", "---\ntitle: Uusi otsikko\nweight: 1\ntopics: [Perhekeskus]\n---\n## Alku\n\nTuore lause.\n");
    assert_eq!(events.expect("reload", RELOAD), "{\"build\":4}");
    assert_eq!(events.next(QUIET), None);
}

#[test]
fn a_heading_a_section_links_to_cannot_be_renamed_by_a_body_edit() {
    let site = small_site()
        .file("content/kasikirja/_index.md", "---\ntitle: Käsikirja\n---\nKatso [uutiskirje](viestinta.md#uutiskirje).\n")
        .file("content/kasikirja/viestinta.md", "---\ntitle: Viestintä\n---\n## Uutiskirje\n\nKerran kuussa.\n");
    let server = site.serve();
    let mut events = server.events();
    events.expect("hello", RELOAD);
    write(&site, "content/kasikirja/viestinta.md", "---\ntitle: Viestintä\n---\n## Tiedote\n\nKerran kuussa.\n");
    let data = events.expect("build-error", RELOAD);
    let json: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(json["errors"][0]["path"].as_str(), Some("content/kasikirja/_index.md"), "{data}");
    assert!(json["errors"][0]["message"].as_str().unwrap().contains("#uutiskirje"), "{data}");
    // `build` says the same.
    let build = site.build();
    assert_eq!(build.code, 1, "{}", build.stderr);
    assert!(build.stderr.contains("content/kasikirja/_index.md:4:7: virhe:") && build.stderr.contains("#uutiskirje"), "{}", build.stderr);
    assert!(server.get("/kasikirja/viestinta/").text().contains("Uutiskirje"), "the last good page is served");
    write(&site, "content/kasikirja/viestinta.md", "---\ntitle: Viestintä\n---\n## Uutiskirje\n\nKerran viikossa.\n");
    events.expect("reload", RELOAD);
    assert!(server.get("/kasikirja/viestinta/").text().contains("Kerran viikossa."));
}

#[test]
fn an_asset_saved_after_a_failed_anchor_check_is_not_lost() {
    let site = small_site();
    let server = site.serve();
    let mut events = server.events();
    events.expect("hello", RELOAD);
    // b.md links to a.md#alku: removing that heading (front matter untouched) fails the anchor check.
    write(&site, "content/luvut/a.md", "---\ntitle: Ensimmäinen\nweight: 1\ntopics: [Perhekeskus]\n---\nEi otsikkoa.\n");
    assert!(events.expect("build-error", RELOAD).contains("content/luvut/b.md"));
    write(&site, "content/luvut/kuvat/kuva.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>uusi</title></svg>");
    events.expect("build-error", RELOAD);
    write(&site, "content/luvut/a.md", "---\ntitle: Ensimmäinen\nweight: 1\ntopics: [Perhekeskus]\n---\n## Alku\n\nTaas otsikko.\n");
    events.expect("reload", RELOAD);
    assert!(server.get("/luvut/a/").text().contains("Taas otsikko."));
    assert!(server.get("/luvut/kuvat/kuva.svg").text().contains("uusi"), "the asset saved meanwhile was lost");
}

/// Replaces `rel` by a symbolic link to `target` the way an editor saves: made
/// aside under an ignored name, then renamed over the file (one change).
#[cfg(unix)]
fn replace_with_symlink(site: &SiteTest, rel: &str, target: &std::path::Path) {
    let aside = site.root().join(format!("{rel}.tmp"));
    std::os::unix::fs::symlink(target, &aside).unwrap();
    std::fs::rename(&aside, site.root().join(rel)).unwrap();
}

#[cfg(unix)]
#[test]
fn a_file_replaced_by_a_symlink_out_of_content_is_never_served() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("kuva.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>SALAINEN</title></svg>").unwrap();
    // The same front matter as the page it replaces: only the body differs.
    std::fs::write(outside.path().join("malli.md"), "---\ntitle: Malli\nphase: kehitetty\n---\n## Ratkaisun perusidea\n\nSALAINEN\n")
        .unwrap();
    let site = small_site();
    let mut server = site.serve();
    let mut events = server.events();
    events.expect("hello", RELOAD);
    for (rel, name) in [("content/luvut/kuvat/kuva.svg", "kuva.svg"), ("content/mallit/malli.md", "malli.md")] {
        replace_with_symlink(&site, rel, &outside.path().join(name));
        // As `build` does: the link is skipped with a warning.
        events.expect("reload", RELOAD);
        while events.next(QUIET).is_some() {}
    }
    for gone in ["/luvut/kuvat/kuva.svg", "/mallit/malli/"] {
        let r = server.get(gone);
        assert_eq!(r.status, 404, "{gone} is served:\n{}", r.text());
    }
    let entry = server.get("/haku/hakemisto.json");
    let index: serde_json::Value = serde_json::from_slice(&entry.body).unwrap();
    for target in ["/", "/mallit/", "/tulosta/", "/haku/hakemisto.json"] {
        let r = server.get(target);
        assert_eq!(r.status, 200, "{target}");
        assert!(!r.text().contains("SALAINEN"), "{target} shows the file outside the site");
    }
    // The search index's result chunks (numbered from 0) and term shards.
    let hash = index["results"]["hash"].as_str().unwrap();
    let mut chunks = 0;
    loop {
        let r = server.get(&format!("/haku/x-{chunks}-{hash}.json"));
        if r.status == 404 {
            break;
        }
        let text = r.text();
        assert!(!text.contains("SALAINEN") && !text.contains("/mallit/malli/"), "the search index holds the file outside the site: {text}");
        chunks += 1;
    }
    assert!(chunks > 0, "the index has result chunks");
    server.wait_output("content/mallit/malli.md:1:1: varoitus: symbolinen linkki ohitettiin", RELOAD);
}

#[cfg(unix)]
#[test]
fn a_page_that_is_a_symlink_inside_content_changes_with_its_target() {
    let site = small_site().file("content/luvut/jaettu/teksti.md", "---\ntitle: Jaettu\nweight: 5\n---\nAlkuperäinen.\n");
    std::os::unix::fs::symlink(site.root().join("content/luvut/jaettu/teksti.md"), site.root().join("content/luvut/linkki.md")).unwrap();
    let server = site.serve();
    assert!(server.get("/luvut/linkki/").text().contains("Alkuperäinen."));
    let mut events = server.events();
    events.expect("hello", RELOAD);
    write(&site, "content/luvut/jaettu/teksti.md", "---\ntitle: Jaettu\nweight: 5\n---\nMuutettu.\n");
    events.expect("reload", RELOAD);
    while events.next(QUIET).is_some() {}
    assert!(server.get("/luvut/jaettu/teksti/").text().contains("Muutettu."));
    assert!(server.get("/luvut/linkki/").text().contains("Muutettu."), "the page linked to it was not rebuilt");
}
