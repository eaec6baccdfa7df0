//! A tantivy directory that can be read without write access.
//!
//! tantivy takes its meta lock (by creating a lock file) whenever a reader
//! loads the segments, so that a writer's cleanup cannot delete them
//! meanwhile. On a read-only folder that file cannot be made, and no writer
//! can run there either, so the lock is not needed: this directory then
//! goes on without it. Every other call goes to the wrapped directory.

use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, FileSlice, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
    META_LOCK,
};

#[derive(Clone, Debug)]
pub struct Tolerant {
    inner: MmapDirectory,
}

impl Tolerant {
    pub fn new(inner: MmapDirectory) -> Tolerant {
        Tolerant { inner }
    }
}

/// Why a lock file could not be made, when it is the folder's fault (it
/// is read-only or not ours to write), not another process holding it.
fn cannot_write(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied)
}

impl Directory for Tolerant {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn open_read(&self, path: &Path) -> Result<FileSlice, OpenReadError> {
        self.inner.open_read(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        let result = if crate::failpoint::lock_cannot_be_made() {
            Err(LockError::IoError(Arc::new(std::io::ErrorKind::ReadOnlyFilesystem.into())))
        } else {
            self.inner.acquire_lock(lock)
        };
        match result {
            // Only the meta lock that readers take; a writer's lock must
            // still fail.
            Err(LockError::IoError(e)) if lock.filepath == META_LOCK.filepath && cannot_write(&e) => {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
