//! Fetching a domain's pending policy captures: digest reuse, download, verification,
//! conversion.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;

use futures_util::StreamExt;
use store::{
    CaptureKnowledge, CaptureText, DigestCheck, Domain, FetchResult, NewContent, PendingCapture,
};
use tracing::Instrument;
use wayback::{Memento, WaybackError};

use crate::search::{self, Point, PointState};
use crate::text::{ConvertFailure, convert_capture};
use crate::{CrawlError, Crawler};

/// A stored policy capture as the search sees it; `None` when its timestamp is not one (the
/// search leaves it out: it stays pending).
fn search_point(point: store::SearchPoint, unavailable: &BTreeSet<i64>) -> Option<Point> {
    let state = match point.knowledge {
        _ if unavailable.contains(&point.id) => PointState::Unavailable,
        CaptureKnowledge::Pending => PointState::Pending,
        CaptureKnowledge::Inferred => PointState::Inferred,
        CaptureKnowledge::Known(text) => PointState::Known(text),
    };
    Some(Point {
        id: point.id,
        timestamp: wayback::Timestamp::parse(&point.timestamp).ok()?,
        length: point.length,
        state,
    })
}

/// The fewest policy downloads any strategy with the change-point search's guarantee needs on
/// the captures `store` holds, summed over its domains ([`search::fewest_downloads`]): the
/// benchmark's floor, read from a store where every capture was downloaded (exhaustive).
pub fn fewest_downloads(
    store: &store::Store,
    resolution_seconds: u64,
    pin_changes: bool,
) -> store::Result<usize> {
    let mut total = 0;
    for domain in store.domains()? {
        let points: Vec<Point> = store
            .search_points(domain.id, false)?
            .into_iter()
            .filter_map(|point| search_point(point, &BTreeSet::new()))
            .collect();
        total += search::fewest_downloads(&points, resolution_seconds, pin_changes);
    }
    Ok(total)
}

/// What fetching one pending capture did.
pub(crate) enum Fetched {
    Downloaded,
    Reused,
    /// Not fetched; `retry`: it stays pending for a later run.
    Failed {
        retry: bool,
    },
    Halted,
}

impl Crawler {
    pub(crate) fn keep_content(
        &self,
        memento: &Memento,
        charset: Option<&str>,
    ) -> store::Result<()> {
        self.with_store(|s| {
            s.put_content(NewContent {
                sha1: &memento.sha1,
                body: &memento.body,
                content_type: memento.content_type.as_deref(),
                charset,
            })
        })
    }

    /// Fetches the domain's policy captures the strategy asks for, step by step
    /// ([`search::next_step`]) until the search is over for this run. Returns (downloaded,
    /// halted).
    pub(crate) async fn fetch_pending(&self, domain: &Domain) -> Result<(u64, bool), CrawlError> {
        let strategy = self.settings.strategy();
        let accept_mismatch = self.settings.accept_digest_mismatch;
        // Captures that failed in this run and may pass later: their spans wait for that run.
        let mut unavailable = BTreeSet::new();
        let (mut downloaded, mut halted) = (0, false);
        // Each step settles or downloads at least one capture, so this ends; the bound is a
        // guard against a search that would not.
        let mut steps_left = 64
            + 2 * self
                .with_store(|s| s.unfetched_policy_captures(domain.id))?
                .len();
        while !halted && steps_left > 0 {
            steps_left -= 1;
            let points: Vec<Point> = self
                .with_store(|s| s.search_points(domain.id, accept_mismatch))?
                .into_iter()
                .filter_map(|point| search_point(point, &unavailable))
                .collect();
            let step = search::next_step(&points, strategy);
            if step.is_done() {
                break;
            }
            if !step.infer.is_empty() {
                self.with_store(|s| s.infer_captures(&step.infer))?;
            }
            if step.download.is_empty() {
                continue;
            }
            let wanted: BTreeSet<i64> = step.download.into_iter().collect();
            let batch: Vec<PendingCapture> = self
                .with_store(|s| s.unfetched_policy_captures(domain.id))?
                .into_iter()
                .filter(|capture| wanted.contains(&capture.id))
                .collect();
            let (fetched, failed, stopped) = self.fetch_batch(domain, batch).await?;
            downloaded += fetched;
            halted |= stopped;
            unavailable.extend(failed);
        }
        Ok((downloaded, halted))
    }

    /// Fetches `batch` concurrently. Returns (downloaded, the captures still pending after a
    /// failure, halted).
    async fn fetch_batch(
        &self,
        domain: &Domain,
        batch: Vec<PendingCapture>,
    ) -> Result<(u64, Vec<i64>, bool), CrawlError> {
        let concurrency = self.client.config().playback_concurrency.max(1) as usize;
        // First one capture per digest, then the repeats: run concurrently, two captures with
        // one digest would both be downloaded before either was stored.
        let mut seen = BTreeSet::new();
        let (firsts, repeats): (Vec<_>, Vec<_>) = batch
            .into_iter()
            .partition(|capture| seen.insert(capture.digest.clone()));
        let (mut downloaded, mut failed, mut halted) = (0, Vec::new(), false);
        for batch in [firsts, repeats] {
            let mut results = futures_util::stream::iter(batch)
                .map(|capture| async move {
                    let id = capture.id;
                    (id, self.fetch_one(domain, capture).await)
                })
                .buffer_unordered(concurrency);
            while let Some((id, result)) = results.next().await {
                match result? {
                    Fetched::Downloaded => downloaded += 1,
                    Fetched::Halted => halted = true,
                    Fetched::Failed { retry: true } => failed.push(id),
                    Fetched::Failed { retry: false } => {}
                    Fetched::Reused => {}
                }
            }
        }
        Ok((downloaded, failed, halted))
    }

    async fn fetch_one(
        &self,
        domain: &Domain,
        capture: PendingCapture,
    ) -> Result<Fetched, CrawlError> {
        if self.is_halted() {
            return Ok(Fetched::Halted);
        }
        let span =
            tracing::debug_span!("capture", url = %capture.url, timestamp = %capture.timestamp);
        // A 2xx capture, or a revisit record (status `-`): its digest is the payload's, so a
        // content stored under it is the same bytes.
        let is_ok_status = capture.status.is_none_or(|s| (200..300).contains(&s));
        if is_ok_status
            && let Some(sha1) = self.with_store(|s| s.content_for_digest(&capture.digest))?
            && let Some(text) = self.stored_text(domain, &capture, &sha1).await?
        {
            let result = FetchResult {
                content_sha1: sha1,
                found_url: capture.url.clone(),
                found_timestamp: capture.timestamp.clone(),
                found_status: capture.status.unwrap_or(200),
                digest_check: DigestCheck::Match,
                note: text.as_ref().err().map(ToString::to_string),
                text_hash: text.as_ref().ok().map(|t| t.text_hash.clone()),
                archived_headers: None,
            };
            self.record_fetched(capture.id, &result, text.ok().as_ref())?;
            return Ok(Fetched::Reused);
        }
        let last_attempt = capture.attempts + 1 >= i64::from(self.settings.max_fetch_attempts);
        let (memento, verdict) = match self.download(domain, &capture, span).await? {
            Ok((_, verdict)) if verdict.is_damaged() && !last_attempt => {
                let note = verdict.note();
                tracing::warn!(%note, url = %capture.url, timestamp = %capture.timestamp, "capture left for a later run");
                self.live.errors.fetch_add(1, Ordering::Relaxed);
                self.with_store(|s| s.capture_failed(capture.id, &note, true))?;
                return Ok(Fetched::Failed { retry: true });
            }
            Ok(checked) => checked,
            Err(error) if error.is_halt() => return Ok(Fetched::Halted),
            Err(error) => {
                let retry = error.is_transient() && !last_attempt;
                tracing::warn!(%error, retry, url = %capture.url, timestamp = %capture.timestamp, "capture not fetched");
                self.live.errors.fetch_add(1, Ordering::Relaxed);
                self.with_store(|s| s.capture_failed(capture.id, &error.to_string(), retry))?;
                return Ok(Fetched::Failed { retry });
            }
        };
        let found = self.found_url(&memento);
        // The same bytes at the same URL were converted before (another capture that led
        // here): their text is kept, and so are the bytes.
        let known = if (200..300).contains(&memento.status) {
            self.with_store(|s| {
                s.text_for_content(&memento.sha1, &found, policy_text::CONVERTER_VERSION)
            })?
        } else {
            None
        };
        // The conversion decodes the body once, off the async threads, and names the charset
        // it used; only a page that is not converted is decoded here for it.
        let (charset, text) = if let Some(known) = known {
            (None, Ok(known))
        } else if (200..300).contains(&memento.status) {
            match self
                .convert(
                    &domain.name,
                    memento.body.to_vec(),
                    memento.content_type.clone(),
                    &memento.timestamp,
                    &found,
                )
                .await
            {
                Ok((text, encoding)) => (Some(encoding), Ok(text)),
                Err(failure) => {
                    tracing::warn!(%failure, url = %capture.url, timestamp = %capture.timestamp, "capture not converted");
                    self.live.errors.fetch_add(1, Ordering::Relaxed);
                    // Over the time budget on a busy machine is no verdict on the page: it is
                    // converted again on a later run.
                    if failure.out_of_time && !last_attempt {
                        let charset = memento.text().encoding.name();
                        self.keep_content(&memento, Some(charset))?;
                        let note = failure.to_string();
                        self.with_store(|s| s.capture_failed(capture.id, &note, true))?;
                        return Ok(Fetched::Failed { retry: true });
                    }
                    (Some(memento.text().encoding.name()), Err(failure))
                }
            }
        } else {
            (
                Some(memento.text().encoding.name()),
                Err(ConvertFailure::other(format!(
                    "archived status {}",
                    memento.status
                ))),
            )
        };
        self.keep_content(&memento, charset)?;
        let note = if verdict.is_damaged() {
            Some(verdict.note())
        } else {
            text.as_ref().err().map(ToString::to_string)
        };
        let result = FetchResult {
            content_sha1: memento.sha1.clone(),
            found_url: found,
            found_timestamp: memento.timestamp.clone(),
            found_status: memento.status,
            digest_check: verdict.check,
            note,
            text_hash: text.as_ref().ok().map(|t| t.text_hash.clone()),
            archived_headers: Some(memento.archived_headers.clone()),
        };
        self.record_fetched(capture.id, &result, text.ok().as_ref())?;
        self.live.captures_fetched.fetch_add(1, Ordering::Relaxed);
        Ok(Fetched::Downloaded)
    }

    /// Downloads a capture and checks its bytes ([`Crawler::verify`]): once more when they
    /// differ from the digest (on pywb the same bytes twice are the capture: it decodes
    /// gzip-stored payloads), and twice when nothing can tell (a redirect to a capture the
    /// store does not list: damage on the way is never the same twice).
    async fn download(
        &self,
        domain: &Domain,
        capture: &PendingCapture,
        span: tracing::Span,
    ) -> Result<Result<(Memento, Verdict), WaybackError>, CrawlError> {
        let get = || {
            self.client
                .fetch(&capture.url, &capture.timestamp, Some(&capture.digest))
                .instrument(span.clone())
        };
        let first = match get().await {
            Ok(memento) => memento,
            Err(error) => return Ok(Err(error)),
        };
        let mut verdict = self.verify(domain, &first)?;
        if verdict.is_damaged() {
            tracing::warn!(url = %capture.url, timestamp = %capture.timestamp, "body differs from the CDX digest; fetching it again");
            let second = match get().await {
                Ok(memento) => memento,
                Err(error) => return Ok(Err(error)),
            };
            let mut again = self.verify(domain, &second)?;
            if self.client.config().profile == wayback::ArchiveProfile::Pywb
                && second.sha1 == first.sha1
            {
                again.check = DigestCheck::NotChecked;
            }
            return Ok(Ok((second, again)));
        }
        if verdict.check == DigestCheck::Redirected && verdict.expected.is_empty() {
            match get().await {
                Ok(second) if second.sha1 == first.sha1 => {}
                Ok(second) => {
                    verdict.check = DigestCheck::Mismatch;
                    verdict.expected = format!("{} (a second download)", second.sha1);
                }
                Err(error) => return Ok(Err(error)),
            }
        }
        Ok(Ok((first, verdict)))
    }

    /// The text of a capture whose bytes the store holds under `sha1`: the one a capture of the
    /// same bytes at the same URL was given (the same at any time), else converted now. `None`
    /// when the bytes are not there after all.
    async fn stored_text(
        &self,
        domain: &Domain,
        capture: &PendingCapture,
        sha1: &str,
    ) -> Result<Option<Result<CaptureText, ConvertFailure>>, CrawlError> {
        let known = self.with_store(|s| {
            s.text_for_content(sha1, &capture.url, policy_text::CONVERTER_VERSION)
        })?;
        if let Some(known) = known {
            return Ok(Some(Ok(known)));
        }
        let Some(content) = self.with_store(|s| s.content(sha1))? else {
            return Ok(None);
        };
        let converted = self
            .convert(
                &domain.name,
                content.body,
                content.content_type,
                &capture.timestamp,
                &capture.url,
            )
            .await;
        Ok(Some(converted.map(|(text, _)| text)))
    }

    /// Records a fetched capture, with its text when it has one.
    fn record_fetched(
        &self,
        capture_id: i64,
        result: &FetchResult,
        text: Option<&CaptureText>,
    ) -> Result<(), CrawlError> {
        Ok(self.with_store(|s| match text {
            Some(text) => s.capture_converted(capture_id, result, &text.text),
            None => s.capture_fetched(capture_id, result),
        })?)
    }

    /// Converts a capture ([`convert_capture`]) off the async threads.
    pub(crate) async fn convert(
        &self,
        domain: &str,
        body: Vec<u8>,
        content_type: Option<String>,
        timestamp: &str,
        url: &str,
    ) -> Result<(CaptureText, &'static str), ConvertFailure> {
        let (domain, base) = (domain.to_owned(), self.settings.snapshot_base.clone());
        let (timestamp, url) = (timestamp.to_owned(), url.to_owned());
        self.live.conversions.fetch_add(1, Ordering::Relaxed);
        tokio::task::spawn_blocking(move || {
            convert_capture(
                &domain,
                &body,
                content_type.as_deref(),
                &base,
                &timestamp,
                &url,
            )
        })
        .await
        .map_err(|error| ConvertFailure::other(format!("converter crashed: {error}")))?
    }
}

/// How a capture's bytes compare with what the archive indexed.
struct Verdict {
    check: DigestCheck,
    expected: String,
    received: String,
}

impl Verdict {
    /// Bytes that are not the ones the archive indexed. An error page's bytes count as much
    /// as a page's: the store keeps them (the WARC export replays them), so damaged ones
    /// would stay a fact no clean crawl holds.
    fn is_damaged(&self) -> bool {
        self.check == DigestCheck::Mismatch
    }

    fn note(&self) -> String {
        format!(
            "body SHA-1 {} differs from the CDX digest {} (damaged in transit?); kept out of \
             versions unless [crawl] accept_digest_mismatch = true",
            self.received, self.expected
        )
    }
}

impl Crawler {
    /// How a memento's bytes compare with the CDX digest of the capture asked for;
    /// `Redirected` when the archive led to another capture (see [`Crawler::verify`] for
    /// checking that one). Redirects that end on the capture asked for (its URL at its
    /// second: a loop that passed) do not excuse a mismatch.
    pub(crate) fn digest_check_of(&self, memento: &Memento) -> DigestCheck {
        match memento.digest_check {
            wayback::DigestCheck::Match => DigestCheck::Match,
            wayback::DigestCheck::NotChecked => DigestCheck::NotChecked,
            wayback::DigestCheck::Mismatch { .. }
                if memento.redirects.is_empty()
                    || (memento.is_exact() && self.found_url(memento) == memento.original_url) =>
            {
                DigestCheck::Mismatch
            }
            wayback::DigestCheck::Mismatch { .. } => DigestCheck::Redirected,
        }
    }

    /// The URL a memento's bytes were captured from: the archive's `Link rel="original"`,
    /// else the original URL of the last playback redirect, else the URL asked for.
    pub(crate) fn found_url(&self, memento: &Memento) -> String {
        memento
            .captured_url()
            .map(str::to_owned)
            .or_else(|| {
                let last = memento.redirects.last()?;
                Some(self.client.playback_address(&last.to)?.original)
            })
            .unwrap_or_else(|| memento.original_url.clone())
    }

    /// Compares a memento's bytes with the CDX digest of the capture asked for or, when the
    /// archive led to another capture that the store lists (a moved policy's own captures),
    /// with that capture's digest. `Redirected`: led to a capture the store does not list.
    fn verify(&self, domain: &Domain, memento: &Memento) -> Result<Verdict, CrawlError> {
        let expected = match &memento.digest_check {
            wayback::DigestCheck::Mismatch { expected, .. } => expected.clone(),
            _ => String::new(),
        };
        let (check, expected) = match self.digest_check_of(memento) {
            DigestCheck::Redirected => {
                let landed = self.found_url(memento);
                let listed =
                    self.with_store(|s| s.listed_digest(domain.id, &landed, &memento.timestamp))?;
                match listed {
                    // Bytes decoded from a Content-Encoding are not the indexed payload.
                    Some(digest) if memento.encoding_note.is_none() => {
                        if digest.eq_ignore_ascii_case(&memento.sha1) {
                            (DigestCheck::Redirected, digest)
                        } else {
                            (DigestCheck::Mismatch, digest)
                        }
                    }
                    _ => (DigestCheck::Redirected, String::new()),
                }
            }
            check => (check, expected),
        };
        Ok(Verdict {
            check,
            expected,
            received: memento.sha1.clone(),
        })
    }
}
