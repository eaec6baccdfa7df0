//! JSON files of reports: a top-level array of objects, one report per
//! object, read by [`record`]. An object is keyed `<path>#<N>`, N its
//! 1-based place in the array. The file is decoded whole first, as a .txt
//! is, within [`super::MAX_TABLE_MB`]; the array is read an element at a
//! time, so only one element is ever held as a JSON value.

use std::fmt;

use serde::de::{Deserializer, SeqAccess, Visitor};
use serde_json::Value;

use super::record::{self, FieldMap};
use super::{decode, Hints, Part, SkipReason};

pub fn read(bytes: Vec<u8>, name: &str, fields: &FieldMap) -> Result<Vec<Part>, SkipReason> {
    let (text, encoding) = decode::decode_records(bytes)?;
    let text = text.trim_start_matches('\u{FEFF}');
    if text.trim().is_empty() {
        return Err(SkipReason::Empty);
    }
    if !text.trim_start().starts_with('[') {
        return Err(SkipReason::Corrupt("JSON 文件应是对象的数组（每个对象一篇报告），不是报告数据".into()));
    }
    let format = match encoding {
        "UTF-8" => "JSON".to_string(),
        other => format!("JSON（{other}）"),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let parts = de
        .deserialize_seq(Elements { name, fields, format })
        .and_then(|parts| de.end().map(|()| parts))
        .map_err(|e| SkipReason::Corrupt(format!("不是有效的 JSON：{e}")))?;
    if parts.is_empty() {
        return Err(SkipReason::Empty);
    }
    if parts.iter().all(|p| p.text.as_ref().is_err_and(record::lacks_text_field)) {
        return Err(record::not_reports("JSON 数组中没有一个对象", fields));
    }
    Ok(parts)
}

/// Reads the array's elements one by one into reports.
struct Elements<'a> {
    name: &'a str,
    fields: &'a FieldMap,
    format: String,
}

impl<'de> Visitor<'de> for Elements<'_> {
    type Value = Vec<Part>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("对象的数组")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Part>, A::Error> {
        let mut parts = Vec::new();
        for number in 1.. {
            let Some(value) = seq.next_element::<Value>()? else { break };
            let read = match value {
                Value::Object(map) => record::record(map, self.fields, &format!("{} 第 {number} 个对象", self.name)),
                _ => Err("应是 JSON 对象".into()),
            };
            let (text, hints) = match read {
                Ok((text, hints)) => (Ok(text), hints),
                Err(why) => (Err(SkipReason::BadItem(number, why)), Hints::default()),
            };
            parts.push(Part { suffix: format!("#{number}"), text, format: self.format.clone(), hints });
        }
        Ok(parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(json: &str) -> Result<Vec<Part>, SkipReason> {
        read(json.as_bytes().to_vec(), "t.json", &FieldMap::default())
    }

    #[test]
    fn elements_are_reports_and_bad_ones_are_named() {
        let parts =
            items(r#"[{"text": "正文", "year": 2023}, 5, {"title": "无正文"}, {"content": "二", "year": "2024年"}]"#)
                .unwrap();
        assert_eq!(parts.iter().map(|p| p.suffix.as_str()).collect::<Vec<_>>(), ["#1", "#2", "#3", "#4"]);
        assert_eq!(parts[0].text.as_deref(), Ok("正文"));
        assert_eq!(parts[1].text.as_ref().unwrap_err().to_string(), "第 2 个对象无效（应是 JSON 对象）");
        assert_eq!(
            parts[2].text.as_ref().unwrap_err().to_string(),
            "第 3 个对象无效（缺少正文字段（text、content、full_text））"
        );
        let (overrides, source) = parts[3].hints.overrides.clone().unwrap();
        assert_eq!((overrides["year"].as_str(), source.as_str()), (Some("2024年"), "t.json 第 4 个对象"));
    }

    #[test]
    fn what_is_not_an_array_of_reports_is_one_reason() {
        for json in [r#"{"text": "正文"}"#, "[1, 2", r#"[{"text": "a"}] x"#, r#"[{"path": "a"}]"#, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["] {
            assert!(matches!(items(json), Err(SkipReason::Corrupt(_))), "{json}");
        }
        assert_eq!(items("[]").unwrap_err(), SkipReason::Empty);
    }
}
