//! Query → parse ([`parse`]) → tantivy queries ([`plan`]).

pub mod exact;
pub mod filters;
pub mod parse;
pub mod plan;

pub use parse::{parse, ParsedQuery, QueryTerm};
