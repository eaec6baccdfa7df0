//! `--format json`: one object per answer, documented in README.md
//! ("JSON output"); field names are a stable interface.

use crate::search::SearchResponse;

/// `--format csv` without a pivot: one row per hit, the first snippet as plain text.
pub fn hits_csv(r: &SearchResponse) -> String {
    let header = [
        "id",
        "path",
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
        "score",
        "snippet",
    ];
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let rows = r
        .hits
        .iter()
        .map(|h| {
            vec![
                h.id.clone(),
                h.path.clone(),
                text(&h.title),
                text(&h.unit),
                text(&h.unit_type),
                text(&h.province),
                text(&h.city),
                text(&h.county),
                text(&h.township),
                text(&h.level),
                h.year.map(|y| y.to_string()).unwrap_or_default(),
                text(&h.publish_date),
                format!("{:.4}", h.score),
                h.snippets.first().map(|s| s.text.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    super::table::Table { header: header.iter().map(|s| s.to_string()).collect(), rows }.csv()
}

pub fn response(r: &SearchResponse) -> String {
    let mut s = serde_json::to_string(r).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
