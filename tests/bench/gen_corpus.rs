//! Deterministic corpus generator for benchmarks: a Finnish handbook of N pages
//! in sections of 50 (or as given), every fourth section of operating models, whose
//! pages have full model-card front matter (author, funder, phase, place, dates,
//! topics), the others of chapters (title, description, dates, topics: a
//! chapter with a model card's field is warned about), 600–1,200 words of inflected Finnish,
//! headings, lists, a table, sometimes a code block, and internal links.
//!
//! `cargo run --release --example gen_corpus -- PAGES OUT_DIR [PAGES_PER_SECTION=50]`
//! The same arguments always give byte-identical files (fixed-seed PRNG).

use std::fmt::Write as _;
use std::path::Path;

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const STEMS: &[&str] = &[
    "perhekeskus",
    "perhekeskukse",
    "verkosto",
    "verkostojohtamise",
    "kotoutumise",
    "maahanmuuttaja",
    "palvelu",
    "toimintamalli",
    "hyvinvointialuee",
    "kunna",
    "järjestö",
    "seurakunna",
    "työntekijä",
    "vanhemmuude",
    "lapsiperhee",
    "kohtaamispaika",
    "ohjausryhmä",
    "viestintä",
    "käsikirja",
    "kommenttikierrokse",
    "yhteistyö",
    "osaamise",
    "kyselytutkimukse",
    "työpaja",
    "alueverkosto",
];
const ENDINGS: &[&str] = &["", "n", "ssa", "sta", "lle", "lla", "ksi", "t", "ien", "issa", "iin", "en"];
const PLAIN: &[&str] = &[
    "ja",
    "sekä",
    "on",
    "ovat",
    "tukee",
    "kehittää",
    "kokoaa",
    "yhdessä",
    "myös",
    "kaikille",
    "perheiden",
    "arjessa",
    "alueella",
    "Pirkanmaalla",
    "vuonna",
    "tavoitteena",
    "hyvin",
    "jatkossa",
    "nopeasti",
    "ammattilaisten",
    "lasten",
    "nuorten",
];
const TOPICS: &[&str] =
    &["Perhekeskus", "Kotoutuminen", "Verkostoyhteistyö", "Johtaminen", "Viestintä", "Vanhemmuus", "Varhainen tuki", "Järjestöt"];
const FUNDERS: &[&str] = &["Sosiaali- ja terveysministeriö (STM)", "Pirkanmaan hyvinvointialue", "Euroopan sosiaalirahasto"];
const PHASES: &[&str] = &["kehitteilla", "kehitetty", "arvioitu"];
const AUTHORS: &[&str] = &["Virve Rutanen", "Aino Virtanen", "Mikko Laine", "Sanna Koskinen"];

fn word(r: &mut Rng) -> String {
    if r.below(3) == 0 {
        r.pick(PLAIN).to_string()
    } else {
        let stem = r.pick(STEMS);
        let end = r.pick(ENDINGS);
        // Stems ending in 'e' take an ending; bare ones get their nominative back.
        if end.is_empty() && stem.ends_with('e') {
            format!("{}s", &stem[..stem.len() - 1])
        } else {
            format!("{stem}{end}")
        }
    }
}

fn sentence(r: &mut Rng) -> String {
    let n = 6 + r.below(10);
    let mut s: String = (0..n).map(|_| word(r)).collect::<Vec<_>>().join(" ");
    if let Some(first) = s.get(..1) {
        s = first.to_uppercase() + &s[1..];
    }
    s.push('.');
    s
}

/// Whether section `n` holds operating models (the others hold chapters).
fn is_model_section(n: usize) -> bool {
    n % 4 == 3
}

fn page(r: &mut Rng, i: usize, pages: usize, per_section: usize) -> String {
    let mut s = String::new();
    let (y, m, d) = (2020 + i % 5, 1 + i % 12, 1 + i % 28);
    let model = is_model_section(i / per_section);
    let _ = writeln!(s, "---\ntitle: \"Sivu {i}: {}\"", sentence(r).trim_end_matches('.'));
    let _ = writeln!(s, "description: \"{}\"", sentence(r));
    // Drawn for every page, so that the text that follows is the same either way.
    let (author, funder, phase) = (r.pick(AUTHORS), r.pick(FUNDERS), r.pick(PHASES));
    let _ = writeln!(s, "weight: {}", i % per_section);
    if model {
        let _ = writeln!(s, "author: {author}\nfunder: {funder}\nphase: {phase}");
    }
    let _ = writeln!(s, "created: {y:04}-{m:02}-{d:02}\nupdated: {:04}-{m:02}-{d:02}", y + 1);
    let _ = writeln!(s, "topics: [{}, {}]", r.pick(TOPICS), r.pick(TOPICS));
    if model {
        let _ = writeln!(s, "location: Pirkanmaa\nregion: Pirkanmaan hyvinvointialue");
    }
    s.push_str("---\n");
    let target_words = 600 + r.below(600);
    let mut words = 0;
    let mut h = 0;
    while words < target_words {
        h += 1;
        let _ = writeln!(s, "\n## Osio {h}: {}\n", word(r));
        for _ in 0..2 + r.below(3) {
            let para: Vec<String> = (0..3 + r.below(4)).map(|_| sentence(r)).collect();
            words += para.iter().map(|p| p.split(' ').count()).sum::<usize>();
            let _ = writeln!(s, "{}\n", para.join(" "));
        }
        // Every word counts towards the page's length: lists and tables too.
        words += 4;
        match h % 4 {
            0 => {
                let items = [sentence(r), sentence(r), sentence(r)];
                words += items.iter().map(|p| p.split(' ').count()).sum::<usize>();
                let _ = writeln!(s, "- {}\n- {}\n- {}\n", items[0], items[1], items[2]);
            }
            1 => {
                words += 8;
                let _ = writeln!(s, "| Toimija | Tehtävä |\n|---|---|\n| {} | {} |\n| {} | {} |\n", word(r), word(r), word(r), word(r));
            }
            2 if r.below(3) == 0 => {
                let _ = writeln!(s, "```yaml\ntitle: Esimerkki\nphase: kehitteilla\n```\n");
            }
            _ => {
                let other = (i + 1 + r.below(pages - 1)) % pages;
                let _ = writeln!(s, "Katso myös [sivu {other}](../osa-{:03}/sivu-{other:05}.md).\n", other / per_section);
            }
        }
    }
    s
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(pages), Some(out)) = (args.get(1).and_then(|a| a.parse::<usize>().ok()), args.get(2)) else {
        eprintln!("käyttö: gen_corpus SIVUJA KANSIO [SIVUJA_OSIOSSA=50]");
        std::process::exit(2);
    };
    let per_section = match args.get(3).map(|a| a.parse::<usize>()) {
        None => 50,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("SIVUJA_OSIOSSA on positiivinen kokonaisluku");
            std::process::exit(2);
        }
    };
    let out = Path::new(out);
    let content = out.join("content");
    if content.exists() {
        std::fs::remove_dir_all(&content).expect("remove old corpus");
    }
    std::fs::create_dir_all(&content).expect("create content");
    std::fs::write(out.join("handbook.yaml"), include_str!("site.yaml")).expect("write config");
    std::fs::write(content.join("_index.md"), "---\ntitle: Testikäsikirja\n---\nGeneroitu testiaineisto.\n").expect("write home");
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let mut bytes = 0;
    for i in 0..pages {
        let dir = content.join(format!("osa-{:03}", i / per_section));
        if i % per_section == 0 {
            std::fs::create_dir_all(&dir).expect("create section");
            let kind = if is_model_section(i / per_section) { "model" } else { "chapter" };
            std::fs::write(
                dir.join("_index.md"),
                format!("---\ntitle: Osa {}\nweight: {}\npage_kind: {kind}\n---\n", i / per_section, i / per_section),
            )
            .expect("write section");
        }
        let text = page(&mut r, i, pages, per_section);
        bytes += text.len();
        std::fs::write(dir.join(format!("sivu-{i:05}.md")), text).expect("write page");
    }
    println!("{pages} sivua, {:.1} MB Markdownia kansiossa {}", bytes as f64 / 1e6, out.display());
}
