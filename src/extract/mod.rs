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

use crate::analyze::normalize;
use crate::gazetteer;
use crate::meta::{Field, Hints, Metadata, Value};

/// One extracted value with how sure we are and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding<T> {
    pub value: Option<T>,
    pub confidence: f32,
    pub evidence: String,
}

impl<T> Default for Finding<T> {
    fn default() -> Self {
        Finding { value: None, confidence: 0.0, evidence: String::new() }
    }
}

impl<T> Finding<T> {
    pub fn new(value: Option<T>, confidence: f32, evidence: String) -> Finding<T> {
        Finding { value, confidence, evidence }
    }
}

impl<T: Into<Value>> Finding<T> {
    /// Records this finding as `field` of `m`.
    fn record(self, m: &mut Metadata, field: Field) {
        m.set(field, self.value.map(Into::into), self.confidence, self.evidence);
    }
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
        published = Finding::new(Some(date.clone()), 0.8, format!("{}：{date}", hints.date_source));
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
        (_, Some(_)) => Finding::new(title, 0.7, hints.title_source.clone()),
        (Some(_), None) => Finding::new(title, 0.8, "开头几行中像标题的一行".into()),
        (None, None) => Finding::new(None, 0.0, "开头几行中像标题的一行".into()),
    };
    title_field.record(&mut m, Field::Title);
    kind.record(&mut m, Field::Type);
    region.unit.record(&mut m, Field::Unit);
    region.unit_type.record(&mut m, Field::UnitType);
    region.level.record(&mut m, Field::Level);
    region.province.record(&mut m, Field::Province);
    region.city.record(&mut m, Field::City);
    region.county.record(&mut m, Field::County);
    region.township.record(&mut m, Field::Township);
    covered.record(&mut m, Field::Year);
    published.record(&mut m, Field::PublishDate);
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
    fn hints_fill_what_the_text_lacks() {
        let hints = Hints {
            title: Some("永平镇法治政府建设工作报告".into()),
            publish_date: Some("2024-03-15".into()),
            title_source: "网页标题 <title>".into(),
            date_source: "网页元数据".into(),
            ..Hints::default()
        };
        let m = extract_with("各位领导：\n今年以来，我镇持续推进法治政府建设，落实行政执法三项制度。", &hints);
        let v = &m.values;
        assert_eq!(v.text(Field::Title), Some("永平镇法治政府建设工作报告"));
        assert_eq!(v.text(Field::Unit), Some("永平镇"));
        assert_eq!(v.text(Field::PublishDate), Some("2024-03-15"));
        // The hinted date feeds the year fallback like the text's own.
        assert_eq!(v.year(), Some(2023));
        assert!(m.evidence["title"].contains("<title>"));

        // The text's own title and date win.
        let m = extract_with("白沙镇2022年法治政府建设情况报告\n发布时间：2023-02-01\n正文。", &hints);
        assert_eq!(m.values.text(Field::Title), Some("白沙镇2022年法治政府建设情况报告"));
        assert_eq!((m.values.text(Field::PublishDate), m.values.year()), (Some("2023-02-01"), Some(2022)));
    }
}
