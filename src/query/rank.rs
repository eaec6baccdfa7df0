//! BM25 over the word index (`index::terms`, the `body_words` field): the
//! body's share of ranking, scored as tantivy scores a text field (its
//! `Bm25Weight`, searcher-wide document frequency and average length).
//!
//! The statistics are those of the live reports with at least one body
//! word: N is their number, the average length their tokens over N, a
//! word's document frequency the number of them holding it. So they equal
//! a fresh build's of the same reports after any adds, deletes and merges,
//! and documents without body words (reposts, bookkeeping) never change
//! ranking. Segments with deletes count their live reports (once per set
//! of deletes) and walk each query word's postings once.

use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError};

use super::exact::{damaged, find, open, postings};
use crate::index::terms::{word_key, Kind, TermIndex, TermPostings};

/// A word of the query, scored by BM25 in each report's body.
#[derive(Clone, Debug)]
pub struct WordScore {
    key: u64,
    boost: Score,
}

impl WordScore {
    pub fn new(word: &str, boost: Score) -> WordScore {
        WordScore { key: word_key(word), boost }
    }
}

impl Query for WordScore {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match scoring.searcher() {
            Some(searcher) if scoring.is_scoring_enabled() => {
                // The statistics of the live reports with a body, as a
                // fresh build of them would have (deleted reports stay in
                // a segment's postings and totals until a merge).
                let (mut doc_freq, mut docs, mut tokens) = (0u64, 0u64, 0u64);
                for segment in searcher.segment_readers() {
                    let index = open(segment, Kind::Words)?;
                    if let Some(ord) = find(segment, &index, self.key)? {
                        doc_freq += index
                            .live_doc_freq(ord, segment.alive_bitset())
                            .map_err(|e| damaged(segment, Kind::Words, e))?;
                    }
                    let live = index.live_totals(segment);
                    docs += live.docs;
                    tokens += live.tokens;
                }
                let docs = docs.max(doc_freq).max(1);
                Some(Bm25Weight::for_one_term(doc_freq, docs, tokens as Score / docs as Score).boost_by(self.boost))
            }
            _ => None,
        };
        Ok(Box::new(WordWeight { key: self.key, bm25 }))
    }
}

struct WordWeight {
    key: u64,
    /// `None` when scoring is off.
    bm25: Option<Bm25Weight>,
}

impl Weight for WordWeight {
    fn scorer(&self, reader: &SegmentReader, _boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let index = open(reader, Kind::Words)?;
        match find(reader, &index, self.key)? {
            Some(ord) => {
                Ok(Box::new(WordScorer { postings: postings(reader, &index, ord)?, index, bm25: self.bm25.clone() }))
            }
            None => Ok(Box::new(EmptyScorer)),
        }
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let index = open(reader, Kind::Words)?;
        let mut postings = find(reader, &index, self.key)?.map(|ord| postings(reader, &index, ord)).transpose()?;
        let tf = match postings.as_mut().map(|p| (p.seek(doc), p.term_freq())) {
            Some((at, tf)) if at == doc => tf,
            _ => return Err(TantivyError::InvalidArgument(format!("document {doc} does not match"))),
        };
        Ok(match &self.bm25 {
            Some(bm25) => bm25.explain(index.fieldnorm_id(doc), tf),
            None => Explanation::new("WordScore (scoring off)", 0.0),
        })
    }
}

struct WordScorer {
    postings: TermPostings,
    index: TermIndex,
    bm25: Option<Bm25Weight>,
}

impl DocSet for WordScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for WordScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => bm25.score(self.index.fieldnorm_id(self.postings.doc()), self.postings.term_freq()),
            None => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use proptest::prelude::*;
    use tantivy::collector::TopDocs;
    use tantivy::indexer::NoMergePolicy;
    use tantivy::query::TermQuery;
    use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, INDEXED, STORED};
    use tantivy::{DocAddress, Index, IndexWriter, TantivyDocument, Term};

    use super::*;
    use crate::analyze::tokenizers::WordTokenizer;
    use crate::index::terms::{encode, TermPlugin};

    /// An index of reports (`id`, body `text` and its `words`).
    struct Reports {
        index: Index,
        id: Field,
        text: Field,
        words: Field,
    }

    impl Reports {
        fn new() -> Reports {
            let mut builder = Schema::builder();
            let id = builder.add_u64_field("id", INDEXED | STORED);
            let indexing =
                TextFieldIndexing::default().set_tokenizer("words").set_index_option(IndexRecordOption::WithFreqs);
            let text = builder.add_text_field("text", TextOptions::default().set_indexing_options(indexing));
            let words = builder.add_custom_field("words", Kind::Words.type_name(), serde_json::json!({}));
            let index = Index::builder()
                .schema(builder.build())
                .register_plugin(Arc::new(TermPlugin::new(Kind::Words)))
                .create_in_ram()
                .unwrap();
            index.tokenizers().register("words", WordTokenizer);
            Reports { index, id, text, words }
        }

        fn writer(&self) -> IndexWriter {
            let writer: IndexWriter = self.index.writer_with_num_threads(1, 15_000_000).unwrap();
            writer.set_merge_policy(Box::new(NoMergePolicy));
            writer
        }

        /// A report whose body is `body` in both fields.
        fn add(&self, writer: &IndexWriter, id: u64, body: &str) {
            let mut doc = TantivyDocument::new();
            doc.add_u64(self.id, id);
            doc.add_text(self.text, body);
            doc.add_custom(self.words, &encode::words(body));
            writer.add_document(doc).unwrap();
        }

        /// Each matching report's score, by id.
        fn scores(&self, query: &dyn Query) -> BTreeMap<u64, Score> {
            let searcher = self.index.reader().unwrap().searcher();
            let hits = searcher.search(query, &TopDocs::with_limit(10_000).order_by_score()).unwrap();
            hits.into_iter()
                .map(|(score, at): (Score, DocAddress)| {
                    let doc: TantivyDocument = searcher.doc(at).unwrap();
                    (doc.get_first(self.id).and_then(|v| v.as_u64()).unwrap(), score)
                })
                .collect()
        }
    }

    fn assert_same(word: &str, want: &BTreeMap<u64, Score>, got: &BTreeMap<u64, Score>, what: &str) {
        assert_eq!(want.keys().collect::<Vec<_>>(), got.keys().collect::<Vec<_>>(), "{word}: {what}");
        for (id, x) in want {
            let y = got[id];
            assert!((x - y).abs() <= 1e-5 * x.abs().max(y.abs()), "{word} report {id}: {x} vs {y} ({what})");
        }
    }

    /// The word index scores every report as tantivy scores the same words
    /// in a text field.
    #[test]
    fn word_scores_equal_tantivy_bm25_over_the_same_words() {
        let reports = Reports::new();
        let mut writer = reports.writer();
        let parts = ["坚持依法行政", "推进法治政府建设", "依法行政水平明显提高", "矛盾纠纷化解", "枫桥经验"];
        for i in 0..60 {
            let body: String = (0..1 + i % 7).map(|j| parts[(i + j * 2) % parts.len()]).collect::<Vec<_>>().join("，");
            reports.add(&writer, i as u64, &body);
            if i % 25 == 24 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        for word in ["依法行政", "法治", "枫桥", "纠纷", "不存在"] {
            let theirs = TermQuery::new(Term::from_field_text(reports.text, word), IndexRecordOption::WithFreqs);
            let (want, got) = (reports.scores(&theirs), reports.scores(&WordScore::new(word, 1.0)));
            assert_same(word, &want, &got, "tantivy");
            assert_eq!(got.is_empty(), word == "不存在", "{word}");
        }
    }

    /// Bodies, from report lines; the empty one stands for reposts and
    /// other documents without body words.
    const BODIES: &[&str] = &[
        "兴化市陶庄镇人民政府2023年度法治政府建设情况报告",
        "一、聚焦体系重塑,依法履行政府职能基础不断强化",
        "二、聚焦项目试点,“大综合一体化”行政执法改革扎实推进",
        "三、聚焦规范公开,依法行政各项制度有效落实",
        "五、聚焦党建引领,基层法治政府建设合力全面增强",
        "(一) 坚持政治引领，抓实抓细习近平法治思想学习",
        "(二) 发挥法治引领，推深推实法治社会建设",
        "(三) 聚焦智慧法治，对标对表法治政府示范创建考核",
        "坚持发展新时代“枫桥经验”，矛盾纠纷化解率达到98%",
        "",
    ];

    const WORDS: &[&str] = &["法治", "政府", "依法行政", "聚焦", "行政执法", "枫桥经验", "纠纷", "不存在"];

    #[derive(Clone, Debug)]
    enum Op {
        Add(usize),
        /// Replaces a live report's body (delete and add, as a re-index).
        Change(usize, usize),
        Delete(usize),
        Commit,
        /// Commits, then merges the segments picked by the bits.
        Merge(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0..BODIES.len()).prop_map(Op::Add),
            2 => (any::<usize>(), 0..BODIES.len()).prop_map(|(r, b)| Op::Change(r, b)),
            2 => any::<usize>().prop_map(Op::Delete),
            2 => Just(Op::Commit),
            1 => any::<u8>().prop_map(Op::Merge),
        ]
    }

    /// Runs `ops`; returns the index and the live bodies by id.
    fn run(ops: &[Op]) -> (Reports, BTreeMap<u64, &'static str>) {
        let reports = Reports::new();
        let mut writer = reports.writer();
        let mut live = BTreeMap::new();
        let mut next = 0u64;
        let pick = |live: &BTreeMap<u64, &str>, r: usize| live.keys().nth(r % live.len().max(1)).copied();
        for op in ops {
            match *op {
                Op::Add(b) => {
                    reports.add(&writer, next, BODIES[b]);
                    live.insert(next, BODIES[b]);
                    next += 1;
                }
                Op::Change(r, b) => {
                    if let Some(id) = pick(&live, r) {
                        writer.delete_term(Term::from_field_u64(reports.id, id));
                        reports.add(&writer, id, BODIES[b]);
                        live.insert(id, BODIES[b]);
                    }
                }
                Op::Delete(r) => {
                    if let Some(id) = pick(&live, r) {
                        writer.delete_term(Term::from_field_u64(reports.id, id));
                        live.remove(&id);
                    }
                }
                Op::Commit => {
                    writer.commit().unwrap();
                }
                Op::Merge(bits) => {
                    writer.commit().unwrap();
                    let segments = reports.index.searchable_segment_ids().unwrap();
                    let picked: Vec<_> = segments
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| bits >> (i % 8) & 1 == 1)
                        .map(|(_, s)| *s)
                        .collect();
                    let picked = if picked.is_empty() { segments } else { picked };
                    if !picked.is_empty() {
                        writer.merge(&picked).wait().unwrap();
                    }
                }
            }
        }
        writer.commit().unwrap();
        writer.wait_merging_threads().unwrap();
        (reports, live)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        /// After any adds, changes, deletes and merges, every live report
        /// scores as in a fresh build of the live reports, and as tantivy
        /// scores them there (over the reports with body words: the others
        /// do not count).
        #[test]
        fn scores_after_any_history_equal_a_fresh_build(ops in proptest::collection::vec(op(), 1..40)) {
            let (reports, live) = run(&ops);
            let fresh = Reports::new();
            let reference = Reports::new();
            let (mut fresh_writer, mut reference_writer) = (fresh.writer(), reference.writer());
            for (&id, body) in &live {
                fresh.add(&fresh_writer, id, body);
                if encode::walk(Kind::Words, &encode::words(body), |_, _| {}) > 0 {
                    reference.add(&reference_writer, id, body);
                }
            }
            fresh_writer.commit().unwrap();
            reference_writer.commit().unwrap();
            for word in WORDS {
                let got = reports.scores(&WordScore::new(word, 1.0));
                assert_same(word, &fresh.scores(&WordScore::new(word, 1.0)), &got, "fresh build");
                let theirs = TermQuery::new(Term::from_field_text(reference.text, word), IndexRecordOption::WithFreqs);
                assert_same(word, &reference.scores(&theirs), &got, "tantivy on a fresh build");
            }
        }
    }
}
