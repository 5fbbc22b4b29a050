//! The `crawler diff` view: a selection of changes among one domain's versions, rendered in one
//! of the formats.

use crate::text::ts_date;
use crate::{Comparison, VersionView};

/// Which changes to show, as indexes into the versions (oldest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// The latest change (none when there is one version).
    Latest,
    /// Every change in order.
    All,
    /// From one version to another (`from < to`).
    Pair {
        /// The older version's index.
        from: usize,
        /// The newer version's index.
        to: usize,
    },
}

/// How [`render`] writes the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The timeline, then each change as a word-level diff ([`render_terminal`](crate::render_terminal)).
    Text,
    /// A unified diff per change ([`render_unified`](crate::render_unified)).
    Unified,
    /// The timeline and the changes as one pretty-printed JSON object.
    Json,
    /// One self-contained HTML page ([`render_html`](crate::render_html)).
    Html,
}

/// Why [`render`] has nothing to show; the message is meant for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViewError {
    /// A unified diff needs a change, and the domain has one version (or none).
    #[error("{domain} has one version so far: nothing to compare yet")]
    NothingToCompare {
        /// The domain.
        domain: String,
    },
    /// A [`Selection::Pair`] index is not a version.
    #[error("{domain} has {count} versions; there is no version at index {index}")]
    NoSuchVersion {
        /// The domain.
        domain: String,
        /// How many versions it has.
        count: usize,
        /// The index asked for.
        index: usize,
    },
}

/// Renders `selection` of `domain`'s `versions` (oldest first) in `format`: what `crawler diff`
/// prints. `color` adds ANSI colours to [`Format::Text`].
pub fn render(
    domain: &str,
    versions: &[VersionView<'_>],
    selection: Selection,
    format: Format,
    color: bool,
) -> Result<String, ViewError> {
    let pairs: Vec<(usize, usize)> = match selection {
        Selection::Latest if versions.len() > 1 => vec![(versions.len() - 2, versions.len() - 1)],
        Selection::Latest => Vec::new(),
        Selection::All => (1..versions.len()).map(|i| (i - 1, i)).collect(),
        Selection::Pair { from, to } => {
            if let Some(&index) = [from, to].iter().find(|&&i| i >= versions.len()) {
                return Err(ViewError::NoSuchVersion {
                    domain: domain.to_owned(),
                    count: versions.len(),
                    index,
                });
            }
            vec![(from.min(to), from.max(to))]
        }
    };
    let comparisons: Vec<Comparison<'_>> = pairs
        .iter()
        .map(|&(a, b)| crate::compare(&versions[a], &versions[b]))
        .collect();
    let mut out = String::new();
    match format {
        Format::Text => {
            for view in versions {
                out.push_str(&crate::timeline_line(view));
                out.push('\n');
            }
            if versions.len() == 1 {
                out.push_str(&format!(
                    "\n{domain} has one version so far: nothing to compare yet.\n"
                ));
            }
            for comparison in &comparisons {
                out.push('\n');
                out.push_str(&crate::render_terminal(comparison, color));
            }
        }
        Format::Unified => {
            if comparisons.is_empty() {
                return Err(ViewError::NothingToCompare {
                    domain: domain.to_owned(),
                });
            }
            let label =
                |v: &VersionView<'_>| format!("{domain}/v{} ({})", v.seq, ts_date(v.first_seen));
            for (comparison, &(a, b)) in comparisons.iter().zip(&pairs) {
                out.push_str(&crate::render_unified(
                    comparison,
                    &label(&versions[a]),
                    &label(&versions[b]),
                ));
            }
        }
        Format::Json => {
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
                "comparisons": comparisons.iter().map(crate::render_json).collect::<Vec<_>>(),
            });
            out = serde_json::to_string_pretty(&value).unwrap_or_default();
            out.push('\n');
        }
        Format::Html => out = crate::render_html(domain, versions, &comparisons),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(seq: i64, first_seen: &'static str, body: &'static str) -> VersionView<'static> {
        VersionView {
            seq,
            first_seen,
            valid_until: None,
            capture_count: 1,
            url: "http://example.com/privacy",
            title: Some("Privacy"),
            body,
            fields: None,
            found_by_rebuild: false,
            relation: None,
        }
    }

    #[test]
    fn one_version_has_a_timeline_and_no_unified_diff() {
        let versions = [version(1, "20140101000000", "We keep data.\n")];
        let text = render(
            "example.com",
            &versions,
            Selection::Latest,
            Format::Text,
            false,
        )
        .expect("a text view");
        assert!(text.starts_with("v1   2014-01-01 .. now"), "{text}");
        assert!(text.ends_with("example.com has one version so far: nothing to compare yet.\n"));
        assert_eq!(
            render(
                "example.com",
                &versions,
                Selection::All,
                Format::Unified,
                false
            ),
            Err(ViewError::NothingToCompare {
                domain: "example.com".into()
            })
        );
    }

    #[test]
    fn unified_diffs_are_labelled_by_version_and_date() {
        let versions = [
            version(1, "20140101000000", "We keep data.\n"),
            version(2, "20150601000000", "We sell data.\n"),
        ];
        let unified = render(
            "example.com",
            &versions,
            Selection::Pair { from: 1, to: 0 },
            Format::Unified,
            false,
        )
        .expect("a unified diff");
        assert!(unified.contains("example.com/v1 (2014-01-01)"), "{unified}");
        assert!(unified.contains("example.com/v2 (2015-06-01)"), "{unified}");
        assert!(unified.contains("+We sell data."), "{unified}");
    }

    #[test]
    fn a_pair_outside_the_versions_is_an_error() {
        let versions = [version(1, "20140101000000", "We keep data.\n")];
        assert!(matches!(
            render(
                "example.com",
                &versions,
                Selection::Pair { from: 0, to: 3 },
                Format::Json,
                false
            ),
            Err(ViewError::NoSuchVersion { index: 3, .. })
        ));
    }

    #[test]
    fn json_holds_the_timeline_and_the_comparisons() {
        let versions = [
            version(1, "20140101000000", "We keep data.\n"),
            version(2, "20150601000000", "We sell data.\n"),
        ];
        let json = render(
            "example.com",
            &versions,
            Selection::All,
            Format::Json,
            false,
        )
        .expect("a JSON view");
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(value["domain"], "example.com");
        assert_eq!(value["timeline"].as_array().map(Vec::len), Some(2));
        assert_eq!(value["comparisons"].as_array().map(Vec::len), Some(1));
    }
}
