//! Main-content extraction that makes the choices of Mozilla Readability.js 0.3.0 (the version
//! the reference privacy-policy corpus was made with), run on an html5ever parse of the page.
//!
//! Not for: Markdown rendering or charset decoding; later Readability versions' behaviour.
//!
//! This crate is a Rust port of Readability.js (<https://github.com/mozilla/readability>,
//! npm `@mozilla/readability` 0.3.0). Copyright (c) 2010 Arc90 Inc; licensed under the Apache
//! License, Version 2.0 (<http://www.apache.org/licenses/LICENSE-2.0>). The port keeps the
//! algorithm and its constants; it leaves out what cannot change the extracted text (style and
//! class clean-up, lazy-image and `<noscript>` image fix-ups, JSON-LD, which the corpus
//! disabled).

#![forbid(unsafe_code)]

mod dom;
mod sink;

use std::collections::HashMap;
use std::sync::LazyLock;
use std::time::Instant;

use regex::Regex;

use html5ever::tendril::StrTendril;
use html5ever::{LocalName, local_name};

use crate::dom::{DOCUMENT, Dom, Kind, NodeId};

/// What Readability extracted from a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// Readability's title (metadata, else its `<title>` heuristic).
    pub title: String,
    /// `article.content`: the serialised main content.
    pub content_html: String,
    /// The content's text.
    pub text_content: String,
    /// Length of `text_content` in UTF-16 code units, as JavaScript counts.
    pub length: usize,
    /// A short description: metadata, else the first paragraph.
    pub excerpt: Option<String>,
    /// The author line, when one was found.
    pub byline: Option<String>,
    /// Text direction (`dir` attribute) of the content's ancestors.
    pub dir: Option<String>,
    /// The text of the first `<title>` element (raw `textContent`), `None` without one.
    pub document_title: Option<String>,
}

/// What [`extract`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    /// The main content; `None` when Readability finds nothing (its `parse()` returning null).
    pub article: Option<Article>,
    /// The text (`textContent`) of the page's first element named `title`, of any namespace,
    /// as the CSS selector `title` finds it in the page as parsed; `None` without one.
    pub first_title: Option<String>,
}

/// Errors of [`extract`].
#[derive(Debug, thiserror::Error)]
pub enum ReadabilityError {
    /// The document URL could not be parsed.
    #[error("document URL {url:?} is invalid: {detail}")]
    InvalidUrl {
        /// The URL given.
        url: String,
        /// The parser's complaint.
        detail: String,
    },
    /// Elements are nested deeper than [`MAX_DEPTH`]: no real page is, and both the parser
    /// and Readability's cleaning passes slow down with depth. Found while parsing, as soon as
    /// the parser holds more than [`MAX_DEPTH`] elements open (open elements plus formatting
    /// elements it would reopen), or in the finished tree.
    #[error(
        "the page nests elements {depth} levels deep (the limit is {MAX_DEPTH}); it is not a readable document"
    )]
    TooDeep {
        /// The nesting found (while parsing: the elements the parser held open).
        depth: usize,
    },
    /// The page makes the parser build far more than its size (misnested formatting elements
    /// copied again and again), or carries a formatting element with too many attributes.
    #[error("the page is not a readable document: {0}")]
    Unparseable(html_tokenizer::LimitExceeded),
    /// The page is longer than [`MAX_PAGE_BYTES`].
    #[error(
        "the page is {bytes} bytes long (the limit is {MAX_PAGE_BYTES}); it is not a readable document"
    )]
    TooLarge {
        /// The page's length.
        bytes: usize,
    },
    /// The deadline passed before the extraction finished.
    #[error("the extraction was still running at its deadline")]
    OutOfTime,
}

/// The longest page accepted (the crawl's body cap is far below).
pub const MAX_PAGE_BYTES: usize = 64 << 20;

/// The deepest element nesting accepted. Browsers cap their trees near here too (Blink's parser
/// stops nesting at 512 levels); beyond it the page is an error, not a slow conversion.
pub const MAX_DEPTH: usize = 1024;

/// Nodes and attributes the parser may build per byte of the page (beyond [`BUILT_ALLOWANCE`]):
/// a page can only go past this by making the parser copy its elements again and again.
const BUILT_PER_BYTE: usize = 2;

/// Nodes and attributes the parser may build whatever the page's size.
const BUILT_ALLOWANCE: usize = 1 << 16;

/// The most attributes on a formatting element (`<a>`, `<b>`, `<font>`...): the parser
/// compares and copies theirs for every formatting tag that follows.
const MAX_FORMATTING_ATTRIBUTES: usize = 64;

/// The parse limits for a page of `len` bytes.
fn parse_limits(len: usize, deadline: Option<Instant>) -> html_tokenizer::Limits {
    html_tokenizer::Limits {
        max_open_elements: MAX_DEPTH,
        max_built: len.saturating_mul(BUILT_PER_BYTE) + BUILT_ALLOWANCE,
        max_formatting_attributes: MAX_FORMATTING_ATTRIBUTES,
        deadline,
    }
}

impl From<html_tokenizer::LimitExceeded> for ReadabilityError {
    fn from(stop: html_tokenizer::LimitExceeded) -> Self {
        match stop {
            html_tokenizer::LimitExceeded::TooManyOpen { open, .. } => {
                ReadabilityError::TooDeep { depth: open }
            }
            html_tokenizer::LimitExceeded::OutOfTime => ReadabilityError::OutOfTime,
            other => ReadabilityError::Unparseable(other),
        }
    }
}

/// Extracts the main content of `html`, with links made absolute against `document_url`.
/// With a `deadline`, the work stops with [`ReadabilityError::OutOfTime`] once it has passed.
pub fn extract(
    html: &str,
    document_url: &str,
    deadline: Option<Instant>,
) -> Result<Extraction, ReadabilityError> {
    let url = url::Url::parse(document_url).map_err(|error| ReadabilityError::InvalidUrl {
        url: document_url.to_owned(),
        detail: error.to_string(),
    })?;
    if html.len() > MAX_PAGE_BYTES {
        return Err(ReadabilityError::TooLarge { bytes: html.len() });
    }
    let dom = Dom::parse(html, &parse_limits(html.len(), deadline))?;
    let depth = dom.max_depth();
    if depth > MAX_DEPTH {
        return Err(ReadabilityError::TooDeep { depth });
    }
    let first_title = dom
        .descendants(DOCUMENT)
        .find(|&node| dom.local_name(node) == Some("title"))
        .map(|title| dom.text_content(title));
    let mut reader = Reader::new(dom, url, deadline);
    let article = reader.parse();
    if reader.timed_out.get() {
        return Err(ReadabilityError::OutOfTime);
    }
    Ok(Extraction {
        article,
        first_title,
    })
}

const FLAG_STRIP_UNLIKELYS: u8 = 1;
const FLAG_WEIGHT_CLASSES: u8 = 2;
const FLAG_CLEAN_CONDITIONALLY: u8 = 4;
const N_TOP_CANDIDATES: usize = 5;
const CHAR_THRESHOLD: usize = 500;
const TAGS_TO_SCORE: [&str; 9] = ["section", "h2", "h3", "h4", "h5", "h6", "p", "td", "pre"];
const DIV_TO_P_ELEMS: [&str; 11] = [
    "a",
    "blockquote",
    "dl",
    "div",
    "img",
    "ol",
    "p",
    "pre",
    "table",
    "ul",
    "select",
];
const ALTER_TO_DIV_EXCEPTIONS: [&str; 4] = ["div", "article", "section", "p"];
const PHRASING_ELEMS: [&str; 39] = [
    "abbr", "audio", "b", "bdo", "br", "button", "cite", "code", "data", "datalist", "dfn", "em",
    "embed", "i", "img", "input", "kbd", "label", "mark", "math", "meter", "noscript", "object",
    "output", "progress", "q", "ruby", "samp", "script", "select", "small", "span", "strong",
    "sub", "sup", "textarea", "time", "var", "wbr",
];

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|error| panic!("constant regex {pattern}: {error}"))
}

static UNLIKELY: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote",
    )
});
static MAYBE_CANDIDATE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)and|article|body|column|content|main|shadow"));
static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story",
    )
});
static NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|foot|footer|footnote|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|tool|widget",
    )
});
static BYLINE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)byline|author|dateline|writtenby|p-author"));
static VIDEOS: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)//(www\.)?((dailymotion|youtube|youtube-nocookie|player\.vimeo|v\.qq)\.com|(archive|upload\.wikimedia)\.org|player\.twitch\.tv)",
    )
});
static SHARE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)((?-u:\b)|_)(share|sharedaddy)((?-u:\b)|_)"));
static IMAGE_EXT: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)\.(jpg|jpeg|png|webp)"));
static PROPERTY: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)\s*(dc|dcterm|og|twitter)\s*:\s*(author|creator|description|title|site_name)\s*")
});
static NAME: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^\s*(?:(dc|dcterm|og|twitter|weibo:(article|webpage))\s*[\.:]\s*)?(author|creator|description|title|site_name)\s*$",
    )
});

/// JavaScript's `\s`.
fn js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

fn js_trim(s: &str) -> &str {
    s.trim_matches(js_space)
}

/// JavaScript's `length`: UTF-16 code units.
fn js_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// `replace(/\s{2,}/g, " ")`.
fn normalize_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    for c in s.chars() {
        if js_space(c) {
            run.push(c);
        } else {
            flush_run(&mut out, &mut run);
            out.push(c);
        }
    }
    flush_run(&mut out, &mut run);
    out
}

fn flush_run(out: &mut String, run: &mut String) {
    if run.chars().count() >= 2 {
        out.push(' ');
    } else {
        out.push_str(run);
    }
    run.clear();
}

/// `str.split(/\s+/).length`.
fn word_count(s: &str) -> usize {
    let mut count = 1;
    let mut in_space = false;
    for c in s.chars() {
        if js_space(c) {
            if !in_space {
                count += 1;
            }
            in_space = true;
        } else {
            in_space = false;
        }
    }
    count
}

/// `parseInt(value, 10)`.
fn js_parse_int(value: &str) -> Option<i64> {
    let value = js_trim(value);
    let (sign, digits) = match value.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, value.strip_prefix('+').unwrap_or(value)),
    };
    let digits: String = digits.chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<i64>().ok().map(|n| sign * n)
}

/// One try of `_grabArticle`.
struct Attempt {
    content: NodeId,
    text_length: usize,
}

struct Reader {
    dom: Dom,
    url: url::Url,
    flags: u8,
    scores: HashMap<NodeId, f64>,
    data_tables: HashMap<NodeId, bool>,
    byline: Option<String>,
    title: String,
    dir: Option<String>,
    attempts: Vec<Attempt>,
    deadline: Option<Instant>,
    /// Calls of [`Reader::out_of_time`] since the clock was last read.
    clock_ticks: std::cell::Cell<u32>,
    /// Set once the deadline is seen to have passed: the passes then stop early.
    timed_out: std::cell::Cell<bool>,
}

/// Calls of [`Reader::out_of_time`] per reading of the clock.
const TICKS_PER_CLOCK_READ: u32 = 256;

impl Reader {
    fn new(dom: Dom, url: url::Url, deadline: Option<Instant>) -> Reader {
        Reader {
            dom,
            url,
            flags: FLAG_STRIP_UNLIKELYS | FLAG_WEIGHT_CLASSES | FLAG_CLEAN_CONDITIONALLY,
            scores: HashMap::new(),
            data_tables: HashMap::new(),
            byline: None,
            title: String::new(),
            dir: None,
            attempts: Vec::new(),
            deadline,
            clock_ticks: std::cell::Cell::new(0),
            timed_out: std::cell::Cell::new(false),
        }
    }

    /// Whether the deadline has passed: the long loops ask at every step and stop when it has.
    fn out_of_time(&self) -> bool {
        if self.timed_out.get() {
            return true;
        }
        let Some(deadline) = self.deadline else {
            return false;
        };
        let ticks = self.clock_ticks.get() + 1;
        if ticks < TICKS_PER_CLOCK_READ {
            self.clock_ticks.set(ticks);
            return false;
        }
        self.clock_ticks.set(0);
        let passed = Instant::now() >= deadline;
        self.timed_out.set(passed);
        passed
    }

    fn flag(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    fn document_element(&self) -> Option<NodeId> {
        self.dom.first_element_child(DOCUMENT)
    }

    fn body(&self) -> Option<NodeId> {
        let html = self.document_element()?;
        self.dom
            .element_children(html)
            .into_iter()
            .find(|&c| self.dom.is(c, "body"))
    }

    fn first_title(&self) -> Option<NodeId> {
        self.dom
            .descendants(DOCUMENT)
            .find(|&n| self.dom.is(n, "title"))
    }

    /// `document.title`: the first `<title>`'s text, ASCII whitespace collapsed and stripped.
    fn document_title(&self) -> String {
        let Some(title) = self.first_title() else {
            return String::new();
        };
        self.dom
            .text_content(title)
            .split([' ', '\t', '\n', '\u{c}', '\r'])
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn inner_text(&self, id: NodeId, normalize: bool) -> String {
        let text = self.dom.text_content(id);
        let trimmed = js_trim(&text);
        if normalize {
            normalize_spaces(trimmed)
        } else {
            trimmed.to_owned()
        }
    }

    fn remove_all(&mut self, nodes: Vec<NodeId>, filter: impl Fn(&Reader, NodeId) -> bool) {
        for &node in nodes.iter().rev() {
            if self.out_of_time() {
                return;
            }
            if self.dom.parent(node).is_some() && filter(self, node) {
                self.dom.detach(node);
            }
        }
    }

    fn parse(&mut self) -> Option<Article> {
        let document_title = self.first_title().map(|t| self.dom.text_content(t));
        self.unwrap_noscript_images();
        let scripts = self
            .dom
            .elements_by_tags(DOCUMENT, &[local_name!("script"), local_name!("noscript")]);
        self.remove_all(scripts, |_, _| true);
        self.prep_document();
        let metadata = self.metadata();
        self.title = metadata.title.clone();
        let content = self.grab_article()?;
        self.fix_relative_uris(content);
        let text_content = self.dom.text_content(content);
        let excerpt = metadata.excerpt.or_else(|| {
            self.dom
                .elements_by_tags(content, &[local_name!("p")])
                .first()
                .map(|&p| js_trim(&self.dom.text_content(p)).to_owned())
        });
        Some(Article {
            title: self.title.clone(),
            content_html: self.dom.inner_html(content),
            length: js_len(&text_content),
            text_content,
            excerpt,
            byline: metadata.byline.or_else(|| self.byline.clone()),
            dir: self.dir.clone(),
            document_title,
        })
    }

    /// Removes images that have no source at all (part of `_unwrapNoscriptImages`).
    fn unwrap_noscript_images(&mut self) {
        let images = self.dom.elements_by_tags(DOCUMENT, &[local_name!("img")]);
        for img in images {
            let keep = self.dom.attrs(img).iter().any(|(name, value)| {
                matches!(&**name, "src" | "srcset" | "data-src" | "data-srcset")
                    || IMAGE_EXT.is_match(value)
            });
            if !keep {
                self.dom.detach(img);
            }
        }
    }

    fn prep_document(&mut self) {
        let styles = self.dom.elements_by_tags(DOCUMENT, &[local_name!("style")]);
        self.remove_all(styles, |_, _| true);
        if let Some(body) = self.body() {
            self.replace_brs(body);
        }
        for font in self
            .dom
            .elements_by_tags(DOCUMENT, &[local_name!("font")])
            .into_iter()
            .rev()
        {
            self.dom.rename(font, "span");
        }
    }

    /// `_nextElement`: skips whitespace-only non-elements.
    fn next_element(&self, mut node: Option<NodeId>) -> Option<NodeId> {
        while let Some(current) = node {
            if self.dom.is_element(current) {
                break;
            }
            let text = match &self.dom.nodes[current].kind {
                Kind::Text(t) | Kind::Comment(t) => &**t,
                _ => "",
            };
            if !text.chars().all(js_space) {
                break;
            }
            node = self.dom.next_sibling(current);
        }
        node
    }

    fn is_phrasing(&self, node: NodeId) -> bool {
        let mut stack = vec![node];
        while let Some(current) = stack.pop() {
            if self.dom.is_text(current) {
                continue;
            }
            match self.dom.tag(current) {
                Some(tag) if PHRASING_ELEMS.contains(&tag) => {}
                Some("a" | "del" | "ins") => stack.extend(self.dom.children(current)),
                _ => return false,
            }
        }
        true
    }

    fn is_whitespace(&self, node: NodeId) -> bool {
        match &self.dom.nodes[node].kind {
            Kind::Text(text) => js_trim(text).is_empty(),
            _ => self.dom.is(node, "br"),
        }
    }

    fn replace_brs(&mut self, body: NodeId) {
        for br in self.dom.elements_by_tags(body, &[local_name!("br")]) {
            let mut next = self.dom.next_sibling(br);
            let mut replaced = false;
            loop {
                next = self.next_element(next);
                let Some(current) = next.filter(|&n| self.dom.is(n, "br")) else {
                    break;
                };
                replaced = true;
                let after = self.dom.next_sibling(current);
                self.dom.detach(current);
                next = after;
            }
            if !replaced {
                continue;
            }
            let p = self.dom.create_element("p");
            self.dom.replace(br, p);
            let mut next = self.dom.next_sibling(p);
            while let Some(current) = next {
                if self.dom.is(current, "br") {
                    let following = self.next_element(self.dom.next_sibling(current));
                    if following.is_some_and(|n| self.dom.is(n, "br")) {
                        break;
                    }
                }
                if !self.is_phrasing(current) {
                    break;
                }
                let sibling = self.dom.next_sibling(current);
                self.dom.append(p, current);
                next = sibling;
            }
            while let Some(last) = self.dom.last_child(p) {
                if !self.is_whitespace(last) {
                    break;
                }
                self.dom.detach(last);
            }
            if let Some(parent) = self.dom.parent(p)
                && self.dom.is(parent, "p")
            {
                self.dom.rename(parent, "div");
            }
        }
    }

    fn class_weight(&self, node: NodeId) -> f64 {
        if !self.flag(FLAG_WEIGHT_CLASSES) {
            return 0.0;
        }
        let mut weight = 0.0;
        for value in [self.dom.class_name(node), self.dom.id_attr(node)] {
            if !value.is_empty() {
                if NEGATIVE.is_match(value) {
                    weight -= 25.0;
                }
                if POSITIVE.is_match(value) {
                    weight += 25.0;
                }
            }
        }
        weight
    }

    fn initialize(&mut self, node: NodeId) {
        let base = match self.dom.tag(node) {
            Some("div") => 5.0,
            Some("pre" | "td" | "blockquote") => 3.0,
            Some("address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form") => -3.0,
            Some("h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th") => -5.0,
            _ => 0.0,
        };
        let weight = self.class_weight(node);
        self.scores.insert(node, base + weight);
    }

    fn next_node(&self, node: NodeId, ignore_self_and_kids: bool) -> Option<NodeId> {
        if !ignore_self_and_kids && let Some(child) = self.dom.first_element_child(node) {
            return Some(child);
        }
        if let Some(next) = self.dom.next_element_sibling(node) {
            return Some(next);
        }
        let mut current = node;
        loop {
            current = self.dom.parent(current)?;
            if let Some(next) = self.dom.next_element_sibling(current) {
                return Some(next);
            }
        }
    }

    fn remove_and_get_next(&mut self, node: NodeId) -> Option<NodeId> {
        let next = self.next_node(node, true);
        self.dom.detach(node);
        next
    }

    /// Whether `pattern` matches Readability's match string, `className + " " + id`.
    /// Checked on the two parts, which is the same for the patterns this is used with: plain
    /// alternations of words that hold no space, so no match can straddle the joining space.
    fn class_or_id_matches(&self, node: NodeId, pattern: &Regex) -> bool {
        let class = self.dom.class_name(node);
        let id = self.dom.id_attr(node);
        (!class.is_empty() && pattern.is_match(class)) || (!id.is_empty() && pattern.is_match(id))
    }

    fn check_byline(&mut self, node: NodeId) -> bool {
        if self.byline.is_some() {
            return false;
        }
        let rel = self.dom.attr(node, "rel");
        let itemprop = self.dom.attr(node, "itemprop");
        let looks_like_byline = rel == Some("author")
            || itemprop.is_some_and(|i| i.contains("author"))
            || self.class_or_id_matches(node, &BYLINE);
        if !looks_like_byline {
            return false;
        }
        let text = self.dom.text_content(node);
        let trimmed = js_trim(&text);
        if !trimmed.is_empty() && js_len(trimmed) < 100 {
            self.byline = Some(trimmed.to_owned());
            return true;
        }
        false
    }

    fn ancestors(&self, node: NodeId, max_depth: usize) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut current = node;
        while let Some(parent) = self.dom.parent(current) {
            out.push(parent);
            if max_depth > 0 && out.len() == max_depth {
                break;
            }
            current = parent;
        }
        out
    }

    fn has_ancestor_tag(
        &self,
        node: NodeId,
        tag: &str,
        max_depth: i64,
        filter: Option<&dyn Fn(NodeId) -> bool>,
    ) -> bool {
        let max_depth = if max_depth == 0 { 3 } else { max_depth };
        let mut depth = 0;
        let mut current = node;
        while let Some(parent) = self.dom.parent(current) {
            if max_depth > 0 && depth > max_depth {
                return false;
            }
            if self.dom.is(parent, tag) && filter.is_none_or(|f| f(parent)) {
                return true;
            }
            current = parent;
            depth += 1;
        }
        false
    }

    fn is_probably_visible(&self, node: NodeId) -> bool {
        let display_none = self.dom.attr(node, "style").is_some_and(|style| {
            style
                .split(';')
                .filter_map(|decl| decl.split_once(':'))
                .rfind(|(name, _)| name.trim().eq_ignore_ascii_case("display"))
                .is_some_and(|(_, value)| {
                    value
                        .trim()
                        .trim_end_matches("!important")
                        .trim()
                        .eq_ignore_ascii_case("none")
                })
        });
        let aria_hidden = self.dom.attr(node, "aria-hidden") == Some("true")
            && !self.dom.class_name(node).contains("fallback-image");
        !display_none && self.dom.attr(node, "hidden").is_none() && !aria_hidden
    }

    fn is_element_without_content(&self, node: NodeId) -> bool {
        if self.dom.has_visible_text(node) {
            return false;
        }
        let children = self.dom.element_children(node).len();
        children == 0
            || children
                == self.dom.count_tag(node, &local_name!("br"))
                    + self.dom.count_tag(node, &local_name!("hr"))
    }

    fn has_single_tag_inside(&self, element: NodeId, tag: &str) -> bool {
        let children = self.dom.element_children(element);
        if children.len() != 1 || !self.dom.is(children[0], tag) {
            return false;
        }
        !self.dom.children(element).any(|child| {
            matches!(&self.dom.nodes[child].kind, Kind::Text(text) if text.chars().last().is_some_and(|c| !js_space(c)))
        })
    }

    fn has_child_block_element(&self, element: NodeId) -> bool {
        self.dom
            .descendants(element)
            .any(|n| self.dom.tag(n).is_some_and(|t| DIV_TO_P_ELEMS.contains(&t)))
    }

    fn link_density(&self, element: NodeId) -> f64 {
        let text_length = self.dom.normalized_len(element);
        if text_length == 0 {
            return 0.0;
        }
        self.dom.link_text_len(element) as f64 / text_length as f64
    }

    fn score(&self, node: NodeId) -> Option<f64> {
        self.scores.get(&node).copied()
    }

    fn parent_is_element(&self, node: NodeId) -> bool {
        self.dom
            .parent(node)
            .is_some_and(|p| self.dom.is_element(p))
    }

    fn grab_article(&mut self) -> Option<NodeId> {
        let page = self.body()?;
        let cache = self.dom.create_element("div");
        self.dom.clone_children_into(page, cache);
        loop {
            let strip_unlikely = self.flag(FLAG_STRIP_UNLIKELYS);
            let mut to_score = Vec::new();
            let mut node = self.document_element();
            while let Some(current) = node {
                if self.out_of_time() {
                    return None;
                }
                if !self.is_probably_visible(current) || self.check_byline(current) {
                    node = self.remove_and_get_next(current);
                    continue;
                }
                if strip_unlikely {
                    let tag = self.dom.tag(current);
                    if self.class_or_id_matches(current, &UNLIKELY)
                        && !self.class_or_id_matches(current, &MAYBE_CANDIDATE)
                        && !self.has_ancestor_tag(current, "table", 0, None)
                        && tag != Some("body")
                        && tag != Some("a")
                    {
                        node = self.remove_and_get_next(current);
                        continue;
                    }
                    if self.dom.attr(current, "role") == Some("complementary") {
                        node = self.remove_and_get_next(current);
                        continue;
                    }
                }
                let tag = self.dom.tag(current).unwrap_or("").to_owned();
                if matches!(
                    tag.as_str(),
                    "div" | "section" | "header" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
                ) && self.is_element_without_content(current)
                {
                    node = self.remove_and_get_next(current);
                    continue;
                }
                if TAGS_TO_SCORE.contains(&tag.as_str()) {
                    to_score.push(current);
                }
                let mut current = current;
                if tag == "div" {
                    let mut p: Option<NodeId> = None;
                    for child in self.dom.children(current).collect::<Vec<_>>() {
                        if self.is_phrasing(child) {
                            if let Some(p) = p {
                                self.dom.append(p, child);
                            } else if !self.is_whitespace(child) {
                                let new_p = self.dom.create_element("p");
                                self.dom.replace(child, new_p);
                                self.dom.append(new_p, child);
                                p = Some(new_p);
                            }
                        } else if let Some(open) = p.take() {
                            while let Some(last) = self.dom.last_child(open) {
                                if !self.is_whitespace(last) {
                                    break;
                                }
                                self.dom.detach(last);
                            }
                        }
                    }
                    if self.has_single_tag_inside(current, "p") && self.link_density(current) < 0.25
                    {
                        let child = self.dom.element_children(current)[0];
                        self.dom.replace(current, child);
                        current = child;
                        to_score.push(current);
                    } else if !self.has_child_block_element(current) {
                        self.dom.rename(current, "p");
                        to_score.push(current);
                    }
                }
                node = self.next_node(current, false);
            }

            let mut candidates = Vec::new();
            for element in to_score {
                if self.out_of_time() {
                    return None;
                }
                if !self.parent_is_element(element) {
                    continue;
                }
                let length = self.dom.normalized_len(element);
                if length < 25 {
                    continue;
                }
                let ancestors = self.ancestors(element, 3);
                if ancestors.is_empty() {
                    continue;
                }
                let content_score = 1.0
                    + (self.dom.comma_count(element) + 1) as f64
                    + ((length / 100) as f64).min(3.0);
                for (level, &ancestor) in ancestors.iter().enumerate() {
                    if !self.dom.is_element(ancestor) || !self.parent_is_element(ancestor) {
                        continue;
                    }
                    if self.score(ancestor).is_none() {
                        self.initialize(ancestor);
                        candidates.push(ancestor);
                    }
                    let divider = match level {
                        0 => 1.0,
                        1 => 2.0,
                        _ => level as f64 * 3.0,
                    };
                    if let Some(score) = self.scores.get_mut(&ancestor) {
                        *score += content_score / divider;
                    }
                }
            }

            let mut top: Vec<NodeId> = Vec::new();
            for candidate in candidates {
                let score =
                    self.score(candidate).unwrap_or(0.0) * (1.0 - self.link_density(candidate));
                self.scores.insert(candidate, score);
                for t in 0..N_TOP_CANDIDATES {
                    let better = match top.get(t) {
                        None => true,
                        Some(&other) => score > self.score(other).unwrap_or(0.0),
                    };
                    if better {
                        top.insert(t, candidate);
                        top.truncate(N_TOP_CANDIDATES);
                        break;
                    }
                }
            }

            let mut needed_to_create = false;
            let mut top_candidate = match top.first().copied() {
                Some(candidate) if !self.dom.is(candidate, "body") => candidate,
                _ => {
                    let created = self.dom.create_element("div");
                    needed_to_create = true;
                    for kid in self.dom.children(page).collect::<Vec<_>>() {
                        self.dom.append(created, kid);
                    }
                    self.dom.append(page, created);
                    self.initialize(created);
                    created
                }
            };
            if !needed_to_create {
                let top_score = self.score(top_candidate).unwrap_or(0.0);
                let alternatives: Vec<Vec<NodeId>> = top
                    .iter()
                    .skip(1)
                    .filter(|&&c| self.score(c).unwrap_or(0.0) / top_score >= 0.75)
                    .map(|&c| self.ancestors(c, 0))
                    .collect();
                if alternatives.len() >= 3 {
                    let mut parent = self.dom.parent(top_candidate);
                    while let Some(current) = parent {
                        if self.dom.is(current, "body") {
                            break;
                        }
                        let containing = alternatives
                            .iter()
                            .filter(|list| list.contains(&current))
                            .take(3)
                            .count();
                        if containing >= 3 {
                            top_candidate = current;
                            break;
                        }
                        parent = self.dom.parent(current);
                    }
                }
                if self.score(top_candidate).is_none() {
                    self.initialize(top_candidate);
                }
                let mut parent = self.dom.parent(top_candidate);
                let mut last_score = self.score(top_candidate).unwrap_or(0.0);
                let threshold = last_score / 3.0;
                while let Some(current) = parent {
                    if self.dom.is(current, "body") {
                        break;
                    }
                    let Some(parent_score) = self.score(current) else {
                        parent = self.dom.parent(current);
                        continue;
                    };
                    if parent_score < threshold {
                        break;
                    }
                    if parent_score > last_score {
                        top_candidate = current;
                        break;
                    }
                    last_score = parent_score;
                    parent = self.dom.parent(current);
                }
                let mut parent = self.dom.parent(top_candidate);
                while let Some(current) = parent {
                    if self.dom.is(current, "body")
                        || !self.dom.is_element(current)
                        || self.dom.element_children(current).len() != 1
                    {
                        break;
                    }
                    top_candidate = current;
                    parent = self.dom.parent(current);
                }
                if self.score(top_candidate).is_none() {
                    self.initialize(top_candidate);
                }
            }

            let article = self.dom.create_element("div");
            let top_score = self.score(top_candidate).unwrap_or(0.0);
            let sibling_threshold = f64::max(10.0, top_score * 0.2);
            let parent_of_top = self.dom.parent(top_candidate);
            if let Some(parent) = parent_of_top {
                let top_class = self.dom.class_name(top_candidate).to_owned();
                // Readability walks the live children, stepping over the ones it keeps: the
                // same elements, in the same order, as this list taken once.
                for sibling in self.dom.element_children(parent) {
                    if self.out_of_time() {
                        return None;
                    }
                    let mut append = false;
                    if sibling == top_candidate {
                        append = true;
                    } else {
                        let bonus =
                            if self.dom.class_name(sibling) == top_class && !top_class.is_empty() {
                                top_score * 0.2
                            } else {
                                0.0
                            };
                        if self
                            .score(sibling)
                            .is_some_and(|score| score + bonus >= sibling_threshold)
                        {
                            append = true;
                        } else if self.dom.is(sibling, "p") {
                            let density = self.link_density(sibling);
                            let length = self.dom.normalized_len(sibling);
                            append = (length > 80 && density < 0.25)
                                || (length < 80
                                    && length > 0
                                    && density == 0.0
                                    && has_sentence_end(&self.inner_text(sibling, true)));
                        }
                    }
                    if append {
                        if !self
                            .dom
                            .tag(sibling)
                            .is_some_and(|t| ALTER_TO_DIV_EXCEPTIONS.contains(&t))
                        {
                            self.dom.rename(sibling, "div");
                        }
                        self.dom.append(article, sibling);
                    }
                }
            }
            self.prep_article(article);
            if needed_to_create {
                self.dom.set_attr(top_candidate, "id", "readability-page-1");
                self.dom.set_attr(top_candidate, "class", "page");
            } else {
                let wrapper = self.dom.create_element("div");
                self.dom.set_attr(wrapper, "id", "readability-page-1");
                self.dom.set_attr(wrapper, "class", "page");
                for child in self.dom.children(article).collect::<Vec<_>>() {
                    self.dom.append(wrapper, child);
                }
                self.dom.append(article, wrapper);
            }

            let text_length = self.dom.normalized_len(article);
            let mut result = Some(article);
            if text_length < CHAR_THRESHOLD {
                self.dom.clear_children(page);
                self.dom.clone_children_into(cache, page);
                self.attempts.push(Attempt {
                    content: article,
                    text_length,
                });
                if self.flag(FLAG_STRIP_UNLIKELYS) {
                    self.flags &= !FLAG_STRIP_UNLIKELYS;
                    result = None;
                } else if self.flag(FLAG_WEIGHT_CLASSES) {
                    self.flags &= !FLAG_WEIGHT_CLASSES;
                    result = None;
                } else if self.flag(FLAG_CLEAN_CONDITIONALLY) {
                    self.flags &= !FLAG_CLEAN_CONDITIONALLY;
                    result = None;
                } else {
                    // A stable sort, longest first, as V8's.
                    self.attempts
                        .sort_by_key(|attempt| std::cmp::Reverse(attempt.text_length));
                    let best = self.attempts.first()?;
                    if best.text_length == 0 {
                        return None;
                    }
                    result = Some(best.content);
                }
            }
            if let Some(content) = result {
                let mut chain = Vec::new();
                if let Some(parent) = parent_of_top {
                    chain.push(parent);
                    chain.push(top_candidate);
                    chain.extend(self.ancestors(parent, 0));
                }
                self.dir = chain
                    .into_iter()
                    .filter(|&n| self.dom.is_element(n))
                    .find_map(|n| {
                        self.dom
                            .attr(n, "dir")
                            .filter(|d| !d.is_empty())
                            .map(str::to_owned)
                    });
                return Some(content);
            }
        }
    }

    fn prep_article(&mut self, article: NodeId) {
        self.mark_data_tables(article);
        self.clean_conditionally(article, "form");
        self.clean_conditionally(article, "fieldset");
        self.clean(
            article,
            &[
                local_name!("object"),
                local_name!("embed"),
                local_name!("h1"),
                local_name!("footer"),
                local_name!("link"),
                local_name!("aside"),
            ],
        );
        for child in self.dom.element_children(article) {
            self.clean_matched_share_nodes(child);
        }
        let h2s = self.dom.elements_by_tags(article, &[local_name!("h2")]);
        if h2s.len() == 1 {
            let h2_text = self.dom.text_content(h2s[0]);
            let title_length = js_len(&self.title) as f64;
            let rate = (js_len(&h2_text) as f64 - title_length) / title_length;
            if rate.abs() < 0.5 {
                let titles_match = if rate > 0.0 {
                    h2_text.contains(&self.title)
                } else {
                    self.title.contains(&h2_text)
                };
                if titles_match {
                    self.clean(article, &[local_name!("h2")]);
                }
            }
        }
        self.clean(
            article,
            &[
                local_name!("iframe"),
                local_name!("input"),
                local_name!("textarea"),
                local_name!("select"),
                local_name!("button"),
            ],
        );
        let headers = self
            .dom
            .elements_by_tags(article, &[local_name!("h1"), local_name!("h2")]);
        self.remove_all(headers, |reader, header| reader.class_weight(header) < 0.0);
        self.clean_conditionally(article, "table");
        self.clean_conditionally(article, "ul");
        self.clean_conditionally(article, "div");
        let paragraphs = self.dom.elements_by_tags(article, &[local_name!("p")]);
        self.remove_all(paragraphs, |reader, p| {
            reader
                .dom
                .elements_by_tags(
                    p,
                    &[
                        local_name!("img"),
                        local_name!("embed"),
                        local_name!("object"),
                        local_name!("iframe"),
                    ],
                )
                .is_empty()
                && reader.inner_text(p, false).is_empty()
        });
        for br in self.dom.elements_by_tags(article, &[local_name!("br")]) {
            let next = self.next_element(self.dom.next_sibling(br));
            if next.is_some_and(|n| self.dom.is(n, "p")) {
                self.dom.detach(br);
            }
        }
        for table in self.dom.elements_by_tags(article, &[local_name!("table")]) {
            let tbody = if self.has_single_tag_inside(table, "tbody") {
                self.dom.first_element_child(table).unwrap_or(table)
            } else {
                table
            };
            if self.has_single_tag_inside(tbody, "tr") {
                let Some(row) = self.dom.first_element_child(tbody) else {
                    continue;
                };
                if self.has_single_tag_inside(row, "td") {
                    let Some(cell) = self.dom.first_element_child(row) else {
                        continue;
                    };
                    let phrasing = self.dom.children(cell).all(|c| self.is_phrasing(c));
                    self.dom.rename(cell, if phrasing { "p" } else { "div" });
                    self.dom.replace(table, cell);
                }
            }
        }
    }

    /// `_clean` for each of `tags` in turn, in one walk: whether an element goes depends only
    /// on its own attributes, and removing a subtree removes the same elements whichever tag
    /// comes first, so the tree ends as after one call per tag.
    fn clean(&mut self, root: NodeId, tags: &[LocalName]) {
        let nodes = self.dom.elements_by_tags(root, tags);
        self.remove_all(nodes, |reader, element| {
            let is_embed = reader
                .dom
                .tag(element)
                .is_some_and(|tag| matches!(tag, "object" | "embed" | "iframe"));
            !(is_embed
                && reader
                    .dom
                    .attrs(element)
                    .iter()
                    .any(|(_, v)| VIDEOS.is_match(v)))
        });
    }

    fn clean_matched_share_nodes(&mut self, root: NodeId) {
        let end = self.next_node(root, true);
        let mut next = self.next_node(root, false);
        while let Some(current) = next {
            if Some(current) == end {
                break;
            }
            let match_string = format!(
                "{} {}",
                self.dom.class_name(current),
                self.dom.id_attr(current)
            );
            if SHARE.is_match(&match_string)
                && js_len(&self.dom.text_content(current)) < CHAR_THRESHOLD
            {
                next = self.remove_and_get_next(current);
            } else {
                next = self.next_node(current, false);
            }
        }
    }

    fn mark_data_tables(&mut self, root: NodeId) {
        for table in self.dom.elements_by_tags(root, &[local_name!("table")]) {
            let data = self.is_data_table(table);
            self.data_tables.insert(table, data);
        }
    }

    /// `_markDataTables`' verdict for one table, tests in the original's order.
    fn is_data_table(&self, table: NodeId) -> bool {
        if self.dom.attr(table, "role") == Some("presentation")
            || self.dom.attr(table, "datatable") == Some("0")
        {
            return false;
        }
        if self
            .dom
            .attr(table, "summary")
            .is_some_and(|s| !s.is_empty())
        {
            return true;
        }
        let caption = self.dom.elements_by_tags(table, &[local_name!("caption")]);
        if caption
            .first()
            .is_some_and(|&c| self.dom.first_child(c).is_some())
        {
            return true;
        }
        if !self
            .dom
            .elements_by_tags(
                table,
                &[
                    local_name!("col"),
                    local_name!("colgroup"),
                    local_name!("tfoot"),
                    local_name!("thead"),
                    local_name!("th"),
                ],
            )
            .is_empty()
        {
            return true;
        }
        if !self
            .dom
            .elements_by_tags(table, &[local_name!("table")])
            .is_empty()
        {
            return false;
        }
        let (rows, columns) = self.row_and_column_count(table);
        rows >= 10 || columns > 4 || rows * columns > 10
    }

    fn row_and_column_count(&self, table: NodeId) -> (i64, i64) {
        let (mut rows, mut columns) = (0i64, 0i64);
        for tr in self.dom.elements_by_tags(table, &[local_name!("tr")]) {
            let rowspan = self
                .dom
                .attr(tr, "rowspan")
                .and_then(js_parse_int)
                .filter(|&n| n != 0)
                .unwrap_or(1);
            rows += rowspan;
            let mut in_row = 0;
            for td in self.dom.elements_by_tags(tr, &[local_name!("td")]) {
                in_row += self
                    .dom
                    .attr(td, "colspan")
                    .and_then(js_parse_int)
                    .filter(|&n| n != 0)
                    .unwrap_or(1);
            }
            columns = columns.max(in_row);
        }
        (rows, columns)
    }

    fn clean_conditionally(&mut self, root: NodeId, tag: &str) {
        if !self.flag(FLAG_CLEAN_CONDITIONALLY) {
            return;
        }
        let is_list = tag == "ul" || tag == "ol";
        let nodes = self.dom.elements_by_tags(root, &[LocalName::from(tag)]);
        self.remove_all(nodes, |reader, node| {
            reader.should_remove_conditionally(node, tag, is_list)
        });
    }

    fn should_remove_conditionally(&self, node: NodeId, tag: &str, is_list: bool) -> bool {
        let is_data_table = |t: NodeId| self.data_tables.get(&t).copied().unwrap_or(false);
        if tag == "table" && is_data_table(node) {
            return false;
        }
        if self.has_ancestor_tag(node, "table", -1, Some(&is_data_table)) {
            return false;
        }
        let weight = self.class_weight(node);
        if weight < 0.0 {
            return true;
        }
        if self.dom.comma_count(node) >= 10 {
            return false;
        }
        let p = self.dom.count_tag(node, &local_name!("p")) as f64;
        let img = self.dom.count_tag(node, &local_name!("img")) as f64;
        let li = self.dom.count_tag(node, &local_name!("li")) as f64 - 100.0;
        let input = self.dom.count_tag(node, &local_name!("input")) as f64;
        let mut embeds = 0;
        for embed in self.dom.elements_by_tags(
            node,
            &[
                local_name!("object"),
                local_name!("embed"),
                local_name!("iframe"),
            ],
        ) {
            if self
                .dom
                .attrs(embed)
                .iter()
                .any(|(_, v)| VIDEOS.is_match(v))
            {
                return false;
            }
            embeds += 1;
        }
        let density = self.link_density(node);
        let length = self.dom.normalized_len(node);
        let in_figure = self.has_ancestor_tag(node, "figure", 0, None);
        (img > 1.0 && p / img < 0.5 && !in_figure)
            || (!is_list && li > p)
            || (input > (p / 3.0).floor())
            || (!is_list && length < 25 && (img == 0.0 || img > 2.0) && !in_figure)
            || (!is_list && weight < 25.0 && density > 0.2)
            || (weight >= 25.0 && density > 0.5)
            || ((embeds == 1 && length < 75) || embeds > 1)
    }

    /// `document.baseURI`: the first `<base href>` resolved against the document URL.
    fn base_url(&self) -> url::Url {
        self.dom
            .elements_by_tags(DOCUMENT, &[local_name!("base")])
            .into_iter()
            .find_map(|base| self.dom.attr(base, "href"))
            .and_then(|href| self.url.join(href).ok())
            .unwrap_or_else(|| self.url.clone())
    }

    fn fix_relative_uris(&mut self, content: NodeId) {
        let base = self.base_url();
        let same = base.as_str() == self.url.as_str();
        for link in self.dom.elements_by_tags(content, &[local_name!("a")]) {
            let Some(href) = self
                .dom
                .attr(link, "href")
                .filter(|h| !h.is_empty())
                .map(str::to_owned)
            else {
                continue;
            };
            if href.starts_with("javascript:") {
                let children: Vec<NodeId> = self.dom.children(link).collect();
                let replacement = if children.len() == 1 && self.dom.is_text(children[0]) {
                    self.dom
                        .create(Kind::Text(StrTendril::from(self.dom.text_content(link))))
                } else {
                    let span = self.dom.create_element("span");
                    for child in children {
                        self.dom.append(span, child);
                    }
                    span
                };
                self.dom.replace(link, replacement);
            } else {
                let absolute = if same && href.starts_with('#') {
                    href
                } else {
                    base.join(&href).map(|u| u.to_string()).unwrap_or(href)
                };
                self.dom.set_attr(link, "href", &absolute);
            }
        }
    }

    fn metadata(&self) -> Metadata {
        let mut values: HashMap<String, String> = HashMap::new();
        for meta in self.dom.elements_by_tags(DOCUMENT, &[local_name!("meta")]) {
            let Some(content) = self.dom.attr(meta, "content").filter(|c| !c.is_empty()) else {
                continue;
            };
            let mut matched = false;
            if let Some(property) = self.dom.attr(meta, "property") {
                let found: Vec<&str> = PROPERTY.find_iter(property).map(|m| m.as_str()).collect();
                matched = !found.is_empty();
                for name in found.iter().rev() {
                    let name: String = name
                        .to_lowercase()
                        .chars()
                        .filter(|c| !js_space(*c))
                        .collect();
                    values.insert(name, js_trim(content).to_owned());
                }
            }
            if !matched && let Some(name) = self.dom.attr(meta, "name").filter(|n| NAME.is_match(n))
            {
                let name: String = name
                    .to_lowercase()
                    .chars()
                    .filter(|c| !js_space(*c))
                    .collect::<String>()
                    .replace('.', ":");
                values.insert(name, js_trim(content).to_owned());
            }
        }
        let first = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| values.get(*k).filter(|v| !v.is_empty()).cloned())
        };
        let title = first(&[
            "dc:title",
            "dcterm:title",
            "og:title",
            "weibo:article:title",
            "weibo:webpage:title",
            "title",
            "twitter:title",
        ])
        .unwrap_or_else(|| self.article_title());
        Metadata {
            title: unescape_html_entities(&title),
            byline: first(&["dc:creator", "dcterm:creator", "author"])
                .map(|b| unescape_html_entities(&b)),
            excerpt: first(&[
                "dc:description",
                "dcterm:description",
                "og:description",
                "weibo:article:description",
                "weibo:webpage:description",
                "description",
                "twitter:description",
            ])
            .map(|e| unescape_html_entities(&e)),
        }
    }

    /// `_getArticleTitle`.
    fn article_title(&self) -> String {
        const SEPARATORS: &[char] = &['|', '-', '\\', '/', '>', '»'];
        let original = js_trim(&self.document_title()).to_owned();
        let mut current = original.clone();
        let mut had_hierarchical = false;
        let chars: Vec<char> = current.chars().collect();
        let spaced = |set: &[char]| {
            chars
                .windows(3)
                .any(|w| w[0] == ' ' && set.contains(&w[1]) && w[2] == ' ')
        };
        if spaced(SEPARATORS) {
            had_hierarchical = spaced(&['\\', '/', '>', '»']);
            // (.*)[sep] .*  → text before the last "sep " (greedy).
            let last = chars
                .windows(2)
                .rposition(|w| SEPARATORS.contains(&w[0]) && w[1] == ' ');
            current = match last {
                Some(at) => chars[..at].iter().collect(),
                None => original.clone(),
            };
            if word_count(&current) < 3 {
                let first = chars.iter().position(|c| SEPARATORS.contains(c));
                current = match first {
                    Some(at) => chars[at + 1..].iter().collect(),
                    None => original.clone(),
                };
            }
        } else if current.contains(": ") {
            let trimmed = js_trim(&current).to_owned();
            let headings = self
                .dom
                .elements_by_tags(DOCUMENT, &[local_name!("h1"), local_name!("h2")]);
            let matched = headings
                .iter()
                .any(|&h| js_trim(&self.dom.text_content(h)) == trimmed);
            if !matched {
                let after_last = original
                    .rfind(':')
                    .map_or(original.as_str(), |i| &original[i + 1..])
                    .to_owned();
                current = after_last;
                let first_colon = original.find(':');
                if word_count(&current) < 3 {
                    current =
                        first_colon.map_or(original.clone(), |i| original[i + 1..].to_owned());
                } else if first_colon.is_some_and(|i| word_count(&original[..i]) > 5) {
                    current = original.clone();
                }
            }
        } else if js_len(&current) > 150 || js_len(&current) < 15 {
            let h1s = self.dom.elements_by_tags(DOCUMENT, &[local_name!("h1")]);
            if h1s.len() == 1 {
                current = self.inner_text(h1s[0], true);
            }
        }
        current = normalize_spaces(js_trim(&current));
        let words = word_count(&current);
        let without_separators: String = original
            .chars()
            .filter(|c| !SEPARATORS.contains(c))
            .collect();
        if words <= 4
            && (!had_hierarchical || words != word_count(&without_separators).saturating_sub(1))
        {
            current = original;
        }
        current
    }
}

/// `/\.( |$)/`
fn has_sentence_end(text: &str) -> bool {
    text.match_indices('.').any(|(i, _)| {
        let rest = &text[i + 1..];
        rest.is_empty() || rest.starts_with(' ')
    })
}

struct Metadata {
    title: String,
    byline: Option<String>,
    excerpt: Option<String>,
}

/// `_unescapeHtmlEntities`.
fn unescape_html_entities(text: &str) -> String {
    static NAMED: LazyLock<Regex> = LazyLock::new(|| regex(r"&(quot|amp|apos|lt|gt);"));
    static NUMERIC: LazyLock<Regex> =
        LazyLock::new(|| regex(r"(?i)&#(?:x([0-9a-z]{1,4})|([0-9]{1,4}));"));
    let named = NAMED.replace_all(text, |caps: &regex::Captures<'_>| {
        match &caps[1] {
            "quot" => "\"",
            "amp" => "&",
            "apos" => "'",
            "lt" => "<",
            _ => ">",
        }
        .to_owned()
    });
    NUMERIC
        .replace_all(&named, |caps: &regex::Captures<'_>| {
            let value = match (caps.get(1), caps.get(2)) {
                (Some(hex), _) => u32::from_str_radix(hex.as_str(), 16).ok(),
                (_, Some(dec)) => dec.as_str().parse().ok(),
                _ => None,
            };
            value
                .and_then(char::from_u32)
                .map(String::from)
                .unwrap_or_default()
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_string_helpers() {
        assert_eq!(normalize_spaces("a  b\tc \n d"), "a b\tc d");
        assert_eq!(word_count(" a b "), 4);
        assert_eq!(word_count("a"), 1);
        assert_eq!(js_len("😀"), 2);
        assert_eq!(js_trim("\u{feff} x \u{a0}"), "x");
        assert_eq!(js_parse_int("2px"), Some(2));
        assert_eq!(js_parse_int("x"), None);
        assert!(has_sentence_end("Ends here."));
        assert!(!has_sentence_end("v1.2 no"));
        assert_eq!(unescape_html_entities("a &amp; b &#8217;"), "a & b ’");
    }

    #[test]
    fn picks_the_article_and_drops_the_boilerplate() {
        let body = "We collect your e-mail address, your name, and your postal address, and we keep them for as long as the law requires. ".repeat(6);
        let html = format!(
            "<html><head><title>Privacy Policy | Example</title></head><body><div class=\"menu\"><a href=\"/\">Home</a></div><div id=\"content\"><h2>Privacy</h2><p>{body}</p><p>Contact <a href=\"/contact\">us</a>.</p></div><div class=\"footer\">© Example</div></body></html>"
        );
        let article = extract(
            &html,
            "https://web.archive.org/web/20200101000000id_/http%3A//example.com/privacy",
            None,
        )
        .expect("valid url")
        .article
        .expect("an article");
        assert!(article.content_html.contains("We collect your e-mail"));
        assert!(!article.content_html.contains("© Example"));
        assert!(!article.content_html.contains(">Home<"));
        assert!(
            article
                .content_html
                .contains("href=\"https://web.archive.org/contact\"")
        );
        assert_eq!(
            article.document_title.as_deref(),
            Some("Privacy Policy | Example")
        );
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let url = "http://example.com/";
        assert!(extract("", url, None).is_ok());
        assert!(extract("\u{0}\u{1}binary\u{fffd}", url, None).is_ok());
        let nested = |n: usize| "<div>".repeat(n) + "text" + &"</div>".repeat(n);
        assert!(extract(&nested(MAX_DEPTH - 10), url, None).is_ok());
        assert!(matches!(
            extract(&nested(MAX_DEPTH + 10), url, None),
            Err(ReadabilityError::TooDeep { depth }) if depth > MAX_DEPTH
        ));
        assert!(extract("<p>x", "not a url", None).is_err());
    }

    #[test]
    fn a_page_without_an_article_keeps_its_first_title_of_any_namespace() {
        let url = "http://example.com/";
        let extraction =
            extract("<title> Privacy  Policy </title><p> ", url, None).expect("a valid url");
        assert_eq!(extraction.article, None);
        assert_eq!(extraction.first_title.as_deref(), Some(" Privacy  Policy "));
        let svg = extract(
            "<body><svg><title>S</title></svg><title>H</title>",
            url,
            None,
        )
        .expect("a valid url");
        assert_eq!(svg.first_title.as_deref(), Some("S"));
        let none = extract("<p>no title", url, None).expect("a valid url");
        assert_eq!(none.first_title, None);
    }

    #[test]
    fn an_oversized_page_is_refused_before_parsing() {
        let page = " ".repeat(MAX_PAGE_BYTES + 1);
        assert!(matches!(
            extract(&page, "http://example.com/", None),
            Err(ReadabilityError::TooLarge { bytes }) if bytes == MAX_PAGE_BYTES + 1
        ));
    }

    #[test]
    fn a_deep_page_is_refused_while_it_is_parsed() {
        // Refused after the whole tree was built, the error would name the page's full depth
        // (80,002); refused while parsing, the parser held just over the limit open.
        let page = "<div>".repeat(80_000);
        match extract(&page, "http://example.com/", None) {
            Err(ReadabilityError::TooDeep { depth }) => assert!(
                (MAX_DEPTH + 1..=MAX_DEPTH + 8).contains(&depth),
                "refused at depth {depth}, not while parsing"
            ),
            other => panic!("not refused as too deep: {other:?}"),
        }
    }

    #[test]
    fn copying_formatting_elements_again_and_again_is_refused() {
        // 500 unclosed <b>s closed by </div>, then every "x" makes the parser reopen all 500:
        // ~40 elements per byte of input, and 25 times the limit in all.
        let open: String = (0..500).map(|i| format!("<b id={i}>")).collect();
        let page = format!("<div>{open}</div>{}", "<div>x</div>".repeat(2_000));
        assert!(matches!(
            extract(&page, "http://example.com/", None),
            Err(ReadabilityError::Unparseable(
                html_tokenizer::LimitExceeded::TooMuchBuilt { .. }
            ))
        ));
    }

    #[test]
    fn the_passes_stop_at_the_deadline() {
        let body =
            "<div><p>We keep your data, as the law says, and no longer.</p></div>".repeat(500);
        let page = format!("<html><body>{body}</body></html>");
        let dom = Dom::parse(&page, &parse_limits(page.len(), None)).expect("a valid page");
        let url = url::Url::parse("http://example.com/").expect("a valid URL");
        // A deadline that has passed by the first reading of the clock.
        let mut reader = Reader::new(dom, url, Some(Instant::now()));
        assert!(reader.parse().is_none());
        assert!(reader.timed_out.get());
    }
}
