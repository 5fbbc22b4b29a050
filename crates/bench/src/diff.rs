//! `crawler bench diff`: the time of `crawler diff`'s default view on a generated domain.

use std::io::Write;
use std::time::Instant;

use policy_diff::{Format, Selection, ViewError};
use store::{PolicyVersion, Store};

use crate::BenchError;
use crate::export::{fill_domain, put_bench_content};

/// What [`diff`] measures.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Versions of the generated domain (at least 2).
    pub versions: usize,
    /// Timed repetitions (after one untimed).
    pub repeat: u32,
}

/// The view being timed: `crawler diff`'s rendering of a domain's stored versions (the
/// binary's, so that the benchmark times the command's own code).
pub type View = fn(&str, &[PolicyVersion], Selection, Format, bool) -> Result<String, ViewError>;

/// Times the default view (load from the store, timeline, latest change, in colour) for one
/// domain with `versions` versions of about 30 KB, and writes the median and the slowest time
/// to `out`.
pub fn diff(options: &DiffOptions, view: View, out: &mut dyn Write) -> Result<(), BenchError> {
    if options.versions < 2 || options.repeat == 0 {
        return Err(BenchError::Usage(
            "--versions must be at least 2 and --repeat positive".into(),
        ));
    }
    let dir = tempfile::tempdir().map_err(BenchError::io("cannot create a temporary folder"))?;
    let mut store = Store::open(&dir.path().join("bench.sqlite"))?;
    let domain = store.ensure_domain("bench.example.com", store::DocumentType::Privacy)?;
    put_bench_content(&store)?;
    fill_domain(&mut store, &domain, options.versions, 30_000)?;
    let mut times = Vec::new();
    for _ in 0..=options.repeat {
        let started = Instant::now();
        let versions = store.versions(domain.id)?;
        let text = view(
            "bench.example.com",
            &versions,
            Selection::Latest,
            Format::Text,
            true,
        )?;
        std::hint::black_box(text);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.remove(0);
    times.sort_by(f64::total_cmp);
    writeln!(
        out,
        "bench diff: {} versions of ~30 KB, default view (load, timeline, latest change): median {:.1} ms, max {:.1} ms over {} runs (target < 100 ms)",
        options.versions,
        times[times.len() / 2],
        times[times.len() - 1],
        times.len()
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for the binary's view: the timeline lines only.
    fn timeline_only(
        domain: &str,
        versions: &[PolicyVersion],
        _: Selection,
        _: Format,
        _: bool,
    ) -> Result<String, ViewError> {
        Ok(format!("{domain}: {} versions", versions.len()))
    }

    #[test]
    fn the_view_is_timed_repeat_times() {
        let mut out = Vec::new();
        let options = DiffOptions {
            versions: 3,
            repeat: 2,
        };
        diff(&options, timeline_only, &mut out).expect("a measurement");
        let text = String::from_utf8(out).expect("UTF-8");
        assert!(
            text.starts_with("bench diff: 3 versions of ~30 KB"),
            "{text}"
        );
        assert!(text.ends_with("over 2 runs (target < 100 ms)\n"), "{text}");
    }

    #[test]
    fn fewer_than_two_versions_is_a_usage_error() {
        let options = DiffOptions {
            versions: 1,
            repeat: 2,
        };
        assert!(matches!(
            diff(&options, timeline_only, &mut Vec::new()),
            Err(BenchError::Usage(_))
        ));
    }

    #[test]
    fn a_failing_view_fails_the_benchmark() {
        fn failing(
            domain: &str,
            _: &[PolicyVersion],
            _: Selection,
            _: Format,
            _: bool,
        ) -> Result<String, ViewError> {
            Err(ViewError::NothingToCompare {
                domain: domain.into(),
            })
        }
        let options = DiffOptions {
            versions: 2,
            repeat: 1,
        };
        assert!(matches!(
            diff(&options, failing, &mut Vec::new()),
            Err(BenchError::View(ViewError::NothingToCompare { .. }))
        ));
    }
}
