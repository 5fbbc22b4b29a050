//! `crawler bench crawl`: the crawl's cost in archive requests, its wall time against the lower
//! bound the rate limits set, and its memory, on a generated archive served by `fake-wayback`
//! in its own process (so the archive's memory is not counted as ours). With other document
//! types than privacy (`types`), the generated sites also have terms, cookie policies and
//! imprints, and the crawl follows them: the figures count every type, the versions also per
//! type; the truth comparison (realistic profile) reads privacy-policy rows only.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use store::DocumentType;
use synthetic_archive::{ArchiveOptions, GeneratedArchive, Profile, TrueVersion};

use crate::{BenchError, CpuTime, current_rss_kib, peak_rss_kib};

/// What [`crawl`] measures.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// Domains in the generated archive.
    pub domains: usize,
    /// Factor applied to the default rate limits (CDX 24/min, playback 1/s).
    pub scale: f64,
    /// Seed of the generator.
    pub seed: u64,
    /// The generator's profile; for [`Profile::Realistic`] the crawl is compared with the
    /// generator's truth.
    pub profile: Profile,
    /// The strategies crawled, one after the other, each into its own store, on the same
    /// archive.
    pub strategies: Vec<crawl::Strategy>,
    /// The document types crawled (privacy alone by default): any other type turns on the
    /// generator's other documents ([`ArchiveOptions::other_documents`]).
    pub types: Vec<DocumentType>,
    /// One JSON object per line and strategy instead of the report.
    pub json: bool,
    /// Write the generated archive here (kept) instead of a temporary folder.
    pub keep: Option<PathBuf>,
    /// The `fake-wayback` binary; by default the one beside the running executable.
    pub fake_wayback: Option<PathBuf>,
    /// The `crawler` binary: when given, the archive is written by `crawler bench generate`
    /// in a process of its own ([`generate`]), so that this process's memory is the crawl's
    /// alone; `None` writes it in this process.
    pub generator: Option<PathBuf>,
    /// This process's CPU time so far (`None` where it cannot be read): the crawl's is the
    /// difference across it.
    pub cpu_time: fn() -> Option<CpuTime>,
}

/// Generates an archive (a note on `progress`), serves it with `fake-wayback` in its own
/// process, and crawls it once per strategy, each into its own temporary store, writing each
/// crawl's cost to `out`: requests against their targets, conversions per downloaded capture,
/// wall time against the lower bound the rate limits set, CPU time, and memory by share of
/// domains done. On the realistic profile it also compares the stored versions with the
/// generator's truth ([`TruthFigures`]). With `json`, one [`StrategyRow`] per line instead.
pub fn crawl(
    options: &CrawlOptions,
    out: &mut dyn Write,
    progress: &mut dyn Write,
) -> Result<(), BenchError> {
    if options.domains == 0 || options.scale <= 0.0 || options.scale.is_nan() {
        return Err(BenchError::Usage(
            "--domains and --scale must be positive".into(),
        ));
    }
    if options.strategies.is_empty() {
        return Err(BenchError::Usage("--strategies names none".into()));
    }
    if options.types.is_empty() {
        return Err(BenchError::Usage("--types names none".into()));
    }
    let work = tempfile::tempdir().map_err(BenchError::io("cannot create a temporary folder"))?;
    let fixtures = options
        .keep
        .clone()
        .unwrap_or_else(|| work.path().join("archive"));
    let generating = Instant::now();
    let to_generate = GenerateOptions {
        domains: options.domains,
        seed: options.seed,
        profile: options.profile,
        other_documents: options.types.iter().any(|&t| t != DocumentType::Privacy),
        out: fixtures.clone(),
    };
    let (generated, saved_truth) = match &options.generator {
        Some(binary) => {
            // Its truth is read again after each crawl instead of held through it, so that
            // the memory measured is the crawl's.
            let mut generated = generate_apart(binary, &to_generate)?;
            generated.truth = Vec::new();
            (generated, Some(fixtures.as_path()))
        }
        None => (write_generated(&to_generate)?, None),
    };
    match generated.policy_captures {
        None => writeln!(
            progress,
            "generated {} domains, {} captures ({} policy versions expected) in {}",
            options.domains,
            generated.captures,
            generated.expected_versions,
            fixtures.display()
        )?,
        Some(policy) => writeln!(
            progress,
            "generated {} domains ({} profile), {} captures of which {} policy pages with {} distinct digests ({} true versions) in {} in {:.1} s",
            options.domains,
            generated.profile,
            generated.captures,
            policy.captures,
            policy.digests,
            generated.expected_versions,
            fixtures.display(),
            generating.elapsed().as_secs_f64()
        )?,
    }
    if !generated.domains_by_type.is_empty() {
        let described: Vec<String> = generated
            .domains_by_type
            .iter()
            .map(|(kind, domains)| {
                format!(
                    "{} on {domains} domains ({} versions expected)",
                    kind.slug(),
                    generated.expected_versions_of(*kind)
                )
            })
            .collect();
        writeln!(progress, "other documents: {}", described.join(", "))?;
    }
    let binary = match &options.fake_wayback {
        Some(binary) => binary.clone(),
        None => beside_current_exe("fake-wayback")?,
    };
    let mut server = FakeArchive::start(&binary, &fixtures)?;
    let done = crawl_served(
        options,
        &generated,
        saved_truth,
        &server.url,
        work.path(),
        out,
        progress,
    );
    server.stop();
    done
}

/// What [`generate`] writes.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Domains in the archive.
    pub domains: usize,
    /// Seed of the generator.
    pub seed: u64,
    /// Which generator writes it.
    pub profile: Profile,
    /// The sites also have terms, cookie policies and imprints.
    pub other_documents: bool,
    /// The folder it is written to.
    pub out: PathBuf,
}

/// `crawler bench generate`: writes the archive [`crawl`] serves, with what the generator made
/// beside it ([`GeneratedArchive::save`]), so that [`crawl`] can have it written by another
/// process.
pub fn generate(options: &GenerateOptions) -> Result<(), BenchError> {
    let generated = write_generated(options)?;
    generated.save(&options.out).map_err(BenchError::io(format!(
        "cannot write {} in {}",
        synthetic_archive::SUMMARY_FILE,
        options.out.display()
    )))
}

fn write_generated(options: &GenerateOptions) -> Result<GeneratedArchive, BenchError> {
    synthetic_archive::write_archive_with_options(
        &options.out,
        options.domains,
        options.seed,
        ArchiveOptions {
            profile: options.profile,
            other_documents: options.other_documents,
        },
    )
    .map_err(BenchError::io(format!(
        "cannot write the generated archive to {}",
        options.out.display()
    )))
}

/// Has `crawler` (`binary`) run [`generate`] in a process of its own, and reads what it made.
fn generate_apart(
    binary: &Path,
    options: &GenerateOptions,
) -> Result<GeneratedArchive, BenchError> {
    let mut command = Command::new(binary);
    command
        .args(["bench", "generate", "--domains"])
        .arg(options.domains.to_string())
        .arg("--seed")
        .arg(options.seed.to_string())
        .arg("--profile")
        .arg(options.profile.name())
        .arg("--out")
        .arg(&options.out);
    if options.other_documents {
        command.arg("--other-documents");
    }
    let output = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(BenchError::io(format!("cannot start {}", binary.display())))?;
    if !output.status.success() {
        return Err(BenchError::Helper(format!(
            "`{} bench generate` failed ({}): {}",
            binary.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    GeneratedArchive::load(&options.out).map_err(BenchError::io(format!(
        "cannot read {} in {}",
        synthetic_archive::SUMMARY_FILE,
        options.out.display()
    )))
}

/// The crawls of [`crawl`] on the generated archive served at `base_url`, their stores in
/// `work`. The truth is `generated`'s, or, when `saved_truth` names the archive's folder, the
/// one saved there ([`GeneratedArchive::load`]), read after each crawl.
fn crawl_served(
    options: &CrawlOptions,
    generated: &GeneratedArchive,
    saved_truth: Option<&Path>,
    base_url: &str,
    work: &Path,
    out: &mut dyn Write,
    progress: &mut dyn Write,
) -> Result<(), BenchError> {
    let archive = wayback::ArchiveConfig {
        base_url: base_url.to_owned(),
        cdx_requests_per_minute: (24.0 * options.scale).round() as u32,
        playback_requests_per_second: options.scale,
        contact: "bench@localhost".into(),
        ..wayback::ArchiveConfig::default()
    };
    if !options.json {
        writeln!(
            out,
            "bench crawl: {} domains, {} captures in the archive, scale x{} (CDX {}/min, playback {}/s), types {}",
            options.domains,
            generated.captures,
            options.scale,
            archive.cdx_requests_per_minute,
            archive.playback_requests_per_second,
            slugs(&options.types).join(",")
        )?;
    }
    let expected: BTreeMap<DocumentType, usize> = options
        .types
        .iter()
        .map(|&kind| (kind, generated.expected_versions_of(kind)))
        .collect();
    let mut crawls = Vec::with_capacity(options.strategies.len());
    for (index, &strategy) in options.strategies.iter().enumerate() {
        writeln!(progress, "crawling with strategy {}", describe(strategy))?;
        let db = work.join(format!("bench-{index}.sqlite"));
        let run = crawl_once(options, &archive, strategy, &generated.domains, &db)?;
        let truth = if options.profile == Profile::Realistic
            && options.types.contains(&DocumentType::Privacy)
        {
            let store = store::Store::open_read_only(&db)?;
            let saved = match saved_truth {
                Some(dir) => Some(GeneratedArchive::load(dir).map_err(BenchError::io(format!(
                    "cannot read the truth back from {}",
                    dir.display()
                )))?),
                None => None,
            };
            let true_versions = saved
                .as_ref()
                .map_or(&generated.truth, |saved| &saved.truth);
            Some(TruthFigures::of(
                true_versions,
                &stored_versions(&store)?,
                long_seconds(strategy),
            ))
        } else {
            None
        };
        crawls.push((strategy, run, truth, db));
    }
    // The exhaustive crawl downloaded every capture: the floor of each change-point row is
    // read from its store.
    let exhaustive = crawls
        .iter()
        .find(|(strategy, ..)| *strategy == crawl::Strategy::Exhaustive)
        .map(|(_, run, _, db)| (run.report.counts.playback_requests, db.clone()));
    for (strategy, run, truth, _) in &crawls {
        let floor = match (strategy, &exhaustive) {
            (crawl::Strategy::ChangePoint { resolution_seconds }, Some((playback, db))) => {
                Some(Floor::of(db, *resolution_seconds, *playback)?)
            }
            _ => None,
        };
        if options.json {
            let row = StrategyRow::of(*strategy, run, truth.as_ref(), floor, options, &expected);
            writeln!(out, "{}", serde_json::to_string(&row)?)?;
        } else {
            run.write(out, *strategy, &expected, options.domains)?;
            if let Some(truth) = truth {
                truth.write(out, *strategy, run, options.domains, others(&expected))?;
            }
            if let Some(floor) = floor {
                floor.write(out, *strategy, run)?;
            }
        }
    }
    Ok(())
}

/// The fewest policy downloads any strategy with the change-point search's guarantee needs on
/// this archive, read from the exhaustive crawl's store ([`crawl::fewest_downloads`]).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Floor {
    /// Both ends and the resolution cover of every history.
    guarantee: usize,
    /// Those, and both sides of every change (every version with its exact first capture).
    exact: usize,
    /// The exhaustive crawl's playback requests.
    exhaustive_playback: u64,
}

impl Floor {
    fn of(
        db: &Path,
        resolution_seconds: u64,
        exhaustive_playback: u64,
    ) -> Result<Floor, BenchError> {
        let store = store::Store::open_read_only(db)?;
        Ok(Floor {
            guarantee: crawl::fewest_downloads(&store, resolution_seconds, false)?,
            exact: crawl::fewest_downloads(&store, resolution_seconds, true)?,
            exhaustive_playback,
        })
    }

    /// The guarantee's floor over exhaustive's playback requests: no strategy with the
    /// guarantee gets under this share, homepage reads left out.
    fn share(&self) -> f64 {
        self.guarantee as f64 / self.exhaustive_playback.max(1) as f64
    }

    fn write(
        &self,
        out: &mut dyn Write,
        strategy: crawl::Strategy,
        run: &CrawlRun,
    ) -> Result<(), BenchError> {
        let exhaustive = self.exhaustive_playback.max(1) as f64;
        writeln!(
            out,
            "floor of {}: at least {} policy downloads ({:.3} of exhaustive's {} playback requests) for the two ends and no capture inferred more than the resolution before a download; {} ({:.3}) to also pin every change; this crawl {} ({:.3}), {} playback requests in all ({:.3})",
            describe(strategy),
            self.guarantee,
            self.share(),
            self.exhaustive_playback,
            self.exact,
            self.exact as f64 / exhaustive,
            run.report.counts.captures_fetched,
            run.report.counts.captures_fetched as f64 / exhaustive,
            run.report.counts.playback_requests,
            run.report.counts.playback_requests as f64 / exhaustive
        )?;
        Ok(())
    }
}

/// The versions expected of the types crawled other than privacy (the truth holds privacy's).
fn others(expected: &BTreeMap<DocumentType, usize>) -> usize {
    expected
        .iter()
        .filter(|(kind, _)| **kind != DocumentType::Privacy)
        .map(|(_, n)| n)
        .sum()
}

fn slugs(types: &[DocumentType]) -> Vec<&'static str> {
    types.iter().map(|t| t.slug()).collect()
}

/// A strategy as the report names it.
fn describe(strategy: crawl::Strategy) -> String {
    match strategy {
        crawl::Strategy::ChangePoint { resolution_seconds } => {
            format!("change-point (resolution {})", days(resolution_seconds))
        }
        other => other.name().to_owned(),
    }
}

fn days(seconds: u64) -> String {
    if seconds.is_multiple_of(86_400) {
        format!("{}d", seconds / 86_400)
    } else {
        format!("{seconds}s")
    }
}

/// Versions lasting longer than this must all be found: the change-point search's resolution,
/// else 30 days.
fn long_seconds(strategy: crawl::Strategy) -> i64 {
    match strategy {
        crawl::Strategy::ChangePoint { resolution_seconds } => resolution_seconds as i64,
        _ => LONG_SECONDS,
    }
}

/// What one crawl of the archive cost.
struct CrawlRun {
    report: crawl::RunReport,
    conversions: u64,
    wall: f64,
    bound: f64,
    cpu: Option<CpuTime>,
    /// Resident memory sampled while the crawl ran, by quarter of the domains done (KiB).
    rss_by_quarter: BTreeMap<u64, u64>,
    playback_rate: f64,
    /// Versions stored, per document type crawled (0 for a type that found none).
    versions_by_type: BTreeMap<DocumentType, u64>,
}

impl CrawlRun {
    /// The largest resident memory sampled during this crawl, in MB.
    fn peak_rss_mb(&self) -> f64 {
        self.rss_by_quarter.values().copied().max().unwrap_or(0) as f64 / 1024.0
    }

    fn wall_over_bound(&self) -> f64 {
        self.wall / self.bound.max(f64::EPSILON)
    }

    fn write(
        &self,
        out: &mut dyn Write,
        strategy: crawl::Strategy,
        expected: &BTreeMap<DocumentType, usize>,
        domains: usize,
    ) -> Result<(), BenchError> {
        let c = &self.report.counts;
        let versions = c.versions_new.max(1);
        writeln!(out, "strategy {}:", describe(strategy))?;
        writeln!(
            out,
            "versions: {} stored ({} expected by the generator); run {:?}, {} errors",
            c.versions_new,
            expected.values().sum::<usize>(),
            self.report.status,
            c.errors
        )?;
        if expected.len() > 1 || !expected.contains_key(&DocumentType::Privacy) {
            let by_type: Vec<String> = expected
                .iter()
                .map(|(kind, expected)| {
                    format!(
                        "{} {} ({expected} expected)",
                        kind.slug(),
                        self.versions_by_type.get(kind).copied().unwrap_or(0)
                    )
                })
                .collect();
            writeln!(out, "  by type: {}", by_type.join(", "))?;
        }
        writeln!(
            out,
            "CDX requests: {} = {:.2} per domain (target <= 3)",
            c.cdx_requests,
            c.cdx_requests as f64 / domains as f64
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
            "conversions: {} for {} downloaded captures ({:.2} per downloaded capture)",
            self.conversions,
            c.captures_fetched,
            self.conversions as f64 / c.captures_fetched.max(1) as f64
        )?;
        writeln!(
            out,
            "wall time: {:.1} s; lower bound from the limits {:.1} s (playback {}/s); ratio {:.3} (target <= 1.1)",
            self.wall,
            self.bound,
            self.playback_rate,
            self.wall_over_bound()
        )?;
        match self.cpu {
            Some(cpu) => {
                let total = (cpu.user + cpu.system).as_secs_f64();
                writeln!(
                    out,
                    "CPU time of the crawl: {total:.2} s (user {:.2} s, system {:.2} s) = {:.1}% of the wall time, {:.2} ms per downloaded capture",
                    cpu.user.as_secs_f64(),
                    cpu.system.as_secs_f64(),
                    100.0 * total / self.wall.max(f64::EPSILON),
                    1000.0 * total / c.captures_fetched.max(1) as f64
                )?;
            }
            None => writeln!(out, "CPU time of the crawl: unavailable on this platform")?,
        }
        let quarters: Vec<String> = self
            .rss_by_quarter
            .iter()
            .map(|(q, kib)| format!("{}%: {:.1} MB", q * 25, *kib as f64 / 1024.0))
            .collect();
        writeln!(
            out,
            "peak memory during this crawl: {:.1} MB (target < 150 MB; the process's peak so far {:.1} MB); by share of domains done: {}",
            self.peak_rss_mb(),
            peak_rss_kib().unwrap_or(0) as f64 / 1024.0,
            quarters.join(", ")
        )?;
        Ok(())
    }
}

/// Crawls the served archive once with `strategy` into a new store at `db`.
fn crawl_once(
    options: &CrawlOptions,
    archive: &wayback::ArchiveConfig,
    strategy: crawl::Strategy,
    names: &[String],
    db: &Path,
) -> Result<CrawlRun, BenchError> {
    let client = wayback::WaybackClient::new(archive.clone())?;
    let store = store::Store::open(db)?;
    let settings = crawl::CrawlSettings {
        types: options.types.clone(),
        ..crawl::CrawlSettings::with_strategy(strategy)
    };
    let crawler = crawl::Crawler::new(client, store, settings);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(BenchError::io("cannot start the async runtime"))?;
    let mut rss_by_quarter: BTreeMap<u64, u64> = BTreeMap::new();
    let window = crawl::Window::default();
    let cpu_before = (options.cpu_time)();
    let started = Instant::now();
    let report = runtime.block_on(async {
        let run = crawler.run(names, &window);
        tokio::pin!(run);
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        loop {
            tokio::select! {
                report = &mut run => break report,
                _ = tick.tick() => {
                    let done = crawler.live_counts().domains_done.load(Ordering::Relaxed);
                    let quarter = (done * 4).div_ceil(names.len() as u64).max(1);
                    if let Some(rss) = current_rss_kib() {
                        let peak = rss_by_quarter.entry(quarter).or_insert(0);
                        *peak = (*peak).max(rss);
                    }
                }
            }
        }
    })?;
    let wall = started.elapsed().as_secs_f64();
    let cpu = (options.cpu_time)()
        .zip(cpu_before)
        .map(|(after, before)| CpuTime {
            user: after.user.saturating_sub(before.user),
            system: after.system.saturating_sub(before.system),
        });
    let conversions = crawler.live_counts().conversions.load(Ordering::Relaxed);
    drop(crawler);
    let mut versions_by_type: BTreeMap<DocumentType, u64> =
        options.types.iter().map(|&kind| (kind, 0)).collect();
    for outcome in &report.domains {
        *versions_by_type.entry(outcome.document_type).or_insert(0) += outcome.versions_total;
    }
    let c = &report.counts;
    let cdx_rate = f64::from(archive.cdx_requests_per_minute) / 60.0;
    let playback_rate = archive.playback_requests_per_second;
    // With no bursts, n requests at rate r need (n - 1) / r seconds; the pools run in parallel.
    let bound = ((c.cdx_requests.saturating_sub(1)) as f64 / cdx_rate)
        .max((c.playback_requests.saturating_sub(1)) as f64 / playback_rate);
    Ok(CrawlRun {
        report,
        conversions,
        wall,
        bound,
        cpu,
        rss_by_quarter,
        playback_rate,
        versions_by_type,
    })
}

/// One strategy's figures, as `--json` prints them (one object per line).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StrategyRow {
    /// `exhaustive`, `change-point` or `princeton`.
    pub strategy: &'static str,
    /// The change-point search's resolution in seconds (`None` for the others).
    pub resolution_seconds: Option<u64>,
    /// Playback requests over the generator's true versions (stored versions on the uniform
    /// profile, which has no truth), the other types' expected versions included when they
    /// are crawled.
    pub playback_per_true_version: f64,
    /// CDX requests over domains.
    pub cdx_per_domain: f64,
    /// CDX requests sent.
    pub cdx_requests: u64,
    /// Playback requests sent.
    pub playback_requests: u64,
    /// Playback requests over the versions stored (every type).
    pub playback_per_stored_version: f64,
    /// The document types crawled (short names).
    pub types: Vec<&'static str>,
    /// Versions stored per type crawled (short names).
    pub versions_by_type: BTreeMap<&'static str, u64>,
    /// Versions the generator expects per type crawled.
    pub expected_versions_by_type: BTreeMap<&'static str, usize>,
    /// True versions found (`None`: no truth).
    pub versions_found_share: Option<f64>,
    /// True versions found with their exact first capture.
    pub exact_first_capture_share: Option<f64>,
    /// True versions lasting over the resolution (30 days for the others) found.
    pub long_versions_found_share: Option<f64>,
    /// Wall time over the lower bound the rate limits set.
    pub wall_over_bound: f64,
    /// The largest resident memory sampled during the crawl.
    pub peak_rss_mb: f64,
    /// Versions stored.
    pub versions_stored: u64,
    /// Policy captures downloaded.
    pub captures_downloaded: u64,
    /// Change-point rows, when exhaustive was crawled too: the fewest policy downloads any
    /// strategy with the search's guarantee needs on this archive (both ends, no capture
    /// inferred more than the resolution before a download)...
    pub floor_policy_downloads: Option<usize>,
    /// ...with both sides of every change as well (every version with its exact first capture)...
    pub floor_exact_policy_downloads: Option<usize>,
    /// ...and the first over exhaustive's playback requests: the least share of them any such
    /// strategy can reach, homepage reads left out.
    pub floor_share_of_exhaustive: Option<f64>,
}

impl StrategyRow {
    fn of(
        strategy: crawl::Strategy,
        run: &CrawlRun,
        truth: Option<&TruthFigures>,
        floor: Option<Floor>,
        options: &CrawlOptions,
        expected: &BTreeMap<DocumentType, usize>,
    ) -> StrategyRow {
        let domains = options.domains;
        let c = &run.report.counts;
        let share = |part: usize, whole: usize| part as f64 / whole.max(1) as f64;
        let versions = truth.map_or(c.versions_new as usize, |t| {
            t.true_versions + others(expected)
        });
        StrategyRow {
            strategy: strategy.name(),
            resolution_seconds: match strategy {
                crawl::Strategy::ChangePoint { resolution_seconds } => Some(resolution_seconds),
                _ => None,
            },
            playback_per_true_version: c.playback_requests as f64 / versions.max(1) as f64,
            cdx_per_domain: c.cdx_requests as f64 / domains.max(1) as f64,
            cdx_requests: c.cdx_requests,
            playback_requests: c.playback_requests,
            playback_per_stored_version: c.playback_requests as f64 / c.versions_new.max(1) as f64,
            types: slugs(&options.types),
            versions_by_type: run
                .versions_by_type
                .iter()
                .map(|(kind, n)| (kind.slug(), *n))
                .collect(),
            expected_versions_by_type: expected.iter().map(|(kind, n)| (kind.slug(), *n)).collect(),
            versions_found_share: truth.map(|t| share(t.found, t.true_versions)),
            exact_first_capture_share: truth.map(|t| share(t.exact, t.true_versions)),
            long_versions_found_share: truth.map(|t| share(t.long_found, t.long)),
            wall_over_bound: run.wall_over_bound(),
            peak_rss_mb: run.peak_rss_mb(),
            versions_stored: c.versions_new,
            captures_downloaded: c.captures_fetched,
            floor_policy_downloads: floor.map(|f| f.guarantee),
            floor_exact_policy_downloads: floor.map(|f| f.exact),
            floor_share_of_exhaustive: floor.map(|f| f.share()),
        }
    }
}

/// A stored version as the comparison needs it: domain, first capture (timestamp, URL), text
/// hash.
type StoredVersion = (String, String, String, String);

/// Every stored privacy-policy version (the generator's truth is privacy-only), through
/// `Store::domains` (one row per domain and type) and `Store::versions`.
fn stored_versions(store: &store::Store) -> Result<Vec<StoredVersion>, BenchError> {
    let mut all = Vec::new();
    for domain in store.domains()? {
        if domain.document_type != DocumentType::Privacy {
            continue;
        }
        for version in store.versions(domain.id)? {
            all.push((
                domain.name.clone(),
                version.first_seen,
                version.url,
                version.text_hash,
            ));
        }
    }
    Ok(all)
}

/// The crawl's versions against the generator's truth.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct TruthFigures {
    /// True versions.
    pub true_versions: usize,
    /// Versions stored.
    pub stored: usize,
    /// True versions during which a stored version begins.
    pub found: usize,
    /// True versions stored with their exact first capture (time and URL).
    pub exact: usize,
    /// True versions that lasted longer than the threshold given, and how many of them were
    /// found.
    pub long: usize,
    pub long_found: usize,
    /// True reversions, and how many of them were found.
    pub reversions: usize,
    pub reversions_found: usize,
    /// Stored versions that begin in no true version (before the first capture).
    pub unmatched: usize,
    /// Pairs of stored versions whose text hashes disagree with the truth: equal hashes for
    /// different texts, or different hashes for the same text.
    pub hash_disagreements: usize,
}

const LONG_SECONDS: i64 = 30 * 86_400;

impl TruthFigures {
    /// Compares `stored` (any order) with `truth` (domain by domain, in time order); versions
    /// lasting over `long_seconds` are counted apart.
    pub(crate) fn of(
        truth: &[TrueVersion],
        stored: &[StoredVersion],
        long_seconds: i64,
    ) -> TruthFigures {
        let mut by_domain: BTreeMap<&str, Vec<&TrueVersion>> = BTreeMap::new();
        for version in truth {
            by_domain.entry(&version.domain).or_default().push(version);
        }
        let mut figures = TruthFigures {
            true_versions: truth.len(),
            stored: stored.len(),
            long: truth
                .iter()
                .filter(|v| v.lasted_seconds() > long_seconds)
                .count(),
            reversions: truth.iter().filter(|v| v.reversion).count(),
            ..TruthFigures::default()
        };
        let mut found: BTreeMap<(&str, usize), bool> = BTreeMap::new();
        // (domain, text) -> hash, and (domain, hash) -> text, as stored.
        let mut hash_of_text: BTreeMap<(&str, usize), &str> = BTreeMap::new();
        let mut text_of_hash: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for (domain, first_seen, url, hash) in stored {
            let versions = by_domain
                .get(domain.as_str())
                .map_or(&[][..], Vec::as_slice);
            // The true version holding at first_seen: the last one that began by then.
            let at = versions.partition_point(|v| v.first.0.as_str() <= first_seen.as_str());
            let Some(version) = at.checked_sub(1).map(|i| versions[i]) else {
                figures.unmatched += 1;
                continue;
            };
            let exact = version.first.0 == *first_seen && version.first.1 == *url;
            let entry = found.entry((&version.domain, version.seq)).or_insert(false);
            *entry |= exact;
            let text = (version.domain.as_str(), version.text);
            if *hash_of_text.entry(text).or_insert(hash) != hash.as_str() {
                figures.hash_disagreements += 1;
            }
            if *text_of_hash
                .entry((version.domain.as_str(), hash.as_str()))
                .or_insert(version.text)
                != version.text
            {
                figures.hash_disagreements += 1;
            }
        }
        for version in truth {
            let Some(&exact) = found.get(&(version.domain.as_str(), version.seq)) else {
                continue;
            };
            figures.found += 1;
            figures.exact += usize::from(exact);
            figures.long_found += usize::from(version.lasted_seconds() > long_seconds);
            figures.reversions_found += usize::from(version.reversion);
        }
        figures
    }

    fn write(
        &self,
        out: &mut dyn Write,
        strategy: crawl::Strategy,
        run: &CrawlRun,
        domains: usize,
        other_versions: usize,
    ) -> Result<(), BenchError> {
        let share = |part: usize, whole: usize| 100.0 * part as f64 / whole.max(1) as f64;
        let c = &run.report.counts;
        writeln!(
            out,
            "truth (strategy {}): {} true versions, {} stored; found {} = {:.1}%, with their exact first capture {} = {:.1}%",
            describe(strategy),
            self.true_versions,
            self.stored,
            self.found,
            share(self.found, self.true_versions),
            self.exact,
            share(self.exact, self.true_versions)
        )?;
        writeln!(
            out,
            "  lasting over {}: {} of {} found = {:.1}%; reversions: {} of {} found; stored versions matching no true one: {}; text-hash disagreements: {}",
            days(long_seconds(strategy) as u64),
            self.long_found,
            self.long,
            share(self.long_found, self.long),
            self.reversions_found,
            self.reversions,
            self.unmatched,
            self.hash_disagreements
        )?;
        writeln!(
            out,
            "  playback requests per true version{}: {:.2}; CDX requests per domain: {:.2}; wall over bound {:.3}; peak memory {:.1} MB",
            if other_versions > 0 {
                format!(" (with the {other_versions} of the other types)")
            } else {
                String::new()
            },
            c.playback_requests as f64 / (self.true_versions + other_versions).max(1) as f64,
            c.cdx_requests as f64 / domains.max(1) as f64,
            run.wall_over_bound(),
            run.peak_rss_mb()
        )?;
        Ok(())
    }
}

/// `fake-wayback` in a child process.
struct FakeArchive {
    child: Child,
    url: String,
}

/// The executable `name` in the running executable's folder.
fn beside_current_exe(name: &str) -> Result<PathBuf, BenchError> {
    std::env::current_exe()
        .map_err(BenchError::io("cannot find the running executable"))?
        .parent()
        .map(|dir| dir.join(name))
        .filter(|path| path.is_file())
        .ok_or_else(|| {
            BenchError::Helper(format!(
                "the {name} binary is not beside crawler: build it with `cargo build --release --workspace`"
            ))
        })
}

impl FakeArchive {
    /// Starts `binary` serving `fixtures`, and waits for the address it listens on.
    fn start(binary: &Path, fixtures: &Path) -> Result<FakeArchive, BenchError> {
        let mut child = Command::new(binary)
            .arg("--fixtures")
            .arg(fixtures)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(BenchError::io(format!("cannot start {}", binary.display())))?;
        let Some(stdout) = child.stdout.take() else {
            return Err(BenchError::Helper("no stdout from fake-wayback".into()));
        };
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line);
        let url = line.trim().strip_prefix("listening on ").map(str::to_owned);
        match (read, url) {
            (Ok(_), Some(url)) => Ok(FakeArchive { child, url }),
            (Err(source), _) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(BenchError::Io {
                    context: "cannot read from fake-wayback".into(),
                    source,
                })
            }
            (Ok(_), None) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(BenchError::Helper(format!(
                    "fake-wayback did not start: {line:?}"
                )))
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> CrawlOptions {
        CrawlOptions {
            domains: 1,
            scale: 50.0,
            seed: 1,
            profile: Profile::Uniform,
            strategies: vec![crawl::Strategy::DEFAULT],
            types: vec![DocumentType::Privacy],
            json: false,
            keep: None,
            fake_wayback: Some(PathBuf::from("/nonexistent/fake-wayback")),
            generator: None,
            cpu_time: || None,
        }
    }

    fn version(
        domain: &str,
        seq: usize,
        text: usize,
        first: &str,
        until: Option<&str>,
    ) -> TrueVersion {
        TrueVersion {
            domain: domain.into(),
            seq,
            text,
            first: (first.into(), format!("http://www.{domain}/privacy.html")),
            last: (first.into(), format!("http://www.{domain}/privacy.html")),
            until: until.map(str::to_owned),
            reversion: seq == 3,
            captures: 1,
            digests: 1,
        }
    }

    #[test]
    fn stored_versions_are_matched_to_the_true_version_they_begin_in() {
        let d = "a.example.com";
        let url = format!("http://www.{d}/privacy.html");
        let truth = [
            version(d, 1, 0, "20100101000000", Some("20110101000000")),
            // Short-lived (a week), then reverted.
            version(d, 2, 1, "20110101000000", Some("20110108000000")),
            version(d, 3, 0, "20110108000000", None),
        ];
        let stored = |first: &str, hash: &str| {
            (d.to_owned(), first.to_owned(), url.clone(), hash.to_owned())
        };
        // Version 1 exactly, version 2 missed, version 3 found late.
        let figures = TruthFigures::of(
            &truth,
            &[
                stored("20100101000000", "A"),
                stored("20110301000000", "A"),
                stored("20000101000000", "X"),
            ],
            LONG_SECONDS,
        );
        assert_eq!(
            (
                figures.true_versions,
                figures.stored,
                figures.found,
                figures.exact
            ),
            (3, 3, 2, 1)
        );
        // Version 3 lasts to its own last capture: 0 s, so only version 1 is long.
        assert_eq!((figures.long, figures.long_found), (1, 1));
        assert_eq!((figures.reversions, figures.reversions_found), (1, 1));
        assert_eq!((figures.unmatched, figures.hash_disagreements), (1, 0));
        // The same text under two hashes, and one hash for two texts, are disagreements.
        let figures = TruthFigures::of(
            &truth,
            &[
                stored("20100101000000", "A"),
                stored("20110101000000", "A"),
                stored("20110108000000", "B"),
            ],
            LONG_SECONDS,
        );
        assert_eq!((figures.found, figures.exact), (3, 3));
        assert_eq!(figures.hash_disagreements, 2);
    }

    /// Serves the archive written in `work`/archive in this process and runs [`crawl_served`]
    /// on it: what it printed, and the archive's request log.
    fn serve_and_crawl(
        options: &CrawlOptions,
        generated: &GeneratedArchive,
        work: &Path,
    ) -> (String, Vec<fake_wayback::RequestRecord>) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let set = fake_wayback::FixtureSet::load(&work.join("archive")).expect("fixtures");
        let server = runtime
            .block_on(fake_wayback::FakeWayback::start(set))
            .expect("server");
        let mut out = Vec::new();
        crawl_served(
            options,
            generated,
            None,
            &server.base_url(),
            work,
            &mut out,
            &mut Vec::new(),
        )
        .expect("crawled");
        let requests = server.requests();
        runtime.block_on(server.shutdown());
        (String::from_utf8(out).expect("UTF-8"), requests)
    }

    /// Exhaustive then change-point on a small realistic archive: the change-point row carries
    /// the floor read from exhaustive's store, which the search's downloads never go under.
    #[test]
    fn the_change_point_row_carries_the_floor_that_exhaustive_measured() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let fixtures = dir.path().join("archive");
        let archive_options = ArchiveOptions {
            profile: Profile::Realistic,
            other_documents: false,
        };
        let generated =
            synthetic_archive::write_archive_with_options(&fixtures, 6, 1, archive_options)
                .expect("written");
        let options = CrawlOptions {
            domains: 6,
            scale: 500.0,
            profile: Profile::Realistic,
            strategies: vec![crawl::Strategy::Exhaustive, crawl::Strategy::DEFAULT],
            json: true,
            ..options()
        };
        let (out, _) = serve_and_crawl(&options, &generated, dir.path());
        let rows: Vec<serde_json::Value> = out
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON row"))
            .collect();
        assert_eq!(rows.len(), 2, "{out}");
        let (exhaustive, search) = (&rows[0], &rows[1]);
        assert!(exhaustive["floor_policy_downloads"].is_null(), "{out}");
        let count = |row: &serde_json::Value, key: &str| row[key].as_u64().expect(key);
        let floor = count(search, "floor_policy_downloads");
        let exact = count(search, "floor_exact_policy_downloads");
        // At least both ends of each domain's history; pinning changes costs more; every
        // capture is more still.
        assert!(floor >= 2 * 6 - 1, "{out}");
        assert!(floor <= exact, "{out}");
        assert!(exact <= count(exhaustive, "captures_downloaded"), "{out}");
        assert!(count(search, "captures_downloaded") >= floor, "{out}");
        let share = search["floor_share_of_exhaustive"]
            .as_f64()
            .expect("a share");
        let expected = floor as f64 / count(exhaustive, "playback_requests") as f64;
        assert!((share - expected).abs() < 1e-12, "{out}");
    }

    /// Four types on a tiny generated archive, served in this process: every type has
    /// versions stored, as many as the generator expects, and the row says what was crawled.
    #[test]
    fn the_bench_with_four_types_stores_versions_of_every_type() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let fixtures = dir.path().join("archive");
        let archive_options = ArchiveOptions {
            profile: Profile::Uniform,
            other_documents: true,
        };
        let generated =
            synthetic_archive::write_archive_with_options(&fixtures, 6, 3, archive_options)
                .expect("written");
        for kind in &DocumentType::ALL[1..] {
            assert!(generated.expected_versions_of(*kind) > 0, "{kind:?}");
        }
        let options = CrawlOptions {
            domains: 6,
            scale: 500.0,
            seed: 3,
            types: DocumentType::ALL.to_vec(),
            json: true,
            ..options()
        };
        let (out, requests) = serve_and_crawl(&options, &generated, dir.path());
        let row: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON row");
        assert_eq!(
            row["types"],
            serde_json::json!(["privacy", "terms", "trackers", "imprint"])
        );
        for kind in DocumentType::ALL {
            let stored = row["versions_by_type"][kind.slug()]
                .as_u64()
                .expect("a count");
            let expected = generated.expected_versions_of(kind) as u64;
            assert!(stored > 0, "{kind:?}: {out}");
            assert_eq!(stored, expected, "{kind:?}: {out}");
            assert_eq!(row["expected_versions_by_type"][kind.slug()], expected);
        }
        let total: u64 = DocumentType::ALL
            .iter()
            .map(|k| row["versions_by_type"][k.slug()].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(row["versions_stored"].as_u64(), Some(total));
        // The row's request counts are the archive's own log.
        let cdx = requests
            .iter()
            .filter(|r| r.pool == fake_wayback::Pool::Cdx)
            .count();
        assert_eq!(row["cdx_requests"].as_u64(), Some(cdx as u64));
        let playback = requests
            .iter()
            .filter(|r| r.pool == fake_wayback::Pool::Playback)
            .count();
        assert_eq!(row["playback_requests"].as_u64(), Some(playback as u64));
        assert_eq!(row["cdx_per_domain"].as_f64(), Some(cdx as f64 / 6.0));
    }

    #[test]
    fn no_domains_or_no_rate_is_a_usage_error() {
        for options in [
            CrawlOptions {
                domains: 0,
                ..options()
            },
            CrawlOptions {
                scale: 0.0,
                ..options()
            },
            CrawlOptions {
                scale: f64::NAN,
                ..options()
            },
        ] {
            assert!(matches!(
                crawl(&options, &mut Vec::new(), &mut Vec::new()),
                Err(BenchError::Usage(_))
            ));
        }
    }

    #[test]
    fn a_missing_fake_wayback_stops_the_benchmark_after_the_archive_is_written() {
        let (mut out, mut progress) = (Vec::new(), Vec::new());
        let error = crawl(&options(), &mut out, &mut progress).expect_err("no fake-wayback");
        assert!(
            error
                .to_string()
                .starts_with("cannot start /nonexistent/fake-wayback"),
            "{error}"
        );
        assert!(out.is_empty());
        let progress = String::from_utf8(progress).expect("UTF-8");
        assert!(progress.starts_with("generated 1 domains, "), "{progress}");
    }

    #[test]
    fn a_generator_that_fails_stops_the_benchmark_with_what_it_said() {
        let missing = CrawlOptions {
            generator: Some(PathBuf::from("/nonexistent/crawler")),
            ..options()
        };
        let error = crawl(&missing, &mut Vec::new(), &mut Vec::new()).expect_err("no generator");
        assert!(
            error
                .to_string()
                .starts_with("cannot start /nonexistent/crawler"),
            "{error}"
        );
        // A program that exits with an error and writes no summary: `false`.
        let failing = CrawlOptions {
            generator: Some(PathBuf::from("false")),
            ..options()
        };
        let error = crawl(&failing, &mut Vec::new(), &mut Vec::new()).expect_err("it fails");
        assert!(
            error
                .to_string()
                .starts_with("`false bench generate` failed"),
            "{error}"
        );
    }
}
