//! fazhi: full-text search for Chinese local-government rule-of-law reports.
//!
//! The modules follow the data:
//! files → [`ingest`] → [`extract`] → [`analyze`] → [`index`];
//! query → [`query`] (parse, plan) → [`search`] (run, snippets) → [`render`].

pub mod analyze;
pub mod batch;
pub mod extract;
pub mod failpoint;
pub mod gazetteer;
pub mod index;
pub mod ingest;
pub mod parallel;
pub mod paths;
pub mod query;
pub mod render;
pub mod search;
