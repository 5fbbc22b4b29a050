//! Markup declarations: comments, bogus comments, DOCTYPEs and CDATA sections.

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{Doctype, Token, TokenSink};

use crate::tokenizer::Tokenizer;

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b' ')
}

/// The comment states (the "less-than sign" ones only report nested-comment errors).
#[derive(Clone, Copy)]
enum CommentState {
    Comment,
    EndDash,
    End,
    EndBang,
}

/// A DOCTYPE public or system identifier.
#[derive(Clone, Copy)]
enum IdKind {
    Public,
    System,
}

impl<S: TokenSink> Tokenizer<'_, S> {
    /// The markup declaration open state; `self.pos` is just after `<!`.
    pub(crate) fn markup_declaration(&mut self) {
        let rest = &self.bytes()[self.pos..];
        if rest.starts_with(b"--") {
            self.pos += 2;
            self.comment();
        } else if rest.len() >= 7 && rest[..7].eq_ignore_ascii_case(b"doctype") {
            self.pos += 7;
            self.doctype();
        } else if rest.starts_with(b"[CDATA[") && self.in_foreign_content() {
            self.pos += 7;
            self.cdata_section();
        } else {
            self.bogus_comment();
        }
    }

    /// The bogus comment state: everything up to the next `>` is a comment.
    pub(crate) fn bogus_comment(&mut self) {
        let bytes = self.bytes();
        let mut data = StrTendril::new();
        loop {
            let Some(run) = memchr::memchr2(b'>', 0, &bytes[self.pos..]) else {
                data.push_slice(&self.input[self.pos..]);
                self.pos = bytes.len();
                break;
            };
            data.push_slice(&self.input[self.pos..self.pos + run]);
            self.pos += run + 1;
            if bytes[self.pos - 1] == b'>' {
                break;
            }
            data.push_char('\u{fffd}');
        }
        self.emit(Token::CommentToken(data));
    }

    /// The comment start states and the comment states; `self.pos` is just after `<!--`.
    fn comment(&mut self) {
        let bytes = self.bytes();
        let mut data = StrTendril::new();
        let mut i = self.pos;
        // The comment start and comment start dash states.
        let mut state = match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'>'), _) => {
                i += 1;
                None
            }
            (Some(b'-'), Some(b'-')) => {
                i += 2;
                Some(CommentState::End)
            }
            (Some(b'-'), Some(b'>')) => {
                i += 2;
                None
            }
            (Some(b'-'), next) => {
                i += 1;
                if next.is_some() {
                    data.push_char('-');
                }
                Some(CommentState::Comment)
            }
            _ => Some(CommentState::Comment),
        };
        while let Some(current) = state {
            let Some(&b) = bytes.get(i) else { break };
            state = match current {
                CommentState::Comment => match memchr::memchr2(b'-', 0, &bytes[i..]) {
                    None => {
                        data.push_slice(&self.input[i..]);
                        i = bytes.len();
                        None
                    }
                    Some(run) => {
                        data.push_slice(&self.input[i..i + run]);
                        i += run + 1;
                        if bytes[i - 1] == 0 {
                            data.push_char('\u{fffd}');
                            Some(CommentState::Comment)
                        } else {
                            Some(CommentState::EndDash)
                        }
                    }
                },
                CommentState::EndDash if b == b'-' => {
                    i += 1;
                    Some(CommentState::End)
                }
                CommentState::EndDash => {
                    data.push_char('-');
                    Some(CommentState::Comment)
                }
                CommentState::End => {
                    i += 1;
                    match b {
                        b'>' => None,
                        b'!' => Some(CommentState::EndBang),
                        b'-' => {
                            data.push_char('-');
                            Some(CommentState::End)
                        }
                        _ => {
                            i -= 1;
                            data.push_slice("--");
                            Some(CommentState::Comment)
                        }
                    }
                }
                CommentState::EndBang => match b {
                    b'-' => {
                        i += 1;
                        data.push_slice("--!");
                        Some(CommentState::EndDash)
                    }
                    b'>' => {
                        i += 1;
                        None
                    }
                    _ => {
                        data.push_slice("--!");
                        Some(CommentState::Comment)
                    }
                },
            };
        }
        // At the end of the input the comment is emitted as it is.
        self.pos = i;
        self.emit(Token::CommentToken(data));
    }

    /// The CDATA section states; `self.pos` is just after `<![CDATA[`. The content is text,
    /// except that U+0000 is a `NullCharacterToken` (as in html5ever).
    fn cdata_section(&mut self) {
        let bytes = self.bytes();
        let (end, resume) = match memchr::memmem::find(&bytes[self.pos..], b"]]>") {
            Some(found) => (self.pos + found, self.pos + found + 3),
            None => (bytes.len(), bytes.len()),
        };
        while let Some(run) = memchr::memchr(0, &bytes[self.pos..end]) {
            self.push_input(self.pos, self.pos + run);
            self.emit(Token::NullCharacterToken);
            self.pos += run + 1;
        }
        self.push_input(self.pos, end);
        self.pos = resume;
    }

    /// The DOCTYPE states; `self.pos` is just after `<!DOCTYPE`.
    fn doctype(&mut self) {
        let mut doctype = Doctype::default();
        self.doctype_fields(&mut doctype);
        self.emit(Token::DoctypeToken(doctype));
    }

    /// Reads the DOCTYPE into `doctype`, up to and including its `>` or to the end of the input
    /// (which forces quirks, except in the bogus DOCTYPE state).
    fn doctype_fields(&mut self, doctype: &mut Doctype) {
        let bytes = self.bytes();
        // The DOCTYPE and before DOCTYPE name states.
        self.skip_spaces();
        match bytes.get(self.pos) {
            None => return doctype.force_quirks = true,
            Some(b'>') => {
                self.pos += 1;
                return doctype.force_quirks = true;
            }
            Some(_) => {}
        }
        let name_len = bytes[self.pos..]
            .iter()
            .position(|&b| is_space(b) || b == b'>')
            .unwrap_or(bytes.len() - self.pos);
        doctype.name = Some(lowercase_text(&self.input[self.pos..self.pos + name_len]));
        self.pos += name_len;
        // The after DOCTYPE name state.
        self.skip_spaces();
        match bytes.get(self.pos) {
            None => return doctype.force_quirks = true,
            Some(b'>') => return self.pos += 1,
            Some(_) => {}
        }
        let keyword = bytes.get(self.pos..self.pos + 6);
        let kind = if keyword.is_some_and(|k| k.eq_ignore_ascii_case(b"public")) {
            IdKind::Public
        } else if keyword.is_some_and(|k| k.eq_ignore_ascii_case(b"system")) {
            IdKind::System
        } else {
            doctype.force_quirks = true;
            return self.bogus_doctype();
        };
        self.pos += 6;
        // The after DOCTYPE keyword and before DOCTYPE identifier states.
        self.skip_spaces();
        match bytes.get(self.pos) {
            Some(b'"' | b'\'') if self.quoted_id(doctype, kind) => {}
            Some(b'"' | b'\'') => return,
            Some(b'>') => {
                self.pos += 1;
                return doctype.force_quirks = true;
            }
            Some(_) => {
                doctype.force_quirks = true;
                return self.bogus_doctype();
            }
            None => return doctype.force_quirks = true,
        }
        if let IdKind::Public = kind {
            // The after DOCTYPE public identifier and between identifiers states.
            self.skip_spaces();
            match bytes.get(self.pos) {
                Some(b'"' | b'\'') if self.quoted_id(doctype, IdKind::System) => {}
                Some(b'"' | b'\'') => return,
                Some(b'>') => return self.pos += 1,
                Some(_) => {
                    doctype.force_quirks = true;
                    return self.bogus_doctype();
                }
                None => return doctype.force_quirks = true,
            }
        }
        // The after DOCTYPE system identifier state.
        self.skip_spaces();
        match bytes.get(self.pos) {
            Some(b'>') => self.pos += 1,
            Some(_) => self.bogus_doctype(),
            None => doctype.force_quirks = true,
        }
    }

    /// A quoted identifier at `self.pos`. Returns whether its closing quote was found; if not,
    /// a `>` or the end of the input ended the DOCTYPE, forcing quirks.
    fn quoted_id(&mut self, doctype: &mut Doctype, kind: IdKind) -> bool {
        let bytes = self.bytes();
        let quote = bytes[self.pos];
        let start = self.pos + 1;
        let end = start
            + bytes[start..]
                .iter()
                .position(|&b| b == quote || b == b'>')
                .unwrap_or(bytes.len() - start);
        let id = Some(StrTendril::from_slice(
            &self.input[start..end].replace('\0', "\u{fffd}"),
        ));
        match kind {
            IdKind::Public => doctype.public_id = id,
            IdKind::System => doctype.system_id = id,
        }
        self.pos = (end + 1).min(bytes.len());
        let closed = bytes.get(end) == Some(&quote);
        doctype.force_quirks |= !closed;
        closed
    }

    /// The bogus DOCTYPE state: skips to just after the next `>`.
    fn bogus_doctype(&mut self) {
        let bytes = self.bytes();
        match memchr::memchr(b'>', &bytes[self.pos..]) {
            Some(run) => self.pos += run + 1,
            None => self.pos = bytes.len(),
        }
    }

    fn skip_spaces(&mut self) {
        let bytes = self.bytes();
        while bytes.get(self.pos).is_some_and(|&b| is_space(b)) {
            self.pos += 1;
        }
    }
}

/// A DOCTYPE name: ASCII lowercased, U+0000 as U+FFFD.
fn lowercase_text(raw: &str) -> StrTendril {
    let mut out = StrTendril::new();
    for c in raw.chars() {
        out.push_char(match c {
            '\0' => '\u{fffd}',
            c => c.to_ascii_lowercase(),
        });
    }
    out
}
