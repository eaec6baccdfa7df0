//! A request's query string (`?q=枫桥经验&region=浙江&region=江苏&limit=5`)
//! read into the JSON object of a `fazhi batch` line, so that the HTTP API
//! (and the MCP tools) take the fields, values and error messages of
//! [`fazhi::batch::request`] instead of a second reading of their own.

use anyhow::{anyhow, bail, Result};
use serde_json::{Map, Value};

use fazhi::batch::Defaults;
use fazhi::search::SearchRequest;

/// Most hits one answer may list (`limit`): more is what `/api/export` is for.
pub const MAX_LIMIT: usize = 1000;

/// Longest query string read, in bytes (a query itself is held to
/// `query::parse::MAX_QUERY_CHARS` by the library, as on the command line).
pub const MAX_QUERY_STRING: usize = 64 * 1024;

/// Parameters that narrow which reports match, as `search`, `facets`,
/// `export` and `kwic` take them.
pub const FILTERS: &[&str] = &[
    "q",
    "region",
    "year",
    "level",
    "type",
    "published",
    "unknown_year",
    "min_confidence",
    "within",
    "literal",
    "loose",
];

/// What `search` takes besides [`FILTERS`]: the fields of a batch line.
const LISTING: &[&str] = &["limit", "offset", "sort", "facets", "pivot", "measure"];

/// The parameters of `search`.
pub fn search() -> Vec<&'static str> {
    FILTERS.iter().chain(LISTING).copied().collect()
}

/// Parameters that may be given several times (any of the values).
const REPEATED: &[&str] = &["q", "region", "year", "level", "type", "published"];

/// Parameters that are on or off: `1`, `true` or nothing is on; `0` or `false` off.
const SWITCHES: &[&str] = &["facets", "literal", "loose", "text", "bom"];

/// Parameters that are counts.
const COUNTS: &[&str] = &["limit", "offset", "context"];

/// A route's parameters, read: the batch-line object, with `q` as `query`.
#[derive(Debug, Default)]
pub struct Params(pub Map<String, Value>);

impl Params {
    /// Reads `raw` (the part of the URL after `?`), taking only the names
    /// in `allowed`.
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Params> {
        let raw = raw.unwrap_or("");
        if raw.len() > MAX_QUERY_STRING {
            bail!("请求参数过长：{} 字节，上限为 {MAX_QUERY_STRING} 字节", raw.len());
        }
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
            if !allowed.contains(&name.as_ref()) {
                bail!("未知参数“{name}”；可用：{}", allowed.join(", "));
            }
            pairs.push((name.into_owned(), value.into_owned()));
        }
        Params::from_pairs(pairs)
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Result<Params> {
        let mut object = Map::new();
        for (name, value) in pairs {
            let key = if name == "q" { "query".to_string() } else { name.clone() };
            if REPEATED.contains(&name.as_str()) {
                let list = object.entry(key).or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = list {
                    items.push(Value::String(value));
                }
                continue;
            }
            if object.contains_key(&key) {
                bail!("参数 {name} 只能给一次");
            }
            let value = if SWITCHES.contains(&name.as_str()) {
                Value::Bool(switch(&name, &value)?)
            } else if COUNTS.contains(&name.as_str()) {
                Value::from(count(&name, &value)?)
            } else if name == "min_confidence" {
                let x = fazhi::query::filters::parse_confidence(&value)?;
                serde_json::Number::from_f64(f64::from(x)).map_or(Value::Null, Value::Number)
            } else {
                Value::String(value)
            };
            object.insert(key, value);
        }
        Ok(Params(object))
    }

    /// Takes out a parameter that is not a batch line's (`by`, `format`).
    pub fn take_text(&mut self, name: &str) -> Option<String> {
        match self.0.remove(name) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// Takes out a switch that is not a batch line's (`text`, `bom`).
    pub fn take_switch(&mut self, name: &str) -> bool {
        matches!(self.0.remove(name), Some(Value::Bool(true)))
    }

    /// The search request, as `fazhi search` (`fazhi batch`) reads it,
    /// with `limit` held to [`MAX_LIMIT`].
    pub fn request(&self, defaults: Defaults) -> Result<SearchRequest> {
        check_limit(&self.0)?;
        fazhi::batch::request(&self.0, defaults)
    }
}

/// `limit` over [`MAX_LIMIT`] is refused.
pub fn check_limit(object: &Map<String, Value>) -> Result<()> {
    match object.get("limit").and_then(Value::as_u64) {
        Some(n) if n > MAX_LIMIT as u64 => {
            bail!("limit 最大为 {MAX_LIMIT}（{n} 太大）；要全部匹配的报告请用 /api/export")
        }
        _ => Ok(()),
    }
}

fn switch(name: &str, value: &str) -> Result<bool> {
    match value {
        "" | "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        other => Err(anyhow!("参数 {name} 应是 1 或 0（true 或 false），而不是 {other}")),
    }
}

fn count(name: &str, value: &str) -> Result<u64> {
    value.trim().parse::<u64>().map_err(|_| anyhow!("参数 {name} 应是非负整数，而不是 {value}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[&str] = &["q", "region", "year", "limit", "facets", "literal", "min_confidence", "sort"];

    #[test]
    fn repeated_names_are_lists_and_others_are_once() {
        let p = Params::parse(Some("q=%E6%B3%95%E6%B2%BB&region=a&region=b&limit=5&facets=1"), ALL).unwrap();
        assert_eq!(p.0["query"], serde_json::json!(["法治"]));
        assert_eq!(p.0["region"], serde_json::json!(["a", "b"]));
        assert_eq!(p.0["limit"], serde_json::json!(5));
        assert_eq!(p.0["facets"], serde_json::json!(true));
        assert!(Params::parse(Some("limit=1&limit=2"), ALL).unwrap_err().to_string().contains("只能给一次"));
    }

    #[test]
    fn bad_values_are_refused_in_words() {
        for raw in ["colour=red", "limit=ten", "limit=-1", "facets=yes", "min_confidence=2"] {
            let e = Params::parse(Some(raw), ALL).unwrap_err().to_string();
            assert!(!e.is_empty() && !e.is_ascii(), "{raw}: {e}");
        }
        let p = Params::parse(Some("limit=100000"), ALL).unwrap();
        assert!(p.request(Defaults { limit: 10, facets: false }).is_err());
    }
}
