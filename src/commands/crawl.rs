//! `crawler crawl`: the main job.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use store::Store;

use crate::UsageError;
use crate::cli::{CrawlArgs, StrategyArg};
use crate::commands::wayback_error;
use crate::config::Settings;

pub fn run(settings: &Settings, args: CrawlArgs) -> anyhow::Result<()> {
    let window = crawl::Window {
        from: bound("--from", args.from.as_deref())?,
        to: bound("--to", args.to.as_deref())?,
    };
    crate::config::check_date_order(window.from.as_deref(), window.to.as_deref())?;
    let file = args
        .domains_file
        .clone()
        .or_else(|| settings.crawl.domains_file.clone());
    let mut names = domains(&args.domains, file.as_deref())?;
    let db = settings.crawl.db.clone();
    let _lock = Store::lock_for_writing(&db)?;
    let store = Store::open(&db)?;
    let mut crawl_settings = settings.crawl.clone();
    if !args.types.is_empty() {
        crawl_settings.types = Vec::new();
        for kind in &args.types {
            if !crawl_settings.types.contains(kind) {
                crawl_settings.types.push(*kind);
            }
        }
    }
    if args.due {
        names = store.due(
            &names,
            &crawl_settings.types,
            settings.crawl.crawl_interval_days,
        )?;
        if names.is_empty() {
            println!(
                "crawl: no domain is due (interval {} days)",
                settings.crawl.crawl_interval_days
            );
            return Ok(());
        }
    }
    let publish = crate::commands::publish::Publish::new(settings, &args)?;
    let before = match &publish {
        Some(publish) => publish.before(&store, &names)?,
        None => Vec::new(),
    };
    let mut archive = settings.archive.clone();
    if let Some(contact) = &args.contact {
        archive.contact = contact.clone();
    }
    let client = wayback::WaybackClient::new(archive).map_err(wayback_error)?;
    if args.exhaustive {
        crawl_settings.strategy = crawl::StrategyName::Exhaustive;
    }
    if let Some(strategy) = args.strategy {
        crawl_settings.strategy = match strategy {
            StrategyArg::ChangePoint => crawl::StrategyName::ChangePoint,
            StrategyArg::Exhaustive => crawl::StrategyName::Exhaustive,
            StrategyArg::Princeton => crawl::StrategyName::Princeton,
        };
    }
    if let Some(seconds) = args.resolution {
        if seconds == 0 {
            return Err(UsageError("--resolution must be longer than 0s".into()).into());
        }
        crawl_settings.resolution_days = seconds as f64 / 86_400.0;
    }
    let crawler = crawl::Crawler::new(client, store, crawl_settings);
    let bar = progress_bar(names.len() as u64);
    let started = Instant::now();
    let report = crate::commands::runtime()?.block_on(async {
        let run = crawler.run(&names, &window);
        tokio::pin!(run);
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        loop {
            tokio::select! {
                report = &mut run => break report,
                _ = tick.tick() => show_progress(&bar, &crawler, started),
            }
        }
    });
    bar.finish_and_clear();
    let report = report
        .with_context(|| format!("the crawl stopped; {} keeps what was done", db.display()))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for domain in &report.domains {
            let name = match domain.document_type {
                store::DocumentType::Privacy => domain.domain.clone(),
                other => format!("{} ({})", domain.domain, other.slug()),
            };
            let mut line = format!(
                "{:<30} {:<8} {} new version(s), {} in all, {} capture(s) downloaded",
                name,
                domain.state,
                domain.versions_new,
                domain.versions_total,
                domain.captures_fetched
            );
            if let Some(error) = &domain.error {
                line.push_str(&format!(" ({error})"));
            }
            println!("{line}");
        }
        let c = &report.counts;
        println!(
            "crawl: {} new versions; {} of {} domains done, {} captures listed, {} downloaded, {} CDX and {} playback requests, {} errors, {:.1} s (run {})",
            c.versions_new,
            c.domains_done,
            c.domains_total,
            c.captures_listed,
            c.captures_fetched,
            c.cdx_requests,
            c.playback_requests,
            c.errors,
            started.elapsed().as_secs_f64(),
            report.run_id
        );
    }
    if let Some(publish) = &publish {
        publish.after(&db, &names, &before, report.run_id)?;
    }
    if let Some(halt) = report.halt {
        anyhow::bail!("{halt}; everything done so far is saved, rerun the same command then");
    }
    if !report.domains.is_empty()
        && report
            .domains
            .iter()
            .all(|d| d.state == crawl::OutcomeState::Failed)
    {
        // A scheduler should see a run that got nothing at all; one that failed on some
        // domains only reports them on their lines and in `crawler status`.
        anyhow::bail!(
            "every domain failed ({}); see the lines above, the archive address and the network",
            report.domains.len()
        );
    }
    Ok(())
}

/// A `--from`/`--to` date (`YYYY[-MM[-DD]]`) as CDX digits; a bad one is a usage error.
pub fn bound(flag: &str, value: Option<&str>) -> anyhow::Result<Option<String>> {
    value
        .map(|value| wayback::parse_date(flag, value).map_err(wayback_error))
        .transpose()
}

/// The domains named, or those of the domains file, canonical and without repeats.
fn domains(named: &[String], file: Option<&Path>) -> anyhow::Result<Vec<String>> {
    let mut raw: Vec<(String, String)> = named
        .iter()
        .map(|d| (d.clone(), "the command line".to_owned()))
        .collect();
    if raw.is_empty() {
        let Some(file) = file else {
            return Err(UsageError(
                "name the domains to crawl (crawler crawl example.com) or give --domains-file FILE"
                    .into(),
            )
            .into());
        };
        let text = std::fs::read_to_string(file).map_err(|error| {
            UsageError(format!(
                "cannot read the domains file {}: {error}",
                file.display()
            ))
        })?;
        for (number, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if !line.is_empty() {
                raw.push((
                    line.to_owned(),
                    format!("{} line {}", file.display(), number + 1),
                ));
            }
        }
    }
    let mut names = Vec::new();
    for (input, origin) in raw {
        let name = crawl::normalize_domain(&input)
            .map_err(|error| UsageError(format!("{error} (in {origin})")))?;
        if !names.contains(&name) {
            names.push(name);
        }
    }
    if names.is_empty() {
        return Err(UsageError("the domains file names no domain".into()).into());
    }
    Ok(names)
}

fn progress_bar(domains: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(domains);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} domains  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

fn show_progress(bar: &ProgressBar, crawler: &crawl::Crawler, started: Instant) {
    let live = crawler.live_counts();
    let stats = crawler.client().stats();
    let requests = stats.cdx_requests + stats.playback_requests;
    let minutes = started.elapsed().as_secs_f64() / 60.0;
    bar.set_position(live.domains_done.load(Ordering::Relaxed));
    bar.set_message(format!(
        "{} captures fetched, {} new versions, {} requests ({} CDX), {:.1} req/min",
        live.captures_fetched.load(Ordering::Relaxed),
        live.versions_new.load(Ordering::Relaxed),
        requests,
        stats.cdx_requests,
        if minutes > 0.0 {
            requests as f64 / minutes
        } else {
            0.0
        }
    ));
}

/// The database a read-only command uses: it must exist.
pub fn existing_db(settings: &Settings) -> anyhow::Result<PathBuf> {
    let db = settings.crawl.db.clone();
    if !db.is_file() {
        anyhow::bail!(
            "no store at {}: run `crawler crawl DOMAIN` first, or point --db at one",
            db.display()
        );
    }
    Ok(db)
}
