//! Configuration values that would hang, spin or overflow the client are refused on load with
//! a usage error naming the key, before anything is sent.

mod common;

use common::{crawler, text};

#[test]
fn out_of_range_settings_are_refused_naming_the_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = [
        ("archive", "cdx_requests_per_minute", "0"),
        ("archive", "playback_requests_per_second", "0.0"),
        ("archive", "playback_requests_per_second", "nan"),
        ("archive", "playback_requests_per_second", "inf"),
        ("archive", "playback_concurrency", "0"),
        ("archive", "connect_timeout", "-1.0"),
        ("archive", "request_timeout", "0.0"),
        ("archive", "read_idle_timeout", "inf"),
        ("archive", "default_retry_after", "1e300"),
        ("archive", "rate_limit_window", "1e300"),
        ("archive", "block_wait", "1e300"),
        ("archive", "retry_base_delay", "1e300"),
        ("archive", "retry_base_delay", "nan"),
        ("archive", "cdx_page_size", "0"),
        ("archive", "max_body_bytes", "0"),
        ("crawl", "domain_concurrency", "0"),
        ("crawl", "homepage_sample_months", "0"),
        ("crawl", "max_fetch_attempts", "0"),
        ("crawl", "crawl_interval_days", "-3.0"),
        ("crawl", "crawl_interval_days", "nan"),
        ("crawl", "types", "[]"),
    ];
    for (table, key, value) in cases {
        let config = dir.path().join("bad.toml");
        std::fs::write(&config, format!("[{table}]\n{key} = {value}\n")).expect("write");
        // 127.0.0.1:9 (discard) is never reached: the settings are refused first.
        let output = crawler()
            .arg("--config")
            .arg(&config)
            .arg("--archive")
            .arg("http://127.0.0.1:9")
            .args(["captures", "example.com", "--limit", "1"])
            .output()
            .expect("crawler runs");
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{key} = {value}: {stderr}");
        assert!(
            stderr.contains(&format!("[{table}] {key}")),
            "{key} = {value}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn an_empty_url_part_of_a_document_type_is_refused_naming_its_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("bad.toml");
    std::fs::write(
        &config,
        "[crawl.keywords.terms]\nlink_texts = [\"terms\"]\nurl_parts = [\"terms\", \" \"]\n",
    )
    .expect("write");
    let output = crawler()
        .arg("--config")
        .arg(&config)
        .arg("--archive")
        .arg("http://127.0.0.1:9")
        .args(["captures", "example.com", "--limit", "1"])
        .output()
        .expect("crawler runs");
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("[crawl.keywords.terms] url_parts"),
        "{stderr}"
    );
}
