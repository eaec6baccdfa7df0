//! Where a report comes from: the reporting unit, its type and level, and
//! its province / city / county / township.
//!
//! Every gazetteer name in the opening is a vote, weighted by where it
//! stands (the unit in the title counts most, a passing mention least) and
//! by how sure the form is (官方全称 over short forms). A candidate is also
//! supported by mentions of its parents (永平镇 with 铅山县) and children.
//! The unit is then the most specific place the title names, or else the
//! best-supported place of the type the text calls itself (我镇, 全县 …).
//! A tie between same-named places that nothing in the text separates is
//! broken by a prior and reported with low confidence.
//!
//! Confidence says how strong that evidence is ([`How::ceiling`], then
//! [`Votes::sureness`]): the title's unit 0.9, the first paragraph's subject
//! 0.85, the type the text calls itself 0.8, a place merely named 0.55; at
//! most 0.5 when the place is named once by a short form, or only by a form
//! that names a place above it more surely, and 0.75 when only short forms
//! name it; +0.05 where title, publishing line and first paragraph agree. A
//! namesake close behind lowers the fields where the two differ (a tie 0.3).

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::opening::Opening;
use super::Finding;
use crate::gazetteer::{DivId, Gazetteer, Tier};

/// A candidate needs at least this much support to be chosen.
const MIN_SUPPORT: f32 = 0.9;

/// One-character province abbreviations, only in set phrases: 来陕考察, 治疆.
static ABBREVIATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(?:来|赴|在|到|入|离)(陕|甘|陇|藏|疆|粤|桂|琼|闽|赣|皖|苏|浙|沪|京|津|冀|晋|蒙|辽|吉|黑|鲁|豫|鄂|湘|渝|川|蜀|黔|滇|青|宁)(?:考察|视察|调研))|(?:治|稳|兴)(疆|藏)")
        .unwrap()
});

static SELF_DEPARTMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:我|本)(?:局|委|厅|办)").unwrap());

fn abbreviation_province(abbr: &str) -> &'static str {
    match abbr {
        "陕" => "陕西省",
        "甘" | "陇" => "甘肃省",
        "藏" => "西藏自治区",
        "疆" => "新疆维吾尔自治区",
        "粤" => "广东省",
        "桂" => "广西壮族自治区",
        "琼" => "海南省",
        "闽" => "福建省",
        "赣" => "江西省",
        "皖" => "安徽省",
        "苏" => "江苏省",
        "浙" => "浙江省",
        "沪" => "上海市",
        "京" => "北京市",
        "津" => "天津市",
        "冀" => "河北省",
        "晋" => "山西省",
        "蒙" => "内蒙古自治区",
        "辽" => "辽宁省",
        "吉" => "吉林省",
        "黑" => "黑龙江省",
        "鲁" => "山东省",
        "豫" => "河南省",
        "鄂" => "湖北省",
        "湘" => "湖南省",
        "渝" => "重庆市",
        "川" | "蜀" => "四川省",
        "黔" => "贵州省",
        "滇" => "云南省",
        "青" => "青海省",
        _ => "宁夏回族自治区",
    }
}

/// Suffixes of a department's name (县卫生健康局, 市司法局, 发展和改革委员会).
const DEPARTMENT_SUFFIXES: &[&str] = &["局", "委员会", "委", "办公室", "办", "厅", "中心", "署", "分局"];

#[derive(Default)]
pub struct Region {
    pub unit: Finding<String>,
    pub unit_type: Finding<String>,
    pub level: Finding<String>,
    pub province: Finding<String>,
    pub city: Finding<String>,
    pub county: Finding<String>,
    pub township: Finding<String>,
}

struct Votes<'g> {
    g: &'g Gazetteer,
    direct: HashMap<DivId, f32>,
    /// Candidates named in the title's unit.
    in_unit: Vec<DivId>,
    /// Candidates named at the start of the first paragraph.
    in_subject: Vec<DivId>,
    /// Candidates named by publishing metadata (来源：某省某县).
    in_source: Vec<DivId>,
    /// For each candidate, the other places of the same name it was found with.
    rivals: HashMap<DivId, Vec<DivId>>,
    /// Votes cast by a place's official name (strength 1), not a short form.
    official: HashMap<DivId, f32>,
    /// Votes cast by forms that name no place above or below the candidate
    /// as surely (吉林 names 吉林省, and 吉林市 less surely: it is the
    /// province's own, not the city's).
    exclusive: HashMap<DivId, f32>,
    /// How many times the opening names each place (any form).
    named: HashMap<DivId, usize>,
}

impl<'g> Votes<'g> {
    fn collect(g: &'g Gazetteer, o: &Opening) -> Votes<'g> {
        // A title unit the gazetteer does not fully know (明口镇) must not vote
        // through its fragments (口镇) wherever the text repeats it.
        let unknown_unit = o.unit.as_deref().filter(|u| {
            let kept = tiling(u, g.mentions(u));
            let covered = kept.last().map_or(0, |m| m.end);
            let mut rest = &u[covered..];
            while let Some(filler) = UNIT_FILLERS.iter().find(|f| rest.starts_with(**f)) {
                rest = &rest[filler.len()..];
            }
            !rest.is_empty()
        });
        let masked;
        let o = match unknown_unit {
            Some(u) if u.chars().count() >= 2 => {
                let blank = "＿".repeat(u.chars().count());
                masked = Opening {
                    lines: o.lines.iter().map(|l| l.replace(u, &blank)).collect(),
                    title: o.title.as_ref().map(|t| t.replace(u, &blank)),
                    unit: o.unit.clone(),
                    sources: o.sources.iter().map(|s| s.replace(u, &blank)).collect(),
                    subject: o.subject.as_ref().map(|s| s.replace(u, &blank)),
                    self_refs: o.self_refs.clone(),
                };
                &masked
            }
            _ => o,
        };
        let mut v = Votes {
            g,
            direct: HashMap::new(),
            in_unit: Vec::new(),
            in_subject: Vec::new(),
            in_source: Vec::new(),
            rivals: HashMap::new(),
            official: HashMap::new(),
            exclusive: HashMap::new(),
            named: HashMap::new(),
        };
        let head = o.lines.join("\n");
        v.add(&head, 1.0, Zone::Head);
        if let Some(t) = &o.title {
            v.add(t, 3.0, Zone::Title);
        }
        for s in &o.sources {
            v.add(s, 2.0, Zone::Source);
        }
        if let Some(s) = &o.subject {
            v.add(s, 2.5, Zone::Subject);
        }
        if let Some(u) = &o.unit {
            v.add(u, 4.0, Zone::Unit);
        }
        for c in ABBREVIATION.captures_iter(&head) {
            let abbr = c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str());
            for &p in g.named(abbreviation_province(abbr)) {
                *v.direct.entry(p).or_default() += 1.0;
                *v.exclusive.entry(p).or_default() += 1.0;
                *v.named.entry(p).or_default() += 1;
            }
        }
        v
    }

    fn add(&mut self, text: &str, weight: f32, zone: Zone) {
        let mut mentions = self.g.mentions(text);
        if matches!(zone, Zone::Unit | Zone::Source) {
            mentions = tiling(text, mentions);
        }
        for m in mentions {
            let (_, candidates) = self.g.pattern(m.pattern);
            for c in candidates {
                let vote = weight * c.strength;
                *self.direct.entry(c.div).or_default() += vote;
                if c.strength >= 1.0 {
                    *self.official.entry(c.div).or_default() += vote;
                }
                let related = |o: &&crate::gazetteer::Candidate| {
                    o.div != c.div && (self.g.is_within(o.div, c.div) || self.g.is_within(c.div, o.div))
                };
                if !candidates.iter().any(|o| related(&o) && o.strength >= c.strength) {
                    *self.exclusive.entry(c.div).or_default() += vote;
                }
                if matches!(zone, Zone::Head) {
                    *self.named.entry(c.div).or_default() += 1;
                }
                let rivals = self.rivals.entry(c.div).or_default();
                for other in candidates.iter().filter(|o| o.div != c.div) {
                    if !rivals.contains(&other.div) {
                        rivals.push(other.div);
                    }
                }
                // A form that names a place above or below more surely (吉林:
                // the province before the city of that name) places only that one.
                if candidates.iter().any(|o| related(&o) && o.strength > c.strength) {
                    continue;
                }
                let list = match zone {
                    Zone::Unit => &mut self.in_unit,
                    Zone::Subject => &mut self.in_subject,
                    Zone::Source => &mut self.in_source,
                    Zone::Head | Zone::Title => continue,
                };
                if !list.contains(&c.div) {
                    list.push(c.div);
                }
            }
        }
    }

    /// Own votes, plus those of its parents, plus half those of its children.
    fn support(&self, id: DivId) -> f32 {
        let own = self.direct.get(&id).copied().unwrap_or(0.0);
        let parents: f32 =
            self.g.chain(id).iter().filter(|&&a| a != id).map(|a| self.direct.get(a).copied().unwrap_or(0.0)).sum();
        let children: f32 =
            self.direct.iter().filter(|(&c, _)| c != id && self.g.is_within(c, id)).map(|(_, &w)| 0.5 * w).sum();
        own + parents + children
    }

    fn own(&self, id: DivId) -> f32 {
        self.direct.get(&id).copied().unwrap_or(0.0)
    }

    /// The best of `candidates` (namesakes, or places of one zone): most
    /// support, then deeper, then the prior.
    fn best(&self, candidates: impl Iterator<Item = DivId>) -> Option<(DivId, bool)> {
        self.ranked(candidates, false)
    }

    /// The best of places that merely compete for the unit: the most
    /// mentioned one (a city must not win by its province's mentions), then
    /// support, which still separates namesakes.
    fn most_mentioned(&self, candidates: impl Iterator<Item = DivId>) -> Option<(DivId, bool)> {
        self.ranked(candidates, true)
    }

    fn ranked(&self, candidates: impl Iterator<Item = DivId>, own_first: bool) -> Option<(DivId, bool)> {
        let mut scored: Vec<(DivId, f32)> = candidates.map(|d| (d, self.support(d))).collect();
        scored.sort_by(|a, b| {
            let own = if own_first { self.own(b.0).total_cmp(&self.own(a.0)) } else { std::cmp::Ordering::Equal };
            own.then(b.1.total_cmp(&a.1))
                .then(self.g.get(b.0).tier.cmp(&self.g.get(a.0).tier))
                .then(self.g.prior(b.0).total_cmp(&self.g.prior(a.0)))
                .then(a.0.cmp(&b.0))
        });
        let (best, score) = *scored.first()?;
        // Decided by the prior alone when an equally supported namesake exists.
        let by_prior = scored
            .iter()
            .skip(1)
            .any(|&(d, s)| (s - score).abs() < 1e-3 && self.g.get(d).name == self.g.get(best).name);
        Some((best, by_prior))
    }
}

#[derive(Clone, Copy)]
enum Zone {
    /// The whole opening, title included.
    Head,
    Title,
    Unit,
    Subject,
    Source,
}

/// The path that chose the unit, strongest evidence first.
#[derive(Clone, Copy, Debug, PartialEq)]
enum How {
    /// The unit the title names.
    Title,
    /// The first paragraph's subject (2022年，某街道坚持…).
    Subject,
    /// The best-named place of the type the text calls itself (我县, 全省).
    SelfReference,
    /// The place the publishing metadata names, the title's namesake being elsewhere.
    Source,
    /// A place of the type the text speaks as, within the subject's place.
    WithinSubject,
    /// Only the most-named place of the opening.
    Mentioned,
}

impl How {
    /// The most a place chosen this way can be trusted.
    fn ceiling(self) -> f32 {
        match self {
            How::Title => 0.9,
            How::Subject => 0.85,
            How::SelfReference => 0.8,
            How::Source => 0.75,
            How::WithinSubject => 0.7,
            How::Mentioned => 0.55,
        }
    }
}

/// How sure a chosen place is, field by field.
struct Sureness {
    /// Province, city, county, township.
    tiers: [f32; 4],
    /// The level and the unit's name: same-named places mostly share them.
    level: f32,
    /// The unit's type (乡 or 民族乡 …).
    unit_type: f32,
    /// What lowered or raised it, for the evidence.
    notes: Vec<String>,
    /// Same-named places elsewhere (not those above or below that share a form).
    namesakes: Vec<DivId>,
}

impl Votes<'_> {
    fn has_official(&self, id: DivId) -> bool {
        self.official.get(&id).is_some_and(|&w| w > 0.0)
    }

    /// The path sets a ceiling; a place named only by a short form, or only
    /// by a form that names a place above or below it too, is less sure;
    /// zones that agree raise it; a namesake close behind lowers the fields
    /// where the two differ (a tie: a guess by the prior).
    fn sureness(&self, div: DivId, how: How) -> Sureness {
        let g = self.g;
        let chain = g.chain(div);
        let mut notes = Vec::new();
        let mut c = how.ceiling();
        let named = self.named.get(&div).copied().unwrap_or(0);
        // Namesakes elsewhere (not the places above or below that share a form, as 吉林).
        let mut namesakes: Vec<DivId> = self
            .rivals
            .get(&div)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .copied()
            .filter(|&r| !g.is_within(div, r) && !g.is_within(r, div))
            .collect();
        let thin = if self.exclusive.get(&div).is_none_or(|&w| w <= 0.0) {
            notes.push(format!("“{}”的写法也指其上下级地名", g.get(div).name));
            Some(0.5)
        } else if !self.has_official(div) {
            // Another vote agrees: a place above it is named too (巴州 with 治疆).
            let corroborated = chain.iter().any(|&a| a != div && self.own(a) > 0.0);
            if named <= 1 && !corroborated {
                notes.push("仅一处简称或短名".to_string());
                Some(0.5)
            } else {
                notes.push("只见简称或短名".to_string());
                Some(0.75)
            }
        } else {
            None
        };
        match thin {
            Some(cap) => c = c.min(cap),
            None => {
                // Zones that agree, beyond what told namesakes apart: the title
                // places its unit (兴化市陶庄镇), or the publishing metadata or
                // first paragraph names it or a place above it.
                let in_zone = |zone: &[DivId]| chain.iter().filter(|a| zone.contains(a)).count();
                let agree = match how {
                    How::Title => {
                        in_zone(&self.in_unit) >= 2 || in_zone(&self.in_source) + in_zone(&self.in_subject) > 0
                    }
                    How::Subject => in_zone(&self.in_source) > 0,
                    _ => false,
                };
                if agree && namesakes.is_empty() {
                    notes.push("标题、发布信息或首段互证".to_string());
                    c = (c + 0.05).min(0.95);
                }
            }
        }
        // Each field takes the worst of what its namesakes leave it: a tie is
        // a guess; less than one passing mention of the official name ahead
        // (1.0) is barely ahead; less than a mention in a strong place (3.0)
        // is somewhat ahead.
        let lower = |margin: f32| {
            if margin.abs() < 1e-3 {
                c.min(0.3)
            } else if margin < 1.0 {
                c.min(0.55)
            } else if margin < 3.0 {
                c - 0.15
            } else {
                c
            }
        };
        let mut tiers = [c; 4];
        let (mut level, mut unit_type) = (c, c);
        let support = self.support(div);
        let d = g.get(div);
        let mut closest: Option<f32> = None;
        for &r in &namesakes {
            let margin = support - self.support(r);
            let theirs = g.chain(r);
            for (at, field) in tiers.iter_mut().enumerate() {
                let tier = [Tier::Province, Tier::Prefecture, Tier::County, Tier::Township][at];
                let at_tier = |ch: &[DivId]| ch.iter().copied().find(|&x| g.get(x).tier == tier);
                if at_tier(&chain) != at_tier(&theirs) {
                    *field = field.min(lower(margin));
                }
            }
            let o = g.get(r);
            if o.tier != d.tier {
                level = level.min(lower(margin));
            }
            if o.tier != d.tier || o.unit_type != d.unit_type {
                unit_type = unit_type.min(lower(margin));
            }
            closest = Some(closest.map_or(margin, |m: f32| m.min(margin)));
        }
        match closest {
            Some(m) if m < 0.0 => notes.push("另有同名地名得票更多".to_string()),
            Some(m) if (1e-3..3.0).contains(&m) => notes.push(format!("同名地名只领先 {m:.1}")),
            _ => {}
        }
        // Closest first, for the evidence.
        namesakes.sort_by(|&a, &b| self.support(b).total_cmp(&self.support(a)).then(a.cmp(&b)));
        Sureness { tiers, level, unit_type, notes, namesakes }
    }
}

/// Words a unit's name may have between its places (某区人民政府某街道).
const UNIT_FILLERS: &[&str] = &["人民政府", "政府", "中共", "党委", "党工委", "委员会", "办事处", "委", " ", "　", "·"];

/// Mentions that tile a unit's name from its start, with only filler words
/// between them: 明口镇 is an unknown town, not 口镇 with 明 before it.
fn tiling(unit: &str, mentions: Vec<crate::gazetteer::Mention>) -> Vec<crate::gazetteer::Mention> {
    let mut kept = Vec::new();
    let mut at = 0;
    for m in mentions {
        if m.start < at {
            continue;
        }
        let mut gap = &unit[at..m.start];
        while let Some(filler) = UNIT_FILLERS.iter().find(|f| gap.starts_with(**f)) {
            gap = &gap[filler.len()..];
        }
        if !gap.is_empty() {
            break;
        }
        at = m.end;
        kept.push(m);
    }
    kept
}

/// The candidates of the most specific tier among `named`.
fn deepest(g: &Gazetteer, named: &[DivId]) -> Vec<DivId> {
    let tier = named.iter().map(|&d| g.get(d).tier).max();
    named.iter().copied().filter(|&d| Some(g.get(d).tier) == tier).collect()
}

/// A document of the central government (国务院政府工作报告, 中共中央 or
/// 国务院 documents): level 中央 and no region, whatever places it names.
/// Told by its title's issuer, or by a speech given for the State Council.
fn central(o: &Opening) -> Option<Region> {
    // The title, or a first line that reads like one (意见, 决定 are not 报告).
    let title = o.title.as_deref().or(o.lines.first().map(String::as_str).filter(|l| l.contains("关于"))).unwrap_or("");
    let issuer = ["中共中央", "国务院", "中华人民共和国国务院", "中共中央国务院", "中共中央、国务院"]
        .into_iter()
        .filter(|i| title.starts_with(i))
        .max_by_key(|i| i.len());
    let speech = o.lines.iter().take(12).find(|l| l.contains("我代表国务院"));
    let (unit, evidence) = match (issuer, speech) {
        (Some(issuer), _) => (issuer.trim_start_matches("中华人民共和国").to_string(), format!("标题以“{issuer}”开头")),
        (None, Some(line)) => ("国务院".to_string(), format!("开头：{}", line.chars().take(30).collect::<String>())),
        _ => return None,
    };
    let why = format!("中央文件（{evidence}），不属任何地区");
    let none = || Finding::new(None, 0.9, why.clone());
    Some(Region {
        unit: Finding::new(Some(unit), 0.9, evidence.clone()),
        unit_type: Finding::new(None, 0.9, why.clone()),
        level: Finding::new(Some("中央".to_string()), 0.9, why.clone()),
        province: none(),
        city: none(),
        county: none(),
        township: none(),
    })
}

fn hint_tier(hint: &str) -> Option<Tier> {
    match hint {
        "镇" | "乡" | "街道" => Some(Tier::Township),
        "县" | "区" => Some(Tier::County),
        "市" | "州" => Some(Tier::Prefecture),
        "省" => Some(Tier::Province),
        _ => None,
    }
}

/// Unit types a self-reference (我镇, 全市 …) can mean.
fn compatible(hint: &str, unit_type: &str) -> bool {
    match hint {
        "镇" => unit_type == "镇",
        "乡" => matches!(unit_type, "乡" | "民族乡" | "苏木"),
        "街道" => unit_type == "街道",
        "县" => matches!(unit_type, "县" | "旗"),
        "区" => matches!(unit_type, "区" | "自治区"),
        "市" => matches!(unit_type, "地级市" | "县级市" | "直辖市"),
        "省" => unit_type == "省",
        "州" => unit_type == "自治州",
        _ => false,
    }
}

fn hint_level(hint: &str) -> Option<&'static str> {
    hint_tier(hint).map(Tier::level)
}

fn is_department(unit: &str) -> bool {
    DEPARTMENT_SUFFIXES.iter().any(|s| unit.ends_with(s))
}

pub fn resolve(g: &Gazetteer, o: &Opening) -> Region {
    if let Some(region) = central(o) {
        return region;
    }
    let votes = Votes::collect(g, o);
    // A department: its title says so, or, untitled, it speaks of itself as 我局/我委.
    // (A government's own report never calls itself 我局.)
    let speaks_as_department = o.self_refs.iter().any(|&(k, n)| k == "部门" && n >= 2)
        || o.subject.as_deref().is_some_and(|s| SELF_DEPARTMENT.is_match(s));
    let department = o.unit.as_deref().is_some_and(is_department) || (o.unit.is_none() && speaks_as_department);
    // The government's own type: from the title's unit, else from how the text speaks.
    let type_hint: Option<&str> = o
        .unit
        .as_deref()
        .filter(|u| !is_department(u))
        .and_then(|u| ["街道", "镇", "乡", "县", "区", "市", "省", "州"].into_iter().find(|s| u.ends_with(s)))
        .or_else(|| o.self_refs.iter().map(|(k, _)| *k).find(|k| *k != "部门"));

    let eligible = |d: &DivId| votes.support(*d) >= MIN_SUPPORT;
    let by_hint = || {
        type_hint.and_then(|h| {
            votes.most_mentioned(
                votes.direct.keys().copied().filter(|d| compatible(h, g.get(*d).unit_type)).filter(eligible),
            )
        })
    };
    // The first paragraph's subject (2022年，某街道坚持…) names the unit, unless
    // it names a superior (在某县委领导下) while the text speaks as a lower unit.
    // Of several places there, those of the type the text speaks as come first
    // (全省… 吉林市、长春市…: the province).
    let matching: Vec<DivId> = votes
        .in_subject
        .iter()
        .copied()
        .filter(|&d| type_hint.is_some_and(|h| compatible(h, g.get(d).unit_type)))
        .collect();
    let subject = if matching.is_empty() { deepest(g, &votes.in_subject) } else { deepest(g, &matching) };
    // A subject above the unit (在某县委领导下 while the text says 我镇): the unit
    // is a place of the spoken type *within* it, if the text names one.
    let subject_is_superior =
        subject.first().is_some_and(|&d| type_hint.and_then(hint_tier).is_some_and(|t| t > g.get(d).tier));
    let within_subject = || {
        type_hint.and_then(|h| {
            votes.most_mentioned(
                votes
                    .direct
                    .keys()
                    .copied()
                    .filter(|d| compatible(h, g.get(*d).unit_type))
                    .filter(|d| subject.iter().any(|&s| *d != s && g.is_within(*d, s)))
                    .filter(eligible),
            )
        })
    };
    // A title namesake outside every place the publishing metadata names
    // (来源：宁夏回族自治区某市 with a 河源镇 known only in 吉林) is not the unit.
    let source_places = deepest(g, &votes.in_source);
    let unit_contradicted = !votes.in_unit.is_empty()
        && !source_places.is_empty()
        && !votes.in_unit.iter().any(|&u| source_places.iter().any(|&s| g.is_within(u, s) || g.is_within(s, u)));
    let (chosen, how, said) = if unit_contradicted {
        (votes.best(source_places.into_iter()), How::Source, "发布信息中的地区".to_string())
    } else if !votes.in_unit.is_empty() {
        (
            votes.best(deepest(g, &votes.in_unit).into_iter()),
            How::Title,
            format!("标题中的单位“{}”", o.unit.as_deref().unwrap_or("")),
        )
    } else if let Some(inner) = subject_is_superior.then(within_subject).flatten() {
        (Some(inner), How::WithinSubject, format!("正文自称“{}”，在首段所说地区之内", type_hint.unwrap_or("")))
    } else if !subject.is_empty() {
        (votes.best(subject.into_iter()), How::Subject, "首段主语".to_string())
    } else {
        match by_hint() {
            Some(pick) => (Some(pick), How::SelfReference, format!("正文自称“{}”", type_hint.unwrap_or(""))),
            None => (
                votes.most_mentioned(votes.direct.keys().copied().filter(eligible)),
                How::Mentioned,
                "正文提及".to_string(),
            ),
        }
    };

    let mut r = Region::default();
    let Some((div, by_prior)) = chosen else {
        // No place found: the level may still be known from how the text speaks.
        if let Some(level) = type_hint.and_then(hint_level) {
            r.level = Finding::new(
                Some(level.to_string()),
                0.4,
                format!("正文自称“{}”，未识别地名", type_hint.unwrap_or("")),
            );
        }
        if department {
            r.unit_type = Finding::new(Some("部门".into()), 0.6, "单位为部门".into());
        }
        return r;
    };
    let d = g.get(div);
    let chain = g.chain(div);
    let path: Vec<&str> = chain.iter().rev().map(|&c| g.get(c).name.as_str()).collect();
    let sure = votes.sureness(div, how);
    let mut notes = Vec::new();
    if by_prior {
        let names: Vec<String> = sure
            .namesakes
            .iter()
            .take(4)
            .map(|&r| {
                let p: Vec<&str> = g.chain(r).iter().map(|&c| g.get(c).name.as_str()).collect();
                p.join("")
            })
            .collect();
        notes.push(format!("同名地名无法区分：{}；按先验选择", names.join("、")));
    } else if !sure.namesakes.is_empty() {
        notes.push(format!("由同文上下级地名排除 {} 处同名地名", sure.namesakes.len()));
    }
    notes.extend(sure.notes.iter().cloned());
    let mut evidence = format!("{said}：{}", path.join(" → "));
    if !notes.is_empty() {
        evidence.push_str(&format!("（{}）", notes.join("；")));
    }
    for &c in &chain {
        let place = g.get(c);
        let (field, at) = match place.tier {
            Tier::Province => (&mut r.province, 0),
            Tier::Prefecture => (&mut r.city, 1),
            Tier::County => (&mut r.county, 2),
            Tier::Township => (&mut r.township, 3),
        };
        *field = Finding::new(Some(place.name.clone()), sure.tiers[at], evidence.clone());
    }
    // The text speaks as a lower unit than any place it names (an unknown or
    // new 乡 under a known city): the level is the text's, the region as far
    // down as known.
    let hinted_tier = type_hint.and_then(hint_tier);
    let speaks_lower =
        hinted_tier.is_some_and(|t| t > d.tier) && !type_hint.is_some_and(|h| compatible(h, d.unit_type));
    if !department && (votes.in_unit.is_empty() || unit_contradicted) && speaks_lower {
        let hint = type_hint.unwrap_or("");
        let level = hint_level(hint).unwrap_or(d.tier.level()).to_string();
        r.level = Finding::new(Some(level), 0.5, format!("正文自称“{hint}”；所在地只识别到 {}", d.name));
        r.unit_type = Finding::new(None, 0.0, String::new());
        r.unit = Finding::new(o.unit.clone(), 0.5, "标题".into());
        for field in [&mut r.province, &mut r.city, &mut r.county, &mut r.township] {
            field.confidence = field.confidence.min(0.5);
            if field.value.is_some() {
                field.evidence.push_str(&format!("；单位本身不在地名库中，只定位到 {}", d.name));
            }
        }
        return r;
    }
    let level = d.tier.level().to_string();
    if department {
        r.unit_type = Finding::new(
            Some("部门".into()),
            0.8,
            format!("单位名以部门结尾：{}", o.unit.as_deref().unwrap_or("我局")),
        );
        r.level = Finding::new(Some(level), sure.level, format!("部门，所属政府 {}（{}）", d.name, d.tier.level()));
        r.unit = Finding::new(o.unit.clone(), 0.8, "标题".into());
    } else {
        r.unit_type =
            Finding::new(Some(d.unit_type.to_string()), sure.unit_type, format!("{} 是{}", d.name, d.unit_type));
        r.level = Finding::new(Some(level), sure.level, format!("{} 是{}（{}）", d.name, d.unit_type, d.tier.level()));
        r.unit = Finding::new(Some(d.name.clone()), sure.level, evidence.clone());
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::normalize;
    use crate::extract::opening;

    fn region(text: &str) -> Region {
        resolve(crate::gazetteer::shared(), &opening::read(&normalize(text)))
    }

    #[test]
    fn central_documents_are_central_and_of_no_region() {
        // A national work report names places in passing (快于城镇, 海南自由贸易港).
        let speech = "政府工作报告\n各位代表：\n现在，我代表国务院，向大会报告政府工作，请予审议。\n农村居民收入增长快于城镇居民，加大城镇棚户区改造力度，海南自由贸易港建设蓬勃展开。";
        for text in [speech, "国务院关于加强法治政府建设的意见\n各省、自治区、直辖市人民政府，国务院各部委：\n浙江省、江苏省要率先推进。"] {
            let r = region(text);
            assert_eq!(r.level.value.as_deref(), Some("中央"), "{text}");
            assert!(r.province.value.is_none() && r.township.value.is_none(), "{text}");
        }
        // A local report that quotes the State Council is local.
        let local = "青石镇2023年法治政府建设情况报告\n2023年，青石镇认真贯彻国务院决策部署，推进依法行政。";
        assert_eq!(region(local).level.value.as_deref(), Some("乡镇级"));
    }

    #[test]
    fn confidence_follows_the_evidence() {
        // Named only in a later line, with no title unit, subject or self-reference.
        let r = region("法治政府建设情况报告\n一年来，各项工作稳步推进，依法行政水平不断提高，群众满意度持续上升。\n一、主要做法。学习借鉴了绍兴市的经验做法，建立健全矛盾纠纷多元化解机制。");
        assert_eq!(r.city.value.as_deref(), Some("绍兴市"));
        assert!(r.city.confidence < 0.6 && r.province.confidence < 0.6);
        // Namesakes left tied within one province: the province is sure, the rest a guess.
        let r = region("新华乡2023年法治政府建设情况报告\n2023年，新华乡在云南省委、省政府的坚强领导下，坚持依法行政，全乡法治政府建设稳步推进。");
        assert_eq!(r.province.value.as_deref(), Some("云南省"));
        assert!(r.province.confidence >= 0.9, "{}", r.province.confidence);
        assert!(r.county.confidence <= 0.3 && r.township.confidence <= 0.3);
        assert!(r.level.confidence >= 0.9);
        // A title that names the unit with its county, unique in the gazetteer.
        let r = region("兴化市陶庄镇人民政府2023年度法治政府建设情况报告\n2023年，陶庄镇坚持依法行政。");
        assert!(r.township.confidence >= 0.9 && r.province.confidence >= 0.9);
        // The unit is not in the gazetteer: only its municipality is known.
        let r = region("明口镇2021年法治政府建设情况报告\n来源：天津市长河区明口镇\n2021年，明口镇在天津市委、市政府的坚强领导下，全镇依法行政。");
        assert_eq!(r.province.value.as_deref(), Some("天津市"));
        assert!(r.province.confidence <= 0.5);
    }

    #[test]
    fn namesakes_under_an_unknown_parent_do_not_panic() {
        // A made-up county between a real municipality and a common township name.
        let r = region("西湾乡2022年法治政府建设工作情况的报告\n来源：北京市金沟市西湾乡　发布时间：2023-03-02\n2022年，西湾乡在北京市委、市政府的坚强领导下，扎实推进依法行政。");
        assert_eq!(r.level.value.as_deref(), Some("乡镇级"));
        assert!(r.province.value.is_some());
    }
}
