//! `crawler bench ...`: the arguments as the `bench` crate's options, its report on stdout.

use crate::UsageError;
use crate::cli::{
    BenchCommand, BenchConvertArgs, BenchCrawlArgs, BenchDiffArgs, BenchExportArgs,
    BenchExportFormat, BenchGenerateArgs, BenchPathologicalArgs, StrategyArg,
};

pub fn run(command: BenchCommand) -> anyhow::Result<()> {
    let stdout = &mut std::io::stdout().lock();
    let stderr = &mut std::io::stderr();
    let done = match command {
        BenchCommand::Convert(args) => bench::convert(&convert_options(args), stdout),
        BenchCommand::Crawl(args) => {
            crawl_options(args).and_then(|options| bench::crawl(&options, stdout, stderr))
        }
        BenchCommand::Export(BenchExportArgs { versions, format }) => {
            let formats = format
                .into_iter()
                .map(|format| match format {
                    BenchExportFormat::Sqlite => bench::ExportFormat::Sqlite,
                    BenchExportFormat::Jsonl => bench::ExportFormat::Jsonl,
                    BenchExportFormat::Warc => bench::ExportFormat::Warc,
                })
                .collect();
            bench::export(&bench::ExportOptions { versions, formats }, stdout, stderr)
        }
        BenchCommand::Diff(BenchDiffArgs { versions, repeat }) => bench::diff(
            &bench::DiffOptions { versions, repeat },
            super::diff::view,
            stdout,
        ),
        BenchCommand::Pathological(args) => {
            bench::pathological(&pathological_options(args), stdout)
        }
        BenchCommand::Generate(args) => {
            generate_options(args).and_then(|options| bench::generate(&options))
        }
    };
    done.map_err(|error| match error {
        bench::BenchError::Usage(message) => UsageError(message).into(),
        other => other.into(),
    })
}

fn convert_options(args: BenchConvertArgs) -> bench::ConvertOptions {
    let BenchConvertArgs {
        dir,
        repeat,
        python_repeat,
        python_env,
        no_python,
    } = args;
    bench::ConvertOptions {
        dir,
        repeat,
        python_repeat,
        python_env,
        no_python,
    }
}

fn crawl_options(args: BenchCrawlArgs) -> Result<bench::CrawlOptions, bench::BenchError> {
    let BenchCrawlArgs {
        domains,
        scale,
        seed,
        profile,
        strategies,
        resolution,
        types,
        json,
        keep,
    } = args;
    let mut kinds = Vec::new();
    for kind in types {
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if resolution == Some(0) {
        return Err(bench::BenchError::Usage(
            "--resolution must be longer than 0s".into(),
        ));
    }
    let resolution_seconds = resolution.unwrap_or(crawl::DEFAULT_RESOLUTION_SECONDS);
    Ok(bench::CrawlOptions {
        domains,
        scale,
        seed,
        profile: profile
            .parse()
            .map_err(|error| bench::BenchError::Usage(format!("{error}")))?,
        strategies: strategies
            .into_iter()
            .map(|strategy| match strategy {
                StrategyArg::ChangePoint => crawl::Strategy::ChangePoint { resolution_seconds },
                StrategyArg::Exhaustive => crawl::Strategy::Exhaustive,
                StrategyArg::Princeton => crawl::Strategy::Princeton,
            })
            .collect(),
        types: kinds,
        json,
        keep,
        fake_wayback: None,
        // This binary writes the archive in a process of its own (`bench generate`).
        generator: std::env::current_exe().ok(),
        cpu_time,
    })
}

fn generate_options(args: BenchGenerateArgs) -> Result<bench::GenerateOptions, bench::BenchError> {
    let BenchGenerateArgs {
        domains,
        seed,
        profile,
        other_documents,
        out,
    } = args;
    Ok(bench::GenerateOptions {
        domains,
        seed,
        profile: profile
            .parse()
            .map_err(|error| bench::BenchError::Usage(format!("{error}")))?,
        other_documents,
        out,
    })
}

fn pathological_options(args: BenchPathologicalArgs) -> bench::PathologicalOptions {
    let BenchPathologicalArgs {
        sizes_kib,
        kind,
        repeat,
        budget_secs,
    } = args;
    bench::PathologicalOptions {
        sizes_kib,
        kind,
        repeat,
        budget_secs,
    }
}

/// This process's CPU time so far: `getrusage(RUSAGE_SELF)`, every thread, no children.
#[cfg(unix)]
fn cpu_time() -> Option<bench::CpuTime> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: `usage` is a valid, writable `rusage`; getrusage fills it whole when it
    // returns 0, and only then is it read.
    let usage = unsafe {
        if libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) != 0 {
            return None;
        }
        usage.assume_init()
    };
    let duration = |time: libc::timeval| {
        let seconds = u64::try_from(time.tv_sec).ok()?;
        let micros = u32::try_from(time.tv_usec).ok()?;
        Some(
            std::time::Duration::from_secs(seconds)
                + std::time::Duration::from_micros(micros.into()),
        )
    };
    Some(bench::CpuTime {
        user: duration(usage.ru_utime)?,
        system: duration(usage.ru_stime)?,
    })
}

/// CPU time is read on unix only.
#[cfg(not(unix))]
fn cpu_time() -> Option<bench::CpuTime> {
    None
}
