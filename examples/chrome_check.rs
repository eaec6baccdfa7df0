//! Measures the page-chrome cleaner on real texts without changing them:
//! prints every line it drops or edits, with the rule, and a count per file.
//!
//! `cargo run --release --example chrome_check -- FILE_OR_DIR…` reads .txt
//! files, the `full_text` column of .csv files and the `text` field of
//! .jsonl files (each row or line one text).

use fazhi::ingest::chrome::{judge, Verdict};

fn main() {
    let mut texts = Vec::new();
    for arg in std::env::args().skip(1) {
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

fn shorten(line: &str) -> String {
    let n = line.chars().count();
    if n <= 160 {
        line.to_string()
    } else {
        format!("{}…（共 {n} 字）", line.chars().take(160).collect::<String>())
    }
}
