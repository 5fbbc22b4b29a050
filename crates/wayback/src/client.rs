//! The HTTP core: one connection pool, every request through the politeness layer, bounded
//! retries with exponential backoff, capped and timed body reads.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{ACCEPT_ENCODING, HeaderMap, RETRY_AFTER};
use tracing::Instrument;

use crate::WaybackError;
use crate::config::ArchiveConfig;
use crate::error::RuntimeError;
use crate::politeness::{Politeness, Pool};

/// A response read in full; the body is as received (any Content-Encoding still applied).
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl RawResponse {
    /// Whether the archive marked this response as an archived one (a memento).
    pub fn is_memento(&self) -> bool {
        self.headers.contains_key("memento-datetime")
    }

    /// The body with its Content-Encoding removed (as received when it cannot be decoded).
    pub fn decoded_body(&self) -> Bytes {
        crate::playback::decode_content_encoding(&self.headers, self.body.clone()).0
    }
}

/// Whether [`Transport::get`] retries a `504 Gateway Timeout` itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnGatewayTimeout {
    /// Retried like any 5xx.
    Retry,
    /// Returned to the caller, which can ask for less (a smaller CDX page).
    Return,
}

/// Counters of one client, for progress bars and run summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientStats {
    /// CDX requests sent.
    pub cdx_requests: u64,
    /// Playback requests sent.
    pub playback_requests: u64,
    /// Retries after transient failures.
    pub retries: u64,
    /// 429 answers received.
    pub rate_limited: u64,
    /// Body bytes received.
    pub bytes_received: u64,
    /// CDX rows that could not be read and were skipped.
    pub cdx_rows_skipped: u64,
    /// CDX pages asked again with a smaller page size (the answer was cut short or timed out).
    pub cdx_pages_shrunk: u64,
}

#[derive(Default)]
pub(crate) struct Counters {
    cdx_requests: AtomicU64,
    playback_requests: AtomicU64,
    retries: AtomicU64,
    rate_limited: AtomicU64,
    bytes_received: AtomicU64,
    cdx_rows_skipped: AtomicU64,
    cdx_pages_shrunk: AtomicU64,
}

impl Counters {
    pub fn snapshot(&self) -> ClientStats {
        ClientStats {
            cdx_requests: self.cdx_requests.load(Ordering::Relaxed),
            playback_requests: self.playback_requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            bytes_received: self.bytes_received.load(Ordering::Relaxed),
            cdx_rows_skipped: self.cdx_rows_skipped.load(Ordering::Relaxed),
            cdx_pages_shrunk: self.cdx_pages_shrunk.load(Ordering::Relaxed),
        }
    }

    /// Counts unreadable CDX rows skipped.
    pub fn add_skipped_rows(&self, rows: usize) {
        self.cdx_rows_skipped
            .fetch_add(rows as u64, Ordering::Relaxed);
    }

    /// Counts a CDX page asked again smaller.
    pub fn add_page_shrunk(&self) {
        self.cdx_pages_shrunk.fetch_add(1, Ordering::Relaxed);
    }
}

/// What went wrong in one attempt.
enum AttemptError {
    /// The connection was refused (the archive's firewall, or nothing listening).
    Refused(String),
    /// Worth another try: reset, timeout, truncated body, 5xx.
    Transient(String),
    /// Not worth another try.
    Fatal(WaybackError),
}

/// Sends requests politely.
pub(crate) struct Transport {
    http: reqwest::Client,
    pub polite: Politeness,
    pub counters: Counters,
    max_body: u64,
    max_retries: u32,
    retry_base: Duration,
}

fn secs(value: f64) -> Duration {
    Duration::try_from_secs_f64(value.max(0.0)).unwrap_or(Duration::MAX)
}

impl Transport {
    pub fn new(config: &ArchiveConfig) -> Result<Transport, WaybackError> {
        // reqwest is built without a default TLS provider; install ring once per process.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(config.user_agent_header())
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(secs(config.connect_timeout))
            .timeout(secs(config.request_timeout))
            .read_timeout(secs(config.read_idle_timeout))
            .pool_max_idle_per_host(config.playback_concurrency.clamp(1, 16) as usize + 1)
            .build()
            .map_err(|error| {
                WaybackError::InvalidInput(format!("cannot build the HTTP client: {error}"))
            })?;
        Ok(Transport {
            http,
            polite: Politeness::new(config),
            counters: Counters::default(),
            max_body: config.max_body_bytes,
            max_retries: config.max_retries,
            retry_base: secs(config.retry_base_delay),
        })
    }

    /// GETs `url` in `pool`, retrying transient failures. Responses the archive marks as
    /// archived (`Memento-Datetime`) are returned whatever their status: an archived 429 or 503
    /// is data, not a signal.
    pub async fn get(&self, pool: Pool, url: &str) -> Result<RawResponse, WaybackError> {
        self.send(pool, url, OnGatewayTimeout::Retry).await
    }

    /// [`Transport::get`], with the choice of handing a 504 back instead of retrying it.
    pub async fn send(
        &self,
        pool: Pool,
        url: &str,
        on_gateway_timeout: OnGatewayTimeout,
    ) -> Result<RawResponse, WaybackError> {
        let span = tracing::debug_span!("request", ?pool, url);
        async {
            let mut attempt: u32 = 0;
            loop {
                attempt += 1;
                let outcome = {
                    let _permit = self.polite.acquire(pool).await?;
                    match pool {
                        Pool::Cdx => &self.counters.cdx_requests,
                        Pool::Playback => &self.counters.playback_requests,
                    }
                    .fetch_add(1, Ordering::Relaxed);
                    self.attempt(pool, url).await
                };
                let detail = match outcome {
                    Ok(response) => {
                        self.polite.on_connected();
                        if response.is_memento() {
                            return Ok(response);
                        }
                        match response.status {
                            429 => {
                                self.counters.rate_limited.fetch_add(1, Ordering::Relaxed);
                                let retry_after = retry_after(&response.headers);
                                if let Some(halt) = self.polite.on_rate_limited(retry_after) {
                                    return Err(halt.to_error());
                                }
                                // The pause is in force; the next acquire waits it out.
                                continue;
                            }
                            504 if on_gateway_timeout == OnGatewayTimeout::Return => {
                                return Ok(response);
                            }
                            500 | 502 | 503 | 504 | 520..=599 => {
                                format!("HTTP {}", response.status)
                            }
                            status => match RuntimeError::from_headers(&response.headers) {
                                Some(RuntimeError::Unavailable(name)) => {
                                    format!("HTTP {status}: {name}")
                                }
                                _ => return Ok(response),
                            },
                        }
                    }
                    Err(AttemptError::Fatal(error)) => return Err(error),
                    Err(AttemptError::Refused(detail)) => {
                        if let Some(halt) = self.polite.on_refused() {
                            tracing::debug!(%detail, "connections refused: the client stops");
                            return Err(halt.to_error());
                        }
                        detail
                    }
                    Err(AttemptError::Transient(detail)) => detail,
                };
                if attempt > self.max_retries {
                    return Err(WaybackError::Network {
                        url: url.to_owned(),
                        detail,
                        attempts: attempt,
                    });
                }
                self.back_off(attempt, &detail).await;
            }
        }
        .instrument(span)
        .await
    }

    /// Retries allowed after a first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// Counts a retry and waits before attempt `failed + 1` (exponential backoff).
    pub async fn back_off(&self, failed: u32, detail: &str) {
        let delay = self
            .retry_base
            .saturating_mul(1 << failed.saturating_sub(1).min(16));
        tracing::info!(attempt = failed, %detail, delay_secs = delay.as_secs_f64(), "transient failure, retrying");
        self.counters.retries.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(delay).await;
    }

    async fn attempt(&self, pool: Pool, url: &str) -> Result<RawResponse, AttemptError> {
        // Playback asks for identity to dodge the duplicate Content-Encoding bug; CDX answers
        // are large and compress well.
        let accept = match pool {
            Pool::Cdx => "gzip",
            Pool::Playback => "identity",
        };
        let mut response = self
            .http
            .get(url)
            .header(ACCEPT_ENCODING, accept)
            .send()
            .await
            .map_err(|error| classify(&error))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if response
            .content_length()
            .is_some_and(|length| length > self.max_body)
        {
            return Err(AttemptError::Fatal(WaybackError::TooLarge {
                url: url.to_owned(),
                limit: self.max_body,
            }));
        }
        let mut body = BytesMut::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    self.counters
                        .bytes_received
                        .fetch_add(chunk.len() as u64, Ordering::Relaxed);
                    if body.len() as u64 + chunk.len() as u64 > self.max_body {
                        return Err(AttemptError::Fatal(WaybackError::TooLarge {
                            url: url.to_owned(),
                            limit: self.max_body,
                        }));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(error) if error.is_timeout() => {
                    return Err(AttemptError::Transient(format!("body too slow: {error}")));
                }
                Err(error) => {
                    return Err(AttemptError::Transient(format!(
                        "body cut short after {} bytes: {}",
                        body.len(),
                        error_chain(&error)
                    )));
                }
            }
        }
        Ok(RawResponse {
            status,
            headers,
            body: body.freeze(),
        })
    }
}

/// `Retry-After` as delta-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn classify(error: &reqwest::Error) -> AttemptError {
    let detail = error_chain(error);
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return AttemptError::Refused(detail);
        }
        source = cause.source();
    }
    if error.is_builder() {
        return AttemptError::Fatal(WaybackError::InvalidInput(detail));
    }
    AttemptError::Transient(detail)
}
