//! `crawler rebuild` on a store whose texts an older converter made: the demo archive crawled,
//! then its texts, text hashes and fields changed in the database as an older converter and
//! fields extractor would have left them. A rebuild reports exactly the changed versions and
//! repairs them (the store equals the fresh crawl's again, with the rebuild's marks); a dry run
//! changes nothing; a second rebuild finds nothing to do.

use std::path::Path;
use std::process::Output;

mod common;

use common::{Archive, crawl_demo, crawler, dump, sqlite3_write, text};

fn rebuild(db: &Path, extra: &[&str]) -> Output {
    crawler()
        .arg("--db")
        .arg(db)
        .arg("rebuild")
        .args(extra)
        .output()
        .expect("crawler runs")
}

/// What an older converter and fields extractor left: zooescape.com's second version with
/// another text (and so another hash), tracking101.com's two versions seen as one text, and
/// visionbill.com's first version with other fields.
const OLDER_TOOLING: &str = "
INSERT INTO texts (key, body, templated)
SELECT 'OLDTEXT', replace(body, 'privacy', 'privacy (as an older converter wrote it)'), templated
  FROM texts
 WHERE key IN (SELECT c.text_key FROM captures c JOIN versions v ON v.first_capture_id = c.id
               JOIN domains d ON d.id = v.domain_id WHERE d.name = 'zooescape.com' AND v.seq = 2);
UPDATE captures SET text_hash = 'OLDHASH', text_key = 'OLDTEXT', converter = 'policy-text 0'
 WHERE text_hash = (SELECT v.text_hash FROM versions v JOIN domains d ON d.id = v.domain_id
                    WHERE d.name = 'zooescape.com' AND v.seq = 2);
UPDATE versions SET text_hash = 'OLDHASH',
       markdown = replace(markdown, 'privacy', 'privacy (as an older converter wrote it)')
 WHERE seq = 2 AND domain_id = (SELECT id FROM domains WHERE name = 'zooescape.com');

UPDATE captures SET converter = 'policy-text 0', text_hash =
       (SELECT v.text_hash FROM versions v JOIN domains d ON d.id = v.domain_id
        WHERE d.name = 'tracking101.com' AND v.seq = 1)
 WHERE text_hash = (SELECT v.text_hash FROM versions v JOIN domains d ON d.id = v.domain_id
                    WHERE d.name = 'tracking101.com' AND v.seq = 2);
UPDATE versions SET capture_count = 3,
       last_seen = (SELECT last_seen FROM versions v JOIN domains d ON d.id = v.domain_id
                    WHERE d.name = 'tracking101.com' AND v.seq = 2),
       last_capture_id = (SELECT last_capture_id FROM versions v JOIN domains d ON d.id = v.domain_id
                    WHERE d.name = 'tracking101.com' AND v.seq = 2)
 WHERE seq = 1 AND domain_id = (SELECT id FROM domains WHERE name = 'tracking101.com');
DELETE FROM versions
 WHERE seq = 2 AND domain_id = (SELECT id FROM domains WHERE name = 'tracking101.com');

UPDATE versions SET fields = '{\"title\":\"older\",\"word_count\":1}', fields_version = 'fields 0'
 WHERE seq = 1 AND domain_id = (SELECT id FROM domains WHERE name = 'visionbill.com');
";

/// The dump without the marks a rebuild leaves (`rebuilt`), for comparing with a fresh crawl.
fn without_marks(dump: &str) -> String {
    dump.replace("\"rebuilt\":\"text\"", "\"rebuilt\":null")
        .replace("\"rebuilt\":\"split\"", "\"rebuilt\":null")
}

#[test]
fn a_rebuild_reports_and_repairs_exactly_what_older_tooling_made() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crawler.sqlite");
    crawl_demo(&archive, dir.path(), &db);
    drop(archive);
    let fresh = dump(&db);
    assert!(fresh.contains("\"text\":{"), "texts are kept: {fresh}");

    // Today's tooling on today's store: nothing to do.
    let output = rebuild(&db, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("rebuild: 5 domain(s), 0 changed"),
        "{stdout}"
    );
    assert_eq!(dump(&db), fresh);

    sqlite3_write(&db, OLDER_TOOLING);
    let older = dump(&db);
    assert_ne!(older, fresh);

    let dry = rebuild(&db, &["--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    let report = text(&dry.stdout);
    assert_eq!(dump(&db), older, "a dry run changes nothing");
    let lines: Vec<&str> = report.lines().collect();
    let line = |domain: &str| -> String {
        lines
            .iter()
            .find(|l| l.starts_with(domain))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| panic!("no line for {domain} in {report}"))
    };
    assert_eq!(
        line("zooescape.com"),
        "zooescape.com 2 of 3 captures' texts changed; versions 2 -> 2 (0 merged, 0 split, 1 texts changed, 0 fields changed)"
    );
    assert_eq!(
        line("tracking101.com"),
        "tracking101.com 2 of 3 captures' texts changed; versions 1 -> 2 (0 merged, 1 split, 0 texts changed, 0 fields changed)"
    );
    assert_eq!(
        line("visionbill.com"),
        "visionbill.com 0 of 2 captures' texts changed; versions 2 -> 2 (0 merged, 0 split, 0 texts changed, 1 fields changed)"
    );
    assert_eq!(line("shocklet.in"), "shocklet.in unchanged (1 captures)");
    assert!(
        report.contains("rebuild (dry run): 5 domain(s), 3 would change"),
        "{report}"
    );

    let output = rebuild(&db, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let repaired = text(&output.stdout);
    assert_eq!(
        repaired.replace(
            "rebuild: 5 domain(s), 3 changed",
            "rebuild (dry run): 5 domain(s), 3 would change"
        ),
        report,
        "the rebuild did what the dry run said"
    );
    let rebuilt = dump(&db);
    assert_eq!(
        without_marks(&rebuilt),
        fresh,
        "repaired to what a fresh crawl stores"
    );
    // The marks say which versions the tooling changed: zooescape.com's re-derived text and
    // tracking101.com's version that only the newer converter tells apart.
    let marked: Vec<&str> = rebuilt
        .lines()
        .filter(|l| l.starts_with("{\"version\"") && !l.contains("\"rebuilt\":null"))
        .collect();
    assert_eq!(marked.len(), 2, "{marked:#?}");
    assert!(
        marked[0].contains("\"domain\":\"tracking101.com\",\"seq\":2")
            && marked[0].contains("\"rebuilt\":\"split\""),
        "{}",
        marked[0]
    );
    assert!(
        marked[1].contains("\"domain\":\"zooescape.com\",\"seq\":2")
            && marked[1].contains("\"rebuilt\":\"text\""),
        "{}",
        marked[1]
    );

    // The version only a newer converter tells apart is shown as a tooling change.
    let diff = crawler()
        .arg("--db")
        .arg(&db)
        .arg("diff")
        .arg("tracking101.com")
        .output()
        .expect("crawler runs");
    assert!(diff.status.success(), "{}", text(&diff.stderr));
    let timeline: Vec<String> = text(&diff.stdout)
        .lines()
        .filter(|l| l.starts_with('v') && l.contains(" .. "))
        .map(str::to_owned)
        .collect();
    assert_eq!(timeline.len(), 2, "{timeline:?}");
    assert!(
        !timeline[0].contains("crawler rebuild")
            && timeline[1]
                .ends_with("[found by crawler rebuild: a tooling change, not a policy change]"),
        "{timeline:#?}"
    );

    // Resumable and idempotent: run again, nothing changes.
    let again = rebuild(&db, &["--json"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    let json: serde_json::Value = serde_json::from_slice(&again.stdout).expect("json report");
    let domains = json["domains"].as_array().expect("domains");
    assert_eq!(domains.len(), 5);
    assert!(
        domains.iter().all(|d| d["texts_changed"] == 0
            && d["split"] == 0
            && d["versions_fields_changed"] == 0),
        "{json}"
    );
    assert_eq!(dump(&db), rebuilt);
}

#[test]
fn a_rebuild_of_a_domain_the_store_lacks_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crawler.sqlite");
    store::Store::open(&db).expect("create");
    let output = rebuild(&db, &["nowhere.example"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("nowhere.example is not in the store"),
        "{}",
        text(&output.stderr)
    );
}

/// Every text, text hash and version of a store as an older converter would have left them:
/// all of them differ from what today's converter makes.
const ALL_OLDER: &str = "
UPDATE captures SET converter = 'policy-text 0', text_hash = text_hash || 'OLD'
 WHERE text_hash IS NOT NULL;
UPDATE versions SET converter = 'policy-text 0', text_hash = text_hash || 'OLD',
       markdown = markdown || 'as an older converter wrote it';
";

/// Copies a store whose writer has exited (its WAL files too, if any are left).
fn copy_store(from: &Path, to: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let source = std::path::PathBuf::from(format!("{}{suffix}", from.display()));
        if source.exists() {
            std::fs::copy(&source, format!("{}{suffix}", to.display())).expect("copy the store");
        }
    }
}

#[test]
fn a_rebuild_killed_at_random_points_and_rerun_ends_with_the_same_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixtures = dir.path().join("archive");
    synthetic_archive::write_archive(&fixtures, 30, 20261202).expect("generated archive");
    let archive = Archive::serving(fake_wayback::FixtureSet::load(&fixtures).expect("fixtures"));
    let config = dir.path().join("fast.toml");
    std::fs::write(
        &config,
        "[archive]\ncdx_requests_per_minute = 6000\nplayback_requests_per_second = 300.0\nretry_base_delay = 0.02\n",
    )
    .expect("write config");
    let older = dir.path().join("older.sqlite");
    let crawled = crawler()
        .arg("--config")
        .arg(&config)
        .arg("--archive")
        .arg(archive.url())
        .arg("--db")
        .arg(&older)
        .arg("crawl")
        .arg("--domains-file")
        .arg(fixtures.join("domains.txt"))
        .output()
        .expect("crawler runs");
    assert!(crawled.status.success(), "{}", text(&crawled.stderr));
    drop(archive);
    let fresh = dump(&older);
    sqlite3_write(&older, ALL_OLDER);

    let reference = dir.path().join("reference.sqlite");
    copy_store(&older, &reference);
    let output = rebuild(&reference, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let expected = dump(&reference);
    assert_eq!(
        without_marks(&expected),
        fresh,
        "the uninterrupted rebuild gives back what the crawl stored"
    );

    // Killed after the 3rd, 10th, 17th and 24th of the 30 domains' report lines: in the middle
    // of the run whatever the machine's speed.
    let mut killed_mid_run = 0;
    for (round, after) in [3, 10, 17, 24].into_iter().enumerate() {
        let db = dir.path().join(format!("killed-{round}.sqlite"));
        copy_store(&older, &db);
        let mut child = crawler()
            .arg("--db")
            .arg(&db)
            .arg("rebuild")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("crawler starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
        for _ in 0..after {
            lines.next();
        }
        if child.try_wait().expect("child state").is_none() {
            killed_mid_run += 1;
        }
        let _ = child.kill();
        child.wait().expect("child ends");
        let rerun = rebuild(&db, &[]);
        assert!(rerun.status.success(), "{}", text(&rerun.stderr));
        assert_eq!(
            dump(&db),
            expected,
            "round {round}: killed after {after} domains"
        );
    }
    assert!(
        killed_mid_run >= 2,
        "only {killed_mid_run} of 4 rebuilds were still running when killed"
    );
}

/// What migration 4 leaves of a store made before texts were kept: every text column empty.
const BEFORE_TEXTS_WERE_KEPT: &str = "
UPDATE captures SET text_key = NULL, title = NULL, converter = NULL;
DELETE FROM texts;
UPDATE versions SET converter = NULL, fields_version = NULL;
";

#[test]
fn a_store_from_before_texts_were_kept_keeps_its_versions_and_a_rebuild_completes_it() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crawler.sqlite");
    crawl_demo(&archive, dir.path(), &db);
    let fresh = dump(&db);
    let versions = |dump: &str| -> Vec<String> {
        dump.lines()
            .filter(|l| l.starts_with("{\"version\""))
            .map(str::to_owned)
            .collect()
    };
    sqlite3_write(&db, BEFORE_TEXTS_WERE_KEPT);

    // A crawl on the unchanged archive converts each version's first capture once more, and
    // the versions come out byte for byte as they were.
    crawl_demo(&archive, dir.path(), &db);
    let rerun = dump(&db);
    assert_eq!(versions(&rerun), versions(&fresh));
    let kept = rerun.lines().filter(|l| l.starts_with("{\"text\"")).count();
    assert_eq!(kept, 7, "one kept text per version's first capture");

    // The rebuild gives every other capture its text: the store a fresh crawl makes.
    let output = rebuild(&db, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(dump(&db), fresh);
}
