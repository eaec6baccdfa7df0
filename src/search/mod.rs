//! Running a query: parse → plan → tantivy → stored fields → snippets.

pub mod snippet;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::schema::{Field, Value};
use tantivy::{IndexReader, TantivyDocument};

use crate::index::{store, IndexHandle};
use crate::query::{self, plan, ParsedQuery};
use snippet::Snippet;

/// Snippets shown per hit.
pub const SNIPPETS_PER_HIT: usize = 3;

#[derive(Clone, Debug)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
}

/// How the hits matched: every term exactly, or (fallback) all jieba words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchMode {
    Exact,
    Loose,
}

#[derive(Debug, Serialize)]
pub struct SearchResponse {
    pub query: String,
    /// Filters applied, by name (`year`), each a list of values (any of them).
    pub filters: BTreeMap<String, Vec<String>>,
    #[serde(rename = "match")]
    pub match_mode: MatchMode,
    /// What was highlighted: the normalized terms (or, for a loose match, words).
    pub terms: Vec<String>,
    pub total: usize,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
}

#[derive(Debug, Serialize)]
pub struct Hit {
    pub id: String,
    pub path: String,
    pub title: Option<String>,
    pub unit: Option<String>,
    pub unit_type: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
    pub township: Option<String>,
    pub level: Option<String>,
    pub year: Option<i64>,
    pub publish_date: Option<String>,
    pub score: f32,
    pub snippets: Vec<Snippet>,
}

/// An open index, ready for queries.
pub struct Engine {
    handle: IndexHandle,
    reader: IndexReader,
}

impl Engine {
    pub fn open(dir: &Path) -> Result<Engine> {
        let handle = IndexHandle::open(dir)?;
        let reader = handle.reader()?;
        Ok(Engine { handle, reader })
    }

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        let start = Instant::now();
        let parsed = query::parse(&request.query)?;
        // No page can reach past the number of documents: keeps collectors small.
        store::guard(&self.handle.dir, || self.run(request, parsed, start))
    }

    fn run(&self, request: &SearchRequest, parsed: ParsedQuery, start: Instant) -> Result<SearchResponse> {
        let (f, ranking) = (&self.handle.fields, &self.handle.ranking);
        let searcher = self.reader.searcher();
        let docs = searcher.num_docs() as usize;
        let (limit, offset) = (request.limit.min(docs), request.offset.min(docs));
        let run = |plan: &plan::Plan| -> Result<(usize, Vec<(f32, tantivy::DocAddress)>)> {
            if limit == 0 {
                return Ok((searcher.search(plan.query.as_ref(), &Count)?, Vec::new()));
            }
            let top = TopDocs::with_limit(limit).and_offset(offset).order_by_score();
            Ok(searcher.search(plan.query.as_ref(), &(Count, top))?)
        };
        let mut plan = plan::exact(&parsed, f, ranking);
        let mut match_mode = MatchMode::Exact;
        let (mut total, mut top) = run(&plan).context("检索失败")?;
        if total == 0 {
            if let Some(loose) = plan::loose(&parsed, f, ranking) {
                (total, top) = run(&loose).context("检索失败")?;
                plan = loose;
                match_mode = MatchMode::Loose;
            }
        }
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address).context("读取文档失败")?;
            hits.push(self.hit(&doc, score, &plan.highlight));
        }
        Ok(SearchResponse {
            query: request.query.clone(),
            filters: filters(&parsed),
            match_mode,
            terms: plan.highlight.clone(),
            total,
            took_ms: (start.elapsed().as_secs_f64() * 1e5).round() / 100.0,
            hits,
        })
    }

    fn hit(&self, doc: &TantivyDocument, score: f32, highlight: &[String]) -> Hit {
        let f = &self.handle.fields;
        let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
        let body = text(f.body).unwrap_or_default();
        Hit {
            id: text(f.id).unwrap_or_default(),
            path: text(f.path).unwrap_or_default(),
            title: text(f.title),
            unit: text(f.unit),
            unit_type: text(f.unit_type),
            province: text(f.province),
            city: text(f.city),
            county: text(f.county),
            township: text(f.township),
            level: text(f.level),
            year: doc.get_first(f.year).and_then(|v| v.as_i64()),
            publish_date: text(f.publish_date),
            score,
            snippets: snippet::snippets(&body, highlight, SNIPPETS_PER_HIT),
        }
    }
}

fn filters(q: &ParsedQuery) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    if !q.years.is_empty() {
        out.insert("year".to_string(), q.years.iter().map(i64::to_string).collect());
    }
    out
}
