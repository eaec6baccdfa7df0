//! Load on a running `fazhi serve` (benches/serve/run.sh): CLIENTS threads,
//! each with its own connection, send a mix of plain, filtered and facet
//! requests in a loop for SECONDS after a warm-up, and the latency of each
//! answer is kept. Prints one JSON object: requests, errors, throughput and
//! latency percentiles.
//!
//! Environment: FAZHI_BENCH_URL (http://127.0.0.1:PORT), FAZHI_BENCH_REQUESTS
//! (a file of request paths, one a line, as written by run.sh),
//! FAZHI_BENCH_CLIENTS [32], FAZHI_BENCH_SECONDS [30], FAZHI_BENCH_WARMUP [3].

use std::time::{Duration, Instant};

/// This process's CPU time (user and system, all threads) in seconds, on
/// Linux; 0 elsewhere.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command's closing parenthesis; utime and stime are 14th and 15th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<f64> = after.split_whitespace().skip(11).take(2).filter_map(|f| f.parse().ok()).collect();
    fields.iter().sum::<f64>() / 100.0
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let Ok(url) = std::env::var("FAZHI_BENCH_URL") else {
        eprintln!("load: set FAZHI_BENCH_URL and FAZHI_BENCH_REQUESTS (benches/serve/run.sh does)");
        return;
    };
    let paths: Vec<String> =
        std::fs::read_to_string(std::env::var("FAZHI_BENCH_REQUESTS").expect("FAZHI_BENCH_REQUESTS"))
            .expect("the request file")
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect();
    let clients = env_or("FAZHI_BENCH_CLIENTS", 32) as usize;
    let seconds = env_or("FAZHI_BENCH_SECONDS", 30);
    let warmup = env_or("FAZHI_BENCH_WARMUP", 3);
    let start = Instant::now();
    let measured_from = start + Duration::from_secs(warmup);
    let end = measured_from + Duration::from_secs(seconds);
    let client_cpu = std::sync::Mutex::new(0.0f64);
    let results: Vec<(Vec<u32>, u64, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|client| {
                let (url, paths) = (&url, &paths);
                s.spawn(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .timeout_global(Some(Duration::from_secs(60)))
                        .build()
                        .into();
                    let (mut latencies, mut errors, mut said) = (Vec::new(), 0u64, Vec::new());
                    // Each client walks the mix from its own place.
                    let mut i = client * paths.len() / clients.max(1);
                    loop {
                        let sent = Instant::now();
                        if sent >= end {
                            break;
                        }
                        let path = &paths[i % paths.len()];
                        i += 1;
                        let ok = match agent.get(format!("{url}{path}")).call() {
                            Ok(mut response) => {
                                let status = response.status().as_u16();
                                let body = response.body_mut().with_config().limit(1 << 30).read_to_string();
                                if status != 200 && said.len() < 3 {
                                    said.push(format!("{status} {path}: {}", body.unwrap_or_default()));
                                }
                                status == 200
                            }
                            Err(e) => {
                                if said.len() < 3 {
                                    said.push(format!("{path}: {e}"));
                                }
                                false
                            }
                        };
                        if sent >= measured_from {
                            latencies.push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32);
                            if !ok {
                                errors += 1;
                            }
                        }
                    }
                    (latencies, errors, said)
                })
            })
            .collect();
        // The clients' own CPU over the measured time: their share of the cores.
        std::thread::sleep(measured_from.saturating_duration_since(Instant::now()));
        let before = cpu_seconds();
        std::thread::sleep(end.saturating_duration_since(Instant::now()));
        *client_cpu.lock().expect("cpu") = cpu_seconds() - before;
        handles.into_iter().map(|h| h.join().expect("client thread")).collect()
    });
    let mut all: Vec<u32> = results.iter().flat_map(|(l, _, _)| l.iter().copied()).collect();
    let errors: u64 = results.iter().map(|(_, e, _)| e).sum();
    let said: Vec<&String> = results.iter().flat_map(|(_, _, s)| s).take(5).collect();
    all.sort_unstable();
    let at = |q: f64| {
        all.get(((all.len() as f64 * q).ceil() as usize).saturating_sub(1)).map_or(0.0, |&us| us as f64 / 1000.0)
    };
    let out = serde_json::json!({
        "clients": clients,
        "seconds": seconds,
        "warmup": warmup,
        "requests": all.len(),
        "errors": errors,
        "error_examples": said,
        "throughput_per_s": all.len() as f64 / seconds as f64,
        "p50_ms": at(0.50),
        "p90_ms": at(0.90),
        "p99_ms": at(0.99),
        "max_ms": at(1.0),
        "client_cpu_s": (*client_cpu.lock().expect("cpu") * 100.0).round() / 100.0,
    });
    println!("{out}");
}
