//! A kill at any instant leaves a whole index, and loses nothing committed.
//!
//! `fazhi index` is killed (SIGKILL) at random moments of adds, commits,
//! merges and a large JSON Lines file, and aborted on purpose at the named
//! instants of a rebuild's swap. After each kill: the index opens and
//! answers, and no unchanged file's committed entries went missing. After a
//! last clean run, the index equals a fresh build of the same files: the
//! same entries, metadata and scores.

mod common;
#[path = "common/synth.rs"]
mod synth;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as Std, Stdio};
use std::time::Duration;

use common::*;
use serde_json::Value;
use synth::{generate, seed_sentences};

const QUERIES: &[&str] = &["法治", "枫桥经验", "行政执法", "依法行政 公共法律服务", "普法", "政府 信息公开"];

/// Reports as files, reposts of some of them, and a JSON Lines file of many.
fn corpus(root: &Path) -> PathBuf {
    let dir = root.join("corpus");
    let sentences = seed_sentences(&bundled_corpus());
    let reports = generate(90, 7, &sentences);
    fs::create_dir_all(dir.join("docs")).unwrap();
    fs::create_dir_all(dir.join("mirror")).unwrap();
    for (i, r) in reports.iter().enumerate() {
        fs::write(dir.join("docs").join(&r.file), &r.text).unwrap();
        if i % 9 == 0 {
            fs::write(dir.join("mirror").join(&r.file), &r.text).unwrap();
        }
    }
    let lines: String = generate(400, 11, &sentences)
        .iter()
        .map(|r| serde_json::json!({ "text": r.text }).to_string() + "\n")
        .collect();
    fs::write(dir.join("dump.jsonl"), lines).unwrap();
    dir
}

fn index_cmd(corpus: &Path, idx: &Path, extra: &[&str]) -> Std {
    let mut cmd = Std::new(env!("CARGO_BIN_EXE_fazhi"));
    cmd.arg("index").arg(corpus).args(extra).arg("--index").arg(idx);
    cmd.env("FAZHI_COMMIT_EVERY", "7").env_remove("FAZHI_INDEX").stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

/// Entries per file key, read through the library (what is committed).
fn entries_per_file(idx: &Path) -> BTreeMap<String, usize> {
    let handle = fazhi::index::IndexHandle::open(idx).unwrap();
    let held = fazhi::index::known::load(&handle.reader().unwrap().searcher()).unwrap();
    let mut out = BTreeMap::new();
    for key in held.known.keys() {
        let file = match key.rsplit_once('#') {
            Some((f, n)) if n.bytes().all(|b| b.is_ascii_digit()) => f.to_string(),
            _ => key.clone(),
        };
        *out.entry(file).or_default() += 1;
    }
    out
}

/// What a reader sees: for each query, every hit's id, path, metadata and
/// score (rounded to 4 decimals), by id.
fn answers(idx: &Path) -> Vec<Value> {
    QUERIES
        .iter()
        .map(|q| {
            let (code, answer) = search_json(idx, &[q]);
            assert!(code == 0 || code == 1, "{q}: exit {code}");
            let hits: Vec<Value> = answer["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| {
                    let mut h = h.clone();
                    let score = h["score"].as_f64().unwrap();
                    h["score"] = Value::from((score * 1e4).round() / 1e4);
                    h.as_object_mut().unwrap().remove("snippets");
                    h
                })
                .collect();
            // Equal scores may come in either order (it follows segment layout).
            let mut hits = hits;
            hits.sort_by(|a, b| {
                a["id"].as_str().cmp(&b["id"].as_str()).then(a["path"].as_str().cmp(&b["path"].as_str()))
            });
            serde_json::json!({ "query": q, "total": answer["total"], "hits": hits })
        })
        .collect()
}

fn assert_same(a: &[Value], b: &[Value]) {
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x["total"], y["total"], "totals differ for {}", x["query"]);
        let (xs, ys) = (x["hits"].as_array().unwrap(), y["hits"].as_array().unwrap());
        for (i, (h, k)) in xs.iter().zip(ys).enumerate() {
            assert_eq!(h, k, "hit {i} differs for {}", x["query"]);
        }
    }
}

/// Every entry of `after` for a file in `before` is at least as many.
fn assert_nothing_lost(before: &BTreeMap<String, usize>, after: &BTreeMap<String, usize>, when: &str) {
    for (file, n) in before {
        let m = after.get(file).copied().unwrap_or(0);
        assert!(m >= *n, "{when}: {file} had {n} committed entries, now {m}");
    }
}

#[test]
fn random_kills_of_an_index_run_lose_nothing_and_end_equal_to_a_fresh_build() {
    let root = scratch("crash-kills");
    let corpus = corpus(&root);
    let idx = root.join("index");
    // Kill runs at moments spread over a run. Twice the files change
    // between kills: reports that have reposts are edited (their reposts,
    // unchanged files, are read again and one takes each one's place) and
    // others are deleted (--prune).
    let mut committed: BTreeMap<String, usize> = BTreeMap::new();
    let mut changed = std::collections::BTreeSet::new();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for round in 0..24 {
        if round == 8 || round == 16 {
            for i in (0..90).step_by(9).skip(round / 8 - 1).step_by(2) {
                let file = corpus.join(format!("docs/r{i:05}.txt"));
                let text = fs::read_to_string(&file).unwrap();
                fs::write(&file, format!("{text}\n第{round}轮修订：推进严格规范公正文明执法。")).unwrap();
                changed.insert(fs::canonicalize(&file).unwrap().to_string_lossy().to_string());
            }
            for i in [round * 3 + 1, round * 3 + 2] {
                let file = corpus.join(format!("docs/r{i:05}.txt"));
                changed.insert(fs::canonicalize(&file).unwrap().to_string_lossy().to_string());
                fs::remove_file(file).unwrap();
            }
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut child = index_cmd(&corpus, &idx, &["--prune"]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(40 + seed % 900));
        let _ = child.kill();
        let _ = child.wait();
        if !fazhi::index::layout::is_index(&idx) {
            continue; // killed before the index existed
        }
        let now = entries_per_file(&idx);
        let unchanged: BTreeMap<String, usize> =
            committed.iter().filter(|(f, _)| !changed.contains(*f)).map(|(f, n)| (f.clone(), *n)).collect();
        assert_nothing_lost(&unchanged, &now, &format!("kill {round}"));
        committed = now;
        // It opens and answers.
        let out = fazhi().args(["search", "法治", "--index"]).arg(&idx).output().unwrap();
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let status = index_cmd(&corpus, &idx, &["--prune"]).status().unwrap();
    assert!(status.success());
    // Equal to a fresh build of the same files.
    let fresh = root.join("fresh");
    assert!(index_cmd(&corpus, &fresh, &[]).status().unwrap().success());
    assert_eq!(entries_per_file(&idx), entries_per_file(&fresh));
    assert_same(&answers(&idx), &answers(&fresh));
}

#[test]
fn kills_at_each_instant_of_a_rebuild_leave_the_old_index_or_the_new_one() {
    let root = scratch("crash-swap");
    let corpus = corpus(&root);
    let idx = root.join("index");
    // The old index: the bundled reports; the new one: the corpus.
    fazhi().arg("index").arg(bundled_corpus()).arg("--index").arg(&idx).assert().success();
    let old = answers(&idx);
    let fresh = root.join("fresh");
    assert!(index_cmd(&corpus, &fresh, &[]).status().unwrap().success());
    let new = answers(&fresh);
    for point in ["before-commit", "after-commit", "after-merge", "before-switch", "after-switch"] {
        let out = index_cmd(&corpus, &idx, &["--rebuild"]).env("FAZHI_FAILPOINT", point).output().unwrap();
        assert!(!out.status.success(), "{point}: the run was not stopped");
        let now = answers(&idx);
        let expect = if point == "after-switch" { &new } else { &old };
        assert_same(&now, expect);
        // The index is locked correctly: the next run takes the lock, and
        // removes what the killed one left.
        assert!(index_cmd(bundled_corpus().as_path(), &idx, &["--rebuild"]).status().unwrap().success());
        assert_same(&answers(&idx), &old);
        let dirs = fs::read_dir(&idx).unwrap().filter(|e| e.as_ref().unwrap().path().is_dir()).count();
        assert_eq!(dirs, 1, "{point}: leftovers not removed");
    }
}

#[test]
fn a_file_cut_short_by_a_kill_is_read_again() {
    let root = scratch("crash-jsonl");
    let corpus = corpus(&root);
    fs::remove_dir_all(corpus.join("docs")).unwrap();
    fs::remove_dir_all(corpus.join("mirror")).unwrap();
    let idx = root.join("index");
    // Abort right after the first commit: part of the JSON Lines file is in.
    let out = index_cmd(&corpus, &idx, &[]).env("FAZHI_FAILPOINT", "after-commit").output().unwrap();
    assert!(!out.status.success());
    let partial = entries_per_file(&idx).values().sum::<usize>();
    assert!(partial > 0 && partial < 400, "{partial}");
    let out = index_cmd(&corpus, &idx, &[]).stdout(Stdio::piped()).output().unwrap();
    assert!(out.status.success());
    assert_eq!(entries_per_file(&idx).values().sum::<usize>(), 400);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains(&format!("未变 {partial} 篇")), "{summary}");
}

#[test]
fn no_commit_holds_a_repost_taken_away_without_its_return() {
    let root = scratch("crash-reposts");
    let corpus = corpus(&root);
    let idx = root.join("index");
    assert!(index_cmd(&corpus, &idx, &[]).status().unwrap().success());
    let before = entries_per_file(&idx);
    let mirrors: Vec<&String> = before.keys().filter(|f| f.contains("/mirror/")).collect();
    assert_eq!(mirrors.len(), 10);
    // Each report with a repost changes: its repost is taken away and read
    // again. The run dies right after its first commit.
    for i in (0..90).step_by(9) {
        let file = corpus.join(format!("docs/r{i:05}.txt"));
        let text = fs::read_to_string(&file).unwrap();
        fs::write(&file, format!("{text}\n本年度修订：推进严格规范公正文明执法。")).unwrap();
    }
    let out = index_cmd(&corpus, &idx, &[]).env("FAZHI_FAILPOINT", "after-commit").output().unwrap();
    assert!(!out.status.success());
    let after = entries_per_file(&idx);
    for mirror in mirrors {
        assert_eq!(after.get(mirror), Some(&1), "{mirror}: a committed repost was dropped");
    }
}
