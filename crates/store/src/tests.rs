use super::*;

fn policy(url: &str, timestamp: &str, digest: &str) -> CaptureRecord {
    CaptureRecord {
        role: Role::Policy,
        url: url.into(),
        timestamp: timestamp.into(),
        digest: digest.into(),
        status: Some(200),
        mimetype: "text/html".into(),
        length: Some(1000),
        state: InitialState::Pending,
    }
}

fn fetched(sha1: &str, url: &str, timestamp: &str, text: &str) -> FetchResult {
    FetchResult {
        content_sha1: sha1.into(),
        found_url: url.into(),
        found_timestamp: timestamp.into(),
        found_status: 200,
        digest_check: DigestCheck::Match,
        text_hash: Some(text.into()),
        note: None,
        archived_headers: Some(vec![("server".into(), "test".into())]),
    }
}

fn version(text: &str, first: &str, last: &str, count: i64, capture: i64) -> NewVersion {
    NewVersion {
        text_hash: text.into(),
        title: Some("Privacy".into()),
        markdown: format!("# Privacy\n\n{text}\n"),
        url: "http://example.com/privacy".into(),
        first_capture_id: capture,
        last_capture_id: capture,
        first_seen: first.into(),
        last_seen: last.into(),
        capture_count: count,
        snapshot_url: format!(
            "https://web.archive.org/web/{first}id_/http%3A//example.com/privacy"
        ),
        fields: Some("{\"word_count\":3}".into()),
        converter: Some("policy-text test".into()),
        fields_version: Some("fields test".into()),
        policy_host: Some("example.com".into()),
        relation: Some(Relation::SameSite),
        captures_checked: count,
        captures_inferred: 0,
        parked: None,
    }
}

fn put(store: &Store, sha1: &str) {
    store
        .put_content(NewContent {
            sha1,
            body: b"<p>x</p>",
            content_type: Some("text/html"),
            charset: None,
        })
        .expect("put");
}

fn text(key: &str, body: &str) -> TextRecord {
    TextRecord {
        key: key.into(),
        body: body.into(),
        templated: true,
        title: Some("Privacy".into()),
        converter: "policy-text test".into(),
        not_policy: None,
    }
}

/// A store with two pending policy captures of example.com/privacy (2010 and 2011) with these
/// CDX digests.
fn two_pending_captures(digests: [&str; 2]) -> (Store, Domain, Vec<PendingCapture>) {
    let mut store = Store::open_in_memory().expect("store");
    let domain = store
        .ensure_domain("example.com", crate::DocumentType::Privacy)
        .expect("domain");
    let plan = Plan {
        captures: vec![
            policy("http://example.com/privacy", "20100101000000", digests[0]),
            policy("http://example.com/privacy", "20110101000000", digests[1]),
        ],
        ..Plan::default()
    };
    store.save_plan(domain.id, None, &plan).expect("plan");
    let pending = store.pending_policy_captures(domain.id).expect("pending");
    (store, domain, pending)
}

#[test]
fn a_converted_capture_keeps_its_text_once_for_every_capture_of_it() {
    let (store, domain, pending) = two_pending_captures(["A", "A"]);
    put(&store, "SHA");
    let first = fetched("SHA", "http://example.com/privacy", "20100101000000", "T1");
    store
        .capture_converted(pending[0].id, &first, &text("K1", "body"))
        .expect("converted");
    let known = store
        .text_for_content("SHA", "http://example.com/privacy", "policy-text test")
        .expect("query")
        .expect("a known text");
    assert_eq!(known.text_hash, "T1");
    assert_eq!(known.text, text("K1", "body"));
    // Another converter, or another URL, does not count.
    for (url, converter) in [
        ("http://example.com/privacy", "policy-text other"),
        ("http://example.com/other", "policy-text test"),
    ] {
        assert_eq!(
            store
                .text_for_content("SHA", url, converter)
                .expect("query"),
            None
        );
    }
    let second = fetched("SHA", "http://example.com/privacy", "20110101000000", "T1");
    store
        .capture_converted(pending[1].id, &second, &known.text)
        .expect("converted");
    let observations = store.observations(domain.id, false).expect("observations");
    assert_eq!(observations.len(), 2);
    assert!(
        observations
            .iter()
            .all(|o| o.text_key.as_deref() == Some("K1")
                && o.title.as_deref() == Some("Privacy")
                && o.converter.as_deref() == Some("policy-text test"))
    );
    let count: i64 = store
        .conn
        .query_row("SELECT count(*) FROM texts", [], |row| row.get(0))
        .expect("count");
    assert_eq!(count, 1);
    assert_eq!(
        store.text("K1").expect("query"),
        Some(StoredText {
            body: "body".into(),
            templated: true
        })
    );
}

#[test]
fn a_rebuild_marks_what_it_changed_and_a_crawl_keeps_the_marks() {
    let (mut store, domain, pending) = two_pending_captures(["A", "B"]);
    for (capture, ts) in pending.iter().zip(["20100101000000", "20110101000000"]) {
        put(&store, &format!("S{ts}"));
        let result = fetched(&format!("S{ts}"), "http://example.com/privacy", ts, "T1");
        store
            .capture_converted(capture.id, &result, &text("OLD", "old body"))
            .expect("converted");
    }
    let before = [version(
        "T1",
        "20100101000000",
        "20110101000000",
        2,
        pending[0].id,
    )];
    assert_eq!(store.sync_versions(domain.id, &before).expect("sync"), 1);

    let rebuild = store
        .start_rebuild("policy-text new", "fields new")
        .expect("start");
    let updates: Vec<TextUpdate> = pending
        .iter()
        .zip(["T1", "T2"])
        .map(|(capture, hash)| TextUpdate {
            capture_id: capture.id,
            text_hash: Some(hash.into()),
            text: Some(text(&format!("NEW{hash}"), "new body")),
            note: None,
        })
        .collect();
    let mut changed = version("T1", "20100101000000", "20100101000000", 1, pending[0].id);
    changed.markdown.push_str("re-derived\n");
    let after = [
        changed,
        version("T2", "20110101000000", "20110101000000", 1, pending[1].id),
    ];
    assert_eq!(
        store
            .apply_rebuild(domain.id, &updates, &after, rebuild)
            .expect("apply"),
        1
    );
    let marks = |store: &Store| -> Vec<Option<Rebuilt>> {
        store
            .versions(domain.id)
            .expect("versions")
            .iter()
            .map(|v| v.rebuilt)
            .collect()
    };
    assert_eq!(marks(&store), [Some(Rebuilt::Text), Some(Rebuilt::Split)]);
    // The old text is gone with the last capture that used it.
    assert_eq!(store.text("OLD").expect("query"), None);
    assert!(store.text("NEWT2").expect("query").is_some());
    // A crawl that finds the same versions keeps the marks; a new one is unmarked.
    let mut grown = after.to_vec();
    grown.push(version(
        "T3",
        "20120101000000",
        "20120101000000",
        1,
        pending[1].id,
    ));
    assert_eq!(store.sync_versions(domain.id, &grown).expect("sync"), 1);
    assert_eq!(
        marks(&store),
        [Some(Rebuilt::Text), Some(Rebuilt::Split), None]
    );
}

#[test]
fn opening_twice_keeps_the_data_and_the_schema_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sub/dir/crawler.sqlite");
    {
        let store = Store::open(&path).expect("created with its folders");
        store
            .ensure_domain("example.com", crate::DocumentType::Privacy)
            .expect("domain");
    }
    let store = Store::open(&path).expect("reopened");
    let domains = store.domains().expect("domains");
    assert_eq!(domains.len(), 1);
    assert_eq!(domains[0].name, "example.com");
    let version: i64 = store
        .conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("user_version");
    assert_eq!(version, 9);
    let mode: String = store
        .conn
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .expect("journal_mode");
    assert_eq!(mode, "wal");
}

#[test]
fn a_second_writer_is_refused_until_the_first_lets_go() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("crawler.sqlite");
    let first = Store::lock_for_writing(&path).expect("first lock");
    let error = Store::lock_for_writing(&path).expect_err("second is refused");
    assert!(matches!(error, StoreError::Locked { .. }), "{error}");
    assert!(error.to_string().contains("another crawl"), "{error}");
    drop(first);
    Store::lock_for_writing(&path).expect("free again");
}

#[test]
fn a_plan_is_saved_once_and_its_captures_are_not_duplicated() {
    let mut store = Store::open_in_memory().expect("store");
    let domain = store
        .ensure_domain("example.com", crate::DocumentType::Privacy)
        .expect("domain");
    let plan = Plan {
        decisions: vec![Decision {
            period_start: "20100101000000".into(),
            period_end: "20120101000000".into(),
            policy_url: Some("http://example.com/privacy".into()),
            method: DecisionMethod::HomepageLink,
            homepage_url: Some("http://example.com/".into()),
            homepage_timestamp: Some("20110101000000".into()),
            link_text: Some("Privacy Policy".into()),
            score: Some(12.0),
            candidates: vec!["http://example.com/privacy".into()],
            note: Some("linked from the footer".into()),
        }],
        captures: vec![
            policy("http://example.com/privacy", "20100101000000", "AAAA"),
            policy("http://example.com/privacy", "20120101000000", "BBBB"),
        ],
        aliases: vec![],
        homepage_cursor: Some("20110101000000".into()),
        policy_cursor: Some("20120101000000".into()),
        tails: vec![ListingTail {
            listing: String::new(),
            urlkey: "com,example)/privacy".into(),
            timestamp: "20120101000000".into(),
            digest: "BBBB".into(),
        }],
    };
    assert_eq!(store.save_plan(domain.id, None, &plan).expect("saved"), 2);
    assert_eq!(store.listing_tails(domain.id).expect("tails"), plan.tails);
    assert_eq!(store.save_plan(domain.id, None, &plan).expect("again"), 0);
    assert_eq!(
        store
            .pending_policy_captures(domain.id)
            .expect("pending")
            .len(),
        2
    );
    assert_eq!(
        store.decisions(domain.id).expect("decisions"),
        plan.decisions
    );
    assert_eq!(
        store.confirmed_policy_urls(domain.id).expect("confirmed"),
        vec!["http://example.com/privacy".to_owned()]
    );
    let domain = store
        .domain("example.com", crate::DocumentType::Privacy)
        .expect("query")
        .expect("exists");
    assert_eq!(domain.policy_cursor.as_deref(), Some("20120101000000"));
}

#[test]
fn contents_round_trip_compressed_and_digests_are_reused() {
    let mut store = Store::open_in_memory().expect("store");
    let domain = store
        .ensure_domain("example.com", crate::DocumentType::Privacy)
        .expect("domain");
    let body = "<html>privacy</html>".repeat(200);
    store
        .put_content(NewContent {
            sha1: "SHA",
            body: body.as_bytes(),
            content_type: Some("text/html"),
            charset: Some("UTF-8"),
        })
        .expect("put");
    store
        .put_content(NewContent {
            sha1: "SHA",
            body: b"ignored: same key",
            content_type: None,
            charset: None,
        })
        .expect("put twice is a no-op");
    let content = store.content("SHA").expect("read").expect("exists");
    assert_eq!(content.body, body.as_bytes());
    let stored: i64 = store
        .conn
        .query_row("SELECT length(body) FROM contents", [], |row| row.get(0))
        .expect("length");
    assert!(stored < body.len() as i64 / 10, "compressed to {stored}");

    let plan = Plan {
        captures: vec![policy(
            "http://example.com/privacy",
            "20100101000000",
            "CDXDIGEST",
        )],
        ..Plan::default()
    };
    store.save_plan(domain.id, None, &plan).expect("plan");
    assert_eq!(store.content_for_digest("CDXDIGEST").expect("query"), None);
    let pending = store.pending_policy_captures(domain.id).expect("pending");
    store
        .capture_fetched(
            pending[0].id,
            &fetched("SHA", "http://example.com/privacy", "20100101000000", "T1"),
        )
        .expect("fetched");
    assert_eq!(
        store
            .content_for_digest("CDXDIGEST")
            .expect("query")
            .as_deref(),
        Some("SHA")
    );
    assert_eq!(
        store.content_for_digest("SHA").expect("query").as_deref(),
        Some("SHA")
    );
}

#[test]
fn failures_are_retried_or_given_up_and_show_in_the_status() {
    let (store, domain, pending) = two_pending_captures(["A", "B"]);
    store
        .capture_failed(pending[0].id, "reset", true)
        .expect("retry");
    store
        .capture_failed(pending[1].id, "not archived", false)
        .expect("gone");
    let pending = store.pending_policy_captures(domain.id).expect("pending");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].attempts, 1);
    assert_eq!(store.status().expect("status").pending_retries, 1);
}

#[test]
fn versions_sync_in_place_and_count_only_new_ones() {
    let mut store = Store::open_in_memory().expect("store");
    let domain = store
        .ensure_domain("example.com", crate::DocumentType::Privacy)
        .expect("domain");
    let plan = Plan {
        captures: vec![policy("http://example.com/privacy", "20100101000000", "A")],
        ..Plan::default()
    };
    store.save_plan(domain.id, None, &plan).expect("plan");
    let capture = store.pending_policy_captures(domain.id).expect("pending")[0].id;
    let first = [version(
        "T1",
        "20100101000000",
        "20100101000000",
        1,
        capture,
    )];
    assert_eq!(store.sync_versions(domain.id, &first).expect("sync"), 1);
    assert_eq!(store.sync_versions(domain.id, &first).expect("again"), 0);
    let grown = [
        version("T1", "20100101000000", "20110101000000", 2, capture),
        version("T2", "20120101000000", "20120101000000", 1, capture),
    ];
    assert_eq!(store.sync_versions(domain.id, &grown).expect("grown"), 1);
    let versions = store.versions(domain.id).expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].capture_count, 2);
    assert_eq!(versions[0].valid_until.as_deref(), Some("20120101000000"));
    assert_eq!(versions[1].valid_until, None);
    assert_eq!(store.sync_versions(domain.id, &first).expect("shrunk"), 0);
    assert_eq!(store.versions(domain.id).expect("versions").len(), 1);
}

#[test]
fn a_killed_run_is_marked_interrupted_by_the_next() {
    let store = Store::open_in_memory().expect("store");
    let first = store
        .start_run(&serde_json::json!({"domains": 1}), 1)
        .expect("run");
    let counts = RunCounts {
        domains_total: 1,
        cdx_requests: 2,
        ..RunCounts::default()
    };
    store.update_run(first, &counts).expect("update");
    let second = store.start_run(&serde_json::json!({}), 3).expect("run");
    store
        .finish_run(second, &RunCounts::default(), RunStatus::Completed, None)
        .expect("finish");
    let runs = store.runs(5).expect("runs");
    assert_eq!(runs[0].id, second);
    assert_eq!(runs[0].status, "completed");
    assert_eq!(runs[1].status, "interrupted");
    assert_eq!(runs[1].counts.cdx_requests, 2);
}

#[test]
fn the_canonical_dump_ignores_ids_and_fetch_order() {
    let build = |order: &[usize]| {
        let mut store = Store::open_in_memory().expect("store");
        store
            .ensure_domain("zz.example", crate::DocumentType::Privacy)
            .expect("domain");
        let domain = store
            .ensure_domain("example.com", crate::DocumentType::Privacy)
            .expect("domain");
        let all = [
            policy("http://example.com/privacy", "20100101000000", "A"),
            policy("http://example.com/privacy", "20110101000000", "B"),
        ];
        for &i in order {
            let plan = Plan {
                captures: vec![all[i].clone()],
                ..Plan::default()
            };
            store.save_plan(domain.id, None, &plan).expect("plan");
        }
        let mut out = Vec::new();
        store.write_canonical_dump(&mut out).expect("dump");
        out
    };
    let forward = build(&[0, 1]);
    assert_eq!(forward, build(&[1, 0]));
    let text = String::from_utf8(forward).expect("utf-8");
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(!text.contains("added_at"), "{text}");
}

#[test]
fn due_domains_are_the_new_ones_and_the_stale_ones() {
    let store = Store::open_in_memory().expect("store");
    let fresh = store
        .ensure_domain("fresh.example", crate::DocumentType::Privacy)
        .expect("domain");
    store
        .set_domain_state(fresh.id, DomainState::Ok, None, true)
        .expect("crawled");
    let stale = store
        .ensure_domain("stale.example", crate::DocumentType::Privacy)
        .expect("domain");
    store
        .conn
        .execute(
            "UPDATE domains SET last_crawled_at = '2020-01-01T00:00:00Z' WHERE id = ?1",
            [stale.id],
        )
        .expect("age it");
    let names: Vec<String> = ["fresh.example", "stale.example", "new.example"]
        .map(String::from)
        .to_vec();
    assert_eq!(
        store
            .due(&names, &[crate::DocumentType::Privacy], 7.0)
            .expect("due"),
        vec!["stale.example".to_owned(), "new.example".to_owned()]
    );
}

fn store_with_versions() -> Store {
    let mut store = Store::open_in_memory().expect("store");
    for (name, texts) in [("a.example", 3), ("b.example", 1)] {
        let domain = store
            .ensure_domain(name, crate::DocumentType::Privacy)
            .expect("domain");
        let captures: Vec<CaptureRecord> = (0..texts)
            .map(|i| {
                policy(
                    &format!("http://{name}/privacy"),
                    &format!("201{i}0101000000"),
                    &format!("D{i}"),
                )
            })
            .collect();
        store
            .save_plan(
                domain.id,
                None,
                &Plan {
                    captures,
                    ..Plan::default()
                },
            )
            .expect("plan");
        let pending = store.pending_policy_captures(domain.id).expect("pending");
        let body = b"<html>policy</html>";
        store
            .put_content(NewContent {
                sha1: "SHA",
                body,
                content_type: Some("text/html"),
                charset: Some("UTF-8"),
            })
            .expect("content");
        let mut versions = Vec::new();
        for (i, capture) in pending.iter().enumerate() {
            store
                .capture_fetched(
                    capture.id,
                    &fetched("SHA", &capture.url, &capture.timestamp, &format!("T{i}")),
                )
                .expect("fetched");
            let mut v = version(
                &format!("T{i}"),
                &capture.timestamp,
                &capture.timestamp,
                1,
                capture.id,
            );
            v.fields = Some(format!(
                r#"{{"word_count":{},"stated_date":{{"date":"2010-01-0{}","kind":"last_updated","phrase":"Last updated"}},"practices":[{{"practice":"cookies","sentence":"We use cookies."}}],"third_parties":[{{"name":"Google Analytics","sentence":"x"}}]}}"#,
                100 + i,
                i + 1
            ));
            versions.push(v);
        }
        store.sync_versions(domain.id, &versions).expect("versions");
    }
    store
}

#[test]
fn export_rows_flatten_fields_and_honour_the_filters() {
    let store = store_with_versions();
    let mut rows = Vec::new();
    let count = store
        .export_rows(&ExportFilter::default(), |row| {
            rows.push((
                row.get("domain").cloned(),
                row.get("version").cloned(),
                row.get("word_count").cloned(),
                row.get("practice_cookies").cloned(),
                row.get("practice_gdpr").cloned(),
                row.get("third_parties").cloned(),
                row.get("content_length").cloned(),
                row.get("shared_text_domains").cloned(),
            ));
            Ok(())
        })
        .expect("rows");
    assert_eq!(count, 4);
    assert_eq!(rows[0].0, Some("a.example".into()));
    assert_eq!(rows[2].2, Some(102.into()));
    assert_eq!(rows[0].3, Some(1.into()));
    assert_eq!(rows[0].4, Some(0.into()));
    assert_eq!(rows[0].5, Some(r#"["Google Analytics"]"#.into()));
    assert_eq!(rows[0].6, Some(19.into()));
    // a.example's first text (T0) is b.example's only one: two domains share it.
    let shared: Vec<_> = rows.iter().map(|r| r.7.clone()).collect();
    assert_eq!(
        shared,
        [2, 1, 1, 2].map(|n| Some(serde_json::Value::from(n)))
    );

    let count_with = |filter: ExportFilter| store.export_rows(&filter, |_| Ok(())).expect("rows");
    assert_eq!(
        count_with(ExportFilter {
            latest_only: true,
            ..ExportFilter::default()
        }),
        2
    );
    assert_eq!(
        count_with(ExportFilter {
            domains: vec!["b.example".into()],
            ..ExportFilter::default()
        }),
        1
    );
    // In force during 2011: a.example v2 (2011-) and b.example v1 (2010-, still current).
    assert_eq!(
        count_with(ExportFilter {
            from: Some("2011".into()),
            to: Some("2011".into()),
            ..ExportFilter::default()
        }),
        2
    );
    assert_eq!(
        count_with(ExportFilter {
            to: Some("2011".into()),
            latest_only: true,
            ..ExportFilter::default()
        }),
        2
    );
}

#[test]
fn export_sqlite_writes_a_self_describing_file_atomically() {
    let store = store_with_versions();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("dataset.sqlite");
    let info = vec![("tool".to_owned(), "crawler 0.1.0".to_owned())];
    let counts = store
        .export_sqlite(&out, &ExportFilter::default(), true, &info)
        .expect("export");
    assert_eq!(
        (counts.domains, counts.versions, counts.contents),
        (2, 4, 1)
    );
    assert!(!dir.path().join("dataset.sqlite.partial").exists());
    let exported = Connection::open(&out).expect("open");
    let tables: Vec<String> = exported
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("prepare")
        .query_map([], |row| row.get(0))
        .expect("query")
        .collect::<std::result::Result<_, _>>()
        .expect("rows");
    assert_eq!(
        tables,
        [
            "contents",
            "dataset_info",
            "domains",
            "versions",
            "versions_fts",
            "versions_fts_config",
            "versions_fts_data",
            "versions_fts_docsize",
            "versions_fts_idx"
        ]
    );
    // The full-text index finds a version by a word of its Markdown, and by its title.
    let found: (String, i64) = exported
        .query_row(
            "SELECT domain, version FROM versions
             WHERE rowid IN (SELECT rowid FROM versions_fts WHERE versions_fts MATCH 'T2')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("one version holds T2");
    assert_eq!(found, ("a.example".to_owned(), 3));
    let titled: i64 = exported
        .query_row(
            "SELECT count(*) FROM versions_fts WHERE versions_fts MATCH 'title:privacy'",
            [],
            |r| r.get(0),
        )
        .expect("search");
    assert_eq!(titled, 4);
    let tool: String = exported
        .query_row(
            "SELECT value FROM dataset_info WHERE key = 'tool'",
            [],
            |r| r.get(0),
        )
        .expect("info");
    assert_eq!(tool, "crawler 0.1.0");
    let body: Vec<u8> = exported
        .query_row("SELECT body FROM contents", [], |r| r.get(0))
        .expect("body");
    assert_eq!(
        body, b"<html>policy</html>",
        "contents are exported decompressed"
    );
    // Exporting again replaces the file.
    store
        .export_sqlite(
            &out,
            &ExportFilter {
                latest_only: true,
                ..ExportFilter::default()
            },
            false,
            &info,
        )
        .expect("again");
    let versions: i64 = Connection::open(&out)
        .expect("open")
        .query_row("SELECT count(*) FROM versions", [], |r| r.get(0))
        .expect("count");
    assert_eq!(versions, 2);
}

#[test]
fn a_failed_sqlite_export_leaves_no_partial_files_and_the_store_usable() {
    let store = store_with_versions();
    let dir = tempfile::tempdir().expect("temp dir");
    // The final rename cannot replace a folder that holds a file.
    let out = dir.path().join("dataset.sqlite");
    std::fs::create_dir(&out).expect("a folder in the way");
    std::fs::write(out.join("keep.txt"), "mine").expect("write");
    let info = vec![("tool".to_owned(), "crawler".to_owned())];
    assert!(
        store
            .export_sqlite(&out, &ExportFilter::default(), false, &info)
            .is_err()
    );
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["dataset.sqlite"], "no .partial or journal left");
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).expect("kept"),
        "mine"
    );
    // The store still exports elsewhere (the export database was detached).
    let elsewhere = dir.path().join("other.sqlite");
    store
        .export_sqlite(&elsewhere, &ExportFilter::default(), false, &info)
        .expect("export elsewhere");
}

#[test]
fn a_revisit_record_shares_its_digest_with_the_payload_it_repeats() {
    let mut store = Store::open_in_memory().expect("store");
    let domain = store
        .ensure_domain("example.com", crate::DocumentType::Privacy)
        .expect("domain");
    let mut revisit = policy("http://example.com/privacy", "20100101000000", "PAYLOAD");
    revisit.status = None;
    revisit.mimetype = "warc/revisit".into();
    store
        .save_plan(
            domain.id,
            None,
            &Plan {
                captures: vec![revisit],
                ..Plan::default()
            },
        )
        .expect("plan");
    let pending = store.pending_policy_captures(domain.id).expect("pending");
    store
        .put_content(NewContent {
            sha1: "SHA",
            body: b"<p>policy</p>",
            content_type: None,
            charset: None,
        })
        .expect("content");
    store
        .capture_fetched(
            pending[0].id,
            &fetched("SHA", "http://example.com/privacy", "20100101000000", "T"),
        )
        .expect("fetched");
    assert_eq!(
        store
            .content_for_digest("PAYLOAD")
            .expect("query")
            .as_deref(),
        Some("SHA")
    );
}

#[test]
fn now_is_rfc3339() {
    let now = Store::open_in_memory().expect("store").now().expect("now");
    assert_eq!(now.len(), 20, "{now}");
    assert!(now.starts_with("20") && now.ends_with('Z'), "{now}");
}

#[test]
fn the_exported_practice_columns_are_every_practice_fields_finds() {
    let names: Vec<&str> = fields::Practice::all().iter().map(|p| p.name()).collect();
    assert_eq!(
        export::PRACTICES.as_slice(),
        names.as_slice(),
        "a practice missing here would silently drop out of every export"
    );
}

#[test]
fn warc_captures_are_one_per_memento_with_their_rows_versions_and_headers() {
    let mut store = Store::open_in_memory().expect("store");
    let domain = store
        .ensure_domain("example.com", crate::DocumentType::Privacy)
        .expect("domain");
    let url = "http://example.com/privacy";
    let plan = Plan {
        captures: vec![
            policy(url, "20100101000000", "A"),
            policy(url, "20110101000000", "A"),
            policy(url, "20120101000000", "B"),
            policy("http://example.com/old", "20120601000000", "R"),
        ],
        ..Plan::default()
    };
    store.save_plan(domain.id, None, &plan).expect("plan");
    let pending = store.pending_policy_captures(domain.id).expect("pending");
    let id = |u: &str, t: &str| {
        pending
            .iter()
            .find(|p| p.url == u && p.timestamp == t)
            .expect("a capture")
            .id
    };
    put(&store, "SHA");
    put(&store, "SHB");
    let first = fetched("SHA", url, "20100101000000", "T1");
    store
        .capture_converted(id(url, "20100101000000"), &first, &text("K1", "one"))
        .expect("converted");
    // Reused bytes: no headers of its own.
    let reused = FetchResult {
        archived_headers: None,
        ..fetched("SHA", url, "20110101000000", "T1")
    };
    store
        .capture_converted(id(url, "20110101000000"), &reused, &text("K1", "one"))
        .expect("converted");
    let second = fetched("SHB", url, "20120101000000", "T2");
    store
        .capture_converted(id(url, "20120101000000"), &second, &text("K2", "two"))
        .expect("converted");
    // An old URL's capture that led to the 2012 one.
    store
        .capture_converted(
            id("http://example.com/old", "20120601000000"),
            &second,
            &text("K2", "two"),
        )
        .expect("converted");
    store
        .sync_versions(
            domain.id,
            &[
                version(
                    "T1",
                    "20100101000000",
                    "20110101000000",
                    2,
                    first_id(&store),
                ),
                version(
                    "T2",
                    "20120101000000",
                    "20120101000000",
                    2,
                    id(url, "20120101000000"),
                ),
            ],
        )
        .expect("versions");

    let mut got = Vec::new();
    let count = store
        .warc_captures(&ExportFilter::default(), false, |c| {
            got.push(c);
            Ok(())
        })
        .expect("captures");
    assert_eq!(count, 3);
    let times: Vec<&str> = got.iter().map(|c| c.timestamp.as_str()).collect();
    assert_eq!(
        times,
        ["20100101000000", "20110101000000", "20120101000000"]
    );
    assert_eq!(
        got[0].headers,
        ArchivedHeaders::Kept(vec![("server".into(), "test".into())])
    );
    assert_eq!(got[1].headers, ArchivedHeaders::Reused);
    assert_eq!(got[0].body, b"<p>x</p>");
    assert_eq!(got[0].content_type.as_deref(), Some("text/html"));
    let seqs: Vec<Vec<i64>> = got
        .iter()
        .map(|c| c.versions.iter().map(|v| v.seq).collect())
        .collect();
    assert_eq!(seqs, [vec![1], vec![1], vec![2]]);
    let rows: Vec<(&str, &str)> = got[2]
        .cdx
        .iter()
        .map(|r| (r.url.as_str(), r.timestamp.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            ("http://example.com/old", "20120601000000"),
            (url, "20120101000000")
        ]
    );
    assert_eq!(
        store
            .warc_summary(&ExportFilter::default(), false)
            .expect("summary"),
        WarcSummary {
            captures: 3,
            newest: Some("20120101000000".into())
        }
    );

    // The latest version only; and a store from before schema 6.
    store
        .conn
        .execute(
            "UPDATE captures SET archived_headers = NULL, headers_kept = 0",
            [],
        )
        .expect("update");
    let latest = ExportFilter {
        latest_only: true,
        ..ExportFilter::default()
    };
    let mut got = Vec::new();
    store
        .warc_captures(&latest, false, |c| {
            got.push(c);
            Ok(())
        })
        .expect("captures");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].timestamp, "20120101000000");
    assert_eq!(got[0].headers, ArchivedHeaders::BeforeKept);
    let nothing = ExportFilter {
        domains: vec!["example.org".into()],
        ..ExportFilter::default()
    };
    assert_eq!(
        store
            .warc_summary(&nothing, true)
            .expect("summary")
            .captures,
        0
    );
}

fn first_id(store: &Store) -> i64 {
    store
        .conn
        .query_row(
            "SELECT id FROM captures WHERE timestamp = '20100101000000'",
            [],
            |row| row.get(0),
        )
        .expect("the first capture")
}

#[test]
fn inferred_captures_are_settled_not_pending_and_the_search_still_sees_them() {
    let mut store = Store::open_in_memory().expect("store");
    let domain = store
        .ensure_domain("example.com", crate::DocumentType::Privacy)
        .expect("domain");
    let plan = Plan {
        captures: ["20100101000000", "20100601000000", "20101201000000"]
            .iter()
            .map(|timestamp| CaptureRecord {
                role: Role::Policy,
                url: "http://example.com/privacy".into(),
                timestamp: (*timestamp).into(),
                digest: format!("D{timestamp}"),
                status: Some(200),
                mimetype: "text/html".into(),
                length: Some(100),
                state: InitialState::Pending,
            })
            .collect(),
        ..Plan::default()
    };
    store.save_plan(domain.id, None, &plan).expect("plan");
    let middle = store.pending_policy_captures(domain.id).expect("pending")[1].id;
    store.infer_captures(&[middle]).expect("infer");
    let pending: Vec<i64> = store
        .pending_policy_captures(domain.id)
        .expect("pending")
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(pending.len(), 2);
    assert!(!pending.contains(&middle));
    assert_eq!(
        store
            .unfetched_policy_captures(domain.id)
            .expect("unfetched")
            .len(),
        3
    );
    let knowledge: Vec<CaptureKnowledge> = store
        .search_points(domain.id, false)
        .expect("points")
        .into_iter()
        .map(|p| p.knowledge)
        .collect();
    assert_eq!(
        knowledge,
        [
            CaptureKnowledge::Pending,
            CaptureKnowledge::Inferred,
            CaptureKnowledge::Pending
        ]
    );
    assert_eq!(
        store.inferred_timestamps(domain.id).expect("inferred"),
        ["20100601000000"]
    );
}

/// A store as the crawler before document types (schema 8) left it: every row becomes a
/// privacy policy, ids and versions unchanged, and the same domain can then gain other types.
#[test]
fn a_store_from_before_document_types_keeps_every_version_as_a_privacy_policy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("crawler.sqlite");
    let before = {
        let mut conn = Connection::open(&path).expect("open");
        conn.pragma_update(None, "journal_mode", "WAL")
            .expect("wal");
        conn.pragma_update(None, "foreign_keys", "ON").expect("fk");
        schema::migrations()
            .to_version(&mut conn, 8)
            .expect("schema 8");
        conn.execute(
            "INSERT INTO domains (name, added_at, state) VALUES ('example.com', '2020-01-01T00:00:00Z', 'ok')",
            [],
        )
        .expect("domain");
        let mut store = Store {
            conn,
            path: path.clone(),
        };
        let id = 1;
        let plan = Plan {
            captures: vec![
                policy("http://example.com/privacy", "20100101000000", "AAAA"),
                policy("http://example.com/privacy", "20120101000000", "BBBB"),
            ],
            policy_cursor: Some("20120101000000".into()),
            ..Plan::default()
        };
        store.save_plan(id, None, &plan).expect("plan");
        put(&store, "C1");
        put(&store, "C2");
        let pending = store.pending_policy_captures(id).expect("pending");
        for (capture, (sha1, text)) in pending.iter().zip([("C1", "T1"), ("C2", "T2")]) {
            let result = fetched(sha1, &capture.url, &capture.timestamp, text);
            store.capture_fetched(capture.id, &result).expect("fetched");
        }
        let wanted = [
            version("T1", "20100101000000", "20100101000000", 1, pending[0].id),
            version("T2", "20120101000000", "20120101000000", 1, pending[1].id),
        ];
        store.sync_versions(id, &wanted).expect("versions");
        store.versions(id).expect("versions")
    };
    assert_eq!(before.len(), 2);

    let store = Store::open(&path).expect("migrated");
    let rows = store.domains().expect("domains");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, 1);
    assert_eq!(rows[0].name, "example.com");
    assert_eq!(rows[0].document_type, DocumentType::Privacy);
    assert_eq!(rows[0].state, DomainState::Ok);
    assert_eq!(rows[0].policy_cursor.as_deref(), Some("20120101000000"));
    assert_eq!(store.versions(1).expect("versions"), before);
    let problems: i64 = store
        .conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .expect("foreign key check");
    assert_eq!(problems, 0);
    let fk: i64 = store
        .conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(fk, 1, "foreign keys are enforced again after migrating");

    let terms = store
        .ensure_domain("example.com", DocumentType::Terms)
        .expect("a terms row");
    assert_ne!(terms.id, 1);
    assert_eq!(
        store
            .domain_rows("example.com")
            .expect("rows")
            .iter()
            .map(|d| d.document_type)
            .collect::<Vec<_>>(),
        [DocumentType::Privacy, DocumentType::Terms]
    );
    assert!(store.versions(terms.id).expect("none").is_empty());
    let mut exported = Vec::new();
    store
        .export_rows(&ExportFilter::default(), |row| {
            exported.push(row.get("document_type").cloned());
            Ok(())
        })
        .expect("export");
    assert_eq!(exported, vec![Some("Privacy Policy".into()); 2]);
}
