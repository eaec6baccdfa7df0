//! The year a report covers, and the date it was published.
//!
//! Order of evidence: the title (关于2023年度…), then cues in the opening
//! paragraphs (现将2023年…报告如下, a paragraph opening 2023年，…, 2023年以来),
//! then 2023年度法治政府建设 anywhere in the head. Page clocks, citations in
//! 《》, plan ranges (2021-2025年) and next year's plans are not evidence.
//! Last resort: the publish date's year minus one, with low confidence.
//!
//! Confidence: the title 0.95; a body cue 0.9 (现将…报告) or 0.85 (段首), a
//! bare mention 0.6, each lowered when it stands on a plan heading, when
//! another paragraph opens on a different year, or when the publish date
//! disagrees, and raised a little when the publish date is the year after.

use std::sync::LazyLock;

use regex::Regex;

use super::opening::{is_chrome, Opening};
use super::Finding;
use crate::meta::dates::{iso, DATE};

static TITLE_YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"((?:19|20)\d\d)\s*(?:年|法治|依法)").unwrap());
/// A report over several years: no single covered year.
static MULTI_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"五年|十三五|十四五|(?:19|20)\d\d\s*(?:年\s*)?[-—–~至到]\s*(?:19|20)?\d\d").unwrap());
static REPORT_CUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"现将(?:我[镇乡县区市省局]|全[镇乡县区市省])?((?:19|20)\d\d)\s*年").unwrap());
static PARAGRAPH_OPENING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[^\p{Han}\d]{0,3}(?:[一二三四五六七八九十]+、)?((?:19|20)\d\d)\s*年(?:度)?(?:以来|来|，|,|、|是|全年|上半年|[,，]?在|我|法治|推进|工作)")
        .unwrap()
});
static HEAD_MENTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"((?:19|20)\d\d)\s*年度?法治政府建设").unwrap());
static CITATION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"《[^》]*》|[\(（][^\)）]*[\)）]").unwrap());
static DATE_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:发布|更新|生成|成文|印发)?(?:时间|日期)\s*[:：]?\s*$").unwrap());

pub fn covered_year(o: &Opening, publish_date: Option<&str>) -> Finding<i64> {
    if let Some(title) = &o.title {
        if MULTI_YEAR.is_match(title) {
            return Finding::new(None, 0.6, format!("标题“{title}”涵盖多个年度"));
        }
        if let Some(y) = first_year(&TITLE_YEAR, &strip_citations(title)) {
            return Finding::new(Some(y), 0.95, format!("标题“{title}”"));
        }
    }
    let body: Vec<&str> = o.lines.iter().map(String::as_str).filter(|l| !is_chrome(l)).collect();
    let body: Vec<String> = body.iter().map(|l| strip_citations(l)).collect();
    let published = publish_date.and_then(|d| d.get(..4)).and_then(|y| y.parse::<i64>().ok());
    for (re, confidence, what) in [
        (&*REPORT_CUE, 0.9, "正文“现将…年…报告”"),
        (&*PARAGRAPH_OPENING, 0.85, "段首年份"),
        (&*HEAD_MENTION, 0.6, "开头提到“…年法治政府建设”"),
    ] {
        for line in &body {
            if let Some(c) = re.captures(line) {
                let y: Option<i64> = c[1].parse().ok();
                let shown: String = line.chars().take(24).collect();
                let mut evidence = format!("{what}：{shown}…");
                let confidence = match y {
                    Some(y) => checked(confidence, y, line, &body, published, &mut evidence),
                    None => confidence,
                };
                return Finding::new(y, confidence, evidence);
            }
        }
    }
    if let Some(y) = published {
        return Finding::new(
            Some(y - 1),
            0.3,
            format!("正文未写年份，按发布日期 {} 推前一年", publish_date.unwrap_or("")),
        );
    }
    Finding::new(None, 0.5, "标题和开头都没有写明年份".to_string())
}

/// A year found in the body, weighed against the other votes: a plan
/// heading (2024年工作打算) says little of the year reported on, another
/// paragraph opening on a different year is a close rival, and the publish
/// date should fall in the year after (reports are due by the end of
/// March); agreeing with it raises the confidence a little.
fn checked(confidence: f32, y: i64, line: &str, body: &[String], published: Option<i64>, evidence: &mut String) -> f32 {
    let mut c = confidence;
    let mut notes = Vec::new();
    if PLAN.is_match(line) {
        c = c.min(0.5);
        notes.push("所在行是工作打算".to_string());
    }
    let rival = body
        .iter()
        .filter(|l| !PLAN.is_match(l))
        .filter_map(|l| REPORT_CUE.captures(l).or_else(|| PARAGRAPH_OPENING.captures(l)))
        .filter_map(|c| c[1].parse::<i64>().ok())
        .find(|&other| other != y && other != y + 1);
    if let Some(other) = rival {
        c = c.min(0.6);
        notes.push(format!("另有段首年份 {other}"));
    }
    match published {
        Some(p) if y == p - 1 && notes.is_empty() => {
            c = (c + 0.05).min(0.9);
            notes.push(format!("与发布年份 {p} 相符"));
        }
        Some(p) if y == p - 1 => {}
        Some(p) if y > p => {
            c = c.min(0.5);
            notes.push(format!("晚于发布年份 {p}"));
        }
        Some(p) if y == p => {
            c -= 0.15;
            notes.push(format!("与发布年份 {p} 同年"));
        }
        Some(p) => {
            c = c.min(0.6);
            notes.push(format!("比发布年份 {p} 早 {} 年", p - y));
        }
        None => {}
    }
    if !notes.is_empty() {
        evidence.push_str(&format!("（{}）", notes.join("；")));
    }
    c
}

/// A heading of next year's plans: 三、2024年工作打算, 2024年法治政府建设工作计划.
static PLAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[^\p{Han}\d]{0,3}(?:[一二三四五六七八九十]+、)?(?:19|20)\d\d\s*年[^，。,；;]{0,12}?(?:打算|计划|安排|思路|要点|展望)").unwrap()
});

fn first_year(re: &Regex, text: &str) -> Option<i64> {
    re.captures(text).and_then(|c| c[1].parse().ok())
}

/// Years inside 《cited documents》 and (parentheses) are not the report's;
/// years in Chinese numerals (二〇二三年) are read as digits.
fn strip_citations(line: &str) -> String {
    let line = CHINESE_YEAR.replace_all(line, |c: &regex::Captures| {
        let digits: String = c[1]
            .chars()
            .map(|d| match d {
                '〇' | '零' | 'o' | 'O' => '0',
                other => {
                    char::from_digit("〇一二三四五六七八九".chars().position(|x| x == other).unwrap_or(0) as u32, 10)
                        .unwrap_or('0')
                }
            })
            .collect();
        format!("{digits}年")
    });
    CITATION.replace_all(&line, "　").to_string()
}

static CHINESE_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([一二][〇零oO一二三四五六七八九]{3})年").unwrap());

/// The publish date from page metadata (发布时间:2024-03-14, a date next to
/// 来源, a date after the title); page clocks (星期…) are ignored.
pub fn publish_date(o: &Opening) -> Finding<String> {
    for line in o.lines.iter().take(20) {
        if line.contains("星期") || line.contains("今天是") {
            continue;
        }
        for c in DATE.captures_iter(line) {
            let Some(whole) = c.get(0) else { continue };
            let before = &line[..whole.start()];
            let labelled = DATE_LABEL.is_match(before);
            let near_source = line.contains("来源") || line.contains("浏览") || line.contains("发布");
            let alone = before.trim().is_empty() || before.trim_end().ends_with(['(', '（']);
            if labelled || near_source || alone || o.title.as_deref().is_some_and(|t| line.starts_with(t)) {
                if let Some(date) = iso(&c) {
                    let shown: String = line.chars().take(30).collect();
                    return Finding::new(Some(date), 0.8, format!("页面信息“{shown}”"));
                }
            }
        }
    }
    Finding::new(None, 0.5, "没有找到发布日期".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::opening;

    fn year(text: &str) -> Option<i64> {
        let o = opening::read(text);
        covered_year(&o, publish_date(&o).value.as_deref()).value
    }

    #[test]
    fn title_body_and_distractors() {
        assert_eq!(year("某县人民政府关于二〇二三年度法治政府建设情况的报告\n正文"), Some(2023));
        assert_eq!(
            year("某镇法治政府建设情况报告\n按照《法治政府建设实施纲要（2021—2025年）》要求，现将2022年工作报告如下："),
            Some(2022)
        );
        assert_eq!(year("今天是：2019年10月31日 星期三\n某区法治政府建设报告\n一年来，我区……"), None);
        assert_eq!(year("某区近五年法治政府建设情况报告\n五年来，我区……"), None);
        // Only the publish date: the year before it, as a guess.
        assert_eq!(year("某镇法治政府建设工作报告\n发布时间：2024-01-15\n一年来，我镇……"), Some(2023));
    }

    fn confidence(text: &str) -> f32 {
        let o = opening::read(text);
        covered_year(&o, publish_date(&o).value.as_deref()).confidence
    }

    #[test]
    fn confidence_weighs_the_other_votes() {
        assert!(confidence("某镇2023年法治政府建设情况报告\n正文") >= 0.9);
        // The paragraph's year agrees with the publish date: a little surer.
        let agrees = "某镇法治政府建设工作报告\n发布时间：2024-03-01\n2023年，我镇坚持依法行政。";
        assert!(confidence(agrees) >= 0.9);
        // Published the same year it covers, or before it: doubtful.
        assert!(confidence(&agrees.replace("2024-03-01", "2023-12-20")) < 0.85);
        assert!(confidence(&agrees.replace("2024-03-01", "2022-12-20")) <= 0.5);
        // The year of next year's plan; two paragraphs on different years.
        assert!(confidence("某镇法治政府建设工作报告\n一年来，我镇坚持依法行政。\n三、2024年工作打算") < 0.6);
        assert!(confidence("某镇法治政府建设工作报告\n2019年，我镇启动创建。\n2023年，我镇坚持依法行政。") <= 0.6);
        // A year merely mentioned beside 法治政府建设.
        assert!(confidence("某镇法治政府建设工作报告\n按照2023年法治政府建设要点要求，我镇坚持依法行政。") < 0.7);
    }
}
