//! Sentences and paragraphs of a text, as char ranges: the units that
//! `--within` asks a query's terms to share, and that snippets show.
//!
//! A sentence ends after 。！？； (with any closing quotes and brackets
//! that follow) and at a line end; a paragraph ends at a line end. Ranges
//! are raw: they cover every char, whitespace included, in order.

use std::ops::Range;

/// A unit of text that all of a query's terms must share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Sentence,
    Paragraph,
}

impl Unit {
    /// `sentence`/`paragraph`, or their Chinese names.
    pub fn parse(s: &str) -> Option<Unit> {
        match s.trim() {
            "sentence" | "句" | "句子" | "同句" => Some(Unit::Sentence),
            "paragraph" | "段" | "段落" | "同段" => Some(Unit::Paragraph),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Unit::Sentence => "sentence",
            Unit::Paragraph => "paragraph",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Unit::Sentence => "同一句",
            Unit::Paragraph => "同一段",
        }
    }

    /// The text's units of this kind.
    pub fn split(self, chars: &[char]) -> Vec<Range<usize>> {
        match self {
            Unit::Sentence => sentences(chars),
            Unit::Paragraph => paragraphs(chars),
        }
    }
}

pub fn is_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；')
}

/// Closing quotes and brackets: they belong to the sentence they close.
fn is_closer(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | '）' | ')' | '"' | '\'' | '》' | '】')
}

/// Sentences: cut after a run of terminators and closers, and at `\n`
/// (which belongs to no sentence).
pub fn sentences(chars: &[char]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c == '\n' {
            out.push(start..i - 1);
        } else if is_terminator(c) {
            while i < chars.len() && (is_terminator(chars[i]) || is_closer(chars[i])) {
                i += 1;
            }
            out.push(start..i);
        } else {
            continue;
        }
        start = i;
    }
    out.push(start..chars.len());
    out.retain(|r| !r.is_empty());
    out
}

/// Paragraphs: the lines of the text.
pub fn paragraphs(chars: &[char]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' {
            out.push(start..i);
            start = i + 1;
        }
    }
    out.push(start..chars.len());
    out.retain(|r| !r.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, unit: Unit) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        unit.split(&chars).into_iter().map(|r| chars[r].iter().collect()).collect()
    }

    #[test]
    fn sentences_end_after_terminators_and_their_closers_and_at_line_ends() {
        let text = "他说：“好。”然后走了！真的？是；\n新的一行没有句号\n\n末句。";
        assert_eq!(
            texts(text, Unit::Sentence),
            vec!["他说：“好。”", "然后走了！", "真的？", "是；", "新的一行没有句号", "末句。"]
        );
    }

    #[test]
    fn paragraphs_are_lines_and_cover_every_char_but_line_ends() {
        let text = "第一段。还是第一段。\n第二段\n\n第三段";
        assert_eq!(texts(text, Unit::Paragraph), vec!["第一段。还是第一段。", "第二段", "第三段"]);
        let chars: Vec<char> = text.chars().collect();
        let covered: usize = paragraphs(&chars).iter().map(|r| r.len()).sum();
        assert_eq!(covered, chars.iter().filter(|&&c| c != '\n').count());
    }

    #[test]
    fn names_parse_both_ways() {
        assert_eq!(Unit::parse("sentence"), Some(Unit::Sentence));
        assert_eq!(Unit::parse("段落"), Some(Unit::Paragraph));
        assert_eq!(Unit::parse("page"), None);
    }
}
