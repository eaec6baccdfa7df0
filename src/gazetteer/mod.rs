//! China's administrative divisions (data/gazetteer/), and one automaton
//! that finds their names, official or customary, in a text.
//!
//! Loaded once per process, on first use: only `index` and `extract` need it.

mod names;
pub mod upper;

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::analyze::normalize;

const DIVISIONS: &str = include_str!("../../data/gazetteer/divisions.tsv");
const PROVINCE_ALIASES: &str = include_str!("../../data/gazetteer/province_aliases.tsv");
const ALIASES: &str = include_str!("../../data/gazetteer/aliases.tsv");
const PROVINCE_PRIOR: &str = include_str!("../../data/gazetteer/province_prior.tsv");

/// Index of a division in [`Gazetteer::divisions`].
pub type DivId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    Province,
    Prefecture,
    County,
    Township,
}

impl Tier {
    /// The administrative level of a government at this tier.
    pub fn level(self) -> &'static str {
        match self {
            Tier::Province => "省级",
            Tier::Prefecture => "地市级",
            Tier::County => "县级",
            Tier::Township => "乡镇级",
        }
    }
}

#[derive(Debug)]
pub struct Division {
    pub code: u32,
    pub name: String,
    pub tier: Tier,
    pub parent: Option<DivId>,
    /// 镇 乡 民族乡 街道 苏木 县 区 县级市 旗 地级市 自治州 盟 地区 省 自治区 直辖市, or 其他.
    pub unit_type: &'static str,
}

/// How a name was found: its official form, or a short one (weaker evidence).
#[derive(Clone, Copy, Debug)]
pub struct Candidate {
    pub div: DivId,
    /// 1.0 for an official name; less for short forms that also mean other things.
    pub strength: f32,
}

#[derive(Clone, Copy, Debug)]
pub struct Mention {
    /// Byte range in the searched text.
    pub start: usize,
    pub end: usize,
    pub pattern: usize,
}

pub struct Gazetteer {
    pub divisions: Vec<Division>,
    patterns: Vec<(String, Vec<Candidate>)>,
    automaton: AhoCorasick,
    by_name: HashMap<String, Vec<DivId>>,
    prior: HashMap<DivId, f64>,
}

/// The process-wide gazetteer, built on first use.
pub fn shared() -> &'static Gazetteer {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(Gazetteer::load)
}

impl Gazetteer {
    fn load() -> Gazetteer {
        let mut divisions = Vec::with_capacity(45_000);
        let mut by_code: HashMap<u32, DivId> = HashMap::with_capacity(45_000);
        for line in DIVISIONS.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let [code, name, tier, parent] = cols[..] else { continue };
            let Ok(code) = code.parse::<u32>() else { continue };
            let tier = match tier {
                "province" => Tier::Province,
                "prefecture" => Tier::Prefecture,
                "county" => Tier::County,
                "township" => Tier::Township,
                _ => continue,
            };
            // Rows are in hierarchy order: a parent always comes first.
            let parent = parent.parse::<u32>().ok().and_then(|p| by_code.get(&p).copied());
            by_code.insert(code, divisions.len() as DivId);
            divisions.push(Division {
                code,
                name: name.to_string(),
                tier,
                parent,
                unit_type: names::unit_type(name, tier),
            });
        }
        let mut by_name: HashMap<String, Vec<DivId>> = HashMap::new();
        for (i, d) in divisions.iter().enumerate() {
            by_name.entry(d.name.clone()).or_default().push(i as DivId);
        }
        // Names are matched in normalized text, so they are normalized too
        // (fast2s folds 磐安县 to 盘安县: both sides must agree).
        let mut forms: HashMap<String, Vec<Candidate>> = HashMap::new();
        for (i, d) in divisions.iter().enumerate() {
            for (form, strength) in names::forms(d) {
                forms.entry(normalize(&form)).or_default().push(Candidate { div: i as DivId, strength });
            }
        }
        for (table, strength) in [(PROVINCE_ALIASES, 0.9), (ALIASES, 0.9)] {
            for line in table.lines().skip(1) {
                let Some((name, alias)) = line.split_once('\t') else { continue };
                for &div in by_name.get(name).into_iter().flatten() {
                    forms.entry(normalize(alias)).or_default().push(Candidate { div, strength });
                }
            }
        }
        let mut patterns: Vec<(String, Vec<Candidate>)> = forms.into_iter().collect();
        patterns.sort_by(|a, b| a.0.cmp(&b.0));
        // Contiguous NFA: scans several times faster than the default
        // noncontiguous one for ~50k patterns, at a small build cost.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(patterns.iter().map(|(p, _)| p))
            .expect("gazetteer automaton");
        let mut prior = HashMap::new();
        for line in PROVINCE_PRIOR.lines().skip(1) {
            let Some((name, value)) = line.split_once('\t') else { continue };
            if let (Some(ids), Ok(v)) = (by_name.get(name), value.parse::<f64>()) {
                for &id in ids.iter().filter(|&&id| divisions[id as usize].tier == Tier::Province) {
                    prior.insert(id, v);
                }
            }
        }
        Gazetteer { divisions, patterns, automaton, by_name, prior }
    }

    pub fn get(&self, id: DivId) -> &Division {
        &self.divisions[id as usize]
    }

    /// Every place-name mention in `text` (which must be normalized), longest
    /// first at each spot.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        self.automaton
            .find_iter(text)
            .filter(|m| !suffix_binds_onward(&text[m.start()..m.end()], &text[m.end()..]))
            .filter(|m| !head_binds_back(&text[..m.start()], &text[m.start()..m.end()]))
            .map(|m| Mention { start: m.start(), end: m.end(), pattern: m.pattern().as_usize() })
            .collect()
    }

    pub fn pattern(&self, pattern: usize) -> (&str, &[Candidate]) {
        let (p, c) = &self.patterns[pattern];
        (p, c)
    }

    /// Divisions with exactly this official name.
    pub fn named(&self, name: &str) -> &[DivId] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// From the province down to `id`.
    pub fn chain(&self, id: DivId) -> Vec<DivId> {
        let mut chain = vec![id];
        let mut at = id;
        while let Some(parent) = self.get(at).parent {
            chain.push(parent);
            at = parent;
        }
        chain.reverse();
        chain
    }

    /// Whether `ancestor` is `id` or above it.
    pub fn is_within(&self, id: DivId, ancestor: DivId) -> bool {
        let mut at = Some(id);
        while let Some(a) = at {
            if a == ancestor {
                return true;
            }
            at = self.get(a).parent;
        }
        false
    }

    pub fn province_of(&self, id: DivId) -> DivId {
        self.chain(id)[0]
    }

    /// The tie-break prior of a division's province (see data/gazetteer/README.md).
    pub fn prior(&self, id: DivId) -> f64 {
        self.prior.get(&self.province_of(id)).copied().unwrap_or(0.0)
    }

    pub fn provinces(&self) -> impl Iterator<Item = DivId> + '_ {
        (0..self.divisions.len() as DivId).filter(|&i| self.get(i).tier == Tier::Province)
    }
}

/// Whether a name's last character belongs to the word that follows
/// (发展乡|村振兴, 全县|域, 区|域): then the text does not name that place.
fn suffix_binds_onward(name: &str, rest: &str) -> bool {
    const COMPOUNDS: &[&str] = &[
        "乡村",
        "乡镇",
        "乡亲",
        "乡贤",
        "乡土",
        "乡愁",
        "镇村",
        "镇域",
        "镇街",
        "镇级",
        "县域",
        "县级",
        "县乡",
        "区域",
        "区划",
        "区级",
        "市场",
        "市民",
        "市域",
        "市级",
        "市县",
        "省级",
        "省域",
        "省市",
        "州级",
        "街道办",
    ];
    let (Some(last), Some(next)) = (name.chars().last(), rest.chars().next()) else { return false };
    let mut pair = String::new();
    pair.push(last);
    pair.push(next);
    COMPOUNDS.contains(&pair.as_str())
}

/// Whether a name's first character belongs to the word before it, and
/// the rest of the name is a word of its own (快于|城镇 is not 于城镇, 加大|城镇
/// is not 大城镇): then the text does not name that place. Both are asked of
/// jieba's dictionary.
fn head_binds_back(before: &str, name: &str) -> bool {
    let (Some(prev), Some(first)) = (before.chars().next_back(), name.chars().next()) else { return false };
    let rest = &name[first.len_utf8()..];
    if !('\u{4e00}'..='\u{9fff}').contains(&prev) || rest.chars().count() < 2 {
        return false;
    }
    let Some(words) = crate::analyze::query_dict::tables() else { return false };
    let is_word = |w: &str| words.frequency(w).is_some_and(|n| n > 0);
    is_word(&format!("{prev}{first}")) && is_word(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_whose_head_belongs_to_the_word_before_is_not_named() {
        let g = shared();
        for text in ["农村居民收入增长快于城镇居民", "加大城镇棚户区改造力度"] {
            let named = forms_of(g, text);
            assert!(!named.iter().any(|n| n == "于城镇" || n == "大城镇"), "{text}: {named:?}");
        }
        // The same names where they are names.
        assert!(forms_of(g, "海盐县于城镇人民政府").iter().any(|n| n == "于城镇"));
        assert!(forms_of(g, "于城镇2023年法治政府建设情况报告").iter().any(|n| n == "于城镇"));
    }

    fn forms_of(g: &Gazetteer, text: &str) -> Vec<String> {
        g.mentions(text).iter().map(|m| g.pattern(m.pattern).0.to_string()).collect()
    }

    #[test]
    fn loads_hierarchy_and_types() {
        let g = shared();
        assert_eq!(g.provinces().count(), 31);
        let yongping: Vec<_> = g.named("永平镇").to_vec();
        assert!(yongping.len() >= 5);
        let jx = yongping.iter().find(|&&d| g.get(g.province_of(d)).name == "江西省").unwrap();
        let names: Vec<&str> = g.chain(*jx).iter().map(|&d| g.get(d).name.as_str()).collect();
        assert_eq!(names, ["江西省", "上饶市", "铅山县", "永平镇"]);
        let dongfeng = g.named("东凤镇")[0];
        let names: Vec<&str> = g.chain(dongfeng).iter().map(|&d| g.get(d).name.as_str()).collect();
        assert_eq!(names, ["广东省", "中山市", "东凤镇"]);
        assert_eq!(g.get(g.named("北京市")[0]).unit_type, "直辖市");
        assert_eq!(g.get(g.named("盘龙彝族乡")[0]).unit_type, "民族乡");
        assert_eq!(g.get(g.named("兴化市")[0]).unit_type, "县级市");
        // Statistical units (code digits 5-6 in 71-79) are not matched; real counties are.
        let panan = g.named("磐安县")[0];
        assert_eq!(g.get(panan).code, 330727);
        assert!(!names::forms(g.get(panan)).is_empty());
        let zone = g.divisions.iter().find(|d| d.code % 100 == 71 && d.tier == Tier::County).unwrap();
        assert!(names::forms(zone).is_empty(), "{}", zone.name);
    }

    #[test]
    fn finds_official_and_short_forms_longest_first() {
        let g = shared();
        assert_eq!(forms_of(g, "吉林市和吉林省"), ["吉林市", "吉林省"]);
        assert_eq!(forms_of(g, "屏边县新华乡"), ["屏边县", "新华乡"]);
        assert_eq!(forms_of(g, "巴州党委"), ["巴州"]);
        assert_eq!(forms_of(g, "浙江各地"), ["浙江"]);
        assert_eq!(forms_of(g, "法治莆田"), ["莆田"]);
        // Matched after normalization, like the text: 磐 folds to 盘.
        let panan = normalize("磐安县卫生健康局");
        let found = g.mentions(&panan);
        assert_eq!(found.len(), 1);
        assert_eq!(g.get(g.pattern(found[0].pattern).1[0].div).name, "磐安县");
        // Common words that happen to be place names are not matched.
        assert!(forms_of(g, "长治久安的城区").is_empty());
        assert!(forms_of(g, "推动经济社会发展乡村振兴").is_empty(), "发展乡 + 村");
        assert_eq!(forms_of(g, "发展乡人民政府"), ["发展乡"]);
    }
}
