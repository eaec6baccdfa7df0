//! Each stored report carries a checksum of its stored fields, so a
//! flipped bit in the document store (half the index, too big to checksum
//! whenever it is opened) is found when the report is read, not shown.
//!
//! The check also ties the document to its place: it is kept as a fast
//! field too, and the stored one must be the one the fast field gives for
//! that address, so a damaged block index that hands out another (intact)
//! document is caught too.

use anyhow::Result;
use tantivy::schema::{Field, Schema, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::store::damaged;
use super::IndexHandle;

/// The checksum of `doc`'s stored values other than the check itself, in
/// the order they are stored; `None` when it names a field the schema does
/// not have (only a damaged store gives such a document).
fn checksum(doc: &TantivyDocument, schema: &Schema, check: Field) -> Option<u64> {
    let fields = schema.fields().count();
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for (field, value) in doc.field_values() {
        if field.field_id() as usize >= fields {
            return None;
        }
        if field == check || !schema.get_field_entry(field).is_stored() {
            continue;
        }
        hasher.update(&field.field_id().to_le_bytes());
        if let Some(s) = value.as_str() {
            hasher.update(b"s");
            hasher.update(&(s.len() as u64).to_le_bytes());
            hasher.update(s.as_bytes());
        } else if let Some(n) = value.as_u64() {
            hasher.update(b"u");
            hasher.update(&n.to_le_bytes());
        } else if let Some(n) = value.as_i64() {
            hasher.update(b"i");
            hasher.update(&n.to_le_bytes());
        } else if let Some(f) = value.as_facet() {
            hasher.update(b"f");
            hasher.update(&(f.len() as u64).to_le_bytes());
            hasher.update(f.as_bytes());
        } else {
            hasher.update(b"?");
        }
    }
    Some(hasher.digest())
}

/// Adds the check to a document about to be written.
pub fn seal(doc: &mut TantivyDocument, schema: &Schema, check: Field) {
    if let Some(sum) = checksum(doc, schema, check) {
        doc.add_u64(check, sum);
    }
}

/// Reads the stored document at `address` and checks it; damage is the
/// one-line "damaged index" error.
pub fn read(handle: &IndexHandle, searcher: &Searcher, address: DocAddress) -> Result<TantivyDocument> {
    // tantivy asserts on some damaged blocks as it decodes them: that
    // panic is damage too, here where only tantivy's read runs.
    let doc: TantivyDocument =
        super::store::guard(&handle.dir, || searcher.doc(address).map_err(|e| damaged(&handle.dir, e)))?;
    let schema = searcher.schema();
    let f = &handle.fields;
    let stored = doc.get_first(f.check).and_then(|v| v.as_u64());
    if stored.is_none() || stored != checksum(&doc, schema, f.check) {
        return Err(damaged(
            &handle.dir,
            format!("文档存储（.store）中第 {} 段第 {} 篇的校验和不符", address.segment_ord, address.doc_id),
        ));
    }
    // The same check kept as a fast field says which document belongs at
    // this address (a numeric column: no dictionary to decompress).
    let segment = searcher.segment_reader(address.segment_ord);
    let placed = segment.fast_fields().u64("check").map_err(|e| damaged(&handle.dir, e))?.first(address.doc_id);
    if placed != stored {
        return Err(damaged(
            &handle.dir,
            format!("文档存储（.store）中第 {} 段第 {} 篇与索引不符", address.segment_ord, address.doc_id),
        ));
    }
    Ok(doc)
}
