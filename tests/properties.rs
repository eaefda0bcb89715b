//! Property tests (issue 7): any front matter and body either renders or
//! yields diagnostics — never a panic — and rendering is deterministic.

use std::collections::BTreeMap;
use std::sync::Mutex;

use handbook::content::front_matter::{parse, PageKind, ParseInput};
use handbook::output::Sink;
use handbook::site::{Options, Site, Sources};
use proptest::prelude::*;

/// Collects the output in memory.
#[derive(Default)]
struct Memory(Mutex<BTreeMap<String, Vec<u8>>>);

impl Sink for Memory {
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.0.lock().unwrap().insert(rel.to_string(), bytes.to_vec());
        Ok(())
    }
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("title".to_string()),
        Just("description".to_string()),
        Just("weight".to_string()),
        Just("draft".to_string()),
        Just("created".to_string()),
        Just("topics".to_string()),
        Just("phase".to_string()),
        Just("cover".to_string()),
        Just("links".to_string()),
        Just("meetings".to_string()),
        Just("author".to_string()),
        "[a-zäö_]{1,8}",
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~äöÄÖ]{0,20}",
        Just("2023-12-30".to_string()),
        Just("2023-02-30".to_string()),
        Just("[a, b]".to_string()),
        Just("\n  image: x.svg\n  alt: k".to_string()),
        Just("\n  - title: t\n    url: https://e.org/".to_string()),
        Just("\n  - date: 2023-11-13\n    title: T".to_string()),
        Just("kehitteilla".to_string()),
        Just("{".to_string()),
        Just("\t".to_string()),
        Just("12".to_string()),
        Just("true".to_string()),
    ]
}

fn front_matter() -> impl Strategy<Value = String> {
    proptest::collection::vec((key(), value()), 0..8).prop_map(|kv| kv.into_iter().map(|(k, v)| format!("{k}: {v}\n")).collect())
}

fn body() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[ -~äö]{0,40}",
        Just("\n## Otsikko\n".to_string()),
        Just("\n#### Hyppy\n".to_string()),
        Just("[linkki](toinen.md#x)".to_string()),
        Just("[tyhjä](#)".to_string()),
        Just("![](kuva.png)".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("<details open><summary>s</summary>".to_string()),
        Just("\n```rust\nfn x() {}\n```\n".to_string()),
        Just("\n| a | b |\n|---|---|\n| 1 | 2 |\n".to_string()),
        Just("[^1]\n\n[^1]: alaviite".to_string()),
        Just("\n> > lainaus\n".to_string()),
        Just("\n- [ ] tehtävä\n".to_string()),
        Just("\r\n".to_string()),
        Just("\n## Otsikko {#x onmouseover=alert(1) style=position:fixed}\n".to_string()),
        Just("\n### T {.a onclick=\"alert(2)\" .b\\\"c}\n".to_string()),
        Just("<span style=\"position:fixed\" onclick=alert(3)>s</span>".to_string()),
        "\n#{2,4} [a-z ]{0,8}\\{[#.]?[a-z]{1,6}( (on[a-z]{1,6}|style|[a-z.#]{1,6})=[a-z():;\"]{0,12}){0,3}\\}\n",
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn front_matter_parses_or_explains(fm in front_matter(), body in body(), close in any::<bool>()) {
        let text = if close { format!("---\n{fm}---\n{body}") } else { format!("---\n{fm}{body}") };
        let phases = vec![("kehitteilla".to_string(), "Kehitteillä".to_string())];
        let input = ParseInput { path: "content/a.md", text: &text, phases: &phases, inherited_kind: Some(PageKind::Model) };
        match parse(&input) {
            Ok(p) => prop_assert!(!p.front.title.is_empty() || !text.contains("title")),
            Err(d) => {
                prop_assert!(d.has_errors());
                for x in d.sorted() {
                    prop_assert!(x.render().starts_with("content/a.md:"));
                }
            }
        }
    }

    #[test]
    fn whole_sites_render_deterministically_or_report(fm in front_matter(), body in body(), other in body()) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("handbook.yaml"), "title: T\nbase_url: https://example.org/\n").unwrap();
        std::fs::write(root.join("content/_index.md"), "---\ntitle: Etusivu\n---\n").unwrap();
        std::fs::write(root.join("content/a.md"), format!("---\n{fm}---\n{body}")).unwrap();
        std::fs::write(root.join("content/toinen.md"), format!("---\ntitle: Toinen\n---\n{other}")).unwrap();
        let opts = Options::new(root);
        match Site::load(&opts) {
            Err(d) => prop_assert!(d.has_errors()),
            Ok((site, _)) => {
                let (first, second) = (Memory::default(), Memory::default());
                let r1 = site.render(&first, Sources::Keep);
                let r2 = site.render(&second, Sources::Keep);
                prop_assert_eq!(r1.is_ok(), r2.is_ok());
                if let Err(d) = r1 {
                    prop_assert!(d.has_errors());
                } else {
                    let (a, b) = (first.0.into_inner().unwrap(), second.0.into_inner().unwrap());
                    prop_assert!(a.contains_key("index.html"));
                    prop_assert!(a == b, "two renders differ");
                    for (path, bytes) in a.iter().filter(|(p, _)| p.ends_with(".html")) {
                        let bad = unsafe_attributes(&String::from_utf8_lossy(bytes));
                        prop_assert!(bad.is_empty(), "{}: {:?}", path, bad);
                    }
                    if let Some(html) = a.get("a/index.html") {
                        let html = String::from_utf8_lossy(html);
                        prop_assert!(!html.contains("<script>alert(1)"), "raw script survived");
                    }
                }
            }
        }
    }
}

/// Event handlers (`on…=`) and `style=` in the tags of `html`; table cells'
/// `style="text-align: …"` (pulldown-cmark's column alignment) is allowed.
/// Quoted attribute values are skipped, and text is escaped, so only real
/// attributes are seen.
fn unsafe_attributes(html: &str) -> Vec<String> {
    let html = ["left", "center", "right"].iter().fold(html.to_string(), |h, a| h.replace(&format!(" style=\"text-align: {a}\""), ""));
    let mut bad = Vec::new();
    let (mut in_tag, mut quote, mut word) = (false, None::<char>, String::new());
    for c in html.chars() {
        match (in_tag, quote) {
            (false, _) => in_tag = c == '<',
            (true, Some(q)) => {
                if c == q {
                    quote = None;
                }
            }
            (true, None) => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                if c.is_whitespace() || c == '>' || c == '/' || c == '=' {
                    let w = word.to_ascii_lowercase();
                    if c == '=' && (w == "style" || (w.len() > 2 && w.starts_with("on") && w[2..].chars().all(|x| x.is_ascii_lowercase())))
                    {
                        bad.push(w);
                    }
                    word.clear();
                } else {
                    word.push(c);
                }
                if c == '>' {
                    in_tag = false;
                }
            }
        }
    }
    bad
}

#[test]
fn unsafe_attributes_finds_handlers_and_styles_in_tags_only() {
    assert_eq!(unsafe_attributes("<h2 id=\"x\" onmouseover=alert(1) style=position:fixed>t</h2>"), ["onmouseover", "style"]);
    assert_eq!(unsafe_attributes("<p title=\"a onclick=b style=c\">x onclick=y style=z</p>"), Vec::<String>::new());
    assert_eq!(unsafe_attributes("<td style=\"text-align: right\">1</td>"), Vec::<String>::new());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Heading attributes and raw HTML never bring an event handler or an
    /// inline style to the reader, whatever the body.
    #[test]
    fn no_event_handler_or_style_attribute_reaches_the_output(body in body(), noise in "\\PC{0,64}") {
        if let Ok(html) = handbook::fuzzing::render_page(&format!("---\ntitle: T\n---\n{body}{noise}")) {
            let bad = unsafe_attributes(&html);
            prop_assert!(bad.is_empty(), "{:?} in {}", bad, html);
        }
    }

    /// The fuzz targets' entry point, in the normal suite with random input.
    #[test]
    fn page_pipeline_never_panics_and_is_deterministic(fm in front_matter(), body in body(), noise in "\\PC{0,64}") {
        let text = format!("---\n{fm}---\n{body}{noise}");
        let first = handbook::fuzzing::render_page(&text);
        prop_assert_eq!(&first, &handbook::fuzzing::render_page(&text));
        if let Err(lines) = first {
            prop_assert!(lines.iter().all(|l| l.starts_with("content/a.md:")));
        }
    }
}
