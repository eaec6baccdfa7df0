//! Checking an index for damage: what opening it checks (cheap: every
//! file a segment needs is there) and what `fazhi verify` checks (every
//! byte: tantivy's checksum in each file, fazhi's own term file checks).

use std::path::PathBuf;

use anyhow::{bail, Result};
use tantivy::index::SegmentComponent;
use tantivy::{Directory, Searcher};

use super::store::{damaged, index_flag, IndexHandle};
use super::terms::Kind;
use crate::paths::shown;

/// The files each segment is written with (besides a `.del` once it has
/// deletions).
fn components() -> Vec<SegmentComponent> {
    let mut all = vec![
        SegmentComponent::Postings,
        SegmentComponent::Positions,
        SegmentComponent::FastFields,
        SegmentComponent::FieldNorms,
        SegmentComponent::Terms,
        SegmentComponent::Store,
    ];
    all.extend(Kind::ALL.iter().map(|k| k.component()));
    all
}

/// The files of the index's live segments, relative to its generation.
pub fn segment_files(handle: &IndexHandle) -> Result<Vec<PathBuf>> {
    let metas = handle.index.searchable_segment_metas().map_err(|e| damaged(&handle.dir, e))?;
    let mut files = Vec::new();
    for meta in metas {
        for component in components() {
            files.push(meta.relative_path(component));
        }
        if meta.has_deletes() {
            files.push(meta.relative_path(SegmentComponent::Delete));
        }
    }
    Ok(files)
}

/// Every file a live segment needs is present: a missing one is named,
/// instead of tantivy's "Data corrupted" later.
pub fn files_present(handle: &IndexHandle) -> Result<()> {
    for file in segment_files(handle)? {
        let path = handle.generation.join(&file);
        match std::fs::symlink_metadata(&path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
                "索引 {} 缺少文件 {}（被删除或移走了？）；请运行 `fazhi index --rebuild{}` 重建",
                shown(&handle.dir),
                shown(&path),
                index_flag(&handle.dir)
            ),
            Err(e) => return Err(super::layout::io_error(e, &format!("无法读取索引文件 {}", shown(&path)))),
        }
    }
    Ok(())
}

/// tantivy's files that a search reads in full or at random (terms,
/// postings, fast fields, field norms, deletions): small (about 2% of an
/// index), so their checksums are checked whenever the index is opened, and
/// a flipped bit in them is never served. The stored documents are checked
/// one by one as they are read (`doc_check`); fazhi's term files table
/// block by table block and term by term as they are used (`terms`);
/// `fazhi verify` checks every byte of all of them.
pub fn small_files_sound(handle: &IndexHandle, searcher: &Searcher) -> Result<()> {
    // The segments the reader holds open: a writer beside us may merge
    // others away and delete their files meanwhile, but not these (their
    // files are mapped, and reopening one by name gets that mapping).
    let directory = handle.index.directory();
    for segment in searcher.segment_readers() {
        let id = segment.segment_id().uuid_string();
        let mut files: Vec<PathBuf> = ["idx", "pos", "fast", "fieldnorm", "term"]
            .iter()
            .map(|ext| PathBuf::from(format!("{id}.{ext}")))
            .collect();
        if let Some(opstamp) = segment.delete_opstamp().filter(|_| segment.has_deletes()) {
            files.push(PathBuf::from(format!("{id}.{opstamp}.del")));
        }
        for file in files {
            match directory.validate_checksum(&file) {
                Ok(true) => {}
                Ok(false) => {
                    return Err(damaged(&handle.dir, format!("{} 校验和不符", shown(&handle.generation.join(&file)))))
                }
                Err(e) => {
                    // A missing file is named as missing.
                    files_present(handle)?;
                    return Err(damaged(&handle.dir, e));
                }
            }
        }
        // Once its files are sound: meta.json has no checksum, so its counts must agree with the
        // segment's own (checksummed) files, or a flipped digit would drop
        // deletions or misread every column.
        let rows = segment.fast_fields().u64("check").map(|c| c.num_docs()).map_err(|e| damaged(&handle.dir, e))?;
        let deletions_lost = segment.delete_opstamp().is_some() && !segment.has_deletes();
        if rows != segment.max_doc() || deletions_lost {
            return Err(damaged(
                &handle.dir,
                format!("{} 中第 {id} 段的文档数与其文件不符", shown(&handle.generation.join("meta.json"))),
            ));
        }
    }
    Ok(())
}

/// Opens every segment's term files and checks their tables (what a
/// search checks only as it uses them), all but the postings.
pub fn term_files_open(handle: &IndexHandle) -> Result<()> {
    let searcher = handle.reader()?.searcher();
    for segment in searcher.segment_readers() {
        for kind in Kind::ALL {
            super::terms::TermIndex::open(segment, kind)
                .and_then(|index| index.verify_tables())
                .map_err(|e| damaged(&handle.dir, format!("{} 文件：{e:#}", kind.extension())))?;
        }
    }
    Ok(())
}

/// What `fazhi verify` found.
#[derive(Debug, serde::Serialize)]
pub struct Report {
    pub index: String,
    pub generation: String,
    pub files: usize,
    pub bytes: u64,
    /// Damaged files, each with what is wrong with it.
    pub damaged: Vec<(String, String)>,
}

/// Reads every byte of every file of the index and checks it.
pub fn verify(handle: &IndexHandle) -> Result<Report> {
    let files = segment_files(handle)?;
    let mut report = Report {
        index: shown(&handle.dir),
        generation: shown(&handle.generation),
        files: files.len() + 1,
        bytes: 0,
        damaged: Vec::new(),
    };
    for file in &files {
        report.bytes += std::fs::metadata(handle.generation.join(file)).map_or(0, |m| m.len());
    }
    // tantivy's checksum over every file of every live segment (and meta.json parsed on open).
    let bad = handle.index.validate_checksum().map_err(|e| damaged(&handle.dir, e))?;
    let mut bad: Vec<PathBuf> = bad.into_iter().collect();
    bad.sort();
    for file in bad {
        report.damaged.push((shown(&handle.generation.join(&file)), "校验和不符".to_string()));
    }
    // fazhi's own structure checks of its term files.
    for file in &files {
        let Some(ext) = file.extension().and_then(|e| e.to_str()) else { continue };
        let Some(kind) = Kind::ALL.into_iter().find(|k| k.extension() == ext) else { continue };
        let path = handle.generation.join(file);
        if report.damaged.iter().any(|(p, _)| *p == shown(&path)) {
            continue;
        }
        // Without tantivy's footer (its checksum was checked above).
        let checked = handle
            .index
            .directory()
            .open_read(file)
            .map_err(anyhow::Error::from)
            .and_then(|slice| Ok(slice.read_bytes()?))
            .and_then(|bytes| super::terms::verify(bytes, kind));
        if let Err(e) = checked {
            report.damaged.push((shown(&path), format!("{e:#}")));
        }
    }
    Ok(report)
}
