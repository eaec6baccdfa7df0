//! PDF: the text layer, through `pdf-extract` (pure Rust, on lopdf).
//!
//! Measured on Chinese PDFs (README, "PDF"): text drawn with embedded fonts
//! that carry a ToUnicode map (what Word, WPS and most generators write)
//! comes out exactly; fonts without one come out empty or as symbol soup,
//! and non-embedded CID fonts with a predefined CMap (UniGB-UCS2-H) make the
//! crate panic. So the result is checked: a page with fonts but no text, or
//! text that is not text, is skipped with a reason instead of indexed, and a
//! panic inside the crate becomes a reason too (its message is not printed).
//! The crate trusts the file, so its work is bounded first ([`limits`]).

pub mod limits;

use std::panic::{self, AssertUnwindSafe};

use pdf_extract::{Document, PlainTextOutput};

use super::{clean, Hints, Part, SkipReason};

/// Share of characters that are not text (control, Latin-1 symbols, private
/// use, U+FFFD) above which the extraction is garbage.
const MAX_JUNK_SHARE: f64 = 0.05;

pub fn read(bytes: &[u8]) -> Result<Part, SkipReason> {
    let extracted = caught(|| extract(bytes));
    let text = match extracted {
        Ok(result) => result?,
        Err(message) if message.contains("encoding") || message.contains("font") => return Err(SkipReason::PdfGarbled),
        Err(_) => return Err(SkipReason::Corrupt("PDF 解析出错".into())),
    };
    if is_garbled(&text) {
        return Err(SkipReason::PdfGarbled);
    }
    Ok(Part::whole(clean::clean(&text), "PDF", Hints::default()))
}

fn extract(bytes: &[u8]) -> Result<String, SkipReason> {
    limits::check_streams(bytes)?;
    let mut doc = Document::load_mem(bytes).map_err(|e| SkipReason::Corrupt(format!("PDF 无法解析：{e}")))?;
    // Many PDFs are "encrypted" only to restrict printing, with an empty password.
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(SkipReason::Encrypted);
    }
    limits::check_drawing(&doc)?;
    let mut text = String::new();
    pdf_extract::output_doc(&doc, &mut PlainTextOutput::new(&mut text))
        .map_err(|e| SkipReason::Corrupt(format!("PDF 无法解析：{e}")))?;
    if text.chars().all(char::is_whitespace) {
        let has_fonts = doc.get_pages().values().any(|&id| doc.get_page_fonts(id).is_ok_and(|f| !f.is_empty()));
        // Fonts but no text: glyphs without a Unicode map. No fonts: a scan.
        return Err(if has_fonts { SkipReason::PdfGarbled } else { SkipReason::PdfNoText });
    }
    Ok(text)
}

fn is_garbled(text: &str) -> bool {
    let (mut all, mut junk) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        all += 1;
        let is_junk = c.is_control()
            || matches!(c, '\u{80}'..='\u{BF}' | '\u{E000}'..='\u{F8FF}' | '\u{FFFD}')
            // Latin-1 letters in Chinese text are glyph ids read as WinAnsi.
            || matches!(c, '\u{C0}'..='\u{24F}' | '\u{2C6}' | '\u{2DC}');
        junk += is_junk as usize;
    }
    all == 0 || junk as f64 > all as f64 * MAX_JUNK_SHARE
}

/// Runs `f`, turning a panic into its message. The library installs no
/// panic hook: what a panic prints is the host's choice (the `fazhi`
/// binary's hook only records it; parsing runs in worker processes anyway).
fn caught<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_pdfs_are_reasons() {
        for bytes in [&b"%PDF-1.4\ngarbage"[..], b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", b""] {
            assert!(matches!(read(bytes), Err(SkipReason::Corrupt(_))), "{:?}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn symbol_soup_is_garbage() {
        assert!(is_garbled("\0\0\0 2023\0\0\0€•\0\0‚ƒ„…\0†‡ˆ"));
        assert!(is_garbled("ÃÄÅÆÇÈÉÊ ËÌÍÎ"));
        assert!(!is_garbled("青石镇2023年法治政府建设情况报告\n“枫桥经验”，100%。"));
    }

    #[test]
    fn panics_become_messages() {
        assert_eq!(caught(|| panic!("unsupported encoding X")).unwrap_err(), "unsupported encoding X");
        assert_eq!(caught(|| 7), Ok(7));
    }
}
