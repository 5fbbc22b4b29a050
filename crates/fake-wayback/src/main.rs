//! `fake-wayback --fixtures DIR [--port N]`: serves a fixture folder as a Wayback-compatible
//! archive on 127.0.0.1 until Ctrl-C.

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use fake_wayback::{FakeWayback, FixtureSet};

/// Serve a folder of fixture captures as a Wayback-compatible archive on 127.0.0.1
/// (CDX API at /cdx/search/cdx, raw playback at /web/TIMESTAMPid_/URL).
#[derive(Debug, Parser)]
#[command(name = "fake-wayback", version)]
struct Args {
    /// Fixture folder holding captures.toml (and domains.txt), e.g. tests/fixtures/demo.
    #[arg(long, value_name = "DIR")]
    fixtures: PathBuf,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
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
    println!("listening on {}", server.base_url());
    eprintln!(
        "serving {captures} captures from {}; Ctrl-C stops",
        args.fixtures.display()
    );
    tokio::signal::ctrl_c()
        .await
        .context("cannot wait for Ctrl-C")?;
    server.shutdown().await;
    Ok(())
}
