//! From files on disk to clean report text: find files ([`walk`]), read
//! each format ([`decode`] for plain text, [`html`], [`docx`], [`pdf`],
//! [`jsonl`], [`csv_rows`], [`json_array`], each record by [`record`]), and tidy the text, keeping page chrome and spam out
//! ([`clean`], [`chrome`], [`ads`]).

pub mod ads;
pub mod chrome;
pub mod clean;
pub mod csv_rows;
pub mod decode;
pub mod docx;
pub mod html;
mod html_tree;
pub mod json_array;
pub mod jsonl;
pub mod pdf;
mod phrase_file;
pub mod pool;
pub mod record;
pub mod walk;
pub mod worker;

use std::fmt;
use std::path::Path;

use crate::meta::Hints;

/// Why a file was not indexed; shown in the summary of `fazhi index`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum SkipReason {
    Unsupported(String),
    Empty,
    Binary,
    Undecodable,
    Unreadable(String),
    /// A FIFO, socket or device: never opened (reading one can block forever).
    NotRegular,
    /// More work than any report needs (a decompression bomb, endless nesting).
    TooComplex(String),
    SymlinkLoop,
    BadMetadata(String),
    /// Larger than the format's limit, in MB.
    TooLarge(u64),
    /// A container or document that cannot be parsed (corrupt zip, truncated PDF …).
    Corrupt(String),
    Encrypted,
    /// A PDF without a text layer (a scan).
    PdfNoText,
    /// A PDF whose text layer does not decode to readable text.
    PdfGarbled,
    /// A page or document with no text once chrome and spam are removed.
    NoText,
    /// One line of a JSON Lines file, or one row of a CSV file (counted
    /// from the first row after the header).
    BadLine(usize, String),
    /// One element of a JSON array.
    BadItem(usize, String),
    /// The parser process overran its time budget, in seconds.
    Timeout(u64),
    /// The parser process died on this file (a crash in a parsing crate).
    ParseFailed(String),
    /// fazhi failed on this file (a bug): reported, the run goes on.
    Internal,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Unsupported(ext) if ext.is_empty() => write!(f, "不支持的格式（无扩展名）"),
            SkipReason::Unsupported(ext) if ext == "doc" || ext == "wps" => {
                write!(f, "不支持的格式（.{ext}，旧版文档，请另存为 .docx）")
            }
            SkipReason::Unsupported(ext) => write!(f, "不支持的格式（.{ext}）"),
            SkipReason::Empty => write!(f, "空文件"),
            SkipReason::Binary => write!(f, "二进制文件"),
            SkipReason::Undecodable => write!(f, "无法识别的文字编码"),
            SkipReason::Unreadable(e) => write!(f, "无法读取（{e}）"),
            SkipReason::SymlinkLoop => write!(f, "符号链接循环"),
            SkipReason::NotRegular => write!(f, "不是普通文件（FIFO、套接字或设备，未打开）"),
            SkipReason::TooComplex(why) => write!(f, "文件过于复杂（{why}）"),
            SkipReason::BadMetadata(e) => write!(f, "元数据无效（{e}）"),
            SkipReason::TooLarge(mb) => write!(f, "文件过大（超过 {mb} MB，未读取）"),
            SkipReason::Corrupt(e) => write!(f, "文件损坏（{e}）"),
            SkipReason::Encrypted => write!(f, "文件已加密"),
            SkipReason::PdfNoText => write!(f, "PDF 没有文字层（可能是扫描件，需先做文字识别）"),
            SkipReason::PdfGarbled => write!(f, "PDF 文字层无法正确提取（字体缺少编码映射，提取结果是乱码）"),
            SkipReason::NoText => write!(f, "没有正文（只有网页框架或广告）"),
            SkipReason::BadLine(n, e) => write!(f, "第 {n} 行无效（{e}）"),
            SkipReason::BadItem(n, e) => write!(f, "第 {n} 个对象无效（{e}）"),
            SkipReason::Timeout(secs) => write!(f, "解析超时（超过 {secs} 秒，已停止）"),
            SkipReason::ParseFailed(why) => write!(f, "解析失败（{why}）"),
            SkipReason::Internal => write!(f, "处理时出现内部错误（请报告此问题）"),
        }
    }
}

impl SkipReason {
    /// The reason without per-file detail, for grouping in the summary.
    pub fn kind(&self) -> String {
        match self {
            SkipReason::Unsupported(_) => "不支持的格式".into(),
            SkipReason::Unreadable(_) => "无法读取".into(),
            SkipReason::NotRegular => "不是普通文件".into(),
            SkipReason::TooComplex(_) => "文件过于复杂".into(),
            SkipReason::BadMetadata(_) => "元数据无效".into(),
            SkipReason::TooLarge(_) => "文件过大".into(),
            SkipReason::Corrupt(_) => "文件损坏".into(),
            SkipReason::BadLine(..) => "数据行无效".into(),
            SkipReason::BadItem(..) => "JSON 对象无效".into(),
            SkipReason::Timeout(_) => "解析超时".into(),
            SkipReason::ParseFailed(_) => "解析失败".into(),
            other => other.to_string(),
        }
    }
}

/// One report read from a file: most files hold one, a table (JSON Lines,
/// CSV, a JSON array) one per record.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Part {
    /// Appended to the file's path to key this report (`#12` for line, row or
    /// element 12), or empty.
    pub suffix: String,
    /// The cleaned text, or why this part is not indexed.
    pub text: Result<String, SkipReason>,
    /// The format and encoding read (`GBK`, `HTML (GBK)`, `docx`, `PDF`).
    pub format: String,
    pub hints: Hints,
}

impl Part {
    /// This report's index key (and name in messages): the file's path plus the suffix.
    pub fn key(&self, file: &str) -> String {
        format!("{file}{}", self.suffix)
    }

    fn whole(text: String, format: impl Into<String>, hints: Hints) -> Part {
        let text = if text.is_empty() { Err(SkipReason::NoText) } else { Ok(text) };
        Part { suffix: String::new(), text, format: format.into(), hints }
    }
}

/// The file whose `REPORT.json` sidecar applies to `parts` read from
/// `path`: the file itself when it is one report; a record of a table has none.
pub fn sidecar_owner<'a>(path: &'a Path, parts: &[Part]) -> Option<&'a Path> {
    matches!(parts, [only] if only.suffix.is_empty()).then_some(path)
}

/// Largest file read, in MB: a 5 MB single-line text is fine, a stray
/// database dump is not read into memory.
pub const MAX_TEXT_MB: u64 = 64;
/// Largest JSON Lines file, in MB (read a line at a time; the reports are kept).
pub const MAX_JSONL_MB: u64 = 512;
/// Largest CSV or JSON file, in MB: read and decoded whole (its rows may
/// span lines), so a row or an element is never larger than this.
pub const MAX_TABLE_MB: u64 = 256;
/// Largest .docx or .pdf, in MB.
pub const MAX_DOCUMENT_MB: u64 = 128;

/// Reads one file into its reports, by extension. A file that can't be read
/// at all is an `Err`; a table (JSON Lines, CSV, JSON array) gives a part
/// per record, its columns mapped by `fields`, some of which may carry
/// their own skip reason.
pub fn read(path: &Path, fields: &record::FieldMap) -> Result<Vec<Part>, SkipReason> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
    let limit = match ext.as_str() {
        "jsonl" => MAX_JSONL_MB,
        "csv" | "json" => MAX_TABLE_MB,
        "docx" | "pdf" => MAX_DOCUMENT_MB,
        _ => MAX_TEXT_MB,
    };
    let size = std::fs::metadata(path).map_err(|e| SkipReason::Unreadable(e.kind().to_string()))?.len();
    if size == 0 {
        return Err(SkipReason::Empty);
    }
    if size > limit << 20 {
        return Err(SkipReason::TooLarge(limit));
    }
    if ext == "jsonl" {
        return jsonl::read(path, fields);
    }
    let bytes = std::fs::read(path).map_err(|e| SkipReason::Unreadable(e.kind().to_string()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    match ext.as_str() {
        "csv" => return csv_rows::read(bytes, &name, fields),
        "json" => return json_array::read(bytes, &name, fields),
        _ => {}
    }
    let part = match ext.as_str() {
        "html" | "htm" => html::read(&bytes)?,
        "docx" => docx::read(&bytes)?,
        "pdf" => pdf::read(&bytes)?,
        "txt" => {
            let (text, encoding) = decode::decode(&bytes)?;
            if text.trim().is_empty() {
                return Err(SkipReason::Empty);
            }
            Part::whole(clean::clean(&text), encoding, Hints::default())
        }
        other => return Err(SkipReason::Unsupported(other.to_string())),
    };
    match part.text {
        Err(reason) => Err(reason),
        Ok(_) => Ok(vec![part]),
    }
}
