//! Report metadata worked out from the text, each field with a confidence
//! and a short evidence string, so a user can see why a report was tagged
//! 江西省 (`fazhi extract`).
//!
//! [`opening`] reads the first lines (title, unit, publishing metadata, how
//! the text refers to itself); [`region`] resolves places against the
//! gazetteer; [`year`] finds the covered year and the publish date;
//! [`sidecar`] lets a REPORT.json or a manifest override any field.

pub mod doc_type;
pub mod opening;
pub mod region;
pub mod sidecar;
pub mod year;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analyze::normalize;
use crate::gazetteer;
use crate::ingest::Hints;

/// One extracted value with how sure we are and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Field<T> {
    pub value: Option<T>,
    pub confidence: f32,
    pub evidence: String,
}

impl<T> Default for Field<T> {
    fn default() -> Self {
        Field { value: None, confidence: 0.0, evidence: String::new() }
    }
}

impl<T> Field<T> {
    pub fn new(value: Option<T>, confidence: f32, evidence: String) -> Field<T> {
        Field { value, confidence, evidence }
    }
}

/// A report's metadata. Serialized flat (`"province": "江西省"`), with
/// `confidence` and `evidence` maps keyed by field name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    pub title: Option<String>,
    /// What the document is: one of [`doc_type::TYPES`].
    #[serde(rename = "type", default)]
    pub doc_type: Option<String>,
    pub unit: Option<String>,
    pub unit_type: Option<String>,
    pub level: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
    pub township: Option<String>,
    pub year: Option<i64>,
    pub publish_date: Option<String>,
    #[serde(default)]
    pub confidence: BTreeMap<String, f32>,
    #[serde(default)]
    pub evidence: BTreeMap<String, String>,
}

/// The names of the metadata fields, in output order.
pub const FIELDS: &[&str] =
    &["title", "type", "unit", "unit_type", "level", "province", "city", "county", "township", "year", "publish_date"];

impl Metadata {
    fn set<T: Clone + Into<serde_json::Value>>(&mut self, name: &str, field: Field<T>) {
        self.confidence.insert(name.to_string(), (field.confidence * 100.0).round() / 100.0);
        if !field.evidence.is_empty() {
            self.evidence.insert(name.to_string(), field.evidence);
        }
        let value = field.value.map(Into::into).unwrap_or(serde_json::Value::Null);
        self.set_value(name, value);
    }

    /// Sets one field from JSON; `false` if the name or value type is wrong.
    pub fn set_value(&mut self, name: &str, value: serde_json::Value) -> bool {
        let text = || value.as_str().map(str::to_string);
        let ok_text = value.is_null() || value.is_string();
        match name {
            "title" if ok_text => self.title = text(),
            "type" if value.is_null() || value.as_str().is_some_and(|t| doc_type::TYPES.contains(&t)) => {
                self.doc_type = text()
            }
            "unit" if ok_text => self.unit = text(),
            "unit_type" if ok_text => self.unit_type = text(),
            "level" if ok_text => self.level = text(),
            "province" if ok_text => self.province = text(),
            "city" if ok_text => self.city = text(),
            "county" if ok_text => self.county = text(),
            "township" if ok_text => self.township = text(),
            "publish_date" if ok_text => self.publish_date = text(),
            "year" if value.is_null() || year_of(&value).is_some() => self.year = year_of(&value),
            _ => return false,
        }
        true
    }
}

/// How sure a report's place in a count is: the least confidence of its
/// region (the least of its region fields that have a value), level and
/// year, each 0 when unknown (`--min-confidence`).
pub fn sureness(m: &Metadata) -> f32 {
    let of = |name: &str| m.confidence.get(name).copied().unwrap_or(0.0);
    let region = match &m.province {
        None => 0.0,
        Some(_) => [("province", &m.province), ("city", &m.city), ("county", &m.county), ("township", &m.township)]
            .into_iter()
            .filter(|(_, v)| v.is_some())
            .map(|(name, _)| of(name))
            .fold(1.0, f32::min),
    };
    let level = if m.level.is_some() { of("level") } else { 0.0 };
    let year = if m.year.is_some() { of("year") } else { 0.0 };
    region.min(level).min(year)
}

/// A year given as data: `2025`, `"2025"` or `"2025年"` (scrapers and
/// spreadsheets write years as text).
fn year_of(value: &serde_json::Value) -> Option<i64> {
    let year = match value {
        serde_json::Value::Number(n) => n.as_i64()?,
        serde_json::Value::String(s) => s.trim().trim_end_matches('年').trim().parse().ok()?,
        _ => return None,
    };
    (1949..=2100).contains(&year).then_some(year)
}

/// Metadata of a report from its cleaned text.
pub fn extract(text: &str) -> Metadata {
    extract_with(text, &Hints::default())
}

/// Metadata of a report from its cleaned text and what its file said
/// besides (a page's `<title>` and publish date): a hint fills a field
/// the text leaves empty, and the hinted title and date feed the unit and
/// year as the text's own would. Overrides are the caller's
/// ([`sidecar::apply_all`]).
pub fn extract_with(text: &str, hints: &Hints) -> Metadata {
    // Only the opening is read: normalize just that much.
    let text = head(text);
    from_head(text, &normalize(text), hints)
}

/// [`extract_with`] for a caller that has normalized the whole text
/// already (the indexer): its head is taken from `normalized`, which has
/// the same chars, instead of being normalized again.
pub fn extract_normalized(text: &str, normalized: &str, hints: &Hints) -> Metadata {
    let text = head(text);
    let chars = text.chars().count();
    let end = normalized.char_indices().nth(chars).map_or(normalized.len(), |(i, _)| i);
    from_head(text, &normalized[..end], hints)
}

fn from_head(text: &str, normalized: &str, hints: &Hints) -> Metadata {
    let mut opening = opening::read(normalized);
    let hinted_title = match (&opening.title, &hints.title) {
        (None, Some(title)) => {
            let title_norm = normalize(title.trim());
            opening.unit = opening::unit_of_title(&title_norm);
            opening.title = Some(title_norm);
            Some(title.trim().to_string())
        }
        _ => None,
    };
    let g = gazetteer::shared();
    let region = region::resolve(g, &opening);
    let mut published = year::publish_date(&opening);
    if let (None, Some(date)) = (&published.value, &hints.publish_date) {
        published = Field::new(Some(date.clone()), 0.8, format!("{}：{date}", hints.date_source));
    }
    let covered = year::covered_year(&opening, published.value.as_deref());

    let mut m = Metadata::default();
    // Values and evidence quote the text as written, not its normalized form.
    let original = |s: &str| original_span(text, normalized, s);
    let title = match &hinted_title {
        Some(hint) => Some(hint.clone()),
        None => opening.title.as_deref().map(original),
    };
    let mut region = region;
    region.unit.value = region.unit.value.map(|u| original(&u));
    let mut covered = covered;
    if let (Some(norm), Some(orig)) = (opening.title.as_deref(), title.as_deref()) {
        covered.evidence = covered.evidence.replace(norm, orig);
    }
    let kind = doc_type::classify(title.as_deref(), normalized);
    let title_field = match (&title, &hinted_title) {
        (_, Some(_)) => Field::new(title, 0.7, hints.title_source.clone()),
        (Some(_), None) => Field::new(title, 0.8, "开头几行中像标题的一行".into()),
        (None, None) => Field::new(None, 0.0, "开头几行中像标题的一行".into()),
    };
    m.set("title", title_field);
    m.set("type", kind);
    m.set("unit", region.unit);
    m.set("unit_type", region.unit_type);
    m.set("level", region.level);
    m.set("province", region.province);
    m.set("city", region.city);
    m.set("county", region.county);
    m.set("township", region.township);
    m.set("year", covered);
    m.set("publish_date", published);
    // Where a scraped record came from, for the user (not a field).
    let source: Vec<String> = [("网址", &hints.url), ("编号", &hints.id)]
        .into_iter()
        .filter_map(|(label, v)| v.as_ref().map(|v| format!("{label} {v}")))
        .collect();
    if !source.is_empty() {
        m.evidence.insert("source".into(), source.join("；"));
    }
    m
}

/// The first [`opening::HEAD_LINES`] non-empty lines, at most [`HEAD_BYTES`].
fn head(text: &str) -> &str {
    let mut lines = 0;
    let mut end = text.len();
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' && i > 0 && text.as_bytes()[i - 1] != b'\n' {
            lines += 1;
            if lines == opening::HEAD_LINES {
                end = i;
                break;
            }
        }
    }
    let mut end = end.min(HEAD_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Longest opening read (a 5 MB single-line file is not normalized whole).
const HEAD_BYTES: usize = 6 * 1024;

/// The original-script text of a normalized substring (normalization keeps
/// char positions, so the same char range is taken from the original).
fn original_span(original: &str, normalized: &str, part: &str) -> String {
    let Some(byte_at) = normalized.find(part) else { return part.to_string() };
    let start = normalized[..byte_at].chars().count();
    let len = part.chars().count();
    let span: String = original.chars().skip(start).take(len).collect();
    if span.chars().count() == len {
        span
    } else {
        part.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_through_json() {
        let mut m = Metadata::default();
        assert!(m.set_value("year", serde_json::json!(2023)));
        assert!(m.set_value("province", serde_json::json!("浙江省")));
        // A year written as text is a year; words are not.
        assert!(m.set_value("year", serde_json::json!("2022年")) && m.year == Some(2022));
        assert!(!m.set_value("year", serde_json::json!("去年")));
        assert!(m.set_value("year", serde_json::json!("2023")));
        assert!(!m.set_value("colour", serde_json::json!("red")));
        assert_eq!((m.year, m.province.as_deref()), (Some(2023), Some("浙江省")));
    }

    #[test]
    fn hints_fill_what_the_text_lacks() {
        let hints = Hints {
            title: Some("永平镇法治政府建设工作报告".into()),
            publish_date: Some("2024-03-15".into()),
            title_source: "网页标题 <title>".into(),
            date_source: "网页元数据".into(),
            ..Hints::default()
        };
        let m = extract_with("各位领导：\n今年以来，我镇持续推进法治政府建设，落实行政执法三项制度。", &hints);
        assert_eq!(m.title.as_deref(), Some("永平镇法治政府建设工作报告"));
        assert_eq!(m.unit.as_deref(), Some("永平镇"));
        assert_eq!(m.publish_date.as_deref(), Some("2024-03-15"));
        // The hinted date feeds the year fallback like the text's own.
        assert_eq!(m.year, Some(2023));
        assert!(m.evidence["title"].contains("<title>"));

        // The text's own title and date win.
        let m = extract_with("白沙镇2022年法治政府建设情况报告\n发布时间：2023-02-01\n正文。", &hints);
        assert_eq!(m.title.as_deref(), Some("白沙镇2022年法治政府建设情况报告"));
        assert_eq!((m.publish_date.as_deref(), m.year), (Some("2023-02-01"), Some(2022)));
    }
}
