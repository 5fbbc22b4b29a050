//! `crawler crawl`, `history` and `status` as a user runs them, against the local archive
//! serving `tests/fixtures/demo`: killed at random points and rerun, the store ends the same
//! as after one uninterrupted run; a second writer is refused; the archive's 429 stops the run
//! cleanly with everything kept; a run in which every domain failed exits 1.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

mod common;

use common::{Archive, dump, repo, text};
use fake_wayback::{Fault, FaultRule, FaultTarget};

/// Limits that make a demo crawl last about a second: long enough to be killed in the middle.
fn config(dir: &Path) -> PathBuf {
    let path = dir.join("crawl.toml");
    std::fs::write(
        &path,
        "[archive]\ncdx_requests_per_minute = 1200\nplayback_requests_per_second = 30.0\nretry_base_delay = 0.02\nmax_retries = 1\ndefault_retry_after = 0.3\n\n[crawl]\ndomain_concurrency = 2\n",
    )
    .expect("write config");
    path
}

fn crawl_command(archive: &Archive, dir: &Path, db: &Path) -> Command {
    crawl_command_with(archive, &config(dir), db)
}

fn crawl_command_with(archive: &Archive, config: &Path, db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crawler"));
    command
        .arg("--config")
        .arg(config)
        .arg("--archive")
        .arg(archive.server().base_url())
        .arg("--db")
        .arg(db)
        .arg("crawl")
        .arg("--domains-file")
        .arg(repo().join("tests/fixtures/demo/domains.txt"))
        .env_remove("RUST_LOG")
        .env_remove("CRAWLER_CONFIG");
    command
}

fn run(mut command: Command) -> Output {
    command.output().expect("crawler runs")
}

#[test]
fn a_crawl_killed_at_random_points_and_rerun_ends_with_the_same_store() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let reference = dir.path().join("reference.sqlite");
    let output = run(crawl_command(&archive, dir.path(), &reference));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let summary = text(&output.stdout);
    assert!(summary.contains("crawl: 7 new versions"), "{summary}");
    let expected = dump(&reference);
    assert!(expected.contains("\"version\""), "{expected}");

    // Kill points spread over the run (a fixed sequence, so a failure can be replayed).
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut interrupted_mid_run = 0;
    for round in 0..5 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let db = dir.path().join(format!("killed-{round}.sqlite"));
        let mut killed_at = Vec::new();
        for kill in 0..2 {
            let delay = 40 + (state >> (kill * 16)) % 900;
            let mut child = crawl_command(&archive, dir.path(), &db)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn");
            std::thread::sleep(Duration::from_millis(delay));
            let _ = child.kill(); // SIGKILL: no chance to clean up.
            let _ = child.wait();
            killed_at.push(delay);
        }
        if !db.exists() || dump(&db) != expected {
            interrupted_mid_run += 1;
        }
        let output = run(crawl_command(&archive, dir.path(), &db));
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert_eq!(
            dump(&db),
            expected,
            "round {round}: killed after {killed_at:?} ms, then rerun"
        );
    }
    assert!(
        interrupted_mid_run >= 3,
        "the kills must land mid-run to prove anything ({interrupted_mid_run} of 5 did)"
    );
}

#[test]
fn a_rerun_reports_no_new_versions_and_history_and_status_read_the_store() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("data/crawler.sqlite");
    let first = run(crawl_command(&archive, dir.path(), &db));
    assert!(first.status.success(), "{}", text(&first.stderr));
    let again = run(crawl_command(&archive, dir.path(), &db));
    assert!(again.status.success(), "{}", text(&again.stderr));
    let summary = text(&again.stdout);
    assert!(summary.contains("crawl: 0 new versions"), "{summary}");
    assert!(summary.contains(" 0 playback requests"), "{summary}");

    // Just crawled: nothing is due, and nothing is asked of the archive.
    archive.server().clear_requests();
    let mut due = crawl_command(&archive, dir.path(), &db);
    due.arg("--due");
    let due = run(due);
    assert!(due.status.success(), "{}", text(&due.stderr));
    assert!(
        text(&due.stdout).contains("no domain is due"),
        "{}",
        text(&due.stdout)
    );
    assert!(archive.server().requests().is_empty());

    let crawler = |args: &[&str]| {
        run({
            let mut command = Command::new(env!("CARGO_BIN_EXE_crawler"));
            command.arg("--db").arg(&db).args(args);
            command
        })
    };
    let history = crawler(&["history", "https://www.zooescape.com/"]);
    assert!(history.status.success(), "{}", text(&history.stderr));
    let table = text(&history.stdout);
    assert!(table.contains("2008-12-16  2010-03-01"), "{table}");
    assert!(table.contains("2010-03-01  now"), "{table}");
    assert!(table.contains("http://zooescape.com/privacy.pl"), "{table}");

    let status = crawler(&["status"]);
    assert!(status.status.success(), "{}", text(&status.stderr));
    let status = text(&status.stdout);
    assert!(
        status.contains("domains: 5 (4 with versions); versions: 7"),
        "{status}"
    );
    assert!(status.contains("last run: #2 completed"), "{status}");
    assert!(status.contains("blocked-example.com: blocked"), "{status}");

    let unknown = crawler(&["history", "never-crawled.example"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        text(&unknown.stderr).contains("not in"),
        "{}",
        text(&unknown.stderr)
    );
    let bad = crawler(&["history", "not a domain"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn a_second_crawl_on_the_same_database_is_refused() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crawler.sqlite");
    let _held = store::Store::lock_for_writing(&db).expect("the first crawl's lock");
    let output = run(crawl_command(&archive, dir.path(), &db));
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("another crawl is writing"), "{stderr}");
    assert!(archive.server().requests().is_empty(), "nothing was sent");
}

#[test]
fn a_429_stops_the_run_cleanly_and_the_rerun_finishes_it() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crawler.sqlite");
    // Every playback answers 429: the first pauses, the second within the window halts.
    archive.server().add_fault(FaultRule::new(
        FaultTarget::Pool(fake_wayback::Pool::Playback),
        Fault::TooManyRequests {
            retry_after: Some(fake_wayback::RetryAfter::Seconds(0)),
        },
    ));
    let output = run(crawl_command(&archive, dir.path(), &db));
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stdout));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("rate-limiting") && stderr.contains("retry"),
        "{stderr}"
    );
    let status = run({
        let mut command = Command::new(env!("CARGO_BIN_EXE_crawler"));
        command.arg("--db").arg(&db).arg("status");
        command
    });
    assert!(
        text(&status.stdout).contains("halted"),
        "{}",
        text(&status.stdout)
    );

    archive.server().clear_faults();
    let output = run(crawl_command(&archive, dir.path(), &db));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let fresh = dir.path().join("fresh.sqlite");
    let reference = run(crawl_command(&archive, dir.path(), &fresh));
    assert!(reference.status.success());
    assert_eq!(
        dump(&db),
        dump(&fresh),
        "the halted run lost or duplicated nothing"
    );
}

#[test]
fn a_run_exits_1_when_every_domain_failed_and_0_when_some_did() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    // The archive's listings fail for every domain: nothing at all can be crawled.
    archive.server().add_fault(FaultRule::new(
        FaultTarget::Pool(fake_wayback::Pool::Cdx),
        Fault::ServiceUnavailable,
    ));
    let output = run(crawl_command(
        &archive,
        dir.path(),
        &dir.path().join("all.sqlite"),
    ));
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stdout));
    assert!(
        text(&output.stderr).contains("every domain failed"),
        "{}",
        text(&output.stderr)
    );
    assert!(
        text(&output.stdout).contains("failed"),
        "{}",
        text(&output.stdout)
    );

    // Only one domain's listings fail: the run did its job for the others.
    archive.server().clear_faults();
    archive.server().add_fault(FaultRule::new(
        FaultTarget::PathContains("zooescape".into()),
        Fault::ServiceUnavailable,
    ));
    let output = run(crawl_command(
        &archive,
        dir.path(),
        &dir.path().join("some.sqlite"),
    ));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout
            .lines()
            .any(|line| line.starts_with("zooescape.com") && line.contains("failed")),
        "{stdout}"
    );
}

/// `crawler crawl DOMAIN...` with the fast test limits.
fn crawl_named(archive: &Archive, dir: &Path, db: &Path, domains: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crawler"));
    command
        .arg("--config")
        .arg(config(dir))
        .arg("--archive")
        .arg(archive.url())
        .arg("--db")
        .arg(db)
        .arg("crawl")
        .args(domains)
        .env_remove("RUST_LOG")
        .env_remove("CRAWLER_CONFIG");
    run(command)
}

/// zooescape.com's real homepage and policy (from the corpus), the policy archived four times
/// with the same bytes: the archive's digest-collapse lists only the first.
fn unchanged_policy_archive() -> fake_wayback::FixtureSet {
    let bodies = repo().join("tests/fixtures/demo/bodies");
    let read = |name: &str| std::fs::read(bodies.join(name)).expect("demo body");
    let mut set = fake_wayback::FixtureSet::new();
    set.add(fake_wayback::FixtureCapture::html(
        "http://zooescape.com/",
        "20081201000000",
        read("zooescape-home-2008.html"),
    ));
    for timestamp in [
        "20081216163555",
        "20090110000000",
        "20090610000000",
        "20091001000000",
    ] {
        set.add(fake_wayback::FixtureCapture::html(
            "http://zooescape.com/privacy.pl",
            timestamp,
            read("zooescape-privacy-2008.html"),
        ));
    }
    set
}

#[test]
fn reruns_on_an_unchanged_archive_change_nothing_at_all() {
    let archive = Archive::serving(unchanged_policy_archive());
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("reruns.sqlite");
    let first = crawl_named(&archive, dir.path(), &db, &["zooescape.com"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains("crawl: 1 new versions"),
        "{}",
        text(&first.stdout)
    );
    let expected = dump(&db);
    assert!(expected.contains("\"capture_count\":1"), "{expected}");
    for rerun in 1..=3 {
        let again = crawl_named(&archive, dir.path(), &db, &["zooescape.com"]);
        assert!(again.status.success(), "{}", text(&again.stderr));
        assert_eq!(dump(&db), expected, "rerun {rerun} changed the store");
    }

    // The archive grows: one new text after the repeats. The incremental store holds what a
    // fresh crawl of the grown archive holds, capture counts, last_seen and tails included (the
    // decision trail differs by design: it records what each run decided for its new span).
    let bodies = repo().join("tests/fixtures/demo/bodies");
    archive
        .server()
        .add_capture(fake_wayback::FixtureCapture::html(
            "http://zooescape.com/privacy.pl",
            "20100301000000",
            std::fs::read(bodies.join("zooescape-privacy-2010.html")).expect("demo body"),
        ));
    let grown = crawl_named(&archive, dir.path(), &db, &["zooescape.com"]);
    assert!(
        text(&grown.stdout).contains("crawl: 1 new versions"),
        "{}",
        text(&grown.stdout)
    );
    let fresh = dir.path().join("fresh.sqlite");
    let once = crawl_named(&archive, dir.path(), &fresh, &["zooescape.com"]);
    assert!(once.status.success(), "{}", text(&once.stderr));
    let facts = |db: &Path| -> Vec<String> {
        dump(db)
            .lines()
            .filter(|line| !line.starts_with("{\"discovery\""))
            .map(str::to_owned)
            .collect()
    };
    let (incremental, fresh) = (facts(&db), facts(&fresh));
    assert_eq!(incremental.len(), fresh.len());
    for (incremental, fresh) in incremental.iter().zip(&fresh) {
        assert_eq!(incremental, fresh);
    }
}

#[test]
fn a_redirect_loop_is_retried_on_later_runs_and_the_repaired_archive_gives_every_version() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let reference = dir.path().join("reference.sqlite");
    let clean = run(crawl_command(&archive, dir.path(), &reference));
    assert!(clean.status.success(), "{}", text(&clean.stderr));

    // The archive loops on zooescape's policy for a while, then is repaired.
    archive.server().add_fault(FaultRule::new(
        FaultTarget::PathContains("zooescape.com/privacy.pl".into()),
        Fault::RedirectLoop,
    ));
    let db = dir.path().join("faulty.sqlite");
    let faulty = run(crawl_command(&archive, dir.path(), &db));
    assert!(faulty.status.success(), "{}", text(&faulty.stderr));
    let status = run({
        let mut command = Command::new(env!("CARGO_BIN_EXE_crawler"));
        command.arg("--db").arg(&db).arg("status");
        command
    });
    let status = text(&status.stdout);
    // zooescape's policy has three captures: the search downloads the two ends first, and
    // both loop; the middle one waits, untried, for its span's ends.
    assert!(
        status.contains("captures waiting for a retry: 2"),
        "the looping captures wait for a retry: {status}"
    );
    assert_ne!(dump(&db), dump(&reference), "the loop cost versions");

    archive.server().clear_faults();
    let repaired = run(crawl_command(&archive, dir.path(), &db));
    assert!(repaired.status.success(), "{}", text(&repaired.stderr));
    assert_eq!(dump(&db), dump(&reference));
}

#[test]
fn an_absurd_retry_after_stops_captures_and_crawl_with_the_retry_time() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    for seconds in [u64::MAX, 999_999_999_999] {
        archive.server().clear_faults();
        archive.server().add_fault(FaultRule::new(
            FaultTarget::Pool(fake_wayback::Pool::Cdx),
            Fault::TooManyRequests {
                retry_after: Some(fake_wayback::RetryAfter::Seconds(seconds)),
            },
        ));
        let captures = run({
            let mut command = Command::new(env!("CARGO_BIN_EXE_crawler"));
            command
                .arg("--config")
                .arg(config(dir.path()))
                .arg("--archive")
                .arg(archive.url())
                .args(["captures", "zooescape.com", "--match", "host"])
                .env_remove("RUST_LOG");
            command
        });
        let stderr = text(&captures.stderr);
        assert_eq!(captures.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("retry after"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");

        let db = dir.path().join(format!("retry-{seconds}.sqlite"));
        let crawl = crawl_named(&archive, dir.path(), &db, &["zooescape.com"]);
        let stderr = text(&crawl.stderr);
        assert_eq!(crawl.status.code(), Some(1), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            format!("{stderr}{}", text(&crawl.stdout)).contains("retry after"),
            "{stderr}"
        );
    }
}

/// `crawler crawl` of the demo domains with extra `[crawl]` settings.
fn crawl_with(archive: &Archive, dir: &Path, db: &Path, crawl_settings: &str) -> Output {
    let path = dir.join("crawl-with.toml");
    std::fs::write(
        &path,
        format!(
            "[archive]\ncdx_requests_per_minute = 1200\nplayback_requests_per_second = 30.0\nretry_base_delay = 0.02\nmax_retries = 1\n\n[crawl]\n{crawl_settings}\n"
        ),
    )
    .expect("write config");
    run(crawl_command_with(archive, &path, db))
}

#[test]
fn bodies_damaged_in_transit_are_fetched_again_and_never_become_versions() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let reference = dir.path().join("reference.sqlite");
    assert!(
        run(crawl_command(&archive, dir.path(), &reference))
            .status
            .success()
    );
    let expected = dump(&reference);

    // One damaged body: fetched again at once, and the store is as if nothing happened.
    archive.server().add_fault(
        FaultRule::new(
            FaultTarget::PathContains("zooescape.com/privacy.pl".into()),
            Fault::ScrambledBody,
        )
        .times(1),
    );
    let db = dir.path().join("once.sqlite");
    let once = run(crawl_command(&archive, dir.path(), &db));
    assert!(once.status.success(), "{}", text(&once.stderr));
    assert_eq!(dump(&db), expected);

    // Damaged every time: retried on later runs, then kept, flagged and out of versions.
    archive.server().clear_faults();
    archive.server().add_fault(FaultRule::new(
        FaultTarget::PathContains("zooescape.com/privacy.pl".into()),
        Fault::ScrambledBody,
    ));
    // Every capture is tried on every run (exhaustive): the change-point search would try the
    // middle capture only once the two ends were settled.
    let db = dir.path().join("always.sqlite");
    for _ in 0..2 {
        let output = crawl_with(
            &archive,
            dir.path(),
            &db,
            "max_fetch_attempts = 2\nstrategy = \"exhaustive\"",
        );
        assert!(output.status.success(), "{}", text(&output.stderr));
    }
    let damaged = dump(&db);
    assert!(
        damaged.contains("\"digest_check\":\"mismatch\""),
        "{damaged}"
    );
    assert!(
        !damaged.contains("\"version\":{\"domain\":\"zooescape.com\""),
        "damaged bytes made a version"
    );
    let status = run({
        let mut command = Command::new(env!("CARGO_BIN_EXE_crawler"));
        command.arg("--db").arg(&db).arg("status");
        command
    });
    assert!(
        text(&status.stdout)
            .contains("kept out of versions (bytes differ from the archive's digest): 3"),
        "{}",
        text(&status.stdout)
    );
    // Another capture with the same digest never reuses the damaged bytes; the user may ask
    // for them to count.
    let accepted = crawl_with(
        &archive,
        dir.path(),
        &db,
        "max_fetch_attempts = 2\naccept_digest_mismatch = true\nstrategy = \"exhaustive\"",
    );
    assert!(accepted.status.success(), "{}", text(&accepted.stderr));
    assert!(dump(&db).contains("\"version\":{\"domain\":\"zooescape.com\""));
}
