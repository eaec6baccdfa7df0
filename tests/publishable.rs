//! Counts and exports a researcher can publish: complete (`--all`, and a
//! word on stderr when a page cuts the answer), exact unless `--loose` is
//! asked for, and the demo index never mixed into a user's own.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// `fazhi` with a data dir of its own: the default index starts absent.
fn fresh(home: &Path) -> assert_cmd::Command {
    let mut cmd = fazhi();
    cmd.env("XDG_DATA_HOME", home.join("data")).env("HOME", home);
    cmd
}

#[test]
fn all_writes_every_match_and_a_cut_page_says_so() {
    let (_, full) = search_json(bundled_index(), &["法治"]);
    let total = full["total"].as_u64().unwrap() as usize;
    assert!(total > 2, "the bundled corpus has more than two reports with 法治");
    let out =
        fazhi().args(["search", "法治", "--all", "--format", "csv", "--index"]).arg(bundled_index()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let mut csv = csv::Reader::from_reader(&out.stdout[..]);
    assert_eq!(csv.records().count(), total, "one data row per matching report");
    assert!(out.stderr.is_empty(), "nothing cut, nothing said: {}", String::from_utf8_lossy(&out.stderr));
    // A page of two: the rest is named on stderr, in every machine format.
    for format in ["csv", "jsonl", "json"] {
        let out = fazhi()
            .args(["search", "法治", "-n", "2", "--format", format, "--index"])
            .arg(bundled_index())
            .output()
            .unwrap();
        let line = one_line(&out.stderr);
        assert!(
            line.contains(&format!("共 {total} 篇，只输出了前 2 篇")) && line.contains("--all"),
            "{format}: {line}"
        );
    }
    // `--all` with nothing else lists every report.
    let out = fazhi().args(["search", "--all", "--format", "jsonl", "--index"]).arg(bundled_index()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stats = fazhi().args(["stats", "--format", "json", "--index"]).arg(bundled_index()).output().unwrap();
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count() as u64, stats["documents"].as_u64().unwrap());
}

#[test]
fn counts_and_machine_formats_are_exact_unless_loose_is_asked_for() {
    // 依法 and 治镇 both occur in 永平镇's report, never as 治镇依法.
    let (code, exact) = search_json(bundled_index(), &["治镇依法"]);
    assert_eq!((code, exact["match"].as_str(), exact["total"].as_u64()), (1, Some("exact"), Some(0)));
    let (code, loose) = search_json(bundled_index(), &["治镇依法", "--loose"]);
    assert_eq!((code, loose["match"].as_str()), (0, Some("loose")));
    assert!(hit_files(&loose).contains(YONGPING));
    // Counts: exact, so nothing to count.
    for args in [
        &["search", "治镇依法", "--facets", "--format", "json"][..],
        &["search", "治镇依法", "--pivot", "region,year", "--format", "csv"],
        &["facets", "治镇依法", "--format", "json"],
    ] {
        let out = fazhi().args(args).arg("--index").arg(bundled_index()).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
    }
    // A person reading text gets the looser match, said on stderr and in the closing line.
    let out = fazhi().args(["search", "治镇依法", "--index"]).arg(bundled_index()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("宽松匹配"));
    assert!(one_line(&out.stderr).contains("宽松匹配"));
    // A loose JSON answer, when asked for, is said on stderr too.
    let out = fazhi()
        .args(["search", "治镇依法", "--loose", "--format", "json", "--index"])
        .arg(bundled_index())
        .output()
        .unwrap();
    assert!(one_line(&out.stderr).contains("宽松匹配"));
    // Batch: exact unless the line says `loose`.
    let input = "治镇依法\n{\"query\": \"治镇依法\", \"loose\": true}\n";
    let out = fazhi().args(["batch", "--index"]).arg(bundled_index()).write_stdin(input).output().unwrap();
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!((lines[0]["match"].as_str(), lines[0]["total"].as_u64()), (Some("exact"), Some(0)));
    assert_eq!(lines[1]["match"], "loose");
    assert_eq!(lines[1]["total"], loose["total"]);
    assert!(one_line(&out.stderr).contains("1 个查询"));
}

#[test]
fn the_demo_gives_way_to_the_users_reports() {
    let home = scratch("demo-home");
    let corpus = home.join("reports");
    fs::create_dir_all(&corpus).unwrap();
    for name in [DONGFENG, TAOZHUANG] {
        fs::copy(bundled_corpus().join(name), corpus.join(name)).unwrap();
    }
    // The first search builds the demo, which says what it is.
    let out = fresh(&home).args(["search", "法治"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("演示索引"));
    // Its reports are the binary's own, written out in the data dir, not the source tree's.
    let out = fresh(&home).args(["search", "法治", "--all", "--format", "jsonl", "--fields", "path"]).output().unwrap();
    let demo_corpus = home.join("data/fazhi/demo-corpus");
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(Path::new(v["path"].as_str().unwrap()).starts_with(&demo_corpus), "{line}");
    }
    let stats = |home: &Path| -> serde_json::Value {
        let out = fresh(home).args(["stats", "--format", "json"]).output().unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let demo = stats(&home);
    assert_eq!(demo["demo"], true);
    assert_eq!(demo["documents"].as_u64(), Some(fs::read_dir(bundled_corpus()).unwrap().count() as u64));

    // A typo: exit 2 naming it, and the demo untouched.
    let out = fresh(&home).args(["index"]).arg(home.join("no-such-folder")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line(&out.stderr).contains("no-such-folder"));
    assert_eq!(stats(&home)["documents"], demo["documents"]);

    // The user's folder replaces the demo, and says so.
    let out = fresh(&home).arg("index").arg(&corpus).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("演示"));
    let own = stats(&home);
    assert_eq!((own["demo"].as_bool(), own["documents"].as_u64()), (Some(false), Some(2)));
    let out = fresh(&home).args(["search", "法治", "--format", "json"]).output().unwrap();
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hit_files(&answer), set(&[DONGFENG, TAOZHUANG]));

    // `fazhi index` with no PATH reads that folder again, never the demo.
    fs::copy(bundled_corpus().join(GUTANG), corpus.join(GUTANG)).unwrap();
    let out = fresh(&home).arg("index").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stats(&home)["documents"].as_u64(), Some(3));

    // A typo never makes an index where there was none.
    let elsewhere = home.join("new-index");
    let out = fresh(&home).arg("index").arg(home.join("typo")).arg("--index").arg(&elsewhere).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!elsewhere.exists());
    // Nor does `fazhi index` with no PATH where there is no index.
    let out = fresh(&home).arg("index").arg("--index").arg(&elsewhere).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line(&out.stderr).contains("fazhi index"));
    assert!(!elsewhere.exists());
}

#[test]
fn place_words_are_filters_only_where_the_index_holds_that_place_and_the_answer_says_how() {
    let root = scratch("interpretation");
    let corpus = root.join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    // 陶庄镇 (江苏省泰州市兴化市), and 东风 with a sentence about 杭州 added.
    fs::copy(bundled_corpus().join(TAOZHUANG), corpus.join(TAOZHUANG)).unwrap();
    let dongfeng = fs::read_to_string(bundled_corpus().join(DONGFENG)).unwrap();
    fs::write(corpus.join(DONGFENG), format!("{dongfeng}\n学习借鉴杭州市余杭区“枫桥经验”做法。\n")).unwrap();
    let index = root.join("index");
    fazhi().arg("index").arg(&corpus).arg("--index").arg(&index).assert().success();
    let read = |answer: &serde_json::Value| -> Vec<(String, String)> {
        answer["interpretation"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["word"].as_str().unwrap().to_string(), r["as"].as_str().unwrap().to_string()))
            .collect()
    };
    let pair = |w: &str, a: &str| (w.to_string(), a.to_string());

    // No report is from 杭州: the word is text, and finds the report that says it (grep agrees).
    let (code, answer) = search_json(&index, &["杭州 法治"]);
    assert_eq!(code, 0);
    assert_eq!(hit_files(&answer), set(&[DONGFENG]));
    assert_eq!(read(&answer), vec![pair("杭州", "text"), pair("法治", "text")]);
    // 江苏 is held: a filter, said so in JSON and in the text line.
    let (_, answer) = search_json(&index, &["江苏 法治"]);
    assert_eq!(hit_files(&answer), set(&[TAOZHUANG]));
    assert_eq!(read(&answer), vec![pair("江苏", "region"), pair("法治", "text")]);
    let out = fazhi().args(["search", "江苏 法治", "--index"]).arg(&index).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("理解为：地区=江苏省；检索词=法治（原样检索请加 --literal）"), "{text}");
    // A county's full name held by the index is a filter; its short name is text.
    let (_, answer) = search_json(&index, &["兴化市 法治"]);
    assert_eq!(read(&answer)[0], pair("兴化市", "region"));
    assert_eq!(hit_files(&answer), set(&[TAOZHUANG]));
    let (_, answer) = search_json(&index, &["兴化 法治"]);
    assert_eq!(read(&answer)[0], pair("兴化", "text"));
    // --literal reads every word as text.
    let (_, answer) = search_json(&index, &["江苏 法治", "--literal"]);
    assert!(read(&answer).iter().all(|(_, a)| a == "text"));
}

#[test]
fn filters_alone_list_reports_without_a_score() {
    let (code, listed) = search_json(bundled_index(), &["-y", "2023"]);
    assert_eq!(code, 0);
    let hits = listed["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.iter().all(|h| h["score"].is_null() && h["year"] == 2023), "{listed}");
    let (_, ranked) = search_json(bundled_index(), &["法治", "-y", "2023"]);
    assert!(ranked["hits"].as_array().unwrap().iter().all(|h| h["score"].is_f64()));
    assert_eq!(ranked["total"], listed["total"], "every 2023 report mentions 法治");
    let out = fazhi().args(["search", "-y", "2023", "--index"]).arg(bundled_index()).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("得分"));
}

#[test]
fn export_writes_every_report_with_its_metadata_confidence_source_and_text() {
    let root = scratch("export");
    let corpus = root.join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    for name in [DONGFENG, TAOZHUANG, GUTANG] {
        fs::copy(bundled_corpus().join(name), corpus.join(name)).unwrap();
    }
    // A scraped record with its url, and a repost of 陶庄's report.
    let panlong = fs::read_to_string(bundled_corpus().join(PANLONG)).unwrap();
    let line = serde_json::json!({"text": panlong, "url": "https://example.gov.cn/a/1.html"});
    fs::write(corpus.join("dump.jsonl"), format!("{line}\n")).unwrap();
    fs::copy(bundled_corpus().join(TAOZHUANG), corpus.join("repost.txt")).unwrap();
    let index = root.join("index");
    fazhi().arg("index").arg(&corpus).arg("--index").arg(&index).assert().success();

    let export = |args: &[&str]| -> (i32, Vec<serde_json::Value>) {
        let out = fazhi().arg("export").args(args).args(["--format", "jsonl", "--index"]).arg(&index).output().unwrap();
        let lines = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        (out.status.code().unwrap(), lines)
    };
    // Everything: one record per report (reposts folded in, as in search).
    let (code, all) = export(&["--text"]);
    assert_eq!(code, 0);
    let (_, listed) = search_json(&index, &["--all"]);
    assert_eq!(all.len() as u64, listed["total"].as_u64().unwrap());
    assert_eq!(all.len(), 4);
    for record in &all {
        // The same report as `show` gives it: metadata, confidence, text.
        let id = record["id"].as_str().unwrap();
        let out = fazhi().args(["show", id, "--format", "json", "--index"]).arg(&index).output().unwrap();
        let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for field in
            ["path", "title", "unit", "province", "city", "county", "township", "level", "year", "publish_date"]
        {
            assert_eq!(record[field], shown[field], "{id} {field}");
        }
        assert_eq!(record["text"], shown["text"]);
        let confidence = shown["confidence"]["year"].as_f64().unwrap();
        assert!((record["year_confidence"].as_f64().unwrap() - confidence).abs() < 0.005);
    }
    let by_path = |end: &str| all.iter().find(|r| r["path"].as_str().unwrap().ends_with(end)).unwrap().clone();
    assert_eq!(by_path("dump.jsonl#1")["url"], "https://example.gov.cn/a/1.html");
    assert!(by_path(TAOZHUANG)["duplicates"].as_array().unwrap()[0].as_str().unwrap().ends_with("repost.txt"));
    // Search hits carry the url too.
    let (_, hits) = search_json(&index, &["--all", "-r", "云南"]);
    assert_eq!(hits["hits"][0]["url"], "https://example.gov.cn/a/1.html");

    // A query: exactly the reports a search finds, all of them.
    let (_, matched) = export(&["枫桥经验"]);
    let (_, searched) = search_json(&index, &["枫桥经验"]);
    let paths = |list: &[serde_json::Value]| -> std::collections::BTreeSet<String> {
        list.iter().map(|r| r["path"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(paths(&matched), paths(searched["hits"].as_array().unwrap()));
    // Nothing: exit 1; CSV: the header row only, the JSON names, BOM when asked.
    let (code, none) = export(&["治镇依法"]);
    assert_eq!((code, none.len()), (1, 0));
    let out = fazhi().args(["export", "-y", "2023", "--bom", "--index"]).arg(&index).output().unwrap();
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBF"));
    let mut csv = csv::Reader::from_reader(&out.stdout[3..]);
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..4], ["id", "path", "url", "title"]);
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    let (_, in_2023) = search_json(&index, &["-y", "2023"]);
    assert_eq!(rows.len() as u64, in_2023["total"].as_u64().unwrap());
    let url = header.iter().position(|h| h == "url").unwrap();
    assert!(rows.iter().all(|r| r[url].is_empty() || r[url].starts_with("https://")), "unknown is an empty cell");
}

#[test]
fn facets_csv_has_the_json_names_and_the_json_counts() {
    let run = |format: &str| {
        fazhi().args(["facets", "--by", "year", "--format", format, "--index"]).arg(bundled_index()).output().unwrap()
    };
    let json: serde_json::Value = serde_json::from_slice(&run("json").stdout).unwrap();
    let out = run("csv");
    let mut csv = csv::Reader::from_reader(&out.stdout[..]);
    assert_eq!(csv.headers().unwrap().iter().collect::<Vec<_>>(), ["value", "count"]);
    let rows: Vec<(String, u64)> =
        csv.records().map(|r| r.unwrap()).map(|r| (r[0].to_string(), r[1].parse().unwrap())).collect();
    let buckets: Vec<(String, u64)> = json["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["value"].as_str().unwrap_or("").to_string(), b["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(rows, buckets);
    assert!(rows.iter().any(|(v, _)| v.is_empty()), "the bundled corpus has a report of unknown year: an empty cell");
}

/// A folder of the bundled reports and the extraction fixtures: texts
/// whose metadata is found with varied confidence.
fn varied_index() -> std::path::PathBuf {
    let dir = scratch("varied");
    let docs = dir.join("docs");
    fs::create_dir_all(&docs).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extract");
    for from in [bundled_corpus(), fixtures] {
        for entry in fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                fs::copy(&path, docs.join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    let index = dir.join("index");
    fazhi().arg("index").arg(&docs).arg("--index").arg(&index).assert().success();
    index
}

#[test]
fn min_confidence_keeps_exactly_the_reports_whose_region_level_and_year_are_that_sure() {
    let index = varied_index();
    // The brute force reads what export prints: each field and its confidence.
    let out = fazhi().args(["export", "--format", "jsonl", "--index"]).arg(&index).output().unwrap();
    let records: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let sure = |r: &serde_json::Value, field: &str| -> f64 {
        if r[field].is_null() {
            0.0
        } else {
            r[format!("{field}_confidence")].as_f64().unwrap()
        }
    };
    let least = |r: &serde_json::Value| -> f64 {
        let region = if r["province"].is_null() {
            0.0
        } else {
            ["province", "city", "county", "township"]
                .iter()
                .filter(|f| !r[**f].is_null())
                .map(|f| sure(r, f))
                .fold(1.0, f64::min)
        };
        region.min(sure(r, "level")).min(sure(r, "year"))
    };
    let mut kept_sizes = std::collections::BTreeSet::new();
    for threshold in [0.0, 0.3, 0.5, 0.75, 0.8, 0.9, 0.95, 1.0] {
        let want: std::collections::BTreeSet<String> = records
            .iter()
            .filter(|r| least(r) >= threshold - 1e-6)
            .map(|r| r["path"].as_str().unwrap().to_string())
            .collect();
        let arg = threshold.to_string();
        let (code, answer) = search_json(&index, &["--all", "--min-confidence", &arg]);
        let got: std::collections::BTreeSet<String> =
            answer["hits"].as_array().unwrap().iter().map(|h| h["path"].as_str().unwrap().to_string()).collect();
        assert_eq!(got, want, "--min-confidence {threshold}");
        assert_eq!(code, if want.is_empty() { 1 } else { 0 });
        assert_eq!(answer["filters"]["min_confidence"][0].as_str(), Some(arg.as_str()));
        // export and facets keep the same reports.
        let out = fazhi()
            .args(["export", "--format", "jsonl", "--min-confidence", &arg, "--index"])
            .arg(&index)
            .output()
            .unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), want.len());
        kept_sizes.insert(want.len());
    }
    assert!(kept_sizes.len() >= 3, "the thresholds split the reports in several ways: {kept_sizes:?}");
    for bad in ["1.5", "-0.1", "高"] {
        let out = fazhi().args(["search", "法治", "--min-confidence", bad, "--index"]).arg(&index).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
}

/// The type a fixture of tests/fixtures/doc_type is, by its name's prefix.
fn fixture_type(file: &str) -> &'static str {
    match file.split('_').next() {
        Some("rol") => "法治政府建设报告",
        Some("gwr") => "政府工作报告",
        Some("interp") => "政策解读",
        Some("other") => "其他",
        _ => panic!("fixture {file} has no type prefix"),
    }
}

#[test]
fn report_type_is_a_field_a_filter_a_facet_and_a_pivot_dimension() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/doc_type");
    let index = scratch("doc-type").join("index");
    fazhi().arg("index").arg(&docs).arg("--index").arg(&index).assert().success();
    // Every fixture gets the type its name says, in export and in hits.
    let out = fazhi().args(["export", "--format", "jsonl", "--index"]).arg(&index).output().unwrap();
    let records: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut by_type: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = Default::default();
    for r in &records {
        let path = r["path"].as_str().unwrap();
        let file = Path::new(path).file_name().unwrap().to_str().unwrap();
        assert_eq!(r["type"].as_str(), Some(fixture_type(file)), "{file}");
        assert!(r["type_confidence"].as_f64().unwrap() > 0.0, "{file}");
        by_type.entry(fixture_type(file).to_string()).or_default().insert(path.to_string());
    }
    assert_eq!(by_type.len(), 4, "fixtures of every type");
    for (kind, paths) in &by_type {
        // -t, its short form and inline type: keep exactly those reports.
        let short = match kind.as_str() {
            "法治政府建设报告" => "法治",
            "政府工作报告" => "工作报告",
            "政策解读" => "解读",
            _ => "其他",
        };
        let inline = format!("type:{kind}");
        for args in [vec!["--all", "-t", kind.as_str()], vec!["--all", "-t", short], vec!["--all", inline.as_str()]] {
            let (code, answer) = search_json(&index, &args);
            assert_eq!(code, 0, "{args:?}");
            let got: std::collections::BTreeSet<String> =
                answer["hits"].as_array().unwrap().iter().map(|h| h["path"].as_str().unwrap().to_string()).collect();
            assert_eq!(&got, paths, "{args:?}");
            assert!(answer["hits"].as_array().unwrap().iter().all(|h| h["type"] == kind.as_str()));
            assert_eq!(answer["filters"]["type"][0].as_str(), Some(kind.as_str()), "{args:?}");
        }
    }
    // Facets and a pivot count the same.
    let (_, answer) = search_json(&index, &["--all", "--facets", "--pivot", "type,year"]);
    for b in answer["facets"]["type"].as_array().unwrap() {
        assert_eq!(b["count"].as_u64().unwrap() as usize, by_type[b["value"].as_str().unwrap()].len());
    }
    let p = &answer["pivot"];
    for (i, kind) in p["row_values"].as_array().unwrap().iter().enumerate() {
        assert_eq!(p["row_totals"][i].as_u64().unwrap() as usize, by_type[kind.as_str().unwrap()].len());
    }
    // A type that is none of them is refused, naming the four.
    let out = fazhi().args(["search", "法治", "-t", "新闻", "--index"]).arg(&index).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line(&out.stderr).contains("政策解读"));
}

/// Sets the fingerprint in an index's marker, as an older fazhi wrote it.
fn age(index: &Path) {
    let marker = index.join("fazhi-index.json");
    let mut m: serde_json::Value = serde_json::from_slice(&fs::read(&marker).unwrap()).unwrap();
    m["fingerprint"] = "an-older-fazhi".into();
    fs::write(&marker, m.to_string()).unwrap();
}

#[test]
fn a_demo_from_an_older_fazhi_is_built_again_a_users_index_never() {
    let home = scratch("old-demo-home");
    let out = fresh(&home).args(["search", "法治"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let demo = home.join("data/fazhi/index");
    age(&demo);
    let out = fresh(&home).args(["search", "法治", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("旧版"));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(answer["total"].as_u64().unwrap() > 0);
    // A user's own index from an older fazhi is theirs: it asks for a rebuild, untouched.
    let own = home.join("own");
    fazhi().arg("index").arg(bundled_corpus()).arg("--index").arg(&own).assert().success();
    age(&own);
    let before = fs::read(own.join("fazhi-index.json")).unwrap();
    let out = fazhi().args(["search", "法治", "--index"]).arg(&own).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line(&out.stderr).contains("--rebuild"));
    assert_eq!(fs::read(own.join("fazhi-index.json")).unwrap(), before);
}

#[test]
fn a_dump_with_years_as_text_and_its_text_under_other_names_loses_no_line() {
    let dir = scratch("string-years");
    let docs = dir.join("docs");
    fs::create_dir_all(&docs).unwrap();
    // Lines of the bundled reports, each record a different way of writing the year and text.
    let sentences: Vec<String> = fs::read_dir(bundled_corpus())
        .unwrap()
        .flat_map(|e| fs::read_to_string(e.unwrap().path()).unwrap().lines().map(str::to_string).collect::<Vec<_>>())
        .filter(|l| l.chars().count() > 30)
        .take(24)
        .collect();
    let mut dump = String::new();
    let mut want = Vec::new();
    for (i, text) in sentences.iter().enumerate() {
        let year = 2018 + (i % 6) as i64;
        let year_value = match i % 3 {
            0 => serde_json::json!(year),
            1 => serde_json::json!(year.to_string()),
            _ => serde_json::json!(format!("{year}年")),
        };
        let field = ["text", "content", "full_text"][i % 3];
        dump.push_str(
            &serde_json::json!({ field: text, "year": year_value, "url": format!("http://x/{i}") }).to_string(),
        );
        dump.push('\n');
        want.push((format!("http://x/{i}"), year));
    }
    fs::write(docs.join("dump.jsonl"), dump).unwrap();
    let index = dir.join("index");
    let out = fazhi().arg("index").arg(&docs).arg("--index").arg(&index).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("跳过 1"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = fazhi().args(["export", "--format", "jsonl", "--index"]).arg(&index).output().unwrap();
    let mut got: Vec<(String, i64)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let r: serde_json::Value = serde_json::from_str(l).unwrap();
            (r["url"].as_str().unwrap().to_string(), r["year"].as_i64().unwrap())
        })
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "every line indexed, each with the year it gave");
}

#[test]
fn show_takes_an_id_prefix_or_a_path_and_an_ambiguous_prefix_lists_its_reports() {
    // 8,000 short records: some six-digit id prefixes are shared.
    let dir = scratch("show-prefix");
    let docs = dir.join("docs");
    fs::create_dir_all(&docs).unwrap();
    let dump: String = (0..8000)
        .map(|i| {
            serde_json::json!({ "text": format!("第{i}号报告：推进法治政府建设，编号{}。", i * 7919) }).to_string()
                + "\n"
        })
        .collect();
    fs::write(docs.join("many.jsonl"), dump).unwrap();
    fs::copy(bundled_corpus().join(DONGFENG), docs.join(DONGFENG)).unwrap();
    let index = dir.join("index");
    fazhi().arg("index").arg(&docs).arg("--index").arg(&index).assert().success();
    let out = fazhi().args(["export", "--format", "jsonl", "--index"]).arg(&index).output().unwrap();
    let records: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let show = |key: &str| fazhi().args(["show", key, "--format", "json", "--index"]).arg(&index).output().unwrap();
    let mut by_prefix: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for r in &records {
        let id = r["id"].as_str().unwrap();
        by_prefix.entry(&id[..6]).or_default().push(id);
    }
    // A unique prefix, the whole id and the path (as indexed and as a file) name one report.
    let report = records.iter().find(|r| r["path"].as_str().unwrap().ends_with(DONGFENG)).unwrap();
    let id = report["id"].as_str().unwrap();
    assert_eq!(by_prefix[&id[..6]].len(), 1, "the bundled report's prefix is its own");
    let file = docs.join(DONGFENG);
    for key in [&id[..6], &id[..10], id, report["path"].as_str().unwrap(), file.to_str().unwrap()] {
        let out = show(key);
        assert_eq!(out.status.code(), Some(0), "{key}: {}", String::from_utf8_lossy(&out.stderr));
        let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(shown["id"].as_str(), Some(id), "{key}");
    }
    // A record of the dump by its path (FILE#LINE).
    let line = &records.iter().find(|r| r["path"].as_str().unwrap().ends_with("#17")).unwrap();
    let out = show(line["path"].as_str().unwrap());
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["id"], line["id"]);
    // A shared prefix: exit 2, one line naming every report that has it.
    let (prefix, ids) = by_prefix.iter().find(|(_, ids)| ids.len() > 1).expect("8,000 ids share some prefix");
    let out = show(prefix);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let line = one_line(&out.stderr);
    for id in ids {
        assert!(line.contains(id), "{line} lacks {id}");
    }
    // Too short, or nothing by that name.
    assert_eq!(show(&id[..5]).status.code(), Some(2));
    assert_eq!(show("no/such/report.txt").status.code(), Some(1));
    // Text shows every field, the type too; a format show cannot print is refused.
    let out = fazhi().args(["show", id, "--index"]).arg(&index).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&format!("类型：{}", report["type"].as_str().unwrap())), "{text}");
    for format in ["csv", "jsonl"] {
        let out = fazhi().args(["show", id, "--format", format, "--index"]).arg(&index).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
    }
}
