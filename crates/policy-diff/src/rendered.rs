//! A policy body as its reader sees it: the corpus-style Markdown parsed (by pulldown-cmark)
//! into display blocks — headings, list items, paragraphs — each holding its visible text,
//! the style of every run of that text (bold, italic, struck, code) and the targets of its
//! links. The HTML report diffs and shows these blocks instead of the Markdown source.
//!
//! What it is not: an HTML renderer (the blocks hold text, never markup; `html.rs` writes and
//! escapes them), and not a Markdown writer. Raw HTML in the Markdown (html2text leaves a
//! literal `<img src="x">` of the policy's text as it is) is kept as visible text, never
//! interpreted. Images are dropped, as the corpus drops them; tables are not recognised (their
//! rows stay lines of text separated by `|`).

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// What a block is on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum BlockKind {
    /// Running text (also the second and later paragraphs of a list item).
    Paragraph,
    /// A heading of Markdown level 1–6.
    Heading(u8),
    /// The first block of a bulleted list item.
    Bullet,
    /// The first block of a numbered list item, with its number.
    Numbered(u64),
    /// Preformatted text (an indented or fenced code block).
    Preformatted,
    /// A thematic break (`* * *`): no text.
    Rule,
}

/// How a run of text is styled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct Style {
    /// `**bold**`.
    pub bold: bool,
    /// `_italic_`.
    pub italic: bool,
    /// `~~struck~~`.
    pub struck: bool,
    /// `` `code` ``.
    pub code: bool,
}

/// A run of a block's text that shares one style and one link: it starts at `start` and ends
/// where the next run starts (or at the end of the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Run {
    /// Byte offset in the block's text.
    pub start: usize,
    /// Its style.
    pub style: Style,
    /// The index in [`Block::links`] of the link it belongs to.
    pub link: Option<usize>,
}

/// One displayed block: its kind, its list depth (0 outside lists), its visible text (spaces
/// collapsed, `\n` only for hard line breaks, Markdown escapes undone), the styled runs of
/// that text and the targets of its links in order (a link with no text keeps its target).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Block {
    /// What it is.
    pub kind: BlockKind,
    /// How deep in nested lists it sits (1 for a top-level item).
    pub depth: u8,
    /// The visible text.
    pub text: String,
    /// Style and link runs covering `text`, in order.
    pub runs: Vec<Run>,
    /// Link targets, in order of appearance.
    pub links: Vec<String>,
}

impl Block {
    /// The byte range of run `i` of the text.
    pub(crate) fn run_range(&self, i: usize) -> std::ops::Range<usize> {
        let end = self.runs.get(i + 1).map_or(self.text.len(), |r| r.start);
        self.runs[i].start..end
    }

    /// The visible text of each link, in the order of [`Block::links`] (empty for a link with
    /// no text).
    pub(crate) fn link_texts(&self) -> Vec<String> {
        let mut texts = vec![String::new(); self.links.len()];
        for (i, run) in self.runs.iter().enumerate() {
            if let Some(text) = run.link.and_then(|l| texts.get_mut(l)) {
                text.push_str(&self.text[self.run_range(i)]);
            }
        }
        texts.iter().map(|t| t.trim().to_string()).collect()
    }
}

/// Parses a corpus-style Markdown body into its display blocks, in order. Empty blocks (no
/// visible text) are left out, except thematic breaks.
pub(crate) fn blocks(markdown: &str) -> Vec<Block> {
    let mut builder = Builder::default();
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        builder.event(event);
    }
    builder.finish_block();
    builder.done
}

/// The state of the walk over pulldown-cmark's events.
#[derive(Default)]
struct Builder {
    done: Vec<Block>,
    current: Option<Block>,
    /// The kind the next block takes: set by a heading, a list item or a code block.
    next_kind: Option<BlockKind>,
    /// For each open list, the number of its next item (`None`: bulleted).
    lists: Vec<Option<u64>>,
    bold: usize,
    italic: usize,
    struck: usize,
    /// The open link's index in the current block's `links`.
    link: Option<usize>,
    /// Inside a code block: line breaks are kept.
    preformatted: bool,
    /// Whitespace seen since the last visible character.
    pending_space: bool,
    pending_newline: bool,
}

impl Builder {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text, Style::default()),
            Event::Code(text) => self.text(
                &text,
                Style {
                    code: true,
                    ..Style::default()
                },
            ),
            // Raw HTML is the policy's own text (html2text does not escape `<`): shown as is.
            Event::Html(text) | Event::InlineHtml(text) => self.text(&text, Style::default()),
            Event::InlineMath(text) | Event::DisplayMath(text) => {
                self.text(&text, Style::default())
            }
            Event::FootnoteReference(label) => self.text(&format!("[^{label}]"), Style::default()),
            Event::SoftBreak => self.whitespace(false),
            Event::HardBreak => self.whitespace(true),
            Event::Rule => {
                self.finish_block();
                self.done.push(Block {
                    kind: BlockKind::Rule,
                    depth: self.depth(),
                    text: String::new(),
                    runs: Vec::new(),
                    links: Vec::new(),
                });
            }
            Event::TaskListMarker(checked) => {
                self.text(if checked { "[x] " } else { "[ ] " }, Style::default())
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph | Tag::HtmlBlock | Tag::BlockQuote(_) => self.finish_block(),
            Tag::Heading { level, .. } => {
                self.finish_block();
                self.next_kind = Some(BlockKind::Heading(heading_level(level)));
            }
            Tag::CodeBlock(_) => {
                self.finish_block();
                self.next_kind = Some(BlockKind::Preformatted);
                self.preformatted = true;
            }
            Tag::List(first) => {
                self.finish_block();
                self.lists.push(first);
            }
            Tag::Item => {
                self.finish_block();
                let kind = match self.lists.last_mut() {
                    Some(Some(number)) => {
                        let kind = BlockKind::Numbered(*number);
                        *number = number.saturating_add(1);
                        kind
                    }
                    _ => BlockKind::Bullet,
                };
                self.next_kind = Some(kind);
            }
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Strikethrough => self.struck += 1,
            Tag::Link { dest_url, .. } => {
                let block = self.open_block();
                block.links.push(dest_url.into_string());
                self.link = Some(block.links.len() - 1);
            }
            // Images are dropped (the corpus ignores them); the other tags hold text only.
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::HtmlBlock
            | TagEnd::BlockQuote(_)
            | TagEnd::Item => self.finish_block(),
            TagEnd::CodeBlock => {
                self.finish_block();
                self.preformatted = false;
            }
            TagEnd::List(_) => {
                self.finish_block();
                self.lists.pop();
            }
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Strikethrough => self.struck = self.struck.saturating_sub(1),
            TagEnd::Link => self.link = None,
            _ => {}
        }
    }

    fn depth(&self) -> u8 {
        u8::try_from(self.lists.len()).unwrap_or(u8::MAX)
    }

    /// The block being filled, opened (with the pending kind) when there is none.
    fn open_block(&mut self) -> &mut Block {
        let depth = self.depth();
        let kind = &mut self.next_kind;
        self.current.get_or_insert_with(|| Block {
            kind: kind.take().unwrap_or(BlockKind::Paragraph),
            depth,
            text: String::new(),
            runs: Vec::new(),
            links: Vec::new(),
        })
    }

    fn whitespace(&mut self, newline: bool) {
        if newline {
            self.pending_newline = true;
        } else {
            self.pending_space = true;
        }
    }

    /// Appends text: whitespace runs become one space (or a line break when one of them is a
    /// hard break, or any line break inside preformatted text), and leading and trailing
    /// whitespace of a block is dropped. Pending whitespace takes the style of the text before
    /// it, so a link's or a bold run's edges stay on its words.
    fn text(&mut self, text: &str, extra: Style) {
        let style = Style {
            bold: self.bold > 0,
            italic: self.italic > 0,
            struck: self.struck > 0,
            code: extra.code,
        };
        let link = self.link;
        let preformatted = self.preformatted;
        for c in text.chars() {
            if c == '\n' && preformatted {
                self.pending_newline = true;
                continue;
            }
            if c.is_whitespace() {
                self.pending_space = true;
                continue;
            }
            let (space, newline) = (self.pending_space, self.pending_newline);
            self.pending_space = false;
            self.pending_newline = false;
            let block = self.open_block();
            let run = Run {
                start: block.text.len(),
                style,
                link,
            };
            let new_run = block
                .runs
                .last()
                .is_none_or(|r| r.style != style || r.link != link);
            // The whitespace between two runs goes to the plainer one.
            let space_to_new =
                new_run && block.runs.last().is_some_and(|r| weight(&run) < weight(r));
            if space_to_new {
                block.runs.push(run);
            }
            if !block.text.is_empty() {
                if newline {
                    block.text.push('\n');
                } else if space {
                    block.text.push(' ');
                }
            }
            if new_run && !space_to_new {
                block.runs.push(Run {
                    start: block.text.len(),
                    ..run
                });
            }
            block.text.push(c);
        }
    }

    fn finish_block(&mut self) {
        self.pending_space = false;
        self.pending_newline = false;
        self.link = None;
        if let Some(block) = self.current.take()
            && !block.text.is_empty()
        {
            self.done.push(block);
        }
    }
}

/// How much markup a run carries: whitespace between two runs joins the one with less.
fn weight(run: &Run) -> u8 {
    let s = run.style;
    u8::from(run.link.is_some()) * 2
        + u8::from(s.bold)
        + u8::from(s.italic)
        + u8::from(s.struck)
        + u8::from(s.code)
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(markdown: &str) -> Vec<(BlockKind, u8, String)> {
        blocks(markdown)
            .into_iter()
            .map(|b| (b.kind, b.depth, b.text))
            .collect()
    }

    #[test]
    fn corpus_style_blocks() {
        let md = "## Who we are\n\nWe are **Example, Inc.** and _you_ are not.  \nSecond line.\n\n\
                  \x20 * one\n  * two\n    * nested\n\n\n\n1\\. Not a list \\- really \\*starred\\*.\n\n\
                  \x20 1. first\n  2. second\n\n* * *\n\nAfter the rule.\n";
        assert_eq!(
            texts(md),
            [
                (BlockKind::Heading(2), 0, "Who we are".into()),
                (
                    BlockKind::Paragraph,
                    0,
                    "We are Example, Inc. and you are not.\nSecond line.".into()
                ),
                (BlockKind::Bullet, 1, "one".into()),
                (BlockKind::Bullet, 1, "two".into()),
                (BlockKind::Bullet, 2, "nested".into()),
                (
                    BlockKind::Paragraph,
                    0,
                    "1. Not a list - really *starred*.".into()
                ),
                (BlockKind::Numbered(1), 1, "first".into()),
                (BlockKind::Numbered(2), 1, "second".into()),
                (BlockKind::Rule, 0, String::new()),
                (BlockKind::Paragraph, 0, "After the rule.".into()),
            ]
        );
    }

    #[test]
    fn styles_and_links() {
        let md = "**[Contact Us](https://web.archive.org/web/id_/http%3A//x.com/contact.html) | \
                  [Careers](https://web.archive.org/web/id_/http%3A//x.com/jobs.html)** and \
                  [](https://web.archive.org/) plain\n";
        let b = &blocks(md)[0];
        assert_eq!(b.text, "Contact Us | Careers and plain");
        assert_eq!(
            b.links,
            [
                "https://web.archive.org/web/id_/http%3A//x.com/contact.html",
                "https://web.archive.org/web/id_/http%3A//x.com/jobs.html",
                "https://web.archive.org/",
            ]
        );
        assert_eq!(b.link_texts(), ["Contact Us", "Careers", ""]);
        let bold_link = b.runs[0];
        assert!(bold_link.style.bold && bold_link.link == Some(0));
        assert_eq!(&b.text[b.run_range(0)], "Contact Us");
        // The space after a link goes to the plainer text beside it.
        assert_eq!(&b.text[b.run_range(1)], " | ");
        // The text after the bold links is neither bold nor linked.
        let last = b.runs.last().expect("runs");
        assert!(!last.style.bold && last.link.is_none());
    }

    #[test]
    fn raw_html_in_the_text_stays_text() {
        let md = "By using an <img src=\"x\"> function.\n\n<script>alert(1)</script>\n";
        assert_eq!(
            texts(md),
            [
                (
                    BlockKind::Paragraph,
                    0,
                    "By using an <img src=\"x\"> function.".into()
                ),
                (BlockKind::Paragraph, 0, "<script>alert(1)</script>".into()),
            ]
        );
    }

    #[test]
    fn a_link_text_across_a_hard_break() {
        let md = "[Company News  \n](https://example.com/news)**\n";
        let b = &blocks(md)[0];
        assert_eq!(b.links, ["https://example.com/news"]);
        assert_eq!(b.link_texts(), ["Company News"]);
    }
}
