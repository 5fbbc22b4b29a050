//! Turning a version's Markdown body into plain text: links reduced to their text, emphasis, list markers, table rules and backslash escapes removed, then lines and
//! sentences.

use regex::Regex;
use std::sync::LazyLock;

/// One line of body text with its Markdown removed.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// The text, whitespace collapsed; empty for blank or rule lines.
    pub text: String,
    /// Whether the line was a `#`..`######` heading.
    pub heading: bool,
}

/// A sentence of body text.
#[derive(Debug, Clone)]
pub(crate) struct Sentence {
    /// The sentence, trimmed, markup stripped.
    pub text: String,
    /// Whether it comes from a heading line.
    pub heading: bool,
}

/// A policy version split into its parts.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    /// The `# TITLE` line's text (`None` for `# None`, an empty title, or no title line).
    pub title: Option<String>,
    /// The body Markdown as written (after the header line and the title line).
    pub body: String,
    /// The body's lines, markup stripped.
    pub lines: Vec<Line>,
}

impl Document {
    /// A version's title and body (what follows its `# TITLE` line), the body's markup
    /// stripped.
    pub(crate) fn new(title: Option<&str>, body: &str) -> Document {
        let normalised;
        let body = if body.contains('\r') {
            normalised = body.replace("\r\n", "\n").replace('\r', "\n");
            normalised.as_str()
        } else {
            body
        };
        let title = title
            .map(str::trim)
            .filter(|t| !t.is_empty() && *t != "None")
            .map(str::to_owned);
        Document {
            title,
            body: body.to_string(),
            lines: strip_body(body),
        }
    }

    /// The body's sentences, in document order.
    pub(crate) fn sentences(&self) -> Vec<Sentence> {
        let mut out = Vec::new();
        for line in &self.lines {
            for s in split_sentences(&line.text) {
                let s = s.trim();
                if !s.is_empty() {
                    out.push(Sentence {
                        text: s.to_string(),
                        heading: line.heading,
                    });
                }
            }
        }
        out
    }

    /// The stripped body as one string, one line per line.
    pub(crate) fn plain_text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            if !line.text.is_empty() {
                out.push_str(&line.text);
                out.push('\n');
            }
        }
        out
    }
}

static AUTOLINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<((?:https?|ftp)://[^>\s]+|mailto:[^>\s]+)>").expect("autolink regex")
});
static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^ {0,3}#{1,6}(?:[ \t]+|$)").expect("heading regex"));
static RULE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$").expect("rule regex")
});
static TABLE_RULE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\s|:\-]*-[\s|:\-]*$").expect("table rule regex"));
static LIST_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[*+\-]|\d{1,3}\.)[ \t]+").expect("list regex"));
static QUOTE_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:>\s?)+").expect("quote regex"));

/// Strips the Markdown of a body into lines of plain text.
pub(crate) fn strip_body(body: &str) -> Vec<Line> {
    let unlinked = remove_links(body);
    let unlinked = AUTOLINK.replace_all(&unlinked, "$1");
    unlinked
        .split('\n')
        .map(|raw| {
            let mut line: &str = raw;
            let heading = if let Some(m) = HEADING.find(line) {
                line = &line[m.end()..];
                true
            } else {
                false
            };
            if !heading
                && (RULE.is_match(line) || (line.contains('|') && TABLE_RULE.is_match(line)))
            {
                return Line {
                    text: String::new(),
                    heading: false,
                };
            }
            let mut owned = line.to_string();
            if let Some(m) = QUOTE_MARKER.find(&owned) {
                owned.replace_range(..m.end(), "");
            }
            if let Some(m) = LIST_MARKER.find(&owned) {
                owned.replace_range(..m.end(), "");
            }
            let text = strip_inline(&owned);
            Line { text, heading }
        })
        .collect()
}

/// Replaces `[text](url "title")` by `text`, in one linear pass. Link text may span lines and may
/// hold brackets; URLs have `\ [ ] ( )` backslash-escaped (as html2text writes them), so the URL
/// ends at the first unescaped `)`.
pub(crate) fn remove_links(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    // Byte offsets in `out` of `[` that may open a link.
    let mut open: Vec<usize> = Vec::new();
    // Byte offsets in `out` of `[` that did open a link (to be dropped).
    let mut drop_at: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\\' && i + 1 < bytes.len() && bytes[i + 1].is_ascii_punctuation() {
            // Keep escapes as they are; they are removed later.
            out.push('\\');
            out.push(bytes[i + 1] as char);
            i += 2;
            continue;
        }
        if b == b'[' {
            open.push(out.len());
            out.push('[');
            i += 1;
            continue;
        }
        if b == b']' && bytes.get(i + 1) == Some(&b'(') {
            if let Some(end) = scan_link_target(bytes, i + 2)
                && let Some(p) = open.pop()
            {
                drop_at.push(p);
                i = end;
                continue;
            }
            out.push(']');
            i += 1;
            continue;
        }
        // Copy one UTF-8 character.
        let ch_len = utf8_len(b);
        let end = (i + ch_len).min(bytes.len());
        match s.get(i..end) {
            Some(chunk) => out.push_str(chunk),
            None => out.push(char::REPLACEMENT_CHARACTER),
        }
        i = end.max(i + 1);
    }
    if drop_at.is_empty() {
        return out;
    }
    drop_at.sort_unstable();
    let mut result = String::with_capacity(out.len());
    let mut last = 0;
    for p in drop_at {
        if p >= last && out.is_char_boundary(p) {
            result.push_str(&out[last..p]);
            last = p + 1; // `[` is one byte
        }
    }
    result.push_str(&out[last..]);
    result
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

/// From just after `](`, finds the end (exclusive, after `)`) of a link target, or `None`.
fn scan_link_target(bytes: &[u8], start: usize) -> Option<usize> {
    const MAX_URL: usize = 4000;
    const MAX_TITLE: usize = 1000;
    let mut i = start;
    while i < bytes.len() && i - start < MAX_URL {
        match bytes[i] {
            b'\\' => i += 2,
            b')' => return Some(i + 1),
            b'(' | b'[' | b']' | b'\n' => return None,
            b' ' | b'\t' => {
                // Optional `"title"` then `)`.
                let mut j = i;
                while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
                    j += 1;
                }
                if bytes.get(j) != Some(&b'"') {
                    return None;
                }
                j += 1;
                let title_start = j;
                while j < bytes.len() && j - title_start < MAX_TITLE {
                    match bytes[j] {
                        b'\\' => j += 2,
                        b'\n' => return None,
                        b'"' => {
                            return if bytes.get(j + 1) == Some(&b')') {
                                Some(j + 2)
                            } else {
                                None
                            };
                        }
                        _ => j += 1,
                    }
                }
                return None;
            }
            _ => i += 1,
        }
    }
    None
}

/// Removes inline markup from one line: `**`, `~~`, backticks, `_emphasis_` markers and
/// backslash escapes; collapses whitespace.
pub(crate) fn strip_inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\\' if next.is_some_and(is_escapable) => {
                if let Some(n) = next {
                    out.push(n);
                }
                i += 2;
                continue;
            }
            '*' if next == Some('*') => {
                i += 2;
                continue;
            }
            '~' if next == Some('~') => {
                i += 2;
                continue;
            }
            '`' => {
                i += 1;
                continue;
            }
            '_' => {
                let prev = if i == 0 {
                    None
                } else {
                    chars.get(i - 1).copied()
                };
                let opens = prev.is_none_or(|p| p.is_whitespace() || "([{\"'“‘".contains(p))
                    && next.is_some_and(|n| !n.is_whitespace());
                let closes = prev.is_some_and(|p| !p.is_whitespace())
                    && next.is_none_or(|n| n.is_whitespace() || ".,;:!?)]}\"'”’".contains(n));
                let is_run = next == Some('_') || prev == Some('_');
                if (opens || closes) && !is_run {
                    i += 1;
                    continue;
                }
            }
            _ => {}
        }
        out.push(if c == '|' || c == '\u{a0}' { ' ' } else { c });
        i += 1;
    }
    collapse_whitespace(&out)
}

fn is_escapable(c: char) -> bool {
    "\\`*_{}[]()#+-.!".contains(c)
}

/// Collapses runs of whitespace to one space and trims.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Words that end with a dot without ending the sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "eg", "ie", "mr", "mrs", "ms", "dr", "prof", "st", "no", "vs", "cf", "approx",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s",
    "u.s.a", "u.k", "inc", "ltd", "co", "corp", "sec", "art", "para", "fig", "tel", "ph", "ca",
];

/// Splits one line of text into sentences at `.`, `!` or `?` followed by whitespace, unless the
/// word before the dot is a known abbreviation, a single letter (an initial), or a list number at
/// the start of the line, or the next word starts with a lower-case letter.
pub(crate) fn split_sentences(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (_, c) = chars[k];
        if c == '.' || c == '!' || c == '?' {
            // Absorb runs of terminators and closing quotes/brackets.
            let mut j = k + 1;
            while j < chars.len() && (".!?\"'”’)]".contains(chars[j].1)) {
                j += 1;
            }
            let at_end = j >= chars.len();
            let followed_by_space = at_end || chars[j].1.is_whitespace();
            if followed_by_space && !at_end {
                let mut n = j;
                while n < chars.len() && chars[n].1.is_whitespace() {
                    n += 1;
                }
                let next_char = chars.get(n).map(|&(_, ch)| ch);
                let next_lower = next_char.is_some_and(|ch| ch.is_lowercase());
                let split = !next_lower && (c != '.' || !is_abbreviation_before(line, &chars, k));
                if split {
                    let end = chars.get(j).map_or(line.len(), |&(b, _)| b);
                    out.push(&line[start..end]);
                    start = end;
                }
                k = j;
                continue;
            }
            k = j;
            continue;
        }
        k += 1;
    }
    if start < line.len() {
        out.push(&line[start..]);
    }
    out
}

fn is_abbreviation_before(line: &str, chars: &[(usize, char)], dot: usize) -> bool {
    // The word before the dot.
    let mut b = dot;
    while b > 0 && !chars[b - 1].1.is_whitespace() && chars[b - 1].1 != '(' {
        b -= 1;
    }
    let word_start = chars[b].0;
    let word_end = chars[dot].0;
    let word = &line[word_start..word_end];
    if word.is_empty() {
        return false;
    }
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphanumeric()).collect();
    // A single capital letter: an initial.
    if letters.len() == 1 && letters[0].is_uppercase() {
        return true;
    }
    // A list number at the start of the line ("1. Information we collect").
    if word_start == 0 && !letters.is_empty() && letters.iter().all(|c| c.is_ascii_digit()) {
        return letters.len() <= 3;
    }
    // Dotted abbreviations such as "U.S." or "a.m.".
    word.contains('.') && letters.len() <= 4 && letters.iter().all(|c| c.is_alphabetic())
}

/// Largest char boundary of `s` that is at most `i`.
pub(crate) fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The words of a text: whitespace-separated tokens holding at least one letter or digit.
pub(crate) fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
}

static BARE_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(?:https?|ftp)://|www\.)[^\s<>]+").expect("bare url regex")
});

/// The text with bare URLs (`http://…`, `www.…`) blanked out by spaces of the same byte length,
/// so that offsets into the result are offsets into `text`.
pub(crate) fn without_urls(text: &str) -> std::borrow::Cow<'_, str> {
    BARE_URL.replace_all(text, |c: &regex::Captures<'_>| {
        " ".repeat(c.get(0).map_or(0, |m| m.as_str().len()))
    })
}

/// At most about `max` characters of `sentence`, around byte offset `focus`, cut at word
/// boundaries, with `…` where it was cut.
pub(crate) fn excerpt(sentence: &str, focus: usize, max: usize) -> String {
    let total = sentence.chars().count();
    if total <= max {
        return sentence.to_string();
    }
    let focus_char = sentence
        .char_indices()
        .take_while(|&(b, _)| b < focus)
        .count();
    let start_char = focus_char
        .saturating_sub(max / 3)
        .min(total.saturating_sub(max));
    let chars: Vec<char> = sentence.chars().collect();
    let mut s = start_char;
    if s > 0 {
        // Move forward to the next word start.
        while s < chars.len() && !chars[s - 1].is_whitespace() {
            s += 1;
        }
    }
    let mut e = (s + max).min(chars.len());
    if e < chars.len() {
        let mut back = e;
        while back > s && !chars[back].is_whitespace() {
            back -= 1;
        }
        if back > s {
            e = back;
        }
    }
    let mut out = String::new();
    if s > 0 {
        out.push('…');
    }
    out.extend(chars[s..e].iter());
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    if e < chars.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_body_are_read_apart() {
        let md = "> *The following text is extracted and transformed from the x.com privacy policy that was archived on 2013-12-26. Please check the [original snapshot](https://web.archive.org/) for the most accurate reproduction.*\n\n# Legal Agreement\n\n**Go Daddy** body.\n";
        let parsed = policy_text::document::Document::parse(md);
        let doc = Document::new(parsed.title, parsed.body);
        assert_eq!(doc.title.as_deref(), Some("Legal Agreement"));
        assert_eq!(doc.plain_text(), "Go Daddy body.\n");
    }

    #[test]
    fn none_title_is_none() {
        let doc = Document::new(Some("None"), "\nText.");
        assert_eq!(doc.title, None);
    }

    #[test]
    fn links_reduce_to_text_even_across_lines() {
        assert_eq!(
            remove_links("a [b **c**](http://x.com/\\(p\\) \"T \\(x\\)\") d [](http://e) [f\n](g)"),
            "a b **c** d  f\n"
        );
        assert_eq!(remove_links("[and/or other] text"), "[and/or other] text");
        assert_eq!(remove_links("]([(]("), "]([(](");
    }

    #[test]
    fn inline_markup_is_removed() {
        assert_eq!(
            strip_inline(
                "**Bold** _ZooEscape.com_ ( _e.g.,_ x) 1\\. a\\-b supremeleader_10@x.com ~~d~~"
            ),
            "Bold ZooEscape.com ( e.g., x) 1. a-b supremeleader_10@x.com d"
        );
    }

    #[test]
    fn lists_rules_and_tables_are_stripped() {
        let lines = strip_body(
            "  * item one\n* * *\n---|---|---\n| a | b |\n  1. first\n## Head **x**\n> quoted",
        );
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            ["item one", "", "", "a b", "first", "Head x", "quoted"]
        );
        assert!(lines[5].heading);
    }

    #[test]
    fn sentences_split_sensibly() {
        let got: Vec<&str> = split_sentences(
            "We use cookies. See e.g. Google Inc. for more! Really? yes. Revised: Sept. 5, 2017.",
        )
        .into_iter()
        .map(str::trim)
        .collect();
        assert_eq!(
            got,
            [
                "We use cookies.",
                "See e.g. Google Inc. for more!",
                "Really? yes.",
                "Revised: Sept. 5, 2017."
            ]
        );
        assert_eq!(
            split_sentences("1. Information we collect"),
            ["1. Information we collect"]
        );
    }

    #[test]
    fn excerpt_keeps_the_focus() {
        let long = format!("{} KEYWORD {}", "a ".repeat(400), "b ".repeat(400));
        let focus = long.find("KEYWORD").unwrap_or(0);
        let e = excerpt(&long, focus, 300);
        assert!(e.contains("KEYWORD"));
        assert!(e.chars().count() <= 302);
    }
}
