//! The script data states, escaped and double-escaped ones included.
//!
//! Everything in script data is text (U+0000 becomes U+FFFD); the states only decide where an
//! appropriate end tag is recognized, so they are tracked while the text is scanned in place.

use html5ever::tokenizer::{EndTag, TokenSink};

use crate::tokenizer::Tokenizer;

/// How deep in `<!--` / `<script>` escaping the script data is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Escape {
    None,
    Escaped,
    DoubleEscaped,
}

/// The script data states that persist across characters, with the dashes seen.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Sub {
    escape: Escape,
    /// Hyphens just seen in an escaped state (0, 1 or 2 meaning "two or more").
    dashes: u8,
}

fn ends_tag_name(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b' ' | b'/' | b'>')
}

impl<S: TokenSink> Tokenizer<'_, S> {
    /// Script data from `self.pos`, up to and including an appropriate end tag.
    pub(crate) fn script_data(&mut self, escape: Escape) {
        let bytes = self.bytes();
        let mut sub = Sub { escape, dashes: 0 };
        // Input from `text_start` to `i` is text not yet pushed.
        let mut text_start = self.pos;
        let mut i = self.pos;
        loop {
            let skip = if sub.escape == Escape::None {
                memchr::memchr2(b'<', 0, &bytes[i..])
            } else if sub.dashes == 0 {
                memchr::memchr3(b'-', b'<', 0, &bytes[i..])
            } else {
                Some(0)
            };
            let Some(skip) = skip else { break };
            i += skip;
            let Some(&b) = bytes.get(i) else { break };
            match b {
                0 => {
                    self.push_input(text_start, i);
                    self.push_text("\u{fffd}");
                    i += 1;
                    text_start = i;
                    sub.dashes = 0;
                }
                b'-' if sub.escape != Escape::None => {
                    sub.dashes = (sub.dashes + 1).min(2);
                    i += 1;
                }
                b'>' if sub.dashes == 2 => {
                    sub = Sub {
                        escape: Escape::None,
                        dashes: 0,
                    };
                    i += 1;
                }
                b'<' => {
                    sub.dashes = 0;
                    if sub.escape != Escape::DoubleEscaped
                        && bytes.get(i + 1) == Some(&b'/')
                        && let Some(end) = self.appropriate_end_tag(i + 2)
                    {
                        self.push_input(text_start, i);
                        let name = self.names.name(&self.input[i + 2..end]);
                        return self.after_tag_name(EndTag, name, end);
                    }
                    (i, sub.escape) = self.after_less_than(i, sub.escape);
                }
                _ => {
                    sub.dashes = 0;
                    i += 1;
                }
            }
        }
        self.push_input(text_start, bytes.len());
        self.pos = bytes.len();
    }

    /// The less-than sign states other than appropriate end tags: `<!--` starts escaping, and
    /// `<script` / `</script` followed by a tag-name-ending character toggles double escaping.
    /// `at` is at the `<`; returns where to continue and the new escape state.
    fn after_less_than(&self, at: usize, escape: Escape) -> (usize, Escape) {
        let bytes = self.bytes();
        match (escape, bytes.get(at + 1)) {
            (Escape::None, Some(b'!')) => {
                if bytes.get(at + 2..at + 4) == Some(b"--") {
                    // The dash-dash state: the escaped state with two dashes seen.
                    return (at + 2, Escape::Escaped);
                }
                (at + 2, Escape::None)
            }
            (Escape::Escaped, Some(b)) if b.is_ascii_alphabetic() => {
                self.double_escape_toggle(at + 1, Escape::DoubleEscaped, Escape::Escaped)
            }
            (Escape::DoubleEscaped, Some(b'/')) => {
                self.double_escape_toggle(at + 2, Escape::Escaped, Escape::DoubleEscaped)
            }
            (Escape::Escaped, Some(b'/')) => (at + 2, Escape::Escaped),
            _ => (at + 1, escape),
        }
    }

    /// The double escape start and end states: a run of letters at `at`; if they spell
    /// `script` and a tag-name-ending character follows (which is consumed), switches to
    /// `on_script`, otherwise reconsumes in `otherwise`.
    fn double_escape_toggle(
        &self,
        at: usize,
        on_script: Escape,
        otherwise: Escape,
    ) -> (usize, Escape) {
        let bytes = self.bytes();
        let end = at
            + bytes[at..]
                .iter()
                .take_while(|b| b.is_ascii_alphabetic())
                .count();
        match bytes.get(end) {
            Some(&b) if ends_tag_name(b) => {
                let escape = if bytes[at..end].eq_ignore_ascii_case(b"script") {
                    on_script
                } else {
                    otherwise
                };
                (end + 1, escape)
            }
            _ => (end, otherwise),
        }
    }
}
