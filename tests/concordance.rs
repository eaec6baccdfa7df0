//! Close reading, checked against brute force over the reports' own text
//! (as `fazhi export --text` gives it back): the concordance lists every
//! occurrence of every term with its report and offset, each hit's
//! `occurrences` agrees with it, and `--within sentence|paragraph` keeps
//! exactly the reports where one sentence (paragraph) holds every term.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use serde_json::Value;

/// The bundled real reports, one in traditional script with quotes and
/// line breaks inside terms, and one whose words overlap themselves.
fn corpus_index() -> &'static (PathBuf, Vec<Report>) {
    static BUILT: OnceLock<(PathBuf, Vec<Report>)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = scratch("concordance");
        let docs = dir.join("docs");
        std::fs::create_dir_all(&docs).unwrap();
        for entry in std::fs::read_dir(bundled_corpus()).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, docs.join(path.file_name().unwrap())).unwrap();
        }
        std::fs::write(
            docs.join("traditional.txt"),
            "磐安縣2023年法治政府建設情況報告\n\n堅持和發展新時代「楓橋經驗」，推進矛盾糾紛調解。\n\
             調解組織化解糾紛；楓橋\n經驗入村。依法治縣，法治政府建設紮實推進！行政執法“三項制度”全面落實。\n",
        )
        .unwrap();
        std::fs::write(
            docs.join("overlap.txt"),
            "某镇2023年法治建设情况报告\n\n法治法治法治，法治。法治法治法治法治建设。\n\
             调解调解调解组织；人民调解调解纠纷。依法治法治理。\n",
        )
        .unwrap();
        let index = dir.join("index");
        fazhi().arg("index").arg(&docs).arg("--index").arg(&index).assert().success();
        let out = fazhi().args(["export", "--text", "--format", "jsonl", "--index"]).arg(&index).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let reports = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                let s = |k: &str| v[k].as_str().map(str::to_string);
                Report { id: s("id").unwrap(), title: s("title"), text: s("text").unwrap_or_default() }
            })
            .collect();
        (index, reports)
    })
}

struct Report {
    id: String,
    title: Option<String>,
    text: String,
}

/// The text as matching reads it, by brute force: normalized, only
/// letters and digits kept, each kept char with its char offset.
fn compact(text: &str) -> (Vec<char>, Vec<usize>) {
    let normalized: Vec<char> = fazhi::analyze::normalize(text).chars().collect();
    let mut kept = Vec::new();
    let mut at = Vec::new();
    for (i, c) in normalized.into_iter().enumerate() {
        if c.is_alphanumeric() {
            kept.push(c);
            at.push(i);
        }
    }
    (kept, at)
}

/// Offsets (in chars of `text`) of `term`'s non-overlapping occurrences
/// from the left, among the chars `span`.
fn occurrences(text: &str, term: &str, span: std::ops::Range<usize>) -> Vec<usize> {
    let (kept, at) = compact(text);
    let term: Vec<char> = term.chars().collect();
    let (kept, at): (Vec<char>, Vec<usize>) = kept.into_iter().zip(at).filter(|(_, i)| span.contains(i)).unzip();
    let mut out = Vec::new();
    let mut i = 0;
    while i + term.len() <= kept.len() {
        if kept[i..i + term.len()] == term[..] {
            out.push(at[i]);
            i += term.len();
        } else {
            i += 1;
        }
    }
    out
}

fn holds(text: &str, term: &str, span: std::ops::Range<usize>) -> bool {
    !occurrences(text, term, span).is_empty()
}

/// Every (id, part, offset) of `term`: the text's, and the title's when the
/// text does not hold the title.
fn brute_lines(reports: &[Report], term: &str) -> BTreeSet<(String, String, usize)> {
    let mut out = BTreeSet::new();
    for r in reports {
        for at in occurrences(&r.text, term, 0..usize::MAX) {
            out.insert((r.id.clone(), "text".into(), at));
        }
        if let Some(title) = &r.title {
            let (t, _) = compact(title);
            let (body, _) = compact(&r.text);
            let t: String = t.into_iter().collect();
            if !t.is_empty() && !body.into_iter().collect::<String>().contains(&t) {
                for at in occurrences(title, term, 0..usize::MAX) {
                    out.insert((r.id.clone(), "title".into(), at));
                }
            }
        }
    }
    out
}

fn kwic_jsonl(index: &Path, args: &[&str]) -> Vec<Value> {
    let out =
        fazhi().arg("kwic").args(args).args(["--all", "--format", "jsonl", "--index"]).arg(index).output().unwrap();
    assert!(out.status.code() == Some(0) || out.status.code() == Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

const TERMS: &[&str] = &[
    "法治",
    "法治政府",
    "法治法治",
    "调解调解",
    "调解",
    "枫桥经验",
    "行政执法三项制度",
    "矛盾纠纷",
    "依法行政",
    "普法",
    "法律顾问",
    "公共法律服务",
    "行政复议",
    "营商环境",
    "乡镇",
    "00",
    "000",
    "2023",
    "人民",
    "政府",
    "治法",
    "建设",
    "纠纷调解",
];

#[test]
fn every_occurrence_of_every_term_with_its_report_and_offset() {
    let (index, reports) = corpus_index();
    let by_id: BTreeMap<&str, &Report> = reports.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut overlapping = 0;
    for term in TERMS {
        let expected = brute_lines(reports, term);
        let lines = kwic_jsonl(index, &["--literal", term]);
        let got: Vec<(String, String, usize)> = lines
            .iter()
            .map(|l| {
                (
                    l["id"].as_str().unwrap().to_string(),
                    l["part"].as_str().unwrap().to_string(),
                    l["offset"].as_u64().unwrap() as usize,
                )
            })
            .collect();
        assert_eq!(got.len(), expected.len(), "{term}: one line per occurrence");
        assert_eq!(got.iter().cloned().collect::<BTreeSet<_>>(), expected, "{term}: the same reports and offsets");
        for line in &lines {
            // The match as written, read as matching reads it, is the term.
            let matched = line["match"].as_str().unwrap();
            assert_eq!(compact(matched).0.into_iter().collect::<String>(), *term, "{line}");
            let report = by_id[line["id"].as_str().unwrap()];
            let source = if line["part"] == "title" { report.title.clone().unwrap() } else { report.text.clone() };
            let at = line["offset"].as_u64().unwrap() as usize;
            let len = line["length"].as_u64().unwrap() as usize;
            assert_eq!(source.chars().skip(at).take(len).collect::<String>(), matched, "{line}");
            let left = line["left"].as_str().unwrap();
            assert!(source.chars().take(at).collect::<String>().ends_with(left), "{line}");
            assert!(left.chars().count() <= 20 && !left.contains('\n'));
        }
        // Each hit's occurrences agree, and the hits are the reports with any.
        let (code, answer) = search_json(index, &["--literal", term, "--all"]);
        let mut per_report: BTreeMap<String, u64> = BTreeMap::new();
        for (id, _, _) in &expected {
            *per_report.entry(id.clone()).or_default() += 1;
        }
        assert_eq!(code, if per_report.is_empty() { 1 } else { 0 }, "{term}");
        let hits: BTreeMap<String, u64> = answer["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h["id"].as_str().unwrap().to_string(), h["occurrences"][*term].as_u64().unwrap()))
            .collect();
        assert_eq!(hits, per_report, "{term}: hits and their occurrences");
        let total: u64 = per_report.values().sum();
        overlapping += (term.chars().count() > 1 && total > 0 && {
            let c: Vec<char> = term.chars().collect();
            (1..c.len()).any(|p| c[..c.len() - p] == c[p..])
        }) as usize;
    }
    assert!(overlapping >= 3, "self-overlapping terms that occur: {overlapping}");
}

#[test]
fn several_terms_list_each_terms_occurrences_in_the_reports_matching_all() {
    let (index, reports) = corpus_index();
    let (a, b) = ("调解", "矛盾纠纷");
    let both: BTreeSet<String> = reports
        .iter()
        .filter(|r| {
            !brute_lines(std::slice::from_ref(r), a).is_empty() && !brute_lines(std::slice::from_ref(r), b).is_empty()
        })
        .map(|r| r.id.clone())
        .collect();
    assert!(both.len() >= 2);
    let expected: usize =
        [a, b].iter().map(|t| brute_lines(reports, t).into_iter().filter(|(id, _, _)| both.contains(id)).count()).sum();
    let lines = kwic_jsonl(index, &[a, b]);
    assert_eq!(lines.len(), expected);
    // Sorted by the right context: the keys never go down.
    let lines = kwic_jsonl(index, &[a, "--sort", "right"]);
    let keys: Vec<String> =
        lines.iter().map(|l| compact(l["right"].as_str().unwrap()).0.into_iter().collect::<String>()).collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "right-sorted");
    let lines = kwic_jsonl(index, &[a, "--sort", "left"]);
    let keys: Vec<String> =
        lines.iter().map(|l| compact(l["left"].as_str().unwrap()).0.into_iter().rev().collect::<String>()).collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "left-sorted, read outward");
    assert_eq!(lines.len(), brute_lines(reports, a).len());
}

/// Sentences as the issue defines them: cut at 。！？； and line ends.
fn units(text: &str, sentence: bool) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.chars().enumerate() {
        if c == '\n' || (sentence && "。！？；".contains(c)) {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    out.push(start..usize::MAX);
    out
}

const PAIRS: &[(&str, &str)] = &[
    ("枫桥经验", "调解"),
    ("枫桥经验", "矛盾"),
    ("法治", "政府"),
    ("依法行政", "法治政府"),
    ("普法", "宣传"),
    ("法律顾问", "合法性审查"),
    ("行政执法", "三项制度"),
    ("调解", "纠纷"),
    ("矛盾纠纷", "化解"),
    ("法治", "乡村"),
    ("党委", "政府"),
    ("公共法律服务", "体系"),
    ("法治法治", "建设"),
];

#[test]
fn within_a_sentence_or_paragraph_keeps_exactly_the_reports_brute_force_finds() {
    let (index, reports) = corpus_index();
    let mut differs = 0;
    for (a, b) in PAIRS {
        for (unit, sentence) in [("sentence", true), ("paragraph", false)] {
            let expected: BTreeSet<String> = reports
                .iter()
                .filter(|r| {
                    units(&r.text, sentence).into_iter().any(|u| holds(&r.text, a, u.clone()) && holds(&r.text, b, u))
                })
                .map(|r| r.id.clone())
                .collect();
            let (_, answer) = search_json(index, &["--literal", a, b, "--within", unit, "--all"]);
            let got: BTreeSet<String> =
                answer["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect();
            assert_eq!(got, expected, "{a} {b} within {unit}");
            assert_eq!(answer["total"].as_u64().unwrap() as usize, expected.len());
            // Inline, and counted by facets, the same.
            let inline = format!("within:{unit}");
            let (_, answer) = search_json(index, &[a, b, &inline, "--facets"]);
            assert_eq!(answer["total"].as_u64().unwrap() as usize, expected.len(), "{a} {b} {inline}");
            let (_, anywhere) = search_json(index, &["--literal", a, b]);
            differs += (anywhere["total"].as_u64().unwrap() as usize != expected.len()) as usize;
            // The concordance under within lists each term's occurrences in those units.
            let lines = kwic_jsonl(index, &["--literal", a, b, "--within", unit]);
            let mut want = 0;
            for r in reports {
                for u in units(&r.text, sentence) {
                    if holds(&r.text, a, u.clone()) && holds(&r.text, b, u.clone()) {
                        want += occurrences(&r.text, a, u.clone()).len() + occurrences(&r.text, b, u).len();
                    }
                }
            }
            assert_eq!(lines.len(), want, "{a} {b} kwic within {unit}");
        }
    }
    assert!(differs >= 3, "within narrows some answers: {differs}");
    // batch reads `within` the same way.
    let (a, b) = PAIRS[0];
    let line = serde_json::json!({"query": format!("{a} {b}"), "within": "sentence", "limit": 1000}).to_string();
    let out = fazhi().args(["batch", "-", "--index"]).arg(index).write_stdin(line).output().unwrap();
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (_, search) = search_json(index, &[a, b, "--within", "sentence"]);
    assert_eq!(answer["total"], search["total"]);
    assert_eq!(answer["within"], "sentence");
}

#[test]
fn the_concordance_keeps_to_the_filters() {
    let (index, _) = corpus_index();
    let (_, in_2023) = search_json(index, &["-y", "2023", "--all"]);
    let ids: BTreeSet<&str> = in_2023["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap()).collect();
    let all = kwic_jsonl(index, &["法治"]);
    let lines = kwic_jsonl(index, &["法治", "-y", "2023"]);
    assert!(!lines.is_empty() && lines.len() < all.len());
    assert_eq!(
        lines.len(),
        all.iter().filter(|l| ids.contains(l["id"].as_str().unwrap())).count(),
        "the lines of the 2023 reports, no more"
    );
    // A query of filters alone has nothing to list.
    let out = fazhi().args(["kwic", "2023", "--index"]).arg(index).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(one_line(&out.stderr).matches('\n').count(), 0);
}
