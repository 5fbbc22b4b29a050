//! CDX listings: the query, the typed `Capture` rows, and the parsers of both answer formats.

use serde::Serialize;

use crate::WaybackError;
use crate::time::validate_bound;

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
}

/// Parses a CDX answer in any of the forms the archives use: IA JSON (array of arrays with a
/// header row and an optional `[]`,`[key]` trailer), pywb NDJSON, or plain text (7 fields, an
/// optional blank line and key at the end).
pub(crate) fn parse_page(body: &[u8], url: &str) -> Result<CdxPage, WaybackError> {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Ok(CdxPage::default());
    }
    if trimmed.starts_with('<') {
        let snippet: String = trimmed
            .chars()
            .take(120)
            .collect::<String>()
            .replace('\n', " ");
        return Err(WaybackError::BadResponse {
            url: url.to_owned(),
            detail: format!("expected CDX data, got an HTML page: {snippet}"),
        });
    }
    if trimmed.starts_with('[') {
        return parse_json(trimmed, url);
    }
    if trimmed.starts_with('{') {
        return parse_ndjson(trimmed, url);
    }
    Ok(parse_text(&text))
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

fn parse_json(text: &str, url: &str) -> Result<CdxPage, WaybackError> {
    let rows: Vec<Vec<serde_json::Value>> = serde_json::from_str(text)
        .map_err(|error| bad(url, format!("CDX JSON is not an array of arrays: {error}")))?;
    let mut page = CdxPage::default();
    let mut rows: &[Vec<serde_json::Value>] = &rows;
    if rows.len() >= 2 && rows[rows.len() - 2].is_empty() && rows[rows.len() - 1].len() == 1 {
        page.resume_key = Some(value_to_string(&rows[rows.len() - 1][0]));
        rows = &rows[..rows.len() - 2];
    }
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
                format!("CDX header has no timestamp column: {names:?}"),
            )
        })?,
        original: column(&["original", "url"])
            .ok_or_else(|| bad(url, format!("CDX header has no original column: {names:?}")))?,
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

fn parse_ndjson(text: &str, url: &str) -> Result<CdxPage, WaybackError> {
    let mut page = CdxPage::default();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line)
            .map_err(|error| bad(url, format!("CDX NDJSON line is not an object: {error}")))?;
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
    Ok(page)
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
        let error = parse_page(b"[[\"timestamp\"", URL).expect_err("broken json");
        assert!(error.to_string().contains("CDX JSON"), "{error}");
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
