//! The search index: one tantivy document per page *section* (split at H2 and
//! H3, so hits can link to `page/#anchor`), with the page title, section
//! heading, body, compound parts and metadata as separately boosted fields.
//!
//! tantivy does the analysis (see `analyze`) and all scoring: for every term
//! the per-document BM25 score of the query "this term in any field" is taken
//! from tantivy once, at build time. The static export ships those scores, so
//! the browser ranks by summing them exactly as tantivy's Boolean query does
//! for `handbook search`.
//!
//! Terms reach tantivy as short tokens (a term's number in the sorted list of
//! distinct terms in base 64: three characters cover 262,144 terms): BM25 depends only on counts and
//! field lengths, which stay the same, while tantivy hashes and stores far
//! fewer bytes.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::indexer::NoMergePolicy;
use tantivy::postings::Postings as _;
use tantivy::query::{Bm25Weight, BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{doc, DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, TERMINATED};

use super::analyze::{self, Dictionary};
use super::expand;
use super::input::{Input, PageMeta};
use crate::markdown::TextSection;

/// Field boosts: titles and headings weigh more than body text.
/// Compound parts count less than whole words, but a part of the title
/// (`johtaminen` in "Kolmitasoinen verkostojohtaminen") more than one in the text.
const BOOSTS: [(&str, f32); 6] = [("title", 3.0), ("heading", 2.0), ("meta", 1.5), ("body", 1.0), ("parts", 0.5), ("title_parts", 1.5)];

/// A term's postings: (doc, tantivy score), docs ascending.
pub type Postings = Vec<(u32, f32)>;

/// One indexed section.
#[derive(Debug, Clone)]
pub struct Doc {
    pub page: usize,
    /// Heading id, empty for the text before the first heading.
    pub anchor: String,
    pub heading: String,
    pub text: String,
}

pub struct SearchIndex {
    pub pages: Vec<PageMeta>,
    pub docs: Vec<Doc>,
    pub postings: BTreeMap<String, Postings>,
    reader: IndexReader,
    fields: Vec<(Field, f32)>,
    /// Every distinct term, ascending: tantivy indexes a term as its position
    /// here, written as a short token (see [`token`]).
    terms: Vec<String>,
}

/// Digits of the tokens tantivy indexes in place of terms: none is whitespace,
/// so the whitespace tokenizer cuts them back out of the joined field text.
const TOKEN_DIGITS: &[u8; 64] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-";

/// Appends the token of term `id` to `out`: its digits in base 64, lowest
/// first: one byte for the first 64 ids, three up to 262,143, four beyond.
fn push_token(out: &mut String, mut id: u32) {
    loop {
        out.push(TOKEN_DIGITS[(id % 64) as usize] as char);
        id /= 64;
        if id == 0 {
            break;
        }
    }
}

/// The token of term `id`.
fn token(id: u32) -> String {
    let mut s = String::with_capacity(4);
    push_token(&mut s, id);
    s
}

/// A ranked page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub page: usize,
    pub doc: usize,
    pub score: f32,
}

/// What of a section's text to keep (see [`KeepText`]).
fn kept(text: &str, keep: KeepText) -> String {
    match keep {
        KeepText::All => text.to_string(),
        KeepText::Nothing => String::new(),
    }
}

/// How much of each section's text the index keeps once it is indexed.
#[derive(Debug, Clone, Copy)]
pub enum KeepText {
    /// All of it (`handbook search` finds excerpts anywhere in a section).
    All,
    /// None (the static export reads the texts from the inputs).
    Nothing,
}

/// Sections indexed per batch: analysed in parallel, then handed to tantivy,
/// so the analysed text of the whole site is never held at once.
const BATCH: usize = 2048;

impl SearchIndex {
    /// Indexes `inputs` (see `input::inputs`), keeping `keep` of each section's text.
    pub fn build(inputs: &[Input], keep: KeepText) -> tantivy::Result<SearchIndex> {
        let sections: Vec<(usize, &TextSection)> =
            inputs.iter().enumerate().flat_map(|(i, p)| p.sections.iter().map(move |s| (i, s))).collect();
        let titles = inputs.par_iter().map(|p| p.meta.title.as_str());
        let metas = inputs.par_iter().map(|p| p.meta_text.as_str());
        let texts = sections.par_iter().flat_map_iter(|(_, s)| [s.heading.as_str(), s.text.as_str()]);
        let dict = Dictionary::new(titles.chain(metas).chain(texts));
        let parts = dict.parts();
        // Title and metadata are the page's, the same for each of its sections.
        let page_terms: Vec<[Vec<u32>; 2]> = inputs
            .par_iter()
            .map(|p| {
                let mut out = [Vec::new(), Vec::new()];
                dict.term_ids(&p.meta.title, &mut out[0]);
                dict.term_ids(&p.meta_text, &mut out[1]);
                out
            })
            .collect();

        let mut sb = Schema::builder();
        let opts = TextOptions::default()
            .set_indexing_options(TextFieldIndexing::default().set_tokenizer("ws").set_index_option(IndexRecordOption::WithFreqs));
        let fields: Vec<(Field, f32)> = BOOSTS.iter().map(|(name, boost)| (sb.add_text_field(name, opts.clone()), *boost)).collect();
        let id = sb.add_u64_field("id", STORED | FAST);
        let index = Index::create_in_ram(sb.build());
        index.tokenizers().register("ws", TextAnalyzer::builder(WhitespaceTokenizer::default()).build());
        // Two indexing threads: the segments they make are read together (see `score_every_term`).
        let mut writer: IndexWriter = index.writer_with_num_threads(2, 50_000_000)?;
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let join = |ids: &mut dyn Iterator<Item = &u32>| -> String {
            let mut s = String::new();
            for i in ids {
                if !s.is_empty() {
                    s.push(' ');
                }
                push_token(&mut s, *i);
            }
            s
        };
        let mut docs = Vec::with_capacity(sections.len());
        for (b, batch) in sections.chunks(BATCH).enumerate() {
            let made: Vec<TantivyDocument> = batch
                .par_iter()
                .enumerate()
                .map(|(i, (page, s))| {
                    let [title, meta] = &page_terms[*page];
                    let (mut heading, mut body) = (Vec::new(), Vec::new());
                    dict.term_ids(&s.heading, &mut heading);
                    dict.term_ids(&s.text, &mut body);
                    let mut compound = heading.iter().chain(&body).flat_map(|t| &parts[*t as usize]);
                    let mut title_compound = title.iter().flat_map(|t| &parts[*t as usize]);
                    doc!(
                        fields[0].0 => join(&mut title.iter()),
                        fields[1].0 => join(&mut heading.iter()),
                        fields[2].0 => join(&mut meta.iter()),
                        fields[3].0 => join(&mut body.iter()),
                        fields[4].0 => join(&mut compound),
                        fields[5].0 => join(&mut title_compound),
                        id => (b * BATCH + i) as u64,
                    )
                })
                .collect();
            for d in made {
                writer.add_document(d)?;
            }
            docs.extend(batch.iter().map(|(page, s)| Doc {
                page: *page,
                anchor: s.anchor.clone(),
                heading: s.heading.clone(),
                text: kept(&s.text, keep),
            }));
        }
        writer.commit()?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let pages = inputs.iter().map(|p| p.meta.clone()).collect();
        let mut this = SearchIndex { pages, docs, postings: BTreeMap::new(), reader, fields, terms: dict.terms };
        this.postings = this.score_every_term()?;
        Ok(this)
    }

    /// "This term in any field" as a tantivy query, boosted per field.
    fn term_query(&self, term: &str) -> Box<dyn Query> {
        // A term that is not in the index is asked as a token no term has
        // (`~` is not a token digit), so it matches nothing.
        let token = self.terms.binary_search_by(|t| t.as_str().cmp(term)).map_or_else(|_| "~".to_string(), |i| token(i as u32));
        let clauses: Vec<(Occur, Box<dyn Query>)> = self
            .fields
            .iter()
            .map(|(f, boost)| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(Term::from_field_text(*f, &token), IndexRecordOption::WithFreqs));
                (Occur::Should, Box::new(BoostQuery::new(q, *boost)) as Box<dyn Query>)
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    fn run(&self, query: &dyn Query, limit: usize) -> tantivy::Result<Vec<(f32, usize)>> {
        let searcher = self.reader.searcher();
        let top = searcher.search(query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let ids = searcher.segment_readers().iter().map(|s| s.fast_fields().u64("id")).collect::<tantivy::Result<Vec<_>>>()?;
        Ok(top.into_iter().map(|(score, a)| (score, ids[a.segment_ord as usize].first(a.doc_id).unwrap_or(0) as usize)).collect())
    }

    /// Every term's score in every section that has it, read straight from
    /// tantivy's postings and weighed with tantivy's own BM25 (`Bm25Weight`,
    /// with the searcher's statistics and the field boosts): the same numbers
    /// its Boolean query of boosted term queries sums, without running one
    /// query per term.
    fn score_every_term(&self) -> tantivy::Result<BTreeMap<String, Postings>> {
        let searcher = self.reader.searcher();
        let mut segments = Vec::new();
        for seg in searcher.segment_readers() {
            let ids = seg.fast_fields().u64("id")?;
            let per_field = self
                .fields
                .iter()
                .map(|(f, _)| Ok((seg.inverted_index(*f)?, seg.get_fieldnorms_reader(*f)?)))
                .collect::<tantivy::Result<Vec<_>>>()?;
            segments.push((ids, per_field));
        }
        let scored: Vec<(String, Postings)> = self
            .terms
            .par_iter()
            .enumerate()
            .map(|(id, text)| {
                let token = token(id as u32);
                let mut hits: Postings = Vec::new();
                for (k, (field, boost)) in self.fields.iter().enumerate() {
                    let term = Term::from_field_text(*field, &token);
                    let mut weight = None;
                    for (ids, per_field) in &segments {
                        let (inverted, norms) = &per_field[k];
                        let Some(info) = inverted.get_term_info(&term)? else { continue };
                        let weight = match &weight {
                            Some(w) => w,
                            None => weight.insert(Bm25Weight::for_terms(&searcher, std::slice::from_ref(&term))?.boost_by(*boost)),
                        };
                        let mut postings = inverted.read_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
                        while postings.doc() != TERMINATED {
                            let doc = postings.doc();
                            let global = ids.first(doc).unwrap_or(0) as u32;
                            hits.push((global, weight.score(norms.fieldnorm_id(doc), postings.term_freq())));
                            postings.advance();
                        }
                    }
                }
                // Sum per section, fields in boost order (a stable sort keeps it).
                hits.sort_by_key(|h| h.0);
                hits.dedup_by(|later, first| {
                    let same = later.0 == first.0;
                    if same {
                        first.1 += later.1;
                    }
                    same
                });
                Ok((text.clone(), hits))
            })
            .collect::<tantivy::Result<_>>()?;
        Ok(scored.into_iter().filter(|(_, hits)| !hits.is_empty()).collect())
    }

    /// Index terms answering a query word (see `expand`).
    pub fn expand(&self, word: &str, stem: &str) -> Vec<(String, f32)> {
        expand::expand(&self.postings, Vec::len, word, stem)
    }

    /// Ranks pages for `query` with tantivy: every query word must match (through
    /// any of its expansions); if none does, any word may. Best section per page.
    pub fn search(&self, query: &str, limit: usize) -> tantivy::Result<Vec<Hit>> {
        let mut analyzer = analyze::analyzer();
        let words: Vec<Vec<(String, f32)>> = analyze::words(&mut analyzer, query).iter().map(|(w, s)| self.expand(w, s)).collect();
        let build = |occur: Occur| -> Box<dyn Query> {
            let clauses = words
                .iter()
                .filter(|exp| !exp.is_empty())
                .map(|exp| {
                    let inner: Vec<(Occur, Box<dyn Query>)> = exp
                        .iter()
                        .map(|(t, w)| (Occur::Should, Box::new(BoostQuery::new(self.term_query(t), *w)) as Box<dyn Query>))
                        .collect();
                    (occur, Box::new(BooleanQuery::new(inner)) as Box<dyn Query>)
                })
                .collect();
            Box::new(BooleanQuery::new(clauses))
        };
        if words.iter().all(Vec::is_empty) {
            return Ok(Vec::new());
        }
        let all_words = words.iter().all(|w| !w.is_empty());
        let mut scored = if all_words { self.run(build(Occur::Must).as_ref(), self.docs.len())? } else { Vec::new() };
        if scored.is_empty() {
            scored = self.run(build(Occur::Should).as_ref(), self.docs.len())?;
        }
        Ok(best_per_page(&self.docs, scored, limit))
    }

    /// Words to mark in an excerpt: every index term a query word expands to.
    pub fn marked_terms(&self, query: &str) -> BTreeSet<String> {
        let mut analyzer = analyze::analyzer();
        analyze::words(&mut analyzer, query).iter().flat_map(|(w, s)| self.expand(w, s)).map(|(t, _)| t).collect()
    }
}

/// Keeps the best section of each page; ties broken by page order, deterministic.
pub fn best_per_page(docs: &[Doc], scored: Vec<(f32, usize)>, limit: usize) -> Vec<Hit> {
    let mut best: BTreeMap<usize, Hit> = BTreeMap::new();
    for (score, doc) in scored {
        let page = docs[doc].page;
        let e = best.entry(page).or_insert(Hit { page, doc, score: 0.0 });
        if score > e.score || (score == e.score && doc < e.doc) {
            *e = Hit { page, doc, score };
        }
    }
    let mut hits: Vec<Hit> = best.into_values().collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.page.cmp(&b.page)));
    hits.truncate(limit);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_tokens_are_distinct_short_and_survive_the_whitespace_tokenizer() {
        let n = 300_000u32;
        let tokens: Vec<String> = (0..n).map(token).collect();
        assert_eq!(tokens.iter().collect::<BTreeSet<_>>().len(), n as usize, "one token per term");
        assert!(tokens[..64].iter().all(|t| t.len() == 1) && tokens[(n - 1) as usize].len() == 4);
        // Joined with spaces and cut again, every token comes back whole (none of `~`).
        let joined = tokens[..5000].join(" ");
        let mut analyzer = TextAnalyzer::builder(WhitespaceTokenizer::default()).build();
        let mut stream = analyzer.token_stream(&joined);
        let mut back = Vec::new();
        while let Some(t) = tantivy::tokenizer::TokenStream::next(&mut stream) {
            back.push(t.text.clone());
        }
        assert_eq!(back, tokens[..5000]);
        assert!(!tokens.iter().any(|t| t.contains('~')), "`~` is the token of no term");
    }
}
