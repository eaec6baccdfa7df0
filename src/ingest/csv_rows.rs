//! CSV tables of reports: a header row, then one report per row, read by
//! [`record`] with every cell a string. A row is keyed `<path>#<N>`, N
//! counting rows after the header (a quoted cell may span lines). The file
//! is decoded whole first, as a .txt is (GBK, UTF-16 and UTF-8 with a BOM
//! …), within [`super::MAX_TABLE_MB`]. A row whose number of cells differs
//! from the header's is skipped: its cells cannot be told apart.

use serde_json::{Map, Value};

use super::record::{self, FieldMap};
use super::{decode, Hints, Part, SkipReason};

/// Header names quoted in the reason for a file without a text column.
const HEADER_SHOWN: usize = 8;

pub fn read(bytes: Vec<u8>, name: &str, fields: &FieldMap) -> Result<Vec<Part>, SkipReason> {
    let (text, encoding) = decode::decode_records(bytes)?;
    if text.trim().is_empty() {
        return Err(SkipReason::Empty);
    }
    let format = match encoding {
        "UTF-8" => "CSV".to_string(),
        other => format!("CSV（{other}）"),
    };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(header) => header.iter().map(|h| h.trim().trim_start_matches('\u{FEFF}').to_string()).collect(),
        Err(e) => return Err(SkipReason::Corrupt(format!("CSV 表头无法读取：{e}"))),
    };
    let text_names = fields.text_names();
    if !header.iter().any(|h| text_names.contains(&h.as_str())) {
        let mut shown = header.iter().take(HEADER_SHOWN).map(String::as_str).collect::<Vec<_>>().join(",");
        if header.len() > HEADER_SHOWN {
            shown.push_str(",…");
        }
        return Err(SkipReason::Corrupt(format!(
            "CSV 表头没有正文列（{}），不是报告数据；表头为 {shown}",
            text_names.join("、")
        )));
    }
    let mut parts = Vec::new();
    let mut row = csv::StringRecord::new();
    for number in 1.. {
        let suffix = format!("#{number}");
        let bad = |why: String| Part {
            suffix: suffix.clone(),
            text: Err(SkipReason::BadLine(number, why)),
            format: format.clone(),
            hints: Hints::default(),
        };
        let before = reader.position().byte();
        match reader.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            // Not expected from decoded text read flexibly; never loop on one.
            Err(_) if reader.position().byte() == before => break,
            Err(e) => {
                parts.push(bad(format!("无法解析：{e}")));
                continue;
            }
        }
        if row.len() != header.len() {
            parts.push(bad(format!("有 {} 列，表头有 {} 列", row.len(), header.len())));
            continue;
        }
        // An empty cell is no value (an empty text cell is named as such).
        let mut map = Map::new();
        for (column, cell) in header.iter().zip(row.iter()) {
            if column.is_empty() || (cell.trim().is_empty() && !text_names.contains(&column.as_str())) {
                continue;
            }
            map.entry(column.clone()).or_insert_with(|| Value::String(cell.to_string()));
        }
        parts.push(match record::record(map, fields, &format!("{name} 第 {number} 行")) {
            Ok((text, hints)) => Part { suffix, text: Ok(text), format: format.clone(), hints },
            Err(why) => bad(why),
        });
    }
    if parts.is_empty() {
        return Err(SkipReason::Empty);
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(csv: &str) -> Result<Vec<Part>, SkipReason> {
        read(csv.as_bytes().to_vec(), "t.csv", &FieldMap::default())
    }

    #[test]
    fn rows_are_numbered_after_the_header_and_quoted_lines_stay_in_their_cell() {
        let parts = rows("year,title,text\n2023,甲,\"第一行\n第二行\"\n2024年,乙,正文\n").unwrap();
        assert_eq!(parts.iter().map(|p| p.suffix.as_str()).collect::<Vec<_>>(), ["#1", "#2"]);
        assert_eq!(parts[0].text.as_deref(), Ok("第一行\n第二行"));
        let (overrides, source) = parts[1].hints.overrides.clone().unwrap();
        assert_eq!((overrides["year"].as_str(), source.as_str()), (Some("2024年"), "t.csv 第 2 行"));
    }

    #[test]
    fn bad_rows_are_named_and_a_file_without_a_text_column_is_one_reason() {
        let parts = rows("year,text\n2023\n,\n2023,正文,多余\n2022,正文\n").unwrap();
        let reasons: Vec<String> =
            parts.iter().map(|p| p.text.as_ref().map_or_else(|r| r.to_string(), |t| t.clone())).collect();
        assert_eq!(
            reasons,
            [
                "第 1 行无效（有 1 列，表头有 2 列）",
                "第 2 行无效（text 为空）",
                "第 3 行无效（有 3 列，表头有 2 列）",
                "正文"
            ]
        );
        let reason = rows("province,url\n浙江省,http://a\n").unwrap_err().to_string();
        assert!(
            reason.contains("CSV 表头没有正文列（text、content、full_text）") && reason.contains("province,url"),
            "{reason}"
        );
        assert_eq!(rows("text\n").unwrap_err(), SkipReason::Empty);
    }
}
