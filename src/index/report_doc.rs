//! One report as it is written to the index: text, normalized text,
//! metadata, and the fingerprints that decide re-indexing and reposts.

use std::collections::BTreeMap;

use anyhow::Result;
use tantivy::schema::{Facet, Value as _};
use tantivy::TantivyDocument;

use super::terms::encode;
use super::Fields;
use crate::analyze::folding::Folding;
use crate::analyze::{compact, folds, is_word_char, key, normalize};
use crate::meta::dates::date_key;
use crate::meta::{Field, Kind, Metadata, Overrides, Value, Values};

/// The `kind` of an indexed report.
pub const REPORT: &str = "report";
/// The `kind` of a repost: only its path and file facts are kept.
pub const DUPLICATE: &str = "duplicate";

/// The `kind` of a file's record.
pub const FILE: &str = "file";

/// A file's record: written after all of the file's entries (see `build`).
pub fn file_record(f: &Fields, file: &str, record: &super::known::FileRecord) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(f.kind, FILE);
    doc.add_text(f.file, file);
    doc.add_u64(f.file_mtime, record.mtime);
    doc.add_u64(f.file_size, record.size);
    doc.add_u64(f.file_entries, record.entries as u64);
    doc
}

/// One report ready to be written.
pub struct ReportDoc {
    /// The index key: the file's canonical path (plus `#N` for one line of a JSONL file).
    pub path: String,
    pub mtime: u64,
    pub size: u64,
    pub text: String,
    pub normalized: String,
    /// Fingerprint of the normalized text: the report id.
    pub text_hash: u64,
    /// Fingerprint of text, user-supplied metadata and a record's url: decides re-indexing.
    pub hash: u64,
    pub meta: Metadata,
    /// Where a scraped record says it came from (a JSON Lines `url`).
    pub url: Option<String>,
    /// What a repost of the same report shares: title, unit and year (a
    /// title or a unit must be known). `None`: only identical text folds.
    pub dedupe_key: Option<u64>,
    /// SimHash over the report's sentences: reposts that differ by a few
    /// lines of page chrome differ in a few bits.
    pub simhash: u64,
    /// The gram index payload of the body (and of the title, when the body
    /// does not contain it).
    pub grams: Vec<u8>,
    /// The word index payload of the body.
    pub words: Vec<u8>,
}

impl ReportDoc {
    /// A report whose metadata is settled, analyzed for the index: its
    /// fingerprints (`overrides` and `url` count towards re-indexing),
    /// repost keys, grams and words.
    pub fn analyzed(
        path: &str,
        (mtime, size): (u64, u64),
        text: String,
        normalized: String,
        meta: Metadata,
        overrides: &[Overrides],
        url: Option<String>,
    ) -> Result<ReportDoc> {
        let compacted = compact(&normalized);
        let text_hash = xxhash_rust::xxh3::xxh3_64(compacted.as_bytes());
        let mut hash = text_hash;
        if !overrides.is_empty() {
            hash ^= xxhash_rust::xxh3::xxh3_64(serde_json::to_string(overrides)?.as_bytes()).rotate_left(1);
        }
        // A record's url (another --url-field) is rewritten too.
        if let Some(url) = &url {
            hash ^= xxhash_rust::xxh3::xxh3_64(url.as_bytes()).rotate_left(2);
        }
        // Worked out here, on the reading threads, once.
        let (dedupe_key, simhash) = (dedupe_key(&meta.values), simhash(&normalized));
        let title = meta.values.text(Field::Title).map(normalize);
        // A title from elsewhere (a sidecar, a page's <title>) is matched too.
        let grams = match title.filter(|t| !compacted.contains(&compact(t))) {
            Some(title) => encode::grams(&[&title, &normalized]),
            None => encode::grams(&[&normalized]),
        };
        let words = encode::words(&normalized);
        Ok(ReportDoc {
            path: path.to_string(),
            mtime,
            size,
            text,
            normalized,
            text_hash,
            hash,
            meta,
            url,
            dedupe_key,
            simhash,
            grams,
            words,
        })
    }

    /// Report ids: the text's fingerprint, so the same text has the same id
    /// wherever it is indexed.
    pub fn id(&self) -> String {
        format!("{:016x}", self.text_hash)
    }

    /// A repost of report `of`: path and file facts only, nothing to match.
    pub fn into_duplicate(self, f: &Fields, of: &str) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        doc.add_text(f.kind, DUPLICATE);
        doc.add_text(f.duplicate_of, of);
        doc.add_text(f.path, &self.path);
        doc.add_u64(f.file_mtime, self.mtime);
        doc.add_u64(f.file_size, self.size);
        doc.add_u64(f.content_hash, self.hash);
        doc
    }

    pub fn into_tantivy(self, f: &Fields) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        doc.add_text(f.id, self.id());
        doc.add_text(f.kind, REPORT);
        doc.add_text(f.path, &self.path);
        doc.add_u64(f.file_mtime, self.mtime);
        doc.add_u64(f.file_size, self.size);
        doc.add_u64(f.content_hash, self.hash);
        if let Some(key) = self.dedupe_key {
            doc.add_u64(f.dedupe_key, key);
        }
        doc.add_u64(f.simhash, self.simhash);
        let m = &self.meta.values;
        for (field, value) in m.iter() {
            match value {
                Some(Value::Text(text)) => doc.add_text(f.of(field), text),
                Some(Value::Year(year)) => doc.add_i64(f.of(field), *year),
                None => {}
            }
        }
        // What the metadata is searched, faceted and sorted by.
        if let Some(title) = m.text(Field::Title) {
            doc.add_text(f.title_words, normalize(title));
        }
        for (field, value) in [(f.title_key, m.text(Field::Title)), (f.unit_key, m.text(Field::Unit))] {
            let key = value.map(key).unwrap_or_default();
            if !key.is_empty() {
                doc.add_text(field, key);
            }
        }
        doc.add_custom(f.body_words, &self.words);
        doc.add_custom(f.body_grams, &self.grams);
        if let Some(key) = m.text(Field::PublishDate).and_then(date_key) {
            doc.add_i64(f.published, key);
        }
        let region = m.region();
        if !region.is_empty() {
            doc.add_facet(f.region, Facet::from_path(region));
        }
        if let Some(level) = m.text(Field::Level) {
            let path: Vec<&str> = [Some(level), m.text(Field::UnitType)].into_iter().flatten().collect();
            doc.add_facet(f.level_facet, Facet::from_path(path));
        }
        if let Some(kind) = m.text(Field::Type) {
            doc.add_facet(f.type_facet, Facet::from_path([kind]));
        }
        doc.add_u64(f.sure, (self.meta.sureness() * 1000.0).round() as u64);
        let m = &self.meta;
        // Two places as an f64: an f32 0.8 would be stored as 0.800000011920929.
        let confidence: BTreeMap<&str, f64> =
            m.confidence.iter().map(|(name, c)| (name.as_str(), (f64::from(*c) * 100.0).round() / 100.0)).collect();
        let mut provenance = serde_json::json!({"confidence": confidence, "evidence": m.evidence});
        if let Some(url) = &self.url {
            provenance["url"] = url.clone().into();
        }
        doc.add_text(f.metadata, provenance.to_string());
        // What traditional->simplified folding changes (most bodies: nothing
        // or a few chars), so snippets need not fold the whole body again.
        let folds = folds(&self.text, &self.normalized);
        if !folds.is_empty() {
            doc.add_text(f.folds, Folding::encode(&folds));
        }
        doc.add_text(f.body, self.text);
        doc
    }
}

/// The metadata values a report was stored with ([`ReportDoc::into_tantivy`]).
pub fn stored_values(f: &Fields, doc: &TantivyDocument) -> Values {
    let mut values = Values::default();
    for def in &crate::meta::FIELDS {
        let stored = doc.get_first(f.of(def.field));
        let value = match def.kind {
            Kind::Text => stored.and_then(|v| v.as_str()).map(|t| Value::Text(t.to_string())),
            Kind::Year => stored.and_then(|v| v.as_i64()).map(Value::Year),
        };
        values.set(def.field, value);
    }
    values
}

/// The repost key of a report's metadata: title, unit and year.
fn dedupe_key(m: &Values) -> Option<u64> {
    let (title, unit) = (m.text(Field::Title), m.text(Field::Unit));
    if title.is_none() && unit.is_none() {
        return None;
    }
    let text = |v: Option<&str>| v.map(key).unwrap_or_default();
    let key = format!("{}\u{1}{}\u{1}{:?}", text(title), text(unit), m.year());
    Some(xxhash_rust::xxh3::xxh3_64(key.as_bytes()))
}

/// SimHash (Charikar) of the sentences of normalized text, each sentence
/// (word chars only) one feature. Sentences, not character shingles: cheap
/// (a report has ~100), and reposts differ by whole lines.
pub fn simhash(normalized: &str) -> u64 {
    let mut weights = [0i32; 64];
    let mut sentence = String::new();
    let mut add = |sentence: &mut String| {
        if sentence.chars().count() >= 4 {
            let h = xxhash_rust::xxh3::xxh3_64(sentence.as_bytes());
            for (bit, w) in weights.iter_mut().enumerate() {
                *w += if h >> bit & 1 == 1 { 1 } else { -1 };
            }
        }
        sentence.clear();
    };
    for c in normalized.chars() {
        if matches!(c, '。' | '；' | '！' | '？' | '\n' | ';' | '!' | '?') {
            add(&mut sentence);
        } else if is_word_char(c) {
            sentence.push(c);
        }
    }
    add(&mut sentence);
    weights.iter().enumerate().filter(|(_, &w)| w > 0).fold(0, |h, (bit, _)| h | 1 << bit)
}

#[cfg(test)]
mod tests {
    use super::simhash;

    fn report(lines: &[&str]) -> String {
        lines.join("\n")
    }

    #[test]
    fn reposts_differing_by_a_line_are_close_and_other_reports_far() {
        let body: Vec<String> =
            (0..60).map(|i| format!("第{i}项工作稳步推进，取得阶段性成效，群众满意度持续提升。")).collect();
        let mut lines: Vec<&str> = body.iter().map(String::as_str).collect();
        let a = simhash(&report(&lines));
        lines.insert(0, "首页网站地图联系我们");
        lines.push("扫一扫在手机打开当前页");
        let b = simhash(&report(&lines));
        assert!((a ^ b).count_ones() <= 10, "{}", (a ^ b).count_ones());
        let other: Vec<String> = (0..60).map(|i| format!("第{i}条措施落实到位，依法行政水平明显提高。")).collect();
        let c = simhash(&report(&other.iter().map(String::as_str).collect::<Vec<_>>()));
        assert!((a ^ c).count_ones() > 16, "{}", (a ^ c).count_ones());
    }
}
