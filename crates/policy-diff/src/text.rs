//! Small text helpers shared by the renderers: number and date formatting, word counting,
//! tokenising, and the two escaping schemes (terminal and HTML).

use timestamp::Timestamp;

/// `1234567` -> `"1,234,567"`, `-1500` -> `"-1,500"`.
pub(crate) fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `+150`, `-20`, `+0` with thousands separators.
pub(crate) fn signed_thousands(n: i64) -> String {
    if n < 0 {
        thousands(n)
    } else {
        format!("+{}", thousands(n))
    }
}

/// The `YYYY-MM-DD` date of a 14-digit Wayback timestamp (`20140929123456` -> `2014-09-29`)
/// ([`Timestamp::date_of`]). Anything that names no day is returned unchanged.
pub(crate) fn ts_date(ts: &str) -> String {
    Timestamp::date_of(ts).unwrap_or_else(|| ts.to_string())
}

/// Words in a Markdown body: whitespace-separated tokens holding a letter or a digit. A fallback
/// for versions without extracted fields; close to, but not the same as,
/// `fields::PolicyFields::word_count` (which also strips markup and link URLs).
pub(crate) fn count_words(body: &str) -> u64 {
    // One pass, decoding only non-ASCII characters: timelines count hundreds of bodies.
    let bytes = body.as_bytes();
    let (mut count, mut in_word, mut has_alnum) = (0u64, false, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (space, alnum, len) = if b.is_ascii() {
            (
                b.is_ascii_whitespace() || b == 0x0b,
                b.is_ascii_alphanumeric(),
                1,
            )
        } else {
            match body[i..].chars().next() {
                Some(c) => (c.is_whitespace(), c.is_alphanumeric(), c.len_utf8()),
                None => break,
            }
        };
        if space {
            count += u64::from(in_word && has_alnum);
            in_word = false;
            has_alnum = false;
        } else {
            in_word = true;
            has_alnum |= alnum;
        }
        i += len;
    }
    count + u64::from(in_word && has_alnum)
}

/// Whitespace-separated tokens, as in `git diff --word-diff`: counted for the word statistics.
pub(crate) fn count_tokens(s: &str) -> u64 {
    s.split_whitespace().count() as u64
}

/// Splits `s` into tokens: maximal runs of non-whitespace, maximal runs of whitespace other than
/// `\n`, and each `\n` on its own. Returns the byte offset where each token starts, plus a final
/// `s.len()`, so token `i` is `s[bounds[i]..bounds[i + 1]]`.
pub(crate) fn token_bounds(s: &str) -> Vec<usize> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Word,
        Space,
        Newline,
    }
    let mut bounds = Vec::with_capacity(s.len() / 3 + 2);
    let mut prev: Option<Class> = None;
    for (i, c) in s.char_indices() {
        let class = if c == '\n' {
            Class::Newline
        } else if c.is_whitespace() {
            Class::Space
        } else {
            Class::Word
        };
        if prev != Some(class) || class == Class::Newline {
            bounds.push(i);
        }
        prev = Some(class);
    }
    bounds.push(s.len());
    bounds
}

/// Whether a character must not reach a terminal as is: control characters other than `\t` and
/// `\n` (ESC, CSI and the other C0/C1 codes), and the bidirectional overrides and isolates that
/// can make text display in another order than it is stored.
fn is_unsafe_for_terminal(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || is_bidi_control(c)
}

/// The bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they
/// reorder the text around them on display. The marks U+200E/U+200F only set a direction and
/// are left alone.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Appends `s` to `out` for display on a terminal: `\r` is dropped, other unsafe characters
/// (see [`is_unsafe_for_terminal`]) become U+FFFD, so archived text can never emit escape
/// sequences. With `one_line`, `\n` and `\t` become spaces as well.
pub(crate) fn push_terminal_safe(out: &mut String, s: &str, one_line: bool) {
    if !s
        .chars()
        .any(|c| is_unsafe_for_terminal(c) || (one_line && (c == '\n' || c == '\t')))
    {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '\r' => {}
            '\n' | '\t' if one_line => out.push(' '),
            c if is_unsafe_for_terminal(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Archived text made safe to print on a terminal, for every command that shows it (titles,
/// URLs, field values, diffs): control characters (ESC, CSI, BEL, the rest of C0 and C1 but
/// `\n` and `\t`) and bidirectional overrides become U+FFFD and `\r` is dropped, so a page can
/// neither send escape sequences (retitle the window, recolour or clear the screen, write the
/// clipboard, hide links) nor display reversed. With `one_line`, `\n` and `\t` become spaces.
pub fn terminal_safe(s: &str, one_line: bool) -> String {
    let mut out = String::with_capacity(s.len());
    push_terminal_safe(&mut out, s, one_line);
    out
}

/// Appends `s` to `out` with each unsafe character (see [`is_unsafe_for_terminal`]; `\r`
/// included) written as visible text: `\x1b` for C0/C1 controls and DEL, `\u{202e}` for the
/// bidirectional controls. Everything else is kept byte for byte, so a unified diff of ordinary
/// text still applies while one of hostile text shows what it holds without acting on it.
pub(crate) fn push_visibly_escaped(out: &mut String, s: &str) {
    if !s.chars().any(is_unsafe_for_terminal) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        if is_unsafe_for_terminal(c) {
            push_visible_escape(out, c);
        } else {
            out.push(c);
        }
    }
}

/// `\x1b` for a character below U+0100, `\u{202e}` above.
fn push_visible_escape(out: &mut String, c: char) {
    use std::fmt::Write as _;
    let code = u32::from(c);
    let _ = if code < 0x100 {
        write!(out, "\\x{code:02x}")
    } else {
        write!(out, "\\u{{{code:04x}}}")
    };
}

/// Appends `s` to `out` HTML-escaped: `&`, `<`, `>`, `"` and `'` become entities, so the result is
/// safe in element content and in quoted attribute values. `=` becomes `&#61;` as well, so
/// archived text never puts a literal `href=` or `src=` into a page (harmless either way once `<`
/// is escaped, but it keeps such pages trivially checkable). NUL and the other control
/// characters except `\t`, `\n` and `\r` become U+FFFD. Bidirectional embeddings, overrides and
/// isolates are shown as visible text (`\u{202e}`) instead of reordering what follows them.
pub(crate) fn push_html_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '=' => out.push_str("&#61;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c if is_bidi_control(c) => push_visible_escape(out, c),
            c => out.push(c),
        }
    }
}

/// [`push_html_escaped`] into a new string.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    push_html_escaped(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(-1500), "-1,500");
        assert_eq!(signed_thousands(150), "+150");
        assert_eq!(signed_thousands(-1200), "-1,200");
        assert_eq!(signed_thousands(0), "+0");
    }

    #[test]
    fn timestamps() {
        assert_eq!(ts_date("20140929123456"), "2014-09-29");
        assert_eq!(ts_date("20140929"), "2014-09-29");
        assert_eq!(ts_date("2014"), "2014");
        assert_eq!(ts_date("2014é0929"), "2014é0929");
        assert_eq!(ts_date("20140230123456"), "20140230123456");
    }

    #[test]
    fn tokens() {
        let s = "We  use\tcookies.\n\n  Ok";
        let b = token_bounds(s);
        let toks: Vec<&str> = b.windows(2).map(|w| &s[w[0]..w[1]]).collect();
        assert_eq!(
            toks,
            ["We", "  ", "use", "\t", "cookies.", "\n", "\n", "  ", "Ok"]
        );
        assert_eq!(token_bounds(""), [0]);
        assert_eq!(count_tokens("a  b\nc"), 3);
        assert_eq!(count_words("a - b **"), 2);
        for s in [
            "",
            " ",
            "a",
            " été\u{a0}à x\x0b- 1 \n\t**b** ",
            "日本語 テキスト",
            "x\u{2003}y",
        ] {
            let reference = s
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count() as u64;
            assert_eq!(count_words(s), reference, "{s:?}");
        }
    }

    #[test]
    fn escaping() {
        assert_eq!(
            html_escape("<a href=\"x\">'&'</a>\0"),
            "&lt;a href&#61;&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\u{FFFD}"
        );
        assert_eq!(
            terminal_safe("a\x1b[31mb\r\n\u{202E}c\u{9b}", false),
            "a\u{FFFD}[31mb\n\u{FFFD}c\u{FFFD}"
        );
        assert_eq!(terminal_safe("a\nb\tc", true), "a b c");
        let mut visible = String::new();
        push_visibly_escaped(
            &mut visible,
            "a\x1b]52;c;eA==\x07b\r\n\u{9b}2J\u{202E}\tc\u{7f}",
        );
        assert_eq!(
            visible,
            "a\\x1b]52;c;eA==\\x07b\\x0d\n\\x9b2J\\u{202e}\tc\\x7f"
        );
        assert_eq!(
            html_escape("\u{202E}gpj.exe\u{2066}x\u{200F}"),
            "\\u{202e}gpj.exe\\u{2066}x\u{200F}"
        );
    }
}
