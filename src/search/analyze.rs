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

/// The words of `text` as tantivy's `SimpleTokenizer` cuts them (runs of
/// alphanumeric characters), not yet lower-cased, as slices of `text`.
pub fn raw_words(text: &str) -> RawWords<'_> {
    RawWords { text, at: 0 }
}

/// The iterator of [`raw_words`]: ASCII bytes are classified without decoding
/// them (most of a Finnish text), other characters as `char::is_alphanumeric`.
pub struct RawWords<'a> {
    text: &'a str,
    at: usize,
}

impl RawWords<'_> {
    /// Whether the character at byte `at` is alphanumeric, and its length.
    #[inline]
    fn class(&self, at: usize) -> (bool, usize) {
        let bytes = self.text.as_bytes();
        let b = bytes[at];
        if b < 0x80 {
            return (b.is_ascii_alphanumeric(), 1);
        }
        // U+00C0–U+00FF (`ä`, `ö`, `å`, `é` …) are all letters except `×` and `÷`.
        if b == 0xC3 {
            if let Some(&next) = bytes.get(at + 1) {
                return (next != 0x97 && next != 0xB7, 2);
            }
        }
        match self.text[at..].chars().next() {
            Some(c) => (c.is_alphanumeric(), c.len_utf8()),
            None => (false, 1),
        }
    }
}

impl<'a> Iterator for RawWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        // ASCII bytes are decided here, inline; others by `class`.
        while self.at < len {
            let b = bytes[self.at];
            let (word, n) = if b < 0x80 { (b.is_ascii_alphanumeric(), 1) } else { self.class(self.at) };
            if word {
                break;
            }
            self.at += n;
        }
        if self.at >= len {
            return None;
        }
        let start = self.at;
        while self.at < len {
            let b = bytes[self.at];
            let (word, n) = if b < 0x80 { (b.is_ascii_alphanumeric(), 1) } else { self.class(self.at) };
            if !word {
                break;
            }
            self.at += n;
        }
        self.text.get(start..self.at)
    }
}

/// The middle step of [`analyzer`], for one word at a time.
fn lower_caser() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).build()
}

/// The last step of [`analyzer`], for one lower-cased word at a time.
fn word_stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(Language::Finnish)).build()
}

/// The first token `analyzer` makes of `text`, or `text` itself.
fn one_token(analyzer: &mut TextAnalyzer, text: &str) -> String {
    let mut stream = analyzer.token_stream(text);
    if stream.advance() {
        stream.token().text.clone()
    } else {
        text.to_string()
    }
}

/// The term of one word as [`words`] makes it: lower-cased, stemmed (unless
/// it has a digit), folded.
fn term_of(lower: &mut TextAnalyzer, stemmer: &mut TextAnalyzer, word: &str) -> String {
    let word = one_token(lower, word);
    if word.chars().any(char::is_numeric) {
        return fold(&word);
    }
    fold(&one_token(stemmer, &word))
}

/// Every distinct word of a site and its term (an id into the sorted list of
/// distinct terms): each distinct word is lower-cased and stemmed once, and
/// each word of a text is cut out and numbered once (see [`Dictionary::with_ids`]).
pub struct Dictionary<'a> {
    /// Word as written in the text → term id.
    ids: FxHashMap<&'a str, u32>,
    /// Distinct terms, ascending; a term id is an index into this list.
    pub terms: Vec<String>,
}

/// Texts one task of [`Dictionary::with_ids`] cuts into words: their words
/// are numbered in a table of the task's own, which holds far fewer words
/// than the texts have (a word recurs), and mapped to terms once all are known.
const TEXTS_PER_TASK: usize = 256;

impl<'a> Dictionary<'a> {
    /// The dictionary of all `texts` and, for each text in order, the term
    /// ids of its words: every word of every text is cut out and hashed once.
    pub fn with_ids(texts: &[&'a str]) -> (Dictionary<'a>, Vec<Vec<u32>>) {
        let tasks: Vec<(Vec<&'a str>, Vec<Vec<u32>>)> = texts
            .par_chunks(TEXTS_PER_TASK)
            .map(|chunk| {
                let mut numbers: FxHashMap<&'a str, u32> = FxHashMap::default();
                let mut words: Vec<&'a str> = Vec::new();
                let mut number = |w: &'a str| {
                    *numbers.entry(w).or_insert_with(|| {
                        words.push(w);
                        (words.len() - 1) as u32
                    })
                };
                let ids: Vec<Vec<u32>> = chunk.iter().map(|text| raw_words(text).map(&mut number).collect()).collect();
                (words, ids)
            })
            .collect();
        let dict = Dictionary::of_words(tasks.par_iter().flat_map_iter(|(words, _)| words.iter().copied()));
        let ids = tasks
            .into_par_iter()
            .flat_map_iter(|(words, ids)| {
                let term: Vec<u32> = words.iter().map(|w| dict.ids.get(w).copied().unwrap_or(0)).collect();
                ids.into_iter().map(move |mut text| {
                    text.iter_mut().for_each(|id| *id = term[*id as usize]);
                    text
                })
            })
            .collect();
        (dict, ids)
    }

    /// Analyses each distinct word of `words` (in parallel) once.
    fn of_words(words: impl ParallelIterator<Item = &'a str>) -> Dictionary<'a> {
        let words: FxHashSet<&'a str> = words
            .fold(FxHashSet::default, |mut set, word| {
                set.insert(word);
                set
            })
            .reduce(FxHashSet::default, |a, b| {
                let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
                big.extend(small);
                big
            });
        let mut words: Vec<&'a str> = words.into_iter().collect();
        words.par_sort_unstable();
        let stems: Vec<String> =
            words.par_iter().map_init(|| (lower_caser(), word_stemmer()), |(lower, stemmer), w| term_of(lower, stemmer, w)).collect();
        let mut terms = stems.clone();
        terms.par_sort_unstable();
        terms.dedup();
        let ids = words.into_iter().zip(&stems).map(|(w, s)| (w, terms.binary_search(s).unwrap_or(0) as u32)).collect();
        Dictionary { ids, terms }
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

/// Longest word, in characters, searched for compound parts. Finnish compounds
/// stay well under it (`lentokonesuihkuturbiinimoottoriapumekaanikkoaliupseerioppilas`
/// has 61 letters); a longer run of letters is a code, a hash or an encoded
/// file, and its parts would cost the square of its length.
pub const MAX_COMPOUND: usize = 64;

/// Vocabulary stems contained in the folded word `word` (itself excluded);
/// `in_vocabulary` tells whether a stem is one. None in a word longer than
/// [`MAX_COMPOUND`].
pub fn parts(word: &str, in_vocabulary: impl Fn(&str) -> bool) -> Vec<String> {
    // Byte offsets of the characters, and of the end.
    let bounds: Vec<usize> = word.char_indices().map(|(i, _)| i).chain([word.len()]).collect();
    let chars = bounds.len() - 1;
    let mut found: Vec<String> = Vec::new();
    if !(MIN_PART + 2..=MAX_COMPOUND).contains(&chars) {
        return found;
    }
    for i in 0..chars {
        for j in (i + MIN_PART)..=chars {
            if i == 0 && j == chars {
                continue;
            }
            let sub = &word[bounds[i]..bounds[j]];
            if in_vocabulary(sub) && !found.iter().any(|f| f == sub) {
                found.push(sub.to_string());
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn raw_words_cut_as_the_simple_tokenizer() {
        let latin1: String = ('\u{a0}'..='\u{ff}').collect();
        let text = format!("Äiti, ÅLAND–öljy: 681/2023 H2 naïve×kaksi 3÷4 İstanbul ΣΟΦΙΑ ½ ٣٤ e\u{301}clair -- {latin1} x");
        let text = text.as_str();
        let slow: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        assert_eq!(raw_words(text).collect::<Vec<_>>(), slow);
        assert_eq!(raw_words("").count(), 0);
        assert_eq!(raw_words(" .,").count(), 0);
    }

    #[test]
    fn stems_fold_and_parts() {
        let mut a = analyzer();
        let t = terms(&mut a, "Perhekeskuksen käytäntö, kotoutumista!");
        assert_eq!(t, vec!["perhekeskuks", "kaytanto", "kotoutum"]);
        let vocab: HashSet<&str> = ["verkosto", "perhe", "keskus", "toimint"].into_iter().collect();
        let known = |w: &str| vocab.contains(w);
        assert_eq!(parts("perhekeskusverkosto", known), vec!["perhe", "keskus", "verkosto"]);
        assert_eq!(parts("perhekeskustoimint", known), vec!["perhe", "keskus", "toimint"]);
        // Parts of words with non-ASCII letters, and none of a word too long to be one.
        let vocab: HashSet<&str> = ["aiti", "äitiys", "neuvola"].into_iter().collect();
        let known = |w: &str| vocab.contains(w);
        assert_eq!(parts("äitiysneuvola", known), vec!["äitiys", "neuvola"]);
        let long = "neuvola".repeat(MAX_COMPOUND / 7);
        assert!(long.len() <= MAX_COMPOUND && parts(&long, known) == vec!["neuvola"]);
        assert!(parts(&"neuvola".repeat(MAX_COMPOUND / 7 + 1), known).is_empty());
    }

    #[test]
    fn the_dictionary_gives_the_analyzers_terms() {
        let texts = [
            "Perhekeskuksen käytäntö, kotoutumista! 681/2023 H2 ÄITI Äiti äiti ÅLAND œuvre naïve İstanbul ΣΟΦΙΑ",
            "perhekeskus PERHEKESKUKSESSA Äiti ääni; verkostojohtaminen",
            "verkosto perhekeskusverkosto",
            "",
        ];
        // Enough texts for several tasks, each numbering its words its own way.
        let many: Vec<&str> = (0..3 * TEXTS_PER_TASK + 5).map(|i| texts[(i * 7 + i / TEXTS_PER_TASK) % texts.len()]).collect();
        let (dict, ids) = Dictionary::with_ids(&many);
        assert_eq!(ids.len(), many.len());
        let mut a = analyzer();
        for (text, ids) in many.iter().zip(&ids) {
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
