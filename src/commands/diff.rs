//! `crawler diff DOMAIN`: how a policy changed.

use std::io::{IsTerminal, Write};

use anyhow::Context;
use policy_diff::{Format, Selection, VersionView};
use policy_text::document;
use store::PolicyVersion;

use crate::UsageError;
use crate::cli::{DiffArgs, DiffFormat};
use crate::commands::history::date;
use crate::config::Settings;

pub fn run(settings: &Settings, args: DiffArgs) -> anyhow::Result<()> {
    let super::history::StoredDomain {
        name,
        db,
        store,
        domain,
    } = super::history::open_domain(settings, &args.domain, args.document_type)?;
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
        pair(&name, &versions, Some(a), Some(b)).map_err(UsageError)?
    } else if args.from.is_some() || args.to.is_some() {
        pair(&name, &versions, args.from.as_deref(), args.to.as_deref()).map_err(UsageError)?
    } else {
        Selection::Latest
    };
    let color = args.format == DiffFormat::Text
        && args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let text = view(&name, &versions, selection, format(args.format), color)
        .map_err(|error| UsageError(error.to_string()))?;
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

/// The `crawler diff` view of `domain`'s stored `versions`: [`with_views`], then
/// [`policy_diff::render`].
pub fn view(
    domain: &str,
    versions: &[PolicyVersion],
    selection: Selection,
    format: Format,
    color: bool,
) -> Result<String, policy_diff::ViewError> {
    with_views(domain, versions, |views| {
        policy_diff::render(domain, views, selection, format, color)
    })
}

/// Hands `domain`'s stored `versions` to `use_views` as [`VersionView`]s: each version's fields
/// parsed, its body compared without archive-link timestamps (the diff view and the feeds
/// see the same versions).
pub fn with_views<R>(
    domain: &str,
    versions: &[PolicyVersion],
    use_views: impl FnOnce(&[VersionView<'_>]) -> R,
) -> R {
    let fields: Vec<Option<fields::PolicyFields>> = versions
        .iter()
        .map(|v| {
            let stored = v.fields.as_deref()?;
            serde_json::from_str(stored)
                .inspect_err(|error| {
                    tracing::warn!(
                        %error,
                        "the stored fields of version {} of {domain} are unreadable and left out; `crawler rebuild {domain}` extracts them again",
                        v.seq
                    );
                })
                .ok()
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
            found_by_rebuild: v.rebuilt == Some(store::Rebuilt::Split),
            relation: v.relation.map(store::Relation::as_str),
        })
        .collect();
    use_views(&views)
}

/// The CLI's diff format as `policy-diff`'s.
fn format(format: DiffFormat) -> Format {
    match format {
        DiffFormat::Text => Format::Text,
        DiffFormat::Unified => Format::Unified,
        DiffFormat::Json => Format::Json,
        DiffFormat::Html => Format::Html,
    }
}

/// The change from `from` to `to` (by number or date; by default the latest version and the one
/// before `to`); `Err` is a message for the user (a bad version or date).
fn pair(
    domain: &str,
    versions: &[PolicyVersion],
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Selection, String> {
    let to = match to {
        Some(spec) => pick(domain, versions, spec)?,
        None => versions.len() - 1,
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
    Ok(Selection::Pair {
        from: from.min(to),
        to: from.max(to),
    })
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
