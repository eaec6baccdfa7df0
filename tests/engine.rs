//! The engine a long-running process holds (a server): it answers from the
//! index's latest commit, made by a `fazhi index` running beside it, and
//! lets go of what the index no longer holds, so the disk space of removed
//! files is freed while the process lives.

mod common;
#[path = "common/synth.rs"]
mod synth;

use std::path::Path;

use common::*;
use fazhi::search::{Engine, SearchRequest};

/// The term-file cache is the process's: tests that count what it holds
/// run one at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn total(engine: &Engine, query: &str) -> usize {
    let request = SearchRequest { query: query.into(), limit: 0, ..SearchRequest::default() };
    engine.search(&request).unwrap().total
}

fn index(docs: &Path, idx: &Path, extra: &[&str]) {
    let out = fazhi().arg("index").arg(docs).args(extra).arg("--index").arg(idx).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Files of this process's memory maps that were deleted from under `dir`.
fn deleted_maps(dir: &Path) -> Vec<String> {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    let dir = dir.to_string_lossy().to_string();
    maps.lines().filter(|l| l.contains(&dir) && l.ends_with("(deleted)")).map(str::to_string).collect()
}

#[test]
fn an_open_engine_sees_new_commits_and_rebuilds_and_lets_go_of_removed_files() {
    let _alone = alone();
    let root = scratch("engine");
    let (some, all, idx) = (root.join("some"), root.join("all"), root.join("index"));
    std::fs::create_dir_all(&some).unwrap();
    std::fs::create_dir_all(&all).unwrap();
    let mut names: Vec<_> = std::fs::read_dir(bundled_corpus()).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for (i, path) in names.iter().enumerate() {
        let name = path.file_name().unwrap();
        if i < 2 {
            std::fs::copy(path, some.join(name)).unwrap();
        }
        std::fs::copy(path, all.join(name)).unwrap();
    }
    index(&some, &idx, &[]);
    let engine = Engine::open(&idx).unwrap();
    let before = total(&engine, "法治");
    assert_eq!(before, 2);

    // A commit beside it: the next request answers from it, as a fresh open does.
    index(&all, &idx, &[]);
    let after = total(&engine, "法治");
    assert_eq!(after, total(&Engine::open(&idx).unwrap(), "法治"));
    assert_eq!(after, names.len());
    for query in ["枫桥经验", "行政复议", "调解 2023", "浙江"] {
        assert_eq!(total(&engine, query), total(&Engine::open(&idx).unwrap(), query), "{query}");
    }

    // A rebuild from fewer reports: a new generation, the old one removed.
    index(&some, &idx, &["--rebuild"]);
    assert_eq!(total(&engine, "法治"), 2);
    // Derived data is the new index's too: regions it no longer holds are text again.
    let fresh = Engine::open(&idx).unwrap();
    for query in ["枫桥经验", "浙江 法治", "法治 2022"] {
        assert_eq!(total(&engine, query), total(&fresh, query), "{query}");
    }
    drop(fresh);
    assert!(deleted_maps(&idx).is_empty(), "still mapped after the reload: {:?}", deleted_maps(&idx));
    assert!(deleted_fds(&idx).is_empty(), "still open after the reload: {:?}", deleted_fds(&idx));
    // What the term cache holds is the current reader's segments only.
    let segments = engine.searcher().unwrap().segment_readers().len();
    let (_, held) = fazhi::index::terms::reader::cached();
    assert_eq!(held, segments);
    drop(engine);
    assert_eq!(fazhi::index::terms::reader::cached(), (0, 0));
}

/// This process's open files that were deleted from under `dir`.
fn deleted_fds(dir: &Path) -> Vec<String> {
    let dir = dir.to_string_lossy().to_string();
    let Ok(fds) = std::fs::read_dir("/proc/self/fd") else { return Vec::new() };
    fds.filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
        .map(|target| target.to_string_lossy().to_string())
        .filter(|target| target.starts_with(&dir) && target.ends_with("(deleted)"))
        .collect()
}

/// Every file below `dir`.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Waits until `engine` answers `query` as a fresh open of the index does;
/// how long that took.
fn caught_up(engine: &Engine, idx: &Path, query: &str) -> std::time::Duration {
    let start = std::time::Instant::now();
    loop {
        let fresh = total(&Engine::open(idx).unwrap(), query);
        if total(engine, query) == fresh {
            return start.elapsed();
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(1), "{query}: not caught up in a second");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn one_engine_follows_adds_changes_and_prunes_made_by_another_process() {
    let _alone = alone();
    let root = scratch("engine-follows");
    let (docs, idx) = (root.join("docs"), root.join("index"));
    std::fs::create_dir_all(&docs).unwrap();
    // 52 generated reports (their texts differ, so none is a repost of
    // another), each with a line of its own; 40 to start, committed 5 at a
    // time so that segments are merged away.
    let reports = synth::generate(52, 7, &synth::seed_sentences(&bundled_corpus()));
    let write = |i: usize, note: &str| {
        let text = format!("{}\n第{i}号附记：{note}。\n", reports[i].text);
        std::fs::write(docs.join(format!("r{i:02}.txt")), text).unwrap();
    };
    for i in 0..40 {
        write(i, "本报告编号");
    }
    let run = |extra: &[&str]| {
        let out = fazhi()
            .env("FAZHI_COMMIT_EVERY", "5")
            .arg("index")
            .arg(&docs)
            .args(extra)
            .arg("--index")
            .arg(&idx)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    };
    run(&[]);
    let engine = Engine::open(&idx).unwrap();
    assert_eq!(total(&engine, "附记"), 40);
    let files_at_open = files(&idx);

    // Changed reports: a word only they now hold.
    for i in [3, 17, 31] {
        let path = docs.join(format!("r{i:02}.txt"));
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}又及：量子纠缠调研。\n")).unwrap();
    }
    run(&[]);
    caught_up(&engine, &idx, "量子纠缠");
    assert_eq!(total(&engine, "量子纠缠"), 3);

    // Added, then pruned.
    for i in 40..52 {
        write(i, "新增报告");
    }
    run(&[]);
    caught_up(&engine, &idx, "附记");
    assert_eq!(total(&engine, "新增报告"), 12);
    for i in (0..52).step_by(4) {
        std::fs::remove_file(docs.join(format!("r{i:02}.txt"))).unwrap();
    }
    run(&["--prune"]);
    caught_up(&engine, &idx, "附记");
    assert_eq!(total(&engine, "附记"), 52 - 13);
    for query in ["量子纠缠", "新增报告", "枫桥经验", "法治 2023"] {
        assert_eq!(total(&engine, query), total(&Engine::open(&idx).unwrap(), query), "{query}");
    }
    // Segments merged away or emptied by these runs are gone from disk, and
    // the engine holds none of them open or mapped.
    let gone = files_at_open.iter().filter(|f| !f.exists()).count();
    assert!(gone > 0, "no file of the first open was removed: nothing to let go of");
    assert!(deleted_fds(&idx).is_empty(), "deleted files still open: {:?}", deleted_fds(&idx));
    assert!(deleted_maps(&idx).is_empty(), "deleted files still mapped: {:?}", deleted_maps(&idx));
}

#[test]
fn reload_on_demand_and_one_engine_on_many_threads() {
    let _alone = alone();
    let root = scratch("engine-threads");
    let idx = root.join("index");
    index(&bundled_corpus(), &idx, &[]);
    let engine = Engine::open(&idx).unwrap();
    engine.reload().unwrap();
    let expected = total(&engine, "法治");
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..20 {
                    assert_eq!(total(&engine, "法治"), expected);
                }
            });
        }
    });
}
