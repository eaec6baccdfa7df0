//! A search its caller asks to stop midway: a server gives up on a request
//! after its time limit, or when the client goes away, and the search must
//! then end too, not run on to its end on a thread nobody waits for.
//!
//! The search checks between reports it reads whole (`--within`,
//! occurrence counts) and every [`EVERY`] documents a query walks; it then
//! ends with [`Stopped`](crate::error::Stopped), which the entry points
//! return as [`Error::Stopped`](crate::error::Error::Stopped).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

use crate::error::Stopped;

/// Documents a query walks between two checks.
const EVERY: u32 = 4096;

/// Asks a search to stop. The default never stops (and costs nothing);
/// [`Stop::new`] makes one that can, shared by its clones.
#[derive(Clone, Debug, Default)]
pub struct Stop(Option<Arc<AtomicBool>>);

impl Stop {
    pub fn new() -> Stop {
        Stop(Some(Arc::default()))
    }

    pub fn stop(&self) {
        if let Some(flag) = &self.0 {
            flag.store(true, Ordering::Relaxed);
        }
    }

    pub fn is_stopped(&self) -> bool {
        self.0.as_ref().is_some_and(|flag| flag.load(Ordering::Relaxed))
    }

    /// `Err(Stopped)` once asked to stop.
    pub(crate) fn check(&self) -> anyhow::Result<()> {
        if self.is_stopped() {
            return Err(anyhow::Error::new(Stopped));
        }
        Ok(())
    }

    /// `query`, ending its walk early once asked to stop (the caller then
    /// [`check`](Stop::check)s: an ended walk is not an answer); `None`
    /// when this stop never stops: `query` itself will do.
    pub(crate) fn guard(&self, query: &dyn Query) -> Option<Box<dyn Query>> {
        let flag = self.0.as_ref()?;
        Some(Box::new(Stoppable { inner: query.box_clone(), flag: flag.clone() }))
    }
}

#[derive(Debug)]
struct Stoppable {
    inner: Box<dyn Query>,
    flag: Arc<AtomicBool>,
}

impl Clone for Stoppable {
    fn clone(&self) -> Stoppable {
        Stoppable { inner: self.inner.box_clone(), flag: self.flag.clone() }
    }
}

impl Query for Stoppable {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(StoppableWeight { inner: self.inner.weight(scoring)?, flag: self.flag.clone() }))
    }
}

struct StoppableWeight {
    inner: Box<dyn Weight>,
    flag: Arc<AtomicBool>,
}

impl Weight for StoppableWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner.scorer(reader, boost)?;
        Ok(Box::new(StoppableScorer { inner, flag: self.flag.clone(), walked: 0, ended: false }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

struct StoppableScorer {
    inner: Box<dyn Scorer>,
    flag: Arc<AtomicBool>,
    walked: u32,
    /// Ended by a stop.
    ended: bool,
}

impl StoppableScorer {
    fn stopped(&mut self) -> bool {
        self.walked = self.walked.wrapping_add(1);
        self.ended |= self.walked.is_multiple_of(EVERY) && self.flag.load(Ordering::Relaxed);
        self.ended
    }
}

impl DocSet for StoppableScorer {
    fn advance(&mut self) -> DocId {
        if self.stopped() {
            return TERMINATED;
        }
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.stopped() {
            return TERMINATED;
        }
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        if self.ended {
            return TERMINATED;
        }
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for StoppableScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::Count;
    use tantivy::query::AllQuery;
    use tantivy::schema::{Schema, STRING};
    use tantivy::{doc, Index, IndexWriter};

    use super::*;

    #[test]
    fn a_stopped_walk_ends_early_and_says_so() {
        let mut builder = Schema::builder();
        let id = builder.add_text_field("id", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 30_000_000).unwrap();
        for i in 0..3 * EVERY {
            writer.add_document(doc!(id => i.to_string())).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let all = 3 * EVERY as usize;
        // Never stopped, or able to stop and not asked: the whole walk.
        assert!(Stop::default().guard(&AllQuery).is_none());
        let stop = Stop::new();
        assert_eq!(searcher.search(stop.guard(&AllQuery).unwrap().as_ref(), &Count).unwrap(), all);
        assert!(stop.check().is_ok());
        stop.stop();
        let walked = searcher.search(stop.guard(&AllQuery).unwrap().as_ref(), &Count).unwrap();
        assert!(walked < all, "walked {walked} of {all} after a stop");
        let e = stop.check().unwrap_err();
        assert!(matches!(crate::error::Error::from(e), crate::error::Error::Stopped(_)));
        // A stop that cannot stop is never stopped.
        Stop::default().stop();
        assert!(!Stop::default().is_stopped());
    }
}
