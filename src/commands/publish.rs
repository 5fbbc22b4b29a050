//! After `crawler crawl`: the Atom feeds (`--feed-dir`, `[feeds] dir`) and the webhook
//! (`--notify-url`, `[feeds] notify_url`), both done by the `feeds` crate.

use std::path::{Path, PathBuf};

use anyhow::Context;
use feeds::{Change, FeedSettings, VersionKey};
use store::{PolicyVersion, Store};

use crate::UsageError;
use crate::cli::CrawlArgs;
use crate::config::Settings;

/// A domain feed's entries, when one was written (or why it could not be).
type Written = Option<anyhow::Result<Vec<feeds::Entry>>>;

/// What to publish after the run.
pub struct Publish {
    dir: Option<PathBuf>,
    webhook: Option<url::Url>,
    settings: FeedSettings,
}

impl Publish {
    /// The flags over the `[feeds]` settings; `None` when there is nothing to publish.
    pub fn new(settings: &Settings, args: &CrawlArgs) -> anyhow::Result<Option<Publish>> {
        let feeds = settings.feeds.clone();
        let dir = args.feed_dir.clone().or_else(|| feeds.dir.clone());
        let webhook = match args.notify_url.as_deref().or(feeds.notify_url.as_deref()) {
            Some(url) => Some(
                feeds
                    .webhook(url)
                    .map_err(|error| UsageError(format!("--notify-url: {error}")))?,
            ),
            None => None,
        };
        if dir.is_none() && webhook.is_none() {
            return Ok(None);
        }
        Ok(Some(Publish {
            dir,
            webhook,
            settings: feeds,
        }))
    }

    /// The versions of `names` before the run (what the webhook does not announce again).
    pub fn before(&self, store: &Store, names: &[String]) -> anyhow::Result<Vec<VersionKey>> {
        if self.webhook.is_none() {
            return Ok(Vec::new());
        }
        let mut keys = Vec::new();
        for name in names {
            if let Some(domain) = store.domain(name, store::DocumentType::Privacy)? {
                keys.extend(store.versions(domain.id)?.into_iter().map(|v| VersionKey {
                    domain: name.clone(),
                    text_hash: v.text_hash,
                    first_seen: v.first_seen,
                }));
            }
        }
        Ok(keys)
    }

    /// Writes the feeds, then POSTs the run's new versions (`before` is [`Publish::before`]).
    /// A webhook that fails is reported and does not fail the crawl; feeds that cannot be
    /// written do, after the webhook had its chance.
    pub fn after(
        &self,
        db: &Path,
        names: &[String],
        before: &[VersionKey],
        run_id: i64,
    ) -> anyhow::Result<()> {
        let store = Store::open_read_only(db)?;
        let mut run_changes = Vec::new();
        let mut entries = Vec::new();
        let mut feed_error = None;
        for name in names {
            let Some(domain) = store.domain(name, store::DocumentType::Privacy)? else {
                continue;
            };
            let versions = store.versions(domain.id)?;
            let (changes, written) = self.domain(name, &versions, feed_error.is_none())?;
            run_changes.extend(changes);
            match written {
                Some(Ok(written)) => entries.extend(written),
                Some(Err(error)) => feed_error = Some(error),
                None => {}
            }
        }
        if let Some(dir) = &self.dir
            && feed_error.is_none()
            && let Err(error) = self.store_feed(&store, dir, names, entries)
        {
            feed_error = Some(error);
        }
        if let Some(url) = &self.webhook {
            self.notify(url, before, &run_changes, run_id)?;
        }
        match feed_error {
            Some(error) => Err(error.context(format!(
                "the crawl is saved, but the feeds in {} are not up to date",
                self.dir.as_deref().unwrap_or(Path::new("?")).display()
            ))),
            None => Ok(()),
        }
    }

    /// A domain's changes, and its feed written when there is a feed folder (and `write`).
    fn domain(
        &self,
        name: &str,
        versions: &[PolicyVersion],
        write: bool,
    ) -> anyhow::Result<(Vec<Change>, Written)> {
        super::diff::with_views(name, versions, |views| {
            let list: Vec<feeds::Version<'_>> = views
                .iter()
                .zip(versions)
                .map(|(view, v)| feeds::Version {
                    view: *view,
                    text_hash: &v.text_hash,
                    snapshot_url: v.snapshot_url.as_deref(),
                })
                .collect();
            let changes = feeds::changes(name, &list)?;
            let written = match (&self.dir, write) {
                (Some(dir), true) => Some(
                    feeds::write_domain_feed(dir, name, &list, &changes)
                        .with_context(|| format!("cannot write the feed of {name}")),
                ),
                _ => None,
            };
            Ok((changes, written))
        })
    }

    /// `all.atom`: the crawled domains' entries, and the others' from their feeds (written from
    /// the store when they have none yet).
    fn store_feed(
        &self,
        store: &Store,
        dir: &Path,
        crawled: &[String],
        mut entries: Vec<feeds::Entry>,
    ) -> anyhow::Result<()> {
        for domain in store.domains()? {
            // Feeds announce privacy-policy versions (the other types are not in feeds yet).
            if crawled.contains(&domain.name)
                || domain.document_type != store::DocumentType::Privacy
            {
                continue;
            }
            match feeds::read_domain_feed(dir, &domain.name)? {
                Some(kept) => entries.extend(kept),
                None => {
                    let versions = store.versions(domain.id)?;
                    if let (_, Some(written)) = self.domain(&domain.name, &versions, true)? {
                        entries.extend(written?);
                    }
                }
            }
        }
        let count = feeds::write_store_feed(dir, entries)?;
        eprintln!(
            "feeds: {} domain feed(s) and all.atom ({count} entries) in {}",
            crawled.len(),
            dir.display()
        );
        Ok(())
    }

    /// POSTs the versions of `after` that were not in `before`, when there are some.
    fn notify(
        &self,
        url: &url::Url,
        before: &[VersionKey],
        after: &[Change],
        run_id: i64,
    ) -> anyhow::Result<()> {
        let new = feeds::new_versions(before, after);
        if new.is_empty() {
            tracing::info!("no new version: the webhook is not called");
            return Ok(());
        }
        let count = new.len();
        let payload = feeds::Payload {
            tool: format!("crawler {}", env!("CARGO_PKG_VERSION")),
            run_id,
            new_versions: new,
        };
        tracing::info!(
            %url,
            bound = ?self.settings.worst_case(),
            "posting {count} new version(s) to the webhook"
        );
        let outcome = super::runtime()?.block_on(feeds::notify(url, &payload, &self.settings));
        if outcome.delivered {
            eprintln!(
                "notify: {count} new version(s) posted to {url} (attempt {})",
                outcome.attempts
            );
        } else {
            // The crawl is saved and the feeds hold the versions: a dead webhook costs nothing
            // but the announcement.
            eprintln!(
                "notify: the webhook {url} did not take the {count} new version(s) after {} attempt(s): {}; the crawl is saved",
                outcome.attempts,
                outcome.error.as_deref().unwrap_or("no answer")
            );
        }
        Ok(())
    }
}
