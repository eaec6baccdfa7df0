//! Tidying decoded text: one line-ending convention, no invisible characters,
//! no trailing spaces, at most one blank line in a row.

pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    let text = text.replace("\r\n", "\n");
    for line in text.split(['\n', '\r']) {
        let line: String = line.chars().filter(|&c| !is_invisible(c)).collect();
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(line);
    }
    out
}

/// Zero-width and control characters that carry no text.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{FEFF}' | '\u{200B}'..='\u{200D}' | '\u{2060}') || (c.is_control() && c != '\t')
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn normalizes_lines() {
        assert_eq!(clean("\u{FEFF}标题 \r\n\r\n\r\n\r\n正文\u{200B}一\r二\n"), "标题\n\n正文一\n二");
    }
}
