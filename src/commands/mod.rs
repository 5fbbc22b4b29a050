//! One module per subcommand, and what they share.

pub mod bench;
pub mod captures;
pub mod convert;
pub mod corpus_check;
pub mod crawl;
pub mod diff;
pub mod export;
pub mod fetch;
pub mod history;
pub mod publish;
pub mod rebuild;

use crate::UsageError;
use crate::config::Settings;

/// Builds the archive client from the settings; invalid settings are usage errors.
pub fn client(settings: &Settings) -> anyhow::Result<wayback::WaybackClient> {
    wayback::WaybackClient::new(settings.archive.clone()).map_err(wayback_error)
}

/// Turns a client error into the binary's error: bad input exits 2, everything else 1.
pub fn wayback_error(error: wayback::WaybackError) -> anyhow::Error {
    match error {
        wayback::WaybackError::InvalidInput(message) => UsageError(message).into(),
        other => other.into(),
    }
}

/// A single-threaded runtime: the work is network-bound and rate-limited.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}
