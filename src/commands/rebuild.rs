//! `crawler rebuild`: re-derive texts, versions and fields from the stored captures.

use anyhow::Context;
use store::Store;

use crate::UsageError;
use crate::cli::RebuildArgs;
use crate::config::Settings;

pub fn run(settings: &Settings, args: RebuildArgs) -> anyhow::Result<()> {
    let names = args
        .domains
        .iter()
        .map(|name| crawl::normalize_domain(name).map_err(|error| UsageError(error.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let db = settings.crawl.db.clone();
    if !db.exists() {
        return Err(UsageError(format!(
            "there is no store at {}: crawl first, or give the store with --db",
            db.display()
        ))
        .into());
    }
    let _lock = Store::lock_for_writing(&db)?;
    let mut store = Store::open(&db)?;
    let json = args.json;
    let report = crawl::rebuild(&mut store, &settings.crawl, &names, args.dry_run, |found| {
        if !json {
            println!("{}", domain_line(found));
        }
    })
    .map_err(|error| match error {
        crawl::CrawlError::InvalidSettings(message) => UsageError(message).into(),
        other => anyhow::Error::from(other),
    })
    .with_context(|| {
        format!(
            "the rebuild stopped; {} keeps every domain done",
            db.display()
        )
    })?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let changed = report.domains.iter().filter(|d| d.changed()).count();
    let verb = if args.dry_run {
        "would change"
    } else {
        "changed"
    };
    println!(
        "rebuild{}: {} domain(s), {changed} {verb}, with {} and {}",
        if args.dry_run { " (dry run)" } else { "" },
        report.domains.len(),
        report.converter,
        report.fields_version
    );
    Ok(())
}

/// One domain's line: what the rebuild found.
fn domain_line(found: &crawl::DomainRebuild) -> String {
    if !found.changed() {
        return format!(
            "{:<30} unchanged ({} captures)",
            found.domain, found.captures
        );
    }
    let mut line = format!(
        "{:<30} {} of {} captures' texts changed; versions {} -> {} ({} merged, {} split, {} texts changed, {} fields changed)",
        found.domain,
        found.texts_changed,
        found.captures,
        found.versions_before,
        found.versions_after,
        found.merged,
        found.split,
        found.versions_text_changed,
        found.versions_fields_changed
    );
    if found.out_of_time > 0 {
        line.push_str(&format!(
            "; {} capture(s) out of time, stored text kept",
            found.out_of_time
        ));
    }
    line
}
