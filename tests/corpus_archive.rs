//! Issue 14's test archive: the 18 reference pairs served as their real captures with a
//! homepage linking each policy; crawl + `export --format markdown` must give back the
//! published Markdown byte for byte.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::corpus_archive::{CorpusPair, OFF_SITE, ON_SITE, corpus_archive, corpus_pairs};
use common::{Archive, crawl_domains, export_markdown};

/// Per domain, the relation of each stored version.
type Relations = BTreeMap<String, Vec<Option<store::Relation>>>;

/// Per domain, the export's `parked` column of each version.
type ParkedColumn = BTreeMap<String, Vec<serde_json::Value>>;

/// The two pairs whose policy is a registrar's page for a parked or expired domain (GoDaddy's
/// parked-page policy, Hover's for expired domains).
const PARKED: [&str; 2] = ["bookbao.org", "lessframework.com"];

/// How one pair came out of the export.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Identical,
    Differs(String),
    Missing,
}

/// Crawls the corpus archive, exports it and compares each pair's exported file with its
/// published `.md`; also gives where each domain's versions say their policy lived, and the
/// export's `parked` column.
fn crawl_and_compare() -> (BTreeMap<String, Outcome>, Relations, ParkedColumn) {
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
    // `history` names where each off-site version's policy lived.
    for domain in OFF_SITE {
        let history = common::crawler()
            .arg("--db")
            .arg(&db)
            .arg("history")
            .arg(domain)
            .output()
            .expect("crawler runs");
        let shown = common::text(&history.stdout);
        assert!(shown.contains("linked-offsite"), "{domain}: {shown}");
    }
    let store = store::Store::open_read_only(&db).expect("store opens");
    let relations = pairs
        .iter()
        .map(|pair| {
            let domain = store
                .domain(&pair.domain, store::DocumentType::Privacy)
                .expect("query")
                .expect("the domain is stored");
            let versions = store.versions(domain.id).expect("versions");
            (
                pair.domain.clone(),
                versions.iter().map(|v| v.relation).collect(),
            )
        })
        .collect();
    let mut parked = ParkedColumn::new();
    store
        .export_rows(&store::ExportFilter::default(), |row| {
            let domain = row.get("domain").and_then(|d| d.as_str()).unwrap_or("");
            let flag = row.get("parked").cloned().unwrap_or_default();
            parked.entry(domain.to_owned()).or_default().push(flag);
            Ok(())
        })
        .expect("export rows");
    let outcomes = pairs
        .iter()
        .map(|pair| (pair.domain.clone(), compare(&out, pair)))
        .collect();
    (outcomes, relations, parked)
}

fn compare(out: &Path, pair: &CorpusPair) -> Outcome {
    let path = out.join(export::corpus_path(
        &pair.domain,
        store::DocumentType::Privacy,
        &pair.timestamp,
    ));
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
fn all_eighteen_pairs_are_reproduced_byte_for_byte() {
    let (outcomes, relations, _) = crawl_and_compare();
    let identical = outcomes
        .values()
        .filter(|o| **o == Outcome::Identical)
        .count();
    assert_eq!(identical, 18, "{}", report(&outcomes));
    // Each version says where its policy lived.
    for domain in ON_SITE {
        assert_eq!(
            relations[domain],
            [Some(store::Relation::SameSite)],
            "{domain}"
        );
    }
    for domain in OFF_SITE {
        assert_eq!(
            relations[domain],
            [Some(store::Relation::LinkedOffsite)],
            "{domain}"
        );
    }
}

#[test]
fn only_the_registrars_parked_and_expired_domain_pages_are_parked() {
    let (_, _, parked) = crawl_and_compare();
    assert_eq!(parked.len(), 18, "{parked:?}");
    for (domain, flags) in &parked {
        let expected = i64::from(PARKED.contains(&domain.as_str()));
        assert_eq!(flags, &[serde_json::Value::from(expected)], "{domain}");
    }
}
