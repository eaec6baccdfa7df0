//! Generated tag soup: every page is read or skipped with a reason, in
//! bounded time, and never lets script text through. Pages are random
//! sequences of open and close tags (matching, mismatched, never closed),
//! attributes that look like menus or articles, comments, entities and
//! text, and some are one such fragment repeated thousands of times, which
//! is how quadratic walks were found before.

use std::time::Duration;

use fazhi::ingest::{html, SkipReason};
use proptest::prelude::*;

/// No page of a few MB may take more CPU time (each took well under 1 s
/// when this was written; quadratic walks took minutes). CPU time of this
/// thread, not wall time: other work on a busy machine does not count.
const PER_PAGE: Duration = Duration::from_secs(5);

fn thread_cpu_time() -> Duration {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}
/// Text only a `<script>` holds: it must never reach a report.
const IN_SCRIPT: &str = "脚本里的字";

fn piece() -> impl Strategy<Value = String> {
    let tags = prop::sample::select(vec![
        "div", "p", "span", "b", "i", "font", "a", "table", "tr", "td", "ul", "li", "section", "article", "h1", "br",
        "strong", "em", "nav", "footer", "x", "center", "pre",
    ]);
    let attrs = prop::sample::select(vec![
        "",
        " class=\"content\"",
        " class=\"nav\"",
        " id=\"zoom\"",
        " style=\"display:none\"",
        " class=\"TRS_Editor\"",
        " hidden",
    ]);
    let text = prop::sample::select(vec![
        "依法行政，推进法治政府建设。",
        "坚持和发展新时代“枫桥经验”，",
        "首页",
        "分享到",
        "2023年",
        "&nbsp;&amp;&lt;&#x6CD5;&#27835;",
        " < > & ",
        "\n",
    ]);
    prop_oneof![
        3 => (tags.clone(), attrs).prop_map(|(t, a)| format!("<{t}{a}>")),
        2 => tags.clone().prop_map(|t| format!("</{t}>")),
        1 => Just("</x>".to_string()),
        4 => text.prop_map(String::from),
        1 => Just(format!("<script>var s = '{IN_SCRIPT}';</script>")),
        1 => Just("<!-- 注释 -->".to_string()),
        1 => Just("<".to_string()),
    ]
}

fn page() -> impl Strategy<Value = String> {
    let fragment = prop::collection::vec(piece(), 0..300).prop_map(|p| p.concat());
    (fragment, prop_oneof![3 => Just(1usize), 1 => 1usize..20_000]).prop_map(|(f, times)| {
        // Repeated fragments stay within a few MB.
        let times = times.min((4 << 20) / f.len().max(1)).max(1);
        format!("<html><head><title>标题</title></head><body>{}</body></html>", f.repeat(times))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_page_is_read_or_refused_in_bounded_time(page in page()) {
        let start = thread_cpu_time();
        let read = html::read(page.as_bytes());
        let took = thread_cpu_time() - start;
        prop_assert!(took < PER_PAGE, "{} bytes took {took:?}", page.len());
        match read {
            Ok(part) => {
                let text = part.text.unwrap_or_default();
                prop_assert!(!text.contains(IN_SCRIPT), "script text leaked: {text:.200}");
            }
            Err(SkipReason::NoText | SkipReason::TooComplex(_) | SkipReason::Empty) => {}
            Err(other) => prop_assert!(false, "unexpected reason {other:?}"),
        }
    }
}
