//! CDX listings: the query, the typed `Capture` rows, and the parsers of both answer formats.

use std::collections::VecDeque;

use serde::Serialize;

use crate::client::OnGatewayTimeout;
use crate::error::{BlockReason, RuntimeError, excerpt};
use crate::politeness::Pool;
use crate::time::validate_bound;
use crate::{CaptureStream, WaybackError};

/// The fields we always ask for, in this order (`urlkey` first keeps resume keys sound).
pub(crate) const FIELDS: &str = "urlkey,timestamp,original,mimetype,statuscode,digest,length";

/// How a CDX query matches URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchType {
    /// The URL itself (any scheme, case and `www.` variant).
    Exact,
    /// Every URL starting with it.
    Prefix,
    /// Every URL on its host.
    Host,
    /// Every URL on its domain and subdomains.
    Domain,
}

impl MatchType {
    fn as_str(self) -> &'static str {
        match self {
            MatchType::Exact => "exact",
            MatchType::Prefix => "prefix",
            MatchType::Host => "host",
            MatchType::Domain => "domain",
        }
    }
}

/// A CDX query. Build it with [`CdxQuery::new`] and the chained setters; it is validated when
/// the listing starts.
#[derive(Debug, Clone, PartialEq)]
pub struct CdxQuery {
    /// URL (or host) to look up.
    pub url: String,
    /// Match type.
    pub match_type: MatchType,
    /// Inclusive lower bound, 4..14 digits.
    pub from: Option<String>,
    /// Inclusive upper bound, 4..14 digits.
    pub to: Option<String>,
    /// `[!]field:regex` filters, all of which must match.
    pub filters: Vec<String>,
    /// `field` or `field:N` collapse specs.
    pub collapse: Vec<String>,
    /// Stop after this many captures.
    pub limit: Option<u64>,
}

impl CdxQuery {
    /// A query for one URL, exact match, no bounds.
    pub fn new(url: impl Into<String>) -> CdxQuery {
        CdxQuery {
            url: url.into(),
            match_type: MatchType::Exact,
            from: None,
            to: None,
            filters: Vec::new(),
            collapse: Vec::new(),
            limit: None,
        }
    }
    /// Sets the match type.
    pub fn match_type(mut self, match_type: MatchType) -> Self {
        self.match_type = match_type;
        self
    }
    /// Sets the inclusive lower bound.
    pub fn from(mut self, from: impl Into<String>) -> Self {
        self.from = Some(from.into());
        self
    }
    /// Sets the inclusive upper bound.
    pub fn to(mut self, to: impl Into<String>) -> Self {
        self.to = Some(to.into());
        self
    }
    /// Adds a `[!]field:regex` filter.
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.filters.push(filter.into());
        self
    }
    /// Adds a collapse spec (`digest`, `urlkey`, `timestamp:6`...).
    pub fn collapse(mut self, collapse: impl Into<String>) -> Self {
        self.collapse.push(collapse.into());
        self
    }
    /// Stops the listing after `limit` captures.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Checks the query and returns its parameters (without paging ones).
    pub(crate) fn params(&self) -> Result<Vec<(&'static str, String)>, WaybackError> {
        let url = self.url.trim();
        if url.is_empty() || url.chars().any(char::is_whitespace) {
            return Err(WaybackError::InvalidInput(format!(
                "{:?} is not a URL: give one like example.com/privacy or https://example.com/",
                self.url
            )));
        }
        let with_scheme = if url.contains("://") {
            url.to_owned()
        } else {
            format!("http://{url}")
        };
        let parsed = url::Url::parse(&with_scheme).map_err(|error| {
            WaybackError::InvalidInput(format!("{:?} is not a URL ({error})", self.url))
        })?;
        if parsed.host_str().is_none_or(|host| host.is_empty()) {
            return Err(WaybackError::InvalidInput(format!(
                "{:?} has no host",
                self.url
            )));
        }
        let mut params = vec![
            ("url", url.to_owned()),
            ("matchType", self.match_type.as_str().to_owned()),
        ];
        if let Some(from) = &self.from {
            validate_bound("from", from)?;
            params.push(("from", from.clone()));
        }
        if let Some(to) = &self.to {
            validate_bound("to", to)?;
            params.push(("to", to.clone()));
        }
        if let (Some(from), Some(to)) = (&self.from, &self.to) {
            let width = from.len().min(to.len());
            if from[..width] > to[..width] {
                return Err(WaybackError::InvalidInput(format!(
                    "from {from} is after to {to}"
                )));
            }
        }
        for filter in &self.filters {
            let body = filter.strip_prefix('!').unwrap_or(filter);
            let valid = body
                .split_once(':')
                .is_some_and(|(field, regex)| is_field(field) && !regex.is_empty());
            if !valid {
                return Err(WaybackError::InvalidInput(format!(
                    "filter {filter:?} must look like [!]field:regex, e.g. statuscode:200 or !mimetype:warc/revisit"
                )));
            }
            params.push(("filter", filter.clone()));
        }
        for collapse in &self.collapse {
            let (field, width) = collapse.split_once(':').unwrap_or((collapse, "1"));
            if !is_field(field) || width.parse::<u16>().is_err() {
                return Err(WaybackError::InvalidInput(format!(
                    "collapse {collapse:?} must be a field or field:N, e.g. digest or timestamp:6"
                )));
            }
            params.push(("collapse", collapse.clone()));
        }
        params.push(("fl", FIELDS.to_owned()));
        Ok(params)
    }
}

fn is_field(field: &str) -> bool {
    matches!(
        field,
        "urlkey" | "timestamp" | "original" | "mimetype" | "statuscode" | "digest" | "length"
    )
}

/// One row of a CDX listing: one capture of one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Capture {
    /// SURT key of the URL (`com,example)/privacy`).
    pub urlkey: String,
    /// 14-digit capture time as the archive wrote it (kept raw: a few old ones are malformed).
    pub timestamp: String,
    /// The URL as captured; use it verbatim for playback.
    pub original: String,
    /// MIME type (`warc/revisit` for deduplicated records, `unk` when unknown).
    pub mimetype: String,
    /// HTTP status of the capture; `None` for `-` (revisits).
    pub status: Option<u16>,
    /// Base32 SHA-1 of the stored payload.
    pub digest: String,
    /// Size of the stored record (not of the body); `None` for `-`.
    pub length: Option<u64>,
}

impl Capture {
    /// Whether the timestamp is 14 digits, as playback needs.
    pub fn has_valid_timestamp(&self) -> bool {
        self.timestamp.len() == 14 && self.timestamp.bytes().all(|b| b.is_ascii_digit())
    }
}

/// One parsed page of a listing.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct CdxPage {
    pub captures: Vec<Capture>,
    pub resume_key: Option<String>,
    /// Rows that could not be read (too few fields...), skipped.
    pub skipped: usize,
    /// The answer stopped mid-way (JSON without its closing bracket, NDJSON cut mid-line):
    /// `captures` holds only the rows that arrived whole.
    pub cut_short: bool,
}

/// Parses a CDX answer in any of the forms the archives use: IA JSON (array of arrays with a
/// header row and an optional `[]`,`[key]` trailer), pywb NDJSON, or plain text (7 fields, an
/// optional blank line and key at the end). An answer that holds rows none of which can be
/// read is an error; a genuinely empty one (`[]`, header only, empty body) is an empty page.
pub(crate) fn parse_page(body: &[u8], url: &str) -> Result<CdxPage, WaybackError> {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Ok(CdxPage::default());
    }
    if trimmed.starts_with('<') {
        return Err(bad(
            url,
            format!(
                "expected CDX data, got an HTML page: {}",
                excerpt(trimmed.as_bytes(), 120)
            ),
        ));
    }
    let page = if trimmed.starts_with('[') {
        parse_json(trimmed, url)?
    } else if trimmed.starts_with('{') {
        parse_ndjson(&text)
    } else {
        parse_text(&text)
    };
    if page.captures.is_empty() && page.skipped > 0 {
        return Err(bad(
            url,
            format!(
                "no readable CDX row in the answer ({} unreadable; it begins: {})",
                page.skipped,
                excerpt(body, 80)
            ),
        ));
    }
    Ok(page)
}

fn bad(url: &str, detail: impl Into<String>) -> WaybackError {
    WaybackError::BadResponse {
        url: url.to_owned(),
        detail: detail.into(),
    }
}

fn value_to_string(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "-".into(),
        other => other.to_string(),
    }
}

/// The rows of a JSON array of arrays that arrived whole, when the array was cut short.
fn complete_json_rows(text: &str) -> Vec<Vec<serde_json::Value>> {
    let mut rows = Vec::new();
    let mut rest = text.strip_prefix('[').unwrap_or(text);
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix(',') {
            rest = after;
            continue;
        }
        if rest.is_empty() || rest.starts_with(']') {
            return rows;
        }
        let mut values =
            serde_json::Deserializer::from_str(rest).into_iter::<Vec<serde_json::Value>>();
        match values.next() {
            Some(Ok(row)) => {
                rest = &rest[values.byte_offset()..];
                rows.push(row);
            }
            _ => return rows,
        }
    }
}

fn parse_json(text: &str, url: &str) -> Result<CdxPage, WaybackError> {
    let (rows, cut) = match serde_json::from_str::<Vec<Vec<serde_json::Value>>>(text) {
        Ok(rows) => (rows, false),
        Err(error) if error.is_eof() => (complete_json_rows(text), true),
        Err(error) => {
            return Err(bad(
                url,
                format!("CDX JSON is not an array of arrays: {error}"),
            ));
        }
    };
    let mut page = CdxPage::default();
    let mut rows: &[Vec<serde_json::Value>] = &rows;
    if rows.len() >= 2 && rows[rows.len() - 2].is_empty() && rows[rows.len() - 1].len() == 1 {
        page.resume_key = Some(value_to_string(&rows[rows.len() - 1][0]));
        rows = &rows[..rows.len() - 2];
    }
    // Only the closing bracket missing after the resume key: every row is there.
    page.cut_short = cut && page.resume_key.is_none();
    let Some((header, data)) = rows.split_first() else {
        return Ok(page);
    };
    let names: Vec<String> = header.iter().map(value_to_string).collect();
    let column = |wanted: &[&str]| {
        names
            .iter()
            .position(|name| wanted.contains(&name.as_str()))
    };
    let columns = Columns {
        urlkey: column(&["urlkey"]),
        timestamp: column(&["timestamp"]).ok_or_else(|| {
            bad(
                url,
                format!(
                    "CDX header has no timestamp column: {}",
                    names_excerpt(&names)
                ),
            )
        })?,
        original: column(&["original", "url"]).ok_or_else(|| {
            bad(
                url,
                format!(
                    "CDX header has no original column: {}",
                    names_excerpt(&names)
                ),
            )
        })?,
        mimetype: column(&["mimetype", "mime"]),
        status: column(&["statuscode", "status"]),
        digest: column(&["digest"]),
        length: column(&["length"]),
    };
    for row in data {
        if row.is_empty() {
            continue;
        }
        let fields: Vec<String> = row.iter().map(value_to_string).collect();
        match columns.capture(&fields) {
            Some(capture) => page.captures.push(capture),
            None => page.skipped += 1,
        }
    }
    Ok(page)
}

fn names_excerpt(names: &[String]) -> String {
    excerpt(names.join(",").as_bytes(), 120)
}

fn parse_ndjson(text: &str) -> CdxPage {
    let mut page = CdxPage::default();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    // pywb ends every line with a newline: an unreadable last line without one was cut.
    let cut_at_end = !text.trim_start_matches('\u{feff}').ends_with('\n');
    for (index, line) in lines.iter().enumerate() {
        let object: serde_json::Map<String, serde_json::Value> = match serde_json::from_str(line) {
            Ok(object) => object,
            Err(_) if cut_at_end && index + 1 == lines.len() => {
                page.cut_short = true;
                continue;
            }
            Err(_) => {
                page.skipped += 1;
                continue;
            }
        };
        let get = |keys: &[&str]| {
            keys.iter()
                .find_map(|key| object.get(*key))
                .map(value_to_string)
                .unwrap_or_else(|| "-".into())
        };
        let fields = [
            get(&["urlkey"]),
            get(&["timestamp"]),
            get(&["original", "url"]),
            get(&["mimetype", "mime"]),
            get(&["statuscode", "status"]),
            get(&["digest"]),
            get(&["length"]),
        ];
        match Columns::STANDARD.capture(&fields) {
            Some(capture) => page.captures.push(capture),
            None => page.skipped += 1,
        }
    }
    page
}

fn parse_text(text: &str) -> CdxPage {
    let mut page = CdxPage::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut end = lines.len();
    while end > 0 && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    // A resume key is a single token after a blank line at the end.
    if end >= 2 && lines[end - 2].trim().is_empty() && !lines[end - 1].trim().contains(' ') {
        page.resume_key = Some(lines[end - 1].trim().to_owned());
        end -= 2;
    }
    for line in &lines[..end] {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<String> = line
            .split(' ')
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect();
        match Columns::STANDARD.capture(&fields) {
            Some(capture) => page.captures.push(capture),
            None => page.skipped += 1,
        }
    }
    page
}

/// The smallest page size a cut-short or timed-out listing is shrunk to before it fails.
pub(crate) const MIN_PAGE_SIZE: u32 = 50;

/// Paging state of a listing that survives between pages: the page size in force (halved
/// each time the archive cannot send a page whole) and the rows already emitted from the
/// head of the next answer (taken from an answer that was cut short).
#[derive(Debug, Default)]
pub(crate) struct Paging {
    page_size: Option<u32>,
    overlap: VecDeque<Capture>,
}

/// Why one attempt at a page gave nothing usable.
enum PageTrouble {
    /// Cut short or timed out (504): a smaller page may get through.
    TooBig(String),
    /// Unreadable: worth asking again as it is.
    Unreadable(WaybackError),
}

impl CaptureStream<'_> {
    /// Requests one page (`params` without paging parameters except `limit`), asking again
    /// with half the page size while the archive cuts the answer short or times out (504),
    /// down to [`MIN_PAGE_SIZE`], and retrying unreadable answers; rows that arrived whole
    /// are kept, never emitted twice. Fails when even the smallest page cannot be read.
    pub(crate) async fn request_page(
        &mut self,
        mut params: Vec<(&'static str, String)>,
    ) -> Result<CdxPage, WaybackError> {
        let config = &self.client.config;
        let transport = &self.client.transport;
        let paged = config.server_side_collapse();
        let configured = config.cdx_page_size.max(1);
        let floor = MIN_PAGE_SIZE.min(configured);
        let endpoint = self.client.endpoint(config.cdx_endpoint_path());
        let mut fresh: Vec<Capture> = Vec::new();
        let mut failures: u32 = 0;
        loop {
            let size = self.paging.page_size.unwrap_or(configured);
            if paged && let Some((_, limit)) = params.iter_mut().find(|(name, _)| *name == "limit")
            {
                let wanted = limit.parse::<u64>().unwrap_or(u64::from(size));
                *limit = wanted.min(u64::from(size)).to_string();
            }
            let mut url = url::Url::parse(&endpoint).map_err(|error| {
                WaybackError::InvalidInput(format!("CDX endpoint is invalid: {error}"))
            })?;
            url.query_pairs_mut()
                .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())));
            let url = url.to_string();
            let can_shrink = paged && size > floor;
            let on_504 = if can_shrink {
                OnGatewayTimeout::Return
            } else {
                OnGatewayTimeout::Retry
            };
            self.pages += 1;
            let response = transport.send(Pool::Cdx, &url, on_504).await?;
            let trouble = if response.status == 504 {
                PageTrouble::TooBig("HTTP 504 (gateway timeout)".into())
            } else if response.status != 200 {
                return Err(classify_failure(
                    &self.query.url,
                    &url,
                    response.status,
                    &response.headers,
                    &response.decoded_body(),
                ));
            } else {
                match parse_page(&response.decoded_body(), &url) {
                    Ok(page) => {
                        let mut page = self.paging.take(page, &mut fresh);
                        if !page.cut_short {
                            page.captures = std::mem::take(&mut fresh);
                            if page.skipped > 0 {
                                transport.counters.add_skipped_rows(page.skipped);
                                tracing::warn!(
                                    skipped = page.skipped,
                                    "unreadable CDX rows skipped"
                                );
                            }
                            return Ok(page);
                        }
                        PageTrouble::TooBig("answer cut short".into())
                    }
                    Err(error) => PageTrouble::Unreadable(error),
                }
            };
            match trouble {
                PageTrouble::TooBig(detail) if can_shrink => {
                    let smaller = (size / 2).max(floor);
                    tracing::warn!(%detail, from = size, to = smaller, "CDX page too big for the archive: asking again smaller");
                    transport.counters.add_page_shrunk();
                    self.paging.page_size = Some(smaller);
                }
                trouble => {
                    failures += 1;
                    let error = match trouble {
                        PageTrouble::Unreadable(error) => error,
                        PageTrouble::TooBig(detail) => bad(
                            &url,
                            format!(
                                "{detail} even at {size} rows a page; the archive cannot send \
                                 this listing whole now: retry later or lower cdx_page_size"
                            ),
                        ),
                    };
                    if failures > transport.max_retries() {
                        return Err(error);
                    }
                    transport.back_off(failures, &error.to_string()).await;
                }
            }
        }
    }
}

impl Paging {
    /// Moves the rows of `page` not emitted before into `fresh`. `page` is an answer from
    /// the current start of the listing; when it is whole, the start moves past it.
    fn take(&mut self, mut page: CdxPage, fresh: &mut Vec<Capture>) -> CdxPage {
        let mut rows = std::mem::take(&mut page.captures);
        let confirmed = rows
            .iter()
            .zip(&self.overlap)
            .take_while(|(row, known)| row == known)
            .count();
        if confirmed < rows.len().min(self.overlap.len()) {
            tracing::warn!(
                timestamp = %rows[confirmed].timestamp,
                "CDX rows changed between attempts at a page"
            );
            self.overlap.truncate(confirmed);
        }
        let new = rows.split_off(confirmed);
        if page.cut_short {
            // The next attempt starts from the same place: it repeats every row taken so far.
            self.overlap.extend(new.iter().cloned());
        } else {
            self.overlap.drain(..confirmed);
            if page.resume_key.is_none() && !self.overlap.is_empty() {
                tracing::warn!(
                    rows = self.overlap.len(),
                    "CDX listing ended before rows seen in an earlier, cut-short answer"
                );
                self.overlap.clear();
            }
        }
        fresh.extend(new);
        page
    }
}

/// The error for a CDX answer other than 200: the `X-Archive-Wayback-Runtime-Error` header
/// first, then the error page (Content-Encoding already removed), never its raw bytes.
fn classify_failure(
    query_url: &str,
    request_url: &str,
    status: u16,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
) -> WaybackError {
    if let Some(runtime) = RuntimeError::from_headers(headers) {
        return runtime.to_error(query_url, None, request_url, status);
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
    if let Some(runtime) = RuntimeError::from_text(&text) {
        return runtime.to_error(query_url, None, request_url, status);
    }
    if text.contains("Blocked Site") {
        return WaybackError::BlockedBySite {
            url: query_url.to_owned(),
            reason: BlockReason::ExcludedBySite,
        };
    }
    bad(
        request_url,
        format!("HTTP {status}: {}", excerpt(body, 160)),
    )
}

/// Column positions of the fields in a row.
struct Columns {
    urlkey: Option<usize>,
    timestamp: usize,
    original: usize,
    mimetype: Option<usize>,
    status: Option<usize>,
    digest: Option<usize>,
    length: Option<usize>,
}

impl Columns {
    const STANDARD: Columns = Columns {
        urlkey: Some(0),
        timestamp: 1,
        original: 2,
        mimetype: Some(3),
        status: Some(4),
        digest: Some(5),
        length: Some(6),
    };

    fn capture(&self, fields: &[String]) -> Option<Capture> {
        let get = |index: Option<usize>| {
            index
                .and_then(|i| fields.get(i))
                .cloned()
                .unwrap_or_else(|| "-".into())
        };
        let timestamp = fields.get(self.timestamp)?.clone();
        let original = fields.get(self.original)?.clone();
        if timestamp.is_empty()
            || !timestamp.bytes().all(|b| b.is_ascii_digit())
            || original.is_empty()
        {
            return None;
        }
        Some(Capture {
            urlkey: get(self.urlkey),
            timestamp,
            original,
            mimetype: get(self.mimetype),
            status: get(self.status).parse().ok(),
            digest: get(self.digest),
            length: get(self.length).parse().ok(),
        })
    }
}

/// Whether `next` is dropped by the CDX `collapse` specs (`field` or `field:N`) after the row
/// kept before it, as the Internet Archive's server does (for archives that do not).
pub(crate) fn collapses_into(previous: &Capture, next: &Capture, specs: &[String]) -> bool {
    if specs.is_empty() {
        return false;
    }
    specs.iter().all(|spec| {
        let (name, width) = match spec.split_once(':') {
            Some((name, width)) => (name, width.parse::<usize>().ok()),
            None => (spec.as_str(), None),
        };
        let value = |capture: &Capture| -> String {
            match name {
                "urlkey" => capture.urlkey.clone(),
                "timestamp" => capture.timestamp.clone(),
                "original" => capture.original.clone(),
                "mimetype" => capture.mimetype.clone(),
                "statuscode" => capture.status.map_or("-".into(), |s| s.to_string()),
                "digest" => capture.digest.clone(),
                "length" => capture.length.map_or("-".into(), |l| l.to_string()),
                _ => String::new(),
            }
        };
        let (a, b) = (value(previous), value(next));
        match width {
            Some(width) => a.chars().take(width).eq(b.chars().take(width)),
            None => a == b,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://archive/cdx";

    #[test]
    fn json_with_header_trailer_and_quirks() {
        let body = br#"[["urlkey","timestamp","original","mimetype","statuscode","digest","length"],
 ["org,archive)/","19970126045828","http://www.archive.org:80/","text/html","200","Q4YULN754FHV2U6Q5JUT6Q2P57WEWNNY","1415"],
 ["org,archive)/","19971011050034","http://www.archive.org:80/","warc/revisit","-","Q4YULN754FHV2U6Q5JUT6Q2P57WEWNNY","-"],
 [],
 ["org%2Carchive%29%2F+19980109140106%21"]]"#;
        let page = parse_page(body, URL).expect("parses");
        assert_eq!(page.captures.len(), 2);
        assert_eq!(page.captures[0].status, Some(200));
        assert_eq!(page.captures[0].length, Some(1415));
        assert_eq!(page.captures[1].status, None);
        assert_eq!(page.captures[1].length, None);
        assert_eq!(
            page.resume_key.as_deref(),
            Some("org%2Carchive%29%2F+19980109140106%21")
        );
    }

    #[test]
    fn json_columns_are_mapped_by_name() {
        let body =
            br#"[["timestamp","original","digest"],["20200101000000","http://a.com/","ABC"]]"#;
        let page = parse_page(body, URL).expect("parses");
        assert_eq!(page.captures[0].digest, "ABC");
        assert_eq!(page.captures[0].original, "http://a.com/");
        assert_eq!(page.captures[0].mimetype, "-");
    }

    #[test]
    fn empty_forms() {
        for body in [
            &b""[..],
            b"[]",
            b"\n\n",
            b"[[\"urlkey\",\"timestamp\",\"original\"]]",
        ] {
            let page = parse_page(body, URL).expect("parses");
            assert!(page.captures.is_empty() && page.resume_key.is_none());
        }
    }

    #[test]
    fn text_with_resume_key_and_blank_rows() {
        let body = b"de,zew)/ 20220908085926 http://www.zew.de/ text/html 301 HLNR6AWVWYCU3YAENY3HYHLIPNWN66X7 320\n\nde,zew)/ 20220908085927 https://www.zew.de/ text/html 200 AAAA -\n\nde%2Czew%29%2F+20220908205958\n";
        let page = parse_page(body, URL).expect("parses");
        assert_eq!(page.captures.len(), 2);
        assert_eq!(page.captures[1].length, None);
        assert_eq!(
            page.resume_key.as_deref(),
            Some("de%2Czew%29%2F+20220908205958")
        );
    }

    #[test]
    fn client_side_collapse_follows_the_archive_rules() {
        let row = |timestamp: &str, digest: &str| Capture {
            urlkey: "com,a)/".into(),
            timestamp: timestamp.into(),
            original: "http://a.com/".into(),
            mimetype: "text/html".into(),
            status: Some(200),
            digest: digest.into(),
            length: None,
        };
        let digest = ["digest".to_owned()];
        assert!(collapses_into(
            &row("20100101000000", "A"),
            &row("20110101000000", "A"),
            &digest
        ));
        assert!(!collapses_into(
            &row("20100101000000", "A"),
            &row("20110101000000", "B"),
            &digest
        ));
        let month = ["timestamp:6".to_owned()];
        assert!(collapses_into(
            &row("20100101000000", "A"),
            &row("20100131000000", "B"),
            &month
        ));
        assert!(!collapses_into(
            &row("20100101000000", "A"),
            &row("20100201000000", "A"),
            &month
        ));
        assert!(!collapses_into(
            &row("20100101000000", "A"),
            &row("20100101000000", "A"),
            &[]
        ));
    }

    #[test]
    fn ndjson_from_pywb() {
        let body = br#"{"urlkey": "com,example)/privacy", "timestamp": "20200101120000", "url": "http://example.com/privacy", "mime": "text/html", "status": "200", "digest": "YBOO", "length": "480"}
{"urlkey": "com,example)/privacy", "timestamp": "20210101120000", "url": "http://example.com/privacy", "mime": "text/html", "status": "200", "digest": "YBOO", "length": "480"}"#;
        let page = parse_page(body, URL).expect("parses");
        assert_eq!(page.captures.len(), 2);
        assert_eq!(page.captures[0].mimetype, "text/html");
    }

    #[test]
    fn short_or_malformed_rows_are_skipped_not_fatal() {
        let body = b"com,a)/ 2020 http://a.com/\ncom,a)/ notatime http://a.com/ text/html 200 X 1\ncom,a)/ 20200101000000\n";
        let page = parse_page(body, URL).expect("parses");
        assert_eq!(page.captures.len(), 1);
        assert_eq!(page.skipped, 2);
    }

    #[test]
    fn html_instead_of_cdx_is_a_clear_error() {
        let error =
            parse_page(b"<!DOCTYPE html><html><title>Error</title>", URL).expect_err("html");
        assert!(error.to_string().contains("got an HTML page"), "{error}");
        let error = parse_page(b"[[\"timestamp\"] x", URL).expect_err("broken json");
        assert!(error.to_string().contains("CDX JSON"), "{error}");
    }

    #[test]
    fn a_json_answer_cut_mid_array_keeps_only_whole_rows() {
        let body =
            br#"[["urlkey","timestamp","original","mimetype","statuscode","digest","length"],
 ["com,a)/","20200101000000","http://a.com/","text/html","200","AAAA","10"],
 ["com,a)/","20200102000000","http://a.com/","text/html","200","BBBB","10"],
 ["com,a)/","2020010300"#;
        let page = parse_page(body, URL).expect("parses");
        assert!(page.cut_short);
        assert_eq!(page.captures.len(), 2);
        assert_eq!(page.captures[1].digest, "BBBB");
        let whole_but_unclosed =
            br#"[["timestamp","original"],["20200101000000","http://a.com/"],[],["key"]"#;
        let page = parse_page(whole_but_unclosed, URL).expect("parses");
        assert!(!page.cut_short);
        assert_eq!(page.resume_key.as_deref(), Some("key"));
    }

    #[test]
    fn an_answer_with_no_readable_row_is_an_error_but_empty_answers_are_not() {
        for garbled in [
            &b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x48\xcd\xc9\xc9\x07\x00"[..],
            b"this is not a listing\nnor is this\n",
            b"{\"no\": \"capture\"}\n",
        ] {
            let error = parse_page(garbled, URL).expect_err("garbled");
            let message = error.to_string();
            assert!(message.contains("no readable CDX row"), "{message}");
            assert!(!message.contains('\u{1f}'), "{message}");
        }
        let page = parse_page(
            b"com,a)/ 20200101000000 http://a.com/ text/html 200 A 1\n\x01\x02\n",
            URL,
        )
        .expect("one good row");
        assert_eq!((page.captures.len(), page.skipped), (1, 1));
    }

    #[test]
    fn query_validation() {
        let ok = CdxQuery::new("example.com/privacy")
            .from("2015")
            .to("2019")
            .filter("!statuscode:404")
            .collapse("timestamp:6");
        assert!(ok.params().is_ok());
        for bad in [
            CdxQuery::new(""),
            CdxQuery::new("not a url"),
            CdxQuery::new("http://"),
            CdxQuery::new("a.com").from("15"),
            CdxQuery::new("a.com").from("2019").to("2015"),
            CdxQuery::new("a.com").filter("statuscode"),
            CdxQuery::new("a.com").filter("nosuchfield:1"),
            CdxQuery::new("a.com").collapse("timestamp:x"),
        ] {
            assert!(
                matches!(bad.params(), Err(WaybackError::InvalidInput(_))),
                "{bad:?}"
            );
        }
    }
}
