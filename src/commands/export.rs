//! `fazhi export`: every report, or every matching one, written as it is
//! read (CSV or JSON Lines), never held all at once.

use std::io::{self, BufWriter, Write};

use anyhow::Result;
use serde_json::Value;

use super::{index_dir, search::say_if_loose_export, FOUND, NOT_FOUND};
use crate::cli::{ExportArgs, ExportFormat};
use fazhi::render;
use fazhi::search::export::fields;
use fazhi::search::{Engine, SearchRequest};

pub fn run(args: ExportArgs) -> Result<u8> {
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let request = args.filters.request(&args.query);
    let progress = indicatif::ProgressBar::new_spinner();
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} 已导出 {pos} 篇 {per_sec}") {
        progress.set_style(style);
    }
    let mut out = BufWriter::new(io::stdout().lock());
    let written = write_all(&engine, &request, &Shape::of(&args), &mut out, &|| progress.inc(1));
    progress.finish_and_clear();
    let exported = match written {
        Ok(exported) => exported,
        Err(e) if super::is_broken_pipe(&e) => return Ok(FOUND),
        Err(e) => return Err(e),
    };
    say_if_loose_export(exported.match_mode, exported.total);
    Ok(if exported.total > 0 { FOUND } else { NOT_FOUND })
}

/// What an export writes besides the reports: its format, the full text or
/// not, a BOM before CSV or not.
pub struct Shape {
    pub format: ExportFormat,
    pub text: bool,
    pub bom: bool,
}

impl Shape {
    fn of(args: &ExportArgs) -> Shape {
        Shape { format: args.format, text: args.text, bom: args.bom }
    }
}

/// Writes every report `request` matches to `out`, as `fazhi export` does,
/// calling `progress` once a report.
pub fn write_all(
    engine: &Engine,
    request: &SearchRequest,
    args: &Shape,
    out: &mut impl Write,
    progress: &dyn Fn(),
) -> Result<fazhi::search::export::Exported> {
    match args.format {
        ExportFormat::Jsonl => {
            let exported = engine.export(request, args.text, |record| {
                render::json_line(out, &record)?;
                progress();
                Ok(())
            })?;
            out.flush()?;
            Ok(exported)
        }
        ExportFormat::Csv => {
            let names = fields(args.text);
            let header: Vec<&str> = names.iter().map(String::as_str).collect();
            let mut csv = render::csv_writer(out, args.bom, &header)?;
            let exported = engine.export(request, args.text, |record| {
                csv.write_record(names.iter().map(|name| cell(&record[name.as_str()])))?;
                progress();
                Ok(())
            })?;
            csv.flush()?;
            Ok(exported)
        }
    }
}

/// A CSV cell: unknown is empty, a list is joined with `;`.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}
