//! Output of `fazhi extract`: each field with its value, confidence and evidence.

use std::fmt::Write;

use serde::Serialize;

use crate::extract::{Metadata, FIELDS};

#[derive(Serialize)]
pub struct Record {
    pub path: String,
    #[serde(flatten)]
    pub meta: Metadata,
}

fn label(field: &str) -> &'static str {
    match field {
        "title" => "标题",
        "unit" => "单位",
        "unit_type" => "单位类型",
        "level" => "级别",
        "province" => "省",
        "city" => "市",
        "county" => "县",
        "township" => "乡镇",
        "year" => "年份",
        _ => "发布日期",
    }
}

pub fn text(records: &[Record]) -> String {
    let mut out = String::new();
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", r.path);
        let value = serde_json::to_value(&r.meta).unwrap_or_default();
        for &field in FIELDS {
            let shown = match &value[field] {
                serde_json::Value::Null => "—".to_string(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let confidence = r.meta.confidence.get(field).copied().unwrap_or(0.0);
            let evidence = r.meta.evidence.get(field).map(String::as_str).unwrap_or("");
            let _ = writeln!(out, "  {:<6}{}  [{:.2}] {}", format!("{}：", label(field)), shown, confidence, evidence);
        }
    }
    out
}

pub fn json(records: &[Record]) -> String {
    serde_json::to_string_pretty(records).unwrap_or_default() + "\n"
}

pub fn jsonl(records: &[Record]) -> String {
    records.iter().map(|r| serde_json::to_string(r).unwrap_or_default() + "\n").collect()
}
