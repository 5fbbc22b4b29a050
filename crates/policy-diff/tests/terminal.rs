//! The terminal view on small, hand-checked examples.

mod common;

use common::view;
use fields::{DateKind, PolicyFields, StatedDate};
use policy_diff::{compare, render_terminal};

const OLD: &str = "## What we collect\n\nWe collect your email address.\n\n\
We keep your data for 30 days.\n\nQuestions? Write to us.\n";
const NEW: &str = "## What we collect\n\nWe collect your email address.\n\n\
We keep your data for 90 days and then delete it.\n\nQuestions? Write to us.\n\n\
We never sell your data.\n";

fn fields(words: u32, date: &str) -> PolicyFields {
    PolicyFields {
        title: Some("Privacy Policy".into()),
        stated_date: Some(StatedDate {
            date: date.into(),
            kind: DateKind::LastUpdated,
            phrase: format!("Last updated {date}"),
        }),
        emails: vec![],
        phones: vec![],
        headings: vec!["What we collect".into()],
        word_count: words,
        flesch_kincaid_grade: Some(6.0),
        language: Some("en".into()),
        practices: vec![],
        third_parties: vec![],
    }
}

// Line diff: lines 1-4 equal, line 5 replaced, lines 6-7 equal, 2 lines appended. With 2 lines
// of context the hunk starts at line 3 and, as the 2 equal lines between the changes do not
// exceed 2 * 2, holds both changes: old lines 3-7 (5), new lines 3-9 (7). Inside line 5, "30"
// and "days." are replaced, and the space between them is merged into the change.
const EXPECTED_PLAIN: &str = "\
v2 (2013-01-10) -> v3 (2014-09-29)
  last updated 2013-01-10 -> 2014-09-29
  words 20 -> 27 (+7)

@@ -3,5 +3,7 @@
We collect your email address.

We keep your data for [-30 days.-]{+90 days and then delete it.+}

Questions? Write to us.

{+We never sell your data.+}
";

#[test]
fn plain_word_diff() {
    let (of, nf) = (fields(20, "2013-01-10"), fields(27, "2014-09-29"));
    let old = policy_diff::VersionView {
        fields: Some(&of),
        ..view(2, "20130110093000", OLD)
    };
    let new = policy_diff::VersionView {
        fields: Some(&nf),
        ..view(3, "20140929120000", NEW)
    };
    let cmp = compare(&old, &new);
    assert_eq!(render_terminal(&cmp, false), EXPECTED_PLAIN);
}

#[test]
fn color_word_diff() {
    let (of, nf) = (fields(20, "2013-01-10"), fields(27, "2014-09-29"));
    let old = policy_diff::VersionView {
        fields: Some(&of),
        ..view(2, "20130110093000", OLD)
    };
    let new = policy_diff::VersionView {
        fields: Some(&nf),
        ..view(3, "20140929120000", NEW)
    };
    let cmp = compare(&old, &new);
    let expected = EXPECTED_PLAIN
        .replace("[-30 days.-]", "\x1b[31m30 days.\x1b[0m")
        .replace(
            "{+90 days and then delete it.+}",
            "\x1b[32m90 days and then delete it.\x1b[0m",
        )
        .replace(
            "{+We never sell your data.+}",
            "\x1b[32mWe never sell your data.\x1b[0m",
        );
    assert_eq!(render_terminal(&cmp, true), expected);
}

#[test]
fn identical_bodies() {
    let old = view(1, "20120101000000", OLD);
    let new = view(2, "20130101000000", OLD);
    assert_eq!(
        render_terminal(&compare(&old, &new), false),
        "v1 (2012-01-01) -> v2 (2013-01-01)\ntext unchanged\n"
    );
    // A title change without fields is still reported.
    let retitled = policy_diff::VersionView {
        title: Some("Privacy Notice"),
        ..new
    };
    assert_eq!(
        render_terminal(&compare(&old, &retitled), true),
        "v1 (2012-01-01) -> v2 (2013-01-01)\n  title Privacy Policy -> Privacy Notice\ntext unchanged\n"
    );
}

#[test]
fn separate_hunks_deletions_and_missing_newline() {
    // Line 2 deleted; line 9 ("i") changed and it lost its newline. The 6 equal lines between
    // (old 3-8) exceed 2 * 2, so there are two hunks: old 1-4 / new 1-3 and old 7-9 / new 6-8.
    let old = view(1, "20120101000000", "a\nb c\nd\ne\nf\ng\nh\nx\ni\n");
    let new = view(2, "20130101000000", "a\nd\ne\nf\ng\nh\nx\ni j");
    let expected = "\
v1 (2012-01-01) -> v2 (2013-01-01)

@@ -1,4 +1,3 @@
a
[-b c-]
d
e

@@ -7,3 +6,3 @@
h
x
i[-\n-]{+ j+}
";
    // The word diff of the last line: old \"i\\n\" vs new \"i j\": \"i\" is kept; the newline is
    // deleted (shown as a line break, markers are closed around it) and \" j\" is inserted.
    let expected = expected.replace("[-\n-]", "\n");
    assert_eq!(render_terminal(&compare(&old, &new), false), expected);
}

#[test]
fn multi_line_changes_close_markers_at_line_ends() {
    let old = view(1, "20120101000000", "keep\n");
    let new = view(2, "20130101000000", "keep\nnew one\n\nnew two\n");
    assert_eq!(
        render_terminal(&compare(&old, &new), false),
        "v1 (2012-01-01) -> v2 (2013-01-01)\n\n@@ -1 +1,4 @@\nkeep\n{+new one+}\n\n{+new two+}\n"
    );
}

#[test]
fn archived_text_cannot_inject_escapes() {
    let old = view(1, "20120101000000", "Hello\n");
    let new = view(
        2,
        "20130101000000",
        "Hello \x1b[2J\x1b]0;pwned\x07 \u{9b}31m world\r\n",
    );
    let out = render_terminal(&compare(&old, &new), true);
    // The only escape sequences are the colour codes.
    let stripped = out
        .replace("\x1b[31m", "")
        .replace("\x1b[32m", "")
        .replace("\x1b[0m", "");
    assert!(!stripped.contains('\x1b'), "{out:?}");
    assert!(!stripped.contains('\u{9b}'), "{out:?}");
    assert!(!stripped.contains('\x07'), "{out:?}");
    assert!(!stripped.contains('\r'), "{out:?}");
    assert!(out.contains("\u{FFFD}[2J"));
}

#[test]
fn whitespace_only_hunks_are_labelled() {
    // The blank line 2 is deleted: nothing to mark, so the hunk header says so.
    let old = view(1, "20120101000000", "a\n\nb\n");
    let new = view(2, "20130101000000", "a\nb\n");
    assert_eq!(
        render_terminal(&compare(&old, &new), false),
        "v1 (2012-01-01) -> v2 (2013-01-01)\n\n@@ -1,3 +1,2 @@ whitespace only\na\n\nb\n"
    );
}
