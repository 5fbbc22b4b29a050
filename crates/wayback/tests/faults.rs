//! The client under every fault the local archive can inject, the 429 storm, the firewall
//! block, charsets, and the request rate it really keeps (from the server's own log).

use std::time::{Duration, Instant};

use fake_wayback::{
    FakeWayback, Fault, FaultRule, FaultTarget, FixtureCapture, FixtureSet, Pool, RetryAfter,
};
use wayback::{ArchiveConfig, CdxQuery, WaybackClient, WaybackError};

const PAGE: &str = "http://example.com/privacy";
const TS: &str = "20200101000000";

fn config(base: &str) -> ArchiveConfig {
    ArchiveConfig {
        base_url: base.to_owned(),
        cdx_requests_per_minute: 6000,
        playback_requests_per_second: 200.0,
        retry_base_delay: 0.02,
        default_retry_after: 0.5,
        rate_limit_window: 30.0,
        request_timeout: 5.0,
        read_idle_timeout: 0.5,
        connect_timeout: 2.0,
        max_retries: 3,
        ..ArchiveConfig::default()
    }
}

fn fixtures() -> FixtureSet {
    let mut set = FixtureSet::new();
    set.add(FixtureCapture::html(
        PAGE,
        TS,
        "<html><body><p>We respect your privacy.</p></body></html>",
    ));
    let mut latin = FixtureCapture::html("http://example.fr/vie-privee", TS, &b"<html><head><meta charset=\"iso-8859-1\"></head><body><p>Vie priv\xe9e et donn\xe9es personnelles.</p></body></html>"[..]);
    latin.headers = vec![("Content-Type".into(), "text/html".into())];
    set.add(latin);
    let sjis = shift_jis_page();
    let mut japanese = FixtureCapture::html("http://example.jp/privacy", TS, sjis);
    japanese.headers = vec![("Content-Type".into(), "text/html; charset=Shift_JIS".into())];
    set.add(japanese);
    let mut gb = FixtureCapture::html("http://example.cn/privacy", TS, &b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>\xd2\xfe\xcb\xbd\xd5\xfe\xb2\xdf</p></body></html>"[..]);
    gb.headers = vec![("Content-Type".into(), "text/html".into())];
    set.add(gb);
    set
}

/// "個人情報保護方針" in Shift_JIS, inside a page.
fn shift_jis_page() -> Vec<u8> {
    let mut page = b"<html><body><p>".to_vec();
    page.extend_from_slice(b"\x8c\xc2\x90\x6c\x8f\xee\x95\xf1\x95\xdb\x8c\xec\x95\xfb\x90\x6a");
    page.extend_from_slice(b"</p></body></html>");
    page
}

async fn start() -> (FakeWayback, WaybackClient) {
    let server = FakeWayback::start(fixtures()).await.expect("server");
    let client = WaybackClient::new(config(&server.base_url())).expect("client");
    (server, client)
}

#[tokio::test]
async fn transient_faults_are_retried_and_recover() {
    for fault in [
        Fault::ServiceUnavailable,
        Fault::ResetConnection,
        Fault::TruncatedBody,
        Fault::SlowBody {
            chunk: 4,
            delay: Duration::from_millis(900),
        },
    ] {
        let (server, client) = start().await;
        server.add_fault(
            FaultRule::new(FaultTarget::PathContains("privacy".into()), fault.clone()).times(2),
        );
        let memento = client
            .fetch(PAGE, TS, None)
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert!(
            memento.body.ends_with(b"</html>"),
            "{fault:?}: full body after retries"
        );
        assert_eq!(
            server.requests().len(),
            3,
            "{fault:?}: two faults then success"
        );
        assert_eq!(client.stats().retries, 2, "{fault:?}");
    }
}

#[tokio::test]
async fn retries_are_bounded_and_the_failure_is_reported() {
    let (server, client) = start().await;
    server.add_fault(FaultRule::new(FaultTarget::Any, Fault::ServiceUnavailable));
    let start = Instant::now();
    let error = client.fetch(PAGE, TS, None).await.expect_err("always 503");
    assert!(
        matches!(error, WaybackError::Network { attempts: 4, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("HTTP 503"), "{error}");
    assert_eq!(server.requests().len(), 4);
    // Backoff 20, 40, 80 ms: exponential, not immediate.
    assert!(start.elapsed() >= Duration::from_millis(140));
}

#[tokio::test]
async fn slow_headers_time_out_and_huge_bodies_are_refused() {
    let server = FakeWayback::start(fixtures()).await.expect("server");
    let client = WaybackClient::new(ArchiveConfig {
        request_timeout: 0.3,
        max_retries: 1,
        ..config(&server.base_url())
    })
    .expect("client");
    server.add_fault(
        FaultRule::new(FaultTarget::Any, Fault::SlowHeaders(Duration::from_secs(2))).times(2),
    );
    let error = client.fetch(PAGE, TS, None).await.expect_err("too slow");
    assert!(
        matches!(error, WaybackError::Network { attempts: 2, .. }),
        "{error}"
    );
    server.clear_faults();

    let client = WaybackClient::new(ArchiveConfig {
        max_body_bytes: 100_000,
        ..config(&server.base_url())
    })
    .expect("client");
    server.add_fault(FaultRule::new(FaultTarget::Any, Fault::HugeBody(3_000_000)));
    let error = client.fetch(PAGE, TS, None).await.expect_err("too large");
    assert!(
        matches!(error, WaybackError::TooLarge { limit: 100_000, .. }),
        "{error}"
    );
}

#[tokio::test]
async fn redirect_loops_and_off_archive_redirects_are_refused() {
    let (server, client) = start().await;
    server.add_fault(FaultRule::new(
        FaultTarget::Pool(Pool::Playback),
        Fault::RedirectLoop,
    ));
    let error = client.fetch(PAGE, TS, None).await.expect_err("loop");
    assert!(
        matches!(error, WaybackError::RedirectLoop { .. }),
        "{error}"
    );
    assert!(server.requests().len() <= 3);
    server.clear_faults();
    server.add_fault(FaultRule::new(
        FaultTarget::Pool(Pool::Playback),
        Fault::RedirectOffArchive("https://elsewhere.example/x".into()),
    ));
    let error = client.fetch(PAGE, TS, None).await.expect_err("off archive");
    assert!(
        matches!(error, WaybackError::RedirectOutsideArchive { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn charsets_are_decoded_from_header_meta_and_detection() {
    let (server, client) = start().await;
    let french = client
        .fetch("http://example.fr/vie-privee", TS, None)
        .await
        .expect("fr")
        .text();
    assert!(
        french.text.contains("Vie privée et données"),
        "{}",
        french.text
    );
    let japanese = client
        .fetch("http://example.jp/privacy", TS, None)
        .await
        .expect("jp")
        .text();
    assert!(
        japanese.text.contains("個人情報保護方針"),
        "{}",
        japanese.text
    );
    let chinese = client
        .fetch("http://example.cn/privacy", TS, None)
        .await
        .expect("cn")
        .text();
    assert!(chinese.text.contains("隐私政策"), "{}", chinese.text);
    // A wrong header charset is what a browser would obey too: the header wins over the meta.
    server
        .add_fault(FaultRule::new(FaultTarget::Any, Fault::WrongCharset("utf-8".into())).times(1));
    let wrong = client
        .fetch("http://example.fr/vie-privee", TS, None)
        .await
        .expect("fr")
        .text();
    assert!(
        wrong.had_errors && wrong.text.contains('\u{FFFD}'),
        "{}",
        wrong.text
    );
    // The duplicated Content-Encoding bug: one gzip layer announced twice.
    server.add_fault(FaultRule::new(FaultTarget::Any, Fault::DoubleGzip).times(1));
    let memento = client.fetch(PAGE, TS, None).await.expect("double gzip");
    assert!(memento.body.starts_with(b"<html>"));
    assert!(memento.encoding_note.is_some());
}

#[tokio::test]
async fn a_429_pauses_every_pool_until_retry_after_then_a_second_one_halts() {
    for retry_after in [
        Some(RetryAfter::Seconds(1)),
        Some(RetryAfter::HttpDate(Duration::from_secs(2))),
        None,
    ] {
        let (server, client) = start().await;
        server.add_fault(
            FaultRule::new(
                FaultTarget::Pool(Pool::Playback),
                Fault::TooManyRequests { retry_after },
            )
            .times(1),
        );
        let memento = client
            .fetch(PAGE, TS, None)
            .await
            .expect("recovers after the pause");
        assert!(memento.body.starts_with(b"<html>"));
        let mut listing = client.captures(CdxQuery::new(PAGE));
        assert!(listing.next().await.is_some_and(|c| c.is_ok()));
        let log = server.requests();
        let limited_at = log[0].at;
        let pause = match retry_after {
            Some(RetryAfter::Seconds(s)) => Duration::from_secs(s),
            // An HTTP date has one-second resolution.
            Some(RetryAfter::HttpDate(d)) => d - Duration::from_secs(1),
            None => Duration::from_millis(500),
        };
        for later in &log[1..] {
            assert!(
                later.at.duration_since(limited_at) >= pause,
                "{retry_after:?}: a request came {:?} after the 429",
                later.at.duration_since(limited_at)
            );
        }
        assert_eq!(client.stats().rate_limited, 1);

        server.add_fault(
            FaultRule::new(
                FaultTarget::Any,
                Fault::TooManyRequests { retry_after: None },
            )
            .times(1),
        );
        let error = client
            .fetch(PAGE, TS, None)
            .await
            .expect_err("second 429 halts");
        assert!(matches!(error, WaybackError::RateLimited { .. }), "{error}");
        assert!(error.to_string().contains("retry after"), "{error}");
        let sent = server.requests().len();
        let again = client.fetch(PAGE, TS, None).await.expect_err("halted");
        assert!(again.is_halt());
        assert_eq!(
            server.requests().len(),
            sent,
            "no request is sent once halted"
        );
        assert!(client.halted().is_some());
    }
}

#[tokio::test]
async fn refused_connections_stop_the_client_cleanly() {
    let server = FakeWayback::start(fixtures()).await.expect("server");
    let base = server.base_url();
    server.shutdown().await;
    let client = WaybackClient::new(ArchiveConfig {
        refused_connection_limit: 3,
        ..config(&base)
    })
    .expect("client");
    let error = client.fetch(PAGE, TS, None).await.expect_err("refused");
    assert!(
        matches!(error, WaybackError::ArchiveRefusing { streak: 3, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("retry after"), "{error}");
    let error = collect_error(&client).await;
    assert!(error.is_halt(), "{error}");
}

async fn collect_error(client: &WaybackClient) -> WaybackError {
    let mut listing = client.captures(CdxQuery::new(PAGE));
    match listing.next().await {
        Some(Err(error)) => error,
        other => panic!("expected an error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_configured_rate_is_kept_and_mostly_used() {
    // 20 playback requests per second, 4 in flight, 50 requests of work: the server's log must
    // show no one-second window with more than 20 (+1 for window edges), and the whole run must
    // use at least 90 % of the allowed rate.
    let server = FakeWayback::start(fixtures()).await.expect("server");
    let client = WaybackClient::new(ArchiveConfig {
        playback_requests_per_second: 20.0,
        playback_concurrency: 4,
        ..config(&server.base_url())
    })
    .expect("client");
    let client = &client;
    let work = (0..50).map(|_| async move { client.fetch(PAGE, TS, None).await.map(|_| ()) });
    let started = Instant::now();
    for result in futures_join_all(work).await {
        result.expect("fetch");
    }
    let elapsed = started.elapsed();
    let arrivals: Vec<Instant> = server.requests().iter().map(|r| r.at).collect();
    assert_eq!(arrivals.len(), 50);
    for (i, first) in arrivals.iter().enumerate() {
        let in_window = arrivals[i..]
            .iter()
            .take_while(|t| t.duration_since(*first) < Duration::from_secs(1))
            .count();
        assert!(in_window <= 21, "{in_window} requests within one second");
    }
    let span = arrivals[49].duration_since(arrivals[0]).as_secs_f64();
    let achieved = 49.0 / span;
    assert!(achieved >= 0.9 * 20.0, "kept {achieved:.1}/s of 20/s");
    assert!(achieved <= 20.0 * 1.05, "kept {achieved:.1}/s, above 20/s");
    assert!(elapsed >= Duration::from_millis(2300));
}

/// Runs futures concurrently on the current task and returns their outputs in order.
async fn futures_join_all<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let futures: Vec<F> = futures.into_iter().collect();
    let mut outputs = Vec::with_capacity(futures.len());
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut done: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, future) in done.iter_mut().zip(pinned.iter_mut()) {
            if slot.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(output) => *slot = Some(output),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.extend(done.into_iter().flatten());
    outputs
}
