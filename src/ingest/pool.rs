//! Parsing that cannot take the run down: PDF, .docx and HTML are read in
//! worker processes (the `fazhi` binary itself, `__parse-worker`, see
//! [`super::worker`]), like Apache Tika's forked mode. A worker that
//! crashes, runs out of memory or overruns its time costs only the file it
//! was reading: the file is skipped with a reason and a fresh worker takes
//! the next one. Plain text and tables (JSON Lines, CSV, JSON), whose work
//! is bounded and linear, are read in-process.
//!
//! Workers live as long as the pool (one per thread that asks at once), so
//! a file costs a round trip over a pipe, not a process start.

use std::io::{BufReader, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::record::FieldMap;
use super::worker::{self, Limits, Reply};
use super::{Part, SkipReason};

/// The hidden subcommand that runs [`worker::serve`].
pub const WORKER_COMMAND: &str = "__parse-worker";
/// How much of a worker's stderr is kept to tell why it died.
const STDERR_TAIL: usize = 8 << 10;

/// Where files are parsed.
pub enum Pool {
    /// In worker processes with these limits.
    Isolated(Workers),
    /// In this process: for library users and tests that have no `fazhi`
    /// binary to start.
    InProcess,
}

pub struct Workers {
    limits: Limits,
    exe: PathBuf,
    idle: Mutex<Vec<Worker>>,
}

impl Pool {
    /// Workers running this very binary (which must be `fazhi`).
    pub fn isolated(limits: Limits) -> Pool {
        // /proc/self/exe still works when the binary was replaced during the run.
        let exe = Path::new("/proc/self/exe");
        let exe = if exe.exists() { exe.to_path_buf() } else { std::env::current_exe().unwrap_or_default() };
        Pool::Isolated(Workers { limits, exe, idle: Mutex::new(Vec::new()) })
    }

    /// Reads one file into its reports, as [`super::read`] does (the
    /// formats read in workers are not tables: `fields` is for the others).
    pub fn read(&self, path: &Path, fields: &FieldMap) -> Result<Vec<Part>, SkipReason> {
        match self {
            Pool::Isolated(workers) if isolated(path) => workers.read(path),
            _ => super::read(path, fields),
        }
    }
}

/// Formats whose parsers are third-party code over untrusted structure.
fn isolated(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
    matches!(ext.as_str(), "pdf" | "docx" | "html" | "htm")
}

impl Workers {
    fn read(&self, path: &Path) -> Result<Vec<Part>, SkipReason> {
        // A worker that died while idle (killed from outside) is noticed on
        // the first write; one fresh worker is tried before giving up.
        for attempt in 0..2 {
            let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let mut worker = match idle {
                Some(worker) => worker,
                None => Worker::start(&self.exe, self.limits)
                    .map_err(|e| SkipReason::ParseFailed(format!("无法启动解析进程：{e}")))?,
            };
            match worker.ask(path, self.limits) {
                Asked::Answered(reply) => {
                    self.idle.lock().unwrap_or_else(|e| e.into_inner()).push(worker);
                    return reply;
                }
                Asked::NotSent if attempt == 0 => continue,
                Asked::NotSent => return Err(SkipReason::ParseFailed("解析进程无法接收文件".into())),
                Asked::Failed(reason) => return Err(reason),
            }
        }
        unreachable!("the loop returns on its second attempt")
    }
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    replies: Receiver<Vec<u8>>,
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<JoinHandle<()>>,
}

enum Asked {
    Answered(Reply),
    /// The request could not be written: the worker was already gone.
    NotSent,
    /// The worker died or overran on this file.
    Failed(SkipReason),
}

impl Worker {
    fn start(exe: &Path, limits: Limits) -> std::io::Result<Worker> {
        let mut child = Command::new(exe)
            .arg(WORKER_COMMAND)
            .args(["--memory-mb", &limits.memory_mb.to_string(), "--seconds", &limits.seconds.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let (stdin, stdout, stderr) = (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let (Some(stdin), Some(stdout), Some(mut stderr)) = (stdin, stdout, stderr) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other("no pipes to the worker"));
        };
        // Replies are read on a thread so that waiting for one can time out.
        let (send, replies) = mpsc::channel();
        std::thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            while let Ok(Some(frame)) = worker::read_frame(&mut stdout, worker::MAX_REPLY) {
                if send.send(frame).is_err() {
                    break;
                }
            }
        });
        let tail = Arc::new(Mutex::new(String::new()));
        let keep = Arc::clone(&tail);
        let stderr_reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stderr.read(&mut buf) {
                let mut tail = keep.lock().unwrap_or_else(|e| e.into_inner());
                tail.push_str(&String::from_utf8_lossy(&buf[..n]));
                if tail.len() > STDERR_TAIL {
                    let mut cut = tail.len() - STDERR_TAIL;
                    while !tail.is_char_boundary(cut) {
                        cut += 1;
                    }
                    tail.drain(..cut);
                }
            }
        });
        Ok(Worker { child, stdin, replies, stderr: tail, stderr_reader: Some(stderr_reader) })
    }

    fn ask(&mut self, path: &Path, limits: Limits) -> Asked {
        let sent = worker::write_frame(&mut self.stdin, path.as_os_str().as_bytes()).and_then(|()| self.stdin.flush());
        if sent.is_err() {
            return Asked::NotSent;
        }
        // Wall clock: twice the CPU budget, for a busy machine or a slow disk.
        match self.replies.recv_timeout(Duration::from_secs(limits.seconds * 2)) {
            Ok(json) => Asked::Answered(serde_json::from_slice(&json).unwrap_or(Err(SkipReason::Internal))),
            Err(RecvTimeoutError::Timeout) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                Asked::Failed(SkipReason::Timeout(limits.seconds * 2))
            }
            Err(RecvTimeoutError::Disconnected) => {
                // Usually already dead; one that sent a broken frame is ended.
                let _ = self.child.kill();
                let status = self.child.wait();
                if let Some(reader) = self.stderr_reader.take() {
                    let _ = reader.join();
                }
                let stderr = self.stderr.lock().unwrap_or_else(|e| e.into_inner()).clone();
                Asked::Failed(match status {
                    Ok(status) => why_it_died(status, &stderr, limits),
                    Err(e) => SkipReason::ParseFailed(format!("解析进程状态未知：{e}")),
                })
            }
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Idle workers hold no work: ending them at once is safe.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The skip reason for a worker that ended while parsing, from how it ended
/// and the last words the Rust runtime printed.
fn why_it_died(status: ExitStatus, stderr: &str, limits: Limits) -> SkipReason {
    if status.signal() == Some(libc::SIGXCPU) {
        SkipReason::Timeout(limits.seconds)
    } else if stderr.contains("has overflowed its stack") {
        SkipReason::TooComplex("嵌套过深，解析时栈溢出".into())
    } else if stderr.contains("memory allocation of") {
        SkipReason::TooComplex(format!("解析所需内存超过 {} MB", limits.memory_mb))
    } else if let Some(signal) = status.signal() {
        SkipReason::ParseFailed(format!("解析进程因信号 {signal} 退出"))
    } else {
        SkipReason::ParseFailed(format!("解析进程意外退出，退出码 {}", status.code().unwrap_or(-1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deaths_are_named_by_cause() {
        let limits = Limits { memory_mb: 512, seconds: 3 };
        let signal = |n| ExitStatus::from_raw(n);
        assert_eq!(why_it_died(signal(libc::SIGXCPU), "", limits), SkipReason::Timeout(3));
        let overflow = "\nthread 'x' has overflowed its stack\nfatal runtime error: stack overflow\n";
        assert!(matches!(why_it_died(signal(libc::SIGABRT), overflow, limits), SkipReason::TooComplex(_)));
        let oom = "memory allocation of 1073741824 bytes failed\n";
        assert_eq!(
            why_it_died(signal(libc::SIGABRT), oom, limits),
            SkipReason::TooComplex("解析所需内存超过 512 MB".into())
        );
        assert_eq!(
            why_it_died(signal(libc::SIGSEGV), "", limits),
            SkipReason::ParseFailed("解析进程因信号 11 退出".into())
        );
    }

    #[test]
    fn only_third_party_formats_leave_the_process() {
        for (name, out) in
            [("a.PDF", true), ("a.docx", true), ("a.htm", true), ("a.txt", false), ("a.jsonl", false), ("a.csv", false)]
        {
            assert_eq!(isolated(Path::new(name)), out, "{name}");
        }
    }
}
