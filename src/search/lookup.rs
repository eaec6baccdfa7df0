//! One report by id (`fazhi show`) and the index at a glance (`fazhi stats`).

use std::path::Path;

use anyhow::Result;
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::Term;

use super::counts::{buckets, Bucket, Counter};
use super::{Engine, Hit};
use crate::index::store;

/// A whole report: its metadata (as in search hits, with the confidence and
/// evidence of each field) and its cleaned text.
#[derive(Debug, Serialize)]
pub struct Report {
    #[serde(flatten)]
    pub hit: Hit,
    pub confidence: serde_json::Value,
    pub evidence: serde_json::Value,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct Stats {
    pub index: String,
    /// The demo index of the bundled reports, built on first use.
    pub demo: bool,
    pub documents: u64,
    /// Reposts folded into the reports they repeat.
    pub duplicates: u64,
    pub segments: usize,
    pub size_bytes: u64,
    pub fingerprint: String,
    /// Reports lacking each field.
    pub missing: Missing,
    pub by_level: Vec<Bucket>,
    pub by_year: Vec<Bucket>,
}

#[derive(Debug, Serialize)]
pub struct Missing {
    pub year: u64,
    pub province: u64,
    pub level: u64,
}

impl Engine {
    /// The report with this id, if the index holds it.
    pub fn report(&self, id: &str) -> Result<Option<Report>> {
        store::reading(&self.handle.dir, || {
            let f = &self.handle.fields;
            let searcher = self.reader.searcher();
            let query = TermQuery::new(Term::from_field_text(f.id, id.trim()), IndexRecordOption::Basic);
            let Some((_, address)) = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?.pop() else {
                return Ok(None);
            };
            let doc = crate::index::doc_check::read(&self.handle, &searcher, address)?;
            let text = doc.get_first(f.body).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            let provenance = super::provenance(&doc, f);
            Ok(Some(Report {
                hit: self.hit(&searcher, &doc, None, &super::snippet::Highlighter::new(&[]))?,
                confidence: provenance["confidence"].clone(),
                evidence: provenance["evidence"].clone(),
                text,
            }))
        })
    }

    pub fn stats(&self) -> Result<Stats> {
        store::reading(&self.handle.dir, || {
            let searcher = self.reader.searcher();
            let f = &self.handle.fields;
            let (documents, tally) = searcher.search(&f.every_report(), &(Count, Counter::default()))?;
            let duplicates = searcher.search(&f.every_repost(), &Count)? as u64;
            let by_level = buckets(&tally.level);
            let by_year = super::counts::year_buckets(&tally.year, &[]);
            let unknown = |b: &[Bucket]| b.iter().find(|b| b.value.is_none()).map_or(0, |b| b.count);
            Ok(Stats {
                index: self.handle.dir.display().to_string(),
                demo: self.is_demo(),
                documents: documents as u64,
                duplicates,
                segments: searcher.segment_readers().len(),
                size_bytes: dir_size(&self.handle.generation),
                fingerprint: store::fingerprint(),
                missing: Missing {
                    year: unknown(&by_year),
                    province: unknown(&buckets(&tally.region)),
                    level: unknown(&by_level),
                },
                by_level,
                by_year,
            })
        })
    }
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.flatten().filter_map(|e| e.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum()
        })
        .unwrap_or(0)
}
