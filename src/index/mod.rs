//! The tantivy index: its schema (read from index-schema/schema.json), how
//! it is opened and checked ([`store`]), how reports are written into it
//! ([`build`]), and the gram index fazhi keeps inside it ([`grams`]).

pub mod build;
pub mod grams;
pub mod known;
pub mod report_doc;
pub mod schema;
pub mod store;

pub use schema::Fields;
pub use store::IndexHandle;
