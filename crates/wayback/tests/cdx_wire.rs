//! The archive's error answers as it really sends them (gzip-encoded pages, the runtime-error
//! header), big listings it cuts short or times out on, and garbled CDX bodies.

use fake_wayback::{FakeWayback, Fault, FaultRule, FaultTarget, FixtureCapture, FixtureSet, Pool};
use wayback::{ArchiveConfig, BlockReason, Capture, CdxQuery, WaybackClient, WaybackError};

const PAGE: &str = "http://example.com/privacy";
const ROWS: usize = 230;

fn config(base: &str) -> ArchiveConfig {
    ArchiveConfig {
        base_url: base.to_owned(),
        cdx_requests_per_minute: 6000,
        playback_requests_per_second: 200.0,
        retry_base_delay: 0.01,
        request_timeout: 5.0,
        read_idle_timeout: 1.0,
        connect_timeout: 2.0,
        max_retries: 2,
        cdx_page_size: 200,
        ..ArchiveConfig::default()
    }
}

/// `ROWS` captures of one page, a day apart from 2001 on, each with its own body.
fn many_captures() -> FixtureSet {
    let mut set = FixtureSet::new();
    for day in 0..ROWS {
        let timestamp = format!(
            "{}{:02}{:02}120000",
            2001 + day / 300,
            1 + (day % 300) / 28,
            1 + day % 28
        );
        set.add(FixtureCapture::html(
            PAGE,
            &timestamp,
            format!("<p>version {day}</p>"),
        ));
    }
    set
}

async fn start() -> (FakeWayback, WaybackClient) {
    let server = FakeWayback::start(many_captures()).await.expect("server");
    let client = WaybackClient::new(config(&server.base_url())).expect("client");
    (server, client)
}

async fn collect(client: &WaybackClient, query: CdxQuery) -> Result<Vec<Capture>, WaybackError> {
    let mut stream = client.captures(query);
    let mut rows = Vec::new();
    while let Some(row) = stream.next().await {
        rows.push(row?);
    }
    Ok(rows)
}

fn is_readable(message: &str) -> bool {
    !message.chars().any(|c| c.is_control() || c == '\u{fffd}')
}

#[tokio::test]
async fn a_listing_refused_with_a_gzipped_page_and_the_runtime_header_is_classified() {
    let (server, client) = start().await;
    for (exception, reason) in [
        (
            "AdministrativeAccessControlException",
            BlockReason::ExcludedBySite,
        ),
        ("RobotAccessControlException", BlockReason::Robots),
        ("AccessControlException", BlockReason::AccessRestricted),
        (
            "AuthenticationControlException",
            BlockReason::AccessRestricted,
        ),
    ] {
        server.clear_faults();
        server.add_fault(FaultRule::new(
            FaultTarget::Pool(Pool::Cdx),
            Fault::runtime_error(exception),
        ));
        let error = collect(&client, CdxQuery::new(PAGE))
            .await
            .expect_err("refused");
        let message = error.to_string();
        assert!(
            matches!(&error, WaybackError::BlockedBySite { reason: r, .. } if *r == reason),
            "{exception}: {message}"
        );
        assert!(message.contains("blocked"), "{message}");
        assert!(is_readable(&message), "{message:?}");
    }
    for exception in [
        "ResourceNotInArchiveException",
        "LiveDocumentNotAvailableException",
    ] {
        server.clear_faults();
        server.add_fault(FaultRule::new(
            FaultTarget::Pool(Pool::Cdx),
            Fault::runtime_error(exception),
        ));
        let error = collect(&client, CdxQuery::new(PAGE))
            .await
            .expect_err("not archived");
        assert!(
            matches!(error, WaybackError::NotArchived { .. }),
            "{exception}: {error}"
        );
        assert!(is_readable(&error.to_string()), "{error}");
    }
    // An unknown failure page, gzip-encoded: its text, never its compressed bytes.
    server.clear_faults();
    server.add_fault(FaultRule::new(
        FaultTarget::Pool(Pool::Cdx),
        Fault::RuntimeError {
            status: 403,
            exception: "SomethingNewException".into(),
        },
    ));
    let error = collect(&client, CdxQuery::new(PAGE))
        .await
        .expect_err("refused");
    let message = error.to_string();
    assert!(message.contains("HTTP 403"), "{message}");
    assert!(message.contains("SomethingNewException"), "{message}");
    assert!(is_readable(&message), "{message:?}");
}

#[tokio::test]
async fn playback_refused_with_a_gzipped_page_and_the_runtime_header_is_classified() {
    let (server, client) = start().await;
    for (exception, reason) in [
        (
            "AdministrativeAccessControlException",
            BlockReason::ExcludedBySite,
        ),
        ("RobotAccessControlException", BlockReason::Robots),
    ] {
        server.clear_faults();
        server.add_fault(FaultRule::new(
            FaultTarget::Pool(Pool::Playback),
            Fault::runtime_error(exception),
        ));
        let error = client
            .fetch(PAGE, "20010101120000", None)
            .await
            .expect_err("refused");
        assert!(
            matches!(&error, WaybackError::BlockedBySite { reason: r, .. } if *r == reason),
            "{exception}: {error}"
        );
        assert!(is_readable(&error.to_string()), "{error}");
    }
}

#[tokio::test]
async fn a_fixture_blocked_host_answers_gzip_to_cdx_and_is_blocked() {
    let mut set = many_captures();
    set.block_site("blocked.example");
    let server = FakeWayback::start(set).await.expect("server");
    let client = WaybackClient::new(config(&server.base_url())).expect("client");
    let error = collect(&client, CdxQuery::new("blocked.example/"))
        .await
        .expect_err("blocked");
    assert!(
        matches!(
            error,
            WaybackError::BlockedBySite {
                reason: BlockReason::ExcludedBySite,
                ..
            }
        ),
        "{error}"
    );
    let request = server.requests().pop().expect("one request");
    assert_eq!(request.status, 403);
    assert_eq!(request.accept_encoding.as_deref(), Some("gzip"));
}

async fn listing_survives(fault: Fault) {
    let (server, client) = start().await;
    let whole = collect(&client, CdxQuery::new(PAGE)).await.expect("whole");
    assert_eq!(whole.len(), ROWS);
    server.clear_requests();
    // Pages above 100 rows fail; 100 gets through.
    server.add_fault(FaultRule::new(
        FaultTarget::CdxLimitAbove(100),
        fault.clone(),
    ));
    let listed = collect(&client, CdxQuery::new(PAGE))
        .await
        .unwrap_or_else(|error| panic!("{fault:?}: {error}"));
    assert_eq!(listed, whole, "{fault:?}: every row once, in order");
    let limits: Vec<String> = server
        .requests()
        .iter()
        .filter_map(|r| {
            r.path_and_query
                .split('&')
                .find_map(|p| p.strip_prefix("limit=").map(str::to_owned))
        })
        .collect();
    assert_eq!(limits, ["200", "100", "100", "100"], "{fault:?}");
    assert_eq!(client.stats().cdx_pages_shrunk, 1, "{fault:?}");
}

#[tokio::test]
async fn a_page_cut_mid_array_is_asked_again_smaller_and_every_row_comes_once() {
    listing_survives(Fault::CdxCutShort).await;
}

#[tokio::test]
async fn a_page_answered_504_is_asked_again_smaller_and_every_row_comes_once() {
    listing_survives(Fault::GatewayTimeout).await;
}

#[tokio::test]
async fn a_listing_cut_short_even_at_the_smallest_page_fails_without_repeating_rows() {
    let (server, client) = start().await;
    server.add_fault(FaultRule::new(
        FaultTarget::CdxLimitAbove(0),
        Fault::CdxCutShort,
    ));
    let mut stream = client.captures(CdxQuery::new(PAGE));
    let mut rows = 0;
    let error = loop {
        match stream.next().await {
            Some(Ok(_)) => rows += 1,
            Some(Err(error)) => break error,
            None => panic!("a listing that never arrives whole must fail"),
        }
    };
    assert_eq!(
        rows, 0,
        "rows of a page that never came whole are not emitted"
    );
    let message = error.to_string();
    assert!(message.contains("cut short even at 50 rows"), "{message}");
    let limits: Vec<bool> = server
        .requests()
        .iter()
        .map(|r| r.path_and_query.contains("limit=50&") || r.path_and_query.ends_with("limit=50"))
        .collect();
    // 200 → 100 → 50, then two retries at 50.
    assert_eq!(limits, [false, false, true, true, true], "{message}");
}

#[tokio::test]
async fn a_garbled_answer_is_retried_then_fails_the_listing_instead_of_listing_nothing() {
    let (server, client) = start().await;
    server.add_fault(FaultRule::new(FaultTarget::Pool(Pool::Cdx), Fault::GarbledCdx).times(1));
    let listed = collect(&client, CdxQuery::new(PAGE))
        .await
        .expect("retried");
    assert_eq!(listed.len(), ROWS);

    server.add_fault(FaultRule::new(
        FaultTarget::Pool(Pool::Cdx),
        Fault::GarbledCdx,
    ));
    let error = collect(&client, CdxQuery::new(PAGE))
        .await
        .expect_err("garbled");
    let message = error.to_string();
    assert!(
        matches!(error, WaybackError::BadResponse { .. }),
        "{message}"
    );
    assert!(message.contains("no readable CDX row"), "{message}");
    assert!(is_readable(&message), "{message:?}");

    // A genuinely empty listing is still empty, and fine.
    server.clear_faults();
    let empty = collect(&client, CdxQuery::new("http://example.com/nothing-here"))
        .await
        .expect("empty listing");
    assert!(empty.is_empty());
}
