//! What a file says about a report besides its text, handed from reading
//! (`ingest`) to extraction (`extract`).

/// Overrides for one report: field name → value, as a REPORT.json, a
/// manifest line or a table's columns give them.
pub type Overrides = serde_json::Map<String, serde_json::Value>;

/// Metadata a format states outside the text: hints used where the text
/// says nothing (an HTML `<title>`, a `PubDate` meta), or overrides (the
/// fields of a JSON Lines record, applied like a REPORT.json).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Hints {
    pub title: Option<String>,
    /// `YYYY-MM-DD`.
    pub publish_date: Option<String>,
    /// Where each hint was found, for the evidence (`<title>`, `<meta name="PubDate">`).
    pub title_source: String,
    pub date_source: String,
    /// Metadata fields to apply as overrides, and where they come from.
    pub overrides: Option<(Overrides, String)>,
    /// A scraper's `url` and `id`, kept in the evidence.
    pub url: Option<String>,
    pub id: Option<String>,
}
