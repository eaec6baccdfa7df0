//! The tantivy index: its schema (read from index-schema/schema.json), how
//! it is opened and checked ([`store`]), and how reports are written into it
//! ([`build`]).

pub mod build;
pub mod known;
pub mod report_doc;
pub mod schema;
pub mod store;

pub use schema::Fields;
pub use store::IndexHandle;
