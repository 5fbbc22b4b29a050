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
    let cases: [&[&str]; 5] = [
        &["captures", "not a url"],
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
