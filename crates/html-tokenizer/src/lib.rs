//! A fast WHATWG HTML tokenizer that drives html5ever's own tree builder.
//!
//! html5ever's tokenizer walks its input one character at a time through a buffer queue. This
//! crate tokenizes a whole `&str` in place instead: runs of text, tag names and attribute values
//! are found with `memchr` and byte tables and handed over as whole slices. The tokens go to
//! [`html5ever::tree_builder::TreeBuilder`] (or any [`TokenSink`]) and are chosen so that the tree
//! built is identical to the one `html5ever::driver::parse_document(..).one(..)` builds with
//! default options, quirks mode included. Where html5ever deviates from the specification in a
//! way the tree builder can observe, this crate deviates the same way (see `tokenizer.rs`).
//!
//! What it is not: not a tree builder (html5ever's is used), not charset detection (the input is
//! already a `&str`), and not error reporting (parse errors are not reported, except for the few
//! places where their mere presence changes what the tree builder does).

mod char_ref;
mod markup;
mod names;
mod script;
mod tag;
mod text;
mod tokenizer;

use std::borrow::Cow;

use html5ever::tokenizer::TokenSink;
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts, TreeSink};

/// Parses a whole document: our tokenizer feeding html5ever's TreeBuilder with default options.
pub fn parse_document<Sink: TreeSink>(sink: Sink, input: &str) -> Sink::Output {
    let tree_builder = TreeBuilder::new(sink, TreeBuilderOpts::default());
    tokenize(input, &tree_builder);
    tree_builder.sink.finish()
}

/// Runs the tokenizer over `input`, feeding `sink` (honouring its TokenSinkResult state switches),
/// then EOF and `sink.end()`.
///
/// Every token is reported on line 1: line numbers are not tracked.
pub fn tokenize<S: TokenSink>(input: &str, sink: &S) {
    let input = preprocess(input);
    tokenizer::Tokenizer::new(&input, sink).run();
}

/// Input stream preprocessing: drops one leading U+FEFF and turns CRLF and lone CR into LF.
///
/// html5ever does this lazily character by character; the states that peek at raw input treat a
/// CR exactly like the LF it becomes, so doing it up front changes nothing.
fn preprocess(input: &str) -> Cow<'_, str> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let bytes = input.as_bytes();
    let Some(first_cr) = memchr::memchr(b'\r', bytes) else {
        return Cow::Borrowed(input);
    };
    let mut out = String::with_capacity(input.len());
    let mut start = 0;
    let mut cr = Some(first_cr);
    while let Some(at) = cr {
        out.push_str(&input[start..at]);
        out.push('\n');
        start = if bytes.get(at + 1) == Some(&b'\n') {
            at + 2
        } else {
            at + 1
        };
        cr = memchr::memchr(b'\r', &bytes[start..]).map(|i| start + i);
    }
    out.push_str(&input[start..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::preprocess;

    #[test]
    fn preprocessing_normalizes_newlines_and_drops_one_bom() {
        assert_eq!(preprocess("\u{feff}a\r\nb\rc\n\r"), "a\nb\nc\n\n");
        assert_eq!(preprocess("\u{feff}\u{feff}x"), "\u{feff}x");
        assert_eq!(preprocess("\r\r\n"), "\n\n");
    }
}
