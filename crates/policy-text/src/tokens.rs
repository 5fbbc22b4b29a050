//! A tokenizer for serialised HTML (what a browser's `innerHTML` produces): start tags, end
//! tags, text chunks and character references, in document order. Comments produce no token
//! but split text. Contents of `script` and `style` are skipped.

/// One event of the token stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// `<name attr="value">` (name lowercased, attribute values decoded).
    Start {
        name: String,
        attrs: Vec<(String, String)>,
    },
    /// `</name>`.
    End { name: String },
    /// A run of literal text.
    Text(String),
    /// One character reference, decoded (`&amp;` → `&`, `&nbsp;` → U+00A0).
    Entity(String),
}

/// Splits `html` into tokens.
pub(crate) fn tokenize(html: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut text_start = 0;
    let flush = |tokens: &mut Vec<Token>, from: usize, to: usize| {
        if to > from {
            tokens.push(Token::Text(html[from..to].to_owned()));
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                let rest = &html[i..];
                if let Some(comment) = rest.strip_prefix("<!--") {
                    flush(&mut tokens, text_start, i);
                    let end = comment.find("-->").map_or(html.len(), |p| i + 4 + p + 3);
                    i = end;
                    text_start = i;
                } else if rest.starts_with("<!") || rest.starts_with("<?") {
                    flush(&mut tokens, text_start, i);
                    i = rest.find('>').map_or(html.len(), |p| i + p + 1);
                    text_start = i;
                } else if rest.starts_with("</")
                    && rest.as_bytes().get(2).is_some_and(u8::is_ascii_alphabetic)
                {
                    flush(&mut tokens, text_start, i);
                    let close = rest.find('>').map_or(html.len(), |p| i + p + 1);
                    let inner = &html[i + 2..close.saturating_sub(1).max(i + 2)];
                    let name: String = inner
                        .chars()
                        .take_while(|c| !c.is_whitespace() && *c != '/' && *c != '>')
                        .collect::<String>()
                        .to_ascii_lowercase();
                    tokens.push(Token::End { name });
                    i = close;
                    text_start = i;
                } else if rest.as_bytes().get(1).is_some_and(u8::is_ascii_alphabetic) {
                    flush(&mut tokens, text_start, i);
                    let (token, next) = start_tag(html, i);
                    i = next;
                    if let Token::Start { name, .. } = &token
                        && (name == "script" || name == "style")
                    {
                        let closing = format!("</{name}");
                        let lower = html[i..].to_ascii_lowercase();
                        let end = lower.find(&closing).map_or(html.len(), |p| i + p);
                        let name = name.clone();
                        tokens.push(token);
                        i = html[end..].find('>').map_or(html.len(), |p| end + p + 1);
                        tokens.push(Token::End { name });
                    } else {
                        tokens.push(token);
                    }
                    text_start = i;
                } else {
                    i += 1;
                }
            }
            b'&' => {
                if let Some((decoded, length)) = entity(&html[i..]) {
                    flush(&mut tokens, text_start, i);
                    tokens.push(Token::Entity(decoded));
                    i += length;
                    text_start = i;
                } else {
                    i += 1;
                }
            }
            _ => i = memchr::memchr2(b'<', b'&', &bytes[i..]).map_or(bytes.len(), |at| i + at),
        }
    }
    flush(&mut tokens, text_start, html.len());
    tokens
}

/// Parses a start tag at `at` (which holds `<` and a letter); returns it and the index after it.
fn start_tag(html: &str, at: usize) -> (Token, usize) {
    let bytes = html.as_bytes();
    let mut i = at + 1;
    let name_start = i;
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/'
    {
        i += 1;
    }
    let name = html[name_start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        if bytes[i] == b'>' {
            i += 1;
            break;
        }
        let attr_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>')
        {
            i += 1;
        }
        let attr_name = html[attr_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                let value_start = i + 1;
                let end = html[value_start..]
                    .find(quote as char)
                    .map_or(html.len(), |p| value_start + p);
                value = decode_entities(&html[value_start..end]);
                i = (end + 1).min(html.len());
            } else {
                let value_start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                value = decode_entities(&html[value_start..i]);
            }
        }
        if attr_name.is_empty() {
            // Malformed markup: move on by one character (not byte: the next one may be
            // several bytes long), so the loop always makes progress.
            i += html
                .get(i..)
                .and_then(|rest| rest.chars().next())
                .map_or(1, char::len_utf8);
        } else {
            attrs.push((attr_name, value));
        }
    }
    (Token::Start { name, attrs }, i.min(html.len()))
}

/// Decodes the character references of an attribute value.
pub(crate) fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        match entity(&rest[at..]) {
            Some((decoded, length)) => {
                out.push_str(&decoded);
                rest = &rest[at + length..];
            }
            None => {
                out.push('&');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes the character reference at the start of `text` (`&name;`, `&#N;`, `&#xN;`).
fn entity(text: &str) -> Option<(String, usize)> {
    let end = text.get(1..)?.find(';').map(|p| p + 1)?;
    if end > 32 {
        return None;
    }
    let body = &text[1..end];
    let decoded = if let Some(number) = body.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        char::from_u32(code).unwrap_or('\u{FFFD}').to_string()
    } else {
        match body {
            "amp" => "&",
            "lt" => "<",
            "gt" => ">",
            "nbsp" => "\u{a0}",
            "quot" => "\"",
            "apos" => "'",
            "copy" => "©",
            "reg" => "®",
            "trade" => "™",
            "hellip" => "…",
            "mdash" => "—",
            "ndash" => "–",
            "lsquo" => "‘",
            "rsquo" => "’",
            "ldquo" => "“",
            "rdquo" => "”",
            _ => return None,
        }
        .to_owned()
    };
    Some((decoded, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_of_serialised_html() {
        let tokens =
            tokenize("<p class=\"a&amp;b\">x &amp; y<!--c-->z</p><br><script>if (a<b) {}</script>");
        assert_eq!(
            tokens,
            vec![
                Token::Start {
                    name: "p".into(),
                    attrs: vec![("class".into(), "a&b".into())]
                },
                Token::Text("x ".into()),
                Token::Entity("&".into()),
                Token::Text(" y".into()),
                Token::Text("z".into()),
                Token::End { name: "p".into() },
                Token::Start {
                    name: "br".into(),
                    attrs: vec![]
                },
                Token::Start {
                    name: "script".into(),
                    attrs: vec![]
                },
                Token::End {
                    name: "script".into()
                },
            ]
        );
        assert_eq!(tokenize("a < b & c"), vec![Token::Text("a < b & c".into())]);
    }
}
