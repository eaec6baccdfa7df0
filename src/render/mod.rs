//! Output of search answers: for people ([`text`]) and for scripts ([`json`]).

pub mod hits;
pub mod json;
pub mod kwic;
pub mod metadata;
pub mod pager;
pub mod report;
pub mod table;
pub mod text;

use std::io::{self, Write};

/// Writes `out` to stdout; a closed pipe (`| head`) is not an error.
pub fn emit(out: &[u8]) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(out).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// The UTF-8 byte order mark, for CSV that Excel on a Chinese Windows must
/// not read as GBK (`--bom`).
pub const BOM: &str = "\u{FEFF}";

/// `csv`, preceded by a BOM when asked.
pub fn with_bom(csv: String, bom: bool) -> String {
    if bom {
        format!("{BOM}{csv}")
    } else {
        csv
    }
}
