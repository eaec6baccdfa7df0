//! `fazhi index`: files → ingest → extract → analyze → tantivy.
//!
//! Incremental: a file whose path, size and mtime match what the index holds
//! is not read again; one whose content is unchanged is not rewritten.
//! `--rebuild` builds a fresh index beside the old one and swaps it in only
//! when complete, so a failed rebuild loses nothing.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use tantivy::schema::Facet;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::store::{is_index_dir, IndexHandle};
use super::Fields;
use crate::analyze::{compact, normalize, normalize_char};
use crate::extract::sidecar::{self, Manifest};
use crate::extract::{self, Metadata};
use crate::ingest::{self, Hints, SkipReason};

/// Commit after this many new documents, so an interrupted run keeps most work.
const COMMIT_EVERY: usize = 2_000;
/// Indexing memory per writer thread.
const MEMORY_PER_THREAD: usize = 96 << 20;

pub struct BuildRequest {
    pub paths: Vec<PathBuf>,
    pub rebuild: bool,
    pub progress: bool,
    /// JSON Lines of per-report metadata overrides.
    pub manifest: Option<PathBuf>,
}

#[derive(Debug, Default)]
pub struct BuildSummary {
    pub indexed: usize,
    pub unchanged: usize,
    pub skipped: Vec<(PathBuf, SkipReason)>,
    pub total_docs: u64,
    pub elapsed: Duration,
}

/// What the index knows of a file it holds.
struct Known {
    mtime: u64,
    size: u64,
    hash: u64,
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
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
    let mut writer = handle.writer(threads, MEMORY_PER_THREAD * threads)?;
    let manifest = request.manifest.as_deref().map(Manifest::load).transpose()?;
    let known = known_files(handle)?;
    let discovery = ingest::walk::discover(&request.paths);
    let mut summary = BuildSummary { skipped: discovery.skipped, ..BuildSummary::default() };

    let bar = progress_bar(discovery.files.len() as u64, request.progress);
    let mut pending = 0;
    // The manifest is read as overrides, never as a JSON Lines dump of reports.
    let manifest_path = request.manifest.as_deref().and_then(|m| m.canonicalize().ok());
    for path in &discovery.files {
        bar.inc(1);
        if manifest_path.as_deref() == Some(path.as_path()) {
            continue;
        }
        let key = path.to_string_lossy().to_string();
        let stat = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                summary.skipped.push((path.clone(), SkipReason::Unreadable(e.kind().to_string())));
                continue;
            }
        };
        // A sidecar REPORT.json counts as part of the file.
        let beside = fs::metadata(path.with_extension("json")).ok();
        let mtime = mtime_nanos(&stat).max(beside.as_ref().map_or(0, mtime_nanos));
        let size = stat.len() + beside.as_ref().map_or(0, fs::Metadata::len);
        let in_manifest = manifest.as_ref().and_then(|m| m.get(path));
        let before = known.get(&key);
        if in_manifest.is_none() && before.is_some_and(|k| k.mtime == mtime && k.size == size) {
            summary.unchanged += 1;
            continue;
        }
        let parts = match ingest::read(path) {
            Ok(parts) => parts,
            Err(reason) => {
                summary.skipped.push((path.clone(), reason));
                continue;
            }
        };
        // Most files are one report; a JSON Lines file is one per line, keyed path#line.
        let whole_file = parts.len() == 1 && parts[0].suffix.is_empty();
        if !whole_file {
            // Lines gone from the file leave the index with it.
            let keys: std::collections::HashSet<String> = parts.iter().map(|p| format!("{key}{}", p.suffix)).collect();
            let prefix = format!("{key}#");
            for old in known.keys().filter(|k| k.starts_with(&prefix) && !keys.contains(*k)) {
                writer.delete_term(Term::from_field_text(handle.fields.path, old));
            }
        }
        for part in parts {
            let key = format!("{key}{}", part.suffix);
            let text = match part.text {
                Ok(text) => text,
                Err(reason) => {
                    summary.skipped.push((PathBuf::from(&key), reason));
                    continue;
                }
            };
            let before = known.get(&key);
            // A bug in extraction must cost one report, not the run (and what is indexed stays).
            let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                ReportDoc::new(&key, mtime, size, text, &part.hints, whole_file.then_some(path.as_path()), in_manifest)
            }));
            let doc = match made {
                Ok(Ok(doc)) => doc,
                Ok(Err(e)) => {
                    summary.skipped.push((PathBuf::from(&key), SkipReason::BadMetadata(format!("{e:#}"))));
                    continue;
                }
                Err(_) => {
                    summary.skipped.push((PathBuf::from(&key), SkipReason::Internal));
                    continue;
                }
            };
            if before.is_some_and(|k| k.hash == doc.hash) {
                summary.unchanged += 1;
                continue;
            }
            if before.is_some() {
                writer.delete_term(Term::from_field_text(handle.fields.path, &key));
            }
            writer.add_document(doc.into_tantivy(&handle.fields))?;
            summary.indexed += 1;
            pending += 1;
            if pending >= COMMIT_EVERY {
                commit(&mut writer)?;
                pending = 0;
            }
        }
    }
    bar.finish_and_clear();
    if pending > 0 {
        commit(&mut writer)?;
    }
    writer.wait_merging_threads().context("索引合并失败")?;
    summary.total_docs = handle.reader()?.searcher().num_docs();
    summary.elapsed = start.elapsed();
    Ok(summary)
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

/// The files the index holds, read from fast fields (no stored bodies).
fn known_files(handle: &IndexHandle) -> Result<HashMap<String, Known>> {
    let searcher = handle.reader()?.searcher();
    let mut known = HashMap::new();
    for segment in searcher.segment_readers() {
        let ff = segment.fast_fields();
        let Some(paths) = ff.str("path")? else {
            continue;
        };
        let (mtimes, sizes, hashes) = (ff.u64("file_mtime")?, ff.u64("file_size")?, ff.u64("content_hash")?);
        let mut path = String::new();
        for doc in segment.doc_ids_alive() {
            let Some(ord) = paths.term_ords(doc).next() else {
                continue;
            };
            path.clear();
            paths.ord_to_str(ord, &mut path)?;
            known.insert(
                path.clone(),
                Known {
                    mtime: mtimes.first(doc).unwrap_or(0),
                    size: sizes.first(doc).unwrap_or(0),
                    hash: hashes.first(doc).unwrap_or(0),
                },
            );
        }
    }
    Ok(known)
}

/// One report ready to be written.
pub struct ReportDoc {
    pub path: String,
    pub mtime: u64,
    pub size: u64,
    pub text: String,
    pub normalized: String,
    /// Fingerprint of the normalized text: the report id.
    pub text_hash: u64,
    /// Fingerprint of text and user-supplied metadata: decides re-indexing.
    pub hash: u64,
    pub meta: Metadata,
}

impl ReportDoc {
    /// Extracts metadata (with the file's hints), then applies the hints'
    /// overrides, the `REPORT.json` beside `file`, and the manifest (last);
    /// a bad override is an error.
    pub fn new(
        path: &str,
        mtime: u64,
        size: u64,
        text: String,
        hints: &Hints,
        file: Option<&Path>,
        manifest: Option<(&sidecar::Overrides, &str)>,
    ) -> Result<ReportDoc> {
        let normalized = normalize(&text);
        let text_hash = xxhash_rust::xxh3::xxh3_64(compact(&normalized).as_bytes());
        let mut meta = extract::extract_with(&text, hints);
        let overrides = sidecar::apply_all(&mut meta, hints, file, manifest)?;
        let mut hash = text_hash;
        if !overrides.is_empty() {
            hash ^= xxhash_rust::xxh3::xxh3_64(serde_json::to_string(&overrides)?.as_bytes()).rotate_left(1);
        }
        Ok(ReportDoc { path: path.to_string(), mtime, size, text, normalized, text_hash, hash, meta })
    }

    /// Report ids: the text's fingerprint, so the same text has the same id
    /// wherever it is indexed.
    pub fn id(&self) -> String {
        format!("{:016x}", self.text_hash)
    }

    pub fn into_tantivy(self, f: &Fields) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        doc.add_text(f.id, self.id());
        doc.add_text(f.path, &self.path);
        doc.add_u64(f.file_mtime, self.mtime);
        doc.add_u64(f.file_size, self.size);
        doc.add_u64(f.content_hash, self.hash);
        let m = &self.meta;
        if let Some(title) = &m.title {
            let title_norm = normalize(title);
            doc.add_text(f.title, title);
            doc.add_text(f.title_words, &title_norm);
            // A title from elsewhere (a sidecar, a page's <title>) is matched too.
            if !compact(&self.normalized).contains(&compact(&title_norm)) {
                doc.add_text(f.body_grams, &title_norm);
            }
        }
        doc.add_text(f.body_words, &self.normalized);
        doc.add_text(f.body_grams, &self.normalized);
        for (field, value) in [
            (f.unit, &m.unit),
            (f.unit_type, &m.unit_type),
            (f.province, &m.province),
            (f.city, &m.city),
            (f.county, &m.county),
            (f.township, &m.township),
            (f.level, &m.level),
            (f.publish_date, &m.publish_date),
        ] {
            if let Some(v) = value {
                doc.add_text(field, v);
            }
        }
        if let Some(year) = m.year {
            doc.add_i64(f.year, year);
        }
        let region: Vec<&str> =
            [&m.province, &m.city, &m.county, &m.township].into_iter().flatten().map(String::as_str).collect();
        if !region.is_empty() {
            doc.add_facet(f.region, Facet::from_path(region));
        }
        if let Some(level) = &m.level {
            let path: Vec<&str> =
                [Some(level), m.unit_type.as_ref()].into_iter().flatten().map(String::as_str).collect();
            doc.add_facet(f.level_facet, Facet::from_path(path));
        }
        let provenance = serde_json::json!({"confidence": m.confidence, "evidence": m.evidence});
        doc.add_text(f.metadata, provenance.to_string());
        // Whether the body needs traditional->simplified folding (most do not;
        // snippets skip the costly pass for those).
        let folded = self.normalized.chars().zip(self.text.chars()).any(|(n, o)| n != normalize_char(o));
        doc.add_u64(f.folded, folded as u64);
        doc.add_text(f.body, self.text);
        doc
    }
}
