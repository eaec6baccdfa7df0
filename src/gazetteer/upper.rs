//! Province and prefecture names for query interpretation (`浙江 枫桥经验`):
//! read from the embedded tables without building the full gazetteer, so
//! a search pays well under a millisecond, not the automaton's ~100 ms.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{names, Division, Tier, DIVISIONS, PROVINCE_ALIASES};
use crate::analyze::normalize;

/// Normalized written form → official province or prefecture name.
pub fn forms() -> &'static HashMap<String, String> {
    static FORMS: OnceLock<HashMap<String, String>> = OnceLock::new();
    FORMS.get_or_init(|| {
        let mut out = HashMap::new();
        for line in DIVISIONS.lines().skip(1) {
            // Provinces and prefectures have 6-digit codes ending in 00.
            let Some((code, rest)) = line.split_once('\t') else { continue };
            if code.len() != 6 || !code.ends_with("00") {
                continue;
            }
            let mut cols = rest.split('\t');
            let (Some(name), Some(tier)) = (cols.next(), cols.next()) else { continue };
            let tier = match tier {
                "province" => Tier::Province,
                "prefecture" => Tier::Prefecture,
                _ => continue,
            };
            let d = Division { code: code.parse().unwrap_or(0), name: name.into(), tier, parent: None, unit_type: "" };
            for (form, _) in names::forms(&d) {
                out.insert(normalize(&form), name.to_string());
            }
        }
        for line in PROVINCE_ALIASES.lines().skip(1) {
            if let Some((name, alias)) = line.split_once('\t') {
                out.insert(normalize(alias), name.to_string());
            }
        }
        out
    })
}

/// The official name if `word` (normalized) is exactly a province or prefecture name.
pub fn region_word(word: &str) -> Option<&'static str> {
    forms().get(word).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provinces_prefectures_and_short_forms() {
        assert_eq!(region_word("浙江"), Some("浙江省"));
        assert_eq!(region_word("浙江省"), Some("浙江省"));
        assert_eq!(region_word("宁波"), Some("宁波市"));
        assert_eq!(region_word("宁波市"), Some("宁波市"));
        assert_eq!(region_word("内蒙"), Some("内蒙古自治区"));
        assert_eq!(region_word("红河州"), Some("红河哈尼族彝族自治州"));
        assert_eq!(region_word("慈溪市"), None, "counties are not interpreted");
        assert_eq!(region_word("长治"), None, "common words are not");
        assert_eq!(region_word("枫桥经验"), None);
    }
}
