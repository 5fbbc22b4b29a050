//! `crawler bench convert DIR`: converter throughput, memory, and the ratio to the Python pipeline.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use crate::{BenchError, median, peak_rss_kib};

/// What [`convert`] measures.
#[derive(Debug, Clone)]
pub struct ConvertOptions {
    /// Folder of X.html pages (a corpus comment header is honoured).
    pub dir: PathBuf,
    /// Timed passes over the folder after the warm-up pass.
    pub repeat: u32,
    /// Paired rounds with the Python pipeline (one Python pass each).
    pub python_repeat: u32,
    /// The oracle environment holding the Python pipeline (`tools/setup-oracle.sh` makes it).
    pub python_env: PathBuf,
    /// Skip the Python pipeline.
    pub no_python: bool,
}

/// One page ready to convert.
struct Page {
    domain: String,
    snapshot: String,
    html: Vec<u8>,
    content_type: Option<&'static str>,
}

/// Converts every page of the folder `repeat` times and writes the throughput and memory to
/// `out`; then, unless told not to and when the oracle environment exists, the ratio to the
/// Python pipeline over paired rounds.
pub fn convert(options: &ConvertOptions, out: &mut dyn Write) -> Result<(), BenchError> {
    let pages = load_pages(&options.dir)?;
    let bytes_per_pass: usize = pages.iter().map(|page| page.html.len()).sum();
    if pages.is_empty() || options.repeat == 0 {
        return Err(BenchError::Usage(format!(
            "nothing to measure: {} holds no .html page (or --repeat is 0)",
            options.dir.display()
        )));
    }
    let convert_all = || -> Result<usize, BenchError> {
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
    let mut pass_seconds = Vec::with_capacity(options.repeat as usize);
    for _ in 0..options.repeat {
        let start = Instant::now();
        std::hint::black_box(convert_all()?);
        pass_seconds.push(start.elapsed().as_secs_f64());
    }
    let peak_after_last = peak_rss_kib();
    let ours = PassRates::from_seconds(bytes_per_pass, &pass_seconds);
    writeln!(
        out,
        "rust-pipeline: {} pages x {} passes, {bytes_per_pass} bytes per pass, {}",
        pages.len(),
        options.repeat,
        ours.describe()
    )?;
    match (peak_after_first, peak_after_last) {
        (Some(first), Some(last)) => writeln!(
            out,
            "memory: peak RSS {first} KiB after the warm-up pass, {last} KiB after {} more passes",
            options.repeat
        )?,
        _ => writeln!(out, "memory: peak RSS unavailable on this platform")?,
    }
    if options.no_python {
        return Ok(());
    }
    let mut python = match PythonPipeline::start(&options.python_env, &options.dir, pages.len()) {
        Ok(python) => python,
        Err(error) => {
            writeln!(
                out,
                "python-pipeline: not measured ({})",
                with_causes(&error)
            )?;
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
    for _ in 0..options.python_repeat.max(1) {
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
    writeln!(out, "python-pipeline: {}", theirs.describe())?;
    writeln!(
        out,
        "ratio rust/python, {} paired rounds: median {:.1}x (lowest {:.1}x, highest {:.1}x)",
        round_ratios.len(),
        median(&round_ratios),
        round_ratios.first().copied().unwrap_or(0.0),
        round_ratios.last().copied().unwrap_or(0.0),
    )?;
    Ok(())
}

/// An error and its causes on one line, `error: cause: cause`.
fn with_causes(error: &BenchError) -> String {
    let mut line = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        line.push_str(": ");
        line.push_str(&inner.to_string());
        cause = inner.source();
    }
    line
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

fn load_pages(dir: &Path) -> Result<Vec<Page>, BenchError> {
    let entries = std::fs::read_dir(dir).map_err(|error| {
        BenchError::Usage(format!("cannot read the folder {}: {error}", dir.display()))
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "html"))
        .collect();
    paths.sort();
    let mut pages = Vec::with_capacity(paths.len());
    for path in paths {
        let bytes = std::fs::read(&path)
            .map_err(BenchError::io(format!("cannot read {}", path.display())))?;
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

/// `tools/oracle/bench_python.py --serve`: the Python pipeline in its own process, with the pages
/// loaded and warmed up, timing one pass over them each time it is asked.
struct PythonPipeline {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl PythonPipeline {
    /// Starts it on the `pages` pages of `dir`.
    fn start(env: &Path, dir: &Path, pages: usize) -> Result<PythonPipeline, BenchError> {
        let python = env.join("venv/bin/python");
        if !python.is_file() {
            return Err(BenchError::Helper(format!(
                "{} is missing: run tools/setup-oracle.sh",
                python.display()
            )));
        }
        // The workspace's `tools/`, two levels above this crate.
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/oracle/bench_python.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .arg(dir)
            .arg("--serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(BenchError::io(format!("cannot run {}", python.display())))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(BenchError::Helper(format!(
                "no pipes to {}",
                python.display()
            )));
        };
        let mut pipeline = PythonPipeline {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        };
        let ready = pipeline.read_line()?;
        let theirs = parse_ready_line(&ready).ok_or_else(|| {
            BenchError::Helper(format!(
                "unexpected first line from the Python pipeline: {ready}"
            ))
        })?;
        if theirs != pages {
            return Err(BenchError::Helper(format!(
                "the Python pipeline found {theirs} pages in {}, we found {pages}",
                dir.display()
            )));
        }
        Ok(pipeline)
    }

    /// Runs one timed pass over the pages; returns its seconds.
    fn pass(&mut self) -> Result<f64, BenchError> {
        writeln!(self.stdin, "pass")
            .and_then(|()| self.stdin.flush())
            .map_err(BenchError::io("the Python pipeline stopped listening"))?;
        let line = self.read_line()?;
        line.trim()
            .parse()
            .ok()
            .filter(|seconds: &f64| *seconds > 0.0)
            .ok_or_else(|| {
                BenchError::Helper(format!(
                    "unexpected answer from the Python pipeline: {line}"
                ))
            })
    }

    fn read_line(&mut self) -> Result<String, BenchError> {
        let mut line = String::new();
        let read = self
            .stdout
            .read_line(&mut line)
            .map_err(BenchError::io("cannot read from the Python pipeline"))?;
        if read == 0 {
            return Err(BenchError::Helper(
                "the Python pipeline exited early".into(),
            ));
        }
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

    #[test]
    fn an_empty_folder_is_a_usage_error() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let options = ConvertOptions {
            dir: dir.path().to_owned(),
            repeat: 1,
            python_repeat: 1,
            python_env: dir.path().join("oracle-env"),
            no_python: true,
        };
        let mut out = Vec::new();
        assert!(matches!(
            convert(&options, &mut out),
            Err(BenchError::Usage(_))
        ));
        assert!(out.is_empty());
    }

    #[test]
    fn a_page_is_measured_and_a_missing_oracle_is_reported() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(
            dir.path().join("a.html"),
            "<html><body><h1>Privacy</h1><p>We keep your data, as the law says.</p></body></html>",
        )
        .expect("a page");
        let options = ConvertOptions {
            dir: dir.path().to_owned(),
            repeat: 2,
            python_repeat: 1,
            python_env: dir.path().join("oracle-env"),
            no_python: false,
        };
        let mut out = Vec::new();
        convert(&options, &mut out).expect("a measurement");
        let text = String::from_utf8(out).expect("UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(
            lines[0].starts_with("rust-pipeline: 1 pages x 2 passes, "),
            "{text}"
        );
        assert!(lines[1].starts_with("memory: "), "{text}");
        assert!(
            lines[2].starts_with("python-pipeline: not measured (")
                && lines[2].ends_with("venv/bin/python is missing: run tools/setup-oracle.sh)"),
            "{text}"
        );
    }
}
