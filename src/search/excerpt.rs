//! Result excerpts: a window of a section's text around the first word that
//! answers the query, with the matching words marked.

use std::collections::BTreeSet;

use super::analyze;

/// Characters of text shown around a match.
pub const WINDOW: usize = 180;

/// The excerpt as (text, marked) runs.
pub fn excerpt(text: &str, marked: &BTreeSet<String>) -> Vec<(String, bool)> {
    let mut analyzer = analyze::analyzer();
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let words = analyze::words(&mut analyzer, &flat);
    let hit = |w: &str| marked.contains(w) || marked.iter().any(|m| m.chars().count() >= analyze::MIN_PART && w.contains(m.as_str()));
    // Locate word positions in `flat` by scanning forward.
    let lower = flat.to_lowercase();
    let mut spans = Vec::new();
    let mut from = 0;
    for (orig, stem) in &words {
        if let Some(pos) = lower[from..].find(orig.as_str()) {
            let start = from + pos;
            spans.push((start, start + orig.len(), hit(stem)));
            from = start + orig.len();
        }
    }
    let first = spans.iter().find(|s| s.2).map_or(0, |s| s.0);
    let mut start = first.saturating_sub(WINDOW / 3);
    while start > 0 && !flat.is_char_boundary(start) {
        start -= 1;
    }
    let start = if start == 0 { 0 } else { flat[start..].find(' ').map_or(start, |i| start + i + 1) };
    let mut end = (start + WINDOW).min(flat.len());
    while end < flat.len() && !flat.is_char_boundary(end) {
        end += 1;
    }
    let end = if end >= flat.len() { flat.len() } else { flat[..end].rfind(' ').unwrap_or(end) };
    let mut runs = Vec::new();
    let mut pos = start;
    for (s, e, m) in spans.into_iter().filter(|(s, e, m)| *m && *s >= start && *e <= end) {
        let _ = m;
        if s > pos {
            runs.push((flat[pos..s].to_string(), false));
        }
        runs.push((flat[s..e].to_string(), true));
        pos = e;
    }
    if end > pos {
        runs.push((flat[pos..end].to_string(), false));
    }
    if start > 0 {
        runs.insert(0, ("… ".to_string(), false));
    }
    if end < flat.len() {
        runs.push((" …".to_string(), false));
    }
    runs
}

/// Plain text of runs with marks as `[…]`, for the terminal.
pub fn plain(runs: &[(String, bool)]) -> String {
    runs.iter().map(|(t, m)| if *m { format!("[{t}]") } else { t.clone() }).collect()
}
