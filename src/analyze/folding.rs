//! Which chars of a stored text traditional->simplified folding changes,
//! recorded at indexing so that matching in stored text (snippets,
//! occurrences, the concordance) need not fold the whole text again.

/// What traditional->simplified folding changes in a text, beyond the
/// per-char width and case folding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Folding {
    /// Nothing, or these chars: `(char index, folded char)`.
    Patch(Vec<(u32, char)>),
    /// Unknown or most of the text: fold it all.
    Full,
}

/// Above this many folded chars the index stores `*` (fold it all).
const MAX_PATCHES: usize = 200;

impl Folding {
    /// The stored form: `index:char,…`, or `*`.
    pub fn encode(folds: &[(u32, char)]) -> String {
        if folds.len() > MAX_PATCHES {
            return "*".into();
        }
        folds.iter().map(|(i, c)| format!("{i}:{c}")).collect::<Vec<_>>().join(",")
    }

    /// From the stored form; no value means nothing to fold.
    pub fn decode(stored: Option<&str>) -> Folding {
        let Some(stored) = stored.filter(|s| !s.is_empty()) else { return Folding::Patch(Vec::new()) };
        let parsed: Option<Vec<(u32, char)>> = stored
            .split(',')
            .map(|pair| {
                let (i, c) = pair.split_once(':')?;
                let mut chars = c.chars();
                Some((i.parse().ok()?, chars.next().filter(|_| chars.next().is_none())?))
            })
            .collect();
        parsed.map_or(Folding::Full, Folding::Patch)
    }
}
