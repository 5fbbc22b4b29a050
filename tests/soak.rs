//! Soak: the generated archive (the one `crawler bench crawl` uses, 40 domains) crawled, with
//! each download strategy, through a fifth of its requests failing in mixed ways, rerun until
//! nothing is left to retry, ends with the store a clean crawl makes: the canonical dump, capture counts, cursors and decision
//! trail included, byte for byte.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use common::{Archive, crawler, dump, text};
use fake_wayback::{FaultRule, FixtureSet};

const DOMAINS: usize = 40;
const SEED: u64 = 20261201;
const MAX_RUNS: usize = 12;

fn config(dir: &Path, strategy: &str) -> std::path::PathBuf {
    let path = dir.join(format!("soak-{strategy}.toml"));
    std::fs::write(
        &path,
        format!(
            "[archive]\ncdx_requests_per_minute = 6000\nplayback_requests_per_second = 300.0\n\
             playback_concurrency = 4\nretry_base_delay = 0.01\nmax_retries = 1\n\
             read_idle_timeout = 1.0\nrequest_timeout = 5.0\n\n[crawl]\ndomain_concurrency = 4\n\
             strategy = \"{strategy}\"\n"
        ),
    )
    .expect("write config");
    path
}

fn crawl(archive: &Archive, dir: &Path, db: &Path, domains: &Path, strategy: &str) -> Output {
    crawler()
        .arg("--config")
        .arg(config(dir, strategy))
        .arg("--archive")
        .arg(archive.url())
        .arg("--db")
        .arg(db)
        .arg("crawl")
        .arg("--domains-file")
        .arg(domains)
        .output()
        .expect("crawler runs")
}

/// The domains a user reruns: failed ones, and those with captures waiting for a retry.
fn unsettled(db: &Path) -> Vec<String> {
    let store = store::Store::open(db).expect("store opens");
    let mut names = Vec::new();
    for domain in store.domains().expect("domains") {
        let waiting = store
            .pending_policy_captures(domain.id)
            .expect("pending captures");
        if domain.state == store::DomainState::Failed || !waiting.is_empty() {
            names.push(domain.name);
        }
    }
    names
}

/// About one request in five answered with a fault, of every kind a crawl meets on the wire,
/// written as `fake-wayback --fault KIND:RATE` takes them.
const MIXED_FAULTS: [&str; 8] = [
    "service-unavailable:0.05",
    "gateway-timeout:0.03",
    "reset:0.05",
    "truncated-body:0.03",
    "garbled-cdx:0.08",
    "redirect-loop:0.03",
    "scrambled-body:0.04",
    "double-gzip:0.02",
];
#[test]
fn a_change_point_crawl_through_mixed_faults_rerun_until_done_equals_a_clean_crawl() {
    soak("change-point");
}

#[test]
fn an_exhaustive_crawl_through_mixed_faults_rerun_until_done_equals_a_clean_crawl() {
    soak("exhaustive");
}

/// Crawls the generated archive cleanly, then through [`MIXED_FAULTS`] until settled, with
/// one download strategy, and compares the canonical dumps.
fn soak(strategy: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixtures = dir.path().join("archive");
    let generated =
        synthetic_archive::write_archive(&fixtures, DOMAINS, SEED).expect("generated archive");
    let domains = fixtures.join("domains.txt");
    let load = || FixtureSet::load(&fixtures).expect("fixtures load");

    let clean_archive = Archive::serving(load());
    let reference = dir.path().join("clean.sqlite");
    let clean = crawl(&clean_archive, dir.path(), &reference, &domains, strategy);
    assert!(clean.status.success(), "{}", text(&clean.stderr));
    let expected = dump(&reference);
    let clean_requests = clean_archive.server().requests().len();

    let faulty_archive = Archive::serving(load());
    // SOAK_SEED replays another draw of the faults (the archive stays the same).
    let fault_seed = std::env::var("SOAK_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(SEED);
    faulty_archive.server().set_fault_seed(fault_seed);
    for spec in MIXED_FAULTS {
        faulty_archive
            .server()
            .add_fault(FaultRule::from_spec(spec).expect("a fault spec"));
    }
    let db = dir.path().join("faulty.sqlite");
    let mut runs = 0;
    let mut to_crawl = domains.clone();
    let rerun_list = dir.path().join("rerun.txt");
    let mut left = Vec::new();
    while runs < MAX_RUNS {
        runs += 1;
        let output = crawl(&faulty_archive, dir.path(), &db, &to_crawl, strategy);
        let stderr = text(&output.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        left = unsettled(&db);
        if left.is_empty() {
            break;
        }
        std::fs::write(&rerun_list, left.join("\n") + "\n").expect("write the rerun list");
        to_crawl = rerun_list.clone();
    }
    let requests = faulty_archive.server().requests();
    let faults = requests.iter().filter(|r| r.fault.is_some()).count();
    eprintln!(
        "soak ({strategy}): {DOMAINS} domains, {} captures, {} versions expected; clean run {clean_requests} requests; \
         faulty: {} requests, {faults} faults injected ({:.1}%), {runs} runs to settle",
        generated.captures,
        generated.expected_versions,
        requests.len(),
        100.0 * faults as f64 / requests.len().max(1) as f64,
    );
    if !left.is_empty() {
        let status = crawler()
            .arg("--db")
            .arg(&db)
            .arg("status")
            .output()
            .expect("status");
        panic!(
            "still unsettled after {MAX_RUNS} runs: {left:?}\n{}",
            text(&status.stdout)
        );
    }
    assert!(
        faults * 100 >= requests.len() * 15,
        "the soak must inject about a fifth of faults ({faults} of {})",
        requests.len()
    );
    let got = dump(&db);
    if got != expected {
        // Every fact one store holds and the other lacks, bodies cut short.
        let (want, have): (BTreeSet<&str>, BTreeSet<&str>) =
            (expected.lines().collect(), got.lines().collect());
        let short = |line: &&str| line.chars().take(600).collect::<String>();
        let missing: Vec<String> = want.difference(&have).map(short).collect();
        let extra: Vec<String> = have.difference(&want).map(short).collect();
        panic!(
            "the faulty store differs from the clean one\nonly in the clean store:\n{}\nonly in the faulty store:\n{}",
            missing.join("\n"),
            extra.join("\n")
        );
    }
}
