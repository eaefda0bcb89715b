//! Embeds `themes/default/**` into the binary as one sorted (path, bytes) table,
//! so `handbook` works from any folder and a site's own theme can override it
//! file by file. Plain std: no build dependencies to compile.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let theme = manifest.join("themes").join("default");
    println!("cargo:rerun-if-changed={}", theme.display());
    let mut files = Vec::new();
    walk(&theme, &mut files);
    files.sort();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut f = fs::File::create(out_dir.join("default_theme.rs")).expect("OUT_DIR is writable");
    writeln!(f, "/// Files of `themes/default/`, sorted by path.\npub static DEFAULT_THEME: &[(&str, &[u8])] = &[").expect("write");
    for p in &files {
        println!("cargo:rerun-if-changed={}", p.display());
        let rel = p.strip_prefix(&theme).expect("inside theme").to_string_lossy().replace('\\', "/");
        writeln!(f, "    ({rel:?}, include_bytes!({:?})),", p.display().to_string()).expect("write");
    }
    writeln!(f, "];").expect("write");
}
