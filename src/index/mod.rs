//! The tantivy index: its schema (read from index-schema/schema.json), how
//! it is opened and checked ([`store`]), the step from a file to its
//! documents ([`pipeline`]), how they are written ([`build`]), and the term indexes fazhi keeps inside it ([`terms`]).

pub mod build;
pub mod doc_check;
pub mod known;
pub mod layout;
pub mod pipeline;
mod read_only;
pub mod report_doc;
pub mod schema;
pub mod store;
pub mod terms;
pub mod verify;
mod write_error;

pub use schema::Fields;
pub use store::IndexHandle;
