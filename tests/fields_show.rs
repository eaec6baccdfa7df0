//! `--published` and `--sort published`, `title:`/`unit:` terms, and
//! `show --highlight`, each checked against a brute force over what
//! `fazhi export --format jsonl --text` prints.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use fazhi::analyze::{compact, normalize};
use serde_json::{json, Value};

const TITLES: &[&str] = &[
    "{u}2023年法治政府建设情况报告",
    "{u}关于2023年法治政府建設工作情況的報告",
    "{u}“法治政府”建设、年度报告（2022）",
    "{u}法治 政府 建设工作总结",
    "{u}2024年政府工作报告",
    "关于《{u}依法行政工作要点》的政策解读",
    "{u}ＡＢＣ法治宣传简报",
    "{u}矛盾纠纷多元化解工作情况",
];
const UNITS: &[&str] = &["永平镇", "古塘街道", "陶庄镇", "盘龙彝族乡", "慈溪市司法局", "東鳳鎮", "铅山县", "鼓楼区"];
const SENTENCES: &[&str] = &[
    "坚持和发展新时代“枫桥经验”，矛盾纠纷就地化解。",
    "全面落实行政执法“三项制度”，规范执法行为。",
    "人民调解、行政调解、司法调解有机结合。",
    "开展八五普法，培育法律明白人。",
    "推进一网通办，优化营商环境。",
    "发挥公职律师和法律顾问作用。",
    "加强行政复议和行政应诉工作。",
    "完善重大行政决策程序。",
];

struct Corpus {
    index: PathBuf,
    records: Vec<Value>,
}

/// 64 records of known title, unit, publish date (some without) and text.
fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = scratch("fields-show");
        let docs = dir.join("docs");
        fs::create_dir_all(&docs).unwrap();
        let mut lines = String::new();
        for i in 0..64usize {
            let unit = UNITS[i % UNITS.len()];
            let title = TITLES[(i / UNITS.len() + i) % TITLES.len()].replace("{u}", unit);
            let body: String = (0..6).map(|k| SENTENCES[(i * 7 + k * 3) % SENTENCES.len()]).collect();
            let text = format!("{title}\n第{i}号。{body}编号{}。", i * 7919);
            let date = match i % 9 {
                0 => Value::Null,
                k => json!(format!("20{}-{:02}-{:02}", 22 + k % 3, (i * 5) % 12 + 1, (i * 11) % 28 + 1)),
            };
            let record = json!({"text": text, "title": title, "unit": unit, "publish_date": date});
            lines.push_str(&format!("{record}\n"));
        }
        fs::write(docs.join("reports.jsonl"), lines).unwrap();
        let index = dir.join("index");
        fazhi().arg("index").arg(&docs).arg("--index").arg(&index).assert().success();
        let out = fazhi().args(["export", "--format", "jsonl", "--text", "--index"]).arg(&index).output().unwrap();
        let records: Vec<Value> =
            String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(records.len(), 64, "every record is its own report");
        Corpus { index, records }
    })
}

fn paths<'a>(records: impl Iterator<Item = &'a Value>) -> BTreeSet<String> {
    records.map(|r| r["path"].as_str().unwrap().to_string()).collect()
}

fn hit_paths(answer: &Value) -> BTreeSet<String> {
    paths(answer["hits"].as_array().unwrap().iter())
}

fn search(index: &Path, args: &[&str]) -> (i32, Value) {
    search_json(index, args)
}

/// Matching as the README defines it: normalized, punctuation and whitespace skipped.
fn key(s: &str) -> String {
    compact(&normalize(s))
}

fn field_holds(r: &Value, field: &str, word: &str) -> bool {
    r[field].as_str().is_some_and(|v| key(v).contains(&key(word)))
}

#[test]
fn title_and_unit_terms_match_exactly_the_reports_whose_field_holds_them() {
    let c = corpus();
    let words = [
        ("title", "法治政府建设"),
        ("title", "法治政府建設"),
        ("title", "“法治 政府”"),
        ("title", "报告"),
        ("title", "情況"),
        ("title", "abc"),
        ("title", "2023年"),
        ("title", "要点"),
        ("title", "工作总结"),
        ("title", "调解"),
        ("unit", "镇"),
        ("unit", "东凤镇"),
        ("unit", "街道"),
        ("unit", "司法局"),
        ("unit", "铅山"),
        ("unit", "区"),
        ("unit", "彝族乡"),
        ("unit", "市司法"),
    ];
    let mut sizes = BTreeSet::new();
    for (field, word) in words {
        let want = paths(c.records.iter().filter(|r| field_holds(r, field, word)));
        let quoted = format!("{field}:\"{word}\"");
        let bare = format!("{field}:{}", word.replace(' ', ""));
        for query in [&quoted, &bare] {
            let (code, answer) = search(&c.index, &[query]);
            assert_eq!(hit_paths(&answer), want, "{query}");
            assert_eq!(code, if want.is_empty() { 1 } else { 0 }, "{query}");
            assert_eq!(answer["interpretation"][0]["as"], field, "{query}");
        }
        // Excluded: every other report.
        let (_, answer) = search(&c.index, &["法治", &format!("-{bare}")]);
        let all = paths(c.records.iter().filter(|r| key(r["text"].as_str().unwrap()).contains("法治")));
        assert_eq!(hit_paths(&answer), &all - &want, "法治 -{bare}");
        sizes.insert(want.len());
    }
    assert!(sizes.len() >= 4 && !sizes.contains(&64), "the words split the reports in many ways: {sizes:?}");
    // With a text term: both must hold, the text term in the text.
    let want = paths(
        c.records
            .iter()
            .filter(|r| field_holds(r, "title", "报告") && key(r["text"].as_str().unwrap()).contains("一网通办")),
    );
    let (_, answer) = search(&c.index, &["title:报告 一网通办"]);
    assert!(!want.is_empty());
    assert_eq!(hit_paths(&answer), want);
    // Text output says how the words were read.
    let out = fazhi()
        .args(["search", "title:报告", "-n", "1", "--color", "never", "--index"])
        .arg(&c.index)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("理解为：标题含=报告"), "{text}");
}

/// A full date `d` (YYYY-MM-DD) is in `from..to` written as prefixes.
fn in_range(d: &str, from: &str, to: &str) -> bool {
    (from.is_empty() || &d[..from.len()] >= from) && (to.is_empty() || &d[..to.len()] <= to)
}

#[test]
fn published_ranges_keep_exactly_the_reports_dated_in_them_and_undated_never() {
    let c = corpus();
    let ranges = [
        ("2023", "2023"),
        ("2023-03", "2023-03"),
        ("2022-06", "2023-02"),
        ("2023-05-10", ""),
        ("", "2022-12"),
        ("2024-01-01", "2024-06-30"),
        ("2022", "2024"),
    ];
    let mut sizes = BTreeSet::new();
    for (from, to) in ranges {
        let spec = if from == to { from.to_string() } else { format!("{from}..{to}") };
        let want =
            paths(c.records.iter().filter(|r| r["publish_date"].as_str().is_some_and(|d| in_range(d, from, to))));
        let (code, flag) = search(&c.index, &["--all", "--published", &spec]);
        assert_eq!(hit_paths(&flag), want, "--published {spec}");
        assert_eq!(code, if want.is_empty() { 1 } else { 0 });
        assert_eq!(flag["filters"]["published"][0].as_str(), Some(spec.as_str()));
        let (_, inline) = search(&c.index, &["--all", &format!("published:{spec}")]);
        assert_eq!(hit_paths(&inline), want, "published:{spec}");
        assert_eq!(inline["interpretation"][0]["as"], "published");
        // facets and export keep the same reports; batch too.
        let out = fazhi().args(["facets", "--published", &spec, "--format", "json", "--index"]).arg(&c.index).output();
        let facets: Value = serde_json::from_slice(&out.unwrap().stdout).unwrap();
        assert_eq!(facets["total"].as_u64(), Some(want.len() as u64));
        let out = fazhi().args(["export", "--format", "jsonl", "--published", &spec, "--index"]).arg(&c.index).output();
        assert_eq!(String::from_utf8(out.unwrap().stdout).unwrap().lines().count(), want.len());
        let line = json!({"published": spec, "limit": 1000}).to_string();
        let out = fazhi().args(["batch", "--index"]).arg(&c.index).write_stdin(line).output().unwrap();
        let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(hit_paths(&answer), want, "batch published {spec}");
        sizes.insert(want.len());
    }
    assert!(sizes.len() >= 5, "{sizes:?}");
    // A bad date in the query: one line, exit 2.
    for bad in ["published:2024-13", "published:2023-02-29", "published:2024..2023"] {
        let out = fazhi().args(["search", bad, "--index"]).arg(&c.index).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(one_line(&out.stderr).contains("发布日期"), "{bad}");
    }
    let out = fazhi().args(["search", "--published", "2024-1-40", "--index"]).arg(&c.index).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sort_by_publish_date_puts_undated_reports_last_either_way() {
    let c = corpus();
    let undated = c.records.iter().filter(|r| r["publish_date"].is_null()).count();
    assert!(undated > 0);
    for (sort, ascending) in [("published", true), ("-published", false)] {
        for batch in [false, true] {
            let answer = if batch {
                let line = json!({"query": "法治", "sort": sort, "limit": 1000}).to_string();
                let out = fazhi().args(["batch", "--index"]).arg(&c.index).write_stdin(line).output().unwrap();
                serde_json::from_slice(&out.stdout).unwrap()
            } else {
                search(&c.index, &["法治", "--sort", sort]).1
            };
            let dates: Vec<Option<&str>> =
                answer["hits"].as_array().unwrap().iter().map(|h| h["publish_date"].as_str()).collect();
            let want = c.records.iter().filter(|r| key(r["text"].as_str().unwrap()).contains("法治")).count();
            assert_eq!(dates.len(), want, "{sort}");
            let dated: Vec<&str> = dates.iter().map_while(|d| *d).collect();
            assert!(dates[dated.len()..].iter().all(Option::is_none), "{sort}: undated last: {dates:?}");
            assert!(dated.len() < dates.len(), "some undated report matched");
            let ordered = dated.windows(2).all(|w| if ascending { w[0] <= w[1] } else { w[0] >= w[1] });
            assert!(ordered, "{sort} (batch: {batch}): {dated:?}");
        }
    }
}

/// `show ID --highlight QUERY --format json`.
fn show_json(index: &Path, id: &str, query: &str) -> Value {
    let out =
        fazhi().args(["show", id, "--format", "json", "--highlight", query, "--index"]).arg(index).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn show_highlight_marks_every_occurrence_and_counts_them() {
    let index = bundled_index();
    let out = fazhi().args(["export", "--format", "jsonl", "--text", "--index"]).arg(index).output().unwrap();
    let records: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let queries = ["调解 行政执法三项制度", "枫桥经验 OR 法律顾问", "法治政府建設 依法行政", "\"人民 调解\" 2023"];
    let mut marked_any = 0;
    for r in &records {
        let id = r["id"].as_str().unwrap();
        let text = r["text"].as_str().unwrap();
        let chars: Vec<char> = text.chars().collect();
        let compact_text = key(text);
        for query in queries {
            let shown = show_json(index, id, query);
            let terms: Vec<String> =
                shown["terms"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
            assert!(!terms.iter().any(|t| t == "2023"), "a year is a filter, not marked");
            // Counts: non-overlapping occurrences in the text (and in a title the text lacks).
            let title = r["title"].as_str().map(key).filter(|t| !t.is_empty() && !compact_text.contains(t.as_str()));
            for term in &terms {
                let want = compact_text.matches(term.as_str()).count()
                    + title.as_deref().map_or(0, |t| t.matches(term.as_str()).count());
                assert_eq!(shown["occurrences"][term].as_u64(), Some(want as u64), "{id} {term}");
            }
            // Every range holds terms and nothing else; together they hold every occurrence.
            let ranges: Vec<(usize, usize)> = shown["highlights"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| (h[0].as_u64().unwrap() as usize, h[1].as_u64().unwrap() as usize))
                .collect();
            let mut last_end = 0;
            let mut inside = Vec::new();
            for &(a, b) in &ranges {
                assert!(a >= last_end && a < b && b <= chars.len(), "{id} {query}: {a}..{b}");
                last_end = b;
                let span = key(&chars[a..b].iter().collect::<String>());
                assert!(terms.iter().any(|t| span.starts_with(t.as_str())), "{id} {query}: {span}");
                inside.push(span);
            }
            for term in &terms {
                let marked: usize = inside.iter().map(|s| s.matches(term.as_str()).count()).sum();
                let want = compact_text.matches(term.as_str()).count();
                assert_eq!(marked, want, "{id} {query}: every {term} is marked");
            }
            marked_any += ranges.len();
            // Text output: the same text, the same spans in 【】, and a line of counts.
            let out = fazhi()
                .args(["show", id, "--highlight", query, "--color", "never", "--index"])
                .arg(index)
                .output()
                .unwrap();
            let shown_text = String::from_utf8(out.stdout).unwrap();
            let (head, body) = shown_text.split_once("\n────────\n").unwrap();
            assert!(head.lines().any(|l| l.starts_with("出现次数：")), "{head}");
            assert_eq!(body.matches('【').count(), ranges.len());
            assert_eq!(body.replace(['【', '】'], ""), format!("{text}\n"));
        }
    }
    assert!(marked_any > 50, "{marked_any}");
    // Colour on request, the same style as snippets.
    let id = records[0]["id"].as_str().unwrap();
    let out = fazhi().args(["show", id, "--highlight", "法治", "--color", "always", "--index"]).arg(index).output();
    assert!(String::from_utf8(out.unwrap().stdout).unwrap().contains("\x1b[1m\x1b[31m"));
    // Nothing to mark: one line, exit 2.
    let out = fazhi().args(["show", id, "--highlight", "2023 year:2022", "--index"]).arg(index).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    one_line(&out.stderr);
}

#[test]
fn show_is_never_paged_when_stdout_is_not_a_terminal() {
    let index = bundled_index();
    let out = fazhi().args(["export", "--format", "jsonl", "--index"]).arg(index).output().unwrap();
    let first: Value = serde_json::from_str(String::from_utf8(out.stdout).unwrap().lines().next().unwrap()).unwrap();
    let id = first["id"].as_str().unwrap();
    let plain = fazhi().args(["show", id, "--no-pager", "--index"]).arg(index).output().unwrap();
    assert_eq!(plain.status.code(), Some(0));
    for pager in ["sh -c 'echo paged'", "/nonexistent/pager", "less -R"] {
        let out = fazhi().args(["show", id, "--index"]).arg(index).env("PAGER", pager).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(out.stdout, plain.stdout, "PAGER={pager}");
    }
}
