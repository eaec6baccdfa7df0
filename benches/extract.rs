//! Metadata extraction cost: `cargo bench --bench extract`.
//!
//! Prints the one-time gazetteer load, the time to extract one ~10 KB
//! report (the bundled corpus, cycled), and, as the peer measured in the
//! same run, jieba search-mode segmentation of the same texts (what
//! indexing spends on each report anyway).

use std::hint::black_box;
use std::time::{Duration, Instant};

use fazhi::analyze::{dictionary, normalize};
use fazhi::extract;

const ROUNDS: usize = 2000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn time_each(texts: &[String], f: impl Fn(&str)) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..ROUNDS)
        .map(|i| {
            let t = &texts[i % texts.len()];
            let start = Instant::now();
            f(t);
            start.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/reports");
    let mut texts: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| fazhi::ingest::read(&e.unwrap().path(), &Default::default()).unwrap().remove(0).text.unwrap())
        .collect();
    texts.sort();
    let avg_kb = texts.iter().map(String::len).sum::<usize>() as f64 / texts.len() as f64 / 1024.0;

    let start = Instant::now();
    black_box(fazhi::gazetteer::shared());
    let gazetteer_load = start.elapsed();
    let start = Instant::now();
    black_box(dictionary::shared());
    let jieba_load = start.elapsed();

    let extract = time_each(&texts, |t| {
        black_box(extract::extract(t));
    });
    let jieba = dictionary::shared();
    let segment = time_each(&texts, |t| {
        black_box(jieba.cut_for_search(&normalize(t), true));
    });

    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!("| measure ({} reports, avg {avg_kb:.1} KB, {ROUNDS} runs) | p50 | p95 |", texts.len());
    println!("|---|---|---|");
    println!(
        "| extract one report | {:.0} µs | {:.0} µs |",
        us(percentile(&extract, 0.5)),
        us(percentile(&extract, 0.95))
    );
    println!(
        "| jieba cut_for_search, same text (peer) | {:.0} µs | {:.0} µs |",
        us(percentile(&segment, 0.5)),
        us(percentile(&segment, 0.95))
    );
    println!(
        "| ratio extract / segment | {:.2} | {:.2} |",
        us(percentile(&extract, 0.5)) / us(percentile(&segment, 0.5)),
        us(percentile(&extract, 0.95)) / us(percentile(&segment, 0.95))
    );
    println!();
    println!(
        "one-time loads: gazetteer {:.0} ms, jieba dictionary {:.0} ms",
        gazetteer_load.as_secs_f64() * 1e3,
        jieba_load.as_secs_f64() * 1e3
    );
}
