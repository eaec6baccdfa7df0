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
use super::ranked::Ranked;
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

/// Queries of more terms than this get no looser fallback: nobody means
/// "all of these 1,000 terms' words, anywhere", and single-char words cost a
/// union over every gram they start (a 1,000-term query took 1.2 s at 20k
/// reports, nearly all of it there).
const MAX_LOOSE_TERMS: usize = 64;

/// The looser fallback: each unquoted term becomes "all of its jieba words,
/// anywhere". `None` when that would not loosen anything, or the query is
/// longer than [`MAX_LOOSE_TERMS`].
pub fn loose(q: &ParsedQuery, f: &Fields, ranking: &Ranking, filters: &[Box<dyn Query>]) -> Option<Plan> {
    if q.must.iter().map(Vec::len).sum::<usize>() > MAX_LOOSE_TERMS {
        return None;
    }
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
    let query = Ranked { matching: Box::new(BooleanQuery::new(clauses)), ranking: ranking_clauses(q, f, ranking) };
    // Longest first, so a highlight prefers 枫桥经验 over 枫桥.
    let mut highlight: Vec<String> = highlight.into_iter().collect();
    highlight.sort_by_key(|h| std::cmp::Reverse(h.chars().count()));
    Plan { query: Box::new(query), highlight }
}

/// BM25 over the jieba words of the positive terms: clauses that order the
/// matches without deciding them ([`Ranked`]). The query is cut in jieba's
/// default mode (枫桥经验, not also 枫桥 and 经验): documents are indexed in
/// search mode, which holds every default-mode word, and each extra word
/// is one more scorer on every matching report. [`query_dict::cut`] cuts as
/// the indexer's dictionary does without loading it.
fn ranking_clauses(q: &ParsedQuery, f: &Fields, ranking: &Ranking) -> Vec<Box<dyn Query>> {
    let mut words = BTreeSet::new();
    for term in q.positive_terms() {
        words.extend(query_dict::cut(&term.key).into_iter().filter(|w| w.chars().any(is_word_char)));
    }
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    for word in words.into_iter().take(MAX_RANKING_WORDS) {
        let title = TermQuery::new(Term::from_field_text(f.title_words, word), IndexRecordOption::WithFreqs);
        out.push(Box::new(BoostQuery::new(Box::new(title), ranking.title_words)));
        out.push(Box::new(WordScore::new(word, ranking.body_words)));
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
        2 => Box::new(ExactTerm::new(key, vec![(0, gram(0))], Vec::new(), None)),
        // Non-overlapping grams at even offsets (plus the last one) cover
        // every char, so half the posting lists suffice for positions.
        n => {
            let mut offsets: Vec<usize> = (0..n - 1).step_by(2).collect();
            if offsets.last().map(|o| o + 2) != Some(n) {
                offsets.push(n - 2);
            }
            let checked = offsets.iter().map(|&o| (o as u32, gram(o))).collect();
            let others = (0..n - 1).filter(|o| !offsets.contains(o)).map(gram).collect();
            Box::new(ExactTerm::new(key, checked, others, Some(word_key(key))))
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

#[cfg(test)]
mod tests {

    use tantivy::collector::DocSetCollector;
    use tantivy::schema::{Schema, Value, STORED, STRING};
    use tantivy::{Index, IndexBuilder, IndexWriter, TantivyDocument};

    use super::*;
    use crate::analyze::compact;
    use crate::index::terms::{self, encode, Kind};

    /// Texts of four chars repeated in every order give each bigram many
    /// positions per report, and partial occurrences everywhere: the
    /// position check must find a term exactly where the text holds it,
    /// across punctuation, in any position of the report.
    #[test]
    fn contains_matches_exactly_the_reports_whose_text_holds_the_term() {
        let mut builder = Schema::builder();
        let text = builder.add_text_field("text", STRING | STORED);
        let grams = builder.add_custom_field("grams", Kind::Grams.type_name(), serde_json::json!({}));
        let words = builder.add_custom_field("words", Kind::Words.type_name(), serde_json::json!({}));
        let index = terms::plugins()
            .fold(Index::builder().schema(builder.build()), IndexBuilder::register_plugin)
            .create_in_ram()
            .unwrap();
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 30_000_000).unwrap();
        let alphabet: Vec<char> = "法治政府，".chars().collect();
        let mut next = crate::query::draws(0x2545_f491_4f6c_dd1du64);
        let mut texts = Vec::new();
        for i in 0..400 {
            let len = 10 + next(240);
            let body: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            let mut doc = TantivyDocument::new();
            doc.add_text(text, &body);
            doc.add_custom(grams, &encode::grams(&[&body]));
            doc.add_custom(words, &encode::words(&body));
            writer.add_document(doc).unwrap();
            texts.push(compact(&body));
            if i == 199 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        // Held, as an engine holds its segments: term indexes are cached,
        // and with them what their memos keep.
        let _held = terms::reader::hold(searcher.segment_readers().iter().map(|r| r.segment_id()).collect());
        let (mut some, mut none) = (0, 0);
        for _ in 0..150 {
            let len = 1 + next(9);
            let key: String = (0..len).map(|_| alphabet[next(4)]).collect();
            let want = texts.iter().filter(|t| t.contains(&key)).count();
            // Matched, matched whole and kept, then read from the memo.
            let found = searcher.search(&*contains(&key), &DocSetCollector).unwrap();
            for asked in 2..=3 {
                let again = searcher.search(&*contains(&key), &DocSetCollector).unwrap();
                assert_eq!(again, found, "{key}, asked {asked} times");
            }
            for address in &found {
                let doc: TantivyDocument = searcher.doc(*address).unwrap();
                let body = doc.get_first(text).and_then(|v| v.as_str()).unwrap();
                assert!(compact(body).contains(&key), "{key} is not in {body}");
            }
            assert_eq!(found.len(), want, "{key}");
            if want == 0 {
                none += 1;
            } else if want < texts.len() {
                some += 1;
            }
        }
        // The terms drawn must test both outcomes, not all-or-nothing.
        assert!(some > 20 && none > 20, "{some} partial, {none} absent");
        // And the memo must have been used.
        for reader in searcher.segment_readers() {
            let kept = terms::TermIndex::open(reader, Kind::Grams).unwrap().memo().kept();
            assert!(kept > 20, "segment kept {kept} terms");
        }
    }
}
