//! The parser side of [`super::pool`]: `fazhi __parse-worker` reads file
//! paths from stdin and answers each with what [`super::read`] gives, under
//! limits it sets on itself. A stack overflow, an allocation failure or an
//! endless loop in a parsing crate ends this process, never the indexer.
//!
//! Protocol: frames of a little-endian `u32` length and its bytes. A request
//! is a path's bytes; a reply is the JSON of `Result<Vec<Part>, SkipReason>`.
//! Replies go out on a copy of the original stdout; fd 1 itself is pointed
//! at stderr, so a crate that prints cannot corrupt a reply.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::fd::FromRawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use super::{Part, SkipReason};

/// Stack of the parsing thread: deep enough for any real document (the
/// parsers' own bounds stop abuse first); a runaway recursion overflows it
/// and ends the worker, which costs that one file.
const STACK_BYTES: usize = 64 << 20;
/// Longest request (a path) and reply (a report's text is at most 64 MB).
const MAX_REQUEST: usize = 1 << 20;
pub const MAX_REPLY: usize = 1 << 30;

/// What one parser process may spend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Address space of the worker, in MB.
    pub memory_mb: u64,
    /// CPU time per file, in seconds; the wall-clock budget is twice this.
    pub seconds: u64,
}

impl Default for Limits {
    /// 2 GB holds the largest document fazhi reads (128 MB) parsed several
    /// times over; 30 s is 30–100 times what a 300-page report takes.
    fn default() -> Limits {
        Limits { memory_mb: 2048, seconds: 30 }
    }
}

pub type Reply = Result<Vec<Part>, SkipReason>;

/// Runs the worker until stdin closes.
pub fn serve(limits: Limits) -> io::Result<()> {
    // SAFETY: dup/dup2 on the process's own standard descriptors, before any
    // other thread exists; the duplicate is owned by `replies` alone.
    let replies = unsafe {
        let fd = libc::dup(1);
        if fd < 0 || libc::dup2(2, 1) < 0 {
            return Err(io::Error::last_os_error());
        }
        File::from_raw_fd(fd)
    };
    limit(libc::RLIMIT_AS, limits.memory_mb << 20)?;
    let parser = std::thread::Builder::new().stack_size(STACK_BYTES).spawn(move || answer_all(limits, replies))?;
    parser.join().unwrap_or_else(|_| Err(io::Error::other("解析进程内部错误")))
}

fn answer_all(limits: Limits, replies: File) -> io::Result<()> {
    let mut requests = BufReader::new(io::stdin().lock());
    let mut replies = BufWriter::new(replies);
    while let Some(request) = read_frame(&mut requests, MAX_REQUEST)? {
        // The CPU limit counts the whole life of the process: each file gets
        // its budget on top of what was spent so far.
        limit(libc::RLIMIT_CPU, cpu_seconds_used() + limits.seconds)?;
        let path = Path::new(OsStr::from_bytes(&request));
        crate::failpoint::parse_fault(path);
        let reply: Reply =
            std::panic::catch_unwind(|| super::read(path, &Default::default())).unwrap_or(Err(SkipReason::Internal));
        let json = serde_json::to_vec(&reply).unwrap_or_else(|_| {
            serde_json::to_vec(&Reply::Err(SkipReason::Internal)).expect("a plain enum serializes")
        });
        write_frame(&mut replies, &json)?;
        replies.flush()?;
    }
    Ok(())
}

/// Lowers the soft limit of `resource` to `value` (never above the hard limit).
fn limit(resource: libc::__rlimit_resource_t, value: u64) -> io::Result<()> {
    let mut current = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: plain system calls on a local struct.
    unsafe {
        if libc::getrlimit(resource, &mut current) != 0 {
            return Err(io::Error::last_os_error());
        }
        current.rlim_cur = value.min(current.rlim_max);
        if libc::setrlimit(resource, &current) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

fn cpu_seconds_used() -> u64 {
    // SAFETY: getrusage fills a zeroed struct of its own type.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) as u64 + 1
}

pub fn write_frame(out: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("frame too long"))?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(bytes)
}

/// The next frame, or `None` at a clean end of input.
pub fn read_frame(input: &mut impl Read, max: usize) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_le_bytes(len) as usize;
    if len > max {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "frame too long"));
    }
    let mut bytes = vec![0; len];
    input.read_exact(&mut bytes)?;
    Ok(Some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_end_cleanly() {
        let mut wire = Vec::new();
        write_frame(&mut wire, "青石镇.pdf".as_bytes()).unwrap();
        write_frame(&mut wire, b"").unwrap();
        let mut input = &wire[..];
        assert_eq!(read_frame(&mut input, 100).unwrap().unwrap(), "青石镇.pdf".as_bytes());
        assert_eq!(read_frame(&mut input, 100).unwrap().unwrap(), b"");
        assert!(read_frame(&mut input, 100).unwrap().is_none());
    }

    #[test]
    fn a_frame_longer_than_allowed_is_an_error_not_an_allocation() {
        let mut input = &u32::MAX.to_le_bytes()[..];
        assert_eq!(read_frame(&mut input, 1 << 20).unwrap_err().kind(), io::ErrorKind::InvalidData);
    }
}
