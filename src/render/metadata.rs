//! Output of `fazhi extract` for scripts: each field with its value,
//! confidence and evidence (the text for people is `print::metadata`).

use serde::Serialize;

use crate::meta::Metadata;

#[derive(Serialize)]
pub struct Record {
    pub path: String,
    #[serde(flatten)]
    pub meta: Metadata,
}

pub fn json(records: &[Record]) -> String {
    serde_json::to_string_pretty(records).unwrap_or_default() + "\n"
}

pub fn jsonl(records: &[Record]) -> String {
    records.iter().map(|r| serde_json::to_string(r).unwrap_or_default() + "\n").collect()
}
