//! The floor for the build benchmark: what any generator must at least do —
//! read every Markdown file, render it with pulldown-cmark on all cores, and
//! write one folder with an `index.html` per page — with no templates,
//! validation, search or listings. `handbook build`'s time is reported as a
//! ratio to this, measured in the same run, which holds on a noisy machine.
//!
//! `cargo run --release --example floor -- SITE_DIR OUT_DIR`

use std::path::Path;

use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(site), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("käyttö: floor SIVUSTO TULOSTE");
        std::process::exit(2);
    };
    let files: Vec<_> = walkdir::WalkDir::new(Path::new(site).join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let out = Path::new(out);
    let _ = std::fs::remove_dir_all(out);
    files.par_iter().enumerate().for_each(|(i, f)| {
        let text = std::fs::read_to_string(f).expect("read");
        let body = text.splitn(3, "---\n").nth(2).unwrap_or(&text);
        let mut html = String::with_capacity(body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(body, pulldown_cmark::Options::all()));
        let dir = out.join(format!("p{i}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("index.html"), html).expect("write");
    });
    println!("{} sivua", files.len());
}
