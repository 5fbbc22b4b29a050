//! `crawler export --format warc` on the demo archive: warcio (from `tools/setup-pywb.sh`)
//! reads every record with valid digests, a real pywb on 127.0.0.1 replays every exported
//! capture byte for byte and `crawler captures` against it lists them all; two exports are
//! byte-identical; captures stored before headers were kept say so; bad input fails clearly.
//!
//! The warcio and pywb parts need `tools/setup-pywb.sh` (CI runs it). Without it they say they
//! were skipped, unless `CRAWLER_REQUIRE_PYWB=1`, when they fail instead.

mod common;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Archive, crawl_demo, crawler, pywb_venv, run_ok, sqlite3_write, text};

/// A pywb `wayback` server in a child process, stopped by its PID when dropped.
struct Pywb {
    child: Child,
    port: u16,
}

impl Drop for Pywb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn export_warc(db: &Path, out: &Path, extra: &[&str]) -> Output {
    crawler()
        .arg("--db")
        .arg(db)
        .args(["export", "--format", "warc", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .expect("crawler runs")
}

/// Rows of a read-only query through the system sqlite3 (`.ci/run` installs it), `|`-separated.
fn sqlite3_rows(db: &Path, sql: &str) -> Vec<Vec<String>> {
    let output = run_ok(Command::new("sqlite3").arg("-readonly").arg(db).arg(sql));
    text(&output.stdout)
        .lines()
        .map(|line| line.split('|').map(str::to_owned).collect())
        .collect()
}

/// The stored mementos (URL as found, capture time, content SHA-1) of the captures `which`
/// selects, as the store holds them.
fn stored_mementos(db: &Path, which: &str) -> BTreeSet<(String, String, String)> {
    sqlite3_rows(
        db,
        &format!(
            "SELECT DISTINCT found_url, found_timestamp, content_sha1 FROM captures
             WHERE fetch_state = 'done' AND content_sha1 IS NOT NULL AND {which}"
        ),
    )
    .into_iter()
    .map(|row| (row[0].clone(), row[1].clone(), row[2].clone()))
    .collect()
}

/// Every record of a gzipped WARC file, decompressed, as text (for looking at headers).
fn records_text(path: &Path) -> String {
    let mut bytes = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).expect("the WARC file"))
        .read_to_end(&mut bytes)
        .expect("gzip members");
    text(&bytes)
}

/// `warcio index` of a file: (WARC-Type, WARC-Target-URI) per record.
fn warcio_index(venv: &Path, path: &Path) -> Vec<(String, String)> {
    let output = run_ok(
        Command::new(venv.join("bin/warcio"))
            .args(["index", "-f", "warc-type,warc-target-uri,warc-date"])
            .arg(path),
    );
    text(&output.stdout)
        .lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            (
                row["warc-type"].as_str().unwrap_or("").to_owned(),
                row["warc-target-uri"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// `warcio check -v`: every record's digests pass. Returns the records checked.
fn warcio_check(venv: &Path, path: &Path) -> usize {
    let output = run_ok(
        Command::new(venv.join("bin/warcio"))
            .args(["check", "-v"])
            .arg(path),
    );
    let report = text(&output.stdout);
    assert!(!report.contains("fail"), "{report}");
    report.matches("digest pass").count()
}

/// Starts pywb on a free loopback port over a collection `evidence` holding `warc`.
fn start_pywb(venv: &Path, dir: &Path, warc: &Path) -> Pywb {
    run_ok(
        Command::new(venv.join("bin/wb-manager"))
            .args(["init", "evidence"])
            .current_dir(dir),
    );
    run_ok(
        Command::new(venv.join("bin/wb-manager"))
            .args(["add", "evidence"])
            .arg(warc)
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
    let server = Pywb { child, port };
    let deadline = Instant::now() + Duration::from_secs(30);
    while get(port, "/evidence/cdx?url=zooescape.com/privacy.pl").is_none() {
        assert!(Instant::now() < deadline, "pywb did not answer within 30 s");
        std::thread::sleep(Duration::from_millis(200));
    }
    server
}

/// `GET path` on 127.0.0.1:port: the status and body of a 2xx answer, `None` otherwise.
fn get(port: u16, path: &str) -> Option<Vec<u8>> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok()?;
    let end = answer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = text(&answer[..end]);
    let status = head.split(' ').nth(1)?;
    status.starts_with('2').then(|| answer[end + 4..].to_vec())
}

#[test]
fn warcio_reads_the_export_and_pywb_replays_every_capture() {
    let Some(venv) = pywb_venv(&["wayback", "warcio"]) else {
        eprintln!("skipped: pywb/warcio are not installed (run tools/setup-pywb.sh)");
        return;
    };
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("store.sqlite");
    crawl_demo(&archive, dir.path(), &db);

    // The captures behind the versions: on the demo archive, every policy capture with text.
    let warc = dir.path().join("evidence.warc.gz");
    let output = export_warc(&db, &warc, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let expected = stored_mementos(&db, "role = 'policy' AND text_hash IS NOT NULL");
    assert!(expected.len() >= 7, "{expected:?}");
    let index = warcio_index(&venv, &warc);
    let count = |kind: &str| index.iter().filter(|(t, _)| t == kind).count();
    assert_eq!(index[0].0, "warcinfo", "{index:?}");
    assert_eq!(count("warcinfo"), 1);
    assert_eq!(count("response"), expected.len(), "{index:?}");
    assert_eq!(count("metadata"), expected.len(), "{index:?}");
    assert_eq!(index.len(), 1 + 2 * expected.len());
    let responses: BTreeSet<&str> = index
        .iter()
        .filter(|(t, _)| t == "response")
        .map(|(_, uri)| uri.as_str())
        .collect();
    let urls: BTreeSet<&str> = expected.iter().map(|(url, _, _)| url.as_str()).collect();
    assert_eq!(responses, urls);
    assert_eq!(warcio_check(&venv, &warc), index.len());
    assert!(
        text(
            &std::process::Command::new(venv.join("bin/warcio"))
                .args(["index", "-f", "warc-type,warc-refers-to,warc-concurrent-to"])
                .arg(&warc)
                .output()
                .expect("warcio runs")
                .stdout
        )
        .lines()
        .filter(|line| line.contains("\"metadata\""))
        .all(|line| line.contains("warc-refers-to") && line.contains("warc-concurrent-to")),
        "every metadata record refers to its response"
    );

    // Every capture, homepage reads too.
    let all = dir.path().join("all.warc.gz");
    let output = export_warc(&db, &all, &["--all-captures"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let everything = stored_mementos(&db, "1");
    assert!(everything.len() > expected.len());
    let all_index = warcio_index(&venv, &all);
    assert_eq!(
        all_index.iter().filter(|(t, _)| t == "response").count(),
        everything.len()
    );
    assert!(
        all_index
            .iter()
            .any(|(t, uri)| t == "response" && uri == "http://zooescape.com/")
    );
    assert_eq!(warcio_check(&venv, &all), all_index.len());

    // pywb replays every exported capture with the stored bytes, and lists them.
    let pywb = start_pywb(&venv, dir.path(), &all);
    let store = store::Store::open_read_only(&db).expect("store opens");
    for (url, timestamp, sha1) in &everything {
        let stored = store
            .content(sha1)
            .expect("content query")
            .expect("stored content");
        let replayed = get(pywb.port, &format!("/evidence/{timestamp}id_/{url}"))
            .unwrap_or_else(|| panic!("pywb replays {url} at {timestamp}"));
        assert!(
            replayed == stored.body,
            "{url} at {timestamp}: pywb replayed {} bytes, the store holds {}",
            replayed.len(),
            stored.body.len()
        );
    }
    let config = dir.path().join("pywb.toml");
    std::fs::write(
        &config,
        "[archive]\ncdx_requests_per_minute = 6000\nplayback_requests_per_second = 200.0\nretry_base_delay = 0.02\n",
    )
    .expect("write config");
    let archive_url = format!("http://127.0.0.1:{}/evidence", pywb.port);
    for url in everything
        .iter()
        .map(|(url, _, _)| url)
        .collect::<BTreeSet<_>>()
    {
        let output = crawler()
            .arg("--config")
            .arg(&config)
            .args(["--archive-profile", "pywb", "--archive", &archive_url])
            .args(["captures", url])
            .output()
            .expect("crawler runs");
        assert!(output.status.success(), "{}", text(&output.stderr));
        let listed: BTreeSet<String> = text(&output.stdout)
            .lines()
            .map(|line| line.split(' ').next().unwrap_or("").to_owned())
            .collect();
        for (_, timestamp, _) in everything.iter().filter(|(u, _, _)| u == url) {
            assert!(
                listed.contains(timestamp),
                "{url} at {timestamp} not listed: {listed:?}"
            );
        }
    }
}

#[test]
fn two_exports_are_identical_and_old_captures_say_their_headers_are_reconstructed() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("store.sqlite");
    crawl_demo(&archive, dir.path(), &db);
    let (first, second) = (dir.path().join("a.warc.gz"), dir.path().join("b.warc.gz"));
    for out in [&first, &second] {
        let output = export_warc(&db, out, &["--all-captures"]);
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert!(
            text(&output.stderr).contains(" response and "),
            "{}",
            text(&output.stderr)
        );
    }
    let bytes = std::fs::read(&first).expect("first export");
    assert!(bytes == std::fs::read(&second).expect("second export"));
    let records = records_text(&first);
    assert!(records.starts_with("WARC/1.1\r\nWARC-Type: warcinfo\r\n"));
    assert!(records.contains("software: crawler "));
    assert!(records.contains(&format!("source-archive: {}", "https://web.archive.org")));
    assert!(records.contains("WARC-Date: 2008-12-16T16:35:55Z\r\n"));
    assert!(records.contains("\"headers\":\"archived\""));
    assert!(!records.contains("reconstructed"));

    // Captures stored before crawler kept archived headers (schema 5) get a status line and
    // Content-Type from what the store kept, and their metadata says so.
    sqlite3_write(
        &db,
        "UPDATE captures SET archived_headers = NULL, headers_kept = 0",
    );
    let old = dir.path().join("old.warc.gz");
    let output = export_warc(&db, &old, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let records = records_text(&old);
    assert!(!records.contains("\"headers\":\"archived\""));
    assert!(records.contains(&format!(
        "\"headers\":\"{}\"",
        export::RECONSTRUCTED_BEFORE_KEPT
    )));
    assert!(records.contains("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "));
    if let Some(venv) = pywb_venv(&["wayback", "warcio"]) {
        assert!(warcio_check(&venv, &old) > 0);
    }
}

#[test]
fn bad_input_fails_clearly_and_writes_nothing() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("store.sqlite");
    crawl_demo(&archive, dir.path(), &db);

    let missing = dir.path().join("no/such/folder/e.warc.gz");
    let output = export_warc(&db, &missing, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("existing folder"),
        "{}",
        text(&output.stderr)
    );
    assert!(!dir.path().join("no").exists());

    let output = export_warc(&db, dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2), "a folder is no --out");

    let out = dir.path().join("e.warc.gz");
    let output = export_warc(&db, &out, &["--all-captures", "--latest-only"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let output = crawler()
        .arg("--db")
        .arg(&db)
        .args(["export", "--format", "jsonl", "--all-captures", "--out"])
        .arg(&out)
        .output()
        .expect("crawler runs");
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("--all-captures needs --format warc"));

    // Filters that select nothing, and a store with no versions at all.
    let output = export_warc(&db, &out, &["--domains", "example.org"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("nothing to export"),
        "{}",
        text(&output.stderr)
    );
    let empty = dir.path().join("empty.sqlite");
    let domains = dir.path().join("blocked.txt");
    std::fs::write(&domains, "blocked-example.com\n").expect("domains file");
    let output = crawler()
        .arg("--archive")
        .arg(archive.url())
        .arg("--db")
        .arg(&empty)
        .args(["crawl", "--domains-file"])
        .arg(&domains)
        .output()
        .expect("crawler runs");
    assert!(output.status.code().is_some(), "no crash");
    assert!(empty.is_file(), "{}", text(&output.stderr));
    let output = export_warc(&empty, &out, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("nothing to export") && !stderr.contains("panicked"),
        "{stderr}"
    );
    assert!(!out.exists(), "a failed export leaves no file");
    assert!(
        std::fs::read_dir(dir.path())
            .expect("temp dir")
            .all(|entry| !entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .contains("partial")),
        "no partial file left behind"
    );
}
