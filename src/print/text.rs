//! Human output: a header line per hit, its snippets with highlights (colour
//! on a terminal, 【】 otherwise), and a closing line.

use std::fmt::Write;

use fazhi::meta::Field;
use fazhi::render::table::{shown, Table};
use fazhi::search::counts::{Bucket, Dim};
use fazhi::search::{Hit, MatchMode, SearchResponse};

pub struct Style {
    pub color: bool,
}

use anstyle::{AnsiColor, Color, Style as Ansi};

const BOLD: Ansi = Ansi::new().bold();
const DIM: Ansi = Ansi::new().dimmed();
const HIGHLIGHT: Ansi = Ansi::new().bold().fg_color(Some(Color::Ansi(AnsiColor::Red)));

impl Style {
    /// A matched term: in colour, else as written (callers bracket it).
    pub fn highlight(&self, text: &str) -> String {
        self.paint(HIGHLIGHT, text)
    }

    /// Secondary text (sources, labels).
    pub fn dim(&self, text: &str) -> String {
        self.paint(DIM, text)
    }

    fn paint(&self, code: Ansi, text: &str) -> String {
        if self.color {
            format!("{code}{text}{code:#}")
        } else {
            text.to_string()
        }
    }
}

pub fn response(r: &SearchResponse, offset: usize, style: &Style) -> String {
    let mut out = String::new();
    if let Some(line) = interpretation(r) {
        let _ = writeln!(out, "{}", style.paint(DIM, &line));
        out.push('\n');
    }
    // A loose answer is announced on stderr (commands::search) and in the closing line.
    if let Some(pivot) = &r.pivot {
        // A pivot answers with its table; hits are in the JSON form.
        out.push_str(&Table::from_pivot(pivot).text());
        if pivot.occurrences.is_some() {
            out.push_str("（表中为检索词出现的次数）\n");
        } else if pivot.all.is_some() {
            out.push_str("（表中为匹配报告占该格全部报告的比例；—：该格没有报告）\n");
        }
        out.push('\n');
        out.push_str(&closing(r, offset));
        out.push('\n');
        return out;
    }
    for (i, hit) in r.hits.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        write_hit(&mut out, offset + i + 1, hit, style);
    }
    if !r.hits.is_empty() {
        out.push('\n');
    }
    if let Some(f) = &r.facets {
        let _ = writeln!(out, "{}", style.paint(BOLD, &format!("分面统计（{} 篇匹配报告）", r.total)));
        for (dim, buckets) in
            [(Dim::Region, &f.region), (Dim::Year, &f.year), (Dim::Level, &f.level), (Dim::Type, &f.doc_type)]
        {
            let _ = writeln!(out, "  {}：{}", style.paint(DIM, dim.label()), compact_buckets(buckets));
        }
        out.push('\n');
    }
    out.push_str(&closing(r, offset));
    out.push('\n');
    out
}

fn write_hit(out: &mut String, rank: usize, hit: &Hit, style: &Style) {
    let file_name = std::path::Path::new(&hit.path)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| hit.path.clone());
    let m = &hit.meta;
    let title = m.text(Field::Title).map(str::to_string).unwrap_or(file_name);
    let region = m.region();
    let region = if region.is_empty() { "未知".to_string() } else { region.join("/") };
    let year = m.year().map_or("未知".to_string(), |y| y.to_string());
    let label = |l: &str| style.paint(DIM, l);
    let _ = writeln!(
        out,
        "{}. {}  {}{}  {}{}  {}{}{}",
        rank,
        style.paint(BOLD, &title),
        label("地区："),
        region,
        label("级别："),
        m.text(Field::Level).unwrap_or("未知"),
        label("年份："),
        year,
        hit.score.map(|s| format!("  {}{s:.2}", label("得分："))).unwrap_or_default()
    );
    let mut about = Vec::new();
    if let Some(unit) = m.text(Field::Unit) {
        let kind = m.text(Field::UnitType).map(|t| format!("（{t}）")).unwrap_or_default();
        about.push(format!("{}{unit}{kind}", label("单位：")));
    }
    if let Some(date) = m.text(Field::PublishDate) {
        about.push(format!("{}{date}", label("发布：")));
    }
    about.push(format!("{}{}", label("文件："), style.paint(DIM, &hit.path)));
    if !hit.duplicates.is_empty() {
        about.push(format!("{}{} 处", label("另见转载："), hit.duplicates.len()));
    }
    let _ = writeln!(out, "   {}", about.join("  "));
    for snippet in &hit.snippets {
        let _ = writeln!(out, "   · {}", marked(&snippet.text, &snippet.highlights, style));
    }
}

/// `text` with its highlights (char ranges `[start, end)`, sorted) marked:
/// in colour, or in 【】 without.
pub fn marked(text: &str, highlights: &[[usize; 2]], style: &Style) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut line = String::with_capacity(text.len());
    let mut at = 0;
    for &[a, b] in highlights {
        let (a, b) = (a.min(chars.len()), b.min(chars.len()));
        line.extend(&chars[at.min(a)..a]);
        let marked: String = chars[a.max(at).min(b)..b].iter().collect();
        if style.color {
            line.push_str(&style.paint(HIGHLIGHT, &marked));
        } else {
            let _ = write!(line, "【{marked}】");
        }
        at = at.max(b);
    }
    line.extend(&chars[at.min(chars.len())..]);
    line
}

/// `浙江省 3 · 江苏省 2 · 未知 1`, at most 12 buckets.
fn compact_buckets(buckets: &[Bucket]) -> String {
    let count = |b: &Bucket| match (b.all, b.share, b.occurrences) {
        (Some(all), Some(share), _) => format!("{}/{all}（{:.1}%）", b.count, share * 100.0),
        (Some(all), None, _) => format!("{}/{all}", b.count),
        (None, _, Some(n)) => format!("{}（{n} 次）", b.count),
        _ => b.count.to_string(),
    };
    let mut parts: Vec<String> = buckets.iter().take(12).map(|b| format!("{} {}", shown(&b.value), count(b))).collect();
    if buckets.len() > 12 {
        parts.push(format!("…另 {} 项", buckets.len() - 12));
    }
    parts.join(" · ")
}

/// `理解为：地区=宁波市；检索词=法治（原样检索请加 --literal）`, when some
/// word of the query was read as a filter.
pub fn interpretation(r: &SearchResponse) -> Option<String> {
    interpretation_of(&r.interpretation)
}

/// [`interpretation`] of a query's readings.
pub fn interpretation_of(readings: &[fazhi::query::parse::Reading]) -> Option<String> {
    use fazhi::analyze::units::Unit;
    use fazhi::query::parse::ReadAs;
    if readings.iter().all(|w| w.read_as == ReadAs::Text) {
        return None;
    }
    let parts: Vec<String> = readings
        .iter()
        .map(|w| {
            let kind = match w.read_as {
                ReadAs::Text if w.word.starts_with('-') => "排除",
                ReadAs::Text => "检索词",
                ReadAs::Region => "地区",
                ReadAs::Year => "年份",
                ReadAs::Level => "级别",
                ReadAs::Type => "类型",
                ReadAs::Within => "范围",
                ReadAs::Published => "发布日期",
                ReadAs::Title if w.word.starts_with('-') => "标题不含",
                ReadAs::Title => "标题含",
                ReadAs::Unit if w.word.starts_with('-') => "单位不含",
                ReadAs::Unit => "单位含",
            };
            match w.read_as {
                ReadAs::Text => format!("{kind}={}", w.word),
                ReadAs::Within => match Unit::parse(&w.value) {
                    Some(unit) => format!("{kind}={}", unit.label()),
                    None => format!("{kind}={}", w.value),
                },
                _ => format!("{kind}={}", w.value),
            }
        })
        .collect();
    Some(format!("理解为：{}（原样检索请加 --literal）", parts.join("；")))
}

/// Applied filters as shown to people: 年份=2023，地区=浙江省.
pub fn filters_label(r: &SearchResponse) -> String {
    fn names(k: &str) -> &str {
        match k {
            "year" => "年份",
            "region" => "地区",
            "region_unmatched" => "索引中没有的地区",
            "level" => "级别",
            "unknown_year" => "年份不明",
            "min_confidence" => "置信度不低于",
            "type" => "类型",
            "published" => "发布日期",
            other => other,
        }
    }
    let mut parts: Vec<String> = r
        .filters
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| {
            let v = if k == "unknown_year" { "保留".to_string() } else { v.join(" 或 ") };
            format!("{}={}", names(k), v)
        })
        .collect();
    parts.extend(r.within.map(|u| format!("检索词在{}中", u.label())));
    parts.join("，")
}

fn closing(r: &SearchResponse, offset: usize) -> String {
    let filters = filters_label(r);
    let filters = if filters.is_empty() { String::new() } else { format!("（{filters}）") };
    let took = format!("用时 {:.2} 毫秒", r.took_ms);
    if r.total == 0 {
        return format!("没有找到匹配的报告{filters}，{took}");
    }
    if r.hits.is_empty() && offset == 0 {
        return format!("共 {} 篇报告{filters}，{took}", r.total);
    }
    if r.hits.is_empty() {
        return format!("共 {} 篇报告{filters}，第 {} 篇之后没有更多结果，{took}", r.total, offset);
    }
    let loose = if r.match_mode == MatchMode::Loose { "（宽松匹配）" } else { "" };
    format!("共 {} 篇报告{loose}{filters}，显示第 {}–{} 篇，{took}", r.total, offset + 1, offset + r.hits.len())
}
