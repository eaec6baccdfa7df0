//! `fazhi show`, `fazhi stats`, `fazhi completions`, `fazhi man`.

use anyhow::Result;

use super::{index_dir, FOUND, NOT_FOUND};
use fazhi::cli::{Cli, CompletionsArgs, Format, ShowArgs, StatsArgs};
use fazhi::render;
use fazhi::search::Engine;

pub fn show(args: ShowArgs) -> Result<u8> {
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let Some(report) = engine.report(&args.id)? else {
        eprintln!("fazhi: 索引中没有 ID 为 {} 的报告", args.id);
        return Ok(NOT_FOUND);
    };
    let out = match args.format {
        Format::Json | Format::Jsonl => serde_json::to_string(&report)? + "\n",
        Format::Text | Format::Csv => render::report::show(&report),
    };
    render::emit(out.as_bytes())?;
    Ok(FOUND)
}

pub fn stats(args: StatsArgs) -> Result<u8> {
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let stats = engine.stats()?;
    let out = match args.format {
        Format::Json | Format::Jsonl => serde_json::to_string(&stats)? + "\n",
        Format::Text | Format::Csv => render::report::stats(&stats),
    };
    render::emit(out.as_bytes())?;
    Ok(FOUND)
}

pub fn completions(args: CompletionsArgs) -> Result<u8> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "fazhi", &mut out);
    render::emit(&out)?;
    Ok(FOUND)
}

pub fn man() -> Result<u8> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    render::emit(&out)?;
    Ok(FOUND)
}
