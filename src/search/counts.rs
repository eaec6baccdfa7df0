//! Counting matching reports by region, year and level, one pass over fast
//! fields: the `--facets` block, `fazhi facets` and `--pivot` tables.
//!
//! Regions and levels are counted one level below the current root (the
//! single region or level filtered on, else the top): provinces, or a
//! province's cities, …; levels, or a level's unit types.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::fastfield::FacetReader;
use tantivy::schema::Facet;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// What a count counts (`--measure`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// Matching reports.
    #[default]
    Reports,
    /// Matching reports ÷ all reports of that bucket or cell under the same
    /// filters with no text query: comparable across places and years of
    /// different sizes.
    Share,
    /// How many times the query's terms occur in the matching reports.
    Occurrences,
}

impl Measure {
    pub const ALL: [Measure; 3] = [Measure::Reports, Measure::Share, Measure::Occurrences];

    pub fn name(self) -> &'static str {
        match self {
            Measure::Reports => "reports",
            Measure::Share => "share",
            Measure::Occurrences => "occurrences",
        }
    }

    pub fn parse(name: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// A dimension to count by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dim {
    Region,
    Year,
    Level,
    Type,
}

impl Dim {
    pub const ALL: [Dim; 4] = [Dim::Region, Dim::Year, Dim::Level, Dim::Type];

    /// From its name (`region`, `year`, `level`, `type`), in any case.
    pub fn parse(name: &str) -> Option<Dim> {
        Dim::ALL.into_iter().find(|d| d.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The name in JSON and CSV headers.
    pub fn name(self) -> &'static str {
        match self {
            Dim::Region => "region",
            Dim::Year => "year",
            Dim::Level => "level",
            Dim::Type => "type",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Dim::Region => "地区",
            Dim::Year => "年份",
            Dim::Level => "级别",
            Dim::Type => "类型",
        }
    }
}

/// A bucket: a place, year or level; `None` for unknown.
pub type Key = Option<String>;

/// Each report's weight when counting occurrences; a report not in the
/// map weighs 0.
pub type Weights = HashMap<DocAddress, u64>;

/// What to count, and under which roots.
#[derive(Clone, Default)]
pub struct Counter {
    pub region_root: Vec<String>,
    pub level_root: Vec<String>,
    pub pivot: Option<(Dim, Dim)>,
    /// Count each report as its weight instead of 1 (occurrences).
    pub weights: Option<Arc<Weights>>,
}

#[derive(Default, Debug)]
pub struct Tally {
    pub region: HashMap<Key, u64>,
    pub year: HashMap<Key, u64>,
    pub level: HashMap<Key, u64>,
    pub doc_type: HashMap<Key, u64>,
    pub pivot: HashMap<(Key, Key), u64>,
    pub total: u64,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        for (mine, theirs) in [
            (&mut self.region, other.region),
            (&mut self.year, other.year),
            (&mut self.level, other.level),
            (&mut self.doc_type, other.doc_type),
        ] {
            for (k, n) in theirs {
                *mine.entry(k).or_default() += n;
            }
        }
        for (k, n) in other.pivot {
            *self.pivot.entry(k).or_default() += n;
        }
        self.total += other.total;
    }
}

/// Counts by facet ordinal and year slot while collecting; turned into
/// named buckets once per segment at harvest (no allocation per document).
pub struct SegmentCounter {
    regions: FacetReader,
    levels: FacetReader,
    types: FacetReader,
    years: Column<i64>,
    counter: Counter,
    /// Per region facet ordinal, plus one slot for "no region".
    region_counts: Vec<u64>,
    level_counts: Vec<u64>,
    type_counts: Vec<u64>,
    /// Per year from [`FIRST_YEAR`], plus one slot for unknown.
    year_counts: Vec<u64>,
    pivot: HashMap<(u64, u64), u64>,
    total: u64,
    segment: SegmentOrdinal,
}

const FIRST_YEAR: i64 = 1900;
const YEAR_SLOTS: usize = 256;

impl Collector for Counter {
    type Fruit = Tally;
    type Child = SegmentCounter;

    fn for_segment(&self, ordinal: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentCounter> {
        let regions = segment.facet_reader("region")?;
        let levels = segment.facet_reader("level_facet")?;
        let types = segment.facet_reader("type_facet")?;
        Ok(SegmentCounter {
            region_counts: vec![0; regions.num_facets() + 1],
            level_counts: vec![0; levels.num_facets() + 1],
            type_counts: vec![0; types.num_facets() + 1],
            types,
            year_counts: vec![0; YEAR_SLOTS + 1],
            regions,
            levels,
            years: segment.fast_fields().i64("year")?,
            counter: self.clone(),
            pivot: HashMap::new(),
            total: 0,
            segment: ordinal,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Tally>) -> tantivy::Result<Tally> {
        let mut all = Tally::default();
        for t in fruits {
            all.merge(t);
        }
        Ok(all)
    }
}

/// The bucket of a facet path under `root`: its next component, the root
/// itself (本级), or unknown when outside the root.
fn key_of_path(path: &[&str], root: &[String]) -> Key {
    if path.len() < root.len() || path.iter().zip(root).any(|(a, b)| a != b) {
        return None;
    }
    match path.get(root.len()) {
        Some(next) => Some(next.to_string()),
        None => root.last().map(|own| format!("{own}（本级）")),
    }
}

/// The buckets of the facet ordinals `slots` (ascending; the slot past
/// the last ordinal is "no facet"), decoded in one pass over the facet
/// dictionary: looking ordinals up one by one decompresses a dictionary
/// block per ordinal, which dominated counts over many places.
fn keys_under(reader: &FacetReader, slots: &[u64], root: &[String]) -> HashMap<u64, Key> {
    let known: Vec<u64> = slots.iter().copied().filter(|&s| s < reader.num_facets() as u64).collect();
    let mut keys = HashMap::with_capacity(slots.len());
    let mut decoded = Vec::with_capacity(known.len());
    let complete = reader.facet_dict().sorted_ords_to_term_cb(&known, |bytes| {
        // Encoded facets separate their components with NUL (tantivy's FACET_SEP_BYTE).
        let path: Vec<&str> = std::str::from_utf8(bytes).map_or_else(|_| Vec::new(), |s| s.split('\0').collect());
        decoded.push(key_of_path(&path, root));
    });
    if complete.is_ok_and(|all| all) && decoded.len() == known.len() {
        keys.extend(known.into_iter().zip(decoded));
    } else {
        // Not expected; one by one then.
        for ord in known {
            let mut facet = Facet::root();
            let key = reader.facet_from_ord(ord, &mut facet).ok().and_then(|_| key_of_path(&facet.to_path(), root));
            keys.insert(ord, key);
        }
    }
    keys
}

impl SegmentCounter {
    fn slot(reader: &FacetReader, doc: DocId) -> u64 {
        reader.facet_ords(doc).next().unwrap_or(reader.num_facets() as u64)
    }

    fn year_key(slot: u64) -> Key {
        ((slot as usize) < YEAR_SLOTS).then(|| (FIRST_YEAR + slot as i64).to_string())
    }
}

/// Nonzero slots of a count vector, ascending.
fn used(counts: &[u64]) -> Vec<u64> {
    counts.iter().enumerate().filter(|(_, &n)| n > 0).map(|(slot, _)| slot as u64).collect()
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Tally;

    fn collect(&mut self, doc: DocId, _: Score) {
        let n = match &self.counter.weights {
            Some(w) => w.get(&DocAddress::new(self.segment, doc)).copied().unwrap_or(0),
            None => 1,
        };
        let region = Self::slot(&self.regions, doc);
        let level = Self::slot(&self.levels, doc);
        let doc_type = Self::slot(&self.types, doc);
        let year = match self.years.first(doc) {
            Some(y) if (FIRST_YEAR..FIRST_YEAR + YEAR_SLOTS as i64).contains(&y) => (y - FIRST_YEAR) as u64,
            _ => YEAR_SLOTS as u64,
        };
        self.total += n;
        self.region_counts[region as usize] += n;
        self.level_counts[level as usize] += n;
        self.type_counts[doc_type as usize] += n;
        self.year_counts[year as usize] += n;
        if let Some((a, b)) = self.counter.pivot {
            let pick = |d: Dim| match d {
                Dim::Region => region,
                Dim::Year => year,
                Dim::Level => level,
                Dim::Type => doc_type,
            };
            *self.pivot.entry((pick(a), pick(b))).or_default() += n;
        }
    }

    fn harvest(self) -> Tally {
        let mut t = Tally { total: self.total, ..Tally::default() };
        let mut region_slots = used(&self.region_counts);
        let mut level_slots = used(&self.level_counts);
        let mut type_slots = used(&self.type_counts);
        if let Some((a, b)) = self.counter.pivot {
            for &(x, y) in self.pivot.keys() {
                for (dim, slot) in [(a, x), (b, y)] {
                    match dim {
                        Dim::Region => region_slots.push(slot),
                        Dim::Level => level_slots.push(slot),
                        Dim::Type => type_slots.push(slot),
                        Dim::Year => {}
                    }
                }
            }
            for slots in [&mut region_slots, &mut level_slots, &mut type_slots] {
                slots.sort_unstable();
                slots.dedup();
            }
        }
        let regions = keys_under(&self.regions, &region_slots, &self.counter.region_root);
        let levels = keys_under(&self.levels, &level_slots, &self.counter.level_root);
        let types = keys_under(&self.types, &type_slots, &[]);
        let key = |dim: Dim, slot: u64| match dim {
            Dim::Region => regions.get(&slot).cloned().flatten(),
            Dim::Level => levels.get(&slot).cloned().flatten(),
            Dim::Type => types.get(&slot).cloned().flatten(),
            Dim::Year => Self::year_key(slot),
        };
        // Several ordinals may fall in one bucket (a city's counties under a province root).
        for (slot, &n) in self.region_counts.iter().enumerate().filter(|(_, &n)| n > 0) {
            *t.region.entry(key(Dim::Region, slot as u64)).or_default() += n;
        }
        for (slot, &n) in self.level_counts.iter().enumerate().filter(|(_, &n)| n > 0) {
            *t.level.entry(key(Dim::Level, slot as u64)).or_default() += n;
        }
        for (slot, &n) in self.type_counts.iter().enumerate().filter(|(_, &n)| n > 0) {
            *t.doc_type.entry(key(Dim::Type, slot as u64)).or_default() += n;
        }
        for (slot, &n) in self.year_counts.iter().enumerate().filter(|(_, &n)| n > 0) {
            *t.year.entry(Self::year_key(slot as u64)).or_default() += n;
        }
        if let Some((a, b)) = self.counter.pivot {
            for (&(x, y), &n) in &self.pivot {
                *t.pivot.entry((key(a, x), key(b, y))).or_default() += n;
            }
        }
        t
    }
}

/// One bucket of a facet count, as answered.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bucket {
    /// The place, year or level; `null` when unknown.
    pub value: Key,
    pub count: u64,
    /// With `--measure share`: all reports of this bucket under the same
    /// filters, and `count / all` (`null` where `all` is 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// With `--measure occurrences`: how many times the terms occur in
    /// this bucket's matching reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<u64>,
}

/// `count / all`, rounded to 4 places; none of nothing.
pub fn share(count: u64, all: u64) -> Option<f64> {
    (all > 0).then(|| (count as f64 / all as f64 * 1e4).round() / 1e4)
}

/// Buckets by count, most first; ties by value (unknown last).
pub fn buckets(counts: &HashMap<Key, u64>) -> Vec<Bucket> {
    let mut out: Vec<Bucket> = counts
        .iter()
        .map(|(k, &n)| Bucket { value: k.clone(), count: n, all: None, share: None, occurrences: None })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| order_key(&a.value).cmp(&order_key(&b.value))));
    out
}

/// Year buckets in time order (unknown last), with every year in `asked`
/// present even where it counts zero: a table for 2019..2023 has 2019..2023.
pub fn year_buckets(counts: &HashMap<Key, u64>, asked: &[i64]) -> Vec<Bucket> {
    let mut all = counts.clone();
    for year in asked {
        all.entry(Some(year.to_string())).or_insert(0);
    }
    let mut out: Vec<Bucket> = all
        .into_iter()
        .map(|(value, count)| Bucket { value, count, all: None, share: None, occurrences: None })
        .collect();
    out.sort_by(|a, b| order_key(&a.value).cmp(&order_key(&b.value)));
    out
}

/// `matching` with a zero for every key of `all` that nothing matched:
/// a share of 0 is an answer, not a missing bucket.
fn with_zeros(mut matching: HashMap<Key, u64>, all: &HashMap<Key, u64>) -> HashMap<Key, u64> {
    for key in all.keys() {
        matching.entry(key.clone()).or_insert(0);
    }
    matching
}

/// Each bucket's `all` and `share`.
fn fill_share(buckets: &mut [Bucket], all: &HashMap<Key, u64>) {
    for b in buckets {
        let of = all.get(&b.value).copied().unwrap_or(0);
        b.all = Some(of);
        b.share = share(b.count, of);
    }
}

/// The single years of closed year ranges (2019..2023 → 2019 … 2023).
pub fn asked_years(ranges: &[crate::query::filters::YearRange]) -> Vec<i64> {
    let mut years: Vec<i64> =
        ranges.iter().filter_map(|r| r.from.zip(r.to)).filter(|(a, b)| b - a <= 200).flat_map(|(a, b)| a..=b).collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// Sorting of bucket values: known before unknown, then by value.
fn order_key(k: &Key) -> (bool, &str) {
    (k.is_none(), k.as_deref().unwrap_or(""))
}

/// Counts per dimension, as in `--facets`.
#[derive(Debug, Serialize)]
pub struct FacetCounts {
    pub region: Vec<Bucket>,
    pub year: Vec<Bucket>,
    pub level: Vec<Bucket>,
    #[serde(rename = "type")]
    pub doc_type: Vec<Bucket>,
}

impl FacetCounts {
    /// Regions and levels most first; years in time order, with the years
    /// asked for present even at zero.
    pub fn from(t: &Tally, asked_years: &[i64]) -> FacetCounts {
        FacetCounts {
            region: buckets(&t.region),
            year: year_buckets(&t.year, asked_years),
            level: buckets(&t.level),
            doc_type: buckets(&t.doc_type),
        }
    }

    /// [`FacetCounts::from`] with each bucket's share of `all` (the same
    /// counts with no text query), buckets with no match included.
    pub fn with_shares(t: &Tally, all: &Tally, asked_years: &[i64]) -> FacetCounts {
        let mut region = buckets(&with_zeros(t.region.clone(), &all.region));
        let mut year = year_buckets(&with_zeros(t.year.clone(), &all.year), asked_years);
        let mut level = buckets(&with_zeros(t.level.clone(), &all.level));
        let mut doc_type = buckets(&with_zeros(t.doc_type.clone(), &all.doc_type));
        fill_share(&mut region, &all.region);
        fill_share(&mut year, &all.year);
        fill_share(&mut level, &all.level);
        fill_share(&mut doc_type, &all.doc_type);
        FacetCounts { region, year, level, doc_type }
    }

    /// Adds each bucket's occurrences.
    pub fn add_occurrences(&mut self, occurrences: &Tally) {
        for (buckets, counts) in [
            (&mut self.region, &occurrences.region),
            (&mut self.year, &occurrences.year),
            (&mut self.level, &occurrences.level),
            (&mut self.doc_type, &occurrences.doc_type),
        ] {
            for b in buckets.iter_mut() {
                b.occurrences = Some(counts.get(&b.value).copied().unwrap_or(0));
            }
        }
    }

    pub fn by(&self, dim: Dim) -> &[Bucket] {
        match dim {
            Dim::Region => &self.region,
            Dim::Year => &self.year,
            Dim::Level => &self.level,
            Dim::Type => &self.doc_type,
        }
    }
}

/// A two-way table of report counts (`--pivot region,year`).
#[derive(Debug, Serialize)]
pub struct Pivot {
    pub rows: Dim,
    pub columns: Dim,
    pub row_values: Vec<Key>,
    pub column_values: Vec<Key>,
    /// `cells[r][c]`: reports in row r and column c.
    pub cells: Vec<Vec<u64>>,
    pub row_totals: Vec<u64>,
    pub column_totals: Vec<u64>,
    pub total: u64,
    /// With `--measure share`: the same table over all reports under the
    /// same filters (no text query), and `cells / all_cells`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all: Option<Box<Pivot>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_cells: Option<Vec<Vec<Option<f64>>>>,
    /// With `--measure occurrences`: the same table counting how many
    /// times the query's terms occur.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<Box<Pivot>>,
}

impl Pivot {
    pub fn from(t: &Tally, rows: Dim, columns: Dim, asked_years: &[i64]) -> Pivot {
        let (row_values, column_values) = axes(t, rows, columns, asked_years);
        Pivot::filled(t, rows, columns, row_values, column_values)
    }

    /// With `all`, the table of shares: rows and columns of every cell
    /// that holds a report, matching or not.
    pub fn with_shares(t: &Tally, all: &Tally, rows: Dim, columns: Dim, asked_years: &[i64]) -> Pivot {
        let (row_values, column_values) = axes(all, rows, columns, asked_years);
        let mut matching = Pivot::filled(t, rows, columns, row_values.clone(), column_values.clone());
        let whole = Pivot::filled(all, rows, columns, row_values, column_values);
        let shares = matching
            .cells
            .iter()
            .zip(&whole.cells)
            .map(|(m, a)| m.iter().zip(a).map(|(&m, &a)| share(m, a)).collect())
            .collect();
        matching.share_cells = Some(shares);
        matching.all = Some(Box::new(whole));
        matching
    }

    /// Adds the occurrences table on this table's rows and columns.
    pub fn add_occurrences(&mut self, occurrences: &Tally) {
        let (rows, columns) = (self.row_values.clone(), self.column_values.clone());
        self.occurrences = Some(Box::new(Pivot::filled(occurrences, self.rows, self.columns, rows, columns)));
    }

    /// `t`'s counts on the given rows and columns, with totals.
    fn filled(t: &Tally, rows: Dim, columns: Dim, row_values: Vec<Key>, column_values: Vec<Key>) -> Pivot {
        let cells: Vec<Vec<u64>> = row_values
            .iter()
            .map(|r| column_values.iter().map(|c| t.pivot.get(&(r.clone(), c.clone())).copied().unwrap_or(0)).collect())
            .collect();
        let row_totals = cells.iter().map(|r| r.iter().sum()).collect();
        let column_totals = (0..column_values.len()).map(|c| cells.iter().map(|r| r[c]).sum()).collect();
        Pivot {
            rows,
            columns,
            row_values,
            column_values,
            cells,
            row_totals,
            column_totals,
            total: t.total,
            all: None,
            share_cells: None,
            occurrences: None,
        }
    }
}

/// The row and column values of `t`'s table: years in time order (every
/// year asked for included), other values most first; unknown last.
fn axes(t: &Tally, rows: Dim, columns: Dim, asked_years: &[i64]) -> (Vec<Key>, Vec<Key>) {
    let axis = |dim: Dim, pick: &dyn Fn(&(Key, Key)) -> Key| -> Vec<Key> {
        let mut totals: HashMap<Key, u64> = HashMap::new();
        for (k, n) in &t.pivot {
            *totals.entry(pick(k)).or_default() += n;
        }
        if dim == Dim::Year {
            for year in asked_years {
                totals.entry(Some(year.to_string())).or_insert(0);
            }
        }
        let mut values: Vec<Key> = totals.keys().cloned().collect();
        if dim == Dim::Year {
            values.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
        } else {
            values.sort_by(|a, b| totals[b].cmp(&totals[a]).then_with(|| order_key(a).cmp(&order_key(b))));
        }
        values
    };
    (axis(rows, &|k| k.0.clone()), axis(columns, &|k| k.1.clone()))
}
