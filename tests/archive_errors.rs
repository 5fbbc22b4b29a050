//! `crawler captures` when the archive refuses a listing the way it really does: a 403 whose
//! page is gzip-encoded, with `X-Archive-Wayback-Runtime-Error` naming the exception.

use std::process::Command;

mod common;

use common::{Archive, repo};
use fake_wayback::{Fault, FaultRule, FaultTarget, Pool};

#[test]
fn captures_of_a_refused_listing_say_blocked_in_one_readable_line() {
    let archive = Archive::demo();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("fast.toml");
    std::fs::write(
        &config,
        "[archive]\ncdx_requests_per_minute = 6000\nretry_base_delay = 0.02\nmax_retries = 1\n",
    )
    .expect("write config");
    for (exception, reason) in [
        (
            "AdministrativeAccessControlException",
            "excluded at the site's request",
        ),
        ("RobotAccessControlException", "robots.txt"),
        ("AccessControlException", "access restricted"),
    ] {
        archive.server().clear_faults();
        archive.server().add_fault(FaultRule::new(
            FaultTarget::Pool(Pool::Cdx),
            Fault::runtime_error(exception),
        ));
        let output = Command::new(env!("CARGO_BIN_EXE_crawler"))
            .args(["--config", config.to_str().expect("utf-8 path")])
            .args(["--archive", &archive.url(), "captures", "zooescape.com/"])
            .current_dir(repo())
            .env_remove("CRAWLER_ARCHIVE")
            .env_remove("CRAWLER_CONFIG")
            .env_remove("RUST_LOG")
            .output()
            .expect("crawler runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{exception}: {stderr}");
        assert!(stderr.contains("is blocked from the archive"), "{stderr}");
        assert!(stderr.contains(reason), "{exception}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(
            !stderr
                .trim()
                .chars()
                .any(|c| c.is_control() || c == '\u{fffd}'),
            "{stderr:?}"
        );
    }
}
