//! Warm in-process query latency for the scale benchmark (`benches/scale/run.sh`).
//!
//! ```sh
//! FAZHI_BENCH_INDEX=DIR FAZHI_BENCH_QUERY_FILE=FILE [FAZHI_BENCH_ROUNDS=10] [FAZHI_BENCH_FACETS=1] \
//!     cargo bench --bench scale_warm
//! ```
//!
//! The same protocol as `benches/scale/peer_warm.py` uses for the peers: every query line of
//! FILE (blank lines and `#` lines skipped) is a `fazhi search` query, top 10 with snippets;
//! one untimed pass over all queries, then ROUNDS timed rounds over all of them in order.
//! Prints one JSON line: p50/p95/p99 over all timed searches, per-query medians and totals.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use fazhi::search::{Engine, SearchRequest};
use serde_json::json;

/// Percentile with linear interpolation, as `../shared/bench/peers.py` computes it.
fn pct(sorted: &[f64], p: f64) -> f64 {
    let k = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (k as usize, (k as usize + 1).min(sorted.len() - 1));
    sorted[lo] + (sorted[hi] - sorted[lo]) * (k - lo as f64)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn main() {
    let index = PathBuf::from(env("FAZHI_BENCH_INDEX").expect("FAZHI_BENCH_INDEX: the index to query"));
    let file = env("FAZHI_BENCH_QUERY_FILE").expect("FAZHI_BENCH_QUERY_FILE: one query a line");
    let rounds: usize = env("FAZHI_BENCH_ROUNDS").map_or(10, |v| v.parse().expect("FAZHI_BENCH_ROUNDS"));
    let facets = env("FAZHI_BENCH_FACETS").is_some_and(|v| v != "0");

    let text = std::fs::read_to_string(&file).expect("read the query file");
    let queries: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    assert!(!queries.is_empty(), "no queries in {file}");

    let start = Instant::now();
    let engine = Engine::open(&index).expect("open the index");
    let open_ms = start.elapsed().as_secs_f64() * 1e3;
    let requests: Vec<SearchRequest> = queries
        .iter()
        .map(|q| SearchRequest { query: (*q).into(), limit: 10, facets, ..SearchRequest::default() })
        .collect();

    // Untimed pass: dictionary, catalog, caches; also the totals and the hits shown.
    let mut totals = BTreeMap::new();
    let mut shown = 0;
    for (q, r) in queries.iter().zip(&requests) {
        let answer = engine.search(r).unwrap_or_else(|e| panic!("{q}: {e:#}"));
        shown += answer.hits.len();
        totals.insert(q.to_string(), answer.total);
    }

    let mut per_query: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); queries.len()];
    for _ in 0..rounds {
        for (times, r) in per_query.iter_mut().zip(&requests) {
            let start = Instant::now();
            let answer = engine.search(r).expect("search");
            std::hint::black_box(&answer);
            times.push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    let mut all: Vec<f64> = per_query.iter().flatten().copied().collect();
    all.sort_by(f64::total_cmp);
    let medians: Vec<f64> = per_query
        .iter()
        .map(|v| {
            let mut v = v.clone();
            v.sort_by(f64::total_cmp);
            pct(&v, 0.5)
        })
        .collect();
    let slowest = (0..queries.len()).max_by(|&a, &b| medians[a].total_cmp(&medians[b])).unwrap();
    let round2 = |x: f64| (x * 100.0).round() / 100.0;
    let out = json!({
        "peer": "fazhi",
        "docs": engine.searcher().expect("a searcher").num_docs(),
        "queries": queries.len(),
        "rounds": rounds,
        "facets": facets,
        "open_ms": round2(open_ms),
        "p50_ms": round2(pct(&all, 0.5)),
        "p95_ms": round2(pct(&all, 0.95)),
        "p99_ms": round2(pct(&all, 0.99)),
        "mean_ms": round2(all.iter().sum::<f64>() / all.len() as f64),
        "max_ms": round2(all[all.len() - 1]),
        "max_query_median_ms": round2(medians[slowest]),
        "slowest_query": queries[slowest],
        "hits_shown": shown,
        "hits": totals,
        "per_query_median_ms": queries.iter().zip(&medians).map(|(q, m)| (q.to_string(), round2(*m))).collect::<BTreeMap<_, _>>(),
    });
    println!("{out}");
}
