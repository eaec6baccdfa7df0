//! `fazhi extract`.

use anyhow::Result;

use super::{ERROR, FOUND};
use crate::cli::{ExtractArgs, ExtractFormat};
use fazhi::extract::{self, sidecar};
use fazhi::ingest::pool::Pool;
use fazhi::{ingest, render};

/// `fazhi extract`: metadata with evidence, without indexing. A file that
/// can't be read is reported on stderr; the others are still printed.
pub fn run(args: ExtractArgs) -> Result<u8> {
    let mut records = Vec::new();
    let mut failed = false;
    let pool = Pool::isolated(args.parsing.limits());
    let fields = args.fields.map();
    for path in &args.files {
        let parts = match pool.read(path, &fields) {
            Ok(parts) => parts,
            Err(reason) => {
                eprintln!("fazhi: 跳过 {}：{reason}", path.display());
                failed = true;
                continue;
            }
        };
        let beside = ingest::sidecar_owner(path, &parts);
        for part in parts {
            let shown = part.key(&path.display().to_string());
            let text = match part.text {
                Ok(text) => text,
                Err(reason) => {
                    eprintln!("fazhi: 跳过 {shown}：{reason}");
                    failed = true;
                    continue;
                }
            };
            let mut meta = extract::extract_with(&text, &part.hints);
            if let Err(e) = sidecar::apply_all(&mut meta, &part.hints, beside, None) {
                eprintln!("fazhi: 跳过 {shown}：{}", ingest::SkipReason::BadMetadata(format!("{e:#}")));
                failed = true;
                continue;
            }
            records.push(render::metadata::Record { path: shown, meta });
        }
    }
    let out = match args.format {
        ExtractFormat::Text => crate::print::metadata::text(&records),
        ExtractFormat::Json => render::metadata::json(&records),
        ExtractFormat::Jsonl => render::metadata::jsonl(&records),
    };
    crate::print::emit(out.as_bytes())?;
    Ok(if failed { ERROR } else { FOUND })
}
