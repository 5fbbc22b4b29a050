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
//!
//! [`parse_document_within`] bounds the parse. html5ever's tree builder scans its stack of open
//! elements and its list of active formatting elements for many tokens (scope checks, the
//! adoption agency, reconstructing formatting elements), and may recreate every formatting
//! element on the list for one token: its time per token grows with those two sizes, and the
//! nodes it makes per byte of input with the list. Bounding both sizes, the nodes created and
//! the attributes of formatting elements bounds the work per byte of input by a constant, so
//! the time of a parse is linear in the input whatever the input. The constant is large for a
//! page that keeps hundreds of formatting elements with dozens of attributes on the list (each
//! new formatting tag is compared with all of them): the deadline is for that.

#![forbid(unsafe_code)]

mod char_ref;
mod markup;
mod names;
mod script;
mod tag;
mod text;
mod tokenizer;

use std::borrow::Cow;
use std::cell::Cell;
use std::time::Instant;

use html5ever::tokenizer::{StartTag, Tag, TokenSink};
use html5ever::tree_builder::{Tracer, TreeBuilder, TreeBuilderOpts, TreeSink};
use html5ever::{LocalName, local_name};

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
    // Without a watch nothing can stop the run.
    let _ = tokenizer::Tokenizer::new(&input, sink, None).run();
}

/// Bounds on one parse (see [`parse_document_within`]).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The most elements the tree builder may hold at once on its stack of open elements and
    /// its list of active formatting elements together (an element on both counts twice),
    /// plus the few other elements it keeps (the document, `<head>`, the form).
    pub max_open_elements: usize,
    /// The most the sink may have built, in the units of [`BuildSize::built`].
    pub max_built: usize,
    /// The most attributes a start tag of a formatting element (`<a>`, `<b>`, `<font>`...) may
    /// carry: the tree builder compares and copies their attribute lists again and again.
    pub max_formatting_attributes: usize,
    /// The parse stops once this instant has passed (checked every few hundred tokens).
    pub deadline: Option<Instant>,
}

/// Why a bounded parse stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitExceeded {
    /// The tree builder held more elements open than [`Limits::max_open_elements`].
    #[error("the parser held {open} elements open at once (the limit is {limit})")]
    TooManyOpen {
        /// Elements open when the parse stopped (at least `limit + 1`).
        open: usize,
        /// The limit.
        limit: usize,
    },
    /// The sink built more than [`Limits::max_built`].
    #[error("the parser built {built} nodes and attributes (the limit is {limit})")]
    TooMuchBuilt {
        /// What the sink had built when the parse stopped.
        built: usize,
        /// The limit.
        limit: usize,
    },
    /// A formatting element's start tag had more than [`Limits::max_formatting_attributes`].
    #[error("a <{tag}> tag has {count} attributes (the limit is {limit} on formatting elements)")]
    TooManyAttributes {
        /// The tag's name.
        tag: String,
        /// Its attributes.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The deadline passed.
    #[error("parsing was still running at its deadline")]
    OutOfTime,
}

/// A tree sink that says how much it has built, so that a parse can be bounded.
pub trait BuildSize: TreeSink {
    /// What the sink has built so far: every node and attribute counts at least one, so that
    /// the tree builder's stack and list cannot grow by more than two for one more unit.
    fn built(&self) -> usize;
}

/// [`parse_document`], stopped as soon as a limit is passed: `Err` says which. Under the
/// limits the tree is the one `parse_document` builds.
pub fn parse_document_within<Sink: BuildSize>(
    sink: Sink,
    input: &str,
    limits: &Limits,
) -> Result<Sink::Output, LimitExceeded> {
    let tree_builder = TreeBuilder::new(sink, TreeBuilderOpts::default());
    let watch = TreeWatch {
        tree_builder: &tree_builder,
        limits,
        open_when_counted: Cell::new(0),
        built_when_counted: Cell::new(0),
        tokens: Cell::new(0),
    };
    let input = preprocess(input);
    tokenizer::Tokenizer::new(&input, &tree_builder, Some(&watch)).run()?;
    Ok(tree_builder.sink.finish())
}

/// Tokens between two looks at the clock.
const TOKENS_PER_CLOCK_CHECK: u32 = 256;

/// Handles the tree builder may hold beside its stack and list (document, `<head>`, form,
/// context) plus the `<head>` it pushes back for a moment in the "after head" mode.
const HANDLES_BESIDE_OPEN: usize = 5;

/// Watches a tree builder against [`Limits`] after every token.
///
/// Counting the open elements walks the stack and the list, so it is done only when they might
/// have passed the limit: they grow by at most two per unit the sink builds (an element pushed
/// on the stack, plus its entry or a marker on the list), so until the sink has built
/// `(limit - last count) / 2` more units they cannot have.
struct TreeWatch<'a, Sink: BuildSize> {
    tree_builder: &'a TreeBuilder<Sink::Handle, Sink>,
    limits: &'a Limits,
    open_when_counted: Cell<usize>,
    built_when_counted: Cell<usize>,
    tokens: Cell<u32>,
}

impl<Sink: BuildSize> tokenizer::Watch for TreeWatch<'_, Sink> {
    fn before_tag(&self, tag: &Tag) -> Result<(), LimitExceeded> {
        let limit = self.limits.max_formatting_attributes;
        if tag.kind == StartTag && tag.attrs.len() > limit && is_formatting(&tag.name) {
            return Err(LimitExceeded::TooManyAttributes {
                tag: tag.name.to_string(),
                count: tag.attrs.len(),
                limit,
            });
        }
        Ok(())
    }

    fn after_token(&self) -> Result<(), LimitExceeded> {
        let built = self.tree_builder.sink.built();
        if built > self.limits.max_built {
            return Err(LimitExceeded::TooMuchBuilt {
                built,
                limit: self.limits.max_built,
            });
        }
        let limit = self.limits.max_open_elements;
        let grown = built.saturating_sub(self.built_when_counted.get());
        let bound = self.open_when_counted.get() + 2 * grown + HANDLES_BESIDE_OPEN;
        if grown > 0 && bound > limit {
            let counter = HandleCounter::default();
            self.tree_builder.trace_handles(&counter);
            let open = counter.count.get();
            if open > limit {
                return Err(LimitExceeded::TooManyOpen { open, limit });
            }
            self.open_when_counted.set(open);
            self.built_when_counted.set(built);
        }
        let tokens = self.tokens.get().wrapping_add(1);
        self.tokens.set(tokens);
        if tokens.is_multiple_of(TOKENS_PER_CLOCK_CHECK)
            && self
                .limits
                .deadline
                .is_some_and(|deadline| Instant::now() >= deadline)
        {
            return Err(LimitExceeded::OutOfTime);
        }
        Ok(())
    }
}

/// Whether the tree builder puts elements of this name on its list of active formatting
/// elements.
fn is_formatting(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("a")
            | local_name!("b")
            | local_name!("big")
            | local_name!("code")
            | local_name!("em")
            | local_name!("font")
            | local_name!("i")
            | local_name!("nobr")
            | local_name!("s")
            | local_name!("small")
            | local_name!("strike")
            | local_name!("strong")
            | local_name!("tt")
            | local_name!("u")
    )
}

/// Counts the handles the tree builder holds (its stack, its list, and a few more).
struct HandleCounter<Handle> {
    count: Cell<usize>,
    handle: std::marker::PhantomData<Handle>,
}

impl<Handle> Default for HandleCounter<Handle> {
    fn default() -> Self {
        HandleCounter {
            count: Cell::new(0),
            handle: std::marker::PhantomData,
        }
    }
}

impl<Handle> Tracer for HandleCounter<Handle> {
    type Handle = Handle;

    fn trace_handle(&self, _node: &Handle) {
        self.count.set(self.count.get() + 1);
    }
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
