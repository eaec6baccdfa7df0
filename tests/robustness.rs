//! Indexing under stress: killed runs, a second writer, searches during a
//! run, and bad inputs (huge files, one endless line, symlink loops,
//! unreadable, empty and binary files, 100,000 files). Nothing crashes or
//! stalls, each bad input gets its line, and what was indexed stays.

mod common;
#[path = "common/synth.rs"]
mod synth;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use common::*;

/// Commits every this many changes in the crash tests (fazhi's default is 5,000).
const COMMIT_EVERY: usize = 25;

/// A generated corpus of `n` reports; returns its folder and sorted file names.
fn corpus(root: &Path, n: usize) -> (PathBuf, Vec<String>) {
    let sentences = synth::seed_sentences(&bundled_corpus());
    let reports = synth::generate(n, 7, &sentences);
    synth::write(root, &reports);
    let mut names: Vec<String> = reports.iter().map(|r| r.file.clone()).collect();
    names.sort();
    (root.join("docs"), names)
}

fn spawn_index(corpus: &Path, index: &Path) -> Child {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("fazhi"));
    cmd.arg("index").arg(corpus).arg("--index").arg(index);
    cmd.env("FAZHI_COMMIT_EVERY", COMMIT_EVERY.to_string()).stdout(Stdio::null()).stderr(Stdio::piped());
    cmd.spawn().unwrap()
}

/// File names of every report the index holds (all synthetic reports are
/// 法治政府建设情况报告); none when no commit was made.
fn indexed(index: &Path) -> BTreeSet<String> {
    // Killed before its first commit, the folder holds no index yet (no
    // marker): a search says so, and the next run builds it.
    if !index.join("fazhi-index.json").exists() {
        let out = fazhi().args(["search", "法治", "--index"]).arg(index).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.code() == Some(2) && err.contains("没有找到索引"), "{err}");
        return BTreeSet::new();
    }
    let (code, answer) = search_json(index, &["法治政府建设情况报告"]);
    assert!(code == 0 || code == 1, "search failed with {code}");
    hit_files(&answer)
}

/// xorshift, so the kill points are random but the test is repeatable.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn killed_runs_leave_the_last_commit_and_a_rerun_completes() {
    let root = scratch("crash");
    let (docs, names) = corpus(&root, 600);
    let idx = root.join("index");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut kills, mut runs, mut before) = (0, 0, 0);
    while kills < 20 {
        runs += 1;
        assert!(runs < 200, "could not interrupt a run 20 times");
        let mut child = spawn_index(&docs, &idx);
        std::thread::sleep(Duration::from_millis(20 + rng.below(700)));
        let interrupted = child.try_wait().unwrap().is_none();
        let _ = child.kill(); // SIGKILL: no cleanup at all.
        let _ = child.wait();
        kills += interrupted as usize;

        // The index opens and holds what some commit held: files are
        // indexed in name order, so a prefix of the sorted names, and never
        // fewer than before the kill.
        let held = indexed(&idx);
        let n = held.len();
        eprintln!("kill {kills} (interrupted: {interrupted}): {n} reports");
        let prefix: BTreeSet<String> = names[..n].iter().cloned().collect();
        assert_eq!(held, prefix, "after kill {kills}: not a prefix of the files");
        assert!(n >= before, "after kill {kills}: {n} reports, {before} before it");
        before = n;
        if n == names.len() {
            // Complete: start over so later kills interrupt real work.
            fs::remove_dir_all(&idx).unwrap();
            before = 0;
        }
    }
    // A run to the end completes the work.
    let out = fazhi().arg("index").arg(&docs).arg("--index").arg(&idx).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(indexed(&idx).len(), names.len());
}

#[test]
fn a_second_writer_is_refused_while_the_lock_is_held() {
    let root = scratch("lock");
    let idx = root.join("index");
    fazhi().arg("index").arg(bundled_corpus()).arg("--index").arg(&idx).assert().success();
    let before = indexed(&idx);
    // The test is the first writer: it holds the lock as fazhi does (flock).
    let lock = fs::OpenOptions::new().read(true).write(true).open(idx.join("fazhi.lock")).unwrap();
    lock.try_lock().unwrap();
    let (docs, _) = corpus(&root, 20);
    for args in [vec!["index"], vec!["index", "--rebuild"], vec!["index", "--prune"]] {
        let out = fazhi().args(&args).arg(&docs).arg("--index").arg(&idx).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("fazhi.lock") && err.trim_end().lines().count() == 1, "{err}");
    }
    // Nothing changed, and searches answer while the lock is held.
    assert_eq!(indexed(&idx), before);
    let (code, _) = search_json(&idx, &["枫桥经验"]);
    assert_eq!(code, 0);
    drop(lock);
    fazhi().arg("index").arg(&docs).arg("--index").arg(&idx).assert().success();
    assert_eq!(indexed(&idx).len(), before.len() + 20);
}

#[test]
fn searches_during_a_run_see_the_last_commit() {
    let root = scratch("during");
    let (docs, names) = corpus(&root, 1500);
    let idx = root.join("index");
    fazhi().arg("index").arg(bundled_corpus()).arg("--index").arg(&idx).assert().success();
    let mut child = spawn_index(&docs, &idx);
    let mut seen = Vec::new();
    while child.try_wait().unwrap().is_none() {
        // Searches keep answering during the run, from the last commit.
        let (_, answer) = search_json(&idx, &["枫桥经验"]);
        seen.push(answer["total"].as_u64().unwrap());
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "a search saw reports disappear: {seen:?}");
    assert_eq!(indexed(&idx).len(), names.len() + 1); // + the bundled 东凤镇 report's title matches too
}

fn run_index(corpus: &Path, index: &Path) -> (i32, String) {
    let out = fazhi().arg("index").arg(corpus).arg("--index").arg(index).timeout(Duration::from_secs(300)).output();
    let out = out.unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn bad_inputs_each_get_a_line_and_lose_nothing() {
    let root = scratch("limits");
    let (corpus, idx) = (root.join("corpus"), root.join("index"));
    fs::create_dir_all(corpus.join("good")).unwrap();
    for name in [DONGFENG, TAOZHUANG, GUTANG, PANLONG, YONGPING] {
        fs::copy(bundled_corpus().join(name), corpus.join("good").join(name)).unwrap();
    }
    assert_eq!(run_index(&corpus, &idx).0, 0);
    let (_, before) = search_json(&idx, &["枫桥经验"]);

    let bad = corpus.join("bad");
    fs::create_dir_all(&bad).unwrap();
    // 200 MB: skipped unread, whatever it holds.
    let line = "本镇坚持依法行政，推进法治政府建设。\n".repeat(1000);
    let mut huge = fs::File::create(bad.join("huge.txt")).unwrap();
    for _ in 0..(200 << 20) / line.len() + 1 {
        std::io::Write::write_all(&mut huge, line.as_bytes()).unwrap();
    }
    drop(huge);
    // One 5 MB line: a report like any other.
    let endless = format!("独行线测试报告{}", "依法治理一行到底".repeat(5 * (1 << 20) / 24));
    fs::write(bad.join("one_line.txt"), endless).unwrap();
    fs::write(bad.join("empty.txt"), b"").unwrap();
    fs::write(bad.join("binary.txt"), b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0").unwrap();
    fs::write(bad.join("photo.jpg"), b"\xff\xd8\xff\xe0").unwrap();
    std::os::unix::fs::symlink(&corpus, bad.join("loop")).unwrap();
    std::os::unix::fs::symlink(root.join("nowhere.txt"), bad.join("dangling.txt")).unwrap();

    let (code, out) = run_index(&corpus, &idx);
    assert_eq!(code, 0, "{out}");
    assert_skipped(
        &out,
        &[
            ("huge.txt", "文件过大"),
            ("empty.txt", "空文件"),
            ("binary.txt", "二进制文件"),
            ("photo.jpg", "不支持的格式"),
            ("loop", "符号链接循环"),
            ("dangling.txt", "无法读取"),
        ],
    );
    let (_, endless) = search_json(&idx, &["独行线测试报告"]);
    assert_eq!(hit_files(&endless), set(&["one_line.txt"]));
    let (_, after) = search_json(&idx, &["枫桥经验"]);
    assert_eq!(hit_files(&after), hit_files(&before));
}

#[test]
fn a_hundred_thousand_files_in_nested_folders() {
    let root = scratch("many");
    let (corpus, idx) = (root.join("corpus"), root.join("index"));
    let mut reports = 0;
    for a in 0..10 {
        for b in 0..10 {
            let dir = corpus.join(format!("{a}/{b}"));
            fs::create_dir_all(&dir).unwrap();
            for c in 0..1000 {
                // One in a hundred is a tiny report; the rest are empty files.
                let text = if c % 100 == 0 {
                    reports += 1;
                    format!("第{a}{b}{c:03}号乡镇法治政府建设情况报告\n\n本乡推进依法行政。")
                } else {
                    String::new()
                };
                fs::write(dir.join(format!("{c:04}.txt")), text).unwrap();
            }
        }
    }
    let (code, out) = run_index(&corpus, &idx);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("已索引 {reports} 篇")), "{out}");
    assert!(out.contains("跳过 99000 个（空文件 99000）"), "{out}");
    // Not 99,000 lines on stderr: 20 by name, the rest counted.
    assert!(out.lines().count() < 40, "{} lines", out.lines().count());
    let (_, answer) = search_json(&idx, &["依法行政"]);
    assert_eq!(answer["total"], reports);
}
