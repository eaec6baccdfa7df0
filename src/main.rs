//! The `fazhi` binary: parse flags, run one command, exit 0 (found),
//! 1 (nothing found) or 2 (error), like ripgrep.

mod cli;
mod commands;
mod mcp;
mod print;
mod serve;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use commands::ERROR;

static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

fn main() -> ExitCode {
    // A bug must still end in one line and exit 2, not a backtrace: the hook
    // only records the message; panics that reach main print it on one line.
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string().replace('\n', " ");
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(message);
        }
    }));
    let cli = Cli::parse_from(cli::exclusions_to_flags(std::env::args_os()));
    let result = std::panic::catch_unwind(|| match cli.command {
        Command::Index(args) => commands::index::run(args),
        Command::Search(args) => commands::search::run(args),
        Command::Extract(args) => commands::extract::run(args),
        Command::Facets(args) => commands::search::facets(args),
        Command::Export(args) => commands::export::run(args),
        Command::Kwic(args) => commands::kwic::run(args),
        Command::Batch(args) => commands::batch::run(args),
        Command::Show(args) => commands::info::show(args),
        Command::Stats(args) => commands::info::stats(args),
        Command::Verify(args) => commands::verify::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Mcp(args) => mcp::run(args),
        Command::Completions(args) => commands::info::completions(args),
        Command::Man => commands::info::man(),
        Command::ParseWorker(args) => {
            let limits = fazhi::ingest::worker::Limits { memory_mb: args.memory_mb, seconds: args.seconds };
            fazhi::ingest::worker::serve(limits).map(|()| 0).map_err(Into::into)
        }
    });
    match result {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(e)) => {
            eprintln!("fazhi: 错误：{e:#}");
            ExitCode::from(ERROR)
        }
        Err(_) => {
            let message = LAST_PANIC.lock().ok().and_then(|mut m| m.take()).unwrap_or_default();
            eprintln!("fazhi: 内部错误（请报告此问题）：{message}");
            ExitCode::from(ERROR)
        }
    }
}
