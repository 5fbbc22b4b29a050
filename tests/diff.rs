//! `crawler diff` on a crawled demo archive: the timeline and the latest change, every format,
//! version picking by number and date, and the clear messages for what cannot be compared.

mod common;

use std::path::Path;
use std::process::Output;

use common::{Archive, crawl_demo, crawler, text};

fn diff(db: &Path, args: &[&str]) -> Output {
    crawler()
        .arg("--db")
        .arg(db)
        .arg("diff")
        .args(args)
        .output()
        .expect("crawler runs")
}

#[test]
fn diff_shows_the_timeline_and_changes_in_every_format() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crawler.sqlite");
    crawl_demo(&archive, dir.path(), &db);

    // Default view, piped: no colours, plain word markers.
    let output = diff(&db, &["zooescape.com"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let out = text(&output.stdout);
    assert!(out.starts_with("v1   2008-12-16 .. 2010-03-01"), "{out}");
    assert!(out.contains("v2   2010-03-01 .. now"), "{out}");
    assert!(out.contains("v1 (2008-12-16) -> v2 (2010-03-01)"), "{out}");
    assert!(
        out.contains("[-anyone.-]{+anyone, including search engines.+}"),
        "{out}"
    );
    assert!(!out.contains('\u{1b}'), "no escape codes when piped");

    // Unified: a real unified diff (crates/policy-diff/tests/unified.rs applies such diffs
    // with patch), without the archive-link timestamps that differ between captures.
    let output = diff(&db, &["tracking101.com", "--format", "unified"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let unified = text(&output.stdout);
    assert!(
        unified.starts_with(
            "--- tracking101.com/v1 (2007-05-28)\n+++ tracking101.com/v2 (2012-03-15)\n@@ "
        ),
        "{unified}"
    );
    assert!(
        !unified.contains("/web/2007"),
        "archive link timestamps are not shown as changes"
    );

    // JSON: timeline, field changes and hunks.
    let output = diff(&db, &["visionbill.com", "--format", "json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["domain"], "visionbill.com");
    assert_eq!(json["timeline"].as_array().map(Vec::len), Some(2));
    let comparison = &json["comparisons"][0];
    assert_eq!(comparison["new"]["seq"], 2);
    assert!(
        comparison["hunks"]
            .as_array()
            .is_some_and(|h| !h.is_empty())
    );
    assert!(
        comparison["field_changes"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["field"] == "url")),
        "{comparison}"
    );

    // HTML: one page, archived text escaped, nothing live.
    let page = dir.path().join("diff.html");
    let output = diff(
        &db,
        &[
            "tracking101.com",
            "--all",
            "--format",
            "html",
            "-o",
            page.to_str().expect("utf-8"),
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let html = std::fs::read_to_string(&page).expect("page");
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "{}",
        &html[..100.min(html.len())]
    );
    assert!(!html.contains("<script") && !html.contains("href=") && !html.contains("src="));
    assert!(html.contains("tracking101.com"));

    // Picking versions by number and by date.
    let by_number = diff(&db, &["zooescape.com", "--between", "v1", "2"]);
    let by_date = diff(
        &db,
        &["zooescape.com", "--from", "2009-06-01", "--to", "2011"],
    );
    assert!(by_number.status.success() && by_date.status.success());
    assert_eq!(by_number.stdout, by_date.stdout);
}

#[test]
fn what_cannot_be_compared_gets_a_clear_message() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crawler.sqlite");
    crawl_demo(&archive, dir.path(), &db);

    let single = diff(&db, &["shocklet.in"]);
    assert!(single.status.success(), "{}", text(&single.stderr));
    assert!(text(&single.stdout).contains("has one version so far: nothing to compare yet"));

    let unknown = diff(&db, &["never-crawled.example"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        text(&unknown.stderr).contains("is not in"),
        "{}",
        text(&unknown.stderr)
    );

    let early = diff(&db, &["zooescape.com", "--from", "2001"]);
    assert_eq!(early.status.code(), Some(2));
    let message = text(&early.stderr);
    assert!(
        message.contains(
            "no version of zooescape.com was in force on 2001: the first one dates from 2008-12-16"
        ),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "one line, no trace: {message}");

    for impossible in ["2010-13-45", "2010-02-30", "20100230"] {
        let output = diff(&db, &["zooescape.com", "--from", impossible]);
        assert_eq!(output.status.code(), Some(2), "{impossible}");
        let message = text(&output.stderr);
        assert!(
            message.contains(&format!("{impossible:?} is not a date")),
            "{message}"
        );
    }

    let missing = diff(&db, &["zooescape.com", "--between", "1", "7"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("versions 1 to 2"),
        "{}",
        text(&missing.stderr)
    );

    let blocked = diff(&db, &["blocked-example.com"]);
    assert_eq!(blocked.status.code(), Some(1));
    assert!(
        text(&blocked.stderr).contains("no policy version"),
        "{}",
        text(&blocked.stderr)
    );
}
