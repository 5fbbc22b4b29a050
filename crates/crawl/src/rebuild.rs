//! `crawler rebuild`: texts, versions and fields derived again from the stored bytes with
//! today's converter and fields extractor, with no request to the archive.
//!
//! Each domain is written in one transaction, so a rebuild killed anywhere and run again ends
//! with the same store. What a rebuild changed is marked on the versions (`rebuilt`), so that
//! it is never announced as a change of the policy.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use store::{
    CaptureText, ConvertedCapture, DigestCheck, Domain, NewVersion, Observation, PolicyVersion,
    Store, StoredText, TextUpdate,
};

use crate::text::{ConvertFailure, convert_capture};
use crate::versions::build;
use crate::{CrawlError, CrawlSettings};

/// What a rebuild found for one domain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DomainRebuild {
    /// The domain.
    pub domain: String,
    /// Stored captures converted again.
    pub captures: u64,
    /// Captures whose text, text hash or title changed.
    pub texts_changed: u64,
    /// Captures that did not convert in time: their stored text is kept.
    pub out_of_time: u64,
    /// Versions before and after.
    pub versions_before: u64,
    /// Versions after.
    pub versions_after: u64,
    /// Version starts that are gone (two versions merged into one).
    pub merged: u64,
    /// New version starts (one version split in two).
    pub split: u64,
    /// Versions with the same start whose Markdown changed.
    pub versions_text_changed: u64,
    /// Versions with the same start whose fields changed.
    pub versions_fields_changed: u64,
}

impl DomainRebuild {
    /// Whether the rebuild changed anything of the domain's versions or texts.
    pub fn changed(&self) -> bool {
        self.texts_changed > 0
            || self.merged > 0
            || self.split > 0
            || self.versions_text_changed > 0
            || self.versions_fields_changed > 0
    }
}

/// What a rebuild did.
#[derive(Debug, Clone, Serialize)]
pub struct RebuildReport {
    /// The rebuild's row in `rebuilds` (`None` for a dry run, which writes nothing).
    pub rebuild_id: Option<i64>,
    /// The converter it used.
    pub converter: &'static str,
    /// The fields extractor it used.
    pub fields_version: &'static str,
    /// Per domain, in name order.
    pub domains: Vec<DomainRebuild>,
}

/// Derives the texts, versions and fields of `domains` (every stored domain when empty) again
/// from the stored bytes; writes them unless `dry_run`. `on_domain` is called after each domain.
/// The caller holds the store's writer lock.
pub fn rebuild(
    store: &mut Store,
    settings: &CrawlSettings,
    domains: &[String],
    dry_run: bool,
    mut on_domain: impl FnMut(&DomainRebuild),
) -> Result<RebuildReport, CrawlError> {
    let selected: Vec<Domain> = if domains.is_empty() {
        store.domains()?
    } else {
        let mut selected = Vec::new();
        for name in domains {
            match store.domain_rows(name)? {
                rows if !rows.is_empty() => selected.extend(rows),
                _ => {
                    return Err(CrawlError::InvalidSettings(format!(
                        "{name} is not in the store: crawl it first, or check the name with `crawler status`"
                    )));
                }
            }
        }
        selected
    };
    let rebuild_id = if dry_run {
        None
    } else {
        Some(store.start_rebuild(policy_text::CONVERTER_VERSION, fields::VERSION)?)
    };
    let mut report = RebuildReport {
        rebuild_id,
        converter: policy_text::CONVERTER_VERSION,
        fields_version: fields::VERSION,
        domains: Vec::new(),
    };
    for domain in &selected {
        let span = tracing::info_span!("rebuild", domain = %domain.name);
        let _entered = span.enter();
        let (found, updates, versions, restamped) = derive_domain(store, settings, domain)?;
        if let Some(id) = rebuild_id
            && (!updates.is_empty() || found.changed() || restamped)
        {
            store.apply_rebuild(domain.id, &updates, &versions, id)?;
        }
        on_domain(&found);
        report.domains.push(found);
    }
    if let Some(id) = rebuild_id {
        let json = serde_json::to_value(&report.domains)
            .map_err(|error| CrawlError::Internal(format!("rebuild report: {error}")))?;
        store.finish_rebuild(id, &json)?;
    }
    Ok(report)
}

/// One domain's new texts and versions, how they differ from the stored ones, and whether any
/// version's tooling stamp differs.
fn derive_domain(
    store: &Store,
    settings: &CrawlSettings,
    domain: &Domain,
) -> Result<(DomainRebuild, Vec<TextUpdate>, Vec<NewVersion>, bool), CrawlError> {
    let captures = store.converted_captures(domain.id)?;
    let mut found = DomainRebuild {
        domain: domain.name.clone(),
        captures: captures.len() as u64,
        ..DomainRebuild::default()
    };
    // The same bytes at the same URL convert alike: once per (content, URL).
    let mut converted: BTreeMap<(String, String), Result<CaptureText, ConvertFailure>> =
        BTreeMap::new();
    let mut updates = Vec::new();
    let mut observations = Vec::new();
    let mut texts: BTreeMap<String, StoredText> = BTreeMap::new();
    for capture in &captures {
        let key = (capture.content_sha1.clone(), capture.found_url.clone());
        if !converted.contains_key(&key) {
            let result = match store.content(&capture.content_sha1)? {
                Some(content) => convert_capture(
                    &domain.name,
                    &content.body,
                    content.content_type.as_deref(),
                    &settings.snapshot_base,
                    &capture.found_timestamp,
                    &capture.found_url,
                )
                .map(|(text, _)| text),
                None => Err(ConvertFailure::other("content missing".into())),
            };
            converted.insert(key.clone(), result);
        }
        let Some(result) = converted.get(&key) else {
            continue;
        };
        let update = match result {
            Err(failure) if failure.out_of_time => {
                found.out_of_time += 1;
                tracing::warn!(%failure, url = %capture.found_url, timestamp = %capture.found_timestamp, "stored text kept");
                keep_stored(store, capture, &mut observations, &mut texts)?;
                continue;
            }
            Ok(text) => TextUpdate {
                capture_id: capture.capture_id,
                text_hash: Some(text.text_hash.clone()),
                text: Some(text.text.clone()),
                note: None,
            },
            Err(failure) => TextUpdate {
                capture_id: capture.capture_id,
                text_hash: None,
                text: None,
                note: Some(failure.to_string()),
            },
        };
        let text = update.text.as_ref();
        let differs = capture.text_hash != update.text_hash
            || capture.text_key.as_ref() != text.map(|t| &t.key)
            || capture.title.as_ref() != text.and_then(|t| t.title.as_ref())
            || capture.not_policy != text.and_then(|t| t.not_policy);
        if differs {
            found.texts_changed += 1;
        }
        let restamped = capture.converter.as_ref() != text.map(|t| &t.converter);
        if let (Some(hash), Some(text)) = (&update.text_hash, text)
            && counts_for_versions(capture, settings)
            && text.not_policy.is_none()
        {
            texts.insert(
                text.key.clone(),
                StoredText {
                    body: text.body.clone(),
                    templated: text.templated,
                },
            );
            observations.push(observation(
                capture,
                hash,
                &text.key,
                text.title.as_ref(),
                Some(&text.converter),
            ));
        }
        if differs || restamped || (update.text.is_none() && capture.note != update.note) {
            updates.push(update);
        }
    }
    let existing = store.versions(domain.id)?;
    // Fields are extracted again for every version: pass no existing version to reuse.
    let aliases: Vec<String> = store
        .aliases(domain.id)?
        .into_iter()
        .map(|a| a.host)
        .collect();
    let inferred = store.inferred_timestamps(domain.id)?;
    let versions = build(
        &domain.name,
        domain.document_type,
        &aliases,
        &settings.snapshot_base,
        &observations,
        &inferred,
        &texts,
        &[],
    );
    compare(&existing, &versions, &mut found);
    // Versions made by other tooling are stamped with today's, even when nothing else changed.
    let restamped = existing.len() != versions.len()
        || existing.iter().zip(&versions).any(|(old, new)| {
            old.converter != new.converter
                || old.fields_version != new.fields_version
                || old.relation != new.relation
                || old.policy_host != new.policy_host
                || old.parked != new.parked
        });
    Ok((found, updates, versions, restamped))
}

/// Keeps a capture's stored text for the versions (its conversion ran out of time), unless it
/// was found to be no policy.
fn keep_stored(
    store: &Store,
    capture: &ConvertedCapture,
    observations: &mut Vec<Observation>,
    texts: &mut BTreeMap<String, StoredText>,
) -> Result<(), CrawlError> {
    let (Some(hash), Some(key), None) = (&capture.text_hash, &capture.text_key, capture.not_policy)
    else {
        return Ok(());
    };
    if let Some(text) = store.text(key)? {
        texts.insert(key.clone(), text);
        observations.push(observation(
            capture,
            hash,
            key,
            capture.title.as_ref(),
            capture.converter.as_ref(),
        ));
    }
    Ok(())
}

/// Whether a capture's text counts for versions (as `Store::observations` decides).
fn counts_for_versions(capture: &ConvertedCapture, settings: &CrawlSettings) -> bool {
    settings.accept_digest_mismatch || capture.digest_check != Some(DigestCheck::Mismatch)
}

/// The observation a capture's (new or kept) text makes.
fn observation(
    capture: &ConvertedCapture,
    hash: &str,
    key: &str,
    title: Option<&String>,
    converter: Option<&String>,
) -> Observation {
    Observation {
        capture_id: capture.capture_id,
        timestamp: capture.found_timestamp.clone(),
        url: capture.found_url.clone(),
        text_hash: hash.to_owned(),
        content_sha1: capture.content_sha1.clone(),
        text_key: Some(key.to_owned()),
        title: title.cloned(),
        converter: converter.cloned(),
    }
}

/// Counts merges, splits, and text and field changes between the stored and the new versions.
fn compare(existing: &[PolicyVersion], versions: &[NewVersion], found: &mut DomainRebuild) {
    found.versions_before = existing.len() as u64;
    found.versions_after = versions.len() as u64;
    let before: BTreeSet<&str> = existing.iter().map(|v| v.first_seen.as_str()).collect();
    let after: BTreeSet<&str> = versions.iter().map(|v| v.first_seen.as_str()).collect();
    found.merged = before.difference(&after).count() as u64;
    found.split = after.difference(&before).count() as u64;
    let parse = |fields: Option<&str>| -> Option<serde_json::Value> {
        fields.and_then(|f| serde_json::from_str(f).ok())
    };
    for version in versions {
        let Some(old) = existing.iter().find(|v| v.first_seen == version.first_seen) else {
            continue;
        };
        if old.markdown != version.markdown {
            found.versions_text_changed += 1;
        }
        if parse(old.fields.as_deref()) != parse(version.fields.as_deref()) {
            found.versions_fields_changed += 1;
        }
    }
}
