//! Query → parse ([`parse`]) → tantivy queries ([`plan`]): exact matching
//! ([`exact`]) and BM25 ranking ([`rank`]) over fazhi's term indexes, the
//! matches scored by their ranking clauses ([`ranked`]).

pub mod exact;
pub mod fields;
pub mod filters;
pub mod parse;
pub mod plan;
pub mod published;
pub mod rank;
pub mod ranked;

pub use parse::{parse, ParsedQuery, QueryTerm};
