//! Git history as a source of facts: the dates a file was first and last
//! committed, whether the clone is shallow, and a file's text at another
//! revision (for deploy-preview redlines). Runs the `git` command line; no
//! libgit2. Every function degrades to "nothing known" outside a repository.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::content::date::Date;

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The repository holding `root`, as seen by git (`None` outside one).
#[derive(Debug, Clone)]
pub struct Repo {
    /// Top level of the work tree.
    pub top: PathBuf,
    /// `root` relative to `top`, `/`-separated, empty or ending in `/`.
    pub prefix: String,
}

impl Repo {
    pub fn open(root: &Path) -> Option<Repo> {
        let top = PathBuf::from(git(root, &["rev-parse", "--show-toplevel"])?.trim());
        let prefix = git(root, &["rev-parse", "--show-prefix"]).unwrap_or_default().trim().to_string();
        Some(Repo { top, prefix })
    }

    pub fn is_shallow(&self) -> bool {
        git(&self.top, &["rev-parse", "--is-shallow-repository"]).is_some_and(|s| s.trim() == "true")
    }

    /// First and last author date of every file under `dir` (relative to the
    /// site root), keyed by path relative to the site root. One `git log` pass.
    pub fn file_dates(&self, dir: &str) -> HashMap<String, (Date, Date)> {
        let spec = format!("{}{dir}", self.prefix);
        let Some(log) = git(&self.top, &["log", "--format=%x00%as", "--name-only", "--no-renames", "--", &spec]) else {
            return HashMap::new();
        };
        let mut dates: HashMap<String, (Date, Date)> = HashMap::new();
        let mut current: Option<Date> = None;
        // Newest commit first: the first date seen is the last change, the last seen the creation.
        for line in log.lines() {
            if let Some(d) = line.strip_prefix('\0') {
                current = Date::parse(d.trim());
            } else if let (Some(d), false) = (current, line.trim().is_empty()) {
                let Some(rel) = line.trim().strip_prefix(&self.prefix) else { continue };
                dates.entry(rel.to_string()).and_modify(|e| e.0 = d).or_insert((d, d));
            }
        }
        dates
    }

    /// The first of `candidates` that names a commit, as a full hash.
    pub fn resolve(&self, candidates: &[String]) -> Option<String> {
        candidates
            .iter()
            .find_map(|c| git(&self.top, &["rev-parse", "--verify", "--quiet", &format!("{c}^{{commit}}")]).map(|s| s.trim().to_string()))
    }

    pub fn merge_base(&self, a: &str, b: &str) -> Option<String> {
        git(&self.top, &["merge-base", a, b]).map(|s| s.trim().to_string())
    }

    /// Files under `dir` (relative to the site root) at `rev`, as (path relative to the site root, text).
    pub fn files_at(&self, rev: &str, dir: &str) -> Vec<(String, String)> {
        let spec = format!("{}{dir}", self.prefix);
        let Some(list) = git(&self.top, &["ls-tree", "-r", "--name-only", rev, "--", &spec]) else { return Vec::new() };
        list.lines()
            .filter(|p| p.ends_with(".md"))
            .filter_map(|p| {
                let text = git(&self.top, &["show", &format!("{rev}:{p}")])?;
                Some((p.strip_prefix(&self.prefix)?.to_string(), text))
            })
            .collect()
    }
}
