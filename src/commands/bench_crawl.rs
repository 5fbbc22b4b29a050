//! `crawler bench crawl`: the crawl's cost in archive requests, its wall time against the lower
//! bound the rate limits set, and its memory, on a generated archive served by `fake-wayback`
//! in its own process (so the archive's memory is not counted as ours).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::UsageError;
use crate::cli::BenchCrawlArgs;

pub fn crawl(args: BenchCrawlArgs) -> anyhow::Result<()> {
    if args.domains == 0 || args.scale <= 0.0 {
        return Err(UsageError("--domains and --scale must be positive".into()).into());
    }
    let work = tempfile::tempdir().context("cannot create a temporary folder")?;
    let fixtures = args
        .keep
        .clone()
        .unwrap_or_else(|| work.path().join("archive"));
    let generated = synthetic_archive::write_archive(&fixtures, args.domains, args.seed)
        .with_context(|| {
            format!(
                "cannot write the generated archive to {}",
                fixtures.display()
            )
        })?;
    eprintln!(
        "generated {} domains, {} captures ({} policy versions expected) in {}",
        args.domains,
        generated.captures,
        generated.expected_versions,
        fixtures.display()
    );
    let mut server = FakeArchive::start(&fixtures)?;
    let archive = wayback::ArchiveConfig {
        base_url: server.url.clone(),
        cdx_requests_per_minute: (24.0 * args.scale).round() as u32,
        playback_requests_per_second: args.scale,
        contact: "bench@localhost".into(),
        ..wayback::ArchiveConfig::default()
    };
    let client = wayback::WaybackClient::new(archive.clone())?;
    let store = store::Store::open(&work.path().join("bench.sqlite"))?;
    let crawler = crawl::Crawler::new(client, store, crawl::CrawlSettings::default());
    let names = generated.domains;
    let started = Instant::now();
    let mut rss_by_quarter: BTreeMap<u64, u64> = BTreeMap::new();
    let window = crawl::Window::default();
    let report = crate::commands::runtime()?.block_on(async {
        let run = crawler.run(&names, &window);
        tokio::pin!(run);
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        loop {
            tokio::select! {
                report = &mut run => break report,
                _ = tick.tick() => {
                    let done = crawler.live_counts().domains_done.load(Ordering::Relaxed);
                    let quarter = (done * 4).div_ceil(names.len() as u64).max(1);
                    if let Some(rss) = super::bench::current_rss_kib() {
                        let peak = rss_by_quarter.entry(quarter).or_insert(0);
                        *peak = (*peak).max(rss);
                    }
                }
            }
        }
    })?;
    let wall = started.elapsed().as_secs_f64();
    server.stop();
    let c = report.counts;
    let versions = c.versions_new.max(1);
    let cdx_rate = f64::from(archive.cdx_requests_per_minute) / 60.0;
    let playback_rate = archive.playback_requests_per_second;
    // With no bursts, n requests at rate r need (n - 1) / r seconds; the pools run in parallel.
    let bound = ((c.cdx_requests.saturating_sub(1)) as f64 / cdx_rate)
        .max((c.playback_requests.saturating_sub(1)) as f64 / playback_rate);
    let mut out = String::new();
    writeln!(
        out,
        "bench crawl: {} domains, {} captures in the archive, scale x{} (CDX {}/min, playback {}/s)",
        args.domains,
        generated.captures,
        args.scale,
        archive.cdx_requests_per_minute,
        playback_rate
    )?;
    writeln!(
        out,
        "versions: {} stored ({} expected by the generator); run {:?}, {} errors",
        c.versions_new, generated.expected_versions, report.status, c.errors
    )?;
    writeln!(
        out,
        "CDX requests: {} = {:.2} per domain (target <= 3)",
        c.cdx_requests,
        c.cdx_requests as f64 / args.domains as f64
    )?;
    writeln!(
        out,
        "playback requests: {} = {:.2} per stored version (target <= 1.2)",
        c.playback_requests,
        c.playback_requests as f64 / versions as f64
    )?;
    writeln!(
        out,
        "  of which: {} policy captures downloaded ({} of them new HTML of a text already seen), {} homepage reads and archived-redirect hops",
        c.captures_fetched,
        c.captures_fetched.saturating_sub(c.versions_new),
        c.playback_requests.saturating_sub(c.captures_fetched)
    )?;
    writeln!(
        out,
        "wall time: {wall:.1} s; lower bound from the limits {bound:.1} s; ratio {:.3} (target <= 1.1)",
        wall / bound.max(f64::EPSILON)
    )?;
    let quarters: Vec<String> = rss_by_quarter
        .iter()
        .map(|(q, kib)| format!("{}%: {:.1} MB", q * 25, *kib as f64 / 1024.0))
        .collect();
    writeln!(
        out,
        "peak memory: {:.1} MB (target < 150 MB); by share of domains done: {}",
        super::bench::peak_rss_kib().unwrap_or(0) as f64 / 1024.0,
        quarters.join(", ")
    )?;
    print!("{out}");
    Ok(())
}

/// `fake-wayback` in a child process.
struct FakeArchive {
    child: Child,
    url: String,
}

impl FakeArchive {
    fn start(fixtures: &Path) -> anyhow::Result<FakeArchive> {
        let binary = std::env::current_exe()?
            .parent()
            .map(|dir| dir.join("fake-wayback"))
            .filter(|path| path.is_file())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "the fake-wayback binary is not beside crawler: build it with `cargo build --release --workspace`"
                )
            })?;
        let mut child = Command::new(&binary)
            .arg("--fixtures")
            .arg(fixtures)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let stdout = child.stdout.take().context("no stdout from fake-wayback")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .map(str::to_owned)
            .ok_or_else(|| anyhow::anyhow!("fake-wayback did not start: {line:?}"))?;
        Ok(FakeArchive { child, url })
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for FakeArchive {
    fn drop(&mut self) {
        self.stop();
    }
}
