//! Diagnostics: the one type every step reports problems with, and the one place
//! that formats them for a person.
//!
//! A [`Diagnostic`] names a file relative to the site root, a 1-based line and
//! column, a severity, a Finnish message and an optional `help:` line. Library code
//! collects them into [`Diagnostics`] and returns them; only `main.rs` prints the
//! text produced by [`Diagnostic::render`]. Nothing here does I/O.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How serious a problem is. Errors fail the run (exit 1); warnings are printed only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem an editor can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    /// 1-based line; 0 when the problem concerns the file as a whole.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    pub message: String,
    pub help: Option<String>,
    /// The text of the offending line, shown under the message: of a long
    /// line only the part around the column, cut at `…` (see [`SHOWN_CHARS`]).
    pub source_line: Option<String>,
    /// Characters cut from the start of the line in `source_line` (a `u32`
    /// keeps a diagnostic small: it is the error type of many functions).
    pub source_from: u32,
}

/// Most characters of a source line shown under a message: of a longer line
/// (a paragraph written on one line, pasted HTML) the part around the column,
/// so that a hundred problems on one long line do not print it a hundred times.
pub const SHOWN_CHARS: usize = 120;

impl Diagnostic {
    pub fn error(path: impl Into<String>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line,
            col,
            message: message.into(),
            help: None,
            source_line: None,
            source_from: 0,
        }
    }

    pub fn warning(path: impl Into<String>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Self::error(path, line, col, message) }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attaches the text of line `self.line` of `source` (1-based), if it exists.
    /// Scans `source` up to the line: for many diagnostics of one text, use
    /// [`Diagnostic::with_line_of`].
    pub fn with_source(self, source: &str) -> Self {
        let line = self.line.checked_sub(1).and_then(|i| source.lines().nth(i));
        self.with_line(line)
    }

    /// [`Diagnostic::with_source`] from the text's line index.
    pub fn with_line_of(self, lines: &SourceLines) -> Self {
        let line = lines.line(self.line);
        self.with_line(line)
    }

    fn with_line(mut self, line: Option<&str>) -> Self {
        let Some(line) = line.map(|l| l.trim_end_matches('\r')) else {
            return self;
        };
        let count = line.chars().count();
        if count <= SHOWN_CHARS {
            self.source_line = Some(line.to_string());
            return self;
        }
        let col = self.col.saturating_sub(1).min(count);
        let from = col.saturating_sub(SHOWN_CHARS / 2).min(count - SHOWN_CHARS);
        let mut shown = String::with_capacity(SHOWN_CHARS * 2 + 6);
        if from > 0 {
            shown.push('…');
        }
        shown.extend(line.chars().skip(from).take(SHOWN_CHARS));
        if from + SHOWN_CHARS < count {
            shown.push('…');
        }
        self.source_line = Some(shown);
        self.source_from = u32::try_from(from).unwrap_or(u32::MAX);
        self
    }

    /// `path:line:col: virhe: message`, then the source line with a caret, then `help:`.
    pub fn render(&self) -> String {
        let label = match self.severity {
            Severity::Error => "virhe",
            Severity::Warning => "varoitus",
        };
        let mut out = String::new();
        let _ = write!(out, "{}:{}:{}: {}: {}", self.path, self.line.max(1), self.col.max(1), label, self.message);
        if let Some(src) = &self.source_line {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            // Past the `…` of a cut line, then under the characters before the column.
            let cut = usize::from(self.source_from > 0);
            let before = self.col.saturating_sub(1).saturating_sub(self.source_from as usize);
            let caret_pad: String =
                " ".repeat(cut) + &src.chars().skip(cut).take(before).map(|c| if c == '\t' { '\t' } else { ' ' }).collect::<String>();
            let _ = write!(out, "\n{pad} |\n{num} | {src}\n{pad} | {caret_pad}^");
        }
        if let Some(help) = &self.help {
            let _ = write!(out, "\n  = help: {help}");
        }
        out
    }
}

/// An ordered collection of diagnostics from one run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by path, line and column so output is deterministic whatever the
    /// order in which parallel steps finished.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| (&a.path, a.line, a.col, a.severity, &a.message).cmp(&(&b.path, b.line, b.col, b.severity, &b.message)));
        self.items.dedup();
        self.items
    }

    /// The text to print, sorted as [`Diagnostics::sorted`]. Errors are all
    /// shown; of warnings with the same message and help (one mistake made
    /// on many pages, such as a model card's field in every chapter), the
    /// first `repeats` are shown in full and the rest are counted on one line
    /// after them all, so that the problems that differ are not lost in a
    /// screenful of the same one. `None` shows every warning.
    pub fn render_all(self, repeats: Option<usize>) -> String {
        let sorted = self.sorted();
        let mut seen: std::collections::HashMap<(&str, Option<&str>), usize> = Default::default();
        // Groups with warnings left out, in the order of their first warning.
        let mut over: Vec<(&str, Option<&str>)> = Vec::new();
        let mut out = String::new();
        for d in &sorted {
            if let (Severity::Warning, Some(limit)) = (d.severity, repeats) {
                let key = (d.message.as_str(), d.help.as_deref());
                let count = seen.entry(key).or_default();
                *count += 1;
                if *count > limit {
                    if *count == limit + 1 {
                        over.push(key);
                    }
                    continue;
                }
            }
            let _ = write!(out, "{}\n\n", d.render());
        }
        for key in over {
            let n = seen[&key] - repeats.unwrap_or(0);
            let _ = write!(
                out,
                "varoitus: sama varoitus vielä {n} muussa kohdassa: {}\n  = help: näytä kaikki valitsimella `--all-warnings`\n\n",
                key.0
            );
        }
        out
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics { items: vec![d] }
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics { items: iter.into_iter().collect() }
    }
}

/// A path relative to `root`, with `/` separators, for messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf());
    rel.to_string_lossy().replace('\\', "/")
}

/// 1-based (line, column) of byte `offset` in `text`; column counts characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    Lines::new(text).line_col(offset)
}

/// The lines of one text, indexed once: for the source lines of many
/// diagnostics of one file (see [`Diagnostic::with_line_of`]), which would
/// otherwise each scan the text from its start.
pub struct SourceLines<'a> {
    text: &'a str,
    /// Byte offset of each line's start.
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> SourceLines<'a> {
    /// Indexes nothing until a line is asked for.
    pub fn new(text: &'a str) -> SourceLines<'a> {
        SourceLines { text, starts: std::cell::OnceCell::new() }
    }

    /// Line `n` (1-based) as `str::lines` gives it, without its `\n`.
    pub fn line(&self, n: usize) -> Option<&'a str> {
        let starts = self.starts.get_or_init(|| std::iter::once(0).chain(self.text.match_indices('\n').map(|(i, _)| i + 1)).collect());
        let start = *starts.get(n.checked_sub(1)?)?;
        if start >= self.text.len() {
            return None;
        }
        let end = starts.get(n).map_or(self.text.len(), |next| next - 1);
        let line = &self.text[start..end];
        Some(line.strip_suffix('\r').filter(|_| end < self.text.len()).unwrap_or(line))
    }
}

/// [`line_col`] for many offsets into one text, in mostly ascending order (the
/// links of a page): each call scans only from the previous offset, so a page
/// with many links is not rescanned from its start for each.
pub struct Lines<'a> {
    text: &'a str,
    at: usize,
    line: usize,
    line_start: usize,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        Lines { text, at: 0, line: 1, line_start: 0 }
    }

    /// 1-based (line, column) of byte `offset` (see [`line_col`]).
    pub fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        if offset < self.at {
            *self = Lines::new(self.text);
        }
        // Counted over the bytes rather than found one by one: lines are
        // short, and a count of equal bytes runs many bytes at a time.
        let passed = &self.text.as_bytes()[self.at..offset];
        if let Some(last) = passed.iter().rposition(|&b| b == b'\n') {
            self.line += passed.iter().filter(|&&b| b == b'\n').count();
            self.line_start = self.at + last + 1;
        }
        self.at = offset;
        (self.line, self.text[self.line_start..offset].chars().count() + 1)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Levenshtein distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_l = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word_l, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_nearest_key() {
        assert_eq!(nearest("fundr", ["title", "funder", "phase"]), Some("funder"));
        assert_eq!(nearest("xyzzy", ["title", "funder"]), None);
    }

    #[test]
    fn line_col_counts_characters() {
        let t = "ab\näö x";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, t.find('x').unwrap()), (2, 4));
    }

    #[test]
    fn lines_agree_with_line_col_in_any_order() {
        let t = "ab\näö x\n\nyksi kaksi\nä";
        let mut lines = Lines::new(t);
        let offsets: Vec<usize> = (0..=t.len() + 2).chain((0..t.len()).rev()).chain([3, 9, 1, 14]).collect();
        // The plain count over the whole characters before the offset: newlines, and characters since the last one.
        let naive = |o: usize| {
            let before: String = t.char_indices().take_while(|(i, c)| i + c.len_utf8() <= o).map(|(_, c)| c).collect();
            (before.matches('\n').count() + 1, before.rsplit('\n').next().unwrap_or("").chars().count() + 1)
        };
        for o in offsets {
            assert_eq!(lines.line_col(o), naive(o), "offset {o}");
            assert_eq!(line_col(t, o), naive(o), "offset {o}");
        }
    }

    #[test]
    fn source_lines_are_the_lines_of_str_lines() {
        for text in ["", "\n", "a", "a\n", "a\n\n", "a\r\nb\r\n", "a\rb\n c\r", "\n\nx\ny", "ä\nö\r\n\r\nå"] {
            let lines = SourceLines::new(text);
            for n in 0..6usize {
                let expected = n.checked_sub(1).and_then(|i| text.lines().nth(i));
                assert_eq!(lines.line(n), expected, "line {n} of {text:?}");
                let d = Diagnostic::error("a.md", n, 1, "x");
                assert_eq!(d.clone().with_line_of(&lines), d.with_source(text), "line {n} of {text:?}");
            }
        }
    }

    #[test]
    fn a_long_line_is_shown_around_the_column() {
        let line: String = (0..500).map(|i| format!("s{i} ")).collect();
        let col = line.find("s300 ").unwrap() + 1;
        let r = Diagnostic::error("a.md", 2, col, "x").with_source(&format!("alku\n{line}\nloppu")).render();
        let shown = r.lines().find(|l| l.starts_with("2 | ")).unwrap();
        let caret = r.lines().last().unwrap();
        assert!(shown.starts_with("2 | …") && shown.ends_with('…'), "{r}");
        assert_eq!(shown.chars().count(), "2 | ".len() + SHOWN_CHARS + 2, "{r}");
        // The caret is under the column's character.
        let at = caret.chars().count() - 1;
        assert_eq!(caret.chars().last(), Some('^'));
        assert!(shown.chars().skip(at).collect::<String>().starts_with("s300 "), "{r}");
        // The start and the end of a long line: one `…` only, the caret still in place.
        let r = Diagnostic::error("a.md", 1, 4, "x").with_source(&line).render();
        let shown = r.lines().find(|l| l.starts_with("1 | ")).unwrap();
        assert!(shown.starts_with("1 | s0 s1 ") && shown.ends_with('…'), "{r}");
        let at = r.lines().last().unwrap().chars().count() - 1;
        assert_eq!(shown.chars().skip(at).take(2).collect::<String>(), "s1", "{r}");
        let end = line.trim_end().chars().count();
        let r = Diagnostic::error("a.md", 1, end, "x").with_source(&line).render();
        let shown = r.lines().find(|l| l.starts_with("1 | ")).unwrap();
        assert!(shown.starts_with("1 | …") && !shown.ends_with('…'), "{r}");
        let at = r.lines().last().unwrap().chars().count() - 1;
        assert_eq!(shown.chars().nth(at), Some('9'), "{r}");
    }

    #[test]
    fn repeated_warnings_are_counted_and_errors_never_are() {
        let mut diags = Diagnostics::new();
        for i in 0..4 {
            diags.push(Diagnostic::warning(format!("content/w{i}.md"), 1, 1, "sama").with_help("ohje"));
            diags.push(Diagnostic::error(format!("content/e{i}.md"), 1, 1, "virheellinen"));
        }
        diags.push(Diagnostic::warning("content/w9.md", 1, 1, "sama").with_help("toinen ohje"));
        let text = diags.clone().render_all(Some(2));
        assert_eq!(text.matches(": virhe: virheellinen").count(), 4, "{text}");
        // Same message, other help: a group of its own, shown.
        assert_eq!(text.matches(": varoitus: sama").count(), 3, "{text}");
        assert!(text.contains("content/w1.md") && !text.contains("content/w2.md"), "{text}");
        assert!(
            text.ends_with(
                "varoitus: sama varoitus vielä 2 muussa kohdassa: sama\n  = help: näytä kaikki valitsimella `--all-warnings`\n\n"
            ),
            "{text}"
        );
        assert_eq!(diags.render_all(None).matches(": varoitus: sama").count(), 5);
    }

    #[test]
    fn render_has_location_source_and_help() {
        let d = Diagnostic::error("content/a.md", 2, 1, "tuntematon kenttä `fundr`")
            .with_help("tarkoititko `funder`?")
            .with_source("---\nfundr: x\n---\n");
        let r = d.render();
        assert!(r.starts_with("content/a.md:2:1: virhe: tuntematon kenttä `fundr`"), "{r}");
        assert!(r.contains("2 | fundr: x"), "{r}");
        assert!(r.contains("= help: tarkoititko `funder`?"), "{r}");
    }
}
