//! Tables for people (aligned, CJK counted as two columns) and for
//! spreadsheets (CSV): facet counts, pivots, hit lists.

use unicode_width::UnicodeWidthStr;

use crate::search::counts::{Bucket, Dim, Key, Pivot};

pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// How an unknown bucket is shown.
pub fn shown(k: &Key) -> String {
    k.clone().unwrap_or_else(|| "未知".to_string())
}

impl Table {
    pub fn from_pivot(p: &Pivot) -> Table {
        let mut header = vec![format!("{}＼{}", p.rows.label(), p.columns.label())];
        header.extend(p.column_values.iter().map(shown));
        header.push("合计".into());
        let mut rows: Vec<Vec<String>> = p
            .row_values
            .iter()
            .zip(&p.cells)
            .zip(&p.row_totals)
            .map(|((r, cells), total)| {
                let mut row = vec![shown(r)];
                row.extend(cells.iter().map(u64::to_string));
                row.push(total.to_string());
                row
            })
            .collect();
        let mut totals = vec!["合计".to_string()];
        totals.extend(p.column_totals.iter().map(u64::to_string));
        totals.push(p.total.to_string());
        rows.push(totals);
        Table { header, rows }
    }

    /// A pivot for a spreadsheet: headers in JSON's words (the row
    /// dimension's name, the column values, `total`), unknown as empty.
    pub fn pivot_csv(p: &Pivot) -> Table {
        let value = |k: &Key| k.clone().unwrap_or_default();
        let mut header = vec![p.rows.name().to_string()];
        header.extend(p.column_values.iter().map(value));
        header.push("total".into());
        let mut rows: Vec<Vec<String>> = p
            .row_values
            .iter()
            .zip(&p.cells)
            .zip(&p.row_totals)
            .map(|((r, cells), total)| {
                let mut row = vec![value(r)];
                row.extend(cells.iter().map(u64::to_string));
                row.push(total.to_string());
                row
            })
            .collect();
        let mut totals = vec!["total".to_string()];
        totals.extend(p.column_totals.iter().map(u64::to_string));
        totals.push(p.total.to_string());
        rows.push(totals);
        Table { header, rows }
    }

    /// Facet buckets for a spreadsheet: `value,count` as in JSON, unknown as
    /// empty, no total row (JSON's `total` is the number of reports).
    pub fn buckets_csv(buckets: &[Bucket]) -> Table {
        let rows = buckets.iter().map(|b| vec![b.value.clone().unwrap_or_default(), b.count.to_string()]).collect();
        Table { header: vec!["value".into(), "count".into()], rows }
    }

    pub fn from_buckets(dim: Dim, buckets: &[Bucket], total: u64) -> Table {
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
