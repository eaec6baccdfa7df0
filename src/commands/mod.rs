//! What each subcommand does, between parsed flags (`crate::cli`) and the
//! library; `main` only dispatches and turns results into exit codes.

pub mod batch;
pub mod export;
pub mod extract;
pub mod index;
pub mod info;
pub mod kwic;
pub mod search;
pub mod verify;

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::{self, ColorWhen};
use fazhi::index::build::{self, BuildRequest};
use fazhi::index::layout;
use fazhi::ingest::worker::Limits;
use fazhi::paths;

/// ripgrep's convention: 0 found, 1 nothing found, 2 error.
pub const FOUND: u8 = 0;
pub const NOT_FOUND: u8 = 1;
pub const ERROR: u8 = 2;

/// `--index`/`$FAZHI_INDEX`, else the default index (built on first use).
pub fn index_dir(location: &cli::IndexLocation) -> Result<PathBuf> {
    match &location.index {
        Some(dir) => Ok(dir.clone()),
        None => default_index_built_on_first_use(),
    }
}

/// The default index, built from the bundled corpus the first time.
pub fn default_index_built_on_first_use() -> Result<PathBuf> {
    let dir = paths::default_index_dir();
    // A demo built by an older fazhi is fazhi's own: it is built again, not
    // left for the user to rebuild.
    let stale_demo = layout::current(&dir)
        .ok()
        .flatten()
        .is_some_and(|(_, marker)| marker.demo && marker.fingerprint != fazhi::index::store::fingerprint());
    if !layout::is_index(&dir) || stale_demo {
        let corpus = index::bundled_corpus()?;
        if stale_demo {
            eprintln!(
                "fazhi: 示例索引 {} 由旧版 fazhi 建立，正在用自带语料 {} 重建 …",
                dir.display(),
                corpus.display()
            );
        } else {
            eprintln!("fazhi: 首次使用：正在用自带语料 {} 建立默认索引 {} …", corpus.display(), dir.display());
        }
        let bar = index::Bar::new();
        let request = BuildRequest {
            paths: vec![corpus],
            rebuild: stale_demo,
            prune: false,
            progress: Some(bar.progress()),
            manifest: None,
            isolation: Some(Limits::default()),
            demo: true,
            ..BuildRequest::default()
        };
        let summary = build::build(&dir, &request);
        bar.0.finish_and_clear();
        let summary = summary?;
        eprintln!("fazhi: {}", index::summary_line(&summary, &dir));
    }
    Ok(dir)
}

/// Whether a command's error is only a closed pipe (`| head`): the reader
/// has what it wanted, so it is not an error.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    // A writer's error comes back from the library as the callback's own.
    let io = match e.downcast_ref::<fazhi::error::Error>() {
        Some(fazhi::error::Error::Caller(own)) => own.downcast_ref::<std::io::Error>(),
        _ => e.downcast_ref::<std::io::Error>(),
    };
    io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Whether to colour stdout: `auto` is anstream's choice (`NO_COLOR`,
/// `CLICOLOR_FORCE`, `CLICOLOR=0`, terminal detection, `TERM=dumb`).
pub fn color(when: ColorWhen) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never,
    }
}
