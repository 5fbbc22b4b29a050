//! Pasted playback URLs taken apart: the reverse of `WaybackClient::playback_url`.

use wayback::{
    ArchiveConfig, ArchiveProfile, PlaybackAddress, WaybackClient, any_playback_address,
    playback_address,
};

fn address(root: &str, timestamp: &str, modifier: &str, original: &str) -> PlaybackAddress {
    PlaybackAddress {
        root: root.into(),
        timestamp: timestamp.into(),
        modifier: modifier.into(),
        original: original.into(),
    }
}

#[test]
fn internet_archive_forms_with_and_without_modifiers() {
    let root = "https://web.archive.org/web";
    let birds = "https://www.fws.gov/birds/";
    for (pasted, modifier) in [
        (
            "https://web.archive.org/web/20171124151315id_/https://www.fws.gov/birds/",
            "id_",
        ),
        (
            "https://web.archive.org/web/20171124151315/https://www.fws.gov/birds/",
            "",
        ),
        (
            "https://web.archive.org/web/20171124151315im_/https://www.fws.gov/birds/",
            "im_",
        ),
        (
            "http://WEB.archive.org:80/web/20171124151315if_/https://www.fws.gov/birds/",
            "if_",
        ),
        (
            "  https://web.archive.org/web/20171124151315/https:/www.fws.gov/birds/ ",
            "",
        ),
        (
            "https://web.archive.org./web/20171124151315/https://www.fws.gov/birds/",
            "",
        ),
        (
            "https://me@web.archive.org:443/web/20171124151315/https://www.fws.gov/birds/",
            "",
        ),
    ] {
        let parsed = playback_address(root, pasted).unwrap_or_else(|| panic!("{pasted}"));
        assert_eq!(parsed.timestamp, "20171124151315", "{pasted}");
        assert_eq!(parsed.modifier, modifier, "{pasted}");
        assert_eq!(parsed.original, birds, "{pasted}");
    }
    assert_eq!(
        playback_address(
            root,
            "https://web.archive.org/web/2017/example.com/a?b=c&d=/e"
        ),
        Some(address(root, "2017", "", "example.com/a?b=c&d=/e"))
    );
}

#[test]
fn other_urls_are_not_playback_urls() {
    let root = "https://web.archive.org/web";
    for url in [
        "https://www.fws.gov/birds/",
        "https://web.archive.org/web/",
        "https://web.archive.org/web/2017id_/",
        "https://web.archive.org/web/201id_/https://x.org/",
        "https://web.archive.org/web/20171124151315xx/https://x.org/",
        "https://web.archive.org/web/*/https://x.org/",
        "https://web.archive.org/webx/2017/https://x.org/",
        "https://archive.example/web/2017/https://x.org/",
        "https://web.archive.org:8443/web/2017/https://x.org/",
        "https://web.archive.org.evil.example/web/2017/https://x.org/",
        "ftp://web.archive.org/web/2017/https://x.org/",
    ] {
        assert_eq!(playback_address(root, url), None, "{url}");
    }
}

#[test]
fn pywb_collections_and_local_archives() {
    let root = "http://127.0.0.1:8080/my-web-archive";
    assert_eq!(
        playback_address(
            root,
            "http://127.0.0.1:8080/my-web-archive/20171124151315id_/http://example.com/privacy"
        ),
        Some(address(
            root,
            "20171124151315",
            "id_",
            "http://example.com/privacy"
        ))
    );
    assert_eq!(
        playback_address(root, "http://127.0.0.1:8080/other/2017/http://example.com/"),
        None
    );
    let ipv6 = "http://[::1]:8080/coll";
    assert!(playback_address(ipv6, "http://[::1]:8080/coll/2017/http://example.com/").is_some());
    assert!(playback_address(ipv6, "http://[::1]/coll/2017/http://example.com/").is_none());
    assert_eq!(
        playback_address(
            root,
            "http://127.0.0.1:9999/my-web-archive/2017/http://example.com/"
        ),
        None
    );
}

#[test]
fn the_client_reverses_its_own_playback_urls() {
    for (profile, base) in [
        (ArchiveProfile::Ia, "https://web.archive.org"),
        (ArchiveProfile::Ia, "http://127.0.0.1:8089"),
        (ArchiveProfile::Pywb, "http://localhost:8080/coll"),
    ] {
        let config = ArchiveConfig {
            profile,
            base_url: base.into(),
            ..ArchiveConfig::default()
        };
        let client = WaybackClient::new(config).expect("client");
        let original = "https://example.com/legal/privacy?lang=en";
        let url = client.playback_url("20120315000000", original);
        let parsed = client
            .playback_address(&url)
            .unwrap_or_else(|| panic!("{url}"));
        assert_eq!(
            (
                parsed.timestamp.as_str(),
                parsed.modifier.as_str(),
                parsed.original.as_str()
            ),
            ("20120315000000", "id_", original),
            "{url}"
        );
    }
}

#[test]
fn playback_urls_of_other_archives_are_recognised_loosely() {
    assert_eq!(
        any_playback_address(
            "https://web.archive.org/web/20171124151315/https://www.fws.gov/birds/"
        ),
        Some(address(
            "https://web.archive.org/web",
            "20171124151315",
            "",
            "https://www.fws.gov/birds/"
        ))
    );
    assert_eq!(
        any_playback_address("http://host/coll/2017id_/http://example.com/"),
        Some(address(
            "http://host/coll",
            "2017",
            "id_",
            "http://example.com/"
        ))
    );
    // An ordinary URL with a year in its path is not one.
    for url in [
        "http://example.com/2017/privacy.html",
        "http://example.com/2017/example.org/",
        "https://www.fws.gov/birds/",
    ] {
        assert_eq!(any_playback_address(url), None, "{url}");
    }
}
