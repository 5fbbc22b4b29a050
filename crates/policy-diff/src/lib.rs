//! Compares versions of a privacy policy, for the `crawler` tool that rebuilds privacy-policy
//! histories from the Wayback Machine.
//!
//! Given the versions of one domain's policy as [`VersionView`]s (sequence number, dates, capture
//! count, URL, title, Markdown body and the fields extracted by the `fields` crate), this crate
//! produces:
//!
//! - [`timeline_line`]: one line per version for a terminal timeline;
//! - [`field_changes`]: what changed in the extracted fields ("last updated 2013-01-10 ->
//!   2014-09-29", "+ GDPR", "+3 trackers (…)", …);
//! - [`compare`]: a [`Comparison`] of two versions (field changes, a line diff of the bodies, and
//!   word diffs inside the changed lines), computed once and then rendered as
//!   - [`render_terminal`]: a word-level diff with plain `[-…-]{+…+}` markers or ANSI colours,
//!   - [`render_unified`]: a real unified diff that `patch` applies,
//!   - [`render_json`]: hunks, field changes and counts as JSON,
//!   - [`render_html`]: one self-contained, escaped HTML page with the timeline and each change
//!     as the policy reads (Markdown rendered to text, wording changes first, link-only changes
//!     apart), the Markdown source one click away;
//! - [`render`]: the whole `crawler diff` view, a [`Selection`] of changes in one [`Format`].
//!
//! What it is not: it has no database access (callers load the versions and pass borrowed
//! views), does no terminal detection (callers pass `color: bool`), and does no I/O at all — every
//! function returns a `String` or a [`serde_json::Value`] for the caller to write. It does not
//! extract fields either; that is the `fields` crate's job.
//!
//! Diffing is linear in the size of the bodies plus the cost of the diff algorithm on the changed
//! regions only (lines are diffed first, words only inside changed line groups), with time
//! limits as a safeguard against pathological inputs.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod changes;
mod diff;
mod html;
mod json;
mod prose;
mod rendered;
mod terminal;
#[cfg(test)]
mod testgen;
mod text;
mod unified;
mod view;

pub use changes::{FieldChange, field_changes};
pub use diff::{Comparison, DiffStats, compare};
pub use html::render_html;
pub use json::render_json;
pub use terminal::render_terminal;
pub use text::terminal_safe;
pub use unified::render_unified;
pub use view::{Format, Selection, ViewError, render};

use text::{count_words, thousands, ts_date};

/// A borrowed view of one stored version of a domain's policy: what the renderers need, without
/// tying this crate to how versions are stored.
#[derive(Debug, Clone, Copy)]
pub struct VersionView<'a> {
    /// The version number, 1 for the oldest, up to n for the current one.
    pub seq: i64,
    /// The 14-digit Wayback timestamp (`YYYYMMDDhhmmss`) of the first capture with this text.
    pub first_seen: &'a str,
    /// The next version's `first_seen`; `None` for the current version.
    pub valid_until: Option<&'a str>,
    /// How many captures had this text.
    pub capture_count: i64,
    /// The URL the policy was captured from.
    pub url: &'a str,
    /// The policy's title, if any.
    pub title: Option<&'a str>,
    /// The Markdown body: the text after the `> *The following text…` header line and the
    /// `# TITLE` line.
    pub body: &'a str,
    /// The fields extracted from this version, if available.
    pub fields: Option<&'a fields::PolicyFields>,
    /// Its start was found by `crawler rebuild`: a newer converter tells its text apart from the
    /// previous version's, which an older one found alike. A tooling change, not a change of
    /// the policy.
    pub found_by_rebuild: bool,
    /// Where the policy lived, seen from the domain (`same-site`, `alias`, `linked-offsite`),
    /// when known.
    pub relation: Option<&'a str>,
}

/// The word count of a version: `fields.word_count` when the fields are there, else a count of
/// whitespace-separated tokens of the body that hold a letter or a digit.
pub(crate) fn word_count(v: &VersionView) -> i64 {
    match v.fields {
        Some(f) => i64::from(f.word_count),
        None => i64::try_from(count_words(v.body)).unwrap_or(i64::MAX),
    }
}

/// One line describing a version, for a terminal timeline (no trailing newline):
///
/// ```text
/// v3   2014-09-29 .. 2016-01-02     12 captures    1,234 words  http://example.com/privacy  Privacy Policy
/// v4   2016-01-02 .. now             1 capture     1,301 words  http://example.com/privacy
/// ```
///
/// The columns have fixed widths, so the lines of a timeline align (up to v9999, 999,999
/// captures and 99,999,999 words). The words come from the fields, or are counted in the body
/// when there are none. URL and title are sanitised for a terminal (control characters become
/// U+FFFD, line breaks and tabs become spaces); the title is left out when there is none.
pub fn timeline_line(v: &VersionView) -> String {
    let captures = thousands(v.capture_count);
    let words = thousands(word_count(v));
    let until = v.valid_until.map_or_else(|| "now".to_string(), ts_date);
    let mut line = format!(
        "{:<5}{} .. {:<10} {:>6} {:<8} {:>9} {:<5}  {}",
        format!("v{}", v.seq),
        ts_date(v.first_seen),
        until,
        captures,
        if v.capture_count == 1 {
            "capture"
        } else {
            "captures"
        },
        words,
        if words == "1" { "word" } else { "words" },
        v.url,
    );
    if let Some(title) = v.title.filter(|t| !t.trim().is_empty()) {
        line.push_str("  ");
        line.push_str(title);
    }
    if let Some(relation) = v.relation.filter(|r| *r != "same-site") {
        line.push_str(&format!("  [{relation}]"));
    }
    if v.found_by_rebuild {
        line.push_str("  [found by crawler rebuild: a tooling change, not a policy change]");
    }
    terminal_safe(line.trim_end(), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_lines_align() {
        let mut fields = fields::extract(None, "One two three.\n");
        fields.word_count = 1301;
        let v3 = VersionView {
            seq: 3,
            first_seen: "20140929101010",
            valid_until: Some("20160102000000"),
            capture_count: 12,
            url: "http://example.com/privacy",
            title: Some("Privacy Policy"),
            body: "One two three.\n",
            fields: None,
            found_by_rebuild: false,
            relation: None,
        };
        let v4 = VersionView {
            seq: 4,
            first_seen: "20160102000000",
            valid_until: None,
            capture_count: 1,
            title: None,
            fields: Some(&fields),
            ..v3
        };
        assert_eq!(
            timeline_line(&v3),
            "v3   2014-09-29 .. 2016-01-02     12 captures         3 words  http://example.com/privacy  Privacy Policy"
        );
        assert_eq!(
            timeline_line(&v4),
            "v4   2016-01-02 .. now             1 capture      1,301 words  http://example.com/privacy"
        );
        let v200 = VersionView {
            seq: 200,
            capture_count: 1234,
            title: Some("Evil\x1b[2J\ntitle"),
            body: &"word ".repeat(12345),
            ..v3
        };
        assert_eq!(
            timeline_line(&v200),
            "v200 2014-09-29 .. 2016-01-02  1,234 captures    12,345 words  http://example.com/privacy  Evil\u{FFFD}[2J title"
        );
    }
}
