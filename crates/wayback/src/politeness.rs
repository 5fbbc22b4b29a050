//! Politeness: two governor rate-limit pools, the shared pause after a 429, and the halt that
//! stops every request when the archive says (twice, or with its firewall) that we must stop.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant, SystemTime};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::WaybackError;
use crate::config::{
    ArchiveConfig, IA_MAX_CDX_PER_MINUTE, IA_MAX_PLAYBACK_PER_SECOND, MAX_PAUSE_SECS,
};

/// The two request pools the archive limits separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool {
    /// `/cdx/*` and `/web/timemap/*`.
    Cdx,
    /// `/web/...` playback.
    Playback,
}

/// Why the client stopped, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Halt {
    /// A second 429 within the window.
    RateLimited {
        /// When to retry.
        retry_at: SystemTime,
    },
    /// Refused connections in a row.
    Refusing {
        /// Refusals in a row.
        streak: u32,
        /// When to retry.
        retry_at: SystemTime,
    },
}

impl Halt {
    /// The error every call returns once halted.
    pub fn to_error(self) -> WaybackError {
        match self {
            Halt::RateLimited { retry_at } => WaybackError::RateLimited { retry_at },
            Halt::Refusing { streak, retry_at } => {
                WaybackError::ArchiveRefusing { streak, retry_at }
            }
        }
    }
}

struct State {
    paused_until: Option<Instant>,
    last_429: Option<Instant>,
    refused_streak: u32,
    halt: Option<Halt>,
}

/// Rate limiters and the circuit breaker shared by every request of one client.
pub(crate) struct Politeness {
    cdx: RwLock<Arc<DefaultDirectRateLimiter>>,
    playback: RwLock<Arc<DefaultDirectRateLimiter>>,
    cdx_in_flight: Semaphore,
    playback_in_flight: Semaphore,
    cdx_period: Mutex<Duration>,
    playback_period: Mutex<Duration>,
    state: Mutex<State>,
    default_retry_after: Duration,
    window: Duration,
    refused_limit: u32,
    block_wait: Duration,
}

/// A limiter allowing one request per `period`, no bursts.
fn limiter(period: Duration) -> Arc<DefaultDirectRateLimiter> {
    let period = period.max(Duration::from_micros(1));
    let quota = Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::MIN);
    Arc::new(RateLimiter::direct(quota))
}

fn secs(value: f64) -> Duration {
    Duration::try_from_secs_f64(value.max(0.0)).unwrap_or(Duration::MAX)
}

/// `now + wait` as a wall-clock time, saturating far in the future instead of overflowing.
fn wall_clock_after(wait: Duration) -> SystemTime {
    let now = SystemTime::now();
    now.checked_add(wait)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 24 * 3600)))
        .unwrap_or(now)
}

impl Politeness {
    pub(crate) fn new(config: &ArchiveConfig) -> Politeness {
        let (mut per_minute, mut per_second) = (
            config.cdx_requests_per_minute.max(1),
            config.playback_requests_per_second,
        );
        if !(per_second.is_finite() && per_second > 0.0) {
            per_second = 1.0;
        }
        if config.is_internet_archive() {
            if per_minute > IA_MAX_CDX_PER_MINUTE {
                tracing::warn!(
                    configured = per_minute,
                    "CDX rate clamped to {IA_MAX_CDX_PER_MINUTE}/min for web.archive.org"
                );
                per_minute = IA_MAX_CDX_PER_MINUTE;
            }
            if per_second > IA_MAX_PLAYBACK_PER_SECOND {
                tracing::warn!(
                    configured = per_second,
                    "playback rate clamped to {IA_MAX_PLAYBACK_PER_SECOND}/s for web.archive.org"
                );
                per_second = IA_MAX_PLAYBACK_PER_SECOND;
            }
        }
        let cdx_period = Duration::from_secs(60) / per_minute;
        let playback_period = secs(1.0 / per_second);
        Politeness {
            cdx: RwLock::new(limiter(cdx_period)),
            playback: RwLock::new(limiter(playback_period)),
            cdx_in_flight: Semaphore::new(1),
            playback_in_flight: Semaphore::new(config.playback_concurrency.clamp(1, 16) as usize),
            cdx_period: Mutex::new(cdx_period),
            playback_period: Mutex::new(playback_period),
            state: Mutex::new(State {
                paused_until: None,
                last_429: None,
                refused_streak: 0,
                halt: None,
            }),
            default_retry_after: secs(config.default_retry_after),
            window: secs(config.rate_limit_window),
            refused_limit: config.refused_connection_limit.max(1),
            block_wait: secs(config.block_wait),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The halt, if the client has stopped.
    pub(crate) fn halt(&self) -> Option<Halt> {
        self.state().halt
    }

    /// Waits for the pause, a slot in flight and a token of `pool`'s limiter.
    pub(crate) async fn acquire(&self, pool: Pool) -> Result<SemaphorePermit<'_>, WaybackError> {
        let semaphore = match pool {
            Pool::Cdx => &self.cdx_in_flight,
            Pool::Playback => &self.playback_in_flight,
        };
        let permit = semaphore
            .acquire()
            .await
            .map_err(|_| WaybackError::InvalidInput("the client is shutting down".into()))?;
        loop {
            self.wait_out_pause().await?;
            let limiter = match pool {
                Pool::Cdx => self.cdx.read(),
                Pool::Playback => self.playback.read(),
            }
            .map(|guard| Arc::clone(&guard))
            .unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()));
            limiter.until_ready().await;
            // A 429 may have arrived while we waited for the token: honour it before sending.
            let paused = self
                .state()
                .paused_until
                .is_some_and(|until| until > Instant::now());
            if !paused {
                if let Some(halt) = self.halt() {
                    return Err(halt.to_error());
                }
                return Ok(permit);
            }
        }
    }

    async fn wait_out_pause(&self) -> Result<(), WaybackError> {
        loop {
            let until = {
                let state = self.state();
                if let Some(halt) = state.halt {
                    return Err(halt.to_error());
                }
                state.paused_until
            };
            match until {
                Some(until) if until > Instant::now() => {
                    tokio::time::sleep_until(tokio::time::Instant::from_std(until)).await;
                }
                _ => return Ok(()),
            }
        }
    }

    /// Records a 429: pauses both pools and halves their rates, or halts on a second one, or
    /// at once when the archive asks for a pause longer than the client sits out.
    pub(crate) fn on_rate_limited(&self, retry_after: Option<Duration>) -> Option<Halt> {
        let now = Instant::now();
        let wait = retry_after.unwrap_or(self.default_retry_after);
        let mut state = self.state();
        let longest = secs(MAX_PAUSE_SECS);
        let paused_until = now.checked_add(wait).filter(|_| wait <= longest);
        let second = state
            .last_429
            .is_some_and(|last| now.duration_since(last) < self.window);
        let Some(paused_until) = paused_until.filter(|_| !second) else {
            let halt = Halt::RateLimited {
                retry_at: wall_clock_after(wait.max(self.window)),
            };
            state.halt = Some(halt);
            if second {
                tracing::error!("second 429 within the window: the client stops");
            } else {
                tracing::error!(
                    retry_after_secs = wait.as_secs_f64(),
                    "the archive asks for a pause longer than {MAX_PAUSE_SECS} s: the client stops"
                );
            }
            return Some(halt);
        };
        state.last_429 = Some(now);
        state.paused_until = Some(paused_until);
        drop(state);
        tracing::warn!(
            pause_secs = wait.as_secs_f64(),
            "429 from the archive: both pools paused, then half rate"
        );
        self.halve(&self.cdx, &self.cdx_period);
        self.halve(&self.playback, &self.playback_period);
        None
    }

    fn halve(&self, slot: &RwLock<Arc<DefaultDirectRateLimiter>>, period: &Mutex<Duration>) {
        let mut period = period
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *period = period.saturating_mul(2);
        let fresh = limiter(*period);
        match slot.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
    }

    /// Records a refused connection; halts after too many in a row.
    pub(crate) fn on_refused(&self) -> Option<Halt> {
        let mut state = self.state();
        state.refused_streak += 1;
        if state.refused_streak >= self.refused_limit {
            let halt = Halt::Refusing {
                streak: state.refused_streak,
                retry_at: wall_clock_after(self.block_wait),
            };
            state.halt = Some(halt);
            return Some(halt);
        }
        None
    }

    /// Records a connection that worked.
    pub(crate) fn on_connected(&self) {
        self.state().refused_streak = 0;
    }

    /// Current spacing between requests of a pool.
    #[cfg(test)]
    pub(crate) fn period(&self, pool: Pool) -> Duration {
        let slot = match pool {
            Pool::Cdx => &self.cdx_period,
            Pool::Playback => &self.playback_period,
        };
        *slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base: &str) -> ArchiveConfig {
        ArchiveConfig {
            base_url: base.into(),
            cdx_requests_per_minute: 600,
            playback_requests_per_second: 50.0,
            default_retry_after: 0.2,
            rate_limit_window: 5.0,
            ..ArchiveConfig::default()
        }
    }

    #[test]
    fn internet_archive_rates_are_clamped_whatever_the_config() {
        let polite = Politeness::new(&config("https://web.archive.org"));
        assert_eq!(polite.period(Pool::Cdx), Duration::from_millis(2500));
        assert_eq!(polite.period(Pool::Playback), Duration::from_millis(125));
        let local = Politeness::new(&config("http://127.0.0.1:9"));
        assert_eq!(local.period(Pool::Cdx), Duration::from_millis(100));
        assert_eq!(local.period(Pool::Playback), Duration::from_millis(20));
    }

    #[tokio::test]
    async fn a_429_pauses_both_pools_halves_rates_and_a_second_one_halts() {
        let polite = Politeness::new(&config("http://127.0.0.1:9"));
        let start = Instant::now();
        assert!(polite.on_rate_limited(None).is_none());
        assert_eq!(polite.period(Pool::Cdx), Duration::from_millis(200));
        assert_eq!(polite.period(Pool::Playback), Duration::from_millis(40));
        drop(polite.acquire(Pool::Playback).await.expect("not halted"));
        assert!(
            start.elapsed() >= Duration::from_millis(200),
            "waited out the pause"
        );
        let halt = polite.on_rate_limited(Some(Duration::from_secs(1)));
        assert!(matches!(halt, Some(Halt::RateLimited { .. })));
        assert!(
            polite
                .acquire(Pool::Cdx)
                .await
                .expect_err("halted")
                .is_halt()
        );
    }

    #[tokio::test]
    async fn a_huge_retry_after_stops_the_client_instead_of_overflowing_or_sleeping() {
        for seconds in [u64::MAX, 999_999_999_999, 3600] {
            let polite = Politeness::new(&config("http://127.0.0.1:9"));
            let halt = polite.on_rate_limited(Some(Duration::from_secs(seconds)));
            let Some(Halt::RateLimited { retry_at }) = halt else {
                panic!("Retry-After {seconds} must halt, got {halt:?}");
            };
            assert!(retry_at > SystemTime::now() + Duration::from_secs(3000));
            let error = tokio::time::timeout(Duration::from_secs(5), polite.acquire(Pool::Cdx))
                .await
                .expect("no sleep: the halt answers at once")
                .expect_err("halted");
            assert!(error.is_halt(), "{error}");
            assert!(!error.to_string().is_empty());
        }
        // A pause the client can sit out is still a pause, not a halt.
        let polite = Politeness::new(&config("http://127.0.0.1:9"));
        assert!(
            polite
                .on_rate_limited(Some(Duration::from_secs(60)))
                .is_none()
        );
    }

    #[test]
    fn the_clamp_sees_through_spellings_and_addresses_of_the_archive() {
        for base in [
            "https://web.archive.org.",
            "https://WEB.ARCHIVE.ORG:443",
            "https://user@web.archive.org/",
            "http://207.241.237.3",
            "http://3488738563",
            "http://[::ffff:207.241.237.3]",
            "http://[2620:0:9c0:0:0:0:0:1]",
        ] {
            let polite = Politeness::new(&config(base));
            assert_eq!(
                polite.period(Pool::Cdx),
                Duration::from_millis(2500),
                "{base} is the Internet Archive"
            );
        }
        for base in ["http://archive.org.example.com", "http://208.70.32.1"] {
            assert!(!config(base).is_internet_archive(), "{base}");
        }
    }

    #[tokio::test]
    async fn refusals_in_a_row_halt_but_a_success_resets_the_streak() {
        let polite = Politeness::new(&ArchiveConfig {
            refused_connection_limit: 2,
            ..config("http://127.0.0.1:9")
        });
        assert!(polite.on_refused().is_none());
        polite.on_connected();
        assert!(polite.on_refused().is_none());
        assert!(matches!(
            polite.on_refused(),
            Some(Halt::Refusing { streak: 2, .. })
        ));
        assert!(matches!(
            polite.acquire(Pool::Playback).await,
            Err(WaybackError::ArchiveRefusing { .. })
        ));
    }
}
