//! For each domain term, the reports fazhi returns are exactly those whose
//! text contains it, as grep would see it after normalization: computed here
//! independently from the raw files (own width/case folding, punctuation and
//! whitespace dropped, plain substring test).

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;

/// Besides [`CORE_TERMS`].
const TERMS: &[&str] = &[
    "新时代枫桥经验",
    "行政执法三项制度",
    "习近平法治思想",
    "依法治县",
    "依法治镇",
    "民主法治示范村",
    "政府法律顾问",
    "合法性审查",
    "行政规范性文件",
    "备案审查",
    "行政复议",
    "负责人出庭应诉",
    "综合执法",
    "执法全过程记录",
    "重大执法决定法制审核",
    "双随机一公开",
    "优化营商环境",
    "依申请公开",
    "人民调解",
    "矛盾纠纷排查",
    "信访工作",
    "公共法律服务",
    "司法所",
    "法治督察",
    "述法",
    "国家宪法日",
    "民法典",
    "行政执法证",
    "网格员",
    "法治副校长",
    "基层治理四平台",
    "一支队伍管执法",
    "二十届三中全会",
    "掌上办",
    "一窗受理",
    "乡村振兴",
    "七五普法",
    "扫黑除恶",
    "诉源治理",
    "普法",
    "信访",
    "12345",
    "１０＋Ｎ",
    "彝",
    "枫",
    "法",
];

/// Width and case folding, written independently of fazhi's normalizer.
fn grep_form(text: &str) -> String {
    text.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap(),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn expected(term: &str, corpus: &BTreeMap<String, String>) -> BTreeSet<String> {
    let needle = grep_form(term);
    corpus.iter().filter(|(_, text)| text.contains(&needle)).map(|(name, _)| name.clone()).collect()
}

/// The bundled reports as grep sees them: file name → folded text. The text
/// is the file as ingested, without the page-chrome lines the cleaner drops
/// (a window across a dropped 星期天 clock line is in no report).
fn grep_corpus() -> BTreeMap<String, String> {
    std::fs::read_dir(bundled_corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let text = fazhi::ingest::read(&p, &Default::default()).unwrap().remove(0).text.unwrap();
            (p.file_name().unwrap().to_string_lossy().to_string(), grep_form(&text))
        })
        .collect()
}

#[test]
fn every_term_returns_exactly_the_reports_that_contain_it() {
    let corpus = grep_corpus();
    assert_eq!(corpus.len(), 5);
    let mut sizes = BTreeSet::new();
    let mut checked = 0;
    for term in CORE_TERMS.iter().chain(TERMS) {
        let want = expected(term, &corpus);
        let (code, answer) = search_json(bundled_index(), &[term]);
        sizes.insert(want.len());
        if want.is_empty() {
            // Nothing contains it: no exact hit (a looser fallback may answer, labelled as such).
            assert!(answer["total"] == 0 || answer["match"] == "loose", "{term}: {answer}");
            continue;
        }
        assert_eq!(code, 0, "{term}");
        assert_eq!(answer["match"], "exact", "{term}");
        assert_eq!(hit_files(&answer), want, "{term}");
        assert_eq!(answer["total"], want.len(), "{term}");
        checked += 1;
    }
    // The terms must exercise the engine: many non-empty sets of varied size.
    assert!(checked >= 30, "only {checked} terms occur in the corpus");
    assert!(sizes.len() >= 5, "set sizes too uniform: {sizes:?}");
}

/// Random windows of the reports' own text (most never a jieba token, many
/// spanning punctuation in the original) match exactly the reports that
/// contain them: exercises the position check and its word shortcut.
#[test]
fn random_substrings_match_exactly() {
    use fazhi::index::build::{build, BuildRequest};
    use fazhi::search::{Engine, SearchRequest};

    let corpus = grep_corpus();
    let dir = scratch("random-substrings").join("index");
    let request = BuildRequest { paths: vec![bundled_corpus()], ..Default::default() };
    build(&dir, &request).unwrap();
    let engine = Engine::open(&dir).unwrap();
    let texts: Vec<Vec<char>> = corpus.values().map(|t| t.chars().collect()).collect();
    let mut seed: u64 = 0x9E3779B97F4A7C15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut multi = 0;
    for _ in 0..400 {
        let text = &texts[next(texts.len())];
        let len = 3 + next(8);
        let start = next(text.len() - len);
        let key: String = text[start..start + len].iter().collect();
        if key.chars().any(|c| c.is_ascii_digit()) {
            continue; // a bare year would be a filter
        }
        let want = expected(&key, &corpus);
        // Asked three times of one engine: matched, then matched whole and
        // kept, then answered from what was kept (`index::terms::memo`).
        for asked in 1..=3 {
            let r = engine
                .search(&SearchRequest { query: format!("\"{key}\""), limit: 10, ..SearchRequest::default() })
                .unwrap();
            let got: BTreeSet<String> = r
                .hits
                .iter()
                .map(|h| std::path::Path::new(&h.path).file_name().unwrap().to_string_lossy().to_string())
                .collect();
            assert_eq!(got, want, "{key}, asked {asked} times");
            assert_eq!(r.total, want.len(), "{key}, asked {asked} times");
        }
        multi += (want.len() > 1) as usize;
    }
    assert!(multi > 20, "too few keys found in several reports ({multi})");
}
