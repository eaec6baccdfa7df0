//! The one step from a file to the documents written for it, on any
//! reading thread:
//!
//! file → [`ingest`] (read, decode, clean; a table gives one part per
//! record) → [`extract`] (metadata from the text and the file's hints) →
//! the user's overrides (the record's own fields, a `REPORT.json`, the
//! manifest) → [`ReportDoc::analyzed`] (normalized text, fingerprints,
//! grams and words).
//!
//! [`build`](super::build) decides which files to read and writes what
//! this gives, in file order.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::report_doc::ReportDoc;
use crate::analyze::normalize;
use crate::extract::{self, sidecar};
use crate::ingest::pool::Pool;
use crate::ingest::record::FieldMap;
use crate::ingest::{self, SkipReason};
use crate::meta::{Hints, Overrides};

/// A file to read.
pub struct Job {
    pub path: PathBuf,
    /// Its index key ([`crate::paths::key`]).
    pub key: String,
    /// Its mtime, or its sidecar's if later, with the field mapping.
    pub mtime: u64,
    pub size: u64,
}

/// What reading one file gave: its reports, or why the file (or one of
/// its parts) was skipped.
pub type Parts = Result<Vec<Result<ReportDoc, (PathBuf, SkipReason)>>, SkipReason>;

/// A panic while reading a file costs that file, not the run.
pub fn unpanicked(parts: std::thread::Result<Parts>) -> Parts {
    parts.unwrap_or(Err(SkipReason::Internal))
}

/// What reading a file needs, shared by every reading thread.
pub struct Reading {
    pub pool: Pool,
    pub manifest: Option<sidecar::Manifest>,
    /// Which columns of a table hold what.
    pub columns: FieldMap,
}

impl Reading {
    /// The documents of one file. A bug in extraction costs that report,
    /// not the run, and what is indexed stays.
    pub fn documents(&self, job: &Job) -> Parts {
        let parts = self.pool.read(&job.path, &self.columns)?;
        // Most files are one report; a table is one per record, keyed path#N.
        let beside = ingest::sidecar_owner(&job.path, &parts);
        let in_manifest = self.manifest.as_ref().and_then(|m| m.get(&job.path));
        let mut out = Vec::with_capacity(parts.len());
        for part in parts {
            let key = part.key(&job.key);
            let text = match part.text {
                Ok(text) => text,
                Err(reason) => {
                    out.push(Err((PathBuf::from(key), reason)));
                    continue;
                }
            };
            let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                report(&key, job, text, &part.hints, beside, in_manifest)
            }));
            out.push(match made {
                Ok(Ok(doc)) => Ok(doc),
                Ok(Err(e)) => Err((PathBuf::from(key), SkipReason::BadMetadata(format!("{e:#}")))),
                Err(_) => Err((PathBuf::from(key), SkipReason::Internal)),
            });
        }
        Ok(out)
    }
}

/// One report: extracts its metadata (with the file's hints), applies the
/// hints' overrides, the `REPORT.json` beside `file` and the manifest (last;
/// a bad override is an error), then analyzes it for the index.
fn report(
    key: &str,
    job: &Job,
    text: String,
    hints: &Hints,
    file: Option<&Path>,
    manifest: Option<(&Overrides, &str)>,
) -> Result<ReportDoc> {
    let normalized = normalize(&text);
    let mut meta = extract::extract_normalized(&text, &normalized, hints);
    let overrides = sidecar::apply_all(&mut meta, hints, file, manifest)?;
    ReportDoc::analyzed(key, (job.mtime, job.size), text, normalized, meta, &overrides, hints.url.clone())
}
