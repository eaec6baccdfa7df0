//! Named points where tests make a run die on purpose (`FAZHI_FAILPOINT=NAME`
//! aborts the process there, as a kill would), so crash safety is tested
//! at the exact instants that matter, not only where a random kill lands.

use std::sync::OnceLock;

/// Aborts the process when `FAZHI_FAILPOINT` names this point.
pub fn hit(name: &str) {
    static POINT: OnceLock<Option<String>> = OnceLock::new();
    let point = POINT.get_or_init(|| std::env::var("FAZHI_FAILPOINT").ok().filter(|p| !p.is_empty()));
    if point.as_deref() == Some(name) {
        eprintln!("fazhi: FAZHI_FAILPOINT={name}：按要求在此中止");
        std::process::abort();
    }
}

/// An I/O error injected for `path` by `FAZHI_INJECT_UNREADABLE=DIR`: the
/// folder and everything under it read as permission denied. Root is not
/// stopped by permissions, so tests of unreadable folders need this.
pub fn unreadable(path: &std::path::Path) -> Option<std::io::Error> {
    static DIR: OnceLock<Option<std::path::PathBuf>> = OnceLock::new();
    let dir = DIR.get_or_init(|| std::env::var_os("FAZHI_INJECT_UNREADABLE").filter(|d| !d.is_empty()).map(Into::into));
    let dir = dir.as_ref()?;
    path.starts_with(dir).then(|| std::io::Error::from(std::io::ErrorKind::PermissionDenied))
}

/// `FAZHI_INJECT_READONLY=1`: lock files cannot be made, as on a read-only
/// mount (for tests where a real read-only bind mount is not possible).
pub fn lock_cannot_be_made() -> bool {
    static SET: OnceLock<bool> = OnceLock::new();
    *SET.get_or_init(|| std::env::var_os("FAZHI_INJECT_READONLY").is_some_and(|v| v == "1"))
}

/// `FAZHI_INJECT_PARSE_FAULT=KIND:TEXT[,KIND:TEXT…]`: a parser worker given
/// a file whose name contains TEXT fails as KIND does — `overflow` (endless
/// recursion), `oom` (allocations past any limit), `spin` (an endless loop)
/// or `abort` — so tests see the pool contain each way a parsing crate can die.
pub fn parse_fault(path: &std::path::Path) {
    static FAULTS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    let faults = FAULTS.get_or_init(|| {
        let spec = std::env::var("FAZHI_INJECT_PARSE_FAULT").unwrap_or_default();
        spec.split(',').filter_map(|f| f.split_once(':')).map(|(k, t)| (k.to_string(), t.to_string())).collect()
    });
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let Some((kind, _)) = faults.iter().find(|(_, text)| name.contains(text.as_str())) else { return };
    match kind.as_str() {
        "overflow" => {
            #[allow(unconditional_recursion)]
            fn deeper(n: u64) -> u64 {
                let pad = std::hint::black_box([n; 64]);
                deeper(pad[0] + 1) + pad[63]
            }
            std::hint::black_box(deeper(0));
        }
        "oom" => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1; 64 << 20]);
                std::hint::black_box(&hoard);
            }
        }
        "spin" => loop {
            std::hint::black_box(path);
        },
        "abort" => std::process::abort(),
        _ => {}
    }
}

/// `FAZHI_INJECT_SLOW_READ=MS`: each report a search reads whole (for
/// `--within` or occurrence counts) takes MS milliseconds more, so tests
/// can make a search outlast a server's time limit.
pub fn slow_read() {
    static MS: OnceLock<u64> = OnceLock::new();
    let ms = *MS.get_or_init(|| std::env::var("FAZHI_INJECT_SLOW_READ").ok().and_then(|v| v.parse().ok()).unwrap_or(0));
    if ms > 0 {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}
