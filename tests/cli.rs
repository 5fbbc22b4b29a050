//! The `crawler` binary against the local archive serving `tests/fixtures/demo`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

use common::{Archive, repo};
use fake_wayback::{Fault, FaultRule, FaultTarget, Pool};

/// A config file with fast retries for loopback tests.
fn fast_config(dir: &Path) -> PathBuf {
    let path = dir.join("fast.toml");
    std::fs::write(
        &path,
        "[archive]\ncdx_requests_per_minute = 6000\nplayback_requests_per_second = 100.0\nretry_base_delay = 0.02\nmax_retries = 2\ndefault_retry_after = 0.2\n",
    )
    .expect("write config");
    path
}

fn crawler(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crawler"))
        .args(args)
        .current_dir(repo())
        .env_remove("CRAWLER_ARCHIVE")
        .env_remove("CRAWLER_CONFIG")
        .env_remove("RUST_LOG")
        .output()
        .expect("crawler runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn captures_lists_text_and_json_lines() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = fast_config(dir.path());
    let config = config.to_str().expect("utf-8 path");
    let output = crawler(&[
        "--config",
        config,
        "--archive",
        &archive.url(),
        "captures",
        "zooescape.com/privacy.pl",
        "--collapse",
        "digest",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<String> = stdout(&output).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[0].starts_with("20081216163555 200 text/html "),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].ends_with(" http://zooescape.com/privacy.pl"),
        "{}",
        lines[0]
    );

    let output = crawler(&[
        "--config",
        config,
        "--archive",
        &archive.url(),
        "captures",
        "tracking101.com",
        "--match",
        "host",
        "--collapse",
        "urlkey",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let urls: Vec<String> = stdout(&output)
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).expect("json line")["original"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    assert_eq!(
        urls,
        [
            "http://tracking101.com/",
            "http://tracking101.com/legal/privacy",
            "http://tracking101.com/privacy_policy.html"
        ]
    );

    let output = crawler(&[
        "--config",
        config,
        "--archive",
        &archive.url(),
        "captures",
        "shocklet.in/privacy-policy",
        "--status",
        "200",
        "--from",
        "2016",
        "--to",
        "2017",
    ]);
    assert_eq!(stdout(&output).lines().count(), 1, "{}", stdout(&output));
}

#[test]
fn fetch_writes_raw_bytes_or_decoded_text() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = fast_config(dir.path());
    let config = config.to_str().expect("utf-8 path");
    let out = dir.path().join("page.html");
    let output = crawler(&[
        "--config",
        config,
        "--archive",
        &archive.url(),
        "fetch",
        "http://tracking101.com/legal/privacy",
        "--at",
        "20120315000000",
        "-o",
        out.to_str().expect("path"),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let raw = std::fs::read(&out).expect("written");
    let expected =
        std::fs::read(repo().join("tests/fixtures/demo/bodies/tracking101-privacy-2012.html"))
            .expect("fixture");
    assert_eq!(raw, expected, "raw bytes, no rewriting");
    assert!(
        stderr(&output).contains("capture 20120315000000"),
        "{}",
        stderr(&output)
    );

    let output = crawler(&[
        "--config",
        config,
        "--archive",
        &archive.url(),
        "fetch",
        "http://tracking101.com/legal/privacy",
        "--at",
        "2012",
        "--text",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("privacy \u{2013} updated\u{a0}notice"),
        "windows-1252 decoded"
    );
    assert!(
        stderr(&output).contains("windows-1252 (meta)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let cases: [&[&str]; 6] = [
        &["captures", "not a url"],
        &["fetch", "http://example.com/"],
        &["captures", "example.com", "--from", "2019-01"],
        &["fetch", "http://example.com/", "--at", "yesterday"],
        &[
            "--archive",
            "ftp://archive.example",
            "captures",
            "example.com",
        ],
        &["captures", "example.com", "--match", "everything"],
    ];
    for args in cases {
        let output = crawler(args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        let message = stderr(&output);
        assert!(!message.contains("panicked"), "{message}");
        if !args.contains(&"--match") {
            assert_eq!(
                message.trim().lines().count(),
                1,
                "{args:?}: one line, got {message}"
            );
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[archive]\ncdx_requests_per_minute = \"fast\"\n").expect("write");
    let output = crawler(&[
        "--config",
        bad.to_str().expect("path"),
        "captures",
        "example.com",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("bad.toml"), "{}", stderr(&output));
}

#[test]
fn archive_failures_get_one_line_and_exit_code_1() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = fast_config(dir.path());
    let config = config.to_str().expect("utf-8 path");

    archive.server().add_fault(FaultRule::new(
        FaultTarget::Pool(Pool::Cdx),
        Fault::HtmlInsteadOfCdx,
    ));
    let output = crawler(&[
        "--config",
        config,
        "--archive",
        &archive.url(),
        "captures",
        "zooescape.com/",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("got an HTML page"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        stderr(&output).trim().lines().count(),
        1,
        "{}",
        stderr(&output)
    );

    let output = crawler(&[
        "--config",
        config,
        "--archive",
        &archive.url(),
        "fetch",
        "http://nowhere.example/",
        "--at",
        "2010",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("is not archived"),
        "{}",
        stderr(&output)
    );

    let output = crawler(&[
        "--config",
        config,
        "--archive",
        &archive.url(),
        "captures",
        "blocked-example.com",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("blocked"), "{}", stderr(&output));

    // Nothing listens on the port of a stopped archive.
    let url = archive.url();
    drop(archive);
    let output = crawler(&[
        "--config",
        config,
        "--archive",
        &url,
        "captures",
        "zooescape.com/",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("refused") && message.contains("retry after"),
        "{message}"
    );
    assert_eq!(message.trim().lines().count(), 1, "{message}");
}

/// The body of the demo archive's 2008 capture of zooescape.com's policy.
fn zooescape_2008() -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/demo/bodies/zooescape-privacy-2008.html"))
        .expect("fixture")
}

#[test]
fn fetch_accepts_pasted_playback_urls_of_the_archive_in_use() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = fast_config(dir.path());
    let config = config.to_str().expect("utf-8 path");
    let base = archive.url();
    for pasted in [
        format!("{base}/web/20081216163555id_/http://zooescape.com/privacy.pl"),
        format!("{base}/web/20081216163555/http://zooescape.com/privacy.pl"),
        format!("{base}/web/20081216163555im_/http://zooescape.com/privacy.pl"),
        format!("{base}/web/20081216163555if_/http:/zooescape.com/privacy.pl"),
    ] {
        let output = crawler(&["--config", config, "--archive", &base, "fetch", &pasted]);
        assert!(output.status.success(), "{pasted}: {}", stderr(&output));
        assert_eq!(output.stdout, zooescape_2008(), "{pasted}");
        assert!(
            stderr(&output).contains(&format!(
                "understood {pasted} as http://zooescape.com/privacy.pl at 20081216163555"
            )),
            "{}",
            stderr(&output)
        );
    }
    // --at wins over the pasted timestamp.
    let pasted = format!("{base}/web/20081216163555id_/http://zooescape.com/privacy.pl");
    let output = crawler(&[
        "--config",
        config,
        "--archive",
        &base,
        "fetch",
        &pasted,
        "--at",
        "20090610",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["found"], "20090610000000", "{json}");

    // pywb: the archive is a collection, its playback URLs have no /web.
    let collection = format!("{base}/web");
    let output = crawler(&[
        "--config",
        config,
        "--archive",
        &collection,
        "--archive-profile",
        "pywb",
        "fetch",
        &format!("{collection}/20081216163555id_/http://zooescape.com/privacy.pl"),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(output.stdout, zooescape_2008());

    // captures: the pasted URL's original is listed.
    let output = crawler(&[
        "--config",
        config,
        "--archive",
        &base,
        "captures",
        &format!("{base}/web/2008/http://zooescape.com/privacy.pl"),
        "--limit",
        "1",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("20081216163555 200 text/html "),
        "{}",
        stdout(&output)
    );

    // A playback URL of another archive: a usage error that says what to do, no request.
    let before = archive.server().requests().len();
    let output = crawler(&[
        "--config",
        config,
        "--archive",
        &base,
        "fetch",
        "https://web.archive.org/web/20171124151315id_/https://www.fws.gov/birds/",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("https://web.archive.org/web")
            && message.contains(&base)
            && message.contains("https://www.fws.gov/birds/ (with --at 20171124151315)"),
        "{message}"
    );
    assert_eq!(archive.server().requests().len(), before);
}

#[test]
fn fetch_says_how_far_the_capture_is_and_can_insist_on_a_distance() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = fast_config(dir.path());
    let config = config.to_str().expect("utf-8 path");
    let base = archive.url();
    let url = "http://zooescape.com/privacy.pl";
    let fetch = |extra: &[&str]| {
        let mut args = vec!["--config", config, "--archive", &base, "fetch", url];
        args.extend_from_slice(extra);
        crawler(&args)
    };
    let output = fetch(&["--at", "20081201"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("capture 20081216163555 is 15 days 16 hours after 20081201000000"),
        "{}",
        stderr(&output)
    );

    let out = dir.path().join("page.html");
    let out_arg = out.to_str().expect("path");
    for refused in [
        &["--at", "20081201", "--exact", "-o", out_arg][..],
        &["--at", "2008-12-01", "--within", "3d", "-o", out_arg][..],
        &["--at", "20081216163554", "--exact", "-o", out_arg][..],
    ] {
        let output = fetch(refused);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{refused:?}: {}",
            stderr(&output)
        );
        let message = stderr(&output);
        assert!(
            message.contains("20081216163555") && message.contains("nothing written"),
            "{message}"
        );
        assert!(!out.exists(), "{refused:?} wrote the body");
        assert!(output.stdout.is_empty());
    }
    for accepted in [
        &["--at", "20081216163555", "--exact", "-o", out_arg][..],
        &["--at", "20081201", "--within", "16d", "-o", out_arg][..],
        &["--at", "20081216", "--within", "17h", "-o", out_arg][..],
    ] {
        let output = fetch(accepted);
        assert!(output.status.success(), "{accepted:?}: {}", stderr(&output));
        assert_eq!(std::fs::read(&out).expect("written"), zooescape_2008());
        std::fs::remove_file(&out).expect("remove");
    }
    let output = fetch(&["--at", "2008", "--within", "3 days"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("\"3 days\" is not a duration"),
        "{}",
        stderr(&output)
    );

    // JSON: one object on stdout, the body only in -o.
    let output = fetch(&["--at", "20081201", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one object");
    assert_eq!(json["asked"], "20081201000000");
    assert_eq!(json["found"], "20081216163555");
    assert_eq!(
        json["distance_seconds"],
        15 * 86_400 + 16 * 3600 + 35 * 60 + 55
    );
    assert_eq!(json["url"], url);
    assert_eq!(json["status"], 200);
    assert_eq!(json["length"], zooescape_2008().len());
}

#[test]
fn impossible_or_reversed_dates_are_usage_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("store.sqlite");
    let db = db.to_str().expect("path");
    // Nothing listens on port 9 of the loopback: no case may reach an archive anyway.
    let archive = "http://127.0.0.1:9";
    let cases: [(&[&str], &str); 8] = [
        (
            &["crawl", "example.com", "--from", "2020-13-45"],
            "2020-13-45",
        ),
        (
            &["crawl", "example.com", "--to", "2020-02-30"],
            "2020-02-30",
        ),
        (
            &["crawl", "example.com", "--from", "2020010125"],
            "2020010125",
        ),
        (
            &["export", "--out", "x.jsonl", "--from", "2019-02-29"],
            "2019-02-29",
        ),
        (
            &["fetch", "http://example.com/", "--at", "2020010125"],
            "2020010125",
        ),
        (
            &["fetch", "http://example.com/", "--at", "2020-02-30"],
            "2020-02-30",
        ),
        (
            &["captures", "example.com", "--from", "20201345"],
            "20201345",
        ),
        (
            &["crawl", "example.com", "--from", "2020", "--to", "2010"],
            "--from 2020 is after --to 2010",
        ),
    ];
    for (args, named) in cases {
        let mut all = vec!["--archive", archive, "--db", db];
        all.extend_from_slice(args);
        let output = crawler(&all);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(named),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(
            stderr(&output).trim().lines().count(),
            1,
            "{}",
            stderr(&output)
        );
    }
    assert!(!Path::new(db).exists(), "no store was created");
}

#[test]
fn a_bounded_crawl_leaves_the_due_clock_alone() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = fast_config(dir.path());
    let config = config.to_str().expect("utf-8 path");
    let db = dir.path().join("store.sqlite");
    let db = db.to_str().expect("path");
    let base = archive.url();
    let crawl = |extra: &[&str]| {
        let mut args = vec![
            "--config",
            config,
            "--archive",
            &base,
            "--db",
            db,
            "crawl",
            "zooescape.com",
        ];
        args.extend_from_slice(extra);
        crawler(&args)
    };
    let output = crawl(&["--from", "2008", "--to", "2009"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = crawl(&["--due"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("zooescape.com") && !stdout(&output).contains("no domain is due"),
        "the bounded crawl made the domain look done: {}",
        stdout(&output)
    );
    // A full crawl does start the clock.
    let output = crawl(&["--due"]);
    assert!(
        stdout(&output).contains("no domain is due"),
        "{}",
        stdout(&output)
    );
}

/// A page that makes html5ever's tree builder warn (text inside a table: foster parenting).
const FOSTER_PAGE: &str = "<!--The following is the downloaded HTML source of the example.com privacy policy that was archived on 2017-01-01.\n Please check the original snapshot on the Wayback Machine (https://web.archive.org/web/20170101000000id_/http://example.com/privacy) for the most accurate reproduction.-->\n\n<html><head><title>Privacy</title></head><body><table>stray text <b>bold</b><tr><td>We collect data.</td></tr></table><p>We collect data and use cookies to improve the service.</p></body></html>";

#[test]
fn third_party_warnings_stay_off_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    for entry in std::fs::read_dir(repo().join("tests/corpus/dev")).expect("corpus") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.path().join(path.file_name().expect("name"))).expect("copy");
    }
    let page = dir.path().join("example.com__20170101000000.html");
    std::fs::write(&page, FOSTER_PAGE).expect("write");
    std::fs::write(page.with_extension("md"), "# Privacy\n").expect("write");
    let dir_arg = dir.path().to_str().expect("path");
    let page_arg = page.to_str().expect("path");
    for args in [&["corpus-check", dir_arg][..], &["convert", page_arg][..]] {
        let output = crawler(args);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        assert!(
            !stdout(&output).contains("conversion failed"),
            "{}",
            stdout(&output)
        );
        let message = stderr(&output);
        let noise: Vec<&str> = message
            .lines()
            .filter(|line| {
                line.contains("html5ever") || line.contains("markup5ever") || line.contains("WARN")
            })
            .collect();
        assert!(noise.is_empty(), "{args:?}: {noise:?}");
    }
    // Asked for, they are there.
    let output = Command::new(env!("CARGO_BIN_EXE_crawler"))
        .args(["convert", page_arg])
        .env("RUST_LOG", "html5ever=warn")
        .output()
        .expect("runs");
    assert!(
        stderr(&output).contains("foster parenting"),
        "{}",
        stderr(&output)
    );
}

/// Copies the demo archive to `dir` with zooescape.com's 2010 policy made hostile: a title that
/// retitles the window and clears the screen, a paragraph with an OSC 8 hyperlink, an OSC 52
/// clipboard write and a bidi override. Returns the folder.
fn hostile_fixtures(dir: &Path) -> PathBuf {
    let demo = repo().join("tests/fixtures/demo");
    let copy = dir.join("hostile");
    std::fs::create_dir_all(copy.join("bodies")).expect("mkdir");
    for sub in ["", "bodies"] {
        for entry in std::fs::read_dir(demo.join(sub)).expect("fixtures") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                let name = path.file_name().expect("name");
                std::fs::copy(&path, copy.join(sub).join(name)).expect("copy");
            }
        }
    }
    let page = copy.join("bodies/zooescape-privacy-2010.html");
    let html = std::fs::read_to_string(&page).expect("read");
    let html = html
        .replacen(
            "<title>Zoo Escape - Privacy Policy</title>",
            "<title>Zoo Escape\x1b]0;pwned\x07\x1b[2J - Privacy Policy</title>",
            1,
        )
        .replacen(
            "<p>",
            "<p>Read this \x1b]8;;http://evil.example/\x1b\\here\x1b]8;;\x1b\\ and \x1b]52;c;cm0gLXJmIH4=\x07 \u{202E}syad 03\u{202C}.</p><p>",
            1,
        );
    std::fs::write(&page, html).expect("write");
    copy
}

#[test]
fn archived_escapes_never_reach_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = Archive::serving(
        fake_wayback::FixtureSet::load(&hostile_fixtures(dir.path())).expect("fixtures"),
    );
    let config = fast_config(dir.path());
    let config = config.to_str().expect("utf-8 path");
    let db = dir.path().join("store.sqlite");
    let db = db.to_str().expect("path");
    let output = crawler(&[
        "--config",
        config,
        "--archive",
        &archive.url(),
        "--db",
        db,
        "crawl",
        "zooescape.com",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let raw_controls = |text: &str| {
        text.chars()
            .filter(|c| {
                (c.is_control() && *c != '\n' && *c != '\t') || matches!(c, '\u{202A}'..='\u{202E}')
            })
            .collect::<String>()
    };
    let output = crawler(&["--db", db, "history", "zooescape.com"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let history = stdout(&output);
    assert!(history.contains("Zoo Escape\u{FFFD}]0;pwned"), "{history}");
    assert_eq!(raw_controls(&history), "", "history: {history:?}");

    for format in ["text", "unified"] {
        let output = crawler(&[
            "--db",
            db,
            "diff",
            "zooescape.com",
            "--all",
            "--format",
            format,
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        let diff = stdout(&output);
        assert!(diff.contains("Read this "), "{format}: {diff}");
        assert_eq!(raw_controls(&diff), "", "{format}: {diff:?}");
    }
    let file = dir.path().join("diff.patch");
    let output = crawler(&[
        "--db",
        db,
        "diff",
        "zooescape.com",
        "--all",
        "--format",
        "unified",
        "-o",
        file.to_str().expect("path"),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let written = std::fs::read_to_string(&file).expect("written");
    assert!(
        written.contains(r"-Read this \x1b]8;;http://evil.example/\x1b\here\x1b]8;;\x1b\ and \x1b]52;c;cm0gLXJmIH4=\x07 \u{202e}syad 03\u{202c}."),
        "{written}"
    );
    let output = crawler(&[
        "--db",
        db,
        "diff",
        "zooescape.com",
        "--all",
        "--format",
        "html",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let html = stdout(&output);
    assert_eq!(raw_controls(&html), "", "html");
    assert!(html.contains("\\u{202e}syad 03\\u{202c}"), "{html}");
}

/// Makes a folder and its files impossible to change until dropped: `chattr +i` where it
/// works (it stops root too), besides read-only permission bits.
struct Frozen {
    paths: Vec<PathBuf>,
    immutable: bool,
}

impl Frozen {
    fn new(dir: &Path) -> Frozen {
        use std::os::unix::fs::PermissionsExt;
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("dir")
            .map(|entry| entry.expect("entry").path())
            .collect();
        paths.push(dir.to_owned());
        for path in &paths {
            let mode = if path.is_dir() { 0o555 } else { 0o444 };
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
        let immutable = Command::new("chattr")
            .arg("+i")
            .args(&paths)
            .output()
            .is_ok_and(|output| output.status.success());
        Frozen { paths, immutable }
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.immutable {
            let _ = Command::new("chattr").arg("-i").args(&self.paths).output();
        }
        for path in &self.paths {
            let mode = if path.is_dir() { 0o755 } else { 0o644 };
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
        }
    }
}

/// Every file of `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|entry| {
            let path = entry.expect("entry").path();
            let modified = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .expect("mtime");
            (path.clone(), std::fs::read(&path).expect("read"), modified)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn read_only_commands_read_a_read_only_store() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("tempdir");
    let published = dir.path().join("published");
    std::fs::create_dir(&published).expect("mkdir");
    let db = published.join("store.sqlite");
    common::crawl_demo(&archive, dir.path(), &db);
    drop(archive);
    let db = db.to_str().expect("path");
    let before = snapshot(&published);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    let frozen = Frozen::new(&published);
    let exported = out.join("dataset.sqlite");
    let markdown = out.join("md");
    let runs: [&[&str]; 7] = [
        &["status"],
        &["status", "--json"],
        &["history", "zooescape.com"],
        &["diff", "zooescape.com", "--all"],
        &["export", "--format", "jsonl", "--out", "-"],
        &["export", "--out", exported.to_str().expect("path")],
        &[
            "export",
            "--format",
            "markdown",
            "--out",
            markdown.to_str().expect("path"),
        ],
    ];
    for args in runs {
        let mut all = vec!["--db", db];
        all.extend_from_slice(args);
        let output = crawler(&all);
        assert!(
            output.status.success(),
            "{args:?} (chattr {}): {}",
            frozen.immutable,
            stderr(&output)
        );
        assert!(
            !stdout(&output).is_empty() || args[0] == "export",
            "{args:?}"
        );
    }
    assert!(exported.is_file());
    drop(frozen);
    assert_eq!(
        snapshot(&published),
        before,
        "the store was written, or files appeared beside it"
    );
}

#[test]
fn a_store_of_another_schema_is_named_as_such() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("store.sqlite");
    common::crawl_demo(&archive, dir.path(), &db);
    let set_version = |version: u32| {
        // The user_version field of the SQLite header: 4 bytes at offset 60, big-endian.
        let mut bytes = std::fs::read(&db).expect("read");
        bytes[60..64].copy_from_slice(&version.to_be_bytes());
        std::fs::write(&db, bytes).expect("write");
    };
    let db_arg = db.to_str().expect("path");
    set_version(999);
    let output = crawler(&["--db", db_arg, "status"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("newer than this crawler's"),
        "{}",
        stderr(&output)
    );
    set_version(1);
    let output = crawler(&["--db", db_arg, "history", "zooescape.com"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("older than this crawler's")
            && stderr(&output).contains("crawler crawl"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn bench_crawl_types_are_read_as_crawl_reads_them() {
    let output = crawler(&["bench", "crawl", "--types", "privacy,cookies"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("\"cookies\" is not a document type"),
        "{message}"
    );
    let help = stdout(&crawler(&["bench", "crawl", "--help"]));
    assert!(help.contains("--types <TYPES>"), "{help}");
    assert!(help.contains("[default: privacy]"), "{help}");
}

#[test]
fn bench_generate_writes_the_archive_and_what_the_generator_made_beside_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("archive");
    let out_arg = out.to_str().expect("UTF-8 path");
    let generate = |profile: &str| {
        crawler(&[
            "bench",
            "generate",
            "--domains",
            "3",
            "--profile",
            profile,
            "--out",
            out_arg,
        ])
    };
    let output = generate("realistic");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(out.join("captures.toml").is_file());
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("generated.json")).expect("generated.json"))
            .expect("JSON");
    assert_eq!(summary["profile"], "realistic");
    assert_eq!(summary["domains"].as_array().map(Vec::len), Some(3));
    assert!(summary["truth"].as_array().is_some_and(|t| !t.is_empty()));
    // Hidden from the help: `bench crawl` runs it.
    let help = stdout(&crawler(&["bench", "--help"]));
    assert!(
        !help
            .lines()
            .any(|line| line.trim_start().starts_with("generate ")),
        "{help}"
    );
    let output = generate("big");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn bench_crawl_generates_apart_and_reads_the_truth_back_after_the_crawl() {
    // `bench crawl` has `bench generate` write the archive in a process of its own, then
    // compares the crawl with the truth it saved; fake-wayback sits beside crawler.
    let output = crawler(&[
        "bench",
        "crawl",
        "--profile",
        "realistic",
        "--domains",
        "3",
        "--scale",
        "500",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let row: serde_json::Value =
        serde_json::from_str(stdout(&output).lines().next().expect("a row")).expect("JSON");
    assert_eq!(row["strategy"], "change-point");
    assert_eq!(row["versions_found_share"], 1.0, "{row}");
    assert!(
        row["peak_rss_mb"].as_f64().is_some_and(|mb| mb > 0.0),
        "{row}"
    );
    assert!(
        stderr(&output).contains("true versions"),
        "{}",
        stderr(&output)
    );
}
