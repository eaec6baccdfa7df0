//! The gram index: every report's character bigrams with their positions,
//! kept by fazhi itself as a tantivy segment plugin (one `.grams` file per
//! segment), and read by exact matching (`query::exact`).
//!
//! Why not a tantivy text field: tantivy's in-memory postings writer does a
//! hash-table lookup per token, and with one bigram per character that was
//! three quarters of indexing time. Here each report's bigrams are listed
//! and sorted on the reading threads, on all cores ([`encode`]); a segment
//! writer only appends them and sorts once, when it writes the segment
//! ([`plugin`]). The file layout is in [`format`].
//!
//! A gram is two word chars of the normalized text (punctuation and spaces
//! removed), as the key `first << 32 | second`; the last char of a text also
//! yields `(last, '$')`, so every char starts some gram and a one-char query
//! is the range of keys starting with it.

pub mod encode;
pub mod format;
pub mod plugin;
pub mod postings;

pub use encode::{key, END_MARKER};
pub use plugin::GramPlugin;
pub use postings::{GramIndex, GramPostings};

/// The custom field type the plugin consumes.
pub const TYPE_NAME: &str = "fazhi_grams";
/// The segment file extension.
pub const EXTENSION: &str = "grams";
