//! What a report is known by: its metadata fields, each defined once in
//! [`FIELDS`], and what reading a file ([`crate::ingest`]) and working out
//! its metadata ([`crate::extract`]) share: the hints a file gives, the
//! overrides a user gives, and dates.
//!
//! The table drives everything downstream of extraction: the index schema
//! (`index::schema`), the stored document (`index::report_doc`), hits
//! (`search`), `fazhi extract`, `show`, `export` and the JSON and CSV
//! output (`render`), checked against the JSON Schema by a test. Adding a
//! field is a variant of [`Field`], a row of [`FIELDS`], and the code in
//! `extract` that works it out.

pub mod dates;
mod hints;
mod values;

pub use hints::{Hints, Overrides};
pub use values::{Metadata, Value, Values};

/// A metadata field. Its row in [`FIELDS`] is `FIELDS[field as usize]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Title,
    Type,
    Unit,
    UnitType,
    Level,
    Province,
    City,
    County,
    Township,
    Year,
    PublishDate,
}

/// What a field's values are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text, kept as given.
    Text,
    /// A year, 1949–2100 (`2025`, `"2025"` or `"2025年"` when given as data).
    Year,
}

/// One metadata field: everything the code needs to know to extract,
/// index, store, read back and print it.
#[derive(Debug)]
pub struct FieldDef {
    pub field: Field,
    /// Its name in JSON and CSV output, `--fields`, sidecars, manifests and
    /// the index schema.
    pub name: &'static str,
    /// Its label in output for people.
    pub label: &'static str,
    pub kind: Kind,
    /// Kept in the index's document store (shown in hits).
    pub stored: bool,
    /// Indexed whole (one term per value), for exact lookups.
    pub indexed: bool,
    /// A fast (columnar) field: sorting and ranges.
    pub fast: bool,
    /// May be unknown (`null` in JSON, an empty CSV cell, `—` for people).
    pub nullable: bool,
    /// The only values it may take, when the set is closed: anything else
    /// given as an override is refused.
    pub vocabulary: Option<&'static [&'static str]>,
    /// What it holds (README, JSON Schema descriptions).
    pub description: &'static str,
}

/// What a document is: the values of [`Field::Type`].
pub const TYPES: &[&str] = &[RULE_OF_LAW, WORK_REPORT, INTERPRETATION, OTHER];
pub const RULE_OF_LAW: &str = "法治政府建设报告";
pub const WORK_REPORT: &str = "政府工作报告";
pub const INTERPRETATION: &str = "政策解读";
pub const OTHER: &str = "其他";

const fn text(field: Field, name: &'static str, label: &'static str, description: &'static str) -> FieldDef {
    FieldDef {
        field,
        name,
        label,
        kind: Kind::Text,
        stored: true,
        indexed: true,
        fast: false,
        nullable: true,
        vocabulary: None,
        description,
    }
}

/// Every metadata field, in output order.
pub const FIELDS: [FieldDef; 11] = [
    // Matched through title_words and title_key, never as one whole term.
    FieldDef { indexed: false, ..text(Field::Title, "title", "标题", "the report's title") },
    FieldDef {
        vocabulary: Some(TYPES),
        ..text(Field::Type, "type", "类型", "what the document is (src/extract/doc_type.rs)")
    },
    text(Field::Unit, "unit", "单位", "the government or department that reports"),
    text(Field::UnitType, "unit_type", "单位类型", "镇, 乡, 街道, 县, 区, 市 …, or 部门"),
    text(Field::Level, "level", "级别", "中央, 省级, 地市级, 县级 or 乡镇级 as extracted; a user's value as given"),
    text(Field::Province, "province", "省", "the province (省, 自治区, 直辖市)"),
    text(Field::City, "city", "市", "the prefecture (地级市, 州, 盟)"),
    text(Field::County, "county", "县", "the county (县, 区, 县级市, 旗)"),
    text(Field::Township, "township", "乡镇", "the township (镇, 乡, 街道)"),
    FieldDef { kind: Kind::Year, fast: true, ..text(Field::Year, "year", "年份", "the year the report covers") },
    text(
        Field::PublishDate,
        "publish_date",
        "发布日期",
        "YYYY-MM-DD as extracted; a user's value as given (2024-03, 2024年3月5日 …)",
    ),
];

impl Field {
    pub fn def(self) -> &'static FieldDef {
        &FIELDS[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.def().name
    }

    pub fn label(self) -> &'static str {
        self.def().label
    }

    /// The field a name (as in JSON, a sidecar, `--fields`) stands for.
    pub fn named(name: &str) -> Option<Field> {
        FIELDS.iter().find(|d| d.name == name).map(|d| d.field)
    }

    /// The region fields, from the top.
    pub const REGION: [Field; 4] = [Field::Province, Field::City, Field::County, Field::Township];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_row_is_at_its_fields_place_and_names_are_unique() {
        for (i, def) in FIELDS.iter().enumerate() {
            assert_eq!(def.field as usize, i, "{}", def.name);
            assert_eq!(Field::named(def.name), Some(def.field));
        }
        let mut names: Vec<&str> = FIELDS.iter().map(|d| d.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FIELDS.len());
    }
}
