//! `fazhi extract` for people: each field with its value, confidence and evidence.

use std::fmt::Write;

use fazhi::meta::FIELDS;
use fazhi::render::metadata::Record;

pub fn text(records: &[Record]) -> String {
    let mut out = String::new();
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", r.path);
        for def in &FIELDS {
            let shown = r.meta.values.get(def.field).map_or("—".to_string(), |v| v.to_string());
            let confidence = r.meta.confidence.get(def.name).copied().unwrap_or(0.0);
            let evidence = r.meta.evidence.get(def.name).map(String::as_str).unwrap_or("");
            let _ = writeln!(out, "  {:<6}{}  [{:.2}] {}", format!("{}：", def.label), shown, confidence, evidence);
        }
    }
    out
}
