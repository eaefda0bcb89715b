//! Deploy previews of pull requests (comment rounds): recognising Netlify's
//! preview context from its environment variables, and listing what the
//! proposal changes against the merge base with the base branch.

use std::collections::BTreeMap;

use crate::changes::{readable, redline, ChangeKind, PageChange};
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
}

impl Preview {
    /// Reads Netlify's variables through `get` (so tests need not touch the process environment).
    /// Only `CONTEXT=deploy-preview` makes a preview.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Option<Preview> {
        if get("CONTEXT").as_deref() != Some("deploy-preview") {
            return None;
        }
        let review_id = get("REVIEW_ID").filter(|r| !r.trim().is_empty()).unwrap_or_else(|| "?".into());
        let pull_url = get("REPOSITORY_URL")
            .filter(|u| u.starts_with("https://"))
            .map(|u| format!("{}/pull/{review_id}", u.trim_end_matches('/').trim_end_matches(".git")));
        Some(Preview { review_id, pull_url })
    }
}

/// Pages added, changed or removed since the merge base of HEAD and `branch`.
pub fn changes(lib: &Library, repo: &Repo, branch: &str) -> (Vec<PageChange>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let base_ref = repo.resolve(&[format!("origin/{branch}"), branch.to_string()]);
    let base = base_ref.as_deref().and_then(|b| repo.merge_base("HEAD", b));
    let Some(base) = base else {
        diags.push(
            Diagnostic::warning(
                CONTENT_DIR,
                0,
                0,
                format!("muutossivua ei voitu koota: haaraa `{branch}` tai sen yhteistä historiaa ei löytynyt"),
            )
            .with_help("hae päähaara ennen rakennusta (`git fetch origin main`) ja varmista, ettei klooni ole matala"),
        );
        return (Vec::new(), diags);
    };
    let old: BTreeMap<String, String> = repo.files_at(&base, CONTENT_DIR).into_iter().collect();
    let mut out = Vec::new();
    for p in &lib.pages {
        let source = p.source.display();
        let (title, now) = readable(&p.text);
        let url = Some(p.path.clone());
        let anchor = slugify(&source);
        match old.get(&source) {
            None => out.push(PageChange { kind: ChangeKind::Added, source, title, url, anchor, redline: redline("", &now) }),
            Some(before) => {
                let (old_title, then) = readable(before);
                if then != now || old_title != title {
                    let text = redline(&format!("{old_title}\n{then}"), &format!("{title}\n{now}"));
                    out.push(PageChange { kind: ChangeKind::Changed, source, title, url, anchor, redline: text });
                }
            }
        }
    }
    for (source, before) in &old {
        let rel = source.strip_prefix(&format!("{CONTENT_DIR}/")).unwrap_or(source);
        if !lib.by_source.contains_key(rel) && !rel.ends_with("_index.md") {
            let (title, then) = readable(before);
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
    (out, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_deploy_preview_context_is_a_preview() {
        let env = |ctx: &'static str| {
            move |k: &str| match k {
                "CONTEXT" => Some(ctx.to_string()),
                "REVIEW_ID" => Some("12".to_string()),
                "REPOSITORY_URL" => Some("https://github.com/org/kasikirja".to_string()),
                _ => None,
            }
        };
        assert_eq!(
            Preview::from_env(env("deploy-preview")),
            Some(Preview { review_id: "12".into(), pull_url: Some("https://github.com/org/kasikirja/pull/12".into()) })
        );
        assert_eq!(Preview::from_env(env("production")), None);
    }
}
