//! `fazhi extract` on the bundled reports and on fixtures of our own
//! (tests/fixtures/extract/), and user overrides: REPORT.json and manifests.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::{json, Value};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extract").join(name)
}

fn extract(paths: &[PathBuf]) -> Vec<Value> {
    let out = fazhi().arg("extract").args(["--format", "jsonl"]).args(paths).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn one(path: PathBuf) -> Value {
    extract(&[path]).remove(0)
}

/// Checks the listed fields; `null` expects unknown.
fn assert_fields(got: &Value, want: Value) {
    for (k, v) in want.as_object().unwrap() {
        assert_eq!(&got[k], v, "field {k} of {}: {got}", got["path"]);
    }
}

#[test]
fn bundled_reports() {
    let r = |f: &str| one(bundled_corpus().join(f));
    let dongfeng = r(DONGFENG);
    assert_fields(
        &dongfeng,
        json!({"province": "广东省", "city": "中山市", "county": null, "township": "东凤镇", "level": "乡镇级"}),
    );
    assert!(dongfeng["year"].is_null() || dongfeng["year"] == 2024);
    let taozhuang = r(TAOZHUANG);
    assert_fields(
        &taozhuang,
        json!({"province": "江苏省", "city": "泰州市", "county": "兴化市", "township": "陶庄镇",
               "level": "乡镇级", "unit_type": "镇", "year": 2023, "publish_date": "2024-02-22"}),
    );
    assert!(taozhuang["evidence"]["province"].as_str().unwrap().contains("兴化市 → 泰州市 → 江苏省"));
    assert_fields(
        &r(GUTANG),
        json!({"province": "浙江省", "city": "宁波市", "county": "慈溪市", "township": "古塘街道",
               "unit_type": "街道", "year": 2022}),
    );
    assert_fields(
        &r(PANLONG),
        json!({"province": "云南省", "city": "文山壮族苗族自治州", "county": "砚山县", "township": "盘龙彝族乡",
               "unit_type": "民族乡", "year": 2023, "publish_date": "2024-03-14"}),
    );
    let yongping = r(YONGPING);
    assert_fields(
        &yongping,
        json!({"province": "江西省", "city": "上饶市", "county": "铅山县", "township": "永平镇", "year": 2023}),
    );
    // 永平镇 exists in five provinces: 铅山县 in the text decides.
    assert!(yongping["evidence"]["province"].as_str().unwrap().contains("同名"));
}

#[test]
fn fixtures_of_every_kind() {
    let cases = [
        (
            "county.txt",
            json!({"unit": "铅山县", "unit_type": "县", "level": "县级", "province": "江西省",
            "city": "上饶市", "county": "铅山县", "township": null, "year": 2022}),
        ),
        (
            "prefecture.txt",
            json!({"unit": "衢州市", "unit_type": "地级市", "level": "地市级", "province": "浙江省",
            "city": "衢州市", "county": null, "year": 2023, "publish_date": "2024-03-20"}),
        ),
        (
            "provincial.txt",
            json!({"unit_type": "省", "level": "省级", "province": "浙江省", "city": null, "year": 2021}),
        ),
        (
            "autonomous_region.txt",
            json!({"unit_type": "自治区", "level": "省级", "province": "广西壮族自治区",
            "city": null, "year": 2022}),
        ),
        (
            "department.txt",
            json!({"unit": "宁波市司法局", "unit_type": "部门", "level": "地市级", "province": "浙江省",
            "city": "宁波市", "county": null, "year": 2023}),
        ),
        (
            "county_department.txt",
            json!({"unit_type": "部门", "level": "县级", "province": "江西省",
            "county": "铅山县", "year": 2023}),
        ),
        (
            "municipal_district.txt",
            json!({"unit": "朝阳区", "unit_type": "区", "level": "县级", "province": "北京市",
            "city": null, "county": "朝阳区", "year": 2023}),
        ),
        (
            "municipality.txt",
            json!({"unit": "北京市", "unit_type": "直辖市", "level": "省级", "province": "北京市",
            "city": null, "county": null, "township": null, "year": 2022}),
        ),
        (
            "traditional.txt",
            json!({"unit": "虎門鎮", "level": "乡镇级", "province": "广东省", "city": "东莞市",
            "county": null, "township": "虎门镇", "year": 2023, "publish_date": "2024-02-05"}),
        ),
        ("jilin_city.txt", json!({"unit": "吉林市", "level": "地市级", "province": "吉林省", "city": "吉林市"})),
        ("no_year.txt", json!({"unit": "下洋镇", "level": "乡镇级", "year": null})),
        // A town the gazetteer does not know: its fragment (口镇, a real town
        // elsewhere) must not vote; the stated municipality and the level remain.
        (
            "unknown_town.txt",
            json!({"unit": "明口镇", "level": "乡镇级", "province": "天津市", "township": null, "year": 2021}),
        ),
        // A real namesake in another province than the publishing metadata names.
        ("namesake_elsewhere.txt", json!({"level": "乡镇级", "province": "内蒙古自治区", "township": null})),
        // A province's report naming its cities: the cities must not win by the province's votes.
        ("province_mentions_city.txt", json!({"unit": "吉林省", "level": "省级", "province": "吉林省", "city": null})),
    ];
    for (file, want) in cases {
        assert_fields(&one(fixture(file)), want);
    }
}

#[test]
fn an_unresolvable_namesake_is_a_low_confidence_guess() {
    // 下洋镇 exists in two provinces and nothing else in the text tells which.
    let m = one(fixture("no_year.txt"));
    assert!(m["confidence"]["province"].as_f64().unwrap() < 0.5, "{m}");
    assert!(m["evidence"]["province"].as_str().unwrap().contains("无法区分"));
    // Where the text does tell, confidence is high.
    let m = one(fixture("municipal_district.txt"));
    assert!(m["confidence"]["province"].as_f64().unwrap() > 0.7, "{m}");
}

fn confidence(m: &Value, field: &str) -> f64 {
    m["confidence"][field].as_f64().unwrap_or_else(|| panic!("no confidence for {field}: {m}"))
}

#[test]
fn region_confidence_follows_the_evidence() {
    // Weak: the province is named once, by an abbreviation (来闽考察).
    let m = one(fixture("weak_abbreviation.txt"));
    assert_fields(&m, json!({"province": "福建省", "level": "省级"}));
    assert!(confidence(&m, "province") < 0.6, "{m}");
    // Weak: 永平镇 is in five provinces; one short-form mention of 上饶 in a
    // later line barely tells them apart. Its level is sure all the same.
    let m = one(fixture("weak_namesake.txt"));
    assert_fields(&m, json!({"province": "江西省", "county": "铅山县", "township": "永平镇"}));
    for field in ["province", "city", "county", "township"] {
        assert!(confidence(&m, field) < 0.6, "{field}: {m}");
    }
    assert!(confidence(&m, "level") >= 0.9, "{m}");
    assert!(m["evidence"]["township"].as_str().unwrap().contains("只领先"), "{m}");
    // Strong: the title places its unit down from the province, which rules
    // out its namesakes elsewhere.
    let m = one(fixture("strong_title.txt"));
    assert_fields(&m, json!({"province": "江西省", "city": "上饶市", "county": "铅山县", "township": "永平镇"}));
    for field in ["province", "city", "county", "township", "level"] {
        assert!(confidence(&m, field) >= 0.9, "{field}: {m}");
    }
    // A province named only by a short form it shares with its city (吉林):
    // the province, not the city, and not fully sure.
    let m = one(fixture("province_short_form_subject.txt"));
    assert_fields(&m, json!({"province": "吉林省", "city": null, "level": "省级"}));
    assert!(confidence(&m, "province") < 0.9, "{m}");
}

#[test]
fn year_confidence_follows_the_evidence() {
    // Weak: the only year stands on next year's plan.
    let m = one(fixture("year_plan_heading.txt"));
    assert!(confidence(&m, "year") < 0.6, "{m}");
    assert!(m["evidence"]["year"].as_str().unwrap().contains("工作打算"), "{m}");
    // Weak: two paragraphs open on different years.
    let m = one(fixture("year_rivals.txt"));
    assert!(confidence(&m, "year") < 0.7, "{m}");
    // Strong: the first paragraph's year is the year before the publish date.
    let m = one(fixture("year_agrees.txt"));
    assert_fields(&m, json!({"year": 2023, "publish_date": "2024-03-12"}));
    assert!(confidence(&m, "year") >= 0.9, "{m}");
    // Strong: the title's year.
    assert!(confidence(&one(fixture("strong_title.txt")), "year") >= 0.9);
}

#[test]
fn output_formats() {
    let files = [fixture("county.txt"), fixture("department.txt")];
    let json_out = fazhi().arg("extract").args(["--format", "json"]).args(&files).output().unwrap();
    let array: Value = serde_json::from_slice(&json_out.stdout).unwrap();
    assert_eq!(array.as_array().unwrap().len(), 2);
    assert_eq!(array[1]["unit"], "宁波市司法局");
    let text_out = fazhi().arg("extract").args(&files).output().unwrap();
    let text = String::from_utf8(text_out.stdout).unwrap();
    assert!(text.contains("省：") && text.contains("江西省") && text.contains("铅山县 → 上饶市 → 江西省"), "{text}");
    // An unreadable file: reported, the others still printed, exit 2.
    let out = fazhi().arg("extract").arg(fixture("county.txt")).arg(fixture("missing.txt")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("铅山县"));
}

#[test]
fn sidecar_and_manifest_override_field_by_field() {
    let root = scratch("sidecar");
    let corpus = root.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::copy(fixture("no_year.txt"), corpus.join("xiayang.txt")).unwrap();
    std::fs::copy(fixture("county.txt"), corpus.join("qianshan.txt")).unwrap();
    std::fs::write(corpus.join("xiayang.json"), r#"{"year": 2023, "province": "福建省", "city": "龙岩市"}"#).unwrap();

    let m = one(corpus.join("xiayang.txt"));
    assert_fields(&m, json!({"year": 2023, "province": "福建省", "city": "龙岩市", "unit": "下洋镇"}));
    assert_eq!(m["confidence"]["year"], 1.0);
    assert!(m["evidence"]["year"].as_str().unwrap().contains("xiayang.json"));

    let manifest = root.join("manifest.jsonl");
    std::fs::write(&manifest, "# overrides\n{\"path\": \"corpus/qianshan.txt\", \"year\": 2021}\n").unwrap();
    let index = root.join("index");
    fazhi().arg("index").arg(&corpus).arg("--manifest").arg(&manifest).arg("--index").arg(&index).assert().success();
    let (_, r) = search_json(&index, &["法治"]);
    let hits = r["hits"].as_array().unwrap();
    let by_file = |f: &str| hits.iter().find(|h| h["path"].as_str().unwrap().ends_with(f)).unwrap().clone();
    assert_eq!(by_file("qianshan.txt")["year"], 2021);
    assert_eq!(by_file("qianshan.txt")["county"], "铅山县");
    assert_eq!(by_file("xiayang.txt")["province"], "福建省");

    // Changing a sidecar re-indexes its report.
    std::fs::write(corpus.join("xiayang.json"), r#"{"year": 2024}"#).unwrap();
    let out = fazhi().arg("index").arg(&corpus).arg("--index").arg(&index).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("已索引 1 篇"), "{}", String::from_utf8_lossy(&out.stdout));
    let (_, r) = search_json(&index, &["下洋镇", "2024"]);
    assert_eq!(r["total"], 1);

    // A bad override is reported, not silently dropped.
    std::fs::write(corpus.join("xiayang.json"), r#"{"year": "twenty"}"#).unwrap();
    let out = fazhi().arg("index").arg(&corpus).arg("--index").arg(&index).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("元数据无效"));
    let bad_manifest = root.join("bad.jsonl");
    std::fs::write(&bad_manifest, "{not json\n").unwrap();
    let out = fazhi()
        .arg("index")
        .arg(&corpus)
        .arg("--manifest")
        .arg(&bad_manifest)
        .arg("--index")
        .arg(&index)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("第 1 行"));
}

#[test]
fn search_shows_the_metadata() {
    let (_, r) = search_json(bundled_index(), &["枫桥经验", "2023"]);
    let hit = r["hits"].as_array().unwrap().iter().find(|h| h["path"].as_str().unwrap().ends_with(YONGPING)).unwrap();
    assert_fields(
        hit,
        json!({"province": "江西省", "city": "上饶市", "county": "铅山县", "township": "永平镇",
        "level": "乡镇级", "unit_type": "镇", "year": 2023}),
    );
    let out = fazhi().args(["search", "枫桥经验", "2023", "--index"]).arg(bundled_index()).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("江西省/上饶市/铅山县/永平镇"), "{text}");
}
