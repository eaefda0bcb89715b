//! Fuzz target: any bytes as a Markdown file's front matter must parse or
//! yield diagnostics with a position, never panic.
#![no_main]

use handbook::content::front_matter::{parse, PageKind, ParseInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let phases = vec![("kehitteilla".to_string(), "Kehitteillä".to_string())];
    for kind in [None, Some(PageKind::Model)] {
        let input = ParseInput { path: "content/a.md", text, phases: &phases, inherited_kind: kind };
        if let Err(d) = parse(&input) {
            assert!(d.has_errors());
            for x in d.sorted() {
                let _ = x.render();
            }
        }
    }
});
