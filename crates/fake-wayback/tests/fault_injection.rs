//! Fault injection by kind and rate: `FaultRule::from_spec` (the binary's `--fault`), each
//! kind firing on its requests, the seeded draw, the `/__faults` counts, and the binary itself.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use fake_wayback::{
    FAULT_KINDS, FakeWayback, FaultRule, FixtureCapture, FixtureSet, fault_of_kind,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CDX: &str = "/cdx/search/cdx?url=example.com/p&output=json";
const PLAYBACK: &str = "/web/20200101120000id_/http://example.com/p";

fn set() -> FixtureSet {
    let mut set = FixtureSet::new();
    set.add(FixtureCapture::html(
        "http://example.com/p",
        "20200101120000",
        "<html><body><p>The policy.</p></body></html>",
    ));
    set
}

/// Sends one GET; returns what arrived until the end of the response head (or of the
/// connection), and the whole body when `whole` is set.
async fn get(server: &FakeWayback, target: &str, whole: bool) -> Vec<u8> {
    let Ok(mut stream) = TcpStream::connect(server.addr()).await else {
        return Vec::new();
    };
    let request = format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).await.is_err() {
        return Vec::new();
    }
    let mut raw = Vec::new();
    let mut chunk = [0u8; 8192];
    while let Ok(n @ 1..) = stream.read(&mut chunk).await {
        raw.extend_from_slice(&chunk[..n]);
        if !whole && raw.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    raw
}

fn split(raw: &[u8]) -> (String, &[u8]) {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    (
        String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase(),
        &raw[end + 4..],
    )
}

#[test]
fn fault_specs_parse_kind_and_rate_and_refuse_bad_ones_clearly() {
    let rule = FaultRule::from_spec("garbled-cdx:0.25").expect("valid");
    assert_eq!(rule.rate, 0.25);
    assert_eq!(rule.fault.kind(), "garbled-cdx");
    assert_eq!(FaultRule::from_spec("blocked:1").expect("valid").rate, 1.0);
    for (spec, says) in [
        ("garbled-cdx", "KIND:RATE"),
        ("no-such-kind:0.5", "unknown fault kind"),
        ("reset:1.5", "from 0 to 1"),
        ("reset:-0.1", "from 0 to 1"),
        ("reset:often", "from 0 to 1"),
    ] {
        let error = FaultRule::from_spec(spec).expect_err(spec);
        assert!(error.contains(says), "{spec}: {error}");
    }
    for (kind, _) in FAULT_KINDS {
        let (fault, _) = fault_of_kind(kind).expect("every listed kind is known");
        assert_eq!(fault.kind(), *kind);
    }
}

#[tokio::test]
async fn every_kind_fires_on_its_requests_and_is_counted() {
    for (kind, _) in FAULT_KINDS {
        let server = FakeWayback::start(set()).await.expect("server");
        server.add_fault(FaultRule::from_spec(&format!("{kind}:1")).expect("spec"));
        let (fault, _) = fault_of_kind(kind).expect("known");
        let cdx_only = matches!(
            *kind,
            "html-instead-of-cdx" | "cdx-cut-short" | "garbled-cdx"
        );
        let target = if cdx_only { CDX } else { PLAYBACK };
        get(&server, target, false).await;
        let record = server.requests().pop().expect("logged");
        assert!(record.fault.is_some(), "{kind} did not fire");
        assert_eq!(server.fault_counts().get(fault.kind()), Some(&1), "{kind}");
        // Playback-only kinds leave CDX alone, CDX-only kinds leave playback alone.
        let other = if cdx_only { PLAYBACK } else { CDX };
        if kind.contains("cdx")
            || [
                "redirect-loop",
                "redirect-off-archive",
                "wrong-charset",
                "huge-body",
                "double-gzip",
                "scrambled-body",
            ]
            .contains(kind)
        {
            get(&server, other, false).await;
            let record = server.requests().pop().expect("logged");
            assert!(record.fault.is_none(), "{kind} fired on {other}");
        }
    }
}

#[tokio::test]
async fn the_new_kinds_alter_the_answer_as_documented() {
    let server = FakeWayback::start(set()).await.expect("server");
    let (_, clean_cdx) = {
        let raw = get(&server, CDX, true).await;
        let (head, body) = split(&raw);
        (head, body.to_vec())
    };
    let digest = FixtureCapture::html(
        "x",
        "20200101120000",
        "<html><body><p>The policy.</p></body></html>",
    )
    .digest();

    server.add_fault(FaultRule::from_spec("garbled-cdx:1").expect("spec"));
    let raw = get(&server, CDX, true).await;
    let (head, body) = split(&raw);
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(!head.contains("content-encoding"), "{head}");
    assert!(body.starts_with(&[0x1f, 0x8b]) && body != clean_cdx.as_slice());

    server.clear_faults();
    server.add_fault(FaultRule::from_spec("cdx-cut-short:1").expect("spec"));
    let raw = get(&server, CDX, true).await;
    let (head, body) = split(&raw);
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert_eq!(body, &clean_cdx[..clean_cdx.len() / 2]);

    server.clear_faults();
    server.add_fault(FaultRule::from_spec("scrambled-body:1").expect("spec"));
    let raw = get(&server, PLAYBACK, true).await;
    let (head, body) = split(&raw);
    assert!(head.contains("memento-datetime"), "{head}");
    assert_ne!(fake_sha1(body), digest);

    server.clear_faults();
    server.add_fault(FaultRule::from_spec("blocked:1").expect("spec"));
    let raw = get(&server, PLAYBACK, true).await;
    let (head, body) = split(&raw);
    assert!(head.starts_with("http/1.1 403"), "{head}");
    assert!(head.contains("content-encoding: gzip"), "{head}");
    assert!(
        head.contains("x-archive-wayback-runtime-error: org.archive.util.io.runtimeioexception: org.archive.wayback.exception.administrativeaccesscontrolexception"),
        "{head}"
    );
    let mut page = String::new();
    flate2::read::GzDecoder::new(body)
        .read_to_string(&mut page)
        .expect("a gzip page");
    assert!(
        page.contains("AdministrativeAccessControlException"),
        "{page}"
    );

    let counts = split(&get(&server, "/__faults", true).await).1.to_vec();
    assert_eq!(
        String::from_utf8_lossy(&counts).trim(),
        r#"{"blocked":1,"cdx-cut-short":1,"garbled-cdx":1,"scrambled-body":1}"#
    );
}

fn fake_sha1(body: &[u8]) -> String {
    FixtureCapture::html("x", "20200101120000", body.to_vec()).digest()
}

/// Which of `n` requests a rule of `rate` hit, with seed `seed`.
async fn hits(seed: u64, rate: f64, n: usize) -> Vec<bool> {
    let server = FakeWayback::start(set()).await.expect("server");
    server.set_fault_seed(seed);
    server.add_fault(FaultRule::from_spec(&format!("service-unavailable:{rate}")).expect("spec"));
    let mut out = Vec::new();
    for _ in 0..n {
        get(&server, CDX, false).await;
        out.push(server.requests().pop().expect("logged").fault.is_some());
    }
    out
}

#[tokio::test]
async fn rated_faults_are_drawn_from_the_seed_reproducibly() {
    let first = hits(7, 0.3, 200).await;
    assert_eq!(first, hits(7, 0.3, 200).await, "same seed, same faults");
    assert_ne!(first, hits(8, 0.3, 200).await, "another seed, other faults");
    let fired = first.iter().filter(|hit| **hit).count();
    assert!((30..=90).contains(&fired), "{fired} of 200 at rate 0.3");
    assert!(hits(7, 0.0, 50).await.iter().all(|hit| !hit));
}

#[test]
fn the_binary_takes_fault_options_and_serves_the_counts() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/demo");
    let binary = env!("CARGO_BIN_EXE_fake-wayback");

    let refused = Command::new(binary)
        .args(["--fixtures", fixtures, "--fault", "bogus:0.5"])
        .output()
        .expect("runs");
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("unknown fault kind \"bogus\""), "{stderr}");

    let help = Command::new(binary).arg("--help").output().expect("runs");
    let help = String::from_utf8_lossy(&help.stdout);
    for needle in [
        "--fault <KIND:RATE>",
        "--fault-seed",
        "/__faults",
        "garbled-cdx",
        "scrambled-body",
    ] {
        assert!(
            help.contains(needle),
            "{needle} missing from --help:\n{help}"
        );
    }

    let mut child = Command::new(binary)
        .args([
            "--fixtures",
            fixtures,
            "--fault",
            "garbled-cdx:1",
            "--fault",
            "reset:0",
        ])
        .args(["--fault-seed", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("listening line");
    let base = line
        .trim()
        .strip_prefix("listening on http://")
        .expect(&line)
        .to_owned();
    let get = |target: &str| {
        let mut stream = std::net::TcpStream::connect(&base).expect("connects");
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .expect("sends");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("reads");
        raw
    };
    get("/cdx/search/cdx?url=zooescape.com/privacy.pl&output=json");
    let raw = get("/__faults");
    let _ = child.kill();
    let _ = child.wait();
    let (_, body) = split(&raw);
    assert_eq!(String::from_utf8_lossy(body).trim(), r#"{"garbled-cdx":1}"#);
}
