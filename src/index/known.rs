//! What an index already holds, read from fast fields (no stored bodies):
//! each file's facts, which entries are reposts, and what a new report
//! must be compared with to be recognised as a repost.

use std::collections::HashMap;

use anyhow::Result;
use tantivy::Searcher;

/// An entry of the index: a report, or a repost of one (one line of a
/// JSONL file counts as one).
pub struct Known {
    pub hash: u64,
    /// The report id, or for a repost the id of the report it repeats.
    pub id: String,
    pub duplicate: bool,
}

/// A file whose entries are all committed: its facts when it was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileRecord {
    pub mtime: u64,
    pub size: u64,
    /// Entries (reports and reposts) read from it.
    pub entries: usize,
}

/// Reports by id and by repost key, and the reposts of each report.
#[derive(Default)]
pub struct Reports {
    /// Report id → its index key (path).
    by_id: HashMap<String, String>,
    /// Repost key (title, unit, year) → (simhash, report id).
    by_key: HashMap<u64, Vec<(u64, String)>>,
    key_of: HashMap<String, u64>,
    /// Report id → paths of its reposts.
    pub reposts: HashMap<String, Vec<String>>,
}

/// SimHash bits two reposts of one report may differ in (same title, unit
/// and year are required as well). About 90% of sentences in common.
const MAX_DISTANCE: u32 = 10;

impl Reports {
    pub fn add(&mut self, id: &str, path: &str, key: Option<u64>, simhash: u64) {
        self.by_id.insert(id.to_string(), path.to_string());
        if let Some(key) = key {
            self.by_key.entry(key).or_default().push((simhash, id.to_string()));
            self.key_of.insert(id.to_string(), key);
        }
    }

    pub fn remove(&mut self, id: &str) {
        self.by_id.remove(id);
        if let Some(entries) = self.key_of.remove(id).and_then(|key| self.by_key.get_mut(&key)) {
            entries.retain(|(_, other)| other != id);
        }
    }

    /// The report that `id`'s text repeats (identical after normalization,
    /// or near-identical with the same title, unit and year), not counting
    /// the entry at `path` itself.
    pub fn original_of(&self, id: &str, path: &str, key: Option<u64>, simhash: u64) -> Option<String> {
        if self.by_id.get(id).is_some_and(|p| p != path) {
            return Some(id.to_string());
        }
        let candidates = self.by_key.get(&key?)?;
        candidates
            .iter()
            .filter(|(h, other)| {
                (h ^ simhash).count_ones() <= MAX_DISTANCE && self.by_id.get(other).is_some_and(|p| p != path)
            })
            .min_by_key(|(h, _)| (h ^ simhash).count_ones())
            .map(|(_, other)| other.clone())
    }
}

/// What an index holds, as an indexing run needs it.
pub struct Holdings {
    /// Every entry by key.
    pub known: HashMap<String, Known>,
    pub reports: Reports,
    /// Every file record by file key.
    pub files: HashMap<String, FileRecord>,
}

/// Every entry of the index by path, the reports among them, and every
/// file record by file.
pub fn load(searcher: &Searcher) -> Result<Holdings> {
    let mut known = HashMap::new();
    let mut reports = Reports::default();
    let mut files = HashMap::new();
    for segment in searcher.segment_readers() {
        let ff = segment.fast_fields();
        let (paths, ids, dups, file_keys) = (ff.str("path")?, ff.str("id")?, ff.str("duplicate_of")?, ff.str("file")?);
        let (mtimes, sizes, hashes) = (ff.u64("file_mtime")?, ff.u64("file_size")?, ff.u64("content_hash")?);
        let (keys, simhashes, entries) = (ff.u64("dedupe_key")?, ff.u64("simhash")?, ff.u64("file_entries")?);
        let text = |column: &Option<tantivy::columnar::StrColumn>, doc| -> Result<Option<String>> {
            let Some(column) = column else { return Ok(None) };
            let Some(ord) = column.term_ords(doc).next() else { return Ok(None) };
            let mut out = String::new();
            column.ord_to_str(ord, &mut out)?;
            Ok(Some(out))
        };
        for doc in segment.doc_ids_alive() {
            if let Some(file) = text(&file_keys, doc)? {
                let record = FileRecord {
                    mtime: mtimes.first(doc).unwrap_or(0),
                    size: sizes.first(doc).unwrap_or(0),
                    entries: entries.first(doc).unwrap_or(0) as usize,
                };
                files.insert(file, record);
                continue;
            }
            let Some(path) = text(&paths, doc)? else { continue };
            let (id, duplicate) = match text(&dups, doc)? {
                Some(of) => {
                    reports.reposts.entry(of.clone()).or_default().push(path.clone());
                    (of, true)
                }
                None => {
                    let id = text(&ids, doc)?.unwrap_or_default();
                    reports.add(&id, &path, keys.first(doc), simhashes.first(doc).unwrap_or(0));
                    (id, false)
                }
            };
            known.insert(path, Known { hash: hashes.first(doc).unwrap_or(0), id, duplicate });
        }
    }
    Ok(Holdings { known, reports, files })
}
