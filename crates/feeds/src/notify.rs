//! The webhook: one JSON document per run listing its new versions, POSTed with a timeout per
//! attempt and a bounded number of attempts. It never fails the caller: it says what happened.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::Change;

/// The wait before the second attempt; it doubles before each further one.
const BACKOFF: Duration = Duration::from_millis(500);

/// The `[feeds]` settings of the configuration file: where feeds go and the webhook.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeedSettings {
    /// Write the Atom feeds and diff pages in this folder after each crawl (`--feed-dir`).
    pub dir: Option<std::path::PathBuf>,
    /// POST the run's new versions to this URL after each crawl (`--notify-url`).
    pub notify_url: Option<String>,
    /// Seconds one webhook attempt may take, connection included.
    pub notify_timeout: f64,
    /// Attempts at most (a failed one is retried after 0.5 s, then 1 s, 2 s...).
    pub notify_attempts: u32,
}

impl Default for FeedSettings {
    fn default() -> Self {
        FeedSettings {
            dir: None,
            notify_url: None,
            notify_timeout: 10.0,
            notify_attempts: 3,
        }
    }
}

/// A `[feeds]` value out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// `notify_timeout` must be a number of seconds in (0, 300].
    #[error("[feeds] notify_timeout must be between 0 and 300 seconds, not {0}")]
    Timeout(String),
    /// `notify_attempts` must be 1 to 10.
    #[error("[feeds] notify_attempts must be 1 to 10, not {0}")]
    Attempts(u32),
    /// `notify_url` must be an http(s) URL.
    #[error("the webhook URL {url:?} is not an http:// or https:// URL ({detail})")]
    Url {
        /// The value given.
        url: String,
        /// Why.
        detail: String,
    },
}

impl FeedSettings {
    /// Refuses values that would hang or spin, naming the key.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if !(self.notify_timeout > 0.0 && self.notify_timeout <= 300.0) {
            return Err(SettingsError::Timeout(self.notify_timeout.to_string()));
        }
        if !(1..=10).contains(&self.notify_attempts) {
            return Err(SettingsError::Attempts(self.notify_attempts));
        }
        if let Some(url) = &self.notify_url {
            self.webhook(url)?;
        }
        Ok(())
    }

    /// `url` read as the webhook's address.
    pub fn webhook(&self, url: &str) -> Result<url::Url, SettingsError> {
        let bad = |detail: String| SettingsError::Url {
            url: url.to_owned(),
            detail,
        };
        let parsed = url::Url::parse(url).map_err(|error| bad(error.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(bad(format!("the scheme is {}", parsed.scheme())));
        }
        Ok(parsed)
    }

    /// One attempt's timeout.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.notify_timeout)
    }

    /// The longest a webhook can delay the crawl: every attempt timing out, plus the waits
    /// between them.
    pub fn worst_case(&self) -> Duration {
        let waits: Duration = (1..self.notify_attempts)
            .map(|i| BACKOFF * 2u32.saturating_pow(i - 1))
            .sum();
        self.timeout() * self.notify_attempts + waits
    }
}

/// The JSON document a run POSTs.
#[derive(Debug, Clone, Serialize)]
pub struct Payload<'a> {
    /// `crawler VERSION`.
    pub tool: String,
    /// The crawl run (`crawler status` lists runs).
    pub run_id: i64,
    /// The versions the run added, by domain then version.
    pub new_versions: Vec<&'a Change>,
}

/// What became of a webhook call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyOutcome {
    /// Attempts made.
    pub attempts: u32,
    /// The HTTP status of the last answer, if one came.
    pub status: Option<u16>,
    /// Whether an attempt got a 2xx answer.
    pub delivered: bool,
    /// The last failure, when not delivered.
    pub error: Option<String>,
}

/// POSTs `payload` as JSON to `url`: up to `settings.notify_attempts` attempts of at most
/// `settings.notify_timeout` each, waiting 0.5 s, 1 s, 2 s... between them; an answer other
/// than 2xx counts as a failure. Redirects are not followed (the document goes to the URL the
/// user gave, and only there). Takes at most [`FeedSettings::worst_case`].
pub async fn notify(
    url: &url::Url,
    payload: &Payload<'_>,
    settings: &FeedSettings,
) -> NotifyOutcome {
    let mut outcome = NotifyOutcome {
        attempts: 0,
        status: None,
        delivered: false,
        error: None,
    };
    // reqwest is built without a default TLS provider; the archive client installs the same one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = match reqwest::Client::builder()
        .timeout(settings.timeout())
        .connect_timeout(settings.timeout())
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("crawler/", env!("CARGO_PKG_VERSION"), " (webhook)"))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            outcome.error = Some(format!("cannot make the webhook's HTTP client: {error}"));
            return outcome;
        }
    };
    let body = match serde_json::to_vec(payload) {
        Ok(body) => body,
        Err(error) => {
            outcome.error = Some(format!("cannot write the webhook's JSON: {error}"));
            return outcome;
        }
    };
    for attempt in 0..settings.notify_attempts {
        if attempt > 0 {
            tokio::time::sleep(BACKOFF * 2u32.saturating_pow(attempt - 1)).await;
        }
        outcome.attempts = attempt + 1;
        let sent = client
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.clone())
            .send()
            .await;
        match sent {
            Ok(response) => {
                let status = response.status();
                outcome.status = Some(status.as_u16());
                if status.is_success() {
                    outcome.delivered = true;
                    outcome.error = None;
                    return outcome;
                }
                outcome.error = Some(format!("the webhook answered {status}"));
            }
            Err(error) => {
                outcome.error = Some(if error.is_timeout() {
                    format!("no answer within {:?}", settings.timeout())
                } else {
                    format!("{error}")
                });
            }
        }
        tracing::warn!(attempt = attempt + 1, error = ?outcome.error, "webhook attempt failed");
    }
    outcome
}
