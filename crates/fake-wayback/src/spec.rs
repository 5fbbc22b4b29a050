//! Fault rules written as `KIND:RATE`, as the binary's `--fault` option takes them.

use std::time::Duration;

use crate::server::{Fault, FaultRule, FaultTarget, Pool};

/// Every kind `--fault` accepts, with what it does and to which requests.
pub const FAULT_KINDS: &[(&str, &str)] = &[
    ("too-many-requests", "429 without Retry-After (any request)"),
    ("service-unavailable", "503 (any request)"),
    ("gateway-timeout", "504 (any request)"),
    ("slow-headers", "2 s before the response head (any request)"),
    (
        "slow-body",
        "the body 64 bytes at a time, 200 ms apart (any request)",
    ),
    ("reset", "a TCP reset, no response (any request)"),
    (
        "truncated-body",
        "half the announced body, then a reset (any request)",
    ),
    ("redirect-loop", "redirects in a circle (playback)"),
    (
        "redirect-off-archive",
        "a redirect outside the archive (playback)",
    ),
    (
        "wrong-charset",
        "Content-Type charset replaced by iso-8859-1 (playback)",
    ),
    ("huge-body", "a 64 MiB memento (playback)"),
    (
        "double-gzip",
        "gzipped once, Content-Encoding: gzip twice (playback)",
    ),
    (
        "scrambled-body",
        "a memento with one byte altered: SHA-1 != CDX digest (playback)",
    ),
    (
        "html-instead-of-cdx",
        "an HTML maintenance page with status 200 (CDX)",
    ),
    (
        "cdx-cut-short",
        "the CDX answer cut in half, HTTP complete (CDX)",
    ),
    ("garbled-cdx", "HTTP 200, unreadable body (CDX)"),
    (
        "blocked",
        "403 AdministrativeAccessControlException, gzip page (any request)",
    ),
    (
        "robots-blocked",
        "403 RobotAccessControlException, gzip page (any request)",
    ),
    (
        "not-in-archive",
        "404 ResourceNotInArchiveException, gzip page (any request)",
    ),
];

/// The fault of a kind of [`FAULT_KINDS`] and the requests it applies to.
pub fn fault_of_kind(kind: &str) -> Option<(Fault, FaultTarget)> {
    let any = FaultTarget::Any;
    let cdx = FaultTarget::Pool(Pool::Cdx);
    let playback = FaultTarget::Pool(Pool::Playback);
    Some(match kind {
        "too-many-requests" => (Fault::TooManyRequests { retry_after: None }, any),
        "service-unavailable" => (Fault::ServiceUnavailable, any),
        "gateway-timeout" => (Fault::GatewayTimeout, any),
        "slow-headers" => (Fault::SlowHeaders(Duration::from_secs(2)), any),
        "slow-body" => (
            Fault::SlowBody {
                chunk: 64,
                delay: Duration::from_millis(200),
            },
            any,
        ),
        "reset" => (Fault::ResetConnection, any),
        "truncated-body" => (Fault::TruncatedBody, any),
        "redirect-loop" => (Fault::RedirectLoop, playback),
        "redirect-off-archive" => (
            Fault::RedirectOffArchive("http://off-archive.invalid/".into()),
            playback,
        ),
        "wrong-charset" => (Fault::WrongCharset("iso-8859-1".into()), playback),
        "huge-body" => (Fault::HugeBody(64 << 20), playback),
        "double-gzip" => (Fault::DoubleGzip, playback),
        "scrambled-body" => (Fault::ScrambledBody, playback),
        "html-instead-of-cdx" => (Fault::HtmlInsteadOfCdx, cdx),
        "cdx-cut-short" => (Fault::CdxCutShort, cdx),
        "garbled-cdx" => (Fault::GarbledCdx, cdx),
        "blocked" => (
            Fault::runtime_error("AdministrativeAccessControlException"),
            any,
        ),
        "robots-blocked" => (Fault::runtime_error("RobotAccessControlException"), any),
        "not-in-archive" => (Fault::runtime_error("ResourceNotInArchiveException"), any),
        _ => return None,
    })
}

impl FaultRule {
    /// Parses `KIND:RATE` (`garbled-cdx:0.05`): a kind of [`FAULT_KINDS`] applied to that
    /// fraction (0 to 1) of its requests. The error says what was wrong and what to write.
    pub fn from_spec(spec: &str) -> Result<FaultRule, String> {
        let Some((kind, rate)) = spec.rsplit_once(':') else {
            return Err(format!(
                "fault {spec:?} has no rate: write KIND:RATE, e.g. garbled-cdx:0.1"
            ));
        };
        let Some((fault, target)) = fault_of_kind(kind.trim()) else {
            let kinds: Vec<&str> = FAULT_KINDS.iter().map(|(name, _)| *name).collect();
            return Err(format!(
                "unknown fault kind {kind:?}: use one of {}",
                kinds.join(", ")
            ));
        };
        let rate = match rate.trim().parse::<f64>() {
            Ok(rate) if (0.0..=1.0).contains(&rate) => rate,
            _ => {
                return Err(format!(
                    "fault rate {rate:?} in {spec:?} is not a number from 0 to 1"
                ));
            }
        };
        Ok(FaultRule::new(target, fault).rate(rate))
    }
}
