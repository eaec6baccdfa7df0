//! From files on disk to clean report text: find files ([`walk`]), decode
//! them whatever their encoding ([`decode`]), tidy the text, keeping page chrome and spam out
//! ([`clean`], [`chrome`]).

pub mod chrome;
pub mod clean;
pub mod decode;
pub mod walk;

use std::fmt;
use std::path::Path;

/// Why a file was not indexed; shown in the summary of `fazhi index`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkipReason {
    Unsupported(String),
    Empty,
    Binary,
    Undecodable,
    Unreadable(String),
    SymlinkLoop,
    BadMetadata(String),
    /// fazhi failed on this file (a bug): reported, the run goes on.
    Internal,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Unsupported(ext) if ext.is_empty() => write!(f, "不支持的格式（无扩展名）"),
            SkipReason::Unsupported(ext) => write!(f, "不支持的格式（.{ext}）"),
            SkipReason::Empty => write!(f, "空文件"),
            SkipReason::Binary => write!(f, "二进制文件"),
            SkipReason::Undecodable => write!(f, "无法识别的文字编码"),
            SkipReason::Unreadable(e) => write!(f, "无法读取（{e}）"),
            SkipReason::SymlinkLoop => write!(f, "符号链接循环"),
            SkipReason::BadMetadata(e) => write!(f, "元数据无效（{e}）"),
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
            SkipReason::BadMetadata(_) => "元数据无效".into(),
            other => other.to_string(),
        }
    }
}

/// A report's text as read from disk, decoded and cleaned.
pub struct SourceText {
    pub text: String,
    pub encoding: &'static str,
}

/// Reads, decodes and cleans one file.
pub fn read_report(path: &Path) -> Result<SourceText, SkipReason> {
    let bytes = std::fs::read(path).map_err(|e| SkipReason::Unreadable(e.kind().to_string()))?;
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    let (text, encoding) = decode::decode(&bytes)?;
    let text = clean::clean(&text);
    if text.is_empty() {
        return Err(SkipReason::Empty);
    }
    Ok(SourceText { text, encoding })
}
