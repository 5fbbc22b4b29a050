//! `crawler bench convert DIR`: converter throughput, memory, and the ratio to the Python pipeline.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use anyhow::Context;

use super::median;
use crate::UsageError;
use crate::cli::BenchConvertArgs;

/// One page ready to convert.
struct Page {
    domain: String,
    snapshot: String,
    html: Vec<u8>,
    content_type: Option<&'static str>,
}

pub fn convert(args: BenchConvertArgs) -> anyhow::Result<()> {
    let pages = load_pages(&args.dir)?;
    let bytes_per_pass: usize = pages.iter().map(|page| page.html.len()).sum();
    if pages.is_empty() || args.repeat == 0 {
        return Err(UsageError(format!(
            "nothing to measure: {} holds no .html page (or --repeat is 0)",
            args.dir.display()
        ))
        .into());
    }
    let convert_all = || -> anyhow::Result<usize> {
        let mut out = 0;
        for page in &pages {
            let document =
                policy_text::convert(&page.html, page.content_type, &page.domain, &page.snapshot)?;
            out += document.markdown.len();
        }
        Ok(out)
    };
    convert_all()?;
    let peak_after_first = peak_rss_kib();
    let mut pass_seconds = Vec::with_capacity(args.repeat as usize);
    for _ in 0..args.repeat {
        let start = Instant::now();
        std::hint::black_box(convert_all()?);
        pass_seconds.push(start.elapsed().as_secs_f64());
    }
    let peak_after_last = peak_rss_kib();
    let ours = PassRates::from_seconds(bytes_per_pass, &pass_seconds);
    println!(
        "rust-pipeline: {} pages x {} passes, {bytes_per_pass} bytes per pass, {}",
        pages.len(),
        args.repeat,
        ours.describe()
    );
    match (peak_after_first, peak_after_last) {
        (Some(first), Some(last)) => println!(
            "memory: peak RSS {first} KiB after the warm-up pass, {last} KiB after {} more passes",
            args.repeat
        ),
        _ => println!("memory: peak RSS unavailable on this platform"),
    }
    if args.no_python {
        return Ok(());
    }
    let mut python = match PythonPipeline::start(&args.python_env, &args.dir, pages.len()) {
        Ok(python) => python,
        Err(error) => {
            println!("python-pipeline: not measured ({error:#})");
            return Ok(());
        }
    };
    // Paired rounds: one Python pass over the pages, then as many of our passes as fill the
    // same time, the two never running at once. Each side runs its own loop over the whole
    // folder, as it would over a stream of pages. A shared machine speeds up and slows down
    // from one moment to the next; both sides of a round see about the same machine, so the
    // rounds' ratios hold even when the rates themselves wander.
    let mut python_seconds = Vec::new();
    let mut round_ratios = Vec::new();
    for _ in 0..args.python_repeat.max(1) {
        let theirs = python.pass()?;
        let (mut ours, mut passes) = (0.0, 0u32);
        while passes == 0 || ours < theirs {
            let start = Instant::now();
            std::hint::black_box(convert_all()?);
            ours += start.elapsed().as_secs_f64();
            passes += 1;
        }
        python_seconds.push(theirs);
        round_ratios.push(f64::from(passes) * theirs / ours);
    }
    let theirs = PassRates::from_seconds(bytes_per_pass, &python_seconds);
    round_ratios.sort_by(f64::total_cmp);
    println!("python-pipeline: {}", theirs.describe());
    println!(
        "ratio rust/python, {} paired rounds: median {:.1}x (lowest {:.1}x, highest {:.1}x)",
        round_ratios.len(),
        median(&round_ratios),
        round_ratios.first().copied().unwrap_or(0.0),
        round_ratios.last().copied().unwrap_or(0.0),
    );
    Ok(())
}

/// Throughput of timed passes over the same bytes, in MB/s.
struct PassRates {
    median: f64,
    slowest: f64,
    fastest: f64,
}

impl PassRates {
    fn from_seconds(bytes_per_pass: usize, seconds: &[f64]) -> PassRates {
        let mut rates: Vec<f64> = seconds
            .iter()
            .map(|s| bytes_per_pass as f64 / s.max(1e-9) / 1e6)
            .collect();
        rates.sort_by(f64::total_cmp);
        PassRates {
            median: median(&rates),
            slowest: rates.first().copied().unwrap_or(0.0),
            fastest: rates.last().copied().unwrap_or(0.0),
        }
    }

    fn describe(&self) -> String {
        format!(
            "median {:.3} MB/s (slowest pass {:.3}, fastest {:.3})",
            self.median, self.slowest, self.fastest
        )
    }
}

fn load_pages(dir: &Path) -> anyhow::Result<Vec<Page>> {
    let entries = std::fs::read_dir(dir).map_err(|error| {
        UsageError(format!("cannot read the folder {}: {error}", dir.display()))
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "html"))
        .collect();
    paths.sort();
    let mut pages = Vec::with_capacity(paths.len());
    for path in paths {
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        let page = match policy_text::split_corpus_file(&text) {
            Some((header, page)) => Page {
                domain: header.domain.clone(),
                snapshot: header.snapshot_url.clone(),
                html: page.as_bytes().to_vec(),
                content_type: Some("text/html; charset=utf-8"),
            },
            None => Page {
                domain: "example.com".into(),
                snapshot:
                    "https://web.archive.org/web/20200101000000id_/http%3A//example.com/privacy"
                        .into(),
                html: bytes.clone(),
                content_type: None,
            },
        };
        pages.push(page);
    }
    Ok(pages)
}

/// Peak resident memory of this process (Linux `VmHWM`), in KiB.
pub(super) fn peak_rss_kib() -> Option<u64> {
    proc_status_kib("VmHWM:")
}

/// Resident memory of this process now (Linux `VmRSS`), in KiB.
pub(super) fn current_rss_kib() -> Option<u64> {
    proc_status_kib("VmRSS:")
}

fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `tools/oracle/bench_python.py --serve`: the Python pipeline in its own process, with the pages
/// loaded and warmed up, timing one pass over them each time it is asked.
struct PythonPipeline {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl PythonPipeline {
    /// Starts it on the `pages` pages of `dir`.
    fn start(env: &Path, dir: &Path, pages: usize) -> anyhow::Result<PythonPipeline> {
        let python = env.join("venv/bin/python");
        anyhow::ensure!(
            python.is_file(),
            "{} is missing: run tools/setup-oracle.sh",
            python.display()
        );
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/oracle/bench_python.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .arg(dir)
            .arg("--serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run {}", python.display()))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            anyhow::bail!("no pipes to {}", python.display());
        };
        let mut pipeline = PythonPipeline {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        };
        let ready = pipeline.read_line()?;
        let theirs = parse_ready_line(&ready)
            .with_context(|| format!("unexpected first line from the Python pipeline: {ready}"))?;
        anyhow::ensure!(
            theirs == pages,
            "the Python pipeline found {theirs} pages in {}, we found {pages}",
            dir.display()
        );
        Ok(pipeline)
    }

    /// Runs one timed pass over the pages; returns its seconds.
    fn pass(&mut self) -> anyhow::Result<f64> {
        writeln!(self.stdin, "pass")
            .and_then(|()| self.stdin.flush())
            .context("the Python pipeline stopped listening")?;
        let line = self.read_line()?;
        line.trim()
            .parse()
            .ok()
            .filter(|seconds: &f64| *seconds > 0.0)
            .with_context(|| format!("unexpected answer from the Python pipeline: {line}"))
    }

    fn read_line(&mut self) -> anyhow::Result<String> {
        let mut line = String::new();
        let read = self
            .stdout
            .read_line(&mut line)
            .context("cannot read from the Python pipeline")?;
        anyhow::ensure!(read > 0, "the Python pipeline exited early");
        Ok(line)
    }
}

impl Drop for PythonPipeline {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads `python-pipeline: PAGES pages, BYTES bytes per pass, ready`; returns PAGES.
fn parse_ready_line(line: &str) -> Option<usize> {
    let rest = line.trim().strip_prefix("python-pipeline:")?.trim();
    let (pages, rest) = rest.split_once(" pages, ")?;
    rest.ends_with(" bytes per pass, ready")
        .then(|| pages.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_python_ready_line_gives_the_page_count() {
        assert_eq!(
            parse_ready_line("python-pipeline: 18 pages, 277293 bytes per pass, ready\n"),
            Some(18)
        );
        assert_eq!(parse_ready_line("python-pipeline: 3.6 MB/s"), None);
    }

    #[test]
    fn pass_times_become_rates() {
        let rates = PassRates::from_seconds(2_000_000, &[1.0, 2.0, 0.5, 4.0, 1.0]);
        assert_eq!(rates.median, 2.0);
        assert_eq!(rates.slowest, 0.5);
        assert_eq!(rates.fastest, 4.0);
    }

    #[test]
    fn an_even_number_of_passes_takes_the_middle_two() {
        let rates = PassRates::from_seconds(1_000_000, &[1.0, 0.5]);
        assert_eq!(rates.median, 1.5);
    }
}
