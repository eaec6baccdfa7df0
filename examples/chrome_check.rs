//! Measures the page-chrome cleaner on real texts without changing them:
//! prints every line it drops or edits, with the rule, and a count per file.
//!
//! `cargo run --release --example chrome_check -- FILE_OR_DIR…` reads .txt
//! files, the `full_text` column of .csv files and the `text` field of
//! .jsonl files (each row or line one text).
//!
//! `… chrome_check -- --labelled FILE…` measures ad detection on labelled
//! lines (`ad<TAB>line` / `report<TAB>line`, as tests/fixtures/ingest/ads_*.txt):
//! precision and recall of the whole cleaner and of the ad scorer alone, and
//! every line judged wrong with the cues that scored it.

use fazhi::ingest::ads;
use fazhi::ingest::chrome::{judge, Verdict};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--labelled") {
        labelled(&args[1..]);
        return;
    }
    let mut texts = Vec::new();
    for arg in args {
        for entry in walkdir::WalkDir::new(&arg).sort_by_file_name() {
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            let name = path.display().to_string();
            match path.extension().and_then(|e| e.to_str()) {
                Some("txt") => {
                    if let Ok(t) = std::fs::read_to_string(path) {
                        texts.push((name, t));
                    }
                }
                Some("csv") => {
                    let Ok(mut reader) = csv::Reader::from_path(path) else { continue };
                    let Ok(headers) = reader.headers().cloned() else { continue };
                    let Some(col) = headers.iter().position(|h| h.trim_start_matches('\u{FEFF}') == "full_text") else {
                        continue;
                    };
                    for (i, row) in reader.records().flatten().enumerate() {
                        texts.push((format!("{name}#{}", i + 1), row.get(col).unwrap_or("").to_string()));
                    }
                }
                Some("jsonl") => {
                    let Ok(all) = std::fs::read_to_string(path) else { continue };
                    for (i, line) in all.lines().enumerate() {
                        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
                        let text = ["text", "full_text", "content"].iter().find_map(|k| v[k].as_str());
                        if let Some(t) = text {
                            texts.push((format!("{name}#{}", i + 1), t.to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let (mut lines, mut dropped, mut edited) = (0, 0, 0);
    for (name, text) in &texts {
        for line in text.lines() {
            let line = line.trim_end();
            if line.trim().is_empty() {
                continue;
            }
            lines += 1;
            match judge(line) {
                Verdict::Drop(rule) => {
                    dropped += 1;
                    println!("DROP {rule:?}\t{name}\t{}", shorten(line));
                }
                Verdict::Keep(kept) if kept != line => {
                    edited += 1;
                    println!("EDIT\t{name}\t{}\n  →\t{}", shorten(line), shorten(&kept));
                }
                Verdict::Keep(_) => {}
            }
        }
    }
    println!("{} texts, {lines} lines: {dropped} dropped, {edited} edited", texts.len());
}

fn labelled(files: &[String]) {
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            eprintln!("cannot read {file}");
            continue;
        };
        // (true positives, false positives, false negatives) of the cleaner and of the scorer alone.
        let (mut cleaner, mut scorer) = ([0u32; 3], [0u32; 3]);
        let (mut ads_n, mut reports_n) = (0, 0);
        for row in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let Some((label, line)) = row.split_once('\t') else { continue };
            let is_ad = label == "ad";
            if is_ad {
                ads_n += 1;
            } else {
                reports_n += 1;
            }
            let dropped = matches!(judge(line), Verdict::Drop(_));
            let score = ads::score(line);
            for (counts, said) in [(&mut cleaner, dropped), (&mut scorer, score.is_ad())] {
                match (is_ad, said) {
                    (true, true) => counts[0] += 1,
                    (false, true) => counts[1] += 1,
                    (true, false) => counts[2] += 1,
                    (false, false) => {}
                }
            }
            // Wrong either way, or a report line close to the threshold.
            if is_ad != dropped || is_ad != score.is_ad() || !is_ad && score.total >= ads::THRESHOLD / 2.0 {
                let verdict = match judge(line) {
                    Verdict::Drop(rule) => format!("DROP {rule:?}"),
                    Verdict::Keep(_) => "KEEP".to_string(),
                };
                let cues: Vec<String> = score.cues.iter().map(|(c, w)| format!("{c}{w:+}")).collect();
                println!("{label}\t{verdict}\t{:+.1}\t{line}\n\t\t{}", score.total, cues.join(" "));
            }
        }
        println!("{file}: {ads_n} ad lines, {reports_n} report lines");
        for (name, [tp, fp, fneg]) in [("cleaner", cleaner), ("scorer alone", scorer)] {
            let precision = tp as f64 / (tp + fp).max(1) as f64;
            let recall = tp as f64 / (tp + fneg).max(1) as f64;
            println!(
                "  {name}: precision {precision:.3} ({tp}/{}), recall {recall:.3} ({tp}/{}), report lines dropped {fp}",
                tp + fp,
                tp + fneg
            );
        }
    }
}

fn shorten(line: &str) -> String {
    let n = line.chars().count();
    if n <= 160 {
        line.to_string()
    } else {
        format!("{}…（共 {n} 字）", line.chars().take(160).collect::<String>())
    }
}
