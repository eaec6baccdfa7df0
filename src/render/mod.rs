//! Output for scripts, the same from every front end: JSON ([`json`]),
//! JSON Lines and CSV ([`hits`], [`kwic`], [`metadata`]), and tables
//! ([`table`], also laid out as text). Output for people, with colour and
//! a pager, is the binary's (`src/print`).

pub mod hits;
pub mod json;
pub mod kwic;
pub mod metadata;
pub mod table;

/// The UTF-8 byte order mark, for CSV that Excel on a Chinese Windows must
/// not read as GBK (`--bom`).
pub const BOM: &str = "\u{FEFF}";

/// `csv`, preceded by a BOM when asked.
pub fn with_bom(csv: String, bom: bool) -> String {
    if bom {
        format!("{BOM}{csv}")
    } else {
        csv
    }
}

/// Writes one JSON Lines record; a failed write is the writer's
/// `io::Error` (a closed pipe stays recognisable).
pub fn json_line(out: &mut impl std::io::Write, value: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// A CSV writer that has written the BOM (when asked) and the header.
pub fn csv_writer<W: std::io::Write>(mut out: W, bom: bool, header: &[&str]) -> csv::Result<csv::Writer<W>> {
    if bom {
        out.write_all(BOM.as_bytes())?;
    }
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(header)?;
    Ok(csv)
}
