//! Finnish analysis for search, shared by the index, the CLI and (in the same
//! steps, in `haku.js`) the browser: split on non-alphanumeric characters,
//! lower-case, stem with tantivy's Snowball Finnish stemmer, then fold
//! `ä→a`, `ö→o`, `å→a` so that words typed without umlauts still match.
//!
//! Compound parts: a word also yields every *vocabulary* stem (of at least
//! [`MIN_PART`] letters) that occurs inside it, so `verkosto` finds
//! `perhekeskusverkosto`. The vocabulary is the site's own words.
//!
//! [`Dictionary`] is the same analysis for indexing a whole site: a word
//! recurs thousands of times, so each distinct word is stemmed only once.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::tokenizer::{Language, LowerCaser, RawTokenizer, SimpleTokenizer, Stemmer, TextAnalyzer, TokenStream};

/// Shortest stem that counts as a compound part.
pub const MIN_PART: usize = 5;

/// The tantivy analyzer: tokenizer, lower-caser, Finnish stemmer.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser).filter(Stemmer::new(Language::Finnish)).build()
}

/// The first two steps of [`analyzer`]: words, lower-cased, not stemmed.
pub fn word_splitter() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser).build()
}

/// The last step of [`analyzer`], for one lower-cased word at a time.
fn word_stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(Language::Finnish)).build()
}

/// The term of one lower-cased word, as [`words`] makes it.
fn term_of(stemmer: &mut TextAnalyzer, word: &str) -> String {
    if word.chars().any(char::is_numeric) {
        return fold(word);
    }
    let mut stream = stemmer.token_stream(word);
    if stream.advance() {
        fold(&stream.token().text)
    } else {
        fold(word)
    }
}

/// Calls `f` with every lower-cased word of `text`, in order.
pub fn for_each_word(splitter: &mut TextAnalyzer, text: &str, mut f: impl FnMut(&str)) {
    let mut stream = splitter.token_stream(text);
    while stream.advance() {
        f(&stream.token().text);
    }
}

/// Every distinct word of a site and its term (an id into the sorted list of
/// distinct terms), made once so that indexing only looks words up.
pub struct Dictionary {
    ids: FxHashMap<String, u32>,
    /// Distinct terms, ascending; a term id is an index into this list.
    pub terms: Vec<String>,
}

impl Dictionary {
    /// Collects the words of all `texts` (in parallel) and stems each once.
    pub fn new<'a>(texts: impl ParallelIterator<Item = &'a str>) -> Dictionary {
        let words: FxHashSet<String> = texts
            .fold(
                || (word_splitter(), FxHashSet::default()),
                |(mut splitter, mut set), text| {
                    for_each_word(&mut splitter, text, |w| {
                        if !set.contains(w) {
                            set.insert(w.to_string());
                        }
                    });
                    (splitter, set)
                },
            )
            .map(|(_, set)| set)
            .reduce(FxHashSet::default, |a, b| {
                let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
                big.extend(small);
                big
            });
        let mut words: Vec<String> = words.into_iter().collect();
        words.par_sort_unstable();
        let stems: Vec<String> = words.par_iter().map_init(word_stemmer, |st, w| term_of(st, w)).collect();
        let mut terms = stems.clone();
        terms.par_sort_unstable();
        terms.dedup();
        let ids = words.into_iter().zip(&stems).map(|(w, s)| (w, terms.binary_search(s).unwrap_or(0) as u32)).collect();
        Dictionary { ids, terms }
    }

    /// Appends the term ids of `text`'s words to `out`, in order.
    pub fn term_ids(&self, splitter: &mut TextAnalyzer, text: &str, out: &mut Vec<u32>) {
        // Every word was collected by `new`; one that was not (never the case
        // for texts given to `new`) is left out rather than guessed.
        for_each_word(splitter, text, |w| out.extend(self.ids.get(w)));
    }

    /// Compound parts of every term, by id (see [`parts`]).
    pub fn parts(&self) -> Vec<Vec<u32>> {
        let index: FxHashMap<&str, u32> =
            self.terms.iter().enumerate().filter(|(_, t)| t.chars().count() >= MIN_PART).map(|(i, t)| (t.as_str(), i as u32)).collect();
        self.terms.par_iter().map(|t| parts(t, |p| index.contains_key(p)).iter().map(|p| index[p.as_str()]).collect()).collect()
    }
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

/// Vocabulary stems contained in the folded word `word` (itself excluded);
/// `in_vocabulary` tells whether a stem is one.
pub fn parts(word: &str, in_vocabulary: impl Fn(&str) -> bool) -> Vec<String> {
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
            if in_vocabulary(&sub) && !found.contains(&sub) {
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
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn stems_fold_and_parts() {
        let mut a = analyzer();
        let t = terms(&mut a, "Perhekeskuksen käytäntö, kotoutumista!");
        assert_eq!(t, vec!["perhekeskuks", "kaytanto", "kotoutum"]);
        let vocab: HashSet<&str> = ["verkosto", "perhe", "keskus", "toimint"].into_iter().collect();
        let known = |w: &str| vocab.contains(w);
        assert_eq!(parts("perhekeskusverkosto", known), vec!["perhe", "keskus", "verkosto"]);
        assert_eq!(parts("perhekeskustoimint", known), vec!["perhe", "keskus", "toimint"]);
        assert!(matches("perhekeskus", "perhekeskuks").is_some());
        assert!(matches("kotoutums", "kotoutumis").is_some());
        assert!(matches("kotoutumin", "kotoutum").is_some());
        assert!(matches("perhe", "perus").is_none());
        assert!(matches("kela", "kelo").is_none());
    }

    #[test]
    fn the_dictionary_gives_the_analyzers_terms() {
        let texts = [
            "Perhekeskuksen käytäntö, kotoutumista! 681/2023 H2",
            "perhekeskus PERHEKESKUKSESSA Äiti ääni; verkostojohtaminen",
            "verkosto perhekeskusverkosto",
        ];
        let dict = Dictionary::new(texts.par_iter().copied());
        let (mut a, mut splitter) = (analyzer(), word_splitter());
        for text in texts {
            let mut ids = Vec::new();
            dict.term_ids(&mut splitter, text, &mut ids);
            let via_dict: Vec<&str> = ids.iter().map(|i| dict.terms[*i as usize].as_str()).collect();
            assert_eq!(via_dict, terms(&mut a, text), "{text}");
        }
        assert!(dict.terms.windows(2).all(|w| w[0] < w[1]), "sorted and distinct");
        let parts = dict.parts();
        let of = |t: &str| -> Vec<&str> {
            let i = dict.terms.binary_search(&t.to_string()).unwrap();
            parts[i].iter().map(|p| dict.terms[*p as usize].as_str()).collect()
        };
        assert_eq!(of("verkostojohtamin"), vec!["verkosto"]);
        assert_eq!(of("perhekeskusverkosto"), vec!["perhekeskus", "verkosto"]);
        assert_eq!(of("verkosto"), Vec::<&str>::new());
    }
}
