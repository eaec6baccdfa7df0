//! Filters on metadata: region, year, level, type, publish date. They never change which reports
//! match the text, only which are kept (and counted).
//!
//! Given as flags (`-r 浙江 -y 2021..2023 -l 街道`), inline (`province:浙江`,
//! `region:宁波市`, `year:2021..`, `level:部门`), or, unless `--literal`, as
//! bare query words: a year (`2023`, `2023年`) or a province or prefecture
//! name (`浙江 枫桥经验`). Several values of one kind mean any of them.

use anyhow::Result;

use crate::bad_request;
use serde::Serialize;

use super::parse::ReadAs;
use super::published::DateRange;

/// A year range, both ends inclusive; `None` is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct YearRange {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// What selects the reports that lack a field: `-y unknown`, `region:未知`.
pub fn is_unknown(value: &str) -> bool {
    matches!(value.trim(), "unknown" | "未知")
}

impl YearRange {
    pub fn single(year: i64) -> YearRange {
        YearRange { from: Some(year), to: Some(year) }
    }

    /// The reports whose covered year is unknown (open at both ends, which
    /// no range typed as `a..b` can be).
    pub const UNKNOWN: YearRange = YearRange { from: None, to: None };

    pub fn is_unknown(&self) -> bool {
        *self == YearRange::UNKNOWN
    }

    /// `2023`, `2023年`, `2021..2023`, `2021..`, `..2022`, or `unknown` (`未知`).
    pub fn parse(spec: &str) -> Result<YearRange> {
        let spec = spec.trim();
        if is_unknown(spec) {
            return Ok(YearRange::UNKNOWN);
        }
        let year = |s: &str| -> Result<Option<i64>> {
            let s = s.trim().trim_end_matches('年');
            if s.is_empty() {
                return Ok(None);
            }
            match s.parse::<i64>() {
                Ok(y) if (1949..=2100).contains(&y) => Ok(Some(y)),
                _ => bad_request!("年份“{s}”无效：应为 1949–2100 之间的四位数"),
            }
        };
        let range = match spec.split_once("..") {
            Some((a, b)) => YearRange { from: year(a)?, to: year(b)? },
            None => {
                let y = year(spec)?;
                if y.is_none() {
                    bad_request!("年份为空");
                }
                YearRange { from: y, to: y }
            }
        };
        if let (Some(a), Some(b)) = (range.from, range.to) {
            if a > b {
                bad_request!("年份范围“{spec}”无效：起始年份大于结束年份");
            }
        }
        if range.from.is_none() && range.to.is_none() {
            bad_request!("年份范围“{spec}”无效：至少给出一端");
        }
        Ok(range)
    }

    pub fn contains(&self, year: i64) -> bool {
        self.from.is_none_or(|a| year >= a) && self.to.is_none_or(|b| year <= b)
    }
}

impl std::fmt::Display for YearRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.from, self.to) {
            (None, None) => write!(f, "未知"),
            (Some(a), Some(b)) if a == b => write!(f, "{a}"),
            (a, b) => {
                let show = |y: Option<i64>| y.map(|y| y.to_string()).unwrap_or_default();
                write!(f, "{}..{}", show(a), show(b))
            }
        }
    }
}

/// A confidence threshold as typed: a number from 0 to 1.
pub fn parse_confidence(s: &str) -> Result<f32> {
    match s.trim().parse::<f32>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => bad_request!("置信度“{s}”无效：应为 0 到 1 之间的数，如 0.8"),
    }
}

/// Whether reports whose covered year is unknown pass a year filter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownYear {
    Include,
    #[default]
    Exclude,
}

impl UnknownYear {
    pub fn parse(name: &str) -> Option<UnknownYear> {
        match name {
            "include" => Some(UnknownYear::Include),
            "exclude" => Some(UnknownYear::Exclude),
            _ => None,
        }
    }
}

/// Filters as requested, before names are resolved against the index.
#[derive(Clone, Debug, Default)]
pub struct FilterSpec {
    /// Region names at any level, full or short (浙江, 宁波市, 朝阳区).
    pub regions: Vec<String>,
    pub years: Vec<YearRange>,
    /// Levels (乡镇, 县级 …) or unit types (街道, 部门 …).
    pub levels: Vec<String>,
    /// Report types (法治政府建设报告 …), or unknown.
    pub types: Vec<String>,
    pub unknown_year: UnknownYear,
    /// Keep only reports whose region, level and year are each at least
    /// this sure (0–1).
    pub min_confidence: Option<f32>,
    /// Publish date ranges (`--published`); reports with no date never pass.
    pub published: Vec<DateRange>,
}

impl FilterSpec {
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
            && self.years.is_empty()
            && self.levels.is_empty()
            && self.types.is_empty()
            && self.min_confidence.is_none()
            && self.published.is_empty()
    }

    /// Adds an inline `key:value` filter and says of which kind; `None` if
    /// `key` is not a filter name.
    pub fn add_inline(&mut self, key: &str, value: &str) -> Result<Option<ReadAs>> {
        Ok(Some(match key {
            "province" | "region" | "city" | "county" | "地区" | "省" => {
                self.regions.push(value.to_string());
                ReadAs::Region
            }
            "year" | "年份" => {
                self.years.push(YearRange::parse(value)?);
                ReadAs::Year
            }
            "level" | "级别" => {
                self.levels.push(value.to_string());
                ReadAs::Level
            }
            "type" | "类型" => {
                self.types.push(value.to_string());
                ReadAs::Type
            }
            "published" | "发布" | "发布日期" => {
                self.published.push(DateRange::parse(value)?);
                ReadAs::Published
            }
            _ => return Ok(None),
        }))
    }
}

/// The canonical level for what a user typed, if it is a level.
pub fn level_name(input: &str) -> Option<&'static str> {
    match input.trim().trim_end_matches('级') {
        "乡镇" | "乡" | "镇" if input.ends_with('级') || input == "乡镇" => Some("乡镇级"),
        "县" if input.ends_with('级') => Some("县级"),
        "地市" | "市" if input.ends_with('级') || input == "地市" => Some("地市级"),
        "省" if input.ends_with('级') => Some("省级"),
        "中央" => Some("中央"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_ranges() {
        assert_eq!(YearRange::parse("2023").unwrap(), YearRange::single(2023));
        assert_eq!(YearRange::parse("2023年").unwrap(), YearRange::single(2023));
        assert_eq!(YearRange::parse("2021..2023").unwrap(), YearRange { from: Some(2021), to: Some(2023) });
        assert_eq!(YearRange::parse("2021..").unwrap(), YearRange { from: Some(2021), to: None });
        assert_eq!(YearRange::parse("..2022").unwrap().to_string(), "..2022");
        assert!(YearRange::parse("unknown").unwrap().is_unknown() && YearRange::parse("未知").unwrap().is_unknown());
        assert_eq!(YearRange::UNKNOWN.to_string(), "未知");
        for bad in ["", "..", "2023..2021", "abc", "20233", "1800"] {
            assert!(YearRange::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn levels() {
        assert_eq!(level_name("乡镇"), Some("乡镇级"));
        assert_eq!(level_name("乡镇级"), Some("乡镇级"));
        assert_eq!(level_name("县级"), Some("县级"));
        assert_eq!(level_name("地市级"), Some("地市级"));
        assert_eq!(level_name("省级"), Some("省级"));
        assert_eq!(level_name("街道"), None);
        assert_eq!(level_name("镇"), None);
    }
}
