//! Bad input never crashes and is always explained (issue 7): one case per
//! kind of mistake, each asserting exit code 1 (never 101) and the exact
//! message with its position; plus the inputs that must simply work.

mod support;

use support::{snapshot, SiteTest};

#[test]
fn non_utf8_file_is_named_with_its_position() {
    let site = SiteTest::new();
    let mut bytes = b"---\ntitle: A\n---\nHyv".to_vec();
    bytes.extend([0xe4, 0x20, b'x', b'\n']); // Latin-1 "ä"
    std::fs::write(site.root().join("content/latin1.md"), bytes).unwrap();
    site.check().expect_errors(&["content/latin1.md:4:4: virhe: tiedosto ei ole UTF-8-muotoista tekstiä", "tallenna tiedosto"]);
}

#[test]
fn empty_file_asks_for_front_matter() {
    SiteTest::new()
        .file("content/tyhja.md", "")
        .check()
        .expect_errors(&["content/tyhja.md:1:1: virhe: tiedoston alusta puuttuvat alkutiedot"]);
}

#[test]
fn wrong_types_everywhere_are_all_reported() {
    let text = "---\ntitle: [lista]\ndescription: {a: 1}\nweight: 1.5\ncreated: 20231020\ntopics: {a: b}\naliases: [ei-kauttaviivaa]\npage_kind: kortti\n---\n";
    let run = SiteTest::new().file("content/a.md", text).check().expect_errors(&[
        "content/a.md:2:1: virhe: kentän `title` arvon pitää olla teksti, nyt se on lista",
        "content/a.md:3:1: virhe: kentän `description` arvon pitää olla teksti, nyt se on kenttäryhmä",
        "content/a.md:4:1: virhe: kentän `weight` arvon pitää olla kokonaisluku, nyt se on numero",
        "content/a.md:5:1: virhe: kentän `created` arvon pitää olla päivämäärä, nyt se on numero",
        "content/a.md:6:1: virhe: kentän `topics` arvon pitää olla lista, nyt se on kenttäryhmä",
        "content/a.md:7:1: virhe: osoite `ei-kauttaviivaa` ei kelpaa",
        "content/a.md:8:1: virhe: arvo `kortti` ei kelpaa kenttään `page_kind`",
    ]);
    assert_eq!(run.stderr.matches(": virhe: ").count(), 7, "{}", run.stderr);
}

#[test]
fn large_and_deeply_nested_pages_render_without_crashing() {
    let big: String = "Perhekeskus tukee perheitä arjessa. ".repeat(300_000); // ~10 MB
    let lists: String = (0..500).map(|i| format!("{}- taso {i}\n", "  ".repeat(i))).collect();
    let quotes = format!("{} syvä lainaus\n", ">".repeat(5_000));
    let yaml_deep = format!("---\ntitle: A\ndescription: {}x{}\n---\n", "[".repeat(2_000), "]".repeat(2_000));
    let site = SiteTest::new()
        .file("content/iso.md", &format!("---\ntitle: Iso\n---\n{big}\n"))
        .file("content/listat.md", &format!("---\ntitle: Listat\n---\n{lists}"))
        .file("content/lainaukset.md", &format!("---\ntitle: Lainaukset\n---\n{quotes}"));
    site.build().expect_ok();
    assert!(site.out("iso/index.html").len() > 10_000_000);
    assert!(site.out("listat/index.html").contains("taso 499"));
    let deep = SiteTest::new().file("content/a.md", &yaml_deep).check();
    assert_eq!(deep.code, 1, "{}", deep.stderr);
    assert!(
        deep.stderr.contains("content/a.md:3:") && deep.stderr.contains("virhe: alkutietojen YAML-muoto on virheellinen"),
        "{}",
        deep.stderr
    );
}

#[test]
fn file_names_with_spaces_get_clean_urls() {
    let site = SiteTest::new().file(
        "content/Perheiden tuki ja Äitiys.md",
        "---\ntitle: Tuki\n---\n[itse](Perheiden%20tuki%20ja%20Äitiys.md) [toinen](<Perheiden tuki ja Äitiys.md>)\n",
    );
    site.build().expect_ok();
    let html = site.out("perheiden-tuki-ja-aitiys/index.html");
    assert_eq!(html.matches("href=\"/perheiden-tuki-ja-aitiys/\"").count(), 2, "{html}");
}

#[cfg(unix)]
#[test]
fn symlinks_never_lead_out_of_content_and_loops_do_not_hang() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("salainen.md"), "---\ntitle: Salainen\n---\n").unwrap();
    let site = SiteTest::new().file("content/a.md", "---\ntitle: A\n---\n");
    std::os::unix::fs::symlink(outside.path().join("salainen.md"), site.root().join("content/salainen.md")).unwrap();
    std::os::unix::fs::symlink(site.root().join("content"), site.root().join("content/silmukka")).unwrap();
    std::os::unix::fs::symlink(site.root().join("content/a.md"), site.root().join("content/b.md")).unwrap();
    let run = site.build().expect_ok();
    assert!(run.stderr.contains("content/salainen.md:1:1: varoitus: symbolinen linkki ohitettiin"), "{}", run.stderr);
    assert!(!site.root().join("public/salainen").exists());
    assert!(site.root().join("public/b/index.html").exists(), "a link inside content/ is fine");
}

#[test]
fn missing_theme_template_and_tera_errors_name_the_template() {
    SiteTest::new()
        .file("content/a.md", "---\ntitle: A\n---\n")
        .file("themes/default/templates/chapter.html", "{% extends \"puuttuva.html\" %}")
        .check()
        .expect_errors(&["themes/default/templates/chapter.html", "puuttuva.html"]);
    // A page naming a template the theme lacks: at its own front-matter line, with the choices.
    SiteTest::new().file("content/a.md", "---\ntitle: A\ntemplate: oma.html\n---\n").check().expect_errors(&[
        "content/a.md:3:1: virhe: sivupohjaa `oma.html` ei ole teemassa",
        "Teeman sivupohjat: 404.html, accessibility.html, base.html, catalogue.html, changes.html, chapter.html, home.html,",
        "oman sivupohjan voi lisätä kansioon `themes/<teema>/templates/`",
    ]);
    // A Tera error at render time: at the failing expression, in Finnish.
    SiteTest::new()
        .file("content/a.md", "---\ntitle: A\n---\n")
        .file(
            "themes/default/templates/chapter.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<p>\n  {{ page.olematon.kentta }}\n</p>{% endblock main %}",
        )
        .check()
        .expect_errors(&[
            "themes/default/templates/chapter.html:4:11: virhe: sivun /a/ piirtäminen sivupohjalla `chapter.html` epäonnistui: kenttää `olematon` ei ole sivupohjan tiedoissa (tiedoissa on: breadcrumbs, change, content,",
            "title, toc, topics, updated, url)\n  |\n4 |   {{ page.olematon.kentta }}\n  |           ^\n  = help: tarkista nimi: sivupohjien muuttujat on lueteltu README:n kohdassa Teeman tekeminen",
        ]);
    SiteTest::new()
        .file("content/a.md", "---\ntitle: A\n---\n")
        .file(
            "themes/default/templates/chapter.html",
            "{% extends \"base.html\" %}\n{% block main %}\n{{ page.title | lihavoi }}{% endblock main %}",
        )
        .check()
        .expect_errors(&[
            // Tera finds an unknown filter when it compiles the theme, before any page is rendered.
            "themes/default/templates/chapter.html:3:17: virhe: sivupohjaa ei voitu kääntää: suodatinta `lihavoi` ei ole",
        ]);
    SiteTest::new()
        .file("handbook.yaml", &format!("{}theme: puuttuva\n", support::CONFIG))
        .check()
        .expect_errors(&["virhe: teemaa `puuttuva` ei löydy kansiosta `themes/puuttuva/`"]);
}

#[test]
fn missing_config_is_explained() {
    let site = SiteTest::new();
    std::fs::remove_file(site.root().join("handbook.yaml")).unwrap();
    site.check()
        .expect_errors(&["handbook.yaml:1:1: virhe: sivuston asetustiedostoa ei voitu lukea (tiedostoa tai kansiota ei ole)", "--root"]);
}

#[test]
fn an_interrupted_build_leaves_the_previous_output_byte_identical() {
    // A site big enough that the build is still writing when it is killed.
    let mut site = SiteTest::new();
    for i in 0..3_000 {
        site = site.file(
            &format!("content/osa{}/sivu{i}.md", i % 30),
            &format!("---\ntitle: Sivu {i}\n---\n{}\n", "Tekstiä perheille. ".repeat(200)),
        );
    }
    site.build().expect_ok();
    let before = snapshot(&site.out_path());
    site.write("content/osa0/sivu0.md", "---\ntitle: Muutettu\n---\nUusi\n");
    // What a complete build of the changed site publishes.
    site.run(&["build", "--out", "tuore"]).expect_ok();
    let after = snapshot(&site.root().join("tuore"));
    let mut interrupted = 0;
    for delay_ms in [20u64, 50, 100, 150, 250] {
        let mut child = std::process::Command::new(support::bin()).arg("build").current_dir(site.root()).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
        }
        child.wait().unwrap();
        // The old output, whole, or (when the kill came after the publish) the new one, whole.
        let now = snapshot(&site.out_path());
        if now == before {
            interrupted += 1;
        } else {
            assert!(now == after, "public/ is neither the old nor the new output after a kill at {delay_ms} ms");
            break;
        }
    }
    assert!(interrupted > 0, "no build was interrupted: the site is too small to test this");
    // The next build takes over what the killed ones left (overwriting it in
    // place, see `output::reuse`), and its output is what a fresh build gives.
    site.build().expect_ok();
    assert!(site.out("osa0/sivu0/index.html").contains("Muutettu"));
    assert!(!site.root().join(".public.staging").exists());
    site.run(&["build", "--out", "tuore"]).expect_ok();
    assert_eq!(snapshot(&site.out_path()), snapshot(&site.root().join("tuore")));
}

#[test]
fn script_urls_are_refused_everywhere() {
    let run = SiteTest::new()
        .file("content/a.md", "---\ntitle: A\n---\n[klikkaa](javascript:alert(1)) [data](data:text/html,x) [v](<JaVa\tScript:alert(2)>)\n")
        .check()
        .expect_errors(&[
            "content/a.md:4:1: virhe: osoite `javascript:alert(1)` ei ole sallittu",
            "content/a.md:4:32: virhe: osoite `data:text/html,x` ei ole sallittu",
            "content/a.md:4:57: virhe: osoite `JaVa\tScript:alert(2)` ei ole sallittu",
        ]);
    assert_eq!(run.stderr.matches(": virhe: ").count(), 3, "{}", run.stderr);
    SiteTest::new()
        .file("content/mallit/_index.md", "---\ntitle: Mallit\npage_kind: model\n---\n")
        .file("content/mallit/m.md", "---\ntitle: M\nlinks:\n  - title: x\n    url: javascript:alert(3)\nmeetings:\n  - date: 2024-01-01\n    title: T\n    memo: vbscript:msgbox(4)\ncover:\n  image: javascript:alert(5)\n  alt: Kuva\n---\n")
        .check()
        // Each at its value, not at the list item or key that holds it.
        .expect_errors(&[
            "content/mallit/m.md:5:10: virhe: osoite `javascript:alert(3)` ei ole sallittu",
            "content/mallit/m.md:9:11: virhe: osoite `vbscript:msgbox(4)` ei ole sallittu",
            "content/mallit/m.md:11:10: virhe: osoite `javascript:alert(5)` ei ole sallittu",
        ]);
}

/// `--out` spelled with `..` once resolved to "somewhere else" and publishing
/// then deleted the sources as the previous output.
#[test]
fn an_output_folder_that_is_the_site_itself_is_refused_however_it_is_spelled() {
    let site = SiteTest::new().file("content/a.md", "---\ntitle: A\n---\n");
    let name = site.root().file_name().unwrap().to_str().unwrap().to_string();
    let parent = site.root().parent().unwrap();
    let run = |dir: &std::path::Path, args: &[&str]| {
        let o = std::process::Command::new(support::bin()).args(args).current_dir(dir).output().unwrap();
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let up = format!("../{name}");
    let via_content = format!("{name}/content/../../{name}");
    let root_then_up = format!("{name}/../{name}");
    for (dir, args, shown) in [
        (site.root(), vec!["build", "--out", up.as_str()], up.as_str()),
        (site.root(), vec!["build", "--out", "."], "."),
        (site.root(), vec!["build", "--out", "content/../."], "content/../."),
        (parent, vec!["build", "--root", name.as_str(), "--out", root_then_up.as_str()], root_then_up.as_str()),
        (parent, vec!["build", "--root", name.as_str(), "--out", via_content.as_str()], via_content.as_str()),
    ] {
        let (code, stderr) = run(dir, &args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        let expected = format!(
            "{shown}:1:1: virhe: tulostekansioksi ei voi valita sivuston juurta, sen yläkansiota eikä kansiota `content/` tai `themes/`"
        );
        assert!(stderr.contains(&expected), "{args:?}: missing {expected:?} in {stderr}");
        assert!(stderr.contains("help: valitse erillinen kansio, esim. `--out public`"), "{stderr}");
        assert!(site.root().join("content/a.md").is_file() && site.root().join("handbook.yaml").is_file(), "{args:?} deleted the sources");
    }
    // A folder beside the site is fine.
    let beside = format!("../{name}-julkaisu");
    let (code, stderr) = run(site.root(), &["build", "--out", beside.as_str()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(parent.join(format!("{name}-julkaisu/a/index.html")).is_file());
    std::fs::remove_dir_all(parent.join(format!("{name}-julkaisu"))).unwrap();
}

/// Aliases are written verbatim into `_redirects` and as redirect pages:
/// only clean URL paths pass, each refused at its own line.
#[test]
fn aliases_must_be_clean_url_paths() {
    let run = SiteTest::new()
        .file(
            "content/a.md",
            "---\ntitle: A\naliases:\n  - \"/y\\n/* https://evil.example/ 302!\\n/z\"\n  - /a b/\n  - /<script>/\n  - /q?x=1\n  - /z#frag\n  - /%C3%A4iti/\n  - /Vanha/\n  - /a/../../x/\n  - vanha/\n---\n",
        )
        .check()
        .expect_errors(&[
            "content/a.md:4:3: virhe: osoite `/y\\n/* https://evil.example/ 302!\\n/z` ei kelpaa: osoitteessa on välilyönti, sarkain tai rivinvaihto",
            "content/a.md:5:3: virhe: osoite `/a b/` ei kelpaa: osoitteessa on välilyönti, sarkain tai rivinvaihto",
            "content/a.md:6:3: virhe: osoite `/<script>/` ei kelpaa: osoitteessa on merkkejä, joita osoitteen polussa ei voi käyttää sellaisenaan",
            "content/a.md:7:3: virhe: osoite `/q?x=1` ei kelpaa: osoitteessa on kysely- (`?`) tai ankkuriosa (`#`); vanha osoite on pelkkä polku",
            "content/a.md:8:3: virhe: osoite `/z#frag` ei kelpaa: osoitteessa on kysely- (`?`) tai ankkuriosa (`#`)",
            "content/a.md:9:3: virhe: osoite `/%C3%A4iti/` ei kelpaa: osoitteessa on prosenttikoodattu merkki (`%`)",
            "content/a.md:10:3: virhe: osoite `/Vanha/` ei kelpaa: osoitteessa on isoja kirjaimia",
            "content/a.md:11:3: virhe: osoite `/a/../../x/` ei kelpaa: osoitteessa on tyhjä osa (`//`) tai pisteellä alkava osa (`.`, `..`, `.piilo`)",
            "content/a.md:12:3: virhe: osoite `vanha/` ei kelpaa: osoitteen pitää alkaa kauttaviivalla `/`",
            "help: kirjoita vanha osoite pelkkänä polkuna pienin kirjaimin a–z, numeroin ja merkein - . ~ /, esim. `/vanha/osoite/` (ä→a, ö→o)",
        ]);
    assert_eq!(run.stderr.matches(": virhe: ").count(), 9, "{}", run.stderr);
}

/// No alias and no copied content file may take an output file that
/// something else writes; both sources are named. Nor may a content file lie
/// in a folder the generator fills itself (the search export is written
/// while the listings are, so a clash there would be found in either order).
#[test]
fn aliases_and_content_files_never_overwrite_generated_files() {
    let run = SiteTest::new()
        .file(
            "content/a.md",
            "---\ntitle: A\naliases:\n  - /robots.txt\n  - /404.html\n  - /style.css\n  - /style.css/\n  - /\n  - /b/\n  - /haku/vanha/\n  - /vanha/\n---\n",
        )
        .file("content/b.md", "---\ntitle: B\naliases: [/vanha]\n---\n")
        .file("content/sitemap.xml", "<urlset/>")
        .file("content/b/index.html", "<p>vanha</p>")
        .file("content/haku/hakemisto.json", "{}")
        .check()
        .expect_errors(&[
            "content/a.md:4:3: virhe: vanha osoite `/robots.txt` kirjoittaisi tulostiedoston `robots.txt`, joka on jo käytössä: sivuston oma tiedosto",
            "content/a.md:5:3: virhe: vanha osoite `/404.html` kirjoittaisi tulostiedoston `404.html`, joka on jo käytössä: sivuston oma tiedosto",
            "content/a.md:6:3: virhe: vanha osoite `/style.css` kirjoittaisi tulostiedoston `style.css`, joka on jo käytössä: teeman tiedosto `themes/default/static/style.css`",
            "content/a.md:7:3: virhe: vanha osoite `/style.css/` (tulostiedosto `style.css/index.html`) ei mahdu samaan paikkaan kuin `style.css`: teeman tiedosto `themes/default/static/style.css`",
            "content/a.md:8:3: virhe: vanha osoite `/` kirjoittaisi tulostiedoston `index.html`, joka on jo käytössä: osion sivu `content/_index.md`",
            "content/a.md:9:3: virhe: vanha osoite `/b/` kirjoittaisi tulostiedoston `b/index.html`, joka on jo käytössä: sivu `content/b.md`",
            "content/a.md:10:3: virhe: vanha osoite `/haku/vanha/` on sivuston omien sivujen osoitteessa `/haku/`",
            "content/b.md:3:1: virhe: vanha osoite `/vanha` kirjoittaisi tulostiedoston `vanha/index.html`, joka on jo käytössä: vanha osoite `/vanha/` sivulla `content/a.md`",
            "content/sitemap.xml:1:1: virhe: tiedosto `content/sitemap.xml` kirjoittaisi tulostiedoston `sitemap.xml`, joka on jo käytössä: sivuston oma tiedosto",
            "content/b/index.html:1:1: virhe: tiedosto `content/b/index.html` kirjoittaisi tulostiedoston `b/index.html`, joka on jo käytössä: sivu `content/b.md`",
            "content/haku/hakemisto.json:1:1: virhe: tiedosto `content/haku/hakemisto.json` on sivuston omien sivujen kansiossa `/haku/`",
        ]);
    assert_eq!(run.stderr.matches(": virhe: ").count(), 11, "{}", run.stderr);
}

#[test]
fn clean_aliases_redirect_with_an_absolute_canonical_link() {
    let site = SiteTest::new()
        .file("handbook.yaml", "title: T\nbase_url: https://example.org/kasikirja/\n")
        .file("content/uusi.md", "---\ntitle: Uusi\naliases: [/vanha/osoite, /vanha.html]\n---\n")
        // A content file may still replace a theme file of the same name.
        .file("content/favicon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    site.build().expect_ok();
    assert_eq!(site.out("_redirects"), "/kasikirja/vanha/osoite/ /kasikirja/uusi/ 301\n/kasikirja/vanha.html /kasikirja/uusi/ 301\n");
    for page in ["vanha/osoite/index.html", "vanha.html"] {
        let html = site.out(page);
        assert!(html.contains("<link rel=\"canonical\" href=\"https://example.org/kasikirja/uusi/\">"), "{html}");
        assert!(html.contains("content=\"0; url=/kasikirja/uusi/\""), "{html}");
    }
    assert_eq!(site.out("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
}

/// The templates use ids such as `sisalto` and `perustiedot`; a body heading
/// of the same name gets the next free id, so ids stay unique on the page.
#[test]
fn body_headings_never_reuse_the_templates_ids() {
    let site = SiteTest::new()
        .file("content/mallit/_index.md", "---\ntitle: Mallit\npage_kind: model\n---\n")
        .file("content/mallit/m.md", "---\ntitle: M\n---\n## Perustiedot\n\n## Aihealueet\n\n## Sisältö {#sisalto}\n")
        .file("content/a.md", "---\ntitle: A\n---\n## Sisältö\n\n## Sisältö\n\n[alkuun](#sisalto) [otsikkoon](#sisalto-2)\n");
    site.build().expect_ok();
    for (page, ids) in
        [("a/index.html", &["sisalto-2", "sisalto-3"][..]), ("mallit/m/index.html", &["perustiedot-2", "aihealueet-2", "sisalto-2"])]
    {
        let html = site.out(page);
        for id in ids {
            assert!(html.contains(&format!("id=\"{id}\"")), "{page}: no {id}");
        }
        let mut all: Vec<&str> = html.split("id=\"").skip(1).map(|r| &r[..r.find('"').unwrap()]).collect();
        let count = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), count, "{page}: duplicate ids in {all:?}");
    }
}

/// A name without a letter or digit slugs to nothing: the page would get the
/// address `//` and overwrite the home page.
#[test]
fn names_that_give_no_address_are_errors() {
    let run = SiteTest::new()
        .file("content/Дом.md", "---\ntitle: Koti\n---\n")
        .file("content/???.md", "---\ntitle: Kysymys\n---\n")
        .file("content/Семья/a.md", "---\ntitle: A\n---\n")
        .file("content/ok.md", "---\ntitle: Ok\n---\n")
        .check()
        .expect_errors(&[
            "content/???.md:1:1: virhe: tiedoston nimestä `???.md` ei saa osoitetta: siinä ei ole kirjaimia a–z eikä numeroita\n  = help: nimeä tiedosto uudelleen niin, että nimessä on kirjaimia a–z (myös ä, ö, å) tai numeroita, esim. `perheet.md`",
            "content/Дом.md:1:1: virhe: tiedoston nimestä `Дом.md` ei saa osoitetta",
            "content/Семья:1:1: virhe: kansion nimestä `Семья` ei saa osoitetta: siinä ei ole kirjaimia a–z eikä numeroita\n  = help: nimeä kansio uudelleen niin, että nimessä on kirjaimia a–z (myös ä, ö, å) tai numeroita, esim. `perheet`",
        ]);
    assert_eq!(run.stderr.matches(": virhe: ").count(), 3, "{}", run.stderr);
}

#[test]
fn topics_need_an_address_and_merged_spellings_are_pointed_out() {
    let run = SiteTest::new()
        .file("content/a.md", "---\ntitle: A\ntopics:\n  - Äiti\n  - \"???\"\n  - /\n  - ../..\n---\n")
        .file("content/b.md", "---\ntitle: B\ntopics: [aiti, AITI, aiti]\n---\n")
        .check()
        .expect_errors(&[
            "content/a.md:5:3: virhe: aihealueesta `???` ei saa osoitetta: siinä ei ole kirjaimia a–z eikä numeroita\n  |\n5 |   - \"???\"\n  |   ^\n  = help: kirjoita aihealueen nimi sanoin, esim. `Perhekeskus`, tai poista se `topics`-listasta",
            "content/a.md:6:3: virhe: aihealueesta `/` ei saa osoitetta",
            "content/a.md:7:3: virhe: aihealueesta `../..` ei saa osoitetta",
            "content/b.md:3:1: varoitus: aihealue `aiti` yhdistyy aihealueeseen `Äiti` (content/a.md): molemmat ovat sivulla `/aihealueet/aiti/` nimellä `Äiti`\n  |\n3 | topics: [aiti, AITI, aiti]\n  | ^\n  = help: kirjoita aihealue kaikilla sivuilla samalla tavalla, esim. `Äiti`",
            "content/b.md:3:1: varoitus: aihealue `AITI` yhdistyy aihealueeseen `Äiti` (content/a.md)",
        ]);
    assert_eq!(run.stderr.matches(": virhe: ").count(), 3, "{}", run.stderr);
    assert_eq!(run.stderr.matches(": varoitus: aihealue").count(), 2, "{}", run.stderr);
    // Same spelling everywhere: no warning, one topic page.
    let site = SiteTest::new()
        .file("content/a.md", "---\ntitle: A\ntopics: [Äiti]\n---\n")
        .file("content/b.md", "---\ntitle: B\ntopics: [Äiti, Äiti]\n---\n");
    let run = site.build().expect_ok();
    assert!(!run.stderr.contains("aihealue"), "{}", run.stderr);
    assert!(!site.out("a/index.html").contains("href=\"/aihealueet//\""));
    let topic = site.out("aihealueet/aiti/index.html");
    assert!(topic.contains("Äiti"));
    // A page that names a topic twice is listed once.
    assert_eq!((topic.matches("href=\"/a/\"").count(), topic.matches("href=\"/b/\"").count()), (1, 1), "{topic}");
}

/// A meeting's memo is a URL or, like `links[].file`, a file or page beside
/// the card: resolved, checked, and reported at its value.
#[test]
fn memos_cover_images_and_link_files_are_checked_at_their_values() {
    let card = "---\ntitle: K\ncover:\n  image: kuvat/puuttuu.svg\n  alt: Kuva\nlinks:\n  - title: Liite\n    file: liitteet/puuttuu.pdf\nmeetings:\n  - date: 2024-01-01\n    title: T\n    memo: kuvat/puuttuu.pdf\n  - date: 2024-01-02\n    title: T2\n    memo: ../../x.md\n  - date: 2024-01-03\n    title: T3\n    memo: https://example.org/muistio.pdf\n---\n";
    let run = SiteTest::new()
        .file("content/mallit/_index.md", "---\ntitle: Mallit\npage_kind: model\n---\n")
        .file("content/mallit/k.md", card)
        .check()
        .expect_errors(&[
            "content/mallit/k.md:4:10: virhe: tiedostoa `content/mallit/kuvat/puuttuu.svg` ei löydy",
            "content/mallit/k.md:8:11: virhe: tiedostoa `content/mallit/liitteet/puuttuu.pdf` ei löydy",
            "content/mallit/k.md:12:11: virhe: tiedostoa `content/mallit/kuvat/puuttuu.pdf` ei löydy\n   |\n12 |     memo: kuvat/puuttuu.pdf\n   |           ^\n  = help: tarkista tiedoston nimi ja polku; polku luetaan tämän tiedoston kansiosta",
            "content/mallit/k.md:15:11: virhe: polku `../../x.md` johtaa kansion `content/` ulkopuolelle",
        ]);
    assert_eq!(run.stderr.matches(": virhe: ").count(), 4, "{}", run.stderr);
    // Relative memos become the URL of the page or file they name.
    let site = SiteTest::new()
        .file("content/mallit/_index.md", "---\ntitle: Mallit\npage_kind: model\n---\n")
        .file("content/mallit/liitteet/muistio.pdf", "%PDF-1.4\n")
        .file("content/muut/x.md", "---\ntitle: X\n---\n")
        .file(
            "content/mallit/k.md",
            "---\ntitle: K\nmeetings:\n  - date: 2024-01-01\n    title: T\n    memo: liitteet/muistio.pdf\n  - date: 2024-01-02\n    title: T2\n    memo: ../muut/x.md\n---\n",
        );
    site.build().expect_ok();
    let html = site.out("mallit/k/index.html");
    assert!(html.contains("href=\"/mallit/liitteet/muistio.pdf\"") && html.contains("href=\"/muut/x/\""), "{html}");
}

#[test]
fn check_external_reports_a_dead_memo_at_its_own_line() {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    let answer = std::thread::spawn(move || {
        for _ in 0..4 {
            let Ok(Some(req)) = server.recv_timeout(std::time::Duration::from_secs(20)) else { break };
            let _ = req.respond(tiny_http::Response::empty(404));
        }
    });
    let card = format!("---\ntitle: K\nmeetings:\n  - date: 2024-01-01\n    title: T\n    memo: {base}/muistio.pdf\n---\n");
    let run = SiteTest::new()
        .file("content/mallit/_index.md", "---\ntitle: Mallit\npage_kind: model\n---\n")
        .file("content/mallit/k.md", &card)
        .run(&["check", "--external", "--timeout", "5"])
        .expect_errors(&[&format!(
            "content/mallit/k.md:6:11: virhe: ulkoinen linkki `{base}/muistio.pdf` ei toimi: palvelin vastasi HTTP 404"
        )]);
    assert_eq!(run.stderr.matches(": virhe: ").count(), 1, "{}", run.stderr);
    drop(answer);
}

/// A theme's static files are published: its name may only be a folder under `themes/`.
#[test]
fn a_theme_outside_themes_is_refused() {
    let outside = SiteTest::new().file("themes/evil/static/salaisuus.txt", "salainen");
    let site = SiteTest::new().file("content/a.md", "---\ntitle: A\n---\n");
    // themes/../../<other site>/themes/evil
    let rel = format!("../../{}/themes/evil", outside.root().file_name().unwrap().to_str().unwrap());
    site.write("handbook.yaml", &format!("{}theme: {rel}\n", support::CONFIG));
    site.build().expect_errors(&[&format!(
        "handbook.yaml:3:1: virhe: teeman nimi `{rel}` ei kelpaa: teema on yksi kansio kansiossa `themes/`\n  |\n3 | theme: {rel}\n  | ^\n  = help: kirjoita pelkkä kansion nimi, esim. `theme: oma` (kansio `themes/oma/`), tai poista rivi, jolloin käytetään oletusteemaa"
    )]);
    assert!(!site.out_path().exists());
}

/// `--base-url` lands in canonical links, the sitemap and `_redirects`: a usage error unless it is a web address.
#[test]
fn a_base_url_that_is_not_a_web_address_is_a_usage_error() {
    let site = SiteTest::new().file("content/a.md", "---\ntitle: A\n---\n");
    for (url, why) in [
        ("not a url", "osoitteen pitää alkaa `https://` tai `http://`"),
        ("javascript:alert(1)//", "osoitteen pitää alkaa `https://` tai `http://`"),
        (
            "https://example.org/\"><script>alert(1)</script>",
            "polussa on välilyönti, kysely- tai ankkuriosa tai merkki, jota ei voi käyttää sellaisenaan",
        ),
        (
            "https://example.org/a\n/* https://evil.example/ 302!",
            "polussa on välilyönti, kysely- tai ankkuriosa tai merkki, jota ei voi käyttää sellaisenaan",
        ),
    ] {
        let run = site.run(&["build", "--base-url", url]);
        assert_eq!(run.code, 2, "{url}: {}", run.stderr);
        let shown = url.replace('\n', "\\n");
        let expected = format!("virhe: valitsimen --base-url arvo `{shown}` ei kelpaa sivuston osoitteeksi: {why}\n  = help: kirjoita osoite kokonaan, esim. `https://perhekeskus.example.fi/`");
        assert!(run.stderr.contains(&expected), "missing {expected:?} in {}", run.stderr);
        assert!(!site.out_path().exists());
    }
    site.run(&["build", "--base-url", "https://deploy-preview-7--kasikirja.netlify.app"]).expect_ok();
    assert!(site.out("sitemap.xml").contains("<loc>https://deploy-preview-7--kasikirja.netlify.app/a/</loc>"));
}

/// YAML problems are explained in Finnish, at the place to fix.
#[test]
fn yaml_mistakes_are_explained_in_finnish_where_they_are() {
    let mut laughs = String::from("---\ntitle: A\nx: &a [l, l, l, l, l, l, l, l, l]\n");
    let mut prev = 'a';
    for n in "bcdefghi".chars() {
        laughs.push_str(&format!("{n}: &{n} [{}]\n", vec![format!("*{prev}"); 9].join(", ")));
        prev = n;
    }
    laughs.push_str("---\n");
    let run = SiteTest::new()
        .file("content/kahdesti.md", "---\ntitle: A\ndescription: B\ntitle: C\n---\n")
        .file("content/kansi.md", "---\ntitle: A\ncover:\n  image: a.svg\n  alt: x\n  image: b.svg\n---\n")
        .file("content/iso.md", "---\ntitle: A\nweight: 99999999999999999999\n---\n")
        .file("content/vali.md", "---\ntitle: A\nweight: 2000000000\n---\n")
        .file("content/tyhja.md", "---\ntitle: \"  \"\n---\n")
        .file("content/kaksoispiste.md", "---\ntitle: Otsikko: alaotsikko\n---\n")
        .file("content/viittaus.md", "---\ntitle: *puuttuu\n---\n")
        .file("content/naurut.md", &laughs)
        .check()
        .expect_errors(&[
            "content/kahdesti.md:4:1: virhe: kenttä `title` on kahdesti\n  |\n4 | title: C\n  | ^\n  = help: poista toinen rivi tai yhdistä arvot: sama kenttä saa esiintyä kerran",
            "content/kansi.md:6:3: virhe: kenttä `cover.image` on kahdesti",
            "content/iso.md:3:9: virhe: kentän `weight` luku `99999999999999999999` on liian suuri\n  |\n3 | weight: 99999999999999999999\n  |         ^\n  = help: kokonaislukujen sallittu väli on −1 000 000 000 … 1 000 000 000; jos arvo on tekstiä, kirjoita se lainausmerkkeihin",
            "content/vali.md:3:1: virhe: kentän `weight` arvo 2000000000 on sallitun välin ulkopuolella\n  |\n3 | weight: 2000000000\n  | ^\n  = help: kirjoita kokonaisluku väliltä −1 000 000 000 … 1 000 000 000, esimerkiksi `weight: 10`",
            "content/tyhja.md:2:1: virhe: otsikko (`title`) on tyhjä\n  |\n2 | title: \"  \"\n  | ^\n  = help: kirjoita sivulle otsikko, esim. `title: Perhekeskuksen toiminta`",
            "content/kaksoispiste.md:2:15: virhe: alkutietojen YAML-muoto on virheellinen: rivillä on ylimääräinen kaksoispiste",
            "= help: teksti, jossa on `: `, kirjoitetaan lainausmerkkeihin, esim. `title: \"Otsikko: alaotsikko\"`",
            "content/viittaus.md:2:8: virhe: alkutietojen YAML-muoto on virheellinen: viittaus `*…` osoittaa ankkuriin, jota ei ole",
            "content/naurut.md:2:1: virhe: alkutietojen YAML-muoto on virheellinen: tiedoissa on liikaa viittauksia (`&ankkuri` ja `*viittaus`)",
        ]);
    assert_eq!(run.stderr.matches(": virhe: ").count(), 8, "{}", run.stderr);
    for english in ["duplicate entry", "invalid type", "limit exceeded", "unknown anchor", "mapping values", "expected"] {
        assert!(!run.stderr.contains(english), "English {english:?} in:\n{}", run.stderr);
    }
}

/// The deploy preview builds drafts: `check` validates them too, so a broken
/// draft cannot pass locally and fail there. `build` is unchanged.
#[test]
fn check_validates_drafts_and_the_published_site() {
    let broken_link = SiteTest::new()
        .file("content/luonnos.md", "---\ntitle: Luonnos\ndraft: true\n---\n[rikki](puuttuu.md)\n")
        .file("content/a.md", "---\ntitle: A\n---\n");
    let bad_front_matter = SiteTest::new()
        .file("content/osio/_index.md", "---\ntitle: Osio\ndraft: true\n---\n")
        .file("content/osio/sivu.md", "---\ntitle: Sivu\nweight: paljon\n---\n");
    for args in [&["check"][..], &["check", "--drafts"]] {
        let run = broken_link.run(args).expect_errors(&["content/luonnos.md:5:1: virhe: linkin kohdetta `content/puuttuu.md` ei löydy"]);
        assert_eq!(run.stderr.matches(": virhe: ").count(), 1, "{args:?}: {}", run.stderr);
        bad_front_matter
            .run(args)
            .expect_errors(&["content/osio/sivu.md:3:1: virhe: kentän `weight` arvon pitää olla kokonaisluku, nyt se on teksti"]);
    }
    for site in [&broken_link, &bad_front_matter] {
        site.build().expect_ok();
    }
    assert!(!broken_link.root().join("public/luonnos").exists());
    // A published page linking to a draft would break the production build.
    let site = SiteTest::new()
        .file("content/luonnos.md", "---\ntitle: Luonnos\ndraft: true\n---\n")
        .file("content/a.md", "---\ntitle: A\n---\n[luonnos](luonnos.md)\n");
    site.check().expect_errors(&["content/a.md:4:1: virhe: linkin kohdetta `content/luonnos.md` ei löydy"]);
    site.run(&["check", "--drafts"]).expect_ok();
}

/// A name in an old 8-bit encoding (`\xe4iti.md`, Latin-1 "äiti") was mangled
/// into the page `/iti/`; now it is an error naming the file.
#[cfg(unix)]
#[test]
fn file_and_folder_names_that_are_not_utf8_are_errors() {
    use std::os::unix::ffi::OsStrExt;
    let site = SiteTest::new().file("content/a.md", "---\ntitle: A\n---\n");
    let content = site.root().join("content");
    std::fs::write(content.join(std::ffi::OsStr::from_bytes(b"\xe4iti.md")), "---\ntitle: Äiti\n---\n").unwrap();
    let dir = content.join(std::ffi::OsStr::from_bytes(b"perheet-\xf6"));
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("b.md"), "---\ntitle: B\n---\n").unwrap();
    let run = site.check().expect_errors(&[
        "content/�iti.md:1:1: virhe: tiedoston nimi ei ole UTF-8-muotoista tekstiä (tiedosto ohitettiin; merkki � on nimessä kohta, jota ei voitu lukea)\n  = help: nimeä tiedosto uudelleen: nimi on todennäköisesti tallennettu vanhalla merkistöllä (esim. Latin-1), ja ä- tai ö-kirjain on rikki",
        "content/perheet-�:1:1: virhe: kansion nimi ei ole UTF-8-muotoista tekstiä (kansio ja sen sisältö ohitettiin;",
    ]);
    assert_eq!(run.stderr.matches(": virhe: ").count(), 2, "{}", run.stderr);
    site.build().expect_errors(&["content/�iti.md:1:1: virhe:"]);
    assert!(!site.root().join("public").exists());
}

/// The print page's template is rendered while the first pages are: when it
/// fails, the build still stops with the template's own position and keeps
/// the previous output whole.
#[test]
fn a_failing_print_template_is_reported_and_the_previous_output_kept() {
    let site = SiteTest::new().file("content/k/_index.md", "---\ntitle: K\n---\n").file("content/k/a.md", "---\ntitle: A\n---\nTeksti.\n");
    site.build().expect_ok();
    let before = site.out("k/a/index.html");
    site.write("content/k/a.md", "---\ntitle: A\n---\nUusi teksti.\n")
        .write("themes/default/templates/print.html", "{% extends \"base.html\" %}{% block main %}{{ puuttuu.x }}{% endblock main %}\n");
    let run = site.build().expect_errors(&[
        "themes/default/templates/print.html:1:45: virhe: sivun /tulosta/ piirtäminen sivupohjalla `print.html` epäonnistui: muuttujaa `puuttuu` ei ole sivupohjan tiedoissa (tiedoissa on: chapters,",
    ]);
    assert_eq!(run.stderr.matches(": virhe: ").count(), 1, "{}", run.stderr);
    assert_eq!(site.out("k/a/index.html"), before, "the previous build's page is kept");
}
