//! A domain's versions, built from its stored observations and their kept texts: a pure
//! function ([`build`]) with no converter call, and the crawl step that feeds it.

use std::collections::BTreeMap;

use policy_text::document::{self, BodyTemplate};
use store::{
    CaptureText, DocumentType, Domain, NewVersion, Observation, PolicyVersion, StoredText,
};

use crate::{CrawlError, Crawler};

/// Runs of consecutive observations with one text hash: one version each.
pub(crate) fn groups(observations: &[Observation]) -> Vec<&[Observation]> {
    observations
        .chunk_by(|a, b| a.text_hash == b.text_hash)
        .collect()
}

/// The versions that `observations` (in time order) make: one per run of one text hash, with
/// the Markdown of its first capture (header, title, body filled from the kept `texts`) and its
/// fields. Fields are taken from `existing` when the same version has them from the same
/// extractor. An observation whose text is not in `texts` starts no version (it is skipped).
/// `aliases` are the hosts the domain moved to (for each version's [`Relation`]); `inferred`
/// the times of the captures the change-point search settled without downloading (in order):
/// each counts for the version whose first and last observations hold it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build(
    domain: &str,
    kind: DocumentType,
    aliases: &[String],
    snapshot_base: &str,
    observations: &[Observation],
    inferred: &[String],
    texts: &BTreeMap<String, StoredText>,
    existing: &[PolicyVersion],
) -> Vec<NewVersion> {
    let mut versions = Vec::new();
    for group in groups(observations) {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let Some(text) = first.text_key.as_ref().and_then(|key| texts.get(key)) else {
            continue;
        };
        let template = BodyTemplate::from_stored(text.body.clone(), text.templated);
        let body = template.fill(&first.timestamp);
        let snapshot_url = policy_text::snapshot_url(snapshot_base, &first.timestamp, &first.url);
        let Some(markdown) =
            document::write(domain, kind, &snapshot_url, first.title.as_deref(), &body)
        else {
            continue;
        };
        let extractor = fields_version(kind);
        let known_fields = existing
            .iter()
            .find(|v| {
                v.first_seen == first.timestamp
                    && v.markdown == markdown
                    && v.fields_version.as_deref() == extractor
            })
            .and_then(|v| v.fields.clone());
        let fields = known_fields.or_else(|| fields_json(kind, first.title.as_deref(), &body));
        let covered = inferred.partition_point(|t| t.as_str() <= last.timestamp.as_str())
            - inferred.partition_point(|t| t.as_str() < first.timestamp.as_str());
        let checked = group.len() as i64;
        let relation = crate::decide::relation(&first.url, domain, aliases);
        versions.push(NewVersion {
            snapshot_url,
            fields,
            text_hash: first.text_hash.clone(),
            title: first.title.clone(),
            markdown,
            url: first.url.clone(),
            first_capture_id: first.capture_id,
            last_capture_id: last.capture_id,
            first_seen: first.timestamp.clone(),
            last_seen: last.timestamp.clone(),
            capture_count: checked + covered as i64,
            captures_checked: checked,
            captures_inferred: covered as i64,
            converter: first.converter.clone(),
            fields_version: extractor.map(str::to_owned),
            policy_host: url::Url::parse(&first.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned)),
            relation: Some(relation),
            parked: crate::parked::parked(&first.url, relation, first.title.as_deref(), &body),
        });
    }
    versions
}

/// The extractor of a type's fields: the privacy policy's (`fields::extract`), the terms'
/// (`fields::extract_terms`); the other types have none yet.
pub(crate) fn fields_version(kind: DocumentType) -> Option<&'static str> {
    match kind {
        DocumentType::Privacy => Some(fields::VERSION),
        DocumentType::Terms => Some(fields::TERMS_VERSION),
        DocumentType::Trackers | DocumentType::Imprint => None,
    }
}

/// The fields of a version of type `kind`, as the store keeps them (JSON); `None` for a type
/// without fields.
fn fields_json(kind: DocumentType, title: Option<&str>, body: &str) -> Option<String> {
    // The fields hold strings, numbers and enums only: they always serialise.
    let json = match kind {
        DocumentType::Privacy => serde_json::to_string(&fields::extract(title, body)),
        DocumentType::Terms => serde_json::to_string(&fields::extract_terms(title, body)),
        DocumentType::Trackers | DocumentType::Imprint => return None,
    };
    Some(json.unwrap_or_else(|error| {
        tracing::error!(%error, "fields not serialised");
        String::from("null")
    }))
}

impl Crawler {
    /// Rebuilds the domain's versions from its stored observations. Returns (new, total).
    pub(crate) async fn rebuild_versions(&self, domain: &Domain) -> Result<(u64, u64), CrawlError> {
        let accept_mismatch = self.settings.accept_digest_mismatch;
        let mut observations = self.with_store(|s| s.observations(domain.id, accept_mismatch))?;
        self.keep_missing_texts(domain, &mut observations).await?;
        let mut texts = BTreeMap::new();
        for group in groups(&observations) {
            if let Some(key) = &group[0].text_key
                && !texts.contains_key(key)
                && let Some(text) = self.with_store(|s| s.text(key))?
            {
                texts.insert(key.clone(), text);
            }
        }
        let existing = self.with_store(|s| s.versions(domain.id))?;
        let inferred = self.with_store(|s| s.inferred_timestamps(domain.id))?;
        let aliases: Vec<String> = self
            .with_store(|s| s.aliases(domain.id))?
            .into_iter()
            .map(|a| a.host)
            .collect();
        let wanted = build(
            &domain.name,
            domain.document_type,
            &aliases,
            &self.settings.snapshot_base,
            &observations,
            &inferred,
            &texts,
            &existing,
        );
        let total = wanted.len() as u64;
        let new = self.with_store(|s| s.sync_versions(domain.id, &wanted))?;
        Ok((new, total))
    }

    /// Gives the first capture of each version a kept text when it has none (a store made
    /// before texts were kept): converted once from its stored bytes, under its stored text hash.
    async fn keep_missing_texts(
        &self,
        domain: &Domain,
        observations: &mut [Observation],
    ) -> Result<(), CrawlError> {
        let firsts: Vec<usize> = {
            let mut index = 0;
            groups(observations)
                .iter()
                .map(|group| {
                    let first = index;
                    index += group.len();
                    first
                })
                .filter(|&first| observations[first].text_key.is_none())
                .collect()
        };
        for index in firsts {
            let observation = &observations[index];
            let Some(content) = self.with_store(|s| s.content(&observation.content_sha1))? else {
                continue;
            };
            match self
                .convert(
                    &domain.name,
                    content.body,
                    content.content_type,
                    &observation.timestamp,
                    &observation.url,
                )
                .await
            {
                Ok((CaptureText { text, .. }, _)) => {
                    self.with_store(|s| s.keep_capture_text(observation.capture_id, &text))?;
                    let observation = &mut observations[index];
                    observation.text_key = Some(text.key);
                    observation.title = text.title;
                    observation.converter = Some(text.converter);
                }
                Err(error) => tracing::warn!(%error, "version text lost"),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observation(id: i64, ts: &str, hash: &str, key: &str, title: Option<&str>) -> Observation {
        Observation {
            capture_id: id,
            timestamp: ts.into(),
            url: "http://a.com/privacy".into(),
            text_hash: hash.into(),
            content_sha1: format!("C{id}"),
            text_key: Some(key.into()),
            title: title.map(str::to_owned),
            converter: Some(policy_text::CONVERTER_VERSION.into()),
        }
    }

    fn texts() -> BTreeMap<String, StoredText> {
        [
            (
                "K1",
                "\nWe [care](https://web.archive.org/web/{{timestamp}}id_/http%3A//a.com/x).\n",
            ),
            ("K2", "\nWe do not care.\n"),
        ]
        .into_iter()
        .map(|(key, body)| {
            (
                key.to_owned(),
                StoredText {
                    body: body.to_owned(),
                    templated: true,
                },
            )
        })
        .collect()
    }

    #[test]
    fn one_version_per_run_of_a_text_with_its_first_capture_markdown() {
        let observations = [
            observation(1, "20100101000000", "H1", "K1", Some("Privacy")),
            observation(2, "20110101000000", "H1", "K1", Some("Privacy | A")),
            observation(3, "20120101000000", "H2", "K2", None),
            observation(4, "20130101000000", "H1", "K1", Some("Privacy")),
        ];
        let versions = build(
            "a.com",
            DocumentType::Privacy,
            &[],
            "https://web.archive.org",
            &observations,
            &[],
            &texts(),
            &[],
        );
        let starts: Vec<(&str, &str, i64)> = versions
            .iter()
            .map(|v| (v.first_seen.as_str(), v.last_seen.as_str(), v.capture_count))
            .collect();
        assert_eq!(
            starts,
            [
                ("20100101000000", "20110101000000", 2),
                ("20120101000000", "20120101000000", 1),
                ("20130101000000", "20130101000000", 1),
            ]
        );
        assert_eq!(
            versions[0].markdown,
            "> *The following text is extracted and transformed from the a.com privacy policy that was archived on 2010-01-01. Please check the [original snapshot on the Wayback Machine](https://web.archive.org/web/20100101000000id_/http%3A//a.com/privacy) for the most accurate reproduction.*\n\n# Privacy\n\nWe [care](https://web.archive.org/web/20100101000000id_/http%3A//a.com/x).\n"
        );
        // The reversion to the first text gets its own capture's timestamp in its links.
        assert!(
            versions[2]
                .markdown
                .contains("/web/20130101000000id_/http%3A//a.com/x")
        );
        assert!(
            versions[1]
                .markdown
                .contains("\n# None\n\nWe do not care.\n")
        );
        assert_eq!(versions[1].fields_version.as_deref(), Some(fields::VERSION));
        assert_eq!(versions[0].relation, Some(store::Relation::SameSite));
        assert_eq!(versions[0].policy_host.as_deref(), Some("a.com"));
        let fields: serde_json::Value =
            serde_json::from_str(versions[0].fields.as_deref().expect("fields")).expect("json");
        assert_eq!(fields["title"], "Privacy");
    }

    #[test]
    fn an_observation_without_a_kept_text_starts_no_version() {
        let mut lost = observation(1, "20100101000000", "H1", "K9", None);
        lost.text_key = Some("K9".into());
        let versions = build(
            "a.com",
            DocumentType::Privacy,
            &[],
            "https://web.archive.org",
            &[lost],
            &[],
            &texts(),
            &[],
        );
        assert!(versions.is_empty());
    }
}
