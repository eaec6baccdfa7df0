//! Metadata supplied by the user wins over extraction, field by field:
//! `REPORT.json` next to `REPORT.txt`, or a manifest (JSON Lines, one
//! `{"path": …, "year": …}` per report) given to `fazhi index --manifest`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::meta::{Hints, Metadata, Overrides};

/// Applies overrides; an unknown field or a wrongly typed value is an error.
pub fn apply(m: &mut Metadata, overrides: &Overrides, source: &str) -> Result<()> {
    for (name, value) in overrides {
        if name == "path" {
            continue;
        }
        if !m.values.set_json(name, value) {
            bail!("{source}：字段 {name} 未知或类型不对（{value}）");
        }
        m.confidence.insert(name.clone(), 1.0);
        m.evidence.insert(name.clone(), format!("用户提供：{source}"));
    }
    Ok(())
}

/// Applies, in order, a JSON Lines record's own fields, the REPORT.json
/// beside `file` (when the report is a whole file), and a manifest entry;
/// returns the overrides applied, for the re-indexing fingerprint.
pub fn apply_all(
    m: &mut Metadata,
    hints: &Hints,
    file: Option<&Path>,
    manifest: Option<(&Overrides, &str)>,
) -> Result<Vec<Overrides>> {
    let mut applied = Vec::new();
    if let Some((fields, source)) = &hints.overrides {
        apply(m, fields, source)?;
        applied.push(fields.clone());
    }
    if let Some((fields, source)) = file.map(beside).transpose()?.flatten() {
        apply(m, &fields, &source)?;
        applied.push(fields);
    }
    if let Some((fields, source)) = manifest {
        apply(m, fields, source)?;
        applied.push(fields.clone());
    }
    Ok(applied)
}

/// `REPORT.json` next to `REPORT.txt`, if present.
pub fn beside(report: &Path) -> Result<Option<(Overrides, String)>> {
    let path = report.with_extension("json");
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("无法读取 {}", path.display()))?;
    let value: Value = serde_json::from_str(&text).with_context(|| format!("{} 不是有效的 JSON", path.display()))?;
    let Value::Object(map) = value else { bail!("{} 应是一个 JSON 对象", path.display()) };
    Ok(Some((map, path.display().to_string())))
}

/// A manifest: overrides by canonical report path. Relative paths are
/// relative to the manifest's folder.
pub struct Manifest {
    entries: HashMap<PathBuf, Overrides>,
    name: String,
    /// The manifest's own canonical path.
    path: PathBuf,
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path).with_context(|| format!("无法读取清单 {}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut entries = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = || format!("清单 {} 第 {} 行", path.display(), i + 1);
            let value: Value = serde_json::from_str(line).with_context(|| format!("{} 不是有效的 JSON", at()))?;
            let Value::Object(map) = value else { bail!("{} 应是 JSON 对象", at()) };
            let Some(report) = map.get("path").and_then(Value::as_str) else { bail!("{} 缺少 path", at()) };
            let report = base.join(report);
            let key = report.canonicalize().unwrap_or(report);
            entries.insert(key, map);
        }
        let own = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        Ok(Manifest { entries, name: path.display().to_string(), path: own })
    }

    /// The manifest file itself (canonical), so indexing never reads it as reports.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self, report: &Path) -> Option<(&Overrides, &str)> {
        self.entries.get(report).map(|o| (o, self.name.as_str()))
    }
}
