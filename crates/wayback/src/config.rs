//! The client's settings, as plain data that a TOML `[archive]` table fills.

use serde::{Deserialize, Serialize};

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

    /// Whether the archive is the Internet Archive, whose published limits are enforced.
    pub fn is_internet_archive(&self) -> bool {
        url::Url::parse(&self.base_url)
            .ok()
            .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
            .is_some_and(|host| host == "archive.org" || host.ends_with(".archive.org"))
    }
}
