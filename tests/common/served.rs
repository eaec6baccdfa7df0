//! For the tests of `fazhi serve` and `fazhi mcp`: an index of the bundled
//! and synthetic reports, and the command line's answers to compare with.
//! The test crate declares `common` and `synth` beside this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::Value;

use crate::common::{bundled_corpus, fazhi, fazhi_process, index_with_manifest, scratch};
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
    index_with_manifest(&dir, &manifest)
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

/// `fazhi serve` running as a child process, killed when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
    pub stderr: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(index: &Path, extra: &[&str]) -> Server {
        Server::start_with(index, extra, &[])
    }

    /// With environment variables set (injected faults).
    pub fn start_with(index: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = fazhi_process()
            .envs(env.iter().copied())
            .args(["serve", "--port", "0", "--index"])
            .arg(index)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        lines.read_line(&mut first).unwrap();
        let start = first.find("http://").unwrap_or_else(|| panic!("no URL on the startup line: {first}"));
        let url = first[start..].split(['（', ' ', '\n']).next().unwrap().trim_end_matches('/').to_string();
        let stderr = Arc::new(Mutex::new(first));
        let rest = stderr.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            while lines.read_line(&mut line).is_ok_and(|n| n > 0) {
                rest.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        Server { child, url, stderr }
    }

    pub fn get(&self, path_and_query: &str) -> (u16, String) {
        let response = agent().get(format!("{}{path_and_query}", self.url)).call().unwrap();
        read(response)
    }

    pub fn post(&self, path: &str, body: &[u8]) -> (u16, String) {
        let response = agent().post(format!("{}{path}", self.url)).send(body).unwrap();
        read(response)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

pub fn read(mut response: ureq::http::Response<ureq::Body>) -> (u16, String) {
    let status = response.status().as_u16();
    let body = response.body_mut().with_config().limit(1 << 30).read_to_string().unwrap();
    (status, body)
}
