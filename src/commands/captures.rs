//! `crawler captures URL`: lists the archive's captures of a URL.

use std::io::{BufWriter, IsTerminal, Write};

use indicatif::{ProgressBar, ProgressStyle};
use wayback::{CdxQuery, MatchType};

use crate::cli::{CapturesArgs, MatchArg};
use crate::commands::{client, runtime, wayback_error};
use crate::config::Settings;

pub fn run(settings: &Settings, mut args: CapturesArgs) -> anyhow::Result<()> {
    let client = client(settings)?;
    if let Some(pasted) = crate::commands::fetch::pasted_capture(&client, &args.url)? {
        eprintln!("understood {} as {}", args.url.trim(), pasted.original);
        args.url = pasted.original;
    }
    let query = query(&args);
    let progress = progress_bar();
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result: anyhow::Result<u64> = runtime()?.block_on(async {
        let mut stream = client.captures(query);
        let mut count = 0u64;
        while let Some(capture) = stream.next().await {
            let capture = capture.map_err(wayback_error)?;
            count += 1;
            let line = if args.json {
                serde_json::to_string(&capture)?
            } else {
                format!(
                    "{} {} {} {} {} {}",
                    capture.timestamp,
                    capture.status.map_or("-".into(), |s| s.to_string()),
                    capture.mimetype,
                    capture.digest,
                    capture.length.map_or("-".into(), |l| l.to_string()),
                    capture.original
                )
            };
            if let Err(error) = writeln!(out, "{line}") {
                if error.kind() == std::io::ErrorKind::BrokenPipe {
                    return Ok(count);
                }
                return Err(error.into());
            }
            progress.set_message(format!("{count} captures, {} pages", stream.pages()));
        }
        if stream.skipped_rows() > 0 {
            tracing::warn!(
                skipped = stream.skipped_rows(),
                "unreadable CDX rows were skipped"
            );
        }
        Ok(count)
    });
    progress.finish_and_clear();
    match out.flush() {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => return Err(error.into()),
        _ => {}
    }
    let count = result?;
    tracing::info!(
        count,
        requests = client.stats().cdx_requests,
        "listing done"
    );
    Ok(())
}

/// Maps the CLI's options to a CDX query.
fn query(args: &CapturesArgs) -> CdxQuery {
    let mut query = CdxQuery::new(args.url.clone()).match_type(match args.match_type {
        MatchArg::Exact => MatchType::Exact,
        MatchArg::Prefix => MatchType::Prefix,
        MatchArg::Host => MatchType::Host,
        MatchArg::Domain => MatchType::Domain,
    });
    if let Some(from) = &args.from {
        query = query.from(from.clone());
    }
    if let Some(to) = &args.to {
        query = query.to(to.clone());
    }
    for collapse in &args.collapse {
        query = query.collapse(match collapse.as_str() {
            "year" => "timestamp:4".to_owned(),
            "month" => "timestamp:6".to_owned(),
            "day" => "timestamp:8".to_owned(),
            "hour" => "timestamp:10".to_owned(),
            other => other.to_owned(),
        });
    }
    if let Some(status) = &args.status {
        query = query.filter(match status.strip_prefix('!') {
            Some(negated) => format!("!statuscode:{negated}"),
            None => format!("statuscode:{status}"),
        });
    }
    for filter in &args.filter {
        query = query.filter(filter.clone());
    }
    if let Some(limit) = args.limit {
        query = query.limit(limit);
    }
    query
}

/// A spinner on stderr when it is a terminal; hidden otherwise (CI, pipes).
fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthand_options_become_cdx_parameters() {
        let args = CapturesArgs {
            url: "example.com/privacy".into(),
            from: Some("2015".into()),
            to: None,
            match_type: MatchArg::Prefix,
            collapse: vec!["month".into(), "digest".into()],
            status: Some("!404".into()),
            filter: vec!["mimetype:text/html".into()],
            limit: Some(10),
            json: false,
        };
        let query = query(&args);
        assert_eq!(query.match_type, MatchType::Prefix);
        assert_eq!(query.collapse, ["timestamp:6", "digest"]);
        assert_eq!(query.filters, ["!statuscode:404", "mimetype:text/html"]);
        assert_eq!(
            (query.from.as_deref(), query.limit),
            (Some("2015"), Some(10))
        );
    }
}
