//! Parsed query → tantivy query.
//!
//! Matching and ranking are separate: every term is matched exactly as a
//! phrase of character bigrams in the gram index (score 0), and ranking comes from optional
//! BM25 clauses over the jieba words of the terms, title above body. So which
//! reports match never depends on how jieba segmented their text.

use std::collections::BTreeSet;

use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use super::exact::{CharTerm, ExactTerm};
use super::rank::WordScore;
use super::{ParsedQuery, QueryTerm};
use crate::analyze::{is_word_char, query_dict};
use crate::index::schema::Ranking;
use crate::index::terms::{gram_key, word_key};
use crate::index::Fields;

/// Words of a long query beyond this many add no ranking clauses.
const MAX_RANKING_WORDS: usize = 64;

pub struct Plan {
    pub query: Box<dyn Query>,
    /// Normalized, compact strings to highlight in snippets.
    pub highlight: Vec<String>,
}

/// Exact semantics: every group must match, terms as contiguous text; each
/// of `filters` must hold too (they decide nothing about the text).
pub fn exact(q: &ParsedQuery, f: &Fields, ranking: &Ranking, filters: &[Box<dyn Query>]) -> Plan {
    let groups: Vec<Vec<Vec<String>>> =
        q.must.iter().map(|g| g.iter().map(|t| vec![t.key.clone()]).collect()).collect();
    assemble(q, &groups, f, ranking, filters)
}

/// The looser fallback: each unquoted term becomes "all of its jieba words,
/// anywhere". `None` when that would not loosen anything.
pub fn loose(q: &ParsedQuery, f: &Fields, ranking: &Ranking, filters: &[Box<dyn Query>]) -> Option<Plan> {
    let mut loosened = false;
    let groups: Vec<Vec<Vec<String>>> = q
        .must
        .iter()
        .map(|g| {
            g.iter()
                .map(|t| {
                    let words = loose_words(t);
                    loosened |= words.len() > 1;
                    words
                })
                .collect()
        })
        .collect();
    loosened.then(|| assemble(q, &groups, f, ranking, filters))
}

/// The jieba words a term loosens to (the term itself when quoted).
pub fn loose_words(term: &QueryTerm) -> Vec<String> {
    if term.phrase {
        return vec![term.key.clone()];
    }
    let mut seen = BTreeSet::new();
    query_dict::cut(&term.key).into_iter().filter(|w| seen.insert(*w)).map(str::to_string).collect()
}

/// `groups[g][alt]` is a list of strings that must all occur.
fn assemble(
    q: &ParsedQuery,
    groups: &[Vec<Vec<String>>],
    f: &Fields,
    ranking: &Ranking,
    filters: &[Box<dyn Query>],
) -> Plan {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut highlight = BTreeSet::new();
    for group in groups {
        let alternatives: Vec<Box<dyn Query>> = group
            .iter()
            .map(|all| {
                highlight.extend(all.iter().cloned());
                all_of(all.iter().map(|key| contains(key)).collect())
            })
            .collect();
        clauses.push((Occur::Must, filter(any_of(alternatives))));
    }
    // One clause for all filters: the intersection then leads with the
    // filters and verifies phrases (positions, the costly part) only on
    // reports that pass every filter.
    if !filters.is_empty() {
        let all: Vec<Box<dyn Query>> = filters.iter().map(|q| q.box_clone()).collect();
        clauses.push((Occur::Must, filter(all_of(all))));
    }
    if clauses.is_empty() {
        clauses.push((Occur::Must, Box::new(f.every_report())));
    }
    for term in &q.must_not {
        clauses.push((Occur::MustNot, contains(&term.key)));
    }
    clauses.extend(ranking_clauses(q, f, ranking));
    // Longest first, so a highlight prefers 枫桥经验 over 枫桥.
    let mut highlight: Vec<String> = highlight.into_iter().collect();
    highlight.sort_by_key(|h| std::cmp::Reverse(h.chars().count()));
    Plan { query: Box::new(BooleanQuery::new(clauses)), highlight }
}

/// BM25 over the jieba words of the positive terms: optional clauses that
/// order the matches without deciding them. The query is cut in jieba's
/// default mode (枫桥经验, not also 枫桥 and 经验): documents are indexed in
/// search mode, which holds every default-mode word, and each extra word
/// is one more scorer on every matching report. [`query_dict::cut`] cuts as
/// the indexer's dictionary does without loading it.
fn ranking_clauses(q: &ParsedQuery, f: &Fields, ranking: &Ranking) -> Vec<(Occur, Box<dyn Query>)> {
    let mut words = BTreeSet::new();
    for term in q.positive_terms() {
        words.extend(query_dict::cut(&term.key).into_iter().filter(|w| w.chars().any(is_word_char)));
    }
    let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for word in words.into_iter().take(MAX_RANKING_WORDS) {
        let title = TermQuery::new(Term::from_field_text(f.title_words, word), IndexRecordOption::WithFreqs);
        out.push((Occur::Should, Box::new(BoostQuery::new(Box::new(title), ranking.title_words))));
        out.push((Occur::Should, Box::new(WordScore::new(word, ranking.body_words))));
    }
    out
}

/// Reports whose text (title included) contains `key` (compact, normalized).
fn contains(key: &str) -> Box<dyn Query> {
    let chars: Vec<char> = key.chars().collect();
    let gram = |i: usize| gram_key(chars[i], chars[i + 1]);
    match chars.len() {
        0 => Box::new(EmptyQuery),
        1 => Box::new(CharTerm { c: chars[0] }),
        2 => Box::new(ExactTerm::new(vec![(0, gram(0))], Vec::new(), None)),
        // Non-overlapping grams at even offsets (plus the last one) cover
        // every char, so half the posting lists suffice for positions.
        n => {
            let mut offsets: Vec<usize> = (0..n - 1).step_by(2).collect();
            if offsets.last().map(|o| o + 2) != Some(n) {
                offsets.push(n - 2);
            }
            let checked = offsets.iter().map(|&o| (o as u32, gram(o))).collect();
            let others = (0..n - 1).filter(|o| !offsets.contains(o)).map(gram).collect();
            Box::new(ExactTerm::new(checked, others, Some(word_key(key))))
        }
    }
}

fn filter(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

fn any_of(mut qs: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if qs.len() == 1 {
        return qs.pop().expect("one element");
    }
    Box::new(BooleanQuery::new(qs.into_iter().map(|q| (Occur::Should, q)).collect()))
}

fn all_of(mut qs: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if qs.len() == 1 {
        return qs.pop().expect("one element");
    }
    Box::new(BooleanQuery::new(qs.into_iter().map(|q| (Occur::Must, q)).collect()))
}
