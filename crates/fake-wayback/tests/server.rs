//! The fake archive's wire format, checked byte for byte with a raw HTTP client.

use std::path::Path;
use std::time::Duration;

use fake_wayback::{FakeWayback, Fault, FaultRule, FaultTarget, FixtureCapture, FixtureSet, Pool};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends one GET and returns (status line, headers, what arrived of the body), or None when no
/// response head arrived (a reset).
async fn get(
    server: &FakeWayback,
    target: &str,
) -> Option<(String, Vec<(String, String)>, Vec<u8>)> {
    let mut stream = TcpStream::connect(server.addr()).await.ok()?;
    let request = format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut raw = Vec::new();
    let mut chunk = [0u8; 8192];
    while let Ok(n @ 1..) = stream.read(&mut chunk).await {
        raw.extend_from_slice(&chunk[..n]);
    }
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.to_owned();
    let headers = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        })
        .collect();
    Some((status, headers, raw[end + 4..].to_vec()))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn set() -> FixtureSet {
    let mut set = FixtureSet::new();
    set.add(FixtureCapture::html(
        "http://www.example.com/p",
        "20200101120000",
        "A",
    ));
    set.add(FixtureCapture::html(
        "https://example.com/p",
        "20210101120000",
        "A",
    ));
    set.add(FixtureCapture::html(
        "http://example.com/p",
        "20220101120000",
        "B",
    ));
    set.add(FixtureCapture::redirect(
        "http://example.com/p",
        "20230101120000",
        301,
        "/policy",
    ));
    set
}

#[tokio::test]
async fn cdx_json_matches_the_archives_layout_with_a_resume_key() {
    let server = FakeWayback::start(set()).await.expect("server");
    let (status, headers, body) = get(&server, "/cdx/search/cdx?url=example.com/p&output=json&limit=2&showResumeKey=true&fl=timestamp,digest").await.expect("answer");
    assert!(status.contains("200"), "{status}");
    assert_eq!(header(&headers, "content-type"), Some("application/json"));
    let digest_a = FixtureCapture::html("x", "20200101000000", "A").digest();
    let expected = format!(
        "[[\"timestamp\",\"digest\"],\n[\"20200101120000\",\"{digest_a}\"],\n[\"20210101120000\",\"{digest_a}\"],\n[],\n[\"com%2Cexample%29%2Fp+20220101120000%212\"]]\n"
    );
    assert_eq!(String::from_utf8_lossy(&body), expected);

    let (_, _, body) = get(&server, "/cdx/search/cdx?url=example.com/p&limit=2&showResumeKey=true&resumeKey=com%2Cexample%29%2Fp+20220101120000%212").await.expect("page 2");
    let text = String::from_utf8_lossy(&body);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("com,example)/p 20220101120000 http://example.com/p text/html 200 "),
        "{text}"
    );
    assert!(lines[1].contains(" 301 "), "{text}");

    let (_, _, body) = get(&server, "/cdx/search/cdx?url=nothing.example/&output=json")
        .await
        .expect("empty");
    assert_eq!(body, b"[]\n");
    let (_, _, body) = get(
        &server,
        "/cdx/search/cdx?url=example.com/p&collapse=digest&limit=-2&fl=timestamp",
    )
    .await
    .expect("last two");
    assert_eq!(
        String::from_utf8_lossy(&body),
        "20220101120000\n20230101120000\n"
    );
    let (status, _, _) = get(&server, "/cdx/search/cdx?url=example.com/p&fl=nosuch")
        .await
        .expect("bad fl");
    assert!(status.contains("400"), "{status}");
}

#[tokio::test]
async fn playback_serves_mementos_nearest_capture_redirects_and_archived_redirects() {
    let server = FakeWayback::start(set()).await.expect("server");
    let (status, headers, body) = get(&server, "/web/20220101120000id_/http%3A//example.com/p")
        .await
        .expect("memento");
    assert!(status.contains("200"));
    assert_eq!(body, b"B");
    assert_eq!(
        header(&headers, "memento-datetime"),
        Some("Sat, 01 Jan 2022 12:00:00 GMT")
    );
    let link = header(&headers, "link").expect("link header");
    assert!(
        link.contains("rel=\"prev memento\"")
            && link.contains("rel=\"next memento\"")
            && link.contains("<http://example.com/p>; rel=\"original\""),
        "{link}"
    );
    assert_eq!(
        header(&headers, "x-archive-orig-content-type"),
        Some("text/html")
    );

    let (status, headers, _) = get(&server, "/web/20220601id_/http://example.com/p")
        .await
        .expect("nearest");
    assert!(status.contains("302"));
    assert!(header(&headers, "memento-datetime").is_none());
    assert_eq!(
        header(&headers, "x-archive-redirect-reason"),
        Some("found capture at 20220101120000")
    );

    let (status, headers, _) = get(&server, "/web/20230101120000id_/http://example.com/p")
        .await
        .expect("archived 301");
    assert!(status.contains("301"));
    assert!(header(&headers, "memento-datetime").is_some());
    assert_eq!(
        header(&headers, "location"),
        Some(
            format!(
                "{}/web/20230101120000id_/http://example.com/policy",
                server.base_url()
            )
            .as_str()
        )
    );

    let (status, headers, body) = get(&server, "/web/20200101000000id_/http://never.example/")
        .await
        .expect("404");
    assert!(status.contains("404") && header(&headers, "memento-datetime").is_none());
    assert!(String::from_utf8_lossy(&body).contains("has not archived that URL"));
}

#[tokio::test]
async fn faults_apply_as_configured_and_every_request_is_logged() {
    let server = FakeWayback::start(set()).await.expect("server");
    server.add_fault(
        FaultRule::new(
            FaultTarget::Pool(Pool::Cdx),
            Fault::TooManyRequests { retry_after: None },
        )
        .every(2)
        .times(2),
    );
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let (status, _, _) = get(&server, "/cdx/search/cdx?url=example.com/p")
            .await
            .expect("answer");
        statuses.push(status.split(' ').nth(1).unwrap_or("").to_owned());
    }
    assert_eq!(statuses, ["429", "200", "429", "200", "200"]);
    server.add_fault(
        FaultRule::new(
            FaultTarget::PathContains("id_".into()),
            Fault::ResetConnection,
        )
        .times(1),
    );
    assert!(
        get(&server, "/web/20220101120000id_/http://example.com/p")
            .await
            .is_none(),
        "reset: no response"
    );
    server.add_fault(FaultRule::new(FaultTarget::Any, Fault::TruncatedBody).times(1));
    let (_, headers, body) = get(&server, "/web/20220101120000id_/http://example.com/p")
        .await
        .expect("truncated");
    assert_eq!(header(&headers, "content-length"), Some("1"));
    assert!(body.is_empty());
    let log = server.requests();
    assert_eq!(log.len(), 7);
    assert_eq!(log[0].status, 429);
    assert!(
        log[5]
            .fault
            .as_deref()
            .is_some_and(|f| f.contains("ResetConnection"))
    );
    assert!(log.windows(2).all(|w| w[0].at <= w[1].at));
}

#[tokio::test]
async fn the_demo_fixture_set_loads_and_a_stopped_server_refuses_connections() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/demo");
    let set = FixtureSet::load(&dir).expect("demo fixtures load");
    assert!(set.domains().contains(&"zooescape.com".to_owned()));
    assert!(set.captures().len() >= 20);
    assert!(set.is_blocked("http://blocked-example.com/"));
    let server = FakeWayback::start(set).await.expect("server");
    let (_, _, body) = get(
        &server,
        "/cdx/search/cdx?url=zooescape.com/privacy.pl&collapse=digest&fl=timestamp",
    )
    .await
    .expect("cdx");
    assert_eq!(
        String::from_utf8_lossy(&body),
        "20081216163555\n20100301000000\n20100901000000\n",
        "the 2009 duplicate collapses"
    );
    let (status, _, _) = get(&server, "/cdx/search/cdx?url=blocked-example.com/")
        .await
        .expect("blocked");
    assert!(status.contains("403"));
    let addr = server.addr();
    server.shutdown().await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let refused = TcpStream::connect(addr).await.expect_err("listener closed");
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);

    let missing = FixtureSet::load(Path::new("/nonexistent/fixtures")).expect_err("missing folder");
    assert!(missing.to_string().contains("captures.toml"), "{missing}");
}
