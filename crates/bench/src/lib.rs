//! The benchmarks behind `crawler bench`: converter throughput against the Python pipeline
//! ([`convert`]), the converter on hostile pages ([`pathological`]), a crawl of a generated
//! archive served by `fake-wayback` in its own process ([`crawl`]), exports of a generated store
//! ([`export`]) and the `crawler diff` view on a generated domain ([`diff`]).
//!
//! Each takes a plain options struct and writes its report, line by line as the figures come,
//! to a `&mut dyn Write` given by the caller (progress notes go to a second one); failures are
//! [`BenchError`]s.
//!
//! Not for: argument parsing or deciding where output goes (the binary does that), the work
//! being measured (it calls the library crates that do it), or measuring anything in tests:
//! the figures depend on the machine.

#![forbid(unsafe_code)]

mod convert;
mod crawl;
mod diff;
mod export;
mod pathological;

use std::time::Duration;

pub use convert::{ConvertOptions, convert};
pub use crawl::{CrawlOptions, GenerateOptions, crawl, generate};
pub use diff::{DiffOptions, View, diff};
pub use export::{ExportFormat, ExportOptions, export};
pub use pathological::{PathologicalOptions, pathological};

/// Why a benchmark did not run to its end.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The options (or the input folder) leave nothing to measure: the user's mistake.
    #[error("{0}")]
    Usage(String),
    /// A file, a folder, a child process or the report's writer failed.
    #[error("{context}")]
    Io {
        /// What was being done.
        context: String,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// A helper process (`fake-wayback`, the Python pipeline) is missing or misbehaved.
    #[error("{0}")]
    Helper(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// The archive client could not be built.
    #[error(transparent)]
    Wayback(#[from] wayback::WaybackError),
    /// The crawl failed.
    #[error(transparent)]
    Crawl(#[from] ::crawl::CrawlError),
    /// A page the benchmark must convert was refused.
    #[error(transparent)]
    Convert(#[from] policy_text::ConvertError),
    /// An export failed.
    #[error(transparent)]
    Export(#[from] ::export::ExportError),
    /// A report line could not be written as JSON.
    #[error("cannot write the report as JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The view being timed failed.
    #[error(transparent)]
    View(#[from] policy_diff::ViewError),
}

impl BenchError {
    /// An I/O failure while doing `context`.
    fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> BenchError {
        let context = context.into();
        move |source| BenchError::Io { context, source }
    }
}

/// Writing the report: the caller's writer failed.
impl From<std::io::Error> for BenchError {
    fn from(source: std::io::Error) -> BenchError {
        BenchError::Io {
            context: "cannot write the report".into(),
            source,
        }
    }
}

/// CPU time of this process so far, as `getrusage(RUSAGE_SELF)` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuTime {
    /// Time in user mode.
    pub user: Duration,
    /// Time in the kernel on the process's behalf.
    pub system: Duration,
}

/// The median of values sorted in ascending order (0 for none).
pub fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Peak resident memory of this process (Linux `VmHWM`), in KiB.
fn peak_rss_kib() -> Option<u64> {
    proc_status_kib("VmHWM:")
}

/// Resident memory of this process now (Linux `VmRSS`), in KiB.
fn current_rss_kib() -> Option<u64> {
    proc_status_kib("VmRSS:")
}

fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&[]), 0.0);
        assert_eq!(median(&[1.0, 2.0, 4.0]), 2.0);
        assert_eq!(median(&[1.0, 2.0, 4.0, 8.0]), 3.0);
    }
}
