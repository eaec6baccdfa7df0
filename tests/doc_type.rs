//! The report type (issue 15) on fixtures of our own
//! (tests/fixtures/doc_type/), read as the indexer would: the opening
//! normalized, with and without the title the extractor finds.
//!
//! `measure_shared_corpus` (ignored) scores the classifier on a folder laid
//! out like the project's shared data: `FAZHI_SHARED=/path/to/shared cargo
//! test --release --test doc_type -- --ignored --nocapture`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use fazhi::analyze::normalize;
use fazhi::extract::doc_type::{classify, INTERPRETATION, OTHER, RULE_OF_LAW, TYPES, WORK_REPORT};
use fazhi::extract::extract;

const FIXTURES: &[(&str, &str)] = &[
    ("rol_annual_report.txt", RULE_OF_LAW),
    ("rol_self_check.txt", RULE_OF_LAW),
    ("rol_no_title.txt", RULE_OF_LAW),
    ("rol_rule_by_law_summary.txt", RULE_OF_LAW),
    ("gwr_county.txt", WORK_REPORT),
    ("gwr_rule_of_law_heavy.txt", WORK_REPORT),
    ("gwr_abstract_with_title.txt", WORK_REPORT),
    ("interp_plan.txt", INTERPRETATION),
    ("interp_of_report.txt", INTERPRETATION),
    ("interp_press_qa.txt", INTERPRETATION),
    ("other_news_meeting.txt", OTHER),
    ("other_work_points.txt", OTHER),
    ("other_submit_notice.txt", OTHER),
    ("other_implementation_plan.txt", OTHER),
];

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/doc_type")
}

/// The type as the indexer would have it: the extracted title (when there
/// is one) and the normalized text.
fn type_of(text: &str) -> (String, f32, String) {
    let title = extract(text).values.text(fazhi::meta::Field::Title).map(str::to_string);
    let f = classify(title.as_deref(), &normalize(text));
    (f.value.unwrap(), f.confidence, f.evidence)
}

#[test]
fn every_fixture_is_listed() {
    let mut on_disk: Vec<String> = fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    for kind in TYPES {
        assert!(FIXTURES.iter().filter(|(_, k)| k == kind).count() >= 2, "fewer than two fixtures of {kind}");
    }
}

#[test]
fn fixtures_get_their_type() {
    for (name, want) in FIXTURES {
        let text = fs::read_to_string(fixture_dir().join(name)).unwrap();
        let (got, confidence, evidence) = type_of(&text);
        assert_eq!(&got, want, "{name} with the extracted title: {evidence}");
        assert!(confidence >= 0.45, "{name}: {confidence} {evidence}");
        assert!(!evidence.is_empty(), "{name}");
        // The opening alone says the same.
        let alone = classify(None, &normalize(&text));
        assert_eq!(alone.value.as_deref(), Some(*want), "{name} without a title: {}", alone.evidence);
    }
}

#[test]
fn evidence_names_the_title_or_the_opening() {
    let read = |name: &str| fs::read_to_string(fixture_dir().join(name)).unwrap();
    let (_, confidence, evidence) = type_of(&read("rol_annual_report.txt"));
    assert_eq!((confidence, evidence.as_str()), (0.9, "标题“南岭县人民政府关于2023年度法治政府建设情况的报告”"));
    // The extractor unwraps the cited report; the page's own title decides.
    let (_, confidence, evidence) = type_of(&read("interp_of_report.txt"));
    assert_eq!(confidence, 0.9);
    assert!(evidence.starts_with("标题“【政策解读】关于《"), "{evidence}");
    let (_, confidence, evidence) = type_of(&read("other_work_points.txt"));
    assert_eq!((confidence, evidence.as_str()), (0.9, "标题“南岭县2024年法治政府建设工作要点”（要点）"));
    let (_, confidence, evidence) = type_of(&read("gwr_rule_of_law_heavy.txt"));
    assert_eq!(confidence, 0.6);
    assert!(evidence.contains("代表市人民政府"), "{evidence}");
    let (_, confidence, _) = type_of(&read("rol_no_title.txt"));
    assert_eq!(confidence, 0.6);
}

/// Scores on the shared corpus; prints per-source accuracy and every miss.
#[test]
#[ignore = "needs FAZHI_SHARED pointing at the shared data folder"]
fn measure_shared_corpus() {
    let Some(shared) = std::env::var_os("FAZHI_SHARED").map(PathBuf::from) else {
        eprintln!("FAZHI_SHARED not set");
        return;
    };
    // (source, mode) → (right, total, misses, confidences)
    type Score = (usize, usize, Vec<String>, BTreeMap<String, usize>);
    let mut scores: BTreeMap<String, Score> = BTreeMap::new();
    let mut score = |source: &str, mode: &str, name: &str, want: &str, title: Option<&str>, text: &str| {
        let f = classify(title, &normalize(text));
        let got = f.value.unwrap();
        let entry = scores.entry(format!("{source} [{mode}]")).or_default();
        entry.1 += 1;
        *entry.3.entry(format!("{:.2}", f.confidence)).or_default() += 1;
        if got == want {
            entry.0 += 1;
        } else {
            entry.2.push(format!("{name}: want {want}, got {got} {:.2} {}", f.confidence, f.evidence));
        }
    };

    // Report openings, labelled; one is a 政策解读 of a report.
    let pages = shared.join("corpus/pages");
    let labels = fs::read_to_string(pages.join("labels.jsonl")).unwrap();
    for line in labels.lines().filter(|l| !l.trim().is_empty()) {
        let label: serde_json::Value = serde_json::from_str(line).unwrap();
        let file = label["file"].as_str().unwrap();
        let kind = label["doc_kind"].as_str().unwrap_or("");
        let want = if kind.contains("政策解读") { INTERPRETATION } else { RULE_OF_LAW };
        let text = fs::read_to_string(pages.join(file)).unwrap();
        let title = extract(&text).values.text(fazhi::meta::Field::Title).map(str::to_string);
        score("pages", "extracted title", file, want, title.as_deref(), &text);
        score("pages", "labelled title", file, want, label["title"].as_str(), &text);
        score("pages", "opening only", file, want, None, &text);
    }
    for entry in fs::read_dir(shared.join("seeds")).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let title = extract(&text).values.text(fazhi::meta::Field::Title).map(str::to_string);
        score("seeds", "extracted title", &name, RULE_OF_LAW, title.as_deref(), &text);
        score("seeds", "opening only", &name, RULE_OF_LAW, None, &text);
    }
    // Provincial government work reports 2026 (CSV with a title column).
    let csvs = shared.join("corpus/fulltext/china-provincial-gov-reports-2026/output/2026_raw_text");
    let mut files: Vec<PathBuf> = fs::read_dir(&csvs).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for path in files.iter().filter(|p| p.to_string_lossy().ends_with("_政府工作报告.csv")) {
        let mut reader = csv::Reader::from_path(path).unwrap();
        let headers = reader.headers().unwrap().clone();
        let column = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{FEFF}') == name).unwrap();
        let (title_at, text_at) = (column("title"), column("full_text"));
        for record in reader.records() {
            let record = record.unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            score("provincial 2026", "title", &name, WORK_REPORT, Some(&record[title_at]), &record[text_at]);
            score("provincial 2026", "opening only", &name, WORK_REPORT, None, &record[text_at]);
        }
    }
    // State Council work reports 1954–2025 and the NPC resolutions on them
    // (year null), and CPC congress reports.
    let corpora = shared.join("corpus/fulltext/chinese-political-corpora");
    for (file, source) in [("government_work_reports.jsonl", "wikisource"), ("cpc_congress_reports.jsonl", "cpc")] {
        for line in fs::read_to_string(corpora.join(file)).unwrap().lines().filter(|l| !l.trim().is_empty()) {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            let title = record["title"].as_str().unwrap_or("");
            let text = record["content"].as_str().unwrap_or("");
            let (source, want) = match source {
                "cpc" => ("cpc congress", OTHER),
                _ if record["year"].is_null() => ("wikisource resolutions", OTHER),
                _ => ("wikisource work reports", WORK_REPORT),
            };
            score(source, "title", title, want, Some(title), text);
            score(source, "opening only", title, want, None, text);
        }
    }
    for (source, (right, total, misses, confidences)) in &scores {
        println!(
            "{source}: {right}/{total} ({:.1}%), confidence {confidences:?}",
            100.0 * *right as f64 / *total as f64
        );
        for miss in misses {
            println!("    {miss}");
        }
    }
}
