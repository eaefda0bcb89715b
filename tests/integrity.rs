//! Integrity checks (issue 5): every internal link, `#anchor`, image and
//! attachment must resolve, images need alt text, and the heading structure
//! must not skip levels. Each case pins the exact message an editor sees —
//! `path:line:col`, the source line with its caret, and the `help:` line.

mod support;

use support::{Run, SiteTest};

/// Asserts that `run`'s stderr holds `block` exactly, line for line.
fn expect_block(run: &Run, block: &str) {
    assert!(run.stderr.contains(block), "missing\n{block}\nin\n{}", run.stderr);
}

const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>\n";

fn with_images() -> SiteTest {
    SiteTest::new().file("content/kuvat/kaavio.svg", SVG).file("content/mallit/liitteet/lomake.pdf", "%PDF-1.4\n")
}

#[test]
fn an_image_without_alt_text_is_an_error() {
    let site = with_images().file("content/luvut/kuvat.md", "---\ntitle: Kuvat\n---\nTeksti ja kuva: ![](../kuvat/kaavio.svg)\n");
    let run = site.check().expect_errors(&[]);
    expect_block(
        &run,
        "content/luvut/kuvat.md:4:17: virhe: kuvalta `../kuvat/kaavio.svg` puuttuu vaihtoehtoinen teksti
  |
4 | Teksti ja kuva: ![](../kuvat/kaavio.svg)
  |                 ^
  = help: kirjoita hakasulkeisiin, mitä kuvassa on: `![Kuvaus kuvasta](kuva.svg)`",
    );
    // Alt text of spaces only is no alt text either.
    let site = with_images().file("content/a.md", "---\ntitle: A\n---\n![  ](kuvat/kaavio.svg)\n");
    site.check().expect_errors(&["content/a.md:4:1: virhe: kuvalta `kuvat/kaavio.svg` puuttuu vaihtoehtoinen teksti"]);
}

#[test]
fn a_missing_image_names_the_closest_existing_one() {
    let site = with_images().file("content/luvut/kuvat.md", "---\ntitle: Kuvat\n---\n\n![Kaavio perhekeskuksesta](../kuvat/kavio.svg)\n");
    let run = site.check().expect_errors(&[]);
    expect_block(
        &run,
        "content/luvut/kuvat.md:5:1: virhe: kuvaa `content/kuvat/kavio.svg` ei löydy
  |
5 | ![Kaavio perhekeskuksesta](../kuvat/kavio.svg)
  | ^
  = help: tarkoititko `content/kuvat/kaavio.svg`? Polku luetaan tämän tiedoston kansiosta",
    );
}

#[test]
fn a_missing_attachment_is_an_error_in_the_body_and_in_front_matter() {
    let site = with_images()
        .file("content/luvut/lomakkeet.md", "---\ntitle: Lomakkeet\n---\nLataa [lomake](../mallit/liitteet/lomak.pdf).\n")
        .file("content/mallit/_index.md", "---\ntitle: Mallit\npage_kind: model\n---\n")
        .file("content/mallit/malli.md", "---\ntitle: Malli\nlinks:\n  - title: Lomake\n    file: liitteet/lomak.pdf\n---\n");
    let run = site.check().expect_errors(&[]);
    expect_block(
        &run,
        "content/luvut/lomakkeet.md:4:7: virhe: linkin kohdetta `content/mallit/liitteet/lomak.pdf` ei löydy
  |
4 | Lataa [lomake](../mallit/liitteet/lomak.pdf).
  |       ^
  = help: tarkoititko `content/mallit/liitteet/lomake.pdf`? Polku luetaan tämän tiedoston kansiosta",
    );
    expect_block(
        &run,
        "content/mallit/malli.md:5:11: virhe: tiedostoa `content/mallit/liitteet/lomak.pdf` ei löydy
  |
5 |     file: liitteet/lomak.pdf
  |           ^
  = help: tarkoititko `content/mallit/liitteet/lomake.pdf`? Polku luetaan tämän tiedoston kansiosta",
    );
    assert_eq!(run.stderr.matches(": virhe: ").count(), 2, "{}", run.stderr);
}

#[test]
fn a_heading_that_skips_a_level_is_a_warning() {
    let site = SiteTest::new().file("content/a.md", "---\ntitle: A\n---\n## Väliotsikko\n\nTeksti.\n\n#### Liian syvä\n");
    let run = site.check().expect_ok();
    expect_block(
        &run,
        "content/a.md:8:1: varoitus: otsikkotaso hyppää tasolta 2 tasolle 4
  |
8 | #### Liian syvä
  | ^
  = help: käytä tasoa 3 (`###`), jotta ruudunlukijan otsikkorakenne pysyy ehjänä",
    );
}

#[test]
fn a_main_heading_in_the_body_is_a_warning() {
    let site = SiteTest::new().file("content/a.md", "---\ntitle: A\n---\n# Toinen pääotsikko\n\n## Väliotsikko\n");
    let run = site.check().expect_ok();
    expect_block(
        &run,
        "content/a.md:4:1: varoitus: sivun tekstissä on pääotsikko (H1)
  |
4 | # Toinen pääotsikko
  | ^
  = help: sivun otsikko tulee alkutietojen `title`-kentästä: aloita tekstin otsikot tasolta `##`",
    );
    // The H1 counts as level 1, so the H2 after it skips nothing.
    assert!(!run.stderr.contains("hyppää"), "{}", run.stderr);
}

/// A site under a base path (`/kasikirja`), with a chapter, an alias, a topic and an asset.
fn absolute_site(body: &str) -> SiteTest {
    SiteTest::new()
        .file("handbook.yaml", "title: Testisivusto\nbase_url: https://example.org/kasikirja/\n")
        .file("content/kuvat/kaavio.svg", SVG)
        .file("content/luvut/_index.md", "---\ntitle: Luvut\n---\n## Osion alku\n")
        .file("content/luvut/luku.md", "---\ntitle: Luku\naliases: [/vanha-luku/]\ntopics: [Perhekeskus]\n---\n## Alku\n")
        .file("content/a.md", &format!("---\ntitle: A\n---\n{body}\n"))
}

#[test]
fn site_absolute_links_to_missing_pages_are_errors_with_the_closest_path() {
    let site = absolute_site("[ei ole](/ei-ole/) ja [melkein](/luvut/lku/)");
    let run = site.check().expect_errors(&[]);
    expect_block(
        &run,
        "content/a.md:4:1: virhe: linkin kohdetta `/ei-ole/` ei löydy sivustolta
  |
4 | [ei ole](/ei-ole/) ja [melkein](/luvut/lku/)
  | ^
  = help: kauttaviivalla alkava osoite luetaan sivuston juuresta; toiseen sivuun voi linkittää myös sen tiedostolla, esim. `luku.md`",
    );
    expect_block(
        &run,
        "content/a.md:4:23: virhe: linkin kohdetta `/luvut/lku/` ei löydy sivustolta
  |
4 | [ei ole](/ei-ole/) ja [melkein](/luvut/lku/)
  |                       ^
  = help: tarkoititko `/luvut/luku/`? Kauttaviivalla alkava osoite luetaan sivuston juuresta",
    );
}

#[test]
fn site_absolute_links_check_their_fragment_and_the_base_path() {
    let site = absolute_site(
        "[a](/luvut/luku/#alkuu) [b](/luvut/#osion-alku) [c](/vanha-luku/#loppu)\n\n[d](/kasikirja/luvut/luku/) [e](/luvut/ei/#x)",
    );
    let run = site.check().expect_errors(&[
        "content/a.md:4:1: virhe: linkin `/luvut/luku/#alkuu` ankkuria `#alkuu` ei löydy kohdesivulta",
        "= help: tarkoititko `#alku`?",
        // An alias leads to its page, whose headings count.
        "content/a.md:4:49: virhe: linkin `/vanha-luku/#loppu` ankkuria `#loppu` ei löydy kohdesivulta",
        "content/a.md:6:1: virhe: linkin kohdetta `/kasikirja/luvut/luku/` ei löydy sivustolta",
        "= help: tarkoititko `/luvut/luku/`? Sivuston polku `/kasikirja` lisätään osoitteeseen itse: jätä se pois",
        "content/a.md:6:29: virhe: linkin kohdetta `/luvut/ei/` ei löydy sivustolta",
    ]);
    assert_eq!(run.stderr.matches(": virhe: ").count(), 4, "`/luvut/#osion-alku` is fine: {}", run.stderr);
}

#[test]
fn site_absolute_links_to_every_kind_of_published_path_work_and_get_the_base_path() {
    let links = "[luku](/luvut/luku/#alku) [ilman kauttaviivaa](/luvut/luku) [osio](/luvut/) [etusivu](/) \
                 [haku](/haku/?q=perhe) [aiheet](/aihealueet/) [aihe](/aihealueet/perhekeskus/) [tulosta](/tulosta/) \
                 [seloste](/saavutettavuusseloste/) [syöte](/atom.xml) [vanha](/vanha-luku/) [tyyli](/style.css) \
                 ![Kaavio](/kuvat/kaavio.svg)";
    let site = absolute_site(links);
    site.build().expect_ok();
    let html = site.out("a/index.html");
    for href in [
        "href=\"/kasikirja/luvut/luku/#alku\"",
        "href=\"/kasikirja/luvut/luku/\">ilman kauttaviivaa",
        "href=\"/kasikirja/luvut/\">osio",
        "href=\"/kasikirja/\">etusivu",
        "href=\"/kasikirja/haku/?q=perhe\"",
        "href=\"/kasikirja/aihealueet/perhekeskus/\">aihe",
        "href=\"/kasikirja/vanha-luku/\"",
        "href=\"/kasikirja/style.css\"",
        "src=\"/kasikirja/kuvat/kaavio.svg\"",
    ] {
        assert!(html.contains(href), "{href} in {html}");
    }
}

#[test]
fn a_site_absolute_file_in_front_matter_is_checked_too() {
    let site = SiteTest::new()
        .file("content/kuvat/kaavio.svg", SVG)
        .file("content/mallit/_index.md", "---\ntitle: Mallit\npage_kind: model\n---\n")
        .file("content/mallit/malli.md", "---\ntitle: Malli\nlinks:\n  - title: Lomake\n    file: /liitteet/lomake.pdf\n---\n");
    site.check().expect_errors(&[
        "content/mallit/malli.md:5:11: virhe: tiedostoa `/liitteet/lomake.pdf` ei löydy sivustolta",
        "= help: kauttaviivalla alkava osoite luetaan sivuston juuresta",
    ]);
}

#[test]
fn a_build_quotes_the_lines_of_errors_found_after_its_pages_are_rendered() {
    // `build` frees a page's source text once the page is rendered; the
    // anchor check after the pass and the front-matter file check must still
    // quote the line. (`check` keeps every text, so the cases above do not
    // cover this.)
    let site = with_images()
        .file("content/luvut/luku.md", "---\ntitle: Luku\n---\n## Alku\n\nTeksti.\n")
        .file("content/luvut/viittaa.md", "---\ntitle: Viittaa\n---\nKatso [alku](luku.md#alkuu).\n")
        .file("content/mallit/_index.md", "---\ntitle: Mallit\npage_kind: model\n---\n")
        .file("content/mallit/malli.md", "---\ntitle: Malli\nlinks:\n  - title: Lomake\n    file: liitteet/lomak.pdf\n---\nKuvaus.\n");
    let run = site.build().expect_errors(&[]);
    expect_block(
        &run,
        "content/luvut/viittaa.md:4:7: virhe: linkin `luku.md#alkuu` ankkuria `#alkuu` ei löydy kohdesivulta
  |
4 | Katso [alku](luku.md#alkuu).
  |       ^",
    );
    expect_block(
        &run,
        "content/mallit/malli.md:5:11: virhe: tiedostoa `content/mallit/liitteet/lomak.pdf` ei löydy
  |
5 |     file: liitteet/lomak.pdf
  |           ^",
    );
    assert_eq!(run.stderr.matches(": virhe: ").count(), 2, "{}", run.stderr);
}
