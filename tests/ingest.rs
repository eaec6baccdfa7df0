//! Reading real-world files: encodings detected, traditional script folded,
//! unreadable inputs skipped with reasons, unchanged files not re-read.
//! Fixture texts are our own short imitations of report openings.

mod common;

use std::fs;
use std::path::Path;

use common::*;

const GBK_TEXT: &str = "青石镇2023年法治政府建设情况报告\n\n2023年以来，青石镇坚持和发展新时代“枫桥经验”，\
培育“法律明白人”队伍，推进矛盾纠纷就地化解。";
const TRADITIONAL_TEXT: &str = "白沙縣2022年法治政府建設情況報告\n\n2022年，本縣堅持和發展新時代「楓橋經驗」，\
全面落實行政執法「三項制度」，推動法治政府建設取得新成效。";
const UTF16_TEXT: &str = "龙湾街道法治政府建设工作报告\n\n龙湾街道深化“枫桥经验”，开展“八五普法”宣传。";
const BOM_TEXT: &str = "东林乡2021年法治政府建设情况报告\n\n2021年，东林乡坚持新时代“枫桥经验”，落实公职律师制度。";

fn write_corpus(dir: &Path) {
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(GBK_TEXT);
    assert!(!unmappable);
    fs::write(dir.join("qingshi_gbk.txt"), &gbk).unwrap();
    fs::write(dir.join("baisha_traditional.txt"), TRADITIONAL_TEXT).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    UTF16_TEXT.encode_utf16().for_each(|u| utf16.extend_from_slice(&u.to_le_bytes()));
    fs::create_dir_all(dir.join("sub/deeper")).unwrap();
    fs::write(dir.join("sub/deeper/longwan_utf16.txt"), utf16).unwrap();
    fs::write(dir.join("sub/donglin_bom.txt"), [b"\xEF\xBB\xBF".as_slice(), BOM_TEXT.as_bytes()].concat()).unwrap();
    fs::write(dir.join("empty.txt"), b"").unwrap();
    fs::write(dir.join("picture.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0").unwrap();
    fs::write(dir.join("notes.md"), "# not a report").unwrap();
}

fn index(corpus: &Path, index: &Path) -> String {
    let out = fazhi().arg("index").arg(corpus).arg("--index").arg(index).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap()
}

#[test]
fn encodings_and_scripts_are_found_by_simplified_queries() {
    let (root, corpus) = workspace("encodings");
    let idx = root.join("index");
    write_corpus(&corpus);

    let summary = index(&corpus, &idx);
    assert!(summary.contains("已索引 4 篇"), "{summary}");
    assert!(summary.contains("跳过 3 个"), "{summary}");
    for reason in ["空文件", "二进制文件", "不支持的格式"] {
        assert!(summary.contains(reason), "{reason} missing from {summary}");
    }
    assert!(summary.contains("picture.txt") && summary.contains("notes.md"), "{summary}");

    let (_, r) = search_json(&idx, &["枫桥经验"]);
    assert_eq!(
        hit_files(&r),
        set(&["qingshi_gbk.txt", "baisha_traditional.txt", "longwan_utf16.txt", "donglin_bom.txt"])
    );
    let spans = highlighted(&r);
    assert!(spans.contains(&"楓橋經驗".to_string()), "traditional text highlighted in place: {spans:?}");

    let (_, r) = search_json(&idx, &["行政执法三项制度"]);
    assert_eq!(hit_files(&r), set(&["baisha_traditional.txt"]));
    let (_, r) = search_json(&idx, &["法律明白人"]);
    assert_eq!(hit_files(&r), set(&["qingshi_gbk.txt"]));
    let title = r["hits"][0]["title"].as_str().unwrap();
    assert_eq!(title, "青石镇2023年法治政府建设情况报告");
    let (_, r) = search_json(&idx, &["枫桥经验", "2022"]);
    assert_eq!(hit_files(&r), set(&["baisha_traditional.txt"]));
}

#[test]
fn rerun_does_no_work_and_changed_files_are_reindexed() {
    let (root, corpus) = workspace("incremental");
    let idx = root.join("index");
    write_corpus(&corpus);
    index(&corpus, &idx);

    let again = index(&corpus, &idx);
    assert!(again.contains("已索引 0 篇，未变 4 篇"), "{again}");

    let path = corpus.join("baisha_traditional.txt");
    fs::write(&path, format!("{TRADITIONAL_TEXT}\n同時依法辦理行政復議案件。")).unwrap();
    let changed = index(&corpus, &idx);
    assert!(changed.contains("已索引 1 篇，未变 3 篇") && changed.contains("索引共 4 篇"), "{changed}");
    let (_, r) = search_json(&idx, &["行政复议"]);
    assert_eq!(hit_files(&r), set(&["baisha_traditional.txt"]));
    let (_, r) = search_json(&idx, &["三项制度"]);
    assert_eq!(r["total"], 1, "the old version of the file is gone");
}

/// The same 乡镇 page saved as text (a reading toolbar 下载 全屏 加大 还原 减小
/// above its title) and as HTML: indexed, both get the title and year of the page.
#[test]
fn a_page_saved_as_text_and_as_html_gets_one_title_and_year() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest");
    let root = scratch("page-pair");
    let mut found = Vec::new();
    // One index each: in one index the second would be merged into the first as a reprint.
    for name in ["qingxi_page.txt", "qingxi_page.html"] {
        let (corpus, idx) = (root.join(name).join("corpus"), root.join(name).join("index"));
        fs::create_dir_all(&corpus).unwrap();
        fs::copy(fixtures.join(name), corpus.join(name)).unwrap();
        index(&corpus, &idx);
        let (_, r) = search_json(&idx, &["调解成功率"]);
        assert_eq!(hit_files(&r), set(&[name]));
        let hit = &r["hits"][0];
        found.push((hit["title"].clone(), hit["year"].clone()));
        let (_, r) = search_json(&idx, &["--literal", "全屏"]);
        assert!(r["total"] == 0 || r["match"] == "loose", "the toolbar of {name} was indexed: {r}");
    }
    assert_eq!(found[0], found[1]);
    assert_eq!(found[0].0, "关于2023年度法治政府建设情况的报告");
    assert_eq!(found[0].1, 2023);

    // fazhi extract reads the files as the indexer does.
    let out = fazhi()
        .arg("extract")
        .args([fixtures.join("qingxi_page.txt"), fixtures.join("qingxi_page.html")])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let [txt, html] = [&reports[0], &reports[1]];
    assert!(txt["path"].as_str().unwrap().ends_with(".txt"), "{reports}");
    assert_eq!((&txt["title"], &txt["year"]), (&html["title"], &html["year"]), "{reports}");
    assert_eq!(txt["year"], 2023);
}
