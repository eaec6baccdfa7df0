//! Which lines of a saved page are the page and not the report: buttons and
//! counters (分享到, 打印本页, 浏览次数, 【字体：大 中 小】), breadcrumbs and link
//! lists, footers (版权所有, ICP备), page clocks, and injected spam (gambling
//! and 代孕 ads, QQ/微信 contacts, lines of URLs).
//!
//! A line is judged as a whole, so a report sentence that mentions 打印 or
//! 分享, or reports 打击网络赌博, stays: chrome words only condemn a line
//! when nothing else is on it, and footer or spam phrases only short lines
//! without the context of a report; a short line that reads like an ad by
//! its cues goes whatever its brand ([`super::ads`]). Publishing lines
//! (来源：… 发布时间：…) are metadata: they stay, with the buttons on them
//! cut out.
//! The phrase lists are `index-schema/page-chrome.txt`.

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::phrase_file;

/// Why a line was dropped (for measuring the cleaner, see examples/chrome_check.rs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Only rules and bars (-, |, *, ·): separators of a page layout.
    NoText,
    /// Buttons, counters, switches and nothing else.
    Chrome,
    /// Footer, breadcrumb label or essay-site boilerplate.
    Footer,
    /// A page clock (今天是 2024年3月5日 星期二).
    Clock,
    /// A breadcrumb trail or a list of links.
    Navigation,
    /// Mostly URLs.
    Urls,
    /// Advertising or contact numbers.
    Spam,
    /// Reads like an ad, whatever its brand ([`super::ads`]).
    Ad,
}

pub enum Verdict<'a> {
    Keep(Cow<'a, str>),
    Drop(Rule),
}

/// Lines longer than this (in chars) are report paragraphs: spam in them is cut
/// out, never the paragraph.
const PARAGRAPH: usize = 150;
/// Footer phrases condemn lines up to this long.
const SHORT: usize = 100;

struct Lists {
    chrome: AhoCorasick,
    footer: AhoCorasick,
    spam: AhoCorasick,
}

static LISTS: LazyLock<Lists> = LazyLock::new(|| {
    let text = include_str!("../../index-schema/page-chrome.txt");
    let list = |name| phrase_file::automaton(&phrase_file::section(text, name));
    Lists { chrome: list("chrome"), footer: list("footer"), spam: list("spam") }
});

/// 【字体：大 中 小】, 字号：默认 …
static FONT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[【\[(（]?\s*字\s*[体號号]\s*[:：]?\s*[【\[]?\s*(?:[大中小](?:\s*[|｜]?\s*[大中小]){1,2}|默认)?\s*[】\])）]?",
    )
    .unwrap()
});
/// 浏览次数：1234次, 阅读量:1 …
static COUNTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:浏览|阅读|访问|点击)(?:次数|量|数|率)\s*[:：]?\s*[\d,]*\s*次?").unwrap());
static EMPTY_BRACKETS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[【\[(（〔]\s*[|｜/]?\s*[】\])）〕]|[|｜]\s*$|^\s*[|｜]").unwrap());
/// Publishing metadata on the line: it stays, with its buttons cut out.
static METADATA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"来源|发布(?:时间|日期|机构|者)|更新(?:时间|日期)|(?:时间|日期)\s*[:：]|作者|编辑|责任编辑|(?:19|20)\d\d\s*[-/.年]\s*\d")
        .unwrap()
});
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"今天是|(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*[(（]?\s*(?:星期|周)[一二三四五六日天]",
    )
    .unwrap()
});
static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:https?://|www\.)[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+").unwrap());
/// QQ or WeChat contacts, as ads give them.
static CONTACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:QQ|扣扣)\s*(?:号|群)?\s*[:：]?\s*\d{5,11}|(?:微信|薇信|威信|徽信|VX|V信|加V)\s*号?\s*[:：]?\s*(?:[A-Za-z][A-Za-z0-9_-]{4,}|1\d{10})",
    )
    .unwrap()
});
/// Contact details a government gives in a report.
static CONTACT_OK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"举报|投诉|热线|公众号|监督").unwrap());
/// A report speaking of fighting what the ads sell.
static ENFORCEMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"打击|整治|查处|取缔|治理|专项|违法|非法|犯罪|涉赌|禁赌|侦破|破获|案件|依法|监管|防范|诈骗|宣传")
        .unwrap()
});
/// Words an injected ad strings to its brand: bei365官网_365bet体育在线平台.
const AD_WORDS: &[&str] = &[
    "官网",
    "官方网站",
    "体育",
    "在线",
    "平台",
    "最新版",
    "手机版",
    "下载",
    "网址",
    "娱乐",
    "注册",
    "登录",
    "入口",
    "app",
];

/// Judges one line (already trimmed of trailing whitespace).
pub fn judge(line: &str) -> Verdict<'_> {
    let t = line.trim();
    if t.is_empty() {
        return Verdict::Keep(Cow::Borrowed(line));
    }
    // A lone 。 or [ is a scrap of the report's own text; only layout separators go.
    if t.chars().all(|c| c.is_whitespace() || matches!(c, '-' | '|' | '_' | '=' | '*' | '~' | '•' | '·' | '/' | '─'))
    {
        return Verdict::Drop(Rule::NoText);
    }
    let chars = t.chars().count();
    let lists = &*LISTS;

    if let Some(m) = lists.spam.find(t) {
        let branded = t[m.range()].is_ascii();
        if chars > PARAGRAPH {
            if branded || !ENFORCEMENT.is_match(t) {
                return Verdict::Keep(Cow::Owned(cut_ads(line)));
            }
        } else if branded || !ENFORCEMENT.is_match(t) {
            return Verdict::Drop(Rule::Spam);
        }
    }
    if chars <= SHORT && CONTACT.is_match(t) && !CONTACT_OK.is_match(t) {
        return Verdict::Drop(Rule::Spam);
    }
    if (chars <= 60 || chars <= SHORT && !t.contains('。')) && lists.footer.is_match(t) {
        return Verdict::Drop(Rule::Footer);
    }
    if chars <= 40 && !t.contains(['，', '。']) && CLOCK.is_match(t) {
        return Verdict::Drop(Rule::Clock);
    }
    if chars <= SHORT && is_navigation(t) {
        return Verdict::Drop(Rule::Navigation);
    }
    if URL.is_match(t) && han_count(&URL.replace_all(t, "")) < 4 {
        return Verdict::Drop(Rule::Urls);
    }
    if chars <= SHORT && super::ads::reads_like_ad(t) {
        return Verdict::Drop(Rule::Ad);
    }
    if chars <= PARAGRAPH {
        let residue = COUNTER.replace_all(t, "");
        let residue = FONT.replace_all(&residue, "");
        let residue = lists.chrome.replace_all(&residue, &[""].repeat(lists.chrome.patterns_len()));
        if residue.len() < t.len() {
            let left = residue.chars().filter(|c| c.is_alphabetic()).count();
            if left == 0 {
                return Verdict::Drop(Rule::Chrome);
            }
            if METADATA.is_match(t) {
                let stripped = strip_buttons(t);
                // Only whole tokens are cut: a paragraph holding 加大力度 stays as written.
                if stripped.split_whitespace().ne(t.split_whitespace()) {
                    return Verdict::Keep(Cow::Owned(stripped));
                }
            }
        }
    }
    Verdict::Keep(Cow::Borrowed(line))
}

/// The line without chrome, or `None` when it is chrome as a whole.
pub fn filter(line: &str) -> Option<Cow<'_, str>> {
    match judge(line) {
        Verdict::Keep(kept) => Some(kept),
        Verdict::Drop(_) => None,
    }
}

fn han_count(s: &str) -> usize {
    s.chars().filter(|c| is_han(*c)).count()
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

/// A breadcrumb trail (首页 > 政务公开 > 正文) or a list of short links
/// separated by bars (国务院 | 省政府 | 市政府).
fn is_navigation(t: &str) -> bool {
    if t.contains(['。', '，', '；']) {
        return false;
    }
    let crumbs = t.split(['>', '＞', '›', '»', '→']).map(str::trim).filter(|p| !p.is_empty()).count();
    let arrows = t.matches(['>', '＞', '›', '»', '→']).count();
    if arrows >= 2 && crumbs >= 2 || arrows >= 1 && t.trim_start().starts_with("首页") {
        return true;
    }
    let items: Vec<&str> = t.split(['|', '｜', '丨', '│', '┃']).map(str::trim).filter(|p| !p.is_empty()).collect();
    items.len() >= 3 && items.iter().all(|i| i.chars().count() <= 15)
}

/// Cuts ads out of a report paragraph: each spam phrase with the brand
/// letters and ad words strung to it.
fn cut_ads(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    for m in LISTS.spam.find_iter(line) {
        if m.start() < at {
            continue;
        }
        let mut start = m.start();
        while let Some(c) = line[..start].chars().next_back().filter(|c| c.is_ascii_alphanumeric() || *c == '_') {
            start -= c.len_utf8();
        }
        let mut end = m.end();
        loop {
            let rest = &line[end..];
            if let Some(c) = rest.chars().next().filter(|c| c.is_ascii_alphanumeric() || *c == '_') {
                end += c.len_utf8();
            } else if let Some(w) =
                AD_WORDS.iter().find(|w| rest.get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w)))
            {
                end += w.len();
            } else if let Some(m) = LISTS.spam.find(rest).filter(|m| m.start() == 0) {
                end += m.end();
            } else {
                break;
            }
        }
        out.push_str(&line[at..start.max(at)]);
        at = end;
    }
    out.push_str(&line[at..]);
    out
}

/// A publishing line without its buttons and counters: only whole tokens
/// (between spaces or punctuation) are cut, so 来源：国土空间规划局 keeps 空间.
fn strip_buttons(t: &str) -> String {
    let t = COUNTER.replace_all(t, " ");
    let t = FONT.replace_all(&t, " ");
    let mut out = String::with_capacity(t.len());
    let mut at = 0;
    for m in LISTS.chrome.find_iter(t.as_ref()) {
        let before = t[..m.start()].chars().next_back();
        let after = t[m.end()..].chars().next();
        let delimited = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if delimited(before) && delimited(after) {
            out.push_str(&t[at..m.start()]);
            out.push(' ');
            at = m.end();
        }
    }
    out.push_str(&t[at..]);
    let out = EMPTY_BRACKETS.replace_all(&out, " ");
    let out = out.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '：' | '【' | '[' | '|' | '｜'));
    let mut tidy = String::with_capacity(out.len());
    for word in out.split_whitespace() {
        if !tidy.is_empty() {
            tidy.push(' ');
        }
        tidy.push_str(word);
    }
    tidy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(line: &str) -> Option<String> {
        filter(line).map(|c| c.into_owned())
    }

    #[test]
    fn chrome_lines_go() {
        for line in [
            "分享到：",
            "分享 微信",
            "微博 空间 qq",
            "【字体：大 中 小】",
            "【字体:   打印",
            "打印本页 关闭窗口",
            "【打印本页】【关闭窗口】",
            "无障碍 简体| 繁体",
            "支持IPv6",
            "上一篇：无",
            "下一篇：2022年工作要点",
            "相关链接",
            "网站地图 | 联系我们 | 网站声明",
            "版权所有：某县人民政府 主办：某县人民政府办公室",
            "赣ICP备05004208号-1 赣公网安备 36112302000123号",
            "政府网站标识码：3611230001",
            "扫一扫在手机打开当前页",
            "下载 全屏 加大 还原 减小",
            "下载 打印 全屏 收藏 【字号：加大 还原 减小】",
            "加大",
            "还原",
            "您当前的位置:首页 >政务公开 >法治政府建设年报",
            "首页 >> 信息公开 >> 总结报告 >> 正文",
            ">> 政务公开 >> 信息公开目录 >> 县政府部门",
            "今天是:2019年10月31日 星期三 农历十月初七",
            "天津市静海区人民政府 2019年12月3日星期二",
            "浏览次数：1024",
            "-",
            "国务院 | 省政府 | 市政府 | 县政府",
            "http://www.example.com/a.html",
            "下面是小编为大家整理的2023年法治政府建设工作情况报告，供大家参考。",
        ] {
            assert_eq!(kept(line), None, "{line}");
        }
    }

    #[test]
    fn spam_lines_go() {
        for line in [
            "澳门葡京娱乐城 最高返水 注册送58元彩金 www.example.com",
            "专业代孕 包成功 微信：daiyun888",
            "代开发票 联系QQ：123456789",
            "bet365体育投注官网",
            "诚信办证刻章，加微信 abc12345 详谈",
        ] {
            assert_eq!(kept(line), None, "{line}");
        }
    }

    #[test]
    fn ads_of_unknown_brands_go_by_what_they_sell() {
        for line in ["青柠直播 英超西甲免费高清直播 无插件", "速来贷 无抵押 秒批 当天到账 电话：13900001111"]
        {
            assert!(matches!(judge(line), Verdict::Drop(Rule::Ad)), "{line}");
        }
        // Too long for an ad line: a paragraph stays whatever it says.
        let paragraph = format!("{}青柠直播 英超西甲免费高清直播 无插件", "我镇推进法治政府建设。".repeat(10));
        assert_eq!(kept(&paragraph).as_deref(), Some(paragraph.as_str()));
    }

    #[test]
    fn report_lines_stay() {
        for line in [
            "一是严格落实行政执法三项制度，执法文书统一打印、统一编号。",
            "通过微信公众号“法治某镇”分享普法案例120余篇。",
            "开展打击网络赌博专项行动，查处赌博案件12起。",
            "依法查处非法代孕广告3起，开展医疗市场专项整治。",
            "一、2023年法治政府建设主要举措和成效",
            "加大执法力度，还原事实真相。",
            "　　2023年3月，加大执法力度。",
            "附件下载：2023年度法治政府建设情况报告.docx",
            "2023-03-27 17:05",
            "日期:2022-03-31",
            "索引号: 11330727350242958L/2023-62663 公开形式: 主动公开",
            "中共海南省委 海南省人民政府",
            "设立法律援助举报热线，公布举报微信号 fzjb12348。",
            "首页建设情况",
            "（一）",
            "1.",
            "开通“12345”热线，登录www.example.gov.cn可查询办事指南和办理进度。",
            "严厉打击网络赌博、电信诈骗违法犯罪活动",
            "开展打击整治养老诈骗专项行动",
            "推广国家反诈中心APP下载注册2.3万人次。",
            "联系电话：13912345678",
        ] {
            assert_eq!(kept(line).as_deref(), Some(line), "{line}");
        }
    }

    #[test]
    fn publishing_lines_keep_their_metadata() {
        assert_eq!(
            kept("来源:自治区人民政府法制办 发布日期:2018-04-03 16:13 浏览次数: 字体:【大 中 小】").as_deref(),
            Some("来源:自治区人民政府法制办 发布日期:2018-04-03 16:13")
        );
        assert_eq!(
            kept("2023-03-27 17:05 来源: 海南省人民政府网 【字体:   打印").as_deref(),
            Some("2023-03-27 17:05 来源: 海南省人民政府网")
        );
        assert_eq!(
            kept("发布时间: 2023-11-01 14:29    来源:磐安县卫生健康局     浏览次数: 字号【").as_deref(),
            Some("发布时间: 2023-11-01 14:29 来源:磐安县卫生健康局")
        );
        assert_eq!(kept("时间:2023-02-28 15:36 浏览量:1").as_deref(), Some("时间:2023-02-28 15:36"));
        assert_eq!(
            kept("来源：某市国土空间规划局 发布时间：2024-03-15 分享到").as_deref(),
            Some("来源：某市国土空间规划局 发布时间：2024-03-15")
        );
    }

    #[test]
    fn ads_are_cut_out_of_paragraphs() {
        let paragraph = format!(
            "{}市政府、bei365官网_365bet体育在线平台_beat365最新版政府荣获全省第一批法治政府建设示范市。",
            "坚持法治长春、法治政府、法治社会一体建设，坚持示范创建正向引领，坚持督察考核反向倒逼，".repeat(3)
        );
        let cleaned = kept(&paragraph).unwrap();
        assert!(cleaned.ends_with("市政府、政府荣获全省第一批法治政府建设示范市。"), "{cleaned}");
        assert!(!cleaned.contains("365"));
    }
}
