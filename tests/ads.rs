//! Injected advertising is dropped by what it reads like, not by its brand,
//! and report lines that speak of what ads sell (打击网络赌博) stay.
//! Measured on tests/fixtures/ingest/ads_heldout.txt, lines never tuned on
//! (the scorer was tuned on ads_tune.txt; see src/ingest/ads.rs).

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::*;
use fazhi::ingest::{ads, clean::clean};

/// (label is ad, line) of a labelled fixture.
fn labelled(name: &str) -> Vec<(bool, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest").join(name);
    let text = fs::read_to_string(&path).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (label, line) = l.split_once('\t').unwrap_or_else(|| panic!("no tab in {l:?}"));
            assert!(label == "ad" || label == "report", "bad label in {l:?}");
            (label == "ad", line.to_string())
        })
        .collect()
}

struct Measured {
    ads: usize,
    caught: usize,
    /// Report lines the cleaner dropped or changed.
    reports_hurt: Vec<String>,
}

/// Runs each line through the cleaner every format uses.
fn measure(set: &[(bool, String)], is_dropped: impl Fn(&str) -> bool) -> Measured {
    let mut m = Measured { ads: 0, caught: 0, reports_hurt: Vec::new() };
    for (is_ad, line) in set {
        let dropped = is_dropped(line);
        if *is_ad {
            m.ads += 1;
            m.caught += dropped as usize;
        } else if dropped || clean(line) != *line {
            m.reports_hurt.push(line.clone());
        }
    }
    m
}

#[test]
fn held_out_ads_are_dropped_and_report_lines_kept() {
    let set = labelled("ads_heldout.txt");
    let reports = set.iter().filter(|(ad, _)| !ad).count();
    assert!(set.len() - reports >= 40 && reports >= 80, "held-out set too small: {}", set.len());

    let m = measure(&set, |l| clean(l).is_empty());
    let recall = m.caught as f64 / m.ads as f64;
    assert!(recall >= 0.9, "cleaner recall {recall:.3} ({}/{})", m.caught, m.ads);
    assert!(m.reports_hurt.is_empty(), "report lines dropped or changed: {:#?}", m.reports_hurt);

    // The scorer alone, without the phrase list: what it catches is by the cues.
    let m = measure(&set, ads::reads_like_ad);
    let recall = m.caught as f64 / m.ads as f64;
    assert!(recall >= 0.9, "scorer recall {recall:.3} ({}/{})", m.caught, m.ads);
    assert!(m.reports_hurt.is_empty(), "report lines the scorer calls ads: {:#?}", m.reports_hurt);
}

#[test]
fn tuning_set_is_fit_and_kept_apart_from_the_held_out_set() {
    let tune = labelled("ads_tune.txt");
    let m = measure(&tune, |l| clean(l).is_empty());
    assert_eq!(m.caught, m.ads, "tuning ads kept");
    assert!(m.reports_hurt.is_empty(), "{:#?}", m.reports_hurt);

    let held: BTreeSet<String> = labelled("ads_heldout.txt").into_iter().map(|(_, l)| l).collect();
    let shared: Vec<&String> = tune.iter().map(|(_, l)| l).filter(|l| held.contains(*l)).collect();
    assert!(shared.is_empty(), "lines in both sets: {shared:?}");
}

/// A 乡镇 report page saved as text with two ads injected, of brands the
/// phrase list has never seen; its report lines speak of gambling and loans.
const PAGE: &str = "\
桃源镇2023年法治政府建设情况报告
发布时间：2024-03-08 09:20 来源：桃源镇人民政府

2023年，桃源镇坚持以习近平法治思想为指导，扎实推进法治政府建设。
严厉打击网络赌博、电信诈骗违法犯罪活动
开展打击整治养老诈骗专项行动，查处非法集资线索3条。
蜂鸟直播 英超西甲免费高清直播 无插件在线看
整治非法网络借贷，开展防范“套路贷”宣传12场。
金橙快贷 无抵押 秒批 当天放款 电话：13955550000
二、存在的不足";

#[test]
fn the_cleaner_drops_the_ads_of_a_page_and_nothing_else() {
    let expected: Vec<&str> =
        PAGE.lines().filter(|l| !l.is_empty() && !l.starts_with("蜂鸟") && !l.starts_with("金橙")).collect();
    assert_eq!(clean(PAGE).lines().filter(|l| !l.is_empty()).collect::<Vec<_>>(), expected);
}

#[test]
fn a_new_brand_ad_is_not_indexed_and_a_report_line_on_gambling_is() {
    let (root, corpus) = workspace("ads");
    let idx = root.join("index");
    fs::write(corpus.join("taoyuan.txt"), PAGE).unwrap();
    let out = fazhi().arg("index").arg(&corpus).arg("--index").arg(&idx).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    for brand in ["蜂鸟直播", "金橙快贷", "13955550000"] {
        let (_, r) = search_json(&idx, &["--literal", brand]);
        assert!(r["total"] == 0 || r["match"] == "loose", "{brand} indexed: {r}");
    }
    for kept in ["严厉打击网络赌博", "打击整治养老诈骗", "整治非法网络借贷"] {
        let (_, r) = search_json(&idx, &["--literal", kept]);
        assert_eq!(hit_files(&r), set(&["taoyuan.txt"]), "{kept}");
    }
}
