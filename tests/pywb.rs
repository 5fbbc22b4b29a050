//! The crawler against a real pywb (Webrecorder's Wayback, from PyPI) on 127.0.0.1, serving the
//! same captures as our own local archive (`tests/fixtures/demo`, written as a WARC): listings,
//! downloads, a full crawl, and the same versions from both archives.
//!
//! Needs `tools/setup-pywb.sh` (CI runs it). Without it the test says it was skipped, unless
//! `CRAWLER_REQUIRE_PYWB=1`, when it fails instead.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Archive, crawl_demo, crawler, fast_config, pywb_venv, repo, run_ok, text};

/// A pywb `wayback` server in a child process, stopped by its PID when dropped.
struct Pywb {
    child: Child,
    url: String,
}

impl Drop for Pywb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes the demo fixtures as a WARC, makes a collection `demo`, and starts pywb on a free
/// loopback port.
fn start_pywb(venv: &Path, dir: &Path) -> Pywb {
    let warc = dir.join("demo.warc.gz");
    run_ok(
        Command::new(venv.join("bin/python"))
            .arg(repo().join("tools/pywb/fixtures_to_warc.py"))
            .arg(repo().join("tests/fixtures/demo"))
            .arg(&warc),
    );
    run_ok(
        Command::new(venv.join("bin/wb-manager"))
            .args(["init", "demo"])
            .current_dir(dir),
    );
    run_ok(
        Command::new(venv.join("bin/wb-manager"))
            .args(["add", "demo"])
            .arg(&warc)
            .current_dir(dir),
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(venv.join("bin/wayback"))
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("pywb starts");
    let server = Pywb {
        child,
        url: format!("http://127.0.0.1:{port}/demo"),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            let request = "GET /demo/cdx?url=zooescape.com/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
            let mut answer = String::new();
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_to_string(&mut answer).is_ok()
                && answer.starts_with("HTTP/1.")
                && answer.contains(" 200 ")
            {
                return server;
            }
        }
        assert!(Instant::now() < deadline, "pywb did not answer within 30 s");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn against_pywb(pywb: &Pywb, dir: &Path, args: &[&str]) -> Output {
    crawler()
        .arg("--config")
        .arg(fast_config(dir))
        .args(["--archive-profile", "pywb", "--archive", &pywb.url])
        .args(args)
        .output()
        .expect("crawler runs")
}

fn export_jsonl(db: &Path) -> String {
    let output = crawler()
        .arg("--db")
        .arg(db)
        .args(["export", "--format", "jsonl", "--out", "-"])
        .output()
        .expect("export runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
}

#[test]
fn the_crawler_works_unchanged_against_a_real_pywb() {
    let Some(venv) = pywb_venv(&["wayback"]) else {
        eprintln!("skipped: pywb is not installed (run tools/setup-pywb.sh)");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let pywb = start_pywb(&venv, dir.path());

    // Listings: pywb has no collapse; the client applies it (the 2009 re-capture has the
    // digest of the 2008 one).
    let output = against_pywb(
        &pywb,
        dir.path(),
        &[
            "captures",
            "zooescape.com/privacy.pl",
            "--collapse",
            "digest",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stamps: Vec<String> = text(&output.stdout)
        .lines()
        .map(|line| line.split(' ').next().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        stamps,
        ["20081216163555", "20100301000000", "20100901000000"]
    );
    let output = against_pywb(
        &pywb,
        dir.path(),
        &[
            "captures",
            "tracking101.com",
            "--match",
            "domain",
            "--filter",
            "original:.*privacy.*",
            "--json",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let rows: Vec<serde_json::Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON line"))
        .collect();
    assert_eq!(
        rows.len(),
        3,
        "a regex filter, not pywb's substring one: {rows:?}"
    );
    assert!(rows.iter().all(|r| {
        r["original"]
            .as_str()
            .is_some_and(|u| u.contains("privacy"))
    }));

    // Downloads: exact bytes, an archived 301 with pywb's live Location followed inside the
    // archive, and a URL it does not hold.
    let output = against_pywb(
        &pywb,
        dir.path(),
        &[
            "fetch",
            "http://zooescape.com/privacy.pl",
            "--at",
            "20081216163555",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let expected =
        std::fs::read(repo().join("tests/fixtures/demo/bodies/zooescape-privacy-2008.html"))
            .expect("body");
    assert_eq!(output.stdout, expected, "raw bytes, no rewriting");
    let output = against_pywb(
        &pywb,
        dir.path(),
        &[
            "fetch",
            "http://tracking101.com/privacy_policy.html",
            "--at",
            "20150601000000",
            "--text",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("updated"),
        "the redirect led to /legal/privacy"
    );
    let output = against_pywb(
        &pywb,
        dir.path(),
        &[
            "fetch",
            "http://zooescape.com/missing.html",
            "--at",
            "20100101000000",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("not archived"),
        "{}",
        text(&output.stderr)
    );

    // A full crawl, then the same crawl against our own archive: the same versions.
    let pywb_db = dir.path().join("pywb.sqlite");
    let output = against_pywb(
        &pywb,
        dir.path(),
        &[
            "--db",
            pywb_db.to_str().expect("utf-8"),
            "crawl",
            "--domains-file",
            repo()
                .join("tests/fixtures/demo/domains.txt")
                .to_str()
                .expect("utf-8"),
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("crawl: 7 new versions"),
        "{}",
        text(&output.stdout)
    );
    let fake = Archive::demo();
    let fake_db = dir.path().join("fake.sqlite");
    crawl_demo(&fake, dir.path(), &fake_db);
    let (from_pywb, from_fake) = (export_jsonl(&pywb_db), export_jsonl(&fake_db));
    assert_eq!(from_pywb.lines().count(), 7);
    assert_eq!(
        from_pywb, from_fake,
        "the same captures must give the same versions"
    );
}
