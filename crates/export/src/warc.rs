//! The evidence as a WARC/1.1 file (ISO 28500:2017), gzip per record: a `warcinfo` record,
//! then per archived capture a `response` record (the archived status line and headers, then
//! the raw bytes) and a `metadata` record (its CDX rows, the versions it belongs to, where its
//! headers come from), readable by warcio and replayable by pywb.
//!
//! Not for: choosing captures (`Store::warc_captures` does) or reading WARC files. Records are
//! written from the store's stream, one capture's bytes in memory at a time. Record ids are
//! name-based UUIDs of what the record holds, and the `warcinfo` date is the newest capture's
//! time, so two exports of the same store are byte-identical.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde::Serialize;
use sha1::{Digest, Sha1};
use store::{
    ArchivedHeaders, ExportFilter, Store, StoreError, WarcCapture, WarcCdxRow, WarcVersionRef,
};
use timestamp::Timestamp;
use uuid::Uuid;

use crate::ExportError;

/// What the `warcinfo` record says about the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcInfo {
    /// The tool and its version (`crawler 0.1.0`).
    pub software: String,
    /// The archive the captures were read from (the configured base URL).
    pub source_archive: String,
}

/// What a WARC export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WarcCounts {
    /// `response` records (one per archived capture).
    pub responses: u64,
    /// `metadata` records (one per response).
    pub metadata: u64,
}

/// The note on a capture whose headers the store did not keep from before schema 6.
pub const RECONSTRUCTED_BEFORE_KEPT: &str =
    "reconstructed (captured before crawler kept archived headers)";
/// The note on a capture whose bytes were reused, so whose own headers were never read.
pub const RECONSTRUCTED_REUSED: &str =
    "reconstructed (its bytes were reused from an identical capture, not downloaded again)";

/// Archived headers that would misdescribe the stored payload, which is whole and decoded:
/// they are left out, and `Content-Length` is the payload's.
const DROPPED_HEADERS: [&str; 3] = ["content-length", "transfer-encoding", "content-encoding"];

/// The body of a `metadata` record.
#[derive(Serialize)]
struct Metadata<'a> {
    url: &'a str,
    timestamp: &'a str,
    content_sha1: &'a str,
    status: u16,
    cdx: &'a [WarcCdxRow],
    versions: &'a [WarcVersionRef],
    headers: &'a str,
    headers_dropped: Vec<String>,
}

/// Writes the captures behind the versions `filter` selects (with `all_captures`, every
/// stored capture with content of the filtered domains and period) to `out` as a gzipped
/// WARC/1.1 file. Fails before writing anything when there is nothing to export.
pub fn write_warc(
    store: &Store,
    filter: &ExportFilter,
    all_captures: bool,
    info: &WarcInfo,
    out: &mut dyn Write,
) -> Result<WarcCounts, ExportError> {
    let summary = store.warc_summary(filter, all_captures)?;
    let Some(newest) = summary.newest.filter(|_| summary.captures > 0) else {
        return Err(ExportError::NothingSelected {
            detail: if all_captures {
                "no stored capture with content matches the filters".into()
            } else {
                "no version matches the filters (is the store crawled? see crawler status)".into()
            },
        });
    };
    let selection = if all_captures {
        "every stored capture with content"
    } else {
        "the captures behind the selected versions"
    };
    let filters = serde_json::to_string(filter).unwrap_or_default();
    let warcinfo_id = record_id(&format!(
        "warcinfo {} {} {selection} {filters} {}",
        info.software, info.source_archive, summary.captures
    ));
    let fields = format!(
        "software: {}\r\nformat: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\nsource-archive: {}\r\ndescription: Archived captures behind websites' privacy policy versions, as the archive replayed them\r\nselection: {selection}\r\nfilters: {filters}\r\ncaptures: {}\r\n",
        one_line(&info.software),
        one_line(&info.source_archive),
        summary.captures
    );
    let date = warc_date(&newest)?;
    write_record(
        out,
        &[
            ("WARC-Type", "warcinfo".into()),
            ("WARC-Record-ID", warcinfo_id.clone()),
            ("WARC-Date", date),
            ("Content-Type", "application/warc-fields".into()),
            ("WARC-Block-Digest", sha1_digest(&[fields.as_bytes()])),
        ],
        &[fields.as_bytes()],
    )?;
    let mut counts = WarcCounts::default();
    store.warc_captures(filter, all_captures, |capture| {
        write_capture(out, &capture, &warcinfo_id)?;
        counts.responses += 1;
        counts.metadata += 1;
        Ok(())
    })?;
    Ok(counts)
}

/// One capture's `response` and `metadata` records.
fn write_capture(
    out: &mut dyn Write,
    capture: &WarcCapture,
    warcinfo_id: &str,
) -> Result<(), StoreError> {
    let payload = data_encoding::BASE32.encode(&Sha1::digest(&capture.body));
    if !payload.eq_ignore_ascii_case(&capture.content_sha1) {
        return Err(invalid(format!(
            "content {} is corrupt: its bytes hash to {payload}",
            capture.content_sha1
        )));
    }
    let date = warc_date(&capture.timestamp)?;
    let (head, note, dropped) = http_head(capture);
    let key = format!(
        "{} {} {}",
        capture.timestamp, capture.content_sha1, capture.url
    );
    let response_id = record_id(&format!("response {key}"));
    let block = [head.as_slice(), capture.body.as_slice()];
    write_record(
        out,
        &[
            ("WARC-Type", "response".into()),
            ("WARC-Record-ID", response_id.clone()),
            ("WARC-Warcinfo-ID", warcinfo_id.into()),
            ("WARC-Date", date.clone()),
            ("WARC-Target-URI", uri(&capture.url)),
            ("WARC-Payload-Digest", format!("sha1:{payload}")),
            ("WARC-Block-Digest", sha1_digest(&block)),
            ("Content-Type", "application/http; msgtype=response".into()),
        ],
        &block,
    )?;
    let metadata = serde_json::to_vec(&Metadata {
        url: &capture.url,
        timestamp: &capture.timestamp,
        content_sha1: &capture.content_sha1,
        status: capture.status,
        cdx: &capture.cdx,
        versions: &capture.versions,
        headers: note,
        headers_dropped: dropped,
    })
    .map_err(|error| invalid(format!("cannot encode a metadata record: {error}")))?;
    write_record(
        out,
        &[
            ("WARC-Type", "metadata".into()),
            ("WARC-Record-ID", record_id(&format!("metadata {key}"))),
            ("WARC-Warcinfo-ID", warcinfo_id.into()),
            // No WARC-Target-URI: pywb would index the record as a capture of the URL and
            // may replay it in place of the response.
            ("WARC-Date", date),
            ("WARC-Concurrent-To", response_id.clone()),
            ("WARC-Refers-To", response_id),
            ("Content-Type", "application/json".into()),
            ("WARC-Block-Digest", sha1_digest(&[&metadata])),
        ],
        &[&metadata],
    )
}

/// The archived status line and headers, with the note on where they come from and the
/// archived headers left out.
fn http_head(capture: &WarcCapture) -> (Vec<u8>, &'static str, Vec<String>) {
    let reason = http::StatusCode::from_u16(capture.status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or("");
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", capture.status);
    let mut dropped = Vec::new();
    let mut has_type = false;
    let note = match &capture.headers {
        ArchivedHeaders::Kept(headers) => {
            for (name, value) in headers {
                let lower = name.to_ascii_lowercase();
                let usable = http::HeaderName::from_bytes(name.as_bytes()).is_ok()
                    && !value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0);
                if !usable || DROPPED_HEADERS.contains(&lower.as_str()) {
                    dropped.push(lower);
                    continue;
                }
                has_type |= lower == "content-type";
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            "archived"
        }
        ArchivedHeaders::BeforeKept => RECONSTRUCTED_BEFORE_KEPT,
        ArchivedHeaders::Reused => RECONSTRUCTED_REUSED,
    };
    if !has_type && let Some(content_type) = capture.content_type.as_deref().map(one_line) {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", capture.body.len()));
    (head.into_bytes(), note, dropped)
}

/// One record as its own gzip member: the WARC/1.1 header (`Content-Length` last), the block,
/// and the two CRLFs that end a record.
fn write_record(
    out: &mut dyn Write,
    fields: &[(&str, String)],
    block: &[&[u8]],
) -> Result<(), StoreError> {
    let length: usize = block.iter().map(|part| part.len()).sum();
    let mut header = String::from("WARC/1.1\r\n");
    for (name, value) in fields {
        header.push_str(&format!("{name}: {value}\r\n"));
    }
    header.push_str(&format!("Content-Length: {length}\r\n\r\n"));
    let mut gzip = GzEncoder::new(&mut *out, Compression::default());
    let written = (|| {
        gzip.write_all(header.as_bytes())?;
        for part in block {
            gzip.write_all(part)?;
        }
        gzip.write_all(b"\r\n\r\n")?;
        gzip.try_finish()
    })();
    written.map_err(|source| StoreError::Io {
        context: "cannot write the WARC file".into(),
        source,
    })
}

/// `sha1:BASE32` of the concatenated parts.
fn sha1_digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha1::new();
    for part in parts {
        hasher.update(part);
    }
    format!("sha1:{}", data_encoding::BASE32.encode(&hasher.finalize()))
}

/// A stable record id: the name-based (v5) UUID of what the record holds.
fn record_id(name: &str) -> String {
    format!(
        "<urn:uuid:{}>",
        Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes())
    )
}

/// A capture time as a WARC date (`2008-12-16T16:35:55Z`).
fn warc_date(stamp: &str) -> Result<String, StoreError> {
    let time = Timestamp::parse(stamp).map_err(|error| {
        invalid(format!(
            "capture time {stamp:?} is not a timestamp: {error}"
        ))
    })?;
    Ok(format!("{}Z", time.date_time().replacen(' ', "T", 1)))
}

/// A URL as a WARC header value: spaces and control characters percent-encoded.
fn uri(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c == ' ' || c.is_control() {
            let mut bytes = [0; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A value on one header line (line breaks become spaces).
fn one_line(value: &str) -> String {
    value.replace(['\r', '\n'], " ")
}

fn invalid(detail: String) -> StoreError {
    StoreError::Io {
        context: "cannot export the WARC file".into(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capture(headers: ArchivedHeaders) -> WarcCapture {
        WarcCapture {
            url: "http://a.com/privacy".into(),
            timestamp: "20081216163555".into(),
            content_sha1: data_encoding::BASE32.encode(&Sha1::digest(b"<p>hi</p>")),
            status: 200,
            content_type: Some("text/html".into()),
            headers,
            cdx: Vec::new(),
            versions: Vec::new(),
            body: b"<p>hi</p>".to_vec(),
        }
    }

    #[test]
    fn archived_headers_are_kept_but_those_that_misdescribe_the_payload() {
        let (head, note, dropped) = http_head(&capture(ArchivedHeaders::Kept(vec![
            ("server".into(), "Apache".into()),
            ("transfer-encoding".into(), "chunked".into()),
            ("content-length".into(), "999".into()),
            ("x-bad".into(), "a\r\nInjected: yes".into()),
        ])));
        assert_eq!(
            String::from_utf8(head).expect("text"),
            "HTTP/1.1 200 OK\r\nserver: Apache\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\n"
        );
        assert_eq!(note, "archived");
        assert_eq!(dropped, ["transfer-encoding", "content-length", "x-bad"]);
    }

    #[test]
    fn missing_headers_are_reconstructed_and_said_so() {
        let (head, note, dropped) = http_head(&WarcCapture {
            status: 404,
            ..capture(ArchivedHeaders::BeforeKept)
        });
        assert_eq!(
            String::from_utf8(head).expect("text"),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\n"
        );
        assert_eq!(note, RECONSTRUCTED_BEFORE_KEPT);
        assert!(dropped.is_empty());
        assert_eq!(
            http_head(&capture(ArchivedHeaders::Reused)).1,
            RECONSTRUCTED_REUSED
        );
    }

    #[test]
    fn a_record_is_one_gzip_member_with_its_length_and_digest() {
        let mut out = Vec::new();
        let block: [&[u8]; 2] = [b"ab", b"cd"];
        write_record(&mut out, &[("WARC-Type", "resource".into())], &block).expect("written");
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&out[..]), &mut text)
            .expect("one gzip member");
        assert_eq!(
            text,
            "WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 4\r\n\r\nabcd\r\n\r\n"
        );
        assert_eq!(sha1_digest(&block), sha1_digest(&[b"abcd"]));
        assert_eq!(
            sha1_digest(&[b"abc"]),
            "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5"
        );
    }

    #[test]
    fn dates_ids_and_uris_are_stable_and_well_formed() {
        assert_eq!(
            warc_date("20081216163555").expect("a date"),
            "2008-12-16T16:35:55Z"
        );
        assert!(warc_date("2008121616355").is_err());
        assert_eq!(record_id("x"), record_id("x"));
        assert_ne!(record_id("x"), record_id("y"));
        assert!(record_id("x").starts_with("<urn:uuid:"));
        assert_eq!(uri("http://a.com/a b\n"), "http://a.com/a%20b%0A");
    }
}
