//! The tokenizer's state, token emission and main loop.
//!
//! The input is preprocessed (no CR, no leading BOM) and tokenized in place. Each state of the
//! WHATWG state machine that can persist between tokens (the ones the tree builder can switch
//! to) is a [`State`]; the short-lived states inside a tag, comment, DOCTYPE or character
//! reference are scanned by straight-line code that looks ahead in the input, which it can do
//! because the whole document is available.
//!
//! html5ever behaviours that are reproduced on purpose, because the tree builder can see them:
//! - A U+0000 in the data state is a `NullCharacterToken`; elsewhere it becomes U+FFFD.
//! - The tree builder drops a LF right after `<pre>`, `<listing>` or `<textarea>` only if the
//!   *next token* starts with it, and a parse error is a token. So the parse errors that html5ever
//!   reports with no other token in between are reported too: `</>` and character references
//!   decoded with an error (`<pre>&#10` keeps its newline, `<pre>&#10;` does not).
//! - After a tag for which the sink answers `Script` or `EncodingIndicator`, html5ever's driver
//!   re-enters `Tokenizer::feed`, which drops a U+FEFF if it is the next character.

use std::borrow::Cow;

use html5ever::LocalName;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::{RawKind, ScriptEscapeKind};
use html5ever::tokenizer::{Tag, Token, TokenSink, TokenSinkResult};

use crate::LimitExceeded;
use crate::names::NameCache;
use crate::script::Escape;

/// Something that may stop the parse after a token has been processed.
pub(crate) trait Watch {
    /// Called before a tag goes to the sink: `Err` stops the parse without it.
    fn before_tag(&self, tag: &Tag) -> Result<(), LimitExceeded>;
    /// Called after every token the sink processed: `Err` stops the parse.
    fn after_token(&self) -> Result<(), LimitExceeded>;
}

/// The tokenizer states that persist between tokens.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum State {
    Data,
    Rcdata,
    Rawtext,
    ScriptData(Escape),
    Plaintext,
}

pub(crate) struct Tokenizer<'a, S: TokenSink> {
    sink: &'a S,
    pub(crate) input: &'a str,
    /// The whole input as one tendril, so that runs of it can be handed out as shared slices
    /// instead of copies (`None` if it is too long for tendril offsets).
    buffer: Option<StrTendril>,
    /// Byte offset of the next unconsumed input character.
    pub(crate) pos: usize,
    state: State,
    /// Character data not yet handed to the sink: `text` followed by the input in `run`.
    text: StrTendril,
    run: Option<(usize, usize)>,
    pub(crate) names: NameCache,
    /// The name of the last start tag emitted, for the "appropriate end tag" check.
    last_start_tag: Option<LocalName>,
    /// Asked after every token whether to go on.
    watch: Option<&'a dyn Watch>,
    /// Why the parse stopped early; no token reaches the sink once set.
    stopped: Option<LimitExceeded>,
}

impl<'a, S: TokenSink> Tokenizer<'a, S> {
    pub(crate) fn new(input: &'a str, sink: &'a S, watch: Option<&'a dyn Watch>) -> Self {
        Tokenizer {
            sink,
            input,
            buffer: u32::try_from(input.len())
                .is_ok()
                .then(|| StrTendril::from_slice(input)),
            pos: 0,
            state: State::Data,
            text: StrTendril::new(),
            run: None,
            names: NameCache::new(),
            last_start_tag: None,
            watch,
            stopped: None,
        }
    }

    pub(crate) fn bytes(&self) -> &'a [u8] {
        self.input.as_bytes()
    }

    /// Tokenizes the whole input, then sends EOF and ends the sink; or stops as soon as the
    /// watch says so, leaving the sink unfinished.
    pub(crate) fn run(mut self) -> Result<(), LimitExceeded> {
        while self.pos < self.input.len() {
            if let Some(stop) = self.stopped.take() {
                return Err(stop);
            }
            match self.state {
                State::Data => self.data(),
                State::Rcdata => self.raw_text(true),
                State::Rawtext => self.raw_text(false),
                State::ScriptData(escape) => self.script_data(escape),
                State::Plaintext => self.plaintext(),
            }
        }
        self.emit(Token::EOFToken);
        if let Some(stop) = self.stopped.take() {
            return Err(stop);
        }
        self.sink.end();
        Ok(())
    }

    /// The input between `from` and `to` as a tendril, shared with the input where possible.
    pub(crate) fn tendril(&self, from: usize, to: usize) -> StrTendril {
        if let Some(buffer) = &self.buffer
            && let (Ok(offset), Ok(len)) = (u32::try_from(from), u32::try_from(to - from))
            && let Ok(slice) = buffer.try_subtendril(offset, len)
        {
            return slice;
        }
        StrTendril::from_slice(&self.input[from..to])
    }

    /// Moves the pending input run into `text`.
    fn take_run(&mut self) {
        if let Some((from, to)) = self.run.take() {
            self.text.push_slice(&self.input[from..to]);
        }
    }

    /// Appends character data to the pending text.
    pub(crate) fn push_text(&mut self, text: &str) {
        self.take_run();
        self.text.push_slice(text);
    }

    /// Appends the input between `from` and `to` to the pending text.
    pub(crate) fn push_input(&mut self, from: usize, to: usize) {
        if from >= to {
            return;
        }
        match &mut self.run {
            Some((_, end)) if *end == from => *end = to,
            _ => {
                self.take_run();
                self.run = Some((from, to));
            }
        }
    }

    /// Hands the pending text to the sink as one `CharacterTokens`.
    pub(crate) fn flush_text(&mut self) {
        let text = match self.run {
            Some((from, to)) if self.text.is_empty() => {
                self.run = None;
                self.tendril(from, to)
            }
            Some(_) => {
                self.take_run();
                std::mem::take(&mut self.text)
            }
            None if self.text.is_empty() => return,
            None => std::mem::take(&mut self.text),
        };
        // Only a tag can make the sink ask for anything but `Continue`.
        let _ = self.process(Token::CharacterTokens(text));
    }

    /// Emits a token that is not a tag (the sink can only answer `Continue` to those).
    pub(crate) fn emit(&mut self, token: Token) {
        self.flush_text();
        let _ = self.process(token);
    }

    /// Emits a parse error that the tree builder can observe (see the module documentation).
    pub(crate) fn emit_error(&mut self, message: &'static str) {
        self.emit(Token::ParseError(Cow::Borrowed(message)));
    }

    fn process(&mut self, token: Token) -> TokenSinkResult<S::Handle> {
        if self.stopped.is_some() {
            return TokenSinkResult::Continue;
        }
        let result = self.sink.process_token(token, 1);
        if let Some(watch) = self.watch
            && let Err(stop) = watch.after_token()
        {
            self.stopped = Some(stop);
        }
        result
    }

    /// Whether the sink's adjusted current node is a foreign element (enables CDATA sections).
    pub(crate) fn in_foreign_content(&mut self) -> bool {
        self.flush_text();
        self.sink
            .adjusted_current_node_present_but_not_in_html_namespace()
    }

    /// Emits a tag and applies the sink's answer; `self.pos` must already be past the tag.
    pub(crate) fn emit_tag(&mut self, tag: Tag) {
        self.flush_text();
        if tag.kind == html5ever::tokenizer::StartTag {
            self.last_start_tag = Some(tag.name.clone());
        }
        self.state = State::Data;
        if let Some(watch) = self.watch
            && self.stopped.is_none()
            && let Err(stop) = watch.before_tag(&tag)
        {
            self.stopped = Some(stop);
        }
        match self.process(Token::TagToken(tag)) {
            TokenSinkResult::Continue => {}
            TokenSinkResult::Plaintext => self.state = State::Plaintext,
            TokenSinkResult::RawData(kind) => {
                self.state = match kind {
                    RawKind::Rcdata => State::Rcdata,
                    RawKind::Rawtext => State::Rawtext,
                    RawKind::ScriptData => State::ScriptData(Escape::None),
                    RawKind::ScriptDataEscaped(ScriptEscapeKind::Escaped) => {
                        State::ScriptData(Escape::Escaped)
                    }
                    RawKind::ScriptDataEscaped(ScriptEscapeKind::DoubleEscaped) => {
                        State::ScriptData(Escape::DoubleEscaped)
                    }
                }
            }
            TokenSinkResult::Script(_) | TokenSinkResult::EncodingIndicator(_) => {
                if self.input[self.pos..].starts_with('\u{feff}') {
                    self.pos += '\u{feff}'.len_utf8();
                }
            }
        }
    }

    /// If an appropriate end tag name starts at `at` (just after `</`) and is followed by a
    /// character that ends a tag name, returns the offset of that character.
    pub(crate) fn appropriate_end_tag(&self, at: usize) -> Option<usize> {
        let last = self.last_start_tag.as_deref()?;
        let bytes = self.bytes();
        let end = at
            + bytes
                .get(at..)?
                .iter()
                .take_while(|b| b.is_ascii_alphabetic())
                .count();
        let delimiter = *bytes.get(end)?;
        (bytes[at..end].eq_ignore_ascii_case(last.as_bytes())
            && matches!(delimiter, b'\t' | b'\n' | b'\x0C' | b' ' | b'/' | b'>'))
        .then_some(end)
    }
}
