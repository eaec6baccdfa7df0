//! The tantivy tokenizer of the `words` analyzer, over normalized text.
//!
//! tantivy-jieba's `JiebaTokenizer` owns its `Jieba` by value, so every clone
//! tantivy makes copies the whole dictionary, and it emits punctuation and
//! spaces as tokens. [`WordTokenizer`] shares one dictionary and drops those.

use jieba_rs::TokenizeMode;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::{dictionary, is_word_char};

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
