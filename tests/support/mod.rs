//! Test support: `SiteTest`, a small builder for fixture sites in temporary
//! folders, and helpers to run the real `handbook` binary on them; `serve`
//! holds the preview-server helpers (a running server, a raw HTTP client).

#![allow(dead_code)] // Each test binary uses a different subset.

pub mod serve;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const CONFIG: &str = "title: Testisivusto\nbase_url: https://example.org/\n";

/// A fixture site in a temporary folder.
pub struct SiteTest {
    pub dir: tempfile::TempDir,
}

/// The outcome of one `handbook` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    pub fn expect_ok(self) -> Run {
        assert_eq!(self.code, 0, "expected success, got {}:\n{}", self.code, self.stderr);
        self
    }

    /// Exit 1 and every given line present in stderr.
    pub fn expect_errors(self, lines: &[&str]) -> Run {
        assert_eq!(self.code, 1, "expected exit 1, got {}:\n{}", self.code, self.stderr);
        for l in lines {
            assert!(self.stderr.contains(l), "missing {l:?} in:\n{}", self.stderr);
        }
        self
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_handbook")
}

impl SiteTest {
    /// An empty site with the minimal configuration and a home page.
    pub fn new() -> SiteTest {
        let t = SiteTest { dir: tempfile::tempdir().expect("temp dir") };
        t.file("handbook.yaml", CONFIG).file("content/_index.md", "---\ntitle: Etusivu\n---\nTervetuloa.\n")
    }

    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> SiteTest {
        let t = SiteTest { dir: tempfile::tempdir().expect("temp dir") };
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name), t.root());
        t
    }

    /// A copy of the repository's own site (configuration, content, themes).
    pub fn bundled() -> SiteTest {
        let t = SiteTest { dir: tempfile::tempdir().expect("temp dir") };
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(repo.join("handbook.yaml"), t.root().join("handbook.yaml")).expect("copy config");
        copy_dir(&repo.join("content"), &t.root().join("content"));
        t
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(self, rel: &str, text: &str) -> SiteTest {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
        self
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(Command::new(bin()).args(args).current_dir(self.root()).output().expect("run handbook"))
    }

    /// Runs with extra environment variables (e.g. Netlify's).
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(bin());
        cmd.args(args).current_dir(self.root());
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from(cmd.output().expect("run handbook"))
    }

    /// Runs `git` in the site with fixed identity and dates (`date` as `2023-10-20`).
    pub fn git(&self, args: &[&str], date: &str) -> String {
        let stamp = format!("{date}T12:00:00+02:00");
        let o = Command::new("git")
            .args(args)
            .current_dir(self.root())
            .env("GIT_AUTHOR_NAME", "Toimittaja")
            .env("GIT_AUTHOR_EMAIL", "toimittaja@example.org")
            .env("GIT_COMMITTER_NAME", "Toimittaja")
            .env("GIT_COMMITTER_EMAIL", "toimittaja@example.org")
            .env("GIT_AUTHOR_DATE", &stamp)
            .env("GIT_COMMITTER_DATE", &stamp)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.root())
            .output()
            .expect("run git");
        assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// `git add -A && git commit` on `date`.
    pub fn commit(&self, message: &str, date: &str) -> &SiteTest {
        self.git(&["add", "-A"], date);
        self.git(&["commit", "-q", "-m", message], date);
        self
    }

    pub fn write(&self, rel: &str, text: &str) -> &SiteTest {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
        self
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    pub fn check(&self) -> Run {
        self.run(&["check"])
    }

    pub fn out(&self, rel: &str) -> String {
        let p = self.root().join("public").join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    pub fn out_path(&self) -> PathBuf {
        self.root().join("public")
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).sort_by_file_name() {
        let e = e.expect("walk");
        let dest = to.join(e.path().strip_prefix(from).expect("prefix"));
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// Every file under `dir` with its bytes, for byte-for-byte comparisons.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).expect("prefix").to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read")))
        .collect()
}
