//! Every matching report as one flat record (`fazhi export`): all metadata
//! fields, each with its confidence, the source `url`, the reposts, and on
//! request the cleaned text. Records are made and handed on one at a time,
//! in index order, so memory stays flat however many reports match.

use anyhow::{Context, Result};
use serde_json::{Map, Value};
use tantivy::collector::{Count, DocSetCollector};
use tantivy::query::Query;
use tantivy::schema::Value as _;

use super::{doc_check, provenance, MatchMode, SearchRequest, Snapshot};
use crate::index::report_doc::stored_values;
use crate::index::store;
use crate::meta::{Field, FIELDS as METADATA};
use crate::query::{self, parse::Reading, plan};

/// The record's fields, in order: the same names in JSON Lines and as CSV
/// headers. `text` only with `--text`.
pub fn fields(with_text: bool) -> Vec<String> {
    let mut out: Vec<String> = ["id", "path", "url"].map(String::from).to_vec();
    out.extend(METADATA.iter().map(|f| f.name.to_string()));
    out.push("duplicates".into());
    out.extend(METADATA.iter().map(|f| format!("{}_confidence", f.name)));
    if with_text {
        out.push("text".into());
    }
    out
}

/// What was exported, for the closing word.
pub struct Exported {
    pub total: usize,
    pub match_mode: MatchMode,
    pub interpretation: Vec<Reading>,
}

impl Snapshot {
    /// Hands every report matching `request` (all of them for an empty
    /// query) to `each`, exactly matched unless `request.loose` and nothing
    /// matches exactly.
    pub fn export(
        &self,
        request: &SearchRequest,
        with_text: bool,
        mut each: impl FnMut(Map<String, Value>) -> Result<()>,
    ) -> Result<Exported> {
        let parsed = query::parse(&request.query, request.literal)?;
        store::reading(&self.handle.dir, || {
            let (f, ranking) = (&self.handle.fields, &self.handle.ranking);
            let (parsed, resolved) = self.understand(request, parsed)?;
            let searcher = self.reader.searcher();
            let within = parsed.within.or(request.within);
            let (mut plan, _) = self.exact_plan(&searcher, &parsed, &resolved, within, &request.stop)?;
            let mut match_mode = MatchMode::Exact;
            if request.loose && within.is_none() && searcher.search(plan.query.as_ref(), &Count)? == 0 {
                if let Some(loose) = plan::loose(&parsed, f, ranking, &resolved.matching()) {
                    plan = loose;
                    match_mode = MatchMode::Loose;
                }
            }
            let query: &dyn Query = plan.query.as_ref();
            let mut addresses: Vec<_> =
                searcher.search(query, &DocSetCollector).context("导出失败")?.into_iter().collect();
            addresses.sort();
            let names = fields(with_text);
            for address in &addresses {
                let doc = doc_check::read(&self.handle, &searcher, *address)?;
                let text = |field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
                let known = provenance(&doc, f);
                let id = text(f.id).unwrap_or_default();
                let values = stored_values(f, &doc);
                let mut record = Map::new();
                for name in &names {
                    let value: Value = match name.as_str() {
                        "id" => id.clone().into(),
                        "path" => text(f.path).into(),
                        "url" => known["url"].clone(),
                        "duplicates" => self.reposts(&searcher, &id)?.into(),
                        "text" => text(f.body).into(),
                        other => match other.strip_suffix("_confidence") {
                            // Two decimals: the stored f32 prints as 0.8999999761581421.
                            Some(field) => known["confidence"][field]
                                .as_f64()
                                .map(|c| Value::from((c * 100.0).round() / 100.0))
                                .unwrap_or(Value::Null),
                            None => Field::named(other)
                                .and_then(|field| values.get(field))
                                .map_or(Value::Null, crate::meta::Value::to_json),
                        },
                    };
                    record.insert(name.clone(), value);
                }
                each(record)?;
            }
            Ok(Exported { total: addresses.len(), match_mode, interpretation: parsed.readings.clone() })
        })
    }
}
