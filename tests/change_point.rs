//! The change-point search through the binary, on a real policy (zooescape.com's, from the
//! corpus) archived every other day for 600 days with HTML churn (every capture its own
//! digest) and four text changes, one of them a reversion and one shorter than the
//! resolution: each version that lasted longer than the resolution is found with its exact
//! first capture for a fraction of the downloads; killed in the middle of its search and rerun,
//! the crawl ends with the store of an uninterrupted one and downloads nothing twice; an
//! incremental run searches only the new captures.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::{Archive, dump, repo, text};
use fake_wayback::{FixtureCapture, FixtureSet};

const POLICY: &str = "http://zooescape.com/privacy.pl";
const FIRST_DAY: &str = "20081216120000";
/// Captures of the policy, one every other day.
const CAPTURES: u64 = 300;

/// The text each capture shows, by its index: A, B for 200 days, A again (a reversion) for
/// 80 days, C for 10 days (shorter than the 30-day resolution), then D.
fn text_at(index: u64) -> &'static str {
    match index {
        0..100 => "A",
        100..200 => "B",
        200..240 => "A",
        240..245 => "C",
        _ => "D",
    }
}

fn timestamp_at(index: u64) -> String {
    shifted(FIRST_DAY, 2 * index)
}

/// `base` (14 digits) plus `days`.
fn shifted(base: &str, days: u64) -> String {
    let start = wayback::Timestamp::parse(base).expect("timestamp");
    start
        .add_seconds(days as i64 * 86_400)
        .expect("in range")
        .to_string()
}

fn body(name: &str) -> String {
    String::from_utf8(
        std::fs::read(repo().join("tests/fixtures/demo/bodies").join(name)).expect("demo body"),
    )
    .expect("UTF-8")
}

/// The real policy with its text changed to `version` (one sentence names it) and a comment
/// that differs in every capture (rotating ads, tokens): a new digest, the same text.
fn policy_capture(index: u64) -> FixtureCapture {
    let page = body("zooescape-privacy-2008.html");
    let sentence = "We use your IP address to help diagnose problems";
    assert!(page.contains(sentence), "the corpus page has the sentence");
    let page = page
        .replace(
            sentence,
            &format!(
                "We use your IP address (policy {}) to help diagnose problems",
                text_at(index)
            ),
        )
        .replace("</body>", &format!("<!-- ad slot {index} --></body>"));
    FixtureCapture::html(POLICY, &timestamp_at(index), page)
}

/// The homepage (linking the policy) monthly, and the policy's first `captures` captures.
fn archive_set(captures: u64) -> FixtureSet {
    let mut set = FixtureSet::new();
    let home = body("zooescape-home-2008.html");
    for month in 0..22 {
        set.add(FixtureCapture::html(
            "http://zooescape.com/",
            &shifted("20081201000000", month * 30),
            home.clone(),
        ));
    }
    for index in 0..captures {
        set.add(policy_capture(index));
    }
    set
}

fn config(dir: &Path) -> PathBuf {
    let path = dir.join("crawl.toml");
    std::fs::write(
        &path,
        "[archive]\ncdx_requests_per_minute = 1200\nplayback_requests_per_second = 40.0\nretry_base_delay = 0.02\nmax_retries = 1\n",
    )
    .expect("write config");
    path
}

fn crawl_command(archive: &Archive, dir: &Path, db: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crawler"));
    command
        .arg("--config")
        .arg(config(dir))
        .arg("--archive")
        .arg(archive.url())
        .arg("--db")
        .arg(db)
        .arg("crawl")
        .arg("zooescape.com")
        .args(extra)
        .args(if extra.contains(&"--exhaustive") {
            &[][..]
        } else {
            &["--strategy", "change-point"][..]
        })
        .env_remove("RUST_LOG")
        .env_remove("CRAWLER_CONFIG");
    command
}

fn run(mut command: Command) -> Output {
    let output = command.output().expect("crawler runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
    output
}

/// The policy captures the archive served since the log was cleared (their timestamps).
fn policy_downloads(archive: &Archive) -> Vec<String> {
    archive
        .server()
        .requests()
        .iter()
        .filter_map(|r| {
            let rest = r.path_and_query.strip_prefix("/web/")?;
            let (timestamp, url) = rest.split_once("id_/")?;
            url.contains("privacy.pl").then(|| timestamp.to_owned())
        })
        .collect()
}

/// (first_seen, captures_checked, captures_inferred) of each stored version, through SQLite.
fn versions(db: &Path) -> Vec<(String, i64, i64)> {
    let store = store::Store::open_read_only(db).expect("store");
    let domain = store
        .domain("zooescape.com", store::DocumentType::Privacy)
        .expect("query")
        .expect("the domain");
    store
        .versions(domain.id)
        .expect("versions")
        .into_iter()
        .map(|v| {
            (
                v.first_seen,
                v.captures_checked.expect("recorded"),
                v.captures_inferred.expect("recorded"),
            )
        })
        .collect()
}

#[test]
fn every_long_version_is_found_exactly_for_a_quarter_of_the_downloads_of_exhaustive() {
    let archive = Archive::serving(archive_set(CAPTURES));
    let dir = tempfile::tempdir().expect("temp dir");

    let exhaustive_db = dir.path().join("exhaustive.sqlite");
    run(crawl_command(
        &archive,
        dir.path(),
        &exhaustive_db,
        &["--exhaustive"],
    ));
    let exhaustive_downloads = policy_downloads(&archive).len();
    assert_eq!(exhaustive_downloads as u64, CAPTURES);
    let all: Vec<String> = versions(&exhaustive_db).into_iter().map(|v| v.0).collect();
    let expected_starts = [0, 100, 200, 240, 245].map(timestamp_at);
    assert_eq!(all, expected_starts);

    archive.server().clear_requests();
    let db = dir.path().join("change-point.sqlite");
    run(crawl_command(&archive, dir.path(), &db, &[]));
    let downloads = policy_downloads(&archive).len();
    let found = versions(&db);
    let starts: Vec<&str> = found.iter().map(|v| v.0.as_str()).collect();
    // C lasted 10 days: under the 30-day resolution it may be missed; every other version is
    // found with its exact first capture.
    for start in [0, 100, 200, 245].map(timestamp_at) {
        assert!(starts.contains(&start.as_str()), "{start} in {starts:?}");
    }
    assert!(
        downloads * 4 <= exhaustive_downloads,
        "{downloads} downloads against {exhaustive_downloads} for exhaustive"
    );
    // Every capture of a found version is either downloaded or inferred.
    let covered: i64 = found.iter().map(|v| v.1 + v.2).sum();
    let inferred: i64 = found.iter().map(|v| v.2).sum();
    assert!(inferred > 0);
    let missed_c = if starts.contains(&timestamp_at(240).as_str()) {
        0
    } else {
        5
    };
    assert_eq!(covered, CAPTURES as i64 - missed_c, "{found:?}");

    // --resolution shorter than C's life finds C too.
    archive.server().clear_requests();
    let fine_db = dir.path().join("fine.sqlite");
    run(crawl_command(
        &archive,
        dir.path(),
        &fine_db,
        &["--resolution", "8d"],
    ));
    let fine: Vec<String> = versions(&fine_db).into_iter().map(|v| v.0).collect();
    assert_eq!(fine, expected_starts);
    assert!(policy_downloads(&archive).len() < exhaustive_downloads);
}

#[test]
fn a_search_killed_and_rerun_ends_with_the_same_store_and_downloads_nothing_twice() {
    let archive = Archive::serving(archive_set(CAPTURES));
    let dir = tempfile::tempdir().expect("temp dir");
    let reference = dir.path().join("reference.sqlite");
    run(crawl_command(&archive, dir.path(), &reference, &[]));
    let expected = dump(&reference);

    let mut interrupted = 0;
    for (round, delay) in [250u64, 500, 800].into_iter().enumerate() {
        let db = dir.path().join(format!("killed-{round}.sqlite"));
        archive.server().clear_requests();
        let mut child = crawl_command(&archive, dir.path(), &db, &[])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let before_kill = policy_downloads(&archive);
        // The captures the killed run had stored as downloaded.
        let done: BTreeSet<String> = if db.exists() {
            let output = Command::new("sqlite3")
                .arg(&db)
                .arg(
                    "SELECT timestamp FROM captures WHERE role = 'policy' AND fetch_state = 'done'",
                )
                .output()
                .expect("sqlite3 runs");
            text(&output.stdout).lines().map(str::to_owned).collect()
        } else {
            BTreeSet::new()
        };
        if !done.is_empty() && dump(&db) != expected {
            interrupted += 1;
        }
        archive.server().clear_requests();
        run(crawl_command(&archive, dir.path(), &db, &[]));
        let again: Vec<String> = policy_downloads(&archive)
            .into_iter()
            .filter(|t| done.contains(t))
            .collect();
        assert!(
            again.is_empty(),
            "round {round}: downloaded again after the kill: {again:?} (killed after {} downloads)",
            before_kill.len()
        );
        assert_eq!(
            dump(&db),
            expected,
            "round {round}: killed after {delay} ms"
        );
    }
    assert!(
        interrupted >= 1,
        "the kills must land in the middle of a search to prove anything"
    );
}

#[test]
fn an_incremental_run_searches_only_the_new_captures() {
    let archive = Archive::serving(archive_set(CAPTURES));
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crawler.sqlite");
    run(crawl_command(&archive, dir.path(), &db, &[]));
    let last_listed = timestamp_at(CAPTURES - 1);

    // Sixty more days of captures: D for a month, then E.
    for index in CAPTURES..CAPTURES + 30 {
        let mut capture = policy_capture(index);
        if index >= CAPTURES + 15 {
            let page = text(&capture.body).replace("(policy D)", "(policy E)");
            capture = FixtureCapture::html(POLICY, &timestamp_at(index), page);
        }
        archive.server().add_capture(capture);
    }
    archive.server().clear_requests();
    run(crawl_command(&archive, dir.path(), &db, &[]));
    let downloads = policy_downloads(&archive);
    assert!(!downloads.is_empty());
    for timestamp in &downloads {
        assert!(
            timestamp.as_str() > last_listed.as_str(),
            "{timestamp} was searched before: {downloads:?}"
        );
    }
    // log2(30) and the end: a handful, not thirty.
    assert!(downloads.len() <= 8, "{downloads:?}");
    let starts: Vec<String> = versions(&db).into_iter().map(|v| v.0).collect();
    assert_eq!(starts.last(), Some(&timestamp_at(CAPTURES + 15)));
}
