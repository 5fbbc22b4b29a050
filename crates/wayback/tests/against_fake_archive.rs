//! The client against the local archive (`fake-wayback` on 127.0.0.1): listings, playback,
//! charsets, every injected fault, the 429 storm and the rate actually kept.

use fake_wayback::{FakeWayback, Fault, FaultRule, FaultTarget, FixtureCapture, FixtureSet, Pool};
use wayback::{
    ArchiveConfig, CdxFormat, CdxQuery, DigestCheck, MatchType, RedirectKind, WaybackClient,
    WaybackError,
};

/// Settings for loopback tests: fast rates and short pauses, still through every mechanism.
fn config(base: &str) -> ArchiveConfig {
    ArchiveConfig {
        base_url: base.to_owned(),
        cdx_requests_per_minute: 6000,
        playback_requests_per_second: 200.0,
        playback_concurrency: 4,
        retry_base_delay: 0.02,
        default_retry_after: 0.4,
        rate_limit_window: 30.0,
        request_timeout: 5.0,
        read_idle_timeout: 1.0,
        connect_timeout: 2.0,
        contact: "tests@example.org".into(),
        ..ArchiveConfig::default()
    }
}

fn history() -> FixtureSet {
    let mut set = FixtureSet::new();
    let bodies = [
        "<p>v1</p>",
        "<p>v1</p>",
        "<p>v2</p>",
        "<p>v2</p>",
        "<p>v1</p>",
        "<p>v3</p>",
    ];
    for (i, body) in bodies.iter().enumerate() {
        set.add(FixtureCapture::html(
            "http://www.example.com/privacy",
            &format!("20{:02}0101000000", 10 + i),
            *body,
        ));
    }
    set.add(FixtureCapture::html(
        "https://example.com/terms",
        "20150601000000",
        "<p>terms</p>",
    ));
    set.add(FixtureCapture::html(
        "http://shop.example.com/",
        "20150601000000",
        "<p>shop</p>",
    ));
    set.add(FixtureCapture::html(
        "http://other.org/",
        "20150601000000",
        "<p>other</p>",
    ));
    let mut gone = FixtureCapture::html(
        "http://www.example.com/privacy",
        "20160601000000",
        "<h1>Not found</h1>",
    );
    gone.status = 404;
    set.add(gone);
    set.add(FixtureCapture::redirect(
        "http://example.com/old-privacy",
        "20170101000000",
        301,
        "/privacy",
    ));
    let mut off = FixtureCapture::redirect(
        "http://example.com/away",
        "20170101000000",
        302,
        "http://evil.example/",
    );
    off.raw_location = true;
    set.add(off);
    set.block_site("blocked.com");
    set.add(FixtureCapture::html(
        "http://blocked.com/",
        "20150101000000",
        "<p>hidden</p>",
    ));
    set
}

async fn collect(
    client: &WaybackClient,
    query: CdxQuery,
) -> Result<Vec<wayback::Capture>, WaybackError> {
    let mut stream = client.captures(query);
    let mut out = Vec::new();
    while let Some(capture) = stream.next().await {
        out.push(capture?);
    }
    Ok(out)
}

#[tokio::test]
async fn listing_pages_by_resume_key_to_the_end_in_both_formats() {
    let server = FakeWayback::start(history()).await.expect("server");
    for format in [CdxFormat::Json, CdxFormat::Text] {
        server.clear_requests();
        let client = WaybackClient::new(ArchiveConfig {
            cdx_page_size: 2,
            cdx_format: format,
            ..config(&server.base_url())
        })
        .expect("client");
        let captures = collect(&client, CdxQuery::new("example.com/privacy"))
            .await
            .expect("listing");
        let stamps: Vec<&str> = captures.iter().map(|c| c.timestamp.as_str()).collect();
        assert_eq!(
            stamps,
            [
                "20100101000000",
                "20110101000000",
                "20120101000000",
                "20130101000000",
                "20140101000000",
                "20150101000000",
                "20160601000000"
            ],
            "{format:?}"
        );
        assert_eq!(captures[6].status, Some(404));
        assert_eq!(captures[0].urlkey, "com,example)/privacy");
        assert_eq!(captures[0].digest, wayback::sha1_base32(b"<p>v1</p>"));
        let requests = server.requests();
        assert_eq!(requests.len(), 4, "7 rows in pages of 2: {requests:#?}");
        assert!(requests[1].path_and_query.contains("resumeKey="));
        assert!(requests.iter().all(|r| {
            r.user_agent
                .as_deref()
                .is_some_and(|ua| ua.contains("crawler/") && ua.contains("tests@example.org"))
        }));
    }
}

#[tokio::test]
async fn every_query_parameter_reaches_the_archive_and_shapes_the_answer() {
    let server = FakeWayback::start(history()).await.expect("server");
    let client = WaybackClient::new(config(&server.base_url())).expect("client");
    let collapsed = collect(
        &client,
        CdxQuery::new("http://example.com/privacy").collapse("digest"),
    )
    .await
    .expect("collapse");
    assert_eq!(
        collapsed.len(),
        5,
        "A,A,B,B,A,C,404 collapses adjacent duplicates to A,B,A,C,404"
    );
    let ranged = collect(
        &client,
        CdxQuery::new("example.com/privacy").from("2011").to("2013"),
    )
    .await
    .expect("range");
    assert_eq!(ranged.len(), 3, "to=2013 is widened to the end of 2013");
    let ok_only = collect(
        &client,
        CdxQuery::new("example.com/privacy")
            .filter("statuscode:200")
            .filter("!digest:".to_owned() + &wayback::sha1_base32(b"<p>v2</p>")),
    )
    .await
    .expect("filters");
    assert_eq!(ok_only.len(), 4);
    let yearly = collect(
        &client,
        CdxQuery::new("example.com/privacy").collapse("timestamp:4"),
    )
    .await
    .expect("timestamp:4");
    assert_eq!(yearly.len(), 7, "one capture per year, 2010 to 2016");
    let prefix = collect(
        &client,
        CdxQuery::new("example.com/")
            .match_type(MatchType::Prefix)
            .collapse("urlkey"),
    )
    .await
    .expect("prefix");
    let keys: Vec<&str> = prefix.iter().map(|c| c.urlkey.as_str()).collect();
    assert_eq!(
        keys,
        [
            "com,example)/away",
            "com,example)/old-privacy",
            "com,example)/privacy",
            "com,example)/terms"
        ]
    );
    let host = collect(
        &client,
        CdxQuery::new("example.com")
            .match_type(MatchType::Host)
            .collapse("urlkey"),
    )
    .await
    .expect("host");
    assert_eq!(host.len(), 4);
    let domain = collect(
        &client,
        CdxQuery::new("example.com")
            .match_type(MatchType::Domain)
            .collapse("urlkey"),
    )
    .await
    .expect("domain");
    assert_eq!(domain.len(), 5, "shop.example.com is in the domain");
    let limited = collect(&client, CdxQuery::new("example.com/privacy").limit(3))
        .await
        .expect("limit");
    assert_eq!(limited.len(), 3);
    let none = collect(&client, CdxQuery::new("never-archived.net/"))
        .await
        .expect("empty");
    assert!(none.is_empty());
    let log = server.requests();
    let collapse_request = &log[0].path_and_query;
    for expected in [
        "url=http%3A%2F%2Fexample.com%2Fprivacy",
        "matchType=exact",
        "collapse=digest",
        "fl=urlkey%2Ctimestamp%2Coriginal%2Cmimetype%2Cstatuscode%2Cdigest%2Clength",
        "showResumeKey=true",
        "output=json",
        "limit=",
    ] {
        assert!(
            collapse_request.contains(expected),
            "{expected} missing from {collapse_request}"
        );
    }
}

#[tokio::test]
async fn a_blocked_site_and_an_html_page_instead_of_cdx_are_clear_errors() {
    let server = FakeWayback::start(history()).await.expect("server");
    let client = WaybackClient::new(config(&server.base_url())).expect("client");
    let error = collect(&client, CdxQuery::new("blocked.com/"))
        .await
        .expect_err("blocked");
    assert!(
        matches!(error, WaybackError::BlockedBySite { .. }),
        "{error}"
    );
    // A maintenance page is asked again; one that stays is the error.
    server
        .add_fault(FaultRule::new(FaultTarget::Pool(Pool::Cdx), Fault::HtmlInsteadOfCdx).times(1));
    let listed = collect(&client, CdxQuery::new("example.com/privacy"))
        .await
        .expect("the second answer is data");
    assert!(!listed.is_empty());
    server.add_fault(FaultRule::new(
        FaultTarget::Pool(Pool::Cdx),
        Fault::HtmlInsteadOfCdx,
    ));
    let error = collect(&client, CdxQuery::new("example.com/privacy"))
        .await
        .expect_err("html");
    assert!(error.to_string().contains("got an HTML page"), "{error}");
}

#[tokio::test]
async fn playback_classifies_mementos_redirects_and_the_archives_own_pages() {
    let server = FakeWayback::start(history()).await.expect("server");
    let client = WaybackClient::new(config(&server.base_url())).expect("client");

    let exact = client
        .fetch(
            "http://www.example.com/privacy",
            "20120101000000",
            Some(&wayback::sha1_base32(b"<p>v2</p>")),
        )
        .await
        .expect("exact");
    assert_eq!(&exact.body[..], b"<p>v2</p>");
    assert!(exact.is_exact() && exact.redirects.is_empty());
    assert_eq!(exact.digest_check, DigestCheck::Match);
    assert_eq!(exact.captured_url(), Some("http://www.example.com/privacy"));
    assert!(exact.links.iter().any(|l| l.rel == "prev memento"));
    assert_eq!(
        exact.archive_source.as_deref(),
        Some("fake-wayback/fixtures.warc.gz")
    );
    assert!(
        exact
            .archived_headers
            .iter()
            .any(|(n, v)| n == "content-type" && v == "text/html")
    );
    let requests = server.requests();
    assert_eq!(requests[0].accept_encoding.as_deref(), Some("identity"));

    let mismatch = client
        .fetch(
            "http://www.example.com/privacy",
            "20120101000000",
            Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        )
        .await
        .expect("mismatch");
    assert!(matches!(
        mismatch.digest_check,
        DigestCheck::Mismatch { .. }
    ));

    let nearest = client
        .fetch("http://www.example.com/privacy", "2012", None)
        .await
        .expect("nearest");
    assert_eq!(nearest.requested_timestamp, "20120101000000");
    let near = client
        .fetch("http://www.example.com/privacy", "20120601", None)
        .await
        .expect("near");
    assert_eq!(near.timestamp, "20120101000000");
    assert!(!near.is_exact());
    assert_eq!(near.redirects.len(), 1);
    assert_eq!(near.redirects[0].kind, RedirectKind::NearestCapture);

    let archived_404 = client
        .fetch("http://www.example.com/privacy", "20160601000000", None)
        .await
        .expect("archived 404 is data");
    assert_eq!(archived_404.status, 404);

    let moved = client
        .fetch("http://example.com/old-privacy", "20170101000000", None)
        .await
        .expect("archived redirect followed");
    assert_eq!(moved.redirects[0].kind, RedirectKind::Archived);
    assert_eq!(moved.redirects[0].status, 301);
    assert!(moved.final_url.contains("/privacy"), "{}", moved.final_url);
    assert_eq!(
        (moved.status, &moved.body[..]),
        (404, &b"<h1>Not found</h1>"[..]),
        "the target's nearest capture is the 2016 archived 404"
    );
    assert_eq!(
        moved.redirects.len(),
        2,
        "archived 301, then nearest-capture 302"
    );

    let away = client
        .fetch("http://example.com/away", "20170101000000", None)
        .await
        .expect_err("off archive");
    assert!(
        matches!(away, WaybackError::RedirectOutsideArchive { ref location, .. } if location == "http://evil.example/"),
        "{away}"
    );
    assert!(
        !server
            .requests()
            .iter()
            .any(|r| r.path_and_query.contains("evil"))
    );

    let missing = client
        .fetch("http://never.example/", "20200101000000", None)
        .await
        .expect_err("not archived");
    assert!(
        matches!(missing, WaybackError::NotArchived { .. }),
        "{missing}"
    );
    let blocked = client
        .fetch("http://blocked.com/", "20150101000000", None)
        .await
        .expect_err("blocked");
    assert!(
        matches!(blocked, WaybackError::BlockedBySite { .. }),
        "{blocked}"
    );
    let bad = client
        .fetch("http://example.com/", "15", None)
        .await
        .expect_err("bad timestamp");
    assert!(matches!(bad, WaybackError::InvalidInput(_)), "{bad}");
}
