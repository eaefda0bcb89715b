//! The site: sequences the steps — configuration, discovery, library, Markdown,
//! templates, output — and contains no parsing or rendering of its own.
//!
//! [`Site::load`] validates everything that can be validated before rendering;
//! [`Site::render`] renders into any [`Sink`]; [`build`] and [`check`] are the
//! two entry points the command line uses. The steps of rendering live in the
//! submodules: `pass` (pages, print page, checks, then the rest), `extras`
//! (listings, feeds, redirects, static files), `print`, `search`, `writer`.

mod extras;
mod pass;
mod print;
mod search;
mod writer;

pub use pass::{PagesDone, Sources};
pub use writer::index_file;

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::changes::ChangeSet;
use crate::config::{self, Config};
use crate::content::front_matter::LinkTarget;
use crate::content::{self, Library};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::git::Repo;
use crate::markdown::links::LinkResolver;
use crate::markdown::Rendered;
use crate::output::{NullSink, Staging};
use crate::preview::Preview;
use crate::render::views::Views;
use crate::theme::Theme;

/// What the command line asks for.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub drafts: bool,
    pub base_url: Option<String>,
    /// Set for pull-request deploy previews (see `preview::Preview::from_env`).
    pub preview: Option<Preview>,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Options {
        Options { root: root.into(), drafts: false, base_url: None, preview: None }
    }
}

/// A loaded, validated site.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub theme: Theme,
    pub lib: Library,
    /// The Git repository holding the site, if any.
    pub repo: Option<Repo>,
    pub preview: Option<Preview>,
    pub drafts: bool,
}

/// What a successful run did.
#[derive(Debug, Default)]
pub struct Report {
    pub pages: usize,
    pub files: usize,
    pub warnings: Diagnostics,
    pub seconds: f64,
    /// Each step in order (for `HANDBOOK_TIMINGS=1` and benchmarks).
    pub phases: Vec<Phase>,
}

/// One step of a run: its wall time and the process's peak memory after it.
#[derive(Debug, Clone, Copy)]
pub struct Phase {
    pub name: &'static str,
    pub seconds: f64,
    /// Peak resident memory so far, in bytes (Linux only).
    pub peak_bytes: Option<u64>,
    /// CPU time the process had used by the end of the step, all threads, in
    /// seconds (Linux only); a step's own is the difference from the previous.
    pub cpu_total: Option<f64>,
}

impl Phase {
    fn now(name: &'static str, seconds: f64) -> Phase {
        Phase { name, seconds, peak_bytes: crate::fsutil::peak_memory(), cpu_total: crate::fsutil::cpu_seconds() }
    }
}

impl Site {
    /// Loads and validates configuration, theme and content; all errors together.
    pub fn load(opts: &Options) -> Result<(Site, Diagnostics), Diagnostics> {
        let mut config = config::load(&opts.root)?;
        if let Some(url) = &opts.base_url {
            config.set_base_url(url);
        }
        let (files, mut diags) = content::discover(&opts.root);
        let theme = Theme::load(&opts.root, &config.theme);
        let repo = Repo::open(&opts.root);
        let history = match &repo {
            Some(r) if r.is_shallow() => {
                diags.push(
                    Diagnostic::warning(
                        content::CONTENT_DIR,
                        0,
                        0,
                        "Git-klooni on matala (shallow), joten sivujen päivämääriä ei luettu historiasta",
                    )
                    .with_help("hae koko historia komennolla `git fetch --unshallow`; alkutietojen `created`/`updated` näytetään silti"),
                );
                Default::default()
            }
            Some(r) => r.file_dates(content::CONTENT_DIR),
            None => Default::default(),
        };
        let (lib, lib_diags) = Library::with_history(files, &config, opts.drafts, &history);
        diags.extend(lib_diags);
        let theme = match theme {
            Ok(t) => t,
            Err(d) => {
                diags.extend(d);
                Theme::default()
            }
        };
        diags.extend(content::aliases::collisions(&lib, &theme.static_origins()));
        diags.extend(theme.unknown_page_templates(&lib));
        diags.extend(statement_warnings(&config));
        if diags.has_errors() {
            return Err(diags);
        }
        let preview = opts.preview.as_ref().map(|p| p.for_site(&config));
        Ok((Site { root: opts.root.clone(), config, theme, lib, repo, preview, drafts: opts.drafts }, diags))
    }

    fn resolver(&self) -> LinkResolver<'_> {
        LinkResolver::new(&self.lib, self.config.base_path()).with_statics(self.theme.statics().map(|(rel, _)| rel))
    }

    /// URL of the top-level section holding `s` (for the navigation's current marker).
    fn top_section_url(&self, views: &Views, s: crate::content::SectionId) -> String {
        self.lib.ancestors(s).get(1).map(|t| views.url(&self.lib.section(*t).path)).unwrap_or_default()
    }

    /// Every external URL with the places it is used (Markdown and front
    /// matter). `texts` are the pages' texts, locked only after `md` was
    /// rendered: rendering reads each text through its lock.
    fn external_uses<'a>(
        &'a self,
        (pages_md, sections_md): &(Vec<Rendered>, Vec<Rendered>),
        texts: &'a [std::sync::MutexGuard<'a, String>],
    ) -> std::collections::BTreeMap<String, crate::external::Uses<'a>> {
        let mut uses: std::collections::BTreeMap<String, crate::external::Uses> = Default::default();
        let pages = self.lib.pages.iter().zip(texts).zip(pages_md).map(|((p, text), r)| (p.source.display(), text.as_str(), r));
        let sections =
            self.lib.sections.iter().zip(sections_md).filter_map(|(s, r)| Some((s.source.as_ref()?.display(), s.text.as_str(), r)));
        for (display, text, r) in pages.chain(sections) {
            for l in &r.external {
                uses.entry(l.href.clone()).or_default().push((display.clone(), l.line, l.col, text));
            }
        }
        for (p, text) in self.lib.pages.iter().zip(texts) {
            let m = &p.front.model;
            let urls = m.links.iter().filter_map(|l| match &l.target {
                LinkTarget::Url(u) => Some((u.as_str(), l.value_line, l.value_col)),
                LinkTarget::File(_) => None,
            });
            let memos = m.meetings.iter().filter_map(|x| Some((x.memo.as_deref()?, x.memo_line, x.memo_col)));
            for (url, line, col) in urls.chain(memos).filter(|(u, ..)| u.starts_with("http://") || u.starts_with("https://")) {
                uses.entry(url.to_string()).or_default().push((p.source.display(), line, col, text.as_str()));
            }
        }
        uses
    }

    fn views<'a>(&'a self, changes: &'a ChangeSet) -> Views<'a> {
        Views {
            lib: &self.lib,
            config: &self.config,
            resolver: self.resolver(),
            repo_prefix: self.repo.as_ref().map_or("", |r| r.prefix.as_str()),
            changes: changes.iter().map(|c| (c.source.as_str(), c)).collect(),
            edit_branch: self.preview.as_ref().and_then(|p| p.head.as_deref()),
        }
    }

    /// Values every template sees besides `site` and `t`.
    fn shared(&self, views: &Views, changes: &ChangeSet) -> Vec<(&'static str, serde_json::Value)> {
        let preview = self.preview.as_ref().map(|p| {
            serde_json::json!({ "id": p.review_id, "pull_url": p.pull_url, "changes_url": views.url("/muutokset/"), "count": changes.count() })
        });
        vec![
            ("nav", serde_json::to_value(views.nav()).unwrap_or_default()),
            ("nav_limit", serde_json::Value::from(crate::render::views::NAV_LIMIT)),
            ("preview", serde_json::to_value(preview).unwrap_or_default()),
            ("noindex", serde_json::Value::Bool(self.preview.is_some())),
            ("feed_url", serde_json::Value::String(views.url("/atom.xml"))),
        ]
    }

    /// What a deploy preview changes (empty outside previews).
    fn changes(&self) -> (ChangeSet, Diagnostics) {
        crate::preview::changes(&self.lib, &self.config, self.preview.as_ref(), self.repo.as_ref())
    }
}

fn table_label(config: &Config) -> &'static str {
    crate::i18n::string(&config.language, "table").unwrap_or("Taulukko")
}

/// Lap times of one run.
struct Clock {
    last: Instant,
    laps: Vec<Phase>,
}

impl Clock {
    fn new() -> Clock {
        Clock { last: Instant::now(), laps: Vec::new() }
    }

    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.laps.push(Phase::now(name, (now - self.last).as_secs_f64()));
        self.last = now;
    }
}

/// The statement must exist and be reviewed at least yearly (306/2019).
fn statement_warnings(config: &Config) -> Diagnostics {
    let mut diags = Diagnostics::new();
    match &config.accessibility {
        None => diags.push(
            Diagnostic::warning(config::CONFIG_FILE, 1, 1, "saavutettavuusseloste puuttuu asetuksista")
                .with_help("lisää `accessibility`-kohta (status, prepared, reviewed, assessed, feedback, authority); ks. README"),
        ),
        Some(a) if a.reviewed.plus_months(12) < crate::content::date::Date::today() => diags.push(
            Diagnostic::warning(
                config::CONFIG_FILE,
                a.reviewed_line,
                3,
                format!("saavutettavuusseloste on tarkistettu viimeksi {}, yli 12 kuukautta sitten", a.reviewed.finnish()),
            )
            .with_help("tarkista seloste ja päivitä `accessibility.reviewed`-päivämäärä"),
        ),
        Some(_) => {}
    }
    diags
}

/// Refuses output folders whose replacement would destroy the sources.
///
/// Both paths are resolved fully first (symlinks and `..` included, also for
/// the part of `out` that does not exist yet): `std::path::absolute` keeps
/// `..`, so `cd site && handbook build --out ../site` once slipped through and
/// publishing then deleted the sources as "the previous output".
fn check_out_dir(root: &Path, out: &Path) -> Result<(), Diagnostics> {
    let root_r = crate::output::resolve_fully(root);
    let out_r = crate::output::resolve_fully(out);
    let under = |d: &str| out_r.starts_with(crate::output::resolve_fully(&root_r.join(d)));
    let bad = root_r.starts_with(&out_r) || under(content::CONTENT_DIR) || under("themes") || under(config::CONFIG_FILE);
    if bad {
        return Err(Diagnostic::error(
            out.display().to_string(),
            0,
            0,
            "tulostekansioksi ei voi valita sivuston juurta, sen yläkansiota eikä kansiota `content/` tai `themes/`",
        )
        .with_help("valitse erillinen kansio, esim. `--out public`: rakentaminen korvaa tulostekansion koko sisällön")
        .into());
    }
    Ok(())
}

/// Builds the site into `out` atomically: on any error `out` is left untouched.
pub fn build(opts: &Options, out: &Path) -> Result<Report, Diagnostics> {
    let started = Instant::now();
    check_out_dir(&opts.root, out)?;
    let (mut site, load_warnings) = Site::load(opts)?;
    let load_phase = Phase::now("load", started.elapsed().as_secs_f64());
    let io_err = |e: std::io::Error| {
        Diagnostics::from(Diagnostic::error(
            out.display().to_string(),
            0,
            0,
            format!("tulostekansiota ei voitu valmistella ({})", crate::fsutil::io_reason(&e)),
        ))
    };
    let with_load_warnings = |mut d: Diagnostics| {
        d.extend(load_warnings.clone());
        d
    };
    let staging = Staging::new(out).map_err(io_err)?;
    let pages = site.render_pages(&staging, Sources::Release).map_err(with_load_warnings)?;
    // Every page is written and checked: a large site need not hold its sources any longer.
    site.lib.release_sources();
    let mut report = site.render_rest(pages, &staging).map_err(with_load_warnings)?;
    report.files = staging.files();
    let before_publish = Instant::now();
    staging.publish().map_err(io_err)?;
    report.phases.insert(0, load_phase);
    report.phases.push(Phase::now("publish", before_publish.elapsed().as_secs_f64()));
    report.warnings.extend(load_warnings);
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// `check`, then every external link (see `external`); also returns how many URLs were checked.
pub fn check_external(opts: &Options, limits: crate::external::Limits) -> Result<(Report, usize), Diagnostics> {
    let report = check(opts)?;
    let (site, _) = Site::load(opts)?;
    let md = site.markdown(table_label(&site.config));
    let texts = site.lib.page_texts();
    let (count, diags) = crate::external::check(site.external_uses(&md, &texts), limits);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((report, count))
}

/// Validates everything `build` validates, writing nothing.
pub fn check(opts: &Options) -> Result<Report, Diagnostics> {
    let started = Instant::now();
    let (site, load_warnings) = Site::load(opts)?;
    // As `build`: each page's text is freed once the page is rendered.
    let mut report = site.render(&NullSink::new(), Sources::Release).map_err(|mut d| {
        d.extend(load_warnings.clone());
        d
    })?;
    report.warnings.extend(load_warnings);
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
