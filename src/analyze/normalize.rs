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
    // Common Han first: the Unicode table lookup is the slow path.
    matches!(c, '\u{4E00}'..='\u{9FFF}') || c.is_alphanumeric()
}

/// The word chars of already normalized text, in order.
pub fn compact(normalized: &str) -> String {
    normalized.chars().filter(|&c| is_word_char(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
