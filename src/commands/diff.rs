//! `crawler diff DOMAIN`: how a policy changed; and `crawler bench diff`.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use anyhow::Context;
use policy_diff::{Comparison, VersionView};
use policy_text::document;
use store::{PolicyVersion, Store};

use crate::UsageError;
use crate::cli::{BenchDiffArgs, DiffArgs, DiffFormat};
use crate::commands::history::date;
use crate::config::Settings;

/// Which changes to show.
enum Selection {
    /// The latest change.
    Latest,
    /// Every change in order.
    All,
    /// From one version to another (indexes into the versions).
    Pair(Option<String>, Option<String>),
}

pub fn run(settings: &Settings, args: DiffArgs) -> anyhow::Result<()> {
    let super::history::StoredDomain {
        name,
        db,
        store,
        domain,
    } = super::history::open_domain(settings, &args.domain)?;
    let versions = store.versions(domain.id)?;
    if versions.is_empty() {
        anyhow::bail!(
            "{name} has no policy version in {} (state {}{})",
            db.display(),
            domain.state,
            domain
                .last_error
                .map(|e| format!(": {}", policy_diff::terminal_safe(&e, true)))
                .unwrap_or_default()
        );
    }
    let selection = if args.all {
        Selection::All
    } else if let [a, b] = args.between.as_slice() {
        Selection::Pair(Some(a.clone()), Some(b.clone()))
    } else if args.from.is_some() || args.to.is_some() {
        Selection::Pair(args.from.clone(), args.to.clone())
    } else {
        Selection::Latest
    };
    let color = args.format == DiffFormat::Text
        && args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let text = render(&name, &versions, &selection, args.format, color).map_err(UsageError)?;
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
                    return Err(error.into());
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Renders the selection; `Err` is a message for the user (a bad version or date).
fn render(
    domain: &str,
    versions: &[PolicyVersion],
    selection: &Selection,
    format: DiffFormat,
    color: bool,
) -> Result<String, String> {
    let fields: Vec<Option<fields::PolicyFields>> = versions
        .iter()
        .map(|v| {
            v.fields
                .as_deref()
                .and_then(|f| serde_json::from_str(f).ok())
        })
        .collect();
    // Archive links differ between captures only by their timestamps: compare without them.
    let bodies: Vec<std::borrow::Cow<'_, str>> = versions
        .iter()
        .map(|v| document::comparable_body(document::Document::parse(&v.markdown).body))
        .collect();
    let views: Vec<VersionView<'_>> = versions
        .iter()
        .zip(&fields)
        .zip(&bodies)
        .map(|((v, f), body)| VersionView {
            seq: v.seq,
            first_seen: &v.first_seen,
            valid_until: v.valid_until.as_deref(),
            capture_count: v.capture_count,
            url: &v.url,
            title: v.title.as_deref(),
            body,
            fields: f.as_ref(),
        })
        .collect();
    let pairs: Vec<(usize, usize)> = match selection {
        Selection::Latest if views.len() > 1 => vec![(views.len() - 2, views.len() - 1)],
        Selection::Latest => Vec::new(),
        Selection::All => (1..views.len()).map(|i| (i - 1, i)).collect(),
        Selection::Pair(from, to) => {
            let to = match to {
                Some(spec) => pick(domain, versions, spec)?,
                None => views.len() - 1,
            };
            let from = match from {
                Some(spec) => pick(domain, versions, spec)?,
                None => to.saturating_sub(1),
            };
            if from == to {
                return Err(format!(
                    "both ends are version {} of {domain}: pick two different versions",
                    versions[to].seq
                ));
            }
            vec![(from.min(to), from.max(to))]
        }
    };
    let comparisons: Vec<Comparison<'_>> = pairs
        .iter()
        .map(|&(a, b)| policy_diff::compare(&views[a], &views[b]))
        .collect();
    let mut out = String::new();
    match format {
        DiffFormat::Text => {
            for view in &views {
                out.push_str(&policy_diff::timeline_line(view));
                out.push('\n');
            }
            if views.len() == 1 {
                out.push_str(&format!(
                    "\n{domain} has one version so far: nothing to compare yet.\n"
                ));
            }
            for comparison in &comparisons {
                out.push('\n');
                out.push_str(&policy_diff::render_terminal(comparison, color));
            }
        }
        DiffFormat::Unified => {
            if comparisons.is_empty() {
                return Err(format!(
                    "{domain} has one version so far: nothing to compare yet"
                ));
            }
            for (comparison, &(a, b)) in comparisons.iter().zip(&pairs) {
                let label = |i: usize| {
                    format!(
                        "{domain}/v{} ({})",
                        versions[i].seq,
                        date(&versions[i].first_seen)
                    )
                };
                out.push_str(&policy_diff::render_unified(
                    comparison,
                    &label(a),
                    &label(b),
                ));
            }
        }
        DiffFormat::Json => {
            let timeline: Vec<serde_json::Value> = versions
                .iter()
                .map(|v| {
                    serde_json::json!({
                        "seq": v.seq, "first_seen": v.first_seen, "valid_until": v.valid_until,
                        "capture_count": v.capture_count, "url": v.url, "title": v.title,
                    })
                })
                .collect();
            let value = serde_json::json!({
                "domain": domain,
                "timeline": timeline,
                "comparisons": comparisons.iter().map(policy_diff::render_json).collect::<Vec<_>>(),
            });
            out = serde_json::to_string_pretty(&value).unwrap_or_default();
            out.push('\n');
        }
        DiffFormat::Html => out = policy_diff::render_html(domain, &views, &comparisons),
    }
    Ok(out)
}

/// A version by number (`3`, `v3`) or by date (`2014`, `2014-09`, `2014-09-29`, `20140929`):
/// the version in force at the end of that date.
fn pick(domain: &str, versions: &[PolicyVersion], spec: &str) -> Result<usize, String> {
    let trimmed = spec.trim();
    let digits: String = trimmed.chars().filter(|c| *c != '-').collect();
    // Four or more digits that start with a plausible year are a date, not a version number.
    let is_date = trimmed.contains('-')
        || (digits.len() >= 4
            && digits.bytes().all(|b| b.is_ascii_digit())
            && digits[..4].parse::<u32>().is_ok_and(|year| year >= 1990));
    if !is_date {
        let number = trimmed.trim_start_matches(['v', 'V']);
        let seq: i64 = number.parse().map_err(|_| {
            format!("{spec:?} is neither a version number (3, v3) nor a date (YYYY[-MM[-DD]])")
        })?;
        return versions.iter().position(|v| v.seq == seq).ok_or_else(|| {
            format!(
                "{domain} has versions 1 to {}; there is no version {seq}",
                versions.len()
            )
        });
    }
    let digits = wayback::parse_date("version date", trimmed).map_err(|error| error.to_string())?;
    if !matches!(digits.len(), 4 | 6 | 8) {
        return Err(format!(
            "{spec:?} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"
        ));
    }
    let end = wayback::period_end(&digits).map_err(|error| error.to_string())?;
    versions
        .iter()
        .rposition(|v| v.first_seen <= end)
        .ok_or_else(|| {
            format!(
                "no version of {domain} was in force on {spec}: the first one dates from {}",
                date(&versions[0].first_seen)
            )
        })
}

/// Times the default view (load from the store, timeline, latest change) for one domain with
/// `versions` versions of about 30 KB.
pub fn bench(args: BenchDiffArgs) -> anyhow::Result<()> {
    if args.versions < 2 || args.repeat == 0 {
        return Err(
            UsageError("--versions must be at least 2 and --repeat positive".into()).into(),
        );
    }
    let dir = tempfile::tempdir()?;
    let mut store = Store::open(&dir.path().join("bench.sqlite"))?;
    let domain = store.ensure_domain("bench.example.com")?;
    super::bench_export::put_bench_content(&store)?;
    super::bench_export::fill_domain(&mut store, &domain, args.versions, 30_000)?;
    let mut times = Vec::new();
    for _ in 0..=args.repeat {
        let started = Instant::now();
        let versions = store.versions(domain.id)?;
        let text = render(
            "bench.example.com",
            &versions,
            &Selection::Latest,
            DiffFormat::Text,
            true,
        )
        .map_err(|message| anyhow::anyhow!(message))?;
        std::hint::black_box(text);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.remove(0);
    times.sort_by(f64::total_cmp);
    println!(
        "bench diff: {} versions of ~30 KB, default view (load, timeline, latest change): median {:.1} ms, max {:.1} ms over {} runs (target < 100 ms)",
        args.versions,
        times[times.len() / 2],
        times[times.len() - 1],
        times.len()
    );
    Ok(())
}
