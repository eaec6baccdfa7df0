//! Filters, facet counts and pivots equal brute-force counts over the known
//! metadata of the matching reports, on the bundled corpus and on a
//! generated corpus of 2,400 reports; filters never change which reports
//! match the text, only which are kept.

mod common;
#[path = "common/synth.rs"]
mod synth;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::OnceLock;

use common::*;
use serde_json::Value;
use synth::{SynthReport, PLACES};

const N: usize = 2_400;

struct Synth {
    index: PathBuf,
    reports: Vec<SynthReport>,
}

fn synth() -> &'static Synth {
    static S: OnceLock<Synth> = OnceLock::new();
    S.get_or_init(|| {
        let dir = scratch("synth");
        let reports = synth::generate(N, 20240601, &synth::seed_sentences(&bundled_corpus()));
        let manifest = synth::write(&dir, &reports);
        let index = index_with_manifest(&dir, &manifest);
        Synth { index, reports }
    })
}

/// Width/case folding and punctuation removal, independent of fazhi.
fn grep_form(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).filter(|c| c.is_alphanumeric()).collect()
}

fn chain(place: usize) -> Vec<&'static str> {
    let p = PLACES[place];
    [Some(p.0), p.1, p.2, p.3].into_iter().flatten().collect()
}

/// The brute-force filter: which generated reports a query + filters keep.
struct Brute<'a> {
    terms_any: &'a [&'a str],
    region: Option<&'a str>,
    years: Option<(Option<i64>, Option<i64>)>,
    unknown_year_included: bool,
    level: Option<&'a str>,
}

impl Brute<'_> {
    fn keeps(&self, r: &SynthReport) -> bool {
        let text = grep_form(&r.text);
        if !self.terms_any.iter().any(|t| text.contains(&grep_form(t))) {
            return false;
        }
        if let Some(name) = self.region {
            let ok = chain(r.place)
                .iter()
                .any(|c| *c == name || c.strip_prefix(name).is_some_and(|s| ["省", "市", "区", "县"].contains(&s)));
            if !ok {
                return false;
            }
        }
        if let Some((from, to)) = self.years {
            match r.year {
                Some(y) if from.is_none_or(|a| y >= a) && to.is_none_or(|b| y <= b) => {}
                None if self.unknown_year_included => {}
                _ => return false,
            }
        }
        if let Some(level) = self.level {
            let p = PLACES[r.place];
            if p.4 != level && p.5 != level && p.4.trim_end_matches('级') != level {
                return false;
            }
        }
        true
    }
}

fn kept<'a>(s: &'a Synth, b: &Brute) -> Vec<&'a SynthReport> {
    s.reports.iter().filter(|r| b.keeps(r)).collect()
}

/// Buckets of a JSON facet list as a map (null → "未知").
fn bucket_map(list: &Value) -> BTreeMap<String, u64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|b| (b["value"].as_str().unwrap_or("未知").to_string(), b["count"].as_u64().unwrap()))
        .collect()
}

fn count_by<'a>(reports: &[&'a SynthReport], key: impl Fn(&'a SynthReport) -> String) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for r in reports {
        *m.entry(key(r)).or_default() += 1;
    }
    m
}

fn region_key(r: &SynthReport, root: &[&str]) -> String {
    let c = chain(r.place);
    match c.get(root.len()) {
        Some(next) => next.to_string(),
        None => format!("{}（本级）", c.last().unwrap()),
    }
}

fn year_key(r: &SynthReport) -> String {
    r.year.map_or("未知".into(), |y| y.to_string())
}

fn files(answer: &Value) -> BTreeSet<String> {
    hit_files(answer)
}

/// Set equality that reports only the differences.
fn assert_same(got: &BTreeSet<String>, want: &BTreeSet<String>, what: &str) {
    let extra: Vec<_> = got.difference(want).take(5).collect();
    let missing: Vec<_> = want.difference(got).take(5).collect();
    assert!(extra.is_empty() && missing.is_empty(), "{what}: extra {extra:?}, missing {missing:?}");
}

fn expected_files(reports: &[&SynthReport]) -> BTreeSet<String> {
    reports.iter().map(|r| r.file.clone()).collect()
}

#[test]
fn facet_counts_equal_brute_force() {
    let s = synth();
    let cases: Vec<(Vec<&str>, Brute, Vec<&str>)> = vec![
        (
            vec!["枫桥经验"],
            Brute {
                terms_any: &["枫桥经验"], region: None, years: None, unknown_year_included: false, level: None
            },
            vec![],
        ),
        (
            vec!["枫桥经验", "-r", "浙江"],
            Brute {
                terms_any: &["枫桥经验"],
                region: Some("浙江省"),
                years: None,
                unknown_year_included: false,
                level: None,
            },
            vec!["浙江省"],
        ),
        (
            vec!["法律明白人", "OR", "公职律师", "-y", "2020..2022"],
            Brute {
                terms_any: &["法律明白人", "公职律师"],
                region: None,
                years: Some((Some(2020), Some(2022))),
                unknown_year_included: false,
                level: None,
            },
            vec![],
        ),
        (
            vec!["一网通办", "-y", "2022..", "--unknown-year", "include", "-l", "部门"],
            Brute {
                terms_any: &["一网通办"],
                region: None,
                years: Some((Some(2022), None)),
                unknown_year_included: true,
                level: Some("部门"),
            },
            vec![],
        ),
        (
            vec!["八五普法", "region:宁波市", "level:乡镇"],
            Brute {
                terms_any: &["八五普法"],
                region: Some("宁波市"),
                years: None,
                unknown_year_included: false,
                level: Some("乡镇级"),
            },
            vec!["浙江省", "宁波市"],
        ),
    ];
    for (args, brute, root) in cases {
        let (_, r) = search_json(&s.index, &[&args[..], &["--facets"]].concat());
        let want = kept(s, &brute);
        assert!(want.len() > 10, "{args:?}: too few reports to be a test ({})", want.len());
        assert_eq!(r["total"].as_u64().unwrap() as usize, want.len(), "{args:?}");
        assert_same(&files(&r), &expected_files(&want), &format!("{args:?}"));
        let f = &r["facets"];
        assert_eq!(bucket_map(&f["region"]), count_by(&want, |x| region_key(x, &root)), "{args:?} region");
        assert_eq!(bucket_map(&f["year"]), count_by(&want, year_key), "{args:?} year");
        let level_root: Vec<String> = r["filters"]["level"].as_array().map_or(vec![], |l| {
            if l.len() == 1 {
                l[0].as_str().unwrap().split('/').map(str::to_string).collect()
            } else {
                vec![]
            }
        });
        let level_key = |x: &SynthReport| {
            let p = PLACES[x.place];
            match level_root.len() {
                0 => p.4.to_string(),
                1 => p.5.to_string(),
                _ => format!("{}（本级）", p.5),
            }
        };
        assert_eq!(bucket_map(&f["level"]), count_by(&want, level_key), "{args:?} level");
        // Counts come sorted, most first.
        let counts: Vec<u64> = f["region"].as_array().unwrap().iter().map(|b| b["count"].as_u64().unwrap()).collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]));
    }
}

#[test]
fn filters_only_keep_never_change_the_text_matches() {
    let s = synth();
    let (_, all) = search_json(&s.index, &["枫桥经验"]);
    let everything: BTreeSet<String> = files(&all);
    for extra in [
        &["-r", "江苏"][..],
        &["-y", "2021..2023"],
        &["-l", "县级"],
        &["-r", "朝阳区"],
        &["--sort", "-year"],
        &["--facets"],
        &["--pivot", "region,year"],
    ] {
        let (_, r) = search_json(&s.index, &[&["枫桥经验"][..], extra].concat());
        let got = files(&r);
        assert!(got.is_subset(&everything), "{extra:?} added reports");
        assert!(!got.is_empty(), "{extra:?} kept nothing: not a test");
        let kept_by_filter: BTreeSet<String> = s
            .reports
            .iter()
            .filter(|x| everything.contains(&x.file))
            .filter(|x| {
                let p = PLACES[x.place];
                match extra[0] {
                    "-r" => chain(x.place).iter().any(|c| c.starts_with(extra[1])),
                    "-y" => x.year.is_some_and(|y| (2021..=2023).contains(&y)),
                    "-l" => p.4 == extra[1],
                    _ => true,
                }
            })
            .map(|x| x.file.clone())
            .collect();
        assert_same(&got, &kept_by_filter, &format!("{extra:?}"));
    }
}

#[test]
fn an_ambiguous_region_matches_all_its_places_and_says_which() {
    let s = synth();
    let (_, r) = search_json(&s.index, &["法治", "-r", "朝阳区"]);
    let listed: BTreeSet<&str> =
        r["filters"]["region"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(listed, BTreeSet::from(["北京市/朝阳区", "吉林省/长春市/朝阳区"]));
    let want = kept(
        s,
        &Brute {
            terms_any: &["法治"], region: Some("朝阳区"), years: None, unknown_year_included: false, level: None
        },
    );
    assert_same(&files(&r), &expected_files(&want), "朝阳区");
}

#[test]
fn pivot_cells_equal_brute_force_in_json_and_csv() {
    let s = synth();
    let (_, r) = search_json(&s.index, &["最多跑一次", "--pivot", "region,year"]);
    let want = kept(
        s,
        &Brute {
            terms_any: &["最多跑一次"], region: None, years: None, unknown_year_included: false, level: None
        },
    );
    let p = &r["pivot"];
    let rows: Vec<String> =
        p["row_values"].as_array().unwrap().iter().map(|v| v.as_str().unwrap_or("未知").to_string()).collect();
    let cols: Vec<String> =
        p["column_values"].as_array().unwrap().iter().map(|v| v.as_str().unwrap_or("未知").to_string()).collect();
    let mut brute: HashMap<(String, String), u64> = HashMap::new();
    for x in &want {
        *brute.entry((region_key(x, &[]), year_key(x))).or_default() += 1;
    }
    for (i, row) in rows.iter().enumerate() {
        for (j, col) in cols.iter().enumerate() {
            let cell = p["cells"][i][j].as_u64().unwrap();
            assert_eq!(cell, brute.get(&(row.clone(), col.clone())).copied().unwrap_or(0), "{row} × {col}");
        }
    }
    assert_eq!(p["total"].as_u64().unwrap() as usize, want.len());
    // Years read left to right.
    let years: Vec<&String> = cols.iter().filter(|c| *c != "未知").collect();
    assert!(years.windows(2).all(|w| w[0] < w[1]));

    let out = fazhi()
        .args(["search", "最多跑一次", "--pivot", "region,year", "--format", "csv", "--index"])
        .arg(&s.index)
        .output()
        .unwrap();
    // CSV: JSON's words in the headers, unknown as an empty cell, every cell as brute force counts it.
    let mut csv = csv::Reader::from_reader(&out.stdout[..]);
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    assert_eq!((header[0].as_str(), header.last().unwrap().as_str()), ("region", "total"));
    let unknown = |k: &str| if k.is_empty() { "未知".to_string() } else { k.to_string() };
    let records: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.len() + 1);
    for record in &records[..rows.len()] {
        for (j, col) in header[1..header.len() - 1].iter().enumerate() {
            let want = brute.get(&(unknown(&record[0]), unknown(col))).copied().unwrap_or(0);
            assert_eq!(record[j + 1].parse::<u64>().unwrap(), want, "{} × {col}", &record[0]);
        }
    }
    let last = records.last().unwrap();
    assert_eq!((&last[0], &last[last.len() - 1]), ("total", want.len().to_string().as_str()));
}

#[test]
fn facets_command_drills_down() {
    let s = synth();
    let run = |args: &[&str]| -> Value {
        let out =
            fazhi().arg("facets").args(args).args(["--format", "json", "--index"]).arg(&s.index).output().unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let all: Vec<&SynthReport> = s.reports.iter().collect();
    let top = run(&[]);
    assert_eq!(top["total"].as_u64().unwrap() as usize, N);
    assert_eq!(bucket_map(&top["buckets"]), count_by(&all, |x| region_key(x, &[])));
    let zj = run(&["--region", "浙江省"]);
    let in_zj: Vec<&SynthReport> = all.iter().copied().filter(|x| PLACES[x.place].0 == "浙江省").collect();
    assert_eq!(bucket_map(&zj["buckets"]), count_by(&in_zj, |x| region_key(x, &["浙江省"])));
    let nb = run(&["--region", "宁波"]);
    let in_nb: Vec<&SynthReport> = in_zj.iter().copied().filter(|x| PLACES[x.place].1 == Some("宁波市")).collect();
    assert_eq!(bucket_map(&nb["buckets"]), count_by(&in_nb, |x| region_key(x, &["浙江省", "宁波市"])));
    let years = run(&["枫桥经验", "--by", "year"]);
    let fq = kept(
        s,
        &Brute { terms_any: &["枫桥经验"], region: None, years: None, unknown_year_included: false, level: None },
    );
    assert_eq!(bucket_map(&years["buckets"]), count_by(&fq, year_key));
    // Text: a table with a total row.
    let out = fazhi().args(["facets", "--region", "浙江", "--index"]).arg(&s.index).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("宁波市") && text.contains("合计"), "{text}");
}

#[test]
fn bundled_corpus_facets_and_inline_forms() {
    let (_, r) = search_json(bundled_index(), &["法治", "--facets"]);
    let region = bucket_map(&r["facets"]["region"]);
    assert_eq!(
        region,
        BTreeMap::from([
            ("云南省".into(), 1),
            ("广东省".into(), 1),
            ("江苏省".into(), 1),
            ("江西省".into(), 1),
            ("浙江省".into(), 1),
        ])
    );
    assert_eq!(
        bucket_map(&r["facets"]["year"]),
        BTreeMap::from([("2022".into(), 1), ("2023".into(), 3), ("未知".into(), 1)])
    );
    // A bare province name is a filter, echoed; --literal makes it text.
    let (_, r) = search_json(bundled_index(), &["江西", "枫桥经验"]);
    assert_eq!(hit_files(&r), set(&[YONGPING]));
    assert_eq!(r["filters"]["region"], serde_json::json!(["江西省"]));
    let (_, r) = search_json(bundled_index(), &["江西", "枫桥经验", "--literal"]);
    assert!(r["filters"].as_object().unwrap().is_empty());
    let (_, r) = search_json(bundled_index(), &["province:浙江", "year:2022", "level:街道"]);
    assert_eq!(hit_files(&r), set(&[GUTANG]));
    fazhi().args(["search", "枫桥经验", "-y", "2023..2021", "--index"]).arg(bundled_index()).assert().code(2);
    fazhi().args(["search", "枫桥经验", "-l", "村", "--index"]).arg(bundled_index()).assert().code(2);
}

#[test]
fn unknowns_are_selectable_and_agree_with_brute_force() {
    let s = synth();
    let run = |args: &[&str]| -> (i32, Value) { search_json(&s.index, args) };
    // Years: the generated reports without one, and with 2021 beside them.
    let unknown: Vec<&SynthReport> = s.reports.iter().filter(|r| r.year.is_none()).collect();
    assert!(!unknown.is_empty());
    let (_, r) = run(&["--all", "-y", "unknown"]);
    assert_same(&files(&r), &expected_files(&unknown), "-y unknown");
    let or_2021: Vec<&SynthReport> = s.reports.iter().filter(|r| r.year.is_none_or(|y| y == 2021)).collect();
    let (_, r) = run(&["--all", "year:未知", "-y", "2021"]);
    assert_same(&files(&r), &expected_files(&or_2021), "year:未知 -y 2021");
    // Every generated report has a place and a level: none is unknown.
    for args in [&["--all", "-r", "unknown"][..], &["--all", "-l", "未知"]] {
        let (code, r) = run(args);
        assert_eq!((code, r["total"].as_u64()), (1, Some(0)), "{args:?}");
    }

    // A report with no place, level or year beside one with all three.
    let root = scratch("unknowns");
    let corpus = root.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::copy(bundled_corpus().join(TAOZHUANG), corpus.join(TAOZHUANG)).unwrap();
    std::fs::write(corpus.join("nowhere.txt"), "工作总结\n\n本单位坚持依法行政，推进法治建设，完善制度。\n").unwrap();
    let index = root.join("index");
    fazhi().arg("index").arg(&corpus).arg("--index").arg(&index).assert().success();
    let stats = fazhi().args(["stats", "--format", "json", "--index"]).arg(&index).output().unwrap();
    let stats: Value = serde_json::from_slice(&stats.stdout).unwrap();
    for (flag, missing) in [("-r", "province"), ("-l", "level"), ("-y", "year")] {
        let (_, r) = search_json(&index, &["--all", flag, "unknown"]);
        assert_eq!(files(&r), set(&["nowhere.txt"]), "{flag} unknown");
        assert_eq!(stats["missing"][missing], 1, "stats agrees on {missing}");
        // With a known value beside it: either.
        let known = if flag == "-y" {
            "2023"
        } else if flag == "-r" {
            "江苏"
        } else {
            "乡镇"
        };
        let (_, r) = search_json(&index, &["--all", flag, "unknown", flag, known]);
        assert_eq!(files(&r), set(&["nowhere.txt", TAOZHUANG]), "{flag} unknown {flag} {known}");
        assert!(r["filters"].as_object().unwrap().values().any(|v| v.to_string().contains("未知")), "{}", r["filters"]);
    }
}

#[test]
fn years_asked_for_are_all_there_in_time_order_zeros_included() {
    let s = synth();
    let years: Vec<i64> = s.reports.iter().filter_map(|r| r.year).collect();
    let (lo, hi) = (years.iter().min().unwrap() - 3, years.iter().max().unwrap() + 2);
    let range = format!("{lo}..{hi}");
    let brute = |y: i64| s.reports.iter().filter(|r| r.year == Some(y)).count() as u64;
    // facets by year: every asked year, ascending, zeros included, counts as brute force.
    let out = fazhi()
        .args(["facets", "--by", "year", "-y", &range, "--format", "json", "--index"])
        .arg(&s.index)
        .output()
        .unwrap();
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(i64, u64)> = answer["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["value"].as_str().unwrap().parse().unwrap(), b["count"].as_u64().unwrap()))
        .collect();
    let want: Vec<(i64, u64)> = (lo..=hi).map(|y| (y, brute(y))).collect();
    assert_eq!(got, want);
    assert!(want.iter().any(|(_, n)| *n == 0), "the range reaches past the generated years");
    // A pivot: the same years as columns.
    let (_, answer) = search_json(&s.index, &["-y", &range, "--pivot", "level,year", "--all"]);
    let columns: Vec<String> =
        answer["pivot"]["column_values"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(columns, (lo..=hi).map(|y| y.to_string()).collect::<Vec<_>>());
    let totals: Vec<u64> =
        answer["pivot"]["column_totals"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(totals, (lo..=hi).map(brute).collect::<Vec<_>>());
}

#[test]
fn shares_equal_brute_force_in_every_cell_zero_matches_included() {
    let s = synth();
    // Three words together are rare enough that some cells hold reports and no match.
    let words = ["行政执法三项制度", "八五普法", "最多跑一次"];
    let query = words.join(" ");
    let in_range = |r: &SynthReport| r.year.is_some_and(|y| (2019..=2023).contains(&y));
    let key = |r: &SynthReport| (region_key(r, &[]), year_key(r));
    // (region, year) → reports: matching the query, and all of them.
    let mut matching: HashMap<(String, String), u64> = HashMap::new();
    let mut all = matching.clone();
    for r in s.reports.iter().filter(|r| in_range(r)) {
        *all.entry(key(r)).or_default() += 1;
        let text = grep_form(&r.text);
        if words.iter().all(|w| text.contains(&grep_form(w))) {
            *matching.entry(key(r)).or_default() += 1;
        }
    }
    let (code, answer) =
        search_json(&s.index, &[&query, "-y", "2019..2023", "--pivot", "region,year", "--measure", "share"]);
    assert_eq!(code, 0);
    let p = &answer["pivot"];
    let values = |v: &Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|x| x.as_str().unwrap_or("未知").to_string()).collect()
    };
    let (rows, cols) = (values(&p["row_values"]), values(&p["column_values"]));
    // Every region that has a report in range is a row, matched or not.
    let regions: BTreeSet<String> = all.keys().map(|k| k.0.clone()).collect();
    assert_eq!(rows.iter().cloned().collect::<BTreeSet<_>>(), regions);
    let mut zero_share = 0;
    for (i, row) in rows.iter().enumerate() {
        for (j, col) in cols.iter().enumerate() {
            let k = (row.clone(), col.clone());
            let (m, a) = (matching.get(&k).copied().unwrap_or(0), all.get(&k).copied().unwrap_or(0));
            assert_eq!(p["cells"][i][j].as_u64(), Some(m), "{row} × {col}");
            assert_eq!(p["all"]["cells"][i][j].as_u64(), Some(a), "{row} × {col}: all");
            let share = &p["share_cells"][i][j];
            if a == 0 {
                assert!(share.is_null(), "{row} × {col}");
            } else {
                assert!((share.as_f64().unwrap() - m as f64 / a as f64).abs() < 1e-4, "{row} × {col}: {share}");
                zero_share += usize::from(m == 0);
            }
        }
    }
    assert!(zero_share > 0, "some cell has reports but no match: its share is 0, not missing");
    assert!(!matching.is_empty(), "the query matches somewhere");
    // Facets: the same, one dimension.
    let out = fazhi()
        .args([
            "facets",
            &query,
            "--by",
            "year",
            "-y",
            "2019..2023",
            "--measure",
            "share",
            "--format",
            "json",
            "--index",
        ])
        .arg(&s.index)
        .output()
        .unwrap();
    let facets: Value = serde_json::from_slice(&out.stdout).unwrap();
    for b in facets["buckets"].as_array().unwrap() {
        let year = b["value"].as_str().unwrap();
        let m: u64 = matching.iter().filter(|(k, _)| k.1 == year).map(|(_, n)| n).sum();
        let a: u64 = all.iter().filter(|(k, _)| k.1 == year).map(|(_, n)| n).sum();
        assert_eq!((b["count"].as_u64(), b["all"].as_u64()), (Some(m), Some(a)), "{year}");
        assert!((b["share"].as_f64().unwrap() - m as f64 / a as f64).abs() < 1e-4);
    }
}

/// `export`'s reports, each as (region, year, normalized text) with the
/// title counted where the text lacks it: the brute force's own input.
fn exported(index: &std::path::Path, extra: &[&str]) -> Vec<(String, String, String)> {
    let out =
        fazhi().args(["export", "--format", "jsonl", "--text"]).args(extra).arg("--index").arg(index).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let r: Value = serde_json::from_str(line).unwrap();
            let field = |k: &str| match &r[k] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            let (text, title) = (grep_form(&field("text")), grep_form(&field("title")));
            let text = if text.contains(&title) { text } else { format!("{text}\n{title}") };
            (field("province"), field("year"), text)
        })
        .collect()
}

#[test]
fn long_pivot_equals_brute_force_over_the_export_in_every_cell() {
    let s = synth();
    let words = ["行政执法三项制度", "最多跑一次"];
    let query = words.join(" ");
    let years = 2019..=2026;
    // (region, year) → (matching reports, all reports, occurrences), from what export prints.
    let mut want: BTreeMap<(String, String), (u64, u64, u64)> = BTreeMap::new();
    let mut provinces = BTreeSet::new();
    for (province, year, text) in exported(&s.index, &[]) {
        if !year.parse::<i64>().is_ok_and(|y| years.contains(&y)) {
            continue;
        }
        provinces.insert(province.clone());
        let cell = want.entry((province, year)).or_default();
        cell.1 += 1;
        if words.iter().all(|w| text.contains(&grep_form(w))) {
            cell.0 += 1;
            cell.2 += words.iter().map(|w| text.matches(&grep_form(w)).count() as u64).sum::<u64>();
        }
    }
    let out = fazhi()
        .args(["search", &query, "-y", "2019..2026", "--pivot", "region,year", "--format", "csv", "--long", "--index"])
        .arg(&s.index)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut csv = csv::Reader::from_reader(&out.stdout[..]);
    assert_eq!(
        csv.headers().unwrap().iter().collect::<Vec<_>>(),
        ["row", "column", "reports", "all_reports", "share", "occurrences"]
    );
    let mut seen = BTreeSet::new();
    let (mut zero_match, mut empty) = (0, 0);
    for row in csv.records() {
        let row = row.unwrap();
        let key = (row[0].to_string(), row[1].to_string());
        let (m, a, o) = want.get(&key).copied().unwrap_or_default();
        assert_eq!((&row[2], &row[3], &row[5]), (&*m.to_string(), &*a.to_string(), &*o.to_string()), "{key:?}");
        if a == 0 {
            assert_eq!(&row[4], "", "{key:?}: no report, no share");
            empty += 1;
        } else {
            assert!((row[4].parse::<f64>().unwrap() - m as f64 / a as f64).abs() < 1e-4, "{key:?}");
            zero_match += usize::from(m == 0);
        }
        assert!(seen.insert(key.clone()), "{key:?} twice");
    }
    // Every region × every asked year is a row, those with nothing included.
    let grid: BTreeSet<(String, String)> =
        provinces.iter().flat_map(|p| years.clone().map(move |y| (p.clone(), y.to_string()))).collect();
    assert_eq!(seen, grid);
    assert!(empty > 0 && zero_match > 0, "the grid has cells with no report and cells with reports but no match");
    // The wide occurrences table and `facets` agree with the same brute force.
    let (_, answer) =
        search_json(&s.index, &[&query, "-y", "2019..2026", "--pivot", "region,year", "--measure", "occurrences"]);
    let p = &answer["pivot"]["occurrences"];
    for (i, row) in p["row_values"].as_array().unwrap().iter().enumerate() {
        for (j, col) in p["column_values"].as_array().unwrap().iter().enumerate() {
            let key = (row.as_str().unwrap_or("").to_string(), col.as_str().unwrap_or("").to_string());
            assert_eq!(p["cells"][i][j].as_u64(), Some(want.get(&key).map_or(0, |c| c.2)), "{key:?}");
        }
    }
    let out = fazhi()
        .args(["facets", &query, "--by", "year", "-y", "2019..2026", "--measure", "occurrences", "--format", "csv"])
        .arg("--index")
        .arg(&s.index)
        .output()
        .unwrap();
    let mut csv = csv::Reader::from_reader(&out.stdout[..]);
    assert_eq!(csv.headers().unwrap().iter().collect::<Vec<_>>(), ["value", "count", "occurrences"]);
    for row in csv.records() {
        let row = row.unwrap();
        let o: u64 = want.iter().filter(|(k, _)| k.1 == row[0]).map(|(_, c)| c.2).sum();
        assert_eq!(row[2].parse::<u64>().unwrap(), o, "{}", &row[0]);
    }
}

#[test]
fn occurrences_need_text_and_long_needs_csv() {
    let s = synth();
    for (args, says) in [
        (&["-y", "2020", "--pivot", "region,year", "--measure", "occurrences"][..], "没有检索词"),
        (&["法治", "--pivot", "region,year", "--long"], "--format csv"),
        (&["法治", "--long", "--format", "csv"], "--pivot"),
    ] {
        let out = fazhi().arg("search").args(args).arg("--index").arg(&s.index).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(says), "{args:?}");
    }
}

#[test]
fn each_hit_counts_its_terms_as_a_brute_force_does() {
    let s = synth();
    let by_file: HashMap<&str, &SynthReport> = s.reports.iter().map(|r| (r.file.as_str(), r)).collect();
    for words in [&["枫桥经验"][..], &["法治", "法治政府"], &["行政执法三项制度", "公职律师"]] {
        let query = words.join(" ");
        let (_, answer) = search_json(&s.index, &[&query, "--all"]);
        let hits = answer["hits"].as_array().unwrap();
        assert!(!hits.is_empty(), "{query}");
        for hit in hits {
            let file = std::path::Path::new(hit["path"].as_str().unwrap()).file_name().unwrap().to_str().unwrap();
            let text = grep_form(&by_file[file].text);
            for w in words {
                let want = text.matches(&grep_form(w)).count() as u64;
                assert_eq!(hit["occurrences"][*w].as_u64(), Some(want), "{file}: {w}");
            }
        }
    }
}
