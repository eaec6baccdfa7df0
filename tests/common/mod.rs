//! Helpers shared by the end-to-end tests: run the real binary against
//! indexes built in the target's temp dir, never the user's default index.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use serde_json::Value;

pub fn bundled_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reports")
}

/// A scratch dir under target/, fresh for this test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A scratch dir with an empty `corpus` folder inside: (dir, corpus).
pub fn workspace(name: &str) -> (PathBuf, PathBuf) {
    let root = scratch(name);
    let corpus = root.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    (root, corpus)
}

/// An index of the bundled corpus built by another fazhi (its fingerprint
/// differs): searching it and updating it in place exit 2 saying to run
/// `fazhi index --rebuild`, which fixes it.
pub fn refused_until_rebuilt(index: &Path) {
    let out = fazhi().args(["search", "枫桥经验", "--index"]).arg(index).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line(&out.stderr).contains("fazhi index --rebuild"), "{}", String::from_utf8_lossy(&out.stderr));
    fazhi().arg("index").arg(bundled_corpus()).arg("--index").arg(index).assert().code(2);
    fazhi().arg("index").arg(bundled_corpus()).arg("--rebuild").arg("--index").arg(index).assert().success();
    fazhi().args(["search", "枫桥经验", "--index"]).arg(index).assert().success();
}

/// Indexes `dir/docs` with the metadata of `manifest` into `dir/index`; returns the index.
pub fn index_with_manifest(dir: &Path, manifest: &Path) -> PathBuf {
    let index = dir.join("index");
    fazhi()
        .arg("index")
        .arg(dir.join("docs"))
        .arg("--manifest")
        .arg(manifest)
        .arg("--index")
        .arg(&index)
        .assert()
        .success();
    index
}

/// Terms every report collection of this field is searched for: the user
/// dictionary must hold each as one word (tests/analyzer.rs), and search
/// must find exactly the reports grep finds (tests/grep_equivalence.rs).
pub const CORE_TERMS: &[&str] = &[
    "枫桥经验",
    "放管服",
    "一网通办",
    "法律明白人",
    "三项制度",
    "八五普法",
    "最多跑一次",
    "大综合一体化",
    "重大行政决策",
    "公职律师",
    "权责清单",
];

/// The binary with a clean environment: no index override, no colour
/// settings, and a private data dir so the default index is never the user's.
pub fn fazhi() -> Command {
    Command::from_std(clean_env(std::process::Command::new(assert_cmd::cargo::cargo_bin("fazhi"))))
}

/// [`fazhi`] as a plain `std::process::Command`, for a process that runs
/// beside the test (`fazhi serve`, `fazhi mcp`).
pub fn fazhi_process() -> std::process::Command {
    clean_env(std::process::Command::new(assert_cmd::cargo::cargo_bin("fazhi")))
}

/// [`fazhi`]'s environment on any command that runs the binary.
fn clean_env(mut cmd: std::process::Command) -> std::process::Command {
    let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("home");
    cmd.env_remove("FAZHI_INDEX")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("XDG_DATA_HOME", home.join("data"))
        .env("HOME", home);
    cmd
}

/// The binary as [`fazhi`] sets it up, run under `prlimit --as=BYTES`: the
/// address-space limit holds for it and every process it starts. Without
/// `prlimit` (not on every system) it runs unlimited.
pub fn fazhi_within(address_space: u64) -> std::process::Command {
    let bin = assert_cmd::cargo::cargo_bin("fazhi");
    let prlimit = Path::new("/usr/bin/prlimit");
    clean_env(if prlimit.exists() {
        let mut cmd = std::process::Command::new(prlimit);
        cmd.arg(format!("--as={address_space}")).arg(bin);
        cmd
    } else {
        std::process::Command::new(bin)
    })
}

/// An index of the bundled corpus, built once per test binary.
pub fn bundled_index() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch("bundled-index").join("index");
        fazhi().arg("index").arg(bundled_corpus()).arg("--index").arg(&dir).assert().success();
        dir
    })
}

/// `fazhi search ARGS --format json` on `index`: (exit code, parsed JSON).
pub fn search_json(index: &Path, args: &[&str]) -> (i32, Value) {
    let out = fazhi()
        .arg("search")
        .args(args)
        .args(["--format", "json", "--limit", "100000", "--index"])
        .arg(index)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON for {args:?} ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (code, json)
}

/// File names of the hits of a JSON answer.
pub fn hit_files(answer: &Value) -> BTreeSet<String> {
    answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| Path::new(h["path"].as_str().unwrap()).file_name().unwrap().to_string_lossy().to_string())
        .collect()
}

/// Bundled report files by the place they are about (our reading of them).
pub const DONGFENG: &str = "000_c910b3bfb2b97b9e.txt";
pub const TAOZHUANG: &str = "001_af739eaade7ce012.txt";
pub const GUTANG: &str = "002_004062c06e91e459.txt";
pub const PANLONG: &str = "003_4a2ec2c377f7ec85.txt";
pub const YONGPING: &str = "004_eeca747ca845fb37.txt";

pub fn set(files: &[&str]) -> BTreeSet<String> {
    files.iter().map(|f| f.to_string()).collect()
}

/// The highlighted substrings of every snippet of every hit.
pub fn highlighted(answer: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for hit in answer["hits"].as_array().unwrap() {
        for s in hit["snippets"].as_array().unwrap() {
            let chars: Vec<char> = s["text"].as_str().unwrap().chars().collect();
            for h in s["highlights"].as_array().unwrap() {
                let (a, b) = (h[0].as_u64().unwrap() as usize, h[1].as_u64().unwrap() as usize);
                assert!(a < b && b <= chars.len(), "highlight {a}..{b} outside {}", chars.len());
                out.push(chars[a..b].iter().collect());
            }
        }
    }
    out
}

/// An error output of exactly one line, returned trimmed.
pub fn one_line(stderr: &[u8]) -> String {
    let s = String::from_utf8_lossy(stderr).trim_end().to_string();
    assert_eq!(s.lines().count(), 1, "expected one line, got:\n{s}");
    s
}

/// `fazhi index` output names each skipped file with its reason on one line.
pub fn assert_skipped(output: &str, expected: &[(&str, &str)]) {
    for (file, reason) in expected {
        assert!(
            output.lines().any(|l| l.contains(file) && l.contains(reason)),
            "no line for {file} ({reason}): {output}"
        );
    }
}
pub mod hostile;
