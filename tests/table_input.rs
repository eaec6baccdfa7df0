//! Tables as input, end to end through the binary: .csv, .json (an array
//! of objects) and .jsonl, one report per record keyed `FILE#N`, their
//! columns mapped by --text-field and the rest, in UTF-8 or GBK. What is
//! indexed is checked against the table read independently (the csv crate,
//! serde_json), never against fazhi's own output.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::{json, Value};

const PROVINCES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/table/provinces.csv");

/// The fixture's rows as the csv crate reads them: header → cell.
fn csv_rows(bytes: &[u8]) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    reader.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(str::to_string)).collect()).collect()
}

/// `fazhi index ARGS --index INDEX`: (exit code, stdout summary, stderr).
fn index(index: &Path, args: &[&str], paths: &[&Path]) -> (i32, String, String) {
    let out = fazhi().arg("index").args(paths).args(args).arg("--index").arg(index).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap(), stdout.to_string(), stderr.to_string())
}

/// Every report of the index as `export --format jsonl` gives it.
fn export(index: &Path) -> Vec<Value> {
    let out = fazhi().args(["export", "--format", "jsonl", "--text", "--index"]).arg(index).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn by_key<'a>(records: &'a [Value], key: &str) -> &'a Value {
    records
        .iter()
        .find(|r| r["path"].as_str().unwrap().ends_with(key))
        .unwrap_or_else(|| panic!("no report {key} in {records:?}"))
}

/// A year cell as a number: `2023` or `2023年`.
fn year(cell: &str) -> i64 {
    cell.trim_end_matches('年').parse().unwrap()
}

fn stats_total(index: &Path) -> u64 {
    let out = fazhi().args(["stats", "--format", "json", "--index"]).arg(index).output().unwrap();
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    stats["documents"].as_u64().unwrap_or_else(|| panic!("{stats}"))
}

#[test]
fn the_provincial_columns_index_every_row_with_its_year_url_and_date() {
    let (root, corpus) = workspace("table-provinces");
    fs::copy(PROVINCES, corpus.join("provinces.csv")).unwrap();
    let idx = root.join("index");
    let (code, summary, stderr) = index(&idx, &["--url-field", "source_url"], &[&corpus]);
    assert_eq!(code, 0, "{stderr}");
    let rows = csv_rows(&fs::read(PROVINCES).unwrap());
    assert!(rows.iter().any(|r| r["year"].ends_with('年')) && rows.iter().any(|r| !r["year"].ends_with('年')));
    assert!(summary.contains(&format!("已索引 {} 篇", rows.len())) && summary.contains("跳过 0 个"), "{summary}");
    assert_eq!(stats_total(&idx), rows.len() as u64);
    let records = export(&idx);
    assert_eq!(records.len(), rows.len());
    for (i, row) in rows.iter().enumerate() {
        let record = by_key(&records, &format!("provinces.csv#{}", i + 1));
        assert_eq!(record["year"], year(&row["year"]), "row {}", i + 1);
        assert_eq!(record["url"], row["source_url"].as_str());
        assert_eq!(record["publish_date"], row["publish_date"].as_str());
        assert_eq!(record["title"], row["title"].as_str());
        // `province` is a metadata field: the column is applied as it is.
        assert_eq!(record["province"], row["province"].as_str());
        // The text is the cell's, lines kept (cleaning only drops chrome).
        let longest = row["full_text"].lines().max_by_key(|l| l.chars().count()).unwrap();
        assert!(record["text"].as_str().unwrap().contains(longest.trim()), "row {}", i + 1);
    }
    // A term of one row finds that row only.
    let (code, hits) = search_json(&idx, &["古塘街道"]);
    assert_eq!(code, 0);
    let paths: Vec<&str> = hits["hits"].as_array().unwrap().iter().map(|h| h["path"].as_str().unwrap()).collect();
    let row = rows.iter().position(|r| r["full_text"].contains("古塘街道")).unwrap() + 1;
    assert!(paths.iter().all(|p| p.ends_with(&format!("provinces.csv#{row}"))) && !paths.is_empty(), "{paths:?}");
}

/// The fixture's texts, one per row, for tables written by the tests.
fn texts() -> Vec<String> {
    csv_rows(&fs::read(PROVINCES).unwrap()).into_iter().map(|r| r["full_text"].clone()).collect()
}

#[test]
fn a_json_array_and_json_lines_with_years_as_text_index_every_record() {
    let (root, corpus) = workspace("table-json");
    let texts = texts();
    let array = json!([
        {"text": texts[0], "year": "2021", "url": "http://a/1"},
        {"content": texts[1], "year": "2022年"},
        {"full_text": texts[2], "year": 2020},
    ]);
    fs::write(corpus.join("reports.json"), serde_json::to_string_pretty(&array).unwrap()).unwrap();
    let lines = [json!({"text": texts[3], "year": "2019年"}), json!({"text": texts[4], "year": "2018"})];
    fs::write(corpus.join("dump.jsonl"), lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    let idx = root.join("index");
    let (code, summary, stderr) = index(&idx, &[], &[&corpus]);
    assert_eq!(code, 0, "{stderr}");
    assert!(summary.contains("已索引 5 篇") && summary.contains("跳过 0 个"), "{summary}");
    let records = export(&idx);
    let year_of = |v: &Value| match v {
        Value::String(s) => year(s),
        v => v.as_i64().unwrap(),
    };
    for (i, object) in array.as_array().unwrap().iter().enumerate() {
        assert_eq!(by_key(&records, &format!("reports.json#{}", i + 1))["year"], year_of(&object["year"]));
    }
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(by_key(&records, &format!("dump.jsonl#{}", i + 1))["year"], year_of(&line["year"]));
    }
    assert_eq!(by_key(&records, "reports.json#1")["url"], "http://a/1");
}

#[test]
fn gbk_tables_index_and_their_chinese_is_found() {
    let (root, corpus) = workspace("table-gbk");
    // What GBK can write of each text (GB18030 has the rest).
    let texts: Vec<String> =
        texts().iter().map(|t| t.chars().filter(|c| !encoding_rs::GBK.encode(&c.to_string()).2).collect()).collect();
    let gbk = |s: &str| {
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(s);
        assert!(!unmappable, "the fixture is all GBK");
        bytes.into_owned()
    };
    // A different report in each file: the same text twice would be a repost.
    let mut table = csv::Writer::from_writer(Vec::new());
    table.write_record(["year", "full_text"]).unwrap();
    table.write_record(["2023年", &texts[0]]).unwrap();
    fs::write(corpus.join("gbk.csv"), gbk(&String::from_utf8(table.into_inner().unwrap()).unwrap())).unwrap();
    fs::write(corpus.join("gbk.json"), gbk(&json!([{"text": texts[1], "year": "2023"}]).to_string())).unwrap();
    fs::write(corpus.join("gbk.jsonl"), gbk(&format!("{}\n", json!({"text": texts[2], "year": 2022})))).unwrap();
    let idx = root.join("index");
    let (code, summary, stderr) = index(&idx, &[], &[&corpus]);
    assert_eq!(code, 0, "{stderr}");
    assert!(summary.contains("已索引 3 篇") && summary.contains("跳过 0 个"), "{summary}\n{stderr}");
    // A term of each report finds its file's record.
    for (text, key) in texts.iter().take(3).zip(["gbk.csv#1", "gbk.json#1", "gbk.jsonl#1"]) {
        let term: String = text.lines().find(|l| l.chars().count() > 30).unwrap().chars().skip(8).take(8).collect();
        let (code, hits) = search_json(&idx, &["--literal", &term]);
        assert_eq!(code, 0, "{term}");
        let paths: Vec<&str> = hits["hits"].as_array().unwrap().iter().map(|h| h["path"].as_str().unwrap()).collect();
        assert!(paths.iter().any(|p| p.ends_with(key)), "{term}: {paths:?}");
    }
    let records = export(&idx);
    assert_eq!(by_key(&records, "gbk.csv#1")["year"], 2023);
    assert_eq!(by_key(&records, "gbk.jsonl#1")["year"], 2022);
}

#[test]
fn a_record_without_its_text_is_skipped_naming_the_field_and_the_others_index() {
    let (root, corpus) = workspace("table-missing");
    let texts = texts();
    let lines = [json!({"body": texts[0]}), json!({"text": texts[1]}), json!({"body": texts[2]})];
    fs::write(corpus.join("dump.jsonl"), lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    fs::write(corpus.join("reports.json"), json!([{"body": texts[3]}, {"title": "无正文"}]).to_string()).unwrap();
    let mut table = csv::Writer::from_writer(Vec::new());
    table.write_record(["year", "body"]).unwrap();
    table.write_record(["2023", &texts[4]]).unwrap();
    table.write_record(["2023", " "]).unwrap();
    fs::write(corpus.join("rows.csv"), table.into_inner().unwrap()).unwrap();
    // No row of this one has the column: one reason for the file.
    fs::write(corpus.join("manifest.csv"), "province,url\n浙江省,http://a\n江苏省,http://b\n").unwrap();
    let idx = root.join("index");
    let (code, summary, stderr) = index(&idx, &["--text-field", "body"], &[&corpus]);
    assert_eq!(code, 0, "{stderr}");
    assert!(summary.contains("已索引 4 篇"), "{summary}");
    for (key, reason) in [
        ("dump.jsonl#2", "第 2 行无效（缺少正文字段（body））"),
        ("reports.json#2", "第 2 个对象无效（缺少正文字段（body））"),
        ("rows.csv#2", "第 2 行无效（body 为空）"),
        ("manifest.csv", "CSV 表头没有正文列（body），不是报告数据"),
    ] {
        assert!(stderr.lines().any(|l| l.contains(&format!("{key}：")) && l.contains(reason)), "{key}: {stderr}");
    }
    assert!(summary.contains("跳过 4 个"), "{summary}");
    assert_eq!(stats_total(&idx), 4);
    // Without the mapping the usual names are named.
    let out = fazhi().args(["extract", "--format", "jsonl"]).arg(corpus.join("reports.json")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("JSON 数组中没有一个对象带正文字段（text、content、full_text）"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn quoted_lines_a_bom_and_ragged_rows_do_not_panic() {
    let (root, corpus) = workspace("table-ragged");
    let texts = texts();
    // BOM, a header, a quoted cell over several lines with quotes inside,
    // a row short of a cell and one with a cell too many.
    let quoted = format!("{}\n他说：\"\"依法行政\"\"，第二行。", texts[0]);
    let csv = format!(
        "\u{FEFF}year,title,text\n2023,甲,\"{quoted}\"\n2023,乙\n2023,丙,正文,多余\n2022年,丁,\"{}\"\n",
        texts[1]
    );
    fs::write(corpus.join("ragged.csv"), csv).unwrap();
    // Broken files of all kinds: one reason each, never a panic.
    let broken: [(&str, &[u8]); 7] = [
        ("open_quote.csv", b"text\n\"never closed\n"),
        ("only_bom.csv", b"\xEF\xBB\xBF"),
        ("header_only.csv", b"text,year\n"),
        ("binary.csv", b"\x00\x01\x02text\x00\xff\xfe\x00"),
        ("object.json", br#"{"text": "not an array"}"#),
        ("truncated.json", br#"[{"text": "a"}, {"text": "#),
        ("deep.json", &[b'['; 4096]),
    ];
    for (name, bytes) in broken {
        fs::write(corpus.join(name), bytes).unwrap();
    }
    let idx = root.join("index");
    let (code, summary, stderr) = index(&idx, &[], &[&corpus]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("ragged.csv#2：第 2 行无效（有 2 列，表头有 3 列）"), "{stderr}");
    assert!(stderr.contains("ragged.csv#3：第 3 行无效（有 4 列，表头有 3 列）"), "{stderr}");
    let records = export(&idx);
    let first = by_key(&records, "ragged.csv#1");
    // The BOM is not part of the first column's name: year and title apply.
    assert_eq!((first["year"].as_i64(), first["title"].as_str()), (Some(2023), Some("甲")));
    assert!(first["text"].as_str().unwrap().contains("他说：\"依法行政\"，第二行。"), "{first}");
    assert_eq!(by_key(&records, "ragged.csv#4")["year"], 2022);
    // Every broken file is named once (the unterminated quote is read as one cell).
    for (name, _) in broken.iter().filter(|(n, _)| *n != "open_quote.csv") {
        assert_eq!(stderr.lines().filter(|l| l.contains(&format!("{name}："))).count(), 1, "{name}: {stderr}");
    }
    assert!(summary.contains("已索引 3 篇"), "{summary}");
}

#[test]
fn custom_column_names_are_mapped_and_another_mapping_reads_the_table_again() {
    let (root, corpus) = workspace("table-mapped");
    let texts = texts();
    let mut table = csv::Writer::from_writer(Vec::new());
    table.write_record(["正文", "标题", "年度", "单位", "链接", "日期"]).unwrap();
    table.write_record([&texts[0], "自定义标题一", "2021年", "某某镇人民政府", "http://x/1", "2022-01-05"]).unwrap();
    table.write_record([&texts[1], "自定义标题二", "2020", "某某乡人民政府", "http://x/2", "2021-02-06"]).unwrap();
    let bytes = table.into_inner().unwrap();
    let file: PathBuf = corpus.join("mapped.csv");
    fs::write(&file, &bytes).unwrap();
    let flags = [
        "--text-field",
        "正文",
        "--title-field",
        "标题",
        "--year-field",
        "年度",
        "--unit-field",
        "单位",
        "--url-field",
        "链接",
        "--date-field",
        "日期",
    ];
    let idx = root.join("index");
    let (code, summary, stderr) = index(&idx, &flags, &[&corpus]);
    assert_eq!(code, 0, "{stderr}");
    assert!(summary.contains("已索引 2 篇") && summary.contains("跳过 0 个"), "{summary}");
    let rows = csv_rows(&bytes);
    let check = |records: &[Value], with_title: bool| {
        for (i, row) in rows.iter().enumerate() {
            let record = by_key(records, &format!("mapped.csv#{}", i + 1));
            assert_eq!(record["year"], year(&row["年度"]));
            assert_eq!(record["unit"], row["单位"].as_str());
            // Extract shows the url in the evidence; the index keeps it.
            match record.get("url") {
                Some(url) => assert_eq!(url, row["链接"].as_str()),
                None => assert!(record["evidence"]["source"].as_str().unwrap().contains(&row["链接"]), "{record}"),
            }
            assert_eq!(record["publish_date"], row["日期"].as_str());
            assert_eq!(record["title"] == row["标题"].as_str(), with_title, "{record}");
        }
    };
    check(&export(&idx), true);
    // `fazhi extract` reads the table the same way.
    let out = fazhi().args(["extract", "--format", "jsonl"]).args(flags).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let extracted: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    check(&extracted, true);

    // The same mapping again: nothing to read.
    let (_, summary, _) = index(&idx, &flags, &[&corpus]);
    assert!(summary.contains("已索引 0 篇，未变 2 篇"), "{summary}");
    // Another mapping (no title column): the table is read again, the
    // titles are the texts' own.
    let without_title = [&flags[..2], &flags[4..]].concat();
    let (_, summary, _) = index(&idx, &without_title, &[&corpus]);
    assert!(summary.contains("已索引 2 篇"), "{summary}");
    check(&export(&idx), false);
}
