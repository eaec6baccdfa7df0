//! Publish dates: the ranges `--published` and `published:` select (`2024`, `2024-03`,
//! `2024-01..2024-03`, `2024-03-15..`, `..2024-03`).
//!
//! A date is kept as the number `YYYYMMDD`, an unknown month or day as 00
//! (a page that says only 2024-03 is 20240300). A bound covers its whole
//! month or year: `..2024-03` ends at 20240399, `2024-03..` starts at
//! 20240300, so a range is inclusive at the granularity it is written in.

use anyhow::Result;

use crate::bad_request;
use crate::error::BadRequest;
use serde::Serialize;

use crate::meta::dates::days_in_month;

/// A range of publish dates as `YYYYMMDD` keys, both ends inclusive;
/// `None` is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DateRange {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// A date as written in a bound: year, and month and day if given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bound {
    year: i64,
    month: Option<i64>,
    day: Option<i64>,
}

impl Bound {
    fn first(self) -> i64 {
        self.year * 10_000 + self.month.unwrap_or(0) * 100 + self.day.unwrap_or(0)
    }

    fn last(self) -> i64 {
        self.year * 10_000 + self.month.unwrap_or(99) * 100 + self.day.unwrap_or(99)
    }

    /// `2024`, `2024-03`, `2024-03-15`, as the user typed the parts.
    fn parse(s: &str) -> Result<Bound> {
        let bad = || anyhow::Error::new(BadRequest(format!("发布日期“{s}”无效：应为 2024、2024-03 或 2024-03-15")));
        let parts: Vec<&str> = s.split('-').collect();
        if parts.len() > 3 || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(bad());
        }
        if parts[0].len() != 4 || parts[1..].iter().any(|p| p.len() > 2) {
            return Err(bad());
        }
        let number = |p: &str| p.parse::<i64>().map_err(|_| bad());
        let year = number(parts[0])?;
        let month = parts.get(1).map(|p| number(p)).transpose()?;
        let day = parts.get(2).map(|p| number(p)).transpose()?;
        if !(1900..=2100).contains(&year) {
            bad_request!("发布日期“{s}”无效：年份应在 1900–2100 之间");
        }
        if month.is_some_and(|m| !(1..=12).contains(&m)) {
            bad_request!("发布日期“{s}”无效：月份应在 1–12 之间");
        }
        if let (Some(m), Some(d)) = (month, day) {
            if !(1..=days_in_month(year, m)).contains(&d) {
                bad_request!("发布日期“{s}”无效：{year} 年 {m} 月没有 {d} 日");
            }
        }
        Ok(Bound { year, month, day })
    }
}

impl DateRange {
    /// `2024-03` (that month), `2024-01..2024-03`, `2024-01..`, `..2024-03`.
    pub fn parse(spec: &str) -> Result<DateRange> {
        let spec = spec.trim();
        let range = match spec.split_once("..") {
            Some((a, b)) => {
                let (a, b) = (a.trim(), b.trim());
                if a.is_empty() && b.is_empty() {
                    bad_request!("发布日期范围“{spec}”无效：至少给出一端");
                }
                let from = (!a.is_empty()).then(|| Bound::parse(a)).transpose()?;
                let to = (!b.is_empty()).then(|| Bound::parse(b)).transpose()?;
                DateRange { from: from.map(Bound::first), to: to.map(Bound::last) }
            }
            None if spec.is_empty() => bad_request!("发布日期为空：应为 2024、2024-03 或 2024-03-15"),
            None => {
                let only = Bound::parse(spec)?;
                DateRange { from: Some(only.first()), to: Some(only.last()) }
            }
        };
        if let (Some(a), Some(b)) = (range.from, range.to) {
            if a > b {
                bad_request!("发布日期范围“{spec}”无效：起始日期晚于结束日期");
            }
        }
        Ok(range)
    }

    pub fn contains(&self, key: i64) -> bool {
        self.from.is_none_or(|a| key >= a) && self.to.is_none_or(|b| key <= b)
    }
}

/// A key back as the date it stands for: `2024-03-15`, `2024-03`, `2024`.
fn shown(key: i64) -> String {
    let (year, month, day) = (key / 10_000, key / 100 % 100, key % 100);
    match (month, day) {
        (0 | 99, _) => format!("{year}"),
        (m, 0 | 99) => format!("{year}-{m:02}"),
        (m, d) => format!("{year}-{m:02}-{d:02}"),
    }
}

impl std::fmt::Display for DateRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.from, self.to) {
            (Some(a), Some(b)) if shown(a) == shown(b) => write!(f, "{}", shown(a)),
            (a, b) => write!(f, "{}..{}", a.map(shown).unwrap_or_default(), b.map(shown).unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::dates::date_key;

    #[test]
    fn bounds_cover_their_month_or_year() {
        let r = DateRange::parse("2024-01..2024-03").unwrap();
        assert_eq!((r.from, r.to), (Some(20240100), Some(20240399)));
        assert!(r.contains(date_key("2024-03-31").unwrap()) && r.contains(date_key("2024-01-01").unwrap()));
        assert!(!r.contains(date_key("2024-04-01").unwrap()) && !r.contains(date_key("2023-12-31").unwrap()));
        let month = DateRange::parse("2024-03").unwrap();
        assert!(month.contains(date_key("2024-03").unwrap()) && month.contains(date_key("2024-03-15").unwrap()));
        assert_eq!(month.to_string(), "2024-03");
        let upto = DateRange::parse("..2024-03").unwrap();
        assert!(upto.contains(date_key("2024-03-31").unwrap()) && !upto.contains(date_key("2024-04-01").unwrap()));
        assert_eq!(upto.to_string(), "..2024-03");
        let from = DateRange::parse("2024-03-15..").unwrap();
        assert!(from.contains(date_key("2024-03-15").unwrap()) && !from.contains(date_key("2024-03-14").unwrap()));
        assert_eq!(from.to_string(), "2024-03-15..");
        let year = DateRange::parse("2023").unwrap();
        assert!(year.contains(date_key("2023").unwrap()) && year.contains(date_key("2023-12-31").unwrap()));
        assert_eq!(year.to_string(), "2023");
        assert_eq!(DateRange::parse("2024-1..2024-3").unwrap().to_string(), "2024-01..2024-03");
        // A day range leaves out a date known only to the month.
        assert!(!DateRange::parse("2024-03-15").unwrap().contains(date_key("2024-03").unwrap()));
    }

    #[test]
    fn bad_ranges_are_refused() {
        for bad in [
            "",
            "..",
            "2024-13",
            "2024-02-30",
            "2023-02-29",
            "24-03",
            "2024-03..2024-01",
            "abc",
            "2024-03-15-1",
            "3000",
        ] {
            assert!(DateRange::parse(bad).is_err(), "{bad}");
        }
        assert!(DateRange::parse("2024-02-29").is_ok());
    }

    #[test]
    fn stored_dates_as_written() {
        assert_eq!(date_key("2024-03-15"), Some(20240315));
        assert_eq!(date_key("2024年3月5日"), Some(20240305));
        assert_eq!(date_key("2024/3/5"), Some(20240305));
        assert_eq!(date_key("2024-03"), Some(20240300));
        assert_eq!(date_key("2024"), Some(20240000));
        assert_eq!(date_key("2024-13-01"), Some(20240000));
        assert_eq!(date_key("2024-02-30"), Some(20240200));
        assert_eq!(date_key("2024-03-15T08:00:00"), Some(20240315));
        assert_eq!(date_key("昨天"), None);
        assert_eq!(date_key("0000-01-01"), None);
    }
}
