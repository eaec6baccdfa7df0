//! The `.grams` and `.words` files of a segment.
//!
//! ```text
//! [postings of term 0][postings of term 1]…
//! [lengths: max_doc × u8][keys: V × u64][offsets: (V+1) × u64][doc freqs: V × u32]
//! [footer: V u64, total tokens u64, max_doc u32, flags u32, version u32, magic u32]
//! ```
//!
//! Little endian. Lengths are each report's number of tokens, coded as
//! tantivy codes field norms (one byte). Flag bit 0: positions are kept.
//!
//! A term's postings are blocks of up to [`BLOCK`] documents; a term with
//! more than one block starts with a skip table, `(last doc u32, block
//! offset u32)` per block, offsets counted from the table's end. A block is
//! its doc deltas, its term frequencies minus one and (with positions) the
//! position deltas of its documents (each document's first position
//! absolute), each sequence bit-packed 128 values at a time (one byte of
//! bit width first) with a varint tail.

use std::io::{self, Write};

use bitpacking::{BitPacker, BitPacker4x};

/// Documents per block, and values per bit-packed chunk.
pub const BLOCK: usize = BitPacker4x::BLOCK_LEN;
pub const MAGIC: u32 = 0x4752_4D53; // "GRMS"
pub const VERSION: u32 = 2;
pub const FOOTER_LEN: usize = 8 + 8 + 4 + 4 + 4 + 4;
pub const FLAG_POSITIONS: u32 = 1;

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
/// Damaged data yields zeros, never a panic.
pub fn unpack(packer: &BitPacker4x, data: &[u8], at: &mut usize, n: usize, out: &mut Vec<u32>) {
    let mut left = n;
    let mut chunk = [0u32; BLOCK];
    while left >= BLOCK {
        let bits = data.get(*at).copied().unwrap_or(0).min(32);
        let len = BitPacker4x::compressed_block_size(bits);
        *at += 1;
        match data.get(*at..*at + len) {
            Some(bytes) => {
                packer.decompress(bytes, &mut chunk, bits);
                out.extend_from_slice(&chunk);
            }
            None => out.extend(std::iter::repeat_n(0, BLOCK)),
        }
        *at += len;
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
                v |= u32::from(b & 0x7F) << shift;
                if b < 0x80 || shift == 28 {
                    break;
                }
                shift += 7;
            }
            out.push(v);
        }
        *at = i;
        return;
    }
    for _ in 0..left {
        out.push(read_varint(data, at).unwrap_or(0));
    }
}

/// Writes a term file: terms in increasing key order, each with its
/// documents in increasing order.
pub struct Builder<W: Write> {
    out: W,
    written: u64,
    max_doc: u32,
    positions: bool,
    keys: Vec<u64>,
    offsets: Vec<u64>,
    doc_freqs: Vec<u32>,
    packer: BitPacker4x,
    // The open term.
    docs: Vec<u32>,
    tfs: Vec<u32>,
    position_deltas: Vec<u32>,
    bytes: Vec<u8>,
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
            packer: BitPacker4x::new(),
            docs: Vec::new(),
            tfs: Vec::new(),
            position_deltas: Vec::new(),
            bytes: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// One document of the open term, with its term frequency and (when
    /// the file keeps them) its `tf` positions, sorted and absolute.
    pub fn add_doc(&mut self, doc: u32, tf: u32, positions: &[u32]) {
        debug_assert!(self.docs.last().is_none_or(|&d| d < doc));
        if !self.positions {
            self.docs.push(doc);
            self.tfs.push(tf.max(1));
            return;
        }
        // With positions, the tf is their number (and a term without any
        // is not in the document).
        if positions.is_empty() {
            return;
        }
        self.docs.push(doc);
        self.tfs.push(positions.len() as u32);
        let mut prev = 0;
        for &p in positions {
            self.position_deltas.push(p.wrapping_sub(prev));
            prev = p;
        }
    }

    /// Closes the open term as `key`; a term without documents is dropped.
    pub fn finish_term(&mut self, key: u64) -> io::Result<()> {
        if self.docs.is_empty() {
            self.position_deltas.clear();
            return Ok(());
        }
        debug_assert!(self.keys.last().is_none_or(|&k| k < key));
        self.bytes.clear();
        let blocks = self.docs.len().div_ceil(BLOCK);
        let mut body = Vec::new();
        let mut skips = Vec::with_capacity(blocks);
        let (mut prev_doc, mut pos_at) = (0u32, 0usize);
        for (docs, tfs) in self.docs.chunks(BLOCK).zip(self.tfs.chunks(BLOCK)) {
            skips.push((docs[docs.len() - 1], body.len() as u32));
            self.scratch.clear();
            for &d in docs {
                self.scratch.push(d - prev_doc);
                prev_doc = d;
            }
            pack(&self.packer, &self.scratch, &mut body);
            self.scratch.clear();
            self.scratch.extend(tfs.iter().map(|tf| tf - 1));
            pack(&self.packer, &self.scratch, &mut body);
            if self.positions {
                let n: usize = tfs.iter().map(|&tf| tf as usize).sum();
                let end = (pos_at + n).min(self.position_deltas.len());
                pack(&self.packer, &self.position_deltas[pos_at..end], &mut body);
                pos_at = end;
            }
        }
        if blocks > 1 {
            for (last, offset) in skips {
                self.bytes.extend_from_slice(&last.to_le_bytes());
                self.bytes.extend_from_slice(&offset.to_le_bytes());
            }
        }
        self.bytes.extend_from_slice(&body);
        self.keys.push(key);
        self.offsets.push(self.written);
        self.doc_freqs.push(self.docs.len() as u32);
        self.out.write_all(&self.bytes)?;
        self.written += self.bytes.len() as u64;
        self.docs.clear();
        self.tfs.clear();
        self.position_deltas.clear();
        Ok(())
    }

    /// Writes the lengths (field norm ids, one per document), the tables
    /// and the footer; returns the writer.
    pub fn finish(mut self, lengths: &[u8], total_tokens: u64) -> io::Result<W> {
        let mut tail = Vec::with_capacity(self.max_doc as usize + self.keys.len() * 20 + 8 + FOOTER_LEN);
        tail.extend((0..self.max_doc as usize).map(|d| lengths.get(d).copied().unwrap_or(0)));
        for k in &self.keys {
            tail.extend_from_slice(&k.to_le_bytes());
        }
        for o in self.offsets.iter().chain([&self.written]) {
            tail.extend_from_slice(&o.to_le_bytes());
        }
        for df in &self.doc_freqs {
            tail.extend_from_slice(&df.to_le_bytes());
        }
        tail.extend_from_slice(&(self.keys.len() as u64).to_le_bytes());
        tail.extend_from_slice(&total_tokens.to_le_bytes());
        tail.extend_from_slice(&self.max_doc.to_le_bytes());
        let flags = if self.positions { FLAG_POSITIONS } else { 0 };
        tail.extend_from_slice(&flags.to_le_bytes());
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
    fn pack_round_trips_any_length() {
        let packer = BitPacker4x::new();
        for n in [0, 1, 127, 128, 129, 300, 1000] {
            let values: Vec<u32> = (0..n).map(|i| (i * 7919 % 5003) as u32).collect();
            let mut bytes = Vec::new();
            pack(&packer, &values, &mut bytes);
            let (mut at, mut back) = (0, Vec::new());
            unpack(&packer, &bytes, &mut at, n, &mut back);
            assert_eq!(back, values);
            assert_eq!(at, bytes.len());
            // Cut short: zeros, no panic.
            let (mut at, mut short) = (0, Vec::new());
            unpack(&packer, &bytes[..bytes.len() / 2], &mut at, n, &mut short);
            assert_eq!(short.len(), n);
        }
    }
}
