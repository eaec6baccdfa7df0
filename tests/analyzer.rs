//! The analysis chain: the shared dictionary, the user vocabulary, and
//! agreement of our tokenizer with the upstream tantivy-jieba bridge.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::CORE_TERMS;
use fazhi::analyze::dictionary::{self, user_entries};
use fazhi::analyze::tokenizers::WordTokenizer;
use fazhi::analyze::{compact, is_word_char, normalize};
use tantivy::tokenizer::{TokenStream, Tokenizer};

#[test]
fn one_dictionary_per_process_shared_by_every_clone() {
    let a = dictionary::shared();
    let b = std::thread::spawn(dictionary::shared).join().unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    // A tokenizer clone carries no dictionary of its own.
    assert_eq!(std::mem::size_of::<WordTokenizer>(), 0);
}

#[test]
fn user_vocabulary_is_large_normalized_and_kept_whole() {
    let words: Vec<&str> = user_entries().map(|(w, _, _)| w).collect();
    let unique: BTreeSet<&str> = words.iter().copied().collect();
    assert!(unique.len() >= 150, "{} words", unique.len());
    assert_eq!(unique.len(), words.len(), "duplicates in the dictionary");
    let jieba = dictionary::shared();
    for w in &words {
        assert_eq!(compact(&normalize(w)), *w, "{w} is not in normalized, compact form");
        let cut: Vec<&str> = jieba.cut(w, false).iter().map(|t| t.word).collect();
        assert_eq!(cut, vec![*w], "{w} is not one word");
    }
    for must in CORE_TERMS {
        assert!(unique.contains(must), "{must}");
    }
    // Search mode adds only 2- and 3-char sub-words, so no entry may hide a
    // longer one inside it.
    for a in &words {
        for b in &words {
            assert!(a == b || b.chars().count() < 4 || !a.contains(b), "{a} hides {b} from ranking");
        }
    }
    let words = WordTokenizer::words("坚持和发展新时代枫桥经验，培育法律明白人");
    assert!(words.contains(&"枫桥经验".to_string()) && words.contains(&"法律明白人".to_string()), "{words:?}");
}

#[test]
fn agrees_with_tantivy_jieba_minus_punctuation() {
    let mut reference_jieba = jieba_rs::Jieba::new();
    for (w, f, t) in user_entries() {
        reference_jieba.add_word(w, f, t);
    }
    let mut reference = tantivy_jieba::JiebaTokenizer::with_jieba(reference_jieba);
    for entry in std::fs::read_dir(common::bundled_corpus()).unwrap() {
        let text = normalize(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
        let mut expected = Vec::new();
        let mut stream = reference.token_stream(&text);
        while let Some(t) = stream.next() {
            if t.text.chars().any(is_word_char) {
                expected.push(t.text.clone());
            }
        }
        let got = WordTokenizer::words(&text);
        assert!(!got.is_empty());
        assert_eq!(got, expected);
        assert!(got.iter().all(|w| w.chars().any(is_word_char)));
    }
}
