//! A Wayback-compatible archive served on 127.0.0.1 from fixture captures, for tests and for
//! trying the tool offline: the CDX API (`/cdx/search/cdx`, also `/web/timemap/{cdx,json}`) and
//! `id_` playback (`/web/<timestamp>id_/<url>`), in the real archive's formats, with faults
//! injected on demand and a log of every request.
//!
//! Not for: production archiving. It holds fixtures in memory and binds loopback only.
//!
//! # Fixture folders
//! `tests/fixtures/NAME/` holds `domains.txt` (one domain per line, `#` comments) and
//! `captures.toml`:
//!
//! ```toml
//! blocked = ["excluded-site.com"]        # hosts excluded from the archive (403 + runtime error)
//!
//! [[capture]]
//! url = "http://www.example.com/privacy"  # the URL as captured
//! timestamp = "20170608160109"            # 14 digits
//! status = 200                            # default 200
//! mimetype = "text/html"                  # default text/html
//! body = "bodies/example-privacy.html"    # relative to the folder; omitted = empty
//! headers = { "Content-Type" = "text/html; charset=windows-1252" }  # archived headers
//! location = "/legal/privacy"             # archived redirect target (3xx)
//! raw_location = false                    # true: serve Location un-rewritten (pywb style)
//! ```
//!
//! # Behaviour
//! - CDX: `url` (with `*` forms), `matchType`, `from`/`to` (inclusive, partial `to` widened),
//!   `filter` (`[!]field:regex`, full match), `collapse` (`field[:N]`, adjacent rows), `fl`,
//!   `limit` (negative: last N), `output=json`, `showResumeKey`/`resumeKey`. Digests are the
//!   base32 SHA-1 of the bodies.
//! - Playback: exact timestamp → the capture with `Memento-Datetime`, `Link`,
//!   `x-archive-orig-*`, `x-archive-src`; archived redirects with `Location` rewritten into the
//!   archive; other timestamps → 302 "found capture at" to the nearest capture without
//!   `Memento-Datetime`; unknown URL → the "not archived" 404; blocked host → 403.
//! - Blocked hosts get the archive's 403 with `X-Archive-Wayback-Runtime-Error:
//!   ...AdministrativeAccessControlException...`, the error text gzip-encoded when the request
//!   accepts gzip.
//! - Faults ([`Fault`], [`FaultRule`]) replace or alter answers: per rule, for a number of
//!   requests, one in N, or a seeded random fraction ([`FaultRule::rate`],
//!   [`FakeWayback::set_fault_seed`]). `GET /__faults` answers the counts injected so far by
//!   kind, as a JSON object (`{"garbled-cdx": 3}`).
//! - [`FakeWayback::shutdown`] closes the listener, so later connections are refused: that is
//!   how tests simulate the archive's firewall block.

#![forbid(unsafe_code)]

mod cdx;
mod fixtures;
mod server;
mod spec;

pub use fixtures::{FixtureCapture, FixtureError, FixtureSet, surt};
pub use server::{FakeWayback, Fault, FaultRule, FaultTarget, Pool, RequestRecord, RetryAfter};
pub use spec::{FAULT_KINDS, fault_of_kind};
