//! `fazhi serve`: the binary started on a free port over a test index, each
//! route's answer compared with what the command line prints for the same
//! request (`took_ms` aside), bad requests, reloads and shutdown.

mod common;
#[path = "common/served.rs"]
mod served;
#[path = "common/synth.rs"]
mod synth;

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use served::*;

/// `?name=value&…`, percent-encoded.
fn query_string(params: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        s.append_pair(name, value);
    }
    format!("?{}", s.finish())
}

/// The same request as command-line arguments: `q` as the query's words,
/// switches as flags, anything else as `--name=value`.
fn cli_args(params: &[(&str, &str)]) -> Vec<String> {
    let mut args = Vec::new();
    for (name, value) in params {
        match *name {
            "q" => args.push(value.to_string()),
            "facets" | "literal" | "loose" | "text" | "bom" => {
                if *value == "1" {
                    args.push(format!("--{name}"));
                }
            }
            _ => args.push(format!("--{}={value}", name.replace('_', "-"))),
        }
    }
    args
}

/// A request's parameters, in order.
type Params<'a> = &'a [(&'a str, &'a str)];

const SEARCHES: &[Params] = &[
    &[("q", "法治")],
    &[("q", "法治政府"), ("limit", "2")],
    &[("q", "法治"), ("offset", "3"), ("limit", "4")],
    &[("q", "法治"), ("region", "浙江")],
    &[("q", "法治"), ("region", "浙江"), ("region", "江苏省")],
    &[("q", "法治"), ("year", "2021..2023")],
    &[("q", "法治"), ("year", "2023"), ("year", "2020")],
    &[("q", "法治"), ("year", "2022"), ("unknown_year", "include")],
    &[("q", "法治"), ("level", "乡镇")],
    &[("q", "法治"), ("type", "法治")],
    &[("q", "法治"), ("facets", "1")],
    &[("q", "法治"), ("pivot", "region,year")],
    &[("q", "法治"), ("pivot", "region,year"), ("measure", "share")],
    &[("q", "枫桥经验"), ("facets", "1"), ("measure", "occurrences")],
    &[("q", "法治"), ("sort", "-year"), ("limit", "20")],
    &[("q", "法治"), ("sort", "year"), ("limit", "20")],
    &[("q", "2023 法治")],
    &[("q", "2023 法治"), ("literal", "1")],
    &[("q", "\"法治政府\" -信访")],
    &[("q", "枫桥经验 OR 一网通办"), ("limit", "50")],
    &[("q", "法治"), ("q", "政府")],
    &[("q", "法治"), ("min_confidence", "0.5")],
    &[("q", "法治 建设"), ("within", "sentence")],
    &[("q", "title:法治"), ("region", "浙江省"), ("facets", "1"), ("pivot", "level,type")],
    &[("q", "法治"), ("published", "2024")],
    &[("q", "不存在的词语组合甲乙丙")],
    &[("q", "依法行政 枫桥经验"), ("loose", "1")],
    &[("region", "江西")],
];

/// `GET /api/COMMAND?params` answers what `fazhi COMMAND … --format=json` prints.
fn answers_as_the_cli(server: &Server, index: &Path, command: &str, params: &[(&str, &str)]) {
    let (status, body) = server.get(&format!("/api/{command}{}", query_string(params)));
    let (code, stdout, stderr) = cli(index, command, &[cli_args(params), vec!["--format=json".into()]].concat());
    assert!(code <= 1, "{params:?}: the CLI failed: {stderr}");
    assert_eq!(status, 200, "{params:?}: {body}");
    assert_eq!(untimed(&body), untimed(&stdout), "{params:?}");
}

/// The test index and a server over it.
fn served() -> (&'static Path, Server) {
    let index = test_index();
    (index, Server::start(index, &[]))
}

#[test]
fn search_answers_what_the_cli_prints() {
    let (index, server) = served();
    for params in SEARCHES {
        answers_as_the_cli(&server, index, "search", params);
    }
}

#[test]
fn facets_stats_and_reports_answer_what_the_cli_prints() {
    let (index, server) = served();
    let facets: &[&[(&str, &str)]] = &[
        &[],
        &[("by", "year")],
        &[("region", "浙江省")],
        &[("region", "浙江省"), ("by", "level")],
        &[("q", "枫桥经验"), ("by", "type")],
        &[("q", "法治"), ("measure", "share"), ("by", "year")],
        &[("q", "法治"), ("year", "2020..2022"), ("literal", "1")],
    ];
    for params in facets {
        answers_as_the_cli(&server, index, "facets", params);
    }

    let (status, body) = server.get("/api/stats");
    assert_eq!(status, 200);
    assert_eq!(body, cli(index, "stats", &["--format=json".into()]).1);

    let (_, found) = server.get("/api/search?q=%E6%B3%95%E6%B2%BB&limit=3");
    let ids: Vec<String> =
        untimed(&found)["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids.len(), 3);
    for id in &ids {
        let (status, body) = server.get(&format!("/api/reports/{id}"));
        assert_eq!(status, 200);
        assert_eq!(body, cli(index, "show", &[id.clone(), "--format=json".into()]).1);
    }
    // An id prefix, and terms marked, as `show` takes them.
    let prefix = &ids[0][..8];
    let (status, body) = server.get(&format!("/api/reports/{prefix}{}", query_string(&[("highlight", "法治 建设")])));
    assert_eq!(status, 200);
    let shown = cli(index, "show", &[prefix.into(), "--highlight=法治 建设".into(), "--format=json".into()]).1;
    assert_eq!(body, shown);
    assert!(untimed(&body)["highlights"].as_array().is_some_and(|h| !h.is_empty()));
}

#[test]
fn unknown_ids_and_paths_are_404() {
    let server = Server::start(test_index(), &[]);
    for path in ["/api/reports/0123456789abcdef", "/api/reports/ffffff", "/api/nothing", "/nothing/at/all"] {
        let (status, body) = server.get(path);
        assert_eq!(status, 404, "{path}: {body}");
        assert!(untimed(&body)["error"].as_str().is_some_and(|e| !e.is_empty()), "{path}: {body}");
    }
    let (_, _, stderr) = cli(test_index(), "show", &["0123456789abcdef".into()]);
    let (_, body) = server.get("/api/reports/0123456789abcdef");
    assert!(stderr.contains(untimed(&body)["error"].as_str().unwrap()), "{stderr} / {body}");
}

#[test]
fn export_streams_what_the_cli_writes() {
    let (index, server) = served();
    let exports: &[&[(&str, &str)]] = &[
        &[],
        &[("format", "jsonl")],
        &[("q", "法治"), ("region", "浙江"), ("format", "csv"), ("bom", "1")],
        &[("q", "枫桥经验"), ("format", "jsonl"), ("text", "1")],
        &[("year", "2021..2022"), ("level", "县级")],
    ];
    for params in exports {
        let (status, body) = server.get(&format!("/api/export{}", query_string(params)));
        let (code, stdout, stderr) = cli(index, "export", &cli_args(params));
        assert!(code <= 1, "{params:?}: {stderr}");
        assert_eq!(status, 200, "{params:?}: {body}");
        assert!(!stdout.is_empty());
        assert_eq!(body, stdout, "{params:?}");
    }
}

#[test]
fn batch_streams_what_the_cli_writes() {
    let (index, server) = served();
    let lines = [
        "法治",
        "# a comment",
        r#"{"id": "a", "query": "枫桥经验", "region": ["浙江", "江苏"], "facets": true}"#,
        r#"{"query": "法治", "pivot": "region,year", "limit": 2}"#,
        r#"{"query": "法治", "year": "1800"}"#,
        r#"{"query": "法治", "colour": "red"}"#,
        "{not json",
        "",
        r#"{"query": "法治", "sort": "-year", "offset": 2}"#,
    ]
    .join("\n");
    for (query, flags) in [("", vec![]), ("?limit=3&facets=1", vec!["--limit=3", "--facets"])] {
        let (status, body) = server.post(&format!("/api/batch{query}"), lines.as_bytes());
        assert_eq!(status, 200, "{body}");
        let out =
            fazhi().arg("batch").args(flags).arg("--index").arg(index).write_stdin(lines.clone()).output().unwrap();
        let expected = String::from_utf8(out.stdout).unwrap();
        let got: Vec<Value> = body.lines().map(untimed).collect();
        let want: Vec<Value> = expected.lines().map(untimed).collect();
        assert_eq!(got.len(), 7);
        assert_eq!(got, want);
    }
}

/// 400 and the command line's words; the server lives on.
#[test]
fn bad_requests_are_400_in_the_cli_words() {
    let (index, server) = served();
    // Over the query's length limit, in a URL that is not (9 bytes a char for 法).
    let long = "法治".repeat(2_000) + &"a".repeat(6_001);
    // (query string, the CLI arguments of the same mistake when it has them)
    let bad: &[(Params, Option<&[&str]>)] = &[
        (&[("q", "法治"), ("colour", "red")], None),
        (&[("q", "法治"), ("year", "1800")], Some(&["法治", "--year=1800"])),
        (&[("q", "法治"), ("year", "2023..2021x")], Some(&["法治", "--year=2023..2021x"])),
        (&[("q", &long)], Some(&[&long])),
        (&[("q", "法治"), ("limit", "1001")], None),
        (&[("q", "法治"), ("limit", "ten")], None),
        (&[("q", "法治"), ("limit", "1"), ("limit", "2")], None),
        (&[("q", "法治"), ("sort", "newest")], None),
        (&[("q", "法治"), ("pivot", "region,region")], Some(&["法治", "--pivot=region,region"])),
        (&[("q", "法治"), ("measure", "lots")], None),
        (&[("q", "法治"), ("min_confidence", "2")], Some(&["法治", "--min-confidence=2"])),
        (&[("q", "法治"), ("facets", "maybe")], None),
        (&[("q", "法治"), ("within", "page")], None),
        (&[], Some(&[])),
        (&[("q", "\"")], Some(&["\""])),
    ];
    for (params, cli_same) in bad {
        let shown = format!(
            "{:?}",
            params.iter().map(|(n, v)| (n, v.chars().take(10).collect::<String>())).collect::<Vec<_>>()
        );
        let (status, body) = server.get(&format!("/api/search{}", query_string(params)));
        assert_eq!(status, 400, "{shown}: {body}");
        let error = untimed(&body)["error"].as_str().map(str::to_string).unwrap_or_default();
        assert!(!error.is_empty() && !error.is_ascii(), "{shown}: {body}");
        if let Some(args) = cli_same {
            let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            let (code, _, stderr) = cli(index, "search", &args);
            assert_eq!(code, 2, "{shown}");
            assert!(stderr.contains(&error), "{shown}: the CLI says {stderr}, the server {error}");
        }
    }
    for path in [
        "/api/facets?by=colour",
        "/api/facets?limit=3",
        "/api/export?format=xml",
        "/api/export?year=1800",
        "/api/export?min_confidence=x",
        "/api/stats?x=1",
        "/api/reports/abc",
        "/api/reports/0?highlight=",
    ] {
        let (status, body) = server.get(path);
        assert_eq!(status, 400, "{path}: {body}");
        assert!(untimed(&body)["error"].is_string(), "{path}: {body}");
    }
    let too_many = "法治\n".repeat(10_001);
    let (status, body) = server.post("/api/batch", too_many.as_bytes());
    assert_eq!(status, 400, "{body}");
    let (status, body) = server.post("/api/batch", r#"{"query": "法治", "limit": 5000}"#.as_bytes());
    assert_eq!(status, 400, "{body}");
    let huge = vec![b'x'; 5 * 1024 * 1024];
    let (status, body) = server.post("/api/batch", &huge);
    assert_eq!(status, 413, "{body}");
    assert!(untimed(&body)["error"].is_string());
    let (status, _) = server.get("/healthz");
    assert_eq!(status, 200);
    let said = server.stderr.lock().unwrap().clone();
    assert!(!said.contains("内部错误") && !said.contains("panic"), "{said}");
}

#[test]
fn a_report_indexed_beside_the_server_shows_up_within_a_second() {
    let index = build_index("serve-live");
    let server = Server::start(&index, &[]);
    let ask = "/api/search?q=%E5%A4%A9%E7%AA%97%E8%AF%95%E7%82%B9"; // 天窗试点
    let total = |body: &str| untimed(body)["total"].as_u64().unwrap();
    assert_eq!(total(&server.get(ask).1), 0);
    let (_, before) = server.get("/api/stats");
    let docs = index.parent().unwrap().join("docs");
    std::fs::write(docs.join("zz_new.txt"), "某某镇2024年法治政府建设情况报告\n\n本镇开展天窗试点工作，依法行政。\n")
        .unwrap();
    fazhi().arg("index").arg(&docs).arg("--index").arg(&index).assert().success();
    let indexed = Instant::now();
    loop {
        let (status, body) = server.get(ask);
        assert_eq!(status, 200);
        if total(&body) == 1 {
            break;
        }
        assert!(indexed.elapsed() < Duration::from_secs(1), "not seen a second after the commit");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (_, after) = server.get("/api/stats");
    assert_eq!(untimed(&after)["documents"].as_u64(), untimed(&before)["documents"].as_u64().map(|n| n + 1));
    assert_eq!(after, cli(&index, "stats", &["--format=json".into()]).1);
}

#[test]
fn healthz_and_the_startup_line() {
    let server = Server::start(test_index(), &[]);
    let (status, body) = server.get("/healthz");
    assert_eq!(status, 200, "{body}");
    let said = server.stderr.lock().unwrap().clone();
    assert!(server.url.starts_with("http://127.0.0.1:"), "{said}");
    assert!(!said.contains("没有登录"), "a warning on localhost: {said}");
    drop(server);
    let server = Server::start(test_index(), &["--bind", "0.0.0.0"]);
    std::thread::sleep(Duration::from_millis(200));
    let said = server.stderr.lock().unwrap().clone();
    assert!(said.contains("没有登录验证"), "{said}");
}

/// A search past `--timeout` is answered 503 and stopped there: it ends
/// within one report's read of the limit, not when its work would have
/// ended, and the server goes on answering.
#[test]
fn a_search_past_the_time_limit_is_answered_503_and_stopped() {
    let (_, all, _) =
        cli(test_index(), "search", &["法治".into(), "--format".into(), "json".into(), "-n".into(), "0".into()]);
    let reports = untimed(&all)["total"].as_u64().unwrap();
    // Occurrence counts read every matching report whole; each read takes
    // 600 ms here, on at most 8 threads: 3 s or more unless stopped.
    assert!(reports >= 40, "{reports} reports hold 法治");
    let server = Server::start_with(test_index(), &["--timeout", "1"], &[("FAZHI_INJECT_SLOW_READ", "600")]);
    let started = Instant::now();
    let (status, body) = server.get("/api/search?q=%E6%B3%95%E6%B2%BB&facets=1&measure=occurrences");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("已停止"), "{body}");
    let answered = started.elapsed();
    assert!(answered >= Duration::from_secs(1) && answered < Duration::from_secs(3), "answered after {answered:?}");
    loop {
        if server.stderr.lock().unwrap().contains("已中途停止") {
            break;
        }
        let said = server.stderr.lock().unwrap().clone();
        assert!(started.elapsed() < Duration::from_millis(2500), "the search was not stopped: {said}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let (status, body) = server.get("/api/search?q=%E6%B3%95%E6%B2%BB");
    assert_eq!(status, 200, "{body}");
}

/// An export over a damaged document store fails before its first byte:
/// it is the index's fault (503, said as damage), as for every other
/// route, not the request's (400). Unwarmed: the store's block cache
/// would otherwise still hold good blocks.
#[test]
fn an_export_over_a_damaged_store_is_503_not_400() {
    let index = build_index("served-damaged-store");
    let server = Server::start(&index, &[]);
    assert_eq!(server.get("/healthz").0, 200);
    let mut stores = Vec::new();
    for entry in walkdir::WalkDir::new(&index).into_iter().map(Result::unwrap) {
        if entry.path().extension().is_some_and(|e| e == "store") {
            stores.push(entry.path().to_path_buf());
        }
    }
    assert!(!stores.is_empty(), "no .store file under {}", index.display());
    // In place (the server maps the files): every stored block garbled.
    for store in &stores {
        let mut bytes = std::fs::read(store).unwrap();
        let end = bytes.len() / 2;
        for (i, b) in bytes[..end].iter_mut().enumerate() {
            *b ^= 0x5a ^ (i as u8);
        }
        std::fs::OpenOptions::new().write(true).open(store).unwrap().write_all(&bytes).unwrap();
    }
    let (status, body) = server.get("/api/export?format=jsonl");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("损坏"), "{body}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let mut server = Server::start(test_index(), &[]);
    assert_eq!(server.get("/healthz").0, 200);
    // SAFETY: a signal to the child this test started.
    unsafe { libc::kill(server.child.id() as i32, libc::SIGINT) };
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
}

/// A validator of the schema at `pointer` in index-schema/openapi.yaml
/// (written in YAML's JSON form), with search-output.schema.json, which it
/// refers to, at its `$id`.
fn openapi(pointer: &str) -> jsonschema::Validator {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("index-schema");
    let read =
        |name: &str| -> Value { serde_json::from_str(&std::fs::read_to_string(root.join(name)).unwrap()).unwrap() };
    let output = read("search-output.schema.json");
    let registry = jsonschema::Registry::new()
        .add(output["$id"].as_str().unwrap(), jsonschema::Resource::from_contents(output.clone()))
        .unwrap()
        .prepare()
        .unwrap();
    let mut schema = read("openapi.yaml");
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema".into();
    schema["$ref"] = format!("#{pointer}").into();
    jsonschema::options().with_registry(&registry).build(&schema).unwrap()
}

fn assert_fits(validator: &jsonschema::Validator, what: &str, body: &str) {
    let doc: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {body}"));
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{what}: {errors:?}\n{body}");
}

/// `/paths/{path}/{method}/responses/{status}/content/{type}/schema`.
fn response_schema(path: &str, method: &str, status: u16, content_type: &str) -> jsonschema::Validator {
    // JSON pointer escapes, then those of a URI fragment.
    let escape = |s: &str| s.replace('~', "~0").replace('/', "~1").replace('{', "%7B").replace('}', "%7D");
    openapi(&format!("/paths/{}/{method}/responses/{status}/content/{}/schema", escape(path), escape(content_type)))
}

#[test]
fn every_answer_fits_the_openapi_document() {
    let (_, server) = served();
    let json = "application/json";
    let search = response_schema("/api/search", "get", 200, json);
    for params in SEARCHES {
        let (status, body) = server.get(&format!("/api/search{}", query_string(params)));
        assert_eq!(status, 200);
        assert_fits(&search, &format!("{params:?}"), &body);
    }
    let facets = response_schema("/api/facets", "get", 200, json);
    for query in ["", "?by=year&q=%E6%B3%95%E6%B2%BB&measure=share", "?region=%E6%B5%99%E6%B1%9F&by=level"] {
        assert_fits(&facets, query, &server.get(&format!("/api/facets{query}")).1);
    }
    assert_fits(&response_schema("/api/stats", "get", 200, json), "stats", &server.get("/api/stats").1);
    assert_fits(&response_schema("/healthz", "get", 200, json), "healthz", &server.get("/healthz").1);
    let id = untimed(&server.get("/api/search?q=%E6%B3%95%E6%B2%BB").1)["hits"][0]["id"].as_str().unwrap().to_string();
    let report = response_schema("/api/reports/{id}", "get", 200, json);
    assert_fits(&report, "report", &server.get(&format!("/api/reports/{id}")).1);
    assert_fits(&report, "report", &server.get(&format!("/api/reports/{id}?highlight=%E6%B3%95%E6%B2%BB")).1);
    let (_, batch) =
        server.post("/api/batch", "法治\n{\"query\": \"法治\", \"facets\": true}\n{\"year\": \"x\"}\n".as_bytes());
    let line = response_schema("/api/batch", "post", 200, "application/jsonl");
    assert_eq!(batch.lines().count(), 3);
    for l in batch.lines() {
        assert_fits(&line, "batch line", l);
    }
    let (_, export) = server.get("/api/export?format=jsonl&text=1");
    let record = response_schema("/api/export", "get", 200, "application/jsonl");
    assert!(export.lines().count() > 60);
    for l in export.lines() {
        assert_fits(&record, "export line", l);
    }
    // Every documented route answers, with a status it documents.
    let document: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/index-schema/openapi.yaml")).unwrap(),
    )
    .unwrap();
    for (path, methods) in document["paths"].as_object().unwrap() {
        for (method, operation) in methods.as_object().unwrap() {
            let url = path.replace("{id}", &id) + if path == "/api/search" { "?q=%E6%B3%95%E6%B2%BB" } else { "" };
            let (status, _) = match method.as_str() {
                "get" => server.get(&url),
                "post" => server.post(&url, "法治\n".as_bytes()),
                other => panic!("{other}"),
            };
            assert!(operation["responses"][status.to_string()].is_object(), "{method} {url}: {status}");
        }
    }
    for (path, status) in
        [("/api/search?colour=1", 400), ("/api/reports/0123456789abcdef", 404), ("/api/facets?by=x", 400)]
    {
        let (got, body) = server.get(path);
        assert_eq!(got, status);
        let route = path.split('?').next().unwrap().replace("0123456789abcdef", "{id}");
        assert_fits(&response_schema(&route, "get", status, json), path, &body);
    }
}

/// The page and its files come from the binary; the page may run only its
/// own script, which puts what the index says in as text; a report holding
/// markup comes back from the API as that text. (The rendering itself is
/// checked in a browser: tests/browser/page.mjs.)
#[test]
fn the_page_is_served_and_shows_reports_markup_as_text() {
    let root = scratch("serve-page");
    let docs = root.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    let markup = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    std::fs::write(
        docs.join("markup.txt"),
        format!("白沙镇2023年法治政府建设情况报告\n今年以来，我镇推进法治政府建设。{markup}网页标记测试。\n"),
    )
    .unwrap();
    let index = root.join("index");
    fazhi().arg("index").arg(&docs).arg("--index").arg(&index).assert().success();
    let server = Server::start(&index, &[]);

    for (path, kind) in [("/", "text/html"), ("/app.js", "text/javascript"), ("/style.css", "text/css")] {
        let response = agent().get(format!("{}{path}", server.url)).call().unwrap();
        let headers = response.headers().clone();
        let (status, body) = read(response);
        assert_eq!(status, 200, "{path}");
        assert!(headers["content-type"].to_str().unwrap().starts_with(kind), "{path}: {headers:?}");
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("script-src 'self'") && !policy.contains("unsafe-eval"), "{policy}");
        assert!(!body.contains("http://") && !body.contains("https://"), "{path} fetches from elsewhere");
    }
    let (_, script) = server.get("/app.js");
    for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("] {
        assert!(!script.contains(sink), "the page's script uses {sink}");
    }
    let (status, body) = server.get("/api/search?q=%E7%BD%91%E9%A1%B5%E6%A0%87%E8%AE%B0%E6%B5%8B%E8%AF%95");
    assert_eq!(status, 200);
    let answer: Value = serde_json::from_str(&body).unwrap();
    let id = answer["hits"][0]["id"].as_str().unwrap();
    let (_, report) = server.get(&format!("/api/reports/{id}"));
    let report: Value = serde_json::from_str(&report).unwrap();
    assert!(report["text"].as_str().unwrap().contains(markup), "{report}");
}

/// On loopback, a request naming another host (a page that rebinds its DNS
/// name to 127.0.0.1) is refused; this machine's names are answered.
#[test]
fn on_loopback_only_this_machines_host_names_are_answered() {
    let server = Server::start(test_index(), &[]);
    let port = server.url.rsplit(':').next().unwrap().to_string();
    let with_host = |host: &str| {
        let response = agent().get(format!("{}/api/stats", server.url)).header("Host", host).call().unwrap();
        read(response)
    };
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("LOCALHOST:{port}")] {
        assert_eq!(with_host(&host).0, 200, "{host}");
    }
    for host in
        [format!("attacker.example:{port}"), "127.0.0.1".to_string(), format!("localhost.attacker.example:{port}")]
    {
        let (status, body) = with_host(&host);
        assert_eq!(status, 403, "{host}: {body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        assert!(error["error"].as_str().unwrap().contains("不是本机地址"), "{body}");
    }
}
