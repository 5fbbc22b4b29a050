//! The errors a caller of the client can act on.

use std::time::SystemTime;

/// Everything that can go wrong talking to an archive.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WaybackError {
    /// The archive has no capture of this URL (its own 404, not an archived 404).
    #[error("{url} is not archived{}", near(timestamp.as_deref()))]
    NotArchived {
        /// The original URL.
        url: String,
        /// The timestamp asked for (`None` for a listing).
        timestamp: Option<String>,
    },
    /// The archive refuses to serve this URL: excluded at the site's request, by robots.txt,
    /// or by another access rule.
    #[error("{url} is blocked from the archive ({reason})")]
    BlockedBySite {
        /// The original URL.
        url: String,
        /// Why the archive refuses it.
        reason: BlockReason,
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

fn near(timestamp: Option<&str>) -> String {
    timestamp.map_or_else(String::new, |timestamp| format!(" (near {timestamp})"))
}

/// Why the archive refuses to serve a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockReason {
    /// Excluded by the archive's administrators, usually at the site's request
    /// (`AdministrativeAccessControlException`, the "Blocked Site Error").
    ExcludedBySite,
    /// Excluded by the site's robots.txt (`RobotAccessControlException`).
    Robots,
    /// Another access rule of the archive (`AccessControlException`,
    /// `AuthenticationControlException`).
    AccessRestricted,
}

impl std::fmt::Display for BlockReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BlockReason::ExcludedBySite => "excluded at the site's request",
            BlockReason::Robots => "excluded by the site's robots.txt",
            BlockReason::AccessRestricted => "access restricted by the archive",
        })
    }
}

/// What the archive's `X-Archive-Wayback-Runtime-Error` header (or its error page) says went
/// wrong, by the Wayback exception it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RuntimeError {
    /// The URL is excluded.
    Blocked(BlockReason),
    /// The archive holds no capture (`ResourceNotInArchiveException`,
    /// `LiveDocumentNotAvailableException`).
    NotInArchive,
    /// The archive cannot serve it right now (`ResourceNotAvailableException`,
    /// `ResourceIndexNotAvailableException`, `LiveWebCacheUnavailableException`,
    /// `LiveWebTimeoutException`, `RobotTimedOutAccessControlException`,
    /// `RobotNotAvailableException`): worth retrying.
    Unavailable(&'static str),
    /// The archive rejected the query (`BadQueryException`).
    BadQuery(String),
}

impl RuntimeError {
    /// The known exception named in `X-Archive-Wayback-Runtime-Error`, if any.
    pub(crate) fn from_headers(headers: &reqwest::header::HeaderMap) -> Option<RuntimeError> {
        headers
            .get_all("x-archive-wayback-runtime-error")
            .iter()
            .find_map(|value| RuntimeError::from_text(&String::from_utf8_lossy(value.as_bytes())))
    }

    /// The first known Wayback exception named in `text` (a header value or an error page).
    pub(crate) fn from_text(text: &str) -> Option<RuntimeError> {
        let names = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
            .filter_map(|token| token.rsplit('.').next())
            .filter(|name| name.ends_with("Exception"));
        for name in names {
            let known = match name {
                "AdministrativeAccessControlException" => {
                    RuntimeError::Blocked(BlockReason::ExcludedBySite)
                }
                "RobotAccessControlException" => RuntimeError::Blocked(BlockReason::Robots),
                "AccessControlException" | "AuthenticationControlException" => {
                    RuntimeError::Blocked(BlockReason::AccessRestricted)
                }
                "ResourceNotInArchiveException" | "LiveDocumentNotAvailableException" => {
                    RuntimeError::NotInArchive
                }
                "ResourceNotAvailableException" => {
                    RuntimeError::Unavailable("ResourceNotAvailableException")
                }
                "ResourceIndexNotAvailableException" => {
                    RuntimeError::Unavailable("ResourceIndexNotAvailableException")
                }
                "LiveWebCacheUnavailableException" => {
                    RuntimeError::Unavailable("LiveWebCacheUnavailableException")
                }
                "LiveWebTimeoutException" => RuntimeError::Unavailable("LiveWebTimeoutException"),
                "RobotTimedOutAccessControlException" => {
                    RuntimeError::Unavailable("RobotTimedOutAccessControlException")
                }
                "RobotNotAvailableException" => {
                    RuntimeError::Unavailable("RobotNotAvailableException")
                }
                "BadQueryException" => RuntimeError::BadQuery(excerpt(text.as_bytes(), 160)),
                _ => continue,
            };
            return Some(known);
        }
        None
    }

    /// The error for `original` (the URL asked about); `request` is the URL requested.
    pub(crate) fn to_error(
        &self,
        original: &str,
        timestamp: Option<&str>,
        request: &str,
        status: u16,
    ) -> WaybackError {
        match self {
            RuntimeError::Blocked(reason) => WaybackError::BlockedBySite {
                url: original.to_owned(),
                reason: *reason,
            },
            RuntimeError::NotInArchive => WaybackError::NotArchived {
                url: original.to_owned(),
                timestamp: timestamp.map(str::to_owned),
            },
            RuntimeError::Unavailable(name) => WaybackError::BadResponse {
                url: request.to_owned(),
                detail: format!(
                    "HTTP {status}: the archive cannot serve it right now ({name}); retry later"
                ),
            },
            RuntimeError::BadQuery(message) => WaybackError::InvalidInput(format!(
                "the archive rejected the query for {original} (HTTP {status}: {message}); \
                 check the URL, dates and filters"
            )),
        }
    }
}

/// A short, printable excerpt of a body for an error message: control characters removed,
/// markup tags dropped, whitespace collapsed, at most `max_chars` characters. Binary or
/// undecodable bytes are never copied: they are described by their size.
pub(crate) fn excerpt(body: &[u8], max_chars: usize) -> String {
    let head = &body[..body.len().min(64 * 1024)];
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // A multi-byte character cut by the 64 KiB window is still text.
        Err(error) if error.error_len().is_none() => {
            std::str::from_utf8(&head[..error.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return format!("{} bytes of binary data", body.len()),
    };
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !c.is_whitespace())
        .count();
    if controls * 20 > text.chars().count().max(1) {
        return format!("{} bytes of binary data", body.len());
    }
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            _ if in_tag => {}
            c if c.is_whitespace() => plain.push(' '),
            c if c.is_control() => {}
            c => plain.push(c),
        }
    }
    let words: Vec<&str> = plain.split_whitespace().collect();
    let collapsed = words.join(" ");
    if collapsed.chars().count() <= max_chars {
        return collapsed;
    }
    let mut cut: String = collapsed.chars().take(max_chars).collect();
    cut.push('…');
    cut
}

impl WaybackError {
    /// Whether the client has stopped and every later call will fail the same way.
    pub fn is_halt(&self) -> bool {
        matches!(
            self,
            WaybackError::RateLimited { .. } | WaybackError::ArchiveRefusing { .. }
        )
    }

    /// Whether the failure may pass, so the same request is worth retrying on a later run
    /// (network failures, unexpected or damaged answers, redirect loops, rate limits and
    /// refusals); the archive's final answers (not archived, blocked, too large...) are not.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            WaybackError::Network { .. }
                | WaybackError::BadResponse { .. }
                | WaybackError::RedirectLoop { .. }
                | WaybackError::RateLimited { .. }
                | WaybackError::ArchiveRefusing { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_error_names_are_mapped_most_specific_first() {
        let header = "org.archive.util.io.RuntimeIOException: org.archive.wayback.exception.AdministrativeAccessControlException: Blocked Site Error";
        assert_eq!(
            RuntimeError::from_text(header),
            Some(RuntimeError::Blocked(BlockReason::ExcludedBySite))
        );
        assert_eq!(
            RuntimeError::from_text(
                "org.archive.wayback.exception.RobotAccessControlException: Blocked By Robots"
            ),
            Some(RuntimeError::Blocked(BlockReason::Robots))
        );
        assert_eq!(
            RuntimeError::from_text("AccessControlException"),
            Some(RuntimeError::Blocked(BlockReason::AccessRestricted))
        );
        assert_eq!(
            RuntimeError::from_text(
                "org.archive.wayback.exception.ResourceNotInArchiveException: ..."
            ),
            Some(RuntimeError::NotInArchive)
        );
        assert!(matches!(
            RuntimeError::from_text("LiveWebTimeoutException"),
            Some(RuntimeError::Unavailable(_))
        ));
        assert_eq!(
            RuntimeError::from_text("java.lang.NullPointerException"),
            None
        );
    }

    #[test]
    fn only_failures_that_may_pass_are_transient() {
        let url = || "http://a.com/".to_owned();
        let retry_at = SystemTime::UNIX_EPOCH;
        let transient = [
            WaybackError::Network {
                url: url(),
                detail: "reset".into(),
                attempts: 3,
            },
            WaybackError::BadResponse {
                url: url(),
                detail: "HTTP 503".into(),
            },
            WaybackError::RedirectLoop {
                url: url(),
                hops: 10,
            },
            WaybackError::RateLimited { retry_at },
            WaybackError::ArchiveRefusing {
                streak: 5,
                retry_at,
            },
        ];
        for error in &transient {
            assert!(error.is_transient(), "{error}");
        }
        let lasting = [
            WaybackError::NotArchived {
                url: url(),
                timestamp: None,
            },
            WaybackError::BlockedBySite {
                url: url(),
                reason: BlockReason::Robots,
            },
            WaybackError::TooLarge {
                url: url(),
                limit: 10,
            },
            WaybackError::RedirectOutsideArchive {
                from: url(),
                location: "http://elsewhere.example/".into(),
            },
            WaybackError::InvalidInput("bad filter".into()),
        ];
        for error in &lasting {
            assert!(!error.is_transient(), "{error}");
        }
    }

    #[test]
    fn excerpts_are_short_printable_and_never_binary() {
        assert_eq!(
            excerpt(
                b"<html><title>Error</title>\n<p>Blocked\tSite</p></html>",
                80
            ),
            "Error Blocked Site"
        );
        let gzip = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\xc8\x01";
        assert_eq!(excerpt(gzip, 80), "13 bytes of binary data");
        let long = "word ".repeat(100);
        assert_eq!(excerpt(long.as_bytes(), 20).chars().count(), 21);
        assert!(!excerpt(b"a\x07b\x1bc", 80).contains('\x07'));
    }
}
