//! Why writing the index failed, in words a user can act on.
//!
//! tantivy reports a full disk met by one of its indexing threads only as
//! "An index writer was killed": so when a write fails, the free space of
//! the index's file system is looked at as well.

use std::io;
use std::path::Path;

use anyhow::anyhow;
use tantivy::TantivyError;

use crate::paths::shown;

/// Below this many free bytes, a failed write is put down to a full disk.
const NEARLY_FULL: u64 = 64 << 20;

/// One line for a failed write to the index at `dir`.
pub fn explain(dir: &Path, e: TantivyError, doing: &str) -> anyhow::Error {
    let detail = e.to_string().replace('\n', " ");
    if let Some(kind) = io_kind(&e) {
        match kind {
            io::ErrorKind::StorageFull => return full(dir, doing, &detail),
            io::ErrorKind::PermissionDenied => return anyhow!("{doing}：没有权限写入 {}（{detail}）", shown(dir)),
            io::ErrorKind::ReadOnlyFilesystem => {
                return anyhow!("{doing}：{} 所在的文件系统只读（{detail}）", shown(dir))
            }
            _ => {}
        }
    }
    if fs4::available_space(dir).is_ok_and(|free| free < NEARLY_FULL) {
        return full(dir, doing, &detail);
    }
    anyhow!("{doing}：{} （{detail}）", shown(dir))
}

fn full(dir: &Path, doing: &str, detail: &str) -> anyhow::Error {
    anyhow!("{doing}：{} 所在磁盘空间不足；已提交的部分完好，腾出空间后重新运行即可继续（{detail}）", shown(dir))
}

/// The kind of the I/O error at the root of `e`, if there is one.
fn io_kind(e: &TantivyError) -> Option<io::ErrorKind> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<io::Error>() {
            return Some(io.kind());
        }
        source = err.source();
    }
    if let TantivyError::IoError(io) = e {
        return Some(io.kind());
    }
    None
}
