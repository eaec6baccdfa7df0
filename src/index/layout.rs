//! The index folder: fazhi's marker, the writers' lock, and generations.
//!
//! ```text
//! INDEX/
//!   fazhi-index.json   the marker: names the current generation and its
//!                      fingerprint; only ever replaced by one rename
//!   fazhi.lock         locked by a writing run from its start to its end
//!   gen-000003/        a generation: one whole tantivy index
//! ```
//!
//! Why generations: a rebuild writes a new generation beside the current
//! one, under the lock, and makes it current by renaming a new marker over
//! the old one, so a kill at any instant leaves the old index or the new
//! one, never neither. INDEX itself is never renamed or deleted, so it may
//! be a mount point or `.`.
//!
//! fazhi writes into INDEX only when it holds nothing but these entries
//! (and, while an index of the older flat layout is being replaced, that
//! layout's tantivy files); anything else is the user's, and the folder is
//! refused before any work is done.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};
use serde::{Deserialize, Serialize};

/// The marker: what makes a folder a fazhi index.
pub const MARKER: &str = "fazhi-index.json";
const MARKER_TMP: &str = "fazhi-index.json.tmp";
const LOCK: &str = "fazhi.lock";
const GENERATION_PREFIX: &str = "gen-";
/// Identifies the marker's JSON as fazhi's (`format`).
const FORMAT: &str = "fazhi-index";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Marker {
    pub format: String,
    /// The current generation's folder name.
    pub generation: String,
    /// What decides the terms a text yields (see `store::fingerprint`).
    pub fingerprint: String,
    pub schema_version: u32,
    pub fazhi_version: String,
    /// Built on first use from the bundled demo reports: the first
    /// `fazhi index PATH` into this folder replaces them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
    /// What the index was built from (absolute path keys, [`crate::paths::key`]):
    /// `fazhi index` with no PATH reads them again.
    #[serde(default)]
    pub sources: Vec<String>,
}

/// What a path holds, as far as fazhi is concerned.
#[derive(Debug)]
pub enum State {
    Absent,
    /// An empty folder: fazhi may make an index there.
    Empty,
    /// A fazhi index.
    Index(Marker),
    /// A fazhi index of the flat layout before generations (its tantivy
    /// files directly in the folder); read only to ask for a rebuild.
    Flat,
    /// Not for fazhi to touch, and why.
    Foreign(String),
}

/// Reads what `root` is, without changing anything.
pub fn inspect(root: &Path) -> Result<State> {
    let shown = crate::paths::shown(root);
    let meta = match fs::metadata(root) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(State::Absent),
        Err(e) => return Err(io_error(e, &format!("无法读取索引位置 {shown}"))),
    };
    if !meta.is_dir() {
        return Ok(State::Foreign(format!("{shown} 不是目录")));
    }
    let mut marker = None;
    let mut flat_marker = false;
    let mut flat_files = false;
    let entries = fs::read_dir(root).map_err(|e| io_error(e, &format!("无法读取索引目录 {shown}")))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error(e, &format!("无法读取索引目录 {shown}")))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            return Ok(State::Foreign(format!(
                "{shown} 中有不属于 fazhi 的文件 {}",
                crate::paths::shown(&entry.path())
            )));
        };
        match name {
            MARKER => match read_marker(root)? {
                Some(m) => marker = Some(m),
                None if is_flat_marker(root) => flat_marker = true,
                None => return Ok(State::Foreign(format!("{shown}/{MARKER} 不是 fazhi 的索引标记"))),
            },
            MARKER_TMP | LOCK => {}
            _ if is_generation_name(name) && entry.file_type().is_ok_and(|t| t.is_dir()) => {}
            _ if is_flat_file(name) => flat_files = true,
            _ => return Ok(State::Foreign(format!("{shown} 中有不属于 fazhi 的文件或目录 {name}"))),
        }
    }
    Ok(match marker {
        Some(m) => State::Index(m),
        None if flat_marker => State::Flat,
        // Tantivy files without fazhi's marker: not fazhi's to take.
        None if flat_files => State::Foreign(format!("{shown} 中有索引文件，但没有 {MARKER}，不是 fazhi 的索引")),
        // Nothing, or only what a first build killed before its marker
        // left (the lock, a generation folder).
        None => State::Empty,
    })
}

/// The current generation's folder, for reading; `None` when `root` holds
/// no index of this layout.
pub fn current(root: &Path) -> Result<Option<(PathBuf, Marker)>> {
    Ok(read_marker(root)?.map(|m| (root.join(&m.generation), m)))
}

/// Whether `root` holds a fazhi index (of any layout).
pub fn is_index(root: &Path) -> bool {
    root.join(MARKER).is_file()
}

fn read_marker(root: &Path) -> Result<Option<Marker>> {
    let bytes = match fs::read(root.join(MARKER)) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(e, &format!("无法读取 {}", crate::paths::shown(&root.join(MARKER))))),
    };
    Ok(serde_json::from_slice::<Marker>(&bytes)
        .ok()
        .filter(|m| m.format == FORMAT && is_generation_name(&m.generation)))
}

/// The marker of the flat layout: `{fingerprint, schema_version, fazhi_version}`.
fn is_flat_marker(root: &Path) -> bool {
    let Ok(bytes) = fs::read(root.join(MARKER)) else { return false };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) else { return false };
    v.get("fingerprint").is_some_and(|f| f.is_string()) && v.get("format").is_none()
}

fn is_generation_name(name: &str) -> bool {
    name.strip_prefix(GENERATION_PREFIX).is_some_and(|n| n.len() == 6 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The files tantivy kept directly in a flat-layout index folder.
fn is_flat_file(name: &str) -> bool {
    const NAMED: &[&str] = &["meta.json", ".managed.json", ".tantivy-writer.lock", ".tantivy-meta.lock"];
    if NAMED.contains(&name) {
        return true;
    }
    // Segment files: 32 hex digits, a dot, a component (or a .del with an opstamp).
    let Some((id, rest)) = name.split_once('.') else { return false };
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) && !rest.is_empty() && rest.len() <= 24
}

/// A writing run's hold on an index folder: the lock is held until drop.
pub struct WriteLock {
    root: PathBuf,
    _file: File,
}

impl WriteLock {
    /// Takes `root` for writing: refuses anything that is not an index, an
    /// empty folder or an absent path; creates it; locks it; and removes
    /// what killed runs left behind. Nothing is written before the checks.
    pub fn take(root: &Path) -> Result<(WriteLock, State)> {
        let shown = crate::paths::shown(root);
        let state = inspect(root)?;
        if let State::Foreign(why) = &state {
            bail!("{why}；fazhi 只在空目录或它自己的索引目录中写入，为免损坏其中的文件，请换一个 --index 目录");
        }
        if let State::Absent = state {
            fs::create_dir_all(root).map_err(|e| io_error(e, &format!("无法创建索引目录 {shown}")))?;
        }
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(root.join(LOCK))
            .map_err(|e| io_error(e, &format!("无法在 {shown} 建立锁文件")))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                bail!(
                    "索引 {shown} 正被另一个 fazhi index 进程写入（锁文件 {}）；请等它结束后再试",
                    crate::paths::shown(&root.join(LOCK))
                )
            }
            Err(fs::TryLockError::Error(e)) => return Err(io_error(e, &format!("无法锁定索引 {shown}"))),
        }
        let lock = WriteLock { root: root.to_path_buf(), _file: file };
        // Checked again under the lock: another run may have changed it.
        let state = inspect(root)?;
        if let State::Foreign(why) = &state {
            bail!("{why}；fazhi 只在空目录或它自己的索引目录中写入，请换一个 --index 目录");
        }
        lock.remove_leftovers(&state)?;
        Ok((lock, state))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Removes generations other than the current one, a half-written
    /// marker, and the flat layout's files once a generation is current.
    fn remove_leftovers(&self, state: &State) -> Result<()> {
        let current = match state {
            State::Index(marker) => Some(marker.generation.as_str()),
            State::Empty => None,
            _ => return Ok(()),
        };
        for entry in fs::read_dir(&self.root)?.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let path = entry.path();
            let result = if is_generation_name(name) && Some(name) != current {
                fs::remove_dir_all(&path)
            } else if name == MARKER_TMP || (current.is_some() && is_flat_file(name)) {
                fs::remove_file(&path)
            } else {
                continue;
            };
            result.map_err(|e| io_error(e, &format!("无法清除上次中断留下的 {}", crate::paths::shown(&path))))?;
        }
        Ok(())
    }

    /// Removes the files of the flat layout, once a generation is current.
    pub fn remove_flat_files(&self) -> Result<()> {
        match inspect(&self.root)? {
            state @ State::Index(_) => self.remove_leftovers(&state),
            _ => Ok(()),
        }
    }

    /// A new, empty generation folder, numbered after every one present.
    pub fn new_generation(&self) -> Result<(String, PathBuf)> {
        let last = fs::read_dir(&self.root)?
            .flatten()
            .filter_map(|e| e.file_name().to_str().filter(|n| is_generation_name(n)).map(str::to_string))
            .filter_map(|n| n[GENERATION_PREFIX.len()..].parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        let name = format!("{GENERATION_PREFIX}{:06}", (last + 1) % 1_000_000);
        let path = self.root.join(&name);
        let _ = fs::remove_dir_all(&path);
        fs::create_dir(&path).map_err(|e| io_error(e, &format!("无法创建 {}", crate::paths::shown(&path))))?;
        Ok((name, path))
    }

    /// Makes `marker.generation` current: the new marker is written and
    /// synced beside the old one, then renamed over it in one step.
    pub fn switch(&self, marker: &Marker) -> Result<()> {
        let shown = crate::paths::shown(&self.root);
        let fail = |e: io::Error| io_error(e, &format!("无法更新索引标记 {shown}/{MARKER}"));
        // The generation's files must be on disk before the marker names it.
        sync_tree(&self.root.join(&marker.generation)).map_err(fail)?;
        let tmp = self.root.join(MARKER_TMP);
        let mut file = File::create(&tmp).map_err(fail)?;
        file.write_all(&serde_json::to_vec_pretty(marker)?).map_err(fail)?;
        file.sync_all().map_err(fail)?;
        drop(file);
        crate::failpoint::hit("before-switch");
        fs::rename(&tmp, self.root.join(MARKER)).map_err(fail)?;
        File::open(&self.root).and_then(|d| d.sync_all()).map_err(fail)?;
        crate::failpoint::hit("after-switch");
        Ok(())
    }

    /// Removes a generation that is not current (a replaced or failed one).
    pub fn remove_generation(&self, name: &str) -> Result<()> {
        if !is_generation_name(name) {
            return Ok(());
        }
        let path = self.root.join(name);
        match fs::remove_dir_all(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(io_error(e, &format!("无法删除旧的索引版本 {}", crate::paths::shown(&path))))
            }
            _ => Ok(()),
        }
    }
}

impl Marker {
    pub fn new(generation: &str, fingerprint: String, schema_version: u32) -> Marker {
        Marker {
            format: FORMAT.to_string(),
            generation: generation.to_string(),
            fingerprint,
            schema_version,
            fazhi_version: env!("CARGO_PKG_VERSION").to_string(),
            demo: false,
            sources: Vec::new(),
        }
    }
}

fn sync_tree(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            File::open(entry.path())?.sync_all()?;
        }
    }
    File::open(dir)?.sync_all()
}

/// An I/O failure as one line that says which kind it is: disk full and
/// permissions get their own words.
pub fn io_error(e: io::Error, doing: &str) -> anyhow::Error {
    match e.kind() {
        io::ErrorKind::StorageFull => anyhow!("{doing}：磁盘空间不足（{e}）"),
        io::ErrorKind::PermissionDenied => anyhow!("{doing}：没有权限（{e}）"),
        io::ErrorKind::ReadOnlyFilesystem => anyhow!("{doing}：文件系统只读（{e}）"),
        io::ErrorKind::NotFound => anyhow!("{doing}：文件不存在（{e}）"),
        _ => anyhow!("{doing}（{e}）"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_fazhi_files() {
        assert!(is_generation_name("gen-000001"));
        assert!(!is_generation_name("gen-1"));
        assert!(!is_generation_name("notes"));
        assert!(is_flat_file("meta.json"));
        assert!(is_flat_file("0123456789abcdef0123456789abcdef.grams"));
        assert!(is_flat_file("0123456789abcdef0123456789abcdef.12.del"));
        assert!(!is_flat_file("notes.md"));
        assert!(!is_flat_file("0123.store"));
    }

    #[test]
    fn a_folder_with_anything_else_is_foreign() {
        let dir = tempfile_dir("foreign");
        assert!(matches!(inspect(&dir.join("absent")).unwrap(), State::Absent));
        assert!(matches!(inspect(&dir).unwrap(), State::Empty));
        fs::write(dir.join("meta.json"), "{}").unwrap();
        // Tantivy-looking files without fazhi's marker are not fazhi's to take.
        assert!(matches!(inspect(&dir).unwrap(), State::Foreign(_)));
        fs::write(dir.join(MARKER), "{}").unwrap();
        assert!(matches!(inspect(&dir).unwrap(), State::Foreign(_)));
        fs::write(dir.join(MARKER), r#"{"fingerprint":"x","schema_version":1}"#).unwrap();
        assert!(matches!(inspect(&dir).unwrap(), State::Flat));
        fs::write(dir.join("notes.md"), "mine").unwrap();
        assert!(matches!(inspect(&dir).unwrap(), State::Foreign(_)));
        fs::remove_file(dir.join("notes.md")).unwrap();
        let marker = Marker::new("gen-000002", "f".into(), 1);
        fs::write(dir.join(MARKER), serde_json::to_vec(&marker).unwrap()).unwrap();
        fs::create_dir(dir.join("gen-000002")).unwrap();
        assert!(matches!(inspect(&dir).unwrap(), State::Index(_)));
        let file = dir.join("plain-file");
        fs::write(&file, "x").unwrap();
        assert!(matches!(inspect(&file).unwrap(), State::Foreign(_)));
        let _ = fs::remove_dir_all(&dir);
    }

    fn tempfile_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("fazhi-layout-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }
}
