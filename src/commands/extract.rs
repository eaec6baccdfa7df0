//! `fazhi extract`.

use anyhow::Result;

use super::{ERROR, FOUND};
use fazhi::cli::{ExtractArgs, ExtractFormat};
use fazhi::extract::{self, sidecar};
use fazhi::{ingest, render};

/// `fazhi extract`: metadata with evidence, without indexing. A file that
/// can't be read is reported on stderr; the others are still printed.
pub fn run(args: ExtractArgs) -> Result<u8> {
    let mut records = Vec::new();
    let mut failed = false;
    for path in &args.files {
        let source = match ingest::read_report(path) {
            Ok(source) => source,
            Err(reason) => {
                eprintln!("fazhi: 跳过 {}：{reason}", path.display());
                failed = true;
                continue;
            }
        };
        let mut meta = extract::extract(&source.text);
        if let Some((overrides, name)) = sidecar::beside(path)? {
            sidecar::apply(&mut meta, &overrides, &name)?;
        }
        records.push(render::metadata::Record { path: path.display().to_string(), meta });
    }
    let out = match args.format {
        ExtractFormat::Text => render::metadata::text(&records),
        ExtractFormat::Json => render::metadata::json(&records),
        ExtractFormat::Jsonl => render::metadata::jsonl(&records),
    };
    render::emit(out.as_bytes())?;
    Ok(if failed { ERROR } else { FOUND })
}
