//! A report's grams, listed on the reading threads: the payload of the
//! custom `body_grams` field that the segment writer consumes.
//!
//! Payload: `varint n`, then `n` grams in key order, each `varint key delta`
//! (u64), `varint tf`, and `tf` varint position deltas (first absolute).

use super::format::{read_varint, read_varint64, write_varint, write_varint64};
use crate::analyze::is_word_char;

/// Closes every text: its last char `c` yields the gram `(c, '$')`.
pub const END_MARKER: char = '$';

/// The key of the gram `first second`.
pub fn key(first: char, second: char) -> u64 {
    (first as u64) << 32 | second as u64
}

/// The payload of `texts` (normalized). Each text is its own run of
/// positions, a gap after the previous one, so no match spans two texts.
pub fn payload(texts: &[&str]) -> Vec<u8> {
    let mut grams: Vec<(u64, u32)> = Vec::new();
    let mut position = 0u32;
    for text in texts {
        let mut prev: Option<char> = None;
        for c in text.chars().filter(|&c| is_word_char(c)) {
            if let Some(p) = prev {
                grams.push((key(p, c), position));
                position += 1;
            }
            prev = Some(c);
        }
        if let Some(p) = prev {
            grams.push((key(p, END_MARKER), position));
            position += 2;
        }
    }
    grams.sort_unstable();
    let mut out = Vec::with_capacity(grams.len() * 3);
    let distinct = grams.chunk_by(|a, b| a.0 == b.0).count();
    write_varint(&mut out, distinct as u32);
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

/// Walks a payload: `(key, where its tf and positions are)` per gram.
/// Stops quietly at a malformed end.
pub fn walk(payload: &[u8], mut each: impl FnMut(u64, usize)) {
    let mut at = 0;
    let Some(n) = read_varint(payload, &mut at) else { return };
    let mut key = 0u64;
    for _ in 0..n {
        let Some(delta) = read_varint64(payload, &mut at) else { return };
        key = key.wrapping_add(delta);
        each(key, at);
        let Some(tf) = read_varint(payload, &mut at) else { return };
        for _ in 0..tf {
            if read_varint(payload, &mut at).is_none() {
                return;
            }
        }
    }
}

/// The positions of the gram at `at` (as [`walk`] gives it), absolute.
pub fn positions(payload: &[u8], mut at: usize, out: &mut Vec<u32>) {
    out.clear();
    let Some(tf) = read_varint(payload, &mut at) else { return };
    let mut p = 0u32;
    for _ in 0..tf {
        let Some(delta) = read_varint(payload, &mut at) else { return };
        p = p.wrapping_add(delta);
        out.push(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(texts: &[&str]) -> Vec<(String, Vec<u32>)> {
        let bytes = payload(texts);
        let mut out = Vec::new();
        walk(&bytes, |k, at| {
            let mut ps = Vec::new();
            positions(&bytes, at, &mut ps);
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
            key(cs[0], cs[1])
        });
        assert_eq!(got, want);
        assert!(listed(&["。", ""]).is_empty());
    }

    #[test]
    fn a_truncated_payload_is_walked_without_panicking() {
        let bytes = payload(&["依法行政依法治国"]);
        for cut in 0..bytes.len() {
            walk(&bytes[..cut], |_, at| {
                let mut ps = Vec::new();
                positions(&bytes[..cut], at, &mut ps);
            });
        }
    }
}
