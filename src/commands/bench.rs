//! `crawler bench convert DIR`: converter throughput, memory, and the ratio to the Python pipeline.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::Context;

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
    match python_pipeline(&args.python_env, &args.dir, args.python_repeat.max(1)) {
        Ok(python) => println!(
            "python-pipeline: {}\nratio rust/python (median pass): {:.1}x",
            python.describe(),
            ours.median / python.median
        ),
        Err(error) => println!("python-pipeline: not measured ({error:#})"),
    }
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
        let middle = rates.len() / 2;
        let median = if rates.len().is_multiple_of(2) && middle > 0 {
            (rates[middle - 1] + rates[middle]) / 2.0
        } else {
            rates.get(middle).copied().unwrap_or(0.0)
        };
        PassRates {
            median,
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

/// Runs `tools/oracle/bench_python.py` and returns the rates of its passes.
fn python_pipeline(env: &Path, dir: &Path, repeat: u32) -> anyhow::Result<PassRates> {
    let python = env.join("venv/bin/python");
    anyhow::ensure!(
        python.is_file(),
        "{} is missing: run tools/setup-oracle.sh",
        python.display()
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/oracle/bench_python.py");
    let output = Command::new(&python)
        .arg(&script)
        .arg(dir)
        .arg(repeat.to_string())
        .output()
        .with_context(|| format!("cannot run {}", python.display()))?;
    anyhow::ensure!(
        output.status.success(),
        "the Python pipeline failed: {}",
        String::from_utf8_lossy(&output.stderr).trim()
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    parse_python_passes(&stdout)
        .with_context(|| format!("unexpected output from the Python pipeline: {stdout}"))
}

/// Reads `python-pipeline: BYTES bytes per pass, passes S1 S2 ...` (seconds per pass).
fn parse_python_passes(stdout: &str) -> Option<PassRates> {
    let line = stdout.lines().find(|l| l.starts_with("python-pipeline:"))?;
    let rest = line.strip_prefix("python-pipeline:")?.trim();
    let (bytes, passes) = rest.split_once(" bytes per pass, passes ")?;
    let bytes: usize = bytes.trim().parse().ok()?;
    let seconds: Vec<f64> = passes
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    (!seconds.is_empty()).then(|| PassRates::from_seconds(bytes, &seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_pass_times_become_rates() {
        let rates = parse_python_passes(
            "python-pipeline: 2000000 bytes per pass, passes 1.0 2.0 0.5 4.0 1.0\n",
        )
        .expect("a well-formed line");
        assert_eq!(rates.median, 2.0);
        assert_eq!(rates.slowest, 0.5);
        assert_eq!(rates.fastest, 4.0);
        assert!(parse_python_passes("python-pipeline: 3.6 MB/s").is_none());
    }

    #[test]
    fn an_even_number_of_passes_takes_the_middle_two() {
        let rates = PassRates::from_seconds(1_000_000, &[1.0, 0.5]);
        assert_eq!(rates.median, 1.5);
    }
}
