//! One jieba dictionary per process, shared by every tokenizer clone.
//!
//! `Jieba::new()` costs ~170 ms and ~30 MB, and tantivy clones a tokenizer
//! for every field it analyzes, so the dictionary lives behind an `Arc`
//! built once, on first use. Searches segment their queries with
//! [`super::query_dict`] instead, which never loads it.

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;

/// The rule-of-law user dictionary (index-schema/fazhi-dict.txt).
pub const USER_DICTIONARY: &str = include_str!("../../index-schema/fazhi-dict.txt");

/// The process-wide dictionary: jieba's default one plus [`USER_DICTIONARY`].
pub fn shared() -> Arc<Jieba> {
    JIEBA.get_or_init(|| Arc::new(load())).clone()
}

/// The process-wide dictionary if something has loaded it already.
pub fn loaded() -> Option<Arc<Jieba>> {
    JIEBA.get().cloned()
}

static JIEBA: OnceLock<Arc<Jieba>> = OnceLock::new();

fn load() -> Jieba {
    let mut jieba = Jieba::new();
    for (word, freq, tag) in user_entries() {
        jieba.add_word(word, freq, tag);
    }
    jieba
}

/// Entries of the user dictionary: `WORD [FREQ [TAG]]`, `#` comments.
pub fn user_entries() -> impl Iterator<Item = (&'static str, Option<usize>, Option<&'static str>)> {
    USER_DICTIONARY.lines().filter_map(|line| {
        let line = line.split('#').next().unwrap_or("").trim();
        let mut parts = line.split_whitespace();
        let word = parts.next()?;
        let freq = parts.next().and_then(|f| f.parse().ok());
        Some((word, freq, parts.next()))
    })
}
