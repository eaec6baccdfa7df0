//! The query language.
//!
//! - `枫桥经验 矛盾纠纷`: every term is required. A term matches where its
//!   characters appear contiguously once punctuation and whitespace are
//!   ignored (after normalization).
//! - `"法治 政府"`: a quoted phrase (ASCII or full-width `"` at the start of
//!   a term); inside quotes nothing is interpreted (a quoted `"2023"` is
//!   text, not a year). Chinese quotes “…” are ordinary punctuation, so a
//!   pasted 行政执法“三项制度” stays one term.
//! - `A OR B`: either (binds adjacent positive terms into one group).
//! - `-term`: excludes reports containing the term.
//! - `2023` or `2023年`: a year filter on the year the report covers;
//!   several years (or `2022 OR 2023`) mean any of them.
//! - `浙江`, `宁波市` (exactly a province or prefecture name): a region filter.
//! - `province:浙江`, `region:宁波市`, `year:2021..2023`, `level:街道`,
//!   `published:2024-01..2024-03`: inline filters; a value may be quoted
//!   (`title:"法治 政府"`).
//! - `title:词`, `unit:词`: the term in the title or unit only (always
//!   required); `-title:词` excludes ([`super::fields`]).
//! - With `literal`, none of these are interpreted: every word is text.
//!
//! Malformed input never fails: a dangling `OR`, a lone `-`, an unclosed
//! quote or a term of punctuation only are ignored or closed at the end.
//! Only a query that leaves nothing to search for is an error.

use anyhow::Result;

use crate::bad_request;
use regex::Regex;
use std::sync::LazyLock;

use super::fields::FieldTerm;
use super::filters::{FilterSpec, YearRange};
use crate::analyze::units::Unit;
use crate::analyze::{self, compact, normalize};
use crate::gazetteer::upper;

/// One thing to match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryTerm {
    /// As the user typed it.
    pub text: String,
    /// Normalized, punctuation and whitespace removed: what is matched.
    pub key: String,
    pub phrase: bool,
}

#[derive(Debug, Default)]
pub struct ParsedQuery {
    /// All groups are required; within a group any term will do.
    pub must: Vec<Vec<QueryTerm>>,
    pub must_not: Vec<QueryTerm>,
    /// Terms limited to the title or the unit (`title:词`, `-unit:词`).
    pub fields: Vec<FieldTerm>,
    /// Filters written in the query (bare years, `key:value`; bare region
    /// words once [`ParsedQuery::settle_places`] has kept them).
    pub filters: FilterSpec,
    /// How each word was read, in query order.
    pub readings: Vec<Reading>,
    /// `within:sentence` or `within:paragraph`: the unit all terms must share.
    pub within: Option<Unit>,
    /// Bare words that name a province or prefecture (the reading's index
    /// and the name): filters only if the index holds reports of that region.
    places: Vec<(usize, String)>,
}

/// How one word of a query was read (`interpretation` in JSON).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Reading {
    pub word: String,
    #[serde(rename = "as")]
    pub read_as: ReadAs,
    /// The term matched, the region, year range or level selected.
    pub value: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadAs {
    Text,
    Region,
    Year,
    Level,
    Type,
    /// `within:sentence|paragraph`.
    Within,
    Published,
    Title,
    Unit,
}

impl ParsedQuery {
    pub fn positive_terms(&self) -> impl Iterator<Item = &QueryTerm> {
        self.must.iter().flatten()
    }
}

static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^((?:19|20)\d\d)年?$").unwrap());
static INLINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([a-z_\p{Han}]+):(.+)$").unwrap());

#[derive(Debug)]
enum Lexeme {
    Or,
    Item { text: String, phrase: bool, negated: bool },
}

/// The longest query, in characters: a page of a report. Beyond it a query
/// is refused, so that no query costs more than a moment to plan.
pub const MAX_QUERY_CHARS: usize = 10_000;
/// The most terms (positive and excluded) one query may have.
pub const MAX_TERMS: usize = 1_000;

pub fn parse(query: &str, literal: bool) -> Result<ParsedQuery> {
    let chars = query.chars().count();
    if chars > MAX_QUERY_CHARS {
        bad_request!("查询过长：{chars} 个字符，上限为 {MAX_QUERY_CHARS} 个");
    }
    let mut parsed = ParsedQuery::default();
    let mut groups: Vec<Vec<QueryTerm>> = Vec::new();
    let mut pending_or = false;
    // Whether the previous item was a filter: `2022 OR 2023` joins no text group.
    let mut last_was_filter = false;
    for lexeme in lex(query) {
        let (text, phrase, negated) = match lexeme {
            Lexeme::Or => {
                pending_or = !groups.is_empty() || last_was_filter;
                continue;
            }
            Lexeme::Item { text, phrase, negated } => (text, phrase, negated),
        };
        let or_joined = std::mem::take(&mut pending_or);
        if !phrase && !literal {
            if let Some(term) = FieldTerm::read(&text, negated) {
                if !term.key.is_empty() {
                    let read_as = match term.field {
                        super::fields::TextField::Title => ReadAs::Title,
                        super::fields::TextField::Unit => ReadAs::Unit,
                    };
                    let word = if negated { format!("-{text}") } else { text.clone() };
                    parsed.readings.push(Reading { word, read_as, value: term.key.clone() });
                    if !parsed.fields.contains(&term) {
                        parsed.fields.push(term);
                    }
                }
                last_was_filter = true;
                continue;
            }
        }
        if !phrase && !negated && !literal {
            if let Some(unit) = within(&text)? {
                parsed.within = Some(unit);
                parsed.readings.push(Reading { word: text, read_as: ReadAs::Within, value: unit.name().into() });
                last_was_filter = true;
                continue;
            }
            if let Some(reading) = interpret(&text, &mut parsed.filters)? {
                if reading.read_as == ReadAs::Region && !text.contains([':', '：']) {
                    parsed.places.push((parsed.readings.len(), reading.value.clone()));
                }
                parsed.readings.push(reading);
                last_was_filter = true;
                continue;
            }
        }
        let key = analyze::key(&text);
        if key.is_empty() {
            continue;
        }
        let word = if negated { format!("-{text}") } else { text.clone() };
        parsed.readings.push(Reading { word, read_as: ReadAs::Text, value: key.clone() });
        let term = QueryTerm { text, key, phrase };
        if negated {
            parsed.must_not.push(term);
        } else if or_joined && !last_was_filter && !groups.is_empty() {
            groups.last_mut().expect("checked non-empty").push(term);
        } else {
            groups.push(vec![term]);
        }
        last_was_filter = false;
    }
    // A term asked for twice is asked for once (A AND A is A): a pasted
    // passage that repeats itself costs no more than the passage.
    let mut seen = std::collections::HashSet::new();
    for group in &mut groups {
        let mut in_group = std::collections::HashSet::new();
        group.retain(|t| in_group.insert(t.key.clone()));
    }
    groups.retain(|group| {
        let mut keys: Vec<&str> = group.iter().map(|t| t.key.as_str()).collect();
        keys.sort_unstable();
        seen.insert(keys.join("\u{0}"))
    });
    let mut excluded = std::collections::HashSet::new();
    parsed.must_not.retain(|t| excluded.insert(t.key.clone()));
    let terms = groups.iter().map(Vec::len).sum::<usize>() + parsed.must_not.len() + parsed.fields.len();
    if terms > MAX_TERMS {
        bad_request!("查询的检索词过多：{terms} 个，上限为 {MAX_TERMS} 个");
    }
    parsed.must = groups;
    Ok(parsed)
}

impl ParsedQuery {
    /// Nothing to match and nothing to filter on.
    pub fn is_empty(&self) -> bool {
        self.must.is_empty()
            && self.must_not.is_empty()
            && self.fields.is_empty()
            && self.filters.is_empty()
            && self.places.is_empty()
    }

    /// Whether [`ParsedQuery::settle_places`] has anything to decide (then
    /// the index's catalog of places is needed).
    pub fn needs_places(&self, literal: bool) -> bool {
        let county_like =
            |t: &QueryTerm| !t.phrase && t.key.chars().count() >= 2 && t.key.ends_with(['县', '市', '区', '旗']);
        !self.places.is_empty() || (!literal && self.must.iter().any(|g| matches!(g.as_slice(), [t] if county_like(t))))
    }

    /// Decides the bare place words: a filter where `held(name)` (the index
    /// has reports of that region), else text, so `杭州 法治` finds the
    /// reports that mention 杭州 when none is from there. A county-level
    /// unit's full name (慈溪市, 铅山县) typed alone as a term is a filter when
    /// `county(word)` names one the index holds.
    pub fn settle_places(&mut self, held: impl Fn(&str) -> bool, county: impl Fn(&str) -> Option<String>) {
        for (at, name) in std::mem::take(&mut self.places) {
            if held(&name) {
                self.filters.regions.push(name);
                continue;
            }
            let reading = &mut self.readings[at];
            let key = analyze::key(&reading.word);
            reading.read_as = ReadAs::Text;
            reading.value = key.clone();
            if !self.must.iter().any(|g| g.len() == 1 && g[0].key == key) {
                self.must.push(vec![QueryTerm { text: reading.word.clone(), key, phrase: false }]);
            }
        }
        let mut kept = Vec::with_capacity(self.must.len());
        for group in std::mem::take(&mut self.must) {
            let place = match group.as_slice() {
                [term] if !term.phrase => county(&term.text),
                _ => None,
            };
            match place {
                Some(name) => {
                    let word = &group[0].text;
                    if let Some(r) = self.readings.iter_mut().find(|r| r.read_as == ReadAs::Text && r.word == *word) {
                        r.read_as = ReadAs::Region;
                        r.value = name.clone();
                    }
                    self.filters.regions.push(name);
                }
                None => kept.push(group),
            }
        }
        self.must = kept;
    }
}

/// `within:sentence` (or `within:句子`, `within:paragraph`, `within:段落`).
fn within(word: &str) -> Result<Option<Unit>> {
    let Some((key, value)) = word.split_once([':', '：']) else { return Ok(None) };
    if key != "within" {
        return Ok(None);
    }
    match Unit::parse(value) {
        Some(unit) => Ok(Some(unit)),
        None => bad_request!("within:{value} 无法理解：只能是 within:sentence（同一句）或 within:paragraph（同一段）"),
    }
}

/// Adds `word` to the filters if it is one (a bare place word is kept for
/// [`ParsedQuery::settle_places`] instead); `None` if it is text.
fn interpret(word: &str, filters: &mut FilterSpec) -> Result<Option<Reading>> {
    let normalized = normalize(word);
    let reading = |read_as, value: &str| Some(Reading { word: word.to_string(), read_as, value: value.to_string() });
    if let Some(c) = YEAR.captures(&normalized) {
        filters.years.push(YearRange::single(c[1].parse()?));
        return Ok(reading(ReadAs::Year, &c[1]));
    }
    if let Some(c) = INLINE.captures(&normalized) {
        // The value as typed (not lower-cased or folded): names are resolved later.
        let value = word.split_once([':', '：']).map_or(&c[2], |(_, v)| v);
        if let Some(kind) = filters.add_inline(&c[1], value)? {
            return Ok(reading(kind, value));
        }
    }
    if let Some(name) = upper::region_word(&compact(&normalized)) {
        return Ok(reading(ReadAs::Region, name));
    }
    Ok(None)
}

fn is_open_quote(c: char) -> Option<char> {
    match c {
        '"' => Some('"'),
        '＂' => Some('＂'),
        _ => None,
    }
}

fn lex(query: &str) -> Vec<Lexeme> {
    let mut out = Vec::new();
    let mut chars = query.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut negated = false;
        if c == '-' {
            chars.next();
            negated = true;
        }
        let Some(&c) = chars.peek() else { break };
        if let Some(close) = is_open_quote(c) {
            chars.next();
            let text: String = chars.by_ref().take_while(|&x| x != close).collect();
            out.push(Lexeme::Item { text, phrase: true, negated });
            continue;
        }
        let mut text = String::new();
        while let Some(&x) = chars.peek() {
            if x.is_whitespace() {
                break;
            }
            text.push(x);
            chars.next();
            // `key:"a b"`: a quoted value, spaces and all.
            if matches!(x, ':' | '：') && text.chars().count() > 1 {
                if let Some(close) = chars.peek().and_then(|&q| is_open_quote(q)) {
                    chars.next();
                    text.extend(chars.by_ref().take_while(|&c| c != close));
                    break;
                }
            }
        }
        if text == "OR" && !negated {
            out.push(Lexeme::Or);
        } else if !text.is_empty() {
            out.push(Lexeme::Item { text, phrase: false, negated });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(groups: &[Vec<QueryTerm>]) -> Vec<Vec<&str>> {
        groups.iter().map(|g| g.iter().map(|t| t.key.as_str()).collect()).collect()
    }

    fn parse(q: &str) -> Result<ParsedQuery> {
        super::parse(q, false)
    }

    #[test]
    fn within_is_read_once_and_a_bad_unit_is_refused() {
        let q = parse("枫桥经验 调解 within:sentence").unwrap();
        assert_eq!(q.within, Some(Unit::Sentence));
        assert_eq!(keys(&q.must), vec![vec!["枫桥经验"], vec!["调解"]]);
        assert_eq!(q.readings.last().map(|r| r.read_as), Some(ReadAs::Within));
        assert_eq!(parse("调解 within：段落").unwrap().within, Some(Unit::Paragraph));
        assert!(parse("调解 within:page").is_err());
        // Quoted, or literal, it is text.
        assert_eq!(parse("\"within:sentence\"").unwrap().within, None);
        assert_eq!(super::parse("within:sentence", true).unwrap().within, None);
    }

    #[test]
    fn terms_years_or_and_not() {
        let q = parse("枫桥经验 2023年 法律顾问 OR 公职律师 -信访").unwrap();
        assert_eq!(keys(&q.must), vec![vec!["枫桥经验"], vec!["法律顾问", "公职律师"]]);
        assert_eq!(q.filters.years, vec![YearRange::single(2023)]);
        assert_eq!(q.must_not[0].key, "信访");
    }

    #[test]
    fn regions_and_inline_filters() {
        let mut q = parse("浙江 枫桥经验 region:宁波市 year:2021..2023 level:街道").unwrap();
        assert_eq!(keys(&q.must), vec![vec!["枫桥经验"]]);
        // A bare place word waits for the index: a filter where it holds the place …
        assert_eq!(q.filters.regions, vec!["宁波市"]);
        q.settle_places(|name| name == "浙江省", |_| None);
        assert_eq!(q.filters.regions, vec!["宁波市", "浙江省"]);
        let read: Vec<ReadAs> = q.readings.iter().map(|r| r.read_as).collect();
        assert_eq!(read, [ReadAs::Region, ReadAs::Text, ReadAs::Region, ReadAs::Year, ReadAs::Level]);
        assert_eq!(q.filters.years[0].to_string(), "2021..2023");
        assert_eq!(q.filters.levels, vec!["街道"]);
        // … and text where it does not.
        let mut q = parse("浙江 枫桥经验").unwrap();
        q.settle_places(|_| false, |_| None);
        assert_eq!(keys(&q.must), vec![vec!["枫桥经验"], vec!["浙江"]]);
        assert!(q.filters.regions.is_empty() && q.readings[0].read_as == ReadAs::Text);
        // A county's full name the index holds, alone as a term, becomes a filter.
        let mut q = parse("慈溪市 法治").unwrap();
        q.settle_places(|_| false, |w| (w == "慈溪市").then(|| "慈溪市".to_string()));
        assert_eq!((keys(&q.must), q.filters.regions.clone()), (vec![vec!["法治"]], vec!["慈溪市".to_string()]));
        assert!(parse("year:2023..2021").is_err());
        // An unknown key is text; --literal interprets nothing.
        assert_eq!(keys(&parse("abc:def").unwrap().must), vec![vec!["abcdef"]]);
        let q = super::parse("浙江 2023 level:街道", true).unwrap();
        assert_eq!(keys(&q.must), vec![vec!["浙江"], vec!["2023"], vec!["level街道"]]);
        assert!(q.filters.is_empty());
    }

    #[test]
    fn punctuation_is_ignored_and_script_folded() {
        let q = parse("行政执法“三项制度” 法治政府建設 “枫桥经验”").unwrap();
        let want = vec![vec!["行政执法三项制度"], vec!["法治政府建设"], vec!["枫桥经验"]];
        assert_eq!(keys(&q.must), want);
        assert!(q.must.iter().flatten().all(|t| !t.phrase));
        // An ASCII quote opens a phrase only at the start of a term.
        let q = parse("行政执法\"三项制度\" \"法治 政府\"").unwrap();
        assert_eq!(keys(&q.must), vec![vec!["行政执法三项制度"], vec!["法治政府"]]);
        assert!(q.must[1][0].phrase);
    }

    #[test]
    fn quoted_year_is_text_and_years_or() {
        let q = parse("\"2023\" 2021 OR 2022").unwrap();
        assert_eq!(keys(&q.must), vec![vec!["2023"]]);
        assert_eq!(q.filters.years, vec![YearRange::single(2021), YearRange::single(2022)]);
    }

    #[test]
    fn title_and_unit_terms_with_quoted_values_and_negation() {
        let q = parse("title:\"法治 政府\" 调解 -unit:永平鎮 title：报告 title:，").unwrap();
        assert_eq!(keys(&q.must), vec![vec!["调解"]]);
        let fields: Vec<(&str, bool)> = q.fields.iter().map(|t| (t.key.as_str(), t.negated)).collect();
        assert_eq!(fields, vec![("法治政府", false), ("永平镇", true), ("报告", false)]);
        let read: Vec<ReadAs> = q.readings.iter().map(|r| r.read_as).collect();
        assert_eq!(read, [ReadAs::Title, ReadAs::Text, ReadAs::Unit, ReadAs::Title]);
        assert_eq!(q.readings[2].word, "-unit:永平鎮");
        // A field term joins no OR group; literal reads it as text.
        let q = parse("title:法治 OR 调解").unwrap();
        assert_eq!((keys(&q.must), q.fields.len()), (vec![vec!["调解"]], 1));
        let q = super::parse("title:法治", true).unwrap();
        assert_eq!((keys(&q.must), q.fields.len()), (vec![vec!["title法治"]], 0));
        assert!(!parse("title:法治").unwrap().is_empty());
        // A quoted value of another key is read whole too.
        assert_eq!(parse("published:\"2024-01..2024-03\"").unwrap().filters.published.len(), 1);
    }

    #[test]
    fn malformed_input_degrades_gracefully() {
        assert_eq!(keys(&parse("OR OR 普法 OR").unwrap().must), vec![vec!["普法"]]);
        assert_eq!(keys(&parse("- \"法治 政府").unwrap().must), vec![vec!["法治政府"]]);
        assert!(parse("").unwrap().is_empty());
        assert!(parse("  \" \"  -  ，。").unwrap().is_empty());
        assert!(parse("-信访").is_ok());
    }
}
