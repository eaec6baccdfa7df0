//! Saved web pages: decode with the page's declared charset (GBK pages are
//! common) or by detection, parse with html5ever (via `scraper`, which copes
//! with any tag soup), and keep the main content.
//!
//! The main content is found as readability does: every block of text
//! scores its parent and grandparent by its length and punctuation (prose
//! has commas, menus do not), scores are discounted by how much of an
//! element is link text, and the best element is taken with those of its
//! siblings that score close to it. Scripts, styles, `<nav>`, `<header>`,
//! `<footer>`, hidden elements and elements whose class or id says they are
//! menus, share bars or footers never count. Block elements become lines;
//! lines that are mostly link text (menus, related-article lists) are
//! dropped, and the rest goes through the same cleaner as plain text.
//!
//! The `<title>` (or the `ArticleTitle` meta of government CMSs) and the
//! publish date (`PubDate`, `publishdate`, `article:published_time`, or a
//! 发布时间：… line anywhere on the page) become hints for extraction.

use std::collections::HashMap;
use std::sync::LazyLock;

use ego_tree::{NodeId, NodeRef};
use encoding_rs::Encoding;
use regex::Regex;
use scraper::{Html, Node};

use super::{clean, decode, html_tree, Hints, Part, SkipReason};
use crate::meta::dates::iso_date;

/// The declared charset: `<meta charset="gbk">` or the http-equiv form.
static CHARSET: LazyLock<regex::bytes::Regex> =
    LazyLock::new(|| regex::bytes::Regex::new(r#"(?i)<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)"#).unwrap());
/// A publish-date line of the page (outside the article as often as in it).
static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:发布|成文|印发)(?:时间|日期)\s*[:：]?\s*((?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})")
        .unwrap()
});
/// Class or id of page furniture (English and pinyin names Chinese CMSs use).
static UNLIKELY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:nav|menu|header|footer|foot|topbar|top-|crumb|breadcrumb|position|location|dqwz|share|bdshare|print|fontsize|zihao|related|xgxx|xglj|link|friendlink|sidebar|side|banner|ewm|qrcode|erweima|copyright|bottom|pagination|pager|comment|search|login|toolbar|tool|advert|ads?[-_]|gotop|backtop)",
    )
    .unwrap()
});
/// Class or id of an article body: never skipped as furniture.
static LIKELY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)content|article|main|body|text|zoom|detail|editor|trs_|zhengwen|wenzhang").unwrap()
});

/// Elements whose content is never text of the page.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "select", "option", "button", "iframe",
    "template", "svg", "head", "object", "embed", "input", "textarea", "map", "canvas", "video", "audio",
];
/// Elements that start a new line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "tr",
    "table",
    "tbody",
    "thead",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "main",
    "blockquote",
    "pre",
    "hr",
    "center",
    "figure",
    "figcaption",
    "address",
    "form",
    "fieldset",
    "body",
    "caption",
];
/// Elements that hold prose of their own (readability's paragraphs).
const PARAGRAPHS: &[&str] = &["p", "div", "td", "pre", "li", "section", "article", "blockquote", "dd", "font", "span"];
/// Share of siblings' score needed to join the best element.
const SIBLING_SHARE: f64 = 0.2;
/// Deeper elements are ignored: the walks recurse, and a page nested 100,000
/// deep must not overflow the stack (no real page nests this deep).
const MAX_DEPTH: usize = 256;

pub fn read(bytes: &[u8]) -> Result<Part, SkipReason> {
    let (page, encoding) = decode_page(bytes)?;
    let Some(html) = html_tree::parse(&page) else {
        return Err(SkipReason::TooComplex("网页标签嵌套或错位过多，解析工作量远超页面大小".into()));
    };
    let mut hints = Hints::default();
    meta_hints(&html, &mut hints);

    let root = html.tree.root();
    let mut stats = HashMap::new();
    measure(root, &mut stats, false, 0);
    let chosen = main_content(root, &stats);
    let mut lines = Lines::default();
    for node in &chosen {
        lines.render(*node, &stats, false);
    }
    let text = clean::clean(&lines.finish());

    if hints.publish_date.is_none() {
        // The date line often sits above the article, outside the content.
        let mut all = Lines::default();
        all.render(root, &stats, false);
        if let Some(c) = all.finish().lines().find_map(|l| DATE_LINE.captures(l)) {
            hints.publish_date = iso_date(&c[1]);
            hints.date_source = "网页上的发布时间".into();
        }
    }
    Ok(Part::whole(text, format!("HTML（{encoding}）"), hints))
}

/// The page as text: a BOM wins, then the declared charset if it decodes
/// cleanly, else detection as for plain text.
fn decode_page(bytes: &[u8]) -> Result<(String, &'static str), SkipReason> {
    if Encoding::for_bom(bytes).is_none() {
        let head = &bytes[..bytes.len().min(4096)];
        let declared = CHARSET.captures(head).and_then(|c| Encoding::for_label(&c[1]));
        // A page can't declare UTF-16 in ASCII; such a label is a lie.
        if let Some(encoding) = declared.filter(|e| e.output_encoding() == *e) {
            let (text, _, had_errors) = encoding.decode(bytes);
            if !had_errors && !text.contains('\0') {
                return Ok((text.into_owned(), encoding.name()));
            }
        }
    }
    decode::decode(bytes)
}

fn meta_hints(html: &Html, hints: &mut Hints) {
    let mut article_title = None;
    for node in html.tree.nodes() {
        let Some(el) = node.value().as_element() else { continue };
        match el.name() {
            "title" if hints.title.is_none() => {
                let text: String = node.descendants().filter_map(|n| n.value().as_text()).map(|t| &**t).collect();
                hints.title = page_title(&text);
                hints.title_source = "网页标题 <title>".into();
            }
            "meta" => {
                let key = el.attr("name").or_else(|| el.attr("property")).unwrap_or("").to_lowercase();
                let Some(content) = el.attr("content") else { continue };
                match key.as_str() {
                    "articletitle" | "og:title" if article_title.is_none() => article_title = page_title(content),
                    "pubdate"
                    | "publishdate"
                    | "publish_date"
                    | "publishtime"
                    | "firstpublishedtime"
                    | "article:published_time"
                    | "dc.date"
                    | "dcterms.issued"
                        if hints.publish_date.is_none() =>
                    {
                        hints.publish_date = iso_date(content);
                        hints.date_source = format!("网页元数据 <meta name=\"{key}\">");
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if let Some(title) = article_title {
        hints.title = Some(title);
        hints.title_source = "网页元数据 ArticleTitle".into();
    }
}

/// A page title without the site name around it:
/// `XX镇2023年法治政府建设情况报告_XX县人民政府` → the report's part; `None`
/// when no part is about a report.
pub fn page_title(raw: &str) -> Option<String> {
    let raw = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let parts: Vec<&str> = raw
        .split(['_', '|', '｜', '—', '–', '-', '－'])
        .flat_map(|p| p.split(" - "))
        .map(str::trim)
        .filter(|p| p.chars().count() >= 2)
        .collect();
    // A page titled with the site's name only is no hint.
    let best = parts.into_iter().find(|p| p.contains("报告") || p.contains("法治") || p.contains("依法行政"))?;
    Some(best.to_string())
}

/// Per element: visible chars, chars inside links, and its content score.
#[derive(Default, Clone, Copy)]
struct Stats {
    chars: usize,
    link_chars: usize,
    score: f64,
    skipped: bool,
}

fn element_name<'a>(node: &NodeRef<'a, Node>) -> Option<&'a str> {
    node.value().as_element().map(|e| e.name())
}

/// Whether an element is furniture that never counts.
fn is_skipped(node: &NodeRef<Node>) -> bool {
    let Some(el) = node.value().as_element() else { return false };
    if SKIPPED.contains(&el.name()) || el.attr("hidden").is_some() {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let style: String = style.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return true;
        }
    }
    if matches!(el.name(), "body" | "html" | "article" | "main") {
        return false;
    }
    let names = el.classes().chain(el.id());
    let mut unlikely = false;
    for name in names {
        if LIKELY.is_match(name) {
            return false;
        }
        unlikely |= UNLIKELY.is_match(name);
    }
    unlikely
}

/// Counts chars bottom-up and spreads each paragraph's score to its parent
/// and grandparent. Returns (chars, link chars) of the subtree.
/// What a subtree's text holds, added up as the walk returns: a parent
/// reads its children's sums instead of walking their text again, so the
/// walk is linear in the page.
#[derive(Clone, Copy, Default)]
struct Sums {
    /// Characters other than whitespace, and those inside links.
    chars: usize,
    links: usize,
    han: usize,
    commas: usize,
}

impl std::ops::AddAssign for Sums {
    fn add_assign(&mut self, o: Sums) {
        self.chars += o.chars;
        self.links += o.links;
        self.han += o.han;
        self.commas += o.commas;
    }
}

fn measure(node: NodeRef<Node>, stats: &mut HashMap<NodeId, Stats>, in_link: bool, depth: usize) -> (usize, usize) {
    let sums = measure_sums(node, stats, in_link, depth);
    (sums.chars, sums.links)
}

fn measure_sums(node: NodeRef<Node>, stats: &mut HashMap<NodeId, Stats>, in_link: bool, depth: usize) -> Sums {
    if let Some(text) = node.value().as_text() {
        let mut sums = Sums::default();
        for c in text.chars() {
            sums.chars += usize::from(!c.is_whitespace());
            sums.han += usize::from(is_han(c));
            sums.commas += usize::from(matches!(c, '，' | '。' | '；' | '、' | ',' | ';'));
        }
        sums.links = if in_link { sums.chars } else { 0 };
        return sums;
    }
    if depth > MAX_DEPTH || is_skipped(&node) {
        stats.insert(node.id(), Stats { skipped: true, ..Stats::default() });
        return Sums::default();
    }
    let in_link = in_link || element_name(&node) == Some("a");
    let (mut all, mut own) = (Sums::default(), Sums::default());
    for child in node.children() {
        let sums = measure_sums(child, stats, in_link, depth + 1);
        all += sums;
        // Text directly in this element, or in inline children: its own prose.
        let inline = element_name(&child).is_some_and(|n| !BLOCKS.contains(&n) && n != "a");
        if child.value().is_text() || inline {
            own += sums;
        }
    }
    let entry = stats.entry(node.id()).or_default();
    entry.chars = all.chars;
    entry.link_chars = all.links;
    let is_paragraph = element_name(&node).is_some_and(|n| PARAGRAPHS.contains(&n));
    if is_paragraph && own.han >= 10 {
        let score = 1.0 + own.commas as f64 + (own.han as f64 / 100.0).min(3.0);
        for (i, ancestor) in node.ancestors().take(2).enumerate() {
            stats.entry(ancestor.id()).or_default().score += score / (i + 1) as f64;
        }
    }
    all
}

/// The text of a `<pre>` as written, without what never counts inside it
/// (a `<script>` in a `<pre>` is still a script).
fn preformatted(node: NodeRef<Node>, stats: &HashMap<NodeId, Stats>, out: &mut String) {
    for child in node.children() {
        match child.value() {
            Node::Text(text) => out.push_str(text),
            Node::Element(_) if !stats.get(&child.id()).is_some_and(|s| s.skipped) => preformatted(child, stats, out),
            _ => {}
        }
    }
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// The best-scoring element, with siblings that score close to it or hold
/// prose of their own; the whole page when nothing scores.
fn main_content<'a>(root: NodeRef<'a, Node>, stats: &HashMap<NodeId, Stats>) -> Vec<NodeRef<'a, Node>> {
    let adjusted = |n: &NodeRef<Node>| {
        stats.get(&n.id()).filter(|s| !s.skipped && s.score > 0.0).map(|s| {
            let density = s.link_chars as f64 / s.chars.max(1) as f64;
            s.score * (1.0 - density)
        })
    };
    let best = root.descendants().filter_map(|n| adjusted(&n).map(|s| (n, s))).max_by(|a, b| a.1.total_cmp(&b.1));
    let Some((top, top_score)) = best else { return vec![root] };
    let Some(parent) = top.parent() else { return vec![top] };
    parent
        .children()
        .filter(|sibling| {
            if sibling.id() == top.id() {
                return true;
            }
            let Some(s) = stats.get(&sibling.id()).filter(|s| !s.skipped) else { return false };
            let density = s.link_chars as f64 / s.chars.max(1) as f64;
            adjusted(sibling).is_some_and(|score| score >= top_score * SIBLING_SHARE)
                || element_name(sibling) == Some("p") && s.chars >= 80 && density < 0.25
        })
        .collect()
}

/// Text lines with how much of each is link text.
#[derive(Default)]
struct Lines {
    done: Vec<String>,
    line: String,
    link_chars: usize,
}

impl Lines {
    fn render(&mut self, node: NodeRef<Node>, stats: &HashMap<NodeId, Stats>, in_link: bool) {
        match node.value() {
            Node::Text(text) => {
                let mut last_space = self.line.ends_with(' ') || self.line.is_empty();
                for c in text.chars() {
                    // HTML whitespace collapses; a no-break space is a space.
                    if c.is_ascii_whitespace() || c == '\u{A0}' {
                        if !last_space {
                            self.line.push(' ');
                            last_space = true;
                        }
                    } else {
                        self.line.push(c);
                        last_space = false;
                        if in_link {
                            self.link_chars += 1;
                        }
                    }
                }
            }
            Node::Element(el) => {
                if stats.get(&node.id()).is_some_and(|s| s.skipped) {
                    return;
                }
                let name = el.name();
                let block = BLOCKS.contains(&name);
                if block {
                    self.break_line();
                }
                if name == "pre" {
                    let mut text = String::new();
                    preformatted(node, stats, &mut text);
                    for line in text.lines() {
                        self.line.push_str(line);
                        self.break_line();
                    }
                    return;
                }
                let in_link = in_link || name == "a";
                for child in node.children() {
                    self.render(child, stats, in_link);
                }
                if block {
                    self.break_line();
                } else if matches!(name, "td" | "th") {
                    self.line.push(' ');
                }
            }
            Node::Document | Node::Fragment => {
                for child in node.children() {
                    self.render(child, stats, in_link);
                }
            }
            _ => {}
        }
    }

    /// Ends the current line; a line that is mostly link text is a menu.
    fn break_line(&mut self) {
        let line = self.line.trim();
        let chars = line.chars().filter(|c| !c.is_whitespace()).count();
        if chars > 0 && self.link_chars * 2 <= chars {
            self.done.push(line.to_string());
        }
        self.line.clear();
        self.link_chars = 0;
    }

    fn finish(mut self) -> String {
        self.break_line();
        self.done.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(page: &str) -> String {
        read(page.as_bytes()).unwrap().text.unwrap()
    }

    #[test]
    fn titles_lose_the_site_name() {
        assert_eq!(
            page_title("XX镇2023年法治政府建设情况报告_XX县人民政府").as_deref(),
            Some("XX镇2023年法治政府建设情况报告")
        );
        assert_eq!(
            page_title("某县人民政府 - 某县2022年法治政府建设年度报告 - 政务公开").as_deref(),
            Some("某县2022年法治政府建设年度报告")
        );
        assert_eq!(page_title("  某市人民政府门户网站 "), None);
    }

    #[test]
    fn article_is_kept_and_menus_go() {
        let prose = "2023年，某镇坚持和发展新时代“枫桥经验”，推进矛盾纠纷就地化解，培育“法律明白人”队伍。";
        let page = format!(
            "<html><head><title>某镇报告_某县政府</title><script>var a='不应出现';</script></head><body>\
             <div class=\"nav\"><a href=/>首页</a><a href=/a>政务公开</a><a href=/b>政策解读</a></div>\
             <div class=\"main\"><div class=\"left\"><ul><li><a href=/x>某县召开全体会议</a></li>\
             <li><a href=/y>某县开展专项检查工作</a></li></ul></div>\
             <div id=\"zoom\"><p>{prose}</p><p>{prose}</p><p>一是严格落实三项制度，执法文书统一打印。</p></div></div>\
             <div style=\"display: none\">澳门葡京赌场</div><footer>版权所有 某县人民政府</footer></body></html>"
        );
        let text = text_of(&page);
        assert!(text.contains("枫桥经验") && text.contains("统一打印"), "{text}");
        for gone in ["首页", "政务公开", "某县召开全体会议", "不应出现", "葡京", "版权所有"] {
            assert!(!text.contains(gone), "{gone} in {text}");
        }
    }

    #[test]
    fn br_and_table_layouts_keep_lines() {
        let page = "<html><body><table><tr><td class=menu><a href=/>首页</a><br><a href=/a>机构设置</a></td>\
                    <td><div id=text>某镇2023年法治政府建设情况报告<br>一是落实行政执法三项制度，推进严格规范公正文明执法。<br>\
                    二是深化普法宣传，开展法治讲座十二场，发放资料三千份。</div></td></tr></table></body></html>";
        assert_eq!(
            text_of(page),
            "某镇2023年法治政府建设情况报告\n一是落实行政执法三项制度，推进严格规范公正文明执法。\n\
             二是深化普法宣传，开展法治讲座十二场，发放资料三千份。"
        );
    }

    #[test]
    fn hints_from_meta_and_date_lines() {
        let page = "<html><head><meta name=\"ArticleTitle\" content=\"某镇2023年法治政府建设情况报告\">\
                    <title>某县人民政府</title><meta name=\"PubDate\" content=\"2024-03-15 09:30\"></head>\
                    <body><p>正文，一段文字，足够长的一段报告正文内容。</p></body></html>";
        let hints = read(page.as_bytes()).unwrap().hints;
        assert_eq!(hints.title.as_deref(), Some("某镇2023年法治政府建设情况报告"));
        assert_eq!(hints.publish_date.as_deref(), Some("2024-03-15"));
        let page = "<html><head><title>某镇报告</title></head><body><div class=info>发布时间：2024年3月5日</div>\
                    <div><p>正文，一段文字，足够长的一段报告正文内容。</p></div></body></html>";
        assert_eq!(read(page.as_bytes()).unwrap().hints.publish_date.as_deref(), Some("2024-03-05"));
    }

    #[test]
    fn declared_gbk_is_decoded() {
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head>\
                    <body><p>某镇坚持和发展新时代“枫桥经验”，推进法治政府建设。</p></body></html>";
        let (bytes, _, _) = encoding_rs::GBK.encode(page);
        let part = read(&bytes).unwrap();
        assert!(part.text.unwrap().contains("枫桥经验"));
        assert_eq!(part.format, "HTML（GBK）");
    }

    #[test]
    fn scripts_inside_pre_are_still_scripts() {
        let page = "<body><pre>第一行依法行政，推进法治政府建设。\n<script>var hidden = 1;</script>第二行坚持“枫桥经验”。</pre></body>";
        let text = text_of(page);
        assert!(text.contains("第一行") && text.contains("第二行"), "{text}");
        assert!(!text.contains("hidden"), "{text}");
    }

    #[test]
    fn malformed_pages_do_not_panic() {
        for page in ["", "<", "<html><body><p>未闭合", "<<<>>>&&&;", "<table><tr><td>甲<td>乙</table></p></div>"] {
            let _ = read(page.as_bytes());
        }
        let deep = format!("{}某镇推进法治政府建设，落实行政执法三项制度。", "<div>".repeat(100_000));
        assert!(matches!(read(deep.as_bytes()), Err(SkipReason::TooComplex(_))));
        // Deep but parseable: the walks stop at their depth limit instead of overflowing.
        let deep = format!("{}某镇推进法治政府建设，落实行政执法三项制度。", "<span>".repeat(4_000));
        let _ = read(deep.as_bytes());
    }
}
