use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use fazhi::batch;
use fazhi::cli::{
    self, BatchArgs, Cli, ColorWhen, Command, CompletionsArgs, ExtractArgs, ExtractFormat, FacetsArgs, Format,
    IndexArgs, SearchArgs, ShowArgs, StatsArgs,
};
use fazhi::extract::{self, sidecar};
use fazhi::index::build::{self, BuildRequest, BuildSummary};
use fazhi::index::store::is_index_dir;
use fazhi::ingest;
use fazhi::paths;
use fazhi::render::table::Table;
use fazhi::render::{self, text::Style};
use fazhi::search::counts::Dim;
use fazhi::search::{Engine, SearchRequest};

/// ripgrep's convention: 0 found, 1 nothing found, 2 error.
const FOUND: u8 = 0;
const NOT_FOUND: u8 = 1;
const ERROR: u8 = 2;

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
        Command::Index(args) => index(args),
        Command::Search(args) => search(args),
        Command::Extract(args) => extract_metadata(args),
        Command::Facets(args) => facets(args),
        Command::Batch(args) => batch_queries(args),
        Command::Show(args) => show(args),
        Command::Stats(args) => stats(args),
        Command::Completions(args) => completions(args),
        Command::Man => man(),
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

fn index(args: IndexArgs) -> Result<u8> {
    let dir = args.location.index.clone().unwrap_or_else(paths::default_index_dir);
    let paths = if args.paths.is_empty() { vec![paths::bundled_corpus()] } else { args.paths };
    let request = BuildRequest { paths, rebuild: args.rebuild, progress: true, manifest: args.manifest };
    let summary = build::build(&dir, &request)?;
    for (path, reason) in &summary.skipped {
        eprintln!("fazhi: 跳过 {}：{reason}", path.display());
    }
    render::emit(format!("{}\n", summary_line(&summary, &dir)).as_bytes())?;
    Ok(FOUND)
}

fn summary_line(s: &BuildSummary, dir: &std::path::Path) -> String {
    let mut kinds = std::collections::BTreeMap::new();
    for (_, reason) in &s.skipped {
        *kinds.entry(reason.kind()).or_insert(0) += 1;
    }
    let skipped = if kinds.is_empty() {
        "跳过 0 个".to_string()
    } else {
        let reasons: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        format!("跳过 {} 个（{}）", s.skipped.len(), reasons.join("，"))
    };
    format!(
        "已索引 {} 篇，未变 {} 篇，{skipped}；索引共 {} 篇，位于 {}，用时 {:.1} 秒",
        s.indexed,
        s.unchanged,
        s.total_docs,
        dir.display(),
        s.elapsed.as_secs_f64()
    )
}

/// `--index`/`$FAZHI_INDEX`, else the default index (built on first use).
fn index_dir(location: &cli::IndexLocation) -> Result<PathBuf> {
    match &location.index {
        Some(dir) => Ok(dir.clone()),
        None => default_index_built_on_first_use(),
    }
}

fn search(args: SearchArgs) -> Result<u8> {
    render::hits::check_fields(&args.fields)?;
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let mut query = args.query.join(" ");
    for term in &args.not {
        query.push_str(&format!(" -{term}"));
    }
    let request = SearchRequest {
        query,
        limit: args.limit,
        offset: args.offset,
        filters: args.filters.spec(),
        literal: args.filters.literal,
        facets: args.facets,
        pivot: args.pivot,
        sort: args.sort,
        all_if_empty: false,
    };
    let response = engine.search(&request)?;
    let out = match args.format {
        Format::Json => render::json::response(&response),
        Format::Text => render::text::response(&response, args.offset, &Style { color: color(args.color) }),
        Format::Csv => match &response.pivot {
            Some(pivot) => Table::from_pivot(pivot).csv(),
            None => render::hits::csv(&response, args.offset, &args.fields),
        },
        Format::Jsonl => render::hits::jsonl(&response, args.offset, &args.fields),
    };
    render::emit(out.as_bytes())?;
    Ok(if response.total > 0 { FOUND } else { NOT_FOUND })
}

/// `fazhi extract`: metadata with evidence, without indexing. A file that
/// can't be read is reported on stderr; the others are still printed.
fn extract_metadata(args: ExtractArgs) -> Result<u8> {
    let mut records = Vec::new();
    let mut failed = false;
    for path in &args.files {
        let source = match ingest::read_report(path) {
            Ok(source) => source,
            Err(reason) => {
                eprintln!("fazhi: 跳过 {}：{reason}", path.display());
                failed = true;
                continue;
            }
        };
        let mut meta = extract::extract(&source.text);
        if let Some((overrides, name)) = sidecar::beside(path)? {
            sidecar::apply(&mut meta, &overrides, &name)?;
        }
        records.push(render::metadata::Record { path: path.display().to_string(), meta });
    }
    let out = match args.format {
        ExtractFormat::Text => render::metadata::text(&records),
        ExtractFormat::Json => render::metadata::json(&records),
        ExtractFormat::Jsonl => render::metadata::jsonl(&records),
    };
    render::emit(out.as_bytes())?;
    Ok(if failed { ERROR } else { FOUND })
}

/// `fazhi facets`: counts of matching reports by one dimension, one level
/// below the region (or level) filtered on.
fn facets(args: FacetsArgs) -> Result<u8> {
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let query = args.query.join(" ");
    let request = SearchRequest {
        query,
        limit: 0,
        filters: args.filters.spec(),
        literal: args.filters.literal,
        facets: true,
        all_if_empty: true,
        ..SearchRequest::default()
    };
    let response = engine.search(&request)?;
    let counts = response.facets.as_ref().expect("facets requested");
    let list = match args.by {
        Dim::Region => &counts.region,
        Dim::Year => &counts.year,
        Dim::Level => &counts.level,
    };
    let table = Table::from_buckets(args.by, list, response.total as u64);
    let out = match args.format {
        Format::Text => {
            let filters = render::text::filters_label(&response);
            let scope = if filters.is_empty() { String::new() } else { format!("（{filters}）") };
            format!("{}\n共 {} 篇报告{scope}\n", table.text(), response.total)
        }
        Format::Csv => table.csv(),
        Format::Json | Format::Jsonl => {
            let value = serde_json::json!({
                "query": response.query,
                "filters": response.filters,
                "by": args.by,
                "total": response.total,
                "buckets": list,
            });
            format!("{value}\n")
        }
    };
    render::emit(out.as_bytes())?;
    Ok(if response.total > 0 { FOUND } else { NOT_FOUND })
}

/// `fazhi batch`: exit 2 only when the input or the index can't be read;
/// a bad line is an error object in the output, not a failure.
fn batch_queries(args: BatchArgs) -> Result<u8> {
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let input: Box<dyn std::io::BufRead> = match args.input.as_deref() {
        None => Box::new(std::io::stdin().lock()),
        Some(p) if p == std::path::Path::new("-") => Box::new(std::io::stdin().lock()),
        Some(p) => Box::new(std::io::BufReader::new(
            std::fs::File::open(p).map_err(|e| anyhow::anyhow!("无法读取查询文件 {}（{e}）", p.display()))?,
        )),
    };
    // A counter on stderr, drawn only on a terminal.
    let progress = indicatif::ProgressBar::new_spinner();
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} 已回答 {pos} 个查询 {per_sec}") {
        progress.set_style(style);
    }
    let defaults = batch::Defaults { limit: args.limit, facets: args.facets };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let result = batch::run(&engine, input, defaults, &progress, |line| {
        use std::io::Write;
        writeln!(out, "{line}").map_err(anyhow::Error::from)
    })
    .and_then(|_| std::io::Write::flush(&mut out).map_err(anyhow::Error::from));
    progress.finish_and_clear();
    match result {
        Err(e) if e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) => {}
        other => other?,
    }
    Ok(FOUND)
}

fn show(args: ShowArgs) -> Result<u8> {
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let Some(report) = engine.report(&args.id)? else {
        eprintln!("fazhi: 索引中没有 ID 为 {} 的报告", args.id);
        return Ok(NOT_FOUND);
    };
    let out = match args.format {
        Format::Json | Format::Jsonl => serde_json::to_string(&report)? + "\n",
        Format::Text | Format::Csv => render::report::show(&report),
    };
    render::emit(out.as_bytes())?;
    Ok(FOUND)
}

fn stats(args: StatsArgs) -> Result<u8> {
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let stats = engine.stats()?;
    let out = match args.format {
        Format::Json | Format::Jsonl => serde_json::to_string(&stats)? + "\n",
        Format::Text | Format::Csv => render::report::stats(&stats),
    };
    render::emit(out.as_bytes())?;
    Ok(FOUND)
}

fn completions(args: CompletionsArgs) -> Result<u8> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "fazhi", &mut out);
    render::emit(&out)?;
    Ok(FOUND)
}

fn man() -> Result<u8> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    render::emit(&out)?;
    Ok(FOUND)
}

/// The default index, built from the bundled corpus the first time.
fn default_index_built_on_first_use() -> Result<PathBuf> {
    let dir = paths::default_index_dir();
    if !is_index_dir(&dir) {
        let corpus = paths::bundled_corpus();
        eprintln!("fazhi: 首次使用：正在用自带语料 {} 建立默认索引 {} …", corpus.display(), dir.display());
        let request = BuildRequest { paths: vec![corpus], rebuild: false, progress: true, manifest: None };
        let summary = build::build(&dir, &request)?;
        eprintln!("fazhi: {}", summary_line(&summary, &dir));
    }
    Ok(dir)
}

fn color(when: ColorWhen) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}
