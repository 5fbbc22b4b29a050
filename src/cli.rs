//! Command-line interface definition (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use store::DocumentType;

/// Rebuilds the history of websites' privacy policies from the Wayback Machine.
///
/// Every command talks to a Wayback-compatible archive (by default https://web.archive.org,
/// politely rate-limited); point it elsewhere with --archive or the config file.
#[derive(Debug, Parser)]
#[command(
    name = "crawler",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Configuration file (TOML). Defaults to config/crawler.toml when it exists.
    #[arg(long, global = true, env = "CRAWLER_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Base URL of the Wayback-compatible archive, e.g. http://127.0.0.1:8089
    #[arg(long, global = true, env = "CRAWLER_ARCHIVE", value_name = "URL")]
    pub archive: Option<String>,
    /// Which Wayback implementation --archive runs: ia (the Internet Archive and look-alikes)
    /// or pywb (then --archive names the collection: http://host:port/COLLECTION).
    #[arg(
        long,
        global = true,
        env = "CRAWLER_ARCHIVE_PROFILE",
        value_enum,
        value_name = "PROFILE"
    )]
    pub archive_profile: Option<ProfileArg>,
    /// The SQLite store (default: `db` in the config's [crawl], data/crawler.sqlite).
    #[arg(long, global = true, env = "CRAWLER_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// More log output (-v info, -vv debug, -vvv trace). RUST_LOG overrides it.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// The CLI's names for archive profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    /// The Internet Archive's Wayback Machine, and archives with the same API.
    Ia,
    /// pywb (Webrecorder), as libraries and national archives run it.
    Pywb,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find each domain's privacy policy through time and store its versions (the main job).
    ///
    /// Incremental and resumable: a rerun asks the archive only for captures newer than the
    /// store holds and downloads only contents it lacks; a crawl killed at any point and rerun
    /// ends with the same store. One crawl writes a database at a time.
    Crawl(CrawlArgs),
    /// The timeline of a domain's policy versions.
    History(HistoryArgs),
    /// What the store holds: domains, versions, the last run, failures waiting for a retry.
    Status(StatusArgs),
    /// How a domain's policy changed: its timeline, then the latest change as a diff.
    ///
    /// Versions are picked by number (3 or v3) or by date (YYYY[-MM[-DD]]: the version in force
    /// on that date). Field changes (stated date, practices, trackers, word count) come first,
    /// then the text. Colours are used on a terminal unless NO_COLOR is set.
    Diff(DiffArgs),
    /// Write a dataset of the stored versions and their fields (SQLite, JSON lines, CSV, or the
    /// corpus's Markdown layout), readable without this tool.
    Export(ExportArgs),
    /// Derive texts, versions and fields again from the stored captures with this version's
    /// converter and fields extractor, after an upgrade. Sends no request to the archive.
    ///
    /// Prints what changed per domain (captures whose text changed, versions merged or split,
    /// versions whose text or fields changed); --dry-run changes nothing. Resumable: each
    /// domain is written whole. What a rebuild changes is marked on the versions and never
    /// shown as a change of the policy.
    Rebuild(RebuildArgs),
    /// List the archive's captures of a URL (one per line, or JSON lines).
    Captures(CapturesArgs),
    /// Download one raw capture through its id_ URL.
    Fetch(FetchArgs),
    /// Convert an archived policy page to the reference corpus's Markdown.
    Convert(ConvertArgs),
    /// Convert every X.html in a folder and compare it with X.md.
    ///
    /// Prints one line per pair (similarity, first differing line) and a summary line
    /// `corpus-check: N pairs, E exact, median similarity S, mean similarity M`.
    /// Similarity is the line-level ratio 2*M/T in [0, 1], where M is the number of lines the
    /// two files share in their longest matching alignment and T the total number of lines in
    /// both (the `similar` crate's ratio over lines; 1 means identical line sequences).
    /// Exits 0 whatever the scores: it is a measuring tool.
    CorpusCheck(CorpusCheckArgs),
    /// Measure throughput (see `crawler bench convert --help`).
    #[command(subcommand)]
    Bench(BenchCommand),
}

/// What `crawler bench` measures.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Converter throughput on a folder of HTML pages, on one core, against the Python pipeline.
    ///
    /// Converts every X.html in DIR (a corpus comment header is honoured) REPEAT times after a
    /// warm-up pass, timing each pass, and prints MB/s of HTML in (median pass, and the slowest
    /// and fastest) and the peak memory after the first and the last pass (flat memory means no
    /// growth with page count). Then, when the oracle environment exists
    /// (tools/setup-oracle.sh), it runs PYTHON_REPEAT paired rounds: one pass over the pages
    /// through readability-lxml + html2text 2020.1.16 in a Python process, then as many of our
    /// passes as fill the same time, the two never running at once. It prints the Python rate
    /// and the median of the rounds' ratios: pairing keeps the ratio fair on a machine whose
    /// speed wanders from moment to moment.
    Convert(BenchConvertArgs),
    /// The crawl's cost on a generated archive: CDX requests per domain, playback requests per
    /// stored version, conversions per downloaded capture, wall time over the lower bound the
    /// rate limits imply, the crawl's CPU time, and peak memory.
    ///
    /// Writes an archive of DOMAINS domains with 20-200 captures each (in a process of its
    /// own, so that the memory measured is the crawl's), serves it with the fake-wayback binary
    /// (built beside crawler by `cargo build --release --workspace`) in another, and crawls it
    /// with the default limits multiplied by SCALE.
    Crawl(BenchCrawlArgs),
    /// Export time and peak memory on a generated store of VERSIONS versions (ten per
    /// domain), as SQLite and as JSON lines (or --format warc): memory stays flat because
    /// exports stream.
    Export(BenchExportArgs),
    /// Time of `crawler diff`'s default view (timeline and the latest change) for a domain
    /// with VERSIONS versions of about 30 KB each.
    Diff(BenchDiffArgs),
    /// Converter time on generated hostile pages (deep nesting of each element kind, huge
    /// attribute lists and text, misnested formatting...) at growing sizes: per page the size,
    /// seconds (best of REPEAT), MB/s, and the time ratio per doubling of size (2 is linear).
    Pathological(BenchPathologicalArgs),
    /// Writes the archive `bench crawl` serves, and what the generator made beside it
    /// (`bench crawl` runs it in a process of its own, so that its memory is not the crawl's).
    #[command(hide = true)]
    Generate(BenchGenerateArgs),
}

/// Arguments of `crawler bench pathological`.
#[derive(Debug, Args)]
pub struct BenchPathologicalArgs {
    /// Page sizes in KiB, smallest first.
    #[arg(long, value_delimiter = ',', default_values_t = [1024, 2048, 4096])]
    pub sizes_kib: Vec<usize>,
    /// Only the page kinds whose name contains one of these (all by default).
    #[arg(long, value_delimiter = ',')]
    pub kind: Vec<String>,
    /// Conversions per page and size; the fastest counts.
    #[arg(long, default_value_t = 3)]
    pub repeat: u32,
    /// Time budget of one conversion in seconds (the crawl's is policy_text::TIME_BUDGET);
    /// large by default so that the times themselves are measured.
    #[arg(long, default_value_t = 600.0)]
    pub budget_secs: f64,
}

/// Arguments of `crawler bench diff`.
#[derive(Debug, Args)]
pub struct BenchDiffArgs {
    /// Versions of the generated domain.
    #[arg(long, default_value_t = 200)]
    pub versions: usize,
    /// Timed repetitions.
    #[arg(long, default_value_t = 20)]
    pub repeat: u32,
}

/// Arguments of `crawler bench export`.
#[derive(Debug, Args)]
pub struct BenchExportArgs {
    /// Versions in the generated store.
    #[arg(long, default_value_t = 100_000)]
    pub versions: usize,
    /// The exports to measure (repeatable, or comma-separated; default: sqlite and jsonl).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub format: Vec<BenchExportFormat>,
}

/// Exports `crawler bench export` measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchExportFormat {
    /// The SQLite dataset.
    Sqlite,
    /// JSON lines.
    Jsonl,
    /// The WARC file of the versions' captures.
    Warc,
}

/// Arguments of `crawler bench generate`.
#[derive(Debug, Args)]
pub struct BenchGenerateArgs {
    /// Domains in the archive.
    #[arg(long)]
    pub domains: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The generator: `uniform` or `realistic` (as `bench crawl --profile`).
    #[arg(long, default_value = "uniform", value_parser = ["uniform", "realistic"])]
    pub profile: String,
    /// Also terms of service, cookie policies and imprints on the sites.
    #[arg(long)]
    pub other_documents: bool,
    /// The folder to write it to.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Arguments of `crawler bench crawl`.
#[derive(Debug, Args)]
pub struct BenchCrawlArgs {
    /// Domains in the generated archive.
    #[arg(long, default_value_t = 1000)]
    pub domains: usize,
    /// Factor applied to the default rate limits (CDX 24/min, playback 1/s).
    #[arg(long, default_value_t = 50.0)]
    pub scale: f64,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The generated archive: `uniform` (20-200 captures a domain) or `realistic`
    /// (heavy-tailed captures and HTML churn, reversions; the crawl is compared with the
    /// generator's truth).
    #[arg(long, default_value = "uniform", value_parser = ["uniform", "realistic"])]
    pub profile: String,
    /// The strategies crawled side by side on the same archive, each into its own store
    /// (comma-separated: change-point, exhaustive, princeton).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "change-point"
    )]
    pub strategies: Vec<StrategyArg>,
    /// The change-point search's resolution (a number and a unit, s, m, h, d or w; default 540d).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub resolution: Option<u64>,
    /// The document types crawled (privacy, terms, trackers, imprint; comma-separated, as
    /// `crawl --types`): any type but privacy also gives the generated sites terms of
    /// service, cookie policies and imprints, and versions are reported per type.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "TYPES",
        default_value = "privacy"
    )]
    pub types: Vec<DocumentType>,
    /// One JSON object per line and strategy (strategy, playback_per_true_version,
    /// cdx_per_domain, cdx_requests, playback_requests, versions_by_type,
    /// versions_found_share, exact_first_capture_share, long_versions_found_share,
    /// wall_over_bound, peak_rss_mb, and with exhaustive among the strategies the change-point
    /// rows' floor_policy_downloads, floor_exact_policy_downloads, floor_share_of_exhaustive...)
    /// instead of the report.
    #[arg(long)]
    pub json: bool,
    /// Write the generated archive here (kept) instead of a temporary folder.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
}

/// Arguments of `crawler bench convert`.
#[derive(Debug, Args)]
pub struct BenchConvertArgs {
    /// Folder of X.html pages.
    pub dir: PathBuf,
    /// Timed passes over the folder.
    #[arg(long, default_value_t = 50)]
    pub repeat: u32,
    /// Paired rounds with the Python pipeline (one Python pass each).
    #[arg(long, default_value_t = 20)]
    pub python_repeat: u32,
    /// The oracle environment holding the Python pipeline (tools/setup-oracle.sh makes it).
    #[arg(long, value_name = "DIR", default_value = "tools/oracle-env")]
    pub python_env: PathBuf,
    /// Skip the Python pipeline.
    #[arg(long)]
    pub no_python: bool,
}

/// Arguments of `crawler crawl`.
#[derive(Debug, Args)]
pub struct CrawlArgs {
    /// Domains to crawl (example.com; a URL is reduced to its domain). Without any, the
    /// domains file is read.
    pub domains: Vec<String>,
    /// A file of domains, one per line (blank lines and # comments ignored).
    #[arg(long, env = "CRAWLER_DOMAINS_FILE", value_name = "FILE")]
    pub domains_file: Option<PathBuf>,
    /// Only captures from this date on (YYYY[-MM[-DD]]). A bounded run leaves the cursors of
    /// incremental runs and the --due clock alone.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only captures up to this date (YYYY[-MM[-DD]], inclusive).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Which policy captures to download: change-point (the default: a binary search for each
    /// change), exhaustive (every distinct digest) or princeton (two a year).
    #[arg(long, value_enum, value_name = "STRATEGY")]
    pub strategy: Option<StrategyArg>,
    /// Download every distinct digest of every policy capture (--strategy exhaustive).
    #[arg(long, conflicts_with = "strategy")]
    pub exhaustive: bool,
    /// The change-point search's resolution: inside a span whose ends hold the same text, no
    /// capture is inferred more than this before a downloaded one, so every version that
    /// lasted longer is found (a number and a unit, s, m, h, d or w; default 540d).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub resolution: Option<u64>,
    /// The document types to follow (privacy, terms, trackers, imprint; comma-separated):
    /// `[crawl] types` of the configuration when absent (privacy alone by default).
    #[arg(long, value_delimiter = ',', value_name = "TYPES")]
    pub types: Vec<DocumentType>,
    /// Crawl only the domains whose interval (crawl_interval_days) has passed since their last
    /// crawl: for cron jobs and timers that call it often.
    #[arg(long)]
    pub due: bool,
    /// A contact (e-mail or URL) sent in the User-Agent, so archive staff can reach you.
    #[arg(long, env = "CRAWLER_CONTACT", value_name = "CONTACT")]
    pub contact: Option<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// After the run, write Atom feeds of the stored versions (DIR/DOMAIN.atom, DIR/all.atom)
    /// and an HTML diff page per change (DIR/DOMAIN/vN.html). Also `[feeds] dir`.
    #[arg(long, value_name = "DIR")]
    pub feed_dir: Option<PathBuf>,
    /// After a run that found new versions, POST them as one JSON document to this URL
    /// (retried; at most [feeds] notify_timeout x notify_attempts plus 0.5 s, 1 s... between
    /// attempts; never fails the crawl). Also `[feeds] notify_url`.
    #[arg(long, value_name = "URL")]
    pub notify_url: Option<String>,
}

/// The strategies `--strategy` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StrategyArg {
    /// The change-point search.
    ChangePoint,
    /// Every distinct digest.
    Exhaustive,
    /// The capture nearest 1 April and 1 October of each year.
    Princeton,
}

/// Arguments of `crawler history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The domain.
    pub domain: String,
    /// The type of document: privacy, terms, trackers or imprint.
    #[arg(long = "type", value_name = "TYPE", default_value = "privacy")]
    pub document_type: DocumentType,
    /// Print JSON lines (one per version) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `crawler diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The domain.
    pub domain: String,
    /// The type of document: privacy, terms, trackers or imprint.
    #[arg(long = "type", value_name = "TYPE", default_value = "privacy")]
    pub document_type: DocumentType,
    /// Every change, oldest first, instead of only the latest.
    #[arg(long, conflicts_with_all = ["from", "to", "between"])]
    pub all: bool,
    /// The older version: a number (3, v3) or a date (the version in force then).
    #[arg(long, value_name = "VERSION|DATE")]
    pub from: Option<String>,
    /// The newer version: a number or a date (default: the latest).
    #[arg(long, value_name = "VERSION|DATE")]
    pub to: Option<String>,
    /// Any two versions (numbers or dates).
    #[arg(long, num_args = 2, value_names = ["A", "B"], conflicts_with_all = ["from", "to"])]
    pub between: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Diff formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// The timeline and a word-level diff (coloured on a terminal).
    Text,
    /// A unified diff of the Markdown bodies, for patch tools.
    Unified,
    /// Structured hunks and field changes.
    Json,
    /// One self-contained HTML page: timeline, field changes, side-by-side versions.
    Html,
}

/// Arguments of `crawler export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The output: a .sqlite file (replaced atomically), a .jsonl/.csv file (`-` for stdout),
    /// a folder for --format markdown, or a .warc.gz file for --format warc.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Sqlite)]
    pub format: ExportFormat,
    /// Only these domains (repeatable, or comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "DOMAIN")]
    pub domains: Vec<String>,
    /// Only these document types (privacy, terms, trackers, imprint; repeatable, or
    /// comma-separated): all when absent.
    #[arg(long = "type", value_delimiter = ',', value_name = "TYPE")]
    pub document_types: Vec<DocumentType>,
    /// Only versions in force on or after this date (YYYY[MM[DD]]).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only versions first seen on or before this date (YYYY[MM[DD]]).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only the latest version of each domain (the one in force at --to, when given).
    #[arg(long)]
    pub latest_only: bool,
    /// Also export the raw HTML of each version's first capture (SQLite format only).
    #[arg(long)]
    pub with_contents: bool,
    /// Also write Datasette's metadata.json beside the .sqlite file (title, source, license,
    /// column descriptions, facets, the full-text table). SQLite format only.
    #[arg(long)]
    pub datasette: bool,
    /// With --format warc: every stored capture with content (homepage reads too), not only
    /// those behind the selected versions; --from/--to then bound the capture time.
    #[arg(long)]
    pub all_captures: bool,
}

/// Dataset formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A SQLite file with domains, versions, dataset_info (and contents).
    Sqlite,
    /// One JSON object per version per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// One Markdown file per version, in the corpus's f/fo/foc/DOMAIN__TIMESTAMP.md layout.
    Markdown,
    /// The archived captures behind the versions as a gzipped WARC/1.1 file (replayable by
    /// pywb): a response and a metadata record per capture.
    Warc,
}

/// Arguments of `crawler status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `crawler captures`.
#[derive(Debug, Args)]
pub struct CapturesArgs {
    /// The URL (or host, with --match host/domain) to list.
    pub url: String,
    /// First capture time, 4 to 14 digits (YYYY[MM[DD[hh[mm[ss]]]]]), inclusive.
    #[arg(long, value_name = "TIMESTAMP")]
    pub from: Option<String>,
    /// Last capture time, 4 to 14 digits, inclusive (a partial date means the end of that period).
    #[arg(long, value_name = "TIMESTAMP")]
    pub to: Option<String>,
    /// How the URL is matched.
    #[arg(long = "match", value_enum, default_value_t = MatchArg::Exact)]
    pub match_type: MatchArg,
    /// Drop captures equal to the previous one: digest, urlkey, year, month, day, hour,
    /// or any CDX collapse spec such as `timestamp:6`. Repeatable.
    #[arg(long, value_name = "FIELD")]
    pub collapse: Vec<String>,
    /// Only captures with this HTTP status (e.g. 200); prefix with ! to exclude.
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// Raw CDX filters `[!]field:regex`, repeatable (e.g. `mimetype:text/html`).
    #[arg(long, value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Stop after this many captures.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Write JSON lines instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The CLI's names for CDX match types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatchArg {
    /// This URL only (http/https and www. variants included).
    Exact,
    /// Every URL starting with this one.
    Prefix,
    /// Every URL on this host.
    Host,
    /// Every URL on this domain and its subdomains.
    Domain,
}

/// Arguments of `crawler fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// The original URL of the page, or a playback URL of the archive in use
    /// (`https://web.archive.org/web/20171124151315/https://example.com/`, any modifier such as
    /// `id_`): then its timestamp is used unless --at is given.
    pub url: String,
    /// Capture time (YYYY[-MM[-DD]] or 4 to 14 digits); the archive serves the nearest capture
    /// and the distance is printed.
    #[arg(long, value_name = "TIMESTAMP")]
    pub at: Option<String>,
    /// Fail (exit 1, nothing written) unless the capture is at exactly that second.
    #[arg(long, conflicts_with = "within")]
    pub exact: bool,
    /// Fail (exit 1, nothing written) when the nearest capture is farther than this from --at:
    /// a number and a unit, s, m, h, d or w (`30s`, `90m`, `12h`, `3d`, `2w`).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub within: Option<u64>,
    /// Print one JSON object (url, asked and found timestamps, distance in seconds, status,
    /// length...) on stdout instead of the body; write the body with -o.
    #[arg(long)]
    pub json: bool,
    /// Write the body to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Decode the body to UTF-8 text (from the HTTP charset, BOM, <meta> or detection).
    #[arg(long)]
    pub text: bool,
}

/// A `--within` duration in seconds: digits and one unit, s, m, h, d or w.
fn parse_duration(value: &str) -> Result<u64, String> {
    let trimmed = value.trim();
    let digits = trimmed.len()
        - trimmed
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    let unit_seconds = match &trimmed[digits..] {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => 0,
    };
    trimmed[..digits]
        .parse::<u64>()
        .ok()
        .filter(|_| unit_seconds > 0)
        .and_then(|number| number.checked_mul(unit_seconds))
        .ok_or_else(|| {
            format!("{value:?} is not a duration: write a number and a unit, s, m, h, d or w (e.g. 3d or 12h)")
        })
}

/// Arguments of `crawler convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The archived HTML file.
    pub file: PathBuf,
    /// Domain named in the header line (read from the corpus comment header when absent).
    #[arg(long)]
    pub domain: Option<String>,
    /// Snapshot URL (`https://web.archive.org/web/TSid_/...`): the header's link and the base of
    /// relative links (read from the corpus comment header when absent).
    #[arg(long, value_name = "URL")]
    pub snapshot: Option<String>,
}

/// Arguments of `crawler corpus-check`.
#[derive(Debug, Args)]
pub struct CorpusCheckArgs {
    /// Folder holding X.html / X.md pairs.
    pub dir: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations_have_a_number_and_a_unit() {
        assert_eq!(parse_duration("30s"), Ok(30));
        assert_eq!(parse_duration("90m"), Ok(5400));
        assert_eq!(parse_duration("12h"), Ok(43_200));
        assert_eq!(parse_duration("3d"), Ok(259_200));
        assert_eq!(parse_duration("2w"), Ok(1_209_600));
        for bad in ["3", "d", "3y", "-3d", "3.5d", "", "99999999999999999999w"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}

/// Arguments of `crawler rebuild`.
#[derive(Debug, Args)]
pub struct RebuildArgs {
    /// Domains to rebuild (every stored domain without any).
    pub domains: Vec<String>,
    /// Report what would change, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}
