//! Exact matching of one compact term: its bigrams at their relative
//! positions, with a shortcut that skips the costly position check.
//!
//! A report whose jieba tokens include the whole term as one token contains
//! it contiguously (tokens never span punctuation or spaces), so the term
//! matches there without reading positions; only the remaining candidates,
//! where jieba split the term differently, have their bigram positions
//! verified. Which reports match is exactly the bigram-phrase answer.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, PhraseQuery, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

#[derive(Clone, Debug)]
pub struct ExactTerm {
    /// (offset in the term, bigram term), covering every char; at least two.
    grams: Vec<(usize, Term)>,
    /// The whole term as a word token, whose presence proves a match.
    word: Term,
}

impl ExactTerm {
    pub fn new(grams: Vec<(usize, Term)>, word: Term) -> ExactTerm {
        ExactTerm { grams, word }
    }
}

impl Query for ExactTerm {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let phrase = PhraseQuery::new_with_offset(self.grams.clone()).weight(scoring)?;
        Ok(Box::new(ExactWeight { term: self.clone(), phrase }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, t) in &self.grams {
            visitor(t, true);
        }
    }
}

struct ExactWeight {
    term: ExactTerm,
    /// tantivy's own phrase matching, for segments where the word never occurs.
    phrase: Box<dyn Weight>,
}

impl Weight for ExactWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let word =
            reader.inverted_index(self.term.word.field())?.read_postings(&self.term.word, IndexRecordOption::Basic)?;
        let Some(word) = word else {
            // No shortcut anywhere in this segment: tantivy's phrase scorer is tuned for that.
            return self.phrase.scorer(reader, boost);
        };
        let grams_index = reader.inverted_index(self.term.grams[0].1.field())?;
        let mut grams = Vec::with_capacity(self.term.grams.len());
        for (offset, term) in &self.term.grams {
            match grams_index.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
                Some(p) => grams.push((*offset as u32, p)),
                None => return Ok(Box::new(EmptyScorer)),
            }
        }
        // Rarest first: it leads the intersection.
        grams.sort_by_key(|(_, p)| p.doc_freq());
        let mut scorer =
            ExactScorer { grams, word, doc: 0, starts: Vec::new(), buffer: Vec::new(), shifted: Vec::new() };
        scorer.doc = scorer.settle(scorer.grams[0].1.doc());
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) == doc {
            Ok(Explanation::new("ExactTerm", 0.0))
        } else {
            Err(TantivyError::InvalidArgument(format!("document {doc} does not match")))
        }
    }
}

struct ExactScorer {
    grams: Vec<(u32, SegmentPostings)>,
    word: SegmentPostings,
    doc: DocId,
    starts: Vec<u32>,
    buffer: Vec<u32>,
    shifted: Vec<u32>,
}

impl ExactScorer {
    /// The first matching document at or after `candidate`.
    fn settle(&mut self, mut candidate: DocId) -> DocId {
        loop {
            if candidate == TERMINATED {
                return TERMINATED;
            }
            // All grams on one document (leapfrog).
            let mut aligned = true;
            for (_, postings) in self.grams.iter_mut() {
                let at = postings.seek(candidate);
                if at != candidate {
                    candidate = at;
                    aligned = false;
                    break;
                }
            }
            if !aligned {
                continue;
            }
            if self.word_proves(candidate) || self.positions_match() {
                return candidate;
            }
            candidate = self.grams[0].1.advance();
        }
    }

    fn word_proves(&mut self, doc: DocId) -> bool {
        if self.word.doc() < doc {
            self.word.seek(doc);
        }
        self.word.doc() == doc
    }

    /// Some start position where every gram sits at its offset.
    fn positions_match(&mut self) -> bool {
        let (offset, first) = &mut self.grams[0];
        self.starts.clear();
        first.positions(&mut self.buffer);
        self.starts.extend(self.buffer.iter().filter_map(|p| p.checked_sub(*offset)));
        for (offset, postings) in self.grams.iter_mut().skip(1) {
            postings.positions(&mut self.buffer);
            self.shifted.clear();
            self.shifted.extend(self.buffer.iter().filter_map(|p| p.checked_sub(*offset)));
            let shifted = &self.shifted;
            // Both sorted: keep the common starts.
            let mut j = 0;
            self.starts.retain(|s| {
                while j < shifted.len() && shifted[j] < *s {
                    j += 1;
                }
                j < shifted.len() && shifted[j] == *s
            });
            if self.starts.is_empty() {
                return false;
            }
        }
        !self.starts.is_empty()
    }
}

impl DocSet for ExactScorer {
    fn advance(&mut self) -> DocId {
        let next = self.grams[0].1.advance();
        self.doc = self.settle(next);
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let at = self.grams[0].1.seek(target);
        self.doc = self.settle(at);
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.grams[0].1.size_hint()
    }
}

impl Scorer for ExactScorer {
    fn score(&mut self) -> Score {
        0.0
    }
}
