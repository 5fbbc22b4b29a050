//! A crawl of domains whose listings the archive refuses the way it really does (a gzip-encoded
//! error page and the `X-Archive-Wayback-Runtime-Error` header) or garbles: the domain's state
//! says which, with a readable message.

use crawl::{CrawlSettings, Crawler, OutcomeState, Window};
use fake_wayback::{FakeWayback, Fault, FaultRule, FaultTarget, FixtureCapture, FixtureSet, Pool};
use store::Store;
use wayback::{ArchiveConfig, WaybackClient};

fn archive_config(base: &str) -> ArchiveConfig {
    ArchiveConfig {
        base_url: base.to_owned(),
        cdx_requests_per_minute: 6000,
        playback_requests_per_second: 200.0,
        retry_base_delay: 0.01,
        max_retries: 1,
        request_timeout: 5.0,
        read_idle_timeout: 2.0,
        connect_timeout: 2.0,
        contact: "tests@example.org".into(),
        ..ArchiveConfig::default()
    }
}

fn fixtures() -> FixtureSet {
    let mut set = FixtureSet::new();
    set.add(FixtureCapture::html(
        "http://example.com/",
        "20200101000000",
        "<html><body><a href=\"/privacy\">Privacy policy</a></body></html>",
    ));
    set.add(FixtureCapture::html(
        "http://example.com/privacy",
        "20200101000000",
        "<html><body><h1>Privacy policy</h1><p>We collect your e-mail address.</p></body></html>",
    ));
    set
}

/// Crawls example.com with `fault` on every CDX request; its (state, error).
async fn crawl_with(fault: Fault) -> (OutcomeState, Option<String>) {
    let server = FakeWayback::start(fixtures()).await.expect("server");
    server.add_fault(FaultRule::new(FaultTarget::Pool(Pool::Cdx), fault));
    let client = WaybackClient::new(archive_config(&server.base_url())).expect("client");
    let crawler = Crawler::new(
        client,
        Store::open_in_memory().expect("store"),
        CrawlSettings::default(),
    );
    let report = crawler
        .run(&["example.com".to_owned()], &Window::default())
        .await
        .expect("run");
    let outcome = report.domains.into_iter().next().expect("one domain");
    (outcome.state, outcome.error)
}

#[tokio::test]
async fn a_listing_refused_by_each_access_rule_marks_the_domain_blocked() {
    for exception in [
        "AdministrativeAccessControlException",
        "RobotAccessControlException",
        "AccessControlException",
        "AuthenticationControlException",
    ] {
        let (state, error) = crawl_with(Fault::runtime_error(exception)).await;
        let error = error.unwrap_or_default();
        assert_eq!(state, OutcomeState::Blocked, "{exception}: {error}");
        assert!(error.contains("is blocked from the archive"), "{error}");
        assert!(
            !error.chars().any(|c| c.is_control() || c == '\u{fffd}'),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn a_garbled_listing_fails_the_domain_instead_of_listing_nothing() {
    let (state, error) = crawl_with(Fault::GarbledCdx).await;
    let error = error.unwrap_or_default();
    assert_eq!(state, OutcomeState::Failed, "{error}");
    assert!(error.contains("no readable CDX row"), "{error}");
}

#[tokio::test]
async fn a_listing_the_archive_calls_not_in_archive_is_an_empty_one() {
    let (state, error) = crawl_with(Fault::runtime_error("ResourceNotInArchiveException")).await;
    assert_eq!(state, OutcomeState::Ok, "{error:?}");
    assert_eq!(error, None);
}
