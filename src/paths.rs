//! Where things live by default.
//!
//! - The index: `--index DIR`, else `$FAZHI_INDEX`, else
//!   `$XDG_DATA_HOME/fazhi/index` (`~/.local/share/fazhi/index` on Linux).
//! - The bundled corpus: `data/reports/` of the source tree the binary was
//!   built from.

use std::path::{Path, PathBuf};

/// Environment variable that overrides the default index location.
pub const INDEX_ENV: &str = "FAZHI_INDEX";

/// The default index location (without `--index` or `$FAZHI_INDEX`).
pub fn default_index_dir() -> PathBuf {
    dirs::data_local_dir().unwrap_or_else(|| PathBuf::from(".")).join("fazhi").join("index")
}

pub fn is_default_index(dir: &Path) -> bool {
    dir == default_index_dir()
}

/// The bundled corpus, indexed when `fazhi index` is given no PATH.
pub fn bundled_corpus() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/reports"))
}
