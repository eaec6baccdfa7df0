//! Opening, creating and checking an index directory.
//!
//! Next to tantivy's files, `fazhi-index.json` records the fingerprint of the
//! schema, the user dictionary and the analysis code the index was built
//! with; an index built with other ones is refused with a hint to rebuild,
//! since its terms would no longer match what queries produce.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use tantivy::directory::error::LockError;
use tantivy::directory::OwnedBytes;
use tantivy::{Index, IndexBuilder, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError};

use super::schema::{Fields, Ranking, SchemaSpec, SCHEMA_JSON, WORDS};
use super::terms::{self, Kind};
use crate::analyze::dictionary::USER_DICTIONARY;
use crate::analyze::tokenizers::WordTokenizer;

/// Bump when normalization or tokenization changes what gets indexed.
const ANALYSIS_VERSION: &str = "analysis-2";

/// fazhi's own record in an index directory.
pub const META_FILE: &str = "fazhi-index.json";

#[derive(Serialize, Deserialize)]
struct IndexMeta {
    fingerprint: String,
    schema_version: u32,
    fazhi_version: String,
}

/// Fingerprint of everything that decides which terms a text yields.
pub fn fingerprint() -> String {
    let mut all = Vec::new();
    for part in [SCHEMA_JSON, USER_DICTIONARY, ANALYSIS_VERSION] {
        all.extend_from_slice(part.as_bytes());
        all.push(0);
    }
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&all))
}

/// An open index with its field handles.
pub struct IndexHandle {
    pub dir: PathBuf,
    pub index: Index,
    pub fields: Fields,
    pub ranking: Ranking,
}

impl IndexHandle {
    /// Opens an existing index for reading or writing; every failure is one
    /// line that says what to do.
    pub fn open(dir: &Path) -> Result<IndexHandle> {
        let shown = dir.display();
        if !dir.join("meta.json").is_file() {
            bail!("没有找到索引：{shown}（先运行 `fazhi index --index {shown}` 建立索引）");
        }
        let meta: Option<IndexMeta> = fs::read(dir.join(META_FILE)).ok().and_then(|b| serde_json::from_slice(&b).ok());
        match meta {
            Some(m) if m.fingerprint == fingerprint() => {}
            Some(_) => bail!(
                "索引 {shown} 是用不同的 schema 或词典建立的，无法使用；请运行 `fazhi index --rebuild`{}",
                index_flag(dir)
            ),
            None => bail!("索引 {shown} 缺少 {META_FILE} 或已损坏；请运行 `fazhi index --rebuild`{}", index_flag(dir)),
        }
        let mut index = guard(dir, || Index::open_in_dir(dir).map_err(|e| corrupt(dir, e)))?;
        for plugin in terms::plugins() {
            index.register_plugin(plugin);
        }
        let handle = Self::wrap(dir, index)?;
        // Opening a reader loads every segment: catches damaged files now.
        guard(dir, || handle.reader())?;
        Ok(handle)
    }

    /// Creates a new, empty index in `dir`, which must be absent, empty, or
    /// hold an index that the caller means to replace.
    pub fn create(dir: &Path) -> Result<IndexHandle> {
        fs::create_dir_all(dir).with_context(|| format!("无法创建索引目录 {}", dir.display()))?;
        let meta = IndexMeta {
            fingerprint: fingerprint(),
            schema_version: SchemaSpec::load()?.schema_version,
            fazhi_version: env!("CARGO_PKG_VERSION").to_string(),
        };
        fs::write(dir.join(META_FILE), serde_json::to_vec_pretty(&meta)?)
            .with_context(|| format!("无法写入 {}", dir.join(META_FILE).display()))?;
        let schema = SchemaSpec::load()?.to_tantivy()?;
        let index = terms::plugins()
            .fold(Index::builder().schema(schema), IndexBuilder::register_plugin)
            .create_in_dir(dir)
            .map_err(|e| anyhow!("无法在 {} 建立索引（{e}）", dir.display()))?;
        Self::wrap(dir, index)
    }

    fn wrap(dir: &Path, index: Index) -> Result<IndexHandle> {
        index.tokenizers().register(WORDS, WordTokenizer);
        let fields = Fields::new(&index.schema())?;
        let ranking = SchemaSpec::load()?.ranking;
        Ok(IndexHandle { dir: dir.to_path_buf(), index, fields, ranking })
    }

    /// A reader whose segments' term files are open (see [`Reader`]).
    pub fn reader(&self) -> Result<Reader> {
        let reader: IndexReader = self
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: TantivyError| corrupt(&self.dir, e))?;
        // A writer may merge away and delete a segment between tantivy
        // opening its files and this opening its term files: then reload.
        let mut attempts = 0;
        loop {
            let mut files = Vec::new();
            let mut missing = None;
            for segment in reader.searcher().segment_readers() {
                for kind in Kind::ALL {
                    match segment.open_read(kind.component()) {
                        Ok(file) => files.push(file.read_bytes().map_err(|e| corrupt(&self.dir, e))?),
                        Err(e) => missing = Some(e),
                    }
                }
            }
            match missing {
                None => return Ok(Reader { reader, _terms: files }),
                Some(e) if attempts >= 5 => return Err(corrupt(&self.dir, e)),
                Some(_) => {
                    attempts += 1;
                    reader.reload().map_err(|e| corrupt(&self.dir, e))?;
                }
            }
        }
    }

    /// A writer, or one clear line when another process holds the lock.
    pub fn writer(&self, threads: usize, memory_budget: usize) -> Result<IndexWriter<TantivyDocument>> {
        self.index.writer_with_num_threads(threads, memory_budget).map_err(|e| match e {
            TantivyError::LockFailure(LockError::LockBusy, _) => anyhow!(
                "索引 {} 正被另一个 fazhi index 进程写入（锁文件 {}）；请等它结束后再试",
                self.dir.display(),
                self.dir.join(".tantivy-writer.lock").display()
            ),
            other => anyhow!("无法写入索引 {}（{other}）", self.dir.display()),
        })
    }
}

/// An index reader that holds its segments' term files open. tantivy opens
/// its own files when it loads a segment, so a segment merged away by a
/// concurrent `fazhi index` stays readable; the term files are fazhi's, so
/// they are opened here, at the same time, and kept (later opens of the same
/// file share this mapping).
pub struct Reader {
    reader: IndexReader,
    _terms: Vec<OwnedBytes>,
}

impl std::ops::Deref for Reader {
    type Target = IndexReader;

    fn deref(&self) -> &IndexReader {
        &self.reader
    }
}

fn corrupt(dir: &Path, e: impl std::fmt::Display) -> anyhow::Error {
    let detail = e.to_string().replace('\n', " ");
    anyhow!("索引 {} 已损坏或无法读取（{detail}）；请运行 `fazhi index --rebuild`{}", dir.display(), index_flag(dir))
}

/// Runs tantivy code over files of `dir`, turning a panic (tantivy asserts
/// on some damaged files) into the one-line "corrupt index" error.
pub fn guard<T>(dir: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(panic) => {
            let detail = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("panic");
            Err(corrupt(dir, detail))
        }
    }
}

/// Whether `dir` looks like an index fazhi may replace or write into.
pub fn is_index_dir(dir: &Path) -> bool {
    dir.join("meta.json").is_file() || dir.join(META_FILE).is_file()
}

/// `--index DIR` for hints, unless DIR is the default location.
fn index_flag(dir: &Path) -> String {
    if crate::paths::is_default_index(dir) {
        String::new()
    } else {
        format!(" --index {}", dir.display())
    }
}
