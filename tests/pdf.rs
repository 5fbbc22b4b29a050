//! Policies published only as PDFs: a homepage's "Privacy Policy" link to a PDF is followed
//! and each text version of the PDF is a version; a scanned PDF (no text layer) gives no
//! version and a capture note that says why.

mod common;

use std::path::Path;

use common::{Archive, crawl_domains};
use fake_wayback::{FixtureCapture, FixtureSet};
use pdf_text::sample::text_pdf;
use store::{DomainState, Store};

const TEXT_DOMAIN: &str = "pdf-policy-example.com";
const SCANNED_DOMAIN: &str = "scanned-policy-example.com";

fn homepage(domain: &str, timestamp: &str, link: &str) -> FixtureCapture {
    FixtureCapture::html(
        &format!("http://{domain}/"),
        timestamp,
        format!(
            "<html><head><title>{domain}</title></head><body><h1>Welcome</h1>\
             <p>We sell garden tools.</p><footer><a href=\"{link}\">Privacy Policy</a></footer>\
             </body></html>"
        ),
    )
}

fn pdf_capture(url: &str, timestamp: &str, body: Vec<u8>) -> FixtureCapture {
    FixtureCapture {
        mimetype: "application/pdf".into(),
        headers: vec![("Content-Type".into(), "application/pdf".into())],
        ..FixtureCapture::html(url, timestamp, body)
    }
}

fn policy_pdf(retention: &str) -> Vec<u8> {
    text_pdf(
        Some("Privacy Policy"),
        &[
            &[
                (18.0, "Privacy Policy"),
                (11.0, ""),
                (
                    11.0,
                    "This privacy policy explains which personal data we collect",
                ),
                (
                    11.0,
                    "when you visit our shop, and how we use and share it.",
                ),
                (11.0, ""),
                (11.0, retention),
            ],
            &[
                (14.0, "Your rights"),
                (11.0, ""),
                (
                    11.0,
                    "You may ask us for a copy of your personal data, and to delete it.",
                ),
            ],
        ],
    )
}

fn archive() -> FixtureSet {
    let mut set = FixtureSet::new();
    let policy = format!("http://{TEXT_DOMAIN}/privacy.pdf");
    for (home, pdf, retention) in [
        (
            "20180105000000",
            "20180110000000",
            "We keep your data for two years.",
        ),
        (
            "20200105000000",
            "20200110000000",
            "We keep your data for six months.",
        ),
    ] {
        set.add(homepage(TEXT_DOMAIN, home, "/privacy.pdf"));
        set.add(pdf_capture(&policy, pdf, policy_pdf(retention)));
    }
    let scanned = format!("http://{SCANNED_DOMAIN}/privacy-policy.pdf");
    set.add(homepage(
        SCANNED_DOMAIN,
        "20190105000000",
        "/privacy-policy.pdf",
    ));
    set.add(pdf_capture(
        &scanned,
        "20190110000000",
        pdf_text::sample::image_pdf(2),
    ));
    set
}

fn crawl(dir: &Path) -> std::path::PathBuf {
    let archive = Archive::serving(archive());
    let domains = dir.join("domains.txt");
    std::fs::write(&domains, format!("{TEXT_DOMAIN}\n{SCANNED_DOMAIN}\n")).unwrap();
    let db = dir.join("crawler.sqlite");
    crawl_domains(&archive, dir, &db, &domains);
    db
}

#[test]
fn pdf_policies_are_versions_and_scanned_ones_are_noted() {
    let dir = tempfile::tempdir().unwrap();
    let db = crawl(dir.path());
    let store = Store::open_read_only(&db).unwrap();

    let record = store
        .domain(TEXT_DOMAIN, store::DocumentType::Privacy)
        .unwrap()
        .expect("text domain stored");
    assert_eq!(record.state, DomainState::Ok);
    let versions = store.versions(record.id).unwrap();
    assert_eq!(versions.len(), 2, "{versions:#?}");
    for (version, retention) in versions.iter().zip(["two years", "six months"]) {
        assert!(version.url.ends_with("/privacy.pdf"), "{}", version.url);
        assert_eq!(version.title.as_deref(), Some("Privacy Policy"));
        let markdown = &version.markdown;
        assert!(
            markdown.starts_with("> *The following text is extracted"),
            "{markdown}"
        );
        assert!(markdown.contains("\n\n# Privacy Policy\n\n"), "{markdown}");
        assert!(
            markdown.contains(
                "This privacy policy explains which personal data we collect when you visit our \
                 shop, and how we use and share it.\n\n"
            ),
            "{markdown}"
        );
        assert!(markdown.contains("## Your rights\n\n"), "{markdown}");
        assert!(
            markdown.contains(&format!("We keep your data for {retention}.")),
            "{markdown}"
        );
    }

    let record = store
        .domain(SCANNED_DOMAIN, store::DocumentType::Privacy)
        .unwrap()
        .expect("scanned domain stored");
    assert!(store.versions(record.id).unwrap().is_empty());
    let dump = common::dump(&db);
    let notes: Vec<&str> = dump
        .lines()
        .filter(|line| line.contains(SCANNED_DOMAIN) && line.contains("privacy-policy.pdf"))
        .filter(|line| line.contains("no text layer"))
        .collect();
    assert!(
        !notes.is_empty(),
        "no capture note about the text layer:\n{dump}"
    );
}
