//! Warm query latency with filters and facet counts at scale:
//! `cargo bench --bench facets` (FAZHI_BENCH_DOCS, default 100000).
//!
//! Builds (once, cached under target/) a synthetic corpus with known
//! metadata (tests/common/synth.rs) and its index, then times warm queries.
//! The peer in the same run is the same text query with no filter and no
//! counts, so the table shows what filtering and counting add.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fazhi::index::build::{build, BuildRequest};
use fazhi::query::filters::{FilterSpec, YearRange};
use fazhi::search::counts::Dim;
use fazhi::search::{Engine, SearchRequest};

#[path = "../tests/common/synth.rs"]
mod synth;

const ROUNDS: usize = 60;

fn main() {
    let n: usize = std::env::var("FAZHI_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-facets-{n}"));
    let index = root.join("index");
    if !fazhi::index::layout::is_index(&index) {
        let _ = std::fs::remove_dir_all(&root);
        let start = Instant::now();
        let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/reports");
        let reports = synth::generate(n, 20240601, &synth::seed_sentences(&corpus));
        let manifest = synth::write(&root, &reports);
        eprintln!("generated {n} reports in {:.1} s", start.elapsed().as_secs_f64());
        let start = Instant::now();
        let request = BuildRequest {
            paths: vec![root.join("docs")],
            progress: None,
            manifest: Some(manifest),
            ..Default::default()
        };
        build(&index, &request).expect("index");
        eprintln!("indexed in {:.1} s", start.elapsed().as_secs_f64());
    }
    let engine = Engine::open(&index).expect("open");
    let docs = engine.searcher().expect("a searcher").num_docs();

    let plain = |q: &str| SearchRequest { query: q.into(), limit: 10, ..SearchRequest::default() };
    let filtered = |q: &str| SearchRequest {
        query: q.into(),
        limit: 10,
        filters: FilterSpec {
            regions: vec!["浙江".into()],
            years: vec![YearRange { from: Some(2021), to: None }],
            ..FilterSpec::default()
        },
        facets: true,
        ..SearchRequest::default()
    };
    let pivot = |q: &str| SearchRequest { pivot: Some((Dim::Region, Dim::Year)), ..filtered(q) };
    let queries = ["枫桥经验", "法律明白人", "行政执法三项制度", "公职律师 一网通办", "依法行政"];

    println!("| {docs} reports, warm, {ROUNDS} rounds × {} queries | p50 | p95 | p99 | hits/query |", queries.len());
    println!("|---|---|---|---|---|");
    let mut baseline = Duration::ZERO;
    for (name, make) in [
        ("plain query, top 10 with snippets (peer)", &plain as &dyn Fn(&str) -> SearchRequest),
        ("filtered (浙江, 2021..) + facets", &filtered),
        ("filtered + facets + pivot region×year", &pivot),
    ] {
        let requests: Vec<SearchRequest> = queries.iter().map(|q| make(q)).collect();
        for r in &requests {
            engine.search(r).expect("warm-up");
        }
        let mut times = Vec::new();
        let mut hits = 0;
        for _ in 0..ROUNDS {
            for r in &requests {
                let start = Instant::now();
                let answer = engine.search(r).expect("search");
                times.push(start.elapsed());
                hits += answer.total;
            }
        }
        times.sort();
        let at = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        if baseline.is_zero() {
            baseline = at(0.5);
        }
        println!(
            "| {name} | {:.2} ms ({:.2}×) | {:.2} ms | {:.2} ms | {} |",
            ms(at(0.5)),
            ms(at(0.5)) / ms(baseline),
            ms(at(0.95)),
            ms(at(0.99)),
            hits / times.len()
        );
    }
}
