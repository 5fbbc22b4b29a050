//! One domain's crawl: discovery (listings, homepage reads, decisions) saved as a plan, then
//! the plan's pending captures fetched, then the versions rebuilt from what is stored.

use std::sync::atomic::Ordering;

use store::{DocumentType, DomainState};
use tracing::Instrument;
use wayback::WaybackError;

use crate::discover::{DiscoverError, Shared};
use crate::{CrawlError, Crawler, DomainOutcome, OutcomeState, Window};

impl Crawler {
    /// Crawls each document type of the settings for `name`, in order, sharing listings and
    /// homepage downloads between them ([`Shared`]): one outcome per type. A type that halts
    /// ends the domain's turn (the next run does the rest).
    pub(crate) async fn crawl_domain(
        &self,
        name: &str,
        window: &Window,
        run_id: i64,
    ) -> Result<Vec<DomainOutcome>, CrawlError> {
        let span = tracing::info_span!("domain", domain = name);
        async {
            let shared = Shared::new(self.settings.keywords.cdx_filter(&self.settings.types));
            let mut outcomes = Vec::new();
            for &kind in &self.settings.types {
                let span = tracing::info_span!("document", document_type = kind.slug());
                let outcome = self
                    .crawl_document(name, kind, window, run_id, &shared)
                    .instrument(span)
                    .await?;
                let halted = outcome.state == OutcomeState::Halted;
                outcomes.push(outcome);
                if halted {
                    break;
                }
            }
            Ok(outcomes)
        }
        .instrument(span)
        .await
    }

    async fn crawl_document(
        &self,
        name: &str,
        kind: DocumentType,
        window: &Window,
        run_id: i64,
        shared: &Shared,
    ) -> Result<DomainOutcome, CrawlError> {
        let mut outcome = DomainOutcome {
            domain: name.to_owned(),
            document_type: kind,
            state: OutcomeState::Halted,
            versions_new: 0,
            versions_total: 0,
            captures_fetched: 0,
            error: None,
        };
        if self.is_halted() {
            return Ok(outcome);
        }
        let domain = self.with_store(|s| s.ensure_domain(name, kind))?;
        let tails = if window.is_bounded() {
            Vec::new()
        } else {
            self.with_store(|s| s.listing_tails(domain.id))?
        };
        match self.discover(&domain, window, &tails, shared).await {
            Ok(plan) => {
                let listed = self.with_store(|s| s.save_plan(domain.id, Some(run_id), &plan))?;
                self.live
                    .captures_listed
                    .fetch_add(listed, Ordering::Relaxed);
            }
            Err(DiscoverError::Crawl(error)) => return Err(error),
            Err(DiscoverError::Stopping) => return Ok(outcome),
            Err(DiscoverError::Archive(error)) if error.is_halt() => {
                outcome.error = Some(error.to_string());
                return Ok(outcome);
            }
            Err(DiscoverError::Archive(error)) => {
                let (state, outcome_state) = if matches!(error, WaybackError::BlockedBySite { .. })
                {
                    (DomainState::Blocked, OutcomeState::Blocked)
                } else {
                    (DomainState::Failed, OutcomeState::Failed)
                };
                tracing::warn!(%error, "discovery failed");
                self.live.errors.fetch_add(1, Ordering::Relaxed);
                let message = error.to_string();
                self.with_store(|s| {
                    s.set_domain_state(domain.id, state, Some(&message), !window.is_bounded())
                })?;
                outcome.state = outcome_state;
                outcome.error = Some(message);
                outcome.versions_total = self.with_store(|s| s.versions(domain.id))?.len() as u64;
                return Ok(outcome);
            }
        }
        let (fetched, halted) = self.fetch_pending(&domain).await?;
        outcome.captures_fetched = fetched;
        let (new, total) = self.rebuild_versions(&domain).await?;
        self.live.versions_new.fetch_add(new, Ordering::Relaxed);
        outcome.versions_new = new;
        outcome.versions_total = total;
        if halted {
            outcome.error = self.client.halted().map(|h| h.to_error().to_string());
            return Ok(outcome);
        }
        self.with_store(|s| {
            s.set_domain_state(domain.id, DomainState::Ok, None, !window.is_bounded())
        })?;
        outcome.state = OutcomeState::Ok;
        tracing::info!(new, total, fetched, "domain done");
        Ok(outcome)
    }
}
