//! Reading a segment's term file: term lookup, report lengths and posting
//! cursors.
//!
//! Damage is found, never served, and checked no sooner than it is used:
//! [`TermIndex::open`] checks the footer, that the tables fit the file, the
//! checksum of the per-report tables and block checksums, and that the
//! lengths add up (O(reports), once per segment and process); a table
//! block of [`TABLE_BLOCK`] terms is checked against its checksum the first
//! time a lookup or a read uses one of its terms; a term's postings against
//! theirs the first time [`TermIndex::postings`] opens them. Merges and
//! `fazhi verify` check every table block up front
//! ([`TermIndex::verify_tables`]). Decoding verified bytes cannot fail;
//! should it anyway, the posting cursor ends and says it is damaged
//! ([`TermPostings::is_damaged`]) rather than yield made-up documents.
//! Failures are [`Damaged`] errors.

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
    block_checksum, tables_checksum, term_checksum, unpack, Layout, BLOCK, FLAG_POSITIONS, FOOTER_LEN, MAGIC,
    TABLE_BLOCK, VERSION,
};
use super::memo::Memo;
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

/// A bitset that threads set bits of: what has passed its checks (the
/// file never changes, so a check once passed holds).
struct Checked(Vec<AtomicU64>);

impl Checked {
    fn new(bits: usize) -> Checked {
        Checked((0..bits.div_ceil(64)).map(|_| AtomicU64::new(0)).collect())
    }

    fn get(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w.load(Ordering::Relaxed) & (1 << (i % 64)) != 0)
    }

    fn set(&self, i: usize) {
        if let Some(w) = self.0.get(i / 64) {
            w.fetch_or(1 << (i % 64), Ordering::Relaxed);
        }
    }
}

/// What the clones of one open file share.
struct Shared {
    /// One bit per table block: its tables passed their checksum.
    blocks: Checked,
    /// One bit per term: its postings passed their checks.
    verified: Checked,
    /// The live totals for the last deletes asked about.
    live: Mutex<Option<(Deletes, Totals)>>,
    /// Terms' matches, kept for the next query.
    memo: Memo,
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
    layout: Layout,
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

/// Term indexes of the segments that open readers hold. A query opens them
/// once per segment and term, and batches run thousands of queries on
/// several threads: opening through tantivy's directory each time (a path,
/// a lock, a cache lookup) halved batch throughput. An entry lives as long
/// as some reader holds its segment ([`hold`]): when the last one lets go
/// (a reload after a merge, an engine closed) the mapping is released, so
/// a merged-away segment's disk space is freed while the process lives.
#[derive(Default)]
struct Cache {
    indexes: HashMap<(SegmentId, Kind), TermIndex>,
    /// How many readers hold each segment.
    held: HashMap<SegmentId, usize>,
}

fn cache() -> &'static RwLock<Cache> {
    static CACHE: OnceLock<RwLock<Cache>> = OnceLock::new();
    CACHE.get_or_init(RwLock::default)
}

/// A reader's hold on its segments' term indexes: they stay cached until
/// it is dropped.
pub struct Holding(Vec<SegmentId>);

/// Holds `segments` for a reader (see [`Cache`]).
pub fn hold(segments: Vec<SegmentId>) -> Holding {
    if let Ok(mut c) = cache().write() {
        for id in &segments {
            *c.held.entry(*id).or_default() += 1;
        }
    }
    Holding(segments)
}

impl Drop for Holding {
    fn drop(&mut self) {
        let Ok(mut c) = cache().write() else { return };
        for id in &self.0 {
            let last = match c.held.get_mut(id) {
                Some(n) => {
                    *n -= 1;
                    *n == 0
                }
                None => false,
            };
            if last {
                c.held.remove(id);
                c.indexes.retain(|(segment, _), _| segment != id);
            }
        }
    }
}

/// How many term indexes are cached, and for how many segments (for tests).
pub fn cached() -> (usize, usize) {
    cache().read().map_or((0, 0), |c| (c.indexes.len(), c.held.len()))
}

impl TermIndex {
    /// The segment's term index, for searching: cached while a reader
    /// holds the segment (segment files never change once written).
    pub fn open(reader: &SegmentReader, kind: Kind) -> Result<TermIndex> {
        let key = (reader.segment_id(), kind);
        if let Some(index) = cache().read().ok().and_then(|c| c.indexes.get(&key).cloned()) {
            return Ok(index);
        }
        let index = TermIndex::read(reader, kind)?;
        if let Ok(mut c) = cache().write() {
            if c.held.contains_key(&key.0) {
                c.indexes.insert(key, index.clone());
            }
        }
        Ok(index)
    }

    /// The segment's term index, not kept, with all its tables checked
    /// ([`TermIndex::verify_tables`]): for merges, which read every term,
    /// and whose sources are deleted afterwards.
    pub fn open_uncached(reader: &SegmentReader, kind: Kind) -> Result<TermIndex> {
        let index = TermIndex::read(reader, kind)?;
        index.verify_tables()?;
        Ok(index)
    }

    /// The segment's file of `kind`, opened as [`TermIndex::from_bytes`]
    /// opens one, and for that segment.
    fn read(reader: &SegmentReader, kind: Kind) -> Result<TermIndex> {
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

    /// Opens a file of `kind`, checking its footer, that its tables fit
    /// it, the tables checksum and its lengths: O(reports), not O(terms).
    /// Term tables are checked block by block as they are used.
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
        let Some(layout) = Layout::new(len, terms, max_doc) else {
            return Err(damaged(kind, format!("its footer counts {terms} terms and {max_doc} reports, too many")));
        };
        if tables_checksum(&data[layout.checked()]) != checksum {
            return Err(damaged(kind, "its tables fail their checksum"));
        }
        if flags & !FLAG_POSITIONS != 0 || (flags & FLAG_POSITIONS != 0) != kind.has_positions() {
            return Err(damaged(kind, format!("its flags ({flags:#x}) are not those of its kind")));
        }
        // The postings are what precedes the tables: bytes added or taken
        // away before them would shift every term (read unchecked here, so
        // damage there is an error, never an answer).
        let offset = |ord: usize| u64_at(&data, layout.offsets_at + ord * 8);
        if offset(0) != 0 || offset(layout.terms) != layout.keys_at as u64 {
            return Err(damaged(kind, "its term offsets do not span its postings"));
        }
        let (mut bodies, mut tokens) = (0u32, 0u64);
        for b in data[layout.lengths_at..layout.lengths_at + layout.max_doc * 4].chunks_exact(4) {
            let length = u32_at(b, 0);
            bodies += u32::from(length > 0);
            tokens += u64::from(length);
        }
        if tokens != total_tokens {
            return Err(damaged(
                kind,
                format!("its lengths add up to {tokens} tokens, its footer says {total_tokens}"),
            ));
        }
        let shared = Shared {
            blocks: Checked::new(layout.blocks),
            verified: Checked::new(layout.terms),
            live: Mutex::default(),
            memo: Memo::default(),
        };
        Ok(TermIndex {
            data,
            kind,
            terms: layout.terms,
            total_tokens,
            max_doc,
            bodies,
            layout,
            shared: Arc::new(shared),
        })
    }

    /// Terms' matches in this segment, kept between queries while the
    /// index is cached.
    pub fn memo(&self) -> &Memo {
        &self.shared.memo
    }

    /// Checks table block `block` against its checksum, the first time.
    fn verify_block(&self, block: usize) -> Result<()> {
        if self.shared.blocks.get(block) {
            return Ok(());
        }
        if block >= self.layout.blocks {
            bail!("table block {block} asked of a .{} file of {}", self.kind.extension(), self.layout.blocks);
        }
        let [keys, offsets, doc_freqs, checksums] = self.layout.block_ranges(block);
        let data = &self.data;
        let sum = block_checksum(&data[keys], &data[offsets], &data[doc_freqs], &data[checksums]);
        if sum != u64_at(data, self.layout.blocks_at + block * 8) {
            let terms = self.layout.block_terms(block);
            let last = terms.end.saturating_sub(1);
            return Err(damaged(
                self.kind,
                format!("the tables of terms {} to {last} fail their checksum", terms.start),
            ));
        }
        self.shared.blocks.set(block);
        Ok(())
    }

    /// Table blocks checked so far, of all.
    #[cfg(test)]
    pub(crate) fn checked_blocks(&self) -> (usize, usize) {
        ((0..self.layout.blocks).filter(|&b| self.shared.blocks.get(b)).count(), self.layout.blocks)
    }

    /// Checks the table blocks holding terms `ords` (those that exist).
    fn verify_terms(&self, ords: Range<usize>) -> Result<()> {
        let end = ords.end.min(self.terms);
        if ords.start >= end {
            return Ok(());
        }
        (ords.start / TABLE_BLOCK..=(end - 1) / TABLE_BLOCK).try_for_each(|block| self.verify_block(block))
    }

    /// Every table block against its checksum, and that the tables agree
    /// with each other and the file, what the checksums cannot tell (a
    /// file written wrong, or forged): keys increase, offsets increase
    /// within the postings, document frequencies are within the segment.
    /// One pass over the tables, none over the postings: for merges and
    /// `fazhi verify`, which read every term anyway.
    pub fn verify_tables(&self) -> Result<()> {
        let kind = self.kind;
        self.verify_terms(0..self.terms)?;
        let mut prev = None;
        for ord in 0..=self.terms {
            let offset = self.offset(ord);
            let ok = match prev {
                None => offset == 0,
                Some(p) => p < offset && offset <= self.layout.keys_at as u64,
            };
            if !ok {
                return Err(damaged(kind, format!("the offset of term {ord} is out of order or past the postings")));
            }
            prev = Some(offset);
        }
        if prev != Some(self.layout.keys_at as u64) {
            return Err(damaged(kind, "its term offsets end before its postings do"));
        }
        if (1..self.terms).any(|ord| self.key(ord - 1) >= self.key(ord)) {
            return Err(damaged(kind, "its term keys are out of order"));
        }
        if let Some(ord) = (0..self.terms).find(|&ord| !(1..=self.max_doc).contains(&self.doc_freq(ord))) {
            return Err(damaged(
                kind,
                format!("the document frequency of term {ord} is 0 or past the segment's {}", self.max_doc),
            ));
        }
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
            self.data[self.layout.norms_at + doc as usize]
        } else {
            0
        }
    }

    /// A report's exact number of tokens.
    pub fn length(&self, doc: DocId) -> u32 {
        if doc < self.max_doc {
            u32_at(&self.data, self.layout.lengths_at + doc as usize * 4)
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
        if ord >= self.terms {
            bail!("term {ord} asked of a .{} file of {} terms", self.kind.extension(), self.terms);
        }
        self.verify_terms(ord..ord + 1)?;
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

    /// Term `ord`'s key. As written only once its table block is checked:
    /// call it for ords that [`TermIndex::find`], [`TermIndex::range`] or
    /// [`TermIndex::postings`] returned or opened (or after
    /// [`TermIndex::verify_tables`]).
    pub fn key(&self, ord: usize) -> u64 {
        u64_at(&self.data, self.layout.keys_at + ord * 8)
    }

    /// Term `ord`'s document frequency (deleted reports included). As
    /// [`TermIndex::key`], only for ords whose table block is checked.
    pub fn doc_freq(&self, ord: usize) -> u32 {
        u32_at(&self.data, self.layout.doc_freqs_at + ord * 4)
    }

    fn checksum(&self, ord: usize) -> u32 {
        u32_at(&self.data, self.layout.checksums_at + ord * 4)
    }

    fn offset(&self, ord: usize) -> u64 {
        u64_at(&self.data, self.layout.offsets_at + ord * 8)
    }

    /// The bytes of term `ord`'s postings, once its table block is checked;
    /// `None` when its offsets are out of order or past the postings (never
    /// in a file as fazhi writes it).
    pub(super) fn term_bytes(&self, ord: usize) -> Option<OwnedBytes> {
        let (start, end) = (self.offset(ord), self.offset(ord + 1));
        (start <= end && end <= self.layout.keys_at as u64).then(|| self.data.slice(start as usize..end as usize))
    }

    /// The ordinal of the term `key`, with the table blocks that prove it
    /// checked. Sound whatever damage the binary search met elsewhere: the
    /// search ends between two neighbours, `key(p - 1) < key <= key(p)`, and
    /// once their blocks are checked these are the keys as written, which
    /// increase, so `p` is where `key` is or would be.
    pub fn find(&self, key: u64) -> Result<Option<usize>> {
        let ord = self.lower_bound(key);
        self.verify_terms(ord.saturating_sub(1)..ord + 1)?;
        Ok((ord < self.terms && self.key(ord) == key).then_some(ord))
    }

    /// Ordinals of the terms with `lo <= key <= hi`, with the table blocks
    /// of both ends' neighbours and all between checked (as [`find`]'s).
    ///
    /// [`find`]: TermIndex::find
    pub fn range(&self, lo: u64, hi: u64) -> Result<Range<usize>> {
        let start = self.lower_bound(lo);
        let end = if hi == u64::MAX { self.terms } else { self.lower_bound(hi + 1) };
        self.verify_terms(start.saturating_sub(1)..start.max(end) + 1)?;
        Ok(start..end.max(start))
    }

    /// The first ord whose key is not below `key`, as far as the keys read
    /// (checked or not) tell.
    fn lower_bound(&self, key: u64) -> usize {
        partition_point(0..self.terms, |ord| self.key(ord) < key)
    }

    /// Term `ord`'s postings; the first time, after checking them.
    pub fn postings(&self, ord: usize) -> Result<TermPostings> {
        if ord >= self.terms {
            bail!("term {ord} asked of a .{} file of {} terms", self.kind.extension(), self.terms);
        }
        self.verify_terms(ord..ord + 1)?;
        let Some(bytes) = self.term_bytes(ord) else {
            return Err(damaged(self.kind, format!("the offsets of term {ord} are out of order or past the postings")));
        };
        if !self.shared.verified.get(ord) {
            self.check_term(ord, &bytes)?;
            self.shared.verified.set(ord);
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
