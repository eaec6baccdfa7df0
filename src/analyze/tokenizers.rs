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

/// The indexed words of `normalized`: jieba search mode with the shared
/// dictionary, tokens without a word char dropped. The one definition for
/// titles (through [`WordTokenizer`]) and bodies (`index::terms::encode`).
pub fn search_words(normalized: &str) -> SearchWords<'_> {
    let words = dictionary::shared().tokenize(normalized, TokenizeMode::Search, true);
    words.into_iter().filter(has_word_char)
}

pub type SearchWords<'a> = std::iter::Filter<std::vec::IntoIter<jieba_rs::Token<'a>>, fn(&jieba_rs::Token<'a>) -> bool>;

fn has_word_char(token: &jieba_rs::Token<'_>) -> bool {
    token.word.chars().any(is_word_char)
}

impl WordTokenizer {
    /// The words of `normalized`, as they are indexed.
    pub fn words(normalized: &str) -> Vec<String> {
        search_words(normalized).map(|t| t.word.to_string()).collect()
    }
}

pub struct WordStream<'a> {
    words: SearchWords<'a>,
    token: Token,
    position: usize,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&mut self, text: &'a str) -> WordStream<'a> {
        WordStream { words: search_words(text), token: Token::default(), position: 0 }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        if let Some(word) = self.words.next() {
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
