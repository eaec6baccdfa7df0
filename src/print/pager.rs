//! Long output for a person goes through a pager, as git does: `$PAGER`
//! (split on whitespace; empty or `cat` means none), else `less -R` with
//! `LESS=FRX` when `LESS` is unset. Only when stdout is a terminal and the
//! output is taller than it; a pager that cannot start means printing
//! directly, and quitting the pager early is not an error.

use std::io::{self, IsTerminal, Write};
use std::process::{Command, Stdio};

use unicode_width::UnicodeWidthStr;

/// The pager command for a `$PAGER` value (`None`: unset); `None` when
/// paging is turned off.
pub fn choose(pager: Option<&str>) -> Option<Vec<String>> {
    let Some(pager) = pager else {
        return Some(vec!["less".into(), "-R".into()]);
    };
    let words: Vec<String> = pager.split_whitespace().map(str::to_string).collect();
    match words.first().map(String::as_str) {
        None | Some("cat") => None,
        Some(_) => Some(words),
    }
}

/// Rows `out` takes on a terminal `columns` wide (long lines wrap).
pub fn rows(out: &str, columns: usize) -> usize {
    let columns = columns.max(1);
    out.lines().map(|line| UnicodeWidthStr::width(line).div_ceil(columns).max(1)).sum()
}

/// The terminal's (rows, columns), from stdout.
fn terminal_size() -> Option<(usize, usize)> {
    // SAFETY: TIOCGWINSZ writes a winsize into the struct we own.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_row > 0 && size.ws_col > 0).then_some((size.ws_row as usize, size.ws_col as usize))
}

/// Writes `out` to stdout, through the pager when it is for a person on a
/// terminal (`allowed`: not `--no-pager`) and taller than the terminal.
pub fn show(out: &str, allowed: bool) -> io::Result<()> {
    if allowed && io::stdout().is_terminal() {
        let tall = terminal_size().is_some_and(|(height, width)| rows(out, width) > height);
        let pager = std::env::var("PAGER").ok();
        if let (true, Some(command)) = (tall, choose(pager.as_deref())) {
            if page(&command, out).is_ok() {
                return Ok(());
            }
        }
    }
    super::emit(out.as_bytes())
}

/// Runs the pager on `out`; an error only when it could not be started
/// (then nothing has been shown).
fn page(command: &[String], out: &str) -> io::Result<()> {
    let (program, args) = command.split_first().ok_or_else(|| io::Error::other("empty pager"))?;
    let mut cmd = Command::new(program);
    cmd.args(args).stdin(Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        cmd.env("LESS", "FRX");
    }
    let mut child = cmd.spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        // The user quitting early closes the pipe: not an error.
        let _ = stdin.write_all(out.as_bytes());
    }
    let _ = child.wait();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_from_the_environment() {
        assert_eq!(choose(None), Some(vec!["less".to_string(), "-R".to_string()]));
        assert_eq!(choose(Some("most -s")), Some(vec!["most".to_string(), "-s".to_string()]));
        assert_eq!(choose(Some("  less  -R -S ")).unwrap(), ["less", "-R", "-S"]);
        assert_eq!(choose(Some("")), None);
        assert_eq!(choose(Some("   ")), None);
        assert_eq!(choose(Some("cat")), None);
    }

    #[test]
    fn rows_count_wrapped_lines() {
        assert_eq!(rows("a\nb\n", 80), 2);
        assert_eq!(rows("\n\n", 80), 2);
        // 50 Han chars are 100 columns: two rows of 80.
        assert_eq!(rows(&"法".repeat(50), 80), 2);
        assert_eq!(rows("x", 0), 1);
    }
}
