//! Whether a short line reads like injected advertising, by what it sells
//! and how it sells it, not by its brand: a hand-set linear score over cues
//! (index-schema/ad-cues.txt, plus the shapes below). Ad words (免费观看,
//! 注册, 秒批, 包成功), contacts (a mobile number, 加微信), a site address and
//! the layout of an ad (keywords strung with spaces or bars, no sentence
//! punctuation) add; what a report says (打击, 依法, 开展, 我镇, 亿元) and how
//! it says it (ends with 。, lists with 、, numbered headings) subtracts.
//! Deterministic, and every verdict can be explained cue by cue ([`score`]).
//!
//! [`super::chrome`] asks this only of lines up to its SHORT length: a
//! report paragraph is never dropped, whatever it mentions.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::phrase_file;

/// A line scoring this much or more is an ad ...
pub const THRESHOLD: f32 = 4.0;
/// ... if it offers something: contacts alone are not an ad.
pub const OFFER: f32 = 2.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// What a line sells.
    Offer,
    /// How it sells: contacts, the layout of an ad; never an ad alone.
    Manner,
    /// What a report says and how.
    Report,
}

struct Cues {
    phrases: Vec<(Class, AhoCorasick, Vec<f32>)>,
}

static CUES: LazyLock<Cues> = LazyLock::new(|| {
    let text = include_str!("../../index-schema/ad-cues.txt");
    let phrases = [("offer", Class::Offer), ("contact", Class::Manner), ("report", Class::Report)]
        .into_iter()
        .map(|(section, class)| {
            // `phrase weight`; a line without a weight is no cue.
            let (phrases, weights): (Vec<&str>, Vec<f32>) = phrase_file::section(text, section)
                .into_iter()
                .filter_map(|line| {
                    let (phrase, weight) = line.rsplit_once(char::is_whitespace)?;
                    Some((phrase.trim(), weight.parse::<f32>().ok()?))
                })
                .unzip();
            (class, phrase_file::automaton(&phrases), weights)
        })
        .collect();
    Cues { phrases }
});

/// A mobile number or a 400/800 line, as ads give them.
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\D)(?:1[3-9]\d{9}|[48]00[-\s]?\d{3}[-\s]?\d{4})(?:\D|$)").unwrap());
/// A QQ number or a WeChat id.
static MESSENGER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:qq|扣扣)\D{0,4}\d{5,11}|(?:微信|薇信|vx|v信)\s*号?\s*[:：]?\s*[a-z][a-z0-9_-]{4,}").unwrap()
});
/// A site address; a government's (.gov.cn) is no ad.
static SITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)https?://\S+|www\.\S+|[a-z0-9-]{2,}\.(?:com|net|cc|vip|top|xyz|tv|me|app|club|co|io|bet|live|fun|site|online|shop|org)\b")
        .unwrap()
});
/// A numbered heading of a report: 一、 （三） 2. 第四.
static HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.．、]\D|第[一二三四五六七八九十]+)").unwrap()
});
/// A bargain with its number: 只需300元, 送88元, 日赚500.
static PROMO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:只需|仅需|低至|最低|送|赚|领|返)\s*\d").unwrap());
/// Gaps between the keywords of an ad: spaces, bars, underscores.
static GAP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\s\u3000]+|[_|｜丨]+").unwrap());

/// A line's score and the cues that made it, for explaining a verdict.
#[derive(Debug, Default)]
pub struct Score {
    pub total: f32,
    /// The part of the total from what the line offers.
    pub offer: f32,
    pub cues: Vec<(String, f32)>,
}

impl Score {
    fn add(&mut self, class: Class, cue: impl Into<String>, weight: f32) {
        self.total += weight;
        if class == Class::Offer {
            self.offer += weight;
        }
        self.cues.push((cue.into(), weight));
    }

    pub fn is_ad(&self) -> bool {
        self.total >= THRESHOLD && self.offer >= OFFER
    }
}

/// Whether a (short, trimmed) line reads like an ad rather than a report.
pub fn reads_like_ad(line: &str) -> bool {
    score(line).is_ad()
}

/// Scores a line: each cue phrase counts once, then the shapes.
pub fn score(line: &str) -> Score {
    let mut s = Score::default();
    for (class, ac, weights) in &CUES.phrases {
        let mut seen = Vec::new();
        for m in ac.find_iter(line) {
            let id = m.pattern().as_usize();
            if !seen.contains(&id) {
                seen.push(id);
                s.add(*class, &line[m.range()], weights[id]);
            }
        }
    }
    if PHONE.is_match(line) {
        s.add(Class::Manner, "手机/400号码", 2.5);
    }
    if MESSENGER.is_match(line) {
        s.add(Class::Manner, "QQ/微信号", 3.0);
    }
    if SITE.find_iter(line).any(|m| !m.as_str().to_ascii_lowercase().contains(".gov")) {
        s.add(Class::Offer, "网址", 3.0);
    }
    if PROMO.is_match(line) {
        s.add(Class::Offer, "优惠金额", 2.0);
    }
    let t = line.trim();
    let sentence = t.contains(['，', '。', '；', '、', ',']);
    if !sentence && GAP.find_iter(t).count() >= 2 {
        s.add(Class::Manner, "关键词间隔", 2.5);
    }
    if t.contains(['！', '!']) {
        s.add(Class::Manner, "感叹号", 1.0);
    }
    if t.ends_with(['。', '；', ';']) {
        s.add(Class::Report, "句末。", -2.5);
    }
    if t.contains(['，', ',']) {
        s.add(Class::Report, "，", -1.0);
    }
    if t.contains('、') {
        s.add(Class::Report, "、", -1.5);
    }
    if HEADING.is_match(t) {
        s.add(Class::Report, "标题序号", -3.0);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cue_line_parses() {
        let text = include_str!("../../index-schema/ad-cues.txt");
        let cues =
            text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('[')).count();
        let loaded: usize = CUES.phrases.iter().map(|(_, ac, _)| ac.patterns_len()).sum();
        assert_eq!(loaded, cues);
        assert_eq!(CUES.phrases.len(), 3);
    }

    #[test]
    fn ads_of_new_brands_score_as_ads() {
        for line in
            ["青柠直播 英超西甲免费高清直播 无插件", "速来贷 无抵押 秒批 当天到账", "某某娱乐 真人棋牌 首充送彩金"]
        {
            assert!(reads_like_ad(line), "{line}: {:?}", score(line));
        }
    }

    #[test]
    fn reports_of_what_ads_sell_stay() {
        for line in [
            "严厉打击网络赌博、电信诈骗违法犯罪活动",
            "开展打击整治养老诈骗专项行动",
            "查处非法集资",
            "依法查处非法代孕广告3起",
            "推广国家反诈中心APP下载注册2.3万人次。",
            "联系电话：13912345678",
            "客服电话：400-800-1234",
        ] {
            assert!(!reads_like_ad(line), "{line}: {:?}", score(line));
        }
    }

    #[test]
    fn a_verdict_is_explained() {
        let s = score("速来贷 无抵押 秒批");
        assert!(s.cues.iter().any(|(c, w)| c == "秒批" && *w > 0.0), "{s:?}");
        let total: f32 = s.cues.iter().map(|(_, w)| w).sum();
        assert!((total - s.total).abs() < 1e-4);
    }
}
