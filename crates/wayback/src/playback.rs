//! Playback of raw captures (`id_` URLs): redirects followed by hand inside the archive,
//! responses classified, bodies decompressed, provenance and digest kept.

use std::io::Read;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::Serialize;
use sha1::{Digest, Sha1};

use crate::WaybackError;
use crate::error::{BlockReason, RuntimeError, excerpt};
use crate::time::http_date_to_timestamp;

/// Most hops followed for one fetch.
pub(crate) const MAX_HOPS: usize = 10;

/// Why a request was redirected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RedirectKind {
    /// The archive's own redirect to the nearest capture (no `Memento-Datetime`).
    NearestCapture,
    /// A redirect the site itself answered at capture time (an archived 3xx).
    Archived,
}

/// One redirect followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redirect {
    /// The playback URL that redirected.
    pub from: String,
    /// Where it pointed (absolute).
    pub to: String,
    /// Its HTTP status.
    pub status: u16,
    /// Who redirected.
    pub kind: RedirectKind,
}

/// One RFC 7089 link of the `Link` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MementoLink {
    /// The target URL.
    pub url: String,
    /// Relation types (`original`, `memento`, `first memento`...).
    pub rel: String,
    /// The `datetime` parameter, when present.
    pub datetime: Option<String>,
}

/// How the received body compares with the CDX digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum DigestCheck {
    /// The SHA-1 of the body equals the CDX digest.
    Match,
    /// It does not (the archive may have stored the payload compressed, or it changed).
    Mismatch {
        /// The CDX digest.
        expected: String,
        /// The digest of what was received.
        received: String,
    },
    /// No CDX digest was given.
    NotChecked,
}

/// A capture as the archive replayed it.
#[derive(Debug, Clone)]
pub struct Memento {
    /// The original URL asked for.
    pub original_url: String,
    /// The timestamp asked for (14 digits).
    pub requested_timestamp: String,
    /// The capture's own time, from `Memento-Datetime` (14 digits).
    pub timestamp: String,
    /// The last playback URL requested.
    pub final_url: String,
    /// The archived HTTP status (an archived 404 is a memento too).
    pub status: u16,
    /// The archived `Content-Type`.
    pub content_type: Option<String>,
    /// Headers of the original response (`x-archive-orig-*`, prefix removed, names lowercase).
    pub archived_headers: Vec<(String, String)>,
    /// The WARC/ARC file that holds the capture (`x-archive-src`).
    pub archive_source: Option<String>,
    /// Memento links of the `Link` header.
    pub links: Vec<MementoLink>,
    /// Redirects followed to get here, in order.
    pub redirects: Vec<Redirect>,
    /// The body, Content-Encoding removed.
    pub body: Bytes,
    /// A note when the Content-Encoding could not be applied as announced.
    pub encoding_note: Option<String>,
    /// Base32 SHA-1 of the body as received.
    pub sha1: String,
    /// The comparison with the CDX digest.
    pub digest_check: DigestCheck,
}

impl Memento {
    /// Whether the capture served is the one asked for (no nearest-capture substitution).
    pub fn is_exact(&self) -> bool {
        self.timestamp == self.requested_timestamp
    }

    /// The body decoded to UTF-8 (HTTP charset, BOM, `<meta>`, then detection).
    pub fn text(&self) -> charset::Decoded {
        charset::decode_html(&self.body, self.content_type.as_deref())
    }

    /// The original URL the capture was made at (`Link rel="original"`), when given.
    pub fn captured_url(&self) -> Option<&str> {
        self.links
            .iter()
            .find(|link| link.rel.split_whitespace().any(|rel| rel == "original"))
            .map(|link| link.url.as_str())
    }
}

/// Base32 SHA-1, the CDX digest form.
pub fn sha1_base32(bytes: &[u8]) -> String {
    data_encoding::BASE32.encode(&Sha1::digest(bytes))
}

/// Removes the Content-Encoding(s) of a body. Duplicate (`gzip, gzip`) or empty values are
/// tolerated: a layer that is not really encoded stops decoding and is noted.
pub(crate) fn decode_content_encoding(headers: &HeaderMap, body: Bytes) -> (Bytes, Option<String>) {
    let codings: Vec<String> = headers
        .get_all("content-encoding")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|coding| coding.trim().to_ascii_lowercase())
        .filter(|coding| !coding.is_empty() && coding != "identity")
        .collect();
    let mut body = body;
    for coding in codings.iter().rev() {
        let decoded = match coding.as_str() {
            "gzip" | "x-gzip" if body.starts_with(&[0x1f, 0x8b]) => {
                read_all(flate2::read::MultiGzDecoder::new(&body[..]))
            }
            "deflate" => read_all(flate2::read::ZlibDecoder::new(&body[..]))
                .or_else(|_| read_all(flate2::read::DeflateDecoder::new(&body[..]))),
            "br" => read_all(brotli::Decompressor::new(&body[..], 4096)),
            _ => Err(format!("body is not {coding}-encoded")),
        };
        match decoded {
            Ok(bytes) => body = Bytes::from(bytes),
            Err(detail) => {
                return (
                    body,
                    Some(format!(
                        "Content-Encoding {:?} not applied: {detail}",
                        codings.join(", ")
                    )),
                );
            }
        }
    }
    (body, None)
}

fn read_all(mut reader: impl Read) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    reader
        .read_to_end(&mut out)
        .map_err(|error| error.to_string())?;
    Ok(out)
}

/// Parses a `Link` header into memento links.
pub(crate) fn parse_links(value: &str) -> Vec<MementoLink> {
    let mut links = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let url = rest[open + 1..open + close].to_owned();
        rest = &rest[open + close + 1..];
        let params_end = rest
            .find(", <")
            .or_else(|| rest.find(",<"))
            .unwrap_or(rest.len());
        let params = &rest[..params_end];
        let param = |name: &str| {
            params.split(';').find_map(|part| {
                let (key, value) = part.split_once('=')?;
                (key.trim().eq_ignore_ascii_case(name))
                    .then(|| value.trim().trim_matches('"').to_owned())
            })
        };
        if let Some(rel) = param("rel") {
            links.push(MementoLink {
                url,
                rel,
                datetime: param("datetime"),
            });
        }
        rest = &rest[params_end..];
    }
    links
}

/// The 14-digit timestamp in a playback URL path (`/web/20200101000000id_/...`).
pub(crate) fn timestamp_in_url(url: &str) -> Option<String> {
    url.split('/').find_map(|segment| {
        let digits: String = segment.chars().take_while(char::is_ascii_digit).collect();
        (digits.len() == 14 && segment[digits.len()..].ends_with('_')).then_some(digits)
    })
}

/// Classifies a response that is not a memento: the `X-Archive-Wayback-Runtime-Error` header
/// first, then the archive's error page (its Content-Encoding removed first), then the status.
pub(crate) fn classify_non_memento(
    url: &str,
    original: &str,
    timestamp: &str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> WaybackError {
    if let Some(runtime) = RuntimeError::from_headers(headers) {
        return runtime.to_error(original, Some(timestamp), url, status);
    }
    let (body, _) = decode_content_encoding(headers, Bytes::copy_from_slice(body));
    let body_text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
    if body_text.contains("has been excluded from the Wayback Machine") {
        return WaybackError::BlockedBySite {
            url: original.to_owned(),
            reason: BlockReason::ExcludedBySite,
        };
    }
    if let Some(runtime @ RuntimeError::Blocked(_)) = RuntimeError::from_text(&body_text) {
        return runtime.to_error(original, Some(timestamp), url, status);
    }
    if status == 404 {
        return WaybackError::NotArchived {
            url: original.to_owned(),
            timestamp: Some(timestamp.to_owned()),
        };
    }
    WaybackError::BadResponse {
        url: url.to_owned(),
        detail: format!(
            "HTTP {status} without Memento-Datetime: not a capture ({})",
            excerpt(&body, 120)
        ),
    }
}

/// Builds a [`Memento`] from a memento response.
pub(crate) struct MementoParts<'a> {
    pub original_url: &'a str,
    pub requested_timestamp: &'a str,
    pub final_url: String,
    pub redirects: Vec<Redirect>,
    pub expected_digest: Option<&'a str>,
}

pub(crate) fn build_memento(
    parts: MementoParts<'_>,
    status: u16,
    headers: &HeaderMap,
    raw_body: Bytes,
) -> Result<Memento, WaybackError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let datetime = header("memento-datetime").unwrap_or_default();
    let timestamp = http_date_to_timestamp(&datetime)
        .or_else(|| timestamp_in_url(&parts.final_url))
        .ok_or_else(|| WaybackError::BadResponse {
            url: parts.final_url.clone(),
            detail: format!("unreadable Memento-Datetime {datetime:?}"),
        })?;
    let raw_sha1 = sha1_base32(&raw_body);
    let (body, encoding_note) = decode_content_encoding(headers, raw_body);
    let sha1 = sha1_base32(&body);
    let digest_check = match parts.expected_digest {
        None => DigestCheck::NotChecked,
        Some(expected)
            if expected.eq_ignore_ascii_case(&sha1) || expected.eq_ignore_ascii_case(&raw_sha1) =>
        {
            DigestCheck::Match
        }
        Some(expected) => DigestCheck::Mismatch {
            expected: expected.to_owned(),
            received: sha1.clone(),
        },
    };
    let archived_headers = headers
        .iter()
        .filter_map(|(name, value)| {
            let name = name.as_str().strip_prefix("x-archive-orig-")?;
            Some((name.to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect();
    Ok(Memento {
        original_url: parts.original_url.to_owned(),
        requested_timestamp: parts.requested_timestamp.to_owned(),
        timestamp,
        final_url: parts.final_url,
        status,
        content_type: header("content-type"),
        archived_headers,
        archive_source: header("x-archive-src"),
        links: header("link")
            .map(|value| parse_links(&value))
            .unwrap_or_default(),
        redirects: parts.redirects,
        body,
        encoding_note,
        sha1,
        digest_check,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).expect("gzip");
        encoder.finish().expect("gzip")
    }

    #[test]
    fn gzip_encoded_archive_pages_are_classified_after_decoding() {
        let mut headers = HeaderMap::new();
        headers.append("content-encoding", "gzip".parse().expect("header"));
        let excluded = gzip(
            b"<html><body><p>This URL has been excluded from the Wayback Machine.</p></body></html>",
        );
        let error = classify_non_memento("u", "http://a.com/", "2020", 403, &headers, &excluded);
        assert!(
            matches!(
                error,
                WaybackError::BlockedBySite {
                    reason: BlockReason::ExcludedBySite,
                    ..
                }
            ),
            "{error}"
        );
        let robots =
            gzip(b"org.archive.wayback.exception.RobotAccessControlException: Blocked By Robots");
        let error = classify_non_memento("u", "http://a.com/", "2020", 403, &headers, &robots);
        assert!(
            matches!(
                error,
                WaybackError::BlockedBySite {
                    reason: BlockReason::Robots,
                    ..
                }
            ),
            "{error}"
        );
        let other = gzip(b"<html><body>Something else went wrong</body></html>");
        let message =
            classify_non_memento("u", "http://a.com/", "2020", 500, &headers, &other).to_string();
        assert!(message.contains("Something else went wrong"), "{message}");
        assert!(!message.chars().any(char::is_control), "{message:?}");
    }

    #[test]
    fn content_encodings_are_removed_and_duplicates_tolerated() {
        let mut headers = HeaderMap::new();
        headers.append("content-encoding", "gzip".parse().expect("header"));
        let (body, note) = decode_content_encoding(&headers, Bytes::from(gzip(b"hello")));
        assert_eq!((&body[..], note), (&b"hello"[..], None));

        headers.append("content-encoding", "gzip".parse().expect("header"));
        let (body, note) = decode_content_encoding(&headers, Bytes::from(gzip(b"once")));
        assert_eq!(&body[..], b"once");
        assert!(note.is_some(), "the second, bogus gzip layer is noted");

        let mut headers = HeaderMap::new();
        headers.insert("content-encoding", "gzip".parse().expect("header"));
        let (body, note) = decode_content_encoding(&headers, Bytes::from_static(b"plain"));
        assert_eq!(&body[..], b"plain");
        assert!(note.is_some());
    }

    #[test]
    fn link_headers_are_parsed_with_dates_containing_commas() {
        let value = r#"<http://example.com/privacy>; rel="original", <https://web.archive.org/web/timemap/link/http://example.com/privacy>; rel="timemap"; type="application/link-format", <https://web.archive.org/web/20200101120000/http://example.com/privacy>; rel="first memento"; datetime="Wed, 01 Jan 2020 12:00:00 GMT""#;
        let links = parse_links(value);
        assert_eq!(links.len(), 3);
        assert_eq!(links[0].rel, "original");
        assert_eq!(links[2].rel, "first memento");
        assert_eq!(
            links[2].datetime.as_deref(),
            Some("Wed, 01 Jan 2020 12:00:00 GMT")
        );
    }

    #[test]
    fn digests_are_base32_sha1() {
        assert_eq!(sha1_base32(b""), "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
        assert_eq!(
            timestamp_in_url("https://web.archive.org/web/20170608160109id_/http%3A//x.com/")
                .as_deref(),
            Some("20170608160109")
        );
        assert_eq!(
            timestamp_in_url("https://web.archive.org/web/2017id_/x"),
            None
        );
    }
}
