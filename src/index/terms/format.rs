//! The `.grams` and `.words` files of a segment.
//!
//! ```text
//! [postings of term 0][postings of term 1]…
//! [keys: V × u64][offsets: (V+1) × u64][doc freqs: V × u32][checksums: V × u32]
//! [norms: max_doc × u8][lengths: max_doc × u32]
//! [block checksums: ceil(V / TABLE_BLOCK) × u64]
//! [footer: V u64, total tokens u64, max_doc u32, flags u32,
//!          tables checksum u64, version u32, magic u32]
//! ```
//!
//! Little endian. Lengths are each report's exact number of tokens (what
//! BM25's statistics add up, live reports only: see `query::rank`), norms
//! the same coded as tantivy codes field norms (one byte, what BM25 scores
//! with); total tokens is the sum of lengths. Flag bit 0: positions are
//! kept (grams). The tables are laid out from the footer back (see
//! [`Layout`]): the postings are what precedes the keys.
//!
//! Integrity, in three layers, so that opening a file reads O(reports)
//! bytes and a search only the parts of the term tables it uses:
//! - the tables checksum is the xxh3-64 of everything from the norms up to
//!   and with the footer's flags (norms, lengths, block checksums, the
//!   footer's counts), checked when the file is opened;
//! - the per-term tables come in table blocks of [`TABLE_BLOCK`] terms; a
//!   block's checksum ([`block_checksum`]) is the xxh3-64 of its keys, its
//!   offsets and the one after them (where its last term's postings end),
//!   its doc freqs and its term checksums, checked the first time any term
//!   of the block is used;
//! - a term's checksum is the low 32 bits of the xxh3-64 of its postings
//!   bytes, checked the first time the term is read.
//!
//! Term offsets start at 0, increase and end where the keys start, so the
//! checksums cover every byte but the tables checksum itself, the version
//! and the magic, which are checked by value.
//!
//! A term's postings are blocks of up to [`BLOCK`] documents; a term with
//! more than one block starts with a skip table, `(last doc u32, block
//! offset u32)` per block, offsets counted from the table's end. A block is
//! its doc deltas, its term frequencies minus one and (with positions) the
//! position deltas of its documents (each document's first position
//! absolute), each sequence bit-packed 128 values at a time (one byte of
//! bit width first) with a varint tail.

use std::fmt::Display;
use std::io::{self, Write};

use bitpacking::{BitPacker, BitPacker4x};
use tantivy::fieldnorm::FieldNormReader;
use xxhash_rust::xxh3::{xxh3_64, Xxh3Default};

/// Documents per block, and values per bit-packed chunk.
pub const BLOCK: usize = BitPacker4x::BLOCK_LEN;
pub const MAGIC: u32 = 0x4752_4D53; // "GRMS"
/// The layout's version; part of the index fingerprint.
pub const VERSION: u32 = 4;
pub const FOOTER_LEN: usize = 8 + 8 + 4 + 4 + 8 + 4 + 4;
/// The footer's bytes before the tables checksum (which covers them).
pub const FOOTER_CHECKED: usize = 8 + 8 + 4 + 4;
pub const FLAG_POSITIONS: u32 = 1;
/// Table bytes per report (norm, length) and per term (key, offset, doc
/// freq, checksum); the offsets have one more, the end.
pub const BYTES_PER_DOC: u64 = 1 + 4;
pub const BYTES_PER_TERM: u64 = 8 + 8 + 4 + 4;
/// Terms per table block, the unit the per-term tables are checked in.
pub const TABLE_BLOCK: usize = 1024;

/// A term's checksum, of its postings bytes. xxh3 rather than crc32: it is
/// already a dependency, and faster on the short lists most terms have.
pub fn term_checksum(postings: &[u8]) -> u32 {
    xxh3_64(postings) as u32
}

/// The checksum of the tables and the footer's first fields.
pub fn tables_checksum(tables: &[u8]) -> u64 {
    xxh3_64(tables)
}

/// The checksum of table block `b`: of terms `b * TABLE_BLOCK..e` (`e`
/// the next block's first term, or the number of terms), the bytes of
/// their keys, offsets (with the one at `e`), doc freqs and checksums.
pub fn block_checksum(keys: &[u8], offsets: &[u8], doc_freqs: &[u8], checksums: &[u8]) -> u64 {
    let mut hasher = Xxh3Default::new();
    for part in [keys, offsets, doc_freqs, checksums] {
        hasher.update(part);
    }
    hasher.digest()
}

/// Where a file's tables start, worked out from its length and its
/// footer's counts of terms and reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Terms, reports and table blocks.
    pub terms: usize,
    pub max_doc: usize,
    pub blocks: usize,
    /// Where the keys start, which is where the postings end.
    pub keys_at: usize,
    pub offsets_at: usize,
    pub doc_freqs_at: usize,
    pub checksums_at: usize,
    pub norms_at: usize,
    pub lengths_at: usize,
    pub blocks_at: usize,
    pub footer_at: usize,
}

impl Layout {
    /// `None` when the tables do not fit in a file of `len` bytes.
    pub fn new(len: usize, terms: u64, max_doc: u32) -> Option<Layout> {
        let footer_at = len.checked_sub(FOOTER_LEN)?;
        let blocks = terms.div_ceil(TABLE_BLOCK as u64);
        let tables = terms
            .checked_mul(BYTES_PER_TERM)?
            .checked_add(8)?
            .checked_add(u64::from(max_doc) * BYTES_PER_DOC)?
            .checked_add(blocks.checked_mul(8)?)?;
        let keys_at = (footer_at as u64).checked_sub(tables)? as usize;
        let (terms, max_doc, blocks) = (terms as usize, max_doc as usize, blocks as usize);
        let offsets_at = keys_at + terms * 8;
        let doc_freqs_at = offsets_at + (terms + 1) * 8;
        let checksums_at = doc_freqs_at + terms * 4;
        let norms_at = checksums_at + terms * 4;
        let lengths_at = norms_at + max_doc;
        let blocks_at = lengths_at + max_doc * 4;
        Some(Layout {
            terms,
            max_doc,
            blocks,
            keys_at,
            offsets_at,
            doc_freqs_at,
            checksums_at,
            norms_at,
            lengths_at,
            blocks_at,
            footer_at,
        })
    }

    /// The terms of table block `block`.
    pub fn block_terms(&self, block: usize) -> std::ops::Range<usize> {
        let start = block * TABLE_BLOCK;
        start.min(self.terms)..(start + TABLE_BLOCK).min(self.terms)
    }

    /// Byte ranges of table block `block`'s keys, offsets, doc freqs and
    /// checksums, what its checksum covers (`block` below `blocks`).
    pub fn block_ranges(&self, block: usize) -> [std::ops::Range<usize>; 4] {
        let terms = self.block_terms(block);
        let (s, e) = (terms.start, terms.end);
        [
            self.keys_at + s * 8..self.keys_at + e * 8,
            self.offsets_at + s * 8..self.offsets_at + (e + 1) * 8,
            self.doc_freqs_at + s * 4..self.doc_freqs_at + e * 4,
            self.checksums_at + s * 4..self.checksums_at + e * 4,
        ]
    }

    /// What the tables checksum covers.
    pub fn checked(&self) -> std::ops::Range<usize> {
        self.norms_at..self.footer_at + FOOTER_CHECKED
    }
}

/// `value` as a u32 field: a number that does not fit is an error, never
/// written truncated.
pub fn fit_u32<T: Copy + Display + TryInto<u32>>(value: T, what: &str) -> io::Result<u32> {
    value.try_into().map_err(|_| invalid(format!("{what} ({value}) does not fit in 32 bits")))
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("term index: {message}"))
}

pub fn write_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub fn write_varint64(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// `None` at the end of `data` or on an overlong value.
pub fn read_varint(data: &[u8], at: &mut usize) -> Option<u32> {
    let v = read_varint64(data, at)?;
    u32::try_from(v).ok()
}

pub fn read_varint64(data: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *data.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7F) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

/// Appends `values`: full chunks of 128 bit-packed, the rest as varints.
pub fn pack(packer: &BitPacker4x, values: &[u32], out: &mut Vec<u8>) {
    let mut chunks = values.chunks_exact(BLOCK);
    for chunk in &mut chunks {
        let bits = packer.num_bits(chunk);
        out.push(bits);
        let start = out.len();
        out.resize(start + BitPacker4x::compressed_block_size(bits), 0);
        packer.compress(chunk, &mut out[start..], bits);
    }
    for &v in chunks.remainder() {
        write_varint(out, v);
    }
}

/// Reads `n` values written by [`pack`] at `*at`, appending them to `out`.
/// `None` when `data` ends first or holds what [`pack`] never writes (a bit
/// width over 32, a varint over 32 bits); then `out` and `*at` are partly
/// advanced and must not be used.
#[must_use]
pub fn unpack(packer: &BitPacker4x, data: &[u8], at: &mut usize, n: usize, out: &mut Vec<u32>) -> Option<()> {
    let mut left = n;
    let mut chunk = [0u32; BLOCK];
    while left >= BLOCK {
        let bits = *data.get(*at)?;
        if bits > 32 {
            return None;
        }
        let len = BitPacker4x::compressed_block_size(bits);
        packer.decompress(data.get(*at + 1..*at + 1 + len)?, &mut chunk, bits);
        out.extend_from_slice(&chunk);
        *at += 1 + len;
        left -= BLOCK;
    }
    // Varint tail; with 5 bytes per value to spare, no bounds checks.
    if data.len().saturating_sub(*at) >= left * 5 {
        let mut i = *at;
        for _ in 0..left {
            let mut v = 0u32;
            let mut shift = 0;
            loop {
                let b = data[i];
                i += 1;
                if shift == 28 {
                    // A fifth byte holds the top 4 bits and ends the value.
                    if b > 0x0F {
                        return None;
                    }
                    v |= u32::from(b) << 28;
                    break;
                }
                v |= u32::from(b & 0x7F) << shift;
                if b < 0x80 {
                    break;
                }
                shift += 7;
            }
            out.push(v);
        }
        *at = i;
        return Some(());
    }
    for _ in 0..left {
        out.push(read_varint(data, at)?);
    }
    Some(())
}

/// Writes a term file: terms in increasing key order, each with its
/// documents in increasing order. Anything else, or a number too large for
/// its field, is an error.
pub struct Builder<W: Write> {
    out: W,
    written: u64,
    max_doc: u32,
    positions: bool,
    keys: Vec<u64>,
    offsets: Vec<u64>,
    doc_freqs: Vec<u32>,
    checksums: Vec<u32>,
    packer: BitPacker4x,
    // The open term.
    docs: Vec<u32>,
    tfs: Vec<u32>,
    position_deltas: Vec<u32>,
    bytes: Vec<u8>,
    body: Vec<u8>,
    scratch: Vec<u32>,
}

impl<W: Write> Builder<W> {
    pub fn new(out: W, max_doc: u32, positions: bool) -> Builder<W> {
        Builder {
            out,
            written: 0,
            max_doc,
            positions,
            keys: Vec::new(),
            offsets: Vec::new(),
            doc_freqs: Vec::new(),
            checksums: Vec::new(),
            packer: BitPacker4x::new(),
            docs: Vec::new(),
            tfs: Vec::new(),
            position_deltas: Vec::new(),
            bytes: Vec::new(),
            body: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// One document of the open term, with its term frequency and (when
    /// the file keeps them) its `tf` positions, increasing and absolute.
    pub fn add_doc(&mut self, doc: u32, tf: u32, positions: &[u32]) -> io::Result<()> {
        if doc >= self.max_doc || self.docs.last().is_some_and(|&d| d >= doc) {
            return Err(invalid(format!("document {doc} out of order or past the segment's {}", self.max_doc)));
        }
        if !self.positions {
            self.docs.push(doc);
            self.tfs.push(tf.max(1));
            return Ok(());
        }
        // With positions, the tf is their number (and a term without any
        // is not in the document).
        if positions.is_empty() {
            return Ok(());
        }
        if positions.windows(2).any(|w| w[0] >= w[1]) {
            return Err(invalid(format!("positions of document {doc} not increasing")));
        }
        self.tfs.push(fit_u32(positions.len(), "a term frequency")?);
        self.docs.push(doc);
        let mut prev = 0;
        for &p in positions {
            self.position_deltas.push(p - prev);
            prev = p;
        }
        Ok(())
    }

    /// Closes the open term as `key`; a term without documents is dropped.
    pub fn finish_term(&mut self, key: u64) -> io::Result<()> {
        if self.docs.is_empty() {
            self.position_deltas.clear();
            return Ok(());
        }
        if self.keys.last().is_some_and(|&k| k >= key) {
            return Err(invalid(format!("term {key:#x} out of order")));
        }
        let doc_freq = fit_u32(self.docs.len(), "a document frequency")?;
        let blocks = self.docs.len().div_ceil(BLOCK);
        self.body.clear();
        let mut skips = Vec::with_capacity(blocks);
        let (mut prev_doc, mut pos_at) = (0u32, 0usize);
        for (docs, tfs) in self.docs.chunks(BLOCK).zip(self.tfs.chunks(BLOCK)) {
            let last = docs.last().copied().unwrap_or(prev_doc);
            skips.push((last, fit_u32(self.body.len(), "a block offset")?));
            self.scratch.clear();
            for &d in docs {
                self.scratch.push(d - prev_doc);
                prev_doc = d;
            }
            pack(&self.packer, &self.scratch, &mut self.body);
            self.scratch.clear();
            self.scratch.extend(tfs.iter().map(|tf| tf - 1));
            pack(&self.packer, &self.scratch, &mut self.body);
            if self.positions {
                let n: usize = tfs.iter().map(|&tf| tf as usize).sum();
                let deltas = self.position_deltas.get(pos_at..pos_at + n);
                let deltas = deltas.ok_or_else(|| invalid(format!("term {key:#x} lacks positions")))?;
                pack(&self.packer, deltas, &mut self.body);
                pos_at += n;
            }
        }
        self.bytes.clear();
        if blocks > 1 {
            for (last, offset) in skips {
                self.bytes.extend_from_slice(&last.to_le_bytes());
                self.bytes.extend_from_slice(&offset.to_le_bytes());
            }
        }
        self.bytes.extend_from_slice(&self.body);
        self.keys.push(key);
        self.offsets.push(self.written);
        self.doc_freqs.push(doc_freq);
        self.checksums.push(term_checksum(&self.bytes));
        self.out.write_all(&self.bytes)?;
        self.written += self.bytes.len() as u64;
        self.docs.clear();
        self.tfs.clear();
        self.position_deltas.clear();
        Ok(())
    }

    /// Writes the tables (each report's length: `lengths`, missing ones 0)
    /// and the footer; returns the writer.
    pub fn finish(mut self, lengths: &[u32]) -> io::Result<W> {
        let max_doc = self.max_doc as usize;
        if lengths.len() > max_doc {
            return Err(invalid(format!("{} lengths for {max_doc} documents", lengths.len())));
        }
        let length = |d: usize| lengths.get(d).copied().unwrap_or(0);
        let terms = self.keys.len();
        let blocks = terms.div_ceil(TABLE_BLOCK);
        let mut tail = Vec::with_capacity(terms * 24 + 8 + max_doc * 5 + blocks * 8 + FOOTER_LEN);
        for k in &self.keys {
            tail.extend_from_slice(&k.to_le_bytes());
        }
        for o in self.offsets.iter().chain([&self.written]) {
            tail.extend_from_slice(&o.to_le_bytes());
        }
        for df in &self.doc_freqs {
            tail.extend_from_slice(&df.to_le_bytes());
        }
        for c in &self.checksums {
            tail.extend_from_slice(&c.to_le_bytes());
        }
        let term_tables = tail.len();
        tail.extend((0..max_doc).map(|d| FieldNormReader::fieldnorm_to_id(length(d))));
        for d in 0..max_doc {
            tail.extend_from_slice(&length(d).to_le_bytes());
        }
        // Where the tables are in `tail`: as a reader finds them in a file
        // holding only the tail (postings at 0..0 shift nothing within it).
        let layout = Layout::new(tail.len() + blocks * 8 + FOOTER_LEN, terms as u64, self.max_doc)
            .ok_or_else(|| invalid("the tables' layout does not add up".to_string()))?;
        debug_assert_eq!((layout.keys_at, layout.norms_at), (0, term_tables));
        for block in 0..blocks {
            let [keys, offsets, doc_freqs, checksums] = layout.block_ranges(block);
            let sum = block_checksum(&tail[keys], &tail[offsets], &tail[doc_freqs], &tail[checksums]);
            tail.extend_from_slice(&sum.to_le_bytes());
        }
        let total_tokens: u64 = lengths.iter().map(|&l| u64::from(l)).sum();
        tail.extend_from_slice(&(terms as u64).to_le_bytes());
        tail.extend_from_slice(&total_tokens.to_le_bytes());
        tail.extend_from_slice(&self.max_doc.to_le_bytes());
        let flags = if self.positions { FLAG_POSITIONS } else { 0 };
        tail.extend_from_slice(&flags.to_le_bytes());
        let checksum = tables_checksum(&tail[term_tables..]);
        tail.extend_from_slice(&checksum.to_le_bytes());
        tail.extend_from_slice(&VERSION.to_le_bytes());
        tail.extend_from_slice(&MAGIC.to_le_bytes());
        self.out.write_all(&tail)?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips_any_length_and_a_cut_is_none() {
        let packer = BitPacker4x::new();
        for n in [0, 1, 127, 128, 129, 300, 1000] {
            let values: Vec<u32> = (0..n).map(|i| (i * 7919 % 5003) as u32).collect();
            let mut bytes = Vec::new();
            pack(&packer, &values, &mut bytes);
            let (mut at, mut back) = (0, Vec::new());
            assert_eq!(unpack(&packer, &bytes, &mut at, n, &mut back), Some(()));
            assert_eq!(back, values);
            assert_eq!(at, bytes.len());
            for cut in 0..bytes.len() {
                let (mut at, mut short) = (0, Vec::new());
                assert_eq!(unpack(&packer, &bytes[..cut], &mut at, n, &mut short), None, "{n} cut at {cut}");
            }
        }
    }

    #[test]
    fn what_pack_never_writes_is_none() {
        let packer = BitPacker4x::new();
        let mut wide = vec![33u8];
        wide.resize(1 + 33 * 16, 0);
        assert_eq!(unpack(&packer, &wide, &mut 0, BLOCK, &mut Vec::new()), None);
        // A varint over 32 bits, with and without bytes to spare.
        for tail in [&[0xFF, 0xFF, 0xFF, 0xFF, 0x1F][..], &[0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0, 0, 0, 0, 0]] {
            assert_eq!(unpack(&packer, tail, &mut 0, 1, &mut Vec::new()), None);
        }
        let mut max = Vec::new();
        write_varint(&mut max, u32::MAX);
        assert_eq!(unpack(&packer, &max, &mut 0, 1, &mut Vec::new()), Some(()));
    }

    #[test]
    fn numbers_too_large_for_their_field_are_errors() {
        assert_eq!(fit_u32(u32::MAX as usize, "a block offset").unwrap(), u32::MAX);
        let err = fit_u32(u32::MAX as usize + 1, "a block offset").unwrap_err();
        assert!(err.to_string().contains("a block offset (4294967296) does not fit"), "{err}");
        assert!(fit_u32(u64::MAX, "a document frequency").is_err());
    }

    #[test]
    fn documents_and_terms_out_of_order_are_errors() {
        let mut builder = Builder::new(Vec::new(), 10, true);
        builder.add_doc(3, 1, &[5]).unwrap();
        assert!(builder.add_doc(3, 1, &[6]).is_err());
        assert!(builder.add_doc(10, 1, &[6]).is_err());
        assert!(builder.add_doc(4, 2, &[6, 6]).is_err());
        builder.finish_term(7).unwrap();
        builder.add_doc(1, 1, &[0]).unwrap();
        assert!(builder.finish_term(7).is_err());
        assert!(Builder::new(Vec::new(), 1, false).finish(&[1, 2]).is_err());
    }
}
