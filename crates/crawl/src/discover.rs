//! Discovery: the domain's listings and the homepage reads its decisions ask for (lazily,
//! within `max_homepage_reads`), saved as a [`Plan`]. The decisions themselves are the pure
//! functions of [`crate::decide`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

use store::{
    Alias, CaptureRecord, DigestCheck, Domain, FetchResult, InitialState, ListingTail, Plan, Role,
};
use wayback::{Capture, CdxQuery, MatchType, Memento, Timestamp, WaybackError};

use crate::decide::{self, HomepageRead};
use crate::discovery::{self, Keywords, match_key};
use crate::{CrawlError, Crawler, Window};

/// Why a discovery ended without a plan (nothing of it is saved).
#[derive(Debug)]
pub(crate) enum DiscoverError {
    /// The archive's answer: the domain fails or is blocked, or the client halted.
    Archive(WaybackError),
    /// The crawl is stopping (another domain's failure): the domain is decided next run.
    Stopping,
    /// The store or the crawl itself failed: the run stops.
    Crawl(CrawlError),
}

impl From<WaybackError> for DiscoverError {
    fn from(error: WaybackError) -> DiscoverError {
        DiscoverError::Archive(error)
    }
}

impl From<CrawlError> for DiscoverError {
    fn from(error: CrawlError) -> DiscoverError {
        DiscoverError::Crawl(error)
    }
}

impl From<store::StoreError> for DiscoverError {
    fn from(error: store::StoreError) -> DiscoverError {
        DiscoverError::Crawl(error.into())
    }
}
/// A homepage read with the fetch result stored for it.
#[derive(Clone)]
struct StoredRead {
    page: HomepageRead,
    result: FetchResult,
}

/// Homepage reads of one discovery (`None`: unreadable), with the budget left, the words of
/// the type it looks for, and what the domain's types share.
struct Reads<'a> {
    by_timestamp: BTreeMap<String, Option<StoredRead>>,
    budget: u32,
    keywords: &'a Keywords,
    shared: &'a Shared,
}

/// What the document types of one domain's crawl share within a run: the CDX listings (one
/// request serves every type that sends the same query: the candidate listing uses the filter
/// of all the run's types, and each type keeps its own URLs) and the homepage captures
/// downloaded (each type scores their links with its own words). A listing that failed (after
/// the client's retries) is kept failed too, so that no type sends it again in this run.
pub(crate) struct Shared {
    filter: String,
    listings: Mutex<HashMap<String, Result<Vec<Capture>, WaybackError>>>,
    homepages: Mutex<HashMap<(String, String), Memento>>,
}

impl Shared {
    /// Nothing shared yet; `filter` lists the candidates of every type crawled.
    pub(crate) fn new(filter: String) -> Shared {
        Shared {
            filter,
            listings: Mutex::new(HashMap::new()),
            homepages: Mutex::new(HashMap::new()),
        }
    }

    fn listing(&self, key: &str) -> Option<Result<Vec<Capture>, WaybackError>> {
        lock(&self.listings).get(key).cloned()
    }

    fn homepage(&self, url: &str, timestamp: &str) -> Option<Memento> {
        lock(&self.homepages)
            .get(&(url.to_owned(), timestamp.to_owned()))
            .cloned()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

impl Crawler {
    /// Lists what is new since the cursors and decides which captures are the policy.
    /// `tails` are where the previous listings ended (empty for a bounded run).
    pub(crate) async fn discover(
        &self,
        domain: &Domain,
        window: &Window,
        tails: &[ListingTail],
        shared: &Shared,
    ) -> Result<Plan, DiscoverError> {
        let name = domain.name.as_str();
        let keywords = self.settings.keywords.of(domain.document_type);
        let after = |cursor: &Option<String>| {
            if window.is_bounded() {
                window.from.clone()
            } else {
                cursor.as_deref().and_then(wayback::add_one_second)
            }
        };
        // Homepages are listed one per month: a month once listed is done.
        let after_month = |cursor: &Option<String>| {
            if window.is_bounded() {
                window.from.clone()
            } else {
                cursor.as_deref().and_then(next_month)
            }
        };
        let homepage_rows = self
            .list(
                shared,
                CdxQuery::new(format!("{name}/"))
                    .filter("statuscode:[23]..")
                    .collapse("timestamp:6"),
                after_month(&domain.homepage_cursor),
                window.to.clone(),
            )
            .await?;
        let listed = self
            .list(
                shared,
                CdxQuery::new(name)
                    .match_type(MatchType::Domain)
                    .filter(shared.filter.clone())
                    .collapse("digest"),
                after(&domain.policy_cursor),
                window.to.clone(),
            )
            .await?;
        let (listed, own_tails) = resume(listed, "", tails, window);
        let pages: Vec<Capture> = listed
            .into_iter()
            .filter(discovery::is_page_capture)
            .collect();
        // The cursor is where the shared listing ended, so that the types crawled together
        // ask the same query next time (and share its one request again).
        let policy_cursor = pages.iter().map(|c| c.timestamp.clone()).max();
        let mut candidates: Vec<Capture> = pages
            .into_iter()
            .filter(|c| keywords.matches_url(&c.original))
            .collect();
        let mut plan = Plan {
            homepage_cursor: homepage_rows.iter().map(|c| c.timestamp.clone()).max(),
            policy_cursor,
            tails: own_tails,
            ..Plan::default()
        };
        if window.is_bounded() {
            plan.homepage_cursor = None;
            plan.policy_cursor = None;
        }
        let mut aliases = self.with_store(|s| s.aliases(domain.id))?;
        for alias in &mut aliases {
            let (rows, alias_tails) = self
                .list_alias(
                    shared,
                    keywords,
                    alias,
                    after(&alias.policy_cursor),
                    window,
                    tails,
                )
                .await?;
            plan.tails.extend(alias_tails);
            if let Some(newest) = rows.iter().map(|c| c.timestamp.clone()).max()
                && !window.is_bounded()
            {
                alias.policy_cursor = Some(newest);
                plan.aliases.push(alias.clone());
            }
            candidates.extend(rows);
        }

        let mut samples =
            decide::sample_homepages(&homepage_rows, self.settings.homepage_sample_months);
        let mut reads = Reads {
            by_timestamp: BTreeMap::new(),
            budget: self.settings.max_homepage_reads,
            keywords,
            shared,
        };

        // A homepage that ends in a redirect may mean the site moved to another domain.
        if let Some(last) = decide::redirect_to_check(&homepage_rows)
            && let Some(read) = self.read_homepage(last, &mut reads).await?
        {
            if let Some(host) = decide::moved_to(&read.page, name, &aliases) {
                tracing::info!(%host, since = %last.timestamp, "the site moved to another domain");
                let mut alias = Alias {
                    host,
                    since: last.timestamp.clone(),
                    policy_cursor: None,
                };
                let from = window.from.clone().or(Some(last.timestamp.clone()));
                let (rows, alias_tails) = self
                    .list_alias(shared, keywords, &alias, from, window, tails)
                    .await?;
                plan.tails.extend(alias_tails);
                alias.policy_cursor = rows.iter().map(|c| c.timestamp.clone()).max();
                if window.is_bounded() {
                    alias.policy_cursor = None;
                }
                candidates.extend(rows);
                aliases.push(alias.clone());
                plan.aliases.push(alias);
            }
            // The page the redirect led to is a homepage sample of its own time.
            let landed = decide::add_landed_sample(&mut samples, &read.page);
            reads
                .by_timestamp
                .entry(landed.timestamp.clone())
                .or_insert(Some(StoredRead {
                    page: HomepageRead {
                        capture: landed,
                        ..read.page.clone()
                    },
                    result: read.result.clone(),
                }));
            reads
                .by_timestamp
                .insert(last.timestamp.clone(), Some(read));
        }

        let confirmed_urls = self.with_store(|s| s.confirmed_policy_urls(domain.id))?;
        let mut confirmed: BTreeSet<String> =
            confirmed_urls.iter().filter_map(|u| match_key(u)).collect();
        let spans = discovery::spans(&candidates);
        for span in &spans {
            // Read the samples the decision asks for, nearest first, until one links to a
            // candidate: later reads could not change it.
            let mut made = Vec::new();
            for sample in decide::samples_for(span, &samples, &confirmed) {
                let Some(read) = self.read_homepage(sample, &mut reads).await? else {
                    continue;
                };
                let hit = decide::link_hit(span, &read.page).is_some();
                made.push(read.page);
                if hit {
                    break;
                }
            }
            let decision = decide::decide(span, &candidates, &made, &confirmed, keywords);
            plan.captures.extend(
                decide::policy_captures(span, &candidates, &decision)
                    .into_iter()
                    .map(policy_record),
            );
            confirmed.extend(decision.policy_url.as_deref().and_then(match_key));
            plan.decisions.push(decision);
        }

        // No candidate URL was chosen: the policy may live at a URL without a keyword; follow
        // the homepage's best policy link and list that URL alone.
        let to_read = decide::unlisted_samples(&samples, &confirmed);
        self.follow_unlisted_link(
            domain, to_read, &samples, &mut reads, &aliases, window, &mut plan,
        )
        .await?;

        for StoredRead { page: read, result } in reads.by_timestamp.into_values().flatten() {
            plan.captures.push(CaptureRecord {
                role: Role::Homepage,
                url: read.capture.original.clone(),
                timestamp: read.capture.timestamp.clone(),
                digest: read.capture.digest.clone(),
                status: read.capture.status,
                mimetype: read.capture.mimetype.clone(),
                length: read.capture.length,
                state: InitialState::Done(result),
            });
        }
        Ok(plan)
    }

    /// Lists a query's rows, or gives what an earlier type of the domain got for the same query
    /// in this run (its rows, or its error).
    async fn list(
        &self,
        shared: &Shared,
        mut query: CdxQuery,
        from: Option<String>,
        to: Option<String>,
    ) -> Result<Vec<Capture>, WaybackError> {
        if let Some(from) = from {
            query = query.from(from);
        }
        if let Some(to) = to {
            query = query.to(to);
        }
        let key = format!("{query:?}");
        if let Some(listed) = shared.listing(&key) {
            return listed;
        }
        let listed = self.list_from_archive(query).await;
        lock(&shared.listings).insert(key, listed.clone());
        listed
    }

    async fn list_from_archive(&self, query: CdxQuery) -> Result<Vec<Capture>, WaybackError> {
        let mut stream = self.client.captures(query);
        let mut rows = Vec::new();
        while let Some(row) = stream.next().await {
            let row = match row {
                // The CDX server's way of saying a listing has no row.
                Err(WaybackError::NotArchived {
                    timestamp: None, ..
                }) if rows.is_empty() => break,
                row => row?,
            };
            if row.has_valid_timestamp() {
                rows.push(row);
            }
        }
        Ok(rows)
    }

    /// Lists an alias's candidate captures, with the new tails of its listing.
    async fn list_alias(
        &self,
        shared: &Shared,
        keywords: &Keywords,
        alias: &Alias,
        from: Option<String>,
        window: &Window,
        tails: &[ListingTail],
    ) -> Result<(Vec<Capture>, Vec<ListingTail>), WaybackError> {
        let from = match from {
            Some(from) if from > alias.since => Some(from),
            _ => Some(alias.since.clone()),
        };
        let listed = self
            .list(
                shared,
                CdxQuery::new(alias.host.as_str())
                    .match_type(MatchType::Domain)
                    .filter(shared.filter.clone())
                    .collapse("digest"),
                from,
                window.to.clone(),
            )
            .await?;
        let (listed, tails) = resume(listed, &alias.host, tails, window);
        let rows = listed
            .into_iter()
            .filter(|c| discovery::is_page_capture(c) && keywords.matches_url(&c.original))
            .collect();
        Ok((rows, tails))
    }

    /// Lists the homepage's best policy link when no keyword URL was chosen.
    /// `to_read` are the homepage samples to look for it on ([`decide::unlisted_samples`]).
    #[allow(clippy::too_many_arguments)]
    async fn follow_unlisted_link(
        &self,
        domain: &Domain,
        to_read: Vec<&Capture>,
        samples: &[Capture],
        reads: &mut Reads<'_>,
        aliases: &[Alias],
        window: &Window,
        plan: &mut Plan,
    ) -> Result<(), DiscoverError> {
        for sample in to_read {
            let Some(read) = self.read_homepage(sample, reads).await? else {
                continue;
            };
            let choice = decide::unlisted_choice(&read.page, &domain.name, aliases, reads.keywords);
            let Some(link) = choice.link else {
                plan.decisions
                    .extend(decide::refusal_decision(&read.page, &choice.refused));
                continue;
            };
            let (from, to, note) = if choice.offsite {
                // Another site's page is the domain's policy only while the homepage links it.
                let (from, to) = self
                    .linked_period(sample, &link.url, samples, reads, window)
                    .await?;
                let note = format!(
                    "linked-offsite: the homepage links it as its policy ({:?}) from {} to {}",
                    link.text,
                    from.as_deref().unwrap_or("the first capture"),
                    to.as_deref().unwrap_or("now")
                );
                (from, to, Some(note))
            } else {
                (window.from.clone(), window.to.clone(), None)
            };
            let rows: Vec<Capture> = self
                .list(
                    reads.shared,
                    CdxQuery::new(link.url.as_str()).collapse("digest"),
                    from,
                    to,
                )
                .await?
                .into_iter()
                .filter(discovery::is_page_capture)
                .collect();
            let Some(decision) = decide::unlisted_decision(&read.page, link, &rows, note) else {
                plan.decisions
                    .push(decide::unarchived_decision(&read.page, link));
                continue;
            };
            plan.decisions.push(decision);
            plan.captures.extend(rows.iter().map(policy_record));
            return Ok(());
        }
        Ok(())
    }

    /// The period a homepage linked `url`: from the oldest sample that still links it (read
    /// back from `linking`, within the read budget) to the next newer sample that does not
    /// (or the window's end), inside the window.
    async fn linked_period(
        &self,
        linking: &Capture,
        url: &str,
        samples: &[Capture],
        reads: &mut Reads<'_>,
        window: &Window,
    ) -> Result<(Option<String>, Option<String>), DiscoverError> {
        let at = samples
            .iter()
            .position(|s| s.timestamp == linking.timestamp)
            .unwrap_or(0);
        let mut from = linking.timestamp.clone();
        for older in samples[..at].iter().rev() {
            match self.read_homepage(older, reads).await? {
                Some(read) if decide::links_to(&read.page, url) => {
                    from.clone_from(&older.timestamp)
                }
                _ => break,
            }
        }
        let mut to = window.to.clone();
        for newer in samples.iter().skip(at + 1) {
            match self.read_homepage(newer, reads).await? {
                Some(read) if decide::links_to(&read.page, url) => {}
                Some(_) => {
                    to = Some(newer.timestamp.clone());
                    break;
                }
                None => break,
            }
        }
        let from = match &window.from {
            Some(start) if *start > from => start.clone(),
            _ => from,
        };
        let to = match (to, &window.to) {
            (Some(end), Some(limit)) if end > *limit => Some(limit.clone()),
            (to, _) => to,
        };
        Ok((Some(from), to))
    }

    /// Reads a homepage capture (once per discovery, within the read budget) and finds its
    /// policy links. `Ok(None)` when it cannot be read; halts are errors.
    async fn read_homepage(
        &self,
        capture: &Capture,
        reads: &mut Reads<'_>,
    ) -> Result<Option<StoredRead>, DiscoverError> {
        if let Some(read) = reads.by_timestamp.get(&capture.timestamp) {
            return Ok(read.clone());
        }
        // A read skipped because the client stopped would change the decision: the plan is
        // not saved, the next run decides again.
        if let Some(halt) = self.client.halted() {
            return Err(halt.to_error().into());
        }
        if self.is_halted() {
            return Err(DiscoverError::Stopping);
        }
        if let Some(memento) = reads.shared.homepage(&capture.original, &capture.timestamp) {
            return self.homepage_read(capture, memento, reads).await.map(Some);
        }
        if reads.budget == 0 {
            return Ok(None);
        }
        reads.budget -= 1;
        let read = || {
            self.client
                .fetch(&capture.original, &capture.timestamp, Some(&capture.digest))
        };
        let mut fetched = read().await;
        // Archived homepages that loop are common and lasting; a loop that passes is a fault on
        // the way. Two more tries tell them apart.
        for _ in 0..2 {
            if !matches!(fetched, Err(WaybackError::RedirectLoop { .. })) {
                break;
            }
            fetched = read().await;
        }
        // Damaged bytes must not decide anything: ask again, then leave the decision to a
        // later run.
        let damaged = |fetched: &Result<Memento, WaybackError>| {
            fetched
                .as_ref()
                .is_ok_and(|memento| self.digest_check_of(memento) == DigestCheck::Mismatch)
        };
        if damaged(&fetched) {
            let first = fetched.as_ref().map(|memento| memento.sha1.clone()).ok();
            fetched = read().await;
            // The same bytes twice are what the archive serves (pywb decodes gzip-stored
            // payloads, for one); different bytes are damage.
            let same = fetched
                .as_ref()
                .is_ok_and(|memento| first.as_deref() == Some(memento.sha1.as_str()));
            if damaged(&fetched) && !same {
                fetched = Err(WaybackError::BadResponse {
                    url: capture.original.clone(),
                    detail: format!(
                        "the homepage capture at {} arrived twice with different bytes, neither matching its CDX digest",
                        capture.timestamp
                    ),
                });
            }
        }
        let memento = match fetched {
            Ok(memento) => memento,
            // A decision must not depend on a fault that may pass: the domain fails this run
            // (nothing of its plan is saved) and the next run decides again.
            Err(error)
                if error.is_halt()
                    || (error.is_transient()
                        && !matches!(error, WaybackError::RedirectLoop { .. })) =>
            {
                return Err(error.into());
            }
            Err(error) => {
                tracing::warn!(%error, url = %capture.original, timestamp = %capture.timestamp, "homepage sample unreadable");
                reads.by_timestamp.insert(capture.timestamp.clone(), None);
                return Ok(None);
            }
        };
        lock(&reads.shared.homepages).insert(
            (capture.original.clone(), capture.timestamp.clone()),
            memento.clone(),
        );
        self.homepage_read(capture, memento, reads).await.map(Some)
    }

    /// The links of a homepage capture downloaded (by this type or an earlier one), kept.
    async fn homepage_read(
        &self,
        capture: &Capture,
        memento: Memento,
        reads: &mut Reads<'_>,
    ) -> Result<StoredRead, DiscoverError> {
        let decoded = memento.text();
        let found_url = self.found_url(&memento);
        let keywords = reads.keywords.clone();
        let (text, base) = (decoded.text, found_url.clone());
        let discovery::PageLinks {
            policy: links,
            unscored,
        } = tokio::task::spawn_blocking(move || discovery::policy_links(&text, &base, &keywords))
            .await
            .map_err(|error| CrawlError::Internal(format!("the link finder crashed: {error}")))?;
        self.keep_content(&memento, Some(decoded.encoding.name()))?;
        tracing::debug!(url = %found_url, links = links.len(), "homepage read");
        let note = links
            .first()
            .map(|l| format!("policy link: {} ({})", l.text, l.url));
        let read = StoredRead {
            page: HomepageRead {
                capture: capture.clone(),
                found_url: found_url.clone(),
                found_timestamp: memento.timestamp.clone(),
                links,
                unscored,
            },
            result: FetchResult {
                content_sha1: memento.sha1.clone(),
                found_url,
                found_timestamp: memento.timestamp.clone(),
                found_status: memento.status,
                digest_check: self.digest_check_of(&memento),
                text_hash: None,
                note,
                archived_headers: Some(memento.archived_headers.clone()),
            },
        };
        reads
            .by_timestamp
            .insert(capture.timestamp.clone(), Some(read.clone()));
        Ok(read)
    }
}

/// A cursor listing made equal to the whole listing ([`discovery::resume_listing`]); bounded
/// runs neither use nor move the tails.
fn resume(
    listed: Vec<Capture>,
    listing: &str,
    tails: &[ListingTail],
    window: &Window,
) -> (Vec<Capture>, Vec<ListingTail>) {
    if window.is_bounded() {
        return (listed, Vec::new());
    }
    discovery::resume_listing(listed, listing, tails)
}

/// `YYYYMM01000000` of the month after a 14-digit timestamp's.
fn next_month(timestamp: &str) -> Option<String> {
    let next = Timestamp::parse(timestamp).ok()?.next_month()?;
    Some(next.to_string())
}

fn policy_record(capture: &Capture) -> CaptureRecord {
    let state = match capture.status {
        Some(status) if !(200..400).contains(&status) => {
            InitialState::Skipped(format!("archived status {status}"))
        }
        _ => InitialState::Pending,
    };
    CaptureRecord {
        role: Role::Policy,
        url: capture.original.clone(),
        timestamp: capture.timestamp.clone(),
        digest: capture.digest.clone(),
        status: capture.status,
        mimetype: capture.mimetype.clone(),
        length: capture.length,
        state,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ts: &str, status: u16) -> Capture {
        Capture {
            urlkey: "com,a)/".into(),
            timestamp: ts.into(),
            original: "http://a.com/".into(),
            mimetype: "text/html".into(),
            status: Some(status),
            digest: ts.into(),
            length: None,
        }
    }

    #[test]
    fn the_homepage_cursor_moves_to_the_next_month() {
        assert_eq!(
            next_month("20150101000000").as_deref(),
            Some("20150201000000")
        );
        assert_eq!(
            next_month("20151231235959").as_deref(),
            Some("20160101000000")
        );
        assert_eq!(next_month("2015"), None);
    }

    #[test]
    fn policy_rows_with_error_statuses_are_kept_but_not_fetched() {
        let record = policy_record(&row("20180101000000", 404));
        assert_eq!(
            record.state,
            InitialState::Skipped("archived status 404".into())
        );
        assert_eq!(
            policy_record(&row("20180101000000", 301)).state,
            InitialState::Pending
        );
    }
}
