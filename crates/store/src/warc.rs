//! The captures behind a WARC export: every stored capture with content behind the selected
//! versions (or every one with content), one per archived memento (URL as found, capture time
//! and bytes), with the CDX rows that led to it, the versions it belongs to and its archived
//! headers, streamed to a callback (SQLite walks the rows; one capture's bytes in memory at a
//! time).
//!
//! Not for: writing the WARC format (the `export` crate does) or choosing versions (the
//! export's `ExportFilter` and its SELECT do).

use rusqlite::params;
use serde::Serialize;

use crate::{DigestCheck, ExportFilter, Result, Role, Store, StoreError};

/// The archived response headers of a capture, or why the store has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchivedHeaders {
    /// As the archive replayed them (`x-archive-orig-*`, prefix removed), in order.
    Kept(Vec<(String, String)>),
    /// Captured before crawler kept archived headers (schema 6).
    BeforeKept,
    /// Its bytes were reused from an identical capture: this one was not downloaded.
    Reused,
}

/// One CDX row that led to a capture's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarcCdxRow {
    /// Why it was recorded.
    pub role: Role,
    /// CDX original URL.
    pub url: String,
    /// CDX timestamp (14 digits).
    pub timestamp: String,
    /// CDX digest.
    pub digest: String,
    /// CDX status (`None` for `-`).
    pub status: Option<u16>,
    /// CDX MIME type.
    pub mimetype: String,
    /// CDX length.
    pub length: Option<u64>,
    /// How the bytes received compared with `digest`.
    pub digest_check: Option<DigestCheck>,
}

/// A version a capture belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarcVersionRef {
    /// The domain.
    pub domain: String,
    /// The version's number within the domain (1, 2, ...).
    pub seq: i64,
    /// The version's text hash.
    pub text_hash: String,
}

/// One archived memento to write as a WARC response record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcCapture {
    /// The URL really served (after redirects).
    pub url: String,
    /// Its capture time (14 digits).
    pub timestamp: String,
    /// Base32 SHA-1 of `body`, as stored.
    pub content_sha1: String,
    /// The archived HTTP status.
    pub status: u16,
    /// The archived Content-Type, as stored with the bytes.
    pub content_type: Option<String>,
    /// The archived headers, or why there are none.
    pub headers: ArchivedHeaders,
    /// The CDX rows that led here (at least one), in URL and time order.
    pub cdx: Vec<WarcCdxRow>,
    /// The selected versions it belongs to (none for a homepage read).
    pub versions: Vec<WarcVersionRef>,
    /// The raw bytes, decompressed.
    pub body: Vec<u8>,
}

/// What a WARC export will hold, known before writing it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WarcSummary {
    /// Captures (response records).
    pub captures: u64,
    /// The newest capture time among them (14 digits).
    pub newest: Option<String>,
}

/// The capture rows of a WARC export, one per (capture, version) membership, grouped by
/// memento. Parameters: ?1 to ?5 those of the export SELECT, ?6 every capture with content.
fn warc_select() -> String {
    format!(
        "WITH selected AS (
             SELECT v.domain_id, s.domain, s.version AS seq, v.text_hash, v.first_seen,
                    v.last_seen, v.first_capture_id
             FROM ({versions}) s
             JOIN domains d ON d.name = s.domain AND d.document_type = s.document_type
             JOIN versions v ON v.domain_id = d.id AND v.seq = s.version
         ),
         members AS (
             SELECT first_capture_id AS capture_id, domain, seq, text_hash FROM selected
             UNION
             SELECT c.id, s.domain, s.seq, s.text_hash FROM selected s
             JOIN captures c ON c.domain_id = s.domain_id AND c.role = 'policy'
                  AND c.fetch_state = 'done' AND c.text_hash = s.text_hash
                  AND c.found_timestamp BETWEEN s.first_seen AND s.last_seen
         )
         SELECT c.found_url AS found_url, c.found_timestamp AS found_timestamp,
                c.content_sha1 AS content_sha1, coalesce(c.found_status, c.status, 200),
                ct.content_type, c.archived_headers, c.headers_kept, c.id, c.role, c.url,
                c.timestamp, c.digest, c.status, c.mimetype, c.length, c.digest_check,
                m.domain, m.seq, m.text_hash
         FROM captures c
         JOIN domains d ON d.id = c.domain_id
         JOIN contents ct ON ct.sha1 = c.content_sha1
         LEFT JOIN members m ON m.capture_id = c.id
         WHERE c.fetch_state = 'done' AND c.found_url IS NOT NULL
           AND c.found_timestamp IS NOT NULL
           AND CASE WHEN ?6 THEN (?1 IS NULL OR d.name IN (SELECT value FROM json_each(?1)))
                                 AND (?5 IS NULL OR d.document_type IN (SELECT value FROM json_each(?5)))
                                 AND (?2 IS NULL OR c.found_timestamp >= ?2)
                                 AND (?3 IS NULL OR c.found_timestamp <= ?3)
                    ELSE m.capture_id IS NOT NULL END
         ORDER BY c.found_timestamp, c.found_url, c.content_sha1, c.url, c.timestamp, c.role,
                  d.name, m.domain, m.seq",
        versions = crate::export::versions_select()
    )
}

fn role_of(text: &str) -> rusqlite::Result<Role> {
    match text {
        "homepage" => Ok(Role::Homepage),
        "policy" => Ok(Role::Policy),
        other => Err(rusqlite::Error::FromSqlConversionFailure(
            8,
            rusqlite::types::Type::Text,
            format!("unknown capture role {other:?}").into(),
        )),
    }
}

fn headers_of(json: Option<&str>, kept: bool, sha1: &str) -> Result<ArchivedHeaders> {
    match json {
        Some(json) => serde_json::from_str(json)
            .map(ArchivedHeaders::Kept)
            .map_err(|error| StoreError::Io {
                context: format!("the archived headers of a capture of {sha1} are corrupt"),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, error),
            }),
        None if kept => Ok(ArchivedHeaders::Reused),
        None => Ok(ArchivedHeaders::BeforeKept),
    }
}

impl Store {
    /// How many captures [`Store::warc_captures`] would stream, and the newest capture time.
    pub fn warc_summary(&self, filter: &ExportFilter, all_captures: bool) -> Result<WarcSummary> {
        let sql = format!(
            "SELECT count(*), max(t) FROM (SELECT DISTINCT q.found_url, q.found_timestamp AS t,
                 q.content_sha1 FROM ({}) q)",
            warc_select()
        );
        let (domains, from, to, latest, types) = filter.params();
        let (count, newest): (i64, Option<String>) = self.conn.query_row(
            &sql,
            params![domains, from, to, latest, types, all_captures],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        Ok(WarcSummary {
            captures: count as u64,
            newest,
        })
    }

    /// Streams the captures of a WARC export to `each`, in capture time order: the captures
    /// behind the versions `filter` selects (each version's first capture and every policy
    /// capture of its text within its period), or with `all_captures` every capture with
    /// content of the filtered domains within `from`/`to` (homepage reads too). One capture
    /// per memento (URL as found, time, bytes); its bytes are read when it is handed out.
    pub fn warc_captures(
        &self,
        filter: &ExportFilter,
        all_captures: bool,
        mut each: impl FnMut(WarcCapture) -> Result<()>,
    ) -> Result<u64> {
        let mut statement = self.conn.prepare(&warc_select())?;
        let mut body = self
            .conn
            .prepare("SELECT body FROM contents WHERE sha1 = ?1")?;
        let (domains, from, to, latest, types) = filter.params();
        let mut rows = statement.query(params![domains, from, to, latest, types, all_captures])?;
        let mut current: Option<WarcCapture> = None;
        let mut last_capture_id = None;
        let mut count = 0;
        let mut emit = |capture: WarcCapture| -> Result<()> {
            let compressed: Vec<u8> = body.query_row([&capture.content_sha1], |row| row.get(0))?;
            let body = crate::inflate(&capture.content_sha1, &compressed)?;
            each(WarcCapture { body, ..capture })
        };
        while let Some(row) = rows.next()? {
            let (url, timestamp, sha1): (String, String, String) =
                (row.get(0)?, row.get(1)?, row.get(2)?);
            let same = current.as_ref().is_some_and(|c| {
                c.url == url && c.timestamp == timestamp && c.content_sha1 == sha1
            });
            if !same {
                if let Some(done) = current.take() {
                    emit(done)?;
                    count += 1;
                }
                let json: Option<String> = row.get(5)?;
                let kept: bool = row.get(6)?;
                current = Some(WarcCapture {
                    headers: headers_of(json.as_deref(), kept, &sha1)?,
                    url,
                    timestamp,
                    content_sha1: sha1,
                    status: row.get(3)?,
                    content_type: row.get(4)?,
                    cdx: Vec::new(),
                    versions: Vec::new(),
                    body: Vec::new(),
                });
                last_capture_id = None;
            }
            let Some(capture) = current.as_mut() else {
                continue;
            };
            let capture_id: i64 = row.get(7)?;
            if last_capture_id != Some(capture_id) {
                last_capture_id = Some(capture_id);
                capture.cdx.push(WarcCdxRow {
                    role: role_of(&row.get::<_, String>(8)?)?,
                    url: row.get(9)?,
                    timestamp: row.get(10)?,
                    digest: row.get(11)?,
                    status: row.get(12)?,
                    mimetype: row.get(13)?,
                    length: row.get::<_, Option<i64>>(14)?.map(|l| l as u64),
                    digest_check: row.get(15)?,
                });
                // A memento one capture row has no headers for may have them from another.
                if !matches!(capture.headers, ArchivedHeaders::Kept(_)) {
                    let json: Option<String> = row.get(5)?;
                    if json.is_some() {
                        capture.headers = headers_of(json.as_deref(), true, &capture.content_sha1)?;
                    }
                }
            }
            if let Some(domain) = row.get::<_, Option<String>>(16)? {
                let version = WarcVersionRef {
                    domain,
                    seq: row.get(17)?,
                    text_hash: row.get(18)?,
                };
                if !capture.versions.contains(&version) {
                    capture.versions.push(version);
                }
            }
        }
        if let Some(done) = current.take() {
            emit(done)?;
            count += 1;
        }
        Ok(count)
    }
}
