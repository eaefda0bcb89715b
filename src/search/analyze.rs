//! Finnish analysis for search, shared by the index, the CLI and (in the same
//! steps, in `haku.js`) the browser: split on non-alphanumeric characters,
//! lower-case, stem with tantivy's Snowball Finnish stemmer, then fold
//! `ä→a`, `ö→o`, `å→a` so that words typed without umlauts still match.
//!
//! Compound parts: a word also yields every *vocabulary* stem (of at least
//! [`MIN_PART`] letters) that occurs inside it, so `verkosto` finds
//! `perhekeskusverkosto`. The vocabulary is the site's own words.
//!
//! [`Counter`] and [`Dictionary`] are the same analysis for indexing a whole
//! site: texts are counted as they come (by words, not yet terms), and once
//! all are counted, each distinct word is stemmed only once (a word recurs
//! thousands of times).

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
    let mut words = RawWords { text, base: 0, mask: 0, open: None, carry: 0 };
    words.load();
    words
}

/// The iterator of [`raw_words`]. The text is read 64 bytes at a time, eight
/// at a time in a `u64`, into a mask of its word bytes: ASCII letters and
/// digits, and the bytes of non-ASCII characters that `char::is_alphanumeric`
/// accepts (each such character is looked at once, most are `ä` and `ö`).
/// Words are then the runs of ones in the masks: no branch per byte, which
/// makes it about 2.5 times as fast as a loop over the bytes.
pub struct RawWords<'a> {
    text: &'a str,
    /// Start of the current block of 64 bytes.
    base: usize,
    /// The block's word bits not yet handed out.
    mask: u64,
    /// Where the word that runs into the block started.
    open: Option<usize>,
    /// Bits of the next block to clear: the rest of a character that is not
    /// alphanumeric and runs over the block's end.
    carry: u64,
}

/// One in each byte, and each byte's high bit.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bits of the bytes of `h` (nothing else set in it), as eight bits.
#[inline]
fn pack(h: u64) -> u64 {
    // Byte k's bit lands on bit 56 + k; no two products meet, so nothing carries.
    (h >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// For 64 bytes: bit i set where byte i is an ASCII letter or digit, or any
/// non-ASCII byte (decided later, a character at a time); and set where
/// byte i starts a non-ASCII character.
#[inline]
fn block_masks(block: &[u8; 64]) -> (u64, u64) {
    // Per byte, for bytes below 0x80: the high bit set where it is at least `lo` (at most 0x80).
    let at_least = |x: u64, lo: u64| ((x | HIGH) - lo * ONES) & HIGH;
    let (mut word, mut lead) = (0u64, 0u64);
    for (k, eight) in block.chunks_exact(8).enumerate() {
        let v = u64::from_le_bytes(eight.try_into().unwrap_or([0; 8]));
        let ascii = v & !HIGH;
        let lower = ascii | (0x20 * ONES);
        let letter = at_least(lower, b'a' as u64) & !at_least(lower, b'z' as u64 + 1);
        let digit = at_least(ascii, b'0' as u64) & !at_least(ascii, b'9' as u64 + 1);
        word |= pack(letter | digit | (v & HIGH)) << (8 * k);
        // 0b11xx_xxxx: the first byte of a non-ASCII character.
        lead |= pack(v & (v << 1) & HIGH) << (8 * k);
    }
    (word, lead)
}

impl RawWords<'_> {
    /// Reads the block at `base` into `mask`.
    fn load(&mut self) {
        let bytes = self.text.as_bytes();
        let (mut mask, mut lead) = match bytes.get(self.base..self.base + 64).and_then(|b| <&[u8; 64]>::try_from(b).ok()) {
            Some(full) => block_masks(full),
            None => {
                // The last block: zeros are not word bytes.
                let mut padded = [0u8; 64];
                let rest = bytes.get(self.base..).unwrap_or(&[]);
                padded[..rest.len()].copy_from_slice(rest);
                block_masks(&padded)
            }
        };
        mask &= !std::mem::take(&mut self.carry);
        while lead != 0 {
            let i = lead.trailing_zeros() as usize;
            lead &= lead - 1;
            let at = self.base + i;
            // U+00C0–U+00FF (`ä`, `ö`, `å`, `é` …) are all letters except `×` and `÷`.
            let alphanumeric = if bytes[at] == 0xC3 {
                bytes.get(at + 1).is_some_and(|&next| next != 0x97 && next != 0xB7)
            } else {
                self.text.get(at..).and_then(|r| r.chars().next()).is_some_and(char::is_alphanumeric)
            };
            if !alphanumeric {
                let len = self.text.get(at..).and_then(|r| r.chars().next()).map_or(1, char::len_utf8);
                let bits = ((1u128 << len) - 1) << i;
                mask &= !(bits as u64);
                self.carry = (bits >> 64) as u64;
            }
        }
        self.mask = mask;
    }
}

impl<'a> Iterator for RawWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let len = self.text.len();
        loop {
            let last = self.base + 64 >= len;
            if let Some(start) = self.open {
                // A word runs into this block: it ends at the first byte that is not a word byte.
                let run = (!self.mask).trailing_zeros() as usize;
                if run < 64 || last {
                    self.open = None;
                    self.mask = if run < 64 { self.mask & !((1u64 << run) - 1) } else { 0 };
                    return self.text.get(start..(self.base + run).min(len));
                }
            } else if self.mask != 0 {
                let from = self.mask.trailing_zeros() as usize;
                let run = (!(self.mask >> from)).trailing_zeros() as usize;
                let start = self.base + from;
                if from + run < 64 {
                    self.mask &= !(((1u64 << run) - 1) << from);
                    return self.text.get(start..self.base + from + run);
                }
                // The word runs to the block's end, and maybe on.
                if last {
                    self.mask = 0;
                    return self.text.get(start..len);
                }
                self.open = Some(start);
            }
            if last {
                return None;
            }
            self.base += 64;
            self.load();
        }
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

/// Every distinct term of a site, and how the words each counting task of a
/// [`Counter`] numbered map to them: each distinct word is lower-cased and
/// stemmed once, and each word of a text is cut out and counted once.
pub struct Dictionary {
    /// For each task, its word numbers → term ids.
    maps: Vec<Vec<u32>>,
    /// Distinct terms, ascending; a term id is an index into this list.
    pub terms: Vec<String>,
}

/// A word of at most [`PACKED`] bytes as integers (see [`packed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key(u64, u64, u64);

impl Key {
    /// The bytes of the word (zeros past its end) and its length.
    fn bytes(self) -> ([u8; PACKED], usize) {
        let mut b = [0u8; PACKED];
        b[..8].copy_from_slice(&self.0.to_le_bytes());
        b[8..16].copy_from_slice(&self.1.to_le_bytes());
        b[16..].copy_from_slice(&self.2.to_le_bytes());
        let len = b.iter().position(|&x| x == 0).unwrap_or(PACKED);
        (b, len)
    }
}

/// A word a task of a [`Counter`] numbered: its key, or itself when it is
/// longer than a key holds. It holds no borrow of its text, so the text can
/// be freed once counted.
#[derive(Debug)]
enum Word {
    Short(Key),
    Long(Box<str>),
}

/// The words of one text, counted: each distinct id with how often it
/// occurs (in order of first occurrence), and the number of words in all.
/// BM25 needs no more of a text than this.
#[derive(Debug, Default)]
pub struct Counted {
    pub terms: Vec<(u32, u32)>,
    pub len: u32,
}

/// A text a [`Counter`] counted, by the word numbers of its task until
/// [`Dictionary::counted`] makes them terms.
#[derive(Debug, Default)]
pub struct Pending {
    words: Vec<(u32, u32)>,
    len: u32,
    task: u32,
}

/// Counts the words of texts as they come, before the site's terms are
/// known: a page's text can be counted and freed as soon as the page is
/// rendered. Texts are counted in tasks of [`TEXTS_PER_TASK`], each
/// numbering its words in a table of its own, which holds far fewer words
/// than its texts (a word recurs); [`Counter::finish`] maps them to terms.
#[derive(Debug, Default)]
pub struct Counter {
    /// Each task's words, by their number.
    tasks: Vec<Vec<Word>>,
}

impl Counter {
    /// Counts `texts`, in parallel: one [`Pending`] for each, in order.
    pub fn count(&mut self, texts: &[&str]) -> Vec<Pending> {
        let done: Vec<(Vec<Word>, Vec<Counted>)> = texts
            .par_chunks(TEXTS_PER_TASK)
            .map(|chunk| {
                // Nearly all words fit in `PACKED` bytes: those are numbered
                // by their bytes as integers (no string hashing or comparing).
                let mut short: FxHashMap<Key, u32> = FxHashMap::default();
                let mut long: FxHashMap<&str, u32> = FxHashMap::default();
                let mut words: Vec<Word> = Vec::new();
                let mut tally = Tally::new(0);
                let counted = chunk
                    .iter()
                    .map(|text| {
                        for w in raw_words(text) {
                            let key = packed(text, w);
                            let mut new = |word: Word| {
                                words.push(word);
                                tally.grow();
                                (words.len() - 1) as u32
                            };
                            let id = match key {
                                Some(key) => *short.entry(key).or_insert_with(|| new(Word::Short(key))),
                                None => *long.entry(w).or_insert_with(|| new(Word::Long(w.into()))),
                            };
                            tally.count(id, 1);
                        }
                        tally.take()
                    })
                    .collect();
                (words, counted)
            })
            .collect();
        let mut out = Vec::with_capacity(texts.len());
        for (words, counted) in done {
            let task = self.tasks.len() as u32;
            out.extend(counted.into_iter().map(|Counted { terms, len }| Pending { words: terms, len, task }));
            self.tasks.push(words);
        }
        out
    }

    /// The dictionary of every text counted: each distinct word (in
    /// parallel) analysed once. The tasks name the same words many times
    /// over: they are told apart by their keys where they have one.
    pub fn finish(self) -> Dictionary {
        type Distinct<'a> = (FxHashSet<Key>, FxHashSet<&'a str>);
        let (short, long): Distinct = self
            .tasks
            .par_iter()
            .flat_map_iter(|words| words.iter())
            .fold(Distinct::default, |(mut short, mut long), word| {
                match word {
                    Word::Short(key) => {
                        short.insert(*key);
                    }
                    Word::Long(w) => {
                        long.insert(w);
                    }
                }
                (short, long)
            })
            .reduce(Distinct::default, |(a_short, a_long), (b_short, b_long)| {
                let (a_len, b_len) = (a_short.len(), b_short.len());
                let short = union(a_short, a_len, b_short, b_len);
                let (a_len, b_len) = (a_long.len(), b_long.len());
                (short, union(a_long, a_len, b_long, b_len))
            });
        // Each distinct word once, with its key when it has one.
        let words: Vec<(Option<Key>, &str)> = short.into_iter().map(|k| (Some(k), "")).chain(long.into_iter().map(|w| (None, w))).collect();
        let stems: Vec<String> = words
            .par_iter()
            .map_init(
                || (lower_caser(), word_stemmer()),
                |(lower, stemmer), (key, w)| match key {
                    Some(key) => {
                        let (bytes, len) = key.bytes();
                        // A key holds a whole word, cut from a text at character bounds.
                        term_of(lower, stemmer, std::str::from_utf8(&bytes[..len]).unwrap_or_default())
                    }
                    None => term_of(lower, stemmer, w),
                },
            )
            .collect();
        let mut terms = stems.clone();
        terms.par_sort_unstable();
        terms.dedup();
        let (mut short, mut long): (FxHashMap<Key, u32>, FxHashMap<&str, u32>) = Default::default();
        for ((key, w), s) in words.into_iter().zip(&stems) {
            let id = terms.binary_search(s).unwrap_or(0) as u32;
            match key {
                Some(key) => short.insert(key, id),
                None => long.insert(w, id),
            };
        }
        let maps = self
            .tasks
            .par_iter()
            .map(|words| {
                words
                    .iter()
                    .map(|w| match w {
                        Word::Short(key) => short.get(key),
                        Word::Long(w) => long.get(&**w),
                    })
                    .map(|id| id.copied().unwrap_or(0))
                    .collect()
            })
            .collect();
        Dictionary { maps, terms }
    }
}

/// Counts of ids, all zero between uses: `count` adds to it, `take` empties it
/// into a [`Counted`] in one pass over the distinct ids (no sorting).
pub struct Tally {
    counts: Vec<u32>,
    seen: Vec<(u32, u32)>,
    len: u32,
}

impl Tally {
    /// A tally of ids below `ids`.
    pub fn new(ids: usize) -> Tally {
        Tally { counts: vec![0; ids], seen: Vec::new(), len: 0 }
    }

    /// Makes room for one more id (the next one above those it has room for).
    fn grow(&mut self) {
        self.counts.push(0);
    }

    /// Adds `n` occurrences of `id` (below the ids it has room for).
    #[inline]
    pub fn count(&mut self, id: u32, n: u32) {
        let Some(c) = self.counts.get_mut(id as usize) else { return };
        if *c == 0 {
            self.seen.push((id, 0));
        }
        *c = c.saturating_add(n);
        self.len = self.len.saturating_add(n);
    }

    /// What has been counted since the last `take`, in a list of its exact
    /// size; the tally is all zeros again.
    pub fn take(&mut self) -> Counted {
        let mut terms = Vec::with_capacity(self.seen.len());
        let len = self.take_into(&mut terms);
        Counted { terms, len }
    }

    /// As [`Tally::take`], into `terms` (emptied first, its room kept): the
    /// distinct ids with their counts, and the number of occurrences in all.
    fn take_into(&mut self, terms: &mut Vec<(u32, u32)>) -> u32 {
        terms.clear();
        terms.extend(self.seen.drain(..).map(|(id, _)| (id, std::mem::take(&mut self.counts[id as usize]))));
        std::mem::take(&mut self.len)
    }
}

/// Longest word, in bytes, that [`packed`] makes a key of: 98 % of the words
/// of a Finnish text are at most 20 bytes long.
const PACKED: usize = 24;

/// The bytes of `word`, a slice of `text` of at most [`PACKED`] bytes, as
/// integers: little-endian, zeros past its end. Words have no zero bytes (NUL
/// is not alphanumeric), so two words have the same key only if they are
/// the same.
#[inline]
fn packed(text: &str, word: &str) -> Option<Key> {
    let len = word.len();
    if len > PACKED {
        return None;
    }
    let start = (word.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    // `PACKED` bytes from the word's start when the text has them (nearly
    // always): one load, the bytes past the word masked off.
    let bytes = match text.as_bytes().get(start..start.wrapping_add(PACKED)).and_then(|b| <[u8; PACKED]>::try_from(b).ok()) {
        Some(b) => b,
        None => {
            let mut b = [0u8; PACKED];
            b[..len].copy_from_slice(word.as_bytes());
            b
        }
    };
    let word = |i: usize| u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().unwrap_or_default());
    // The low `bits` bits of the `i`th word of the key (bits from its start).
    let keep = |i: usize| {
        let bits = (8 * len).saturating_sub(64 * i);
        if bits >= 64 {
            u64::MAX
        } else {
            (1u64 << bits) - 1
        }
    };
    Some(Key(word(0) & keep(0), word(1) & keep(1), word(2) & keep(2)))
}

/// Texts one task of a [`Counter`] cuts into words: their words are
/// numbered in a table of the task's own, mapped to terms once all are known.
const TEXTS_PER_TASK: usize = 256;

impl Dictionary {
    /// The dictionary of all `texts` and, for each text in order, its terms
    /// counted: every word of every text is cut out and hashed once.
    pub fn with_counts(texts: &[&str]) -> (Dictionary, Vec<Counted>) {
        let mut counter = Counter::default();
        let pending = counter.count(texts);
        let dict = counter.finish();
        let counted = dict.counted_all(pending);
        (dict, counted)
    }

    /// `pending`'s texts by term, in order (in parallel).
    pub fn counted_all(&self, pending: Vec<Pending>) -> Vec<Counted> {
        let terms = self.terms.len();
        pending.into_par_iter().map_init(|| Tally::new(terms), |tally, p| self.counted(p, tally)).collect()
    }

    /// A text a [`Counter`] counted, by term: two words of a text can share
    /// a term (`Äiti`, `äiti`), so it is counted again, in place (it has no
    /// more terms than it had words). `tally` has room for every term.
    pub fn counted(&self, pending: Pending, tally: &mut Tally) -> Counted {
        let Pending { mut words, len, task } = pending;
        let map = self.maps.get(task as usize).map_or(&[][..], Vec::as_slice);
        for &(w, n) in &words {
            tally.count(map.get(w as usize).copied().unwrap_or(0), n);
        }
        tally.take_into(&mut words);
        Counted { terms: words, len }
    }

    /// Compound parts of every term, by id (see [`parts`]).
    pub fn parts(&self) -> Vec<Vec<u32>> {
        let index: FxHashMap<&str, u32> =
            self.terms.iter().enumerate().filter(|(_, t)| t.chars().count() >= MIN_PART).map(|(i, t)| (t.as_str(), i as u32)).collect();
        self.terms.par_iter().map(|t| parts(t, |p| index.contains_key(p)).iter().map(|p| index[p.as_str()]).collect()).collect()
    }
}

/// `a` (of `a_len` items) and `b` together: the smaller added to the larger.
fn union<T: IntoIterator + Extend<T::Item>>(a: T, a_len: usize, b: T, b_len: usize) -> T {
    let (mut big, small) = if a_len >= b_len { (a, b) } else { (b, a) };
    big.extend(small);
    big
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

    /// Texts of every length around the 64-byte blocks, of letters, digits,
    /// separators and characters of two to four bytes (alphanumeric or not),
    /// which fall across the blocks' ends: cut as `char::is_alphanumeric` cuts.
    #[test]
    fn raw_words_cut_exactly_across_blocks() {
        let pieces = [
            "a",
            "Z",
            "7",
            " ",
            "-",
            "ä",
            "Ö",
            "×",
            "÷",
            "–",
            "\u{a0}",
            "½",
            "ΣΟ",
            "٣",
            "é",
            "\u{301}",
            "\n",
            "İ",
            "€",
            "𝔸",
            "🙂",
            "kotoutuminen",
        ];
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        };
        for round in 0..20_000 {
            let mut text = String::new();
            let target = round % 300;
            while text.len() < target {
                text.push_str(pieces[next(pieces.len())]);
            }
            let slow: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
            assert_eq!(raw_words(&text).collect::<Vec<_>>(), slow, "{text:?}");
        }
        let long = "ä".repeat(100);
        assert_eq!(raw_words(&long).collect::<Vec<_>>(), vec![long.as_str()]);
        let spaced = format!("{}×{}", "a".repeat(63), "b".repeat(70));
        assert_eq!(raw_words(&spaced).collect::<Vec<_>>(), vec!["a".repeat(63), "b".repeat(70)]);
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
    fn packed_keys_are_a_words_bytes_wherever_it_stands() {
        let words =
            ["", "a", "äiti", "perhekeskustyö", "perhekeskustyössä", "perhekeskustyöntekijä", "x".repeat(24).leak(), "y".repeat(25).leak()];
        let mut keys = Vec::new();
        for w in words {
            // Alone, first of many, last after others, and before a long tail.
            let texts = [w.to_string(), format!("{w} loput"), format!("alku {w}"), format!("{w}{}", " z".repeat(20))];
            let at: Vec<Option<Key>> = texts
                .iter()
                .map(|t| {
                    let start = t.find(w).unwrap();
                    packed(t, &t[start..start + w.len()])
                })
                .collect();
            assert!(at.windows(2).all(|k| k[0] == k[1]), "{w}: {at:?}");
            assert_eq!(at[0].is_some(), w.len() <= PACKED, "{w}");
            keys.extend(at[0]);
        }
        let distinct: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len(), "different words, different keys");
    }

    /// Texts with words of every kind, enough of them for several counting
    /// tasks, each numbering its words its own way.
    fn many_texts() -> Vec<&'static str> {
        let texts = [
            "Perhekeskuksen käytäntö, kotoutumista! 681/2023 H2 ÄITI Äiti äiti ÅLAND œuvre naïve İstanbul ΣΟΦΙΑ",
            "perhekeskus PERHEKESKUKSESSA Äiti ääni; verkostojohtaminen",
            "verkosto perhekeskusverkosto",
            "",
            // Longer than a packed key, and words of 16, 17, 24 and 25 bytes
            // with other words after them and at the end of the text.
            "lentokonesuihkuturbiinimoottoriapumekaanikko perhekeskustyössä perhekeskustyöntekijä \
             perhekeskustyöntekijöiden perhekeskustyöntekijöide perhekeskustyöntekijöiden",
        ];
        (0..3 * TEXTS_PER_TASK + 5).map(|i| texts[(i * 7 + i / TEXTS_PER_TASK) % texts.len()]).collect()
    }

    #[test]
    fn the_dictionary_gives_the_analyzers_terms() {
        let many = many_texts();
        let (dict, counted) = Dictionary::with_counts(&many);
        assert_eq!(counted.len(), many.len());
        let mut a = analyzer();
        for (text, c) in many.iter().zip(&counted) {
            let mut expected: Vec<(&str, u32)> = Vec::new();
            for t in terms(&mut a, text) {
                let t = dict.terms.iter().find(|d| **d == t).expect("in the dictionary").as_str();
                match expected.iter_mut().find(|(e, _)| *e == t) {
                    Some((_, n)) => *n += 1,
                    None => expected.push((t, 1)),
                }
            }
            let via_dict: Vec<(&str, u32)> = c.terms.iter().map(|&(i, n)| (dict.terms[i as usize].as_str(), n)).collect();
            assert_eq!(via_dict, expected, "{text}");
            assert_eq!(c.len as usize, terms(&mut a, text).len(), "{text}");
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

    #[test]
    fn texts_counted_in_batches_as_they_come_count_as_all_at_once() {
        let many = many_texts();
        let (dict, at_once) = Dictionary::with_counts(&many);
        // Batches smaller and larger than a task, and an empty one.
        let mut counter = Counter::default();
        let mut pending = Vec::new();
        let mut rest = &many[..];
        for size in [1, 0, TEXTS_PER_TASK / 3, TEXTS_PER_TASK + 7, usize::MAX] {
            let (batch, after) = rest.split_at(size.min(rest.len()));
            pending.extend(counter.count(batch));
            rest = after;
        }
        assert_eq!(pending.len(), many.len());
        let batched = counter.finish();
        assert_eq!(batched.terms, dict.terms);
        let counted = batched.counted_all(pending);
        for ((text, a), b) in many.iter().zip(&at_once).zip(&counted) {
            assert_eq!((&a.terms, a.len), (&b.terms, b.len), "{text}");
        }
        assert!(counted.iter().any(|c| c.len > 1), "the texts have words");
    }
}
