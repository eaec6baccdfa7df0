//! BM25 statistics of the reports an index holds now, for tantivy's own
//! scored fields (titles).
//!
//! tantivy counts every document a segment ever had (deleted ones, reposts
//! and file records included) until a merge drops the deleted, and its
//! merges estimate a field's tokens from one-byte field norms. So the same
//! reports would rank differently after updates than in a fresh build.
//! Here every figure is taken over the live reports alone, the same way
//! whatever the history: the number of reports, the field's tokens as the
//! sum of their field norms, and a term's reports counted in its postings.
//! (The body's words have their own, exact statistics: `query::rank`.)

use std::collections::HashMap;
use std::sync::Mutex;

use tantivy::collector::Count;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, Term, TERMINATED};

use crate::index::Fields;

/// What does not depend on the query, worked out once per searcher: the
/// live reports, and each scored field's tokens (on first use).
pub struct LiveTotals {
    reports: u64,
    tokens: Mutex<HashMap<Field, u64>>,
}

impl LiveTotals {
    pub fn new(searcher: &Searcher, fields: &Fields) -> tantivy::Result<LiveTotals> {
        let reports = searcher.search(&fields.every_report(), &Count)? as u64;
        Ok(LiveTotals { reports, tokens: Mutex::default() })
    }

    /// The statistics for one search over `searcher` (the one these
    /// totals were worked out on).
    pub fn over<'a>(&'a self, searcher: &'a Searcher) -> LiveStats<'a> {
        LiveStats { searcher, totals: self }
    }
}

pub struct LiveStats<'a> {
    searcher: &'a Searcher,
    totals: &'a LiveTotals,
}

fn field_tokens(searcher: &Searcher, field: Field) -> tantivy::Result<u64> {
    let mut total = 0u64;
    for segment in searcher.segment_readers() {
        let Some(norms) = segment.fieldnorms_readers().get_field(field)? else { continue };
        let mut count = [0u64; 256];
        for doc in segment.doc_ids_alive() {
            count[norms.fieldnorm_id(doc) as usize] += 1;
        }
        total += count
            .iter()
            .enumerate()
            .map(|(id, n)| n * u64::from(tantivy::fieldnorm::FieldNormReader::id_to_fieldnorm(id as u8)))
            .sum::<u64>();
    }
    Ok(total)
}

impl Bm25StatisticsProvider for LiveStats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let known = self.totals.tokens.lock().ok().and_then(|t| t.get(&field).copied());
        if let Some(total) = known {
            return Ok(total);
        }
        let total = field_tokens(self.searcher, field)?;
        if let Ok(mut tokens) = self.totals.tokens.lock() {
            tokens.insert(field, total);
        }
        Ok(total)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.totals.reports.max(1))
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let mut total = 0u64;
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(term.field())?;
            let Some(alive) = segment.alive_bitset() else {
                total += u64::from(inverted.doc_freq(term)?);
                continue;
            };
            let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::Basic)? else { continue };
            while postings.doc() != TERMINATED {
                total += u64::from(alive.is_alive(postings.doc()));
                postings.advance();
            }
        }
        Ok(total.min(self.totals.reports.max(1)))
    }
}
