//! Char-for-char normalization: traditional → simplified, full-width → half-width,
//! Latin lower case. The output always has exactly as many chars as the input.

/// Normalizes `text`; the result has the same number of chars as `text`.
pub fn normalize(text: &str) -> String {
    // fast2s converts char for char (with a little context for a few
    // ambiguous characters), so the char count is preserved.
    let simplified = fast2s::convert(text);
    simplified.chars().map(normalize_char).collect()
}

/// Width and case folding of one (already simplified) char.
pub fn normalize_char(c: char) -> char {
    let c = match c {
        // Full-width ASCII block.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    // Scripts with case end well before CJK; skip the table lookup for Han.
    if c < '\u{2D00}' || ('\u{A640}'..='\u{A7FF}').contains(&c) || ('\u{10400}'..='\u{1E943}').contains(&c) {
        if !c.is_uppercase() {
            return c;
        }
        // Only one-to-one mappings: offsets must not shift.
        let mut lower = c.to_lowercase();
        if let (Some(l), None) = (lower.next(), lower.next()) {
            return l;
        }
    }
    c
}

/// Whether a char takes part in matching. Punctuation, symbols and
/// whitespace are ignored: 行政执法“三项制度” matches 行政执法三项制度.
pub fn is_word_char(c: char) -> bool {
    // Common Han and ASCII first, and the punctuation of Chinese text (none
    // of it alphanumeric): the Unicode table lookup is the slow path.
    match c {
        '\u{4E00}'..='\u{9FFF}' => true,
        _ if c.is_ascii() => c.is_ascii_alphanumeric(),
        '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{3004}' | '\u{3008}'..='\u{3020}' => false,
        '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' => false,
        _ => c.is_alphanumeric(),
    }
}

/// Where traditional->simplified folding changed a char of a text, beyond
/// [`normalize_char`]: `(char index, folded char)`. Snippets patch these in
/// instead of folding the whole text again.
pub fn folds(original: &str, normalized: &str) -> Vec<(u32, char)> {
    original
        .chars()
        .zip(normalized.chars())
        .enumerate()
        .filter(|(_, (o, n))| normalize_char(*o) != *n)
        .map(|(i, (_, n))| (i as u32, n))
        .collect()
}

/// What a query term, a title or a unit is matched as: normalized, with
/// punctuation and whitespace removed.
pub fn key(text: &str) -> String {
    compact(&normalize(text))
}

/// The word chars of already normalized text, in order.
pub fn compact(normalized: &str) -> String {
    normalized.chars().filter(|&c| is_word_char(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_char_fast_paths_agree_with_unicode() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn folds_patch_per_char_normalization_into_full_folding() {
        for text in ["磐安縣ＡＢ法治", "堅持和發展新時代「楓橋經驗」", "普通的简体文本，没有要折叠的字。"]
        {
            let full = normalize(text);
            let f = folds(text, &full);
            let mut patched: Vec<char> = text.chars().map(normalize_char).collect();
            for &(i, c) in &f {
                patched[i as usize] = c;
            }
            assert_eq!(patched.into_iter().collect::<String>(), full);
            assert_eq!(f.len(), full.chars().zip(text.chars()).filter(|(n, o)| *n != normalize_char(*o)).count());
        }
        assert!(folds("普通的简体文本", &normalize("普通的简体文本")).is_empty());
    }

    #[test]
    fn folds_traditional_width_and_case() {
        assert_eq!(normalize("法治政府建設"), "法治政府建设");
        assert_eq!(normalize("楓橋經驗"), "枫桥经验");
        assert_eq!(normalize("ＡＢＣ１２３，"), "abc123,");
        assert_eq!(normalize("Ｗord"), "word");
    }

    #[test]
    fn case_shortcut_misses_no_cased_char() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut lower = c.to_lowercase();
            let full = match (lower.next(), lower.next()) {
                (Some(l), None) if c.is_uppercase() && !c.is_ascii() => l,
                _ => c,
            };
            if !c.is_ascii() && !('\u{FF01}'..='\u{FF5E}').contains(&c) && c != '\u{3000}' {
                assert_eq!(normalize_char(c), full, "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn keeps_char_count() {
        for s in ["", "a", "İstanbul", "ﬁ", "發佈時間：２０２４年", "\u{10FFFF}x\u{0}"] {
            assert_eq!(normalize(s).chars().count(), s.chars().count(), "{s:?}");
        }
    }

    #[test]
    fn han_fast_path_agrees_with_unicode() {
        assert!(('\u{4E00}'..='\u{9FFF}').all(|c| c.is_alphanumeric()));
    }

    #[test]
    fn compact_drops_punctuation_and_space() {
        assert_eq!(compact(&normalize("行政执法“三项制度” ，\n 落实")), "行政执法三项制度落实");
    }
}
