//! `crawler crawl --feed-dir DIR --notify-url URL` against the local archive serving
//! `tests/fixtures/demo`: feedparser (the reference feed parser, from PyPI) reads every feed
//! without a bozo error and finds one entry per version; a rerun adds no entry; a new capture
//! with a new text adds exactly one, in its domain's feed and in `all.atom`. A webhook on
//! loopback receives one POST per run with new versions and none for a run without; a webhook
//! that never answers, or refuses, delays the crawl by no more than its bound and fails nothing.
//!
//! feedparser comes from `tools/setup-pytools.sh` (CI runs it). Without it the feed checks say
//! they were skipped, unless `CRAWLER_REQUIRE_PYTOOLS=1`, when they fail instead.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Archive, crawler, repo, text};

/// The Python of `tools/py-env`, when installed.
fn python() -> Option<PathBuf> {
    let python = repo().join("tools/py-env/venv/bin/python");
    let ready = Command::new(&python)
        .args(["-c", "import feedparser"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ready {
        return Some(python);
    }
    assert!(
        std::env::var("CRAWLER_REQUIRE_PYTOOLS").as_deref() != Ok("1"),
        "feedparser is required (CRAWLER_REQUIRE_PYTOOLS=1) but {} cannot import it: run tools/setup-pytools.sh",
        python.display()
    );
    eprintln!(
        "SKIPPED the feedparser checks: {} cannot import feedparser (run tools/setup-pytools.sh)",
        python.display()
    );
    None
}

/// What feedparser reads in one feed.
#[derive(Debug, Clone, PartialEq)]
struct Parsed {
    bozo: bool,
    problem: String,
    ids: Vec<String>,
    updated: Vec<String>,
    links: Vec<String>,
}

const READ_FEEDS: &str = r#"
import json, sys, feedparser
out = {}
for path in sys.argv[1:]:
    d = feedparser.parse(path)
    out[path] = {
        "bozo": bool(d.bozo),
        "problem": str(d.get("bozo_exception", "")),
        "ids": [e.id for e in d.entries],
        "updated": [e.updated for e in d.entries],
        "links": [e.link for e in d.entries],
    }
print(json.dumps(out))
"#;

/// Every `.atom` file of `dir`, by file name, as feedparser reads it.
fn parse_feeds(python: &Path, dir: &Path) -> BTreeMap<String, Parsed> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("feed folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "atom"))
        .collect();
    paths.sort();
    let output = Command::new(python)
        .arg("-c")
        .arg(READ_FEEDS)
        .args(&paths)
        .output()
        .expect("python runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|s| s.as_str().expect("string").to_owned())
            .collect()
    };
    paths
        .iter()
        .map(|path| {
            let feed = &value[path.to_str().expect("utf-8 path")];
            (
                path.file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
                Parsed {
                    bozo: feed["bozo"].as_bool().expect("bozo"),
                    problem: feed["problem"].as_str().unwrap_or("").to_owned(),
                    ids: strings(&feed["ids"]),
                    updated: strings(&feed["updated"]),
                    links: strings(&feed["links"]),
                },
            )
        })
        .collect()
}

/// The stored versions per domain (those found by a rebuild left out, as the feeds do).
fn versions_per_domain(db: &Path) -> BTreeMap<String, usize> {
    let store = store::Store::open_read_only(db).expect("store");
    store
        .domains()
        .expect("domains")
        .into_iter()
        .map(|d| {
            let count = store
                .versions(d.id)
                .expect("versions")
                .iter()
                .filter(|v| v.rebuilt != Some(store::Rebuilt::Split))
                .count();
            (d.name, count)
        })
        .filter(|(_, count)| *count > 0)
        .collect()
}

/// A fast crawl configuration, with the webhook's bounds.
fn config(dir: &Path, timeout: f64, attempts: u32) -> PathBuf {
    let path = dir.join("feeds.toml");
    std::fs::write(
        &path,
        format!(
            "[archive]\ncdx_requests_per_minute = 6000\nplayback_requests_per_second = 200.0\nretry_base_delay = 0.02\n\n[feeds]\nnotify_timeout = {timeout:.1}\nnotify_attempts = {attempts}\n"
        ),
    )
    .expect("write config");
    path
}

/// `crawler crawl` of the demo domains with `extra` arguments; panics unless it exits 0.
fn crawl(archive: &Archive, config: &Path, db: &Path, extra: &[&str]) -> Output {
    let output = crawler()
        .arg("--config")
        .arg(config)
        .arg("--archive")
        .arg(archive.url())
        .arg("--db")
        .arg(db)
        .arg("crawl")
        .arg("--domains-file")
        .arg(repo().join("tests/fixtures/demo/domains.txt"))
        .args(extra)
        .output()
        .expect("crawler runs");
    assert!(
        output.status.success(),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    output
}

/// A webhook on 127.0.0.1 that answers 200 and keeps each request's body.
struct Webhook {
    url: String,
    bodies: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Webhook {
    fn start() -> Webhook {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (bodies, stop) = (bodies.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            if let Some(body) = answer(stream) {
                                bodies.lock().expect("lock").push(body);
                            }
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            })
        };
        Webhook {
            url,
            bodies,
            stop,
            thread: Some(thread),
        }
    }

    fn bodies(&self) -> Vec<serde_json::Value> {
        self.bodies
            .lock()
            .expect("lock")
            .iter()
            .map(|b| serde_json::from_str(b).expect("the webhook gets JSON"))
            .collect()
    }
}

impl Drop for Webhook {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one POST (headers, then Content-Length bytes) and answers 200.
fn answer(stream: TcpStream) -> Option<String> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let mut stream = reader.into_inner();
    stream
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .ok()?;
    assert!(request_line.starts_with("POST /hook "), "{request_line}");
    Some(String::from_utf8(body).expect("utf-8 body"))
}

/// zooescape.com's 2010 policy with one more sentence, archived after everything else.
fn new_policy_capture() -> fake_wayback::FixtureCapture {
    let body = std::fs::read_to_string(
        repo().join("tests/fixtures/demo/bodies/zooescape-privacy-2010.html"),
    )
    .expect("demo body");
    let changed = body.replacen(
        "</body>",
        "<p>We now also share your game history with our new analytics partner.</p></body>",
        1,
    );
    assert_ne!(
        changed, body,
        "the body has a </body> to add a sentence before"
    );
    fake_wayback::FixtureCapture::html("http://zooescape.com/privacy.pl", "20150301000000", changed)
}

#[test]
fn feeds_and_the_webhook_announce_each_new_version_once() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("feeds.sqlite");
    let feeds = dir.path().join("feeds");
    let hook = Webhook::start();
    let config = config(dir.path(), 5.0, 3);
    let args = [
        "--feed-dir",
        feeds.to_str().expect("utf-8"),
        "--notify-url",
        hook.url.as_str(),
    ];

    let first = crawl(&archive, &config, &db, &args);
    assert!(text(&first.stdout).contains("crawl: 7 new versions"));
    let versions = versions_per_domain(&db);
    assert_eq!(versions.values().sum::<usize>(), 7, "{versions:?}");

    // One POST listing the seven versions, each with what a subscriber needs.
    let posts = hook.bodies();
    assert_eq!(posts.len(), 1, "{posts:?}");
    let listed = posts[0]["new_versions"].as_array().expect("new_versions");
    assert_eq!(listed.len(), 7, "{listed:?}");
    for version in listed {
        for key in [
            "domain",
            "seq",
            "first_seen",
            "first_seen_at",
            "url",
            "entry_id",
        ] {
            assert!(!version[key].is_null(), "{key} missing in {version}");
        }
        assert!(version["field_changes"].is_array(), "{version}");
    }
    assert!(
        listed
            .iter()
            .any(|v| v["field_changes"].as_array().is_some_and(|c| !c.is_empty())),
        "a change of the demo archive lists its field changes: {listed:?}"
    );

    // Every feed file is there and written beside the diff pages.
    for domain in versions.keys() {
        assert!(feeds.join(format!("{domain}.atom")).is_file(), "{domain}");
    }
    for (domain, count) in &versions {
        for seq in 2..=*count {
            let page = feeds.join(format!("{domain}/v{seq}.html"));
            let html = std::fs::read_to_string(&page).expect("diff page");
            assert!(html.contains("<!DOCTYPE html>"), "{}", page.display());
        }
    }
    let files = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(dir)
            .expect("feeds")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_file())
            .map(|p| {
                (
                    p.file_name().expect("name").to_string_lossy().into_owned(),
                    std::fs::read(&p).expect("read"),
                )
            })
            .collect()
    };
    let written = files(&feeds);

    let parsed = python().map(|python| {
        let parsed = parse_feeds(&python, &feeds);
        for (file, feed) in &parsed {
            assert!(!feed.bozo, "{file}: {}", feed.problem);
        }
        for (domain, count) in &versions {
            let feed = &parsed[&format!("{domain}.atom")];
            assert_eq!(feed.ids.len(), *count, "{domain}: {feed:?}");
        }
        assert_eq!(parsed["all.atom"].ids.len(), 7);
        // Entries carry the version's own time, not the run's.
        assert!(
            parsed["all.atom"]
                .updated
                .iter()
                .all(|u| !u.starts_with("2026")),
            "{:?}",
            parsed["all.atom"].updated
        );
        (python, parsed)
    });

    // A rerun on the unchanged archive: no POST, not one byte of the feeds changes.
    let again = crawl(&archive, &config, &db, &args);
    assert!(text(&again.stdout).contains("crawl: 0 new versions"));
    assert_eq!(
        hook.bodies().len(),
        1,
        "a run without new versions posts nothing"
    );
    assert_eq!(files(&feeds), written, "a rerun rewrites the same feeds");

    // The archive grows by one text: exactly one entry more, and one POST naming it.
    archive.server().add_capture(new_policy_capture());
    let grown = crawl(&archive, &config, &db, &args);
    assert!(
        text(&grown.stdout).contains("crawl: 1 new versions"),
        "{}",
        text(&grown.stdout)
    );
    let posts = hook.bodies();
    assert_eq!(posts.len(), 2, "{posts:?}");
    let listed = posts[1]["new_versions"].as_array().expect("new_versions");
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["domain"], "zooescape.com");
    assert_eq!(listed[0]["first_seen"], "20150301000000");
    let seq = listed[0]["seq"].as_i64().expect("seq");
    let page = std::fs::read_to_string(feeds.join(format!("zooescape.com/v{seq}.html")))
        .expect("the new change's diff page");
    assert!(
        page.contains("analytics partner"),
        "the page shows the change"
    );

    if let Some((python, before)) = parsed {
        let after = parse_feeds(&python, &feeds);
        for (file, feed) in &after {
            assert!(!feed.bozo, "{file}: {}", feed.problem);
            let old = &before[file];
            let added: Vec<&String> = feed.ids.iter().filter(|id| !old.ids.contains(id)).collect();
            let expected = usize::from(file == "all.atom" || file == "zooescape.com.atom");
            assert_eq!(added.len(), expected, "{file}: {added:?}");
            assert!(
                old.ids.iter().all(|id| feed.ids.contains(id)),
                "{file} kept its entries"
            );
        }
        let zoo = &after["zooescape.com.atom"];
        assert_eq!(
            zoo.ids[0], listed[0]["entry_id"],
            "newest first, same id as posted"
        );
        assert!(
            zoo.links[0].ends_with(&format!("zooescape.com/v{seq}.html")),
            "{:?}",
            zoo.links
        );
    }
}

#[test]
fn a_dead_webhook_delays_the_crawl_by_its_bound_at_most_and_fails_nothing() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    // 2 attempts of 1 s, 0.5 s between them: at most 2.5 s.
    let config = config(dir.path(), 1.0, 2);
    let bound = Duration::from_millis(2_500);

    let started = Instant::now();
    crawl(&archive, &config, &dir.path().join("baseline.sqlite"), &[]);
    let baseline = started.elapsed();

    // A port that accepts connections (the kernel's backlog) and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent_url = format!("http://{}/hook", silent.local_addr().expect("addr"));
    let started = Instant::now();
    let output = crawl(
        &archive,
        &config,
        &dir.path().join("silent.sqlite"),
        &["--notify-url", &silent_url],
    );
    let silent_time = started.elapsed();
    let message = text(&output.stderr);
    assert!(
        message.contains("did not take the 7 new version(s) after 2 attempt(s)"),
        "{message}"
    );
    assert!(
        silent_time >= Duration::from_secs(2),
        "both attempts waited for their timeout: {silent_time:?}"
    );
    assert!(
        silent_time <= baseline + bound + Duration::from_secs(5),
        "a silent webhook cost {silent_time:?} against {baseline:?} without one (bound {bound:?} + slack)"
    );

    // A port that refuses: the attempts fail at once.
    let refused_url = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}/hook", listener.local_addr().expect("addr"))
    };
    let started = Instant::now();
    let output = crawl(
        &archive,
        &config,
        &dir.path().join("refused.sqlite"),
        &["--notify-url", &refused_url],
    );
    let refused_time = started.elapsed();
    assert!(
        text(&output.stderr).contains("after 2 attempt(s)"),
        "{}",
        text(&output.stderr)
    );
    assert!(
        refused_time <= baseline + bound + Duration::from_secs(5),
        "{refused_time:?} against {baseline:?}"
    );
    eprintln!(
        "crawl without a webhook {baseline:?}; with a silent one {silent_time:?}; with a refusing one {refused_time:?} (bound {bound:?})"
    );
    drop(silent);
}
