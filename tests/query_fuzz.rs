//! No query panics: random Unicode, query-syntax soup, and 10,000-char
//! queries, through the library (fast) and the binary (a sample).

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use common::*;
use fazhi::index::build::{build, BuildRequest};
use fazhi::search::counts::Dim;
use fazhi::search::{Engine, SearchRequest, SearchResponse, Sort};
use proptest::prelude::*;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dir: PathBuf = scratch("fuzz-index").join("index");
        build(&dir, &BuildRequest { paths: vec![bundled_corpus()], ..Default::default() }).unwrap();
        Engine::open(&dir).unwrap()
    })
}

/// Runs a query; checks the answer is well-formed or the error is one line.
fn check(query: &str, limit: usize, offset: usize) -> Option<SearchResponse> {
    // Exercise counting and sorting too, on a share of the queries.
    let request = SearchRequest {
        query: query.to_string(),
        limit,
        offset,
        facets: limit.is_multiple_of(2),
        pivot: limit.is_multiple_of(3).then_some((Dim::Region, Dim::Year)),
        sort: if offset % 2 == 1 { Sort::YearDesc } else { Sort::Score },
        ..SearchRequest::default()
    };
    match engine().search(&request) {
        Ok(r) => {
            assert!(r.hits.len() <= limit);
            assert!(r.total >= r.hits.len());
            for hit in &r.hits {
                for s in &hit.snippets {
                    let n = s.text.chars().count();
                    for w in s.highlights.windows(2) {
                        assert!(w[0][1] < w[1][0], "overlapping or touching highlights {:?}", s.highlights);
                    }
                    assert!(s.highlights.iter().all(|&[a, b]| a < b && b <= n));
                }
            }
            Some(r)
        }
        Err(e) => {
            let message = format!("{e:#}");
            assert!(!message.contains('\n'), "multi-line error for {query:?}");
            // A query is never a bug of fazhi's nor damage of the index.
            assert!(!message.contains("内部错误") && !message.contains("损坏"), "{query:?}: {message}");
            None
        }
    }
}

const SOUP: &[&str] = &[
    "\"",
    "“",
    "”",
    "＂",
    "OR",
    "or",
    "-",
    "--",
    " ",
    "　",
    "\t",
    "\n",
    "2023",
    "2023年",
    "1999",
    "枫桥经验",
    "综合执法",
    "法",
    "镇",
    "，",
    "。",
    "a",
    "Ａ",
    "\u{0}",
    "\u{FFFD}",
    "🙂",
    "\u{200B}",
    "\\",
    "*",
    ":",
    "province:",
    "(",
    ")",
    "楓橋",
    "$",
    "..",
    "行政执法“三项制度”",
    "浙江",
    "region:",
    "year:",
    "year:2021..",
    "level:街道",
    "province:朝阳区",
    "year:..",
    "level:",
    "：",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_unicode_never_panics(q in any::<String>(), limit in 0usize..30, offset in 0usize..10) {
        check(&q, limit, offset);
    }

    #[test]
    fn syntax_soup_never_panics(parts in proptest::collection::vec(proptest::sample::select(SOUP), 0..12)) {
        check(&parts.concat(), 10, 0);
        check(&parts.join(" "), 10, 0);
    }
}

#[test]
fn huge_limits_and_offsets() {
    check("法治", usize::MAX, usize::MAX);
    check("法治", 0, 0);
    let r = check("法治", 3, usize::MAX).unwrap();
    assert!(r.hits.is_empty() && r.total == 5);
}

#[test]
fn ten_thousand_char_queries() {
    for q in ["法".repeat(10_000), "\"".repeat(10_000), "OR ".repeat(3_400), "-".repeat(10_000), "-法 ".repeat(2_500)]
    {
        check(&q, 10, 0);
    }
    // A long passage copied from a report finds that report, exactly.
    let text = std::fs::read_to_string(bundled_corpus().join(PANLONG)).unwrap();
    let passage: String = text.chars().skip(200).take(3_000).collect();
    let r = check(&passage, 10, 0).unwrap();
    assert_eq!(r.total, 1);
    assert!(r.hits[0].path.ends_with(PANLONG));
    let random: String = (0..10_000u32).map(|i| char::from_u32(0x4E00 + (i * 7919) % 20_000).unwrap()).collect();
    check(&random, 10, 0);
}

#[test]
fn the_binary_survives_nasty_queries() {
    let nasty = ["\"", "OR OR", "-", "", "   ", "\"\"", "-\"\"", "OR", "“", "2023 OR OR -", "\u{FFFD}"];
    for q in nasty {
        let out = fazhi().args(["search", q, "--index"]).arg(bundled_index()).output().unwrap();
        let code = out.status.code().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(matches!(code, 0..=2), "{q:?}: exit {code}");
        assert!(!err.contains("内部错误") && !err.contains("panicked"), "{q:?}: {err}");
        assert!(err.lines().count() <= 1, "{q:?}: {err}");
    }
    let long = "枫".repeat(10_000);
    fazhi().args(["search", &long, "--index"]).arg(bundled_index()).assert().code(1);
}
