//! The crawl: for each domain, find its privacy policy through time in a Wayback-compatible
//! archive (homepage samples, policy links, moved URLs, redirects, rebrands), download each
//! distinct capture once, convert it, and keep one version per distinct text in the store.
//!
//! Spends CDX requests, the archive's scarcest resource, sparingly: two listings per domain
//! (homepage samples, and every candidate policy URL at once with `collapse=digest`), one more
//! per rebrand or unlisted policy link, and from the last listed capture on later runs.
//!
//! Not for: HTTP details and rate limits (the `wayback` crate), HTML-to-Markdown (the
//! `policy-text` crate), SQL (the `store` crate), or printing (the binary).

#![forbid(unsafe_code)]

mod decide;
mod discover;
mod discovery;
mod domain;
mod fetch;
pub mod not_policy;
mod parked;
mod rebuild;
mod search;
mod text;
mod versions;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use store::{RunCounts, RunStatus, Store, StoreError};
use wayback::WaybackClient;

pub use discovery::{InvalidDomain, Keywords, TypeKeywords, normalize_domain};
pub use fetch::fewest_downloads;
pub use rebuild::{DomainRebuild, RebuildReport, rebuild};
pub use search::{DEFAULT_RESOLUTION_SECONDS, Strategy};
pub use store::DocumentType;

/// Crawl settings (`[crawl]` in the configuration file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CrawlSettings {
    /// The SQLite file.
    pub db: PathBuf,
    /// A file of domains, one per line (`#` comments), used when none are given.
    pub domains_file: Option<PathBuf>,
    /// Months between two homepage samples read for discovery.
    pub homepage_sample_months: u32,
    /// Most homepage captures read per domain and run.
    pub max_homepage_reads: u32,
    /// Domains crawled at once (their requests share the archive's rate limits).
    pub domain_concurrency: u32,
    /// Days after which `--due` crawls a domain again.
    pub crawl_interval_days: f64,
    /// Attempts at a capture before it is given up.
    pub max_fetch_attempts: u32,
    /// The archive written in the Markdown header's snapshot links.
    pub snapshot_base: String,
    /// Whether a capture whose bytes still differ from its CDX digest after every attempt
    /// counts for versions (by default it is kept, flagged `mismatch`, and left out).
    pub accept_digest_mismatch: bool,
    /// The document types crawled (privacy alone by default), in order.
    pub types: Vec<DocumentType>,
    /// Words that mark each type's links and URLs.
    pub keywords: TypeKeywords,
    /// Which policy captures are downloaded (`change-point` by default).
    pub strategy: StrategyName,
    /// The change-point search's resolution, in days: inside a span whose ends hold the same
    /// text, no capture is inferred more than this before a downloaded one.
    pub resolution_days: f64,
}

impl Default for CrawlSettings {
    fn default() -> CrawlSettings {
        CrawlSettings {
            db: PathBuf::from("data/crawler.sqlite"),
            domains_file: None,
            homepage_sample_months: 3,
            max_homepage_reads: 6,
            domain_concurrency: 4,
            crawl_interval_days: 7.0,
            max_fetch_attempts: 5,
            snapshot_base: "https://web.archive.org".into(),
            accept_digest_mismatch: false,
            types: vec![DocumentType::Privacy],
            keywords: TypeKeywords::default(),
            strategy: StrategyName::ChangePoint,
            resolution_days: DEFAULT_RESOLUTION_SECONDS as f64 / 86_400.0,
        }
    }
}

impl CrawlSettings {
    /// Refuses values that would make a crawl hang or do nothing useful; the message names the
    /// key.
    pub fn validate(&self) -> Result<(), CrawlError> {
        let whole = |key: &str, value: u32, min: u32, max: u32| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                Err(CrawlError::InvalidSettings(format!(
                    "[crawl] {key} = {value} is out of range: give a whole number from {min} to {max}"
                )))
            }
        };
        whole(
            "homepage_sample_months",
            self.homepage_sample_months,
            1,
            1200,
        )?;
        whole("max_homepage_reads", self.max_homepage_reads, 0, 100_000)?;
        whole("domain_concurrency", self.domain_concurrency, 1, 256)?;
        whole("max_fetch_attempts", self.max_fetch_attempts, 1, 1000)?;
        let days = self.crawl_interval_days;
        if !(days.is_finite() && (0.0..=36_500.0).contains(&days)) {
            return Err(CrawlError::InvalidSettings(format!(
                "[crawl] crawl_interval_days = {days} is out of range: give a number of days from 0 to 36500"
            )));
        }
        if self.types.is_empty() {
            return Err(CrawlError::InvalidSettings(
                "[crawl] types = [] crawls nothing: give at least one of \"privacy\", \"terms\", \"trackers\", \"imprint\"".into(),
            ));
        }
        for kind in DocumentType::ALL {
            let words = self.keywords.of(kind);
            if words.url_parts.iter().any(|p| p.trim().is_empty()) {
                return Err(CrawlError::InvalidSettings(format!(
                    "[crawl.keywords.{}] url_parts holds an empty string, which every URL contains: remove it",
                    kind.slug()
                )));
            }
        }
        let resolution = self.resolution_days;
        if !(resolution.is_finite() && resolution * 86_400.0 >= 1.0 && resolution <= 36_500.0) {
            return Err(CrawlError::InvalidSettings(format!(
                "[crawl] resolution_days = {resolution} is out of range: give a number of days from 1 second (0.0000116) to 36500"
            )));
        }
        Ok(())
    }

    /// The default settings, following `strategy`.
    pub fn with_strategy(strategy: Strategy) -> CrawlSettings {
        let (name, resolution_seconds) = match strategy {
            Strategy::Exhaustive => (StrategyName::Exhaustive, DEFAULT_RESOLUTION_SECONDS),
            Strategy::Princeton => (StrategyName::Princeton, DEFAULT_RESOLUTION_SECONDS),
            Strategy::ChangePoint { resolution_seconds } => {
                (StrategyName::ChangePoint, resolution_seconds)
            }
        };
        CrawlSettings {
            strategy: name,
            resolution_days: resolution_seconds as f64 / 86_400.0,
            ..CrawlSettings::default()
        }
    }

    /// The strategy the crawl follows, with its resolution.
    pub fn strategy(&self) -> Strategy {
        match self.strategy {
            StrategyName::Exhaustive => Strategy::Exhaustive,
            StrategyName::Princeton => Strategy::Princeton,
            StrategyName::ChangePoint => Strategy::ChangePoint {
                resolution_seconds: (self.resolution_days * 86_400.0).round().max(1.0) as u64,
            },
        }
    }
}

/// The strategies by name, as the configuration file and `--strategy` give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StrategyName {
    /// Every distinct digest of every policy capture.
    Exhaustive,
    /// The change-point search ([`Strategy::ChangePoint`]).
    ChangePoint,
    /// The capture nearest 1 April and 1 October of each year.
    Princeton,
}

/// Bounds of one run (`--from`/`--to`, as CDX takes them: 4 to 14 digits).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Window {
    /// Earliest capture time.
    pub from: Option<String>,
    /// Latest capture time.
    pub to: Option<String>,
}

impl Window {
    /// Whether the run is bounded (then cursors are not moved: a bounded run is a one-off).
    pub fn is_bounded(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }
}

/// What can stop a crawl.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    /// The store failed; nothing stored before is lost.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A task could not be joined (a bug).
    #[error("internal error: {0}")]
    Internal(String),
    /// A setting is out of range; the message names it.
    #[error("{0}")]
    InvalidSettings(String),
}

/// Live counts of a run, readable while it goes (for progress bars).
#[derive(Debug, Default)]
pub struct LiveCounts {
    /// Domains finished.
    pub domains_done: AtomicU64,
    /// CDX rows recorded.
    pub captures_listed: AtomicU64,
    /// Captures downloaded.
    pub captures_fetched: AtomicU64,
    /// Versions added.
    pub versions_new: AtomicU64,
    /// Captures converted to text (a capture is converted once: at most one per download).
    pub conversions: AtomicU64,
    /// Failures.
    pub errors: AtomicU64,
}

/// How one domain's crawl ended in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeState {
    /// Done.
    Ok,
    /// The archive excludes the site.
    Blocked,
    /// It failed; the next run tries again.
    Failed,
    /// The client stopped (rate limit or refusals) before the domain was done.
    Halted,
}

impl OutcomeState {
    /// The name printed and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeState::Ok => "ok",
            OutcomeState::Blocked => "blocked",
            OutcomeState::Failed => "failed",
            OutcomeState::Halted => "halted",
        }
    }
}

impl std::fmt::Display for OutcomeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// How one domain went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainOutcome {
    /// The domain.
    pub domain: String,
    /// The type of document.
    pub document_type: DocumentType,
    /// How it ended.
    pub state: OutcomeState,
    /// Versions added by this run.
    pub versions_new: u64,
    /// Versions stored in all.
    pub versions_total: u64,
    /// Captures downloaded by this run.
    pub captures_fetched: u64,
    /// What went wrong, if anything.
    pub error: Option<String>,
}

/// The result of a run.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// The run's row in `crawl_runs`.
    pub run_id: i64,
    /// How it ended.
    pub status: RunStatus,
    /// Its counts.
    pub counts: RunCounts,
    /// Per domain, in the order given.
    pub domains: Vec<DomainOutcome>,
    /// Why it stopped early, with when to retry.
    pub halt: Option<String>,
}

/// Runs crawls: one client, one store.
pub struct Crawler {
    pub(crate) client: WaybackClient,
    pub(crate) store: Mutex<Store>,
    pub(crate) settings: CrawlSettings,
    pub(crate) live: Arc<LiveCounts>,
    pub(crate) halted: AtomicBool,
}

impl Crawler {
    /// A crawler over `client` and `store`.
    pub fn new(client: WaybackClient, store: Store, settings: CrawlSettings) -> Crawler {
        Crawler {
            client,
            store: Mutex::new(store),
            settings,
            live: Arc::new(LiveCounts::default()),
            halted: AtomicBool::new(false),
        }
    }

    /// Counts that move while [`Crawler::run`] works.
    pub fn live_counts(&self) -> Arc<LiveCounts> {
        Arc::clone(&self.live)
    }

    /// The client (for its request counts).
    pub fn client(&self) -> &WaybackClient {
        &self.client
    }

    /// Gives the store back.
    pub fn into_store(self) -> Store {
        self.store
            .into_inner()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    pub(crate) fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        let mut guard = self
            .store
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        f(&mut guard)
    }

    /// Crawls `domains` (canonical names, see [`normalize_domain`]) and records the run.
    /// Domains are worked on `domain_concurrency` at a time; a rate-limit halt stops them all
    /// cleanly, with everything done so far kept.
    pub async fn run(&self, domains: &[String], window: &Window) -> Result<RunReport, CrawlError> {
        let settings_json = serde_json::json!({
            "archive": self.client.config().base_url,
            "cdx_requests_per_minute": self.client.config().cdx_requests_per_minute,
            "playback_requests_per_second": self.client.config().playback_requests_per_second,
            "crawl": &self.settings,
            "window": window,
            "domains": domains.len(),
        });
        let run_id = self.with_store(|s| s.start_run(&settings_json, domains.len() as u64))?;
        let before = self.client.stats();
        let concurrency = self.settings.domain_concurrency.max(1) as usize;
        let mut outcomes: Vec<Vec<DomainOutcome>> = vec![Vec::new(); domains.len()];
        let mut stream =
            futures_util::stream::iter(domains.iter().enumerate())
                .map(|(index, name)| async move {
                    (index, self.crawl_domain(name, window, run_id).await)
                })
                .buffer_unordered(concurrency);
        let mut failure = None;
        while let Some((index, result)) = stream.next().await {
            match result {
                Ok(outcome) => {
                    let whole = outcome.len() == self.settings.types.len()
                        && outcome.iter().all(|o| o.state != OutcomeState::Halted);
                    if whole {
                        self.live.domains_done.fetch_add(1, Ordering::Relaxed);
                    }
                    outcomes[index] = outcome;
                    let counts = self.counts(domains.len(), &before);
                    self.with_store(|s| s.update_run(run_id, &counts))?;
                }
                Err(error) => {
                    self.halted.store(true, Ordering::Relaxed);
                    failure.get_or_insert(error);
                }
            }
        }
        drop(stream);
        let counts = self.counts(domains.len(), &before);
        if let Some(error) = failure {
            let message = error.to_string();
            self.with_store(|s| s.finish_run(run_id, &counts, RunStatus::Failed, Some(&message)))?;
            return Err(error);
        }
        let halt = self.client.halted().map(|halt| halt.to_error().to_string());
        let status = if halt.is_some() {
            RunStatus::Halted
        } else {
            RunStatus::Completed
        };
        self.with_store(|s| s.finish_run(run_id, &counts, status, halt.as_deref()))?;
        Ok(RunReport {
            run_id,
            status,
            counts,
            domains: outcomes.into_iter().flatten().collect(),
            halt,
        })
    }

    fn counts(&self, total: usize, before: &wayback::ClientStats) -> RunCounts {
        let stats = self.client.stats();
        RunCounts {
            domains_total: total as u64,
            domains_done: self.live.domains_done.load(Ordering::Relaxed),
            captures_listed: self.live.captures_listed.load(Ordering::Relaxed),
            captures_fetched: self.live.captures_fetched.load(Ordering::Relaxed),
            versions_new: self.live.versions_new.load(Ordering::Relaxed),
            cdx_requests: stats.cdx_requests - before.cdx_requests,
            playback_requests: stats.playback_requests - before.playback_requests,
            errors: self.live.errors.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn is_halted(&self) -> bool {
        self.halted.load(Ordering::Relaxed) || self.client.halted().is_some()
    }
}
