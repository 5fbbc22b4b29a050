//! `crawler export --datasette` opened in a real Datasette (from PyPI) on loopback: its JSON API
//! answers a full-text search with the versions whose text holds the word, serves the column
//! descriptions of `metadata.json`, and a headless Chromium screenshot of the `versions` page
//! shows them (the PNG is kept under `target/tmp/`; its path is printed).
//!
//! Datasette comes from `tools/setup-pytools.sh` and Chromium from `tools/setup-chromium.sh`
//! (CI runs both). Without them the checks say they were skipped, unless
//! `CRAWLER_REQUIRE_PYTOOLS=1` / `CRAWLER_REQUIRE_CHROMIUM=1`, when they fail instead.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Archive, crawl_demo, crawler, repo, text};

/// A `datasette serve` child process, stopped by its PID when dropped.
struct Datasette {
    child: Child,
    port: u16,
}

impl Drop for Datasette {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn datasette_bin() -> Option<PathBuf> {
    let bin = repo().join("tools/py-env/venv/bin/datasette");
    if bin.is_file() {
        return Some(bin);
    }
    assert!(
        std::env::var("CRAWLER_REQUIRE_PYTOOLS").as_deref() != Ok("1"),
        "Datasette is required (CRAWLER_REQUIRE_PYTOOLS=1) but {} is missing: run tools/setup-pytools.sh",
        bin.display()
    );
    eprintln!(
        "SKIPPED: {} is missing (run tools/setup-pytools.sh)",
        bin.display()
    );
    None
}

fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("chromium"))
            .find(|path| path.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var("CRAWLER_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
            "Chromium is required (CRAWLER_REQUIRE_CHROMIUM=1) but is not on PATH: run tools/setup-chromium.sh"
        );
        eprintln!("SKIPPED the screenshot: no chromium on PATH (run tools/setup-chromium.sh)");
    }
    found
}

/// One GET on loopback; the status code and the body.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    // An HTTP/1.0 request: the answer is the body up to the end of the connection, never chunked.
    Some((status, body.to_owned()))
}

fn get_json(port: u16, path: &str) -> serde_json::Value {
    let (status, body) = get(port, path).unwrap_or_else(|| panic!("GET {path} answered"));
    assert_eq!(status, 200, "GET {path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|error| panic!("GET {path}: {error}: {body}"))
}

fn start(bin: &Path, dir: &Path) -> Datasette {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(bin)
        .args(["serve", "policies.sqlite", "--metadata", "metadata.json"])
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("datasette starts");
    let server = Datasette { child, port };
    let deadline = Instant::now() + Duration::from_secs(90);
    while get(port, "/-/versions.json").is_none_or(|(status, _)| status != 200) {
        assert!(
            Instant::now() < deadline,
            "datasette did not answer on port {port} within 90 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    server
}

/// The words of a text as FTS5's default tokenizer (unicode61) sees ASCII: runs of letters and
/// digits, lowercased.
fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[test]
fn datasette_searches_the_export_and_shows_the_column_descriptions() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crawler.sqlite");
    crawl_demo(&archive, dir.path(), &db);
    let out = dir.path().join("policies.sqlite");
    let export = crawler()
        .arg("--db")
        .arg(&db)
        .arg("export")
        .arg("--out")
        .arg(&out)
        .arg("--datasette")
        .output()
        .expect("crawler runs");
    assert!(export.status.success(), "{}", text(&export.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("metadata.json")).expect("metadata.json beside the file"),
    )
    .expect("JSON");
    assert_eq!(
        metadata["databases"]["policies"]["tables"]["versions"]["fts_table"],
        "versions_fts"
    );

    // The versions, and the words of each (title and Markdown, as the index holds them).
    let store = store::Store::open_read_only(&db).expect("store");
    let mut texts: BTreeMap<(String, i64), BTreeSet<String>> = BTreeMap::new();
    for domain in store.domains().expect("domains") {
        for v in store.versions(domain.id).expect("versions") {
            let mut all = words(&v.markdown);
            all.extend(words(v.title.as_deref().unwrap_or("")));
            texts.insert((domain.name.clone(), v.seq), all);
        }
    }
    assert_eq!(texts.len(), 7);
    // A long word that some versions hold and others do not: the search must tell them apart.
    let mut counts: BTreeMap<&String, usize> = BTreeMap::new();
    for all in texts.values() {
        for word in all.iter().filter(|w| w.len() >= 8 && w.is_ascii()) {
            *counts.entry(word).or_default() += 1;
        }
    }
    let (word, _) = counts
        .iter()
        .find(|(_, n)| (2..texts.len()).contains(*n))
        .expect("a word in some versions only");
    let expected: BTreeSet<(String, i64)> = texts
        .iter()
        .filter(|(_, all)| all.contains(*word))
        .map(|(key, _)| key.clone())
        .collect();

    let Some(bin) = datasette_bin() else {
        return;
    };
    let server = start(&bin, dir.path());
    let found = get_json(
        server.port,
        &format!("/policies/versions.json?_search={word}&_shape=array&_col=domain&_col=version"),
    );
    let found: BTreeSet<(String, i64)> = found
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            (
                row["domain"].as_str().expect("domain").to_owned(),
                row["version"].as_i64().expect("version"),
            )
        })
        .collect();
    assert_eq!(found, expected, "full-text search for {word:?}");

    // The column descriptions are served from metadata.json, as the const has them.
    let served = get_json(server.port, "/-/metadata.json");
    let columns = &served["databases"]["policies"]["tables"]["versions"]["columns"];
    for (name, meaning) in store::COLUMNS {
        assert_eq!(
            columns[*name].as_str(),
            Some(meaning.replace('`', "").as_str()),
            "{name}"
        );
    }
    let (status, page) = get(server.port, "/policies/versions").expect("the table page");
    assert_eq!(status, 200);
    assert!(
        page.contains("Flesch-Kincaid grade level"),
        "the table page shows the descriptions"
    );

    let Some(chromium) = chromium() else {
        return;
    };
    let png = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("datasette-versions.png");
    let _ = std::fs::remove_file(&png);
    let profile = dir.path().join("chromium-profile");
    let mut shot = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1400,1800")
        .arg(format!(
            "http://127.0.0.1:{}/policies/versions",
            server.port
        ))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if shot.try_wait().expect("wait").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = shot.kill();
            let _ = shot.wait();
            panic!("chromium took more than 120 s for the screenshot");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let bytes = std::fs::read(&png).expect("the screenshot was written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(
        bytes.len() > 20_000,
        "a page, not a blank: {} bytes",
        bytes.len()
    );
    eprintln!("screenshot of Datasette's versions page: {}", png.display());
    drop(server);
}
