//! Real-world input end to end: saved web pages (GBK, with chrome and an
//! injected ad), .docx, PDF, JSON Lines dumps and pages saved as text are
//! indexed; chrome and spam never reach the index, hints show up as
//! metadata, and files that can't be read are named with their reason.
//! Fixtures: tests/fixtures/ingest/ (our own imitations; see make_fixtures.py
//! for the binary ones); the .docx is built here from its XML.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest").join(name)
}

/// A minimal .docx: the parts Word needs to open it, paragraphs as `<w:p>`.
fn docx(paragraphs: &[&str], title: &str) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|p| {
            // Split each paragraph into two runs, as Word does around edits.
            let mid = p.char_indices().nth(p.chars().count() / 2).map_or(0, |(i, _)| i);
            format!(
                "<w:p><w:r><w:t>{}</w:t></w:r><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
                &p[..mid],
                &p[mid..]
            )
        })
        .collect();
    let files = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string(),
        ),
        (
            "word/document.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
            ),
        ),
        (
            "docProps/core.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></cp:coreProperties>"#
            ),
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in files {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const DOCX_TITLE: &str = "石门县2023年法治政府建设情况报告";
const DOCX_PARAGRAPHS: &[&str] = &[
    "2023年，石门县坚持和发展新时代“枫桥经验”，全面推进严格规范公正文明执法。",
    "一、完善行政规范性文件合法性审核机制，全年审核县政府文件四十三件。",
    "二、推进“府院联动”，行政机关负责人出庭应诉率保持百分之百。",
];

/// Chrome and spam phrases of the fixtures that must never be indexed.
const NEVER: &[&str] = &[
    "分享到",
    "打印本页",
    "浏览次数",
    "关闭窗口",
    "版权所有",
    "网站地图",
    "当前位置",
    "扫一扫在手机打开当前页",
    "政策解读",
    "上一篇",
    "安全生产工作会议",
    "执法人员培训班",
    "葡京",
    "彩金",
    "代孕",
    "代开发票",
    "87654321",
    "ICP备",
    "统计代码",
];

fn write_corpus(dir: &Path) {
    for name in
        ["qingshan_page.html", "report.pdf", "no_unicode_map.pdf", "cid_font.pdf", "dump.jsonl", "saved_page.txt"]
    {
        fs::copy(fixture(name), dir.join(name)).unwrap();
    }
    fs::write(dir.join("shimen.docx"), docx(DOCX_PARAGRAPHS, DOCX_TITLE)).unwrap();
    // The sidecar of the .docx: metadata, not a report, and not worth a line in the summary.
    fs::write(dir.join("shimen.json"), r#"{"publish_date": "2024-02-01"}"#).unwrap();
    let mut broken = docx(DOCX_PARAGRAPHS, DOCX_TITLE);
    broken.truncate(broken.len() / 2);
    fs::write(dir.join("broken.docx"), broken).unwrap();
    fs::write(dir.join("picture.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0").unwrap();
    fs::write(dir.join("old.doc"), b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0").unwrap();
    fs::write(dir.join("setup.exe"), b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0").unwrap();
    fs::write(dir.join("attachments.zip"), b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0").unwrap();
    fs::write(dir.join("really_binary.txt"), b"\x7FELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0").unwrap();
}

struct Built {
    index: PathBuf,
    summary: String,
}

/// The fixture corpus, indexed once per test binary.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = scratch("formats");
        let (corpus, index) = (root.join("corpus"), root.join("index"));
        fs::create_dir_all(&corpus).unwrap();
        write_corpus(&corpus);
        let out = fazhi().arg("index").arg(&corpus).arg("--index").arg(&index).output().unwrap();
        let summary = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{summary}");
        Built { index, summary }
    })
}

fn show(index: &Path, id: &str) -> Value {
    let out = fazhi().args(["show", id, "--format", "json", "--index"]).arg(index).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn hit<'a>(answer: &'a Value, path_end: &str) -> &'a Value {
    answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["path"].as_str().unwrap().ends_with(path_end))
        .unwrap_or_else(|| panic!("no hit ending {path_end} in {answer}"))
}

#[test]
fn every_format_is_indexed_and_every_skip_named() {
    let b = built();
    // html, pdf, docx, txt, and three good lines of the dump.
    assert!(b.summary.contains("已索引 7 篇"), "{}", b.summary);
    let reason_of = |file: &str| {
        b.summary
            .lines()
            .find(|l| l.starts_with("fazhi: 跳过") && l.contains(&format!("{file}：")))
            .unwrap_or_else(|| panic!("{file} not in summary:\n{}", b.summary))
            .to_string()
    };
    for (file, reason) in [
        ("no_unicode_map.pdf", "PDF 文字层无法正确提取"),
        ("cid_font.pdf", "PDF 文字层无法正确提取"),
        ("broken.docx", "文件损坏"),
        ("picture.png", "不支持的格式（.png）"),
        ("old.doc", "请另存为 .docx"),
        ("setup.exe", "不支持的格式（.exe）"),
        ("attachments.zip", "不支持的格式（.zip）"),
        ("really_binary.txt", "二进制文件"),
        ("dump.jsonl#3", "第 3 行无效（不是有效的 JSON"),
        ("dump.jsonl#5", "第 5 行无效（缺少正文字段（text、content、full_text））"),
    ] {
        assert!(reason_of(file).contains(reason), "{file}: {}", reason_of(file));
    }
    assert!(b.summary.contains("跳过 10 个"), "{}", b.summary);
    assert!(!b.summary.contains("shimen.json"), "a sidecar is not a skipped file: {}", b.summary);
}

#[test]
fn chrome_and_spam_are_not_searchable() {
    let b = built();
    for phrase in NEVER {
        // No report holds the phrase (the looser fallback may match its words apart).
        let (_, r) = search_json(&b.index, &["--literal", phrase]);
        assert!(r["total"] == 0 || r["match"] == "loose", "{phrase} found: {r}");
    }
    // Report sentences that mention printing and sharing are kept.
    let (_, r) = search_json(&b.index, &["统一打印"]);
    assert_eq!(hit_files(&r), set(&["qingshan_page.html"]));
    let (_, r) = search_json(&b.index, &["打印好的普法资料"]);
    assert_eq!(hit_files(&r), set(&["saved_page.txt"]));
    let (_, r) = search_json(&b.index, &["分享以案释法案例"]);
    assert_eq!(hit_files(&r), set(&["qingshan_page.html"]));
}

#[test]
fn report_text_of_every_format_is_found_with_clean_snippets() {
    let b = built();
    let (code, r) = search_json(&b.index, &["枫桥经验"]);
    assert_eq!(code, 0);
    assert_eq!(
        hit_files(&r),
        set(&[
            "qingshan_page.html",
            "report.pdf",
            "shimen.docx",
            "saved_page.txt",
            "dump.jsonl#1",
            "dump.jsonl#2",
            "dump.jsonl#4"
        ])
    );
    for h in r["hits"].as_array().unwrap() {
        for s in h["snippets"].as_array().unwrap() {
            let text = s["text"].as_str().unwrap();
            assert!(NEVER.iter().all(|p| !text.contains(p)), "chrome in snippet {text}");
        }
        // The whole stored text, not just the snippets, is free of chrome.
        let shown = show(&b.index, h["id"].as_str().unwrap());
        let text = shown["text"].as_str().unwrap();
        assert!(NEVER.iter().all(|p| !text.contains(p)), "chrome in {}: {text}", h["path"]);
    }
    for (phrase, file) in [
        ("法律明白人队伍", "qingshan_page.html"),
        ("合法性审查覆盖率", "report.pdf"),
        ("出庭应诉率", "shimen.docx"),
        ("行政规范性文件合法性审核", "shimen.docx"),
        ("人民调解组织", "saved_page.txt"),
        ("公职律师制度", "dump.jsonl#1"),
        ("行政复议决定书网上公开", "dump.jsonl#2"),
        ("综合行政执法改革", "dump.jsonl#4"),
    ] {
        let (_, r) = search_json(&b.index, &[phrase]);
        assert_eq!(hit_files(&r), set(&[file]), "{phrase}");
    }
    // The truncated line 3 of the dump is not indexed.
    let (code, _) = search_json(&b.index, &["第三行被截断"]);
    assert_eq!(code, 1);
}

#[test]
fn hints_and_record_fields_become_metadata() {
    let b = built();
    let (_, r) = search_json(&b.index, &["枫桥经验"]);

    // The page's <title> without its site name, and its PubDate.
    let page = hit(&r, "qingshan_page.html");
    assert_eq!(page["title"], "青山镇2023年法治政府建设情况报告");
    assert_eq!(page["publish_date"], "2024-03-15");
    assert_eq!(page["year"], 2023);
    let shown = show(&b.index, page["id"].as_str().unwrap());
    assert!(shown["evidence"]["title"].as_str().unwrap().contains("<title>"), "{shown}");

    // The docx's text gives its title; its sidecar gives the date.
    let doc = hit(&r, "shimen.docx");
    assert_eq!(doc["title"], DOCX_TITLE);
    assert_eq!(doc["publish_date"], "2024-02-01");

    // JSON Lines fields are overrides; the text fills the rest.
    let first = hit(&r, "dump.jsonl#1");
    assert_eq!(
        (first["title"].as_str(), first["year"].as_i64()),
        (Some("东林乡2021年法治政府建设情况报告"), Some(2021))
    );
    assert_eq!(first["province"], "浙江省");
    let shown = show(&b.index, first["id"].as_str().unwrap());
    assert!(shown["evidence"]["year"].as_str().unwrap().contains("dump.jsonl 第 1 行"), "{shown}");
    assert!(shown["evidence"]["source"].as_str().unwrap().contains("http://www.example.gov.cn/dlx/2022/t1.html"));
    assert!(shown["path"].as_str().unwrap().ends_with("dump.jsonl#1"));
    let second = hit(&r, "dump.jsonl#2");
    assert_eq!((second["publish_date"].as_str(), second["year"].as_i64()), (Some("2023-04-01"), Some(2022)));
    assert_eq!(second["title"], "河西街道2022年法治政府建设工作报告");
    let fourth = hit(&r, "dump.jsonl#4");
    assert_eq!((fourth["unit"].as_str(), fourth["level"].as_str()), (Some("南岭县司法局"), Some("县级")));

    // A report's own publishing line stays as metadata, without its buttons.
    let txt = hit(&r, "saved_page.txt");
    assert_eq!(txt["publish_date"], "2024-01-20");
    let shown = show(&b.index, txt["id"].as_str().unwrap());
    assert!(shown["text"].as_str().unwrap().contains("发布时间：2024-01-20 10:15 来源：白沙镇人民政府"), "{shown}");
}

#[test]
fn extract_reads_every_format() {
    let root = scratch("formats-extract");
    write_corpus(&root);
    let files = ["qingshan_page.html", "shimen.docx", "report.pdf", "dump.jsonl", "cid_font.pdf"];
    let out = fazhi().arg("extract").args(["--format", "jsonl"]).args(files.map(|f| root.join(f))).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "an unreadable file is reported");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cid_font.pdf：PDF 文字层无法正确提取"), "{stderr}");
    assert!(stderr.contains("dump.jsonl#3：第 3 行无效"), "{stderr}");
    assert!(!stderr.contains("panicked"), "a PDF crate's panic is not printed: {stderr}");
    let records: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let paths: Vec<String> = records
        .iter()
        .map(|r| Path::new(r["path"].as_str().unwrap()).file_name().unwrap().to_string_lossy().to_string())
        .collect();
    assert_eq!(
        paths,
        ["qingshan_page.html", "shimen.docx", "report.pdf", "dump.jsonl#1", "dump.jsonl#2", "dump.jsonl#4"]
    );
    assert_eq!(records[0]["publish_date"], "2024-03-15");
    assert_eq!(records[2]["title"], "溪口乡2022年法治政府建设工作报告");
}

#[test]
fn dump_lines_follow_the_file() {
    let root = scratch("formats-jsonl");
    let (corpus, index) = (root.join("corpus"), root.join("index"));
    fs::create_dir_all(&corpus).unwrap();
    let dump = corpus.join("dump.jsonl");
    let line = |town: &str, phrase: &str| {
        serde_json::json!({"text": format!("{town}2023年法治政府建设情况报告\n2023年，{town}{phrase}。")}).to_string()
    };
    fs::write(
        &dump,
        [line("甲镇", "推行柔性执法"), line("乙镇", "建设法治广场"), line("丙镇", "开展送法下乡")].join("\n"),
    )
    .unwrap();
    fazhi().arg("index").arg(&corpus).arg("--index").arg(&index).assert().success();
    let again = fazhi().arg("index").arg(&corpus).arg("--index").arg(&index).output().unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("已索引 0 篇，未变 3 篇"));

    // Line 2 removed: its report goes, line 3 (now line 2) keeps its text.
    fs::write(&dump, [line("甲镇", "推行柔性执法"), line("丙镇", "开展送法下乡")].join("\n")).unwrap();
    fazhi().arg("index").arg(&corpus).arg("--index").arg(&index).assert().success();
    let (code, _) = search_json(&index, &["建设法治广场"]);
    assert_eq!(code, 1, "a line gone from the dump is gone from the index");
    let (_, r) = search_json(&index, &["开展送法下乡"]);
    assert_eq!(hit_files(&r), set(&["dump.jsonl#2"]));
    let (_, r) = search_json(&index, &["法治政府建设"]);
    assert_eq!(r["total"], 2);
}

#[test]
fn hostile_inputs_are_reasons_not_crashes() {
    let root = scratch("formats-hostile");
    let (corpus, index) = (root.join("corpus"), root.join("index"));
    fs::create_dir_all(&corpus).unwrap();
    // 5 MB on one line, as text and as a page.
    let sentence = "坚持和发展新时代“枫桥经验”，推进矛盾纠纷就地化解，";
    let long = sentence.repeat(5 * 1024 * 1024 / sentence.len());
    fs::write(corpus.join("one_line.txt"), &long).unwrap();
    fs::write(corpus.join("one_line.html"), format!("<html><body><p>{long}</p></body></html>")).unwrap();
    fs::write(corpus.join("tags.html"), "<html><body><div><p><table><tr><td>未闭合<<<>>>&&&;</div>".repeat(1000))
        .unwrap();
    fs::write(
        corpus.join("chrome_only.html"),
        "<html><body><div class=nav><a href=/>首页</a></div>分享到</body></html>",
    )
    .unwrap();
    let pdf = fs::read(fixture("report.pdf")).unwrap();
    fs::write(corpus.join("truncated.pdf"), &pdf[..pdf.len() / 3]).unwrap();
    let mut not_xml = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    not_xml.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).unwrap();
    not_xml.write_all(b"<w:document><w:body><w:p><w:t>\xFF\xFE</w:p></oops>").unwrap();
    fs::write(corpus.join("not_xml.docx"), not_xml.finish().unwrap().into_inner()).unwrap();
    fs::write(corpus.join("unbalanced.html"), hostile::unbalanced_html()).unwrap();
    fs::write(corpus.join("inline.html"), hostile::inline_html()).unwrap();
    fs::write(corpus.join("bomb.docx"), hostile::docx_bomb()).unwrap();
    // A huge file is refused by its size, without being read (sparse: no disk used).
    fs::File::create(corpus.join("huge.pdf")).unwrap().set_len(1 << 30).unwrap();
    fs::write(corpus.join("empty.jsonl"), "\n\n").unwrap();

    let start = std::time::Instant::now();
    let out = fazhi().arg("index").arg(&corpus).arg("--index").arg(&index).output().unwrap();
    let summary = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    assert!(!summary.contains("panicked") && !summary.contains("内部错误"), "{summary}");
    // Generous: each of these took minutes before (the run is ~2 s).
    assert!(start.elapsed() < std::time::Duration::from_secs(60), "{:?}", start.elapsed());
    assert_skipped(
        &summary,
        &[
            ("truncated.pdf", "文件损坏"),
            ("not_xml.docx", "文件损坏"),
            ("bomb.docx", "文件过于复杂"),
            ("unbalanced.html", "文件过于复杂"),
            ("huge.pdf", "文件过大"),
            ("chrome_only.html", "没有正文"),
            ("empty.jsonl", "空文件"),
        ],
    );
    let (_, r) = search_json(&index, &["枫桥经验"]);
    // The same long line as text and as a page: one report, the other its repost.
    let hit = r["hits"].as_array().unwrap().iter().find(|h| h["path"].as_str().unwrap().contains("one_line."));
    let hit = hit.unwrap_or_else(|| panic!("no one_line hit: {:?}", hit_files(&r)));
    let mut both = vec![hit["path"].as_str().unwrap().to_string()];
    both.extend(hit["duplicates"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_string()));
    let names: std::collections::BTreeSet<String> =
        both.iter().map(|p| p.rsplit('/').next().unwrap().to_string()).collect();
    assert_eq!(names, ["one_line.html", "one_line.txt"].map(String::from).into());
}
