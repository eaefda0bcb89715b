//! The static export of the search index under `haku/`, for a host with no
//! server: term shards (by the first three letters of the term: a query
//! fetches only the shards of its words), section chunks (fetched only for the
//! hits shown), and the entry file `haku/hakemisto.json`, written last, that
//! names the content-hashed files and carries the filter facets.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::engine::SearchIndex;
use crate::output::Sink;

/// Sections per chunk file.
pub const DOC_CHUNK: usize = 32;
/// Characters of section text shipped for excerpts.
pub const TEXT_CHARS: usize = 700;

/// 64-bit FNV-1a, hex: short, stable content hashes for file names.
pub fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:012x}", h >> 16)
}

fn facet(values: &mut Vec<String>, v: &str) -> usize {
    match values.iter().position(|x| x == v) {
        Some(i) => i,
        None => {
            values.push(v.to_string());
            values.len() - 1
        }
    }
}

/// Writes the shards, the chunks and finally the entry file.
pub fn write(index: &SearchIndex, sink: &dyn Sink) -> std::io::Result<usize> {
    let mut written = 0;
    let mut shards: BTreeMap<String, serde_json::Map<String, Value>> = BTreeMap::new();
    for (term, postings) in &index.postings {
        let prefix: String = term.chars().take(3).collect();
        let flat: Vec<Value> =
            postings.iter().flat_map(|(d, s)| [json!(d), json!((f64::from(*s) * 10_000.0).round() / 10_000.0)]).collect();
        shards.entry(prefix).or_default().insert(term.clone(), Value::Array(flat));
    }
    let mut shard_files = serde_json::Map::new();
    for (i, (prefix, terms)) in shards.into_iter().enumerate() {
        let body = serde_json::to_vec(&terms)?;
        let name = format!("t-{i}-{}.json", hash(&body));
        sink.write(&format!("haku/{name}"), &body)?;
        shard_files.insert(prefix, Value::String(name));
        written += 1;
    }
    let mut chunk_files = Vec::new();
    for (i, chunk) in index.docs.chunks(DOC_CHUNK).enumerate() {
        let rows: Vec<Value> =
            chunk.iter().map(|d| json!([d.page, d.anchor, d.heading, d.text.chars().take(TEXT_CHARS).collect::<String>()])).collect();
        let body = serde_json::to_vec(&rows)?;
        let name = format!("d-{i}-{}.json", hash(&body));
        sink.write(&format!("haku/{name}"), &body)?;
        chunk_files.push(Value::String(name));
        written += 1;
    }
    let (mut phases, mut topics, mut funders, mut regions) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let pages: Vec<Value> = index
        .pages
        .iter()
        .map(|p| {
            let opt = |v: &Option<String>, list: &mut Vec<String>| v.as_deref().map_or(-1, |x| facet(list, x) as i64);
            let t: Vec<usize> = p.topics.iter().map(|t| facet(&mut topics, t)).collect();
            json!([p.title, p.url, p.section, opt(&p.phase, &mut phases), t, opt(&p.funder, &mut funders), opt(&p.region, &mut regions)])
        })
        .collect();
    let entry = json!({
        "v": 1,
        "shards": shard_files,
        "chunk": DOC_CHUNK,
        "docs": chunk_files,
        "docPage": index.docs.iter().map(|d| d.page).collect::<Vec<_>>(),
        "pages": pages,
        "facets": { "phase": phases, "topic": topics, "funder": funders, "region": regions },
    });
    // The entry is the last file written: a reader never finds it pointing at files not yet there.
    sink.write("haku/hakemisto.json", &serde_json::to_vec(&entry)?)?;
    Ok(written + 1)
}
