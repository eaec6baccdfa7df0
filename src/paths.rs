//! Where things live by default.
//!
//! - The index: `--index DIR`, else `$FAZHI_INDEX`, else
//!   `$XDG_DATA_HOME/fazhi/index` (`~/.local/share/fazhi/index` on Linux).
//! - The bundled corpus: `data/reports/`, embedded in the binary and written
//!   out beside the default index (`…/fazhi/demo-corpus`) when the demo is
//!   built, so an installed binary does not depend on its source tree.

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

/// The bundled reports (`data/reports/`), as the binary carries them.
pub const BUNDLED_REPORTS: &[(&str, &str)] = &[
    ("000_c910b3bfb2b97b9e.txt", include_str!("../data/reports/000_c910b3bfb2b97b9e.txt")),
    ("001_af739eaade7ce012.txt", include_str!("../data/reports/001_af739eaade7ce012.txt")),
    ("002_004062c06e91e459.txt", include_str!("../data/reports/002_004062c06e91e459.txt")),
    ("003_4a2ec2c377f7ec85.txt", include_str!("../data/reports/003_4a2ec2c377f7ec85.txt")),
    ("004_eeca747ca845fb37.txt", include_str!("../data/reports/004_eeca747ca845fb37.txt")),
];

/// Where the demo index's reports are written out: fazhi's own folder.
pub fn bundled_corpus_dir() -> PathBuf {
    default_index_dir().with_file_name("demo-corpus")
}

/// The bundled corpus on disk, written out from the binary where missing or
/// changed: indexed for the demo, and when `fazhi index` is given no PATH.
pub fn bundled_corpus() -> std::io::Result<PathBuf> {
    let dir = bundled_corpus_dir();
    std::fs::create_dir_all(&dir)?;
    for (name, text) in BUNDLED_REPORTS {
        let path = dir.join(name);
        if std::fs::read(&path).is_ok_and(|held| held == text.as_bytes()) {
            continue;
        }
        // Whole or absent: a kill mid-write leaves a temp file, not half a report.
        let temp = dir.join(format!(".{name}.tmp"));
        std::fs::write(&temp, text)?;
        std::fs::rename(&temp, &path)?;
    }
    Ok(dir)
}

/// A file's key in the index: its path as the OS gives it, one to one.
///
/// A path that is UTF-8 and has no backslash is its own key. Any other is
/// escaped: each byte that is not UTF-8 as `\xNN`, a backslash as `\\`.
/// So keys never collide (a raw key has no backslash, an escaped one
/// does), a GBK file name stays readable around its escapes, and the path
/// comes back from the key exactly ([`from_key`]).
pub fn key(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.contains('\\') => s.to_string(),
        _ => {
            let mut out = String::with_capacity(bytes.len() + 8);
            for chunk in bytes.utf8_chunks() {
                out.push_str(&chunk.valid().replace('\\', "\\\\"));
                for b in chunk.invalid() {
                    out.push_str(&format!("\\x{b:02X}"));
                }
            }
            out
        }
    }
}

/// The path a [`key`] was made from.
pub fn from_key(key: &str) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    if !key.contains('\\') {
        return PathBuf::from(key);
    }
    let (bytes, mut out, mut i) = (key.as_bytes(), Vec::with_capacity(key.len()), 0);
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'\\', Some(b'\\')) => {
                out.push(b'\\');
                i += 2;
            }
            (b'\\', Some(b'x')) => match key.get(i + 2..i + 4).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(b) => {
                    out.push(b);
                    i += 4;
                }
                None => {
                    out.push(b'\\');
                    i += 1;
                }
            },
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    PathBuf::from(std::ffi::OsString::from_vec(out))
}

/// A path as shown to people: its key (names that are not UTF-8 escaped).
pub fn shown(path: &Path) -> String {
    key(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn keys_are_one_to_one_and_come_back() {
        let names: [&[u8]; 7] = [
            b"/r/\xb1\xa8\xb8\xe6.txt",
            b"/r/\xb1\xa8\xb8\xe7.txt",
            "/r/报告.txt".as_bytes(),
            b"/r/a\\b.txt",
            b"/r/a\\x41.txt",
            b"/r/A.txt",
            b"/r/\\\xff",
        ];
        let mut keys = std::collections::BTreeSet::new();
        for name in names {
            let path = Path::new(std::ffi::OsStr::from_bytes(name));
            let k = key(path);
            assert_eq!(from_key(&k), path, "{k}");
            assert!(keys.insert(k));
        }
        assert_eq!(key(Path::new("/r/报告.txt")), "/r/报告.txt");
        assert_eq!(key(Path::new(std::ffi::OsStr::from_bytes(b"/r/\xb1.txt"))), "/r/\\xB1.txt");
    }
}
