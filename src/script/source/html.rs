//! A saved article page → its article text, one line per block.
//!
//! The article body is found by structure, not by a site's class names: the
//! element whose own paragraphs hold the most text that is not link text
//! wins; navigation, headers, footers, forms, scripts and asides are chrome
//! and never read. The page's `<h1>` (or `<title>`) leads the text when the
//! body does not hold it. `<h1>`–`<h6>` become `## ` headings.
//!
//! A page nested deeper than [`MAX_DEPTH`] elements is refused: the parser's
//! work per tag grows with the depth (a page nested 60,000 deep took
//! minutes), and no browser builds a deeper tree, so no page a person reads
//! is lost. The page is parsed in small pieces and the depth checked after
//! each, so a hostile page costs no more than its first levels.

use html5ever::tendril::TendrilSink;
use scraper::{ElementRef, Html, HtmlTreeSink, Node, Selector};

use crate::script::import::ImportError;

/// Deepest element nesting read: Chromium's HTML parser nests no deeper
/// (it flattens beyond 512), so a page a browser shows fits.
pub(super) const MAX_DEPTH: usize = 512;

/// Bytes fed to the parser between two depth checks: a piece adds at most
/// a few thousand levels before the check stops the parse.
const PIECE: usize = 4096;

/// Elements never read.
const CHROME: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "button",
    "select", "svg", "template",
];
/// Elements that end a line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "td",
    "th",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "center",
    "dd",
    "dt",
    "figure",
    "figcaption",
    "body",
];

pub(super) fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(1024)
        .collect::<String>()
        .to_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<?xml") && head.contains("<html")
        || (head.starts_with('<') && (head.contains("<body") || head.contains("<head")))
}

fn chrome(e: &ElementRef) -> bool {
    CHROME.contains(&e.value().name())
}

fn in_chrome(e: &ElementRef) -> bool {
    chrome(e)
        || e.ancestors()
            .filter_map(ElementRef::wrap)
            .any(|a| chrome(&a))
}

/// Characters of text under `e` outside links and chrome: (all, in links).
fn text_weight(e: &ElementRef) -> (usize, usize) {
    let (mut all, mut linked) = (0, 0);
    for node in e.descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        let up: Vec<ElementRef> = node.ancestors().filter_map(ElementRef::wrap).collect();
        if up.iter().any(chrome) {
            continue;
        }
        let n = t.trim().chars().count();
        all += n;
        if up.iter().any(|a| a.value().name() == "a") {
            linked += n;
        }
    }
    (all, linked)
}

/// The element holding the article: the most non-link text in its own
/// paragraph children (`<p>`, or text directly inside it with `<br>`).
fn article<'a>(doc: &'a Html) -> Option<ElementRef<'a>> {
    let all = Selector::parse("*").expect("valid selector");
    let mut best: Option<(usize, ElementRef)> = None;
    for e in doc.select(&all) {
        if in_chrome(&e) || matches!(e.value().name(), "html" | "head") {
            continue;
        }
        let mut score = 0;
        for child in e.children() {
            match child.value() {
                Node::Text(t) => score += t.trim().chars().count(),
                Node::Element(el) if matches!(el.name(), "p" | "h2" | "h3" | "h4" | "br") => {
                    if let Some(c) = ElementRef::wrap(child) {
                        let (all, linked) = text_weight(&c);
                        score += all.saturating_sub(2 * linked);
                    }
                }
                _ => {}
            }
        }
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, e));
        }
    }
    best.filter(|(s, _)| *s > 0).map(|(_, e)| e)
}

/// Lines of text under `root`, breaking at block elements and `<br>`.
fn lines(root: ElementRef) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    let mut heading = false;
    let flush = |out: &mut Vec<String>, line: &mut String, heading: bool| {
        let text = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            out.push(if heading { format!("## {text}") } else { text });
        }
        line.clear();
    };
    for edge in root.traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let name = el.name();
                    if BLOCKS.contains(&name) || name == "br" {
                        flush(&mut out, &mut line, heading);
                        heading = false;
                    }
                    if name.len() == 2 && name.starts_with('h') && name != "hr" {
                        heading = true;
                    }
                }
                Node::Text(t) => {
                    let up = node.ancestors().filter_map(ElementRef::wrap);
                    if !up.take_while(|a| a.id() != root.id()).any(|a| chrome(&a)) {
                        line.push_str(t);
                    }
                }
                _ => {}
            },
            ego_tree::iter::Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    if BLOCKS.contains(&el.name()) {
                        flush(&mut out, &mut line, heading);
                        heading = false;
                    }
                }
            }
        }
    }
    flush(&mut out, &mut line, heading);
    out
}

/// How many elements enclose `node`, itself included (`<html>` is 1).
fn depth(node: ego_tree::NodeRef<'_, Node>) -> usize {
    std::iter::once(node)
        .chain(node.ancestors())
        .filter(|n| n.value().is_element())
        .count()
}

/// The page's tree, or [`ImportError::TooDeep`] once any element stands
/// deeper than [`MAX_DEPTH`]. Fed piece by piece: after each, the newest
/// node is as deep as the parse has gone; the whole tree is measured once
/// at the end, so the verdict does not depend on where the pieces fall.
fn parse(html: &str) -> Result<Html, ImportError> {
    parse_fed(html, &mut 0)
}

/// [`parse`], counting in `fed` the bytes given to the parser.
fn parse_fed(html: &str, fed: &mut usize) -> Result<Html, ImportError> {
    let too_deep = ImportError::TooDeep { limit: MAX_DEPTH };
    let mut parser = html5ever::driver::parse_document(
        HtmlTreeSink::new(Html::new_document()),
        Default::default(),
    );
    let mut rest = html;
    while !rest.is_empty() {
        let mut end = PIECE.min(rest.len());
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        let (piece, after) = rest.split_at(end);
        parser.process(piece.into());
        *fed += piece.len();
        rest = after;
        let deepest = {
            let doc = parser.tokenizer.sink.sink.0.borrow();
            doc.tree.nodes().next_back().map_or(0, depth)
        };
        if deepest > MAX_DEPTH {
            return Err(too_deep);
        }
    }
    let doc = parser.finish();
    let mut level = 0usize;
    for edge in doc.tree.root().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(n) if n.value().is_element() => level += 1,
            ego_tree::iter::Edge::Close(n) if n.value().is_element() => level -= 1,
            _ => {}
        }
        if level > MAX_DEPTH {
            return Err(too_deep);
        }
    }
    Ok(doc)
}

/// The article's text (one line per block) and notes for the report.
pub(super) fn html_text(html: &str) -> Result<(String, Vec<String>), ImportError> {
    let doc = parse(html)?;
    let mut notes = Vec::new();
    let Some(body) = article(&doc) else {
        return Ok((String::new(), vec!["no article text found".into()]));
    };
    let mut out = lines(body);
    let (all, _) = doc
        .select(&Selector::parse("body").expect("valid selector"))
        .next()
        .map_or((0, 0), |b| text_weight(&b));
    let kept: usize = out.iter().map(|l| l.chars().count()).sum();
    // The page title leads when the body does not already hold it.
    let h1 = Selector::parse("h1").expect("valid selector");
    let title_sel = Selector::parse("title").expect("valid selector");
    let title = doc
        .select(&h1)
        .find(|e| !in_chrome(e))
        .or_else(|| doc.select(&title_sel).next())
        .map(|e| e.text().collect::<String>().trim().to_string())
        .filter(|t| !t.is_empty());
    if let Some(t) = title {
        if !out.iter().any(|l| l.trim_start_matches("## ") == t) {
            out.insert(0, t);
        }
    }
    notes.push(format!(
        "article body: <{}> with {} lines; {} characters of page text outside it \
         (menus, links, footers) not read",
        body.value().name(),
        out.len(),
        all.saturating_sub(kept)
    ));
    Ok((out.join("\n"), notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page whose `<html>`, `<body>` and `divs` nested `<div>`s enclose a
    /// paragraph: `divs + 3` elements deep.
    fn nested(divs: usize) -> String {
        format!(
            "<!DOCTYPE html><html><head><title>T</title></head><body>{}<p>县政协副主席 周红：今年我们走访了全县二十个村。</p>{}</body></html>",
            "<div>".repeat(divs),
            "</div>".repeat(divs)
        )
    }

    #[test]
    fn pages_as_deep_as_the_limit_are_read_deeper_ones_refused() {
        let (text, _) = html_text(&nested(MAX_DEPTH - 3)).unwrap();
        assert!(text.contains("今年我们走访了全县二十个村"), "{text}");
        for divs in [MAX_DEPTH - 2, 60_000] {
            let refused = html_text(&nested(divs)).unwrap_err();
            assert!(
                matches!(refused, ImportError::TooDeep { limit: MAX_DEPTH }),
                "{divs}: {refused}"
            );
        }
        // Deep but closed again within one piece, the newest node shallow
        // when it is checked: the same verdict.
        let short = format!(
            "<html><body><p>x{}y{}</p><p>z</p></body></html>",
            "<q>".repeat(MAX_DEPTH),
            "</q>".repeat(MAX_DEPTH)
        );
        assert!(short.len() < PIECE);
        assert!(matches!(
            html_text(&short),
            Err(ImportError::TooDeep { .. })
        ));
    }

    #[test]
    fn the_parse_of_a_hostile_page_stops_within_a_piece_of_the_limit() {
        let page = nested(60_000);
        let mut fed = 0;
        assert!(matches!(
            parse_fed(&page, &mut fed),
            Err(ImportError::TooDeep { .. })
        ));
        // The limit's worth of `<div>`s, the head, and the piece it ends in.
        let bound = MAX_DEPTH * "<div>".len() + 2 * PIECE;
        assert!(fed <= bound, "{fed} of {} bytes parsed", page.len());
    }
}
