//! Filters resolved against the index: region and level names become the
//! facet paths the index actually holds, years become ranges.
//!
//! Region names are matched against the index's own region facets (not
//! the gazetteer, which a search never loads): 浙江 → /浙江省, 宁波 →
//! /浙江省/宁波市, 朝阳区 → every 朝阳区 indexed, each listed in the answer.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use anyhow::Result;

use crate::bad_request;
use tantivy::query::{BooleanQuery, ExistsQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::analyze::{key, normalize};
use crate::gazetteer::upper;
use crate::index::Fields;
use crate::meta::{self, TYPES};
use crate::query::filters::{is_unknown, level_name, FilterSpec, UnknownYear, YearRange};

/// Suffixes a short region name may omit (宁波 for 宁波市).
const REGION_SUFFIXES: &[&str] =
    &["省", "市", "自治区", "自治州", "地区", "盟", "区", "县", "旗", "镇", "乡", "街道", "苏木"];

/// Unit types a level filter may name.
pub const UNIT_TYPES: &[&str] = &[
    "镇",
    "乡",
    "民族乡",
    "街道",
    "苏木",
    "县",
    "区",
    "县级市",
    "旗",
    "地级市",
    "自治州",
    "盟",
    "地区",
    "省",
    "自治区",
    "直辖市",
    "部门",
];

/// Every region and level facet the index holds.
#[derive(Default)]
pub struct Catalog {
    pub regions: Vec<Vec<String>>,
    /// Each region's last place, normalized as a query's name is: once
    /// here, not for every region at every query.
    places: Vec<String>,
    pub levels: Vec<Vec<String>>,
}

impl Catalog {
    pub fn new(regions: Vec<Vec<String>>, levels: Vec<Vec<String>>) -> Catalog {
        let places = regions.iter().map(|path| normalize(path.last().map_or("", String::as_str))).collect();
        Catalog { regions, places, levels }
    }

    pub fn load(searcher: &Searcher, f: &Fields) -> Result<Catalog> {
        Ok(Catalog::new(facet_paths(searcher, f.region)?, facet_paths(searcher, f.level_facet)?))
    }

    /// Whether the index holds reports of a region by this name.
    pub fn holds(&self, name: &str) -> bool {
        !region_matches(name, self).is_empty()
    }

    /// The county-level unit the index holds whose full name `word` is
    /// (慈溪市, 铅山县, 朝阳区 under a municipality); short names are not.
    pub fn county(&self, word: &str) -> Option<String> {
        let typed = key(word);
        if !typed.ends_with(['县', '市', '区', '旗']) {
            return None;
        }
        let municipality = |p: &[String]| matches!(p[0].as_str(), "北京市" | "上海市" | "天津市" | "重庆市");
        self.regions
            .iter()
            .zip(&self.places)
            .find(|(path, last)| **last == typed && (path.len() == 3 || (path.len() == 2 && municipality(path))))
            .map(|(path, _)| path[path.len() - 1].clone())
    }
}

fn facet_paths(searcher: &Searcher, field: Field) -> Result<Vec<Vec<String>>> {
    let mut seen = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            if let Ok(facet) = Facet::from_encoded(terms.key().to_vec()) {
                seen.insert(facet.to_path().into_iter().map(str::to_string).collect::<Vec<_>>());
            }
        }
    }
    Ok(seen.into_iter().filter(|p| !p.is_empty()).collect())
}

/// Filters as tantivy clauses, plus what to tell the user.
#[derive(Default)]
pub struct Resolved {
    pub clauses: Vec<Box<dyn Query>>,
    /// Applied filters by name (region, year, level, unknown_year), for the answer.
    pub echo: BTreeMap<String, Vec<String>>,
    /// The single region the answer is narrowed to, where counts drill down.
    pub region_root: Vec<String>,
    pub level_root: Vec<String>,
    /// The query's `title:`/`unit:` terms: required like the text terms,
    /// not filters (shares are counted without them).
    pub fields: Vec<Box<dyn Query>>,
}

impl Resolved {
    /// Everything a matching report must satisfy besides the text terms:
    /// the filters and the field terms.
    pub fn matching(&self) -> Vec<Box<dyn Query>> {
        self.clauses.iter().chain(&self.fields).map(|q| q.box_clone()).collect()
    }

    /// A filter on facet `field`: any of `paths`, or (with `unknown`, the
    /// values the field can hold) a report with none of them; echoed as
    /// the paths and 未知.
    fn facet(&mut self, name: &str, field: Field, paths: &[Vec<String>], unknown: Option<&[Vec<String>]>, f: &Fields) {
        let mut echo: Vec<String> = paths.iter().map(|p| p.join("/")).collect();
        let mut clauses = vec![any_facet(field, paths)];
        if let Some(held) = unknown {
            echo.push("未知".into());
            clauses.push(lacking(field, held, f));
        }
        self.echo.insert(name.into(), echo);
        self.clauses.push(either(clauses));
    }
}

pub fn resolve(spec: &FilterSpec, catalog: &Catalog, f: &Fields) -> Result<Resolved> {
    let mut r = Resolved::default();
    let mut region_paths: Vec<Vec<String>> = Vec::new();
    let region_unknown = spec.regions.iter().any(|n| is_unknown(n));
    for name in spec.regions.iter().filter(|n| !is_unknown(n)) {
        let found = region_matches(name, catalog);
        if found.is_empty() {
            r.echo.entry("region_unmatched".into()).or_default().push(name.clone());
        }
        for p in found {
            if !region_paths.contains(&p) {
                region_paths.push(p);
            }
        }
    }
    if !spec.regions.is_empty() {
        r.facet("region", f.region, &region_paths, region_unknown.then_some(catalog.regions.as_slice()), f);
        if let ([only], false) = (region_paths.as_slice(), region_unknown) {
            r.region_root = only.clone();
        }
    }
    if !spec.years.is_empty() {
        let mut ranges: Vec<Box<dyn Query>> = spec
            .years
            .iter()
            .filter(|y| !y.is_unknown())
            .map(|y| {
                let bound = |v: Option<i64>| {
                    v.map_or(Bound::Unbounded, |v| Bound::Included(Term::from_field_i64(f.of(meta::Field::Year), v)))
                };
                Box::new(RangeQuery::new(bound(y.from), bound(y.to))) as Box<dyn Query>
            })
            .collect();
        if spec.unknown_year == UnknownYear::Include || spec.years.iter().any(YearRange::is_unknown) {
            let no_year: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(f.every_report())),
                (Occur::MustNot, Box::new(ExistsQuery::new("year".to_string(), false))),
            ]));
            ranges.push(no_year);
            if spec.unknown_year == UnknownYear::Include {
                r.echo.insert("unknown_year".into(), vec!["include".into()]);
            }
        }
        r.echo.insert("year".into(), spec.years.iter().map(|y| y.to_string()).collect());
        r.clauses.push(if ranges.len() == 1 {
            ranges.pop().expect("one range")
        } else {
            Box::new(BooleanQuery::new(ranges.into_iter().map(|q| (Occur::Should, q)).collect()))
        });
    }
    if !spec.types.is_empty() {
        let mut kinds: Vec<Vec<String>> = Vec::new();
        for input in spec.types.iter().filter(|t| !is_unknown(t)) {
            match type_name(input) {
                Some(kind) => kinds.push(vec![kind.to_string()]),
                None => bad_request!("未知的报告类型“{}”；可用：{}、unknown", input.trim(), TYPES.join("、")),
            }
        }
        let every: Vec<Vec<String>> = TYPES.iter().map(|t| vec![t.to_string()]).collect();
        let unknown = spec.types.iter().any(|t| is_unknown(t));
        r.facet("type", f.type_facet, &kinds, unknown.then_some(every.as_slice()), f);
    }
    if !spec.published.is_empty() {
        // Reports with no publish date have no value here: no range keeps them.
        let bound =
            |v: Option<i64>| v.map_or(Bound::Unbounded, |v| Bound::Included(Term::from_field_i64(f.published, v)));
        let ranges: Vec<Box<dyn Query>> = spec
            .published
            .iter()
            .map(|d| match (d.from, d.to) {
                // Open at both ends cannot be typed; still only dated reports.
                (None, None) => Box::new(ExistsQuery::new("published".to_string(), false)) as Box<dyn Query>,
                (from, to) => Box::new(RangeQuery::new(bound(from), bound(to))),
            })
            .collect();
        r.echo.insert("published".into(), spec.published.iter().map(|d| d.to_string()).collect());
        r.clauses.push(either(ranges));
    }
    if let Some(least) = spec.min_confidence {
        // Stored in thousandths, as the index keeps it.
        let from = Term::from_field_u64(f.sure, (least * 1000.0).round() as u64);
        r.clauses.push(Box::new(RangeQuery::new(Bound::Included(from), Bound::Unbounded)));
        r.echo.insert("min_confidence".into(), vec![least.to_string()]);
    }
    if !spec.levels.is_empty() {
        let mut paths: Vec<Vec<String>> = Vec::new();
        let level_unknown = spec.levels.iter().any(|l| is_unknown(l));
        for input in spec.levels.iter().filter(|l| !is_unknown(l)) {
            let input = input.trim();
            if let Some(level) = level_name(input) {
                paths.push(vec![level.to_string()]);
            } else if UNIT_TYPES.contains(&input) {
                // Every level under which this unit type occurs (部门 at 县级, 地市级 …).
                let under = catalog.levels.iter().filter(|p| p.len() == 2 && p[1] == input).cloned();
                let under: Vec<_> = under.collect();
                if under.is_empty() {
                    paths.push(vec!["（无）".into(), input.to_string()]);
                }
                paths.extend(under);
            } else {
                bad_request!(
                    "未知的级别或单位类型“{input}”；可用：乡镇 乡镇级 县级 地市级 省级 {}",
                    UNIT_TYPES.join(" ")
                );
            }
        }
        r.facet("level", f.level_facet, &paths, level_unknown.then_some(catalog.levels.as_slice()), f);
        if let ([only], false) = (paths.as_slice(), level_unknown) {
            r.level_root = only.clone();
        }
    }
    Ok(r)
}

/// The type a user typed: its full name, or the short forms 法治 (法治政府建设报告),
/// 工作报告 (政府工作报告) and 解读 (政策解读).
fn type_name(input: &str) -> Option<&'static str> {
    let typed = input.trim();
    TYPES.iter().copied().find(|t| *t == typed).or(match typed {
        "法治" | "法治报告" | "法治政府" => Some(TYPES[0]),
        "工作报告" => Some(TYPES[1]),
        "解读" => Some(TYPES[2]),
        _ => None,
    })
}

/// Reports with no value in a facet field: none of the top-level values
/// the index holds (a facet has no "exists" query of its own).
fn lacking(field: Field, held: &[Vec<String>], f: &Fields) -> Box<dyn Query> {
    let tops: Vec<Vec<String>> = held.iter().filter(|p| p.len() == 1).cloned().collect();
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(f.every_report())),
        (Occur::MustNot, any_facet(field, &tops)),
    ]))
}

/// Any of `clauses` (one is itself).
fn either(mut clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if clauses.len() == 1 {
        return clauses.pop().expect("one clause");
    }
    Box::new(BooleanQuery::new(clauses.into_iter().map(|q| (Occur::Should, q)).collect()))
}

/// Indexed region paths whose last place is `name`, fully or in short form.
fn region_matches(name: &str, catalog: &Catalog) -> Vec<Vec<String>> {
    let typed = key(name);
    let official = upper::region_word(&typed).map(normalize);
    let mut found: Vec<Vec<String>> = catalog
        .regions
        .iter()
        .zip(&catalog.places)
        .filter(|(_, last)| {
            **last == typed
                || official.as_deref() == Some(last.as_str())
                || last.strip_prefix(typed.as_str()).is_some_and(|rest| REGION_SUFFIXES.contains(&rest))
        })
        .map(|(path, _)| path.clone())
        .collect();
    // 吉林 → /吉林省 and /吉林省/吉林市: the province already covers the city.
    let all = found.clone();
    found.retain(|p| !all.iter().any(|a| a.len() < p.len() && p.starts_with(a)));
    found
}

fn any_facet(field: Field, paths: &[Vec<String>]) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = paths
        .iter()
        .map(|p| {
            let term = Term::from_facet(field, &Facet::from_path(p));
            (Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>)
        })
        .collect();
    match clauses.len() {
        // Nothing indexed by that name: the filter keeps nothing.
        0 => Box::new(tantivy::query::EmptyQuery),
        1 => clauses.pop().expect("one clause").1,
        _ => Box::new(BooleanQuery::new(clauses)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(list: &[&str]) -> Vec<Vec<String>> {
        list.iter().map(|p| p.split('/').map(str::to_string).collect()).collect()
    }

    #[test]
    fn region_names_full_short_and_ambiguous() {
        let regions = Catalog::new(
            paths(&[
                "浙江省",
                "浙江省/宁波市",
                "浙江省/宁波市/慈溪市",
                "北京市",
                "北京市/朝阳区",
                "吉林省",
                "吉林省/长春市",
                "吉林省/长春市/朝阳区",
                "吉林省/吉林市",
            ]),
            Vec::new(),
        );
        assert_eq!(region_matches("浙江", &regions), paths(&["浙江省"]));
        assert_eq!(region_matches("宁波", &regions), paths(&["浙江省/宁波市"]));
        assert_eq!(region_matches("慈溪市", &regions), paths(&["浙江省/宁波市/慈溪市"]));
        assert_eq!(region_matches("朝阳区", &regions), paths(&["北京市/朝阳区", "吉林省/长春市/朝阳区"]));
        assert_eq!(region_matches("吉林", &regions), paths(&["吉林省"]));
        assert!(region_matches("上海", &regions).is_empty());
    }
}
