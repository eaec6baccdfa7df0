//! The index schema, described in `index-schema/schema.json` and turned into
//! a tantivy [`Schema`] here.

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use super::terms::Kind;
use tantivy::schema::{FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions};

/// The schema description the index is built from.
pub const SCHEMA_JSON: &str = include_str!("../../index-schema/schema.json");

/// Names of the analyzers of schema.json, as registered with tantivy.
pub const RAW: &str = "raw";
pub const WORDS: &str = "words";

#[derive(Debug, Deserialize)]
pub struct SchemaSpec {
    pub schema_version: u32,
    pub analyzers: serde_json::Map<String, serde_json::Value>,
    pub fields: Vec<FieldSpec>,
    pub ranking: Ranking,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub analyzer: Option<String>,
    pub record: Option<String>,
    pub comment: Option<String>,
    #[serde(default)]
    pub indexed: bool,
    #[serde(default)]
    pub stored: bool,
    #[serde(default)]
    pub fast: bool,
}

#[derive(Debug, Deserialize)]
pub struct Ranking {
    pub title_words: f32,
    pub body_words: f32,
}

impl SchemaSpec {
    pub fn load() -> Result<SchemaSpec> {
        serde_json::from_str(SCHEMA_JSON).context("index-schema/schema.json is invalid")
    }

    pub fn to_tantivy(&self) -> Result<Schema> {
        let mut builder = Schema::builder();
        for f in &self.fields {
            match f.kind.as_str() {
                "text" => {
                    let mut opts = TextOptions::default();
                    if let Some(analyzer) = &f.analyzer {
                        if !self.analyzers.contains_key(analyzer) {
                            bail!("schema.json: field {} uses unknown analyzer {analyzer}", f.name);
                        }
                        let record = match f.record.as_deref() {
                            None | Some("basic") => IndexRecordOption::Basic,
                            Some("freqs") => IndexRecordOption::WithFreqs,
                            Some("positions") => IndexRecordOption::WithFreqsAndPositions,
                            Some(other) => {
                                bail!("schema.json: field {}: bad record {other}", f.name)
                            }
                        };
                        opts = opts.set_indexing_options(
                            TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(record),
                        );
                    }
                    if f.stored {
                        opts = opts.set_stored();
                    }
                    if f.fast {
                        opts = opts.set_fast("raw");
                    }
                    builder.add_text_field(&f.name, opts);
                }
                "u64" | "i64" => {
                    let mut opts = NumericOptions::default();
                    if f.indexed {
                        opts = opts.set_indexed();
                    }
                    if f.stored {
                        opts = opts.set_stored();
                    }
                    if f.fast {
                        opts = opts.set_fast();
                    }
                    if f.kind == "u64" {
                        builder.add_u64_field(&f.name, opts);
                    } else {
                        builder.add_i64_field(&f.name, opts);
                    }
                }
                "facet" => {
                    let opts = if f.stored { FacetOptions::default().set_stored() } else { FacetOptions::default() };
                    builder.add_facet_field(&f.name, opts);
                }
                // Term indexes written by fazhi's own segment plugins.
                other => match Kind::from_schema(other) {
                    Some(kind) => {
                        builder.add_custom_field(&f.name, kind.type_name(), serde_json::json!({}));
                    }
                    None => bail!("schema.json: field {} has unknown type {other}", f.name),
                },
            }
        }
        Ok(builder.build())
    }
}

/// Handles of the fields the code uses; built from the schema so a renamed
/// or missing field in schema.json fails loudly at start-up.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub id: Field,
    pub kind: Field,
    pub duplicate_of: Field,
    pub dedupe_key: Field,
    pub simhash: Field,
    pub path: Field,
    pub file_mtime: Field,
    pub file_size: Field,
    pub file: Field,
    pub file_entries: Field,
    pub content_hash: Field,
    pub title: Field,
    pub title_words: Field,
    pub title_key: Field,
    pub body: Field,
    pub folds: Field,
    pub body_words: Field,
    pub body_grams: Field,
    pub unit: Field,
    pub unit_key: Field,
    pub province: Field,
    pub city: Field,
    pub county: Field,
    pub township: Field,
    pub unit_type: Field,
    pub level: Field,
    pub year: Field,
    pub publish_date: Field,
    pub published: Field,
    pub metadata: Field,
    pub region: Field,
    pub level_facet: Field,
    pub doc_type: Field,
    pub type_facet: Field,
    pub sure: Field,
    pub check: Field,
}

impl Fields {
    pub fn new(schema: &Schema) -> Result<Fields> {
        let f = |name: &str| schema.get_field(name).with_context(|| format!("index schema lacks the field {name}"));
        Ok(Fields {
            id: f("id")?,
            kind: f("kind")?,
            duplicate_of: f("duplicate_of")?,
            dedupe_key: f("dedupe_key")?,
            simhash: f("simhash")?,
            path: f("path")?,
            file_mtime: f("file_mtime")?,
            file_size: f("file_size")?,
            file: f("file")?,
            file_entries: f("file_entries")?,
            content_hash: f("content_hash")?,
            title: f("title")?,
            title_words: f("title_words")?,
            title_key: f("title_key")?,
            body: f("body")?,
            folds: f("folds")?,
            body_words: f("body_words")?,
            body_grams: f("body_grams")?,
            unit: f("unit")?,
            unit_key: f("unit_key")?,
            province: f("province")?,
            city: f("city")?,
            county: f("county")?,
            township: f("township")?,
            unit_type: f("unit_type")?,
            level: f("level")?,
            year: f("year")?,
            publish_date: f("publish_date")?,
            published: f("published")?,
            metadata: f("metadata")?,
            region: f("region")?,
            level_facet: f("level_facet")?,
            doc_type: f("type")?,
            type_facet: f("type_facet")?,
            sure: f("sure")?,
            check: f("check")?,
        })
    }
}

impl Fields {
    /// Every report, reposts excluded (what an empty query matches).
    pub fn every_report(&self) -> tantivy::query::TermQuery {
        self.every(super::report_doc::REPORT)
    }

    /// Every repost (a `duplicate` entry naming the report it repeats).
    pub fn every_repost(&self) -> tantivy::query::TermQuery {
        self.every(super::report_doc::DUPLICATE)
    }

    fn every(&self, kind: &str) -> tantivy::query::TermQuery {
        tantivy::query::TermQuery::new(tantivy::Term::from_field_text(self.kind, kind), IndexRecordOption::Basic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_file_builds_and_has_every_field() {
        let spec = SchemaSpec::load().unwrap();
        let schema = spec.to_tantivy().unwrap();
        Fields::new(&schema).unwrap();
        // Analyzers are named, not configured: every entry is a name and a comment.
        assert!(spec.analyzers.values().all(|a| a.as_object().is_some_and(|o| o.keys().all(|k| k == "comment"))));
        assert!(spec.ranking.title_words > spec.ranking.body_words);
    }
}
