//! The search index: one tantivy document per page *section* (split at H2 and
//! H3, so hits can link to `page/#anchor`), with the page title, section
//! heading, body, compound parts and metadata as separately boosted fields.
//!
//! tantivy does the analysis (see `analyze`) and all scoring: for every term
//! the per-document BM25 score of the query "this term in any field" is taken
//! from tantivy once, at build time. The static export ships those scores, so
//! the browser ranks by summing them exactly as tantivy's Boolean query does
//! for `handbook search`.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{doc, Index, IndexReader, TantivyDocument, Term};

use super::analyze::{self, MIN_PART};
use crate::content::front_matter::PageKind;
use crate::content::Library;
use crate::markdown::Rendered;

/// Field boosts: titles and headings weigh more than body text.
const BOOSTS: [(&str, f32); 5] = [("title", 3.0), ("heading", 2.0), ("meta", 1.5), ("body", 1.0), ("parts", 0.5)];

/// A term's postings: (doc, tantivy score), docs ascending.
pub type Postings = Vec<(u32, f32)>;

/// What a result shows about its page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PageMeta {
    pub title: String,
    pub url: String,
    pub section: String,
    pub phase: Option<String>,
    pub topics: Vec<String>,
    pub funder: Option<String>,
    pub region: Option<String>,
}

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
    index: Index,
    reader: IndexReader,
    fields: Vec<(Field, f32)>,
    id: Field,
}

/// A ranked page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub page: usize,
    pub doc: usize,
    pub score: f32,
}

fn sections(body: &str, anchors: &[String]) -> Vec<(String, String, String)> {
    let mut out = vec![(String::new(), String::new(), String::new())];
    let mut heading_no = 0;
    let mut in_heading: Option<u8> = None;
    let mut heading_text = String::new();
    for e in Parser::new_ext(body, crate::markdown::options()) {
        match e {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some(level as u8);
                heading_text.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                let anchor = anchors.get(heading_no).cloned().unwrap_or_default();
                heading_no += 1;
                match in_heading.take() {
                    Some(2 | 3) => out.push((anchor, heading_text.trim().to_string(), String::new())),
                    _ => {
                        let last = out.last_mut().expect("never empty");
                        last.2.push_str(&heading_text);
                        last.2.push('\n');
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if in_heading.is_some() {
                    heading_text.push_str(&t);
                } else {
                    out.last_mut().expect("never empty").2.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => out.last_mut().expect("never empty").2.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock) => {
                out.last_mut().expect("never empty").2.push('\n')
            }
            _ => {}
        }
    }
    out.retain(|(a, h, t)| !(a.is_empty() && h.is_empty() && t.trim().is_empty()));
    out
}

impl SearchIndex {
    /// Indexes every page of the library (drafts are only there in `--drafts` builds).
    pub fn build(
        lib: &Library,
        rendered: &[Rendered],
        url: &dyn Fn(&str) -> String,
        phase_label: &dyn Fn(&str) -> Option<String>,
    ) -> tantivy::Result<SearchIndex> {
        let mut pages = Vec::new();
        let mut docs = Vec::new();
        for p in &lib.pages {
            let meta = &p.front.model;
            pages.push(PageMeta {
                title: p.front.title.clone(),
                url: url(&p.path),
                section: lib.section(p.section).front.title.clone(),
                phase: if p.kind == PageKind::Model { meta.phase.as_deref().and_then(phase_label) } else { None },
                topics: p.front.topics.clone(),
                funder: meta.funder.clone(),
                region: meta.region.clone(),
            });
            for (anchor, heading, text) in sections(p.body(), &rendered[p.id.0].anchors) {
                docs.push(Doc { page: pages.len() - 1, anchor, heading, text });
            }
        }
        // Analysis is the costly part of indexing: in parallel, one analyzer per thread.
        let per_doc: Vec<[Vec<String>; 4]> = docs
            .par_iter()
            .map_init(analyze::analyzer, |analyzer, d| {
                let page = &lib.pages[d.page];
                let m = &page.front.model;
                let partners: Vec<String> =
                    m.partners.iter().flat_map(|g| std::iter::once(g.group.clone()).chain(g.members.iter().cloned())).collect();
                let meta_text = [
                    page.front.description.clone().unwrap_or_default(),
                    page.front.topics.join(" "),
                    m.authors.join(" "),
                    m.funder.clone().unwrap_or_default(),
                    m.location.clone().unwrap_or_default(),
                    m.region.clone().unwrap_or_default(),
                    m.contact.clone().unwrap_or_default(),
                    partners.join(" "),
                ]
                .join(" ");
                [
                    analyze::terms(analyzer, &page.front.title),
                    analyze::terms(analyzer, &d.heading),
                    analyze::terms(analyzer, &meta_text),
                    analyze::terms(analyzer, &d.text),
                ]
            })
            .collect();
        // Hash sets: the words are collected from every occurrence (hundreds of thousands).
        let vocabulary: HashSet<String> = per_doc.iter().flatten().flatten().filter(|t| t.chars().count() >= MIN_PART).cloned().collect();

        let mut sb = Schema::builder();
        let opts = TextOptions::default()
            .set_indexing_options(TextFieldIndexing::default().set_tokenizer("ws").set_index_option(IndexRecordOption::WithFreqs));
        let fields: Vec<(Field, f32)> = BOOSTS.iter().map(|(name, boost)| (sb.add_text_field(name, opts.clone()), *boost)).collect();
        let id = sb.add_u64_field("id", STORED);
        let index = Index::create_in_ram(sb.build());
        index.tokenizers().register("ws", TextAnalyzer::builder(WhitespaceTokenizer::default()).build());
        let mut writer = index.writer_with_num_threads(1, 50_000_000)?;
        // Compound parts per distinct word: a word recurs thousands of times.
        let mut parts_cache: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
        for (i, [title, heading, meta, body]) in per_doc.iter().enumerate() {
            let parts: Vec<String> = title
                .iter()
                .chain(heading)
                .chain(body)
                .flat_map(|w| parts_cache.entry(w.clone()).or_insert_with(|| analyze::parts(w, &vocabulary)).clone())
                .collect();
            writer.add_document(doc!(
                fields[0].0 => title.join(" "),
                fields[1].0 => heading.join(" "),
                fields[2].0 => meta.join(" "),
                fields[3].0 => body.join(" "),
                fields[4].0 => parts.join(" "),
                id => i as u64,
            ))?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        let mut this = SearchIndex { pages, docs, postings: BTreeMap::new(), index, reader, fields, id };
        this.postings = this.score_every_term(&per_doc, &vocabulary)?;
        Ok(this)
    }

    /// "This term in any field" as a tantivy query, boosted per field.
    fn term_query(&self, term: &str) -> Box<dyn Query> {
        let clauses: Vec<(Occur, Box<dyn Query>)> = self
            .fields
            .iter()
            .map(|(f, boost)| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(Term::from_field_text(*f, term), IndexRecordOption::WithFreqs));
                (Occur::Should, Box::new(BoostQuery::new(q, *boost)) as Box<dyn Query>)
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    fn run(&self, query: &dyn Query, limit: usize) -> tantivy::Result<Vec<(f32, usize)>> {
        let searcher = self.reader.searcher();
        let top = searcher.search(query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        // One segment (one writer thread, one commit): the doc id is the insertion
        // order, so the stored id need not be read for every hit.
        let single = searcher.segment_readers().len() == 1;
        top.into_iter()
            .map(|(score, addr)| {
                if single {
                    return Ok((score, addr.doc_id as usize));
                }
                let d: TantivyDocument = searcher.doc(addr)?;
                let id = d.get_first(self.id).and_then(|v| v.as_u64()).unwrap_or(0) as usize;
                Ok((score, id))
            })
            .collect()
    }

    fn score_every_term(&self, per_doc: &[[Vec<String>; 4]], vocabulary: &HashSet<String>) -> tantivy::Result<BTreeMap<String, Postings>> {
        let mut all: HashSet<&String> = per_doc.iter().flatten().flatten().collect();
        all.extend(vocabulary.iter());
        let mut all: Vec<&String> = all.into_iter().collect();
        all.sort_unstable();
        let searcher = self.reader.searcher();
        // Terms are scored independently: in parallel, then collected in order.
        // The collector is sized by the term's document frequency, not the corpus.
        let scored: Vec<(String, Postings)> = all
            .par_iter()
            .map(|term| {
                let mut df = 0u64;
                for (f, _) in &self.fields {
                    df += searcher.doc_freq(&Term::from_field_text(*f, term))?;
                }
                if df == 0 {
                    return Ok(((*term).clone(), Vec::new()));
                }
                let limit = (df as usize).min(self.docs.len());
                let mut hits: Vec<(u32, f32)> =
                    self.run(self.term_query(term).as_ref(), limit)?.into_iter().map(|(s, d)| (d as u32, s)).collect();
                hits.sort_by_key(|h| h.0);
                Ok(((*term).clone(), hits))
            })
            .collect::<tantivy::Result<_>>()?;
        Ok(scored.into_iter().filter(|(_, hits)| !hits.is_empty()).collect())
    }

    /// Index terms answering a query stem, with their weights (see `analyze::matches`).
    pub fn expand(&self, stem: &str) -> Vec<(String, f32)> {
        let prefix: String = stem.chars().take(3).collect();
        self.postings
            .range(prefix.clone()..)
            .take_while(|(t, _)| t.starts_with(&prefix))
            .filter_map(|(t, _)| analyze::matches(stem, t).map(|w| (t.clone(), w)))
            .collect()
    }

    /// Ranks pages for `query` with tantivy: every query word must match (through
    /// any of its expansions); if none does, any word may. Best section per page.
    pub fn search(&self, query: &str, limit: usize) -> tantivy::Result<Vec<Hit>> {
        let mut analyzer = analyze::analyzer();
        let words: Vec<Vec<(String, f32)>> = analyze::terms(&mut analyzer, query).iter().map(|q| self.expand(q)).collect();
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
        analyze::terms(&mut analyzer, query).iter().flat_map(|q| self.expand(q)).map(|(t, _)| t).collect()
    }

    pub fn index(&self) -> &Index {
        &self.index
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
