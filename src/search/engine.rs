//! The open index a long-running process holds: every request is answered
//! from the current [`Snapshot`], and a new commit (or a rebuild) of the
//! index is picked up by the next request after it, through one `stat` of
//! the marker and of the generation's `meta.json` per request.
//!
//! A snapshot carries the reader and all that is derived from it (the
//! catalog of places, repost flags, ranking totals, the hold on cached
//! term files), so a reload replaces them together; the old snapshot goes
//! when its last request ends, releasing the segments it held (tantivy's
//! files, and fazhi's term files) so that merged-away segments free their
//! disk space while the process lives.
//!
//! Its methods return typed errors ([`Error`]): a request at fault, an
//! index that cannot be read, or a callback's own error.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use serde_json::{Map, Value};
use tantivy::Searcher;

use super::export::Exported;
use super::kwic::{Concordance, KwicRequest, Line};
use super::lookup::{Found, Report, Stats};
use super::{SearchRequest, SearchResponse, Snapshot};
use crate::error::{Error, Result};
use crate::index::layout;

/// An open index, ready for queries; `Send + Sync`, shared by reference
/// (or in an `Arc`) across threads.
pub struct Engine {
    dir: PathBuf,
    current: RwLock<(Stamp, Arc<Snapshot>)>,
}

/// What says the index changed: the marker (a rebuild names another
/// generation) and the generation's `meta.json` (rewritten at each commit).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Stamp(Vec<Option<(SystemTime, u64)>>);

impl Stamp {
    /// The marker of `dir` and the `meta.json` of the generation being
    /// read: two stats, no read (a rebuild rewrites the marker, so the
    /// generation it names need not be looked up).
    fn of(dir: &Path, generation: &Path) -> Stamp {
        let file = |p: PathBuf| std::fs::metadata(p).ok().and_then(|m| Some((m.modified().ok()?, m.len())));
        Stamp(vec![file(dir.join(layout::MARKER)), file(generation.join("meta.json"))])
    }

    /// The stamp of the generation the marker names, taken before opening
    /// it: a commit during the open then differs from it, and the next
    /// request opens again (as it does if the open took another generation).
    fn before_open(dir: &Path) -> Stamp {
        let generation = layout::current(dir).ok().flatten().map_or_else(|| dir.to_path_buf(), |(g, _)| g);
        Stamp::of(dir, &generation)
    }
}

impl Engine {
    pub fn open(dir: &Path) -> Result<Engine> {
        let stamp = Stamp::before_open(dir);
        let snapshot = Snapshot::open(dir)?;
        Ok(Engine { dir: dir.to_path_buf(), current: RwLock::new((stamp, Arc::new(snapshot))) })
    }

    /// The snapshot to answer from: the current one, or a new one when the
    /// index changed since it was taken.
    fn snapshot(&self) -> Result<Arc<Snapshot>> {
        {
            let current = self.current.read().unwrap_or_else(|e| e.into_inner());
            if current.0 == Stamp::of(&self.dir, current.1.generation()) {
                return Ok(current.1.clone());
            }
        }
        self.reload_now()
    }

    /// Opens the index again now, whatever changed.
    pub fn reload(&self) -> Result<()> {
        self.reload_now().map(|_| ())
    }

    fn reload_now(&self) -> Result<Arc<Snapshot>> {
        // Opened before the lock is taken: requests go on meanwhile.
        let stamp = Stamp::before_open(&self.dir);
        let snapshot = Arc::new(Snapshot::open(&self.dir)?);
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        *current = (stamp, snapshot.clone());
        Ok(snapshot)
    }

    /// The index folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether this is the demo index built on first use from the bundled reports.
    pub fn is_demo(&self) -> bool {
        self.current.read().unwrap_or_else(|e| e.into_inner()).1.is_demo()
    }

    /// A searcher over the current snapshot.
    pub fn searcher(&self) -> Result<Searcher> {
        Ok(self.snapshot()?.searcher())
    }

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        Ok(self.snapshot()?.search(request)?)
    }

    /// See [`Snapshot::export`]; an error of `each` ends the export and
    /// comes back as [`Error::Caller`].
    pub fn export(
        &self,
        request: &SearchRequest,
        with_text: bool,
        mut each: impl FnMut(Map<String, Value>) -> anyhow::Result<()>,
    ) -> Result<Exported> {
        let snapshot = self.snapshot()?;
        let mut stopped = None;
        let done = snapshot.export(request, with_text, |record| each(record).map_err(|e| stop(&mut stopped, e)));
        settled(done, stopped)
    }

    /// See [`Snapshot::kwic`]; an error of `each` ends it and comes back
    /// as [`Error::Caller`].
    pub fn kwic(
        &self,
        request: &KwicRequest,
        progress: &(dyn Fn(usize, usize) + Sync),
        mut each: impl FnMut(&Line) -> anyhow::Result<()>,
    ) -> Result<Concordance> {
        let snapshot = self.snapshot()?;
        let mut stopped = None;
        let done = snapshot.kwic(request, progress, |line| each(line).map_err(|e| stop(&mut stopped, e)));
        settled(done, stopped)
    }

    /// One report by id, unique id prefix or path.
    pub fn find_report(&self, key: &str) -> Result<Found> {
        Ok(self.snapshot()?.find_report(key)?)
    }

    /// One report by id.
    pub fn report(&self, id: &str) -> Result<Option<Report>> {
        Ok(self.snapshot()?.report(id)?)
    }

    pub fn stats(&self) -> Result<Stats> {
        Ok(self.snapshot()?.stats()?)
    }
}

/// Keeps a callback's error aside; what travels up in its place only ends the work.
fn stop(stopped: &mut Option<anyhow::Error>, e: anyhow::Error) -> anyhow::Error {
    *stopped = Some(e);
    anyhow::anyhow!("stopped by the caller")
}

/// The outcome of work a callback may have stopped.
fn settled<T>(done: anyhow::Result<T>, stopped: Option<anyhow::Error>) -> Result<T> {
    match (done, stopped) {
        (Err(_), Some(e)) => Err(Error::Caller(e)),
        (done, _) => Ok(done?),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_engine_can_be_shared_across_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<super::Engine>();
    }
}
