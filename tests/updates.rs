//! Re-running `fazhi index` on a changing folder: new, changed and removed
//! files (`--prune`), and reposts of one report folded into it.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use serde_json::Value;

fn index(corpus: &Path, index: &Path, extra: &[&str]) -> String {
    let out = fazhi().arg("index").arg(corpus).args(extra).arg("--index").arg(index).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn stats(index: &Path) -> Value {
    let out = fazhi().args(["stats", "--format", "json", "--index"]).arg(index).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (file name → duplicates' file names) of every hit for `query`.
fn hits(index: &Path, query: &str) -> Vec<(String, Vec<String>)> {
    let (_, answer) = search_json(index, &[query]);
    let name = |p: &str| Path::new(p).file_name().unwrap().to_string_lossy().to_string();
    let mut out: Vec<(String, Vec<String>)> = answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let dups = h["duplicates"].as_array().unwrap().iter().map(|d| name(d.as_str().unwrap())).collect();
            (name(h["path"].as_str().unwrap()), dups)
        })
        .collect();
    out.sort();
    out
}

fn bundled(name: &str) -> String {
    fs::read_to_string(bundled_corpus().join(name)).unwrap()
}

#[test]
fn reposts_are_indexed_once_and_listed_with_the_report() {
    let root = scratch("reposts");
    let (corpus, idx) = (root.join("corpus"), root.join("index"));
    fs::create_dir_all(corpus.join("site-b")).unwrap();
    let original = bundled(TAOZHUANG);
    fs::write(corpus.join("a.txt"), &original).unwrap();
    // The same report reposted: once verbatim in another encoding of
    // whitespace, once with page chrome around it and one sentence dropped.
    fs::write(corpus.join("site-b/b.txt"), original.replace('\n', "\r\n\r\n")).unwrap();
    let sentences: Vec<&str> = original.split_inclusive('。').collect();
    let edited: String = sentences.iter().enumerate().filter(|(i, _)| *i != 7).map(|(_, s)| *s).collect();
    fs::write(corpus.join("site-b/c.txt"), format!("{edited}\n打印本页 关闭窗口\n")).unwrap();
    // Another report: not a repost.
    fs::write(corpus.join("other.txt"), bundled(DONGFENG)).unwrap();

    let summary = index(&corpus, &idx, &[]);
    assert!(summary.contains("转载重复 2 篇"), "{summary}");
    let found = hits(&idx, "法治");
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.contains(&("a.txt".to_string(), vec!["b.txt".to_string(), "c.txt".to_string()])), "{found:?}");
    assert!(found.contains(&("other.txt".to_string(), vec![])), "{found:?}");
    let s = stats(&idx);
    assert_eq!((s["documents"].as_u64(), s["duplicates"].as_u64()), (Some(2), Some(2)));
    // An empty query with a year filter counts reports, never reposts.
    let (_, by_year) = search_json(&idx, &["--unknown-year", "include", "-y", "1990..2100"]);
    assert_eq!(by_year["total"], 2);

    // The original goes away: with --prune a repost takes its place.
    fs::remove_file(corpus.join("a.txt")).unwrap();
    let summary = index(&corpus, &idx, &["--prune"]);
    assert!(summary.contains("清除已删除文件 1 篇"), "{summary}");
    let found = hits(&idx, "法治");
    assert!(found.contains(&("b.txt".to_string(), vec!["c.txt".to_string()])), "{found:?}");
    assert_eq!(stats(&idx)["duplicates"], 1);
    // And a run with nothing new changes nothing.
    let summary = index(&corpus, &idx, &["--prune"]);
    assert!(summary.starts_with("已索引 0 篇，未变 3 篇"), "{summary}");
}

#[test]
fn new_changed_and_removed_files() {
    let (root, corpus) = workspace("updates");
    let idx = root.join("index");
    for name in [DONGFENG, TAOZHUANG, GUTANG] {
        fs::write(corpus.join(name), bundled(name)).unwrap();
    }
    index(&corpus, &idx, &[]);
    let (_, before) = search_json(&idx, &["枫桥经验"]);
    let total_before = before["total"].as_u64().unwrap();
    assert!(total_before >= 2);

    // New file: found after the next run.
    fs::write(corpus.join(PANLONG), bundled(PANLONG)).unwrap();
    // Changed file: its new text is found, its old text is not.
    let changed = bundled(GUTANG).replace("法治", "法治（修订稿）");
    fs::write(corpus.join(GUTANG), &changed).unwrap();
    let summary = index(&corpus, &idx, &[]);
    assert!(summary.starts_with("已索引 2 篇，未变 2 篇"), "{summary}");
    let (_, revised) = search_json(&idx, &["修订稿"]);
    assert_eq!(hit_files(&revised), set(&[GUTANG]));
    assert_eq!(stats(&idx)["documents"], 4);

    // Removed file: kept without --prune (the index is not a mirror unless asked), gone with it.
    fs::remove_file(corpus.join(DONGFENG)).unwrap();
    index(&corpus, &idx, &[]);
    assert_eq!(stats(&idx)["documents"], 4);
    let summary = index(&corpus, &idx, &["--prune"]);
    assert!(summary.contains("清除已删除文件 1 篇"), "{summary}");
    assert_eq!(stats(&idx)["documents"], 3);
    let (_, after) = search_json(&idx, &["东凤镇"]);
    assert!(!hit_files(&after).contains(DONGFENG));
}
