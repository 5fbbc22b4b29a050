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
    let start = Instant::now();
    for _ in 0..args.repeat {
        std::hint::black_box(convert_all()?);
    }
    let seconds = start.elapsed().as_secs_f64();
    let peak_after_last = peak_rss_kib();
    let total = bytes_per_pass as f64 * f64::from(args.repeat);
    let ours = total / seconds / 1e6;
    println!(
        "rust-pipeline: {} pages, {} bytes, {seconds:.3} s, {ours:.3} MB/s",
        pages.len() * args.repeat as usize,
        total as u64
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
    match python_pipeline(&args.python_env, &args.dir, args.repeat.min(5)) {
        Ok(python) => println!(
            "python-pipeline: {python:.3} MB/s; ratio rust/python = {:.1}x",
            ours / python
        ),
        Err(error) => println!("python-pipeline: not measured ({error:#})"),
    }
    Ok(())
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

/// Runs `tools/oracle/bench_python.py` and returns its MB/s.
fn python_pipeline(env: &Path, dir: &Path, repeat: u32) -> anyhow::Result<f64> {
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
    stdout
        .trim()
        .split(", ")
        .find_map(|part| {
            part.strip_suffix(" MB/s")
                .and_then(|n| n.trim().parse().ok())
        })
        .with_context(|| format!("unexpected output from the Python pipeline: {stdout}"))
}
