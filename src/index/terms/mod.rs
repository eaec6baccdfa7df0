//! Term indexes fazhi keeps itself, as tantivy segment plugins: the gram
//! index (every report's character bigrams with their positions, one
//! `.grams` file per segment, read by exact matching in `query::exact`) and
//! the word index (jieba words with their frequencies and each report's
//! length, one `.words` file, read by BM25 ranking in `query::rank`).
//!
//! Why not tantivy text fields: tantivy's in-memory postings writer does a
//! hash-table lookup per token; with one bigram per character plus jieba's
//! words that was most of indexing time, on tantivy's indexing threads.
//! Here each report's terms are listed, counted and sorted on the reading
//! threads, on all cores ([`encode`]); a segment writer only appends them
//! and sorts once, when it writes the segment ([`plugin`]). The file layout
//! is in [`format`], reading in [`reader`], checking a whole file in
//! [`verify`](mod@verify).
//!
//! A gram is two word chars of the normalized text (punctuation and spaces
//! removed), as the key `first << 32 | second`; the last char of a text also
//! yields `(last, '$')`, so every char starts some gram and a one-char query
//! is the range of keys starting with it. A word's key is the xxh3 hash of
//! its text: with a million distinct words, the chance that a query word
//! meets another word's hash is about 1e-13.

pub mod encode;
pub mod format;
pub mod memo;
pub mod plugin;
pub mod reader;
pub mod verify;

pub use encode::{gram_key, word_key, END_MARKER};
pub use format::VERSION;
pub use memo::{Lookup, Memo};
pub use plugin::TermPlugin;
pub use reader::{Damaged, TermIndex, TermPostings, Totals};
pub use verify::verify;

use std::sync::Arc;

use tantivy::SegmentPlugin;

/// The plugins every fazhi index is created and opened with: one per kind.
pub fn plugins() -> impl Iterator<Item = Arc<dyn SegmentPlugin>> {
    Kind::ALL.into_iter().map(|kind| Arc::new(TermPlugin::new(kind)) as Arc<dyn SegmentPlugin>)
}

/// What a term index holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Character bigrams with positions.
    Grams,
    /// jieba words with frequencies.
    Words,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Grams, Kind::Words];

    /// The custom field type of schema.json and tantivy's schema.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Grams => "fazhi_grams",
            Kind::Words => "fazhi_words",
        }
    }

    /// The kind a schema.json field type names.
    pub fn from_schema(kind: &str) -> Option<Kind> {
        match kind {
            "grams" => Some(Kind::Grams),
            "words" => Some(Kind::Words),
            _ => None,
        }
    }

    /// The segment file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Grams => "grams",
            Kind::Words => "words",
        }
    }

    /// The segment file, as tantivy names segment components.
    pub fn component(self) -> tantivy::index::SegmentComponent {
        tantivy::index::SegmentComponent::Custom(self.extension().to_string())
    }

    pub fn has_positions(self) -> bool {
        self == Kind::Grams
    }
}
