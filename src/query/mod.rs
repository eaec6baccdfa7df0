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

/// Draws below `n`, reproducible from `seed` (xorshift): the random texts
/// and terms of this module's tests.
#[cfg(test)]
pub(crate) fn draws(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}
