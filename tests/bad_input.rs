//! Bad bytes stay local: a batch line that is not UTF-8 gets its own error
//! answer, a FIFO among the reports is skipped without being opened, and
//! exclusions (`-信访`) work in every subcommand that takes a query.

mod common;

use std::time::{Duration, Instant};

use common::*;

#[test]
fn a_batch_line_that_is_not_utf8_is_answered_with_an_error_and_the_rest_are_answered() {
    // 枫桥经验, then 法治 in GBK, then 法治.
    let input: &[u8] =
        b"\xe6\x9e\xab\xe6\xa1\xa5\xe7\xbb\x8f\xe9\xaa\x8c\n\xb7\xa8\xd6\xce\n\xe6\xb3\x95\xe6\xb2\xbb\n";
    let out = fazhi().args(["batch", "--index"]).arg(bundled_index()).write_stdin(input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    let (_, direct) = search_json(bundled_index(), &["枫桥经验"]);
    assert_eq!(lines[0]["total"], direct["total"]);
    assert_eq!(lines[1]["id"], 2);
    assert!(lines[1]["error"].as_str().unwrap().contains("UTF-8"));
    let (_, direct) = search_json(bundled_index(), &["法治"]);
    assert_eq!(lines[2]["total"], direct["total"]);
}

#[test]
fn a_fifo_among_the_reports_is_skipped_unopened() {
    let root = scratch("fifo");
    let corpus = root.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::copy(bundled_corpus().join(DONGFENG), corpus.join("a.txt")).unwrap();
    let fifo = corpus.join("pipe.txt");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let start = Instant::now();
    let out = fazhi()
        .arg("index")
        .arg(&corpus)
        .arg("--index")
        .arg(root.join("index"))
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(60), "opening the FIFO blocked the run");
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_skipped(&stderr, &[("pipe.txt", "不是普通文件")]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("已索引 1 篇"));
}

#[test]
fn exclusions_work_in_facets_as_in_search() {
    let (_, searched) = search_json(bundled_index(), &["法治", "-信访"]);
    let out =
        fazhi().args(["facets", "法治", "-信访", "--format", "json", "--index"]).arg(bundled_index()).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("--not"), "{err}");
    let counted: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(counted["total"], searched["total"]);
    // The exclusion excluded something: without it there are more.
    let (_, all) = search_json(bundled_index(), &["法治"]);
    assert!(all["total"].as_u64() > searched["total"].as_u64());
}

#[test]
fn long_queries_are_answered_or_refused_in_a_moment() {
    let sentence = "坚持和发展新时代枫桥经验推进矛盾纠纷就地化解";
    // 100 KB: refused, in one line.
    let huge = sentence.repeat(100_000 / sentence.len() + 1);
    let start = Instant::now();
    let out = fazhi().args(["search", &huge, "--index"]).arg(bundled_index()).output().unwrap();
    assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.trim_end().lines().count() == 1 && err.contains("查询过长"), "{err}");
    // 1,000 different terms: answered; 1,200 (more than 1,000 once folded): refused.
    let text = std::fs::read_to_string(bundled_corpus().join(PANLONG)).unwrap();
    let chars: Vec<char> = text.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).collect();
    let mut terms: Vec<String> = chars.windows(3).map(|w| w.iter().collect()).collect();
    terms.sort();
    terms.dedup();
    assert!(terms.len() > 1_200);
    let start = Instant::now();
    let out = fazhi().arg("search").arg(terms[..1_000].join(" ")).arg("--index").arg(bundled_index()).output().unwrap();
    assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    // So many terms get the exact answer only: no loose fallback of every
    // term's words anywhere (nobody means that, and it took seconds).
    let (_, answer) = search_json(bundled_index(), &[&terms[..1_000].join(" "), "--loose"]);
    assert_eq!(answer["match"], "exact", "{}", answer["match"]);
    let (_, alone) = search_json(bundled_index(), &["法治乡村建设示范", "--loose"]);
    assert_eq!(alone["match"], "loose", "the term alone loosens");
    let many = format!("法治乡村建设示范 {}", terms[..999].join(" "));
    let (_, answer) = search_json(bundled_index(), &[&many, "--loose"]);
    assert_eq!(answer["match"], "exact", "among 1,000 terms it does not");
    let out = fazhi().arg("search").arg(terms[..1_200].join(" ")).arg("--index").arg(bundled_index()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("检索词过多"));
    // A term repeated is asked once: as fast as the term alone, same answer.
    let repeated = "枫桥经验 ".repeat(1_999);
    let (_, once) = search_json(bundled_index(), &["枫桥经验"]);
    let (_, many) = search_json(bundled_index(), &[&repeated]);
    assert_eq!(once["total"], many["total"]);
    // In a batch, a line too long is an error answer; the next is answered.
    let input = format!("{huge}\n枫桥经验\n");
    let out = fazhi().args(["batch", "--index"]).arg(bundled_index()).write_stdin(input).output().unwrap();
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines[0]["error"].as_str().unwrap().contains("查询过长"));
    assert_eq!(lines[1]["total"], once["total"]);
}
