//! Character references (`&amp;`, `&#x80;`, ...), decoded as html5ever's `char_ref` does.

use markup5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};

/// The outcome of consuming a character reference.
pub(crate) struct CharRef {
    /// Bytes consumed after the `&`.
    pub(crate) len: usize,
    /// The decoded characters; none means a literal `&` (and `len` is 0).
    chars: [Option<char>; 2],
    /// Whether html5ever reports a parse error before the decoded characters. Only reported when
    /// characters are decoded: an error before a literal `&` cannot change the tree.
    pub(crate) error: bool,
}

impl CharRef {
    const LITERAL: CharRef = CharRef {
        len: 0,
        chars: [None, None],
        error: false,
    };

    fn decoded(len: usize, first: char, second: Option<char>, error: bool) -> CharRef {
        CharRef {
            len,
            chars: [Some(first), second],
            error,
        }
    }

    /// Writes the decoded text (or `&`) into `buf` and returns it.
    pub(crate) fn write<'b>(&self, buf: &'b mut [u8; 8]) -> &'b str {
        let [Some(first), second] = self.chars else {
            return "&";
        };
        let mut len = first.encode_utf8(buf).len();
        if let Some(second) = second {
            len += second.encode_utf8(&mut buf[len..]).len();
        }
        std::str::from_utf8(&buf[..len]).unwrap_or("&")
    }
}

/// Consumes a character reference starting at `at`, just after the `&`.
pub(crate) fn consume(input: &str, at: usize, in_attribute: bool) -> CharRef {
    match input.as_bytes().get(at) {
        Some(b'#') => numeric(input.as_bytes(), at + 1),
        Some(b) if b.is_ascii_alphanumeric() => named(input, at, in_attribute),
        _ => CharRef::LITERAL,
    }
}

/// `&#` was consumed; `at` is just after the `#`.
fn numeric(bytes: &[u8], at: usize) -> CharRef {
    let (base, digits_at) = match bytes.get(at) {
        Some(b'x' | b'X') => (16, at + 1),
        _ => (10, at),
    };
    // Anything above 0x10FFFF is an error, so the value saturates just above it.
    let mut value: u32 = 0;
    let mut end = digits_at;
    while let Some(digit) = bytes.get(end).and_then(|&b| char::from(b).to_digit(base)) {
        value = (value * base + digit).min(0x11_0000);
        end += 1;
    }
    if end == digits_at {
        return CharRef::LITERAL;
    }
    let mut error = true;
    if bytes.get(end) == Some(&b';') {
        end += 1;
        error = false;
    }
    let (c, bad_value) = match value {
        0 | 0xD800..=0xDFFF | 0x11_0000.. => ('\u{fffd}', true),
        0x80..=0x9F => {
            let replacement = C1_REPLACEMENTS[(value - 0x80) as usize];
            (replacement.unwrap_or(char_of(value)), true)
        }
        0x01..=0x08 | 0x0B | 0x0D..=0x1F | 0x7F | 0xFDD0..=0xFDEF => (char_of(value), true),
        n if n & 0xFFFE == 0xFFFE => (char_of(n), true),
        n => (char_of(n), false),
    };
    CharRef::decoded(end - at + 1, c, None, error || bad_value)
}

fn char_of(value: u32) -> char {
    char::from_u32(value).unwrap_or('\u{fffd}')
}

/// Longer than any entity name with its semicolon.
const MAX_NAME_LEN: usize = 40;

/// A named reference starting at `at` (an ASCII alphanumeric).
///
/// Like html5ever, the name grows while it is a prefix of some entity name (the table holds every
/// prefix) and the longest prefix that is a whole entity wins.
fn named(input: &str, at: usize, in_attribute: bool) -> CharRef {
    let bytes = input.as_bytes();
    // The usual case, a whole name and its semicolon: nothing longer can match.
    let run = bytes[at..]
        .iter()
        .take(MAX_NAME_LEN)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if bytes.get(at + run) == Some(&b';')
        && let Some(&(first, second)) = NAMED_ENTITIES.get(&input[at..at + run + 1])
        && first != 0
    {
        let second = (second != 0).then(|| char_of(second));
        return CharRef::decoded(run + 1, char_of(first), second, false);
    }
    let mut len = 0;
    let mut best: Option<(usize, (u32, u32))> = None;
    while let Some(&b) = bytes.get(at + len) {
        if !b.is_ascii() {
            break;
        }
        match NAMED_ENTITIES.get(&input[at..at + len + 1]) {
            Some(&found) => {
                len += 1;
                if found.0 != 0 {
                    best = Some((len, found));
                }
            }
            None => break,
        }
    }
    let Some((matched, (first, second))) = best else {
        return CharRef::LITERAL;
    };
    let ends_with_semicolon = bytes[at + matched - 1] == b';';
    let next = bytes.get(at + matched).copied();
    if !ends_with_semicolon
        && in_attribute
        && next.is_some_and(|b| b == b'=' || b.is_ascii_alphanumeric())
    {
        // The "historical" rule: `&not=` or `&notx` in an attribute value stays as written.
        return CharRef::LITERAL;
    }
    let second = (second != 0).then(|| char_of(second));
    CharRef::decoded(matched, char_of(first), second, !ends_with_semicolon)
}

#[cfg(test)]
mod tests {
    use super::consume;

    fn decode(input: &str, in_attribute: bool) -> (String, usize, bool) {
        let found = consume(input, 1, in_attribute);
        let mut buf = [0; 8];
        (found.write(&mut buf).to_owned(), found.len, found.error)
    }

    #[test]
    fn named_references_take_the_longest_match() {
        assert_eq!(decode("&amp;x", false), ("&".into(), 4, false));
        assert_eq!(decode("&ampx", false), ("&".into(), 3, true));
        assert_eq!(decode("&notit;", false), ("\u{ac}".into(), 3, true));
        assert_eq!(decode("&notin;", false), ("\u{2209}".into(), 6, false));
        assert_eq!(decode("&xyz;", false), ("&".into(), 0, false));
        assert_eq!(
            decode("&NotNestedGreaterGreater;", false).0,
            "\u{2aa2}\u{338}"
        );
    }

    #[test]
    fn attribute_values_keep_historical_references() {
        assert_eq!(decode("&not=1", true), ("&".into(), 0, false));
        assert_eq!(decode("&notx", true), ("&".into(), 0, false));
        assert_eq!(decode("&not x", true), ("\u{ac}".into(), 3, true));
        assert_eq!(decode("&not;x", true), ("\u{ac}".into(), 4, false));
        assert_eq!(decode("&not", true), ("\u{ac}".into(), 3, true));
    }

    #[test]
    fn numeric_references_follow_the_replacement_rules() {
        assert_eq!(decode("&#x80;", false), ("\u{20ac}".into(), 5, true));
        assert_eq!(decode("&#x81;", false), ("\u{81}".into(), 5, true));
        assert_eq!(decode("&#0;", false), ("\u{fffd}".into(), 3, true));
        assert_eq!(decode("&#xD800;", false), ("\u{fffd}".into(), 7, true));
        assert_eq!(decode("&#1114112;", false), ("\u{fffd}".into(), 9, true));
        assert_eq!(decode("&#99999999999999999999", false).0, "\u{fffd}");
        assert_eq!(decode("&#10", false), ("\n".into(), 3, true));
        assert_eq!(decode("&#x41;", false), ("A".into(), 5, false));
        assert_eq!(decode("&#x;", false), ("&".into(), 0, false));
        assert_eq!(decode("&#", false), ("&".into(), 0, false));
        assert_eq!(decode("&", false), ("&".into(), 0, false));
    }
}
