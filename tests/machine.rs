//! The machine interface: `batch`, `--format jsonl|csv` with `--fields`,
//! `show`, `stats`, completions and man page, and the JSON Schema of the
//! search and batch output checked against real output.

mod common;

use common::*;
use serde_json::Value;

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/index-schema/search-output.schema.json"))
        .unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:?}\n{doc}");
}

fn batch(input: &str, extra: &[&str]) -> (i32, Vec<Value>) {
    let out = fazhi()
        .arg("batch")
        .arg("-")
        .args(extra)
        .arg("--index")
        .arg(bundled_index())
        .write_stdin(input)
        .output()
        .unwrap();
    let lines = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    (out.status.code().unwrap(), lines)
}

/// A search answer without its timing, for comparison.
fn untimed(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("took_ms");
        o.remove("id");
    }
    v
}

fn search(args: &[&str]) -> Value {
    let out =
        fazhi().arg("search").args(args).args(["--format", "json", "--index"]).arg(bundled_index()).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_bad_line_never_stops_the_batch() {
    let input = "枫桥经验\n\
                 # a comment, then a blank line\n\
                 \n\
                 {\"id\": \"q4\", \"query\": \"行政执法三项制度\", \"year\": \"2023\"}\n\
                 {\"query\": \"枫桥经验\", broken\n\
                 {\"query\": \"法律明白人\", \"limit\": 1, \"offset\": 1}\n\
                 {\"query\": \"公职律师\", \"colour\": \"red\"}\n\
                 浙江 依法行政\n\
                 {\"query\": \"枫桥经验\", \"year\": \"2023..2021\"}\n";
    let (code, lines) = batch(input, &[]);
    assert_eq!(code, 0);
    let ids: Vec<Value> = lines.iter().map(|l| l["id"].clone()).collect();
    assert_eq!(ids, serde_json::json!([1, "q4", 5, 6, 7, 8, 9]).as_array().unwrap().clone());
    assert!(lines[2]["error"].as_str().unwrap().contains("JSON"), "{}", lines[2]);
    assert!(lines[4]["error"].as_str().unwrap().contains("colour"), "{}", lines[4]);
    assert!(lines[6]["error"].as_str().unwrap().contains("2023..2021"), "{}", lines[6]);
    // Every other line equals the same search run on its own.
    assert_eq!(untimed(lines[0].clone()), untimed(search(&["枫桥经验"])));
    assert_eq!(untimed(lines[1].clone()), untimed(search(&["行政执法三项制度", "-y", "2023"])));
    assert_eq!(untimed(lines[3].clone()), untimed(search(&["法律明白人", "-n", "1", "--offset", "1"])));
    assert_eq!(untimed(lines[5].clone()), untimed(search(&["浙江", "依法行政"])));
    assert_eq!(lines[0]["total"], 3);
}

#[test]
fn batch_equals_search_for_every_option() {
    let cases: &[(&str, &[&str])] = &[
        (r#"{"query": "枫桥经验", "facets": true}"#, &["枫桥经验", "--facets"]),
        (
            r#"{"query": "依法行政", "region": ["江西", "江苏省"], "limit": 2}"#,
            &["依法行政", "-r", "江西", "-r", "江苏省", "-n", "2"],
        ),
        (r#"{"query": "法治", "level": "乡镇", "sort": "-year"}"#, &["法治", "-l", "乡镇", "--sort", "-year"]),
        (
            r#"{"query": "枫桥经验", "year": [2023], "unknown_year": "include"}"#,
            &["枫桥经验", "-y", "2023", "--unknown-year", "include"],
        ),
        (r#"{"query": "法治", "pivot": "region,year"}"#, &["法治", "--pivot", "region,year"]),
        (r#"{"query": "法治", "min_confidence": 0.8}"#, &["法治", "--min-confidence", "0.8"]),
        (
            r#"{"query": "枫桥经验", "pivot": "level,year", "facets": true, "measure": "share"}"#,
            &["枫桥经验", "--pivot", "level,year", "--facets", "--measure", "share"],
        ),
        (
            r#"{"query": "枫桥经验", "pivot": "region,year", "facets": true, "measure": "occurrences"}"#,
            &["枫桥经验", "--pivot", "region,year", "--facets", "--measure", "occurrences"],
        ),
        (r#"{"query": "江西 枫桥经验", "literal": true}"#, &["江西", "枫桥经验", "--literal"]),
        (r#"{"query": "枫桥经验"}"#, &["枫桥经验", "-n", "10"]),
    ];
    let input: String = cases.iter().map(|(line, _)| format!("{line}\n")).collect();
    let (code, lines) = batch(&input, &[]);
    assert_eq!(code, 0);
    assert_eq!(lines.len(), cases.len());
    for ((line, args), answer) in cases.iter().zip(&lines) {
        assert!(answer.get("error").is_none(), "{line}: {answer}");
        assert_eq!(untimed(answer.clone()), untimed(search(args)), "{line}");
    }
    // Command-line defaults apply to lines that don't set them.
    let (_, lines) = batch("法治\n{\"query\": \"法治\", \"limit\": 3}\n", &["--limit", "1", "--facets"]);
    assert_eq!(lines[0]["hits"].as_array().unwrap().len(), 1);
    assert!(lines[0]["facets"].is_object());
    assert_eq!(lines[1]["hits"].as_array().unwrap().len(), 3);
}

#[test]
fn many_lines_in_parallel_stay_in_order() {
    let terms = ["枫桥经验", "法律明白人", "行政执法三项制度", "公职律师", "一网通办", "不存在的词语"];
    let input: String =
        (0..300).map(|i| format!("{{\"id\": {i}, \"query\": \"{}\"}}\n", terms[i % terms.len()])).collect();
    let (_, lines) = batch(&input, &[]);
    assert_eq!(lines.len(), 300);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["id"], i);
        assert_eq!(l["query"], terms[i % terms.len()]);
    }
}

#[test]
fn batch_fails_only_when_input_or_index_cannot_be_read() {
    fazhi().args(["batch", "/nonexistent/queries.txt", "--index"]).arg(bundled_index()).assert().code(2);
    let dir = scratch("batch-no-index");
    fazhi().args(["batch", "-", "--index"]).arg(dir.join("none")).write_stdin("枫桥经验\n").assert().code(2);
}

#[test]
fn jsonl_and_csv_with_fields() {
    let out = fazhi()
        .args(["search", "枫桥经验", "--format", "jsonl", "--fields", "rank,id,province,year,snippet", "--index"])
        .arg(bundled_index())
        .output()
        .unwrap();
    let lines: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    let keys: Vec<&String> = lines[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["rank", "id", "province", "year", "snippet"]);
    assert_eq!(lines.iter().map(|l| l["rank"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(lines[0]["snippet"].as_str().unwrap().contains("枫桥经验"));

    let out = fazhi().args(["search", "枫桥经验", "--format", "csv", "--index"]).arg(bundled_index()).output().unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut rows = csv.lines();
    assert!(rows.next().unwrap().starts_with("id,path,url,title,unit,unit_type,province"));
    assert_eq!(rows.count(), 3);
    fazhi()
        .args(["search", "枫桥经验", "--format", "csv", "--fields", "id,colour", "--index"])
        .arg(bundled_index())
        .assert()
        .code(2);
}

#[test]
fn show_prints_metadata_and_the_whole_text() {
    let found = search(&["盘龙彝族乡"]);
    let id = found["hits"][0]["id"].as_str().unwrap().to_string();
    let out = fazhi().args(["show", &id, "--format", "json", "--index"]).arg(bundled_index()).output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["id"], id);
    assert_eq!(report["township"], "盘龙彝族乡");
    assert!(report["evidence"]["province"].as_str().unwrap().contains("云南省"));
    // Confidences as fazhi extract prints them: two places, no f32 noise (0.800000011920929).
    let extracted = fazhi().args(["extract", "--format", "json"]).arg(bundled_corpus().join(PANLONG)).output().unwrap();
    let extracted: Value = serde_json::from_slice(&extracted.stdout).unwrap();
    assert_eq!(report["confidence"], extracted[0]["confidence"]);
    for (name, c) in report["confidence"].as_object().unwrap() {
        let c = c.as_f64().unwrap();
        assert_eq!(c, (c * 100.0).round() / 100.0, "{name}: {c}");
    }
    let raw = std::fs::read_to_string(bundled_corpus().join(PANLONG)).unwrap();
    let text = report["text"].as_str().unwrap();
    assert!(text.len() > raw.len() * 9 / 10 && raw.contains(text.lines().last().unwrap().trim()));
    let out = fazhi().args(["show", &id, "--index"]).arg(bundled_index()).output().unwrap();
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(shown.contains("乡镇：盘龙彝族乡") && shown.contains("现将2023年法治政府建设工作情况报告如下"));
    fazhi().args(["show", "0000000000000000", "--index"]).arg(bundled_index()).assert().code(1);
}

#[test]
fn stats_counts_documents_and_gaps() {
    let out = fazhi().args(["stats", "--format", "json", "--index"]).arg(bundled_index()).output().unwrap();
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["documents"], 5);
    assert_eq!(s["missing"]["year"], 1);
    assert_eq!(s["missing"]["province"], 0);
    assert!(s["size_bytes"].as_u64().unwrap() > 10_000);
    assert_eq!(s["fingerprint"].as_str().unwrap().len(), 16);
    let years: u64 = s["by_year"].as_array().unwrap().iter().map(|b| b["count"].as_u64().unwrap()).sum();
    assert_eq!(years, 5);
    let text = fazhi().args(["stats", "--index"]).arg(bundled_index()).output().unwrap();
    assert!(String::from_utf8(text.stdout).unwrap().contains("报告：5 篇"));
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = fazhi().args(["completions", shell]).output().unwrap();
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("fazhi") && script.contains("batch") && script.contains("--region"), "{shell}");
    }
    let man = String::from_utf8(fazhi().arg("man").output().unwrap().stdout).unwrap();
    assert!(man.contains(".TH fazhi") && man.contains("search"));
}

#[test]
fn output_matches_the_json_schema() {
    let v = schema();
    for args in [
        &["枫桥经验"][..],
        &["枫桥经验", "--facets", "--pivot", "region,year"],
        &["治镇依法"],
        &["量子力学星际航行"],
        &["朝阳区", "-r", "朝阳区", "-y", "2020.."],
        &["枫桥经验", "-y", "2015..2023", "--facets", "--pivot", "level,year", "--measure", "share"],
        &["枫桥经验 OR 法治", "--facets", "--pivot", "region,level", "--measure", "occurrences"],
        &["法治", "--min-confidence", "0.9", "-y", "2023"],
    ] {
        assert_valid(&v, &search(args));
    }
    let (_, lines) = batch("枫桥经验\n{\"id\": \"x\", \"query\": \"法治\", \"facets\": true}\n{broken\n", &[]);
    for line in &lines {
        assert_valid(&v, line);
    }
    // The schema can fail: a real answer missing a field, or with a mistyped one, is rejected.
    let mut broken = search(&["枫桥经验"]);
    broken.as_object_mut().unwrap().remove("total");
    assert!(!v.is_valid(&broken));
    let mut broken = search(&["枫桥经验"]);
    broken["hits"][0]["year"] = Value::from("2023");
    assert!(!v.is_valid(&broken));
    let mut broken = search(&["枫桥经验", "--pivot", "level,year", "--measure", "share"]);
    broken["pivot"]["share_cells"][0][0] = Value::from("1%");
    assert!(!v.is_valid(&broken));
}

/// The hit's metadata in the JSON Schema is the field table's
/// (src/meta/mod.rs): every field present and required, of its kind, with
/// its vocabulary and description, and no metadata the table lacks.
#[test]
fn the_json_schema_describes_the_field_table() {
    use fazhi::meta::{Kind, FIELDS};
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/index-schema/search-output.schema.json"))
        .unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let hit = &schema["$defs"]["hit"];
    let required: Vec<&str> = hit["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let properties = hit["properties"].as_object().unwrap();
    for def in &FIELDS {
        let p = &properties[def.name];
        assert!(p.is_object(), "{}: not in the schema", def.name);
        assert!(required.contains(&def.name), "{}: not required", def.name);
        assert_eq!(p["description"], def.description, "{}", def.name);
        let types: Vec<&str> = match &p["type"] {
            Value::Array(types) => types.iter().map(|t| t.as_str().unwrap()).collect(),
            Value::String(t) => vec![t.as_str()],
            _ => Vec::new(),
        };
        match def.vocabulary {
            Some(vocabulary) => {
                let mut allowed: Vec<Value> = vocabulary.iter().map(|v| Value::from(*v)).collect();
                if def.nullable {
                    allowed.push(Value::Null);
                }
                assert_eq!(p["enum"], Value::Array(allowed), "{}", def.name);
            }
            None => {
                let kind = match def.kind {
                    Kind::Text => "string",
                    Kind::Year => "integer",
                };
                assert!(types.contains(&kind), "{}: {types:?}", def.name);
                assert_eq!(types.contains(&"null"), def.nullable, "{}: {types:?}", def.name);
                assert_eq!(types.len(), 1 + def.nullable as usize, "{}: {types:?}", def.name);
            }
        }
    }
    // What else a hit has is the hit's own, not metadata.
    let own = ["id", "path", "url", "duplicates", "score", "occurrences", "snippets"];
    for name in properties.keys() {
        assert!(own.contains(&name.as_str()) || FIELDS.iter().any(|d| d.name == name), "{name}: not in the table");
    }
}
