//! The search page in a real browser: Debian's headless Chromium, driven
//! over the DevTools protocol, types a query, clicks a province facet and
//! then a year, opens a report, and each time what the page shows is checked
//! against the HTTP API's answer for the state in the URL. Ends with a
//! screenshot (in the target's temp dir).

mod common;
#[path = "common/served.rs"]
mod served;
#[path = "common/synth.rs"]
mod synth;

use std::path::Path;
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;
use served::*;

fn chromium() -> std::path::PathBuf {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.exists())
        .expect("this test needs headless Chromium (Debian: apt-get install chromium; .ci/run installs it)")
}

/// The value of a JavaScript expression on the page (through JSON, so
/// that arrays come back whole).
fn eval(tab: &Tab, expression: &str) -> Value {
    let json = tab.evaluate(&format!("JSON.stringify({expression})"), false).unwrap().value;
    json.as_ref().and_then(Value::as_str).map_or(Value::Null, |s| serde_json::from_str(s).unwrap())
}

/// Waits until the page shows the answer to the state in its URL: the
/// summary line names the total the API gives for that state.
fn wait_for_answer(tab: &Tab, server: &Server, what: &str) -> Value {
    let started = Instant::now();
    loop {
        let search = eval(tab, "location.search").as_str().unwrap_or_default().to_string();
        let mut params: Vec<(String, String)> = form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
            .into_owned()
            .filter(|(name, _)| ["q", "region", "year", "level", "type"].contains(&name.as_str()))
            .collect();
        params.push(("limit".into(), "20".into()));
        let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(&params).finish();
        let (status, body) = server.get(&format!("/api/search?{query}"));
        assert_eq!(status, 200, "{what}: {body}");
        let answer = untimed(&body);
        let summary = eval(tab, "document.querySelector('#results .summary')?.textContent ?? ''");
        let shown = summary.as_str().unwrap_or_default();
        let hits = eval(tab, "document.querySelectorAll('#results .hit').length").as_u64().unwrap_or(0);
        let total = answer["total"].as_u64().unwrap();
        if shown.starts_with(&format!("共 {total} 篇")) && hits == total.min(20) {
            let titles = eval(tab, "[...document.querySelectorAll('.hit h3 a')].map(a => a.textContent)");
            let expected: Vec<Value> = answer["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["title"].as_str().map_or(h["path"].clone(), Value::from))
                .collect();
            assert_eq!(titles, Value::Array(expected), "{what}: the hits in the API's order");
            return answer;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{what}: the page shows “{shown}” ({hits} hits), the API {total}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until the page's URL has `part` after what `did` (the state is the URL).
fn wait_for_url(tab: &Tab, part: &str, did: &str) {
    let started = Instant::now();
    while !eval(tab, "location.search").as_str().unwrap_or_default().contains(part) {
        assert!(started.elapsed() < Duration::from_secs(10), "{did}: the URL has no {part}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Clicks the first link of the facet panel `n` (1: region, 2: year) and
/// returns the value it chose.
fn click_facet(tab: &Tab, n: usize) -> String {
    let selector = format!("#facets section:nth-child({n}) li a");
    let link = tab.wait_for_element(&selector).unwrap();
    let value = eval(tab, &format!("document.querySelector('{selector} span').textContent"));
    link.click().unwrap();
    value.as_str().unwrap().to_string()
}

#[test]
fn a_person_searches_drills_down_and_reads_a_report() {
    let index = test_index();
    let server = Server::start(index, &[]);
    let profile = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("chromium-{}", std::process::id()));
    let browser = Browser::new(
        LaunchOptions::default_builder()
            .path(Some(chromium()))
            .sandbox(false)
            .window_size(Some((1200, 900)))
            .user_data_dir(Some(profile))
            .idle_browser_timeout(Duration::from_secs(120))
            .build()
            .unwrap(),
    )
    .unwrap();
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("{}/", server.url)).unwrap().wait_until_navigated().unwrap();

    // Typing answers without pressing a key more.
    tab.wait_for_element("#q").unwrap().click().unwrap();
    tab.send_character("枫桥经验").unwrap();
    wait_for_url(&tab, "q=", "typing");
    let all = wait_for_answer(&tab, &server, "typed 枫桥经验");
    assert!(all["total"].as_u64().unwrap() > 1);

    let province = click_facet(&tab, 1);
    wait_for_url(&tab, "region=", &province);
    let narrowed = wait_for_answer(&tab, &server, &format!("region {province}"));
    assert_eq!(narrowed["filters"]["region"][0], Value::from(province.clone()));
    assert!(narrowed["total"].as_u64() <= all["total"].as_u64());

    let year = click_facet(&tab, 2);
    wait_for_url(&tab, "year=", &year);
    let answer = wait_for_answer(&tab, &server, &format!("region {province}, year {year}"));
    assert!(answer["total"].as_u64().unwrap() >= 1);

    // The first report, in full, as the API has it.
    let id = answer["hits"][0]["id"].as_str().unwrap().to_string();
    tab.wait_for_element(".hit h3 a").unwrap().click().unwrap();
    tab.wait_for_element(".fulltext").unwrap();
    assert!(eval(&tab, "location.search").as_str().unwrap().contains(&format!("id={id}")));
    let (status, body) = server.get(&format!("/api/reports/{id}?highlight=%E6%9E%AB%E6%A1%A5%E7%BB%8F%E9%AA%8C"));
    assert_eq!(status, 200);
    let report = untimed(&body);
    let text = eval(&tab, "document.querySelector('.fulltext').textContent");
    assert_eq!(text, report["text"]);
    let marked = eval(&tab, "document.querySelectorAll('.fulltext mark').length").as_u64().unwrap();
    assert_eq!(marked as usize, report["highlights"].as_array().unwrap().len());
    assert!(marked > 0);

    let png = tab.capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true).unwrap();
    assert!(png.len() > 1000);
    std::fs::write(Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-page.png"), png).unwrap();
}
