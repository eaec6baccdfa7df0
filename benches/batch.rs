//! Batch throughput: `cargo bench --bench batch` (needs the index built by
//! `cargo bench --bench facets`; FAZHI_BENCH_DOCS as there, default 100000).
//!
//! Answers FAZHI_BENCH_QUERIES (default 10,000) queries, snippets included,
//! through `batch::run` on all cores, and, as the peer in the same run, the
//! same queries one after another on one thread.

use std::io::Cursor;
use std::path::PathBuf;
use std::time::Instant;

use fazhi::batch::{self, Defaults};
use fazhi::search::Engine;

/// A query mix like ../shared/bench/queries.txt: terms, years, provinces.
const QUERIES: &[&str] = &[
    "枫桥经验",
    "枫桥经验 2023",
    "浙江 枫桥经验",
    "法律明白人",
    "法律明白人 2022",
    "行政执法三项制度",
    "放管服改革",
    "一网通办",
    "矛盾纠纷化解",
    "矛盾纠纷 排查",
    "重大行政决策",
    "重大行政决策 合法性审查",
    "行政复议",
    "行政复议 行政诉讼",
    "普法宣传",
    "普法 2021",
    "法律顾问",
    "法律顾问 公职律师",
    "习近平法治思想",
    "营商环境",
    "优化营商环境 2024",
    "行政规范性文件",
    "人民调解",
    "综合行政执法",
    "权责清单",
    "政务公开",
    "信访",
    "广东 信访 2020",
    "{\"query\": \"枫桥经验\", \"region\": \"江苏\", \"facets\": true}",
    "{\"query\": \"公职律师\", \"year\": \"2021..\"}",
];

fn main() {
    let n: usize = std::env::var("FAZHI_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let count: usize = std::env::var("FAZHI_BENCH_QUERIES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    // FAZHI_BENCH_INDEX: any index, e.g. one built from ../shared/bench/gen_corpus.py --extra.
    let index = std::env::var_os("FAZHI_BENCH_INDEX")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-facets-{n}/index")));
    let engine = Engine::open(&index).expect("run `cargo bench --bench facets` first to build the index");
    let input: String = (0..count).map(|i| format!("{}\n", QUERIES[i % QUERIES.len()])).collect();
    let defaults = Defaults { limit: 10, facets: false };
    let hidden = || {};
    // Warm: dictionary, caches.
    batch::run(&engine, Cursor::new(QUERIES.join("\n")), defaults, &hidden, |_| Ok(())).unwrap();

    let start = Instant::now();
    let mut answered = 0;
    let mut bytes = 0;
    batch::run(&engine, Cursor::new(input.as_str()), defaults, &hidden, |line| {
        answered += 1;
        bytes += line.len();
        Ok(())
    })
    .unwrap();
    let parallel = start.elapsed().as_secs_f64();

    let sample = count.min(2_000);
    let start = Instant::now();
    for (i, line) in input.lines().take(sample).enumerate() {
        std::hint::black_box(batch::answer_line(&engine, i + 1, line, defaults));
    }
    let sequential = start.elapsed().as_secs_f64() * count as f64 / sample as f64;

    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    println!(
        "| {count} queries over {} reports, top 10 with snippets | seconds | queries/s |",
        engine.searcher().expect("a searcher").num_docs()
    );
    println!("|---|---|---|");
    println!("| one thread, one after another (peer) | {sequential:.2} | {:.0} (1.00×) |", count as f64 / sequential);
    println!(
        "| fazhi batch, {cores} cores | {parallel:.2} | {:.0} ({:.2}×) |",
        answered as f64 / parallel,
        sequential / parallel
    );
    println!("\noutput: {answered} lines, {:.1} MB", bytes as f64 / 1e6);

    // Where the time goes: each distinct query alone, slowest first.
    let mut each: Vec<(f64, &str)> = QUERIES
        .iter()
        .map(|q| {
            let start = Instant::now();
            for _ in 0..20 {
                std::hint::black_box(batch::answer_line(&engine, 1, q, defaults));
            }
            (start.elapsed().as_secs_f64() * 1e3 / 20.0, *q)
        })
        .collect();
    each.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("\n| query (one thread) | ms |\n|---|---|");
    for (ms, q) in each {
        println!("| {q} | {ms:.2} |");
    }
}
