//! Concordance lines for people: the matches in one column, aligned by
//! display width, coloured on a terminal.

use unicode_width::UnicodeWidthStr;

use super::text::Style;
use fazhi::meta::Field;
use fazhi::search::kwic::Line;
use fazhi::search::occurrences::Part;

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
    let meta = &line.meta.0;
    let region = meta.region();
    let file = std::path::Path::new(&line.path).file_name().map(|n| n.to_string_lossy().to_string());
    let name = meta.text(Field::Title).map(str::to_string).or(file).unwrap_or_else(|| line.path.clone());
    let mut title: String = name.chars().take(TITLE_CHARS).collect();
    if name.chars().count() > TITLE_CHARS {
        title.push('…');
    }
    let source = format!(
        "{}｜{}｜{title}",
        meta.year().map_or("年份未知".to_string(), |y| format!("{y}年")),
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
