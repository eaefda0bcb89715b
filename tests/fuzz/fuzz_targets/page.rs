//! Fuzz target: the Markdown-to-HTML page pipeline (front matter, Markdown
//! passes, link resolution, sanitising) on any input, never panicking, and
//! deterministic.
#![no_main]

use handbook::fuzzing::render_page;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let first = render_page(text);
    assert_eq!(first, render_page(text), "rendering is not deterministic");
});
