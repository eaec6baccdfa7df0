//! fazhi writes, swaps and deletes only what it made: folders that hold
//! anything else, files and devices are refused before any work; paths
//! are keyed by their bytes; `--prune` removes only what is confirmed gone;
//! a read-only index can be read.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command as Std;

use common::*;

/// Every file under `dir` with its bytes, for before/after comparisons.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        out.push((entry.clone(), fs::read(&entry).unwrap_or_default()));
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.push(path.clone());
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn stats_total(index: &Path) -> (u64, u64) {
    let out = fazhi().args(["stats", "--format", "json", "--index"]).arg(index).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (v["documents"].as_u64().unwrap(), v["duplicates"].as_u64().unwrap())
}

#[test]
fn a_folder_with_anything_of_the_users_is_never_written_or_replaced() {
    let root = scratch("guard-foreign");
    let p = root.join("P");
    fs::create_dir_all(p.join("sub")).unwrap();
    fs::write(p.join("meta.json"), "{}").unwrap();
    fs::write(p.join("notes.md"), "x").unwrap();
    fs::write(p.join("sub/d.csv"), "y").unwrap();
    let before = snapshot(&p);
    for extra in [&[][..], &["--rebuild"][..], &["--prune"][..]] {
        let out = fazhi().arg("index").arg(bundled_corpus()).args(extra).arg("--index").arg(&p).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        let line = one_line(&out.stderr);
        // The hint never suggests a command that would destroy the folder.
        assert!(!line.contains("--rebuild"), "{line}");
        assert_eq!(snapshot(&p), before, "{extra:?} changed the folder");
    }
    // Nothing was made beside it either.
    assert_eq!(fs::read_dir(&root).unwrap().count(), 1);
    // A fazhi index with one foreign file in it is refused as well.
    let idx = root.join("idx");
    fazhi().arg("index").arg(bundled_corpus()).arg("--index").arg(&idx).assert().success();
    fs::write(idx.join("mine.txt"), "keep").unwrap();
    fazhi().arg("index").arg(bundled_corpus()).arg("--rebuild").arg("--index").arg(&idx).assert().code(2);
    assert_eq!(fs::read_to_string(idx.join("mine.txt")).unwrap(), "keep");
}

#[test]
fn a_file_or_a_device_is_never_replaced_by_an_index() {
    let root = scratch("guard-file");
    let file = root.join("FILE");
    fs::write(&file, "precious").unwrap();
    for extra in [&[][..], &["--rebuild"][..]] {
        let out = fazhi().arg("index").arg(bundled_corpus()).args(extra).arg("--index").arg(&file).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(one_line(&out.stderr).contains("不是目录"));
        assert_eq!(fs::read_to_string(&file).unwrap(), "precious");
        assert_eq!(fs::read_dir(&root).unwrap().count(), 1, "something was left beside FILE");
    }
    let out = fazhi().arg("index").arg(bundled_corpus()).args(["--rebuild", "--index", "/dev/null"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    one_line(&out.stderr);
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::metadata("/dev/null").unwrap().file_type().is_char_device());
}

#[test]
fn an_index_at_dot_is_rebuilt_in_place_and_leaves_one_generation() {
    let root = scratch("guard-dot");
    let run = |args: &[&str]| fazhi().current_dir(&root).args(args).output().unwrap();
    let corpus = bundled_corpus();
    let corpus = corpus.to_str().unwrap();
    assert_eq!(run(&["index", corpus, "--index", "."]).status.code(), Some(0));
    for _ in 0..2 {
        let out = run(&["index", corpus, "--index", ".", "--rebuild"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let generations: Vec<_> =
        fs::read_dir(&root).unwrap().filter_map(|e| e.ok()).filter(|e| e.path().is_dir()).collect();
    assert_eq!(generations.len(), 1, "old generations were not removed");
    assert_eq!(run(&["search", "枫桥经验", "--index", "."]).status.code(), Some(0));
}

/// Two GBK file names that differ in one byte: 报告 and the next code point.
fn gbk_names() -> [&'static [u8]; 2] {
    [b"\xb1\xa8\xb8\xe6.txt", b"\xb1\xa8\xb8\xe7.txt"]
}

#[test]
fn file_names_that_are_not_utf8_are_keyed_by_their_bytes() {
    let (root, corpus) = workspace("guard-gbk");
    let idx = root.join("index");
    let [a, b] = gbk_names();
    fs::write(corpus.join(OsStr::from_bytes(a)), fs::read(bundled_corpus().join(DONGFENG)).unwrap()).unwrap();
    fs::write(corpus.join(OsStr::from_bytes(b)), fs::read(bundled_corpus().join(TAOZHUANG)).unwrap()).unwrap();
    let out = fazhi().arg("index").arg(&corpus).arg("--index").arg(&idx).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stats_total(&idx), (2, 0));
    // Shown escaped, one to one with the bytes.
    let (_, answer) = search_json(&idx, &["法治"]);
    let mut paths: Vec<String> =
        answer["hits"].as_array().unwrap().iter().map(|h| h["path"].as_str().unwrap().to_string()).collect();
    paths.sort();
    assert_eq!(paths.len(), 2);
    assert!(paths[0].ends_with("\\xB1\\xA8\\xB8\\xE6.txt"), "{paths:?}");
    assert!(paths[1].ends_with("\\xB1\\xA8\\xB8\\xE7.txt"), "{paths:?}");
    // Unchanged on a rerun, and never taken for deleted.
    let out = fazhi().arg("index").arg(&corpus).args(["--prune", "--index"]).arg(&idx).output().unwrap();
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("已索引 0 篇，未变 2 篇"), "{summary}");
    assert!(!summary.contains("清除"), "{summary}");
    assert_eq!(stats_total(&idx), (2, 0));
    // Removing one is seen for that one only.
    fs::remove_file(corpus.join(OsStr::from_bytes(a))).unwrap();
    let out = fazhi().arg("index").arg(&corpus).args(["--prune", "--index"]).arg(&idx).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("清除已删除文件 1 篇"));
    assert_eq!(stats_total(&idx), (1, 0));
}

#[test]
fn prune_keeps_the_reports_of_a_folder_it_could_not_read() {
    let root = scratch("guard-prune");
    let (corpus, idx) = (root.join("corpus"), root.join("index"));
    fs::create_dir_all(corpus.join("sub")).unwrap();
    fs::copy(bundled_corpus().join(DONGFENG), corpus.join("a.txt")).unwrap();
    fs::copy(bundled_corpus().join(TAOZHUANG), corpus.join("sub/b.txt")).unwrap();
    fs::copy(bundled_corpus().join(GUTANG), corpus.join("sub/c.txt")).unwrap();
    fazhi().arg("index").arg(&corpus).arg("--index").arg(&idx).assert().success();
    assert_eq!(stats_total(&idx), (3, 0));
    // Root reads any folder: the failure is injected.
    let out = fazhi()
        .env("FAZHI_INJECT_UNREADABLE", corpus.join("sub"))
        .arg("index")
        .arg(&corpus)
        .args(["--prune", "--index"])
        .arg(&idx)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(stderr.contains("sub") && stderr.contains("无法读取"), "{stderr}");
    assert!(!stdout.contains("清除"), "{stdout}");
    assert!(stdout.contains("2 篇的文件无法访问"), "{stdout}");
    assert_eq!(stats_total(&idx), (3, 0));
    // Really gone: pruned.
    fs::remove_dir_all(corpus.join("sub")).unwrap();
    let out = fazhi().arg("index").arg(&corpus).args(["--prune", "--index"]).arg(&idx).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("清除已删除文件 2 篇"));
    assert_eq!(stats_total(&idx), (1, 0));
}

/// Reads the index at `idx` every way a reader can; all must work.
fn read_everything(idx: &Path, env: &[(&str, &str)]) {
    let run = |args: &[&str]| {
        let mut cmd = fazhi();
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.args(args).arg("--index").arg(idx).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let answer: serde_json::Value = serde_json::from_slice(&run(&["search", "枫桥经验", "--format", "json"])).unwrap();
    assert_eq!(answer["total"], 3);
    let id = answer["hits"][0]["id"].as_str().unwrap().to_string();
    run(&["show", &id]);
    run(&["stats"]);
    run(&["facets", "法治"]);
    run(&["verify"]);
}

#[test]
fn a_read_only_index_can_be_searched_shown_counted_and_verified() {
    let root = scratch("guard-ro");
    let idx = root.join("index");
    fazhi().arg("index").arg(bundled_corpus()).arg("--index").arg(&idx).assert().success();
    // An injected lock failure, as a read-only mount gives.
    read_everything(&idx, &[("FAZHI_INJECT_READONLY", "1")]);
    // A real read-only bind mount, where this process may mount (root in CI).
    let mount = root.join("ro");
    fs::create_dir_all(&mount).unwrap();
    let mounted =
        Std::new("mount").args(["--bind", "-o", "ro"]).arg(&idx).arg(&mount).status().is_ok_and(|s| s.success());
    if mounted {
        let result = std::panic::catch_unwind(|| {
            assert!(fs::write(mount.join("probe"), "x").is_err(), "the mount is not read-only");
            read_everything(&mount, &[]);
            // Writing says why, in one line, and nothing about damage.
            let out = fazhi().arg("index").arg(bundled_corpus()).arg("--index").arg(&mount).output().unwrap();
            assert_eq!(out.status.code(), Some(2));
            let line = one_line(&out.stderr);
            assert!(line.contains("只读") && !line.contains("损坏"), "{line}");
        });
        let _ = Std::new("umount").arg(&mount).status();
        if let Err(e) = result {
            std::panic::resume_unwind(e);
        }
    } else {
        eprintln!("read-only bind mount not possible here: checked with the injected failure only");
    }
}

#[test]
fn an_index_of_the_flat_layout_asks_for_a_rebuild_which_replaces_it() {
    let root = scratch("guard-flat");
    let idx = root.join("index");
    fazhi().arg("index").arg(bundled_corpus()).arg("--index").arg(&idx).assert().success();
    // Make it look like an index of the earlier, flat layout.
    let generation = fs::read_dir(&idx).unwrap().map(|e| e.unwrap().path()).find(|p| p.is_dir()).unwrap();
    for entry in fs::read_dir(&generation).unwrap() {
        let path = entry.unwrap().path();
        fs::rename(&path, idx.join(path.file_name().unwrap())).unwrap();
    }
    fs::remove_dir(&generation).unwrap();
    fs::remove_file(idx.join("fazhi.lock")).unwrap();
    fs::write(
        idx.join("fazhi-index.json"),
        r#"{"fingerprint":"0123456789abcdef","schema_version":1,"fazhi_version":"0.1.0"}"#,
    )
    .unwrap();
    refused_until_rebuilt(&idx);
    // Only the marker, the lock and one generation are left.
    let mut names: Vec<String> =
        fs::read_dir(&idx).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(&names[..2], ["fazhi-index.json", "fazhi.lock"]);
}
