//! The crawl against the demo fixture archive (`tests/fixtures/demo`, served by fake-wayback on
//! 127.0.0.1): the versions each realistic history must give, reruns that change nothing, and
//! new captures that add exactly the new versions.

use std::path::PathBuf;

use crawl::{CrawlSettings, Crawler, Window};
use fake_wayback::{FakeWayback, FixtureCapture, FixtureSet};
use store::Store;
use wayback::{ArchiveConfig, WaybackClient};

fn fixtures() -> FixtureSet {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/demo");
    FixtureSet::load(&dir).expect("the demo fixture archive loads")
}

fn archive_config(base: &str) -> ArchiveConfig {
    ArchiveConfig {
        base_url: base.to_owned(),
        cdx_requests_per_minute: 6000,
        playback_requests_per_second: 200.0,
        playback_concurrency: 4,
        retry_base_delay: 0.02,
        request_timeout: 5.0,
        read_idle_timeout: 2.0,
        connect_timeout: 2.0,
        contact: "tests@example.org".into(),
        ..ArchiveConfig::default()
    }
}

async fn crawl(server: &FakeWayback, store: Store, domains: &[&str]) -> (crawl::RunReport, Store) {
    let client = WaybackClient::new(archive_config(&server.base_url())).expect("client");
    let crawler = Crawler::new(client, store, CrawlSettings::default());
    let names: Vec<String> = domains.iter().map(|d| d.to_string()).collect();
    let report = crawler.run(&names, &Window::default()).await.expect("run");
    (report, crawler.into_store())
}

fn dump(store: &Store) -> String {
    let mut out = Vec::new();
    store.write_canonical_dump(&mut out).expect("dump");
    String::from_utf8(out).expect("utf-8")
}

fn timeline(store: &Store, domain: &str) -> Vec<(String, String, i64, String)> {
    let domain = store
        .domain(domain, store::DocumentType::Privacy)
        .expect("query")
        .expect("domain stored");
    store
        .versions(domain.id)
        .expect("versions")
        .into_iter()
        .map(|v| (v.first_seen, v.last_seen, v.capture_count, v.url))
        .collect()
}

const DOMAINS: [&str; 5] = [
    "zooescape.com",
    "tracking101.com",
    "visionbill.com",
    "shocklet.in",
    "blocked-example.com",
];

#[tokio::test]
async fn the_demo_archive_gives_exactly_the_expected_versions() {
    let server = FakeWayback::start(fixtures()).await.expect("server");
    let (report, store) = crawl(&server, Store::open_in_memory().expect("store"), &DOMAINS).await;
    assert_eq!(report.status, store::RunStatus::Completed);

    // Duplicate capture (same digest, collapsed by the archive) and a boilerplate-only change
    // (same text: extends the version).
    assert_eq!(
        timeline(&store, "zooescape.com"),
        [
            (
                "20081216163555".into(),
                "20081216163555".into(),
                1,
                "http://zooescape.com/privacy.pl".into()
            ),
            (
                "20100301000000".into(),
                "20100901000000".into(),
                2,
                "http://zooescape.com/privacy.pl".into()
            ),
        ]
    );
    // The policy URL moves; the old URL later redirects to the new one.
    let tracking = timeline(&store, "tracking101.com");
    assert_eq!(tracking.len(), 2, "{tracking:?}");
    assert_eq!(tracking[0].3, "http://tracking101.com/privacy_policy.html");
    assert_eq!(tracking[1].3, "http://tracking101.com/legal/privacy");
    assert_eq!(tracking[1].0, "20120315000000");
    // The homepage redirects to another domain: the policy is followed there, and recorded
    // under the domain asked for.
    let vision = timeline(&store, "visionbill.com");
    assert_eq!(vision.len(), 2, "{vision:?}");
    assert_eq!(vision[0].3, "http://visionbill.com/privacy.htm");
    assert_eq!(
        vision[1].3,
        "http://visionbill-systems.com/legal/privacy.html"
    );
    // A homepage without the link, then one with it; a 404 capture is no version.
    assert_eq!(
        timeline(&store, "shocklet.in"),
        [(
            "20161202172920".into(),
            "20161202172920".into(),
            1,
            "http://shocklet.in/privacy-policy".into()
        )]
    );
    // A site excluded from the archive.
    let blocked = store
        .domain("blocked-example.com", store::DocumentType::Privacy)
        .expect("query")
        .expect("stored");
    assert_eq!(blocked.state, store::DomainState::Blocked);
    assert!(timeline(&store, "blocked-example.com").is_empty());
    assert_eq!(report.counts.versions_new, 7);

    // The corpus page's text is reproduced in the version.
    let zoo = store
        .domain("zooescape.com", store::DocumentType::Privacy)
        .expect("query")
        .expect("stored");
    let first = &store.versions(zoo.id).expect("versions")[0];
    assert!(first.markdown.starts_with("> *The following text is extracted and transformed from the zooescape.com privacy policy that was archived on 2008-12-16."), "{}", first.markdown);

    // Discovery says what it decided and why.
    let decisions = store.decisions(zoo.id).expect("decisions");
    assert_eq!(decisions[0].method, store::DecisionMethod::HomepageLink);
    assert_eq!(decisions[0].link_text.as_deref(), Some("Privacy Policy"));
    server.shutdown().await;
}

#[tokio::test]
async fn a_rerun_changes_nothing_and_new_captures_add_exactly_the_new_versions() {
    let server = FakeWayback::start(fixtures()).await.expect("server");
    let (first, store) = crawl(&server, Store::open_in_memory().expect("store"), &DOMAINS).await;
    let before = dump(&store);
    let cdx_first = first.counts.cdx_requests;

    server.clear_requests();
    let (again, store) = crawl(&server, store, &DOMAINS).await;
    assert_eq!(again.counts.versions_new, 0);
    let replays: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| !r.path_and_query.contains("/cdx"))
        .map(|r| r.path_and_query)
        .collect();
    assert_eq!(
        again.counts.playback_requests, 0,
        "nothing new to download: {replays:?}"
    );
    assert!(
        again.counts.cdx_requests <= cdx_first,
        "{} > {cdx_first}",
        again.counts.cdx_requests
    );
    assert_eq!(dump(&store), before, "a rerun changes nothing");
    for request in server.requests() {
        if request.path_and_query.contains("cdx") && request.path_and_query.contains("zooescape") {
            assert!(
                request.path_and_query.contains("from="),
                "incremental listing: {}",
                request.path_and_query
            );
        }
    }

    // New captures: the same text again (extends), then a changed text (a new version).
    let old = "http://zooescape.com/privacy.pl";
    let body = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/demo/bodies/zooescape-privacy-2010.html"),
    )
    .expect("body");
    server.add_capture(FixtureCapture::html(old, "20110101000000", body.clone()));
    let changed = String::from_utf8_lossy(&body).replace("<body", "<body><p>We now also share your data with our new partner, Example Analytics, for advertising measurement purposes across the web.</p>").into_bytes();
    let changed = String::from_utf8_lossy(&changed).into_owned();
    server.add_capture(FixtureCapture::html(old, "20120101000000", changed));
    let (third, store) = crawl(&server, store, &DOMAINS).await;
    assert_eq!(
        third.counts.versions_new,
        1,
        "{:?}",
        timeline(&store, "zooescape.com")
    );
    let zoo = timeline(&store, "zooescape.com");
    assert_eq!(zoo.len(), 3, "{zoo:?}");
    assert_eq!(
        zoo[1].1, "20110101000000",
        "the unchanged capture extends version 2"
    );
    assert_eq!(zoo[2].0, "20120101000000");
    server.shutdown().await;
}

/// Crawls `domains` and gives how many conversions the run made, and the store.
async fn crawl_counting(server: &FakeWayback, store: Store) -> (u64, Store) {
    let client = WaybackClient::new(archive_config(&server.base_url())).expect("client");
    let crawler = Crawler::new(client, store, CrawlSettings::default());
    let names: Vec<String> = DOMAINS.iter().map(|d| d.to_string()).collect();
    crawler.run(&names, &Window::default()).await.expect("run");
    let conversions = crawler
        .live_counts()
        .conversions
        .load(std::sync::atomic::Ordering::Relaxed);
    (conversions, crawler.into_store())
}

#[tokio::test]
async fn each_capture_is_converted_once_and_a_rerun_converts_nothing() {
    let server = FakeWayback::start(fixtures()).await.expect("server");
    let (conversions, store) =
        crawl_counting(&server, Store::open_in_memory().expect("store")).await;
    // At most one conversion per fetched page, none again to build the versions (which come
    // from the kept texts), and at least one per distinct (bytes, URL).
    let mut pages = 0;
    let mut distinct = std::collections::BTreeSet::new();
    for domain in store.domains().expect("domains") {
        for capture in store.converted_captures(domain.id).expect("captures") {
            pages += 1;
            distinct.insert((capture.content_sha1, capture.found_url));
        }
    }
    assert!(
        (distinct.len() as u64..=pages).contains(&conversions),
        "{conversions} conversions for {pages} fetched pages ({} distinct)",
        distinct.len()
    );
    let (again, _store) = crawl_counting(&server, store).await;
    assert_eq!(again, 0, "a rerun on an unchanged archive converts nothing");
    server.shutdown().await;
}
