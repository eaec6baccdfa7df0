//! `title:词` and `unit:词`: a term matched against one metadata field
//! instead of the text, the way terms match the text (normalized,
//! punctuation and whitespace ignored, contiguous). `-title:词` excludes.
//!
//! Each field is indexed as one key, its [`analyze::key`] (`title_key`,
//! `unit_key`); a query finds the keys that contain the term in the
//! field's term dictionary (a title or unit is short, and an index holds
//! at most one key per report), see `search::field_match`.

use serde::Serialize;

use crate::analyze;

/// A metadata field a query term may be limited to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextField {
    Title,
    Unit,
}

impl TextField {
    /// The field a `key:` names: `title`/`标题`, `unit`/`单位`.
    pub fn named(key: &str) -> Option<TextField> {
        match analyze::key(key).as_str() {
            "title" | "标题" => Some(TextField::Title),
            "unit" | "单位" => Some(TextField::Unit),
            _ => None,
        }
    }
}

/// One `title:词` or `-unit:词` of a query.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldTerm {
    pub field: TextField,
    /// Normalized, punctuation and whitespace removed: what is matched.
    pub key: String,
    pub negated: bool,
}

impl FieldTerm {
    /// `title:词` (or `单位：词`) as a field term, if `word` is one; the
    /// key may be empty (a value of punctuation only).
    pub fn read(word: &str, negated: bool) -> Option<FieldTerm> {
        let (name, value) = word.split_once([':', '：'])?;
        let field = TextField::named(name)?;
        Some(FieldTerm { field, key: analyze::key(value), negated })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_terms_as_typed() {
        let t = FieldTerm::read("title:法治政府建設", false).unwrap();
        assert_eq!((t.field, t.key.as_str(), t.negated), (TextField::Title, "法治政府建设", false));
        let t = FieldTerm::read("单位：永平镇", true).unwrap();
        assert_eq!((t.field, t.key.as_str(), t.negated), (TextField::Unit, "永平镇", true));
        assert_eq!(FieldTerm::read("TITLE:“法治 政府”", false).unwrap().key, "法治政府");
        assert!(FieldTerm::read("year:2023", false).is_none() && FieldTerm::read("title", false).is_none());
        assert_eq!(FieldTerm::read("title:，", false).unwrap().key, "");
    }
}
