//! Concordance lines: for people (the matches in one column, aligned by
//! display width) and for scripts (CSV, JSON Lines with the same fields).

use unicode_width::UnicodeWidthStr;

use super::text::Style;
use crate::search::kwic::Line;
use crate::search::occurrences::Part;

/// CSV header: the JSON Lines field names, in order.
pub const CSV_FIELDS: &[&str] = &[
    "id", "path", "title", "unit", "province", "city", "county", "township", "year", "part", "term", "offset",
    "length", "left", "match", "right",
];

/// One CSV record, in [`CSV_FIELDS`] order.
pub fn csv_record(line: &Line) -> Vec<String> {
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    vec![
        line.id.clone(),
        line.path.clone(),
        opt(&line.title),
        opt(&line.unit),
        opt(&line.province),
        opt(&line.city),
        opt(&line.county),
        opt(&line.township),
        line.year.map(|y| y.to_string()).unwrap_or_default(),
        match line.part {
            Part::Text => "text".into(),
            Part::Title => "title".into(),
        },
        line.term.clone(),
        line.offset.to_string(),
        line.length.to_string(),
        line.left.clone(),
        line.matched.clone(),
        line.right.clone(),
    ]
}

/// Longest title shown after a text line, in chars.
const TITLE_CHARS: usize = 24;

/// `id  offset  left【match】right  year｜region｜title`: the left context
/// right-aligned to `context` full-width chars, so the matches of all
/// lines start in one column.
pub fn text_line(line: &Line, context: usize, style: &Style) -> String {
    // One line per occurrence: a line break inside a match, a tab or a CR shows as a space.
    let flat = |s: &str| s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>();
    let (left, right) = (flat(&line.left), flat(&line.right));
    let width = context * 2;
    let pad = |s: &str| " ".repeat(width.saturating_sub(s.width()));
    let matched = flat(&line.matched);
    let matched = if style.color { style.highlight(&matched) } else { format!("【{matched}】") };
    let offset = match line.part {
        Part::Text => line.offset.to_string(),
        Part::Title => format!("标题+{}", line.offset),
    };
    let region: Vec<&str> =
        [&line.province, &line.city, &line.county, &line.township].into_iter().flatten().map(String::as_str).collect();
    let file = std::path::Path::new(&line.path).file_name().map(|n| n.to_string_lossy().to_string());
    let name = line.title.clone().or(file).unwrap_or_else(|| line.path.clone());
    let mut title: String = name.chars().take(TITLE_CHARS).collect();
    if name.chars().count() > TITLE_CHARS {
        title.push('…');
    }
    let source = format!(
        "{}｜{}｜{title}",
        line.year.map_or("年份未知".to_string(), |y| format!("{y}年")),
        if region.is_empty() { "地区未知".to_string() } else { region.join("/") },
    );
    format!(
        "{} {:>8}  {}{}{}{}{}  {}",
        style.dim(&line.id[..line.id.len().min(8)]),
        offset,
        pad(&left),
        left,
        matched,
        right,
        pad(&right),
        style.dim(&source)
    )
}
