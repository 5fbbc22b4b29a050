//! Announces new privacy-policy versions after a crawl, for the `crawler` tool that rebuilds
//! privacy-policy histories from the Wayback Machine.
//!
//! - [`changes`]: what each stored version of a domain announces (a [`Change`]: its date, URLs,
//!   the field changes and word-diff counts that `policy_diff::compare` found against the
//!   version before), with an id stable across reruns ([`entry_id`]: domain, text hash, first
//!   capture);
//! - [`write_domain_feed`], [`read_domain_feed`], [`write_store_feed`]: Atom 1.0 feeds
//!   (`DIR/DOMAIN.atom`, `DIR/all.atom`, written with `atom_syndication`) and, beside them, one
//!   HTML diff page per change (`DIR/DOMAIN/vN.html`, `policy_diff`'s HTML view of that change);
//! - [`notify`]: one JSON document listing a run's new versions ([`new_versions`]: the pure set
//!   difference of the versions before and after the run) POSTed to a webhook, bounded in time.
//!
//! Versions whose start was found by `crawler rebuild` (`found_by_rebuild`: a newer converter
//! tells apart texts an older one found alike) are tooling changes, not policy changes: they
//! are left out of feeds and notifications (the next version's change is still announced,
//! against the version before it).
//!
//! What it is not: it reads no database (the caller passes the versions as `policy_diff`
//! views), sends nothing to the archive (the webhook has its own HTTP client, and only talks to
//! the URL the user gave), and neither diffs nor extracts fields itself (`policy_diff` and
//! `fields` do).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod atom;
mod notify;

use policy_diff::{DiffStats, FieldChange, VersionView};
use serde::Serialize;

pub use atom::{MAX_STORE_ENTRIES, read_domain_feed, write_domain_feed, write_store_feed};
/// A feed entry (`atom_syndication`'s).
pub use atom_syndication::Entry;
pub use notify::{FeedSettings, NotifyOutcome, Payload, SettingsError, notify};

/// One stored version as the feeds see it: the diff view plus what identifies it.
#[derive(Debug, Clone, Copy)]
pub struct Version<'a> {
    /// The version as `policy_diff` sees it.
    pub view: VersionView<'a>,
    /// The hash of its compared text (`policy_text::document::text_hash`).
    pub text_hash: &'a str,
    /// The archive's `id_` URL of its first capture.
    pub snapshot_url: Option<&'a str>,
}

/// What identifies a version across runs and rebuilds of its number: its domain, text hash and
/// first capture (14 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct VersionKey {
    /// The domain asked for.
    pub domain: String,
    /// The hash of the compared text.
    pub text_hash: String,
    /// The first capture showing it (14 digits).
    pub first_seen: String,
}

/// What one version announces: the first version of a domain, or a change of its policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The version's identity.
    #[serde(flatten)]
    pub key: VersionKey,
    /// The feed entry id ([`entry_id`]).
    pub entry_id: String,
    /// The version number (1 for the oldest).
    pub seq: i64,
    /// The first capture's time, RFC 3339 (UTC).
    pub first_seen_at: String,
    /// Where the policy was found.
    pub url: String,
    /// The archive's `id_` URL of the first capture.
    pub snapshot_url: Option<String>,
    /// The page title.
    pub title: Option<String>,
    /// The version before it (`None` for the first version).
    pub previous_seq: Option<i64>,
    /// What changed in the extracted fields and the URL (empty for the first version).
    pub field_changes: Vec<FieldChange>,
    /// Line and word counts of the text diff (`None` for the first version).
    pub stats: Option<DiffStats>,
}

impl Change {
    /// One line saying what changed: the field changes, then the word counts
    /// (`+ GDPR; last updated 2013-01-10 -> 2014-09-29; 120 words added, 30 removed`).
    pub fn summary(&self) -> String {
        let Some(stats) = self.stats else {
            return "first version seen".to_owned();
        };
        let mut parts: Vec<String> = self
            .field_changes
            .iter()
            .map(|c| c.summary.clone())
            .collect();
        parts.push(words_summary(stats));
        parts.join("; ")
    }

    /// The diff page's path relative to the feed folder (`DOMAIN/vN.html`), for changes.
    pub fn diff_page(&self) -> Option<String> {
        self.previous_seq
            .map(|_| format!("{}/v{}.html", self.key.domain, self.seq))
    }
}

/// The word diff in words: `120 words added, 30 removed (4 lines added, 2 removed)`, or
/// `text unchanged` (a change of the URL or title only).
fn words_summary(stats: DiffStats) -> String {
    if stats == DiffStats::default() {
        return "text unchanged".to_owned();
    }
    format!(
        "{} word{} added, {} removed ({} line{} added, {} removed)",
        stats.words_added,
        if stats.words_added == 1 { "" } else { "s" },
        stats.words_removed,
        stats.lines_added,
        if stats.lines_added == 1 { "" } else { "s" },
        stats.lines_removed
    )
}

/// The feed entry id of a version: a `tag:` URI (RFC 4151) made of its domain, text hash and
/// first capture, so the same version keeps its id on every rerun, whatever its number.
pub fn entry_id(key: &VersionKey) -> String {
    format!(
        "tag:crawler,2026:{}/{}/{}",
        key.domain, key.text_hash, key.first_seen
    )
}

/// Why feeds could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// An atomic write failed.
    #[error(transparent)]
    Export(#[from] export::ExportError),
    /// An existing feed could not be read back.
    #[error("cannot read the feed {path}: {detail}; delete it and the next crawl writes it again")]
    Read {
        /// The file.
        path: String,
        /// Why.
        detail: String,
    },
    /// A domain name cannot name a feed file.
    #[error("the domain {0:?} cannot name a feed file")]
    BadDomain(String),
    /// A version's first capture is not a timestamp.
    #[error("version {seq} of {domain} has an unreadable first capture time {first_seen:?}")]
    BadTime {
        /// The domain.
        domain: String,
        /// The version number.
        seq: i64,
        /// The stored time.
        first_seen: String,
    },
}

/// The time of a 14-digit archive timestamp, for the feeds.
pub(crate) fn time_of(
    domain: &str,
    seq: i64,
    first_seen: &str,
) -> Result<chrono::DateTime<chrono::Utc>, FeedError> {
    timestamp::Timestamp::parse(first_seen)
        .ok()
        .and_then(|t| chrono::DateTime::from_timestamp(t.unix_seconds(), 0))
        .ok_or_else(|| FeedError::BadTime {
            domain: domain.to_owned(),
            seq,
            first_seen: first_seen.to_owned(),
        })
}

/// What each of `domain`'s `versions` (oldest first) announces, oldest first: the first version,
/// then each change against the version before it. Versions found by a rebuild are left out
/// (see the crate's documentation).
pub fn changes(domain: &str, versions: &[Version<'_>]) -> Result<Vec<Change>, FeedError> {
    let mut out = Vec::with_capacity(versions.len());
    for (i, version) in versions.iter().enumerate() {
        let view = &version.view;
        if view.found_by_rebuild {
            continue;
        }
        let (previous_seq, field_changes, stats) = match i.checked_sub(1) {
            Some(before) => {
                let comparison = policy_diff::compare(&versions[before].view, view);
                let stats = comparison.stats();
                (
                    Some(versions[before].view.seq),
                    comparison.field_changes,
                    Some(stats),
                )
            }
            None => (None, Vec::new(), None),
        };
        let key = VersionKey {
            domain: domain.to_owned(),
            text_hash: version.text_hash.to_owned(),
            first_seen: view.first_seen.to_owned(),
        };
        out.push(Change {
            entry_id: entry_id(&key),
            seq: view.seq,
            first_seen_at: time_of(domain, view.seq, view.first_seen)?
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            url: view.url.to_owned(),
            snapshot_url: version.snapshot_url.map(str::to_owned),
            title: view.title.map(str::to_owned),
            previous_seq,
            field_changes,
            stats,
            key,
        });
    }
    Ok(out)
}

/// The versions of `after` that are not in `before`, in `after`'s order: what a run added.
pub fn new_versions<'a>(before: &[VersionKey], after: &'a [Change]) -> Vec<&'a Change> {
    let before: std::collections::HashSet<&VersionKey> = before.iter().collect();
    after.iter().filter(|c| !before.contains(&c.key)).collect()
}

#[cfg(test)]
mod tests;
