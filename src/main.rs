//! `crawler`: the command-line edge of the workspace. It parses arguments, loads the
//! configuration, sets up logging and calls the library crates; all real work lives in `crates/`.

mod cli;
mod commands;
mod config;
mod logging;

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use crate::cli::{Cli, Command};

/// A failure the user caused (bad argument, bad input file): exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn main() -> ExitCode {
    restore_default_sigpipe();
    let cli = Cli::parse();
    logging::init(cli.global.verbose, cli.global.log_format);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", one_line(&error));
            if error.chain().any(|cause| cause.is::<UsageError>()) {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// Lets a closed pipe (`crawler history x | head`) end the process quietly, as it does any
/// Unix filter, instead of making every later `println!` panic.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Joins an error and its causes on one line, skipping causes already quoted by their parent.
fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = config::Settings::load(&cli.global)?;
    match cli.command {
        Command::Crawl(args) => commands::crawl::run(&settings, args),
        Command::History(args) => commands::history::history(&settings, args),
        Command::Status(args) => commands::history::status(&settings, args),
        Command::Export(args) => commands::export::run(&settings, args),
        Command::Rebuild(args) => commands::rebuild::run(&settings, args),
        Command::Diff(args) => commands::diff::run(&settings, args),
        Command::Captures(args) => commands::captures::run(&settings, args),
        Command::Fetch(args) => commands::fetch::run(&settings, args),
        Command::Convert(args) => commands::convert::run(args),
        Command::CorpusCheck(args) => commands::corpus_check::run(args),
        Command::Bench(command) => commands::bench::run(command),
    }
}
