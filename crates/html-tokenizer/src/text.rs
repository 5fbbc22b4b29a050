//! The text states: data, RCDATA, RAWTEXT and PLAINTEXT.

use html5ever::tokenizer::{EndTag, Token, TokenSink};

use crate::char_ref;
use crate::tokenizer::Tokenizer;

impl<S: TokenSink> Tokenizer<'_, S> {
    /// The data state, up to and including the next tag-like construct.
    pub(crate) fn data(&mut self) {
        let bytes = self.bytes();
        while self.pos < bytes.len() {
            let Some(run) = memchr::memchr3(b'<', b'&', 0, &bytes[self.pos..]) else {
                self.push_input(self.pos, bytes.len());
                self.pos = bytes.len();
                return;
            };
            let at = self.pos + run;
            self.push_input(self.pos, at);
            self.pos = at;
            match bytes[at] {
                b'<' => return self.tag_open(),
                b'&' => self.text_char_ref(),
                _ => {
                    self.emit(Token::NullCharacterToken);
                    self.pos += 1;
                }
            }
        }
    }

    /// The RCDATA state (`rcdata`, with character references) or the RAWTEXT state, up to and
    /// including an appropriate end tag.
    pub(crate) fn raw_text(&mut self, rcdata: bool) {
        let bytes = self.bytes();
        while self.pos < bytes.len() {
            let rest = &bytes[self.pos..];
            let found = if rcdata {
                memchr::memchr3(b'<', b'&', 0, rest)
            } else {
                memchr::memchr2(b'<', 0, rest)
            };
            let Some(run) = found else {
                self.push_input(self.pos, bytes.len());
                self.pos = bytes.len();
                return;
            };
            let at = self.pos + run;
            self.push_input(self.pos, at);
            self.pos = at;
            match bytes[at] {
                b'<' => {
                    if bytes.get(at + 1) == Some(&b'/')
                        && let Some(end) = self.appropriate_end_tag(at + 2)
                    {
                        let name = self.names.name(&self.input[at + 2..end]);
                        return self.after_tag_name(EndTag, name, end);
                    }
                    self.push_text("<");
                    self.pos += 1;
                }
                b'&' => self.text_char_ref(),
                _ => {
                    self.push_text("\u{fffd}");
                    self.pos += 1;
                }
            }
        }
    }

    /// The PLAINTEXT state: the rest of the input is text.
    pub(crate) fn plaintext(&mut self) {
        let bytes = self.bytes();
        while let Some(run) = memchr::memchr(0, &bytes[self.pos..]) {
            self.push_input(self.pos, self.pos + run);
            self.push_text("\u{fffd}");
            self.pos += run + 1;
        }
        self.push_input(self.pos, bytes.len());
        self.pos = bytes.len();
    }

    /// A character reference in the data or RCDATA state; `self.pos` is at the `&`.
    fn text_char_ref(&mut self) {
        let found = char_ref::consume(self.input, self.pos + 1, false);
        if found.error {
            self.emit_error("Bad character reference");
        }
        let mut buf = [0; 8];
        let decoded = found.write(&mut buf);
        self.push_text(decoded);
        self.pos += 1 + found.len;
    }
}
