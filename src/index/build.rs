//! `fazhi index`: files → ingest → extract → analyze → tantivy.
//!
//! Incremental: a file whose path, size and mtime match its file record is
//! not read again (for a table — .jsonl, .csv, .json — the field mapping
//! given to the run counts too: another `--text-field` … reads it again); a report whose content is unchanged is not rewritten;
//! `prune` drops entries whose files are confirmed gone. Files are read and
//! their metadata extracted on all cores, each core going on to the next
//! file as soon as it is done, and handed to tantivy's own indexing threads
//! in file order ([`parallel::ordered_pipeline`]).
//!
//! Reposts: a report whose text is identical after normalization to one
//! already indexed, or near-identical with the same title, unit and year,
//! is kept only as a `duplicate` entry naming the report it repeats. When a
//! report goes away, its reposts are read again and one takes its place.
//!
//! Crash safety. The whole run holds the folder's lock ([`layout`]).
//! - A file's record (its size, mtime and number of entries) is written
//!   after all of its entries, so a file is taken as unchanged only when
//!   everything read from it was committed; a file cut short by a kill is
//!   read again.
//! - Commits happen only where no repost is waiting to be read again, so
//!   no commit holds a repost's removal without its return.
//! - `--rebuild` builds a new generation beside the current one and makes it
//!   current with one rename, so a failed or killed rebuild loses nothing.
//!
//! A commit every [`COMMIT_EVERY`] changes bounds what an interrupted run loses.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, UNIX_EPOCH};

use anyhow::Result;
use tantivy::collector::Count;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::known::{self, FileRecord, Known, Reports};
use super::layout::{self, State, WriteLock};
use super::pipeline::{unpanicked, Job, Parts, Reading};
use super::report_doc::{self, ReportDoc};
use super::store::IndexHandle;
use super::Fields;
use crate::extract::sidecar::Manifest;
use crate::ingest::pool::Pool;
use crate::ingest::record::FieldMap;
use crate::ingest::worker::Limits;
use crate::ingest::{self, SkipReason};
use crate::{failpoint, parallel, paths};

/// Commit after this many changes, so an interrupted run keeps most work
/// (`FAZHI_COMMIT_EVERY` overrides it, for tests of interrupted runs). Each
/// commit flushes small segments that are merged again later: 5,000 took
/// 13% less CPU than 2,000 over 100k reports, peak RSS 718 vs 598 MB.
pub const COMMIT_EVERY: usize = 5_000;
/// Indexing memory per writer thread.
const MEMORY_PER_THREAD: usize = 96 << 20;
/// Files each reading thread may be ahead of the next file to store: room
/// to go on past a slow file (a large PDF) and reach the next slow one,
/// while memory stays flat (a few hundred files' reports at most).
const AHEAD_PER_THREAD: usize = 64;

/// Progress of an indexing run: (files done, files found), from any thread.
pub type Progress = std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>;

/// What to index and how. The default reads nothing in-process with no
/// progress: callers name the paths and what they change.
#[derive(Default)]
pub struct BuildRequest {
    pub paths: Vec<PathBuf>,
    pub rebuild: bool,
    /// Remove entries whose files no longer exist.
    pub prune: bool,
    /// Called as files are done: (files done, files found).
    pub progress: Option<Progress>,
    /// JSON Lines of per-report metadata overrides.
    pub manifest: Option<PathBuf>,
    /// Parse PDF, .docx and HTML in worker processes with these limits
    /// ([`ingest::pool`]); `None` parses in this process.
    pub isolation: Option<Limits>,
    /// This is the demo index of the bundled reports, built on first use.
    pub demo: bool,
    /// Which columns of a table (.jsonl, .csv, .json) hold the text and metadata.
    pub fields: FieldMap,
}

#[derive(Debug, Default)]
pub struct BuildSummary {
    pub indexed: usize,
    pub unchanged: usize,
    /// Reposts added by this run, net (kept as duplicates of a report).
    pub reposts: usize,
    pub pruned: usize,
    /// Entries kept by `--prune` because their file could not be checked.
    pub kept_unverified: usize,
    pub skipped: Vec<(PathBuf, SkipReason)>,
    /// Reports in the index afterwards (reposts not counted).
    pub total_docs: u64,
    pub elapsed: Duration,
    /// The folder held the demo index, which this run replaced.
    pub replaced_demo: bool,
}

pub fn build(dir: &Path, request: &BuildRequest) -> Result<BuildSummary> {
    let start = Instant::now();
    // A mistyped PATH must not leave an empty index behind, or an index
    // that reads as if the folder had no reports.
    for path in &request.paths {
        if fs::metadata(path).is_err_and(|e| e.kind() == io::ErrorKind::NotFound) {
            anyhow::bail!("找不到 {}（没有这个文件或文件夹）；索引未作任何改动", paths::shown(path));
        }
    }
    let sources = sources(&request.paths);
    let (lock, state) = WriteLock::take(dir)?;
    match state {
        // The demo's reports give way to the user's own, whole.
        State::Index(old) if old.demo && !request.demo => {
            let mut summary = new_generation(&lock, request, start, false, sources)?;
            lock.remove_generation(&old.generation)?;
            summary.replaced_demo = true;
            Ok(summary)
        }
        State::Index(old) if !request.rebuild => {
            // The cheap part of `fazhi verify`, before anything is written.
            let handle = IndexHandle::open(dir)?;
            super::verify::term_files_open(&handle)?;
            let summary = index_into(&handle, request, start)?;
            let mut known = old.sources.clone();
            known.extend(sources.into_iter().filter(|s| !old.sources.contains(s)));
            if known != old.sources {
                lock.switch(&layout::Marker { sources: known, ..old })?;
            }
            Ok(summary)
        }
        // The flat layout of an earlier version: only a rebuild replaces it.
        State::Flat if !request.rebuild => {
            Err(IndexHandle::open(dir).err().unwrap_or_else(|| anyhow::anyhow!("内部错误")))
        }
        State::Index(old) => {
            let summary = new_generation(&lock, request, start, false, sources)?;
            lock.remove_generation(&old.generation)?;
            Ok(summary)
        }
        State::Flat => {
            let summary = new_generation(&lock, request, start, false, sources)?;
            lock.remove_flat_files()?;
            Ok(summary)
        }
        // A first build is current from the start: a kill leaves an index
        // of what was committed, and the next run goes on from there.
        State::Absent | State::Empty => new_generation(&lock, request, start, true, sources),
        State::Foreign(why) => anyhow::bail!("{why}"),
    }
}

/// Builds a new generation and makes it current: at once (`current_at_once`)
/// or once it is complete, removing it if the build fails.
fn new_generation(
    lock: &WriteLock,
    request: &BuildRequest,
    start: Instant,
    current_at_once: bool,
    sources: Vec<String>,
) -> Result<BuildSummary> {
    let (name, path) = lock.new_generation()?;
    let marker = layout::Marker { demo: request.demo, sources, ..IndexHandle::marker(&name)? };
    let built = IndexHandle::create(lock.root(), &path).and_then(|handle| {
        if current_at_once {
            lock.switch(&marker)?;
        }
        index_into(&handle, request, start)
    });
    match built {
        Ok(summary) => {
            if !current_at_once {
                lock.switch(&marker)?;
            }
            Ok(summary)
        }
        Err(e) => {
            if !current_at_once {
                let _ = lock.remove_generation(&name);
            }
            Err(e)
        }
    }
}

fn index_into(handle: &IndexHandle, request: &BuildRequest, start: Instant) -> Result<BuildSummary> {
    let threads = parallel::cores(8);
    let writer = handle.writer(threads, MEMORY_PER_THREAD * threads)?;
    let manifest = request.manifest.as_deref().map(Manifest::load).transpose()?;
    let known::Holdings { known, reports, files } = known::load(&handle.reader()?.searcher())?;
    let reposts_before = known.values().filter(|k| k.duplicate).count();
    let discovery = ingest::walk::discover(&request.paths);
    let reading = Reading {
        pool: request.isolation.map_or(Pool::InProcess, Pool::isolated),
        manifest,
        columns: request.fields.clone(),
    };
    let mut run = Run {
        dir: handle.dir.clone(),
        writer,
        fields: handle.fields,
        schema: handle.index.schema(),
        files,
        known,
        reports,
        orphans: BTreeSet::new(),
        pending: 0,
        reading: &reading,
        summary: BuildSummary { skipped: discovery.skipped, ..BuildSummary::default() },
    };
    if request.prune {
        run.prune()?;
        run.settle()?;
    }

    let (found, done) = (discovery.files.len() as u64, std::sync::atomic::AtomicU64::new(0));
    let tick = || {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Some(progress) = &request.progress {
            progress(n, found);
        }
    };
    parallel::ordered_pipeline(
        &mut run,
        &discovery.files,
        threads,
        threads * AHEAD_PER_THREAD,
        |run, path| {
            let job = run.job(path);
            if job.is_none() {
                tick();
            }
            job
        },
        |job| {
            let parts = reading.documents(job);
            tick();
            parts
        },
        |run, job, parts| {
            run.store(job, unpanicked(parts))?;
            run.settle()
        },
    )?;
    let Run { mut writer, mut summary, pending, known, .. } = run;
    // Net: a repost written and then promoted within the run does not count.
    summary.reposts = known.values().filter(|k| k.duplicate).count().saturating_sub(reposts_before);
    if pending > 0 {
        commit(&mut writer, &handle.dir)?;
    }
    writer.wait_merging_threads().map_err(|e| super::write_error::explain(&handle.dir, e, "索引合并失败"))?;
    failpoint::hit("after-merge");
    let searcher = handle.reader()?.searcher();
    summary.total_docs = searcher.search(&handle.fields.every_report(), &Count)? as u64;
    summary.elapsed = start.elapsed();
    Ok(summary)
}

/// The paths of a request as the marker remembers them: absolute, keyed.
fn sources(paths: &[PathBuf]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for path in paths {
        let key = paths::key(&std::path::absolute(path).unwrap_or_else(|_| path.clone()));
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// The state of one indexing run.
struct Run<'a> {
    /// The index folder (for messages).
    dir: PathBuf,
    writer: IndexWriter<TantivyDocument>,
    fields: Fields,
    schema: tantivy::schema::Schema,
    /// Every entry of the index by key, kept current through the run.
    known: HashMap<String, Known>,
    /// Every file record by file key, kept current through the run.
    files: HashMap<String, FileRecord>,
    reports: Reports,
    /// Reposts whose report changed or went away: to be read again before
    /// the next commit.
    orphans: BTreeSet<String>,
    pending: usize,
    reading: &'a Reading,
    summary: BuildSummary,
}

impl Run<'_> {
    /// The file to read, or `None` when it is unchanged or unreadable.
    fn job(&mut self, path: &Path) -> Option<Job> {
        // The manifest is read as overrides, never as a JSON Lines dump of reports.
        let manifest = self.reading.manifest.as_ref();
        if manifest.is_some_and(|m| m.path() == path) {
            return None;
        }
        let stat = match stat(path) {
            Ok(m) => m,
            Err(e) => {
                self.summary.skipped.push((path.to_path_buf(), SkipReason::Unreadable(e.kind().to_string())));
                return None;
            }
        };
        // A sidecar REPORT.json counts as part of the file.
        let beside = fs::metadata(path.with_extension("json")).ok();
        let mtime = mtime_nanos(&stat).max(beside.as_ref().map_or(0, mtime_nanos)) ^ self.mapping(path);
        let size = stat.len() + beside.as_ref().map_or(0, fs::Metadata::len);
        let key = paths::key(path);
        let in_manifest = manifest.is_some_and(|m| m.get(path).is_some());
        if let Some(record) = self.files.get(&key) {
            if !in_manifest && (record.mtime, record.size) == (mtime, size) {
                self.summary.unchanged += record.entries;
                return None;
            }
        }
        Some(Job { path: path.to_path_buf(), key, mtime, size })
    }

    /// What the field mapping adds to a file's recorded mtime: a table read
    /// with other columns than last time is read again. 0 for the usual
    /// names, and for a file of one report (no columns to map).
    fn mapping(&self, path: &Path) -> u64 {
        if ingest::walk::is_table(path) {
            self.reading.columns.fingerprint()
        } else {
            0
        }
    }

    fn store(&mut self, job: &Job, parts: Parts) -> Result<()> {
        let parts = match parts {
            Ok(parts) => parts,
            Err(reason) => {
                // What the index holds of the file stays (its record no
                // longer matches, so it is read again next time).
                self.summary.skipped.push((job.path.clone(), reason));
                return Ok(());
            }
        };
        let file = job.key.clone();
        // The record goes first and comes back last: a kill in between
        // leaves the file to be read again.
        self.drop_record(&file);
        let mut keys = BTreeSet::new();
        for part in parts {
            match part {
                Ok(doc) => {
                    keys.insert(doc.path.clone());
                    self.put(doc)?;
                    if self.orphans.is_empty() {
                        self.maybe_commit()?;
                    }
                }
                Err((path, reason)) => self.summary.skipped.push((path, reason)),
            }
        }
        // Lines gone from a file of several reports (JSONL). A file that is
        // one report has no such lines: no scan of every entry for it.
        if !(keys.len() == 1 && keys.contains(&file)) {
            let prefix = format!("{file}#");
            let gone: Vec<String> =
                self.known.keys().filter(|k| k.starts_with(&prefix) && !keys.contains(*k)).cloned().collect();
            for key in gone {
                self.forget(&key);
            }
        }
        // A line of this very file that became a repost of a line now gone
        // was queued to be read again: the record waits for that reading.
        let read_again = self.orphans.iter().any(|k| file_of(k) == file);
        if !keys.is_empty() && !read_again {
            let record = FileRecord { mtime: job.mtime, size: job.size, entries: keys.len() };
            self.writer
                .add_document(report_doc::file_record(&self.fields, &file, &record))
                .map_err(|e| super::write_error::explain(&self.dir, e, "写入索引失败"))?;
            self.files.insert(file, record);
            self.pending += 1;
        }
        Ok(())
    }

    /// Reads again the reposts whose report changed or went away, then
    /// commits if it is time: no commit falls between a repost's removal
    /// and its return.
    fn settle(&mut self) -> Result<()> {
        while let Some(key) = self.orphans.pop_first() {
            let path = paths::from_key(file_of(&key));
            match self.job(&path) {
                Some(job) => {
                    let reading = self.reading;
                    let parts = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reading.documents(&job)));
                    self.store(&job, unpanicked(parts))?;
                }
                None => self.orphans.retain(|k| file_of(k) != file_of(&key)),
            }
        }
        self.maybe_commit()
    }

    /// Writes one report, as a report or as a repost of one.
    fn put(&mut self, doc: ReportDoc) -> Result<()> {
        let key = doc.path.clone();
        let orphaned = self.orphans.remove(&key);
        if let Some(before) = self.known.get(&key) {
            if before.hash == doc.hash && !orphaned {
                self.summary.unchanged += 1;
                return Ok(());
            }
            self.forget(&key);
        }
        let (id, dedupe_key, simhash) = (doc.id(), doc.dedupe_key, doc.simhash);
        let entry = Known { hash: doc.hash, id: id.clone(), duplicate: false };
        let written = match self.reports.original_of(&id, &key, dedupe_key, simhash) {
            Some(original) => {
                self.reports.reposts.entry(original.clone()).or_default().push(key.clone());
                self.known.insert(key, Known { id: original.clone(), duplicate: true, ..entry });
                doc.into_duplicate(&self.fields, &original)
            }
            None => {
                self.reports.add(&id, &key, dedupe_key, simhash);
                self.summary.indexed += 1;
                self.known.insert(key, entry);
                doc.into_tantivy(&self.fields)
            }
        };
        let mut written = written;
        super::doc_check::seal(&mut written, &self.schema, self.fields.check);
        self.writer.add_document(written).map_err(|e| super::write_error::explain(&self.dir, e, "写入索引失败"))?;
        self.pending += 1;
        Ok(())
    }

    /// Deletes an entry; a report's reposts are deleted too and queued to
    /// be read again (one of them becomes the report), their files' records
    /// with them.
    fn forget(&mut self, key: &str) {
        let Some(entry) = self.known.remove(key) else { return };
        self.writer.delete_term(Term::from_field_text(self.fields.path, key));
        self.pending += 1;
        if entry.duplicate {
            if let Some(list) = self.reports.reposts.get_mut(&entry.id) {
                list.retain(|p| p != key);
            }
            return;
        }
        self.reports.remove(&entry.id);
        for repost in self.reports.reposts.remove(&entry.id).unwrap_or_default() {
            self.writer.delete_term(Term::from_field_text(self.fields.path, &repost));
            self.known.remove(&repost);
            self.drop_record(file_of(&repost));
            self.orphans.insert(repost);
        }
    }

    fn drop_record(&mut self, file: &str) {
        if self.files.remove(file).is_some() {
            self.writer.delete_term(Term::from_field_text(self.fields.file, file));
            self.pending += 1;
        }
    }

    /// `--prune`: entries whose file is confirmed gone. A file that cannot
    /// be checked (an unreadable folder) keeps its entries.
    fn prune(&mut self) -> Result<()> {
        let mut gone = BTreeSet::new();
        let files: BTreeSet<&str> =
            self.known.keys().map(|k| file_of(k)).chain(self.files.keys().map(String::as_str)).collect();
        for file in files {
            match stat(&paths::from_key(file)) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    gone.insert(file.to_string());
                }
                Err(_) => self.summary.kept_unverified += self.known.keys().filter(|k| file_of(k) == file).count(),
                Ok(_) => {}
            }
        }
        let keys: Vec<String> = self.known.keys().filter(|k| gone.contains(file_of(k))).cloned().collect();
        for key in keys {
            // A repost may already have gone with its report.
            if self.known.contains_key(&key) {
                self.forget(&key);
                self.summary.pruned += 1;
            }
        }
        for file in &gone {
            self.drop_record(file);
            self.orphans.retain(|k| file_of(k) != file);
        }
        Ok(())
    }

    fn maybe_commit(&mut self) -> Result<()> {
        if self.pending >= commit_every() && self.orphans.is_empty() {
            commit(&mut self.writer, &self.dir)?;
            self.pending = 0;
        }
        Ok(())
    }
}

/// A file's facts, or why they can't be had (with injected failures for tests).
fn stat(path: &Path) -> io::Result<fs::Metadata> {
    if let Some(e) = failpoint::unreadable(path) {
        return Err(e);
    }
    fs::metadata(path)
}

fn commit_every() -> usize {
    static EVERY: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *EVERY.get_or_init(|| {
        std::env::var("FAZHI_COMMIT_EVERY").ok().and_then(|v| v.parse().ok()).filter(|&n| n > 0).unwrap_or(COMMIT_EVERY)
    })
}

/// The file an index key belongs to: the key itself, or for one line of a
/// JSONL file (`<path>#<line>`) the part before `#`.
fn file_of(key: &str) -> &str {
    match key.rsplit_once('#') {
        Some((file, line)) if !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) => file,
        _ => key,
    }
}

fn commit(writer: &mut IndexWriter<TantivyDocument>, dir: &Path) -> Result<()> {
    failpoint::hit("before-commit");
    writer.commit().map_err(|e| super::write_error::explain(dir, e, "提交索引失败"))?;
    failpoint::hit("after-commit");
    Ok(())
}

fn mtime_nanos(meta: &fs::Metadata) -> u64 {
    meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as u64)
}
