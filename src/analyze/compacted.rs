//! A text as matching reads it: normalized, punctuation and whitespace
//! skipped, with every kept char mapped back to its place in the text.
//! Snippets, occurrence counts and the concordance all find terms here, so
//! they agree with each other and with the gram index.

use std::ops::Range;

use super::folding::Folding;
use super::{is_word_char, normalize, normalize_char};

pub struct Compacted {
    /// The original text's chars.
    pub chars: Vec<char>,
    /// Normalized word chars, in order.
    compact: String,
    /// For each byte of `compact`, the index in `chars` of its char.
    origin: Vec<u32>,
}

impl Compacted {
    /// `folding`: what traditional->simplified folding changes in `text`
    /// (as recorded at indexing; [`Folding::Full`] folds it all).
    pub fn new(text: &str, folding: &Folding) -> Compacted {
        let chars: Vec<char> = text.chars().collect();
        let mut compact = String::with_capacity(text.len());
        let mut origin: Vec<u32> = Vec::with_capacity(text.len());
        let mut keep = |i: usize, c: char| {
            if is_word_char(c) {
                compact.push(c);
                origin.extend(std::iter::repeat_n(i as u32, c.len_utf8()));
            }
        };
        let full = (*folding == Folding::Full).then(|| normalize(text)).filter(|n| n.chars().count() == chars.len());
        match (full, folding) {
            // normalize keeps the char count; never trust that blindly.
            (Some(normalized), _) => normalized.chars().enumerate().for_each(|(i, c)| keep(i, c)),
            (None, Folding::Patch(patches)) if !patches.is_empty() => {
                let mut normalized: Vec<char> = chars.iter().map(|&c| normalize_char(c)).collect();
                for &(i, c) in patches {
                    if let Some(slot) = normalized.get_mut(i as usize) {
                        *slot = c;
                    }
                }
                normalized.into_iter().enumerate().for_each(|(i, c)| keep(i, c));
            }
            _ => chars.iter().enumerate().for_each(|(i, &c)| keep(i, normalize_char(c))),
        }
        Compacted { chars, compact, origin }
    }

    /// The normalized word chars.
    pub fn compact(&self) -> &str {
        &self.compact
    }

    /// The text's chars `[start, end)` of a match `[start, end)` in bytes of [`Self::compact`].
    pub fn to_chars(&self, bytes: Range<usize>) -> Range<usize> {
        self.origin[bytes.start] as usize..self.origin[bytes.end - 1] as usize + 1
    }

    /// The bytes of [`Self::compact`] that come from the text's chars `span`.
    pub fn to_bytes(&self, span: &Range<usize>) -> Range<usize> {
        let start = self.origin.partition_point(|&c| (c as usize) < span.start);
        let end = self.origin.partition_point(|&c| (c as usize) < span.end);
        start..end
    }

    /// The occurrences of `key` (normalized, compact) inside the text's
    /// chars `span`, as char ranges of the text: non-overlapping, from the
    /// left, as `str::matches` and `grep -o` count.
    pub fn find<'a>(&'a self, key: &'a str, span: &Range<usize>) -> impl Iterator<Item = Range<usize>> + 'a {
        let bytes = self.to_bytes(span);
        let base = bytes.start;
        let found = if key.is_empty() { None } else { Some(self.compact[bytes].match_indices(key)) };
        found.into_iter().flatten().map(move |(at, m)| self.to_chars(base + at..base + at + m.len()))
    }

    /// Whether `key` occurs inside the text's chars `span`.
    pub fn holds(&self, key: &str, span: &Range<usize>) -> bool {
        !key.is_empty() && self.compact[self.to_bytes(span)].contains(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_across_punctuation_and_script_and_maps_back() {
        let text = "推进行政执法“三项制度”。行政執法三項制度；";
        let c = Compacted::new(text, &Folding::Full);
        let chars: Vec<char> = text.chars().collect();
        let all = 0..chars.len();
        let found: Vec<String> = c.find("行政执法三项制度", &all).map(|r| chars[r].iter().collect()).collect();
        assert_eq!(found, vec!["行政执法“三项制度", "行政執法三項制度"]);
    }

    #[test]
    fn a_span_sees_only_its_own_chars() {
        let text = "法治。政府法治政府";
        let c = Compacted::new(text, &Folding::Full);
        assert_eq!(c.find("法治政府", &(0..9)).count(), 2);
        // Within the second sentence only.
        assert_eq!(c.find("法治政府", &(3..9)).collect::<Vec<_>>(), vec![5..9]);
        assert!(!c.holds("法治政府", &(0..3)));
        assert!(c.holds("政府", &(0..5)));
    }

    #[test]
    fn self_overlapping_keys_count_from_the_left() {
        let c = Compacted::new("法治法治法治", &Folding::Full);
        assert_eq!(c.find("法治法治", &(0..6)).collect::<Vec<_>>(), vec![0..4]);
        assert_eq!(c.find("", &(0..6)).count(), 0);
    }
}
