//! `fazhi search` and `fazhi facets`.

use anyhow::Result;

use super::{color, index_dir, FOUND, NOT_FOUND};
use crate::cli::{FacetsArgs, Format, SearchArgs};
use crate::print::text::Style;
use fazhi::render;
use fazhi::render::table::Table;
use fazhi::search::counts::Dim;
use fazhi::search::{Engine, MatchMode, SearchRequest, SearchResponse};

pub fn run(args: SearchArgs) -> Result<u8> {
    render::hits::check_fields(&args.fields)?;
    if args.long && args.format != Format::Csv {
        anyhow::bail!("--long 是 --pivot 表的 CSV 长表形式，请同时加 --format csv");
    }
    let engine = Engine::open(&index_dir(&args.location)?)?;
    // A person reading a list may get the looser match, announced; a count
    // or a machine format gets it only when asked for.
    let for_a_person = args.format == Format::Text && !args.facets && args.pivot.is_none();
    let request = SearchRequest {
        limit: if args.all { usize::MAX } else { args.limit },
        offset: args.offset,
        facets: args.facets,
        pivot: args.pivot,
        measure: args.measure,
        every_measure: args.long,
        sort: args.sort,
        loose: args.filters.loose || for_a_person,
        all_if_empty: args.all,
        ..args.filters.request(&args.query)
    };
    let response = engine.search(&request)?;
    say_if_loose(&response);
    let listed = args.format != Format::Text && !(args.format == Format::Csv && response.pivot.is_some());
    if listed && args.offset + response.hits.len() < response.total {
        let shown = if args.offset == 0 {
            format!("只输出了前 {} 篇", response.hits.len())
        } else {
            format!("只输出了第 {}–{} 篇", args.offset + 1, args.offset + response.hits.len())
        };
        eprintln!("fazhi: 共 {} 篇，{shown}；加 --all 输出全部", response.total);
    }
    let out = match args.format {
        Format::Json => render::json::response(&response),
        Format::Text if engine.is_demo() => {
            let text = crate::print::text::response(&response, args.offset, &Style { color: color(args.color) });
            format!("{text}（{}）\n", crate::print::report::DEMO_NOTE)
        }
        Format::Text => crate::print::text::response(&response, args.offset, &Style { color: color(args.color) }),
        Format::Csv => render::with_bom(
            match &response.pivot {
                Some(pivot) if args.long => Table::pivot_long(pivot).csv(),
                Some(pivot) => Table::pivot_csv(pivot).csv(),
                None => render::hits::csv(&response, args.offset, &args.fields),
            },
            args.bom,
        ),
        Format::Jsonl => render::hits::jsonl(&response, args.offset, &args.fields),
    };
    crate::print::emit(out.as_bytes())?;
    Ok(if response.total > 0 { FOUND } else { NOT_FOUND })
}

/// `fazhi facets`: counts of matching reports by one dimension, one level
/// below the region (or level) filtered on.
pub fn facets(args: FacetsArgs) -> Result<u8> {
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let request = facets_request(SearchRequest { measure: args.measure, ..args.filters.request(&args.query) });
    let response = engine.search(&request)?;
    say_if_loose(&response);
    let list = response.facets.as_ref().map_or(&[][..], |counts| counts.by(args.by));
    let table = Table::from_buckets(args.by, list, response.total as u64);
    let out = match args.format {
        Format::Text => {
            let filters = crate::print::text::filters_label(&response);
            let scope = if filters.is_empty() { String::new() } else { format!("（{filters}）") };
            format!("{}\n共 {} 篇报告{scope}\n", table.text(), response.total)
        }
        Format::Csv => render::with_bom(Table::buckets_csv(list).csv(), args.bom),
        Format::Json | Format::Jsonl => facets_json(&response, args.by),
    };
    crate::print::emit(out.as_bytes())?;
    Ok(if response.total > 0 { FOUND } else { NOT_FOUND })
}

/// The request `fazhi facets` (and `fazhi serve`'s `/api/facets`) sends:
/// the counts of every match, no hits; an empty query counts every report.
pub fn facets_request(request: SearchRequest) -> SearchRequest {
    SearchRequest { limit: 0, offset: 0, facets: true, pivot: None, all_if_empty: true, ..request }
}

/// `fazhi facets --format json`: the counts by `by`, one line.
pub fn facets_json(response: &SearchResponse, by: Dim) -> String {
    let list = response.facets.as_ref().map_or(&[][..], |counts| counts.by(by));
    let value = serde_json::json!({
        "query": response.query,
        "filters": response.filters,
        "by": by,
        "total": response.total,
        "buckets": list,
    });
    format!("{value}\n")
}

/// A loose answer is never given in silence, whatever the format.
pub fn say_if_loose(response: &SearchResponse) {
    if response.match_mode == MatchMode::Loose && response.total > 0 {
        eprintln!(
            "fazhi: 没有完全匹配的报告；这是宽松匹配的结果（报告中含有每个检索词的全部分词：{}，不必相连）",
            response.terms.join(" ")
        );
    }
}

/// [`say_if_loose`] for an export.
pub fn say_if_loose_export(mode: MatchMode, total: usize) {
    if mode == MatchMode::Loose && total > 0 {
        eprintln!("fazhi: 没有完全匹配的报告；按 --loose 导出了宽松匹配的 {total} 篇（报告中含有每个检索词的全部分词，不必相连）");
    }
}
