//! Discovery: the domain's listings, homepage reads and decisions, saved as a [`Plan`].

use std::collections::{BTreeMap, BTreeSet};

use store::{
    Alias, CaptureRecord, Decision, DecisionMethod, DigestCheck, Domain, FetchResult, InitialState,
    ListingTail, Plan, Role,
};
use wayback::{Capture, CdxQuery, MatchType, Memento, WaybackError};

use crate::discovery::{self, PolicyLink, Span, URL_THRESHOLD, match_key};
use crate::fetch::{digest_check_of, found_url};
use crate::{Crawler, Window};

/// A homepage capture read during discovery.
#[derive(Clone)]
struct HomepageRead {
    capture: Capture,
    result: FetchResult,
    links: Vec<PolicyLink>,
}

/// Homepage reads of one discovery, with the budget left.
struct Reads {
    by_timestamp: BTreeMap<String, Option<HomepageRead>>,
    budget: u32,
}

impl Crawler {
    /// Lists what is new since the cursors and decides which captures are the policy.
    /// `tails` are where the previous listings ended (empty for a bounded run).
    pub(crate) async fn discover(
        &self,
        domain: &Domain,
        window: &Window,
        tails: &[ListingTail],
    ) -> Result<Plan, WaybackError> {
        let name = domain.name.as_str();
        let keywords = &self.settings.keywords;
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
                CdxQuery::new(format!("{name}/"))
                    .filter("statuscode:[23]..")
                    .collapse("timestamp:6"),
                after_month(&domain.homepage_cursor),
                window.to.clone(),
            )
            .await?;
        let listed = self
            .list(
                CdxQuery::new(name)
                    .match_type(MatchType::Domain)
                    .filter(keywords.cdx_filter())
                    .collapse("digest"),
                after(&domain.policy_cursor),
                window.to.clone(),
            )
            .await?;
        let (listed, own_tails) = resume(listed, "", tails, window);
        let mut candidates: Vec<Capture> = listed
            .into_iter()
            .filter(discovery::is_page_capture)
            .collect();
        let mut plan = Plan {
            homepage_cursor: homepage_rows.iter().map(|c| c.timestamp.clone()).max(),
            policy_cursor: candidates.iter().map(|c| c.timestamp.clone()).max(),
            tails: own_tails,
            ..Plan::default()
        };
        if window.is_bounded() {
            plan.homepage_cursor = None;
            plan.policy_cursor = None;
        }
        let mut aliases = self
            .with_store(|s| s.aliases(domain.id))
            .unwrap_or_default();
        for alias in &mut aliases {
            let (rows, alias_tails) = self
                .list_alias(alias, after(&alias.policy_cursor), window, tails)
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

        let mut samples = sample_homepages(&homepage_rows, self.settings.homepage_sample_months);
        let mut reads = Reads {
            by_timestamp: BTreeMap::new(),
            budget: self.settings.max_homepage_reads,
        };

        // A homepage that ends in a redirect may mean the site moved to another domain.
        if let Some(last) = homepage_rows.last()
            && last.status.is_some_and(|s| (300..400).contains(&s))
            && let Some(read) = self.read_homepage(last, &mut reads).await?
        {
            let found_host = url::Url::parse(&read.result.found_url)
                .ok()
                .and_then(|u| u.host_str().map(discovery::site_of));
            if let Some(host) = found_host
                && !discovery::host_in_domain(&host, name)
                && !aliases.iter().any(|a| a.host == host)
            {
                tracing::info!(%host, since = %last.timestamp, "the site moved to another domain");
                let mut alias = Alias {
                    host,
                    since: last.timestamp.clone(),
                    policy_cursor: None,
                };
                let from = window.from.clone().or(Some(last.timestamp.clone()));
                let (rows, alias_tails) = self.list_alias(&alias, from, window, tails).await?;
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
            let mut landed = read.capture.clone();
            landed.timestamp = read.result.found_timestamp.clone();
            samples.push(landed.clone());
            samples.sort_by(|a, b| a.timestamp.cmp(&b.timestamp));
            reads
                .by_timestamp
                .entry(landed.timestamp.clone())
                .or_insert(Some(HomepageRead {
                    capture: landed,
                    ..read.clone()
                }));
            reads
                .by_timestamp
                .insert(last.timestamp.clone(), Some(read));
        }

        let confirmed_urls = self
            .with_store(|s| s.confirmed_policy_urls(domain.id))
            .unwrap_or_default();
        let mut confirmed: BTreeSet<String> =
            confirmed_urls.iter().filter_map(|u| match_key(u)).collect();
        let spans = discovery::spans(&candidates);
        for span in &spans {
            let decision = self
                .decide(span, &candidates, &samples, &mut reads, &confirmed)
                .await?;
            if let Some(url) = &decision.policy_url {
                let key = match_key(url);
                for &index in &span.captures {
                    if match_key(&candidates[index].original) == key {
                        plan.captures.push(policy_record(&candidates[index]));
                    }
                }
                confirmed.extend(key);
            }
            plan.decisions.push(decision);
        }

        // No candidate URL was chosen: the policy may live at a URL without a keyword; follow
        // the homepage's best policy link and list that URL alone.
        if confirmed.is_empty() && !samples.is_empty() {
            self.follow_unlisted_link(domain, &samples, &mut reads, &aliases, window, &mut plan)
                .await?;
        }

        for read in reads.by_timestamp.into_values().flatten() {
            plan.captures.push(CaptureRecord {
                role: Role::Homepage,
                url: read.capture.original.clone(),
                timestamp: read.capture.timestamp.clone(),
                digest: read.capture.digest.clone(),
                status: read.capture.status,
                mimetype: read.capture.mimetype.clone(),
                length: read.capture.length,
                state: InitialState::Done(read.result),
            });
        }
        Ok(plan)
    }

    async fn list(
        &self,
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
                CdxQuery::new(alias.host.as_str())
                    .match_type(MatchType::Domain)
                    .filter(self.settings.keywords.cdx_filter())
                    .collapse("digest"),
                from,
                window.to.clone(),
            )
            .await?;
        let (listed, tails) = resume(listed, &alias.host, tails, window);
        let rows = listed
            .into_iter()
            .filter(discovery::is_page_capture)
            .collect();
        Ok((rows, tails))
    }

    /// Decides which candidate URL of a span is the policy, and says why.
    async fn decide(
        &self,
        span: &Span,
        candidates: &[Capture],
        samples: &[Capture],
        reads: &mut Reads,
        confirmed: &BTreeSet<String>,
    ) -> Result<Decision, WaybackError> {
        let url_of = |key: &str| {
            span.captures
                .iter()
                .map(|&i| &candidates[i])
                .find(|c| match_key(&c.original).as_deref() == Some(key))
                .map(|c| c.original.clone())
        };
        let mut decision = Decision {
            period_start: span.start.clone(),
            period_end: span.end.clone(),
            policy_url: None,
            method: DecisionMethod::None,
            homepage_url: None,
            homepage_timestamp: None,
            link_text: None,
            score: None,
            candidates: span.keys.iter().filter_map(|k| url_of(k)).collect(),
        };
        if let [only] = span.keys.as_slice()
            && confirmed.contains(only)
        {
            decision.policy_url = url_of(only);
            decision.method = DecisionMethod::Confirmed;
            return Ok(decision);
        }
        let middle = discovery::midpoint(&span.start, &span.end);
        let mut nearest: Vec<&Capture> = samples.iter().collect();
        nearest.sort_by_key(|c| c.timestamp.parse::<u64>().unwrap_or(0).abs_diff(middle));
        for sample in nearest.into_iter().take(2) {
            let Some(read) = self.read_homepage(sample, reads).await? else {
                continue;
            };
            let hit = read
                .links
                .iter()
                .find(|link| match_key(&link.url).is_some_and(|key| span.keys.contains(&key)));
            if let Some(link) = hit {
                let key = match_key(&link.url).unwrap_or_default();
                decision.policy_url = url_of(&key);
                decision.method = DecisionMethod::HomepageLink;
                decision.homepage_url = Some(read.result.found_url.clone());
                decision.homepage_timestamp = Some(read.result.found_timestamp.clone());
                decision.link_text = Some(link.text.clone());
                decision.score = Some(link.score);
                return Ok(decision);
            }
        }
        let known: Vec<&String> = span
            .keys
            .iter()
            .filter(|k| confirmed.contains(*k))
            .collect();
        if let [only] = known.as_slice() {
            decision.policy_url = url_of(only);
            decision.method = DecisionMethod::Confirmed;
            return Ok(decision);
        }
        let keywords = &self.settings.keywords;
        let mut scored: Vec<(f64, String)> = span
            .keys
            .iter()
            .filter_map(|k| url_of(k))
            .map(|url| (keywords.url_score(&url), url))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        if let Some((score, url)) = scored.first()
            && *score >= URL_THRESHOLD
            && scored.get(1).is_none_or(|second| second.0 < *score)
        {
            decision.policy_url = Some(url.clone());
            decision.method = DecisionMethod::UrlKeywords;
            decision.score = Some(*score);
        }
        Ok(decision)
    }

    /// Lists the homepage's best policy link when no keyword URL was chosen.
    async fn follow_unlisted_link(
        &self,
        domain: &Domain,
        samples: &[Capture],
        reads: &mut Reads,
        aliases: &[Alias],
        window: &Window,
        plan: &mut Plan,
    ) -> Result<(), WaybackError> {
        let mut order: Vec<&Capture> = samples.iter().rev().collect();
        order.truncate(2);
        for sample in order {
            let Some(read) = self.read_homepage(sample, reads).await? else {
                continue;
            };
            let Some(link) = read.links.iter().find(|link| {
                url::Url::parse(&link.url)
                    .ok()
                    .and_then(|u| u.host_str().map(discovery::site_of))
                    .is_some_and(|host| {
                        discovery::host_in_domain(&host, &domain.name)
                            || aliases
                                .iter()
                                .any(|a| discovery::host_in_domain(&host, &a.host))
                    })
            }) else {
                continue;
            };
            let rows: Vec<Capture> = self
                .list(
                    CdxQuery::new(link.url.as_str()).collapse("digest"),
                    window.from.clone(),
                    window.to.clone(),
                )
                .await?
                .into_iter()
                .filter(discovery::is_page_capture)
                .collect();
            let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
                continue;
            };
            plan.decisions.push(Decision {
                period_start: first.timestamp.clone(),
                period_end: last.timestamp.clone(),
                policy_url: Some(first.original.clone()),
                method: DecisionMethod::HomepageLink,
                homepage_url: Some(read.result.found_url.clone()),
                homepage_timestamp: Some(read.result.found_timestamp.clone()),
                link_text: Some(link.text.clone()),
                score: Some(link.score),
                candidates: vec![first.original.clone()],
            });
            plan.captures.extend(rows.iter().map(policy_record));
            return Ok(());
        }
        Ok(())
    }

    /// Reads a homepage capture (once per discovery, within the read budget) and finds its
    /// policy links. `Ok(None)` when it cannot be read; halts are errors.
    async fn read_homepage(
        &self,
        capture: &Capture,
        reads: &mut Reads,
    ) -> Result<Option<HomepageRead>, WaybackError> {
        if let Some(read) = reads.by_timestamp.get(&capture.timestamp) {
            return Ok(read.clone());
        }
        // A read skipped because the client stopped would change the decision: the plan is
        // not saved, the next run decides again.
        if let Some(halt) = self.client.halted() {
            return Err(halt.to_error());
        }
        if self.is_halted() {
            return Err(WaybackError::InvalidInput(
                "the crawl is stopping: decided again next run".into(),
            ));
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
            fetched.as_ref().is_ok_and(|memento| {
                (200..300).contains(&memento.status)
                    && digest_check_of(memento) == DigestCheck::Mismatch
            })
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
                return Err(error);
            }
            Err(error) => {
                tracing::warn!(%error, url = %capture.original, timestamp = %capture.timestamp, "homepage sample unreadable");
                reads.by_timestamp.insert(capture.timestamp.clone(), None);
                return Ok(None);
            }
        };
        let decoded = memento.text();
        let found_url = found_url(&memento);
        let keywords = self.settings.keywords.clone();
        let (text, base) = (decoded.text, found_url.clone());
        let links =
            tokio::task::spawn_blocking(move || discovery::policy_links(&text, &base, &keywords))
                .await
                .unwrap_or_default();
        self.keep_content(&memento, Some(decoded.encoding.name()))
            .map_err(|error| WaybackError::BadResponse {
                url: memento.final_url.clone(),
                detail: format!("cannot store it: {error}"),
            })?;
        tracing::debug!(url = %found_url, links = links.len(), "homepage read");
        let read = HomepageRead {
            capture: capture.clone(),
            result: FetchResult {
                content_sha1: memento.sha1.clone(),
                found_url,
                found_timestamp: memento.timestamp.clone(),
                found_status: memento.status,
                digest_check: digest_check_of(&memento),
                text_hash: None,
                note: links
                    .first()
                    .map(|l| format!("policy link: {} ({})", l.text, l.url)),
            },
            links,
        };
        reads
            .by_timestamp
            .insert(capture.timestamp.clone(), Some(read.clone()));
        Ok(Some(read))
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

/// One homepage row per `months` period (the first 200 of the period, else its first row).
fn sample_homepages(rows: &[Capture], months: u32) -> Vec<Capture> {
    let months = months.max(1);
    let period = |c: &Capture| -> Option<u32> {
        let year: u32 = c.timestamp.get(0..4)?.parse().ok()?;
        let month: u32 = c.timestamp.get(4..6)?.parse().ok()?;
        Some((year * 12 + month.saturating_sub(1)) / months)
    };
    let mut by_period: BTreeMap<u32, Capture> = BTreeMap::new();
    for row in rows {
        let Some(key) = period(row) else { continue };
        let is_ok = row.status == Some(200);
        match by_period.get(&key) {
            Some(current) if current.status == Some(200) || !is_ok => {}
            _ => {
                by_period.insert(key, row.clone());
            }
        }
    }
    by_period.into_values().collect()
}

/// `YYYYMM01000000` of the month after a 14-digit timestamp's.
fn next_month(timestamp: &str) -> Option<String> {
    let year: u32 = timestamp.get(0..4)?.parse().ok()?;
    let month: u32 = timestamp.get(4..6)?.parse().ok()?;
    let (year, month) = if month >= 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    Some(format!("{year:04}{month:02}01000000"))
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
    fn one_homepage_sample_per_quarter_preferring_200() {
        let rows = [
            row("20100105000000", 301),
            row("20100205000000", 200),
            row("20100305000000", 200),
            row("20100405000000", 200),
            row("20110105000000", 302),
        ];
        let samples = sample_homepages(&rows, 3);
        let stamps: Vec<&str> = samples.iter().map(|c| c.timestamp.as_str()).collect();
        assert_eq!(
            stamps,
            ["20100205000000", "20100405000000", "20110105000000"]
        );
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
