//! Integration tests of the generator, run against the real binary with
//! fixture sites: validation messages, link rewriting, theme overrides, the
//! model card, determinism, atomic output, `new`, and the bundled handbook.

mod support;

use support::{snapshot, SiteTest};

const MODEL_SECTION: &str = "---\ntitle: Toimintamallit\npage_kind: model\n---\n";

fn model(extra: &str) -> String {
    format!("---\ntitle: Malli\n{extra}---\n## Ratkaisun perusidea\n\nTeksti.\n")
}

#[test]
fn four_problems_are_reported_together_and_public_is_untouched() {
    let site = SiteTest::fixture("validation/four-problems");
    let run = site.check().expect_errors(&[
        "content/toimintamallit/malli.md:3:1: virhe: tuntematon kenttä `fundr`",
        "= help: tarkoititko `funder`?",
        "content/toimintamallit/malli.md:4:1: virhe: arvo `valmis` ei kelpaa kenttään `phase`",
        "sallitut arvot: `kehitteilla` (Kehitteillä), `kehitetty` (Kehitetty), `arvioitu` (Arvioitu)",
        "content/toimintamallit/malli.md:5:1: virhe: päivämäärä `2023-10-32` ei kelpaa",
        "kirjoita päivämäärä muodossa VVVV-KK-PP",
        "content/toimintamallit/malli.md:6:1: virhe: kentästä `cover` puuttuu pakollinen `alt`",
        "3 | fundr: Sosiaali- ja terveysministeriö (STM)",
    ]);
    assert_eq!(run.stderr.matches(": virhe: ").count(), 4, "{}", run.stderr);
    // Every problem, error or warning, carries a help line.
    let problems = run.stderr.matches(": virhe: ").count() + run.stderr.matches(": varoitus: ").count();
    assert_eq!(run.stderr.matches("= help: ").count(), problems, "{}", run.stderr);

    // An earlier good output stays byte-identical after a failed build.
    std::fs::create_dir_all(site.out_path().join("vanha")).unwrap();
    std::fs::write(site.out_path().join("index.html"), "edellinen").unwrap();
    std::fs::write(site.out_path().join("vanha/index.html"), "vanha sivu").unwrap();
    let before = snapshot(&site.out_path());
    site.build().expect_errors(&["tuntematon kenttä `fundr`"]);
    assert_eq!(snapshot(&site.out_path()), before);
    assert!(!site.root().join(".public.staging").exists(), "staging folder left behind");
}

#[test]
fn a_field_that_would_not_be_shown_is_warned_about() {
    // A model card's field in a chapter or a chapter section: the build goes
    // on (the field is only not shown), but the editor hears of it.
    let site = SiteTest::new()
        .file("content/a.md", "---\ntitle: A\nfunder: STM\n---\nTeksti.\n")
        .file("content/osio/_index.md", "---\ntitle: Osio\nauthor: Aino\n---\n")
        .file("content/mallit/_index.md", MODEL_SECTION)
        .file("content/mallit/c.md", &model("phase: kehitteilla\n"));
    let expected = [
        "content/a.md:3:1: varoitus: kenttä `funder` kuuluu toimintamallikortteihin, eikä sitä näytetä luvussa",
        "= help: lisää `page_kind: model`, jos sivu on toimintamalli, tai poista kenttä",
        "content/osio/_index.md:3:1: varoitus: kenttä `author` kuuluu toimintamallikortteihin, eikä sitä näytetä luvussa",
    ];
    for run in [site.check().expect_ok(), site.build().expect_ok()] {
        for line in expected {
            assert!(run.stderr.contains(line), "missing {line:?} in:\n{}", run.stderr);
        }
        // The model card's own field is not warned about.
        assert_eq!(run.stderr.matches(": varoitus: kenttä").count(), 2, "{}", run.stderr);
    }
    assert!(site.out("a/index.html").contains("Teksti."));
}

#[test]
fn a_warning_repeated_on_many_pages_is_shown_ten_times_and_counted() {
    // One mistake copied to 13 chapters, and one other warning: the other
    // is not lost among the repeats, and every repeat still counts.
    let mut site = SiteTest::new().file("content/z.md", "---\ntitle: Z\nauthor: Aino\n---\n");
    for i in 0..13 {
        site = site.file(&format!("content/s{i:02}.md"), &format!("---\ntitle: S{i}\nfunder: STM\n---\n"));
    }
    let funder = ": varoitus: kenttä `funder` kuuluu toimintamallikortteihin";
    for run in [site.check().expect_ok(), site.build().expect_ok()] {
        assert_eq!(run.stderr.matches(funder).count(), 10, "{}", run.stderr);
        // Sorted by path: s00–s09 in full, s10–s12 counted.
        assert!(run.stderr.contains("content/s09.md:3:1: varoitus: kenttä `funder`"), "{}", run.stderr);
        assert!(!run.stderr.contains("content/s10.md"), "{}", run.stderr);
        assert!(
            run.stderr.contains(
                "varoitus: sama varoitus vielä 3 muussa kohdassa: kenttä `funder` kuuluu toimintamallikortteihin, eikä sitä näytetä luvussa\n  = help: näytä kaikki valitsimella `--all-warnings`"
            ),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("content/z.md:3:1: varoitus: kenttä `author`"), "{}", run.stderr);
        // 13 + 1, and the test site's missing accessibility statement.
        assert!(run.stderr.contains(", 15 varoitusta)"), "{}", run.stderr);
    }
    for args in [["check", "--all-warnings"], ["build", "--all-warnings"]] {
        let run = site.run(&args).expect_ok();
        assert_eq!(run.stderr.matches(funder).count(), 13, "{}", run.stderr);
        assert!(!run.stderr.contains("sama varoitus vielä"), "{}", run.stderr);
    }
}

#[test]
fn wrong_type_missing_title_and_unknown_nested_key() {
    let site = SiteTest::new()
        .file("content/a.md", "---\ntitle: A\nweight: kymmenen\ntopics: Perhekeskus\ndraft: ehkä\n---\n")
        .file("content/b.md", "---\ndescription: ei otsikkoa\n---\n")
        .file("content/mallit/_index.md", MODEL_SECTION)
        .file("content/mallit/c.md", &model("cover:\n  image: x.svg\n  alt: kuva\n  captoin: x\n"));
    site.check().expect_errors(&[
        "content/a.md:3:1: virhe: kentän `weight` arvon pitää olla kokonaisluku, nyt se on teksti",
        "content/a.md:4:1: virhe: kentän `topics` arvon pitää olla lista, nyt se on teksti",
        "content/a.md:5:1: virhe: kentän `draft` arvon pitää olla totuusarvo (true tai false), nyt se on teksti",
        "content/b.md:1:1: virhe: pakollinen kenttä `title` puuttuu",
        "content/mallit/c.md:6:3: virhe: tuntematon kenttä `captoin`",
        "tarkoititko `caption`?",
    ]);
}

#[test]
fn front_matter_shape_errors() {
    SiteTest::new()
        .file("content/a.md", "---\ntitle: A\n")
        .check()
        .expect_errors(&["content/a.md:1:1: virhe: alkutietoja ei ole suljettu"]);
    SiteTest::new()
        .file("content/a.md", "Ei alkutietoja\n")
        .check()
        .expect_errors(&["content/a.md:1:1: virhe: tiedoston alusta puuttuvat alkutiedot"]);
    SiteTest::new()
        .file("content/a.md", "---\ntitle: A\n\tdescription: x\n---\n")
        .check()
        .expect_errors(&["content/a.md:3:1: virhe: alkutiedoissa on sarkainmerkki (tab) sisennyksenä"]);
    SiteTest::new()
        .file("content/a.md", "---\ntitle: [A\n---\n")
        .check()
        .expect_errors(&["content/a.md:", "virhe: alkutietojen YAML-muoto on virheellinen"]);
    // BOM and CRLF just work.
    let s = SiteTest::new().file("content/a.md", "\u{feff}---\r\ntitle: Rivinvaihdot\r\n---\r\nTeksti.\r\n");
    s.build().expect_ok();
    assert!(s.out("a/index.html").contains("<h1 id=\"sivun-otsikko\">Rivinvaihdot</h1>"));
}

#[test]
fn duplicate_urls_are_errors() {
    SiteTest::new()
        .file("content/Äiti.md", "---\ntitle: A\n---\n")
        .file("content/aiti.md", "---\ntitle: B\n---\n")
        .check()
        .expect_errors(&["virhe: sivu saa saman osoitteen `/aiti/`"]);
}

#[test]
fn config_is_validated_strictly() {
    SiteTest::new()
        .file("handbook.yaml", "title: T\nbase_url: https://example.org/\nlanguge: fi\n")
        .check()
        .expect_errors(&["handbook.yaml:3:1: virhe: tuntematon kenttä `languge`", "tarkoititko `language`?"]);
}

#[test]
fn links_are_rewritten_and_broken_ones_reported() {
    let site = SiteTest::new()
        .file("content/luvut/_index.md", "---\ntitle: Luvut\n---\n")
        .file(
            "content/luvut/yksi.md",
            "---\ntitle: Yksi\n---\n[kaksi](kaksi.md#alku), [osio](../luvut/), [kuva](kuvat/a.svg), [ulos](https://stm.fi/), [koti](/)\n",
        )
        .file("content/luvut/kaksi.md", "---\ntitle: Kaksi\n---\n## Alku\n")
        .file("content/luvut/kuvat/a.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    site.build().expect_ok();
    let html = site.out("luvut/yksi/index.html");
    for href in ["href=\"/luvut/kaksi/#alku\"", "href=\"/luvut/\"", "href=\"/luvut/kuvat/a.svg\"", "href=\"https://stm.fi/\"", "href=\"/\""]
    {
        assert!(html.contains(href), "{href} missing in {html}");
    }
    assert!(site.root().join("public/luvut/kuvat/a.svg").is_file());

    let broken = SiteTest::new()
        .file("content/a.md", "---\ntitle: A\n---\nTeksti\n\nks. [luku](kaksii.md)\n")
        .file("content/kaksi.md", "---\ntitle: B\n---\n");
    broken
        .check()
        .expect_errors(&["content/a.md:6:5: virhe: linkin kohdetta `content/kaksii.md` ei löydy", "tarkoititko `content/kaksi.md`?"]);
}

#[test]
fn base_url_with_a_path_prefixes_every_internal_url() {
    let site = SiteTest::new().file("content/a.md", "---\ntitle: A\n---\n[koti](_index.md)\n");
    site.run(&["build", "--base-url", "https://deploy-preview-7--x.netlify.app/kasikirja"]).expect_ok();
    let html = site.out("a/index.html");
    assert!(html.contains("href=\"/kasikirja/style.css\""), "{html}");
    assert!(html.contains("<a href=\"/kasikirja/\">koti</a>"), "{html}");
    assert!(site.out("sitemap.xml").contains("<loc>https://deploy-preview-7--x.netlify.app/kasikirja/a/</loc>"));
}

#[test]
fn site_theme_overrides_templates_and_static_files_one_by_one() {
    let site = SiteTest::new()
        .file("content/a.md", "---\ntitle: Luku A\n---\nTeksti.\n")
        .file(
            "themes/default/templates/chapter.html",
            "{% extends \"base.html\" %}{% block main %}<p class=\"oma\">{{ page.title }}</p>{% endblock main %}",
        )
        .file("themes/default/static/style.css", "body{color:black}");
    site.build().expect_ok();
    let html = site.out("a/index.html");
    assert!(html.contains("<p class=\"oma\">Luku A</p>"), "{html}");
    assert!(html.contains("Siirry sisältöön"), "base.html still comes from the default theme");
    assert_eq!(site.out("style.css"), "body{color:black}");
    assert!(site.out("favicon.svg").contains("<svg"), "other static files still come from the default theme");
}

#[test]
fn template_errors_name_the_template() {
    SiteTest::new()
        .file("content/a.md", "---\ntitle: A\n---\n")
        .file("themes/default/templates/chapter.html", "{% extends \"base.html\" %}{% block main %}{{ page.title }{% endblock main %}")
        .check()
        .expect_errors(&["themes/default/templates/chapter.html", "virhe: sivupohjaa ei voitu kääntää"]);
}

#[test]
fn model_card_shows_every_field() {
    let site = SiteTest::new().file("content/mallit/_index.md", MODEL_SECTION).file("content/mallit/kuvat/k.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").file(
        "content/mallit/verkosto.md",
        "---\ntitle: Perheiden kotoutumisen tuen verkosto\ndescription: Lyhyt kuvaus.\nauthor: Virve Rutanen\nfunder: Sosiaali- ja terveysministeriö (STM)\nphase: kehitetty\nlocation: Pirkanmaa\nregion: Pirkanmaan hyvinvointialue\ncreated: 2023-10-20\nupdated: 2023-12-30\ntopics: [Kotoutuminen]\ncontact: Projektikoordinaattori, Setlementti Tampere ry\ncover:\n  image: kuvat/k.svg\n  alt: Piirroskuva lapsesta ja aikuisista\n  caption: Kutsu käynnistystapaamiseen\n  credit: Pirkanmaan perhekeskus\nlinks:\n  - title: Kutsu\n    url: https://example.org/kutsu\npartners:\n  - group: Järjestöt\n    members: [Setlementti Tampere ry]\nmeetings:\n  - date: 2023-11-13\n    title: Käynnistystapaaminen\n---\n## Ratkaisun perusidea\n\nTeksti.\n\n## Toimintaympäristö\n\nTeksti.\n",
    );
    site.build().expect_ok();
    let html = site.out("mallit/verkosto/index.html");
    for want in [
        "<h2 id=\"perustiedot\">Perustiedot</h2>",
        "<dt>Toimintamallin nimi</dt><dd>Perheiden kotoutumisen tuen verkosto</dd>",
        "<dt>Toimintamallin lyhyt kuvaus</dt><dd>Lyhyt kuvaus.</dd>",
        "<dt>Toteutuspaikka</dt><dd>Pirkanmaa</dd>",
        "<dt>Paikkakunta, maakunta tai hyvinvointialue</dt><dd>Pirkanmaan hyvinvointialue</dd>",
        "<dt>Toimintamallin rahoittaja</dt><dd>Sosiaali- ja terveysministeriö (STM)</dd>",
        "<dt>Tekijä</dt><dd>Virve Rutanen</dd>",
        "<dt>Luotu</dt><dd><time datetime=\"2023-10-20\">20.10.2023</time></dd>",
        "<dt>Viimeksi muokattu</dt><dd><time datetime=\"2023-12-30\">30.12.2023</time></dd>",
        "<a href=\"https://example.org/kutsu\">Kutsu</a>",
        "<h2 id=\"toimintamallin-kuvaus\">Toimintamallin kuvaus</h2>",
        "<h3 id=\"ratkaisun-perusidea\">Ratkaisun perusidea</h3>",
        "<h3 id=\"toimintaymparisto\">Toimintaympäristö</h3>",
        "<img src=\"/mallit/kuvat/k.svg\" alt=\"Piirroskuva lapsesta ja aikuisista\"",
        "Kutsu käynnistystapaamiseen",
        "<span class=\"credit\">Pirkanmaan perhekeskus</span>",
        "<h2 id=\"vaihe\">Kehittämisen vaihe</h2>",
        "<span class=\"phase phase-kehitetty\">Kehitetty</span>",
        "<a href=\"/aihealueet/kotoutuminen/\">Kotoutuminen</a>",
        "Setlementti Tampere ry",
        "<time datetime=\"2023-11-13\">13.11.2023</time> – Käynnistystapaaminen",
    ] {
        assert!(html.contains(want), "missing {want:?}");
    }
    assert!(!html.contains("**") && !html.contains("Created with Sketch"));
    let catalogue = site.out("mallit/index.html");
    assert!(
        catalogue.contains("Perheiden kotoutumisen tuen verkosto")
            && catalogue.contains("Kehitetty")
            && catalogue.contains("Sosiaali- ja terveysministeriö (STM)")
    );
    assert!(site.out("aihealueet/kotoutuminen/index.html").contains("/mallit/verkosto/"));
}

#[test]
fn chapters_have_breadcrumbs_prev_next_and_toc() {
    let site = SiteTest::new()
        .file("content/kasikirja/_index.md", "---\ntitle: Käsikirja\n---\n")
        .file("content/kasikirja/b.md", "---\ntitle: Toinen\nweight: 20\n---\n## Yksi\n\n## Kaksi\n\n### Alakohta\n")
        .file("content/kasikirja/a.md", "---\ntitle: Ensimmäinen\nweight: 10\n---\n")
        .file("content/kasikirja/c.md", "---\ntitle: Kolmas\nweight: 30\n---\n");
    site.build().expect_ok();
    let b = site.out("kasikirja/b/index.html");
    assert!(b.contains("href=\"/kasikirja/a/\" rel=\"prev\""), "{b}");
    assert!(b.contains("href=\"/kasikirja/c/\" rel=\"next\""), "{b}");
    assert!(b.contains("<li><a href=\"/kasikirja/\">Käsikirja</a></li>"));
    assert!(b.contains("<li class=\"toc-l3\"><a href=\"#alakohta\">Alakohta</a></li>"));
    assert!(!site.out("kasikirja/a/index.html").contains("rel=\"prev\""));
}

#[test]
fn drafts_only_with_the_flag() {
    let site = SiteTest::new().file("content/luonnos.md", "---\ntitle: Luonnos\ndraft: true\n---\n");
    site.build().expect_ok();
    assert!(!site.root().join("public/luonnos").exists());
    site.run(&["build", "--drafts"]).expect_ok();
    assert!(site.root().join("public/luonnos/index.html").is_file());
}

#[test]
fn extras_are_written() {
    let site = SiteTest::new().file("content/a.md", "---\ntitle: A\nupdated: 2024-01-31\naliases: [/vanha-a/]\n---\n");
    site.build().expect_ok();
    assert!(site.out("sitemap.xml").contains("<url><loc>https://example.org/a/</loc><lastmod>2024-01-31</lastmod></url>"));
    assert!(site.out("robots.txt").contains("Sitemap: https://example.org/sitemap.xml"));
    assert!(site.out("404.html").contains("Sivua ei löytynyt"));
    assert!(site.out("_redirects").contains("/vanha-a/ /a/ 301"));
    assert!(site.out("vanha-a/index.html").contains("url=/a/"));
}

#[test]
fn two_builds_are_byte_identical() {
    let site = SiteTest::bundled();
    site.build().expect_ok();
    let first = snapshot(&site.out_path());
    site.build().expect_ok();
    assert_eq!(first, snapshot(&site.out_path()));
    assert!(first.len() > 10);
}

#[test]
fn a_build_over_earlier_outputs_equals_a_fresh_one() {
    // The third build overwrites the first one's output in place (`.public.previous`):
    // what changed is rewritten, what is gone is removed, and nothing else differs.
    let site = SiteTest::bundled();
    let temporary = "content/kasikirja/valiaikainen.md";
    site.write(temporary, "---\ntitle: Väliaikainen luku\n---\nTämä luku poistetaan ennen kolmatta käännöstä.\n");
    site.build().expect_ok();
    site.write(
        "content/kasikirja/viestinta.md",
        &std::fs::read_to_string(site.root().join("content/kasikirja/viestinta.md")).unwrap().replacen(
            "\n\n",
            "\n\nMuutettu kappale.\n\n",
            1,
        ),
    );
    site.build().expect_ok();
    let second = snapshot(&site.out_path());
    std::fs::remove_file(site.root().join(temporary)).unwrap();
    site.build().expect_ok();
    assert_eq!(snapshot(&site.root().join(".public.previous")), second, "the second output is kept for the next build");
    site.run(&["build", "--out", "tuore"]).expect_ok();
    let fresh = snapshot(&site.root().join("tuore"));
    assert!(fresh.len() > 10 && !fresh.keys().any(|k| k.contains("valiaikainen")));
    assert_eq!(snapshot(&site.out_path()), fresh);
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let site = SiteTest::new();
    assert_eq!(site.run(&["build", "--nonsense"]).code, 2);
    assert_eq!(site.run(&["frobnicate"]).code, 2);
    for cmd in [&["--help"][..], &["build", "--help"], &["check", "--help"], &["new", "--help"]] {
        let r = site.run(cmd).expect_ok();
        assert!(r.stdout.contains("Usage"), "{}", r.stdout);
    }
}

#[test]
fn refuses_an_output_folder_that_would_replace_the_sources() {
    let site = SiteTest::new();
    site.run(&["build", "--out", "."]).expect_errors(&["tulostekansioksi ei voi valita sivuston juurta"]);
    site.run(&["build", "--out", "content"]).expect_errors(&["tulostekansioksi ei voi valita"]);
    assert!(site.root().join("content/_index.md").is_file());
}

#[test]
fn new_creates_valid_files_and_never_overwrites() {
    let site = SiteTest::new()
        .file("content/toimintamallit/_index.md", MODEL_SECTION)
        .file("content/kasikirja/_index.md", "---\ntitle: Käsikirja\n---\n");
    let r = site.run(&["new", "model", "Äitien vertaisryhmä: Tampere"]).expect_ok();
    assert!(r.stdout.contains("content/toimintamallit/aitien-vertaisryhma-tampere.md"), "{}", r.stdout);
    let text = std::fs::read_to_string(site.root().join("content/toimintamallit/aitien-vertaisryhma-tampere.md")).unwrap();
    for key in ["# funder:", "# phase:", "# cover:", "# meetings:", "# partners:", "## Ratkaisun perusidea"] {
        assert!(text.contains(key), "{key} missing:\n{text}");
    }
    site.run(&["new", "chapter", "Uusi luku"]).expect_ok();
    assert!(site.root().join("content/kasikirja/uusi-luku.md").is_file());
    site.check().expect_ok();
    site.run(&["new", "chapter", "Uusi luku"]).expect_errors(&["tiedosto on jo olemassa"]);
    site.build().expect_ok();
    assert!(site.out("toimintamallit/aitien-vertaisryhma-tampere/index.html").contains("Äitien vertaisryhmä: Tampere"));
}

#[test]
fn netlify_toml_parses_and_its_commands_build_the_site() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/netlify.toml")).unwrap();
    let doc: toml::Table = text.parse().expect("netlify.toml is valid TOML");
    let build = doc["build"].as_table().unwrap();
    assert_eq!(build["publish"].as_str(), Some("public"));
    let preview = doc["context"]["deploy-preview"]["command"].as_str().unwrap();
    assert!(preview.contains("--drafts") && preview.contains("--base-url $DEPLOY_PRIME_URL"), "{preview}");
    for (command, url) in [(build["command"].as_str().unwrap(), None), (preview, Some("https://deploy-preview-3--kasikirja.netlify.app"))] {
        // Leading `git fetch … || true;` steps prepare the history; then compile && run.
        let (fetches, main) = command.rsplit_once("; ").expect("history steps; build");
        assert!(fetches.contains("git fetch --quiet --unshallow || true"), "{fetches}");
        let (compile, run) = main.split_once(" && ").expect("compile && run");
        assert_eq!(compile, "cargo build --release");
        let args: Vec<String> = run
            .split_whitespace()
            .skip(1)
            .map(|a| if a == "$DEPLOY_PRIME_URL" { url.unwrap().to_string() } else { a.to_string() })
            .collect();
        assert_eq!(run.split_whitespace().next(), Some("./target/release/handbook"));
        let site = SiteTest::bundled();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        site.run(&args).expect_ok();
        assert!(site.out("index.html").contains("<html lang=\"fi\">"));
        if let Some(url) = url {
            assert!(site.out("sitemap.xml").contains(url));
        }
    }
}

#[test]
fn anchors_and_placeholder_links_are_checked() {
    let site = SiteTest::new()
        .file("content/a.md", "---\ntitle: A\n---\n## Kolme tasoa\n\n[oma](#kolme-tasoa) [toinen](b.md#alkuu) [tyhjä](#) [ohi](#puuttuu)\n")
        .file("content/b.md", "---\ntitle: B\n---\n## Alku\n");
    site.check().expect_errors(&[
        "content/a.md:6:21: virhe: linkin `b.md#alkuu` ankkuria `#alkuu` ei löydy kohdesivulta",
        "tarkoititko `#alku`?",
        "content/a.md:6:42: virhe: linkillä ei ole kohdetta (paikkamerkki `#` tai tyhjä)",
        "content/a.md:6:53: virhe: linkin `#puuttuu` ankkuria `#puuttuu` ei löydy kohdesivulta",
    ]);
    let ok = SiteTest::new().file("content/a.md", "---\ntitle: A\n---\n## Kolme tasoa\n\n[oma](#kolme-tasoa) [kortti](#sisalto)\n");
    ok.check().expect_ok();
}

#[test]
fn many_equal_headings_and_links_to_them_are_numbered_and_checked() {
    let mut body = String::from("---\ntitle: A\n---\n");
    body.push_str(&"## Sama\n\n".repeat(40));
    body.extend((0..40).map(|i| format!("## Otsikko {i}\n\n")));
    // Line 164: two good links, a near miss and one like no heading.
    body.push_str("[a](#sama-40) [b](#otsikko-39) [c](#sama-41) [d](#qqqqqqqqqq)\n");
    let site = SiteTest::new().file("content/a.md", &body);
    let run = site.check().expect_errors(&[
        "content/a.md:164:32: virhe: linkin `#sama-41` ankkuria `#sama-41` ei löydy kohdesivulta",
        "content/a.md:164:46: virhe: linkin `#qqqqqqqqqq` ankkuria `#qqqqqqqqqq` ei löydy kohdesivulta",
        // 80 headings are too many to list: the rule instead.
        "= help: ankkuri on kohdesivun otsikon teksti pienin kirjaimin",
    ]);
    assert_eq!(run.stderr.matches(": virhe: ").count(), 2, "{}", run.stderr);
    let ok = SiteTest::new().file("content/a.md", &body.replace(" [c](#sama-41) [d](#qqqqqqqqqq)", ""));
    ok.build().expect_ok();
    let html = ok.out("a/index.html");
    assert!((2..=40).all(|n| html.contains(&format!("id=\"sama-{n}\""))) && html.contains("id=\"sama\""), "{html}");
    assert!(!html.contains("id=\"sama-41\"") && html.contains("id=\"otsikko-39\""), "{html}");
}

#[test]
fn a_problem_in_a_long_line_shows_the_part_around_it() {
    let words: String = (0..400).map(|i| format!("sana{i} ")).collect();
    let body = format!("---\ntitle: A\n---\n{words}[rikki](#puuttuu) {words}\n");
    let run = SiteTest::new().file("content/a.md", &body).check();
    let run = run.expect_errors(&["content/a.md:4:", "ankkuria `#puuttuu` ei löydy"]);
    let shown = run.stderr.lines().find(|l| l.starts_with("4 | ")).expect("the source line");
    assert!(shown.starts_with("4 | …") && shown.ends_with('…') && shown.contains("[rikki](#puuttuu)"), "{shown}");
    assert!(shown.chars().count() < 140, "{shown}");
    // The caret is under the link's `[`.
    let caret = run.stderr.lines().skip_while(|l| !l.starts_with("4 | ")).nth(1).expect("the caret line");
    assert_eq!(shown.chars().nth(caret.chars().count() - 1), Some('['), "{}", run.stderr);
}

#[test]
fn raw_html_is_sanitised_unless_trusted() {
    let body = "---\ntitle: A\n---\n<script>alert(1)</script>\n\n<details open><summary>Lisää</summary>\n\nPiilossa <b onclick=\"alert(2)\">lihava</b>\n\n</details>\n";
    let site = SiteTest::new().file("content/a.md", body);
    site.build().expect_ok();
    let html = site.out("a/index.html");
    assert!(!html.contains("alert(") && !html.contains("onclick"), "{html}");
    assert!(
        html.contains("<details open=\"\"><summary>Lisää</summary>") || html.contains("<details open><summary>Lisää</summary>"),
        "{html}"
    );
    assert!(html.contains("<b>lihava</b>"), "{html}");
    let trusted = SiteTest::new().file("handbook.yaml", &format!("{}trusted_html: true\n", support::CONFIG)).file("content/a.md", body);
    trusted.build().expect_ok();
    assert!(trusted.out("a/index.html").contains("<script>alert(1)</script>"));
}

#[test]
fn netlify_sets_security_headers_and_the_theme_needs_no_inline_code() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/netlify.toml")).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let headers = doc["headers"].as_array().unwrap();
    let all = headers.iter().find(|h| h["for"].as_str() == Some("/*")).expect("headers for /*");
    let values = all["values"].as_table().unwrap();
    let csp = values["Content-Security-Policy"].as_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(values["X-Content-Type-Options"].as_str(), Some("nosniff"));
    assert!(values.contains_key("Referrer-Policy") && values.contains_key("Permissions-Policy") && values.contains_key("X-Frame-Options"));
    // The built pages carry no inline script, inline style or event handler that the policy would block.
    let site = SiteTest::new().file("content/a.md", "---\ntitle: A\n---\n<b onclick=\"x()\" style=\"color:red\">x</b>\n");
    site.build().expect_ok();
    for (name, bytes) in snapshot(&site.out_path()) {
        if name.ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            assert!(
                !html.contains("<script>") && !html.contains("<style") && !html.contains(" style=\"") && !html.contains("onclick"),
                "{name}: {html}"
            );
        }
    }
}

#[test]
fn accessibility_statement_and_print_page() {
    let config = format!(
        "{}accessibility:\n  status: partially\n  prepared: 2024-01-15\n  reviewed: 2024-02-01\n  assessed: Itsearviointi\n  shortcomings:\n    - what: PDF-liitteet\n      reason: Vanhoja\n      criterion: WCAG 2.1 1.1.1\n  feedback:\n    name: Toimitus\n    email: palaute@example.fi\n  authority:\n    name: Valvova virasto\n    url: https://valvonta.example.fi/\n",
        support::CONFIG
    );
    let site = SiteTest::new()
        .file("handbook.yaml", &config)
        .file("content/kasikirja/_index.md", "---\ntitle: Käsikirja\n---\n")
        .file("content/kasikirja/a.md", "---\ntitle: Ensimmäinen\nweight: 1\n---\n## Alku\n\n[alkuun](#alku)\n")
        .file("content/kasikirja/b.md", "---\ntitle: Toinen\nweight: 2\n---\n## Alku\n");
    let run = site.build().expect_ok();
    assert!(
        run.stderr.contains("handbook.yaml:6:3: varoitus: saavutettavuusseloste on tarkistettu viimeksi 1.2.2024, yli 12 kuukautta sitten"),
        "{}",
        run.stderr
    );
    let s = site.out("saavutettavuusseloste/index.html");
    for want in [
        "<h1>Saavutettavuusseloste</h1>",
        "täyttää WCAG 2.1 -tason AA saavutettavuusvaatimukset osittain",
        "<strong>PDF-liitteet</strong> (WCAG 2.1 1.1.1). Syy: Vanhoja",
        "<time datetime=\"2024-01-15\">15.1.2024</time>",
        "Itsearviointi",
        "Vastaamme kahden viikon kuluessa.",
        "<a class=\"url\" href=\"mailto:palaute@example.fi\">",
        "<strong>Valvova virasto</strong>",
    ] {
        assert!(s.contains(want), "missing {want:?} in {s}");
    }
    assert!(site.out("kasikirja/a/index.html").contains("<a href=\"/saavutettavuusseloste/\">Saavutettavuusseloste</a>"), "footer link");
    let print = site.out("tulosta/index.html");
    let (a, b) = (
        print.find("<h2 id=\"luku-kasikirja-a\">Ensimmäinen</h2>").unwrap(),
        print.find("<h2 id=\"luku-kasikirja-b\">Toinen</h2>").unwrap(),
    );
    assert!(a < b, "chapters in reading order");
    assert!(
        print.contains("<h3 id=\"luku-kasikirja-a-alku\">Alku</h3>") && print.contains("<h3 id=\"luku-kasikirja-b-alku\">Alku</h3>"),
        "{print}"
    );
    assert!(print.contains("<a href=\"#luku-kasikirja-a-alku\">alkuun</a>"), "{print}");
    let missing = SiteTest::new();
    let run = missing.build().expect_ok();
    assert!(run.stderr.contains("varoitus: saavutettavuusseloste puuttuu asetuksista"));
    assert!(missing.out("saavutettavuusseloste/index.html").contains("Saavutettavuusselostetta ei ole vielä laadittu."));
}

#[test]
fn interface_language_comes_from_the_configuration() {
    for (lang, skip) in [("sv", "Gå till innehållet"), ("en", "Skip to content"), ("fi", "Siirry sisältöön")] {
        let site = SiteTest::new()
            .file("handbook.yaml", &format!("{}language: {lang}\n", support::CONFIG))
            .file("content/a.md", "---\ntitle: A\n---\n");
        site.build().expect_ok();
        let html = site.out("a/index.html");
        assert!(html.contains(&format!("<html lang=\"{lang}\">")) && html.contains(skip), "{lang}");
    }
}

#[test]
fn bundled_handbook_is_complete() {
    let site = SiteTest::bundled();
    let run = site.build().expect_ok();
    assert!(!run.stderr.contains(": varoitus: "), "the bundled handbook builds without warnings:\n{}", run.stderr);
    let out = snapshot(&site.out_path());
    let models: Vec<&String> =
        out.keys().filter(|k| k.starts_with("toimintamallit/") && k.ends_with("/index.html") && k.matches('/').count() == 2).collect();
    assert_eq!(models.len(), 4, "{models:?}");
    let mut covers = 0;
    for m in models {
        let html = String::from_utf8_lossy(&out[m]);
        for dt in [
            "Toimintamallin nimi",
            "Toimintamallin lyhyt kuvaus",
            "Toteutuspaikka",
            "Paikkakunta, maakunta tai hyvinvointialue",
            "Toimintamallin rahoittaja",
            "Tekijä",
            "Luotu",
            "Viimeksi muokattu",
            "Liitteet ja linkit",
        ] {
            assert!(html.contains(&format!("<dt>{dt}</dt><dd")), "{m}: Perustiedot field {dt} missing");
        }
        // What a source does not give is said to be missing, never left out or made up.
        let unknown = html.matches("<dd class=\"not-given\">").count();
        if m.contains("2017") {
            // The source names no funder or author; its dates come from Git, which this copy lacks.
            assert_eq!(unknown, 4, "{m}");
        } else {
            assert!(html.contains("class=\"phase phase-"), "{m}: phase");
            assert!(unknown <= 1, "{m}: {unknown} fields not given");
        }
        covers += usize::from(html.contains("<h2 id=\"kansikuva\">Kansikuva</h2>"));
    }
    assert_eq!(covers, 3, "every source that describes a cover image has one (the 2017 page has none)");
    let chapters: Vec<&String> = out.keys().filter(|k| k.starts_with("kasikirja/") && k.matches('/').count() == 2).collect();
    assert!(chapters.len() >= 6, "{chapters:?}");
    for c in chapters {
        let html = String::from_utf8_lossy(&out[c]);
        assert!(html.contains("rel=\"next\"") || html.contains("rel=\"prev\""), "{c}: prev/next");
        assert!(html.contains("<nav class=\"toc\""), "{c}: table of contents");
        assert!(html.contains("<nav class=\"breadcrumbs\""), "{c}: breadcrumbs");
    }
    for must in [
        "toimintamallit/index.html",
        "aihealueet/index.html",
        "aihealueet/kotoutuminen/index.html",
        "sitemap.xml",
        "robots.txt",
        "404.html",
    ] {
        assert!(out.contains_key(must), "{must} missing");
    }
    for (name, bytes) in &out {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("Created with Sketch") && !text.contains(" **"), "{name}: editor debris leaked");
    }
}

#[test]
fn parts_in_another_language_keep_their_lang() {
    let site = SiteTest::new()
        .file("content/a.md", "---\ntitle: A\n---\nTervetuloa – <span lang=\"sv\">välkommen</span> – <span lang=\"en\">welcome</span>.\n");
    site.build().expect_ok();
    let html = site.out("a/index.html");
    assert!(html.contains("<span lang=\"sv\">välkommen</span>") && html.contains("<span lang=\"en\">welcome</span>"), "{html}");
    assert!(html.contains("<html lang=\"fi\">"));
}

#[test]
fn content_in_another_language_than_the_interface_is_marked() {
    let site = SiteTest::new()
        .file("handbook.yaml", &format!("{}language: sv\ncontent_language: fi\n", support::CONFIG))
        .file("content/kasikirja/_index.md", "---\ntitle: Käsikirja\n---\n")
        .file("content/kasikirja/a.md", "---\ntitle: Ensimmäinen\ndescription: Kuvaus\n---\n## Alku\n\nSuomenkielistä tekstiä.\n")
        .file("content/kasikirja/b.md", "---\ntitle: Toinen\n---\nLisää.\n");
    site.build().expect_ok();
    let html = site.out("kasikirja/a/index.html");
    assert!(html.contains("<html lang=\"sv\">") && html.contains("Gå till innehållet"), "{html}");
    for want in [
        "<header class=\"page-header\" lang=\"fi\">\n    <h1 id=\"sivun-otsikko\">Ensimmäinen</h1>",
        "<div class=\"prose\" data-hakuteksti lang=\"fi\">",
        "<span aria-current=\"page\" lang=\"fi\">Ensimmäinen</span>",
    ] {
        assert!(html.contains(want), "missing {want:?} in {html}");
    }
    assert!(site
        .out("tulosta/index.html")
        .contains("<article class=\"print-chapter prose\" aria-labelledby=\"luku-kasikirja-a\" lang=\"fi\">"));
    assert!(site.out("index.html").contains("<ol class=\"chapter-list\" lang=\"fi\">"));
    // The same language in both: the page's own lang says it all, nothing is repeated.
    site.write("handbook.yaml", &format!("{}language: sv\n", support::CONFIG)).build().expect_ok();
    let html = site.out("kasikirja/a/index.html");
    assert!(html.contains("<html lang=\"sv\">") && !html.contains(" lang=\"fi\""), "{html}");
    site.write("handbook.yaml", &format!("{}content_language: suomi\n", support::CONFIG)).build().expect_errors(&[
        "handbook.yaml:3:1: virhe: arvo `suomi` ei kelpaa kenttään `content_language`",
        "sallitut arvot: `fi`, `sv`, `en`",
    ]);
}

#[test]
fn print_page_links_between_chapters_stay_on_the_page() {
    let site = SiteTest::new()
        .file("handbook.yaml", "title: T\nbase_url: https://example.org/kk/\n")
        .file("content/kasikirja/_index.md", "---\ntitle: Käsikirja\n---\n")
        .file(
            "content/kasikirja/a.md",
            "---\ntitle: Ensimmäinen\nweight: 1\n---\n## Alku\n\n[toisen alkuun](b.md#alku), [toinen](b.md), [malli](../mallit/m.md), [tästä](#alku)\n",
        )
        .file("content/kasikirja/b.md", "---\ntitle: Toinen\nweight: 2\n---\n## Alku\n")
        .file("content/mallit/_index.md", "---\ntitle: Mallit\npage_kind: model\n---\n")
        .file("content/mallit/m.md", "---\ntitle: Malli\n---\nTeksti.\n");
    site.build().expect_ok();
    // On the web page the links lead to the web pages …
    let web = site.out("kasikirja/a/index.html");
    assert!(web.contains("<a href=\"/kk/kasikirja/b/#alku\">toisen alkuun</a>"), "{web}");
    // … on the print page to the chapters on the same page; the model card is not there.
    let print = site.out("tulosta/index.html");
    for want in [
        "<a href=\"#luku-kasikirja-b-alku\">toisen alkuun</a>",
        "<a href=\"#luku-kasikirja-b\">toinen</a>",
        "<a href=\"/kk/mallit/m/\">malli</a>",
        "<a href=\"#luku-kasikirja-a-alku\">tästä</a>",
        "<h3 id=\"luku-kasikirja-b-alku\">Alku</h3>",
        "<h2 id=\"luku-kasikirja-b\">Toinen</h2>",
    ] {
        assert!(print.contains(want), "missing {want:?} in {print}");
    }
    // Printed internal links show full URLs: the stylesheet knows the site's address,
    // also a site's own copy of it (the handbook's repository has themes/default/).
    assert!(site.out("style.css").ends_with(":root { --site-url: \"https://example.org\"; }\n"));
    site.write("themes/default/static/style.css", "a[href^=\"/\"]::after { content: var(--site-url) attr(href); }\n").build().expect_ok();
    assert!(site.out("style.css").starts_with("a[href^=\"/\"]::after"), "{}", site.out("style.css"));
    assert!(site.out("style.css").ends_with(":root { --site-url: \"https://example.org\"; }\n"), "{}", site.out("style.css"));
}

/// The print page is written while the pages are rendered, a batch at a time:
/// with more chapters than several batches hold, every chapter is there once,
/// whole and in reading order, and the template's end follows the last one.
#[test]
fn print_page_holds_every_chapter_of_a_large_site_in_order() {
    let mut site = SiteTest::new().file("content/kasikirja/_index.md", "---\ntitle: Käsikirja\n---\n");
    let count = 600;
    for i in 0..count {
        site = site.file(&format!("content/kasikirja/luku-{i:03}.md"), &format!("---\ntitle: Luku {i}\nweight: {i}\n---\nTeksti {i}.\n"));
    }
    site.build().expect_ok();
    let print = site.out("tulosta/index.html");
    let heading = |i: usize| format!("<h2 id=\"luku-kasikirja-luku-{i:03}\">Luku {i}</h2>");
    let mut at = 0;
    for i in 0..count {
        assert_eq!(print.matches(&heading(i)).count(), 1, "{}", heading(i));
        let found = print.find(&heading(i)).unwrap();
        assert!(found > at, "chapter {i} out of order");
        // The chapter's text is between its heading and the next chapter's.
        let end = print.find(&heading(i + 1)).unwrap_or(print.len());
        assert!(print[found..end].contains(&format!("<p>Teksti {i}.</p>")), "chapter {i} without its text");
        at = found;
    }
    assert!(print.trim_end().ends_with("</html>"), "the template's end after the last chapter");
}

/// The links of the main menu on `html`, in order.
fn main_menu(html: &str) -> Vec<String> {
    let start = html.find("<nav class=\"main-nav\"").expect("main menu");
    let menu = &html[start..start + html[start..].find("</nav>").expect("menu end")];
    menu.split("<li>").skip(1).map(|li| li[..li.find("</li>").expect("item end")].to_string()).collect()
}

#[test]
fn a_site_of_many_sections_gets_a_short_menu_and_the_full_list_on_the_home_page() {
    // 15 sections: past the limit of 12 the menu lists the first 12, the
    // reader's own and a link to the list of all on the home page.
    let mut site = SiteTest::new();
    for i in 1..=15 {
        site = site
            .file(&format!("content/osa{i:02}/_index.md"), &format!("---\ntitle: Osa {i}\nweight: {i}\n---\n"))
            .file(&format!("content/osa{i:02}/sivu.md"), &format!("---\ntitle: Sivu {i}\n---\nTeksti.\n"));
    }
    site.build().expect_ok();
    let own = "<a href=\"/osa14/\" aria-current=\"true\">Osa 14</a>";
    let menu = main_menu(&site.out("osa14/sivu/index.html"));
    assert_eq!(menu.len(), 12 + 3, "{menu:#?}");
    assert_eq!(menu[0], "<a href=\"/osa01/\">Osa 1</a>");
    assert_eq!(menu[11], "<a href=\"/osa12/\">Osa 12</a>");
    assert_eq!(menu[12], own);
    assert_eq!(menu[13], "<a href=\"/#osiot\">Kaikki osiot (15)</a>");
    assert_eq!(menu[14], "<a href=\"/aihealueet/\">Aihealueet</a>");
    // A section's own page marks itself as the current page.
    let menu = main_menu(&site.out("osa15/index.html"));
    assert!(menu.contains(&"<a href=\"/osa15/\" aria-current=\"page\">Osa 15</a>".to_string()), "{menu:#?}");
    assert!(!menu.iter().any(|l| l.contains("/osa14/")), "{menu:#?}");
    // Within the first twelve, nothing is added.
    let menu = main_menu(&site.out("osa03/sivu/index.html"));
    assert_eq!(menu.len(), 12 + 2, "{menu:#?}");
    assert_eq!(menu[2], "<a href=\"/osa03/\" aria-current=\"true\">Osa 3</a>");
    // The home page lists all 15, under the heading the menu links to.
    let home = site.out("index.html");
    let list = &home[home.find("<h2 id=\"osiot\">Kaikki osiot</h2>").expect("list of all sections")..];
    let list = &list[..list.find("</ul>").expect("list end")];
    for i in 1..=15 {
        assert!(list.contains(&format!("<li><a href=\"/osa{i:02}/\">Osa {i}</a></li>")), "section {i}: {list}");
    }

    // 12 sections: every one in the menu, no link to a list and no list.
    let site = SiteTest::new();
    let site =
        (1..=12).fold(site, |s, i| s.file(&format!("content/osa{i:02}/_index.md"), &format!("---\ntitle: Osa {i}\nweight: {i}\n---\n")));
    site.build().expect_ok();
    assert_eq!(main_menu(&site.out("osa12/index.html")).len(), 12 + 1);
    assert!(!site.out("index.html").contains("id=\"osiot\""));
}
