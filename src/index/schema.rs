//! The index schema: the fields of `index-schema/schema.json`, then the
//! metadata fields of [`crate::meta::FIELDS`], turned into a tantivy
//! [`Schema`] here.

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use super::terms::Kind;
use crate::meta;
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

#[derive(Clone, Debug, Deserialize)]
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

impl FieldSpec {
    /// How a metadata field is indexed: text whole (the raw analyzer) when
    /// indexed, a year as an i64.
    fn of_metadata(def: &meta::FieldDef) -> FieldSpec {
        let kind = match def.kind {
            meta::Kind::Text => "text",
            meta::Kind::Year => "i64",
        };
        let analyzer = (def.kind == meta::Kind::Text && def.indexed).then(|| RAW.to_string());
        FieldSpec {
            name: def.name.to_string(),
            kind: kind.to_string(),
            analyzer,
            record: None,
            comment: Some(def.description.to_string()),
            indexed: def.indexed,
            stored: def.stored,
            fast: def.fast,
        }
    }
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

    /// The fields of schema.json, then one per metadata field.
    pub fn fields(&self) -> impl Iterator<Item = FieldSpec> + '_ {
        self.fields.iter().cloned().chain(meta::FIELDS.iter().map(FieldSpec::of_metadata))
    }

    pub fn to_tantivy(&self) -> Result<Schema> {
        let mut builder = Schema::builder();
        for f in self.fields() {
            if let Some(meta) = meta::Field::named(&f.name) {
                if self.fields.iter().any(|own| own.name == f.name) {
                    bail!("schema.json: field {} is a metadata field (src/meta/mod.rs)", meta.name());
                }
            }
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
    pub title_words: Field,
    pub title_key: Field,
    pub body: Field,
    pub folds: Field,
    pub body_words: Field,
    pub body_grams: Field,
    pub unit_key: Field,
    pub published: Field,
    pub metadata: Field,
    pub region: Field,
    pub level_facet: Field,
    pub type_facet: Field,
    pub sure: Field,
    pub check: Field,
    /// The metadata fields, by [`meta::Field`] (see [`Fields::of`]).
    meta: [Field; meta::FIELDS.len()],
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
            title_words: f("title_words")?,
            title_key: f("title_key")?,
            body: f("body")?,
            folds: f("folds")?,
            body_words: f("body_words")?,
            body_grams: f("body_grams")?,
            unit_key: f("unit_key")?,
            published: f("published")?,
            metadata: f("metadata")?,
            region: f("region")?,
            level_facet: f("level_facet")?,
            type_facet: f("type_facet")?,
            sure: f("sure")?,
            check: f("check")?,
            meta: {
                let mut handles = [Field::from_field_id(0); meta::FIELDS.len()];
                for (handle, def) in handles.iter_mut().zip(&meta::FIELDS) {
                    *handle = f(def.name)?;
                }
                handles
            },
        })
    }
}

impl Fields {
    /// The index field of a metadata field.
    pub fn of(&self, field: meta::Field) -> Field {
        self.meta[field as usize]
    }

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
