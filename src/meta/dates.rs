//! Dates as reports and their files write them: `YYYY-MM-DD` from a page
//! or a text ([`iso_date`]), and the `published` key a stored date is
//! indexed and filtered by ([`date_key`]).

use std::sync::LazyLock;

use regex::Regex;

/// A full date in a text: 2024-03-15, 2024年3月15日, 2024/3/15.
pub static DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})").expect("valid regex"));

/// The first date in `s` as `YYYY-MM-DD`.
pub fn iso_date(s: &str) -> Option<String> {
    iso(&DATE.captures(s)?)
}

/// A match of [`DATE`] as `YYYY-MM-DD`, if month and day are plausible.
pub fn iso(c: &regex::Captures) -> Option<String> {
    let (m, d): (u32, u32) = (c[2].parse().ok()?, c[3].parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{}-{m:02}-{d:02}", &c[1]))
}

pub fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

static STORED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?)?").expect("valid regex")
});

/// The key of a stored publish date (`2024-03-15`, also `2024-03`, `2024`,
/// `2024/3/5`, `2024年3月5日` from a sidecar); `None` when it names no
/// plausible date. An implausible month or day is dropped (then unknown).
pub fn date_key(stored: &str) -> Option<i64> {
    let c = STORED.captures(stored)?;
    let year: i64 = c[1].parse().ok()?;
    if !(1900..=2100).contains(&year) {
        return None;
    }
    let part = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<i64>().ok());
    let month = part(2).filter(|m| (1..=12).contains(m));
    let day = month.and(part(3)).filter(|d| month.is_some_and(|m| (1..=days_in_month(year, m)).contains(d)));
    Some(year * 10_000 + month.unwrap_or(0) * 100 + day.unwrap_or(0))
}
