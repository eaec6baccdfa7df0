//! `--format json`: one object per answer, documented in README.md
//! ("JSON output"); field names are a stable interface.

use crate::search::SearchResponse;

pub fn response(r: &SearchResponse) -> String {
    let mut s = serde_json::to_string(r).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
