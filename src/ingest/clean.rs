//! Tidying decoded text: one line-ending convention, no invisible characters,
//! no trailing spaces, at most one blank line in a row, and no page chrome or
//! spam lines ([`super::chrome`]). Every format goes through here.

pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    let text = text.replace("\r\n", "\n");
    let mut line = String::new();
    for raw in text.split(['\n', '\r']) {
        line.clear();
        line.extend(raw.chars().filter(|&c| !is_invisible(c)));
        let trimmed = line.trim_end();
        if trimmed.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        // A dropped chrome line leaves no gap of its own.
        let Some(kept) = super::chrome::filter(trimmed) else { continue };
        if kept.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(&kept);
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

    #[test]
    fn chrome_lines_leave_no_gaps() {
        let page = "当前位置：首页 > 政务公开\n\n某镇2023年法治政府建设情况报告\n发布时间：2024-03-15 浏览次数：88 【字体：大 中 小】\n\
                    分享到：\n\n2023年，某镇推进法治政府建设，执法文书统一打印。\n\n打印本页 关闭窗口\n版权所有：某县人民政府";
        assert_eq!(
            clean(page),
            "某镇2023年法治政府建设情况报告\n发布时间：2024-03-15\n\n2023年，某镇推进法治政府建设，执法文书统一打印。"
        );
    }
}
