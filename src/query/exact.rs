//! Exact matching of one compact term against the gram index
//! (`index::terms`): its bigrams at their relative positions, with a
//! shortcut that skips the costly position check.
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

use tantivy::error::DataCorruption;
use tantivy::query::{BitSetDocSet, ConstScorer, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader, TantivyError, TERMINATED};

use crate::index::terms::{gram_key, Kind, Lookup, TermIndex, TermPostings};

pub fn open(reader: &SegmentReader, kind: Kind) -> tantivy::Result<TermIndex> {
    TermIndex::open(reader, kind).map_err(|e| damaged(reader, kind, e))
}

/// The ordinal of the term `key` (see [`TermIndex::find`]: the table
/// blocks it reads are checked the first time).
pub fn find(reader: &SegmentReader, index: &TermIndex, key: u64) -> tantivy::Result<Option<usize>> {
    index.find(key).map_err(|e| damaged(reader, index.kind(), e))
}

/// Term `ord`'s postings (checked the first time they are read).
pub fn postings(reader: &SegmentReader, index: &TermIndex, ord: usize) -> tantivy::Result<TermPostings> {
    index.postings(ord).map_err(|e| damaged(reader, index.kind(), e))
}

/// A term file that can't be read, as tantivy's data corruption naming the
/// file: damage. Another format version counts too, since the index's
/// fingerprint (checked when it opens) names the version its files were
/// written with; and a missing file was ruled out when the index opened.
pub fn damaged(reader: &SegmentReader, kind: Kind, e: anyhow::Error) -> TantivyError {
    let file = format!("{}.{}", reader.segment_id().uuid_string(), kind.extension());
    TantivyError::DataCorruption(DataCorruption::new(file.into(), format!("{e:#}")))
}

/// A term of two or more chars.
#[derive(Clone, Debug)]
pub struct ExactTerm {
    /// The term (compact, normalized): what its matches are kept under.
    key: String,
    /// (offset in the term, gram key), covering every char.
    grams: Vec<(u32, u64)>,
    /// The term's other grams: they must occur, positions unchecked.
    others: Vec<u64>,
    /// The whole term as a word (its key), whose presence proves a match.
    word: Option<u64>,
}

impl ExactTerm {
    pub fn new(key: &str, grams: Vec<(u32, u64)>, others: Vec<u64>, word: Option<u64>) -> ExactTerm {
        let others = others.into_iter().filter(|k| !grams.iter().any(|(_, g)| g == k)).collect();
        ExactTerm { key: key.to_string(), grams, others, word }
    }
}

impl Query for ExactTerm {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExactWeight { term: self.clone() }))
    }
}

struct ExactWeight {
    term: ExactTerm,
}

impl Weight for ExactWeight {
    fn scorer(&self, reader: &SegmentReader, _boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let index = open(reader, Kind::Grams)?;
        remembered(&index, &self.term.key, reader.max_doc(), || self.matcher(reader, &index))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain(self.scorer(reader, 1.0)?, doc, "ExactTerm")
    }
}

/// The reports matching `term` in the segment of `index`: from its memo
/// when known, else by `matcher`, all worked out to be kept when the term
/// was asked before ([`Memo`](crate::index::terms::Memo)).
fn remembered(
    index: &TermIndex,
    term: &str,
    max_doc: DocId,
    matcher: impl FnOnce() -> tantivy::Result<Box<dyn Scorer>>,
) -> tantivy::Result<Box<dyn Scorer>> {
    let docs = match index.memo().lookup(term) {
        Lookup::Match => return matcher(),
        Lookup::Known(docs) => docs,
        Lookup::Keep => {
            let mut matches = matcher()?;
            let mut docs = BitSet::with_max_value(max_doc);
            while matches.doc() != TERMINATED {
                docs.insert(matches.doc());
                matches.advance();
            }
            index.memo().keep(term, &docs);
            docs
        }
    };
    Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), 0.0)))
}

impl ExactWeight {
    /// Matches bigram by bigram.
    fn matcher(&self, reader: &SegmentReader, index: &TermIndex) -> tantivy::Result<Box<dyn Scorer>> {
        let mut checked = Vec::with_capacity(self.term.grams.len());
        for &(offset, key) in &self.term.grams {
            match find(reader, index, key)? {
                Some(ord) => checked.push((offset, ord)),
                None => return Ok(Box::new(EmptyScorer)),
            }
        }
        let lead = checked.iter().map(|&(_, ord)| index.doc_freq(ord)).min().unwrap_or(0);
        // Another gram joins only when much rarer than the rarest checked
        // one: then it prunes candidates before positions are read; else it
        // would only add a seek per candidate.
        let mut others = Vec::new();
        for &key in &self.term.others {
            match find(reader, index, key)? {
                Some(ord) if index.doc_freq(ord).saturating_mul(2) <= lead => others.push(ord),
                Some(_) => {}
                None => return Ok(Box::new(EmptyScorer)),
            }
        }
        let word = match self.term.word {
            Some(key) => {
                let words = open(reader, Kind::Words)?;
                find(reader, &words, key)?.map(|ord| postings(reader, &words, ord)).transpose()?
            }
            None => None,
        };
        // One checked gram (a two-char term) needs no positions.
        let check_positions = checked.len() > 1;
        let mut members = Vec::with_capacity(checked.len() + others.len());
        for (offset, ord) in checked {
            members.push(Member { offset: check_positions.then_some(offset), postings: postings(reader, index, ord)? });
        }
        for ord in others {
            members.push(Member { offset: None, postings: postings(reader, index, ord)? });
        }
        // Rarest first: it leads the intersection.
        members.sort_by_key(|m| m.postings.doc_freq());
        let max_offset = members.iter().filter_map(|m| m.offset).max().unwrap_or(0);
        let mut scorer = ExactScorer { members, word, check_positions, doc: 0, max_offset, cursors: Vec::new() };
        scorer.doc = scorer.settle(scorer.members[0].postings.doc());
        Ok(Box::new(scorer))
    }
}

fn explain(mut scorer: Box<dyn Scorer>, doc: DocId, name: &'static str) -> tantivy::Result<Explanation> {
    if scorer.seek(doc) == doc {
        Ok(Explanation::new(name, 0.0))
    } else {
        Err(TantivyError::InvalidArgument(format!("document {doc} does not match")))
    }
}

/// A one-char term: every gram starting with the char (the last char of a
/// text starts `c$`).
#[derive(Clone, Debug)]
pub struct CharTerm {
    pub c: char,
}

impl Query for CharTerm {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for CharTerm {
    fn scorer(&self, reader: &SegmentReader, _boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let index = open(reader, Kind::Grams)?;
        remembered(&index, self.c.encode_utf8(&mut [0; 4]), reader.max_doc(), || self.matcher(reader, &index))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain(self.scorer(reader, 1.0)?, doc, "CharTerm")
    }
}

impl CharTerm {
    /// The union of the char's grams.
    fn matcher(&self, reader: &SegmentReader, index: &TermIndex) -> tantivy::Result<Box<dyn Scorer>> {
        let first = gram_key(self.c, '\0');
        let mut docs = BitSet::with_max_value(reader.max_doc());
        let ords = index.range(first, first | u64::from(u32::MAX)).map_err(|e| damaged(reader, Kind::Grams, e))?;
        for ord in ords {
            let mut postings = postings(reader, index, ord)?;
            while postings.doc() < reader.max_doc() {
                docs.insert(postings.doc());
                postings.advance();
            }
            if postings.is_damaged() {
                return Err(damaged(reader, Kind::Grams, index.undecodable(ord)));
            }
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), 0.0)))
    }
}

/// One gram of the term: `offset` is set when its position is checked.
struct Member {
    offset: Option<u32>,
    postings: TermPostings,
}

struct ExactScorer {
    /// Rarest first.
    members: Vec<Member>,
    /// Absent when the word never occurs in this segment.
    word: Option<TermPostings>,
    check_positions: bool,
    doc: DocId,
    /// The largest offset of a checked gram.
    max_offset: u32,
    /// (positions in this report, walk) of each checked gram.
    cursors: Vec<(usize, Cursor)>,
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
            if !self.check_positions || self.word_proves(candidate) || self.positions_match() {
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
    /// The position lists are walked together (leapfrog), the one with the
    /// fewest positions in this report first, and the walk stops at the
    /// first occurrence: a report that opens with the term (its title) is
    /// settled after a few positions.
    fn positions_match(&mut self) -> bool {
        self.cursors.clear();
        for (i, m) in self.members.iter_mut().enumerate() {
            if let Some(offset) = m.offset {
                m.postings.decode_doc_positions();
                let cursor = Cursor { member: i, next: 0, sum: 0, shift: self.max_offset - offset };
                self.cursors.push((m.postings.position_deltas().len(), cursor));
            }
        }
        self.cursors.sort_unstable_by_key(|&(n, c)| (n, c.member));
        let members = &self.members;
        let deltas = |c: &Cursor| members[c.member].postings.position_deltas();
        let mut target = 0;
        loop {
            let mut agreed = true;
            for (_, c) in self.cursors.iter_mut() {
                let Some(at) = c.reach(deltas(c), target) else { return false };
                if at > target {
                    target = at;
                    agreed = false;
                }
            }
            if agreed {
                return true;
            }
        }
    }
}

/// A walk over one report's position deltas of a checked bigram.
#[derive(Clone, Copy)]
struct Cursor {
    member: usize,
    /// Deltas consumed so far, and their sum (the last position read).
    next: usize,
    sum: u32,
    /// Added to every position, so that one occurrence's bigrams agree.
    shift: u32,
}

impl Cursor {
    /// The first shifted position at or past `target`, if any remains.
    fn reach(&mut self, deltas: &[u32], target: u32) -> Option<u32> {
        let mut at = if self.next == 0 { None } else { Some(self.sum.wrapping_add(self.shift)) };
        while at.is_none_or(|p| p < target) {
            let &delta = deltas.get(self.next)?;
            self.sum = self.sum.wrapping_add(delta);
            self.next += 1;
            at = Some(self.sum.wrapping_add(self.shift));
        }
        at
    }
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
