//! Stage H: the body Markdown the reference corpus got from html2text 2020.1.16 (body_width 0,
//! images ignored) for Readability's article HTML. Written from the behaviour specified in
//! `shared/docs/markdown-style.md` §4 and checked against the real tool's outputs; no code of
//! html2text (GPL-3.0) was used.

use crate::tokens::{Token, tokenize};

/// Stands for a non-breaking space until the very end, so it is never collapsed or stripped.
const HARD_SPACE: char = '\u{E000}';

/// Whitespace as Python's `str.isspace` sees it.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// An open list: ordered or not, and its next number.
struct List {
    ordered: bool,
    next: i64,
}

/// An open link.
struct Link {
    href: String,
    title: Option<String>,
    /// Whether `[` (or the autolink) was already written.
    opened: bool,
    /// The link was written as an `<autolink>`; nothing to close.
    auto: bool,
}

#[derive(Default)]
struct Renderer {
    out: String,
    pending_nl: u8,
    br_pad: bool,
    pending_space: bool,
    at_start: bool,
    lists: Vec<List>,
    last_was_list: bool,
    blockquote: usize,
    in_pre: bool,
    pre_start: bool,
    in_code: bool,
    quiet: usize,
    links: Vec<Option<Link>>,
    stressed: bool,
    after_stressed: bool,
    /// The last character of the last text chunk (html2text's `preceding_data[-1]`).
    prev_chunk_last: Option<char>,
    last_tag: String,
    /// The next row ends the first row of a table (a `---` rule follows it).
    table_first_row: bool,
    /// Cells opened since the last row ended (a cell after the first gets `| `).
    row_cells: usize,
    /// Cells opened since the last row ended or table began (the width of the `---` rule).
    rule_cells: usize,
    abbr_title: Option<String>,
    abbr_text: String,
    abbreviations: Vec<(String, String)>,
}

/// Renders Readability's article HTML as the corpus body Markdown.
pub fn render_article(content_html: &str) -> String {
    let mut renderer = Renderer {
        at_start: true,
        ..Renderer::default()
    };
    for token in tokenize(content_html) {
        match token {
            Token::Start { name, attrs } => renderer.tag(&name, &attrs, true),
            Token::End { name } => renderer.tag(&name, &[], false),
            Token::Text(text) => renderer.text(text, false),
            Token::Entity(text) => {
                renderer.text(text.replace('\u{a0}', &HARD_SPACE.to_string()), true)
            }
        }
    }
    renderer.finish()
}

impl Renderer {
    fn paragraph_break(&mut self) {
        self.pending_nl = 2;
    }

    fn line_break(&mut self) {
        if self.pending_nl == 0 {
            self.pending_nl = 1;
        }
    }

    fn soft_break(&mut self) {
        self.line_break();
        self.br_pad = true;
    }

    /// The single output routine.
    fn emit(&mut self, s: &str, text: bool, force: bool) {
        self.emit_inner(s, text, force, false);
    }

    fn emit_inner(&mut self, s: &str, text: bool, force: bool, end: bool) {
        if self.quiet > 0 && !end {
            return;
        }
        if self.abbr_title.is_some() {
            self.abbr_text.push_str(s);
        }
        let mut s = if text && !self.in_pre {
            let mut collapsed = collapse_spaces(s);
            if collapsed.starts_with(' ') {
                self.pending_space = true;
                collapsed.remove(0);
            }
            collapsed
        } else {
            s.to_owned()
        };
        if s.is_empty() && !force {
            return;
        }
        if self.pre_start && !s.starts_with('\n') {
            s.insert(0, '\n');
        }
        let mut prefix = String::new();
        if self.blockquote > 0 {
            prefix.push_str(&">".repeat(self.blockquote));
            if !(force && s.starts_with('>')) {
                prefix.push(' ');
            }
        }
        if self.in_pre {
            let depth = self.lists.len().max(1);
            prefix.push_str(&"    ".repeat(depth));
            s = s.replace('\n', &format!("\n{prefix}"));
        }
        if self.pre_start {
            self.pre_start = false;
            if !self.lists.is_empty() {
                s = s.trim_start_matches('\n').to_owned();
            }
        }
        if self.at_start {
            self.at_start = false;
            self.pending_space = false;
            self.pending_nl = 0;
        }
        if end {
            self.pending_nl = 0;
            self.out.push('\n');
            self.pending_space = false;
        }
        if self.pending_nl > 0 {
            let pad = if self.br_pad { "  " } else { "" };
            for _ in 0..self.pending_nl {
                self.out.push_str(pad);
                self.out.push('\n');
                self.out.push_str(&prefix);
            }
            self.pending_space = false;
            self.br_pad = false;
        }
        if self.pending_space {
            if !self.out.ends_with('\n') {
                self.out.push(' ');
            }
            self.pending_space = false;
        }
        self.pending_nl = 0;
        self.out.push_str(&s);
    }

    /// Writes an emphasis mark, with a space before an opening one glued to a word.
    fn mark(&mut self, mark: &str, start: bool) {
        let glued = self.prev_chunk_last.is_some_and(|c| !is_space(c));
        if start && glued {
            self.emit(&format!(" {mark}"), false, false);
        } else {
            self.emit(mark, false, false);
        }
        if start {
            self.stressed = true;
        }
    }

    fn open_pending_link(&mut self) {
        if let Some(Some(link)) = self.links.last_mut()
            && !link.opened
        {
            link.opened = true;
            self.emit("[", false, false);
        }
    }

    fn tag(&mut self, name: &str, attrs: &[(String, String)], start: bool) {
        let attr = |key: &str| {
            attrs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        if start && !matches!(name, "p" | "div" | "style" | "dl" | "dt" | "a") {
            self.open_pending_link();
        }
        self.last_tag = name.to_owned();
        let heading = name.len() == 2
            && name.starts_with('h')
            && name.as_bytes()[1].is_ascii_digit()
            && name.as_bytes()[1] != b'0';
        if heading {
            self.paragraph_break();
            if start {
                let level = usize::from(name.as_bytes()[1] - b'0');
                self.emit(&format!("{} ", "#".repeat(level)), false, false);
            } else {
                return;
            }
        }
        match name {
            "head" | "script" | "style" | "title" => {
                if start {
                    self.quiet += 1;
                } else {
                    self.quiet = self.quiet.saturating_sub(1);
                }
            }
            "p" => self.paragraph_break(),
            "div" if !self.links.iter().any(Option::is_some) => self.paragraph_break(),
            "blockquote" => {
                if start {
                    self.paragraph_break();
                    self.emit("> ", false, true);
                    self.at_start = true;
                    self.blockquote += 1;
                } else {
                    self.blockquote = self.blockquote.saturating_sub(1);
                    self.paragraph_break();
                }
            }
            "br" if start => {
                if self.blockquote > 0 {
                    self.emit("  \n> ", false, true);
                } else {
                    self.emit("  \n", false, true);
                }
            }
            "hr" if start => {
                self.paragraph_break();
                self.emit("* * *", false, false);
                self.paragraph_break();
            }
            "em" | "i" | "u" => self.mark("_", start),
            "strong" | "b" => self.mark("**", start),
            "del" | "s" | "strike" => self.mark("~~", start),
            "code" | "kbd" | "tt" if !self.in_pre => {
                self.emit("`", false, false);
                self.in_code = start;
            }
            "q" => self.emit("\"", false, false),
            "abbr" => {
                if start {
                    self.abbr_title = attr("title").map(str::to_owned);
                    self.abbr_text.clear();
                } else if let Some(title) = self.abbr_title.take() {
                    let text = std::mem::take(&mut self.abbr_text);
                    if !self.abbreviations.iter().any(|(t, _)| *t == text) {
                        self.abbreviations.push((text, title));
                    }
                }
            }
            "a" => {
                if start {
                    let link = attr("href")
                        .filter(|href| !href.starts_with('#'))
                        .map(|href| Link {
                            href: href.to_owned(),
                            title: attr("title").map(str::to_owned),
                            opened: false,
                            auto: false,
                        });
                    self.links.push(link);
                } else if let Some(Some(link)) = self.links.pop()
                    && !link.auto
                {
                    if !link.opened {
                        self.emit("[", false, false);
                    }
                    let mut close = format!("]({}", escape_url(&link.href));
                    if let Some(title) = link.title.filter(|t| !t.trim().is_empty()) {
                        close.push_str(&format!(" \"{}\"", escape_url(&title)));
                    }
                    close.push(')');
                    self.emit(&close, false, false);
                }
            }
            "dl" if start => self.paragraph_break(),
            "dt" if !start => self.line_break(),
            "dd" => {
                if start {
                    self.emit("    ", false, false);
                } else {
                    self.line_break();
                }
            }
            "ul" | "ol" => {
                if start {
                    if self.lists.is_empty() && !self.last_was_list {
                        self.paragraph_break();
                    }
                    let next = attr("start")
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(1);
                    self.lists.push(List {
                        ordered: name == "ol",
                        next,
                    });
                } else {
                    self.lists.pop();
                    if self.lists.is_empty() {
                        self.emit("\n", false, false);
                    }
                }
            }
            "li" => {
                self.line_break();
                if start {
                    let depth = self.lists.len();
                    let marker = match self.lists.last_mut() {
                        Some(list) if list.ordered => {
                            let n = list.next;
                            list.next += 1;
                            format!("{n}. ")
                        }
                        _ => "* ".to_owned(),
                    };
                    self.emit(&format!("{}{marker}", "  ".repeat(depth)), false, false);
                    self.at_start = true;
                }
            }
            "table" if start => {
                self.table_first_row = true;
                self.rule_cells = 0;
            }
            "tr" if !start => {
                self.soft_break();
                if self.table_first_row {
                    self.table_first_row = false;
                    let rule = vec!["---"; self.rule_cells].join("|");
                    self.emit(&rule, false, false);
                    self.soft_break();
                }
                self.row_cells = 0;
                self.rule_cells = 0;
            }
            "td" | "th" if start => {
                if self.row_cells > 0 {
                    self.emit("| ", false, false);
                }
                self.row_cells += 1;
                self.rule_cells += 1;
            }
            "pre" => {
                self.in_pre = start;
                self.pre_start = start;
                self.paragraph_break();
            }
            _ => {}
        }
        self.last_was_list = matches!(name, "ul" | "ol");
    }

    fn text(&mut self, mut s: String, entity: bool) {
        if s.is_empty() || self.quiet > 0 {
            return;
        }
        if self.stressed {
            s = s.trim_matches(is_space).to_owned();
            self.stressed = false;
            self.after_stressed = true;
        } else if self.after_stressed {
            let first = s.chars().next();
            let glue_tag = matches!(self.last_tag.as_str(), "a" | "code" | "pre")
                || (self.last_tag.len() == 2
                    && self.last_tag.starts_with('h')
                    && self.last_tag.as_bytes()[1].is_ascii_digit());
            if first.is_some_and(|c| !is_space(c) && !matches!(c, '.' | '!' | '?')) && !glue_tag {
                s.insert(0, ' ');
            }
            self.after_stressed = false;
        }
        let autolink = matches!(self.links.last(), Some(Some(link)) if !link.opened && s == link.href && has_scheme(&link.href));
        if autolink {
            if let Some(Some(link)) = self.links.last_mut() {
                link.opened = true;
                link.auto = true;
            }
            self.emit(&format!("<{s}>"), false, false);
            return;
        }
        self.open_pending_link();
        if !self.in_code
            && !self.in_pre
            && !entity
            && let std::borrow::Cow::Owned(escaped) = escape_markdown(&s)
        {
            s = escaped;
        }
        self.prev_chunk_last = s.chars().next_back();
        self.emit(&s, true, false);
    }

    fn finish(mut self) -> String {
        self.quiet = 0;
        self.line_break();
        self.emit_inner("", false, true, true);
        for (text, title) in &self.abbreviations {
            self.out.push_str(&format!("  *[{text}]: {title}\n"));
        }
        self.out.replace(HARD_SPACE, " ")
    }
}

/// `^[A-Za-z+]+://`
fn has_scheme(href: &str) -> bool {
    let scheme_len = href
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic() || *b == b'+')
        .count();
    scheme_len > 0 && href[scheme_len..].starts_with("://")
}

/// Escapes `\ [ ] ( )` in link targets and titles.
fn escape_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if matches!(c, '\\' | '[' | ']' | '(' | ')') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Characters a backslash before is itself escaped.
const PUNCTUATION: &str = "\\`*_{}[]()#+-.!";

/// The corpus's escapes (§4.6): a backslash before a Markdown punctuation character, and `1.`,
/// `+` and `-` at the start of the chunk or of a line inside it.
fn escape_markdown(text: &str) -> std::borrow::Cow<'_, str> {
    // Most chunks need nothing: no backslash, no line break, and no digit, `+` or `-` first.
    let first = text.trim_start_matches(is_space).chars().next();
    if memchr::memchr2(b'\\', b'\n', text.as_bytes()).is_none()
        && !first.is_some_and(|c| c == '+' || c == '-' || is_decimal_digit(c))
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        if line_start {
            line_start = false;
            if let Some(at) = line_marker(&text[i..]) {
                // Up to the marker there are only spaces and digits: nothing else to escape.
                out.push_str(&text[i..i + at]);
                out.push('\\');
                out.push(char::from(bytes[i + at]));
                i += at + 1;
                continue;
            }
        }
        let Some(found) = memchr::memchr2(b'\\', b'\n', &bytes[i..]) else {
            out.push_str(&text[i..]);
            break;
        };
        out.push_str(&text[i..i + found]);
        i += found;
        if bytes[i] == b'\n' {
            line_start = true;
        } else if bytes
            .get(i + 1)
            .is_some_and(|b| PUNCTUATION.as_bytes().contains(b))
        {
            out.push('\\');
        }
        out.push(char::from(bytes[i]));
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

/// The byte offset of a list marker to escape at the start of `line`: the `.` of `12. `
/// (after optional spaces), or a `+ `, `- ` or `--`.
fn line_marker(line: &str) -> Option<usize> {
    let start = line
        .char_indices()
        .find(|&(_, c)| !is_space(c) || c == '\n')
        .map_or(line.len(), |(at, _)| at);
    let rest = &line[start..];
    let digits = rest
        .char_indices()
        .find(|&(_, c)| !is_decimal_digit(c))
        .map_or(rest.len(), |(at, _)| at);
    let followed_by_space = |at: usize| rest[at..].chars().next().is_some_and(is_space);
    let after = rest.as_bytes();
    if digits > 0 && after.get(digits) == Some(&b'.') && followed_by_space(digits + 1) {
        Some(start + digits)
    } else if (after.first() == Some(&b'+') && followed_by_space(1))
        || (after.first() == Some(&b'-') && (followed_by_space(1) || after.get(1) == Some(&b'-')))
    {
        Some(start)
    } else {
        None
    }
}

/// Every run of whitespace made one space.
fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    if text.is_ascii() {
        // ASCII whitespace for `char::is_whitespace` plus U+001C..U+001F.
        let space = |b: u8| matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x1c..=0x1f);
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let word_end = bytes[at..]
                .iter()
                .position(|&b| space(b))
                .map_or(bytes.len(), |p| at + p);
            out.push_str(&text[at..word_end]);
            if word_end == bytes.len() {
                break;
            }
            out.push(' ');
            at = bytes[word_end..]
                .iter()
                .position(|&b| !space(b))
                .map_or(bytes.len(), |p| word_end + p);
        }
        return out;
    }
    for c in text.chars() {
        if is_space(c) {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// Python's `\d`: any Unicode decimal digit (general category Nd).
fn is_decimal_digit(c: char) -> bool {
    static DIGIT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\A\d\z").expect("a constant, valid pattern")
    });
    c.is_ascii_digit() || (!c.is_ascii() && DIGIT.is_match(c.encode_utf8(&mut [0; 4])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_only_where_the_corpus_does() {
        assert_eq!(escape_markdown("1. not list"), "1\\. not list");
        assert_eq!(escape_markdown(" 12. x"), " 12\\. x");
        assert_eq!(escape_markdown("- dash"), "\\- dash");
        assert_eq!(escape_markdown("-- double"), "\\-- double");
        assert_eq!(escape_markdown("+ plus"), "\\+ plus");
        assert_eq!(
            escape_markdown("back\\slash \\. \\*"),
            "back\\slash \\\\. \\\\*"
        );
        assert_eq!(escape_markdown("a\n- b\n3. c"), "a\n\\- b\n3\\. c");
        assert_eq!(
            escape_markdown("*star* _u_ #h a.1. b 1.x"),
            "*star* _u_ #h a.1. b 1.x"
        );
        assert_eq!(escape_markdown("٣. arabic digit"), "٣\\. arabic digit");
    }
}
