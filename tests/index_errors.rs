//! Missing, corrupt, mismatched and default indexes: one clear line, exit 2.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn missing_index_is_one_line_exit_2() {
    let dir = scratch("missing").join("nowhere");
    let out = fazhi().args(["search", "枫桥经验", "--index"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line(&out.stderr).contains("没有找到索引"));
}

/// The folder of the index's current generation (its tantivy files).
fn generation(index: &std::path::Path) -> std::path::PathBuf {
    let marker: serde_json::Value =
        serde_json::from_slice(&std::fs::read(index.join("fazhi-index.json")).unwrap()).unwrap();
    index.join(marker["generation"].as_str().unwrap())
}

fn copy_of_bundled(name: &str) -> std::path::PathBuf {
    let dir = scratch(name).join("index");
    fazhi().arg("index").arg(bundled_corpus()).arg("--index").arg(&dir).assert().success();
    dir
}

#[test]
fn corrupt_index_is_one_line_exit_2_and_rebuild_repairs_it() {
    let dir = copy_of_bundled("corrupt");
    std::fs::write(generation(&dir).join("meta.json"), "{ not json").unwrap();
    let out = fazhi().args(["search", "枫桥经验", "--index"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line(&out.stderr).contains("--rebuild"));

    // Damaged segment files are caught when the index opens, too.
    let dir2 = copy_of_bundled("corrupt-seg");
    for entry in std::fs::read_dir(generation(&dir2)).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "store" || e == "term") {
            std::fs::write(&p, b"garbage").unwrap();
        }
    }
    let out = fazhi().args(["search", "枫桥经验", "--index"]).arg(&dir2).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    one_line(&out.stderr);

    fazhi().arg("index").arg(bundled_corpus()).arg("--rebuild").arg("--index").arg(&dir).assert().success();
    fazhi().args(["search", "枫桥经验", "--index"]).arg(&dir).assert().success();
}

#[test]
fn index_from_other_schema_or_dictionary_asks_for_rebuild() {
    let dir = copy_of_bundled("mismatch");
    let meta = dir.join("fazhi-index.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let old = v["fingerprint"].as_str().unwrap();
    std::fs::write(&meta, text.replace(old, "0000000000000000")).unwrap();
    refused_until_rebuilt(&dir);
}

#[test]
fn refuses_to_write_into_a_folder_that_is_not_an_index() {
    let dir = scratch("foreign");
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = fazhi().arg("index").arg(bundled_corpus()).arg("--index").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    one_line(&out.stderr);
    assert_eq!(std::fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
    fazhi().arg("index").arg(bundled_corpus()).arg("--rebuild").arg("--index").arg(&dir).assert().code(2);
    assert!(dir.join("notes.txt").exists());
}

#[test]
fn default_index_is_built_on_first_use_and_fazhi_index_env_overrides() {
    let home = scratch("first-use");
    let run = || {
        fazhi()
            .env("XDG_DATA_HOME", home.join("data"))
            .env("HOME", &home)
            .args(["search", "枫桥经验", "--format", "json"])
            .output()
            .unwrap()
    };
    let first = run();
    assert_eq!(first.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&first.stderr).contains("首次使用"));
    assert!(home.join("data/fazhi/index/fazhi-index.json").exists());
    let second = run();
    assert_eq!(second.status.code(), Some(0));
    assert!(second.stderr.is_empty(), "{}", String::from_utf8_lossy(&second.stderr));

    // FAZHI_INDEX points elsewhere: no default build, and a clear error if absent.
    fazhi()
        .env("FAZHI_INDEX", home.join("elsewhere"))
        .args(["search", "枫桥经验"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("elsewhere"));
}

#[test]
fn a_missing_file_is_named_as_missing() {
    let dir = copy_of_bundled("missing-file");
    let pos = std::fs::read_dir(generation(&dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pos"))
        .unwrap();
    std::fs::remove_file(&pos).unwrap();
    for args in [&["search", "枫桥经验"][..], &["stats"][..], &["verify"][..]] {
        let out = fazhi().args(args).arg("--index").arg(&dir).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let line = one_line(&out.stderr);
        assert!(line.contains("缺少文件") && line.contains(".pos"), "{line}");
    }
    // An update refuses before writing, the same way.
    let out = fazhi().arg("index").arg(bundled_corpus()).arg("--index").arg(&dir).output().unwrap();
    assert!(one_line(&out.stderr).contains("缺少文件"));
}

#[test]
fn a_full_disk_is_named_as_a_full_disk_and_loses_nothing() {
    let root = scratch("disk-full");
    let small = root.join("small");
    std::fs::create_dir_all(&small).unwrap();
    // A 400 KB file system, where this process may mount one (root in CI).
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=400k", "tmpfs"])
        .arg(&small)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("cannot mount a small file system here: disk-full test not run");
        return;
    }
    let result = std::panic::catch_unwind(|| {
        let idx = small.join("index");
        // The first report fits; all five do not.
        let one = root.join("one");
        std::fs::create_dir_all(&one).unwrap();
        std::fs::copy(bundled_corpus().join(DONGFENG), one.join("a.txt")).unwrap();
        fazhi().arg("index").arg(&one).arg("--index").arg(&idx).assert().success();
        let out = fazhi().arg("index").arg(bundled_corpus()).arg("--index").arg(&idx).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let line = one_line(&out.stderr);
        assert!(line.contains("磁盘空间不足"), "{line}");
        // What was committed is still there and answers.
        let out = fazhi().args(["stats", "--format", "json", "--index"]).arg(&idx).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(stats["documents"].as_u64().unwrap() >= 1);
    });
    let _ = std::process::Command::new("umount").arg(&small).status();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
