//! A page parsed by html5ever (through scraper's tree), stopped once the
//! parser's work outgrows the page. html5ever scans its stack of open
//! elements for many tags (is a `<p>` open in button scope? …), so tag soup
//! that never closes what it opens makes parsing quadratic: a generated
//! 4 MB page took 9 s. No scan of the markup can tell in advance how deep a
//! parser will nest (implied end tags, foster parenting, misnested
//! formatting), and the tree's depth does not follow the stack either
//! (that page's tree was 13 deep over a stack of 5,000). So the work itself
//! is counted: every step of a stack scan asks the tree for an element's
//! name. The page is fed in chunks, and parsing stops at the first chunk
//! after which the steps exceed [`STEPS_PER_BYTE`] per byte read so far.

use std::borrow::Cow;
use std::cell::Cell;
use std::rc::Rc;

use ego_tree::NodeId;
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::{Html, HtmlTreeSink};

/// Stack-scan steps allowed per byte of the page (plus [`BASE_STEPS`]).
/// Real pages take under 2 (measured: tests below); 40,000 nested divs or
/// unclosed tags by the thousand take thousands.
pub const STEPS_PER_BYTE: u64 = 64;
const BASE_STEPS: u64 = 1 << 20;
/// Bytes fed to the parser between checks.
const CHUNK: usize = 64 << 10;

/// The parsed page, or `None` when parsing it is far more work than its size.
pub fn parse(page: &str) -> Option<Html> {
    let steps = Rc::new(Cell::new(0));
    let sink = Counted { inner: HtmlTreeSink::new(Html::new_document()), steps: Rc::clone(&steps) };
    let mut parser = html5ever::driver::parse_document(sink, Default::default());
    let (mut rest, mut fed) = (page, 0u64);
    while !rest.is_empty() {
        let mut cut = rest.len().min(CHUNK);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        parser.process(StrTendril::from_slice(&rest[..cut]));
        fed += cut as u64;
        if steps.get() > BASE_STEPS + STEPS_PER_BYTE * fed {
            return None;
        }
        rest = &rest[cut..];
    }
    Some(parser.finish())
}

/// scraper's tree sink, counting the names it is asked for.
struct Counted {
    inner: HtmlTreeSink,
    steps: Rc<Cell<u64>>,
}

impl TreeSink for Counted {
    type Handle = NodeId;
    type Output = Html;
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Self::ElemName<'a> {
        self.steps.set(self.steps.get() + 1);
        self.inner.elem_name(target)
    }

    fn finish(self) -> Html {
        self.inner.finish()
    }

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg)
    }

    fn get_document(&self) -> NodeId {
        self.inner.get_document()
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        self.inner.create_element(name, attrs, flags)
    }

    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.inner.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.inner.create_pi(target, data)
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        self.inner.append(parent, child)
    }

    fn append_based_on_parent_node(&self, element: &NodeId, prev_element: &NodeId, child: NodeOrText<NodeId>) {
        self.inner.append_based_on_parent_node(element, prev_element, child)
    }

    fn append_doctype_to_document(&self, name: StrTendril, public_id: StrTendril, system_id: StrTendril) {
        self.inner.append_doctype_to_document(name, public_id, system_id)
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.inner.get_template_contents(target)
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        self.inner.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode)
    }

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        self.inner.append_before_sibling(sibling, new_node)
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs)
    }

    fn remove_from_parent(&self, target: &NodeId) {
        self.inner.remove_from_parent(target)
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.inner.reparent_children(node, new_parent)
    }
}

thread_local! { pub static STACK: Cell<i64> = const { Cell::new(0) }; pub static MAXS: Cell<i64> = const { Cell::new(0) }; }
#[cfg(test)]
mod tests {
    use super::*;

    fn steps_per_byte(page: &str) -> f64 {
        let steps = Rc::new(Cell::new(0));
        let sink = Counted { inner: HtmlTreeSink::new(Html::new_document()), steps: Rc::clone(&steps) };
        let _ = html5ever::driver::parse_document(sink, Default::default()).one(page);
        steps.get() as f64 / page.len() as f64
    }

    #[test]
    #[ignore = "measures pages given in FAZHI_HTML_PAGES"]
    fn measure_pages() {
        for path in std::env::var("FAZHI_HTML_PAGES").unwrap_or_default().split(':').filter(|p| !p.is_empty()) {
            let page = String::from_utf8_lossy(&std::fs::read(path).unwrap()).to_string();
            eprintln!("{:.2} steps/byte  {} bytes  {path}", steps_per_byte(&page), page.len());
        }
    }

    #[test]
    fn real_pages_take_little_work_and_soup_is_stopped() {
        let gbk = include_bytes!("../../tests/fixtures/ingest/qingshan_page.html");
        let real = encoding_rs::GBK.decode(gbk).0;
        assert!(steps_per_byte(&real) < 2.0, "{}", steps_per_byte(&real));
        // Old pages: unclosed <p> and <font> on every line, tables of layout.
        let line = "<tr><td><font size=3><p>依法行政，推进法治政府建设。<br>\n";
        let old = format!("<table>{}</table>", line.repeat(5_000));
        assert!(steps_per_byte(&old) < 8.0, "{}", steps_per_byte(&old));
        assert!(parse(&old).is_some());
        let nested = format!("<body>{}依法行政{}</body>", "<div><font>".repeat(500), "</font></div>".repeat(500));
        assert!(parse(&nested).unwrap().root_element().text().any(|t| t.contains("依法行政")));
        // End tags that close nothing, and lists in lists: the stack grows with every tag.
        assert!(parse(&"<div></x>".repeat(200_000)).is_none());
        assert!(parse(&"<ul><li><div>".repeat(100_000)).is_none());
    }
}
