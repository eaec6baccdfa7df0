//! Damage is found, never served: one bit flipped anywhere in any file of
//! an index (tantivy's and fazhi's) leaves `search`, `stats` and `verify`
//! giving exactly the answers they gave before, or exiting 2 with one line;
//! and `verify` finds every flip that changes an answer.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

/// Answers that must not change: two searches (one with counts) and stats.
fn answers(idx: &Path) -> Vec<(i32, String)> {
    let runs: [&[&str]; 3] = [
        &["search", "枫桥经验", "--format", "json"],
        &["search", "法治", "行政", "--facets", "--format", "json", "-n", "20"],
        &["stats", "--format", "json"],
    ];
    runs.iter()
        .map(|args| {
            let out = fazhi().args(*args).arg("--index").arg(idx).output().unwrap();
            let code = out.status.code().unwrap_or(-1);
            if code == 2 {
                let err = String::from_utf8_lossy(&out.stderr).trim_end().to_string();
                assert_eq!(err.lines().count(), 1, "{args:?}: not one line: {err}");
                assert!(!err.contains("内部错误"), "{args:?}: damage reported as a bug: {err}");
                return (2, String::new());
            }
            let mut json: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|_| panic!("{args:?}: exit {code}: {}", String::from_utf8_lossy(&out.stderr)));
            if let Some(o) = json.as_object_mut() {
                o.remove("took_ms");
            }
            (code, json.to_string())
        })
        .collect()
}

fn verify_ok(idx: &Path) -> bool {
    let out = fazhi().arg("verify").arg("--index").arg(idx).output().unwrap();
    match out.status.code() {
        Some(0) => true,
        Some(2) => {
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(err.trim_end().lines().count(), 1, "{err}");
            false
        }
        other => panic!("verify exited {other:?}"),
    }
}

/// An index with two segments, deletions and reposts: every kind of file.
fn index(root: &Path) -> PathBuf {
    let (corpus, idx) = (root.join("corpus"), root.join("index"));
    fs::create_dir_all(corpus.join("mirror")).unwrap();
    for entry in fs::read_dir(bundled_corpus()).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, corpus.join(path.file_name().unwrap())).unwrap();
    }
    fs::copy(bundled_corpus().join(GUTANG), corpus.join("mirror/copy.txt")).unwrap();
    fs::write(corpus.join("gone.txt"), "某镇2023年法治政府建设情况报告\n\n坚持依法行政，推进枫桥经验。").unwrap();
    fazhi().arg("index").arg(&corpus).arg("--index").arg(&idx).assert().success();
    fs::remove_file(corpus.join("gone.txt")).unwrap();
    fazhi().arg("index").arg(&corpus).args(["--prune", "--index"]).arg(&idx).assert().success();
    idx
}

#[test]
fn a_flipped_bit_in_any_file_is_an_error_or_changes_nothing() {
    let root = scratch("flips");
    let idx = index(&root);
    let before = answers(&idx);
    assert!(before.iter().all(|(code, _)| *code == 0), "{before:?}");
    assert!(verify_ok(&idx));
    let marker: serde_json::Value = serde_json::from_slice(&fs::read(idx.join("fazhi-index.json")).unwrap()).unwrap();
    let generation = idx.join(marker["generation"].as_str().unwrap());
    let mut files: Vec<PathBuf> = fs::read_dir(&generation)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().contains("lock"))
        .collect();
    files.sort();
    let kinds: std::collections::BTreeSet<String> =
        files.iter().filter_map(|p| p.extension().map(|e| e.to_string_lossy().to_string())).collect();
    for kind in ["store", "grams", "words", "idx", "term", "fast", "fieldnorm", "del", "json"] {
        assert!(kinds.contains(kind), "no .{kind} file to flip: {kinds:?}");
    }
    let (mut flips, mut errors) = (0, 0);
    for file in &files {
        let original = fs::read(file).unwrap();
        if original.is_empty() {
            continue;
        }
        // The ends (headers, footers, tables) and points spread between.
        let mut offsets: Vec<usize> = (0..8).chain((1..=8).map(|k| original.len() - k)).collect();
        offsets.extend((1..16).map(|k| original.len() * k / 16));
        offsets.retain(|&o| o < original.len());
        offsets.sort();
        offsets.dedup();
        for (i, &at) in offsets.iter().enumerate() {
            let mut bytes = original.clone();
            bytes[at] ^= 1 << (i % 8);
            fs::write(file, &bytes).unwrap();
            let now = answers(&idx);
            let whole = verify_ok(&idx);
            flips += 1;
            for ((code, answer), (_, was)) in now.iter().zip(&before) {
                if *code == 2 {
                    errors += 1;
                } else if answer != was {
                    panic!("{} byte {at}: a different answer, exit {code}", file.display());
                }
            }
            if now != before {
                assert!(!whole, "{} byte {at}: answers changed but verify found nothing", file.display());
            }
        }
        fs::write(file, &original).unwrap();
    }
    assert!(verify_ok(&idx));
    assert_eq!(answers(&idx), before);
    eprintln!("{flips} flips: {errors} answers were errors, none different");
    assert!(errors > 0);
}
