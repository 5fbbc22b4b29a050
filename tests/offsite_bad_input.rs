//! Off-site discovery on bad input: a homepage linking hundreds of policy candidates on other
//! hosts (none archived), an IDN host, hrefs that are not web pages, and two sites linking each
//! other's policies. Each gets a clear outcome and a decision trail; nothing panics or hangs.

mod common;

use std::path::Path;

use common::{Archive, crawl_domains};
use fake_wayback::{FixtureCapture, FixtureSet};
use store::{Relation, Store};

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"
    )
}

fn policy(name: &str) -> String {
    page(
        &format!("{name} privacy policy"),
        &format!(
            "<h2>What we collect</h2><p>{name} collects the e-mail address you give when you write to us, and nothing else.</p>\
             <h2>Cookies</h2><p>{name} uses one cookie to remember your language. It holds no personal data.</p>\
             <h2>Contact</h2><p>Write to privacy@{name} with any question about this policy.</p>"
        ),
    )
}

/// Two homepage captures a domain, a year apart, with `footer` as their footer.
fn homepages(set: &mut FixtureSet, domain: &str, footer: &str) {
    for timestamp in ["20180301000000", "20190301000000"] {
        set.add(FixtureCapture::html(
            &format!("http://{domain}/"),
            timestamp,
            page(domain, &format!("<p>Welcome.</p><footer>{footer}</footer>")),
        ));
    }
}

fn archive() -> FixtureSet {
    let mut set = FixtureSet::new();
    // Hundreds of off-site candidates, none archived.
    let many: String = (0..300)
        .map(|i| format!("<a href=\"http://host{i}.example.net/privacy\">Privacy Policy</a> "))
        .collect();
    homepages(&mut set, "many-links.example.com", &many);
    // An IDN host (archives list it in its ASCII form).
    homepages(
        &mut set,
        "buchladen.example.de",
        "<a href=\"http://bücher-verlag.example/datenschutz\">Datenschutz</a>",
    );
    set.add(FixtureCapture::html(
        "http://xn--bcher-verlag-dlb.example/datenschutz",
        "20180601000000",
        policy("bücher-verlag.example"),
    ));
    // Links that are not web pages, with policy words.
    homepages(
        &mut set,
        "odd-hrefs.example.com",
        "<a href=\"javascript:openPrivacy()\">Privacy Policy</a> \
         <a href=\"mailto:privacy@odd-hrefs.example.com\">Privacy</a> \
         <a href=\"data:text/html,privacy\">Privacy Notice</a>",
    );
    // Two sites that link each other's policies.
    for (domain, other) in [
        ("left-site.example.com", "right-site.example.org"),
        ("right-site.example.org", "left-site.example.com"),
    ] {
        homepages(
            &mut set,
            domain,
            &format!("<a href=\"http://{other}/legal\">Privacy Policy</a>"),
        );
        set.add(FixtureCapture::html(
            &format!("http://{domain}/legal"),
            "20180601000000",
            policy(domain),
        ));
    }
    set
}

fn crawl(dir: &Path) -> Store {
    let archive = Archive::serving(archive());
    let domains = dir.join("domains.txt");
    std::fs::write(
        &domains,
        "many-links.example.com\nbuchladen.example.de\nodd-hrefs.example.com\nleft-site.example.com\nright-site.example.org\n",
    )
    .expect("write domains");
    let db = dir.join("crawler.sqlite");
    crawl_domains(&archive, dir, &db, &domains);
    Store::open_read_only(&db).expect("store opens")
}

#[test]
fn bad_input_gets_a_clear_decision_and_nothing_panics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = crawl(dir.path());
    let domain = |name: &str| {
        store
            .domain(name, store::DocumentType::Privacy)
            .expect("query")
            .unwrap_or_else(|| panic!("{name} is stored"))
    };

    // Hundreds of candidates, none archived: no version, and the trail says why.
    let many = domain("many-links.example.com");
    assert_eq!(many.state, store::DomainState::Ok);
    assert!(store.versions(many.id).expect("versions").is_empty());
    let decisions = store.decisions(many.id).expect("decisions");
    assert!(
        decisions.iter().any(|d| d.policy_url.is_none()
            && d.note
                .as_deref()
                .is_some_and(|n| n.contains("the archive holds no page capture of it"))),
        "{decisions:#?}"
    );

    // The IDN host's policy is followed, under its ASCII name.
    let idn = domain("buchladen.example.de");
    let versions = store.versions(idn.id).expect("versions");
    assert_eq!(versions.len(), 1, "{versions:#?}");
    assert_eq!(versions[0].relation, Some(Relation::LinkedOffsite));
    assert_eq!(
        versions[0].policy_host.as_deref(),
        Some("xn--bcher-verlag-dlb.example")
    );
    assert!(
        versions[0]
            .markdown
            .starts_with("> *The following text is extracted and transformed from the buchladen.example.de privacy policy that was archived on 2018-06-01.")
    );

    // hrefs that are not web pages are no policy links: nothing is followed.
    let odd = domain("odd-hrefs.example.com");
    assert_eq!(odd.state, store::DomainState::Ok);
    assert!(store.versions(odd.id).expect("versions").is_empty());
    assert!(
        store
            .decisions(odd.id)
            .expect("decisions")
            .iter()
            .all(|d| d.policy_url.is_none())
    );

    // Two sites linking each other: each keeps the other's policy, once, and the crawl ends.
    for (name, other) in [
        ("left-site.example.com", "right-site.example.org"),
        ("right-site.example.org", "left-site.example.com"),
    ] {
        let site = domain(name);
        let versions = store.versions(site.id).expect("versions");
        assert_eq!(versions.len(), 1, "{name}: {versions:#?}");
        assert_eq!(versions[0].url, format!("http://{other}/legal"));
        assert_eq!(versions[0].relation, Some(Relation::LinkedOffsite));
    }
}
