//! Browser tests in a real headless Chromium (issue 8, issue 7): the bundled
//! handbook is built, served on 127.0.0.1 with the production headers, and the
//! node scripts in `tests/browser/` drive Debian's Chromium through
//! playwright-core. HTML validity is checked with the Nu HTML Checker.
//! Requirements (installed by `.ci/run`): `chromium`, Java, and
//! `npm ci --prefix tests/browser`. Missing tools fail the tests loudly.

mod support;

#[path = "support/server.rs"]
mod server;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::SiteTest;

fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn require_tools() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(Path::new(&chromium).exists(), "Chromium not found at {chromium}: install it with `apt-get install chromium` (see .ci/run)");
    assert!(
        tools_dir().join("node_modules/playwright-core").is_dir(),
        "browser test tools missing: run `npm ci --prefix tests/browser` (see .ci/run)"
    );
}

/// Where screenshots and reports go (not committed).
fn artifacts(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser").join(name);
    std::fs::create_dir_all(&dir).expect("artifact dir");
    dir
}

fn node(script: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new("node").arg(tools_dir().join(script)).args(args).output().expect("node is installed");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn accessibility_keyboard_reflow_weight_and_screenshots_in_chromium() {
    require_tools();
    let site = SiteTest::bundled();
    site.build().expect_ok();
    let server = server::StaticServer::start(&site.out_path());
    let out = artifacts("a11y");
    let (ok, text) = node("a11y.mjs", &[&server.base, out.to_str().unwrap()]);
    println!("{text}");
    assert!(ok, "browser accessibility suite failed:\n{text}");
    assert!(text.contains("a11y: ") && text.contains(" passed, 0 failed"), "{text}");
    for shot in ["etusivu-375.png", "luku-1280.png", "toimintamalli-375.png"] {
        assert!(out.join(shot).is_file(), "{shot} not produced");
    }
}

#[test]
fn every_page_is_valid_html() {
    require_tools();
    let site = SiteTest::bundled();
    site.build().expect_ok();
    let jar = tools_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(jar.is_file(), "vnu.jar missing: run `npm ci --prefix tests/browser`");
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html", "--format", "text"])
        .arg(site.out_path())
        .output()
        .expect("java is installed");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let pages = support::snapshot(&site.out_path()).keys().filter(|k| k.ends_with(".html")).count();
    assert!(pages > 20, "{pages}");
    assert!(out.status.success() && !text.contains("error:"), "Nu HTML Checker found errors in {pages} pages:\n{text}");
}
