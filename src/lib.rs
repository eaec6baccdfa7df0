//! fazhi: full-text search for Chinese local-government rule-of-law reports.
//!
//! The modules follow the data:
//! files → [`ingest`] → [`extract`] → [`analyze`] → [`index`];
//! query → [`query`] (parse, plan) → [`search`] (run, snippets) → [`render`]
//! (JSON, JSON Lines, CSV). Below them: [`meta`], the metadata fields
//! defined once, and what ingest and extract share.
//!
//! The `fazhi` binary is one user of this library; a server is another. The
//! entry points, one example each. The engine's errors are typed
//! ([`error::Error`]: a bad request, an index that cannot be read, a
//! callback's own error, or a search stopped by its
//! [`search::SearchRequest::stop`]), indexing's are `anyhow`; all have
//! messages in Chinese, ready to show.
//!
//! **Index** a folder (or files: `.txt .html .docx .pdf .jsonl .csv .json`):
//!
//! ```no_run
//! use fazhi::index::build::{build, BuildRequest};
//! let request = BuildRequest { paths: vec!["reports/".into()], ..BuildRequest::default() };
//! let summary = build(std::path::Path::new("index/"), &request)?;
//! println!("{} reports, {} skipped", summary.total_docs, summary.skipped.len());
//! # anyhow::Ok(())
//! ```
//!
//! **Open** it once and share it: an [`search::Engine`] is `Send + Sync`, and
//! answers each request from the index's latest commit, even while
//! `fazhi index` writes beside it.
//!
//! ```no_run
//! let engine = fazhi::search::Engine::open(std::path::Path::new("index/"))?;
//! # anyhow::Ok(())
//! ```
//!
//! **Search**, with the query language of `fazhi search`:
//!
//! ```no_run
//! use fazhi::search::{Engine, SearchRequest};
//! # let engine = Engine::open(std::path::Path::new("index/"))?;
//! let request = SearchRequest { query: "枫桥经验 2023".into(), limit: 10, ..SearchRequest::default() };
//! let answer = engine.search(&request)?;
//! for hit in &answer.hits {
//!     let title = hit.meta.text(fazhi::meta::Field::Title);
//!     println!("{} {:?} {:?}", hit.id, title, hit.occurrences);
//! }
//! # anyhow::Ok(())
//! ```
//!
//! **Facets**: counts of the matching reports by region, year, level and type.
//!
//! ```no_run
//! use fazhi::search::{counts::Dim, Engine, SearchRequest};
//! # let engine = Engine::open(std::path::Path::new("index/"))?;
//! let request = SearchRequest { query: "法律明白人".into(), facets: true, ..SearchRequest::default() };
//! let answer = engine.search(&request)?;
//! for bucket in answer.facets.as_ref().map_or(&[][..], |f| f.by(Dim::Year)) {
//!     println!("{:?}: {}", bucket.value, bucket.count);
//! }
//! # anyhow::Ok(())
//! ```
//!
//! **Show** one report by id, unique id prefix or path: metadata with its
//! evidence, and the full text.
//!
//! ```no_run
//! use fazhi::search::{lookup::Found, Engine};
//! # let engine = Engine::open(std::path::Path::new("index/"))?;
//! if let Found::One(report) = engine.find_report("e1333c")? {
//!     println!("{:?}\n{}", report.hit.meta.text(fazhi::meta::Field::Title), report.text);
//! }
//! # anyhow::Ok(())
//! ```

pub mod analyze;
pub mod batch;
pub mod error;
pub mod extract;
pub mod failpoint;
pub mod gazetteer;
pub mod index;
pub mod ingest;
pub mod meta;
pub mod parallel;
pub mod paths;
pub mod query;
pub mod render;
pub mod search;
