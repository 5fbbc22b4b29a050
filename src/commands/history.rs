//! `crawler history DOMAIN` and `crawler status`: what the store holds.

use policy_diff::terminal_safe;
use store::{DocumentType, Store};

use crate::UsageError;
use crate::cli::{HistoryArgs, StatusArgs};
use crate::commands::crawl::existing_db;
use crate::config::Settings;

/// A stored domain, as read-only commands look it up: the user's spelling normalised, a clear
/// message when the store or the domain is missing.
pub struct StoredDomain {
    /// The canonical name.
    pub name: String,
    /// The database file.
    pub db: std::path::PathBuf,
    /// The store.
    pub store: Store,
    /// The domain row.
    pub domain: store::Domain,
}

pub fn open_domain(
    settings: &Settings,
    input: &str,
    kind: DocumentType,
) -> anyhow::Result<StoredDomain> {
    let name = crawl::normalize_domain(input).map_err(|error| UsageError(error.to_string()))?;
    let db = existing_db(settings)?;
    let store = Store::open_read_only(&db)?;
    let Some(domain) = store.domain(&name, kind)? else {
        if kind == DocumentType::Privacy {
            anyhow::bail!(
                "{name} is not in {}: crawl it first with `crawler crawl {name}`",
                db.display()
            );
        }
        anyhow::bail!(
            "{name} has no {} history in {}: crawl it with `crawler crawl --types {} {name}`",
            kind.phrase(),
            db.display(),
            kind.slug()
        );
    };
    Ok(StoredDomain {
        name,
        db,
        store,
        domain,
    })
}

pub fn history(settings: &Settings, args: HistoryArgs) -> anyhow::Result<()> {
    let StoredDomain {
        name,
        store,
        domain,
        ..
    } = open_domain(settings, &args.domain, args.document_type)?;
    let versions = store.versions(domain.id)?;
    if args.json {
        for version in &versions {
            let mut value = serde_json::to_value(version)?;
            if let Some(object) = value.as_object_mut() {
                object.remove("markdown");
                object.insert("size".into(), version.markdown.len().into());
            }
            println!("{value}");
        }
        return Ok(());
    }
    if versions.is_empty() {
        println!(
            "{name}: no policy version stored (state {}{})",
            domain.state,
            domain
                .last_error
                .map(|e| format!(": {}", terminal_safe(&e, true)))
                .unwrap_or_default()
        );
        return Ok(());
    }
    println!(
        "{:>3}  {:<10}  {:<10}  {:>8}  {:>7}  {:<45}  {:<14}  title",
        "#", "from", "until", "captures", "size", "url", "where"
    );
    for version in &versions {
        println!(
            "{:>3}  {:<10}  {:<10}  {:>8}  {:>7}  {:<45}  {:<14}  {}",
            version.seq,
            date(&version.first_seen),
            version
                .valid_until
                .as_deref()
                .map_or("now".to_owned(), date),
            version.capture_count,
            version.markdown.len(),
            terminal_safe(&version.url, true),
            version.relation.map_or("-", store::Relation::as_str),
            terminal_safe(version.title.as_deref().unwrap_or("-"), true)
        );
    }
    Ok(())
}

pub fn status(settings: &Settings, args: StatusArgs) -> anyhow::Result<()> {
    let db = existing_db(settings)?;
    let store = Store::open_read_only(&db)?;
    let status = store.status()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&status)?);
        return Ok(());
    }
    println!("store: {}", db.display());
    println!(
        "domains: {} ({} with versions); versions: {}; captures: {}; contents: {}",
        status.domains,
        status.domains_with_versions,
        status.versions,
        status.captures,
        status.contents
    );
    if status
        .versions_by_type
        .iter()
        .any(|(kind, _)| *kind != DocumentType::Privacy)
    {
        let per_type: Vec<String> = status
            .versions_by_type
            .iter()
            .map(|(kind, count)| format!("{}: {count}", kind.slug()))
            .collect();
        println!("versions by type: {}", per_type.join(", "));
    }
    match &status.last_run {
        Some(run) => println!(
            "last run: #{} {} started {}{}: {} of {} domains, {} new versions, {} CDX + {} playback requests, {} errors{}",
            run.id,
            run.status,
            run.started_at,
            run.finished_at
                .as_deref()
                .map(|f| format!(", ended {f}"))
                .unwrap_or_default(),
            run.counts.domains_done,
            run.counts.domains_total,
            run.counts.versions_new,
            run.counts.cdx_requests,
            run.counts.playback_requests,
            run.counts.errors,
            run.message
                .as_deref()
                .map(|m| format!(" ({})", terminal_safe(m, true)))
                .unwrap_or_default()
        ),
        None => println!("last run: none"),
    }
    println!(
        "captures waiting for a retry: {}; given up: {}; kept out of versions (bytes differ from the archive's digest): {}",
        status.pending_retries, status.gone_captures, status.damaged_captures
    );
    for (name, state, error) in &status.failing_domains {
        println!(
            "  {name}: {state}{}",
            error
                .as_deref()
                .map(|e| format!(" ({})", terminal_safe(e, true)))
                .unwrap_or_default()
        );
    }
    Ok(())
}

/// `2017-06-08` from `20170608160109` ([`wayback::Timestamp::date_of`]); anything that names
/// no day is returned unchanged.
pub fn date(timestamp: &str) -> String {
    wayback::Timestamp::date_of(timestamp).unwrap_or_else(|| timestamp.to_owned())
}
