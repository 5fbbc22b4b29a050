//! Homepages whose only policy-looking links are third parties' policies
//! (`tests/fixtures/third-party-links`): a crawl must store no version for any of them, even
//! though each third party's policy is archived at its URL; and three positive controls.

mod common;

use std::path::{Path, PathBuf};

use common::{Archive, crawl_domains, crawler, repo, text};
use fake_wayback::{FixtureCapture, FixtureSet, surt};
use store::{DomainState, Store};

/// Each negative domain and the third-party policy URLs its homepage links.
const NEGATIVES: [(&str, &[&str]); 13] = [
    (
        "trailrunners-club.com",
        &["https://tools.google.com/dlpage/gaoptout"],
    ),
    (
        "baeckerei-huber.de",
        &["https://policies.google.com/privacy"],
    ),
    (
        "lacremerie-lyon.fr",
        &["https://www.facebook.com/policy.php"],
    ),
    ("indiegamesweekly.com", &["https://twitter.com/en/privacy"]),
    (
        "yogastudio-amsterdam.nl",
        &["https://www.youtube.com/t/privacy"],
    ),
    (
        "handmade-keramik.de",
        &["https://www.paypal.com/webapps/mpp/ua/privacy-full"],
    ),
    ("maker-supplies.co.uk", &["https://stripe.com/privacy"]),
    (
        "recettes-de-mamie.fr",
        &["http://www.addthis.com/privacy/privacy-policy"],
    ),
    (
        "gartenfreunde-koeln.de",
        &["https://sharethis.com/privacy/"],
    ),
    (
        "nordic-ski-rental.se",
        &["https://www.cookiebot.com/en/privacy-policy/"],
    ),
    ("petshop-berlin.de", &["https://www.onetrust.com/privacy/"]),
    (
        "cheap-flight-deals.net",
        &[
            "http://www.aboutads.info/choices/",
            "http://www.youronlinechoices.eu/",
        ],
    ),
    (
        "fotografia-rossi.it",
        &["https://www.wix.com/about/privacy"],
    ),
];

/// Positive control 1: its own policy next to Google's and the Analytics opt-out.
const OWN_DOMAIN: &str = "gardenworks-supply.com";
const OWN_POLICY: &str = "http://gardenworks-supply.com/privacy-policy";

/// Positive control 2: its footer's "Privacy Policy" is the parent group's.
const SISTER_DOMAIN: &str = "coastal-recipes.com";
const SISTER_POLICY: &str = "https://www.harbourmedia-group.com/privacy";

/// The two homepage capture times of every domain.
const HOMEPAGE_TIMES: [&str; 2] = ["20180312101500", "20200312101500"];

fn fixture() -> PathBuf {
    repo().join("tests/fixtures/third-party-links")
}

fn load() -> FixtureSet {
    FixtureSet::load(&fixture()).expect("third-party-links fixtures")
}

/// The fixture's domains crawled into a fresh store: (its folder, the store's path).
fn crawl(set: FixtureSet) -> (tempfile::TempDir, PathBuf) {
    let archive = Archive::serving(set);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crawler.sqlite");
    crawl_domains(&archive, dir.path(), &db, &fixture().join("domains.txt"));
    (dir, db)
}

/// `crawler history DOMAIN --json`: one JSON object a version.
fn history_json(db: &Path, domain: &str) -> Vec<serde_json::Value> {
    let output = crawler()
        .arg("--db")
        .arg(db)
        .args(["history", domain, "--json"])
        .output()
        .expect("crawler runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

/// Whether `url`'s host is `domain` or one of its subdomains.
fn on_site(url: &str, domain: &str) -> bool {
    let host = surt(url);
    let host = host.split(')').next().unwrap_or("");
    let own = surt(domain);
    let own = own.split(')').next().unwrap_or("");
    host == own || host.starts_with(&format!("{own},"))
}

#[test]
fn the_fixture_archives_every_homepage_twice_and_every_third_party_policy_it_links() {
    let set = load();
    let listed: Vec<&str> = set.domains().iter().map(String::as_str).collect();
    assert_eq!(listed.len(), NEGATIVES.len() + 3, "{listed:?}");
    for (domain, links) in NEGATIVES {
        assert!(listed.contains(&domain), "{domain} in domains.txt");
        let homepages = set.with_key(&surt(&format!("http://{domain}/")));
        let times: Vec<&str> = homepages.iter().map(|c| c.timestamp.as_str()).collect();
        assert_eq!(times, HOMEPAGE_TIMES, "{domain}'s homepage captures");
        for homepage in homepages {
            let page = text(&homepage.body);
            for link in links {
                assert!(
                    page.contains(&format!("href=\"{link}\"")),
                    "{domain} {} links {link}",
                    homepage.timestamp
                );
                assert!(!on_site(link, domain), "{link} is a third party's");
            }
            // No link to anything of its own that looks like a policy.
            let lower = page.to_lowercase();
            for own in ["href=\"/privacy", "href=\"/datenschutz", "href=\"/legal"] {
                assert!(!lower.contains(own), "{domain} links {own}");
            }
        }
        for link in links {
            // A crawl that followed the link would find a plausible policy to store.
            let policies = set.with_key(&surt(link));
            assert_eq!(policies.len(), 2, "{link} archived after each homepage");
            for policy in policies {
                assert_eq!(policy.status, 200);
                assert!(text(&policy.body).contains("collects, uses and shares"));
            }
        }
        // Nothing of the domain's own is archived besides its homepage.
        let own = surt(&format!("http://{domain}/"));
        let own_host = own.split(')').next().unwrap_or("");
        let range = set.key_prefix_range(&format!("{own_host})"));
        assert_eq!(range.len(), 2, "{domain} holds only its two homepages");
    }
}

/// What is wrong with the negatives in a crawled store: a domain not crawled to the end, a
/// stored version, a history line, or a decision that settled on a third party's URL.
fn negative_findings(db: &Path) -> Vec<String> {
    let store = Store::open_read_only(db).expect("store opens");
    let mut findings = Vec::new();
    for (domain, links) in NEGATIVES {
        let Some(record) = store
            .domain(domain, store::DocumentType::Privacy)
            .expect("query")
        else {
            findings.push(format!("{domain}: not in the store"));
            continue;
        };
        // Crawled to the end, not failed: the absence of versions is a finding.
        if record.state != DomainState::Ok || record.last_crawled_at.is_none() {
            findings.push(format!("{domain}: not crawled: {record:?}"));
        }
        for version in store.versions(record.id).expect("versions") {
            findings.push(format!(
                "{domain}: stored version {} of {}",
                version.seq, version.url
            ));
        }
        let history = history_json(db, domain);
        if !history.is_empty() {
            findings.push(format!(
                "{domain}: history lists {} versions",
                history.len()
            ));
        }
        // Whatever discovery records, it never settles on a third party's policy.
        for decision in store.decisions(record.id).expect("decisions") {
            if let Some(url) = &decision.policy_url
                && (links.contains(&url.as_str()) || !on_site(url, domain))
            {
                findings.push(format!("{domain}: chose {url}"));
            }
        }
    }
    findings
}

#[test]
fn no_third_party_policy_is_stored_as_a_sites_policy() {
    let (_dir, db) = crawl(load());
    let findings = negative_findings(&db);
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

#[test]
fn the_negative_check_sees_a_policy_once_a_negative_site_links_its_own() {
    // The same archive, but in 2019 trailrunners-club.com links a policy of its own.
    let mut set = load();
    set.add(FixtureCapture::html(
        "http://trailrunners-club.com/",
        "20190312101500",
        "<html><body><p>Trail runs.</p><footer><a href=\"/privacy\">Privacy Policy</a> \
         <a href=\"https://tools.google.com/dlpage/gaoptout\">Opt out of Google Analytics</a>\
         </footer></body></html>",
    ));
    let own = set
        .with_key(&surt("http://www.paypal.com/webapps/mpp/ua/privacy-full"))
        .first()
        .expect("a policy page to copy")
        .body
        .clone();
    set.add(FixtureCapture::html(
        "http://trailrunners-club.com/privacy",
        "20190315000000",
        own,
    ));
    let (_dir, db) = crawl(set);
    let findings = negative_findings(&db);
    assert!(
        findings.iter().any(|f| f.starts_with(
            "trailrunners-club.com: stored version 1 of http://trailrunners-club.com/privacy"
        )),
        "{findings:?}"
    );
    assert!(
        findings
            .iter()
            .all(|f| f.starts_with("trailrunners-club.com: ")),
        "{findings:?}"
    );
}

#[test]
fn each_refused_third_party_link_is_recorded_in_discoveries() {
    let (_dir, db) = crawl(load());
    let store = Store::open_read_only(&db).expect("store opens");
    for (domain, links) in NEGATIVES {
        let record = store
            .domain(domain, store::DocumentType::Privacy)
            .expect("query")
            .unwrap_or_else(|| panic!("{domain} in the store"));
        let decisions = store.decisions(record.id).expect("decisions");
        assert!(!decisions.is_empty(), "{domain}: no decision recorded");
        for decision in &decisions {
            assert_eq!(decision.policy_url, None, "{domain}: {decision:?}");
        }
        for link in links {
            assert!(
                decisions
                    .iter()
                    .any(|d| d.candidates.iter().any(|c| c == link)),
                "{domain}: {link} considered and refused: {decisions:?}"
            );
        }
    }
}

#[test]
fn the_sites_own_policy_beats_a_third_party_link_beside_it() {
    let (_dir, db) = crawl(load());
    let store = Store::open_read_only(&db).expect("store opens");
    let record = store
        .domain(OWN_DOMAIN, store::DocumentType::Privacy)
        .expect("query")
        .expect("in the store");
    let versions = store.versions(record.id).expect("versions");
    // The two captures differ in their "Last updated" year: two versions, both the own page.
    assert_eq!(versions.len(), 2, "{versions:?}");
    for version in &versions {
        assert_eq!(version.url, OWN_POLICY);
        assert!(version.markdown.contains("Gardenworks Supply"));
    }
    let chosen: Vec<_> = store
        .decisions(record.id)
        .expect("decisions")
        .into_iter()
        .filter_map(|d| d.policy_url)
        .collect();
    assert!(!chosen.is_empty());
    assert!(chosen.iter().all(|url| url == OWN_POLICY), "{chosen:?}");
}

#[test]
fn a_parent_groups_policy_linked_from_the_sites_own_footer_is_followed() {
    let (_dir, db) = crawl(load());
    let store = Store::open_read_only(&db).expect("store opens");
    let record = store
        .domain(SISTER_DOMAIN, store::DocumentType::Privacy)
        .expect("query")
        .expect("in the store");
    let versions = store.versions(record.id).expect("versions");
    assert_eq!(versions.len(), 2, "{versions:?}");
    for version in &versions {
        assert_eq!(version.url, SISTER_POLICY);
        assert!(version.markdown.contains("Harbour Media Group"));
        // The header names the domain asked for and the real capture's snapshot URL.
        assert!(
            version.markdown.starts_with(&format!(
                "> *The following text is extracted and transformed from the {SISTER_DOMAIN} privacy policy"
            )),
            "{}",
            version.markdown
        );
        assert!(
            version
                .snapshot_url
                .as_deref()
                .is_some_and(|s| s.ends_with("id_/https%3A//www.harbourmedia-group.com/privacy")),
            "{:?}",
            version.snapshot_url
        );
    }
    let history = history_json(&db, SISTER_DOMAIN);
    assert_eq!(history.len(), 2);
}
