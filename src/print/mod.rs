//! Output for people at a terminal: search answers, reports, concordance
//! lines and extraction results as Chinese text, coloured when the
//! terminal takes it (anstream decides: `--color`, `NO_COLOR`,
//! `CLICOLOR_FORCE`), long output through a pager. What scripts read is
//! the library's (`fazhi::render`).

pub mod kwic;
pub mod metadata;
pub mod pager;
pub mod report;
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
