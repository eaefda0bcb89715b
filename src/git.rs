//! Git history as a source of facts: the dates a file was first and last
//! committed (following renames), whether the clone is shallow, and a file's
//! text at another revision (for deploy-preview redlines). Runs the `git`
//! command line; no libgit2. Every function degrades to "nothing known"
//! outside a repository. Paths are read with `core.quotePath=false`, so
//! names such as `äitiys.md` arrive as written, not octal-escaped.

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
    ///
    /// Renames are followed (`-M`), through any chain of moves, so moving a
    /// page keeps its "Luotu" date; a pure move (identical content, `R100`)
    /// is not an edit, so it does not bump "Viimeksi muokattu" either (and the
    /// page does not re-enter the Atom feed as updated).
    pub fn file_dates(&self, dir: &str) -> HashMap<String, (Date, Date)> {
        let spec = format!("{}{dir}", self.prefix);
        let args = ["-c", "core.quotePath=false", "log", "--date-order", "-M", "--format=%x00%as", "--name-status", "--", &spec];
        let Some(log) = git(&self.top, &args) else {
            return HashMap::new();
        };
        let mut dates = history_dates(&log);
        dates.retain(|k, _| k.starts_with(&self.prefix));
        dates.into_iter().map(|(k, v)| (k[self.prefix.len()..].to_string(), v)).collect()
    }

    /// The first of `candidates` that names a commit, as a full hash.
    pub fn resolve(&self, candidates: &[String]) -> Option<String> {
        candidates
            .iter()
            .find_map(|c| git(&self.top, &["rev-parse", "--verify", "--quiet", &format!("{c}^{{commit}}")]).map(|s| s.trim().to_string()))
    }

    /// The commit `git fetch <remote> <branch>` left in `FETCH_HEAD` for
    /// `branch` (a fetch without a refspec updates no other ref). Only a line
    /// naming the branch counts: Netlify's own fetch of the pull request also
    /// writes `FETCH_HEAD`, and that commit is no base.
    pub fn fetched(&self, branch: &str) -> Option<String> {
        let path = git(&self.top, &["rev-parse", "--git-path", "FETCH_HEAD"])?;
        let path = self.top.join(path.trim());
        let text = std::fs::read_to_string(path).ok()?;
        let wanted = format!("branch '{branch}' of ");
        text.lines().find_map(|l| {
            let (hash, rest) = l.split_once('\t')?;
            rest.contains(&wanted).then(|| hash.trim().to_string())
        })
    }

    pub fn merge_base(&self, a: &str, b: &str) -> Option<String> {
        git(&self.top, &["merge-base", a, b]).map(|s| s.trim().to_string())
    }

    /// Files under `dir` (relative to the site root) at `rev`, as (path relative to the site root, text).
    pub fn files_at(&self, rev: &str, dir: &str) -> Vec<(String, String)> {
        let spec = format!("{}{dir}", self.prefix);
        let Some(list) = git(&self.top, &["-c", "core.quotePath=false", "ls-tree", "-r", "--name-only", rev, "--", &spec]) else {
            return Vec::new();
        };
        list.lines()
            .filter(|p| p.ends_with(".md"))
            .filter_map(|p| {
                let text = git(&self.top, &["show", &format!("{rev}:{p}")])?;
                Some((p.strip_prefix(&self.prefix)?.to_string(), text))
            })
            .collect()
    }
}

/// Dates per file from `git log --name-status -M` output (newest commit
/// first), keyed by each file's newest name; see [`Repo::file_dates`].
fn history_dates(log: &str) -> HashMap<String, (Date, Date)> {
    // Walking back in time, `alias` maps a name a file had at that point to
    // the file's newest name; `None` marks a name whose older history belongs
    // to another file (one deleted, or one that existed before this was added).
    let mut alias: HashMap<String, Option<String>> = HashMap::new();
    // Newest name → (first commit of any kind, last commit that edited it).
    let mut seen: HashMap<String, (Date, Option<Date>)> = HashMap::new();
    let mut record = |key: Option<String>, d: Date, edited: bool| {
        let Some(key) = key else { return };
        let e = seen.entry(key).or_insert((d, None));
        e.0 = e.0.min(d);
        if edited {
            e.1 = Some(e.1.map_or(d, |u| u.max(d)));
        }
    };
    let mut current: Option<Date> = None;
    for line in log.lines() {
        if let Some(d) = line.strip_prefix('\0') {
            current = Date::parse(d.trim());
            continue;
        }
        let mut fields = line.split('\t');
        let (Some(d), Some(status), Some(path)) = (current, fields.next(), fields.next()) else { continue };
        let key_of = |alias: &HashMap<String, Option<String>>, p: &str| alias.get(p).cloned().unwrap_or_else(|| Some(p.to_string()));
        match status.as_bytes().first() {
            Some(b'R') => {
                let Some(new) = fields.next() else { continue };
                let key = key_of(&alias, new);
                // Before this commit, nothing called `new` was this file.
                alias.insert(new.to_string(), None);
                // `R100`: the same content under a new name, not an edit.
                record(key.clone(), d, status != "R100");
                alias.insert(path.to_string(), key);
            }
            Some(b'A') => {
                record(key_of(&alias, path), d, true);
                alias.insert(path.to_string(), None);
            }
            Some(b'D') => {
                alias.entry(path.to_string()).or_insert(None);
            }
            Some(_) => record(key_of(&alias, path), d, true),
            None => {}
        }
    }
    seen.into_iter().map(|(k, (first, last))| (k, (first, last.unwrap_or(first)))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).expect("test date")
    }

    #[test]
    fn dates_follow_a_chain_of_renames() {
        // Newest first, as `git log` prints it.
        let log = "\x002024-03-01\nR090\tcontent/b.md\tcontent/c/d.md\n\
                   \x002023-06-01\nR100\tcontent/a.md\tcontent/b.md\n\
                   \x002023-02-01\nM\tcontent/a.md\n\
                   \x002023-01-10\nA\tcontent/a.md\n";
        let dates = history_dates(log);
        assert_eq!(dates.get("content/c/d.md"), Some(&(d("2023-01-10"), d("2024-03-01"))));
        assert_eq!(dates.len(), 1, "{dates:?}");
    }

    #[test]
    fn a_pure_move_is_not_an_edit_and_an_older_namesake_is_another_file() {
        let log = "\x002024-05-05\nA\tcontent/a.md\n\
                   \x002024-01-01\nR100\tcontent/a.md\tcontent/b.md\n\
                   \x002023-01-10\nA\tcontent/a.md\n";
        let dates = history_dates(log);
        assert_eq!(dates.get("content/b.md"), Some(&(d("2023-01-10"), d("2023-01-10"))));
        assert_eq!(dates.get("content/a.md"), Some(&(d("2024-05-05"), d("2024-05-05"))));
    }
}
