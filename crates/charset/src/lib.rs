//! Decodes archived HTML bytes to UTF-8 the way a browser would: byte-order mark first, then the
//! HTTP `charset` parameter, then a `<meta>` prescan, then statistical detection (chardetng, the
//! detector Firefox uses), then windows-1252.
//!
//! Not for: fetching, parsing HTML beyond the charset prescan, or guessing the language of a page.

#![forbid(unsafe_code)]

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How many leading bytes the `<meta>` prescan looks at (the HTML standard says 1024; old
/// pages often put a long comment or script first, so we look a little further).
const PRESCAN_BYTES: usize = 4096;

/// Where the encoding of a document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    /// A UTF-8 or UTF-16 byte-order mark.
    Bom,
    /// The `charset` parameter of the HTTP `Content-Type`.
    HttpHeader,
    /// A `<meta charset>` or `<meta http-equiv="Content-Type">` in the first bytes.
    MetaTag,
    /// Statistical detection over the bytes.
    Detected,
}

impl CharsetSource {
    /// A short lowercase name, for storage and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            CharsetSource::Bom => "bom",
            CharsetSource::HttpHeader => "http-header",
            CharsetSource::MetaTag => "meta",
            CharsetSource::Detected => "detected",
        }
    }
}

/// A document decoded to UTF-8.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, with malformed sequences replaced by U+FFFD.
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// Where that encoding came from.
    pub source: CharsetSource,
    /// Whether malformed byte sequences were replaced.
    pub had_errors: bool,
}

/// Decodes an HTML document; `content_type` is the HTTP `Content-Type` value, when known.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    let (encoding, source) = sniff(bytes, content_type, true);
    decode_with(bytes, encoding, source)
}

/// Decodes a non-HTML text document (no `<meta>` prescan).
pub fn decode_text(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    let (encoding, source) = sniff(bytes, content_type, false);
    decode_with(bytes, encoding, source)
}

fn decode_with(bytes: &[u8], encoding: &'static Encoding, source: CharsetSource) -> Decoded {
    // `decode` strips a BOM that matches and would switch encodings on another BOM; the sniffing
    // above already honoured the BOM, so this agrees with it.
    let (text, used, had_errors) = encoding.decode(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: used,
        source,
        had_errors,
    }
}

fn sniff(
    bytes: &[u8],
    content_type: Option<&str>,
    html: bool,
) -> (&'static Encoding, CharsetSource) {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return (encoding, CharsetSource::Bom);
    }
    if let Some(encoding) = content_type.and_then(charset_from_content_type) {
        return (encoding, CharsetSource::HttpHeader);
    }
    if html {
        let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
        if let Some(encoding) = prescan_meta(head) {
            return (encoding, CharsetSource::MetaTag);
        }
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
    (guess, CharsetSource::Detected)
}

/// Reads the encoding named by the `charset=` parameter of a `Content-Type` value, if it is a
/// known label.
pub fn charset_from_content_type(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        Encoding::for_label(value.as_bytes())
    })
}

/// The HTML standard's `<meta>` prescan, simplified: finds `<meta` tags and reads a `charset`
/// attribute, or a `content` attribute holding `charset=` next to `http-equiv`.
fn prescan_meta(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(found) = find(&lower[from..], b"<meta") {
        let start = from + found + 5;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |p| start + p);
        let tag = &lower[start..end];
        let label = attribute(tag, b"charset").or_else(|| {
            let content = attribute(tag, b"content")?;
            let at = find(content, b"charset=")?;
            let rest = &content[at + 8..];
            let rest = rest
                .strip_prefix(b"\"")
                .or_else(|| rest.strip_prefix(b"'"))
                .unwrap_or(rest);
            let stop = rest
                .iter()
                .position(|&b| matches!(b, b';' | b'"' | b'\'' | b' '))
                .unwrap_or(rest.len());
            Some(&rest[..stop])
        });
        if let Some(encoding) = label.and_then(Encoding::for_label) {
            // A document that reaches us as bytes cannot really be UTF-16 if the prescan could
            // read ASCII: browsers treat such declarations as UTF-8; x-user-defined as windows-1252.
            let encoding = if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE
            {
                UTF_8
            } else if encoding == encoding_rs::X_USER_DEFINED {
                WINDOWS_1252
            } else {
                encoding
            };
            return Some(encoding);
        }
        from = end.min(lower.len());
    }
    None
}

/// The value of attribute `name` in the inside of a (lowercased) tag, skipping quoted values.
fn attribute<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut i = 0;
    let skip_space = |mut i: usize| {
        while i < tag.len() && (tag[i].is_ascii_whitespace() || tag[i] == b'/') {
            i += 1;
        }
        i
    };
    loop {
        i = skip_space(i);
        if i >= tag.len() {
            return None;
        }
        let name_start = i;
        while i < tag.len() && !tag[i].is_ascii_whitespace() && !matches!(tag[i], b'=' | b'/') {
            i += 1;
        }
        let attr_name = &tag[name_start..i];
        while i < tag.len() && tag[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value: &[u8] = &[];
        if tag.get(i) == Some(&b'=') {
            i += 1;
            while i < tag.len() && tag[i].is_ascii_whitespace() {
                i += 1;
            }
            match tag.get(i).copied() {
                Some(quote @ (b'"' | b'\'')) => {
                    let start = i + 1;
                    let end = tag[start..]
                        .iter()
                        .position(|&b| b == quote)
                        .map_or(tag.len(), |p| start + p);
                    value = &tag[start..end];
                    i = end + 1;
                }
                _ => {
                    let start = i;
                    while i < tag.len() && !tag[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    value = &tag[start..i];
                }
            }
        }
        if attr_name == name {
            return Some(value);
        }
        if attr_name.is_empty() {
            i += 1;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_wins_over_everything() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("<meta charset=\"windows-1252\">caf\u{e9}".as_bytes());
        let decoded = decode_html(&bytes, Some("text/html; charset=shift_jis"));
        assert_eq!(decoded.source, CharsetSource::Bom);
        assert_eq!(decoded.encoding, UTF_8);
        assert!(decoded.text.ends_with("café"));
    }

    #[test]
    fn http_header_wins_over_meta() {
        let bytes = b"<meta charset=\"utf-8\"><p>caf\xe9</p>";
        let decoded = decode_html(bytes, Some("text/html; charset=ISO-8859-1"));
        assert_eq!(decoded.source, CharsetSource::HttpHeader);
        assert_eq!(decoded.encoding, WINDOWS_1252);
        assert!(decoded.text.contains("café"));
    }

    #[test]
    fn meta_http_equiv_is_read() {
        let bytes = b"<html><head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=Shift_JIS\"></head><body>\x93\xfa\x96\x7b\x8c\xea</body>";
        let decoded = decode_html(bytes, Some("text/html"));
        assert_eq!(decoded.source, CharsetSource::MetaTag);
        assert_eq!(decoded.encoding, encoding_rs::SHIFT_JIS);
        assert!(decoded.text.contains("日本語"), "{}", decoded.text);
    }

    #[test]
    fn meta_charset_gb2312_means_gbk() {
        let bytes = b"<meta charset=gb2312><p>\xd6\xd0\xce\xc4</p>";
        let decoded = decode_html(bytes, None);
        assert_eq!(decoded.encoding, encoding_rs::GBK);
        assert!(decoded.text.contains("中文"));
    }

    #[test]
    fn utf16_meta_means_utf8() {
        let decoded = decode_html(b"<meta charset=\"utf-16\"><p>ok \xc3\xa9</p>", None);
        assert_eq!(decoded.encoding, UTF_8);
        assert!(decoded.text.contains("ok é"));
    }

    #[test]
    fn windows_1252_without_any_hint_is_detected() {
        let bytes = b"<html><body><p>Nous respectons votre vie priv\xe9e. Les donn\xe9es collect\xe9es ne sont pas partag\xe9es \x96 jamais.</p></body></html>";
        let decoded = decode_html(bytes, None);
        assert_eq!(decoded.source, CharsetSource::Detected);
        assert_eq!(decoded.encoding, WINDOWS_1252);
        assert!(decoded.text.contains("privée"));
        assert!(decoded.text.contains('–'));
    }

    #[test]
    fn shift_jis_without_any_hint_is_detected() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(
            "<p>個人情報の取り扱いについて。当社はお客様の個人情報を適切に管理します。</p>",
        );
        let decoded = decode_html(&bytes, None);
        assert_eq!(decoded.encoding, encoding_rs::SHIFT_JIS);
        assert!(decoded.text.contains("個人情報"));
    }

    #[test]
    fn plain_utf8_is_detected_and_bad_bytes_are_flagged() {
        let decoded = decode_html("<p>naïve – “quoted”</p>".as_bytes(), None);
        assert_eq!(decoded.encoding, UTF_8);
        assert!(!decoded.had_errors);
        let broken = decode_html(b"<p>ok \xff\xfe\xfd</p>", Some("text/html; charset=utf-8"));
        assert!(broken.had_errors);
        assert!(broken.text.contains('\u{FFFD}'));
    }

    #[test]
    fn unknown_labels_fall_through() {
        let decoded = decode_html(
            b"<meta charset=\"no-such-charset\"><p>plain</p>",
            Some("text/html; charset=bogus"),
        );
        assert_eq!(decoded.source, CharsetSource::Detected);
        assert_eq!(
            decoded.text,
            "<meta charset=\"no-such-charset\"><p>plain</p>"
        );
    }
}
