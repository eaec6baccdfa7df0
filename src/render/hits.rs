//! Hits one per line for scripts: `--format jsonl` and `--format csv`,
//! with `--fields` choosing the columns.

use anyhow::{bail, Result};
use serde_json::{Map, Value};

use super::table::Table;
use crate::meta::FIELDS as META;
use crate::search::{Hit, SearchResponse};

/// Every field a hit line can have, in CSV column order; `snippet` is the
/// first snippet as plain text. Columns stay where scripts reading them by
/// position found them: fields added later come after, and a metadata field
/// added to [`crate::meta::FIELDS`] comes last of all ([`columns`]).
const COLUMNS: &[&str] = &[
    "rank",
    "id",
    "path",
    "url",
    "title",
    "unit",
    "unit_type",
    "province",
    "city",
    "county",
    "township",
    "level",
    "year",
    "publish_date",
    "duplicates",
    "score",
    "snippet",
    "type",
    "occurrences",
    "snippets",
];

/// Every field a hit line can have: [`COLUMNS`], then any metadata field not among them.
pub fn columns() -> Vec<&'static str> {
    let mut all = COLUMNS.to_vec();
    all.extend(META.iter().map(|d| d.name).filter(|name| !COLUMNS.contains(name)));
    all
}

/// CSV columns without `--fields`: every field but the rank and the snippet list.
fn csv_default() -> Vec<&'static str> {
    columns().into_iter().filter(|f| !matches!(*f, "rank" | "snippets")).collect()
}

pub fn check_fields(fields: &[String]) -> Result<()> {
    let all = columns();
    if let Some(bad) = fields.iter().find(|f| !all.contains(&f.as_str())) {
        bail!("未知字段“{bad}”；可用：{}", all.join(","));
    }
    Ok(())
}

fn value(hit: &Hit, rank: usize) -> Map<String, Value> {
    let Ok(Value::Object(mut m)) = serde_json::to_value(hit) else { return Map::new() };
    m.insert("rank".into(), Value::from(rank));
    let first = hit.snippets.first().map(|s| Value::from(s.text.clone())).unwrap_or(Value::Null);
    m.insert("snippet".into(), first);
    m
}

fn pick<'a>(fields: &'a [String], default: Vec<&'a str>) -> Vec<&'a str> {
    if fields.is_empty() {
        default
    } else {
        fields.iter().map(String::as_str).collect()
    }
}

/// One JSON object per hit, in rank order.
pub fn jsonl(r: &SearchResponse, offset: usize, fields: &[String]) -> String {
    let chosen = pick(fields, columns().into_iter().filter(|f| *f != "snippet").collect());
    let mut out = String::new();
    for (i, hit) in r.hits.iter().enumerate() {
        let m = value(hit, offset + i + 1);
        let line: Map<String, Value> =
            chosen.iter().map(|f| (f.to_string(), m.get(*f).cloned().unwrap_or(Value::Null))).collect();
        out.push_str(&Value::Object(line).to_string());
        out.push('\n');
    }
    out
}

/// One row per hit; unknown values are empty cells.
pub fn csv(r: &SearchResponse, offset: usize, fields: &[String]) -> String {
    let chosen = pick(fields, csv_default());
    let rows = r
        .hits
        .iter()
        .enumerate()
        .map(|(i, hit)| {
            let m = value(hit, offset + i + 1);
            chosen
                .iter()
                .map(|f| match m.get(*f) {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::String(s)) => s.clone(),
                    // Snippets: their text; repost paths: as they are.
                    Some(Value::Array(items)) => items
                        .iter()
                        .filter_map(|s| s.as_str().or_else(|| s["text"].as_str()))
                        .collect::<Vec<_>>()
                        .join(if *f == "duplicates" { ";" } else { " … " }),
                    // Occurrences: 枫桥经验=2;调解=5.
                    Some(Value::Object(counts)) => {
                        counts.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";")
                    }
                    Some(other) => other.to_string(),
                })
                .collect()
        })
        .collect();
    Table { header: chosen.iter().map(|s| s.to_string()).collect(), rows }.csv()
}
