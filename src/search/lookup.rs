//! One report by id (`fazhi show`) and the index at a glance (`fazhi stats`).

use std::path::Path;

use anyhow::Result;
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::Term;

use super::counts::{buckets, Bucket, Counter};
use super::{Hit, Snapshot};
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
    /// With `show --highlight`: the terms marked (normalized, compact) …
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<String>,
    /// … and where they are in `text`: char ranges `[start, end)`, sorted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub highlights: Option<Vec<[usize; 2]>>,
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

/// Shortest id prefix `show` takes: 6 hex digits leave few collisions
/// in a million reports.
pub const MIN_PREFIX: usize = 6;

/// What a `show` key names.
pub enum Found {
    One(Box<Report>),
    None,
    /// An id prefix several reports share: their ids and titles.
    Several(Vec<(String, Option<String>)>),
}

impl Snapshot {
    /// The report a key names: a whole id, a unique id prefix of at least
    /// [`MIN_PREFIX`] hex digits, or a path the index holds (as indexed,
    /// or a file on disk that resolves to it).
    pub fn find_report(&self, key: &str) -> Result<Found> {
        let key = key.trim();
        let is_hex = !key.is_empty() && key.len() <= 16 && key.bytes().all(|b| b.is_ascii_hexdigit());
        if is_hex && key.len() >= MIN_PREFIX {
            let ids = self.ids_starting(&key.to_ascii_lowercase())?;
            match ids.as_slice() {
                [] => {}
                [only] => return Ok(self.report(only)?.map_or(Found::None, |r| Found::One(Box::new(r)))),
                _ => {
                    let mut several = Vec::new();
                    for id in ids.iter().take(10) {
                        several.push((
                            id.clone(),
                            self.report(id)?
                                .and_then(|r| r.hit.meta.text(crate::meta::Field::Title).map(str::to_string)),
                        ));
                    }
                    return Ok(Found::Several(several));
                }
            }
        }
        let on_disk = std::fs::canonicalize(key).ok().map(|p| p.display().to_string());
        for path in std::iter::once(key.to_string()).chain(on_disk) {
            if let Some(report) = self.report_where(self.handle.fields.path, &path)? {
                return Ok(Found::One(Box::new(report)));
            }
        }
        Ok(Found::None)
    }

    /// Ids of live reports that start with `prefix`, sorted.
    fn ids_starting(&self, prefix: &str) -> Result<Vec<String>> {
        store::reading(&self.handle.dir, || {
            let f = &self.handle.fields;
            let searcher = self.reader.searcher();
            let mut candidates = std::collections::BTreeSet::new();
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(f.id)?;
                let mut terms = inverted.terms().range().ge(prefix.as_bytes()).into_stream()?;
                while terms.advance() && terms.key().starts_with(prefix.as_bytes()) {
                    candidates.insert(String::from_utf8_lossy(terms.key()).into_owned());
                }
            }
            // The term dictionary keeps the ids of replaced reports too.
            let mut live = Vec::new();
            for id in candidates {
                if searcher.search(&report_with(f, f.id, &id), &Count)? > 0 {
                    live.push(id);
                }
            }
            Ok(live)
        })
    }

    /// The report with this id, if the index holds it.
    pub fn report(&self, id: &str) -> Result<Option<Report>> {
        self.report_where(self.handle.fields.id, id.trim())
    }

    /// The report whose raw text field `field` is `value`.
    fn report_where(&self, field: tantivy::schema::Field, value: &str) -> Result<Option<Report>> {
        store::reading(&self.handle.dir, || {
            let f = &self.handle.fields;
            let searcher = self.reader.searcher();
            let query = report_with(f, field, value);
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
                terms: Vec::new(),
                highlights: None,
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

/// Reports (not reposts) whose raw text field `field` is `value`.
fn report_with(f: &crate::index::Fields, field: tantivy::schema::Field, value: &str) -> BooleanQuery {
    BooleanQuery::new(vec![
        (Occur::Must, Box::new(f.every_report()) as Box<dyn Query>),
        (Occur::Must, Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))),
    ])
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.flatten().filter_map(|e| e.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum()
        })
        .unwrap_or(0)
}
