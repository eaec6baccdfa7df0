//! Finding report files under the paths given to `fazhi index`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::SkipReason;

/// File extensions read as reports (compared in lower case).
pub const SUPPORTED: &[&str] = &["txt", "html", "htm", "docx", "pdf", "jsonl", "csv", "json"];
/// Of those, the tables: one report per record, columns mapped by
/// [`super::record::FieldMap`]. The others are one report each.
pub const TABLES: &[&str] = &["jsonl", "csv", "json"];

#[derive(Default)]
pub struct Discovery {
    /// Canonical paths of supported files, sorted, each once.
    pub files: Vec<PathBuf>,
    pub skipped: Vec<(PathBuf, SkipReason)>,
}

/// Walks `roots` recursively (following symlinks, detecting loops; hidden
/// files and folders are left alone).
pub fn discover(roots: &[PathBuf]) -> Discovery {
    let mut found = BTreeSet::new();
    let mut skipped = Vec::new();
    for root in roots {
        if !root.exists() {
            skipped.push((root.clone(), SkipReason::Unreadable("路径不存在".into())));
            continue;
        }
        let walker = WalkDir::new(root).follow_links(true).sort_by_file_name().into_iter();
        let mut walker = walker.filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        while let Some(entry) = walker.next() {
            // An unreadable folder injected by tests (root reads any folder).
            if let Some(e) = entry.as_ref().ok().and_then(|e| crate::failpoint::unreadable(e.path()).map(|io| (e, io)))
            {
                let (entry, io) = e;
                skipped.push((entry.path().to_path_buf(), unreadable(&io)));
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let path = entry.path();
                    match extension(path) {
                        // REPORT.json beside a report holds its metadata: not a report, not news.
                        ext if ext == "json" && is_sidecar(path) => {}
                        ext if SUPPORTED.contains(&ext.as_str()) => {
                            // Canonical, so one file reached two ways is one report.
                            match path.canonicalize() {
                                Ok(p) => {
                                    found.insert(p);
                                }
                                Err(e) => skipped.push((path.to_path_buf(), unreadable(&e))),
                            }
                        }
                        ext => skipped.push((path.to_path_buf(), SkipReason::Unsupported(ext))),
                    }
                }
                Ok(entry) if !entry.file_type().is_dir() => {
                    skipped.push((entry.path().to_path_buf(), SkipReason::NotRegular));
                }
                Ok(_) => {}
                Err(e) => {
                    let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| root.clone());
                    let reason = if e.loop_ancestor().is_some() {
                        SkipReason::SymlinkLoop
                    } else {
                        SkipReason::Unreadable(
                            e.io_error().map(|io| io.kind().to_string()).unwrap_or_else(|| e.to_string()),
                        )
                    };
                    skipped.push((path, reason));
                }
            }
        }
    }
    Discovery { files: found.into_iter().collect(), skipped }
}

/// Whether a .json file has a report of the same name beside it (a file
/// of one report: a table's records have no sidecar).
fn is_sidecar(path: &Path) -> bool {
    SUPPORTED.iter().filter(|ext| !TABLES.contains(ext)).any(|ext| path.with_extension(ext).is_file())
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|s| s.starts_with('.'))
}

/// Whether `path` is a table ([`TABLES`]).
pub fn is_table(path: &Path) -> bool {
    TABLES.contains(&extension(path).as_str())
}

fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase()
}

fn unreadable(e: &std::io::Error) -> SkipReason {
    SkipReason::Unreadable(e.kind().to_string())
}
