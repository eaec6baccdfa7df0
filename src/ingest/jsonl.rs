//! JSON Lines dumps from scrapers: one report per line, read by
//! [`record`]. Each line is its own report, keyed `<path>#<line number>`;
//! a bad line is skipped with a reason naming it and the others are read.
//! A line that is not UTF-8 is decoded as a .txt is (GBK, GB18030 …); a
//! UTF-16 file (with its BOM) is decoded whole first.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use encoding_rs::{Encoding, UTF_8};
use serde_json::Value;

use super::record::{self, FieldMap};
use super::{decode, Hints, Part, SkipReason};

/// Longest line read, in bytes; a longer one is skipped, not loaded.
const MAX_LINE_BYTES: u64 = 64 << 20;

pub fn read(path: &Path, fields: &FieldMap) -> Result<Vec<Part>, SkipReason> {
    let unreadable = |e: std::io::Error| SkipReason::Unreadable(e.kind().to_string());
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let mut reader = BufReader::new(file);
    let mut lines = Lines { name, fields, parts: Vec::new() };
    // UTF-16 cannot be cut at b'\n': decoded whole, then read line by line.
    if Encoding::for_bom(reader.fill_buf().map_err(unreadable)?).is_some_and(|(e, _)| e != UTF_8) {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(unreadable)?;
        let (text, _) = decode::decode(&bytes)?;
        for (i, raw) in text.split_inclusive('\n').enumerate() {
            lines.add(i + 1, raw.as_bytes());
        }
        return lines.finish();
    }
    let mut raw = Vec::new();
    for number in 1.. {
        raw.clear();
        let read = (&mut reader).take(MAX_LINE_BYTES + 1).read_until(b'\n', &mut raw);
        match read {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(unreadable(e)),
        }
        if raw.len() as u64 > MAX_LINE_BYTES && !raw.ends_with(b"\n") {
            // Skip the rest of the overlong line.
            let _ = reader.skip_until(b'\n');
            lines.bad(number, format!("超过 {} MB", MAX_LINE_BYTES >> 20));
            continue;
        }
        lines.add(number, &raw);
    }
    lines.finish()
}

/// The reports of one file, a line at a time.
struct Lines<'a> {
    name: String,
    fields: &'a FieldMap,
    parts: Vec<Part>,
}

impl Lines<'_> {
    fn bad(&mut self, number: usize, why: String) {
        let reason = SkipReason::BadLine(number, why);
        self.parts.push(Part {
            suffix: format!("#{number}"),
            text: Err(reason),
            format: "JSON Lines".into(),
            hints: Hints::default(),
        });
    }

    fn add(&mut self, number: usize, raw: &[u8]) {
        // A line that is not UTF-8 is decoded on its own.
        let (line, encoding) = match std::str::from_utf8(raw) {
            Ok(line) => (std::borrow::Cow::Borrowed(line), UTF_8.name()),
            Err(_) => match decode::decode(raw) {
                Ok((line, encoding)) => (std::borrow::Cow::Owned(line), encoding),
                Err(reason) => return self.bad(number, format!("不是 UTF-8，{reason}")),
            },
        };
        let line = line.trim().trim_start_matches('\u{FEFF}');
        if line.is_empty() {
            return;
        }
        let format = match encoding {
            "UTF-8" => "JSON Lines".to_string(),
            other => format!("JSON Lines（{other}）"),
        };
        let parsed = match serde_json::from_str(line) {
            Ok(Value::Object(map)) => record::record(map, self.fields, &format!("{} 第 {number} 行", self.name)),
            Ok(_) => Err("应是 JSON 对象".into()),
            Err(e) => Err(format!("不是有效的 JSON：{e}")),
        };
        match parsed {
            Ok((text, hints)) => self.parts.push(Part { suffix: format!("#{number}"), text: Ok(text), format, hints }),
            Err(why) => self.bad(number, why),
        }
    }

    fn finish(self) -> Result<Vec<Part>, SkipReason> {
        if self.parts.is_empty() {
            return Err(SkipReason::Empty);
        }
        if self.parts.iter().all(|p| p.text.as_ref().is_err_and(record::lacks_text_field)) {
            return Err(record::not_reports("JSON Lines 中没有一行", self.fields));
        }
        Ok(self.parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line `number` of `d.jsonl`, read as [`read`] reads it.
    fn record(line: &str, number: usize, _file: &str) -> Part {
        let fields = FieldMap::default();
        let mut lines = Lines { name: "d.jsonl".into(), fields: &fields, parts: Vec::new() };
        lines.add(number, line.as_bytes());
        lines.parts.pop().unwrap()
    }

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
            let (overrides, _) = part.hints.overrides.unwrap();
            let year = crate::meta::Value::from_json(crate::meta::Field::Year, &overrides["year"]);
            assert_eq!(year, Some(crate::meta::Value::Year(2025)), "{line}");
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

#[cfg(test)]
mod encodings {
    use super::*;

    #[test]
    fn a_gbk_line_is_decoded_and_garbage_is_named() {
        let fields = FieldMap::default();
        let mut lines = Lines { name: "d.jsonl".into(), fields: &fields, parts: Vec::new() };
        let (gbk, _, _) = encoding_rs::GBK
            .encode(r#"{"text": "陶庄镇深入学习贯彻习近平法治思想，推进法治政府建设。", "year": "2023年"}"#);
        lines.add(1, &gbk);
        lines.add(2, b"{\"text\": \"\xff\xfe\x00\x01\"}");
        assert_eq!(lines.parts[0].text.as_deref(), Ok("陶庄镇深入学习贯彻习近平法治思想，推进法治政府建设。"));
        assert_eq!(lines.parts[0].format, "JSON Lines（GBK）");
        let reason = lines.parts[1].text.as_ref().unwrap_err().to_string();
        assert!(reason.starts_with("第 2 行无效（不是 UTF-8"), "{reason}");
    }
}
