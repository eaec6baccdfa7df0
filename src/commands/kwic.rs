//! `fazhi kwic`: the concordance, written line by line as reports are read.

use std::io::{self, BufWriter, Write};

use anyhow::Result;

use super::{color, index_dir, FOUND, NOT_FOUND};
use crate::cli::{KwicArgs, KwicFormat, KwicSort};
use crate::print::text::Style;
use fazhi::render;
use fazhi::search::kwic::{Concordance, KwicRequest, Order};
use fazhi::search::{Engine, SearchRequest};

/// Matching reports above which the scan shows its progress.
const PROGRESS_FROM: usize = 500;

pub fn run(args: KwicArgs) -> Result<u8> {
    if args.filters.loose {
        anyhow::bail!("kwic 只列出完全匹配的出现处，不能与 --loose 同用");
    }
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let search = args.filters.request(&args.query);
    let request = request(search, args.context as usize, args.sort, (!args.all).then_some(args.limit));
    let bar = indicatif::ProgressBar::hidden();
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} 篇 {eta}") {
        bar.set_style(style);
    }
    let progress = |done: usize, of: usize| {
        if of >= PROGRESS_FROM {
            if bar.is_hidden() && done < of {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_length(of as u64);
            bar.set_position(done as u64);
        }
    };
    let style = Style { color: color(args.color) };
    let mut out = BufWriter::new(io::stdout().lock());
    let written = write_all(&engine, &request, (args.format, args.bom), &style, &progress, &mut out);
    bar.finish_and_clear();
    let done = match written {
        Ok(done) => done,
        Err(e) if super::is_broken_pipe(&e) => return Ok(FOUND),
        Err(e) => return Err(e),
    };
    let shown = request.limit.map_or(done.total, |n| n.min(done.total));
    if args.format == KwicFormat::Text {
        let within = done.within.map(|u| format!("（检索词在{}中）", u.label())).unwrap_or_default();
        let mut closing = format!("共 {} 处{within}，在 {} 篇报告中", done.total, done.reports);
        if shown < done.total {
            closing.push_str(&format!("；显示了前 {shown} 处，加 --all 显示全部"));
        }
        crate::print::emit(format!("{}\n", style.dim(&closing)).as_bytes())?;
    } else if shown < done.total {
        eprintln!("fazhi: 共 {} 处，只输出了前 {shown} 处；加 --all 输出全部", done.total);
    }
    Ok(if done.total > 0 { FOUND } else { NOT_FOUND })
}

/// The concordance of the reports `search` matches (only its query,
/// filters, `literal` and `within` count).
pub fn request(search: SearchRequest, context: usize, sort: KwicSort, limit: Option<usize>) -> KwicRequest {
    let order = match sort {
        KwicSort::Report => Order::Report,
        KwicSort::Left => Order::Left,
        KwicSort::Right => Order::Right,
    };
    KwicRequest { search, context, order, limit }
}

/// Writes the concordance lines to `out` as `format`, as `fazhi kwic` does.
pub fn write_all(
    engine: &Engine,
    request: &KwicRequest,
    (format, bom): (KwicFormat, bool),
    style: &Style,
    progress: &(dyn Fn(usize, usize) + Sync),
    out: &mut impl Write,
) -> Result<Concordance> {
    match format {
        KwicFormat::Text => {
            let done = engine.kwic(request, progress, |line| {
                writeln!(out, "{}", crate::print::kwic::text_line(line, request.context, style))?;
                Ok(())
            })?;
            // After the lines, which stream as they are found.
            if let Some(reading) = crate::print::text::interpretation_of(&done.interpretation) {
                writeln!(out, "{}", style.dim(&reading))?;
            }
            out.flush()?;
            Ok(done)
        }
        KwicFormat::Jsonl => {
            let done = engine.kwic(request, progress, |line| Ok(render::json_line(out, line)?))?;
            out.flush()?;
            Ok(done)
        }
        KwicFormat::Csv => {
            let mut csv = render::csv_writer(out, bom, &render::kwic::csv_fields())?;
            let done = engine.kwic(request, progress, |line| {
                csv.write_record(render::kwic::csv_record(line))?;
                Ok(())
            })?;
            csv.flush()?;
            Ok(done)
        }
    }
}
