//! Which index terms answer one query word, and how much each counts. These
//! rules are the contract between `handbook search` and the browser client
//! (`haku.js` implements them step for step over the static export), so both
//! find the same pages. They are defined on terms only, never on how the
//! export happens to be split into files.
//!
//! For a query word (typed form `word`, folded stem `stem`):
//! - terms sharing the stem's first [`PREFIX`] letters are compared with
//!   [`weight`]: the same term, an inflected form, one typing error, or a
//!   compound that begins with the word;
//! - only when none of those is the term itself or an inflected form:
//!   compounds that *end* with the word ([`TAIL_LIMIT`] most common), and
//!   terms one typing error away whose error is in the first letters (they
//!   live under another prefix; the browser finds them through
//!   [`typo_keys`], this module by comparing).
//!
//! Compound parts that are words of the site on their own are indexed with
//! the compound itself (the `parts` field, see `analyze::parts`), so
//! `verkosto` finds `perhekeskusverkosto` whenever the site also uses
//! `verkosto`; the rules above cover the rest.

use std::collections::BTreeMap;

use super::analyze::MIN_PART;

/// Letters of the stem that select the terms compared with it.
pub const PREFIX: usize = 3;
/// Compounds ending with the query word that are searched, most common first.
pub const TAIL_LIMIT: usize = 8;
/// Fewest letters a compound adds to a part (`verkosto` → `perhekeskusverkosto`).
pub const COMPOUND_REST: usize = 3;
/// Shortest typed word that tolerates a typing error.
pub const TYPO_WORD: usize = 5;
/// Shortest stem or term compared for a typing error.
pub const TYPO_STEM: usize = 4;
/// Weights of the kinds of match.
pub const EXACT: f32 = 1.0;
pub const INFLECTED: f32 = 0.8;
pub const TYPO: f32 = 0.6;
pub const COMPOUND: f32 = 0.5;

/// The first [`PREFIX`] letters of `s` (all of it when shorter).
pub fn prefix(s: &str) -> &str {
    match s.char_indices().nth(PREFIX) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Whether `a` and `b` are exactly one edit apart: one letter replaced,
/// inserted or deleted, or two neighbours swapped.
pub fn one_edit(a: &[char], b: &[char]) -> bool {
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    match long.len() - short.len() {
        0 => {
            let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            match diff[..] {
                [_] => true,
                [i, j] => j == i + 1 && a[i] == b[j] && a[j] == b[i],
                _ => false,
            }
        }
        1 => {
            let i = short.iter().zip(long).take_while(|(x, y)| x == y).count();
            long[i + 1..] == short[i..]
        }
        _ => false,
    }
}

/// The weight of `term` for a query word whose stem is `stem` and typed form
/// has `typed` letters, if it answers it. `term` shares the stem's prefix.
pub fn weight(stem: &str, term: &str, typed: usize) -> Option<f32> {
    if stem == term {
        return Some(EXACT);
    }
    let (q, t): (Vec<char>, Vec<char>) = (stem.chars().collect(), term.chars().collect());
    let shorter = q.len().min(t.len());
    let common = q.iter().zip(&t).take_while(|(a, b)| a == b).count();
    // Inflection and consonant gradation: `perhekeskus`/`perhekeskuks`.
    if shorter >= MIN_PART && common >= MIN_PART && common + 2 >= shorter && q.len().abs_diff(t.len()) <= 3 {
        return Some(INFLECTED);
    }
    if typed >= TYPO_WORD && shorter >= TYPO_STEM && one_edit(&q, &t) {
        return Some(TYPO);
    }
    if q.len() >= MIN_PART && common == q.len() && t.len() >= q.len() + COMPOUND_REST {
        return Some(COMPOUND);
    }
    None
}

/// Whether a term ends with the stem as a compound's last part.
pub fn is_tail(stem: &str, term: &str) -> bool {
    let (q, t) = (stem.chars().count(), term.chars().count());
    q >= MIN_PART && t >= q + COMPOUND_REST && term.ends_with(stem)
}

/// Whether `term`, under another prefix than `stem`, is one typing error away.
pub fn is_front_typo(stem: &str, term: &str, typed: usize) -> bool {
    let (q, t): (Vec<char>, Vec<char>) = (stem.chars().collect(), term.chars().collect());
    typed >= TYPO_WORD && q.len() >= TYPO_STEM && t.len() >= TYPO_STEM && prefix(stem) != prefix(term) && one_edit(&q, &t)
}

/// Lookup keys for one-error matches in the first letters: the word itself
/// and the word without its 1st, 2nd, 3rd or 4th letter. Two words one edit
/// apart, where the edit is within the first four letters, always share a key
/// (a replaced letter: both without it; an extra or missing letter: one
/// without it is the other; swapped neighbours: each without one of them).
pub fn typo_keys(s: &str) -> Vec<String> {
    let c: Vec<char> = s.chars().collect();
    if c.len() < TYPO_STEM {
        return Vec::new();
    }
    let mut keys = vec![s.to_string()];
    for i in 0..=PREFIX.min(c.len() - 1) {
        keys.push(c[..i].iter().chain(&c[i + 1..]).collect());
    }
    keys.sort();
    keys.dedup();
    keys
}

/// All terms answering one query word, by the rules above, with their
/// weights, ascending by term. `df` gives a term's number of documents.
pub fn expand<V>(terms: &BTreeMap<String, V>, df: impl Fn(&V) -> usize, word: &str, stem: &str) -> Vec<(String, f32)> {
    let typed = word.chars().count();
    let p = prefix(stem);
    let mut out: BTreeMap<String, f32> = terms
        .range(p.to_string()..)
        .take_while(|(t, _)| t.starts_with(p))
        .filter_map(|(t, _)| weight(stem, t, typed).map(|w| (t.clone(), w)))
        .collect();
    if out.values().any(|w| *w >= INFLECTED) {
        return out.into_iter().collect();
    }
    let mut tails: Vec<(&String, usize)> = terms.iter().filter(|(t, _)| is_tail(stem, t)).map(|(t, v)| (t, df(v))).collect();
    tails.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (t, _) in tails.into_iter().take(TAIL_LIMIT) {
        out.entry(t.clone()).or_insert(COMPOUND);
    }
    for t in terms.keys().filter(|t| is_front_typo(stem, t, typed)) {
        out.entry(t.clone()).or_insert(TYPO);
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn one_edit_is_exactly_one() {
        for (a, b) in [("perhe", "perhr"), ("perhe", "pehe"), ("perhe", "perrhe"), ("perhe", "eprhe"), ("kysely", "kysley")] {
            assert!(one_edit(&chars(a), &chars(b)), "{a} {b}");
        }
        for (a, b) in [("perhe", "perhe"), ("perhe", "pehre1"), ("perhe", "prhr"), ("abcd", "badc")] {
            assert!(!one_edit(&chars(a), &chars(b)), "{a} {b}");
        }
    }

    #[test]
    fn weights_by_kind() {
        assert_eq!(weight("perhekeskus", "perhekeskus", 11), Some(EXACT));
        assert_eq!(weight("perhekeskus", "perhekeskuks", 14), Some(INFLECTED));
        assert_eq!(weight("kotoutums", "kotoutumis", 11), Some(INFLECTED));
        assert_eq!(weight("perhr", "perhe", 5), Some(TYPO));
        assert_eq!(weight("perhr", "perhe", 4), None, "a four-letter word tolerates no typo");
        assert_eq!(weight("verkosto", "verkostojohtamin", 8), Some(COMPOUND));
        assert_eq!(weight("perhe", "perus", 5), None);
        assert!(is_tail("verkosto", "perhekeskusverkosto") && !is_tail("verkosto", "aaverkosto"));
        assert!(is_front_typo("lpasi", "lapsi", 5) && !is_front_typo("lapsu", "lapsi", 5));
    }

    /// Every one-edit pair whose edit lies in the first letters shares a
    /// typo key: the browser's lookup misses nothing the terminal finds.
    #[test]
    fn typo_keys_meet_for_every_front_error() {
        let words = ["perhekeskus", "lapsi", "kunta", "verkosto", "äiti", "kysely", "toimint", "ohjausryhm"];
        let letters: Vec<char> = "abdehijklmnoprstuvyäö".chars().collect();
        let mut checked = 0;
        for w in words {
            let c = chars(w);
            let mut variants: Vec<String> = Vec::new();
            for i in 0..c.len() {
                variants.push(c[..i].iter().chain(&c[i + 1..]).collect());
                if i + 1 < c.len() {
                    let mut s = c.clone();
                    s.swap(i, i + 1);
                    variants.push(s.into_iter().collect());
                }
                for l in &letters {
                    let mut s = c.clone();
                    s[i] = *l;
                    variants.push(s.iter().collect());
                    let mut s = c.clone();
                    s.insert(i, *l);
                    variants.push(s.into_iter().collect());
                }
            }
            for v in variants {
                if !is_front_typo(&v, w, 5) {
                    continue;
                }
                let (a, b) = (typo_keys(&v), typo_keys(w));
                assert!(a.iter().any(|k| b.contains(k)), "{v} / {w}: {a:?} {b:?}");
                checked += 1;
            }
        }
        assert!(checked > 500, "{checked}");
    }

    #[test]
    fn falls_back_to_tails_and_front_typos_only_without_a_strong_match() {
        let terms: BTreeMap<String, usize> =
            ["perhekeskusverkosto", "verkostojohtamin", "alueverkosto", "lapsi", "lapsiperhe"].iter().map(|t| (t.to_string(), 1)).collect();
        let got = expand(&terms, |d| *d, "verkosto", "verkosto");
        assert_eq!(
            got,
            vec![("alueverkosto".into(), COMPOUND), ("perhekeskusverkosto".into(), COMPOUND), ("verkostojohtamin".into(), COMPOUND)]
        );
        let got = expand(&terms, |d| *d, "lpasi", "lpasi");
        assert_eq!(got, vec![("lapsi".into(), TYPO)]);
        let got = expand(&terms, |d| *d, "lapsi", "lapsi");
        assert_eq!(got, vec![("lapsi".into(), EXACT), ("lapsiperhe".into(), COMPOUND)]);
    }
}
