//! Sentence-aligned snippets with merged highlights, computed from the stored
//! text (not tantivy's snippet generator: it counts bytes, keeps one fragment
//! and panics on overlapping highlights).
//!
//! Matching mirrors the index: the text is normalized char for char, its
//! punctuation and whitespace are skipped, and the query keys are found in
//! what remains; each match maps back to a char range of the original text,
//! so 行政执法“三项制度 is one highlight for 行政执法三项制度.

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;

use std::ops::Range;

use super::occurrences::{Report, Spot, Terms};
use crate::analyze::compacted::Compacted;
use crate::analyze::folding::Folding;
use crate::analyze::units;

/// Longest snippet, in chars, before it is cut with `…`.
pub const MAX_CHARS: usize = 120;
/// Context kept before the first highlight when a sentence is cut.
const LEAD: usize = 24;
const ELLIPSIS: char = '…';

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    /// `[start, end)` in chars of `text`, sorted, disjoint, never adjacent.
    pub highlights: Vec<[usize; 2]>,
}

/// The terms of one query, compiled once for all its hits.
pub struct Highlighter {
    automaton: Option<AhoCorasick>,
    /// The keys and, with `--within`, the unit they must share.
    pub terms: Terms,
}

impl Highlighter {
    /// Keys are normalized and compact (what the query matched).
    pub fn new(keys: &[String]) -> Highlighter {
        Highlighter::with_terms(Terms::new(keys, None))
    }

    pub fn with_terms(terms: Terms) -> Highlighter {
        let keys = &terms.keys;
        let automaton = (!keys.is_empty())
            .then(|| AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(keys).ok())
            .flatten();
        Highlighter { automaton, terms }
    }

    /// Up to `max` snippets of `text`, best sentences first chosen, then
    /// shown in document order. `folding`: what traditional->simplified
    /// folding changes in the text (recorded at indexing).
    pub fn snippets(&self, text: &str, folding: &Folding, max: usize) -> Vec<Snippet> {
        self.snippets_of(&Report::new(None, text, folding), max)
    }

    /// [`Self::snippets`] of a report already read for matching; with
    /// `--within`, only from the units that hold every term.
    pub fn snippets_of(&self, report: &Report, max: usize) -> Vec<Snippet> {
        match &self.automaton {
            Some(ac) if max > 0 => snippets_with(ac, &report.text, &self.terms.units(&report.text), max),
            _ => Vec::new(),
        }
    }

    /// Each key's occurrences in the report.
    pub fn occurrences(&self, report: &Report) -> std::collections::BTreeMap<String, u64> {
        self.terms.per_term(report)
    }

    /// Every occurrence, for the concordance.
    pub fn spots(&self, report: &Report) -> Vec<Spot> {
        self.terms.spots(report)
    }
}

/// Up to `max` snippets of `text` around the keys (normalized, compact).
pub fn snippets(text: &str, keys: &[String], max: usize) -> Vec<Snippet> {
    Highlighter::new(keys).snippets(text, &Folding::Full, max)
}

fn snippets_with(ac: &AhoCorasick, text: &Compacted, allowed: &[Range<usize>], max: usize) -> Vec<Snippet> {
    let chars = &text.chars;
    let matches = find(ac, text);
    if matches.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(Sentence, Vec<Match>)> = Vec::new();
    let mut rest = matches.as_slice();
    for sentence in sentences(chars) {
        let inside = rest.iter().take_while(|m| m.start < sentence.end).count();
        let (here, after) = rest.split_at(inside);
        rest = after;
        if !allowed.iter().any(|u| u.start <= sentence.start && sentence.end <= u.end) {
            continue;
        }
        let here: Vec<Match> = here
            .iter()
            .filter(|m| m.start >= sentence.start)
            .map(|m| Match { end: m.end.min(sentence.end), ..*m })
            .collect();
        if !here.is_empty() {
            scored.push((sentence, here));
        }
    }
    // Most distinct keys, then most matches, then earliest.
    scored.sort_by_key(|(s, ms)| {
        let mut distinct: Vec<usize> = ms.iter().map(|m| m.key).collect();
        distinct.sort_unstable();
        distinct.dedup();
        (std::cmp::Reverse(distinct.len()), std::cmp::Reverse(ms.len()), s.start)
    });
    scored.truncate(max);
    scored.sort_by_key(|(s, _)| s.start);
    scored.into_iter().map(|(s, ms)| render(chars, s, &ms)).collect()
}

#[derive(Clone, Copy, Debug)]
struct Match {
    start: usize,
    end: usize,
    key: usize,
}

#[derive(Clone, Copy, Debug)]
struct Sentence {
    start: usize,
    end: usize,
}

/// Matches of the keys as char ranges of the original text, in order.
fn find(ac: &AhoCorasick, text: &Compacted) -> Vec<Match> {
    ac.find_iter(text.compact())
        .map(|m| {
            let chars = text.to_chars(m.start()..m.end());
            Match {
                start: chars.start,
                end: close_quote(&text.chars, chars.start, chars.end),
                key: m.pattern().as_usize(),
            }
        })
        .collect()
}

/// Extends a span that opens a quote (行政执法“三项制度) over the closing
/// quote right after it, so the highlight reads as a whole.
fn close_quote(chars: &[char], start: usize, end: usize) -> usize {
    let Some(&next) = chars.get(end) else {
        return end;
    };
    let opener = match next {
        '”' => '“',
        '’' => '‘',
        '」' => '「',
        '』' => '『',
        '》' => '《',
        _ => return end,
    };
    let inside = &chars[start..end];
    let opens = inside.iter().filter(|&&c| c == opener).count();
    let closes = inside.iter().filter(|&&c| c == next).count();
    if opens > closes {
        end + 1
    } else {
        end
    }
}

/// Sentences ([`units::sentences`]) with surrounding whitespace trimmed;
/// empty ones dropped.
fn sentences(chars: &[char]) -> Vec<Sentence> {
    units::sentences(chars)
        .into_iter()
        .filter_map(|r| {
            let (mut start, mut end) = (r.start, r.end);
            while start < end && chars[start].is_whitespace() {
                start += 1;
            }
            while end > start && chars[end - 1].is_whitespace() {
                end -= 1;
            }
            (start < end).then_some(Sentence { start, end })
        })
        .collect()
}

/// The sentence, or a window of it around its first matches.
fn render(chars: &[char], s: Sentence, matches: &[Match]) -> Snippet {
    let (mut from, mut to) = (s.start, s.end);
    if to - from > MAX_CHARS {
        let first = matches[0];
        from = first.start.saturating_sub(LEAD).max(s.start);
        to = (from + MAX_CHARS).min(s.end).max(first.end);
        if to == s.end {
            from = to.saturating_sub(MAX_CHARS).max(s.start).min(first.start);
        }
        while from < to && chars[from].is_whitespace() {
            from += 1;
        }
    }
    let mut text = String::new();
    let shift = if from > s.start {
        text.push(ELLIPSIS);
        1
    } else {
        0
    };
    text.extend(&chars[from..to]);
    if to < s.end {
        text.push(ELLIPSIS);
    }
    let mut highlights: Vec<[usize; 2]> = Vec::new();
    for m in matches {
        let (a, b) = (m.start.max(from), m.end.min(to));
        if a >= b {
            continue;
        }
        let span = [a - from + shift, b - from + shift];
        match highlights.last_mut() {
            // Overlapping or touching spans become one.
            Some(last) if span[0] <= last[1] => last[1] = last[1].max(span[1]),
            _ => highlights.push(span),
        }
    }
    Snippet { text, highlights }
}

impl Highlighter {
    /// Every match of the keys in the whole of `text` (`fazhi show
    /// --highlight`), as char ranges `[start, end)`, sorted; overlapping or
    /// touching ones merged, as in a snippet.
    pub fn ranges(&self, text: &Compacted) -> Vec<[usize; 2]> {
        let Some(ac) = &self.automaton else { return Vec::new() };
        let mut out: Vec<[usize; 2]> = Vec::new();
        for m in find(ac, text) {
            match out.last_mut() {
                Some(last) if m.start <= last[1] => last[1] = last[1].max(m.end),
                _ => out.push([m.start, m.end]),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(s: &Snippet) -> String {
        let chars: Vec<char> = s.text.chars().collect();
        let mut out = String::new();
        let mut at = 0;
        for [a, b] in &s.highlights {
            out.extend(&chars[at..*a]);
            out.push('【');
            out.extend(&chars[*a..*b]);
            out.push('】');
            at = *b;
        }
        out.extend(&chars[at..]);
        out
    }

    fn keys(ks: &[&str]) -> Vec<String> {
        ks.iter().map(|k| k.to_string()).collect()
    }

    #[test]
    fn one_span_across_punctuation() {
        let text = "全面落实行政执法“三项制度”。其他内容。";
        let s = snippets(text, &keys(&["行政执法三项制度"]), 3);
        assert_eq!(s.len(), 1);
        assert_eq!(marked(&s[0]), "全面落实【行政执法“三项制度”】。");
        // A balanced match keeps its bounds.
        let s = snippets("落实“三项制度”。", &keys(&["三项制度"]), 3);
        assert_eq!(marked(&s[0]), "落实“【三项制度】”。");
    }

    #[test]
    fn overlapping_and_adjacent_keys_merge() {
        // Search-mode words overlap (综合执法 / 综合 / 执法); one span results.
        let text = "推进综合执法改革。";
        let s = snippets(text, &keys(&["综合执法", "综合", "执法", "改革"]), 3);
        assert_eq!(marked(&s[0]), "推进【综合执法改革】。");
    }

    #[test]
    fn traditional_text_highlights_in_place() {
        let s = snippets("堅持和發展新時代「楓橋經驗」。", &keys(&["枫桥经验"]), 3);
        assert_eq!(marked(&s[0]), "堅持和發展新時代「【楓橋經驗】」。");
    }

    #[test]
    fn stored_fold_patches_highlight_like_full_folding() {
        let text = "磐安縣堅持和發展新時代「楓橋經驗」。本縣乾淨整潔。";
        let keys = keys(&["枫桥经验", "县"]);
        let stored = Folding::encode(&crate::analyze::folds(text, &crate::analyze::normalize(text)));
        let patched = Highlighter::new(&keys).snippets(text, &Folding::decode(Some(&stored)), 3);
        assert_eq!(patched, snippets(text, &keys, 3));
        assert!(patched.iter().any(|s| marked(s).contains("【楓橋經驗】")));
        assert_eq!(Folding::decode(Some("*")), Folding::Full);
        assert_eq!(Folding::decode(None), Folding::Patch(Vec::new()));
    }

    #[test]
    fn long_sentence_is_cut_with_ellipsis_around_the_match() {
        let text = format!("{}枫桥经验{}。", "甲".repeat(300), "乙".repeat(300));
        let s = &snippets(&text, &keys(&["枫桥经验"]), 3)[0];
        let chars: Vec<char> = s.text.chars().collect();
        assert!(chars.len() <= MAX_CHARS + 2);
        assert_eq!(chars[0], '…');
        assert_eq!(*chars.last().unwrap(), '…');
        let [a, b] = s.highlights[0];
        assert_eq!(chars[a..b].iter().collect::<String>(), "枫桥经验");
    }

    #[test]
    fn best_sentences_in_document_order() {
        let text = "只有普法。\n普法和调解都有。\n无关。\n调解。\n又有普法和调解。";
        let s = snippets(text, &keys(&["普法", "调解"]), 2);
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, vec!["普法和调解都有。", "又有普法和调解。"]);
    }
}
