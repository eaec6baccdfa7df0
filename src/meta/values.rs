//! A report's metadata values, one slot per [`Field`], and the same with
//! how sure extraction was of each and why ([`Metadata`]).

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{Field, Kind, FIELDS};

/// One known value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Year(i64),
}

impl Value {
    /// The value read from JSON (a sidecar, a record's column) for a field
    /// of `field`'s kind; `None` when it is of the wrong type, out of range
    /// or outside the field's vocabulary.
    pub fn from_json(field: Field, json: &serde_json::Value) -> Option<Value> {
        let def = field.def();
        match def.kind {
            Kind::Text => {
                let text = json.as_str()?;
                def.vocabulary.is_none_or(|allowed| allowed.contains(&text)).then(|| Value::Text(text.to_string()))
            }
            Kind::Year => year_of(json).map(Value::Year),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Text(text) => text.as_str().into(),
            Value::Year(year) => (*year).into(),
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            Value::Year(_) => None,
        }
    }
}

impl From<String> for Value {
    fn from(text: String) -> Value {
        Value::Text(text)
    }
}

impl From<i64> for Value {
    fn from(year: i64) -> Value {
        Value::Year(year)
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Text(text) => f.write_str(text),
            Value::Year(year) => write!(f, "{year}"),
        }
    }
}

/// A year given as data: `2025`, `"2025"` or `"2025年"` (scrapers and
/// spreadsheets write years as text).
fn year_of(value: &serde_json::Value) -> Option<i64> {
    let year = match value {
        serde_json::Value::Number(n) => n.as_i64()?,
        serde_json::Value::String(s) => s.trim().trim_end_matches('年').trim().parse().ok()?,
        _ => return None,
    };
    (1949..=2100).contains(&year).then_some(year)
}

/// Every metadata field's value, or `None` when unknown. Serialized as a
/// flat map in [`FIELDS`] order, unknown values as `null`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Values([Option<Value>; FIELDS.len()]);

impl Values {
    pub fn get(&self, field: Field) -> Option<&Value> {
        self.0[field as usize].as_ref()
    }

    /// A text field's value.
    pub fn text(&self, field: Field) -> Option<&str> {
        self.get(field).and_then(Value::as_text)
    }

    /// The year the report covers.
    pub fn year(&self) -> Option<i64> {
        match self.get(Field::Year) {
            Some(Value::Year(year)) => Some(*year),
            _ => None,
        }
    }

    pub fn set(&mut self, field: Field, value: Option<Value>) {
        self.0[field as usize] = value;
    }

    /// Sets a field from JSON (`null` makes it unknown); `false` when the
    /// name is no field's or the value does not fit it.
    pub fn set_json(&mut self, name: &str, json: &serde_json::Value) -> bool {
        let Some(field) = Field::named(name) else { return false };
        if json.is_null() {
            self.set(field, None);
            return true;
        }
        match Value::from_json(field, json) {
            Some(value) => {
                self.set(field, Some(value));
                true
            }
            None => false,
        }
    }

    /// The known region names, from the province down.
    pub fn region(&self) -> Vec<&str> {
        Field::REGION.iter().filter_map(|&f| self.text(f)).collect()
    }

    /// Each field with its value, in [`FIELDS`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Field, Option<&Value>)> {
        FIELDS.iter().map(|def| (def.field, self.get(def.field)))
    }
}

impl Values {
    /// `fields` of these values as a flat map, in the order given, unknown as `null`.
    pub fn serialize_fields<S: Serializer>(
        &self,
        fields: impl ExactSizeIterator<Item = Field>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(fields.len()))?;
        for field in fields {
            match self.get(field) {
                None => map.serialize_entry(field.name(), &())?,
                Some(Value::Text(text)) => map.serialize_entry(field.name(), text)?,
                Some(Value::Year(year)) => map.serialize_entry(field.name(), year)?,
            }
        }
        map.end()
    }
}

impl Serialize for Values {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_fields(FIELDS.iter().map(|def| def.field), serializer)
    }
}

/// A report's metadata as worked out: each field's value, with how sure
/// (0–1) and why. Serialized flat (`"province": "江西省"`), with
/// `confidence` and `evidence` maps keyed by field name (the evidence may
/// also say where a scraped record came from, under `source`).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Metadata {
    #[serde(flatten)]
    pub values: Values,
    pub confidence: BTreeMap<String, f32>,
    pub evidence: BTreeMap<String, String>,
}

impl Metadata {
    /// Records a worked-out value with its confidence (to two places) and evidence.
    pub fn set(&mut self, field: Field, value: Option<Value>, confidence: f32, evidence: String) {
        self.confidence.insert(field.name().to_string(), (confidence * 100.0).round() / 100.0);
        if !evidence.is_empty() {
            self.evidence.insert(field.name().to_string(), evidence);
        }
        self.values.set(field, value);
    }

    /// How sure a report's place in a count is: the least confidence of its
    /// region (the least of its region fields that have a value), level and
    /// year, each 0 when unknown (`--min-confidence`).
    pub fn sureness(&self) -> f32 {
        let of = |field: Field| self.confidence.get(field.name()).copied().unwrap_or(0.0);
        let known = |field: Field| if self.values.get(field).is_some() { of(field) } else { 0.0 };
        let region = match self.values.get(Field::Province) {
            None => 0.0,
            Some(_) => Field::REGION.into_iter().filter(|&f| self.values.get(f).is_some()).map(of).fold(1.0, f32::min),
        };
        region.min(known(Field::Level)).min(known(Field::Year))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_set_from_json_by_the_fields_kind() {
        let mut v = Values::default();
        assert!(v.set_json("year", &json!(2023)));
        assert!(v.set_json("province", &json!("浙江省")));
        // A year written as text is a year; words are not.
        assert!(v.set_json("year", &json!("2022年")) && v.year() == Some(2022));
        assert!(!v.set_json("year", &json!("去年")));
        for bad in [json!("二〇二五"), json!("1800"), json!(2025.5), json!(true)] {
            assert!(!v.set_json("year", &bad), "{bad}");
        }
        assert!(v.set_json("year", &json!("2023")));
        assert!(!v.set_json("colour", &json!("red")));
        assert!(!v.set_json("province", &json!(5)));
        // A closed vocabulary refuses anything else.
        assert!(!v.set_json("type", &json!("通知公告")) && v.set_json("type", &json!("政策解读")));
        assert_eq!((v.year(), v.text(Field::Province)), (Some(2023), Some("浙江省")));
        let shown = serde_json::to_value(&v).unwrap();
        assert_eq!(shown["year"], 2023);
        assert_eq!(shown["type"], "政策解读");
        assert!(shown["city"].is_null());
        let names: Vec<&str> = shown.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(names, FIELDS.iter().map(|d| d.name).collect::<Vec<_>>());
        assert!(v.set_json("year", &serde_json::Value::Null) && v.year().is_none());
    }
}
