//! The errors a caller of the client can act on.

use std::time::SystemTime;

/// Everything that can go wrong talking to an archive.
#[derive(Debug, thiserror::Error)]
pub enum WaybackError {
    /// The archive has no capture of this URL (its own 404, not an archived 404).
    #[error("{url} is not archived (near {timestamp})")]
    NotArchived {
        /// The original URL.
        url: String,
        /// The timestamp asked for.
        timestamp: String,
    },
    /// The site's owner had it excluded from the archive.
    #[error("{url} is blocked from the archive (excluded at the site's request)")]
    BlockedBySite {
        /// The original URL.
        url: String,
    },
    /// The archive answered 429; the client stopped sending to respect it.
    #[error("the archive is rate-limiting this client; stopped to avoid a block: retry after {}", crate::time::describe(*retry_at))]
    RateLimited {
        /// When it is safe to try again.
        retry_at: SystemTime,
    },
    /// The archive refused connections repeatedly: it is down or its firewall blocks us.
    #[error("the archive refused {streak} connections in a row (it is down, or its firewall is blocking this address); stopped: retry after {}", crate::time::describe(*retry_at))]
    ArchiveRefusing {
        /// Refused connections in a row.
        streak: u32,
        /// When it is reasonable to try again.
        retry_at: SystemTime,
    },
    /// A body was larger than the configured cap.
    #[error("{url} is larger than the {limit}-byte cap (raise max_body_bytes to fetch it)")]
    TooLarge {
        /// The request URL.
        url: String,
        /// The cap in bytes.
        limit: u64,
    },
    /// A redirect pointed outside the archive; it was not followed.
    #[error("refused to follow a redirect outside the archive: {from} -> {location}")]
    RedirectOutsideArchive {
        /// The URL that redirected.
        from: String,
        /// Where it pointed.
        location: String,
    },
    /// Redirects went round in a circle or were too many.
    #[error("redirect loop or too many redirects starting at {url} ({hops} hops)")]
    RedirectLoop {
        /// The first URL requested.
        url: String,
        /// Hops followed before giving up.
        hops: usize,
    },
    /// The archive answered something that is not what the protocol promises.
    #[error("unexpected response from {url}: {detail}")]
    BadResponse {
        /// The request URL.
        url: String,
        /// What was wrong.
        detail: String,
    },
    /// The network failed, after retries.
    #[error("network error on {url} after {attempts} attempt(s): {detail}")]
    Network {
        /// The request URL.
        url: String,
        /// What failed last.
        detail: String,
        /// Attempts made.
        attempts: u32,
    },
    /// The caller's input was invalid (URL, timestamp, filter...).
    #[error("{0}")]
    InvalidInput(String),
}

impl WaybackError {
    /// Whether the client has stopped and every later call will fail the same way.
    pub fn is_halt(&self) -> bool {
        matches!(
            self,
            WaybackError::RateLimited { .. } | WaybackError::ArchiveRefusing { .. }
        )
    }
}
