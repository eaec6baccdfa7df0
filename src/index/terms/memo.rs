//! The reports of one segment that a term matches exactly, kept for the
//! next query that asks (what Lucene's query cache does for filter
//! clauses). Exact matching verifies bigram positions report by report,
//! most of a query's cost; a server asked the same term again (the next
//! page, a facet clicked, another filter, another user's shared link)
//! then reads the answer instead.
//!
//! A segment never changes once written, so an answer stays right for as
//! long as the segment lives, and the memo lives in the segment's cached
//! term index (released with it). Deletes are not in it: collectors skip
//! deleted reports, as they do for a fresh match.
//!
//! A term is remembered the second time it is asked, not the first, so
//! one-off queries cost nothing extra; the memo holds at most
//! [`ENTRIES`] answers per segment (a bit per report each), dropping the
//! least recently used.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use tantivy::BitSet;

/// Answers kept per segment: at most 32 bytes per report in all.
pub const ENTRIES: usize = 256;
/// Terms asked once that are remembered as asked.
const SEEN: usize = 4 * ENTRIES;

#[derive(Default)]
pub struct Memo(Mutex<Inner>);

#[derive(Default)]
struct Inner {
    /// Term → (its reports, when last used).
    answers: HashMap<Box<str>, (BitSet, u64)>,
    /// Terms asked once.
    seen: HashSet<Box<str>>,
    clock: u64,
}

/// What to do for a term.
pub enum Lookup {
    /// Its reports, already known.
    Known(BitSet),
    /// Asked before: work them all out and [`Memo::keep`] them.
    Keep,
    /// Asked for the first time: match as usual.
    Match,
}

impl Memo {
    pub fn lookup(&self, term: &str) -> Lookup {
        // A poisoned lock only means another query panicked: match as usual.
        let Ok(mut inner) = self.0.lock() else { return Lookup::Match };
        inner.clock += 1;
        let now = inner.clock;
        if let Some((docs, used)) = inner.answers.get_mut(term) {
            *used = now;
            return Lookup::Known(docs.clone());
        }
        if inner.seen.remove(term) {
            return Lookup::Keep;
        }
        if inner.seen.len() >= SEEN {
            inner.seen.clear();
        }
        inner.seen.insert(term.into());
        Lookup::Match
    }

    pub fn keep(&self, term: &str, docs: &BitSet) {
        let Ok(mut inner) = self.0.lock() else { return };
        if inner.answers.len() >= ENTRIES && !inner.answers.contains_key(term) {
            let oldest = inner.answers.iter().min_by_key(|(_, (_, used))| *used).map(|(t, _)| t.clone());
            if let Some(oldest) = oldest {
                inner.answers.remove(&oldest);
            }
        }
        inner.clock += 1;
        let now = inner.clock;
        inner.answers.insert(term.into(), (docs.clone(), now));
    }

    /// How many answers are kept.
    pub fn kept(&self) -> usize {
        self.0.lock().map_or(0, |inner| inner.answers.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(docs: &[u32]) -> BitSet {
        let mut s = BitSet::with_max_value(100);
        for &d in docs {
            s.insert(d);
        }
        s
    }

    #[test]
    fn a_term_is_kept_the_second_time_and_the_least_recently_used_goes_first() {
        let memo = Memo::default();
        assert!(matches!(memo.lookup("枫桥经验"), Lookup::Match));
        assert!(matches!(memo.lookup("枫桥经验"), Lookup::Keep));
        memo.keep("枫桥经验", &set(&[3, 7]));
        match memo.lookup("枫桥经验") {
            Lookup::Known(docs) => assert_eq!((docs.len(), docs.contains(7), docs.contains(4)), (2, true, false)),
            _ => panic!("kept, then not known"),
        }
        for i in 0..ENTRIES {
            memo.keep(&format!("词{i}"), &set(&[i as u32 % 100]));
            if i == ENTRIES / 2 {
                // Used again: it outlives the terms kept before this.
                assert!(matches!(memo.lookup("枫桥经验"), Lookup::Known(_)));
            }
        }
        assert_eq!(memo.kept(), ENTRIES);
        assert!(matches!(memo.lookup("枫桥经验"), Lookup::Known(_)));
        assert!(matches!(memo.lookup("词0"), Lookup::Match), "the oldest is dropped");
        assert!(matches!(memo.lookup(&format!("词{}", ENTRIES - 1)), Lookup::Known(_)));
    }
}
