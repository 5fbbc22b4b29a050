//! Tags: tag open, end tag open, tag name and the attribute states.
//!
//! A tag still open at the end of the input is dropped, as the specification says.

use std::collections::HashSet;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{EndTag, StartTag, Tag, TagKind, TokenSink};
use html5ever::{Attribute, LocalName, QualName, ns};

use crate::char_ref;
use crate::tokenizer::Tokenizer;

/// Where the attribute states are in a tag (the after attribute name state is a pending name).
#[derive(Clone, Copy)]
enum AttrState {
    BeforeName,
    SelfClosing,
    AfterQuotedValue,
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b' ')
}

/// Bytes that end a tag or attribute name (`=` only ends attribute names).
fn ends_name(b: u8) -> bool {
    is_space(b) || b == b'/' || b == b'>'
}

/// Past this many attributes, duplicates are found with a hash set rather than a linear scan.
const LINEAR_SCAN_LIMIT: usize = 16;

/// The tag under construction.
struct TagBuilder {
    kind: TagKind,
    name: LocalName,
    attrs: Vec<Attribute>,
    /// The attribute names, once there are more than `LINEAR_SCAN_LIMIT`.
    names: Option<HashSet<LocalName>>,
    had_duplicate_attributes: bool,
}

impl TagBuilder {
    fn new(kind: TagKind, name: LocalName) -> Self {
        TagBuilder {
            kind,
            name,
            attrs: Vec::new(),
            names: None,
            had_duplicate_attributes: false,
        }
    }

    /// Adds an attribute unless one of the same name exists (the first one wins).
    fn add_attribute(&mut self, name: LocalName, value: StrTendril) {
        let duplicate = match &mut self.names {
            Some(names) => !names.insert(name.clone()),
            None => self.attrs.iter().any(|a| a.name.local == name),
        };
        if duplicate {
            self.had_duplicate_attributes = true;
            return;
        }
        self.attrs.push(Attribute {
            name: QualName::new(None, ns!(), name),
            value,
        });
        if self.names.is_none() && self.attrs.len() > LINEAR_SCAN_LIMIT {
            let names = self.attrs.iter().map(|a| a.name.local.clone()).collect();
            self.names = Some(names);
        }
    }

    fn finish(self, self_closing: bool) -> Tag {
        Tag {
            kind: self.kind,
            name: self.name,
            self_closing,
            attrs: self.attrs,
            had_duplicate_attributes: self.had_duplicate_attributes,
        }
    }
}

impl<S: TokenSink> Tokenizer<'_, S> {
    /// The tag open state; `self.pos` is at the `<`.
    pub(crate) fn tag_open(&mut self) {
        let bytes = self.bytes();
        let at = self.pos + 1;
        match bytes.get(at) {
            Some(b'!') => {
                self.pos = at + 1;
                self.markup_declaration();
            }
            Some(b'/') => self.end_tag_open(at + 1),
            Some(b) if b.is_ascii_alphabetic() => self.tag_name(StartTag, at),
            Some(b'?') => {
                self.pos = at;
                self.bogus_comment();
            }
            _ => {
                self.push_text("<");
                self.pos = at;
            }
        }
    }

    /// The end tag open state; `at` is just after `</`.
    fn end_tag_open(&mut self, at: usize) {
        match self.bytes().get(at) {
            Some(b) if b.is_ascii_alphabetic() => self.tag_name(EndTag, at),
            Some(b'>') => {
                self.pos = at + 1;
                self.emit_error("Empty end tag");
            }
            Some(_) => {
                self.pos = at;
                self.bogus_comment();
            }
            None => {
                self.push_text("</");
                self.pos = at;
            }
        }
    }

    /// The tag name state; `at` is the first character of the name.
    fn tag_name(&mut self, kind: TagKind, at: usize) {
        let bytes = self.bytes();
        let len = bytes[at..].iter().position(|&b| ends_name(b));
        let Some(len) = len else {
            self.pos = bytes.len();
            return;
        };
        let name = self.names.name(&self.input[at..at + len]);
        self.after_tag_name(kind, name, at + len);
    }

    /// Continues a tag whose name ended at `at` (a space, `/` or `>`): attributes, self-closing
    /// flag, and emission at the `>`.
    pub(crate) fn after_tag_name(&mut self, kind: TagKind, name: LocalName, at: usize) {
        let mut tag = TagBuilder::new(kind, name);
        let bytes = self.bytes();
        let mut i = at;
        let mut state = AttrState::BeforeName;
        // The attribute whose name was read and whose value may follow.
        let mut pending: Option<LocalName> = None;
        while let Some(&b) = bytes.get(i) {
            if let Some(name) = pending.take() {
                // The after attribute name state.
                if is_space(b) {
                    pending = Some(name);
                    i += 1;
                    continue;
                }
                if b != b'=' {
                    tag.add_attribute(name, StrTendril::new());
                    continue;
                }
                match self.attribute_value(i + 1) {
                    Some(Value::Tag(value, next)) => {
                        tag.add_attribute(name, value);
                        (i, state) = next;
                        continue;
                    }
                    Some(Value::EndOfTag(value, end)) => {
                        tag.add_attribute(name, value);
                        self.pos = end;
                        return self.emit_tag(tag.finish(false));
                    }
                    None => break,
                }
            }
            match state {
                AttrState::SelfClosing if b == b'>' => {
                    self.pos = i + 1;
                    return self.emit_tag(tag.finish(true));
                }
                _ if b == b'>' => {
                    self.pos = i + 1;
                    return self.emit_tag(tag.finish(false));
                }
                _ if b == b'/' => {
                    i += 1;
                    state = AttrState::SelfClosing;
                }
                _ if is_space(b) => {
                    // A space is skipped in every state but the self-closing one, which
                    // reconsumes it in the before attribute name state: the same thing.
                    i += 1;
                    state = AttrState::BeforeName;
                }
                AttrState::SelfClosing | AttrState::AfterQuotedValue => {
                    // Reconsumed in the before attribute name state.
                    state = AttrState::BeforeName;
                }
                AttrState::BeforeName => {
                    // The attribute name state; the first character may be `=`.
                    let rest = &bytes[i + 1..];
                    let Some(len) = rest.iter().position(|&b| ends_name(b) || b == b'=') else {
                        break;
                    };
                    let end = i + 1 + len;
                    pending = Some(self.names.name(&self.input[i..end]));
                    i = end;
                }
            }
        }
        // End of input inside the tag: the tag is dropped.
        self.pos = bytes.len();
    }

    /// The before attribute value state and the value states; `at` is just after the `=`.
    /// Returns the value and where to continue, or `None` at the end of the input.
    fn attribute_value(&self, at: usize) -> Option<Value> {
        let bytes = self.bytes();
        let start = at
            + bytes
                .get(at..)?
                .iter()
                .take_while(|&&b| is_space(b))
                .count();
        match *bytes.get(start)? {
            quote @ (b'"' | b'\'') => {
                let (value, end) = self.value_until(start + 1, Some(quote))?;
                Some(Value::Tag(value, (end + 1, AttrState::AfterQuotedValue)))
            }
            b'>' => Some(Value::EndOfTag(StrTendril::new(), start + 1)),
            _ => {
                let (value, end) = self.value_until(start, None)?;
                if bytes[end] == b'>' {
                    Some(Value::EndOfTag(value, end + 1))
                } else {
                    Some(Value::Tag(value, (end + 1, AttrState::BeforeName)))
                }
            }
        }
    }

    /// Reads an attribute value from `at` up to its closing `quote` (or, unquoted, up to a space
    /// or `>`), decoding character references and U+0000. Returns the value and the offset of
    /// the byte that ended it.
    fn value_until(&self, at: usize, quote: Option<u8>) -> Option<(StrTendril, usize)> {
        let bytes = self.bytes();
        let stop = |b: u8| match quote {
            Some(quote) => b == quote,
            None => is_space(b) || b == b'>',
        };
        // `None` while the value is exactly the input from `at`.
        let mut decoded: Option<StrTendril> = None;
        let mut i = at;
        loop {
            let rest = bytes.get(i..)?;
            let run = match quote {
                Some(quote) => memchr::memchr3(quote, b'&', 0, rest)?,
                None => rest.iter().position(|&b| stop(b) || b == b'&' || b == 0)?,
            };
            let run_start = i;
            i += run;
            if stop(bytes[i]) {
                let value = match decoded {
                    None => self.tendril(at, i),
                    Some(mut value) => {
                        value.push_slice(&self.input[run_start..i]);
                        value
                    }
                };
                return Some((value, i));
            }
            let value = decoded.get_or_insert_with(StrTendril::new);
            value.push_slice(&self.input[run_start..i]);
            if bytes[i] == 0 {
                value.push_char('\u{fffd}');
                i += 1;
            } else {
                let found = char_ref::consume(self.input, i + 1, true);
                let mut buf = [0; 8];
                value.push_slice(found.write(&mut buf));
                i += 1 + found.len;
            }
        }
    }
}

/// What follows an attribute value.
enum Value {
    /// More of the tag: continue at this offset in this state.
    Tag(StrTendril, (usize, AttrState)),
    /// The `>` ending the tag; the offset is just past it.
    EndOfTag(StrTendril, usize),
}
