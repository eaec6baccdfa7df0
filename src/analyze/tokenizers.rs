//! tantivy tokenizers over normalized text.
//!
//! tantivy-jieba's `JiebaTokenizer` owns its `Jieba` by value, so every clone
//! tantivy makes copies the whole dictionary, and it emits punctuation and
//! spaces as tokens. [`WordTokenizer`] shares one dictionary and drops those.

use jieba_rs::TokenizeMode;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::{dictionary, is_word_char};

/// Marks the end of the gram stream: the last char `c` yields the gram `c$`,
/// so every char of a text starts at least one gram (see `query::plan`).
pub const END_MARKER: char = '$';

/// jieba search-mode words; tokens without a word char are dropped.
/// Holds no dictionary itself: clones are free, and the process-wide one is
/// loaded on the first text that needs segmenting.
#[derive(Clone, Default)]
pub struct WordTokenizer;

impl WordTokenizer {
    /// The words of `normalized`, as they are indexed.
    pub fn words(normalized: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut tokenizer = WordTokenizer;
        let mut stream = tokenizer.token_stream(normalized);
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }
}

pub struct WordStream<'a> {
    words: std::vec::IntoIter<jieba_rs::Token<'a>>,
    token: Token,
    position: usize,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&mut self, text: &'a str) -> WordStream<'a> {
        let words = dictionary::shared().tokenize(text, TokenizeMode::Search, true);
        WordStream { words: words.into_iter(), token: Token::default(), position: 0 }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        for word in self.words.by_ref() {
            if !word.word.chars().any(is_word_char) {
                continue;
            }
            self.token.text.clear();
            self.token.text.push_str(word.word);
            self.token.offset_from = word.byte_start;
            self.token.offset_to = word.byte_end;
            self.token.position = self.position;
            self.token.position_length = 1;
            self.position += 1;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Overlapping bigrams of the word chars, positioned by word-char index.
#[derive(Clone, Default)]
pub struct GramTokenizer;

pub struct GramStream<'a> {
    chars: std::str::CharIndices<'a>,
    prev: Option<(usize, char)>,
    position: usize,
    token: Token,
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = GramStream<'a>;

    fn token_stream<'a>(&mut self, text: &'a str) -> GramStream<'a> {
        GramStream { chars: text.char_indices(), prev: None, position: 0, token: Token::default() }
    }
}

impl GramStream<'_> {
    fn emit(&mut self, first: (usize, char), second: char, end: usize) {
        self.token.text.clear();
        self.token.text.push(first.1);
        self.token.text.push(second);
        self.token.offset_from = first.0;
        self.token.offset_to = end;
        self.token.position = self.position;
        self.token.position_length = 1;
        self.position += 1;
    }
}

impl TokenStream for GramStream<'_> {
    fn advance(&mut self) -> bool {
        for (at, c) in self.chars.by_ref() {
            if !is_word_char(c) {
                continue;
            }
            let prev = self.prev.replace((at, c));
            if let Some(first) = prev {
                self.emit(first, c, at + c.len_utf8());
                return true;
            }
        }
        // Text exhausted: close with `last$` once.
        if let Some(last) = self.prev.take() {
            self.emit(last, END_MARKER, last.0 + last.1.len_utf8());
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grams(text: &str) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        let mut tokenizer = GramTokenizer;
        let mut stream = tokenizer.token_stream(text);
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position));
        }
        out
    }

    #[test]
    fn grams_skip_punctuation_and_close_with_marker() {
        let got = grams("执法“三项”");
        let want = [("执法", 0), ("法三", 1), ("三项", 2), ("项$", 3)];
        assert_eq!(got, want.map(|(t, p)| (t.to_string(), p)).to_vec());
        assert_eq!(grams("。"), vec![]);
        assert_eq!(grams(" 镇 "), vec![("镇$".to_string(), 0)]);
    }
}
