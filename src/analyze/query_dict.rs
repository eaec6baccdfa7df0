//! Query segmentation without loading jieba's full dictionary.
//!
//! jieba's cut of a sentence reads the dictionary in two ways only: the DAG
//! holds the dictionary words that are substrings of the sentence, and the
//! route scores each by `ln(freq) - ln(total)`; the HMM for what is left is
//! compiled into jieba-rs. So a `Jieba` holding just the words found in the
//! query, with their frequencies, plus one entry no text can contain that
//! brings its total up to the full dictionary's, cuts exactly as the full one
//! does. Building it takes microseconds; `Jieba::new()` parses 349,045 lines
//! (~150 ms).
//!
//! The words are found in `index-schema/jieba-dict.fst`, jieba-rs's default
//! dictionary as an FST (word → frequency, the empty key → the total), mapped
//! straight from the binary: a walk from every char of the query yields the
//! words starting there. tests/query_dict.rs checks that the table equals
//! jieba-rs's dictionary and regenerates it. The user dictionary's
//! frequencies are worked out on first use (see [`Tables::load`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use fst::raw::Output;
use fst::Map;
use jieba_rs::Jieba;

use super::dictionary::{self, user_entries};

/// jieba-rs's default dictionary: word → frequency, and "" → the sum of all.
static TABLE: &[u8] = include_bytes!("../../index-schema/jieba-dict.fst");

/// An entry that makes up the total. A DAG only holds words inside runs of
/// CJK, ASCII alphanumerics and `+#&._%-`, so no text ever contains it.
const REST: &str = "\u{0}";

/// The full dictionary's words and frequencies, without its trie.
pub struct Tables {
    default: Map<&'static [u8]>,
    /// Frequencies the user dictionary sets, as the full dictionary ends up
    /// with them (the last entry of a word wins).
    user: HashMap<&'static str, usize>,
    /// Bytes in the longest user word.
    user_max_len: usize,
    /// The full dictionary's total frequency, user entries included.
    total: usize,
}

/// The process-wide tables; `None` only if the embedded table is unreadable,
/// and then callers fall back to the full dictionary.
pub fn tables() -> Option<&'static Tables> {
    static TABLES: OnceLock<Option<Tables>> = OnceLock::new();
    TABLES.get_or_init(Tables::load).as_ref()
}

/// The words of `text` exactly as the full dictionary's `cut(text, true)`
/// (default mode, HMM on) gives them. Uses the full dictionary when this
/// process has loaded it anyway (indexing, a large batch), else a dictionary
/// of just the words in `text`.
pub fn cut(text: &str) -> Vec<&str> {
    let words = |jieba: &Jieba| jieba.cut(text, true).into_iter().map(|t| t.word).collect();
    if let Some(full) = dictionary::loaded() {
        return words(&full);
    }
    match tables().and_then(|t| t.dictionary_for(text)) {
        Some(small) => words(&small),
        None => words(&dictionary::shared()),
    }
}

impl Tables {
    fn load() -> Option<Tables> {
        let default = Map::new(TABLE).ok()?;
        let total = usize::try_from(default.get("")?).ok()?;
        let user_max_len = user_entries().map(|(w, _, _)| w.len()).max().unwrap_or(0);
        let mut tables = Tables { default, user: HashMap::new(), user_max_len, total };
        tables.add_user_entries()?;
        Some(tables)
    }

    /// Applies the user dictionary as `dictionary::shared()` does, one
    /// `add_word` after the other. An entry without a frequency gets
    /// jieba's `suggest_freq` against the dictionary as it stands then;
    /// that cut only reads the entry's own substrings, so it is asked of a
    /// `Jieba` holding those (at their current frequencies) and the current
    /// total. The ~190 entries take about a millisecond, once per process;
    /// worked out here, they cannot fall out of step with fazhi-dict.txt.
    fn add_user_entries(&mut self) -> Option<()> {
        let mut mirror = Mirror::default();
        for (word, freq, _) in user_entries() {
            let freq = match freq {
                Some(f) => f,
                None => {
                    self.for_each_word_in(word, |w, f| mirror.set(w, f));
                    mirror.set_total(self.total)?;
                    mirror.jieba.suggest_freq(word)
                }
            };
            let old = self.frequency(word).unwrap_or(0);
            self.total = (self.total + freq).checked_sub(old)?;
            self.user.insert(word, freq);
            // Words held keep their current frequencies, so they never
            // outweigh the total.
            if mirror.freqs.contains_key(word) {
                mirror.set(word, freq);
            }
        }
        Some(())
    }

    /// The full dictionary's total frequency.
    pub fn total(&self) -> usize {
        self.total
    }

    /// A word's frequency in the full dictionary, `None` if it has none.
    pub fn frequency(&self, word: &str) -> Option<usize> {
        if word.is_empty() {
            return None;
        }
        match self.user.get(word) {
            Some(&f) => Some(f),
            None => self.default.get(word).and_then(|f| usize::try_from(f).ok()),
        }
    }

    /// The default dictionary's total and entries, in byte order (for tests).
    pub fn default_entries(&self) -> (u64, Vec<(String, u64)>) {
        let mut total = 0;
        let mut entries = Vec::with_capacity(self.default.len());
        let mut stream = self.default.stream();
        while let Some((key, value)) = fst::Streamer::next(&mut stream) {
            match key {
                b"" => total = value,
                _ => entries.push((String::from_utf8_lossy(key).into_owned(), value)),
            }
        }
        (total, entries)
    }

    /// Calls `f` with every dictionary word that occurs in `text` and its
    /// frequency, once per occurrence.
    pub fn for_each_word_in<'t>(&self, text: &'t str, mut f: impl FnMut(&'t str, usize)) {
        let fst = self.default.as_fst();
        for (start, _) in text.char_indices() {
            let mut node = fst.root();
            let mut out = Output::zero();
            for (i, &byte) in text.as_bytes()[start..].iter().enumerate() {
                let Some(t) = node.find_input(byte) else { break };
                out = out.cat(node.transition(t).out);
                node = fst.node(node.transition(t).addr);
                let end = start + i + 1;
                if node.is_final() && text.is_char_boundary(end) {
                    let word = &text[start..end];
                    if !self.user.contains_key(word) {
                        if let Ok(freq) = usize::try_from(out.cat(node.final_output()).value()) {
                            f(word, freq);
                        }
                    }
                }
            }
            // User words, which the table does not hold.
            let ends = text[start..].char_indices().map(|(i, c)| start + i + c.len_utf8());
            for end in ends.take_while(|&end| end - start <= self.user_max_len) {
                let word = &text[start..end];
                if let Some(&freq) = self.user.get(word) {
                    f(word, freq);
                }
            }
        }
    }

    /// A `Jieba` that segments `text` (and any part of it) exactly as the
    /// full dictionary does, in every cut mode (it holds no POS tags).
    /// `None` only on inconsistent tables.
    pub fn dictionary_for(&self, text: &str) -> Option<Jieba> {
        let mut mirror = Mirror::default();
        self.for_each_word_in(text, |w, f| mirror.set(w, f));
        mirror.set_total(self.total)?;
        Some(mirror.jieba)
    }
}

/// A `Jieba` holding some of the full dictionary's words, whose total is
/// kept equal to the full one's by the [`REST`] entry.
struct Mirror<'a> {
    jieba: Jieba,
    /// Frequencies of the words held, [`REST`] excluded.
    freqs: HashMap<&'a str, usize>,
    sum: usize,
}

impl Default for Mirror<'_> {
    fn default() -> Self {
        Mirror { jieba: Jieba::empty(), freqs: HashMap::new(), sum: 0 }
    }
}

impl<'a> Mirror<'a> {
    fn set(&mut self, word: &'a str, freq: usize) {
        let old = self.freqs.insert(word, freq);
        if old != Some(freq) {
            self.sum = self.sum + freq - old.unwrap_or(0);
            self.jieba.add_word(word, Some(freq), None);
        }
    }

    /// Sets the [`REST`] entry so that the total is `total`; `None` if the
    /// words held already weigh more, which consistent tables never do.
    fn set_total(&mut self, total: usize) -> Option<()> {
        self.jieba.add_word(REST, Some(total.checked_sub(self.sum)?), None);
        Some(())
    }
}

/// Builds the table from a dictionary in jieba's `WORD FREQ [TAG]` format:
/// what tests/query_dict.rs runs on jieba-rs's `src/data/dict.txt`. As in
/// `Jieba::load_default_dict`, a missing frequency is 0. A repeated word is
/// refused: jieba-rs's default dictionary has none, and which of its
/// frequencies jieba would use is not part of its interface.
pub fn build_table(dict: &str) -> anyhow::Result<Vec<u8>> {
    let mut words = BTreeMap::new();
    let mut total: u64 = 0;
    for (n, line) in dict.lines().enumerate() {
        let mut parts = line.split_ascii_whitespace();
        let Some(word) = parts.next() else { continue };
        let freq: u64 = match parts.next() {
            Some(f) => f.parse().map_err(|e| anyhow::anyhow!("line {}: frequency {f}: {e}", n + 1))?,
            None => 0,
        };
        total += freq;
        if words.insert(word, freq).is_some() {
            anyhow::bail!("line {}: {word} is repeated", n + 1);
        }
    }
    let mut builder = fst::MapBuilder::memory();
    builder.insert("", total)?;
    for (word, freq) in words {
        builder.insert(word, freq)?;
    }
    Ok(builder.into_inner()?)
}
