//! A report's terms, listed on the reading threads: the payloads of the
//! custom `body_grams` and `body_words` fields that the segment writers
//! consume.
//!
//! Payload: `varint length` (the report's number of tokens), `varint n`,
//! then `n` terms in key order, each `varint key delta` (u64), `varint tf`
//! and, for grams, `tf` varint position deltas (first absolute).

use super::format::{read_varint, read_varint64, write_varint, write_varint64};
use super::Kind;
use crate::analyze::is_word_char;
use crate::analyze::tokenizers::search_words;

/// Closes every text: its last char `c` yields the gram `(c, '$')`.
pub const END_MARKER: char = '$';

/// The key of the gram `first second`.
pub fn gram_key(first: char, second: char) -> u64 {
    (first as u64) << 32 | second as u64
}

/// The key of a word.
pub fn word_key(word: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(word.as_bytes())
}

/// The gram payload of `texts` (normalized). Each text is its own run of
/// positions, a gap after the previous one, so no match spans two texts.
pub fn grams(texts: &[&str]) -> Vec<u8> {
    let mut grams: Vec<(u64, u32)> = Vec::new();
    let mut position = 0u32;
    for text in texts {
        let mut prev: Option<char> = None;
        for c in text.chars().filter(|&c| is_word_char(c)) {
            if let Some(p) = prev {
                grams.push((gram_key(p, c), position));
                position += 1;
            }
            prev = Some(c);
        }
        if let Some(p) = prev {
            grams.push((gram_key(p, END_MARKER), position));
            position += 2;
        }
    }
    grams.sort_unstable();
    let mut out = Vec::with_capacity(grams.len() * 3);
    write_varint(&mut out, grams.len() as u32);
    write_varint(&mut out, grams.chunk_by(|a, b| a.0 == b.0).count() as u32);
    let mut prev_key = 0u64;
    for run in grams.chunk_by(|a, b| a.0 == b.0) {
        write_varint64(&mut out, run[0].0 - prev_key);
        prev_key = run[0].0;
        write_varint(&mut out, run.len() as u32);
        let mut prev_pos = 0;
        for &(_, p) in run {
            write_varint(&mut out, p - prev_pos);
            prev_pos = p;
        }
    }
    out
}

/// The word payload of `normalized`: its [`search_words`], counted.
pub fn words(normalized: &str) -> Vec<u8> {
    // Sorted and counted in runs: cheaper than hashing each token.
    let mut keys: Vec<u64> = search_words(normalized).map(|token| word_key(token.word)).collect();
    keys.sort_unstable();
    let mut out = Vec::with_capacity(keys.len() * 6 + 8);
    write_varint(&mut out, keys.len() as u32);
    write_varint(&mut out, keys.chunk_by(|a, b| a == b).count() as u32);
    let mut prev_key = 0u64;
    for run in keys.chunk_by(|a, b| a == b) {
        write_varint64(&mut out, run[0] - prev_key);
        prev_key = run[0];
        write_varint(&mut out, run.len() as u32);
    }
    out
}

/// Walks a payload: calls `each(key, where its tf is)` per term and
/// returns the report's length. Stops quietly at a malformed end.
pub fn walk(kind: Kind, payload: &[u8], mut each: impl FnMut(u64, usize)) -> u32 {
    let mut at = 0;
    let (Some(length), Some(n)) = (read_varint(payload, &mut at), read_varint(payload, &mut at)) else {
        return 0;
    };
    let mut key = 0u64;
    for _ in 0..n {
        let Some(delta) = read_varint64(payload, &mut at) else { return length };
        key = key.wrapping_add(delta);
        each(key, at);
        let Some(tf) = read_varint(payload, &mut at) else { return length };
        if kind.has_positions() {
            for _ in 0..tf {
                if read_varint(payload, &mut at).is_none() {
                    return length;
                }
            }
        }
    }
    length
}

/// The tf at `at` (as [`walk`] gives it), and for grams the positions,
/// absolute, into `positions`.
pub fn read_term(kind: Kind, payload: &[u8], mut at: usize, positions: &mut Vec<u32>) -> u32 {
    positions.clear();
    let Some(tf) = read_varint(payload, &mut at) else { return 0 };
    if kind.has_positions() {
        let mut p = 0u32;
        for _ in 0..tf {
            let Some(delta) = read_varint(payload, &mut at) else { break };
            p = p.wrapping_add(delta);
            positions.push(p);
        }
    }
    tf
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::tokenizers::WordTokenizer;
    use std::collections::HashMap;

    fn listed(texts: &[&str]) -> Vec<(String, Vec<u32>)> {
        let bytes = grams(texts);
        let mut out = Vec::new();
        walk(Kind::Grams, &bytes, |k, at| {
            let mut ps = Vec::new();
            let tf = read_term(Kind::Grams, &bytes, at, &mut ps);
            assert_eq!(tf as usize, ps.len());
            let first = char::from_u32((k >> 32) as u32).unwrap();
            let second = char::from_u32(k as u32).unwrap();
            out.push((format!("{first}{second}"), ps));
        });
        out
    }

    #[test]
    fn grams_skip_punctuation_close_each_text_and_keep_positions() {
        let got = listed(&["执法“三项”执法", "镇"]);
        let want = [
            ("三项", vec![2]),
            ("执法", vec![0, 4]),
            ("法$", vec![5]),
            ("法三", vec![1]),
            ("镇$", vec![7]),
            ("项执", vec![3]),
        ];
        let mut want: Vec<(String, Vec<u32>)> = want.into_iter().map(|(g, p)| (g.to_string(), p)).collect();
        want.sort_by_key(|(g, _)| {
            let cs: Vec<char> = g.chars().collect();
            gram_key(cs[0], cs[1])
        });
        assert_eq!(got, want);
        assert!(listed(&["。", ""]).is_empty());
    }

    #[test]
    fn words_are_counted_without_punctuation() {
        let text = "坚持依法行政，依法行政！";
        let bytes = words(text);
        let mut got = HashMap::new();
        let length = walk(Kind::Words, &bytes, |k, at| {
            got.insert(k, read_term(Kind::Words, &bytes, at, &mut Vec::new()));
        });
        let mut want: HashMap<u64, u32> = HashMap::new();
        let indexed = WordTokenizer::words(text);
        for w in &indexed {
            *want.entry(word_key(w)).or_default() += 1;
        }
        let n = indexed.len() as u32;
        assert_eq!(got, want);
        assert_eq!(length, n);
        assert_eq!(got[&word_key("依法行政")], 2);
    }

    #[test]
    fn a_truncated_payload_is_walked_without_panicking() {
        for (kind, bytes) in [(Kind::Grams, grams(&["依法行政依法治国"])), (Kind::Words, words("依法行政依法治国"))]
        {
            for cut in 0..bytes.len() {
                walk(kind, &bytes[..cut], |_, at| {
                    read_term(kind, &bytes[..cut], at, &mut Vec::new());
                });
            }
        }
    }
}
