//! `crawler export` on a crawled demo archive: the SQLite dataset opens in the system `sqlite3`
//! with the documented tables and row counts, JSON lines and CSV carry the same rows, and the
//! Markdown layout cannot be made to write outside its folder.

mod common;

use std::path::Path;
use std::process::Output;

use common::{Archive, crawl_demo, crawler, sqlite3_write, text};

fn export(db: &Path, args: &[&str]) -> Output {
    crawler()
        .arg("--db")
        .arg(db)
        .arg("export")
        .args(args)
        .output()
        .expect("crawler runs")
}

fn sqlite3(file: &Path, sql: &str) -> String {
    let output = std::process::Command::new("sqlite3")
        .arg("-readonly")
        .arg(file)
        .arg(sql)
        .output()
        .expect("the system sqlite3 runs (.ci/run installs it)");
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout).trim().to_owned()
}

#[test]
fn the_sqlite_dataset_reads_back_with_the_system_sqlite3() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crawler.sqlite");
    crawl_demo(&archive, dir.path(), &db);
    let out = dir.path().join("dataset.sqlite");
    let output = export(
        &db,
        &["--out", out.to_str().expect("utf-8"), "--with-contents"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("4 domains, 7 versions"),
        "{}",
        text(&output.stderr)
    );

    assert_eq!(
        sqlite3(
            &out,
            "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)"
        ),
        "contents dataset_info domains versions versions_fts versions_fts_config versions_fts_data versions_fts_docsize versions_fts_idx"
    );
    // The full-text index holds every exported version's title and Markdown.
    assert_eq!(
        sqlite3(
            &out,
            "SELECT count(*) FROM versions_fts WHERE versions_fts MATCH 'privacy'"
        ),
        sqlite3(
            &out,
            "SELECT count(*) FROM versions WHERE lower(title || ' ' || markdown) LIKE '%privacy%'"
        )
    );
    assert_eq!(sqlite3(&out, "SELECT count(*) FROM versions"), "7");
    assert_eq!(sqlite3(&out, "SELECT count(*) FROM domains"), "4");
    assert_eq!(
        sqlite3(
            &out,
            "SELECT value FROM dataset_info WHERE key = 'versions'"
        ),
        "7"
    );
    assert!(
        sqlite3(&out, "SELECT value FROM dataset_info WHERE key = 'tool'").starts_with("crawler ")
    );
    assert_eq!(
        sqlite3(
            &out,
            "SELECT group_concat(value, ' / ') FROM dataset_info
             WHERE key IN ('converter_version', 'fields_version') ORDER BY key"
        ),
        format!("{} / {}", policy_text::CONVERTER_VERSION, fields::VERSION)
    );
    assert_eq!(
        sqlite3(
            &out,
            "SELECT group_concat(version || ':' || archive_date || ':' || ifnull(valid_until, 'now'), ' ') FROM versions WHERE domain = 'zooescape.com'"
        ),
        "1:2008-12-16:20100301000000 2:2010-03-01:now"
    );
    // Fields are columns: the zooescape page states no date but talks about cookies.
    let columns = sqlite3(
        &out,
        "SELECT group_concat(name, ',') FROM pragma_table_info('versions')",
    );
    for column in [
        "domain",
        "version",
        "archive_timestamp",
        "archive_date",
        "valid_until",
        "found_url",
        "snapshot_url",
        "policy_host",
        "relation",
        "shared_text_domains",
        "status",
        "content_length",
        "charset",
        "title",
        "stated_date",
        "word_count",
        "flesch_kincaid_grade",
        "language",
        "emails",
        "practice_cookies",
        "practice_gdpr",
        "third_parties",
        "markdown",
    ] {
        assert!(
            columns.split(',').any(|c| c == column),
            "no column {column} in {columns}"
        );
    }
    assert_eq!(
        sqlite3(
            &out,
            "SELECT count(*) FROM versions WHERE word_count > 100 AND language = 'en'"
        ),
        "7"
    );
    assert_eq!(
        sqlite3(
            &out,
            "SELECT count(*) FROM versions v JOIN contents c ON c.sha1 = v.content_sha1 WHERE length(c.body) = v.content_length"
        ),
        "7"
    );

    let latest = dir.path().join("latest.sqlite");
    let output = export(
        &db,
        &[
            "--out",
            latest.to_str().expect("utf-8"),
            "--latest-only",
            "--domains",
            "zooescape.com,tracking101.com",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        sqlite3(
            &latest,
            "SELECT group_concat(domain || ' v' || version, ', ') FROM versions"
        ),
        "tracking101.com v2, zooescape.com v2"
    );
    let early = dir.path().join("early.sqlite");
    let output = export(
        &db,
        &["--out", early.to_str().expect("utf-8"), "--to", "2009"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    // First seen by the end of 2009: zooescape v1, tracking101 v1, visionbill v1 and v2.
    assert_eq!(sqlite3(&early, "SELECT count(*) FROM versions"), "4");
}

#[test]
fn jsonl_and_csv_carry_the_same_rows() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crawler.sqlite");
    crawl_demo(&archive, dir.path(), &db);
    let jsonl = export(&db, &["--out", "-", "--format", "jsonl"]);
    assert!(jsonl.status.success(), "{}", text(&jsonl.stderr));
    let rows: Vec<serde_json::Value> = text(&jsonl.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[0]["domain"], "shocklet.in");
    assert!(
        rows[0]["markdown"]
            .as_str()
            .is_some_and(|m| m.starts_with("> *The following"))
    );

    let csv_path = dir.path().join("versions.csv");
    let csv = export(
        &db,
        &[
            "--out",
            csv_path.to_str().expect("utf-8"),
            "--format",
            "csv",
        ],
    );
    assert!(csv.status.success(), "{}", text(&csv.stderr));
    let mut reader = csv::Reader::from_path(&csv_path).expect("csv");
    let headers = reader.headers().expect("header").clone();
    assert_eq!(headers.get(0), Some("domain"));
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(records.len(), 7);
    let markdown_at = headers
        .iter()
        .position(|h| h == "markdown")
        .expect("markdown column");
    assert_eq!(
        records[0].get(markdown_at),
        rows[0]["markdown"].as_str(),
        "multi-line cells survive"
    );
}

#[test]
fn the_markdown_layout_stays_inside_its_folder_whatever_the_domain() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crawler.sqlite");
    crawl_demo(&archive, dir.path(), &db);
    // A store shared by others may hold any domain string: plant hostile ones.
    plant_hostile_domains(&db);
    let out = dir.path().join("tree");
    let output = export(
        &db,
        &[
            "--out",
            out.to_str().expect("utf-8"),
            "--format",
            "markdown",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let mut files = Vec::new();
    collect(&out, &mut files);
    // Seven versions, and the marker that lets a later export replace the folder.
    assert!(files.contains(&out.join(".crawler-export")), "{files:?}");
    files.retain(|file| !file.ends_with(".crawler-export"));
    assert_eq!(files.len(), 7, "{files:?}");
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("z/zo/zoo/zooescape.com__20081216163555.md")),
        "{files:?}"
    );
    for file in &files {
        assert!(
            file.starts_with(&out),
            "{} escaped {}",
            file.display(),
            out.display()
        );
    }
    let siblings: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !siblings.iter().any(|name| name.contains("passwd")),
        "{siblings:?}"
    );
}

/// Renames two stored domains to hostile strings through the system sqlite3 (the tool itself
/// never stores such names: domains are normalised on input).
fn plant_hostile_domains(db: &Path) {
    let long = "y".repeat(3000);
    let sql = format!(
        "UPDATE domains SET name = '../../passwd' WHERE name = 'shocklet.in';
         UPDATE domains SET name = '{long}/../' || char(0) || 'x' WHERE name = 'visionbill.com';"
    );
    sqlite3_write(db, &sql);
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// Multiplies the demo store's versions (copies with new numbers) so an export lasts long
/// enough to be killed in the middle.
fn grow_versions(db: &Path, copies: u32) {
    let sql = format!(
        "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < {copies})
         INSERT INTO versions (domain_id, seq, text_hash, title, markdown, url, first_capture_id,
             last_capture_id, first_seen, last_seen, capture_count, snapshot_url, fields)
         SELECT domain_id, seq + 1000 * n, text_hash, title, markdown, url, first_capture_id,
             last_capture_id, printf('%014d', CAST(first_seen AS INTEGER) + n), last_seen,
             capture_count, snapshot_url, fields
         FROM versions, k;"
    );
    sqlite3_write(db, &sql);
}

#[test]
fn a_killed_export_leaves_the_previous_dataset_whole_in_every_format() {
    use std::time::Duration;
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crawler.sqlite");
    crawl_demo(&archive, dir.path(), &db);
    let grown = dir.path().join("grown.sqlite");
    std::fs::copy(&db, &grown).expect("copy the store");
    grow_versions(&grown, 600);
    // The files of a dataset (one file, or a tree), by path relative to it.
    let snapshot = |path: &Path| {
        let mut files = Vec::new();
        if path.is_dir() {
            collect(path, &mut files);
        } else if path.exists() {
            files.push(path.to_owned());
        }
        files.sort();
        files
            .into_iter()
            .map(|file| {
                let relative = file.strip_prefix(path).unwrap_or(&file).to_owned();
                (relative, std::fs::read(&file).expect("read"))
            })
            .collect::<Vec<_>>()
    };
    for (format, name) in [
        ("jsonl", "out.jsonl"),
        ("csv", "out.csv"),
        ("markdown", "tree"),
    ] {
        let out = dir.path().join(name);
        let out_arg = out.to_str().expect("utf-8").to_owned();
        // What a whole export of the grown store looks like, written elsewhere.
        let whole_path = dir.path().join(format!("whole-{name}"));
        let whole = export(
            &grown,
            &[
                "--out",
                whole_path.to_str().expect("utf-8"),
                "--format",
                format,
            ],
        );
        assert!(whole.status.success(), "{}", text(&whole.stderr));
        let whole = snapshot(&whole_path);

        let first = export(&db, &["--out", &out_arg, "--format", format]);
        assert!(first.status.success(), "{}", text(&first.stderr));
        let before = snapshot(&out);
        assert!(!before.is_empty() && before != whole);

        let mut killed_mid_run = 0;
        for delay_ms in [30u64, 80, 150, 250, 400] {
            let mut child = crawler()
                .arg("--db")
                .arg(&grown)
                .args(["export", "--out", &out_arg, "--format", format])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("crawler starts");
            std::thread::sleep(Duration::from_millis(delay_ms));
            if child.try_wait().expect("wait").is_none() {
                child.kill().expect("kill -9");
                killed_mid_run += 1;
            }
            child.wait().expect("reaped");
            let after = snapshot(&out);
            // Killed or not, readers see either the previous dataset or the new one, whole.
            assert!(
                after == before || after == whole,
                "{format}: a half-written dataset at {} ({} files)",
                out.display(),
                after.len()
            );
            if after == whole {
                let again = export(&db, &["--out", &out_arg, "--format", format]);
                assert!(again.status.success(), "{}", text(&again.stderr));
            }
        }
        assert!(
            killed_mid_run > 0,
            "a {format} export must be killed mid-run for the test to prove anything"
        );
    }
}
