//! Bytes → text, detecting the encoding: a BOM (UTF-8, UTF-16LE/BE) wins;
//! else valid UTF-8 is UTF-8; else chardetng guesses (GB18030/GBK, Big5, …).
//! A file whose encoding changes partway (pages pasted together from two
//! sites) is decoded line by line: its UTF-8 lines as UTF-8, the others in
//! the encoding guessed from them alone, never the whole as mojibake.

use encoding_rs::{Encoding, UTF_8};

use super::SkipReason;

/// Share of U+FFFD in decoded text above which we call the guess wrong.
const MAX_REPLACEMENT_SHARE: f64 = 0.01;

pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), SkipReason> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return checked(text.into_owned(), encoding);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if text.contains('\0') {
            return Err(SkipReason::Binary);
        }
        return Ok((text.to_string(), UTF_8.name()));
    }
    // NUL bytes outside UTF-16 mean a binary file, not text.
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(SkipReason::Binary);
    }
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    let utf8_line = |l: &&[u8]| !l.is_ascii() && std::str::from_utf8(l).is_ok();
    if lines.iter().any(utf8_line) {
        return mixed(&lines);
    }
    let encoding = guess(bytes);
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    checked(text.into_owned(), encoding)
}

/// [`decode`] for a file of records (CSV, JSON) that checks its records
/// for NUL itself: UTF-8 is taken as it is, without a copy.
pub fn decode_records(bytes: Vec<u8>) -> Result<(String, &'static str), SkipReason> {
    if Encoding::for_bom(&bytes).is_some() {
        return decode(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, UTF_8.name())),
        Err(e) => decode(e.as_bytes()),
    }
}

fn guess(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow)
}

/// Some lines are UTF-8 and some are not: each line in its own encoding.
fn mixed(lines: &[&[u8]]) -> Result<(String, &'static str), SkipReason> {
    let legacy: Vec<u8> =
        lines.iter().filter(|l| std::str::from_utf8(l).is_err()).flat_map(|l| l.iter().copied()).collect();
    let encoding = guess(&legacy);
    let mut text = String::new();
    for line in lines {
        match std::str::from_utf8(line) {
            Ok(s) => text.push_str(s),
            Err(_) => text.push_str(&encoding.decode_without_bom_handling(line).0),
        }
    }
    let (text, _) = checked(text, encoding)?;
    let name = match encoding.name() {
        "UTF-8" => "UTF-8",
        "GBK" => "UTF-8+GBK",
        "gb18030" => "UTF-8+gb18030",
        "Big5" => "UTF-8+Big5",
        _ => "UTF-8+其他编码",
    };
    Ok((text, name))
}

fn checked(text: String, encoding: &'static Encoding) -> Result<(String, &'static str), SkipReason> {
    let total = text.chars().count().max(1);
    let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
    if bad as f64 / total as f64 > MAX_REPLACEMENT_SHARE {
        return Err(SkipReason::Undecodable);
    }
    if text.contains('\0') {
        return Err(SkipReason::Binary);
    }
    Ok((text, encoding.name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "陶庄镇深入学习贯彻习近平法治思想，坚持和发展新时代“枫桥经验”，推进法治政府建设。";

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(SAMPLE.as_bytes()).unwrap().0, SAMPLE);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(SAMPLE.as_bytes());
        assert_eq!(decode(&bom).unwrap().0, SAMPLE);
    }

    #[test]
    fn gbk_and_utf16() {
        let (gbk, _, _) = encoding_rs::GBK.encode(SAMPLE);
        let (text, name) = decode(&gbk).unwrap();
        assert_eq!(text, SAMPLE);
        assert_eq!(name, "GBK");
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in SAMPLE.encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&utf16).unwrap().0, SAMPLE);
    }

    #[test]
    fn a_file_whose_encoding_changes_partway_is_decoded_line_by_line() {
        let other = "第二部分：推进严格规范公正文明执法，深化行政复议体制改革。";
        let (gbk, _, _) = encoding_rs::GBK.encode(other);
        let mut bytes = format!("{SAMPLE}\n").into_bytes();
        bytes.extend_from_slice(&gbk);
        bytes.push(b'\n');
        let (text, _) = decode(&bytes).unwrap();
        assert_eq!(text, format!("{SAMPLE}\n{other}\n"));
        // GBK first, UTF-8 after.
        let mut bytes = gbk.to_vec();
        bytes.push(b'\n');
        bytes.extend_from_slice(SAMPLE.as_bytes());
        assert_eq!(decode(&bytes).unwrap().0, format!("{other}\n{SAMPLE}"));
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err(), SkipReason::Binary);
    }
}
