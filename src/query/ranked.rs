//! Matching, then ranking: the reports of one query, each scored by the
//! ranking clauses that hold it. What a boolean query of required and
//! optional clauses means, without its cost here: tantivy scores optional
//! clauses as a union buffered 4,096 documents at a time, so each matching
//! report read a window of every ranking word's postings. With words such
//! as 法治 and 政府 in nearly every report and a filter keeping a few
//! hundred, that was 70% of a filtered query. Here each ranking clause
//! seeks to the report being scored, and only when scoring is asked for.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, TERMINATED};

#[derive(Debug)]
pub struct Ranked {
    /// Which reports match; its score is added to theirs.
    pub matching: Box<dyn Query>,
    /// Optional scores: a clause adds its score to the reports it holds.
    pub ranking: Vec<Box<dyn Query>>,
}

impl Clone for Ranked {
    fn clone(&self) -> Ranked {
        Ranked { matching: self.matching.box_clone(), ranking: self.ranking.iter().map(|q| q.box_clone()).collect() }
    }
}

impl Query for Ranked {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let matching = self.matching.weight(scoring)?;
        if !scoring.is_scoring_enabled() || self.ranking.is_empty() {
            return Ok(matching);
        }
        let ranking = self.ranking.iter().map(|q| q.weight(scoring)).collect::<tantivy::Result<_>>()?;
        Ok(Box::new(RankedWeight { matching, ranking }))
    }
}

struct RankedWeight {
    matching: Box<dyn Weight>,
    ranking: Vec<Box<dyn Weight>>,
}

impl Weight for RankedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let matching = self.matching.scorer(reader, boost)?;
        let ranking = self.ranking.iter().map(|w| w.scorer(reader, boost)).collect::<tantivy::Result<_>>()?;
        Ok(Box::new(RankedScorer { matching, ranking }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!("document {doc} does not match")));
        }
        Ok(Explanation::new("Ranked", scorer.score()))
    }
}

struct RankedScorer {
    matching: Box<dyn Scorer>,
    ranking: Vec<Box<dyn Scorer>>,
}

impl DocSet for RankedScorer {
    fn advance(&mut self) -> DocId {
        self.matching.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.matching.seek(target)
    }

    fn doc(&self) -> DocId {
        self.matching.doc()
    }

    fn size_hint(&self) -> u32 {
        self.matching.size_hint()
    }

    fn cost(&self) -> u64 {
        self.matching.cost()
    }
}

impl Scorer for RankedScorer {
    fn score(&mut self) -> Score {
        let doc = self.matching.doc();
        let mut score = self.matching.score();
        if doc == TERMINATED {
            return score;
        }
        for clause in &mut self.ranking {
            if clause.doc() < doc {
                clause.seek(doc);
            }
            if clause.doc() == doc {
                score += clause.score();
            }
        }
        score
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index, IndexWriter, Term};

    use super::*;

    /// Scores and matches are those of tantivy's own boolean query of one
    /// required and several optional clauses, over random texts.
    #[test]
    fn ranks_as_a_boolean_query_of_required_and_optional_clauses() {
        let mut builder = Schema::builder();
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 30_000_000).unwrap();
        let words = ["fa", "zhi", "zheng", "fu", "jian", "she"];
        let mut next = crate::query::draws(0x9E37_79B9_7F4A_7C15u64);
        for i in 0..3000 {
            let text: Vec<&str> = (0..1 + next(12)).map(|_| words[next(words.len())]).collect();
            writer.add_document(doc!(body => text.join(" "))).unwrap();
            if i % 1000 == 999 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(body, w), IndexRecordOption::WithFreqs))
        };
        for (required, optional) in
            [("fa", vec!["zhi", "zheng"]), ("she", vec!["fa", "fu", "jian", "she"]), ("fu", vec![])]
        {
            let matching: Box<dyn Query> = Box::new(ConstScoreQuery::new(term(required), 0.0));
            let mut clauses = vec![(Occur::Must, matching.box_clone())];
            clauses.extend(optional.iter().map(|w| (Occur::Should, term(w))));
            let theirs = BooleanQuery::new(clauses);
            let ours = Ranked { matching, ranking: optional.iter().map(|w| term(w)).collect() };
            let top = TopDocs::with_limit(4000).order_by_score();
            let (mut a, mut b) = (searcher.search(&theirs, &top).unwrap(), searcher.search(&ours, &top).unwrap());
            assert!(a.len() > 100, "{required}: {} matches", a.len());
            a.sort_by_key(|(_, address)| *address);
            b.sort_by_key(|(_, address)| *address);
            assert_eq!(a.len(), b.len(), "{required}");
            for ((sa, da), (sb, db)) in a.iter().zip(&b) {
                assert_eq!(da, db, "{required}");
                assert!((sa - sb).abs() <= 1e-5 * sa.abs().max(1.0), "{required}: {sa} against {sb}");
            }
            // explain gives the score the search gave.
            let (score, address) = b[b.len() / 2];
            let weight = ours.weight(EnableScoring::enabled_from_searcher(&searcher)).unwrap();
            let explained = weight.explain(searcher.segment_reader(address.segment_ord), address.doc_id).unwrap();
            assert!((explained.value() - score).abs() <= 1e-6, "{required}");
        }
    }
}
