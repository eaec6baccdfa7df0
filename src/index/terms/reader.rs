//! Reading a segment's term file: term lookup, report lengths and posting
//! cursors.
//!
//! Nothing here panics on a damaged file: [`TermIndex::open`] checks the
//! footer and table sizes, and decoding past the end yields zeros.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{OnceLock, RwLock};

use anyhow::{bail, Context, Result};
use bitpacking::{BitPacker, BitPacker4x};
use tantivy::directory::OwnedBytes;
use tantivy::index::SegmentId;
use tantivy::{DocId, DocSet, SegmentReader, TERMINATED};

use super::format::{unpack, BLOCK, FLAG_POSITIONS, FOOTER_LEN, MAGIC, VERSION};
use super::Kind;

/// One segment's term index of one kind.
#[derive(Clone)]
pub struct TermIndex {
    data: OwnedBytes,
    terms: usize,
    positions: bool,
    total_tokens: u64,
    lengths_at: usize,
    keys_at: usize,
    offsets_at: usize,
    doc_freqs_at: usize,
    postings_end: usize,
    max_doc: u32,
}

/// The first index of `range` where `below` turns false (it must be true,
/// then false): a binary search over tables read in place.
fn partition_point(range: Range<usize>, below: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (range.start, range.end);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if below(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

fn u32_at(data: &[u8], at: usize) -> u32 {
    data.get(at..at + 4).map_or(0, |b| u32::from_le_bytes(b.try_into().unwrap_or_default()))
}

fn u64_at(data: &[u8], at: usize) -> u64 {
    data.get(at..at + 8).map_or(0, |b| u64::from_le_bytes(b.try_into().unwrap_or_default()))
}

/// Term indexes of the segments searched so far in this process. A query
/// opens them once per segment and term, and batches run thousands of
/// queries on several threads: opening through tantivy's directory each
/// time (a path, a lock, a cache lookup) halved batch throughput.
type Cache = RwLock<HashMap<(SegmentId, Kind), TermIndex>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Cache::default)
}

impl TermIndex {
    /// The segment's term index, for searching: kept open for the rest of
    /// the process (segment files never change once written).
    pub fn open(reader: &SegmentReader, kind: Kind) -> Result<TermIndex> {
        let key = (reader.segment_id(), kind);
        if let Some(index) = cache().read().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(index);
        }
        let index = TermIndex::open_uncached(reader, kind)?;
        if let Ok(mut c) = cache().write() {
            c.insert(key, index.clone());
        }
        Ok(index)
    }

    /// The segment's term index, not kept: for merges, whose sources are
    /// deleted afterwards.
    pub fn open_uncached(reader: &SegmentReader, kind: Kind) -> Result<TermIndex> {
        let bytes = reader
            .open_read(kind.component())
            .with_context(|| format!("the segment has no .{} file", kind.extension()))?
            .read_bytes()
            .with_context(|| format!("the segment's .{} file cannot be read", kind.extension()))?;
        TermIndex::from_bytes(bytes)
    }

    pub fn from_bytes(data: OwnedBytes) -> Result<TermIndex> {
        let len = data.len();
        if len < FOOTER_LEN || u32_at(&data, len - 4) != MAGIC {
            bail!("a term index file is damaged (no footer)");
        }
        if u32_at(&data, len - 8) != VERSION {
            bail!("a term index file has an unknown version");
        }
        let positions = u32_at(&data, len - 12) & FLAG_POSITIONS != 0;
        let max_doc = u32_at(&data, len - 16);
        let total_tokens = u64_at(&data, len - 24);
        let terms = u64_at(&data, len - 32);
        let tables = terms
            .checked_mul(20)
            .and_then(|t| t.checked_add(8 + u64::from(max_doc)))
            .filter(|&t| t <= (len - FOOTER_LEN) as u64);
        let Some(tables) = tables else { bail!("a term index file is damaged (tables)") };
        let terms = terms as usize;
        let lengths_at = len - FOOTER_LEN - tables as usize;
        let keys_at = lengths_at + max_doc as usize;
        let offsets_at = keys_at + terms * 8;
        let doc_freqs_at = offsets_at + (terms + 1) * 8;
        Ok(TermIndex {
            data,
            terms,
            positions,
            total_tokens,
            lengths_at,
            keys_at,
            offsets_at,
            doc_freqs_at,
            postings_end: lengths_at,
            max_doc,
        })
    }

    pub fn max_doc(&self) -> u32 {
        self.max_doc
    }

    /// Tokens of all reports of the segment (deleted ones included).
    pub fn total_tokens(&self) -> u64 {
        self.total_tokens
    }

    /// A report's length, as a tantivy field norm id.
    pub fn fieldnorm_id(&self, doc: DocId) -> u8 {
        if doc < self.max_doc {
            self.data[self.lengths_at + doc as usize]
        } else {
            0
        }
    }

    pub fn num_terms(&self) -> usize {
        self.terms
    }

    pub fn key(&self, ord: usize) -> u64 {
        u64_at(&self.data, self.keys_at + ord * 8)
    }

    pub fn doc_freq(&self, ord: usize) -> u32 {
        u32_at(&self.data, self.doc_freqs_at + ord * 4)
    }

    /// The ordinal of the term `key`.
    pub fn find(&self, key: u64) -> Option<usize> {
        let ord = self.lower_bound(key);
        (ord < self.terms && self.key(ord) == key).then_some(ord)
    }

    /// Ordinals of the terms with `lo <= key <= hi`.
    pub fn range(&self, lo: u64, hi: u64) -> Range<usize> {
        let start = self.lower_bound(lo);
        let end = if hi == u64::MAX { self.terms } else { self.lower_bound(hi + 1) };
        start..end.max(start)
    }

    fn lower_bound(&self, key: u64) -> usize {
        partition_point(0..self.terms, |ord| self.key(ord) < key)
    }

    pub fn postings(&self, ord: usize) -> TermPostings {
        let start = u64_at(&self.data, self.offsets_at + ord * 8) as usize;
        let end = u64_at(&self.data, self.offsets_at + (ord + 1) * 8) as usize;
        let end = end.min(self.postings_end);
        let bytes = if start < end { self.data.slice(start..end) } else { OwnedBytes::empty() };
        TermPostings::new(bytes, self.doc_freq(ord), self.positions)
    }
}

/// The documents of one term, with term frequencies and (grams) positions.
pub struct TermPostings {
    data: OwnedBytes,
    doc_freq: u32,
    has_positions: bool,
    blocks: usize,
    /// Bytes of the skip table (0 for a single block).
    skip_len: usize,
    block: usize,
    docs: Vec<u32>,
    tfs: Vec<u32>,
    cursor: usize,
    doc: DocId,
    /// Where the current block's term frequencies start, and whether they
    /// are in `tfs`.
    tfs_at: usize,
    tfs_read: bool,
    /// Where the current block's positions start (known once tfs are read).
    positions_at: usize,
    /// The current block's position deltas, decoded chunk by chunk as
    /// documents ask for them (a phrase check often needs one document of
    /// a block).
    positions: Vec<u32>,
    /// Number of position deltas in the current block.
    total: usize,
    /// Byte offsets of the chunks of 128 deltas found so far (the last
    /// chunk is the varint tail), and where the next one starts.
    chunks: Vec<usize>,
    next_chunk_at: usize,
    decoded: Vec<bool>,
    /// Start of each document's positions in `positions`.
    starts: Vec<usize>,
    positions_read: bool,
    packer: BitPacker4x,
}

impl TermPostings {
    fn new(data: OwnedBytes, doc_freq: u32, has_positions: bool) -> TermPostings {
        let blocks = (doc_freq as usize).div_ceil(BLOCK);
        let skip_len = if blocks > 1 { blocks * 8 } else { 0 };
        let mut p = TermPostings {
            data,
            doc_freq,
            has_positions,
            blocks,
            skip_len,
            block: 0,
            docs: Vec::with_capacity(BLOCK),
            tfs: Vec::with_capacity(BLOCK),
            cursor: 0,
            doc: TERMINATED,
            tfs_at: 0,
            tfs_read: false,
            positions_at: 0,
            positions: Vec::new(),
            starts: Vec::new(),
            total: 0,
            chunks: Vec::new(),
            next_chunk_at: 0,
            decoded: Vec::new(),
            positions_read: false,
            packer: BitPacker4x::new(),
        };
        if blocks > 0 {
            p.load(0);
        }
        p
    }

    pub fn doc_freq(&self) -> u32 {
        self.doc_freq
    }

    fn last_doc_of(&self, block: usize) -> u32 {
        if self.blocks == 1 {
            return self.docs.last().copied().unwrap_or(TERMINATED);
        }
        u32_at(&self.data, block * 8)
    }

    fn load(&mut self, block: usize) {
        self.block = block;
        let offset = if self.blocks > 1 { u32_at(&self.data, block * 8 + 4) as usize } else { 0 };
        let mut at = self.skip_len + offset;
        let n = (self.doc_freq as usize - block * BLOCK).min(BLOCK);
        let mut prev = if block == 0 { 0 } else { self.last_doc_of(block - 1) };
        self.docs.clear();
        unpack(&self.packer, &self.data, &mut at, n, &mut self.docs);
        for d in self.docs.iter_mut() {
            prev = prev.wrapping_add(*d);
            *d = prev;
        }
        // Term frequencies (and after them positions) are read only when
        // asked for: most blocks are only stepped through by a seek.
        self.tfs_at = at;
        self.tfs_read = false;
        self.positions_read = false;
        self.cursor = 0;
        self.doc = self.docs.first().copied().unwrap_or(TERMINATED);
    }

    fn read_tfs(&mut self) {
        let mut at = self.tfs_at;
        self.tfs.clear();
        unpack(&self.packer, &self.data, &mut at, self.docs.len(), &mut self.tfs);
        for tf in self.tfs.iter_mut() {
            *tf = tf.saturating_add(1);
        }
        self.positions_at = at;
        self.tfs_read = true;
    }

    /// Prepares the current block's positions: where each document's
    /// start; chunks are found and decoded only as documents ask.
    fn locate_positions(&mut self) {
        if !self.tfs_read {
            self.read_tfs();
        }
        self.starts.clear();
        let mut total = 0;
        for &tf in &self.tfs {
            self.starts.push(total);
            total += tf as usize;
        }
        self.starts.push(total);
        // A damaged tf could ask for more positions than the file can hold.
        self.total = total.min(self.data.len().saturating_sub(self.positions_at).saturating_mul(BLOCK));
        // Only grown, never cleared: a chunk is read only once decoded.
        if self.positions.len() < self.total {
            self.positions.resize(self.total, 0);
        }
        self.chunks.clear();
        self.next_chunk_at = self.positions_at;
        self.decoded.clear();
        self.decoded.resize(self.total / BLOCK + 1, false);
        self.positions_read = true;
    }

    /// Decodes the chunks that hold position deltas `start..end` of the block.
    fn decode_positions(&mut self, start: usize, end: usize) {
        let full = self.total / BLOCK;
        for k in start / BLOCK..=(end.saturating_sub(1) / BLOCK) {
            if self.decoded[k] {
                continue;
            }
            self.decoded[k] = true;
            // Byte offsets of the chunks up to k (each: bit width, packed bits).
            while self.chunks.len() <= k.min(full) {
                let at = self.next_chunk_at;
                self.chunks.push(at);
                if self.chunks.len() <= full {
                    let bits = self.data.get(at).copied().unwrap_or(0).min(32);
                    self.next_chunk_at = at + 1 + BitPacker4x::compressed_block_size(bits);
                }
            }
            let from = k * BLOCK;
            let at = self.chunks[k];
            if k < full {
                let bits = self.data.get(at).copied().unwrap_or(0).min(32);
                let len = BitPacker4x::compressed_block_size(bits);
                match self.data.get(at + 1..at + 1 + len) {
                    Some(bytes) => {
                        self.packer.decompress(bytes, &mut self.positions[from..from + BLOCK], bits);
                    }
                    None => self.positions[from..from + BLOCK].fill(0),
                }
            } else {
                let (mut at, mut tail) = (at, Vec::with_capacity(self.total - from));
                unpack(&self.packer, &self.data, &mut at, self.total - from, &mut tail);
                self.positions[from..self.total].copy_from_slice(&tail);
            }
        }
    }

    pub fn term_freq(&mut self) -> u32 {
        if !self.tfs_read {
            self.read_tfs();
        }
        self.tfs.get(self.cursor).copied().unwrap_or(0)
    }

    /// The current document's positions plus `offset`, into `out` (none
    /// for words).
    pub fn positions_with_offset(&mut self, offset: u32, out: &mut Vec<u32>) {
        out.clear();
        self.decode_doc_positions();
        let mut p = 0u32;
        for &delta in self.position_deltas() {
            p = p.wrapping_add(delta);
            out.push(p.wrapping_add(offset));
        }
    }

    /// Decodes the current document's position deltas for `position_deltas`.
    pub fn decode_doc_positions(&mut self) {
        if self.doc == TERMINATED || !self.has_positions {
            return;
        }
        if !self.positions_read {
            self.locate_positions();
        }
        let (start, end) = self.doc_positions();
        if start < end {
            self.decode_positions(start, end);
        }
    }

    /// The current document's position deltas (the first one from 0), once
    /// `decode_doc_positions` has run for it; empty for words.
    pub fn position_deltas(&self) -> &[u32] {
        if self.doc == TERMINATED || !self.positions_read {
            return &[];
        }
        let (start, end) = self.doc_positions();
        &self.positions[start..end.max(start)]
    }

    fn doc_positions(&self) -> (usize, usize) {
        let total = self.total;
        (self.starts[self.cursor].min(total), self.starts[self.cursor + 1].min(total))
    }
}

impl DocSet for TermPostings {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.cursor += 1;
        if self.cursor < self.docs.len() {
            self.doc = self.docs[self.cursor];
        } else if self.block + 1 < self.blocks {
            self.load(self.block + 1);
        } else {
            self.doc = TERMINATED;
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        // Most seeks of an intersection land a few documents on.
        let near = (self.cursor + 1..self.docs.len().min(self.cursor + 9)).find(|&i| self.docs[i] >= target);
        if let Some(i) = near {
            self.cursor = i;
            self.doc = self.docs[i];
            return self.doc;
        }
        if self.docs.last().is_none_or(|&last| last < target) {
            // The first later block that reaches `target`.
            let lo = partition_point(self.block + 1..self.blocks, |b| self.last_doc_of(b) < target);
            if lo == self.blocks {
                self.doc = TERMINATED;
                return TERMINATED;
            }
            self.load(lo);
        }
        // Within the block: the first doc at or after `target` (the block's
        // last doc reaches it).
        let skip = self.docs[self.cursor..].partition_point(|&d| d < target);
        self.cursor += skip;
        match self.docs.get(self.cursor) {
            Some(&doc) => self.doc = doc,
            None => {
                // Only on damaged data (a block whose last doc is not its largest).
                self.cursor = self.docs.len() - 1;
                self.doc = self.docs[self.cursor];
                while self.doc < target {
                    self.advance();
                }
            }
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.doc_freq
    }
}
