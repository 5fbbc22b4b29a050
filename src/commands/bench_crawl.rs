//! `crawler bench crawl`: the crawl's cost in archive requests, its wall time against the lower
//! bound the rate limits set, and its memory, on a generated archive served by `fake-wayback`
//! in its own process (so the archive's memory is not counted as ours).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
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
    let generated = generate(&fixtures, args.domains, args.seed)?;
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

/// What the generator made.
struct Generated {
    domains: Vec<String>,
    captures: usize,
    expected_versions: usize,
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const WORDS: [&str; 24] = [
    "information",
    "personal",
    "we",
    "collect",
    "share",
    "cookies",
    "partners",
    "your",
    "data",
    "use",
    "service",
    "may",
    "third",
    "parties",
    "access",
    "email",
    "address",
    "secure",
    "retain",
    "request",
    "children",
    "advertising",
    "analytics",
    "choices",
];

/// Writes a fixture archive of `count` domains with 20 to 200 captures each: homepages every
/// month or so, a policy with 1 to 6 texts, exact re-captures (collapsed by the archive),
/// 0 to 3 template changes (new HTML and digest, same text), moved policy URLs with
/// redirects, 404 captures (3%), homepages without a link (5%), and blocked sites (2%).
fn generate(dir: &Path, count: usize, seed: u64) -> anyhow::Result<Generated> {
    std::fs::create_dir_all(dir.join("bodies"))?;
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut index = String::from("blocked = [");
    let mut entries = String::new();
    let mut domains = Vec::new();
    let mut blocked = Vec::new();
    let (mut captures, mut expected_versions) = (0, 0);
    let write_body = |name: &str, body: &str| -> anyhow::Result<String> {
        let path = PathBuf::from("bodies").join(name);
        std::fs::write(dir.join(&path), body)?;
        Ok(path.display().to_string())
    };
    for i in 0..count {
        let domain = format!("site{i:05}.example.com");
        domains.push(domain.clone());
        if rng.chance(2) {
            blocked.push(format!("{domain:?}"));
            continue;
        }
        let total = 20 + rng.below(181) as usize;
        let homepages = total * 3 / 5;
        let start_year = 2004 + rng.below(8);
        let years = 2021 - start_year;
        let span_months = years * 12;
        let moved_at = rng.chance(30).then(|| rng.below(span_months));
        let link = !rng.chance(5);
        let text_changes: Vec<u64> = {
            let n = rng.below(6);
            let mut at: Vec<u64> = (0..n).map(|_| 1 + rng.below(span_months - 1)).collect();
            at.sort_unstable();
            at.dedup();
            at
        };
        let template_changes: Vec<u64> =
            (0..rng.below(4)).map(|_| rng.below(span_months)).collect();
        let stamp = |month: u64, rng: &mut Rng| {
            format!(
                "{:04}{:02}{:02}{:02}{:02}{:02}",
                start_year + month / 12,
                month % 12 + 1,
                1 + rng.below(28),
                rng.below(24),
                rng.below(60),
                rng.below(60)
            )
        };
        let policy_path = |month: u64| match moved_at {
            Some(at) if month >= at => "/legal/privacy-policy",
            _ => "/privacy.html",
        };
        for (n, home) in [false, true].into_iter().enumerate() {
            let body = homepage(&domain, home.then_some("/legal/privacy-policy"), link, n);
            write_body(&format!("{domain}-home-{n}.html"), &body)?;
        }
        let mut months: Vec<u64> = (0..homepages).map(|_| rng.below(span_months)).collect();
        months.sort_unstable();
        for month in months {
            let moved = moved_at.is_some_and(|at| month >= at);
            captures += 1;
            let _ = write!(
                entries,
                "[[capture]]\nurl = \"http://www.{domain}/\"\ntimestamp = \"{}\"\nbody = \"bodies/{domain}-home-{}.html\"\n\n",
                stamp(month, &mut rng),
                usize::from(moved)
            );
        }
        let mut months: Vec<u64> = (0..total - homepages)
            .map(|_| rng.below(span_months))
            .collect();
        months.sort_unstable();
        let mut last_version = None;
        for month in months {
            let version = text_changes.iter().filter(|&&at| at <= month).count();
            let path = policy_path(month);
            let timestamp = stamp(month, &mut rng);
            captures += 1;
            if rng.chance(3) {
                let _ = write!(
                    entries,
                    "[[capture]]\nurl = \"http://www.{domain}{path}\"\ntimestamp = \"{timestamp}\"\nstatus = 404\nbody = \"{}\"\n\n",
                    write_body(
                        &format!("{domain}-404.html"),
                        "<html><body><h1>Not Found</h1></body></html>"
                    )?
                );
                continue;
            }
            // Site templates change now and then (a new footer, a new script): the HTML and
            // its digest change, the policy text does not.
            let variant = template_changes.iter().filter(|&&at| at <= month).count();
            let name = format!("{domain}-privacy-{version}-{variant}.html");
            let body = policy(&domain, version, variant, seed);
            let file = write_body(&name, &body)?;
            let _ = write!(
                entries,
                "[[capture]]\nurl = \"http://www.{domain}{path}\"\ntimestamp = \"{timestamp}\"\nbody = \"{file}\"\n\n"
            );
            if last_version != Some(version) {
                expected_versions += 1;
                last_version = Some(version);
            }
        }
        if let Some(at) = moved_at {
            captures += 1;
            let _ = write!(
                entries,
                "[[capture]]\nurl = \"http://www.{domain}/privacy.html\"\ntimestamp = \"{}\"\nstatus = 301\nlocation = \"/legal/privacy-policy\"\n\n",
                stamp(at, &mut rng)
            );
        }
    }
    index.push_str(&blocked.join(", "));
    index.push_str("]\n\n");
    index.push_str(&entries);
    std::fs::write(dir.join("captures.toml"), index)?;
    std::fs::write(dir.join("domains.txt"), domains.join("\n") + "\n")?;
    Ok(Generated {
        domains,
        captures,
        expected_versions,
    })
}

fn homepage(domain: &str, moved_to: Option<&str>, link: bool, variant: usize) -> String {
    let policy = moved_to.unwrap_or("/privacy.html");
    let link = if link {
        format!("<li><a href=\"{policy}\">Privacy Policy</a></li>")
    } else {
        String::new()
    };
    format!(
        "<!DOCTYPE html><html><head><title>{domain}</title></head><body><div id=\"nav\"><ul><li><a href=\"/\">Home</a></li><li><a href=\"/about\">About</a></li><li><a href=\"/shop\">Shop</a></li>{link}</ul></div><div id=\"main\"><h1>Welcome to {domain}</h1><p>Layout {variant}. Our products and services for you.</p></div><div id=\"footer\">&copy; {domain}</div></body></html>\n"
    )
}

fn policy(domain: &str, version: usize, variant: usize, seed: u64) -> String {
    let mut rng = Rng((seed ^ (version as u64 + 1).wrapping_mul(0x51_7cc1_b727_220a)) | 1);
    let mut body = String::new();
    for section in 0..6 {
        let _ = write!(body, "<h2>Section {}</h2>", section + 1);
        for _ in 0..2 {
            body.push_str("<p>");
            for w in 0..40 {
                if w > 0 {
                    body.push(' ');
                }
                body.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
            }
            body.push_str(".</p>");
        }
    }
    format!(
        "<!DOCTYPE html><html><head><title>Privacy Policy - {domain}</title></head><body><div id=\"nav\"><a href=\"/\">Home</a></div><div id=\"content\"><h1>Privacy Policy</h1><p>Version {version} of the policy of {domain}.</p>{body}</div><!-- build {variant} --><div id=\"footer\">&copy; {domain}</div></body></html>\n"
    )
}
