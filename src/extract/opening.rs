//! What a report's opening lines say about it: page chrome to ignore, the
//! title, the unit named in the title or in publishing metadata, the
//! subject of the first paragraph, and how the text refers to itself (我镇,
//! 全县, 我局 …).

use std::sync::LazyLock;

use regex::Regex;

/// Opening lines examined for title, source and subject.
pub const HEAD_LINES: usize = 40;
/// Lines that may hold the title.
const TITLE_LINES: usize = 14;
/// Chars of the first paragraph that count as its subject.
const SUBJECT_CHARS: usize = 90;

/// Web-page furniture: navigation, counters, clocks, share buttons.
pub static CHROME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"发布(时间|日期|机构)|信息来源|来源[:：]|阅读(次数|量)|浏览(次数|量)|访问量|分享到|打印本页|【?字[体号]|星期[一二三四五六日天]|今天是|当前位置|您(当前)?所?在的?位置|首页\s*[>›»]|索引号|文号|时效性|生成日期|公开(形式|时限)|更新时间|无障碍",
    )
    .unwrap()
});
/// Enumerated headings (一、 (一) 1. …): never a title.
static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\(（]?[一二三四五六七八九十\d]+[、.．\)）]").unwrap());
/// Title prefix: the unit before 关于 / the year / the subject.
static UNIT_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.{2,40}?)\s*(?:关于|(?:19|20)\d\d\s*年?度?|法治政府|依法行政|法治建设|年度法治)").unwrap()
});
/// Title that starts with its year: the unit follows it.
static UNIT_AFTER_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:19|20)\d\d\s*年?度?(.{1,30}?)(?:法治政府|依法行政|法治建设)").unwrap());
/// Publishing metadata naming the body: 发布机构屏边县新华乡人民政府.
static SOURCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:发布机构|信息来源|来源)\s*[:：]?\s*([^\s:：|]{2,40})").unwrap());
static SELF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:我|本|全)(镇|乡|街道|县|区|市|省|局|委|办|厅)").unwrap());

pub struct Opening {
    /// Trimmed, non-empty lines of the head (normalized text).
    pub lines: Vec<String>,
    pub title: Option<String>,
    /// The unit as the title names it (人民政府 etc. removed).
    pub unit: Option<String>,
    /// Units named by publishing metadata.
    pub sources: Vec<String>,
    /// The start of the first paragraph, where its subject usually stands.
    pub subject: Option<String>,
    /// How the text refers to itself, most frequent first: (镇|乡|街道|县|区|市|省|部门, count).
    pub self_refs: Vec<(&'static str, usize)>,
}

pub fn is_chrome(line: &str) -> bool {
    CHROME.is_match(line)
}

pub fn read(normalized: &str) -> Opening {
    let lines: Vec<String> = normalized
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{FFFD}'))
        .filter(|l| !l.is_empty())
        .take(HEAD_LINES)
        .map(str::to_string)
        .collect();
    let title = title(&lines);
    let unit = title.as_deref().and_then(unit_of_title);
    let sources = lines
        .iter()
        .take(TITLE_LINES)
        .flat_map(|l| SOURCE.captures_iter(l).map(|c| strip_government(&c[1]).to_string()))
        .filter(|s| s.chars().count() >= 2)
        .collect();
    let subject = lines
        .iter()
        .find(|l| !is_chrome(l) && Some(l.as_str()) != title.as_deref() && l.chars().count() > 40)
        .map(|l| l.chars().take(SUBJECT_CHARS).collect());
    let self_refs = self_references(&lines);
    Opening { lines, title, unit, sources, subject, self_refs }
}

/// The best title-like line of the opening (two lines joined when a title
/// is split after the issuing body, as in 中共某省委 某省人民政府 / 关于…的报告).
fn title(lines: &[String]) -> Option<String> {
    let mut best: Option<(f32, String)> = None;
    for (i, line) in lines.iter().take(TITLE_LINES).enumerate() {
        let Some(mut candidate) = title_candidate(line) else { continue };
        if candidate.starts_with("关于") && i > 0 && !is_chrome(&lines[i - 1]) && lines[i - 1].chars().count() <= 30 {
            candidate = format!("{}{}", lines[i - 1].trim(), candidate);
        }
        let unit = unit_of_title(&candidate).is_some() as u8 as f32;
        let year = YEAR.is_match(&candidate) as u8 as f32;
        let score = 2.0 * unit + year + 0.01 * candidate.chars().count() as f32;
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, t)| t)
}

static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:19|20)\d\d").unwrap());
static QUOTED_TITLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"《([^《》]*报告)》").unwrap());

fn title_candidate(line: &str) -> Option<String> {
    if let Some(c) = QUOTED_TITLE.captures(line) {
        return Some(c[1].to_string());
    }
    let t = line.trim();
    let about_report = t.contains("报告") || t.contains("总结") || t.contains("情况");
    let about_law = t.contains("法治") || t.contains("依法行政");
    let len = t.chars().count();
    if is_chrome(t) || HEADING.is_match(t) || !about_law || !about_report && !YEAR.is_match(t) {
        return None;
    }
    if !(6..=90).contains(&len) || t.ends_with([':', '：', '。', '，', ',']) {
        return None;
    }
    let t = t.trim_end_matches("公示");
    // A date or tag after the title: 上海市司法局2023年…报告 (2024-02-26).
    let t = t.split([' ', '\u{3000}']).filter(|p| !p.is_empty()).collect::<Vec<_>>();
    let t = match t.as_slice() {
        [first, rest @ ..] if rest.iter().all(|p| !p.contains("报告") && !p.contains("情况")) => first.to_string(),
        parts => parts.concat(),
    };
    Some(t)
}

/// The reporting unit named at the start of a title.
pub fn unit_of_title(title: &str) -> Option<String> {
    [&UNIT_BEFORE, &UNIT_AFTER_YEAR].into_iter().find_map(|re| {
        let raw = re.captures(title)?.get(1)?.as_str();
        // Joint reports name party and government: keep the last body.
        let last = raw.split_whitespace().last().unwrap_or(raw);
        let unit = strip_government(last);
        let unit = unit.trim_end_matches("近五年").trim_end_matches("五年").trim_end_matches("年度").trim();
        (!unit.is_empty() && !YEAR.is_match(unit)).then(|| unit.to_string())
    })
}

/// 兴化市陶庄镇人民政府 → 兴化市陶庄镇; 中共海南省委 → 海南省.
pub fn strip_government(unit: &str) -> &str {
    let unit = unit.trim_start_matches("中共");
    for suffix in ["人民政府办公室", "人民政府", "街道办事处", "办事处", "政府", "党委", "党工委", "委员会"]
    {
        if let Some(stem) = unit.strip_suffix(suffix) {
            if suffix == "街道办事处" {
                return unit.strip_suffix("办事处").unwrap_or(stem);
            }
            if suffix == "委员会" && !stem.ends_with(['省', '市', '县', '区']) {
                return unit; // 发展和改革委员会: a department, keep it whole
            }
            return stem;
        }
    }
    if let Some(stem) = unit.strip_suffix('委') {
        if stem.ends_with(['省', '市', '县', '区', '州']) {
            return stem;
        }
    }
    unit
}

fn self_references(lines: &[String]) -> Vec<(&'static str, usize)> {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for line in lines.iter().filter(|l| !is_chrome(l)) {
        for c in SELF.captures_iter(line) {
            let whole = c.get(0).map_or("", |m| m.as_str());
            // 全局 is "the overall situation", 全区 in 全区县 etc. still counts.
            if whole == "全局" || whole == "全委" || whole == "全办" || whole == "全厅" {
                continue;
            }
            let kind = match &c[1] {
                "局" | "委" | "办" | "厅" => "部门",
                "镇" => "镇",
                "乡" => "乡",
                "街道" => "街道",
                "县" => "县",
                "区" => "区",
                "市" => "市",
                _ => "省",
            };
            match counts.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => *n += 1,
                None => counts.push((kind, 1)),
            }
        }
    }
    counts.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_units() {
        let o = read("2023年11月5日 星期天\n某乡2023年法治政府建设工作报告\n发布时间:2024-03-14 来源:某乡人民政府\n2023年来，某乡…");
        assert_eq!(o.title.as_deref(), Some("某乡2023年法治政府建设工作报告"));
        assert_eq!(o.unit.as_deref(), Some("某乡"));
        assert_eq!(
            unit_of_title("中共某某省委 某某省人民政府关于2022年法治政府建设情况的报告").as_deref(),
            Some("某某省")
        );
        assert_eq!(unit_of_title("2024年某某市法治政府建设情况报告").as_deref(), Some("某某市"));
        assert_eq!(
            unit_of_title("某区人民政府某某街道办事处关于2022年度法治政府建设情况的报告").as_deref(),
            Some("某区人民政府某某街道")
        );
        assert_eq!(unit_of_title("某县卫生健康局2022年法治政府建设年度报告").as_deref(), Some("某县卫生健康局"));
    }

    #[test]
    fn split_title_is_joined_and_quoted_title_unwrapped() {
        let o = read("中共某某省委 某某省人民政府\n关于2022年法治政府建设情况的报告\n正文……");
        assert_eq!(o.title.as_deref(), Some("中共某某省委 某某省人民政府关于2022年法治政府建设情况的报告"));
        let o = read("【政策解读】关于《某县人民政府关于某县2023年度法治政府建设工作总结的报告》的政策解读");
        assert_eq!(o.title.as_deref(), Some("某县人民政府关于某县2023年度法治政府建设工作总结的报告"));
    }

    #[test]
    fn self_references_count() {
        let o = read("2022年，我局坚持……全市司法行政……我局还……全局工作");
        assert_eq!(o.self_refs[0], ("部门", 2));
    }
}
