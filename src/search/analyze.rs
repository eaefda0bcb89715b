//! Finnish analysis for search, shared by the index, the CLI and (in the same
//! steps, in `haku.js`) the browser: split on non-alphanumeric characters,
//! lower-case, stem with tantivy's Snowball Finnish stemmer, then fold
//! `ä→a`, `ö→o`, `å→a` so that words typed without umlauts still match.
//!
//! Compound parts: a word also yields every *vocabulary* stem (of at least
//! [`MIN_PART`] letters) that occurs inside it, so `verkosto` finds
//! `perhekeskusverkosto`. The vocabulary is the site's own words.

use std::collections::HashSet;

use tantivy::tokenizer::{Language, LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer, TokenStream};

/// Shortest stem that counts as a compound part.
pub const MIN_PART: usize = 5;

/// The tantivy analyzer: tokenizer, lower-caser, Finnish stemmer.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser).filter(Stemmer::new(Language::Finnish)).build()
}

/// `ä→a`, `ö→o`, `å→a` (after stemming: the stemmer knows the umlauts).
pub fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ä' | 'å' => 'a',
            'ö' => 'o',
            c => c,
        })
        .collect()
}

/// Words of `text` as (original lower-case word, folded stem), in order.
pub fn words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, String)> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = stream.token();
        let original = text.get(t.offset_from..t.offset_to).unwrap_or("").to_lowercase();
        // Numbers and codes (2023, 681/2023, H2) are kept whole: stemming them
        // is meaningless and the browser's stemmer port treats them differently.
        let stem = if original.chars().any(|c| c.is_numeric()) { fold(&original) } else { fold(&t.text) };
        out.push((original, stem));
    }
    out
}

/// Folded stems of `text`, in order.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    words(analyzer, text).into_iter().map(|(_, t)| t).collect()
}

/// Vocabulary stems contained in the folded word `word` (itself excluded).
pub fn parts(word: &str, vocabulary: &HashSet<String>) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut found = Vec::new();
    if chars.len() < MIN_PART + 2 {
        return found;
    }
    for i in 0..chars.len() {
        for j in (i + MIN_PART)..=chars.len() {
            if i == 0 && j == chars.len() {
                continue;
            }
            let sub: String = chars[i..j].iter().collect();
            if vocabulary.contains(&sub) && !found.contains(&sub) {
                found.push(sub);
            }
        }
    }
    found
}

/// Whether an index term answers a query stem: equal, one a prefix of the
/// other with at most two letters to spare (Finnish consonant gradation:
/// `perhekeskus`/`perhekeskuks`), or one typing error in a stem of five or
/// more letters. Returns the weight of the match (1.0 exact, less otherwise).
pub fn matches(query: &str, term: &str) -> Option<f32> {
    if query == term {
        return Some(1.0);
    }
    let (q, t): (Vec<char>, Vec<char>) = (query.chars().collect(), term.chars().collect());
    let shorter = q.len().min(t.len());
    if shorter < MIN_PART {
        return None;
    }
    let common = q.iter().zip(&t).take_while(|(a, b)| a == b).count();
    if common + 2 >= shorter && common >= MIN_PART && q.len().abs_diff(t.len()) <= 3 {
        return Some(0.8);
    }
    if q.len().abs_diff(t.len()) <= 1 && crate::diagnostics::edit_distance(query, term) == 1 {
        return Some(0.6);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_fold_and_parts() {
        let mut a = analyzer();
        let t = terms(&mut a, "Perhekeskuksen käytäntö, kotoutumista!");
        assert_eq!(t, vec!["perhekeskuks", "kaytanto", "kotoutum"]);
        let vocab: HashSet<String> = ["verkosto", "perhe", "keskus", "toimint"].iter().map(|s| s.to_string()).collect();
        assert_eq!(parts("perhekeskusverkosto", &vocab), vec!["perhe", "keskus", "verkosto"]);
        assert_eq!(parts("perhekeskustoimint", &vocab), vec!["perhe", "keskus", "toimint"]);
        assert!(matches("perhekeskus", "perhekeskuks").is_some());
        assert!(matches("kotoutums", "kotoutumis").is_some());
        assert!(matches("kotoutumin", "kotoutum").is_some());
        assert!(matches("perhe", "perus").is_none());
        assert!(matches("kela", "kelo").is_none());
    }
}
