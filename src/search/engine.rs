//! The search index: one tantivy document per page *section* (split at H2 and
//! H3, so hits can link to `page/#anchor`), with the page title, section
//! heading, body, compound parts and metadata as separately boosted fields.
//!
//! tantivy does the analysis (see `analyze`) and the scoring: for every term
//! the per-document BM25 score of the query "this term in any field" is
//! computed once, at build time, with tantivy's own `Bm25Weight` over the
//! same statistics a tantivy index of the sections holds (term and token
//! counts per field, see [`Occurrences`]). The static export ships those
//! scores, so the browser ranks by summing them exactly as tantivy's Boolean
//! query does for `handbook search`, which runs on a real tantivy index
//! ([`Purpose::Queries`]); a test checks that the two give the same bits.
//!
//! Terms reach tantivy as short tokens (a term's number in the sorted list of
//! distinct terms in base 64: three characters cover 262,144 terms): BM25 depends only on counts and
//! field lengths, which stay the same, while tantivy hashes and stores far
//! fewer bytes.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::indexer::NoMergePolicy;
use tantivy::postings::Postings as _;
use tantivy::query::{Bm25Weight, BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{doc, DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, TERMINATED};

use super::analyze::{self, Counted, Counter, Pending, Tally};
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
    /// The tantivy index queries run on (only for [`Purpose::Queries`]).
    tantivy: Option<Tantivy>,
    /// Every distinct term, ascending: tantivy indexes a term as its position
    /// here, written as a short token (see [`token`]).
    terms: Vec<String>,
}

/// A tantivy index of the sections, in memory, and its fields with their boosts.
struct Tantivy {
    reader: IndexReader,
    fields: Vec<(Field, f32)>,
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

/// What an index is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Answering queries (`handbook search`): a tantivy index to run them on,
    /// and all of each section's text, to find excerpts anywhere in it.
    Queries,
    /// The static export: the scores only (the export reads the texts from the inputs).
    Export,
}

/// Sections indexed per batch: their compound parts counted in parallel, then
/// all their fields added to the statistics (and handed to tantivy), so the
/// compound parts of the whole site are never held at once.
const BATCH: usize = 2048;

/// The fields in [`BOOSTS`] order.
const FIELDS: usize = BOOSTS.len();

/// Ranges of term ids [`Occurrences::add`] fills in parallel: one per
/// thread. Each range's task reads every occurrence of the batch and keeps
/// its own, so more ranges than threads only add reading (on 2 cores, 4
/// ranges took 3 % longer for the whole build than 2). The ranges hold
/// about equal shares of the first batch's occurrences: split by number of
/// terms, the second of two ranges held about five times the first's.
fn term_ranges() -> usize {
    rayon::current_num_threads().max(1)
}

/// Bits of an occurrence's first number that hold the field (see [`Occurrences`]).
const FIELD_BITS: u32 = 3;

/// Most sections an index can hold: a section number leaves [`FIELD_BITS`] free.
pub const MAX_SECTIONS: usize = 1 << (32 - FIELD_BITS);

/// A term's occurrences (see [`Occurrences::by_term`]).
type Found = Vec<(u32, u32)>;

/// The statistics a tantivy index of the sections would hold, gathered
/// section by section: in which sections and fields each term occurs and how
/// often, each field's length in each section (as tantivy's one-byte code),
/// and how many tokens each field has in all.
struct Occurrences {
    /// By term: (section << [`FIELD_BITS`] | field, frequency), sections
    /// ascending, fields in [`BOOSTS`] order within a section.
    by_term: Vec<Found>,
    /// Where each of the [`term_ranges`] begins, and the end (set by the first batch).
    bounds: Vec<usize>,
    /// By section: each field's length code.
    norms: Vec<[u8; FIELDS]>,
    tokens: [u64; FIELDS],
}

impl Occurrences {
    fn new(terms: usize, sections: usize) -> Occurrences {
        Occurrences { by_term: vec![Vec::new(); terms], bounds: Vec::new(), norms: Vec::with_capacity(sections), tokens: [0; FIELDS] }
    }

    /// Adds the next sections, each as its fields in [`BOOSTS`] order
    /// (section numbers follow the order of the calls; fewer than
    /// [`MAX_SECTIONS`]). The terms are shared out by id range among tasks:
    /// each term's list is filled by one task, sections ascending.
    fn add(&mut self, sections: &[[&Counted; FIELDS]]) {
        let first = self.norms.len() as u32;
        for fields in sections {
            let mut norms = [0u8; FIELDS];
            for (k, f) in fields.iter().enumerate() {
                self.tokens[k] += u64::from(f.len);
                norms[k] = FieldNormReader::fieldnorm_to_id(f.len);
            }
            self.norms.push(norms);
        }
        if self.bounds.is_empty() {
            self.bounds = balanced_ranges(self.by_term.len(), term_ranges(), sections);
        }
        let mut parts: Vec<(u32, &mut [Found])> = Vec::with_capacity(self.bounds.len());
        let mut rest: &mut [Found] = &mut self.by_term;
        for w in self.bounds.windows(2) {
            let (part, tail) = std::mem::take(&mut rest).split_at_mut(w[1] - w[0]);
            parts.push((w[0] as u32, part));
            rest = tail;
        }
        parts.into_par_iter().for_each(|(lo, lists)| {
            let hi = lo + lists.len() as u32;
            for (i, fields) in sections.iter().enumerate() {
                let doc = first + i as u32;
                for (k, f) in fields.iter().enumerate() {
                    for &(t, freq) in f.terms.iter().filter(|&&(t, _)| lo <= t && t < hi) {
                        lists[(t - lo) as usize].push((doc << FIELD_BITS | k as u32, freq));
                    }
                }
            }
        });
    }

    /// Every term's score in every section that has it: per field tantivy's
    /// `Bm25Weight` (its IDF over all sections, its average field length,
    /// the field's boost), summed over the fields in [`BOOSTS`] order, as
    /// tantivy's Boolean query of boosted term queries sums them.
    fn scores(self, terms: &[String]) -> BTreeMap<String, Postings> {
        let docs = self.norms.len() as u64;
        // As tantivy's `Bm25Weight::for_terms` computes it.
        let average: Vec<f32> = self.tokens.iter().map(|&t| t as f32 / docs as f32).collect();
        let norms = &self.norms;
        let field_of = |at: u32| (at & ((1 << FIELD_BITS) - 1)) as usize;
        let scored: Vec<(String, Postings)> = self
            .by_term
            .into_par_iter()
            .zip(terms.par_iter())
            .filter(|(found, _)| !found.is_empty())
            .map(|(found, text)| {
                let mut freq = [0u64; FIELDS];
                found.iter().for_each(|&(at, _)| freq[field_of(at)] += 1);
                let weights: Vec<Bm25Weight> = (0..FIELDS)
                    .map(|k| Bm25Weight::for_one_term_without_explain(freq[k], docs, average[k]).boost_by(BOOSTS[k].1))
                    .collect();
                let mut hits: Postings = Vec::new();
                for &(at, n) in &found {
                    let (doc, k) = (at >> FIELD_BITS, field_of(at));
                    let score = weights[k].score(norms[doc as usize][k], n);
                    match hits.last_mut() {
                        Some((last, sum)) if *last == doc => *sum += score,
                        _ => hits.push((doc, score)),
                    }
                }
                (text.clone(), hits)
            })
            .collect();
        scored.into_iter().collect()
    }
}

/// At most `ranges` ranges of the ids below `terms` (none empty, unless there
/// are no terms), with about equal numbers of occurrences in `sections`:
/// where each begins, then `terms`.
fn balanced_ranges(terms: usize, ranges: usize, sections: &[[&Counted; FIELDS]]) -> Vec<usize> {
    let mut counts = vec![0u64; terms];
    for f in sections.iter().flatten() {
        for &(t, _) in &f.terms {
            if let Some(c) = counts.get_mut(t as usize) {
                *c += 1;
            }
        }
    }
    let total: u64 = counts.iter().sum();
    let ranges = if total == 0 { 1 } else { ranges.max(1) as u64 };
    let mut bounds = vec![0];
    let mut seen = 0;
    for (t, n) in counts.iter().enumerate() {
        // A range ends once it holds its share (and every range has a term).
        if seen * ranges >= total * bounds.len() as u64 && (bounds.len() as u64) < ranges && t > *bounds.last().unwrap_or(&0) {
            bounds.push(t);
        }
        seen += n;
    }
    bounds.push(terms);
    bounds
}

/// The compound parts of the terms in `fields`, counted: each term's parts
/// as often as the term occurs (`tally` is all zeros before and after).
fn parts_of(fields: &[&Counted], parts: &[Vec<u32>], tally: &mut Tally) -> Counted {
    for f in fields {
        for &(t, n) in &f.terms {
            for &p in &parts[t as usize] {
                tally.count(p, n);
            }
        }
    }
    tally.take()
}

/// A tantivy index being written: the writer, the fields of [`BOOSTS`] and the section id.
struct TantivyWriter {
    writer: IndexWriter,
    fields: Vec<(Field, f32)>,
    id: Field,
}

/// Sections with the number of their page.
type Sections<'a> = [(usize, &'a TextSection)];

impl TantivyWriter {
    /// An empty index writer with the fields of [`BOOSTS`] and a stored section id.
    fn new() -> tantivy::Result<TantivyWriter> {
        let mut sb = Schema::builder();
        let opts = TextOptions::default()
            .set_indexing_options(TextFieldIndexing::default().set_tokenizer("ws").set_index_option(IndexRecordOption::WithFreqs));
        let fields: Vec<(Field, f32)> = BOOSTS.iter().map(|(name, boost)| (sb.add_text_field(name, opts.clone()), *boost)).collect();
        let id = sb.add_u64_field("id", STORED | FAST);
        let index = Index::create_in_ram(sb.build());
        index.tokenizers().register("ws", TextAnalyzer::builder(WhitespaceTokenizer::default()).build());
        // Two indexing threads: the segments they make are read together.
        let writer: IndexWriter = index.writer_with_num_threads(2, 50_000_000)?;
        writer.set_merge_policy(Box::new(NoMergePolicy));
        Ok(TantivyWriter { writer, fields, id })
    }
}

/// A field's text as tantivy indexes it: the token of each term, as often as
/// it occurs, space-separated. tantivy keeps counts, not positions
/// (`WithFreqs`), so the order of the words does not change a score.
fn joined(field: &Counted) -> String {
    let mut s = String::new();
    for &(t, n) in &field.terms {
        for _ in 0..n {
            if !s.is_empty() {
                s.push(' ');
            }
            push_token(&mut s, t);
        }
    }
    s
}

/// Sections counted before their index is built (by the build's pass, so
/// that each page's search text can be freed once its page is written):
/// the counter, and for each input, by its place in the inputs, the counts
/// of its sections' headings and texts in turn (see [`count_sections`]).
/// An input with none, or not two for each of its sections, is counted
/// when the index is built.
#[derive(Debug, Default)]
pub struct Counts {
    pub counter: Counter,
    pub inputs: Vec<Vec<Pending>>,
}

/// Counts the sections of each of `inputs` (their headings and texts in
/// turn) with `counter`: one list for each input.
pub fn count_sections(counter: &mut Counter, inputs: &[&[TextSection]]) -> Vec<Vec<Pending>> {
    let texts: Vec<&str> = inputs.iter().flat_map(|s| s.iter().flat_map(|s| [s.heading.as_str(), s.text.as_str()])).collect();
    let mut counted = counter.count(&texts).into_iter();
    inputs.iter().map(|s| counted.by_ref().take(2 * s.len()).collect()).collect()
}

impl SearchIndex {
    /// Indexes `inputs` (see `input::inputs`) for `purpose`, with the
    /// sections `counts` has counted already.
    pub fn build(inputs: &[Input], counts: Counts, purpose: Purpose) -> tantivy::Result<SearchIndex> {
        let sections: Vec<(usize, &TextSection)> =
            inputs.iter().enumerate().flat_map(|(i, p)| p.sections.iter().map(move |s| (i, s))).collect();
        if sections.len() >= MAX_SECTIONS {
            return Err(tantivy::TantivyError::InvalidArgument(format!("osioita on {}, enintään {}", sections.len(), MAX_SECTIONS - 1)));
        }
        // Sections counted before (by the build's pass) where they were,
        // the rest now; then each page's title and metadata.
        let Counts { mut counter, inputs: mut counted_before } = counts;
        counted_before.resize_with(inputs.len(), Vec::new);
        let mut before: Vec<Option<Vec<Pending>>> =
            counted_before.into_iter().zip(inputs).map(|(c, p)| Some(c).filter(|c| c.len() == 2 * p.sections.len())).collect();
        let missing: Vec<&[TextSection]> = inputs.iter().zip(&before).filter(|(_, c)| c.is_none()).map(|(p, _)| p.sections).collect();
        let mut counted_now = count_sections(&mut counter, &missing).into_iter();
        let heads: Vec<&str> = inputs.iter().flat_map(|p| [p.meta.title.as_str(), p.meta_text.as_str()]).collect();
        let heads = counter.count(&heads);
        let section_texts: Vec<Pending> =
            before.iter_mut().flat_map(|c| c.take().or_else(|| counted_now.next()).unwrap_or_default()).collect();
        let dict = counter.finish();
        let mut heads = dict.counted_all(heads).into_iter();
        let mut section_texts = dict.counted_all(section_texts).into_iter();
        // Every text is counted: never a default.
        let page_pairs: Vec<[Counted; 2]> =
            inputs.iter().map(|_| [heads.next().unwrap_or_default(), heads.next().unwrap_or_default()]).collect();
        let mut section_pairs: Vec<[Counted; 2]> =
            sections.iter().map(|_| [section_texts.next().unwrap_or_default(), section_texts.next().unwrap_or_default()]).collect();
        let parts = dict.parts();
        let tally = || Tally::new(dict.terms.len());
        // Title, metadata and the title's compound parts are the page's, the
        // same for each of its sections.
        let page_terms: Vec<[Counted; 3]> = page_pairs
            .into_par_iter()
            .map_init(tally, |tally, [title, meta]| {
                let title_parts = parts_of(&[&title], &parts, tally);
                [title, meta, title_parts]
            })
            .collect();

        let mut tantivy = match purpose {
            Purpose::Queries => Some(TantivyWriter::new()?),
            Purpose::Export => None,
        };
        let mut found = Occurrences::new(dict.terms.len(), sections.len());
        let mut docs = Vec::with_capacity(sections.len());
        // A section's fields: heading, body and their compound parts.
        let analyse = |batch: &mut [[Counted; 2]]| -> Vec<[Counted; 3]> {
            batch
                .par_iter_mut()
                .map_init(tally, |tally, pair| {
                    let [heading, body] = std::mem::take(pair);
                    let compound = parts_of(&[&heading, &body], &parts, tally);
                    [heading, body, compound]
                })
                .collect()
        };
        // A batch is counted while the next one is analysed.
        let count = |found: &mut Occurrences, batch: &Sections, analysed: &[[Counted; 3]]| {
            let fields: Vec<[&Counted; FIELDS]> = batch
                .iter()
                .zip(analysed)
                .map(|((page, _), [heading, body, compound])| {
                    let [title, meta, title_parts] = &page_terms[*page];
                    [title, heading, meta, body, compound, title_parts]
                })
                .collect();
            found.add(&fields);
        };
        let mut counting: Option<(&Sections, Vec<[Counted; 3]>)> = None;
        for (b, (batch, batch_pairs)) in sections.chunks(BATCH).zip(section_pairs.chunks_mut(BATCH)).enumerate() {
            let (analysed, ()) = rayon::join(
                || analyse(batch_pairs),
                || {
                    if let Some((batch, analysed)) = counting.take() {
                        count(&mut found, batch, &analysed);
                    }
                },
            );
            if let Some(TantivyWriter { writer, fields, id }) = &mut tantivy {
                let made: Vec<TantivyDocument> = batch
                    .par_iter()
                    .zip(&analysed)
                    .enumerate()
                    .map(|(i, ((page, _), [heading, body, compound]))| {
                        let [title, meta, title_parts] = &page_terms[*page];
                        doc!(
                            fields[0].0 => joined(title),
                            fields[1].0 => joined(heading),
                            fields[2].0 => joined(meta),
                            fields[3].0 => joined(body),
                            fields[4].0 => joined(compound),
                            fields[5].0 => joined(title_parts),
                            *id => (b * BATCH + i) as u64,
                        )
                    })
                    .collect();
                for d in made {
                    writer.add_document(d)?;
                }
            }
            docs.extend(batch.iter().map(|(page, s)| Doc {
                page: *page,
                anchor: s.anchor.clone(),
                heading: s.heading.clone(),
                text: if purpose == Purpose::Queries { s.text.clone() } else { String::new() },
            }));
            counting = Some((batch, analysed));
        }
        if let Some((batch, analysed)) = counting.take() {
            count(&mut found, batch, &analysed);
        }
        let tantivy = match tantivy {
            Some(TantivyWriter { mut writer, fields, .. }) => {
                writer.commit()?;
                let reader = writer.index().reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
                Some(Tantivy { reader, fields })
            }
            None => None,
        };
        let postings = found.scores(&dict.terms);
        let pages = inputs.iter().map(|p| p.meta.clone()).collect();
        Ok(SearchIndex { pages, docs, postings, tantivy, terms: dict.terms })
    }

    /// The tantivy index, or the error of asking a query of an index built for the export.
    fn tantivy(&self) -> tantivy::Result<&Tantivy> {
        self.tantivy.as_ref().ok_or_else(|| tantivy::TantivyError::InvalidArgument("the index was built for the export only".into()))
    }

    /// "This term in any field" as a tantivy query, boosted per field.
    fn term_query(&self, fields: &[(Field, f32)], term: &str) -> Box<dyn Query> {
        // A term that is not in the index is asked as a token no term has
        // (`~` is not a token digit), so it matches nothing.
        let token = self.terms.binary_search_by(|t| t.as_str().cmp(term)).map_or_else(|_| "~".to_string(), |i| token(i as u32));
        let clauses: Vec<(Occur, Box<dyn Query>)> = fields
            .iter()
            .map(|(f, boost)| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(Term::from_field_text(*f, &token), IndexRecordOption::WithFreqs));
                (Occur::Should, Box::new(BoostQuery::new(q, *boost)) as Box<dyn Query>)
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    fn run(&self, query: &dyn Query, limit: usize) -> tantivy::Result<Vec<(f32, usize)>> {
        let searcher = self.tantivy()?.reader.searcher();
        let top = searcher.search(query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let ids = searcher.segment_readers().iter().map(|s| s.fast_fields().u64("id")).collect::<tantivy::Result<Vec<_>>>()?;
        Ok(top.into_iter().map(|(score, a)| (score, ids[a.segment_ord as usize].first(a.doc_id).unwrap_or(0) as usize)).collect())
    }

    /// Every term's score in every section that has it, read straight from
    /// the tantivy index's postings and weighed with the searcher's own BM25
    /// statistics: what [`SearchIndex::postings`] must equal bit for bit
    /// (only for an index built for [`Purpose::Queries`]).
    pub fn tantivy_postings(&self) -> tantivy::Result<BTreeMap<String, Postings>> {
        let tantivy = self.tantivy()?;
        let searcher = tantivy.reader.searcher();
        let mut segments = Vec::new();
        for seg in searcher.segment_readers() {
            let ids = seg.fast_fields().u64("id")?;
            let per_field = tantivy
                .fields
                .iter()
                .map(|(f, _)| Ok((seg.inverted_index(*f)?, seg.get_fieldnorms_reader(*f)?)))
                .collect::<tantivy::Result<Vec<_>>>()?;
            segments.push((ids, per_field));
        }
        let mut scored = BTreeMap::new();
        for (id, text) in self.terms.iter().enumerate() {
            let token = token(id as u32);
            let mut hits: Postings = Vec::new();
            for (k, (field, boost)) in tantivy.fields.iter().enumerate() {
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
            if !hits.is_empty() {
                scored.insert(text.clone(), hits);
            }
        }
        Ok(scored)
    }

    /// Index terms answering a query word (see `expand`).
    pub fn expand(&self, word: &str, stem: &str) -> Vec<(String, f32)> {
        expand::expand(&self.postings, Vec::len, word, stem)
    }

    /// Ranks pages for `query` with tantivy: every query word must match (through
    /// any of its expansions); if none does, any word may. Best section per page.
    pub fn search(&self, query: &str, limit: usize) -> tantivy::Result<Vec<Hit>> {
        let fields = &self.tantivy()?.fields;
        let mut analyzer = analyze::analyzer();
        let words: Vec<Vec<(String, f32)>> = analyze::words(&mut analyzer, query).iter().map(|(w, s)| self.expand(w, s)).collect();
        let build = |occur: Occur| -> Box<dyn Query> {
            let clauses = words
                .iter()
                .filter(|exp| !exp.is_empty())
                .map(|exp| {
                    let inner: Vec<(Occur, Box<dyn Query>)> = exp
                        .iter()
                        .map(|(t, w)| (Occur::Should, Box::new(BoostQuery::new(self.term_query(fields, t), *w)) as Box<dyn Query>))
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
    fn term_ranges_share_the_occurrences_not_the_terms() {
        let counted = |terms: &[u32]| Counted { terms: terms.iter().map(|&t| (t, 1)).collect(), len: terms.len() as u32 };
        // Terms 0–89 occur once in all; terms 90–99 in every one of 100 sections.
        let rare: Vec<Counted> = (0..90).map(|t| counted(&[t])).collect();
        let common = counted(&(90..100).collect::<Vec<_>>());
        let sections: Vec<[&Counted; FIELDS]> =
            (0..100).map(|i| [rare.get(i).unwrap_or(&common), &common, &common, &common, &common, &common]).collect();
        let bounds = balanced_ranges(100, 2, &sections);
        // 90 + 5 × 100 × 10 occurrences: the first range takes nearly all terms, the second a few of the common ones.
        assert_eq!(bounds.len(), 3, "{bounds:?}");
        assert!(bounds[0] == 0 && bounds[1] > 90 && bounds[1] < 100 && bounds[2] == 100, "{bounds:?}");
        // Never an empty range, however few the terms; everything is covered.
        let one = counted(&[0]);
        assert_eq!(balanced_ranges(1, 4, &[[&one; FIELDS]]), [0, 1]);
        assert_eq!(balanced_ranges(0, 2, &[]), [0, 0]);
        assert_eq!(balanced_ranges(5, 8, &[]), [0, 5]);
    }

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

    /// A deterministic corpus: pages with a title and metadata, sections of
    /// very different lengths (field norms far past tantivy's exact range),
    /// repeated words, compounds, empty headings and texts.
    fn corpus() -> (Vec<PageMeta>, Vec<String>, Vec<Vec<TextSection>>) {
        let words = [
            "perhekeskus",
            "perhekeskuksen",
            "verkosto",
            "perhekeskusverkosto",
            "johtaminen",
            "verkostojohtaminen",
            "Kotoutuminen",
            "kotoutumisen",
            "tuki",
            "tuen",
            "lapsi",
            "lapsen",
            "lapsiperhe",
            "palvelu",
            "palvelut",
            "neuvola",
            "äitiysneuvola",
            "työpaja",
            "koordinaatio",
            "Tampere",
            "2024",
            "ohjausryhmä",
            "ryhmä",
            "kasvatus",
            "kasvatuksen",
            "perheiden",
        ];
        let mut seed = 12_345u64;
        let mut next = move |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        };
        let text = |len: usize, next: &mut dyn FnMut(usize) -> usize| -> String {
            (0..len).map(|_| words[next(words.len())]).collect::<Vec<_>>().join(" ")
        };
        let (mut metas, mut meta_texts, mut sections) = (Vec::new(), Vec::new(), Vec::new());
        for p in 0..700 {
            let title_len = 1 + next(4);
            metas.push(PageMeta {
                title: text(title_len, &mut next),
                url: format!("/p{p}/"),
                section: String::new(),
                description: None,
                phase: None,
                topics: Vec::new(),
                funder: None,
                region: None,
            });
            let meta_len = next(12);
            meta_texts.push(text(meta_len, &mut next));
            let count = 1 + next(8);
            let mut own = Vec::new();
            for s in 0..count {
                let heading_len = next(4);
                // Mostly short sections, some of hundreds or thousands of words.
                let body_len = match next(10) {
                    0 => 0,
                    1 => 300 + next(3_000),
                    _ => next(120),
                };
                own.push(TextSection { anchor: format!("s{s}"), heading: text(heading_len, &mut next), text: text(body_len, &mut next) });
            }
            sections.push(own);
        }
        (metas, meta_texts, sections)
    }

    #[test]
    fn counted_scores_are_tantivys_bit_for_bit() {
        let (metas, meta_texts, sections) = corpus();
        let inputs: Vec<Input> = metas
            .into_iter()
            .zip(meta_texts)
            .zip(&sections)
            .map(|((meta, meta_text), sections)| Input { page: None, meta, meta_text, sections })
            .collect();
        let docs: usize = sections.iter().map(Vec::len).sum();
        assert!(docs > BATCH, "more than one batch: {docs}");
        let index = SearchIndex::build(&inputs, Counts::default(), Purpose::Queries).unwrap();
        assert!(index.tantivy().unwrap().reader.searcher().segment_readers().len() > 1, "sections spread over segments");
        let from_tantivy = index.tantivy_postings().unwrap();
        assert!(from_tantivy.len() > 20, "{}", from_tantivy.len());
        let bits = |p: &BTreeMap<String, Postings>| -> Vec<(String, Vec<(u32, u32)>)> {
            p.iter().map(|(t, hits)| (t.clone(), hits.iter().map(|(d, s)| (*d, s.to_bits())).collect())).collect()
        };
        assert_eq!(bits(&index.postings), bits(&from_tantivy));
        // The export's index has the same scores and no tantivy index.
        let export = SearchIndex::build(&inputs, Counts::default(), Purpose::Export).unwrap();
        assert_eq!(bits(&export.postings), bits(&from_tantivy));
        assert!(export.search("verkosto", 3).is_err() && export.docs.iter().all(|d| d.text.is_empty()));
        assert!(!index.search("verkosto", 3).unwrap().is_empty());
    }

    #[test]
    fn sections_counted_ahead_score_as_counted_at_build() {
        let (metas, meta_texts, sections) = corpus();
        fn inputs<'a>(metas: &[PageMeta], texts: &[String], sections: &'a [Vec<TextSection>]) -> Vec<Input<'a>> {
            metas
                .iter()
                .zip(texts)
                .zip(sections)
                .map(|((m, t), s)| Input { page: None, meta: m.clone(), meta_text: t.clone(), sections: s })
                .collect()
        }
        let inputs = |sections| inputs(&metas, &meta_texts, sections);
        let whole = SearchIndex::build(&inputs(&sections), Counts::default(), Purpose::Export).unwrap();
        // Every other input counted ahead, in batches of three, its texts then
        // freed, as the build's pass does; one with a count that does not fit
        // its sections (counted again at build: it keeps its texts).
        let mut counts = Counts::default();
        counts.inputs.resize_with(sections.len(), Vec::new);
        let mut freed = sections.clone();
        let ahead: Vec<usize> = (0..sections.len()).step_by(2).collect();
        for batch in ahead.chunks(3) {
            let of: Vec<&[TextSection]> = batch.iter().map(|&i| sections[i].as_slice()).collect();
            for (&i, counted) in batch.iter().zip(count_sections(&mut counts.counter, &of)) {
                counts.inputs[i] = counted;
                freed[i].iter_mut().for_each(|s| s.text = String::new());
            }
        }
        let twice = [sections[1].clone(), sections[1].clone()].concat();
        counts.inputs[1] = count_sections(&mut counts.counter, &[&twice]).remove(0);
        let ahead_index = SearchIndex::build(&inputs(&freed), counts, Purpose::Export).unwrap();
        let bits = |p: &BTreeMap<String, Postings>| -> Vec<(String, Vec<(u32, u32)>)> {
            p.iter().map(|(t, hits)| (t.clone(), hits.iter().map(|(d, s)| (*d, s.to_bits())).collect())).collect()
        };
        assert!(whole.postings.len() > 20);
        assert_eq!(bits(&ahead_index.postings), bits(&whole.postings));
        // Without the counts, the freed texts would be missing from the index.
        let blind = SearchIndex::build(&inputs(&freed), Counts::default(), Purpose::Export).unwrap();
        assert_ne!(bits(&blind.postings), bits(&whole.postings));
    }
}
