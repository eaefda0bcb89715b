//! The static export of the search index under `haku/`, for a host with no
//! server. A query loads only what it needs:
//!
//! - `hakemisto.json`, the entry (written last, so it never names a file not
//!   yet there): where each kind of shard starts, how sections map to pages,
//!   the filter groups;
//! - term shards `t-*.bin`: terms in order, each with its highest score
//!   (f32), number of postings, byte length of the postings, and the
//!   postings — section (delta) and tantivy's score scaled to 16 bits of the
//!   term's highest; a common term's postings (length 0, then a 12-letter
//!   hash) are in a file of their own, `p-<hash>.bin`;
//! - for the fallbacks of `expand` only: compound tails `r-*.bin` (terms
//!   reversed, with their document frequency) and typing-error keys `k-*.bin`;
//! - result chunks `x-*.json`: for a run of sections, each one's anchor and
//!   heading, and the title, URL, section and description of their pages;
//!   fetched for the results shown. The excerpt comes from the result's page
//!   itself, which the browser fetches too (and then has at hand when the
//!   reader follows the link): the text is not published twice;
//! - `f-*.json`: for each filter value, the pages that have it, as a bitmap.
//!
//! Shards are cut by size, never inside a term. Binary layout: unsigned
//! LEB128 varints; strings as varint byte length + UTF-8, sorted strings as
//! (bytes shared with the previous one, rest). Every file name carries a hash
//! of its content; numbered chunks carry the hash of all chunks of their kind.

use std::collections::BTreeMap;
use std::io;

use base64::Engine as _;
use rayon::prelude::*;
use serde_json::{json, Value};

use super::analyze::MIN_PART;
use super::engine::SearchIndex;
use super::expand::{self, COMPOUND_REST, TYPO_STEM};
use super::input::Input;
use crate::markdown::TextSection;
use crate::output::Sink;

/// Bytes after which a term, tail or key shard is closed.
pub const SHARD_BYTES: usize = 24 * 1024;
/// Bytes of titles, addresses and headings after which a result chunk is closed.
pub const RESULT_BYTES: usize = 16 * 1024;
/// Filter groups, in the order the search page shows them.
pub const GROUPS: [&str; 4] = ["phase", "topic", "funder", "region"];

/// A content hash for file names, fed in parts: eight bytes at a time
/// (multiply and xor-shift), each part closed by its length so that parts
/// cannot run into each other, then mixed once more. Stable across runs and
/// platforms; 48 bits of it name a file.
struct ContentHash(u64);

impl ContentHash {
    fn new() -> ContentHash {
        ContentHash(0xcbf2_9ce4_8422_2325)
    }

    fn mix(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 ^= self.0 >> 29;
    }

    fn update(&mut self, bytes: &[u8]) -> &mut ContentHash {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut word = [0u8; 8];
            word.copy_from_slice(w);
            self.mix(u64::from_le_bytes(word));
        }
        let mut last = [0u8; 8];
        last[..words.remainder().len()].copy_from_slice(words.remainder());
        self.mix(u64::from_le_bytes(last));
        self.mix(bytes.len() as u64);
        self
    }

    /// Twelve hex digits.
    fn hex(&self) -> String {
        // The finaliser of MurmurHash3: every input bit reaches every output bit.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^= h >> 33;
        format!("{:012x}", h >> 16)
    }
}

/// The content hash of `bytes`, as twelve hex digits, for file names.
pub fn hash(bytes: &[u8]) -> String {
    ContentHash::new().update(bytes).hex()
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn string(out: &mut Vec<u8>, s: &str) {
    varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// `s` after `prev` in sorted order: the bytes they share, then the rest.
fn sorted_string(out: &mut Vec<u8>, prev: &str, s: &str) {
    let shared = prev.bytes().zip(s.bytes()).take_while(|(a, b)| a == b).count();
    varint(out, shared as u64);
    varint(out, (s.len() - shared) as u64);
    out.extend_from_slice(&s.as_bytes()[shared..]);
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Size-cut shards of sorted records: `(first key of each shard, file name)`.
struct Shards<'a> {
    kind: &'static str,
    sink: &'a dyn Sink,
    buf: Vec<u8>,
    count: u64,
    first: Option<String>,
    prev: String,
    list: Vec<(String, String)>,
}

impl<'a> Shards<'a> {
    fn new(kind: &'static str, sink: &'a dyn Sink) -> Shards<'a> {
        Shards { kind, sink, buf: Vec::new(), count: 0, first: None, prev: String::new(), list: Vec::new() }
    }

    /// Starts a record with sorted key `key`; the caller appends its data to `buf`.
    fn record(&mut self, key: &str) -> &mut Vec<u8> {
        if self.first.is_none() {
            self.first = Some(key.to_string());
            self.prev.clear();
        }
        let prev = std::mem::replace(&mut self.prev, key.to_string());
        sorted_string(&mut self.buf, &prev, key);
        self.count += 1;
        &mut self.buf
    }

    /// Closes the shard if it is full (call after each record).
    fn maybe_close(&mut self) -> io::Result<()> {
        if self.buf.len() >= SHARD_BYTES {
            self.close()?;
        }
        Ok(())
    }

    fn close(&mut self) -> io::Result<()> {
        let Some(first) = self.first.take() else { return Ok(()) };
        let mut body = Vec::with_capacity(self.buf.len() + 5);
        varint(&mut body, self.count);
        body.append(&mut self.buf);
        let name = format!("{}-{}-{}.bin", self.kind, self.list.len(), hash(&body));
        self.sink.write(&format!("haku/{name}"), &body)?;
        self.list.push((first, name));
        self.count = 0;
        Ok(())
    }

    fn finish(mut self) -> io::Result<Value> {
        self.close()?;
        Ok(Value::Array(self.list.into_iter().map(|(f, n)| json!([f, n])).collect()))
    }
}

/// Postings blocks up to this size stay in the term shard; larger ones (a
/// common word's) get a file of their own, fetched only when the word is
/// searched for, not whenever a word with the same first letters is.
pub const INLINE_POSTINGS: usize = 512;

/// Terms with their postings, scores scaled per term to 16 bits.
fn term_shards(index: &SearchIndex, sink: &dyn Sink) -> io::Result<Value> {
    // Each term's postings encoded (and a common term's named by its hash) in
    // parallel; the shards, which need the terms in order, then on one thread.
    let encoded: Vec<(f32, Vec<u8>, Option<String>)> = index
        .postings
        .par_iter()
        .map(|(_, postings)| {
            let max = postings.iter().map(|p| p.1).fold(0.0f32, f32::max);
            let mut block = Vec::with_capacity(postings.len() * 4);
            let mut last = 0;
            for (doc, score) in postings {
                varint(&mut block, u64::from(doc - last));
                last = *doc;
                let q = if max > 0.0 { (score / max * 65535.0).round().clamp(1.0, 65535.0) as u16 } else { 0 };
                block.extend_from_slice(&q.to_le_bytes());
            }
            let name = (block.len() > INLINE_POSTINGS).then(|| hash(&block));
            (max, block, name)
        })
        .collect();
    let mut shards = Shards::new("t", sink);
    let mut separate: std::collections::HashSet<String> = std::collections::HashSet::new();
    for ((term, postings), (max, block, name)) in index.postings.iter().zip(encoded) {
        let buf = shards.record(term);
        buf.extend_from_slice(&max.to_le_bytes());
        varint(buf, postings.len() as u64);
        match name {
            // The block's length lets a reader skip the terms it does not need.
            None => {
                varint(buf, block.len() as u64);
                buf.extend_from_slice(&block);
            }
            // Length 0, then the 12-letter content hash naming `p-<hash>.bin`.
            Some(name) => {
                varint(buf, 0);
                buf.extend_from_slice(name.as_bytes());
                if separate.insert(name.clone()) {
                    sink.write(&format!("haku/p-{name}.bin"), &block)?;
                }
            }
        }
        shards.maybe_close()?;
    }
    shards.finish()
}

/// Terms long enough to be compounds, reversed, with their document frequency.
fn tail_shards(index: &SearchIndex, sink: &dyn Sink) -> io::Result<Value> {
    let mut tails: Vec<(String, usize)> = index
        .postings
        .iter()
        .filter(|(t, _)| t.chars().count() >= MIN_PART + COMPOUND_REST)
        .map(|(t, p)| (t.chars().rev().collect(), p.len()))
        .collect();
    tails.par_sort_unstable();
    let mut shards = Shards::new("r", sink);
    for (rev, df) in &tails {
        let buf = shards.record(rev);
        varint(buf, *df as u64);
        shards.maybe_close()?;
    }
    shards.finish()
}

/// Typing-error keys (see `expand::typo_keys`) with the terms that have them.
fn key_shards(index: &SearchIndex, sink: &dyn Sink) -> io::Result<Value> {
    let mut keys: Vec<(String, &str)> = index
        .postings
        .par_iter()
        .filter(|(t, _)| t.chars().count() >= TYPO_STEM)
        .flat_map_iter(|(t, _)| expand::typo_keys(t).into_iter().map(move |k| (k, t.as_str())))
        .collect();
    keys.par_sort_unstable();
    let mut shards = Shards::new("k", sink);
    for (key, term) in &keys {
        let buf = shards.record(key);
        string(buf, term);
        shards.maybe_close()?;
    }
    shards.finish()
}

/// One result chunk: pages by number (title, URL, section, description) and
/// sections in order (anchor, heading).
#[derive(serde::Serialize)]
struct ResultChunk<'a> {
    p: BTreeMap<usize, (&'a str, &'a str, &'a str, Option<&'a str>)>,
    d: Vec<(&'a str, &'a str)>,
}

/// Result chunks, cut by size: `{"p": {page: [title, url, section,
/// description]}, "d": [[anchor, heading], ...]}` for a run of sections and
/// the pages they belong to. A section's text is not repeated here: the
/// browser takes the excerpt from the result's own page, which it fetches
/// (see `haku.js`). They need only the inputs, not the index: the site writes
/// them while it builds the index. Returns what the entry file says of them
/// (for [`write`]).
pub fn result_chunks(inputs: &[Input], sink: &dyn Sink) -> io::Result<Value> {
    let docs: Vec<(usize, &TextSection)> = inputs.iter().enumerate().flat_map(|(i, p)| p.sections.iter().map(move |s| (i, s))).collect();
    let mut starts = Vec::new();
    let mut bytes = RESULT_BYTES;
    let mut last_page = None;
    for (i, (page, d)) in docs.iter().enumerate() {
        if bytes >= RESULT_BYTES {
            starts.push(i);
            bytes = 0;
            last_page = None;
        }
        if last_page != Some(*page) {
            let m = &inputs[*page].meta;
            bytes += m.title.len() + m.url.len() + m.section.len() + m.description.as_ref().map_or(0, String::len);
            last_page = Some(*page);
        }
        bytes += d.heading.len() + d.anchor.len();
    }
    let ends = starts.iter().skip(1).copied().chain([docs.len()]);
    let chunks = starts
        .iter()
        .zip(ends)
        .map(|(s, e)| {
            let mut chunk = ResultChunk { p: BTreeMap::new(), d: Vec::with_capacity(e - s) };
            for (page, d) in &docs[*s..e] {
                let m = &inputs[*page].meta;
                chunk.p.entry(*page).or_insert((&m.title, &m.url, &m.section, m.description.as_deref()));
                chunk.d.push((&d.anchor, &d.heading));
            }
            serde_json::to_vec(&chunk)
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Named by a hash of them all: a reader never mixes chunks of two builds.
    let mut h = ContentHash::new();
    for c in &chunks {
        h.update(c);
    }
    let all = h.hex();
    for (i, chunk) in chunks.iter().enumerate() {
        sink.write(&format!("haku/x-{i}-{all}.json"), chunk)?;
    }
    let mut deltas = Vec::new();
    let mut last = 0;
    for s in &starts {
        varint(&mut deltas, (s - last) as u64);
        last = *s;
    }
    Ok(json!({ "starts": b64(&deltas), "hash": all }))
}

/// Filter values in order of first use, each with a bitmap of its pages.
fn facets(index: &SearchIndex, sink: &dyn Sink) -> io::Result<Value> {
    let n = index.pages.len();
    let mut groups = serde_json::Map::new();
    for group in GROUPS {
        let mut values: Vec<(String, Vec<u8>)> = Vec::new();
        for (i, p) in index.pages.iter().enumerate() {
            let of_page: Vec<&String> = match group {
                "phase" => p.phase.iter().collect(),
                "topic" => p.topics.iter().collect(),
                "funder" => p.funder.iter().collect(),
                _ => p.region.iter().collect(),
            };
            for v in of_page {
                let at = match values.iter().position(|(x, _)| x == v) {
                    Some(at) => at,
                    None => {
                        values.push((v.clone(), vec![0; n.div_ceil(8)]));
                        values.len() - 1
                    }
                };
                values[at].1[i / 8] |= 1 << (i % 8);
            }
        }
        groups.insert(group.into(), Value::Array(values.into_iter().map(|(v, bits)| json!([v, b64(&bits)])).collect()));
    }
    let body = serde_json::to_vec(&groups)?;
    let name = format!("f-{}.json", hash(&body));
    sink.write(&format!("haku/{name}"), &body)?;
    Ok(Value::String(name))
}

/// Writes every part of the index, then the entry file; `results` is what
/// [`result_chunks`] returned for the same inputs.
pub fn write(index: &SearchIndex, results: Value, sink: &dyn Sink) -> io::Result<()> {
    let mut page_docs = Vec::new();
    let mut per_page: BTreeMap<usize, u64> = BTreeMap::new();
    for d in &index.docs {
        *per_page.entry(d.page).or_default() += 1;
    }
    for p in 0..index.pages.len() {
        varint(&mut page_docs, per_page.get(&p).copied().unwrap_or(0));
    }
    // Each kind of file is written on its own; the entry names them in a fixed order.
    let ((terms, tails), (keys, facets)) = rayon::join(
        || rayon::join(|| term_shards(index, sink), || tail_shards(index, sink)),
        || rayon::join(|| key_shards(index, sink), || facets(index, sink)),
    );
    let entry = json!({
        "v": 3,
        "pages": index.pages.len(),
        "docs": index.docs.len(),
        "pageDocs": b64(&page_docs),
        "terms": terms?,
        "tails": tails?,
        "keys": keys?,
        "results": results,
        "facets": facets?,
        "groups": GROUPS,
    });
    // The entry is the last file written: a reader never finds it pointing at files not yet there.
    sink.write("haku/hakemisto.json", &serde_json::to_vec(&entry)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_sorted_strings() {
        let mut out = Vec::new();
        varint(&mut out, 0);
        varint(&mut out, 127);
        varint(&mut out, 128);
        varint(&mut out, 300);
        assert_eq!(out, [0, 127, 0x80, 1, 0xac, 2]);
        let mut out = Vec::new();
        sorted_string(&mut out, "perhe", "perheet");
        assert_eq!(out, [5, 2, b'e', b't']);
    }
}
