//! Word documents (.docx): the text of `word/document.xml`, one line per
//! paragraph (`<w:p>`), read from the zip container with `zip` and parsed
//! with `quick-xml`. Only `<w:t>` is text: deleted revisions (`<w:delText>`)
//! and field codes (`<w:instrText>`) are not. The title in the document's
//! properties (`docProps/core.xml`) is a hint.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{clean, Hints, Part, SkipReason};

/// Largest document.xml unpacked, counted as it streams out of the zip
/// (never taken from the size the zip states), so a zip bomb can't fill
/// memory or time: a 300-page report's is under 10 MB.
const MAX_XML_BYTES: u64 = 48 << 20;

pub fn read(bytes: &[u8]) -> Result<Part, SkipReason> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An OLE file named .docx: an old .doc renamed, or an encrypted document.
        return Err(SkipReason::Corrupt("不是 docx（zip）格式：可能是旧版 .doc 或加密文档".into()));
    }
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| SkipReason::Corrupt(format!("无法解压 docx：{e}")))?;
    let document = entry(&mut zip, "word/document.xml")?
        .ok_or_else(|| SkipReason::Corrupt("docx 中没有 word/document.xml".into()))?;
    let text = paragraphs(&document).map_err(|e| SkipReason::Corrupt(format!("word/document.xml 无法解析：{e}")))?;
    let mut hints = Hints::default();
    if let Ok(Some(core)) = entry(&mut zip, "docProps/core.xml") {
        hints.title = core_title(&core).filter(|t| t.contains("报告") || t.contains("法治"));
        hints.title_source = "Word 文档属性中的标题".into();
    }
    Ok(Part::whole(clean::clean(&text), "docx", hints))
}

fn entry(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<Vec<u8>>, SkipReason> {
    let file = match zip.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(zip::result::ZipError::UnsupportedArchive(e)) if e.contains("ncrypt") || e.contains("assword") => {
            return Err(SkipReason::Encrypted)
        }
        Err(e) => return Err(SkipReason::Corrupt(format!("无法读取 {name}：{e}"))),
    };
    if file.encrypted() {
        return Err(SkipReason::Encrypted);
    }
    // One byte past the limit tells a part that is too large.
    let mut out = Vec::new();
    file.take(MAX_XML_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| SkipReason::Corrupt(format!("无法解压 {name}：{e}")))?;
    if out.len() as u64 > MAX_XML_BYTES {
        return Err(SkipReason::TooComplex(format!("{name} 解压后超过 {} MB", MAX_XML_BYTES >> 20)));
    }
    Ok(Some(out))
}

/// The text of the body, a line per paragraph; tabs and line breaks kept.
fn paragraphs(xml: &[u8]) -> Result<String, quick_xml::Error> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().as_ref() == b"t" => in_text = true,
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => out.push('\n'),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" => out.push('\t'),
                b"br" | b"cr" => out.push('\n'),
                b"p" => out.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text => out.push_str(&t.decode().map_err(quick_xml::Error::from)?),
            Event::CData(t) if in_text => out.push_str(&t.decode().map_err(quick_xml::Error::from)?),
            Event::GeneralRef(r) if in_text => {
                if let Some(c) = r.resolve_char_ref()? {
                    out.push(c);
                } else if let Some(s) =
                    quick_xml::escape::resolve_xml_entity(&r.decode().map_err(quick_xml::Error::from)?)
                {
                    out.push_str(s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// `<dc:title>` of docProps/core.xml.
fn core_title(xml: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut in_title = false;
    let mut title = String::new();
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.local_name().as_ref() == b"title" => in_title = true,
            Event::End(e) if e.local_name().as_ref() == b"title" => break,
            Event::Text(t) if in_title => title.push_str(&t.decode().ok()?),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let title = title.trim();
    (!title.is_empty()).then(|| title.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_runs_and_revisions() {
        let xml = r#"<w:document xmlns:w="w"><w:body>
            <w:p><w:r><w:t>某镇2023年</w:t></w:r><w:r><w:t xml:space="preserve">法治政府建设情况报告</w:t></w:r></w:p>
            <w:p><w:r><w:t>一是落实&amp;推进</w:t><w:tab/><w:t>二是</w:t></w:r><w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del></w:p>
            <w:p><w:r><w:instrText>PAGE</w:instrText><w:t>第三段</w:t></w:r></w:p><w:p/></w:body></w:document>"#;
        assert_eq!(
            paragraphs(xml.as_bytes()).unwrap(),
            "某镇2023年法治政府建设情况报告\n一是落实&推进\t二是\n第三段\n\n"
        );
    }

    #[test]
    fn broken_containers_are_reasons() {
        assert!(matches!(read(b"PK\x03\x04garbage"), Err(SkipReason::Corrupt(_))));
        assert!(matches!(read(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), Err(SkipReason::Corrupt(_))));
        assert!(matches!(read(b"not a zip at all"), Err(SkipReason::Corrupt(_))));
    }
}
