//! BM25 over the word index (`index::terms`, the `body_words` field): the
//! body's share of ranking, scored as tantivy scores a text field (its
//! `Bm25Weight`, searcher-wide document frequency and average length).

use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError};

use super::exact::{open, postings};
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
                // Deleted reports still count in posting lists and totals
                // until a merge drops them, so count them on both sides.
                let (mut doc_freq, mut docs, mut tokens) = (0u64, 0u64, 0u64);
                for segment in searcher.segment_readers() {
                    let index = open(segment, Kind::Words)?;
                    doc_freq += index.find(self.key).map_or(0, |ord| u64::from(index.doc_freq(ord)));
                    docs += u64::from(segment.max_doc());
                    tokens += index.total_tokens();
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
        match index.find(self.key) {
            Some(ord) => Ok(Box::new(WordScorer { postings: postings(&index, ord)?, index, bm25: self.bm25.clone() })),
            None => Ok(Box::new(EmptyScorer)),
        }
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let index = open(reader, Kind::Words)?;
        let mut postings = index.find(self.key).map(|ord| postings(&index, ord)).transpose()?;
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
    use std::sync::Arc;

    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;
    use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
    use tantivy::{DocAddress, Index, IndexWriter, TantivyDocument, Term};

    use super::*;
    use crate::analyze::tokenizers::WordTokenizer;
    use crate::index::terms::{encode, TermPlugin};

    /// The word index scores every report as tantivy scores the same words
    /// in a text field.
    #[test]
    fn word_scores_equal_tantivy_bm25_over_the_same_words() {
        let mut builder = Schema::builder();
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
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let parts = ["坚持依法行政", "推进法治政府建设", "依法行政水平明显提高", "矛盾纠纷化解", "枫桥经验"];
        for i in 0..60 {
            let body: String = (0..1 + i % 7).map(|j| parts[(i + j * 2) % parts.len()]).collect::<Vec<_>>().join("，");
            let mut doc = TantivyDocument::new();
            doc.add_text(text, &body);
            doc.add_custom(words, &encode::words(&body));
            writer.add_document(doc).unwrap();
            if i % 25 == 24 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        for word in ["依法行政", "法治", "枫桥", "纠纷", "不存在"] {
            let theirs = TermQuery::new(Term::from_field_text(text, word), IndexRecordOption::WithFreqs);
            let ours = WordScore::new(word, 1.0);
            let top = |q: &dyn Query| -> Vec<(DocAddress, Score)> {
                let mut hits: Vec<(DocAddress, Score)> = searcher
                    .search(q, &TopDocs::with_limit(100).order_by_score())
                    .unwrap()
                    .into_iter()
                    .map(|(s, a)| (a, s))
                    .collect();
                hits.sort_by_key(|(a, _)| *a);
                hits
            };
            let (want, got) = (top(&theirs), top(&ours));
            assert_eq!(want.len(), got.len(), "{word}");
            for ((a, x), (b, y)) in want.iter().zip(&got) {
                assert_eq!(a, b, "{word}");
                assert!((x - y).abs() < 1e-4, "{word}: {x} vs {y}");
            }
            if word != "不存在" {
                assert!(!got.is_empty(), "{word}");
            }
        }
    }
}
