//! `fake-wayback --fixtures DIR [--port N] [--fault KIND:RATE]... [--fault-seed N]`: serves a
//! fixture folder as a Wayback-compatible archive on 127.0.0.1 until Ctrl-C.

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use fake_wayback::{FAULT_KINDS, FakeWayback, FaultRule, FixtureSet};

/// Serve a folder of fixture captures as a Wayback-compatible archive on 127.0.0.1
/// (CDX API at /cdx/search/cdx, raw playback at /web/TIMESTAMPid_/URL).
///
/// Faults: each --fault KIND:RATE applies KIND to that fraction (0 to 1) of its requests,
/// drawn from a generator seeded by --fault-seed (same seed, same request order: same
/// faults). GET /__faults answers the counts injected so far by kind, as a JSON object
/// ({"garbled-cdx": 3}); the counts are also printed to stderr on Ctrl-C.
#[derive(Debug, Parser)]
#[command(name = "fake-wayback", version, after_help = kinds_help())]
struct Args {
    /// Fixture folder holding captures.toml (and domains.txt), e.g. tests/fixtures/demo.
    #[arg(long, value_name = "DIR")]
    fixtures: PathBuf,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Inject a fault into a fraction of requests, e.g. garbled-cdx:0.1 (repeatable; the
    /// first rule that fires wins). Kinds are listed below.
    #[arg(long = "fault", value_name = "KIND:RATE", value_parser = FaultRule::from_spec)]
    faults: Vec<FaultRule>,
    /// Seed of the generator that picks the requests faults apply to.
    #[arg(long, value_name = "N", default_value_t = 0)]
    fault_seed: u64,
}

fn kinds_help() -> String {
    let mut help = String::from("Fault kinds:\n");
    for (kind, what) in FAULT_KINDS {
        help.push_str(&format!("  {kind:<22} {what}\n"));
    }
    help
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let set = FixtureSet::load(&args.fixtures)
        .with_context(|| format!("cannot load fixtures from {}", args.fixtures.display()))?;
    let captures = set.captures().len();
    let server = FakeWayback::start_on(set, args.port)
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    server.set_fault_seed(args.fault_seed);
    for rule in args.faults {
        server.add_fault(rule);
    }
    println!("listening on {}", server.base_url());
    eprintln!(
        "serving {captures} captures from {}; Ctrl-C stops",
        args.fixtures.display()
    );
    tokio::signal::ctrl_c()
        .await
        .context("cannot wait for Ctrl-C")?;
    for (kind, count) in server.fault_counts() {
        eprintln!("faults injected: {kind} {count}");
    }
    server.shutdown().await;
    Ok(())
}
