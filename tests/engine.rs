//! The engine a long-running process holds (a server): it answers from the
//! index's latest commit, made by a `fazhi index` running beside it, and
//! lets go of what the index no longer holds, so the disk space of removed
//! files is freed while the process lives.

mod common;

use std::path::Path;

use common::*;
use fazhi::search::{Engine, SearchRequest};

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
    // What the term cache holds is the current reader's segments only.
    let segments = engine.searcher().unwrap().segment_readers().len();
    let (_, held) = fazhi::index::terms::reader::cached();
    assert_eq!(held, segments);
    drop(engine);
    assert_eq!(fazhi::index::terms::reader::cached(), (0, 0));
}

#[test]
fn reload_on_demand_and_one_engine_on_many_threads() {
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
