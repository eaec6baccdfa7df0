//! `fazhi show`, `fazhi stats`, `fazhi completions`, `fazhi man`.

use anyhow::Result;

use super::{color, index_dir, FOUND, NOT_FOUND};
use crate::cli::{Cli, CompletionsArgs, RecordFormat, ShowArgs, StatsArgs};
use crate::print::text::Style;
use fazhi::search::highlight;
use fazhi::search::lookup::{Found, Report, MIN_PREFIX};
use fazhi::search::Engine;

pub fn show(args: ShowArgs) -> Result<u8> {
    // A query with nothing to mark is refused before the index is opened.
    let keys = args.highlight.as_deref().map(highlight::keys).transpose()?;
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let Some(report) = find(&engine, &args.id, keys.as_deref())? else {
        eprintln!("fazhi: {}", not_found(&args.id));
        return Ok(NOT_FOUND);
    };
    match args.format {
        RecordFormat::Json => crate::print::emit((serde_json::to_string(&report)? + "\n").as_bytes())?,
        RecordFormat::Text => {
            let out = crate::print::report::show(&report, &Style { color: color(args.color) });
            crate::print::pager::show(&out, !args.no_pager)?
        }
    }
    Ok(FOUND)
}

/// The report `show` shows for an id, an id prefix or a path (`None`:
/// no such report), its terms marked when `keys` are given; a prefix too
/// short or shared by several reports is an error.
pub fn find(engine: &Engine, id: &str, keys: Option<&[String]>) -> Result<Option<Box<Report>>> {
    let mut report = match engine.find_report(id)? {
        Found::One(report) => report,
        Found::None if id.len() < MIN_PREFIX && id.bytes().all(|b| b.is_ascii_hexdigit()) => {
            anyhow::bail!("ID 前缀 {id} 太短：至少给出 {MIN_PREFIX} 位");
        }
        Found::None => return Ok(None),
        Found::Several(candidates) => {
            let listed: Vec<String> = candidates
                .iter()
                .map(|(id, title)| format!("{id}（{}）", title.as_deref().unwrap_or("无标题")))
                .collect();
            anyhow::bail!("ID 前缀 {id} 对应多篇报告，请多给几位：{}", listed.join("、"));
        }
    };
    if let Some(keys) = keys {
        report.highlight(keys);
    }
    Ok(Some(report))
}

/// What `show` says of an id no report has.
pub fn not_found(id: &str) -> String {
    format!("索引中没有 ID（或 ID 前缀、路径）为 {id} 的报告")
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
