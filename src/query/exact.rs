//! Exact matching of one compact term: its bigrams at their relative
//! positions, with a shortcut that skips the costly position check.
//!
//! A report whose jieba tokens include the whole term as one token contains
//! it contiguously (tokens never span punctuation or spaces), so the term
//! matches there without reading positions; only the remaining candidates,
//! where jieba split the term differently, have their bigram positions
//! verified. Which reports match is exactly the bigram-phrase answer.
//!
//! The bigrams left out of the position check (the odd ones of a tiling)
//! still have to occur somewhere in a matching report, so they join the
//! document-level intersection: that rejects most candidates of a term like
//! 综合行政执法 (whose 行政 and 执法 are everywhere) from posting lists
//! alone, before any position is read.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, PhraseQuery, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

#[derive(Clone, Debug)]
pub struct ExactTerm {
    /// (offset in the term, bigram term), covering every char; at least two.
    grams: Vec<(usize, Term)>,
    /// The term's other bigrams: they must occur, positions unchecked.
    others: Vec<Term>,
    /// The whole term as a word token, whose presence proves a match.
    word: Term,
}

impl ExactTerm {
    pub fn new(grams: Vec<(usize, Term)>, others: Vec<Term>, word: Term) -> ExactTerm {
        let others = others.into_iter().filter(|t| !grams.iter().any(|(_, g)| g == t)).collect();
        ExactTerm { grams, others, word }
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
        for t in &self.others {
            visitor(t, false);
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
        let grams_index = reader.inverted_index(self.term.grams[0].1.field())?;
        let mut checked = Vec::with_capacity(self.term.grams.len());
        for (offset, term) in &self.term.grams {
            match grams_index.get_term_info(term)? {
                Some(info) => checked.push((*offset as u32, info)),
                None => return Ok(Box::new(EmptyScorer)),
            }
        }
        let lead = checked.iter().map(|(_, info)| info.doc_freq).min().unwrap_or(0);
        // Another bigram joins only when much rarer than the rarest checked
        // one: then it prunes candidates before positions are read; else it
        // would only add a seek per candidate.
        let mut others = Vec::new();
        for term in &self.term.others {
            match grams_index.get_term_info(term)? {
                Some(info) if info.doc_freq.saturating_mul(2) <= lead => others.push(info),
                Some(_) => {}
                None => return Ok(Box::new(EmptyScorer)),
            }
        }
        if word.is_none() && others.is_empty() {
            // Nothing to add to tantivy's phrase scorer, which is tuned for that.
            return self.phrase.scorer(reader, boost);
        }
        let mut members = Vec::with_capacity(checked.len() + others.len());
        for (offset, info) in checked {
            let postings = grams_index.read_postings_from_terminfo(&info, IndexRecordOption::WithFreqsAndPositions)?;
            members.push(Member { offset: Some(offset), postings });
        }
        for info in others {
            let postings = grams_index.read_postings_from_terminfo(&info, IndexRecordOption::Basic)?;
            members.push(Member { offset: None, postings });
        }
        // Rarest first: it leads the intersection.
        members.sort_by_key(|m| m.postings.doc_freq());
        let max_offset = members.iter().filter_map(|m| m.offset).max().unwrap_or(0);
        let mut scorer = ExactScorer {
            members,
            word,
            doc: 0,
            max_offset,
            order: Vec::new(),
            starts: Vec::new(),
            buffer: Vec::new(),
        };
        scorer.doc = scorer.settle(scorer.members[0].postings.doc());
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

/// One bigram of the term: `offset` is set when its position is checked.
struct Member {
    offset: Option<u32>,
    postings: SegmentPostings,
}

struct ExactScorer {
    /// Rarest first.
    members: Vec<Member>,
    /// Absent when the word never occurs in this segment.
    word: Option<SegmentPostings>,
    doc: DocId,
    /// The largest offset of a checked bigram.
    max_offset: u32,
    /// (positions in this report, member, shift) of the checked bigrams.
    order: Vec<(u32, usize, u32)>,
    starts: Vec<u32>,
    buffer: Vec<u32>,
}

impl ExactScorer {
    /// The first matching document at or after `candidate`.
    fn settle(&mut self, mut candidate: DocId) -> DocId {
        loop {
            if candidate == TERMINATED {
                return TERMINATED;
            }
            // All bigrams on one document (leapfrog).
            let mut aligned = true;
            for member in self.members.iter_mut() {
                let at = member.postings.seek(candidate);
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
            candidate = self.members[0].postings.advance();
        }
    }

    fn word_proves(&mut self, doc: DocId) -> bool {
        let Some(word) = self.word.as_mut() else { return false };
        if word.doc() < doc {
            word.seek(doc);
        }
        word.doc() == doc
    }

    /// Some start position where every checked bigram sits at its offset.
    /// Bigrams with the fewest positions in this report go first, so a
    /// mismatch usually shows before the frequent ones are decoded.
    fn positions_match(&mut self) -> bool {
        self.order.clear();
        for (i, m) in self.members.iter().enumerate() {
            if let Some(offset) = m.offset {
                // Shifted so that every bigram of one occurrence lands on the same number.
                self.order.push((m.postings.term_freq(), i, self.max_offset - offset));
            }
        }
        self.order.sort_unstable();
        let mut first = true;
        for &(_, i, shift) in &self.order {
            let postings = &mut self.members[i].postings;
            if first {
                postings.positions_with_offset(shift, &mut self.starts);
                first = false;
                continue;
            }
            postings.positions_with_offset(shift, &mut self.buffer);
            intersect(&mut self.starts, &self.buffer);
            if self.starts.is_empty() {
                return false;
            }
        }
        !self.starts.is_empty()
    }
}

/// Keeps the values of sorted `left` that are also in sorted `right`.
fn intersect(left: &mut Vec<u32>, right: &[u32]) {
    let (mut i, mut j, mut kept) = (0, 0, 0);
    while i < left.len() && j < right.len() {
        match left[i].cmp(&right[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                left[kept] = left[i];
                kept += 1;
                i += 1;
                j += 1;
            }
        }
    }
    left.truncate(kept);
}

impl DocSet for ExactScorer {
    fn advance(&mut self) -> DocId {
        let next = self.members[0].postings.advance();
        self.doc = self.settle(next);
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let at = self.members[0].postings.seek(target);
        self.doc = self.settle(at);
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.members[0].postings.size_hint()
    }
}

impl Scorer for ExactScorer {
    fn score(&mut self) -> Score {
        0.0
    }
}
