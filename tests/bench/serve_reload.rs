//! Benchmark: save-to-reload time of `handbook serve` on a generated site.
//!
//! Generates a deterministic site (default 1,000 pages: nine handbook parts and
//! one model catalogue of 100 pages each, Finnish-ish text with headings,
//! lists, tables, code and cross links) in a temporary folder, starts the
//! release binary with `serve --port 0`, listens to the event stream like a
//! browser, and then, for each run, appends a line to one page and measures
//! from just before the write to (a) the `reload` event and (b) the page
//! fetched with the new line in it, and (c) the quiet `update` event that
//! follows a body edit once the search index and the print page are rebuilt.
//! A second series edits the page's title, which takes the full-rebuild path.
//! Prints median, min and max.
//!
//! Run with `tests/bench/serve-reload.sh [runs] [pages]` (a `cargo bench`
//! target with `harness = false`; not a timed test).

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const WORDS: &[&str] = &[
    "perhe",
    "lapsi",
    "vanhempi",
    "tuki",
    "palvelu",
    "verkosto",
    "neuvola",
    "koulu",
    "kuraattori",
    "sosiaalityö",
    "yhteistyö",
    "kohtaaminen",
    "arki",
    "hyvinvointi",
    "kasvu",
    "turva",
    "osaaminen",
    "ohjaus",
    "ryhmä",
    "kunta",
    "alue",
    "asiakas",
    "työntekijä",
    "perhekeskus",
    "kotoutuminen",
    "vertaistuki",
    "varhainen",
    "tukeminen",
    "kumppanuus",
    "järjestö",
    "seurakunta",
    "kirjasto",
];

/// A small deterministic generator (LCG), so every run benchmarks the same site.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut s: String = (0..words).map(|_| WORDS[self.next() % WORDS.len()]).collect::<Vec<_>>().join(" ");
        if let Some(first) = s.get(..1) {
            s = first.to_uppercase() + &s[1..];
        }
        s + "."
    }
}

fn page_body(rng: &mut Lcg, n: usize, pages: usize) -> String {
    let mut b = String::new();
    for h in 0..3 {
        let _ = write!(b, "## {} {h}\n\n{} {}\n\n", rng.sentence(3).trim_end_matches('.'), rng.sentence(14), rng.sentence(18));
        let _ = write!(b, "- {}\n- {}\n- {}\n\n", rng.sentence(5), rng.sentence(4), rng.sentence(6));
    }
    if n.is_multiple_of(5) {
        b.push_str("| Palvelu | Ikäryhmä | Kunta |\n|---|---|---|\n| Neuvola | 0–6 | Tampere |\n| Koulu | 7–16 | Nokia |\n\n");
    }
    if n.is_multiple_of(10) {
        b.push_str("```yaml\ntitle: Esimerkki\nweight: 1\n```\n\n");
    }
    let next = (n + 1) % pages;
    let _ = writeln!(b, "Katso myös [seuraava luku](sivu-{next:03}.md) ja [osan alku](_index.md).");
    b
}

/// Writes the site; returns the path (relative to `content/`) of the page to edit.
fn generate(root: &Path, pages: usize) -> String {
    let parts = 10;
    let per_part = pages.div_ceil(parts);
    let mut rng = Lcg(2024);
    let w = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    w("handbook.yaml", include_str!("site.yaml"));
    w("content/_index.md", "---\ntitle: Etusivu\n---\nTervetuloa vertailusivustolle.\n");
    let mut made = 0;
    for part in 0..parts {
        let kind = if part == parts - 1 { "model" } else { "chapter" };
        let intro = rng.sentence(20);
        w(
            &format!("content/osa-{part:02}/_index.md"),
            &format!("---\ntitle: Osa {part}\nweight: {part}\npage_kind: {kind}\n---\n{intro}\n"),
        );
        for n in 0..per_part.min(pages - made) {
            let title = rng.sentence(4).trim_end_matches('.').to_string();
            let mut front =
                format!("---\ntitle: {title} {part}-{n}\ndescription: {}\nweight: {n}\ntopics: [Aihe {}]\n", rng.sentence(8), n % 7);
            if kind == "model" {
                front.push_str("phase: kehitteilla\nfunder: Sosiaali- ja terveysministeriö (STM)\n");
            }
            front.push_str("---\n");
            w(&format!("content/osa-{part:02}/sivu-{n:03}.md"), &(front + &page_body(&mut rng, n, per_part.min(pages - made))));
        }
        made += per_part.min(pages - made);
    }
    format!("osa-04/sivu-{:03}.md", per_part / 2)
}

struct Server {
    child: Child,
    addr: SocketAddr,
    lines: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> (Server, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start handbook serve");
    let (tx, rx) = mpsc::channel();
    // From here on the guard kills and reaps the child whatever happens.
    let mut server = Server { child, addr: SocketAddr::from(([127, 0, 0, 1], 0)), lines: rx };
    let stderr = server.child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut first_build = String::new();
    loop {
        let line = server.lines.recv_timeout(Duration::from_secs(120)).expect("serve started");
        if line.starts_with("rakennettu") {
            first_build = line.clone();
        }
        if let Some(url) = line.strip_prefix("Palvelin käynnissä: http://") {
            server.addr = url.trim_end_matches('/').parse().expect("address");
            return (server, first_build);
        }
    }
}

fn events(addr: SocketAddr) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(s, "GET /__handbook/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("request");
    s.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    BufReader::new(s)
}

fn wait_event(r: &mut BufReader<TcpStream>, name: &str) {
    let want = format!("event: {name}");
    let mut line = String::new();
    loop {
        line.clear();
        assert!(r.read_line(&mut line).expect("event stream") > 0, "event stream closed");
        if line.trim_end() == want {
            return;
        }
        assert!(!line.starts_with("event: build-error"), "the edit broke the build");
    }
}

fn get(addr: SocketAddr, path: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("request");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("response");
    out
}

fn stats(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let median = ms[ms.len() / 2];
    println!("{name}: mediaani {median:.1} ms, pienin {:.1} ms, suurin {:.1} ms ({} ajoa)", ms[0], ms[ms.len() - 1], ms.len());
}

/// Times of one series in ms: to the reload event, to the fetched page and,
/// for body edits, to the quiet update of the search index and print page.
#[derive(Default)]
struct Series {
    event: Vec<f64>,
    page: Vec<f64>,
    update: Vec<f64>,
}

/// One series: `edit(i)` writes the file; `update` waits for the follow-up generation too.
fn series(server: &Server, page_url: &str, runs: usize, update: bool, edit: &dyn Fn(usize) -> String) -> Series {
    let mut stream = events(server.addr);
    wait_event(&mut stream, "hello");
    let mut out = Series::default();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for i in 0..=runs {
        std::thread::sleep(Duration::from_millis(300));
        let started = Instant::now();
        let marker = edit(i);
        wait_event(&mut stream, "reload");
        let event = started.elapsed();
        let body = get(server.addr, page_url);
        let page = started.elapsed();
        assert!(body.contains(&marker), "the page does not show {marker:?}");
        let follow = update.then(|| {
            wait_event(&mut stream, "update");
            started.elapsed()
        });
        if i > 0 {
            // Run 0 warms up caches and is not counted.
            out.event.push(ms(event));
            out.page.push(ms(page));
            out.update.extend(follow.map(ms));
        }
    }
    out
}

fn main() {
    let nums: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let runs = nums.first().copied().unwrap_or(11).max(1);
    let pages = nums.get(1).copied().unwrap_or(1000).max(10);
    // `SERVE_BENCH_DIR=path` generates the site there and keeps it (to look at or build).
    let kept = std::env::var_os("SERVE_BENCH_DIR").map(std::path::PathBuf::from);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = kept.as_deref().unwrap_or(dir.path());
    let edited = generate(root, pages);
    let file = root.join("content").join(&edited);
    let (server, first_build) = start(root);
    println!("sivusto: {pages} sivua; ensimmäinen rakennus: {first_build}");
    let url = format!("/{}/", edited.trim_end_matches(".md"));

    let original = std::fs::read_to_string(&file).expect("read page");
    let body_edit = |i: usize| {
        let marker = format!("Lisätty rivi {i}.");
        let mut f = std::fs::OpenOptions::new().append(true).open(&file).expect("open page");
        writeln!(f, "\n{marker}").expect("append");
        marker
    };
    let body = series(&server, &url, runs, true, &body_edit);
    // The terminal line of the last update comes just after its event.
    std::thread::sleep(Duration::from_millis(200));
    let fast: Vec<String> = server.lines.try_iter().filter(|l| l.starts_with("rakennettu")).collect();
    println!("tekstin muokkaus (muokattu sivu ensin, haku ja tulostussivu perässä):");
    stats("  tallennus → reload-tapahtuma", body.event);
    stats("  tallennus → päivitetty sivu haettu", body.page);
    stats("  tallennus → haku ja tulostussivu valmiit (update)", body.update);
    println!("  palvelimen omat ilmoitukset viimeksi:");
    for line in fast.iter().skip(fast.len().saturating_sub(2)) {
        println!("    {line}");
    }

    let title_edit = |i: usize| {
        let marker = format!("Otsikko {i}");
        let text = original.replacen("title: ", &format!("title: {marker} "), 1);
        std::fs::write(&file, text).expect("write page");
        marker
    };
    let title = series(&server, &url, runs, false, &title_edit);
    let full: Vec<String> = server.lines.try_iter().filter(|l| l.starts_with("rakennettu")).collect();
    println!("otsikon muokkaus (koko sivusto rakennetaan):");
    stats("  tallennus → reload-tapahtuma", title.event);
    stats("  tallennus → päivitetty sivu haettu", title.page);
    println!("  palvelimen oma ilmoitus viimeksi: {}", full.last().map_or("-", String::as_str));
}
