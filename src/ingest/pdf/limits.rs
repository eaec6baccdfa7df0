//! Bounds on the work a PDF can ask of the extractor, checked before
//! pdf-extract runs, whatever sizes the file's own headers claim.
//!
//! pdf-extract and lopdf trust the file: lopdf inflates object streams
//! whole while loading, pdf-extract inflates every content stream whole,
//! parses it into operations (measured: about 37 bytes of memory per byte of
//! `n\n` operators, 13 MB/s of path operators) and recurses into every form
//! XObject a stream draws, again for every page that draws it. So:
//!
//! - [`check_streams`], before loading: every `stream` body of the raw bytes
//!   is inflated into a counting sink (never stored), stopping at a cap.
//! - [`check_drawing`], after loading: each page's drawing is walked the way
//!   pdf-extract walks it (`/Name Do` resolved in the form's own resources,
//!   else the caller's), counting nesting depth and the total work.
//!
//! Known gaps, left to the worker process's memory and time limits:
//! streams that are not zlib at the top (`[/ASCII85Decode /FlateDecode]`,
//! LZW, flate inside flate) and encrypted files (their streams are cipher
//! text until decrypted, and decrypting inflates their object streams).

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::LazyLock;

use flate2::{Decompress, FlushDecompress, Status};
use pdf_extract::{Dictionary, Document, Object, ObjectId, Stream};
use regex::bytes::Regex;

use super::SkipReason;

const MB: u64 = 1 << 20;

/// Largest inflated stream, in MB. A full-page scan stored as flate RGB at
/// 300 dpi is 26 MB; a report's page content is KBs.
pub const MAX_STREAM_MB: u64 = 128;
/// Largest sum of all inflated streams, in MB: a few hundred pages of
/// content and images inflate to tens of MB.
pub const MAX_INFLATED_MB: u64 = 512;
/// Deepest nesting of form XObjects (a form drawing a form …). Real files
/// nest 1 to 3 deep; deeper means a cycle (a form drawing itself) or abuse,
/// and each level is a recursion of the extractor on the stack.
pub const MAX_FORM_DEPTH: usize = 32;
/// Most streams drawn over the whole document, counting a form each time it
/// is drawn (by every page, every time): a 1,000-page report with a logo,
/// a header and a watermark form on each page draws 4,000.
pub const MAX_DRAWS: u64 = 100_000;
/// Most bytes of drawing instructions parsed over the whole document, in MB,
/// counting a shared form again for each page that draws it. report.pdf has
/// 0.03 MB; a 500-page report full of vector charts a few tens; 256 MB take
/// pdf-extract about 20 s.
pub const MAX_DRAWN_MB: u64 = 256;
/// Largest single stream of drawing instructions (a page's content or a
/// form), in MB: parsed whole, it takes up to ~37 times its size in memory.
pub const MAX_DRAWING_MB: u64 = 32;

/// Inflates every `stream` body of the raw file into a counting sink:
/// a stream that inflates past [`MAX_STREAM_MB`], or all of them past
/// [`MAX_INFLATED_MB`], is a bomb. Bodies that are not zlib fail to inflate
/// and count what they gave before failing (usually nothing).
pub fn check_streams(bytes: &[u8]) -> Result<(), SkipReason> {
    scan_streams(bytes, MAX_STREAM_MB, MAX_INFLATED_MB)
}

fn scan_streams(bytes: &[u8], max_stream_mb: u64, max_inflated_mb: u64) -> Result<(), SkipReason> {
    // lopdf: `stream`, optional spaces, an end of line, the data.
    static KEYWORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?-u)stream[ \t]*(?:\r\n|\n|\r)").unwrap());
    let mut total = 0u64;
    let mut at = 0;
    while let Some(keyword) = KEYWORD.find_at(bytes, at) {
        at = keyword.end();
        if bytes[..keyword.start()].ends_with(b"end") {
            continue;
        }
        let cap = (max_stream_mb * MB).min(max_inflated_mb * MB - total);
        let inflated = inflated_len(&bytes[at..], cap, &mut |_| {});
        total += inflated.len;
        if inflated.len > max_stream_mb * MB {
            return Err(SkipReason::TooComplex(format!("PDF 数据流解压后超过 {max_stream_mb} MB")));
        }
        if total > max_inflated_mb * MB {
            return Err(SkipReason::TooComplex(format!("PDF 数据流解压后共超过 {max_inflated_mb} MB")));
        }
        // Deflate data ends itself: skip it (a fake `stream` inside it is data).
        at += inflated.consumed;
    }
    Ok(())
}

/// What inflating a body gave: bytes out (capped at `cap + 1`), bytes of
/// input read.
#[derive(Debug, PartialEq)]
struct Inflated {
    len: u64,
    consumed: usize,
}

/// Inflates `input` like lopdf does (zlib; if that fails before any output,
/// raw deflate after the 2-byte header), handing the output to `sink` a
/// buffer at a time, and stopping once more than `cap` bytes came out.
fn inflated_len(input: &[u8], cap: u64, sink: &mut dyn FnMut(&[u8])) -> Inflated {
    let (zlib, ok) = inflate(input, true, cap, sink);
    if ok || zlib.len > 0 || input.len() <= 2 {
        return zlib;
    }
    let (raw, _) = inflate(&input[2..], false, cap, sink);
    Inflated { len: raw.len, consumed: raw.consumed + 2 }
}

/// One inflation; also says whether the data ended properly.
fn inflate(input: &[u8], zlib: bool, cap: u64, sink: &mut dyn FnMut(&[u8])) -> (Inflated, bool) {
    let mut inflater = Decompress::new(zlib);
    let mut buffer = vec![0u8; 64 << 10];
    let done = |d: &Decompress| Inflated { len: d.total_out(), consumed: d.total_in() as usize };
    loop {
        let (read, written) = (inflater.total_in(), inflater.total_out());
        let status = inflater.decompress(&input[read as usize..], &mut buffer, FlushDecompress::None);
        let out = (inflater.total_out() - written) as usize;
        sink(&buffer[..out]);
        match status {
            Ok(Status::StreamEnd) => return (done(&inflater), true),
            Ok(_) if inflater.total_out() > cap => return (done(&inflater), true),
            // Truncated: no more input, no more output.
            Ok(_) if out == 0 && inflater.total_in() == read => return (done(&inflater), false),
            Ok(_) => {}
            Err(_) => return (done(&inflater), false),
        }
    }
}

/// Walks each page's drawing as pdf-extract will (its content streams, each
/// form XObject they draw with `Do`, in the form's own resources or else
/// the caller's), and refuses more than [`MAX_FORM_DEPTH`] levels of forms,
/// [`MAX_DRAWS`] streams, [`MAX_DRAWN_MB`] of instructions in all, or one
/// stream of instructions over [`MAX_DRAWING_MB`].
pub fn check_drawing(doc: &Document) -> Result<(), SkipReason> {
    let mut walk = Walk { doc, scanned: HashMap::new(), draws: 0, bytes: 0 };
    let empty = Dictionary::new();
    for page_id in doc.page_iter() {
        let Ok(page) = doc.get_dictionary(page_id) else { continue };
        let resources = inherited_resources(doc, page)?.unwrap_or(&empty);
        for content in doc.get_page_contents(page_id) {
            walk.draw(content, resources, 0, 1)?;
        }
    }
    Ok(())
}

fn too_complex(why: &str) -> SkipReason {
    SkipReason::TooComplex(why.into())
}

/// A page's `/Resources`, its own or a parent's (as pdf-extract looks them
/// up, by recursion up `/Parent`: a cycle there would not end).
fn inherited_resources<'a>(doc: &'a Document, page: &'a Dictionary) -> Result<Option<&'a Dictionary>, SkipReason> {
    let mut node = page;
    for _ in 0..MAX_FORM_DEPTH {
        if let Some(resources) = get_dict(doc, node, b"Resources") {
            return Ok(Some(resources));
        }
        match node.get(b"Parent").and_then(Object::as_reference).and_then(|id| doc.get_dictionary(id)) {
            Ok(parent) => node = parent,
            Err(_) => return Ok(None),
        }
    }
    Err(too_complex("PDF 页面树嵌套过深"))
}

/// `dict[key]` as a dictionary, through one reference.
fn get_dict<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match dict.get(key).ok()? {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        object => object.as_dict().ok(),
    }
}

struct Walk<'a> {
    doc: &'a Document,
    scanned: HashMap<ObjectId, Rc<Scanned>>,
    draws: u64,
    bytes: u64,
}

impl<'a> Walk<'a> {
    /// Draws stream `id` `times` times with `resources`, at form depth `depth`.
    fn draw(&mut self, id: ObjectId, resources: &'a Dictionary, depth: usize, times: u64) -> Result<(), SkipReason> {
        let Ok(stream) = self.doc.get_object(id).and_then(Object::as_stream) else { return Ok(()) };
        let scanned = match self.scanned.get(&id) {
            Some(scanned) => scanned.clone(),
            None => {
                let scanned = Rc::new(Scanned::of(stream));
                self.scanned.insert(id, scanned.clone());
                scanned
            }
        };
        // pdf-extract parses images drawn with `Do` as instructions too; they
        // count in the total but may be large.
        let is_image = stream.dict.get(b"Subtype").and_then(Object::as_name).is_ok_and(|s| s == b"Image");
        if !is_image && scanned.len > MAX_DRAWING_MB * MB {
            return Err(SkipReason::TooComplex(format!("PDF 页面内容超过 {MAX_DRAWING_MB} MB")));
        }
        self.draws = self.draws.saturating_add(times);
        self.bytes = self.bytes.saturating_add(times.saturating_mul(scanned.len));
        if self.draws > MAX_DRAWS || self.bytes > MAX_DRAWN_MB * MB {
            return Err(too_complex("PDF 表单对象展开过多"));
        }
        let Some(xobjects) = get_dict(self.doc, resources, b"XObject") else { return Ok(()) };
        for (name, count) in &scanned.draws {
            let Ok(child_id) = xobjects.get(name).and_then(Object::as_reference) else { continue };
            let Ok(child) = self.doc.get_object(child_id).and_then(Object::as_stream) else { continue };
            if depth + 1 > MAX_FORM_DEPTH {
                return Err(too_complex("PDF 表单对象嵌套过深"));
            }
            let child_resources = get_dict(self.doc, &child.dict, b"Resources").unwrap_or(resources);
            self.draw(child_id, child_resources, depth + 1, times.saturating_mul(*count))?;
        }
        Ok(())
    }
}

/// A stream of drawing instructions, as far as the walk needs it.
#[derive(Debug, Default, PartialEq)]
struct Scanned {
    /// Bytes of instructions, decoded (what pdf-extract parses).
    len: u64,
    /// The XObjects it draws (`/Name Do`) and how many times each.
    draws: Vec<(Vec<u8>, u64)>,
}

impl Scanned {
    /// Decodes `stream` as pdf-extract does (flate streamed here; other
    /// filters through lopdf; undecodable data as is) and finds its `Do`s.
    fn of(stream: &Stream) -> Scanned {
        let mut lexer = DoFinder::default();
        let len = match stream.filters() {
            Ok(filters) if filters == [b"FlateDecode".as_slice()] => {
                // check_streams capped what this gives; this cap only stops
                // the walk early.
                inflated_len(&stream.content, MAX_STREAM_MB * MB, &mut |b| lexer.feed(b)).len
            }
            Ok(_) => {
                let data = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
                lexer.feed(&data);
                data.len() as u64
            }
            Err(_) => {
                lexer.feed(&stream.content);
                stream.content.len() as u64
            }
        };
        lexer.end_token();
        let mut draws: Vec<_> = lexer.draws.into_iter().collect();
        draws.sort();
        Scanned { len, draws }
    }
}

/// Finds `/Name Do` in a content stream fed in pieces: a rough tokenizer
/// (a `Do` inside a string counts too; its name then resolves to nothing).
#[derive(Default)]
struct DoFinder {
    token: Vec<u8>,
    name: Option<Vec<u8>>,
    comment: bool,
    draws: HashMap<Vec<u8>, u64>,
}

impl DoFinder {
    /// Longest token kept (names are short; longer ones are cut, harmlessly).
    const MAX_TOKEN: usize = 127;

    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.comment {
                self.comment = !matches!(b, b'\n' | b'\r');
                continue;
            }
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | 0 => self.end_token(),
                b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%' => {
                    self.end_token();
                    self.name = None;
                    match b {
                        b'/' => self.token.push(b),
                        b'%' => self.comment = true,
                        _ => {}
                    }
                }
                _ if self.token.len() < Self::MAX_TOKEN => self.token.push(b),
                _ => {}
            }
        }
    }

    fn end_token(&mut self) {
        if self.token.is_empty() {
            return;
        }
        if self.token == b"Do" {
            if let Some(name) = self.name.take() {
                *self.draws.entry(name).or_default() += 1;
            }
        } else if self.token[0] == b'/' {
            self.name = Some(unescape_name(&self.token[1..]));
        } else {
            self.name = None;
        }
        self.token.clear();
    }
}

/// A name's `#xx` escapes decoded (lopdf's resource keys are decoded).
fn unescape_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = raw
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (raw[i], hex) {
            (b'#', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::ZlibEncoder;
    use flate2::Compression;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn with_stream(body: &[u8], declared_length: usize) -> Vec<u8> {
        let mut pdf =
            format!("%PDF-1.7\n4 0 obj\n<< /Length {declared_length} /Filter /FlateDecode >>\nstream\n").into_bytes();
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
        pdf
    }

    #[test]
    fn inflation_counts_output_not_input_nor_headers() {
        let data = vec![b' '; 3 << 20];
        let compressed = zlib(&data);
        assert!(compressed.len() * 100 < data.len(), "{}", compressed.len());
        let mut seen = 0;
        assert_eq!(
            inflated_len(&compressed, u64::MAX, &mut |b| seen += b.len()),
            Inflated { len: data.len() as u64, consumed: compressed.len() }
        );
        assert_eq!(seen, data.len());
        // Stops just past the cap, whatever follows.
        let capped = inflated_len(&compressed, MB, &mut |_| {}).len;
        assert!(capped > MB && capped <= MB + (64 << 10), "{capped}");
        // Raw deflate after two junk bytes is inflated too (lopdf falls back to it).
        let mut raw = b"xx".to_vec();
        let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(&data).unwrap();
        raw.extend(encoder.finish().unwrap());
        assert_eq!(inflated_len(&raw, u64::MAX, &mut |_| {}).len, data.len() as u64);
        // Not deflate at all: nothing.
        assert_eq!(inflated_len(b"\xff\xd8\xff\xe0 a JPEG", u64::MAX, &mut |_| {}).len, 0);
    }

    #[test]
    fn the_scan_finds_streams_and_caps_what_they_inflate_to() {
        let bomb = zlib(&vec![0u8; (2 * MB + 1) as usize]);
        assert_eq!(scan_streams(&with_stream(&bomb, bomb.len()), 3, 10), Ok(()));
        // The declared length does not matter: the scan reads the data.
        for length in [0, 5, bomb.len()] {
            assert_eq!(
                scan_streams(&with_stream(&bomb, length), 2, 10),
                Err(SkipReason::TooComplex("PDF 数据流解压后超过 2 MB".into()))
            );
        }
        // Many streams under the cap, together over the total.
        let big = zlib(&vec![0u8; (2 * MB) as usize]);
        let six: Vec<u8> = (0..6).flat_map(|_| with_stream(&big, big.len())).collect();
        assert_eq!(scan_streams(&six, 2, 11), Err(SkipReason::TooComplex("PDF 数据流解压后共超过 11 MB".into())));
        assert_eq!(scan_streams(&six, 2, 12), Ok(()));
        // `endstream` is no stream; a file with no streams is fine.
        assert_eq!(check_streams(b"endstream\nendstream\r\n"), Ok(()));
        assert_eq!(check_streams(include_bytes!("../../../tests/fixtures/ingest/report.pdf")), Ok(()));
    }

    #[test]
    fn draws_are_found_with_their_counts() {
        let mut finder = DoFinder::default();
        for piece in [&b"q /Im1 D"[..], b"o Q /F#231 Do /Im1 Do 1 0 0 1 0 0 cm /X Tf (a) Tj\n% /C Do\n/Im1  Do"] {
            finder.feed(piece);
        }
        finder.end_token();
        let mut draws: Vec<_> = finder.draws.into_iter().collect();
        draws.sort();
        assert_eq!(draws, [(b"F#1".to_vec(), 1), (b"Im1".to_vec(), 3)]);
    }

    #[test]
    fn a_real_report_is_far_within_the_drawing_budget() {
        let doc = Document::load_mem(include_bytes!("../../../tests/fixtures/ingest/report.pdf")).unwrap();
        let mut walk = Walk { doc: &doc, scanned: HashMap::new(), draws: 0, bytes: 0 };
        let empty = Dictionary::new();
        for page_id in doc.page_iter() {
            for content in doc.get_page_contents(page_id) {
                walk.draw(
                    content,
                    inherited_resources(&doc, doc.get_dictionary(page_id).unwrap()).unwrap().unwrap_or(&empty),
                    0,
                    1,
                )
                .unwrap();
            }
        }
        assert!(walk.draws > 0 && walk.draws * 1000 < MAX_DRAWS, "{}", walk.draws);
        assert!(walk.bytes > 0 && walk.bytes * 1000 < MAX_DRAWN_MB * MB, "{}", walk.bytes);
    }
}
