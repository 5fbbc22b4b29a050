use std::path::Path;

use super::*;

fn view<'a>(seq: i64, first_seen: &'a str, body: &'a str) -> VersionView<'a> {
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

fn version<'a>(view: VersionView<'a>, text_hash: &'a str) -> Version<'a> {
    Version {
        view,
        text_hash,
        snapshot_url: Some(
            "https://web.archive.org/web/20140101000000id_/http://example.com/privacy",
        ),
    }
}

fn key(domain: &str, hash: &str, first_seen: &str) -> VersionKey {
    VersionKey {
        domain: domain.into(),
        text_hash: hash.into(),
        first_seen: first_seen.into(),
    }
}

#[test]
fn an_entry_id_is_made_of_domain_hash_and_first_capture_only() {
    let id = entry_id(&key("example.com", "abc123", "20140101000000"));
    assert_eq!(id, "tag:crawler,2026:example.com/abc123/20140101000000");
    assert_ne!(
        id,
        entry_id(&key("example.com", "abc124", "20140101000000"))
    );
    assert_ne!(
        id,
        entry_id(&key("example.com", "abc123", "20140101000001"))
    );
    assert_ne!(
        id,
        entry_id(&key("example.org", "abc123", "20140101000000"))
    );

    // The same version keeps its id when an older version appears before it (seq 2 -> 3).
    let mut versions = vec![
        version(view(1, "20140101000000", "We keep data.\n"), "h1"),
        version(view(2, "20150101000000", "We sell data.\n"), "h2"),
    ];
    let before = changes("example.com", &versions).expect("changes");
    versions.insert(
        0,
        version(view(1, "20120101000000", "We had data.\n"), "h0"),
    );
    versions[1].view.seq = 2;
    versions[2].view.seq = 3;
    let after = changes("example.com", &versions).expect("changes");
    assert_eq!(before[1].entry_id, after[2].entry_id);
    assert_eq!(after[2].seq, 3);
}

#[test]
fn changes_carry_field_changes_and_word_counts_and_skip_rebuild_splits() {
    let mut split = view(2, "20150101000000", "We keep data safely.\n");
    split.found_by_rebuild = true;
    let versions = [
        version(view(1, "20140101000000", "We keep data.\n"), "h1"),
        version(split, "h2"),
        version(
            view(3, "20160101000000", "We keep data safely and sell it.\n"),
            "h3",
        ),
    ];
    let changes = changes("example.com", &versions).expect("changes");
    let seqs: Vec<i64> = changes.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, [1, 3], "the rebuild's split is no policy change");
    assert_eq!(changes[0].summary(), "first version seen");
    assert_eq!(changes[0].diff_page(), None);
    assert_eq!(changes[0].first_seen_at, "2014-01-01T00:00:00Z");
    let change = &changes[1];
    assert_eq!(
        change.previous_seq,
        Some(2),
        "compared with the version before"
    );
    let stats = change.stats.expect("a change has counts");
    assert!(stats.words_added >= 3, "{stats:?}");
    assert_eq!((stats.lines_added, stats.lines_removed), (1, 1));
    assert_eq!(
        change.summary(),
        format!(
            "{} words added, {} removed (1 line added, 1 removed)",
            stats.words_added, stats.words_removed
        )
    );
    assert_eq!(change.diff_page().as_deref(), Some("example.com/v3.html"));
}

#[test]
fn a_field_change_leads_the_summary() {
    let old = fields::extract(Some("Privacy"), "We keep data.\n");
    let new = fields::extract(
        Some("Privacy"),
        "We keep data. Under the General Data Protection Regulation (GDPR) you have rights.\n",
    );
    let mut v1 = view(1, "20140101000000", "We keep data.\n");
    v1.fields = Some(&old);
    let mut v2 = view(
        2,
        "20180601000000",
        "We keep data. Under the General Data Protection Regulation (GDPR) you have rights.\n",
    );
    v2.fields = Some(&new);
    let versions = [version(v1, "h1"), version(v2, "h2")];
    let changes = changes("example.com", &versions).expect("changes");
    let summary = changes[1].summary();
    assert!(summary.contains("+ GDPR"), "{summary}");
    assert!(summary.ends_with("removed)"), "{summary}");
}

#[test]
fn new_versions_are_the_set_difference_in_the_order_found() {
    let versions = [
        version(view(1, "20140101000000", "A.\n"), "h1"),
        version(view(2, "20150101000000", "B.\n"), "h2"),
        version(view(3, "20160101000000", "C.\n"), "h3"),
    ];
    let after = changes("example.com", &versions).expect("changes");
    let before = vec![
        key("example.com", "h1", "20140101000000"),
        // The same text first seen at another time is another version.
        key("example.com", "h3", "20151231000000"),
        key("other.com", "h2", "20150101000000"),
    ];
    let new: Vec<i64> = new_versions(&before, &after)
        .iter()
        .map(|c| c.seq)
        .collect();
    assert_eq!(new, [2, 3]);
    let all: Vec<VersionKey> = after.iter().map(|c| c.key.clone()).collect();
    assert!(
        new_versions(&all, &after).is_empty(),
        "a rerun adds nothing"
    );
    assert_eq!(new_versions(&[], &after).len(), 3, "a first run adds all");
}

#[test]
fn the_webhook_bound_is_attempts_times_timeout_plus_the_waits() {
    let settings = FeedSettings {
        notify_timeout: 2.0,
        notify_attempts: 3,
        ..FeedSettings::default()
    };
    assert_eq!(
        settings.worst_case(),
        std::time::Duration::from_millis(7_500)
    );
    let once = FeedSettings {
        notify_attempts: 1,
        ..settings.clone()
    };
    assert_eq!(once.worst_case(), std::time::Duration::from_secs(2));
    assert!(FeedSettings::default().validate().is_ok());
    for bad in [
        FeedSettings {
            notify_timeout: f64::NAN,
            ..FeedSettings::default()
        },
        FeedSettings {
            notify_timeout: 0.0,
            ..FeedSettings::default()
        },
        FeedSettings {
            notify_attempts: 0,
            ..FeedSettings::default()
        },
        FeedSettings {
            notify_url: Some("ftp://example.com/hook".into()),
            ..FeedSettings::default()
        },
    ] {
        assert!(bad.validate().is_err(), "{bad:?}");
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("written")
}

#[test]
fn feeds_are_regenerated_byte_for_byte_and_read_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut v2 = view(2, "20150101000000", "We sell data.\x07<b>\n");
    v2.title = Some("Evil \x1b title & <co>");
    let versions = [
        version(view(1, "20140101000000", "We keep data.\n"), "h1"),
        version(v2, "h2"),
    ];
    let changes = changes("example.com", &versions).expect("changes");
    let entries = write_domain_feed(dir.path(), "example.com", &versions, &changes).expect("feed");
    assert_eq!(entries.len(), 2);
    let feed_path = dir.path().join("example.com.atom");
    let first = read(&feed_path);
    assert!(
        !first.contains('\x1b') && !first.contains('\x07'),
        "{first}"
    );
    assert!(first.contains("&lt;co&gt;"), "{first}");
    let page = read(&dir.path().join("example.com/v2.html"));
    assert!(page.contains("sell data."), "{page}");

    write_domain_feed(dir.path(), "example.com", &versions, &changes).expect("feed again");
    assert_eq!(read(&feed_path), first, "a rerun writes the same feed");

    let back = read_domain_feed(dir.path(), "example.com")
        .expect("readable")
        .expect("there");
    let ids: Vec<&str> = back.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [changes[1].entry_id.as_str(), changes[0].entry_id.as_str()],
        "newest first"
    );
    assert_eq!(back[0].updated.to_rfc3339(), "2015-01-01T00:00:00+00:00");
    assert!(
        read_domain_feed(dir.path(), "none.com")
            .expect("no error")
            .is_none()
    );

    let count = write_store_feed(dir.path(), [back.clone(), back].concat()).expect("all");
    assert_eq!(count, 2, "an entry appears once");
    assert!(read(&dir.path().join("all.atom")).contains("2015-01-01T00:00:00+00:00"));
    assert!(matches!(
        write_domain_feed(dir.path(), "../evil", &versions, &changes),
        Err(FeedError::BadDomain(_))
    ));
}
