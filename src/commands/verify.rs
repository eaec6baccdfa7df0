//! `fazhi verify`: every byte of the index checked; exit 0 whole, 2 damaged.

use anyhow::{bail, Result};

use super::{index_dir, FOUND};
use crate::cli::{VerifyArgs, VerifyFormat};
use fazhi::index::store::index_flag;
use fazhi::index::{verify, IndexHandle};

pub fn run(args: VerifyArgs) -> Result<u8> {
    let dir = index_dir(&args.location)?;
    // Opening checks the marker, the fingerprint and that every file is there.
    let handle = IndexHandle::open(&dir)?;
    let report = verify::verify(&handle)?;
    let out = match args.format {
        VerifyFormat::Json => serde_json::to_string(&report)? + "\n",
        VerifyFormat::Text if report.damaged.is_empty() => format!(
            "索引 {} 完好：{} 个文件，{:.1} MB，校验和与结构全部核对无误\n",
            report.index,
            report.files,
            report.bytes as f64 / 1e6
        ),
        VerifyFormat::Text => String::new(),
    };
    crate::print::emit(out.as_bytes())?;
    if let Some((file, why)) = report.damaged.first() {
        let more = match report.damaged.len() {
            1 => String::new(),
            n => format!("等 {n} 个文件"),
        };
        bail!(
            "索引 {} 已损坏：{file}（{why}）{more}；请运行 `fazhi index --rebuild{}` 重建",
            report.index,
            index_flag(&dir)
        );
    }
    Ok(FOUND)
}
