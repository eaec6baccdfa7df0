//! The segment plugin: writes a segment's term file from the payloads of
//! its documents, and merges the files of merged segments. One instance
//! per [`Kind`].

use std::any::Any;
use std::io::Write;

use tantivy::directory::TerminatingWrite;
use tantivy::indexer::doc_id_mapping::{DocIdMapping, MappingType};
use tantivy::schema::document::ErasedDocument;
use tantivy::schema::{Field, FieldType, Schema, Value};
use tantivy::{
    DocId, DocSet, PluginMergeContext, PluginWriter, PluginWriterContext, Segment, SegmentPlugin, TantivyDocument,
    TantivyError, TERMINATED,
};

use super::encode;
use super::format::{fit_u32, Builder};
use super::reader::TermIndex;
use super::Kind;

pub struct TermPlugin {
    pub kind: Kind,
    extensions: [&'static str; 1],
}

impl TermPlugin {
    pub fn new(kind: Kind) -> TermPlugin {
        TermPlugin { kind, extensions: [kind.extension()] }
    }
}

fn err(e: impl std::fmt::Display) -> TantivyError {
    TantivyError::InternalError(format!("term index: {e:#}"))
}

impl SegmentPlugin for TermPlugin {
    fn extensions(&self) -> &[&str] {
        &self.extensions
    }

    fn create_writer(&self, ctx: &PluginWriterContext) -> tantivy::Result<Box<dyn PluginWriter>> {
        let schema = ctx.segment.schema();
        let field = schema.fields().find_map(|(field, entry)| match entry.field_type() {
            FieldType::Custom(options) if options.type_name() == self.kind.type_name() => Some(field),
            _ => None,
        });
        Ok(Box::new(TermWriter {
            kind: self.kind,
            field,
            payloads: Vec::new(),
            entries: Vec::new(),
            lengths: Vec::new(),
        }))
    }

    fn merge(&self, ctx: PluginMergeContext) -> tantivy::Result<()> {
        if ctx.doc_id_mapping.mapping_type() == MappingType::Shuffled {
            return Err(err("index sorting is not supported"));
        }
        let sources: Vec<TermIndex> = ctx
            .readers
            .iter()
            .map(|r| TermIndex::open_uncached(r, self.kind))
            .collect::<Result<_, _>>()
            .map_err(err)?;
        // Merged segments are stacked in order, deleted documents left out
        // (with their lengths: the merged totals are the live reports').
        let live: usize = ctx.readers.iter().map(|r| r.num_docs() as usize).sum();
        let max_doc = fit_u32(live, "a segment's number of reports")?;
        let mut lengths = Vec::with_capacity(live);
        let maps: Vec<Vec<DocId>> = ctx
            .readers
            .iter()
            .zip(&sources)
            .map(|(reader, source)| {
                let mut map = vec![TERMINATED; reader.max_doc() as usize];
                for doc in reader.doc_ids_alive() {
                    map[doc as usize] = lengths.len() as DocId;
                    lengths.push(source.length(doc));
                }
                map
            })
            .collect();
        let write = ctx.target_segment.open_write(self.kind.component())?;
        let mut builder = Builder::new(write, max_doc, self.kind.has_positions());
        let mut cursors = vec![0usize; sources.len()];
        let mut positions = Vec::new();
        loop {
            let key = sources.iter().zip(&cursors).filter(|(s, &c)| c < s.num_terms()).map(|(s, &c)| s.key(c)).min();
            let Some(key) = key else { break };
            for ((source, cursor), map) in sources.iter().zip(cursors.iter_mut()).zip(&maps) {
                if *cursor >= source.num_terms() || source.key(*cursor) != key {
                    continue;
                }
                let ord = *cursor;
                let mut postings = source.postings(ord).map_err(err)?;
                *cursor += 1;
                while postings.doc() != TERMINATED {
                    if let Some(&new) = map.get(postings.doc() as usize).filter(|&&d| d != TERMINATED) {
                        postings.positions_with_offset(0, &mut positions);
                        builder.add_doc(new, postings.term_freq(), &positions)?;
                    }
                    postings.advance();
                }
                if postings.is_damaged() {
                    return Err(err(source.undecodable(ord)));
                }
            }
            builder.finish_term(key)?;
        }
        builder.finish(&lengths)?.terminate()?;
        Ok(())
    }
}

/// One term of one document: `at` is where its tf (and positions) start
/// in `payloads`.
#[derive(Clone, Copy)]
struct Entry {
    key: u64,
    doc: DocId,
    at: u32,
}

struct TermWriter {
    kind: Kind,
    field: Option<Field>,
    payloads: Vec<u8>,
    entries: Vec<Entry>,
    /// Each document's length (its number of tokens).
    lengths: Vec<u32>,
}

impl PluginWriter for TermWriter {
    fn add_document(&mut self, doc_id: DocId, doc: &dyn ErasedDocument, _schema: &Schema) -> tantivy::Result<()> {
        self.lengths.resize(doc_id as usize + 1, 0);
        let (Some(field), Some(doc)) = (self.field, doc.as_any().downcast_ref::<TantivyDocument>()) else {
            return Ok(());
        };
        let mut length = 0u32;
        for value in doc.get_all(field) {
            let Some(payload) = value.as_custom() else { continue };
            let base = self.payloads.len();
            if base + payload.len() > u32::MAX as usize {
                return Err(err("segment too large"));
            }
            self.payloads.extend_from_slice(payload);
            let entries = &mut self.entries;
            let n = encode::walk(self.kind, payload, |key, at| {
                entries.push(Entry { key, doc: doc_id, at: (base + at) as u32 })
            });
            length = length.checked_add(n).ok_or_else(|| err("a report's length does not fit in 32 bits"))?;
        }
        self.lengths[doc_id as usize] = length;
        Ok(())
    }

    fn serialize(self: Box<Self>, segment: &Segment, doc_id_map: Option<&DocIdMapping>) -> tantivy::Result<()> {
        if doc_id_map.is_some() {
            return Err(err("index sorting is not supported"));
        }
        let TermWriter { kind, payloads, mut entries, lengths, .. } = *self;
        // Documents came in order: a stable sort by key keeps each term's
        // documents in order. Radix, skipping the key bytes all entries
        // share (most of a gram key's): about 3x faster than the standard
        // stable sort here.
        radsort::sort_by_key(&mut entries, |e| e.key);
        let max_doc = fit_u32(lengths.len(), "a segment's number of reports")?;
        let mut builder = Builder::new(segment.open_write(kind.component())?, max_doc, kind.has_positions());
        let mut positions = Vec::new();
        for run in entries.chunk_by(|a, b| a.key == b.key) {
            for e in run {
                let tf = encode::read_term(kind, &payloads, e.at as usize, &mut positions);
                builder.add_doc(e.doc, tf, &positions)?;
            }
            builder.finish_term(run[0].key)?;
        }
        let mut write = builder.finish(&lengths)?;
        write.flush()?;
        write.terminate()?;
        Ok(())
    }

    fn mem_usage(&self) -> usize {
        self.payloads.capacity()
            + self.entries.capacity() * std::mem::size_of::<Entry>()
            + self.lengths.capacity() * std::mem::size_of::<u32>()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use tantivy::fieldnorm::FieldNormReader;
    use tantivy::indexer::NoMergePolicy;
    use tantivy::schema::{STORED, STRING};
    use tantivy::{Index, IndexWriter, Term};

    use super::*;

    type Postings = BTreeMap<u64, Vec<(String, u32, Vec<u32>)>>;

    /// Every term's (text, tf, positions), from the index.
    fn read_back(index: &Index, kind: Kind, text_field: Field) -> Postings {
        let searcher = index.reader().unwrap().searcher();
        let mut out = Postings::new();
        for (s, segment) in searcher.segment_readers().iter().enumerate() {
            let grams = TermIndex::open(segment, kind).unwrap();
            let mut positions = Vec::new();
            for ord in 0..grams.num_terms() {
                let mut postings = grams.postings(ord).unwrap();
                while postings.doc() != TERMINATED {
                    let doc = postings.doc();
                    if segment.alive_bitset().is_none_or(|alive| alive.is_alive(doc)) {
                        let stored: TantivyDocument = searcher.doc(tantivy::DocAddress::new(s as u32, doc)).unwrap();
                        let text = stored.get_first(text_field).and_then(|v| v.as_str()).unwrap().to_string();
                        postings.positions_with_offset(0, &mut positions);
                        out.entry(grams.key(ord)).or_default().push((text, postings.term_freq(), positions.clone()));
                    }
                    postings.advance();
                }
            }
        }
        for docs in out.values_mut() {
            docs.sort();
        }
        out
    }

    fn payload(kind: Kind, text: &str) -> Vec<u8> {
        match kind {
            Kind::Grams => encode::grams(&[text]),
            Kind::Words => encode::words(text),
        }
    }

    /// The same, worked out from the texts.
    fn expected(kind: Kind, texts: &[String]) -> Postings {
        let mut out = Postings::new();
        for text in texts {
            let payload = payload(kind, text);
            let mut positions = Vec::new();
            encode::walk(kind, &payload, |key, at| {
                let tf = encode::read_term(kind, &payload, at, &mut positions);
                out.entry(key).or_default().push((text.clone(), tf, positions.clone()));
            });
        }
        for docs in out.values_mut() {
            docs.sort();
        }
        out
    }

    /// A search's open checks no term table (they are checked as used); a
    /// merge's checks them all.
    #[test]
    fn term_tables_are_checked_as_used_and_all_for_merges() {
        for kind in Kind::ALL {
            let mut builder = Schema::builder();
            let terms_field = builder.add_custom_field("terms", kind.type_name(), serde_json::json!({}));
            let plugin = Arc::new(TermPlugin::new(kind));
            let index = Index::builder().schema(builder.build()).register_plugin(plugin).create_in_ram().unwrap();
            let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
            // 1600 distinct grams (of 1600 chars) or words (numbers): two
            // table blocks of terms.
            let c = |k: u32| char::from_u32(0x4E00 + k).unwrap();
            for i in 0..40 {
                let text: String = match kind {
                    Kind::Grams => (0..40).map(|j| c(i * 40 + j)).collect(),
                    Kind::Words => (0..40).map(|j| format!("{}，", i * 40 + j)).collect(),
                };
                let mut doc = TantivyDocument::new();
                doc.add_custom(terms_field, &payload(kind, &text));
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
            let searcher = index.reader().unwrap().searcher();
            let segment = &searcher.segment_readers()[0];
            let terms = TermIndex::open(segment, kind).unwrap();
            let (checked, blocks) = terms.checked_blocks();
            assert!(checked == 0 && blocks > 1, "{kind:?}: {checked} of {blocks}");
            let key = match kind {
                Kind::Grams => encode::gram_key(c(0), c(1)),
                Kind::Words => encode::word_key("12"),
            };
            assert!(terms.find(key).unwrap().is_some(), "{kind:?}");
            assert!((1..=2).contains(&terms.checked_blocks().0), "{kind:?}");
            let merged = TermIndex::open_uncached(segment, kind).unwrap();
            assert_eq!(merged.checked_blocks(), (blocks, blocks), "{kind:?}");
        }
    }

    #[test]
    fn segments_written_and_merged_with_deletes_hold_every_term_of_the_live_texts() {
        for kind in Kind::ALL {
            written_and_merged(kind);
        }
    }

    fn written_and_merged(kind: Kind) {
        let mut builder = Schema::builder();
        let text_field = builder.add_text_field("text", STRING | STORED);
        let terms_field = builder.add_custom_field("terms", kind.type_name(), serde_json::json!({}));
        let plugin = Arc::new(TermPlugin::new(kind));
        let index = Index::builder().schema(builder.build()).register_plugin(plugin).create_in_ram().unwrap();
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(NoMergePolicy));
        // Enough reports that common grams span several blocks of 128.
        let words = ["依法行政", "枫桥经验", "行政执法", "矛盾纠纷", "法治政府", "三项制度", "公平竞争", "审查"];
        let texts: Vec<String> = (0..700)
            .map(|i| (0..1 + i % 9).map(|j| words[(i * 7 + j * 3) % words.len()]).collect::<Vec<_>>().join("，") + "。")
            .collect();
        for (i, text) in texts.iter().enumerate() {
            let mut doc = TantivyDocument::new();
            doc.add_text(text_field, format!("{i}:{text}"));
            doc.add_custom(terms_field, &payload(kind, &format!("{i}:{text}")));
            writer.add_document(doc).unwrap();
            if i % 200 == 199 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let all: Vec<String> = texts.iter().enumerate().map(|(i, t)| format!("{i}:{t}")).collect();
        assert_eq!(read_back(&index, kind, text_field), expected(kind, &all));
        // Delete every third report, then merge everything into one segment.
        for (_, text) in all.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
            writer.delete_term(Term::from_field_text(text_field, text));
        }
        writer.commit().unwrap();
        let segments = index.searchable_segment_ids().unwrap();
        assert!(segments.len() >= 4);
        writer.merge(&segments).wait().unwrap();
        writer.wait_merging_threads().unwrap();
        let alive: Vec<String> = all.iter().enumerate().filter(|(i, _)| i % 3 != 0).map(|(_, t)| t.clone()).collect();
        let merged = read_back(&index, kind, text_field);
        assert_eq!(index.searchable_segment_ids().unwrap().len(), 1);
        assert_eq!(merged, expected(kind, &alive));
        // Common grams really span several blocks.
        assert!(merged.values().any(|docs| docs.len() > 3 * 128));
        // Seeking lands where stepping does, and lengths follow their reports.
        let searcher = index.reader().unwrap().searcher();
        let grams = TermIndex::open(&searcher.segment_readers()[0], kind).unwrap();
        for doc in 0..grams.max_doc() {
            let stored: TantivyDocument = searcher.doc(tantivy::DocAddress::new(0, doc)).unwrap();
            let text = stored.get_first(text_field).and_then(|v| v.as_str()).unwrap();
            let length = encode::walk(kind, &payload(kind, text), |_, _| {});
            assert_eq!(grams.length(doc), length, "{text}");
            assert_eq!(grams.fieldnorm_id(doc), FieldNormReader::fieldnorm_to_id(length), "{text}");
        }
        for ord in 0..grams.num_terms() {
            let mut all_docs = Vec::new();
            let mut postings = grams.postings(ord).unwrap();
            while postings.doc() != TERMINATED {
                all_docs.push(postings.doc());
                postings.advance();
            }
            let mut postings = grams.postings(ord).unwrap();
            for target in (0..grams.max_doc() + 2).step_by(37) {
                let want = all_docs.iter().copied().find(|&d| d >= target.max(postings.doc())).unwrap_or(TERMINATED);
                assert_eq!(postings.seek(target), want, "term {ord} target {target}");
            }
        }
    }
}
