//! Load on `fazhi serve`: `cargo bench --bench serve_load` (needs the index
//! built by `cargo bench --bench facets`; FAZHI_BENCH_DOCS as there, default
//! 100000, or FAZHI_BENCH_INDEX=DIR).
//!
//! Starts the binary on a free port, then FAZHI_LOAD_CLIENTS (32) clients,
//! each a thread with its own connection, send a mix of plain, filtered and
//! facet searches for FAZHI_LOAD_SECONDS (30). Reports throughput, p50/p99
//! latency, errors and the server's resident memory over the run, then
//! answers as many of the same queries through `fazhi batch` (the same
//! binary, the same cores) for its throughput.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The mix: (query string of /api/search, the same request as a batch line).
const MIX: &[(&str, &str)] = &[
    ("q=枫桥经验", r#"{"query": "枫桥经验"}"#),
    ("q=法律明白人&year=2022", r#"{"query": "法律明白人", "year": "2022"}"#),
    ("q=行政执法三项制度", r#"{"query": "行政执法三项制度"}"#),
    ("q=一网通办&region=浙江", r#"{"query": "一网通办", "region": "浙江"}"#),
    ("q=重大行政决策 合法性审查", r#"{"query": "重大行政决策 合法性审查"}"#),
    ("q=公职律师&year=2021..&level=县级", r#"{"query": "公职律师", "year": "2021..", "level": "县级"}"#),
    ("q=枫桥经验&facets=1", r#"{"query": "枫桥经验", "facets": true}"#),
    ("q=人民调解&region=江苏&facets=1", r#"{"query": "人民调解", "region": "江苏", "facets": true}"#),
    ("q=营商环境&pivot=region,year", r#"{"query": "营商环境", "pivot": "region,year"}"#),
    ("q=政务公开&sort=-year", r#"{"query": "政务公开", "sort": "-year"}"#),
];

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let n = env("FAZHI_BENCH_DOCS", 100_000);
    let clients = env("FAZHI_LOAD_CLIENTS", 32) as usize;
    let seconds = env("FAZHI_LOAD_SECONDS", 30);
    let index = std::env::var_os("FAZHI_BENCH_INDEX")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-facets-{n}/index")));
    assert!(
        fazhi::index::layout::is_index(&index),
        "no index at {}: run `cargo bench --bench facets` first",
        index.display()
    );
    // Percent-encoded, as a client sends them.
    let queries: Vec<String> = MIX
        .iter()
        .map(|(q, _)| {
            form_urlencoded::Serializer::new(String::new()).extend_pairs(form_urlencoded::parse(q.as_bytes())).finish()
        })
        .collect();
    let bin = env!("CARGO_BIN_EXE_fazhi");

    let mut server = Command::new(bin)
        .args(["serve", "--port", "0", "--index"])
        .arg(&index)
        .stderr(Stdio::piped())
        .spawn()
        .expect("fazhi serve");
    let mut first = String::new();
    BufReader::new(server.stderr.take().unwrap()).read_line(&mut first).unwrap();
    let start = first.find("http://").unwrap_or_else(|| panic!("no URL: {first}"));
    let url = first[start..].split('（').next().unwrap().trim_end_matches('/').to_string();
    let pid = server.id();

    let agent = || -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into()
    };
    // Warm: every query once.
    for query in &queries {
        agent().get(format!("{url}/api/search?{query}")).call().unwrap().body_mut().read_to_string().unwrap();
    }
    let rss_start = rss_kb(pid).unwrap_or(0);

    let stop = Arc::new(AtomicBool::new(false));
    let latencies = Arc::new(Mutex::new(Vec::<f64>::new()));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let began = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (stop, latencies, errors, url) = (stop.clone(), latencies.clone(), errors.clone(), url.clone());
            let queries = queries.clone();
            let agent = agent();
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                let mut i = c;
                while !stop.load(Ordering::Relaxed) {
                    let query = &queries[i % queries.len()];
                    i += 1;
                    let t = Instant::now();
                    match agent.get(format!("{url}/api/search?{query}")).call() {
                        Ok(mut r) if r.status() == 200 => {
                            let _ = r.body_mut().read_to_vec();
                            mine.push(t.elapsed().as_secs_f64() * 1e3);
                        }
                        Ok(r) => errors.lock().unwrap().push(format!("{query}: {}", r.status())),
                        Err(e) => errors.lock().unwrap().push(format!("{query}: {e}")),
                    }
                }
                latencies.lock().unwrap().extend(mine);
            })
        })
        .collect();
    let mut rss_peak = rss_start;
    let mut rss_samples = Vec::new();
    while began.elapsed() < Duration::from_secs(seconds) {
        std::thread::sleep(Duration::from_secs(1));
        let rss = rss_kb(pid).unwrap_or(0);
        rss_peak = rss_peak.max(rss);
        rss_samples.push(rss);
    }
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    let elapsed = began.elapsed().as_secs_f64();
    let _ = Command::new("kill").args(["-INT", &pid.to_string()]).status();
    let _ = server.wait();

    let mut latencies = Arc::try_unwrap(latencies).unwrap().into_inner().unwrap();
    latencies.sort_by(f64::total_cmp);
    let errors = Arc::try_unwrap(errors).unwrap().into_inner().unwrap();
    let served = latencies.len();
    let throughput = served as f64 / elapsed;

    // The same queries, as many, through `fazhi batch` on the same cores.
    let lines: String = (0..served.max(MIX.len())).map(|i| format!("{}\n", MIX[i % MIX.len()].1)).collect();
    let t = Instant::now();
    let mut batch = Command::new(bin)
        .args(["batch", "-", "--index"])
        .arg(&index)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = batch.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(lines.as_bytes()));
    let answered = BufReader::new(batch.stdout.take().unwrap()).lines().count();
    writer.join().unwrap().unwrap();
    batch.wait().unwrap();
    let batch_seconds = t.elapsed().as_secs_f64();

    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    println!("| fazhi serve, {clients} clients, {elapsed:.0} s, {cores} cores, index {} | |", index.display());
    println!("|---|---|");
    println!("| requests answered | {served} |");
    println!("| errors | {} |", errors.len());
    println!("| throughput | {throughput:.0} requests/s |");
    println!(
        "| latency p50 / p99 / max | {:.1} / {:.1} / {:.1} ms |",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0)
    );
    println!(
        "| server RSS at start / peak / end | {} / {} / {} MB |",
        rss_start / 1024,
        rss_peak / 1024,
        rss_samples.last().copied().unwrap_or(0) / 1024
    );
    println!(
        "| fazhi batch, the same {answered} queries | {batch_seconds:.1} s, {:.0} queries/s |",
        answered as f64 / batch_seconds
    );
    println!("| serve / batch throughput | {:.2} |", throughput / (answered as f64 / batch_seconds));
    let every5: Vec<String> = rss_samples.iter().step_by(5).map(|kb| (kb / 1024).to_string()).collect();
    println!("| server RSS every 5 s | {} MB |", every5.join(" "));
    for e in errors.iter().take(5) {
        println!("error: {e}");
    }
}
