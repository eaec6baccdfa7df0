//! Reading a segment's term file: term lookup, report lengths and posting
//! cursors.
//!
//! Damage is found, never served: [`TermIndex::open`] checks the footer,
//! the tables' checksum and that the tables agree with each other and the
//! file (O(tables), once per segment and process); a term's postings are
//! checked against their checksum the first time [`TermIndex::postings`]
//! opens them. Decoding verified bytes cannot fail; should it anyway, the
//! posting cursor ends and says it is damaged ([`TermPostings::is_damaged`])
//! rather than yield made-up documents. Failures are [`Damaged`] errors.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use anyhow::{bail, Context, Result};
use bitpacking::{BitPacker, BitPacker4x};
use tantivy::directory::OwnedBytes;
use tantivy::fastfield::AliveBitSet;
use tantivy::index::SegmentId;
use tantivy::{DocId, DocSet, Opstamp, SegmentReader, TERMINATED};

use super::format::{
    tables_checksum, term_checksum, unpack, BLOCK, BYTES_PER_DOC, BYTES_PER_TERM, FLAG_POSITIONS, FOOTER_CHECKED,
    FOOTER_LEN, MAGIC, VERSION,
};
use super::Kind;

/// A term file that is not as fazhi wrote it.
#[derive(Debug)]
pub struct Damaged {
    pub kind: Kind,
    pub what: String,
}

impl fmt::Display for Damaged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the .{} file is damaged: {}", self.kind.extension(), self.what)
    }
}

impl std::error::Error for Damaged {}

fn damaged(kind: Kind, what: impl fmt::Display) -> anyhow::Error {
    anyhow::Error::new(Damaged { kind, what: what.to_string() })
}

/// BM25 statistics of a segment's live reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Live reports with at least one token: reports without any (reposts,
    /// bookkeeping) are left out, so they never change ranking.
    pub docs: u64,
    /// Their tokens.
    pub tokens: u64,
}

/// The deletes a segment reader sees (they only ever grow).
type Deletes = (Option<Opstamp>, u32);

/// What the clones of one open file share.
struct Shared {
    /// One bit per term: its postings passed their checks.
    verified: Vec<AtomicU64>,
    /// The live totals for the last deletes asked about.
    live: Mutex<Option<(Deletes, Totals)>>,
}

/// One segment's term index of one kind.
#[derive(Clone)]
pub struct TermIndex {
    data: OwnedBytes,
    kind: Kind,
    terms: usize,
    total_tokens: u64,
    max_doc: u32,
    /// Reports with at least one token.
    bodies: u32,
    /// Where the norms start, which is where the postings end.
    norms_at: usize,
    lengths_at: usize,
    keys_at: usize,
    offsets_at: usize,
    doc_freqs_at: usize,
    checksums_at: usize,
    shared: Arc<Shared>,
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

/// Read at offsets checked beforehand; 0 past the end, never a panic.
pub(super) fn u32_at(data: &[u8], at: usize) -> u32 {
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
        let ext = kind.extension();
        let bytes = reader
            .open_read(kind.component())
            .with_context(|| format!("the segment has no .{ext} file"))?
            .read_bytes()
            .with_context(|| format!("the segment's .{ext} file cannot be read"))?;
        let index = TermIndex::from_bytes(bytes, kind)?;
        if index.max_doc != reader.max_doc() {
            let (ours, theirs) = (index.max_doc, reader.max_doc());
            return Err(damaged(kind, format!("it holds {ours} reports, its segment {theirs}")));
        }
        Ok(index)
    }

    /// Opens a file of `kind`, checking all but the postings.
    pub fn from_bytes(data: OwnedBytes, kind: Kind) -> Result<TermIndex> {
        let len = data.len();
        if len < FOOTER_LEN || u32_at(&data, len - 4) != MAGIC {
            return Err(damaged(kind, "it has no footer (cut short, or not a term file)"));
        }
        let version = u32_at(&data, len - 8);
        if version != VERSION {
            bail!(
                "the .{} file has format version {version}, this fazhi reads version {VERSION} (rebuild the index)",
                kind.extension()
            );
        }
        let footer = len - FOOTER_LEN;
        let terms = u64_at(&data, footer);
        let total_tokens = u64_at(&data, footer + 8);
        let max_doc = u32_at(&data, footer + 16);
        let flags = u32_at(&data, footer + 20);
        let checksum = u64_at(&data, footer + 24);
        let tables = terms
            .checked_mul(BYTES_PER_TERM)
            .and_then(|t| t.checked_add(8 + u64::from(max_doc) * BYTES_PER_DOC))
            .filter(|&t| t <= footer as u64);
        let Some(tables) = tables else {
            return Err(damaged(kind, format!("its footer counts {terms} terms and {max_doc} reports, too many")));
        };
        let norms_at = footer - tables as usize;
        if tables_checksum(&data[norms_at..footer + FOOTER_CHECKED]) != checksum {
            return Err(damaged(kind, "its tables fail their checksum"));
        }
        if flags & !FLAG_POSITIONS != 0 || (flags & FLAG_POSITIONS != 0) != kind.has_positions() {
            return Err(damaged(kind, format!("its flags ({flags:#x}) are not those of its kind")));
        }
        let terms = terms as usize;
        let lengths_at = norms_at + max_doc as usize;
        let keys_at = lengths_at + max_doc as usize * 4;
        let offsets_at = keys_at + terms * 8;
        let doc_freqs_at = offsets_at + (terms + 1) * 8;
        let checksums_at = doc_freqs_at + terms * 4;
        let shared =
            Shared { verified: (0..terms.div_ceil(64)).map(|_| AtomicU64::new(0)).collect(), live: Mutex::default() };
        let mut index = TermIndex {
            data,
            kind,
            terms,
            total_tokens,
            max_doc,
            bodies: 0,
            norms_at,
            lengths_at,
            keys_at,
            offsets_at,
            doc_freqs_at,
            checksums_at,
            shared: Arc::new(shared),
        };
        index.check_tables()?;
        Ok(index)
    }

    /// That the tables agree with each other and the file: what the
    /// checksum cannot tell (a file written wrong, or forged). One pass
    /// over the tables, none over the postings.
    fn check_tables(&mut self) -> Result<()> {
        let kind = self.kind;
        let table = |at: usize, n: usize, width: usize| self.data[at..at + n * width].chunks_exact(width);
        let mut prev = None;
        for (ord, b) in table(self.offsets_at, self.terms + 1, 8).enumerate() {
            let offset = u64_at(b, 0);
            let ok = match prev {
                None => offset == 0,
                Some(p) => p < offset && offset <= self.norms_at as u64,
            };
            if !ok {
                return Err(damaged(kind, format!("the offset of term {ord} is out of order or past the postings")));
            }
            prev = Some(offset);
        }
        if prev != Some(self.norms_at as u64) {
            return Err(damaged(kind, "its term offsets end before its postings do"));
        }
        let keys = table(self.keys_at, self.terms, 8).map(|b| u64_at(b, 0));
        if keys.clone().zip(keys.skip(1)).any(|(a, b)| a >= b) {
            return Err(damaged(kind, "its term keys are out of order"));
        }
        if let Some(ord) =
            table(self.doc_freqs_at, self.terms, 4).position(|b| !(1..=self.max_doc).contains(&u32_at(b, 0)))
        {
            return Err(damaged(
                kind,
                format!("the document frequency of term {ord} is 0 or past the segment's {}", self.max_doc),
            ));
        }
        let (mut bodies, mut tokens) = (0u32, 0u64);
        for b in table(self.lengths_at, self.max_doc as usize, 4) {
            let length = u32_at(b, 0);
            bodies += u32::from(length > 0);
            tokens += u64::from(length);
        }
        if tokens != self.total_tokens {
            return Err(damaged(
                kind,
                format!("its lengths add up to {tokens} tokens, its footer says {}", self.total_tokens),
            ));
        }
        self.bodies = bodies;
        Ok(())
    }

    pub fn kind(&self) -> Kind {
        self.kind
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
            self.data[self.norms_at + doc as usize]
        } else {
            0
        }
    }

    /// A report's exact number of tokens.
    pub fn length(&self, doc: DocId) -> u32 {
        if doc < self.max_doc {
            u32_at(&self.data, self.lengths_at + doc as usize * 4)
        } else {
            0
        }
    }

    /// BM25 statistics of the segment's live reports (see [`Totals`]).
    /// With deletes they are counted once per set of deletes.
    pub fn live_totals(&self, reader: &SegmentReader) -> Totals {
        let Some(alive) = reader.alive_bitset() else {
            return Totals { docs: u64::from(self.bodies), tokens: self.total_tokens };
        };
        let deletes = (reader.delete_opstamp(), reader.num_deleted_docs());
        let mut live = self.shared.live.lock().ok();
        if let Some(&(seen, totals)) = live.as_ref().and_then(|l| l.as_ref()) {
            if seen == deletes {
                return totals;
            }
        }
        let mut totals = Totals::default();
        for doc in (0..self.max_doc).filter(|&doc| alive.is_alive(doc)) {
            let length = self.length(doc);
            totals.docs += u64::from(length > 0);
            totals.tokens += u64::from(length);
        }
        if let Some(live) = live.as_mut() {
            **live = Some((deletes, totals));
        }
        totals
    }

    /// The number of live reports in term `ord`'s postings: its document
    /// frequency when the segment has no deletes, else counted.
    pub fn live_doc_freq(&self, ord: usize, alive: Option<&AliveBitSet>) -> Result<u64> {
        let Some(alive) = alive else { return Ok(u64::from(self.doc_freq(ord))) };
        let mut postings = self.postings(ord)?;
        let mut n = 0;
        while postings.doc() != TERMINATED {
            n += u64::from(alive.is_alive(postings.doc()));
            postings.advance();
        }
        if postings.is_damaged() {
            return Err(self.undecodable(ord));
        }
        Ok(n)
    }

    /// The error for term `ord`'s postings found damaged while read.
    pub fn undecodable(&self, ord: usize) -> anyhow::Error {
        damaged(self.kind, format!("the postings of term {ord} do not decode"))
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

    fn checksum(&self, ord: usize) -> u32 {
        u32_at(&self.data, self.checksums_at + ord * 4)
    }

    /// The bytes of term `ord`'s postings (offsets were checked at open).
    pub(super) fn term_bytes(&self, ord: usize) -> OwnedBytes {
        let at = |ord: usize| u64_at(&self.data, self.offsets_at + ord * 8) as usize;
        self.data.slice(at(ord)..at(ord + 1))
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

    /// Term `ord`'s postings; the first time, after checking them.
    pub fn postings(&self, ord: usize) -> Result<TermPostings> {
        if ord >= self.terms {
            bail!("term {ord} asked of a .{} file of {} terms", self.kind.extension(), self.terms);
        }
        let bytes = self.term_bytes(ord);
        let (word, bit) = (ord / 64, 1u64 << (ord % 64));
        let verified = &self.shared.verified[word];
        if verified.load(Ordering::Relaxed) & bit == 0 {
            self.check_term(ord, &bytes)?;
            verified.fetch_or(bit, Ordering::Relaxed);
        }
        Ok(TermPostings::new(bytes, self.doc_freq(ord), self.kind.has_positions(), self.max_doc))
    }

    /// The term's checksum, and that its skip table (what seeks trust)
    /// fits, increases and stays within the segment: O(blocks).
    fn check_term(&self, ord: usize, bytes: &[u8]) -> Result<()> {
        let fail = |what: &str| damaged(self.kind, format!("term {ord} (key {:#x}): {what}", self.key(ord)));
        if term_checksum(bytes) != self.checksum(ord) {
            return Err(fail("its postings fail their checksum"));
        }
        let blocks = (self.doc_freq(ord) as usize).div_ceil(BLOCK);
        if blocks <= 1 {
            return Ok(());
        }
        let Some(body) = bytes.len().checked_sub(blocks * 8).filter(|&b| b > 0) else {
            return Err(fail("its skip table is longer than its postings"));
        };
        let mut prev: Option<(u32, u32)> = None;
        for block in 0..blocks {
            let (last, offset) = (u32_at(bytes, block * 8), u32_at(bytes, block * 8 + 4));
            let ordered = match prev {
                None => offset == 0,
                Some((prev_last, prev_offset)) => prev_last < last && prev_offset < offset,
            };
            if !ordered || offset as usize >= body || last >= self.max_doc {
                return Err(fail("its skip table is out of order or past its postings"));
            }
            prev = Some((last, offset));
        }
        Ok(())
    }
}

/// The documents of one term, with term frequencies and (grams) positions.
pub struct TermPostings {
    data: OwnedBytes,
    doc_freq: u32,
    has_positions: bool,
    max_doc: u32,
    /// Set, and the cursor ended, when the bytes do not decode.
    damaged: bool,
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
    fn new(data: OwnedBytes, doc_freq: u32, has_positions: bool, max_doc: u32) -> TermPostings {
        let blocks = (doc_freq as usize).div_ceil(BLOCK);
        let skip_len = if blocks > 1 { blocks * 8 } else { 0 };
        let mut p = TermPostings {
            data,
            doc_freq,
            has_positions,
            max_doc,
            damaged: false,
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

    /// Whether decoding failed (then the cursor ended early). Never on
    /// bytes that passed their checks; callers that can return errors
    /// (merges, statistics) check it after a walk.
    pub fn is_damaged(&self) -> bool {
        self.damaged
    }

    fn damage(&mut self) {
        self.damaged = true;
        self.doc = TERMINATED;
        self.docs.clear();
        self.tfs.clear();
        self.positions_read = false;
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
        let before = if block == 0 { None } else { Some(self.last_doc_of(block - 1)) };
        self.docs.clear();
        if unpack(&self.packer, &self.data, &mut at, n, &mut self.docs).is_none() {
            return self.damage();
        }
        let mut prev = before.unwrap_or(0);
        for d in self.docs.iter_mut() {
            prev = prev.wrapping_add(*d);
            *d = prev;
        }
        // Increasing, after the previous block, within the segment and
        // ending where the skip table says (a wrapped sum breaks the order).
        let (first, last) = (self.docs.first().copied(), self.docs.last().copied());
        let in_order = self.docs.windows(2).all(|w| w[0] < w[1])
            && before.is_none_or(|b| first.is_some_and(|f| f > b))
            && last.is_some_and(|l| l < self.max_doc)
            && (self.blocks == 1 || last == Some(self.last_doc_of(block)));
        if !in_order {
            return self.damage();
        }
        // Term frequencies (and after them positions) are read only when
        // asked for: most blocks are only stepped through by a seek.
        self.tfs_at = at;
        self.tfs_read = false;
        self.positions_read = false;
        self.cursor = 0;
        self.doc = self.docs[0];
    }

    fn read_tfs(&mut self) {
        let mut at = self.tfs_at;
        self.tfs.clear();
        if unpack(&self.packer, &self.data, &mut at, self.docs.len(), &mut self.tfs).is_none() {
            return self.damage();
        }
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
            if self.damaged {
                return;
            }
        }
        self.starts.clear();
        let mut total = 0usize;
        for &tf in &self.tfs {
            self.starts.push(total);
            total += tf as usize;
        }
        self.starts.push(total);
        // A byte holds at most 128 deltas (a chunk of bit width 0): more
        // than that is damage, and must not be allocated.
        if total > self.data.len().saturating_sub(self.positions_at).saturating_mul(BLOCK) {
            return self.damage();
        }
        self.total = total;
        // Only grown, never cleared: a chunk is read only once decoded.
        if self.positions.len() < total {
            self.positions.resize(total, 0);
        }
        self.chunks.clear();
        self.next_chunk_at = self.positions_at;
        self.decoded.clear();
        self.decoded.resize(total / BLOCK + 1, false);
        self.positions_read = true;
    }

    /// The bit width of a chunk at `at`, if it is one `pack` writes.
    fn bits_at(&self, at: usize) -> Option<u8> {
        self.data.get(at).copied().filter(|&bits| bits <= 32)
    }

    /// Decodes the chunks that hold position deltas `start..end` of the block.
    fn decode_positions(&mut self, start: usize, end: usize) {
        let full = self.total / BLOCK;
        for k in start / BLOCK..=(end.saturating_sub(1) / BLOCK) {
            if self.decoded[k] {
                continue;
            }
            // Byte offsets of the chunks up to k (each: bit width, packed bits).
            while self.chunks.len() <= k.min(full) {
                let at = self.next_chunk_at;
                self.chunks.push(at);
                if self.chunks.len() <= full {
                    let Some(bits) = self.bits_at(at) else { return self.damage() };
                    self.next_chunk_at = at + 1 + BitPacker4x::compressed_block_size(bits);
                }
            }
            let from = k * BLOCK;
            let at = self.chunks[k];
            let decoded = if k < full {
                let bits = self.bits_at(at);
                let bytes =
                    bits.and_then(|bits| self.data.get(at + 1..at + 1 + BitPacker4x::compressed_block_size(bits)));
                match (bits, bytes) {
                    (Some(bits), Some(bytes)) => {
                        self.packer.decompress(bytes, &mut self.positions[from..from + BLOCK], bits);
                        true
                    }
                    _ => false,
                }
            } else {
                let (mut at, mut tail) = (at, Vec::with_capacity(self.total - from));
                let read = unpack(&self.packer, &self.data, &mut at, self.total - from, &mut tail).is_some();
                if read {
                    self.positions[from..self.total].copy_from_slice(&tail);
                }
                read
            };
            if !decoded {
                return self.damage();
            }
            self.decoded[k] = true;
        }
    }

    pub fn term_freq(&mut self) -> u32 {
        if !self.tfs_read && self.doc != TERMINATED {
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
            if self.damaged {
                return;
            }
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
        &self.positions[start..end]
    }

    fn doc_positions(&self) -> (usize, usize) {
        (self.starts[self.cursor], self.starts[self.cursor + 1])
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
            if self.damaged {
                return TERMINATED;
            }
        }
        // Within the block: the first doc at or after `target` (a loaded
        // block's last doc is the skip table's, which reaches it).
        let skip = self.docs[self.cursor..].partition_point(|&d| d < target);
        self.cursor += skip;
        match self.docs.get(self.cursor) {
            Some(&doc) => self.doc = doc,
            None => self.damage(),
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
