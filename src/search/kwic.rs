//! The concordance (`fazhi kwic`): one line per occurrence of each term in
//! the matching reports, with its context as written in the report.
//!
//! Occurrences are those of [`super::occurrences`]: found in the text as
//! matching reads it, each term's non-overlapping from the left, only in
//! the sentences (paragraphs) that hold every term under `--within`. So
//! the lines of a report are exactly its `occurrences`, term by term.

use std::cmp::Ordering;
use std::sync::Arc;

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::schema::{Field, Value};
use tantivy::DocAddress;

use super::occurrences::{Part, Spot};
use super::{doc_check, terms_of, SearchRequest, Snapshot};
use crate::analyze::units::Unit;
use crate::analyze::{is_word_char, normalize};
use crate::index::report_doc::stored_values;
use crate::index::store;
use crate::meta::{self, Values};
use crate::query::{self, parse::Reading};

/// Reports read between two hand-overs: bounds memory, paces progress.
const CHUNK: usize = 256;

/// How the lines are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// Reports in index order, occurrences in text order.
    #[default]
    Report,
    /// By the context left of the match, read outward (nearest char first).
    Left,
    /// By the context right of the match.
    Right,
}

#[derive(Clone, Debug)]
pub struct KwicRequest {
    /// Query, filters, `literal` and `within` as for search.
    pub search: SearchRequest,
    /// Chars of context on each side.
    pub context: usize,
    pub order: Order,
    /// Lines handed over, at most (`None`: all).
    pub limit: Option<usize>,
}

/// One occurrence with its context and its report.
#[derive(Clone, Debug, Serialize)]
pub struct Line {
    pub id: String,
    pub path: String,
    /// The report's [`LINE_FIELDS`], shared by its lines.
    #[serde(flatten)]
    pub meta: LineMeta,
    /// `text`, or `title` for a title the text does not hold.
    pub part: Part,
    /// The term (normalized, compact) this is an occurrence of.
    pub term: String,
    /// Where the match starts, in chars of the report's text (or title).
    pub offset: usize,
    /// Its length in chars, punctuation inside it included.
    pub length: usize,
    pub left: String,
    /// The match as written in the report (a line break inside it included).
    #[serde(rename = "match")]
    pub matched: String,
    pub right: String,
    /// Report order and sort keys: not written out.
    #[serde(skip)]
    rank: (usize, u8, usize, usize),
    #[serde(skip)]
    key: String,
}

/// The metadata fields a line carries, after its id and path: where
/// and when it was said (the rest is a `fazhi show` away).
pub const LINE_FIELDS: [meta::Field; 7] = [
    meta::Field::Title,
    meta::Field::Unit,
    meta::Field::Province,
    meta::Field::City,
    meta::Field::County,
    meta::Field::Township,
    meta::Field::Year,
];

/// A report's metadata as a line shows it: its [`LINE_FIELDS`].
#[derive(Clone, Debug)]
pub struct LineMeta(pub Arc<Values>);

impl Serialize for LineMeta {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_fields(LINE_FIELDS.into_iter(), serializer)
    }
}

/// What the concordance covered.
#[derive(Debug)]
pub struct Concordance {
    /// Occurrences found (lines handed over or not).
    pub total: usize,
    /// Reports with at least one occurrence.
    pub reports: usize,
    /// Reports the query and filters match.
    pub matched: usize,
    pub interpretation: Vec<Reading>,
    pub terms: Vec<String>,
    pub within: Option<Unit>,
}

impl Snapshot {
    /// Every occurrence of the query's terms in the reports it matches
    /// exactly, handed to `each` in `request.order` (up to `request.limit`
    /// lines); `progress(done, of)` as reports are read.
    pub fn kwic(
        &self,
        request: &KwicRequest,
        progress: &(dyn Fn(usize, usize) + Sync),
        mut each: impl FnMut(&Line) -> Result<()>,
    ) -> Result<Concordance> {
        let search = &request.search;
        let parsed = query::parse(&search.query, search.literal)?;
        store::reading(&self.handle.dir, || {
            let (parsed, resolved) = self.understand(search, parsed)?;
            if parsed.must.is_empty() {
                crate::bad_request!("索引行要列出检索词的每一处出现，但这个查询没有检索词（只有筛选条件）");
            }
            let searcher = self.reader.searcher();
            let within = parsed.within.or(search.within);
            // Lines come only from units holding every term: no report filter needed.
            let (plan, _) = self.exact_plan(&searcher, &parsed, &resolved, None, &search.stop)?;
            let terms = terms_of(&parsed, &plan.highlight, within);
            let mut addresses: Vec<DocAddress> =
                searcher.search(plan.query.as_ref(), &DocSetCollector).context("检索失败")?.into_iter().collect();
            addresses.sort_unstable();
            let f = &self.handle.fields;
            let limit = request.limit.unwrap_or(usize::MAX);
            let (mut total, mut reports, mut handed) = (0, 0, 0);
            let mut kept: Vec<Line> = Vec::new();
            for (n, chunk) in addresses.chunks(CHUNK).enumerate() {
                let ranked: Vec<(usize, DocAddress)> =
                    chunk.iter().enumerate().map(|(i, &a)| (n * CHUNK + i, a)).collect();
                let lines = crate::parallel::map(
                    &ranked,
                    crate::parallel::cores(8),
                    |&(rank, address)| -> Result<Vec<Line>> {
                        let doc = doc_check::read(&self.handle, &searcher, address)?;
                        let report = self.matchable(&doc);
                        let spots = terms.spots(&report);
                        let owned = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
                        let meta = Arc::new(stored_values(f, &doc));
                        Ok(spots
                            .into_iter()
                            .map(|spot| {
                                let chars = match spot.part {
                                    Part::Text => &report.text.chars,
                                    Part::Title => &report.title.as_ref().expect("title spots need a title").chars,
                                };
                                let mut line = Line {
                                    id: owned(f.id).unwrap_or_default(),
                                    path: owned(f.path).unwrap_or_default(),
                                    meta: LineMeta(meta.clone()),
                                    part: spot.part,
                                    term: terms.keys[spot.key].clone(),
                                    offset: spot.chars.start,
                                    length: spot.chars.len(),
                                    left: String::new(),
                                    matched: String::new(),
                                    right: String::new(),
                                    rank: (rank, spot.part as u8, spot.chars.start, spot.key),
                                    key: String::new(),
                                };
                                fill(&mut line, chars, &spot, request.context, request.order);
                                line
                            })
                            .collect())
                    },
                    || {},
                );
                for lines in lines {
                    let lines = lines?;
                    total += lines.len();
                    reports += !lines.is_empty() as usize;
                    if request.order == Order::Report {
                        let mut lines = lines;
                        lines.sort_by_key(|l| l.rank);
                        for line in lines.iter().take(limit.saturating_sub(handed)) {
                            each(line)?;
                            handed += 1;
                        }
                    } else {
                        kept.extend(lines);
                    }
                }
                // Only the first `limit` lines in order can be handed over.
                if kept.len() > limit.saturating_mul(2).max(4096) {
                    kept.sort_by(by_key);
                    kept.truncate(limit);
                }
                progress(((n + 1) * CHUNK).min(addresses.len()), addresses.len());
            }
            kept.sort_by(by_key);
            for line in kept.iter().take(limit) {
                each(line)?;
            }
            Ok(Concordance {
                total,
                reports,
                matched: addresses.len(),
                interpretation: parsed.readings.clone(),
                terms: terms.keys.clone(),
                within,
            })
        })
    }
}

fn by_key(a: &Line, b: &Line) -> Ordering {
    a.key.cmp(&b.key).then_with(|| a.rank.cmp(&b.rank))
}

/// The line's context and match, cut at line ends, and its sort key: the
/// side sorted on, read outward from the match, as matching reads it
/// (normalized, punctuation skipped).
fn fill(line: &mut Line, chars: &[char], spot: &Spot, context: usize, order: Order) {
    let (start, end) = (spot.chars.start, spot.chars.end);
    let mut from = start.saturating_sub(context);
    if let Some(nl) = chars[from..start].iter().rposition(|&c| c == '\n') {
        from += nl + 1;
    }
    let mut to = (end + context).min(chars.len());
    if let Some(nl) = chars[end..to].iter().position(|&c| c == '\n') {
        to = end + nl;
    }
    line.left = chars[from..start].iter().collect();
    line.matched = chars[start..end].iter().collect();
    line.right = chars[end..to].iter().collect();
    let words = |s: &str| normalize(s).chars().filter(|&c| is_word_char(c)).collect::<Vec<char>>();
    line.key = match order {
        Order::Report => String::new(),
        Order::Left => words(&line.left).into_iter().rev().collect(),
        Order::Right => words(&line.right).into_iter().collect(),
    };
}
