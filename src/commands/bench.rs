//! `crawler bench ...`: the arguments as the `bench` crate's options, its report on stdout.

use crate::UsageError;
use crate::cli::{
    BenchCommand, BenchConvertArgs, BenchCrawlArgs, BenchDiffArgs, BenchExportArgs,
    BenchPathologicalArgs,
};

pub fn run(command: BenchCommand) -> anyhow::Result<()> {
    let stdout = &mut std::io::stdout().lock();
    let stderr = &mut std::io::stderr();
    let done = match command {
        BenchCommand::Convert(args) => bench::convert(&convert_options(args), stdout),
        BenchCommand::Crawl(args) => bench::crawl(&crawl_options(args), stdout, stderr),
        BenchCommand::Export(BenchExportArgs { versions }) => {
            bench::export(&bench::ExportOptions { versions }, stdout, stderr)
        }
        BenchCommand::Diff(BenchDiffArgs { versions, repeat }) => bench::diff(
            &bench::DiffOptions { versions, repeat },
            super::diff::view,
            stdout,
        ),
        BenchCommand::Pathological(args) => {
            bench::pathological(&pathological_options(args), stdout)
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

fn crawl_options(args: BenchCrawlArgs) -> bench::CrawlOptions {
    let BenchCrawlArgs {
        domains,
        scale,
        seed,
        keep,
    } = args;
    bench::CrawlOptions {
        domains,
        scale,
        seed,
        keep,
        fake_wayback: None,
    }
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
