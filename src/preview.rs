//! Deploy previews of pull requests (comment rounds): recognising Netlify's
//! preview context from its environment variables, and listing what the
//! proposal changes against the merge base with the base branch.
//!
//! The base branch is looked for as `origin/<branch>`, `<branch>` and a
//! `FETCH_HEAD` that names it (what `git fetch origin main` leaves behind
//! without a refspec). When it cannot be found, or the site is not in a Git
//! repository, the changes are *unknown* ([`ChangeSet::unknown`]): the page
//! says so and why, instead of claiming that nothing changed.

use std::collections::BTreeMap;

use crate::changes::{readable, redline, ChangeKind, ChangeSet, FieldNames, PageChange};
use crate::config::Config;
use crate::content::{Library, CONTENT_DIR};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::git::Repo;
use crate::slug::slugify;

/// A pull-request preview build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// Pull-request number (`REVIEW_ID`).
    pub review_id: String,
    /// Link to the pull request.
    pub pull_url: Option<String>,
    /// The pull request's branch (Netlify's `HEAD`), for edit and history
    /// links: a page added in the proposal does not exist on the base branch.
    pub head: Option<String>,
}

impl Preview {
    /// Reads Netlify's variables through `get` (so tests need not touch the process environment).
    /// Only `CONTEXT=deploy-preview` makes a preview.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Option<Preview> {
        if get("CONTEXT").as_deref() != Some("deploy-preview") {
            return None;
        }
        let review_id = get("REVIEW_ID").filter(|r| !r.trim().is_empty()).unwrap_or_else(|| "?".into());
        let pull_url = get("REPOSITORY_URL").filter(|u| u.starts_with("https://")).map(|u| pull_link(&u, &review_id));
        let head = get("HEAD").map(|h| h.trim().to_string()).filter(|h| !h.is_empty());
        Some(Preview { review_id, pull_url, head })
    }

    /// Fills in what the site configuration knows: without an `https://`
    /// `REPOSITORY_URL` (Netlify gives `git@…` for some set-ups), the pull
    /// request is found under the configured `repository.url`.
    pub fn for_site(&self, config: &Config) -> Preview {
        let mut p = self.clone();
        if p.pull_url.is_none() && p.review_id != "?" {
            p.pull_url = config.repository.as_ref().filter(|r| r.url.starts_with("https://")).map(|r| pull_link(&r.url, &p.review_id));
        }
        p
    }
}

fn pull_link(repo_url: &str, review_id: &str) -> String {
    format!("{}/pull/{review_id}", repo_url.trim_end_matches('/').trim_end_matches(".git"))
}

/// The changes page's content, with a warning when it cannot be worked out;
/// empty outside previews.
pub fn changes(lib: &Library, config: &Config, preview: Option<&Preview>, repo: Option<&Repo>) -> (ChangeSet, Diagnostics) {
    let branch = config.repository.as_ref().map_or("main", |r| r.branch.as_str());
    match (preview, repo) {
        (None, _) => (ChangeSet::default(), Diagnostics::new()),
        (Some(_), None) => unknown(
            "Sivustoa ei rakennettu Git-varastosta, joten sitä ei voitu verrata päähaaraan.".to_string(),
            "muutossivua ei voitu koota: sivusto ei ole Git-varastossa".to_string(),
            "rakenna esikatselu Git-kloonista",
        ),
        (Some(_), Some(repo)) => match base(repo, branch) {
            Ok(base) => (compare(lib, config, repo, &base), Diagnostics::new()),
            Err(why) => unknown(
                format!("{}. Sivu ei siksi kerro, mitä ehdotus muuttaa.", capitalised(&why)),
                format!("muutossivua ei voitu koota: {why}"),
                &format!(
                    "hae päähaara ennen rakennusta (`git fetch origin {branch}:refs/remotes/origin/{branch}`) ja koko historia (`git fetch --unshallow`)"
                ),
            ),
        },
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

fn unknown(reason: String, warning: String, help: &str) -> (ChangeSet, Diagnostics) {
    let diag = Diagnostic::warning(CONTENT_DIR, 0, 0, warning).with_help(help);
    (ChangeSet { pages: Vec::new(), unknown: Some(reason) }, diag.into())
}

/// The merge base of HEAD and the base branch, or why there is none (in Finnish, lower case).
fn base(repo: &Repo, branch: &str) -> Result<String, String> {
    let shallow = if repo.is_shallow() { " (klooni on matala)" } else { "" };
    let found = repo.resolve(&[format!("refs/remotes/origin/{branch}"), format!("refs/heads/{branch}")]).or_else(|| repo.fetched(branch));
    let Some(tip) = found else {
        return Err(format!("päähaaraa `{branch}` ei löytynyt rakennusympäristöstä{shallow}"));
    };
    repo.merge_base("HEAD", &tip).ok_or_else(|| format!("ehdotuksella ja päähaaralla `{branch}` ei löytynyt yhteistä historiaa{shallow}"))
}

/// A file now: where it is shown, and its text.
struct Current<'a> {
    url: &'a str,
    text: &'a str,
}

/// Every page and section (`_index.md`) added, changed or removed since `base`.
fn compare(lib: &Library, config: &Config, repo: &Repo, base: &str) -> ChangeSet {
    let names = FieldNames::new(config);
    let old: BTreeMap<String, String> = repo.files_at(base, CONTENT_DIR).into_iter().collect();
    let texts = lib.page_texts();
    let mut now: BTreeMap<String, Current> =
        lib.pages.iter().zip(&texts).map(|(p, text)| (p.source.display(), Current { url: &p.path, text })).collect();
    for s in &lib.sections {
        if let Some(src) = &s.source {
            now.insert(src.display(), Current { url: &s.path, text: &s.text });
        }
    }
    let mut out = Vec::new();
    for (source, cur) in &now {
        let (title, text) = readable(cur.text, &names);
        let url = Some(cur.url.to_string());
        let anchor = slugify(source);
        let source = source.clone();
        match old.get(&source) {
            None => out.push(PageChange { kind: ChangeKind::Added, source, title, url, anchor, redline: redline("", &text) }),
            Some(before) => {
                let (old_title, then) = readable(before, &names);
                if then != text || old_title != title {
                    let redline = redline(&format!("{old_title}\n{then}"), &format!("{title}\n{text}"));
                    out.push(PageChange { kind: ChangeKind::Changed, source, title, url, anchor, redline });
                }
            }
        }
    }
    for (source, before) in &old {
        if !now.contains_key(source) {
            let (title, then) = readable(before, &names);
            out.push(PageChange {
                kind: ChangeKind::Removed,
                source: source.clone(),
                title,
                url: None,
                anchor: slugify(source),
                redline: redline(&then, ""),
            });
        }
    }
    out.sort_by(|a, b| (a.kind, &a.source).cmp(&(b.kind, &b.source)));
    ChangeSet { pages: out, unknown: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(ctx: &'static str, repo: &'static str) -> impl Fn(&str) -> Option<String> {
        move |k: &str| match k {
            "CONTEXT" => Some(ctx.to_string()),
            "REVIEW_ID" => Some("12".to_string()),
            "REPOSITORY_URL" => Some(repo.to_string()),
            "HEAD" => Some("ehdotus/uusi-luku".to_string()),
            _ => None,
        }
    }

    #[test]
    fn only_the_deploy_preview_context_is_a_preview() {
        assert_eq!(
            Preview::from_env(env("deploy-preview", "https://github.com/org/kasikirja")),
            Some(Preview {
                review_id: "12".into(),
                pull_url: Some("https://github.com/org/kasikirja/pull/12".into()),
                head: Some("ehdotus/uusi-luku".into()),
            })
        );
        assert_eq!(Preview::from_env(env("production", "https://github.com/org/kasikirja")), None);
    }

    #[test]
    fn without_an_https_repository_url_the_configured_one_gives_the_pull_link() {
        let config = crate::config::parse("title: T\nbase_url: https://e.org/\nrepository:\n  url: https://github.com/org/kasikirja/\n")
            .expect("test configuration");
        let p = Preview::from_env(env("deploy-preview", "git@github.com:org/kasikirja")).expect("a preview");
        assert_eq!(p.pull_url, None);
        assert_eq!(p.for_site(&config).pull_url.as_deref(), Some("https://github.com/org/kasikirja/pull/12"));
    }
}
