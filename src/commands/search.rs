//! `fazhi search` and `fazhi facets`.

use anyhow::Result;

use super::{color, index_dir, FOUND, NOT_FOUND};
use fazhi::cli::{FacetsArgs, Format, SearchArgs};
use fazhi::render::table::Table;
use fazhi::render::{self, text::Style};
use fazhi::search::{Engine, SearchRequest};

pub fn run(args: SearchArgs) -> Result<u8> {
    render::hits::check_fields(&args.fields)?;
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let request = SearchRequest {
        query: args.filters.query(&args.query),
        limit: args.limit,
        offset: args.offset,
        filters: args.filters.spec(),
        literal: args.filters.literal,
        facets: args.facets,
        pivot: args.pivot,
        sort: args.sort,
        all_if_empty: false,
    };
    let response = engine.search(&request)?;
    let out = match args.format {
        Format::Json => render::json::response(&response),
        Format::Text => render::text::response(&response, args.offset, &Style { color: color(args.color) }),
        Format::Csv => match &response.pivot {
            Some(pivot) => Table::from_pivot(pivot).csv(),
            None => render::hits::csv(&response, args.offset, &args.fields),
        },
        Format::Jsonl => render::hits::jsonl(&response, args.offset, &args.fields),
    };
    render::emit(out.as_bytes())?;
    Ok(if response.total > 0 { FOUND } else { NOT_FOUND })
}

/// `fazhi facets`: counts of matching reports by one dimension, one level
/// below the region (or level) filtered on.
pub fn facets(args: FacetsArgs) -> Result<u8> {
    let engine = Engine::open(&index_dir(&args.location)?)?;
    let request = SearchRequest {
        query: args.filters.query(&args.query),
        limit: 0,
        filters: args.filters.spec(),
        literal: args.filters.literal,
        facets: true,
        all_if_empty: true,
        ..SearchRequest::default()
    };
    let response = engine.search(&request)?;
    let counts = response.facets.as_ref().expect("facets requested");
    let list = counts.by(args.by);
    let table = Table::from_buckets(args.by, list, response.total as u64);
    let out = match args.format {
        Format::Text => {
            let filters = render::text::filters_label(&response);
            let scope = if filters.is_empty() { String::new() } else { format!("（{filters}）") };
            format!("{}\n共 {} 篇报告{scope}\n", table.text(), response.total)
        }
        Format::Csv => table.csv(),
        Format::Json | Format::Jsonl => {
            let value = serde_json::json!({
                "query": response.query,
                "filters": response.filters,
                "by": args.by,
                "total": response.total,
                "buckets": list,
            });
            format!("{value}\n")
        }
    };
    render::emit(out.as_bytes())?;
    Ok(if response.total > 0 { FOUND } else { NOT_FOUND })
}
