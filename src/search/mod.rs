//! Running a query: parse → filters → plan → tantivy → stored fields →
//! snippets, with counts by region, year and level on request.

pub mod counts;
mod engine;
pub mod export;
pub mod field_match;
pub mod filter;
pub mod highlight;
pub mod kwic;
pub mod live_stats;
pub mod lookup;
pub mod occurrences;
pub mod snippet;
mod stop;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::index::SegmentId;
use tantivy::query::doc_predicate_query::{DocPredicateQuery, FunctionPredicate};
use tantivy::query::{BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query, TermQuery, Weight};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

use crate::analyze::folding::Folding;
use crate::analyze::units::Unit;
use crate::index::doc_check;
use crate::index::report_doc::stored_values;
use crate::index::store::{self, Reader};
use crate::index::IndexHandle;
use crate::meta::{self, Values};
use crate::query::filters::FilterSpec;
use crate::query::{self, plan, ParsedQuery};
use counts::{Counter, Dim, FacetCounts, Measure, Pivot, Tally};
pub use engine::Engine;
use filter::Catalog;
use live_stats::LiveTotals;
use occurrences::{Report, Terms};
use snippet::Snippet;
pub use stop::Stop;

/// Snippets shown per hit.
pub const SNIPPETS_PER_HIT: usize = 3;
/// Repost paths listed per hit, at most.
const MAX_REPOSTS: usize = 100;

#[derive(Clone, Debug, Default)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    /// Filters given as flags; the query may add its own.
    pub filters: FilterSpec,
    /// Take every query word as text: no years, regions or `key:value`.
    pub literal: bool,
    /// Count the matches by region, year and level.
    pub facets: bool,
    /// Count the matches in a two-way table.
    pub pivot: Option<(Dim, Dim)>,
    /// What counts count: matching reports, their share of all reports, or
    /// the terms' occurrences.
    pub measure: Measure,
    /// Every measure at once (`--pivot … --long`).
    pub every_measure: bool,
    pub sort: Sort,
    /// When nothing matches exactly, may the looser fallback (all jieba
    /// words of each term, anywhere) answer? Only a person reading text
    /// output, or whoever asks for it: counts and exports are exact.
    pub loose: bool,
    /// An empty query (no words, no filters) matches every report instead
    /// of being an error (`fazhi facets` with no arguments).
    pub all_if_empty: bool,
    /// `--within`: every term in one sentence or paragraph (the query's
    /// `within:` wins). Exact matching only.
    pub within: Option<Unit>,
    /// Stops the search midway when asked (a server's time limit).
    pub stop: Stop,
}

/// Order of the hits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first.
    #[default]
    Score,
    /// Covered year, oldest first.
    Year,
    YearDesc,
    /// Publish date, oldest first.
    Published,
    PublishedDesc,
}

impl Sort {
    pub const ALL: [Sort; 5] = [Sort::Score, Sort::Year, Sort::YearDesc, Sort::Published, Sort::PublishedDesc];

    /// The name in flags and batch requests.
    pub fn name(self) -> &'static str {
        match self {
            Sort::Score => "score",
            Sort::Year => "year",
            Sort::YearDesc => "-year",
            Sort::Published => "published",
            Sort::PublishedDesc => "-published",
        }
    }

    pub fn parse(name: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// How the hits matched: every term exactly, or (fallback) all jieba words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchMode {
    Exact,
    Loose,
}

#[derive(Debug, Serialize)]
pub struct SearchResponse {
    pub query: String,
    /// How each word of the query was read: text, or a region, year or level filter.
    pub interpretation: Vec<query::parse::Reading>,
    /// Filters applied, by name (`year`), each a list of values (any of them).
    pub filters: BTreeMap<String, Vec<String>>,
    #[serde(rename = "match")]
    pub match_mode: MatchMode,
    /// With `--within`: the unit (sentence, paragraph) every term shared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<Unit>,
    /// What was highlighted: the normalized terms (or, for a loose match, words).
    pub terms: Vec<String>,
    pub total: usize,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
    /// With `--facets`: counts of all matches by region, year and level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<FacetCounts>,
    /// With `--pivot`: a two-way table of counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pivot: Option<Pivot>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    pub id: String,
    pub path: String,
    /// The page a scraped record came from (a JSON Lines `url`), when the input gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The metadata fields ([`crate::meta::FIELDS`]), flat: `"province": "浙江省"`.
    #[serde(flatten)]
    pub meta: Values,
    /// Paths of reposts of this report (same text elsewhere), folded into it.
    pub duplicates: Vec<String>,
    /// BM25 relevance; `None` when the query has no text (filters alone rank nothing).
    pub score: Option<f32>,
    /// How many times each term occurs in the report (see [`occurrences`]).
    pub occurrences: BTreeMap<String, u64>,
    pub snippets: Vec<Snippet>,
}

/// One state of an open index: its reader and what is derived from it,
/// replaced whole when the index changes (see [`Engine`]).
pub(crate) struct Snapshot {
    handle: IndexHandle,
    reader: Reader,
    /// Facets held by the index, read on the first filter by name.
    catalog: OnceLock<Catalog>,
    /// Whether the index holds reposts at all (most don't: no lookups then).
    has_reposts: OnceLock<bool>,
    /// Ranking statistics of the live reports (of this snapshot's reader).
    live: OnceLock<LiveTotals>,
    /// The demo index of the bundled reports.
    demo: bool,
}

impl Snapshot {
    pub(crate) fn open(dir: &Path) -> Result<Snapshot> {
        let (handle, reader) = IndexHandle::open_with_reader(dir)?;
        let demo = crate::index::layout::current(dir)?.is_some_and(|(_, marker)| marker.demo);
        Ok(Snapshot {
            handle,
            reader,
            catalog: OnceLock::new(),
            has_reposts: OnceLock::new(),
            live: OnceLock::new(),
            demo,
        })
    }

    /// Whether this is the demo index built on first use from the bundled reports.
    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// The generation folder this snapshot reads.
    pub(crate) fn generation(&self) -> &Path {
        &self.handle.generation
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    pub fn catalog(&self) -> Result<&Catalog> {
        if let Some(c) = self.catalog.get() {
            return Ok(c);
        }
        let loaded = Catalog::load(&self.reader.searcher(), &self.handle.fields)?;
        Ok(self.catalog.get_or_init(|| loaded))
    }

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        let start = Instant::now();
        let parsed = query::parse(&request.query, request.literal)?;
        if parsed.is_empty() && request.filters.is_empty() && !request.all_if_empty {
            crate::bad_request!("查询为空：请给出至少一个检索词、年份或地区");
        }
        store::reading(&self.handle.dir, || self.run(request, parsed, start))
    }

    /// The query's words decided against the index (place words held or
    /// not), and all filters as clauses.
    fn understand(&self, request: &SearchRequest, mut parsed: ParsedQuery) -> Result<(ParsedQuery, filter::Resolved)> {
        if parsed.needs_places(request.literal) {
            let catalog = self.catalog()?;
            let literal = request.literal;
            parsed.settle_places(|name| catalog.holds(name), |word| (!literal).then(|| catalog.county(word)).flatten());
        }
        let spec = merged(&request.filters, &parsed.filters);
        let f = &self.handle.fields;
        let mut resolved = if spec.regions.is_empty() && spec.levels.is_empty() {
            filter::resolve(&spec, &Catalog::default(), f)?
        } else {
            filter::resolve(&spec, self.catalog()?, f)?
        };
        resolved.fields = parsed.fields.iter().map(|term| field_match::clause(f, term)).collect();
        Ok((parsed, resolved))
    }

    fn run(&self, request: &SearchRequest, parsed: ParsedQuery, start: Instant) -> Result<SearchResponse> {
        let (f, ranking) = (&self.handle.fields, &self.handle.ranking);
        let (parsed, resolved) = self.understand(request, parsed)?;
        let counter = (request.facets || request.pivot.is_some()).then(|| Counter {
            region_root: resolved.region_root.clone(),
            level_root: resolved.level_root.clone(),
            pivot: request.pivot,
            weights: None,
        });

        let searcher = self.reader.searcher();
        let within = parsed.within.or(request.within);
        // Refused before any search: nothing to count.
        if request.measure == Measure::Occurrences && parsed.must.is_empty() {
            crate::bad_request!("--measure occurrences 要数检索词出现的次数，但这个查询没有检索词（只有筛选条件）");
        }
        let (mut plan, mut terms) = self.exact_plan(&searcher, &parsed, &resolved, within, &request.stop)?;
        let mut match_mode = MatchMode::Exact;
        let mut found = self.collect(plan.query.as_ref(), request, counter.as_ref()).context("检索失败")?;
        // Terms in one sentence are terms exactly: no looser fallback.
        if found.total == 0 && request.loose && within.is_none() {
            if let Some(loose) = plan::loose(&parsed, f, ranking, &resolved.matching()) {
                found = self.collect(loose.query.as_ref(), request, counter.as_ref()).context("检索失败")?;
                terms = Terms::new(&loose.highlight, None);
                plan = loose;
                match_mode = MatchMode::Loose;
            }
        }
        let mut hits = Vec::with_capacity(found.top.len());
        let highlighter = snippet::Highlighter::with_terms(terms);
        // Filters alone rank nothing: every kept report would score the same.
        let ranked = !parsed.must.is_empty();
        for (score, address) in found.top {
            let score = ranked.then_some(score);
            let doc = doc_check::read(&self.handle, &searcher, address)?;
            hits.push(self.hit(&searcher, &doc, score, &highlighter)?);
        }
        let asked = counts::asked_years(&merged(&request.filters, &parsed.filters).years);
        let wants = |m: Measure| request.measure == m || request.every_measure;
        // Shares: the same counts over every report the filters keep, text aside.
        let all = match &counter {
            Some(counter) if wants(Measure::Share) => {
                let filters_only = ParsedQuery::default();
                let everything = plan::exact(&filters_only, f, ranking, &resolved.clauses);
                Some(searcher.search(everything.query.as_ref(), counter).context("检索失败")?)
            }
            _ => None,
        };
        // Occurrences: the same counts, each report weighing its number of occurrences.
        let occurrences = match &counter {
            Some(counter) if wants(Measure::Occurrences) && !plan.highlight.is_empty() => {
                let weights = self.occurrences(&searcher, plan.query.as_ref(), &highlighter.terms, &request.stop)?;
                let weighted = Counter { weights: Some(Arc::new(weights)), ..counter.clone() };
                Some(searcher.search(plan.query.as_ref(), &weighted).context("检索失败")?)
            }
            _ => None,
        };
        let facets = found.tally.as_ref().filter(|_| request.facets).map(|t| {
            let mut facets = match &all {
                Some(all) => FacetCounts::with_shares(t, all, &asked),
                None => FacetCounts::from(t, &asked),
            };
            if let Some(occurrences) = &occurrences {
                facets.add_occurrences(occurrences);
            }
            facets
        });
        let pivot = found.tally.as_ref().zip(request.pivot).map(|(t, (rows, columns))| {
            let mut pivot = match &all {
                Some(all) => Pivot::with_shares(t, all, rows, columns, &asked),
                None => Pivot::from(t, rows, columns, &asked),
            };
            if let Some(occurrences) = &occurrences {
                pivot.add_occurrences(occurrences);
            }
            pivot
        });
        Ok(SearchResponse {
            query: request.query.clone(),
            interpretation: parsed.readings.clone(),
            filters: resolved.echo,
            match_mode,
            within,
            terms: plan.highlight.clone(),
            total: found.total,
            took_ms: (start.elapsed().as_secs_f64() * 1e5).round() / 100.0,
            hits,
            facets,
            pivot,
        })
    }

    /// The exact plan and the terms it looks for; with `within`, narrowed
    /// to the reports where one sentence (paragraph) holds every term.
    pub(crate) fn exact_plan(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
        resolved: &filter::Resolved,
        within: Option<Unit>,
        stop: &Stop,
    ) -> Result<(plan::Plan, Terms)> {
        let f = &self.handle.fields;
        let mut plan = plan::exact(parsed, f, &self.handle.ranking, &resolved.matching());
        let terms = terms_of(parsed, &plan.highlight, within);
        if within.is_some() {
            if parsed.must.is_empty() {
                crate::bad_request!("--within 要求检索词出现在同一句（段）中，但这个查询没有检索词");
            }
            let kept = self.each_report(searcher, plan.query.as_ref(), stop, |report| Ok(terms.qualifies(report)))?;
            let mut by_segment: std::collections::HashMap<SegmentId, Vec<tantivy::DocId>> = Default::default();
            for (address, keep) in kept {
                if keep {
                    by_segment
                        .entry(searcher.segment_reader(address.segment_ord).segment_id())
                        .or_default()
                        .push(address.doc_id);
                }
            }
            let by_segment = Arc::new(by_segment);
            let predicate = FunctionPredicate::from(move |reader: &tantivy::SegmentReader| {
                let docs = by_segment.get(&reader.segment_id()).cloned().unwrap_or_default();
                Ok(move |doc: tantivy::DocId| docs.binary_search(&doc).is_ok())
            });
            let within: Box<dyn Query> =
                Box::new(ConstScoreQuery::new(Box::new(DocPredicateQuery::from(predicate)), 0.0));
            plan.query = Box::new(BooleanQuery::new(vec![(Occur::Must, plan.query), (Occur::Must, within)]));
        }
        Ok((plan, terms))
    }

    /// `judge` applied to every report `query` matches, read from its
    /// stored (and checked) text on all cores; in store order.
    fn each_report<R: Send + Sync>(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        stop: &Stop,
        judge: impl Fn(&Report) -> Result<R> + Sync,
    ) -> Result<Vec<(DocAddress, R)>> {
        let addresses =
            searcher.search(stop.guard(query).as_deref().unwrap_or(query), &DocSetCollector).context("检索失败")?;
        let mut addresses: Vec<DocAddress> = addresses.into_iter().collect();
        stop.check()?;
        // In store order: neighbours share a compressed block in the store's cache.
        addresses.sort_unstable();
        let judged = crate::parallel::map(
            &addresses,
            crate::parallel::cores(8),
            |&address| -> Result<R> {
                stop.check()?;
                crate::failpoint::slow_read();
                judge(&self.matchable(&doc_check::read(&self.handle, searcher, address)?))
            },
            || {},
        );
        addresses.into_iter().zip(judged).map(|(a, r)| Ok((a, r?))).collect()
    }

    /// A stored report's title and text as matching reads them.
    pub(crate) fn matchable(&self, doc: &TantivyDocument) -> Report {
        let f = &self.handle.fields;
        let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str());
        Report::new(text(f.of(meta::Field::Title)), text(f.body).unwrap_or_default(), &Folding::decode(text(f.folds)))
    }

    /// Each matching report's number of occurrences of the terms.
    fn occurrences(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        terms: &Terms,
        stop: &Stop,
    ) -> Result<counts::Weights> {
        let each = self.each_report(searcher, query, stop, |report| Ok(terms.spots(report).len() as u64))?;
        each.into_iter().map(Ok).collect()
    }

    /// Runs one query: the total, the requested page, and counts if asked.
    fn collect(&self, query: &dyn Query, request: &SearchRequest, counter: Option<&Counter>) -> Result<Found> {
        let searcher = self.reader.searcher();
        let totals = match self.live.get() {
            Some(totals) => totals,
            None => {
                let totals = LiveTotals::new(&searcher, &self.handle.fields)?;
                self.live.get_or_init(|| totals)
            }
        };
        let stats = totals.over(&searcher);
        // No page can reach past the number of documents: keeps collectors small.
        let docs = searcher.num_docs() as usize;
        let (limit, offset) = (request.limit.min(docs), request.offset.min(docs));
        // Counting only when asked: tantivy skips a `None` collector.
        let counter = counter.cloned();
        let guarded = request.stop.guard(query);
        let query = guarded.as_deref().unwrap_or(query);
        let (total, tally, top) = if limit == 0 {
            let (total, tally) = searcher.search(query, &(Count, counter))?;
            (total, tally, Vec::new())
        } else {
            let page = TopDocs::with_limit(limit).and_offset(offset);
            match request.sort {
                Sort::Score => {
                    searcher.search_with_statistics_provider(query, &(Count, counter, page.order_by_score()), &stats)?
                }
                Sort::Year | Sort::YearDesc | Sort::Published | Sort::PublishedDesc => {
                    let (field, order) = match request.sort {
                        Sort::Year => ("year", Order::Asc),
                        Sort::YearDesc => ("year", Order::Desc),
                        Sort::Published => ("published", Order::Asc),
                        _ => ("published", Order::Desc),
                    };
                    // tantivy puts reports lacking the value last in either order.
                    let by_field = page.order_by_fast_field::<i64>(field, order);
                    let (total, tally, top) = searcher.search(query, &(Count, counter, by_field))?;
                    // Ordered by a field; still show each hit's relevance.
                    let weight = query.weight(EnableScoring::enabled_from_statistics_provider(&stats, &searcher))?;
                    let top =
                        top.into_iter().map(|(_, addr)| (score_of(weight.as_ref(), &searcher, addr), addr)).collect();
                    (total, tally, top)
                }
            }
        };
        request.stop.check()?;
        Ok(Found { total, tally, top })
    }

    fn hit(
        &self,
        searcher: &Searcher,
        doc: &TantivyDocument,
        score: Option<f32>,
        highlighter: &snippet::Highlighter,
    ) -> Result<Hit> {
        let f = &self.handle.fields;
        let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
        let id = text(f.id).unwrap_or_default();
        let report = self.matchable(doc);
        Ok(Hit {
            duplicates: self.reposts(searcher, &id)?,
            id,
            path: text(f.path).unwrap_or_default(),
            url: provenance(doc, f)["url"].as_str().map(str::to_string),
            meta: stored_values(f, doc),
            score,
            occurrences: highlighter.occurrences(&report),
            snippets: highlighter.snippets_of(&report, SNIPPETS_PER_HIT),
        })
    }

    /// Paths of the reposts of report `id`, sorted.
    pub(crate) fn reposts(&self, searcher: &Searcher, id: &str) -> Result<Vec<String>> {
        let f = &self.handle.fields;
        let any = *self.has_reposts.get_or_init(|| searcher.doc_freq(f.every_repost().term()).is_ok_and(|n| n > 0));
        if !any || id.is_empty() {
            return Ok(Vec::new());
        }
        let query = TermQuery::new(Term::from_field_text(f.duplicate_of, id), IndexRecordOption::Basic);
        let mut paths = Vec::new();
        for (_, address) in searcher.search(&query, &TopDocs::with_limit(MAX_REPOSTS).order_by_score())? {
            let doc = doc_check::read(&self.handle, searcher, address)?;
            paths.extend(doc.get_first(f.path).and_then(|v| v.as_str()).map(str::to_string));
        }
        paths.sort();
        Ok(paths)
    }
}

struct Found {
    total: usize,
    tally: Option<Tally>,
    top: Vec<(f32, DocAddress)>,
}

/// The confidence, evidence and source a report was indexed with.
pub(crate) fn provenance(doc: &TantivyDocument, f: &crate::index::Fields) -> serde_json::Value {
    doc.get_first(f.metadata).and_then(|v| v.as_str()).and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default()
}

fn score_of(weight: &dyn Weight, searcher: &Searcher, address: DocAddress) -> f32 {
    let segment = searcher.segment_reader(address.segment_ord);
    weight.explain(segment, address.doc_id).map_or(0.0, |e| e.value())
}

/// What `parsed` looks for in a text: `keys` (the plan's highlights),
/// grouped as its terms are, within `within`.
pub(crate) fn terms_of(parsed: &ParsedQuery, keys: &[String], within: Option<Unit>) -> Terms {
    let groups: Vec<Vec<String>> = parsed.must.iter().map(|g| g.iter().map(|t| t.key.clone()).collect()).collect();
    Terms::grouped(keys, &groups, within)
}

/// Flag filters and query filters together (several values: any of them).
fn merged(flags: &FilterSpec, in_query: &FilterSpec) -> FilterSpec {
    let mut all = flags.clone();
    all.regions.extend(in_query.regions.iter().cloned());
    all.years.extend(in_query.years.iter().copied());
    all.levels.extend(in_query.levels.iter().cloned());
    all.types.extend(in_query.types.iter().cloned());
    all.published.extend(in_query.published.iter().copied());
    all
}
