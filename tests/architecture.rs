//! The dependency picture of `src/`: the library's top-level modules form
//! layers along the data's path, and a module uses only modules below it.
//! No cycles, no imports back up the path; the terminal (clap, indicatif,
//! colour) stays in the binary.

use std::collections::BTreeSet;
use std::path::Path;

/// The library's modules, lowest first: each may use only those before it.
const LAYERS: &[&str] = &[
    // Foundations, used all along the path.
    "failpoint",
    "paths",
    "parallel",
    "error",
    "analyze",
    "gazetteer",
    "meta",
    // files → ingest → extract → index
    "ingest",
    "extract",
    "index",
    // query → search → render
    "query",
    "search",
    "render",
    "batch",
];

/// The binary's own modules (main.rs declares them); the library never sees them.
const BINARY: &[&str] = &["cli", "commands", "print", "serve", "mcp"];

/// Crates only the binary may use: the terminal and its flags.
const TERMINAL_CRATES: &[&str] = &["clap", "indicatif", "anstream", "anstyle"];

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// The source without comments (a doc comment may name any module).
fn code(source: &str) -> String {
    source.lines().map(|line| line.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

fn first_segment(item: &str) -> Option<String> {
    let name: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!name.is_empty() && name != "self").then_some(name)
}

/// The top-level modules a file names through `crate::`.
fn uses(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // crate::{a::b, c::{d, e}}: the first segment of each item.
            let (mut depth, mut item) = (0, String::new());
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.extend(first_segment(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            out.extend(first_segment(&item));
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            out.insert(name);
        }
    }
    // Macros exported at the crate root belong to the module that defines them.
    if out.remove("bad_request") {
        out.insert("error".into());
    }
    out
}

#[test]
fn library_modules_use_only_modules_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong = Vec::new();
    let mut seen = BTreeSet::new();
    for (path, source) in &files {
        let relative = path.strip_prefix(&format!("{}/", src.display())).unwrap();
        let top = relative.split('/').next().unwrap().trim_end_matches(".rs");
        if ["lib", "main"].contains(&top) || BINARY.contains(&top) {
            continue;
        }
        seen.insert(top.to_string());
        let Some(level) = LAYERS.iter().position(|l| *l == top) else {
            wrong.push(format!("{relative}: module {top} is not in LAYERS"));
            continue;
        };
        let code = code(source);
        for used in uses(&code) {
            match LAYERS.iter().position(|l| *l == used) {
                Some(at) if at < level || used == top => {}
                Some(_) => wrong.push(format!("{relative}: {top} uses {used}, which is not below it")),
                None => wrong.push(format!("{relative}: {top} uses crate::{used}, not a library module")),
            }
        }
        for krate in TERMINAL_CRATES {
            if code.contains(&format!("{krate}::")) {
                wrong.push(format!("{relative}: the library uses {krate}, which belongs to the binary"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The layers list the library's modules and nothing else.
    let listed: BTreeSet<String> = LAYERS.iter().map(|l| l.to_string()).collect();
    assert_eq!(seen, listed);
}

/// The check finds what it looks for: a use back up the path is caught.
#[test]
fn the_check_sees_crate_paths_and_groups() {
    let found = uses(
        "use crate::search::Engine;\nuse crate::{analyze::key, meta::{Field, Value}};\ncrate::bad_request!(\"x\")",
    );
    let found: Vec<&str> = found.iter().map(String::as_str).collect();
    assert_eq!(found, ["analyze", "error", "meta", "search"]);
    assert!(uses(&code("// see crate::search\nfn f() {}")).is_empty());
}
