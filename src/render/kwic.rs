//! Concordance lines for scripts: CSV with the fields of the JSON Lines
//! (the text for people is the binary's, `print::kwic`).

use crate::search::kwic::{Line, LINE_FIELDS};
use crate::search::occurrences::Part;

/// CSV header: the JSON Lines field names, in order.
pub fn csv_fields() -> Vec<&'static str> {
    let mut names = vec!["id", "path"];
    names.extend(LINE_FIELDS.iter().map(|f| f.name()));
    names.extend(["part", "term", "offset", "length", "left", "match", "right"]);
    names
}

/// One CSV record, in [`csv_fields`] order.
pub fn csv_record(line: &Line) -> Vec<String> {
    let mut record = vec![line.id.clone(), line.path.clone()];
    record.extend(LINE_FIELDS.iter().map(|&f| line.meta.0.get(f).map(|v| v.to_string()).unwrap_or_default()));
    record.extend([
        match line.part {
            Part::Text => "text".into(),
            Part::Title => "title".into(),
        },
        line.term.clone(),
        line.offset.to_string(),
        line.length.to_string(),
        line.left.clone(),
        line.matched.clone(),
        line.right.clone(),
    ]);
    record
}
