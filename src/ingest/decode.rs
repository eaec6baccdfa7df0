//! Bytes → text, detecting the encoding: a BOM (UTF-8, UTF-16LE/BE) wins;
//! else valid UTF-8 is UTF-8; else chardetng guesses (GB18030/GBK, Big5, …).

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
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    checked(text.into_owned(), encoding)
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
    fn binary_is_refused() {
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err(), SkipReason::Binary);
    }
}
