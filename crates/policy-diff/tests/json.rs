//! JSON output: its shape, and (property-style) that the hunks rebuild both bodies exactly.

mod common;

use common::{XorShift, body, mutate, view};
use policy_diff::{VersionView, compare, render_json};
use serde_json::{Value, json};

#[test]
fn shape() {
    let old = VersionView {
        valid_until: Some("20140929120000"),
        ..view(2, "20130110093000", "a\nb\nc\n")
    };
    let new = VersionView {
        title: None,
        ..view(3, "20140929120000", "a\nb changed here\nc\nd")
    };
    let v = render_json(&compare(&old, &new));
    assert_eq!(
        v["old"],
        json!({"seq": 2, "first_seen": "20130110093000", "valid_until": "20140929120000",
               "url": "http://example.com/privacy", "title": "Privacy Policy",
               "found_by_rebuild": false, "relation": null})
    );
    assert_eq!(
        v["new"],
        json!({"seq": 3, "first_seen": "20140929120000", "valid_until": null,
               "url": "http://example.com/privacy", "title": null, "found_by_rebuild": false,
               "relation": null})
    );
    assert_eq!(
        v["field_changes"],
        json!([{"field": "title", "old": "Privacy Policy", "new": null,
                "summary": "title Privacy Policy -> (none)"}])
    );
    assert_eq!(
        v["hunks"],
        json!([{
            "old_start": 1, "old_lines": 3, "new_start": 1, "new_lines": 4,
            "lines": [
                {"tag": "equal", "text": "a\n"},
                {"tag": "delete", "text": "b\n"},
                {"tag": "insert", "text": "b changed here\n"},
                {"tag": "equal", "text": "c\n"},
                {"tag": "insert", "text": "d"},
            ]
        }])
    );
    assert_eq!(
        v["stats"],
        json!({"lines_added": 2, "lines_removed": 1, "words_added": 3, "words_removed": 0})
    );
    let keys: Vec<&String> = v
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(keys.len(), 5, "{keys:?}");

    // Identical bodies: no hunks, zero counts.
    let same = render_json(&compare(&old, &old));
    assert_eq!(same["hunks"], json!([]));
    assert_eq!(same["field_changes"], json!([]));
    assert_eq!(same["stats"]["lines_added"], 0);
}

/// Splits a body into lines that keep their `\n`.
fn lines(s: &str) -> Vec<String> {
    s.split_inclusive('\n').map(str::to_string).collect()
}

/// Applies the JSON hunks to `from`; `forward` turns old into new (equal+delete lines must be
/// there, replaced by equal+insert), otherwise new into old.
fn apply(from: &str, hunks: &Value, forward: bool) -> String {
    let (src_tag, dst_tag, start_key, len_key) = if forward {
        ("delete", "insert", "old_start", "old_lines")
    } else {
        ("insert", "delete", "new_start", "new_lines")
    };
    let src = lines(from);
    let mut out: Vec<String> = Vec::new();
    let mut at = 0usize;
    for hunk in hunks.as_array().expect("hunks array") {
        let start = hunk[start_key].as_u64().expect("start") as usize;
        let len = hunk[len_key].as_u64().expect("len") as usize;
        // Unified convention: 1-based, or the line before an empty range.
        let index = if len == 0 { start } else { start - 1 };
        assert!(index >= at, "hunks out of order");
        out.extend_from_slice(&src[at..index]);
        at = index;
        let mut consumed = 0;
        for line in hunk["lines"].as_array().expect("lines") {
            let tag = line["tag"].as_str().expect("tag");
            let text = line["text"].as_str().expect("text");
            if tag == "equal" || tag == src_tag {
                assert_eq!(src[at], text, "hunk line does not match its side");
                at += 1;
                consumed += 1;
            }
            if tag == "equal" || tag == dst_tag {
                out.push(text.to_string());
            }
        }
        assert_eq!(consumed, len, "hunk length");
    }
    out.extend_from_slice(&src[at..]);
    out.concat()
}

#[test]
fn hunks_rebuild_both_bodies() {
    let mut rng = XorShift::new(2024);
    let mut changed = 0;
    for i in 0..200 {
        let old_body = body(&mut rng);
        let new_body = mutate(&mut rng, &old_body);
        let (old, new) = (
            view(1, "20120101000000", &old_body),
            view(2, "20130101000000", &new_body),
        );
        let cmp = compare(&old, &new);
        let v = render_json(&cmp);
        let hunks = &v["hunks"];
        assert_eq!(apply(&old_body, hunks, true), new_body, "case {i} forward");
        assert_eq!(
            apply(&new_body, hunks, false),
            old_body,
            "case {i} backward"
        );

        // The counts agree with the hunks.
        let count = |tag: &str| {
            hunks
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|h| h["lines"].as_array().into_iter().flatten())
                .filter(|l| l["tag"] == tag)
                .count() as u64
        };
        assert_eq!(v["stats"]["lines_added"], count("insert"), "case {i}");
        assert_eq!(v["stats"]["lines_removed"], count("delete"), "case {i}");
        if old_body != new_body {
            changed += 1;
            assert!(!hunks.as_array().is_some_and(Vec::is_empty), "case {i}");
        }
        // The other renderers do not panic on the same input.
        let _ = policy_diff::render_terminal(&cmp, true);
        let _ = policy_diff::render_html("example.com", &[old, new], &[cmp]);
    }
    assert!(
        changed > 150,
        "the generator should mostly produce changes: {changed}"
    );
}
