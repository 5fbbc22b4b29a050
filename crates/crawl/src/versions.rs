//! A domain's versions, rebuilt from its stored observations.

use store::{Domain, NewVersion};

use crate::{CrawlError, Crawler};

impl Crawler {
    /// Rebuilds the domain's versions from its stored observations. Returns (new, total).
    pub(crate) async fn rebuild_versions(&self, domain: &Domain) -> Result<(u64, u64), CrawlError> {
        let accept_mismatch = self.settings.accept_digest_mismatch;
        let observations = self.with_store(|s| s.observations(domain.id, accept_mismatch))?;
        let existing = self.with_store(|s| s.versions(domain.id))?;
        let mut wanted: Vec<NewVersion> = Vec::new();
        let mut groups: Vec<Vec<&store::Observation>> = Vec::new();
        for observation in &observations {
            match groups.last_mut() {
                Some(group) if group[0].text_hash == observation.text_hash => {
                    group.push(observation)
                }
                _ => groups.push(vec![observation]),
            }
        }
        for (index, group) in groups.iter().enumerate() {
            let (first, last) = (group[0], group[group.len() - 1]);
            let reusable = existing
                .get(index)
                .filter(|v| v.text_hash == first.text_hash && v.first_seen == first.timestamp);
            let snapshot_url = policy_text::snapshot_url(
                &self.settings.snapshot_base,
                &first.timestamp,
                &first.url,
            );
            let (title, markdown) = match reusable {
                Some(version) => (version.title.clone(), version.markdown.clone()),
                None => {
                    let Some(content) = self.with_store(|s| s.content(&first.content_sha1))? else {
                        continue;
                    };
                    match self
                        .convert(
                            &domain.name,
                            content.body,
                            content.content_type,
                            &first.timestamp,
                            &first.url,
                        )
                        .await
                    {
                        Ok(document) => (document.title, document.markdown),
                        Err(error) => {
                            tracing::warn!(%error, "version text lost");
                            continue;
                        }
                    }
                }
            };
            let fields = match reusable.and_then(|v| v.fields.clone()) {
                Some(fields) => Some(fields),
                None => serde_json::to_string(&fields::extract(&markdown)).ok(),
            };
            wanted.push(NewVersion {
                snapshot_url,
                fields,
                text_hash: first.text_hash.clone(),
                title,
                markdown,
                url: first.url.clone(),
                first_capture_id: first.capture_id,
                last_capture_id: last.capture_id,
                first_seen: first.timestamp.clone(),
                last_seen: last.timestamp.clone(),
                capture_count: group.len() as i64,
            });
        }
        let total = wanted.len() as u64;
        let new = self.with_store(|s| s.sync_versions(domain.id, &wanted))?;
        Ok((new, total))
    }
}
