//! The HTML report of the demo archive's tracking101.com reads like the policy: the wording
//! change comes first, the navigation whose archive links moved is marked as a link-only
//! change, nothing is live; and headless Chromium renders it (the screenshot is kept under
//! `target/` to look at).
//!
//! The screenshot needs `chromium` (`tools/setup-chromium.sh`; CI runs it). Without it that
//! test says it was skipped, unless `CRAWLER_REQUIRE_CHROMIUM=1`, when it fails instead.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::{Archive, crawl_demo, crawler, text};

/// How long Chromium may take to write the screenshot.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(120);

/// `crawler diff tracking101.com --format html` of a freshly crawled demo archive, written once
/// to `target/tmp/report/tracking101.html` for both tests.
fn report() -> &'static (PathBuf, String) {
    static REPORT: OnceLock<(PathBuf, String)> = OnceLock::new();
    REPORT.get_or_init(|| {
        let archive = Archive::demo();
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("crawler.sqlite");
        crawl_demo(&archive, dir.path(), &db);
        let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report");
        std::fs::create_dir_all(&out_dir).expect("create target/tmp/report");
        let page = out_dir.join("tracking101.html");
        let output = crawler()
            .arg("--db")
            .arg(&db)
            .args(["diff", "tracking101.com", "--format", "html", "-o"])
            .arg(&page)
            .output()
            .expect("crawler runs");
        assert!(output.status.success(), "{}", text(&output.stderr));
        let html = std::fs::read_to_string(&page).expect("the page");
        (page, html)
    })
}

#[test]
fn the_wording_change_comes_first_and_moved_links_are_marked() {
    let (_, html) = report();
    assert!(!html.to_lowercase().contains("<script"), "{html}");
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    ));
    // v1 (2007) -> v2 (2012): one sentence gained three words; the navigation's four links
    // moved under /legal/ with the same text.
    assert!(
        html.contains(
            "<p class=\"summary\">As read: 1 wording change (+3 −0 words), 1 link-only, 0 formatting-only.</p>"
        ),
        "{html}"
    );
    let first_change = html.find("<div class=\"change ").expect("a change");
    assert!(
        html[first_change..].starts_with("<div class=\"change wording\">"),
        "the first change shown is a wording change: {}",
        &html[first_change..first_change + 200]
    );
    let links = html
        .find("<details class=\"links\"><summary>Links changed, wording the same (1)</summary>")
        .expect("the link-only change, marked as such");
    let wording = &html[first_change..links];
    assert!(
        wording.contains("or privacy <ins>– updated notice </ins>practices of third web sites"),
        "{wording}"
    );
    // The archive URLs of the old navigation first appear in the link-only part.
    let old_target = "https://web.archive.org/web/id_/http%3A//tracking101.com/about_contact.html";
    assert!(html.find(old_target) > Some(links), "{html}");
    let moved = &html[links..];
    for page in [
        "about_contact",
        "about_careers",
        "about_E3award",
        "about_companynews",
    ] {
        assert!(
            moved.contains(&format!(
                ": <code>https://web.archive.org/web/id_/http%3A//tracking101.com/{page}.html</code> \
                 → <code>https://web.archive.org/web/id_/http%3A//tracking101.com/legal/{page}.html</code></li>"
            )),
            "{page}: {moved}"
        );
    }
    assert!(
        moved.contains("<span class=\"lt\">Contact Us</span>"),
        "{moved}"
    );
    // The Markdown source stays one click away.
    assert!(html[links..].contains("<details class=\"source\"><summary>Markdown source"));
}

/// Chromium on the PATH, or `None` (with a loud message) when it is missing and not required.
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("chromium"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var("CRAWLER_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
            "chromium is required (CRAWLER_REQUIRE_CHROMIUM=1) but is not on the PATH: run tools/setup-chromium.sh"
        );
        eprintln!(
            "SKIPPED: chromium is not on the PATH (run tools/setup-chromium.sh); the report was not screenshotted"
        );
    }
    found
}

#[test]
fn headless_chromium_screenshots_the_report() {
    let Some(chromium) = chromium() else {
        return;
    };
    let (page, _) = report();
    let png = page.with_extension("png");
    let _ = std::fs::remove_file(&png);
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1200,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if started.elapsed() > CHROMIUM_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium took over {CHROMIUM_TIMEOUT:?}: stopped");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "chromium failed: {status}");
    let bytes = std::fs::read(&png).expect("the screenshot");
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "not a PNG: {}",
        png.display()
    );
    // The IHDR chunk right after the signature holds the width and height.
    assert_eq!(&bytes[12..16], b"IHDR");
    let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    let height = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    assert_eq!((width, height), (1200, 1600), "{}", png.display());
    assert!(bytes.len() > 30_000, "{} bytes: a blank page?", bytes.len());
    println!("screenshot: {}", png.display());
}
