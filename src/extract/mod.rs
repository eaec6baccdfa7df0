//! Report metadata worked out from the text.
//!
//! For now simple rules: the title from the opening lines, the unit from the
//! title, the covered year from the title or the opening paragraphs, the
//! publish date from page chrome. Region fields stay unknown until the
//! gazetteer-based extractor lands.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metadata {
    pub title: Option<String>,
    pub unit: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
    pub township: Option<String>,
    pub level: Option<String>,
    pub year: Option<i64>,
    pub publish_date: Option<String>,
}

/// How many leading lines may hold the title.
const TITLE_LINES: usize = 10;
/// How many leading lines are searched for a stated year.
const YEAR_LINES: usize = 30;

static CHROME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"发布(时间|日期)|信息来源|来源[:：]|阅读次数|浏览次数|访问量|分享到|打印本页|字体[:：]|星期[一二三四五六日天]")
        .unwrap()
});
static TITLE_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)\d\d)\s*(?:年|法治)").unwrap());
static BODY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*((?:19|20)\d\d)\s*年(?:度)?(?:以来|来|，|,|、|全年|上半年|是|我|在|法治)|现将((?:19|20)\d\d)\s*年").unwrap()
});
static PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:发布|成文|印发)(?:时间|日期)\s*[:：]?\s*((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})").unwrap()
});
static UNIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.{2,40}?)(?:关于|(?:19|20)\d\d|法治政府|依法行政)").unwrap());

/// Metadata of the report at `path` whose cleaned text is `text`.
pub fn extract(text: &str, _path: &Path) -> Metadata {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let title = title(&lines);
    let year = title
        .as_deref()
        .and_then(|t| TITLE_YEAR.captures(t))
        .and_then(|c| c[1].parse().ok())
        .or_else(|| body_year(&lines));
    let unit = title
        .as_deref()
        .and_then(|t| UNIT.captures(t))
        .map(|c| c[1].trim().to_string());
    let level = unit.as_deref().and_then(township_level);
    let publish_date = PUBLISHED.captures(text).map(|c| {
        let n = |i: usize| c[i].parse::<u32>().unwrap_or(0);
        format!("{}-{:02}-{:02}", &c[1], n(2), n(3))
    });
    Metadata {
        title,
        unit,
        level,
        year,
        publish_date,
        ..Metadata::default()
    }
}

/// The longest opening line that reads like a report title.
fn title(lines: &[&str]) -> Option<String> {
    lines
        .iter()
        .take(TITLE_LINES)
        .filter(|l| !CHROME.is_match(l))
        .filter(|l| l.contains("报告") || l.contains("总结"))
        .filter(|l| l.chars().count() <= 80 && !l.ends_with([':', '：', '。']))
        .max_by_key(|l| l.chars().count())
        .map(|l| l.trim_end_matches("公示").to_string())
}

fn body_year(lines: &[&str]) -> Option<i64> {
    lines
        .iter()
        .take(YEAR_LINES)
        .filter(|l| !CHROME.is_match(l))
        .find_map(|l| {
            let c = BODY_YEAR.captures(l)?;
            c.get(1).or_else(|| c.get(2))?.as_str().parse().ok()
        })
}

fn township_level(unit: &str) -> Option<String> {
    let unit = unit.trim_end_matches("人民政府").trim_end_matches("办事处");
    ["镇", "乡", "街道"]
        .iter()
        .any(|s| unit.ends_with(s))
        .then(|| "乡镇级".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(text: &str) -> Metadata {
        extract(text, Path::new("x.txt"))
    }

    #[test]
    fn title_skips_chrome_and_page_dates() {
        let m = ex("2023年11月5日 星期天\n某乡2023年法治政府建设工作报告\n发布时间:2024-03-14 14:05:00 来源:某乡人民政府\n\n2023年来，某乡……");
        assert_eq!(m.title.as_deref(), Some("某乡2023年法治政府建设工作报告"));
        assert_eq!(m.year, Some(2023));
        assert_eq!(m.unit.as_deref(), Some("某乡"));
        assert_eq!(m.publish_date.as_deref(), Some("2024-03-14"));
        assert_eq!(m.level.as_deref(), Some("乡镇级"));
    }

    #[test]
    fn year_from_opening_paragraph_or_none() {
        assert_eq!(ex("市委、市政府:\n2022年，某街道坚持……").year, Some(2022));
        assert_eq!(
            ex("今年以来，某镇在市委的领导下……\n2024年工作计划……").year,
            None
        );
    }

    #[test]
    fn title_year_is_the_first_one() {
        let m = ex("某镇关于2023年法治政府建设工作情况和2024年工作安排的报告\n县委：");
        assert_eq!(m.year, Some(2023));
        assert_eq!(m.unit.as_deref(), Some("某镇"));
    }
}
