//! Where and how often a query's terms occur in a report, found the way
//! matching sees the text ([`Compacted`]: normalized, punctuation and
//! whitespace skipped). Occurrence counts, the concordance and `--within`
//! all read them here.
//!
//! Each term counts its non-overlapping occurrences from the left, as
//! `str.count` and `grep -o` do; the terms' counts add up, so in
//! `法治 法治政府` an occurrence of 法治政府 counts once for each term. The
//! title counts apart when the text does not hold it (as the gram index
//! has it). With `--within`, only the sentences (or paragraphs) that hold
//! every term count; the title is a unit of its own.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::analyze::compacted::Compacted;
use crate::analyze::folding::Folding;
use crate::analyze::units::Unit;

/// What a query looks for in a report's text.
#[derive(Clone, Debug, Default)]
pub struct Terms {
    /// Distinct keys (normalized, compact).
    pub keys: Vec<String>,
    /// Indexes into `keys`: each group must occur (any key of it) in one unit.
    groups: Vec<Vec<usize>>,
    pub within: Option<Unit>,
}

/// Which part of a report an occurrence is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Text,
    Title,
}

/// One occurrence: the key's index and the chars it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spot {
    pub key: usize,
    pub part: Part,
    pub chars: Range<usize>,
}

/// A report's text and title, as matching reads them.
pub struct Report {
    pub text: Compacted,
    /// Only when the text does not hold the title.
    pub title: Option<Compacted>,
}

impl Report {
    pub fn new(title: Option<&str>, text: &str, folding: &Folding) -> Report {
        let text = Compacted::new(text, folding);
        let title = title
            .map(|t| Compacted::new(t, &Folding::Full))
            .filter(|t| !t.compact().is_empty() && !text.compact().contains(t.compact()));
        Report { text, title }
    }
}

impl Terms {
    /// Every key in one group of its own: all required (with `within`).
    pub fn new(keys: &[String], within: Option<Unit>) -> Terms {
        let keys: Vec<String> = keys.iter().filter(|k| !k.is_empty()).cloned().collect();
        let groups = (0..keys.len()).map(|i| vec![i]).collect();
        Terms { keys, groups, within }
    }

    /// `keys` to find; `groups` of keys, each of which must occur (any of
    /// its keys) in one unit when `within` is given.
    pub fn grouped(keys: &[String], groups: &[Vec<String>], within: Option<Unit>) -> Terms {
        let keys: Vec<String> = keys.iter().filter(|k| !k.is_empty()).cloned().collect();
        let groups = groups
            .iter()
            .map(|g| g.iter().filter_map(|k| keys.iter().position(|x| x == k)).collect::<Vec<_>>())
            .filter(|g| !g.is_empty())
            .collect();
        Terms { keys, groups, within }
    }

    /// The units of `text` where the terms count: all of it, or the
    /// sentences (paragraphs) holding every group.
    pub fn units(&self, text: &Compacted) -> Vec<Range<usize>> {
        let all = 0..text.chars.len();
        match self.within {
            None => vec![all],
            Some(unit) => unit.split(&text.chars).into_iter().filter(|u| self.all_in(text, u)).collect(),
        }
    }

    fn all_in(&self, text: &Compacted, unit: &Range<usize>) -> bool {
        self.groups.iter().all(|g| g.iter().any(|&k| text.holds(&self.keys[k], unit)))
    }

    /// Whether the report counts at all: with `within`, some unit of its
    /// text (or its title) holds every group.
    pub fn qualifies(&self, report: &Report) -> bool {
        self.within.is_none()
            || !self.units(&report.text).is_empty()
            || report.title.as_ref().is_some_and(|t| self.all_in(t, &(0..t.chars.len())))
    }

    /// Every occurrence of every key, text first, each key's in order.
    pub fn spots(&self, report: &Report) -> Vec<Spot> {
        let mut out = Vec::new();
        for unit in self.units(&report.text) {
            for (key, k) in self.keys.iter().enumerate() {
                out.extend(report.text.find(k, &unit).map(|chars| Spot { key, part: Part::Text, chars }));
            }
        }
        if let Some(title) = &report.title {
            for unit in self.units(title) {
                for (key, k) in self.keys.iter().enumerate() {
                    out.extend(title.find(k, &unit).map(|chars| Spot { key, part: Part::Title, chars }));
                }
            }
        }
        out
    }

    /// Each key's occurrences.
    pub fn per_term(&self, report: &Report) -> BTreeMap<String, u64> {
        let mut counts: BTreeMap<String, u64> = self.keys.iter().map(|k| (k.clone(), 0)).collect();
        for spot in self.spots(report) {
            *counts.get_mut(&self.keys[spot.key]).expect("every key has a count") += 1;
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| s.to_string()).collect()
    }

    /// Occurrences of every key, added up.
    fn in_report(keys: &[String], title: Option<&str>, body: &str) -> u64 {
        Terms::new(keys, None).spots(&Report::new(title, body, &Folding::Full)).len() as u64
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

    #[test]
    fn within_a_sentence_counts_only_sentences_holding_every_group() {
        let body = "枫桥经验好。调解工作好。\n枫桥经验推动调解；调解和枫桥经验。";
        let report = Report::new(None, body, &Folding::Full);
        let both = keys(&["枫桥经验", "调解"]);
        let sentence = Terms::new(&both, Some(Unit::Sentence));
        assert!(sentence.qualifies(&report));
        let counts = sentence.per_term(&report);
        assert_eq!((counts["枫桥经验"], counts["调解"]), (2, 2));
        let paragraph = Terms::new(&both, Some(Unit::Paragraph));
        let counts = paragraph.per_term(&report);
        assert_eq!((counts["枫桥经验"], counts["调解"]), (3, 3));
        // An OR group: either key will do.
        let groups = vec![keys(&["枫桥经验"]), keys(&["信访", "调解"])];
        let either = Terms::grouped(&keys(&["枫桥经验", "信访", "调解"]), &groups, Some(Unit::Sentence));
        assert!(either.qualifies(&report));
        let apart = Report::new(None, "枫桥经验好。调解工作好。", &Folding::Full);
        assert!(!sentence.qualifies(&apart));
        assert!(sentence.spots(&apart).is_empty());
    }

    #[test]
    fn a_match_across_a_sentence_end_is_not_within_a_sentence() {
        let report = Report::new(None, "坚持法治。政府带头。", &Folding::Full);
        assert_eq!(Terms::new(&keys(&["法治政府"]), None).spots(&report).len(), 1);
        assert!(!Terms::new(&keys(&["法治政府"]), Some(Unit::Sentence)).qualifies(&report));
    }
}
