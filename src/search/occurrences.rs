//! How often a query's terms occur in a report (`--measure occurrences`),
//! counted the way matching sees the text: normalized, punctuation and
//! whitespace skipped, the title counted apart when the text does not
//! hold it (as the gram index has it).
//!
//! Each term counts its non-overlapping occurrences from the left, as
//! `str.count` and `grep -o` do; the terms' counts add up, so in
//! `法治 法治政府` an occurrence of 法治政府 counts once for each term.

use std::collections::BTreeMap;

use crate::analyze::{compact, normalize};

/// Occurrences of `keys` (normalized, compact) in one report.
pub fn in_report(keys: &[String], title: Option<&str>, body: &str) -> u64 {
    per_term(keys, title, body).values().sum()
}

/// Each key's occurrences in one report.
pub fn per_term(keys: &[String], title: Option<&str>, body: &str) -> BTreeMap<String, u64> {
    if keys.is_empty() {
        return BTreeMap::new();
    }
    let body = compact(&normalize(body));
    let title = title.map(|t| compact(&normalize(t))).filter(|t| !t.is_empty() && !body.contains(t.as_str()));
    keys.iter()
        .filter(|k| !k.is_empty())
        .map(|k| (k.clone(), count(&body, k) + title.as_deref().map_or(0, |t| count(t, k))))
        .collect()
}

fn count(text: &str, key: &str) -> u64 {
    text.matches(key).count() as u64
}

#[cfg(test)]
mod tests {
    use super::in_report;

    fn keys(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn counts_across_punctuation_and_folding() {
        let body = "推进行政执法“三项制度”。行政執法三项制度全面落实；行政执法 三项制度。";
        assert_eq!(in_report(&keys(&["行政执法三项制度"]), None, body), 3);
    }

    #[test]
    fn terms_add_up_and_a_title_outside_the_text_counts() {
        let body = "法治政府建设。法治乡村。";
        assert_eq!(in_report(&keys(&["法治", "法治政府"]), None, body), 3);
        assert_eq!(in_report(&keys(&["法治"]), Some("某镇法治报告"), body), 3);
        // A title the text holds is not counted twice.
        assert_eq!(in_report(&keys(&["法治"]), Some("法治乡村"), body), 2);
    }

    #[test]
    fn non_overlapping_from_the_left() {
        assert_eq!(in_report(&keys(&["哈哈"]), None, "哈哈哈"), 1);
        assert_eq!(in_report(&keys(&[]), None, "哈哈哈"), 0);
    }
}
