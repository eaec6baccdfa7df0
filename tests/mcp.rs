//! `fazhi mcp`: a scripted JSON-RPC session over the binary's stdin and
//! stdout (initialize, tools/list, tools/call), each tool's answer compared
//! with what the command line prints for the same request.

mod common;
#[path = "common/served.rs"]
mod served;
#[path = "common/synth.rs"]
mod synth;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use served::*;

/// `fazhi mcp` as a child process, spoken to one JSON-RPC message a line.
struct Session {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
    next_id: u64,
}

impl Session {
    fn start() -> Session {
        let mut child = fazhi_process()
            .arg("mcp")
            .arg("--index")
            .arg(test_index())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout: ChildStdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Session { child, stdin, lines, next_id: 1 }
    }

    fn send(&mut self, message: &Value) {
        writeln!(self.stdin, "{message}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// A request and its response (messages without its id are skipped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let line = self.lines.recv_timeout(Duration::from_secs(60)).expect("no answer from fazhi mcp");
            let message: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON-RPC ({e}): {line}"));
            if message["id"] == json!(id) {
                return message;
            }
        }
    }

    /// `tools/call`: (isError, the text it answered).
    fn call(&mut self, tool: &str, arguments: Value) -> (bool, String) {
        let answer = self.request("tools/call", json!({ "name": tool, "arguments": arguments }));
        let result = &answer["result"];
        assert!(result.is_object(), "{answer}");
        let text = result["content"][0]["text"].as_str().unwrap_or_else(|| panic!("no text: {answer}")).to_string();
        (result["isError"] == json!(true), text)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

#[test]
fn a_scripted_session_searches_as_the_cli_does() {
    let mut session = Session::start();
    let init = session.request(
        "initialize",
        json!({
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": { "name": "fazhi-test", "version": "0" }
        }),
    );
    assert_eq!(init["result"]["serverInfo"]["name"], "fazhi", "{init}");
    assert!(init["result"]["capabilities"]["tools"].is_object(), "{init}");
    session.send(&json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }));

    let listed = session.request("tools/list", json!({}));
    let mut names: Vec<&str> =
        listed["result"]["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["facets", "kwic", "search", "show"]);
    for tool in listed["result"]["tools"].as_array().unwrap() {
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
    }

    let index = test_index();
    let searches: &[(Value, &[&str])] = &[
        (json!({ "query": "法治" }), &["法治"]),
        (
            json!({ "query": "枫桥经验", "region": ["浙江", "江苏"], "limit": 3 }),
            &["枫桥经验", "-r", "浙江", "-r", "江苏", "-n", "3"],
        ),
        (
            json!({ "query": "法治", "year": "2021..2023", "facets": true, "sort": "-year" }),
            &["法治", "-y", "2021..2023", "--facets", "--sort=-year"],
        ),
        (
            json!({ "query": "法治", "pivot": "region,year", "measure": "share" }),
            &["法治", "--pivot", "region,year", "--measure", "share"],
        ),
    ];
    for (arguments, args) in searches {
        let (error, text) = session.call("search", arguments.clone());
        assert!(!error, "{arguments}: {text}");
        let (code, stdout, stderr) = cli(index, "search", &[strings(args), strings(&["--format", "json"])].concat());
        assert!(code <= 1, "{stderr}");
        assert_eq!(untimed(&text), untimed(&stdout), "{arguments}");
        for hit in untimed(&text)["hits"].as_array().unwrap() {
            assert!(hit["id"].is_string() && hit["path"].is_string(), "{hit}");
        }
    }

    let (_, text) = session.call("facets", json!({ "region": "浙江省", "by": "level" }));
    assert_eq!(
        untimed(&text),
        untimed(&cli(index, "facets", &strings(&["-r", "浙江省", "--by", "level", "--format", "json"])).1)
    );

    let (_, found) = session.call("search", json!({ "query": "法治", "limit": 1 }));
    let id = untimed(&found)["hits"][0]["id"].as_str().unwrap().to_string();
    let (error, text) = session.call("show", json!({ "id": id, "highlight": "法治" }));
    assert!(!error, "{text}");
    assert_eq!(text, cli(index, "show", &strings(&[&id, "--highlight", "法治", "--format", "json"])).1);

    let (error, text) = session.call("kwic", json!({ "query": "枫桥经验", "context": 8, "sort": "left", "limit": 30 }));
    assert!(!error, "{text}");
    let kwic = cli(
        index,
        "kwic",
        &strings(&["枫桥经验", "--context", "8", "--sort", "left", "-n", "30", "--format", "jsonl"]),
    )
    .1;
    assert!(!kwic.is_empty());
    assert_eq!(text, kwic);

    // A bad request is the tool's error in the command line's words; the session goes on.
    let (error, text) = session.call("search", json!({ "query": "法治", "year": "1800" }));
    assert!(error, "{text}");
    let (_, _, stderr) = cli(index, "search", &strings(&["法治", "--year", "1800"]));
    assert!(stderr.contains(&text), "{stderr} / {text}");
    let (error, text) = session.call("search", json!({ "query": "法治", "colour": "red" }));
    assert!(error && text.contains("colour"), "{text}");
    let (error, text) = session.call("show", json!({ "id": "0123456789abcdef" }));
    assert!(error && !text.is_empty(), "{text}");
    let (error, _) = session.call("search", json!({ "query": "法治" }));
    assert!(!error);
}
