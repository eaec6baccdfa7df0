//! Command-line flags (clap): the binary's, kept apart from what the
//! commands do and out of the library, which knows nothing of a terminal.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use fazhi::query::filters::{UnknownYear, YearRange};
use fazhi::query::published::DateRange;
use fazhi::search::counts::{Dim, Measure};
use fazhi::search::Sort;

#[derive(Parser, Debug)]
#[command(
    name = "fazhi",
    version,
    about = "法治政府建设情况报告全文检索 — full-text search for Chinese rule-of-law reports",
    after_help = "退出码：0 找到结果，1 没有结果，2 出错。\n索引位置：--index DIR，或环境变量 FAZHI_INDEX，否则 ~/.local/share/fazhi/index。"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 建立或更新索引（读取 .txt .html .docx .pdf 报告和 .jsonl .csv .json 报告表，自动识别编码，去掉网页框架和垃圾广告）
    Index(IndexArgs),
    /// 检索报告
    Search(SearchArgs),
    /// 显示报告的元数据（地区、级别、年份等）及其依据，不建索引
    Extract(ExtractArgs),
    /// 按地区、年份或级别统计报告数，逐级下钻（省 → 市 → 县 → 乡镇）
    Facets(FacetsArgs),
    /// 导出全部（或全部匹配的）报告及其元数据、置信度、来源网址、转载，可附全文；CSV 或 JSON Lines，逐篇写出
    Export(ExportArgs),
    /// 索引行（concordance）：列出检索词在匹配报告中的每一处出现及其上下文，可按左右文排序，可导出 CSV
    Kwic(KwicArgs),
    /// 批量检索：每行一个查询（文本或 JSON 对象），输出 JSON Lines
    Batch(BatchArgs),
    /// 显示一篇报告：元数据及其依据，然后是全文（可标出检索词；在终端上较长时用分页器）
    Show(ShowArgs),
    /// 索引概况：报告数、大小、指纹、缺失字段、按级别和年份的分布
    Stats(StatsArgs),
    /// 检查索引是否完好：逐字节核对每个文件的校验和与结构；完好退出 0，损坏退出 2 并指出文件
    Verify(VerifyArgs),
    /// 启动 HTTP 服务：检索网页（/）与 API（JSON，与命令行 --format json 的输出相同），只读；默认只在本机 127.0.0.1:7800
    Serve(ServeArgs),
    /// MCP（Model Context Protocol）服务器，经标准输入输出通信，供 AI 助手检索和引用：工具 search、facets、show、kwic
    Mcp(McpArgs),
    /// 输出 shell 补全脚本（bash、zsh、fish、powershell、elvish）
    Completions(CompletionsArgs),
    /// 输出 man 手册页（roff 格式）
    Man,
    /// 解析进程（fazhi index 自动启动，不要直接运行）
    #[command(name = "__parse-worker", hide = true)]
    ParseWorker(ParseWorkerArgs),
}

#[derive(Args, Debug)]
pub struct ParseWorkerArgs {
    #[arg(long, value_name = "MB")]
    pub memory_mb: u64,
    #[arg(long, value_name = "SECS")]
    pub seconds: u64,
}

#[derive(Args, Debug)]
pub struct BatchArgs {
    /// 查询文件，每行一个；省略或 - 表示标准输入
    #[arg(value_name = "FILE")]
    pub input: Option<PathBuf>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// 每个查询最多返回多少篇（行内 limit 优先）
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// 每个查询都附上分面统计（行内 facets 优先）
    #[arg(long)]
    pub facets: bool,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// 监听的地址 [默认：127.0.0.1，只有本机能连]；其他地址（如 0.0.0.0）让别的机器也能连，而 API 没有登录验证
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<std::net::IpAddr>,
    /// 端口（0 表示任选一个空闲端口，启动时显示）
    #[arg(long, default_value_t = crate::serve::DEFAULT_PORT, value_name = "N")]
    pub port: u16,
    /// 启动后用浏览器打开
    #[arg(long)]
    pub open: bool,
    /// 一个请求最多算多少秒；超过就停止这次检索，答 503
    #[arg(long, default_value_t = 30, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

#[derive(Args, Debug)]
pub struct McpArgs {
    #[command(flatten)]
    pub location: IndexLocation,
}

#[derive(Args, Debug)]
pub struct KwicArgs {
    /// 检索式（同 search）：列出其中每个检索词的每一处出现
    #[arg(value_name = "QUERY", num_args = 1.., required = true)]
    pub query: Vec<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// 匹配处左右各取多少个字符的上下文（遇换行截止）
    #[arg(long, default_value_t = 20, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=1000))]
    pub context: u64,
    /// 排序：report（按报告，报告内按出现顺序）、left（按左文，从紧邻匹配处的字往左读）、right（按右文）
    #[arg(long, value_enum, default_value_t = KwicSort::Report)]
    pub sort: KwicSort,
    /// 最多输出多少行
    #[arg(short = 'n', long, default_value_t = 100, value_name = "N")]
    pub limit: usize,
    /// 输出全部行（--limit 不再起作用）
    #[arg(long)]
    pub all: bool,
    /// 输出格式：text（匹配处对齐成一列）、csv、jsonl（每行一处）
    #[arg(long, value_enum, default_value_t = KwicFormat::Text)]
    pub format: KwicFormat,
    /// CSV 开头写入 UTF-8 BOM，便于中文 Windows 上的 Excel 正确打开
    #[arg(long)]
    pub bom: bool,
    /// 何时使用颜色（auto 遵循 NO_COLOR、CLICOLOR_FORCE、CLICOLOR 与终端检测）
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum KwicSort {
    Report,
    Left,
    Right,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum KwicFormat {
    Text,
    Csv,
    Jsonl,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// 报告 ID（检索结果中的 id），或其至少 6 位的唯一前缀，或索引中的文件路径
    #[arg(value_name = "ID|PATH")]
    pub id: String,
    #[command(flatten)]
    pub location: IndexLocation,
    /// 输出格式：text，或 json（带 --highlight 时另有 terms、highlights（text 中的字符区间 [起, 止)）和 occurrences）
    #[arg(long, value_enum, default_value_t = RecordFormat::Text)]
    pub format: RecordFormat,
    /// 在全文中标出这个查询的检索词（与检索摘要的匹配方式相同），并给出每个词的出现次数；年份等筛选条件不标出
    #[arg(long, value_name = "QUERY")]
    pub highlight: Option<String>,
    /// 何时使用颜色（auto 遵循 NO_COLOR 与终端检测）；不用颜色时检索词以【】标出
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
    /// 不用分页器（默认：在终端上、输出比终端高时用 $PAGER，否则 less -R）
    #[arg(long)]
    pub no_pager: bool,
}

#[derive(Args, Debug)]
pub struct StatsArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = RecordFormat::Text)]
    pub format: RecordFormat,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// 输出格式：text，或 json（一个对象：index、generation、files、bytes、damaged）
    #[arg(long, value_enum, default_value_t = VerifyFormat::Text)]
    pub format: VerifyFormat,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// 目标 shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Filters shared by `search` and `facets`.
#[derive(Args, Debug, Default)]
pub struct FilterArgs {
    /// 按地区筛选，任一级别，全称或简称（浙江、浙江省、宁波、慈溪市），unknown 为地区不明的报告；可重复（任一即可）
    #[arg(short = 'r', long = "region", value_name = "NAME")]
    pub regions: Vec<String>,
    /// 按报告所涉年份筛选：2023、2021..2023、2021..、..2022，unknown 为年份不明的报告；可重复
    #[arg(short = 'y', long = "year", value_name = "YEARS", value_parser = parse_years)]
    pub years: Vec<YearRange>,
    /// 按级别（乡镇 乡镇级 县级 地市级 省级）或单位类型（街道 部门 …）筛选，unknown 为级别不明的报告；可重复
    #[arg(short = 'l', long = "level", value_name = "LEVEL")]
    pub levels: Vec<String>,
    /// 按报告类型筛选：法治政府建设报告（简称 法治）、政府工作报告（工作报告）、政策解读（解读）、其他，unknown 为类型不明的报告；可重复
    #[arg(short = 't', long = "type", value_name = "TYPE")]
    pub types: Vec<String>,
    /// 按发布日期筛选：2024、2024-03、2024-03-15，或范围 2024-01..2024-03、2024-01..、..2024-03（两端包含，按所写的年、月、日计）；没有发布日期的报告不保留；可重复（任一即可）
    #[arg(long, value_name = "DATES", value_parser = parse_published)]
    pub published: Vec<DateRange>,
    /// 年份筛选时，年份不明的报告是否保留
    #[arg(long, default_value = "exclude", value_name = "WHAT", value_parser = unknown_year())]
    pub unknown_year: UnknownYear,
    /// 只保留地区、级别、年份的置信度都不低于此值（0–1）的报告；任一不明即为 0
    #[arg(long, value_name = "X", value_parser = parse_confidence)]
    pub min_confidence: Option<f32>,
    /// 所有检索词须出现在同一句（sentence：以。！？；或换行断句）或同一段（paragraph：以换行分段）中；摘要与索引行只取这些句（段），分面统计只数这些报告。查询中也可写 within:sentence
    #[arg(long, value_name = "UNIT", value_parser = parse_within)]
    pub within: Option<fazhi::analyze::units::Unit>,
    /// 不解释查询中的年份、地名和 key:value，全部当作检索词
    #[arg(long)]
    pub literal: bool,
    /// 没有完全匹配时允许宽松匹配（报告中含有每个检索词的全部分词，不必相连）。
    /// 不加时只有文本输出（不带 --facets/--pivot）会宽松匹配，并注明
    #[arg(long)]
    pub loose: bool,
    /// Terms given as `-词` (rewritten from argv, see `exclusions_to_flags`).
    #[arg(long = "not", hide = true, value_name = "TERM")]
    pub not: Vec<String>,
}

fn parse_within(s: &str) -> Result<fazhi::analyze::units::Unit, String> {
    fazhi::analyze::units::Unit::parse(s).ok_or_else(|| "只能是 sentence（同一句）或 paragraph（同一段）".to_string())
}

fn parse_confidence(s: &str) -> Result<f32, String> {
    fazhi::query::filters::parse_confidence(s).map_err(|e| e.to_string())
}

fn parse_published(s: &str) -> Result<DateRange, String> {
    DateRange::parse(s).map_err(|e| e.to_string())
}

fn parse_years(s: &str) -> Result<YearRange, String> {
    YearRange::parse(s).map_err(|e| e.to_string())
}

impl FilterArgs {
    /// The query words with the excluded terms (`-词`) put back.
    pub fn query(&self, words: &[String]) -> String {
        let mut query = words.join(" ");
        for term in &self.not {
            query.push_str(&format!(" -{term}"));
        }
        query
    }

    /// The request these filters make of the query `words`: its text, the
    /// filters, `--literal`, `--loose` and `--within`; the rest defaults.
    pub fn request(&self, words: &[String]) -> fazhi::search::SearchRequest {
        fazhi::search::SearchRequest {
            query: self.query(words),
            filters: self.spec(),
            literal: self.literal,
            loose: self.loose,
            within: self.within,
            ..fazhi::search::SearchRequest::default()
        }
    }

    pub fn spec(&self) -> fazhi::query::filters::FilterSpec {
        fazhi::query::filters::FilterSpec {
            regions: self.regions.clone(),
            years: self.years.clone(),
            levels: self.levels.clone(),
            types: self.types.clone(),
            unknown_year: self.unknown_year,
            min_confidence: self.min_confidence,
            published: self.published.clone(),
        }
    }
}

#[derive(Args, Debug)]
pub struct FacetsArgs {
    /// 检索式（可省略：统计全部报告）
    #[arg(value_name = "QUERY", num_args = 0..)]
    pub query: Vec<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// 统计维度；地区在 --region 给定的地区之下逐级下钻
    #[arg(long, default_value = "region", value_parser = dim())]
    pub by: Dim,
    /// 统计什么：reports（匹配的报告数）、share（占同一项中全部报告的比例：同样的筛选条件、不加检索词）或 occurrences（检索词出现的次数）
    #[arg(long, default_value = "reports", value_parser = measure())]
    pub measure: Measure,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// CSV 开头写入 UTF-8 BOM，便于中文 Windows 上的 Excel 正确打开
    #[arg(long)]
    pub bom: bool,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// 检索式（可省略：导出全部报告）
    #[arg(value_name = "QUERY", num_args = 0..)]
    pub query: Vec<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// 输出格式：csv（表头即 JSON 字段名）或 jsonl（每行一篇）
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// 附上清理后的全文（text 字段）
    #[arg(long)]
    pub text: bool,
    /// CSV 开头写入 UTF-8 BOM，便于中文 Windows 上的 Excel 正确打开
    #[arg(long)]
    pub bom: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Jsonl,
}

#[derive(Args, Debug)]
pub struct IndexLocation {
    /// 索引目录 [默认：$FAZHI_INDEX，否则 ~/.local/share/fazhi/index]
    #[arg(long, value_name = "DIR", env = "FAZHI_INDEX", global = true)]
    pub index: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct IndexArgs {
    /// 报告文件或目录（递归）：.txt、.html/.htm、.docx、.pdf（需有文字层），以及报告表：.jsonl（每行一篇）、.csv（表头之后每行一篇）、.json（对象数组，每个对象一篇），正文取自 text、content 或 full_text 字段（见 --text-field）
    /// [省略时：重读此索引建立时给出的文件夹；演示索引为自带语料]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// 丢弃旧索引，全部重建（新索引建好后才替换旧索引）
    #[arg(long)]
    pub rebuild: bool,
    /// 同时清除索引中文件已被删除的报告
    #[arg(long)]
    pub prune: bool,
    /// 元数据清单（JSON Lines，每行 {"path": …, "year": …}），逐字段覆盖自动识别的结果
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    #[command(flatten)]
    pub fields: TableFieldArgs,
    #[command(flatten)]
    pub parsing: ParseLimitArgs,
}

/// Which columns of a .jsonl, .csv or .json table hold what.
#[derive(Args, Debug, Default)]
pub struct TableFieldArgs {
    /// 报告表（.jsonl .csv .json）中正文所在的列（字段）[默认：text、content、full_text 中第一个有的]。
    /// 列名映射不随索引保存：换一种映射（或不给）再运行 fazhi index，报告表会按新的映射重读
    #[arg(long, value_name = "NAME")]
    pub text_field: Option<String>,
    /// 报告表中标题所在的列 [默认：title]
    #[arg(long, value_name = "NAME")]
    pub title_field: Option<String>,
    /// 报告表中年份所在的列（2023、"2023" 或 "2023年"）[默认：year]
    #[arg(long, value_name = "NAME")]
    pub year_field: Option<String>,
    /// 报告表中发布单位所在的列 [默认：unit]
    #[arg(long, value_name = "NAME")]
    pub unit_field: Option<String>,
    /// 报告表中来源网址所在的列 [默认：url]
    #[arg(long, value_name = "NAME")]
    pub url_field: Option<String>,
    /// 报告表中发布日期所在的列 [默认：publish_date]
    #[arg(long, value_name = "NAME")]
    pub date_field: Option<String>,
}

impl TableFieldArgs {
    pub fn map(&self) -> fazhi::ingest::record::FieldMap {
        fazhi::ingest::record::FieldMap {
            text: self.text_field.clone(),
            title: self.title_field.clone(),
            year: self.year_field.clone(),
            unit: self.unit_field.clone(),
            url: self.url_field.clone(),
            publish_date: self.date_field.clone(),
        }
    }
}

/// Limits of the processes that parse PDF, .docx and HTML.
#[derive(Args, Debug)]
pub struct ParseLimitArgs {
    /// 每个 PDF、docx、网页文件的解析时间上限（CPU 秒；墙钟时间上限为其两倍），超时跳过
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub parse_timeout: u64,
    /// 每个解析进程的内存（地址空间）上限，超出则跳过该文件
    #[arg(long, value_name = "MB", default_value_t = 2048, value_parser = clap::value_parser!(u64).range(256..=1048576))]
    pub parse_memory: u64,
}

impl ParseLimitArgs {
    pub fn limits(&self) -> fazhi::ingest::worker::Limits {
        fazhi::ingest::worker::Limits { memory_mb: self.parse_memory, seconds: self.parse_timeout }
    }
}

#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// 报告文件（.txt、.html/.htm、.docx、.pdf），或报告表（.jsonl、.csv、.json，每条记录一篇）
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// 输出格式：text（依据一览）、json（数组）、jsonl（每行一个对象）
    #[arg(long, value_enum, default_value_t = ExtractFormat::Text)]
    pub format: ExtractFormat,
    #[command(flatten)]
    pub fields: TableFieldArgs,
    #[command(flatten)]
    pub parsing: ParseLimitArgs,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    Text,
    Json,
    Jsonl,
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// 检索式：词语之间为“与”；"…" 短语；A OR B；-词 排除；2023 或 2023年 按年份筛选；title:词、unit:词 只在标题、单位中找（-title:词 排除）；published:2024-01..2024-03 按发布日期筛选
    #[arg(value_name = "QUERY", num_args = 0..)]
    pub query: Vec<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// 最多显示多少篇
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// 输出全部匹配的报告（--limit 不再起作用）；不带检索词和筛选条件时列出全部报告
    #[arg(long)]
    pub all: bool,
    /// 跳过前 N 篇（翻页）
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: usize,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// 排序：score（相关度）、year（年份从早到晚）、-year（从晚到早）、published（发布日期从早到晚）、-published（从晚到早）；年份或发布日期不明的排在最后
    #[arg(long, default_value = "score", allow_hyphen_values = true, value_parser = sort())]
    pub sort: Sort,
    /// 附上按地区、年份、级别、类型的报告数统计
    #[arg(long)]
    pub facets: bool,
    /// 交叉统计表，如 region,year（行为地区、列为年份），带合计；维度可用 region、year、level、type
    #[arg(long, value_name = "ROWS,COLUMNS", value_parser = parse_pivot)]
    pub pivot: Option<(Dim, Dim)>,
    /// --facets 和 --pivot 统计什么：reports（匹配的报告数）、share（占同一格中全部报告的比例：同样的筛选条件、不加检索词）或 occurrences（检索词出现的次数）
    #[arg(long, default_value = "reports", value_parser = measure())]
    pub measure: Measure,
    /// 与 --pivot 和 --format csv 同用：长表，每格一行（row,column,reports,all_reports,share,occurrences），便于 pandas、R 读入
    #[arg(long, requires = "pivot")]
    pub long: bool,
    /// 输出格式：text、json（一个对象）、jsonl（每行一篇）、csv（每行一篇，或 --pivot 表）
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// jsonl 和 csv 输出的字段，逗号分隔，如 id,title,province,year,snippet
    #[arg(long, value_name = "FIELDS", value_delimiter = ',')]
    pub fields: Vec<String>,
    /// CSV 开头写入 UTF-8 BOM，便于中文 Windows 上的 Excel 正确打开
    #[arg(long)]
    pub bom: bool,
    /// 何时使用颜色（auto 遵循 NO_COLOR、CLICOLOR_FORCE、CLICOLOR 与终端检测）
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Jsonl,
    Csv,
}

/// What `show` and `stats` can print: one record, for a person or as JSON.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum RecordFormat {
    Text,
    Json,
}

// The library's enums know their names; their Chinese help is the CLI's.

fn choices<T: Clone + Send + Sync + 'static>(
    values: &[(&'static str, &'static str)],
    parse: fn(&str) -> Option<T>,
) -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    let possible: Vec<PossibleValue> =
        values.iter().map(|(name, help)| PossibleValue::new(*name).help(*help)).collect();
    PossibleValuesParser::new(possible).map(move |name| parse(&name).expect("clap checked the name"))
}

fn sort() -> impl clap::builder::TypedValueParser<Value = Sort> {
    let help = |s: Sort| match s {
        Sort::Score => "相关度最高的在前",
        Sort::Year => "所涉年份从早到晚",
        Sort::YearDesc => "所涉年份从晚到早",
        Sort::Published => "发布日期从早到晚",
        Sort::PublishedDesc => "发布日期从晚到早",
    };
    choices(&Sort::ALL.map(|s| (s.name(), help(s))), Sort::parse)
}

fn measure() -> impl clap::builder::TypedValueParser<Value = Measure> {
    let help = |m: Measure| match m {
        Measure::Reports => "匹配的报告数",
        Measure::Share => "匹配的报告占同一项全部报告（同样的筛选条件、不加检索词）的比例",
        Measure::Occurrences => "检索词在匹配报告中出现的次数",
    };
    choices(&Measure::ALL.map(|m| (m.name(), help(m))), Measure::parse)
}

fn dim() -> impl clap::builder::TypedValueParser<Value = Dim> {
    choices(&Dim::ALL.map(|d| (d.name(), d.label())), Dim::parse)
}

fn unknown_year() -> impl clap::builder::TypedValueParser<Value = UnknownYear> {
    choices(&[("include", "保留年份不明的报告"), ("exclude", "去掉年份不明的报告")], UnknownYear::parse)
}

fn parse_pivot(s: &str) -> Result<(Dim, Dim), String> {
    fazhi::batch::parse_pivot(s).map_err(|e| e.to_string())
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// `fazhi search 枫桥经验 -信访`: an argument of a `-` followed by a non-ASCII
/// char or a quote can't be a flag (all flags are ASCII), nor can `-title:…`
/// or `-unit:…`, so it is passed as the hidden `--not` instead of making
/// clap reject it (or read `-t itle:…`).
pub fn exclusions_to_flags(args: impl IntoIterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut out = Vec::new();
    let mut after_double_dash = false;
    for arg in args {
        if let Some(s) = arg.to_str() {
            if s == "--" {
                after_double_dash = true;
            }
            let second = s.chars().nth(1);
            // `-title:词` and `-unit:词` (no flag has a colon) exclude too.
            let field = ["-title:", "-unit:", "-title：", "-unit："].iter().any(|p| s.starts_with(p));
            if !after_double_dash && s.starts_with('-') && (field || second.is_some_and(|c| !c.is_ascii() || c == '"'))
            {
                out.push(format!("--not={}", &s[1..]).into());
                continue;
            }
        }
        out.push(arg);
    }
    out
}
