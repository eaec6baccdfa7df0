//! The type of a report (issue 15): one of [`TYPES`], worked out from its
//! title and opening with a confidence and a short evidence string, like the
//! other fields.
//!
//! - `法治政府建设报告`: the annual rule-of-law report and its variants: 法治政府
//!   建设情况报告 / 工作报告 / 年度报告 / 工作情况, 关于2023年法治政府建设情况的
//!   报告, 法治政府建设工作自查报告, 法治政府建设工作总结 (the same report under
//!   another name, 总结 and 报告 are used interchangeably for it), 法治建设工作
//!   报告, 依法行政工作报告 (its older name), 全面依法治县工作情况, and the 述法
//!   报告 (a leader's yearly account of the same work; counted here so that a
//!   filter on the type keeps it, the title stays in the evidence).
//! - `政府工作报告`: 2024年政府工作报告, 政府工作报告（摘要）, XX市人民政府工作
//!   报告, 政府工作报告——在…人民代表大会上.
//! - `政策解读`: 政策解读, 关于《…》的解读, 一图读懂, 图解, 答记者问, 看点.
//! - `其他`: everything else: news (…召开法治政府建设推进会), 工作要点, 实施方案,
//!   工作计划, 通知, 通报, 决议, other bodies' reports (人大常委会工作报告, 审计
//!   工作报告, 党代会报告), and the default when nothing says what the text is.
//!
//! The title decides first. Its document kind is its last kind word (报告, 总结,
//! 要点, 方案, 通知 …) outside 《》 citations: 关于《2024年法治政府建设工作要点》
//! 的政策解读 is a 解读, 2024年法治政府建设工作要点 is 其他, and a 解读 marker
//! anywhere outside citations wins over the rest. A notice that publishes a
//! report (印发/转发《…报告》的通知, …报告的公示) takes the report's type: its text
//! is the report. A notice about reports (关于报送…报告的通知) is 其他. A title
//! with no kind word but a news verb (召开, 举行, 部署 …) is news: 其他.
//!
//! When a title is passed, the opening line that contains it (the page's full
//! title, e.g. 【政策解读】关于《…报告》的政策解读 around a title the extractor
//! unwrapped) is read in its place. Without a deciding title: the first
//! title-like lines of the opening, then cues in its first few hundred chars
//! (现解读如下 / 起草背景, 我代表…人民政府向大会报告工作, …情况报告如下 with
//! 法治政府建设, a dated meeting or a reporter's byline, repeated mentions of
//! 法治政府建设).
//!
//! Confidence: 0.9 when the title decides (0.8 for news told by its verb and
//! for a report inside a notice that publishes it), 0.6 from the opening, 0.45
//! from mentions alone, 0.3 for the `其他` default with no evidence.

use std::sync::LazyLock;

use regex::Regex;

use super::opening::is_chrome;
use super::Finding;
use crate::analyze::{compact, normalize};

pub use crate::meta::{INTERPRETATION, OTHER, RULE_OF_LAW, TYPES, WORK_REPORT};

const TITLE: f32 = 0.9;
/// News told by its verb, a report inside a notice that publishes it.
const TITLE_INDIRECT: f32 = 0.8;
const OPENING: f32 = 0.6;
const MENTIONS: f32 = 0.45;
const DEFAULT: f32 = 0.3;

/// Chars of the text read at most (the text may be a whole report).
const HEAD_CHARS: usize = 4000;
/// Lines of the opening searched for the title.
const TITLE_LINES: usize = 12;
/// Lines of the opening's top (page chrome left out) that may hold its title.
const TOP_LINES: usize = 4;
/// Lines and chars of the opening's body searched for cues.
const BODY_LINES: usize = 40;
const WINDOW_CHARS: usize = 600;
/// Longest line read as a title.
const TITLE_MAX_CHARS: usize = 150;
/// Chars of a title quoted in the evidence.
const SHOWN_CHARS: usize = 60;

/// 《citations》: kind words inside them are not the document's.
static CITATION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"《[^《》]*》").unwrap());
/// A 解读 anywhere outside citations (解读会 is news, checked apart).
static INTERP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"解读|图解|图说|读懂|看懂|一图|答记者问|答网友问|记者问|答问|吹风会|看点|划重点|热词").unwrap()
});
/// The kind words a title ends with.
static KIND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"报告|汇报|总结|情况|通知|通报|公告|公示|决议|决定|意见|实施方案|方案|要点|计划|规划|办法|规定|细则|清单|目录|指引|指南|纲要|批复|复函|的函|讲话|发言|致辞|纪要|简报|分工|分解|台账|任务书|责任书|承诺书|条例|章程|制度",
    )
    .unwrap()
});
/// A kind word followed by these is part of an event: 报告会, 总结表彰大会.
const EVENT_AFTER: &[&str] = &["会", "表彰", "大会"];
/// What may follow the kind word of a title: 报告（摘要）, 报告全文, 报告公示.
const TAIL_WORDS: &[&str] = &[
    "全文",
    "摘要",
    "原文",
    "正文",
    "节选",
    "附件",
    "定稿",
    "修订稿",
    "征求意见稿",
    "草案",
    "文字实录",
    "发布",
    "公开",
    "材料",
    "提纲",
];
/// A call for reports, not a report: 关于报送…报告的公告.
static REQUEST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"报送|做好|征集|征求|开展|编制|编写|撰写|提交|督促|组织|评选|推荐").unwrap());
/// The subject of a rule-of-law report.
static RULE_OF_LAW_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"法治政府|法治建设|法治工作|法治\p{Han}{1,4}建设|依法行政|依法治[国省市县区州盟旗镇乡]|述法").unwrap()
});
/// 人民政府2024年工作报告.
static WORK_REPORT_LOOSE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"政府\s*(?:(?:19|20)\d\d\s*年度?)?\s*工作报告").unwrap());
/// A title that reads as news.
static NEWS_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"召开|举行|举办|开展|部署|推进会|会议|座谈|调研|督导|督察|检查|培训|审议|听取|学习|获评|入选|荣获|走进|宣讲|报道|动态|简讯|要闻|纪实|侧记|成效|亮点|扎实推进|持续推进|全面推进|深入推进|助力|赋能|打造|筑牢|护航|出炉|发布会|解读会|报告会|汇报会",
    )
    .unwrap()
});
/// Enumerated headings (一、 (一) 1.): never a title.
static HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\(（]?[一二三四五六七八九十\d]+[、.．\)）]|^第[一二三四五六七八九十]+[部章节]").unwrap()
});

/// Cues in the opening's body, strongest first.
static INTERP_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"解读如下|起草背景|制定背景|出台背景|起草依据|起草过程|政策解读|文件解读|解读机关|解读人").unwrap()
});
/// An NPC resolution on the report, not the report.
static RESOLUTION_CUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"听取(?:和|并)?审议了|决定批准这个报告").unwrap());
static WORK_REPORT_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"代表[^。\n]{0,16}(?:国务院|政府)[^。\n]{0,40}向[^。\n]{0,30}(?:大会|会议)|代表[^。\n]{0,16}(?:国务院|政府)[,，\s]*作[^。\n]{0,40}报告|向大会(?:作|报告)政府工作|作政府工作报告|受[^。\n]{0,10}(?:国务院|政府)[^。\n]{0,4}委托",
    )
    .unwrap()
});
static REPORT_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:报告|汇报|总结|情况)如下|推进法治政府建设的主要举措|主要举措和成效|存在的不足和原因|推进法治建设第一责任人职责",
    )
    .unwrap()
});
static NEWS_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:\d{1,2}\s*月\s*\d{1,2}\s*日|近日|日前|连日来)[,，\s]*[^。\n]{0,40}(?:召开|举行|举办|组织|开展|调研|督导|检查|走进|参加|出席)|记者|通讯员|本报讯|讯\s*[\(（]",
    )
    .unwrap()
});

/// The type of a report from its title (if known) and its normalized opening text.
pub fn classify(title: Option<&str>, text: &str) -> Finding<String> {
    let head = cut(text, HEAD_CHARS);
    let lines: Vec<&str> = head
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{FFFD}' || c == '\u{200B}' || c == '\u{FEFF}'))
        .filter(|l| !l.is_empty())
        .collect();

    if let Some(given) = title.map(str::trim).filter(|t| !t.is_empty()) {
        let given = cut(given, TITLE_MAX_CHARS * 2);
        let title = normalize(given);
        let full = full_title(&title, &lines);
        // The page's fuller title first, then the title as given (quoted as
        // written).
        let verdict = full
            .map(|f| (f, f))
            .into_iter()
            .chain([(title.as_str(), given)])
            .find_map(|(t, quoted)| by_title(t, 0).map(|v| (quoted, v)));
        if let Some((quoted, v)) = verdict {
            return v.field(format!("标题“{}”", shown(quoted)), None);
        }
    }
    // Title-like lines at the top of the opening: a report, work report or
    // 解读 they name decides; what they call 其他 waits for the cues, since
    // a column name (工作报告, 通知公告) may stand there too.
    // Short lines (首页, >, 小 中 大) are page furniture; a salutation
    // (各位代表：) ends the part of the opening that holds a title.
    let top: Vec<usize> = (0..lines.len().min(TITLE_LINES * 2))
        .take_while(|&i| is_chrome(lines[i]) || !salutation(lines[i]))
        .filter(|&i| !is_chrome(lines[i]) && !breadcrumb(lines[i]) && lines[i].chars().count() >= 5)
        .take(TOP_LINES)
        .collect();
    let mut other_line = None;
    for i in top {
        if !title_like(&lines, i) {
            continue;
        }
        let line = lines[i];
        match by_title(line, 0) {
            Some(v) if v.kind == OTHER => {
                other_line = other_line.or_else(|| Some(v.field(format!("开头“{}”", shown(line)), Some(OPENING))));
            }
            Some(v) => return v.field(format!("开头“{}”", shown(line)), Some(OPENING)),
            None => {}
        }
    }
    if let Some(field) = by_cues(&lines, other_line) {
        return field;
    }
    Finding::new(Some(OTHER.to_string()), DEFAULT, "标题和开头都没有说明文种".to_string())
}

/// 各位代表：, 同志们！, 县委全面依法治县委员会：
fn salutation(line: &str) -> bool {
    line.ends_with([':', '：', '!', '！'])
        && line.chars().count() <= 24
        && ["代表", "同志", "委员", "主任", "领导", "政府", "委"].iter().any(|w| line.contains(w))
}

/// A navigation trail: 政务公开 >> 信息公开目录 >> 公告公示.
fn breadcrumb(line: &str) -> bool {
    line.contains(">>") || line.contains('»') || line.contains('›') || line.matches('>').count() >= 2
}

/// At most `n` chars of `s`.
fn cut(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(end, _)| &s[..end])
}

/// The note of a title told as news by its verb.
const NEWS: &str = "新闻";

/// What a title says.
struct Verdict {
    kind: &'static str,
    confidence: f32,
    /// Why, when the title alone does not show it: （要点）, （新闻）.
    note: Option<&'static str>,
}

impl Verdict {
    fn new(kind: &'static str, note: Option<&'static str>) -> Verdict {
        Verdict { kind, confidence: TITLE, note }
    }

    /// As a field; `cap` lowers the confidence for a line of the opening.
    fn field(self, evidence: String, cap: Option<f32>) -> Finding<String> {
        let confidence = cap.map_or(self.confidence, |c| c.min(self.confidence));
        let evidence = match self.note {
            Some(note) => format!("{evidence}（{note}）"),
            None => evidence,
        };
        Finding::new(Some(self.kind.to_string()), confidence, evidence)
    }
}

/// The opening line that holds the title with more around it (the page's
/// own title, of which the extractor may have kept only a citation).
fn full_title<'a>(title: &str, lines: &[&'a str]) -> Option<&'a str> {
    let key = compact(title);
    if key.is_empty() {
        return None;
    }
    lines
        .iter()
        .take(TITLE_LINES)
        .filter(|l| title_shaped(l) && l.chars().count() <= TITLE_MAX_CHARS)
        .filter(|l| compact(l).contains(&key))
        .max_by_key(|l| l.len())
        .copied()
        .filter(|l| l.len() > title.len())
}

/// Byte ranges of the citations in `t`.
fn citations(t: &str) -> Vec<(usize, usize)> {
    CITATION.find_iter(t).map(|m| (m.start(), m.end())).collect()
}

fn cited(spans: &[(usize, usize)], at: usize) -> bool {
    spans.iter().any(|&(s, e)| s <= at && at < e)
}

/// The type a title (normalized) names, if it names one.
fn by_title(t: &str, depth: u8) -> Option<Verdict> {
    let t = t.trim();
    if t.is_empty() || depth > 2 {
        return None;
    }
    let spans = citations(t);
    let interp = INTERP.find_iter(t).find(|m| !cited(&spans, m.start()) && !t[m.end()..].starts_with('会'));
    if interp.is_some() {
        return Some(Verdict::new(INTERPRETATION, None));
    }
    let kinds: Vec<regex::Match> = KIND
        .find_iter(t)
        .filter(|m| !cited(&spans, m.start()) && !EVENT_AFTER.iter().any(|e| t[m.end()..].starts_with(e)))
        .collect();
    let Some(mut kind) = kinds.last().copied() else {
        if NEWS_TITLE.find_iter(t).any(|m| !cited(&spans, m.start())) {
            return Some(Verdict { kind: OTHER, confidence: TITLE_INDIRECT, note: Some(NEWS) });
        }
        // A title that is only a citation: 《2023年法治政府建设情况报告》.
        let inner = spans.iter().map(|&(s, e)| &t[s + '《'.len_utf8()..e - '》'.len_utf8()]).max_by_key(|c| c.len());
        return inner.and_then(|inner| by_title(inner, depth + 1));
    };
    // 工作总结和2024年工作计划, 报告及整改方案: the first leads.
    if matches!(kind.as_str(), "计划" | "规划" | "要点" | "方案" | "实施方案") {
        if let Some(first) = kinds.iter().find(|m| {
            matches!(m.as_str(), "报告" | "总结" | "情况")
                && ["和", "及", "暨", "与", "以及"].iter().any(|c| t[m.end()..].starts_with(c))
        }) {
            kind = *first;
        }
    }
    let before = &t[..kind.start()];
    let after = &t[kind.end()..];
    if kind.end() == kinds.last().map_or(0, |k| k.end()) && !tail_is_noise(after) {
        // 政府工作报告引发热烈反响: not headed by the kind word.
        if NEWS_TITLE.find_iter(t).any(|m| !cited(&spans, m.start())) || after.contains('。') {
            return Some(Verdict { kind: OTHER, confidence: TITLE_INDIRECT, note: Some(NEWS) });
        }
        return None;
    }
    match kind.as_str() {
        "报告" | "汇报" | "总结" | "情况" => report(t, &spans, kind),
        "公示" | "公告" => {
            // …报告公示, 关于…报告的公示, 关于公布…报告的公告: the report,
            // published; not so a call for reports (关于报送…报告的公告).
            let mut inner = before.trim_end_matches('的').trim_start_matches("关于");
            for verb in ["公布", "发布", "公开"] {
                inner = inner.strip_prefix(verb).unwrap_or(inner);
            }
            match by_title(inner, depth + 1) {
                Some(v) if v.kind != OTHER && !REQUEST.is_match(inner) => Some(v),
                _ => Some(Verdict::new(OTHER, Some(kind_note(kind.as_str())))),
            }
        }
        "通知" => {
            // 印发《…报告》的通知: the report, published by a notice.
            let at = ["印发", "转发"].iter().filter_map(|v| before.find(v).map(|i| i + v.len())).min();
            let inner = at.map(|i| before[i..].trim_end_matches('的'));
            match inner.and_then(|i| by_title(i, depth + 1)) {
                Some(v) if v.kind != OTHER => {
                    Some(Verdict { kind: v.kind, confidence: TITLE_INDIRECT, note: Some("通知印发的报告") })
                }
                _ => Some(Verdict::new(OTHER, Some("通知"))),
            }
        }
        other => Some(Verdict::new(OTHER, Some(kind_note(other)))),
    }
}

/// 报告 / 总结 / 情况: whose report.
fn report(t: &str, spans: &[(usize, usize)], kind: regex::Match) -> Option<Verdict> {
    let before = &t[..kind.start()];
    // The subject follows the last 关于 outside citations: 某县法治办关于…执法…的报告.
    let from = before.match_indices("关于").filter(|(i, _)| !cited(spans, *i)).map(|(i, s)| i + s.len()).last();
    let subject = &before[from.unwrap_or(0)..];
    let work_report = kind.as_str() == "报告" && before.trim_end().ends_with("政府工作");
    if work_report {
        return Some(Verdict::new(WORK_REPORT, None));
    }
    if let Some(m) = RULE_OF_LAW_SUBJECT.find(subject) {
        let note = (m.as_str() == "述法").then_some("述法报告");
        return Some(Verdict::new(RULE_OF_LAW, note));
    }
    if kind.as_str() == "报告" && WORK_REPORT_LOOSE.is_match(&t[..kind.end()]) {
        return Some(Verdict::new(WORK_REPORT, None));
    }
    match kind.as_str() {
        // 执行情况, 落实情况: says nothing by itself.
        "情况" => None,
        "总结" => Some(Verdict::new(OTHER, Some("其他总结"))),
        _ => Some(Verdict::new(OTHER, Some("其他报告"))),
    }
}

fn kind_note(kind: &str) -> &'static str {
    match kind {
        "通知" => "通知",
        "通报" => "通报",
        "公告" => "公告",
        "公示" => "公示",
        "决议" => "决议",
        "决定" => "决定",
        "意见" => "意见",
        "实施方案" | "方案" => "方案",
        "要点" => "要点",
        "计划" => "计划",
        "规划" => "规划",
        "讲话" | "发言" | "致辞" => "讲话",
        _ => "其他文种",
    }
}

/// What may follow a title's kind word: nothing, a subtitle (——在…上), a
/// bracket, a date, a site name after a separator, 全文 / 摘要, or more
/// joined on (总结及2024年工作思路: the first leads).
fn tail_is_noise(after: &str) -> bool {
    if ["和", "及", "暨", "与"].iter().any(|c| after.starts_with(c)) {
        return true;
    }
    let mut rest = after;
    loop {
        let Some(c) = rest.chars().next() else { return true };
        if c.is_whitespace() || c.is_ascii_punctuation() || c.is_ascii_digit() || "—–－_｜|·:：(（【[<《".contains(c)
        {
            return true;
        }
        match TAIL_WORDS.iter().find(|w| rest.starts_with(*w)) {
            Some(w) => rest = &rest[w.len()..],
            None => return false,
        }
    }
}

/// Not page chrome, not a sentence: no full stop, no two commas (a
/// sentence that lost its full stop), not ending like a lead-in (…如下：).
fn title_shaped(line: &str) -> bool {
    !is_chrome(line)
        && !line.contains('。')
        && line.matches([',', '，']).count() < 2
        && !line.ends_with([':', '：', ',', '，', ';', '；', '、'])
}

/// Whether `lines[i]` may be a title: short, no full stop, not a heading,
/// not a piece of a sentence broken over lines (…所作的 / 政府工作报告 / 。).
fn title_like(lines: &[&str], i: usize) -> bool {
    let line = lines[i];
    if !(5..=90).contains(&line.chars().count()) || HEADING.is_match(line) || !title_shaped(line) {
        return false;
    }
    let next_continues =
        lines.get(i + 1).is_some_and(|n| n.starts_with(['。', '，', ',', '、', '；', ';', '：', ':', '》']));
    let prev_open = i > 0 && lines[i - 1].ends_with(['的', '了', '和', '及', '在', '《']);
    !next_continues && !prev_open
}

/// Cues in the opening's body (page chrome left out).
fn by_cues(lines: &[&str], other_line: Option<Finding<String>>) -> Option<Finding<String>> {
    let body: Vec<&str> = lines.iter().take(BODY_LINES).filter(|l| !is_chrome(l)).copied().collect();
    let joined = body.join("\n");
    let window = cut(&joined, WINDOW_CHARS);
    let rule_of_law = RULE_OF_LAW_SUBJECT.find_iter(window).count();
    let cue = |re: &Regex| re.find(window).map(|m| format!("开头“{}”", around(window, m)));
    let found = |kind: &str, confidence: f32, evidence: String| {
        Some(Finding::new(Some(kind.to_string()), confidence, evidence))
    };
    if let Some(e) = cue(&INTERP_CUE) {
        return found(INTERPRETATION, OPENING, e);
    }
    if let Some(e) = cue(&RESOLUTION_CUE) {
        return found(OTHER, OPENING, format!("{e}（决议）"));
    }
    if let Some(m) = WORK_REPORT_CUE.find(window) {
        // 受县人民政府委托，向本次会议报告法治政府建设情况: the rule-of-law
        // report, given to the people's congress standing committee.
        let sentence_end = window[m.end()..].find('。').map_or(window.len(), |i| m.end() + i);
        let kind =
            if RULE_OF_LAW_SUBJECT.is_match(&window[m.start()..sentence_end]) { RULE_OF_LAW } else { WORK_REPORT };
        return found(kind, OPENING, format!("开头“{}”", around(window, m)));
    }
    if rule_of_law > 0 {
        if let Some(e) = cue(&REPORT_CUE) {
            return found(RULE_OF_LAW, OPENING, e);
        }
    }
    if let Some(e) = cue(&NEWS_CUE) {
        return found(OTHER, OPENING, format!("{e}（新闻）"));
    }
    if other_line.is_some() {
        return other_line;
    }
    if rule_of_law >= 2 {
        let first = RULE_OF_LAW_SUBJECT.find(window).map(|m| around(window, m)).unwrap_or_default();
        return found(RULE_OF_LAW, MENTIONS, format!("开头 {rule_of_law} 次提到法治政府建设等，如“{first}”"));
    }
    None
}

/// A match with a little of what precedes it, on one line.
fn around(text: &str, m: regex::Match) -> String {
    let line_start = text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
    let lead: Vec<char> = text[line_start..m.start()].chars().collect();
    let lead_from = lead.len().saturating_sub(12);
    let prefix = if lead_from > 0 { "…" } else { "" };
    let lead: String = lead[lead_from..].iter().collect();
    format!("{prefix}{lead}{}", shown(m.as_str()))
}

/// At most [`SHOWN_CHARS`] chars, with … when cut.
fn shown(s: &str) -> String {
    let mut chars = s.chars();
    let head: String = chars.by_ref().take(SHOWN_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(t: &str) -> (String, f32) {
        let f = classify(Some(t), "");
        (f.value.unwrap(), f.confidence)
    }

    fn kind(t: &str) -> String {
        title(t).0
    }

    #[test]
    fn rule_of_law_report_variants() {
        for t in [
            "某县2023年法治政府建设情况报告",
            "某镇2023年法治政府建设工作报告",
            "某县卫生健康局2022年法治政府建设年度报告",
            "某区人民政府关于2023年法治政府建设情况的报告",
            "中共某某省委 某某省人民政府关于2022年法治政府建设情况的报告",
            "某县2023年度法治政府建设工作自查报告",
            "某市2023年法治建设工作情况报告",
            "某县2019年依法行政工作报告",
            "某自治区2019年法治政府建设情况",
            "某县2023年度法治政府建设工作总结",
            "某县2023年法治政府建设工作总结和2024年工作计划",
            "某镇2023年法治建设工作总结及2024年工作思路",
            "某县2023年法治政府建设工作汇报材料",
            "某市2023年法治政府建设情况报告的公告",
            "某县人民政府关于2023年度法治政府建设情况的报告（公示）",
            "某镇关于2023年法治政府建设工作情况和2024年工作安排的报告",
            "2023法治政府建设情况报告公示",
            "某区2023年法治政府建设情况报告 (2024-02-26)",
            "某区2023年法治政府建设情况报告_某区人民政府网",
            "某局局长2023年度述法报告",
            "《某县2023年度法治政府建设情况报告》",
        ] {
            assert_eq!(title(t), (RULE_OF_LAW.to_string(), TITLE), "{t}");
        }
        // Traditional script and full-width forms are normalized first; the
        // evidence quotes the title as written.
        let f = classify(Some("某鄉２０２４年法治政府建設情況報告"), "");
        assert_eq!(f.value.as_deref(), Some(RULE_OF_LAW));
        assert_eq!(f.evidence, "标题“某鄉２０２４年法治政府建設情況報告”");
    }

    #[test]
    fn work_reports() {
        for t in [
            "2024年政府工作报告",
            "政府工作报告（摘要）",
            "2026年四川省人民政府工作报告",
            "某市人民政府2024年工作报告",
            "政府工作报告——2024年1月20日在某市第十七届人民代表大会第三次会议上",
            "在某县第十八届人民代表大会第四次会议上的政府工作报告",
            "2024年中华人民共和国国务院政府工作报告",
        ] {
            assert_eq!(title(t), (WORK_REPORT.to_string(), TITLE), "{t}");
        }
    }

    #[test]
    fn interpretations() {
        for t in [
            "关于《2024年法治政府建设工作要点》的政策解读",
            "【政策解读】关于《某县人民政府关于某县2023年度法治政府建设工作总结的报告》的政策解读",
            "《某市法治政府建设实施方案（2021-2025年）》解读",
            "一图读懂2024年政府工作报告",
            "图解：2023年某区法治政府建设情况报告",
            "市司法局负责人就《某市法治政府建设规划》答记者问",
            "2024年政府工作报告十大看点",
        ] {
            assert_eq!(title(t), (INTERPRETATION.to_string(), TITLE), "{t}");
        }
    }

    #[test]
    fn others() {
        for (t, why) in [
            ("2024年法治政府建设工作要点", "要点"),
            ("某县法治政府建设实施方案（2021—2025年）", "方案"),
            ("某镇2024年法治政府建设工作计划", "计划"),
            ("关于报送2023年度法治政府建设情况报告的通知", "通知"),
            ("关于2023年度法治政府建设考核结果的通报", "通报"),
            ("第十四届全国人民代表大会第三次会议关于政府工作报告的决议", "决议"),
            ("关于印发《2024年政府工作报告重点工作分工方案》的通知", "通知"),
            ("某市2023年国民经济和社会发展计划执行情况的报告", "其他报告"),
            ("某省人民代表大会常务委员会工作报告", "其他报告"),
            (
                "决胜全面建成小康社会 夺取新时代中国特色社会主义伟大胜利——在中国共产党第十九次全国代表大会上的报告",
                "其他报告",
            ),
            ("某县司法局2023年工作总结", "其他总结"),
            ("关于2023年度法治政府建设示范项目推荐名单的公示", "公示"),
            ("关于报送2023年法治政府建设情况报告的公告", "公告"),
            ("某县法治政府建设工作领导小组2024年第一次会议纪要", "其他文种"),
            ("在全县法治政府建设推进会上的讲话", "讲话"),
        ] {
            let f = classify(Some(t), "");
            assert_eq!((f.value.as_deref(), f.confidence), (Some(OTHER), TITLE), "{t}");
            assert!(f.evidence.ends_with(&format!("（{why}）")), "{t}: {}", f.evidence);
        }
        for t in [
            "某县召开2024年法治政府建设工作推进会",
            "某区政府常务会议审议《2023年度法治政府建设情况报告》",
            "我市法治政府建设工作成效显著",
            "某县召开2023年度法治政府建设工作述法报告会",
        ] {
            assert_eq!(title(t), (OTHER.to_string(), TITLE_INDIRECT), "{t}");
        }
    }

    #[test]
    fn notices_that_publish_a_report_take_its_type() {
        let f = classify(Some("某县人民政府办公室关于印发《某县2023年度法治政府建设情况报告》的通知"), "");
        assert_eq!((f.value.as_deref(), f.confidence), (Some(RULE_OF_LAW), TITLE_INDIRECT));
        assert!(f.evidence.contains("通知印发的报告"), "{}", f.evidence);
        assert_eq!(kind("关于印发2024年法治政府建设工作要点的通知"), OTHER);
    }

    #[test]
    fn the_page_title_around_an_unwrapped_title_decides() {
        let text = "【政策解读】关于《某县人民政府关于某县2023年度法治政府建设工作总结的报告》的政策解读\n某县人民政府 2024年01月08日\n按照要求，现解读如下：";
        let f = classify(Some("某县人民政府关于某县2023年度法治政府建设工作总结的报告"), &normalize(text));
        assert_eq!(f.value.as_deref(), Some(INTERPRETATION));
        assert!(f.evidence.starts_with("标题“【政策解读】"), "{}", f.evidence);
    }

    #[test]
    fn opening_decides_without_a_title() {
        let f = classify(None, "首页 > 政务公开\n某镇2023年法治政府建设工作报告\n发布时间：2024-03-01\n2023年，我镇……");
        assert_eq!((f.value.as_deref(), f.confidence), (Some(RULE_OF_LAW), OPENING));
        assert_eq!(f.evidence, "开头“某镇2023年法治政府建设工作报告”");

        let f = classify(
            None,
            "2023年，在县委、县政府的坚强领导下，我局深入推进法治政府建设，现将有关情况报告如下：\n一、主要举措",
        );
        assert_eq!((f.value.as_deref(), f.confidence), (Some(RULE_OF_LAW), OPENING));
        assert!(f.evidence.contains("情况报告如下"), "{}", f.evidence);

        let f = classify(None, "各位代表：\n现在，我代表市人民政府，向大会报告工作，请予审议。\n一、2023年工作回顾");
        assert_eq!((f.value.as_deref(), f.confidence), (Some(WORK_REPORT), OPENING));

        let f = classify(None, "3月5日，某县召开法治政府建设工作推进会，县长出席会议并讲话。会议指出，法治政府建设……");
        assert_eq!((f.value.as_deref(), f.confidence), (Some(OTHER), OPENING));
        assert!(f.evidence.ends_with("（新闻）"), "{}", f.evidence);

        let f = classify(None, "一、起草背景\n为深入推进法治政府建设，……");
        assert_eq!((f.value.as_deref(), f.confidence), (Some(INTERPRETATION), OPENING));

        // A sentence broken over lines is not a title.
        let f = classify(None, "会议听取和审议了国务院总理所作的\n政府工作报告\n。会议充分肯定……");
        assert_eq!(f.value.as_deref(), Some(OTHER));
        assert!(f.evidence.ends_with("（决议）"), "{}", f.evidence);
        let f = classify(None, "会议听取了国务院总理所作的\n政府工作报告\n。\n会议认为……");
        assert_eq!(f.value.as_deref(), Some(OTHER), "{}", f.evidence);

        // The rule-of-law report read to the standing committee is not a work report.
        let f = classify(
            None,
            "主任、各位副主任、各位委员：\n我受县人民政府委托，向本次会议报告2023年法治政府建设情况，请予审议。",
        );
        assert_eq!((f.value.as_deref(), f.confidence), (Some(RULE_OF_LAW), OPENING));
        let f = classify(None, "各位代表：\n现在，我代表国务院，就当前的经济形势，向大会作以下报告，请予审议。");
        assert_eq!((f.value.as_deref(), f.confidence), (Some(WORK_REPORT), OPENING));
    }

    #[test]
    fn column_names_and_trails_do_not_decide() {
        // A column name above the title, a trail ending in a column name.
        let f = classify(None, "通知公告\n某区2020年法治政府建设情况报告\n2020年，我区……");
        assert_eq!(f.value.as_deref(), Some(RULE_OF_LAW), "{}", f.evidence);
        let f = classify(
            None,
            "政务公开 >> 县卫生健康局 >> 公告公示\n2022年，我局深入推进法治政府建设，现将有关工作情况报告如下：",
        );
        assert_eq!((f.value.as_deref(), f.confidence), (Some(RULE_OF_LAW), OPENING), "{}", f.evidence);
        // A cited document on a line of its own, deep in the opening.
        let f = classify(
            None,
            "各位代表：\n现在，我代表国务院，向大会报告政府工作，请予审议。\n一、回顾\n国务院发布了\n关于深化改革严格土地管理的决定\n。",
        );
        assert_eq!(f.value.as_deref(), Some(WORK_REPORT), "{}", f.evidence);
        // A trail over several short lines; a salutation ends the title part.
        let f = classify(None, "当前位置：\n首页\n>\n政务信息\n>\n要闻\n来源：日报\n【字体：\n小\n中\n大\n】\n2026年某省政府工作报告\n各位代表：");
        assert_eq!((f.value.as_deref(), f.confidence), (Some(WORK_REPORT), OPENING), "{}", f.evidence);
        let f =
            classify(None, "各位代表：\n我们这次会议，在听了关于宪法草案的报告\n现在，我代表中央人民政府作工作报告。");
        assert_eq!((f.value.as_deref(), f.confidence), (Some(WORK_REPORT), OPENING), "{}", f.evidence);
        // With nothing better, a 其他 title at the top stands.
        let f = classify(None, "某县2024年法治政府建设工作要点\n为深入推进法治政府建设，推进依法行政，制定本要点。");
        assert_eq!((f.value.as_deref(), f.confidence), (Some(OTHER), OPENING), "{}", f.evidence);
    }

    #[test]
    fn mentions_alone_and_nothing_at_all() {
        let f = classify(None, "2022年，我局坚持依法行政，深入推进法治政府建设，全面提升执法水平。");
        assert_eq!((f.value.as_deref(), f.confidence), (Some(RULE_OF_LAW), MENTIONS));
        let f = classify(Some("某县人民政府门户网站"), "天气晴。");
        assert_eq!((f.value.as_deref(), f.confidence), (Some(OTHER), DEFAULT));
        assert_eq!(classify(None, "").value.as_deref(), Some(OTHER));
    }

    #[test]
    fn every_value_is_a_type() {
        for t in ["", "报告", "《》", "《", "》", "关于", "——", "解读会", "的公示", "印发的通知", "公示公示公示"]
        {
            let f = classify(Some(t), t);
            assert!(TYPES.contains(&f.value.as_deref().unwrap()), "{t}");
            assert!((0.0..=1.0).contains(&f.confidence));
        }
    }

    #[test]
    fn odd_input_never_panics() {
        let pieces = [
            "法治政府建设",
            "报告",
            "政府工作",
            "《",
            "》",
            "关于",
            "的",
            "通知",
            "印发",
            "解读",
            "会",
            "公示",
            "——",
            "（",
            "）",
            "\n",
            " ",
            "。",
            "：",
            "各位代表",
            "代表市人民政府向大会",
            "如下",
            "\u{0301}",
            "\u{200B}",
            "\u{FEFF}",
            "\u{FFFD}",
            "𠀀",
            "é",
            "ß",
            "İ",
            "\u{202E}",
            "\0",
            "20",
            "年",
            "3月5日",
            "召开",
            "汇报会",
        ];
        // A small deterministic generator: every run checks the same inputs.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let len = (next() % 40) as usize;
            let s: String = (0..len).map(|_| pieces[(next() % pieces.len() as u64) as usize]).collect();
            for f in [classify(Some(&s), &s), classify(None, &s), classify(Some(&s), "")] {
                assert!(TYPES.contains(&f.value.as_deref().unwrap()), "{s:?}");
            }
        }
        // Huge and single-line.
        let huge = "法治政府建设《报告".repeat(200_000);
        assert!(classify(Some(&huge), &huge).value.is_some());
    }
}

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn any_text_gives_a_type(title in proptest::option::of(".{0,80}"), text in "(?s).{0,400}") {
            let f = classify(title.as_deref(), &text);
            prop_assert!(TYPES.contains(&f.value.as_deref().unwrap()));
            prop_assert!((0.0..=1.0).contains(&f.confidence));
        }
    }
}
