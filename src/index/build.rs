//! `fazhi index`: files → ingest → extract → analyze → tantivy.
//!
//! Incremental: a file whose path, size and mtime match what the index holds
//! is not read again; one whose content is unchanged is not rewritten;
//! `prune` drops entries whose files are gone. Files are read and their
//! metadata extracted on all cores, a window at a time, and handed to
//! tantivy's own indexing threads in file order.
//!
//! Reposts: a report whose text is identical after normalization to one
//! already indexed, or near-identical with the same title, unit and year,
//! is kept only as a `duplicate` entry naming the report it repeats. When a
//! report goes away, its reposts are read again and one takes its place.
//!
//! `--rebuild` builds a fresh index beside the old one and swaps it in only
//! when complete, so a failed rebuild loses nothing. A commit every
//! [`COMMIT_EVERY`] entries bounds what an interrupted run loses.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use tantivy::collector::Count;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::known::{self, Known, Reports};
use super::report_doc::ReportDoc;
use super::store::{is_index_dir, IndexHandle};
use super::Fields;
use crate::extract::sidecar::Manifest;
use crate::ingest::{self, SkipReason};
use crate::parallel;

/// Commit after this many changes, so an interrupted run keeps most work
/// (`FAZHI_COMMIT_EVERY` overrides it, for tests of interrupted runs). Each
/// commit flushes small segments that are merged again later: 5,000 took
/// 13% less CPU than 2,000 over 100k reports, peak RSS 718 vs 598 MB.
pub const COMMIT_EVERY: usize = 5_000;
/// Indexing memory per writer thread.
const MEMORY_PER_THREAD: usize = 96 << 20;
/// Files read and extracted in parallel before they are handed on.
const WINDOW: usize = 64;

pub struct BuildRequest {
    pub paths: Vec<PathBuf>,
    pub rebuild: bool,
    /// Remove entries whose files no longer exist.
    pub prune: bool,
    pub progress: bool,
    /// JSON Lines of per-report metadata overrides.
    pub manifest: Option<PathBuf>,
}

#[derive(Debug, Default)]
pub struct BuildSummary {
    pub indexed: usize,
    pub unchanged: usize,
    /// Reposts added by this run, net (kept as duplicates of a report).
    pub reposts: usize,
    pub pruned: usize,
    pub skipped: Vec<(PathBuf, SkipReason)>,
    /// Reports in the index afterwards (reposts not counted).
    pub total_docs: u64,
    pub elapsed: Duration,
}

pub fn build(dir: &Path, request: &BuildRequest) -> Result<BuildSummary> {
    let start = Instant::now();
    if request.rebuild {
        return rebuild(dir, request, start);
    }
    let handle = if is_index_dir(dir) {
        IndexHandle::open(dir)?
    } else {
        refuse_foreign(dir)?;
        IndexHandle::create(dir)?
    };
    index_into(&handle, request, start)
}

fn rebuild(dir: &Path, request: &BuildRequest, start: Instant) -> Result<BuildSummary> {
    refuse_foreign(dir)?;
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("index");
    let fresh = dir.with_file_name(format!(".{name}.rebuild-{}", std::process::id()));
    let _ = fs::remove_dir_all(&fresh);
    let summary = {
        let handle = IndexHandle::create(&fresh)?;
        // Hold the old index's lock while building, so two rebuilds can't race.
        let _guard = match IndexHandle::open(dir) {
            Ok(old) => Some(old.writer(1, 15 << 20)?),
            Err(_) => None,
        };
        match index_into(&handle, request, start) {
            Ok(summary) => summary,
            Err(e) => {
                let _ = fs::remove_dir_all(&fresh);
                return Err(e);
            }
        }
    };
    let old = dir.with_file_name(format!(".{name}.old-{}", std::process::id()));
    if dir.exists() {
        fs::rename(dir, &old).with_context(|| format!("无法替换旧索引 {}", dir.display()))?;
    }
    fs::rename(&fresh, dir).with_context(|| format!("无法把新索引放到 {}", dir.display()))?;
    let _ = fs::remove_dir_all(&old);
    Ok(summary)
}

/// Never write an index into (or replace) a folder that holds something else.
fn refuse_foreign(dir: &Path) -> Result<()> {
    let non_empty = fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(false);
    if non_empty && !is_index_dir(dir) {
        bail!("{} 不是空目录，也不是 fazhi 索引；为免覆盖其中文件，请换一个 --index 目录", dir.display());
    }
    Ok(())
}

fn index_into(handle: &IndexHandle, request: &BuildRequest, start: Instant) -> Result<BuildSummary> {
    let threads = parallel::cores(8);
    let writer = handle.writer(threads, MEMORY_PER_THREAD * threads)?;
    let manifest = request.manifest.as_deref().map(Manifest::load).transpose()?;
    let (known, reports) = known::load(&handle.reader()?.searcher())?;
    let reposts_before = known.values().filter(|k| k.duplicate).count();
    let discovery = ingest::walk::discover(&request.paths);
    let mut run = Run {
        writer,
        fields: handle.fields,
        files: file_facts(&known),
        known,
        reports,
        orphans: BTreeSet::new(),
        pending: 0,
        summary: BuildSummary { skipped: discovery.skipped, ..BuildSummary::default() },
    };
    if request.prune {
        run.prune()?;
    }

    let bar = progress_bar(discovery.files.len() as u64, request.progress);
    for window in discovery.files.chunks(WINDOW) {
        let jobs: Vec<Job> = window.iter().filter_map(|path| run.job(path, manifest.as_ref())).collect();
        bar.inc((window.len() - jobs.len()) as u64);
        let prepared = parallel::map(&jobs, threads, |job| prepare(job, manifest.as_ref()), || bar.inc(1));
        for (job, parts) in jobs.iter().zip(prepared) {
            run.store(job, parts)?;
        }
    }
    // Reposts whose report changed or went away: read again, in file order.
    while let Some(key) = run.orphans.pop_first() {
        let path = PathBuf::from(file_of(&key));
        if let Some(job) = run.job(&path, manifest.as_ref()) {
            let parts = prepare(&job, manifest.as_ref());
            run.store(&job, parts)?;
        }
    }
    bar.finish_and_clear();
    let Run { mut writer, mut summary, pending, known, .. } = run;
    // Net: a repost written and then promoted within the run does not count.
    summary.reposts = known.values().filter(|k| k.duplicate).count().saturating_sub(reposts_before);
    if pending > 0 {
        commit(&mut writer)?;
    }
    writer.wait_merging_threads().context("索引合并失败")?;
    let searcher = handle.reader()?.searcher();
    summary.total_docs = searcher.search(&handle.fields.every_report(), &Count)? as u64;
    summary.elapsed = start.elapsed();
    Ok(summary)
}

/// A file to read.
struct Job {
    path: PathBuf,
    mtime: u64,
    size: u64,
}

/// What reading one file gave: its reports, or why the file (or one of
/// its parts) was skipped.
type Parts = Result<Vec<Result<ReportDoc, (PathBuf, SkipReason)>>, SkipReason>;

/// Reads and extracts one file (any thread). A bug in extraction costs
/// that report, not the run, and what is indexed stays.
fn prepare(job: &Job, manifest: Option<&Manifest>) -> Parts {
    let parts = ingest::read(&job.path)?;
    let file = job.path.to_string_lossy();
    // Most files are one report; a JSON Lines file is one per line, keyed path#line.
    let beside = ingest::sidecar_owner(&job.path, &parts);
    let in_manifest = manifest.and_then(|m| m.get(&job.path));
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        let key = part.key(&file);
        let text = match part.text {
            Ok(text) => text,
            Err(reason) => {
                out.push(Err((PathBuf::from(key), reason)));
                continue;
            }
        };
        let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            ReportDoc::new(&key, job.mtime, job.size, text, &part.hints, beside, in_manifest)
        }));
        out.push(match made {
            Ok(Ok(doc)) => Ok(doc),
            Ok(Err(e)) => Err((PathBuf::from(key), SkipReason::BadMetadata(format!("{e:#}")))),
            Err(_) => Err((PathBuf::from(key), SkipReason::Internal)),
        });
    }
    Ok(out)
}

/// The state of one indexing run.
struct Run {
    writer: IndexWriter<TantivyDocument>,
    fields: Fields,
    /// Every entry of the index by key, kept current through the run.
    known: HashMap<String, Known>,
    /// File path → (mtime, size, entries) as indexed, for the unchanged check.
    files: HashMap<String, (u64, u64, usize)>,
    reports: Reports,
    /// Reposts whose report changed or went away: to be read again.
    orphans: BTreeSet<String>,
    pending: usize,
    summary: BuildSummary,
}

impl Run {
    /// The file to read, or `None` when it is unchanged or unreadable.
    fn job(&mut self, path: &Path, manifest: Option<&Manifest>) -> Option<Job> {
        // The manifest is read as overrides, never as a JSON Lines dump of reports.
        if manifest.is_some_and(|m| m.path() == path) {
            return None;
        }
        let stat = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                self.summary.skipped.push((path.to_path_buf(), SkipReason::Unreadable(e.kind().to_string())));
                return None;
            }
        };
        // A sidecar REPORT.json counts as part of the file.
        let beside = fs::metadata(path.with_extension("json")).ok();
        let mtime = mtime_nanos(&stat).max(beside.as_ref().map_or(0, mtime_nanos));
        let size = stat.len() + beside.as_ref().map_or(0, fs::Metadata::len);
        let key = path.to_string_lossy();
        let in_manifest = manifest.is_some_and(|m| m.get(path).is_some());
        let orphaned = self.orphans.contains(key.as_ref());
        if let Some(&(m, s, entries)) = self.files.get(key.as_ref()) {
            if !in_manifest && !orphaned && (m, s) == (mtime, size) {
                self.summary.unchanged += entries;
                return None;
            }
        }
        Some(Job { path: path.to_path_buf(), mtime, size })
    }

    fn store(&mut self, job: &Job, parts: Parts) -> Result<()> {
        let parts = match parts {
            Ok(parts) => parts,
            Err(reason) => {
                self.summary.skipped.push((job.path.clone(), reason));
                return Ok(());
            }
        };
        let file = job.path.to_string_lossy().to_string();
        // Recorded first: forgetting a report below may drop it again, so
        // that its reposts in this same file are read once more.
        let count = parts.iter().filter(|p| p.is_ok()).count();
        self.files.insert(file.clone(), (job.mtime, job.size, count));
        let mut keys = BTreeSet::new();
        for part in parts {
            match part {
                Ok(doc) => {
                    keys.insert(doc.path.clone());
                    self.put(doc)?;
                }
                Err((path, reason)) => self.summary.skipped.push((path, reason)),
            }
        }
        // Lines gone from a file of several reports (JSONL). A file that is
        // one report has no such lines: no scan of every entry for it.
        if keys.len() == 1 && keys.contains(&file) {
            return Ok(());
        }
        let prefix = format!("{file}#");
        let gone: Vec<String> =
            self.known.keys().filter(|k| k.starts_with(&prefix) && !keys.contains(*k)).cloned().collect();
        for key in gone {
            self.forget(&key);
        }
        Ok(())
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
        let entry = Known { mtime: doc.mtime, size: doc.size, hash: doc.hash, id: id.clone(), duplicate: false };
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
        self.writer.add_document(written)?;
        self.changed(1)
    }

    /// Deletes an entry; a report's reposts are deleted too and queued to
    /// be read again (one of them becomes the report).
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
            self.files.remove(file_of(&repost));
            self.orphans.insert(repost);
        }
    }

    /// `--prune`: entries whose file no longer exists.
    fn prune(&mut self) -> Result<()> {
        let gone: Vec<String> = self.known.keys().filter(|k| !Path::new(file_of(k)).exists()).cloned().collect();
        for key in gone {
            // A repost may already have gone with its report.
            if self.known.contains_key(&key) {
                self.forget(&key);
                self.summary.pruned += 1;
            }
            self.files.remove(file_of(&key));
            self.orphans.remove(&key);
        }
        self.changed(0)
    }

    fn changed(&mut self, n: usize) -> Result<()> {
        self.pending += n;
        if self.pending >= commit_every() {
            commit(&mut self.writer)?;
            self.pending = 0;
        }
        Ok(())
    }
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

fn file_facts(known: &HashMap<String, Known>) -> HashMap<String, (u64, u64, usize)> {
    let mut files: HashMap<String, (u64, u64, usize)> = HashMap::new();
    for (key, k) in known {
        files.entry(file_of(key).to_string()).or_insert((k.mtime, k.size, 0)).2 += 1;
    }
    files
}

fn commit(writer: &mut IndexWriter<TantivyDocument>) -> Result<()> {
    writer.commit().context("提交索引失败")?;
    Ok(())
}

fn progress_bar(len: u64, enabled: bool) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    // Draws only when stderr is a terminal.
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{spinner} 索引中 [{bar:30}] {pos}/{len} {per_sec} 剩余 {eta}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn mtime_nanos(meta: &fs::Metadata) -> u64 {
    meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as u64)
}
