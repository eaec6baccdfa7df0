//! Checking a whole term file, every byte of it (`fazhi verify`): what
//! opening checks, then every term's checksum and layout, decoded to the
//! last position, and that each report's norm codes its length.

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
    let fail = |what: String| anyhow::Error::new(Damaged { kind, what });
    if let Some(doc) =
        (0..index.max_doc()).find(|&d| index.fieldnorm_id(d) != FieldNormReader::fieldnorm_to_id(index.length(d)))
    {
        return Err(fail(format!("the norm of report {doc} does not code its length")));
    }
    for ord in 0..index.num_terms() {
        index.postings(ord)?;
        let bytes = index.term_bytes(ord);
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
    use std::sync::Arc;

    use tantivy::schema::Schema;
    use tantivy::{DocSet, Index, IndexWriter, TantivyDocument, TERMINATED};

    use super::*;
    use crate::index::terms::format::{tables_checksum, term_checksum, FOOTER_CHECKED, FOOTER_LEN};
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
    /// each term's postings and where seeks land.
    #[derive(Debug, PartialEq)]
    struct Answers {
        reports: Vec<(u32, u8)>,
        total_tokens: u64,
        terms: Vec<(u64, u32, Postings, Vec<u32>)>,
    }

    fn read_all(data: OwnedBytes, kind: Kind) -> Result<Answers> {
        let index = TermIndex::from_bytes(data, kind)?;
        let reports = (0..index.max_doc()).map(|d| (index.length(d), index.fieldnorm_id(d))).collect();
        let mut terms = Vec::new();
        for ord in 0..index.num_terms() {
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
            terms.push((index.key(ord), index.doc_freq(ord), list, seeks));
        }
        Ok(Answers { reports, total_tokens: index.total_tokens(), terms })
    }

    #[test]
    fn written_files_verify_and_read_back() {
        for kind in Kind::ALL {
            let data = written(kind);
            verify(data.clone(), kind).unwrap();
            let answers = read_all(data, kind).unwrap();
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
            let original = read_all(data.clone(), kind).unwrap();
            for at in 0..data.len() {
                for bit in 0..8 {
                    let mut bytes = data.as_slice().to_vec();
                    bytes[at] ^= 1 << bit;
                    let bytes = OwnedBytes::new(bytes);
                    let err = verify(bytes.clone(), kind).expect_err(&format!("{kind:?} byte {at} bit {bit}"));
                    assert!(format!("{err:#}").contains(&format!(".{}", kind.extension())), "{err:#}");
                    if let Ok(answers) = read_all(bytes, kind) {
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
            let index = TermIndex::from_bytes(data.clone(), kind).unwrap();
            let terms = index.num_terms();
            let len = data.len();
            let footer = len - FOOTER_LEN;
            // The tables from the norms on: checksums right before the footer.
            let checksums_at = footer - terms * 4;
            let tables_at = checksums_at - terms * 20 - 8 - index.max_doc() as usize * 5;
            let offsets_at = tables_at + index.max_doc() as usize * 5 + terms * 8;
            let offset = |ord: usize| {
                let b = &data[offsets_at + ord * 8..offsets_at + ord * 8 + 8];
                u64::from_le_bytes(b.try_into().unwrap()) as usize
            };
            for ord in 0..terms {
                for at in (offset(ord)..offset(ord + 1)).step_by(3) {
                    for bit in [0, 3, 7] {
                        let mut bytes = data.as_slice().to_vec();
                        bytes[at] ^= 1 << bit;
                        let sum = term_checksum(&bytes[offset(ord)..offset(ord + 1)]);
                        bytes[checksums_at + ord * 4..checksums_at + ord * 4 + 4].copy_from_slice(&sum.to_le_bytes());
                        let sum = tables_checksum(&bytes[tables_at..footer + FOOTER_CHECKED]);
                        bytes[footer + FOOTER_CHECKED..footer + FOOTER_CHECKED + 8].copy_from_slice(&sum.to_le_bytes());
                        let bytes = OwnedBytes::new(bytes);
                        let _ = verify(bytes.clone(), kind);
                        let _ = read_all(bytes, kind);
                    }
                }
            }
        }
    }
}
