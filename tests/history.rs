//! Comment rounds (issue 5): dates from Git history, shallow clones, edit and
//! feedback links, the Atom feed, and deploy previews with a changes page.
//! Each test makes its own repository with fixed commit dates.

mod support;

use support::SiteTest;

const REPO_CONFIG: &str =
    "title: Testisivusto\nbase_url: https://example.org/\nrepository:\n  url: https://github.com/pirkanmaa/kasikirja\n  branch: main\n";

fn repo_site() -> SiteTest {
    let site = SiteTest::new().file("handbook.yaml", REPO_CONFIG).file(".gitignore", "public/\n");
    site.git(&["init", "-q", "-b", "main"], "2023-01-01");
    site
}

#[test]
fn dates_come_from_git_unless_front_matter_gives_them() {
    let site = repo_site();
    site.write("content/a.md", "---\ntitle: A\n---\nEnsimmäinen versio.\n")
        .write("content/b.md", "---\ntitle: B\ncreated: 2020-05-01\n---\nTeksti.\n");
    site.commit("Ensimmäinen", "2023-10-20");
    site.write("content/a.md", "---\ntitle: A\n---\nToinen versio.\n").commit("Toinen", "2023-12-30");
    site.build().expect_ok();
    let a = site.out("a/index.html");
    assert!(a.contains("Luotu:</span> <time datetime=\"2023-10-20\">20.10.2023</time>"), "{a}");
    assert!(a.contains("Viimeksi muokattu:</span> <time datetime=\"2023-12-30\">30.12.2023</time>"), "{a}");
    let b = site.out("b/index.html");
    assert!(b.contains("<time datetime=\"2020-05-01\">1.5.2020</time>"), "front matter wins: {b}");
    assert!(b.contains("<time datetime=\"2023-10-20\">20.10.2023</time>"), "updated from git: {b}");
}

const LONG: &str = "Perhekeskus kokoaa lasten ja perheiden palvelut yhteen.\n\nVerkosto kokoontuu kahdesti vuodessa.\n\n";

#[test]
fn moving_a_page_keeps_its_dates_and_keeps_it_out_of_the_feed() {
    let site = repo_site();
    site.write("content/a.md", "---\ntitle: Siirtyvä\n---\nEnsimmäinen versio.\n").commit("Uusi", "2023-01-10");
    site.write("content/a.md", &format!("---\ntitle: Siirtyvä\n---\n{LONG}Toinen versio.\n")).commit("Muokkaus", "2023-03-01");
    site.write("content/uusin.md", "---\ntitle: Uusin\n---\nTeksti.\n").commit("Toinen sivu", "2023-05-01");
    site.git(&["mv", "content/a.md", "content/b.md"], "2023-06-01");
    site.commit("Siirto", "2023-06-01");
    std::fs::create_dir_all(site.root().join("content/äitiys")).unwrap();
    site.git(&["mv", "content/b.md", "content/äitiys/siirretty.md"], "2023-07-01");
    site.commit("Toinen siirto", "2023-07-01");
    site.build().expect_ok();
    let html = site.out("aitiys/siirretty/index.html");
    assert!(html.contains("Luotu:</span> <time datetime=\"2023-01-10\">10.1.2023</time>"), "{html}");
    assert!(html.contains("Viimeksi muokattu:</span> <time datetime=\"2023-03-01\">1.3.2023</time>"), "{html}");
    let feed = site.out("atom.xml");
    let (newest, moved) = (feed.find("<title>Uusin</title>").unwrap(), feed.find("<title>Siirtyvä</title>").unwrap());
    assert!(newest < moved, "a move is not an update: {feed}");

    // A move with an edit is an edit; the creation date still survives it.
    site.git(&["mv", "content/äitiys/siirretty.md", "content/c.md"], "2023-09-01");
    // Git sees a rename when most of the file stays the same.
    site.write("content/c.md", &format!("---\ntitle: Siirtyvä\n---\n{LONG}Toinen versio, tarkennettu.\n"))
        .commit("Siirto ja muokkaus", "2023-09-01");
    site.build().expect_ok();
    let html = site.out("c/index.html");
    assert!(html.contains("<time datetime=\"2023-01-10\">10.1.2023</time>"), "{html}");
    assert!(html.contains("Viimeksi muokattu:</span> <time datetime=\"2023-09-01\">1.9.2023</time>"), "{html}");
}

#[test]
fn a_shallow_clone_is_reported_not_turned_into_wrong_dates() {
    let origin = repo_site();
    origin.write("content/a.md", "---\ntitle: A\n---\nv1\n").commit("1", "2023-10-20");
    origin.write("content/a.md", "---\ntitle: A\n---\nv2\n").commit("2", "2023-12-30");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.root().display());
    let st = std::process::Command::new("git").args(["clone", "-q", "--depth", "1", &url, "."]).current_dir(clone.path()).status().unwrap();
    assert!(st.success());
    let out = std::process::Command::new(support::bin()).arg("build").current_dir(clone.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("varoitus: Git-klooni on matala (shallow)"), "{stderr}");
    let html = std::fs::read_to_string(clone.path().join("public/a/index.html")).unwrap();
    assert!(!html.contains("<time"), "no dates from a shallow history: {html}");
}

#[test]
fn edit_feedback_and_history_links_come_from_the_repository_setting() {
    let site = repo_site();
    site.write("content/kasikirja/luku.md", "---\ntitle: Luku ja välimerkit?\n---\nTeksti.\n").commit("1", "2023-10-20");
    site.build().expect_ok();
    let html = site.out("kasikirja/luku/index.html");
    assert!(
        html.contains("<a href=\"https://github.com/pirkanmaa/kasikirja/edit/main/content/kasikirja/luku.md\">Muokkaa tätä sivua</a>"),
        "{html}"
    );
    assert!(html.contains("https://github.com/pirkanmaa/kasikirja/issues/new?title=Palaute%3A+Luku+ja+v%C3%A4limerkit%3F&amp;body=Sivu%3A+https%3A%2F%2Fexample.org%2Fkasikirja%2Fluku%2F"), "{html}");
    assert!(html.contains("Anna palautetta</a>"));
    assert!(html.contains("https://github.com/pirkanmaa/kasikirja/commits/main/content/kasikirja/luku.md"));
    let plain = SiteTest::new().file("content/a.md", "---\ntitle: A\n---\n");
    plain.build().expect_ok();
    assert!(!plain.out("a/index.html").contains("Muokkaa tätä sivua"));
}

#[test]
fn the_bundled_handbook_links_every_page_to_its_repository() {
    let site = SiteTest::bundled();
    site.build().expect_ok();
    let page = walkdir::WalkDir::new(site.root().join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "md") && e.file_name() != "_index.md")
        .expect("a page in content/");
    let rel = page.path().strip_prefix(site.root()).unwrap().to_string_lossy().replace('\\', "/");
    let home = site.out("index.html");
    assert!(home.contains("https://github.com/pirkanmaan-perhekeskus/kasikirja/edit/main/content/_index.md"), "{home}");
    let html = walkdir::WalkDir::new(site.out_path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .find(|h| h.contains(&format!("/edit/main/{rel}\">Muokkaa tätä sivua</a>")));
    assert!(
        html.is_some_and(|h| h.contains("Anna palautetta</a>") && h.contains(&format!("/commits/main/{rel}"))),
        "no edit link to {rel}"
    );
}

#[test]
fn drafts_carry_a_banner_and_stay_out_of_sitemap_and_feed() {
    let site = SiteTest::new()
        .file("content/a.md", "---\ntitle: Luonnossivu\ndraft: true\nupdated: 2024-02-02\n---\n")
        .file("content/b.md", "---\ntitle: Valmis\nupdated: 2024-01-01\n---\n");
    site.build().expect_ok();
    assert!(!site.out("sitemap.xml").contains("/a/") && !site.out("atom.xml").contains("Luonnossivu"));
    assert!(site.out("atom.xml").contains("<title>Valmis</title>"));
    site.run(&["build", "--drafts"]).expect_ok();
    assert!(site.out("a/index.html").contains("<strong>Luonnos.</strong> Tämä sivu on luonnos"));
    assert!(!site.out("b/index.html").contains("class=\"draft-banner\""));
}

#[test]
fn atom_feed_lists_pages_newest_first() {
    let site = SiteTest::new()
        .file("content/a.md", "---\ntitle: Vanha <&>\ncreated: 2023-01-01\n---\n")
        .file("content/b.md", "---\ntitle: Uusi\ndescription: Tiivistelmä\ncreated: 2023-05-01\nupdated: 2024-03-01\n---\n")
        .file("content/c.md", "---\ntitle: Päiväämätön\n---\n");
    site.build().expect_ok();
    let feed = site.out("atom.xml");
    let (new, old) = (feed.find("<title>Uusi</title>").unwrap(), feed.find("<title>Vanha &lt;&amp;&gt;</title>").unwrap());
    assert!(new < old, "{feed}");
    assert!(feed.contains("<updated>2024-03-01T00:00:00Z</updated>") && feed.contains("<summary>Tiivistelmä</summary>"));
    assert!(!feed.contains("Päiväämätön"));
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fi\">"), "{feed}");
    // The feed speaks the site's language.
    site.write("handbook.yaml", &format!("{}language: sv\n", support::CONFIG)).build().expect_ok();
    assert!(site.out("atom.xml").contains("xml:lang=\"sv\""), "{}", site.out("atom.xml"));
}

#[test]
fn deploy_preview_shows_banner_changes_page_and_markers() {
    let site = repo_site();
    site.write("content/kasikirja/_index.md", "---\ntitle: Käsikirja\n---\n")
        .write("content/kasikirja/verkosto.md", "---\ntitle: Verkosto\n---\nVerkosto kokoontuu kerran vuodessa Tampereella.\n")
        .write("content/kasikirja/poistuva.md", "---\ntitle: Poistuva luku\n---\nVanha teksti.\n")
        .write("content/kasikirja/ennallaan.md", "---\ntitle: Ennallaan\n---\nEi muutu.\n")
        .commit("Pohja", "2023-10-20");
    site.git(&["checkout", "-q", "-b", "ehdotus"], "2023-11-01");
    site.write("content/kasikirja/verkosto.md", "---\ntitle: Verkosto\n---\nVerkosto kokoontuu kaksi kertaa vuodessa Tampereella.\n")
        .write("content/kasikirja/uusi.md", "---\ntitle: Uusi luku\n---\nAivan uutta.\n");
    std::fs::remove_file(site.root().join("content/kasikirja/poistuva.md")).unwrap();
    site.commit("Ehdotus", "2023-11-02");
    let env = [
        ("CONTEXT", "deploy-preview"),
        ("REVIEW_ID", "7"),
        ("REPOSITORY_URL", "https://github.com/pirkanmaa/kasikirja"),
        ("DEPLOY_PRIME_URL", "https://deploy-preview-7--kasikirja.netlify.app"),
    ];
    site.run_env(&["build", "--drafts", "--base-url", "https://deploy-preview-7--kasikirja.netlify.app"], &env).expect_ok();

    for page in ["index.html", "kasikirja/ennallaan/index.html", "kasikirja/verkosto/index.html"] {
        let html = site.out(page);
        assert!(html.contains("<strong>Kommenttikierros – ehdotus #7</strong>"), "{page}");
        assert!(html.contains("<a href=\"https://github.com/pirkanmaa/kasikirja/pull/7\">"), "{page}");
        assert!(html.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"), "{page}");
    }
    assert_eq!(site.out("robots.txt"), "User-agent: *\nDisallow: /\n");
    // The search page has its own `noindex`; a preview must not add a second robots tag.
    assert_eq!(site.out("haku/index.html").matches("<meta name=\"robots\"").count(), 1, "{}", site.out("haku/index.html"));

    let changes = site.out("muutokset/index.html");
    assert!(changes.contains("<h1>Muutokset tässä ehdotuksessa #7</h1>"), "{changes}");
    // One mark per run of changed words, not one per word and space (screen
    // readers read each mark separately).
    assert!(changes.contains("<p>Verkosto kokoontuu <del>kerran</del><ins>kaksi kertaa</ins> vuodessa Tampereella.</p>"), "{changes}");
    assert!(changes.contains("Uusi sivu") && changes.contains("<p><ins>Aivan uutta.</ins></p>"), "{changes}");
    assert!(changes.contains("Poistettu sivu") && changes.contains("<p><del>Vanha teksti.</del></p>"), "{changes}");
    assert!(!changes.contains("Ennallaan"), "unchanged pages are not listed");
    assert!(site
        .out("kasikirja/verkosto/index.html")
        .contains("Tätä sivua on muutettu tässä ehdotuksessa. <a href=\"/muutokset/#content-kasikirja-verkosto-md\">Katso muutokset</a>"));
    assert!(site.out("kasikirja/uusi/index.html").contains("Tämä sivu on uusi tässä ehdotuksessa."));
    assert!(!site.out("kasikirja/ennallaan/index.html").contains("class=\"change-marker\""));

    // The same build outside a preview has none of it.
    site.build().expect_ok();
    assert!(!site.root().join("public/muutokset").exists());
    assert!(!site.out("index.html").contains("Kommenttikierros"));
    assert!(site.out("haku/index.html").contains("<meta name=\"robots\" content=\"noindex\">"));
}

const PREVIEW_ENV: [(&str, &str); 5] = [
    ("CONTEXT", "deploy-preview"),
    ("REVIEW_ID", "7"),
    ("REPOSITORY_URL", "https://github.com/pirkanmaa/kasikirja"),
    ("DEPLOY_PRIME_URL", "https://deploy-preview-7--kasikirja.netlify.app"),
    ("HEAD", "ehdotus"),
];

fn preview_build(site: &SiteTest, env: &[(&str, &str)]) -> support::Run {
    site.run_env(&["build", "--drafts", "--base-url", "https://deploy-preview-7--kasikirja.netlify.app"], env)
}

/// A base on `main` and a proposal branch `ehdotus` that changes only front matter and a section.
fn front_matter_proposal() -> SiteTest {
    let site = repo_site();
    site.write("content/mallit/_index.md", "---\ntitle: Toimintamallit\npage_kind: model\n---\nKaikki mallit.\n")
        .write("content/mallit/malli.md", "---\ntitle: Malli\nphase: kehitteilla\ntopics: [Perhekeskus]\n---\nSama teksti.\n")
        .commit("Pohja", "2023-10-20");
    site.git(&["checkout", "-q", "-b", "ehdotus"], "2023-11-01");
    site.write("content/mallit/_index.md", "---\ntitle: Toimintamallit\npage_kind: model\n---\nKaikki mallit aakkosjärjestyksessä.\n")
        .write("content/mallit/malli.md", "---\ntitle: Malli\nphase: kehitetty\ntopics: [Perhekeskus, Verkostot]\n---\nSama teksti.\n")
        .commit("Ehdotus", "2023-11-02");
    site
}

#[test]
fn front_matter_and_section_edits_are_changes_too() {
    let site = front_matter_proposal();
    preview_build(&site, &PREVIEW_ENV).expect_ok();
    let changes = site.out("muutokset/index.html");
    // Fields read as on the model card, with the phase's name, not its id.
    assert!(changes.contains("<p>Kehittämisen vaihe: <del>Kehitteillä</del><ins>Kehitetty</ins></p>"), "{changes}");
    assert!(changes.contains("<p>Aihealueet: Perhekeskus<ins>, Verkostot</ins></p>"), "{changes}");
    assert!(changes.contains("<p>Kaikki mallit <ins>aakkosjärjestyksessä</ins>.</p>"), "{changes}");
    assert!(changes.contains("<code>content/mallit/_index.md</code>"), "{changes}");
    let marker = "Tätä sivua on muutettu tässä ehdotuksessa. <a href=\"/muutokset/#content-mallit-index-md\">Katso muutokset</a>";
    assert!(site.out("mallit/index.html").contains(marker), "{}", site.out("mallit/index.html"));
    assert!(site.out("mallit/malli/index.html").contains("class=\"change-marker\""));
}

#[test]
fn without_the_base_branch_the_changes_are_unknown_not_empty() {
    let site = repo_site();
    // Only the proposal's branch exists: as in a clone that fetched nothing else.
    site.git(&["checkout", "-q", "-b", "ehdotus"], "2023-10-20");
    site.write("content/a.md", "---\ntitle: A\n---\nTeksti.\n").commit("Ehdotus", "2023-10-20");
    let run = preview_build(&site, &PREVIEW_ENV).expect_ok();
    assert!(
        run.stderr.contains("content:1:1: varoitus: muutossivua ei voitu koota: päähaaraa `main` ei löytynyt rakennusympäristöstä"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("git fetch origin main:refs/remotes/origin/main"), "{}", run.stderr);
    let changes = site.out("muutokset/index.html");
    assert!(changes.contains("<strong>Muutoksia ei voitu selvittää.</strong>"), "{changes}");
    assert!(changes.contains("Päähaaraa `main` ei löytynyt rakennusympäristöstä. Sivu ei siksi kerro, mitä ehdotus muuttaa."), "{changes}");
    assert!(!changes.contains("Ehdotus ei muuta yhtään sivua."), "{changes}");
    assert!(site.out("a/index.html").contains("Muutokset tässä ehdotuksessa (?)"));

    // A shallow clone of the proposal alone, as Netlify may start with.
    let origin = front_matter_proposal();
    let clone = SiteTest { dir: tempfile::tempdir().unwrap() };
    let url = format!("file://{}", origin.root().display());
    clone.git(&["clone", "-q", "--depth", "1", "--branch", "ehdotus", &url, "."], "2023-11-03");
    let run = preview_build(&clone, &PREVIEW_ENV).expect_ok();
    assert!(run.stderr.contains("päähaaraa `main` ei löytynyt rakennusympäristöstä (klooni on matala)"), "{}", run.stderr);
    assert!(clone.out("muutokset/index.html").contains("Muutoksia ei voitu selvittää."));
}

#[test]
fn the_base_branch_is_found_in_fetch_head_and_under_its_configured_name() {
    // `git fetch origin main` without a refspec updates only FETCH_HEAD.
    let origin = front_matter_proposal();
    let clone = SiteTest { dir: tempfile::tempdir().unwrap() };
    let url = format!("file://{}", origin.root().display());
    clone.git(&["clone", "-q", "--single-branch", "--branch", "ehdotus", &url, "."], "2023-11-03");
    clone.git(&["fetch", "-q", "origin", "main"], "2023-11-03");
    assert!(clone.git(&["branch", "-a"], "2023-11-03").lines().all(|b| !b.contains("main")), "no main ref in the clone");
    preview_build(&clone, &PREVIEW_ENV).expect_ok();
    assert!(clone.out("muutokset/index.html").contains("<ins>Kehitetty</ins>"), "{}", clone.out("muutokset/index.html"));

    // A base branch with another name, from `repository.branch`.
    let site = front_matter_proposal();
    site.git(&["branch", "-q", "-m", "main", "trunk"], "2023-11-03");
    site.write("handbook.yaml", &REPO_CONFIG.replace("branch: main", "branch: trunk"));
    preview_build(&site, &PREVIEW_ENV).expect_ok();
    assert!(site.out("muutokset/index.html").contains("<ins>Kehitetty</ins>"));
}

#[test]
fn netlify_previews_fetch_the_base_branch_into_a_ref_of_its_own() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/netlify.toml")).unwrap();
    let doc: toml::Table = text.parse().expect("netlify.toml is valid TOML");
    let preview = doc["context"]["deploy-preview"]["command"].as_str().unwrap();
    // Without the refspec only FETCH_HEAD would learn where `main` is.
    assert!(preview.contains("git fetch --quiet origin main:refs/remotes/origin/main || true;"), "{preview}");
}

#[test]
fn preview_edit_links_use_the_proposal_branch_and_the_pull_link_falls_back_to_the_configured_repository() {
    let site = repo_site();
    site.write("content/a.md", "---\ntitle: A\n---\n").commit("Pohja", "2023-10-20");
    site.git(&["checkout", "-q", "-b", "ehdotus"], "2023-11-01");
    site.write("content/uusi.md", "---\ntitle: Uusi\n---\nUusi luku.\n").commit("Ehdotus", "2023-11-02");
    let mut env = PREVIEW_ENV;
    env[2] = ("REPOSITORY_URL", "git@github.com:pirkanmaa/kasikirja.git");
    preview_build(&site, &env).expect_ok();
    let html = site.out("uusi/index.html");
    assert!(
        html.contains("<a href=\"https://github.com/pirkanmaa/kasikirja/edit/ehdotus/content/uusi.md\">Muokkaa tätä sivua</a>"),
        "{html}"
    );
    assert!(html.contains("https://github.com/pirkanmaa/kasikirja/commits/ehdotus/content/uusi.md"), "{html}");
    assert!(html.contains("<a href=\"https://github.com/pirkanmaa/kasikirja/pull/7\">Avaa ehdotus ja kommentoi</a>"), "{html}");
}

#[test]
fn section_pages_have_dates_and_edit_feedback_and_history_links() {
    let site = repo_site();
    site.write("content/_index.md", "---\ntitle: Etusivu\n---\nTervetuloa.\n")
        .write("content/kasikirja/_index.md", "---\ntitle: Käsikirja\n---\nJohdanto.\n")
        .write("content/mallit/_index.md", "---\ntitle: Mallit\npage_kind: model\nupdated: 2024-01-02\n---\n")
        .write("content/ilman/luku.md", "---\ntitle: Luku\n---\n")
        .commit("Pohja", "2023-10-20");
    site.write("content/kasikirja/_index.md", "---\ntitle: Käsikirja\n---\nJohdanto, tarkennettu.\n").commit("Muokkaus", "2023-12-30");
    site.build().expect_ok();
    let html = site.out("kasikirja/index.html");
    assert!(html.contains("Luotu:</span> <time datetime=\"2023-10-20\">20.10.2023</time>"), "{html}");
    assert!(html.contains("Viimeksi muokattu:</span> <time datetime=\"2023-12-30\">30.12.2023</time>"), "{html}");
    assert!(
        html.contains("<a href=\"https://github.com/pirkanmaa/kasikirja/edit/main/content/kasikirja/_index.md\">Muokkaa tätä sivua</a>")
    );
    assert!(html.contains("https://github.com/pirkanmaa/kasikirja/issues/new?title=Palaute%3A+K%C3%A4sikirja&amp;"), "{html}");
    assert!(html.contains("https://github.com/pirkanmaa/kasikirja/commits/main/content/kasikirja/_index.md"));
    let catalogue = site.out("mallit/index.html");
    assert!(
        catalogue.contains("Viimeksi muokattu:</span> <time datetime=\"2024-01-02\">2.1.2024</time>"),
        "front matter wins: {catalogue}"
    );
    assert!(catalogue.contains("/edit/main/content/mallit/_index.md"));
    assert!(site.out("index.html").contains("/edit/main/content/_index.md\">Muokkaa tätä sivua</a>"));
    // A folder without `_index.md` has no file to edit.
    assert!(!site.out("ilman/index.html").contains("Muokkaa tätä sivua"));
}

/// A tiny HTTP server on 127.0.0.1 with fixed answers, for `check --external`.
fn link_server() -> (String, std::thread::JoinHandle<()>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    let handle = std::thread::spawn(move || {
        // Serves a bounded number of requests, then stops by itself.
        for _ in 0..40 {
            let Ok(Some(req)) = server.recv_timeout(std::time::Duration::from_secs(20)) else { break };
            // One thread per request, so the slow answer holds up nobody else.
            std::thread::spawn(move || {
                let code = match (req.method(), req.url()) {
                    (_, "/ok") => 200,
                    (tiny_http::Method::Head, "/vain-get") => 405,
                    (_, "/vain-get") => 200,
                    (_, "/silmukka") => {
                        let to = tiny_http::Header::from_bytes("Location", "/silmukka").unwrap();
                        let _ = req.respond(tiny_http::Response::empty(302).with_header(to));
                        return;
                    }
                    (_, "/hidas") => {
                        std::thread::sleep(std::time::Duration::from_secs(3));
                        200
                    }
                    _ => 404,
                };
                let _ = req.respond(tiny_http::Response::empty(code));
            });
        }
    });
    (base, handle)
}

#[test]
fn check_external_reports_dead_and_slow_links_against_a_local_server() {
    let (base, _server) = link_server();
    let site = SiteTest::new()
        .file("content/mallit/_index.md", "---\ntitle: Mallit\npage_kind: model\n---\n")
        .file(
            "content/a.md",
            &format!("---\ntitle: A\n---\n[ok]({base}/ok) [get]({base}/vain-get)\n\n[kuollut]({base}/puuttuu) [hidas]({base}/hidas)\n"),
        )
        .file("content/mallit/m.md", &format!("---\ntitle: M\nlinks:\n  - title: Rikki\n    url: {base}/poistettu\n---\n"));
    // A normal check never touches the network.
    site.check().expect_ok();
    let run = site.run(&["check", "--external", "--timeout", "1", "--parallel", "4"]);
    let slow_col = format!("[kuollut]({base}/puuttuu) ").chars().count() + 1;
    let run = run.expect_errors(&[
        &format!("content/a.md:6:1: virhe: ulkoinen linkki `{base}/puuttuu` ei toimi: palvelin vastasi HTTP 404"),
        &format!("content/a.md:6:{slow_col}: virhe: ulkoinen linkki `{base}/hidas` ei toimi: palvelin ei vastannut ajoissa"),
        &format!("content/mallit/m.md:5:10: virhe: ulkoinen linkki `{base}/poistettu` ei toimi: palvelin vastasi HTTP 404"),
    ]);
    assert_eq!(run.stderr.matches(": virhe: ").count(), 3, "{}", run.stderr);
}

#[test]
fn check_external_explains_redirect_loops_and_refused_connections_in_finnish() {
    let (base, _server) = link_server();
    // A port nobody listens on: bound, then released.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let site =
        SiteTest::new().file("content/a.md", &format!("---\ntitle: A\n---\n[kehä]({base}/silmukka)\n\n[suljettu](http://{closed}/)\n"));
    let run = site.run(&["check", "--external", "--timeout", "5"]).expect_errors(&[
        &format!(
            "content/a.md:4:1: virhe: ulkoinen linkki `{base}/silmukka` ei toimi: liian monta uudelleenohjausta (osoite ohjaa kehässä tai liian monen osoitteen kautta)"
        ),
        &format!("content/a.md:6:1: virhe: ulkoinen linkki `http://{closed}/` ei toimi: palvelin ei ottanut yhteyttä vastaan (tekninen syy: "),
    ]);
    // No English from the HTTP library outside the marked technical reason.
    let finnish: String = run.stderr.lines().map(|l| l.split(" (tekninen syy:").next().unwrap_or(l)).collect::<Vec<_>>().join("\n");
    for english in ["too many redirects", "io:", "Connection refused"] {
        assert!(!finnish.contains(english), "{english}: {}", run.stderr);
    }
}
