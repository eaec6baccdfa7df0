//! One record of a table of reports (a JSON Lines line, a CSV row, an
//! element of a JSON array) → the report's text and metadata. The text is
//! under `text`, `content` or `full_text`; metadata fields named as in a
//! REPORT.json sidecar (title, unit, year, publish_date, province, …) are
//! applied as overrides; `url` and `id` are kept as hints. [`FieldMap`]
//! (`--text-field`, `--title-field` …) names other columns.

use serde_json::{Map, Value};

use super::{clean, Hints, SkipReason};
use crate::meta::{self, Field};

/// Where a record's text may be: scrapers and dumps name it differently.
pub const TEXT_FIELDS: &[&str] = &["text", "content", "full_text"];
/// The start of the reason for a record without a text field.
const MISSING_TEXT: &str = "缺少正文字段";

/// Which column or key holds each part of a report, when not its usual
/// name (`None`): `--text-field`, `--title-field`, `--year-field`,
/// `--unit-field`, `--url-field`, `--date-field`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldMap {
    pub text: Option<String>,
    pub title: Option<String>,
    pub year: Option<String>,
    pub unit: Option<String>,
    pub url: Option<String>,
    pub publish_date: Option<String>,
}

impl FieldMap {
    /// The names a record's text is looked for under, in order.
    pub fn text_names(&self) -> Vec<&str> {
        match &self.text {
            Some(name) => vec![name.as_str()],
            None => TEXT_FIELDS.to_vec(),
        }
    }

    /// The metadata fields read from another column: (field, column).
    fn renamed(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [("title", &self.title), ("year", &self.year), ("unit", &self.unit), ("publish_date", &self.publish_date)]
            .into_iter()
            .filter_map(|(field, column)| column.as_deref().map(|c| (field, c)))
    }

    /// 0 for the usual names, else a fingerprint of the mapping: part of
    /// what decides whether a table file is read again ([`crate::index::build`]).
    pub fn fingerprint(&self) -> u64 {
        if *self == FieldMap::default() {
            return 0;
        }
        let names = [&self.text, &self.title, &self.year, &self.unit, &self.url, &self.publish_date];
        let spelled: Vec<&str> = names.iter().map(|n| n.as_deref().unwrap_or("\u{1}")).collect();
        xxhash_rust::xxh3::xxh3_64(spelled.join("\0").as_bytes()) | 1
    }
}

/// One record: its cleaned text and hints, or why it is skipped (the
/// caller names the line or element). `source` names it in the evidence
/// of its overrides (`d.csv 第 3 行`).
pub fn record(mut map: Map<String, Value>, fields: &FieldMap, source: &str) -> Result<(String, Hints), String> {
    // The text under the first of its names a record has.
    let names = fields.text_names();
    let Some(field) = names.iter().find(|f| map.contains_key(**f)) else {
        return Err(format!("{MISSING_TEXT}（{}）", names.join("、")));
    };
    let text = match map.remove(*field) {
        Some(Value::String(text)) => text,
        _ => return Err(format!("{field} 字段应是字符串")),
    };
    // Mapped columns take the place of the fields' usual names.
    let moved: Vec<(&str, Option<Value>)> = fields.renamed().map(|(f, column)| (f, map.get(column).cloned())).collect();
    for (field, value) in moved {
        map.remove(field);
        if let Some(value) = value {
            map.insert(field.to_string(), value);
        }
    }
    let as_text = |v: Value| match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let mut hints = Hints {
        url: map.remove(fields.url.as_deref().unwrap_or("url")).and_then(as_text),
        id: map.remove("id").and_then(as_text),
        ..Hints::default()
    };
    // Metadata fields are overrides; other fields a scraper adds are ignored,
    // and so is a scraper's own `type` (栏目, 通知公告 …) that is none of ours.
    map.retain(|k, v| Field::named(k).is_some_and(|f| f != Field::Type || meta::Value::from_json(f, v).is_some()));
    if !map.is_empty() {
        hints.overrides = Some((map, source.to_string()));
    }
    if text.contains('\0') {
        return Err(SkipReason::Binary.to_string());
    }
    let text = clean::clean(&text);
    if text.is_empty() {
        return Err(format!("{field} 为空"));
    }
    Ok((text, hints))
}

/// Whether a record was skipped for having no text field at all.
pub fn lacks_text_field(reason: &SkipReason) -> bool {
    matches!(reason, SkipReason::BadLine(_, e) | SkipReason::BadItem(_, e) if e.starts_with(MISSING_TEXT))
}

/// The one reason for a file none of whose records has a text field: not a
/// table of reports (a manifest, a config), so not one reason per record.
pub fn not_reports(what: &str, fields: &FieldMap) -> SkipReason {
    SkipReason::Corrupt(format!("{what}带正文字段（{}），不是报告数据", fields.text_names().join("、")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(json: &str) -> Map<String, Value> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn mapped_columns_replace_the_usual_names() {
        let fields = FieldMap {
            text: Some("body".into()),
            title: Some("headline".into()),
            year: Some("yr".into()),
            url: Some("link".into()),
            publish_date: Some("pub".into()),
            ..FieldMap::default()
        };
        let row = object(
            r#"{"body": "正文", "text": "不是正文", "headline": "标题", "title": "旧标题",
                "yr": "2023年", "link": "http://a/b", "url": "http://x", "pub": "2024-01-02"}"#,
        );
        let (text, hints) = record(row, &fields, "t.csv 第 1 行").unwrap();
        assert_eq!(text, "正文");
        assert_eq!(hints.url.as_deref(), Some("http://a/b"));
        let (overrides, source) = hints.overrides.unwrap();
        assert_eq!(overrides["title"], "标题");
        assert_eq!(overrides["year"], "2023年");
        assert_eq!(overrides["publish_date"], "2024-01-02");
        assert_eq!(overrides.len(), 3, "{overrides:?}");
        assert_eq!(source, "t.csv 第 1 行");
        // A mapped text field names itself when missing, and only itself.
        let reason = record(object(r#"{"text": "正文"}"#), &fields, "").unwrap_err();
        assert_eq!(reason, "缺少正文字段（body）");
        assert_eq!(record(object(r#"{"body": " \n "}"#), &fields, "").unwrap_err(), "body 为空");
    }

    #[test]
    fn the_usual_mapping_has_no_fingerprint_and_others_differ() {
        assert_eq!(FieldMap::default().fingerprint(), 0);
        let a = FieldMap { text: Some("body".into()), ..FieldMap::default() };
        let b = FieldMap { title: Some("body".into()), ..FieldMap::default() };
        assert_ne!(a.fingerprint(), 0);
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint(), a.clone().fingerprint());
    }
}
