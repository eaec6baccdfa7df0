//! JSON Lines dumps from scrapers: one report per line, `{"text": …}` with
//! optional metadata fields named as in a REPORT.json sidecar (title, unit,
//! year, publish_date, …), applied as overrides, and `url`/`id`, kept as
//! hints. Each line is its own report, keyed `<path>#<line number>`; a bad
//! line is skipped with a reason naming it and the others are read.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::Value;

use super::{clean, Hints, Part, SkipReason};
use crate::extract::{doc_type, FIELDS};

/// Longest line read, in bytes; a longer one is skipped, not loaded.
const MAX_LINE_BYTES: u64 = 64 << 20;

pub fn read(path: &Path) -> Result<Vec<Part>, SkipReason> {
    let file = std::fs::File::open(path).map_err(|e| SkipReason::Unreadable(e.kind().to_string()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let mut reader = BufReader::new(file);
    let mut parts = Vec::new();
    let mut with_text = 0;
    let mut raw = Vec::new();
    for number in 1.. {
        raw.clear();
        let read = (&mut reader).take(MAX_LINE_BYTES + 1).read_until(b'\n', &mut raw);
        match read {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(SkipReason::Unreadable(e.kind().to_string())),
        }
        let suffix = format!("#{number}");
        if raw.len() as u64 > MAX_LINE_BYTES && !raw.ends_with(b"\n") {
            // Skip the rest of the overlong line.
            let _ = reader.skip_until(b'\n');
            let reason = SkipReason::BadLine(number, format!("超过 {} MB", MAX_LINE_BYTES >> 20));
            parts.push(Part { suffix, text: Err(reason), format: "JSON Lines".into(), hints: Hints::default() });
            continue;
        }
        let line = match std::str::from_utf8(&raw) {
            Ok(line) => line.trim(),
            Err(_) => {
                let reason = SkipReason::BadLine(number, "不是 UTF-8".into());
                parts.push(Part { suffix, text: Err(reason), format: "JSON Lines".into(), hints: Hints::default() });
                continue;
            }
        };
        let line = line.trim_start_matches('\u{FEFF}');
        if line.is_empty() {
            continue;
        }
        let part = record(line, number, &name);
        with_text += part.text.is_ok() as usize;
        parts.push(Part { suffix, ..part });
    }
    if parts.is_empty() {
        return Err(SkipReason::Empty);
    }
    if with_text == 0
        && parts.iter().all(|p| matches!(&p.text, Err(SkipReason::BadLine(_, e)) if e.contains("正文字段")))
    {
        // Not a dump of reports at all (a manifest, a config): one reason, not one per line.
        return Err(SkipReason::Corrupt(
            "JSON Lines 中没有一行带正文字段（text、content 或 full_text），不是报告数据".into(),
        ));
    }
    Ok(parts)
}

/// Where a record's text may be: scrapers and dumps name it differently.
const TEXT_FIELDS: &[&str] = &["text", "content", "full_text"];

/// One line: its cleaned text, or why it is skipped.
fn record(line: &str, number: usize, file: &str) -> Part {
    let bad = |e: String| Part {
        suffix: String::new(),
        text: Err(SkipReason::BadLine(number, e)),
        format: "JSON Lines".into(),
        hints: Hints::default(),
    };
    let value: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return bad(format!("不是有效的 JSON：{e}")),
    };
    let Value::Object(mut map) = value else { return bad("应是 JSON 对象".into()) };
    // The text under the first of its usual names a record has.
    let Some(field) = TEXT_FIELDS.iter().find(|f| map.contains_key(**f)) else {
        return bad(format!("缺少正文字段（{}）", TEXT_FIELDS.join("、")));
    };
    let text = match map.remove(*field) {
        Some(Value::String(text)) => text,
        _ => return bad(format!("{field} 字段应是字符串")),
    };
    let mut hints = Hints::default();
    let as_text = |v: Value| match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    hints.url = map.remove("url").and_then(as_text);
    hints.id = map.remove("id").and_then(as_text);
    // Metadata fields are overrides; other fields a scraper adds are ignored,
    // and so is a scraper's own `type` (栏目, 通知公告 …) that is none of ours.
    map.retain(|k, v| {
        FIELDS.contains(&k.as_str()) && (k != "type" || v.as_str().is_some_and(|t| doc_type::TYPES.contains(&t)))
    });
    if !map.is_empty() {
        hints.overrides = Some((map, format!("{file} 第 {number} 行")));
    }
    if text.contains('\0') {
        return bad(SkipReason::Binary.to_string());
    }
    let text = clean::clean(&text);
    if text.is_empty() {
        return bad("text 为空".into());
    }
    Part { suffix: String::new(), text: Ok(text), format: "JSON Lines".into(), hints }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_records_and_bad_lines_are_named() {
        let good = record(
            r#"{"text": "某镇2023年法治政府建设情况报告\n正文", "year": 2023, "url": "http://a/b", "site": "x"}"#,
            1,
            "d.jsonl",
        );
        assert_eq!(good.text.as_deref(), Ok("某镇2023年法治政府建设情况报告\n正文"));
        assert_eq!(good.hints.url.as_deref(), Some("http://a/b"));
        let (overrides, source) = good.hints.overrides.unwrap();
        assert_eq!(overrides.keys().collect::<Vec<_>>(), ["year"]);
        assert_eq!(source, "d.jsonl 第 1 行");
        for (line, why) in [
            ("{not json", "不是有效的 JSON"),
            ("[1, 2]", "应是 JSON 对象"),
            (r#"{"title": "无正文"}"#, "缺少正文字段（text、content、full_text）"),
            (r#"{"text": 5}"#, "text 字段应是字符串"),
            (r#"{"text": "  "}"#, "text 为空"),
        ] {
            let reason = record(line, 7, "d.jsonl").text.unwrap_err();
            assert!(matches!(&reason, SkipReason::BadLine(7, e) if e.contains(why)), "{line}: {reason}");
            assert!(reason.to_string().starts_with("第 7 行无效"), "{reason}");
        }
    }

    #[test]
    fn text_under_its_usual_names_and_years_as_text() {
        for line in [r#"{"content": "正文", "year": "2025"}"#, r#"{"full_text": "正文", "year": "2025年"}"#] {
            let part = record(line, 1, "d.jsonl");
            assert_eq!(part.text.as_deref(), Ok("正文"), "{line}");
            let mut m = crate::extract::Metadata::default();
            let (overrides, _) = part.hints.overrides.unwrap();
            assert!(m.set_value("year", overrides["year"].clone()), "{line}");
            assert_eq!(m.year, Some(2025));
        }
        let mut m = crate::extract::Metadata::default();
        for bad in [r#""二〇二五""#, r#""1800""#, "2025.5", "true"] {
            assert!(!m.set_value("year", serde_json::from_str(bad).unwrap()), "{bad}");
        }
    }

    #[test]
    fn a_scrapers_own_type_is_ignored_ours_overrides() {
        let theirs = record(r#"{"text": "正文", "type": "通知公告"}"#, 1, "d.jsonl");
        assert!(theirs.text.is_ok() && theirs.hints.overrides.is_none());
        let ours = record(r#"{"text": "正文", "type": "政策解读"}"#, 1, "d.jsonl");
        let (overrides, _) = ours.hints.overrides.unwrap();
        assert_eq!(overrides["type"], "政策解读");
    }
}
