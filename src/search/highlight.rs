//! `fazhi show --highlight QUERY`: the query's terms marked in a whole
//! report, found as snippets find them ([`Highlighter::ranges`]), and
//! counted as `--measure occurrences` counts them.

use anyhow::Result;

use crate::bad_request;

use super::lookup::Report;
use super::occurrences;
use super::snippet::Highlighter;
use crate::analyze::folding::Folding;
use crate::query;

/// The terms of `query` to mark: its text terms as `search` reads them
/// (matching prefers the longest where they overlap); filters (years, `published:`, `title:`) mark nothing,
/// and a place name is marked as text.
pub fn keys(query: &str) -> Result<Vec<String>> {
    let mut parsed = query::parse(query, false)?;
    parsed.settle_places(|_| false, |_| None);
    let mut keys: Vec<String> = Vec::new();
    for term in parsed.positive_terms() {
        if !keys.contains(&term.key) {
            keys.push(term.key.clone());
        }
    }
    if keys.is_empty() {
        bad_request!("--highlight 的查询“{}”没有可标出的检索词", query.trim());
    }
    Ok(keys)
}

impl Report {
    /// Marks `keys` in the text and counts them (title included, as search counts).
    pub fn highlight(&mut self, keys: &[String]) {
        let highlighter = Highlighter::new(keys);
        // Read once for matching: the marks and the counts come from the same view.
        let report =
            occurrences::Report::new(self.hit.meta.text(crate::meta::Field::Title), &self.text, &Folding::Full);
        self.highlights = Some(highlighter.ranges(&report.text));
        self.hit.occurrences = highlighter.occurrences(&report);
        self.terms = keys.to_vec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_terms_not_filters() {
        assert_eq!(keys("枫桥经验 2023 title:报告 浙江 调解 OR 枫桥经验").unwrap(), ["枫桥经验", "调解", "浙江"]);
        assert_eq!(keys("\"行政执法“三项制度”\" 普法").unwrap(), ["行政执法三项制度", "普法"]);
        assert!(keys("2023 year:2021").is_err());
        assert!(keys("").is_err());
    }
}
