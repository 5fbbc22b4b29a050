//! The client's settings, as plain data that a TOML `[archive]` table fills.

use serde::{Deserialize, Serialize};

use crate::WaybackError;

/// How the CDX server formats its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CdxFormat {
    /// `output=json`: an array of arrays with a header row (IA); NDJSON objects (pywb) are also read.
    Json,
    /// The plain-text default: seven space-separated fields per line.
    Text,
}

/// Which Wayback implementation the archive runs; it decides the endpoints and the quirks the
/// client works around (see `docs/archives.md`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArchiveProfile {
    /// The Internet Archive's Wayback Machine (and archives that behave like it): CDX at
    /// `cdx_path`, playback at `playback_prefix`, server-side `collapse`, resume keys, archived
    /// redirects rewritten into the archive.
    #[default]
    Ia,
    /// pywb (Webrecorder): `base_url` names the collection (`http://host:port/COLLECTION`), CDX
    /// at `/cdx` and playback at `/TIMESTAMPid_/URL` under it; NDJSON listings, no `collapse`
    /// (done by the client), no resume keys, archived redirects with their live `Location`.
    Pywb,
}

/// Settings of a [`crate::WaybackClient`]. Durations are in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArchiveConfig {
    /// Which Wayback implementation the archive runs.
    pub profile: ArchiveProfile,
    /// Scheme, host and port of the archive, e.g. `https://web.archive.org` (with pywb, the
    /// collection too: `http://127.0.0.1:8080/my-coll`).
    pub base_url: String,
    /// Path of the CDX endpoint (profile `ia`; pywb's is `/cdx` under the collection).
    pub cdx_path: String,
    /// Path prefix of playback URLs, `{base_url}{playback_prefix}/{timestamp}id_/{url}`
    /// (profile `ia`; pywb's is the collection itself).
    pub playback_prefix: String,
    /// Format requested from the CDX server.
    pub cdx_format: CdxFormat,
    /// Rows asked for per CDX page (the archive's cap is far higher; smaller pages time out less).
    pub cdx_page_size: u32,
    /// The most CDX pages one listing may walk (a guard against resume-key cycles).
    pub max_cdx_pages: u32,
    /// CDX and timemap requests per minute (one in flight, no bursts).
    /// Clamped to 24 on `web.archive.org`, whose hard limit is 30.
    pub cdx_requests_per_minute: u32,
    /// Playback requests per second. Clamped to 8 on `web.archive.org` (hard limit 10).
    pub playback_requests_per_second: f64,
    /// Playback requests in flight at once.
    pub playback_concurrency: u32,
    /// Largest body accepted, in bytes.
    pub max_body_bytes: u64,
    /// Time allowed to open a connection.
    pub connect_timeout: f64,
    /// Time allowed for a whole request, body included.
    pub request_timeout: f64,
    /// Time allowed between two chunks of a body.
    pub read_idle_timeout: f64,
    /// Retries after a 5xx, reset, truncated body or timeout.
    pub max_retries: u32,
    /// First retry delay; it doubles on each retry (2, 4, 8... s by default).
    pub retry_base_delay: f64,
    /// Pause after a 429 without `Retry-After`.
    pub default_retry_after: f64,
    /// A second 429 within this many seconds of the first stops the client.
    pub rate_limit_window: f64,
    /// Refused connections in a row that mean a firewall block and stop the client.
    pub refused_connection_limit: u32,
    /// How long to suggest waiting after a firewall block (the archive's first block lasts an hour).
    pub block_wait: f64,
    /// Product token of the User-Agent.
    pub user_agent: String,
    /// Contact (e-mail or URL) put in the User-Agent, so archive staff can reach the operator.
    pub contact: String,
}

/// Hard ceilings for the Internet Archive, whatever the configuration says.
pub(crate) const IA_MAX_CDX_PER_MINUTE: u32 = 24;
pub(crate) const IA_MAX_PLAYBACK_PER_SECOND: f64 = 8.0;

impl Default for ArchiveConfig {
    fn default() -> Self {
        ArchiveConfig {
            profile: ArchiveProfile::Ia,
            base_url: "https://web.archive.org".into(),
            cdx_path: "/cdx/search/cdx".into(),
            playback_prefix: "/web".into(),
            cdx_format: CdxFormat::Json,
            cdx_page_size: 5000,
            max_cdx_pages: 10_000,
            cdx_requests_per_minute: 24,
            playback_requests_per_second: 1.0,
            playback_concurrency: 2,
            max_body_bytes: 8 * 1024 * 1024,
            connect_timeout: 15.0,
            request_timeout: 120.0,
            read_idle_timeout: 30.0,
            max_retries: 4,
            retry_base_delay: 2.0,
            default_retry_after: 60.0,
            rate_limit_window: 600.0,
            refused_connection_limit: 3,
            block_wait: 3600.0,
            user_agent: format!("crawler/{}", env!("CARGO_PKG_VERSION")),
            contact: String::new(),
        }
    }
}

impl ArchiveConfig {
    /// The User-Agent header: product, version and contact.
    pub fn user_agent_header(&self) -> String {
        if self.contact.trim().is_empty() {
            format!("{} (privacy-policy history research)", self.user_agent)
        } else {
            format!(
                "{} (privacy-policy history research; contact: {})",
                self.user_agent,
                self.contact.trim()
            )
        }
    }

    /// The CDX endpoint's path under `base_url`.
    pub fn cdx_endpoint_path(&self) -> &str {
        match self.profile {
            ArchiveProfile::Ia => &self.cdx_path,
            ArchiveProfile::Pywb => "/cdx",
        }
    }

    /// The playback URLs' path prefix under `base_url`.
    pub fn playback_path_prefix(&self) -> &str {
        match self.profile {
            ArchiveProfile::Ia => &self.playback_prefix,
            ArchiveProfile::Pywb => "",
        }
    }

    /// Whether the CDX server applies `collapse` and pages by resume key itself.
    pub fn server_side_collapse(&self) -> bool {
        self.profile == ArchiveProfile::Ia
    }

    /// Whether the archive may answer an archived redirect with the live, un-rewritten
    /// `Location` (then the client maps it into the archive instead of leaving it).
    pub fn keeps_live_redirects(&self) -> bool {
        self.profile == ArchiveProfile::Pywb
    }

    /// Whether the archive is the Internet Archive, whose published limits are enforced: its
    /// host names (in any case, with or without the trailing root dot) and its own addresses.
    /// Rates toward any other archive are the operator's responsibility.
    pub fn is_internet_archive(&self) -> bool {
        url::Url::parse(&self.base_url)
            .ok()
            .and_then(|url| url.host().map(|host| host.to_owned()))
            .is_some_and(|host| is_internet_archive_host(&host))
    }

    /// Refuses values that would make the client hang, spin or overflow: zero, negative, NaN,
    /// infinite or absurdly large rates, sizes, timeouts and pauses. The message names the key.
    pub fn validate(&self) -> Result<(), WaybackError> {
        let positive = |key: &str, value: f64, max: f64| {
            if value.is_finite() && value > 0.0 && value <= max {
                Ok(())
            } else {
                Err(WaybackError::InvalidInput(format!(
                    "[archive] {key} = {value} is out of range: give a number of seconds above 0 \
                     and at most {max}"
                )))
            }
        };
        let at_least_one = |key: &str, value: u64, max: u64| {
            if (1..=max).contains(&value) {
                Ok(())
            } else {
                Err(WaybackError::InvalidInput(format!(
                    "[archive] {key} = {value} is out of range: give a whole number from 1 to {max}"
                )))
            }
        };
        at_least_one(
            "cdx_requests_per_minute",
            self.cdx_requests_per_minute.into(),
            60_000,
        )?;
        if !(self.playback_requests_per_second.is_finite()
            && self.playback_requests_per_second > 0.0
            && self.playback_requests_per_second <= 1000.0)
        {
            return Err(WaybackError::InvalidInput(format!(
                "[archive] playback_requests_per_second = {} is out of range: give a rate above 0 \
                 and at most 1000",
                self.playback_requests_per_second
            )));
        }
        at_least_one("playback_concurrency", self.playback_concurrency.into(), 16)?;
        at_least_one("cdx_page_size", self.cdx_page_size.into(), 1_000_000)?;
        at_least_one("max_cdx_pages", self.max_cdx_pages.into(), 10_000_000)?;
        at_least_one("max_body_bytes", self.max_body_bytes, 1 << 34)?;
        at_least_one(
            "refused_connection_limit",
            self.refused_connection_limit.into(),
            1000,
        )?;
        if self.max_retries > 20 {
            return Err(WaybackError::InvalidInput(format!(
                "[archive] max_retries = {} is out of range: give a whole number from 0 to 20",
                self.max_retries
            )));
        }
        positive("connect_timeout", self.connect_timeout, DAY)?;
        positive("request_timeout", self.request_timeout, DAY)?;
        positive("read_idle_timeout", self.read_idle_timeout, DAY)?;
        positive("retry_base_delay", self.retry_base_delay, HOUR)?;
        positive(
            "default_retry_after",
            self.default_retry_after,
            MAX_PAUSE_SECS,
        )?;
        positive("rate_limit_window", self.rate_limit_window, DAY)?;
        positive("block_wait", self.block_wait, 7.0 * DAY)?;
        Ok(())
    }
}

const HOUR: f64 = 3600.0;
const DAY: f64 = 24.0 * HOUR;

/// The longest pause after a 429 the client sits out; a longer `Retry-After` stops the run
/// instead, with the time to retry (a crawl that sleeps for days looks like a hang).
pub(crate) const MAX_PAUSE_SECS: f64 = 15.0 * 60.0;

/// The Internet Archive's host names and address blocks (ARIN: INTERNET-ARCHIVE,
/// 207.241.224.0/20 and 208.70.24.0/21; IPv6 2620:0:9c0::/48).
fn is_internet_archive_host(host: &url::Host) -> bool {
    match host {
        url::Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "archive.org" || name.ends_with(".archive.org")
        }
        url::Host::Ipv4(address) => {
            let bits = u32::from(*address);
            bits & 0xffff_f000 == u32::from(std::net::Ipv4Addr::new(207, 241, 224, 0))
                || bits & 0xffff_f800 == u32::from(std::net::Ipv4Addr::new(208, 70, 24, 0))
        }
        url::Host::Ipv6(address) => {
            let segments = address.segments();
            segments[..3] == [0x2620, 0, 0x9c0]
                || address
                    .to_ipv4_mapped()
                    .is_some_and(|v4| is_internet_archive_host(&url::Host::Ipv4(v4)))
        }
    }
}
