//! End to end on the bundled corpus: the must-hold answers of the search core.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn fengqiao_finds_exactly_its_three_reports_with_one_span_each() {
    let (code, r) = search_json(bundled_index(), &["枫桥经验"]);
    assert_eq!(code, 0);
    assert_eq!(hit_files(&r), set(&[DONGFENG, TAOZHUANG, YONGPING]));
    assert_eq!(r["total"], 3);
    assert_eq!(r["match"], "exact");
    for hit in r["hits"].as_array().unwrap() {
        assert!(!hit["snippets"].as_array().unwrap().is_empty(), "no snippet for {}", hit["path"]);
    }
    let spans = highlighted(&r);
    assert!(!spans.is_empty());
    assert!(spans.iter().all(|s| s == "枫桥经验"), "{spans:?}");
}

#[test]
fn a_bare_year_filters_on_the_covered_year_and_says_so() {
    for year in ["2023", "2023年"] {
        let (code, r) = search_json(bundled_index(), &["枫桥经验", year]);
        assert_eq!(code, 0);
        assert_eq!(hit_files(&r), set(&[TAOZHUANG, YONGPING]), "{year}");
        assert_eq!(r["filters"]["year"], serde_json::json!(["2023"]));
    }
    search_bundled(&["枫桥经验", "2023"]).success().stdout(predicate::str::contains("年份=2023"));
    // 古塘街道 covers 2022.
    let (_, r) = search_json(bundled_index(), &["行政执法三项制度", "2022"]);
    assert_eq!(hit_files(&r), set(&[GUTANG]));
}

#[test]
fn terms_match_across_punctuation() {
    let (_, r) = search_json(bundled_index(), &["行政执法三项制度"]);
    assert_eq!(hit_files(&r), set(&[GUTANG, PANLONG, YONGPING]));
    let spans = highlighted(&r);
    assert!(spans.iter().any(|s| s == "行政执法“三项制度”"), "{spans:?}");
    let (_, r) = search_json(bundled_index(), &["新时代枫桥经验"]);
    assert_eq!(hit_files(&r), set(&[DONGFENG, TAOZHUANG, YONGPING]));
}

#[test]
fn traditional_query_matches_simplified_text() {
    let (_, simplified) = search_json(bundled_index(), &["法治政府建设"]);
    let (_, traditional) = search_json(bundled_index(), &["法治政府建設"]);
    assert_eq!(hit_files(&simplified), hit_files(&traditional));
    assert_eq!(hit_files(&simplified).len(), 5);
}

#[test]
fn overlapping_search_mode_words_do_not_panic() {
    let (code, r) = search_json(bundled_index(), &["综合执法"]);
    assert_eq!(code, 0);
    assert!(highlighted(&r).iter().all(|s| s == "综合执法"));
    search_bundled(&["综合执法", "--color", "always"])
        .success()
        .stdout(predicate::str::contains("\x1b[1m\x1b[31m综合执法\x1b[0m"));
}

#[test]
fn or_not_and_phrases() {
    let (_, r) = search_json(bundled_index(), &["枫桥经验", "OR", "行政执法三项制度"]);
    assert_eq!(hit_files(&r).len(), 5);
    let (_, r) = search_json(bundled_index(), &["依法行政", "-枫桥经验"]);
    let (_, all) = search_json(bundled_index(), &["依法行政"]);
    let (_, fq) = search_json(bundled_index(), &["枫桥经验"]);
    let expected: std::collections::BTreeSet<_> = hit_files(&all).difference(&hit_files(&fq)).cloned().collect();
    assert!(!expected.is_empty());
    assert_eq!(hit_files(&r), expected);
    // A quoted phrase is text: "2023" is not a year filter.
    let (_, r) = search_json(bundled_index(), &["\"2023\""]);
    assert!(r["filters"].as_object().unwrap().is_empty());
    assert!(hit_files(&r).contains(TAOZHUANG));
}

#[test]
fn no_hit_exits_1_and_says_so() {
    search_bundled(&["量子力学星际航行"]).code(1).stdout(predicate::str::contains("没有找到匹配的报告"));
}

#[test]
fn looser_match_is_announced() {
    // 依法 and 治镇 both occur in 永平镇's report, never as 治镇依法.
    let (code, r) = search_json(bundled_index(), &["治镇依法", "--loose"]);
    assert_eq!(code, 0);
    assert_eq!(r["match"], "loose");
    assert!(hit_files(&r).contains(YONGPING));
    search_bundled(&["治镇依法"]).success().stdout(predicate::str::contains("宽松"));
}

#[test]
fn text_output_has_header_snippets_and_closing_line() {
    let out = fazhi().args(["search", "枫桥经验", "--index"]).arg(bundled_index()).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("兴化市陶庄镇人民政府2023年度法治政府建设情况报告"), "{text}");
    assert!(text.contains("年份：2023") && text.contains("得分："), "{text}");
    assert!(text.contains("【枫桥经验】"), "not a terminal: brackets expected\n{text}");
    assert!(!text.contains('\x1b'));
    let last = text.lines().last().unwrap();
    assert!(last.starts_with("共 3 篇报告") && last.contains("毫秒"), "{last}");
}

#[test]
fn no_color_wins_over_auto_but_not_over_always() {
    let run = |color: &str| {
        let out = fazhi()
            .env("NO_COLOR", "1")
            .args(["search", "枫桥经验", "--color", color, "--index"])
            .arg(bundled_index())
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(!run("auto").contains('\x1b'));
    assert!(run("always").contains('\x1b'));
    assert!(!run("never").contains('\x1b'));
}

#[test]
fn clicolor_force_colours_auto_output_that_is_not_a_terminal() {
    let run = |vars: &[(&str, &str)], color: &str| {
        let mut cmd = fazhi();
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = cmd.args(["search", "枫桥经验", "--color", color, "--index"]).arg(bundled_index()).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(run(&[("CLICOLOR_FORCE", "1")], "auto").contains('\x1b'));
    assert!(!run(&[("CLICOLOR_FORCE", "1")], "never").contains('\x1b'));
    // NO_COLOR wins over CLICOLOR_FORCE, as anstream and no-color.org have it.
    assert!(!run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], "auto").contains('\x1b'));
}

#[test]
fn paging_walks_the_ranking() {
    let (_, all) = search_json(bundled_index(), &["法治政府建设"]);
    let ids: Vec<_> = all["hits"].as_array().unwrap().iter().map(|h| h["id"].clone()).collect();
    let page = fazhi()
        .args(["search", "法治政府建设", "--format", "json", "-n", "2", "--offset", "1", "--index"])
        .arg(bundled_index())
        .output()
        .unwrap();
    let page: serde_json::Value = serde_json::from_slice(&page.stdout).unwrap();
    let got: Vec<_> = page["hits"].as_array().unwrap().iter().map(|h| h["id"].clone()).collect();
    assert_eq!(got, ids[1..3]);
    assert_eq!(page["total"], all["total"]);
}

#[test]
fn json_hits_carry_every_documented_field() {
    let (_, r) = search_json(bundled_index(), &["枫桥经验"]);
    for key in ["query", "filters", "total", "took_ms", "hits", "match", "terms"] {
        assert!(r.get(key).is_some(), "missing {key}");
    }
    for hit in r["hits"].as_array().unwrap() {
        let metadata = fazhi::meta::FIELDS.iter().map(|d| d.name);
        for key in ["id", "path", "score", "snippets"].into_iter().chain(metadata) {
            assert!(hit.get(key).is_some(), "hit lacks {key}: {hit}");
        }
    }
}

#[test]
fn searching_never_loads_the_full_dictionary() {
    use fazhi::analyze::dictionary;
    use fazhi::batch::{self, Defaults};
    use fazhi::search::{Engine, MatchMode, SearchRequest};

    // Nothing else in this test binary segments text in process.
    let engine = Engine::open(bundled_index()).unwrap();
    for (query, mode) in [("枫桥经验", MatchMode::Exact), ("行政执法三项制度 2023", MatchMode::Exact)] {
        let r = engine.search(&SearchRequest { query: query.into(), limit: 10, ..SearchRequest::default() }).unwrap();
        assert_eq!(r.match_mode, mode, "{query}");
    }
    // The loose fallback cuts the term into words.
    let loose = SearchRequest { query: "治镇依法".into(), limit: 10, loose: true, ..SearchRequest::default() };
    let r = engine.search(&loose).unwrap();
    assert_eq!((r.match_mode, r.terms.clone()), (MatchMode::Loose, vec!["依法".to_string(), "治镇".to_string()]));
    let input = std::io::Cursor::new("枫桥经验\n法律明白人 2022\n");
    let defaults = Defaults { limit: 10, facets: false };
    batch::run(&engine, input, defaults, &|| {}, |_| Ok(())).unwrap();
    assert!(dictionary::loaded().is_none());
}

#[test]
fn the_binary_carries_every_bundled_report_as_the_folder_has_it() {
    let mut on_disk: Vec<(String, String)> = std::fs::read_dir(bundled_corpus())
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (path.file_name().unwrap().to_string_lossy().to_string(), std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    on_disk.sort();
    let embedded: Vec<(String, String)> =
        fazhi::paths::BUNDLED_REPORTS.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
    assert_eq!(embedded, on_disk, "src/paths.rs BUNDLED_REPORTS must list data/reports");
}

/// `fazhi search ARGS` over the bundled index, for its text output.
fn search_bundled(args: &[&str]) -> assert_cmd::assert::Assert {
    fazhi().arg("search").args(args).arg("--index").arg(bundled_index()).assert()
}
