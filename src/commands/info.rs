//! `fazhi show`, `fazhi stats`, `fazhi completions`, `fazhi man`.

use anyhow::Result;

use super::{color, index_dir, FOUND, NOT_FOUND};
use crate::cli::{Cli, CompletionsArgs, RecordFormat, ShowArgs, StatsArgs};
use crate::print::text::Style;
use fazhi::search::highlight;
use fazhi::search::lookup::{Found, MIN_PREFIX};
use fazhi::search::Engine;

pub fn show(args: ShowArgs) -> Result<u8> {
    // A query with nothing to mark is refused before the index is opened.
    let keys = args.highlight.as_deref().map(highlight::keys).transpose()?;
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let mut report = match engine.find_report(&args.id)? {
        Found::One(report) => report,
        Found::None if args.id.len() < MIN_PREFIX && args.id.bytes().all(|b| b.is_ascii_hexdigit()) => {
            anyhow::bail!("ID 前缀 {} 太短：至少给出 {MIN_PREFIX} 位", args.id);
        }
        Found::None => {
            eprintln!("fazhi: 索引中没有 ID（或 ID 前缀、路径）为 {} 的报告", args.id);
            return Ok(NOT_FOUND);
        }
        Found::Several(candidates) => {
            let listed: Vec<String> = candidates
                .iter()
                .map(|(id, title)| format!("{id}（{}）", title.as_deref().unwrap_or("无标题")))
                .collect();
            anyhow::bail!("ID 前缀 {} 对应多篇报告，请多给几位：{}", args.id, listed.join("、"));
        }
    };
    if let Some(keys) = &keys {
        report.highlight(keys);
    }
    match args.format {
        RecordFormat::Json => crate::print::emit((serde_json::to_string(&report)? + "\n").as_bytes())?,
        RecordFormat::Text => {
            let out = crate::print::report::show(&report, &Style { color: color(args.color) });
            crate::print::pager::show(&out, !args.no_pager)?
        }
    }
    Ok(FOUND)
}

pub fn stats(args: StatsArgs) -> Result<u8> {
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let stats = engine.stats()?;
    let out = match args.format {
        RecordFormat::Json => serde_json::to_string(&stats)? + "\n",
        RecordFormat::Text => crate::print::report::stats(&stats),
    };
    crate::print::emit(out.as_bytes())?;
    Ok(FOUND)
}

pub fn completions(args: CompletionsArgs) -> Result<u8> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "fazhi", &mut out);
    crate::print::emit(&out)?;
    Ok(FOUND)
}

pub fn man() -> Result<u8> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    crate::print::emit(&out)?;
    Ok(FOUND)
}
