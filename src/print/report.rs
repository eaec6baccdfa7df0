//! Human output of `fazhi show` and `fazhi stats`.

use std::fmt::Write;

use super::text::{marked, Style};
use fazhi::meta::FIELDS;
use fazhi::render::table::Table;
use fazhi::search::counts::Dim;
use fazhi::search::lookup::{Report, Stats};

/// A report for reading: its metadata with the evidence, then its text
/// (with `--highlight`, the terms marked and a line of their counts).
pub fn show(r: &Report, style: &Style) -> String {
    let h = &r.hit;
    let mut out = String::new();
    let own = [("ID", "id", Some(h.id.clone())), ("文件", "path", Some(h.path.clone()))];
    let fields = FIELDS.iter().map(|d| (d.label, d.name, h.meta.get(d.field).map(|v| v.to_string())));
    for (label, field, value) in own.into_iter().chain(fields) {
        let evidence = r.evidence.get(field).and_then(|e| e.as_str()).unwrap_or("");
        let confidence = r.confidence.get(field).and_then(|c| c.as_f64());
        let sure = confidence.map(|c| format!("  [{c:.2}] {evidence}")).unwrap_or_default();
        let _ = writeln!(out, "{label}：{}{sure}", value.as_deref().unwrap_or("—"));
    }
    for path in &h.duplicates {
        let _ = writeln!(out, "转载：{path}");
    }
    if r.highlights.is_some() {
        let counts: Vec<String> =
            r.terms.iter().map(|t| format!("{t} {} 次", h.occurrences.get(t).copied().unwrap_or(0))).collect();
        let _ = writeln!(out, "出现次数：{}", counts.join("，"));
    }
    out.push_str("\n────────\n");
    match &r.highlights {
        Some(ranges) => out.push_str(&marked(&r.text, ranges, style)),
        None => out.push_str(&r.text),
    }
    out.push('\n');
    out
}

/// Said wherever the demo index answers.
pub const DEMO_NOTE: &str =
    "这是自带的演示索引，只有几篇示例报告；用 fazhi index 文件夹 建立你自己的索引，演示报告会被替换";

pub fn stats(s: &Stats) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "索引：{}", s.index);
    if s.demo {
        let _ = writeln!(out, "（{DEMO_NOTE}）");
    }
    let _ = writeln!(out, "报告：{} 篇（{} 个段）", s.documents, s.segments);
    if s.duplicates > 0 {
        let _ = writeln!(out, "转载重复：{} 篇（已并入原报告）", s.duplicates);
    }
    let _ = writeln!(out, "大小：{:.1} MB", s.size_bytes as f64 / 1048576.0);
    let _ = writeln!(out, "指纹：{}", s.fingerprint);
    let _ = writeln!(
        out,
        "缺少年份 {} 篇，缺少省份 {} 篇，缺少级别 {} 篇",
        s.missing.year, s.missing.province, s.missing.level
    );
    for (dim, buckets) in [(Dim::Level, &s.by_level), (Dim::Year, &s.by_year)] {
        out.push('\n');
        let mut sorted = buckets.clone();
        if dim == Dim::Year {
            sorted.sort_by(|a, b| (a.value.is_none(), &a.value).cmp(&(b.value.is_none(), &b.value)));
        }
        out.push_str(&Table::from_buckets(dim, &sorted, s.documents).text());
    }
    out
}
