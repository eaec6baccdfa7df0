//! `fazhi mcp`: the index as a Model Context Protocol server over stdio
//! (rmcp, the official SDK), for an assistant to search and cite. Its tools
//! take the parameters of the commands of the same name (as `fazhi batch`
//! lines name them) and answer what those commands print with
//! `--format json` (`kwic`: `--format jsonl`); every hit carries its `id`
//! and `path`.

use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::{json, Map, Value};

use crate::cli::{KwicFormat, KwicSort, McpArgs};
use crate::commands::{index_dir, info, kwic, search, FOUND};
use crate::print::text::Style;
use crate::serve::params::{self, check_limit, FILTERS, MAX_LIMIT};
use fazhi::batch::Defaults;
use fazhi::render;
use fazhi::search::counts::Dim;
use fazhi::search::Engine;

pub fn run(args: McpArgs) -> Result<u8> {
    let engine = Arc::new(Engine::open(&index_dir(&args.location)?)?);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("无法启动异步运行时")?;
    runtime.block_on(async move {
        let server =
            Fazhi { engine }.serve(rmcp::transport::stdio()).await.map_err(|e| anyhow!("MCP 握手失败：{e}"))?;
        server.waiting().await.map_err(|e| anyhow!("MCP 服务出错：{e}"))?;
        Ok(FOUND)
    })
}

struct Fazhi {
    engine: Arc<Engine>,
}

const DEFAULTS: Defaults = Defaults { limit: 10, facets: false };

impl ServerHandler for Fazhi {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("fazhi", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "检索法治政府建设情况报告。search 找报告（每篇有 id 与 path，可引用），facets 按地区、年份、级别、类型统计，\
                 show 取一篇全文，kwic 列出检索词的每一处出现及上下文。检索式语法同 fazhi search：词语之间为“与”，\
                 \"…\" 短语，A OR B，-词 排除，2023 按年份筛选，title:词。",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let engine = self.engine.clone();
        let name = request.name.to_string();
        let arguments = request.arguments.unwrap_or_default();
        if !TOOLS.contains(&name.as_str()) {
            return Err(ErrorData::invalid_params(format!("没有工具“{name}”；可用：{}", TOOLS.join(", ")), None));
        }
        let answer = tokio::task::spawn_blocking(move || call(&engine, &name, arguments)).await;
        let result = match answer {
            Ok(Ok(text)) => CallToolResult::success(vec![ContentBlock::text(text)]),
            Ok(Err(e)) => CallToolResult::error(vec![ContentBlock::text(format!("{e:#}"))]),
            Err(e) => CallToolResult::error(vec![ContentBlock::text(format!("内部错误（请报告此问题）：{e}"))]),
        };
        Ok(result.into())
    }
}

const TOOLS: &[&str] = &["search", "facets", "show", "kwic"];

/// A tool's answer: what the command prints.
fn call(engine: &Engine, name: &str, mut arguments: Map<String, Value>) -> Result<String> {
    match name {
        "search" => {
            let request = request(&arguments, &params::search())?;
            Ok(render::json::response(&engine.search(&request)?))
        }
        "facets" => {
            let by = match arguments.remove("by") {
                None | Some(Value::Null) => Dim::Region,
                Some(Value::String(name)) => Dim::parse(&name)
                    .ok_or_else(|| anyhow!("参数 by 应是 {}，而不是 {name}", Dim::ALL.map(Dim::name).join("、")))?,
                Some(other) => bail!("参数 by 应是文本，而不是 {other}"),
            };
            let request = search::facets_request(request(&arguments, &[FILTERS, &["measure"]].concat())?);
            Ok(search::facets_json(&engine.search(&request)?, by))
        }
        "show" => {
            allow(&arguments, &["id", "highlight"])?;
            let id = arguments.get("id").and_then(Value::as_str).ok_or_else(|| anyhow!("缺少参数 id（报告 ID）"))?;
            let keys = match arguments.get("highlight") {
                None | Some(Value::Null) => None,
                Some(Value::String(q)) => Some(fazhi::search::highlight::keys(q)?),
                Some(other) => bail!("参数 highlight 应是文本，而不是 {other}"),
            };
            match info::find(engine, id, keys.as_deref())? {
                Some(report) => Ok(serde_json::to_string(&report)? + "\n"),
                None => bail!("{}", info::not_found(id)),
            }
        }
        _ => {
            let context = take_count(&mut arguments, "context", 20)?;
            if context > 1000 {
                bail!("参数 context 应在 0–1000 之间，而不是 {context}");
            }
            let limit = take_count(&mut arguments, "limit", 100)?;
            if limit > MAX_LIMIT as u64 {
                bail!("limit 最大为 {MAX_LIMIT}（{limit} 太大）");
            }
            let sort = match arguments.remove("sort") {
                None | Some(Value::Null) => KwicSort::Report,
                Some(Value::String(s)) if s == "report" => KwicSort::Report,
                Some(Value::String(s)) if s == "left" => KwicSort::Left,
                Some(Value::String(s)) if s == "right" => KwicSort::Right,
                Some(other) => bail!("参数 sort 应是 report、left 或 right，而不是 {other}"),
            };
            let filters: Vec<&str> = FILTERS.iter().copied().filter(|&f| f != "loose").collect();
            let search = request(&arguments, &filters)?;
            let request = kwic::request(search, context as usize, sort, Some(limit as usize));
            let mut out = Vec::new();
            kwic::write_all(
                engine,
                &request,
                (KwicFormat::Jsonl, false),
                &Style { color: false },
                &|_, _| {},
                &mut out,
            )?;
            Ok(String::from_utf8(out)?)
        }
    }
}

/// The search request of a tool's arguments, named as in a batch line
/// (`query`, which `q` also names).
fn request(arguments: &Map<String, Value>, allowed: &[&str]) -> Result<fazhi::search::SearchRequest> {
    let mut object = arguments.clone();
    if let Some(q) = object.remove("q") {
        object.insert("query".into(), q);
    }
    let names: Vec<&str> = allowed.iter().map(|&n| if n == "q" { "query" } else { n }).collect();
    allow(&object, &names)?;
    check_limit(&object)?;
    fazhi::batch::request(&object, DEFAULTS)
}

fn allow(arguments: &Map<String, Value>, names: &[&str]) -> Result<()> {
    match arguments.keys().find(|k| !names.contains(&k.as_str())) {
        Some(name) => bail!("未知参数“{name}”；可用：{}", names.join(", ")),
        None => Ok(()),
    }
}

fn take_count(arguments: &mut Map<String, Value>, name: &str, default: u64) -> Result<u64> {
    match arguments.remove(name) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => v.as_u64().ok_or_else(|| anyhow!("参数 {name} 应是非负整数，而不是 {v}")),
    }
}

/// The tools and their parameters, as JSON Schema.
fn tools() -> Vec<Tool> {
    let list = |description: &str| {
        json!({ "description": description, "anyOf": [
            { "type": "string" }, { "type": "array", "items": { "type": "string" } }
        ]})
    };
    let filters = json!({
        "query": list("检索式，语法同 fazhi search：词语之间为“与”；\"…\" 短语；A OR B；-词 排除；2023 按年份筛选；title:词、unit:词"),
        "region": list("按地区筛选，任一级别，全称或简称（浙江、宁波市）；几个时任一即可"),
        "year": list("按所涉年份筛选：2023、2021..2023、2021..、..2022、unknown"),
        "level": list("按级别（乡镇级 县级 地市级 省级）或单位类型筛选"),
        "type": list("按报告类型筛选：法治政府建设报告、政府工作报告、政策解读、其他"),
        "published": list("按发布日期筛选：2024、2024-03、2024-01..2024-03"),
        "unknown_year": { "type": "string", "enum": ["include", "exclude"], "description": "年份筛选时是否保留年份不明的报告（默认 exclude）" },
        "min_confidence": { "type": "number", "minimum": 0, "maximum": 1, "description": "地区、级别、年份置信度的下限" },
        "within": { "type": "string", "enum": ["sentence", "paragraph"], "description": "所有检索词须在同一句或同一段" },
        "literal": { "type": "boolean", "description": "不解释年份、地名和 key:value，全部当作检索词" },
        "loose": { "type": "boolean", "description": "没有完全匹配时允许宽松匹配" },
    });
    let measure = json!({ "type": "string", "enum": ["reports", "share", "occurrences"], "description": "统计什么（默认 reports）" });
    let schema = |properties: Value, required: &[&str]| -> Map<String, Value> {
        let mut o = Map::new();
        o.insert("type".into(), "object".into());
        o.insert("properties".into(), properties);
        o.insert("required".into(), json!(required));
        o.insert("additionalProperties".into(), false.into());
        o
    };
    // A tool taking the filters (but `drop`) and `extra`.
    let filtered = |name: &'static str, description: &'static str, extra: Value, drop: &[&str], required: &[&str]| {
        let mut p = filters.as_object().cloned().unwrap_or_default();
        for name in drop {
            p.remove(*name);
        }
        p.extend(extra.as_object().cloned().unwrap_or_default());
        Tool::new(name, description, schema(Value::Object(p), required))
    };
    vec![
        filtered(
            "search",
            "检索报告，回答同 fazhi search --format json：total、hits（每篇有 id、path、标题、地区、年份、摘要等）；可附分面统计与交叉表",
            json!({
                "limit": { "type": "integer", "minimum": 0, "maximum": 1000, "description": "最多返回多少篇（默认 10）" },
                "offset": { "type": "integer", "minimum": 0, "description": "跳过前 N 篇" },
                "sort": { "type": "string", "enum": ["score", "year", "-year", "published", "-published"] },
                "facets": { "type": "boolean", "description": "附上按地区、年份、级别、类型的报告数" },
                "pivot": { "type": "string", "description": "交叉统计表的两个维度，如 region,year" },
                "measure": measure,
            }),
            &[],
            &[],
        ),
        filtered(
            "facets",
            "按一个维度统计匹配的报告，回答同 fazhi facets --format json；地区在所筛的地区之下逐级下钻（省 → 市 → 县 → 乡镇）",
            json!({
                "by": { "type": "string", "enum": ["region", "year", "level", "type"], "description": "统计维度（默认 region）" },
                "measure": measure,
            }),
            &[],
            &[],
        ),
        Tool::new(
            "show",
            "一篇报告的元数据（及其依据）和全文，回答同 fazhi show --format json",
            schema(
                json!({
                    "id": { "type": "string", "description": "报告 ID（检索结果中的 id），或其至少 6 位的唯一前缀，或索引中的文件路径" },
                    "highlight": { "type": "string", "description": "在全文中标出这个查询的检索词（highlights 为字符区间）" },
                }),
                &["id"],
            ),
        ),
        filtered(
            "kwic",
            "索引行：检索词在匹配报告中的每一处出现及其左右文，每行一处（JSON Lines，同 fazhi kwic --format jsonl）",
            json!({
                "context": { "type": "integer", "minimum": 0, "maximum": 1000, "description": "左右各取多少个字符（默认 20）" },
                "sort": { "type": "string", "enum": ["report", "left", "right"], "description": "排序（默认 report）" },
                "limit": { "type": "integer", "minimum": 0, "maximum": 1000, "description": "最多多少行（默认 100）" },
            }),
            &["loose"],
            &["query"],
        ),
    ]
}
