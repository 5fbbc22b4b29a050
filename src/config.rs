//! Settings: `config/crawler.toml` (or `--config FILE`), then environment and flags.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use crate::UsageError;
use crate::cli::GlobalArgs;

/// The default configuration file, relative to the working directory.
pub const DEFAULT_CONFIG: &str = "config/crawler.toml";

/// Everything a command may need from the configuration.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The archive client's settings (`[archive]`).
    pub archive: wayback::ArchiveConfig,
    /// The crawl's settings (`[crawl]`).
    pub crawl: crawl::CrawlSettings,
    /// Feeds and webhook after a crawl (`[feeds]`).
    pub feeds: feeds::FeedSettings,
}

impl Settings {
    /// Loads the file named by `--config`/`CRAWLER_CONFIG`, else `config/crawler.toml` when it
    /// exists, else the built-in defaults; then applies `--archive`/`CRAWLER_ARCHIVE`.
    pub fn load(global: &GlobalArgs) -> anyhow::Result<Settings> {
        let mut settings = match &global.config {
            Some(path) => Self::from_file(path)?,
            None if Path::new(DEFAULT_CONFIG).is_file() => {
                Self::from_file(&PathBuf::from(DEFAULT_CONFIG))?
            }
            None => Settings::default(),
        };
        if let Some(archive) = &global.archive {
            let url = url::Url::parse(archive).map_err(|error| {
                UsageError(format!(
                    "--archive {archive:?} is not a URL ({error}); give one like http://127.0.0.1:8089"
                ))
            })?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(UsageError(format!(
                    "--archive {archive:?} must be an http:// or https:// URL"
                ))
                .into());
            }
            settings.archive.base_url = archive.trim_end_matches('/').to_owned();
        }
        if let Some(profile) = global.archive_profile {
            settings.archive.profile = match profile {
                crate::cli::ProfileArg::Ia => wayback::ArchiveProfile::Ia,
                crate::cli::ProfileArg::Pywb => wayback::ArchiveProfile::Pywb,
            };
        }
        if let Some(db) = &global.db {
            settings.crawl.db = db.clone();
        }
        settings.validate()?;
        Ok(settings)
    }

    /// Refuses out-of-range values (zero, negative, NaN, infinite...) naming the key: they
    /// would otherwise hang, spin or overflow.
    fn validate(&self) -> anyhow::Result<()> {
        let source = |error: String| UsageError(format!("{error} (in the configuration)"));
        self.archive
            .validate()
            .map_err(|error| source(error.to_string()))?;
        self.crawl
            .validate()
            .map_err(|error| source(error.to_string()))?;
        self.feeds
            .validate()
            .map_err(|error| source(error.to_string()))?;
        Ok(())
    }

    fn from_file(path: &Path) -> anyhow::Result<Settings> {
        let text = std::fs::read_to_string(path).map_err(|error| {
            UsageError(format!("cannot read config {}: {error}", path.display()))
        })?;
        toml::from_str(&text)
            .map_err(|error| UsageError(format!("config {} is invalid: {error}", path.display())))
            .context("fix the file or pass another with --config")
    }
}

/// Refuses a `--from` date after the `--to` date (both CDX digits, already valid): such a
/// window holds no capture, so it is a usage error rather than a run that finds nothing.
pub fn check_date_order(from: Option<&str>, to: Option<&str>) -> Result<(), UsageError> {
    let (Some(from), Some(to)) = (from, to) else {
        return Ok(());
    };
    match (wayback::pad_timestamp(from), wayback::period_end(to)) {
        (Ok(start), Ok(end)) if start > end => Err(UsageError(format!(
            "--from {from} is after --to {to}: give the earlier date with --from"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_config_parses_and_matches_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_CONFIG);
        let shipped = Settings::from_file(&path).expect("config/crawler.toml parses");
        let defaults = Settings::default();
        assert_eq!(
            format!("{:?}", shipped.archive),
            format!("{:?}", defaults.archive),
            "config/crawler.toml documents the built-in defaults; keep them equal"
        );
        assert_eq!(
            shipped.crawl, defaults.crawl,
            "config/crawler.toml documents the built-in defaults; keep them equal"
        );
        assert_eq!(
            shipped.feeds, defaults.feeds,
            "config/crawler.toml documents the built-in defaults; keep them equal"
        );
    }

    #[test]
    fn an_unknown_key_is_an_error_that_names_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "[archive]\nbase_ulr = \"http://x\"\n").expect("write");
        let error = Settings::from_file(&path).expect_err("typo is rejected");
        assert!(format!("{error:#}").contains("bad.toml"), "{error:#}");
    }
}
