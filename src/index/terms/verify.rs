//! Checking a whole term file, every byte of it (`fazhi verify`): what
//! opening checks, every table block and that the tables agree, then every
//! term's checksum and layout, decoded to the last position, and that each
//! report's norm codes its length.

use anyhow::Result;
use bitpacking::{BitPacker, BitPacker4x};
use tantivy::directory::OwnedBytes;
use tantivy::fieldnorm::FieldNormReader;

use super::format::{unpack, BLOCK};
use super::reader::{u32_at, Damaged, TermIndex};
use super::Kind;

/// Checks a `.grams` (`kind` Grams) or `.words` file; the error is a
/// [`Damaged`] (or, for another format version, a plain error) that names
/// the kind of file and what is wrong, not its path.
pub fn verify(data: OwnedBytes, kind: Kind) -> Result<()> {
    let index = TermIndex::from_bytes(data, kind)?;
    index.verify_tables()?;
    let fail = |what: String| anyhow::Error::new(Damaged { kind, what });
    if let Some(doc) =
        (0..index.max_doc()).find(|&d| index.fieldnorm_id(d) != FieldNormReader::fieldnorm_to_id(index.length(d)))
    {
        return Err(fail(format!("the norm of report {doc} does not code its length")));
    }
    for ord in 0..index.num_terms() {
        index.postings(ord)?;
        // Some: `postings` found them.
        let bytes = index.term_bytes(ord).unwrap_or_else(OwnedBytes::empty);
        check_layout(&bytes, index.doc_freq(ord), kind.has_positions(), index.max_doc())
            .map_err(|what| fail(format!("term {ord} (key {:#x}): {what}", index.key(ord))))?;
    }
    Ok(())
}

/// Decodes a term's postings as `format` lays them out: blocks where the
/// skip table says, documents increasing within the segment, positions
/// increasing within each document, and nothing after the last block.
fn check_layout(bytes: &[u8], doc_freq: u32, positions: bool, max_doc: u32) -> Result<(), String> {
    let packer = BitPacker4x::new();
    let blocks = (doc_freq as usize).div_ceil(BLOCK);
    let skip_len = if blocks > 1 { blocks * 8 } else { 0 };
    let (mut docs, mut tfs, mut deltas) = (Vec::new(), Vec::new(), Vec::new());
    let mut at = skip_len;
    let mut prev: Option<u32> = None;
    for block in 0..blocks {
        if blocks > 1 && at != skip_len + u32_at(bytes, block * 8 + 4) as usize {
            return Err(format!("block {block} is not where the skip table says"));
        }
        let n = (doc_freq as usize - block * BLOCK).min(BLOCK);
        docs.clear();
        tfs.clear();
        unpack(&packer, bytes, &mut at, n, &mut docs)
            .ok_or_else(|| format!("the documents of block {block} do not decode"))?;
        for delta in &docs {
            let doc = match prev {
                None => Some(*delta),
                Some(p) => p.checked_add(*delta).filter(|&d| d > p),
            };
            prev = Some(
                doc.filter(|&d| d < max_doc).ok_or_else(|| format!("block {block}'s documents are out of order"))?,
            );
        }
        if blocks > 1 && prev != Some(u32_at(bytes, block * 8)) {
            return Err(format!("block {block} does not end where the skip table says"));
        }
        unpack(&packer, bytes, &mut at, n, &mut tfs)
            .ok_or_else(|| format!("the frequencies of block {block} do not decode"))?;
        if !positions {
            continue;
        }
        let total = tfs.iter().try_fold(0usize, |sum, &tf| sum.checked_add(tf as usize + 1));
        let total = total.filter(|&t| t <= bytes.len().saturating_mul(BLOCK));
        let total = total.ok_or_else(|| format!("the frequencies of block {block} are too large"))?;
        deltas.clear();
        unpack(&packer, bytes, &mut at, total, &mut deltas)
            .ok_or_else(|| format!("the positions of block {block} do not decode"))?;
        let mut deltas = deltas.iter();
        for &tf in &tfs {
            let mut position = 0u32;
            for (i, &delta) in deltas.by_ref().take(tf as usize + 1).enumerate() {
                position = position
                    .checked_add(delta)
                    .filter(|_| i == 0 || delta > 0)
                    .ok_or_else(|| format!("positions in block {block} are out of order"))?;
            }
        }
    }
    if at != bytes.len() {
        return Err(format!("{} bytes follow its last block", bytes.len().saturating_sub(at)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::ops::Range;
    use std::sync::Arc;

    use tantivy::schema::Schema;
    use tantivy::{DocSet, Index, IndexWriter, TantivyDocument, TERMINATED};

    use super::*;
    use crate::index::terms::format::{
        block_checksum, tables_checksum, term_checksum, Builder, Layout, FOOTER_CHECKED, TABLE_BLOCK,
    };
    use crate::index::terms::{encode, TermPlugin};

    /// A segment's file of `kind` as the plugin writes it: 300 reports, some
    /// without a body, one term in every report (three blocks).
    fn written(kind: Kind) -> OwnedBytes {
        let mut builder = Schema::builder();
        let field = builder.add_custom_field("terms", kind.type_name(), serde_json::json!({}));
        let index = Index::builder()
            .schema(builder.build())
            .register_plugin(Arc::new(TermPlugin::new(kind)))
            .create_in_ram()
            .unwrap();
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let parts = ["依法行政", "枫桥经验", "矛盾纠纷", "审查"];
        for i in 0..300 {
            let mut doc = TantivyDocument::new();
            if i % 40 != 7 {
                let text = format!("{}法治{}", parts[i % 4], parts[i / 4 % 4]);
                let payload = match kind {
                    Kind::Grams => encode::grams(&[&text]),
                    Kind::Words => encode::words(&text),
                };
                doc.add_custom(field, &payload);
            }
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        searcher.segment_readers()[0].open_read(kind.component()).unwrap().read_bytes().unwrap()
    }

    type Postings = Vec<(u32, u32, Vec<u32>)>;

    /// Everything the normal API answers: each report's (length, norm),
    /// where each probe key is found, the ranges between probes, each
    /// term's postings and where seeks land.
    #[derive(Debug, PartialEq)]
    struct Answers {
        reports: Vec<(u32, u8)>,
        total_tokens: u64,
        found: Vec<Option<usize>>,
        ranges: Vec<Range<usize>>,
        terms: Vec<(u64, u32, Postings, Vec<u32>)>,
    }

    /// Keys to look up in a file: each of its keys, those beside them, and
    /// the ends.
    fn probes(data: &OwnedBytes, kind: Kind) -> Vec<u64> {
        let index = TermIndex::from_bytes(data.clone(), kind).unwrap();
        index.verify_tables().unwrap();
        let mut keys = vec![0, 1, u64::MAX - 1, u64::MAX];
        for ord in 0..index.num_terms() {
            let key = index.key(ord);
            keys.extend([key.wrapping_sub(1), key, key.wrapping_add(1)]);
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// The ranges of keys asked for: between probes some way apart.
    fn spans(probes: &[u64]) -> Vec<(u64, u64)> {
        let mut spans: Vec<(u64, u64)> = probes.windows(6).step_by(4).map(|w| (w[0], w[5])).collect();
        spans.extend([(0, u64::MAX), (u64::MAX, 0)]);
        spans
    }

    fn read_all(data: OwnedBytes, kind: Kind, probes: &[u64]) -> Result<Answers> {
        let index = TermIndex::from_bytes(data, kind)?;
        let reports = (0..index.max_doc()).map(|d| (index.length(d), index.fieldnorm_id(d))).collect();
        let found = probes.iter().map(|&key| index.find(key)).collect::<Result<_>>()?;
        let ranges = spans(probes).into_iter().map(|(lo, hi)| index.range(lo, hi)).collect::<Result<_>>()?;
        let mut terms = Vec::new();
        for ord in 0..index.num_terms() {
            terms.push(read_term(&index, ord)?);
        }
        Ok(Answers { reports, total_tokens: index.total_tokens(), found, ranges, terms })
    }

    fn read_term(index: &TermIndex, ord: usize) -> Result<(u64, u32, Postings, Vec<u32>)> {
        let (mut postings, mut list, mut positions) = (index.postings(ord)?, Vec::new(), Vec::new());
        while postings.doc() != TERMINATED {
            postings.positions_with_offset(0, &mut positions);
            list.push((postings.doc(), postings.term_freq(), positions.clone()));
            postings.advance();
        }
        let (mut seeker, mut seeks) = (index.postings(ord)?, Vec::new());
        for target in (0..index.max_doc() + 2).step_by(29) {
            seeks.push(seeker.seek(target));
        }
        if postings.is_damaged() || seeker.is_damaged() {
            return Err(index.undecodable(ord));
        }
        Ok((index.key(ord), index.doc_freq(ord), list, seeks))
    }

    /// Recomputes the block checksums and the tables checksum, as a file
    /// written wrong (or forged) would have them.
    fn reseal(bytes: &mut [u8], layout: &Layout) {
        for block in 0..layout.blocks {
            let [keys, offsets, doc_freqs, checksums] = layout.block_ranges(block);
            let sum = block_checksum(&bytes[keys], &bytes[offsets], &bytes[doc_freqs], &bytes[checksums]);
            bytes[layout.blocks_at + block * 8..][..8].copy_from_slice(&sum.to_le_bytes());
        }
        let sum = tables_checksum(&bytes[layout.checked()]);
        bytes[layout.footer_at + FOOTER_CHECKED..][..8].copy_from_slice(&sum.to_le_bytes());
    }

    fn layout_of(data: &OwnedBytes, kind: Kind) -> Layout {
        let index = TermIndex::from_bytes(data.clone(), kind).unwrap();
        Layout::new(data.len(), index.num_terms() as u64, index.max_doc()).unwrap()
    }

    #[test]
    fn written_files_verify_and_read_back() {
        for kind in Kind::ALL {
            let data = written(kind);
            verify(data.clone(), kind).unwrap();
            let probes = probes(&data, kind);
            let answers = read_all(data, kind, &probes).unwrap();
            assert!(answers.found.iter().any(|f| f.is_none()) && answers.found.iter().any(|f| f.is_some()));
            assert!(answers.terms.iter().any(|t| t.2.len() > 2 * BLOCK), "{kind:?}");
            assert_eq!(answers.reports.iter().filter(|r| r.0 == 0).count(), 8, "{kind:?}");
        }
    }

    /// Every single-bit flip anywhere: `verify` fails, and reading gives
    /// an error or exactly the original answers, never a panic.
    #[test]
    fn every_flipped_bit_is_found_and_never_changes_an_answer() {
        for kind in Kind::ALL {
            let data = written(kind);
            let probes = probes(&data, kind);
            let original = read_all(data.clone(), kind, &probes).unwrap();
            for at in 0..data.len() {
                for bit in 0..8 {
                    let mut bytes = data.as_slice().to_vec();
                    bytes[at] ^= 1 << bit;
                    let bytes = OwnedBytes::new(bytes);
                    let err = verify(bytes.clone(), kind).expect_err(&format!("{kind:?} byte {at} bit {bit}"));
                    assert!(format!("{err:#}").contains(&format!(".{}", kind.extension())), "{err:#}");
                    if let Ok(answers) = read_all(bytes, kind, &probes) {
                        assert!(answers == original, "{kind:?} byte {at} bit {bit}: another answer");
                    }
                }
            }
        }
    }

    #[test]
    fn a_file_cut_short_does_not_open() {
        for kind in Kind::ALL {
            let data = written(kind);
            for cut in 0..data.len() {
                assert!(TermIndex::from_bytes(data.slice(0..cut), kind).is_err(), "{kind:?} cut at {cut}");
                assert!(verify(data.slice(0..cut), kind).is_err());
            }
            // Or with bytes added, or opened as the other kind.
            let mut longer = data.as_slice().to_vec();
            longer.insert(0, 0);
            assert!(TermIndex::from_bytes(OwnedBytes::new(longer), kind).is_err());
            let other = if kind == Kind::Grams { Kind::Words } else { Kind::Grams };
            assert!(TermIndex::from_bytes(data, other).is_err());
        }
    }

    /// A damaged term is an error when it is opened, with the file open
    /// and its other terms readable.
    #[test]
    fn a_damaged_term_is_an_error_when_read() {
        let data = written(Kind::Grams);
        let mut bytes = data.as_slice().to_vec();
        bytes[0] ^= 4;
        let index = TermIndex::from_bytes(OwnedBytes::new(bytes), Kind::Grams).unwrap();
        let err = index.postings(0).err().unwrap();
        assert!(err.downcast_ref::<Damaged>().is_some());
        assert!(format!("{err:#}").starts_with("the .grams file is damaged: term 0 "), "{err:#}");
        assert!(format!("{err:#}").contains("checksum"), "{err:#}");
        // Still, the second time.
        assert!(index.postings(0).is_err());
        assert!(index.postings(1).is_ok());
    }

    /// With its checksums recomputed (a file written wrong, or forged), a
    /// flip reaches the decoder: answers may change, but nothing panics.
    #[test]
    fn forged_postings_never_panic() {
        for kind in Kind::ALL {
            let data = written(kind);
            let probes = probes(&data, kind);
            let layout = layout_of(&data, kind);
            let offset = |ord: usize| {
                let at = layout.offsets_at + ord * 8;
                u64::from_le_bytes(data[at..at + 8].try_into().unwrap()) as usize
            };
            for ord in 0..layout.terms {
                for at in (offset(ord)..offset(ord + 1)).step_by(3) {
                    for bit in [0, 3, 7] {
                        let mut bytes = data.as_slice().to_vec();
                        bytes[at] ^= 1 << bit;
                        let sum = term_checksum(&bytes[offset(ord)..offset(ord + 1)]);
                        bytes[layout.checksums_at + ord * 4..][..4].copy_from_slice(&sum.to_le_bytes());
                        reseal(&mut bytes, &layout);
                        let bytes = OwnedBytes::new(bytes);
                        let _ = verify(bytes.clone(), kind);
                        let _ = read_all(bytes, kind, &probes);
                    }
                }
            }
        }
    }

    /// Forged term tables (keys out of order, offsets anywhere, document
    /// frequencies of 0 or past the segment) pass the block checksums that
    /// searches check: answers may change, nothing panics, and `verify`
    /// (like merges) finds what the writer never writes.
    #[test]
    fn forged_tables_never_panic() {
        for kind in Kind::ALL {
            let data = written(kind);
            let probes = probes(&data, kind);
            let layout = layout_of(&data, kind);
            for at in layout.keys_at..layout.norms_at {
                for bit in [0, 5, 7] {
                    let mut bytes = data.as_slice().to_vec();
                    bytes[at] ^= 1 << bit;
                    reseal(&mut bytes, &layout);
                    let bytes = OwnedBytes::new(bytes);
                    let _ = read_all(bytes.clone(), kind, &probes);
                    // A flipped key bit may leave a valid file; any other
                    // flip breaks what the writer guarantees.
                    if !(layout.keys_at..layout.offsets_at).contains(&at) {
                        assert!(verify(bytes, kind).is_err(), "{kind:?} byte {at} bit {bit}");
                    }
                }
            }
        }
    }

    /// A file of 3000 terms (three table blocks), with `key(ord) = 10 + 4 *
    /// ord` and each term in two of 50 reports.
    fn three_blocks() -> OwnedBytes {
        let (terms, max_doc) = (3000u32, 50u32);
        let mut builder = Builder::new(Vec::new(), max_doc, false);
        let mut lengths = vec![0u32; max_doc as usize];
        for ord in 0..terms {
            for doc in [ord % 47, 47 + ord % 3] {
                builder.add_doc(doc, 1 + ord % 5, &[]).unwrap();
                lengths[doc as usize] += 1 + ord % 5;
            }
            builder.finish_term(10 + 4 * u64::from(ord)).unwrap();
        }
        OwnedBytes::new(builder.finish(&lengths).unwrap())
    }

    /// Bytes flipped in a middle table block's keys, offsets, doc freqs or
    /// checksums: the file still opens (its term tables are checked as
    /// used); every lookup anywhere answers as the undamaged file does or
    /// is an error, never another ordinal or a wrong absence, whatever the
    /// binary search met; the terms of the other blocks still read.
    #[test]
    fn damage_in_one_table_block_never_changes_a_lookup() {
        let kind = Kind::Words;
        let data = three_blocks();
        verify(data.clone(), kind).unwrap();
        let layout = layout_of(&data, kind);
        assert_eq!(layout.blocks, 3);
        let probes = probes(&data, kind);
        assert!(probes.len() > 8000);
        let original = read_all(data.clone(), kind, &probes).unwrap();
        assert_eq!(original.found.iter().flatten().count(), 3000);
        let (mut flips, mut errors, mut answered) = (0, 0, 0);
        for table in layout.block_ranges(1) {
            // Spread through the table, and every bit of its first and last
            // entries (where a lookup's neighbours straddle two blocks).
            let mut flip: Vec<(usize, u32)> = table.clone().step_by(61).zip((0..8).cycle()).collect();
            for at in (table.start..table.start + 8).chain(table.end - 8..table.end) {
                flip.extend((0..8).map(|bit| (at, bit)));
            }
            for (at, bit) in flip {
                let mut bytes = data.as_slice().to_vec();
                bytes[at] ^= 1 << bit;
                let bytes = OwnedBytes::new(bytes);
                flips += 1;
                assert!(verify(bytes.clone(), kind).is_err(), "byte {at}");
                let index = TermIndex::from_bytes(bytes, kind).unwrap();
                // The blocks the byte is in: the middle one, and a
                // neighbour for the offsets both cover (where one block's
                // last term's postings end and the next's start).
                let hit: Vec<usize> =
                    (0..layout.blocks).filter(|&b| layout.block_ranges(b).iter().any(|r| r.contains(&at))).collect();
                assert!(hit.contains(&1), "byte {at}");
                for (key, want) in probes.iter().zip(&original.found) {
                    match index.find(*key) {
                        Ok(got) => {
                            assert_eq!(got, *want, "byte {at}: key {key:#x}");
                            answered += 1;
                        }
                        Err(e) => {
                            assert!(e.downcast_ref::<Damaged>().is_some(), "{e:#}");
                            errors += 1;
                        }
                    }
                }
                for ((lo, hi), want) in spans(&probes).into_iter().zip(&original.ranges) {
                    if let Ok(got) = index.range(lo, hi) {
                        assert_eq!(got, *want, "byte {at}: {lo:#x}..={hi:#x}");
                    }
                }
                for ord in 0..layout.terms {
                    match read_term(&index, ord) {
                        Ok(term) => assert_eq!(term, original.terms[ord], "byte {at}: term {ord}"),
                        Err(_) => assert!(hit.contains(&(ord / TABLE_BLOCK)), "byte {at}: term {ord}"),
                    }
                }
            }
        }
        eprintln!("{flips} flips: {answered} lookups answered as before, {errors} errors");
        assert!(answered > flips * probes.len() / 4 && errors > 0);
    }

    #[test]
    fn block_checksums_are_of_the_tables_as_one() {
        let data = three_blocks();
        let layout = layout_of(&data, Kind::Words);
        for block in 0..layout.blocks {
            let ranges = layout.block_ranges(block);
            let whole: Vec<u8> = ranges.iter().flat_map(|r| data[r.clone()].to_vec()).collect();
            let stored = u64::from_le_bytes(data[layout.blocks_at + block * 8..][..8].try_into().unwrap());
            assert_eq!(stored, xxhash_rust::xxh3::xxh3_64(&whole));
            let terms = layout.block_terms(block);
            assert_eq!(ranges[1].len(), (terms.len() + 1) * 8);
        }
        assert_eq!(layout.block_terms(2), 2 * TABLE_BLOCK..3000);
    }
}
