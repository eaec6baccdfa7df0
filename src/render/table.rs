//! Tables for people (aligned, CJK counted as two columns) and for
//! spreadsheets (CSV): facet counts, pivots, hit lists.

use unicode_width::UnicodeWidthStr;

use crate::search::counts::{share, Bucket, Dim, Key, Pivot};

pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// How an unknown bucket is shown.
pub fn shown(k: &Key) -> String {
    k.clone().unwrap_or_else(|| "未知".to_string())
}

/// Every cell's share, totals included, row by row as the tables lay them
/// out: the cells and row total of each row, then the column totals and
/// grand total.
fn share_table(p: &Pivot, all: &Pivot) -> Vec<Vec<Option<f64>>> {
    let mut rows: Vec<Vec<Option<f64>>> = p
        .cells
        .iter()
        .zip(&all.cells)
        .zip(p.row_totals.iter().zip(&all.row_totals))
        .map(|((cells, all_cells), (&total, &all_total))| {
            let mut row: Vec<Option<f64>> = cells.iter().zip(all_cells).map(|(&c, &a)| share(c, a)).collect();
            row.push(share(total, all_total));
            row
        })
        .collect();
    let mut totals: Vec<Option<f64>> =
        p.column_totals.iter().zip(&all.column_totals).map(|(&c, &a)| share(c, a)).collect();
    totals.push(share(p.total, all.total));
    rows.push(totals);
    rows
}

/// How a pivot is laid out for people or for spreadsheets.
struct PivotStyle {
    /// The top-left cell.
    corner: fn(&Pivot) -> String,
    /// A row or column value (unknown included).
    key: fn(&Key) -> String,
    /// The label of the totals row and column.
    total: &'static str,
    /// A share, or none where a cell holds no report at all.
    share: fn(Option<f64>) -> String,
}

/// Chinese labels, 未知 for unknown, shares as percentages (— for none).
const FOR_PEOPLE: PivotStyle = PivotStyle {
    corner: |p| format!("{}＼{}", p.rows.label(), p.columns.label()),
    key: shown,
    total: "合计",
    share: |x| x.map_or("—".to_string(), |x| format!("{:.1}%", x * 100.0)),
};

/// JSON's names, unknown as empty, shares as fractions (0.125; empty for none).
const FOR_SPREADSHEETS: PivotStyle = PivotStyle {
    corner: |p| p.rows.name().to_string(),
    key: |k| k.clone().unwrap_or_default(),
    total: "total",
    share: |x| x.map_or(String::new(), |x| x.to_string()),
};

impl Table {
    pub fn from_pivot(p: &Pivot) -> Table {
        Table::pivot_with(p, &FOR_PEOPLE)
    }

    /// A pivot for a spreadsheet: headers in JSON's words (the row
    /// dimension's name, the column values, `total`), unknown as empty.
    pub fn pivot_csv(p: &Pivot) -> Table {
        Table::pivot_with(p, &FOR_SPREADSHEETS)
    }

    /// The table of a pivot's measure: its occurrences, its shares, or its counts.
    fn pivot_with(p: &Pivot, style: &PivotStyle) -> Table {
        if let Some(occurrences) = &p.occurrences {
            return Table::pivot_counts(occurrences, style);
        }
        let mut t = Table::pivot_counts(p, style);
        if let Some(all) = &p.all {
            for (row, shares) in t.rows.iter_mut().zip(share_table(p, all)) {
                for (cell, share) in row.iter_mut().skip(1).zip(shares) {
                    *cell = (style.share)(share);
                }
            }
        }
        t
    }

    fn pivot_counts(p: &Pivot, style: &PivotStyle) -> Table {
        let mut header = vec![(style.corner)(p)];
        header.extend(p.column_values.iter().map(style.key));
        header.push(style.total.into());
        let mut rows: Vec<Vec<String>> = p
            .row_values
            .iter()
            .zip(&p.cells)
            .zip(&p.row_totals)
            .map(|((r, cells), total)| {
                let mut row = vec![(style.key)(r)];
                row.extend(cells.iter().map(u64::to_string));
                row.push(total.to_string());
                row
            })
            .collect();
        let mut totals = vec![style.total.to_string()];
        totals.extend(p.column_totals.iter().map(u64::to_string));
        totals.push(p.total.to_string());
        rows.push(totals);
        Table { header, rows }
    }

    /// A pivot in tidy (long) form, one row per cell, every measure:
    /// `row,column,reports,all_reports,share,occurrences` (a measure the
    /// answer lacks, as occurrences of a query with no text, is empty).
    pub fn pivot_long(p: &Pivot) -> Table {
        let value = |k: &Key| k.clone().unwrap_or_default();
        let header = ["row", "column", "reports", "all_reports", "share", "occurrences"].map(String::from).to_vec();
        let mut rows = Vec::with_capacity(p.row_values.len() * p.column_values.len());
        for (r, row) in p.row_values.iter().enumerate() {
            for (c, column) in p.column_values.iter().enumerate() {
                let reports = p.cells[r][c];
                let all = p.all.as_ref().map(|a| a.cells[r][c]);
                let occurrences = p.occurrences.as_ref().map(|o| o.cells[r][c]);
                let optional = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
                rows.push(vec![
                    value(row),
                    value(column),
                    reports.to_string(),
                    optional(all),
                    all.and_then(|a| share(reports, a)).map(|s| s.to_string()).unwrap_or_default(),
                    optional(occurrences),
                ]);
            }
        }
        Table { header, rows }
    }

    /// Facet buckets for a spreadsheet: `value,count` as in JSON, unknown as
    /// empty, no total row (JSON's `total` is the number of reports).
    pub fn buckets_csv(buckets: &[Bucket]) -> Table {
        let shares = buckets.iter().any(|b| b.all.is_some());
        let occurrences = buckets.iter().any(|b| b.occurrences.is_some());
        let rows = buckets
            .iter()
            .map(|b| {
                let mut row = vec![b.value.clone().unwrap_or_default(), b.count.to_string()];
                if shares {
                    row.push(b.all.map(|a| a.to_string()).unwrap_or_default());
                    row.push(b.share.map(|s| s.to_string()).unwrap_or_default());
                }
                if occurrences {
                    row.push(b.occurrences.map(|n| n.to_string()).unwrap_or_default());
                }
                row
            })
            .collect();
        let mut header = vec!["value".to_string(), "count".to_string()];
        if shares {
            header.extend(["all".to_string(), "share".to_string()]);
        }
        if occurrences {
            header.push("occurrences".to_string());
        }
        Table { header, rows }
    }

    pub fn from_buckets(dim: Dim, buckets: &[Bucket], total: u64) -> Table {
        if buckets.iter().any(|b| b.all.is_some()) {
            let rows = buckets
                .iter()
                .map(|b| {
                    let share = b.share.map_or("—".to_string(), |s| format!("{:.1}%", s * 100.0));
                    vec![shown(&b.value), b.count.to_string(), b.all.unwrap_or(0).to_string(), share]
                })
                .collect();
            let header = vec![dim.label().into(), "匹配".into(), "全部".into(), "占比".into()];
            return Table { header, rows };
        }
        if buckets.iter().any(|b| b.occurrences.is_some()) {
            let occurrences = |b: &Bucket| b.occurrences.unwrap_or(0);
            let mut rows: Vec<Vec<String>> = buckets
                .iter()
                .map(|b| vec![shown(&b.value), b.count.to_string(), occurrences(b).to_string()])
                .collect();
            let sum: u64 = buckets.iter().map(occurrences).sum();
            rows.push(vec!["合计".into(), total.to_string(), sum.to_string()]);
            return Table { header: vec![dim.label().into(), "报告数".into(), "出现次数".into()], rows };
        }
        let mut rows: Vec<Vec<String>> = buckets.iter().map(|b| vec![shown(&b.value), b.count.to_string()]).collect();
        rows.push(vec!["合计".into(), total.to_string()]);
        Table { header: vec![dim.label().into(), "报告数".into()], rows }
    }

    /// Aligned text: the first column left, the others right.
    pub fn text(&self) -> String {
        let columns = self.header.len();
        let width = |c: usize| {
            std::iter::once(&self.header)
                .chain(&self.rows)
                .map(|r| r.get(c).map_or(0, |s| s.width()))
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..columns).map(width).collect();
        let mut out = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, s)| {
                    let pad = " ".repeat(widths[c].saturating_sub(s.width()));
                    if c == 0 {
                        format!("{s}{pad}")
                    } else {
                        format!("{pad}{s}")
                    }
                })
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        out
    }

    pub fn csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let _ = w.write_record(row);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_wide_characters_and_quotes_csv() {
        let t = Table {
            header: vec!["地区".into(), "2023".into()],
            rows: vec![vec!["浙江省".into(), "12".into()], vec!["a,b".into(), "3".into()]],
        };
        let text = t.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.iter().map(|l| l.width()).collect::<Vec<_>>(), vec![12, 12, 12]);
        assert_eq!(t.csv(), "地区,2023\n浙江省,12\n\"a,b\",3\n");
    }
}
