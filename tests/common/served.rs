//! For the tests of `fazhi serve` and `fazhi mcp`: an index of the bundled
//! and synthetic reports, and the command line's answers to compare with.
//! The test crate declares `common` and `synth` beside this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use crate::common::{bundled_corpus, fazhi, scratch};
use crate::synth;

/// The bundled reports and 60 synthetic ones (with known places and
/// years), indexed once for this test binary.
pub fn test_index() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| build_index("served-index")).as_path()
}

/// A fresh index of the same reports in its own folder (the reports in
/// `docs/` beside it); returns the index dir.
pub fn build_index(name: &str) -> PathBuf {
    let dir = scratch(name);
    let reports = synth::generate(60, 20261201, &synth::seed_sentences(&bundled_corpus()));
    let manifest = synth::write(&dir, &reports);
    for entry in std::fs::read_dir(bundled_corpus()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join("docs").join(path.file_name().unwrap())).unwrap();
    }
    let index = dir.join("index");
    fazhi()
        .arg("index")
        .arg(dir.join("docs"))
        .arg("--manifest")
        .arg(&manifest)
        .arg("--index")
        .arg(&index)
        .assert()
        .success();
    index
}

/// `fazhi COMMAND ARGS --index INDEX`: exit code, stdout, stderr.
pub fn cli(index: &Path, command: &str, args: &[String]) -> (i32, String, String) {
    let out = fazhi().arg(command).args(args).arg("--index").arg(index).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A JSON answer without its timing.
pub fn untimed(text: &str) -> Value {
    let mut value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    if let Some(object) = value.as_object_mut() {
        object.remove("took_ms");
    }
    value
}
