//! The phrase lists under index-schema/ (page-chrome.txt, ad-cues.txt):
//! `#` comments and blank lines aside, `[section]` headers, one entry a line.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// The entries of section `name`, in file order (entries before any
/// header belong to none).
pub fn section<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    let mut current: Option<&str> = None;
    let mut entries = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        match line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            Some(header) => current = Some(header),
            None if current == Some(name) => entries.push(line),
            None => {}
        }
    }
    entries
}

/// Finds the phrases in a line: ASCII case ignored, the longest first.
pub fn automaton<P: AsRef<[u8]>>(phrases: &[P]) -> AhoCorasick {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(phrases)
        .expect("a phrase list builds")
}

#[cfg(test)]
mod tests {
    #[test]
    fn sections_comments_and_stray_entries() {
        let text = "# note\nstray\n[a]\n一\n\n 二 \n[b]\n三\n# 四\n";
        assert_eq!(super::section(text, "a"), ["一", "二"]);
        assert_eq!(super::section(text, "b"), ["三"]);
        assert!(super::section(text, "c").is_empty());
    }
}
