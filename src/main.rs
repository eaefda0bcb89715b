//! The `handbook` command line: parses arguments, calls the library, prints
//! diagnostics and sets the exit code (0 success, 1 content errors, 2 usage).
//! The only place besides `diagnostics` that decides what a person sees.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use handbook::content::front_matter::PageKind;
use handbook::diagnostics::{Diagnostic, Diagnostics};
use handbook::serve::{Event, Rebuilt, ServeOptions};
use handbook::site::{self, Options};

#[derive(Parser)]
#[command(name = "handbook", version, about = "Perhekeskuksen käsikirjan ja toimintamallien sivustogeneraattori", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Rakentaa sivuston kansioon public/ (tai --out).
    Build {
        /// Sivuston juurikansio (jossa handbook.yaml ja content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Tulostekansio.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Ottaa mukaan luonnokset (draft: true).
        #[arg(long)]
        drafts: bool,
        /// Korvaa asetusten base_url-osoitteen (esim. esikatselussa).
        #[arg(long)]
        base_url: Option<String>,
        /// Näyttää kaikki varoitukset (oletuksena samaa varoitusta näytetään 10 ja loput lasketaan).
        #[arg(long)]
        all_warnings: bool,
    },
    /// Tarkistaa sisällön kuten build, mutta ei kirjoita mitään.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Tarkistaa vain esikatselun version (luonnokset mukana); oletuksena tarkistetaan
        /// sekä se että julkaistava versio ilman luonnoksia.
        #[arg(long)]
        drafts: bool,
        /// Tarkistaa myös ulkoiset linkit (verkkoyhteys tarvitaan).
        #[arg(long)]
        external: bool,
        /// Ulkoisen linkin aikaraja sekunteina.
        #[arg(long, default_value_t = 10, requires = "external")]
        timeout: u64,
        /// Yhtä aikaa tarkistettavien linkkien enimmäismäärä.
        #[arg(long, default_value_t = 8, requires = "external")]
        parallel: usize,
        /// Näyttää kaikki varoitukset (oletuksena samaa varoitusta näytetään 10 ja loput lasketaan).
        #[arg(long)]
        all_warnings: bool,
    },
    /// Hakee sivuja samasta hakemistosta, jota sivuston haku käyttää.
    Search {
        /// Hakusanat.
        query: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Tulostaa JSON-muodossa (title, url, score, excerpt).
        #[arg(long)]
        json: bool,
        /// Tulosten enimmäismäärä.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Hakee myös luonnoksista.
        #[arg(long)]
        drafts: bool,
    },
    /// Esikatselu: rakentaa sivuston muistiin, tarjoilee sen ja päivittää selaimen jokaisen tallennuksen jälkeen.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Portti (0 valitsee vapaan portin).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Osoite, jota kuunnellaan (oletus vain tämä kone).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Ottaa mukaan luonnokset (draft: true).
        #[arg(long)]
        drafts: bool,
        /// Avaa sivuston selaimessa.
        #[arg(long)]
        open: bool,
    },
    /// Luo uuden luvun tai toimintamallikortin valmiilla alkutiedoilla.
    New {
        /// Sivun laji.
        kind: NewKind,
        /// Sivun otsikko.
        title: String,
        /// Osion kansio kansion content/ sisällä (esim. kasikirja).
        #[arg(long)]
        section: Option<String>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum NewKind {
    /// Toimintamallikortti.
    Model,
    /// Käsikirjan luku.
    Chapter,
}

/// Warnings with one message shown in full before the rest are counted
/// (`Diagnostics::render_all`); `--all-warnings` shows them all.
const REPEATED_WARNINGS: usize = 10;

fn print_all(diags: Diagnostics, all_warnings: bool) {
    eprint!("{}", diags.render_all((!all_warnings).then_some(REPEATED_WARNINGS)));
}

/// Step timings, when `HANDBOOK_TIMINGS` is set (for benchmarks and profiling).
fn print_phases(phases: &[handbook::site::Phase]) {
    if std::env::var_os("HANDBOOK_TIMINGS").is_some() {
        let mut cpu_before = 0.0;
        for p in phases {
            let peak = p.peak_bytes.map_or(String::new(), |b| format!("   huippumuisti {:>5} MB", b / 1_000_000));
            // CPU time against wall time: how many cores the step kept busy.
            let cpu = p.cpu_total.map_or(String::new(), |c| {
                let own = c - cpu_before;
                cpu_before = c;
                // The kernel counts CPU time in ticks (10 ms): a ratio for a shorter step means nothing.
                let cores = if p.seconds >= 0.1 { format!(" ({:.1} ydintä)", own / p.seconds) } else { String::new() };
                format!("   CPU {:>7.1} ms{cores}", own * 1000.0)
            });
            eprintln!("  {:<18} {:>8.1} ms{cpu}{peak}", p.name, p.seconds * 1000.0);
        }
    }
}

fn fail(diags: Diagnostics, all_warnings: bool) -> ExitCode {
    let (e, w) = (diags.error_count(), diags.warning_count());
    print_all(diags, all_warnings);
    eprintln!("keskeytyi: {e} virhettä, {w} varoitusta – mitään ei kirjoitettu");
    ExitCode::from(1)
}

/// `check` validates drafts too: the deploy preview builds them (netlify.toml),
/// so a broken draft must not pass locally and then fail there. `with_drafts`
/// is that run; unless `drafts_only` (`--drafts`), the published site (drafts
/// left out) is checked as well, since a link to a draft breaks it.
fn merge_checks(
    with_drafts: Result<site::Report, Diagnostics>,
    drafts_only: bool,
    root: &std::path::Path,
) -> Result<site::Report, Diagnostics> {
    if drafts_only {
        return with_drafts;
    }
    let published = site::check(&Options::new(root));
    let union = |mut a: Diagnostics, b: Diagnostics| {
        a.extend(b);
        a.sorted().into_iter().collect::<Diagnostics>()
    };
    match (with_drafts, published) {
        (Ok(mut r), Ok(p)) => {
            r.warnings = union(r.warnings, p.warnings);
            r.seconds += p.seconds;
            Ok(r)
        }
        (Ok(r), Err(d)) | (Err(d), Ok(r)) => Err(union(d, r.warnings)),
        (Err(a), Err(b)) => Err(union(a, b)),
    }
}

/// A command-line value that cannot be used (exit 2, like clap's own usage errors).
fn usage_error(message: &str, help: &str) -> ExitCode {
    eprintln!("virhe: {message}\n  = help: {help}");
    ExitCode::from(2)
}

/// One terminal line (plus diagnostics) per thing `serve` does.
fn print_serve_event(event: Event) {
    match event {
        Event::Started { url } => {
            eprintln!("Palvelin käynnissä: {url}");
            eprintln!("Seurataan kansioita content/ ja themes/ sekä tiedostoa handbook.yaml – lopetus: Ctrl+C");
        }
        Event::Built(r) => {
            let w = r.warnings.warning_count();
            print_all(r.warnings.clone(), false);
            let ms = r.elapsed.as_secs_f64() * 1000.0;
            let what = match &r.rebuilt {
                Rebuilt::All(n) => format!("koko sivusto ({n} sivua)"),
                Rebuilt::Only { pages, files } => {
                    let mut parts = Vec::new();
                    if !pages.is_empty() {
                        parts.push(format!("{} {}: {}", pages.len(), if pages.len() == 1 { "sivu" } else { "sivua" }, pages.join(", ")));
                    }
                    if !files.is_empty() {
                        parts.push(format!(
                            "{} {}: {}",
                            files.len(),
                            if files.len() == 1 { "tiedosto" } else { "tiedostoa" },
                            files.join(", ")
                        ));
                    }
                    parts.join("; ")
                }
                // The follow-up of a body edit, published after the page itself.
                Rebuilt::SearchAndPrint { .. } => "+ haku, tulostussivu".to_string(),
            };
            let warn = if w > 0 { format!(", {w} varoitusta") } else { String::new() };
            eprintln!("rakennettu {ms:.1} ms: {what}{warn}");
        }
        Event::Failed(d) => {
            let e = d.error_count();
            print_all(d.clone(), false);
            eprintln!("rakentaminen epäonnistui: {e} virhettä – selaimessa näkyy edellinen onnistunut versio ja virheilmoitus");
        }
        Event::WatchProblem(msg) => eprintln!("varoitus: {msg}"),
    }
}

/// See `tikv-jemallocator` in Cargo.toml: measurably faster than glibc's
/// allocator for the build's many short-lived strings, on every core.
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { root, out, drafts, base_url, all_warnings } => {
            if let Some(why) = base_url.as_deref().and_then(handbook::config::base_url_problem) {
                let shown = handbook::content::yaml::shown_value(base_url.as_deref().unwrap_or_default());
                return usage_error(
                    &format!("valitsimen --base-url arvo `{shown}` ei kelpaa sivuston osoitteeksi: {why}"),
                    handbook::config::BASE_URL_HELP,
                );
            }
            let out = out.unwrap_or_else(|| root.join("public"));
            let preview = handbook::preview::Preview::from_env(|k| std::env::var(k).ok());
            match site::build(&Options { root, drafts, base_url, preview }, &out) {
                Ok(r) => {
                    let w = r.warnings.warning_count();
                    print_all(r.warnings, all_warnings);
                    print_phases(&r.phases);
                    eprintln!(
                        "valmis: {} sivua, {} tiedostoa kansioon {} ({:.2} s, {w} varoitusta)",
                        r.pages,
                        r.files,
                        out.display(),
                        r.seconds
                    );
                    ExitCode::SUCCESS
                }
                Err(d) => fail(d, all_warnings),
            }
        }
        Command::Check { root, drafts, external: true, timeout, parallel, all_warnings } => {
            let limits = handbook::external::Limits { parallel, timeout: std::time::Duration::from_secs(timeout) };
            let with_drafts = site::check_external(&Options { drafts: true, ..Options::new(root.clone()) }, limits);
            let checked = match with_drafts {
                Ok((r, urls)) => merge_checks(Ok(r), drafts, &root).map(|r| (r, urls)),
                Err(d) => merge_checks(Err(d), drafts, &root).map(|r| (r, 0)),
            };
            match checked {
                Ok((r, urls)) => {
                    let w = r.warnings.warning_count();
                    print_all(r.warnings, all_warnings);
                    eprintln!("kunnossa: {} sivua ja {urls} ulkoista linkkiä tarkistettu ({w} varoitusta)", r.pages);
                    ExitCode::SUCCESS
                }
                Err(d) => fail(d, all_warnings),
            }
        }
        Command::Check { root, drafts, all_warnings, .. } => {
            match merge_checks(site::check(&Options { drafts: true, ..Options::new(root.clone()) }), drafts, &root) {
                Ok(r) => {
                    let w = r.warnings.warning_count();
                    print_all(r.warnings, all_warnings);
                    print_phases(&r.phases);
                    eprintln!("kunnossa: {} sivua tarkistettu ({:.2} s, {w} varoitusta)", r.pages, r.seconds);
                    ExitCode::SUCCESS
                }
                Err(d) => fail(d, all_warnings),
            }
        }
        Command::Search { query, root, json, limit, drafts } => {
            match handbook::search::cli::run(&Options { drafts, ..Options::new(root) }, &query, limit) {
                Ok(results) => {
                    if json {
                        println!("{}", serde_json::to_string_pretty(&results).unwrap_or_default());
                    } else if results.is_empty() {
                        println!("Ei hakutuloksia haulle \"{query}\".");
                    } else {
                        for (i, r) in results.iter().enumerate() {
                            println!("{}. {} ({:.2})\n   {}\n   {}\n", i + 1, r.title, r.score, r.url, r.excerpt);
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(d) => fail(d, false),
            }
        }
        Command::Serve { root, port, bind, drafts, open } => {
            let opts = ServeOptions { root, drafts, bind, port, open };
            match handbook::serve::run(&opts, &mut print_serve_event) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("virhe: {}", e.0);
                    ExitCode::from(1)
                }
            }
        }
        Command::New { kind, title, section, root } => {
            let kind = match kind {
                NewKind::Model => PageKind::Model,
                NewKind::Chapter => PageKind::Chapter,
            };
            match handbook::new::create(&root, kind, &title, section.as_deref()) {
                Ok(path) => {
                    println!("{}", path.display());
                    eprintln!("luotu: {} – täydennä alkutiedot ja tarkista komennolla `handbook check`", path.display());
                    ExitCode::SUCCESS
                }
                Err(d) => fail(Diagnostics::from(d as Diagnostic), false),
            }
        }
    }
}
