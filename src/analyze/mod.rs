//! Text analysis: normalize → segment.
//!
//! Everything that is indexed or matched goes through [`normalize`] first, so
//! a traditional, full-width or upper-case spelling meets its simplified,
//! half-width, lower-case twin. Normalization maps one char to one char, so
//! char offsets in normalized text are char offsets in the original.
//!
//! Two analyses then read the normalized text:
//! - words: jieba search-mode words for BM25 ranking (`index::terms::encode`
//!   for bodies, [`tokenizers::WordTokenizer`] for titles);
//! - grams: overlapping character bigrams with punctuation and whitespace
//!   removed, for exact matching (`index::terms::encode`).

pub mod compacted;
pub mod dictionary;
pub mod folding;
pub mod normalize;
pub mod query_dict;
pub mod tokenizers;
pub mod units;

pub use normalize::{compact, folds, is_word_char, key, normalize, normalize_char};
