//! The forms under which a division is written, and its unit type.

use std::sync::LazyLock;

use regex::Regex;

use super::{Division, Tier};

/// Ethnic designations inside autonomous names (屏边苗族自治县, 盘龙彝族乡).
static ETHNIC: LazyLock<Regex> = LazyLock::new(|| {
    let groups = "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|\
                  纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|\
                  德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各";
    let bare = "蒙古|哈萨克|柯尔克孜|维吾尔|塔吉克";
    Regex::new(&format!(r"^(.{{2,}}?)(?:(?:{groups})族|{bare})+(自治州|自治县|自治旗|乡|镇|苏木)$")).unwrap()
});

/// Prefecture stems that are everyday words (长治久安, 世界大同, 朝阳产业).
const COMMON_WORD_STEMS: &[&str] = &[
    "长治", "大同", "四平", "新乡", "朝阳", "大庆", "日照", "泰安", "安康", "白山", "中山", "黄山", "北海", "普洱",
    "白银",
];

/// Generic county names that are ordinary words.
const GENERIC_NAMES: &[&str] = &["城区", "郊区", "矿区", "新区"];

pub fn unit_type(name: &str, tier: Tier) -> &'static str {
    let ends = |s: &str| name.ends_with(s);
    match tier {
        Tier::Province if ends("自治区") => "自治区",
        Tier::Province if ends("市") => "直辖市",
        Tier::Province => "省",
        Tier::Prefecture if ends("自治州") => "自治州",
        Tier::Prefecture if ends("盟") => "盟",
        Tier::Prefecture if ends("地区") => "地区",
        Tier::Prefecture => "地级市",
        Tier::County if ends("旗") => "旗",
        Tier::County if ends("县") => "县",
        Tier::County if ends("市") => "县级市",
        Tier::County => "区",
        Tier::Township if ends("街道") => "街道",
        Tier::Township if ends("族乡") => "民族乡",
        Tier::Township if ends("镇") => "镇",
        Tier::Township if ends("乡") => "乡",
        Tier::Township if ends("苏木") => "苏木",
        Tier::Township => "其他",
    }
}

/// Whether a division is a statistical unit rather than a legal division
/// (开发区, 农场, …): not matched in text, their names are generic.
fn statistical_only(d: &Division) -> bool {
    match d.tier {
        Tier::County => matches!(d.code % 100, 71..=79),
        Tier::Township => matches!(d.code % 1000, 400..=599),
        _ => false,
    }
}

/// The written forms of a division with their strength as evidence.
pub fn forms(d: &Division) -> Vec<(String, f32)> {
    if statistical_only(d) || GENERIC_NAMES.contains(&d.name.as_str()) {
        return Vec::new();
    }
    let chars = d.name.chars().count();
    let official = match (d.tier, chars) {
        (Tier::Township, 0..=2) => 0.3,
        (Tier::County, 0..=2) => 0.5,
        _ => 1.0,
    };
    let mut out = vec![(d.name.clone(), official)];
    if let Some(c) = ETHNIC.captures(&d.name) {
        let suffix = match &c[2] {
            "自治州" => "州",
            "自治县" => "县",
            "自治旗" => "旗",
            other => other,
        };
        out.push((format!("{}{suffix}", &c[1]), 0.9));
    }
    if d.tier == Tier::Prefecture {
        let stem = d.name.trim_end_matches("市").trim_end_matches("地区").trim_end_matches("盟");
        if stem != d.name && stem.chars().count() >= 2 && !COMMON_WORD_STEMS.contains(&stem) {
            out.push((stem.to_string(), 0.6));
        }
    }
    out
}
