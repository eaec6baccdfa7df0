//! Hostile files, written at test time: each is a small file that made
//! fazhi crash, hang or eat all memory before its work was bounded. PDFs
//! are raw bytes with a correct xref table, so any reader loads them
//! without repair.
#![allow(dead_code)]

use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::Compression;

/// A page's size (A4, points).
const MEDIA_BOX: &str = "[0 0 595 842]";

/// Objects numbered from 1 (object `n` is `objects[n - 1]`), written as a
/// PDF whose catalog is object 1.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).unwrap();
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).unwrap();
    for offset in offsets {
        writeln!(out, "{offset:010} 00000 n ").unwrap();
    }
    write!(out, "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).unwrap();
    out
}

fn dict(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

/// A stream object: `extra` goes into its dictionary besides `/Length`.
fn stream(extra: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< /Length {} {extra} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// A form XObject drawing `content`, with `resources` (a dictionary) or none.
fn form(resources: Option<&str>, content: &[u8]) -> Vec<u8> {
    let resources = resources.map(|r| format!("/Resources {r}")).unwrap_or_default();
    stream(&format!("/Type /XObject /Subtype /Form /BBox {MEDIA_BOX} {resources}"), content)
}

/// Catalog (1) and page tree (2) over the page objects `pages`.
fn head(pages: impl IntoIterator<Item = usize>, inherited: &str) -> [Vec<u8>; 2] {
    let kids: Vec<String> = pages.into_iter().map(|n| format!("{n} 0 R")).collect();
    [
        dict("<< /Type /Catalog /Pages 2 0 R >>"),
        dict(&format!(
            "<< /Type /Pages /Kids [{}] /Count {} /MediaBox {MEDIA_BOX} {inherited} >>",
            kids.join(" "),
            kids.len()
        )),
    ]
}

fn page(resources: &str, contents: usize) -> Vec<u8> {
    dict(&format!("<< /Type /Page /Parent 2 0 R /Resources {resources} /Contents {contents} 0 R >>"))
}

/// A form XObject that draws itself (865 bytes in the wild; this one is
/// smaller): the extractor recursed until the stack overflowed.
pub fn recursive_xobject() -> Vec<u8> {
    let [catalog, pages] = head([3], "");
    pdf(&[
        catalog,
        pages,
        page("<< /XObject << /X 5 0 R >> >>", 4),
        stream("", b"/X Do"),
        form(Some("<< /XObject << /X 5 0 R >> >>"), b"q /X Do Q"),
    ])
}

/// Ten levels of ten form XObjects, each drawing the ten of the next level:
/// 10^10 form visits from a few KB.
pub fn fan_out() -> Vec<u8> {
    const LEVELS: usize = 10;
    const WIDTH: usize = 10;
    // Objects: 1 catalog, 2 pages, 3 page, 4 page content, then the forms:
    // form `i` of level `l` is object 5 + l * WIDTH + i.
    let id = |level: usize, i: usize| 5 + level * WIDTH + i;
    let names = |level: usize| -> String {
        let refs: Vec<String> = (0..WIDTH).map(|i| format!("/X{i} {} 0 R", id(level, i))).collect();
        format!("<< /XObject << {} >> >>", refs.join(" "))
    };
    let draw_all: Vec<u8> = (0..WIDTH).map(|i| format!("/X{i} Do\n")).collect::<String>().into_bytes();
    let [catalog, pages] = head([3], "");
    let mut objects = vec![catalog, pages, page(&names(0), 4), stream("", &draw_all)];
    for level in 0..LEVELS {
        for _ in 0..WIDTH {
            objects.push(if level + 1 < LEVELS {
                form(Some(&names(level + 1)), &draw_all)
            } else {
                form(None, b"0 0 m 1 1 l S")
            });
        }
    }
    pdf(&objects)
}

/// One page whose content stream inflates to `mb` MB of `n` operators
/// (each a parsed operation, so the parser's memory is a multiple of it).
pub fn stream_bomb_of(mb: usize) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::fast());
    let chunk = b"n\n".repeat(1 << 19);
    for _ in 0..mb {
        encoder.write_all(&chunk).unwrap();
    }
    let content = encoder.finish().unwrap();
    let [catalog, pages] = head([3], "");
    pdf(&[catalog, pages, page("<< >>", 4), stream("/Filter /FlateDecode", &content)])
}

/// A page content stream that inflates to 1 GB (a few MB on disk).
pub fn stream_bomb() -> Vec<u8> {
    stream_bomb_of(1024)
}

/// `pages` pages sharing one content stream and one resource dictionary
/// (inherited from the page tree) that draw one large form XObject: each
/// page parses the form again.
pub fn shared_resources_of(pages: usize, form_kb: usize) -> Vec<u8> {
    // Objects: 1 catalog, 2 pages, 3 shared content, 4 the form, 5.. pages.
    let [catalog, tree] = head((0..pages).map(|p| 5 + p), "/Resources << /XObject << /Big 4 0 R >> >>");
    let drawing = b"0 0 m 100 100 l S\n".repeat(form_kb * 1024 / 18);
    let mut objects = vec![catalog, tree, stream("", b"q /Big Do Q"), form(None, &drawing)];
    for _ in 0..pages {
        objects.push(dict("<< /Type /Page /Parent 2 0 R /Contents 3 0 R >>"));
    }
    pdf(&objects)
}

/// 2,000 pages each drawing the same 4 MB form: 8 GB of content to parse.
pub fn shared_resources() -> Vec<u8> {
    shared_resources_of(2000, 4096)
}

/// A .docx whose `document.xml` inflates to 250 MB from under 2 MB.
pub fn docx_bomb() -> Vec<u8> {
    let mut bomb = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    bomb.start_file("word/document.xml", deflated).unwrap();
    bomb.write_all(b"<w:document><w:body>").unwrap();
    let paragraph = "<w:p><w:r><w:t>法治政府建设</w:t></w:r></w:p>".repeat(1 << 12);
    for _ in 0..(250 << 20) / paragraph.len() {
        bomb.write_all(paragraph.as_bytes()).unwrap();
    }
    bomb.write_all(b"</w:body></w:document>").unwrap();
    let bomb = bomb.finish().unwrap().into_inner();
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    bomb
}

/// End tags that close nothing: html5ever nests 200,000 deep (quadratic).
pub fn unbalanced_html() -> Vec<u8> {
    "<div></x>".repeat(200_000).into_bytes()
}

/// Inline formatting nested 250 deep on every line, with text at each level.
pub fn inline_html() -> Vec<u8> {
    let nested = format!("<p>{}依法行政{}</p>", "<span><b>推进法治，".repeat(125), "</b></span>".repeat(125));
    format!("<html><body>{}</body></html>", nested.repeat(40)).into_bytes()
}

/// A report whose first half is UTF-8 and second half GBK (two saved
/// pages pasted together); `tail` is the GBK half's text.
pub fn mixed_encoding(head: &str, tail: &str) -> Vec<u8> {
    let mut bytes = head.as_bytes().to_vec();
    bytes.extend_from_slice(&encoding_rs::GBK.encode(tail).0);
    bytes
}
