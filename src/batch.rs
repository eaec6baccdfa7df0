//! `fazhi batch`: a file of queries answered as JSON Lines by one process.
//!
//! Each input line is a plain query or a JSON object (fields below); each
//! output line carries the line's `id` (or its 1-based line number) and the
//! same fields as `search --format json`, or `{"id", "error"}` for a line
//! that cannot be answered. Lines are answered in parallel across cores
//! and written in input order; the index loads once, and the full jieba
//! dictionary only for a long batch (see [`FULL_DICTIONARY_AFTER`]).

use std::io::BufRead;

use anyhow::{anyhow, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::analyze::dictionary;
use crate::error::BadRequest;
use crate::query::filters::{parse_confidence, FilterSpec, UnknownYear, YearRange};
use crate::query::published::DateRange;
use crate::search::counts::{Dim, Measure};
use crate::search::{Engine, MatchMode, SearchRequest, SearchResponse, Sort};

/// Fields a JSON input line may have.
pub const REQUEST_FIELDS: &[&str] = &[
    "id",
    "query",
    "region",
    "year",
    "level",
    "limit",
    "offset",
    "facets",
    "sort",
    "literal",
    "loose",
    "unknown_year",
    "pivot",
    "measure",
    "min_confidence",
    "type",
    "within",
    "published",
];

/// Lines answered between two writes: bounds memory on huge inputs.
const CHUNK: usize = 1024;

/// Lines answered before the full jieba dictionary is loaded for the rest.
/// Until then each query is segmented with a dictionary of its own words
/// (`analyze::query_dict`, ~25 µs a query on the bench mix, against ~0.1 µs
/// with the full one, which takes ~200 ms to load): 10,000 queries cost
/// about one load, so switching then spends at most about twice what the
/// better choice in hindsight would (ski rental), and a short batch never
/// pays the load. Either dictionary cuts a query into the same words.
const FULL_DICTIONARY_AFTER: usize = 10_000;

/// Defaults from the command line, for lines that don't set them.
#[derive(Clone, Copy)]
pub struct Defaults {
    pub limit: usize,
    pub facets: bool,
}

#[derive(Serialize)]
struct Answer<'a> {
    id: Value,
    #[serde(flatten)]
    response: &'a SearchResponse,
}

/// Answers every line of `input`, calling `write` with output lines in
/// order, and `progress` once per line answered. Returns how many lines
/// got a loose answer (asked for with `loose`).
pub fn run(
    engine: &Engine,
    input: impl BufRead,
    defaults: Defaults,
    progress: &(dyn Fn() + Sync),
    mut write: impl FnMut(&str) -> Result<()>,
) -> Result<usize> {
    // Lines as bytes: one that is not UTF-8 gets its own error answer
    // instead of ending the batch.
    let mut lines = input.split(b'\n').enumerate();
    let (mut answered, mut full_dictionary, mut loose) = (0, false, 0);
    loop {
        let mut chunk: Vec<(usize, Option<String>)> = Vec::with_capacity(CHUNK);
        for (i, line) in lines.by_ref() {
            let line = line.map_err(|e| anyhow!("无法读取输入第 {} 行（{e}）", i + 1))?;
            let Ok(line) = String::from_utf8(line) else {
                chunk.push((i + 1, None));
                continue;
            };
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            chunk.push((i + 1, Some(trimmed.to_string())));
            if chunk.len() == CHUNK {
                break;
            }
        }
        if chunk.is_empty() {
            return Ok(loose);
        }
        for (out, was_loose) in answer_chunk(engine, &chunk, defaults, progress) {
            write(&out)?;
            loose += usize::from(was_loose);
        }
        answered += chunk.len();
        if answered >= FULL_DICTIONARY_AFTER && !full_dictionary {
            // In the background: the next chunks go on with small dictionaries
            // and switch once it is there.
            full_dictionary = true;
            std::thread::spawn(dictionary::shared);
        }
    }
}

fn answer_chunk(
    engine: &Engine,
    chunk: &[(usize, Option<String>)],
    defaults: Defaults,
    progress: &(dyn Fn() + Sync),
) -> Vec<(String, bool)> {
    let answer = |(line_no, text): &(usize, Option<String>)| match text {
        Some(text) => answer(engine, *line_no, text, defaults),
        None => (
            error_line(
                Value::from(*line_no),
                &format!("第 {line_no} 行不是 UTF-8 文本（可先用 iconv -f GB18030 -t UTF-8 转换）"),
            ),
            false,
        ),
    };
    crate::parallel::map(chunk, crate::parallel::cores(usize::MAX), answer, progress)
}

/// One output line for one input line; never fails.
pub fn answer_line(engine: &Engine, line_no: usize, text: &str, defaults: Defaults) -> String {
    answer(engine, line_no, text, defaults).0
}

/// The output line, and whether it is a loose answer.
fn answer(engine: &Engine, line_no: usize, text: &str, defaults: Defaults) -> (String, bool) {
    let (id, request) = match parse_line(line_no, text, defaults) {
        Ok(parsed) => parsed,
        Err((id, e)) => return (error_line(id, &format!("{e:#}")), false),
    };
    match engine.search(&request) {
        Ok(response) => {
            let loose = response.match_mode == MatchMode::Loose && response.total > 0;
            let line = serde_json::to_string(&Answer { id, response: &response })
                .unwrap_or_else(|e| error_line(Value::from(line_no), &e.to_string()));
            (line, loose)
        }
        Err(e) => (error_line(id, &e.to_string()), false),
    }
}

fn error_line(id: Value, message: &str) -> String {
    serde_json::json!({"id": id, "error": message}).to_string()
}

/// A line's id and request, or its id and what is wrong with it.
fn parse_line(line_no: usize, text: &str, d: Defaults) -> Result<(Value, SearchRequest), (Value, anyhow::Error)> {
    let plain = |query: &str| plain(query, d);
    if !text.starts_with('{') {
        return Ok((Value::from(line_no), plain(text)));
    }
    let object: Map<String, Value> = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return Err((Value::from(line_no), anyhow!("第 {line_no} 行应是查询文本或 JSON 对象"))),
        Err(e) => return Err((Value::from(line_no), anyhow!("第 {line_no} 行不是有效的 JSON（{e}）"))),
    };
    let id = object.get("id").cloned().filter(|v| !v.is_null()).unwrap_or(Value::from(line_no));
    let request = request_from(&object, plain("")).map_err(|e| (id.clone(), e))?;
    Ok((id, request))
}

fn plain(query: &str, d: Defaults) -> SearchRequest {
    SearchRequest { query: query.to_string(), limit: d.limit, facets: d.facets, ..SearchRequest::default() }
}

/// The request of a JSON object with the fields of an input line (but
/// `id`, which it ignores): what `fazhi serve` and `fazhi mcp` read their
/// requests into, so that they take the same fields, values and errors.
pub fn request(object: &Map<String, Value>, defaults: Defaults) -> Result<SearchRequest> {
    request_from(object, plain("", defaults))
}

/// A JSON input line, as serde reads it: unknown fields are refused, and
/// the fields that may hold several values take a string, a number or an
/// array of them (null is absent).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct Line {
    id: Option<Value>,
    query: Values,
    region: Values,
    year: Values,
    level: Values,
    #[serde(rename = "type")]
    doc_type: Values,
    published: Values,
    limit: Option<usize>,
    offset: Option<usize>,
    facets: Option<bool>,
    sort: Option<String>,
    literal: Option<bool>,
    loose: Option<bool>,
    unknown_year: Option<String>,
    pivot: Option<String>,
    measure: Option<String>,
    min_confidence: Option<Value>,
    within: Option<String>,
}

#[derive(Default)]
struct Values(Vec<String>);

impl<'de> Deserialize<'de> for Values {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Values, D::Error> {
        let one = |v: &Value| match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            other => Err(serde::de::Error::custom(format!("{other} 应是文本或数字"))),
        };
        match Value::deserialize(d)? {
            Value::Null => Ok(Values(Vec::new())),
            Value::Array(items) => items.iter().map(one).collect::<std::result::Result<_, _>>().map(Values),
            other => one(&other).map(|s| Values(vec![s])),
        }
    }
}

fn request_from(o: &Map<String, Value>, mut r: SearchRequest) -> Result<SearchRequest> {
    let line: Line = serde_json::from_value(Value::Object(o.clone())).map_err(|e| {
        let e = e.to_string();
        match e.strip_prefix("unknown field `").and_then(|rest| rest.split_once('`')) {
            Some((name, _)) => anyhow!("未知字段“{name}”；可用：{}", REQUEST_FIELDS.join(", ")),
            None => anyhow!("字段有误：{e}"),
        }
    })?;
    r.query = line.query.0.join(" ");
    r.filters = FilterSpec {
        regions: line.region.0,
        years: line.year.0.iter().map(|y| YearRange::parse(y)).collect::<Result<_>>()?,
        levels: line.level.0,
        types: line.doc_type.0,
        unknown_year: match line.unknown_year.as_deref() {
            None => UnknownYear::Exclude,
            Some(name) => UnknownYear::parse(name)
                .ok_or_else(|| anyhow!("字段 unknown_year 应是 include 或 exclude，而不是 {name}"))?,
        },
        min_confidence: match &line.min_confidence {
            None | Some(Value::Null) => None,
            Some(v) => Some(parse_confidence(&v.to_string())?),
        },
        published: line.published.0.iter().map(|d| DateRange::parse(d)).collect::<Result<_>>()?,
    };
    r.limit = line.limit.unwrap_or(r.limit);
    r.offset = line.offset.unwrap_or(0);
    r.facets = line.facets.unwrap_or(r.facets);
    r.literal = line.literal.unwrap_or(false);
    r.loose = line.loose.unwrap_or(false);
    let names = |all: &[&str]| all.join("、");
    r.sort = match line.sort.as_deref() {
        None => Sort::Score,
        Some(name) => Sort::parse(name)
            .ok_or_else(|| anyhow!("字段 sort 应是 {}，而不是 {name}", names(&Sort::ALL.map(Sort::name))))?,
    };
    r.measure = match line.measure.as_deref() {
        None => Measure::Reports,
        Some(name) => Measure::parse(name)
            .ok_or_else(|| anyhow!("字段 measure 应是 {}，而不是 {name}", names(&Measure::ALL.map(Measure::name))))?,
    };
    r.within = match line.within.as_deref() {
        None => None,
        Some(w) => Some(
            crate::analyze::units::Unit::parse(w)
                .ok_or_else(|| anyhow!("字段 within 应是 sentence 或 paragraph，而不是 {w}"))?,
        ),
    };
    r.pivot = line.pivot.as_deref().map(parse_pivot).transpose()?;
    Ok(r)
}

/// `region,year` → the two dimensions.
pub fn parse_pivot(s: &str) -> Result<(Dim, Dim)> {
    let bad = |message: String| anyhow::Error::new(BadRequest(message));
    let dim = |d: &str| Dim::parse(d).ok_or_else(|| bad(format!("未知维度“{d}”：可用 region、year、level、type")));
    let (a, b) = s.split_once(',').ok_or_else(|| bad("pivot 应为两个维度，如 region,year".into()))?;
    let (a, b) = (dim(a)?, dim(b)?);
    if a == b {
        crate::bad_request!("pivot 的两个维度不能相同");
    }
    Ok((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_field_is_read_and_no_other() {
        for name in REQUEST_FIELDS {
            let line = serde_json::json!({ *name: null });
            assert!(serde_json::from_value::<Line>(line).is_ok(), "{name}");
        }
        let o = serde_json::json!({"query": "法治", "colour": "red"});
        let e = request_from(o.as_object().unwrap(), SearchRequest::default()).unwrap_err().to_string();
        assert!(e.starts_with("未知字段“colour”"), "{e}");
        let o = serde_json::json!({"query": ["枫桥经验", 2023], "limit": 5, "year": "2021..2023", "within": "句子"});
        let r = request_from(o.as_object().unwrap(), SearchRequest::default()).unwrap();
        assert_eq!((r.query.as_str(), r.limit, r.filters.years.len()), ("枫桥经验 2023", 5, 1));
        assert!(r.within.is_some());
        let o = serde_json::json!({"limit": "ten"});
        assert!(request_from(o.as_object().unwrap(), SearchRequest::default()).is_err());
    }
}
