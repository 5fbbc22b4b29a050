//! A polite client for Wayback-compatible archives: CDX listing and raw `id_` playback.
//!
//! Every request goes through two rate-limit pools (CDX and playback), one shared keep-alive
//! connection pool, and a circuit breaker: a 429 pauses both pools and halves their rates, a
//! second 429 within the window (or a streak of refused connections) stops the client, and from
//! then on every call fails fast with an error saying when to retry.
//!
//! Not for: deciding which captures matter, converting HTML, or storing anything.
//!
//! ```no_run
//! # async fn demo() -> Result<(), wayback::WaybackError> {
//! use wayback::{ArchiveConfig, CdxQuery, WaybackClient};
//! let client = WaybackClient::new(ArchiveConfig::default())?;
//! let mut captures = client.captures(CdxQuery::new("example.com/privacy").collapse("digest"));
//! while let Some(capture) = captures.next().await {
//!     let capture = capture?;
//!     let memento = client
//!         .fetch(&capture.original, &capture.timestamp, Some(&capture.digest))
//!         .await?;
//!     println!("{} {} {} bytes", capture.timestamp, memento.status, memento.body.len());
//! }
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

mod cdx;
mod client;
mod config;
mod error;
mod playback;
mod politeness;
mod time;

use std::collections::{HashSet, VecDeque};

pub use cdx::{Capture, CdxQuery, MatchType};
pub use client::ClientStats;
pub use config::{ArchiveConfig, ArchiveProfile, CdxFormat};
pub use error::{BlockReason, WaybackError};
pub use playback::{DigestCheck, Memento, MementoLink, Redirect, RedirectKind, sha1_base32};
pub use politeness::{Halt, Pool};
pub use time::{
    add_one_second, pad_timestamp, parse_date, period_end, timestamp_seconds, validate_bound,
};
pub use timestamp::{Timestamp, TimestampError};

use crate::client::Transport;
use crate::playback::{MAX_HOPS, MementoParts};

/// A client of one archive. Cheap to share by reference across tasks.
pub struct WaybackClient {
    config: ArchiveConfig,
    base: url::Url,
    transport: Transport,
}

impl WaybackClient {
    /// Builds a client; fails on an invalid base URL.
    pub fn new(config: ArchiveConfig) -> Result<WaybackClient, WaybackError> {
        let base = url::Url::parse(&config.base_url).map_err(|error| {
            WaybackError::InvalidInput(format!(
                "archive base URL {:?} is invalid ({error}); use e.g. https://web.archive.org",
                config.base_url
            ))
        })?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(WaybackError::InvalidInput(format!(
                "archive base URL {:?} must be http(s)://host[:port]",
                config.base_url
            )));
        }
        config.validate()?;
        let transport = Transport::new(&config)?;
        Ok(WaybackClient {
            config,
            base,
            transport,
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &ArchiveConfig {
        &self.config
    }

    /// Counters so far.
    pub fn stats(&self) -> ClientStats {
        self.transport.counters.snapshot()
    }

    /// Why the client stopped, if it did; persist it to make a restarted run wait too.
    pub fn halted(&self) -> Option<Halt> {
        self.transport.polite.halt()
    }

    /// Starts listing the captures matching `query`, one page in memory at a time.
    pub fn captures(&self, query: CdxQuery) -> CaptureStream<'_> {
        CaptureStream {
            client: self,
            query,
            buffer: VecDeque::new(),
            resume_key: None,
            seen_keys: HashSet::new(),
            pages: 0,
            emitted: 0,
            previous: None,
            finished: false,
            skipped: 0,
            paging: cdx::Paging::default(),
        }
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}{}", self.config.base_url.trim_end_matches('/'), path)
    }

    /// The `id_` playback URL of a capture.
    pub fn playback_url(&self, timestamp: &str, original: &str) -> String {
        format!(
            "{}/{}id_/{}",
            self.endpoint(self.config.playback_path_prefix()),
            timestamp,
            escape_for_request_line(original)
        )
    }

    /// The capture a URL of this archive's playback names (the reverse of
    /// [`WaybackClient::playback_url`], any replay modifier accepted); `None` for any other URL.
    pub fn playback_address(&self, url: &str) -> Option<PlaybackAddress> {
        playback_address(&self.endpoint(self.config.playback_path_prefix()), url)
    }

    fn same_origin(&self, url: &url::Url) -> bool {
        url.scheme() == self.base.scheme()
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default()
    }

    /// Downloads one capture's raw bytes. `timestamp` has 4 to 14 digits (padded to the start
    /// of the period); `expected_digest` (from CDX) is compared with what arrives.
    ///
    /// Follows the archive's nearest-capture redirects and archived 3xx captures, only inside
    /// the archive. The archive's own "not archived" and "excluded" answers are errors, never
    /// content; archived 4xx/5xx captures are mementos with their status.
    pub async fn fetch(
        &self,
        original_url: &str,
        timestamp: &str,
        expected_digest: Option<&str>,
    ) -> Result<Memento, WaybackError> {
        if original_url.trim().is_empty()
            || original_url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(WaybackError::InvalidInput(format!(
                "{original_url:?} is not a URL to fetch"
            )));
        }
        let requested = pad_timestamp(timestamp)?;
        let span = tracing::info_span!("fetch", url = original_url, timestamp = %requested);
        let _entered = span.enter();
        let first = self.playback_url(&requested, original_url);
        let mut url = first.clone();
        let mut current_original = original_url.to_owned();
        let mut redirects = Vec::new();
        let mut visited = HashSet::new();
        loop {
            if !visited.insert(url.clone()) || redirects.len() >= MAX_HOPS {
                return Err(WaybackError::RedirectLoop {
                    url: first,
                    hops: redirects.len(),
                });
            }
            let response = self.transport.get(Pool::Playback, &url).await?;
            let location = response
                .headers
                .get("location")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let is_redirect = (300..400).contains(&response.status) && location.is_some();
            if is_redirect {
                let location = location.unwrap_or_default();
                let current = url::Url::parse(&url).map_err(|error| WaybackError::BadResponse {
                    url: url.clone(),
                    detail: error.to_string(),
                })?;
                let mut target =
                    current
                        .join(&location)
                        .map_err(|_| WaybackError::RedirectOutsideArchive {
                            from: url.clone(),
                            location: location.clone(),
                        })?;
                let playback_root =
                    format!("{}/", self.endpoint(self.config.playback_path_prefix()));
                if self.config.keeps_live_redirects()
                    && response.is_memento()
                    && !target.as_str().starts_with(&playback_root)
                {
                    // pywb replays an archived redirect with its live Location: resolve it
                    // against the captured URL and replay that URL from the archive instead.
                    let live = url::Url::parse(&current_original)
                        .and_then(|base| base.join(&location))
                        .map_err(|_| WaybackError::RedirectOutsideArchive {
                            from: url.clone(),
                            location: location.clone(),
                        })?;
                    current_original = live.to_string();
                    target = url::Url::parse(&self.playback_url(&requested, live.as_str()))
                        .map_err(|error| WaybackError::BadResponse {
                            url: url.clone(),
                            detail: format!("cannot replay redirect target {live}: {error}"),
                        })?;
                }
                if !self.same_origin(&target) {
                    return Err(WaybackError::RedirectOutsideArchive {
                        from: url,
                        location,
                    });
                }
                let kind = if response.is_memento() {
                    RedirectKind::Archived
                } else {
                    RedirectKind::NearestCapture
                };
                tracing::debug!(status = response.status, ?kind, to = %target, "redirect");
                redirects.push(Redirect {
                    from: url.clone(),
                    to: target.to_string(),
                    status: response.status,
                    kind,
                });
                url = target.to_string();
                continue;
            }
            if !response.is_memento() {
                return Err(playback::classify_non_memento(
                    &url,
                    original_url,
                    &requested,
                    response.status,
                    &response.headers,
                    &response.body,
                ));
            }
            return playback::build_memento(
                MementoParts {
                    original_url,
                    requested_timestamp: &requested,
                    final_url: url,
                    redirects,
                    expected_digest,
                },
                response.status,
                &response.headers,
                response.body,
            );
        }
    }
}

/// A playback URL taken apart: `ROOT/TIMESTAMP[MODIFIER]/ORIGINAL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaybackAddress {
    /// The archive's playback root: `https://web.archive.org/web`, `http://host/COLLECTION`.
    pub root: String,
    /// The capture time asked for, 4 to 14 digits.
    pub timestamp: String,
    /// The replay modifier (`id_`, `im_`, `if_`...), empty when there is none.
    pub modifier: String,
    /// The original URL, as it followed the timestamp (`http:/x` restored to `http://x`).
    pub original: String,
}

/// Takes apart a playback URL under `root` (`{base_url}{playback prefix}`, as
/// [`WaybackClient::playback_url`] builds them): scheme and default ports aside, the host, port
/// and path must be `root`'s, followed by `/TIMESTAMP[MODIFIER]/ORIGINAL`. The original may lack
/// its scheme (`example.com/privacy`), as archives accept.
pub fn playback_address(root: &str, url: &str) -> Option<PlaybackAddress> {
    let (authority, rest) = split_authority(url.trim())?;
    let (root_authority, root_path) = split_authority(root)?;
    if !same_authority(authority, root_authority) {
        return None;
    }
    let root_path = root_path.trim_end_matches('/');
    let capture_path = rest.strip_prefix(root_path)?.strip_prefix('/')?;
    let (timestamp, modifier, original) = split_capture_path(capture_path)?;
    let url = url.trim();
    Some(PlaybackAddress {
        root: url[..url.len() - capture_path.len() - 1].to_owned(),
        timestamp,
        modifier,
        original,
    })
}

/// Finds a playback URL of any archive: the first path segment `TIMESTAMP[MODIFIER]` followed
/// by an `http(s)://` original. For telling a user that a URL they gave belongs to another
/// archive; [`playback_address`] is the strict parse.
pub fn any_playback_address(url: &str) -> Option<PlaybackAddress> {
    let url = url.trim();
    let (_, rest) = split_authority(url)?;
    let root_end = url.len() - rest.len();
    let path_end = rest.find(['?', '#']).unwrap_or(rest.len());
    rest[..path_end].match_indices('/').find_map(|(slash, _)| {
        let (timestamp, modifier, original) = split_capture_path(&rest[slash + 1..])?;
        has_http_scheme(&original).then(|| PlaybackAddress {
            root: url[..root_end + slash].to_owned(),
            timestamp,
            modifier,
            original,
        })
    })
}

/// `("host:port", "/path?query")` of an `http(s)://` URL, the rest verbatim.
fn split_authority(url: &str) -> Option<(&str, &str)> {
    let scheme_end = url.find("://")?;
    if !matches!(
        url[..scheme_end].to_ascii_lowercase().as_str(),
        "http" | "https"
    ) {
        return None;
    }
    let after = &url[scheme_end + 3..];
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    Some((&after[..end], &after[end..]))
}

/// Whether two authorities name the same host and port (user info, a final dot on the host,
/// and `:80` or `:443` aside).
fn same_authority(a: &str, b: &str) -> bool {
    let normal = |authority: &str| {
        let host_port = authority.rsplit('@').next().unwrap_or(authority);
        let lower = host_port.to_ascii_lowercase();
        let split_at = match lower.rfind(':') {
            Some(colon) if !lower[colon..].contains(']') => colon,
            _ => lower.len(),
        };
        let (host, port) = lower.split_at(split_at);
        let port = if matches!(port, ":80" | ":443") {
            ""
        } else {
            port
        };
        format!("{}{port}", host.trim_end_matches('.'))
    };
    normal(a) == normal(b)
}

/// `TIMESTAMP[MODIFIER]/ORIGINAL` → its parts; the timestamp has 4 to 14 digits, the modifier is
/// two lowercase letters and `_`, the original is not empty.
fn split_capture_path(path: &str) -> Option<(String, String, String)> {
    let (segment, original) = path.split_once('/')?;
    let digits = segment.bytes().take_while(u8::is_ascii_digit).count();
    let modifier = &segment[digits..];
    let modifier_ok = modifier.is_empty()
        || (modifier.len() == 3
            && modifier.ends_with('_')
            && modifier[..2].bytes().all(|b| b.is_ascii_lowercase()));
    if !(4..=14).contains(&digits) || !modifier_ok || original.trim().is_empty() {
        return None;
    }
    Some((
        segment[..digits].to_owned(),
        modifier.to_owned(),
        restore_scheme_slashes(original),
    ))
}

/// `http:/example.com` (a slash lost on the way, as some servers and browsers collapse `//`)
/// back to `http://example.com`.
fn restore_scheme_slashes(original: &str) -> String {
    for scheme in ["http:/", "https:/"] {
        if original.len() > scheme.len()
            && original[..scheme.len()].eq_ignore_ascii_case(scheme)
            && !original[scheme.len()..].starts_with('/')
        {
            return format!(
                "{}/{}",
                &original[..scheme.len()],
                &original[scheme.len()..]
            );
        }
    }
    original.to_owned()
}

fn has_http_scheme(original: &str) -> bool {
    let lower = original.get(..8).unwrap_or(original).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Escapes only what cannot go in a request line (spaces, quotes, brackets, controls); the
/// archive expects the original URL otherwise verbatim.
fn escape_for_request_line(original: &str) -> String {
    let mut out = String::with_capacity(original.len());
    for c in original.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '"' => out.push_str("%22"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            '`' => out.push_str("%60"),
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            '|' => out.push_str("%7C"),
            '\\' => out.push_str("%5C"),
            '^' => out.push_str("%5E"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A CDX listing in progress: pages are fetched by resume key as the caller reads, so at most
/// one page is held in memory. Read it with [`CaptureStream::next`].
pub struct CaptureStream<'a> {
    client: &'a WaybackClient,
    query: CdxQuery,
    buffer: VecDeque<Capture>,
    resume_key: Option<String>,
    seen_keys: HashSet<String>,
    pages: u32,
    emitted: u64,
    previous: Option<Capture>,
    finished: bool,
    skipped: usize,
    paging: cdx::Paging,
}

impl CaptureStream<'_> {
    /// The next capture, `None` at the end of the listing. After an error the stream ends.
    pub async fn next(&mut self) -> Option<Result<Capture, WaybackError>> {
        loop {
            if self.query.limit.is_some_and(|limit| self.emitted >= limit) {
                return None;
            }
            if let Some(capture) = self.buffer.pop_front() {
                // The archive can repeat a row across page boundaries: skip exact repeats.
                if self.previous.as_ref() == Some(&capture) {
                    continue;
                }
                if !self.client.config.server_side_collapse()
                    && let Some(previous) = &self.previous
                    && cdx::collapses_into(previous, &capture, &self.query.collapse)
                {
                    continue;
                }
                self.previous = Some(capture.clone());
                self.emitted += 1;
                return Some(Ok(capture));
            }
            if self.finished {
                return None;
            }
            if let Err(error) = self.fetch_page().await {
                self.finished = true;
                return Some(Err(error));
            }
        }
    }

    /// Pages requested so far.
    pub fn pages(&self) -> u32 {
        self.pages
    }

    /// Rows skipped because they could not be read.
    pub fn skipped_rows(&self) -> usize {
        self.skipped
    }

    async fn fetch_page(&mut self) -> Result<(), WaybackError> {
        let config = &self.client.config;
        if self.pages >= config.max_cdx_pages {
            return Err(WaybackError::BadResponse {
                url: self.client.endpoint(config.cdx_endpoint_path()),
                detail: format!(
                    "listing still going after {} pages; stopped (raise max_cdx_pages)",
                    self.pages
                ),
            });
        }
        let mut params = self.query.params()?;
        if config.server_side_collapse() {
            let remaining = self.query.limit.map(|limit| limit - self.emitted);
            let page_size = u64::from(config.cdx_page_size.max(1));
            let page_size = remaining.map_or(page_size, |r| r.min(page_size));
            params.push(("limit", page_size.to_string()));
            params.push(("showResumeKey", "true".into()));
        } else {
            // No resume keys: one request lists everything (a page limit would truncate it
            // silently), and collapse is applied as rows are read.
            // pywb drops field names it does not know (IA's `original`, `mimetype`...):
            // ask for every field instead.
            params.retain(|(name, _)| *name != "collapse" && *name != "fl");
            // pywb reads `field:text` as "contains"; `~field:regex` is its regex filter.
            for (name, value) in &mut params {
                if *name == "filter" {
                    *value = match value.strip_prefix('!') {
                        Some(rest) => format!("!~{rest}"),
                        None => format!("~{value}"),
                    };
                }
            }
            if let Some(limit) = self.query.limit.filter(|_| self.query.collapse.is_empty()) {
                params.push(("limit", limit.to_string()));
            }
        }
        if config.cdx_format == CdxFormat::Json {
            params.push(("output", "json".into()));
        }
        if let Some(key) = &self.resume_key {
            params.push(("resumeKey", key.clone()));
        }
        let page = self.request_page(params).await?;
        self.skipped += page.skipped;
        self.buffer.extend(page.captures);
        match page.resume_key {
            Some(key) if self.seen_keys.insert(key.clone()) => self.resume_key = Some(key),
            Some(key) => {
                tracing::warn!(%key, "resume key repeated: listing stopped");
                self.finished = true;
            }
            None => self.finished = true,
        }
        Ok(())
    }
}
