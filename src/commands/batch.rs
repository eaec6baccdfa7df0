//! `fazhi batch`.

use anyhow::Result;

use super::{index_dir, FOUND};
use crate::cli::BatchArgs;
use fazhi::batch;
use fazhi::search::Engine;

/// `fazhi batch`: exit 2 only when the input or the index can't be read;
/// a bad line is an error object in the output, not a failure.
pub fn run(args: BatchArgs) -> Result<u8> {
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let input: Box<dyn std::io::BufRead> = match args.input.as_deref() {
        None => Box::new(std::io::stdin().lock()),
        Some(p) if p == std::path::Path::new("-") => Box::new(std::io::stdin().lock()),
        Some(p) => Box::new(std::io::BufReader::new(
            std::fs::File::open(p).map_err(|e| anyhow::anyhow!("无法读取查询文件 {}（{e}）", p.display()))?,
        )),
    };
    // A counter on stderr, drawn only on a terminal.
    let progress = indicatif::ProgressBar::new_spinner();
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} 已回答 {pos} 个查询 {per_sec}") {
        progress.set_style(style);
    }
    let defaults = batch::Defaults { limit: args.limit, facets: args.facets };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let result = batch::run(&engine, input, defaults, &|| progress.inc(1), |line| {
        use std::io::Write;
        writeln!(out, "{line}").map_err(anyhow::Error::from)
    })
    .and_then(|loose| std::io::Write::flush(&mut out).map(|()| loose).map_err(anyhow::Error::from));
    progress.finish_and_clear();
    match result {
        Err(e) if super::is_broken_pipe(&e) => {}
        Ok(loose) if loose > 0 => {
            eprintln!(
                "fazhi: {loose} 个查询没有完全匹配的报告，按要求（loose）给出了宽松匹配的结果（\"match\": \"loose\"）"
            )
        }
        other => {
            other?;
        }
    }
    Ok(FOUND)
}
