//! Opening, creating and checking an index.
//!
//! An index folder holds generations ([`super::layout`]); its marker names
//! the current one with the fingerprint of the schema, the user dictionary,
//! the analysis code and the term file format it was built with. An index
//! built with other ones is refused with a hint to rebuild, since its terms
//! would no longer match what queries produce.
//!
//! Reading needs no write access: a shared or read-only collection can be
//! searched, shown, counted and verified.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};
use tantivy::directory::error::LockError;
use tantivy::directory::{MmapDirectory, OwnedBytes};
use tantivy::{Index, IndexBuilder, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError};

use super::layout::{self, Marker};
use super::read_only::Tolerant;
use super::schema::{Fields, Ranking, SchemaSpec, SCHEMA_JSON, WORDS};
use super::terms::{self, Kind};
use crate::analyze::dictionary::USER_DICTIONARY;
use crate::analyze::tokenizers::WordTokenizer;
use crate::paths::shown;

/// Bump when normalization or tokenization changes what gets indexed.
const ANALYSIS_VERSION: &str = "analysis-2";
/// Bump when the folder layout changes (2: generations under a marker).
const LAYOUT_VERSION: &str = "layout-2";

/// Fingerprint of everything that decides which terms a text yields and
/// how they are stored.
pub fn fingerprint() -> String {
    let mut all = Vec::new();
    let term_version = format!("terms-{}", terms::format::VERSION);
    // The metadata fields as indexed (not their labels or descriptions).
    let metadata: String = crate::meta::FIELDS
        .iter()
        .map(|d| format!("{}:{:?}:{}{}{};", d.name, d.kind, d.stored, d.indexed, d.fast))
        .collect();
    for part in [SCHEMA_JSON, &metadata, USER_DICTIONARY, ANALYSIS_VERSION, LAYOUT_VERSION, &term_version] {
        all.extend_from_slice(part.as_bytes());
        all.push(0);
    }
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&all))
}

/// An open index with its field handles.
pub struct IndexHandle {
    /// The index folder, as the user named it (for messages).
    pub dir: PathBuf,
    /// The generation being read or written.
    pub generation: PathBuf,
    pub index: Index,
    pub fields: Fields,
    pub ranking: Ranking,
}

impl IndexHandle {
    /// Opens the current generation of the index at `dir`, for reading
    /// (or for an update, under [`layout::WriteLock`]); every failure is
    /// one line that says what to do.
    pub fn open(dir: &Path) -> Result<IndexHandle> {
        Self::open_with_reader(dir).map(|(handle, _)| handle)
    }

    /// [`IndexHandle::open`], keeping the reader that opening made (a
    /// second one would open and map every file again).
    pub fn open_with_reader(dir: &Path) -> Result<(IndexHandle, Reader)> {
        // A rebuild beside us may make another generation current and
        // remove this one between reading the marker and opening it: then
        // the marker names another generation, and that one is opened.
        let mut attempts = 0;
        loop {
            let before = layout::current(dir)?;
            let result = Self::open_current(dir, before.clone());
            match result {
                Err(_)
                    if attempts < 3
                        && before.is_some()
                        && generation_of(&layout::current(dir)?) != generation_of(&before) =>
                {
                    attempts += 1
                }
                other => return other,
            }
        }
    }

    fn open_current(dir: &Path, current: Option<(PathBuf, Marker)>) -> Result<(IndexHandle, Reader)> {
        let shown_dir = shown(dir);
        let Some((generation, marker)) = current else {
            if layout::is_index(dir) {
                // The flat layout of earlier versions, or a damaged marker.
                bail!(
                    "索引 {shown_dir} 是旧版本 fazhi 建立的，或其 {} 已损坏，无法使用；请运行 `fazhi index --rebuild{}`",
                    layout::MARKER,
                    index_flag(dir)
                );
            }
            bail!("没有找到索引：{shown_dir}（先运行 `fazhi index --index {shown_dir}` 建立索引）");
        };
        if marker.fingerprint != fingerprint() {
            bail!(
                "索引 {shown_dir} 是用不同的 schema、词典或版本建立的，无法使用；请运行 `fazhi index --rebuild{}`",
                index_flag(dir)
            );
        }
        let directory = MmapDirectory::open(&generation).map_err(|e| damaged(dir, e))?;
        let mut index = guard(dir, || Index::open(Tolerant::new(directory)).map_err(|e| damaged(dir, e)))?;
        for plugin in terms::plugins() {
            index.register_plugin(plugin);
        }
        // The schema is kept in tantivy's meta.json, which has no checksum:
        // it must be the one this fazhi builds (same fingerprint).
        if index.schema() != SchemaSpec::load()?.to_tantivy()? {
            return Err(damaged(
                dir,
                format!("{} 中的 schema 与建立索引时的不同", shown(&generation.join("meta.json"))),
            ));
        }
        let handle = Self::wrap(dir, &generation, index)?;
        // Opening a reader loads every segment: catches damaged files now;
        // a file that is missing is named as such.
        let reader = match guard(dir, || handle.reader()) {
            Ok(reader) => reader,
            Err(e) => {
                super::verify::files_present(&handle)?;
                return Err(e);
            }
        };
        super::verify::small_files_sound(&handle, &reader.searcher())?;
        Ok((handle, reader))
    }

    /// Creates a new, empty index in the generation folder `generation`
    /// of the index `dir` (made by [`layout::WriteLock::new_generation`]).
    pub fn create(dir: &Path, generation: &Path) -> Result<IndexHandle> {
        let schema = SchemaSpec::load()?.to_tantivy()?;
        let directory =
            MmapDirectory::open(generation).map_err(|e| anyhow!("无法在 {} 建立索引（{e}）", shown(generation)))?;
        let index = terms::plugins()
            .fold(Index::builder().schema(schema), IndexBuilder::register_plugin)
            .open_or_create(directory)
            .map_err(|e| anyhow!("无法在 {} 建立索引（{e}）", shown(generation)))?;
        Self::wrap(dir, generation, index)
    }

    /// The marker that names `generation` as current with this build's fingerprint.
    pub fn marker(generation: &str) -> Result<Marker> {
        Ok(Marker::new(generation, fingerprint(), SchemaSpec::load()?.schema_version))
    }

    fn wrap(dir: &Path, generation: &Path, index: Index) -> Result<IndexHandle> {
        index.tokenizers().register(WORDS, WordTokenizer);
        let fields = Fields::new(&index.schema())?;
        let ranking = SchemaSpec::load()?.ranking;
        Ok(IndexHandle { dir: dir.to_path_buf(), generation: generation.to_path_buf(), index, fields, ranking })
    }

    /// A reader whose segments' term files are open (see [`Reader`]).
    pub fn reader(&self) -> Result<Reader> {
        let reader: IndexReader = self
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: TantivyError| damaged(&self.dir, e))?;
        // A writer may merge away and delete a segment between tantivy
        // opening its files and this opening its term files: then reload.
        let mut attempts = 0;
        loop {
            let mut files = Vec::new();
            let mut missing = None;
            for segment in reader.searcher().segment_readers() {
                for kind in Kind::ALL {
                    match segment.open_read(kind.component()) {
                        Ok(file) => files.push(file.read_bytes().map_err(|e| damaged(&self.dir, e))?),
                        Err(e) => missing = Some(e),
                    }
                }
            }
            match missing {
                None => {
                    let segments = reader.searcher().segment_readers().iter().map(|s| s.segment_id()).collect();
                    return Ok(Reader { reader, _terms: files, _held: terms::reader::hold(segments) });
                }
                Some(e) if attempts >= 5 => return Err(damaged(&self.dir, e)),
                Some(_) => {
                    attempts += 1;
                    reader.reload().map_err(|e| damaged(&self.dir, e))?;
                }
            }
        }
    }

    /// A writer; the caller holds the folder's [`layout::WriteLock`], so
    /// tantivy's own lock is busy only if something else took it.
    pub fn writer(&self, threads: usize, memory_budget: usize) -> Result<IndexWriter<TantivyDocument>> {
        self.index.writer_with_num_threads(threads, memory_budget).map_err(|e| match e {
            TantivyError::LockFailure(LockError::LockBusy, _) => {
                anyhow!("索引 {} 正被另一个进程写入；请等它结束后再试", shown(&self.dir))
            }
            TantivyError::LockFailure(LockError::IoError(io), _) => layout::io_error(
                std::io::Error::new(io.kind(), io.to_string()),
                &format!("无法写入索引 {}", shown(&self.dir)),
            ),
            other => anyhow!("无法写入索引 {}（{other}）", shown(&self.dir)),
        })
    }
}

fn generation_of(current: &Option<(PathBuf, Marker)>) -> Option<&str> {
    current.as_ref().map(|(_, m)| m.generation.as_str())
}

/// An index reader that holds its segments' term files open. tantivy opens
/// its own files when it loads a segment, so a segment merged away by a
/// concurrent `fazhi index` stays readable; the term files are fazhi's, so
/// they are opened here, at the same time, and kept (later opens of the same
/// file share this mapping).
pub struct Reader {
    reader: IndexReader,
    _terms: Vec<OwnedBytes>,
    /// Keeps the segments' parsed term indexes cached while this reader lives.
    _held: terms::reader::Holding,
}

impl std::ops::Deref for Reader {
    type Target = IndexReader;

    fn deref(&self) -> &IndexReader {
        &self.reader
    }
}

/// A failure of tantivy's own open or read calls: the index's files are
/// missing, unreadable or damaged.
pub fn damaged(dir: &Path, e: impl std::fmt::Display) -> anyhow::Error {
    let detail = e.to_string().replace('\n', " ");
    anyhow!(
        "索引 {} 的文件已损坏或无法读取（{detail}）；请运行 `fazhi verify{flag}` 检查，或 `fazhi index --rebuild{flag}` 重建",
        shown(dir),
        flag = index_flag(dir)
    )
}

/// Runs a read of the index (a search, a lookup, a count): a failure of
/// tantivy's own reads is damage, and says which file and what to run; any
/// other tantivy failure is a bug of fazhi's; fazhi's own errors (a bad
/// query, an unknown region) pass as they are. Panics are not caught here:
/// they are bugs, and `main` reports them as such.
pub fn reading<T>(dir: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    f().map_err(|e| {
        let Some(tantivy) = e.chain().find_map(|c| c.downcast_ref::<TantivyError>()) else { return e };
        match tantivy {
            TantivyError::DataCorruption(_)
            | TantivyError::IoError(_)
            | TantivyError::OpenReadError(_)
            | TantivyError::OpenDirectoryError(_)
            | TantivyError::IncompatibleIndex(_) => damaged(dir, tantivy),
            other => anyhow!("内部错误（请报告此问题）：{}", other.to_string().replace('\n', " ")),
        }
    })
}

/// Runs tantivy's open of files of `dir`, turning a panic (tantivy asserts
/// on some damaged files) into the one-line "damaged index" error. Only
/// for opening: a panic anywhere else is a bug of fazhi's.
pub fn guard<T>(dir: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(panic) => {
            let detail = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("panic");
            Err(damaged(dir, detail))
        }
    }
}

/// `--index DIR` for hints, unless DIR is the default location.
pub fn index_flag(dir: &Path) -> String {
    if crate::paths::is_default_index(dir) {
        String::new()
    } else {
        format!(" --index {}", shown(dir))
    }
}
