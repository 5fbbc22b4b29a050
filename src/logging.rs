//! Logging set-up: `tracing` to stderr, as text or JSON lines.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::cli::LogFormat;

/// The workspace's own crates, whose warnings the user should see by default.
const OWN_CRATES: [&str; 12] = [
    "crawler",
    "charset",
    "crawl",
    "export",
    "fake_wayback",
    "fields",
    "html_tokenizer",
    "policy_diff",
    "policy_text",
    "readability",
    "store",
    "wayback",
];

/// The filter for `-v` given `verbose` times: our crates at warn (info with -v), third-party
/// crates (html5ever's parse warnings, HTTP internals) at error until -vv (debug) or -vvv
/// (trace) opens everything.
fn default_directives(verbose: u8) -> String {
    let (ours, others) = match verbose {
        0 => ("warn", "error"),
        1 => ("info", "error"),
        2 => ("debug", "debug"),
        _ => ("trace", "trace"),
    };
    let mut directives = others.to_owned();
    for name in OWN_CRATES {
        directives.push_str(&format!(",{name}={ours}"));
    }
    directives
}

/// Installs the global subscriber. `RUST_LOG` wins over `-v`.
pub fn init(verbose: u8, format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(default_directives(verbose)));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
