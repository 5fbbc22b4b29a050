//! Issue 14's test archive: the 18 reference pairs served as their real captures with a
//! homepage linking each policy; crawl + `export --format markdown` must give back the
//! published Markdown byte for byte.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::corpus_archive::{CorpusPair, OFF_SITE, ON_SITE, corpus_archive, corpus_pairs};
use common::{Archive, crawl_domains, export_markdown};

/// How one pair came out of the export.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Identical,
    Differs(String),
    Missing,
}

/// Crawls the corpus archive, exports it and compares each pair's exported file with its
/// published `.md`.
fn crawl_and_compare() -> BTreeMap<String, Outcome> {
    let pairs = corpus_pairs();
    assert_eq!(pairs.len(), 18, "the 18 dev pairs");
    let archive = Archive::serving(corpus_archive(&pairs));
    let dir = tempfile::tempdir().expect("temp dir");
    let domains = dir.path().join("domains.txt");
    common::corpus_archive::write_domains(&pairs, &domains);
    let db = dir.path().join("crawler.sqlite");
    crawl_domains(&archive, dir.path(), &db, &domains);
    let out = dir.path().join("tree");
    export_markdown(&db, &out);
    pairs
        .iter()
        .map(|pair| (pair.domain.clone(), compare(&out, pair)))
        .collect()
}

fn compare(out: &Path, pair: &CorpusPair) -> Outcome {
    let path = out.join(export::corpus_path(&pair.domain, &pair.timestamp));
    assert!(
        path.ends_with(format!("{}.md", pair.stem)),
        "the export names files as the corpus does: {}",
        path.display()
    );
    match std::fs::read(&path) {
        Err(_) => Outcome::Missing,
        Ok(bytes) if bytes == pair.markdown => Outcome::Identical,
        Ok(bytes) => {
            let ours = String::from_utf8_lossy(&bytes);
            let theirs = String::from_utf8_lossy(&pair.markdown);
            let line = ours
                .lines()
                .zip(theirs.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| ours.lines().count().min(theirs.lines().count()));
            Outcome::Differs(format!(
                "line {}: ours {:?} / corpus {:?}",
                line + 1,
                ours.lines().nth(line).unwrap_or("<end>"),
                theirs.lines().nth(line).unwrap_or("<end>")
            ))
        }
    }
}

fn report(outcomes: &BTreeMap<String, Outcome>) -> String {
    outcomes
        .iter()
        .map(|(domain, outcome)| format!("{domain}: {outcome:?}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
#[ignore = "issue 14: off-site policies"]
fn all_eighteen_pairs_are_reproduced_byte_for_byte() {
    let outcomes = crawl_and_compare();
    let identical = outcomes
        .values()
        .filter(|o| **o == Outcome::Identical)
        .count();
    assert_eq!(identical, 18, "{}", report(&outcomes));
}

#[test]
fn the_thirteen_on_site_pairs_are_reproduced_byte_for_byte() {
    let outcomes = crawl_and_compare();
    assert_eq!(outcomes.len(), 18);
    for domain in ON_SITE {
        assert_eq!(
            outcomes.get(domain),
            Some(&Outcome::Identical),
            "{domain} must be reproduced byte for byte:\n{}",
            report(&outcomes)
        );
    }
    // Today's crawl follows no off-site link, so these five have no file; once issue 14 lands
    // they are identical. Either way, never a file that differs from the corpus.
    for domain in OFF_SITE {
        assert!(
            matches!(
                outcomes.get(domain),
                Some(Outcome::Missing | Outcome::Identical)
            ),
            "{domain} (off-site policy):\n{}",
            report(&outcomes)
        );
    }
}
